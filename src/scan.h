/*-------------------------------------------------------------------------
 *
 * scan.h
 *		  The executor side: scan callbacks, the plan's private layout, and
 *		  turning JSON items into tuples.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_SCAN_H
#define SAAS_SCAN_H

#include "commands/explain.h"
#include "access/htup.h"
#include "executor/tuptable.h"
#include "nodes/execnodes.h"
#include "nodes/parsenodes.h"
#include "utils/rel.h"

#include "saas_fdw.h"

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
	FdwScanPrivateMissingKey	/* String: a key column with no value, or "" */
};

/* in scan.c */
extern void saasBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *saasIterateForeignScan(ForeignScanState *node);
extern void saasReScanForeignScan(ForeignScanState *node);
extern void saasEndForeignScan(ForeignScanState *node);
extern void saasExplainForeignScan(ForeignScanState *node, ExplainState *es);

/* in convert.c */
typedef struct TupleReader TupleReader;

extern TupleReader *tuple_reader_create(Relation rel,
										const ResourceSpec *resource,
										List *columns);
extern char *tuple_reader_layout(TupleReader *reader, List *key_values);
extern HeapTuple tuple_reader_form(TupleReader *reader, SaasJsonItem *item,
								   List *key_values);

/* in page_rows.c */
extern PageRows *page_rows_create(const char *cursor);
extern void page_rows_add(PageRows *rows, HeapTuple tuple);
extern void page_rows_read(const PageRows *rows, Size *offset, HeapTuple tuple);

/* in import.c */
extern List *saasImportForeignSchema(ImportForeignSchemaStmt *stmt,
									 Oid serverOid);

#endif							/* SAAS_SCAN_H */
