/*-------------------------------------------------------------------------
 *
 * describe.c
 *		  COMMENTs on the foreign tables IMPORT FOREIGN SCHEMA creates: what
 *		  each table and column is, and which filters reach the API; and
 *		  saas_fdw_describe(), the same facts as a table, before any IMPORT.
 *
 * IMPORT FOREIGN SCHEMA may hand back only CREATE FOREIGN TABLE statements,
 * so the comments are set by an event trigger the extension script creates
 * (ddl_command_end, tag IMPORT FOREIGN SCHEMA).  It looks only at the
 * foreign tables that very statement created, and only at those of a
 * saas_fdw server: tables created earlier, their comments, and the tables of
 * other wrappers are never touched.  BI tools show these comments as table
 * and column descriptions (JDBC's REMARKS).
 *
 * The "pushed down" part is written from the service description
 * (PushdownSpec, SortSpec, key columns), so it cannot drift from what the
 * planner does; the free text comes from ResourceSpec.doc and
 * ColumnSpec.doc.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "commands/comment.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "saas_fdw.h"

/* How each pushable operator is written in a comment. */
static const char *const push_op_text[] = {
	[PUSH_EQ] = "=, IN",
	[PUSH_LT] = "<",
	[PUSH_LE] = "<=",
	[PUSH_GT] = ">",
	[PUSH_GE] = ">=",
	[PUSH_CONTAINS] = "= ANY, @>",
	[PUSH_IS_NULL] = "IS NULL",
	[PUSH_IS_NOT_NULL] = "IS NOT NULL",
	[PUSH_IS_TRUE] = "= true",
	[PUSH_IS_FALSE] = "= false",
	[PUSH_NE] = "<>, NOT IN"
};

/*
 * append_item
 *		Append item to a list in buf: after first_prefix when buf is
 *		empty, else after ", ".
 */
static void
append_item(StringInfo buf, const char *first_prefix, const char *item)
{
	appendStringInfo(buf, "%s%s", buf->len == 0 ? first_prefix : ", ", item);
}

/*
 * column_filters
 *		The operators the API filters this column by ("=, IN, <"), "" for
 *		none; *approximate tells whether the API applies any of them only
 *		roughly.
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
column_filters(const ResourceSpec *resource, const char *column,
			   bool *approximate)
{
	StringInfoData buf;
	int			op;
	int			i;

	initStringInfo(&buf);
	*approximate = false;
	if (resource->single_key && strcmp(resource->single_key, column) == 0)
		append_item(&buf, "", "=, IN (one request per value)");
	for (op = 0; op < lengthof(push_op_text); op++)
		for (i = 0; resource->pushdown && resource->pushdown[i].column; i++)
		{
			const PushdownSpec *spec = &resource->pushdown[i];

			if (spec->op == op && strcmp(spec->column, column) == 0)
			{
				append_item(&buf, "", push_op_text[op]);
				*approximate |= !spec->exact;
				break;
			}
		}
	return buf.data;
}

/*
 * column_order
 *		The ORDER BY on this column that the API delivers, or NULL.
 *
 * Returns a constant string.
 */
static const char *
column_order(const ResourceSpec *resource, const char *column)
{
	int			i;

	for (i = 0; resource->sorts && resource->sorts[i].column; i++)
	{
		const SortSpec *sort = &resource->sorts[i];

		if (strcmp(sort->column, column) == 0)
			return sort->asc_params && sort->desc_params ? "ORDER BY ASC, DESC"
				: sort->asc_params ? "ORDER BY ASC" : "ORDER BY DESC";
	}
	return NULL;
}

