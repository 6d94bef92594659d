/*-------------------------------------------------------------------------
 *
 * scan.c
 *		  Executor callbacks: request streams and the page iterator.
 *
 * A scan runs one or more request streams (several for key IN lists, or
 * the sub-ranges of a range split), each a chain of pages (scan_pages.c
 * finds the next one and reads ahead); the streams of a range split may be
 * read in turn, a page each (scan_lanes.c).
 *
 * Invariants: each page lives in a memory context of its own that is
 * dropped when the scan moves on, so a scan of any length keeps a flat
 * memory profile: the page being read, plus at most saas_fdw.read_ahead
 * pages on their way.  No request is made before the first row is asked
 * for: EXPLAIN and LIMIT 0 cost nothing.  A page is turned into rows (heap
 * tuples, PageRows) as soon as it arrives, and its parsed JSON is freed;
 * the rows are also kept in the shared cache beside the page, so a scan
 * that finds them there returns the cached tuples as they are.
 *
 * What one run of the streams builds (the bound values, the streams, their
 * URLs) lives in a memory context that each rescan resets: a parameterized
 * scan rescanned millions of times in a nested loop keeps the memory of
 * one run.  When a run has several streams, an item that two of them
 * return (an API that matches IN values loosely) is returned once, by its
 * identity (identity_at in service.h).  What EXPLAIN prints the plan wrote
 * (scan_explain.c); the scan only records what it did (ScanRecord).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "convert.h"
#include "credential.h"
#include "fetch.h"
#include "request.h"
#include "scan_internal.h"
#include "shmem.h"

/*
 * The identities of the items a scan returned (see identity_at in
 * service.h), when more than one of its request streams may return an item.
 */
typedef struct SeenItem
{
	char	   *identity;
	uint32		hash;
	char		status;
} SeenItem;

#define SH_PREFIX seen_items
#define SH_ELEMENT_TYPE SeenItem
#define SH_KEY_TYPE char *
#define SH_KEY identity
#define SH_HASH_KEY(tb, key) hash_bytes((const unsigned char *) (key), strlen(key))
#define SH_EQUAL(tb, a, b) (strcmp(a, b) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) a->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * saasBeginForeignScan
 *		Read the plan's private list and set the scan up; for EXPLAIN alone,
 *		no more than what EXPLAIN needs.
 *
 * The state (node->fdw_state) and the scan's memory contexts live in the
 * executor's query context.
 */
