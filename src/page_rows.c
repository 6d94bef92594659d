/*-------------------------------------------------------------------------
 *
 * page_rows.c
 *		  A page's rows: its items as heap tuples laid one after the other
 *		  in one buffer, which the shared cache can copy in and out whole.
 *
 * Each row is a HeapTupleHeader as heap_form_tuple makes it, which
 * records its own length, padded to MAXALIGN, then the item's identity (see
 * ResourceSpec.identity_at) as a NUL-terminated string, "" for none, also
 * padded to MAXALIGN; the buffer is MAXALIGNed, so every tuple in it is
 * too, and the scan hands them to the executor where they lie.
 *
 * Rows are made in a layout (tuple_reader_layout): a head, the settings
 * input functions read, then one item per column the rows hold, each
 * written "<length>:<text>;".  Rows serve a scan whose layout has the same
 * head, the same settings unless the rows' are empty (their values depend
 * on none: page_rows_layout_settings_free), and only columns they hold
 * (page_rows_layout_covers): the other columns are NULL in the scan's own
 * tuples and unread by its query.
 *
 * A row longer than TOAST_TUPLE_THRESHOLD has its largest values compressed
 * with pglz, as a heap table stores them (page_rows_compress): each is kept
 * compressed only if that saves room, inline in the tuple in TOAST's own
 * form, and whoever reads the value decompresses it as it would a heap
 * table's (detoasting), so a query that does not read it does not pay.
 * Corrupt compressed bytes (shared memory is not trusted) are then
 * PostgreSQL's ERROR "compressed pglz data is corrupt", as for a table:
 * pglz_decompress checks every back-reference and never writes past the
 * size the value claims.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/toast_compression.h"
#include "access/toast_internals.h"
#include "catalog/pg_type.h"
#include "utils/memutils.h"

#include "page_rows.h"

#define PAGE_ROWS_INITIAL_SIZE	8192

/*
 * page_rows_create
 *		An empty set of rows, in the current memory context.
 *
 * The rows are palloc'd in CurrentMemoryContext.
 */
PageRows *
page_rows_create(const char *cursor)
{
	PageRows   *rows = palloc0(sizeof(PageRows));

	rows->cursor = cursor ? pstrdup(cursor) : NULL;
	rows->allocated = PAGE_ROWS_INITIAL_SIZE;
	rows->data = palloc(rows->allocated);
	return rows;
}

/*
 * append_padded
 *		Append len bytes at data, padded with zeros to MAXALIGN.
 */
static void
append_padded(PageRows *rows, const void *data, Size len)
{
	Size		need = rows->len + MAXALIGN(len);

	if (need > rows->allocated)
	{
		while (rows->allocated < need)
			rows->allocated *= 2;
		rows->data = repalloc(rows->data, rows->allocated);
	}
	memcpy(rows->data + rows->len, data, len);
	/* the padding too is written: these bytes go to shared memory */
	memset(rows->data + rows->len + len, 0, MAXALIGN(len) - len);
	rows->len = need;
}

/*
 * page_rows_add
 *		Append a copy of tuple, and the item's identity ("" for none).
 */
void
page_rows_add(PageRows *rows, HeapTuple tuple, const char *identity)
{
	append_padded(rows, tuple->t_data, tuple->t_len);
	append_padded(rows, identity, strlen(identity) + 1);
	rows->ntuples++;
}

/*
 * page_rows_compress
 *		tuple (of tupdesc) with its values compressed as a heap table's would
 *		be: when it is longer than TOAST_TUPLE_THRESHOLD, its largest
 *		varlena values, largest first, until it is no longer than
 *		TOAST_TUPLE_TARGET, of columns whose storage (ALTER FOREIGN TABLE
 *		... SET STORAGE) is EXTENDED or MAIN; a value stays as it is when
 *		compressing it would not save room (toast_compress_datum).
 *
 * Returns tuple itself, or a tuple palloc'd in the current memory context.
 */
HeapTuple
page_rows_compress(TupleDesc tupdesc, HeapTuple tuple)
{
	Datum	   *values;
	bool	   *nulls;
	bool	   *tried;
	Size		len = tuple->t_len;
	bool		compressed = false;

	if (len <= TOAST_TUPLE_THRESHOLD)
		return tuple;
	values = palloc(sizeof(Datum) * tupdesc->natts);
	nulls = palloc(sizeof(bool) * tupdesc->natts);
	tried = palloc0(sizeof(bool) * tupdesc->natts);
	heap_deform_tuple(tuple, tupdesc, values, nulls);

	while (len > TOAST_TUPLE_TARGET)
	{
		int			largest = -1;
		Size		largest_len = 0;
		Datum		value;
		int			i;

		for (i = 0; i < tupdesc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, i);
			struct varlena *v = (struct varlena *) DatumGetPointer(values[i]);

			/*
			 * as TOAST: only columns whose storage allows compression
			 * (EXTENDED, MAIN); a short or compressed varlena is no candidate
			 */
			if (nulls[i] || tried[i] || att->attlen != -1 ||
				(att->attstorage != TYPSTORAGE_EXTENDED &&
				 att->attstorage != TYPSTORAGE_MAIN) ||
				VARATT_IS_EXTENDED(v))
				continue;
			if (VARSIZE(v) > largest_len)
			{
				largest = i;
				largest_len = VARSIZE(v);
			}
		}
		if (largest < 0)
			break;
		tried[largest] = true;
		value = toast_compress_datum(values[largest], TOAST_PGLZ_COMPRESSION);
		if (DatumGetPointer(value) == NULL)
			continue;
		len -= largest_len - VARSIZE(DatumGetPointer(value));
		values[largest] = value;
		compressed = true;
	}
	if (compressed)
		tuple = heap_form_tuple(tupdesc, values, nulls);
	return tuple;
}

