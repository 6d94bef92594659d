/*-------------------------------------------------------------------------
 *
 * http.c
 *		  Everything that touches libcurl: GET requests with timeouts,
 *		  cancellation, redirects, retries with backoff, rate limits, and the
 *		  response headers the rest of saas_fdw needs (Link rel="next" and
 *		  rel="last", ETag, rate-limit counters).  Several requests may be in
 *		  flight at once (a scan reading pages ahead): each is an HttpTransfer
 *		  on the backend's one curl multi handle, which also keeps the
 *		  connections (and TLS sessions) for reuse across requests and scans.
 *
 * Rules a reader must know:
 *
 * - The token never appears in a message, a log line or an error, and curl
 *	 never runs verbose.  The Authorization header goes only to the scheme,
 *	 host and port of the URL the caller asked for: redirects are followed
 *	 here, not by curl, and a hop to any other origin is sent without it.
 *	 The header's copies are zeroed before they are freed.
 *
 * - Never ereport (or palloc in a way that can raise) inside a curl
 *	 callback: longjmp'ing through libcurl corrupts it.  Callbacks only set
 *	 flags in their HttpTransfer and return; http_finish raises after the
 *	 transfer is done.  Body memory is grown with MCXT_ALLOC_NO_OOM for the
 *	 same reason.
 *
 * - A transfer lives in TopMemoryContext and is owned by the resource owner
 *	 that started it.  Its request strings and its body belong to the
 *	 caller, who keeps them until http_finish or http_discard.  When an
 *	 error unwinds past the owner, http_release_callback takes the transfer
 *	 off the multi handle (without touching the caller's memory, which may
 *	 be gone), so curl never writes through a dangling pointer.
 *
 * - Query cancel, statement_timeout and backend termination stop a request
 *	 in flight: http_finish waits for the network in slices of at most
 *	 HTTP_POLL_SLICE_MS and checks for interrupts between them, and the
 *	 progress callback aborts a transfer when one is pending.  Waits between
 *	 retries, and for the shared rate limiter (ratelimit.c) before any
 *	 attempt, use the latch.
 *
 * - Every attempt sent is reported to the rate limiter when it ends,
 *	 answered or not (http_limiter_close), so its count of requests in
 *	 flight stays right.
 *
 * - A response with HTTP status >= 400 is returned, not raised: the caller
 *	 raises it with api_report_error, which knows the service.  Only
 *	 transport failures (no connection, timeouts, TLS), an oversized body
 *	 and malformed redirects or links are raised here.
 *
 * - curl's lists and URL handles are malloc'd; they are freed in
 *	 PG_FINALLY blocks or before anything can raise.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <time.h>

#include <curl/curl.h>

#include "common/pg_prng.h"
#include "lib/ilist.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "header_number.h"
#include "link_header.h"
#include "saas_fdw.h"

#define HTTP_USER_AGENT		"saas_fdw/0.1"
#define HTTP_MAX_REDIRECTS	5

/* backoff between retries without a server-given wait (Stripe's SDK values) */
#define HTTP_BACKOFF_BASE_MS	500
#define HTTP_BACKOFF_CAP_MS		5000

/* limits on the header values kept */
#define HTTP_MAX_LINK_LEN		16384
#define HTTP_MAX_ETAG_LEN		1024
#define HTTP_MAX_DATE_LEN		128

/* how long http_finish waits for the network before checking interrupts */
#define HTTP_POLL_SLICE_MS		100

/* idle easy handles kept for the next transfers */
#define HTTP_MAX_IDLE_HANDLES	16

/*
 * One request in flight, shared with the curl callbacks.  It stays at the
 * same address from http_start to http_finish or http_discard: curl keeps
 * pointers to it.
 */
struct HttpTransfer
{
	dlist_node	node;			/* in http_active */
	CURL	   *easy;
	ResourceOwner owner;		/* discarded when this is released */
	HttpRequest request;		/* strings belong to the caller */
	HttpCounters *counters;		/* the caller's, or NULL */
	char	   *current_url;	/* after redirects; TopMemoryContext */
	struct curl_slist *headers; /* curl's copies; Authorization zeroed */
	int			retries;
	int			redirects;
	bool		limiter_open;	/* the rate limiter awaits this attempt's end */
	bool		done;			/* curl has finished the current attempt */
	CURLcode	result;
	char		errbuf[CURL_ERROR_SIZE];

	/* body */
	MemoryContext cxt;			/* where the body is allocated */
	char	   *body;
	size_t		body_len;
	size_t		body_cap;
	size_t		limit;			/* most body bytes accepted */

	/* what made a callback abort the transfer */
	bool		cancelled;
	bool		too_large;
	bool		out_of_memory;

	/* a connection was made or reused (so a timeout is not a connect one) */
	bool		connected;

	/* headers of the latest response (reset at each status line) */
	bool		link_too_long;
	char		next[HTTP_MAX_LINK_LEN + 1];	/* rel="next", or "" */
	char		last[HTTP_MAX_LINK_LEN + 1];	/* rel="last", or "" */
	char		etag[HTTP_MAX_ETAG_LEN + 1];
	char		last_modified[HTTP_MAX_DATE_LEN + 1];
	double		retry_after_s;	/* -1 if none */
	int64		ratelimit_remaining;	/* -1 if none */
	int64		ratelimit_reset;	/* 0 if none */
	int			should_retry;	/* Stripe-Should-Retry: -1 none, 0, 1 */
};

