/*-------------------------------------------------------------------------
 *
 * github.c
 *		  GitHub REST API: issues, issue comments, pull requests and their
 *		  reviews, commits, releases, labels, milestones, workflow runs
 *		  and the repositories of an organization or a user, as data.
 *
 * Facts from the GitHub REST reference (API version 2022-11-28): list
 * endpoints page with a Link header (per_page at most 100); the issues list
 * returns only open issues unless told otherwise, so state=all is sent
 * whenever the query does not filter on state; pull requests are issues
 * with a "pull_request" key; "since" filters on updated_at >= a time cut to
 * the second, so it is never exact.
 *
 * commits' sha = stays local: GitHub answers an unknown sha with 422, not
 * 404, so the single commit could not stand for "no row".
 * Left out for now, for want of a model concept: commits' sha (start
 * branch) and path parameters (a parameter sent only when a table option or
 * qual gives it, with no column to compare), pulls' ORDER BY popularity
 * (the list has no comment count to order by), and milestones' ORDER BY
 * due_on (GitHub does not say where milestones without a due date go, so
 * the NULLS placement PostgreSQL expects cannot be promised).
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
static const char *const repo_pull_key[] = {"repo", "pull_number", NULL};

/* the columns of an issue item, in the issues list and in search */
#define GITHUB_ISSUE_ITEM_COLUMNS \
	{"number", "integer", "number", CONV_VALUE, "issue number within the repository"}, \
	{"id", "bigint", "id", CONV_VALUE, "global issue id"}, \
	{"title", "text", "title", CONV_VALUE, "title"}, \
	{"body", "text", "body", CONV_VALUE, "body in Markdown"}, \
	{"state", "text", "state", CONV_VALUE, "open or closed"}, \
	{"state_reason", "text", "state_reason", CONV_VALUE, "completed, not_planned, reopened or null"}, \
	{"user_login", "text", "user.login", CONV_VALUE, "login of the author"}, \
	{"labels", "text[]", "labels[*].name", CONV_VALUE, "label names"}, \
	{"assignees", "text[]", "assignees[*].login", CONV_VALUE, "logins of the assignees"}, \
	{"milestone", "integer", "milestone.number", CONV_VALUE, "milestone number"}, \
	{"comments", "integer", "comments", CONV_VALUE, "number of comments"}, \
	{"locked", "boolean", "locked", CONV_VALUE, "conversation locked"}, \
	{"is_pull_request", "boolean", "pull_request", CONV_PRESENT, "true for a pull request"}, \
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"}, \
	{"updated_at", "timestamptz", "updated_at", CONV_VALUE, "last update time"}, \
	{"closed_at", "timestamptz", "closed_at", CONV_VALUE, "closing time"}, \
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the issue"}

static const ColumnSpec github_issue_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	GITHUB_ISSUE_ITEM_COLUMNS,
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
	{"milestone", PUSH_EQ, "milestone", VALUE_NUMBERED, NULL, true},
	{"milestone", PUSH_IS_NULL, "milestone", VALUE_TEXT, "none", true},
	{"milestone", PUSH_IS_NOT_NULL, "milestone", VALUE_TEXT, "*", true},
	{"updated_at", PUSH_GE, "since", VALUE_ISO8601, NULL, false},
	{"updated_at", PUSH_GT, "since", VALUE_ISO8601, NULL, false},
	{NULL}
};

/* the orders of issues; the list and search name the direction apart */
#define GITHUB_ISSUE_SORTS(direction) \
	{"created_at", "sort=created&" direction "=asc", "sort=created&" direction "=desc"}, \
	{"updated_at", "sort=updated&" direction "=asc", "sort=updated&" direction "=desc"}, \
	{"comments", "sort=comments&" direction "=asc", "sort=comments&" direction "=desc"}

static const SortSpec github_issue_sorts[] = {
	GITHUB_ISSUE_SORTS("direction"),
	{NULL}
};

/*
 * Writing issues.  "Create an issue" is POST /repos/{owner}/{repo}/issues
 * with title (required), body, labels, assignees and milestone (its
 * number); "Update an issue" is PATCH .../issues/{issue_number}, which also
 * takes state and state_reason (REST reference, API version 2022-11-28).
 * Both answer with the issue.  The REST API has no request that deletes an
 * issue: it is closed instead.  "If you are making a large number of POST,
 * PATCH, PUT, or DELETE requests, wait at least one second between each
 * request", and "make requests serially instead of concurrently" ("Best
 * practices for using the REST API"): writes are paced.
 */
