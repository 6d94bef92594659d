/*-------------------------------------------------------------------------
 *
 * cache_segment.c
 *		  Where the arena of the page cache is, and mapping it: in the main
 *		  shared memory when saas_fdw is preloaded (cache_shmem_init), else,
 *		  on PostgreSQL 17 and later, in a segment of dynamic shared memory
 *		  that the first backend to need the cache makes.
 *
 * Without preloading, a small part of shmem.c's named segment (the control:
 * a lock and the arena's handle) tells every backend whether the arena has
 * been made.  The arena itself is not a named segment of its own: the
 * registry's GetNamedDSMSegment makes a segment with dsm_create, which
 * raises an ERROR when /dev/shm has no room for it, and in the first
 * releases of 17 such an ERROR left the name registered with no usable
 * segment behind it.  Here the
 * backend that makes the arena holds the control's lock, makes the segment
 * with dsm_create, fills it (cache_arena_init) and only then pins it and
 * records its handle: an ERROR on the way leaves the control as it was, and
 * the segment, never pinned, goes when this backend exits.
 *
 * The arena has the size saas_fdw.cache_size has in the backend that makes
 * it, and keeps it until the server stops: a backend that attaches reads the
 * layout from the arena's header, never from its own setting.
 *
 * A backend that cannot map the arena (no room, no segment slot left) does
 * without the cache for the rest of its session: its scans fetch every page
 * and the first says so once with a WARNING; queries never fail for it.
 * Before 17 (no named segments), a backend of a server that does not
 * preload saas_fdw says the same once, and what to do.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/dsm.h"
#include "storage/lwlock.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "cache_internal.h"
#include "shmem.h"

/* The control of the arena in shmem.c's named segment (17 and later). */
typedef struct CacheSegment
{
	LWLock		lock;			/* held to make the arena, and to attach */
	int			tranche_id;
	dsm_handle	arena;			/* DSM_HANDLE_INVALID until made */
} CacheSegment;

/* the control, NULL when preloaded or before 17 */
static CacheSegment *segment = NULL;

/* this backend could not map the arena: it does without for its session */
static bool map_failed = false;

/*
 * cache_segment_size
 *		Bytes of the control in shmem.c's named segment.
 */
Size
cache_segment_size(void)
{
	return MAXALIGN(sizeof(CacheSegment));
}

/*
 * cache_segment_attach
 *		Use the control at part (cache_segment_size bytes), making it first
 *		when create; shmem.c calls it when it maps its named segment.
 */
void
cache_segment_attach(void *part, bool create)
{
	CacheSegment *control = part;

	if (create)
	{
		memset(control, 0, sizeof(CacheSegment));
		control->arena = DSM_HANDLE_INVALID;
	}
	shmem_lock_attach(&control->lock, &control->tranche_id, create,
					  CACHE_TRANCHE);
	segment = control;
}

/*
 * warn_not_preloaded
 *		Before 17, without preloading there is no shared cache: say so once
 *		per backend, the first time a page could have been cached.
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
			 errdetail("Every scan asks the API again, and backends do not share pages. Before PostgreSQL 17 the cache needs saas_fdw preloaded; from 17 on it needs nothing."),
			 errhint("Add saas_fdw to shared_preload_libraries and restart the server, or set saas_fdw.cache_ttl to 0 to do without the cache.")));
}

/*
 * arena_map
 *		Attach to the arena, or make it when create and there is none (and
 *		saas_fdw.cache_size leaves room for one).  The control's lock is held
 *		exclusively.  Raises an ERROR when the segment cannot be made or
 *		mapped; the control is changed only once the arena is whole.
 */
static void
arena_map(bool create)
{
	dsm_segment *seg;

	if (segment->arena != DSM_HANDLE_INVALID)
	{
		seg = dsm_attach(segment->arena);
		if (seg == NULL)
			elog(ERROR, "could not map the dynamic shared memory segment of the saas_fdw cache");
	}
	else
	{
		Size		size;

		if (!create || (size = cache_shmem_size()) == 0)
			return;
		seg = dsm_create(size, DSM_CREATE_NULL_IF_MAXSEGMENTS);
		if (seg == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("too many dynamic shared memory segments")));
		cache_arena_init(dsm_segment_address(seg));
		dsm_pin_segment(seg);
		segment->arena = dsm_segment_handle(seg);
	}
	/* mapped for the whole session (no resource owner unmaps it) */
	dsm_pin_mapping(seg);
	cache_arena_attach(dsm_segment_address(seg));
}

/*
 * cache_attach
 *		Make sure this backend has the arena if there is one: preloaded, or
 *		(17 and later) attach to the segment, or make it first when create
 *		(a scan or a cache function; a write only forgets pages there may
 *		be).  True when this backend has a cache.  Never raises an ERROR but
 *		shmem_attach's or a cancel: a failure to make or map the segment is
 *		a WARNING, once, and no cache for the session.
 */
bool
cache_attach(bool create)
{
	MemoryContext mcxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile failure = NULL;

	if (cache != NULL || cache_preloaded)
		return cache != NULL;
	shmem_attach();
	if (segment == NULL)
	{
		if (create)
			warn_not_preloaded();
		return false;
	}
	if (map_failed)
		return false;

	/*
	 * Nothing to attach to and nothing to make (a write, or a cache_size too
	 * small for a cache): not worth the lock.  Read without it, the handle
	 * may be stale; then the next call attaches.
	 */
	if (segment->arena == DSM_HANDLE_INVALID &&
		(!create || cache_shmem_size() == 0))
		return false;

	LWLockAcquire(&segment->lock, LW_EXCLUSIVE);
	PG_TRY();
	{
		/*
		 * No resource owner: the mapping is the session's, and a segment
		 * that dsm_create fails to make is not left for one to report as a
		 * leak at commit (the ERROR is caught below, without an abort).
		 */
		CurrentResourceOwner = NULL;
		arena_map(create);
	}
	PG_CATCH();
	{
		CurrentResourceOwner = owner;
		MemoryContextSwitchTo(mcxt);
		LWLockRelease(&segment->lock);
		failure = CopyErrorData();
		if (failure->sqlerrcode == ERRCODE_QUERY_CANCELED)
			PG_RE_THROW();
		FlushErrorState();
	}
	PG_END_TRY();
	CurrentResourceOwner = owner;
	if (failure == NULL)
	{
		LWLockRelease(&segment->lock);
		return cache != NULL;
	}

	map_failed = true;
	ereport(WARNING,
			(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
			 errmsg("saas_fdw is not caching API pages: its shared memory could not be allocated"),
			 errdetail_internal("%s", failure->message),
			 errhint("Lower saas_fdw.cache_size or give /dev/shm more room (new sessions try again), or add saas_fdw to shared_preload_libraries and restart the server.")));
	FreeErrorData(failure);
	return false;
}

/*
 * cache_segment_possible
 *		Can this backend have a cache without preloading (17 and later)?
 *		False before 17, and when it failed to map the arena.
 */
bool
cache_segment_possible(void)
{
	shmem_attach();
	return segment != NULL && !map_failed;
}