static CURLM *http_multi = NULL;
static dlist_head http_active = DLIST_STATIC_INIT(http_active);
static CURL *http_idle[HTTP_MAX_IDLE_HANDLES];
static int	http_n_idle = 0;
static bool http_curl_initialized = false;
static bool http_callback_registered = false;

/*
 * libcurl's built-in trusted CAs, used when a server has no ca_file; copied
 * from the first new handle (curl returns the handle's own setting).
 */
static bool http_default_ca_known = false;
static char http_default_cainfo[MAXPGPATH];	/* "" for none */
static char http_default_capath[MAXPGPATH];

/* The parts of a URL that decide where a request goes. */
typedef struct HttpOrigin
{
	char		scheme[16];
	char		host[512];
	long		port;
} HttpOrigin;

static void http_init_multi(void);
static CURL *http_new_easy(void);
static void http_release_callback(ResourceReleasePhase phase, bool isCommit,
								  bool isTopLevel, void *arg);
static void http_reset_headers(HttpTransfer *t);
static size_t http_write_callback(char *data, size_t size, size_t nmemb,
								  void *userdata);
static size_t http_header_callback(char *buffer, size_t size, size_t nitems,
								   void *userdata);
static int	http_progress_callback(void *clientp, curl_off_t dltotal,
								   curl_off_t dlnow, curl_off_t ultotal,
								   curl_off_t ulnow);
static int	http_prereq_callback(void *clientp, char *conn_primary_ip,
								 char *conn_local_ip, int conn_primary_port,
								 int conn_local_port);
static void http_keep_link(HttpTransfer *t, const char *value, size_t len,
						   const char *rel, char *dst);
static bool http_parse_origin(const char *url, HttpOrigin *origin);
static char *http_origin_text(const char *url);
static char *http_resolve_url(const char *base, const char *ref);
static struct curl_slist *http_build_headers(const HttpRequest *request,
											 bool send_token);
static void http_free_headers(struct curl_slist *list);
static void http_check_header_value(const char *value, const char *what);
static void http_raise_aborted(const HttpTransfer *t);
static bool http_transport_retryable(CURLcode rc);
static void http_raise_transport(const HttpTransfer *t, int attempts);
static bool http_should_retry(long status, const HttpTransfer *t);
static double http_retry_wait_ms(int retry, const HttpTransfer *t);
static double http_backoff_ms(int retry);
static void http_sleep(double ms, HttpCounters *counters);
static void http_send(HttpTransfer *t);
static void http_drive(void);
static void http_wait_done(HttpTransfer *t);
static bool http_try_again(HttpTransfer *t, HttpCounters *counters);
static void http_retire(HttpTransfer *t);
static void http_limiter_close(HttpTransfer *t);
static HttpResponse *http_make_response(HttpTransfer *t, long status);


/* ----------------------------------------------------------------
 *		Handles
 * ----------------------------------------------------------------
 */

#define HTTP_SETOPT(h, opt, val) \
	do { \
		if (curl_easy_setopt((h), (opt), (val)) != CURLE_OK) \
			failed_option = #opt; \
	} while (0)

static void
http_raise_setopt_failed(const char *failed_option)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("could not configure libcurl"),
			 errdetail("Setting %s failed; libcurl %s may be too old (7.85 or later is needed).",
					   failed_option, curl_version_info(CURLVERSION_NOW)->version)));
}

/*
 * The backend's multi handle, created on first use and kept: it holds the
 * connection cache, so connections are reused across requests and scans.
 */
static void
http_init_multi(void)
{
	if (http_multi != NULL)
		return;

	if (!http_curl_initialized)
	{
		CURLcode	rc = curl_global_init(CURL_GLOBAL_DEFAULT);

		if (rc != CURLE_OK)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not initialize libcurl"),
					 errdetail("%s", curl_easy_strerror(rc))));
		http_curl_initialized = true;
	}
	if (!http_callback_registered)
	{
		RegisterResourceReleaseCallback(http_release_callback, NULL);
		http_callback_registered = true;
	}

	http_multi = curl_multi_init();
	if (http_multi == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not create a libcurl multi handle")));
}

