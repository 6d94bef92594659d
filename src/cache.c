/*-------------------------------------------------------------------------
 *
 * cache.c
 *		  The shared-memory page cache: API pages fetched by one backend are
 *		  served to every backend that asks for the same page with the same
 *		  credential, until they expire.
 *
 * The cache lives in one fixed arena allocated at server start (it needs
 * shared_preload_libraries = 'saas_fdw'; saas_fdw.cache_size sets its size).
 * The arena holds a header, a bucket array, a table of entries and a pool
 * of fixed-size blocks.  An entry is keyed by (server OID, credential
 * fingerprint, full URL); its URL and its page (body, next URL, ETag,
 * Last-Modified) are written one after the other into a chain of blocks.
 * The URL is kept and compared byte for byte on every lookup: a hash
 * collision never serves another request's page.  The token itself is
 * never stored, only a keyed SHA-256 fingerprint of it (credential.c).
 *
 * After the page, an entry may hold the page's rows: its items converted to
 * heap tuples of one row layout (PageRows), as the scan that parsed the
 * page made them (cache_put_rows).  A later scan asking for the same layout
 * gets them instead of the body, so a cached scan neither parses JSON nor
 * converts values.  The layout is a string that names everything the tuples
 * depend on (tuple_reader_layout); like the URL it is stored and compared
 * byte for byte.  One layout per page: another layout replaces it.  Rows go
 * with their page: storing a new page drops them, a 304 keeps them.
 *
 * Entries with a page and no fetch in flight form an LRU list, kept in
 * order lazily: a hit only counts a use of its entry (an atomic counter, as
 * hits take the lock shared), and an entry is moved to the head of the list
 * when its use is noticed, that is when it reaches the tail while room is
 * made.  When blocks run out, entries at the tail that were not used since
 * they were put at the head are evicted until the new page fits; the others
 * get a second chance at the head.  A page larger than what eviction could
 * free is not cached.
 *
 * Single flight: cache_get on a missing or expired key "claims" it for the
 * calling backend (CACHE_MISS / CACHE_STALE); the caller fetches and then
 * calls cache_put or cache_abandon, which release the claim and wake the
 * backends that found the key claimed and went to sleep on its condition
 * variable.  A woken backend looks again: it finds the fresh page, or (the
 * fetch was abandoned) claims the key itself.  Claims are remembered in
 * backend-local memory and released at (sub)transaction abort and at
 * backend exit as well, so an error anywhere cannot leave other backends
 * waiting.
 *
 * A claim nobody drives is taken over.  A page read ahead stays claimed
 * until its scan gets there, which may be never soon: a cursor whose
 * session has gone idle, or runs another statement.  So a waiter checks,
 * when it finds the claim and then every second, whether the claim is
 * progressing; it is not when the claiming backend is gone, waits for its
 * client (idle, or idle in transaction), or has not touched the cache for
 * saas_fdw.timeout.  Then the waiter takes the claim over (the claim is
 * now its own) and fetches the page.  The first claimer, when it comes
 * back, finds its claim gone: it finishes its own request and stores the
 * page like any backend without a claim (cache_put), or forgets it
 * (cache_abandon); nothing fails.
 *
 * Locking rules (read these before changing anything below):
 *
 * - One LWLock (tranche "saas_fdw") protects everything in the arena:
 *	 buckets, entries, blocks, the LRU list, the free lists, claims and the
 *	 statistics.
 * - Lookups (cache_get) take it shared: a hit copies the page (or its rows)
 *	 out under the shared lock, and writes nothing but two atomic counters,
 *	 the entry's uses and its server's hits.  Every other field is changed
 *	 only with the lock exclusive, so a shared holder sees it frozen.  A
 *	 lookup that must change something (a miss, an expired page, a claim
 *	 taken over) releases the shared lock, takes it exclusively and looks
 *	 again, since anything may have changed in between.
 * - cache_put, cache_put_rows, cache_abandon, claim release at abort or
 *	 exit and the reset take it exclusively; read-only reports (stats)
 *	 shared.
 * - The work done under it is a hash lookup, block bookkeeping and memcpy
 *	 of one page: never network I/O, JSON parsing, catalog access or
 *	 anything that sleeps.
 * - The condition variables are slept on only without the LWLock held, and
 *	 broadcast after releasing it.
 * - While the lock is held, the only thing that can raise an ERROR is the
 *	 palloc of the copy handed back by cache_get, and it happens before any
 *	 shared state is changed; everything that modifies the arena cannot
 *	 fail.  An ERROR therefore leaves the arena consistent, and abort
 *	 processing releases the lock (LWLockReleaseAll).
 * - cache_put and cache_abandon never raise an ERROR: they run in fetch.c's
 *	 PG_CATCH and in abort callbacks.
 * - A backend that holds a claim never waits for another backend's claim
 *	 (it fetches on its own instead), so waits cannot form a cycle.
 * - Another lock may be taken while holding this one only if it is a
 *	 spinlock that is not held across anything else (the condition
 *	 variables' own mutex); ProcArrayLock (whether a claimer is alive and
 *	 what it waits for) is taken without this lock held.
 * - In builds with SAAS_CACHE_CHECK, every release of the lock, shared or
 *	 exclusive, first checks every invariant of the arena
 *	 (cache_check_invariants); the atomic counters are the only thing that
 *	 may change meanwhile, and no invariant reads them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "saas_fdw.h"

/* Bytes of one block of the arena; an entry holds whole blocks. */
#define CACHE_BLOCK_SIZE		2048

/* Per-server statistics slots; slot 0 collects servers that do not fit. */
#define CACHE_STATS_SLOTS		128

/* Condition variables that waiters sleep on, chosen by key hash. */
#define CACHE_WAIT_QUEUES		16

/* How often a waiter checks that the claim it waits for is progressing. */
#define CACHE_LIVENESS_CHECK_MS 1000

/*
 * Claims one backend can hold at once: a scan holds one per page on its way
 * (saas_fdw.read_ahead); past this, pages are fetched without a claim.
 */
#define CACHE_MAX_LOCAL_CLAIMS	8

#define CACHE_TRANCHE			"saas_fdw"
#define CACHE_SHMEM_NAME		"saas_fdw page cache"

#define NO_INDEX				(-1)

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
} CacheServerStats;

/*
 * One cached page, or a key being fetched for the first time (in_use,
 * claimed, no page).  Its blocks hold url_len bytes of URL followed by the
 * body, next URL, ETag and Last-Modified, and then maybe the page's rows:
 * their layout, cursor and tuples.  A length of -1 means NULL.
 */
