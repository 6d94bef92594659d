/*-------------------------------------------------------------------------
 *
 * page_rows.h
 *		  A page's items as heap tuples of one row layout, in one buffer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_PAGE_ROWS_H
#define SAAS_PAGE_ROWS_H

#include "access/htup.h"
#include "access/tupdesc.h"

/*
 * A page's items as heap tuples of one row layout, with where the next page
 * starts.  A scan turns each page it parses into these, and the shared
 * cache keeps them beside the page, so that a later scan with the same
 * layout neither parses nor converts the page again.
 */
typedef struct PageRows
{
	int32		ntuples;
	char	   *cursor;			/* the body's cursor to the next page, or
								 * NULL (unused where a Link header says) */
	Size		len;
	char	   *data;			/* the rows one after the other, each a
								 * tuple and the item's identity, each
								 * MAXALIGNed (page_rows.c); len bytes */
	Size		allocated;		/* bytes at data, while rows are added */
	bool		settings_free;	/* no value depends on the settings that
								 * input functions read: the rows serve a
								 * session with other settings */
} PageRows;

/* in page_rows.c */
extern PageRows *page_rows_create(const char *cursor);
extern HeapTuple page_rows_compress(TupleDesc tupdesc, HeapTuple tuple);
extern void page_rows_add(PageRows *rows, HeapTuple tuple,
						  const char *identity);
extern void page_rows_read(const PageRows *rows, Size *offset, HeapTuple tuple,
						   const char **identity);
extern bool page_rows_layout_covers(const char *have, Size have_len,
									const char *want);
extern char *page_rows_layout_settings_free(const char *layout);

#endif							/* SAAS_PAGE_ROWS_H */
