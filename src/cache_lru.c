/*-------------------------------------------------------------------------
 *
 * cache_lru.c
 *		  Which pages of the shared page cache are evicted: the LRU list, its
 *		  second chance, and the admission of a scan's pages.
 *
 * Every cached page with no fetch in flight is in one list, most recently
 * used first.  Eviction takes the tail; a page used since it was put in the
 * list (its uses counter moved on, which hits do under the shared lock)
 * gets a second chance at the head instead, so a hit costs no exclusive
 * lock, as pg_stat_statements counts its own.
 *
 * Scan resistance: a scan larger than the cache would otherwise push every
 * other page out, and then evict its own first pages before it comes back
 * to them (sequential flooding), getting no hit on a repeat.  So a scan
 * puts its pages at the head only until they hold a share of the cache
 * (1 / CACHE_SCAN_SHARE of its blocks, counted by the scan in
 * CacheKey.admitted); the pages it stores after that enter on probation, at
 * the tail, where the scan's own next page evicts them first unless
 * another scan used them meanwhile (then they get their second chance at
 * the head).  A scan that has had twice its share from the cache in hits
 * (CacheKey.hit) puts no more pages at the head either: it is larger than
 * what the cache keeps of it, and the room would be taken from its own
 * pages ahead.  And only the scan's first share of hits counts as uses: a
 * page that a long scan merely passes is not hot for that.  One scan thus
 * evicts at most its share of other pages, and the pages it did keep are
 * still there when it, or another scan, comes back: a scan repeated gets
 * about as many hits as the cache has room for.  A cache with free blocks
 * evicts nothing: a scan there keeps all it can.
 *
 * Before any page is evicted, the bodies of the pages whose rows are kept
 * are dropped (drop_bodies), so a full cache holds rows, a fraction of the
 * JSON's size, rather than fewer pages with both.
 *
 * Invariants (cache_check_invariants checks them): an entry is on
 * probation only in the list, and the entries on probation are the list's
 * tail: none is followed by an entry that is not; lru_bodies counts the
 * entries in the list whose body may be dropped.
 *
 * All with the lock exclusive; nothing here raises an ERROR.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "cache_internal.h"

/*
 * cache_lru_remove
 *		Take e out of the LRU list (it is then no longer on probation).
 */
void
cache_lru_remove(CacheEntry *e)
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
	e->probation = false;
	cache->lru_blocks -= e->nblocks;
	if (cache_entry_body_droppable(e))
		cache->lru_bodies--;
}

/*
 * lru_link
 *		Link e into the LRU list between prev and next (NO_INDEX: an end).
 */
static void
lru_link(CacheEntry *e, int32 prev, int32 next)
{
	int32		idx = (int32) (e - cache_entries);

	e->lru_prev = prev;
	e->lru_next = next;
	if (prev != NO_INDEX)
		cache_entries[prev].lru_next = idx;
	else
		cache->lru_head = idx;
	if (next != NO_INDEX)
		cache_entries[next].lru_prev = idx;
	else
		cache->lru_tail = idx;
}

/*
 * cache_lru_insert
 *		Put e in the LRU list: on probation at the tail, else at the head as
 *		most recently used.  Its uses so far are noticed.
 */
void
cache_lru_insert(CacheEntry *e, bool probation)
{
	Assert(!e->in_lru);
	e->lru_uses = pg_atomic_read_u32(&e->uses);
	if (probation)
		lru_link(e, cache->lru_tail, NO_INDEX);
	else
		lru_link(e, NO_INDEX, cache->lru_head);
	e->in_lru = true;
	e->probation = probation;
	cache->lru_blocks += e->nblocks;
	if (cache_entry_body_droppable(e))
		cache->lru_bodies++;
}