static const char *const github_issue_insert_columns[] = {
	"title", "body", "labels", "assignees", "milestone", NULL
};
static const char *const github_issue_update_columns[] = {
	"title", "body", "state", "state_reason", "labels", "assignees",
	"milestone", NULL
};
static const char *const github_issue_required[] = {"title", NULL};

static const WritesSpec github_issue_writes = {
	.insert = {"POST", "/repos/{repo}/issues", github_issue_insert_columns,
	github_issue_required},
	.update = {"PATCH", "/repos/{repo}/issues/{number}",
	github_issue_update_columns},
	.delete = {.refusal_hint = "GitHub cannot delete an issue through its REST API: close it with UPDATE ... SET state = 'closed'."},
	.body = BODY_JSON,
	.paced = true,
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

/*
 * Writing issue comments: "Create an issue comment" is POST
 * .../issues/{issue_number}/comments with body (required); "Update an issue
 * comment" PATCH and "Delete an issue comment" DELETE
 * /repos/{owner}/{repo}/issues/comments/{comment_id}, which name the
 * comment by its id alone (REST reference, API version 2022-11-28).
 */
static const char *const github_comment_write_columns[] = {"body", NULL};

static const WritesSpec github_comment_writes = {
	.insert = {"POST", "/repos/{repo}/issues/{issue_number}/comments",
	github_comment_write_columns, github_comment_write_columns},
	.update = {"PATCH", "/repos/{repo}/issues/comments/{id}",
	github_comment_write_columns},
	.delete = {"DELETE", "/repos/{repo}/issues/comments/{id}"},
	.body = BODY_JSON,
	.paced = true,
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

/*
 * Pull requests.  The list gives "pull-request-simple" items; the single
 * pull (number =) adds merged and the counts, which are null in a list.
 */
static const ColumnSpec github_pull_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"number", "integer", "number", CONV_VALUE, "pull request number within the repository"},
	{"id", "bigint", "id", CONV_VALUE, "global pull request id"},
	{"title", "text", "title", CONV_VALUE, "title"},
	{"body", "text", "body", CONV_VALUE, "body in Markdown"},
	{"state", "text", "state", CONV_VALUE, "open or closed"},
	{"user_login", "text", "user.login", CONV_VALUE, "login of the author"},
	{"head_ref", "text", "head.ref", CONV_VALUE, "branch the changes come from"},
	{"head_label", "text", "head.label", CONV_VALUE, "head as owner:branch"},
	{"base_ref", "text", "base.ref", CONV_VALUE, "branch the changes go into"},
	{"draft", "boolean", "draft", CONV_VALUE, "a draft pull request"},
	{"labels", "text[]", "labels[*].name", CONV_VALUE, "label names"},
	{"merged_at", "timestamptz", "merged_at", CONV_VALUE, "merge time, null if not merged"},
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updated_at", CONV_VALUE, "last update time"},
	{"closed_at", "timestamptz", "closed_at", CONV_VALUE, "closing time"},
	{"merged", "boolean", "merged", CONV_VALUE, "merged (only with number =; null otherwise)"},
	{"comments", "integer", "comments", CONV_VALUE, "number of comments (only with number =)"},
	{"review_comments", "integer", "review_comments", CONV_VALUE, "number of review comments (only with number =)"},
	{"commits", "integer", "commits", CONV_VALUE, "number of commits (only with number =)"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the pull request"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole pull request as the API returned it"},
	{NULL}
};

static const PushdownSpec github_pull_pushdown[] = {
	{"state", PUSH_EQ, "state", VALUE_TEXT, NULL, true, NULL, github_issue_states},
	{"head_label", PUSH_EQ, "head", VALUE_TEXT, NULL, true},
	{"base_ref", PUSH_EQ, "base", VALUE_TEXT, NULL, true},
	{NULL}
};

/* direction is always sent: its default depends on sort (README 1.4) */
/* "state: Either open, closed, or all to filter by state." (List pull
 * requests; List milestones says the same of a milestone's state) */
