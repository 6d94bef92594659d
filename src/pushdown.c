/*-------------------------------------------------------------------------
 *
 * pushdown.c
 *		  Which WHERE clauses become API request parameters, and how the
 *		  requests are written from their values.
 *
 * Rules a reader must know:
 *	- A clause is pushed only in a shape a resource's description names
 *	  (column, operator), with a built-in operator whose inputs are of one
 *	  type (or are both integers, or are a timestamptz and a date), and a
 *	  value that does not depend on the scanned row and is not volatile: a
 *	  Const, a Param, or an outer column of a parameterized scan.  An OR of
 *	  such equalities on one column is read as that column's IN list.
 *	  Values are evaluated by the executor, never by the planner.
 *	- The column's type, through domains, must be of the family of the API
 *	  field's (a role may declare its own foreign table with any types), and
 *	  a comparison of text must use a deterministic collation; a range on
 *	  text, the column's own or the default one (postgres_fdw's rule).
 *	- A value the API cannot express (a time out of its range) is not sent;
 *	  the qual is then only checked locally.
 *	- Every clause, pushed or not, is still checked by PostgreSQL: the API
 *	  only narrows what is fetched.  "Exact" only decides whether LIMIT may
 *	  shrink the page size.
 *	- One binding per key column and per query parameter; a second clause on
 *	  the same parameter stays local (list parameters merge instead).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "pushdown.h"

/* Identifies the qual shapes this module understands. */
typedef struct QualShape
{
	AttrNumber	attnum;			/* column of the scanned relation */
	PushOp		op;
	Expr	   *value;
	bool		is_array;
	Oid			collation;		/* the operator's input collation, or
								 * InvalidOid */
} QualShape;

/* The kinds of SQL types a pushdown rule can write. */
typedef enum TypeFamily
{
	FAMILY_OTHER,				/* never pushed */
	FAMILY_TEXT,				/* text, varchar */
	FAMILY_INTEGER,				/* smallint, integer, bigint */
	FAMILY_TIMESTAMPTZ,
	FAMILY_BOOLEAN
} TypeFamily;

static PushOp
op_from_name(const char *name, bool *ok)
{
	*ok = true;
	if (strcmp(name, "=") == 0)
		return PUSH_EQ;
	if (strcmp(name, "<") == 0)
		return PUSH_LT;
	if (strcmp(name, "<=") == 0)
		return PUSH_LE;
	if (strcmp(name, ">") == 0)
		return PUSH_GT;
	if (strcmp(name, ">=") == 0)
		return PUSH_GE;
	*ok = false;
	return PUSH_EQ;
}

static bool
is_range_op(PushOp op)
{
	return op == PUSH_LT || op == PUSH_LE || op == PUSH_GT || op == PUSH_GE;
}

static PushOp
commute_op(PushOp op)
{
	switch (op)
	{
		case PUSH_LT:
			return PUSH_GT;
		case PUSH_LE:
			return PUSH_GE;
		case PUSH_GT:
			return PUSH_LT;
		case PUSH_GE:
			return PUSH_LE;
		default:
			return op;
	}
}

