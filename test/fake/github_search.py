"""
github_search.py
    GET /search/issues for the fake GitHub (github.py imports it).

Behaves like api.github.com's issue search as shared/api/README.md 1.5
describes it (operation search/issues-and-pull-requests), over the same
issues github.py serves:

  q          keywords and qualifiers: repo:owner/name, org:/user:,
             is:open|closed|issue|pr|merged|unmerged|locked, state:,
             type:issue|pr, author:, assignee:, label: (quoted when it has a
             space; several label: qualifiers must all hold), milestone:,
             no:milestone|label|assignee, created:/updated:/closed: and
             comments: with >, >=, <, <=, a..b, a..*, *..b or one value;
             a leading - negates a qualifier; other words match the title or
             body (in:title|body narrows them).  Logins, labels and
             milestones match without case.
  sort       comments|created|updated|reactions (default best match: the
             fake orders it by created, newest first: do not rely on it)
  order      desc (default) | asc, ignored without sort (README 1.5)
  per_page   default 30, at most 100; page
Answer: {"total_count", "incomplete_results": false, "search_type":
"lexical", "items": [issue + "score"]}, with a Link header like the other
lists.  At most 1,000 results a search: a page that starts past them,
(page - 1) * per_page >= 1000, is 422 "Only the first 1000 search results
are available" (README 1.5 "Limits"; [obs] microsoft/vscode#93983 and
brekkylab/backlot#144 show the body and where the line falls).
Its own rate limit (README 1.1: 30 requests a minute with a token, 10
without), headers x-ratelimit-* with x-ratelimit-resource: search; over it,
403 with x-ratelimit-remaining: 0.  FAKE_GITHUB_SEARCH_RATE_LIMIT=
<limit>:<seconds> changes the token limit and window.

Fixture: the keyword slowsearch in q stands for a search that hit the time
limit (README 1.5: "A query over the time limit returns the partial matches
with incomplete_results:true"): it is not matched as text, and the answer
holds every other match only, with incomplete_results true and total_count
counting what was found.

It adds the repository octo/huge (1,200 items) to the service, served by the
REST paths too, so that a search can pass 1,000 results.
"""

import os
import re
import time

from fakebase import add_page_links, epoch, json_response, parse_iso8601

SEARCH_DOCS = "https://docs.github.com/v3/search/"
HUGE = ("octo", "huge", 1010, 1200)
TIMEOUT_WORD = "slowsearch"


def install(service, repo_class):
    """Add octo/huge to the GitHub service (REST and search)."""
    repo = repo_class(*HUGE)
    service.repos.append(repo)
    service.by_name[repo.full_name.lower()] = repo
    service.by_id[repo.id] = repo


def search_limit():
    value = os.environ.get("FAKE_GITHUB_SEARCH_RATE_LIMIT")
    if not value:
        return 30, 60
    limit, _, seconds = value.partition(":")
    return int(limit), int(seconds)


def error(status, message, **extra):
    body = {"message": message, "documentation_url": SEARCH_DOCS}
    body.update(extra)
    body["status"] = str(status)
    return json_response(status, body)


def validation(message=None, field="q", code="invalid"):
    err = {"resource": "Search", "field": field, "code": code}
    if message:
        err["message"] = message
    return error(422, "Validation Failed", errors=[err])


def split_query(q):
    """Terms of q: words, with "..." kept together (label:"good first issue")."""
    return [m.group(0) for m in re.finditer(r'(?:[^\s"]|"[^"]*")+', q)]


def unquote(value):
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def range_test(spec, parse):
    """A test for a qualifier value: >x, >=x, <x, <=x, a..b (either side *),
    or x; None when spec is not one."""
    m = re.fullmatch(r"(>=|<=|>|<)(.+)", spec)
    if m:
        bound = parse(m.group(2), m.group(1) in (">", "<="))
        if bound is None:
            return None
        op = m.group(1)
        return lambda v: v is not None and {">": v > bound, ">=": v >= bound,
                                             "<": v < bound, "<=": v <= bound}[op]
    if ".." in spec:
        lo, hi = spec.split("..", 1)
        lo_v = None if lo == "*" else parse(lo, False)
        hi_v = None if hi == "*" else parse(hi, True)
        if (lo != "*" and lo_v is None) or (hi != "*" and hi_v is None):
            return None
        return lambda v: v is not None and (lo_v is None or v >= lo_v) and (hi_v is None or v <= hi_v)
    lo_v, hi_v = parse(spec, False), parse(spec, True)
    if lo_v is None:
        return None
    return lambda v: v is not None and lo_v <= v <= hi_v