/* An easy handle with the settings that never change. */
static CURL *
http_new_easy(void)
{
	CURL	   *h;
	const char *failed_option = NULL;

	if (http_n_idle > 0)
		return http_idle[--http_n_idle];

	h = curl_easy_init();
	if (h == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not create a libcurl handle")));

	HTTP_SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	HTTP_SETOPT(h, CURLOPT_VERBOSE, 0L);	/* would print the token */
	HTTP_SETOPT(h, CURLOPT_HTTPGET, 1L);
	HTTP_SETOPT(h, CURLOPT_USERAGENT, HTTP_USER_AGENT);
	HTTP_SETOPT(h, CURLOPT_ACCEPT_ENCODING, "");	/* all curl supports */
	HTTP_SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	HTTP_SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* redirects are followed by http_finish, which decides about the token */
	HTTP_SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	HTTP_SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
	HTTP_SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
	HTTP_SETOPT(h, CURLOPT_TCP_KEEPALIVE, 1L);
	HTTP_SETOPT(h, CURLOPT_WRITEFUNCTION, http_write_callback);
	HTTP_SETOPT(h, CURLOPT_HEADERFUNCTION, http_header_callback);
	HTTP_SETOPT(h, CURLOPT_NOPROGRESS, 0L);
	HTTP_SETOPT(h, CURLOPT_XFERINFOFUNCTION, http_progress_callback);
	HTTP_SETOPT(h, CURLOPT_PREREQFUNCTION, http_prereq_callback);

	if (failed_option != NULL)
	{
		curl_easy_cleanup(h);
		http_raise_setopt_failed(failed_option);
	}
	if (!http_default_ca_known)
	{
		char	   *cainfo = NULL;
		char	   *capath = NULL;

		(void) curl_easy_getinfo(h, CURLINFO_CAINFO, &cainfo);
		(void) curl_easy_getinfo(h, CURLINFO_CAPATH, &capath);
		strlcpy(http_default_cainfo, cainfo ? cainfo : "", MAXPGPATH);
		strlcpy(http_default_capath, capath ? capath : "", MAXPGPATH);
		http_default_ca_known = true;
	}
	return h;
}

/*
 * Tell the shared rate limiter that t's attempt is over (answered, failed
 * or abandoned) and what its response said.  Never raises.
 */
static void
http_limiter_close(HttpTransfer *t)
{
	long		status = 0;

	if (!t->limiter_open)
		return;
	t->limiter_open = false;
	if (t->done)
		(void) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	ratelimit_after_request(&t->request, status, t->ratelimit_remaining,
							t->ratelimit_reset, t->retry_after_s);
}

/*
 * Take a transfer off the multi handle and free it; its easy handle is kept
 * for later requests.  Never raises; touches nothing of the caller's.
 */
static void
http_retire(HttpTransfer *t)
{
	http_limiter_close(t);
	dlist_delete(&t->node);
	if (t->easy != NULL)
	{
		(void) curl_multi_remove_handle(http_multi, t->easy);
		(void) curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, NULL);
		if (http_n_idle < HTTP_MAX_IDLE_HANDLES)
			http_idle[http_n_idle++] = t->easy;
		else
			curl_easy_cleanup(t->easy);
	}
	http_free_headers(t->headers);
	if (t->current_url != NULL)
		pfree(t->current_url);
	pfree(t);
}

/*
 * Resource owner release: transfers started under this owner are no longer
 * wanted (an error unwound the scan, or its portal is gone).
 */
static void
http_release_callback(ResourceReleasePhase phase, bool isCommit,
					  bool isTopLevel, void *arg)
{
	dlist_mutable_iter iter;

	if (phase != RESOURCE_RELEASE_BEFORE_LOCKS)
		return;
	dlist_foreach_modify(iter, &http_active)
	{
		HttpTransfer *t = dlist_container(HttpTransfer, node, iter.cur);

		if (t->owner == CurrentResourceOwner || isTopLevel)
			http_retire(t);
	}
}


/* ----------------------------------------------------------------
 *		Callbacks (no ereport, no palloc that can raise)
 * ----------------------------------------------------------------
 */

static void
http_reset_headers(HttpTransfer *t)
{
	t->link_too_long = false;
	t->next[0] = '\0';
	t->last[0] = '\0';
	t->etag[0] = '\0';
	t->last_modified[0] = '\0';
	t->retry_after_s = -1;
	t->ratelimit_remaining = -1;
	t->ratelimit_reset = 0;
	t->should_retry = -1;
}

static size_t
http_write_callback(char *data, size_t size, size_t nmemb, void *userdata)
{
	HttpTransfer *t = (HttpTransfer *) userdata;
	size_t		len = size * nmemb;
	size_t		need;

	if (len > t->limit - t->body_len)
	{
		t->too_large = true;
		return 0;				/* anything but len aborts the transfer */
	}
	need = t->body_len + len + 1;	/* room for the NUL */
	if (need > t->body_cap)
	{
		size_t		cap = Max(Max(t->body_cap * 2, need), (size_t) 8192);
		curl_off_t	announced = -1;
		char	   *body;

		/* the first time, room for the whole body if its length is known */
		if (t->body_cap == 0 &&
			curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
							  &announced) == CURLE_OK &&
			announced > 0 && (size_t) announced < t->limit)
			cap = Max(cap, (size_t) announced + 1);

		cap = Min(cap, t->limit + 1);
		body = MemoryContextAllocExtended(t->cxt, cap, MCXT_ALLOC_NO_OOM);
		if (body == NULL)
		{
			t->out_of_memory = true;
			return 0;
		}
		if (t->body != NULL)
		{
			memcpy(body, t->body, t->body_len);
			pfree(t->body);
		}
		t->body = body;
		t->body_cap = cap;
	}
	memcpy(t->body + t->body_len, data, len);
	t->body_len += len;
	return len;
}

static int
http_progress_callback(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
					   curl_off_t ultotal, curl_off_t ulnow)
{
	HttpTransfer *t = (HttpTransfer *) clientp;

	if (QueryCancelPending || ProcDiePending)
	{
		t->cancelled = true;
		return 1;				/* abort; http_finish raises */
	}
	return 0;
}

/* Called once a connection is established or reused, before the request. */
static int
http_prereq_callback(void *clientp, char *conn_primary_ip, char *conn_local_ip,
					 int conn_primary_port, int conn_local_port)
{
	HttpTransfer *t = (HttpTransfer *) clientp;

	t->connected = true;
	return CURL_PREREQFUNC_OK;
}

