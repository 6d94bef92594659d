#!/usr/bin/env python3
"""Differential testing of saas_fdw's pushdown (issue 13).

    gen.py setup                      foreign tables and heap copies (idempotent)
    gen.py run --seed S --seconds T   random queries until T seconds have passed
    gen.py show --seed S N...         print queries N... of seed S
    gen.py explain --seed S --count N EXPLAIN (ANALYZE, VERBOSE) of N queries, as SQL

Every random query runs three ways and must give the same rows:
  on    the foreign tables, saas_fdw.pushdown = on (the default)
  off   the foreign tables, saas_fdw.pushdown = off (only key columns sent)
  heap  local heap copies of the fakes' data, made once with pushdown off
Rows are compared as multisets (count and md5 of the sorted row texts), as
lists when the query's ORDER BY is total, and as the list of sort keys
when a LIMIT follows an ORDER BY that may tie.  "heap" catches what "on"
and "off" share, such as a row that two request streams both return.  An
error must be the same SQLSTATE in every way (heap excepted: an API error
has no heap twin and is a failure).

Query N of seed S is a function of (S, N) and the fakes' data only, so a
failure is replayed with "gen.py show --seed S N".  Python 3 stdlib; psql
connects through the PG* environment.  Fake URLs: FAKE_GITHUB_URL,
FAKE_STRIPE_URL, FAKE_SLACK_URL, FAKE_LINEAR_URL, FAKE_JIRA_URL.
"""
import argparse
import datetime
import decimal
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

# ---------------------------------------------------------------------------
# KNOWN DEFECTS: query shapes left out until the fix is merged.  Each tag is
# set by the generator where it builds that shape; a query with a tag listed
# here is not run (the count of skipped queries is printed per tag).  The
# lead deletes an entry (or the whole list) once its fix is on main.
# ---------------------------------------------------------------------------
KNOWN_DEFECTS = {
}

DB_COLLATION = "ci"             # nondeterministic ICU collation made by setup

REPOS = ["octo/hello", "octo/world", "acme/widgets", "acme/empty"]
LINEAR_ISSUES = ["ENG-1", "ENG-2", "DES-3", "OPS-5", "OPS-11"]
CHANNELS = ["C01GENERAL", "C02RANDOM", "C03ENGINEERING", "C04SECRET",
            "C05ARCHIVED", "D08DIRECT", "G09GROUPDM"]


class Table:
    """A foreign table as the generator sees it (from src/services/*.c)."""

    def __init__(self, service, name, keys=(), single=None, pushed=(),
                 sorts=(), unique=("id",), declared=None):
        self.service, self.name = service, name
        # a table the user declares with types of their own:
        # (resource, column definitions, heap copy's WHERE)
        self.declared = declared
        self.keys = list(keys)          # key columns (name the request)
        self.single = single            # the single-object key column
        self.pushed = set(pushed)       # columns with a pushdown rule
        self.sorts = dict(sorts)        # column -> directions the API sorts by
        self.unique = list(unique)      # a total order
        self.columns = []               # (name, type), filled by load()
        self.rows = []                  # the heap copy's rows, as dicts
        self.key_tuples = []            # valid values of the key columns

    def foreign(self):
        return "d_%s.%s" % (self.service, self.name)

    def heap(self):
        return "h_%s.%s" % (self.service, self.name)

    def retyped(self, column):
        """Is column declared with a type other than IMPORT's?"""
        return self.declared is not None and \
            re.search(r'(^|, )"?%s"? (?!text(,|$)|timestamptz(,|$))' % column, self.declared[1])

    def pushable(self, column):
        return column in self.pushed or column in self.keys or column == self.single


TABLES = [
    Table("github", "issues", keys=["repo"], single="number",
          pushed=["state", "user_login", "assignees", "labels", "milestone",
                  "updated_at"],
          sorts={"created_at": "ad", "updated_at": "ad", "comments": "ad"},
          unique=["repo", "number"]),
    Table("github", "issue_comments", keys=["repo", "issue_number"],
          pushed=["updated_at"], sorts={"id": "a"}, unique=["id"]),
    Table("stripe", "charges", single="id",
          pushed=["created", "customer", "payment_intent"], sorts={"created": "d"}),
    Table("stripe", "customers", single="id", pushed=["created", "email"],
          sorts={"created": "d"}),
    Table("stripe", "refunds", single="id",
          pushed=["created", "charge", "payment_intent"], sorts={"created": "d"}),
    Table("stripe", "invoices", single="id",
          pushed=["created", "due_date", "customer", "subscription", "status",
                  "collection_method"], sorts={"created": "d"}),
    Table("slack", "channels", pushed=["is_archived", "is_private", "is_im", "is_mpim"]),
    Table("slack", "messages", keys=["channel"], pushed=["ts", "ts_time"],
          unique=["channel", "ts"]),
    Table("slack", "replies", keys=["channel", "thread_ts"], pushed=["ts", "ts_time"],
          unique=["channel", "thread_ts", "ts"]),
    Table("slack", "users"),
    Table("linear", "issues",
          pushed=["id", "number", "title", "priority", "estimate", "state_name", "state_type",
                  "team_key", "assignee_email", "creator_email", "labels", "project_name",
                  "cycle_number", "created_at", "updated_at", "started_at", "completed_at",
                  "canceled_at", "due_date"]),
    Table("linear", "teams"),
    Table("linear", "projects"),
    Table("linear", "users"),
    Table("linear", "comments", keys=["issue_id"], unique=["issue_id", "id"]),
    # declared by a user, with types of their own (issue 13 #2)
    Table("github", "issues_typed", keys=["repo"], single="number",
          pushed=["state", "user_login", "labels", "milestone", "updated_at"],
          sorts={"created_at": "ad", "comments": "ad"}, unique=["repo", "number"],
          declared=("issues", "repo text, number bigint, title varchar, state varchar(10), "
                    "user_login varchar, labels varchar[], milestone bigint, comments smallint, "
                    "created_at timestamp, updated_at timestamp, closed_at date, locked text",
                    "repo IN ('octo/hello', 'octo/world', 'acme/widgets', 'acme/empty')")),
    Table("stripe", "charges_typed", single="id", pushed=["created", "customer"],
          sorts={"created": "d"},
          declared=("charges", "id varchar, amount numeric, created timestamptz, "
                    "customer varchar(20), status varchar, refunded text", "true")),
    Table("slack", "messages_typed", keys=["channel"], pushed=["ts", "ts_time"],
          unique=["channel", "ts"],
          declared=("messages", 'channel text, ts numeric, ts_time timestamptz, "user" varchar, '
                    "thread_ts varchar, reply_count bigint",
                    "channel IN ('C01GENERAL', 'C02RANDOM', 'D08DIRECT')")),
    # bounded by its table option jql (a search needs a condition); its
    # ORs and NOTs are JQL's boolean trees
    Table("jira", "issues",
          pushed=["project_key", "key", "status", "issue_type", "priority",
                  "assignee_account_id", "reporter_account_id", "labels", "components",
                  "fix_versions", "created", "updated", "resolution_date"],
          sorts={"created": "ad", "updated": "ad"}, unique=["key"]),
]
BY_NAME = {t.service + "." + t.name: t for t in TABLES}

