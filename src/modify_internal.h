/*-------------------------------------------------------------------------
 *
 * modify_internal.h
 *		  What modify.c and modify_plan.c share: the plan's private list
 *		  and the write a command makes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_MODIFY_INTERNAL_H
#define SAAS_MODIFY_INTERNAL_H

#include "nodes/pg_list.h"
#include "nodes/nodes.h"

#include "saas_fdw.h"
#include "service.h"

/* the junk column that carries identity column x: "saas_fdw x" */
#define IDENTITY_PREFIX		"saas_fdw "

/* What PlanForeignModify hands to the executor. */
enum FdwModifyPrivateIndex
{
	FdwModifyPrivateMethod,		/* String: "POST", "PATCH", "DELETE" */
	FdwModifyPrivatePath,		/* String: the path template, table options
								 * filled in (for EXPLAIN) */
	FdwModifyPrivateColumns,	/* Integer list: attnums the request sends */
	FdwModifyPrivateReturning	/* Boolean: the statement has RETURNING */
};

/* in modify_plan.c */
extern const char *modify_command_name(CmdType operation);
extern const WriteSpec *modify_command_write(const SaasTableOptions *options,
											 CmdType operation,
											 const char *relname);
extern bool modify_names_column(const char *const *names, const char *column);
extern List *modify_key_columns(const WriteSpec *write);
extern const char *modify_fixed_key(const SaasTableOptions *options,
									const char *name);

#endif							/* SAAS_MODIFY_INTERNAL_H */
