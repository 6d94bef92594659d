#!/usr/bin/env python3
"""
linear.py
    Fake Linear GraphQL API for saas_fdw's tests.

Behaves like https://api.linear.app/graphql as shared/api/README.md
section 5 describes it ([sdk] linear/linear packages/sdk schema.graphql,
client.ts, error.ts; [obs] observed answers):

    POST /graphql   {"query": ..., "variables": {...}, "operationName": ...}

Auth (README 5.1): a personal API key as "Authorization: lin_api_test" (no
Bearer), or an OAuth token as "Authorization: Bearer lin_oauth_test".
Anything else: HTTP 400 with an "authentication error" (see AUTH_ERROR).
"Authorization: lin_api_ratelimited" is a valid key whose first request per
distinct body is rate limited (HTTP 400, extensions.code RATELIMITED).

The GraphQL subset: one query or mutation operation (named or not) with
variables; mutations issueCreate, issueUpdate and commentCreate, see
linear_writes.py;
fields with arguments and aliases; __typename; no fragments or directives
(a parse error says so).  Root fields: issues, issue(id), teams, projects,
users, comments.  Connections: nodes, edges { cursor node }, pageInfo
{ hasNextPage hasPreviousPage startCursor endCursor }; first (default 50,
at most 250 [obs]) and after.  Only the fields asked for are returned.
IssueFilter: see FilterEval.  Complexity: see complexity().

Run: python3 linear.py [--port 8086] [--summary]
"""

import base64
import calendar
import json
import re
import sys
import time
import uuid

from linear_writes import MutationRunner
from fakebase import (FakeService, json_response, log_line, mix, parse_iso8601,
                      percent, pick,
                      serve)

KEYS = ("lin_api_test", "lin_api_ratelimited")
OAUTH = ("lin_oauth_test",)
RATELIMITED_KEY = "lin_api_ratelimited"
MAX_COMPLEXITY = 10000
START = calendar.timegm((2024, 1, 1, 0, 0, 0))
SPAN = 650 * 86400


def lid(*parts):
    """A stable UUID for an entity."""
    return str(uuid.UUID(int=(mix(*parts) << 64) | mix(*parts, "lo")))