# GitHub matches these without case (the fake follows the API)
CASELESS = {("github", "repo"), ("github", "user_login")}


# ---------------------------------------------------------------------------
# psql
# ---------------------------------------------------------------------------
def psql(sql, check=True, stop=None):
    """Run sql (a script) with psql; return stdout, stderr, status.  check:
    exit on a failure; stop: stop at the first error (default: check)."""
    stop = check if stop is None else stop
    p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v",
                        "ON_ERROR_STOP=%d" % (1 if stop else 0), "-f", "-"],
                       input=sql, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit("psql failed (%d): %s\n%s" % (p.returncode, p.stderr, sql[:2000]))
    return p.stdout, p.stderr, p.returncode


def setup():
    """Servers, imported foreign tables, heap copies; nothing if they exist."""
    out, _, _ = psql("SELECT to_regclass('h_github.setup_done') IS NOT NULL;")
    if out.strip() == "t":
        return
    gh, st, sl, li = (os.environ[v] for v in ("FAKE_GITHUB_URL", "FAKE_STRIPE_URL",
                                              "FAKE_SLACK_URL", "FAKE_LINEAR_URL"))
    sl += "/api"
    sql = ["SET client_min_messages = warning;",
           "CREATE EXTENSION IF NOT EXISTS saas_fdw;",
           "CREATE COLLATION IF NOT EXISTS %s (provider = icu, "
           "locale = 'und-u-ks-level2', deterministic = false);" % DB_COLLATION]
    for service, url, token in (("github", gh, "ghp_test"), ("stripe", st, "sk_test_123"),
                                ("slack", sl, "xoxb-test"), ("linear", li, "lin_api_test")):
        sql += ["DROP SERVER IF EXISTS d_%s CASCADE;" % service,
                "DROP SCHEMA IF EXISTS d_%s CASCADE;" % service,
                "DROP SCHEMA IF EXISTS h_%s CASCADE;" % service,
                # a long cache_ttl: the data is static, and the "off" runs
                # ask for the same pages again and again
                "CREATE SERVER d_%s FOREIGN DATA WRAPPER saas_fdw OPTIONS "
                "(service '%s', base_url '%s', cache_ttl '3600');" % (service, service, url),
                "CREATE USER MAPPING FOR CURRENT_USER SERVER d_%s OPTIONS (token '%s');"
                % (service, token),
                "CREATE SCHEMA d_%s; CREATE SCHEMA h_%s;" % (service, service),
                "IMPORT FOREIGN SCHEMA %s FROM SERVER d_%s INTO d_%s;" % (service, service, service)]
    sql += ["DROP SERVER IF EXISTS d_jira CASCADE;",
            "DROP SCHEMA IF EXISTS d_jira CASCADE;",
            "DROP SCHEMA IF EXISTS h_jira CASCADE;",
            "CREATE SERVER d_jira FOREIGN DATA WRAPPER saas_fdw OPTIONS "
            "(service 'jira', base_url '%s', cache_ttl '3600');"
            % os.environ.get("FAKE_JIRA_URL", "http://127.0.0.1:8085"),
            "CREATE USER MAPPING FOR CURRENT_USER SERVER d_jira "
            "OPTIONS (user 'fdw@example.com', token 'jira_token_1');",
            "CREATE SCHEMA d_jira; CREATE SCHEMA h_jira;",
            "IMPORT FOREIGN SCHEMA jira LIMIT TO (issues) FROM SERVER d_jira INTO d_jira;",
            "ALTER FOREIGN TABLE d_jira.issues OPTIONS (ADD jql 'project in (ENG, OPS)');"]
    sql += ["SET saas_fdw.pushdown = off;",
            "CREATE TABLE h_jira.issues AS SELECT * FROM d_jira.issues;",
            "CREATE TABLE h_github.issues AS SELECT * FROM d_github.issues WHERE repo IN (%s);"
            % ", ".join(lit_text(r) for r in REPOS),
            "CREATE TABLE h_github.issue_comments AS SELECT * FROM d_github.issue_comments LIMIT 0;",
            """DO $$ DECLARE i record; BEGIN
                 FOR i IN SELECT repo, number FROM h_github.issues WHERE comments > 0 LOOP
                   EXECUTE format('INSERT INTO h_github.issue_comments SELECT * FROM d_github.issue_comments WHERE repo = %L AND issue_number = %s', i.repo, i.number);
                 END LOOP; END $$;"""]
    for name in ("charges", "customers", "refunds", "invoices"):
        sql.append("CREATE TABLE h_stripe.%s AS SELECT * FROM d_stripe.%s;" % (name, name))
    sql += ["CREATE TABLE h_slack.channels AS SELECT * FROM d_slack.channels;",
            "CREATE TABLE h_slack.messages AS SELECT * FROM d_slack.messages WHERE channel IN (%s);"
            % ", ".join(lit_text(c) for c in CHANNELS),
            "CREATE TABLE h_slack.replies AS SELECT * FROM d_slack.replies LIMIT 0;",
            """DO $$ DECLARE m record; BEGIN
                 FOR m IN SELECT channel, ts FROM h_slack.messages WHERE reply_count > 0 LOOP
                   EXECUTE format('INSERT INTO h_slack.replies SELECT * FROM d_slack.replies WHERE channel = %L AND thread_ts = %L', m.channel, m.ts);
                 END LOOP; END $$;""",
            "CREATE TABLE h_slack.users AS SELECT * FROM d_slack.users;"]
    for name in ("issues", "teams", "projects", "users"):
        sql.append("CREATE TABLE h_linear.%s AS SELECT * FROM d_linear.%s;" % (name, name))
    sql += ["CREATE TABLE h_linear.comments AS SELECT * FROM d_linear.comments "
            "WHERE issue_id IN (%s);" % ", ".join(lit_text(i) for i in LINEAR_ISSUES)]
    psql("\n".join(sql))
    for t in TABLES:
        if t.declared is None:
            continue
        resource, columns, where = t.declared
        _, err, rc = psql("SET saas_fdw.pushdown = off;\n"
                          "CREATE FOREIGN TABLE %s (%s) SERVER d_%s OPTIONS (resource '%s');\n"
                          "CREATE TABLE %s AS SELECT * FROM %s WHERE %s;"
                          % (t.foreign(), columns, t.service, resource, t.heap(), t.foreign(), where),
                          check=False, stop=True)
        if rc != 0:
            # an API value the declared type cannot take: say so, go on
            print("# %s left out: %s" % (t.foreign(), err.strip()[:300]))
            psql("DROP FOREIGN TABLE IF EXISTS %s;" % t.foreign())
    psql("ANALYZE; CREATE TABLE h_github.setup_done ();")


