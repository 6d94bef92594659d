"""
linear_writes.py
    Mutations of the fake Linear (linear.py imports it).

Behaves like Linear's GraphQL API as its SDK schema describes it
(linear/linear packages/sdk/src/schema.graphql, the reference of
shared/api/README.md section 5; "[obs]" marks words taken from observed
answers):

  issueCreate(input: IssueCreateInput!): IssuePayload!
      input: teamId (required), title, description, priority (Int,
      0 none .. 4 low), estimate (Int), dueDate (TimelessDate), stateId,
      assigneeId; the issue gets the next number of its team, the team's
      Backlog state unless stateId names one of its states
  issueUpdate(id: String!, input: IssueUpdateInput!): IssuePayload!
      id: the issue's id or identifier (ENG-42); input as above but teamId
  commentCreate(input: CommentCreateInput!): CommentPayload!
      input: issueId (an id or identifier), body
  IssuePayload { success issue lastSyncId }, CommentPayload { success
  comment lastSyncId }

An input field the type does not have is refused before running (HTTP 400
GRAPHQL_VALIDATION_FAILED, as graphql-js coerces variables); a wrong value
or an unknown team, state, user or issue is an error while running (HTTP
200, data null, errors[] with INVALID_INPUT).  Fixture: a title "Not
created" answers success false without making the issue.

The change is real: a created issue is found by later queries, an update
changes it, a comment is listed under its issue.  /_reset restores the
generated issues.
"""

import time

INPUTS = {
    "IssueCreateInput": ("teamId", "title", "description", "priority", "estimate", "dueDate",
                         "stateId", "assigneeId"),
    "IssueUpdateInput": ("title", "description", "priority", "estimate", "dueDate", "stateId",
                         "assigneeId"),
    "CommentCreateInput": ("issueId", "body"),
}
PRIORITY_LABELS = ("No priority", "Urgent", "High", "Medium", "Low")


