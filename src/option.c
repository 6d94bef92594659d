/*-------------------------------------------------------------------------
 *
 * option.c
 *		  Options of the saas_fdw servers, user mappings, foreign tables and
 *		  columns, and the settings (GUCs) that give their defaults.
 *
 * Every option is validated when it is set (CREATE/ALTER), so a scan only
 * reads values already known to be good.  Rules worth knowing:
 *	- the token lives only on user mappings;
 *	- only a superuser may set base_url: otherwise any role allowed to
 *	  create a server could make the database send requests, with a
 *	  token, to hosts of its choosing;
 *	- only a superuser may set ca_file, an absolute path: the database
 *	  server reads that file, and the certificates in it decide which
 *	  hosts are trusted to receive the token.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/reloptions.h"
#include "access/table.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "compat.h"
#include "json.h"
#include "saas_fdw.h"

int			saas_timeout_ms = 30000;
int			saas_connect_timeout_ms = 10000;
int			saas_max_retries = 3;
int			saas_max_retry_wait_s = 60;
int			saas_page_size = 100;
int			saas_max_pages = 10000;
int			saas_max_streams = 1000;
int			saas_read_ahead_pages = 4;
int			saas_range_streams = 4;
int			saas_max_response_kb = 65536;
int			saas_cache_ttl_s = 60;
int			saas_cache_size_kb = 65536;
int			saas_rate_limit_reserve = 0;
int			saas_write_interval_ms = 1000;
bool		saas_pushdown = true;

/* What kind of value an option takes. */
typedef enum OptionKind
{
	OPT_SERVICE,
	OPT_URL,
	OPT_FILE,
	OPT_TEXT,
	OPT_INT,
	OPT_RESOURCE,
	OPT_JSON_PATH,
	OPT_BOOL,
	OPT_SITE,
	OPT_AUTH
} OptionKind;

typedef struct SaasOption
{
	const char *keyword;
	Oid			context;		/* catalog the option belongs to */
	OptionKind	kind;
	int			min;			/* OPT_INT bounds */
	int			max;
} SaasOption;

static const SaasOption valid_options[] = {
	{"service", ForeignServerRelationId, OPT_SERVICE},
	{"base_url", ForeignServerRelationId, OPT_URL},
	{"ca_file", ForeignServerRelationId, OPT_FILE},
	{"timeout_ms", ForeignServerRelationId, OPT_INT, 1, INT_MAX},
	{"connect_timeout_ms", ForeignServerRelationId, OPT_INT, 1, INT_MAX},
	{"max_retries", ForeignServerRelationId, OPT_INT, 0, 100},
	{"page_size", ForeignServerRelationId, OPT_INT, 1, 1000},
	{"cache_ttl", ForeignServerRelationId, OPT_INT, 0, INT_MAX},
	{"updatable", ForeignServerRelationId, OPT_BOOL},
	{"site", ForeignServerRelationId, OPT_SITE},
	{"token", UserMappingRelationId, OPT_TEXT},
	{"user", UserMappingRelationId, OPT_TEXT},
	{"auth", ForeignServerRelationId, OPT_AUTH},
	{"auth", UserMappingRelationId, OPT_AUTH},
	{"resource", ForeignTableRelationId, OPT_RESOURCE},
	{"page_size", ForeignTableRelationId, OPT_INT, 1, 1000},
	{"cache_ttl", ForeignTableRelationId, OPT_INT, 0, INT_MAX},
	{"updatable", ForeignTableRelationId, OPT_BOOL},
	{"path", AttributeRelationId, OPT_JSON_PATH},
	{"column_name", AttributeRelationId, OPT_TEXT},
	{NULL}
};

/*
 * resource_exists
 *		Is there a resource of this name in some service?
 */
static bool
resource_exists(const char *name)
{
	const ServiceSpec *const *service;

	for (service = service_all(); *service != NULL; service++)
		if (resource_lookup(*service, name) != NULL)
			return true;
	return false;
}

