/*-------------------------------------------------------------------------
 *
 * cache_sql.c
 *		  The SQL functions of the shared page cache: its statistics (behind
 *		  the saas_fdw_cache view), its space, and the reset.
 *
 * Each takes the cache's lock as cache.c says: shared to copy the counters
 * out (and builds its rows after releasing it), exclusive to reset.
 * The first call in a backend may make the cache (cache_attach).  Without
 * one (not preloaded before 17, no room for it, or saas_fdw.cache_size too
 * small) each raises an error that says which.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "cache_internal.h"
#include "compat.h"
#include "saas_fdw.h"

PG_FUNCTION_INFO_V1(saas_fdw_cache_stats);
PG_FUNCTION_INFO_V1(saas_fdw_cache_space);
PG_FUNCTION_INFO_V1(saas_fdw_cache_reset_all);
PG_FUNCTION_INFO_V1(saas_fdw_cache_reset_server);

/*
 * check_cache_available
 *		Raise the error of a SQL function called without a shared cache, saying
 *		why there is none.
 */
static void
check_cache_available(void)
{
	if (cache_attach(true))
		return;
	if (!cache_preloaded && !SAAS_HAVE_NAMED_DSM)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("saas_fdw shared cache is not available"),
				 errdetail("Before PostgreSQL 17 the cache needs saas_fdw preloaded."),
				 errhint("Add saas_fdw to shared_preload_libraries and restart the server (PostgreSQL 17 and later need neither).")));
	if (!cache_preloaded && !cache_segment_possible())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("saas_fdw shared cache is not available"),
				 errdetail("This session could not allocate its shared memory (see the WARNING it gave)."),
				 errhint("Lower saas_fdw.cache_size or give /dev/shm more room (new sessions try again), or add saas_fdw to shared_preload_libraries and restart the server.")));
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
		Datum		values[9];
		bool		nulls[9];

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
		/* last, so that the 0.1 function's seven columns still come first */
		values[7] = Int64GetDatum(s->page_bytes);
		values[8] = Int64GetDatum(s->row_bytes);
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
 * cache_reset
 *		Forget the pages of one server (or all) and zero its counters.
 */
static void
cache_reset(Oid serverid)
{
	int32		i;

	cache_forget_server(serverid);
	cache_lock(LW_EXCLUSIVE);
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

/*
 * saas_fdw_cache_reset_all
 *		saas_fdw_cache_reset(): forget every server's pages and counters.
 */
Datum
saas_fdw_cache_reset_all(PG_FUNCTION_ARGS)
{
	check_cache_available();
	cache_reset(InvalidOid);
	PG_RETURN_VOID();
}

/*
 * saas_fdw_cache_reset_server
 *		saas_fdw_cache_reset(server): forget one server's pages and counters.
 */
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
