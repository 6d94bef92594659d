/*-------------------------------------------------------------------------
 *
 * convert.c
 *		  Turn one JSON item into the values of one row.
 *
 * Where a column's value comes from, in order: the column's "path"
 * option; the resource description of a column of that name (its path and
 * conversion); a top-level key of the column's name.  Key columns (repo)
 * come from the request, not from the item.
 *
 * Every byte came from the network: strings are checked for NUL bytes and
 * for valid encoding before they become text, and a value that does not
 * fit its column raises an error naming the table, the column and the
 * value.  A timestamptz column also takes Unix seconds (Stripe's created,
 * Slack's "1700000000.000100").
 *
 * The rows a reader makes are cached beside their page (cache.c) and handed
 * to later scans whose reader has the same layout: a string naming every
 * input the tuples depend on.  Two readers with equal layouts must make the
 * same tuple of the same item, or a cached tuple could be read with the
 * wrong descriptor.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "scan.h"

typedef struct ColumnReader
{
	AttrNumber	attnum;
	const char *name;
	int			key_index;		/* >= 0: filled from the request's key */
	SaasJsonPath   *path;
	SaasJsonPath   *id_path;		/* CONV_EXPANDABLE_ID: path + ".id" */
	ColumnConv	conv;
	SaasJsonOutput	output;
	Oid			typid;
	int32		typmod;
	Oid			ioparam;
	FmgrInfo	input;
} ColumnReader;

struct TupleReader
{
	const char *relname;
	TupleDesc	tupdesc;
	int			natts;
	int			ncolumns;
	ColumnReader *columns;
	char	   *layout;			/* see tuple_reader_layout */
	Datum	   *values;
	bool	   *nulls;
	StringInfoData buf;
};

/* Settings that input functions read: they are part of a layout. */
static const char *const layout_settings[] = {
	"DateStyle", "IntervalStyle", "TimeZone", "lc_monetary"
};

/* Where conversion is, for the error context. */
typedef struct ConversionPosition
{
	TupleReader *reader;
	ColumnReader *column;
} ConversionPosition;

static void
conversion_error_callback(void *arg)
{
	ConversionPosition *pos = arg;

	if (pos->column == NULL)
		return;
	if (pos->reader->buf.len > 0)
		errcontext("column \"%s\" of foreign table \"%s\", API value \"%.60s%s\"",
				   pos->column->name, pos->reader->relname,
				   pos->reader->buf.data, pos->reader->buf.len > 60 ? "..." : "");
	else
		errcontext("column \"%s\" of foreign table \"%s\"",
				   pos->column->name, pos->reader->relname);
}

static void
init_column(ColumnReader *column, Relation rel, const ResourceSpec *resource,
			AttrNumber attnum)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
	const char *path = saas_column_path_option(RelationGetRelid(rel), attnum);
	const ColumnSpec *spec = resource_column(resource, NameStr(att->attname));
	Oid			input;

	column->attnum = attnum;
	column->name = pstrdup(NameStr(att->attname));
	column->typid = att->atttypid;
	column->typmod = att->atttypmod;
	column->conv = CONV_VALUE;
	column->key_index = -1;

	if (path == NULL && spec != NULL)
	{
		if (spec->path == NULL)
			column->key_index = resource_key_index(resource, spec->name);
		path = spec->path;
		column->conv = spec->conv;
	}
	if (column->key_index < 0)
	{
		column->path = json_path_compile(path ? path : column->name);
		if (column->conv == CONV_EXPANDABLE_ID)
			column->id_path = json_path_compile(psprintf("%s.id", path));
	}

	if (column->typid == JSONBOID || column->typid == JSONOID)
		column->output = JOUT_JSON;
	else if (type_is_array(column->typid))
		column->output = JOUT_PG_ARRAY;
	else
		column->output = JOUT_TEXT;

	getTypeInputInfo(column->typid, &input, &column->ioparam);
	fmgr_info(input, &column->input);
}

/* Append a string that cannot run into the next one: its length first. */
static void
append_counted(StringInfo buf, const char *s)
{
	if (s == NULL)
		appendStringInfoString(buf, "-;");
	else
		appendStringInfo(buf, "%zu:%s;", strlen(s), s);
}

