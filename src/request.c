/*-------------------------------------------------------------------------
 *
 * request.c
 *		  The executor's side of pushdown: the request streams (one per
 *		  combination of key values) built from the pushed quals' values,
 *		  which request_value.c writes as the API reads them.
 *
 * Rules a reader must know:
 *	- A value is written in UTF-8 and percent-encoded by ASCII rules,
 *	  whatever the database's encoding and locale.
 *	- A range_syntax parameter is written as ">=a", "<=b" or "a..b" from
 *	  its bounds; a list path is chosen by the key that has a value
 *	  (resource_list_path).
 *	- In a resource with a filter language (service.h), the pushed quals
 *	  are the terms of one query, each value written by the language's
 *	  quoting rules (write_filter); a value they cannot write is not sent.
 *	  A GraphQL filter object is written by request_graphql.c, where an IN
 *	  list is one term of the language's list_operator, not streams.
 *	  A boolean tree is one more term, in parentheses (write_tree): a leaf
 *	  whose value cannot be sent is true there, never false.
 *	- The product of IN lists is capped by saas_fdw.max_streams before any
 *	  request is made, and a single-object request is made once, whatever
 *	  the IN lists beside it.
 *	- A scan of one stream whose time range is bounded on both sides may be
 *	  split into sub-range streams (request_split.c), the last dimension.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/defrem.h"
#include "mb/pg_wchar.h"

#include "request.h"

/*
 * Percent-encode value (bytes, UTF-8 for the APIs) into out, by ASCII rules
 * whatever the database's locale: unreserved characters as they are, '/'
 * too in a path, and ",:*@" in a query; every other byte as %XX.
 */
void
append_url_encoded(StringInfo out, const char *value, bool in_path)
{
	const char *p;

	for (p = value; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || strchr("-._~", c) != NULL ||
			(in_path ? c == '/' : strchr(",:*@", c) != NULL))
			appendStringInfoChar(out, c);
		else
			appendStringInfo(out, "%%%02X", c);
	}
}

/*
 * A SQL value (a string in the database encoding) as it goes into a
 * request: in UTF-8, as the APIs read it, and URL-encoded.  A key value in
 * a path keeps its '/' (repo is "owner/name"); a "." or ".." segment is
 * refused, so a value cannot climb to another endpoint.
 */
void
append_encoded(StringInfo out, const char *value, bool in_path)
{
	if (in_path)
	{
		char	   *copy = pstrdup(value);
		char	   *segment;
		char	   *save;

		for (segment = strtok_r(copy, "/", &save); segment; segment = strtok_r(NULL, "/", &save))
			if (strcmp(segment, ".") == 0 || strcmp(segment, "..") == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid key value \"%s\"", value),
						 errdetail("A key value may not contain \".\" or \"..\" path segments.")));
	}
	append_url_encoded(out, pg_server_to_any(value, strlen(value), PG_UTF8), in_path);
}

static void
append_value(StringInfo out, const char *value, bool verbatim, bool in_path)
{
	if (verbatim)
		appendStringInfoString(out, value);
	else
		append_encoded(out, value, in_path);
}

static List *
add_term(List *terms, const PushdownSpec *spec, const char *value,
		 bool verbatim)
{
	FilterTerm *term;
	ListCell   *cell;

	/* a range_syntax field takes its two bounds in one term, "lower..upper" */
	foreach(cell, spec->range_syntax ? terms : NIL)
	{
		bool		lower = spec->op == PUSH_GT || spec->op == PUSH_GE;
		PushdownSpec *merged;

		term = lfirst(cell);
		if (!term->spec->range_syntax || strcmp(term->spec->param, spec->param) != 0)
			continue;
		merged = palloc(sizeof(PushdownSpec));
		*merged = *spec;
		merged->op = PUSH_EQ;
		term->value = psprintf("%s..%s", lower ? value : term->value,
							   lower ? term->value : value);
		term->verbatim |= verbatim;
		term->spec = merged;
		return terms;
	}
	term = palloc0(sizeof(FilterTerm));

	term->spec = spec;
	term->value = value;
	term->verbatim = verbatim;
	return lappend(terms, term);
}