void
saasBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	Relation	rel = node->ss.ss_currentRelation;
	SaasScanState *state = palloc0(sizeof(SaasScanState));
	ListCell   *cell;

	node->fdw_state = state;
	state->activity.slot = -1;
	state->lane = -1;
	state->options = saas_get_table_options(RelationGetRelid(rel));
	state->resource = state->options->resource;
	state->quals = request_quals_from_list(list_nth(fsplan->fdw_private, FdwScanPrivateQuals),
										   fsplan->fdw_exprs, &state->trees);
	state->sort_index = intVal(list_nth(fsplan->fdw_private, FdwScanPrivateSortIndex));
	state->sort_desc = intVal(list_nth(fsplan->fdw_private, FdwScanPrivateSortDesc)) != 0;
	state->page_size = intVal(list_nth(fsplan->fdw_private, FdwScanPrivatePageSize));
	if (boolVal(list_nth(fsplan->fdw_private, FdwScanPrivateReadAhead)))
		state->read_ahead = saas_read_ahead_pages;
	state->missing_key = strVal(list_nth(fsplan->fdw_private, FdwScanPrivateMissingKey));
	if (state->missing_key[0] == '\0')
		state->missing_key = NULL;

	foreach(cell, state->quals)
	{
		PushedQual *qual = lfirst(cell);

		state->value_states = lappend(state->value_states,
									  qual->value ? ExecInitExpr(qual->value, &node->ss.ps) : NULL);
	}

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	/* the shared tables, before the credential is fingerprinted */
	shmem_attach();

	state->target.serverid = state->options->serverid;
	/* the user whose mapping applies: the view owner for a view */
	state->target.token = saas_get_token(state->options->serverid,
										 saas_scan_user(fsplan, node->ss.ps.state));
	state->target.credential = credential_fingerprint(state->target.token);
	state->target.service = state->options->service;
	state->target.ca_file = state->options->ca_file;
	state->target.timeout_ms = state->options->timeout_ms;
	state->target.connect_timeout_ms = state->options->connect_timeout_ms;
	state->target.max_retries = state->options->max_retries;
	state->target.cache_ttl_s = state->options->cache_ttl_s;
	state->target.rate_bucket = state->resource->rate_bucket;
	state->target.no_match_words = state->resource->no_match_words;
	state->target.resource = state->resource;

	state->reader = tuple_reader_create(rel, state->resource,
										list_nth(fsplan->fdw_private, FdwScanPrivateColumns));
	if (state->resource->graphql_query != NULL)
		state->fields = graphql_fields(RelationGetRelid(rel), state->resource,
									   list_nth(fsplan->fdw_private, FdwScanPrivateColumns));
	state->items_at = json_path_compile(state->resource->items_at ? state->resource->items_at : "");
	state->single_at = json_path_compile(state->resource->single_at ? state->resource->single_at : "");
	if (state->resource->cursor_at)
		state->cursor_at = json_path_compile(state->resource->cursor_at);
	if (state->resource->has_more_at)
		state->has_more_at = json_path_compile(state->resource->has_more_at);
	if (state->resource->incomplete_at)
		state->incomplete_at = json_path_compile(state->resource->incomplete_at);
	if (state->resource->total_at)
		state->total_at = json_path_compile(state->resource->total_at);
	if (state->resource->identity_at)
	{
		const char *const *key;

		state->identity_at = json_path_compile(state->resource->identity_at);
		for (key = state->resource->identity_keys; key && *key; key++)
			state->identity_keys = lappend_int(state->identity_keys,
											   resource_key_index(state->resource, *key));
	}

	state->tuple.t_tableOid = RelationGetRelid(rel);
	ItemPointerSetInvalid(&state->tuple.t_self);
	state->scan_cxt = AllocSetContextCreate(node->ss.ps.state->es_query_cxt,
											"saas_fdw scan", ALLOCSET_DEFAULT_SIZES);
	state->tuple_cxt = AllocSetContextCreate(state->scan_cxt,
											 "saas_fdw tuple", ALLOCSET_DEFAULT_SIZES);
	state->run_cxt = AllocSetContextCreate(state->scan_cxt,
										   "saas_fdw streams", ALLOCSET_DEFAULT_SIZES);
	{
		MemoryContext old = MemoryContextSwitchTo(state->scan_cxt);

		initStringInfo(&state->identity);
		initStringInfo(&state->seen_key);
		MemoryContextSwitchTo(old);
	}
}

/*
 * report_missing_key
 *		Raise that the scan cannot make a request: a key column of the path
 *		has no value.
 *
 * Raised at the first row asked for, so that LIMIT 0 and EXPLAIN work.
 */
static void
report_missing_key(ForeignScanState *node, SaasScanState *state)
{
	const ResourceSpec *resource = state->resource;
	const char *key = state->missing_key;
	const KeyPathSpec *alt;
	StringInfoData given;

	/* "org (path /orgs/{org}/repos) or username (path ...)" */
	initStringInfo(&given);
	for (alt = resource->key_paths; alt && alt->key; alt++)
		appendStringInfo(&given, "%s%s (path %s)", given.len > 0 ? " or " : "",
						 alt->key, alt->path_template);
	if (resource_key_path(resource, key) == NULL)
		appendStringInfo(&given, "%s (path %s)", key, resource->path_template);

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("query on foreign table \"%s\" needs a value for column \"%s\"",
					RelationGetRelationName(node->ss.ss_currentRelation), key),
			 errdetail("The %s API reads %s only for a given %s.",
					   state->options->service->name, resource->table,
					   given.data),
			 errhint("Add a condition such as WHERE %s = ... (or IN (...)), join on %s, or set it as a table option.",
					 key, key)));
}

/*
 * make_streams
 *		Write the request streams of this run, with the values of the pushed
 *		quals (Params, outer columns) evaluated now.
 *
 * Returns a List of RequestStream, allocated in the current memory context.
 */
