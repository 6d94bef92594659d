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
 * converted from UTF-8 (all JSON is) to the database's encoding before they
 * become values, and every value goes through the input function of the
 * column's type, whatever type the table's owner declared; a value that
 * does not fit raises the input function's error, with a context naming
 * the table, the column and the value.  The type's kind decides how the
 * JSON is written for it (JSON text for json and jsonb, an array literal
 * for an array), looking through domains.  A timestamptz column also takes
 * Unix seconds (Stripe's created, Slack's "1700000000.000100").
 *
 * The rows a reader makes are cached beside their page (cache.c) and handed
 * to later scans whose reader has the same layout, or one they cover: a
 * string naming every input the tuples depend on, as a head (the table,
 * every attribute's type, the key values), the settings input functions
 * read, and one item per column read (page_rows_layout_covers).  Rows whose
 * values came through no input function that reads a setting (text,
 * numbers, json, the APIs' own time forms: tuple_reader_settings_used) are
 * kept without the settings and serve any session.  Two readers with the
 * same head must make the same value of a column with the same item from
 * the same JSON, or a cached tuple could be read with the wrong
 * descriptor, or skip a check its input function would make now (a domain
 * constraint added since, a setting such as xmloption); a column a reader
 * does not read is
 * NULL in its tuples, and a query reads only its own columns, so rows with
 * more columns serve it as well.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "convert.h"
#include "saas_fdw.h"

/*
 * Whether a column's value may depend on the settings input functions read
 * (layout_settings): never, only through an unquoted NULL of an array
 * literal (array_nulls), or whenever the input function (or a domain's
 * check) is called.  A timestamptz in the APIs' own forms is read without
 * its input function, and depends on none.
 */
typedef enum SettingsUse
{
	SETTINGS_NEVER,
	SETTINGS_ARRAY_NULL,
	SETTINGS_INPUT
} SettingsUse;

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
	Oid			basetypid;		/* typid, or the base type of a domain */
	int32		basetypmod;		/* typmod, or the domain's base typmod */
	Oid			ioparam;
	FmgrInfo	input;
	void	   *domain_extra;	/* domain_check's cache (domains only) */
	SettingsUse settings_use;	/* what its input reads of layout_settings */
} ColumnReader;

struct TupleReader
{
	const char *relname;
	TupleDesc	tupdesc;
	int			natts;
	int			ncolumns;
	ColumnReader *columns;
	char	   *layout_head;	/* see tuple_reader_layout */
	char	   *layout_settings;
	char	   *layout_columns;
	bool		settings_used;	/* a value since tuple_reader_settings_used
								 * may depend on layout_settings */
	MemoryContext cxt;			/* where the reader lives */
	Datum	   *values;
	bool	   *nulls;
	StringInfoData buf;			/* the value being converted */
	bool		buf_is_server;	/* buf is in the database encoding */
};

/*
 * Settings that input functions read: they are part of a layout.
 * (search_path only where a type reads object names, see describe_type.)
 */
static const char *const layout_settings[] = {
	"DateStyle", "IntervalStyle", "TimeZone", "timezone_abbreviations",
	"lc_monetary", "xmloption", "array_nulls"
};

/* Where conversion is, for the error context. */
typedef struct ConversionPosition
{
	TupleReader *reader;
	ColumnReader *column;
} ConversionPosition;

/*
 * conversion_error_callback
 *		Add to an error raised while a column is converted which column
 *		and foreign table, and the API's value once it is in the database
 *		encoding.
 */
static void
conversion_error_callback(void *arg)
{
	ConversionPosition *pos = arg;
	StringInfo	buf = &pos->reader->buf;

	if (pos->column == NULL)
		return;

	/*
	 * The value is shown once it is in the database's encoding: before that
	 * (a conversion error) the error's own message shows the bytes.
	 */
	if (buf->len > 0 && pos->reader->buf_is_server)
	{
		int			shown = pg_mbcliplen(buf->data, buf->len, 60);

		errcontext("column \"%s\" of foreign table \"%s\", API value \"%.*s%s\"",
				   pos->column->name, pos->reader->relname,
				   shown, buf->data, buf->len > shown ? "..." : "");
	}
	else
		errcontext("column \"%s\" of foreign table \"%s\"",
				   pos->column->name, pos->reader->relname);
}

/*
 * type_is_json
 *		Is typid json or jsonb?
 */
static bool
type_is_json(Oid typid)
{
	return typid == JSONBOID || typid == JSONOID;
}

/*
 * type_input_reads_no_setting
 *		Does the input function of the base type typid read none of
 *		layout_settings?
 */
static bool
type_input_reads_no_setting(Oid typid)
{
	switch (typid)
	{
		case BOOLOID:
		case BYTEAOID:
		case CHAROID:
		case NAMEOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case UUIDOID:
		case JSONOID:
		case JSONBOID:
			return true;
	}
	return false;
}

/*
 * column_settings_use
 *		What a column of type typid (base type basetypid) reads of
 *		layout_settings: a domain's checks may read anything; an array of a
 *		type that reads none reads array_nulls for an unquoted NULL.
 */
static SettingsUse
column_settings_use(Oid typid, Oid basetypid)
{
	Oid			element;

	if (typid != basetypid)
		return SETTINGS_INPUT;
	if (type_input_reads_no_setting(basetypid))
		return SETTINGS_NEVER;
	element = get_element_type(basetypid);
	if (OidIsValid(element) && type_input_reads_no_setting(element))
		return SETTINGS_ARRAY_NULL;
	return SETTINGS_INPUT;
}

/*
 * init_column
 *		Set up the reader of attribute attnum: where its value is in an
 *		item (its path option, else the description's), how it is
 *		converted, and its type's input function.
 *
 * Its strings are palloc'd in the current memory context.
 */
static void
init_column(ColumnReader *column, Relation rel, const ResourceSpec *resource,
			AttrNumber attnum)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
	const char *path = saas_column_path_option(RelationGetRelid(rel), attnum);
	char	   *field = saas_column_name(RelationGetRelid(rel), attnum);
	const ColumnSpec *spec = resource_column(resource, field);
	Oid			input;

	column->attnum = attnum;
	column->name = pstrdup(NameStr(att->attname));
	column->typid = att->atttypid;
	column->typmod = att->atttypmod;
	column->basetypmod = att->atttypmod;
	column->basetypid = getBaseTypeAndTypmod(att->atttypid, &column->basetypmod);
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
		column->path = json_path_compile(path ? path : field);
		if (column->conv == CONV_EXPANDABLE_ID)
			column->id_path = json_path_compile(psprintf("%s.id", path));
	}

	if (type_is_json(column->basetypid))
		column->output = JOUT_JSON;
	else if (type_is_array(column->basetypid))
		column->output = type_is_json(getBaseType(get_element_type(column->basetypid))) ?
			JOUT_PG_JSON_ARRAY : JOUT_PG_ARRAY;
	else if (column->conv == CONV_ADF_TEXT)
		column->output = JOUT_ADF_TEXT;
	else
		column->output = JOUT_TEXT;

	getTypeInputInfo(column->typid, &input, &column->ioparam);
	fmgr_info(input, &column->input);
	column->settings_use = column_settings_use(column->typid, column->basetypid);
}

