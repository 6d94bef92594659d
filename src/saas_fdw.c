/*-------------------------------------------------------------------------
 *
 * saas_fdw.c
 *		  Foreign-data wrapper for SaaS list APIs: the handler, the planner
 *		  callbacks and module initialisation.
 *
 * Planning never touches the network.  The planner decides which quals
 * become request parameters (pushdown.c), whether the API's order can stand
 * for an ORDER BY (pathkeys), whether LIMIT may shrink the page size, and
 * offers parameterized paths so that a join can feed a key column (the
 * issue_number of issue_comments) from the outer side.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/sysattr.h"
#include "catalog/pg_am.h"
#include "commands/defrem.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "nodes/makefuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "compat.h"
#include "modify.h"
#include "pushdown.h"
#include "scan.h"
#include "shmem.h"

PG_MODULE_MAGIC;

/* Rows assumed for a list resource when nothing better is known. */
#define DEFAULT_LIST_ROWS		1000.0

/* Cost of one API request, in units of sequential page fetches. */
#define REQUEST_COST			1000.0

/*
 * A path with no value for a required key column cannot run; it stays only
 * so the planner always has a path, and GetForeignPlan reports the error.
 */
#define MISSING_KEY_COST		1.0e10

/* Planner state of one foreign relation. */
typedef struct SaasRelInfo
{
	SaasTableOptions *options;
	Oid			relid;
} SaasRelInfo;

/* What a path adds to the pushed quals: order and page size. */
enum SaasPathPrivateIndex
{
	SaasPathSortIndex,			/* Integer: sorts[] index or -1 */
	SaasPathSortDesc,			/* Integer: 1 for DESC */
	SaasPathPageSize			/* Integer */
};

static void saasGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
static void saasGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
static ForeignScan *saasGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses,
									   Plan *outer_plan);

PG_FUNCTION_INFO_V1(saas_fdw_handler);

Datum
saas_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = saasGetForeignRelSize;
	routine->GetForeignPaths = saasGetForeignPaths;
	routine->GetForeignPlan = saasGetForeignPlan;
	routine->BeginForeignScan = saasBeginForeignScan;
	routine->IterateForeignScan = saasIterateForeignScan;
	routine->ReScanForeignScan = saasReScanForeignScan;
	routine->EndForeignScan = saasEndForeignScan;
	routine->ExplainForeignScan = saasExplainForeignScan;
	routine->ImportForeignSchema = saasImportForeignSchema;

	routine->AddForeignUpdateTargets = saasAddForeignUpdateTargets;
	routine->PlanForeignModify = saasPlanForeignModify;
	routine->BeginForeignModify = saasBeginForeignModify;
	routine->ExecForeignInsert = saasExecForeignInsert;
	routine->ExecForeignUpdate = saasExecForeignUpdate;
	routine->ExecForeignDelete = saasExecForeignDelete;
	routine->EndForeignModify = saasEndForeignModify;
	routine->BeginForeignInsert = saasBeginForeignInsert;
	routine->IsForeignRelUpdatable = saasIsForeignRelUpdatable;
	routine->ExplainForeignModify = saasExplainForeignModify;

	PG_RETURN_POINTER(routine);
}

void		_PG_init(void);

void
_PG_init(void)
{
	saas_define_gucs();
	shmem_install_hooks();
}

static void
saasGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
					  Oid foreigntableid)
{
	SaasRelInfo *info = palloc0(sizeof(SaasRelInfo));
	RequestPlan *plan;
	ListCell   *cell;

	info->relid = foreigntableid;
	info->options = saas_get_table_options(foreigntableid);
	baserel->fdw_private = info;

	plan = plan_request(root, baserel, info->options, baserel->baserestrictinfo);
	baserel->rows = DEFAULT_LIST_ROWS;
	foreach(cell, plan->quals)
	{
		PushedQual *qual = lfirst(cell);

		if (qual->kind == BIND_SINGLE)
			baserel->rows = 1;
	}

	/*
	 * DEFAULT_LIST_ROWS is the size of one list (one repository's issues):
	 * the key quals that choose the list do not make it smaller.
	 */
	baserel->rows = clamp_row_est(baserel->rows *
								  clauselist_selectivity(root,
														 list_difference_ptr(baserel->baserestrictinfo,
																			 plan->key_clauses),
														 0, JOIN_INNER, NULL));
}