static List *
make_streams(ForeignScanState *node, SaasScanState *state)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	List	   *bound = NIL;
	ListCell   *qcell;
	ListCell   *scell;

	forboth(qcell, state->quals, scell, state->value_states)
	{
		PushedQual *qual = lfirst(qcell);
		ExprState  *expr = lfirst(scell);
		Datum		value = (Datum) 0;
		bool		isnull = false;

		if (expr != NULL)
			value = ExecEvalExpr(expr, econtext, &isnull);
		bound = lappend(bound,
						bind_value(state->resource, qual, value, isnull,
								   qual->value ? exprType((Node *) qual->value) : InvalidOid));
	}
	return build_request_streams(state->options,
								 RelationGetRelationName(node->ss.ss_currentRelation),
								 state->quals, bound, state->trees, state->sort_index,
								 state->sort_desc, state->page_size,
								 state->fields,
								 strVal(list_nth(((ForeignScan *) node->ss.ps.plan)->fdw_private,
												 FdwScanPrivateFields)));
}

/*
 * item_identity
 *		The identity of item, "" for none.
 *
 * Returns the scan's own buffer, valid until the next call.
 */
static const char *
item_identity(SaasScanState *state, SaasJsonItem *item)
{
	SaasJsonKind kind;

	if (state->identity_at == NULL)
		return "";
	resetStringInfo(&state->identity);
	kind = json_item_value(item, state->identity_at, JOUT_JSON, &state->identity);
	return (kind == JKIND_STRING || kind == JKIND_NUMBER) ? state->identity.data : "";
}

/*
 * make_page_rows
 *		The rows of the parsed page doc (of nitems items), with cursor, the
 *		page's body cursor.
 *
 * The JSON is freed: from here on the scan needs only the rows.  The rows
 * are allocated in the current memory context (the page's).
 */
static PageRows *
make_page_rows(SaasScanState *state, SaasJsonDoc *doc, int nitems,
			   const char *cursor)
{
	PageRows   *rows = page_rows_create(cursor);
	int			i;

	(void) tuple_reader_settings_used(state->reader);
	for (i = 0; i < nitems; i++)
	{
		MemoryContext old;
		SaasJsonItem   *item = state->stream->single ?
			json_doc_object(doc, state->single_at) :
			json_doc_item(doc, i);
		HeapTuple	tuple;

		MemoryContextReset(state->tuple_cxt);
		old = MemoryContextSwitchTo(state->tuple_cxt);
		tuple = tuple_reader_form(state->reader, item, state->stream->key_values);
		tuple = page_rows_compress(tuple_reader_tupdesc(state->reader), tuple);
		MemoryContextSwitchTo(old);
		page_rows_add(rows, tuple, item_identity(state, item));
		/* now and then, let the pages on their way come in */
		if (state->ahead != NIL && i % 8 == 7)
			http_progress();
		CHECK_FOR_INTERRUPTS();
	}
	rows->settings_free = !tuple_reader_settings_used(state->reader);
	if (doc != NULL)
		json_doc_free(doc);
	return rows;
}

/*
 * drop_current_page
 *		Free the page the scan was reading, with its memory context.
 */
static void
drop_current_page(SaasScanState *state)
{
	if (state->page_cxt != NULL)
		MemoryContextDelete(state->page_cxt);
	state->page_cxt = NULL;
	state->page_url = NULL;
	memset(&state->page, 0, sizeof(state->page));
}

/*
 * check_filter_text
 *		Refuse a stream of a resource with a filter language whose query is
 *		empty: the API would search everything, or refuse.  Raised before
 *		any request.
 */
static void
check_filter_text(ForeignScanState *node, SaasScanState *state)
{
	const FilterLanguage *language = state->resource->filter;

	/* a GraphQL filter object is optional: without one, the API lists all */
	if (state->stream->filter_text == NULL || state->stream->filter_text[0] != '\0' ||
		language->graphql_object)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("query on foreign table \"%s\" has no condition the %s API can search by",
					RelationGetRelationName(node->ss.ss_currentRelation),
					state->options->service->name),
			 errdetail("The %s API reads %s only with a query.",
					   state->options->service->name, state->resource->table),
			 language->text_column ?
			 errhint("Add a condition the API searches by (see the table's documentation), or give column %s the query text.",
					 language->text_column) :
			 errhint("Add a condition the API searches by (see the table's documentation).")));
}

/*
 * check_max_results
 *		Refuse to go on when the scan needs more of the stream than the most
 *		results the API returns for one query (max_results in service.h):
 *		the next page, or the rest of a stream that ended at the cap with
 *		no page saying that was all.  An error, never a shorter result.
 */
