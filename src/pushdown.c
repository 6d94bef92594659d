/*-------------------------------------------------------------------------
 *
 * pushdown.c
 *		  Which WHERE clauses become API request parameters: the planner's
 *		  side, matching quals into a request plan.  The executor's side,
 *		  writing the values (request_value.c) and the requests (request.c).
 *
 * Rules a reader must know:
 *	- A clause is pushed only in a shape a resource's description names
 *	  (column, operator), with a built-in operator whose inputs are of one
 *	  type (or are both integers, or are a timestamptz and a date), and a
 *	  value that does not depend on the scanned row and is not volatile: a
 *	  Const, a Param, or an outer column of a parameterized scan.  An OR of
 *	  such equalities on one column is read as that column's IN list.
 *	- In a resource whose filter language has a disjunction, any other OR,
 *	  a NOT and a <> (or NOT IN) become a boolean tree (match_tree, and
 *	  service.h "Boolean trees"): NOTs moved to the leaves, a leaf with no
 *	  rule taken as true, so the tree never matches fewer rows than the
 *	  clause.  Its leaves bind no parameter of their own.
 *	  Values are evaluated by the executor, never by the planner.
 *	- The column's type, through domains, must be of the family of the API
 *	  field's (a role may declare its own foreign table with any types), and
 *	  a comparison of text must use a deterministic collation; a range on
 *	  text, the column's own or the default one (postgres_fdw's rule).
 *	- Every clause, pushed or not, is still checked by PostgreSQL: the API
 *	  only narrows what is fetched.  "Exact" only decides whether LIMIT may
 *	  shrink the page size.
 *	- One binding per key column and per query parameter (or field of a
 *	  filter language); a second clause on the same parameter stays local
 *	  (list parameters merge instead, and a range_syntax parameter takes
 *	  one lower and one upper bound).
 *	- Of alternative list paths (key_paths) the first whose key is bound
 *	  names the request; clauses on the other alternatives' keys, and rules
 *	  of another path (path_key), stay local.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

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
	if (strcmp(name, "<>") == 0)
		return PUSH_NE;
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
	char	   *opname;

	if (!is_builtin_same_type_op(expr->opno))
		return false;
	opname = get_opname(expr->opno);
	shape->collation = expr->inputcollid;

	if (!expr->useOr)
	{
		/* column <> ALL(values), column NOT IN (...) */
		shape->attnum = scanned_column(scalar, relid);
		shape->op = PUSH_NE;
		shape->value = (Expr *) array;
		shape->is_array = true;
		return strcmp(opname, "<>") == 0 && shape->attnum > 0 &&
			is_runtime_value(root, array, relid);
	}
	if (strcmp(opname, "=") != 0)
		return false;

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

/*
 * Does this rule take a list of values that all must hold, merged with
 * other quals on its parameter?  A CSV parameter does, and in a filter
 * language a CONTAINS rule does: one term per value.
 */