/* Is value made only of letters, digits and the language's bare_chars? */
static bool
is_bare_value(const FilterLanguage *language, const char *value)
{
	const char *p;

	if (language->bare_chars == NULL)
		return false;
	for (p = value; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || strchr(language->bare_chars, c) != NULL))
			return false;
	}
	return true;
}

/*
 * A value in the language, into out: bare, or quoted with its quotes and
 * escapes escaped.  bind_value sent only values language_can_write accepts.
 */
static void
append_language_value(StringInfo out, const FilterLanguage *language,
					  const char *value)
{
	const char *p;

	if (is_bare_value(language, value))
	{
		appendStringInfoString(out, value);
		return;
	}
	Assert(language_can_write(language, value));
	appendStringInfoChar(out, language->quote);
	for (p = value; *p; p++)
	{
		if (language->escape != '\0' &&
			(*p == language->quote || *p == language->escape))
			appendStringInfoChar(out, language->escape);
		appendStringInfoChar(out, *p);
	}
	appendStringInfoChar(out, language->quote);
}

/*
 * A value of a term of spec, into out: a description's fixed value, and
 * EXPLAIN's {$1}, as they are; any other by the language's rules.
 */
static void
append_term_value(StringInfo out, const FilterLanguage *language,
				  const PushdownSpec *spec, const char *value, bool verbatim)
{
	if (verbatim || spec->fixed_value != NULL)
		appendStringInfoString(out, value);
	else
		append_language_value(out, language, value);
}

/* A term, the field, the operator and the value, into out. */
static void
append_term(StringInfo out, const FilterLanguage *language,
			const PushdownSpec *spec, const char *value, bool verbatim)
{
	const char *op = language->operators[spec->op];

	appendStringInfo(out, "%s%s", spec->param, op ? op : "");
	append_term_value(out, language, spec, value, verbatim);
}

/*
 * parts (char *) joined by separator; in group_format when several (a
 * GraphQL object's combinator of that name).
 */
static char *
join_parts(const FilterLanguage *language, List *parts, const char *separator)
{
	StringInfoData out;
	ListCell   *cell;

	if (language->graphql_object)
		return graphql_group(separator, parts);
	if (list_length(parts) == 1)
		return linitial(parts);
	initStringInfo(&out);
	foreach(cell, parts)
	{
		if (out.len > 0)
			appendStringInfoString(&out, separator);
		appendStringInfoString(&out, lfirst(cell));
	}
	return psprintf(language->group_format, out.data);
}

/*
 * A leaf of a boolean tree, the qual with its bound values, as written;
 * NULL when it is taken as true (not sent), with *none set when it matches
 * no row.  An IN (NOT IN) list is one term when the language has a list
 * operator, else an OR (an AND) of terms; a CONTAINS list an AND.
 */
static char *
write_leaf(const ResourceSpec *resource, PushedQual *qual,
		   BoundValues *values, bool *none)
{
	const FilterLanguage *language = resource->filter;
	const PushdownSpec *spec = &resource->pushdown[qual->spec_index];
	List	   *parts = NIL;
	ListCell   *cell;
	StringInfoData out;

	if (values->no_rows)
		*none = true;
	if (values->no_rows || values->unsent || values->values == NIL)
		return NULL;
	initStringInfo(&out);
	if (qual->is_array && spec->op != PUSH_CONTAINS &&
		language->list_operators[spec->op] != NULL)
	{
		StringInfoData list;

		if (language->graphql_object)
			return graphql_term(language, spec, NULL, values->values,
								values->verbatim);
		initStringInfo(&list);
		foreach(cell, values->values)
		{
			if (list.len > 0)
				appendStringInfoString(&list, language->list_separator);
			append_term_value(&list, language, spec, lfirst(cell), values->verbatim);
		}
		appendStringInfo(&out, "%s%s", spec->param, language->list_operators[spec->op]);
		appendStringInfo(&out, language->list_format, list.data);
		return out.data;
	}
	foreach(cell, values->values)
	{
		if (language->graphql_object)
		{
			parts = lappend(parts, graphql_term(language, spec, lfirst(cell),
												NIL, values->verbatim));
			continue;
		}
		resetStringInfo(&out);
		append_term(&out, language, spec, lfirst(cell), values->verbatim);
		parts = lappend(parts, pstrdup(out.data));
	}
	return join_parts(language, parts, spec->op == PUSH_EQ ?
					  language->disjunction : language->conjunction);
}