static void
check_max_results(SaasScanState *state)
{
	int			max_results = state->resource->max_results;

	if (max_results <= 0 || state->stream_items < max_results ||
		(state->next_url == NULL && state->stream_total >= 0 &&
		 state->stream_total <= max_results))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("%s API returns at most %d results for one query, and this query may match more",
					state->options->service->name, max_results),
			 state->stream_total > max_results ?
			 errdetail("The request stream %s matches %lld items.",
					   state->stream->path_and_query, (long long) state->stream_total) :
			 errdetail("The request stream %s has returned %lld items.",
					   state->stream->path_and_query, (long long) state->stream_items),
			 errhint("Narrow the query with conditions the API searches by, or add a LIMIT of at most %d.",
					 max_results)));
}

/*
 * page_value
 *		The value at path (or NULL) in the body of a parsed page, as text
 *		in buf, palloc'd; its kind, JKIND_MISSING without a path.
 */
static SaasJsonKind
page_value(SaasJsonDoc *doc, SaasJsonPath *path, StringInfo buf)
{
	initStringInfo(buf);
	if (path == NULL)
		return JKIND_MISSING;
	return json_item_value(json_doc_root(doc), path, JOUT_TEXT, buf);
}

/*
 * check_page_body
 *		Read what a parsed page says of the number of matches (total_at),
 *		and refuse a page that says the API answered with only part of them
 *		(incomplete_at in service.h): an error, never a shorter result.
 */
static void
check_page_body(SaasScanState *state, SaasJsonDoc *doc)
{
	StringInfoData buf;

	if (page_value(doc, state->total_at, &buf) == JKIND_NUMBER)
		state->stream_total = strtoi64(buf.data, NULL, 10);
	if (page_value(doc, state->incomplete_at, &buf) == JKIND_BOOL &&
		strcmp(buf.data, "true") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("%s API answered with only part of the matches",
						state->options->service->name),
				 errdetail("The body says \"%s\": true (the API stopped searching at its time limit).",
						   state->resource->incomplete_at),
				 errhint("Narrow the query with conditions the API searches by, then try again."),
				 errcontext("API request: %s %s", scan_method(state), state->page_url)));
}

/*
 * start_stream
 *		Make stream the stream being read, from its first page on.
 *
 * Its URL and row layout are allocated in run_cxt; those of the stream
 * before it are freed, unless it waits in a lane (scan_lanes.c).
 */
static void
start_stream(ForeignScanState *node, SaasScanState *state,
			 RequestStream *stream)
{
	MemoryContext old;

	/* one stream's strings at a time: an IN list may make thousands */
	if (state->lanes == NULL)
	{
		if (state->stream_url != NULL)
			pfree(state->stream_url);
		if (state->row_layout != NULL)
			pfree(state->row_layout);
		if (state->stream_seen != NULL)
			hash_destroy(state->stream_seen);
	}
	state->stream = stream;
	old = MemoryContextSwitchTo(state->run_cxt);
	state->stream_url = psprintf("%s%s", state->options->base_url,
								 state->stream->path_and_query);
	state->row_layout = tuple_reader_layout(state->reader,
											state->stream->key_values);
	MemoryContextSwitchTo(old);
	state->stream_pages = 0;
	state->stream_items = 0;
	state->stream_total = -1;
	state->numbered_planned = false;
	check_filter_text(node, state);
	state->stream_seen = NULL;
}

/*
 * start_lanes
 *		Read the streams of a range split in turn (scan_lanes.c), when the
 *		order of the rows is free and the scan may read ahead: each
 *		stream's first page is requested now.
 *
 * The lanes and their strings are allocated in run_cxt.
 */
static void
start_lanes(ForeignScanState *node, SaasScanState *state)
{
	MemoryContext old;
	ListCell   *cell;

	if (list_length(state->streams) < 2 || state->sort_index >= 0 ||
		state->read_ahead <= 0 ||
		((RequestStream *) linitial(state->streams))->split_column == NULL)
		return;
	state->lanes = MemoryContextAllocZero(state->run_cxt,
										  sizeof(StreamLane) * list_length(state->streams));
	state->lane = -1;
	foreach(cell, state->streams)
	{
		start_stream(node, state, lfirst(cell));
		state->lane = state->nlanes++;
		old = MemoryContextSwitchTo(state->run_cxt);
		state->next_url = pstrdup(state->stream_url);
		state->ahead = list_make1(scan_request_page(state, state->stream_url));
		MemoryContextSwitchTo(old);
		scan_lane_save(state);
	}
	state->next_stream = list_length(state->streams);
}

