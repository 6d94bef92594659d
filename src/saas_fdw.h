/*-------------------------------------------------------------------------
 *
 * saas_fdw.h
 *		  Private declarations shared by the modules of saas_fdw.
 *
 * Everything here is safe to include next to json-c: no utils/builtins.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_FDW_H
#define SAAS_FDW_H

#include "access/attnum.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

#include "service.h"

/*
 * Settings (GUCs) that give the defaults of the tuning options.
 * in option.c
 */
extern int	saas_timeout_ms;
extern int	saas_connect_timeout_ms;
extern int	saas_max_retries;
extern int	saas_max_retry_wait_s;
extern int	saas_page_size;
extern int	saas_max_pages;
extern int	saas_read_ahead_pages;
extern int	saas_max_response_kb;
extern int	saas_cache_ttl_s;
extern int	saas_cache_size_kb;
extern int	saas_rate_limit_reserve;

/*
 * Everything a scan needs to know about its table, its server and the
 * caller's credential, with the defaults applied.
 * in option.c
 */
typedef struct SaasTableOptions
{
	Oid			serverid;
	const ServiceSpec *service;
	const ResourceSpec *resource;
	char	   *base_url;		/* no trailing '/' */
	char	   *ca_file;		/* PEM file of trusted CAs, or NULL for the
								 * system's */
	int			timeout_ms;
	int			connect_timeout_ms;
	int			max_retries;
	int			page_size;
	int			cache_ttl_s;
	List	   *fixed_keys;		/* DefElems: key column = value, from the
								 * table options */
	List	   *fixed_query;	/* DefElems: table options that replace a
								 * default_query parameter */
} SaasTableOptions;

extern void saas_define_gucs(void);
extern SaasTableOptions *saas_get_table_options(Oid foreigntableid);
extern char *saas_get_token(Oid serverid, Oid userid);
extern char *saas_column_path_option(Oid foreigntableid, AttrNumber attnum);
extern char *saas_column_name(Oid foreigntableid, AttrNumber attnum);
extern AttrNumber saas_column_attnum(Oid foreigntableid, const char *column);
extern void saas_check_readable_file(const char *path, const char *option);

/*
 * JSON documents (json-c lives only in json.c).
 * in json.c
 */
typedef struct SaasJsonDoc SaasJsonDoc;	/* a parsed response body */
typedef struct SaasJsonItem SaasJsonItem;	/* one item of a SaasJsonDoc */
typedef struct SaasJsonPath SaasJsonPath;	/* a compiled path:
											 * "user.login",
											 * "labels[*].name", "" = the
											 * item */

/* The kind of JSON value a path led to. */
typedef enum SaasJsonKind
{
	JKIND_MISSING,				/* the path does not exist */
	JKIND_NULL,
	JKIND_BOOL,
	JKIND_NUMBER,
	JKIND_STRING,
	JKIND_OBJECT,
	JKIND_ARRAY
} SaasJsonKind;

/* How json_item_value writes the value it found. */
typedef enum SaasJsonOutput
{
	JOUT_TEXT,					/* strings bare, numbers and booleans as
								 * text, objects and arrays as JSON */
	JOUT_JSON,					/* always JSON text (jsonb columns) */
	JOUT_PG_ARRAY,				/* a PostgreSQL array literal of the
								 * elements (text[] columns) */
	JOUT_PG_JSON_ARRAY			/* the same, each element as JSON text
								 * (json[] and jsonb[] columns) */
} SaasJsonOutput;

extern SaasJsonDoc *json_doc_parse(const char *body, size_t len);
extern SaasJsonDoc *json_doc_try_parse(const char *body, size_t len);
extern void json_doc_free(SaasJsonDoc *doc);
extern int	json_doc_items(SaasJsonDoc *doc, const SaasJsonPath *items_at);
extern SaasJsonItem *json_doc_item(SaasJsonDoc *doc, int index);
extern SaasJsonItem *json_doc_root(SaasJsonDoc *doc);
extern SaasJsonItem *json_doc_object(SaasJsonDoc *doc);
extern SaasJsonPath *json_path_compile(const char *path);
extern SaasJsonKind json_item_value(SaasJsonItem *item,
									const SaasJsonPath *path,
									SaasJsonOutput output, StringInfo out);
extern bool json_path_is_valid(const char *path, char **why);
extern const char *json_path_text(const SaasJsonPath *path);
extern bool json_path_maps_array(const SaasJsonPath *path);
extern const char *json_kind_name(SaasJsonKind kind);

/*
 * HTTP (libcurl lives only in http.c).
 * in http.c
 */
typedef struct HttpRequest
{
	const char *url;
	const char *token;			/* sent as Authorization: Bearer; never
								 * logged */
	const char *const *headers; /* service headers, NULL-terminated */
	const char *if_none_match;	/* revalidation, or NULL */
	const char *if_modified_since;
	const char *ca_file;		/* trusted CAs, or NULL for the system's */
	Oid			serverid;		/* the rate limit the request spends: */
	uint64		credential;		/* server and token fingerprint (serverid
								 * InvalidOid: none) */
	int			timeout_ms;
	int			connect_timeout_ms;
	int			max_retries;
} HttpRequest;

typedef struct HttpResponse
{
	long		status;
	char	   *body;			/* NUL-terminated, body_len bytes before it */
	size_t		body_len;
	char	   *next_url;		/* Link: rel="next", or NULL */
	char	   *last_url;		/* Link: rel="last", or NULL */
	char	   *etag;
	char	   *last_modified;
	double		retry_after_s;	/* Retry-After, or -1 */
	int64		ratelimit_remaining;	/* x-ratelimit-remaining, or -1 */
	int64		ratelimit_reset;	/* x-ratelimit-reset (epoch s), or 0 */
} HttpResponse;