/* The column of the scanned relation this expression is, or 0. */
static AttrNumber
scanned_column(Node *node, Index relid)
{
	if (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	if (node && IsA(node, Var))
	{
		Var		   *var = (Var *) node;

		if (var->varno == relid && var->varlevelsup == 0 && var->varattno > 0)
			return var->varattno;
	}
	return 0;
}

/* Can this expression be evaluated once, before the scan, as a value? */
static bool
is_runtime_value(PlannerInfo *root, Node *node, Index relid)
{
	return !bms_is_member(relid, pull_varnos(root, node)) &&
		!contain_volatile_functions(node) &&
		!contain_subplans(node) &&
		!contain_agg_clause(node) &&
		!contain_window_function(node);
}

static bool
is_integer_type(Oid type)
{
	return type == INT2OID || type == INT4OID || type == INT8OID;
}

/*
 * A built-in operator whose inputs are of one type, or are two integer
 * types: drivers bind integers as they like (JDBC's setLong makes
 * "number = $1::bigint"), and an integer is written the same whatever its
 * width, so int4 = int8 reaches the API as exactly as int4 = int4.  A
 * timestamptz compared with a date is accepted too: PostgreSQL reads the
 * date as midnight in the session's TimeZone, and so does format_value.
 */
static bool
is_builtin_same_type_op(Oid opno)
{
	Oid			left;
	Oid			right;

	if (opno >= FirstNormalObjectId)
		return false;
	op_input_types(opno, &left, &right);
	return left == right || (is_integer_type(left) && is_integer_type(right)) ||
		(left == TIMESTAMPTZOID && right == DATEOID) ||
		(left == DATEOID && right == TIMESTAMPTZOID);
}

static bool
match_op_expr(PlannerInfo *root, OpExpr *expr, Index relid, QualShape *shape)
{
	Node	   *left;
	Node	   *right;
	char	   *opname;
	bool		ok;

	if (list_length(expr->args) != 2 || !is_builtin_same_type_op(expr->opno))
		return false;
	left = linitial(expr->args);
	right = lsecond(expr->args);
	opname = get_opname(expr->opno);
	shape->collation = expr->inputcollid;

	if (strcmp(opname, "@>") == 0)
	{
		/* array column @> array value: every value must be present */
		shape->attnum = scanned_column(left, relid);
		shape->op = PUSH_CONTAINS;
		shape->value = (Expr *) right;
		shape->is_array = true;
		return shape->attnum > 0 && is_runtime_value(root, right, relid);
	}

	shape->op = op_from_name(opname, &ok);
	if (!ok)
		return false;
	if ((shape->attnum = scanned_column(left, relid)) > 0)
		shape->value = (Expr *) right;
	else if ((shape->attnum = scanned_column(right, relid)) > 0)
	{
		shape->value = (Expr *) left;
		shape->op = commute_op(shape->op);
	}
	else
		return false;
	shape->is_array = false;
	return is_runtime_value(root, (Node *) shape->value, relid);
}

static bool
match_array_op(PlannerInfo *root, ScalarArrayOpExpr *expr, Index relid,
			   QualShape *shape)
{
	Node	   *scalar = linitial(expr->args);
	Node	   *array = lsecond(expr->args);

	if (!expr->useOr || !is_builtin_same_type_op(expr->opno) ||
		strcmp(get_opname(expr->opno), "=") != 0)
		return false;
	shape->collation = expr->inputcollid;

	if ((shape->attnum = scanned_column(scalar, relid)) > 0)
	{
		/* column = ANY(values), column IN (...) */
		shape->op = PUSH_EQ;
		shape->value = (Expr *) array;
		shape->is_array = true;
		return is_runtime_value(root, array, relid);
	}
	if ((shape->attnum = scanned_column(array, relid)) > 0)
	{
		/* value = ANY(array column) */
		shape->op = PUSH_CONTAINS;
		shape->value = (Expr *) scalar;
		shape->is_array = false;
		return is_runtime_value(root, scalar, relid);
	}
	return false;
}

/*
 * col = a OR col = b OR ... as col IN (a, b, ...): one column, equality
 * under one collation, values of one type (Steampipe's rewrite).  The
 * value becomes an array (a constant one when every value is constant).
 */
static bool
match_or_equalities(PlannerInfo *root, BoolExpr *expr, Index relid,
					QualShape *shape)
{
	List	   *values = NIL;
	Oid			value_type = InvalidOid;
	ArrayExpr  *array;
	ListCell   *cell;

	foreach(cell, expr->args)
	{
		QualShape	arm;

		if (!IsA(lfirst(cell), OpExpr) ||
			!match_op_expr(root, lfirst(cell), relid, &arm) ||
			arm.op != PUSH_EQ)
			return false;
		if (values == NIL)
		{
			*shape = arm;
			value_type = exprType((Node *) arm.value);
		}
		else if (arm.attnum != shape->attnum || arm.collation != shape->collation ||
				 exprType((Node *) arm.value) != value_type)
			return false;
		values = lappend(values, arm.value);
	}
	if (values == NIL || !OidIsValid(get_array_type(value_type)))
		return false;

	array = makeNode(ArrayExpr);
	array->array_typeid = get_array_type(value_type);
	array->array_collid = shape->collation;
	array->element_typeid = value_type;
	array->elements = values;
	array->multidims = false;
	array->location = -1;
	shape->value = (Expr *) eval_const_expressions(root, (Node *) array);
	shape->is_array = true;
	return true;
}

static bool
match_qual(PlannerInfo *root, Expr *clause, Index relid, QualShape *shape)
{
	shape->collation = InvalidOid;
	if (IsA(clause, OpExpr))
		return match_op_expr(root, (OpExpr *) clause, relid, shape);
	if (is_orclause(clause))
		return match_or_equalities(root, (BoolExpr *) clause, relid, shape);
	if (IsA(clause, ScalarArrayOpExpr))
		return match_array_op(root, (ScalarArrayOpExpr *) clause, relid, shape);
	if (IsA(clause, Var) || is_notclause(clause))
	{
		/* a boolean column, or NOT of one */
		Node	   *arg = is_notclause(clause) ? (Node *) get_notclausearg(clause) : (Node *) clause;

		shape->attnum = scanned_column(arg, relid);
		shape->op = IsA(clause, Var) ? PUSH_IS_TRUE : PUSH_IS_FALSE;
		shape->value = NULL;
		shape->is_array = false;
		return shape->attnum > 0 && exprType(arg) == BOOLOID;
	}
	if (IsA(clause, NullTest))
	{
		NullTest   *test = (NullTest *) clause;

		if (test->argisrow)
			return false;
		shape->attnum = scanned_column((Node *) test->arg, relid);
		shape->op = test->nulltesttype == IS_NULL ? PUSH_IS_NULL : PUSH_IS_NOT_NULL;
		shape->value = NULL;
		shape->is_array = false;
		return shape->attnum > 0;
	}
	return false;
}

/* The family of a SQL type, through domains; an array's is its element's. */
static TypeFamily
type_family(Oid type, bool *is_array)
{
	Oid			base = getBaseType(type);
	Oid			element = get_element_type(base);

	*is_array = OidIsValid(element);
	if (*is_array)
		base = getBaseType(element);
	switch (base)
	{
		case TEXTOID:
		case VARCHAROID:
			return FAMILY_TEXT;
		case INT2OID:
		case INT4OID:
		case INT8OID:
			return FAMILY_INTEGER;
		case TIMESTAMPTZOID:
			return FAMILY_TIMESTAMPTZ;
		case BOOLOID:
			return FAMILY_BOOLEAN;
		default:
			return FAMILY_OTHER;
	}
}

/* The family of a type as a service description writes it ("text[]"). */
static TypeFamily
described_family(const char *type, bool *is_array)
{
	size_t		len = strlen(type);
	char	   *scalar;

	*is_array = len > 2 && strcmp(type + len - 2, "[]") == 0;
	scalar = pnstrdup(type, *is_array ? len - 2 : len);
	if (strcmp(scalar, "text") == 0)
		return FAMILY_TEXT;
	if (strcmp(scalar, "integer") == 0 || strcmp(scalar, "bigint") == 0)
		return FAMILY_INTEGER;
	if (strcmp(scalar, "timestamptz") == 0)
		return FAMILY_TIMESTAMPTZ;
	if (strcmp(scalar, "boolean") == 0)
		return FAMILY_BOOLEAN;
	return FAMILY_OTHER;
}

/*
 * Would the API apply this qual as PostgreSQL does?  Not if the column's
 * type is not of the family of the API field's: a rule writes a value in
 * one form (a time, an integer, a string), and a value of another type
 * would be misread, refused by the API, or match other rows.  Not if the
 * comparison's collation disagrees with the API's byte comparison: under a
 * nondeterministic collation 'a' = 'A' may hold, so text is sent only
 * under a deterministic one, where equality is equality of bytes.  Order
 * depends on the collation too: as in postgres_fdw, a range is sent only
 * under the column's own collation or the default one.
 */
static bool
column_accepts(const ResourceSpec *resource, Oid relid, const QualShape *shape)
{
	Oid			type;
	int32		typmod;
	Oid			collation;
	const ColumnSpec *described;
	bool		is_array;
	bool		described_array;
	TypeFamily	family;

	get_atttypetypmodcoll(relid, shape->attnum, &type, &typmod, &collation);
	if (OidIsValid(shape->collation) &&
		(!get_collation_isdeterministic(shape->collation) ||
		 (is_range_op(shape->op) && shape->collation != collation &&
		  shape->collation != DEFAULT_COLLATION_OID)))
		return false;
	if (shape->value == NULL)
		return true;			/* IS [NOT] NULL, a boolean: no value written */
	described = resource_column(resource, saas_column_name(relid, shape->attnum));
	if (described == NULL)
		return false;
	family = type_family(type, &is_array);
	return family != FAMILY_OTHER &&
		family == described_family(described->type, &described_array) &&
		is_array == described_array;
}

static int
pushdown_index(const ResourceSpec *resource, const char *column, PushOp op)
{
	int			i;

	for (i = 0; resource->pushdown && resource->pushdown[i].column; i++)
		if (resource->pushdown[i].op == op &&
			strcmp(resource->pushdown[i].column, column) == 0)
			return i;
	return -1;
}

/* Is a binding for the same target already there? */
static PushedQual *
find_binding(List *quals, const ResourceSpec *resource, BindingKind kind,
			 int spec_index)
{
	ListCell   *cell;

	foreach(cell, quals)
	{
		PushedQual *qual = lfirst(cell);

		if (qual->kind != kind)
			continue;
		if (kind == BIND_PARAM
			? strcmp(resource->pushdown[qual->spec_index].param,
					 resource->pushdown[spec_index].param) == 0
			: qual->spec_index == spec_index)
			return qual;
	}
	return NULL;
}

static bool
is_single_valued(PushedQual *qual)
{
	if (!qual->is_array)
		return true;
	if (IsA(qual->value, Const) && !((Const *) qual->value)->constisnull)
	{
		ArrayType  *array = DatumGetArrayTypeP(((Const *) qual->value)->constvalue);

		return ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array)) <= 1;
	}
	return false;
}