/*
 * find_option
 *		The entry of valid_options for option keyword in catalog context,
 *		or NULL.
 *
 * Returns a pointer into the constant table.
 */
static const SaasOption *
find_option(const char *keyword, Oid context)
{
	const SaasOption *opt;

	for (opt = valid_options; opt->keyword; opt++)
		if (opt->context == context && strcmp(opt->keyword, keyword) == 0)
			return opt;
	return NULL;
}

/*
 * option_value
 *		The value of the option name in a list of DefElems, or NULL.
 *
 * Returns the DefElem's own string.
 */
const char *
option_value(List *options, const char *name)
{
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, name) == 0)
			return defGetString(def);
	}
	return NULL;
}

/*
 * resource_with_option
 *		The resource named resource_name, in any service, that has the
 *		table option option, or NULL.
 *
 * A table option beyond the generic ones names a key column of the table's
 * resource ("repo 'octo/hello'") or a parameter of its default_query
 * ("types").  The validator sees only the option list, not the server, so
 * "the table's resource" is each resource of that name, in any service.
 * Returns a pointer into the constant descriptions.
 */
static const ResourceSpec *
resource_with_option(const char *resource_name, const char *option)
{
	const ServiceSpec *const *service;

	for (service = service_all(); *service != NULL; service++)
	{
		const ResourceSpec *resource = resource_lookup(*service, resource_name);

		if (resource != NULL &&
			(resource_is_key_column(resource, option) ||
			 resource_has_default_param(resource, option) ||
			 resource_filter_field(resource, option) != NULL))
			return resource;
	}
	return NULL;
}

/*
 * valid_option_names
 *		The options valid in a catalog context, or for a table of
 *		resource_name, as a list for a hint.
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
valid_option_names(Oid context, const char *resource_name)
{
	StringInfoData buf;
	const SaasOption *opt;
	const ServiceSpec *const *service;

	initStringInfo(&buf);
	for (opt = valid_options; opt->keyword; opt++)
		if (opt->context == context)
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", opt->keyword);
	if (context != ForeignTableRelationId || resource_name == NULL)
		return buf.data;

	for (service = service_all(); *service != NULL; service++)
	{
		const ResourceSpec *resource = resource_lookup(*service, resource_name);
		const char *p;
		int			i;

		if (resource == NULL)
			continue;
		for (i = 0; resource->key_columns && resource->key_columns[i]; i++)
			appendStringInfo(&buf, ", %s", resource->key_columns[i]);
		for (i = 0; resource->pushdown && resource->pushdown[i].column; i++)
			if (resource_filter_field(resource, resource->pushdown[i].param) ==
				&resource->pushdown[i])
				appendStringInfo(&buf, ", %s", resource->pushdown[i].param);
		/* the names of default_query's "name=value&name=value" */
		for (p = resource->default_query; p != NULL && *p != '\0';)
		{
			appendStringInfo(&buf, ", %.*s", (int) strcspn(p, "="), p);
			p = strchr(p, '&');
			if (p != NULL)
				p++;
		}
	}
	return buf.data;
}

/*
 * option_int_value
 *		The value of an integer option, refused unless a whole number from
 *		min to max.
 */
static int
option_int_value(DefElem *def, int min, int max)
{
	int			value;

	if (!parse_int(defGetString(def), &value, 0, NULL) || value < min || value > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, defGetString(def)),
				 errhint("Use a whole number from %d to %d.", min, max)));
	return value;
}

/*
 * invalid_url
 *		Raise that value is no valid base_url, and why.
 */
static void
invalid_url(const char *value, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for option \"base_url\": \"%s\"", value),
			 errdetail("%s", why),
			 errhint("Use an http:// or https:// URL, such as https://api.github.com.")));
}

