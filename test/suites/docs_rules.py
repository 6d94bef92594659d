#!/usr/bin/env python3
"""
docs_rules.py SCHEMA DOC
    Check a service's reference page (docs/<service>.md) against the rules
    of the running extension, for every foreign table IMPORT FOREIGN SCHEMA
    created in SCHEMA (test/suites/docs.sh makes them).  Prints "ok - " /
    "not ok - " lines; exits 1 on a failure.

The rules come from the extension, never from parsing C:
  - the columns and their types: the imported tables;
  - which operators reach the API, which ORDER BY it delivers, the key
    columns and which rules are exact: the COMMENTs IMPORT FOREIGN SCHEMA
    writes from the service descriptions (src/describe.c);
  - the API parameter of each rule: EXPLAIN (VERBOSE) of a query with that
    qual, against the same query without it ("API Request:"; EXPLAIN makes
    no request);
  - exactness, once more: EXPLAIN of the qual with LIMIT 7, which asks for 7
    items a page only when every qual is applied exactly by the API;
  - each ORDER BY: EXPLAIN shows no Sort node.

What the page must say, in the section "## `table`" of each table:
  - a "| column | type | ..." table listing exactly the table's columns,
    each with its type;
  - a "| SQL | request | exact? |" table (Stripe: one "| SQL | table |
    request | exact? |" table for all) with, for each rule, a row whose SQL
    cell names the column and the operator in backticks (`col = 'x'`,
    `col >= t`, `'x' = ANY (col)`, `col IS NULL`, `NOT col`, a bare boolean
    `col`, `ORDER BY col [ASC|DESC]`; a lone `>=` or `IS NOT NULL` goes with
    the column before it), whose request cell holds each parameter the
    rule sends as "name=" ("name=value" for a fixed value such as
    milestone=none), and whose exact? cell says "yes" for an exact rule and
    "rechecked" for another; for a table whose filters are the terms of one
    query in a language (EXPLAIN shows the query on a line of its own,
    "Search Query: author:x", "JQL: project = \"A\""), the request cell
    holds each term's field and operator ("author:", "project =") or, for a
    fixed value, the whole term ("no:milestone", "assignee is EMPTY"); a
    POST's parameters are the members of its "Request Body:"; a GraphQL
    body's are its variables, and the terms of a filter object among them
    are its leaves, written as a dotted path with the comparator and the
    value ("team.key.eq:", "assignee.null: true");
  - no row claims a rule (column and operator, or ORDER BY) that the
    extension does not have.
"""

import json
import re
import subprocess
import sys
import urllib.parse

failures = 0


def ok(name):
    print("ok - " + name)


def not_ok(name, *details):
    global failures
    failures += 1
    print("not ok - " + name)
    for d in details:
        print("#   " + d)


def psql(sql):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t",
                          "-c", sql], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("psql failed: %s\n%s" % (sql, out.stderr))
    return out.stdout.splitlines()


def quote_ident(name):
    return '"%s"' % name.replace('"', '""')


# --------------------------------------------------------------------------
# The extension's rules
# --------------------------------------------------------------------------

COMPARISONS = ("IS NOT NULL", "IS NULL", "= true", "= false", "<=", ">=", "<", ">", "<>")
# operators whose parameter carries a value of the rule's own (milestone=none,
# types=im), which the page must show as name=value
FIXED_VALUE_OPS = ("IS NULL", "IS NOT NULL", "= true", "= false")
# parameters a rule sends beside its value, always with the same value
# (Slack's inclusive=true for >= and <=)
FIXED_PARAMS = ("inclusive",)


def comment_rules(comment):
    """(key, ops, approximate, orders) from a column comment of describe.c."""
    key = "; required: " in comment
    ops, orders, approximate = set(), set(), False
    m = re.search(r"; pushed down( \(approximately, then rechecked\))?: (.*)$", comment)
    if m:
        approximate = m.group(1) is not None
        text = m.group(2)
        if "=, IN (one request per value)" in text:
            ops.add("single")
            text = text.replace("=, IN (one request per value)", "")
        o = re.search(r"ORDER BY (ASC, DESC|ASC|DESC)", text)
        if o:
            orders = {d.lower() for d in o.group(1).split(", ")}
            text = text.replace(o.group(0), "")
        if "<>, NOT IN" in text:
            ops.add("<>")
            text = text.replace("<>, NOT IN", "")
        if "= ANY, @>" in text:
            ops |= {"= ANY", "@>"}
            text = text.replace("= ANY, @>", "")
        if re.search(r"(^|, )=, IN(,|$)", text):
            ops.add("=")
            text = re.sub(r"(^|, )=, IN(?=,|$)", "", text)
        for token in (t.strip() for t in text.split(",")):
            if token in COMPARISONS:
                ops.add(token)
            elif token:
                raise RuntimeError("cannot read comment %r (at %r)" % (comment, token))
    return key, ops, approximate, orders


