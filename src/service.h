/*-------------------------------------------------------------------------
 *
 * service.h
 *		  The model every service is described in: resources, columns,
 *		  pagination and pushdown rules, as plain constant data.
 *
 * A service file (src/services/<name>.c) fills in these structs and
 * nothing else; the planner, the executor, IMPORT FOREIGN SCHEMA and the
 * documentation tests all read the same tables.  Adding a service means
 * adding one such file and naming it in service_registry (service.c).
 *
 * Writes (modify.c): a resource that INSERT, UPDATE or DELETE may change
 * points at a WritesSpec; every other resource is read-only.  Each command
 * is one request per row, to the API's own endpoint; its path (or, for an
 * API that takes them there, its body: body_keys) names the row by columns
 * ({repo}, {number}): the new row's for INSERT, the row being changed for
 * UPDATE and DELETE (the row identity, fetched by the scan beside the
 * row).  A command the API cannot do is refused, before
 * any request, with a hint saying what to do instead.  Only the columns a
 * WriteSpec names may be written; the answer (the object written) fills
 * RETURNING, or, for an API that answers with less (Jira), a GET of the
 * object written (refetch_path).  A JSON body may nest (body_at_paths),
 * and a column may be written as a rich-text document (adf_columns).
 *
 * A GraphQL API (Linear) writes by mutations (BODY_GRAPHQL): every
 * command is a POST of {"query": the WriteSpec's graphql_mutation,
 * "variables": {...}} to the path.  The row's keys (body_keys) are
 * variables of their own, the columns written one variable $input, an
 * object of their API names (body_names: team_id is teamId): values are
 * always in the variables, never in the query text.  The mutation's
 * selection set is written from the columns' paths, as a read's is
 * (request_graphql.c), so the answer fills RETURNING (result_at, by the
 * mutation's own aliases); GraphQL's errors[] fail a write as they fail a
 * read (ServiceSpec.errors_at, HTTP 200 too), and so does a payload whose
 * success is false (success_at).
 *
 * How pushed quals reach the API is a kind of the model too: each rule is
 * its own query parameter ("creator=x"), or, for a resource that names a
 * FilterLanguage, a term of one query string written in that language
 * (GitHub search's q, Jira's JQL).  The language writer in request.c is
 * generic: a description gives a language's operators and quoting rules,
 * never code.  A GraphQL filter object (Linear) is the third kind: a
 * language whose graphql_object is set writes its terms as one JSON object
 * (service.h FilterLanguage), sent as a variable of a GraphQL query that
 * the resource's graphql_query gives (request_graphql.c): values travel in
 * the variables, never in the query text.
 *
 * This header must stay free of json-c and of utils/builtins.h: it is
 * included on both sides of the json-c boundary (see src/json.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_SERVICE_H
#define SAAS_SERVICE_H

/* How the credential goes into the Authorization header. */
typedef enum ServiceAuth
{
	AUTH_BEARER = 0,			/* "Bearer <token>" */
	AUTH_BASIC,					/* Basic, of the user mapping's user and
								 * token ("email:API token") */
	AUTH_KEY					/* the token alone ("Authorization: <key>",
								 * Linear's personal API keys); with the
								 * option auth 'oauth' (server or user
								 * mapping), "Bearer <token>" */
} ServiceAuth;

/* How a resource's pages follow one another. */
typedef enum PageKind
{
	PAGES_NONE,					/* one response holds every item */
	PAGES_LINK_HEADER,			/* next URL in the Link header, rel="next"
								 * (GitHub) */
	PAGES_LAST_ID,				/* body flag says there is more; the next
								 * page starts after the last item's id
								 * (Stripe) */
	PAGES_BODY_CURSOR,			/* the body carries an opaque cursor that is
								 * sent back as a parameter (Slack) */
	PAGES_BODY_PAGE_COUNT,		/* pages numbered from 1: the body says how
								 * many there are, and the next page's
								 * number is sent as cursor_param until the
								 * last (Slack's files.list: paging.pages) */
	PAGES_BODY_NEXT_URL,		/* the body carries the next page's URL at
								 * cursor_at (Jira's nextPage), followed
								 * only to the server's origin */
	PAGES_OFFSET				/* the body says where the page starts
								 * (cursor_at) and how many items there are
								 * (total_at); the next page starts after
								 * this one's items, sent as cursor_param
								 * (Jira's startAt) */
} PageKind;