/*
 * check_base_url
 *		Check the syntax of a base_url, and raise if it is not one.
 *
 * http or https, a host name or address, an optional port and an optional
 * path, all in plain ASCII; the request paths are appended to it, so it
 * may not carry a query, a fragment or credentials.  Only ASCII rules: the
 * locale must not matter.
 */
static void
check_base_url(const char *value)
{
	const char *p;
	const char *host;
	size_t		host_len;

	if (strncmp(value, "http://", 7) == 0)
		host = value + 7;
	else if (strncmp(value, "https://", 8) == 0)
		host = value + 8;
	else
		invalid_url(value, "The URL must start with http:// or https://.");

	if (*host == '[')
		host_len = strspn(host + 1, "0123456789abcdefABCDEF:.") + 2;
	else
		host_len = strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._");
	if (host_len == 0 || (*host == '[' && host[host_len - 1] != ']'))
		invalid_url(value, "The URL has no valid host name.");
	p = host + host_len;
	if (*p == ':')
	{
		size_t		digits = strspn(p + 1, "0123456789");

		if (digits == 0 || digits > 5 || atoi(p + 1) > 65535 ||
			(p[1 + digits] != '\0' && p[1 + digits] != '/'))
			invalid_url(value, "The port must be a number from 1 to 65535.");
		p += 1 + digits;
	}
	if (*p != '\0' && *p != '/')
		invalid_url(value, "The host name may hold only letters, digits, '-', '.' and '_', and be followed only by :port and a path.");
	for (; *p != '\0'; p++)
		if ((unsigned char) *p <= ' ' || (unsigned char) *p >= 0x7f ||
			*p == '?' || *p == '#')
			invalid_url(value, "The path may not hold spaces, control characters, non-ASCII characters, '?' or '#'.");
}

/*
 * saas_check_readable_file
 *		Raise an error saying why the server cannot read the file at path,
 *		if it cannot.
 *
 * Used for ca_file: checked when the option is set, and when a request
 * fails on it.
 */
void
saas_check_readable_file(const char *path, const char *option)
{
	FILE	   *file = AllocateFile(path, "r");

	/* a directory opens, and fails at the first read */
	if (file == NULL || (getc(file) == EOF && ferror(file)))
	{
		int			save_errno = errno;

		if (file != NULL)
			FreeFile(file);
		errno = save_errno;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read file \"%s\" named by option \"%s\": %m",
						path, option),
				 errhint("The file must be readable by the operating-system user the database server runs as.")));
	}
	FreeFile(file);
}

/*
 * check_key_value
 *		Check the value a table option gives a key column: an integer
 *		column's must be an integer.
 */
static void
check_key_value(DefElem *def, const ResourceSpec *resource)
{
	const ColumnSpec *column = resource_column(resource, def->defname);
	const char *value = defGetString(def);

	if (column != NULL &&
		(strcmp(column->type, "integer") == 0 || strcmp(column->type, "bigint") == 0))
	{
		char	   *end;

		errno = 0;
		(void) strtoll(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
					 errhint("Column %s of resource \"%s\" is a whole number.",
							 def->defname, resource->table)));
	}
}

/*
 * check_param_value
 *		Check the value a table option gives a default_query parameter
 *		against the values the API accepts.
 */
static void
check_param_value(DefElem *def, const ResourceSpec *resource)
{
	const ParamValuesSpec *spec = resource_param_values(resource, def->defname);
	const char *value = defGetString(def);
	const char *p = value;
	StringInfoData valid;
	int			i;

	if (spec == NULL)
		return;
	do
	{
		size_t		len = spec->list ? strcspn(p, ",") : strlen(p);

		for (i = 0; spec->values[i]; i++)
			if (strlen(spec->values[i]) == len && strncmp(spec->values[i], p, len) == 0)
				break;
		if (spec->values[i] == NULL)
		{
			initStringInfo(&valid);
			for (i = 0; spec->values[i]; i++)
				appendStringInfo(&valid, "%s%s", i > 0 ? ", " : "", spec->values[i]);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
					 spec->list
					 ? errhint("Use a comma-separated list of: %s.", valid.data)
					 : errhint("Use one of: %s.", valid.data)));
		}
		p += len;
	} while (*p++ == ',');
}