/*
 * append_counted
 *		Append a string that cannot run into the next one: its length
 *		first.
 */
static void
append_counted(StringInfo buf, const char *s)
{
	if (s == NULL)
		appendStringInfoString(buf, "-;");
	else
		appendStringInfo(buf, "%zu:%s;", strlen(s), s);
}

/*
 * describe_domain_constraints
 *		Append the OIDs of a domain's constraints, in order: a new
 *		constraint is a new OID.
 */
static void
describe_domain_constraints(StringInfo buf, Oid domain)
{
	Relation	conrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *oids = NIL;
	ListCell   *cell;

	ScanKeyInit(&key, Anum_pg_constraint_contypid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(domain));
	scan = systable_beginscan(conrel, ConstraintTypidIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		oids = lappend_oid(oids, ((Form_pg_constraint) GETSTRUCT(tuple))->oid);
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);

	list_sort(oids, list_oid_cmp);
	foreach(cell, oids)
		appendStringInfo(buf, "%u,", lfirst_oid(cell));
	list_free(oids);
}

/*
 * type_reads_names
 *		Does the input function of typid look names up in search_path?
 */
static bool
type_reads_names(Oid typid)
{
	switch (typid)
	{
		case REGCLASSOID:
		case REGCOLLATIONOID:
		case REGCONFIGOID:
		case REGDICTIONARYOID:
		case REGNAMESPACEOID:
		case REGOPEROID:
		case REGOPERATOROID:
		case REGPROCOID:
		case REGPROCEDUREOID:
		case REGROLEOID:
		case REGTYPEOID:
			return true;
	}
	return false;
}

