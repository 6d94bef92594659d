/*-------------------------------------------------------------------------
 *
 * fetch.c
 *		  Fetch one page of an API resource: shared cache first, then the
 *		  network; API errors raised, the body parsed.
 *
 * A resource whose method is POST names each page by its URL with a query
 * string, as a GET does (cache key, loop guard); the query string is sent
 * as the JSON body (request_json_body), so two bodies never share a cached
 * page.
 *
 * A fetch is started (fetch_page_start) and later finished
 * (fetch_page_finish) or cancelled (fetch_page_cancel), so that a scan can
 * have the next pages on the way while it returns the rows of this one.
 * The request's strings, the answer and the parsed page live in the memory
 * context current at the start.
 *
 * A scan names the row layout it makes of a page's items.  When the cache
 * holds the rows of that layout beside the page, they come back instead of
 * the body; else the scan makes them from the parsed page and hands them
 * back with fetch_page_keep_rows, to be kept beside the cached page.
 *
 * A 400 or 422 whose body holds the resource's no_match_words (a search naming a
 * repository that does not exist) is a page without items, as a 404 is
 * for a single object: in SQL such a value matches no row.
 *
 * Only successful pages are cached: an error response (including Slack's
 * errors sent with HTTP 200) is raised before cache_put, and a fetch that
 * fails, is cancelled or is abandoned by an error releases its claim on the
 * key (cache_abandon, or cache.c's abort callback) so backends waiting for
 * the same page go on.
 *
 * http_finish retries transient HTTP failures (5xx, 429, rate limits); an
 * API that reports its own failure in a 200 body (Slack's internal_error)
 * is asked again here, as many times and with the same backoff.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/memutils.h"

#include "api_error.h"
#include "cache.h"
#include "fetch.h"
#include "request.h"
#include "saas_fdw.h"

struct PageFetch
{
	const FetchTarget *target;
	bool		missing_ok;
	HttpCounters *counters;
	CacheKey	key;
	CacheResult cached_state;
	HttpResponse *cached;		/* a fresh hit, or the stale copy */
	PageRows   *cached_rows;	/* the rows beside the cached page, or NULL */
	uint64		page_gen;		/* the cached version of the page, or 0 */
	HttpRequest request;
	HttpTransfer *transfer;		/* NULL for a fresh hit */
};

/*
 * target_method
 *		The method of the target's requests: its resource's, or GET.  A
 *		constant.
 */
static const char *
target_method(const FetchTarget *target)
{
	if (target->resource != NULL && target->resource->method != NULL)
		return target->resource->method;
	return "GET";
}

/*
 * fetch_auth_scheme
 *		How the requests of service (reads and writes) send the credential
 *		(ServiceSpec.auth).
 */
HttpAuthScheme
fetch_auth_scheme(const ServiceSpec *service)
{
	if (service->auth == AUTH_BASIC)
		return HTTP_AUTH_BASIC;
	if (service->auth == AUTH_KEY)
		return HTTP_AUTH_PLAIN;
	return HTTP_AUTH_BEARER;
}

/*
 * parse_page
 *		Parse a page and raise an API error sent in its body.  With
 *		may_retry, an error saying the service failed on its side (Slack's
 *		internal_error, sent with HTTP 200) is not raised: the page comes
 *		back without a doc, to be fetched again as a 5xx would be.  With
 *		missing_ok, an error saying the object does not exist (Slack's
 *		user_not_found) is not raised either: the page comes back without a
 *		doc and *missing is set, as for a 404.
 */
static FetchedPage
parse_page(const FetchTarget *target, const char *url, HttpResponse *response,
		   bool may_retry, bool missing_ok, bool *missing)
{
	FetchedPage page;

	page.response = response;
	page.rows = NULL;
	page.doc = json_doc_parse(response->body, response->body_len);
	*missing = missing_ok && api_ok_flag_not_found(target->service, page.doc);
	if (*missing ||
		(may_retry && api_ok_flag_transient(target->service, page.doc)))
	{
		json_doc_free(page.doc);
		page.doc = NULL;
		return page;
	}
	api_check_method_ok_flag(target->service, target_method(target), url,
							 response, page.doc);
	return page;
}

/*
 * cached_rows_page
 *		The page as the rows the cache kept beside it (fetch->cached_rows).
 */
static FetchedPage
cached_rows_page(PageFetch *fetch)
{
	FetchedPage page;

	page.response = fetch->cached;
	page.doc = NULL;
	page.rows = fetch->cached_rows;
	return page;
}

/*
 * The credential the rate limiter keys this target's requests by: the
 * token's fingerprint, mixed with the name of a resource's own rate limit
 * bucket (the API counts such requests apart: GitHub search).
 */
static uint64
rate_limit_key(const FetchTarget *target)
{
	if (target->rate_bucket == NULL)
		return target->credential;
	return target->credential ^
		hash_bytes_extended((const unsigned char *) target->rate_bucket,
							strlen(target->rate_bucket), 0);
}

/*
 * fetch_page_start
 *		Ask for the page at url: from the cache if it is fresh there, else
 *		from the network.
 *
 * The fetch is palloc'd in CurrentMemoryContext, where the page will be
 * too; end it with fetch_page_finish or fetch_page_cancel.
 */