typedef struct CacheEntry
{
	uint64		hashcode;
	uint64		credential;
	Oid			serverid;
	bool		in_use;
	bool		has_page;
	bool		in_lru;
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
	LWLock	   *lock;
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

/* A claim held by this backend. */
typedef struct LocalClaim
{
	int32		entry;
	uint64		claim_id;
	SubTransactionId subid;
	const HttpResponse *stale_copy; /* page handed out as CACHE_STALE */
	uint64		page_gen;		/* generation of that page */
} LocalClaim;

/* Where reading or writing an entry's blocks has got to. */
typedef struct BlockCursor
{
	int32		block;
	int32		offset;
} BlockCursor;

typedef enum CursorOp
{
	CURSOR_SKIP,
	CURSOR_READ,
	CURSOR_WRITE,
	CURSOR_COMPARE
} CursorOp;

/* Set in the postmaster, inherited by every backend. */
static bool cache_preloaded = false;
static int32 layout_nblocks = 0;
static int32 layout_nbuckets = 0;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* Pointers into the arena; NULL when there is no shared cache. */
static CacheShared *cache = NULL;
static int32 *cache_buckets = NULL;
static CacheEntry *cache_entries = NULL;
static int32 *cache_block_next = NULL;
static char *cache_blocks = NULL;

/* This backend's claims. */
static LocalClaim local_claims[CACHE_MAX_LOCAL_CLAIMS];
static int	n_local_claims = 0;
static bool callbacks_registered = false;

PG_FUNCTION_INFO_V1(saas_fdw_cache_stats);
PG_FUNCTION_INFO_V1(saas_fdw_cache_space);
PG_FUNCTION_INFO_V1(saas_fdw_cache_reset_all);
PG_FUNCTION_INFO_V1(saas_fdw_cache_reset_server);

static void cache_shmem_request(void);
static void cache_shmem_startup(void);
static void cache_xact_callback(XactEvent event, void *arg);
static void cache_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								   SubTransactionId parentSubid, void *arg);
static void cache_exit_callback(int code, Datum arg);
static void local_claims_prune(bool touch);
static void warn_not_preloaded(void);


/* ---------------------------------------------------------------------
 * Shared memory layout and start-up
 * ---------------------------------------------------------------------
 */

/*
 * Work out how many blocks (and entries, and buckets) fit in
 * saas_fdw.cache_size, and return the bytes to request; 0 means no cache.
 */
static Size
cache_compute_layout(void)
{
	Size		total = (Size) saas_cache_size_kb * 1024;
	Size		header = MAXALIGN(sizeof(CacheShared));
	Size		per_block;
	Size		n;
	int32		nbuckets;

	layout_nblocks = 0;
	layout_nbuckets = 0;
	if (total <= header)
		return 0;

	/* a block, its entry slot, its next link and up to two buckets */
	per_block = CACHE_BLOCK_SIZE + sizeof(CacheEntry) + 3 * sizeof(int32);
	n = (total - header) / per_block;
	/* leave room for the MAXALIGN padding of the four arrays */
	while (n > 0 && n * per_block + 4 * MAXIMUM_ALIGNOF > total - header)
		n--;
	if (n == 0)
		return 0;
	if (n > PG_INT32_MAX / 4)
		n = PG_INT32_MAX / 4;

	nbuckets = 1;
	while ((Size) nbuckets < n)
		nbuckets <<= 1;

	layout_nblocks = (int32) n;
	layout_nbuckets = nbuckets;

	return header +
		MAXALIGN(sizeof(int32) * nbuckets) +
		MAXALIGN(sizeof(CacheEntry) * n) +
		MAXALIGN(sizeof(int32) * n) +
		(Size) CACHE_BLOCK_SIZE * n;
}

void
cache_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;

	cache_preloaded = true;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = cache_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = cache_shmem_startup;
}

static void
cache_shmem_request(void)
{
	Size		size;

	if (prev_shmem_request_hook)
		prev_shmem_request_hook();

	size = cache_compute_layout();
	if (size == 0)
		return;

	RequestAddinShmemSpace(size);
	RequestNamedLWLockTranche(CACHE_TRANCHE, 1);
}

static void
cache_shmem_startup(void)
{
	bool		found;
	CacheShared *shared;
	char	   *base;
	int32		i;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	cache = NULL;
	if (layout_nblocks == 0)
		return;

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);

	shared = ShmemInitStruct(CACHE_SHMEM_NAME, cache_compute_layout(), &found);
	base = (char *) shared;

	if (!found)
	{
		Size		off = MAXALIGN(sizeof(CacheShared));

		memset(shared, 0, sizeof(CacheShared));
		shared->lock = &(GetNamedLWLockTranche(CACHE_TRANCHE))->lock;
		for (i = 0; i < CACHE_WAIT_QUEUES; i++)
			ConditionVariableInit(&shared->queues[i].cv);
		shared->nbuckets = layout_nbuckets;
		shared->nentries = layout_nblocks;
		shared->nblocks = layout_nblocks;

		shared->buckets_off = off;
		off += MAXALIGN(sizeof(int32) * layout_nbuckets);
		shared->entries_off = off;
		off += MAXALIGN(sizeof(CacheEntry) * layout_nblocks);
		shared->block_next_off = off;
		off += MAXALIGN(sizeof(int32) * layout_nblocks);
		shared->blocks_off = off;

		cache_buckets = (int32 *) (base + shared->buckets_off);
		cache_entries = (CacheEntry *) (base + shared->entries_off);
		cache_block_next = (int32 *) (base + shared->block_next_off);

		for (i = 0; i < layout_nbuckets; i++)
			cache_buckets[i] = NO_INDEX;
		memset(cache_entries, 0, sizeof(CacheEntry) * layout_nblocks);
		for (i = 0; i < layout_nblocks; i++)
		{
			cache_entries[i].hash_next = (i + 1 < layout_nblocks) ? i + 1 : NO_INDEX;
			cache_block_next[i] = (i + 1 < layout_nblocks) ? i + 1 : NO_INDEX;
		}
		shared->free_entry = 0;
		shared->free_block = 0;
		shared->nfree_blocks = layout_nblocks;
		shared->lru_head = NO_INDEX;
		shared->lru_tail = NO_INDEX;
		shared->next_claim_id = 1;
		shared->next_page_gen = 1;
		for (i = 0; i < CACHE_STATS_SLOTS; i++)
			pg_atomic_init_u64(&shared->stats[i].hits, 0);
		/* slot 0 collects servers beyond CACHE_STATS_SLOTS - 1 */
		shared->stats[0].used = true;
		shared->stats[0].serverid = InvalidOid;
	}

	cache_buckets = (int32 *) (base + shared->buckets_off);
	cache_entries = (CacheEntry *) (base + shared->entries_off);
	cache_block_next = (int32 *) (base + shared->block_next_off);
	cache_blocks = base + shared->blocks_off;
	cache = shared;

	LWLockRelease(AddinShmemInitLock);
}


/* ---------------------------------------------------------------------
 * Blocks, LRU list and statistics slots (all with the lock held)
 * ---------------------------------------------------------------------
 */

static inline int32
blocks_for(int64 len)
{
	if (len <= 0)
		return 1;
	return (int32) ((len + CACHE_BLOCK_SIZE - 1) / CACHE_BLOCK_SIZE);
}

static inline char *
block_data(int32 block)
{
	Assert(block >= 0 && block < cache->nblocks);
	return cache_blocks + (Size) block * CACHE_BLOCK_SIZE;
}

/* Append n blocks from the free list to e's chain; the caller made room. */
static void
entry_append_blocks(CacheEntry *e, int32 n)
{
	int32		i;

	Assert(cache->nfree_blocks >= n);
	for (i = 0; i < n; i++)
	{
		int32		b = cache->free_block;

		cache->free_block = cache_block_next[b];
		cache->nfree_blocks--;
		cache_block_next[b] = NO_INDEX;
		if (e->nblocks == 0)
			e->first_block = b;
		else
			cache_block_next[e->last_block] = b;
		e->last_block = b;
		e->nblocks++;
	}
	cache->stats[e->stats_slot].blocks += n;
}

