#!/usr/bin/env python3
"""
jira.py
    Fake Jira Cloud REST API v3 (issue search with JQL, fields, projects,
    comments) for saas_fdw's tests.

Behaves like https://<site>.atlassian.net as shared/api/README.md section 4
describes it (Atlassian swagger-v3.v3.json; "[obs]" marks what the README
or this file took from observed answers, not from the spec):

    POST /rest/api/3/search/jql   JSON body {jql, fields, maxResults,
                                  nextPageToken}; GET with the same query
                                  parameters works too (README 4.1)
    GET  /rest/api/3/field        every field, custom ones with a schema
    GET  /rest/api/3/project/search   projects, paged (startAt, maxResults,
                                  total, isLast, nextPage)
    GET  /rest/api/3/issue/{key}/comment  comments, paged (startAt,
                                  maxResults, total), bodies in ADF
    GET  /rest/api/3/status, /statuscategory, /priority, /issuetype,
         /project/{key}/components, /project/{key}/versions,
         /user?accountId=         the values JQL accepts (UNKNOWN VALUES)
    GET|POST /rest/api/3/search   the removed search: 410 Gone (README 4.1
                                  "Deprecated", [obs])
    POST|GET|PUT|DELETE /rest/api/3/issue[/{key}[/comment]]  writes and
                                  the single issue: see jira_writes.py

Auth: Authorization: Basic base64(email:API token), fdw@example.com with
jira_token_1 (or other@example.com with jira_token_2); anything else is 401.

JQL: a real parser for the subset saas_fdw writes (see JqlParser): the
fields project, status, statusCategory, issuetype/type, priority, assignee,
reporter, labels, component(s), fixVersion, key/issuekey, summary,
description, created, updated, resolved/resolutiondate, due/duedate, the
operators = != IN NOT IN < <= > >= ~ !~ IS [NOT] EMPTY|NULL, AND OR NOT,
parentheses, ORDER BY with ASC/DESC; quoted strings in "..." or '...'
with JQL's backslash escapes; reserved words and characters; the functions
now() and currentUser().  A value unknown to a field with a fixed set of
values (project, status, ...) is a 400, as on the real site: see
UNKNOWN VALUES below.

Rate-limit fixture: a search whose JQL names the project RATE answers 429
with Retry-After: 1 the first time per distinct (JQL, page token), then
normally.

Run: python3 jira.py [--port 8085] [--summary]
"""

import base64
import calendar
import json
import re
import time
import sys
import urllib.parse

import jira_writes
from fakebase import (FakeService, Response, json_response, log_line, mix,
                      percent, pick, serve)

SITE = "https://fake-site.atlassian.net"
API = SITE + "/rest/api/3"
CREDENTIALS = {("fdw@example.com", "jira_token_1"): "5b10a2844c20165700ede21g",
               ("other@example.com", "jira_token_2"): "5b10ac8d82e05b22cc7d4ef5"}

# accountId, displayName, email (None: hidden by the user's privacy settings)
USERS = (
    ("5b10a2844c20165700ede21g", "Mia Krystof", "mia@example.com"),
    ("5b10ac8d82e05b22cc7d4ef5", "Emma Richards", "emma@example.com"),
    ("557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", "Ravi Kumar", None),
    ("712020:9b1e6c5a-2f3d-4e5a-8b7c-0d1e2f3a4b5c", "Zoë O'Brien", "zoe@example.com"),
    ("5d53f3cbc6b9320d9ea5bdc2", "Li Wei", "li@example.com"),
)
USER_BY_ID = {u[0]: u for u in USERS}

# key, id, name, type, lead, issue count, components, versions
PROJECTS = (
    ("ENG", "10000", "Engineering", "software", USERS[0][0], 120,
     ("API", "Database", "UI"), ("1.0", "1.1", "2.0")),
    ("OPS", "10001", "Operations", "business", USERS[1][0], 70,
     ("Infra", "Monitoring"), ("2024.1", "2024.2")),
    ("WEB", "10002", "Web Platform", "software", USERS[3][0], 55,
     ("Frontend", "CMS"), ("1.0", "3.0")),
    ("RATE", "10003", "Rate Limited", "software", USERS[4][0], 5, (), ()),
    ("EMPTY", "10004", "Empty Project", "business", USERS[4][0], 0, (), ()),
)
RATE_PROJECT = "RATE"
# a version's place in its project's order (names repeat across projects:
# "1.0" is in ENG and WEB, and comes first in both)
VERSION_ORDER = {}
for _p in PROJECTS:
    for _k, _v in enumerate(_p[7]):
        VERSION_ORDER.setdefault(_v, _k)

# name, id, status category (key, id, name)
CATEGORIES = {"new": ("new", 2, "To Do"), "indeterminate": ("indeterminate", 4, "In Progress"),
              "done": ("done", 3, "Done")}
STATUSES = (("To Do", "10000", "new"), ("In Progress", "3", "indeterminate"),
            ("In Review", "10001", "indeterminate"), ("Done", "10002", "done"),
            ("Won't Do", "10003", "done"))
ISSUE_TYPES = (("Bug", "10004"), ("Story", "10005"), ("Task", "10006"), ("Epic", "10007"))
# highest first: JQL orders priorities by this sequence, ORDER BY priority
# DESC lists Highest first [obs]
PRIORITIES = (("Highest", "1"), ("High", "2"), ("Medium", "3"), ("Low", "4"), ("Lowest", "5"))
LABELS = ("backend", "frontend", "security", "tech-debt", "customer", "and", "o'reilly")

SUMMARY_VERBS = ("Fix", "Add", "Improve", "Remove", "Document", "Investigate",
                 "Refactor", "Crash in", "Slow", "Flaky")
SUMMARY_OBJECTS = ("login page", "billing export", "search index", "rate limiter",
                   "nightly backup", "dark mode", "audit log", "webhook retries",
                   "CSV import", "release notes", "cache eviction", "SSO settings")
SENTENCES = ("Steps to reproduce are below.", "This started after the last deploy.",
             "Customers report it in the EU region only.", "Logs show a timeout.",
             "We should add a regression test.", "Ünïcödé input like “café” breaks it.",
             "See the linked incident for details.", "Low risk, small change.")
COMMENT_TEXTS = ("Looking into it.", "Can you attach the logs?", "Fixed on main.",
                 "Duplicate of an older ticket.", "Deployed to staging.",
                 "Needs a decision from product.", "👍 works for me")

START = calendar.timegm((2024, 1, 1, 0, 0, 0))
SPAN = 700 * 86400

