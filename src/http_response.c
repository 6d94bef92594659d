/*-------------------------------------------------------------------------
 *
 * http_response.c
 *		  What curl hands back while a transfer runs (the body, the
 *		  response headers saas_fdw reads, progress), and the HttpResponse
 *		  made of it when the transfer is over.
 *
 * - The callbacks never ereport nor palloc in a way that can raise: they
 *	 set flags in their HttpTransfer and return, and http_finish raises.
 *	 Body memory is grown with MCXT_ALLOC_NO_OOM for the same reason.
 *
 * - Only the latest response's headers are kept: a status line (after a
 *	 1xx, or on a retry or a redirect) resets them.  A value longer than
 *	 its buffer is not kept, except a Link target, which is an error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "header_number.h"
#include "http_internal.h"
#include "link_header.h"

static int64 reset_seconds(int64 value);
static void http_keep_link(HttpTransfer *t, const char *value, size_t len,
						   const char *rel, char *dst);


/* ----------------------------------------------------------------
 *		Callbacks (no ereport, no palloc that can raise)
 * ----------------------------------------------------------------
 */

/*
 * http_reset_headers
 *		Forget the response headers kept from an earlier response.
 */
void
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

/*
 * http_write_callback
 *		curl's write callback: append a piece of the body, within t->limit.
 */
size_t
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

/*
 * http_progress_callback
 *		curl's progress callback: abort the transfer when an interrupt is
 *		pending.
 */
int
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

/*
 * http_prereq_callback
 *		Called once a connection is established or reused, before the
 *		request.
 */
int
http_prereq_callback(void *clientp, char *conn_primary_ip, char *conn_local_ip,
					 int conn_primary_port, int conn_local_port)
{
	HttpTransfer *t = (HttpTransfer *) clientp;

	t->connected = true;
	return CURL_PREREQFUNC_OK;
}

/*
 * http_is_space
 *		Whitespace around a header value.
 */
static inline bool
http_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * http_header_is
 *		Does the header name (name, len) equal expected, ignoring case?
 */
static inline bool
http_header_is(const char *name, size_t len, const char *expected)
{
	return len == strlen(expected) && pg_strncasecmp(name, expected, len) == 0;
}

/*
 * http_copy_value
 *		Copy a header value if it fits (with its NUL); else keep nothing.
 */
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
 * http_header_callback
 *		One header line: "Name: value\r\n", not NUL-terminated.  A status
 *		line starts a new response (after a 1xx, or on the next request), so
 *		it resets what was kept.
 */
size_t
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
	else if (http_header_is(buffer, name_len, "x-ratelimit-remaining") ||
			 http_header_is(buffer, name_len, "x-ratelimit-requests-remaining"))
		t->ratelimit_remaining = header_number_count(value, value_len);
	else if (http_header_is(buffer, name_len, "x-ratelimit-reset") ||
			 http_header_is(buffer, name_len, "x-ratelimit-requests-reset"))
		t->ratelimit_reset = reset_seconds(header_number_count(value, value_len));
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
 * reset_seconds
 *		A rate limit's reset time, epoch seconds, from its header value:
 *		seconds (GitHub), or milliseconds (Linear's x-ratelimit-requests-
 *		reset), told apart by size (10^11 seconds is past the year 5000),
 *		rounded up; 0 for none.
 */
static int64
reset_seconds(int64 value)
{
	if (value <= 0)
		return 0;
	if (value >= INT64CONST(100000000000))
		return (value + 999) / 1000;
	return value;
}

/*
 * http_keep_link
 *		Keep the target of the first link of relation rel (across several
 *		Link headers too) in dst, unless one was kept already.
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
 *		The response
 * ----------------------------------------------------------------
 */

/*
 * http_make_response
 *		The response just received, in the caller's memory context.
 *
 * The response is palloc'd in t->cxt and takes over t's body.
 */
HttpResponse *
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
