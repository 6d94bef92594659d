/*-------------------------------------------------------------------------
 *
 * modify_plan.c
 *		  Planning INSERT, UPDATE and DELETE: whether the API can make the
 *		  change, which columns its request sends, and the columns that name
 *		  the row.
 *
 * Invariants:
 *
 * - What the API cannot do is refused while planning, before any request:
 *   a read-only resource, a table or server with updatable 'false', a
 *   command the API has no request for (with the spec's hint), an UPDATE
 *   that sets a column the request cannot send, an INSERT that gives a
 *   value to such a column.  A required column left null is refused per
 *   row, before that row's request.
 *
 * - Row identity: UPDATE and DELETE name the row by the columns their
 *   request path names ({repo}, {number}).  AddForeignUpdateTargets asks
 *   the scan for them as junk columns "saas_fdw <column>", so the row's
 *   old values address it even when the UPDATE changes other columns.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "optimizer/appendinfo.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "modify.h"
#include "modify_internal.h"
#include "request.h"

/* ----------------------------------------------------------------
 *		The write a command makes
 * ----------------------------------------------------------------
 */

/*
 * modify_command_name
 *		The SQL command's name, for messages.  A constant.
 */
const char *
modify_command_name(CmdType operation)
{
	switch (operation)
	{
		case CMD_INSERT:
			return "INSERT";
		case CMD_UPDATE:
			return "UPDATE";
		case CMD_DELETE:
			return "DELETE";
		default:
			return "MERGE";
	}
}

/*
 * modify_command_write
 *		The request that makes operation's change to a row of the table, or
 *		an error saying why there is none.  The result is a constant.
 */
const WriteSpec *
modify_command_write(const SaasTableOptions *options, CmdType operation,
			  const char *relname)
{
	const WritesSpec *writes = options->resource->writes;
	const WriteSpec *write = NULL;

	if (writes == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("foreign table \"%s\" is read-only", relname),
				 errdetail("The %s API's resource \"%s\" cannot be written through saas_fdw.",
						   options->service->name, options->resource->table),
				 errhint("docs/writes.md lists the tables that accept INSERT, UPDATE or DELETE.")));
	if (!options->updatable)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("foreign table \"%s\" is read-only", relname),
				 errdetail("The option updatable of the table or its server is false."),
				 errhint("Set updatable 'true' on the foreign table to write to it.")));
	if (operation == CMD_INSERT)
		write = &writes->insert;
	else if (operation == CMD_UPDATE)
		write = &writes->update;
	else if (operation == CMD_DELETE)
		write = &writes->delete;
	if (write == NULL || write->method == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot %s foreign table \"%s\"",
						operation == CMD_DELETE ? "delete from" :
						operation == CMD_INSERT ? "insert into" : "update",
						relname),
				 errdetail("saas_fdw sends the %s API no request that does %s on %s.",
						   options->service->name, modify_command_name(operation),
						   options->resource->table),
				 write && write->refusal_hint ? errhint("%s", write->refusal_hint) :
				 errhint("docs/writes.md lists what each table accepts.")));
	return write;
}

/*
 * modify_names_column
 *		Is column among the NULL-terminated names?
 */
bool
modify_names_column(const char *const *names, const char *column)
{
	for (; names && *names; names++)
		if (strcmp(*names, column) == 0)
			return true;
	return false;
}

/*
 * modify_key_columns
 *		The columns that name the row of a write: the names in braces in its
 *		path template ("{repo}"), then its body_keys.  palloc'd.
 */
List *
modify_key_columns(const WriteSpec *write)
{
	List	   *names = NIL;
	const char *p;
	const char *const *key;

	for (p = write->path_template; (p = strchr(p, '{')) != NULL; p++)
	{
		const char *close = strchr(p, '}');

		if (close == NULL)
			break;
		names = lappend(names, pnstrdup(p + 1, close - p - 1));
		p = close;
	}
	for (key = write->body_keys; key && *key; key++)
		if (!list_has_string(names, *key))
			names = lappend(names, pstrdup(*key));
	return names;
}

