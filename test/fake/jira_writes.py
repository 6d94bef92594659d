"""
jira_writes.py
    Writes to the fake Jira's issues and comments (jira.py imports it).

Behaves like Jira Cloud's REST API v3 (shared/api/README.md section 4 for
the site, Basic auth and ErrorCollection errors; Atlassian's REST reference
"Issues" and "Issue comments" for the writes; "[obs]" marks words taken
from observed answers):

  POST   /rest/api/3/issue        {"fields": {"project": {"key"}, "summary",
         "issuetype": {"name"}, "description" (ADF), "labels", "priority":
         {"name"}, "assignee": {"accountId"}, "parent": {"key"},
         "duedate"}}: 201 with {id, key, self} only ("Create issue")
  GET    /rest/api/3/issue/{key}  the issue with every field ("Get issue")
  PUT    /rest/api/3/issue/{key}  {"fields": {...}} with the fields to
         change: 204 with no body ("Edit issue"); a null value clears
  DELETE /rest/api/3/issue/{key}  204 ("Delete issue")
  POST   /rest/api/3/issue/{key}/comment  {"body": ADF}: 201 with the
         comment ("Add comment")

Errors, in Jira's ErrorCollection: a missing or invalid field is a 400 with
errors {field: message}; description and comment bodies that are not ADF
documents are a 400 [obs: "Operation value must be an Atlassian Document"];
an unknown issue a 404.  The second credential (other@example.com) may read
but not write: 403 with errorMessages.  Fixture: a summary "Server error"
answers 500 without making the issue.

The change is real: a created issue is found by later searches (the JQL
evaluator sees it), an edit changes it, a deleted issue is gone, a comment
is listed.  /_reset restores the generated issues.
"""

import json
import time

from fakebase import Response, json_response

WRITER_ACCOUNT = "5b10a2844c20165700ede21g"     # fdw@example.com


def adf_text(doc):
    """The plain text of an ADF document: its paragraphs' text, one a line."""
    return "\n".join("".join(node.get("text", "") for node in para.get("content", []))
                     for para in doc.get("content", []))


def is_adf(value):
    return (isinstance(value, dict) and value.get("type") == "doc"
            and value.get("version") == 1 and isinstance(value.get("content"), list))


