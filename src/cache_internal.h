/*-------------------------------------------------------------------------
 *
 * cache_internal.h
 *		  What the files of the page cache share: the arena's layout and the
 *		  functions of cache_arena.c, cache_lru.c and cache_segment.c, the
 *		  lock of cache.c.
 *
 * Every function declared here, but cache_lock itself and those that place
 * the arena (cache_arena_init, cache_arena_attach, cache_attach,
 * cache_segment_possible), runs with the lock held (cache.c states the
 * rules); those that change the arena need it exclusive, and none of them
 * raises an ERROR but for the palloc of cache_entry_hand_out, before
 * anything changes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_CACHE_INTERNAL_H
#define SAAS_CACHE_INTERNAL_H

#include "port/atomics.h"
#include "storage/condition_variable.h"
#include "storage/lwlock.h"
#include "utils/timestamp.h"

#include "cache.h"

/* Bytes of one block of the arena; an entry holds whole blocks. */
#define CACHE_BLOCK_SIZE		2048

/* Per-server statistics slots; slot 0 collects servers that do not fit. */
#define CACHE_STATS_SLOTS		128

/* Condition variables that waiters sleep on, chosen by key hash. */
#define CACHE_WAIT_QUEUES		16

#define NO_INDEX				(-1)

/* A scan puts its pages at the LRU head up to 1/CACHE_SCAN_SHARE of the
 * blocks, later ones on probation (cache_lru.c). */
#define CACHE_SCAN_SHARE		4

/* Counters of one server (or of the overflow slot 0). */
typedef struct CacheServerStats
{
	Oid			serverid;
	bool		used;
	int64		entries;		/* pages cached */
	int64		blocks;			/* blocks held, pages and claimed keys */
	pg_atomic_uint64 hits;		/* counted under the shared lock */
	int64		misses;
	int64		revalidations;
	int64		evictions;
	int64		page_bytes;		/* of the pages cached: URL, body, headers */
	int64		row_bytes;		/* of the rows beside them */
} CacheServerStats;

/*
 * One cached page, or a key being fetched for the first time (in_use,
 * claimed, no page).  Its blocks hold url_len bytes of URL followed by the
 * body, next URL, ETag and Last-Modified, and then maybe the page's rows:
 * their layout, cursor and tuples.  A length of -1 means NULL; a body_len
 * of -1, a body dropped to make room (cache_entry_drop_body): only beside
 * rows, which then serve alone.
 */
typedef struct CacheEntry
{
	uint64		hashcode;
	uint64		credential;
	Oid			serverid;
	bool		in_use;
	bool		has_page;
	bool		in_lru;
	bool		probation;		/* in the LRU list's tail segment, entered
								 * there by a scan past its share */
	int16		stats_slot;
	int32		hash_next;		/* bucket chain, or the free entry list */
	int32		lru_prev;
	int32		lru_next;
	int32		first_block;
	int32		last_block;
	int32		nblocks;
	int32		url_len;
	int32		body_len;
	int32		next_url_len;
	int32		etag_len;
	int32		last_modified_len;
	int32		rows_layout_len;	/* 0: no rows beside the page */
	int32		rows_cursor_len;
	int32		rows_ntuples;
	int32		rows_data_len;
	int32		status;
	int			fetcher_pid;	/* claiming backend, or 0 */
	uint64		claim_id;		/* current claim, or 0 */
	TimestampTz claim_seen_at;	/* when the claimer last used the cache */
	uint64		page_gen;		/* changes whenever the page is stored */
	TimestampTz fetched_at;
	pg_atomic_uint32 uses;		/* hits, counted under the shared lock */
	uint32		lru_uses;		/* uses when it was put at the LRU head */
} CacheEntry;

