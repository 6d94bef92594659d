/*-------------------------------------------------------------------------
 *
 * linear.c
 *		  Linear's GraphQL API: issues, teams, projects, users and the
 *		  comments of an issue, as data.
 *
 * Facts from the Linear SDK's schema and client (shared API digest,
 * section 5): every query is POST /graphql with {query, variables}; a
 * personal API key is sent as "Authorization: <key>", an OAuth token as
 * Bearer; lists are Relay connections paged with first/after while
 * pageInfo.hasNextPage (first defaults to 50); a query may cost at most
 * 10,000 complexity points (linear.app/developers/rate-limiting), so the
 * page size is cut to fit the fields asked for; errors come as GraphQL
 * errors[] with extensions.code, a rate limit as HTTP 400 RATELIMITED.
 *
 * The pushed quals of issues are one IssueFilter, a JSON variable: team,
 * state, assignee, creator, project and cycle are nested filters, labels
 * a collection filter (some).  Times are compared to the millisecond
 * (widened, rechecked).  Archived issues are hidden, as the API does by
 * default.
 *
 * Left out for now: OR, <> and NOT IN (AND-only terms in the engine's
 * filter language; IssueFilter has or, neq and nin), ORDER BY (orderBy's
 * direction is not documented, so no order is claimed), LIKE (contains,
 * startsWith), values of estimate (a float: no such family in pushdown.c)
 * and due_date (a date's text follows DateStyle), identifier (no field of
 * IssueFilter; issue(id) takes it), and filters of teams, projects and
 * users.  The
 * selection set holds the fields of the columns a query reads
 * (request_graphql.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "service.h"

static const char *const linear_headers[] = {
	"Accept: application/json",
	NULL
};

static const char *const linear_numbers[] = {"first", NULL};

static const ColumnSpec linear_issue_columns[] = {
	{"id", "text", "id", CONV_VALUE, "issue id (a UUID)"},
	{"identifier", "text", "identifier", CONV_VALUE, "issue identifier, such as ENG-42"},
	{"number", "integer", "number", CONV_VALUE, "number of the issue in its team"},
	{"title", "text", "title", CONV_VALUE, "title"},
	{"description", "text", "description", CONV_VALUE, "description in Markdown"},
	{"priority", "integer", "priority", CONV_VALUE, "0 none, 1 urgent, 2 high, 3 medium, 4 low"},
	{"estimate", "float8", "estimate", CONV_VALUE, "estimate in points"},
	{"state_name", "text", "state.name", CONV_VALUE, "name of the workflow state"},
	{"state_type", "text", "state.type", CONV_VALUE, "backlog, unstarted, started, completed, canceled or triage"},
	{"team_key", "text", "team.key", CONV_VALUE, "key of the team, such as ENG"},
	{"assignee_email", "text", "assignee.email", CONV_VALUE, "e-mail address of the assignee"},
	{"assignee_name", "text", "assignee.name", CONV_VALUE, "name of the assignee"},
	{"creator_email", "text", "creator.email", CONV_VALUE, "e-mail address of the creator"},
	{"labels", "text[]", "labels.nodes[*].name", CONV_VALUE, "label names"},
	{"project_name", "text", "project.name", CONV_VALUE, "name of the project"},
	{"cycle_number", "integer", "cycle.number", CONV_VALUE, "number of the cycle"},
	{"created_at", "timestamptz", "createdAt", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updatedAt", CONV_VALUE, "last update time"},
	{"started_at", "timestamptz", "startedAt", CONV_VALUE, "time work started"},
	{"completed_at", "timestamptz", "completedAt", CONV_VALUE, "completion time"},
	{"canceled_at", "timestamptz", "canceledAt", CONV_VALUE, "cancellation time"},
	{"due_date", "date", "dueDate", CONV_VALUE, "due date"},
	{"url", "text", "url", CONV_VALUE, "URL of the issue in Linear"},
	{"attrs", "jsonb", "", CONV_VALUE, "the issue's fields as the API returned them"},
	{"team_id", "text", "team.id", CONV_VALUE, "id of the team"},
	{"state_id", "text", "state.id", CONV_VALUE, "id of the workflow state"},
	{"assignee_id", "text", "assignee.id", CONV_VALUE, "id of the assignee"},
	{NULL}
};

/* a comparison of a field in IssueFilter, exact unless said */
#define LINEAR_RANGE(column, field, format, exact) \
	{column, PUSH_LT, field, format, NULL, exact}, \
	{column, PUSH_LE, field, format, NULL, exact}, \
	{column, PUSH_GT, field, format, NULL, exact}, \
	{column, PUSH_GE, field, format, NULL, exact}