static const ParamValuesSpec github_pull_params[] = {
	{"state", github_state_params, false},
	{NULL}
};

static const SortSpec github_pull_sorts[] = {
	{"created_at", "sort=created&direction=asc", "sort=created&direction=desc"},
	{"updated_at", "sort=updated&direction=asc", "sort=updated&direction=desc"},
	{NULL}
};

static const ColumnSpec github_review_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"pull_number", "integer", NULL, CONV_VALUE, "number of the pull request"},
	{"id", "bigint", "id", CONV_VALUE, "review id"},
	{"user_login", "text", "user.login", CONV_VALUE, "login of the reviewer"},
	{"state", "text", "state", CONV_VALUE, "APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING"},
	{"body", "text", "body", CONV_VALUE, "review text in Markdown"},
	{"commit_id", "text", "commit_id", CONV_VALUE, "sha of the commit reviewed"},
	{"author_association", "text", "author_association", CONV_VALUE, "OWNER, MEMBER, CONTRIBUTOR, NONE, ..."},
	{"submitted_at", "timestamptz", "submitted_at", CONV_VALUE, "submission time (null while pending)"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the review"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole review as the API returned it"},
	{NULL}
};

/*
 * Commits of the default branch.  since and until go to Git, whose bounds
 * are inclusive whole seconds on the committer date; the bound is cut to
 * the second, so each is rechecked.  author takes a login or an e-mail
 * address; which commits GitHub ties to a login is its own matter, so it is
 * rechecked too.
 */
static const ColumnSpec github_commit_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"sha", "text", "sha", CONV_VALUE, "commit sha"},
	{"message", "text", "commit.message", CONV_VALUE, "commit message"},
	{"author_login", "text", "author.login", CONV_VALUE, "GitHub login of the author, if GitHub knows the e-mail"},
	{"author_name", "text", "commit.author.name", CONV_VALUE, "author name as in Git"},
	{"author_email", "text", "commit.author.email", CONV_VALUE, "author e-mail as in Git"},
	{"authored_at", "timestamptz", "commit.author.date", CONV_VALUE, "author date"},
	{"committer_login", "text", "committer.login", CONV_VALUE, "GitHub login of the committer"},
	{"committed_at", "timestamptz", "commit.committer.date", CONV_VALUE, "committer date"},
	{"parents", "text[]", "parents[*].sha", CONV_VALUE, "shas of the parent commits"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the commit"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole commit as the API returned it"},
	{NULL}
};

static const PushdownSpec github_commit_pushdown[] = {
	{"author_login", PUSH_EQ, "author", VALUE_TEXT, NULL, false},
	{"author_email", PUSH_EQ, "author", VALUE_TEXT, NULL, false},
	{"committed_at", PUSH_GE, "since", VALUE_ISO8601, NULL, false},
	{"committed_at", PUSH_GT, "since", VALUE_ISO8601, NULL, false},
	{"committed_at", PUSH_LE, "until", VALUE_ISO8601, NULL, false},
	{"committed_at", PUSH_LT, "until", VALUE_ISO8601, NULL, false},
	{NULL}
};

static const ColumnSpec github_release_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"id", "bigint", "id", CONV_VALUE, "release id"},
	{"tag_name", "text", "tag_name", CONV_VALUE, "Git tag of the release"},
	{"name", "text", "name", CONV_VALUE, "release title"},
	{"body", "text", "body", CONV_VALUE, "release notes in Markdown"},
	{"draft", "boolean", "draft", CONV_VALUE, "a draft (listed only with push access)"},
	{"prerelease", "boolean", "prerelease", CONV_VALUE, "a pre-release"},
	{"target_commitish", "text", "target_commitish", CONV_VALUE, "branch or commit the tag is made from"},
	{"author_login", "text", "author.login", CONV_VALUE, "login of the author"},
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"},
	{"published_at", "timestamptz", "published_at", CONV_VALUE, "publication time, null for a draft"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the release"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole release as the API returned it"},
	{NULL}
};

static const ColumnSpec github_label_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"id", "bigint", "id", CONV_VALUE, "label id"},
	{"name", "text", "name", CONV_VALUE, "label name"},
	{"color", "text", "color", CONV_VALUE, "hex color without #"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"default", "boolean", "default", CONV_VALUE, "one of GitHub's default labels"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole label as the API returned it"},
	{NULL}
};