/* How a column's JSON value becomes the column value. */
typedef enum ColumnConv
{
	CONV_VALUE,					/* the value at the path, converted to the
								 * column type */
	CONV_PRESENT,				/* boolean: the path holds a non-null value */
	CONV_EXPANDABLE_ID,			/* text: an id string, or an expanded object
								 * whose "id" is taken (Stripe expand[]) */
	CONV_URL_LAST_TWO,			/* text: the last two segments of a URL
								 * string ("https://h/repos/o/n" gives
								 * "o/n") */
	CONV_ADF_TEXT,				/* text: the plain text of an Atlassian
								 * Document Format document (json_adf.c);
								 * a json or jsonb column reads the
								 * document */
	CONV_URL_OWNER				/* text: the second last segment of a URL
								 * string ("https://h/repos/o/n" gives
								 * "o") */
} ColumnConv;

/* The SQL comparison a pushdown rule accepts. */
typedef enum PushOp
{
	PUSH_EQ,					/* col = v, and col IN (...) as several
								 * request streams */
	PUSH_LT,
	PUSH_LE,
	PUSH_GT,
	PUSH_GE,
	PUSH_CONTAINS,				/* 'v' = ANY(col), col @> '{v,w}': the
								 * values joined into one list parameter */
	PUSH_IS_NULL,
	PUSH_IS_NOT_NULL,
	PUSH_IS_TRUE,				/* a boolean column, or col = true */
	PUSH_IS_FALSE,				/* NOT col, or col = false */
	PUSH_NE						/* col <> v, NOT (col = v), and col NOT IN
								 * (...) as one list: only in a filter
								 * language (FilterLanguage.disjunction),
								 * as a term of a boolean tree */
} PushOp;

#define PUSH_OP_COUNT	(PUSH_NE + 1)

/* How a SQL value is written into a request parameter. */
typedef enum ValueFormat
{
	VALUE_TEXT,					/* the value's text form (text, integers);
								 * for CONTAINS only the first value is sent */
	VALUE_CSV,					/* CONTAINS: all values joined by commas */
	VALUE_NUMBERED,				/* an integer the API numbers from 1 (GitHub
								 * milestones): a value below 1 matches no
								 * row and is not sent */
	VALUE_ISO8601,				/* timestamptz as YYYY-MM-DDTHH:MM:SSZ, cut
								 * to the second (never exact) */
	VALUE_EPOCH,				/* timestamptz as whole Unix seconds, rounded
								 * by the operator so the bound stays exact */
	VALUE_SLACK_TS,				/* timestamptz as "seconds.micros" */
	VALUE_SLACK_TS_TEXT,		/* a ts string, sent only in its fixed-width
								 * form "1234567890.123456", where text order
								 * is the API's numeric order */
	VALUE_EPOCH_INCLUSIVE,		/* timestamptz as whole Unix seconds for a
								 * parameter whose bound is inclusive for
								 * every operator (Slack's ts_from, ts_to):
								 * > and < as >= and <= of the next whole
								 * second inside, so the bound stays exact */
	VALUE_COUNT,				/* an integer the API reads as a count (0 or
								 * more): a bound below 0 is not sent, or
								 * matches no row (=, <, <=) */
	VALUE_LOCAL_MINUTE,			/* a range bound as "YYYY-MM-DD HH:MM" that
								 * the API reads in a time zone of its own
								 * (the Jira user's): moved out by 14 hours,
								 * the widest UTC offset, and rounded to the
								 * minute away from the range's inside, so
								 * no row is lost (never exact) */
	VALUE_NUMBER,				/* a number's text form, written bare (a
								 * JSON number in a GraphQL filter object);
								 * NaN and infinities are not sent */
	VALUE_ISO8601_MS,			/* timestamptz as YYYY-MM-DDTHH:MM:SS.mmmZ,
								 * rounded to the millisecond away from the
								 * range's inside (> and >= down, < and <=
								 * up): never exact, no row lost */
	VALUE_UPPER_NAME			/* text that the API holds only in upper
								 * case (Jira's project and issue keys) and
								 * matches without case: a value with a
								 * lower-case letter is no row's (= matches
								 * no row, <> every row not NULL); any other
								 * the API matches as SQL does */
} ValueFormat;