/*
 * write_tree
 *		A boolean tree (pushdown.h) of the quals and their bound values (in
 *		the order of the quals), as written in the resource's language;
 *		NULL when, as far as the API can be asked, it holds for every row
 *		(nothing to send), with *none set when it holds for none.
 *
 * A leaf not sent is true: an AND drops it, an OR with it is true.  The
 * result is palloc'd.
 */
static char *
write_tree(const ResourceSpec *resource, const FilterTree *tree, List *quals,
		   List *bound, bool *none)
{
	bool		is_and = tree->kind == FILTER_AND;
	List	   *parts = NIL;
	ListCell   *cell;

	if (tree->kind == FILTER_LEAF)
		return write_leaf(resource, list_nth(quals, tree->qual_index),
						  list_nth(bound, tree->qual_index), none);
	foreach(cell, tree->children)
	{
		bool		child_none = false;
		char	   *text = write_tree(resource, lfirst(cell), quals, bound,
									  &child_none);

		if (child_none ? is_and : (text == NULL && !is_and))
		{
			*none = child_none;
			return NULL;
		}
		if (text != NULL)
			parts = lappend(parts, text);
	}
	if (parts == NIL)
	{
		/* every arm of an OR matches no row; every part of an AND is true */
		*none = !is_and;
		return NULL;
	}
	return join_parts(resource->filter, parts, is_and ?
					  resource->filter->conjunction : resource->filter->disjunction);
}

/*
 * The query of terms in the language, then the groups (boolean trees
 * already written), with text, the user's own query text (or NULL), ANDed
 * as it is; palloc'd.
 */
static char *
write_filter(const FilterLanguage *language, List *terms, List *groups,
			 const char *text)
{
	StringInfoData out;
	ListCell   *cell;

	if (language->graphql_object)
		return graphql_filter_object(language, terms, groups);
	initStringInfo(&out);
	foreach(cell, terms)
	{
		FilterTerm *term = lfirst(cell);

		if (out.len > 0)
			appendStringInfoString(&out, language->conjunction);
		append_term(&out, language, term->spec, term->value, term->verbatim);
	}
	foreach(cell, groups)
	{
		if (out.len > 0)
			appendStringInfoString(&out, language->conjunction);
		appendStringInfoString(&out, lfirst(cell));
	}
	if (text != NULL)
	{
		if (out.len > 0)
			appendStringInfoString(&out, language->conjunction);
		if (language->text_format != NULL)
			appendStringInfo(&out, language->text_format, text);
		else
			appendStringInfoString(&out, text);
	}
	return out.data;
}

/* A query parameter of the request being built. */
typedef struct QueryParam
{
	const char *name;
	const char *value;
	bool		verbatim;
} QueryParam;

static List *
set_param(List *params, const char *name, const char *value, bool verbatim)
{
	ListCell   *cell;
	QueryParam *param;

	foreach(cell, params)
	{
		param = lfirst(cell);
		if (strcmp(param->name, name) == 0)
		{
			param->value = value;
			param->verbatim = verbatim;
			return params;
		}
	}
	param = palloc(sizeof(QueryParam));
	param->name = name;
	param->value = value;
	param->verbatim = verbatim;
	return lappend(params, param);
}

/* A value as it goes into the query string: URL-encoded unless verbatim. */
static char *
query_text(const char *value, bool verbatim)
{
	StringInfoData buf;

	initStringInfo(&buf);
	append_value(&buf, value, verbatim, false);
	return buf.data;
}

/*
 * A bound of a range_syntax rule: ">=v" or "<=v" alone; with the other
 * bound already set, "lower..upper", each bound encoded as its own value
 * is (one may be an expression EXPLAIN shows verbatim).
 */
static List *
set_range_param(List *params, const PushdownSpec *spec, const char *value,
				bool verbatim)
{
	bool		lower = spec->op == PUSH_GT || spec->op == PUSH_GE;
	ListCell   *cell;

	foreach(cell, params)
	{
		QueryParam *param = lfirst(cell);
		char	   *other;
		char	   *mine;

		if (strcmp(param->name, spec->param) != 0)
			continue;
		/* the other bound, as ">=v" or "<=v" */
		other = query_text(param->value + 2, param->verbatim);
		mine = query_text(value, verbatim);
		return set_param(params, spec->param,
						 psprintf("%s..%s", lower ? mine : other, lower ? other : mine),
						 true);
	}
	return set_param(params, spec->param,
					 psprintf("%s%s", lower ? ">=" : "<=", value), verbatim);
}