/*
 * modify_fixed_key
 *		The fixed value of key column name (a table option), or NULL.
 */
const char *
modify_fixed_key(const SaasTableOptions *options, const char *name)
{
	return option_value(options->fixed_keys, name);
}

/*
 * refuse_column
 *		A column the request cannot send was given a value: raise.
 */
static void
refuse_column(const SaasTableOptions *options, CmdType operation,
			  const char *relname, const char *column, const WriteSpec *write)
{
	StringInfoData can;
	const char *const *name;

	initStringInfo(&can);
	for (name = write->columns; name && *name; name++)
		appendStringInfo(&can, "%s%s", can.len ? ", " : "", *name);
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("column \"%s\" of foreign table \"%s\" cannot be written by %s",
					column, relname, modify_command_name(operation)),
			 errdetail("The %s API's %s request for %s does not take %s.",
					   options->service->name, write->method,
					   options->resource->table, column),
			 errhint("%s can set only: %s.", modify_command_name(operation), can.data)));
}

/* ----------------------------------------------------------------
 *		Planning
 * ----------------------------------------------------------------
 */

/*
 * saasAddForeignUpdateTargets
 *		UPDATE and DELETE: ask the scan for the columns that name the row
 *		(modify_key_columns), and for DELETE ... RETURNING for the whole old row,
 *		which the API's answer does not hold.
 */
void
saasAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
							RangeTblEntry *target_rte,
							Relation target_relation)
{
	Oid			relid = RelationGetRelid(target_relation);
	SaasTableOptions *options = saas_get_table_options(relid);
	const WriteSpec *write;
	ListCell   *cell;

	write = modify_command_write(options, root->parse->commandType,
						  RelationGetRelationName(target_relation));
	foreach(cell, modify_key_columns(write))
	{
		const char *name = lfirst(cell);
		AttrNumber	attnum = saas_column_attnum(relid, name);
		Oid			typid;
		int32		typmod;
		Oid			collation;

		/* a key the table's options fix needs no column */
		if (attnum == InvalidAttrNumber && modify_fixed_key(options, name) != NULL)
			continue;
		if (attnum == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("foreign table \"%s\" has no column \"%s\" to name the row by",
							RelationGetRelationName(target_relation), name),
					 errdetail("The %s API addresses a row of %s by %s.",
							   options->service->name, options->resource->table,
							   write->path_template),
					 errhint("Add the column, or create the table with IMPORT FOREIGN SCHEMA.")));
		get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collation);
		add_row_identity_var(root, makeVar(rtindex, attnum, typid, typmod, collation, 0),
							 rtindex, psprintf(IDENTITY_PREFIX "%s", name));
	}
	if (root->parse->commandType == CMD_DELETE && root->parse->returningList != NIL)
		add_row_identity_var(root, makeVar(rtindex, InvalidAttrNumber, RECORDOID, -1,
										   InvalidOid, 0),
							 rtindex, "wholerow");
}

/*
 * insert_constant
 *		The text of the constant an INSERT gives column name (a single
 *		VALUES row), or NULL.  palloc'd.
 */
static char *
insert_constant(PlannerInfo *root, Oid relid, const char *name)
{
	AttrNumber	attnum = saas_column_attnum(relid, name);
	ListCell   *cell;

	foreach(cell, root->processed_tlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, cell);
		Const	   *value = (Const *) tle->expr;
		Oid			output;
		bool		varlena;

		if (tle->resno != attnum || tle->resjunk || !IsA(value, Const) ||
			value->constisnull)
			continue;
		getTypeOutputInfo(value->consttype, &output, &varlena);
		return OidOutputFunctionCall(output, value->constvalue);
	}
	return NULL;
}

/*
 * saasPlanForeignModify
 *		Check that the API can make the change (see the file header) and
 *		say which columns the request sends.
 */