static Cost
request_cost(RequestPlan *plan, double rows, int page_size)
{
	double		pages;

	if (plan->missing_key)
		return MISSING_KEY_COST;
	pages = ceil(Max(rows, 1.0) / Max(page_size, 1));
	return pages * REQUEST_COST * seq_page_cost + rows * cpu_tuple_cost;
}

/*
 * The ORDER BY this relation can deliver from the API, as a sorts[] index;
 * -1 when the query's order is none the API gives.
 */
static int
api_sort_for_query(PlannerInfo *root, RelOptInfo *baserel, SaasRelInfo *info,
				   bool *desc)
{
	const ResourceSpec *resource = info->options->resource;
	PathKey    *pathkey;
	ListCell   *cell;
	int			i;

	if (resource->sorts == NULL || list_length(root->query_pathkeys) != 1)
		return -1;
	pathkey = linitial(root->query_pathkeys);
	*desc = saas_pathkey_descending(pathkey);
	/* the API puts no NULLs anywhere special: accept only the defaults */
	if (pathkey->pk_nulls_first != *desc)
		return -1;

	foreach(cell, pathkey->pk_eclass->ec_members)
	{
		EquivalenceMember *member = lfirst(cell);
		Var		   *var = (Var *) member->em_expr;
		char	   *column;

		if (!IsA(var, Var) || var->varno != baserel->relid || var->varattno <= 0)
			continue;
		column = saas_column_name(info->relid, var->varattno);
		for (i = 0; resource->sorts[i].column; i++)
		{
			const SortSpec *sort = &resource->sorts[i];

			if (strcmp(sort->column, column) == 0 &&
				(*desc ? sort->desc_params : sort->asc_params) != NULL &&
				saas_pathkey_operator(pathkey, var->vartype) != InvalidOid &&
				pathkey->pk_opfamily == get_opclass_family(GetDefaultOpClass(var->vartype, BTREE_AM_OID)))
				return i;
		}
	}
	return -1;
}

/*
 * May a LIMIT shrink the page size?  Only when the LIMIT applies to this
 * scan alone, in the order this path returns, and every qual is pushed
 * exactly (otherwise rows the API returns may be filtered away locally).
 */
static bool
limit_applies(PlannerInfo *root, RequestPlan *plan, bool ordered)
{
	Query	   *parse = root->parse;

	return saas_pushdown && plan->all_exact &&
		root->limit_tuples > 0 &&
		bms_membership(root->all_baserels) == BMS_SINGLETON &&
		(root->query_pathkeys == NIL || ordered) &&
		parse->groupClause == NIL && parse->groupingSets == NIL &&
		!parse->hasAggs && !parse->hasWindowFuncs &&
		parse->distinctClause == NIL && !parse->hasTargetSRFs &&
		parse->havingQual == NULL;
}

/*
 * May the scan request pages before it needs them?  Not when the query may
 * stop early (a LIMIT, or a subquery that wants only some rows, such as
 * EXISTS): pages read ahead would be requests made for nothing.
 */
static bool
may_read_ahead(PlannerInfo *root)
{
	return root->parse->limitCount == NULL && root->tuple_fraction < 1.0;
}

static void
add_scan_path(PlannerInfo *root, RelOptInfo *baserel, SaasRelInfo *info,
			  RequestPlan *plan, int sort_index, bool desc,
			  List *pathkeys)
{
	int			page_size = info->options->page_size;
	double		fetched = baserel->rows;
	Cost		total;

	/*
	 * Under a LIMIT that applies to this scan, the scan stops once it has
	 * the LIMIT's rows: with a page of that size, after its first request.
	 * Costing every page of a shrunk size would make ORDER BY ... LIMIT 1
	 * look dearer than a Sort over a whole list.
	 */
	if (limit_applies(root, plan, pathkeys != NIL))
	{
		page_size = (int) Min((double) page_size, root->limit_tuples);
		fetched = Min(fetched, root->limit_tuples);
	}
	total = request_cost(plan, fetched, page_size);
	add_path(baserel, (Path *)
			 saas_create_foreignscan_path(root, baserel, baserel->rows,
										  REQUEST_COST * seq_page_cost, total,
										  pathkeys, NULL,
										  list_make3(makeInteger(sort_index),
													 makeInteger(desc),
													 makeInteger(page_size))));
}