/* Give back all of e's blocks after the first keep. */
static void
entry_truncate_blocks(CacheEntry *e, int32 keep)
{
	int32		b;
	int32		i;
	int32		freed = 0;

	if (e->nblocks <= keep)
		return;

	if (keep == 0)
	{
		b = e->first_block;
		e->first_block = NO_INDEX;
		e->last_block = NO_INDEX;
	}
	else
	{
		int32		last = e->first_block;

		for (i = 1; i < keep; i++)
			last = cache_block_next[last];
		b = cache_block_next[last];
		cache_block_next[last] = NO_INDEX;
		e->last_block = last;
	}

	while (b != NO_INDEX)
	{
		int32		next = cache_block_next[b];

		cache_block_next[b] = cache->free_block;
		cache->free_block = b;
		cache->nfree_blocks++;
		freed++;
		b = next;
	}
	Assert(freed == e->nblocks - keep);
	e->nblocks = keep;
	cache->stats[e->stats_slot].blocks -= freed;
}

static inline BlockCursor
cursor_start(const CacheEntry *e)
{
	BlockCursor c;

	c.block = e->first_block;
	c.offset = 0;
	return c;
}

/*
 * Move the cursor len bytes on, skipping, reading into buf, writing from
 * buf or comparing with buf.  Returns false only when a comparison finds a
 * difference.  Moves to the next block lazily, so writing exactly up to
 * the end of the chain never follows the last link.
 */
static bool
cursor_step(BlockCursor *c, Size len, CursorOp op, char *buf)
{
	while (len > 0)
	{
		Size		room = CACHE_BLOCK_SIZE - c->offset;
		Size		n;
		char	   *p;

		if (room == 0)
		{
			c->block = cache_block_next[c->block];
			c->offset = 0;
			room = CACHE_BLOCK_SIZE;
		}
		Assert(c->block != NO_INDEX);
		n = Min(room, len);
		p = block_data(c->block) + c->offset;
		switch (op)
		{
			case CURSOR_SKIP:
				break;
			case CURSOR_READ:
				memcpy(buf, p, n);
				break;
			case CURSOR_WRITE:
				memcpy(p, buf, n);
				break;
			case CURSOR_COMPARE:
				if (memcmp(p, buf, n) != 0)
					return false;
				break;
		}
		if (buf != NULL)
			buf += n;
		c->offset += (int32) n;
		len -= n;
	}
	return true;
}

static void
lru_remove(CacheEntry *e)
{
	Assert(e->in_lru);
	if (e->lru_prev != NO_INDEX)
		cache_entries[e->lru_prev].lru_next = e->lru_next;
	else
		cache->lru_head = e->lru_next;
	if (e->lru_next != NO_INDEX)
		cache_entries[e->lru_next].lru_prev = e->lru_prev;
	else
		cache->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NO_INDEX;
	e->in_lru = false;
	cache->lru_blocks -= e->nblocks;
}

static void
lru_push_head(CacheEntry *e)
{
	int32		idx = (int32) (e - cache_entries);

	Assert(!e->in_lru);
	e->lru_uses = pg_atomic_read_u32(&e->uses);
	e->lru_prev = NO_INDEX;
	e->lru_next = cache->lru_head;
	if (cache->lru_head != NO_INDEX)
		cache_entries[cache->lru_head].lru_prev = idx;
	else
		cache->lru_tail = idx;
	cache->lru_head = idx;
	e->in_lru = true;
	cache->lru_blocks += e->nblocks;
}

/* The statistics slot of a server, taking a free one if needed. */
static int16
stats_slot_for(Oid serverid)
{
	int			i;
	int			unused = -1;
	int			idle = -1;
	int			free_slot;

	for (i = 1; i < CACHE_STATS_SLOTS; i++)
	{
		CacheServerStats *s = &cache->stats[i];

		if (s->used && s->serverid == serverid)
			return (int16) i;
		if (!s->used)
		{
			if (unused < 0)
				unused = i;
		}
		else if (idle < 0 && s->blocks == 0)
			idle = i;
	}

	/* a slot whose server holds nothing may be recycled, losing its counts */
	free_slot = unused >= 0 ? unused : idle;
	if (free_slot < 0)
		return 0;

	memset(&cache->stats[free_slot], 0, sizeof(CacheServerStats));
	pg_atomic_init_u64(&cache->stats[free_slot].hits, 0);
	cache->stats[free_slot].used = true;
	cache->stats[free_slot].serverid = serverid;
	return (int16) free_slot;
}


/* ---------------------------------------------------------------------
 * Entries (all with the lock exclusive)
 * ---------------------------------------------------------------------
 */

static uint64
key_hash(const CacheKey *key, Size url_len)
{
	uint64		seed = hash_combine64(key->credential, (uint64) key->serverid);

#ifdef SAAS_CACHE_TEST_COLLISIONS
	/* test builds: every key collides, only the full comparison tells */
	return (uint64) key->serverid;
#endif
	return hash_bytes_extended((const unsigned char *) key->url, url_len, seed);
}

/*
 * The length of key's URL and its hash code; false when the URL is too long
 * to cache.
 */
static bool
key_locate(const CacheKey *key, int32 *url_len, uint64 *hashcode)
{
	Size		len = strlen(key->url);

	if (len > (Size) PG_INT32_MAX / 2)
		return false;
	*url_len = (int32) len;
	*hashcode = key_hash(key, len);
	return true;
}

/* Bytes of e's URL and page (e has a page). */
static inline int64
entry_page_bytes(const CacheEntry *e)
{
	return (int64) e->url_len + e->body_len + Max(e->next_url_len, 0) +
		Max(e->etag_len, 0) + Max(e->last_modified_len, 0);
}

/* Bytes of the rows after e's page, 0 when there are none. */
static inline int64
entry_rows_bytes(const CacheEntry *e)
{
	if (e->rows_layout_len == 0)
		return 0;
	return (int64) e->rows_layout_len + Max(e->rows_cursor_len, 0) +
		e->rows_data_len;
}

#ifdef SAAS_CACHE_CHECK
/*
 * Test builds: check every invariant of the arena before the lock is
 * released.  Under the shared lock only the atomic counters (uses, hits)
 * can change meanwhile, and nothing here reads them.
 */