def load():
    """Read the heap copies (rows and column types) into TABLES."""
    global TABLES
    out, _, _ = psql("SELECT string_agg(c, ' ') FROM unnest(ARRAY[%s]) c WHERE to_regclass(c) IS NOT NULL;"
                     % ", ".join(lit_text(t.heap()) for t in TABLES))
    TABLES = [t for t in TABLES if t.heap() in out.split()]
    parts = []
    for t in TABLES:
        parts.append("SELECT %s, json_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod) "
                     "ORDER BY a.attnum)::text FROM pg_attribute a WHERE a.attrelid = '%s'::regclass "
                     "AND a.attnum > 0 AND NOT a.attisdropped;" % (lit_text(t.name), t.foreign()))
        parts.append("SELECT %s, coalesce(json_agg(to_jsonb(r) - 'attrs' - 'metadata' "
                     "ORDER BY %s), '[]')::text FROM %s r;"
                     % (lit_text(t.name), ", ".join(t.unique), t.heap()))
    out, _, _ = psql("SET timezone = 'UTC';\n" + "\n".join(parts))
    lines = out.splitlines()
    for i, t in enumerate(TABLES):
        cols = json.loads(lines[2 * i].split("\t", 1)[1])
        t.columns = [tuple(c.split(":", 1)) for c in cols]
        t.rows = json.loads(lines[2 * i + 1].split("\t", 1)[1], parse_float=decimal.Decimal)
    BY_NAME["github.issues"].key_tuples = [(r,) for r in REPOS]
    BY_NAME["github.issue_comments"].key_tuples = [
        (r["repo"], r["number"]) for r in BY_NAME["github.issues"].rows
        if r["comments"] > 0 or r["number"] % 17 == 0]
    BY_NAME["slack.messages"].key_tuples = [(c,) for c in CHANNELS]
    if "github.issues_typed" in BY_NAME and BY_NAME["github.issues_typed"] in TABLES:
        BY_NAME["github.issues_typed"].key_tuples = [(r,) for r in REPOS]
    if "slack.messages_typed" in BY_NAME and BY_NAME["slack.messages_typed"] in TABLES:
        BY_NAME["slack.messages_typed"].key_tuples = [("C01GENERAL",), ("C02RANDOM",), ("D08DIRECT",)]
    BY_NAME["linear.comments"].key_tuples = [(i,) for i in LINEAR_ISSUES]
    BY_NAME["slack.replies"].key_tuples = [
        (r["channel"], r["ts"]) for r in BY_NAME["slack.messages"].rows
        if (r["reply_count"] or 0) > 0]


# ---------------------------------------------------------------------------
# Literals and values
# ---------------------------------------------------------------------------
def lit_text(s):
    return "'" + str(s).replace("'", "''") + "'"


def parse_ts(s):
    return datetime.datetime.fromisoformat(s)