# Custom fields (GET /rest/api/3/field): id, name, schema, searcher clause
CUSTOM_FIELDS = (
    ("customfield_10016", "Story point estimate",
     {"type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points", "customId": 10016}),
    ("customfield_10050", "Team",
     {"type": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select",
      "customId": 10050}),
    ("customfield_10060", "Customer impact",
     {"type": "string", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:textarea",
      "customId": 10060}),
    ("customfield_10070", "Target date",
     {"type": "date", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
      "customId": 10070}),
    ("customfield_10080", "Affected services",
     {"type": "array", "items": "string",
      "custom": "com.atlassian.jira.plugin.system.customfieldtypes:labels", "customId": 10080}),
)
CFT = "com.atlassian.jira.plugin.system.customfieldtypes:"
# listed by GET /rest/api/3/field only (no issue has a value): names and
# ids an IMPORT must survive; a site's admins choose field names freely
HOSTILE_FIELDS = (
    ("customfield_10090", 'Robert"); DROP TABLE x;--', {"type": "number", "custom": CFT + "float", "customId": 10090}),
    ("customfield_10091", "Team", {"type": "user", "custom": CFT + "userpicker", "customId": 10091}),
    ("customfield_10092", "ÜBER straße 2", {"type": "array", "items": "option", "custom": CFT + "multiselect",
                                          "customId": 10092}),
    ("customfield_10093.x", "Dotted id", {"type": "string", "custom": CFT + "textfield", "customId": 10093}),
    ("customfield_10094", "!!!", {"type": "any", "custom": "com.example.plugin:anything", "customId": 10094}),
    ("customfield_10095", "Key", {"type": "datetime", "custom": CFT + "datetime", "customId": 10095}),
)
SYSTEM_FIELDS = (
    ("summary", "Summary", {"type": "string", "system": "summary"}),
    ("description", "Description", {"type": "string", "system": "description"}),
    ("project", "Project", {"type": "project", "system": "project"}),
    ("status", "Status", {"type": "status", "system": "status"}),
    ("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"}),
    ("priority", "Priority", {"type": "priority", "system": "priority"}),
    ("assignee", "Assignee", {"type": "user", "system": "assignee"}),
    ("reporter", "Reporter", {"type": "user", "system": "reporter"}),
    ("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}),
    ("components", "Components", {"type": "array", "items": "component", "system": "components"}),
    ("fixVersions", "Fix versions", {"type": "array", "items": "version", "system": "fixVersions"}),
    ("parent", "Parent", {"type": "issuelink", "system": "parent"}),
    ("created", "Created", {"type": "datetime", "system": "created"}),
    ("updated", "Updated", {"type": "datetime", "system": "updated"}),
    ("resolution", "Resolution", {"type": "resolution", "system": "resolution"}),
    ("resolutiondate", "Resolved", {"type": "datetime", "system": "resolutiondate"}),
    ("duedate", "Due date", {"type": "date", "system": "duedate"}),
)
ALL_FIELD_IDS = tuple(f[0] for f in SYSTEM_FIELDS + CUSTOM_FIELDS)


# --------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------

