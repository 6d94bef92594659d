/*-------------------------------------------------------------------------
 *
 * jira.c
 *		  Jira Cloud REST API v3: issue search with JQL, as data.
 *
 * Facts from the Atlassian REST reference (shared API digest, section 4):
 * issues are searched with POST /rest/api/3/search/jql and a JSON body
 * {jql, fields, maxResults, nextPageToken} (the old /search was removed in
 * 2025); pages follow nextPageToken, absent on the last page; only the ids
 * come back unless fields are named; a site is https://<site>.atlassian.net
 * and authentication is Basic, of an e-mail address and an API token.
 *
 * The pushed quals are the clauses of one JQL query, ANDed, an OR or NOT
 * of them a parenthesized clause of its own (a boolean tree): each value in
 * double quotes with '"' and '\' escaped, so no value, whatever reserved
 * word, character or function call it holds, changes the query.  An IN
 * list makes one search per value.  JQL refuses a value of project,
 * status, type, priority, user, component or version that does not exist
 * with a 400 ("The value 'X' does not exist for the field 'status'."):
 * the clauses being ANDed, such a search matches no row, as in SQL; when
 * the query has an OR or a != (a tree), the scan asks again without the
 * tree (emit_stream in request.c), as the value may be in one arm.  JQL
 * times are minutes in the searching user's time zone: bounds are widened
 * (VALUE_LOCAL_MINUTE) and rechecked.  Names match without case in JQL,
 * so every pushed qual is rechecked too.
 *
 * The jql column (or table option) is the user's own JQL, ANDed in
 * parentheses: a table fixed to jql 'project = ENG' is always bounded.
 *
 * != and NOT IN are rules only of the project and issue keys, which Jira
 * holds in upper case (VALUE_UPPER_NAME): JQL matches names without case,
 * so "status != done" would drop the rows of status Done, which SQL's
 * status <> 'done' keeps.  NOT of another name stays local.
 *
 * Left out: summary ~ for ILIKE (JQL's ~ matches whole words, stemmed, so
 * '%word%' inside a longer word would be lost), and ORDER BY key and
 * priority (see jira_issue_sorts).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "service.h"

static const char *const jira_headers[] = {
	"Accept: application/json",
	NULL
};

static const char *const jql_key[] = {"jql", NULL};

static const ColumnSpec jira_issue_columns[] = {
	{"key", "text", "key", CONV_VALUE, "issue key, such as ENG-42"},
	{"id", "text", "id", CONV_VALUE, "issue id"},
	{"project_key", "text", "fields.project.key", CONV_VALUE, "key of the project"},
	{"summary", "text", "fields.summary", CONV_VALUE, "summary"},
	{"description", "text", "fields.description", CONV_ADF_TEXT, "description as plain text (its Atlassian Document Format is in attrs; a jsonb column reads the document)"},
	{"status", "text", "fields.status.name", CONV_VALUE, "status name"},
	{"status_category", "text", "fields.status.statusCategory.key", CONV_VALUE, "new, indeterminate or done"},
	{"issue_type", "text", "fields.issuetype.name", CONV_VALUE, "issue type name"},
	{"priority", "text", "fields.priority.name", CONV_VALUE, "priority name"},
	{"assignee_account_id", "text", "fields.assignee.accountId", CONV_VALUE, "account id of the assignee"},
	{"assignee_name", "text", "fields.assignee.displayName", CONV_VALUE, "display name of the assignee"},
	{"reporter_account_id", "text", "fields.reporter.accountId", CONV_VALUE, "account id of the reporter"},
	{"reporter_name", "text", "fields.reporter.displayName", CONV_VALUE, "display name of the reporter"},
	{"labels", "text[]", "fields.labels", CONV_VALUE, "labels"},
	{"components", "text[]", "fields.components[*].name", CONV_VALUE, "component names"},
	{"fix_versions", "text[]", "fields.fixVersions[*].name", CONV_VALUE, "fix version names"},
	{"parent_key", "text", "fields.parent.key", CONV_VALUE, "key of the parent issue"},
	{"created", "timestamptz", "fields.created", CONV_VALUE, "creation time"},
	{"updated", "timestamptz", "fields.updated", CONV_VALUE, "last update time"},
	{"resolution", "text", "fields.resolution.name", CONV_VALUE, "resolution name"},
	{"resolution_date", "timestamptz", "fields.resolutiondate", CONV_VALUE, "resolution time"},
	{"due_date", "date", "fields.duedate", CONV_VALUE, "due date"},
	{"jql", "text", NULL, CONV_VALUE, "your own JQL, ANDed to the pushed clauses"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole issue as the API returned it"},
	{NULL}
};

/*
 * Writing issues (Jira Cloud REST API v3; shared API digest, section 4,
 * for the site, auth and ErrorCollection): "Create issue" is POST
 * /rest/api/3/issue with {"fields": {"project": {"key"}, "summary",
 * "issuetype": {"name"}, ...}}, answering 201 with {id, key, self} only;
 * "Edit issue" is PUT /rest/api/3/issue/{issueIdOrKey} with the fields to
 * change, answering 204 with no body; "Delete issue" is DELETE of the same
 * path, 204 (refused with a 400 while the issue has subtasks, unless
 * deleteSubtasks, which saas_fdw does not send).  Each column is written at
 * its read path, description (plain text) as an ADF document of one
 * paragraph per line; RETURNING reads the issue back with "Get issue",
 * GET /rest/api/3/issue/{key}.  Jira has no idempotency key: writes are
 * sent at most once.
 */