def fmt_ts(d):
    return d.isoformat()


def literal(value, typ):
    """A SQL literal of the column's type."""
    if value is None:
        return "NULL::" + typ
    if typ in ("integer", "bigint", "smallint"):
        return str(value)
    if typ == "boolean":
        return "true" if value else "false"
    if typ.endswith("[]"):
        return "ARRAY[%s]::%s" % (", ".join(lit_text(v) for v in value), typ) if value else \
            "'{}'::" + typ
    if typ == "timestamp with time zone":
        return lit_text(value) + "::timestamptz"
    return lit_text(value)


class Query:
    """One generated query: SQL with {t0}, {t1} for the tables."""

    def __init__(self):
        self.tags = set()
        self.params = []        # (type, literal) of $1, $2, ...
        self.compare = "multiset"       # or "ordered"
        self.sql = ""
        self.tables = []


class Gen:
    def __init__(self, seed, n):
        self.rng = random.Random("%s:%d" % (seed, n))
        self.q = Query()

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def chance(self, p):
        return self.rng.random() < p

    # -- values -------------------------------------------------------------
    def sample(self, table, column, typ):
        """A value for column: one from the data, or a boundary."""
        values = [r.get(column) for r in table.rows]
        values = [v for v in values if v is not None] or [None]
        r = self.rng.random()
        if typ.endswith("[]"):
            flat = sorted({x for v in values if v for x in v}) or ["bug"]
            if r < 0.1:
                return [self.pick(flat).upper()]
            return self.rng.sample(flat, min(len(flat), self.rng.randint(0, 2)))
        if r < 0.7 or typ == "boolean":
            return self.pick(values)
        if typ in ("integer", "bigint", "smallint"):
            ints = [v for v in values if isinstance(v, int)] or [0]
            return self.pick([min(ints) - 1, max(ints) + 1, 0, -1, 2147483647,
                              -2147483648, min(ints), max(ints)])
        if typ == "timestamp with time zone":
            d = parse_ts(self.pick(values)) if values[0] is not None else \
                datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
            shift = self.pick([datetime.timedelta(microseconds=1),
                               -datetime.timedelta(microseconds=1),
                               datetime.timedelta(milliseconds=500),
                               -datetime.timedelta(milliseconds=500),
                               datetime.timedelta(days=400)])
            return fmt_ts(d + shift)
        v = str(self.pick(values))
        if typ == "text" and r < 0.8:
            return self.pick([v.upper(), v.lower(), v + "x", v[:-1], "", "%"])
        return v

    def value_expr(self, table, column, typ, value, allow_param=True):
        """value as SQL: a literal, a cast literal, or a parameter."""
        lit = literal(value, typ)
        if column == "milestone" and isinstance(value, int) and value < 0:
            self.q.tags.add("negative_milestone")
        if value is not None and allow_param and self.chance(0.12):
            self.q.params.append((typ, lit))
            return "$%d" % len(self.q.params)
        if value is not None and typ in ("integer", "bigint") and self.chance(0.2):
            # (numeric casts the column: never pushed, so not for a key)
            return self.pick(["%s::bigint" % value, "%s::smallint" % value
                              if -32768 <= value <= 32767 else "%s::bigint" % value,
                              "'%s'" % value] +
                             (["%s::numeric" % value] if column not in table.keys else []))
        if value is not None and typ == "text" and self.chance(0.1):
            return "%s::varchar" % lit
        return lit

    # -- quals ----------------------------------------------------------------
    def ts_special(self, table, column):
        """An infinite or out-of-range bound (issue 13 #16)."""
        v = self.pick(["'infinity'", "'-infinity'", "'4713-01-01 BC'", "'294276-12-31'",
                       "'0001-01-01'"])
        if table.pushable(column):
            self.q.tags.add("infinite_ts")
        return v + "::timestamptz"

    def qual(self, table, alias, avoid=()):
        """A random qual on a column that is not a key column (nor in avoid)."""
        columns = [c for c in table.columns if c[1] != "jsonb" and c[0] not in table.keys
                   and c[0] not in avoid]
        column, typ = self.pick(columns + [c for c in columns if table.pushable(c[0])] * 2)
        col = "%s.%s" % (alias, quote_ident(column))
        if column == table.single:
            self.q.has_single = True
        if table.pushable(column) and table.retyped(column):
            self.q.tags.add("user_type")
        r = self.rng.random()
        if r < 0.1 or (column == "milestone" and r < 0.3):
            return "%s IS %sNULL" % (col, self.pick(["", "NOT "]))
        if typ == "boolean":
            return self.pick(["%s", "NOT %s", "%s IS TRUE", "%s IS FALSE", "%s IS NOT TRUE",
                              "%s IS NOT FALSE", "%s = true", "%s = false",
                              "%s IS UNKNOWN"]) % col
        if typ.endswith("[]"):
            v = self.sample(table, column, typ)
            one = v[0] if v else "bug"
            return self.pick(["%s = ANY (%s)" % (lit_text(one), col),
                              "%s @> %s" % (col, literal(v, typ)),
                              "%s && %s" % (col, literal(v, typ)),
                              "%s = %s" % (col, literal(v, typ)),
                              "cardinality(%s) = 0" % col,
                              "%s = ANY (%s)" % (self.value_expr(table, column, "text", one), col)])
        if typ == "timestamp with time zone" and self.chance(0.08):
            return "%s %s %s" % (col, self.pick(["<", "<=", ">", ">=", "="]),
                                 self.ts_special(table, column))
        if self.chance(0.15):
            values = [self.sample(table, column, typ) for _ in range(self.rng.randint(1, 4))]
            values = [v for v in values if v is not None] or [self.sample(table, column, typ)]
            neg = self.chance(0.2)
            self.note_in_list(table, column, values, neg)
            return "%s %sIN (%s)" % (col, "NOT " if neg else "",
                                     ", ".join(literal(v, typ) for v in values))
        v = self.sample(table, column, typ)
        if v is None:
            return "%s IS NULL" % col
        if typ == "timestamp with time zone" and self.chance(0.1):
            other = self.sample(table, column, typ)
            return "%s BETWEEN %s AND %s" % (col, literal(min(v, other), typ),
                                             literal(max(v, other), typ))
        if typ == "text" and self.chance(0.15):
            return self.collated(table, column, col, v)
        if typ == "text" and self.chance(0.08):
            return "%s %s %s" % (col, self.pick(["LIKE", "ILIKE"]), lit_text(v[:3] + "%"))
        if typ == "timestamp with time zone" and self.chance(0.08):
            # cross-type comparisons: never pushed, must still be right
            return "%s %s %s::%s" % (col, self.pick(["<", ">=", "="]), lit_text(v),
                                     self.pick(["date", "timestamp"]))
        op = self.pick(["=", "=", "=", "<>", "<", "<=", ">", ">="])
        return "%s %s %s" % (col, op, self.value_expr(table, column, typ, v))

    def collated(self, table, column, col, v):
        coll = self.pick(['"C"', '"default"', DB_COLLATION, '"C"'])
        if coll == DB_COLLATION and table.pushable(column):
            self.q.tags.add("collate_pushed")
        op = self.pick(["=", "=", "<", ">=", "<>"])
        if self.chance(0.5):
            return "%s %s %s COLLATE %s" % (col, op, lit_text(v), coll)
        return "%s COLLATE %s %s %s" % (col, coll, op, lit_text(v))

    def note_in_list(self, table, column, values, negated):
        if column == "milestone" and any(isinstance(v, int) and v < 0 for v in values):
            self.q.tags.add("negative_milestone")
        if negated or len(values) < 2:
            return
        if len({v if not isinstance(v, list) else tuple(v) for v in values}) < len(values) or \
                (table.pushable(column) and "" in values) or \
                ((table.service, column) in CASELESS and
                 len({str(v).lower() for v in values}) < len({str(v) for v in values})):
            self.q.tags.add("in_values_alike")
        if table.pushable(column) and column != table.single:
            self.q.multi_pushed = True

    # -- keys -----------------------------------------------------------------
    def key_quals(self, table, alias):
        """Quals that give every key column a value (a valid one)."""
        if not table.keys:
            return []
        tuples = table.key_tuples
        first = self.pick(tuples)
        quals = []
        shape = self.rng.random()
        for i, k in enumerate(table.keys):
            col = "%s.%s" % (alias, k)
            typ = dict(table.columns)[k]
            last = i == len(table.keys) - 1
            if last and shape < 0.25:
                # an IN list on the last key, with the same leading keys
                same = [t for t in tuples if t[:i] == first[:i]]
                values = [t[i] for t in self.rng.sample(same, min(len(same), self.rng.randint(2, 3)))]
                if table.service == "github" and self.chance(0.2):
                    values.append(str(values[0]).upper() if typ == "text" else values[0])
                self.note_in_list(table, k, values, False)
                if self.chance(0.3):
                    self.q.params.append((typ + "[]", "ARRAY[%s]::%s[]" % (
                        ", ".join(literal(v, typ) for v in values), typ)))
                    quals.append("%s = ANY ($%d)" % (col, len(self.q.params)))
                else:
                    quals.append("%s IN (%s)" % (col, ", ".join(literal(v, typ) for v in values)))
                    if len(values) > 1:
                        self.q.multi_pushed = True
            elif shape < 0.35:
                # an InitPlan gives the value
                quals.append("%s = (SELECT %s)" % (col, literal(first[i], typ)))
                self.q.tags.add("explain_analyze_param")
            elif shape < 0.4 and typ == "text":
                quals.append(self.collated_key(table, k, col, first[i]))
            else:
                quals.append("%s = %s" % (col, self.value_expr(table, k, typ, first[i])))
        return quals

    def collated_key(self, table, column, col, v):
        """A key under a deterministic collation (under a nondeterministic
        one it cannot be sent, and the query needs a value for the key)."""
        return "%s = %s COLLATE %s" % (col, lit_text(v), self.pick(['"C"', '"default"']))

    def single_qual(self, table, alias):
        """number = n / id = x: the single-object lookup."""
        typ = dict(table.columns)[table.single]
        v = self.sample(table, table.single, typ)
        if v is None:
            return None
        if typ == "integer" and self.chance(0.2):
            v = self.pick([0, 9999, -1])        # no such item
        self.q.has_single = True
        if table.retyped(table.single):
            self.q.tags.add("user_type")
        return "%s.%s = %s" % (alias, table.single, self.value_expr(table, table.single, typ, v))

    # -- whole queries --------------------------------------------------------
    def scan(self, table, alias):
        quals = self.key_quals(table, alias)
        if table.single and self.chance(0.2):
            q = self.single_qual(table, alias)
            if q:
                quals.append(q)
        for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3])):
            quals.append(self.qual(table, alias))
        if len(quals) > len(table.keys) + 1 and self.chance(0.15):
            a, b = quals.pop(), quals.pop()
            quals.append("(%s OR %s)" % (a, b))
        if quals and len(quals) > len(table.keys) and self.chance(0.05):
            quals.append("NOT (%s)" % quals.pop())
        return quals

    def generate(self):
        q = self.q
        q.multi_pushed = False
        q.has_single = False
        kind = self.rng.random()
        if kind < 0.15:
            self.join()
        else:
            self.single_table(kind)
        if q.multi_pushed and q.has_single:
            q.tags.add("in_beside_single")
        return q

    def single_table(self, kind):
        q = self.q
        t = self.pick(TABLES)
        q.tables = [t]
        quals = self.scan(t, "t")
        where = " WHERE " + " AND ".join(quals) if quals else ""
        cols = [c for c, _ in t.columns]
        if self.chance(0.3):
            target = "t.*"
        else:
            target = ", ".join("t." + quote_ident(c) for c in
                               self.rng.sample(cols, self.rng.randint(1, min(5, len(cols)))))
        if kind < 0.45 and t.sorts:
            # the API's own order, then a LIMIT: the sort keys are compared
            col = self.pick(t.sorts)
            desc = self.pick(t.sorts[col]) == "d"
            q.sql = "SELECT t.%s FROM {t0} t%s ORDER BY t.%s%s LIMIT %d" % (
                col, where, col, " DESC" if desc else "", self.pick([1, 2, 5, 30, 101, 1000]))
            q.compare = "ordered"
        elif kind < 0.6:
            desc = " DESC" if self.chance(0.5) else ""
            order = ", ".join("t.%s%s" % (c, desc) for c in t.unique)
            limit = " LIMIT %d" % self.pick([1, 3, 50, 200]) if self.chance(0.5) else ""
            offset = " OFFSET %d" % self.pick([1, 10]) if limit and self.chance(0.3) else ""
            q.sql = "SELECT %s FROM {t0} t%s ORDER BY %s%s%s" % (target, where, order, limit, offset)
            q.compare = "ordered"
        elif kind < 0.7:
            q.sql = "SELECT count(*) FROM (SELECT 1 FROM {t0} t%s LIMIT %d) s" % (
                where, self.pick([1, 7, 100]))
        elif kind < 0.78:
            col = self.pick(cols[:-1])
            q.sql = "SELECT t.%s, count(*) FROM {t0} t%s GROUP BY 1" % (quote_ident(col), where)
        else:
            q.sql = "SELECT %s FROM {t0} t%s" % (target, where)

    def join(self):
        q = self.q
        shape = self.pick(["issue_comments", "replies", "values_repo", "charge_refunds",
                           "customer_charges"])
        if shape == "issue_comments":
            a, b = BY_NAME["github.issues"], BY_NAME["github.issue_comments"]
            quals = ["i.repo = %s" % lit_text(self.pick(["octo/world", "acme/widgets"]))]
            # not on number: through the join it becomes a key of the
            # comments, and a number with no issue is a 404 (see the report)
            quals += [self.qual(a, "i", avoid=("number",)) for _ in range(self.rng.randint(0, 2))]
            quals += [self.qual(b, "c") for _ in range(self.rng.randint(0, 1))]
            q.sql = ("SELECT i.number, c.id, c.user_login FROM {t0} i JOIN {t1} c "
                     "ON c.repo = i.repo AND c.issue_number = i.number WHERE " + " AND ".join(quals))
        elif shape == "replies":
            a, b = BY_NAME["slack.messages"], BY_NAME["slack.replies"]
            quals = ["m.channel = %s" % lit_text(self.pick(["C01GENERAL", "C03ENGINEERING",
                                                            "C04SECRET"])),
                     "m.reply_count > 0"]
            quals += [self.qual(b, "r") for _ in range(self.rng.randint(0, 2))]
            q.sql = ("SELECT m.ts, r.ts, r.\"user\" FROM {t0} m JOIN {t1} r "
                     "ON r.channel = m.channel AND r.thread_ts = m.ts WHERE " + " AND ".join(quals))
        elif shape == "values_repo":
            a = BY_NAME["github.issues"]
            b = None
            repos = self.rng.sample(REPOS, self.rng.randint(1, 3))
            quals = [self.qual(a, "i") for _ in range(self.rng.randint(0, 2))]
            q.sql = ("SELECT i.repo, i.number, i.state FROM (VALUES %s) v(r) JOIN {t0} i ON i.repo = v.r%s"
                     % (", ".join("(%s)" % lit_text(r) for r in repos),
                        " WHERE " + " AND ".join(quals) if quals else ""))
        elif shape == "charge_refunds":
            a, b = BY_NAME["stripe.charges"], BY_NAME["stripe.refunds"]
            quals = [self.qual(a, "c") for _ in range(self.rng.randint(1, 2))]
            q.sql = ("SELECT c.id, r.id, r.amount FROM {t0} c %s JOIN {t1} r ON r.charge = c.id WHERE "
                     % self.pick(["", "LEFT"]) + " AND ".join(quals))
        else:
            a, b = BY_NAME["stripe.customers"], BY_NAME["stripe.charges"]
            quals = [self.qual(a, "u") for _ in range(self.rng.randint(1, 2))]
            q.sql = ("SELECT u.id, c.id FROM {t0} u JOIN {t1} c ON c.customer = u.id WHERE "
                     + " AND ".join(quals))
        q.tables = [a] + ([b] if b else [])
        # an outer side feeds a key: a parameterized scan
        q.tags.add("explain_analyze_param")
        if self.chance(0.3):
            q.sql += " ORDER BY 1, 2 LIMIT %d" % self.pick([3, 20])
            q.compare = "ordered"