/*
 * check_site
 *		Check a site name (the server option site): letters, digits and
 *		'-', as in a host name label.
 *
 * Any role may set it: the host it names always has the service's fixed
 * pattern (site_url in service.h).
 */
static void
check_site(const char *value)
{
	const char *p;

	for (p = value; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || (*p == '-' && p != value)))
			break;
	if (*p != '\0' || p == value || p - value > 63)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for option \"site\": \"%s\"", value),
				 errhint("Give the site's name alone, such as site 'yourco' for https://yourco.atlassian.net.")));
}

/*
 * validate_option
 *		Check the value of a generic option (server, user mapping or
 *		table) as its kind says, and who may set it.
 */
static void
validate_option(DefElem *def, const SaasOption *opt)
{
	const char *value = defGetString(def);

	switch (opt->kind)
	{
		case OPT_SERVICE:
			if (service_lookup(value) == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown service \"%s\"", value),
						 errhint("Valid services are: %s.", service_names())));
			break;
		case OPT_URL:
			if (!superuser())
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("permission denied to set option \"base_url\""),
						 errdetail("Only superusers may point a server at another address."),
						 errhint("Leave base_url out to use the service's public API.")));
			check_base_url(value);
			break;
		case OPT_FILE:
			if (!superuser())
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("permission denied to set option \"%s\"", def->defname),
						 errdetail("Only superusers may make the database server read a file."),
						 errhint("Ask a superuser to set %s, or leave it out to trust the system's certificate authorities.",
								 def->defname)));
			if (!is_absolute_path(value))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
						 errhint("Use an absolute path to a PEM file of certificate authorities, such as /etc/ssl/private-ca.pem.")));
			saas_check_readable_file(value, def->defname);
			break;
		case OPT_INT:
			(void) option_int_value(def, opt->min, opt->max);
			break;
		case OPT_RESOURCE:
			if (!resource_exists(value))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("no service has a resource \"%s\"", value),
						 errhint("Use IMPORT FOREIGN SCHEMA to create the tables of a service; saas_fdw_describe() lists them.")));
			break;
		case OPT_TEXT:
			if (value[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"%s\" must not be empty", def->defname)));
			break;
		case OPT_JSON_PATH:
			(void) json_path_compile(value);
			break;
		case OPT_BOOL:
			(void) defGetBoolean(def);
			break;
		case OPT_SITE:
			check_site(value);
			break;
		case OPT_AUTH:
			if (strcmp(value, "key") != 0 && strcmp(value, "oauth") != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid value for option \"auth\": \"%s\"", value),
						 errhint("Use auth 'key' for a personal API key or auth 'oauth' for an OAuth access token.")));
			break;
	}
}

/*
 * validate_resource_option
 *		Check a table option that is not a generic one: valid when the
 *		table's resource has such a key column or default parameter, with
 *		a value the API accepts.
 */
