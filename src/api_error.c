/*-------------------------------------------------------------------------
 *
 * api_error.c
 *		  API failures as PostgreSQL errors: an HTTP status (or Slack's
 *		  "ok": false sent with HTTP 200) becomes an ereport with its own
 *		  SQLSTATE, a one-line message naming the service, the API's own words
 *		  in DETAIL, a HINT saying what to do, and a CONTEXT naming the
 *		  request, as postgres_fdw's pgfdw_report_error does for remote SQL.
 *
 * Rules a reader must know:
 *
 * - One table, api_failures, maps each class of failure to its SQLSTATE
 *	 and its hint, and api_raise gives each class its own message (one
 *	 literal, for translation); classification is kept apart from wording.
 *
 * - Everything shown comes from the network and is hostile: the API's
 *	 words are cut short and reduced to printable text (api_text.c) before
 *	 they are shown, and a body that is not JSON is shown only as a short
 *	 sanitized prefix.
 *
 * - URLs are shown (in CONTEXT); tokens are never part of a URL, so none
 *	 can leak this way.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <time.h>

#include "mb/pg_wchar.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "api_error.h"
#include "api_text.h"
#include "saas_fdw.h"

/* Most bytes of one piece of the API's words shown in a message. */
#define API_TEXT_MAX		200

/* Most bytes of a non-JSON body, or of a JSON body's text, shown. */
#define API_BODY_MAX		200

/* The kinds of failure, each with its own SQLSTATE. */
typedef enum ApiFailure
{
	API_BAD_REQUEST,			/* 400, 422, other 4xx */
	API_UNAUTHORIZED,			/* 401 */
	API_FORBIDDEN,				/* 403 that is not a rate limit */
	API_NOT_FOUND,				/* 404, 410 */
	API_RATE_LIMITED,			/* 429, or 403 with the rate-limit signs */
	API_SERVER_ERROR,			/* 5xx */
	API_UNEXPECTED,				/* anything else (1xx, 2xx, 3xx, >= 600) */
	API_REJECTED				/* an "ok": false code we do not know */
} ApiFailure;

/* Each kind's SQLSTATE and hint; its message is written in api_raise. */
typedef struct ApiFailureInfo
{
	ApiFailure	failure;
	int			sqlstate;
	const char *hint;			/* NULL: computed (rate limits) */
} ApiFailureInfo;

/*
 * SQLSTATEs:
 *	 bad request	22023 invalid_parameter_value: a value the query or the
 *					table options sent was refused
 *	 unauthorized	28000 invalid_authorization_specification
 *	 forbidden		42501 insufficient_privilege
 *	 not found		HV00R fdw_table_not_found: the remote resource the table
 *					reads does not exist (or is hidden from the token)
 *	 rate limited	53400 configuration_limit_exceeded
 *	 server error	HV000 fdw_error
 *	 unexpected		08P01 protocol_violation: an answer saas_fdw cannot use
 *	 rejected		HV000 fdw_error (an API-specific code we do not know)
 */
static const ApiFailureInfo api_failures[] = {
	{API_BAD_REQUEST, ERRCODE_INVALID_PARAMETER_VALUE,
	"Check the values the query compares columns with and the options of the foreign table; the API's own words are above."},
	{API_UNAUTHORIZED, ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION,
	"Check the token option of the user mapping for this server: it may be wrong, expired or revoked."},
	{API_FORBIDDEN, ERRCODE_INSUFFICIENT_PRIVILEGE,
	"The token is valid but lacks a permission or scope that this request needs."},
	{API_NOT_FOUND, ERRCODE_FDW_TABLE_NOT_FOUND,
	"Check the key values the query gives and that the token can see them: APIs answer 404 for private resources the token cannot read."},
	{API_RATE_LIMITED, ERRCODE_CONFIGURATION_LIMIT_EXCEEDED,
	NULL},
	{API_SERVER_ERROR, ERRCODE_FDW_ERROR,
	"The service failed on its side: try again later, or allow more retries with saas_fdw.max_retries."},
	{API_UNEXPECTED, ERRCODE_PROTOCOL_VIOLATION,
	"Check the server option base_url; saas_fdw follows at most 5 redirects and expects a 2xx answer."},
	{API_REJECTED, ERRCODE_FDW_ERROR,
	"See the API's documentation for this error code."},
};

