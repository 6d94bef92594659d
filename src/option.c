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
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "saas_fdw.h"

int			saas_timeout_ms = 30000;
int			saas_connect_timeout_ms = 10000;
int			saas_max_retries = 3;
int			saas_max_retry_wait_s = 60;
int			saas_page_size = 100;
int			saas_max_pages = 10000;
int			saas_read_ahead_pages = 4;
int			saas_max_response_kb = 65536;
int			saas_cache_ttl_s = 60;
int			saas_cache_size_kb = 65536;
int			saas_rate_limit_reserve = 0;

/* What kind of value an option takes. */
typedef enum OptionKind
{
	OPT_SERVICE,
	OPT_URL,
	OPT_FILE,
	OPT_TEXT,
	OPT_INT,
	OPT_RESOURCE,
	OPT_KEY_VALUE,
	OPT_JSON_PATH
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
	{"token", UserMappingRelationId, OPT_TEXT},
	{"resource", ForeignTableRelationId, OPT_RESOURCE},
	{"page_size", ForeignTableRelationId, OPT_INT, 1, 1000},
	{"cache_ttl", ForeignTableRelationId, OPT_INT, 0, INT_MAX},
	{"path", AttributeRelationId, OPT_JSON_PATH},
	{NULL}
};

/* A question asked of every resource of every service. */
typedef bool (*ResourceTest) (const ResourceSpec *resource, const char *name);

static bool
resource_is_named(const ResourceSpec *resource, const char *name)
{
	return strcmp(resource->table, name) == 0;
}

/*
 * Does test hold for name in some resource of some service?  A table
 * option may name a resource, fix a key column ("repo 'octo/hello'") or
 * replace a parameter of a resource's default_query ("types").
 */
static bool
any_resource(ResourceTest test, const char *name)
{
	const ServiceSpec *const *service;
	const ResourceSpec *resource;

	for (service = service_all(); *service != NULL; service++)
		for (resource = (*service)->resources; resource->table; resource++)
			if (test(resource, name))
				return true;
	return false;
}

static const SaasOption *
find_option(const char *keyword, Oid context)
{
	const SaasOption *opt;

	for (opt = valid_options; opt->keyword; opt++)
		if (opt->context == context && strcmp(opt->keyword, keyword) == 0)
			return opt;
	if (context == ForeignTableRelationId &&
		(any_resource(resource_is_key_column, keyword) ||
		 any_resource(resource_has_default_param, keyword)))
	{
		static const SaasOption key_value = {"", ForeignTableRelationId, OPT_KEY_VALUE};

		return &key_value;
	}
	return NULL;
}

static char *
valid_option_names(Oid context)
{
	StringInfoData buf;
	const SaasOption *opt;

	initStringInfo(&buf);
	for (opt = valid_options; opt->keyword; opt++)
		if (opt->context == context)
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", opt->keyword);
	if (context == ForeignTableRelationId)
		appendStringInfoString(&buf, ", a fixed value for a key column (such as repo), and a request parameter with a default (such as types)");
	return buf.data;
}

static char *
service_names(void)
{
	StringInfoData buf;
	const ServiceSpec *const *service;

	initStringInfo(&buf);
	for (service = service_all(); *service != NULL; service++)
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", (*service)->name);
	return buf.data;
}

static int
option_int_value(DefElem *def, int min, int max)
{
	int			value;

	if (!parse_int(defGetString(def), &value, 0, NULL) || value < min || value > max)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, defGetString(def)),
				 errhint("Use a whole number from %d to %d.", min, max)));
	return value;
}

static void
validate_option(DefElem *def, const SaasOption *opt)
{
	const char *value = defGetString(def);

	switch (opt->kind)
	{
		case OPT_SERVICE:
			if (service_lookup(value) == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
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
			if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
						 errmsg("invalid value for option \"base_url\": \"%s\"", value),
						 errhint("Use an http:// or https:// URL, such as https://api.github.com.")));
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
						(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
						 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
						 errhint("Use an absolute path to a PEM file of certificate authorities, such as /etc/ssl/private-ca.pem.")));
			break;
		case OPT_INT:
			(void) option_int_value(def, opt->min, opt->max);
			break;
		case OPT_RESOURCE:
			if (!any_resource(resource_is_named, value))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
						 errmsg("no service has a resource \"%s\"", value),
						 errhint("Use IMPORT FOREIGN SCHEMA to create the tables of a service.")));
			break;
		case OPT_KEY_VALUE:
		case OPT_TEXT:
			if (value[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
						 errmsg("option \"%s\" must not be empty", def->defname)));
			break;
		case OPT_JSON_PATH:
			(void) json_path_compile(value);
			break;
	}
}

/*
 * Validate the options of a saas_fdw object: called by CREATE/ALTER with
 * the complete resulting list.
 */
PG_FUNCTION_INFO_V1(saas_fdw_validator);

