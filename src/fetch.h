/*-------------------------------------------------------------------------
 *
 * fetch.h
 *		  One page: from the shared cache when it is fresh, else from the
 *		  network (revalidating a stale cached page when the API allows),
 *		  checked for API errors and parsed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_FETCH_H
#define SAAS_FETCH_H

#include "http.h"
#include "json.h"
#include "page_rows.h"
#include "service.h"

/* Where and as whom a scan's pages are fetched. */
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
	const char *rate_bucket;	/* the resource's own rate limit, or NULL
								 * (rate_bucket in service.h) */
	const char *no_match_words; /* no_match_words in service.h, or NULL */
	const ResourceSpec *resource;	/* its method and body (service.h) */
} FetchTarget;

/* What fetch_page_finish hands back. */
typedef struct FetchedPage
{
	HttpResponse *response;		/* without a body when rows are given */
	SaasJsonDoc *doc;			/* the parsed body; NULL when rows are
								 * given, or a missing_ok fetch found 404 */
	PageRows   *rows;			/* the rows the cache kept for the layout
								 * asked for, else NULL until the scan
								 * makes them from doc */
} FetchedPage;

/* a page asked for and not yet received */
typedef struct PageFetch PageFetch;

/* in fetch.c */
extern PageFetch *fetch_page_start(const FetchTarget *target, const char *url,
								   const char *row_layout, bool missing_ok,
								   HttpCounters *counters);
extern FetchedPage fetch_page_finish(PageFetch *fetch);
extern void fetch_page_keep_rows(PageFetch *fetch, const PageRows *rows);
extern void fetch_page_cancel(PageFetch *fetch);
extern HttpAuthScheme fetch_auth_scheme(const ServiceSpec *service);

#endif							/* SAAS_FETCH_H */
