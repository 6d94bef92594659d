/*-------------------------------------------------------------------------
 *
 * import_fields.c
 *		  IMPORT FOREIGN SCHEMA ... OPTIONS (custom_fields 'true'): one column
 *		  per field of the site's own, for a resource whose API lists its
 *		  fields (custom_fields_path in service.h: Jira's GET
 *		  /rest/api/3/field).
 *
 * The list is an array of fields {"id", "name", "custom", "schema": {"type",
 * "items"}}; those with "custom": true become columns:
 *	- named after the name, made an identifier: lower case, each run of
 *	  other characters than ASCII letters and digits one '_', cut to leave
 *	  room; a name left empty, or taken (by a column of the table, or an
 *	  earlier field), is followed by '_' and the id's digits;
 *	- typed from the schema: number numeric, string text (a paragraph,
 *	  ":textarea", jsonb: it is Atlassian Document Format), date date,
 *	  datetime timestamptz, an array of strings text[], an option (a select
 *	  list) text of its value, a user text of its account id, an array of
 *	  options text[] of their values; any other type jsonb, the value as it
 *	  is;
 *	- reading path '<fields_param>.<id>' (and the member for an option or a
 *	  user), with the option custom_field, the id.
 *
 * The answer is hostile: a field whose id holds anything but letters,
 * digits and '_' is left out (it goes into a path); names are only ever
 * quoted identifiers, and types come from the list above, never from the
 * answer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"

#include "api_error.h"
#include "credential.h"
#include "http.h"
#include "json.h"
#include "saas_fdw.h"

/* How a field's schema type becomes a column. */
typedef struct FieldType
{
	const char *schema_type;	/* schema.type */
	const char *items;			/* schema.items, or NULL for any */
	const char *custom_suffix;	/* schema.custom ends with it, or NULL */
	const char *sql_type;
	const char *member;			/* appended to the path, or "" */
} FieldType;

static const FieldType field_types[] = {
	{"number", NULL, NULL, "numeric", ""},
	/* a paragraph field holds Atlassian Document Format in API v3 */
	{"string", NULL, ":textarea", "jsonb", ""},
	{"string", NULL, NULL, "text", ""},
	{"date", NULL, NULL, "date", ""},
	{"datetime", NULL, NULL, "timestamptz", ""},
	{"option", NULL, NULL, "text", ".value"},
	{"user", NULL, NULL, "text", ".accountId"},
	{"array", "string", NULL, "text[]", ""},
	{"array", "option", NULL, "text[]", "[*].value"},
	{NULL}
};

/* Does s end with suffix? */
static bool
ends_with(const char *s, const char *suffix)
{
	size_t		len = strlen(s);
	size_t		slen = strlen(suffix);

	return len >= slen && strcmp(s + len - slen, suffix) == 0;
}

/* The text of the string at path of item, or NULL. */
static char *
item_string(SaasJsonItem *item, const char *path)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (json_item_value(item, json_path_compile(path), JOUT_TEXT, &buf) != JKIND_STRING ||
		strlen(buf.data) != buf.len)
		return NULL;
	return buf.data;
}

/* Is id made of letters, digits and '_' only (and not empty)? */
static bool
is_plain_id(const char *id)
{
	const char *p;

	for (p = id; *p; p++)
		if (!isalnum((unsigned char) *p) && *p != '_')
			return false;
	return id[0] != '\0';
}

/* name as an identifier: lower case ASCII letters, digits and '_'. */
static char *
column_name_of(const char *name)
{
	StringInfoData out;
	const char *p;

	initStringInfo(&out);
	for (p = name; *p && out.len < NAMEDATALEN - 24; p++)
	{
		unsigned char c = (unsigned char) *p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			appendStringInfoChar(&out, c);
		else if (c >= 'A' && c <= 'Z')
			appendStringInfoChar(&out, c - 'A' + 'a');
		else if (out.len > 0 && out.data[out.len - 1] != '_')
			appendStringInfoChar(&out, '_');
	}
	while (out.len > 0 && out.data[out.len - 1] == '_')
		out.data[--out.len] = '\0';
	return out.data;
}