/*
 * describe_type
 *		Append what the input function of type typid depends on beyond its
 *		OID and typmod.
 *
 * For a domain its NOT NULL and its constraints, then its base type; the
 * element type of an array, the subtype of a range, the attributes of a
 * composite type; for a type that reads object names (regclass and its
 * kin), search_path.
 */
static void
describe_type(StringInfo buf, Oid typid)
{
	HeapTuple	tuple;
	Form_pg_type type;

	check_stack_depth();
	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for type %u", typid);
	type = (Form_pg_type) GETSTRUCT(tuple);

	if (type->typtype == TYPTYPE_DOMAIN)
	{
		appendStringInfo(buf, "domain %u %d (", typid, (int) type->typnotnull);
		describe_domain_constraints(buf, typid);
		appendStringInfoString(buf, ") ");
		describe_type(buf, type->typbasetype);
	}
	else if (IsTrueArrayType(type))
		describe_type(buf, type->typelem);
	else if (type->typtype == TYPTYPE_RANGE)
		describe_type(buf, get_range_subtype(typid));
	else if (type->typtype == TYPTYPE_MULTIRANGE)
		describe_type(buf, get_multirange_range(typid));
	else if (type->typtype == TYPTYPE_COMPOSITE)
	{
		TupleDesc	desc = lookup_rowtype_tupdesc(typid, -1);
		int			i;

		appendStringInfo(buf, "row %u (", typid);
		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			appendStringInfo(buf, "%u %d %d ", att->atttypid, att->atttypmod,
							 (int) att->attisdropped);
			if (!att->attisdropped)
				describe_type(buf, att->atttypid);
		}
		ReleaseTupleDesc(desc);
		appendStringInfoString(buf, ") ");
	}
	else if (type_reads_names(typid))
	{
		appendStringInfoString(buf, "search_path ");
		append_counted(buf, namespace_search_path);
	}
	ReleaseSysCache(tuple);
}

/*
 * describe_layout
 *		Everything the tuples of a reader depend on, but the request's key
 *		values.
 *
 * The head, in reader->layout_head: the database and relation (type OIDs
 * and the row type are per-database) and every attribute's type; in
 * reader->layout_settings the settings input functions read.  For each
 * filled column, one counted item
 * in reader->layout_columns: where it comes from, how it is converted and
 * what its type's input depends on (describe_type).  Both are palloc'd in
 * the current memory context.
 */
static void
describe_layout(TupleReader *reader, Relation rel)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	StringInfoData buf;
	StringInfoData column;
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
	reader->layout_head = buf.data;

	initStringInfo(&buf);
	for (i = 0; i < lengthof(layout_settings); i++)
		append_counted(&buf, GetConfigOption(layout_settings[i], false, false));
	reader->layout_settings = buf.data;

	initStringInfo(&buf);
	initStringInfo(&column);
	for (i = 0; i < reader->ncolumns; i++)
	{
		ColumnReader *c = &reader->columns[i];

		resetStringInfo(&column);
		appendStringInfo(&column, "column %d conv %d output %d key %d path ",
						 c->attnum, (int) c->conv, (int) c->output, c->key_index);
		append_counted(&column, c->path ? json_path_text(c->path) : NULL);
		describe_type(&column, c->typid);
		append_counted(&buf, column.data);
	}
	reader->layout_columns = buf.data;
	pfree(column.data);
}

/*
 * tuple_reader_layout
 *		The layout of the rows made with key_values: the head with the key
 *		values, the settings, then the columns, each counted (see
 *		describe_layout); the key under which the cache keeps rows, and what
 *		it compares (page_rows_layout_covers).  Rows whose values depend on
 *		no setting are kept with the settings left out
 *		(page_rows_layout_settings_free).
 *
 * Returns a string palloc'd in the current memory context.
 */
char *
tuple_reader_layout(TupleReader *reader, List *key_values)
{
	StringInfoData head;
	StringInfoData buf;
	ListCell   *cell;

	initStringInfo(&head);
	appendStringInfo(&head, "%skeys ", reader->layout_head);
	foreach(cell, key_values)
		append_counted(&head, lfirst(cell));
	initStringInfo(&buf);
	append_counted(&buf, head.data);
	append_counted(&buf, reader->layout_settings);
	appendStringInfoString(&buf, reader->layout_columns);
	pfree(head.data);
	return buf.data;
}

