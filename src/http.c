/*-------------------------------------------------------------------------
 *
 * http.c
 *		  The life of a transfer: GET requests on the backend's one curl
 *		  multi handle, several in flight at once (a scan reading pages
 *		  ahead), which also keeps the connections (and TLS sessions) for
 *		  reuse across requests and scans.
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
 *	 progress callback aborts a transfer when one is pending.  While it
 *	 waits, and while it sleeps before a retry or for the rate limiter, the
 *	 backend shows a wait event of saas_fdw's (wait_events.c).
 *
 * - Every attempt sent is reported to the rate limiter when it ends,
 *	 answered or not (http_limiter_close), so its count of requests in
 *	 flight stays right.
 *
 * - A response with HTTP status >= 400 is returned, not raised (see
 *	 http_retry.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/wait_event.h"

#include "http_internal.h"
#include "ratelimit.h"
#include "saas_fdw.h"
#include "wait_events.h"

#define HTTP_USER_AGENT		"saas_fdw/0.1"

/* how long http_finish waits for the network before checking interrupts */
#define HTTP_POLL_SLICE_MS		100

/* idle easy handles kept for the next transfers */
#define HTTP_MAX_IDLE_HANDLES	16

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

static void http_init_multi(void);
static CURL *http_new_easy(void);
static void http_release_callback(ResourceReleasePhase phase, bool isCommit,
								  bool isTopLevel, void *arg);
static void http_drive(void);
static void http_wait_done(HttpTransfer *t);
static void http_retire(HttpTransfer *t);
static void http_limiter_close(HttpTransfer *t);


/* ----------------------------------------------------------------
 *		Handles
 * ----------------------------------------------------------------
 */

/*
 * http_raise_setopt_failed
 *		Raise for a curl option that could not be set (libcurl too old).
 */
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
 * http_init_multi
 *		The backend's multi handle, created on first use and kept: it holds
 *		the connection cache, so connections are reused across requests and
 *		scans.
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

/*
 * http_new_easy
 *		An easy handle with the settings that never change.
 *
 * The handle is malloc'd by curl; http_retire keeps or frees it.
 */
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
 * http_limiter_close
 *		Tell the shared rate limiter that t's attempt is over (answered,
 *		failed or abandoned) and what its response said.  Never raises.
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
 * http_retire
 *		Take a transfer off the multi handle and free it; its easy handle is
 *		kept for later requests.  Never raises; touches nothing of the
 *		caller's.
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
	if (t->request_body != NULL)
		pfree(t->request_body);
	pfree(t);
}

/*
 * http_release_callback
 *		Resource owner release: transfers started under this owner are no
 *		longer wanted (an error unwound the scan, or its portal is gone).
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
 *		Transfers
 * ----------------------------------------------------------------
 */

/*
 * http_send
 *		Send the transfer's current attempt: fresh state, the headers for
 *		current_url, and onto the multi handle.  curl does the I/O when the
 *		multi handle is driven.
 */
void
http_send(HttpTransfer *t)
{
	const HttpRequest *request = &t->request;
	const char *failed_option = NULL;
	CURLMcode	mrc;

	(void) curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, NULL);
	http_free_headers(t->headers);
	t->headers = NULL;
	t->headers = http_build_headers(request, http_may_send_token(t));

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

	/*
	 * libcurl sends a request again by itself when a reused connection
	 * closes before any answer (it takes the connection for one the server
	 * had dropped while idle): a write sent at most once goes on a new
	 * connection, where a close after sending is reported, not retried.
	 */
	HTTP_SETOPT(t->easy, CURLOPT_FRESH_CONNECT, t->request.at_most_once ? 1L : 0L);
	/* an idle handle keeps the last request's method: set it every time */
	if (t->request_body != NULL)
	{
		HTTP_SETOPT(t->easy, CURLOPT_POSTFIELDSIZE_LARGE,
					(curl_off_t) strlen(t->request_body));
		HTTP_SETOPT(t->easy, CURLOPT_POSTFIELDS, t->request_body);
	}
	else
		HTTP_SETOPT(t->easy, CURLOPT_HTTPGET, 1L);
	HTTP_SETOPT(t->easy, CURLOPT_CUSTOMREQUEST, request->method);
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
		http_sleep(limit_wait_ms, saas_wait_event_rate_limit(), t->counters);
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
 * http_drive
 *		Let curl do whatever I/O is ready, without waiting, and mark the
 *		transfers it finished.
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
 * http_wait_done
 *		Drive every transfer until t is done, in slices so that cancel,
 *		timeouts and termination are noticed promptly even while nothing
 *		arrives.
 */
static void
http_wait_done(HttpTransfer *t)
{
	uint32		wait_event = saas_wait_event_http();

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		http_drive();
		if (t->done)
			return;
		pgstat_report_wait_start(wait_event);
		(void) curl_multi_poll(http_multi, NULL, 0, HTTP_POLL_SLICE_MS, NULL);
		pgstat_report_wait_end();
	}
}

/*
 * http_start
 *		Start GET request->url; the response will be allocated in the
 *		current memory context, which (with the request's strings) must
 *		outlive the transfer.  counters (may be NULL) adds up requests,
 *		retries, bytes and time as http_finish sees them.
 *
 * The transfer lives in TopMemoryContext until http_finish or
 * http_discard frees it.
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
	http_check_header_value(request->method, "the request method");
	http_check_header_value(request->content_type, "the request body's type");

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
		if (request->body != NULL)
			t->request_body = MemoryContextStrdup(TopMemoryContext, request->body);
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
 * http_finish
 *		Wait for the transfer's final response (any status; a status of 400
 *		or more is for the caller to raise with api_report_method_error) and free
 *		the transfer.  Other transfers in flight go on meanwhile.
 *
 * Redirects (at most HTTP_MAX_REDIRECTS, http and https only) are followed;
 * the token goes only to the origin of the request's URL.  Transient
 * failures are retried up to request->max_retries times: transport errors
 * that may pass, 5xx, 429 and GitHub's 403 rate limits; a request sent at
 * most once is retried only when it surely did not arrive (no connection
 * was made, or a 429 turned it away).  A wait longer than
 * saas_fdw.max_retry_wait is not waited: the response is returned at once
 * (api_report_method_error says when the limit resets).
 *
 * The response and its strings are palloc'd in the memory context that
 * was current at http_start.
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
					!(t->request.at_most_once && t->connected) &&
					http_try_again(t, counters))
					continue;
				http_raise_transport(t, t->retries + 1);
			}

			(void) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);

			if (http_follow_redirect(t, status))
				continue;

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
 * http_discard
 *		A transfer no longer wanted (a scan that stopped early): stop it.  A
 *		request already sent still counts.
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
 * http_progress
 *		Let transfers in flight move on without waiting, so that pages read
 *		ahead arrive while rows are being returned.
 */
void
http_progress(void)
{
	if (http_multi != NULL && !dlist_is_empty(&http_active))
		http_drive();
}
