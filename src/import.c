/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA: one foreign table per resource of the
 *		  server's service, written from the service description.
 *
 * The remote schema name is the service name ("github").  LIMIT TO and
 * EXCEPT name resources; PostgreSQL itself filters the statements by table
 * name, but an unknown name in either is reported here, listing the valid
 * ones, since silently importing nothing (or everything) helps no one.
 *
 * Every column gets the option column_name, the description column it
 * reads, so that ALTER ... RENAME COLUMN keeps the mapping (as
 * postgres_fdw's IMPORT does).
 *
 * OPTIONS (custom_fields 'true') adds the site's own fields as columns, for
 * a resource whose API lists them (import_fields.c).
 *
 * OPTIONS (replace 'true') drops each foreign table the statement is about
 * to create, if one of that name exists in the target schema, so that a
 * re-import after an upgrade picks up new columns.  The DROP is an
 * ordinary one: it needs ownership and stops at dependent objects (views),
 * and it refuses anything but a foreign table.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "saas_fdw.h"

/* The options IMPORT FOREIGN SCHEMA takes. */
static const char *const import_options[] = {"replace", "custom_fields", NULL};

/*
 * resource_ddl
 *		The CREATE FOREIGN TABLE command of a resource on server, with
 *		column_name on every column, and then the column definitions extra
 *		(strings: the site's own fields, import_fields.c).
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
resource_ddl(const ResourceSpec *resource, const char *server, List *extra)
{
	ListCell   *cell;

	StringInfoData buf;
	const ColumnSpec *column;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (\n",
					 quote_identifier(resource->table));
	for (column = resource->columns; column->name; column++)
		appendStringInfo(&buf, "  %s %s OPTIONS (column_name %s)%s%s\n",
						 quote_identifier(column->name), column->type,
						 quote_literal_cstr(column->name),
						 /* a key has a value in every row; of alternative
						  * keys only the one the request used, and an
						  * optional one (a filter language's text) may
						  * have none */
						 column->path == NULL &&
						 !resource_key_path(resource, column->name) &&
						 resource_key_is_required(resource, column->name) ? " NOT NULL" : "",
						 column[1].name || extra != NIL ? "," : "");
	foreach(cell, extra)
		appendStringInfo(&buf, "%s%s\n", (char *) lfirst(cell),
						 lnext(extra, cell) ? "," : "");
	appendStringInfo(&buf, ") SERVER %s OPTIONS (resource %s)",
					 quote_identifier(server), quote_literal_cstr(resource->table));
	return buf.data;
}

/*
 * resource_names
 *		The service's resources, "a, b, c", for a hint.
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
resource_names(const ServiceSpec *service)
{
	StringInfoData buf;
	const ResourceSpec *resource;

	initStringInfo(&buf);
	for (resource = service->resources; resource->table; resource++)
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", resource->table);
	return buf.data;
}

/*
 * resource_wanted
 *		Does the statement's LIMIT TO / EXCEPT let this resource through?
 */
static bool
resource_wanted(ImportForeignSchemaStmt *stmt, const char *table)
{
	ListCell   *cell;
	bool		listed = false;

	if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL)
		return true;
	foreach(cell, stmt->table_list)
		listed |= strcmp(lfirst_node(RangeVar, cell)->relname, table) == 0;
	return (stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO) == listed;
}

/*
 * import_bool_option
 *		The value of IMPORT's boolean option name (false when not given);
 *		unknown options are refused.
 */
static bool
import_bool_option(ImportForeignSchemaStmt *stmt, const char *name)
{
	ListCell   *cell;
	bool		value = false;

	foreach(cell, stmt->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);
		const char *const *known;
		bool		given;

		for (known = import_options; *known && strcmp(*known, def->defname) != 0; known++)
			;
		if (*known == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\" of IMPORT FOREIGN SCHEMA", def->defname),
					 errhint("Valid options of IMPORT FOREIGN SCHEMA are: %s, %s.",
							 import_options[0], import_options[1])));
		if (!parse_bool(defGetString(def), &given))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"",
							def->defname, defGetString(def)),
					 errhint("Use true or false.")));
		if (strcmp(def->defname, name) == 0)
			value = given;
	}
	return value;
}

/*
 * make_room
 *		Make room for the foreign table "table" in the target schema: drop
 *		it when replacing, else refuse now with advice.
 *
 * A refusal here says what to do, where CREATE would fail with a bare
 * "already exists".
 */
static void
make_room(ImportForeignSchemaStmt *stmt, const char *table, bool replace)
{
	Oid			nspid = get_namespace_oid(stmt->local_schema, false);
	Oid			relid = get_relname_relid(table, nspid);
	char	   *qualified = quote_qualified_identifier(stmt->local_schema, table);

	if (!OidIsValid(relid))
		return;
	if (!replace)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", qualified),
				 errhint("To refresh the tables (after an upgrade, say), add OPTIONS (replace 'true'), or drop them first; use LIMIT TO or EXCEPT to leave some alone.")));
	if (get_rel_relkind(relid) != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("relation \"%s\" is not a foreign table", qualified),
				 errhint("OPTIONS (replace 'true') replaces only foreign tables; rename or drop it, or import into another schema.")));

	/* an ordinary DROP: permissions and dependent objects are checked */
	SPI_connect();
	if (SPI_execute(psprintf("DROP FOREIGN TABLE %s", qualified), false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not drop foreign table %s", qualified);
	SPI_finish();
}

/*
 * saasImportForeignSchema
 *		IMPORT FOREIGN SCHEMA: the CREATE FOREIGN TABLE commands of the
 *		server's service, as LIMIT TO and EXCEPT choose.
 *
 * The commands are palloc'd in the current memory context.
 */
List *
saasImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	const ServiceSpec *service = NULL;
	const ResourceSpec *resource;
	List	   *commands = NIL;
	ListCell   *cell;
	bool		replace = import_bool_option(stmt, "replace");
	bool		custom_fields = import_bool_option(stmt, "custom_fields");

	foreach(cell, server->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "service") == 0)
			service = service_lookup(defGetString(def));
	}
	if (service == NULL || strcmp(stmt->remote_schema, service->name) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("server \"%s\" has no remote schema \"%s\"",
						server->servername, stmt->remote_schema),
				 service ? errhint("Its service is %s: IMPORT FOREIGN SCHEMA %s FROM SERVER %s INTO ...",
								   service->name, service->name,
								   quote_identifier(server->servername)) : 0));

	foreach(cell, stmt->table_list)
	{
		RangeVar   *rv = lfirst_node(RangeVar, cell);

		if (resource_lookup(service, rv->relname) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
					 errmsg("%s has no resource \"%s\"", service->name, rv->relname),
					 errhint("The resources of %s are: %s.", service->name,
							 resource_names(service))));
	}

	for (resource = service->resources; resource->table; resource++)
	{
		if (!resource_wanted(stmt, resource->table))
			continue;
		make_room(stmt, resource->table, replace);
		commands = lappend(commands,
						   resource_ddl(resource, server->servername,
										custom_fields && resource->custom_fields_path ?
										custom_field_columns(serverOid, resource) : NIL));
	}
	return commands;
}