/* Does a table option fix this key column ("repo 'octo/hello'")? */
static bool
key_is_fixed(const SaasTableOptions *options, const char *column)
{
	ListCell   *cell;

	foreach(cell, options->fixed_keys)
		if (strcmp(lfirst_node(DefElem, cell)->defname, column) == 0)
			return true;
	return false;
}

/*
 * Decide which of the clauses (RestrictInfos) become request parameters.
 * With saas_fdw.pushdown off only key columns do: the rest stays local.
 */
RequestPlan *
plan_request(PlannerInfo *root, RelOptInfo *baserel,
			 const SaasTableOptions *options, List *clauses)
{
	const ResourceSpec *resource = options->resource;
	RequestPlan *plan = palloc0(sizeof(RequestPlan));
	Oid			relid = planner_rt_fetch(baserel->relid, root)->relid;
	ListCell   *cell;
	int			k;

	plan->all_exact = true;
	foreach(cell, clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
		QualShape	shape;
		PushedQual *qual;
		char	   *column;
		bool		exact = true;

		if (!match_qual(root, rinfo->clause, baserel->relid, &shape) ||
			!column_accepts(resource, relid, &shape))
		{
			plan->local_only = lappend(plan->local_only, rinfo);
			plan->all_exact = false;
			continue;
		}
		column = saas_column_name(relid, shape.attnum);
		qual = palloc0(sizeof(PushedQual));
		qual->value = shape.value;
		qual->is_array = shape.is_array;

		/* a table fixed to one key reads only that: its qual filters locally */
		if (shape.op == PUSH_EQ && !key_is_fixed(options, column) &&
			(qual->spec_index = resource_key_index(resource, column)) >= 0)
			qual->kind = BIND_KEY;
		else if (!saas_pushdown)
		{
			/* saas_fdw.pushdown off: only key columns name the request */
			plan->local_only = lappend(plan->local_only, rinfo);
			plan->all_exact = false;
			continue;
		}
		else if (shape.op == PUSH_EQ && resource->single_key &&
				 strcmp(resource->single_key, column) == 0)
			qual->kind = BIND_SINGLE;
		else if ((qual->spec_index = pushdown_index(resource, column, shape.op)) >= 0)
		{
			const PushdownSpec *spec = &resource->pushdown[qual->spec_index];

			qual->kind = BIND_PARAM;
			exact = spec->exact;
			/* a parameter that takes one value cannot carry several */
			if (spec->op == PUSH_CONTAINS && spec->format != VALUE_CSV &&
				!is_single_valued(qual))
				exact = false;
		}
		else
		{
			plan->local_only = lappend(plan->local_only, rinfo);
			plan->all_exact = false;
			continue;
		}

		if (find_binding(plan->quals, resource, qual->kind, qual->spec_index) != NULL &&
			!(qual->kind == BIND_PARAM && shape.op == PUSH_CONTAINS &&
			  resource->pushdown[qual->spec_index].format == VALUE_CSV))
		{
			plan->local_only = lappend(plan->local_only, rinfo);
			plan->all_exact = false;
			continue;
		}

		plan->all_exact &= exact;
		if (qual->kind == BIND_KEY)
			plan->key_clauses = lappend(plan->key_clauses, rinfo);
		if (shape.op == PUSH_EQ && !is_single_valued(qual))
			plan->several_streams = true;
		plan->quals = lappend(plan->quals, qual);
	}

	for (k = 0; resource->key_columns && resource->key_columns[k]; k++)
	{
		bool		bound = find_binding(plan->quals, resource, BIND_KEY, k) != NULL;

		foreach(cell, options->fixed_keys)
			bound |= strcmp(lfirst_node(DefElem, cell)->defname, resource->key_columns[k]) == 0;
		if (!bound)
		{
			plan->missing_key = resource->key_columns[k];
			break;
		}
	}
	return plan;
}

