/*-------------------------------------------------------------------------
 *
 * slack.c
 *		  Slack Web API: channels, messages, thread replies, users, channel
 *		  members and files, as data.
 *
 * Facts from Slack's Web API reference: methods answer HTTP 200 with
 * {"ok":false,"error":"..."} on failure (ok_flag_at), page with
 * response_metadata.next_cursor ("" at the end; a short page is not the
 * end), and take the channel as a parameter.  A message's ts
 * ("1700000000.000100") is its id, fixed-width, so text order is time
 * order: ts bounds become oldest/latest exactly, inclusive=true for >= and
 * <= (one flag for both ends, so mixed bounds fetch a boundary row that
 * PostgreSQL removes).  conversations.list returns only public channels
 * unless told, so every type is asked for unless the query or the table
 * option "types" says otherwise.  conversations.members lists a channel's
 * members as bare user ids ({"members":["U01","U02"]}), paged by the same
 * cursor, limit at most 1000.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "service.h"

static const char *const channel_key[] = {"channel", NULL};
static const char *const thread_key[] = {"channel", "thread_ts", NULL};

static const ColumnSpec slack_channel_columns[] = {
	{"id", "text", "id", CONV_VALUE, "channel id (C..., G..., D...)"},
	{"name", "text", "name", CONV_VALUE, "channel name without #"},
	{"is_channel", "boolean", "is_channel", CONV_VALUE, "a public channel"},
	{"is_private", "boolean", "is_private", CONV_VALUE, "a private channel or group DM"},
	{"is_im", "boolean", "is_im", CONV_VALUE, "a direct message"},
	{"is_mpim", "boolean", "is_mpim", CONV_VALUE, "a group direct message"},
	{"is_archived", "boolean", "is_archived", CONV_VALUE, "archived"},
	{"is_member", "boolean", "is_member", CONV_VALUE, "the token's user is a member"},
	{"created", "timestamptz", "created", CONV_VALUE, "creation time"},
	{"creator", "text", "creator", CONV_VALUE, "user id of the creator"},
	{"num_members", "integer", "num_members", CONV_VALUE, "number of members"},
	{"topic", "text", "topic.value", CONV_VALUE, "topic"},
	{"purpose", "text", "purpose.value", CONV_VALUE, "purpose"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole conversation as the API returned it"},
	{NULL}
};

static const PushdownSpec slack_channel_pushdown[] = {
	{"is_archived", PUSH_IS_FALSE, "exclude_archived", VALUE_TEXT, "true", true},
	{"is_private", PUSH_IS_TRUE, "types", VALUE_TEXT, "private_channel,mpim", false},
	{"is_private", PUSH_IS_FALSE, "types", VALUE_TEXT, "public_channel,im", false},
	{"is_im", PUSH_IS_TRUE, "types", VALUE_TEXT, "im", false},
	{"is_mpim", PUSH_IS_TRUE, "types", VALUE_TEXT, "mpim", false},
	{NULL}
};

/* ts bounds: exact; ts_time bounds: written as ts, rechecked */
#define SLACK_TS_RANGE(column, format, exact) \
	{column, PUSH_GT, "oldest", format, NULL, exact}, \
	{column, PUSH_GE, "oldest", format, NULL, exact, "inclusive=true"}, \
	{column, PUSH_LT, "latest", format, NULL, exact}, \
	{column, PUSH_LE, "latest", format, NULL, exact, "inclusive=true"}

