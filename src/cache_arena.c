/*-------------------------------------------------------------------------
 *
 * cache_arena.c
 *		  The arena of the shared page cache: blocks, entries and the
 *		  per-server statistics slots (the LRU list and eviction are in
 *		  cache_lru.c, the checker of the invariants in cache_check.c).
 *
 * The cache lives in one fixed arena of saas_fdw.cache_size: allocated at
 * server start when saas_fdw is preloaded, else (PostgreSQL 17 and later)
 * in a segment of dynamic shared memory made at first use (cache_segment.c).
 * Nothing in it is a pointer: the arrays are found by the offsets its
 * header records, and its lock is in it.  The arena holds a header, a bucket array, a table of entries and a pool
 * of fixed-size blocks.  An entry is keyed by (server OID, credential
 * fingerprint, full URL); its URL, its page (body, next URL, ETag,
 * Last-Modified) and then maybe its rows (layout, cursor, tuples) are
 * written one after the other into a chain of blocks.  The URL and the
 * layout are compared byte for byte on every lookup: a hash collision never
 * serves another request's page.
 *
 * Invariants (cache_check_invariants checks them all):
 * - every block is either on the free list or in exactly one entry's chain,
 *	 and an entry holds exactly the blocks its lengths need;
 * - an entry in use has a page or a claim, or both; it is in the LRU list
 *	 exactly when it has a page and no claim;
 * - an entry has rows only beside a page, and is without its body only
 *	 beside rows;
 * - the counters of the header and of the statistics slots (blocks,
 *	 entries, page_bytes, row_bytes) are the sums of what the entries hold.
 *
 * Nothing here takes the lock or raises an ERROR while changing the arena:
 * cache.c takes the lock (its header states the rules), and the only
 * pallocs under it are cache_entry_hand_out's (the copy handed out, and
 * that of the rows' layout it compares), made before anything changes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "storage/shmem.h"

#include "cache_internal.h"
#include "saas_fdw.h"
#include "shmem.h"

#define CACHE_SHMEM_NAME		"saas_fdw page cache"

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

/* The layout cache_shmem_size works out, for cache_arena_init. */
static int32 layout_nblocks = 0;
static int32 layout_nbuckets = 0;

bool		cache_preloaded = false;
CacheShared *cache = NULL;
int32	   *cache_buckets = NULL;
CacheEntry *cache_entries = NULL;
int32	   *cache_block_next = NULL;
char	   *cache_blocks = NULL;

/* ---------------------------------------------------------------------
 * Shared memory layout and start-up
 * ---------------------------------------------------------------------
 */

/*
 * cache_shmem_size
 *		Work out how many blocks (and entries, and buckets) fit in
 *		saas_fdw.cache_size, and return the bytes of shared memory the arena
 *		needs; 0 when it is too small for a cache.
 */
Size
cache_shmem_size(void)
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

/*
 * cache_shmem_init
 *		Create the arena (in the postmaster) or attach to it, when saas_fdw
 *		is preloaded; shmem.c calls it with AddinShmemInitLock held.
 */
void
cache_shmem_init(void)
{
	bool		found;
	char	   *base;

	cache_preloaded = true;
	cache = NULL;
	if (layout_nblocks == 0)
		return;

	base = ShmemInitStruct(CACHE_SHMEM_NAME, cache_shmem_size(), &found);
	if (!found)
		cache_arena_init(base);
	cache_arena_attach(base);
}

/*
 * cache_arena_init
 *		Make a new, empty arena at base, of the layout the last call of
 *		cache_shmem_size worked out (cache_shmem_size() bytes), its lock
 *		within.  Never raises an ERROR.
 */