class Column:
    def __init__(self, name, type_, comment):
        self.name, self.type, self.comment = name, type_, comment
        self.key, self.ops, self.approximate, self.orders = comment_rules(comment)
        # a key column a query may leave out (a filter language's own text)
        self.optional_key = "; optional: =, IN" in comment
        self.doc = comment.split(";")[0]


def table_columns(schema, table):
    rows = psql("SELECT attname, format_type(atttypid, atttypmod), "
                "coalesce(col_description(attrelid, attnum), '') FROM pg_attribute "
                "WHERE attrelid = '%s.%s'::regclass AND attnum > 0 AND NOT attisdropped "
                "ORDER BY attnum" % (quote_ident(schema), quote_ident(table)))
    return [Column(*row.split("\t")) for row in rows]


def samples(column, element=False):
    """SQL literals to try as a value of the column (an element of it)."""
    base = column.type[:-2] if element else column.type
    if base in ("integer", "bigint", "smallint"):
        return ["2"]
    if base.startswith("timestamp"):
        return ["'2024-05-06 07:08:09+00'"]
    # a free value, a Slack ts, the first value the column's doc names
    first = re.match(r"[A-Za-z0-9_]+", column.doc)
    return ["'x'", "'1700000000.000100'"] + (["'%s'" % first.group(0)] if first else [])


def qual_sqls(column, op):
    c = quote_ident(column.name)
    if op in ("=", "single", "<", "<=", ">", ">=", "<>"):
        return ["%s %s %s" % (c, "=" if op == "single" else op, s) for s in samples(column)]
    if op == "= ANY":
        return ["%s = ANY (%s)" % (s, c) for s in samples(column, True)]
    if op == "@>":
        return ["%s @> ARRAY[%s]" % (c, s) for s in samples(column, True)]
    if op in ("IS NULL", "IS NOT NULL"):
        return ["%s %s" % (c, op)]
    if op == "= true":
        return [c]
    if op == "= false":
        return ["NOT %s" % c]
    raise RuntimeError("no qual for " + op)


class Plan:
    def __init__(self, lines):
        self.sorted = any(re.search(r"\bSort\b", l) for l in lines)
        self.requests = [l.split("API Request: ", 1)[1].strip()
                         for l in lines if "API Request: " in l]
        self.path = self.params = None
        self.language = False
        bodies = [l.split("Request Body: ", 1)[1].strip()
                  for l in lines if "Request Body: " in l]
        if len(self.requests) == 1 and self.requests[0].startswith("GET "):
            split = urllib.parse.urlsplit(self.requests[0][4:])
            self.path = split.path
            self.params = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        elif len(self.requests) == 1 and len(bodies) == 1:
            # a POST whose JSON body holds the parameters
            self.path = self.requests[0].split(" ", 1)[1]
            body = json.loads(bodies[0])
            if "query" in body and "variables" in body:
                # GraphQL: the variables are the parameters, and an object
                # among them is a filter whose leaves are its terms
                self.params = []
                for n, v in body["variables"].items():
                    if isinstance(v, dict):
                        self.language = True
                        self.params += graphql_terms(v)
                    else:
                        self.params.append((n, str(v)))
                return
            self.params = [(n, ",".join(v) if isinstance(v, list) else str(v))
                           for n, v in body.items()]
        if self.params is not None:
            # a parameter whose value EXPLAIN shows on a line of its own is a
            # query in a filter language: its terms count as parameters
            shown = {l.split(": ", 1)[1].strip() for l in lines
                     if ": " in l and "Request Body: " not in l}
            self.language = any(v in shown for _, v in self.params)
            self.params = [t for n, v in self.params
                           for t in (query_terms(v) if v in shown else [(n, v)])]