typedef struct ColumnSpec
{
	const char *name;			/* column name in the foreign table */
	const char *type;			/* SQL type, as written in the DDL */
	const char *path;			/* JSON path in the item ("user.login",
								 * "labels[*].name"); NULL for a key column,
								 * which is filled from the request */
	ColumnConv	conv;
	const char *doc;			/* one line for COMMENT and docs */
} ColumnSpec;

/*
 * One SQL qual shape that becomes one API parameter.  "exact" means the API
 * applies exactly the SQL semantics; every pushed qual is still rechecked
 * locally, exactness only decides whether LIMIT may shrink the page size.
 */
typedef struct PushdownSpec
{
	const char *column;
	PushOp		op;
	const char *param;			/* query parameter name */
	ValueFormat format;
	const char *fixed_value;	/* value sent for IS [NOT] NULL / IS TRUE /
								 * IS FALSE; NULL means the SQL value */
	bool		exact;
	const char *extra_query;	/* "name=value" sent along, or NULL (Slack's
								 * inclusive=true) */
	const char *const *allowed_values;	/* NULL-terminated: the only values
										 * the API knows (an enum); any
										 * other matches no row and is not
										 * sent.  NULL: any value */
	const char *path_key;		/* with key_paths: the rule is sent only on
								 * the path this key chooses (a parameter
								 * one alternative lacks), else checked
								 * locally; NULL: on every path */
	bool		range_syntax;	/* a range rule (<, <=, >, >=) whose
								 * parameter takes both bounds in GitHub's
								 * search syntax: a lower bound alone as
								 * ">=v", an upper alone as "<=v", both as
								 * "v..w" (all inclusive: never exact).  One
								 * lower and one upper bound share the
								 * parameter; any further bound stays local */
} PushdownSpec;

/*
 * ORDER BY column [ASC|DESC] that the API can deliver.  The query string
 * fragments ask for that order; "" means it is the API's natural order and
 * nothing needs sending, NULL means that direction is not available.
 */
typedef struct SortSpec
{
	const char *column;
	const char *asc_params;
	const char *desc_params;
} SortSpec;

/*
 * The values a table option may give a parameter of a resource's
 * default_query (GitHub's state, Slack's types): one of values, or with
 * list a comma-separated list of them.
 */
typedef struct ParamValuesSpec
{
	const char *param;
	const char *const *values;	/* NULL-terminated */
	bool		list;
} ParamValuesSpec;

/*
 * One of a resource's alternative list paths, chosen by the key given:
 * GitHub lists the repositories of an organization (/orgs/{org}/repos) or
 * of a user (/users/{username}/repos).  See ResourceSpec.key_paths.
 */
typedef struct KeyPathSpec
{
	const char *key;			/* a key column, named in path_template */
	const char *path_template;	/* as ResourceSpec.path_template */
} KeyPathSpec;

/* How a write request carries the values of its columns. */
typedef enum BodyFormat
{
	BODY_JSON,					/* a JSON object: {"title": "...", "labels":
								 * [...]} (GitHub, Slack) */
	BODY_FORM,					/* application/x-www-form-urlencoded, nested
								 * values as name[key]=value (Stripe) */
	BODY_GRAPHQL				/* a GraphQL mutation (Linear): {"query":
								 * WriteSpec.graphql_mutation, "variables":
								 * {...}}, see WritesSpec */
} BodyFormat;