def iso_ms(seconds):
    """Linear's ISO-8601 with milliseconds and Z (README 5.2 example)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

USERS = [{"id": lid("user", e), "name": n, "displayName": n.split()[0].lower(), "email": e,
          "active": True, "admin": k == 0}
         for k, (n, e) in enumerate((("Ada Lovelace", "ada@acme.test"),
                                     ("Grace Hopper", "grace@acme.test"),
                                     ("Alan Turing", "alan@acme.test"),
                                     ("Edsger Dijkstra", "edsger@acme.test"),
                                     ("Barbara Liskov", "barbara@acme.test")))]
TEAMS = [{"id": lid("team", k), "key": k, "name": n, "description": d, "private": False}
         for k, n, d in (("ENG", "Engineering", "Builds the product"),
                         ("DES", "Design", None), ("OPS", "Operations", "Keeps it running"))]
TEAM_SIZES = {"ENG": 130, "DES": 50, "OPS": 70}
STATES = (("Backlog", "backlog"), ("Todo", "unstarted"), ("In Progress", "started"),
          ("In Review", "started"), ("Done", "completed"), ("Canceled", "canceled"),
          ("Triage", "triage"))
LABELS = ("bug", "feature", "improvement", "security", "tech debt", 'say "hi"')
PROJECTS = [{"id": lid("project", n), "name": n, "state": s, "url": "https://linear.app/acme/project/%s" % n.lower().replace(" ", "-"),
             "startDate": sd, "targetDate": td}
            for n, s, sd, td in (("Mobile App", "started", "2024-02-01", "2025-06-30"),
                                 ("Billing v2", "planned", "2024-09-01", None),
                                 ("Infra Cleanup", "completed", "2024-01-15", "2024-12-20"))]
TITLES_A = ("Fix", "Add", "Improve", "Remove", "Investigate", "Crash in", "Slow")
TITLES_B = ("login flow", "invoice PDF", "search bar", "push notifications", "CI pipeline",
            "dark mode", "settings page", "export to CSV", "onboarding email")


def build_issues():
    issues, state_objs = [], {}
    for team in TEAMS:
        for name, stype in STATES:
            state_objs[(team["key"], name)] = {"id": lid("state", team["key"], name), "name": name,
                                               "type": stype, "color": "#%06x" % (mix(name) % 0xFFFFFF)}
    labels = {n: {"id": lid("label", n), "name": n, "color": "#%06x" % (mix("l", n) % 0xFFFFFF)}
              for n in LABELS}
    for team in TEAMS:
        count = TEAM_SIZES[team["key"]]
        cycles = [{"id": lid("cycle", team["key"], c), "number": c, "name": "Cycle %d" % c,
                   "startsAt": iso_ms(START + (c - 1) * 14 * 86400),
                   "endsAt": iso_ms(START + c * 14 * 86400)} for c in range(1, 6)]
        for n in range(1, count + 1):
            seed = (team["key"], n)
            created = START + (n - 1) * (SPAN // count) + mix(*seed, "c") % 43200
            updated = created + 60 + mix(*seed, "u") % (30 * 86400)
            state = state_objs[(team["key"], pick(STATES, *seed, "s")[0])]
            started = created + 3600 if state["type"] in ("started", "completed") else None
            completed = updated if state["type"] == "completed" else None
            canceled = updated if state["type"] == "canceled" else None
            title = "%s %s" % (pick(TITLES_A, *seed, "a"), pick(TITLES_B, *seed, "b"))
            if n % 11 == 0:
                title += ' with "quotes" \\ and {braces}'
            if n % 23 == 0:
                title += " — naïve ✓"
            issue = {
                "id": lid("issue", *seed), "identifier": "%s-%d" % (team["key"], n),
                "number": float(n), "title": title,
                "description": None if percent(20, *seed, "nodesc") else
                "Markdown body of %s-%d.\n\n- item one\n- item two" % (team["key"], n),
                "priority": float(mix(*seed, "p") % 5),
                "priorityLabel": ("No priority", "Urgent", "High", "Medium", "Low")[mix(*seed, "p") % 5],
                "estimate": None if percent(40, *seed, "noest") else float(pick((1, 2, 3, 5, 8), *seed, "e")),
                "createdAt": iso_ms(created), "updatedAt": iso_ms(updated),
                "startedAt": iso_ms(started) if started else None,
                "completedAt": iso_ms(completed) if completed else None,
                "canceledAt": iso_ms(canceled) if canceled else None,
                "archivedAt": iso_ms(updated + 86400) if n % 25 == 0 else None,
                "dueDate": time.strftime("%Y-%m-%d", time.gmtime(created + 20 * 86400))
                if percent(35, *seed, "due") else None,
                "url": "https://linear.app/acme/issue/%s-%d" % (team["key"], n),
                "state": state, "team": team,
                "assignee": None if percent(25, *seed, "unassigned") else pick(USERS, *seed, "as"),
                "creator": pick(USERS, *seed, "cr"),
                "labels": [labels[l] for l in LABELS if percent(20, *seed, l)],
                "project": None if percent(40, *seed, "noproj") else pick(PROJECTS, *seed, "proj"),
                "cycle": None if percent(50, *seed, "nocycle") else pick(cycles, *seed, "cyc"),
                "_created": created, "_updated": updated,
            }
            ncomments = 60 if issue["identifier"] == "ENG-1" else mix(*seed, "nc") % 3
            issue["comments"] = [{"id": lid("comment", *seed, k),
                                  "body": pick(("LGTM", "Can you add a test?", "Shipped 🚀",
                                                "Blocked on design."), *seed, k),
                                  "createdAt": iso_ms(created + (k + 1) * 600),
                                  "updatedAt": iso_ms(created + (k + 1) * 600),
                                  "user": pick(USERS, *seed, k, "cu"),
                                  "url": issue["url"] + "#comment-%d" % k,
                                  "_created": created + (k + 1) * 600}
                                 for k in range(ncomments)]
            for c in issue["comments"]:
                c["issue"] = issue
            issues.append(issue)
    return issues


# ---------------------------------------------------------------------------
# GraphQL: lexer and parser (GraphQL spec, October 2021: "Language")
# ---------------------------------------------------------------------------

class GraphQLError(Exception):
    """A request the server refuses before running it (HTTP 400)."""

    def __init__(self, message, code="GRAPHQL_VALIDATION_FAILED", extra=None):
        super().__init__(message)
        self.message, self.code, self.extra = message, code, extra or {}


TOKEN_RE = re.compile(r'''
    (?P<ws>[\s,\ufeff]+|\#[^\n]*)
  | (?P<block>"""(?:\\"""|[^"]|"(?!""))*""")
  | (?P<str>"(?:\\["\\/bfnrt]|\\u[0-9a-fA-F]{4}|[^"\\\n])*")
  | (?P<num>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<punct>\.\.\.|[!$&()\:=@\[\]{|}])