def jira_time(seconds):
    """Jira's date-time: 2021-01-17T12:34:00.000+0000 (README 4.1 "Data
    formats"); the fake's users' profile time zone is UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(seconds))


def jira_date(seconds):
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


# --------------------------------------------------------------------------
# Atlassian Document Format (README 4.1: v3 bodies are ADF JSON)
# --------------------------------------------------------------------------

def adf(paragraphs):
    """An ADF document: one paragraph node per text; None for no text."""
    if not paragraphs:
        return None
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": p}]}
                        for p in paragraphs]}


# ADF fixture: the comments of this issue are documents a reader must
# survive (structure per Atlassian's "Atlassian Document Format" page: nodes
# {type, content, text, attrs, marks}); the nesting stays under the
# parser's depth limit
ADF_FIXTURE_ISSUE = "WEB-2"


def _nested(depth):
    node = {"type": "paragraph", "content": [{"type": "text", "text": "deep"}]}
    for _ in range(depth):
        node = {"type": "blockquote", "content": [node]}
    return {"type": "doc", "version": 1, "content": [node]}


ADF_FIXTURE_BODIES = [
    {"type": "doc", "version": 1, "content": [
        {"type": "heading", "attrs": {"level": 1}, "content": [{"type": "text", "text": "Title"}]},
        {"type": "paragraph", "content": [
            {"type": "text", "text": "Hello "},
            {"type": "text", "text": "bold", "marks": [{"type": "strong"}]},
            {"type": "hardBreak"},
            {"type": "mention", "attrs": {"id": "5b10a2844c20165700ede21g", "text": "@Mia Krystof"}},
            {"type": "text", "text": " naïve \"q\" \\ AND OR"}]},
        {"type": "bulletList", "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "one"}]}]},
            {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "two"}]}]}]},
        {"type": "codeBlock", "content": [{"type": "text", "text": "x = 1"}]}]},
    {"type": "doc", "version": 1, "content": "not an array"},
    {"type": "doc", "content": [1, "x", None, [], {"type": "text", "text": 5},
                                {"type": "text"}, {"content": {"a": 1}},
                                {"type": "text", "text": "kept"}]},
    _nested(24),
    "a plain string",
    None,
    {},
    [{"type": "text", "text": "an array, not a node"}],
]
ADF_FIXTURE_COMMENTS = [
    {"id": str(900000 + k), "author": {"accountId": "5b10a2844c20165700ede21g"},
     "body": body, "created": "2024-05-01T10:%02d:00.000+0000" % k,
     "updated": "2024-05-01T10:%02d:00.000+0000" % k}
    for k, body in enumerate(ADF_FIXTURE_BODIES)]


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def user_obj(account_id):
    aid, name, email = USER_BY_ID[account_id]
    out = {"self": "%s/user?accountId=%s" % (API, urllib.parse.quote(aid)),
           "accountId": aid, "accountType": "atlassian",
           "avatarUrls": {"48x48": "https://avatar.example/%d/48" % (mix(aid) % 10000)},
           "displayName": name, "active": True, "timeZone": "UTC"}
    if email:
        out["emailAddress"] = email
    return out


def project_obj(p, expand=()):
    key, pid, name, ptype, lead = p[0], p[1], p[2], p[3], p[4]
    out = {"expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
           "self": "%s/project/%s" % (API, pid), "id": pid, "key": key, "name": name,
           "avatarUrls": {"48x48": "%s/universal_avatar/view/type/project/avatar/%s" % (API, pid)},
           "projectTypeKey": ptype, "simplified": False, "style": "classic",
           "isPrivate": False, "properties": {}}
    if "lead" in expand:
        out["lead"] = user_obj(lead)
    if "description" in expand:
        out["description"] = "The %s project" % name
    return out


class Issue:
    """One generated issue: its facts (for JQL) and its JSON fields."""

    def __init__(self, project, n, issue_id, epics):
        key, pid = project[0], project[1]
        seed = (key, n)
        self.key, self.id, self.n, self.project = "%s-%d" % (key, n), str(issue_id), n, project
        count = project[5]
        self.created = START + (n - 1) * (SPAN // max(count, 1)) + mix(*seed, "c") % 86400
        self.updated = self.created + 60 + mix(*seed, "u") % (40 * 86400)
        self.status = pick(STATUSES, *seed, "status")
        done = self.status[2] == "done"
        self.resolved = (self.created + (self.updated - self.created) // 2) if done else None
        self.type = ISSUE_TYPES[3] if n % 15 == 1 else pick(ISSUE_TYPES[:3], *seed, "type")
        self.priority = None if percent(5, *seed, "nopri") else pick(PRIORITIES, *seed, "pri")
        self.assignee = None if percent(25, *seed, "unassigned") else pick(USERS, *seed, "as")[0]
        self.reporter = pick(USERS, *seed, "rep")[0]
        self.labels = sorted(l for l in LABELS[:5] if percent(22, *seed, l))
        if n % 29 == 0:
            self.labels.append("and")      # a reserved word as a label
        if n % 31 == 0:
            self.labels.append("o'reilly")
        self.components = [c for c in project[6] if percent(35, *seed, c)]
        self.versions = [v for v in project[7] if percent(25, *seed, v)]
        self.due = (START + (mix(*seed, "due") % (SPAN // 86400 + 60)) * 86400
                    if percent(40, *seed, "hasdue") else None)
        summary = "%s %s" % (pick(SUMMARY_VERBS, *seed, "v"), pick(SUMMARY_OBJECTS, *seed, "o"))
        if n % 13 == 0:
            summary += ' with "quotes" and a \\ backslash'
        if n % 17 == 0:
            summary += " AND OR NOT order by"
        if n % 19 == 0:
            summary += " — café ✓"
        self.summary = summary
        paragraphs = [" ".join(pick(SENTENCES, *seed, p, s) for s in range(1 + mix(*seed, p) % 3))
                      for p in range(mix(*seed, "paras") % 3)]
        self.description = adf(paragraphs)
        self.description_text = "\n".join(paragraphs)
        self.parent = None
        if self.type[0] != "Epic" and epics and percent(30, *seed, "parent"):
            self.parent = pick(epics, *seed, "epic")
        self.custom = {
            "customfield_10016": (None if percent(30, *seed, "sp")
                                  else float(pick((1, 2, 3, 5, 8, 13), *seed, "pts"))),
            "customfield_10050": (None if percent(20, *seed, "team") else
                                  {"self": "%s/customFieldOption/%d" % (API, 10100 + mix(*seed, "t") % 3),
                                   "value": pick(("Core", "Growth", "Platform"), *seed, "t"),
                                   "id": str(10100 + mix(*seed, "t") % 3)}),
            "customfield_10060": adf(["Impact: " + pick(SENTENCES, *seed, "imp")])
                                 if percent(30, *seed, "imp") else None,
            "customfield_10070": jira_date(self.created + 30 * 86400) if percent(30, *seed, "td") else None,
            "customfield_10080": sorted({pick(("auth", "billing", "search"), *seed, "svc", k)
                                         for k in range(mix(*seed, "nsvc") % 3)}),
        }
        self.comments = self._comments(seed)

    def _comments(self, seed):
        count = 120 if self.key == "ENG-1" else mix(*seed, "ncomments") % 4
        out = []
        for k in range(count):
            cid = int(self.id) * 1000 + k
            created = self.created + (k + 1) * 3600
            author = pick(USERS, *seed, k, "cauth")[0]
            edited = percent(20, *seed, k, "edit")
            out.append({
                "self": "%s/issue/%s/comment/%d" % (API, self.id, cid), "id": str(cid),
                "author": user_obj(author),
                "body": adf([pick(COMMENT_TEXTS, *seed, k, "txt")]),
                "updateAuthor": user_obj(author),
                "created": jira_time(created),
                "updated": jira_time(created + (600 if edited else 0)),
                "jsdPublic": True})
        return out

    def field(self, name):
        """The JSON of one field of fields.*."""
        if name == "summary":
            return self.summary
        if name == "description":
            return self.description
        if name == "project":
            return project_obj(self.project)
        if name == "status":
            cat = CATEGORIES[self.status[2]]
            return {"self": "%s/status/%s" % (API, self.status[1]), "name": self.status[0],
                    "id": self.status[1],
                    "statusCategory": {"self": "%s/statuscategory/%d" % (API, cat[1]), "id": cat[1],
                                       "key": cat[0], "name": cat[2]}}
        if name == "issuetype":
            return {"self": "%s/issuetype/%s" % (API, self.type[1]), "id": self.type[1],
                    "name": self.type[0], "subtask": False, "hierarchyLevel": 1 if self.type[0] == "Epic" else 0}
        if name == "priority":
            return (None if self.priority is None else
                    {"self": "%s/priority/%s" % (API, self.priority[1]), "name": self.priority[0],
                     "id": self.priority[1]})
        if name == "assignee":
            return user_obj(self.assignee) if self.assignee else None
        if name == "reporter":
            return user_obj(self.reporter)
        if name == "labels":
            return list(self.labels)
        if name == "components":
            return [{"self": "%s/component/%d" % (API, 10200 + i), "id": str(10200 + i), "name": c}
                    for i, c in enumerate(self.components)]
        if name == "fixVersions":
            return [{"self": "%s/version/%d" % (API, 10300 + i), "id": str(10300 + i), "name": v,
                     "archived": False, "released": v < "2"} for i, v in enumerate(self.versions)]
        if name == "parent":
            return (None if self.parent is None else
                    {"id": self.parent.id, "key": self.parent.key,
                     "self": "%s/issue/%s" % (API, self.parent.id),
                     "fields": {"summary": self.parent.summary}})
        if name == "created":
            return jira_time(self.created)
        if name == "updated":
            return jira_time(self.updated)
        if name == "resolution":
            return (None if self.resolved is None else
                    {"self": "%s/resolution/1" % API, "id": "10000" if self.status[0] == "Done" else "10001",
                     "name": "Done" if self.status[0] == "Done" else "Won't Do"})
        if name == "resolutiondate":
            return jira_time(self.resolved) if self.resolved else None
        if name == "duedate":
            return jira_date(self.due) if self.due else None
        return self.custom.get(name)

    def json(self, fields):
        out = {"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
               "id": self.id, "self": "%s/issue/%s" % (API, self.id), "key": self.key}
        if fields:
            out["fields"] = {f: self.field(f) for f in fields}
        return out


def build_issues():
    issues, issue_id = [], 10001
    for project in PROJECTS:
        epics = []
        for n in range(1, project[5] + 1):
            issue = Issue(project, n, issue_id, epics)
            if issue.type[0] == "Epic":
                epics.append(issue)
            issues.append(issue)
            issue_id += 1
    return issues


# --------------------------------------------------------------------------
# JQL: lexer
#
# The grammar is Atlassian's (JQL reference pages "Advanced search
# reference": fields, operators, keywords, functions; and
# com.atlassian.jira.jql.util.JqlStringSupportImpl, which encodes strings
# for the grammar Jql.g):
#   - a string is "..." or '...'; inside one a backslash escapes the next
#     character: \" \' \\ \  (space), \t \n \r, and \uXXXX; any other escape
#     is an error.  A quoted string is always a value, never a keyword,
#     function or operator, whatever it holds.
#   - an unquoted string may not hold whitespace, quotes or the reserved
#     characters below, and may not be a reserved word (case-insensitive),
#     unless it is in a place where that word is a keyword.
# --------------------------------------------------------------------------

class JqlError(Exception):
    """A 400 from /search/jql: messages for errorMessages."""

    def __init__(self, *messages):
        super().__init__(messages[0])
        self.messages = list(messages)


# Characters an unquoted JQL string may not contain (JQL reference,
# "Restricted characters": they must be quoted or escaped; the JQL fields
# page, support.atlassian.com/jira-software-cloud/docs/jql-fields/, on
# affectedVersion = "3.14": "full-stops are reserved characters and need to
# be surrounded by quote-marks").
RESERVED_CHARS = set("+.;?|*/%^$#@[]")
STOP_CHARS = set(" \t\r\n\"'=!<>()~,") | RESERVED_CHARS

# JQL reserved words (JqlStringSupportImpl.RESERVED_WORDS): an unquoted
# value that is one of them is an error.
RESERVED_WORDS = frozenset("""
a an abort access add after alias all alter and any are as asc at audit avg be
before begin between boolean break but by byte catch cf char character check
checkpoint collate collation column commit connect continue count create
current date decimal declare decrement default defaults define delete
delimiter desc difference distinct divide do double drop else empty encoding
end equals escape exclusive exec execute exists explain false fetch file
field first float for from function go goto grant greater group having
identified if immediate in increment index initial inner inout input insert
int integer intersect intersection into is isempty isnull it join last left
less like limit lock long max min minus mode modify modulo more multiply
next no noaudit not notin nowait null number object of on option or order
outer output power previous prior privileges public raise raw remainder
rename resource return returns revoke right row rowid rownum rows select
session set share size sqrt start strict string subtract such sum synonym
table that the their then there these they this to trans transaction trigger
true uid union unique update user validate values view was when whenever
where while will with
""".split())

ESCAPES = {'"': '"', "'": "'", "\\": "\\", " ": " ", "t": "\t", "n": "\n", "r": "\r"}


def jql_tokens(text):
    """Tokens: (kind, value) with kind 'str' (quoted), 'word' (unquoted),
    'op', 'punct'."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "\"'":
            quote, i, buf = c, i + 1, []
            while True:
                if i >= n:
                    raise JqlError("Error in the JQL Query: The quoted string '%s' has not "
                                   "been completed." % "".join(buf))
                c = text[i]
                if c == quote:
                    i += 1
                    break
                if c == "\\":
                    if i + 1 >= n:
                        raise JqlError("Error in the JQL Query: illegal escape sequence '\\' "
                                       "at the end of the query.")
                    e = text[i + 1]
                    if e == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                        buf.append(chr(int(text[i + 2:i + 6], 16)))
                        i += 6
                        continue
                    if e not in ESCAPES:
                        raise JqlError("Error in the JQL Query: '\\%s' is an illegal JQL "
                                       "escape sequence." % e)
                    buf.append(ESCAPES[e])
                    i += 2
                    continue
                buf.append(c)
                i += 1
            out.append(("str", "".join(buf)))
        elif c in "(),":
            out.append(("punct", c))
            i += 1
        elif text.startswith(("!=", "!~", "<=", ">="), i):
            out.append(("op", text[i:i + 2]))
            i += 2
        elif c in "=<>~":
            out.append(("op", c))
            i += 1
        elif c in RESERVED_CHARS or c == "!":
            raise JqlError("Error in the JQL Query: The character '%s' is a reserved JQL "
                           "character. You must enclose it in a string or use the escape "
                           "'\\u%04x' instead." % (c, ord(c)))
        else:
            j = i
            while j < n and text[j] not in STOP_CHARS:
                j += 1
            out.append(("word", text[i:j]))
            i = j
    return out