/* "a=1&b=2" as parameters, in order. */
static List *
parse_fixed_query(List *params, const char *query)
{
	char	   *copy;
	char	   *pair;
	char	   *save;

	if (query == NULL || query[0] == '\0')
		return params;
	copy = pstrdup(query);
	for (pair = strtok_r(copy, "&", &save); pair; pair = strtok_r(NULL, "&", &save))
	{
		char	   *eq = strchr(pair, '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		params = set_param(params, pair, eq + 1, true);
	}
	return params;
}

/*
 * One dimension of the request streams: a target and its alternative
 * values; streams are the product of all dimensions.
 */
typedef struct Dimension
{
	PushedQual *qual;			/* NULL for a fixed key from table options */
	int			key;			/* key column index for keys */
	List	   *values;
	bool		verbatim;
	const RangeSplit *split;	/* the sub-ranges: values are their queries */
} Dimension;

typedef struct StreamBuilder
{
	const SaasTableOptions *options;
	const ResourceSpec *resource;
	List	   *dimensions;
	List	   *fixed_params;	/* QueryParams of single-valued quals */
	List	   *terms;			/* FilterTerms of single-valued quals, in
								 * a resource with a filter language */
	List	   *groups;			/* its boolean trees, written (char *) */
	const char *sort_params;
	int			page_size;
	const char *fields;			/* GraphQL: the fields read, or NULL */
	List	   *streams;
	const char *item_fields;	/* fields_param's value, or "" */
} StreamBuilder;

/*
 * The stream of one choice of the dimensions' values, with groups, the
 * boolean trees written, ANDed to its query; palloc'd.
 */
static RequestStream *
make_stream(StreamBuilder *builder, const char **choice, bool *verbatim,
			List *groups)
{
	const ResourceSpec *resource = builder->resource;
	RequestStream *stream = palloc0(sizeof(RequestStream));
	StringInfoData url;
	const char *template;
	const char *p;
	const char *single_value = NULL;
	bool		single_verbatim = false;
	List	   *params = NIL;
	ListCell   *cell;
	int			d = 0;
	int			nkeys = 0;
	const char **keys;
	bool	   *keys_verbatim;
	List	   *terms = list_copy(builder->terms);

	while (resource->key_columns && resource->key_columns[nkeys])
		nkeys++;
	keys = palloc0(sizeof(char *) * (nkeys + 1));
	keys_verbatim = palloc0(sizeof(bool) * (nkeys + 1));

	params = parse_fixed_query(params, resource->default_query);
	foreach(cell, builder->options->fixed_query)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		params = set_param(params, def->defname, defGetString(def), false);
	}
	if (builder->item_fields[0] != '\0')
		params = set_param(params, resource->fields_param, builder->item_fields, false);
	foreach(cell, builder->dimensions)
	{
		Dimension  *dim = lfirst(cell);

		if (dim->split != NULL)
		{
			params = parse_fixed_query(params, choice[d]);
			stream->split_column = dim->split->column;
		}
		else if (dim->qual == NULL || dim->qual->kind == BIND_KEY)
		{
			keys[dim->key] = choice[d];
			keys_verbatim[dim->key] = verbatim[d];
		}
		else if (dim->qual->kind == BIND_SINGLE)
		{
			single_value = choice[d];
			single_verbatim = verbatim[d];
		}
		else if (resource->filter != NULL)
			terms = add_term(terms, &resource->pushdown[dim->qual->spec_index],
							 choice[d], verbatim[d]);
		else
			params = set_param(params, resource->pushdown[dim->qual->spec_index].param,
							   choice[d], verbatim[d]);
		d++;
	}
	if (resource->filter != NULL)
	{
		const char *text_column = resource->filter->text_column;
		const char *text = text_column ?
			keys[resource_key_index(resource, text_column)] : NULL;

		stream->filter_text = write_filter(resource->filter, terms, groups, text);
		/* the order clause follows a query, and makes none by itself */
		if (resource->filter->order_in_query && stream->filter_text[0] != '\0' &&
			builder->sort_params != NULL && builder->sort_params[0] != '\0')
			stream->filter_text = psprintf("%s %s", stream->filter_text,
										   builder->sort_params);
		if (stream->filter_text[0] != '\0')
			params = set_param(params, resource->filter->param,
							   stream->filter_text, false);
	}
	foreach(cell, builder->fixed_params)
	{
		QueryParam *param = lfirst(cell);

		params = set_param(params, param->name, param->value, param->verbatim);
	}

	stream->single = single_value != NULL;
	template = stream->single ? resource->single_path : resource_list_path(resource, keys);
	initStringInfo(&url);
	for (p = template; *p; p++)
	{
		const char *close;
		char	   *name;
		int			k;
		bool		in_path = strchr(url.data, '?') == NULL;

		if (*p != '{' || (close = strchr(p, '}')) == NULL)
		{
			appendStringInfoChar(&url, *p);
			continue;
		}
		name = pnstrdup(p + 1, close - p - 1);
		if (stream->single && strcmp(name, resource->single_key) == 0)
			append_value(&url, single_value, single_verbatim, false);	/* an id: '/' encoded too */
		else if ((k = resource_key_index(resource, name)) >= 0 && keys[k] != NULL)
			append_value(&url, keys[k], keys_verbatim[k], in_path);
		else
			elog(ERROR, "no value for {%s} in %s", name, template);
		p = close;
	}

	for (d = 0; d < nkeys; d++)
		stream->key_values = lappend(stream->key_values, (char *) keys[d]);

	if (!stream->single)
	{
		char		sep = strchr(url.data, '?') ? '&' : '?';

		if (builder->sort_params && builder->sort_params[0] &&
			!(resource->filter && resource->filter->order_in_query))
			params = parse_fixed_query(params, builder->sort_params);
		if (resource->page_size_param && builder->page_size > 0)
			params = set_param(params, resource->page_size_param,
							   psprintf("%d", builder->page_size), true);
		if (resource->graphql_query != NULL && builder->fields != NULL)
			params = set_param(params, GRAPHQL_FIELDS_PARAM, builder->fields, false);
		foreach(cell, params)
		{
			QueryParam *param = lfirst(cell);

			appendStringInfo(&url, "%c%s=", sep, param->name);
			append_value(&url, param->value, param->verbatim, false);
			sep = '&';
		}
	}
	stream->path_and_query = url.data;
	return stream;
}