''', re.X)


def gql_tokens(text):
    out, i = [], 0
    while i < len(text):
        m = TOKEN_RE.match(text, i)
        if not m:
            raise GraphQLError('Syntax Error: Unexpected character: "%s".' % text[i],
                               "GRAPHQL_PARSE_FAILED")
        i = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        value = m.group()
        if kind == "str":
            value = json.loads(value)
        elif kind == "block":
            value = value[3:-3].replace('\\"""', '"""')
            kind = "str"
        out.append((kind, value))
    return out


class Parser:
    def __init__(self, text):
        self.toks = gql_tokens(text)
        self.i = 0
        self.kind = "query"

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value and tok[1] != value):
            raise GraphQLError("Syntax Error: Expected %s, found %s." % (
                value or kind, "<EOF>" if tok[0] is None else repr(tok[1])), "GRAPHQL_PARSE_FAILED")
        self.i += 1
        return tok[1]

    def at(self, value):
        return self.peek()[1] == value and self.peek()[0] == "punct"

    def document(self):
        """(variable definitions {name: default}, selection set)."""
        ops = []
        while self.peek()[0] is not None:
            if self.at("{"):
                ops.append(({}, self.selection_set()))
                continue
            word = self.take("name")
            if word == "fragment":
                raise GraphQLError("Syntax Error: fragments are not supported by this fake.",
                                   "GRAPHQL_PARSE_FAILED")
            if word not in ("query", "mutation"):
                raise GraphQLError('Syntax Error: Unexpected Name "%s".' % word,
                                   "GRAPHQL_PARSE_FAILED")
            self.kind = word
            if self.peek()[0] == "name":
                self.i += 1
            defaults = {}
            if self.at("("):
                self.i += 1
                while not self.at(")"):
                    self.take("punct", "$")
                    name = self.take("name")
                    self.take("punct", ":")
                    self.type_ref()
                    defaults[name] = self.value(const=True) if self.at("=") and self.take() is not None else None
                self.i += 1
            ops.append((defaults, self.selection_set()))
        if len(ops) != 1:
            raise GraphQLError("This fake runs documents of exactly one operation.")
        return ops[0]

    def type_ref(self):
        if self.at("["):
            self.i += 1
            self.type_ref()
            self.take("punct", "]")
        else:
            self.take("name")
        if self.at("!"):
            self.i += 1

    def selection_set(self):
        self.take("punct", "{")
        fields = []
        while not self.at("}"):
            if self.at("..."):
                raise GraphQLError("Syntax Error: fragments are not supported by this fake.",
                                   "GRAPHQL_PARSE_FAILED")
            name = self.take("name")
            alias = name
            if self.at(":"):
                self.i += 1
                name = self.take("name")
            args = {}
            if self.at("("):
                self.i += 1
                while not self.at(")"):
                    arg = self.take("name")
                    self.take("punct", ":")
                    args[arg] = self.value()
                self.i += 1
            if self.at("@"):
                raise GraphQLError("Syntax Error: directives are not supported by this fake.",
                                   "GRAPHQL_PARSE_FAILED")
            sub = self.selection_set() if self.at("{") else None
            fields.append((alias, name, args, sub))
        self.i += 1
        return fields

    def value(self, const=False):
        """A value: ("var", name) for a variable, else the Python value;
        enums are ("enum", name)."""
        kind, tok = self.peek()
        if kind == "punct" and tok == "$" and not const:
            self.i += 1
            return ("var", self.take("name"))
        if kind == "punct" and tok == "[":
            self.i += 1
            items = []
            while not self.at("]"):
                items.append(self.value(const))
            self.i += 1
            return items
        if kind == "punct" and tok == "{":
            self.i += 1
            obj = {}
            while not self.at("}"):
                key = self.take("name")
                self.take("punct", ":")
                obj[key] = self.value(const)
            self.i += 1
            return obj
        self.i += 1
        if kind == "str":
            return tok
        if kind == "num":
            return float(tok) if re.search(r"[.eE]", tok) else int(tok)
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(tok, ("enum", tok))
        self.i -= 1
        raise GraphQLError("Syntax Error: Unexpected %s." % ("<EOF>" if kind is None else repr(tok)),
                           "GRAPHQL_PARSE_FAILED")


def substitute(value, variables):
    """The value with its variables replaced by their values; variables
    holds every declared one (None when neither given nor defaulted)."""
    if isinstance(value, tuple) and value[0] == "var":
        if value[1] not in variables:
            raise GraphQLError('Variable "$%s" is not defined.' % value[1])
        return variables[value[1]]
    if isinstance(value, tuple) and value[0] == "enum":
        return value[1]
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------
# Schema subset: type -> {field: (kind, type)}; kind "scalar", "object",
# "connection" (with nodes of type)
# ---------------------------------------------------------------------------

SCHEMA = {
    "Query": {"issues": ("connection", "Issue"), "issue": ("object", "Issue"),
              "teams": ("connection", "Team"), "projects": ("connection", "Project"),
              "users": ("connection", "User"), "comments": ("connection", "Comment")},
    "Issue": dict({f: ("scalar", None) for f in (
        "id", "identifier", "number", "title", "description", "priority", "priorityLabel",
        "estimate", "createdAt", "updatedAt", "startedAt", "completedAt", "canceledAt",
        "archivedAt", "dueDate", "url")},
        state=("object", "WorkflowState"), team=("object", "Team"),
        assignee=("object", "User"), creator=("object", "User"),
        labels=("connection", "IssueLabel"), project=("object", "Project"),
        cycle=("object", "Cycle"), comments=("connection", "Comment")),
    "WorkflowState": {f: ("scalar", None) for f in ("id", "name", "type", "color")},
    "Team": {f: ("scalar", None) for f in ("id", "key", "name", "description", "private")},
    "User": {f: ("scalar", None) for f in ("id", "name", "displayName", "email", "active", "admin")},
    "IssueLabel": {f: ("scalar", None) for f in ("id", "name", "color")},
    "Project": {f: ("scalar", None) for f in ("id", "name", "state", "url", "startDate", "targetDate")},
    "Cycle": {f: ("scalar", None) for f in ("id", "number", "name", "startsAt", "endsAt")},
    "Comment": dict({f: ("scalar", None) for f in ("id", "body", "createdAt", "updatedAt", "url")},
                    user=("object", "User"), issue=("object", "Issue")),
    "PageInfo": {f: ("scalar", None) for f in ("hasNextPage", "hasPreviousPage", "startCursor",
                                               "endCursor")},
    # writes: see linear_writes.py
    "Mutation": {"issueCreate": ("object", "IssuePayload"),
                 "issueUpdate": ("object", "IssuePayload"),
                 "commentCreate": ("object", "CommentPayload")},
    "IssuePayload": {"success": ("scalar", None), "lastSyncId": ("scalar", None),
                     "issue": ("object", "Issue")},
    "CommentPayload": {"success": ("scalar", None), "lastSyncId": ("scalar", None),
                       "comment": ("object", "Comment")},
}
# the arguments each kind of field takes [sdk schema.graphql]; last, before
# and sort ([INTERNAL]) exist there, but this fake refuses them
CONNECTION_ARGS = ("first", "after", "filter", "orderBy", "includeArchived")
OBJECT_ARGS = {("Query", "issue"): ("id",), ("Mutation", "issueCreate"): ("input",),
               ("Mutation", "issueUpdate"): ("id", "input"),
               ("Mutation", "commentCreate"): ("input",)}


def page_size(args):
    first = args.get("first")
    return 50 if first is None else first      # README 5.1: "Defaults to 50"


def complexity(selection, type_name, variables):
    """The query's complexity as Linear's rate-limiting page describes it
    (linear.app/developers/rate-limiting, "Complexity"): each property
    0.1 point, each object 1 point, and a connection multiplies the cost of
    its children by its page size (first, default 50); the total is
    rounded up.  Also checks every field exists (graphql-js wording)."""
    total = 0.0
    for _, name, args, sub in selection:
        if name == "__typename":
            total += 0.1
            continue
        kind, target = SCHEMA[type_name].get(name, (None, None))
        if kind is None:
            raise GraphQLError('Cannot query field "%s" on type "%s".' % (name, type_name))
        allowed = CONNECTION_ARGS if kind == "connection" else OBJECT_ARGS.get((type_name, name), ())
        for arg in args:
            if arg in ("last", "before", "sort") and kind == "connection":
                raise GraphQLError('The argument "%s" is not supported by this fake.' % arg)
            if arg not in allowed:
                raise GraphQLError('Unknown argument "%s" on field "%s.%s".' % (arg, type_name, name))
        substitute(args, variables)
        if kind == "scalar":
            if sub:
                raise GraphQLError('Field "%s" must not have a selection since type "%s" has no '
                                   'subfields.' % (name, type_name))
            total += 0.1
            continue
        if not sub:
            raise GraphQLError('Field "%s" of type "%s" must have a selection of subfields.'
                               % (name, target))
        if kind == "object":
            total += 1 + complexity(sub, target, variables)
            continue
        n = substitute(args, variables).get("first")
        n = 50 if n is None else n
        inner = 0.0
        for _, cname, _, csub in sub:
            if cname == "nodes":
                inner += 1 + complexity(csub or [], target, variables)
            elif cname == "edges":
                for _, ename, _, esub in csub or []:
                    if ename == "node":
                        inner += 1 + complexity(esub or [], target, variables)
                    elif ename == "cursor":
                        inner += 0.1
                    else:
                        raise GraphQLError('Cannot query field "%s" on type "%sEdge".' % (ename, target))
            elif cname == "pageInfo":
                total += 1 + complexity(csub or [], "PageInfo", variables)
            elif cname != "__typename":
                raise GraphQLError('Cannot query field "%s" on type "%sConnection".' % (cname, target))
        total += 1 + n * inner
    return total


# ---------------------------------------------------------------------------
# IssueFilter evaluation (README 5.1 "Filters", schema.graphql IssueFilter
# and the comparators)
# ---------------------------------------------------------------------------

class FilterError(Exception):
    """An argument the query cannot run with.  validation: the argument does
    not fit the schema (an unknown filter field or comparator), which
    GraphQL refuses before running (HTTP 400, as graphql-js coerces
    variables); otherwise a run-time error (HTTP 200 with errors)."""

    def __init__(self, message, validation=False):
        super().__init__(message)
        self.validation = validation


def parse_date(value):
    """DateTimeOrDuration: ISO-8601, or a duration like -P2W1D relative to
    now (README 5.1)."""
    if not isinstance(value, str):
        raise FilterError("Argument Validation Error: invalid date %r" % (value,))
    m = re.fullmatch(r"(-?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", value)
    if m and value not in ("P", "-P"):
        w, d, h, mi = (int(x or 0) for x in m.groups()[1:])
        delta = ((w * 7 + d) * 24 + h) * 3600 + mi * 60
        return time.time() + (-delta if m.group(1) else delta)
    t = parse_iso8601(value)
    if t is None:
        raise FilterError("Argument Validation Error: invalid date %r" % value)
    return t


def comparator(value, comp, kind):
    """One comparator object against a value (None when null).  kind:
    'string', 'number', 'date', 'id'."""
    if not isinstance(comp, dict):
        raise FilterError("Argument Validation Error: a comparator must be an object")
    conv = (lambda v: parse_date(v)) if kind == "date" else (lambda v: v)
    have = None if value is None else conv(value) if kind == "date" else value
    for op, arg in comp.items():
        if op == "null":
            ok = (have is None) == bool(arg)
        elif have is None:
            # every comparator but null (and neq/nin) is false on null
            ok = op in ("neq", "nin", "neqIgnoreCase", "notContains", "notContainsIgnoreCase",
                        "notStartsWith", "notEndsWith")
        elif op == "eq":
            ok = have == conv(arg)
        elif op == "neq":
            ok = have != conv(arg)
        elif op == "in":
            ok = have in [conv(a) for a in arg]
        elif op == "nin":
            ok = have not in [conv(a) for a in arg]
        elif op in ("gt", "gte", "lt", "lte") and kind in ("number", "date"):
            b = conv(arg)
            ok = {"gt": have > b, "gte": have >= b, "lt": have < b, "lte": have <= b}[op]
        elif kind == "string" and op in STRING_OPS:
            ok = STRING_OPS[op](have, arg)
        else:
            raise FilterError('Field "%s" is not defined by this comparator type.' % op, True)
        if not ok:
            return False
    return True


STRING_OPS = {
    "eqIgnoreCase": lambda a, b: a.lower() == b.lower(),
    "neqIgnoreCase": lambda a, b: a.lower() != b.lower(),
    # contains: case-sensitive (README 9 says the reference does not say)
    "contains": lambda a, b: b in a,
    "containsIgnoreCase": lambda a, b: b.lower() in a.lower(),
    "containsIgnoreCaseAndAccent": lambda a, b: b.lower() in a.lower(),
    "notContains": lambda a, b: b not in a,
    "notContainsIgnoreCase": lambda a, b: b.lower() not in a.lower(),
    "startsWith": lambda a, b: a.startswith(b),
    "startsWithIgnoreCase": lambda a, b: a.lower().startswith(b.lower()),
    "notStartsWith": lambda a, b: not a.startswith(b),
    "endsWith": lambda a, b: a.endswith(b),
    "notEndsWith": lambda a, b: not a.endswith(b),
}

ISSUE_SCALARS = {"id": "id", "number": "number", "title": "string", "description": "string",
                 "priority": "number", "estimate": "number", "createdAt": "date",
                 "updatedAt": "date", "completedAt": "date", "canceledAt": "date",
                 "startedAt": "date", "archivedAt": "date", "dueDate": "date"}
NESTED = {"state": ("WorkflowState", {"id": "id", "name": "string", "type": "string"}),
          "team": ("Team", {"id": "id", "key": "string", "name": "string"}),
          "assignee": ("User", {"id": "id", "email": "string", "name": "string",
                                "displayName": "string"}),
          "creator": ("User", {"id": "id", "email": "string", "name": "string",
                               "displayName": "string"}),
          "project": ("Project", {"id": "id", "name": "string"}),
          "cycle": ("Cycle", {"id": "id", "number": "number", "name": "string"})}
LABEL_FIELDS = {"id": "id", "name": "string"}


def entity_filter(obj, flt, fields, me):
    """An entity filter (TeamFilter, NullableUserFilter, ...) against obj
    (None when the relation is empty)."""
    for key, sub in flt.items():
        if key == "null":
            ok = (obj is None) == bool(sub)
        elif key == "and":
            ok = all(entity_filter(obj, f, fields, me) for f in sub)
        elif key == "or":
            ok = any(entity_filter(obj, f, fields, me) for f in sub)
        elif key == "isMe" and "email" in fields:
            ok = obj is not None and (obj["id"] == me) == bool(sub.get("eq", True))
        elif key in fields:
            ok = obj is not None and comparator(obj.get(key), sub, fields[key])
        else:
            raise FilterError('Field "%s" is not defined by this filter type.' % key, True)
        if not ok:
            return False
    return True


def issue_filter(issue, flt, me):
    """IssueFilter: every key must hold (an implicit and); and: [...], or:
    [...] combine nested IssueFilters."""
    if not isinstance(flt, dict):
        raise FilterError("Argument Validation Error: filter must be an object")
    for key, sub in flt.items():
        if key == "and":
            ok = all(issue_filter(issue, f, me) for f in sub)
        elif key == "or":
            ok = any(issue_filter(issue, f, me) for f in sub)
        elif key in ISSUE_SCALARS:
            value = issue.get(key)
            ok = comparator(value, sub, ISSUE_SCALARS[key])
        elif key in NESTED:
            ok = entity_filter(issue.get(key), sub, NESTED[key][1], me)
        elif key == "labels":
            ok = labels_filter(issue["labels"], sub)
        else:
            raise FilterError('Field "%s" is not defined by type "IssueFilter".' % key, True)
        if not ok:
            return False
    return True


def labels_filter(labels, flt):
    """IssueLabelCollectionFilter: some, every, null, length, and the label
    fields themselves (meaning some)."""
    for key, sub in flt.items():
        if key == "some":
            ok = any(entity_filter(l, sub, LABEL_FIELDS, None) for l in labels)
        elif key == "every":
            # every over an empty collection holds, as in logic
            ok = all(entity_filter(l, sub, LABEL_FIELDS, None) for l in labels)
        elif key == "null":
            ok = (not labels) == bool(sub)
        elif key == "length":
            ok = comparator(float(len(labels)), sub, "number")
        elif key in LABEL_FIELDS:
            ok = any(comparator(l[key], sub, LABEL_FIELDS[key]) for l in labels)
        else:
            raise FilterError('Field "%s" is not defined by type "IssueLabelCollectionFilter".' % key,
                              True)
        if not ok:
            return False
    return True


# ---------------------------------------------------------------------------
# Execution
# ---------------------------------------------------------------------------

def cursor(entity_id):
    return base64.b64encode(("cursor:" + entity_id).encode()).decode()


def connection(items, args, sub, type_name, ctx):
    """A Relay connection over items (already filtered and ordered)."""
    first = page_size(args)
    if not isinstance(first, int) or first < 0 or first > 250:
        # [obs] README 5.1: "The maximum first is 250"
        raise FilterError("Argument Validation Error: first must be between 0 and 250")
    start = 0
    after = args.get("after")
    if after is not None:
        ids = [cursor(i["id"]) for i in items]
        if after not in ids:
            raise FilterError("Argument Validation Error: invalid cursor")
        start = ids.index(after) + 1
    page = items[start:start + first]
    out = {}
    for alias, name, _, csub in sub:
        if name == "nodes":
            out[alias] = [select(i, csub, type_name, ctx) for i in page]
        elif name == "edges":
            out[alias] = [{ea: (cursor(i["id"]) if en == "cursor" else select(i, es, type_name, ctx))
                           for ea, en, _, es in csub} for i in page]
        elif name == "pageInfo":
            info = {"hasNextPage": start + first < len(items), "hasPreviousPage": start > 0,
                    "startCursor": cursor(page[0]["id"]) if page else None,
                    "endCursor": cursor(page[-1]["id"]) if page else None}
            out[alias] = {a: info[n] for a, n, _, _ in csub}
        elif name == "__typename":
            out[alias] = type_name + "Connection"
    return out


def ordered(items, args, key_created="_created"):
    order = args.get("orderBy") or "createdAt"
    if order not in ("createdAt", "updatedAt"):
        raise FilterError('Value "%s" does not exist in "PaginationOrderBy" enum.' % order)
    # newest first (README 5.1: direction not documented; updatedAt gives
    # "most recently updated")
    key = "_created" if order == "createdAt" else "_updated"
    return sorted(items, key=lambda i: (i.get(key, i.get(key_created)), i["id"]), reverse=True)


def select(obj, sub, type_name, ctx):
    """The object with only the selected fields."""
    out = {}
    for alias, name, args, fsub in sub:
        if name == "__typename":
            out[alias] = type_name
            continue
        kind, target = SCHEMA[type_name][name]
        if kind == "scalar":
            out[alias] = obj.get(name)
        elif kind == "object":
            value = obj.get(name)
            out[alias] = None if value is None else select(value, fsub, target, ctx)
        else:
            args = substitute(args, ctx["vars"])
            items = obj.get(name) or []
            if name == "comments":
                items = ordered(items, args)
            out[alias] = connection(items, args, fsub, target, ctx)
    return out


def run_root(sel, ctx, issues):
    out = {}
    for alias, name, args, sub in sel:
        if name == "__typename":
            out[alias] = "Query"
            continue
        args = substitute(args, ctx["vars"])
        if name == "issues":
            items = issues if args.get("includeArchived") else [
                i for i in issues if i["archivedAt"] is None]  # README 7: hidden by default
            flt = args.get("filter")
            if flt is not None:
                items = [i for i in items if issue_filter(i, flt, ctx["me"])]
            out[alias] = connection(ordered(items, args), args, sub, "Issue", ctx)
        elif name == "issue":
            match = [i for i in issues if args.get("id") in (i["id"], i["identifier"])]
            if not match:
                raise FilterError("Entity not found: Issue")
            out[alias] = select(match[0], sub, "Issue", ctx)
        elif name == "comments":
            items = [c for i in issues for c in i["comments"]]
            out[alias] = connection(ordered(items, args), args, sub, "Comment", ctx)
        else:
            source = {"teams": TEAMS, "projects": PROJECTS, "users": USERS}[name]
            out[alias] = connection(list(source), args, sub, SCHEMA["Query"][name][1], ctx)
    return out


# ---------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------

def gql_error(status, message, code, etype, user_message, extra=None, headers=None):
    """Linear's error shape (README 5.1 "Errors"; [sdk] error.ts)."""
    ext = {"code": code, "type": etype, "userError": True,
           "userPresentableMessage": user_message, "meta": {}}
    ext.update(extra or {})
    return json_response(status, {"errors": [{"message": message, "extensions": ext}]},
                         headers=headers)


class LinearService(FakeService):
    name = "linear"

    def __init__(self):
        super().__init__()
        self.issues = build_issues()
        self.writer = MutationRunner(sys.modules[__name__], self)

    def reset(self):
        super().reset()
        self.writer.reset()

    def is_write(self, request):
        """A mutation (the only kind of write GraphQL has)."""
        try:
            parser = Parser(json.loads(request.body.decode("utf-8"))["query"])
            parser.document()
            return parser.kind == "mutation"
        except (ValueError, KeyError, TypeError, AttributeError, GraphQLError):
            return False

    def log_suffix(self, request):
        if request.method == "POST" and request.body:
            return log_line("", request.body.decode("utf-8", "replace"))
        return ""

    def handle(self, req):
        if req.path != "/graphql":
            return json_response(404, {"errors": [{"message": "Not Found"}]})
        if req.method != "POST":
            return gql_error(400, "GET query missing.", "BAD_USER_INPUT", "invalid input",
                             "Send the query in a POST body.")
        key = self._credential(req)
        if key is None:
            # [obs] Linear answers a missing or wrong key with HTTP 400 and
            # extensions.type "authentication error" ([sdk] error.ts lists it)
            return gql_error(400, "Authentication required, not authenticated",
                             "AUTHENTICATION_ERROR", "authentication error",
                             "You need to authenticate to access this operation.")
        headers = self._rate_headers()
        if key == RATELIMITED_KEY and self.first_time(("rate", req.body)):
            # README 5.1: rate limiting arrives as HTTP 400 with
            # extensions.code RATELIMITED and statusCode 429 [obs
            # vanillagreencom/kendex#1018], with the reset headers
            now_ms = int(time.time() * 1000)
            rl = [("retry-after", 1),
                  ("x-ratelimit-requests-limit", 5000), ("x-ratelimit-requests-remaining", 0),
                  ("x-ratelimit-requests-reset", now_ms + 1000)]
            return gql_error(400, "Rate limit exceeded", "RATELIMITED", "ratelimited",
                             "You have exceeded the rate limit. Please try again later.",
                             {"statusCode": 429}, rl)
        ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            # the SDK's client.ts posts application/json; a GraphQL server
            # refuses another type, which could carry a cross-site request
            # (libcurl's default POST type is form-encoded) [obs]
            return gql_error(400, "Content-Type must be application/json", "BAD_USER_INPUT",
                             "invalid input", "Send the request as application/json.",
                             headers=headers)
        try:
            body = json.loads(req.body.decode("utf-8"))
            query, variables = body["query"], body.get("variables") or {}
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return gql_error(400, "Invalid request body", "BAD_USER_INPUT", "invalid input",
                             "The body must be JSON with a query string.")
        try:
            parser = Parser(query)
            defaults, sel = parser.document()
            ctx = {"vars": dict(defaults, **variables), "me": USERS[0]["id"]}
            score = complexity(sel, "Mutation" if parser.kind == "mutation" else "Query",
                               ctx["vars"])
        except GraphQLError as e:
            return gql_error(400, e.message, e.code, "invalid input", e.message, headers=headers)
        score = int(-(-score // 1))
        headers.append(("x-complexity", score))
        if score > MAX_COMPLEXITY:
            # [obs] contentful-labs/gqli.rb#23: HTTP 400 "Query too complex"
            return gql_error(400, "Query too complex", "INPUT_ERROR", "invalid input",
                             "The query is too complex. Complexity: %d. Maximum allowed "
                             "complexity: %d." % (score, MAX_COMPLEXITY), headers=headers)
        try:
            if parser.kind == "mutation":
                data = self.writer.run(sel, ctx)
            else:
                data = run_root(sel, ctx, self.issues)
        except FilterError as e:
            if e.validation:
                return gql_error(400, str(e), "GRAPHQL_VALIDATION_FAILED", "invalid input",
                                 str(e), headers=headers)
            # an error while running: HTTP 200, data null, errors (README 5.1)
            return json_response(200, {"data": None, "errors": [{
                "message": str(e), "path": [sel[0][0]],
                "extensions": {"code": "INVALID_INPUT", "type": "invalid input", "userError": True,
                               "userPresentableMessage": str(e)}}]}, headers=headers)
        return json_response(200, {"data": data}, headers=headers)

    @staticmethod
    def _credential(req):
        """The key or token if valid: a personal key without Bearer, an OAuth
        token with it (README 5.1 "Auth header")."""
        value = (req.header("Authorization") or "").strip()
        if value.lower().startswith("bearer "):
            token = value[7:].strip()
            return token if token in OAUTH else None
        return value if value in KEYS else None

    @staticmethod
    def _rate_headers():
        """The rate-limit headers of every answer (README 5.1); numbers are
        not the real ones, which the README says not to hard-code."""
        reset = int(time.time() * 1000) + 3600 * 1000
        return [("x-ratelimit-requests-limit", 5000), ("x-ratelimit-requests-remaining", 4999),
                ("x-ratelimit-requests-reset", reset),
                ("x-ratelimit-complexity-limit", 250000),
                ("x-ratelimit-complexity-remaining", 249000),
                ("x-ratelimit-complexity-reset", reset)]

    def summary(self):
        out = []
        for t in TEAMS:
            mine = [i for i in self.issues if i["team"] is t]
            out.append("team %s: %d issues (%d archived)\n"
                       % (t["key"], len(mine), sum(1 for i in mine if i["archivedAt"])))
            for name, stype in STATES:
                out.append("  state %-12s %3d\n" % (name, sum(1 for i in mine if i["state"]["name"] == name)))
            for l in LABELS:
                out.append("  label %-12s %3d\n"
                           % (l, sum(1 for i in mine if any(x["name"] == l for x in i["labels"]))))
            out.append("  unassigned %d\n" % sum(1 for i in mine if i["assignee"] is None))
        out.append("users: %s\n" % ", ".join(u["email"] for u in USERS))
        return "".join(out)


if __name__ == "__main__":
    serve(LinearService(), 8086)