/* Known codes of APIs that report errors in the body ("ok": false). */
typedef struct ApiCodeInfo
{
	const char *code;
	ApiFailure	failure;
	const char *hint;			/* NULL: the failure's hint */
} ApiCodeInfo;

static const ApiCodeInfo api_codes[] = {
	{"invalid_auth", API_UNAUTHORIZED, NULL},
	{"not_authed", API_UNAUTHORIZED,
	"No token was sent: set the token option of the user mapping for this server."},
	{"token_revoked", API_UNAUTHORIZED, NULL},
	{"token_expired", API_UNAUTHORIZED, NULL},
	{"account_inactive", API_UNAUTHORIZED, NULL},
	{"channel_not_found", API_NOT_FOUND,
	"Check the channel id (such as 'C0123456789', not the channel's name) and that the token can see the channel."},
	{"thread_not_found", API_NOT_FOUND,
	"Check the thread_ts value: it must be the ts of a message in that channel (the thread's parent)."},
	{"user_not_found", API_NOT_FOUND, NULL},
	{"not_in_channel", API_FORBIDDEN,
	"Invite the app's bot user to the channel (for example with /invite in Slack), then run the query again."},
	{"missing_scope", API_FORBIDDEN, NULL},	/* hint names the scope */
	{"access_denied", API_FORBIDDEN, NULL},
	{"no_permission", API_FORBIDDEN, NULL},
	{"ratelimited", API_RATE_LIMITED, NULL},
	{"rate_limited", API_RATE_LIMITED, NULL},
	{"invalid_cursor", API_BAD_REQUEST,
	"The pagination cursor is no longer valid; run the query again."},
	{"invalid_arguments", API_BAD_REQUEST, NULL},
	{"invalid_arg_name", API_BAD_REQUEST, NULL},
	{"invalid_ts_latest", API_BAD_REQUEST, NULL},
	{"invalid_ts_oldest", API_BAD_REQUEST, NULL},
	{"invalid_limit", API_BAD_REQUEST, NULL},
	{"limit_required", API_BAD_REQUEST, NULL},
	{"internal_error", API_SERVER_ERROR, NULL},
	{"fatal_error", API_SERVER_ERROR, NULL},
	{"service_unavailable", API_SERVER_ERROR, NULL},
	/* GraphQL's extensions.code (Linear: digest section 5.1) */
	{"AUTHENTICATION_ERROR", API_UNAUTHORIZED, NULL},
	{"FORBIDDEN", API_FORBIDDEN, NULL},
	{"RATELIMITED", API_RATE_LIMITED, NULL},
	{"INVALID_INPUT", API_BAD_REQUEST, NULL},
	{"BAD_USER_INPUT", API_BAD_REQUEST, NULL},
	{"GRAPHQL_VALIDATION_FAILED", API_BAD_REQUEST, NULL},
	{"INTERNAL_SERVER_ERROR", API_SERVER_ERROR, NULL},
	{NULL, API_REJECTED, NULL}
};

/* The API's words about one failure, sanitized; NULL where absent. */
typedef struct ApiWords
{
	char	   *message;		/* at service->error_message_at */
	char	   *code;			/* error.code or code */
	char	   *param;			/* error.param or param */
	char	   *errors;			/* "errors" (GitHub 422), as JSON */
	char	   *body;			/* a prefix of the body when there is no
								 * message */
	bool		body_is_json;
	bool		code_classifies;	/* code is at the service's
									 * error_code_at: api_codes classify it */
} ApiWords;

/* Compiled paths, kept for the life of the backend. */
typedef struct ApiPathCacheEntry
{
	const char *text;
	SaasJsonPath *path;
} ApiPathCacheEntry;