/* The request that makes one command's change to one row. */
typedef struct WriteSpec
{
	const char *method;			/* "POST", "PATCH", "DELETE"; NULL: the API
								 * cannot do it, and it is refused */
	const char *path_template;	/* "/repos/{repo}/issues/{number}": {x} is
								 * column x of the row (as in ResourceSpec) */
	const char *const *columns; /* NULL-terminated: the columns it may send
								 * (an UPDATE sends those it sets, an
								 * INSERT those not null); any other column
								 * given is refused, by name */
	const char *const *required;	/* NULL-terminated, or NULL: columns an
									 * INSERT must give a value */
	const char *refusal_hint;	/* method NULL: what to do instead */
	const char *const *body_keys;	/* NULL-terminated, or NULL: columns
									 * that name the row in the body instead
									 * of the path (Slack's channel and ts),
									 * sent as the path's are */

	/*
	 * BODY_GRAPHQL: the mutation, with one %s where the selection set of
	 * the object written goes ("mutation M($input: IssueCreateInput!) {
	 * write: issueCreate(input: $input) { success item: issue { %s } } }").
	 * Its variables are the body_keys, each by its name ($id), and $input,
	 * the object of the columns written.
	 */
	const char *graphql_mutation;
} WriteSpec;

/* What INSERT, UPDATE and DELETE do to the items of a resource. */
typedef struct WritesSpec
{
	WriteSpec	insert;
	WriteSpec	update;
	WriteSpec	delete;
	BodyFormat	body;
	const char *result_at;		/* where the object written is in the
								 * answer; NULL: the body */
	const char *idempotency_header; /* a header whose random value, one per
									 * row, makes a repeated request do
									 * nothing more (Stripe's
									 * Idempotency-Key): the request may then
									 * be retried.  A DELETE, idempotent by
									 * itself there, is retried without it.
									 * NULL: every request is sent at most
									 * once */
	bool		paced;			/* the API asks a credential's writes to go
								 * one at a time, apart by
								 * saas_fdw.write_interval (GitHub) */

	/*
	 * A nested JSON body (Jira's {"fields": {"project": {"key": ...}}}):
	 * each column is written at its ColumnSpec path, a dot opening an
	 * object ("fields.project.key"), columns sharing a prefix in one
	 * object.  false: each at its name, at the top of the body.
	 */
	bool		body_at_paths;

	/*
	 * NULL-terminated, or NULL: columns written as an Atlassian Document
	 * Format document (Jira's description and comment bodies): a text
	 * value, or a JSON string, becomes a document of one paragraph per
	 * line (adf_write.c); a JSON object is sent as it is, a document
	 * already.
	 */
	const char *const *adf_columns;

	/*
	 * The answer is not the object written: none (Jira's 204 to an
	 * update) or a part of it (Jira's {id, key, self} to a create).
	 * RETURNING is then filled by a GET of this path, whose {x} is column
	 * x of the row's identity, else the value at column x's path in the
	 * answer (the new key).  NULL: the answer is the object (result_at).
	 */
	const char *refetch_path;

	/*
	 * NULL-terminated "column:name" pairs, or NULL: the API's name of a
	 * column written, where it is not the column's own (Linear's team_id
	 * is teamId); in the body, a key's too.
	 */
	const char *const *body_names;

	/*
	 * The path of a boolean in the answer that is false when the API did
	 * not make the change (a GraphQL payload's success): an error.  NULL:
	 * none.
	 */
	const char *success_at;
} WritesSpec;