/* The field list of the server's API, parsed. */
static SaasJsonDoc *
fetch_fields(Oid serverid, const char *path)
{
	SaasTableOptions *options = saas_get_server_options(serverid);
	char	   *url = psprintf("%s%s", options->base_url, path);
	HttpRequest request;
	HttpCounters counters;
	HttpResponse *response;

	memset(&request, 0, sizeof(request));
	memset(&counters, 0, sizeof(counters));
	request.url = url;
	request.auth = options->service->auth == AUTH_BASIC ? HTTP_AUTH_BASIC : HTTP_AUTH_BEARER;
	request.token = saas_get_token(serverid, GetUserId());
	request.headers = options->service->headers;
	request.ca_file = options->ca_file;
	request.serverid = serverid;
	request.credential = credential_fingerprint(request.token);
	request.timeout_ms = options->timeout_ms;
	request.connect_timeout_ms = options->connect_timeout_ms;
	request.max_retries = options->max_retries;
	response = http_finish(http_start(&request, &counters));
	if (response->status >= 300)
		api_report_method_error(options->service, "GET", url, response);
	return json_doc_parse(response->body, response->body_len);
}

/*
 * custom_field_columns
 *		The column definitions ("  name type OPTIONS (...)", each a string)
 *		of the custom fields of resource, as its API on server lists them,
 *		beside the resource's own columns.
 *
 * Returns a List of strings palloc'd in the current memory context.
 */
List *
custom_field_columns(Oid serverid, const ResourceSpec *resource)
{
	SaasJsonDoc *doc = fetch_fields(serverid, resource->custom_fields_path);
	List	   *taken = NIL;
	List	   *columns = NIL;
	const ColumnSpec *column;
	int			n;
	int			i;

	for (column = resource->columns; column->name; column++)
		taken = lappend(taken, makeString(pstrdup(column->name)));
	n = json_doc_items(doc, json_path_compile(""), false);
	for (i = 0; i < n; i++)
	{
		SaasJsonItem *item = json_doc_item(doc, i);
		char	   *id = item_string(item, "id");
		char	   *name = item_string(item, "name");
		char	   *type = item_string(item, "schema.type");
		char	   *items = item_string(item, "schema.items");
		char	   *kind = item_string(item, "schema.custom");
		StringInfoData custom;
		const FieldType *ft;
		char	   *colname;

		initStringInfo(&custom);
		if (json_item_value(item, json_path_compile("custom"), JOUT_TEXT, &custom) != JKIND_BOOL ||
			strcmp(custom.data, "true") != 0 || id == NULL || !is_plain_id(id))
			continue;
		for (ft = field_types; ft->schema_type; ft++)
			if (type != NULL && strcmp(ft->schema_type, type) == 0 &&
				(ft->items == NULL || (items != NULL && strcmp(ft->items, items) == 0)) &&
				(ft->custom_suffix == NULL || (kind != NULL && ends_with(kind, ft->custom_suffix))))
				break;
		colname = column_name_of(name ? name : "");
		if (colname[0] == '\0' || list_member(taken, makeString(colname)))
			colname = psprintf("%s%s%s", colname, colname[0] ? "_" : "field_",
							   id + strcspn(id, "0123456789"));
		if (list_member(taken, makeString(colname)))
			continue;
		taken = lappend(taken, makeString(colname));
		columns = lappend(columns,
						  psprintf("  %s %s OPTIONS (path %s)",
								   quote_identifier(colname),
								   ft->schema_type ? ft->sql_type : "jsonb",
								   quote_literal_cstr(psprintf("%s.%s%s", resource->fields_param, id,
															   ft->schema_type ? ft->member : ""))));
	}
	return columns;
}