static const char *const jira_issue_insert_columns[] = {
	"project_key", "summary", "issue_type", "description", "labels",
	"priority", "assignee_account_id", "parent_key", "due_date", NULL
};
static const char *const jira_issue_update_columns[] = {
	"summary", "issue_type", "description", "labels", "priority",
	"assignee_account_id", "parent_key", "due_date", NULL
};
static const char *const jira_issue_required[] = {
	"project_key", "summary", "issue_type", NULL
};
static const char *const jira_issue_adf[] = {"description", NULL};

static const WritesSpec jira_issue_writes = {
	.insert = {"POST", "/rest/api/3/issue", jira_issue_insert_columns,
	jira_issue_required},
	.update = {"PUT", "/rest/api/3/issue/{key}", jira_issue_update_columns},
	.delete = {"DELETE", "/rest/api/3/issue/{key}"},
	.body = BODY_JSON,
	.body_at_paths = true,
	.adf_columns = jira_issue_adf,
	.refetch_path = "/rest/api/3/issue/{key}",
};

/*
 * ORDER BY in JQL: created and updated are never empty.  key is left out
 * (JQL orders keys by project, then number, not as text), and so is
 * priority (by the site's priority order).
 */
static const SortSpec jira_issue_sorts[] = {
	{"created", "ORDER BY created ASC", "ORDER BY created DESC"},
	{"updated", "ORDER BY updated ASC", "ORDER BY updated DESC"},
	{NULL}
};

/* a time range clause: minutes in the user's zone, widened, rechecked */
#define JIRA_TIME(column, field) \
	{column, PUSH_LT, field, VALUE_LOCAL_MINUTE, NULL, false}, \
	{column, PUSH_LE, field, VALUE_LOCAL_MINUTE, NULL, false}, \
	{column, PUSH_GT, field, VALUE_LOCAL_MINUTE, NULL, false}, \
	{column, PUSH_GE, field, VALUE_LOCAL_MINUTE, NULL, false}