static void
cache_check_invariants(void)
{
	int32		i;
	int32		b;
	int64		free_count = 0;
	int64		held = 0;
	int64		pages = 0;
	int64		claims = 0;
	int64		lru_blocks = 0;
	int64		in_use = 0;
	int64		chained = 0;
	int64		slot_blocks[CACHE_STATS_SLOTS];
	int64		slot_entries[CACHE_STATS_SLOTS];

	memset(slot_blocks, 0, sizeof(slot_blocks));
	memset(slot_entries, 0, sizeof(slot_entries));
	for (b = cache->free_block; b != NO_INDEX; b = cache_block_next[b])
		free_count++;
	if (free_count != cache->nfree_blocks)
		elog(PANIC, "cache check: free list %lld != %d",
			 (long long) free_count, cache->nfree_blocks);

	for (i = 0; i < cache->nentries; i++)
	{
		CacheEntry *e = &cache_entries[i];
		int32		n = 0;

		if (!e->in_use)
			continue;
		in_use++;
		for (b = e->first_block; b != NO_INDEX; b = cache_block_next[b])
		{
			n++;
			if (b == e->last_block && cache_block_next[b] != NO_INDEX)
				elog(PANIC, "cache check: last block not last");
		}
		if (n != e->nblocks || n < blocks_for(e->url_len))
			elog(PANIC, "cache check: entry %d chain %d != %d", i, n, e->nblocks);
		if (e->has_page &&
			blocks_for(entry_page_bytes(e) + entry_rows_bytes(e)) != n)
			elog(PANIC, "cache check: entry %d holds %d blocks", i, n);
		if (!e->has_page && e->rows_layout_len != 0)
			elog(PANIC, "cache check: entry %d has rows and no page", i);
		if (!e->has_page && n != blocks_for(e->url_len))
			elog(PANIC, "cache check: pending entry %d holds %d blocks", i, n);
		held += n;
		slot_blocks[e->stats_slot] += n;
		if (e->has_page)
		{
			pages++;
			slot_entries[e->stats_slot]++;
		}
		if (e->claim_id != 0)
			claims++;
		if (e->in_lru != (e->has_page && e->claim_id == 0))
			elog(PANIC, "cache check: entry %d lru %d page %d claim %llu", i,
				 e->in_lru, e->has_page, (unsigned long long) e->claim_id);
		if (!e->has_page && e->claim_id == 0)
			elog(PANIC, "cache check: entry %d neither page nor claim", i);
		if ((e->claim_id != 0) != (e->fetcher_pid != 0) ||
			e->claim_id >= cache->next_claim_id)
			elog(PANIC, "cache check: entry %d claim %llu by %d", i,
				 (unsigned long long) e->claim_id, e->fetcher_pid);
	}
	if (held + free_count != cache->nblocks)
		elog(PANIC, "cache check: blocks %lld + %lld != %d",
			 (long long) held, (long long) free_count, cache->nblocks);
	if (pages != cache->npages || claims != cache->nclaims)
		elog(PANIC, "cache check: pages/claims");
	for (i = 0; i < CACHE_STATS_SLOTS; i++)
		if (cache->stats[i].blocks != slot_blocks[i] ||
			cache->stats[i].entries != slot_entries[i])
			elog(PANIC, "cache check: slot %d", i);

	for (i = cache->lru_head; i != NO_INDEX; i = cache_entries[i].lru_next)
	{
		CacheEntry *e = &cache_entries[i];

		lru_blocks += e->nblocks;
		if (!e->in_lru)
			elog(PANIC, "cache check: lru member not marked");
		if (e->lru_next == NO_INDEX && cache->lru_tail != i)
			elog(PANIC, "cache check: lru tail");
		if (e->lru_next != NO_INDEX && cache_entries[e->lru_next].lru_prev != i)
			elog(PANIC, "cache check: lru links");
	}
	if (lru_blocks != cache->lru_blocks)
		elog(PANIC, "cache check: lru blocks");

	for (i = 0; i < cache->nbuckets; i++)
	{
		int32		idx;

		for (idx = cache_buckets[i]; idx != NO_INDEX; idx = cache_entries[idx].hash_next)
		{
			if (!cache_entries[idx].in_use ||
				(int32) (cache_entries[idx].hashcode & (cache->nbuckets - 1)) != i)
				elog(PANIC, "cache check: bucket %d", i);
			chained++;
		}
	}
	if (chained != in_use)
		elog(PANIC, "cache check: chained %lld != %lld",
			 (long long) chained, (long long) in_use);
}
#endif

#ifdef SAAS_CACHE_CHECK
/* Test builds: how often this backend took the lock in each mode. */
static int64 lock_shared_count = 0;
static int64 lock_exclusive_count = 0;
#endif

/*
 * Take the lock, and forget this backend's claims that were taken over;
 * exclusively, it also marks the others as driven now.
 */
static void
cache_lock(LWLockMode mode)
{
	LWLockAcquire(cache->lock, mode);
#ifdef SAAS_CACHE_CHECK
	if (mode == LW_SHARED)
		lock_shared_count++;
	else
		lock_exclusive_count++;
#endif
	local_claims_prune(mode == LW_EXCLUSIVE);
}

/* Release the lock (test builds check the arena first). */
static void
cache_unlock(void)
{
#ifdef SAAS_CACHE_CHECK
	cache_check_invariants();
#endif
	LWLockRelease(cache->lock);
}

static int32
entry_lookup(const CacheKey *key, uint64 hashcode, int32 url_len)
{
	int32		idx = cache_buckets[hashcode & (cache->nbuckets - 1)];

	while (idx != NO_INDEX)
	{
		CacheEntry *e = &cache_entries[idx];

		if (e->hashcode == hashcode &&
			e->serverid == key->serverid &&
			e->credential == key->credential &&
			e->url_len == url_len)
		{
			BlockCursor c = cursor_start(e);

			if (cursor_step(&c, url_len, CURSOR_COMPARE, (char *) key->url))
				return idx;
		}
		idx = e->hash_next;
	}
	return NO_INDEX;
}

static void
entry_remove(CacheEntry *e)
{
	int32		idx = (int32) (e - cache_entries);
	int32	   *link = &cache_buckets[e->hashcode & (cache->nbuckets - 1)];

	Assert(e->in_use);
	if (e->in_lru)
		lru_remove(e);
	while (*link != idx)
	{
		Assert(*link != NO_INDEX);
		link = &cache_entries[*link].hash_next;
	}
	*link = e->hash_next;

	if (e->has_page)
	{
		cache->stats[e->stats_slot].entries--;
		cache->npages--;
	}
	if (e->claim_id != 0)
		cache->nclaims--;
	entry_truncate_blocks(e, 0);

	memset(e, 0, sizeof(CacheEntry));
	e->hash_next = cache->free_entry;
	cache->free_entry = idx;
}

/*
 * Make sure need blocks are free, evicting least recently used pages: an
 * entry at the tail that was used since it was put at the head goes back
 * to the head instead (the lock is exclusive, so its uses cannot change
 * meanwhile, and it is evicted when it comes round again).  Evicts nothing
 * and returns false when even emptying the LRU list would not be enough.
 */
static bool
make_room(int32 need)
{
	if ((int64) need > (int64) cache->nfree_blocks + cache->lru_blocks)
		return false;

	while (cache->nfree_blocks < need)
	{
		CacheEntry *victim = &cache_entries[cache->lru_tail];

		Assert(cache->lru_tail != NO_INDEX);
		if (pg_atomic_read_u32(&victim->uses) != victim->lru_uses)
		{
			lru_remove(victim);
			lru_push_head(victim);
			continue;
		}
		cache->stats[victim->stats_slot].evictions++;
		entry_remove(victim);
	}
	return true;
}

