/*-------------------------------------------------------------------------
 *
 * request_graphql.c
 *		  Requests of a GraphQL API (service.h: ResourceSpec.graphql_query,
 *		  FilterLanguage.graphql_object): the filter object of the pushed
 *		  quals, and the POST body {"query", "variables"} of a page or of
 *		  a write's mutation.
 *
 * Rules a reader must know:
 *	- As for every POST, a page is named by its URL (cache, EXPLAIN, page
 *	  loops): each query parameter of the URL that the query declares as a
 *	  variable becomes one of the body; the others only name the request
 *	  (the operation, which the path alone does not, and the fields read,
 *	  GRAPHQL_FIELDS_PARAM).  The query text is the description's own, with the selection
 *	  set of the columns' fields.  No value of a query ever goes into the
 *	  query text: values are JSON in the variables, written here (strings
 *	  escaped by append_json_string), so none can change the query.
 *	- The page size sent is cut so that a page costs at most the
 *	  resource's max_complexity points, counted as Linear counts them
 *	  (each field 0.1, each object 1, a connection's items times its page
 *	  size).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "request.h"

/* The page size of a connection that gives none (Linear: 50) */
#define GRAPHQL_DEFAULT_FIRST	50

/*
 * What a page costs besides its items: the connection, the pageInfo object
 * and its two fields, an object around the connection (an issue's
 * comments), and rounding
 */
#define GRAPHQL_PAGE_OVERHEAD	5.0

/* One value of a term: a JSON string, or bare (a number, EXPLAIN's {$1}) */
static void
append_term_value(StringInfo out, const FilterTerm *term, const char *value)
{
	if (term->verbatim || term->spec->format == VALUE_NUMBER)
		appendStringInfoString(out, value);
	else
		append_json_string(out, value);
}