#define API_PATH_CACHE_SIZE 32
static ApiPathCacheEntry api_path_cache[API_PATH_CACHE_SIZE];
static int	api_path_cache_used = 0;

static const ApiFailureInfo *api_failure_info(ApiFailure failure);
static const char *api_status_reason(long status);
static const SaasJsonPath *api_path(const char *text);
static char *api_sanitize(const char *s, size_t len, size_t max_bytes);
static char *api_read(SaasJsonDoc *doc, const char *path, bool scalar_only,
					  size_t max_bytes);
static void api_read_words(const ServiceSpec *service,
						   const HttpResponse *response, SaasJsonDoc *doc,
						   ApiWords *words);
static bool api_mentions_rate_limit(const char *s);
static ApiFailure api_classify(const HttpResponse *response,
							   const ApiWords *words);
static void api_append_words(StringInfo detail, const ApiWords *words);
static void api_append_reset(StringInfo detail, const HttpResponse *response);
static bool api_ok_flag_false(const ServiceSpec *service, SaasJsonDoc *doc,
							  char **code);
static const ApiCodeInfo *api_code_info(const char *code);
static char *api_rate_limit_hint(void);
static _Noreturn void api_raise(ApiFailure failure, const char *service_name,
								const char *status, const char *detail,
								const char *hint, const char *method,
								const char *url);


/*
 * api_failure_info
 *		The SQLSTATE and hint of a kind of failure.
 *
 * The result is a constant.
 */
static const ApiFailureInfo *
api_failure_info(ApiFailure failure)
{
	int			i;

	for (i = 0; i < lengthof(api_failures); i++)
	{
		if (api_failures[i].failure == failure)
			return &api_failures[i];
	}
	elog(ERROR, "unknown API failure kind %d", (int) failure);
	return NULL;				/* keep compiler quiet */
}

/*
 * api_status_reason
 *		The standard reason phrase of an HTTP status, or "".
 *
 * The result is a constant.
 */
static const char *
api_status_reason(long status)
{
	switch (status)
	{
		case 200:
			return "OK";
		case 204:
			return "No Content";
		case 301:
			return "Moved Permanently";
		case 302:
			return "Found";
		case 303:
			return "See Other";
		case 304:
			return "Not Modified";
		case 307:
			return "Temporary Redirect";
		case 308:
			return "Permanent Redirect";
		case 400:
			return "Bad Request";
		case 401:
			return "Unauthorized";
		case 402:
			return "Payment Required";
		case 403:
			return "Forbidden";
		case 404:
			return "Not Found";
		case 405:
			return "Method Not Allowed";
		case 406:
			return "Not Acceptable";
		case 408:
			return "Request Timeout";
		case 409:
			return "Conflict";
		case 410:
			return "Gone";
		case 413:
			return "Content Too Large";
		case 414:
			return "URI Too Long";
		case 415:
			return "Unsupported Media Type";
		case 422:
			return "Unprocessable Entity";
		case 429:
			return "Too Many Requests";
		case 451:
			return "Unavailable For Legal Reasons";
		case 500:
			return "Internal Server Error";
		case 501:
			return "Not Implemented";
		case 502:
			return "Bad Gateway";
		case 503:
			return "Service Unavailable";
		case 504:
			return "Gateway Timeout";
	}
	return "";
}

/*
 * api_path
 *		A compiled path, compiled once per backend.
 *
 * The path is kept in TopMemoryContext for the life of the backend (or,
 * past API_PATH_CACHE_SIZE paths, palloc'd in CurrentMemoryContext).
 */
static const SaasJsonPath *
api_path(const char *text)
{
	MemoryContext old;
	SaasJsonPath *path;
	int			i;

	for (i = 0; i < api_path_cache_used; i++)
	{
		if (strcmp(api_path_cache[i].text, text) == 0)
			return api_path_cache[i].path;
	}
	if (api_path_cache_used >= API_PATH_CACHE_SIZE)
		return json_path_compile(text);

	old = MemoryContextSwitchTo(TopMemoryContext);
	path = json_path_compile(text);
	api_path_cache[api_path_cache_used].text = pstrdup(text);
	api_path_cache[api_path_cache_used].path = path;
	api_path_cache_used++;
	MemoryContextSwitchTo(old);
	return path;
}

