/*-------------------------------------------------------------------------
 *
 * scan.c
 *		  Executor callbacks: request streams, the page iterator and EXPLAIN.
 *
 * A scan runs one or more request streams (several for key IN lists), each
 * a chain of pages.  Exactly one page is in memory at a time, in its own
 * memory context that is reset before the next page is fetched, so a scan
 * of any length keeps a flat memory profile.  No request is made before the
 * first row is asked for: EXPLAIN and LIMIT 0 cost nothing.
 *
 * A next-page link is followed only to the origin (scheme, host, port) of
 * the server's base_url: the token must never travel elsewhere.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "executor/executor.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/ruleutils.h"

#include "pushdown.h"
#include "scan.h"

typedef struct SaasScanState
{
	SaasTableOptions *options;
	const ResourceSpec *resource;
	FetchTarget target;
	List	   *quals;			/* PushedQual * */
	List	   *value_states;	/* ExprState * per qual (NULL: no value) */
	int			sort_index;
	bool		sort_desc;
	int			page_size;
	TupleReader *reader;
	JsonPath   *items_at;
	JsonPath   *cursor_at;
	JsonPath   *has_more_at;

	/* iteration */
	List	   *streams;		/* RequestStream *, built at first fetch */
	bool		streams_built;
	int			next_stream;
	RequestStream *stream;
	char	   *stream_url;		/* first page of the current stream */
	char	   *page_url;
	char	   *next_url;		/* NULL when the stream is done */
	int			stream_pages;
	FetchedPage page;
	int			item_count;
	int			item_index;
	MemoryContext scan_cxt;		/* lives as long as the scan */
	MemoryContext page_cxt;		/* the current page, reset per page */
	MemoryContext tuple_cxt;	/* one row's values, reset per row */

	HttpCounters counters;
	int64		pages;
} SaasScanState;

void
saasBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	Relation	rel = node->ss.ss_currentRelation;
	SaasScanState *state = palloc0(sizeof(SaasScanState));
	ListCell   *cell;

	node->fdw_state = state;
	state->options = saas_get_table_options(RelationGetRelid(rel));
	state->resource = state->options->resource;
	state->quals = request_quals_from_list(list_nth(fsplan->fdw_private, FdwScanPrivateQuals),
										   fsplan->fdw_exprs);
	state->sort_index = intVal(list_nth(fsplan->fdw_private, FdwScanPrivateSortIndex));
	state->sort_desc = intVal(list_nth(fsplan->fdw_private, FdwScanPrivateSortDesc)) != 0;
	state->page_size = intVal(list_nth(fsplan->fdw_private, FdwScanPrivatePageSize));

	foreach(cell, state->quals)
	{
		PushedQual *qual = lfirst(cell);

		state->value_states = lappend(state->value_states,
									  qual->value ? ExecInitExpr(qual->value, &node->ss.ps) : NULL);
	}

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	state->target.serverid = state->options->serverid;
	{
		/* the user whose mapping applies: the view owner for a view */
		RangeTblEntry *rte = exec_rt_fetch(fsplan->scan.scanrelid, node->ss.ps.state);

		state->target.token = saas_get_token(state->options->serverid,
											 OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId());
	}
	state->target.service = state->options->service;
	state->target.timeout_ms = state->options->timeout_ms;
	state->target.connect_timeout_ms = state->options->connect_timeout_ms;
	state->target.max_retries = state->options->max_retries;
	state->target.cache_ttl_s = state->options->cache_ttl_s;

	state->reader = tuple_reader_create(rel, state->resource,
										list_nth(fsplan->fdw_private, FdwScanPrivateColumns));
	state->items_at = json_path_compile(state->resource->items_at ? state->resource->items_at : "");
	if (state->resource->cursor_at)
		state->cursor_at = json_path_compile(state->resource->cursor_at);
	if (state->resource->has_more_at)
		state->has_more_at = json_path_compile(state->resource->has_more_at);

	state->scan_cxt = AllocSetContextCreate(node->ss.ps.state->es_query_cxt,
											"saas_fdw scan", ALLOCSET_DEFAULT_SIZES);
	state->page_cxt = AllocSetContextCreate(state->scan_cxt,
											"saas_fdw page", ALLOCSET_DEFAULT_SIZES);
	state->tuple_cxt = AllocSetContextCreate(state->scan_cxt,
											 "saas_fdw tuple", ALLOCSET_DEFAULT_SIZES);
}

