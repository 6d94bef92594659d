/*-------------------------------------------------------------------------
 *
 * service.c
 *		  The registry of services and lookups in their descriptions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "service.h"

static const ServiceSpec *const service_registry[] = {
	&github_service,
	&stripe_service,
	&slack_service,
	&jira_service,
	&linear_service,
	NULL
};

const ServiceSpec *const *
service_all(void)
{
	return service_registry;
}

/*
 * service_names
 *		The names of the services, "github, stripe, slack", for a hint.
 *
 * Returns a string palloc'd in the current memory context.
 */
char *
service_names(void)
{
	StringInfoData buf;
	const ServiceSpec *const *service;

	initStringInfo(&buf);
	for (service = service_registry; *service != NULL; service++)
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", (*service)->name);
	return buf.data;
}

const ServiceSpec *
service_lookup(const char *name)
{
	const ServiceSpec *const *service;

	for (service = service_registry; *service != NULL; service++)
		if (strcmp((*service)->name, name) == 0)
			return *service;
	return NULL;
}

const ResourceSpec *
resource_lookup(const ServiceSpec *service, const char *table)
{
	const ResourceSpec *resource;

	for (resource = service->resources; resource->table != NULL; resource++)
		if (strcmp(resource->table, table) == 0)
			return resource;
	return NULL;
}

const ColumnSpec *
resource_column(const ResourceSpec *resource, const char *column)
{
	const ColumnSpec *spec;

	for (spec = resource->columns; spec->name != NULL; spec++)
		if (strcmp(spec->name, column) == 0)
			return spec;
	return NULL;
}

/* Position of column among the resource's key columns, or -1. */
int
resource_key_index(const ResourceSpec *resource, const char *column)
{
	int			i;

	for (i = 0; resource->key_columns && resource->key_columns[i]; i++)
		if (strcmp(resource->key_columns[i], column) == 0)
			return i;
	return -1;
}

bool
resource_is_key_column(const ResourceSpec *resource, const char *column)
{
	return resource_key_index(resource, column) >= 0;
}

/* The alternative path that key column chooses (key_paths), or NULL. */
const KeyPathSpec *
resource_key_path(const ResourceSpec *resource, const char *column)
{
	const KeyPathSpec *alt;

	for (alt = resource->key_paths; alt && alt->key; alt++)
		if (strcmp(alt->key, column) == 0)
			return alt;
	return NULL;
}

/*
 * The list path template for these key values (one per key column, NULL
 * for none): the first alternative whose key has a value, or path_template.
 * Points into the constant description.
 */
const char *
resource_list_path(const ResourceSpec *resource, const char *const *key_values)
{
	const KeyPathSpec *alt;

	for (alt = resource->key_paths; alt && alt->key; alt++)
		if (key_values[resource_key_index(resource, alt->key)] != NULL)
			return alt->path_template;
	return resource->path_template;
}

/*
 * Must a query give this key column a value?  Every key column but a
 * filter language's text_column, which is optional (service.h).
 */
bool
resource_key_is_required(const ResourceSpec *resource, const char *column)
{
	return resource_is_key_column(resource, column) &&
		!(resource->filter && resource->filter->text_column &&
		  strcmp(resource->filter->text_column, column) == 0);
}

/*
 * The = rule whose field of the resource's filter language is name (JQL's
 * "project"), or NULL: a table option of that name is a term of every
 * query of the table (see FilterLanguage in service.h).
 */
const PushdownSpec *
resource_filter_field(const ResourceSpec *resource, const char *name)
{
	const PushdownSpec *spec;

	if (resource->filter == NULL || resource->filter->graphql_object)
		return NULL;			/* a query string's fields only */
	for (spec = resource->pushdown; spec && spec->column; spec++)
		if (spec->op == PUSH_EQ && strcmp(spec->param, name) == 0)
			return spec;
	return NULL;
}

/* Does the resource's default_query set this parameter? */
bool
resource_has_default_param(const ResourceSpec *resource, const char *name)
{
	const char *p = resource->default_query;
	size_t		len = strlen(name);

	while (p != NULL && *p != '\0')
	{
		if (strncmp(p, name, len) == 0 && p[len] == '=')
			return true;
		p = strchr(p, '&');
		if (p != NULL)
			p++;
	}
	return false;
}

/* The values a table option may give this default_query parameter, or NULL. */
const ParamValuesSpec *
resource_param_values(const ResourceSpec *resource, const char *name)
{
	const ParamValuesSpec *spec;

	for (spec = resource->param_values; spec && spec->param; spec++)
		if (strcmp(spec->param, name) == 0)
			return spec;
	return NULL;
}