def quote_ident(c):
    return '"%s"' % c if c in ("user", "type", "number", "name", "text") else c


def generate(seed, n):
    return Gen(seed, n).generate()


def resolve(q, heap):
    """q's SQL over the foreign tables or the heap copies."""
    sql = q.sql
    for i, t in enumerate(q.tables):
        sql = sql.replace("{t%d}" % i, t.heap() if heap else t.foreign())
    return sql


def render(q, heap, tag):
    """The statements that run q and print its result line."""
    sql = resolve(q, heap)
    if q.compare == "ordered":
        wrapped = ("SELECT 'R', %d, count(*), coalesce(md5(string_agg(x::text, E'\\n' ORDER BY n)), '-') "
                   "FROM (SELECT x, row_number() OVER () AS n FROM (%s) x) y" % (tag, sql))
    else:
        wrapped = ("SELECT 'R', %d, count(*), coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '-') "
                   "FROM (%s) x" % (tag, sql))
    out = []
    if q.params:
        out.append("PREPARE p%d(%s) AS %s;" % (tag, ", ".join(t for t, _ in q.params), wrapped))
        out.append("EXECUTE p%d(%s);" % (tag, ", ".join(v for _, v in q.params)))
    else:
        out.append(wrapped + ";")
    out.append("\\if :ERROR\n\\echo 'E' %d :LAST_ERROR_SQLSTATE :'LAST_ERROR_MESSAGE'\n\\endif" % tag)
    if q.params:
        out.append("DEALLOCATE p%d;" % tag)
    return "\n".join(out)