/*
 * Evaluate the pushed values (Params, outer columns) and write the request
 * streams.  For EXPLAIN without ANALYZE, values that are not constants are
 * shown as the expressions they are.
 */
static List *
make_streams(ForeignScanState *node, SaasScanState *state, ExplainState *es)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	List	   *bound = NIL;
	ListCell   *qcell;
	ListCell   *scell;

	forboth(qcell, state->quals, scell, state->value_states)
	{
		PushedQual *qual = lfirst(qcell);
		ExprState  *expr = lfirst(scell);
		BoundValues *values;

		if (es != NULL && qual->value != NULL && !IsA(qual->value, Const))
		{
			List	   *context = set_deparse_context_plan(es->deparse_cxt,
														   node->ss.ps.plan, NIL);

			values = palloc0(sizeof(BoundValues));
			values->values = list_make1(psprintf("{%s}",
												 deparse_expression((Node *) qual->value,
																	context, false, false)));
			values->verbatim = true;
		}
		else
		{
			Datum		value = (Datum) 0;
			bool		isnull = false;

			if (expr != NULL)
				value = ExecEvalExpr(expr, econtext, &isnull);
			values = bind_value(state->resource, qual, value, isnull,
								qual->value ? exprType((Node *) qual->value) : InvalidOid);
		}
		bound = lappend(bound, values);
	}
	return build_request_streams(state->options, state->quals, bound,
								 state->sort_index,
								 state->sort_desc, state->page_size);
}

static void
check_next_url(SaasScanState *state, const char *next)
{
	if (!http_same_origin(next, state->options->base_url))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("%s API sent a next-page link to another host",
						state->options->service->name),
				 errdetail("Requests go only to the origin of \"%s\"; the link was not followed.",
						   state->options->base_url),
				 errhint("Check the server's base_url option.")));
	if (strcmp(next, state->page_url) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("%s API pagination loops: the next page is the current page",
						state->options->service->name),
				 errcontext("API request: GET %s", state->page_url)));
}

static char *
with_param(const char *url, const char *name, const char *value)
{
	StringInfoData buf;
	const char *p;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s%c%s=", url, strchr(url, '?') ? '&' : '?', name);
	for (p = value; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (isalnum(c) || strchr("-._~", c))
			appendStringInfoChar(&buf, c);
		else
			appendStringInfo(&buf, "%%%02X", c);
	}
	return buf.data;
}

/*
 * The URL of the page after the current one, or NULL at the end of the
 * stream.  Each API says in its own way that there is more.
 */
static char *
find_next_url(SaasScanState *state)
{
	const ResourceSpec *resource = state->resource;
	StringInfoData buf;

	if (state->page.doc == NULL || state->stream->single)
		return NULL;
	initStringInfo(&buf);
	switch (resource->pages)
	{
		case PAGES_NONE:
			return NULL;
		case PAGES_LINK_HEADER:
			if (state->page.response->next_url == NULL)
				return NULL;
			check_next_url(state, state->page.response->next_url);
			return state->page.response->next_url;
		case PAGES_LAST_ID:
			if (state->item_count == 0 ||
				json_item_value(json_doc_root(state->page.doc), state->has_more_at,
								JSON_OUT_TEXT, &buf) != JSON_BOOL ||
				strcmp(buf.data, "true") != 0)
				return NULL;
			resetStringInfo(&buf);
			if (json_item_value(json_doc_item(state->page.doc, state->item_count - 1),
								state->cursor_at, JSON_OUT_TEXT, &buf) != JSON_STRING)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("%s API item has no string \"%s\" to page from",
								state->options->service->name, resource->cursor_at),
						 errcontext("API request: GET %s", state->page_url)));
			return with_param(state->stream_url, resource->cursor_param, buf.data);
		case PAGES_BODY_CURSOR:
			if (json_item_value(json_doc_root(state->page.doc), state->cursor_at,
								JSON_OUT_TEXT, &buf) != JSON_STRING || buf.len == 0)
				return NULL;
			return with_param(state->stream_url, resource->cursor_param, buf.data);
	}
	return NULL;
}

/*
 * Fetch the next page, of this stream or the next one.  False when every
 * stream is done.
 */