static inline bool
http_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does the header name (name, len) equal expected, ignoring case? */
static inline bool
http_header_is(const char *name, size_t len, const char *expected)
{
	return len == strlen(expected) && pg_strncasecmp(name, expected, len) == 0;
}

/* Copy a header value if it fits (with its NUL); else keep nothing. */
static void
http_copy_value(char *dst, size_t dst_size, const char *s, size_t len)
{
	if (len >= dst_size)
	{
		dst[0] = '\0';
		return;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/*
 * One header line: "Name: value\r\n", not NUL-terminated.  A status line
 * starts a new response (after a 1xx, or on the next request), so it resets
 * what was kept.
 */
static size_t
http_header_callback(char *buffer, size_t size, size_t nitems, void *userdata)
{
	HttpTransfer *t = (HttpTransfer *) userdata;
	size_t		len = size * nitems;
	const char *colon;
	const char *value;
	size_t		name_len;
	size_t		value_len;

	if (len >= 5 && pg_strncasecmp(buffer, "HTTP/", 5) == 0)
	{
		http_reset_headers(t);
		return len;
	}
	colon = memchr(buffer, ':', len);
	if (colon == NULL)
		return len;
	name_len = colon - buffer;
	value = colon + 1;
	value_len = len - name_len - 1;
	while (value_len > 0 && http_is_space(value[0]))
	{
		value++;
		value_len--;
	}
	while (value_len > 0 && http_is_space(value[value_len - 1]))
		value_len--;

	if (http_header_is(buffer, name_len, "link"))
	{
		http_keep_link(t, value, value_len, "next", t->next);
		http_keep_link(t, value, value_len, "last", t->last);
	}
	else if (http_header_is(buffer, name_len, "etag"))
		http_copy_value(t->etag, sizeof(t->etag), value, value_len);
	else if (http_header_is(buffer, name_len, "last-modified"))
		http_copy_value(t->last_modified, sizeof(t->last_modified),
						value, value_len);
	else if (http_header_is(buffer, name_len, "retry-after"))
		t->retry_after_s = header_number_seconds(value, value_len);
	else if (http_header_is(buffer, name_len, "x-ratelimit-remaining"))
		t->ratelimit_remaining = header_number_count(value, value_len);
	else if (http_header_is(buffer, name_len, "x-ratelimit-reset"))
		t->ratelimit_reset = Max(header_number_count(value, value_len), 0);
	else if (http_header_is(buffer, name_len, "stripe-should-retry"))
	{
		if (value_len == 4 && pg_strncasecmp(value, "true", 4) == 0)
			t->should_retry = 1;
		else if (value_len == 5 && pg_strncasecmp(value, "false", 5) == 0)
			t->should_retry = 0;
	}
	return len;
}

/*
 * Keep the target of the first link of relation rel (across several Link
 * headers too) in dst, unless one was kept already.
 */
static void
http_keep_link(HttpTransfer *t, const char *value, size_t len,
			   const char *rel, char *dst)
{
	if (dst[0] == '\0' &&
		link_header_find(value, len, rel, dst, HTTP_MAX_LINK_LEN + 1) == LINK_TOO_LONG)
		t->link_too_long = true;
}


/* ----------------------------------------------------------------
 *		URLs
 * ----------------------------------------------------------------
 */

/*
 * Split url into scheme, host and port (the default port if none is
 * written).  Everything curl allocates is freed before returning.
 */
static bool
http_parse_origin(const char *url, HttpOrigin *origin)
{
	CURLU	   *u = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	char	   *port = NULL;
	bool		ok = false;

	if (u == NULL)
		return false;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		strlen(scheme) < sizeof(origin->scheme) &&
		strlen(host) < sizeof(origin->host))
	{
		char	   *end;

		strlcpy(origin->scheme, scheme, sizeof(origin->scheme));
		strlcpy(origin->host, host, sizeof(origin->host));
		origin->port = strtol(port, &end, 10);
		ok = (*end == '\0');
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/*
 * Do two URLs have the same scheme, host and port?  False if either cannot
 * be parsed.  Used to decide where the token may go.
 */
bool
http_same_origin(const char *url1, const char *url2)
{
	HttpOrigin	a;
	HttpOrigin	b;

	if (!http_parse_origin(url1, &a) || !http_parse_origin(url2, &b))
		return false;
	return pg_strcasecmp(a.scheme, b.scheme) == 0 &&
		pg_strcasecmp(a.host, b.host) == 0 &&
		a.port == b.port;
}

/* "scheme://host:port" of url, for messages; never the path or query. */
static char *
http_origin_text(const char *url)
{
	HttpOrigin	o;

	if (!http_parse_origin(url, &o))
		return pstrdup("(an invalid URL)");
	return psprintf("%s://%s:%ld", o.scheme, o.host, o.port);
}

static bool
http_scheme_allowed(const char *url)
{
	HttpOrigin	o;

	return http_parse_origin(url, &o) &&
		(pg_strcasecmp(o.scheme, "https") == 0 ||
		 pg_strcasecmp(o.scheme, "http") == 0);
}

/*
 * Resolve ref (absolute or relative) against base; a palloc'd absolute URL,
 * or NULL if it is malformed or not http(s).
 */
static char *
http_resolve_url(const char *base, const char *ref)
{
	CURLU	   *u = curl_url();
	char	   *resolved = NULL;
	char	   *result = NULL;
	char		buf[HTTP_MAX_LINK_LEN * 2];
	bool		ok = false;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
		curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_URL, &resolved, 0) == CURLUE_OK &&
		strlen(resolved) < sizeof(buf))
	{
		strlcpy(buf, resolved, sizeof(buf));
		ok = true;
	}
	curl_free(resolved);
	curl_url_cleanup(u);

	if (ok && http_scheme_allowed(buf))
		result = pstrdup(buf);
	return result;
}


/* ----------------------------------------------------------------
 *		Requests
 * ----------------------------------------------------------------
 */

/* Refuse a header value with a line break (header injection). */
static void
http_check_header_value(const char *value, const char *what)
{
	if (value != NULL && strpbrk(value, "\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s contains a line break", what),
				 errhint("HTTP header values cannot span lines.")));
}

