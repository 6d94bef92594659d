/*-------------------------------------------------------------------------
 *
 * pushdown.h
 *		  What the planner hands the executor: the quals that became request
 *		  parameters (request.h says how requests are written from them).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_PUSHDOWN_H
#define SAAS_PUSHDOWN_H

#include "lib/stringinfo.h"
#include "nodes/pathnodes.h"
#include "nodes/primnodes.h"

#include "saas_fdw.h"

/* What a pushed qual binds. */
typedef enum BindingKind
{
	BIND_KEY,					/* a key column of the path template */
	BIND_SINGLE,				/* the single-object key (number = n) */
	BIND_PARAM					/* a PushdownSpec's query parameter */
} BindingKind;

/*
 * One qual that becomes part of the request.  The value is an expression
 * (a Const, a Param, or an outer column in a parameterized scan) that the
 * executor evaluates when the scan starts.
 */
typedef struct PushedQual
{
	BindingKind kind;
	int			spec_index;		/* key_columns[] index, or pushdown[] index */
	Expr	   *value;			/* NULL for IS [NOT] NULL */
	bool		is_array;		/* value is an array: several streams (=
								 * ANY) or several list values (@>) */
	bool		in_tree;		/* a leaf of a FilterTree: written there,
								 * not as a term or parameter of its own */
} PushedQual;

/*
 * A boolean tree of pushed quals, for a resource whose filter language has
 * a disjunction (service.h, "Boolean trees"): one WHERE clause that is an
 * OR, a NOT or a <> of pushable conditions.  NOTs are already moved to the
 * leaves, so a tree is AND and OR nodes over leaves; each leaf is a
 * PushedQual (in_tree) of RequestPlan.quals, named by its index there,
 * whose value is bound at run time as any qual's is.  A writer of another
 * kind of filter (a GraphQL filter object's "or: [...]") reads the same
 * tree.
 */
typedef enum FilterTreeKind
{
	FILTER_AND,
	FILTER_OR,
	FILTER_LEAF
} FilterTreeKind;

typedef struct FilterTree
{
	FilterTreeKind kind;
	List	   *children;		/* FilterTree *, of AND and OR */
	int			qual_index;		/* FILTER_LEAF: index in the quals */
} FilterTree;

typedef struct RequestPlan
{
	List	   *quals;			/* PushedQual * */
	List	   *local_only;		/* RestrictInfos that were not pushed */
	List	   *key_clauses;	/* RestrictInfos that bind key columns: they
								 * choose a list, they do not filter one */
	bool		all_exact;		/* every qual pushed, each one exactly */
	bool		several_streams;	/* an IN list or array may make more than
									 * one request stream */
	const char *missing_key;	/* a key column with no value, or NULL */
	List	   *trees;			/* FilterTree *, each ANDed to the rest */
} RequestPlan;

/* in pushdown.c */
extern RequestPlan *plan_request(PlannerInfo *root, RelOptInfo *baserel,
								 const SaasTableOptions *options,
								 List *clauses);
extern List *request_plan_to_list(RequestPlan *plan, List **exprs);
extern List *request_quals_from_list(List *packed, List *exprs,
									 List **trees);

#endif							/* SAAS_PUSHDOWN_H */