def graphql_terms(obj, prefix=""):
    """The terms of a GraphQL filter object, as (field, value): its leaves,
    each field its dotted path with the comparator ("team.key.eq: "), the
    value as JSON; and/or lists are flattened."""
    out = []
    for k, v in obj.items():
        if k in ("and", "or") and isinstance(v, list):
            for item in v:
                out += graphql_terms(item, prefix)
        elif isinstance(v, dict):
            out += graphql_terms(v, prefix + k + ".")
        else:
            out.append((prefix + k + ": ", json.dumps(v)))
    return out


def query_terms(query):
    """The terms of a query, as (field, value): GitHub's qualifiers
    ("author:x label:\"a b\""), or JQL's clauses ("project = \"A\" AND
    assignee is EMPTY"), their operator kept in the field ("project =")."""
    if " AND " in query or re.match(r'\w+ (=|!=|<=|>=|is|in|not in) ', query):
        return [(m.group(1), m.group(2))
                for m in re.finditer(r'(\w+ (?:=|!=|<=|>=|is not|is|not in|in) )'
                                     r'("(?:[^"\\]|\\.)*"|\w+|\([^)]*\))', query)]
    return [(m.group(1), m.group(2))
            for m in re.finditer(r'(\w+:)((?:[^\s"]|"[^"]*")*)', query)]


class Table:
    def __init__(self, schema, name):
        self.schema, self.name = schema, name
        self.columns = table_columns(schema, name)
        self.by_name = {c.name: c for c in self.columns}
        # alternative keys ("(or instead a value for org)"): the first only
        keys = []
        for c in self.columns:
            m = re.search(r"\(or instead a value for ([^)]*)\)", c.comment)
            if c.key and not (m and set(m.group(1).split(" or ")) & {k.name for k in keys}):
                keys.append(c)
        self.keys = " AND ".join(
            "%s = %s" % (quote_ident(c.name), "1" if c.type == "integer" else "'k1'")
            for c in keys) or "true"
        self.base = self.explain("true")

    def explain(self, qual, tail=""):
        return Plan(psql("EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM %s.%s WHERE %s AND %s%s"
                         % (quote_ident(self.schema), quote_ident(self.name),
                            self.keys, qual, tail)))

    def probe(self, column, op):
        """The qual that reaches the API, and what it adds to the request:
        (qual, path changed, [(name, value)] added, in a filter language),
        or None."""
        for qual in qual_sqls(column, op):
            plan = self.explain(qual)
            if plan.params is None:
                continue        # matches no row (a value the API does not know)
            added = [p for p in plan.params if p not in self.base.params]
            if added or plan.path != self.base.path:
                return qual, plan.path != self.base.path, added, plan.language
        return None

    def exact(self, qual):
        """Does LIMIT 7 reach the page size, i.e. is the qual exact?"""
        plan = self.explain(qual, " LIMIT 7")
        return any(v == "7" for _, v in plan.params or [])


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

def cells(line):
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


class DocRow:
    def __init__(self, tables, sql, request, exact):
        self.tables, self.sql, self.request, self.exact = tables, sql, request, exact


def read_page(path, table_names):
    """{table: [(column, type)]} and [DocRow]."""
    columns, rows = {}, []
    section = None
    header = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            heading = re.match(r"^(#+) (.*)", line)
            if heading:
                name = re.fullmatch(r"`(\w+)`", heading.group(2).strip())
                if name:
                    section = name.group(1)
                elif len(heading.group(1)) <= 2:
                    section = None
                continue
            if not line.startswith("|"):
                header = None
                continue
            row = cells(line)
            if header is None:
                header = [h.lower() for h in row]
                continue
            if all(re.fullmatch(r":?-+:?", c) for c in row):
                continue
            if header[0] == "column" and section:
                columns.setdefault(section, []).append((row[0].strip('"'), row[1]))
            elif header[0] == "sql":
                get = dict(zip(header, row))
                if "table" in get:
                    named = get["table"]
                    tables = table_names if named == "all" else \
                        [t.strip() for t in named.split(",")]
                else:
                    tables = [section] if section else []
                rows.append(DocRow(tables, get["sql"], get.get("request", ""),
                                   get.get("exact?", "")))
    return columns, rows


OP_AFTER = r"(IS NOT NULL|IS NULL|= ANY|@>|<>|>=|<=|=|<|>|NOT IN|IN)"