static struct curl_slist *
http_append_header(struct curl_slist *list, const char *header)
{
	struct curl_slist *appended = curl_slist_append(list, header);

	if (appended == NULL)
	{
		http_free_headers(list);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not build the HTTP request headers.")));
	}
	return appended;
}

/*
 * The request headers: the service's, revalidation, and Authorization when
 * send_token.  curl copies each string; the palloc'd Authorization line is
 * zeroed at once, and curl's copy in http_free_headers.
 */
static struct curl_slist *
http_build_headers(const HttpRequest *request, bool send_token)
{
	struct curl_slist *list = NULL;
	const char *const *h;

	if (request->headers != NULL)
	{
		for (h = request->headers; *h != NULL; h++)
			list = http_append_header(list, *h);
	}
	if (request->if_none_match != NULL)
	{
		char	   *line = psprintf("If-None-Match: %s", request->if_none_match);

		list = http_append_header(list, line);
		pfree(line);
	}
	if (request->if_modified_since != NULL)
	{
		char	   *line = psprintf("If-Modified-Since: %s",
									request->if_modified_since);

		list = http_append_header(list, line);
		pfree(line);
	}
	if (send_token)
	{
		size_t		size = strlen("Authorization: Bearer ") + strlen(request->token) + 1;
		char	   *line = MemoryContextAllocExtended(CurrentMemoryContext, size,
													  MCXT_ALLOC_NO_OOM);
		struct curl_slist *appended;

		if (line == NULL)
		{
			http_free_headers(list);
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		}
		snprintf(line, size, "Authorization: Bearer %s", request->token);
		appended = curl_slist_append(list, line);
		explicit_bzero(line, size);
		pfree(line);
		if (appended == NULL)
		{
			http_free_headers(list);
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		}
		list = appended;
	}
	return list;
}

/* Free a header list, zeroing the Authorization line first. */
static void
http_free_headers(struct curl_slist *list)
{
	struct curl_slist *item;

	for (item = list; item != NULL; item = item->next)
	{
		if (item->data != NULL &&
			pg_strncasecmp(item->data, "Authorization:", 14) == 0)
			explicit_bzero(item->data, strlen(item->data));
	}
	curl_slist_free_all(list);
}

/* A callback aborted the transfer: raise for the reason it recorded. */
static void
http_raise_aborted(const HttpTransfer *t)
{
	const char *url = t->current_url;

	if (t->cancelled)
	{
		CHECK_FOR_INTERRUPTS();
		/* interrupts are held off: still do not go on */
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg("canceling API request to %s", http_origin_text(url))));
	}
	if (t->too_large)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("API response from %s is larger than saas_fdw.max_response_size",
						http_origin_text(url)),
				 errdetail("The limit is %zu kB.", t->limit / 1024),
				 errhint("Raise saas_fdw.max_response_size, or ask for fewer items per page with the page_size option.")));
	if (t->out_of_memory)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not allocate %zu bytes for the API response.",
						   t->body_len)));
}

static bool
http_transport_retryable(CURLcode rc)
{
	switch (rc)
	{
		case CURLE_COULDNT_CONNECT:
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
			return true;
		default:
			return false;
	}
}

/* A request failed below HTTP: raise, naming where and which setting. */
static void
http_raise_transport(const HttpTransfer *t, int attempts)
{
	CURLcode	rc = t->result;
	const HttpRequest *request = &t->request;
	char	   *origin = http_origin_text(t->current_url);
	const char *reason = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
	char	   *detail;

	if (attempts > 1)
		detail = psprintf("%s (after %d attempts).", reason, attempts);
	else
		detail = psprintf("%s.", reason);

	switch (rc)
	{
		case CURLE_OPERATION_TIMEDOUT:
			if (!t->connected)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
						 errmsg("could not reach the API at %s: connection timed out",
								origin),
						 errdetail("%s", detail),
						 errhint("Check the server option base_url, or allow more than %d ms with saas_fdw.connect_timeout or the server option connect_timeout_ms.",
								 request->connect_timeout_ms)));
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("API request to %s timed out", origin),
					 errdetail("%s", detail),
					 errhint("Allow more than %d ms with saas_fdw.timeout or the server option timeout_ms.",
							 request->timeout_ms)));
			break;
		case CURLE_URL_MALFORMAT:
		case CURLE_UNSUPPORTED_PROTOCOL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid API URL for %s", origin),
					 errdetail("%s", detail),
					 errhint("Check the server option base_url: it must be an http or https URL.")));
			break;
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not reach the API at %s", origin),
					 errdetail("%s", detail),
					 errhint("Check the host name in the server option base_url and the database server's DNS.")));
			break;
		case CURLE_SSL_CACERT_BADFILE:
			/* say why the file of the server option could not be used */
			if (request->ca_file != NULL)
			{
				saas_check_readable_file(request->ca_file, "ca_file");
				ereport(ERROR,
						(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
						 errmsg("could not load certificate authorities from file \"%s\" named by option \"ca_file\"",
								request->ca_file),
						 errdetail("%s", detail),
						 errhint("The file must hold certificates in PEM form (-----BEGIN CERTIFICATE-----).")));
			}
			/* FALLTHROUGH */
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CIPHER:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_SSL_CRL_BADFILE:
		case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		case CURLE_SSL_INVALIDCERTSTATUS:
		case CURLE_SSL_ENGINE_INITFAILED:
		case CURLE_SSL_SHUTDOWN_FAILED:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not reach the API at %s: TLS failed", origin),
					 errdetail("%s", detail),
					 errhint("saas_fdw always verifies the server's certificate: against the system's trusted authorities, or only those in the PEM file named by the server option ca_file (for a private certificate authority).  Check base_url, the certificate and ca_file.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not reach the API at %s", origin),
					 errdetail("%s", detail),
					 errhint("Check that the API is reachable from the database server and that the server option base_url is right.")));
			break;
	}
}

