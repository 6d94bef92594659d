/*-------------------------------------------------------------------------
 *
 * request_split.c
 *		  A time range bounded on both sides, split into sub-ranges that are
 *		  request streams of their own (RangeSplitSpec in service.h), so
 *		  that an API whose pages follow a cursor is read several pages at
 *		  a time.
 *
 * Invariants: the sub-ranges cover the SQL range exactly and share no
 * instant, in the unit of the rules' format (a whole second, or a Slack ts
 * microsecond): [a,m) [m,b), each written in the API's own bound
 * semantics, so no row is lost or returned twice.  The SQL bounds are
 * read from the values bind_value wrote for their operators, which keep
 * the SQL meaning in that unit; PostgreSQL still rechecks every row.  Only
 * a scan of one request stream, whose bounds are plain values (not
 * EXPLAIN's expressions), and whose pushed order, if any, is on the split
 * column, is split: the sub-ranges come in that order (newest first
 * without one), so that reading them one after the other is the API's
 * order.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "request.h"

/* The unit of a format's values, in microseconds; 0: a range not split. */
static int64
format_unit(ValueFormat format)
{
	switch (format)
	{
		case VALUE_EPOCH:
		case VALUE_EPOCH_INCLUSIVE:
			return 1000000;
		case VALUE_SLACK_TS:
		case VALUE_SLACK_TS_TEXT:
			return 1;
		default:
			return 0;
	}
}

/*
 * A value bind_value wrote in format, in the format's units ("1700000000"
 * seconds, "1700000000.123456" microseconds); false if it is not such a
 * value.
 */
static bool
read_units(const char *text, ValueFormat format, int64 *units)
{
	char	   *end;
	int64		seconds;

	if (!isdigit((unsigned char) text[0]))
		return false;
	seconds = strtoi64(text, &end, 10);
	if (format_unit(format) > 1)
	{
		*units = seconds;
		return *end == '\0';
	}
	if (end[0] != '.' || strlen(end) != 7 || strspn(end + 1, "0123456789") != 6)
		return false;
	*units = seconds * 1000000 + strtoi64(end + 1, NULL, 10);
	return true;
}

/* units written back in format; palloc'd. */
static char *
write_units(int64 units, ValueFormat format)
{
	if (format_unit(format) > 1)
		return psprintf(INT64_FORMAT, units);
	return psprintf(INT64_FORMAT ".%06d", units / 1000000, (int) (units % 1000000));
}

/*
 * The sub-range [from, to) as the query parameters of split; palloc'd.
 */
static char *
sub_range_query(const RangeSplitSpec *split, ValueFormat format,
				int64 from, int64 to)
{
	return psprintf("%s=%s&%s=%s%s%s",
					split->lower_param, write_units(from, format),
					split->upper_param,
					write_units(split->upper_inclusive ? to - 1 : to, format),
					split->extra_query ? "&" : "",
					split->extra_query ? split->extra_query : "");
}

/*
 * Does the scan make one request stream?  Not with an IN list of more
 * than one value (but a list parameter's values go into one request), nor
 * with a single-object request.
 */
static bool
one_stream(const ResourceSpec *resource, List *quals, List *bound)
{
	ListCell   *qcell;
	ListCell   *bcell;

	if (resource->filter != NULL)
		return false;
	forboth(qcell, quals, bcell, bound)
	{
		PushedQual *qual = lfirst(qcell);
		BoundValues *values = lfirst(bcell);

		if (values->unsent)
			continue;
		if (qual->kind == BIND_SINGLE)
			return false;
		if (list_length(values->values) > 1 &&
			!(qual->kind == BIND_PARAM &&
			  resource->pushdown[qual->spec_index].op == PUSH_CONTAINS))
			return false;
	}
	return true;
}

/*
 * The split of the column of split, if the quals bound it once on each
 * side: the bounds as the half-open range [*from, *to) in the format's
 * units, and the quals that are replaced.
 */
static bool
find_bounds(const ResourceSpec *resource, const RangeSplitSpec *split,
			List *quals, List *bound, int64 *from, int64 *to,
			ValueFormat *format, RangeSplit *out)
{
	ListCell   *qcell;
	ListCell   *bcell;

	forboth(qcell, quals, bcell, bound)
	{
		PushedQual *qual = lfirst(qcell);
		BoundValues *values = lfirst(bcell);
		const PushdownSpec *spec;
		bool		lower;
		bool		inclusive;
		int64		units;

		if (qual->kind != BIND_PARAM)
			continue;
		spec = &resource->pushdown[qual->spec_index];
		if (strcmp(spec->column, split->column) != 0 ||
			spec->op < PUSH_LT || spec->op > PUSH_GE || values->unsent)
			continue;
		lower = spec->op == PUSH_GT || spec->op == PUSH_GE;
		if ((lower ? out->lower : out->upper) != NULL ||
			format_unit(spec->format) == 0 || values->verbatim ||
			list_length(values->values) != 1 ||
			!read_units(linitial(values->values), spec->format, &units))
			return false;
		/* a VALUE_EPOCH_INCLUSIVE value is inclusive whatever the operator */
		inclusive = spec->op == PUSH_GE || spec->op == PUSH_LE ||
			spec->format == VALUE_EPOCH_INCLUSIVE;
		if (lower)
		{
			out->lower = qual;
			*from = inclusive ? units : units + 1;
		}
		else
		{
			out->upper = qual;
			*to = inclusive ? units + 1 : units;
		}
		if (out->lower != NULL && out->upper != NULL &&
			resource->pushdown[out->lower->spec_index].format != spec->format)
			return false;
		*format = spec->format;
	}
	return out->lower != NULL && out->upper != NULL;
}

/*
 * plan_range_split
 *		The split of a scan into saas_fdw.range_streams sub-ranges, for the
 *		bound values (a BoundValues per qual, in the order of quals), or
 *		NULL when the scan is not split.
 *
 * Returns a RangeSplit allocated in the current memory context.
 */
RangeSplit *
plan_range_split(const ResourceSpec *resource, List *quals, List *bound,
				 int sort_index, bool sort_desc)
{
	const RangeSplitSpec *split;

	if (saas_range_streams < 2 || !one_stream(resource, quals, bound))
		return NULL;
	for (split = resource->range_splits; split && split->column; split++)
	{
		RangeSplit *result = palloc0(sizeof(RangeSplit));
		ValueFormat format = VALUE_TEXT;
		int64		from = 0;
		int64		to = 0;
		int64		width;
		int			count;
		int			i;

		if (sort_index >= 0 &&
			strcmp(resource->sorts[sort_index].column, split->column) != 0)
			continue;
		if (!find_bounds(resource, split, quals, bound, &from, &to, &format, result))
			continue;
		width = to - from;
		if (width < 2)
			return NULL;
		count = (int) Min(width, (int64) saas_range_streams);
		result->column = split->column;
		for (i = 0; i < count; i++)
		{
			/* sub-range k is [from + width * k / count, ...) */
			int			k = (sort_index >= 0 && !sort_desc) ? i : count - 1 - i;
			int64		start = from + (width / count) * k + (width % count) * k / count;
			int64		end = from + (width / count) * (k + 1) +
				(width % count) * (k + 1) / count;

			result->queries = lappend(result->queries,
									  sub_range_query(split, format, start, end));
		}
		return result;
	}
	return NULL;
}