/*
 * fetch_next_page
 *		Fetch the next page, of this stream or the next one, and make its
 *		rows; false when every stream is done.
 *
 * The page and its rows live in the page's memory context (page_cxt).
 */
static bool
fetch_next_page(ForeignScanState *node, SaasScanState *state)
{
	MemoryContext old;
	PendingPage *pending = NULL;
	char	   *url;
	char	   *cursor = NULL;
	int			nitems = 0;
	bool		refused;

	if (!state->streams_built)
	{
		if (state->missing_key != NULL)
			report_missing_key(node, state);
		old = MemoryContextSwitchTo(state->run_cxt);
		state->streams = make_streams(node, state);
		/* streams that may return one item return it once */
		if (list_length(state->streams) > 1 && state->identity_at != NULL)
			state->seen_items = seen_items_create(state->run_cxt, 256, NULL);
		state->streams_built = true;
		MemoryContextSwitchTo(old);
		start_lanes(node, state);
	}
	if (!state->activity_started)
	{
		activity_scan_start(&state->activity, state->options->serverid,
							RelationGetRelid(node->ss.ss_currentRelation));
		state->activity_started = true;
	}

	/* the streams of a range split in turn, a page each */
	if (state->lanes != NULL)
	{
		if (state->stream != NULL && state->next_url == NULL)
			check_max_results(state);
		if (!scan_next_lane(state))
			return false;
	}
	if (state->next_url == NULL)
	{
		if (state->stream != NULL)
			check_max_results(state);
		scan_drop_pages_ahead(state);
		if (state->next_stream >= list_length(state->streams))
			return false;
		start_stream(node, state, list_nth(state->streams, state->next_stream++));
		url = state->stream_url;
	}
	else
	{
		url = state->next_url;
		check_max_results(state);
		if (state->ahead != NIL &&
			strcmp(((PendingPage *) linitial(state->ahead))->url, url) == 0)
		{
			pending = linitial(state->ahead);
			state->ahead = list_delete_first(state->ahead);
		}
		else
			scan_drop_pages_ahead(state);	/* not the page the API names */
	}

	if (++state->stream_pages > saas_max_pages)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s API request stream passed %d pages",
						state->options->service->name, saas_max_pages),
				 errhint("Narrow the query, or raise saas_fdw.max_pages.")));

	/* the previous page goes before the next one comes */
	drop_current_page(state);
	if (pending == NULL)
		pending = scan_request_page(state, url);
	if (state->next_url)
		pfree(state->next_url);
	state->next_url = NULL;
	state->page_cxt = pending->cxt;
	state->page_url = pending->url;

	activity_request(&state->activity, pending->url);
	old = MemoryContextSwitchTo(state->page_cxt);
	state->page = fetch_page_finish(pending->fetch);
	refused = state->page.doc == NULL && state->page.rows == NULL;
	state->record.pages++;
	if (state->page.rows != NULL)
		cursor = state->page.rows->cursor;
	else if (state->page.doc != NULL)
	{
		nitems = state->stream->single ? 1 :
			json_doc_items(state->page.doc, state->items_at,
						   state->resource->scalar_items);
		cursor = scan_body_cursor(state, state->page.doc, nitems);
		check_page_body(state, state->page.doc);
	}
	state->stream_items += state->page.rows != NULL ? state->page.rows->ntuples : nitems;
	url = scan_next_url(state, cursor);
	if (url != NULL && scan_stream_loops(state, url))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("%s API pagination loops: the next page is one this scan already fetched",
						state->options->service->name),
				 errdetail("The next page's URL is %s.", url),
				 errcontext("API request: %s %s", scan_method(state), state->page_url)));
	MemoryContextSwitchTo(old);

	if (url != NULL)
		state->next_url = MemoryContextStrdup(state->run_cxt, url);
	/* the next pages are on their way while this one is converted */
	scan_read_ahead(state);

	if (state->page.rows == NULL)
	{
		old = MemoryContextSwitchTo(state->page_cxt);
		if (state->page.doc != NULL)
			state->record.pages_parsed++;
		state->page.rows = make_page_rows(state, state->page.doc, nitems, cursor);
		state->page.doc = NULL;
		fetch_page_keep_rows(pending->fetch, state->page.rows);
		MemoryContextSwitchTo(old);
	}
	pfree(pending);

	/*
	 * The API refused a value of the stream's boolean trees as one that
	 * exists nowhere: ask the same search without them next (emit_stream).
	 * (A range split's lanes never hold such a stream: no filter language
	 * splits a range.)
	 */
	if (refused && state->stream->fallback != NULL && state->stream_pages == 1 &&
		state->lanes == NULL)
	{
		old = MemoryContextSwitchTo(state->run_cxt);
		state->streams = list_insert_nth(state->streams, state->next_stream,
										 state->stream->fallback);
		MemoryContextSwitchTo(old);
	}
	state->item_count = state->page.rows->ntuples;
	state->rows_received += state->item_count;
	activity_page_done(&state->activity, state->record.pages,
					   state->rows_received, &state->record.counters);
	state->item_index = 0;
	state->row_offset = 0;
	return true;
}