# --------------------------------------------------------------------------
# JQL: parser -> a small tree
#   ("and", [..]) ("or", [..]) ("not", x) ("clause", field, op, operand)
#   operand: ("value", str) | ("func", name) | ("empty",) | ("list", [...])
# --------------------------------------------------------------------------

# JQL field name (lower case) -> canonical field
FIELD_ALIASES = {
    "project": "project", "status": "status", "statuscategory": "statusCategory",
    "issuetype": "issuetype", "type": "issuetype", "priority": "priority",
    "assignee": "assignee", "reporter": "reporter", "labels": "labels",
    "component": "component", "components": "component", "fixversion": "fixVersion",
    "key": "key", "issuekey": "key", "id": "key", "summary": "summary",
    "description": "description", "created": "created", "createddate": "created",
    "updated": "updated", "updateddate": "updated", "resolved": "resolved",
    "resolutiondate": "resolved", "due": "due", "duedate": "due",
}
TEXT_FIELDS = ("summary", "description")
DATE_FIELDS = ("created", "updated", "resolved", "due")
# fields whose < <= > >= are defined (JQL fields page, "Supported
# operators": dates, priority, issue key, and versions, which compare in the
# project's version order, not as text)
RANGE_FIELDS = DATE_FIELDS + ("priority", "key", "fixVersion")
SORT_FIELDS = {"created": "created", "updated": "updated", "priority": "priority",
               "key": "key", "issuekey": "key", "resolved": "resolved",
               "resolutiondate": "resolved", "due": "due", "duedate": "due",
               "status": "status", "issuetype": "issuetype", "type": "issuetype",
               "project": "project", "summary": "summary", "assignee": "assignee"}
FUNCTIONS = ("now", "currentuser")