/*
 * api_sanitize
 *		Text from the network made fit to show in this database's encoding
 *		(see api_text.c): one line, printable, cut after at most max_bytes.
 *
 * The result is palloc'd in CurrentMemoryContext.
 */
static char *
api_sanitize(const char *s, size_t len, size_t max_bytes)
{
	return api_text_sanitize(s, len, max_bytes,
							 GetDatabaseEncoding() == PG_UTF8);
}

/*
 * api_read
 *		The value at path in doc as sanitized text; NULL if absent, null,
 *		empty, or (scalar_only) an object or array.
 *
 * The result is palloc'd in CurrentMemoryContext.
 */
static char *
api_read(SaasJsonDoc *doc, const char *path, bool scalar_only, size_t max_bytes)
{
	StringInfoData buf;
	SaasJsonKind	kind;
	char	   *text;

	initStringInfo(&buf);
	kind = json_item_value(json_doc_root(doc), api_path(path), JOUT_TEXT,
						   &buf);
	if (kind == JKIND_MISSING || kind == JKIND_NULL ||
		(scalar_only && (kind == JKIND_OBJECT || kind == JKIND_ARRAY)))
	{
		pfree(buf.data);
		return NULL;
	}
	text = api_sanitize(buf.data, buf.len, max_bytes);
	pfree(buf.data);
	if (text[0] == '\0')
		return NULL;
	return text;
}

/*
 * api_read_words
 *		Gather the API's words: its message (at service->error_message_at,
 *		else wherever APIs usually put one), and generic extras many APIs
 *		send: a code, the parameter at fault, a list of errors.  Without a
 *		message, a short prefix of the body.
 */
static void
api_read_words(const ServiceSpec *service, const HttpResponse *response,
			   SaasJsonDoc *doc, ApiWords *words)
{
	static const char *const message_paths[] = {
		"message", "error.message", "error_description", "error", NULL
	};
	bool		own_doc = false;

	memset(words, 0, sizeof(ApiWords));

	if (doc == NULL && response->body != NULL && response->body_len > 0)
	{
		doc = json_doc_try_parse(response->body, response->body_len);
		own_doc = (doc != NULL);
	}

	if (doc != NULL)
	{
		words->body_is_json = true;
		if (service != NULL && service->error_message_at != NULL)
			words->message = api_read(doc, service->error_message_at, true,
									  API_TEXT_MAX);
		else
		{
			const char *const *p;

			for (p = message_paths; *p != NULL && words->message == NULL; p++)
				words->message = api_read(doc, *p, true, API_TEXT_MAX);
		}
		if (service != NULL && service->error_code_at != NULL)
		{
			words->code = api_read(doc, service->error_code_at, true, API_TEXT_MAX);
			words->code_classifies = words->code != NULL;
		}
		if (words->code == NULL)
			words->code = api_read(doc, "error.code", true, API_TEXT_MAX);
		if (words->code == NULL)
			words->code = api_read(doc, "code", true, API_TEXT_MAX);
		words->param = api_read(doc, "error.param", true, API_TEXT_MAX);
		if (words->param == NULL)
			words->param = api_read(doc, "param", true, API_TEXT_MAX);
		words->errors = api_read(doc, "errors", false, API_TEXT_MAX);
		/* Jira sends an empty errors object beside its messages */
		if (words->errors != NULL &&
			(strcmp(words->errors, "{}") == 0 || strcmp(words->errors, "[]") == 0))
			words->errors = NULL;
		if (words->message == NULL && words->errors == NULL)
		{
			StringInfoData buf;

			initStringInfo(&buf);
			(void) json_item_value(json_doc_root(doc), api_path(""),
								   JOUT_JSON, &buf);
			words->body = api_sanitize(buf.data, buf.len, API_BODY_MAX);
			pfree(buf.data);
		}
		if (own_doc)
			json_doc_free(doc);
	}
	else if (response->body != NULL && response->body_len > 0)
		words->body = api_sanitize(response->body,
								   Min(response->body_len, API_BODY_MAX * 4),
								   API_BODY_MAX);
}

