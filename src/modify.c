/*-------------------------------------------------------------------------
 *
 * modify.c
 *		  INSERT, UPDATE and DELETE: one API request per row, as the
 *		  resource's WritesSpec (service.h) describes it.  Planning them is
 *		  modify_plan.c's.
 *
 * Invariants:
 *
 * - Exactly once.  With an idempotency header (Stripe) each row's request
 *   carries a random key of its own, the same on every retry, and is
 *   retried like a read (a DELETE, idempotent there by itself, without a
 *   key).  Without one it is sent at most once
 *   (HttpRequest.at_most_once: only a 429, answered before acting, is
 *   retried); when its outcome is unknown (the connection failed after the
 *   request may have arrived, or a 5xx answer) the error has SQLSTATE 08007
 *   (api_report_write_unknown) and its DETAIL names the SELECT that finds
 *   out.  Such a request also goes on a connection of its own (http.c), so
 *   that libcurl never sends it again by itself.
 *
 * - Writes never use the page cache; once one succeeded, every page
 *   cached for the server is forgotten for every backend
 *   (cache_forget_server), so the next SELECT anywhere asks the API again.
 *   Per server, not per resource: a write shows in other resources of the
 *   API too (a GitHub issue in search_issues, a Jira comment in its
 *   issue's updated time).
 *
 * - RETURNING is filled from the API's answer (the object written), by the
 *   scan's conversion (convert.c); for an API that answers with less
 *   (WritesSpec.refetch_path: Jira), from a GET of the object written,
 *   sent only when the statement has RETURNING.  A DELETE, whose answer
 *   holds no object, returns the row as the scan read it.
 *
 * - An answer fails the write as a read's would, an API's error sent with
 *   HTTP 200 too ("ok": false, GraphQL's errors[]); so does a payload
 *   whose success flag (WritesSpec.success_at) is not true.
 *
 * - A ROLLBACK cannot undo a request: when a transaction that made API
 *   writes aborts, a WARNING says how many reached the API and which
 *   (write_xact.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "api_error.h"
#include "cache.h"
#include "convert.h"
#include "credential.h"
#include "fetch.h"
#include "modify.h"
#include "modify_internal.h"
#include "request.h"
#include "saas_fdw.h"
#include "write_body.h"
#include "write_xact.h"

/* One column a request names: in its path, or in its body. */
typedef struct WriteColumn
{
	AttrNumber	attnum;
	const char *name;			/* the API's name for it */
	Oid			typid;
	AttrNumber	junk;			/* identity: its junk column in the plan */
	const char *body_path;		/* body_at_paths: its place in the body */
	bool		adf;			/* written as an ADF document */
} WriteColumn;

/* The executor state of a ModifyTable on one foreign table. */
typedef struct ModifyState
{
	const char *method;
	Relation	rel;
	SaasTableOptions *options;
	const WritesSpec *writes;
	const WriteSpec *write;
	char	   *token;
	uint64		credential;
	WriteColumn *body;			/* the columns the body sends */
	int			nbody;
	List	   *identity;		/* WriteColumns named by the path (UPDATE,
								 * DELETE: from the junk columns) */
	AttrNumber	wholerow;		/* DELETE ... RETURNING: the old row */
	bool		returning;		/* the statement has RETURNING */
	TupleReader *reader;		/* RETURNING: makes the row of the answer */
	SaasJsonPath *result_at;
	HttpCounters counters;
	MemoryContext row_cxt;		/* reset for each row */
} ModifyState;

/*
 * saasBeginForeignInsert
 *		COPY FROM into the table, or a row routed to it as a partition:
 *		refused, since no plan checked the columns such rows give.
 */
void
saasBeginForeignInsert(ModifyTableState *mtstate, ResultRelInfo *rinfo)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot copy or route rows into foreign table \"%s\"",
					RelationGetRelationName(rinfo->ri_RelationDesc)),
			 errdetail("saas_fdw writes only by INSERT, UPDATE and DELETE on the foreign table itself."),
			 errhint("Load the rows into a table, then INSERT INTO the foreign table ... SELECT from it.")));
}

/* ----------------------------------------------------------------
 *		Execution
 * ----------------------------------------------------------------
 */

