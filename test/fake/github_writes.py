"""
github_writes.py
    Writes to the fake GitHub's issues (github.py imports it).

Behaves like api.github.com's "Create an issue" and "Update an issue" (REST
reference, API version 2022-11-28; github/rest-api-description, operations
issues/create and issues/update; octokit/routes create-an-issue.json):

  POST  /repos/{owner}/{repo}/issues            title (required), body,
        labels (names; an unknown name creates the label), assignees
        (logins), milestone (number or null): 201 Created with the issue
        and a Location header
  PATCH /repos/{owner}/{repo}/issues/{number}   the same fields, and state
        (open|closed) and state_reason (completed|not_planned|reopened|null):
        200 with the issue; closing sets closed_at, reopening clears it
  POST  /repos/{owner}/{repo}/issues/{number}/comments   body (required):
        201 with the comment; the issue's comment count goes up
  PATCH /repos/{owner}/{repo}/issues/comments/{id}   body: 200 with it
  DELETE /repos/{owner}/{repo}/issues/comments/{id}  204 No Content
  (issues/create-comment, issues/update-comment, issues/delete-comment)
  Anything else that writes under a repository (DELETE of an issue: the
  REST API has none) is 404 Not Found, as GitHub answers an unknown route.

Errors: no Authorization header: 401 "Requires authentication"; a body that
is not a JSON object: 400 "Problems parsing JSON"; a missing title, an
unknown assignee or milestone, a bad state: 422 "Validation Failed" with
errors[{resource, field, code}] (README 1.1 "Error bodies").  The fault
fixtures answer writes as they answer reads (octo/forbidden 403, octo/broken
500 without making the change).  Unknown fields are ignored, as GitHub does.

The change is real: the item is added to, or changed in, the repository, so
a later list shows it.  /_reset restores every repository written to.
"""

import copy
import json
import time

from fakebase import Response, iso, json_response

ISSUE_DOCS = "https://docs.github.com/rest/issues/issues"


def _error(github, status, message, doc, **extra):
    return github.error(status, message, doc, **extra)


def _invalid(github, field, code="invalid", value=None):
    err = {"resource": "Issue", "field": field, "code": code}
    if value is not None:
        err["value"] = value
    return _error(github, 422, "Validation Failed", ISSUE_DOCS + "#create-an-issue",
                  errors=[err])