/*
 * Is this response worth retrying?  5xx, 429, and 403 that is a GitHub rate
 * limit (no requests remaining, or a Retry-After); Stripe-Should-Retry
 * overrides either way.
 */
static bool
http_should_retry(long status, const HttpTransfer *t)
{
	if (status < 400)
		return false;
	if (t->should_retry == 0)
		return false;
	if (t->should_retry == 1)
		return true;
	if (status >= 500 && status <= 599)
		return true;
	if (status == 429)
		return true;
	if (status == 403 &&
		(t->ratelimit_remaining == 0 || t->retry_after_s >= 0))
		return true;
	return false;
}

/*
 * How long to wait before retry number retry (0-based): Retry-After if the
 * API gave it; the reset time if no requests remain; else exponential
 * backoff with jitter.
 */
static double
http_retry_wait_ms(int retry, const HttpTransfer *t)
{
	if (t->retry_after_s >= 0)
		return t->retry_after_s * 1000.0;
	if (t->ratelimit_remaining == 0 && t->ratelimit_reset > 0)
	{
		double		until = ((double) t->ratelimit_reset - (double) time(NULL)) * 1000.0;

		return Max(until, 0) + RATE_LIMIT_RESET_MARGIN_MS;
	}
	return http_backoff_ms(retry);
}

/* Exponential backoff with jitter before retry number retry (0-based). */
static double
http_backoff_ms(int retry)
{
	double		ms;

	ms = HTTP_BACKOFF_BASE_MS * pow(2.0, Min(retry, 16));
	ms = Min(ms, HTTP_BACKOFF_CAP_MS);
	/* between half and all of it, so backends do not retry in step */
	return ms * (0.5 + 0.5 * pg_prng_double(&pg_global_prng_state));
}

/*
 * Wait before retry number retry (0-based) of a request whose answer the
 * caller found transient (Slack's internal_error sent with HTTP 200), and
 * count the retry.  Cancellable, like every wait here.
 */
void
http_backoff(int retry, HttpCounters *counters)
{
	http_sleep(http_backoff_ms(retry), counters);
	counters->retries++;
}

/*
 * Sleep on the latch, so that cancel and backend termination interrupt.
 * counters (may be NULL) adds up the time.
 */
static void
http_sleep(double ms, HttpCounters *counters)
{
	TimestampTz start = GetCurrentTimestamp();
	TimestampTz end = start + (TimestampTz) (ms * 1000.0);

	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		long		remaining;
		int			rc;

		if (now >= end)
			break;
		remaining = (long) ((end - now + 999) / 1000);
		rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					   remaining, PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
			ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	if (counters != NULL)
		counters->wait_ms += (double) (GetCurrentTimestamp() - start) / 1000.0;
}

/* The response just received, in the caller's memory context. */
static HttpResponse *
http_make_response(HttpTransfer *t, long status)
{
	MemoryContext old = MemoryContextSwitchTo(t->cxt);
	HttpResponse *r = palloc0(sizeof(HttpResponse));
	bool		success = status >= 200 && status < 300;

	r->status = status;
	if (t->body != NULL)
	{
		t->body[t->body_len] = '\0';
		/* give back what doubling the buffer left unused */
		if (t->body_cap > t->body_len + 1)
			t->body = repalloc(t->body, t->body_len + 1);
		r->body = t->body;
		r->body_len = t->body_len;
		t->body = NULL;			/* the response owns it now */
		t->body_cap = 0;
		t->body_len = 0;
	}
	else
	{
		r->body = palloc(1);
		r->body[0] = '\0';
		r->body_len = 0;
	}

	if (t->link_too_long && success)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("API response from %s has a link longer than %d bytes",
						http_origin_text(t->current_url), HTTP_MAX_LINK_LEN)));
	if (success)
	{
		/* a Link target may be relative to the request's URL */
		r->next_url = t->next[0] ? http_resolve_url(t->current_url, t->next) : NULL;
		r->last_url = t->last[0] ? http_resolve_url(t->current_url, t->last) : NULL;
		if ((t->next[0] && r->next_url == NULL) || (t->last[0] && r->last_url == NULL))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("API response from %s has an invalid pagination link",
							http_origin_text(t->current_url)),
					 errdetail("The Link header's rel=\"next\" or rel=\"last\" target is not an http or https URL.")));
	}
	r->etag = t->etag[0] ? pstrdup(t->etag) : NULL;
	r->last_modified = t->last_modified[0] ? pstrdup(t->last_modified) : NULL;
	r->retry_after_s = t->retry_after_s;
	r->ratelimit_remaining = t->ratelimit_remaining;
	r->ratelimit_reset = t->ratelimit_reset;
	MemoryContextSwitchTo(old);
	return r;
}

