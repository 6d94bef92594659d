/*-------------------------------------------------------------------------
 *
 * request_value.c
 *		  The value of a pushed qual written as the API reads it (bind_value):
 *		  times and dates in the API's form, enums checked against the
 *		  values the API knows, a filter language's values checked against
 *		  what its quoting can write.
 *
 * Rules a reader must know:
 *	- A value the API cannot express (a time out of its range) is not sent:
 *	  the qual is then only checked locally.  A value that can match no
 *	  row (NULL, a milestone below 1, an unknown enum value) sends nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/array.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "request.h"

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

/*
 * A time as YYYY-MM-DDTHH:MM:SSZ, cut to the second: for fields counted in
 * whole seconds, x > 5.5, x >= 5.5 and x <= 5.5 keep their rows as x > 5,
 * x >= 5 and x <= 5; a rule for x < t sends it as <= (x < 5.5 is x <= 5).
 */
static Written
format_iso8601(TimestampTz ts, StringInfo out)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range");
	appendStringInfo(out, "%04d-%02d-%02dT%02d:%02d:%02dZ",
					 tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
	return WRITTEN;
}

/*
 * A range bound as VALUE_LOCAL_MINUTE: moved out by 14 hours and to the
 * whole minute, down for > and >=, up for < and <=.
 */