/*
 * key_requirement
 *		What a key column needs, as the comments and saas_fdw_describe()
 *		say it; an alternative key (key_paths) names the others that may
 *		stand for it.
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
key_requirement(const ResourceSpec *resource, const ColumnSpec *column)
{
	StringInfoData buf;
	const KeyPathSpec *alt;
	bool		others = false;

	if (!resource_key_is_required(resource, column->name))
		return pstrdup("optional: =, IN or a join give the query text, sent as it is");
	initStringInfo(&buf);
	appendStringInfo(&buf, "required: =, IN, a join, or the table option %s", column->name);
	if (resource_key_path(resource, column->name) == NULL)
		return buf.data;
	appendStringInfoString(&buf, " (or instead a value for ");
	for (alt = resource->key_paths; alt->key; alt++)
		if (strcmp(alt->key, column->name) != 0)
		{
			appendStringInfo(&buf, "%s%s", others ? " or " : "", alt->key);
			others = true;
		}
	appendStringInfoString(&buf, ")");
	return buf.data;
}

/*
 * required_keys
 *		The key columns a table needs, for its comment: "repo, issue_number",
 *		or for alternatives "org or username".
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
required_keys(const ResourceSpec *resource)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; resource->key_columns && resource->key_columns[i]; i++)
	{
		const char *key = resource->key_columns[i];
		bool		either = i > 0 && resource_key_path(resource, key) &&
			resource_key_path(resource, resource->key_columns[i - 1]);

		if (!resource_key_is_required(resource, key))
			continue;
		appendStringInfo(&buf, "%s%s", buf.len == 0 ? "" : either ? " or " : ", ", key);
	}
	return buf.data;
}

/*
 * column_comment
 *		The COMMENT of a column: what it holds, and what a key column
 *		needs or which of its filters and orders are pushed down.
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
column_comment(const ResourceSpec *resource, const ColumnSpec *column)
{
	StringInfoData buf;
	StringInfoData pushed;
	bool		approximate;
	const char *order = column_order(resource, column->name);

	initStringInfo(&buf);
	appendStringInfoString(&buf, column->doc);
	if (resource_is_key_column(resource, column->name))
	{
		appendStringInfo(&buf, "; %s", key_requirement(resource, column));
		return buf.data;
	}
	initStringInfo(&pushed);
	appendStringInfoString(&pushed, column_filters(resource, column->name, &approximate));
	if (order)
		append_item(&pushed, "", order);
	if (pushed.len > 0)
		appendStringInfo(&buf, "; pushed down%s: %s",
						 approximate ? " (approximately, then rechecked)" : "",
						 pushed.data);
	return buf.data;
}

/*
 * table_comment
 *		The COMMENT of a table: what it holds, its required key columns,
 *		and the columns whose filters and orders are pushed down.
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
table_comment(const ResourceSpec *resource)
{
	StringInfoData buf;
	StringInfoData filtered;
	StringInfoData ordered;
	const ColumnSpec *column;
	bool		approximate;

	initStringInfo(&buf);
	initStringInfo(&filtered);
	initStringInfo(&ordered);
	appendStringInfoString(&buf, resource->doc);
	{
		char	   *required = required_keys(resource);

		if (required[0] != '\0')
			appendStringInfo(&buf, "; required: %s", required);
	}
	for (column = resource->columns; column->name; column++)
	{
		if (resource_is_key_column(resource, column->name))
			continue;
		if (column_filters(resource, column->name, &approximate)[0] != '\0')
			append_item(&filtered, "; filters pushed down: ", column->name);
		if (column_order(resource, column->name))
			append_item(&ordered, "; ORDER BY pushed down: ", column->name);
	}
	if (filtered.len + ordered.len == 0)
		appendStringInfoString(&buf, "; nothing is pushed down: every query reads the whole list");
	else
		appendStringInfo(&buf, "%s%s (see the column comments)", filtered.data, ordered.data);
	return buf.data;
}

/*
 * is_saas_table
 *		Does the foreign table belong to a server of this wrapper?
 */
static bool
is_saas_table(Oid relid)
{
	FdwRoutine *routine = GetFdwRoutineByServerId(GetForeignServerIdByRelId(relid));

	return routine->ImportForeignSchema == saasImportForeignSchema;
}

/*
 * describe_table
 *		Write the comments of a foreign table of this wrapper and of its
 *		columns, from its resource's description.
 */
