/*-------------------------------------------------------------------------
 *
 * activity.c
 *		  The scans running now, in every backend: the table behind the
 *		  saas_fdw_activity view, the progress bar of a long scan.
 *
 * A scan takes a slot when it asks for its first page (EXPLAIN and LIMIT 0
 * never show) and gives it back when it ends.  In between it writes its
 * progress into the slot at cheap points only, once per page, never per
 * row: the request it waits for (path and query, never the origin nor a
 * header, so never a token) and since when, and its pages, rows, bytes and
 * retries so far.
 *
 * A slot is also a claim (shmem.c): an ERROR, a cancel or the end of the
 * backend that unwinds a scan before it gives its slot back gives it back
 * at the end of the (sub)transaction that took it, or at exit, so that no
 * row outlives its scan.  A slot given back that way under a scan still
 * running (a cursor fetched in a subtransaction that aborted) is never
 * written again by it: every write checks that the slot is still the
 * scan's.
 *
 * The table has ACTIVITY_SLOTS_PER_BACKEND slots per backend the server may
 * have; when it is full, a scan runs without a row.  Without
 * shared_preload_libraries the table is in the named segment of shmem.c on
 * PostgreSQL 17 and later; before 17 there is then no table: scans are not
 * shown and the view says why.
 *
 * Locking: each slot has a spinlock; its owner takes it to write, a reader
 * to copy the slot out, and a scan looking for a free slot to take one.
 * Nothing under it but a few assignments and copies of fixed-size strings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "activity.h"
#include "shmem.h"

#define ACTIVITY_SHMEM_NAME		"saas_fdw activity"

/* slots per backend: a join of foreign tables runs several scans at once */
#define ACTIVITY_SLOTS_PER_BACKEND	2

/* bytes kept of a request's path and query, with the terminating NUL */
#define ACTIVITY_REQUEST_LEN	512

/* One scan running in some backend. */
typedef struct ActivitySlot
{
	slock_t		mutex;
	int			pid;			/* 0: a free slot */
	uint64		scan_id;		/* unique in its backend */
	Oid			dbid;
	Oid			userid;			/* the session user, as pg_stat_activity */
	Oid			serverid;
	char		server[NAMEDATALEN];
	char		foreign_table[2 * NAMEDATALEN + 8]; /* quoted schema.table */
	char		request[ACTIVITY_REQUEST_LEN];	/* "" before the first */
	int64		pages;
	int64		rows;
	int64		bytes;
	int64		retries;
	TimestampTz started_at;
	TimestampTz waiting_since;	/* 0: not waiting for a page */
} ActivitySlot;

typedef struct ActivityShared
{
	int			nslots;
	ActivitySlot slots[FLEXIBLE_ARRAY_MEMBER];
} ActivityShared;

static ActivityShared *activity = NULL;

/* the scans of this backend so far, for scan_id */
static uint64 activity_scans_started = 0;

static bool activity_lock_all(void);
static void activity_release_claim(const ShmemClaim *claim, int32 n);
static void activity_unlock_all(void);

/*
 * The slots this backend holds, one claim each (which: the slot's index,
 * tag: the scan_id).  A subtransaction that aborts gives back the slots
 * its scans took: an exception block looping over failing scans leaves
 * none behind.
 */
static ShmemClaimSet claims = {
	.subxact_scoped = true,
	.lock = activity_lock_all,
	.release = activity_release_claim,
	.unlock = activity_unlock_all,
};

PG_FUNCTION_INFO_V1(saas_fdw_activity_stats);


/* ---------------------------------------------------------------------
 * Shared memory
 * ---------------------------------------------------------------------
 */

/*
 * activity_nslots
 *		Slots of the table: known once MaxBackends is (in the shmem request
 *		hook and later).
 */
static int
activity_nslots(void)
{
	return MaxBackends * ACTIVITY_SLOTS_PER_BACKEND;
}

/*
 * activity_shmem_size
 *		Bytes of shared memory the table needs.
 */
Size
activity_shmem_size(void)
{
	return MAXALIGN(add_size(offsetof(ActivityShared, slots),
							 mul_size(activity_nslots(), sizeof(ActivitySlot))));
}