/*
 * A query language that a resource's pushed quals are written in.  Each
 * pushed qual becomes one term: the rule's param (the field's name in the
 * language), the operator of the rule's op, and the value.  Terms are
 * joined by the conjunction (all must hold); as with parameters, an IN
 * list on a rule that takes one value makes one request stream per value,
 * and a CONTAINS list makes one term per value.
 *
 * Values are written by the language's rules: a value made only of letters,
 * digits and bare_chars is written as it is; any other is written between
 * quote characters, with escape before each quote or escape character in
 * it.  A language with no escape character cannot write a value holding
 * the quote: such a qual is not sent and is checked locally only (so is an
 * empty string, which some languages read as no value at all).  Thus no
 * value, whatever quotes, backslashes, operators or reserved words it
 * holds, can change the structure of the query.  A rule's fixed_value is
 * the description's own text and is written as it is.
 *
 * text_column names a key column (path NULL, in key_columns) whose value
 * is the user's own query text: it is ANDed to the terms as it is (inside
 * text_format, such as "(%s)", when the language's AND binds tighter than
 * its OR), and is optional (without a value, the column reads NULL); as any
 * key column, a table option may fix it.
 *
 * A table option named after the field of an = rule of a query string
 * (JQL's project 'ENG'; not of a GraphQL object) is a term of every query
 * of the table, "project = \"ENG\"", written as a
 * value of a qual is (so a table can be bounded without a qual).
 *
 * With order_in_query, a SortSpec's asc_params and desc_params are not
 * query parameters but the language's own order clause ("ORDER BY created
 * ASC"), written after the terms.
 *
 * Boolean trees.  A language with a disjunction (JQL's " OR ") also takes a
 * clause that is an OR, NOT or <> of pushable conditions, across columns
 * too, as one term: a FilterTree (pushdown.h) of AND and OR nodes whose
 * leaves are pushed quals.  Planning moves every NOT to the leaves (NOT (a
 * AND b) is NOT a OR NOT b; NOT (x = v) is x <> v, NOT (x < v) is x >= v,
 * NOT (x IS NULL) is x IS NOT NULL: SQL's three-valued logic agrees, a NULL
 * x making both sides NULL), so the language needs no NOT word, and a
 * negated leaf needs a rule of its own (PUSH_NE, a complemented range, IS
 * NOT NULL).  A leaf with no rule, or whose value cannot be sent at run
 * time, is taken as true: the tree sent only ever matches more rows than
 * SQL's clause (an OR of it is then not sent at all), and PostgreSQL
 * rechecks them.  A rule for <> belongs only to a field the API compares
 * as SQL does: where it matches names without case (JQL), "x != v" would
 * drop the rows whose x differs from v in case only, which SQL keeps.  An
 * IN list in a tree is one term, the field, list_operators[PUSH_EQ] (or,
 * for NOT IN, [PUSH_NE]) and the values in list_format, joined by
 * list_separator; a language without them writes an OR (an AND) of terms.
 * A group of several terms is written in group_format.  A language without
 * a disjunction keeps such clauses local (GitHub search's q).  In a GraphQL
 * object, conjunction and disjunction name the combinators ("and", "or"):
 * a group is {"or": [...]}, a list term {"a": {"nin": [...]}} of
 * list_operators, and the trees are members of the top {"and": [...]}.
 */
typedef struct FilterLanguage
{
	const char *name;			/* EXPLAIN's label of the query ("JQL") */
	const char *param;			/* the query parameter the query is sent
								 * in ("q") */
	const char *operators[PUSH_OP_COUNT];	/* by PushOp: written between
											 * field and value (":>=",
											 * " >= "); NULL: none */
	const char *conjunction;	/* between terms: " ", " AND " */
	char		quote;
	char		escape;			/* '\0': no escape in quoted values */
	const char *bare_chars;		/* besides letters and digits */
	const char *text_column;	/* or NULL */
	const char *text_format;	/* one %s; NULL: the text as it is */
	bool		order_in_query;

	/*
	 * A GraphQL filter object (Linear's IssueFilter) instead of a query
	 * string: each term is {"a": {"b": {"<operator>": value}}} for a param
	 * "a.b" (the field's path in the filter type), the operator being the
	 * comparator's name ("eq", "lt", "null"); a value is a JSON string, a
	 * JSON number for VALUE_NUMBER, and a fixed_value is JSON as it is
	 * ("true").  Several terms are {"and": [...]}.  The object goes in
	 * param, which graphql_query sends as a variable (JSON, not text): no
	 * value can change the query.  quote, escape and bare_chars are unused;
	 * no term is needed (no filter lists everything).
	 */
	bool		graphql_object;
	const char *list_operator;	/* with graphql_object: an IN list on a
								 * PUSH_EQ rule is one term of this
								 * comparator ("in") with the values as a
								 * JSON list, not one stream per value;
								 * NULL: streams */
	const char *disjunction;	/* between alternatives: " OR "; NULL: no
								 * boolean trees */
	const char *group_format;	/* one %s: "(%s)" */
	const char *list_operators[PUSH_OP_COUNT];	/* by PushOp, before a
												 * list: " in ", " not in " */
	const char *list_format;	/* one %s, the values: "(%s)" */
	const char *list_separator; /* ", " */
} FilterLanguage;