/* What a scan's requests cost, for EXPLAIN ANALYZE. */
typedef struct HttpCounters
{
	int64		requests;		/* sent over the network */
	int64		retries;
	int64		bytes;
	int64		cache_hits;
	int64		revalidations;
	double		wait_ms;		/* time spent on the network and in backoff */
} HttpCounters;

/* a request in flight (several may be: a scan reads pages ahead) */
typedef struct HttpTransfer HttpTransfer;

extern HttpTransfer *http_start(const HttpRequest *request,
								HttpCounters *counters);
extern HttpResponse *http_finish(HttpTransfer *transfer);
extern void http_discard(HttpTransfer *transfer);
extern void http_progress(void);
extern bool http_same_origin(const char *url1, const char *url2);
extern void http_backoff(int retry, HttpCounters *counters);

/*
 * Fetch one page: from the shared cache when it is fresh, else from the
 * network (revalidating a stale cached page when the API allows), checked
 * for API errors and parsed.
 * in fetch.c
 */
typedef struct FetchTarget
{
	Oid			serverid;
	const char *token;
	uint64		credential;		/* credential_fingerprint(token) */
	const ServiceSpec *service;
	const char *ca_file;
	int			timeout_ms;
	int			connect_timeout_ms;
	int			max_retries;
	int			cache_ttl_s;
} FetchTarget;

/*
 * A page's items as heap tuples of one row layout, with where the next page
 * starts.  A scan turns each page it parses into these, and the shared
 * cache keeps them beside the page, so that a later scan with the same
 * layout neither parses nor converts the page again.
 */
typedef struct PageRows
{
	int32		ntuples;
	char	   *cursor;			/* the body's cursor to the next page, or
								 * NULL (unused where a Link header says) */
	Size		len;
	char	   *data;			/* the tuples one after the other, each
								 * MAXALIGNed; len bytes, MAXALIGNed */
	Size		allocated;		/* bytes at data, while rows are added */
} PageRows;

typedef struct FetchedPage
{
	HttpResponse *response;		/* without a body when rows are given */
	SaasJsonDoc    *doc;			/* the parsed body; NULL when rows are
								 * given, or a missing_ok fetch found 404 */
	PageRows   *rows;			/* the rows the cache kept for the layout
								 * asked for, else NULL until the scan
								 * makes them from doc */
} FetchedPage;

/* a page asked for and not yet received */
typedef struct PageFetch PageFetch;

extern PageFetch *fetch_page_start(const FetchTarget *target, const char *url,
								   const char *row_layout, bool missing_ok,
								   HttpCounters *counters);
extern FetchedPage fetch_page_finish(PageFetch *fetch);
extern void fetch_page_keep_rows(PageFetch *fetch, const PageRows *rows);
extern void fetch_page_cancel(PageFetch *fetch);

/*
 * API failures as PostgreSQL errors.
 * in api_error.c
 */
extern void api_report_error(const ServiceSpec *service, const char *url,
							 const HttpResponse *response);
extern void api_check_ok_flag(const ServiceSpec *service, const char *url,
							  const HttpResponse *response, SaasJsonDoc *doc);
extern bool api_ok_flag_transient(const ServiceSpec *service, SaasJsonDoc *doc);
extern char *api_rate_limit_hint(void);

/*
 * Names a request in the CONTEXT of errors raised while it is pushed
 * ("API request: GET <url>"); lives on the caller's stack.
 */
typedef struct ApiRequestContext
{
	ErrorContextCallback callback;
	const char *url;
} ApiRequestContext;

extern void api_request_context_push(ApiRequestContext *context,
									 const char *url);
extern void api_request_context_pop(ApiRequestContext *context);

/*
 * A token's fingerprint: how the cache and the rate limiter key it.
 * in credential.c
 */
extern void credential_init(void);
extern uint64 credential_fingerprint(const char *token);

/*
 * The shared-memory page cache.
 * in cache.c
 */
typedef struct CacheKey
{
	Oid			serverid;
	uint64		credential;		/* fingerprint of the token, never the
								 * token */
	const char *url;
	const char *row_layout;		/* rows wanted from beside the page (see
								 * tuple_reader_layout), or NULL */
} CacheKey;

/* What cache_get hands back. */
typedef struct CachedPage
{
	HttpResponse *response;		/* without its body when rows are given */
	PageRows   *rows;			/* the page's rows in key->row_layout, or
								 * NULL */
	uint64		page_gen;		/* names this version of the page for
								 * cache_put_rows */
} CachedPage;

typedef enum CacheResult
{
	CACHE_HIT,					/* fresh page returned */
	CACHE_STALE,				/* expired page returned for revalidation;
								 * the caller now owns the fetch */
	CACHE_MISS,					/* nothing; the caller now owns the fetch */
	CACHE_DISABLED				/* no shared cache (not preloaded, ttl 0) */
} CacheResult;

extern void cache_init(void);
extern CacheResult cache_get(const CacheKey *key, int ttl_s, CachedPage *page);
extern uint64 cache_put(const CacheKey *key, const HttpResponse *page);
extern void cache_put_rows(const CacheKey *key, uint64 page_gen,
						   const PageRows *rows);
extern void cache_abandon(const CacheKey *key);

/*
 * The server-wide rate limiter, fed by the APIs' rate-limit headers.
 * in ratelimit.c
 */

/* margin added to a rate-limit reset time, for clock skew */
#define RATE_LIMIT_RESET_MARGIN_MS	1000

extern void ratelimit_init(void);
extern double ratelimit_before_request(const HttpRequest *request,
									   double max_wait_ms);
extern void ratelimit_after_request(const HttpRequest *request, long status,
									int64 remaining, int64 reset,
									double retry_after_s);

#endif							/* SAAS_FDW_H */