/*
 * Pack the pushed quals for fdw_private: a List of Integer lists (kind,
 * spec index, is_array, index of the value in *exprs or -1).
 */
List *
request_plan_to_list(RequestPlan *plan, List **exprs)
{
	List	   *packed = NIL;
	ListCell   *cell;

	foreach(cell, plan->quals)
	{
		PushedQual *qual = lfirst(cell);
		int			expr_index = -1;

		if (qual->value != NULL)
		{
			*exprs = lappend(*exprs, qual->value);
			expr_index = list_length(*exprs) - 1;
		}
		packed = lappend(packed, list_make4(makeInteger(qual->kind),
											makeInteger(qual->spec_index),
											makeInteger(qual->is_array),
											makeInteger(expr_index)));
	}
	return packed;
}

List *
request_quals_from_list(List *packed, List *exprs)
{
	List	   *quals = NIL;
	ListCell   *cell;

	foreach(cell, packed)
	{
		List	   *item = lfirst(cell);
		PushedQual *qual = palloc0(sizeof(PushedQual));
		int			expr_index = intVal(list_nth(item, 3));

		qual->kind = intVal(list_nth(item, 0));
		qual->spec_index = intVal(list_nth(item, 1));
		qual->is_array = intVal(list_nth(item, 2)) != 0;
		qual->value = expr_index >= 0 ? list_nth(exprs, expr_index) : NULL;
		quals = lappend(quals, qual);
	}
	return quals;
}