/*
 * A time range that a scan may split into sub-ranges, each its own request
 * stream, fetched at the same time (saas_fdw.range_streams): for an API
 * whose pages follow a cursor, one page cannot be asked for before the one
 * before it arrives.  A scan of one request stream whose pushed quals
 * bound column on both sides (one lower and one upper bound, each a rule
 * of the resource) is split: the two bounds are replaced by lower_param
 * and upper_param of each sub-range, with extra_query.  The sub-ranges
 * share no instant, in the unit of the rules' format (a whole second for
 * VALUE_EPOCH, a microsecond for the Slack ts formats): lower_param is
 * always a sub-range's first instant; upper_param its end (the first
 * instant after it), or with upper_inclusive its last instant.  A range of
 * one unit is not split.  Streams are read in turn, a page each, when no
 * order is asked for and the scan may read ahead; otherwise one after the
 * other, in the order pushed on column (newest sub-range first without
 * one), so that the rows keep the API's order.
 */
typedef struct RangeSplitSpec
{
	const char *column;			/* a column of the resource's range rules */
	const char *lower_param;	/* the sub-range's first instant */
	const char *upper_param;
	bool		upper_inclusive;
	const char *extra_query;	/* "name=value" sent along, or NULL */
} RangeSplitSpec;

typedef struct ResourceSpec
{
	const char *table;			/* foreign table name, and the "resource"
								 * table option */
	const char *path_template;	/* "/repos/{repo}/issues": {x} is the key
								 * column x, URL-encoded (a '/' in repo is
								 * kept); a query part may hold keys too:
								 * "/conversations.history?channel={channel}" */
	const char *const *key_columns; /* NULL-terminated; each must be given
									 * by an = / IN qual, a join, or a table
									 * option */
	const char *items_at;		/* where the item array is: "" = the body */

	/*
	 * The items are scalar values (strings, numbers or booleans), not
	 * objects: Slack's conversations.members lists bare user ids.  Each
	 * value is one row; a column whose path is "" reads the value itself
	 * (every other path reads as missing).  A null, an object or an array
	 * in such a list is an error, as a non-object item is in a list of
	 * objects.
	 */
	bool		scalar_items;
	PageKind	pages;
	const char *page_size_param;	/* "per_page", "limit" */
	const char *page_number_param;	/* PAGES_LINK_HEADER: the parameter
									 * that numbers pages ("page"); with a
									 * rel="last" link, later pages can be
									 * requested before earlier ones arrive */
	int			max_page_size;
	const char *cursor_param;	/* PAGES_LAST_ID, PAGES_BODY_CURSOR: the
								 * parameter that carries the cursor;
								 * PAGES_BODY_PAGE_COUNT: the page number */
	const char *cursor_at;		/* PAGES_BODY_CURSOR: path of the next
								 * cursor; PAGES_LAST_ID: path of the id in
								 * the last item; PAGES_BODY_PAGE_COUNT:
								 * path of the number of pages */
	const char *has_more_at;	/* PAGES_LAST_ID: path of the "more" flag;
								 * PAGES_BODY_CURSOR: if set, the cursor is
								 * followed only while it is true (Linear's
								 * pageInfo.hasNextPage) */
	const char *default_query;	/* "name=value&..." sent unless a pushed
								 * qual sets that name ("state=all"); a
								 * table option of that name replaces it */
	const char *single_path;	/* "/repos/{repo}/issues/{number}": used when
								 * single_key is bound by =; a 404 there is
								 * an empty result */
	const char *single_key;
	const char *single_at;		/* where the object is in a single-object
								 * response ("user"); NULL: the body */

	/*
	 * What names an item, so that a scan whose request streams return the
	 * same item (an API that matches IN values loosely: GitHub matches
	 * logins and repository names without case) returns it once.
	 * identity_at is the path of a string or number that no two items
	 * share; identity_keys (NULL-terminated, or NULL) are the key columns
	 * within whose values alone it is unique (a Slack ts within its
	 * channel).  NULL identity_at: items are never deduplicated.
	 */
	const char *identity_at;
	const char *const *identity_keys;
	const ColumnSpec *columns;	/* terminated by a NULL name */
	const PushdownSpec *pushdown;	/* terminated by a NULL column */
	const SortSpec *sorts;		/* terminated by a NULL column; may be NULL */
	const char *doc;
	const ParamValuesSpec *param_values;	/* terminated by a NULL param;
											 * a default_query parameter
											 * not named takes any value */

	/*
	 * Alternative list paths chosen by the key given, terminated by a NULL
	 * key; NULL: the one path_template.  Each alternative's key is one of
	 * key_columns, listed there in the same order, and path_template is the
	 * first alternative's path.  A scan needs a value for one of these keys,
	 * not for all of them: the first alternative whose key has a value (=,
	 * IN, a join, a table option) names the request.  A qual on another
	 * alternative's key is then only checked locally, and that column reads
	 * NULL in every row (IMPORT declares alternative keys without NOT
	 * NULL): the request did not ask for it; so is a pushdown
	 * rule whose path_key is another alternative's.  Key columns that no
	 * alternative names are required as always.
	 */
	const KeyPathSpec *key_paths;

	/*
	 * An answer that the object asked for does not exist (a 404; Slack's
	 * user_not_found in the body) means no row for the list too, not an
	 * error: files.list's filters name a user or a conversation, and a value
	 * that names nothing matches no file.  (A single-object request always
	 * reads it so.)
	 */
	bool		list_missing_ok;
	const WritesSpec *writes;	/* NULL: the resource is read-only */
	const FilterLanguage *filter;	/* NULL: each rule is a query parameter */

	/*
	 * The most items the API returns for one query, however it is paged
	 * (GitHub search: 1,000), or 0 for no such cap.  A stream that would
	 * read past it is an error, never a silently shorter result: so is a
	 * stream that ends at the cap, unless a page's total_at (the number of
	 * matches, or NULL) said there were no more.
	 */
	int			max_results;
	const char *total_at;
	const char *incomplete_at;	/* path of a boolean that is true when the
								 * API answered with only part of the
								 * matches (a search over its time limit):
								 * an error, not a shorter result; or NULL */
	const char *rate_bucket;	/* the API counts this resource's requests
								 * against a rate limit of their own
								 * ("search"); NULL: the server's */

	/*
	 * Words of a 422 error body that mean a value of the query names
	 * nothing the API knows (GitHub search refuses a repo: that does not
	 * exist): the stream matches no row, as in SQL.  Only for a resource
	 * whose every stream names one such value; NULL: none.
	 */
	const char *no_match_words;

	/*
	 * "POST": the request is a POST whose JSON body holds what the query
	 * string would (a search whose query may be long: Jira's); the URL
	 * with its query string still names the request (cache, EXPLAIN, page
	 * loops), so two bodies never share a name.  Each parameter is a JSON
	 * string, but those in body_numbers (numbers) and body_lists (arrays
	 * of the comma-separated values).  NULL: GET.
	 */
	const char *method;
	const char *const *body_numbers;	/* NULL-terminated, or NULL */
	const char *const *body_lists;	/* NULL-terminated, or NULL */
	const RangeSplitSpec *range_splits; /* terminated by a NULL column; or
										 * NULL: no range is split */

	/*
	 * A GraphQL API (Linear): the POST body is {"query": graphql_query,
	 * "variables": {...}} instead, each parameter of the URL that the query
	 * declares ($name:) one variable (typed as above; the filter language's
	 * param as the JSON object it is); the others only name the page (the
	 * resources share one path: path_template names the operation too,
	 * "/graphql?operation=issues").  graphql_query has one %s, where the selection set of an item
	 * goes: the fields of the columns' paths ("state.name" is
	 * "state { name }", "labels.nodes[*].name" "labels { nodes { name } }").
	 * max_complexity: the points one query may cost (Linear: 10,000); the
	 * page size sent is cut so that the page of items fits (each field 0.1,
	 * each object 1, a connection's items times its page size, 50 unless
	 * given).  NULL: a plain JSON body or a GET.
	 */
	const char *graphql_query;
	int			max_complexity;

	/*
	 * The parameter that names the fields of an item the API returns (Jira's
	 * fields: issues are large), or NULL.  It is sent with only the fields
	 * the query reads: those named by the first segment after
	 * "<fields_param>." of the paths of the columns read ("fields.status.name"
	 * reads status); a column of the whole item (path "") reads every one
	 * default_query names; when no column needs a field, fields_none (the
	 * API's value for none: Jira's "id").  A table option of that name
	 * replaces it, as any default_query parameter's.
	 */
	const char *fields_param;
	const char *fields_none;

	/*
	 * The path of the API's list of the site's fields (Jira's
	 * /rest/api/3/field: [{"id", "name", "custom", "schema"}]): IMPORT
	 * FOREIGN SCHEMA ... OPTIONS (custom_fields 'true') adds a column for each
	 * custom one, read at fields_param.<id> (import_fields.c).  NULL: none.
	 */
	const char *custom_fields_path;
} ResourceSpec;