#define LINEAR_NULLS(column, field) \
	{column, PUSH_IS_NULL, field, VALUE_TEXT, "true", true}, \
	{column, PUSH_IS_NOT_NULL, field, VALUE_TEXT, "false", true}

/*
 * <> and NOT IN as neq and nin, only on fields never null (priority's
 * none is 0): neq and nin hold on a null field (test/fake/linear.py
 * comparator), where SQL's <> does not, and what they do on a missing
 * related object (assignee, project) is not documented (digest section 5.1)
 */
#define LINEAR_NE(column, field, format) \
	{column, PUSH_NE, field, format, NULL, true}

static const PushdownSpec linear_issue_pushdown[] = {
	{"id", PUSH_EQ, "id", VALUE_TEXT, NULL, true},
	LINEAR_NE("id", "id", VALUE_TEXT),
	{"number", PUSH_EQ, "number", VALUE_NUMBER, NULL, true},
	LINEAR_NE("number", "number", VALUE_NUMBER),
	LINEAR_RANGE("number", "number", VALUE_NUMBER, true),
	{"title", PUSH_EQ, "title", VALUE_TEXT, NULL, true},
	LINEAR_NE("title", "title", VALUE_TEXT),
	{"priority", PUSH_EQ, "priority", VALUE_NUMBER, NULL, true},
	LINEAR_NE("priority", "priority", VALUE_NUMBER),
	LINEAR_RANGE("priority", "priority", VALUE_NUMBER, true),
	LINEAR_NULLS("estimate", "estimate"),
	{"state_name", PUSH_EQ, "state.name", VALUE_TEXT, NULL, true},
	LINEAR_NE("state_name", "state.name", VALUE_TEXT),
	{"state_type", PUSH_EQ, "state.type", VALUE_TEXT, NULL, true},
	LINEAR_NE("state_type", "state.type", VALUE_TEXT),
	{"team_key", PUSH_EQ, "team.key", VALUE_TEXT, NULL, true},
	LINEAR_NE("team_key", "team.key", VALUE_TEXT),
	{"team_id", PUSH_EQ, "team.id", VALUE_TEXT, NULL, true},
	LINEAR_NE("team_id", "team.id", VALUE_TEXT),
	{"state_id", PUSH_EQ, "state.id", VALUE_TEXT, NULL, true},
	LINEAR_NE("state_id", "state.id", VALUE_TEXT),
	{"assignee_id", PUSH_EQ, "assignee.id", VALUE_TEXT, NULL, true},
	{"assignee_email", PUSH_EQ, "assignee.email", VALUE_TEXT, NULL, true},
	LINEAR_NULLS("assignee_email", "assignee"),
	{"creator_email", PUSH_EQ, "creator.email", VALUE_TEXT, NULL, true},
	{"labels", PUSH_CONTAINS, "labels.some.name", VALUE_TEXT, NULL, true},
	{"project_name", PUSH_EQ, "project.name", VALUE_TEXT, NULL, true},
	LINEAR_NULLS("project_name", "project"),
	{"cycle_number", PUSH_EQ, "cycle.number", VALUE_NUMBER, NULL, true},
	LINEAR_RANGE("created_at", "createdAt", VALUE_ISO8601_MS, false),
	LINEAR_RANGE("updated_at", "updatedAt", VALUE_ISO8601_MS, false),
	LINEAR_NULLS("started_at", "startedAt"),
	LINEAR_NULLS("completed_at", "completedAt"),
	LINEAR_NULLS("canceled_at", "canceledAt"),
	LINEAR_NULLS("due_date", "dueDate"),
	{NULL}
};

/* IssueFilter's comparators (schema.graphql; digest section 5.1) */
static const FilterLanguage linear_issue_filter = {
	.name = "GraphQL",
	.param = "filter",
	.operators = {
		[PUSH_EQ] = "eq",
		[PUSH_LT] = "lt",
		[PUSH_LE] = "lte",
		[PUSH_GT] = "gt",
		[PUSH_GE] = "gte",
		[PUSH_CONTAINS] = "eq",
		[PUSH_IS_NULL] = "null",
		[PUSH_IS_NOT_NULL] = "null",
		[PUSH_NE] = "neq",
	},
	.conjunction = "and",
	.quote = '"',
	.escape = '\\',
	.graphql_object = true,
	.list_operator = "in",
	.disjunction = "or",
	.list_operators = {
		[PUSH_EQ] = "in",
		[PUSH_NE] = "nin",
	},
};