Datum
saas_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);
	ListCell   *cell;
	bool		has_service = false;
	bool		has_resource = false;

	foreach(cell, options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);
		const SaasOption *opt = find_option(def->defname, catalog);

		if (opt == NULL)
		{
			char	   *valid = valid_option_names(catalog);

			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 valid[0] != '\0'
					 ? errhint("Valid options in this context are: %s.", valid)
					 : errhint("There are no valid options in this context.")));
		}
		validate_option(def, opt);
		has_service |= (opt->kind == OPT_SERVICE);
		has_resource |= (opt->kind == OPT_RESOURCE);
	}

	if (catalog == ForeignServerRelationId && !has_service)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("a saas_fdw server needs the option \"service\""),
				 errhint("Valid services are: %s.", service_names())));
	if (catalog == ForeignTableRelationId && !has_resource)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("a saas_fdw foreign table needs the option \"resource\""),
				 errhint("Use IMPORT FOREIGN SCHEMA to create the tables of a service.")));

	PG_RETURN_VOID();
}

/*
 * The options in force for a scan of a foreign table: table options over
 * server options over settings.
 */
SaasTableOptions *
saas_get_table_options(Oid foreigntableid)
{
	ForeignTable *table = GetForeignTable(foreigntableid);
	ForeignServer *server = GetForeignServer(table->serverid);
	SaasTableOptions *opts = palloc0(sizeof(SaasTableOptions));
	const char *resource_name = NULL;
	ListCell   *cell;

	opts->serverid = server->serverid;
	opts->timeout_ms = saas_timeout_ms;
	opts->connect_timeout_ms = saas_connect_timeout_ms;
	opts->max_retries = saas_max_retries;
	opts->page_size = saas_page_size;
	opts->cache_ttl_s = saas_cache_ttl_s;

	foreach(cell, server->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "service") == 0)
			opts->service = service_lookup(defGetString(def));
		else if (strcmp(def->defname, "base_url") == 0)
			opts->base_url = pstrdup(defGetString(def));
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
	}
	if (opts->service == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("server \"%s\" has no valid \"service\" option",
						server->servername)));

	foreach(cell, table->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "resource") == 0)
			resource_name = defGetString(def);
		else if (strcmp(def->defname, "page_size") == 0)
			opts->page_size = option_int_value(def, 1, 1000);
		else if (strcmp(def->defname, "cache_ttl") == 0)
			opts->cache_ttl_s = option_int_value(def, 0, INT_MAX);
		else if (any_resource(resource_has_default_param, def->defname) &&
				 !any_resource(resource_is_key_column, def->defname))
			opts->fixed_query = lappend(opts->fixed_query, def);
		else
			opts->fixed_keys = lappend(opts->fixed_keys, def);
	}

	opts->resource = resource_name ? resource_lookup(opts->service, resource_name) : NULL;
	if (opts->resource == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("foreign table \"%s\" names unknown %s resource \"%s\"",
						get_rel_name(foreigntableid), opts->service->name,
						resource_name ? resource_name : ""),
				 errhint("Use IMPORT FOREIGN SCHEMA %s to create the tables of the service.",
						 opts->service->name)));

	foreach(cell, opts->fixed_query)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (!resource_has_default_param(opts->resource, def->defname))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("option \"%s\" of foreign table \"%s\" is not a parameter of resource \"%s\"",
							def->defname, get_rel_name(foreigntableid),
							opts->resource->table)));
	}
	foreach(cell, opts->fixed_keys)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (!resource_is_key_column(opts->resource, def->defname))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("option \"%s\" of foreign table \"%s\" is not a key of resource \"%s\"",
							def->defname, get_rel_name(foreigntableid),
							opts->resource->table)));
	}

	if (opts->base_url == NULL)
		opts->base_url = pstrdup(opts->service->default_base_url);
	else
	{
		size_t		len = strlen(opts->base_url);

		while (len > 0 && opts->base_url[len - 1] == '/')
			opts->base_url[--len] = '\0';
	}
	if (opts->page_size > opts->resource->max_page_size && opts->resource->max_page_size > 0)
		opts->page_size = opts->resource->max_page_size;
	return opts;
}

/*
 * The token of the user mapping for this user (or PUBLIC), or NULL when
 * the mapping has none (unauthenticated requests).
 */
char *
saas_get_token(Oid serverid, Oid userid)
{
	UserMapping *mapping = GetUserMapping(userid, serverid);
	ListCell   *cell;

	foreach(cell, mapping->options)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (strcmp(def->defname, "token") == 0)
			return pstrdup(defGetString(def));
	}
	return NULL;
}

/* The "path" option of a column, or NULL. */
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

void
saas_define_gucs(void)
{
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
	DefineCustomIntVariable("saas_fdw.read_ahead",
							"Pages a scan may have requested while it returns the rows of the current one.",
							"Numbered pages (GitHub) are fetched up to this many at once; cursor pages (Stripe, Slack) one ahead. 0 fetches one page at a time.",
							&saas_read_ahead_pages, 4, 0, 64,
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
	/* a server-start setting can only be defined while preloading */
	if (process_shared_preload_libraries_in_progress)
		DefineCustomIntVariable("saas_fdw.cache_size",
								"Shared memory for the page cache (needs shared_preload_libraries).",
								NULL,
								&saas_cache_size_kb, 65536, 0, INT_MAX / 1024,
								PGC_POSTMASTER, GUC_UNIT_KB, NULL, NULL, NULL);
	MarkGUCPrefixReserved("saas_fdw");
}