class IssueWriter:
    """The writes of one GitHub service; keeps what /_reset restores."""

    def __init__(self, github, service):
        self.github = github          # the github module: user_obj, error, ...
        self.service = service
        self.pristine = {}            # full_name -> (issues, comments, labels) before the first write
        self.comments_made = 0

    def reset(self):
        for name, (issues, comments, labels) in self.pristine.items():
            repo = self.service.by_name[name.lower()]
            repo.issues, repo.comments, repo.labels = issues, comments, labels
            repo.by_number = {i["number"]: i for i in repo.issues}
        self.pristine = {}
        self.comments_made = 0

    def handle(self, req, repo, rest, token):
        """A write under /repos/{owner}/{repo}/; rest is the path after it."""
        github = self.github
        if token is None:
            return _error(github, 401, "Requires authentication",
                          ISSUE_DOCS + "#create-an-issue")
        try:
            fields = json.loads(req.body.decode("utf-8")) if req.body else {}
        except ValueError:
            fields = None
        if not isinstance(fields, dict):
            return _error(github, 400, "Problems parsing JSON", ISSUE_DOCS + "#create-an-issue")
        if req.method == "POST" and rest == ["issues"]:
            return self._create(repo, fields)
        if len(rest) == 3 and rest[:2] == ["issues", "comments"] and rest[2].isdigit():
            return self._comment(req, repo, int(rest[2]), fields)
        if (req.method == "POST" and len(rest) == 3 and rest[0] == "issues"
                and rest[1].isdigit() and rest[2] == "comments"):
            issue = repo.by_number.get(int(rest[1]))
            if issue is None:
                return github.not_found()
            return self._create_comment(repo, issue, fields)
        if req.method == "PATCH" and len(rest) == 2 and rest[0] == "issues" and rest[1].isdigit():
            issue = repo.by_number.get(int(rest[1]))
            if issue is None:
                return github.not_found()
            return self._update(repo, issue, fields)
        return github.not_found()

    def _keep(self, repo):
        if repo.full_name not in self.pristine:
            self.pristine[repo.full_name] = (copy.deepcopy(repo.issues),
                                             copy.deepcopy(repo.comments),
                                             copy.deepcopy(repo.labels))

    def _apply(self, repo, issue, fields):
        """Check and set the fields both requests take; an error response,
        or None once issue is changed."""
        github = self.github
        if "title" in fields and (not isinstance(fields["title"], str) or not fields["title"]):
            return _invalid(github, "title", "missing_field")
        if "assignees" in fields:
            for login in fields["assignees"] or []:
                if login not in github.ASSIGNABLE:
                    return _invalid(github, "assignees", value=login)
        if "milestone" in fields and fields["milestone"] is not None:
            if repo.milestones.get(fields["milestone"]) is None:
                return _invalid(github, "milestone", value=fields["milestone"])
        if "state" in fields and fields["state"] not in ("open", "closed"):
            return _invalid(github, "state", value=fields["state"])
        if "state_reason" in fields and fields["state_reason"] not in (
                None, "completed", "not_planned", "reopened"):
            return _invalid(github, "state_reason", value=fields["state_reason"])
        for name in ("title", "body"):
            if name in fields:
                issue[name] = fields[name]
        if "labels" in fields:
            issue["labels"] = [self._label(repo, name) for name in fields["labels"] or []]
        if "assignees" in fields:
            logins = fields["assignees"] or []
            issue["assignees"] = [github.user_obj(a) for a in logins]
            issue["assignee"] = issue["assignees"][0] if logins else None
        if "milestone" in fields:
            issue["milestone"] = repo.milestones.get(fields["milestone"])
        now = iso(int(time.time()))
        if "state" in fields and fields["state"] != issue["state"]:
            issue["state"] = fields["state"]
            issue["closed_at"] = now if fields["state"] == "closed" else None
            issue["closed_by"] = github.user_obj("octocat") if fields["state"] == "closed" else None
            issue["state_reason"] = "completed" if fields["state"] == "closed" else "reopened"
        if "state_reason" in fields:
            issue["state_reason"] = fields["state_reason"]
        issue["updated_at"] = now
        return None

    @staticmethod
    def _label(repo, name):
        for label in repo.labels:
            if label["name"].lower() == name.lower():
                return label
        lid = repo.id * 100 + len(repo.labels) + 1
        label = {"id": lid, "node_id": "LA_new%d" % lid,
                 "url": "%s/labels/%s" % (repo.api, name), "name": name,
                 "color": "ededed", "default": False, "description": None}
        repo.labels.append(label)
        return label

    def _create(self, repo, fields):
        github = self.github
        if "title" not in fields:
            return _invalid(github, "title", "missing_field")
        with self.service.lock:
            self._keep(repo)
            number = max([i["number"] for i in repo.issues] + [0]) + 1
            iid = 3_000_000_000 + repo.id * 10_000 + number
            url = "%s/issues/%d" % (repo.api, number)
            now = iso(int(time.time()))
            issue = {
                "url": url, "repository_url": repo.api,
                "labels_url": url + "/labels{/name}", "comments_url": url + "/comments",
                "events_url": url + "/events",
                "html_url": "%s/issues/%d" % (repo.web, number),
                "id": iid, "node_id": github.node_id("I_kwDO", iid), "number": number,
                "title": None, "user": github.user_obj("octocat"), "labels": [],
                "state": "open", "locked": False, "assignee": None, "assignees": [],
                "milestone": None, "comments": 0, "created_at": now, "updated_at": now,
                "closed_at": None, "author_association": github.USERS["octocat"][2],
                "type": None, "active_lock_reason": None, "body": None,
                "closed_by": None, "state_reason": None,
            }
            failed = self._apply(repo, issue, {k: v for k, v in fields.items()
                                               if k not in ("state", "state_reason")})
            if failed is not None:
                return failed
            repo.issues.append(issue)
            repo.by_number[number] = issue
            repo.comments[number] = []
        return json_response(201, issue, headers=[("Location", url)])

    def _update(self, repo, issue, fields):
        with self.service.lock:
            self._keep(repo)
            issue = repo.by_number[issue["number"]]
            changed = copy.deepcopy(issue)
            failed = self._apply(repo, changed, fields)
            if failed is not None:
                return failed
            issue.clear()
            issue.update(changed)
        return json_response(200, issue)

    # ---- comments ------------------------------------------------------------

    def _create_comment(self, repo, issue, fields):
        github = self.github
        if not isinstance(fields.get("body"), str) or not fields["body"]:
            return _error(github, 422, "Validation Failed", ISSUE_DOCS + "#create-an-issue-comment",
                          errors=[{"resource": "IssueComment", "field": "body",
                                   "code": "missing_field"}])
        with self.service.lock:
            self._keep(repo)
            number = issue["number"]
            issue = repo.by_number[number]
            comments = repo.comments.setdefault(number, [])
            # ids are never reused, even after a DELETE
            self.comments_made += 1
            cid = 2_100_000_000 + self.comments_made
            url = "%s/issues/comments/%d" % (repo.api, cid)
            now = iso(int(time.time()))
            comment = {
                "url": url,
                "html_url": "%s/issues/%d#issuecomment-%d" % (repo.web, number, cid),
                "issue_url": "%s/issues/%d" % (repo.api, number),
                "id": cid, "node_id": github.node_id("IC_kwDO", cid),
                "user": github.user_obj("octocat"), "created_at": now, "updated_at": now,
                "body": fields["body"], "author_association": github.USERS["octocat"][2],
                "performed_via_github_app": None,
            }
            comments.append(comment)
            issue["comments"] = len(comments)
        return json_response(201, comment, headers=[("Location", url)])

    def _comment(self, req, repo, cid, fields):
        """PATCH or DELETE of the comment cid; 404 for any other method."""
        github = self.github
        with self.service.lock:
            for number, comments in repo.comments.items():
                for k, comment in enumerate(comments):
                    if comment["id"] != cid:
                        continue
                    if req.method == "DELETE":
                        self._keep(repo)
                        comments = repo.comments[number]
                        del comments[k]
                        repo.by_number[number]["comments"] = len(comments)
                        return Response(204)
                    if req.method != "PATCH":
                        return github.not_found()
                    if not isinstance(fields.get("body"), str) or not fields["body"]:
                        return _error(github, 422, "Validation Failed",
                                      ISSUE_DOCS + "#update-an-issue-comment",
                                      errors=[{"resource": "IssueComment", "field": "body",
                                               "code": "missing_field"}])
                    self._keep(repo)
                    comment = repo.comments[number][k]
                    comment["body"] = fields["body"]
                    comment["updated_at"] = iso(int(time.time()))
                    return json_response(200, comment)
        return github.not_found()