/*
 * a connection's page and what follows it, at data.<field>; every table's
 * path names its operation (all share /graphql), so that no two tables'
 * pages share a name in the cache
 */
#define LINEAR_PAGES(field) \
	.items_at = "data." field ".nodes", \
	.pages = PAGES_BODY_CURSOR, \
	.page_size_param = "first", \
	.max_page_size = 250, \
	.cursor_param = "after", \
	.cursor_at = "data." field ".pageInfo.endCursor", \
	.has_more_at = "data." field ".pageInfo.hasNextPage", \
	.identity_at = "id", \
	.method = "POST", \
	.body_numbers = linear_numbers, \
	.max_complexity = 10000

#define LINEAR_PAGE_INFO "pageInfo { hasNextPage endCursor }"

/* a list of the workspace (teams, projects, users): no filter, all pages */
#define LINEAR_WORKSPACE_LIST(field, operation, item_columns) \
	{ \
		.table = field, \
		.path_template = "/graphql?operation=" field, \
		LINEAR_PAGES(field), \
		.columns = item_columns, \
		.doc = field " of the workspace", \
		.graphql_query = "query " operation "($first: Int, $after: String) { " \
		field "(first: $first, after: $after) { nodes { %s } " LINEAR_PAGE_INFO " } }", \
	}

static const ColumnSpec linear_team_columns[] = {
	{"id", "text", "id", CONV_VALUE, "team id"},
	{"key", "text", "key", CONV_VALUE, "team key, such as ENG"},
	{"name", "text", "name", CONV_VALUE, "team name"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"private", "boolean", "private", CONV_VALUE, "whether the team is private"},
	{"attrs", "jsonb", "", CONV_VALUE, "the team's fields as the API returned them"},
	{NULL}
};

static const ColumnSpec linear_project_columns[] = {
	{"id", "text", "id", CONV_VALUE, "project id"},
	{"name", "text", "name", CONV_VALUE, "project name"},
	{"state", "text", "state", CONV_VALUE, "planned, started, paused, completed or canceled"},
	{"url", "text", "url", CONV_VALUE, "URL of the project in Linear"},
	{"start_date", "date", "startDate", CONV_VALUE, "start date"},
	{"target_date", "date", "targetDate", CONV_VALUE, "target date"},
	{"attrs", "jsonb", "", CONV_VALUE, "the project's fields as the API returned them"},
	{NULL}
};

static const ColumnSpec linear_user_columns[] = {
	{"id", "text", "id", CONV_VALUE, "user id"},
	{"name", "text", "name", CONV_VALUE, "full name"},
	{"display_name", "text", "displayName", CONV_VALUE, "display name"},
	{"email", "text", "email", CONV_VALUE, "e-mail address"},
	{"active", "boolean", "active", CONV_VALUE, "whether the account is active"},
	{"admin", "boolean", "admin", CONV_VALUE, "whether the user is an admin"},
	{"attrs", "jsonb", "", CONV_VALUE, "the user's fields as the API returned them"},
	{NULL}
};

static const char *const issue_id_key[] = {"issue_id", NULL};