static void
validate_resource_option(DefElem *def, const char *resource_name)
{
	const ResourceSpec *resource;

	resource = resource_with_option(resource_name, def->defname);
	if (resource == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("invalid option \"%s\"", def->defname),
				 errhint("Valid options for a table of resource \"%s\" are: %s.",
						 resource_name,
						 valid_option_names(ForeignTableRelationId, resource_name))));
	if (defGetString(def)[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must not be empty", def->defname)));
	if (resource_is_key_column(resource, def->defname))
		check_key_value(def, resource);
	else
		check_param_value(def, resource);
}

/*
 * Validate the options of a saas_fdw object: called by CREATE/ALTER with
 * the complete resulting list, and the catalog the object belongs to.
 */
PG_FUNCTION_INFO_V1(saas_fdw_validator);

/*
 * saas_fdw_validator
 *		The validator of the wrapper: checks every option of a server,
 *		user mapping or foreign table when it is set.
 *
 * A foreign table's resource is checked first: its other options are
 * checked against it.
 */
Datum
saas_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);
	const char *resource_name = option_value(options, "resource");
	ListCell   *cell;

	/* the resource first: the other table options are checked against it */
	if (catalog == ForeignTableRelationId && resource_name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("a saas_fdw foreign table needs the option \"resource\""),
				 errhint("Use IMPORT FOREIGN SCHEMA to create the tables of a service.")));
	if (catalog == ForeignTableRelationId && !resource_exists(resource_name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no service has a resource \"%s\"", resource_name),
				 errhint("Use IMPORT FOREIGN SCHEMA to create the tables of a service; saas_fdw_describe() lists them.")));

	foreach(cell, options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);
		const SaasOption *opt = find_option(def->defname, catalog);

		if (opt != NULL)
			validate_option(def, opt);
		else if (catalog == ForeignTableRelationId)
			validate_resource_option(def, resource_name);
		else
		{
			char	   *valid = valid_option_names(catalog, NULL);

			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 valid[0] != '\0'
					 ? errhint("Valid options in this context are: %s.", valid)
					 : errhint("There are no valid options in this context.")));
		}
	}

	if (catalog == ForeignServerRelationId && option_value(options, "service") == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("a saas_fdw server needs the option \"service\""),
				 errhint("Valid services are: %s.", service_names())));
	PG_RETURN_VOID();
}

/*
 * server_options
 *		The options of server over the settings, without a table's (and
 *		without the base URL, which base_url_option settles).
 *
 * The struct and its strings are palloc'd in the current memory context.
 */
static SaasTableOptions *
server_options(ForeignServer *server)
{
	SaasTableOptions *opts = palloc0(sizeof(SaasTableOptions));
	ListCell   *cell;

	opts->serverid = server->serverid;
	opts->timeout_ms = saas_timeout_ms;
	opts->connect_timeout_ms = saas_connect_timeout_ms;
	opts->max_retries = saas_max_retries;
	opts->page_size = saas_page_size;
	opts->cache_ttl_s = saas_cache_ttl_s;
	opts->updatable = true;

	foreach(cell, server->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "service") == 0)
			opts->service = service_lookup(defGetString(def));
		else if (strcmp(def->defname, "base_url") == 0)
			opts->base_url = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "site") == 0)
			opts->site = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "ca_file") == 0)
			opts->ca_file = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "timeout_ms") == 0)
			opts->timeout_ms = option_int_value(def, 1, INT_MAX);
		else if (strcmp(def->defname, "connect_timeout_ms") == 0)
			opts->connect_timeout_ms = option_int_value(def, 1, INT_MAX);
		else if (strcmp(def->defname, "max_retries") == 0)
			opts->max_retries = option_int_value(def, 0, 100);
		else if (strcmp(def->defname, "page_size") == 0)
			opts->page_size = option_int_value(def, 1, 1000);
		else if (strcmp(def->defname, "cache_ttl") == 0)
			opts->cache_ttl_s = option_int_value(def, 0, INT_MAX);
		else if (strcmp(def->defname, "updatable") == 0)
			opts->updatable = defGetBoolean(def);
	}
	if (opts->service == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("server \"%s\" has no valid \"service\" option",
						server->servername)));
	return opts;
}

/*
 * base_url_option
 *		Settle opts->base_url of server: base_url, else the site's, else the
 *		service's; without a trailing '/'.
 */
static void
base_url_option(SaasTableOptions *opts, ForeignServer *server)
{
	if (opts->base_url == NULL && opts->site != NULL && opts->service->site_url != NULL)
		opts->base_url = psprintf(opts->service->site_url, opts->site);
	if (opts->base_url == NULL && opts->service->default_base_url == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("server \"%s\" needs the option \"site\"", server->servername),
				 errhint("Set it to the name of your %s site: ALTER SERVER %s OPTIONS (ADD site '...').",
						 opts->service->name, quote_identifier(server->servername))));
	if (opts->base_url == NULL)
		opts->base_url = pstrdup(opts->service->default_base_url);
	else
	{
		size_t		len = strlen(opts->base_url);

		while (len > 0 && opts->base_url[len - 1] == '/')
			opts->base_url[--len] = '\0';
	}
}