/*
 * page_rows_read
 *		Point tuple at the row that starts at *offset, and *identity at its
 *		identity, and move *offset to the next row.  The rows may have come
 *		from shared memory: a length that does not fit is an error, never a
 *		read past the end.
 */
void
page_rows_read(const PageRows *rows, Size *offset, HeapTuple tuple,
			   const char **identity)
{
	HeapTupleHeader header;
	Size		len;
	const char *end;

	if (*offset > rows->len || rows->len - *offset < SizeofHeapTupleHeader)
		elog(ERROR, "saas_fdw: page rows end in the middle of a row");
	header = (HeapTupleHeader) (rows->data + *offset);
	len = HeapTupleHeaderGetDatumLength(header);
	if (len < SizeofHeapTupleHeader || len > rows->len - *offset)
		elog(ERROR, "saas_fdw: page row has a length of %zu bytes", len);

	tuple->t_len = (uint32) len;
	tuple->t_data = header;
	*offset += MAXALIGN(len);

	end = *offset < rows->len ?
		memchr(rows->data + *offset, '\0', rows->len - *offset) : NULL;
	if (end == NULL)
		elog(ERROR, "saas_fdw: page row has no identity");
	*identity = rows->data + *offset;
	*offset += MAXALIGN(end - *identity + 1);
}

/*
 * layout_item
 *		Read the item "<length>:<text>;" at *p (before end) into *item and
 *		*len, and move *p past it; false at end, or if it is not an item.
 */
static bool
layout_item(const char **p, const char *end, const char **item, Size *len)
{
	Size		n = 0;
	const char *q = *p;

	if (q >= end || !isdigit((unsigned char) *q))
		return false;
	while (q < end && isdigit((unsigned char) *q))
	{
		if (n > (Size) (end - q))
			return false;
		n = n * 10 + (*q++ - '0');
	}
	if (q >= end || *q != ':' || n >= (Size) (end - q - 1) || q[1 + n] != ';')
		return false;
	*item = q + 1;
	*len = n;
	*p = q + n + 2;
	return true;
}

/*
 * page_rows_layout_covers
 *		Do rows made in layout have (have_len bytes, maybe from shared memory,
 *		not NUL-terminated) serve a scan of layout want?  They do when both
 *		heads are equal, have's settings are empty or equal to want's, and
 *		every column item of want is one of have's.
 */
bool
page_rows_layout_covers(const char *have, Size have_len, const char *want)
{
	const char *have_end = have + have_len;
	const char *want_end = want + strlen(want);
	const char *have_head;
	const char *want_head;
	const char *have_settings;
	const char *want_settings;
	const char *item;
	Size		have_head_len;
	Size		want_head_len;
	Size		have_settings_len;
	Size		want_settings_len;
	Size		len;

	if (!layout_item(&have, have_end, &have_head, &have_head_len) ||
		!layout_item(&want, want_end, &want_head, &want_head_len) ||
		have_head_len != want_head_len ||
		memcmp(have_head, want_head, want_head_len) != 0)
		return false;
	if (!layout_item(&have, have_end, &have_settings, &have_settings_len) ||
		!layout_item(&want, want_end, &want_settings, &want_settings_len) ||
		(have_settings_len != 0 &&
		 (have_settings_len != want_settings_len ||
		  memcmp(have_settings, want_settings, want_settings_len) != 0)))
		return false;

	while (layout_item(&want, want_end, &item, &len))
	{
		const char *p = have;
		const char *other;
		Size		other_len;
		bool		found = false;

		while (!found && layout_item(&p, have_end, &other, &other_len))
			found = other_len == len && memcmp(other, item, len) == 0;
		if (!found)
			return false;
	}
	return want == want_end;
}

/*
 * page_rows_layout_settings_free
 *		layout with its settings left out, for rows whose values depend on
 *		none of them (PageRows.settings_free); a copy of layout if it is
 *		not one.
 *
 * Returns a string palloc'd in the current memory context.
 */
char *
page_rows_layout_settings_free(const char *layout)
{
	const char *end = layout + strlen(layout);
	const char *p = layout;
	const char *item;
	Size		len;
	const char *settings;

	if (!layout_item(&p, end, &item, &len))
		return pstrdup(layout);
	settings = p;
	if (!layout_item(&p, end, &item, &len))
		return pstrdup(layout);
	return psprintf("%.*s0:;%s", (int) (settings - layout), layout, p);
}