static const ColumnSpec linear_comment_columns[] = {
	{"issue_id", "text", NULL, CONV_VALUE, "id or identifier (ENG-42) of the issue"},
	{"id", "text", "id", CONV_VALUE, "comment id"},
	{"body", "text", "body", CONV_VALUE, "body in Markdown"},
	{"user_email", "text", "user.email", CONV_VALUE, "e-mail address of the author"},
	{"user_name", "text", "user.name", CONV_VALUE, "name of the author"},
	{"created_at", "timestamptz", "createdAt", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updatedAt", CONV_VALUE, "last update time"},
	{"url", "text", "url", CONV_VALUE, "URL of the comment in Linear"},
	{"attrs", "jsonb", "", CONV_VALUE, "the comment's fields as the API returned them"},
	{NULL}
};

/*
 * Writes are mutations (schema.graphql: issueCreate(input:
 * IssueCreateInput!), issueUpdate(id: String!, input: IssueUpdateInput!),
 * commentCreate(input: CommentCreateInput!), each answering a payload of
 * success and the object).  Aliased write and item, so that one result_at
 * reads every answer.  issueDelete trashes an issue for 30 days (the
 * schema's words) and is not offered: an UPDATE to a canceled state is
 * Linear's own way.  Linear has no idempotency key: at most once.
 */
#define LINEAR_MUTATION(name, args, call, payload) \
	"mutation " name "(" args ") { write: " call " { success item: " payload " { %s } } }"

static const char *const linear_issue_insert_columns[] = {
	"title", "description", "priority", "estimate", "due_date", "team_id",
	"state_id", "assignee_id", NULL
};
static const char *const linear_issue_update_columns[] = {
	"title", "description", "priority", "estimate", "due_date", "state_id",
	"assignee_id", NULL
};
static const char *const linear_issue_required[] = {"team_id", "title", NULL};
static const char *const linear_id_key[] = {"id", NULL};
static const char *const linear_comment_columns_written[] = {"issue_id", "body", NULL};
static const char *const linear_comment_required[] = {"issue_id", "body", NULL};
static const char *const linear_body_names[] = {
	"due_date:dueDate", "team_id:teamId", "state_id:stateId",
	"assignee_id:assigneeId", "issue_id:issueId", NULL
};

static const WritesSpec linear_issue_writes = {
	.insert = {"POST", "/graphql", linear_issue_insert_columns, linear_issue_required,
		.graphql_mutation = LINEAR_MUTATION("IssueCreate", "$input: IssueCreateInput!",
											"issueCreate(input: $input)", "issue")},
	.update = {"POST", "/graphql", linear_issue_update_columns, NULL, NULL, linear_id_key,
		.graphql_mutation = LINEAR_MUTATION("IssueUpdate",
											"$id: String!, $input: IssueUpdateInput!",
											"issueUpdate(id: $id, input: $input)", "issue")},
	.delete = {NULL, NULL, NULL, NULL,
		"Linear's issueDelete only trashes an issue: cancel it instead, UPDATE ... SET state_id = the id of a canceled state of its team."},
	.body = BODY_GRAPHQL,
	.result_at = "data.write.item",
	.body_names = linear_body_names,
	.success_at = "data.write.success",
};

static const WritesSpec linear_comment_writes = {
	.insert = {"POST", "/graphql", linear_comment_columns_written, linear_comment_required,
		.graphql_mutation = LINEAR_MUTATION("CommentCreate", "$input: CommentCreateInput!",
											"commentCreate(input: $input)", "comment")},
	.update = {NULL, NULL, NULL, NULL, "saas_fdw writes Linear comments only by INSERT."},
	.delete = {NULL, NULL, NULL, NULL, "saas_fdw writes Linear comments only by INSERT."},
	.body = BODY_GRAPHQL,
	.result_at = "data.write.item",
	.body_names = linear_body_names,
	.success_at = "data.write.success",
};

static const ResourceSpec linear_resources[] = {
	{
		.table = "issues",
		.path_template = "/graphql?operation=issues",
		LINEAR_PAGES("issues"),
		.columns = linear_issue_columns,
		.pushdown = linear_issue_pushdown,
		.doc = "issues of the workspace, archived ones left out",
		.filter = &linear_issue_filter,
		.writes = &linear_issue_writes,
		.graphql_query = "query Issues($filter: IssueFilter, $first: Int, $after: String) "
		"{ issues(filter: $filter, first: $first, after: $after) "
		"{ nodes { %s } " LINEAR_PAGE_INFO " } }",
	},
	LINEAR_WORKSPACE_LIST("teams", "Teams", linear_team_columns),
	LINEAR_WORKSPACE_LIST("projects", "Projects", linear_project_columns),
	LINEAR_WORKSPACE_LIST("users", "Users", linear_user_columns),
	{
		.table = "comments",
		.path_template = "/graphql?operation=comments&issue_id={issue_id}",
		.key_columns = issue_id_key,
		LINEAR_PAGES("issue.comments"),
		.columns = linear_comment_columns,
		.doc = "comments of an issue",
		.writes = &linear_comment_writes,
		.graphql_query = "query Comments($issue_id: String!, $first: Int, $after: String) "
		"{ issue(id: $issue_id) { comments(first: $first, after: $after) "
		"{ nodes { %s } " LINEAR_PAGE_INFO " } } }",
	},
	{NULL}
};

const ServiceSpec linear_service = {
	.name = "linear",
	.default_base_url = "https://api.linear.app",
	.headers = linear_headers,
	.error_message_at = "errors[0].message",
	.resources = linear_resources,
	.not_found_hint = "Check the server option base_url: Linear answers at https://api.linear.app/graphql.",
	.auth = AUTH_KEY,
	.errors_at = "errors",
	.error_code_at = "errors[0].extensions.code",
};