/*
 * activity_shmem_init
 *		Create the table (in the postmaster) or attach to it; shmem.c calls
 *		it with AddinShmemInitLock held.
 */
void
activity_shmem_init(void)
{
	bool		found;
	void	   *part;

	part = ShmemInitStruct(ACTIVITY_SHMEM_NAME, activity_shmem_size(), &found);
	activity_shmem_attach(part, !found);
}

/*
 * activity_shmem_attach
 *		Use the table at part (activity_shmem_size bytes), making it first
 *		when create.
 */
void
activity_shmem_attach(void *part, bool create)
{
	ActivityShared *shared = part;
	int			i;

	if (create)
	{
		memset(shared, 0, activity_shmem_size());
		shared->nslots = activity_nslots();
		for (i = 0; i < shared->nslots; i++)
			SpinLockInit(&shared->slots[i].mutex);
	}
	activity = shared;
}


/* ---------------------------------------------------------------------
 * Claims (shmem.c gives back what an error left)
 * ---------------------------------------------------------------------
 */

/*
 * activity_lock_all
 *		There is no lock of the whole table (each slot has its own, taken by
 *		activity_release_claim): true when there is a table.
 */
static bool
activity_lock_all(void)
{
	return activity != NULL;
}

/*
 * activity_release_claim
 *		Free the slot of a claim if it still is this backend's scan's.
 *		Never raises.
 */
static void
activity_release_claim(const ShmemClaim *claim, int32 n)
{
	ActivitySlot *slot = &activity->slots[claim->which];

	SpinLockAcquire(&slot->mutex);
	if (slot->pid == MyProcPid && slot->scan_id == claim->tag)
		slot->pid = 0;
	SpinLockRelease(&slot->mutex);
}

/*
 * activity_unlock_all
 *		Nothing to release: see activity_lock_all.
 */
static void
activity_unlock_all(void)
{
}


/* ---------------------------------------------------------------------
 * The interface used by scan.c
 * ---------------------------------------------------------------------
 */

/*
 * activity_scan_start
 *		Show a scan of relid on serverid, or not (no table, or no free
 *		slot).  Fills *handle; activity_scan_end gives the slot back.
 */
void
activity_scan_start(ActivityHandle *handle, Oid serverid, Oid relid)
{
	char	   *server;
	char	   *table;
	uint64		scan_id;
	int			i;

	handle->slot = -1;
	if (activity == NULL)
		return;
	/* everything that may raise comes before a slot is taken */
	shmem_claims_register(&claims);
	server = GetForeignServer(serverid)->servername;
	table = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									   get_rel_name(relid));
	scan_id = ++activity_scans_started;

	for (i = 0; i < activity->nslots; i++)
	{
		ActivitySlot *slot = &activity->slots[i];
		bool		taken = false;

		if (slot->pid != 0)		/* a glance without the lock; checked below */
			continue;
		SpinLockAcquire(&slot->mutex);
		if (slot->pid == 0)
		{
			slot->pid = MyProcPid;
			slot->scan_id = scan_id;
			slot->dbid = MyDatabaseId;
			slot->userid = GetSessionUserId();
			slot->serverid = serverid;
			strlcpy(slot->server, server, sizeof(slot->server));
			strlcpy(slot->foreign_table, table, sizeof(slot->foreign_table));
			slot->request[0] = '\0';
			slot->pages = slot->rows = slot->bytes = slot->retries = 0;
			slot->started_at = GetCurrentTimestamp();
			slot->waiting_since = 0;
			taken = true;
		}
		SpinLockRelease(&slot->mutex);
		if (!taken)
			continue;
		if (shmem_claim_add(&claims, (uint32) i, scan_id) == NULL)
		{
			/* this backend runs too many scans to remember one more */
			SpinLockAcquire(&slot->mutex);
			slot->pid = 0;
			SpinLockRelease(&slot->mutex);
			return;
		}
		handle->slot = i;
		handle->scan_id = scan_id;
		return;
	}
}

/*
 * activity_request
 *		The scan now waits for the page at url (a full URL): shown without
 *		its origin, cut to what the slot holds.
 */