/*
 * Everything the tuples of a reader depend on, but the request's key
 * values: the database and relation (type OIDs and the row type are
 * per-database), every attribute's type, where each filled column comes
 * from and how it is converted, and the settings input functions read.
 */
static char *
describe_layout(TupleReader *reader, Relation rel)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "db %u rel %u type %u natts %d;", MyDatabaseId,
					 RelationGetRelid(rel), tupdesc->tdtypeid, tupdesc->natts);
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		appendStringInfo(&buf, "%u %d %d;", att->atttypid, att->atttypmod,
						 (int) att->attisdropped);
	}
	for (i = 0; i < reader->ncolumns; i++)
	{
		ColumnReader *column = &reader->columns[i];

		appendStringInfo(&buf, "column %d conv %d output %d key %d path ",
						 column->attnum, (int) column->conv,
						 (int) column->output, column->key_index);
		append_counted(&buf, column->path ? json_path_text(column->path) : NULL);
	}
	for (i = 0; i < lengthof(layout_settings); i++)
		append_counted(&buf, GetConfigOption(layout_settings[i], false, false));
	return buf.data;
}

/* The layout of the rows made with key_values (see describe_layout). */
char *
tuple_reader_layout(TupleReader *reader, List *key_values)
{
	StringInfoData buf;
	ListCell   *cell;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%skeys ", reader->layout);
	foreach(cell, key_values)
		append_counted(&buf, lfirst(cell));
	return buf.data;
}

TupleReader *
tuple_reader_create(Relation rel, const ResourceSpec *resource, List *columns)
{
	TupleReader *reader = palloc0(sizeof(TupleReader));
	TupleDesc	tupdesc = RelationGetDescr(rel);
	AttrNumber	attnum;
	ListCell   *cell;

	reader->relname = pstrdup(RelationGetRelationName(rel));
	reader->natts = tupdesc->natts;
	reader->columns = palloc0(sizeof(ColumnReader) * tupdesc->natts);
	initStringInfo(&reader->buf);

	if (list_length(columns) == 1 && linitial_int(columns) == 0)
	{
		columns = NIL;
		for (attnum = 1; attnum <= tupdesc->natts; attnum++)
			columns = lappend_int(columns, attnum);
	}
	foreach(cell, columns)
	{
		attnum = lfirst_int(cell);
		if (TupleDescAttr(tupdesc, attnum - 1)->attisdropped)
			continue;
		init_column(&reader->columns[reader->ncolumns++], rel, resource, attnum);
	}
	reader->tupdesc = tupdesc;
	reader->values = palloc(sizeof(Datum) * tupdesc->natts);
	reader->nulls = palloc(sizeof(bool) * tupdesc->natts);
	reader->layout = describe_layout(reader, rel);
	return reader;
}