/* A new entry holding only the key's URL, or NO_INDEX if it cannot fit. */
static int32
entry_create(const CacheKey *key, uint64 hashcode, int32 url_len,
			 int16 slot)
{
	int32		need = blocks_for(url_len);
	int32		idx;
	int32		bucket;
	CacheEntry *e;
	BlockCursor c;

	if (!make_room(need))
		return NO_INDEX;

	/* every entry in use holds a block, so a slot is free if a block is */
	idx = cache->free_entry;
	Assert(idx != NO_INDEX);
	e = &cache_entries[idx];
	cache->free_entry = e->hash_next;

	memset(e, 0, sizeof(CacheEntry));
	pg_atomic_init_u32(&e->uses, 0);
	e->hashcode = hashcode;
	e->credential = key->credential;
	e->serverid = key->serverid;
	e->in_use = true;
	e->stats_slot = slot;
	e->lru_prev = e->lru_next = NO_INDEX;
	e->first_block = e->last_block = NO_INDEX;
	e->url_len = url_len;
	entry_append_blocks(e, need);
	c = cursor_start(e);
	cursor_step(&c, url_len, CURSOR_WRITE, (char *) key->url);

	bucket = (int32) (hashcode & (cache->nbuckets - 1));
	e->hash_next = cache_buckets[bucket];
	cache_buckets[bucket] = idx;
	return idx;
}

static void
entry_forget_rows(CacheEntry *e)
{
	e->rows_layout_len = 0;
	e->rows_cursor_len = 0;
	e->rows_ntuples = 0;
	e->rows_data_len = 0;
}

/* Give back the blocks of e's rows.  e must be out of the LRU list. */
static void
entry_drop_rows(CacheEntry *e)
{
	Assert(!e->in_lru);
	if (e->rows_layout_len == 0)
		return;
	entry_forget_rows(e);
	entry_truncate_blocks(e, blocks_for(entry_page_bytes(e)));
}

static void
entry_drop_page(CacheEntry *e)
{
	if (!e->has_page)
		return;
	entry_forget_rows(e);
	e->has_page = false;
	cache->stats[e->stats_slot].entries--;
	cache->npages--;
	entry_truncate_blocks(e, blocks_for(e->url_len));
}

static inline int32
string_len(const char *s)
{
	return s ? (int32) strlen(s) : -1;
}

/* The length of a row layout, or -1 if it is too long to cache. */
static int32
layout_length(const char *layout)
{
	Size		len = strlen(layout);

	return len > (Size) PG_INT32_MAX / 2 ? -1 : (int32) len;
}

static inline void
write_string(BlockCursor *c, const char *s, int32 len)
{
	if (len > 0)
		cursor_step(c, len, CURSOR_WRITE, (char *) s);
}

/*
 * Store page as e's page.  e must be out of the LRU list.  Returns false
 * (and leaves e without a page) when it does not fit.
 */
static bool
entry_store_page(CacheEntry *e, const HttpResponse *page, TimestampTz now)
{
	int32		next_len = string_len(page->next_url);
	int32		etag_len = string_len(page->etag);
	int32		lm_len = string_len(page->last_modified);
	int32		body_len = (int32) page->body_len;
	int64		total;
	int32		keep = blocks_for(e->url_len);
	int32		extra;
	BlockCursor c;

	Assert(!e->in_lru);
	entry_drop_page(e);

	total = (int64) e->url_len + body_len +
		Max(next_len, 0) + Max(etag_len, 0) + Max(lm_len, 0);
	if (total > (int64) cache->nblocks * CACHE_BLOCK_SIZE)
		return false;
	extra = blocks_for(total) - keep;
	if (extra > 0)
	{
		if (!make_room(extra))
			return false;
		entry_append_blocks(e, extra);
	}

	c = cursor_start(e);
	cursor_step(&c, e->url_len, CURSOR_SKIP, NULL);
	if (body_len > 0)
		cursor_step(&c, body_len, CURSOR_WRITE, page->body);
	write_string(&c, page->next_url, next_len);
	write_string(&c, page->etag, etag_len);
	write_string(&c, page->last_modified, lm_len);

	e->status = (int32) page->status;
	e->body_len = body_len;
	e->next_url_len = next_len;
	e->etag_len = etag_len;
	e->last_modified_len = lm_len;
	e->fetched_at = now;
	e->page_gen = cache->next_page_gen++;
	e->has_page = true;
	cache->stats[e->stats_slot].entries++;
	cache->npages++;
	return true;
}

/*
 * Store rows, in the layout named by layout, after e's page, replacing
 * rows it had.  e must have a page and be out of the LRU list.  Returns
 * false (and leaves e without rows) when they do not fit.
 */
static bool
entry_store_rows(CacheEntry *e, const char *layout, int32 layout_len,
				 const PageRows *rows)
{
	int32		cursor_len = string_len(rows->cursor);
	int64		page_bytes = entry_page_bytes(e);
	int64		total = page_bytes + layout_len + Max(cursor_len, 0) + rows->len;
	int32		extra;
	BlockCursor c;

	Assert(e->has_page && !e->in_lru);
	entry_drop_rows(e);
	if (total > (int64) cache->nblocks * CACHE_BLOCK_SIZE)
		return false;
	extra = blocks_for(total) - e->nblocks;
	if (extra > 0)
	{
		if (!make_room(extra))
			return false;
		entry_append_blocks(e, extra);
	}

	c = cursor_start(e);
	cursor_step(&c, page_bytes, CURSOR_SKIP, NULL);
	write_string(&c, layout, layout_len);
	write_string(&c, rows->cursor, cursor_len);
	if (rows->len > 0)
		cursor_step(&c, rows->len, CURSOR_WRITE, rows->data);

	e->rows_layout_len = layout_len;
	e->rows_cursor_len = cursor_len;
	e->rows_ntuples = rows->ntuples;
	e->rows_data_len = (int32) rows->len;
	return true;
}

/* Does e hold rows in layout?  Leaves c just after the layout if so. */
static bool
entry_rows_match(const CacheEntry *e, const char *layout, int32 layout_len,
				 BlockCursor *c)
{
	if (e->rows_layout_len == 0 || e->rows_layout_len != layout_len)
		return false;
	*c = cursor_start(e);
	cursor_step(c, entry_page_bytes(e), CURSOR_SKIP, NULL);
	return cursor_step(c, layout_len, CURSOR_COMPARE, (char *) layout);
}

static char *
read_string(BlockCursor *c, int32 len)
{
	char	   *s;

	if (len < 0)
		return NULL;
	s = palloc(len + 1);
	if (len > 0)
		cursor_step(c, len, CURSOR_READ, s);
	s[len] = '\0';
	return s;
}

/*
 * A palloc'd copy of e's page, with or without its body.  Changes nothing
 * in the arena, so an out of memory ERROR here leaves it consistent.
 */
static HttpResponse *
entry_copy_page(const CacheEntry *e, bool with_body)
{
	HttpResponse *r = palloc0(sizeof(HttpResponse));
	BlockCursor c = cursor_start(e);

	cursor_step(&c, e->url_len, CURSOR_SKIP, NULL);
	r->status = e->status;
	if (with_body)
	{
		r->body = read_string(&c, e->body_len);
		r->body_len = e->body_len;
	}
	else
		cursor_step(&c, e->body_len, CURSOR_SKIP, NULL);
	r->next_url = read_string(&c, e->next_url_len);
	r->etag = read_string(&c, e->etag_len);
	r->last_modified = read_string(&c, e->last_modified_len);
	r->retry_after_s = -1;
	r->ratelimit_remaining = -1;
	r->ratelimit_reset = 0;
	return r;
}

/*
 * A palloc'd copy of the rows that c, from entry_rows_match, points at; as
 * safe as entry_copy_page.
 */