/*
 * api_mentions_rate_limit
 *		Does s speak of a rate limit ("rate limit", "rate_limit",
 *		"ratelimited")?
 */
static bool
api_mentions_rate_limit(const char *s)
{
	const char *p;

	if (s == NULL)
		return false;
	for (p = s; *p != '\0'; p++)
	{
		if (pg_strncasecmp(p, "rate", 4) == 0)
		{
			const char *q = p + 4;

			if (*q == ' ' || *q == '_' || *q == '-')
				q++;
			if (pg_strncasecmp(q, "limit", 5) == 0)
				return true;
		}
	}
	return false;
}

/*
 * api_classify
 *		The kind of failure a response with an HTTP error status is.
 */
static ApiFailure
api_classify(const HttpResponse *response, const ApiWords *words)
{
	long		status = response->status;

	if (status == 429)
		return API_RATE_LIMITED;
	/* GitHub: 403 with no requests left, or a secondary limit */
	if (status == 403 &&
		(response->ratelimit_remaining == 0 || response->retry_after_s >= 0 ||
		 api_mentions_rate_limit(words->message)))
		return API_RATE_LIMITED;
	/* older Stripe versions: 400 with code "rate_limit" */
	if (status == 400 && api_mentions_rate_limit(words->code))
		return API_RATE_LIMITED;
	/* GraphQL: the code says (Linear's 400 AUTHENTICATION_ERROR) */
	if (words->code_classifies &&
		api_code_info(words->code)->failure != API_REJECTED)
		return api_code_info(words->code)->failure;
	if (status == 401)
		return API_UNAUTHORIZED;
	if (status == 403)
		return API_FORBIDDEN;
	if (status == 404 || status == 410)
		return API_NOT_FOUND;
	if (status >= 400 && status <= 499)
		return API_BAD_REQUEST;
	if (status >= 500 && status <= 599)
		return API_SERVER_ERROR;
	return API_UNEXPECTED;
}

/*
 * api_append_words
 *		Append the API's words to a DETAIL being built.
 */
static void
api_append_words(StringInfo detail, const ApiWords *words)
{
	if (words->message != NULL)
	{
		appendStringInfo(detail, "The API responded: \"%s\"", words->message);
		if (words->code != NULL && words->param != NULL)
			appendStringInfo(detail, " (code \"%s\", parameter \"%s\")",
							 words->code, words->param);
		else if (words->code != NULL &&
				 strcmp(words->code, words->message) != 0)
			appendStringInfo(detail, " (code \"%s\")", words->code);
		else if (words->param != NULL)
			appendStringInfo(detail, " (parameter \"%s\")", words->param);
		appendStringInfoChar(detail, '.');
	}
	else if (words->errors != NULL)
	{
		/* Jira's field errors alone: {"summary": "You must specify ..."} */
		appendStringInfo(detail, "The API responded with errors: %s.",
						 words->errors);
		return;
	}
	else if (words->body != NULL && words->body_is_json)
		appendStringInfo(detail, "The response gives no message; its body is: %s",
						 words->body);
	else if (words->body != NULL)
		appendStringInfo(detail, "The response is not JSON; it begins: %s",
						 words->body);
	else
		appendStringInfoString(detail, "The response body is empty.");

	if (words->errors != NULL)
		appendStringInfo(detail, " Errors: %s", words->errors);
}

/*
 * api_append_reset
 *		Append when a rate limit resets, if the response says.
 */
