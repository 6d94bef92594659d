/*-------------------------------------------------------------------------
 *
 * cache.c
 *		  The shared-memory page cache: API pages fetched by one backend are
 *		  served to every backend that asks for the same page with the same
 *		  credential, until they expire.  This file holds the lock, the
 *		  claims (single flight) and the interface fetch.c uses; the arena
 *		  is in cache_arena.c, the SQL functions in cache_sql.c, and
 *		  docs/design.md tells the whole story.
 *
 * The token itself is never stored, only a keyed fingerprint of it
 * (credential.c).  Beside a page, an entry may hold the page's rows in one
 * row layout (cache_put_rows), so a cached scan neither parses JSON nor
 * converts values; rows go with their page: storing a new page drops them,
 * a 304 keeps them.  To make room the body of a page with rows is dropped
 * before any page is evicted (cache_lru.c); such a page then serves only
 * scans its rows serve, and is a miss for the others.
 *
 * Single flight: cache_get on a missing or expired key "claims" it for the
 * calling backend (CACHE_MISS / CACHE_STALE); the caller fetches and then
 * calls cache_put or cache_abandon, which release the claim and wake the
 * backends that found the key claimed and went to sleep on its condition
 * variable.  A woken backend looks again: it finds the fresh page, or (the
 * fetch was abandoned) claims the key itself.  Claims are remembered in
 * backend-local memory (a ShmemClaimSet of shmem.c) and released at
 * (sub)transaction abort and at backend exit as well, so an error anywhere
 * cannot leave other backends waiting.
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
 *	 out under the shared lock, and writes nothing in shared memory but two
 *	 atomic counters, the entry's uses and its server's hits (and the
 *	 scan's own counters in backend memory, cache_lru.c).  Every other field is changed
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
 * - While the lock is held, the only things that can raise an ERROR are the
 *	 pallocs of the copy handed back by cache_get (and of the rows' layout
 *	 it compares), and they happen before any shared state is changed; everything that modifies the arena cannot
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

#include "miscadmin.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "cache_internal.h"
#include "saas_fdw.h"
#include "shmem.h"

/* How often a waiter checks that the claim it waits for is progressing. */
#define CACHE_LIVENESS_CHECK_MS 1000

static bool cache_lock_all(void);
static void cache_release_claim(const ShmemClaim *claim, int32 n);
static void cache_unlock_all(void);

/*
 * This backend's claims: one per key it fetches, which = the entry, tag =
 * the claim id, payload = the expired page handed out as CACHE_STALE and
 * payload_gen its generation.  A scan holds one per page on its way
 * (saas_fdw.read_ahead); past SHMEM_MAX_CLAIMS, pages are fetched without
 * a claim.
 */
static ShmemClaimSet claims = {
	.subxact_scoped = true,
	.lock = cache_lock_all,
	.release = cache_release_claim,
	.unlock = cache_unlock_all,
};

static void local_claims_prune(bool touch);

#ifdef SAAS_CACHE_CHECK
/* Test builds: how often this backend took the lock in each mode. */
static int64 lock_shared_count = 0;
static int64 lock_exclusive_count = 0;
#endif

/* ---------------------------------------------------------------------
 * The lock
 * ---------------------------------------------------------------------
 */

/*
 * cache_lock
 *		Take the lock, and forget this backend's claims that were taken
 *		over; exclusively, it also marks the others as driven now.
 */
void
cache_lock(LWLockMode mode)
{
	LWLockAcquire(&cache->lock, mode);
#ifdef SAAS_CACHE_CHECK
	if (mode == LW_SHARED)
		lock_shared_count++;
	else
		lock_exclusive_count++;
#endif
	local_claims_prune(mode == LW_EXCLUSIVE);
}

/*
 * cache_unlock
 *		Release the lock (test builds check the arena first).
 */
void
cache_unlock(void)
{
#ifdef SAAS_CACHE_CHECK
	cache_check_invariants();
#endif
	LWLockRelease(&cache->lock);
}

/*
 * wait_queue
 *		The condition variable that waiters for a key of this hash sleep on.
 */
static inline ConditionVariable *
wait_queue(uint64 hashcode)
{
	return &cache->queues[(hashcode >> 32) % CACHE_WAIT_QUEUES].cv;
}

/* ---------------------------------------------------------------------
 * Claims
 * ---------------------------------------------------------------------
 */

#ifdef SAAS_CACHE_CHECK
/*
 * cache_log_lock_use
 *		For test/suites/cache.sh: which lookups took the lock shared.
 */
static void
cache_log_lock_use(int code, Datum arg)
{
	elog(LOG, "saas_fdw cache lock use: backend %d took it %lld times shared, %lld times exclusively",
		 MyProcPid, (long long) lock_shared_count,
		 (long long) lock_exclusive_count);
}
#endif

