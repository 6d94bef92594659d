/*-------------------------------------------------------------------------
 *
 * json_value.c
 *		  The value a path leads to, written as text, as JSON, or as a
 *		  PostgreSQL array literal.
 *
 * - The bytes written are those the API sent: strings are UTF-8, may
 *	 contain NUL bytes (from \u0000), and out->len is exact.  Checking for
 *	 NUL bytes and converting to a non-UTF-8 server encoding are the
 *	 caller's job, where the column is known.
 *
 * - Numbers keep their text: a double is written as json-c kept it from the
 *	 input (json_object_new_double_s), so 1.50 stays 1.50 and nothing is
 *	 lost to binary rounding; a big integer is written digit for digit as
 *	 the API sent it (see json.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"

#include "json_internal.h"

static void json_emit(StringInfo out, const char *s, size_t len, bool quoted);
static void json_write_string(StringInfo out, const char *s, size_t len,
							  bool quoted);
static void json_write_number(StringInfo out, json_object *obj, bool as_json,
							  bool quoted);
static void json_write_value(StringInfo out, json_object *obj, bool quoted);
static void json_write_text(StringInfo out, json_object *obj);
static void json_write_mapped(StringInfo out, json_object *array,
							  const SaasJsonStep *steps, int nsteps, bool quoted);
static void json_write_pg_array(StringInfo out, json_object *array,
								const SaasJsonStep *steps, int nsteps,
								bool as_json);

/*
 * json_kind_of
 *		The kind of a json-c value; a NULL value is JSON null.
 */
SaasJsonKind
json_kind_of(json_object *obj)
{
	if (obj == NULL)
		return JKIND_NULL;
	switch (json_object_get_type(obj))
	{
		case json_type_null:
			return JKIND_NULL;
		case json_type_boolean:
			return JKIND_BOOL;
		case json_type_int:
		case json_type_double:
			return JKIND_NUMBER;
		case json_type_string:
			return JKIND_STRING;
		case json_type_object:
			return JKIND_OBJECT;
		case json_type_array:
			return JKIND_ARRAY;
	}
	return JKIND_NULL;			/* keep compiler quiet */
}

/*
 * json_kind_name
 *		A word for a kind of value, for messages: "a string", "an object".
 *
 * The result is a constant.
 */
const char *
json_kind_name(SaasJsonKind kind)
{
	switch (kind)
	{
		case JKIND_MISSING:
			return "missing";
		case JKIND_NULL:
			return "null";
		case JKIND_BOOL:
			return "a boolean";
		case JKIND_NUMBER:
			return "a number";
		case JKIND_STRING:
			return "a string";
		case JKIND_OBJECT:
			return "an object";
		case JKIND_ARRAY:
			return "an array";
	}
	return "unknown";
}

/*
 * json_emit
 *		Append bytes.  Inside a quoted element of an array literal (quoted)
 *		every '"' and '\' gets a backslash, which is all array_in needs.
 */
static void
json_emit(StringInfo out, const char *s, size_t len, bool quoted)
{
	const char *run = s;
	const char *p;
	const char *end = s + len;

	if (!quoted)
	{
		appendBinaryStringInfo(out, s, (int) len);
		return;
	}
	for (p = s; p < end; p++)
	{
		if (*p == '"' || *p == '\\')
		{
			if (p > run)
				appendBinaryStringInfo(out, run, (int) (p - run));
			appendStringInfoChar(out, '\\');
			run = p;
		}
	}
	if (end > run)
		appendBinaryStringInfo(out, run, (int) (end - run));
}

/*
 * json_write_string
 *		Append s as a JSON string: quoted, with '"', '\' and controls
 *		escaped.
 */
static void
json_write_string(StringInfo out, const char *s, size_t len, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	const char *p;
	const char *end = s + len;

	json_emit(out, "\"", 1, quoted);
	for (p = s; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;
		char		esc[6];
		int			esc_len = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (p > run)
			json_emit(out, run, p - run, quoted);
		run = p + 1;

		esc[0] = '\\';
		switch (c)
		{
			case '"':
				esc[1] = '"';
				break;
			case '\\':
				esc[1] = '\\';
				break;
			case '\b':
				esc[1] = 'b';
				break;
			case '\f':
				esc[1] = 'f';
				break;
			case '\n':
				esc[1] = 'n';
				break;
			case '\r':
				esc[1] = 'r';
				break;
			case '\t':
				esc[1] = 't';
				break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 0xf];
				esc_len = 6;
				break;
		}
		json_emit(out, esc, esc_len, quoted);
	}
	if (end > run)
		json_emit(out, run, end - run, quoted);
	json_emit(out, "\"", 1, quoted);
}

/*
 * json_is_number_text
 *		Is s a number as JSON writes one:
 *		-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 */