static Written
format_local_minute(TimestampTz ts, PushOp op, StringInfo out)
{
	const int64 usecs_per_minute = 60 * USECS_PER_SEC;
	bool		lower = op == PUSH_GT || op == PUSH_GE;
	int64		micros;
	int64		minutes;
	struct pg_tm tm;
	fsec_t		fsec;

	if (!lower && op != PUSH_LT && op != PUSH_LE)
		return NOT_EXPRESSIBLE;
	ts += (lower ? -14 : 14) * USECS_PER_HOUR;
	if (!is_api_time(ts))
		return NOT_EXPRESSIBLE;
	micros = unix_micros(ts);
	minutes = micros / usecs_per_minute + (!lower && micros % usecs_per_minute != 0);
	ts += minutes * usecs_per_minute - micros;
	if (!is_api_time(ts) || timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		return NOT_EXPRESSIBLE;
	appendStringInfo(out, "%04d-%02d-%02d %02d:%02d",
					 tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min);
	return WRITTEN;
}

/*
 * A time as YYYY-MM-DDTHH:MM:SS.mmmZ, to the millisecond away from the
 * range's inside: down for > and >=, up for < and <= (and for =, which is
 * never exact), so no row of a millisecond field is lost.
 */
static Written
format_iso8601_ms(TimestampTz ts, PushOp op, StringInfo out)
{
	int64		micros = unix_micros(ts);
	int64		rest = micros % 1000;
	struct pg_tm tm;
	fsec_t		fsec;

	if (rest != 0)
		ts += (op == PUSH_GT || op == PUSH_GE) ? -rest : 1000 - rest;
	if (!is_api_time(ts) || timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		return NOT_EXPRESSIBLE;
	appendStringInfo(out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
					 tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (fsec / 1000));
	return WRITTEN;
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
		case VALUE_EPOCH_INCLUSIVE:
			/* x > t is x >= t + 1 microsecond; x < t is x <= t - 1 */
			if (op == PUSH_GT)
				return format_epoch(ts + 1, PUSH_GE, out);
			if (op == PUSH_LT)
				return format_epoch(ts - 1, PUSH_LE, out);
			return format_epoch(ts, op, out);
		case VALUE_ISO8601:
			return format_iso8601(ts, out);
		case VALUE_LOCAL_MINUTE:
			return format_local_minute(ts, op, out);
		case VALUE_ISO8601_MS:
			return format_iso8601_ms(ts, op, out);
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

/* Does value hold a lower-case ASCII letter? */
static bool
has_lower_case(const char *value)
{
	for (; *value; value++)
		if (*value >= 'a' && *value <= 'z')
			return true;
	return false;
}

/*
 * list_has_string
 *		Is value one of the strings (char *) of list?
 */
bool
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
		case VALUE_EPOCH_INCLUSIVE:
		case VALUE_ISO8601:
		case VALUE_SLACK_TS:
		case VALUE_LOCAL_MINUTE:
		case VALUE_ISO8601_MS:
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
			/* a name held in upper case: no row has a lower-case one */
			if (format == VALUE_UPPER_NAME && has_lower_case(out->data))
				return MATCHES_NOTHING;
			/* an integer's text: below 1 it starts with '-' or is "0" */
			if (format == VALUE_NUMBERED &&
				(out->data[0] == '-' || strcmp(out->data, "0") == 0))
				return MATCHES_NOTHING;
			/* NaN and infinities are no JSON numbers */
			if (format == VALUE_NUMBER &&
				strspn(out->data, "-+.0123456789eE") != out->len)
				return NOT_EXPRESSIBLE;
			/* a count below 0: no row has one, every row is above it */
			if (format == VALUE_COUNT && out->data[0] == '-')
				return (op == PUSH_GT || op == PUSH_GE) ? NOT_EXPRESSIBLE : MATCHES_NOTHING;
			return WRITTEN;
	}
}

/*
 * Can a filter language write this value?  Not an empty string, and not a
 * value holding the quote when the language has no escape (see
 * FilterLanguage in service.h).
 */
bool
language_can_write(const FilterLanguage *language, const char *value)
{
	return value[0] != '\0' &&
		(language->escape != '\0' || strchr(value, language->quote) == NULL);
}

/*
 * One value of a qual as written: what format_value made of it, unless a
 * filter language cannot write it.
 */
static Written
write_value(const ResourceSpec *resource, PushedQual *qual, Datum value,
			Oid type, ValueFormat format, PushOp op, StringInfo out)
{
	Written		written = format_value(value, type, format, op, out);

	if (written == WRITTEN && qual->kind == BIND_PARAM &&
		resource->filter != NULL && !language_can_write(resource->filter, out->data))
		return NOT_EXPRESSIBLE;
	return written;
}

/*
 * The strings one pushed qual sends, from its value at run time.
 *
 * For <> and NOT IN (PUSH_NE) a value that no row has excludes nothing: it
 * is left out of the list, and a qual left with no value is not sent (it
 * holds for every row the API can tell apart); a NULL among the values
 * makes NOT IN match no row, as in SQL.
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
				/*
				 * col @> '{NULL}' and col NOT IN (NULL) are never true; NULL
				 * in IN matches nothing
				 */
				if (op == PUSH_CONTAINS || op == PUSH_NE)
					bound->no_rows = true;
				continue;
			}
			initStringInfo(&buf);
			written = write_value(resource, qual, elems[i], elemtype, format, op, &buf);
			/* one value the API cannot be asked about: send none */
			if (written == NOT_EXPRESSIBLE)
				bound->unsent = true;
			else if (written == WRITTEN && value_known(spec, buf.data) &&
					 !list_has_string(bound->values, buf.data))
				bound->values = lappend(bound->values, buf.data);
		}
		if (bound->values == NIL && op == PUSH_NE)
			bound->unsent = true;
		else if (bound->values == NIL && op != PUSH_CONTAINS && !bound->unsent)
			bound->no_rows = true;
		return bound;
	}

	initStringInfo(&buf);
	switch (write_value(resource, qual, value, type, format, op, &buf))
	{
		case WRITTEN:
			if (value_known(spec, buf.data))
				bound->values = list_make1(buf.data);
			else if (op == PUSH_NE)
				bound->unsent = true;
			else
				bound->no_rows = true;
			break;
		case MATCHES_NOTHING:
			if (op == PUSH_NE)
				bound->unsent = true;
			else
				bound->no_rows = true;
			break;
		case NOT_EXPRESSIBLE:
			bound->unsent = true;
			break;
	}
	return bound;
}
