#!/usr/bin/env python3
"""
github.py
    Fake GitHub REST API (issues, issue comments, pulls, pull reviews,
    commits, releases, labels, milestones, the repositories of an account)
    for saas_fdw's tests.

Behaves like api.github.com as described in shared/api/README.md section 1:
auth (Bearer or token; without an Authorization header a request is
unauthenticated: public repositories only, 60 requests an hour, README 1.1
"Budgets"), User-Agent required, X-GitHub-Api-Version checked,
x-ratelimit-* headers on every response, ETag / If-None-Match -> 304 (not
counted against the limit), page-based pagination with a Link header that
only exists when there is another page (next/last) or a previous one
(prev/first), and that points at /repositories/{id}/... (which is served too).
Pull requests are mixed in with issues and carry a "pull_request" key; the
same pull requests are listed by /pulls (see the section "pulls, commits,
releases, labels, milestones" below for those lists' parameters).

Repositories (owner/name is case-insensitive):
    octo/hello (250 items), octo/world (40), acme/widgets (120), acme/empty (0),
    acme/private (20, visible only to token ghp_other; 404 for others),
    acme/gadgets (a fork), acme/legacy (archived), acme/secret (private,
    visible to both tokens); octo is a user, acme an organization
Fault fixtures (every path under the repository):
    octo/forbidden    403 "Resource not accessible by personal access token"
    octo/invalid      422 Validation Failed
    octo/broken       500 {"message":"Server Error"}, always
    octo/flaky        502 on the first request for each URL, then 200
    octo/ratelimited  429 with x-ratelimit-remaining: 0 and a reset 1-2 s
                      ahead, per URL; 200 once the reset time has passed
    octo/secondary    403 secondary rate limit with Retry-After: 1 on the
                      first request for each URL, then 200
The fixtures flaky, ratelimited and secondary hold 70 items each.

A metered rate limit (for tests of saas_fdw's shared rate limiter): with
FAKE_GITHUB_RATE_LIMIT=<limit>:<seconds> in the environment, each token may
make <limit> requests per window of <seconds> seconds that starts with its
first request; x-ratelimit-remaining counts down exactly, and once it is 0
every request gets GitHub's primary rate-limit 403 until the window ends.
Without it the limit is 5000 per hour and remaining never gets low.

Writes (POST and PATCH of issues): see github_writes.py.

Run: python3 github.py [--port 8081] [--summary]
"""

import base64
import hashlib
import os
import sys
import time
import urllib.parse

import github_search
import github_writes

from fakebase import (FakeService, Response, add_page_links, dumps, epoch, iso,
                      json_response, mix, parse_iso8601, percent, pick, serve)

API = "https://api.github.com"
WEB = "https://github.com"
API_VERSIONS = ("2022-11-28", "2026-03-10")
TOKENS = ("ghp_test", "ghp_other")
DOCS = "https://docs.github.com/rest"

START = epoch("2024-01-01T00:00:00Z")
CREATED_END = epoch("2025-11-30T00:00:00Z")
END = epoch("2025-12-31T23:59:59Z")

# login -> (id, type, author_association)
USERS = {
    "octocat": (583231, "User", "MEMBER"),
    "hubot": (480938, "User", "COLLABORATOR"),
    "monalisa": (2111, "User", "CONTRIBUTOR"),
    "defunkt": (2, "User", "NONE"),
    "mojombo": (1, "User", "FIRST_TIME_CONTRIBUTOR"),
    "dependabot[bot]": (49699333, "Bot", "NONE"),
}
AUTHORS = ("octocat", "hubot", "monalisa", "defunkt", "mojombo")
ASSIGNABLE = ("octocat", "hubot", "monalisa")

# name, color, description, default, percent of items carrying it
LABELS = (
    ("bug", "d73a4a", "Something isn't working", True, 30),
    ("enhancement", "a2eeef", "New feature or request", True, 25),
    ("docs", "0075ca", "Improvements or additions to documentation", False, 12),
    ("ui", "fbca04", None, False, 15),
    ("good first issue", "7057ff", "Good for newcomers", True, 10),
)

# number, title, state, due_on, description
MILESTONES = (
    (1, "v1.0", "closed", "2024-06-30T07:00:00Z", "First stable release"),
    (2, "v1.1", "open", "2025-03-31T07:00:00Z", "Polish and bug fixes"),
    (3, "v2.0", "open", None, None),
)

# account -> type: /orgs/{org}/repos knows only organizations
ACCOUNTS = {"octo": "User", "acme": "Organization"}
LANGUAGES = ("C", "Python", "Go", "TypeScript", "Rust")

LOCK_REASONS = ("too heated", "resolved", "off-topic", "spam")

TITLE_VERBS = ("Fix", "Add", "Improve", "Support", "Remove", "Document",
               "Refactor", "Crash in", "Slow", "Typo in", "Flaky test for",
               "Deprecate")
TITLE_OBJECTS = ("login page", "config parser", "pagination", "rate limiter",
                 "CSV export", "dark mode", "search box", "webhook retries",
                 "README", "CLI flags", "cache eviction", "unicode handling",
                 "time zones", "error messages", "settings dialog")
SENTENCES = (
    "I'm having a problem with this.",
    "Steps to reproduce are below.",
    "This started after upgrading to the latest release.",
    "It works on Linux but not on macOS.",
    "The logs show nothing unusual.",
    "Could we make this configurable?",
    "A workaround is to restart the service, but that is not ideal.",
    "See the attached screenshot for details.",
    "This would help a lot of users coming from other tools.",
    "Happy to send a pull request if the approach sounds right.",
    "Tested with version 2.3.1 and the main branch.",
    "The documentation says otherwise, so one of them is wrong.",
    "Ünïcödé input like “café” or 東京 triggers it too.",
    "Expected: the list is sorted. Actual: it is not.",
)
COMMENT_TEXTS = (
    "Me too", "Thanks for the report!", "Can you share the full log?",
    "Fixed in the latest release.", "I can reproduce this on main.",
    "Closing as a duplicate.", "+1, this bites us every week.",
    "Would a config flag be enough here?", "LGTM 👍",
    "Let's discuss this in the next triage meeting.",
)


def node_id(prefix, number):
    return prefix + base64.b64encode(("%s%d" % (prefix, number)).encode()).decode().rstrip("=")


def user_obj(login):
    uid, utype, _ = USERS[login]
    url_login = login.replace("[", "%5B").replace("]", "%5D")
    api = "%s/users/%s" % (API, url_login)
    return {
        "login": login, "id": uid, "node_id": node_id("U_kgDO", uid),
        "avatar_url": "https://avatars.githubusercontent.com/u/%d?v=4" % uid,
        "gravatar_id": "", "url": api, "html_url": "%s/%s" % (WEB, url_login),
        "followers_url": api + "/followers",
        "following_url": api + "/following{/other_user}",
        "gists_url": api + "/gists{/gist_id}",
        "starred_url": api + "/starred{/owner}{/repo}",
        "subscriptions_url": api + "/subscriptions",
        "organizations_url": api + "/orgs", "repos_url": api + "/repos",
        "events_url": api + "/events{/privacy}",
        "received_events_url": api + "/received_events",
        "type": utype, "user_view_type": "public", "site_admin": False,
    }