static void
api_append_reset(StringInfo detail, const HttpResponse *response)
{
	time_t		now = time(NULL);
	time_t		reset;

	if (response->retry_after_s >= 0)
		reset = now + (time_t) ceil(response->retry_after_s);
	else if (response->ratelimit_reset > 0)
		reset = (time_t) response->ratelimit_reset;
	else
	{
		appendStringInfoString(detail,
							   " The response does not say when the limit resets.");
		return;
	}
	if (detail->len > 0)
		appendStringInfoChar(detail, ' ');
	if (reset > now)
		appendStringInfo(detail, "The limit resets at %s (in %ld s).",
						 timestamptz_to_str(time_t_to_timestamptz(reset)),
						 (long) (reset - now));
	else
		appendStringInfo(detail, "The limit reset at %s.",
						 timestamptz_to_str(time_t_to_timestamptz(reset)));
}

/*
 * api_not_found_hint
 *		The hint of a 404: the service's own, or, when the API's words say
 *		it does not know the path at all, one about base_url.
 *
 * The result is palloc'd in CurrentMemoryContext.
 */
static char *
api_not_found_hint(const ServiceSpec *service, const ApiWords *words)
{
	const char *said = words->message ? words->message
		: words->code ? words->code : words->body;

	if (service == NULL)
		return pstrdup(api_failure_info(API_NOT_FOUND)->hint);
	if (service->unknown_path_words != NULL && said != NULL &&
		strstr(said, service->unknown_path_words) != NULL)
		return psprintf("The API does not know the path requested: check the server option base_url (the %s API's own is %s).",
						service->name, service->default_base_url);
	if (service->not_found_hint != NULL)
		return pstrdup(service->not_found_hint);
	return pstrdup(api_failure_info(API_NOT_FOUND)->hint);
}

/*
 * api_rate_limit_hint
 *		The hint of a rate limit the API reported.
 *
 * Returns a palloc'd string.
 */
static char *
api_rate_limit_hint(void)
{
	return psprintf("Run the query again after the limit resets, or raise saas_fdw.max_retry_wait (now %d s) so that a query waits for the reset by itself.",
					saas_max_retry_wait_s);
}

/*
 * api_report_method_error
 *		Raise the failure of a request of method (a read's GET or POST, a
 *		write): response is the final answer http_finish returned (usually
 *		status >= 400).  Never returns.
 */
void
api_report_method_error(const ServiceSpec *service, const char *method,
						const char *url, const HttpResponse *response)
{
	ApiWords	words;
	ApiFailure	failure;
	const ApiFailureInfo *info;
	StringInfoData detail;
	const char *reason = api_status_reason(response->status);
	const char *name = (service != NULL) ? service->name : "remote";
	char	   *hint;

	api_read_words(service, response, NULL, &words);
	failure = api_classify(response, &words);
	info = api_failure_info(failure);

	initStringInfo(&detail);
	api_append_words(&detail, &words);
	if (failure == API_RATE_LIMITED)
	{
		api_append_reset(&detail, response);
		hint = api_rate_limit_hint();
	}
	else
	{
		/* a wait longer than saas_fdw.max_retry_wait was not waited */
		if (response->retry_after_s >= 0)
			appendStringInfo(&detail, " The API asks to retry after %.0f s.",
							 ceil(response->retry_after_s));
		hint = (failure == API_NOT_FOUND) ? api_not_found_hint(service, &words)
			: pstrdup(info->hint);
	}

	api_raise(failure, name,
			  reason[0] ? psprintf("%ld %s", response->status, reason)
			  : psprintf("%ld", response->status),
			  detail.data, hint, method, url);
}

/*
 * api_report_write_unknown
 *		Raise the failure of a write sent at most once whose outcome is
 *		unknown: the request may have reached the API (a lost answer, a
 *		5xx, a failure the API says is its own).  cause and cause_detail
 *		(or NULL) are the words of the error that ended it; check is the
 *		SELECT that finds out whether the write was applied.  Never
 *		returns.
 */
void
api_report_write_unknown(const char *service_name, const char *method,
						 const char *url, const char *cause,
						 const char *cause_detail, const char *check)
{
	ereport(ERROR,
			(errcode(ERRCODE_TRANSACTION_RESOLUTION_UNKNOWN),
			 errmsg("write to the %s API may have been applied", service_name),
			 errdetail("The request failed: %s.%s%s Whether the write was applied, this query finds out: %s",
					   cause, cause_detail ? " " : "",
					   cause_detail ? cause_detail : "", check),
			 errhint("Run that query before running the statement again: sent twice, the write could be made twice."),
			 errcontext("API request: %s %s", method, url)));
}