/* One term, {"a": {"b": {"<operator>": value}}} for param "a.b", into out */
static void
append_term(StringInfo out, const FilterLanguage *language,
			const FilterTerm *term)
{
	const char *p = term->spec->param;
	int			depth = 0;
	ListCell   *cell;

	for (;;)
	{
		const char *dot = strchr(p, '.');
		int			len = dot ? dot - p : strlen(p);

		appendStringInfoChar(out, '{');
		append_json_string(out, pnstrdup(p, len));
		appendStringInfoChar(out, ':');
		depth++;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	appendStringInfoChar(out, '{');
	if (term->values == NIL)
		append_json_string(out, language->operators[term->spec->op]);
	else if (language->list_operators[term->spec->op] != NULL)
		append_json_string(out, language->list_operators[term->spec->op]);
	else
		append_json_string(out, language->list_operator);
	appendStringInfoChar(out, ':');
	if (term->spec->fixed_value != NULL)
		appendStringInfoString(out, term->spec->fixed_value);
	else if (term->values != NIL)
	{
		appendStringInfoChar(out, '[');
		foreach(cell, term->values)
		{
			if (cell != list_head(term->values))
				appendStringInfoChar(out, ',');
			append_term_value(out, term, lfirst(cell));
		}
		appendStringInfoChar(out, ']');
	}
	else
		append_term_value(out, term, term->value);
	appendStringInfoChar(out, '}');
	while (depth-- > 0)
		appendStringInfoChar(out, '}');
}

/*
 * graphql_term
 *		One term of spec in language as a filter object: of value, or of
 *		values (a list comparator, "in", "nin") when they are not NIL;
 *		verbatim values (EXPLAIN's {$1}) as they are.  palloc'd.
 */
char *
graphql_term(const FilterLanguage *language, const PushdownSpec *spec,
			 const char *value, List *values, bool verbatim)
{
	FilterTerm	term = {spec, value, verbatim, values};
	StringInfoData out;

	initStringInfo(&out);
	append_term(&out, language, &term);
	return out.data;
}

/*
 * graphql_group
 *		The filter objects parts (char *, written) combined by the
 *		combinator name ("and", "or"): {"or": [...]}, or the one part
 *		alone.  palloc'd.
 */
char *
graphql_group(const char *name, List *parts)
{
	StringInfoData out;
	ListCell   *cell;

	if (list_length(parts) == 1)
		return linitial(parts);
	initStringInfo(&out);
	appendStringInfoChar(&out, '{');
	append_json_string(&out, name);
	appendStringInfoString(&out, ":[");
	foreach(cell, parts)
	{
		if (cell != list_head(parts))
			appendStringInfoChar(&out, ',');
		appendStringInfoString(&out, lfirst(cell));
	}
	appendStringInfoString(&out, "]}");
	return out.data;
}

/*
 * graphql_filter_object
 *		The filter object of terms (FilterTerm *) in language and of groups
 *		(boolean trees, written by graphql_group), "" for none: one object,
 *		or {"and": [...]} of several.  palloc'd.
 */
char *
graphql_filter_object(const FilterLanguage *language, List *terms,
					  List *groups)
{
	List	   *parts = NIL;
	ListCell   *cell;
	StringInfoData out;

	foreach(cell, terms)
	{
		initStringInfo(&out);
		append_term(&out, language, lfirst(cell));
		parts = lappend(parts, out.data);
	}
	parts = list_concat(parts, groups);
	if (parts == NIL)
		return pstrdup("");
	return graphql_group("and", parts);
}

/* The length of path's first segment */
static int
segment_length(const char *path)
{
	const char *dot = strchr(path, '.');

	return dot ? dot - path : strlen(path);
}

/*
 * The selection set of paths (dotted, non-empty) into out, fields in the
 * order they first appear; returns what it costs per item.
 */
static double
append_selection(StringInfo out, List *paths)
{
	double		cost = 0;
	ListCell   *cell;
	ListCell   *other;

	foreach(cell, paths)
	{
		const char *path = lfirst(cell);
		int			len = segment_length(path);
		List	   *children = NIL;
		bool		connection = false;
		bool		seen = false;

		foreach(other, paths)
		{
			const char *o = lfirst(other);

			if (other == cell)
				break;
			seen |= segment_length(o) == len && strncmp(o, path, len) == 0;
		}
		if (seen)
			continue;
		for_each_cell(other, paths, cell)
		{
			const char *o = lfirst(other);

			if (segment_length(o) != len || strncmp(o, path, len) != 0 ||
				o[len] != '.')
				continue;
			children = lappend(children, (char *) o + len + 1);
			/* a connection's items: counted times its page size */
			connection |= strncmp(o + len + 1, "nodes", 5) == 0 &&
				segment_length(o + len + 1) == 5;
		}
		appendStringInfo(out, "%s%.*s", out->len > 0 &&
						 out->data[out->len - 1] != ' ' ? " " : "", len, path);
		if (children == NIL)
		{
			cost += 0.1;
			continue;
		}
		appendStringInfoString(out, " { ");
		if (connection)
			cost += 1 + GRAPHQL_DEFAULT_FIRST * append_selection(out, children);
		else
			cost += 1 + append_selection(out, children);
		appendStringInfoString(out, " }");
		list_free(children);
	}
	return cost;
}

/*
 * A column's path as a field of the selection set ("labels.nodes[*].name"
 * is "labels.nodes.name"), or NULL if it is not one: only GraphQL names
 * joined by dots, so that no path can change the query.  palloc'd.
 */
static char *
selection_path(const char *path)
{
	StringInfoData out;
	const char *p;

	initStringInfo(&out);
	for (p = path; *p; p++)
	{
		if (strncmp(p, "[*]", 3) == 0)
			p += 2;
		else if ((*p == '.' && out.len > 0 && out.data[out.len - 1] != '.') ||
				 (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				 *p == '_' || (*p >= '0' && *p <= '9' && out.len > 0 &&
								out.data[out.len - 1] != '.'))
			appendStringInfoChar(&out, *p);
		else
			return NULL;
	}
	if (out.len == 0 || out.data[out.len - 1] == '.')
		return NULL;
	return out.data;
}

/*
 * The selection set of one item of resource: the fields of fields (the
 * paths a scan reads, comma-separated), or NULL for those of all its
 * columns; always its identity_at.  *item_cost is what an item costs.
 * palloc'd.
 */
static char *
item_selection(const ResourceSpec *resource, const char *fields,
			   double *item_cost)
{
	StringInfoData out;
	List	   *paths = NIL;
	const ColumnSpec *column;
	char	   *path;

	if (resource->identity_at != NULL)
		paths = lappend(paths, selection_path(resource->identity_at));
	if (fields != NULL)
	{
		char	   *copy = pstrdup(fields);
		char	   *save;

		for (path = strtok_r(copy, ",", &save); path; path = strtok_r(NULL, ",", &save))
			if ((path = selection_path(path)) != NULL)
				paths = lappend(paths, path);
	}
	else
		for (column = resource->columns; column->name != NULL; column++)
			if (column->path != NULL && (path = selection_path(column->path)) != NULL)
				paths = lappend(paths, path);
	initStringInfo(&out);
	*item_cost = 1 + append_selection(&out, paths);
	return out.data;
}

/*
 * graphql_fields
 *		The paths a scan of foreign table relid (of resource) reads, for
 *		the selection set: those of columns (attribute numbers, 0 alone for
 *		the whole row), a column's path option or else its description's,
 *		comma-separated; NULL when the whole item is read (the whole row, or
 *		a column of path "").  palloc'd.
 */
char *
graphql_fields(Oid relid, const ResourceSpec *resource, List *columns)
{
	StringInfoData out;
	ListCell   *cell;

	initStringInfo(&out);
	foreach(cell, columns)
	{
		AttrNumber	attnum = lfirst_int(cell);
		const char *path;
		const ColumnSpec *column;

		if (attnum == 0)
			return NULL;
		path = saas_column_path_option(relid, attnum);
		if (path == NULL &&
			(column = resource_column(resource, saas_column_name(relid, attnum))) != NULL)
			path = column->path;
		if (path == NULL)
			continue;
		if (path[0] == '\0')
			return NULL;
		appendStringInfo(&out, "%s%s", out.len > 0 ? "," : "", path);
	}
	return out.data;
}

/* Does query declare the variable $name? */
static bool
declares_variable(const char *query, const char *name)
{
	const char *p;
	size_t		len = strlen(name);

	for (p = strchr(query, '$'); p != NULL; p = strchr(p + 1, '$'))
		if (strncmp(p + 1, name, len) == 0 && p[len + 1] == ':')
			return true;
	return false;
}

/*
 * The variables of url's query string that the query declares (the others
 * only name the request: the fields read, the operation), with the page size cut to what
 * max_complexity allows for items of item_cost.
 */
static List *
url_variables(const ResourceSpec *resource, const char *url, double item_cost)
{
	List	   *variables = NIL;
	ListCell   *cell;

	foreach(cell, url_query_params(url))
	{
		UrlParam   *variable = lfirst(cell);

		if (!declares_variable(resource->graphql_query, variable->name))
			continue;
		if (resource->page_size_param != NULL && resource->max_complexity > 0 &&
			strcmp(variable->name, resource->page_size_param) == 0)
		{
			int			most = (int) ((resource->max_complexity - GRAPHQL_PAGE_OVERHEAD) / item_cost);

			if (atoi(variable->value) > most)
				variable->value = psprintf("%d", Max(most, 1));
		}
		variables = lappend(variables, variable);
	}
	return variables;
}

/* The fields a page's URL names (GRAPHQL_FIELDS_PARAM), or NULL.  palloc'd. */
static char *
url_fields(const char *url)
{
	ListCell   *cell;

	foreach(cell, url_query_params(url))
	{
		UrlParam   *param = lfirst(cell);

		if (strcmp(param->name, GRAPHQL_FIELDS_PARAM) == 0)
			return param->value;
	}
	return NULL;
}

/* A variable's value as JSON into out: the filter object, a number, or a string */
static void
append_variable(StringInfo out, const ResourceSpec *resource,
				const UrlParam *variable)
{
	const char *value = variable->value;

	if (resource->filter != NULL && strcmp(variable->name, resource->filter->param) == 0)
		appendStringInfoString(out, value);
	else if (name_listed(resource->body_numbers, variable->name) &&
			 value[0] != '\0' && strspn(value, "0123456789") == strlen(value))
		appendStringInfoString(out, value);
	else
		append_json_string(out, value);
}

/*
 * graphql_json_body
 *		The POST body of the page url of resource (its graphql_query is
 *		set): {"query": ..., "variables": {...}}.  *url_without_query is
 *		where it goes.  Both palloc'd.
 */
char *
graphql_json_body(const ResourceSpec *resource, const char *url,
				  char **url_without_query)
{
	const char *query = strchr(url, '?');
	double		item_cost;
	char	   *selection = item_selection(resource, url_fields(url), &item_cost);
	StringInfoData body;
	ListCell   *cell;
	List	   *variables = url_variables(resource, url, item_cost);

	*url_without_query = query ? pnstrdup(url, query - url) : pstrdup(url);
	initStringInfo(&body);
	appendStringInfoString(&body, "{\"query\":");
	append_json_string(&body, psprintf(resource->graphql_query, selection));
	appendStringInfoString(&body, ",\"variables\":{");
	foreach(cell, variables)
	{
		UrlParam   *variable = lfirst(cell);

		if (cell != list_head(variables))
			appendStringInfoChar(&body, ',');
		append_json_string(&body, variable->name);
		appendStringInfoChar(&body, ':');
		append_variable(&body, resource, variable);
	}
	appendStringInfoString(&body, "}}");
	return body.data;
}

/*
 * graphql_call_text
 *		What EXPLAIN shows of the page url of resource: the table and the
 *		variables sent, "issues(filter: {...}, first: 50)".  palloc'd.
 */
char *
graphql_call_text(const ResourceSpec *resource, const char *url)
{
	double		item_cost;
	StringInfoData out;
	ListCell   *cell;
	List	   *variables;

	(void) item_selection(resource, url_fields(url), &item_cost);
	variables = url_variables(resource, url, item_cost);
	initStringInfo(&out);
	appendStringInfo(&out, "%s(", resource->table);
	foreach(cell, variables)
	{
		UrlParam   *variable = lfirst(cell);

		appendStringInfo(&out, "%s%s: ", cell == list_head(variables) ? "" : ", ",
						 variable->name);
		append_variable(&out, resource, variable);
	}
	appendStringInfoChar(&out, ')');
	return out.data;
}

/*
 * graphql_mutation_body
 *		The POST body of a write of resource by mutation (a WriteSpec's
 *		graphql_mutation, one %s for the selection set of the object
 *		written): {"query": ..., "variables": variables}, variables being
 *		the JSON object write_body wrote.  The selection set is every
 *		column's field with returning (RETURNING reads the answer), else
 *		the item's id alone.  palloc'd.
 */
char *
graphql_mutation_body(const ResourceSpec *resource, const char *mutation,
					  const char *variables, bool returning)
{
	double		item_cost;
	char	   *selection = item_selection(resource, returning ? NULL : "",
										   &item_cost);
	StringInfoData body;

	initStringInfo(&body);
	appendStringInfoString(&body, "{\"query\":");
	append_json_string(&body, psprintf(mutation, selection));
	appendStringInfo(&body, ",\"variables\":%s}", variables);
	return body.data;
}