def plain_sql(q, heap=False):
    """q as one statement a person can paste (parameters as PREPARE/EXECUTE)."""
    sql = resolve(q, heap)
    if q.params:
        return "PREPARE p(%s) AS %s; EXECUTE p(%s);" % (
            ", ".join(t for t, _ in q.params), sql, ", ".join(v for _, v in q.params))
    return sql + ";"


SESSION = ("SET timezone = 'UTC'; SET statement_timeout = '20s'; SET saas_fdw.read_ahead = 1;\n"
           "SET plan_cache_mode = force_generic_plan;\n\\set VERBOSITY terse\n")


def run_batch(queries, mode):
    """Run (n, query) pairs one way; return {n: result line fields}."""
    script = [SESSION, "SET saas_fdw.pushdown = %s;" % ("off" if mode == "off" else "on")]
    for n, q in queries:
        script.append(render(q, mode == "heap", n))
    out, err, rc = psql("\n".join(script), check=False)
    results = {}
    for line in out.splitlines():
        if line.startswith("R\t"):
            _, n, count, digest = line.split("\t")
            results[int(n)] = ("rows", count, digest)
        elif line.startswith("E "):
            parts = line.split(" ", 3)
            results[int(parts[1])] = ("error", parts[2], parts[3] if len(parts) > 3 else "")
    return results, err, rc