/* The arena's header; the arrays follow it at the offsets recorded here. */
typedef struct CacheShared
{
	LWLock		lock;			/* in the arena, so that the arena may live in
								 * a segment mapped at another address in
								 * each backend */
	int			tranche_id;
	ConditionVariableMinimallyPadded queues[CACHE_WAIT_QUEUES];
	int32		nbuckets;		/* a power of two */
	int32		nentries;		/* entry slots == blocks */
	int32		nblocks;
	int32		free_entry;		/* head of the free entry list */
	int32		free_block;		/* head of the free block list */
	int32		nfree_blocks;
	int32		lru_head;		/* most recently used */
	int32		lru_tail;
	int64		lru_blocks;		/* blocks held by entries in the LRU list */
	int64		lru_bodies;		/* entries in the LRU list with a body that
								 * cache_entry_drop_body may drop */
	int64		npages;
	int64		nclaims;
	uint64		next_claim_id;
	uint64		next_page_gen;
	Size		buckets_off;
	Size		entries_off;
	Size		block_next_off;
	Size		blocks_off;
	CacheServerStats stats[CACHE_STATS_SLOTS];
} CacheShared;

/*
 * Set by cache_arena_attach (in cache_arena.c).  cache_preloaded: saas_fdw
 * is preloaded, even if saas_fdw.cache_size is too small for a cache; the
 * pointers into the arena are NULL without a shared cache, or until
 * cache_attach (cache_segment.c) maps it.
 */
extern bool cache_preloaded;
extern CacheShared *cache;
extern int32 *cache_buckets;
extern CacheEntry *cache_entries;
extern int32 *cache_block_next;
extern char *cache_blocks;

/* Blocks that len bytes take; an entry always holds at least one. */
static inline int32
cache_blocks_for(int64 len)
{
	if (len <= 0)
		return 1;
	return (int32) ((len + CACHE_BLOCK_SIZE - 1) / CACHE_BLOCK_SIZE);
}

/* Bytes of e's URL and page (e has a page). */
static inline int64
cache_entry_page_bytes(const CacheEntry *e)
{
	return (int64) e->url_len + Max(e->body_len, 0) + Max(e->next_url_len, 0) +
		Max(e->etag_len, 0) + Max(e->last_modified_len, 0);
}

/* Has e a body beside its rows, which cache_entry_drop_body may drop? */
static inline bool
cache_entry_body_droppable(const CacheEntry *e)
{
	return e->rows_layout_len != 0 && e->body_len > 0;
}

/* Bytes of the rows after e's page, 0 when there are none. */
static inline int64
cache_entry_rows_bytes(const CacheEntry *e)
{
	if (e->rows_layout_len == 0)
		return 0;
	return (int64) e->rows_layout_len + Max(e->rows_cursor_len, 0) +
		e->rows_data_len;
}

/* in cache_lru.c */
extern void cache_lru_remove(CacheEntry *e);
extern void cache_lru_insert(CacheEntry *e, bool probation);
extern bool cache_scan_admits(const CacheKey *key, const CacheEntry *e);
extern bool cache_scan_hit(const CacheKey *key, const CacheEntry *e);
extern bool cache_make_room(int32 need);
extern void cache_entry_settle(CacheEntry *e, bool probation);

/* in cache_arena.c */
extern void cache_arena_init(char *base);
extern void cache_arena_attach(char *base);
extern int16 cache_stats_slot(Oid serverid);
extern bool cache_key_locate(const CacheKey *key, int32 *url_len,
							 uint64 *hashcode);
extern int32 cache_layout_length(const char *layout);
extern int32 cache_entry_lookup(const CacheKey *key, uint64 hashcode,
								int32 url_len);
extern int32 cache_entry_create(const CacheKey *key, uint64 hashcode,
								int32 url_len, int16 slot);
extern void cache_entry_remove(CacheEntry *e);
extern void cache_entry_drop_page(CacheEntry *e);
extern void cache_entry_drop_body(CacheEntry *e);
extern bool cache_entry_store_page(CacheEntry *e, const HttpResponse *page,
								   TimestampTz now);
extern bool cache_entry_store_rows(CacheEntry *e, const char *layout,
								   int32 layout_len, const PageRows *rows);
extern bool cache_entry_hand_out(const CacheEntry *e, const CacheKey *key,
								 int32 layout_len, CachedPage *page);
#ifdef SAAS_CACHE_CHECK
extern void cache_check_invariants(void);
#endif

/* in cache_segment.c */
extern bool cache_attach(bool create);
extern bool cache_segment_possible(void);

/* in cache.c */
extern void cache_lock(LWLockMode mode);
extern void cache_unlock(void);

#endif							/* SAAS_CACHE_INTERNAL_H */
