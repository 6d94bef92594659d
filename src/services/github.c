/*-------------------------------------------------------------------------
 *
 * github.c
 *		  GitHub REST API: issues and issue comments, as data.
 *
 * Facts from the GitHub REST reference (API version 2022-11-28): list
 * endpoints page with a Link header (per_page at most 100); the issues list
 * returns only open issues unless told otherwise, so state=all is sent
 * whenever the query does not filter on state; pull requests are issues
 * with a "pull_request" key; "since" filters on updated_at >= a time cut to
 * the second, so it is never exact.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "service.h"

static const char *const github_headers[] = {
	"Accept: application/vnd.github+json",
	"X-GitHub-Api-Version: 2022-11-28",
	NULL
};

static const char *const repo_key[] = {"repo", NULL};
static const char *const repo_issue_key[] = {"repo", "issue_number", NULL};

static const ColumnSpec github_issue_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"number", "integer", "number", CONV_VALUE, "issue number within the repository"},
	{"id", "bigint", "id", CONV_VALUE, "global issue id"},
	{"title", "text", "title", CONV_VALUE, "title"},
	{"body", "text", "body", CONV_VALUE, "body in Markdown"},
	{"state", "text", "state", CONV_VALUE, "open or closed"},
	{"state_reason", "text", "state_reason", CONV_VALUE, "completed, not_planned, reopened or null"},
	{"user_login", "text", "user.login", CONV_VALUE, "login of the author"},
	{"labels", "text[]", "labels[*].name", CONV_VALUE, "label names"},
	{"assignees", "text[]", "assignees[*].login", CONV_VALUE, "logins of the assignees"},
	{"milestone", "integer", "milestone.number", CONV_VALUE, "milestone number"},
	{"comments", "integer", "comments", CONV_VALUE, "number of comments"},
	{"locked", "boolean", "locked", CONV_VALUE, "conversation locked"},
	{"is_pull_request", "boolean", "pull_request", CONV_PRESENT, "true for a pull request"},
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updated_at", CONV_VALUE, "last update time"},
	{"closed_at", "timestamptz", "closed_at", CONV_VALUE, "closing time"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the issue"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole issue as the API returned it"},
	{NULL}
};

/* the only states an issue has; "all" is a request, never a value */
static const char *const github_issue_states[] = {"open", "closed", NULL};

/* "state: open, closed, all. Default: open" (List repository issues) */
static const char *const github_state_params[] = {"open", "closed", "all", NULL};

static const ParamValuesSpec github_issue_params[] = {
	{"state", github_state_params, false},
	{NULL}
};

static const PushdownSpec github_issue_pushdown[] = {
	{"state", PUSH_EQ, "state", VALUE_TEXT, NULL, true, NULL, github_issue_states},
	{"user_login", PUSH_EQ, "creator", VALUE_TEXT, NULL, true},
	{"assignees", PUSH_CONTAINS, "assignee", VALUE_TEXT, NULL, false},
	{"labels", PUSH_CONTAINS, "labels", VALUE_CSV, NULL, false},
	{"milestone", PUSH_EQ, "milestone", VALUE_TEXT, NULL, true},
	{"milestone", PUSH_IS_NULL, "milestone", VALUE_TEXT, "none", true},
	{"milestone", PUSH_IS_NOT_NULL, "milestone", VALUE_TEXT, "*", true},
	{"updated_at", PUSH_GE, "since", VALUE_ISO8601, NULL, false},
	{"updated_at", PUSH_GT, "since", VALUE_ISO8601, NULL, false},
	{NULL}
};

static const SortSpec github_issue_sorts[] = {
	{"created_at", "sort=created&direction=asc", "sort=created&direction=desc"},
	{"updated_at", "sort=updated&direction=asc", "sort=updated&direction=desc"},
	{"comments", "sort=comments&direction=asc", "sort=comments&direction=desc"},
	{NULL}
};

static const ColumnSpec github_comment_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"issue_number", "integer", NULL, CONV_VALUE, "number of the issue"},
	{"id", "bigint", "id", CONV_VALUE, "comment id"},
	{"body", "text", "body", CONV_VALUE, "body in Markdown"},
	{"user_login", "text", "user.login", CONV_VALUE, "login of the author"},
	{"author_association", "text", "author_association", CONV_VALUE, "OWNER, MEMBER, CONTRIBUTOR, NONE, ..."},
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updated_at", CONV_VALUE, "last update time"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the comment"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole comment as the API returned it"},
	{NULL}
};

static const PushdownSpec github_comment_pushdown[] = {
	{"updated_at", PUSH_GE, "since", VALUE_ISO8601, NULL, false},
	{"updated_at", PUSH_GT, "since", VALUE_ISO8601, NULL, false},
	{NULL}
};

/* "Issue comments are ordered by ascending ID." */
static const SortSpec github_comment_sorts[] = {
	{"id", "", NULL},
	{NULL}
};

static const ResourceSpec github_resources[] = {
	{
		.table = "issues",
		.path_template = "/repos/{repo}/issues",
		.key_columns = repo_key,
		.items_at = "",
		.pages = PAGES_LINK_HEADER,
		.page_size_param = "per_page",
		.page_number_param = "page",
		.max_page_size = 100,
		.default_query = "state=all",
		.single_path = "/repos/{repo}/issues/{number}",
		.single_key = "number",
		.identity_at = "id",	/* global: the same issue under any repo spelling */
		.columns = github_issue_columns,
		.pushdown = github_issue_pushdown,
		.sorts = github_issue_sorts,
		.doc = "issues and pull requests of a repository",
		.param_values = github_issue_params,
	},
	{
		.table = "issue_comments",
		.path_template = "/repos/{repo}/issues/{issue_number}/comments",
		.key_columns = repo_issue_key,
		.items_at = "",
		.pages = PAGES_LINK_HEADER,
		.page_size_param = "per_page",
		.page_number_param = "page",
		.max_page_size = 100,
		.identity_at = "id",
		.columns = github_comment_columns,
		.pushdown = github_comment_pushdown,
		.sorts = github_comment_sorts,
		.doc = "comments on an issue or pull request",
	},
	{NULL}
};

const ServiceSpec github_service = {
	.name = "github",
	.default_base_url = "https://api.github.com",
	.headers = github_headers,
	.error_message_at = "message",
	.ok_flag_at = NULL,
	.resources = github_resources,
	/* GitHub answers "Not Found" both for a path it does not know and for a
	 * repository the token cannot see */
	.not_found_hint = "Check the key values the query gives (such as repo 'owner/name') and that the token can see them: GitHub answers 404 for private repositories the token cannot read, and for a path it does not know (check the server option base_url).",
};