/*
 * cache_scan_admits
 *		Does the scan that stores e (its key) still put its pages at the head
 *		of the list?  Not once it has put its share of the cache there, nor
 *		once it has had twice its share from the cache in hits: a scan that
 *		finds that much of itself cached is larger than what the cache keeps
 *		of it, and more room at the head would be taken from its own pages
 *		ahead.  Counts e's blocks against the share when it does.  A key
 *		with no scan (admitted NULL) always does.
 */
bool
cache_scan_admits(const CacheKey *key, const CacheEntry *e)
{
	int64		share = cache->nblocks / CACHE_SCAN_SHARE;

	if (key->admitted == NULL)
		return true;
	if (*key->admitted >= share || (key->hit != NULL && *key->hit >= 2 * share))
		return false;
	*key->admitted += e->nblocks;
	return true;
}

/*
 * cache_scan_hit
 *		Count a hit on e by the scan of key; does it count as a use of e?
 *		Only until the scan's hits reach its share of the cache: a page a
 *		long scan merely passes is not hot for that, and is what the scan,
 *		coming round again, needs last.  The lock may be shared: this writes
 *		nothing but the scan's own counter, in backend memory.
 */
bool
cache_scan_hit(const CacheKey *key, const CacheEntry *e)
{
	bool		use;

	if (key->hit == NULL)
		return true;
	use = *key->hit < cache->nblocks / CACHE_SCAN_SHARE;
	*key->hit += e->nblocks;
	return use;
}

/*
 * drop_bodies
 *		Drop the bodies of pages whose rows are kept, least recently used
 *		first, until need blocks are free or no such body is left.  The rows
 *		are what a cached scan reads, and take a fraction of the body's room;
 *		the body only serves a scan of columns the rows lack, which can
 *		fetch the page again.
 */
static void
drop_bodies(int32 need)
{
	int32		idx = cache->lru_tail;

	while (idx != NO_INDEX && cache->nfree_blocks < need &&
		   cache->lru_bodies > 0)
	{
		CacheEntry *e = &cache_entries[idx];
		int32		nblocks = e->nblocks;

		idx = e->lru_prev;
		if (!cache_entry_body_droppable(e))
			continue;
		cache_entry_drop_body(e);
		cache->lru_blocks -= nblocks - e->nblocks;
		cache->lru_bodies--;
	}
}

/*
 * cache_make_room
 *		Make sure need blocks are free: first by dropping the bodies of pages
 *		whose rows are kept (drop_bodies), then by evicting least recently
 *		used pages: an entry at the tail that was used since it was put in
 *		the list goes to the head instead (the lock is exclusive, so its uses
 *		cannot change meanwhile, and it is evicted when it comes round
 *		again).  Changes nothing and returns false when even emptying the
 *		LRU list would not be enough.
 */
bool
cache_make_room(int32 need)
{
	if ((int64) need > (int64) cache->nfree_blocks + cache->lru_blocks)
		return false;

	drop_bodies(need);

	while (cache->nfree_blocks < need)
	{
		CacheEntry *victim = &cache_entries[cache->lru_tail];

		Assert(cache->lru_tail != NO_INDEX);
		if (pg_atomic_read_u32(&victim->uses) != victim->lru_uses)
		{
			cache_lru_remove(victim);
			cache_lru_insert(victim, false);
			continue;
		}
		cache->stats[victim->stats_slot].evictions++;
		cache_entry_remove(victim);
	}
	return true;
}

/*
 * cache_entry_settle
 *		Put an entry where its state says it belongs: a page with no fetch in
 *		flight in the LRU list (on probation if so said), a claimed entry out
 *		of it, an entry with neither removed.
 */
void
cache_entry_settle(CacheEntry *e, bool probation)
{
	if (e->claim_id != 0)
	{
		if (e->in_lru)
			cache_lru_remove(e);
	}
	else if (!e->has_page)
		cache_entry_remove(e);
	else
	{
		if (e->in_lru)
			cache_lru_remove(e);
		cache_lru_insert(e, probation);
	}
}