/*
 * Send the transfer's current attempt: fresh state, the headers for
 * current_url, and onto the multi handle.  curl does the I/O when the
 * multi handle is driven.
 */
static void
http_send(HttpTransfer *t)
{
	const HttpRequest *request = &t->request;
	const char *failed_option = NULL;
	bool		send_token;
	CURLMcode	mrc;

	/*
	 * The token goes only where the caller sent it: a redirect to another
	 * scheme, host or port (even one on the same host but plain http) must
	 * not receive it.  curl would also drop it on a host change, but
	 * following redirects here makes the rule explicit and covers the port
	 * and scheme too.
	 */
	send_token = request->token != NULL &&
		(t->redirects == 0 || http_same_origin(t->current_url, request->url));

	(void) curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, NULL);
	http_free_headers(t->headers);
	t->headers = NULL;
	t->headers = http_build_headers(request, send_token);

	/* a retried or redirected attempt reuses the body buffer */
	t->body_len = 0;
	t->done = false;
	t->result = CURLE_OK;
	t->cancelled = false;
	t->too_large = false;
	t->out_of_memory = false;
	t->connected = false;
	http_reset_headers(t);
	t->errbuf[0] = '\0';

	HTTP_SETOPT(t->easy, CURLOPT_URL, t->current_url);
	HTTP_SETOPT(t->easy, CURLOPT_HTTPHEADER, t->headers);
	HTTP_SETOPT(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
	HTTP_SETOPT(t->easy, CURLOPT_PRIVATE, t);
	HTTP_SETOPT(t->easy, CURLOPT_WRITEDATA, t);
	HTTP_SETOPT(t->easy, CURLOPT_HEADERDATA, t);
	HTTP_SETOPT(t->easy, CURLOPT_XFERINFODATA, t);
	HTTP_SETOPT(t->easy, CURLOPT_PREREQDATA, t);
	HTTP_SETOPT(t->easy, CURLOPT_TIMEOUT_MS, (long) Max(request->timeout_ms, 0));
	HTTP_SETOPT(t->easy, CURLOPT_CONNECTTIMEOUT_MS,
				(long) Max(request->connect_timeout_ms, 0));
	HTTP_SETOPT(t->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) t->limit);
	/* a ca_file replaces the system's trusted CAs, directory too */
	if (request->ca_file != NULL)
	{
		HTTP_SETOPT(t->easy, CURLOPT_CAINFO, request->ca_file);
		HTTP_SETOPT(t->easy, CURLOPT_CAPATH, NULL);
	}
	else
	{
		HTTP_SETOPT(t->easy, CURLOPT_CAINFO,
					http_default_cainfo[0] ? http_default_cainfo : NULL);
		HTTP_SETOPT(t->easy, CURLOPT_CAPATH,
					http_default_capath[0] ? http_default_capath : NULL);
	}
	if (failed_option != NULL)
		http_raise_setopt_failed(failed_option);

	/* wait while the shared rate limiter says the limit is used up */
	for (;;)
	{
		double		limit_wait_ms = ratelimit_before_request(request,
															 saas_max_retry_wait_s * 1000.0);

		if (limit_wait_ms <= 0)
			break;
		http_sleep(limit_wait_ms, t->counters);
	}
	t->limiter_open = true;

	mrc = curl_multi_add_handle(http_multi, t->easy);
	if (mrc != CURLM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not start an API request"),
				 errdetail("%s", curl_multi_strerror(mrc))));
}

/*
 * Let curl do whatever I/O is ready, without waiting, and mark the
 * transfers it finished.
 */
static void
http_drive(void)
{
	int			running;
	int			queued;
	CURLMsg    *msg;

	(void) curl_multi_perform(http_multi, &running);
	while ((msg = curl_multi_info_read(http_multi, &queued)) != NULL)
	{
		HttpTransfer *t = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		(void) curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &t);
		if (t == NULL)
			continue;
		t->done = true;
		t->result = msg->data.result;
		(void) curl_multi_remove_handle(http_multi, t->easy);
		http_limiter_close(t);
	}
}

/*
 * Drive every transfer until t is done, in slices so that cancel, timeouts
 * and termination are noticed promptly even while nothing arrives.
 */
static void
http_wait_done(HttpTransfer *t)
{
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		http_drive();
		if (t->done)
			return;
		(void) curl_multi_poll(http_multi, NULL, 0, HTTP_POLL_SLICE_MS, NULL);
	}
}

/*
 * Send t's request again after the wait its failure calls for, if a retry
 * is left and the wait is within saas_fdw.max_retry_wait; false if not.
 */
static bool
http_try_again(HttpTransfer *t, HttpCounters *counters)
{
	double		wait_ms;

	if (t->retries >= t->request.max_retries)
		return false;
	wait_ms = http_retry_wait_ms(t->retries, t);
	if (wait_ms > (double) saas_max_retry_wait_s * 1000.0)
		return false;
	http_sleep(wait_ms, counters);
	t->retries++;
	counters->retries++;
	http_send(t);
	return true;
}