def rows_of(q, mode):
    """The rows of q one way, as sorted text lines (for a failure report)."""
    body = plain_sql(q, heap=mode == "heap")
    out, err, _ = psql(SESSION + "SET saas_fdw.pushdown = %s;\n%s" %
                       ("off" if mode == "off" else "on", body), check=False)
    return out.splitlines(), err.strip()


def same(a, b):
    if a is None or b is None:
        return False
    if a[0] == "error" or b[0] == "error":
        return a[0] == b[0] and a[1] == b[1]
    return a[1:] == b[1:]


def report(seed, n, q, res):
    print("not ok - differential query %d of seed %s" % (n, seed))
    print("#   replay: python3 test/differential/gen.py show --seed %s %d" % (seed, n))
    print("#   query:  %s" % plain_sql(q))
    print("#   compare: %s; tags: %s" % (q.compare, ", ".join(sorted(q.tags)) or "-"))
    for mode in ("on", "off", "heap"):
        print("#   %-4s -> %s" % (mode, res.get(mode, "no result (backend crash or psql stopped)")))
    lines = {}
    for mode in ("on", "off", "heap"):
        lines[mode], err = rows_of(q, mode)
        if err:
            print("#   %s stderr: %s" % (mode, err[:300]))
    for a, b in (("on", "off"), ("off", "heap")):
        extra = sorted(set(lines[a]) - set(lines[b]))[:5]
        missing = sorted(set(lines[b]) - set(lines[a]))[:5]
        for line in extra:
            print("#   only %s: %s" % (a, line[:200]))
        for line in missing:
            print("#   only %s: %s" % (b, line[:200]))


# Every pushdown rule (src/services/*.c), as it shows in a fake's request
# log: a run that never sent one of them did not test it.
RULES = {
    "github": [r"[?&]state=(open|closed)(&|$)", r"[?&]creator=", r"[?&]assignee=",
               r"[?&]labels=", r"[?&]milestone=\d", r"[?&]milestone=none",
               r"[?&]milestone=(\*|%2A)", r"[?&]since=", r"sort=created&direction=asc",
               r"sort=created&direction=desc", r"sort=updated", r"sort=comments",
               r"/issues/\d+(\?|$)", r"/comments\?since=", r"[?&]per_page=([1-9]|[1-9]\d)(&|$)"],
    "stripe": [r"[?&]created=\d", r"created\[gt\]=", r"created\[gte\]=", r"created\[lt\]=",
               r"created\[lte\]=", r"[?&]customer=", r"[?&]payment_intent=", r"[?&]charge=",
               r"[?&]email=", r"[?&]status=", r"[?&]collection_method=", r"[?&]subscription=",
               r"due_date\[", r"/v1/charges/ch_", r"[?&]limit=([1-9]|[1-9]\d)(&|$)"],
    "linear": [r'"team":\{"key":\{"eq"', r'"state":\{"(name|type)":\{"(eq|in)"',
               r'"labels":\{"some":\{"name"', r'"null":(true|false)', r'"number":\{"(lt|lte|gt|gte)"',
               r'"createdAt":\{"(lt|lte|gt|gte)"', r'"updatedAt":\{"(lt|lte|gt|gte)"',
               r'"priority":\{"(eq|in)"', r'"(eq|in)":\[?"', r'"issue_id":"',
               r'"first":([1-9]|[1-9]\d)[,}]'],
    "slack": [r"[?&]oldest=", r"[?&]latest=", r"inclusive=true", r"exclude_archived=true",
              r"types=im(&|$)", r"types=private_channel(,|%2C)mpim", r"types=public_channel(,|%2C)im"],
}