/*
 * saas_get_server_options
 *		The options in force for a request of the server with no table
 *		(IMPORT's): server options over settings; resource is NULL.
 *
 * The struct and its strings are palloc'd in the current memory context.
 */
SaasTableOptions *
saas_get_server_options(Oid serverid)
{
	ForeignServer *server = GetForeignServer(serverid);
	SaasTableOptions *opts = server_options(server);

	base_url_option(opts, server);
	return opts;
}

/*
 * saas_get_table_options
 *		The options in force for a scan of a foreign table: table options
 *		over server options over settings.
 *
 * The struct and its strings are palloc'd in the current memory context.
 */
SaasTableOptions *
saas_get_table_options(Oid foreigntableid)
{
	ForeignTable *table = GetForeignTable(foreigntableid);
	ForeignServer *server = GetForeignServer(table->serverid);
	SaasTableOptions *opts = server_options(server);
	const char *resource_name = NULL;
	List	   *resource_options = NIL;
	ListCell   *cell;

	foreach(cell, table->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "resource") == 0)
			resource_name = defGetString(def);
		else if (strcmp(def->defname, "page_size") == 0)
			opts->page_size = option_int_value(def, 1, 1000);
		else if (strcmp(def->defname, "cache_ttl") == 0)
			opts->cache_ttl_s = option_int_value(def, 0, INT_MAX);
		else if (strcmp(def->defname, "updatable") == 0)
			opts->updatable = defGetBoolean(def);
		else
			resource_options = lappend(resource_options, def);
	}
	/* SET saas_fdw.cache_ttl = 0 is a session's way to see fresh data */
	if (saas_cache_ttl_s == 0)
		opts->cache_ttl_s = 0;

	opts->resource = resource_name ? resource_lookup(opts->service, resource_name) : NULL;
	if (opts->resource == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("foreign table \"%s\" names unknown %s resource \"%s\"",
						get_rel_name(foreigntableid), opts->service->name,
						resource_name ? resource_name : ""),
				 errhint("Use IMPORT FOREIGN SCHEMA %s to create the tables of the service; saas_fdw_describe('%s') lists them.",
						 opts->service->name, opts->service->name)));

	/*
	 * The validator checked these against every resource of this name; a
	 * resource of the same name in another service may lack one.
	 */
	foreach(cell, resource_options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (resource_is_key_column(opts->resource, def->defname))
			opts->fixed_keys = lappend(opts->fixed_keys, def);
		else if (resource_has_default_param(opts->resource, def->defname))
			opts->fixed_query = lappend(opts->fixed_query, def);
		else if (resource_filter_field(opts->resource, def->defname) != NULL)
			opts->fixed_terms = lappend(opts->fixed_terms, def);
		else
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("option \"%s\" of foreign table \"%s\" is not an option of %s resource \"%s\"",
							def->defname, get_rel_name(foreigntableid),
							opts->service->name, opts->resource->table),
					 errhint("Drop it: ALTER FOREIGN TABLE %s OPTIONS (DROP %s).",
							 get_rel_name(foreigntableid), def->defname)));
	}

	base_url_option(opts, server);
	if (opts->page_size > opts->resource->max_page_size && opts->resource->max_page_size > 0)
		opts->page_size = opts->resource->max_page_size;
	return opts;
}

/*
 * is_oauth_token
 *		Is the token of a server whose service sends keys alone (AUTH_KEY)
 *		an OAuth token, sent as Bearer: option auth 'oauth' of the user
 *		mapping (its options are mapping_options), else of the server?
 */
