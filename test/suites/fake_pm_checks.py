#!/usr/bin/env python3
"""
fake_pm_checks.py -- the reference behaviours of the fake Jira, Linear and
GitHub search APIs (test/fake/jira.py, linear.py, github_search.py) that
saas_fdw's issue-18 code will be built against; run by fake_pm.sh.

Prints one "ok - <name>" / "not ok - <name>" line per check and exits 1
when one failed.  URLs: FAKE_JIRA_URL, FAKE_LINEAR_URL, FAKE_GITHUB_URL.
"""

import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

JIRA = os.environ.get("FAKE_JIRA_URL", "http://127.0.0.1:8085")
LINEAR = os.environ.get("FAKE_LINEAR_URL", "http://127.0.0.1:8086")
GITHUB = os.environ.get("FAKE_GITHUB_URL", "http://127.0.0.1:8081")
JIRA_AUTH = "Basic " + base64.b64encode(b"fdw@example.com:jira_token_1").decode()
ME = "5b10a2844c20165700ede21g"        # the accountId of fdw@example.com

failures = 0


def check(name, ok, detail=""):
    global failures
    if ok:
        print("ok - " + name)
    else:
        failures += 1
        print("not ok - " + name)
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)


def http(method, url, body=None, headers=None):
    """(status, headers dict in lower case, parsed JSON or text)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None and not req.has_header("Content-type"):
        req.add_header("Content-Type", "application/json")
    try:
        resp = urllib.request.urlopen(req, timeout=30)
    except urllib.error.HTTPError as e:
        resp = e
    raw = resp.read().decode("utf-8")
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw
    return resp.status, {k.lower(): v for k, v in resp.headers.items()}, parsed


# ---------------------------------------------------------------------------
# Jira
# ---------------------------------------------------------------------------

def jql_string(value):
    """value as a JQL string literal: "..." with \\ and " escaped (README 4.3
    "String escaping"), as saas_fdw will write it."""
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def jira_search(jql, fields=("summary",), max_results=100, token=None, auth=JIRA_AUTH):
    body = {"jql": jql, "maxResults": max_results}
    if fields is not None:
        body["fields"] = list(fields)
    if token is not None:
        body["nextPageToken"] = token
    return http("POST", JIRA + "/rest/api/3/search/jql", body, {"Authorization": auth})


def jira_all(jql, fields=("summary",), max_results=100):
    """Every issue over the pages: (issues, pages, last page body) or raises."""
    issues, token, pages = [], None, 0
    while True:
        status, _, body = jira_search(jql, fields, max_results, token)
        if status != 200:
            raise AssertionError("%d %s" % (status, body))
        pages += 1
        issues += body["issues"]
        if body["isLast"]:
            return issues, pages, body
        token = body["nextPageToken"]
        if pages > 100:
            raise AssertionError("paging does not end")


def jira_keys(jql, fields=("summary",)):
    return [i["key"] for i in jira_all(jql, fields)[0]]


def jira_checks():
    status, _, body = jira_search("project = ENG", auth="Basic " + base64.b64encode(b"fdw@example.com:wrong").decode())
    check("jira: a wrong API token is 401 with an ErrorCollection",
          status == 401 and isinstance(body.get("errorMessages"), list) and body.get("errors") == {},
          (status, body))
    status, _, body = jira_search("project = ENG", auth="Bearer jira_token_1")
    check("jira: a token without Basic email:token is 401", status == 401, (status, body))

    status, _, body = http("POST", JIRA + "/rest/api/3/search/jql", b"jql=project+%3D+ENG",
                           {"Authorization": JIRA_AUTH,
                            "Content-Type": "application/x-www-form-urlencoded"})
    check("jira: a POST body that is not application/json is 415", status == 415, (status, body))

    # paging: nextPageToken until isLast (README 4.1, 7)
    issues, pages, last = jira_all("project = ENG", max_results=50)
    keys = [i["key"] for i in issues]
    check("jira: 50 a page, project ENG's 120 issues come in 3 pages, none twice",
          pages == 3 and len(keys) == 120 and len(set(keys)) == 120, (pages, len(keys)))
    check("jira: the last page has isLast true and no nextPageToken",
          last["isLast"] is True and "nextPageToken" not in last, last.keys())
    status, _, body = jira_search("project = ENG", max_results=500)
    check("jira: maxResults 500 with fields gives a page of 100, isLast false (a page size is a ceiling)",
          status == 200 and len(body["issues"]) == 100 and body["isLast"] is False
          and body.get("nextPageToken"), (status, len(body.get("issues", []))))
    status, _, body = jira_search("project = ENG", token="bm90LWEtdG9rZW4")
    check("jira: a made-up nextPageToken is 400", status == 400, (status, body))
    first = jira_search("project = ENG", max_results=10)[2]
    status, _, body = jira_search("project = OPS", max_results=10, token=first["nextPageToken"])
    check("jira: a page token of another query is 400", status == 400, (status, body))

    # fields (README 4.1: default id only)
    status, _, body = jira_search("key = ENG-2", fields=None)
    check("jira: without fields an issue has only id, key, self (no fields)",
          status == 200 and set(body["issues"][0]) == {"expand", "id", "key", "self"}, body)
    status, _, body = jira_search("key = ENG-2", fields=["summary", "status", "nosuchfield"])
    check("jira: fields [summary, status] returns exactly those fields",
          status == 200 and set(body["issues"][0]["fields"]) == {"summary", "status"}, body)
    status, _, body = jira_search("key = ENG-2", fields=["*all", "-description"])
    got = set(body["issues"][0]["fields"]) if status == 200 else set()
    check("jira: *all with -description returns custom fields but no description",
          "customfield_10016" in got and "description" not in got and "assignee" in got, got)
    status, _, body = jira_search("key = ENG-2", fields=["description"])
    desc = body["issues"][0]["fields"]["description"] if status == 200 else None
    check("jira: description is an ADF document or null",
          desc is None or (desc.get("type") == "doc" and desc.get("version") == 1), desc)

    # hostile values, quoted by the rules, stay values
    eng = len(jira_keys("project = ENG"))
    hostile = 'backend" OR project = "OPS'
    keys = jira_keys("project = ENG AND labels = %s" % jql_string(hostile))
    check("jira: a label holding a quote and OR is one value: no row, no OPS issue",
          keys == [], keys)
    keys = jira_keys("project = ENG AND labels = %s" % jql_string('x\\" OR labels is not EMPTY OR labels = \\"'))
    check("jira: backslashes and quotes in a value cannot end the string", keys == [], keys)
    keys = jira_keys("project = ENG AND (labels = %s)" % jql_string("currentUser()"))
    check("jira: a quoted function call is a value, matching no label", keys == [], keys)
    quoted_and = jira_keys('project = ENG AND labels = "and"')
    check("jira: the reserved word and, quoted, is the label 'and' (4 ENG issues)",
          len(quoted_and) == 4, quoted_and)
    check("jira: \\u escapes decode: \"\\u0061nd\" is the same value",
          jira_keys('project = ENG AND labels = "\\u0061nd"') == quoted_and)
    check("jira: single quotes with \\' escapes: 'o\\'reilly' is the label o'reilly",
          jira_keys("project = ENG AND labels = 'o\\'reilly'")
          == jira_keys('project = ENG AND labels = "o\'reilly"') != [])
    status, _, body = jira_search("project = ENG AND labels = and")
    check("jira: an unquoted reserved word is 400 (must be quoted)",
          status == 400 and "reserved JQL word" in body["errorMessages"][0], body)
    status, _, body = jira_search('project = ENG AND labels = "open')
    check("jira: an unterminated string is 400", status == 400, body)
    status, _, body = jira_search("project = ENG AND labels = a+b")
    check("jira: an unquoted reserved character is 400", status == 400, body)
    keys = jira_keys('project = ENG AND summary ~ "\\"quotes\\""')
    check("jira: summary ~ with an escaped phrase finds the 9 summaries with \"quotes\"",
          len(keys) == 9, keys)
    keys = jira_keys('project = ENG AND summary ~ "AND OR NOT"')
    check("jira: keywords inside a ~ string are words of the text", len(keys) == 7, keys)

    # unknown fields and values (jira.py "UNKNOWN VALUES")
    status, _, body = jira_search("project = ENG AND nosuchfield = x")
    check("jira: an unknown field is 400 \"Field 'nosuchfield' does not exist ...\"",
          status == 400 and body["errorMessages"] == [
              "Field 'nosuchfield' does not exist or you do not have permission to view it."], body)
    status, _, body = jira_search('project = ENG AND status in ("Done", "Nope")')
    check("jira: a status that exists nowhere is 400 naming the value and field",
          status == 400 and body == {"errorMessages": [
              "The value 'Nope' does not exist for the field 'status'."], "errors": {}}, body)
    status, _, body = jira_search('project = ENG OR NOT project = "NOPE"')
    check("jira: an unknown project is 400 even under OR and NOT", status == 400, body)
    keys = jira_keys('project = ENG AND labels = "no-such-label"')
    check("jira: a label that exists nowhere matches no row (200)", keys == [], keys)
    status, _, body = jira_search("project = ENG AND summary = x")
    check("jira: = on summary is 400 (no exact text match in JQL)", status == 400, body)
    for jql in ("order by key desc", "", "ORDER BY created"):
        status, _, body = jira_search(jql)
        check("jira: unbounded JQL %r is 400" % jql, status == 400 and "Unbounded" in body["errorMessages"][0], body)
    status, _, body = jira_search("project = ENG ORDER BY nosuch")
    check("jira: ORDER BY an unknown field is 400", status == 400, body)

    # semantics
    x = ME
    eq = len(jira_keys('project = ENG AND assignee = "%s"' % x))
    ne = len(jira_keys('project = ENG AND assignee != "%s"' % x))
    empty = len(jira_keys("project = ENG AND assignee is EMPTY"))
    check("jira: != leaves out EMPTY: (= x) + (!= x) + (is EMPTY) = all",
          eq + ne + empty == eng and empty > 0 and eq > 0, (eq, ne, empty, eng))
    nots = len(jira_keys('project = ENG AND NOT assignee = "%s"' % x))
    check("jira: NOT (assignee = x) includes the unassigned", nots == eng - eq, (nots, eng, eq))
    mine = len(jira_keys("project = ENG AND assignee = currentUser()"))
    check("jira: currentUser() is the caller's accountId", mine == eq, (mine, eq))
    notin = len(jira_keys('project = ENG AND status NOT IN ("Done", "Won\'t Do")'))
    done = len(jira_keys('project = ENG AND statusCategory = "Done"'))
    check("jira: status NOT IN and statusCategory = Done split the project", notin + done == eng,
          (notin, done, eng))
    issues = jira_all('project = ENG AND created >= "2025-01-01" AND created < "2025-02-01 10:30" '
                      'ORDER BY created ASC', fields=["created"])[0]
    created = [i["fields"]["created"] for i in issues]
    check("jira: a date range holds, ORDER BY created ASC sorts",
          created and created == sorted(created)
          and all("2025-01-01" <= c < "2025-02-01T10:30" for c in created), created)
    issues = jira_all('project in (ENG, OPS) ORDER BY updated DESC', fields=["updated"])[0]
    updated = [i["fields"]["updated"] for i in issues]
    check("jira: ORDER BY updated DESC across pages", updated == sorted(updated, reverse=True)
          and len(updated) == 190, len(updated))
    prio = [i["fields"]["priority"] for i in jira_all(
        "project = WEB AND priority is not EMPTY ORDER BY priority DESC", fields=["priority"])[0]]
    order = ["Highest", "High", "Medium", "Low", "Lowest"]
    ranks = [order.index(p["name"]) for p in prio]
    check("jira: ORDER BY priority DESC lists Highest first", ranks == sorted(ranks), ranks)
    status, _, body = jira_search("project = ENG AND fixVersion = 1.0")
    check("jira: an unquoted full stop is 400 (reserved character: quote \"1.0\")",
          status == 400 and "reserved JQL character" in body["errorMessages"][0], body)
    later = jira_all('project = ENG AND fixVersion > "1.0"', fields=["fixVersions"])[0]
    check("jira: fixVersion > compares in the project's version order",
          later and all(any(v["name"] in ("1.1", "2.0") for v in i["fields"]["fixVersions"])
                        for i in later), len(later))
    status, _, body = jira_search("project = ENG AND statusCategory = indeterminate")
    check("jira: statusCategory takes a name or id, not the key 'indeterminate'",
          status == 400, body)
    status, _, body = jira_search('project = ENG AND created > "2025-13-01"')
    check("jira: an invalid date is 400 naming the formats",
          status == 400 and "yyyy-MM-dd HH:mm" in body["errorMessages"][0], body)
    a = set(jira_keys('(project = OPS AND labels = backend) OR (project = WEB AND NOT labels = backend)'))
    b = set(jira_keys('project = OPS AND labels = backend')) | set(jira_keys('project = WEB')) - set(
        jira_keys('project = WEB AND labels = backend'))
    check("jira: OR, AND, NOT and parentheses combine as sets", a == b and a, (len(a), len(b)))

    # 429 (README 4.1, 7)
    status, headers, body = jira_search("project = RATE")
    check("jira: 429 with Retry-After and an ErrorCollection",
          status == 429 and headers.get("retry-after") == "1" and "x-ratelimit-reset" in headers
          and isinstance(body.get("errorMessages"), list), (status, headers, body))
    status, _, _ = jira_search("project = RATE")
    check("jira: the same search then succeeds", status == 200, status)

    # other endpoints
    status, _, body = http("POST", JIRA + "/rest/api/3/search", {"jql": "project = ENG"},
                           {"Authorization": JIRA_AUTH})
    check("jira: the removed /rest/api/3/search is 410", status == 410, status)
    status, _, body = http("GET", JIRA + "/rest/api/3/field", headers={"Authorization": JIRA_AUTH})
    custom = [f for f in body if f.get("custom")] if status == 200 else []
    check("jira: /field lists custom fields with a schema",
          len(custom) >= 4 and all(f["schema"].get("custom") and f["id"].startswith("customfield_")
                                   for f in custom), custom)
    url, names, pages = JIRA + "/rest/api/3/project/search?maxResults=2&expand=lead", [], 0
    while url:
        status, _, body = http("GET", url, headers={"Authorization": JIRA_AUTH})
        pages += 1
        names += [p["key"] for p in body["values"]]
        url = body.get("nextPage")
        if body["isLast"] != (url is None) or pages > 10:
            break
    check("jira: /project/search pages by nextPage until isLast (5 projects, 3 pages, with lead)",
          pages == 3 and len(names) == 5 and body["total"] == 5 and "lead" in body["values"][0],
          (pages, names))
    status, _, body = http("GET", JIRA + "/rest/api/3/issue/ENG-1/comment?startAt=100&maxResults=50",
                           headers={"Authorization": JIRA_AUTH})
    check("jira: comments page by startAt/maxResults with total; bodies are ADF",
          status == 200 and body["total"] == 120 and len(body["comments"]) == 20
          and body["comments"][0]["body"]["type"] == "doc", (status, body.get("total")))
    vocab = {}
    for path in ("status", "statuscategory", "priority", "issuetype", "project/ENG/components",
                 "project/ENG/versions"):
        status, _, body = http("GET", JIRA + "/rest/api/3/" + path, headers={"Authorization": JIRA_AUTH})
        vocab[path] = [x["name"] for x in body] if status == 200 else status
    check("jira: the value lists a client can check JQL values against",
          vocab == {"status": ["To Do", "In Progress", "In Review", "Done", "Won't Do"],
                    "statuscategory": ["To Do", "In Progress", "Done"],
                    "priority": ["Highest", "High", "Medium", "Low", "Lowest"],
                    "issuetype": ["Bug", "Story", "Task", "Epic"],
                    "project/ENG/components": ["API", "Database", "UI"],
                    "project/ENG/versions": ["1.0", "1.1", "2.0"]}, vocab)
    status, _, _ = http("GET", JIRA + "/rest/api/3/user?accountId=nobody", headers={"Authorization": JIRA_AUTH})
    check("jira: /user?accountId= of nobody is 404", status == 404, status)
    status, _, body = http("GET", JIRA + "/rest/api/3/issue/ENG-999/comment",
                           headers={"Authorization": JIRA_AUTH})
    check("jira: comments of an issue that does not exist: 404 ErrorCollection",
          status == 404 and body["errorMessages"], body)

    # the request log shows the JQL that was sent
    http("GET", JIRA + "/_log?clear=1")
    jira_search('project = "ENG" AND labels = "a\\"b"', max_results=1)
    status, _, log = http("GET", JIRA + "/_log?clear=1")
    check("jira: the request log line carries the POST body (backslash percent-encoded)",
          log.startswith('POST /rest/api/3/search/jql {"jql": "project = %5C"ENG%5C"')
          and "\t" not in log, log)


# ---------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------

def gql(query, variables=None, auth="lin_api_test"):
    return http("POST", LINEAR + "/graphql", {"query": query, "variables": variables or {}},
                {"Authorization": auth})


ISSUES_Q = """query Issues($filter: IssueFilter, $after: String, $first: Int) {
  issues(filter: $filter, after: $after, first: $first) {
    nodes { id identifier title state { name type } team { key } assignee { email }
            labels(first: 10) { nodes { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def linear_all(flt=None, first=50):
    nodes, after, pages = [], None, 0
    while True:
        status, _, body = gql(ISSUES_Q, {"filter": flt, "after": after, "first": first})
        if status != 200 or "errors" in body:
            raise AssertionError("%d %s" % (status, body))
        conn = body["data"]["issues"]
        nodes += conn["nodes"]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            return nodes, pages
        after = conn["pageInfo"]["endCursor"]
        if pages > 50:
            raise AssertionError("paging does not end")


def linear_checks():
    q = "{ teams { nodes { key } } }"
    status, _, body = gql(q)
    check("linear: a personal key without Bearer is accepted", status == 200 and "data" in body, body)
    status, _, body = gql(q, auth="Bearer lin_oauth_test")
    check("linear: an OAuth token with Bearer is accepted", status == 200 and "data" in body, body)
    status, _, body = gql(q, auth="Bearer lin_api_test")
    check("linear: a personal key sent as Bearer is an authentication error",
          status == 400 and body["errors"][0]["extensions"]["type"] == "authentication error", body)

    status, _, body = http("POST", LINEAR + "/graphql", json.dumps({"query": q}).encode(),
                           {"Authorization": "lin_api_test",
                            "Content-Type": "application/x-www-form-urlencoded"})
    check("linear: a body that is not application/json is 400", status == 400 and "errors" in body,
          (status, body))

    nodes, pages = linear_all()
    ids = [n["id"] for n in nodes]
    status, _, body = gql("{ issues(first: 250) { nodes { id } pageInfo { hasNextPage } } }")
    one = [n["id"] for n in body["data"]["issues"]["nodes"]]
    check("linear: cursor pages of 50 end with hasNextPage false and equal one page of 250",
          pages == 5 and len(set(ids)) == len(ids) == 241 and set(ids) == set(one)
          and body["data"]["issues"]["pageInfo"]["hasNextPage"] is False, (pages, len(ids), len(one)))
    status, _, body = gql("{ issues { nodes { id } } }")
    check("linear: first defaults to 50", len(body["data"]["issues"]["nodes"]) == 50, body)
    status, _, body = gql("{ issues(includeArchived: true, first: 250) { nodes { id archivedAt } } }")
    archived = [n for n in body["data"]["issues"]["nodes"] if n["archivedAt"]]
    check("linear: archived issues appear only with includeArchived (9 more)",
          len(body["data"]["issues"]["nodes"]) == 250 and len(archived) == 9, len(archived))

    n = nodes[0]
    check("linear: only the selected fields come back, nested ones too",
          set(n) == {"id", "identifier", "title", "state", "team", "assignee", "labels"}
          and set(n["state"]) == {"name", "type"} and set(n["team"]) == {"key"}, n)

    eng = linear_all({"team": {"key": {"eq": "ENG"}}})[0]
    check("linear: team: {key: {eq}} (125 ENG issues not archived)",
          len(eng) == 125 and all(x["team"]["key"] == "ENG" for x in eng), len(eng))
    ors = linear_all({"or": [{"team": {"key": {"eq": "DES"}}}, {"state": {"type": {"eq": "completed"}}}]})[0]
    check("linear: or: [...] is a union",
          all(x["team"]["key"] == "DES" or x["state"]["type"] == "completed" for x in ors)
          and len(ors) == len({x["id"] for x in nodes if x["team"]["key"] == "DES"
                               or x["state"]["type"] == "completed"}), len(ors))
    ands = linear_all({"and": [{"team": {"key": {"in": ["ENG", "OPS"]}}},
                               {"state": {"name": {"nin": ["Done", "Canceled"]}}}]})[0]
    check("linear: and: [...] with in and nin",
          len(ands) == sum(1 for x in nodes if x["team"]["key"] in ("ENG", "OPS")
                           and x["state"]["name"] not in ("Done", "Canceled")), len(ands))
    unassigned = linear_all({"assignee": {"null": True}})[0]
    neq = linear_all({"assignee": {"email": {"neq": "ada@acme.test"}}})[0]
    ada = linear_all({"assignee": {"email": {"eq": "ada@acme.test"}}})[0]
    check("linear: assignee null, email eq and neq",
          all(x["assignee"] is None for x in unassigned) and unassigned
          and all(x["assignee"]["email"] == "ada@acme.test" for x in ada) and ada
          and len(unassigned) + len(ada) + len([x for x in neq if x["assignee"]]) == 241,
          (len(unassigned), len(ada), len(neq)))
    quoted = linear_all({"labels": {"some": {"name": {"eq": 'say "hi"'}}}})[0]
    check("linear: labels: {some: {name: {eq}}} with a quote in the name",
          quoted and all(any(l["name"] == 'say "hi"' for l in x["labels"]["nodes"]) for x in quoted),
          len(quoted))
    every = linear_all({"labels": {"every": {"name": {"eq": "bug"}}}})[0]
    check("linear: labels every holds for no labels or only bug",
          every and all(all(l["name"] == "bug" for l in x["labels"]["nodes"]) for x in every))
    inline = 'query { issues(first: 250, filter: {title: {containsIgnoreCase: "\\"} }, or: [{id: {neq: \\""}}) { nodes { id } } }'
    status, _, body = gql(inline)
    check("linear: a GraphQL-looking string value, escaped, stays a value (no row)",
          status == 200 and body["data"]["issues"]["nodes"] == [], body)
    status, _, body = gql(ISSUES_Q, {"filter": {"title": {"containsIgnoreCase": 'QUOTES" \\ AND {BRACES}'}}})
    check("linear: containsIgnoreCase matches quotes and backslashes literally",
          status == 200 and len(body["data"]["issues"]["nodes"]) > 0, body)
    after = linear_all({"createdAt": {"gte": "2025-01-01T00:00:00.000Z"}})[0]
    before = linear_all({"createdAt": {"lt": "2025-01-01T00:00:00.000Z"}})[0]
    check("linear: createdAt gte and lt split the issues", len(after) + len(before) == 241
          and after and before)
    status, _, body = gql("{ issues(first: 100, orderBy: updatedAt) { nodes { updatedAt } } }")
    upd = [x["updatedAt"] for x in body["data"]["issues"]["nodes"]]
    check("linear: orderBy updatedAt gives the most recently updated first",
          upd == sorted(upd, reverse=True), upd[:3])

    status, _, body = gql("{ issues(first: 250) { nodes { id labels { nodes { name } } } } }")
    msg = body["errors"][0]["extensions"]["userPresentableMessage"] if status == 400 else ""
    check("linear: a query over 10,000 complexity points is 400 \"Query too complex\"",
          status == 400 and body["errors"][0]["message"] == "Query too complex"
          and "Maximum allowed complexity: 10000" in msg and "data" not in body, body)
    status, headers, body = gql("{ issues(first: 250) { nodes { id labels(first: 5) { nodes { name } } } } }")
    check("linear: the same with labels(first: 5) runs, x-complexity under 10,000",
          status == 200 and int(headers.get("x-complexity", 0)) < 10000, (status, headers.get("x-complexity")))
    status, _, body = gql("{ issues(first: 2) { nodes { id nosuchfield } } }")
    check("linear: an unknown field is 400 Cannot query field",
          status == 400 and body["errors"][0]["message"] == 'Cannot query field "nosuchfield" on type "Issue".',
          body)
    status, _, body = gql("{ issues(nosuch: 1) { nodes { id } } }")
    check("linear: an unknown argument is 400",
          status == 400 and body["errors"][0]["message"] == 'Unknown argument "nosuch" on field "Query.issues".',
          body)
    status, _, body = gql("query ($f: IssueFilter) { issues(filter: $g) { nodes { id } } }")
    check("linear: an undeclared variable is 400",
          status == 400 and body["errors"][0]["message"] == 'Variable "$g" is not defined.', body)
    status, _, body = gql(ISSUES_Q, {"filter": {"nosuch": {"eq": 1}}})
    check("linear: an unknown IssueFilter field is 400", status == 400 and body["errors"], body)
    status, _, body = gql('{ issue(id: "NOPE-1") { id } }')
    check("linear: a run-time error is HTTP 200 with errors and data null",
          status == 200 and body["data"] is None and body["errors"][0]["message"], body)
    status, _, body = gql("{ issues(first: 300) { nodes { id } } }")
    check("linear: first over 250 is an error", "errors" in body, body)

    status, headers, body = gql(q, auth="lin_api_ratelimited")
    ext = body["errors"][0]["extensions"] if status == 400 else {}
    check("linear: rate limited: HTTP 400, code RATELIMITED, statusCode 429, reset headers",
          ext.get("code") == "RATELIMITED" and ext.get("statusCode") == 429
          and headers.get("x-ratelimit-requests-remaining") == "0"
          and "x-ratelimit-requests-reset" in headers and "retry-after" in headers,
          (status, headers, body))
    status, _, body = gql(q, auth="lin_api_ratelimited")
    check("linear: the same request then succeeds", status == 200 and "data" in body, body)

    status, _, body = gql('{ issue(id: "ENG-1") { comments(first: 25) { nodes { id body user { email } } pageInfo { hasNextPage endCursor } } } }')
    conn = body["data"]["issue"]["comments"]
    check("linear: an issue's comments page with cursors",
          len(conn["nodes"]) == 25 and conn["pageInfo"]["hasNextPage"] is True, conn["pageInfo"])
    for name, count in (("teams", 3), ("projects", 3), ("users", 5)):
        status, _, body = gql("{ %s { nodes { id name } pageInfo { hasNextPage } } }" % name)
        check("linear: %s lists %d" % (name, count),
              len(body["data"][name]["nodes"]) == count, body)


# ---------------------------------------------------------------------------
# GitHub search
# ---------------------------------------------------------------------------

GH_HEADERS = {"Authorization": "Bearer ghp_test", "User-Agent": "saas_fdw-test"}


def gh(path):
    return http("GET", GITHUB + path, headers=GH_HEADERS)


def gh_search(q, **params):
    params["q"] = q
    return gh("/search/issues?" + urllib.parse.urlencode(params))


def rest_all(path):
    out, page = [], 1
    while True:
        status, _, body = gh("%s%sper_page=100&page=%d" % (path, "&" if "?" in path else "?", page))
        out += body
        if len(body) < 100:
            return out
        page += 1


def search_all(q):
    out, page = [], 1
    while True:
        status, _, body = gh_search(q, per_page=100, page=page)
        out += body["items"]
        if len(body["items"]) < 100:
            return out, body
        page += 1


def github_checks():
    http("GET", GITHUB + "/_reset")
    open_issues = [i["number"] for i in rest_all("/repos/octo/hello/issues?state=open")
                   if "pull_request" not in i]
    items, body = search_all("repo:octo/hello is:open is:issue")
    check("github search: repo: is:open is:issue = the REST list's open issues",
          sorted(i["number"] for i in items) == sorted(open_issues) and body["total_count"] == len(open_issues)
          and body["incomplete_results"] is False and body["search_type"] == "lexical"
          and all("score" in i for i in items), (len(items), len(open_issues)))
    rest = [i["number"] for i in rest_all("/repos/octo/hello/issues?state=all&labels=good%20first%20issue")]
    items, _ = search_all('repo:octo/hello label:"good first issue"')
    check("github search: label:\"good first issue\" (quoted, several words)",
          sorted(i["number"] for i in items) == sorted(rest) and rest, (len(items), len(rest)))
    rest = [i["number"] for i in rest_all("/repos/octo/hello/issues?state=all&milestone=none")]
    items, _ = search_all("repo:octo/hello no:milestone")
    check("github search: no:milestone", sorted(i["number"] for i in items) == sorted(rest))
    items, _ = search_all('repo:octo/hello milestone:"v1.1" is:pr author:hubot')
    check("github search: milestone:, is:pr, author:",
          items and all(i["milestone"]["title"] == "v1.1" and "pull_request" in i
                        and i["user"]["login"] == "hubot" for i in items), len(items))
    items, _ = search_all("repo:octo/hello created:2024-03-01..2024-06-30 comments:>=3 assignee:octocat")
    check("github search: created:a..b, comments:>=3, assignee:",
          items and all("2024-03-01" <= i["created_at"][:10] <= "2024-06-30" and i["comments"] >= 3
                        and any(a["login"] == "octocat" for a in i["assignees"]) for i in items),
          len(items))
    items, _ = search_all("repo:octo/hello updated:<2024-06-01 is:closed closed:>=2024-02-01")
    check("github search: updated:<, closed:>=, is:closed",
          items and all(i["updated_at"] < "2024-06-01" and i["state"] == "closed"
                        and i["closed_at"] >= "2024-02-01" for i in items), len(items))
    both, _ = search_all("repo:octo/hello label:bug label:ui")
    check("github search: two label: qualifiers must both hold",
          both and all({"bug", "ui"} <= {l["name"] for l in i["labels"]} for i in both))
    status, _, body = gh_search("repo:octo/hello", sort="created", order="asc", per_page=100)
    created = [i["created_at"] for i in body["items"]]
    check("github search: sort=created&order=asc", created == sorted(created), created[:3])
    status, _, body = gh_search("org:acme")
    check("github search: org: covers the owner's repositories (not the private one for ghp_test)",
          all(i["repository_url"].endswith("/acme/widgets") for i in body["items"])
          and body["total_count"] == 120, body.get("total_count"))
    full = gh_search("repo:octo/hello is:open", per_page=100)[2]
    status, _, body = gh_search("repo:octo/hello is:open slowsearch", per_page=100)
    check("github search: a search over the time limit says incomplete_results true (fixture slowsearch)",
          status == 200 and body["incomplete_results"] is True
          and body["total_count"] < full["total_count"], (status, body.get("total_count")))
    status, _, body = gh_search("repo:octo/nope")
    check("github search: a repository that does not exist is 422", status == 422, body)
    status, _, body = gh("/search/issues")
    check("github search: no q is 422 missing", status == 422 and body["errors"][0]["code"] == "missing", body)

    status, headers, body = gh_search("repo:octo/huge", per_page=100, page=10)
    check("github search: 1,200 results: total_count says so, page 10 of 100 is served",
          status == 200 and body["total_count"] == 1200 and len(body["items"]) == 100
          and 'rel="next"' not in headers.get("link", ""), (status, body.get("total_count"), headers.get("link")))
    status, _, body = gh_search("repo:octo/huge", per_page=100, page=11)
    check("github search: page 11 of 100 is 422 \"Only the first 1000 search results are available\"",
          status == 422 and body["message"] == "Only the first 1000 search results are available", body)
    status, _, body = gh_search("repo:octo/world", per_page=30, page=34)
    check("github search: the cap is on the page's start: page 34 of 30 (results 991-1020) is served",
          status == 200, (status, body))
    status, _, body = gh_search("repo:octo/world", per_page=30, page=35)
    check("github search: page 35 of 30 is 422 even for a small result", status == 422, status)

    http("GET", GITHUB + "/_reset")
    statuses = []
    for _ in range(31):
        status, headers, _ = gh_search("repo:octo/world")
        statuses.append((status, headers.get("x-ratelimit-resource"), headers.get("x-ratelimit-remaining")))
    check("github search: 30 a minute in the search bucket, the 31st is 403 with remaining 0",
          all(s == (200, "search", str(29 - k)) for k, s in enumerate(statuses[:30]))
          and statuses[30] == (403, "search", "0"), statuses[-3:])
    status, headers, _ = gh("/repos/octo/world/issues")
    check("github search: the core bucket is another one", status == 200
          and headers.get("x-ratelimit-resource") == "core", (status, headers.get("x-ratelimit-resource")))
    http("GET", GITHUB + "/_reset")
    status, _, body = gh("/repos/octo/huge/issues?state=all&per_page=1")
    check("github: octo/huge is served by the REST list too", status == 200 and len(body) == 1, status)


def main():
    for name, url in (("jira", JIRA), ("linear", LINEAR), ("github", GITHUB)):
        http("GET", url + "/_reset")
    for group in (jira_checks, linear_checks, github_checks):
        try:
            group()
        except Exception as e:       # a broken answer is a failed check, not a crash
            check("%s ran to its end" % group.__name__, False, repr(e))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
