/*-------------------------------------------------------------------------
 *
 * http.h
 *		  HTTP requests over libcurl, several in flight at once: GET for
 *		  reads, and any method with a body (search and GraphQL reads sent
 *		  as POST, writes).
 *
 * libcurl lives only in the http*.c files (http_internal.h).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_HTTP_H
#define SAAS_HTTP_H

/* How the token goes into the Authorization header. */
typedef enum HttpAuthScheme
{
	HTTP_AUTH_BEARER = 0,		/* "Bearer <token>" */
	HTTP_AUTH_BASIC,			/* "Basic <base64 of token>"; the token is
								 * "user:secret" */
	HTTP_AUTH_PLAIN				/* "<token>" alone (Linear's personal keys) */
} HttpAuthScheme;

/*
 * What to ask for; its strings belong to the caller, who keeps them until
 * http_finish or http_discard.
 */
typedef struct HttpRequest
{
	const char *url;
	const char *token;			/* sent in Authorization; never logged */
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
	const char *method;			/* "POST", "PATCH", "PUT", "DELETE"; NULL
								 * for GET */
	const char *body;			/* sent with the request, or NULL */
	const char *content_type;	/* the body's; NULL for application/json
								 * (Stripe takes form-encoded bodies) */
	HttpAuthScheme auth;
	bool		at_most_once;	/* a write the API cannot tell apart when
								 * sent twice (no idempotency key): never
								 * sent again once it may have arrived */
	int			pace_ms;		/* a write of an API that asks writes to go
								 * one at a time (GitHub): those of one
								 * server and credential start at least
								 * this long after the one before ended
								 * (ratelimit.c); 0: not paced */
} HttpRequest;

/* The final answer to a request, any status. */
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
	int64		cache_admitted;	/* cache blocks the scan put at the head of
								 * the LRU list (cache_lru.c) */
	int64		cache_hit;		/* cache blocks of the pages it had from
								 * the cache (cache_lru.c) */
} HttpCounters;

/* a request in flight (several may be: a scan reads pages ahead) */
typedef struct HttpTransfer HttpTransfer;

/* in http.c */
extern HttpTransfer *http_start(const HttpRequest *request,
								HttpCounters *counters);
extern HttpResponse *http_finish(HttpTransfer *transfer);
extern void http_discard(HttpTransfer *transfer);
extern void http_progress(void);

/* in http_origin.c */
extern bool http_same_origin(const char *url1, const char *url2);

/* in http_retry.c */
extern void http_backoff(int retry, HttpCounters *counters);

#endif							/* SAAS_HTTP_H */