class JqlParser:
    def __init__(self, text):
        self.toks = jql_tokens(text)
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None)

    def kw(self, word, k=0):
        kind, value = self.peek(k)
        return kind == "word" and value.lower() == word

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect_kw(self, word):
        if not self.kw(word):
            self.fail("Expecting '%s'" % word.upper())
        self.i += 1

    def fail(self, what):
        kind, value = self.peek()
        near = "the end of the query" if kind is None else "'%s'" % value
        raise JqlError("Error in the JQL Query: %s but got %s." % (what, near))

    def parse(self):
        """(where tree or None, [(field, descending)])."""
        where = None
        if self.peek()[0] is not None and not (self.kw("order") and self.kw("by", 1)):
            where = self.or_clause()
        order = []
        if self.kw("order"):
            self.i += 1
            self.expect_kw("by")
            while True:
                kind, name = self.take()
                if kind not in ("word", "str"):
                    self.fail("Expecting a field name")
                field = SORT_FIELDS.get(name.lower())
                if field is None:
                    raise JqlError("Not able to sort using field '%s'." % name)
                desc = False
                if self.kw("asc") or self.kw("desc"):
                    desc = self.take()[1].lower() == "desc"
                order.append((field, desc))
                if self.peek() != ("punct", ","):
                    break
                self.i += 1
            if len(order) > 7:      # README 4.1: at most 7 ORDER BY fields
                raise JqlError("The ORDER BY clause can have at most 7 fields.")
        if self.peek()[0] is not None:
            self.fail("Expecting either 'OR' or 'AND'")
        return where, order

    def or_clause(self):
        parts = [self.and_clause()]
        while self.kw("or"):
            self.i += 1
            parts.append(self.and_clause())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def and_clause(self):
        parts = [self.not_clause()]
        while self.kw("and"):
            self.i += 1
            parts.append(self.not_clause())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def not_clause(self):
        if self.kw("not"):
            self.i += 1
            return ("not", self.not_clause())
        if self.peek() == ("punct", "("):
            self.i += 1
            inner = self.or_clause()
            if self.peek() != ("punct", ")"):
                self.fail("Expecting ')'")
            self.i += 1
            return inner
        return self.terminal()

    def terminal(self):
        kind, name = self.take()
        if kind not in ("word", "str"):
            self.i -= 1
            self.fail("Expecting a field name")
        field = FIELD_ALIASES.get(name.lower())
        if field is None:
            raise JqlError("Field '%s' does not exist or you do not have permission to view it."
                           % name)
        if self.kw("is"):
            self.i += 1
            negate = False
            if self.kw("not"):
                self.i += 1
                negate = True
            if not (self.kw("empty") or self.kw("null")):
                self.fail("Expecting 'EMPTY' or 'NULL'")
            self.i += 1
            return ("clause", field, "is not" if negate else "is", ("empty",))
        if self.kw("not") and self.kw("in", 1):
            self.i += 2
            return ("clause", field, "not in", self.value_list())
        if self.kw("in"):
            self.i += 1
            return ("clause", field, "in", self.value_list())
        kind, op = self.take()
        if kind != "op":
            self.i -= 1
            self.fail("Expecting operator")
        return ("clause", field, op, self.operand())

    def value_list(self):
        if self.peek() != ("punct", "("):
            self.fail("Expecting '('")
        self.i += 1
        values = [self.operand()]
        while self.peek() == ("punct", ","):
            self.i += 1
            values.append(self.operand())
        if self.peek() != ("punct", ")"):
            self.fail("Expecting ')'")
        self.i += 1
        return ("list", values)

    def operand(self):
        kind, value = self.take()
        if kind == "str":
            return ("value", value)     # quoted: a value, whatever it holds
        if kind != "word":
            self.i -= 1
            self.fail("Expecting either a value, list or function")
        low = value.lower()
        if self.peek() == ("punct", "("):
            self.i += 1
            if self.peek() != ("punct", ")"):
                self.fail("Expecting ')'")
            self.i += 1
            if low not in FUNCTIONS:
                raise JqlError("Unable to find JQL function '%s()'." % value)
            return ("func", low)
        if low in ("empty", "null"):
            return ("empty",)
        if low in RESERVED_WORDS:
            raise JqlError("Error in the JQL Query: '%s' is a reserved JQL word. You must "
                           "surround it in quotation marks to use it in a query." % value)
        return ("value", value)


# --------------------------------------------------------------------------
# JQL: evaluation
#
# UNKNOWN VALUES.  Jira checks each value against the field's known values
# before it searches: a value that names no project, status, status
# category, issue type, priority, component, version or user is a 400,
#   {"errorMessages":["The value 'X' does not exist for the field 'status'."],
#    "errors":{}}
# one message per unknown value, for every operator (=, !=, IN, NOT IN),
# even inside OR or NOT [obs: GitHub issues soundcloud/project-dev-kpis#22,
# solidify/jira-azuredevops-migrator#61, tenable/integration-jira-cloud#25
# show this body for status and project].  An issue key that names no
# issue is a 400 too: "An issue with key 'X' does not exist for field
# 'key'." [obs, unverified wording].  labels, summary and description take
# any value: an unknown one matches no issue.
# So for saas_fdw (SQL: a value that exists nowhere matches no row, never an
# error) such a value must never reach the JQL: either check it first
# against the field's values (GET /rest/api/3/status, /statuscategory,
# /priority, /issuetype, /project/{key}/components, /project/{key}/versions,
# /project/search, /user?accountId=: all served below) and drop or rewrite
# the clause (= x: false; != x: is not EMPTY), or keep that qual local.
# Mapping the 400 to "no row" is wrong: under OR the other branch has rows.
# --------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
PERIOD_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}


