/*-------------------------------------------------------------------------
 *
 * write_body.c
 *		  Write SQL values into the body of a write request, in the API's
 *		  format (BodyFormat, service.h).
 *
 * The type's kind decides the form of a value, looking through domains:
 * numbers and booleans as JSON numbers and true/false, arrays as JSON
 * arrays of their elements, json and jsonb as they are, anything else as a
 * string (its text form).  A form body (Stripe) writes arrays as
 * name[0]=v&name[1]=w, a json or jsonb object as name[key]=value (nested:
 * name[key][sub]=value), and a NULL, or a JSON null, as an empty value,
 * which Stripe reads as "unset".  Every string is sent in UTF-8, as every API reads it, whatever
 * the database's encoding.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "request.h"
#include "write_body.h"

/*
 * write_body_start
 *		Begin an empty body of format, in the current memory context.
 */
void
write_body_start(WriteBody *body, BodyFormat format)
{
	body->format = format;
	body->count = 0;
	initStringInfo(&body->buf);
	if (format == BODY_JSON)
		appendStringInfoChar(&body->buf, '{');
}

/* value's text form, in UTF-8 (palloc'd) */
static char *
utf8_text(Oid typid, Datum value)
{
	Oid			output;
	bool		varlena;
	char	   *text;

	getTypeOutputInfo(typid, &output, &varlena);
	text = OidOutputFunctionCall(output, value);
	return pg_server_to_any(text, strlen(text), PG_UTF8);
}

/* the elements of an array value; their type in *element (palloc'd) */
static int
array_elements(Datum value, Oid *element, Datum **elems, bool **nulls)
{
	ArrayType  *array = DatumGetArrayTypeP(value);
	int16		len;
	bool		byval;
	char		align;
	int			n;

	*element = ARR_ELEMTYPE(array);
	get_typlenbyvalalign(*element, &len, &byval, &align);
	deconstruct_array(array, *element, len, byval, align, elems, nulls, &n);
	return n;
}

/* one non-null value as JSON */
static void
append_json_value(StringInfo out, Oid typid, Datum value)
{
	Oid			base = getBaseType(typid);
	char		category;
	bool		preferred;

	if (base == JSONOID || base == JSONBOID)
	{
		appendStringInfoString(out, utf8_text(base, value));
		return;
	}
	get_type_category_preferred(base, &category, &preferred);
	if (category == TYPCATEGORY_ARRAY)
	{
		Oid			element;
		Datum	   *elems;
		bool	   *nulls;
		int			n = array_elements(value, &element, &elems, &nulls);
		int			i;

		appendStringInfoChar(out, '[');
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoChar(out, ',');
			if (nulls[i])
				appendStringInfoString(out, "null");
			else
				append_json_value(out, element, elems[i]);
		}
		appendStringInfoChar(out, ']');
	}
	else if (category == TYPCATEGORY_BOOLEAN)
		appendStringInfoString(out, DatumGetBool(value) ? "true" : "false");
	else if (category == TYPCATEGORY_NUMERIC && base != MONEYOID)
	{
		char	   *text = utf8_text(base, value);

		/* NaN and Infinity are no JSON numbers */
		if (strpbrk(text, "NnIi") != NULL)
			escape_json(out, text);
		else
			appendStringInfoString(out, text);
	}
	else
		escape_json(out, utf8_text(base, value));
}

/* one form field name=value; value NULL: empty */
static void
append_form_field(WriteBody *body, const char *name, const char *value)
{
	if (body->count++ > 0)
		appendStringInfoChar(&body->buf, '&');
	append_url_encoded(&body->buf, name, false);
	appendStringInfoChar(&body->buf, '=');
	if (value != NULL)
		append_url_encoded(&body->buf, value, false);
}

/* a jsonb scalar as a form value (NULL for null), palloc'd, in UTF-8 */
static char *
jsonb_scalar_text(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return pg_server_to_any(pnstrdup(v->val.string.val, v->val.string.len),
									v->val.string.len, PG_UTF8);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			return NULL;
	}
}

/*
 * append_form_jsonb
 *		A json or jsonb value as form fields under name: an object's keys
 *		and an array's positions in brackets, at any depth.
 */