def claims(sql, table):
    """What a SQL cell says is pushed: ([(column, op)], [(column, dir)],
    [problems])."""
    filters, sorts, problems = [], [], []
    snippets = re.findall(r"`([^`]*)`", sql)
    if not snippets:
        return filters, sorts, problems
    if snippets[0].startswith("ORDER BY"):
        words = " ".join(snippets).upper()
        dirs = ["asc", "desc"] if "ASC" in words and "DESC" in words else \
            ["desc"] if "DESC" in words else ["asc"]
        for s in snippets:
            name = re.sub(r"^ORDER BY\s+", "", s).split()[0] if s.strip() else ""
            if name in table.by_name:
                sorts += [(name, d) for d in dirs]
            elif not re.fullmatch(r"\[?(ASC|DESC|ASC\|DESC)\]?", name, re.I):
                problems.append("ORDER BY names %r, not a column" % name)
        return filters, sorts, problems
    last = None
    for s in snippets:
        if s.upper().startswith("LIMIT"):
            continue
        for part in re.split(r"\bAND\b", s):
            p = re.sub(r"^ON\s+", "", part.strip())
            if re.match(r"NOT IN\b", p) and last:
                filters.append((last, "NOT IN"))
                continue
            m = re.fullmatch(r"'[^']*' = ANY \((\w+)\)", p)
            if m:
                filters.append((m.group(1), "= ANY"))
                last = m.group(1)
                continue
            m = re.fullmatch(r"NOT (\w+)", p)
            if m:
                filters.append((m.group(1), "= false"))
                last = m.group(1)
                continue
            m = re.fullmatch(r'"?(\w+)"?', p)
            if m and m.group(1) in table.by_name:
                if table.by_name[m.group(1)].type == "boolean":
                    filters.append((m.group(1), "= true"))
                else:
                    problems.append("%r: name an operator" % p)
                continue
            m = re.match(r'(?:\w+\.)?"?(\w+)"?\s*' + OP_AFTER + r"(?!\w)(.*)$", p)
            if m:
                col, op, rest = m.group(1), m.group(2), m.group(3).strip()
                if op == "=" and rest in ("true", "false"):
                    op = "= " + rest
                filters.append((col, op))
                last = col
                continue
            m = re.match(OP_AFTER + r"(?!\w)", p)
            if m and last:
                filters.append((last, m.group(1)))
    return filters, sorts, problems


# --------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------

def rules_of(table):
    """[(column, op)] the extension pushes; key columns and single-item keys
    count as "="."""
    out = []
    for c in table.columns:
        if c.key or c.optional_key:
            out.append((c.name, "key"))
        for op in sorted(c.ops):
            out.append((c.name, op))
    return out


def documents(rule_op, claimed_op):
    """Does a row claiming claimed_op document the rule?  A key column or a
    single-item key takes = and IN alike; any other "=" rule needs its "="."""
    if rule_op in ("key", "single"):
        return claimed_op in ("=", "IN")
    return claimed_op == rule_op


def allows(rule_op, claimed_op):
    """Does the rule make a claim of claimed_op true?  IN goes wherever = does,
    NOT IN wherever <> does."""
    if claimed_op in ("=", "IN"):
        return rule_op in ("key", "single", "=")
    if claimed_op == "NOT IN":
        return rule_op == "<>"
    return claimed_op == rule_op