static bool
is_oauth_token(Oid serverid, List *mapping_options)
{
	ForeignServer *server = GetForeignServer(serverid);
	const char *service_name = option_value(server->options, "service");
	const ServiceSpec *service = service_name ? service_lookup(service_name) : NULL;
	const char *auth = option_value(mapping_options, "auth");

	if (service == NULL || service->auth != AUTH_KEY)
		return false;
	if (auth == NULL)
		auth = option_value(server->options, "auth");
	return auth != NULL && strcmp(auth, "oauth") == 0;
}

/*
 * saas_get_token
 *		The token of the user mapping for this user (or PUBLIC), or NULL
 *		when the mapping has none (unauthenticated requests).
 *
 * With no mapping at all it raises its own error rather than
 * GetUserMapping's, whose wording changed in PostgreSQL 17: the same
 * message and a hint on every version.  Returns a string palloc'd in the
 * current memory context.
 */
char *
saas_get_token(Oid serverid, Oid userid)
{
	UserMapping *mapping;
	ListCell   *cell;
	const char *token = NULL;
	const char *user = NULL;

	if (!SearchSysCacheExists2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(userid),
							   ObjectIdGetDatum(serverid)) &&
		!SearchSysCacheExists2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(InvalidOid),
							   ObjectIdGetDatum(serverid)))
	{
		const char *server = GetForeignServer(serverid)->servername;

		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("user mapping not found for user \"%s\", server \"%s\"",
						MappingUserName(userid), server),
				 errhint("Create one with CREATE USER MAPPING FOR %s SERVER %s OPTIONS (token '...'), or FOR PUBLIC.",
						 quote_identifier(MappingUserName(userid)), quote_identifier(server))));
	}
	mapping = GetUserMapping(userid, serverid);

	foreach(cell, mapping->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "token") == 0)
			token = defGetString(def);
		else if (strcmp(def->defname, "user") == 0)
			user = defGetString(def);
	}
	if (token != NULL && user != NULL)
		return psprintf("%s:%s", user, token);
	if (token != NULL && is_oauth_token(serverid, mapping->options))
		return psprintf("Bearer %s", token);
	return token ? pstrdup(token) : NULL;
}

/*
 * saas_column_name
 *		The name of the description column (ColumnSpec) that attribute
 *		attnum of a foreign table reads.
 *
 * Its column_name option, which IMPORT FOREIGN SCHEMA writes so that a
 * rename keeps the mapping, else the attribute's own name.  Returns a
 * string palloc'd in the current memory context.
 */
char *
saas_column_name(Oid foreigntableid, AttrNumber attnum)
{
	ListCell   *cell;

	foreach(cell, GetForeignColumnOptions(foreigntableid, attnum))
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "column_name") == 0)
			return pstrdup(defGetString(def));
	}
	return get_attname(foreigntableid, attnum, false);
}

/*
 * saas_column_attnum
 *		The attribute of a foreign table that reads description column
 *		"column" (the inverse of saas_column_name), or InvalidAttrNumber.
 */
AttrNumber
saas_column_attnum(Oid foreigntableid, const char *column)
{
	Relation	rel = table_open(foreigntableid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	found = InvalidAttrNumber;
	int			i;

	for (i = 0; i < desc->natts && found == InvalidAttrNumber; i++)
	{
		if (TupleDescAttr(desc, i)->attisdropped)
			continue;
		if (strcmp(saas_column_name(foreigntableid, i + 1), column) == 0)
			found = i + 1;
	}
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * saas_column_path_option
 *		The "path" option of a column of a foreign table, or NULL.
 *
 * Returns a string palloc'd in the current memory context.
 */
char *
saas_column_path_option(Oid foreigntableid, AttrNumber attnum)
{
	ListCell   *cell;

	foreach(cell, GetForeignColumnOptions(foreigntableid, attnum))
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "path") == 0)
			return pstrdup(defGetString(def));
	}
	return NULL;
}

