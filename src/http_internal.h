/*-------------------------------------------------------------------------
 *
 * http_internal.h
 *		  What the http*.c files share: the transfer in flight.  The only
 *		  header that includes libcurl.
 *
 * - Never ereport (or palloc in a way that can raise) inside a curl
 *	 callback (http_response.c): longjmp'ing through libcurl corrupts it.
 *	 Callbacks only set flags in their HttpTransfer and return; http_finish
 *	 raises after the transfer is done.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_HTTP_INTERNAL_H
#define SAAS_HTTP_INTERNAL_H

#include <curl/curl.h>

#include "lib/ilist.h"
#include "utils/resowner.h"

#include "http.h"

/* limits on the header values kept */
#define HTTP_MAX_LINK_LEN		16384
#define HTTP_MAX_ETAG_LEN		1024
#define HTTP_MAX_DATE_LEN		128

/* Set a curl option; remember the first that failed in failed_option. */
#define HTTP_SETOPT(h, opt, val) \
	do { \
		if (curl_easy_setopt((h), (opt), (val)) != CURLE_OK) \
			failed_option = #opt; \
	} while (0)

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
	char	   *request_body;	/* request.body copied to TopMemoryContext:
								 * curl reads it while sending */
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

/* in http.c */
extern void http_send(HttpTransfer *t);

/* in http_response.c */
extern void http_reset_headers(HttpTransfer *t);
extern size_t http_write_callback(char *data, size_t size, size_t nmemb,
								  void *userdata);
extern size_t http_header_callback(char *buffer, size_t size, size_t nitems,
								   void *userdata);
extern int	http_progress_callback(void *clientp, curl_off_t dltotal,
								   curl_off_t dlnow, curl_off_t ultotal,
								   curl_off_t ulnow);
extern int	http_prereq_callback(void *clientp, char *conn_primary_ip,
								 char *conn_local_ip, int conn_primary_port,
								 int conn_local_port);
extern HttpResponse *http_make_response(HttpTransfer *t, long status);

/* in http_origin.c */
extern char *http_origin_text(const char *url);
extern char *http_resolve_url(const char *base, const char *ref);
extern void http_check_header_value(const char *value, const char *what);
extern bool http_may_send_token(const HttpTransfer *t);
extern struct curl_slist *http_build_headers(const HttpRequest *request,
											 bool send_token);
extern void http_free_headers(struct curl_slist *list);
extern bool http_follow_redirect(HttpTransfer *t, long status);

/* in http_retry.c */
extern void http_raise_aborted(const HttpTransfer *t);
extern bool http_transport_retryable(CURLcode rc);
extern _Noreturn void http_raise_transport(const HttpTransfer *t,
										   int attempts);
extern bool http_should_retry(long status, const HttpTransfer *t);
extern void http_sleep(double ms, uint32 wait_event, HttpCounters *counters);
extern bool http_try_again(HttpTransfer *t, HttpCounters *counters);

#endif							/* SAAS_HTTP_INTERNAL_H */