/*
 * register_callbacks
 *		Make sure this backend's claims are released at abort and exit; call
 *		it before taking the lock (it may allocate).
 */
static void
register_callbacks(void)
{
#ifdef SAAS_CACHE_CHECK
	/* registered first, so it runs last: after the claims' release */
	if (!claims.callbacks_registered)
		before_shmem_exit(cache_log_lock_use, (Datum) 0);
#endif
	shmem_claims_register(&claims);
}

/*
 * claim_take
 *		Claim e for this backend (lock exclusive; the set must have room).
 */
static void
claim_take(CacheEntry *e, const HttpResponse *stale_copy, TimestampTz now)
{
	ShmemClaim *claim;

	Assert(e->claim_id == 0);
	e->claim_id = cache->next_claim_id++;
	e->fetcher_pid = MyProcPid;
	e->claim_seen_at = now;
	cache->nclaims++;
	if (e->in_lru)
		cache_lru_remove(e);

	claim = shmem_claim_add(&claims, (uint32) (e - cache_entries),
							 e->claim_id);
	Assert(claim != NULL);
	claim->payload = stale_copy;
	claim->payload_gen = e->page_gen;
}

/*
 * claim_drop
 *		Drop the claim on e, leaving it where it is (lock exclusive).
 */
static void
claim_drop(CacheEntry *e)
{
	Assert(e->claim_id != 0);
	e->claim_id = 0;
	e->fetcher_pid = 0;
	e->claim_seen_at = 0;
	cache->nclaims--;
}

/*
 * claim_release
 *		Release a claim on e (lock exclusive), putting its page in the LRU
 *		list, on probation if so said; the caller wakes the waiters.
 */
static void
claim_release(CacheEntry *e, bool probation)
{
	claim_drop(e);
	cache_entry_settle(e, probation);
}

/*
 * local_claims_prune
 *		Forget this backend's claims that another backend took over (lock
 *		held, in either mode: it reads the arena only).  With touch (lock
 *		exclusive), mark the claims still held as driven now: this backend
 *		is at work.
 */
static void
local_claims_prune(bool touch)
{
	int			i;
	TimestampTz now = touch ? GetCurrentTimestamp() : 0;

	for (i = claims.nclaims - 1; i >= 0; i--)
	{
		ShmemClaim *claim = &claims.claims[i];
		CacheEntry *e = &cache_entries[claim->which];

		if (e->claim_id != claim->tag)
			shmem_claim_forget(&claims, claim, claim->count);
		else if (touch)
			e->claim_seen_at = now;
	}
}

/*
 * claim_stalled
 *		Is the claim a waiter found (by backend pid, last driven at seen_at)
 *		not progressing?  It is not when its backend is gone, waits for its
 *		client (the statement that made the claim is over, as for an idle
 *		cursor), or has not used the cache for saas_fdw.timeout.  Called
 *		without the lock.
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

/*
 * local_claim_find
 *		This backend's claim on entry idx, or NULL.
 */
static ShmemClaim *
local_claim_find(int32 idx)
{
	if (idx == NO_INDEX)
		return NULL;
	return shmem_claim_find(&claims, (uint32) idx,
							cache_entries[idx].claim_id);
}

/*
 * local_claim_forget
 *		Forget this backend's claim, released in the arena or found gone.
 */
static void
local_claim_forget(ShmemClaim *claim)
{
	shmem_claim_forget(&claims, claim, claim->count);
}

/*
 * cache_lock_all
 *		Take the lock exclusively for shmem.c, which releases this backend's
 *		claims at (sub)transaction abort and at exit; false without a cache.
 *		Never raises, as cache_release_claim and cache_unlock_all.
 */
static bool
cache_lock_all(void)
{
	if (cache == NULL)
		return false;
	/* we never raise FATAL with the lock held, but be safe */
	if (LWLockHeldByMe(&cache->lock))
		LWLockRelease(&cache->lock);
	cache_lock(LW_EXCLUSIVE);
	return true;
}

/*
 * cache_release_claim
 *		Release claim in the arena if it still holds there (lock exclusive);
 *		the waiters are woken by cache_unlock_all.
 */
static void
cache_release_claim(const ShmemClaim *claim, int32 n)
{
	CacheEntry *e = &cache_entries[claim->which];

	if (e->in_use && e->claim_id == claim->tag)
		claim_release(e, false);
}

/*
 * cache_unlock_all
 *		Release the lock and wake every waiter: the keys of the claims released
 *		are no longer at hand.
 */
