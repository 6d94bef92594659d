/*-------------------------------------------------------------------------
 *
 * shmem.c
 *		  The shared memory of saas_fdw: one pair of hooks that asks for and
 *		  creates every module's part, and the claims a backend holds in the
 *		  modules' shared tables.
 *
 * When saas_fdw is in shared_preload_libraries, _PG_init installs the
 * hooks below, the postmaster reserves every module's part at start, and
 * each module's *_shmem_init sets its pointers into shared memory.
 *
 * Without preloading, on PostgreSQL 17 and later, the parts of fixed size
 * (the credential key, the rate limiter, the activity table) live in one
 * named segment of dynamic shared memory (saas_named_dsm_segment in
 * compat.h) that the first backend to need it makes and the others attach
 * to: shmem_attach, called before a module's table is used (a scan's
 * start, a request, the modules' SQL functions), gives each module its
 * pointers with its *_shmem_attach.  The page cache, of a size set by
 * saas_fdw.cache_size, has only its control there: the arena is a segment
 * of its own, made at first use (cache_segment.c).  Before 17 the pointers
 * stay NULL without preloading, and each module works without its table
 * (the cache and the limiter do nothing, scans are not shown in
 * saas_fdw_activity; their SQL functions say why they cannot answer).
 *
 * A claim is what a backend holds in a shared table until it gives it back:
 * a cache key it fetches, requests in flight it counted against a rate
 * limit, the activity slot of a scan it runs.  An ERROR may unwind the code before it gives the claim back, so
 * every claim is also remembered here, in backend-local memory, and given
 * back when the transaction ends (and, for sets that say so, when the
 * subtransaction that took it aborts) and when the backend exits.  Nothing
 * here takes a lock of its own: the module's callbacks take the table's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"

#include "activity.h"
#include "cache.h"
#include "credential.h"
#include "ratelimit.h"
#include "compat.h"
#include "shmem.h"

/* the segment of the modules' parts without preloading (17 and later) */
#define SHMEM_SEGMENT_NAME		"saas_fdw"

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* this backend has every part it can have: preloaded, or shmem_attach ran */
static bool shmem_ready = false;

static void shmem_request(void);
static void shmem_startup(void);
static Size shmem_segment_size(void);
static void shmem_segment_init(void *segment);
static void shmem_claims_xact_callback(XactEvent event, void *arg);
static void shmem_claims_subxact_callback(SubXactEvent event,
										  SubTransactionId mySubid,
										  SubTransactionId parentSubid,
										  void *arg);
static void shmem_claims_exit_callback(int code, Datum arg);


/* ---------------------------------------------------------------------
 * The hooks
 * ---------------------------------------------------------------------
 */

/*
 * shmem_install_hooks
 *		Ask for shared memory when the library is preloaded; called once by
 *		_PG_init.  Without preloading it does nothing (see shmem_attach).
 */
void
shmem_install_hooks(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = shmem_startup;
}

/*
 * shmem_request
 *		Request the space of every module (each one's LWLock is in its part).
 */
static void
shmem_request(void)
{
	Size		cache_size = cache_shmem_size();
	Size		size;

	if (prev_shmem_request_hook)
		prev_shmem_request_hook();

	size = add_size(shmem_segment_size(), cache_size);
	RequestAddinShmemSpace(size);
}

/*
 * shmem_startup
 *		Create (in the postmaster) or attach to every module's part.
 */
static void
shmem_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	credential_shmem_init();
	cache_shmem_init();
	ratelimit_shmem_init();
	activity_shmem_init();
	LWLockRelease(AddinShmemInitLock);
	shmem_ready = true;
}


/* ---------------------------------------------------------------------
 * Without preloading: the named segment
 * ---------------------------------------------------------------------
 */

/*
 * shmem_segment_size
 *		Bytes of the parts of fixed size, which the named segment holds
 *		without preloading (preloading reserves them with the cache).
 */
static Size
shmem_segment_size(void)
{
	Size		size = add_size(credential_shmem_size(), ratelimit_shmem_size());

	size = add_size(size, activity_shmem_size());
	return add_size(size, cache_segment_size());
}

/*
 * shmem_segment_attach
 *		Give each module its part of the segment, made first when create.
 *		The parts follow one another, each MAXALIGNed (the *_shmem_size).
 */
static void
shmem_segment_attach(char *segment, bool create)
{
	credential_shmem_attach(segment, create);
	segment += credential_shmem_size();
	ratelimit_shmem_attach(segment, create);
	segment += ratelimit_shmem_size();
	activity_shmem_attach(segment, create);
	segment += activity_shmem_size();
	cache_segment_attach(segment, create);
}

/*
 * shmem_segment_init
 *		Make the parts of a new segment (GetNamedDSMSegment's callback, run
 *		by the backend that makes it, under the registry's lock).
 */
static void
shmem_segment_init(void *segment)
{
	shmem_segment_attach(segment, true);
}

/*
 * shmem_attach
 *		Make sure this backend has every part of shared memory it can have:
 *		without preloading, on PostgreSQL 17 and later, the named segment,
 *		made by the first backend that calls this.  Cheap after the first
 *		call.  May raise an ERROR (no dynamic shared memory left), so call
 *		it before taking a lock or a claim.
 */