def check_rule(doc, table, rows, column, op):
    name = "%s: %s.%s %s is documented" % (doc, table.name, column.name,
                                           "=" if op in ("key", "single") else op)
    mine = [r for r in rows if table.name in r.tables]
    candidates = [r for r in mine
                  if any(c == column.name and documents(op, o)
                         for c, o in claims(r.sql, table)[0])]
    if not candidates:
        not_ok(name, "no filter row names `%s` with %s" % (
            column.name, "= or IN" if op in ("key", "single") else op))
        return
    if op == "key":
        ok(name)
        return
    probe = table.probe(column, op)
    if probe is None:
        not_ok(name, "EXPLAIN shows no request parameter for this rule: "
               "the comment claims a pushdown the planner does not do")
        return
    qual, path_changed, added, language = probe
    exact = True if op == "single" else table.exact(qual)
    if exact == column.approximate and op != "single":
        not_ok(name, "the comment says %s, EXPLAIN with LIMIT says %s"
               % ("approximate" if column.approximate else "exact",
                  "exact" if exact else "approximate"))
        return
    fixed = op in FIXED_VALUE_OPS
    wanted = ["%s=%s" % (n, v) if fixed or n in FIXED_PARAMS else "%s=" % n for n, v in added]
    if language:
        wanted = [n + v if fixed else n.strip() for n, v in added]
    if path_changed:
        wanted.append("GET /")
    problems = []
    for row in candidates:
        missing = [w for w in wanted if w not in row.request]
        says = row.exact.lower()
        right = says.startswith("yes") if exact else "rechecked" in says
        if not missing and right:
            ok(name)
            return
        problems.append("row %r: request %r %s%s" % (
            row.sql, row.request,
            "lacks %s" % ", ".join(missing) if missing else "",
            "" if right else "; exact? should say %s" % ("yes" if exact else "rechecked")))
    not_ok(name, "`WHERE %s` sends %s" % (qual, ", ".join(wanted)), *problems)


def check_sort(doc, table, rows, column, direction):
    name = "%s: %s ORDER BY %s %s is documented" % (doc, table.name, column.name,
                                                  direction.upper())
    plan = table.explain("true", " ORDER BY %s%s" % (quote_ident(column.name),
                                                      " DESC" if direction == "desc" else ""))
    if plan.sorted:
        not_ok(name, "EXPLAIN has a Sort node: the comment claims an order the "
               "planner does not take from the API")
        return
    mine = [r for r in rows if table.name in r.tables]
    if any((column.name, direction) in claims(r.sql, table)[1] for r in mine):
        ok(name)
    else:
        not_ok(name, "no row `ORDER BY %s%s`" % (column.name,
                                                 " DESC" if direction == "desc" else ""))


def check_claims(doc, table, rows):
    """Every rule a row claims exists."""
    rules = rules_of(table)
    sorts = {(c.name, d) for c in table.columns for d in c.orders}
    bad = []
    for row in rows:
        if table.name not in row.tables:
            continue
        filters, claimed_sorts, problems = claims(row.sql, table)
        bad += ["%r: %s" % (row.sql, p) for p in problems]
        for col, op in filters:
            if not any(c == col and allows(r, op) for c, r in rules):
                bad.append("%r claims %s %s, which is not pushed down" % (row.sql, col, op))
        for s in claimed_sorts:
            if s not in sorts:
                bad.append("%r claims ORDER BY %s %s, which the API does not deliver"
                           % (row.sql, s[0], s[1].upper()))
    name = "%s: every filter row of %s is a rule of the extension" % (doc, table.name)
    if bad:
        not_ok(name, *bad)
    else:
        ok(name)


def check_columns(doc, table, documented):
    name = "%s: the column table of %s lists its columns and types" % (doc, table.name)
    if documented is None:
        not_ok(name, "no \"| column | type |\" table under \"## `%s`\"" % table.name)
        return
    canon = {}
    for _, t in documented:
        if t not in canon:
            try:
                canon[t] = psql("SELECT format_type('%s'::regtype, NULL)" % t.replace("'", ""))[0]
            except RuntimeError:
                canon[t] = "not a type: " + t
    have = [(c.name, c.type) for c in table.columns]
    said = [(n, canon[t]) for n, t in documented]
    if have == said:
        ok(name)
    else:
        not_ok(name, "extension: " + ", ".join("%s %s" % c for c in have),
               "page:      " + ", ".join("%s %s" % c for c in said))


def main():
    schema, doc = sys.argv[1], sys.argv[2]
    names = psql("SELECT relname FROM pg_class WHERE relnamespace = '%s'::regnamespace "
                 "AND relkind = 'f' ORDER BY 1" % quote_ident(schema))
    columns, rows = read_page(doc, names)
    for table_name in names:
        table = Table(schema, table_name)
        check_columns(doc, table, columns.get(table_name))
        for column_name, op in rules_of(table):
            check_rule(doc, table, rows, table.by_name[column_name], op)
        for column in table.columns:
            for direction in sorted(column.orders):
                check_sort(doc, table, rows, column, direction)
        check_claims(doc, table, rows)
    for section in sorted(set(columns) - set(names)):
        not_ok("%s: section `%s` is a table of the extension" % (doc, section))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