static void
cache_unlock_all(void)
{
	int			i;

	cache_unlock();
	/* the keys are forgotten; wake every queue */
	for (i = 0; i < CACHE_WAIT_QUEUES; i++)
		ConditionVariableBroadcast(&cache->queues[i].cv);
}

/* ---------------------------------------------------------------------
 * The interface used by fetch.c
 * ---------------------------------------------------------------------
 */

/*
 * entry_fresh
 *		Is e's page fresh for a scan whose TTL is ttl_s?
 */
static inline bool
entry_fresh(const CacheEntry *e, TimestampTz now, int ttl_s)
{
	return e->has_page &&
		now >= e->fetched_at &&
		now - e->fetched_at < (int64) ttl_s * USECS_PER_SEC;
}

/*
 * lookup_miss
 *		cache_get's answer when the page is not fresh, or is being fetched by a
 *		backend it does not wait for (lock exclusive).  idx is the key's entry
 *		or NO_INDEX; stalled_claim a claim on it found not progressing, which
 *		is taken over.  Claims the key if it can, and hands out the expired
 *		page (for a conditional request) if there is one.
 */
static CacheResult
lookup_miss(const CacheKey *key, uint64 hashcode, int32 url_len,
			int32 layout_len, int32 idx, uint64 stalled_claim,
			TimestampTz now, CachedPage *page)
{
	CacheEntry *e;
	bool		may_claim = claims.nclaims < SHMEM_MAX_CLAIMS;

	if (idx == NO_INDEX)
	{
		int16		slot = cache_stats_slot(key->serverid);

		cache->stats[slot].misses++;
		if (may_claim)
		{
			idx = cache_entry_create(key, hashcode, url_len, slot);
			if (idx != NO_INDEX)
				claim_take(&cache_entries[idx], NULL, now);
		}
		return CACHE_MISS;
	}

	e = &cache_entries[idx];
	/* an expired page, for a conditional request: on a 304 its rows (or
	 * else its body) serve again; not a page whose body was dropped and
	 * whose rows do not serve: it is fetched again in full */
	if (e->has_page)
		(void) cache_entry_hand_out(e, key, layout_len, page);
	/* its claimer finds out in cache_put or cache_abandon */
	if (e->claim_id != 0 && e->claim_id == stalled_claim && may_claim)
		claim_drop(e);
	if (e->claim_id == 0 && may_claim)
		claim_take(e, page->response, now);
	cache->stats[e->stats_slot].misses++;
	return page->response ? CACHE_STALE : CACHE_MISS;
}