typedef struct ServiceSpec
{
	const char *name;			/* the "service" server option and the
								 * IMPORT FOREIGN SCHEMA remote schema */
	const char *default_base_url;
	const char *const *headers; /* extra request headers, NULL-terminated */
	const char *error_message_at;	/* path of the API's message in an error
									 * body ("message", "error.message") */
	const char *ok_flag_at;		/* path of a boolean that is false on an
								 * error sent with HTTP 200 (Slack "ok"); NULL
								 * if the API uses HTTP status only */
	const ResourceSpec *resources;	/* terminated by a NULL table */
	const char *not_found_hint; /* HINT of a 404 for a path the API knows */
	const char *unknown_path_words; /* words of an error body that say the
									 * API does not know the path (a wrong
									 * base_url), or NULL */

	/*
	 * A service of many sites (Jira Cloud): the base URL of the site the
	 * server option site names, a format with one %s for it; a server then
	 * needs site or base_url (default_base_url is NULL).  NULL: one site.
	 */
	const char *site_url;
	ServiceAuth auth;

	/*
	 * GraphQL's errors: a JSON answer (of any HTTP status, 200 included)
	 * holding a value at errors_at failed; error_code_at is the path of its
	 * code ("errors[0].extensions.code"), which classifies it (api_error.c:
	 * RATELIMITED is a rate limit, AUTHENTICATION_ERROR a bad token).  NULL:
	 * none.
	 */
	const char *errors_at;
	const char *error_code_at;
} ServiceSpec;