/*
 * Add the stream of one choice of the dimensions' values.  A stream whose
 * query holds boolean trees has a fallback, the same query without them:
 * an API that refuses a value that exists nowhere (no_match_words in
 * service.h) refuses it inside an OR or a <> too, where the rest of the
 * tree may still match rows, so the scan then asks the fallback (which
 * matches more rows, rechecked) instead of taking the refusal as no row.
 */
static void
emit_stream(StreamBuilder *builder, const char **choice, bool *verbatim)
{
	RequestStream *stream = make_stream(builder, choice, verbatim,
										builder->groups);

	if (builder->groups != NIL && builder->resource->no_match_words != NULL)
		stream->fallback = make_stream(builder, choice, verbatim, NIL);
	builder->streams = lappend(builder->streams, stream);
}

static void
product(StreamBuilder *builder, ListCell *next, int depth,
		const char **choice, bool *verbatim)
{
	Dimension  *dim;
	ListCell   *cell;

	if (next == NULL)
	{
		emit_stream(builder, choice, verbatim);
		return;
	}
	dim = lfirst(next);
	foreach(cell, dim->values)
	{
		/* saas_fdw.max_streams may have been raised far */
		CHECK_FOR_INTERRUPTS();
		choice[depth] = lfirst(cell);
		verbatim[depth] = dim->verbatim;
		product(builder, lnext(builder->dimensions, next), depth + 1, choice, verbatim);
	}
}

/*
 * Refuse a product of IN lists past saas_fdw.max_streams, before the
 * streams are written and any request is made: thousands of values in two
 * IN lists make millions of requests.
 */