static const ColumnSpec slack_message_columns[] = {
	{"channel", "text", NULL, CONV_VALUE, "channel id"},
	{"ts", "text", "ts", CONV_VALUE, "message id within the channel, \"seconds.micros\""},
	{"ts_time", "timestamptz", "ts", CONV_VALUE, "ts as a time"},
	{"user", "text", "user", CONV_VALUE, "user id of the author"},
	{"text", "text", "text", CONV_VALUE, "message text"},
	{"type", "text", "type", CONV_VALUE, "message"},
	{"subtype", "text", "subtype", CONV_VALUE, "bot_message, channel_join, ... or null"},
	{"thread_ts", "text", "thread_ts", CONV_VALUE, "ts of the thread's parent, if in a thread"},
	{"reply_count", "integer", "reply_count", CONV_VALUE, "replies in the thread (parents only)"},
	{"bot_id", "text", "bot_id", CONV_VALUE, "bot id for bot messages"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole message as the API returned it"},
	{NULL}
};

/*
 * Writing messages: chat.postMessage (channel and text, thread_ts for a
 * reply in a thread), chat.update (channel, ts, text) and chat.delete
 * (channel, ts), each a POST with a JSON body, answered with {"ok": true,
 * "channel", "ts", "message"} (chat.delete without the message).  Slack
 * has no idempotency key: each is sent at most once.
 */
static const char *const slack_message_insert_columns[] = {"text", "thread_ts", NULL};
static const char *const slack_message_update_columns[] = {"text", NULL};
static const char *const slack_message_required[] = {"text", NULL};
static const char *const slack_message_row[] = {"channel", "ts", NULL};

static const WritesSpec slack_message_writes = {
	.insert = {"POST", "/chat.postMessage", slack_message_insert_columns,
		slack_message_required, .body_keys = channel_key},
	.update = {"POST", "/chat.update", slack_message_update_columns,
	.body_keys = slack_message_row},
	.delete = {"POST", "/chat.delete", .body_keys = slack_message_row},
	.body = BODY_JSON,
	.result_at = "message",
};

static const PushdownSpec slack_message_pushdown[] = {
	SLACK_TS_RANGE("ts", VALUE_SLACK_TS_TEXT, true),
	SLACK_TS_RANGE("ts_time", VALUE_SLACK_TS, false),
	{NULL}
};

/*
 * conversations.history returns a channel's messages newest first, ts
 * descending (observed; shared/api/README.md section 3.2): ORDER BY ts DESC
 * (or ts_time, the same value as a time) is the natural order.
 */
static const SortSpec slack_message_sorts[] = {
	{"ts", NULL, ""},
	{"ts_time", NULL, ""},
	{NULL}
};

/*
 * A ts range of a channel's history is read as sub-ranges at once: with
 * inclusive=true, oldest is a sub-range's first ts and latest its last
 * (a microsecond before the next sub-range's first).
 */
static const RangeSplitSpec slack_message_splits[] = {
	{"ts", "oldest", "latest", true, "inclusive=true"},
	{"ts_time", "oldest", "latest", true, "inclusive=true"},
	{NULL}
};

static const ColumnSpec slack_reply_columns[] = {
	{"channel", "text", NULL, CONV_VALUE, "channel id"},
	{"thread_ts", "text", NULL, CONV_VALUE, "ts of the thread's parent"},
	{"ts", "text", "ts", CONV_VALUE, "message id within the channel"},
	{"ts_time", "timestamptz", "ts", CONV_VALUE, "ts as a time"},
	{"user", "text", "user", CONV_VALUE, "user id of the author"},
	{"text", "text", "text", CONV_VALUE, "message text"},
	{"type", "text", "type", CONV_VALUE, "message"},
	{"subtype", "text", "subtype", CONV_VALUE, "subtype or null"},
	{"parent_user_id", "text", "parent_user_id", CONV_VALUE, "author of the parent"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole message as the API returned it"},
	{NULL}
};

static const PushdownSpec slack_reply_pushdown[] = {
	SLACK_TS_RANGE("ts", VALUE_SLACK_TS_TEXT, true),
	SLACK_TS_RANGE("ts_time", VALUE_SLACK_TS, false),
	{NULL}
};

static const ColumnSpec slack_user_columns[] = {
	{"id", "text", "id", CONV_VALUE, "user id (U... or W...)"},
	{"team_id", "text", "team_id", CONV_VALUE, "workspace id"},
	{"name", "text", "name", CONV_VALUE, "user name"},
	{"real_name", "text", "real_name", CONV_VALUE, "full name"},
	{"display_name", "text", "profile.display_name", CONV_VALUE, "display name"},
	{"email", "text", "profile.email", CONV_VALUE, "e-mail (needs users:read.email)"},
	{"title", "text", "profile.title", CONV_VALUE, "job title"},
	{"deleted", "boolean", "deleted", CONV_VALUE, "deactivated"},
	{"is_bot", "boolean", "is_bot", CONV_VALUE, "a bot user"},
	{"is_admin", "boolean", "is_admin", CONV_VALUE, "workspace admin"},
	{"tz", "text", "tz", CONV_VALUE, "time zone name"},
	{"updated", "timestamptz", "updated", CONV_VALUE, "last profile change"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole user as the API returned it"},
	{NULL}
};

/* the items are bare user ids: path "" reads the id itself */
static const ColumnSpec slack_channel_member_columns[] = {
	{"channel", "text", NULL, CONV_VALUE, "channel id"},
	{"user_id", "text", "", CONV_VALUE, "user id of a member (join to users.id)"},
	{NULL}
};

/*
 * files.list: the files the token can see, newest first (no order is
 * claimed).  It pages by number, not by cursor: count and page in,
 * "paging": {"count", "total", "page", "pages"} out.  channel takes any
 * conversation id, so each of channels, groups and ims can send it (one of
 * them a query); ts_from and ts_to are inclusive whole seconds on created.
 */
static const ColumnSpec slack_file_columns[] = {
	{"id", "text", "id", CONV_VALUE, "file id (F...)"},
	{"name", "text", "name", CONV_VALUE, "file name"},
	{"title", "text", "title", CONV_VALUE, "title"},
	{"user", "text", "user", CONV_VALUE, "user id of the uploader"},
	{"created", "timestamptz", "created", CONV_VALUE, "upload time"},
	{"filetype", "text", "filetype", CONV_VALUE, "file type (png, pdf, zip, gdoc, text, ...)"},
	{"mimetype", "text", "mimetype", CONV_VALUE, "MIME type"},
	{"pretty_type", "text", "pretty_type", CONV_VALUE, "file type as Slack shows it"},
	{"mode", "text", "mode", CONV_VALUE, "hosted, external, snippet or post"},
	{"size", "bigint", "size", CONV_VALUE, "size in bytes"},
	{"is_public", "boolean", "is_public", CONV_VALUE, "shared in a public channel"},
	{"channels", "text[]", "channels", CONV_VALUE, "public channels the file is shared in"},
	{"groups", "text[]", "groups", CONV_VALUE, "private channels the file is shared in"},
	{"ims", "text[]", "ims", CONV_VALUE, "direct messages the file is shared in"},
	{"comments_count", "integer", "comments_count", CONV_VALUE, "number of comments"},
	{"permalink", "text", "permalink", CONV_VALUE, "web page of the file"},
	{"attrs", "jsonb", "", CONV_VALUE, "the whole file as the API returned it"},
	{NULL}
};

static const PushdownSpec slack_file_pushdown[] = {
	{"channels", PUSH_CONTAINS, "channel", VALUE_TEXT, NULL, false},
	{"groups", PUSH_CONTAINS, "channel", VALUE_TEXT, NULL, false},
	{"ims", PUSH_CONTAINS, "channel", VALUE_TEXT, NULL, false},
	{"user", PUSH_EQ, "user", VALUE_TEXT, NULL, true},
	{"created", PUSH_GE, "ts_from", VALUE_EPOCH_INCLUSIVE, NULL, true},
	{"created", PUSH_GT, "ts_from", VALUE_EPOCH_INCLUSIVE, NULL, true},
	{"created", PUSH_LE, "ts_to", VALUE_EPOCH_INCLUSIVE, NULL, true},
	{"created", PUSH_LT, "ts_to", VALUE_EPOCH_INCLUSIVE, NULL, true},
	{NULL}
};

/* files.list "types": "all" (the default) or a comma-separated list */
static const char *const slack_file_types[] = {
	"all", "spaces", "snippets", "images", "gdocs", "zips", "pdfs", NULL
};

static const ParamValuesSpec slack_file_params[] = {
	{"types", slack_file_types, true},
	{NULL}
};

#define SLACK_CURSOR_PAGES \
	.pages = PAGES_BODY_CURSOR, \
	.page_size_param = "limit", \
	.cursor_param = "cursor", \
	.cursor_at = "response_metadata.next_cursor"

/* conversations.list "types": "Mix and match channel types by providing a
 * comma-separated list of any combination of public_channel,
 * private_channel, mpim, im" */
static const char *const slack_channel_types[] = {
	"public_channel", "private_channel", "mpim", "im", NULL
};

static const ParamValuesSpec slack_channel_params[] = {
	{"types", slack_channel_types, true},
	{NULL}
};

static const ResourceSpec slack_resources[] = {
	{
		.table = "channels",
		.path_template = "/conversations.list",
		.items_at = "channels",
		SLACK_CURSOR_PAGES,
		.max_page_size = 1000,
		.default_query = "types=public_channel,private_channel,mpim,im",
		.identity_at = "id",
		.columns = slack_channel_columns,
		.pushdown = slack_channel_pushdown,
		.doc = "channels, private channels and direct messages (conversations.list)",
		.param_values = slack_channel_params,
	},
	{
		.table = "messages",
		.path_template = "/conversations.history?channel={channel}",
		.key_columns = channel_key,
		.items_at = "messages",
		SLACK_CURSOR_PAGES,
		.max_page_size = 999,
		.identity_at = "ts",
		.identity_keys = channel_key,	/* a ts is unique within its channel */
		.columns = slack_message_columns,
		.pushdown = slack_message_pushdown,
		.sorts = slack_message_sorts,
		.doc = "top-level messages of a channel, newest first (conversations.history)",
		.writes = &slack_message_writes,
		.range_splits = slack_message_splits,
	},
	{
		.table = "replies",
		.path_template = "/conversations.replies?channel={channel}&ts={thread_ts}",
		.key_columns = thread_key,
		.items_at = "messages",
		SLACK_CURSOR_PAGES,
		.max_page_size = 999,
		.identity_at = "ts",
		.identity_keys = channel_key,	/* a ts is unique within its channel */
		.columns = slack_reply_columns,
		.pushdown = slack_reply_pushdown,
		.doc = "a thread: its parent and replies (conversations.replies)",
	},
	{
		.table = "users",
		.path_template = "/users.list",
		.items_at = "members",
		SLACK_CURSOR_PAGES,
		.max_page_size = 1000,
		/* users.info: "user" (required) in, {"ok": true, "user": {...}}
		 * out, error user_not_found for an unknown id */
		.single_path = "/users.info?user={id}",
		.single_key = "id",
		.single_at = "user",
		.identity_at = "id",
		.columns = slack_user_columns,
		.doc = "users of the workspace (users.list)",
	},
	{
		.table = "channel_members",
		.path_template = "/conversations.members?channel={channel}",
		.key_columns = channel_key,
		.items_at = "members",
		.scalar_items = true,
		SLACK_CURSOR_PAGES,
		.max_page_size = 1000,
		.identity_at = "",
		.identity_keys = channel_key,	/* a user is listed once per channel */
		.columns = slack_channel_member_columns,
		.doc = "the members of a channel, as user ids (conversations.members)",
	},
	{
		.table = "files",
		.path_template = "/files.list",
		.items_at = "files",
		.pages = PAGES_BODY_PAGE_COUNT,
		.page_size_param = "count",
		.cursor_param = "page",
		.cursor_at = "paging.pages",
		.max_page_size = 100,
		.default_query = "types=all",
		.identity_at = "id",
		.columns = slack_file_columns,
		.pushdown = slack_file_pushdown,
		.doc = "files shared in the workspace that the token can see (files.list)",
		.param_values = slack_file_params,
		.list_missing_ok = true,	/* user_not_found, channel_not_found */
	},
	{NULL}
};

const ServiceSpec slack_service = {
	.name = "slack",
	.default_base_url = "https://slack.com/api",
	.error_message_at = "error",
	.ok_flag_at = "ok",
	.resources = slack_resources,
	.not_found_hint = "Check the channel id (such as 'C0123456789') and that the token can see it.",
	/* an unknown method is HTTP 404 with the error "unknown_method" */
	.unknown_path_words = "unknown_method",
};