static PageRows *
entry_copy_rows(const CacheEntry *e, BlockCursor *c)
{
	PageRows   *rows = palloc0(sizeof(PageRows));

	rows->ntuples = e->rows_ntuples;
	rows->cursor = read_string(c, e->rows_cursor_len);
	rows->len = e->rows_data_len;
	rows->allocated = Max(rows->len, 1);
	rows->data = palloc(rows->allocated);
	if (rows->len > 0)
		cursor_step(c, rows->len, CURSOR_READ, rows->data);
	return rows;
}

/*
 * Hand e's page to cache_get's caller: the rows in key's layout and the
 * page without its body when e holds them, else the page with its body.
 */
static void
entry_hand_out(const CacheEntry *e, const CacheKey *key, int32 layout_len,
			   CachedPage *page)
{
	BlockCursor c;
	bool		with_rows = layout_len > 0 &&
		entry_rows_match(e, key->row_layout, layout_len, &c);

	page->rows = with_rows ? entry_copy_rows(e, &c) : NULL;
	page->response = entry_copy_page(e, !with_rows);
	page->page_gen = e->page_gen;
}

/*
 * Put an entry where its state says it belongs: a page with no fetch in
 * flight at the head of the LRU list, a claimed entry out of it, an entry
 * with neither removed.
 */
static void
entry_settle(CacheEntry *e)
{
	if (e->claim_id != 0)
	{
		if (e->in_lru)
			lru_remove(e);
	}
	else if (!e->has_page)
		entry_remove(e);
	else
	{
		if (e->in_lru)
			lru_remove(e);
		lru_push_head(e);
	}
}


/* ---------------------------------------------------------------------
 * Claims
 * ---------------------------------------------------------------------
 */

static void
register_callbacks(void)
{
	if (callbacks_registered)
		return;
	RegisterXactCallback(cache_xact_callback, NULL);
	RegisterSubXactCallback(cache_subxact_callback, NULL);
	before_shmem_exit(cache_exit_callback, (Datum) 0);
	callbacks_registered = true;
}

/* Claim e for this backend (lock exclusive; a local slot must be free). */
static void
claim_take(CacheEntry *e, const HttpResponse *stale_copy, TimestampTz now)
{
	LocalClaim *lc = &local_claims[n_local_claims++];

	Assert(e->claim_id == 0);
	e->claim_id = cache->next_claim_id++;
	e->fetcher_pid = MyProcPid;
	e->claim_seen_at = now;
	cache->nclaims++;
	if (e->in_lru)
		lru_remove(e);

	lc->entry = (int32) (e - cache_entries);
	lc->claim_id = e->claim_id;
	lc->subid = GetCurrentSubTransactionId();
	lc->stale_copy = stale_copy;
	lc->page_gen = e->page_gen;
}

/* Drop the claim on e, leaving it where it is (lock exclusive). */
static void
claim_drop(CacheEntry *e)
{
	Assert(e->claim_id != 0);
	e->claim_id = 0;
	e->fetcher_pid = 0;
	e->claim_seen_at = 0;
	cache->nclaims--;
}

/* Release a claim on e (lock exclusive); the caller wakes the waiters. */
static void
claim_release(CacheEntry *e)
{
	claim_drop(e);
	entry_settle(e);
}

/*
 * Forget this backend's claims that another backend took over (lock held,
 * in either mode: it reads the arena only).  With touch (lock exclusive),
 * mark the claims still held as driven now: this backend is at work.
 */
static void
local_claims_prune(bool touch)
{
	int			i;
	TimestampTz now = touch ? GetCurrentTimestamp() : 0;

	for (i = n_local_claims - 1; i >= 0; i--)
	{
		CacheEntry *e = &cache_entries[local_claims[i].entry];

		if (e->claim_id != local_claims[i].claim_id)
			local_claims[i] = local_claims[--n_local_claims];
		else if (touch)
			e->claim_seen_at = now;
	}
}

/*
 * Is the claim a waiter found (by backend pid, last driven at seen_at) not
 * progressing?  It is not when its backend is gone, waits for its client
 * (the statement that made the claim is over, as for an idle cursor), or
 * has not used the cache for saas_fdw.timeout.  Called without the lock.
 */
static bool
claim_stalled(int pid, TimestampTz seen_at, TimestampTz now)
{
	PGPROC	   *proc;
	volatile uint32 *wait_event;

	if (TimestampDifferenceExceeds(seen_at, now, saas_timeout_ms))
		return true;
	proc = BackendPidGetProc(pid);
	if (proc == NULL)
		return true;
	/* read once, without a lock, as pg_stat_activity does */
	wait_event = &proc->wait_event_info;
	return *wait_event == WAIT_EVENT_CLIENT_READ;
}

/* This backend's claim on entry idx, or NULL. */
static LocalClaim *
local_claim_find(int32 idx)
{
	int			i;

	if (idx == NO_INDEX)
		return NULL;
	for (i = 0; i < n_local_claims; i++)
	{
		if (local_claims[i].entry == idx &&
			local_claims[i].claim_id == cache_entries[idx].claim_id)
			return &local_claims[i];
	}
	return NULL;
}

static void
local_claim_forget(LocalClaim *lc)
{
	int			i = (int) (lc - local_claims);

	local_claims[i] = local_claims[--n_local_claims];
}

static inline ConditionVariable *
wait_queue(uint64 hashcode)
{
	return &cache->queues[(hashcode >> 32) % CACHE_WAIT_QUEUES].cv;
}

/*
 * Release this backend's claims: all of them, or those taken in subid.
 * Never raises an ERROR; runs at abort and at exit.
 */
static void
release_local_claims(bool all, SubTransactionId subid)
{
	int			i;

	if (cache == NULL || n_local_claims == 0)
		return;

	cache_lock(LW_EXCLUSIVE);
	for (i = n_local_claims - 1; i >= 0; i--)
	{
		LocalClaim *lc = &local_claims[i];
		CacheEntry *e;

		if (!all && lc->subid != subid)
			continue;
		e = &cache_entries[lc->entry];
		if (e->in_use && e->claim_id == lc->claim_id)
			claim_release(e);
		local_claims[i] = local_claims[--n_local_claims];
	}
	cache_unlock();

	/* the keys are forgotten; wake every queue */
	for (i = 0; i < CACHE_WAIT_QUEUES; i++)
		ConditionVariableBroadcast(&cache->queues[i].cv);
}

static void
cache_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			/* a claim never outlives the fetch that took it */
			release_local_claims(true, InvalidSubTransactionId);
			break;
		default:
			break;
	}
}

static void
cache_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	int			i;

	if (event == SUBXACT_EVENT_ABORT_SUB)
		release_local_claims(false, mySubid);
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		for (i = 0; i < n_local_claims; i++)
			if (local_claims[i].subid == mySubid)
				local_claims[i].subid = parentSubid;
	}
}

static void
cache_exit_callback(int code, Datum arg)
{
	if (cache == NULL)
		return;
	/* we never raise FATAL with the lock held, but be safe */
	if (LWLockHeldByMe(cache->lock))
		LWLockRelease(cache->lock);
	release_local_claims(true, InvalidSubTransactionId);
#ifdef SAAS_CACHE_CHECK
	/* for test/suites/cache.sh: which lookups took the lock shared */
	elog(LOG, "saas_fdw cache lock use: backend %d took it %lld times shared, %lld times exclusively",
		 MyProcPid, (long long) lock_shared_count,
		 (long long) lock_exclusive_count);
#endif
}