static const ColumnSpec github_milestone_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"number", "integer", "number", CONV_VALUE, "milestone number within the repository"},
	{"id", "bigint", "id", CONV_VALUE, "global milestone id"},
	{"title", "text", "title", CONV_VALUE, "title"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"state", "text", "state", CONV_VALUE, "open or closed"},
	{"open_issues", "integer", "open_issues", CONV_VALUE, "open issues in the milestone"},
	{"closed_issues", "integer", "closed_issues", CONV_VALUE, "closed issues in the milestone"},
	{"creator_login", "text", "creator.login", CONV_VALUE, "login of the creator"},
	{"due_on", "timestamptz", "due_on", CONV_VALUE, "due date"},
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updated_at", CONV_VALUE, "last update time"},
	{"closed_at", "timestamptz", "closed_at", CONV_VALUE, "closing time"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the milestone"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole milestone as the API returned it"},
	{NULL}
};

static const PushdownSpec github_milestone_pushdown[] = {
	{"state", PUSH_EQ, "state", VALUE_TEXT, NULL, true, NULL, github_issue_states},
	{NULL}
};

/*
 * Workflow runs of a repository (GitHub Actions), newest first (no order is
 * claimed: the reference does not say).  The list is an object: the runs
 * are under "workflow_runs", beside total_count.  status takes a run's
 * status or its conclusion; only status is pushed, for its own values
 * (conclusion has one, startup_failure, that the parameter does not take).
 * created takes GitHub's search syntax for a range of times.  With any of
 * these filters GitHub returns at most 1,000 runs (the docs say so).
 */
static const ColumnSpec github_run_columns[] = {
	{"repo", "text", NULL, CONV_VALUE, "repository as owner/name"},
	{"id", "bigint", "id", CONV_VALUE, "run id"},
	{"name", "text", "name", CONV_VALUE, "workflow name"},
	{"display_title", "text", "display_title", CONV_VALUE, "title shown for the run (commit message, pull request title)"},
	{"status", "text", "status", CONV_VALUE, "queued, in_progress, completed, waiting, requested or pending"},
	{"conclusion", "text", "conclusion", CONV_VALUE, "success, failure, cancelled, skipped, timed_out, ...; null until completed"},
	{"head_branch", "text", "head_branch", CONV_VALUE, "branch the run is for"},
	{"head_sha", "text", "head_sha", CONV_VALUE, "sha of the commit the run is for"},
	{"event", "text", "event", CONV_VALUE, "event that triggered the run (push, pull_request, schedule, ...)"},
	{"actor_login", "text", "actor.login", CONV_VALUE, "login of the user who made the push or event"},
	{"triggering_actor_login", "text", "triggering_actor.login", CONV_VALUE, "login of the user who started this attempt"},
	{"workflow_id", "bigint", "workflow_id", CONV_VALUE, "workflow id"},
	{"run_number", "integer", "run_number", CONV_VALUE, "run number within the workflow"},
	{"run_attempt", "integer", "run_attempt", CONV_VALUE, "attempt number"},
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updated_at", CONV_VALUE, "last update time"},
	{"run_started_at", "timestamptz", "run_started_at", CONV_VALUE, "start time of this attempt"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the run"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole run as the API returned it"},
	{NULL}
};

/* a run's statuses, all of which the status parameter takes */
static const char *const github_run_statuses[] = {
	"queued", "in_progress", "completed", "waiting", "requested", "pending", NULL
};

static const PushdownSpec github_run_pushdown[] = {
	{"status", PUSH_EQ, "status", VALUE_TEXT, NULL, true, NULL, github_run_statuses},
	{"head_branch", PUSH_EQ, "branch", VALUE_TEXT, NULL, true},
	{"event", PUSH_EQ, "event", VALUE_TEXT, NULL, true},
	/* logins match without case */
	{"actor_login", PUSH_EQ, "actor", VALUE_TEXT, NULL, false},
	{"head_sha", PUSH_EQ, "head_sha", VALUE_TEXT, NULL, true},
	{"created_at", PUSH_GE, "created", VALUE_ISO8601, NULL, false, .range_syntax = true},
	{"created_at", PUSH_GT, "created", VALUE_ISO8601, NULL, false, .range_syntax = true},
	{"created_at", PUSH_LE, "created", VALUE_ISO8601, NULL, false, .range_syntax = true},
	{"created_at", PUSH_LT, "created", VALUE_ISO8601, NULL, false, .range_syntax = true},
	{NULL}
};