def fake_log(service, clear=True):
    """The request log of a fake API server (and clear it)."""
    import urllib.request
    base = os.environ["FAKE_%s_URL" % service.upper()]
    with urllib.request.urlopen(base + "/_log" + ("?clear=1" if clear else ""), timeout=10) as r:
        return r.read().decode()


def uncovered_rules():
    """The pushdown rules no request since the last clear used."""
    missing = []
    for service, rules in RULES.items():
        log = fake_log(service)
        missing += ["%s %s" % (service, rule) for rule in rules
                    if not re.search(rule, log, re.M)]
    return missing


def cmd_run(args):
    setup()
    load()
    for service in RULES:
        fake_log(service)
    started = time.time()
    print("# differential: seed %s, %d seconds" % (args.seed, args.seconds))
    n = ran = failed = 0
    skipped = {}
    batch_size = args.batch
    while time.time() - started < args.seconds:
        batch = []
        while len(batch) < batch_size:
            q = generate(args.seed, n)
            known = [] if args.include_known else \
                sorted(q.tags & set(KNOWN_DEFECTS) - {"explain_analyze_param"})
            if known:
                for tag in known:
                    skipped[tag] = skipped.get(tag, 0) + 1
            else:
                batch.append((n, q))
            n += 1
        results = {}
        for mode in ("on", "off", "heap"):
            results[mode], err, rc = run_batch(batch, mode)
            if rc != 0:
                print("# psql (%s) ended with status %d: %s" % (mode, rc, err[-500:]))
        for i, q in batch:
            res = {m: results[m].get(i) for m in results}
            if res["on"] and res["on"][0] == "error" and res["on"][1] == "57014":
                continue        # a statement timeout proves nothing either way
            if not (same(res["on"], res["off"]) and same(res["off"], res["heap"])):
                failed += 1
                if failed <= args.max_failures:
                    report(args.seed, i, q, res)
            ran += 1
    took = time.time() - started
    print("# %d queries run (%d generated), %d differ, %.0f s" % (ran, n, failed, took))
    for tag, count in sorted(skipped.items()):
        print("# skipped %d queries of a known defect: %s" % (count, KNOWN_DEFECTS[tag]))
    if failed == 0:
        print("ok - differential: %d random queries give the same rows with pushdown on, off "
              "and over heap copies (seed %s)" % (ran, args.seed))
    missing = uncovered_rules()
    if missing:
        print("not ok - the random queries used every pushdown rule (seed %s)" % args.seed)
        for rule in missing:
            print("#   never sent: %s" % rule)
    else:
        print("ok - the random queries used every pushdown rule (seed %s)" % args.seed)
    return 1 if failed or missing else 0


def cmd_show(args):
    load()
    for n in args.n:
        q = generate(args.seed, n)
        print("-- query %d of seed %s (compare %s; tags %s)" % (
            n, args.seed, q.compare, ", ".join(sorted(q.tags)) or "-"))
        print(plain_sql(q))
        print("-- over the heap copies:")
        print(plain_sql(q, heap=True))
    return 0


def cmd_explain(args):
    """EXPLAIN (ANALYZE, VERBOSE) of random queries, one statement a line
    (plain EXPLAIN (VERBOSE) where ANALYZE meets a known defect)."""
    setup()
    load()
    n = emitted = 0
    known = set(KNOWN_DEFECTS)
    while emitted < args.count:
        q = generate(args.seed, n)
        n += 1
        if q.tags & known - {"explain_analyze_param"}:
            continue
        options = "VERBOSE" if "explain_analyze_param" in q.tags and \
            "explain_analyze_param" in known else "ANALYZE, VERBOSE"
        sql = resolve(q, False)
        if q.params:
            print("PREPARE p(%s) AS %s;" % (", ".join(t for t, _ in q.params), sql))
            print("EXPLAIN (%s) EXECUTE p(%s);" % (options, ", ".join(v for _, v in q.params)))
            print("DEALLOCATE p;")
        else:
            print("EXPLAIN (%s) %s;" % (options, sql))
        emitted += 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("setup")
    r = sub.add_parser("run")
    r.add_argument("--seed", default=str(random.randrange(1 << 30)))
    r.add_argument("--seconds", type=float, default=180)
    r.add_argument("--batch", type=int, default=150)
    r.add_argument("--max-failures", type=int, default=10)
    r.add_argument("--include-known", action="store_true",
                   help="run the shapes of KNOWN_DEFECTS too (to see whether they are fixed)")
    s = sub.add_parser("show")
    s.add_argument("--seed", required=True)
    s.add_argument("n", type=int, nargs="+")
    e = sub.add_parser("explain")
    e.add_argument("--seed", required=True)
    e.add_argument("--count", type=int, default=200)
    args = ap.parse_args()
    if args.cmd == "setup":
        setup()
        return 0
    return {"run": cmd_run, "show": cmd_show, "explain": cmd_explain}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