static void
describe_table(Oid relid)
{
	const ResourceSpec *resource = saas_get_table_options(relid)->resource;
	const ColumnSpec *column;

	CreateComments(relid, RelationRelationId, 0, table_comment(resource));
	for (column = resource->columns; column->name; column++)
	{
		AttrNumber	attnum = get_attnum(relid, column->name);

		if (attnum != InvalidAttrNumber)
			CreateComments(relid, RelationRelationId, attnum,
						   column_comment(resource, column));
	}
}

/*
 * The event trigger function: comment the saas_fdw foreign tables the
 * IMPORT FOREIGN SCHEMA that just ended created.
 */
PG_FUNCTION_INFO_V1(saas_fdw_import_comments);

/*
 * saas_fdw_import_comments
 *		The event trigger that writes the comments of the tables IMPORT
 *		FOREIGN SCHEMA created.
 */
Datum
saas_fdw_import_comments(PG_FUNCTION_ARGS)
{
	MemoryContext outer = CurrentMemoryContext;
	List	   *created = NIL;
	ListCell   *cell;
	uint64		i;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("saas_fdw_import_comments() may only be called as an event trigger")));

	SPI_connect();
	if (SPI_execute("SELECT objid FROM pg_catalog.pg_event_trigger_ddl_commands()"
					" WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
					" AND objsubid = 0 AND command_tag = 'CREATE FOREIGN TABLE'",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the commands of IMPORT FOREIGN SCHEMA");
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		objid = SPI_getbinval(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 1, &isnull);
		MemoryContext spi = MemoryContextSwitchTo(outer);

		created = lappend_oid(created, DatumGetObjectId(objid));
		MemoryContextSwitchTo(spi);
	}
	SPI_finish();

	foreach(cell, created)
	{
		Oid			relid = lfirst_oid(cell);

		if (get_rel_relkind(relid) == RELKIND_FOREIGN_TABLE && is_saas_table(relid))
			describe_table(relid);
	}
	PG_RETURN_VOID();
}

/*
 * describe_resource
 *		Add a row of saas_fdw_describe() for each column of a resource.
 */
static void
describe_resource(ReturnSetInfo *rsinfo, const ServiceSpec *service,
				  const ResourceSpec *resource)
{
	const ColumnSpec *column;

	for (column = resource->columns; column->name; column++)
	{
		Datum		values[9];
		bool		nulls[9] = {0};
		bool		key = resource_is_key_column(resource, column->name);
		bool		approximate = false;
		char	   *filters = key ? key_requirement(resource, column)
			: column_filters(resource, column->name, &approximate);
		const char *order = column_order(resource, column->name);

		values[0] = CStringGetTextDatum(service->name);
		values[1] = CStringGetTextDatum(resource->table);
		values[2] = CStringGetTextDatum(column->name);
		values[3] = CStringGetTextDatum(column->type);
		values[4] = BoolGetDatum(key);
		values[5] = CStringGetTextDatum(filters);
		nulls[5] = filters[0] == '\0';
		values[6] = order ? CStringGetTextDatum(order) : (Datum) 0;
		nulls[6] = order == NULL;
		values[7] = BoolGetDatum(approximate);
		values[8] = CStringGetTextDatum(column->doc);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * saas_fdw_describe(service text DEFAULT NULL): every column of every
 * table IMPORT FOREIGN SCHEMA would create for the service (NULL: for every
 * service), with its key requirement, the filters and the order the API
 * applies.
 */
PG_FUNCTION_INFO_V1(saas_fdw_describe);

/*
 * saas_fdw_describe
 *		saas_fdw_describe([service]): the services, tables, columns and
 *		pushdown rules, from the same descriptions IMPORT reads, before
 *		any IMPORT.
 */
Datum
saas_fdw_describe(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const ServiceSpec *const *service;
	const char *name = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));

	if (name != NULL && service_lookup(name) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown service \"%s\"", name),
				 errhint("Valid services are: %s.", service_names())));

	InitMaterializedSRF(fcinfo, 0);
	for (service = service_all(); *service != NULL; service++)
	{
		const ResourceSpec *resource;

		if (name != NULL && strcmp((*service)->name, name) != 0)
			continue;
		for (resource = (*service)->resources; resource->table; resource++)
			describe_resource(rsinfo, *service, resource);
	}
	return (Datum) 0;
}