/*
 * seen_before
 *		Has this run of the streams returned the item of this identity
 *		already?  Remembers it, in run_cxt.
 *
 * An item without an identity is always new.
 */
static bool
seen_before(SaasScanState *state, const char *identity)
{
	StringInfo	key = &state->seen_key;
	ListCell   *cell;
	SeenItem   *entry;
	bool		found;

	if (identity[0] == '\0')
		return false;
	resetStringInfo(key);
	/* the key values it is unique within, each with its length */
	foreach(cell, state->identity_keys)
	{
		const char *value = list_nth(state->stream->key_values, lfirst_int(cell));

		appendStringInfo(key, "%zu:%s ", strlen(value), value);
	}
	appendStringInfoString(key, identity);
	entry = seen_items_insert(state->seen_items, key->data, &found);
	if (!found)
		entry->identity = MemoryContextStrdup(state->run_cxt, key->data);
	return found;
}

/*
 * saasIterateForeignScan
 *		Return the next row in the scan tuple slot, or an empty slot at the
 *		end.
 *
 * The slot points at the tuple in the current page, which stays until the
 * next call may drop the page.
 */
TupleTableSlot *
saasIterateForeignScan(ForeignScanState *node)
{
	SaasScanState *state = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	const char *identity;

	ExecClearTuple(slot);
	for (;;)
	{
		while (state->item_index >= state->item_count)
		{
			if (!fetch_next_page(node, state))
				return slot;
		}

		page_rows_read(state->page.rows, &state->row_offset, &state->tuple,
					   &identity);
		/* now and then, let the pages on their way come in */
		if (state->ahead != NIL && state->item_index % 8 == 0)
			http_progress();
		state->item_index++;
		if (state->seen_items == NULL || !seen_before(state, identity))
			break;
		state->record.duplicates++;
	}

	/* the tuple stays where it is until the next call drops the page */
	ExecForceStoreHeapTuple(&state->tuple, slot, false);
	return slot;
}

/*
 * saasReScanForeignScan
 *		Start the scan again: the values may have changed, so the streams
 *		are written again at the next row, and what the run built is freed.
 */
void
saasReScanForeignScan(ForeignScanState *node)
{
	SaasScanState *state = node->fdw_state;

	/* parameters may have changed: write the streams again */
	scan_drop_lanes(state);
	drop_current_page(state);
	/* what the previous run built: values, streams, URLs, identities */
	MemoryContextReset(state->run_cxt);
	state->streams = NIL;
	state->streams_built = false;
	state->next_stream = 0;
	state->stream = NULL;
	state->stream_url = NULL;
	state->row_layout = NULL;
	state->next_url = NULL;
	state->stream_seen = NULL;
	state->seen_items = NULL;
	state->item_count = 0;
	state->item_index = 0;
}

/*
 * saasEndForeignScan
 *		Stop the requests still on their way and free the last page now.
 */
void
saasEndForeignScan(ForeignScanState *node)
{
	SaasScanState *state = node->fdw_state;

	if (state == NULL)
		return;
	activity_scan_end(&state->activity);
	/* stop requests still on their way; free the last page now */
	if (state->scan_cxt)
	{
		scan_drop_lanes(state);
		drop_current_page(state);
	}
}

/*
 * scan_record
 *		What the scan of node recorded while it ran, for EXPLAIN ANALYZE.
 *
 * The record belongs to the scan's state.
 */
const ScanRecord *
scan_record(ForeignScanState *node)
{
	return &((SaasScanState *) node->fdw_state)->record;
}