List *
saasPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
					  Index resultRelation, int subplan_index)
{
	CmdType		operation = plan->operation;
	RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
	char	   *relname = get_rel_name(rte->relid);
	SaasTableOptions *options = saas_get_table_options(rte->relid);
	const WriteSpec *write = modify_command_write(options, operation, relname);
	List	   *keys = modify_key_columns(write);
	List	   *columns = NIL;
	StringInfoData path;
	ListCell   *cell;
	const char *p;

	if (plan->onConflictAction != ONCONFLICT_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("INSERT with ON CONFLICT is not supported on foreign table \"%s\"",
						relname),
				 errdetail("The %s API cannot check for a conflict before it creates an item.",
						   options->service->name),
				 errhint("Find the existing row with a SELECT first, then INSERT or UPDATE.")));
	if (operation == CMD_UPDATE)
	{
		foreach(cell, list_nth(plan->updateColnosLists, subplan_index))
		{
			AttrNumber	attnum = lfirst_int(cell);
			char	   *name = saas_column_name(rte->relid, attnum);

			if (!modify_names_column(write->columns, name))
				refuse_column(options, operation, relname, name, write);
			columns = lappend_int(columns, attnum);
		}
	}
	else if (operation == CMD_INSERT)
	{
		foreach(cell, root->processed_tlist)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, cell);
			char	   *name;

			if (tle->resjunk || (IsA(tle->expr, Const) && ((Const *) tle->expr)->constisnull))
				continue;
			name = saas_column_name(rte->relid, tle->resno);
			if (modify_names_column(write->columns, name))
				columns = lappend_int(columns, tle->resno);
			else if (!list_has_string(keys, name))
				refuse_column(options, operation, relname, name, write);
		}
	}

	/* the path as EXPLAIN shows it: table options and constants filled in */
	initStringInfo(&path);
	for (p = write->path_template; *p; p++)
	{
		const char *close = strchr(p, '}');
		char	   *name;
		const char *value;

		if (*p != '{' || close == NULL)
		{
			appendStringInfoChar(&path, *p);
			continue;
		}
		name = pnstrdup(p + 1, close - p - 1);
		value = modify_fixed_key(options, name);
		if (value == NULL && operation == CMD_INSERT)
			value = insert_constant(root, rte->relid, name);
		if (value != NULL)
			append_encoded(&path, value, true);
		else
			appendBinaryStringInfo(&path, p, close - p + 1);
		p = close;
	}
	return list_make4(makeString(pstrdup(write->method)), makeString(path.data),
					  columns, makeBoolean(root->parse->returningList != NIL));
}

/*
 * saasIsForeignRelUpdatable
 *		The commands the API can do on the table's resource (none when the
 *		option updatable is false).  Never raises: information_schema asks
 *		about every table, and a table whose options name no resource is
 *		simply not updatable.
 */
int
saasIsForeignRelUpdatable(Relation rel)
{
	ForeignTable *table = GetForeignTable(RelationGetRelid(rel));
	ForeignServer *server = GetForeignServer(table->serverid);
	const char *service_name = option_value(server->options, "service");
	const char *resource_name = option_value(table->options, "resource");
	const char *updatable = option_value(table->options, "updatable");
	const ServiceSpec *service = service_name ? service_lookup(service_name) : NULL;
	const ResourceSpec *resource = NULL;
	const WritesSpec *writes;
	bool		writable = true;
	int			commands = 0;

	if (updatable == NULL)
		updatable = option_value(server->options, "updatable");
	if (updatable != NULL && !parse_bool(updatable, &writable))
		writable = false;
	if (service != NULL && resource_name != NULL)
		resource = resource_lookup(service, resource_name);
	writes = resource ? resource->writes : NULL;
	if (writes == NULL || !writable)
		return 0;
	if (writes->insert.method)
		commands |= 1 << CMD_INSERT;
	if (writes->update.method)
		commands |= 1 << CMD_UPDATE;
	if (writes->delete.method)
		commands |= 1 << CMD_DELETE;
	return commands;
}
