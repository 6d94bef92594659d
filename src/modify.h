/*-------------------------------------------------------------------------
 *
 * modify.h
 *		  INSERT, UPDATE and DELETE on foreign tables: the FDW callbacks
 *		  (modify.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_MODIFY_H
#define SAAS_MODIFY_H

#include "foreign/fdwapi.h"

#include "compat.h"

extern void saasAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
										RangeTblEntry *target_rte,
										Relation target_relation);
extern List *saasPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
								   Index resultRelation, int subplan_index);
extern void saasBeginForeignModify(ModifyTableState *mtstate,
								   ResultRelInfo *rinfo, List *fdw_private,
								   int subplan_index, int eflags);
extern TupleTableSlot *saasExecForeignInsert(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern TupleTableSlot *saasExecForeignUpdate(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern TupleTableSlot *saasExecForeignDelete(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern void saasEndForeignModify(EState *estate, ResultRelInfo *rinfo);
extern void saasBeginForeignInsert(ModifyTableState *mtstate,
								   ResultRelInfo *rinfo);
extern int	saasIsForeignRelUpdatable(Relation rel);
extern void saasExplainForeignModify(ModifyTableState *mtstate,
									 ResultRelInfo *rinfo, List *fdw_private,
									 int subplan_index, ExplainState *es);

#endif							/* SAAS_MODIFY_H */