class Evaluator:
    def __init__(self, account_id, issues):
        self.me = account_id
        self.issues = issues
        self.keys = {i.key for i in issues}
        self.now = time.time()

    # ---- values ------------------------------------------------------

    def _known(self, field):
        """(value -> canonical) lookup for fields with a fixed set of values,
        matched without case (JQL names are case-insensitive)."""
        table = {}
        if field == "project":
            for p in PROJECTS:
                for v in (p[0], p[1], p[2]):
                    table[v.lower()] = p[0]
        elif field == "status":
            for s in STATUSES:
                table[s[0].lower()] = table[s[1]] = s[0]
        elif field == "statusCategory":
            # by name ("To Do", "In Progress", "Done") or id, as the JQL
            # fields page shows; the keys new/indeterminate are not names
            # [unverified that the real site refuses them: do not send them]
            for key, cid, name in CATEGORIES.values():
                table[str(cid)] = table[name.lower()] = key
        elif field == "issuetype":
            for t in ISSUE_TYPES:
                table[t[0].lower()] = table[t[1]] = t[0]
        elif field == "priority":
            for p in PRIORITIES:
                table[p[0].lower()] = table[p[1]] = p[0]
        elif field in ("assignee", "reporter"):
            for u in USERS:
                table[u[0].lower()] = u[0]
                if u[2]:
                    table[u[2].lower()] = u[0]
        elif field == "component":
            for p in PROJECTS:
                for c in p[6]:
                    table[c.lower()] = c
        elif field == "fixVersion":
            for p in PROJECTS:
                for v in p[7]:
                    table[v.lower()] = v
        return table

    def resolve(self, field, operand, unknown):
        """The operand's value for the field (None for EMPTY); unknown
        collects the error messages of values that exist nowhere."""
        if operand[0] == "empty":
            return None
        if operand[0] == "func":
            if operand[1] == "currentuser":
                return self.me
            return self.now
        value = operand[1]
        if field in DATE_FIELDS:
            return self.date_value(field, value)
        if field in ("labels",) + TEXT_FIELDS:
            return value
        if field == "key":
            if value.upper() not in self.keys:
                unknown.append("An issue with key '%s' does not exist for field 'key'." % value)
            return value.upper()
        table = self._known(field)
        canon = table.get(value.lower())
        if canon is None:
            unknown.append("The value '%s' does not exist for the field '%s'." % (value, field))
        return canon

    def date_value(self, field, value):
        """A JQL date literal (yyyy-MM-dd [HH:mm], yyyy/MM/dd [HH:mm], or a
        period like -5d, 4w 2d) as epoch seconds, in the user's zone (UTC
        here); JQL times have minutes, no seconds."""
        for fmt in DATE_FORMATS:
            try:
                return calendar.timegm(time.strptime(value.strip(), fmt))
            except ValueError:
                pass
        m = re.fullmatch(r"\s*([-+]?)((?:\s*\d+\s*[wdhm])+)\s*", value)
        if m:
            total = sum(int(n) * PERIOD_UNITS[u]
                        for n, u in re.findall(r"(\d+)\s*([wdhm])", m.group(2)))
            return self.now + (-total if m.group(1) == "-" else total)
        raise JqlError("Date value '%s' for field '%s' is invalid. Valid formats include: "
                       "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', "
                       "or a period format e.g. '-5d', '4w 2d'." % (value, field))

    # ---- an issue's side -----------------------------------------------

    @staticmethod
    def issue_values(issue, field):
        """The issue's values of the field as a list ([] for EMPTY)."""
        if field == "project":
            return [issue.project[0]]
        if field == "status":
            return [issue.status[0]]
        if field == "statusCategory":
            return [issue.status[2]]
        if field == "issuetype":
            return [issue.type[0]]
        if field == "priority":
            return [issue.priority[0]] if issue.priority else []
        if field == "assignee":
            return [issue.assignee] if issue.assignee else []
        if field == "reporter":
            return [issue.reporter]
        if field == "labels":
            return list(issue.labels)
        if field == "component":
            return list(issue.components)
        if field == "fixVersion":
            return list(issue.versions)
        if field == "key":
            return [issue.key]
        if field == "summary":
            return [issue.summary]
        if field == "description":
            return [issue.description_text] if issue.description_text else []
        if field == "created":
            return [issue.created]
        if field == "updated":
            return [issue.updated]
        if field == "resolved":
            return [issue.resolved] if issue.resolved else []
        if field == "due":
            return [issue.due] if issue.due else []
        raise AssertionError(field)

    # ---- compile: check every value first, then evaluate ---------------

    def compile(self, tree):
        """A predicate issue -> bool; raises JqlError for an operator the
        field does not support and for every unknown value at once."""
        unknown = []
        pred = self._compile(tree, unknown)
        if unknown:
            raise JqlError(*unknown)
        return pred

    def _compile(self, tree, unknown):
        kind = tree[0]
        if kind == "and":
            parts = [self._compile(t, unknown) for t in tree[1]]
            return lambda i: all(p(i) for p in parts)
        if kind == "or":
            parts = [self._compile(t, unknown) for t in tree[1]]
            return lambda i: any(p(i) for p in parts)
        if kind == "not":
            # NOT is the complement of the clause: it includes the issues
            # whose field is EMPTY (JQL reference, keyword NOT)
            inner = self._compile(tree[1], unknown)
            return lambda i: not inner(i)
        _, field, op, operand = tree
        return self._clause(field, op, operand, unknown)

    def _clause(self, field, op, operand, unknown):
        unsupported = JqlError("The operator '%s' is not supported by the '%s' field."
                               % (op, field))
        if op in ("~", "!~"):
            if field not in TEXT_FIELDS:
                raise unsupported
            if operand[0] == "list":
                raise JqlError("Operator '%s' does not support the list value." % op)
            terms = text_terms(self.resolve(field, operand, unknown) or "")
            hit = lambda i: any(text_match(terms, v) for v in self.issue_values(i, field))
            return hit if op == "~" else (lambda i: not hit(i))
        if field in TEXT_FIELDS and op not in ("is", "is not"):
            # JQL has no equality on text fields (README 4.3)
            raise unsupported
        if op in ("is", "is not"):
            empty = lambda i: not self.issue_values(i, field)
            return empty if op == "is" else (lambda i: not empty(i))
        if op in ("in", "not in"):
            wanted = [self.resolve(field, v, unknown) for v in operand[1]]
        else:
            if operand[0] == "list":
                raise JqlError("Operator '%s' does not support the list value." % op)
            wanted = [self.resolve(field, operand, unknown)]
        has_empty = None in wanted
        wanted = [w for w in wanted if w is not None]
        if op in ("=", "in"):
            return lambda i: (self._eq(field, i, wanted)
                              or (has_empty and not self.issue_values(i, field)))
        if op in ("!=", "not in"):
            # != and NOT IN never match an issue whose field is EMPTY, unless
            # EMPTY itself is excluded (JQL reference, operators "!=" and
            # "NOT IN": use "is EMPTY" to include those)
            def ne(i):
                values = self.issue_values(i, field)
                if not values:
                    return False
                return not self._eq(field, i, wanted)
            return ne
        if field not in RANGE_FIELDS:
            raise unsupported
        if len(wanted) != 1:
            raise unsupported
        bound = wanted[0]
        cmp = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
               ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}[op]
        key = self._range_key(field)
        return lambda i: any(cmp(key(v), key(bound)) for v in self.issue_values(i, field))

    def _eq(self, field, issue, wanted):
        values = self.issue_values(issue, field)
        if field in ("labels",):
            # labels match as written [unverified whether the real match
            # ignores case: saas_fdw rechecks = locally either way]
            return any(v in wanted for v in values)
        if field == "due":
            days = {int(w) // 86400 for w in wanted}
            return any(int(v) // 86400 in days for v in values)
        return any(v in wanted for v in values)

    @staticmethod
    def _range_key(field):
        if field == "priority":
            # "priority > Medium" means higher than Medium: Highest is the top
            order = {p[0]: len(PRIORITIES) - k for k, p in enumerate(PRIORITIES)}
            return lambda v: order[v]
        if field == "key":
            return lambda v: (v.split("-")[0], int(v.split("-")[1]))
        if field == "due":
            return lambda v: int(v) // 86400 * 86400
        if field == "fixVersion":
            return lambda v: VERSION_ORDER[v]
        return lambda v: v


def text_terms(query):
    """Words of a ~ query: letters and digits; a trailing * makes a prefix."""
    return [(m.group(1).lower(), bool(m.group(2)))
            for m in re.finditer(r"(\w+)(\*?)", query)]


def text_match(terms, text):
    """JQL's ~: every term is a word of the text, case-insensitive (the real
    search also stems words and ignores stop words: inexact, README 4.3)."""
    if not terms:
        return False
    words = re.findall(r"\w+", text.lower())
    return all(any(w == t or (prefix and w.startswith(t)) for w in words) for t, prefix in terms)


def sort_key(field):
    """Sort key of an ORDER BY field: (0, value), or (1,) for EMPTY, which
    sorts after every value in ascending order [obs]."""
    def key(issue):
        if field == "key":
            return (0, issue.project[0], issue.n)
        if field == "priority":
            return (0, -PRIORITIES.index(issue.priority)) if issue.priority else (1,)
        if field == "assignee":
            return (0, USER_BY_ID[issue.assignee][1]) if issue.assignee else (1,)
        values = Evaluator.issue_values(issue, field)
        return (0, values[0]) if values else (1,)
    return key


# --------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------

class MediaTypeError(Exception):
    """A POST body that is not application/json."""


def is_json(req):
    ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
    return ctype == "application/json"


def errors(status, *messages, **field_errors):
    """Jira's ErrorCollection (README 4.1 "Errors")."""
    return json_response(status, {"errorMessages": list(messages), "errors": field_errors})


class JiraService(FakeService):
    name = "jira"

    def __init__(self):
        super().__init__()
        self.issues = build_issues()
        self.by_key = {i.key: i for i in self.issues}
        self.writer = jira_writes.IssueWriter(sys.modules[__name__], self)

    def reset(self):
        super().reset()
        with self.lock:
            self.writer.reset()

    def log_suffix(self, request):
        if request.method in ("POST", "PUT") and request.body:
            return log_line("", request.body.decode("utf-8", "replace"))
        return ""

    def handle(self, req):
        account = self._account(req)
        if account is None:
            # [obs] Jira Cloud's 401 for a wrong email or API token
            return errors(401, "Client must be authenticated to access this resource.")
        path = req.path.rstrip("/")
        if path == "/rest/api/3/search/jql" and req.method in ("GET", "POST"):
            return self._search(req, account)
        if path == "/rest/api/3/search":
            # README 4.1 "Deprecated": removed 2025-05-01 (CHANGE-2046);
            # reportedly 410 Gone [obs]
            return errors(410, "The requested API has been removed. Please migrate to the "
                          "/rest/api/3/search/jql API. A full migration guideline is available "
                          "at https://developer.atlassian.com/changelog/#CHANGE-2046")
        if path == "/rest/api/3/issue" or (path.startswith("/rest/api/3/issue/") and
                                           (req.method != "GET" or path.count("/") == 5)):
            written = self.writer.handle(req, path, account)
            if written is not None:
                return written
        if req.method != "GET":
            return errors(405, "Method Not Allowed")
        if path == "/rest/api/3/field":
            return json_response(200, self._fields())
        if path == "/rest/api/3/project/search":
            return self._projects(req)
        m = re.fullmatch(r"/rest/api/3/issue/([^/]+)/comment", path)
        if m:
            return self._comments(req, m.group(1))
        vocabulary = self._vocabulary(req, path)
        if vocabulary is not None:
            return vocabulary
        return errors(404, "Not Found")

    # ---- the values a field can take (see UNKNOWN VALUES) -------------------

    @staticmethod
    def _vocabulary(req, path):
        """GET /rest/api/3/status, /statuscategory, /priority, /issuetype,
        /project/{key}/components, /project/{key}/versions and
        /user?accountId=: the lists a client can check a JQL value against
        before it sends it (Jira REST v3 reference, same paths)."""
        if path == "/rest/api/3/status":
            return json_response(200, [
                {"self": "%s/status/%s" % (API, sid), "id": sid, "name": name,
                 "untranslatedName": name, "description": "",
                 "statusCategory": {"self": "%s/statuscategory/%d" % (API, CATEGORIES[cat][1]),
                                    "id": CATEGORIES[cat][1], "key": cat,
                                    "name": CATEGORIES[cat][2]}}
                for name, sid, cat in STATUSES])
        if path == "/rest/api/3/statuscategory":
            return json_response(200, [
                {"self": "%s/statuscategory/%d" % (API, cid), "id": cid, "key": key, "name": name}
                for key, cid, name in CATEGORIES.values()])
        if path == "/rest/api/3/priority":
            return json_response(200, [
                {"self": "%s/priority/%s" % (API, pid), "id": pid, "name": name, "description": name}
                for name, pid in PRIORITIES])
        if path == "/rest/api/3/issuetype":
            return json_response(200, [
                {"self": "%s/issuetype/%s" % (API, tid), "id": tid, "name": name,
                 "untranslatedName": name, "description": "", "subtask": False,
                 "hierarchyLevel": 1 if name == "Epic" else 0}
                for name, tid in ISSUE_TYPES])
        m = re.fullmatch(r"/rest/api/3/project/([^/]+)/(components|versions)", path)
        if m:
            project = next((p for p in PROJECTS if m.group(1).upper() in (p[0], p[1])), None)
            if project is None:
                return errors(404, "No project could be found with key '%s'." % m.group(1))
            names = project[6] if m.group(2) == "components" else project[7]
            base = 10200 if m.group(2) == "components" else 10300
            return json_response(200, [
                {"self": "%s/%s/%d" % (API, m.group(2)[:-1], base + k), "id": str(base + k),
                 "name": n, "projectId": int(project[1])} for k, n in enumerate(names)])
        if path == "/rest/api/3/user":
            aid = req.param("accountId") or ""
            if aid not in USER_BY_ID:
                return errors(404, "Specified user does not exist or you do not have required "
                              "permissions")
            return json_response(200, user_obj(aid))
        return None

    @staticmethod
    def _account(req):
        """The accountId of a Basic email:token pair that is valid, else None."""
        scheme, value = req.credential()
        if scheme != "basic":
            return None
        try:
            email, _, token = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return CREDENTIALS.get((email, token))

    # ---- POST /rest/api/3/search/jql --------------------------------------

    def _search_params(self, req):
        """jql, fields (list), maxResults, nextPageToken from a JSON body (POST)
        or query parameters (GET); raises JqlError for a bad body."""
        if req.method == "POST":
            if not is_json(req):
                raise MediaTypeError()
            try:
                body = json.loads(req.body.decode("utf-8") or "{}")
            except ValueError:
                raise JqlError("Invalid request payload. Refer to the REST API documentation "
                               "and try again.")
            if not isinstance(body, dict):
                raise JqlError("Invalid request payload. Refer to the REST API documentation "
                               "and try again.")
            fields = body.get("fields")
            if isinstance(fields, str):
                fields = fields.split(",")
            return (body.get("jql"), fields, body.get("maxResults"), body.get("nextPageToken"))
        fields = None
        for k, v in req.params:
            if k == "fields":
                fields = (fields or []) + v.split(",")
        max_results = req.param("maxResults")
        return (req.param("jql"), fields,
                int(max_results) if max_results and max_results.lstrip("-").isdigit() else max_results,
                req.param("nextPageToken"))

    @staticmethod
    def _select_fields(requested):
        """The fields parameter (README 4.1): default id only; *all,
        *navigable, field ids, -field to leave one out.  Ids that name no
        field are ignored, as the real API does [obs]."""
        if not requested:
            return []
        chosen, dropped = [], set()
        for f in (x.strip() for x in requested):
            if f in ("*all", "*navigable"):
                chosen.extend(ALL_FIELD_IDS)
            elif f.startswith("-"):
                dropped.add(f[1:])
            elif f in ALL_FIELD_IDS:
                chosen.append(f)
        out = []
        for f in chosen:
            if f not in dropped and f not in out:
                out.append(f)
        return out

    def _search(self, req, account):
        try:
            jql, fields, max_results, token = self._search_params(req)
            if max_results is None:
                max_results = 50
            if not isinstance(max_results, int) or max_results < 0:
                return errors(400, maxResults="The maxResults parameter must be a "
                              "non-negative integer.")
            if not isinstance(jql, str) or not jql.strip():
                raise JqlError("Unbounded JQL queries are not allowed here. Please add a "
                               "search restriction to your query.")
            where, order = JqlParser(jql).parse()
            if where is None:
                # README 4.1: "order by key desc" alone is unbounded
                raise JqlError("Unbounded JQL queries are not allowed here. Please add a "
                               "search restriction to your query.")
            pred = Evaluator(account, self.issues).compile(where)
        except MediaTypeError:
            # the spec's request body is application/json only; Jira's REST
            # layer answers another Content-Type (libcurl's default for a
            # POST is application/x-www-form-urlencoded) with 415 [obs]
            return errors(415, "Unsupported Media Type")
        except JqlError as e:
            return errors(400, *e.messages)
        if self._rate_limited(where, jql, token):
            reset = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(time.time() + 60))
            # README 4.1 "Rate limits": 429 with Retry-After (seconds) and
            # X-RateLimit-Reset (ISO 8601); RateLimit-Reason names the limit
            return errors(429, "Rate limit exceeded.").add_header("Retry-After", 1) \
                .add_header("X-RateLimit-Reset", reset).add_header("X-RateLimit-Limit", 100) \
                .add_header("X-RateLimit-Remaining", 0) \
                .add_header("RateLimit-Reason", "jira-burst-based")
        items = [i for i in self.issues if pred(i)]
        # default order: newest issue first [obs]; ORDER BY keys after it,
        # the most significant last, so sorted() leaves them in the right order
        items.sort(key=lambda i: -int(i.id))
        for field, desc in reversed(order):
            key = sort_key(field)
            present = [i for i in items if key(i)[0] == 0]
            empty = [i for i in items if key(i)[0] == 1]
            present.sort(key=key, reverse=desc)
            items = present + empty if not desc else empty + present
        chosen = self._select_fields(fields)
        # "API may return fewer items per page where a large number of
        # fields ... are requested" (README 4.1): at most 100 an answer with
        # fields, 5000 with ids only
        cap = 100 if chosen else 5000
        size = min(max_results, cap)
        digest = "%016x" % mix(jql)
        start = 0
        if token is not None:
            start = self._read_token(token, digest)
            if start is None:
                return errors(400, "The provided next page token is invalid or expired.")
        page = items[start:start + size]
        body = {"issues": [i.json(chosen) for i in page]}
        if start + size < len(items) and size > 0:
            body["nextPageToken"] = self._make_token(start + size, digest)
            body["isLast"] = False
        else:
            # README 4.1: nextPageToken absent on the last page, isLast true
            body["isLast"] = True
        return json_response(200, body)

    @staticmethod
    def _make_token(offset, digest):
        """An opaque page token: tied to the query it came from."""
        return base64.urlsafe_b64encode(("%s:%d" % (digest, offset)).encode()).decode().rstrip("=")

    @staticmethod
    def _read_token(token, digest):
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        got, _, offset = text.partition(":")
        return int(offset) if got == digest and offset.isdigit() else None

    def _rate_limited(self, where, jql, token):
        def names_rate(tree):
            if tree[0] in ("and", "or"):
                return any(names_rate(t) for t in tree[1])
            if tree[0] == "not":
                return names_rate(tree[1])
            _, field, _, operand = tree
            values = operand[1] if operand[0] == "list" else [operand]
            return field == "project" and any(
                v[0] == "value" and v[1].upper() == RATE_PROJECT for v in values)
        return names_rate(where) and self.first_time(("rate", jql, token))

    # ---- GET /rest/api/3/field --------------------------------------------

    @staticmethod
    def _fields():
        out = []
        for fid, name, schema in SYSTEM_FIELDS:
            out.append({"id": fid, "key": fid, "name": name, "custom": False, "orderable": True,
                        "navigable": True, "searchable": True,
                        "clauseNames": [fid], "schema": schema})
        for fid, name, schema in CUSTOM_FIELDS + HOSTILE_FIELDS:
            num = fid.split("_")[1]
            out.append({"id": fid, "key": fid, "name": name, "untranslatedName": name,
                        "custom": True, "orderable": True, "navigable": True, "searchable": True,
                        "clauseNames": ["cf[%s]" % num, name], "schema": schema})
        return out

    # ---- GET /rest/api/3/project/search -----------------------------------

    @staticmethod
    def _paging(req, default_max, cap):
        """startAt and maxResults of the offset-paged endpoints; None when
        one is not a non-negative integer."""
        start, size = req.param("startAt", "0"), req.param("maxResults", str(default_max))
        if not (start.isdigit() and size.isdigit()):
            return None
        return int(start), min(int(size), cap)

    def _projects(self, req):
        """PageBeanProject: self, nextPage (absent on the last page),
        maxResults, startAt, total, isLast, values [spec
        /rest/api/3/project/search]."""
        paging = self._paging(req, 50, 100)
        if paging is None:
            return errors(400, "The startAt and maxResults parameters must be non-negative integers.")
        start, size = paging
        expand = (req.param("expand") or "").split(",")
        keys = {v.upper() for k, v in req.params if k == "keys"}
        query = (req.param("query") or "").lower()
        items = [p for p in PROJECTS
                 if (not keys or p[0] in keys)
                 and (not query or query in p[0].lower() or query in p[2].lower())]
        page = items[start:start + size]
        last = start + size >= len(items)
        host = req.header("Host") or "127.0.0.1"
        body = {"self": "http://%s%s" % (host, req.raw_path), "maxResults": size,
                "startAt": start, "total": len(items), "isLast": last,
                "values": [project_obj(p, expand) for p in page]}
        if not last:
            kept = [(k, v) for k, v in req.params if k not in ("startAt",)]
            body["nextPage"] = "http://%s/rest/api/3/project/search?%s" % (
                host, urllib.parse.urlencode(kept + [("startAt", start + size)]))
        return json_response(200, body)

    # ---- GET /rest/api/3/issue/{key}/comment --------------------------------

    def _comments(self, req, key):
        issue = self.by_key.get(key.upper())
        if issue is None and key.isdigit():
            issue = next((i for i in self.issues if i.id == key), None)
        if issue is None:
            return errors(404, "Issue does not exist or you do not have permission to see it.")
        # PageOfComments {startAt, maxResults, total, comments}; maxResults
        # defaults to 5000 [spec getComments, unverified here]
        paging = self._paging(req, 5000, 5000)
        if paging is None:
            return errors(400, "The startAt and maxResults parameters must be non-negative integers.")
        start, size = paging
        items = ADF_FIXTURE_COMMENTS if issue.key == ADF_FIXTURE_ISSUE else issue.comments
        if req.param("orderBy") == "-created":
            items = list(reversed(items))
        return json_response(200, {"startAt": start, "maxResults": size, "total": len(items),
                                   "comments": items[start:start + size]})

    # ---- --summary -------------------------------------------------------------

    def summary(self):
        out = []
        for p in PROJECTS:
            mine = [i for i in self.issues if i.project[0] == p[0]]
            out.append("%s (id %s) %s: %d issues\n" % (p[0], p[1], p[2], len(mine)))
            if not mine:
                continue
            for s in STATUSES:
                out.append("  status %-12s %3d\n" % (s[0], sum(1 for i in mine if i.status == s)))
            out.append("  unassigned %d; no priority %d; with due date %d; resolved %d\n"
                       % (sum(1 for i in mine if not i.assignee),
                          sum(1 for i in mine if not i.priority),
                          sum(1 for i in mine if i.due), sum(1 for i in mine if i.resolved)))
            for l in LABELS:
                out.append("  label %-10s %3d\n" % (l, sum(1 for i in mine if l in i.labels)))
            out.append("  created %s .. %s\n" % (jira_time(mine[0].created), jira_time(mine[-1].created)))
        out.append("comments: %d in total; ENG-1 has %d\n"
                   % (sum(len(i.comments) for i in self.issues), len(self.by_key["ENG-1"].comments)))
        return "".join(out)


if __name__ == "__main__":
    serve(JiraService(), 8085)