/*
 * api_ok_flag_false
 *		Is doc an answer with a false flag at service->ok_flag_at (Slack's
 *		{"ok": false, "error": "channel_not_found"})?  If so, *code is its
 *		error code, sanitized, or NULL if it names none.  A missing flag is
 *		no error.
 */
static bool
api_ok_flag_false(const ServiceSpec *service, SaasJsonDoc *doc, char **code)
{
	StringInfoData buf;
	SaasJsonKind	kind;
	bool		is_false;

	*code = NULL;
	if (service != NULL && service->errors_at != NULL && doc != NULL)
	{
		SaasJsonKind errors;

		initStringInfo(&buf);
		errors = json_item_value(json_doc_root(doc), api_path(service->errors_at),
								 JOUT_JSON, &buf);
		pfree(buf.data);
		if (errors == JKIND_MISSING || errors == JKIND_NULL)
			return false;
		*code = api_read(doc, service->error_code_at, true, API_TEXT_MAX);
		return true;
	}
	if (service == NULL || service->ok_flag_at == NULL || doc == NULL)
		return false;

	initStringInfo(&buf);
	kind = json_item_value(json_doc_root(doc), api_path(service->ok_flag_at),
						   JOUT_TEXT, &buf);
	is_false = (kind == JKIND_BOOL && strcmp(buf.data, "false") == 0);
	pfree(buf.data);
	if (is_false)
		*code = api_read(doc, service->error_message_at ? service->error_message_at : "error",
						 true, API_TEXT_MAX);
	return is_false;
}

/*
 * api_code_info
 *		What api_codes knows about code (its last entry if nothing).
 *
 * The result is a constant.
 */
static const ApiCodeInfo *
api_code_info(const char *code)
{
	const ApiCodeInfo *known;

	for (known = api_codes; known->code != NULL; known++)
	{
		if (code != NULL && strcmp(known->code, code) == 0)
			break;
	}
	return known;
}

/*
 * api_ok_flag_transient
 *		Is doc an "ok": false answer saying the service failed on its side
 *		(Slack's internal_error, fatal_error, service_unavailable, sent with
 *		HTTP 200)?  Such an answer is worth retrying, as a 5xx is.
 */
bool
api_ok_flag_transient(const ServiceSpec *service, SaasJsonDoc *doc)
{
	char	   *code;

	return api_ok_flag_false(service, doc, &code) &&
		api_code_info(code)->failure == API_SERVER_ERROR;
}

/*
 * api_ok_flag_not_found
 *		Is doc an "ok": false answer saying the object asked for does not
 *		exist (Slack's user_not_found)?  For a single-object request that is
 *		no row, as a 404 is.
 */
bool
api_ok_flag_not_found(const ServiceSpec *service, SaasJsonDoc *doc)
{
	char	   *code;

	return api_ok_flag_false(service, doc, &code) &&
		api_code_info(code)->failure == API_NOT_FOUND;
}

/*
 * api_check_method_ok_flag
 *		For APIs that report errors with HTTP 200 in the body (Slack's
 *		{"ok": false, "error": "channel_not_found"}, GraphQL's errors):
 *		raise if doc is such an answer, naming the request of method (a
 *		read or a write).  A missing flag is not an error here.
 */
