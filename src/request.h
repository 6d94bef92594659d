/*-------------------------------------------------------------------------
 *
 * request.h
 *		  The executor's side of pushdown: the values of the pushed quals as
 *		  the API reads them, and the request streams made of them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_REQUEST_H
#define SAAS_REQUEST_H

#include "lib/stringinfo.h"

#include "pushdown.h"

/*
 * The value set of one pushed qual at run time: the strings to send, one
 * per request stream for = ANY, else one.  no_rows means the SQL value can
 * match nothing (NULL, or a fraction of a second for a whole-second field).
 */
typedef struct BoundValues
{
	List	   *values;			/* char * */
	bool		no_rows;
	bool		unsent;			/* a value the API would read differently,
								 * or cannot be asked about (a time out of
								 * its range): the qual stays local only */
	bool		verbatim;		/* already written for EXPLAIN: do not
								 * URL-encode */
} BoundValues;

/* One request stream: the first page's path and query. */
typedef struct RequestStream
{
	char	   *path_and_query; /* "/repos/octo/hello/issues?state=all" */
	List	   *key_values;		/* char *, one per key column */
	bool		single;			/* a single-object request */
	char	   *filter_text;	/* the query in the resource's filter
								 * language ("" for none), or NULL */
	const char *split_column;	/* a stream of a range split on this
								 * column (request_split.c), or NULL */
	struct RequestStream *fallback; /* the same request without its boolean
									 * trees, asked when the API refuses a
									 * value of them (request.c,
									 * emit_stream), or NULL */
} RequestStream;

/*
 * A scan's range split into sub-ranges (RangeSplitSpec in service.h): the
 * two quals it replaces, and each sub-range's query parameters, in the
 * order its streams are read.
 */
typedef struct RangeSplit
{
	const char *column;
	PushedQual *lower;
	PushedQual *upper;
	List	   *queries;		/* char *: "created[gte]=1&created[lt]=2" */
} RangeSplit;

/*
 * One term of a query in a filter language, not yet written: a rule and
 * its value, or (a GraphQL list_operator term) its values.
 */
typedef struct FilterTerm
{
	const PushdownSpec *spec;
	const char *value;
	bool		verbatim;		/* written for EXPLAIN: as it is */
	List	   *values;			/* char *, or NIL for value alone */
} FilterTerm;

/* in request_value.c */
extern BoundValues *bind_value(const ResourceSpec *resource,
							   PushedQual *qual, Datum value, bool isnull,
							   Oid type);
extern bool list_has_string(List *list, const char *value);
extern bool language_can_write(const FilterLanguage *language,
							   const char *value);

/* in request_split.c */
extern RangeSplit *plan_range_split(const ResourceSpec *resource, List *quals,
									List *bound, int sort_index,
									bool sort_desc);

/* in request.c */
extern List *build_request_streams(const SaasTableOptions *options,
								   const char *relname, List *quals,
								   List *bound, List *trees, int sort_index,
								   bool sort_desc, int page_size,
								   const char *fields, const char *item_fields);
extern void append_url_encoded(StringInfo out, const char *value,
							   bool in_path);
extern void append_encoded(StringInfo out, const char *value, bool in_path);
extern char *request_json_body(const ResourceSpec *resource, const char *url,
							   char **url_without_query);
extern bool name_listed(const char *const *names, const char *name);
extern char *url_decoded(const char *value, size_t len);

/* One parameter of a URL's query string, decoded (url_query_params). */
typedef struct UrlParam
{
	char	   *name;
	char	   *value;
} UrlParam;

extern List *url_query_params(const char *url);
extern void append_json_string(StringInfo out, const char *value);

/*
 * The URL parameter of a GraphQL page that names the fields the scan reads
 * (graphql_fields), for the selection set; it is no variable.
 */
#define GRAPHQL_FIELDS_PARAM	"fields"

/* in request_graphql.c */
extern char *graphql_term(const FilterLanguage *language,
						  const PushdownSpec *spec, const char *value,
						  List *values, bool verbatim);
extern char *graphql_group(const char *name, List *parts);
extern char *graphql_filter_object(const FilterLanguage *language,
								   List *terms, List *groups);
extern char *graphql_json_body(const ResourceSpec *resource, const char *url,
							   char **url_without_query);
extern char *graphql_call_text(const ResourceSpec *resource, const char *url);
extern char *graphql_fields(Oid relid, const ResourceSpec *resource,
							List *columns);
extern char *graphql_mutation_body(const ResourceSpec *resource,
								   const char *mutation,
								   const char *variables, bool returning);

#endif							/* SAAS_REQUEST_H */