/* What became of one SQL value written for the API. */
typedef enum Written
{
	WRITTEN,					/* the string to send is in the buffer */
	MATCHES_NOTHING,			/* no value of the API field can match */
	NOT_EXPRESSIBLE				/* the API cannot be asked about it: the
								 * qual is checked locally only */
} Written;

/*
 * Can the APIs be asked about this time?  From the Unix epoch (Slack
 * refuses a negative ts, Stripe's times are Unix seconds) to the end of
 * year 9999 (ISO 8601's four-digit year); not infinities, not a time whose
 * Unix microseconds would overflow.
 */
static bool
is_api_time(TimestampTz ts)
{
	TimestampTz first = (TimestampTz) (UNIX_EPOCH_JDATE - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
	TimestampTz end = (TimestampTz) (date2j(10000, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;

	return ts >= first && ts < end;
}

/* Microseconds since the Unix epoch, of a time is_api_time accepts. */
static int64
unix_micros(TimestampTz ts)
{
	return ts + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
}

/*
 * A time as whole Unix seconds such that the API's bound keeps the SQL
 * meaning for a field counted in whole seconds: x > 5.5 is x > 5,
 * x >= 5.5 is x >= 6, x < 5.5 is x < 6, x <= 5.5 is x <= 5.  Equality with
 * a fraction matches nothing.
 */
static Written
format_epoch(TimestampTz ts, PushOp op, StringInfo out)
{
	int64		micros = unix_micros(ts);
	int64		down = micros / USECS_PER_SEC;
	int64		up = down + (micros % USECS_PER_SEC != 0);
	int64		seconds;

	switch (op)
	{
		case PUSH_GT:
		case PUSH_LE:
			seconds = down;
			break;
		case PUSH_GE:
		case PUSH_LT:
			seconds = up;
			break;
		default:
			if (up != down)
				return MATCHES_NOTHING;
			seconds = down;
			break;
	}
	appendStringInfo(out, INT64_FORMAT, seconds);
	return WRITTEN;
}

static void
format_iso8601(TimestampTz ts, StringInfo out)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range");
	appendStringInfo(out, "%04d-%02d-%02dT%02d:%02d:%02dZ",
					 tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A time in one of the APIs' forms; not sent outside is_api_time. */
static Written
format_time(TimestampTz ts, ValueFormat format, PushOp op, StringInfo out)
{
	int64		micros;

	if (!is_api_time(ts))
		return NOT_EXPRESSIBLE;
	switch (format)
	{
		case VALUE_EPOCH:
			return format_epoch(ts, op, out);
		case VALUE_ISO8601:
			format_iso8601(ts, out);
			return WRITTEN;
		default:
			/* VALUE_SLACK_TS: "seconds.micros" */
			micros = unix_micros(ts);
			appendStringInfo(out, INT64_FORMAT ".%06d", micros / USECS_PER_SEC,
							 (int) (micros % USECS_PER_SEC));
			return WRITTEN;
	}
}

/*
 * A date compared with a timestamptz column: the time PostgreSQL compares
 * with, midnight in the session's TimeZone (date2timestamptz), so the bound
 * sent is the bound PostgreSQL applies.  An infinite date, as an infinite
 * time, is not sent; nor is a date outside timestamptz's range.
 */
static Written
format_date(DateADT date, ValueFormat format, PushOp op, StringInfo out)
{
	TimestampTz ts;
	int			overflow = 0;

	if (DATE_NOT_FINITE(date))
		return NOT_EXPRESSIBLE;
	ts = date2timestamptz_opt_overflow(date, &overflow);
	if (overflow != 0)
		return NOT_EXPRESSIBLE;
	return format_time(ts, format, op, out);
}

/* "1234567890.123456": ten digits, a dot, six digits */
static bool
is_fixed_width_ts(const char *ts)
{
	int			i;

	for (i = 0; i < 17; i++)
		if (i == 10 ? ts[i] != '.' : (ts[i] < '0' || ts[i] > '9'))
			return false;
	return ts[17] == '\0';
}

static bool
list_has_string(List *list, const char *value)
{
	ListCell   *cell;

	foreach(cell, list)
		if (strcmp(lfirst(cell), value) == 0)
			return true;
	return false;
}

/*
 * May value be sent for this rule?  Not if the API knows a fixed set of
 * values and this is not one of them: it would refuse the request, and no
 * row has such a value.
 */
static bool
value_known(const PushdownSpec *spec, const char *value)
{
	const char *const *known;

	if (spec == NULL || spec->allowed_values == NULL)
		return true;
	for (known = spec->allowed_values; *known != NULL; known++)
		if (strcmp(*known, value) == 0)
			return true;
	return false;
}

static ValueFormat
qual_format(const ResourceSpec *resource, PushedQual *qual, PushOp *op)
{
	if (qual->kind != BIND_PARAM)
	{
		*op = PUSH_EQ;
		return VALUE_TEXT;
	}
	*op = resource->pushdown[qual->spec_index].op;
	return resource->pushdown[qual->spec_index].format;
}

/*
 * One SQL value of the given type written for the API, in out.  Planning
 * pushed the qual only for a column type of the rule's family; whatever
 * the type, a value is never read as another type here.
 */
static Written
format_value(Datum value, Oid type, ValueFormat format, PushOp op,
			 StringInfo out)
{
	Oid			output;
	bool		varlena;

	switch (format)
	{
		case VALUE_EPOCH:
		case VALUE_ISO8601:
		case VALUE_SLACK_TS:
			if (getBaseType(type) == DATEOID)
				return format_date(DatumGetDateADT(value), format, op, out);
			if (getBaseType(type) != TIMESTAMPTZOID)
				return NOT_EXPRESSIBLE;
			return format_time(DatumGetTimestampTz(value), format, op, out);
		default:
			getTypeOutputInfo(type, &output, &varlena);
			appendStringInfoString(out, OidOutputFunctionCall(output, value));
			/* a ts is sent only where text order is the API's order */
			if (format == VALUE_SLACK_TS_TEXT && !is_fixed_width_ts(out->data))
				return NOT_EXPRESSIBLE;
			/* an integer's text: below 1 it starts with '-' or is "0" */
			if (format == VALUE_NUMBERED &&
				(out->data[0] == '-' || strcmp(out->data, "0") == 0))
				return MATCHES_NOTHING;
			return WRITTEN;
	}
}

/*
 * The strings one pushed qual sends, from its value at run time.
 */
BoundValues *
bind_value(const ResourceSpec *resource, PushedQual *qual, Datum value,
		   bool isnull, Oid type)
{
	BoundValues *bound = palloc0(sizeof(BoundValues));
	const PushdownSpec *spec = (qual->kind == BIND_PARAM) ?
		&resource->pushdown[qual->spec_index] : NULL;
	PushOp		op;
	ValueFormat format = qual_format(resource, qual, &op);
	StringInfoData buf;

	if (qual->value == NULL)
	{
		/* IS [NOT] NULL: the description's fixed value */
		bound->values = list_make1(pstrdup(spec->fixed_value));
		return bound;
	}
	if (isnull)
	{
		bound->no_rows = true;
		return bound;
	}

	if (qual->is_array)
	{
		ArrayType  *array = DatumGetArrayTypeP(value);
		Oid			elemtype = ARR_ELEMTYPE(array);
		int16		typlen;
		bool		typbyval;
		char		typalign;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;

		get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
		deconstruct_array(array, elemtype, typlen, typbyval, typalign,
						  &elems, &nulls, &n);
		for (i = 0; i < n; i++)
		{
			Written		written;

			if (nulls[i])
			{
				/* col @> '{NULL}' is never true; NULL in IN matches nothing */
				if (op == PUSH_CONTAINS)
					bound->no_rows = true;
				continue;
			}
			initStringInfo(&buf);
			written = format_value(elems[i], elemtype, format, op, &buf);
			/* one value the API cannot be asked about: send none */
			if (written == NOT_EXPRESSIBLE)
				bound->unsent = true;
			else if (written == WRITTEN && value_known(spec, buf.data) &&
					 !list_has_string(bound->values, buf.data))
				bound->values = lappend(bound->values, buf.data);
		}
		if (bound->values == NIL && op != PUSH_CONTAINS && !bound->unsent)
			bound->no_rows = true;
		return bound;
	}

	initStringInfo(&buf);
	switch (format_value(value, type, format, op, &buf))
	{
		case WRITTEN:
			if (value_known(spec, buf.data))
				bound->values = list_make1(buf.data);
			else
				bound->no_rows = true;
			break;
		case MATCHES_NOTHING:
			bound->no_rows = true;
			break;
		case NOT_EXPRESSIBLE:
			bound->unsent = true;
			break;
	}
	return bound;
}

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
static void
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
} Dimension;

typedef struct StreamBuilder
{
	const SaasTableOptions *options;
	const ResourceSpec *resource;
	List	   *dimensions;
	List	   *fixed_params;	/* QueryParams of single-valued quals */
	const char *sort_params;
	int			page_size;
	List	   *streams;
} StreamBuilder;

static void
emit_stream(StreamBuilder *builder, const char **choice, bool *verbatim)
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
	foreach(cell, builder->dimensions)
	{
		Dimension  *dim = lfirst(cell);

		if (dim->qual == NULL || dim->qual->kind == BIND_KEY)
		{
			keys[dim->key] = choice[d];
			keys_verbatim[dim->key] = verbatim[d];
		}
		else if (dim->qual->kind == BIND_SINGLE)
		{
			single_value = choice[d];
			single_verbatim = verbatim[d];
		}
		else
			params = set_param(params, resource->pushdown[dim->qual->spec_index].param,
							   choice[d], verbatim[d]);
		d++;
	}
	foreach(cell, builder->fixed_params)
	{
		QueryParam *param = lfirst(cell);

		params = set_param(params, param->name, param->value, param->verbatim);
	}

	stream->single = single_value != NULL;
	template = stream->single ? resource->single_path : resource->path_template;
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

		if (builder->sort_params && builder->sort_params[0])
			params = parse_fixed_query(params, builder->sort_params);
		if (resource->page_size_param && builder->page_size > 0)
			params = set_param(params, resource->page_size_param,
							   psprintf("%d", builder->page_size), true);
		foreach(cell, params)
		{
			QueryParam *param = lfirst(cell);

			appendStringInfo(&url, "%c%s=", sep, param->name);
			append_value(&url, param->value, param->verbatim, false);
			sep = '&';
		}
	}
	stream->path_and_query = url.data;
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
 * context.  NIL when a value can match nothing; an error past
 * saas_fdw.max_streams.
 */
List *
build_request_streams(const SaasTableOptions *options, const char *relname,
					  List *quals, List *bound, int sort_index,
					  bool sort_desc, int page_size)
{
	const ResourceSpec *resource = options->resource;
	StreamBuilder builder;
	ListCell   *qcell;
	ListCell   *bcell;
	ListCell   *cell;
	bool		single = false;
	int			k;

	memset(&builder, 0, sizeof(builder));
	builder.options = options;
	builder.resource = resource;
	builder.page_size = page_size;
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

		if (values->no_rows)
			return NIL;
		if (values->unsent || (single && qual->kind == BIND_PARAM))
			continue;
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

	/* keys not bound by a qual come from the table options */
	for (k = 0; resource->key_columns && resource->key_columns[k]; k++)
	{
		bool		bound_by_qual = false;

		foreach(cell, builder.dimensions)
			bound_by_qual |= ((Dimension *) lfirst(cell))->key == k;
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

	check_stream_count(relname, builder.dimensions);
	{
		int			n = list_length(builder.dimensions);
		const char **choice = palloc0(sizeof(char *) * (n + 1));
		bool	   *verbatim = palloc0(sizeof(bool) * (n + 1));

		product(&builder, list_head(builder.dimensions), 0, choice, verbatim);
	}
	return builder.streams;
}