def reactions_obj(url, *seed):
    names = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
    counts = {n: (mix(*seed, n) % 4 if percent(25, *seed, n) else 0) for n in names}
    out = {"url": url + "/reactions", "total_count": sum(counts.values())}
    out.update(counts)
    return out


class Repo:
    """One repository: its fixed facts and its generated issues/comments."""

    def __init__(self, owner, name, repo_id, count, private=False, fault=None,
                 readers=TOKENS, fork=False, archived=False):
        self.owner, self.name, self.id = owner, name, repo_id
        self.fork, self.archived = fork, archived
        self.full_name = "%s/%s" % (owner, name)
        self.private, self.fault, self.readers = private, fault, readers
        self.api = "%s/repos/%s" % (API, self.full_name)
        self.web = "%s/%s" % (WEB, self.full_name)
        self.labels = [self._label(i, spec) for i, spec in enumerate(LABELS)]
        self.comments = {}
        facts = [self._facts(n, count) for n in range(1, count + 1)]
        self.milestones = {m[0]: self._milestone(m, facts) for m in MILESTONES} if count else {}
        self.issues = [self._issue(f) for f in facts]
        self.by_number = {i["number"]: i for i in self.issues}
        more = RepoMore(self)
        self.pulls, self.reviews, self.commits, self.releases = \
            more.pulls, more.reviews, more.commits, more.releases
        self.runs = more.runs

    def _label(self, i, spec):
        name, color, description, default, _ = spec
        lid = self.id * 100 + i + 1
        return {"id": lid, "node_id": node_id("LA_kwDO", lid),
                "url": "%s/labels/%s" % (self.api, name.replace(" ", "%20")),
                "name": name, "color": color, "default": default,
                "description": description}

    def _facts(self, n, count):
        """The plain facts of item n; the JSON is built from them."""
        seed = (self.full_name, n)
        step = (CREATED_END - START) // count
        created = START + (n - 1) * step + mix(*seed, "created") % max(step // 2, 1)
        closed = percent(40, *seed, "closed")
        ncomments = 0 if percent(50, *seed, "has comments") else 1 + mix(*seed, "comments") % 8
        if not closed and ncomments == 0 and percent(15, *seed, "untouched"):
            life = 0
        else:
            life = 3600 + mix(*seed, "life") % min(90 * 86400, END - created - 3600)
        updated = created + life
        closed_at = None
        if closed:
            closed_at = created + 60 + (updated - created - 60) * (mix(*seed, "closed_at") % 100) // 100
        nassignees = pick((0, 0, 0, 0, 1, 1, 1, 1, 1, 2), *seed, "nassignees")
        first = mix(*seed, "assignee") % len(ASSIGNABLE)
        assignees = [ASSIGNABLE[(first + k) % len(ASSIGNABLE)] for k in range(nassignees)]
        is_pr = n % 5 == 0
        author = pick(AUTHORS, *seed, "author")
        if is_pr and percent(20, *seed, "bot"):
            author = "dependabot[bot]"
        return {
            "n": n, "seed": seed, "created": created, "updated": updated,
            "closed_at": closed_at, "ncomments": ncomments, "is_pr": is_pr,
            "author": author, "assignees": assignees,
            "labels": [spec[0] for spec in LABELS if percent(spec[4], *seed, spec[0])],
            "milestone": mix(*seed, "milestone") % 4,   # 0 = none
        }

    def _milestone(self, spec, facts):
        number, title, state, due_on, description = spec
        mid = self.id * 10 + number
        mine = [f for f in facts if f["milestone"] == number]
        return {
            "url": "%s/milestones/%d" % (self.api, number),
            "html_url": "%s/milestone/%d" % (self.web, number),
            "labels_url": "%s/milestones/%d/labels" % (self.api, number),
            "id": mid, "node_id": node_id("MI_kwDO", mid), "number": number,
            "title": title, "description": description,
            "creator": user_obj("octocat"),
            "open_issues": sum(1 for f in mine if f["closed_at"] is None),
            "closed_issues": sum(1 for f in mine if f["closed_at"] is not None),
            "state": state, "created_at": iso(START + number * 86400),
            "updated_at": iso(START + number * 86400 + 3600),
            "due_on": due_on,
            "closed_at": "2024-07-01T12:00:00Z" if state == "closed" else None,
        }

    def _title(self, n, seed):
        title = "%s %s" % (pick(TITLE_VERBS, *seed, "verb"), pick(TITLE_OBJECTS, *seed, "object"))
        if n % 17 == 0:
            title += " — “smart quotes” ✓"
        if n % 31 == 0:
            title += " under C:\\Program Files"
        if n % 37 == 0:
            title += " 🚀"
        if n % 41 == 0:
            title += ' with "double quotes"'
        return title

    def _body(self, f):
        seed = f["seed"]
        if percent(12, *seed, "no body"):
            return None
        paragraphs = []
        for p in range(1 + mix(*seed, "paragraphs") % 5):
            count = 2 + mix(*seed, p, "sentences") % 4
            paragraphs.append(" ".join(pick(SENTENCES, *seed, p, s) for s in range(count)))
        if "bug" in f["labels"]:
            paragraphs.insert(0, "### Steps to reproduce\n\n1. Open the app\n2. Click the button\n3. See the error")
        return "\r\n\r\n".join(paragraphs)

    def _issue(self, f):
        n, seed = f["n"], f["seed"]
        iid = 3_000_000_000 + self.id * 10_000 + n
        url = "%s/issues/%d" % (self.api, n)
        closed = f["closed_at"] is not None
        if f["is_pr"] or not closed:
            state_reason = "reopened" if (not f["is_pr"] and percent(10, *seed, "reopened")) else None
        else:
            state_reason = "not_planned" if percent(20, *seed, "not planned") else "completed"
        locked = n % 23 == 0
        issue = {
            "url": url,
            "repository_url": self.api,
            "labels_url": url + "/labels{/name}",
            "comments_url": url + "/comments",
            "events_url": url + "/events",
            "html_url": "%s/%s/%d" % (self.web, "pull" if f["is_pr"] else "issues", n),
            "id": iid,
            "node_id": node_id("PR_kwDO" if f["is_pr"] else "I_kwDO", iid),
            "number": n,
            "title": self._title(n, seed),
            "user": user_obj(f["author"]),
            "labels": [l for l in self.labels if l["name"] in f["labels"]],
            "state": "closed" if closed else "open",
            "locked": locked,
            "assignee": user_obj(f["assignees"][0]) if f["assignees"] else None,
            "assignees": [user_obj(a) for a in f["assignees"]],
            "milestone": self.milestones.get(f["milestone"]),
            "comments": f["ncomments"],
            "created_at": iso(f["created"]),
            "updated_at": iso(f["updated"]),
            "closed_at": iso(f["closed_at"]) if closed else None,
            "author_association": USERS[f["author"]][2],
            "type": None,
            "active_lock_reason": pick(LOCK_REASONS, *seed, "lock") if locked else None,
        }
        if f["is_pr"]:
            merged = closed and percent(70, *seed, "merged")
            issue["draft"] = (not closed) and percent(20, *seed, "draft")
            issue["pull_request"] = {
                "url": "%s/pulls/%d" % (self.api, n),
                "html_url": "%s/pull/%d" % (self.web, n),
                "diff_url": "%s/pull/%d.diff" % (self.web, n),
                "patch_url": "%s/pull/%d.patch" % (self.web, n),
                "merged_at": iso(f["closed_at"]) if merged else None,
            }
        issue["sub_issues_summary"] = {"total": 0, "completed": 0, "percent_completed": 0}
        issue["body"] = self._body(f)
        issue["closed_by"] = user_obj(pick(ASSIGNABLE, *seed, "closer")) if closed else None
        issue["reactions"] = reactions_obj(url, *seed)
        issue["timeline_url"] = url + "/timeline"
        issue["performed_via_github_app"] = None
        issue["state_reason"] = state_reason
        self.comments[n] = self._comments(f, iid)
        return issue

    def _comments(self, f, iid):
        n, seed, c = f["n"], f["seed"], f["ncomments"]
        out = []
        for k in range(c):
            cid = 2_000_000_000 + self.id * 100_000 + n * 10 + k
            created = f["created"] + (f["updated"] - f["created"]) * (k + 1) // (c + 1)
            updated = created
            if percent(20, *seed, k, "edited"):
                updated = min(created + 60 + mix(*seed, k, "edit") % 86400, f["updated"])
            author = pick(AUTHORS, *seed, k, "commenter")
            url = "%s/issues/comments/%d" % (self.api, cid)
            out.append({
                "url": url,
                "html_url": "%s/issues/%d#issuecomment-%d" % (self.web, n, cid),
                "issue_url": "%s/issues/%d" % (self.api, n),
                "id": cid,
                "node_id": node_id("IC_kwDO", cid),
                "user": user_obj(author),
                "created_at": iso(created),
                "updated_at": iso(updated),
                "body": pick(COMMENT_TEXTS, *seed, k, "text"),
                "author_association": USERS[author][2],
                "reactions": reactions_obj(url, *seed, k),
                "performed_via_github_app": None,
            })
        return out

    def repo_obj(self):
        seed = (self.full_name, "repo")
        created = START - 86400 * (30 + mix(*seed, "created") % 700)
        updated = created + 86400 * (1 + mix(*seed, "updated") % 600)
        return {
            "id": self.id, "node_id": node_id("R_kgDO", self.id), "name": self.name,
            "full_name": self.full_name, "private": self.private,
            "owner": {"login": self.owner, "id": self.id // 1000,
                      "type": ACCOUNTS[self.owner],
                      "url": "%s/users/%s" % (API, self.owner)},
            "html_url": self.web,
            "description": None if self.name == "empty" else "Fake repository %s" % self.full_name,
            "fork": self.fork, "url": self.api,
            "issues_url": self.api + "/issues{/number}",
            "created_at": iso(created), "updated_at": iso(updated),
            # an empty repository has never been pushed to
            "pushed_at": None if self.name == "empty" else iso(updated - 3600),
            "has_issues": True, "archived": self.archived,
            "language": None if self.name == "empty" else pick(LANGUAGES, *seed, "language"),
            "stargazers_count": mix(*seed, "stars") % 500,
            "watchers_count": mix(*seed, "stars") % 500,
            "forks_count": mix(*seed, "forks") % 40,
            "open_issues_count": sum(1 for i in self.issues if i["state"] == "open"),
            "default_branch": "main",
            "visibility": "private" if self.private else "public",
        }


def build_repos():
    return [
        Repo("octo", "hello", 1001, 250),
        Repo("octo", "world", 1002, 40),
        Repo("acme", "widgets", 2001, 120),
        Repo("acme", "empty", 2002, 0),
        Repo("acme", "private", 2003, 20, private=True, readers=("ghp_other",)),
        Repo("acme", "gadgets", 2004, 0, fork=True),
        Repo("acme", "legacy", 2005, 0, archived=True),
        Repo("acme", "secret", 2006, 0, private=True),
        Repo("octo", "forbidden", 1003, 0, fault="forbidden"),
        Repo("octo", "invalid", 1004, 0, fault="invalid"),
        Repo("octo", "broken", 1005, 0, fault="broken"),
        Repo("octo", "flaky", 1006, 70, fault="flaky"),
        Repo("octo", "ratelimited", 1007, 70, fault="ratelimited"),
        Repo("octo", "secondary", 1008, 70, fault="secondary"),
    ]


def error(status, message, doc=DOCS, **extra):
    body = {"message": message, "documentation_url": doc}
    body.update(extra)
    body["status"] = str(status)
    return json_response(status, body)


def not_found():
    return error(404, "Not Found", DOCS + "/issues/issues#get-an-issue")


def validation_failed(field, value):
    return error(422, "Validation Failed",
                 DOCS + "/issues/issues#list-repository-issues",
                 errors=[{"value": value, "resource": "Issue", "field": field,
                          "code": "invalid"}])


USER_AGENT_TEXT = (
    "Request forbidden by administrative rules. Please make sure your request "
    "has a User-Agent header (https://docs.github.com/en/rest/overview/"
    "resources-in-the-rest-api#user-agent-required). Check "
    "https://developer.github.com for other possible causes.\n")


def metered_limit():
    """(limit, window seconds) from FAKE_GITHUB_RATE_LIMIT, or None."""
    value = os.environ.get("FAKE_GITHUB_RATE_LIMIT")
    if not value:
        return None
    limit, _, seconds = value.partition(":")
    return int(limit), int(seconds)


def rate_limit_exceeded():
    return error(403, "API rate limit exceeded for user ID %d. If you reach out to GitHub "
                 "Support for help, please include the request ID FAKE:0000."
                 % USERS["octocat"][0],
                 DOCS + "/overview/rate-limits-for-the-rest-api")


class GitHubService(FakeService):
    name = "github"
    RATE_LIMIT = {"token": 5000, "anonymous": 60}

    def __init__(self):
        super().__init__()
        self.metered = metered_limit()
        if self.metered:
            self.RATE_LIMIT = {"token": self.metered[0], "anonymous": self.metered[0]}
        self.repos = build_repos()
        # "owner: The account owner of the repository. The name is not case
        # sensitive." and "repo: The name of the repository without the .git
        # extension. The name is not case sensitive." (REST reference, path
        # parameters of /repos/{owner}/{repo}/..., API version 2022-11-28)
        self.by_name = {r.full_name.lower(): r for r in self.repos}
        self.by_id = {r.id: r for r in self.repos}
        github_search.install(self, Repo)
        self.writer = github_writes.IssueWriter(sys.modules[__name__], self)
        self.reset()

    def reset(self):
        super().reset()
        if hasattr(self, "writer"):
            self.writer.reset()
        with self.lock:
            self.rate = {}             # bucket -> [used, reset epoch]
            self.limited_until = {}    # URL -> epoch when octo/ratelimited lets it pass

    # ---- the request pipeline ------------------------------------------

    def handle(self, req):
        if not req.header("User-Agent"):
            return Response(403, USER_AGENT_TEXT)
        if req.path == "/search/issues" and req.method == "GET":
            return github_search.handle(self, req)      # its own rate limit
        version = req.header("X-GitHub-Api-Version")
        token = self._token(req)
        bucket = token if token in TOKENS else "anonymous"
        if version is not None and version not in API_VERSIONS:
            resp = error(400, "Invalid API version provided: '%s'. Supported versions are: %s."
                         % (version, ", ".join(API_VERSIONS)),
                         DOCS + "/about-the-rest-api/api-versions")
        elif token is not None and token not in TOKENS:
            # a wrong token is refused; no token at all is an anonymous
            # request (README 1.1: 60/h unauthenticated)
            resp = error(401, "Bad credentials")
        elif not self._admit(bucket):
            resp = rate_limit_exceeded()
            resp.rate = self.rate[bucket][1]
        else:
            resp = self._route(req, token)
        return self._finish(req, resp, bucket)

    @staticmethod
    def _token(req):
        """The token sent, "" for a credential of another kind, None for no
        Authorization header (an anonymous request)."""
        scheme, value = req.credential()
        if scheme is None:
            return None
        return value if scheme in ("bearer", "token") else ""

    def _finish(self, req, resp, bucket):
        """Common headers, ETag/304 and rate-limit accounting."""
        if resp.status == 200:
            etag = '"%s"' % hashlib.sha256(resp.body).hexdigest()[:40]
            resp.add_header("ETag", etag)
            resp.add_header("Cache-Control", "private, max-age=60, s-maxage=60")
            if etag in self._if_none_match(req):
                resp = Response(304, headers=[(k, v) for k, v in resp.headers
                                              if k.lower() != "link"])
        override = getattr(resp, "rate", None)
        limit = self.RATE_LIMIT["anonymous" if bucket == "anonymous" else "token"]
        if override:
            used, reset = limit, override
        else:
            used, reset = self._charge(bucket, limit, count=resp.status != 304)
        resp.add_header("x-ratelimit-limit", limit)
        resp.add_header("x-ratelimit-remaining", limit - used)
        resp.add_header("x-ratelimit-reset", reset)
        resp.add_header("x-ratelimit-used", used)
        resp.add_header("x-ratelimit-resource", "core")
        resp.add_header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
        resp.add_header("X-GitHub-Media-Type", "github.v3; format=json")
        resp.add_header("X-GitHub-Api-Version-Selected",
                        req.header("X-GitHub-Api-Version") or API_VERSIONS[0])
        resp.add_header("X-GitHub-Request-Id", "FAKE:%08X" % (mix(req.raw_path, time.time()) & 0xFFFFFFFF))
        return resp

    @staticmethod
    def _if_none_match(req):
        value = req.header("If-None-Match") or ""
        tags = set()
        for tag in value.split(","):
            tag = tag.strip()
            if tag.startswith("W/"):
                tag = tag[2:]
            if tag:
                tags.add(tag)
        return tags

    def _admit(self, bucket):
        """Metered: count the request, or say its window is used up.  One
        step under the lock, so concurrent requests never pass the limit."""
        if not self.metered:
            return True
        now = int(time.time())
        with self.lock:
            state = self.rate.get(bucket)
            if state is None or now >= state[1]:
                state = self.rate[bucket] = [0, now + self.metered[1]]
            if state[0] >= self.metered[0]:
                return False
            state[0] += 1
            return True

    def _charge(self, bucket, limit, count):
        """Count one request (metered: _admit counted it; a 304 gives it
        back).  Unmetered, a window ends before remaining gets low, so
        normal use never sees remaining 0."""
        now = int(time.time())
        with self.lock:
            state = self.rate.get(bucket)
            if self.metered:
                if state is None:       # not admitted (a 401): count nothing
                    state = self.rate[bucket] = [0, now + self.metered[1]]
                elif not count:
                    state[0] -= 1
                return state[0], state[1]
            if state is None or now >= state[1] or state[0] >= limit * 9 // 10:
                state = self.rate[bucket] = [0, now + 3600]
            if count:
                state[0] += 1
            return state[0], state[1]

    # ---- routing ---------------------------------------------------------

    def _route(self, req, token):
        parts = [p for p in req.path.split("/") if p]
        repo, rest = None, []
        if req.method == "GET" and len(parts) == 3 and parts[0] in ("orgs", "users") \
                and parts[2] == "repos":
            return list_account_repos(req, self.repos, parts[0], parts[1], token)
        if len(parts) >= 3 and parts[0] == "repos":
            repo, rest = self.by_name.get(("%s/%s" % (parts[1], parts[2])).lower()), parts[3:]
        elif req.method == "GET" and len(parts) >= 2 and parts[0] == "repositories" and parts[1].isdigit():
            repo, rest = self.by_id.get(int(parts[1])), parts[2:]
        # a private repository the caller cannot see is 404, not 403 (README
        # 1.1 "Error bodies"); a public one is open to anyone, token or not
        if repo is None or (repo.private and token not in repo.readers):
            return not_found()
        fault = self._fault(req, repo)
        if fault is not None:
            return fault
        if req.method != "GET":
            return self.writer.handle(req, repo, rest, token)
        if not rest:
            return json_response(200, repo.repo_obj())
        if rest[0] in MORE_ROUTES:
            return MORE_ROUTES[rest[0]](req, repo, rest[1:])
        if rest[0] != "issues" or len(rest) > 3:
            return not_found()
        if len(rest) == 1:
            return self._list_issues(req, repo)
        issue = repo.by_number.get(int(rest[1])) if rest[1].isdigit() else None
        if issue is None:
            return not_found()
        if len(rest) == 2:
            return json_response(200, issue)
        if rest[2] == "comments":
            return self._list_comments(req, repo, issue["number"])
        return not_found()

    def _fault(self, req, repo):
        url = req.raw_path
        if repo.fault == "forbidden":
            return error(403, "Resource not accessible by personal access token",
                         DOCS + "/issues/issues#list-repository-issues")
        if repo.fault == "invalid":
            return validation_failed("repository", repo.full_name)
        if repo.fault == "broken":
            return json_response(500, {"message": "Server Error"})
        if repo.fault == "flaky" and self.first_time(("flaky", url)):
            return Response(502, "<html><body><h1>502 Bad Gateway</h1>\n"
                            "The server returned an invalid or incomplete response.\n"
                            "</body></html>\n", "text/html")
        if repo.fault == "secondary" and self.first_time(("secondary", url)):
            resp = error(403, "You have exceeded a secondary rate limit. Please wait a few "
                         "minutes before you try again. If you reach out to GitHub Support "
                         "for help, please include the request ID FAKE:0000.",
                         DOCS + "/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
            return resp.add_header("Retry-After", 1)
        if repo.fault == "ratelimited":
            now = time.time()
            with self.lock:
                until = self.limited_until.setdefault(url, int(now) + 2)
            if now < until:
                resp = error(429, "API rate limit exceeded for user ID %d. If you reach out "
                             "to GitHub Support for help, please include the request ID "
                             "FAKE:0000." % USERS["octocat"][0],
                             DOCS + "/overview/rate-limits-for-the-rest-api")
                resp.rate = until
                return resp
        return None

    # ---- lists -------------------------------------------------------------

    def _list_issues(self, req, repo):
        items = repo.issues
        state = req.param("state", "open")
        if state not in ("open", "closed", "all"):
            return validation_failed("state", state)
        if state != "all":
            items = [i for i in items if i["state"] == state]
        # Logins are matched without case: GitHub account names are not case
        # sensitive (the spec says so of the owner parameter, "The name is
        # not case sensitive", README 1.2; a login names one account however
        # it is written).  The reference says nothing more of creator and
        # assignee, so SQL's case-sensitive = must be rechecked locally.
        creator = req.param("creator")
        if creator:
            items = [i for i in items if i["user"]["login"].lower() == creator.lower()]
        assignee = req.param("assignee")
        if assignee == "none":
            items = [i for i in items if not i["assignees"]]
        elif assignee == "*":
            items = [i for i in items if i["assignees"]]
        elif assignee:
            items = [i for i in items
                     if any(a["login"].lower() == assignee.lower() for a in i["assignees"])]
        labels = [l.strip().lower() for l in (req.param("labels") or "").split(",") if l.strip()]
        for label in labels:
            items = [i for i in items if any(l["name"].lower() == label for l in i["labels"])]
        milestone = req.param("milestone")
        if milestone == "none":
            items = [i for i in items if i["milestone"] is None]
        elif milestone == "*":
            items = [i for i in items if i["milestone"] is not None]
        elif milestone:
            if not milestone.isdigit():
                return validation_failed("milestone", milestone)
            items = [i for i in items if i["milestone"] and i["milestone"]["number"] == int(milestone)]
        since = req.param("since")
        if since is not None:
            bound = parse_iso8601(since)
            if bound is None:
                return validation_failed("since", since)
            items = [i for i in items if epoch(i["updated_at"]) >= bound]
        sort = req.param("sort", "created")
        if sort not in ("created", "updated", "comments"):
            return validation_failed("sort", sort)
        direction = req.param("direction", "desc")
        if direction not in ("asc", "desc"):
            return validation_failed("direction", direction)
        key = {"created": lambda i: (i["created_at"], i["number"]),
               "updated": lambda i: (i["updated_at"], i["number"]),
               "comments": lambda i: (i["comments"], i["number"])}[sort]
        items = sorted(items, key=key, reverse=direction == "desc")
        return paginate(req, items, "/repositories/%d/issues" % repo.id)

    def _list_comments(self, req, repo, number):
        items = repo.comments[number]
        since = req.param("since")
        if since is not None:
            bound = parse_iso8601(since)
            if bound is None:
                return validation_failed("since", since)
            items = [c for c in items if epoch(c["updated_at"]) >= bound]
        return paginate(req, items, "/repositories/%d/issues/%d/comments" % (repo.id, number))

    # ---- --summary ---------------------------------------------------------

    def summary(self):
        out = []
        for r in self.repos:
            items = r.issues
            if not items:
                out.append("%s (id %d): 0 items%s\n" % (r.full_name, r.id,
                           ", fault %s" % r.fault if r.fault else ""))
                continue
            op = [i for i in items if i["state"] == "open"]
            prs = [i for i in items if "pull_request" in i]
            out.append("%s (id %d)%s%s: %d items (%d open, %d closed), %d pull requests "
                       "(%d open); issue numbers 1..%d\n"
                       % (r.full_name, r.id, " private" if r.private else "",
                          ", fault %s" % r.fault if r.fault else "",
                          len(items), len(op), len(items) - len(op), len(prs),
                          sum(1 for i in prs if i["state"] == "open"), len(items)))
            for name, *_ in LABELS:
                has = [i for i in items if any(l["name"] == name for l in i["labels"])]
                out.append("  label %-18s all %3d  open %3d\n"
                           % ('"%s"' % name, len(has), sum(1 for i in has if i["state"] == "open")))
            both = [i for i in items if {"bug", "ui"} <= {l["name"] for l in i["labels"]}]
            out.append("  labels bug AND ui     all %3d  open %3d\n"
                       % (len(both), sum(1 for i in both if i["state"] == "open")))
            for m in (None, 1, 2, 3):
                has = [i for i in items
                       if (i["milestone"] or {}).get("number") == m]
                out.append("  milestone %-4s        all %3d  open %3d\n"
                           % (m or "none", len(has), sum(1 for i in has if i["state"] == "open")))
            for a in ("none",) + ASSIGNABLE:
                has = [i for i in items
                       if (not i["assignees"] if a == "none"
                           else any(x["login"] == a for x in i["assignees"]))]
                out.append("  assignee %-12s all %3d  open %3d\n"
                           % (a, len(has), sum(1 for i in has if i["state"] == "open")))
            for u in USERS:
                has = [i for i in items if i["user"]["login"] == u]
                out.append("  creator %-15s all %3d  open %3d\n"
                           % (u, len(has), sum(1 for i in has if i["state"] == "open")))
            with_c = [i for i in items if i["comments"]]
            out.append("  comments: %d in total on %d items; most on #%d (%d)\n"
                       % (sum(i["comments"] for i in items), len(with_c),
                          max(with_c, key=lambda i: (i["comments"], -i["number"]))["number"],
                          max(i["comments"] for i in items)))
            out.append("  null bodies: %d; locked: %d; created %s .. %s; updated max %s\n"
                       % (sum(1 for i in items if i["body"] is None),
                          sum(1 for i in items if i["locked"]),
                          items[0]["created_at"], items[-1]["created_at"],
                          max(i["updated_at"] for i in items)))
        return "".join(out)


# ---- pulls, commits, releases, labels, milestones (issue 20) ---------------
#
# New lists with their own data: the issues and comments above answer as
# before.  Parameters as in the GitHub REST reference, 2022-11-28
# (github/rest-api-docs-md, repos/{owner}/{repo}/<list>/get.md):
#   GET /repos/{o}/{r}/pulls  state (open|closed|all, default open), head
#       ("user:ref-name"), base, sort (created|updated|popularity|
#       long-running, default created), direction (asc|desc; default desc
#       for created, otherwise asc: README 1.4)
#   GET /repos/{o}/{r}/pulls/{n}  one pull, with merged and the counts
#   GET /repos/{o}/{r}/pulls/{n}/reviews  "returns in chronological order"
#   GET /repos/{o}/{r}/commits  sha, path, author, committer, since, until:
#       newest first; since/until compare the committer date and, as Git's
#       --since/--until do, keep a commit on the bound itself
#   GET /repos/{o}/{r}/releases, /releases/tags/{tag}
#   GET /repos/{o}/{r}/labels, /labels/{name}
#   GET /repos/{o}/{r}/milestones  state (default open), sort (due_on|
#       completeness, default due_on), direction (default asc)
#   GET /repos/{o}/{r}/milestones/{n}
# A value outside an enum is 422 Validation Failed, as for issues.

BRANCHES = ("feature/login", "fix/cache", "docs/readme", "feature/export")
# id, name, path
WORKFLOWS = ((161335, "CI", ".github/workflows/ci.yml"),
             (161336, "Release", ".github/workflows/release.yml"),
             (161337, "Nightly", ".github/workflows/nightly.yml"))
CONCLUSIONS = ("success", "success", "success", "success", "failure", "cancelled",
               "skipped", "timed_out", "startup_failure")


class RepoMore:
    """The pulls, reviews, commits and releases of one repository."""

    def __init__(self, repo):
        self.repo = repo
        self.commits = self._commits()
        self.pulls, self.reviews = [], {}
        for issue in repo.issues:
            if "pull_request" in issue:
                pull = self._pull(issue)
                self.pulls.append(pull)
                self.reviews[pull["number"]] = self._reviews(pull)
        self.releases = self._releases()
        self.runs = self._runs()

    def _pull(self, issue):
        r, n = self.repo, issue["number"]
        seed = (r.full_name, n, "pull")
        branch = pick(BRANCHES, *seed, "branch") + "-%d" % n
        owner = r.owner if percent(70, *seed, "same repo") else issue["user"]["login"]
        merged_at = issue["pull_request"]["merged_at"]
        return {
            "url": "%s/pulls/%d" % (r.api, n), "id": 4_000_000_000 + r.id * 10_000 + n,
            "node_id": node_id("PR_kwDO", n), "html_url": "%s/pull/%d" % (r.web, n),
            "number": n, "state": issue["state"], "locked": issue["locked"],
            "title": issue["title"], "user": issue["user"], "body": issue["body"],
            "labels": issue["labels"], "milestone": issue["milestone"],
            "created_at": issue["created_at"], "updated_at": issue["updated_at"],
            "closed_at": issue["closed_at"], "merged_at": merged_at,
            "merge_commit_sha": sha1(r.full_name, "merge", n),
            "assignee": issue["assignee"], "assignees": issue["assignees"],
            "draft": issue.get("draft", False),
            "head": {"label": "%s:%s" % (owner, branch), "ref": branch,
                     "sha": sha1(r.full_name, "head", n), "user": user_obj(owner)
                     if owner in USERS else {"login": owner}},
            "base": {"label": "%s:%s" % (r.owner, "main" if n % 4 else "release"),
                     "ref": "main" if n % 4 else "release", "sha": sha1(r.full_name, "base", n)},
            "author_association": issue["author_association"],
            "_single": {"merged": merged_at is not None, "comments": issue["comments"],
                        "review_comments": mix(*seed, "rc") % 5,
                        "commits": 1 + mix(*seed, "commits") % 6, "mergeable": None},
        }

    def _reviews(self, pull):
        seed = (self.repo.full_name, pull["number"], "reviews")
        out = []
        start = epoch(pull["created_at"])
        for k in range(mix(*seed) % 4):
            rid = 5_000_000_000 + self.repo.id * 100_000 + pull["number"] * 10 + k
            author = pick(ASSIGNABLE, *seed, k)
            out.append({
                "id": rid, "node_id": node_id("PRR_kwDO", rid), "user": user_obj(author),
                "body": pick(("", "LGTM", "Please add a test.", "A few nits."), *seed, k, "body"),
                "state": pick(("APPROVED", "CHANGES_REQUESTED", "COMMENTED"), *seed, k, "state"),
                "html_url": "%s#pullrequestreview-%d" % (pull["html_url"], rid),
                "pull_request_url": pull["url"], "author_association": USERS[author][2],
                "submitted_at": iso(start + (k + 1) * 3600), "commit_id": pull["head"]["sha"],
            })
        return out

    def _commits(self):
        r = self.repo
        count = {"octo/hello": 130, "octo/world": 12}.get(r.full_name, 0)
        out, parent = [], None
        for k in range(1, count + 1):
            seed = (r.full_name, "commit", k)
            login = pick(AUTHORS + ("dependabot[bot]",), *seed, "author")
            committed = START + k * 5 * 86400 + mix(*seed, "t") % 86400
            if k % 20 == 0:
                committed = out[-1]["commit"]["committer"]["date"]   # same second
                committed = epoch(committed)
            sha = sha1(r.full_name, "commit", k)
            person = {"name": login.title(), "email": "%s@users.example.com" % login,
                      "date": iso(committed - (k % 3) * 600)}
            committer = {"name": "GitHub", "email": "noreply@github.com", "date": iso(committed)}
            out.append({
                "sha": sha, "node_id": node_id("C_kwDO", k),
                "commit": {"author": person, "committer": committer,
                           "message": "%s %s" % (pick(TITLE_VERBS, *seed), pick(TITLE_OBJECTS, *seed)),
                           "tree": {"sha": sha1(r.full_name, "tree", k)}, "comment_count": 0,
                           "verification": {"verified": False, "reason": "unsigned",
                                            "signature": None, "payload": None}},
                "url": "%s/commits/%s" % (r.api, sha), "html_url": "%s/commit/%s" % (r.web, sha),
                # a login only when GitHub knows the e-mail: not for mojombo here
                "author": user_obj(login) if login != "mojombo" else None,
                "committer": None,
                "parents": [{"sha": parent, "url": "%s/commits/%s" % (r.api, parent)}] if parent else [],
            })
            parent = sha
        out.reverse()       # newest first, as git log
        return out

    def _releases(self):
        r = self.repo
        count = {"octo/hello": 9, "octo/world": 2}.get(r.full_name, 0)
        out = []
        for k in range(1, count + 1):
            rid = 6_000_000 + r.id * 100 + k
            created = START + k * 60 * 86400
            draft = k == count
            tag = "v1.%d.0" % k
            out.append({
                "url": "%s/releases/%d" % (r.api, rid), "html_url": "%s/releases/tag/%s" % (r.web, tag),
                "id": rid, "node_id": node_id("RE_kwDO", rid), "tag_name": tag,
                "target_commitish": "main", "name": "Release %s" % tag,
                "body": "Changes in %s." % tag, "draft": draft, "prerelease": k % 4 == 0,
                "created_at": iso(created), "published_at": None if draft else iso(created + 3600),
                "author": user_obj(pick(ASSIGNABLE, r.full_name, "release", k)), "assets": [],
            })
        out.reverse()       # newest first
        return out


    def _runs(self):
        """Workflow runs, newest first, 1 to 9 hours apart; the last ones
        still queued or in progress."""
        r = self.repo
        count = {"octo/hello": 150, "octo/world": 12}.get(r.full_name, 0)
        out = []
        for k in range(1, count + 1):
            seed = (r.full_name, "run", k)
            workflow = pick(WORKFLOWS, *seed, "workflow")
            event = pick(("push", "push", "pull_request", "schedule", "workflow_dispatch"),
                         *seed, "event")
            branch = "main" if event in ("push", "schedule") and percent(70, *seed, "main") \
                else pick(BRANCHES, *seed, "branch")
            actor = pick(AUTHORS + ("dependabot[bot]",), *seed, "actor")
            created = START + k * 5 * 3600 + mix(*seed, "t") % (4 * 3600)
            status = "completed"
            if k > count - 3:
                status = ("queued", "in_progress", "waiting")[count - k]
            conclusion = pick(CONCLUSIONS, *seed, "conclusion") if status == "completed" else None
            rid = 7_000_000_000 + r.id * 10_000 + k
            attempt = 2 if percent(10, *seed, "attempt") else 1
            out.append({
                "id": rid, "name": workflow[1], "node_id": node_id("WFR_kwLO", rid),
                "head_branch": branch, "head_sha": sha1(r.full_name, "run head", k),
                "path": workflow[2], "display_title": "%s %s" % (pick(TITLE_VERBS, *seed),
                                                                 pick(TITLE_OBJECTS, *seed)),
                "run_number": k, "event": event, "status": status, "conclusion": conclusion,
                "workflow_id": workflow[0], "check_suite_id": 8_000_000_000 + rid,
                "url": "%s/actions/runs/%d" % (r.api, rid),
                "html_url": "%s/actions/runs/%d" % (r.web, rid),
                "pull_requests": [], "created_at": iso(created),
                "updated_at": iso(created + 60 + mix(*seed, "u") % 1800),
                "actor": user_obj(actor), "run_attempt": attempt,
                "run_started_at": iso(created + (600 if attempt == 2 else 0)),
                "triggering_actor": user_obj(pick(ASSIGNABLE, *seed, "trigger")
                                             if attempt == 2 else actor),
                "jobs_url": "%s/actions/runs/%d/jobs" % (r.api, rid),
                "repository": {"id": r.id, "full_name": r.full_name},
            })
        out.reverse()       # newest first
        return out


def sha1(*parts):
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def enum_param(req, name, allowed, default):
    value = req.param(name, default)
    return value if value in allowed else None


def list_pulls(req, repo, rest):
    if rest:
        pull = next((p for p in repo.pulls if str(p["number"]) == rest[0]), None)
        if pull is None or len(rest) > 2 or (len(rest) == 2 and rest[1] != "reviews"):
            return not_found()
        if len(rest) == 2:
            return paginate(req, repo.reviews[pull["number"]],
                            "/repositories/%d/pulls/%d/reviews" % (repo.id, pull["number"]))
        full = {k: v for k, v in pull.items() if k != "_single"}
        full.update(pull["_single"])
        return json_response(200, full)
    items = [{k: v for k, v in p.items() if k != "_single"} for p in repo.pulls]
    state = enum_param(req, "state", ("open", "closed", "all"), "open")
    if state is None:
        return validation_failed("state", req.param("state"))
    if state != "all":
        items = [p for p in items if p["state"] == state]
    head = req.param("head")
    if head is not None:
        # "user:ref-name"; the user is an account name, not case sensitive
        owner, _, ref = head.partition(":")
        items = [p for p in items if p["head"]["ref"] == ref and
                 p["head"]["label"].split(":")[0].lower() == owner.lower()]
    base = req.param("base")
    if base is not None:
        items = [p for p in items if p["base"]["ref"] == base]
    sort = enum_param(req, "sort", ("created", "updated", "popularity", "long-running"), "created")
    if sort is None:
        return validation_failed("sort", req.param("sort"))
    direction = enum_param(req, "direction", ("asc", "desc"), "desc" if sort == "created" else "asc")
    if direction is None:
        return validation_failed("direction", req.param("direction"))
    field = {"created": "created_at", "updated": "updated_at"}.get(sort)
    if field:
        items = sorted(items, key=lambda p: (p[field], p["number"]), reverse=direction == "desc")
    return paginate(req, items, "/repositories/%d/pulls" % repo.id)


def list_commits(req, repo, rest):
    if rest:
        return not_found()
    items = repo.commits
    author = req.param("author")
    if author is not None:
        # "GitHub username or email address"
        items = [c for c in items
                 if (c["author"] or {}).get("login", "").lower() == author.lower()
                 or c["commit"]["author"]["email"].lower() == author.lower()]
    for name, keep in (("since", lambda d, b: d >= b), ("until", lambda d, b: d <= b)):
        value = req.param(name)
        if value is not None:
            bound = parse_iso8601(value)
            if bound is None:
                return validation_failed(name, value)
            items = [c for c in items if keep(epoch(c["commit"]["committer"]["date"]), bound)]
    return paginate(req, items, "/repositories/%d/commits" % repo.id)


def list_releases(req, repo, rest):
    if len(rest) == 2 and rest[0] == "tags":
        release = next((x for x in repo.releases if x["tag_name"] == rest[1]), None)
        return json_response(200, release) if release else not_found()
    if rest:
        return not_found()
    return paginate(req, repo.releases, "/repositories/%d/releases" % repo.id)


def list_labels(req, repo, rest):
    if rest:
        # GET /labels/{name}: label names are matched without case on GitHub
        name = urllib.parse.unquote(rest[0]).lower()
        label = next((l for l in repo.labels if l["name"].lower() == name), None)
        return json_response(200, label) if label and len(rest) == 1 else not_found()
    return paginate(req, repo.labels, "/repositories/%d/labels" % repo.id)


def list_milestones(req, repo, rest):
    items = sorted(repo.milestones.values(), key=lambda m: m["number"])
    if rest:
        milestone = next((m for m in items if str(m["number"]) == rest[0]), None)
        return json_response(200, milestone) if milestone and len(rest) == 1 else not_found()
    state = enum_param(req, "state", ("open", "closed", "all"), "open")
    if state is None:
        return validation_failed("state", req.param("state"))
    if state != "all":
        items = [m for m in items if m["state"] == state]
    sort = enum_param(req, "sort", ("due_on", "completeness"), "due_on")
    direction = enum_param(req, "direction", ("asc", "desc"), "asc")
    if sort is None or direction is None:
        return validation_failed("sort" if sort is None else "direction",
                                 req.param("sort" if sort is None else "direction"))
    # where milestones without a due date go is not documented; here last
    if sort == "due_on":
        items.sort(key=lambda m: (m["due_on"] is None, m["due_on"] or "", m["number"]),
                   reverse=direction == "desc")
    return paginate(req, items, "/repositories/%d/milestones" % repo.id)


# ---- repositories of an account (issue 20) ---------------------------------
#
# GitHub REST reference, 2022-11-28 (repos/repos, "List organization
# repositories" and "List repositories for a user"):
#   GET /orgs/{org}/repos  type (all|public|private|forks|sources|member,
#       default all): every repository of the organization the caller can
#       see; "The organization name. The name is not case sensitive."
#   GET /users/{username}/repos  type (all|owner|member, default owner):
#       "Lists public repositories for the specified user."
#   both: sort (created|updated|pushed|full_name; default created for an
#       organization, full_name for a user), direction (asc|desc; "Default:
#       asc when using full_name, otherwise desc").
# An organization that does not exist (or a user account asked for as one)
# is 404 Not Found.  Here octo is a user and acme an organization; member
# lists are empty (the fake knows no memberships).

ORG_TYPES = ("all", "public", "private", "forks", "sources", "member")
USER_TYPES = ("all", "owner", "member")


def list_account_repos(req, repos, kind, account, token):
    account = urllib.parse.unquote(account).lower()
    if account not in ACCOUNTS or (kind == "orgs" and ACCOUNTS[account] != "Organization"):
        return not_found()
    mine = [r for r in repos if r.owner == account]
    if kind == "orgs":
        mine = [r for r in mine if not r.private or token in r.readers]
        kind_type = enum_param(req, "type", ORG_TYPES, "all")
        keep = {"all": lambda r: True, "public": lambda r: not r.private,
                "private": lambda r: r.private, "forks": lambda r: r.fork,
                "sources": lambda r: not r.fork, "member": lambda r: False}
    else:
        mine = [r for r in mine if not r.private]
        kind_type = enum_param(req, "type", USER_TYPES, "owner")
        keep = {"all": lambda r: True, "owner": lambda r: True, "member": lambda r: False}
    if kind_type is None:
        return validation_failed("type", req.param("type"))
    items = [r.repo_obj() for r in mine if keep[kind_type](r)]
    sort = enum_param(req, "sort", ("created", "updated", "pushed", "full_name"),
                      "created" if kind == "orgs" else "full_name")
    direction = enum_param(req, "direction", ("asc", "desc"),
                           "asc" if sort == "full_name" else "desc")
    if sort is None or direction is None:
        return validation_failed("sort" if sort is None else "direction",
                                 req.param("sort" if sort is None else "direction"))
    field = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at",
             "full_name": "full_name"}[sort]
    items.sort(key=lambda r: (r[field] or "", r["id"]), reverse=direction == "desc")
    return paginate(req, items, "/%s/%s/repos" % (kind, account))


# ---- workflow runs (issue 20) ------------------------------------------------
#
# GitHub REST reference, 2022-11-28 (actions/workflow-runs, "List workflow
# runs for a repository"): GET /repos/{o}/{r}/actions/runs answers
# {"total_count": n, "workflow_runs": [...]}, newest first, with the Link
# header of every list.  Parameters: actor ("Returns someone's workflow
# runs. Use the login for the user who created the push"), branch, event,
# status (completed, action_required, cancelled, failure, neutral, skipped,
# stale, success, timed_out, in_progress, queued, requested, waiting,
# pending: a status or a conclusion), created ("Returns workflow runs created
# within the given date-time range", in the search syntax: >=t, <=t, >t, <t,
# a..b, a..*, *..b, or a date), head_sha, per_page, page.  "This endpoint
# will return up to 1,000 results for each search when using the following
# parameters: actor, branch, check_suite_id, created, event, head_sha,
# status."  GET /repos/{o}/{r}/actions/runs/{run_id}: one run, 404 if none.

RUN_STATUSES = ("completed", "action_required", "cancelled", "failure", "neutral",
                "skipped", "stale", "success", "timed_out", "in_progress", "queued",
                "requested", "waiting", "pending")


def search_bound(text, upper):
    """One end of a search-syntax range as epoch seconds: a date-time, or a
    date (an upper end takes the whole day), "*" for none; False if bad."""
    if text == "*":
        return None
    value = parse_iso8601(text)
    if value is None:
        return False
    return value + 86399 if upper and "T" not in text else value


def created_filter(text):
    """A test of epoch seconds for the created parameter, or None if bad."""
    for prefix, test in ((">=", lambda t, b: t >= b), ("<=", lambda t, b: t <= b),
                         (">", lambda t, b: t > b), ("<", lambda t, b: t < b)):
        if text.startswith(prefix):
            bound = search_bound(text[len(prefix):], prefix[0] == "<")
            return None if bound in (False, None) else (lambda t: test(t, bound))
    low, dots, high = text.partition("..")
    if not dots:
        low = high = text
    lo, hi = search_bound(low, False), search_bound(high, True)
    if lo is False or hi is False:
        return None
    return lambda t: (lo is None or t >= lo) and (hi is None or t <= hi)


def list_runs(req, repo, rest):
    if not rest or rest[0] != "runs" or len(rest) > 2:
        return not_found()
    if len(rest) == 2:
        run = next((x for x in repo.runs if str(x["id"]) == rest[1]), None)
        return json_response(200, run) if run else not_found()
    items = repo.runs
    status = req.param("status")
    if status is not None:
        if status not in RUN_STATUSES:
            return validation_failed("status", status)
        items = [x for x in items if status in (x["status"], x["conclusion"])]
    actor = req.param("actor")
    if actor is not None:
        items = [x for x in items if x["actor"]["login"].lower() == actor.lower()]
    for name, field in (("branch", "head_branch"), ("event", "event"), ("head_sha", "head_sha")):
        value = req.param(name)
        if value is not None:
            items = [x for x in items if x[field] == value]
    created = req.param("created")
    if created is not None:
        test = created_filter(created)
        if test is None:
            return validation_failed("created", created)
        items = [x for x in items if test(epoch(x["created_at"]))]
    per_page = req.param("per_page", "")
    per_page = min(int(per_page), 100) if per_page.isdigit() and int(per_page) > 0 else 30
    page = req.param("page", "")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    last = max(1, -(-len(items) // per_page))
    body = {"total_count": len(items),
            "workflow_runs": items[(page - 1) * per_page: page * per_page]}
    return add_page_links(json_response(200, body), req,
                          "/repositories/%d/actions/runs" % repo.id, page, last)


MORE_ROUTES = {"actions": list_runs, "pulls": list_pulls, "commits": list_commits, "releases": list_releases,
               "labels": list_labels, "milestones": list_milestones}


def paginate(req, items, link_path):
    """GitHub page-number pagination with a Link header (only when there is
    another page or a previous one).  Links keep the request's own query
    string as sent, with page replaced, on the /repositories/{id} form."""
    per_page = req.param("per_page", "")
    per_page = min(int(per_page), 100) if per_page.isdigit() and int(per_page) > 0 else 30
    page = req.param("page", "")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    last = max(1, -(-len(items) // per_page))
    body = items[(page - 1) * per_page: page * per_page]
    resp = Response(200, dumps(body), "application/json; charset=utf-8")
    return add_page_links(resp, req, link_path, page, last)


if __name__ == "__main__":
    serve(GitHubService(), 8081)