class MutationRunner:
    """The mutations of one LinearService; reset() rebuilds its issues."""

    def __init__(self, linear, service):
        self.linear = linear          # the linear module: errors, select, ...
        self.service = service
        self.written = False
        self.sync_id = 1000.0

    def reset(self):
        if self.written:
            self.service.issues = self.linear.build_issues()
            self.written = False

    def run(self, sel, ctx):
        """The data of a mutation's root fields, in order."""
        out = {}
        for alias, name, args, sub in sel:
            args = self.linear.substitute(args, ctx["vars"])
            payload = getattr(self, "_" + name)(args)
            self.sync_id += 1
            payload["lastSyncId"] = self.sync_id
            kind = "CommentPayload" if name == "commentCreate" else "IssuePayload"
            out[alias] = self.linear.select(payload, sub, kind, ctx)
        return out

    # ---- helpers ----------------------------------------------------------

    def _input(self, args, type_name):
        value = args.get("input")
        if not isinstance(value, dict):
            raise self.linear.FilterError('Variable "$input" of required type "%s!" was not '
                                          'provided.' % type_name, True)
        for field in value:
            if field not in INPUTS[type_name]:
                raise self.linear.FilterError('Field "%s" is not defined by type "%s".'
                                              % (field, type_name), True)
        return value

    def _issue(self, key):
        match = [i for i in self.service.issues if key in (i["id"], i["identifier"])]
        if not match:
            raise self.linear.FilterError("Entity not found: Issue")
        return match[0]

    def _states(self, team):
        return {i["state"]["id"]: i["state"] for i in self.service.issues if i["team"] is team}

    def _apply(self, issue, value):
        """Set the issue's fields from an input object."""
        linear = self.linear
        for field, v in value.items():
            if field in ("title", "description"):
                if v is not None and not isinstance(v, str):
                    raise linear.FilterError("Argument Validation Error: %s must be a string" % field)
                if field == "title" and not v:
                    raise linear.FilterError("Argument Validation Error: title should not be empty")
                issue[field] = v
            elif field in ("priority", "estimate"):
                if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                    # Int in the schema: 2.5 is refused as graphql-js does
                    raise linear.FilterError('Int cannot represent non-integer value: %s' % v, True)
                if field == "priority" and v is not None and not 0 <= v <= 4:
                    raise linear.FilterError("Argument Validation Error: priority must be between 0 and 4")
                issue[field] = None if v is None else float(v)
                if field == "priority":
                    issue["priorityLabel"] = PRIORITY_LABELS[int(v or 0)]
            elif field == "dueDate":
                if v is not None and (not isinstance(v, str) or
                                      linear.parse_iso8601(v + "T00:00:00Z") is None):
                    raise linear.FilterError("Argument Validation Error: invalid date %r" % (v,))
                issue["dueDate"] = v
            elif field == "stateId":
                state = self._states(issue["team"]).get(v)
                if state is None:
                    raise linear.FilterError("Entity not found: WorkflowState")
                issue["state"] = state
            elif field == "assigneeId":
                user = next((u for u in linear.USERS if u["id"] == v), None)
                if v is not None and user is None:
                    raise linear.FilterError("Entity not found: User")
                issue["assignee"] = user

    # ---- the mutations ----------------------------------------------------

    def _issueCreate(self, args):
        linear = self.linear
        value = self._input(args, "IssueCreateInput")
        team = next((t for t in linear.TEAMS if t["id"] == value.get("teamId")), None)
        if team is None:
            raise linear.FilterError("Entity not found: Team")
        if value.get("title") == "Not created":
            return {"success": False, "issue": None}
        now = time.time()
        n = int(max(i["number"] for i in self.service.issues if i["team"] is team)) + 1
        issue = {
            "id": linear.lid("issue", team["key"], n, "created"),
            "identifier": "%s-%d" % (team["key"], n), "number": float(n), "title": None,
            "description": None, "priority": 0.0, "priorityLabel": PRIORITY_LABELS[0],
            "estimate": None, "createdAt": linear.iso_ms(now), "updatedAt": linear.iso_ms(now),
            "startedAt": None, "completedAt": None, "canceledAt": None, "archivedAt": None,
            "dueDate": None, "url": "https://linear.app/acme/issue/%s-%d" % (team["key"], n),
            "state": self._states(team)[linear.lid("state", team["key"], "Backlog")],
            "team": team, "assignee": None, "creator": linear.USERS[0], "labels": [],
            "project": None, "cycle": None, "comments": [], "_created": now, "_updated": now,
        }
        self._apply(issue, {k: v for k, v in value.items() if k != "teamId"})
        self.written = True
        self.service.issues.append(issue)
        return {"success": True, "issue": issue}

    def _issueUpdate(self, args):
        value = self._input(args, "IssueUpdateInput")
        issue = self._issue(args.get("id"))
        copy = dict(issue)
        self._apply(copy, value)
        now = time.time()
        copy["updatedAt"], copy["_updated"] = self.linear.iso_ms(now), now
        self.written = True
        issue.update(copy)
        return {"success": True, "issue": issue}

    def _commentCreate(self, args):
        linear = self.linear
        value = self._input(args, "CommentCreateInput")
        issue = self._issue(value.get("issueId"))
        if not isinstance(value.get("body"), str) or not value["body"].strip():
            raise linear.FilterError("Argument Validation Error: body should not be empty")
        now = time.time()
        k = len(issue["comments"])
        comment = {"id": linear.lid("comment", issue["id"], k, "created"), "body": value["body"],
                   "createdAt": linear.iso_ms(now), "updatedAt": linear.iso_ms(now),
                   "user": linear.USERS[0], "url": issue["url"] + "#comment-%d" % k,
                   "_created": now, "issue": issue}
        self.written = True
        issue["comments"].append(comment)
        return {"success": True, "comment": comment}