/*
 * tuple_reader_create
 *		A reader that makes heap tuples of rel from the items of resource,
 *		filling only the attributes in columns (a list of 0 alone: every
 *		one).
 *
 * The reader lives in the current memory context, which must outlive the
 * scan's use of it.
 */
TupleReader *
tuple_reader_create(Relation rel, const ResourceSpec *resource, List *columns)
{
	TupleReader *reader = palloc0(sizeof(TupleReader));
	TupleDesc	tupdesc = RelationGetDescr(rel);
	AttrNumber	attnum;
	ListCell   *cell;

	reader->relname = pstrdup(RelationGetRelationName(rel));
	reader->cxt = CurrentMemoryContext;
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
	describe_layout(reader, rel);
	return reader;
}

/*
 * epoch_to_timestamptz
 *		Read Unix seconds (a JSON number, or a numeric string) as a
 *		timestamptz; false if text is not such a number.
 */
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
 * iso8601_utc_to_timestamptz
 *		Read a time in the form the APIs write, "YYYY-MM-DDTHH:MM:SSZ",
 *		directly; false for any other form.
 *
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

/*
 * buf_to_server
 *		Put reader->buf in the database encoding.
 *
 * API text is UTF-8 (as all JSON is) and is converted; a key value came
 * from the query, in the database encoding already, and is only checked.
 * A character the database encoding lacks is PostgreSQL's own error
 * (22P05).
 */
static void
buf_to_server(TupleReader *reader, bool from_api)
{
	StringInfo	buf = &reader->buf;
	char	   *converted;

	if (memchr(buf->data, '\0', buf->len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("API value contains a NUL byte, which PostgreSQL text cannot hold")));
	if (!from_api)
		(void) pg_verifymbstr(buf->data, buf->len, false);
	else
	{
		converted = pg_any_to_server(buf->data, buf->len, PG_UTF8);
		if (converted != buf->data)
		{
			resetStringInfo(buf);
			appendStringInfoString(buf, converted);
			pfree(converted);
		}
	}
	reader->buf_is_server = true;
}

/*
 * checked_value
 *		A value made without the input function, checked as a domain's
 *		would be (after the typmod of a timestamptz(p) is applied).
 */
static Datum
checked_value(TupleReader *reader, ColumnReader *column, Datum value,
			  bool isnull)
{
	if (!isnull && column->basetypid == TIMESTAMPTZOID && column->basetypmod >= 0)
		value = DirectFunctionCall2(timestamptz_scale, value,
									Int32GetDatum(column->basetypmod));
	if (column->typid != column->basetypid)
	{
		reader->settings_used = true;
		domain_check(value, isnull, column->typid, &column->domain_extra,
					 reader->cxt);
	}
	return value;
}

/*
 * buf_to_datum
 *		reader->buf, in the database encoding, as a value of the column's
 *		type, through its input function.
 *
 * A value passed by reference is palloc'd in the current memory context.
 */
static Datum
buf_to_datum(TupleReader *reader, ColumnReader *column)
{
	StringInfo	buf = &reader->buf;

	Assert(reader->buf_is_server);
	if (column->settings_use == SETTINGS_INPUT ||
		(column->settings_use == SETTINGS_ARRAY_NULL &&
		 strstr(buf->data, "NULL") != NULL))
		reader->settings_used = true;
	if (column->typid == TEXTOID)
		return PointerGetDatum(cstring_to_text_with_len(buf->data, buf->len));
	return InputFunctionCall(&column->input, buf->data, column->ioparam,
							 column->typmod);
}

/*
 * keep_last_two_segments
 *		Keep of the URL in buf its last two '/'-separated segments
 * (CONV_URL_LAST_TWO): "https://host/repos/octo/hello" becomes
 * "octo/hello".  A string with fewer segments is kept whole.
 */
static void
keep_last_two_segments(StringInfo buf)
{
	int			slashes = 0;
	int			i;

	for (i = buf->len - 1; i >= 0; i--)
	{
		if (buf->data[i] == '/' && ++slashes == 2)
		{
			memmove(buf->data, buf->data + i + 1, buf->len - i);
			buf->len -= i + 1;
			return;
		}
	}
}

static bool
is_integer_type(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID;
}