/*
 * Repositories of an organization (/orgs/{org}/repos: every one the token
 * can see) or of a user (/users/{username}/repos: the public ones the user
 * owns).  The key column is username, not user: USER is a reserved word
 * that, unquoted, means current_user.
 */
static const char *const owner_keys[] = {"org", "username", NULL};

static const KeyPathSpec github_repo_paths[] = {
	{"org", "/orgs/{org}/repos"},
	{"username", "/users/{username}/repos"},
	{NULL}
};

static const ColumnSpec github_repo_columns[] = {
	{"org", "text", NULL, CONV_VALUE, "organization whose repositories are listed (null when listed by username)"},
	{"username", "text", NULL, CONV_VALUE, "user whose public repositories are listed (null when listed by org)"},
	{"id", "bigint", "id", CONV_VALUE, "repository id"},
	{"full_name", "text", "full_name", CONV_VALUE, "repository as owner/name"},
	{"name", "text", "name", CONV_VALUE, "repository name"},
	{"owner_login", "text", "owner.login", CONV_VALUE, "login of the owner"},
	{"description", "text", "description", CONV_VALUE, "description"},
	{"private", "boolean", "private", CONV_VALUE, "a private repository (filtered by the API with org only)"},
	{"fork", "boolean", "fork", CONV_VALUE, "a fork of another repository (filtered by the API with org only)"},
	{"archived", "boolean", "archived", CONV_VALUE, "archived (read-only)"},
	{"language", "text", "language", CONV_VALUE, "main language, as GitHub detects it"},
	{"stargazers_count", "integer", "stargazers_count", CONV_VALUE, "number of stars"},
	{"forks_count", "integer", "forks_count", CONV_VALUE, "number of forks"},
	{"open_issues_count", "integer", "open_issues_count", CONV_VALUE, "open issues and pull requests"},
	{"default_branch", "text", "default_branch", CONV_VALUE, "default branch"},
	{"pushed_at", "timestamptz", "pushed_at", CONV_VALUE, "time of the last push"},
	{"created_at", "timestamptz", "created_at", CONV_VALUE, "creation time"},
	{"updated_at", "timestamptz", "updated_at", CONV_VALUE, "last update time"},
	{"html_url", "text", "html_url", CONV_VALUE, "web page of the repository"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole repository as the API returned it"},
	{NULL}
};

/*
 * An organization's list takes type (all, public, private, forks,
 * sources, member); a user's takes only all, owner or member, so these
 * rules go out with org alone.  type=private may hold an enterprise's
 * internal repositories too: rechecked.
 */
static const PushdownSpec github_repo_pushdown[] = {
	{"private", PUSH_IS_TRUE, "type", VALUE_TEXT, "private", false, .path_key = "org"},
	{"private", PUSH_IS_FALSE, "type", VALUE_TEXT, "public", false, .path_key = "org"},
	{"fork", PUSH_IS_TRUE, "type", VALUE_TEXT, "forks", true, .path_key = "org"},
	{"fork", PUSH_IS_FALSE, "type", VALUE_TEXT, "sources", true, .path_key = "org"},
	{NULL}
};

/* both lists take sort (created|updated|pushed|full_name) and direction */
static const SortSpec github_repo_sorts[] = {
	{"created_at", "sort=created&direction=asc", "sort=created&direction=desc"},
	{"updated_at", "sort=updated&direction=asc", "sort=updated&direction=desc"},
	{NULL}
};

/*
 * Issue search (GET /search/issues, README 1.5).  The pushed quals are the
 * qualifiers of q; a qualifier value is quoted when it holds anything but
 * letters, digits and "-_.:/", and q has no escape, so a value holding a
 * double quote, or an empty one, is checked locally only.  state and
 * type take one value each (is:open, type:pr), so the two do not meet on
 * one qualifier.  Several repo: qualifiers widen a search, so repo IN
 * (...) makes one search per repository; a repo: that does not exist (or
 * that the token cannot see) is a 422 that means no row.  Several label:
 * qualifiers must all hold.  Times go to the second (rounded so no row is
 * lost) and logins and labels match without case: those are rechecked.
 * The created, updated and closed qualifiers take a lower and an upper
 * bound together as created:a..b; any further bound stays local.  org:
 * (the owner, an organization or a user) matches any repository of it;
 * several widen a search, as repo: do, so org IN (...) makes one search
 * per owner.  milestone: takes a title, not the
 * number this table shows, so only IS NULL (no:milestone) is sent.
 */
static const char *const search_key[] = {"q", NULL};

static const ColumnSpec github_search_columns[] = {
	{"repo", "text", "repository_url", CONV_URL_LAST_TWO, "repository as owner/name"},
	GITHUB_ISSUE_ITEM_COLUMNS,
	{"score", "double precision", "score", CONV_VALUE, "search relevance"},
	{"org", "text", "repository_url", CONV_URL_OWNER, "owner of the repository, an organization or a user"},
	{"q", "text", NULL, CONV_VALUE, "your own search text and qualifiers, ANDed to the pushed ones"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole search item as the API returned it"},
	{NULL}
};

/*
 * a time range qualifier: each bound to the second, rechecked; a lower and
 * an upper bound make one qualifier, created:a..b (both inclusive)
 */
#define GITHUB_SEARCH_TIME(column, qualifier) \
	{column, PUSH_LT, qualifier, VALUE_ISO8601, NULL, false, .range_syntax = true}, \
	{column, PUSH_LE, qualifier, VALUE_ISO8601, NULL, false, .range_syntax = true}, \
	{column, PUSH_GT, qualifier, VALUE_ISO8601, NULL, false, .range_syntax = true}, \
	{column, PUSH_GE, qualifier, VALUE_ISO8601, NULL, false, .range_syntax = true}

static const PushdownSpec github_search_pushdown[] = {
	{"repo", PUSH_EQ, "repo", VALUE_TEXT, NULL, true},
	{"org", PUSH_EQ, "org", VALUE_TEXT, NULL, true},
	{"state", PUSH_EQ, "is", VALUE_TEXT, NULL, true, NULL, github_issue_states},
	{"is_pull_request", PUSH_IS_TRUE, "type", VALUE_TEXT, "pr", true},
	{"is_pull_request", PUSH_IS_FALSE, "type", VALUE_TEXT, "issue", true},
	{"user_login", PUSH_EQ, "author", VALUE_TEXT, NULL, true},
	{"assignees", PUSH_CONTAINS, "assignee", VALUE_TEXT, NULL, false},
	{"labels", PUSH_CONTAINS, "label", VALUE_TEXT, NULL, false},
	{"milestone", PUSH_IS_NULL, "no", VALUE_TEXT, "milestone", true},
	{"comments", PUSH_EQ, "comments", VALUE_COUNT, NULL, true},
	{"comments", PUSH_LT, "comments", VALUE_COUNT, NULL, true},
	{"comments", PUSH_LE, "comments", VALUE_COUNT, NULL, true},
	{"comments", PUSH_GT, "comments", VALUE_COUNT, NULL, true},
	{"comments", PUSH_GE, "comments", VALUE_COUNT, NULL, true},
	GITHUB_SEARCH_TIME("created_at", "created"),
	GITHUB_SEARCH_TIME("updated_at", "updated"),
	GITHUB_SEARCH_TIME("closed_at", "closed"),
	{NULL}
};

/* order is ignored unless sort is given (README 1.5): both are sent */
static const SortSpec github_search_sorts[] = {
	GITHUB_ISSUE_SORTS("order"),
	{NULL}
};

static const FilterLanguage github_search_language = {
	.name = "Search Query",
	.param = "q",
	.operators = {
		[PUSH_EQ] = ":",
		[PUSH_LT] = ":<=",		/* the bound cut to the second: x < 5.5
								 * is x <= 5 */
		[PUSH_LE] = ":<=",
		[PUSH_GT] = ":>",
		[PUSH_GE] = ":>=",
		[PUSH_CONTAINS] = ":",
		[PUSH_IS_NULL] = ":",
		[PUSH_IS_TRUE] = ":",
		[PUSH_IS_FALSE] = ":",
	},
	.conjunction = " ",
	.quote = '"',
	.escape = '\0',
	.bare_chars = "-_.:/",
	.text_column = "q",
};

#define GITHUB_PAGES \
	.pages = PAGES_LINK_HEADER, \
	.page_size_param = "per_page", \
	.page_number_param = "page", \
	.max_page_size = 100

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
		.writes = &github_issue_writes,
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
		.writes = &github_comment_writes,
	},
	{
		.table = "pulls",
		.path_template = "/repos/{repo}/pulls",
		.key_columns = repo_key,
		.items_at = "",
		GITHUB_PAGES,
		.identity_at = "id",
		.default_query = "state=all",
		.single_path = "/repos/{repo}/pulls/{number}",
		.single_key = "number",
		.columns = github_pull_columns,
		.pushdown = github_pull_pushdown,
		.sorts = github_pull_sorts,
		.doc = "pull requests of a repository",
		.param_values = github_pull_params,
	},
	{
		.table = "pull_reviews",
		.path_template = "/repos/{repo}/pulls/{pull_number}/reviews",
		.key_columns = repo_pull_key,
		.items_at = "",
		GITHUB_PAGES,
		.identity_at = "id",
		.columns = github_review_columns,
		.doc = "reviews of a pull request, in the order they were given",
	},
	{
		.table = "commits",
		.path_template = "/repos/{repo}/commits",
		.key_columns = repo_key,
		.items_at = "",
		GITHUB_PAGES,
		.identity_at = "sha",
		.columns = github_commit_columns,
		.pushdown = github_commit_pushdown,
		.doc = "commits of the default branch of a repository",
	},
	{
		.table = "releases",
		.path_template = "/repos/{repo}/releases",
		.key_columns = repo_key,
		.items_at = "",
		GITHUB_PAGES,
		.identity_at = "id",
		.single_path = "/repos/{repo}/releases/tags/{tag_name}",
		.single_key = "tag_name",
		.columns = github_release_columns,
		.doc = "releases of a repository (drafts only with push access)",
	},
	{
		.table = "labels",
		.path_template = "/repos/{repo}/labels",
		.key_columns = repo_key,
		.items_at = "",
		GITHUB_PAGES,
		.identity_at = "id",
		.single_path = "/repos/{repo}/labels/{name}",
		.single_key = "name",
		.columns = github_label_columns,
		.doc = "labels of a repository",
	},
	{
		.table = "milestones",
		.path_template = "/repos/{repo}/milestones",
		.key_columns = repo_key,
		.items_at = "",
		GITHUB_PAGES,
		.identity_at = "id",
		.default_query = "state=all",
		.single_path = "/repos/{repo}/milestones/{number}",
		.single_key = "number",
		.columns = github_milestone_columns,
		.pushdown = github_milestone_pushdown,
		.doc = "milestones of a repository",
		.param_values = github_pull_params,
	},
	{
		.table = "workflow_runs",
		.path_template = "/repos/{repo}/actions/runs",
		.key_columns = repo_key,
		.items_at = "workflow_runs",
		GITHUB_PAGES,
		.identity_at = "id",
		.single_path = "/repos/{repo}/actions/runs/{id}",
		.single_key = "id",
		.columns = github_run_columns,
		.pushdown = github_run_pushdown,
		.doc = "GitHub Actions workflow runs of a repository",
	},
	{
		.table = "repos",
		.path_template = "/orgs/{org}/repos",
		.key_columns = owner_keys,
		.items_at = "",
		GITHUB_PAGES,
		.identity_at = "id",
		.columns = github_repo_columns,
		.pushdown = github_repo_pushdown,
		.sorts = github_repo_sorts,
		.doc = "repositories of an organization or of a user",
		.key_paths = github_repo_paths,
	},
	{
		.table = "search_issues",
		.path_template = "/search/issues",
		.key_columns = search_key,
		.items_at = "items",
		GITHUB_PAGES,
		.identity_at = "id",
		.columns = github_search_columns,
		.pushdown = github_search_pushdown,
		.sorts = github_search_sorts,
		.doc = "issues and pull requests found by a search across repositories",
		.filter = &github_search_language,
		.max_results = 1000,
		.total_at = "total_count",
		.incomplete_at = "incomplete_results",
		.rate_bucket = "search",
		.no_match_words = "cannot be searched",
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