/*
 * body_name
 *		The API's name of column in a body (WritesSpec.body_names), else
 *		the column's own.  Not copied.
 */
static const char *
body_name(const WritesSpec *writes, const char *column)
{
	const char *const *pair;
	size_t		len = strlen(column);

	for (pair = writes->body_names; pair && *pair; pair++)
		if (strncmp(*pair, column, len) == 0 && (*pair)[len] == ':')
			return *pair + len + 1;
	return column;
}

static void
init_write_column(WriteColumn *column, Relation rel, AttrNumber attnum)
{
	column->attnum = attnum;
	column->name = saas_column_name(RelationGetRelid(rel), attnum);
	column->typid = TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid;
	column->junk = InvalidAttrNumber;
}

/*
 * saasBeginForeignModify
 *		Set up the writes of one result relation: credentials, the columns
 *		of the body and of the path, RETURNING.
 */
void
saasBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
					   List *fdw_private, int subplan_index, int eflags)
{
	ModifyState *state = palloc0(sizeof(ModifyState));
	CmdType		operation = mtstate->operation;
	Relation	rel = rinfo->ri_RelationDesc;
	Oid			relid = RelationGetRelid(rel);
	Plan	   *subplan = outerPlanState(mtstate)->plan;
	List	   *columns;
	ListCell   *cell;
	bool		returning;

	rinfo->ri_FdwState = state;
	state->method = strVal(list_nth(fdw_private, FdwModifyPrivateMethod));
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	state->rel = rel;
	state->options = saas_get_table_options(relid);
	state->writes = state->options->resource->writes;
	state->write = modify_command_write(state->options, operation,
								 RelationGetRelationName(rel));
	state->token = saas_get_token(state->options->serverid,
								  saas_modify_user(rinfo, mtstate->ps.state));
	state->credential = credential_fingerprint(state->token);

	columns = list_nth(fdw_private, FdwModifyPrivateColumns);
	state->body = palloc0(sizeof(WriteColumn) * Max(list_length(columns), 1));
	foreach(cell, columns)
	{
		WriteColumn *column = &state->body[state->nbody++];
		const ColumnSpec *spec;

		init_write_column(column, rel, lfirst_int(cell));
		spec = resource_column(state->options->resource, column->name);
		if (state->writes->body == BODY_GRAPHQL)
			column->body_path = psprintf("input.%s",
										 body_name(state->writes, column->name));
		else if (state->writes->body_at_paths && spec != NULL && spec->path != NULL)
			column->body_path = spec->path;
		column->adf = modify_names_column(state->writes->adf_columns, column->name);
	}

	foreach(cell, modify_key_columns(state->write))
	{
		const char *name = lfirst(cell);
		WriteColumn *column = palloc0(sizeof(WriteColumn));

		column->attnum = saas_column_attnum(relid, name);
		if (column->attnum != InvalidAttrNumber)
			init_write_column(column, rel, column->attnum);
		column->name = name;
		if (operation != CMD_INSERT && column->attnum != InvalidAttrNumber)
		{
			column->junk = ExecFindJunkAttributeInTlist(subplan->targetlist,
														psprintf(IDENTITY_PREFIX "%s", name));
			if (!AttributeNumberIsValid(column->junk))
				elog(ERROR, "could not find junk column for %s", name);
		}
		state->identity = lappend(state->identity, column);
	}
	returning = boolVal(list_nth(fdw_private, FdwModifyPrivateReturning));
	state->returning = returning;
	if (operation == CMD_DELETE && returning)
		state->wholerow = ExecFindJunkAttributeInTlist(subplan->targetlist, "wholerow");

	if (returning && operation != CMD_DELETE)
	{
		state->reader = tuple_reader_create(rel, state->options->resource,
											list_make1_int(0));
		state->result_at = json_path_compile(state->writes->result_at &&
											 !state->writes->refetch_path ?
											 state->writes->result_at : "");
	}
	state->row_cxt = AllocSetContextCreate(mtstate->ps.state->es_query_cxt,
										   "saas_fdw modify",
										   ALLOCSET_DEFAULT_SIZES);
}