static const PushdownSpec jira_issue_pushdown[] = {
	{"project_key", PUSH_EQ, "project", VALUE_UPPER_NAME, NULL, true},
	{"project_key", PUSH_NE, "project", VALUE_UPPER_NAME, NULL, true},
	{"key", PUSH_EQ, "key", VALUE_UPPER_NAME, NULL, true},
	{"key", PUSH_NE, "key", VALUE_UPPER_NAME, NULL, true},
	{"status", PUSH_EQ, "status", VALUE_TEXT, NULL, true},
	{"issue_type", PUSH_EQ, "issuetype", VALUE_TEXT, NULL, true},
	{"priority", PUSH_EQ, "priority", VALUE_TEXT, NULL, true},
	{"priority", PUSH_IS_NULL, "priority", VALUE_TEXT, "EMPTY", true},
	{"priority", PUSH_IS_NOT_NULL, "priority", VALUE_TEXT, "EMPTY", true},
	{"assignee_account_id", PUSH_EQ, "assignee", VALUE_TEXT, NULL, true},
	{"assignee_account_id", PUSH_IS_NULL, "assignee", VALUE_TEXT, "EMPTY", true},
	{"assignee_account_id", PUSH_IS_NOT_NULL, "assignee", VALUE_TEXT, "EMPTY", true},
	{"reporter_account_id", PUSH_EQ, "reporter", VALUE_TEXT, NULL, true},
	{"labels", PUSH_CONTAINS, "labels", VALUE_TEXT, NULL, false},
	{"components", PUSH_CONTAINS, "component", VALUE_TEXT, NULL, false},
	{"fix_versions", PUSH_CONTAINS, "fixVersion", VALUE_TEXT, NULL, false},
	JIRA_TIME("created", "created"),
	JIRA_TIME("updated", "updated"),
	JIRA_TIME("resolution_date", "resolutiondate"),
	{NULL}
};

/*
 * JQL (Atlassian, "Use advanced search with JQL"): strings in double
 * quotes, '"' and '\' escaped with '\'; ranges are sent inclusive, their
 * bounds widened to whole minutes (VALUE_LOCAL_MINUTE).
 */
static const FilterLanguage jql_language = {
	.name = "JQL",
	.param = "jql",
	.operators = {
		[PUSH_EQ] = " = ",
		[PUSH_LT] = " <= ",
		[PUSH_LE] = " <= ",
		[PUSH_GT] = " >= ",
		[PUSH_GE] = " >= ",
		[PUSH_CONTAINS] = " = ",
		[PUSH_IS_NULL] = " is ",
		[PUSH_IS_NOT_NULL] = " is not ",
		[PUSH_NE] = " != ",
	},
	.conjunction = " AND ",
	.quote = '"',
	.escape = '\\',
	.bare_chars = NULL,
	.text_column = "jql",
	.text_format = "(%s)",
	.order_in_query = true,
	.disjunction = " OR ",
	.group_format = "(%s)",
	.list_operators = {
		[PUSH_EQ] = " in ",
		[PUSH_NE] = " not in ",
	},
	.list_format = "(%s)",
	.list_separator = ", ",
};

static const char *const jira_body_numbers[] = {"maxResults", NULL};
static const char *const jira_body_lists[] = {"fields", NULL};

/*
 * Projects: GET /rest/api/3/project/search, pages of at most 100 whose
 * body names the next page's URL (nextPage, absent on the last).
 */