/* Unix seconds (a JSON number, or a numeric string) as a timestamptz. */
static bool
epoch_to_timestamptz(const char *text, Datum *result)
{
	char	   *end;
	double		seconds;
	double		micros;

	errno = 0;
	seconds = strtod(text, &end);
	if (end == text || *end != '\0' || errno != 0 || !isfinite(seconds))
		return false;
	micros = rint(seconds * USECS_PER_SEC) -
		(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
	if (micros < (double) MIN_TIMESTAMP || micros >= (double) END_TIMESTAMP)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range: %s seconds since 1970", text)));
	*result = TimestampTzGetDatum((TimestampTz) micros);
	return true;
}

/*
 * A time in the form the APIs write, "YYYY-MM-DDTHH:MM:SSZ", read directly:
 * timestamptz_in's general parser costs some 3,000 instructions a value,
 * and a scan of issues has three per row.  Any other form (an offset,
 * fractions of a second, a field out of range) is left to timestamptz_in,
 * so results and errors are those of a cast.
 */
static bool
iso8601_utc_to_timestamptz(const char *text, int len, Datum *result)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	int			year,
				month,
				day,
				hour,
				minute,
				second;
	int			i;

	if (len != sizeof(shape) - 1)
		return false;
	for (i = 0; i < len; i++)
	{
		if (shape[i] == 'd' ? !isdigit((unsigned char) text[i]) : text[i] != shape[i])
			return false;
	}
#define DIGITS2(p) (((p)[0] - '0') * 10 + ((p)[1] - '0'))
	year = DIGITS2(text) * 100 + DIGITS2(text + 2);
	month = DIGITS2(text + 5);
	day = DIGITS2(text + 8);
	hour = DIGITS2(text + 11);
	minute = DIGITS2(text + 14);
	second = DIGITS2(text + 17);
#undef DIGITS2
	if (year < 1 || month < 1 || month > MONTHS_PER_YEAR ||
		day < 1 || day > day_tab[isleap(year)][month - 1] ||
		hour >= HOURS_PER_DAY || minute >= MINS_PER_HOUR || second >= SECS_PER_MINUTE)
		return false;
	*result = TimestampTzGetDatum((date2j(year, month, day) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY +
								  ((hour * MINS_PER_HOUR + minute) * SECS_PER_MINUTE + second) * USECS_PER_SEC);
	return true;
}

static Datum
text_to_datum(ColumnReader *column, StringInfo buf)
{
	if (memchr(buf->data, '\0', buf->len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("API value contains a NUL byte, which PostgreSQL text cannot hold")));
	(void) pg_verifymbstr(buf->data, buf->len, false);

	if (column->typid == TEXTOID)
		return PointerGetDatum(cstring_to_text_with_len(buf->data, buf->len));
	return InputFunctionCall(&column->input, buf->data, column->ioparam,
							 column->typmod);
}

static Datum
read_column(TupleReader *reader, ColumnReader *column, SaasJsonItem *item,
			bool *isnull)
{
	StringInfo	buf = &reader->buf;
	SaasJsonKind	kind;
	Datum		value;

	resetStringInfo(buf);
	kind = json_item_value(item, column->path, column->output, buf);
	*isnull = false;

	if (column->conv == CONV_PRESENT)
		return BoolGetDatum(kind != JKIND_MISSING && kind != JKIND_NULL);
	if (kind == JKIND_MISSING || kind == JKIND_NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	if (column->conv == CONV_EXPANDABLE_ID && kind == JKIND_OBJECT)
	{
		resetStringInfo(buf);
		kind = json_item_value(item, column->id_path, column->output, buf);
		if (kind == JKIND_MISSING || kind == JKIND_NULL)
		{
			*isnull = true;
			return (Datum) 0;
		}
	}
	if (column->typid == TIMESTAMPTZOID && kind == JKIND_STRING &&
		iso8601_utc_to_timestamptz(buf->data, buf->len, &value))
		return value;
	if (column->typid == TIMESTAMPTZOID &&
		(kind == JKIND_NUMBER || kind == JKIND_STRING) &&
		epoch_to_timestamptz(buf->data, &value))
		return value;
	return text_to_datum(column, buf);
}

/*
 * One item as a heap tuple of the relation, made in the current memory
 * context; columns the query does not use are NULL.
 */
HeapTuple
tuple_reader_form(TupleReader *reader, SaasJsonItem *item, List *key_values)
{
	Datum	   *values = reader->values;
	bool	   *nulls = reader->nulls;
	ConversionPosition pos;
	ErrorContextCallback callback;
	int			i;

	memset(nulls, true, sizeof(bool) * reader->natts);
	pos.reader = reader;
	pos.column = NULL;
	callback.callback = conversion_error_callback;
	callback.arg = &pos;
	callback.previous = error_context_stack;
	error_context_stack = &callback;

	for (i = 0; i < reader->ncolumns; i++)
	{
		ColumnReader *column = &reader->columns[i];
		int			index = column->attnum - 1;

		pos.column = column;
		if (column->key_index >= 0)
		{
			const char *key = list_nth(key_values, column->key_index);

			resetStringInfo(&reader->buf);
			if (key == NULL)
				continue;
			appendStringInfoString(&reader->buf, key);
			values[index] = text_to_datum(column, &reader->buf);
			nulls[index] = false;
		}
		else
			values[index] = read_column(reader, column, item, &nulls[index]);
	}
	error_context_stack = callback.previous;
	return heap_form_tuple(reader->tupdesc, values, nulls);
}
