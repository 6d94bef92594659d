/*-------------------------------------------------------------------------
 *
 * write_body.c
 *		  Write SQL values into the body of a write request, in the API's
 *		  format (BodyFormat, service.h).
 *
 * The type's kind decides the form of a value, looking through domains:
 * numbers and booleans as JSON numbers and true/false, arrays as JSON
 * arrays of their elements, json and jsonb as they are, anything else as a
 * string (its text form; a date or timestamp in ISO 8601, whatever
 * DateStyle says).  A form body (Stripe) writes arrays as
 * name[0]=v&name[1]=w, a json or jsonb object as name[key]=value (nested:
 * name[key][sub]=value), and a NULL, or a JSON null, as an empty value,
 * which Stripe reads as "unset".  Every string is sent in UTF-8, as every API reads it, whatever
 * the database's encoding.
 *
 * A GraphQL mutation's variables (BODY_GRAPHQL) are such a JSON object.
 * A JSON body may nest (write_body_add_at): a field's path "fields.
 * project.key" puts it in objects "fields" and "project", and fields whose
 * paths share a prefix share its objects, in the order first added.  A
 * field may be written as an Atlassian Document Format document instead
 * (adf_write.c): a text value, or a JSON string, becomes one; any other
 * JSON value is taken for one and sent as it is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "adf_write.h"
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
	body->fields = NIL;
	initStringInfo(&body->buf);
}

/* One field of a JSON body: where it goes, and its value as JSON. */
typedef struct WriteField
{
	List	   *segments;		/* the names of its objects, then its own */
	char	   *json;
} WriteField;

/*
 * iso_text
 *		A finite date or timestamp in ISO 8601, whatever DateStyle is
 *		("2030-01-31", "2030-01-31T12:00:00+00:00"), or NULL for any other
 *		value.  palloc'd.
 */
static char *
iso_text(Oid typid, Datum value)
{
	char		buf[MAXDATELEN + 1];
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz = 0;

	if (typid == DATEOID && !DATE_NOT_FINITE(DatumGetDateADT(value)))
	{
		j2date(DatumGetDateADT(value) + POSTGRES_EPOCH_JDATE,
			   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
		EncodeDateOnly(&tm, USE_XSD_DATES, buf);
		return pstrdup(buf);
	}
	if ((typid == TIMESTAMPOID || typid == TIMESTAMPTZOID) &&
		!TIMESTAMP_NOT_FINITE(DatumGetTimestamp(value)) &&
		timestamp2tm(DatumGetTimestamp(value), typid == TIMESTAMPTZOID ? &tz : NULL,
					 &tm, &fsec, NULL, NULL) == 0)
	{
		EncodeDateTime(&tm, fsec, typid == TIMESTAMPTZOID, tz, NULL,
					   USE_XSD_DATES, buf);
		return pstrdup(buf);
	}
	return NULL;
}

/* value's text form, in UTF-8 (dates and times in ISO 8601; palloc'd) */
static char *
utf8_text(Oid typid, Datum value)
{
	Oid			output;
	bool		varlena;
	char	   *text = iso_text(typid, value);

	if (text != NULL)
		return text;
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
 * append_adf_value
 *		A non-null value as an ADF document (see the file header).
 */
static void
append_adf_value(StringInfo out, Oid typid, Datum value)
{
	Oid			base = getBaseType(typid);
	Jsonb	   *jsonb;
	JsonbValue	scalar;

	if (base != JSONOID && base != JSONBOID)
	{
		adf_append_text(out, utf8_text(base, value));
		return;
	}
	jsonb = base == JSONBOID ? DatumGetJsonbP(value) :
		DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
										   CStringGetDatum(TextDatumGetCString(value))));
	if (JB_ROOT_IS_SCALAR(jsonb) && JsonbExtractScalar(&jsonb->root, &scalar) &&
		scalar.type == jbvString)
		adf_append_text(out, jsonb_scalar_text(&scalar));
	else
		appendStringInfoString(out, utf8_text(JSONBOID, JsonbPGetDatum(jsonb)));
}

/* add a JSON field at segments */
static void
add_json_field(WriteBody *body, List *segments, bool adf, Oid typid,
			   Datum value, bool isnull)
{
	WriteField *field = palloc(sizeof(WriteField));
	StringInfoData json;

	initStringInfo(&json);
	if (isnull)
		appendStringInfoString(&json, "null");
	else if (adf)
		append_adf_value(&json, typid, value);
	else
		append_json_value(&json, typid, value);
	field->segments = segments;
	field->json = json.data;
	body->fields = lappend(body->fields, field);
	body->count++;
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
	add_json_field(body, list_make1(pstrdup(name)), false, typid, value, isnull);
}

/*
 * write_body_add_at
 *		Add a field of a JSON body at path (dots open objects), written as
 *		an ADF document if adf (see the file header).
 */
void
write_body_add_at(WriteBody *body, const char *path, bool adf, Oid typid,
				  Datum value, bool isnull)
{
	List	   *segments = NIL;
	const char *p = path;
	const char *dot;

	Assert(body->format != BODY_FORM);
	while ((dot = strchr(p, '.')) != NULL)
	{
		segments = lappend(segments, pnstrdup(p, dot - p));
		p = dot + 1;
	}
	segments = lappend(segments, pstrdup(p));
	add_json_field(body, segments, adf, typid, value, isnull);
}

/*
 * append_object
 *		The object of fields at depth: each name once, in the order first
 *		added, the fields below it nested in its own object.
 */
static void
append_object(StringInfo out, List *fields, int depth)
{
	bool	   *done = palloc0(sizeof(bool) * Max(list_length(fields), 1));
	int			i;
	int			n = 0;

	appendStringInfoChar(out, '{');
	for (i = 0; i < list_length(fields); i++)
	{
		WriteField *field = list_nth(fields, i);
		const char *name = list_nth(field->segments, depth);
		List	   *below = NIL;
		int			j;

		if (done[i])
			continue;
		if (n++ > 0)
			appendStringInfoChar(out, ',');
		escape_json(out, pg_server_to_any(name, strlen(name), PG_UTF8));
		appendStringInfoChar(out, ':');
		if (list_length(field->segments) == depth + 1)
		{
			appendStringInfoString(out, field->json);
			continue;
		}
		for (j = i; j < list_length(fields); j++)
		{
			WriteField *other = list_nth(fields, j);

			if (!done[j] && list_length(other->segments) > depth + 1 &&
				strcmp(list_nth(other->segments, depth), name) == 0)
			{
				below = lappend(below, other);
				done[j] = true;
			}
		}
		append_object(out, below, depth + 1);
	}
	appendStringInfoChar(out, '}');
}

/*
 * write_body_finish
 *		The body as text, palloc'd with it.
 */
char *
write_body_finish(WriteBody *body)
{
	if (body->format != BODY_FORM)
		append_object(&body->buf, body->fields, 0);
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