void
activity_request(const ActivityHandle *handle, const char *url)
{
	const char *path = url;
	const char *scheme_end = strstr(url, "://");
	ActivitySlot *slot;
	int			len;

	if (handle->slot < 0)
		return;
	if (scheme_end != NULL)
	{
		path = strchr(scheme_end + 3, '/');
		if (path == NULL)
			path = "/";
	}
	len = pg_mbcliplen(path, strlen(path), ACTIVITY_REQUEST_LEN - 1);

	slot = &activity->slots[handle->slot];
	SpinLockAcquire(&slot->mutex);
	if (slot->pid == MyProcPid && slot->scan_id == handle->scan_id)
	{
		memcpy(slot->request, path, len);
		slot->request[len] = '\0';
		slot->waiting_since = GetCurrentTimestamp();
	}
	SpinLockRelease(&slot->mutex);
}

/*
 * activity_page_done
 *		The page asked for last has arrived: the scan's totals so far.
 */
void
activity_page_done(const ActivityHandle *handle, int64 pages, int64 rows,
				   const HttpCounters *counters)
{
	ActivitySlot *slot;

	if (handle->slot < 0)
		return;
	slot = &activity->slots[handle->slot];
	SpinLockAcquire(&slot->mutex);
	if (slot->pid == MyProcPid && slot->scan_id == handle->scan_id)
	{
		slot->pages = pages;
		slot->rows = rows;
		slot->bytes = counters->bytes;
		slot->retries = counters->retries;
		slot->waiting_since = 0;
	}
	SpinLockRelease(&slot->mutex);
}

/*
 * activity_scan_end
 *		The scan is over: its row goes.
 */
void
activity_scan_end(ActivityHandle *handle)
{
	ShmemClaim *claim;

	if (handle->slot < 0)
		return;
	claim = shmem_claim_find(&claims, (uint32) handle->slot, handle->scan_id);
	if (claim != NULL)
	{
		activity_release_claim(claim, claim->count);
		shmem_claim_forget(&claims, claim, claim->count);
	}
	handle->slot = -1;
}


/* ---------------------------------------------------------------------
 * SQL
 * ---------------------------------------------------------------------
 */

/*
 * saas_fdw_activity_stats(): one row per scan running now, in every
 * database.  The request is shown, as pg_stat_activity shows a query, only
 * to the scan's own user and to members of pg_read_all_stats.
 */
Datum
saas_fdw_activity_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		read_all = has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS);
	int			i;

	shmem_attach();
	if (activity == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("saas_fdw activity is not available"),
				 errhint("Add saas_fdw to shared_preload_libraries and restart the server.")));

	InitMaterializedSRF(fcinfo, 0);

	for (i = 0; i < activity->nslots; i++)
	{
		ActivitySlot s;
		Datum		values[13];
		bool		nulls[13];

		if (activity->slots[i].pid == 0)	/* a glance; copied below */
			continue;
		SpinLockAcquire(&activity->slots[i].mutex);
		s = activity->slots[i];
		SpinLockRelease(&activity->slots[i].mutex);
		if (s.pid == 0)
			continue;

		memset(nulls, 0, sizeof(nulls));
		values[0] = Int32GetDatum(s.pid);
		values[1] = ObjectIdGetDatum(s.dbid);
		values[2] = ObjectIdGetDatum(s.userid);
		values[3] = ObjectIdGetDatum(s.serverid);
		values[4] = CStringGetTextDatum(s.server);
		values[5] = CStringGetTextDatum(s.foreign_table);
		values[6] = CStringGetTextDatum(s.request);
		nulls[6] = s.request[0] == '\0' ||
			!(read_all || has_privs_of_role(GetUserId(), s.userid));
		values[7] = Int64GetDatum(s.pages);
		values[8] = Int64GetDatum(s.rows);
		values[9] = Int64GetDatum(s.bytes);
		values[10] = Int64GetDatum(s.retries);
		values[11] = TimestampTzGetDatum(s.started_at);
		values[12] = TimestampTzGetDatum(s.waiting_since);
		nulls[12] = s.waiting_since == 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
