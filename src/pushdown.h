/*-------------------------------------------------------------------------
 *
 * pushdown.h
 *		  What the planner hands the executor: the quals that became request
 *		  parameters, and how requests are written from them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_PUSHDOWN_H
#define SAAS_PUSHDOWN_H

#include "lib/stringinfo.h"
#include "nodes/pathnodes.h"
#include "nodes/primnodes.h"

#include "saas_fdw.h"

/* What a pushed qual binds. */
typedef enum BindingKind
{
	BIND_KEY,					/* a key column of the path template */
	BIND_SINGLE,				/* the single-object key (number = n) */
	BIND_PARAM					/* a PushdownSpec's query parameter */
} BindingKind;

/*
 * One qual that becomes part of the request.  The value is an expression
 * (a Const, a Param, or an outer column in a parameterized scan) that the
 * executor evaluates when the scan starts.
 */
typedef struct PushedQual
{
	BindingKind kind;
	int			spec_index;		/* key_columns[] index, or pushdown[] index */
	Expr	   *value;			/* NULL for IS [NOT] NULL */
	bool		is_array;		/* value is an array: several streams (=
								 * ANY) or several list values (@>) */
} PushedQual;

typedef struct RequestPlan
{
	List	   *quals;			/* PushedQual * */
	List	   *local_only;		/* RestrictInfos that were not pushed */
	List	   *key_clauses;	/* RestrictInfos that bind key columns: they
								 * choose a list, they do not filter one */
	bool		all_exact;		/* every qual pushed, each one exactly */
	bool		several_streams;	/* an IN list or array may make more than
									 * one request stream */
	const char *missing_key;	/* a key column with no value, or NULL */
} RequestPlan;

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
} RequestStream;

/* in pushdown.c */
extern RequestPlan *plan_request(PlannerInfo *root, RelOptInfo *baserel,
								 const SaasTableOptions *options,
								 List *clauses);
extern List *request_plan_to_list(RequestPlan *plan, List **exprs);
extern List *request_quals_from_list(List *packed, List *exprs);
extern BoundValues *bind_value(const ResourceSpec *resource,
							   PushedQual *qual, Datum value, bool isnull,
							   Oid type);
extern List *build_request_streams(const SaasTableOptions *options,
								   const char *relname, List *quals,
								   List *bound, int sort_index,
								   bool sort_desc, int page_size);
extern void append_url_encoded(StringInfo out, const char *value,
							   bool in_path);

#endif							/* SAAS_PUSHDOWN_H */