static bool
json_is_number_text(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
	{
		while (*s >= '0' && *s <= '9')
			s++;
	}
	else
		return false;
	if (*s == '.')
	{
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E')
	{
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/*
 * json_format_uint64
 *		Digits of an unsigned 64-bit value; returns the length written to
 *		buf.
 */
static int
json_format_uint64(char *buf, uint64 value, bool negative)
{
	char		tmp[24];
	int			n = 0;
	int			len = 0;

	do
	{
		tmp[n++] = (char) ('0' + value % 10);
		value /= 10;
	} while (value != 0);
	if (negative)
		buf[len++] = '-';
	while (n > 0)
		buf[len++] = tmp[--n];
	return len;
}

/*
 * json_write_number
 *		Append a number.  Integers as their digits.  A double as the text it
 *		had in the response (json-c keeps it); as_json, text that is not a
 *		JSON number (json-c also accepts "1.", "NaN", "Infinity") is
 *		replaced by the shortest exact form of the value, or a string for
 *		the non-finite ones.
 */
static void
json_write_number(StringInfo out, json_object *obj, bool as_json, bool quoted)
{
	char		buf[Max(32, DOUBLE_SHORTEST_DECIMAL_LEN)];
	int			len;

	if (json_object_is_type(obj, json_type_int))
	{
		int64		value = json_object_get_int64(obj);

		/* json-c keeps values above INT64_MAX as unsigned */
		if (value == PG_INT64_MAX)
			len = json_format_uint64(buf, json_object_get_uint64(obj), false);
		else if (value < 0)
			len = json_format_uint64(buf, -(uint64) value, true);
		else
			len = json_format_uint64(buf, (uint64) value, false);
		json_emit(out, buf, len, quoted);
	}
	else
	{
		const char *text = (const char *) json_object_get_userdata(obj);
		double		value;

		if (text != NULL && (!as_json || json_is_number_text(text)))
		{
			json_emit(out, text, json_number_text_len(text), quoted);
			return;
		}
		value = json_object_get_double(obj);
		if (isnan(value))
			text = "NaN";
		else if (isinf(value))
			text = value > 0 ? "Infinity" : "-Infinity";
		else
		{
			len = double_to_shortest_decimal_buf(value, buf);
			json_emit(out, buf, len, quoted);
			return;
		}
		if (as_json)
			json_write_string(out, text, strlen(text), quoted);
		else
			json_emit(out, text, strlen(text), quoted);
	}
}

/*
 * json_write_value
 *		Append obj as compact JSON.
 */
static void
json_write_value(StringInfo out, json_object *obj, bool quoted)
{
	switch (json_kind_of(obj))
	{
		case JKIND_MISSING:
		case JKIND_NULL:
			json_emit(out, "null", 4, quoted);
			break;
		case JKIND_BOOL:
			if (json_object_get_boolean(obj))
				json_emit(out, "true", 4, quoted);
			else
				json_emit(out, "false", 5, quoted);
			break;
		case JKIND_NUMBER:
			json_write_number(out, obj, true, quoted);
			break;
		case JKIND_STRING:
			json_write_string(out, json_object_get_string(obj),
							  (size_t) json_object_get_string_len(obj), quoted);
			break;
		case JKIND_OBJECT:
			{
				struct json_object_iterator it = json_object_iter_begin(obj);
				struct json_object_iterator end = json_object_iter_end(obj);
				bool		first = true;

				json_emit(out, "{", 1, quoted);
				while (!json_object_iter_equal(&it, &end))
				{
					const char *key = json_object_iter_peek_name(&it);

					if (!first)
						json_emit(out, ",", 1, quoted);
					first = false;
					json_write_string(out, key, strlen(key), quoted);
					json_emit(out, ":", 1, quoted);
					json_write_value(out, json_object_iter_peek_value(&it),
									 quoted);
					json_object_iter_next(&it);
				}
				json_emit(out, "}", 1, quoted);
			}
			break;
		case JKIND_ARRAY:
			{
				size_t		n = json_object_array_length(obj);
				size_t		i;

				json_emit(out, "[", 1, quoted);
				for (i = 0; i < n; i++)
				{
					if (i > 0)
						json_emit(out, ",", 1, quoted);
					json_write_value(out, json_object_array_get_idx(obj, i),
									 quoted);
				}
				json_emit(out, "]", 1, quoted);
			}
			break;
	}
}

/*
 * json_write_text
 *		Append obj as text: strings bare, objects and arrays as JSON.
 */
static void
json_write_text(StringInfo out, json_object *obj)
{
	switch (json_kind_of(obj))
	{
		case JKIND_MISSING:
		case JKIND_NULL:
			break;
		case JKIND_STRING:
			appendBinaryStringInfo(out, json_object_get_string(obj),
								   json_object_get_string_len(obj));
			break;
		case JKIND_NUMBER:
			json_write_number(out, obj, false, false);
			break;
		default:
			json_write_value(out, obj, false);
			break;
	}
}

/*
 * json_write_mapped
 *		Append, as a JSON array, the values that steps reach from each
 *		element of array.  Elements where the path leads nowhere are
 *		skipped; a further "[*]" in steps gives a nested array.
 */
static void
json_write_mapped(StringInfo out, json_object *array, const SaasJsonStep *steps,
				  int nsteps, bool quoted)
{
	size_t		n = json_object_array_length(array);
	size_t		i;
	bool		first = true;

	json_emit(out, "[", 1, quoted);
	for (i = 0; i < n; i++)
	{
		json_object *value = json_object_array_get_idx(array, i);
		int			taken = json_follow(&value, steps, nsteps);

		if (taken < 0)
			continue;
		if (taken < nsteps && value != NULL &&
			!json_object_is_type(value, json_type_array))
			continue;
		if (!first)
			json_emit(out, ",", 1, quoted);
		first = false;
		if (taken < nsteps && value != NULL)
			json_write_mapped(out, value, steps + taken + 1,
							  nsteps - taken - 1, quoted);
		else
			json_write_value(out, value, quoted);
	}
	json_emit(out, "]", 1, quoted);
}

/*
 * json_write_pg_array
 *		Append a PostgreSQL array literal of the values that steps reach
 *		from each element of array (steps may be empty: the elements
 *		themselves).  Every element is double-quoted, so no word or
 *		character needs special care but '"' and '\'; JSON null is NULL;
 *		objects and arrays are their JSON text, and so is every element if
 *		as_json (for an array of json or jsonb).
 */
static void
json_write_pg_array(StringInfo out, json_object *array, const SaasJsonStep *steps,
					int nsteps, bool as_json)
{
	size_t		n = json_object_array_length(array);
	size_t		i;
	bool		first = true;

	appendStringInfoChar(out, '{');
	for (i = 0; i < n; i++)
	{
		json_object *value = json_object_array_get_idx(array, i);
		int			taken = json_follow(&value, steps, nsteps);

		if (taken < 0)
			continue;
		if (taken < nsteps && value != NULL &&
			!json_object_is_type(value, json_type_array))
			continue;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;

		if (json_kind_of(value) == JKIND_NULL)
		{
			appendStringInfoString(out, "NULL");
			continue;
		}
		appendStringInfoChar(out, '"');
		if (taken < nsteps)
			json_write_mapped(out, value, steps + taken + 1,
							  nsteps - taken - 1, true);
		else if (as_json)
			json_write_value(out, value, true);
		else if (json_kind_of(value) == JKIND_STRING)
			json_emit(out, json_object_get_string(value),
					  (size_t) json_object_get_string_len(value), true);
		else if (json_kind_of(value) == JKIND_NUMBER)
			json_write_number(out, value, false, true);
		else
			json_write_value(out, value, true);
		appendStringInfoChar(out, '"');
	}
	appendStringInfoChar(out, '}');
}

/*
 * json_item_value
 *		Read the value at path in item and append it to out in the form
 *		output asks for; return the kind of value found.
 *
 * out is not reset (the caller resets it).  Nothing is appended for
 * JKIND_MISSING (a step is absent or goes into the wrong kind of value) or
 * JKIND_NULL.  JOUT_PG_ARRAY and JOUT_PG_JSON_ARRAY append only for an
 * array (or a "[*]" path); for any other kind they append nothing and
 * return that kind, and the caller reports the mismatch.  A path with "[*]"
 * returns JKIND_ARRAY and writes the mapped values (missing ones skipped) as
 * a JSON array, or an array literal for those two; JKIND_NULL or
 * JKIND_MISSING if the value before the "[*]" is null, or absent or not an
 * array.
 *
 * out may contain NUL bytes (a string with \u0000, written as text); out->len
 * is exact.  Text is UTF-8 as the API sent it.
 */
SaasJsonKind
json_item_value(SaasJsonItem *item, const SaasJsonPath *path,
				SaasJsonOutput output, StringInfo out)
{
	json_object *value = (json_object *) item;
	int			taken = json_follow(&value, path->steps, path->nsteps);
	SaasJsonKind	kind;

	if (taken < 0)
		return JKIND_MISSING;

	if (taken < path->nsteps)
	{
		/* stopped at a [*] */
		const SaasJsonStep *rest = path->steps + taken + 1;
		int			nrest = path->nsteps - taken - 1;

		if (value == NULL || json_object_is_type(value, json_type_null))
			return JKIND_NULL;
		if (!json_object_is_type(value, json_type_array))
			return JKIND_MISSING;
		if (output == JOUT_PG_ARRAY || output == JOUT_PG_JSON_ARRAY)
			json_write_pg_array(out, value, rest, nrest,
								output == JOUT_PG_JSON_ARRAY);
		else
			json_write_mapped(out, value, rest, nrest, false);
		return JKIND_ARRAY;
	}

	kind = json_kind_of(value);
	if (kind == JKIND_NULL)
		return kind;
	switch (output)
	{
		case JOUT_TEXT:
			json_write_text(out, value);
			break;
		case JOUT_JSON:
			json_write_value(out, value, false);
			break;
		case JOUT_PG_ARRAY:
		case JOUT_PG_JSON_ARRAY:
			if (kind == JKIND_ARRAY)
				json_write_pg_array(out, value, NULL, 0,
									output == JOUT_PG_JSON_ARRAY);
			break;
		case JOUT_ADF_TEXT:
			json_write_adf_text(out, value);
			return JKIND_STRING;
	}
	return kind;
}
