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
 * name[0]=v&name[1]=w and a NULL as an empty value, which Stripe reads as
 * "unset".  Every string is sent in UTF-8, as every API reads it, whatever
 * the database's encoding.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/json.h"
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

/* one value as form fields name=value (arrays as name[i]=value) */
static void
append_form_value(WriteBody *body, const char *name, Oid typid, Datum value,
				  bool isnull)
{
	StringInfo	out = &body->buf;
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
	if (body->count++ > 0)
		appendStringInfoChar(out, '&');
	append_url_encoded(out, name, false);
	appendStringInfoChar(out, '=');
	if (isnull)
		return;
	if (category == TYPCATEGORY_BOOLEAN)
		appendStringInfoString(out, DatumGetBool(value) ? "true" : "false");
	else
		append_url_encoded(out, utf8_text(base, value), false);
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