PageFetch *
fetch_page_start(const FetchTarget *target, const char *url,
				 const char *row_layout, bool missing_ok,
				 HttpCounters *counters)
{
	PageFetch  *fetch = palloc0(sizeof(PageFetch));
	HttpRequest *request = &fetch->request;
	CachedPage	cached;

	fetch->target = target;
	fetch->missing_ok = missing_ok;
	fetch->counters = counters;
	fetch->key.serverid = target->serverid;
	fetch->key.credential = target->credential;
	fetch->key.url = pstrdup(url);
	fetch->key.row_layout = row_layout ? pstrdup(row_layout) : NULL;
	fetch->key.admitted = &counters->cache_admitted;
	fetch->key.hit = &counters->cache_hit;

	fetch->cached_state = cache_get(&fetch->key, target->cache_ttl_s, &cached);
	fetch->cached = cached.response;
	fetch->cached_rows = cached.rows;
	if (fetch->cached_state == CACHE_HIT)
	{
		fetch->page_gen = cached.page_gen;
		return fetch;
	}

	request->url = fetch->key.url;
	/* a POST: the URL names it, its query string becomes the body */
	if (target->resource != NULL && target->resource->method != NULL)
	{
		char	   *post_url;

		request->method = target_method(target);
		request->body = request_json_body(target->resource, fetch->key.url, &post_url);
		request->url = post_url;
	}
	request->auth = fetch_auth_scheme(target->service);
	request->token = target->token;
	request->headers = target->service->headers;
	request->ca_file = target->ca_file;
	request->serverid = target->serverid;
	request->credential = rate_limit_key(target);
	request->timeout_ms = target->timeout_ms;
	request->connect_timeout_ms = target->connect_timeout_ms;
	request->max_retries = target->max_retries;
	if (fetch->cached_state == CACHE_STALE)
	{
		request->if_none_match = fetch->cached->etag;
		request->if_modified_since = fetch->cached->last_modified;
	}

	PG_TRY();
	{
		fetch->transfer = http_start(request, counters);
	}
	PG_CATCH();
	{
		if (fetch->cached_state != CACHE_DISABLED)
			cache_abandon(&fetch->key);
		PG_RE_THROW();
	}
	PG_END_TRY();
	return fetch;
}

/*
 * fetch_page_finish
 *		Wait for the page fetch_page_start asked for, check it for API
 *		errors and parse it.
 *
 * The response, the doc and the rows are in the memory context that was
 * current at fetch_page_start; fetch stays, for fetch_page_keep_rows.
 */
FetchedPage
fetch_page_finish(PageFetch *fetch)
{
	const FetchTarget *target = fetch->target;
	const char *url = fetch->key.url;
	HttpResponse *volatile response = NULL;
	FetchedPage page;
	bool		missing;

	if (fetch->cached_state == CACHE_HIT)
	{
		fetch->counters->cache_hits++;
		if (fetch->cached_rows != NULL)
			return cached_rows_page(fetch);
		return parse_page(target, url, fetch->cached, false, false, &missing);
	}

	PG_TRY();
	{
		int			retry;

		for (retry = 0;; retry++)
		{
			HttpTransfer *transfer = fetch->transfer;
			MemoryContext old;

			fetch->transfer = NULL;
			response = http_finish(transfer);

			if (response->status == 304 && fetch->cached_state == CACHE_STALE)
			{
				fetch->counters->revalidations++;
				response = fetch->cached;
				if (fetch->cached_rows != NULL)
				{
					/* the page is unchanged, so are the rows made of it */
					page = cached_rows_page(fetch);
					break;
				}
			}
			/* an API that says "not found" in the body (Slack) answers
			 * 404 only for a path it does not know: an error */
			if ((response->status == 404 && fetch->missing_ok &&
				 target->service->ok_flag_at == NULL) ||
				((response->status == 400 || response->status == 422) &&
				 target->no_match_words &&
				 strstr(response->body, target->no_match_words) != NULL))
			{
				page.response = response;
				page.doc = NULL;
				page.rows = NULL;
				break;
			}
			if (response->status >= 300)
				api_report_method_error(target->service, target_method(target),
										url, response);
			page = parse_page(target, url, response,
							  retry < target->max_retries, fetch->missing_ok,
							  &missing);
			if (page.doc != NULL || missing)
				break;

			/* the service failed on its side: ask again, where we started */
			http_backoff(retry, fetch->counters);
			old = MemoryContextSwitchTo(GetMemoryChunkContext(fetch));
			fetch->transfer = http_start(&fetch->request, fetch->counters);
			MemoryContextSwitchTo(old);
		}
	}
	PG_CATCH();
	{
		if (fetch->cached_state != CACHE_DISABLED)
			cache_abandon(&fetch->key);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (fetch->cached_state != CACHE_DISABLED)
	{
		if (page.doc != NULL || page.rows != NULL)
			fetch->page_gen = cache_put(&fetch->key, response);
		else
			cache_abandon(&fetch->key);
	}
	return page;
}

/*
 * fetch_page_keep_rows
 *		The rows the scan made of the page it parsed, in the layout it
 *		named: keep them beside the cached page for the next scan; without
 *		the layout's settings when no value depends on them, so that they
 *		serve sessions with other settings too.
 */
void
fetch_page_keep_rows(PageFetch *fetch, const PageRows *rows)
{
	CacheKey	key = fetch->key;

	if (fetch->page_gen == 0 || key.row_layout == NULL)
		return;
	if (rows->settings_free)
		key.row_layout = page_rows_layout_settings_free(key.row_layout);
	cache_put_rows(&key, fetch->page_gen, rows);
	if (key.row_layout != fetch->key.row_layout)
		pfree((char *) key.row_layout);
}

/*
 * fetch_page_cancel
 *		A page no longer wanted: stop its request and release its claim.
 */
void
fetch_page_cancel(PageFetch *fetch)
{
	if (fetch->transfer != NULL)
		http_discard(fetch->transfer);
	fetch->transfer = NULL;
	if (fetch->cached_state == CACHE_MISS || fetch->cached_state == CACHE_STALE)
		cache_abandon(&fetch->key);
}
