/*-------------------------------------------------------------------------
 *
 * cache_check.c
 *		  The checker of the page cache's invariants, compiled only in test
 *		  builds (make COPT=-DSAAS_CACHE_CHECK, as test/suites/cache.sh
 *		  does): cache_unlock calls it before every release of the lock.
 *
 * It reads the whole arena and raises a PANIC at the first invariant that
 * does not hold (cache_arena.c and cache_lru.c list them).  Under the shared lock only the
 * atomic counters (uses, hits) can change meanwhile, and nothing here reads
 * them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "cache_internal.h"

#ifdef SAAS_CACHE_CHECK
/*
 * cache_check_invariants
 *		Test builds: check every invariant of the arena before the lock is
 *		released.  Under the shared lock only the atomic counters (uses, hits)
 *		can change meanwhile, and nothing here reads them.
 */
void
cache_check_invariants(void)
{
	int32		i;
	int32		b;
	int64		free_count = 0;
	int64		held = 0;
	int64		pages = 0;
	int64		claims = 0;
	int64		lru_blocks = 0;
	int64		lru_bodies = 0;
	int64		in_use = 0;
	int64		chained = 0;
	int64		slot_blocks[CACHE_STATS_SLOTS];
	int64		slot_entries[CACHE_STATS_SLOTS];
	int64		slot_page_bytes[CACHE_STATS_SLOTS];
	int64		slot_row_bytes[CACHE_STATS_SLOTS];

	memset(slot_blocks, 0, sizeof(slot_blocks));
	memset(slot_entries, 0, sizeof(slot_entries));
	memset(slot_page_bytes, 0, sizeof(slot_page_bytes));
	memset(slot_row_bytes, 0, sizeof(slot_row_bytes));
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
		if (n != e->nblocks || n < cache_blocks_for(e->url_len))
			elog(PANIC, "cache check: entry %d chain %d != %d", i, n, e->nblocks);
		if (e->has_page &&
			cache_blocks_for(cache_entry_page_bytes(e) +
							 cache_entry_rows_bytes(e)) != n)
			elog(PANIC, "cache check: entry %d holds %d blocks", i, n);
		if (!e->has_page && e->rows_layout_len != 0)
			elog(PANIC, "cache check: entry %d has rows and no page", i);
		if (e->body_len < 0 && (e->body_len != -1 || e->rows_layout_len == 0))
			elog(PANIC, "cache check: entry %d has neither body nor rows", i);
		if (!e->has_page && n != cache_blocks_for(e->url_len))
			elog(PANIC, "cache check: pending entry %d holds %d blocks", i, n);
		held += n;
		slot_blocks[e->stats_slot] += n;
		if (e->has_page)
		{
			pages++;
			slot_entries[e->stats_slot]++;
			slot_page_bytes[e->stats_slot] += cache_entry_page_bytes(e);
			slot_row_bytes[e->stats_slot] += cache_entry_rows_bytes(e);
		}
		if (e->claim_id != 0)
			claims++;
		if (e->in_lru != (e->has_page && e->claim_id == 0))
			elog(PANIC, "cache check: entry %d lru %d page %d claim %llu", i,
				 e->in_lru, e->has_page, (unsigned long long) e->claim_id);
		if (e->probation && !e->in_lru)
			elog(PANIC, "cache check: entry %d on probation out of the lru", i);
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
			cache->stats[i].entries != slot_entries[i] ||
			cache->stats[i].page_bytes != slot_page_bytes[i] ||
			cache->stats[i].row_bytes != slot_row_bytes[i])
			elog(PANIC, "cache check: slot %d", i);

	for (i = cache->lru_head; i != NO_INDEX; i = cache_entries[i].lru_next)
	{
		CacheEntry *e = &cache_entries[i];

		lru_blocks += e->nblocks;
		if (cache_entry_body_droppable(e))
			lru_bodies++;
		if (!e->in_lru)
			elog(PANIC, "cache check: lru member not marked");
		if (e->lru_next == NO_INDEX && cache->lru_tail != i)
			elog(PANIC, "cache check: lru tail");
		if (e->lru_next != NO_INDEX && cache_entries[e->lru_next].lru_prev != i)
			elog(PANIC, "cache check: lru links");
		if (e->probation && e->lru_next != NO_INDEX &&
			!cache_entries[e->lru_next].probation)
			elog(PANIC, "cache check: entry %d on probation before one that is not", i);
	}
	if (lru_blocks != cache->lru_blocks || lru_bodies != cache->lru_bodies)
		elog(PANIC, "cache check: lru blocks or bodies");

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
