/*-------------------------------------------------------------------------
 *
 * fetch.c
 *		  Fetch one page of an API resource: shared cache first, then the
 *		  network; API errors raised, the body parsed.
 *
 * Only successful pages are cached: an error response (including Slack's
 * errors sent with HTTP 200) is raised before cache_put, and a fetch that
 * fails or is cancelled releases its claim on the key (cache_abandon) so
 * backends waiting for the same page go on.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "saas_fdw.h"

static FetchedPage
parse_page(const FetchTarget *target, const char *url, HttpResponse *response)
{
	FetchedPage page;

	page.response = response;
	page.doc = json_doc_parse(response->body, response->body_len);
	api_check_ok_flag(target->service, url, response, page.doc);
	return page;
}

FetchedPage
fetch_page(const FetchTarget *target, const char *url, bool missing_ok,
		   HttpCounters *counters)
{
	CacheKey	key;
	CacheResult cached_state;
	HttpResponse *cached = NULL;
	HttpResponse *volatile response = NULL;
	HttpRequest request;
	FetchedPage page;

	key.serverid = target->serverid;
	key.credential = cache_credential(target->token);
	key.url = url;

	cached_state = cache_get(&key, target->cache_ttl_s, &cached);
	if (cached_state == CACHE_HIT)
	{
		counters->cache_hits++;
		return parse_page(target, url, cached);
	}

	memset(&request, 0, sizeof(request));
	request.url = url;
	request.token = target->token;
	request.headers = target->service->headers;
	request.timeout_ms = target->timeout_ms;
	request.connect_timeout_ms = target->connect_timeout_ms;
	request.max_retries = target->max_retries;
	if (cached_state == CACHE_STALE)
	{
		request.if_none_match = cached->etag;
		request.if_modified_since = cached->last_modified;
	}

	PG_TRY();
	{
		response = http_get(&request, counters);

		if (response->status == 304 && cached_state == CACHE_STALE)
		{
			counters->revalidations++;
			response = cached;
		}
		if (response->status == 404 && missing_ok)
		{
			page.response = response;
			page.doc = NULL;
		}
		else
		{
			if (response->status >= 300)
				api_report_error(target->service, url, response);
			page = parse_page(target, url, response);
		}
	}
	PG_CATCH();
	{
		if (cached_state != CACHE_DISABLED)
			cache_abandon(&key);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (cached_state != CACHE_DISABLED)
	{
		if (page.doc != NULL)
			cache_put(&key, response);
		else
			cache_abandon(&key);
	}
	return page;
}