class IssueWriter:
    """The writes of one Jira service; /_reset rebuilds its issues."""

    def __init__(self, jira, service):
        self.jira = jira              # the jira module: Issue, errors, ...
        self.service = service
        self.written = False

    def reset(self):
        if self.written:
            self.service.issues = self.jira.build_issues()
            self.service.by_key = {i.key: i for i in self.service.issues}
            self.written = False

    # ---- routing ----------------------------------------------------------

    def handle(self, req, path, account):
        """A request under /rest/api/3/issue; None if it is not one."""
        jira = self.jira
        parts = path.split("/")[5:]      # after /rest/api/3/issue
        if parts == [] and req.method == "POST":
            return self._guard(account, "create issues") or self._create(req, account)
        if len(parts) == 2 and parts[1] == "comment" and req.method == "POST":
            return self._guard(account, "add comments") or self._comment(req, parts[0], account)
        if len(parts) != 1 or req.method not in ("GET", "PUT", "DELETE"):
            return None
        issue = self.service.by_key.get(parts[0].upper())
        if issue is None:
            return jira.errors(404, "Issue does not exist or you do not have permission to see it.")
        if req.method == "GET":
            return json_response(200, issue.json(jira.ALL_FIELD_IDS))
        denied = self._guard(account, "edit issues" if req.method == "PUT" else "delete issues")
        if denied:
            return denied
        if req.method == "DELETE":
            self.written = True
            self.service.issues.remove(issue)
            del self.service.by_key[issue.key]
            return Response(204)
        return self._edit(req, issue)

    def _guard(self, account, what):
        if account != WRITER_ACCOUNT:
            # [obs] Jira's words for a missing project permission
            return self.jira.errors(403, "You do not have permission to %s in this project." % what)
        return None

    @staticmethod
    def _body(req):
        try:
            body = json.loads(req.body.decode("utf-8")) if req.body else None
        except ValueError:
            body = None
        return body if isinstance(body, dict) else None

    # ---- fields -----------------------------------------------------------

    def _apply(self, issue, fields, errs):
        """Set the issue's fields from a create's or an edit's "fields";
        errs collects Jira's field errors."""
        jira = self.jira
        for name, value in fields.items():
            inner = value.get(next(iter(value), None)) if isinstance(value, dict) and value else value
            if name == "summary":
                if not isinstance(value, str) or not value.strip():
                    errs["summary"] = "You must specify a summary of the issue."
                else:
                    issue.summary = value
            elif name == "description":
                if value is not None and not is_adf(value):
                    errs["description"] = "Operation value must be an Atlassian Document " \
                                          "(see the Atlassian Document Format)"
                else:
                    issue.description = value
                    issue.description_text = adf_text(value) if value else ""
            elif name == "issuetype":
                found = [t for t in jira.ISSUE_TYPES if inner and t[0].lower() == str(inner).lower()]
                if not found:
                    errs["issuetype"] = "Specify an issue type"
                else:
                    issue.type = found[0]
            elif name == "priority":
                found = [p for p in jira.PRIORITIES if inner and p[0].lower() == str(inner).lower()]
                if inner is not None and not found:
                    errs["priority"] = "The priority selected is invalid."
                else:
                    issue.priority = found[0] if found else None
            elif name == "assignee":
                if inner is not None and inner not in jira.USER_BY_ID:
                    errs["assignee"] = "User '%s' does not exist." % inner
                else:
                    issue.assignee = inner
            elif name == "labels":
                if not isinstance(value, list) or any(not isinstance(l, str) or " " in l for l in value):
                    errs["labels"] = "The label can't contain spaces."
                else:
                    issue.labels = sorted(value)
            elif name == "parent":
                parent = self.service.by_key.get(str(inner).upper()) if inner else None
                if inner is not None and parent is None:
                    errs["parent"] = "Could not find issue by id or key."
                else:
                    issue.parent = parent
            elif name == "duedate":
                try:
                    issue.due = (None if value is None else
                                 jira.calendar.timegm(time.strptime(value, "%Y-%m-%d")))
                except (TypeError, ValueError):
                    errs["duedate"] = "Error parsing date string: %s" % value
            elif name != "project":
                # Jira refuses a field that is not on the screen [obs]
                errs[name] = "Field '%s' cannot be set. It is not on the appropriate " \
                             "screen, or unknown." % name

    # ---- POST /rest/api/3/issue -------------------------------------------

    def _create(self, req, account):
        jira = self.jira
        body = self._body(req)
        fields = body.get("fields") if body else None
        if not isinstance(fields, dict):
            return jira.errors(400, "Can not deserialize instance of the request body.")
        errs = {}
        pkey = (fields.get("project") or {}).get("key") if isinstance(fields.get("project"), dict) else None
        project = next((p for p in jira.PROJECTS if pkey and p[0] == str(pkey).upper()), None)
        if project is None:
            errs["project"] = "Specify a valid project ID or key"
        if "summary" not in fields:
            errs["summary"] = "You must specify a summary of the issue."
        if "issuetype" not in fields:
            errs["issuetype"] = "Specify an issue type"
        mine = [i for i in self.service.issues if project and i.project == project]
        issue = jira.Issue.__new__(jira.Issue)
        now = int(time.time())
        issue.n = max((i.n for i in mine), default=0) + 1
        issue.project = project
        issue.key = "%s-%d" % (project[0], issue.n) if project else None
        issue.id = str(max(int(i.id) for i in self.service.issues) + 1)
        issue.created = issue.updated = now
        issue.status, issue.resolved = jira.STATUSES[0], None
        issue.type, issue.priority = None, jira.PRIORITIES[2]   # Medium, the default [obs]
        issue.assignee, issue.reporter = None, account
        issue.labels, issue.components, issue.versions = [], [], []
        issue.due, issue.parent, issue.summary = None, None, None
        issue.description, issue.description_text = None, ""
        issue.custom, issue.comments = {}, []
        self._apply(issue, fields, errs)
        if errs:
            return jira.errors(400, **errs)
        if issue.summary == "Server error":
            return jira.errors(500, "Internal server error")
        self.written = True
        self.service.issues.append(issue)
        self.service.by_key[issue.key] = issue
        return json_response(201, {"id": issue.id, "key": issue.key,
                                   "self": "%s/issue/%s" % (jira.API, issue.id)})

    # ---- PUT /rest/api/3/issue/{key} --------------------------------------

    def _edit(self, req, issue):
        jira = self.jira
        body = self._body(req)
        fields = body.get("fields") if body else None
        if not isinstance(fields, dict):
            return jira.errors(400, "Can not deserialize instance of the request body.")
        if "project" in fields:
            return jira.errors(400, project="Field 'project' cannot be set. It is not on the "
                               "appropriate screen, or unknown.")
        errs = {}
        copy = jira.Issue.__new__(jira.Issue)
        copy.__dict__.update(issue.__dict__)
        self._apply(copy, fields, errs)
        if errs:
            return jira.errors(400, **errs)
        self.written = True
        issue.__dict__.update(copy.__dict__)
        issue.updated = int(time.time())
        return Response(204)

    # ---- POST /rest/api/3/issue/{key}/comment ------------------------------

    def _comment(self, req, key, account):
        jira = self.jira
        issue = self.service.by_key.get(key.upper())
        if issue is None:
            return jira.errors(404, "Issue does not exist or you do not have permission to see it.")
        body = self._body(req)
        if body is None or not is_adf(body.get("body")):
            return jira.errors(400, comment="Comment body can not be empty!")
        now = int(time.time())
        cid = max([int(c["id"]) for i in self.service.issues for c in i.comments] + [0]) + 1
        comment = {"self": "%s/issue/%s/comment/%d" % (jira.API, issue.id, cid), "id": str(cid),
                   "author": jira.user_obj(account), "body": body["body"],
                   "updateAuthor": jira.user_obj(account), "created": jira.jira_time(now),
                   "updated": jira.jira_time(now), "jsdPublic": True}
        self.written = True
        issue.comments.append(comment)
        issue.updated = now
        return json_response(201, comment)