/* the text form of a value of column, in the database encoding */
static char *
value_text(const WriteColumn *column, Datum value)
{
	Oid			output;
	bool		varlena;

	getTypeOutputInfo(column->typid, &output, &varlena);
	return OidOutputFunctionCall(output, value);
}

/*
 * row_key
 *		The value of path column column for this row: the old row's (its
 *		junk column in planSlot) for UPDATE and DELETE, the new row's or the
 *		table option's for INSERT; NULL if none.  palloc'd.
 */
static char *
row_key(ModifyState *state, const WriteColumn *column, TupleTableSlot *slot,
		TupleTableSlot *planSlot)
{
	Datum		value;
	bool		isnull = true;

	if (AttributeNumberIsValid(column->junk))
		value = ExecGetJunkAttribute(planSlot, column->junk, &isnull);
	else if (column->attnum != InvalidAttrNumber)
		value = slot_getattr(slot, column->attnum, &isnull);
	if (!isnull)
		return value_text(column, value);
	return (char *) modify_fixed_key(state->options, column->name);
}

/*
 * check_query
 *		The SELECT that finds the row a write may have made or changed, for
 *		the DETAIL of an error whose outcome is unknown.  palloc'd.
 */
static char *
check_query(ModifyState *state, List *keys, TupleTableSlot *slot)
{
	StringInfoData buf;
	ListCell   *cell;
	int			i = 0;
	int			terms = 0;
	const char *const *required;

	initStringInfo(&buf);
	appendStringInfo(&buf, "SELECT * FROM %s",
					 quote_qualified_identifier(get_namespace_name(RelationGetNamespace(state->rel)),
												RelationGetRelationName(state->rel)));
	foreach(cell, state->identity)
	{
		const WriteColumn *column = lfirst(cell);
		const char *value = list_nth(keys, i++);

		if (value == NULL || column->attnum == InvalidAttrNumber)
			continue;
		appendStringInfo(&buf, " %s %s = %s", terms++ > 0 ? "AND" : "WHERE",
						 quote_identifier(get_attname(RelationGetRelid(state->rel),
													  column->attnum, false)),
						 quote_literal_cstr(value));
	}
	for (required = state->write->required; required && *required; required++)
	{
		AttrNumber	attnum = saas_column_attnum(RelationGetRelid(state->rel), *required);
		WriteColumn column;
		bool		isnull;
		Datum		value;

		/* a document is no value to compare */
		if (attnum == InvalidAttrNumber ||
			modify_names_column(state->writes->adf_columns, *required))
			continue;
		init_write_column(&column, state->rel, attnum);
		value = slot_getattr(slot, attnum, &isnull);
		if (!isnull)
			appendStringInfo(&buf, " %s %s = %s", terms++ > 0 ? "AND" : "WHERE",
							 quote_identifier(get_attname(RelationGetRelid(state->rel), attnum, false)),
							 quote_literal_cstr(value_text(&column, value)));
	}
	return buf.data;
}

/*
 * check_success
 *		Raise if the answer doc to the write of url says the change was not
 *		made (WritesSpec.success_at false, or no answer).
 */
static void
check_success(ModifyState *state, SaasJsonDoc *doc, const char *url)
{
	StringInfoData text;
	SaasJsonKind kind = JKIND_MISSING;

	initStringInfo(&text);
	if (doc != NULL)
		kind = json_item_value(json_doc_root(doc),
							   json_path_compile(state->writes->success_at),
							   JOUT_TEXT, &text);
	if (kind == JKIND_BOOL && strcmp(text.data, "true") == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("%s API did not make the change of %s %s",
					state->options->service->name, state->method, url),
			 errdetail("The answer's %s is %s.", state->writes->success_at,
					   kind == JKIND_BOOL ? text.data : "missing"),
			 errhint("Check the values written, and that the token may change this item.")));
}

/*
 * send_write
 *		Send one row's request of method and return the API's answer
 *		(status < 300, and for an API that says so in the body, "ok"),
 *		parsed, or NULL if it is empty; palloc'd.  An error whose outcome is
 *		unknown (see the file header; also an "ok": false that says the
 *		service failed) is raised as SQLSTATE 08007, with the SELECT check
 *		that finds out in its DETAIL.  A GET (refetch_path) is a read: it
 *		is retried as reads are, and changes nothing.
 */