static void
check_stream_count(const char *relname, List *dimensions)
{
	StringInfoData sizes;
	double		count = 1;
	ListCell   *cell;

	foreach(cell, dimensions)
		count *= list_length(((Dimension *) lfirst(cell))->values);
	if (count <= saas_max_streams)
		return;

	initStringInfo(&sizes);
	foreach(cell, dimensions)
		appendStringInfo(&sizes, "%s%d", sizes.len > 0 ? " x " : "",
						 list_length(((Dimension *) lfirst(cell))->values));
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("query on foreign table \"%s\" needs %.0f API request streams, more than saas_fdw.max_streams (%d)",
					relname, count, saas_max_streams),
			 errdetail("Each combination of values of the IN lists is one request stream: %s.",
					   sizes.data),
			 errhint("Shorten the IN lists, or raise saas_fdw.max_streams.")));
}

/*
 * The request streams for the bound values (a BoundValues per qual, in
 * the order of quals) of a scan of relname, allocated in the current memory
 * context; fields, for a GraphQL resource, names the fields the scan reads
 * (graphql_fields; NULL: all); item_fields is the value of the resource's
 * fields_param ("" for its default).  NIL when a value can match nothing; an
 * error past saas_fdw.max_streams.
 */
List *
build_request_streams(const SaasTableOptions *options, const char *relname,
					  List *quals, List *bound, List *trees, int sort_index,
					  bool sort_desc, int page_size, const char *fields,
					  const char *item_fields)
{
	const ResourceSpec *resource = options->resource;
	StreamBuilder builder;
	ListCell   *qcell;
	ListCell   *bcell;
	ListCell   *cell;
	bool		single = false;
	List	   *option_terms = NIL;
	int			k;
	RangeSplit *split = plan_range_split(resource, quals, bound, sort_index,
										 sort_desc);

	Assert(trees == NIL || resource->filter != NULL);
	memset(&builder, 0, sizeof(builder));
	builder.options = options;
	builder.resource = resource;
	builder.page_size = page_size;
	builder.fields = fields;
	builder.item_fields = item_fields;
	if (sort_index >= 0)
		builder.sort_params = sort_desc ? resource->sorts[sort_index].desc_params
			: resource->sorts[sort_index].asc_params;

	/*
	 * A single-object request takes no query parameters: their IN lists
	 * would only request the same object again (PostgreSQL rechecks them).
	 */
	forboth(qcell, quals, bcell, bound)
	{
		if (((PushedQual *) lfirst(qcell))->kind == BIND_SINGLE &&
			!((BoundValues *) lfirst(bcell))->unsent)
			single = true;
	}

	forboth(qcell, quals, bcell, bound)
	{
		PushedQual *qual = lfirst(qcell);
		BoundValues *values = lfirst(bcell);

		if (qual->in_tree)
			continue;			/* written with its tree, below */
		if (values->no_rows)
			return NIL;
		if (values->unsent || (single && qual->kind == BIND_PARAM) ||
			(split && (qual == split->lower || qual == split->upper)))
			continue;
		if (qual->kind == BIND_PARAM && resource->filter != NULL &&
			resource->filter->list_operator != NULL &&
			resource->pushdown[qual->spec_index].op == PUSH_EQ &&
			(list_length(values->values) > 1 || (qual->is_array && values->verbatim)))
		{
			/*
			 * one term of the list operator, any value may hold (also
			 * EXPLAIN's {$1} of an array)
			 */
			builder.terms = add_term(builder.terms,
									 &resource->pushdown[qual->spec_index],
									 NULL, values->verbatim);
			((FilterTerm *) llast(builder.terms))->values = values->values;
			continue;
		}
		if (qual->kind == BIND_PARAM && resource->filter != NULL &&
			(resource->pushdown[qual->spec_index].op == PUSH_CONTAINS ||
			 list_length(values->values) == 1))
		{
			/* one term per value: all must hold */
			foreach(cell, values->values)
				builder.terms = add_term(builder.terms,
										 &resource->pushdown[qual->spec_index],
										 lfirst(cell), values->verbatim);
			continue;
		}
		if (qual->kind == BIND_PARAM && resource->pushdown[qual->spec_index].extra_query)
			builder.fixed_params = parse_fixed_query(builder.fixed_params,
													 resource->pushdown[qual->spec_index].extra_query);
		if (qual->kind == BIND_PARAM &&
			resource->pushdown[qual->spec_index].op == PUSH_CONTAINS)
		{
			const PushdownSpec *spec = &resource->pushdown[qual->spec_index];
			StringInfoData joined;
			ListCell   *p;

			if (values->values == NIL)
				continue;
			initStringInfo(&joined);
			/* merge with an earlier list qual on the same parameter */
			foreach(p, builder.fixed_params)
			{
				QueryParam *param = lfirst(p);

				if (strcmp(param->name, spec->param) == 0)
					appendStringInfo(&joined, "%s,", param->value);
			}
			if (spec->format == VALUE_CSV)
			{
				foreach(cell, values->values)
					appendStringInfo(&joined, "%s%s", cell == list_head(values->values) ? "" : ",",
									 (char *) lfirst(cell));
			}
			else if (joined.len == 0)
				appendStringInfoString(&joined, linitial(values->values));
			else
				continue;
			builder.fixed_params = set_param(builder.fixed_params, spec->param,
											 joined.data, values->verbatim);
		}
		else if (qual->kind == BIND_PARAM && resource->pushdown[qual->spec_index].range_syntax)
			builder.fixed_params = set_range_param(builder.fixed_params,
												   &resource->pushdown[qual->spec_index],
												   linitial(values->values), values->verbatim);
		else if (list_length(values->values) == 1 && qual->kind == BIND_PARAM)
			builder.fixed_params = set_param(builder.fixed_params,
											 resource->pushdown[qual->spec_index].param,
											 linitial(values->values), values->verbatim);
		else
		{
			Dimension  *dim = palloc0(sizeof(Dimension));

			dim->qual = qual;
			dim->key = qual->kind == BIND_KEY ? qual->spec_index : -1;
			dim->values = values->values;
			dim->verbatim = values->verbatim;
			builder.dimensions = lappend(builder.dimensions, dim);
		}
	}

	/* the table options that are terms, first */
	foreach(cell, options->fixed_terms)
	{
		DefElem    *def = lfirst_node(DefElem, cell);

		if (language_can_write(resource->filter, defGetString(def)))
			option_terms = add_term(option_terms,
									resource_filter_field(resource, def->defname),
									defGetString(def), false);
	}
	builder.terms = list_concat(option_terms, builder.terms);

	/* a single-object request takes none, as it takes no parameters */
	foreach(cell, single ? NIL : trees)
	{
		bool		none = false;
		char	   *text = write_tree(resource, lfirst(cell), quals, bound, &none);

		if (none)
			return NIL;
		if (text != NULL)
			builder.groups = lappend(builder.groups, text);
	}

	/*
	 * Keys not bound by a qual come from the table options; of alternative
	 * keys (key_paths) only one is given, the first bound (as planned).
	 */
	for (k = 0; resource->key_columns && resource->key_columns[k]; k++)
	{
		bool		bound_by_qual = false;
		bool		alternative = resource_key_path(resource, resource->key_columns[k]) != NULL;

		foreach(cell, builder.dimensions)
		{
			Dimension  *dim = lfirst(cell);

			bound_by_qual |= dim->key == k ||
				(alternative && dim->key >= 0 &&
				 resource_key_path(resource, resource->key_columns[dim->key]) != NULL);
		}
		if (bound_by_qual)
			continue;
		foreach(cell, options->fixed_keys)
		{
			DefElem    *def = lfirst_node(DefElem, cell);

			if (strcmp(def->defname, resource->key_columns[k]) == 0)
			{
				Dimension  *dim = palloc0(sizeof(Dimension));

				dim->key = k;
				dim->values = list_make1(defGetString(def));
				builder.dimensions = lappend(builder.dimensions, dim);
				break;
			}
		}
	}

	if (split != NULL)
	{
		Dimension  *dim = palloc0(sizeof(Dimension));

		dim->key = -1;
		dim->values = split->queries;
		dim->split = split;
		builder.dimensions = lappend(builder.dimensions, dim);
	}
	check_stream_count(relname, builder.dimensions);
	{
		int			n = list_length(builder.dimensions);
		const char **choice = palloc0(sizeof(char *) * (n + 1));
		bool	   *verbatim = palloc0(sizeof(bool) * (n + 1));

		product(&builder, list_head(builder.dimensions), 0, choice, verbatim);
	}
	return builder.streams;
}