/*
 * cache_get
 *		Look key up.  A fresh page is a CACHE_HIT; a missing or expired one is
 *		claimed for this backend when it can be (CACHE_MISS, or CACHE_STALE
 *		with the expired page for a conditional request), and the caller must
 *		then call cache_put or cache_abandon.  While another backend fetches
 *		the key, waits for it.  The page and rows handed back in *page are
 *		palloc'd in the caller's memory context, and the caller owns them.
 */
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
	if (ttl_s <= 0 || !cache_attach(true))
		return CACHE_DISABLED;

	if (!cache_key_locate(key, &url_len, &hashcode))
		return CACHE_DISABLED;
	layout_len = key->row_layout ? cache_layout_length(key->row_layout) : -1;
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
		idx = cache_entry_lookup(key, hashcode, url_len);
		e = (idx == NO_INDEX) ? NULL : &cache_entries[idx];

		/* a hit, in either mode: nothing but atomics is written; a page
		 * without its body whose rows do not serve is a miss */
		if (e != NULL && entry_fresh(e, now, ttl_s) &&
			cache_entry_hand_out(e, key, layout_len, page))
		{
			if (cache_scan_hit(key, e))
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
		if (e != NULL && e->claim_id != 0 && claims.nclaims == 0 &&
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
 * cache_put
 *		Store page under key, releasing this backend's claim on it.  Returns
 *		the generation of the page now cached (for cache_put_rows), or 0 when
 *		it was not cached.
 */
uint64
cache_put(const CacheKey *key, const HttpResponse *page)
{
	int32		url_len;
	uint64		hashcode;
	int32		idx;
	ShmemClaim *lc;
	bool		revalidated;
	bool		probation = false;
	uint64		page_gen = 0;

	if (cache == NULL || page == NULL)
		return 0;

	if (!cache_key_locate(key, &url_len, &hashcode))
		return 0;

	cache_lock(LW_EXCLUSIVE);
	idx = cache_entry_lookup(key, hashcode, url_len);
	lc = local_claim_find(idx);
	revalidated = (lc != NULL && lc->payload != NULL && lc->payload == page);

	/* too big to hand back later: not cached */
	if (page->body_len >= MaxAllocSize || (page->body == NULL && page->body_len > 0))
	{
		if (lc != NULL)
		{
			if (cache_entries[idx].has_page && !revalidated)
				cache_entry_drop_page(&cache_entries[idx]);
			claim_release(&cache_entries[idx], false);
			local_claim_forget(lc);
		}
		cache_unlock();
		ConditionVariableBroadcast(wait_queue(hashcode));
		return 0;
	}

	if (idx == NO_INDEX)
		idx = cache_entry_create(key, hashcode, url_len,
								 cache_stats_slot(key->serverid));

	if (idx != NO_INDEX)
	{
		CacheEntry *e = &cache_entries[idx];
		TimestampTz now = GetCurrentTimestamp();

		if (revalidated)
			cache->stats[e->stats_slot].revalidations++;

		if (e->in_lru)
			cache_lru_remove(e);
		if (revalidated && e->has_page && e->page_gen == lc->payload_gen)
		{
			/* a 304: the cached body (and the rows beside it) still hold */
			e->fetched_at = now;
		}
		else if (page->body != NULL)
			(void) cache_entry_store_page(e, page, now);
		/* else a copy handed out with its rows and without its body */
		if (e->has_page)
		{
			page_gen = e->page_gen;
			/* past the scan's share of the cache: on probation */
			probation = !cache_scan_admits(key, e);
		}

		if (lc != NULL)
		{
			claim_release(e, probation);
			local_claim_forget(lc);
		}
		else
			cache_entry_settle(e, probation);
	}
	cache_unlock();

	ConditionVariableBroadcast(wait_queue(hashcode));
	return page_gen;
}

/*
 * cache_put_rows
 *		Keep rows beside the page they were made from, if that version of it
 *		(page_gen, from cache_get or cache_put) is still cached.  Like
 *		cache_put, never raises an ERROR.
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
	layout_len = cache_layout_length(key->row_layout);
	if (layout_len <= 0 || !cache_key_locate(key, &url_len, &hashcode))
		return;

	cache_lock(LW_EXCLUSIVE);
	idx = cache_entry_lookup(key, hashcode, url_len);
	/* rows without the body (dropped meanwhile) are kept as they are: new
	 * rows that did not fit would leave the page with neither */
	if (idx != NO_INDEX && cache_entries[idx].has_page &&
		cache_entries[idx].page_gen == page_gen &&
		cache_entries[idx].body_len >= 0)
	{
		CacheEntry *e = &cache_entries[idx];
		bool		in_lru = e->in_lru;
		bool		probation = e->probation;
		int32		nblocks = e->nblocks;

		/* out of the LRU list while room is made, so it is not evicted */
		if (in_lru)
			cache_lru_remove(e);
		(void) cache_entry_store_rows(e, key->row_layout, layout_len, rows);
		if (in_lru)
			cache_lru_insert(e, probation);
		/* the rows count towards the scan's share as its page did */
		if (!probation && key->admitted != NULL)
			*key->admitted += e->nblocks - nblocks;
	}
	cache_unlock();
}

/*
 * cache_abandon
 *		Release this backend's claim on key without storing a page (the fetch
 *		failed or was cancelled), and wake the backends waiting for it.  Never
 *		raises an ERROR.
 */
void
cache_abandon(const CacheKey *key)
{
	int32		url_len;
	uint64		hashcode;
	int32		idx;
	ShmemClaim *lc;

	if (cache == NULL || claims.nclaims == 0)
		return;
	if (!cache_key_locate(key, &url_len, &hashcode))
		return;

	cache_lock(LW_EXCLUSIVE);
	idx = cache_entry_lookup(key, hashcode, url_len);
	lc = local_claim_find(idx);
	if (lc != NULL)
	{
		/* a stale page stays for the next revalidation */
		claim_release(&cache_entries[idx], false);
		local_claim_forget(lc);
	}
	cache_unlock();

	if (lc != NULL)
		ConditionVariableBroadcast(wait_queue(hashcode));
}

/*
 * cache_forget_server
 *		Forget the pages of one server (InvalidOid: of every server), for
 *		every backend: after a write, and by saas_fdw_cache_reset().  Keys
 *		being fetched right now keep their claim (the waiters stay asleep
 *		until the fetch ends) but lose their page.  Nothing to do without a
 *		shared cache.
 */
void
cache_forget_server(Oid serverid)
{
	int32		i;

	if (!cache_attach(false))
		return;
	cache_lock(LW_EXCLUSIVE);
	for (i = 0; i < cache->nentries; i++)
	{
		CacheEntry *e = &cache_entries[i];

		if (!e->in_use)
			continue;
		if (OidIsValid(serverid) && e->serverid != serverid)
			continue;
		if (e->claim_id != 0)
			cache_entry_drop_page(e);
		else
			cache_entry_remove(e);
	}
	cache_unlock();
}