static SaasJsonDoc *
send_write(ModifyState *state, const char *method, const char *path,
		   const char *body, const char *check)
{
	const SaasTableOptions *options = state->options;
	HttpRequest request;
	const char *url = psprintf("%s%s", options->base_url, path);
	const char **headers;
	int			n = 0;
	const char *const *h;
	HttpResponse *response;
	SaasJsonDoc *volatile doc = NULL;
	volatile bool unknown = false;
	MemoryContext cxt = CurrentMemoryContext;
	bool		read = strcmp(method, "GET") == 0;

	for (h = options->service->headers; h && *h; h++)
		n++;
	headers = palloc0(sizeof(char *) * (n + 2));
	memcpy(headers, options->service->headers, sizeof(char *) * n);
	if (state->writes->idempotency_header != NULL &&
		strcmp(method, "DELETE") != 0 && !read)
	{
		char		key[16];
		StringInfoData value;
		int			i;

		if (!pg_strong_random(key, sizeof(key)))
			elog(ERROR, "could not generate an idempotency key");
		initStringInfo(&value);
		appendStringInfo(&value, "%s: saas_fdw-", state->writes->idempotency_header);
		for (i = 0; i < (int) sizeof(key); i++)
			appendStringInfo(&value, "%02x", (unsigned char) key[i]);
		headers[n] = value.data;
	}

	memset(&request, 0, sizeof(request));
	request.url = url;
	request.token = state->token;
	request.auth = fetch_auth_scheme(options->service);
	request.headers = headers;
	request.ca_file = options->ca_file;
	request.serverid = options->serverid;
	request.credential = state->credential;
	request.timeout_ms = options->timeout_ms;
	request.connect_timeout_ms = options->connect_timeout_ms;
	request.max_retries = options->max_retries;
	request.method = read ? NULL : method;
	request.body = body;
	request.content_type = write_body_content_type(state->writes->body);
	request.at_most_once = state->writes->idempotency_header == NULL && !read;
	request.pace_ms = state->writes->paced && !read ? saas_write_interval_ms : 0;

	PG_TRY();
	{
		response = http_finish(http_start(&request, &state->counters));
		unknown = response->status >= 500;
		if (response->status >= 300)
			api_report_method_error(options->service, method, url, response);
		if (response->body_len > 0)
			doc = json_doc_parse(response->body, response->body_len);
		if (doc != NULL && (options->service->ok_flag_at != NULL ||
							options->service->errors_at != NULL))
		{
			unknown = api_ok_flag_transient(options->service, doc);
			api_check_method_ok_flag(options->service, method, url,
									 response, doc);
		}
		if (!read && state->writes->success_at != NULL)
			check_success(state, doc, url);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (request.at_most_once &&
			(edata->sqlerrcode == ERRCODE_TRANSACTION_RESOLUTION_UNKNOWN || unknown))
		{
			FlushErrorState();
			api_report_write_unknown(options->service->name, method, url,
									 edata->message, edata->detail, check);
		}
		FreeErrorData(edata);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (!read)
	{
		write_xact_note(method, path);
		cache_forget_server(options->serverid);
	}
	return doc;
}

/*
 * fill_path
 *		The path of template for this row: each {x} is identity column x of
 *		the row (keys), else, for the GET that reads back the object written
 *		(WritesSpec.refetch_path), the value at column x's path in the
 *		answer doc.  An answer that names no such value is an error.
 *		palloc'd.
 */
static char *
fill_path(ModifyState *state, const char *template, List *keys,
		  SaasJsonDoc *doc, const char *written)
{
	const ResourceSpec *resource = state->options->resource;
	StringInfoData path;
	const char *p;

	initStringInfo(&path);
	for (p = template; *p; p++)
	{
		const char *close = strchr(p, '}');
		char	   *name;
		char	   *value = NULL;
		ListCell   *cell;
		int			k = 0;

		if (*p != '{' || close == NULL)
		{
			appendStringInfoChar(&path, *p);
			continue;
		}
		name = pnstrdup(p + 1, close - p - 1);
		foreach(cell, state->identity)
		{
			if (strcmp(((WriteColumn *) lfirst(cell))->name, name) == 0)
				value = list_nth(keys, k);
			k++;
		}
		if (value == NULL && doc != NULL && resource_column(resource, name) != NULL)
		{
			StringInfoData text;
			SaasJsonKind kind;

			initStringInfo(&text);
			kind = json_item_value(json_doc_root(doc),
								   json_path_compile(resource_column(resource, name)->path),
								   JOUT_TEXT, &text);
			if (kind != JKIND_MISSING && kind != JKIND_NULL &&
				kind != JKIND_OBJECT && kind != JKIND_ARRAY && text.len > 0)
				value = text.data;
		}
		if (value == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("%s API's answer to %s %s does not name the %s written",
							state->options->service->name, state->method,
							written, name),
					 errdetail("RETURNING reads the object written back with GET %s, which needs %s.",
							   template, name),
					 errhint("Leave RETURNING out, and find the row with a SELECT.")));
		append_encoded(&path, value, resource_is_key_column(resource, name));
		p = close;
	}
	return path.data;
}