static bool
fetch_next_page(ForeignScanState *node, SaasScanState *state)
{
	MemoryContext old;
	char	   *url;

	if (!state->streams_built)
	{
		old = MemoryContextSwitchTo(state->scan_cxt);
		state->streams = make_streams(node, state, NULL);
		state->streams_built = true;
		MemoryContextSwitchTo(old);
	}

	if (state->next_url == NULL)
	{
		if (state->next_stream >= list_length(state->streams))
			return false;
		state->stream = list_nth(state->streams, state->next_stream++);
		state->stream_url = MemoryContextStrdup(state->scan_cxt,
												psprintf("%s%s", state->options->base_url,
														 state->stream->path_and_query));
		state->stream_pages = 0;
		url = state->stream_url;
	}
	else
		url = state->next_url;

	if (++state->stream_pages > saas_max_pages)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s API request stream passed %d pages",
						state->options->service->name, saas_max_pages),
				 errhint("Narrow the query, or raise saas_fdw.max_pages.")));

	/* the previous page goes before the next one comes */
	url = MemoryContextStrdup(state->scan_cxt, url);
	if (state->page_url)
		pfree(state->page_url);
	if (state->next_url)
		pfree(state->next_url);
	state->next_url = NULL;
	MemoryContextReset(state->page_cxt);
	state->page_url = url;

	old = MemoryContextSwitchTo(state->page_cxt);
	state->page = fetch_page(&state->target, url, state->stream->single,
							 &state->counters);
	if (state->page.doc == NULL)
		state->item_count = 0;
	else if (state->stream->single)
		state->item_count = 1;
	else
		state->item_count = json_doc_items(state->page.doc, state->items_at);
	state->item_index = 0;
	state->pages++;
	url = find_next_url(state);
	MemoryContextSwitchTo(old);

	if (url != NULL)
		state->next_url = MemoryContextStrdup(state->scan_cxt, url);
	return true;
}

TupleTableSlot *
saasIterateForeignScan(ForeignScanState *node)
{
	SaasScanState *state = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	ExecClearTuple(slot);
	while (state->item_index >= state->item_count)
	{
		if (!fetch_next_page(node, state))
			return slot;
	}

	MemoryContextReset(state->tuple_cxt);
	{
		MemoryContext old = MemoryContextSwitchTo(state->tuple_cxt);
		JsonItem   *item = state->stream->single
			? json_doc_root(state->page.doc)
			: json_doc_item(state->page.doc, state->item_index);

		tuple_reader_fill(state->reader, item, state->stream->key_values,
						  slot->tts_values, slot->tts_isnull);
		MemoryContextSwitchTo(old);
	}
	state->item_index++;
	return ExecStoreVirtualTuple(slot);
}

void
saasReScanForeignScan(ForeignScanState *node)
{
	SaasScanState *state = node->fdw_state;

	/* parameters may have changed: write the streams again */
	state->streams_built = false;
	state->next_stream = 0;
	state->next_url = NULL;
	state->item_count = 0;
	state->item_index = 0;
	MemoryContextReset(state->page_cxt);
}

void
saasEndForeignScan(ForeignScanState *node)
{
	SaasScanState *state = node->fdw_state;

	/* free the last page (and its JSON tree) now rather than at query end */
	if (state && state->page_cxt)
		MemoryContextReset(state->page_cxt);
}

void
saasExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	SaasScanState *state = node->fdw_state;
	List	   *streams = make_streams(node, state, es->analyze ? NULL : es);
	ListCell   *cell;

	if (streams == NIL)
		ExplainPropertyText("API Request", "none (the conditions match no row)", es);
	foreach(cell, streams)
	{
		RequestStream *stream = lfirst(cell);

		ExplainPropertyText("API Request", psprintf("GET %s", stream->path_and_query), es);
	}
	if (es->analyze)
	{
		ExplainPropertyInteger("API Calls", NULL, state->counters.requests, es);
		ExplainPropertyInteger("Pages", NULL, state->pages, es);
		ExplainPropertyInteger("Cache Hits", NULL, state->counters.cache_hits, es);
		ExplainPropertyInteger("Revalidations", NULL, state->counters.revalidations, es);
		ExplainPropertyInteger("Retries", NULL, state->counters.retries, es);
		ExplainPropertyInteger("Bytes Received", NULL, state->counters.bytes, es);
		if (es->timing)
			ExplainPropertyFloat("Network Wait", "ms", state->counters.wait_ms, 1, es);
	}
}