static bool
rule_takes_list(const ResourceSpec *resource, const PushdownSpec *spec)
{
	return spec->op == PUSH_CONTAINS &&
		(spec->format == VALUE_CSV || resource->filter != NULL);
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

/*
 * The operator of NOT (x op v), in SQL's three-valued logic: both sides are
 * NULL when x or v is.  false for one with no such operator (NOT of v =
 * ANY(x) holds for an empty array, which no "x != v" of a language does).
 */
static bool
negate_op(PushOp *op)
{
	static const PushOp negated[PUSH_OP_COUNT] = {
		[PUSH_EQ] = PUSH_NE,
		[PUSH_NE] = PUSH_EQ,
		[PUSH_LT] = PUSH_GE,
		[PUSH_GE] = PUSH_LT,
		[PUSH_LE] = PUSH_GT,
		[PUSH_GT] = PUSH_LE,
		[PUSH_IS_NULL] = PUSH_IS_NOT_NULL,
		[PUSH_IS_NOT_NULL] = PUSH_IS_NULL,
		[PUSH_IS_TRUE] = PUSH_IS_FALSE,
		[PUSH_IS_FALSE] = PUSH_IS_TRUE,
	};

	if (*op == PUSH_CONTAINS)
		return false;
	*op = negated[*op];
	return true;
}

/*
 * match_tree
 *		The clause (negated when negate) as a FilterTree (pushdown.h), its
 *		leaves appended to *leaves and named by their index there.
 *
 * NULL when, as far as the API can be asked, the clause may hold for any
 * row: a leaf with no rule, an OR with such an arm, an AND with none left.
 * *exact is cleared when the tree may match more rows than the clause (a
 * leaf taken as true, an inexact rule).  Allocated in the current memory
 * context.
 */
static FilterTree *
match_tree(PlannerInfo *root, const ResourceSpec *resource, Oid relid,
		   Index varno, Expr *clause, bool negate, List **leaves, bool *exact)
{
	QualShape	shape;
	PushedQual *qual;
	FilterTree *node = palloc0(sizeof(FilterTree));
	int			index;

	if (is_notclause(clause))
		return match_tree(root, resource, relid, varno, get_notclausearg(clause),
						  !negate, leaves, exact);
	if (is_andclause(clause) || is_orclause(clause))
	{
		int			start = list_length(*leaves);
		ListCell   *cell;

		/* NOT (a AND b) is NOT a OR NOT b, NOT (a OR b) NOT a AND NOT b */
		node->kind = is_andclause(clause) != negate ? FILTER_AND : FILTER_OR;
		foreach(cell, ((BoolExpr *) clause)->args)
		{
			FilterTree *child = match_tree(root, resource, relid, varno,
										   lfirst(cell), negate, leaves, exact);

			if (child != NULL)
				node->children = lappend(node->children, child);
			else if (node->kind == FILTER_OR)
			{
				*leaves = list_truncate(*leaves, start);
				return NULL;
			}
		}
		if (list_length(node->children) <= 1)
			return node->children ? linitial(node->children) : NULL;
		return node;
	}

	if (!match_qual(root, clause, varno, &shape) ||
		!column_accepts(resource, relid, &shape) ||
		(negate && !negate_op(&shape.op)) ||
		(index = pushdown_index(resource, saas_column_name(relid, shape.attnum),
								shape.op)) < 0 ||
		resource->pushdown[index].path_key != NULL)
	{
		*exact = false;
		return NULL;
	}
	qual = palloc0(sizeof(PushedQual));
	qual->kind = BIND_PARAM;
	qual->spec_index = index;
	qual->value = shape.value;
	qual->is_array = shape.is_array;
	qual->in_tree = true;
	*exact &= resource->pushdown[index].exact;
	node->kind = FILTER_LEAF;
	node->qual_index = list_length(*leaves);
	*leaves = lappend(*leaves, qual);
	return node;
}

/*
 * plan_tree
 *		Push clause as a boolean tree, if the resource's filter language
 *		takes trees and the tree is not empty; false if it did not.  Its
 *		leaves go to *leaves.
 */
static bool
plan_tree(PlannerInfo *root, RequestPlan *plan, const ResourceSpec *resource,
		  Oid relid, Index varno, Expr *clause, List **leaves)
{
	bool		exact = true;
	FilterTree *tree;

	if (!saas_pushdown || resource->filter == NULL ||
		resource->filter->disjunction == NULL)
		return false;
	tree = match_tree(root, resource, relid, varno, clause, false, leaves, &exact);
	if (tree == NULL)
		return false;
	plan->trees = lappend(plan->trees, tree);
	plan->all_exact &= exact;
	return true;
}

/* Add base to the qual index of every leaf of tree. */
static void
offset_leaves(FilterTree *tree, int base)
{
	ListCell   *cell;

	if (tree->kind == FILTER_LEAF)
		tree->qual_index += base;
	foreach(cell, tree->children)
		offset_leaves(lfirst(cell), base);
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

/*
 * May this qual (spec_index set) share its parameter with the quals already
 * bound to it?  A CSV list merges every value; a range_syntax parameter
 * takes one lower and one upper bound.
 */
static bool
shares_param(List *quals, const ResourceSpec *resource, PushedQual *qual,
			 PushOp op)
{
	const PushdownSpec *spec = &resource->pushdown[qual->spec_index];
	int			lower = 0;
	int			upper = 0;
	ListCell   *cell;

	if (rule_takes_list(resource, spec))
		return true;
	if (!spec->range_syntax)
		return false;
	foreach(cell, quals)
	{
		PushedQual *other = lfirst(cell);
		PushOp		other_op = resource->pushdown[other->spec_index].op;

		if (other->kind != BIND_PARAM ||
			strcmp(resource->pushdown[other->spec_index].param, spec->param) != 0)
			continue;
		if (other_op == PUSH_GT || other_op == PUSH_GE)
			lower++;
		else
			upper++;
	}
	return (op == PUSH_GT || op == PUSH_GE) ? lower == 0 && upper == 1
		: upper == 0 && lower == 1;
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

/* Does a qual of the plan or a table option give this key column a value? */
static bool
key_is_bound(RequestPlan *plan, const SaasTableOptions *options,
			 const ResourceSpec *resource, const char *column)
{
	return key_is_fixed(options, column) ||
		find_binding(plan->quals, resource, BIND_KEY,
					 resource_key_index(resource, column)) != NULL;
}

/*
 * Alternative paths (ResourceSpec.key_paths): the first alternative whose
 * key is bound names the request; the quals on the other alternatives'
 * keys, and those of rules for another path (PushdownSpec.path_key), are
 * only checked locally (their RestrictInfos are rinfos, in the order of
 * plan->quals).  NULL, or the key of the first alternative when none is
 * bound.
 */
static const char *
choose_key_path(RequestPlan *plan, const SaasTableOptions *options,
				List *rinfos)
{
	const ResourceSpec *resource = options->resource;
	const KeyPathSpec *alt;
	const char *chosen = NULL;
	List	   *quals = NIL;
	ListCell   *qcell;
	ListCell   *rcell;

	for (alt = resource->key_paths; alt && alt->key && chosen == NULL; alt++)
		if (key_is_bound(plan, options, resource, alt->key))
			chosen = alt->key;
	if (chosen == NULL)
		return resource->key_paths ? resource->key_paths[0].key : NULL;

	forboth(qcell, plan->quals, rcell, rinfos)
	{
		PushedQual *qual = lfirst(qcell);
		const char *key = qual->kind == BIND_KEY ?
			resource->key_columns[qual->spec_index] : NULL;

		if (qual->kind == BIND_PARAM)
			key = resource->pushdown[qual->spec_index].path_key;
		else if (key && !resource_key_path(resource, key))
			key = NULL;
		if (key && strcmp(key, chosen) != 0)
		{
			plan->local_only = lappend(plan->local_only, lfirst(rcell));
			plan->key_clauses = list_delete_ptr(plan->key_clauses, lfirst(rcell));
			plan->all_exact = false;
		}
		else
			quals = lappend(quals, qual);
	}
	plan->quals = quals;
	return NULL;
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
	List	   *pushed_rinfos = NIL;	/* the RestrictInfo of each qual */
	List	   *leaves = NIL;	/* PushedQuals of the trees */
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
			!column_accepts(resource, relid, &shape) || shape.op == PUSH_NE)
		{
			/* OR, NOT, <>: a boolean tree, in a language that takes them */
			if (!plan_tree(root, plan, resource, relid, baserel->relid,
						   rinfo->clause, &leaves))
			{
				plan->local_only = lappend(plan->local_only, rinfo);
				plan->all_exact = false;
			}
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
			if (spec->op == PUSH_CONTAINS && !rule_takes_list(resource, spec) &&
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
			!(qual->kind == BIND_PARAM && shares_param(plan->quals, resource, qual, shape.op)))
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
		pushed_rinfos = lappend(pushed_rinfos, rinfo);
	}

	plan->missing_key = choose_key_path(plan, options, pushed_rinfos);
	foreach(cell, plan->trees)
		offset_leaves(lfirst(cell), list_length(plan->quals));
	plan->quals = list_concat(plan->quals, leaves);
	for (k = 0; resource->key_columns && resource->key_columns[k] && !plan->missing_key; k++)
	{
		if (!resource_key_path(resource, resource->key_columns[k]) &&
			resource_key_is_required(resource, resource->key_columns[k]) &&
			!key_is_bound(plan, options, resource, resource->key_columns[k]))
			plan->missing_key = resource->key_columns[k];
	}
	return plan;
}

/* A FilterTree as nodes: a leaf its Integer, else a List of the kind and
 * the children. */
static Node *
tree_to_node(FilterTree *tree)
{
	List	   *node;
	ListCell   *cell;

	if (tree->kind == FILTER_LEAF)
		return (Node *) makeInteger(tree->qual_index);
	node = list_make1(makeInteger(tree->kind));
	foreach(cell, tree->children)
		node = lappend(node, tree_to_node(lfirst(cell)));
	return (Node *) node;
}

static FilterTree *
tree_from_node(Node *node)
{
	FilterTree *tree = palloc0(sizeof(FilterTree));
	ListCell   *cell;

	if (IsA(node, Integer))
	{
		tree->kind = FILTER_LEAF;
		tree->qual_index = intVal(node);
		return tree;
	}
	tree->kind = intVal(linitial((List *) node));
	for_each_from(cell, (List *) node, 1)
		tree->children = lappend(tree->children, tree_from_node(lfirst(cell)));
	return tree;
}

/*
 * Pack the pushed quals for fdw_private: a List of two, the quals as
 * Integer lists (kind, spec index, is_array, index of the value in *exprs
 * or -1, in_tree), and the trees (tree_to_node).
 */
List *
request_plan_to_list(RequestPlan *plan, List **exprs)
{
	List	   *packed = NIL;
	List	   *trees = NIL;
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
		packed = lappend(packed, list_make5(makeInteger(qual->kind),
											makeInteger(qual->spec_index),
											makeInteger(qual->is_array),
											makeInteger(expr_index),
											makeInteger(qual->in_tree)));
	}
	foreach(cell, plan->trees)
		trees = lappend(trees, tree_to_node(lfirst(cell)));
	return list_make2(packed, trees);
}

List *
request_quals_from_list(List *packed, List *exprs, List **trees)
{
	List	   *quals = NIL;
	ListCell   *cell;

	*trees = NIL;
	foreach(cell, (List *) lsecond(packed))
		*trees = lappend(*trees, tree_from_node(lfirst(cell)));
	foreach(cell, (List *) linitial(packed))
	{
		List	   *item = lfirst(cell);
		PushedQual *qual = palloc0(sizeof(PushedQual));
		int			expr_index = intVal(list_nth(item, 3));

		qual->kind = intVal(list_nth(item, 0));
		qual->spec_index = intVal(list_nth(item, 1));
		qual->is_array = intVal(list_nth(item, 2)) != 0;
		qual->value = expr_index >= 0 ? list_nth(exprs, expr_index) : NULL;
		qual->in_tree = intVal(list_nth(item, 4)) != 0;
		quals = lappend(quals, qual);
	}
	return quals;
}