/*
 * write_row
 *		Make one row's change: its path from keys, its body from the body
 *		columns of slot, the request; then RETURNING from the answer.
 */
static TupleTableSlot *
write_row(ModifyState *state, TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	MemoryContext old;
	List	   *keys = NIL;
	List	   *key_values = NIL;
	char	   *path;
	char	   *body = NULL;
	SaasJsonDoc *doc;
	ListCell   *cell;
	const char *const *required;
	const ResourceSpec *resource = state->options->resource;

	MemoryContextReset(state->row_cxt);
	old = MemoryContextSwitchTo(state->row_cxt);
	foreach(cell, state->identity)
	{
		const WriteColumn *column = lfirst(cell);
		char	   *value = row_key(state, column, slot, planSlot);

		if (value == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("no value for column \"%s\" of foreign table \"%s\"",
							column->name, RelationGetRelationName(state->rel)),
					 errdetail("The %s API's request is %s %s.",
							   state->options->service->name, state->method,
							   state->write->path_template),
					 errhint("Give %s a value, or set it as an option of the foreign table.",
							 column->name)));
		keys = lappend(keys, value);
	}

	if (state->nbody > 0 || state->write->required || state->write->body_keys)
	{
		WriteBody	wb;
		int			i;
		int			k = 0;

		for (required = state->write->required; required && *required; required++)
		{
			AttrNumber	attnum = saas_column_attnum(RelationGetRelid(state->rel), *required);
			bool		isnull = true;

			if (attnum != InvalidAttrNumber)
				(void) slot_getattr(slot, attnum, &isnull);
			if (isnull)
				ereport(ERROR,
						(errcode(ERRCODE_NOT_NULL_VIOLATION),
						 errmsg("%s into foreign table \"%s\" needs a value for column \"%s\"",
								modify_command_name(CMD_INSERT),
								RelationGetRelationName(state->rel), *required),
						 errdetail("The %s API requires %s to create an item of %s.",
								   state->options->service->name, *required,
								   resource->table),
						 errhint("Give %s a value.", *required)));
		}
		write_body_start(&wb, state->writes->body);
		foreach(cell, state->identity)
		{
			const WriteColumn *column = lfirst(cell);
			char	   *value = list_nth(keys, k++);

			if (modify_names_column(state->write->body_keys, column->name))
				write_body_add(&wb, body_name(state->writes, column->name),
							   TEXTOID, CStringGetTextDatum(value), false);
		}
		for (i = 0; i < state->nbody; i++)
		{
			const WriteColumn *column = &state->body[i];
			bool		isnull;
			Datum		value = slot_getattr(slot, column->attnum, &isnull);

			/* an INSERT sends what it gives, an UPDATE what it sets */
			if (isnull && state->write == &state->writes->insert)
				continue;
			if (column->body_path != NULL || column->adf)
				write_body_add_at(&wb, column->body_path ? column->body_path :
								  column->name, column->adf, column->typid,
								  value, isnull);
			else
				write_body_add(&wb, body_name(state->writes, column->name),
							   column->typid, value, isnull);
		}
		body = write_body_finish(&wb);
		if (state->writes->body == BODY_GRAPHQL)
			body = graphql_mutation_body(resource, state->write->graphql_mutation,
										 body, state->returning);
	}

	path = fill_path(state, state->write->path_template, keys, NULL, NULL);
	doc = send_write(state, state->method, path, body,
					 check_query(state, keys, slot));
	if (state->reader != NULL && state->writes->refetch_path != NULL)
		doc = send_write(state, "GET",
						 fill_path(state, state->writes->refetch_path, keys,
								   doc, path), NULL, NULL);

	if (state->reader != NULL)
	{
		SaasJsonItem *item;
		const char *const *key;
		HeapTuple	tuple;

		if (doc == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("%s API answered %s %s without a body",
							state->options->service->name, state->method, path),
					 errdetail("RETURNING is filled from the object the API returns."),
					 errhint("Leave RETURNING out for this table.")));
		item = json_doc_object(doc, state->result_at);
		for (key = resource->key_columns; key && *key; key++)
		{
			AttrNumber	attnum = saas_column_attnum(RelationGetRelid(state->rel), *key);
			WriteColumn column;
			bool		isnull = true;
			Datum		value = 0;

			if (attnum != InvalidAttrNumber)
			{
				init_write_column(&column, state->rel, attnum);
				value = slot_getattr(slot, attnum, &isnull);
			}
			key_values = lappend(key_values, isnull ? (char *) modify_fixed_key(state->options, *key)
								 : value_text(&column, value));
		}
		MemoryContextSwitchTo(old);
		tuple = tuple_reader_form(state->reader, item, key_values);
		ExecForceStoreHeapTuple(tuple, slot, true);
	}
	MemoryContextSwitchTo(old);
	return slot;
}