void
api_check_method_ok_flag(const ServiceSpec *service, const char *method,
						 const char *url, const HttpResponse *response,
						 SaasJsonDoc *doc)
{
	char	   *code;
	const ApiCodeInfo *known;
	const ApiFailureInfo *info;
	StringInfoData detail;
	char	   *hint;
	char	   *needed = NULL;
	char	   *provided = NULL;

	if (!api_ok_flag_false(service, doc, &code))
		return;
	known = api_code_info(code);
	info = api_failure_info(known->failure);

	initStringInfo(&detail);
	if (service->errors_at != NULL)
		appendStringInfo(&detail, "The API responded with HTTP %ld and errors: \"%s\"",
						 response ? response->status : 200L,
						 api_read(doc, service->error_message_at, true, API_TEXT_MAX));
	else
		appendStringInfo(&detail, "The API responded with HTTP %ld and \"%s\": false",
						 response ? response->status : 200L, service->ok_flag_at);
	if (code != NULL)
		appendStringInfo(&detail, ", error \"%s\".", code);
	else
		appendStringInfoString(&detail, " but no error code.");

	/* Slack's missing_scope says which scope was needed */
	needed = api_read(doc, "needed", true, API_TEXT_MAX);
	provided = api_read(doc, "provided", true, API_TEXT_MAX);
	if (needed != NULL)
		appendStringInfo(&detail, " The token needs the scope \"%s\"", needed);
	if (needed != NULL && provided != NULL)
		appendStringInfo(&detail, " and has \"%s\".", provided);
	else if (needed != NULL)
		appendStringInfoChar(&detail, '.');

	if (known->failure == API_RATE_LIMITED)
	{
		if (response != NULL)
			api_append_reset(&detail, response);
		hint = api_rate_limit_hint();
	}
	else if (code != NULL && strcmp(code, "missing_scope") == 0)
	{
		if (needed != NULL)
			hint = psprintf("Add the OAuth scope %s to the app, reinstall it, and use the new token.",
							needed);
		else
			hint = pstrdup("Add the missing OAuth scope to the app, reinstall it, and use the new token.");
	}
	else if (known->hint != NULL)
		hint = pstrdup(known->hint);
	else
		hint = pstrdup(info->hint);

	api_raise(known->failure, service->name,
			  code ? code : "unknown error", detail.data, hint, method, url);
}

/*
 * api_raise
 *		Raise a failure of kind failure: one message per kind, naming the
 *		service and the status (an HTTP status line, or the error code of
 *		an "ok": false answer).
 *
 * detail and hint are complete sentences; url, if not NULL, is named in
 * the CONTEXT with its method.
 */
static void
api_raise(ApiFailure failure, const char *service_name, const char *status,
		  const char *detail, const char *hint, const char *method,
		  const char *url)
{
	int			sqlstate = api_failure_info(failure)->sqlstate;

	switch (failure)
	{
		case API_BAD_REQUEST:
		case API_UNAUTHORIZED:
		case API_REJECTED:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s API rejected the request: %s",
							service_name, status),
					 errdetail("%s", detail),
					 errhint("%s", hint),
					 url != NULL ? errcontext("API request: %s %s", method, url) : 0));
			break;
		case API_FORBIDDEN:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s API denied access: %s", service_name, status),
					 errdetail("%s", detail),
					 errhint("%s", hint),
					 url != NULL ? errcontext("API request: %s %s", method, url) : 0));
			break;
		case API_NOT_FOUND:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s API found no such resource: %s",
							service_name, status),
					 errdetail("%s", detail),
					 errhint("%s", hint),
					 url != NULL ? errcontext("API request: %s %s", method, url) : 0));
			break;
		case API_RATE_LIMITED:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s API rate limit exceeded: %s",
							service_name, status),
					 errdetail("%s", detail),
					 errhint("%s", hint),
					 url != NULL ? errcontext("API request: %s %s", method, url) : 0));
			break;
		case API_SERVER_ERROR:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s API failed: %s", service_name, status),
					 errdetail("%s", detail),
					 errhint("%s", hint),
					 url != NULL ? errcontext("API request: %s %s", method, url) : 0));
			break;
		case API_UNEXPECTED:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("%s API returned an unexpected response: %s",
							service_name, status),
					 errdetail("%s", detail),
					 errhint("%s", hint),
					 url != NULL ? errcontext("API request: %s %s", method, url) : 0));
			break;
	}
	elog(ERROR, "unknown API failure kind %d", (int) failure);
}