void
shmem_attach(void)
{
	bool		found;
	char	   *segment;

	if (shmem_ready)
		return;
	segment = saas_named_dsm_segment(SHMEM_SEGMENT_NAME, shmem_segment_size(),
									 shmem_segment_init, &found);
	if (segment != NULL && found)
		shmem_segment_attach(segment, false);
	shmem_ready = true;
}


/*
 * shmem_lock_attach
 *		The LWLock of a part that may be mapped at another address in each
 *		backend, so it lives in the part: made, with a tranche of its own,
 *		when create; its tranche named in this backend in any case.
 */
void
shmem_lock_attach(LWLock *lock, int *tranche_id, bool create,
				  const char *tranche_name)
{
	if (create)
	{
		*tranche_id = LWLockNewTrancheId();
		LWLockInitialize(lock, *tranche_id);
	}
	LWLockRegisterTranche(*tranche_id, tranche_name);
}


/* ---------------------------------------------------------------------
 * Claims
 * ---------------------------------------------------------------------
 */

/*
 * shmem_claims_register
 *		Make sure set's claims are given back at the end of the transaction
 *		and at exit.  Call it before taking a claim, without the table's
 *		lock: the first call allocates (and so may raise an ERROR).
 */
void
shmem_claims_register(ShmemClaimSet *set)
{
	if (set->callbacks_registered)
		return;
	RegisterXactCallback(shmem_claims_xact_callback, set);
	if (set->subxact_scoped)
		RegisterSubXactCallback(shmem_claims_subxact_callback, set);
	before_shmem_exit(shmem_claims_exit_callback, PointerGetDatum(set));
	set->callbacks_registered = true;
}

/*
 * shmem_claim_find
 *		This backend's claim on (which, tag), or NULL.  The pointer is valid
 *		until the next shmem_claim_forget of the set.
 */
ShmemClaim *
shmem_claim_find(ShmemClaimSet *set, uint32 which, uint64 tag)
{
	int			i;

	for (i = 0; i < set->nclaims; i++)
		if (set->claims[i].which == which && set->claims[i].tag == tag)
			return &set->claims[i];
	return NULL;
}

/*
 * shmem_claim_add
 *		Remember one more claim on (which, tag), in the current
 *		subtransaction if it is a new one.  Returns the claim, or NULL when
 *		the set is full (the caller then must not claim in the table).
 *		Never raises: it runs with the table's lock held.
 */
ShmemClaim *
shmem_claim_add(ShmemClaimSet *set, uint32 which, uint64 tag)
{
	ShmemClaim *claim = shmem_claim_find(set, which, tag);

	if (claim == NULL)
	{
		if (set->nclaims >= SHMEM_MAX_CLAIMS)
			return NULL;
		claim = &set->claims[set->nclaims++];
		memset(claim, 0, sizeof(ShmemClaim));
		claim->which = which;
		claim->tag = tag;
		claim->subid = GetCurrentSubTransactionId();
	}
	claim->count++;
	return claim;
}

/*
 * shmem_claim_forget
 *		Forget n counts of claim, which the caller gave back in the table
 *		(or found gone); a claim with none left goes, and the other pointers
 *		into the set may then move.
 */
void
shmem_claim_forget(ShmemClaimSet *set, ShmemClaim *claim, int32 n)
{
	Assert(claim >= set->claims && claim < set->claims + set->nclaims);
	claim->count -= n;
	if (claim->count <= 0)
		*claim = set->claims[--set->nclaims];
}

/*
 * shmem_claims_release
 *		Give back in the table all of set's claims, or those taken in subid.
 *		Never raises: it runs at abort and at exit.
 */
static void
shmem_claims_release(ShmemClaimSet *set, bool all, SubTransactionId subid)
{
	int			i;

	if (set->nclaims == 0 || !set->lock())
		return;
	for (i = set->nclaims - 1; i >= 0; i--)
	{
		ShmemClaim *claim = &set->claims[i];

		if (!all && claim->subid != subid)
			continue;
		set->release(claim, claim->count);
		shmem_claim_forget(set, claim, claim->count);
	}
	set->unlock();
}

/*
 * shmem_claims_xact_callback
 *		Give back the set's claims when the transaction ends.
 */
static void
shmem_claims_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			/* a claim never outlives the transaction that took it */
			shmem_claims_release((ShmemClaimSet *) arg, true,
								 InvalidSubTransactionId);
			break;
		default:
			break;
	}
}

/*
 * shmem_claims_subxact_callback
 *		Give back the claims an aborted subtransaction took; hand those of a
 *		committed one to its parent.
 */
static void
shmem_claims_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
							  SubTransactionId parentSubid, void *arg)
{
	ShmemClaimSet *set = (ShmemClaimSet *) arg;
	int			i;

	if (event == SUBXACT_EVENT_ABORT_SUB)
		shmem_claims_release(set, false, mySubid);
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		for (i = 0; i < set->nclaims; i++)
			if (set->claims[i].subid == mySubid)
				set->claims[i].subid = parentSubid;
	}
}

/*
 * shmem_claims_exit_callback
 *		Give back the set's claims when the backend exits.
 */
static void
shmem_claims_exit_callback(int code, Datum arg)
{
	shmem_claims_release((ShmemClaimSet *) DatumGetPointer(arg), true,
						 InvalidSubTransactionId);
}