TupleTableSlot *
saasExecForeignInsert(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	return write_row(rinfo->ri_FdwState, slot, planSlot);
}

TupleTableSlot *
saasExecForeignUpdate(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	return write_row(rinfo->ri_FdwState, slot, planSlot);
}

TupleTableSlot *
saasExecForeignDelete(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	ModifyState *state = rinfo->ri_FdwState;

	write_row(state, slot, planSlot);
	if (AttributeNumberIsValid(state->wholerow))
	{
		bool		isnull;
		Datum		row = ExecGetJunkAttribute(planSlot, state->wholerow, &isnull);
		HeapTupleData tuple;

		if (isnull)
			elog(ERROR, "wholerow is NULL");
		tuple.t_data = DatumGetHeapTupleHeader(row);
		tuple.t_len = HeapTupleHeaderGetDatumLength(tuple.t_data);
		ItemPointerSetInvalid(&tuple.t_self);
		tuple.t_tableOid = RelationGetRelid(state->rel);
		ExecForceStoreHeapTuple(heap_copytuple(&tuple), slot, true);
	}
	return slot;
}

void
saasEndForeignModify(EState *estate, ResultRelInfo *rinfo)
{
	ModifyState *state = rinfo->ri_FdwState;

	if (state != NULL && state->row_cxt != NULL)
		MemoryContextDelete(state->row_cxt);
}

/*
 * saasExplainForeignModify
 *		The request each row makes (and a GraphQL write's mutation); with
 *		ANALYZE, how many were sent.
 */
void
saasExplainForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
						 List *fdw_private, int subplan_index,
						 ExplainState *es)
{
	ModifyState *state = rinfo->ri_FdwState;

	if (es->verbose)
	{
		Relation	rel = rinfo->ri_RelationDesc;
		const WriteSpec *write;

		ExplainPropertyText("API Request",
							psprintf("%s %s",
									 strVal(list_nth(fdw_private, FdwModifyPrivateMethod)),
									 strVal(list_nth(fdw_private, FdwModifyPrivatePath))),
							es);
		/* a GraphQL write: its mutation, the selection set left out */
		write = modify_command_write(saas_get_table_options(RelationGetRelid(rel)),
									 mtstate->operation, RelationGetRelationName(rel));
		if (write->graphql_mutation != NULL)
			ExplainPropertyText("GraphQL Mutation",
								psprintf(write->graphql_mutation, "..."), es);
	}
	if (es->analyze && state != NULL)
	{
		ExplainPropertyInteger("API Requests", NULL, state->counters.requests, es);
		ExplainPropertyInteger("API Retries", NULL, state->counters.retries, es);
	}
}
