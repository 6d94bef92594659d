/*-------------------------------------------------------------------------
 *
 * compat.h
 *		  Every difference between the PostgreSQL majors saas_fdw builds
 *		  against (15, 16, 17 and 18), in one place.
 *
 * The rest of the source calls only the names below; each guard cites the
 * change that made it necessary (for PostgreSQL, the major's release notes
 * or the commit in the PostgreSQL repository).  When the oldest supported
 * major passes a guard's version, the guard goes and its newer branch stays.
 *
 * One difference needs no guard: PostgreSQL 18 removed the suffix
 * pg_attribute_noreturn(), so a function that never returns is declared
 * with C11's _Noreturn, which every major's compiler takes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_COMPAT_H
#define SAAS_COMPAT_H

#include "access/stratnum.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
#include "nodes/plannodes.h"
#include "optimizer/pathnode.h"
#include "utils/lsyscache.h"
#include "utils/wait_event.h"

#if PG_VERSION_NUM < 150000
#error "saas_fdw needs PostgreSQL 15 or later"
#endif

/*
 * EXPLAIN.  PostgreSQL 18 moved ExplainState to commands/explain_state.h and
 * the ExplainProperty* functions to commands/explain_format.h, when it made
 * EXPLAIN extensible by loadable modules; commands/explain.h keeps only a
 * forward declaration of ExplainState.
 */
#include "commands/explain.h"
#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif

/*
 * A plain foreign scan path: no target, no outer path, no restrictinfo of
 * its own.  PostgreSQL 17 added fdw_restrictinfo (commit 9e9931d2b, "Re-allow
 * FDWs and custom scan providers to replace joins with pseudoconstant
 * quals"); PostgreSQL 18 added disabled_nodes in front of the costs (commit
 * e22253467, "Treat number of disabled nodes in a path as a separate cost
 * metric").  A foreign scan is never disabled: 0.
 */
#if PG_VERSION_NUM >= 180000
#define saas_create_foreignscan_path(root, rel, rows, startup, total, pathkeys, outer, priv) \
	create_foreignscan_path((root), (rel), NULL, (rows), 0, (startup), (total), \
							(pathkeys), (outer), NULL, NIL, (priv))
#elif PG_VERSION_NUM >= 170000
#define saas_create_foreignscan_path(root, rel, rows, startup, total, pathkeys, outer, priv) \
	create_foreignscan_path((root), (rel), NULL, (rows), (startup), (total), \
							(pathkeys), (outer), NULL, NIL, (priv))
#else
#define saas_create_foreignscan_path(root, rel, rows, startup, total, pathkeys, outer, priv) \
	create_foreignscan_path((root), (rel), NULL, (rows), (startup), (total), \
							(pathkeys), (outer), NULL, (priv))
#endif

/*
 * A PathKey's direction and the btree operator it sorts by.  PostgreSQL 18
 * replaced PathKey.pk_strategy (a btree strategy number) by pk_cmptype (a
 * CompareType, whose btree members keep the strategy numbers) when it made
 * the planner's ordering index-AM-neutral, and looks operators up by
 * CompareType with get_opfamily_member_for_cmptype.
 */
#if PG_VERSION_NUM >= 180000
#define saas_pathkey_descending(pathkey) ((pathkey)->pk_cmptype == COMPARE_GT)
#define saas_pathkey_operator(pathkey, type) \
	get_opfamily_member_for_cmptype((pathkey)->pk_opfamily, (type), (type), \
									(pathkey)->pk_cmptype)
#else
#define saas_pathkey_descending(pathkey) ((pathkey)->pk_strategy == BTGreaterStrategyNumber)
#define saas_pathkey_operator(pathkey, type) \
	get_opfamily_member((pathkey)->pk_opfamily, (type), (type), (pathkey)->pk_strategy)
#endif

/*
 * The user whose user mapping a foreign scan uses: the view owner when the
 * table is read through a view, else the current user (what the executor's
 * permission check uses).  PostgreSQL 16 moved the permission fields out of
 * RangeTblEntry into RTEPermissionInfo and gave ForeignScan a checkAsUser
 * of its own (commit a61b1f748, "Rework query relation permission
 * checking"; release notes of 16, "Remove RangeTblEntry.checkAsUser ...");
 * postgres_fdw 16 reads fsplan->checkAsUser, 15 reads the RTE's.
 */
static inline Oid
saas_scan_user(ForeignScan *fsplan, EState *estate)
{
#if PG_VERSION_NUM >= 160000
	Oid			userid = fsplan->checkAsUser;
#else
	Oid			userid = exec_rt_fetch(fsplan->scan.scanrelid, estate)->checkAsUser;
#endif

	return OidIsValid(userid) ? userid : GetUserId();
}

/*
 * A wait event of the extension's own name, shown in pg_stat_activity as
 * wait_event (type Extension).  PostgreSQL 17 added WaitEventExtensionNew
 * (commit c9af05465, "Support custom wait events for wait event type
 * "Extension"", whose name argument came with "Change custom wait events to
 * use dynamic shared hash tables"), which registers a name in shared memory
 * (a name registered already keeps its number) and may raise an ERROR.
 * Before 17 every wait of an extension is the one generic PG_WAIT_EXTENSION,
 * shown as "Extension".
 */
static inline uint32
saas_wait_event_new(const char *name)
{
#if PG_VERSION_NUM >= 170000
	return WaitEventExtensionNew(name);
#else
	return PG_WAIT_EXTENSION;
#endif
}

/*
 * Shared memory without shared_preload_libraries: a segment of dynamic
 * shared memory found by name, made (and init called on it) by the first
 * backend that asks, attached by the others.  PostgreSQL 17 added it
 * (commit 8b2bcf3f2, "Introduce the dynamic shared memory registry"); 18
 * keeps its signature.  Before 17: NULL, there is no such segment
 * (SAAS_HAVE_NAMED_DSM tells which).
 */
#if PG_VERSION_NUM >= 170000
#include "storage/dsm_registry.h"
#define SAAS_HAVE_NAMED_DSM		true
#else
#define SAAS_HAVE_NAMED_DSM		false
#endif

static inline void *
saas_named_dsm_segment(const char *name, size_t size,
					   void (*init) (void *ptr), bool *found)
{
#if PG_VERSION_NUM >= 170000
	return GetNamedDSMSegment(name, size, init, found);
#else
	*found = false;
	return NULL;
#endif
}

/*
 * The user whose user mapping a write uses: the view owner when the table
 * is written through a view, else the current user.  The change that moved
 * checkAsUser (commit a61b1f748, see saas_scan_user) gave the executor
 * ExecGetResultRelCheckAsUser; postgres_fdw 16 calls it, 15 reads the
 * result relation's RTE.
 */
static inline Oid
saas_modify_user(ResultRelInfo *rinfo, EState *estate)
{
#if PG_VERSION_NUM >= 160000
	return ExecGetResultRelCheckAsUser(rinfo, estate);
#else
	Oid			userid = exec_rt_fetch(rinfo->ri_RangeTableIndex, estate)->checkAsUser;

	return OidIsValid(userid) ? userid : GetUserId();
#endif
}

#endif							/* SAAS_COMPAT_H */
