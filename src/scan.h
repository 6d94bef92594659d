/*-------------------------------------------------------------------------
 *
 * scan.h
 *		  The layout of a ForeignScan's private list, which the planner
 *		  writes and the scan reads, and what a scan records for EXPLAIN
 *		  ANALYZE (the scan callbacks are in saas_fdw.h).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_SCAN_H
#define SAAS_SCAN_H

#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"

#include "http.h"
#include "pushdown.h"

/*
 * ForeignScan.fdw_private, read back with list_nth() through these names.
 * Values of the pushed quals are in fdw_exprs.
 */
enum FdwScanPrivateIndex
{
	FdwScanPrivateQuals,		/* packed PushedQuals (pushdown.c) */
	FdwScanPrivateSortIndex,	/* Integer: sorts[] index or -1 */
	FdwScanPrivateSortDesc,		/* Integer: 1 for descending */
	FdwScanPrivatePageSize,		/* Integer: items per page to ask for */
	FdwScanPrivateColumns,		/* Integer list of attnums to fill; 0 = all */
	FdwScanPrivateReadAhead,	/* Boolean: pages may be requested early */
	FdwScanPrivateMissingKey,	/* String: a key column with no value, or "" */
	FdwScanPrivateRequests,		/* Strings in pairs, label and text, of the
								 * lines EXPLAIN prints of the requests
								 * ("API Request", and a filter language's
								 * query, a POST's body) (scan_explain.c) */
	FdwScanPrivateApiFilter,	/* String: the pushed quals as EXPLAIN
								 * VERBOSE prints them, or "" */
	FdwScanPrivateFields,		/* String: the value of the resource's
								 * fields_param, or "" (saas_fdw.c) */
	FdwScanPrivateCount			/* the number of slots */
};

/* How many of the URLs a scan fetched EXPLAIN (ANALYZE, VERBOSE) lists. */
#define SCAN_RECORD_URLS	3

/* What a scan records while it runs, for EXPLAIN ANALYZE. */
typedef struct ScanRecord
{
	HttpCounters counters;
	int64		pages;
	int64		pages_parsed;	/* pages whose JSON was parsed: not served as
								 * rows by the cache (nor a 404 for one item) */
	int64		duplicates;		/* rows not returned again (seen_items) */
	int64		urls;			/* pages requested, of the cache or the API */
	List	   *first_urls;		/* char *: the request line of the first
								 * SCAN_RECORD_URLS pages requested */
} ScanRecord;

/* in scan.c */
extern const ScanRecord *scan_record(ForeignScanState *node);

/* in scan_explain.c */
extern void explain_plan_slots(PlannerInfo *root, RelOptInfo *baserel,
							   const SaasTableOptions *options,
							   RequestPlan *plan, List *scan_clauses,
							   Node **slots);

#endif							/* SAAS_SCAN_H */