/* Does the equivalence member stand for the given column of baserel? */
static bool
ec_member_is_column(PlannerInfo *root, RelOptInfo *rel,
					EquivalenceClass *ec, EquivalenceMember *em, void *arg)
{
	Var		   *var = (Var *) em->em_expr;

	return IsA(var, Var) && var->varno == rel->relid &&
		var->varattno == *(AttrNumber *) arg;
}

/* Equalities implied by equivalence classes that give column a value. */
static List *
implied_column_clauses(PlannerInfo *root, RelOptInfo *baserel, Oid relid,
					   const char *column)
{
	AttrNumber	attnum = saas_column_attnum(relid, column);

	if (attnum == InvalidAttrNumber)
		return NIL;
	return generate_implied_equalities_for_column(root, baserel,
												  ec_member_is_column, &attnum,
												  baserel->lateral_referencers);
}

/*
 * Join clauses that could give a key column, or the single-object key (a
 * Stripe id, an issue number), its value from another relation: explicit
 * ones and those implied by equivalence classes.
 */
static List *
key_join_clauses(PlannerInfo *root, RelOptInfo *baserel, SaasRelInfo *info)
{
	const ResourceSpec *resource = info->options->resource;
	List	   *clauses = NIL;
	ListCell   *cell;
	int			k;

	foreach(cell, baserel->joininfo)
	{
		RestrictInfo *rinfo = lfirst(cell);

		if (join_clause_is_movable_to(rinfo, baserel))
			clauses = lappend(clauses, rinfo);
	}
	for (k = 0; resource->key_columns && resource->key_columns[k]; k++)
		clauses = list_concat(clauses,
							  implied_column_clauses(root, baserel, info->relid,
													 resource->key_columns[k]));
	if (resource->single_key)
		clauses = list_concat(clauses,
							  implied_column_clauses(root, baserel, info->relid,
													 resource->single_key));
	return clauses;
}

static void
add_parameterized_paths(PlannerInfo *root, RelOptInfo *baserel,
						SaasRelInfo *info)
{
	List	   *done = NIL;
	ListCell   *cell;

	foreach(cell, key_join_clauses(root, baserel, info))
	{
		RestrictInfo *rinfo = lfirst(cell);
		Relids		required_outer;
		ParamPathInfo *param_info;
		RequestPlan *plan;
		ListCell   *seen;
		bool		repeated = false;

		required_outer = bms_del_member(bms_copy(rinfo->clause_relids), baserel->relid);
		required_outer = bms_add_members(required_outer, baserel->lateral_relids);
		if (bms_is_empty(required_outer))
			continue;
		foreach(seen, done)
			repeated |= bms_equal(lfirst(seen), required_outer);
		if (repeated)
			continue;
		done = lappend(done, required_outer);

		param_info = get_baserel_parampathinfo(root, baserel, required_outer);
		plan = plan_request(root, baserel, info->options,
							list_concat(list_copy(baserel->baserestrictinfo),
										param_info->ppi_clauses));
		if (plan->missing_key)
			continue;
		add_path(baserel, (Path *)
				 saas_create_foreignscan_path(root, baserel, param_info->ppi_rows,
											  REQUEST_COST * seq_page_cost,
											  request_cost(plan, param_info->ppi_rows,
														   info->options->page_size),
											  NIL, required_outer,
											  list_make3(makeInteger(-1), makeInteger(0),
														 makeInteger(info->options->page_size))));
	}
}

static void
saasGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	SaasRelInfo *info = baserel->fdw_private;
	RequestPlan *plan;
	int			sort_index;
	bool		desc = false;

	plan = plan_request(root, baserel, info->options, baserel->baserestrictinfo);
	add_scan_path(root, baserel, info, plan, -1, false, NIL);

	sort_index = saas_pushdown ? api_sort_for_query(root, baserel, info, &desc) : -1;
	if (sort_index >= 0 && !plan->several_streams)
		add_scan_path(root, baserel, info, plan, sort_index, desc,
					  root->query_pathkeys);

	add_parameterized_paths(root, baserel, info);
}