void
cache_arena_init(char *base)
{
	CacheShared *shared = (CacheShared *) base;
	Size		off = MAXALIGN(sizeof(CacheShared));
	int32	   *buckets;
	CacheEntry *entries;
	int32	   *block_next;
	int32		i;

	Assert(layout_nblocks > 0);
	memset(shared, 0, sizeof(CacheShared));
	shmem_lock_attach(&shared->lock, &shared->tranche_id, true, CACHE_TRANCHE);
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

	buckets = (int32 *) (base + shared->buckets_off);
	entries = (CacheEntry *) (base + shared->entries_off);
	block_next = (int32 *) (base + shared->block_next_off);

	for (i = 0; i < layout_nbuckets; i++)
		buckets[i] = NO_INDEX;
	memset(entries, 0, sizeof(CacheEntry) * layout_nblocks);
	for (i = 0; i < layout_nblocks; i++)
	{
		entries[i].hash_next = (i + 1 < layout_nblocks) ? i + 1 : NO_INDEX;
		block_next[i] = (i + 1 < layout_nblocks) ? i + 1 : NO_INDEX;
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

/*
 * cache_arena_attach
 *		Use the arena at base, which cache_arena_init made: set the pointers
 *		into it (its header records the offsets, so the arena may be mapped
 *		at another address in each backend) and name its lock's tranche.
 */
void
cache_arena_attach(char *base)
{
	CacheShared *shared = (CacheShared *) base;

	shmem_lock_attach(&shared->lock, &shared->tranche_id, false, CACHE_TRANCHE);
	cache_buckets = (int32 *) (base + shared->buckets_off);
	cache_entries = (CacheEntry *) (base + shared->entries_off);
	cache_block_next = (int32 *) (base + shared->block_next_off);
	cache_blocks = base + shared->blocks_off;
	cache = shared;
}

/* ---------------------------------------------------------------------
 * Blocks, LRU list and statistics slots (all with the lock held)
 * ---------------------------------------------------------------------
 */

/*
 * block_data
 *		The bytes of a block.
 */
static inline char *
block_data(int32 block)
{
	Assert(block >= 0 && block < cache->nblocks);
	return cache_blocks + (Size) block * CACHE_BLOCK_SIZE;
}

/*
 * entry_append_blocks
 *		Append n blocks from the free list to e's chain; the caller made room.
 */
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

/*
 * entry_truncate_blocks
 *		Give back all of e's blocks after the first keep.
 */
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

/*
 * cursor_start
 *		A cursor at the start of e's chain.
 */
static inline BlockCursor
cursor_start(const CacheEntry *e)
{
	BlockCursor c;

	c.block = e->first_block;
	c.offset = 0;
	return c;
}

/*
 * cursor_step
 *		Move the cursor len bytes on, skipping, reading into buf, writing from
 *		buf or comparing with buf.  Returns false only when a comparison finds
 *		a difference.  Moves to the next block lazily, so writing exactly up to
 *		the end of the chain never follows the last link.
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

/*
 * cache_stats_slot
 *		The statistics slot of a server, taking a free one if needed.
 */
int16
cache_stats_slot(Oid serverid)
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
 * Entries (all with the lock exclusive, but for lookups)
 * ---------------------------------------------------------------------
 */

/*
 * key_hash
 *		The hash code of key, whose URL is url_len bytes long.
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
 * cache_key_locate
 *		The length of key's URL and its hash code; false when the URL is too
 *		long to cache.
 */
bool
cache_key_locate(const CacheKey *key, int32 *url_len, uint64 *hashcode)
{
	Size		len = strlen(key->url);

	if (len > (Size) PG_INT32_MAX / 2)
		return false;
	*url_len = (int32) len;
	*hashcode = key_hash(key, len);
	return true;
}

/*
 * cache_entry_lookup
 *		The entry of key, or NO_INDEX; the URL is compared byte for byte.  Lock
 *		held, in either mode.
 */
int32
cache_entry_lookup(const CacheKey *key, uint64 hashcode, int32 url_len)
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

/*
 * entry_count_bytes
 *		Add (sign 1) or take away (sign -1) e's page and rows in its server's
 *		page_bytes and row_bytes.
 */
static void
entry_count_bytes(const CacheEntry *e, int sign)
{
	CacheServerStats *s = &cache->stats[e->stats_slot];

	if (!e->has_page)
		return;
	s->page_bytes += sign * cache_entry_page_bytes(e);
	s->row_bytes += sign * cache_entry_rows_bytes(e);
}

/*
 * cache_entry_remove
 *		Remove e from the arena: out of its bucket and the LRU list, its blocks
 *		given back, its slot freed.
 */
void
cache_entry_remove(CacheEntry *e)
{
	int32		idx = (int32) (e - cache_entries);
	int32	   *link = &cache_buckets[e->hashcode & (cache->nbuckets - 1)];

	Assert(e->in_use);
	if (e->in_lru)
		cache_lru_remove(e);
	while (*link != idx)
	{
		Assert(*link != NO_INDEX);
		link = &cache_entries[*link].hash_next;
	}
	*link = e->hash_next;

	entry_count_bytes(e, -1);
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
 * cache_entry_create
 *		A new entry holding only the key's URL, or NO_INDEX if it cannot fit.
 */
int32
cache_entry_create(const CacheKey *key, uint64 hashcode, int32 url_len,
				   int16 slot)
{
	int32		need = cache_blocks_for(url_len);
	int32		idx;
	int32		bucket;
	CacheEntry *e;
	BlockCursor c;

	if (!cache_make_room(need))
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

/*
 * entry_forget_rows
 *		Forget that e holds rows; the caller gives back their blocks.
 */
static void
entry_forget_rows(CacheEntry *e)
{
	e->rows_layout_len = 0;
	e->rows_cursor_len = 0;
	e->rows_ntuples = 0;
	e->rows_data_len = 0;
}

/*
 * entry_drop_rows
 *		Give back the blocks of e's rows.  e must be out of the LRU list.
 */
static void
entry_drop_rows(CacheEntry *e)
{
	Assert(!e->in_lru);
	if (e->rows_layout_len == 0)
		return;
	entry_count_bytes(e, -1);
	entry_forget_rows(e);
	entry_count_bytes(e, 1);
	entry_truncate_blocks(e, cache_blocks_for(cache_entry_page_bytes(e)));
}

/*
 * cache_entry_drop_page
 *		Drop e's page and rows, keeping its URL (and its claim).
 */
void
cache_entry_drop_page(CacheEntry *e)
{
	if (!e->has_page)
		return;
	entry_count_bytes(e, -1);
	entry_forget_rows(e);
	e->body_len = 0;
	e->has_page = false;
	cache->stats[e->stats_slot].entries--;
	cache->npages--;
	entry_truncate_blocks(e, cache_blocks_for(e->url_len));
}

/*
 * cache_entry_drop_body
 *		Drop e's body, keeping its rows, URL and headers: to make room, the
 *		rows being what a scan reads of a cached page (cache_make_room).
 *		What followed the body moves up over it, and the blocks left over
 *		are given back.  e must have a body beside rows
 *		(cache_entry_body_droppable); it may be in the LRU list, where the
 *		caller counts the blocks given back.
 */
void
cache_entry_drop_body(CacheEntry *e)
{
	BlockCursor from = cursor_start(e);
	BlockCursor to = cursor_start(e);
	int64		rest;
	char		chunk[512];

	Assert(e->has_page && cache_entry_body_droppable(e));
	rest = cache_entry_page_bytes(e) - e->url_len - e->body_len +
		cache_entry_rows_bytes(e);
	cursor_step(&from, (Size) e->url_len + e->body_len, CURSOR_SKIP, NULL);
	cursor_step(&to, e->url_len, CURSOR_SKIP, NULL);
	/* forward, the destination behind the source: nothing unread is
	 * overwritten */
	while (rest > 0)
	{
		Size		n = Min(rest, (int64) sizeof(chunk));

		cursor_step(&from, n, CURSOR_READ, chunk);
		cursor_step(&to, n, CURSOR_WRITE, chunk);
		rest -= n;
	}
	entry_count_bytes(e, -1);
	e->body_len = -1;
	entry_count_bytes(e, 1);
	entry_truncate_blocks(e, cache_blocks_for(cache_entry_page_bytes(e) +
											  cache_entry_rows_bytes(e)));
}

/*
 * string_len
 *		The length of s, -1 for NULL, as an entry records it.
 */
static inline int32
string_len(const char *s)
{
	return s ? (int32) strlen(s) : -1;
}

/*
 * cache_layout_length
 *		The length of a row layout, or -1 if it is too long to cache.
 */
int32
cache_layout_length(const char *layout)
{
	Size		len = strlen(layout);

	return len > (Size) PG_INT32_MAX / 2 ? -1 : (int32) len;
}

/*
 * write_string
 *		Write len bytes of s at the cursor (nothing for an empty or NULL
 *		string).
 */
static inline void
write_string(BlockCursor *c, const char *s, int32 len)
{
	if (len > 0)
		cursor_step(c, len, CURSOR_WRITE, (char *) s);
}

/*
 * cache_entry_store_page
 *		Store page as e's page.  e must be out of the LRU list.  Returns false
 *		(and leaves e without a page) when it does not fit.
 */
bool
cache_entry_store_page(CacheEntry *e, const HttpResponse *page,
					   TimestampTz now)
{
	int32		next_len = string_len(page->next_url);
	int32		etag_len = string_len(page->etag);
	int32		lm_len = string_len(page->last_modified);
	int32		body_len = (int32) page->body_len;
	int64		total;
	int32		keep = cache_blocks_for(e->url_len);
	int32		extra;
	BlockCursor c;

	Assert(!e->in_lru);
	cache_entry_drop_page(e);

	total = (int64) e->url_len + body_len +
		Max(next_len, 0) + Max(etag_len, 0) + Max(lm_len, 0);
	if (total > (int64) cache->nblocks * CACHE_BLOCK_SIZE)
		return false;
	extra = cache_blocks_for(total) - keep;
	if (extra > 0)
	{
		if (!cache_make_room(extra))
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
	entry_count_bytes(e, 1);
	return true;
}

/*
 * cache_entry_store_rows
 *		Store rows, in the layout named by layout, after e's page, replacing
 *		rows it had.  e must have a page and be out of the LRU list.  Returns
 *		false (and leaves e without rows) when they do not fit.
 */
bool
cache_entry_store_rows(CacheEntry *e, const char *layout, int32 layout_len,
					   const PageRows *rows)
{
	int32		cursor_len = string_len(rows->cursor);
	int64		page_bytes = cache_entry_page_bytes(e);
	int64		total = page_bytes + layout_len + Max(cursor_len, 0) + rows->len;
	int32		extra;
	BlockCursor c;

	Assert(e->has_page && !e->in_lru);
	entry_drop_rows(e);
	if (total > (int64) cache->nblocks * CACHE_BLOCK_SIZE)
		return false;
	extra = cache_blocks_for(total) - e->nblocks;
	if (extra > 0)
	{
		if (!cache_make_room(extra))
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
	cache->stats[e->stats_slot].row_bytes += cache_entry_rows_bytes(e);
	return true;
}

/*
 * entry_rows_match
 *		Does e hold rows that serve layout: in layout itself, or in one that
 *		covers it (page_rows_layout_covers)?  Leaves c just after the rows'
 *		layout if so.  The copy of another layout is palloc'd and freed
 *		before anything changes, as entry_copy_page's.
 */
static bool
entry_rows_match(const CacheEntry *e, const char *layout, int32 layout_len,
				 BlockCursor *c)
{
	BlockCursor start;
	char	   *have;
	bool		covers;

	if (e->rows_layout_len == 0)
		return false;
	start = cursor_start(e);
	cursor_step(&start, cache_entry_page_bytes(e), CURSOR_SKIP, NULL);
	*c = start;
	if (e->rows_layout_len == layout_len &&
		cursor_step(c, layout_len, CURSOR_COMPARE, (char *) layout))
		return true;

	*c = start;
	have = palloc(e->rows_layout_len);
	cursor_step(c, e->rows_layout_len, CURSOR_READ, have);
	covers = page_rows_layout_covers(have, e->rows_layout_len, layout);
	pfree(have);
	return covers;
}

/*
 * read_string
 *		A palloc'd NUL-terminated copy of len bytes at the cursor; NULL when
 *		len is -1.
 */
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
 * entry_copy_page
 *		A palloc'd copy of e's page, with or without its body.  Changes nothing
 *		in the arena, so an out of memory ERROR here leaves it consistent.
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
		cursor_step(&c, Max(e->body_len, 0), CURSOR_SKIP, NULL);
	r->next_url = read_string(&c, e->next_url_len);
	r->etag = read_string(&c, e->etag_len);
	r->last_modified = read_string(&c, e->last_modified_len);
	r->retry_after_s = -1;
	r->ratelimit_remaining = -1;
	r->ratelimit_reset = 0;
	return r;
}

/*
 * entry_copy_rows
 *		A palloc'd copy of the rows that c, from entry_rows_match, points at;
 *		as safe as entry_copy_page.
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
 * cache_entry_hand_out
 *		Hand e's page to cache_get's caller: the rows in key's layout and the
 *		page without its body when e holds them, else the page with its body.
 *		False, and nothing handed out, when e's body was dropped and its rows
 *		do not serve key's layout: e cannot serve this scan.
 */
bool
cache_entry_hand_out(const CacheEntry *e, const CacheKey *key,
					 int32 layout_len, CachedPage *page)
{
	BlockCursor c;
	bool		with_rows = layout_len > 0 &&
		entry_rows_match(e, key->row_layout, layout_len, &c);

	if (!with_rows && e->body_len < 0)
		return false;
	page->rows = with_rows ? entry_copy_rows(e, &c) : NULL;
	page->response = entry_copy_page(e, !with_rows);
	page->page_gen = e->page_gen;
	return true;
}