/* ---------------------------------------------------------------------
 * The interface used by fetch.c
 * ---------------------------------------------------------------------
 */

/* Is e's page fresh for a scan whose TTL is ttl_s? */
static inline bool
entry_fresh(const CacheEntry *e, TimestampTz now, int ttl_s)
{
	return e->has_page &&
		now >= e->fetched_at &&
		now - e->fetched_at < (int64) ttl_s * USECS_PER_SEC;
}

/*
 * cache_get's answer when the page is not fresh, or is being fetched by a
 * backend it does not wait for (lock exclusive).  idx is the key's entry
 * or NO_INDEX; stalled_claim a claim on it found not progressing, which is
 * taken over.  Claims the key if it can, and hands out the expired page
 * (for a conditional request) if there is one.
 */
static CacheResult
lookup_miss(const CacheKey *key, uint64 hashcode, int32 url_len,
			int32 layout_len, int32 idx, uint64 stalled_claim,
			TimestampTz now, CachedPage *page)
{
	CacheEntry *e;
	bool		may_claim = n_local_claims < CACHE_MAX_LOCAL_CLAIMS;

	if (idx == NO_INDEX)
	{
		int16		slot = stats_slot_for(key->serverid);

		cache->stats[slot].misses++;
		if (may_claim)
		{
			idx = entry_create(key, hashcode, url_len, slot);
			if (idx != NO_INDEX)
				claim_take(&cache_entries[idx], NULL, now);
		}
		return CACHE_MISS;
	}

	e = &cache_entries[idx];
	/* an expired page, for a conditional request: on a 304 its rows (or
	 * else its body) serve again */
	if (e->has_page)
		entry_hand_out(e, key, layout_len, page);
	/* its claimer finds out in cache_put or cache_abandon */
	if (e->claim_id != 0 && e->claim_id == stalled_claim && may_claim)
		claim_drop(e);
	if (e->claim_id == 0 && may_claim)
		claim_take(e, page->response, now);
	cache->stats[e->stats_slot].misses++;
	return page->response ? CACHE_STALE : CACHE_MISS;
}

CacheResult
cache_get(const CacheKey *key, int ttl_s, CachedPage *page)
{
	int32		url_len;
	int32		layout_len;
	uint64		hashcode;
	ConditionVariable *cv;
	LWLockMode	mode = LW_SHARED;
	uint64		stalled_claim = 0;

	memset(page, 0, sizeof(CachedPage));
	if (cache == NULL && ttl_s > 0 && !cache_preloaded)
		warn_not_preloaded();
	if (cache == NULL || ttl_s <= 0)
		return CACHE_DISABLED;

	if (!key_locate(key, &url_len, &hashcode))
		return CACHE_DISABLED;
	layout_len = key->row_layout ? layout_length(key->row_layout) : -1;
	cv = wait_queue(hashcode);
	register_callbacks();

	for (;;)
	{
		int32		idx;
		CacheEntry *e;
		TimestampTz now;
		CacheResult result;
		uint64		waited_claim;
		int			waited_pid;
		TimestampTz waited_seen_at;

		cache_lock(mode);
		now = GetCurrentTimestamp();
		idx = entry_lookup(key, hashcode, url_len);
		e = (idx == NO_INDEX) ? NULL : &cache_entries[idx];

		if (e != NULL && entry_fresh(e, now, ttl_s))
		{
			/* a hit, in either mode: nothing but atomics is written */
			entry_hand_out(e, key, layout_len, page);
			pg_atomic_fetch_add_u32(&e->uses, 1);
			pg_atomic_fetch_add_u64(&cache->stats[e->stats_slot].hits, 1);
			cache_unlock();
			ConditionVariableCancelSleep();
			return CACHE_HIT;
		}

		/*
		 * Another backend is fetching this page: wait for it, unless we
		 * hold a claim ourselves (never wait while holding one) or found
		 * its claim stalled.
		 */
		if (e != NULL && e->claim_id != 0 && n_local_claims == 0 &&
			e->claim_id != stalled_claim)
		{
			waited_claim = e->claim_id;
			waited_pid = e->fetcher_pid;
			waited_seen_at = e->claim_seen_at;
			cache_unlock();

			if (claim_stalled(waited_pid, waited_seen_at, now))
			{
				stalled_claim = waited_claim;
				mode = LW_EXCLUSIVE;
				continue;
			}
			(void) ConditionVariableTimedSleep(cv, CACHE_LIVENESS_CHECK_MS,
											   PG_WAIT_EXTENSION);
			mode = LW_SHARED;
			continue;
		}

		/* a miss, an expired page or a claim to take over: look again
		 * with the lock exclusive */
		if (mode == LW_SHARED)
		{
			cache_unlock();
			mode = LW_EXCLUSIVE;
			continue;
		}

		result = lookup_miss(key, hashcode, url_len, layout_len, idx,
							 stalled_claim, now, page);
		cache_unlock();
		ConditionVariableCancelSleep();
		return result;
	}
}

/*
 * Store page under key, releasing this backend's claim on it.  Returns the
 * generation of the page now cached (for cache_put_rows), or 0 when it was
 * not cached.
 */
uint64
cache_put(const CacheKey *key, const HttpResponse *page)
{
	int32		url_len;
	uint64		hashcode;
	int32		idx;
	LocalClaim *lc;
	bool		revalidated;
	uint64		page_gen = 0;

	if (cache == NULL || page == NULL)
		return 0;

	if (!key_locate(key, &url_len, &hashcode))
		return 0;

	cache_lock(LW_EXCLUSIVE);
	idx = entry_lookup(key, hashcode, url_len);
	lc = local_claim_find(idx);
	revalidated = (lc != NULL && lc->stale_copy != NULL && lc->stale_copy == page);

	/* too big to hand back later: not cached */
	if (page->body_len >= MaxAllocSize || (page->body == NULL && page->body_len > 0))
	{
		if (lc != NULL)
		{
			if (cache_entries[idx].has_page && !revalidated)
				entry_drop_page(&cache_entries[idx]);
			claim_release(&cache_entries[idx]);
			local_claim_forget(lc);
		}
		cache_unlock();
		ConditionVariableBroadcast(wait_queue(hashcode));
		return 0;
	}

	if (idx == NO_INDEX)
		idx = entry_create(key, hashcode, url_len,
						   stats_slot_for(key->serverid));

	if (idx != NO_INDEX)
	{
		CacheEntry *e = &cache_entries[idx];
		TimestampTz now = GetCurrentTimestamp();

		if (revalidated)
			cache->stats[e->stats_slot].revalidations++;

		if (e->in_lru)
			lru_remove(e);
		if (revalidated && e->has_page && e->page_gen == lc->page_gen)
		{
			/* a 304: the cached body (and the rows beside it) still hold */
			e->fetched_at = now;
		}
		else if (page->body != NULL)
			(void) entry_store_page(e, page, now);
		/* else a copy handed out with its rows and without its body */
		if (e->has_page)
			page_gen = e->page_gen;

		if (lc != NULL)
		{
			claim_release(e);
			local_claim_forget(lc);
		}
		else
			entry_settle(e);
	}
	cache_unlock();

	ConditionVariableBroadcast(wait_queue(hashcode));
	return page_gen;
}

/*
 * Keep rows beside the page they were made from, if that version of it
 * (page_gen, from cache_get or cache_put) is still cached.  Like cache_put,
 * never raises an ERROR.
 */
