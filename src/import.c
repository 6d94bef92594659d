/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA: one foreign table per resource of the
 *		  server's service, written from the service description.
 *
 * The remote schema name is the service name ("github").  LIMIT TO and
 * EXCEPT name resources; PostgreSQL itself filters the statements by table
 * name, but an unknown name in LIMIT TO is reported here, since silently
 * importing nothing helps no one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "utils/builtins.h"

#include "scan.h"

static char *
resource_ddl(const ResourceSpec *resource, const char *server)
{
	StringInfoData buf;
	const ColumnSpec *column;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (\n",
					 quote_identifier(resource->table));
	for (column = resource->columns; column->name; column++)
		appendStringInfo(&buf, "  %s %s%s%s\n",
						 quote_identifier(column->name), column->type,
						 column->path == NULL ? " NOT NULL" : "",
						 column[1].name ? "," : "");
	appendStringInfo(&buf, ") SERVER %s OPTIONS (resource %s)",
					 quote_identifier(server), quote_literal_cstr(resource->table));
	return buf.data;
}

List *
saasImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	const ServiceSpec *service = NULL;
	const ResourceSpec *resource;
	List	   *commands = NIL;
	ListCell   *cell;

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

	if (stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO)
	{
		foreach(cell, stmt->table_list)
		{
			RangeVar   *rv = lfirst_node(RangeVar, cell);

			if (resource_lookup(service, rv->relname) == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
						 errmsg("%s has no resource \"%s\"", service->name, rv->relname)));
		}
	}

	for (resource = service->resources; resource->table; resource++)
		commands = lappend(commands,
						   resource_ddl(resource, server->servername));
	return commands;
}