/*
 * name_listed
 *		Is name one of the NULL-terminated names (or NULL)?
 */
bool
name_listed(const char *const *names, const char *name)
{
	for (; names && *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

/*
 * url_decoded
 *		value (len bytes), percent-decoded (append_url_encoded's inverse);
 *		palloc'd.
 */
char *
url_decoded(const char *value, size_t len)
{
	char	   *out = palloc(len + 1);
	size_t		i;
	size_t		n = 0;

	for (i = 0; i < len; i++)
	{
		if (value[i] == '%' && i + 2 < len &&
			isxdigit((unsigned char) value[i + 1]) && isxdigit((unsigned char) value[i + 2]))
		{
			char		hex[3] = {value[i + 1], value[i + 2], '\0'};

			out[n++] = (char) strtol(hex, NULL, 16);
			i += 2;
		}
		else
			out[n++] = value[i];
	}
	out[n] = '\0';
	return out;
}

/*
 * append_json_string
 *		value as a JSON string into out (UTF-8 bytes kept, control
 *		characters escaped).
 */
void
append_json_string(StringInfo out, const char *value)
{
	const char *p;

	appendStringInfoChar(out, '"');
	for (p = value; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c == '"' || c == '\\')
			appendStringInfo(out, "\\%c", c);
		else if (c < 0x20)
			appendStringInfo(out, "\\u%04x", c);
		else
			appendStringInfoChar(out, c);
	}
	appendStringInfoChar(out, '"');
}

/*
 * url_query_params
 *		The parameters of url's query string, in order, each a UrlParam of
 *		its decoded name and value; a part without '=' is left out.
 *
 * Returns a List palloc'd in the current memory context.
 */
List *
url_query_params(const char *url)
{
	List	   *params = NIL;
	const char *p;

	for (p = strchr(url, '?'); p != NULL; p = strchr(p + 1, '&'))
	{
		const char *eq = strchr(p + 1, '=');
		const char *end = strchr(p + 1, '&');
		UrlParam   *param;

		if (end == NULL)
			end = p + 1 + strlen(p + 1);
		if (eq == NULL || eq > end)
			continue;
		param = palloc(sizeof(UrlParam));
		param->name = url_decoded(p + 1, eq - p - 1);
		param->value = url_decoded(eq + 1, end - eq - 1);
		params = lappend(params, param);
	}
	return params;
}

/*
 * request_json_body
 *		The JSON body of a POST request of resource (its method is POST),
 *		from the query string of url, the request's name: each parameter a
 *		member, typed as body_numbers and body_lists say.  *url_without_query
 *		is where the POST goes.  Both palloc'd.
 */
char *
request_json_body(const ResourceSpec *resource, const char *url,
				  char **url_without_query)
{
	const char *query = strchr(url, '?');
	StringInfoData body;
	ListCell   *cell;

	if (resource->graphql_query != NULL)
		return graphql_json_body(resource, url, url_without_query);
	*url_without_query = query ? pnstrdup(url, query - url) : pstrdup(url);
	initStringInfo(&body);
	appendStringInfoChar(&body, '{');
	foreach(cell, url_query_params(url))
	{
		UrlParam   *param = lfirst(cell);
		const char *name = param->name;
		char	   *value = param->value;

		if (body.len > 1)
			appendStringInfoChar(&body, ',');
		append_json_string(&body, name);
		appendStringInfoChar(&body, ':');
		if (name_listed(resource->body_numbers, name) &&
			strspn(value, "0123456789") == strlen(value) && value[0] != '\0')
			appendStringInfoString(&body, value);
		else if (name_listed(resource->body_lists, name))
		{
			char	   *save;
			char	   *item;
			bool		first = true;

			appendStringInfoChar(&body, '[');
			for (item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save))
			{
				if (!first)
					appendStringInfoChar(&body, ',');
				append_json_string(&body, item);
				first = false;
			}
			appendStringInfoChar(&body, ']');
		}
		else
			append_json_string(&body, value);
	}
	appendStringInfoChar(&body, '}');
	return body.data;
}