/*
 * saas_define_gucs
 *		Define the settings (saas_fdw.*); called once, from _PG_init.
 */
void
saas_define_gucs(void)
{
	bool		preloading = process_shared_preload_libraries_in_progress;

	DefineCustomIntVariable("saas_fdw.timeout",
							"Longest time one API request may take.",
							"Server option timeout_ms overrides it.",
							&saas_timeout_ms, 30000, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.connect_timeout",
							"Longest time to connect to an API.",
							"Server option connect_timeout_ms overrides it.",
							&saas_connect_timeout_ms, 10000, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.max_retries",
							"Retries of a request that failed with a transient error or a rate limit.",
							"Server option max_retries overrides it.",
							&saas_max_retries, 3, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.max_retry_wait",
							"Longest wait before one retry; a rate limit that resets later fails at once.",
							NULL,
							&saas_max_retry_wait_s, 60, 0, 3600,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.write_interval",
							"Least time between the starts of two writes of one server and credential, for APIs that ask writes to go one at a time (GitHub).",
							"With shared_preload_libraries, every backend keeps to it; a write waits for the one before it to end.",
							&saas_write_interval_ms, 1000, 0, 60000,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.page_size",
							"Items asked for per page (capped by each API's maximum).",
							"Server and table option page_size override it.",
							&saas_page_size, 100, 1, 1000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.max_pages",
							"Most pages one request stream may fetch (a guard against pagination loops).",
							NULL,
							&saas_max_pages, 10000, 1, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.max_streams",
							"Most request streams one scan may make (the product of its IN lists).",
							"A query past it is refused before any request is sent.",
							&saas_max_streams, 1000, 1, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.read_ahead",
							"Pages a scan may have requested while it returns the rows of the current one.",
							"Numbered pages (GitHub) are fetched up to this many at once; cursor pages (Stripe, Slack) one ahead. 0 fetches one page at a time.",
							&saas_read_ahead_pages, 4, 0, 64,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.range_streams",
							"Sub-ranges, fetched at the same time, that a scan splits a time range bounded on both sides into (Stripe created, Slack ts).",
							"For APIs whose pages follow a cursor; 1 reads the range as one request stream.",
							&saas_range_streams, 4, 1, 64,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.max_response_size",
							"Largest response body accepted.",
							NULL,
							&saas_max_response_kb, 65536, 1, INT_MAX / 1024,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.cache_ttl",
							"Seconds a fetched page is served from the shared cache; 0 disables it.",
							"Server and table option cache_ttl override it.",
							&saas_cache_ttl_s, 60, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("saas_fdw.rate_limit_reserve",
							"Requests of an API's rate limit left unused: at this many remaining, queries wait for the reset.",
							"Needs shared_preload_libraries; applies to APIs that report the requests remaining.",
							&saas_rate_limit_reserve, 0, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("saas_fdw.pushdown",
							 "Sends WHERE, ORDER BY and LIMIT to the API where a rule allows it.",
							 "Off: only key columns are sent (to name the request); every other qual, the order and the limit are applied locally.",
							 &saas_pushdown, true,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	/*
	 * A server-start setting can only be defined while preloading.  Without
	 * preloading (17 and later) the cache is made at first use, of the size
	 * set then: a reloadable setting, read by the backend that makes it.
	 */
	if (preloading || SAAS_HAVE_NAMED_DSM)
		DefineCustomIntVariable("saas_fdw.cache_size",
								preloading ?
								"Shared memory for the page cache, reserved at server start." :
								"Shared memory for the page cache, allocated at first use.",
								preloading ? NULL :
								"The first session to use the cache sets its size until the server restarts.",
								&saas_cache_size_kb, 65536, 0, INT_MAX / 1024,
								preloading ? PGC_POSTMASTER : PGC_SIGHUP,
								GUC_UNIT_KB, NULL, NULL, NULL);
	MarkGUCPrefixReserved("saas_fdw");
}