static void
append_form_jsonb(WriteBody *body, const char *name, Jsonb *jsonb)
{
	JsonbIterator *it = JsonbIteratorInit(&jsonb->root);
	JsonbValue	v;
	JsonbIteratorToken token;
	List	   *prefixes = NIL; /* the name of each open container */
	List	   *positions = NIL;	/* next array position of each */
	char	   *key = NULL;

	while ((token = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		char	   *field;

		/* the name of what comes now: the key, or the next position */
		if (prefixes == NIL)
			field = pstrdup(name);
		else if (key != NULL)
			field = psprintf("%s[%s]", (char *) llast(prefixes), key);
		else if (token == WJB_ELEM || token == WJB_BEGIN_ARRAY || token == WJB_BEGIN_OBJECT)
		{
			field = psprintf("%s[%d]", (char *) llast(prefixes), llast_int(positions));
			llast_int(positions)++;
		}
		else
			field = NULL;

		switch (token)
		{
			case WJB_BEGIN_ARRAY:
			case WJB_BEGIN_OBJECT:
				/* a scalar jsonb is a one-element raw array: its own name */
				if (token == WJB_BEGIN_ARRAY && v.val.array.rawScalar)
				{
					JsonbIteratorNext(&it, &v, false);
					append_form_field(body, field, jsonb_scalar_text(&v));
					break;
				}
				prefixes = lappend(prefixes, field);
				positions = lappend_int(positions, 0);
				key = NULL;
				break;
			case WJB_KEY:
				key = jsonb_scalar_text(&v);
				break;
			case WJB_VALUE:
			case WJB_ELEM:
				append_form_field(body, field, jsonb_scalar_text(&v));
				key = NULL;
				break;
			case WJB_END_ARRAY:
			case WJB_END_OBJECT:
				if (prefixes != NIL)
				{
					prefixes = list_delete_last(prefixes);
					positions = list_delete_last(positions);
				}
				key = NULL;
				break;
			default:
				break;
		}
	}
}

/* one value as form fields name=value (arrays as name[i]=value) */
static void
append_form_value(WriteBody *body, const char *name, Oid typid, Datum value,
				  bool isnull)
{
	Oid			base = getBaseType(typid);
	char		category;
	bool		preferred;

	get_type_category_preferred(base, &category, &preferred);
	if (!isnull && category == TYPCATEGORY_ARRAY)
	{
		Oid			element;
		Datum	   *elems;
		bool	   *nulls;
		int			n = array_elements(value, &element, &elems, &nulls);
		int			i;

		for (i = 0; i < n; i++)
			append_form_value(body, psprintf("%s[%d]", name, i), element,
							  elems[i], nulls[i]);
		return;
	}
	if (isnull)
		append_form_field(body, name, NULL);
	else if (base == JSONBOID)
		append_form_jsonb(body, name, DatumGetJsonbP(value));
	else if (base == JSONOID)
		append_form_jsonb(body, name,
						  DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															 CStringGetDatum(TextDatumGetCString(value)))));
	else if (category == TYPCATEGORY_BOOLEAN)
		append_form_field(body, name, DatumGetBool(value) ? "true" : "false");
	else
		append_form_field(body, name, utf8_text(base, value));
}

/*
 * write_body_add
 *		Add the field name with a value of type typid.
 */
void
write_body_add(WriteBody *body, const char *name, Oid typid, Datum value,
			   bool isnull)
{
	if (body->format == BODY_FORM)
	{
		append_form_value(body, name, typid, value, isnull);
		return;
	}
	if (body->count++ > 0)
		appendStringInfoChar(&body->buf, ',');
	escape_json(&body->buf, pg_server_to_any(name, strlen(name), PG_UTF8));
	appendStringInfoChar(&body->buf, ':');
	if (isnull)
		appendStringInfoString(&body->buf, "null");
	else
		append_json_value(&body->buf, typid, value);
}

/*
 * write_body_finish
 *		The body as text, palloc'd with it.
 */
char *
write_body_finish(WriteBody *body)
{
	if (body->format == BODY_JSON)
		appendStringInfoChar(&body->buf, '}');
	return body->buf.data;
}

/*
 * write_body_content_type
 *		The Content-Type of a body of format, as HttpRequest.content_type
 *		takes it (NULL: JSON).  The result is a constant.
 */
const char *
write_body_content_type(BodyFormat format)
{
	return format == BODY_FORM ? "application/x-www-form-urlencoded" : NULL;
}