static const ColumnSpec jira_project_columns[] = {
	{"key", "text", "key", CONV_VALUE, "project key, such as ENG"},
	{"id", "text", "id", CONV_VALUE, "project id"},
	{"name", "text", "name", CONV_VALUE, "project name"},
	{"project_type", "text", "projectTypeKey", CONV_VALUE, "software, business or service_desk"},
	{"lead_account_id", "text", "lead.accountId", CONV_VALUE, "account id of the project lead"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole project as the API returned it"},
	{NULL}
};

static const PushdownSpec jira_project_pushdown[] = {
	{"key", PUSH_EQ, "keys", VALUE_TEXT, NULL, true},
	{NULL}
};

/*
 * Comments of an issue: GET /rest/api/3/issue/{key}/comment, pages that
 * say where they start (startAt) and how many comments there are (total);
 * bodies are Atlassian Document Format.
 */
static const char *const issue_key[] = {"issue_key", NULL};

static const ColumnSpec jira_comment_columns[] = {
	{"issue_key", "text", NULL, CONV_VALUE, "key (or id) of the issue"},
	{"id", "text", "id", CONV_VALUE, "comment id"},
	{"author_account_id", "text", "author.accountId", CONV_VALUE, "account id of the author"},
	{"author_name", "text", "author.displayName", CONV_VALUE, "display name of the author"},
	{"body", "text", "body", CONV_ADF_TEXT, "body as plain text (its Atlassian Document Format is in attrs; a jsonb column reads the document)"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"updated", "timestamptz", "updated", CONV_VALUE, "last update time"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole comment as the API returned it"},
	{NULL}
};

/*
 * Writing comments: "Add comment" is POST
 * /rest/api/3/issue/{issueIdOrKey}/comment with {"body": ADF}, answering
 * 201 with the comment.  Editing and deleting comments are left out.
 */
static const char *const jira_comment_write_columns[] = {"body", NULL};

static const WritesSpec jira_comment_writes = {
	.insert = {"POST", "/rest/api/3/issue/{issue_key}/comment",
	jira_comment_write_columns, jira_comment_write_columns},
	.update = {.refusal_hint = "saas_fdw only adds comments to Jira: edit the comment in Jira."},
	.delete = {.refusal_hint = "saas_fdw only adds comments to Jira: delete the comment in Jira."},
	.body = BODY_JSON,
	.adf_columns = jira_comment_write_columns,
};

static const ResourceSpec jira_resources[] = {
	{
		.table = "issues",
		.path_template = "/rest/api/3/search/jql",
		.key_columns = jql_key,
		.items_at = "issues",
		.pages = PAGES_BODY_CURSOR,
		.page_size_param = "maxResults",
		.max_page_size = 100,
		.cursor_param = "nextPageToken",
		.cursor_at = "nextPageToken",
		.default_query = "fields=project,summary,description,status,issuetype,priority,assignee,reporter,labels,components,fixVersions,parent,created,updated,resolution,resolutiondate,duedate",
		.identity_at = "id",
		.columns = jira_issue_columns,
		.pushdown = jira_issue_pushdown,
		.sorts = jira_issue_sorts,
		.doc = "issues found by a JQL search",
		.filter = &jql_language,
		.no_match_words = "does not exist for",
		.method = "POST",
		.body_numbers = jira_body_numbers,
		.body_lists = jira_body_lists,
		.fields_param = "fields",
		.fields_none = "id",
		.custom_fields_path = "/rest/api/3/field",
		.writes = &jira_issue_writes,
	},
	{
		.table = "projects",
		.path_template = "/rest/api/3/project/search",
		.items_at = "values",
		.pages = PAGES_BODY_NEXT_URL,
		.page_size_param = "maxResults",
		.max_page_size = 100,
		.cursor_at = "nextPage",
		.default_query = "expand=lead",
		.identity_at = "id",
		.columns = jira_project_columns,
		.pushdown = jira_project_pushdown,
		.doc = "projects of the site",
	},
	{
		.table = "issue_comments",
		.path_template = "/rest/api/3/issue/{issue_key}/comment",
		.key_columns = issue_key,
		.items_at = "comments",
		.pages = PAGES_OFFSET,
		.page_size_param = "maxResults",
		.max_page_size = 100,
		.cursor_param = "startAt",
		.cursor_at = "startAt",
		.total_at = "total",
		.identity_at = "id",
		.columns = jira_comment_columns,
		.doc = "comments of an issue, oldest first",
		.writes = &jira_comment_writes,
	},
	{NULL}
};

const ServiceSpec jira_service = {
	.name = "jira",
	.default_base_url = NULL,
	.headers = jira_headers,
	.error_message_at = "errorMessages[0]",
	.resources = jira_resources,
	.not_found_hint = "Check the server option site (your site is https://<site>.atlassian.net).",
	.site_url = "https://%s.atlassian.net",
	.auth = AUTH_BASIC,
};