/*
 * Start GET request->url; the response will be allocated in the current
 * memory context, which (with the request's strings) must outlive the
 * transfer.  counters (may be NULL) adds up requests, retries, bytes and
 * time as http_finish sees them.
 */
HttpTransfer *
http_start(const HttpRequest *request, HttpCounters *counters)
{
	HttpTransfer *t;
	size_t		limit;

	if (request->token != NULL && strpbrk(request->token, "\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("the token of the user mapping contains a line break"),
				 errhint("Set the user mapping's token option to the token alone.")));
	if (request->headers != NULL)
	{
		const char *const *hdr;

		for (hdr = request->headers; *hdr != NULL; hdr++)
			http_check_header_value(*hdr, "a service request header");
	}
	http_check_header_value(request->if_none_match, "a cached ETag");
	http_check_header_value(request->if_modified_since, "a cached Last-Modified date");
	http_check_header_value(request->url, "the request URL");

	http_init_multi();

	limit = (saas_max_response_kb > 0) ?
		(size_t) saas_max_response_kb * 1024 : MaxAllocSize - 1;
	limit = Min(limit, MaxAllocSize - 1);

	t = MemoryContextAllocZero(TopMemoryContext, sizeof(HttpTransfer));
	t->request = *request;
	t->counters = counters;
	t->owner = CurrentResourceOwner;
	t->cxt = CurrentMemoryContext;
	t->limit = limit;
	dlist_push_tail(&http_active, &t->node);

	PG_TRY();
	{
		t->current_url = MemoryContextStrdup(TopMemoryContext, request->url);
		t->easy = http_new_easy();
		http_send(t);
		http_drive();			/* connect and send now */
	}
	PG_CATCH();
	{
		http_retire(t);
		PG_RE_THROW();
	}
	PG_END_TRY();
	return t;
}

/*
 * Wait for the transfer's final response (any status; a status of 400 or
 * more is for the caller to raise with api_report_error) and free the
 * transfer.  Other transfers in flight go on meanwhile.
 *
 * Redirects (at most HTTP_MAX_REDIRECTS, http and https only) are followed;
 * the token goes only to the origin of the request's URL.  Transient
 * failures are retried up to request->max_retries times: transport errors
 * that may pass, 5xx, 429 and GitHub's 403 rate limits.  A wait longer than
 * saas_fdw.max_retry_wait is not waited: the response is returned at once
 * (api_report_error says when the limit resets).
 */
HttpResponse *
http_finish(HttpTransfer *t)
{
	HttpCounters local_counters;
	HttpCounters *counters = t->counters;
	HttpResponse *volatile response = NULL;

	if (counters == NULL)
	{
		memset(&local_counters, 0, sizeof(local_counters));
		counters = &local_counters;
	}

	PG_TRY();
	{
		for (;;)
		{
			long		status = 0;
			curl_off_t	total_us = 0;

			http_wait_done(t);

			counters->requests++;
			counters->bytes += t->body_len;
			if (curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK)
				counters->wait_ms += (double) total_us / 1000.0;

			if (t->result == CURLE_FILESIZE_EXCEEDED)
				t->too_large = true;
			http_raise_aborted(t);

			if (t->result != CURLE_OK)
			{
				if (http_transport_retryable(t->result) &&
					http_try_again(t, counters))
					continue;
				http_raise_transport(t, t->retries + 1);
			}

			(void) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);

			if (status == 301 || status == 302 || status == 303 ||
				status == 307 || status == 308)
			{
				char	   *location = NULL;

				(void) curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &location);
				if (location != NULL)
				{
					char	   *next;

					if (++t->redirects > HTTP_MAX_REDIRECTS)
						ereport(ERROR,
								(errcode(ERRCODE_FDW_ERROR),
								 errmsg("API request to %s was redirected more than %d times",
										http_origin_text(t->request.url),
										HTTP_MAX_REDIRECTS),
								 errhint("Check the server option base_url.")));
					if (!http_scheme_allowed(location))
						ereport(ERROR,
								(errcode(ERRCODE_FDW_ERROR),
								 errmsg("API request to %s was redirected to a URL that is not http or https",
										http_origin_text(t->request.url)),
								 errhint("Check the server option base_url.")));
					next = MemoryContextStrdup(TopMemoryContext, location);
					pfree(t->current_url);
					t->current_url = next;
					http_send(t);
					continue;
				}
			}

			/* too long a wait returns the response: the caller says when */
			if (http_should_retry(status, t) && http_try_again(t, counters))
				continue;

			response = http_make_response(t, status);
			break;
		}
	}
	PG_FINALLY();
	{
		t->body = NULL;			/* belongs to the caller, or to the response */
		http_retire(t);
	}
	PG_END_TRY();

	return response;
}

/*
 * A transfer no longer wanted (a scan that stopped early): stop it.  A
 * request already sent still counts.
 */
void
http_discard(HttpTransfer *t)
{
	if (t->counters != NULL)
		t->counters->requests++;
	if (t->body != NULL)
		pfree(t->body);
	t->body = NULL;
	http_retire(t);
}

/*
 * Let transfers in flight move on without waiting, so that pages read
 * ahead arrive while rows are being returned.
 */
void
http_progress(void)
{
	if (http_multi != NULL && !dlist_is_empty(&http_active))
		http_drive();
}