/* Columns the scan must fill: those in the target list and the quals. */
static List *
retrieved_columns(RelOptInfo *baserel, List *local_quals)
{
	Bitmapset  *attrs = NULL;
	List	   *columns = NIL;
	int			attnum = -1;

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid, &attrs);
	pull_varattnos((Node *) local_quals, baserel->relid, &attrs);
	while ((attnum = bms_next_member(attrs, attnum)) >= 0)
	{
		AttrNumber	real = attnum + FirstLowInvalidHeapAttributeNumber;

		if (real == 0)
			return list_make1_int(0);	/* whole row: every column */
		if (real > 0)
			columns = lappend_int(columns, real);
	}
	return columns;
}

/*
 * requested_fields
 *		The value of the resource's fields_param (service.h) for a scan of
 *		relid that reads columns (attnums, 0 for all): the fields those
 *		columns' paths read; "" to send default_query's (a table option sets
 *		it, a column reads the whole item, or the resource has none).
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
requested_fields(Oid relid, const SaasTableOptions *options, List *columns)
{
	const ResourceSpec *resource = options->resource;
	char	   *prefix;
	StringInfoData out;
	List	   *fields = NIL;
	ListCell   *cell;

	if (resource->fields_param == NULL ||
		option_value(options->fixed_query, resource->fields_param) != NULL)
		return "";
	prefix = psprintf("%s.", resource->fields_param);
	foreach(cell, columns)
	{
		AttrNumber	attnum = lfirst_int(cell);
		const char *path;
		const ColumnSpec *spec;
		char	   *field;

		if (attnum == 0)
			return "";
		path = saas_column_path_option(relid, attnum);
		if (path == NULL)
		{
			field = saas_column_name(relid, attnum);
			spec = resource_column(resource, field);
			path = spec ? spec->path : field;
		}
		if (path == NULL)
			continue;			/* a key column, from the request */
		if (path[0] == '\0')
			return "";
		if (strncmp(path, prefix, strlen(prefix)) != 0)
			continue;
		path += strlen(prefix);
		field = pnstrdup(path, strcspn(path, ".["));
		if (field[0] != '\0' && !list_member(fields, makeString(field)))
			fields = lappend(fields, makeString(field));
	}
	if (fields == NIL)
		return pstrdup(resource->fields_none);
	initStringInfo(&out);
	foreach(cell, fields)
		appendStringInfo(&out, "%s%s", out.len > 0 ? "," : "", strVal(lfirst(cell)));
	return out.data;
}

static ForeignScan *
saasGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	SaasRelInfo *info = baserel->fdw_private;
	RequestPlan *plan;
	List	   *local_quals;
	List	   *fdw_exprs = NIL;
	List	   *fdw_private = NIL;
	Node	   *slots[FdwScanPrivateCount];
	int			i;

	/*
	 * A missing key column is raised when the scan would make its first
	 * request, not here: a tool that reads a table's shape with LIMIT 0, or
	 * a plain EXPLAIN, gets its answer.
	 */
	plan = plan_request(root, baserel, info->options, scan_clauses);

	/* Every qual is rechecked locally: the API only narrows the fetch. */
	local_quals = extract_actual_clauses(scan_clauses, false);

	/* each slot by its name, then listed in the order of the enum */
	slots[FdwScanPrivateQuals] = (Node *) request_plan_to_list(plan, &fdw_exprs);
	slots[FdwScanPrivateSortIndex] = list_nth(best_path->fdw_private,
											  SaasPathSortIndex);
	slots[FdwScanPrivateSortDesc] = list_nth(best_path->fdw_private,
											 SaasPathSortDesc);
	slots[FdwScanPrivatePageSize] = list_nth(best_path->fdw_private,
											 SaasPathPageSize);
	slots[FdwScanPrivateColumns] = (Node *) retrieved_columns(baserel,
															  local_quals);
	slots[FdwScanPrivateReadAhead] = (Node *) makeBoolean(may_read_ahead(root));
	slots[FdwScanPrivateFields] = (Node *)
		makeString(requested_fields(info->relid, info->options,
									(List *) slots[FdwScanPrivateColumns]));
	slots[FdwScanPrivateMissingKey] = (Node *)
		makeString(pstrdup(plan->missing_key ? plan->missing_key : ""));
	explain_plan_slots(root, baserel, info->options, plan, scan_clauses, slots);
	for (i = 0; i < FdwScanPrivateCount; i++)
		fdw_private = lappend(fdw_private, slots[i]);

	return make_foreignscan(tlist, local_quals, baserel->relid, fdw_exprs,
							fdw_private, NIL, NIL, outer_plan);
}