def parse_date(text, upper):
    """A search date: YYYY-MM-DD (the whole day: its first or last second)
    or an ISO-8601 date-time."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        start = parse_iso8601(text)
        return None if start is None else (start + 86399 if upper else start)
    return parse_iso8601(text)


def parse_int(text, upper):
    return int(text) if text.isdigit() else None


class Query:
    """The tests of one q: (test(item, repo), negated) pairs."""

    def __init__(self, q):
        self.tests, self.repos, self.owners, self.words, self.scopes = [], [], [], [], []
        self.timed_out = False
        for term in split_query(q):
            if term.lower() == TIMEOUT_WORD:
                self.timed_out = True
                continue
            neg = term.startswith("-") and ":" in term
            key, sep, value = (term[1:] if neg else term).partition(":")
            key = key.lower()
            value = unquote(value)
            if not sep or not value:
                self.words.append(unquote(term).lower())
                continue
            test = self.qualifier(key, value)
            if test is None:
                raise ValueError(term)
            if test is not True:
                self.tests.append((test, neg))

    def qualifier(self, key, value):
        low = value.lower()
        if key == "repo":
            self.repos.append(low)
            return True
        if key in ("org", "user"):
            self.owners.append(low)
            return True
        if key in ("is", "state", "type"):
            return {
                "open": lambda i: i["state"] == "open",
                "closed": lambda i: i["state"] == "closed",
                "issue": lambda i: "pull_request" not in i,
                "pr": lambda i: "pull_request" in i,
                "pull-request": lambda i: "pull_request" in i,
                "merged": lambda i: bool((i.get("pull_request") or {}).get("merged_at")),
                "unmerged": lambda i: "pull_request" in i and i["state"] == "closed"
                and not i["pull_request"].get("merged_at"),
                "locked": lambda i: i["locked"],
                "unlocked": lambda i: not i["locked"],
            }.get(low)
        if key == "author":
            return lambda i: i["user"]["login"].lower() == low
        if key == "assignee":
            return lambda i: any(a["login"].lower() == low for a in i["assignees"])
        if key == "label":
            # label:a,b is a or b; several label: qualifiers must all hold
            names = {n.strip().lower() for n in value.split(",")}
            return lambda i: any(l["name"].lower() in names for l in i["labels"])
        if key == "milestone":
            return lambda i: bool(i["milestone"]) and i["milestone"]["title"].lower() == low
        if key == "no":
            return {"milestone": lambda i: i["milestone"] is None,
                    "label": lambda i: not i["labels"],
                    "assignee": lambda i: not i["assignees"]}.get(low)
        if key in ("created", "updated", "closed"):
            test = range_test(value, parse_date)
            field = key + "_at"
            return None if test is None else (
                lambda i: test(epoch(i[field]) if i[field] else None))
        if key == "comments":
            test = range_test(value, parse_int)
            return None if test is None else (lambda i: test(i["comments"]))
        if key == "in":
            self.scopes.extend(s for s in low.split(",") if s in ("title", "body"))
            return True
        return None

    def matches(self, item, repo):
        if self.repos and repo.full_name.lower() not in self.repos:
            return False
        if self.owners and repo.owner.lower() not in self.owners:
            return False
        for test, neg in self.tests:
            if bool(test(item)) == neg:
                return False
        scopes = self.scopes or ["title", "body"]
        text = " ".join((item.get(s) or "") for s in scopes).lower()
        return all(w in text for w in self.words)


def handle(service, req):
    """GET /search/issues on the GitHub fake service."""
    token = service._token(req)
    if token is not None and token not in ("ghp_test", "ghp_other"):
        return error(401, "Bad credentials")
    limited = token is None
    limit, window = (10, 60) if limited else search_limit()
    bucket = ("search", token)
    now = int(time.time())
    with service.lock:
        state = service.rate.get(bucket)
        if state is None or now >= state[1]:
            state = service.rate[bucket] = [0, now + window]
        over = state[0] >= limit
        if not over:
            state[0] += 1
        used, reset = state
    if over:
        resp = error(403, "API rate limit exceeded for user ID 583231. If you reach out to "
                     "GitHub Support for help, please include the request ID FAKE:0000.")
    else:
        resp = search(service, req, token)
    for name, value in (("x-ratelimit-limit", limit), ("x-ratelimit-remaining", limit - used),
                        ("x-ratelimit-reset", reset), ("x-ratelimit-used", used),
                        ("x-ratelimit-resource", "search")):
        resp.add_header(name, value)
    return resp


def search(service, req, token):
    q = req.param("q")
    if not q:
        return validation(field="q", code="missing")
    try:
        query = Query(q)
    except ValueError as e:
        return validation("The search qualifier %s is not valid." % e)
    visible = [r for r in service.repos if not r.fault and (not r.private or token in r.readers)]
    named = {r.full_name.lower() for r in visible}
    if any(name not in named for name in query.repos) or \
            any(o not in {r.owner.lower() for r in visible} for o in query.owners):
        # README 1.5: a repo:/user:/org: you can't access gives 422
        return validation("The listed users and repositories cannot be searched either "
                          "because the resources do not exist or you do not have "
                          "permission to view them.")
    sort = req.param("sort")
    if sort is not None and sort not in ("comments", "created", "updated", "reactions",
                                         "interactions"):
        return validation(field="sort")
    order = req.param("order", "desc")
    if order not in ("asc", "desc"):
        return validation(field="order")
    per_page = req.param("per_page", "")
    per_page = min(int(per_page), 100) if per_page.isdigit() and int(per_page) > 0 else 30
    page = req.param("page", "")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    if (page - 1) * per_page >= 1000:
        return error(422, "Only the first 1000 search results are available")
    items = [i for r in visible for i in r.issues if query.matches(i, r)]
    incomplete = query.timed_out
    if incomplete:
        items = items[::2]
    key = {None: lambda i: (i["created_at"], i["id"]),
           "created": lambda i: (i["created_at"], i["id"]),
           "updated": lambda i: (i["updated_at"], i["id"]),
           "comments": lambda i: (i["comments"], i["id"]),
           "reactions": lambda i: (i["reactions"]["total_count"], i["id"]),
           "interactions": lambda i: (i["reactions"]["total_count"] + i["comments"], i["id"])}[sort]
    items.sort(key=key, reverse=sort is None or order == "desc")
    reachable = items[:1000]
    body = [dict(i, score=1.0) for i in reachable[(page - 1) * per_page: page * per_page]]
    resp = json_response(200, {"total_count": len(items), "incomplete_results": incomplete,
                               "search_type": "lexical", "items": body})
    last = max(1, min(-(-len(reachable) // per_page), 1000 // per_page))
    return add_page_links(resp, req, "/search/issues", page, last)