/*
 * drop_zero_fraction
 *		Cut a zero fraction off the JSON number in buf ("123.0" is 123), so
 *		an integer column reads an API's whole floats (Linear's number and
 *		priority are Float); any other fraction is left for the type's input
 *		function to refuse.
 */
static void
drop_zero_fraction(StringInfo buf)
{
	char	   *dot = strchr(buf->data, '.');

	if (dot == NULL || dot[1] == '\0' || strspn(dot + 1, "0") != strlen(dot + 1))
		return;
	*dot = '\0';
	buf->len = dot - buf->data;
}

/*
 * read_column
 *		The value of one column in an item, converted as the column says
 *		(*isnull for none).
 *
 * A value passed by reference is palloc'd in the current memory context.
 */
static Datum
read_column(TupleReader *reader, ColumnReader *column, SaasJsonItem *item,
			bool *isnull)
{
	StringInfo	buf = &reader->buf;
	SaasJsonKind	kind;
	Datum		value;

	resetStringInfo(buf);
	reader->buf_is_server = false;
	kind = json_item_value(item, column->path, column->output, buf);
	*isnull = false;

	if (column->conv == CONV_PRESENT)
	{
		bool		present = kind != JKIND_MISSING && kind != JKIND_NULL;

		if (column->basetypid == BOOLOID)
			return checked_value(reader, column, BoolGetDatum(present), false);
		/* another type takes it as the text a boolean has */
		resetStringInfo(buf);
		appendStringInfoString(buf, present ? "true" : "false");
		reader->buf_is_server = true;
		return buf_to_datum(reader, column);
	}
	if (column->conv == CONV_EXPANDABLE_ID && kind == JKIND_OBJECT)
	{
		resetStringInfo(buf);
		kind = json_item_value(item, column->id_path, column->output, buf);
	}
	if (kind == JKIND_MISSING || kind == JKIND_NULL)
	{
		*isnull = true;
		return checked_value(reader, column, (Datum) 0, true);
	}
	if ((column->conv == CONV_URL_LAST_TWO || column->conv == CONV_URL_OWNER) &&
		kind == JKIND_STRING && column->output == JOUT_TEXT)
	{
		char	   *slash;

		keep_last_two_segments(buf);
		/* CONV_URL_OWNER: "octo/hello" becomes "octo" */
		if (column->conv == CONV_URL_OWNER &&
			(slash = memchr(buf->data, '/', buf->len)) != NULL)
		{
			buf->len = slash - buf->data;
			buf->data[buf->len] = '\0';
		}
	}
	buf_to_server(reader, true);
	if (column->basetypid == TIMESTAMPTZOID && kind == JKIND_STRING &&
		iso8601_utc_to_timestamptz(buf->data, buf->len, &value))
		return checked_value(reader, column, value, false);
	if (column->basetypid == TIMESTAMPTZOID &&
		(kind == JKIND_NUMBER || kind == JKIND_STRING) &&
		epoch_to_timestamptz(buf->data, &value))
		return checked_value(reader, column, value, false);
	if (kind == JKIND_NUMBER && is_integer_type(column->basetypid))
		drop_zero_fraction(buf);
	return buf_to_datum(reader, column);
}

/*
 * tuple_reader_form
 *		One item as a heap tuple of the relation; the columns the query
 *		does not use are NULL.
 *
 * The tuple is made in the current memory context.
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
			reader->buf_is_server = false;
			if (key == NULL)
			{
				values[index] = checked_value(reader, column, (Datum) 0, true);
				continue;
			}
			appendStringInfoString(&reader->buf, key);
			buf_to_server(reader, false);
			values[index] = buf_to_datum(reader, column);
			nulls[index] = false;
		}
		else
			values[index] = read_column(reader, column, item, &nulls[index]);
	}
	error_context_stack = callback.previous;
	return heap_form_tuple(reader->tupdesc, values, nulls);
}

/*
 * tuple_reader_tupdesc
 *		The descriptor of the tuples the reader forms (the relation's).
 */
TupleDesc
tuple_reader_tupdesc(TupleReader *reader)
{
	return reader->tupdesc;
}

/*
 * tuple_reader_settings_used
 *		May a value formed since the last call depend on the settings input
 *		functions read (the layout's settings)?  Starts counting again.
 */
bool
tuple_reader_settings_used(TupleReader *reader)
{
	bool		used = reader->settings_used;

	reader->settings_used = false;
	return used;
}