/* in service.c */
extern const ServiceSpec *service_lookup(const char *name);
extern const ServiceSpec *const *service_all(void);
extern char *service_names(void);
extern const ResourceSpec *resource_lookup(const ServiceSpec *service,
										   const char *table);
extern const ColumnSpec *resource_column(const ResourceSpec *resource,
										 const char *column);
extern int	resource_key_index(const ResourceSpec *resource,
							   const char *column);
extern bool resource_is_key_column(const ResourceSpec *resource,
								   const char *column);
extern const KeyPathSpec *resource_key_path(const ResourceSpec *resource,
											const char *column);
extern const char *resource_list_path(const ResourceSpec *resource,
									   const char *const *key_values);
extern bool resource_key_is_required(const ResourceSpec *resource,
									 const char *column);
extern const PushdownSpec *resource_filter_field(const ResourceSpec *resource,
												 const char *name);
extern bool resource_has_default_param(const ResourceSpec *resource,
									   const char *name);
extern const ParamValuesSpec *resource_param_values(const ResourceSpec *resource,
													const char *name);

/* one per service, in src/services/ */
extern const ServiceSpec github_service;
extern const ServiceSpec stripe_service;
extern const ServiceSpec slack_service;
extern const ServiceSpec jira_service;
extern const ServiceSpec linear_service;

#endif							/* SAAS_SERVICE_H */
