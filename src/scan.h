/*-------------------------------------------------------------------------
 *
 * scan.h
 *		  The layout of a ForeignScan's private list, which the planner
 *		  writes and the scan reads (the scan callbacks are in saas_fdw.h).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_SCAN_H
#define SAAS_SCAN_H

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
	FdwScanPrivateValueNames,	/* String per pushed qual: how EXPLAIN names
								 * a value fed by a join ("i.repo"), or "" */
	FdwScanPrivateCount			/* the number of slots */
};

#endif							/* SAAS_SCAN_H */
