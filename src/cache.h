/*-------------------------------------------------------------------------
 *
 * cache.h
 *		  The shared-memory page cache: the interface fetch.c uses, and the
 *		  shared memory shmem.c creates for it.
 *
 * cache.c holds the claims (single flight) and the get/put interface,
 * cache_arena.c the arena (blocks, entries), cache_lru.c the LRU list and
 * the admission of a scan's pages, cache_sql.c the SQL functions;
 * cache_internal.h is what they share.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_CACHE_H
#define SAAS_CACHE_H

#include "http.h"
#include "page_rows.h"

/* the LWLock tranche of the arena */
#define CACHE_TRANCHE			"saas_fdw"

typedef struct CacheKey
{
	Oid			serverid;
	uint64		credential;		/* fingerprint of the token, never the
								 * token */
	const char *url;
	const char *row_layout;		/* rows wanted from beside the page (see
								 * tuple_reader_layout), or NULL */
	int64	   *admitted;		/* blocks the scan asking has put at the
								 * head of the LRU list (cache_lru.c), or
								 * NULL: no limit */
	int64	   *hit;			/* blocks of the pages it has had from the
								 * cache (cache_lru.c), or NULL: no limit */
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

/* shared memory, called by shmem.c (in cache_arena.c, cache_segment.c) */
extern Size cache_shmem_size(void);
extern void cache_shmem_init(void);
extern Size cache_segment_size(void);
extern void cache_segment_attach(void *part, bool create);

/* in cache.c */
extern CacheResult cache_get(const CacheKey *key, int ttl_s, CachedPage *page);
extern uint64 cache_put(const CacheKey *key, const HttpResponse *page);
extern void cache_put_rows(const CacheKey *key, uint64 page_gen,
						   const PageRows *rows);
extern void cache_abandon(const CacheKey *key);
extern void cache_forget_server(Oid serverid);

#endif							/* SAAS_CACHE_H */
