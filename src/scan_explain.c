/*-------------------------------------------------------------------------
 *
 * scan_explain.c
 *		  What EXPLAIN shows of a foreign scan: the pushed quals and the
 *		  request template, written once at plan time into fdw_private, and
 *		  what the scan recorded while it ran.
 *
 * Invariants: the text EXPLAIN prints of a plan is written by the planner
 * (explain_plan_slots), in the plan's fdw_private, and read back through
 * FdwScanPrivateIndex; the explain callback evaluates nothing and makes no
 * request (after ANALYZE a parameter may point into a freed outer tuple,
 * and an InitPlan would run again).  A value fixed by the plan (a Const) is
 * written as the API reads it; any other value is shown as the expression
 * it is, in braces ({$1}, {i.repo}).  A URL the scan fetched is shown as
 * its path and query only: never a scheme, host or user information.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/explain.h"
#include "nodes/makefuncs.h"
#include "nodes/plannodes.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"

#include "request.h"
#include "scan.h"

/*
 * plan_deparse_context
 *		A context for deparse_expression over the query level being
 *		planned, in which the relations of rels_used are named as EXPLAIN
 *		names them.
 *
 * The expressions are those of the planner: an outer relation's column is
 * still a Var (in the plan it becomes an executor parameter, which the scan
 * alone cannot trace back), so it is shown by its name, i.repo.  The
 * context's plan is a stand-in that carries the level's InitPlans, so that
 * their output parameters are named as EXPLAIN names them (deparsing a
 * parameter needs a plan from PostgreSQL 17 on).  Allocated in the current
 * memory context.
 */
static List *
plan_deparse_context(PlannerInfo *root, Bitmapset *rels_used)
{
	PlannedStmt *stmt = makeNode(PlannedStmt);
	Result	   *stand_in = makeNode(Result);
	List	   *context;

	stmt->rtable = root->parse->rtable;
	context = deparse_context_for_plan_tree(stmt,
											select_rtable_names_for_explain(stmt->rtable,
																			rels_used));
	stand_in->plan.initPlan = root->init_plans;
	return set_deparse_context_plan(context, (Plan *) stand_in, NIL);
}

/*
 * request_lines
 *		The lines EXPLAIN prints of the requests of plan, as Strings in
 *		pairs, label and text: a "Range Split" line for a range read as
 *		sub-ranges (request_split.c: how many, and whether the scan reads
 *		them in turn or one after the other), an "API Request" per request
 *		stream (with,
 *		for a POST, its "Request Body", and the query of a filter language
 *		under the language's name), or one that says why the scan makes
 *		none.
 *
 * Returns a List allocated in the current memory context.
 */
static List *
request_lines(const SaasTableOptions *options, Oid relid,
			  RequestPlan *plan, Node **slots, List *context)
{
	List	   *bound = NIL;
	List	   *streams;
	List	   *lines = NIL;
	ListCell   *cell;
	char	   *relname = get_rel_name(relid);

	if (plan->missing_key != NULL)
		return list_make2(makeString("API Request"),
						  makeString(psprintf("none (needs a value for column \"%s\")",
											  plan->missing_key)));
	foreach(cell, plan->quals)
	{
		PushedQual *qual = lfirst(cell);
		BoundValues *values;

		if (qual->value == NULL || IsA(qual->value, Const))
		{
			Const	   *value = (Const *) qual->value;

			values = value ? bind_value(options->resource, qual, value->constvalue,
										value->constisnull, value->consttype)
				: bind_value(options->resource, qual, (Datum) 0, false, InvalidOid);
		}
		else
		{
			values = palloc0(sizeof(BoundValues));
			values->values = list_make1(psprintf("{%s}",
												 deparse_expression((Node *) qual->value,
																	context, true, false)));
			values->verbatim = true;
		}
		bound = lappend(bound, values);
	}
	streams = build_request_streams(options, relname, plan->quals, bound,
									plan->trees,
									intVal(slots[FdwScanPrivateSortIndex]),
									intVal(slots[FdwScanPrivateSortDesc]) != 0,
									intVal(slots[FdwScanPrivatePageSize]),
									options->resource->graphql_query == NULL ? NULL :
									graphql_fields(relid, options->resource,
												   (List *) slots[FdwScanPrivateColumns]),
									strVal(slots[FdwScanPrivateFields]));
	if (streams == NIL)
		return list_make2(makeString("API Request"),
						  makeString("none (the conditions match no row)"));
	/* read in turn when the rows' order is free and pages may be read ahead */
	if (((RequestStream *) linitial(streams))->split_column != NULL)
		lines = list_make2(makeString("Range Split"),
						   makeString(psprintf("%d streams on %s, %s",
											   list_length(streams),
											   ((RequestStream *) linitial(streams))->split_column,
											   intVal(slots[FdwScanPrivateSortIndex]) < 0 &&
											   boolVal(slots[FdwScanPrivateReadAhead]) &&
											   saas_read_ahead_pages > 0 ?
											   "read in turn" : "one after the other")));
	foreach(cell, streams)
	{
		RequestStream *stream = lfirst(cell);
		const ResourceSpec *resource = options->resource;

		lines = lappend(lines, makeString("API Request"));
		if (resource->method != NULL)
		{
			char	   *path;
			char	   *body = request_json_body(resource, stream->path_and_query, &path);

			lines = lappend(lines, makeString(psprintf("%s %s", resource->method, path)));
			lines = lappend(lines, makeString("Request Body"));
			lines = lappend(lines, makeString(body));
		}
		else
			lines = lappend(lines, makeString(psprintf("GET %s", stream->path_and_query)));
		if (resource->graphql_query != NULL)
		{
			lines = lappend(lines, makeString("GraphQL"));
			lines = lappend(lines, makeString(graphql_call_text(resource, stream->path_and_query)));
		}
		else if (stream->filter_text != NULL)
		{
			lines = lappend(lines, makeString((char *) resource->filter->name));
			lines = lappend(lines, makeString(stream->filter_text[0] ? stream->filter_text : "none"));
		}
	}
	return lines;
}