void
cache_put_rows(const CacheKey *key, uint64 page_gen, const PageRows *rows)
{
	int32		url_len;
	int32		layout_len;
	uint64		hashcode;
	int32		idx;

	if (cache == NULL || page_gen == 0 || key->row_layout == NULL ||
		rows->len > (Size) PG_INT32_MAX / 2)
		return;
	layout_len = layout_length(key->row_layout);
	if (layout_len <= 0 || !key_locate(key, &url_len, &hashcode))
		return;

	cache_lock(LW_EXCLUSIVE);
	idx = entry_lookup(key, hashcode, url_len);
	if (idx != NO_INDEX && cache_entries[idx].has_page &&
		cache_entries[idx].page_gen == page_gen)
	{
		CacheEntry *e = &cache_entries[idx];
		bool		in_lru = e->in_lru;

		/* out of the LRU list while room is made, so it is not evicted */
		if (in_lru)
			lru_remove(e);
		(void) entry_store_rows(e, key->row_layout, layout_len, rows);
		if (in_lru)
			lru_push_head(e);
	}
	cache_unlock();
}

void
cache_abandon(const CacheKey *key)
{
	int32		url_len;
	uint64		hashcode;
	int32		idx;
	LocalClaim *lc;

	if (cache == NULL || n_local_claims == 0)
		return;
	if (!key_locate(key, &url_len, &hashcode))
		return;

	cache_lock(LW_EXCLUSIVE);
	idx = entry_lookup(key, hashcode, url_len);
	lc = local_claim_find(idx);
	if (lc != NULL)
	{
		/* a stale page stays for the next revalidation */
		claim_release(&cache_entries[idx]);
		local_claim_forget(lc);
	}
	cache_unlock();

	if (lc != NULL)
		ConditionVariableBroadcast(wait_queue(hashcode));
}


/* ---------------------------------------------------------------------
 * SQL functions
 * ---------------------------------------------------------------------
 */

/*
 * Without preloading there is no shared cache: say so once per backend, the
 * first time a page could have been cached.
 */
static void
warn_not_preloaded(void)
{
	static bool warned = false;

	if (warned)
		return;
	warned = true;
	ereport(WARNING,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("saas_fdw is not caching API pages: it is not in shared_preload_libraries"),
			 errdetail("Every scan asks the API again, and backends do not share pages."),
			 errhint("Add saas_fdw to shared_preload_libraries and restart the server, or set saas_fdw.cache_ttl to 0 to do without the cache.")));
}

static void
check_cache_available(void)
{
	if (cache != NULL)
		return;
	if (!cache_preloaded)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("saas_fdw shared cache is not available"),
				 errhint("Add saas_fdw to shared_preload_libraries and restart the server.")));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("saas_fdw shared cache is not available"),
			 errdetail("saas_fdw.cache_size is %d kB, too small for a cache.",
					   saas_cache_size_kb),
			 errhint("Set saas_fdw.cache_size to at least 64kB and restart the server.")));
}

/*
 * saas_fdw_cache_stats(): one row per server the cache has seen since the
 * last reset (serverid NULL for the overflow slot).
 */
Datum
saas_fdw_cache_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CacheServerStats *copy;
	uint64	   *hits;
	int			i;

	check_cache_available();
	InitMaterializedSRF(fcinfo, 0);

	copy = palloc(sizeof(CacheServerStats) * CACHE_STATS_SLOTS);
	hits = palloc(sizeof(uint64) * CACHE_STATS_SLOTS);
	cache_lock(LW_SHARED);
	memcpy(copy, cache->stats, sizeof(CacheServerStats) * CACHE_STATS_SLOTS);
	for (i = 0; i < CACHE_STATS_SLOTS; i++)
		hits[i] = pg_atomic_read_u64(&cache->stats[i].hits);
	cache_unlock();

	for (i = 0; i < CACHE_STATS_SLOTS; i++)
	{
		CacheServerStats *s = &copy[i];
		Datum		values[7];
		bool		nulls[7];

		if (!s->used)
			continue;
		if (i == 0 && s->blocks == 0 && hits[i] == 0 && s->misses == 0 &&
			s->revalidations == 0 && s->evictions == 0)
			continue;

		memset(nulls, 0, sizeof(nulls));
		if (i == 0)
			nulls[0] = true;
		else
			values[0] = ObjectIdGetDatum(s->serverid);
		values[1] = Int64GetDatum(s->entries);
		values[2] = Int64GetDatum(s->blocks * CACHE_BLOCK_SIZE);
		values[3] = Int64GetDatum((int64) hits[i]);
		values[4] = Int64GetDatum(s->misses);
		values[5] = Int64GetDatum(s->revalidations);
		values[6] = Int64GetDatum(s->evictions);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * saas_fdw_cache_space(): the arena as a whole.  used_bytes is the sum of
 * the bytes column of saas_fdw_cache_stats(); used + available = total.
 */
Datum
saas_fdw_cache_space(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6];
	int64		nblocks;
	int64		nfree;
	int64		npages;
	int64		nclaims;

	check_cache_available();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	cache_lock(LW_SHARED);
	nblocks = cache->nblocks;
	nfree = cache->nfree_blocks;
	npages = cache->npages;
	nclaims = cache->nclaims;
	cache_unlock();

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(nblocks * CACHE_BLOCK_SIZE);
	values[1] = Int64GetDatum((nblocks - nfree) * CACHE_BLOCK_SIZE);
	values[2] = Int64GetDatum(nfree * CACHE_BLOCK_SIZE);
	values[3] = Int64GetDatum(npages);
	values[4] = Int64GetDatum(nclaims);
	values[5] = Int32GetDatum(CACHE_BLOCK_SIZE);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Forget the pages of one server (or all) and zero its counters.  Keys
 * being fetched right now keep their claim (the waiters stay asleep until
 * the fetch ends) but lose their page.
 */
static void
cache_reset(Oid serverid)
{
	int32		i;

	cache_lock(LW_EXCLUSIVE);
	for (i = 0; i < cache->nentries; i++)
	{
		CacheEntry *e = &cache_entries[i];

		if (!e->in_use)
			continue;
		if (OidIsValid(serverid) && e->serverid != serverid)
			continue;
		if (e->claim_id != 0)
			entry_drop_page(e);
		else
			entry_remove(e);
	}
	for (i = 0; i < CACHE_STATS_SLOTS; i++)
	{
		CacheServerStats *s = &cache->stats[i];

		if (!s->used)
			continue;
		if (OidIsValid(serverid) && s->serverid != serverid)
			continue;
		pg_atomic_write_u64(&s->hits, 0);
		s->misses = s->revalidations = s->evictions = 0;
		if (i > 0 && s->blocks == 0)
		{
			memset(s, 0, sizeof(CacheServerStats));
			pg_atomic_init_u64(&s->hits, 0);
		}
	}
	cache_unlock();
}

Datum
saas_fdw_cache_reset_all(PG_FUNCTION_ARGS)
{
	check_cache_available();
	cache_reset(InvalidOid);
	PG_RETURN_VOID();
}

Datum
saas_fdw_cache_reset_server(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ForeignServer *server;

	check_cache_available();
	server = GetForeignServerByName(name, false);
	cache_reset(server->serverid);
	PG_RETURN_VOID();
}