/*
 * explain_plan_slots
 *		Write what EXPLAIN prints of the scan of baserel into its
 *		fdw_private slots: FdwScanPrivateRequests, the request template,
 *		and FdwScanPrivateApiFilter, the quals of scan_clauses that plan
 *		pushed, as EXPLAIN VERBOSE prints its Filter.
 *
 * Reads the slots of the order, page size and read-ahead, which must be
 * set.  The nodes are allocated in the current memory context.
 */
void
explain_plan_slots(PlannerInfo *root, RelOptInfo *baserel,
				   const SaasTableOptions *options, RequestPlan *plan,
				   List *scan_clauses, Node **slots)
{
	List	   *pushed = NIL;
	Bitmapset  *rels_used = bms_make_singleton(baserel->relid);
	List	   *context;
	ListCell   *cell;
	Oid			relid = planner_rt_fetch(baserel->relid, root)->relid;

	foreach(cell, scan_clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);

		if (!rinfo->pseudoconstant && !list_member_ptr(plan->local_only, rinfo))
			pushed = lappend(pushed, rinfo->clause);
	}
	rels_used = bms_add_members(rels_used, pull_varnos(root, (Node *) pushed));
	context = plan_deparse_context(root, rels_used);

	slots[FdwScanPrivateRequests] = (Node *) request_lines(options, relid, plan,
														   slots, context);
	slots[FdwScanPrivateApiFilter] = (Node *)
		makeString(pushed == NIL ? "" :
				   deparse_expression((Node *) make_ands_explicit(pushed),
									  context, true, false));
}

/*
 * explain_values
 *		Print values under label: a line each in text, one list in a
 *		structured format (where a key may appear only once).
 */
static void
explain_values(const char *label, List *values, ExplainState *es)
{
	ListCell   *cell;

	if (es->format != EXPLAIN_FORMAT_TEXT)
		ExplainPropertyList(label, values, es);
	else
		foreach(cell, values)
			ExplainPropertyText(label, lfirst(cell), es);
}

/*
 * explain_requests
 *		Print the request lines of request_lines (label and text in pairs):
 *		in their order in text, and in a structured format one list per
 *		label, in the order the labels first appear.
 */
static void
explain_requests(List *pairs, ExplainState *es)
{
	List	   *labels = NIL;
	ListCell   *cell;
	ListCell   *label;

	for (cell = list_head(pairs); cell != NULL; cell = lnext(pairs, lnext(pairs, cell)))
	{
		char	   *name = strVal(lfirst(cell));
		char	   *text = strVal(lfirst(lnext(pairs, cell)));

		if (es->format == EXPLAIN_FORMAT_TEXT)
			ExplainPropertyText(name, text, es);
		else if (!list_member(labels, lfirst(cell)))
			labels = lappend(labels, lfirst(cell));
	}
	foreach(label, labels)
	{
		List	   *values = NIL;

		for (cell = list_head(pairs); cell != NULL; cell = lnext(pairs, lnext(pairs, cell)))
			if (equal(lfirst(cell), lfirst(label)))
				values = lappend(values, strVal(lfirst(lnext(pairs, cell))));
		explain_values(strVal(lfirst(label)), values, es);
	}
}

/*
 * saasExplainForeignScan
 *		Print the pushed quals (VERBOSE), the request template and, with
 *		ANALYZE, the counters the scan kept and (with VERBOSE) the first
 *		SCAN_RECORD_URLS URLs it fetched.
 */
void
saasExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	List	   *fdw_private = ((ForeignScan *) node->ss.ps.plan)->fdw_private;
	char	   *api_filter = strVal(list_nth(fdw_private, FdwScanPrivateApiFilter));
	const ScanRecord *record;

	if (es->verbose && api_filter[0] != '\0')
		ExplainPropertyText("API Filter", api_filter, es);
	explain_requests(list_nth(fdw_private, FdwScanPrivateRequests), es);
	if (!es->analyze)
		return;

	record = scan_record(node);
	if (es->verbose && record->urls > 0)
	{
		List	   *urls = list_copy(record->first_urls);

		if (record->urls > list_length(urls))
			urls = lappend(urls, psprintf("%lld more",
										  (long long) (record->urls - list_length(urls))));
		explain_values("API Fetched", urls, es);
	}
	ExplainPropertyInteger("API Calls", NULL, record->counters.requests, es);
	ExplainPropertyInteger("Pages", NULL, record->pages, es);
	ExplainPropertyInteger("Cache Hits", NULL, record->counters.cache_hits, es);
	ExplainPropertyInteger("Pages Parsed", NULL, record->pages_parsed, es);
	ExplainPropertyInteger("Revalidations", NULL, record->counters.revalidations, es);
	ExplainPropertyInteger("Retries", NULL, record->counters.retries, es);
	ExplainPropertyInteger("Bytes Received", NULL, record->counters.bytes, es);
	if (record->duplicates > 0 || es->format != EXPLAIN_FORMAT_TEXT)
		ExplainPropertyInteger("Rows Removed as Duplicates", NULL,
							   record->duplicates, es);
	if (es->timing)
		ExplainPropertyFloat("Network Wait", "ms", record->counters.wait_ms, 1, es);
}
