/*-------------------------------------------------------------------------
 *
 * scan_internal.h
 *		  The state of a foreign scan, shared by scan.c (the executor
 *		  callbacks and the page iterator) and scan_pages.c (the pages of a
 *		  request stream: the next one, the loop guard, read-ahead).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_SCAN_INTERNAL_H
#define SAAS_SCAN_INTERNAL_H

#include "access/htup.h"
#include "nodes/execnodes.h"
#include "utils/hsearch.h"

#include "activity.h"
#include "convert.h"
#include "fetch.h"
#include "json.h"
#include "request.h"
#include "scan.h"

/*
 * A request stream of a range split (request_split.c) while the scan reads
 * another: the fields of SaasScanState that belong to one stream, kept
 * while it waits its turn, its next page on its way.
 */
typedef struct StreamLane
{
	RequestStream *stream;
	char	   *stream_url;
	char	   *row_layout;
	char	   *next_url;		/* NULL: the stream is done */
	int			stream_pages;
	int64		stream_items;
	int64		stream_total;
	HTAB	   *stream_seen;
	List	   *ahead;
} StreamLane;

/* The state of one foreign scan (ForeignScanState.fdw_state). */
typedef struct SaasScanState
{
	SaasTableOptions *options;
	const ResourceSpec *resource;
	FetchTarget target;
	List	   *quals;			/* PushedQual * */
	List	   *value_states;	/* ExprState * per qual (NULL: no value) */
	int			sort_index;
	bool		sort_desc;
	int			page_size;
	const char *missing_key;	/* a key column with no value, or NULL */
	char	   *fields;			/* GraphQL: the fields read (graphql_fields) */
	TupleReader *reader;
	char	   *row_layout;		/* of the current stream's rows */
	SaasJsonPath   *items_at;
	SaasJsonPath   *single_at;
	SaasJsonPath   *cursor_at;
	SaasJsonPath   *has_more_at;
	SaasJsonPath   *identity_at;	/* NULL: the resource names none */
	SaasJsonPath   *incomplete_at;	/* NULL: the resource names none */
	SaasJsonPath   *total_at;	/* NULL: the resource names none */
	List	   *identity_keys;	/* key_columns[] indexes, see service.h */
	StringInfoData identity;	/* an item's identity, being read */
	StringInfoData seen_key;	/* an identity with its key values */

	/*
	 * iteration; one run of the streams (until a rescan) keeps its values,
	 * streams and URLs in run_cxt, which a rescan resets
	 */
	MemoryContext run_cxt;
	List	   *streams;		/* RequestStream *, built at first fetch */
	bool		streams_built;
	int			next_stream;
	RequestStream *stream;
	char	   *stream_url;		/* first page of the current stream */
	char	   *page_url;
	char	   *next_url;		/* NULL when the stream is done */
	int			stream_pages;
	int64		stream_items;	/* items of the stream's pages so far */
	int64		stream_total;	/* matches, as a page said; -1: unknown */
	HTAB	   *stream_seen;	/* hashes of the stream's page URLs; made
								 * when it has a second page */
	struct seen_items_hash *seen_items; /* identities returned by this run,
										 * when it has several streams; else
										 * NULL (scan.c) */
	FetchedPage page;			/* its rows, once it has arrived */
	int			item_count;
	int			item_index;
	Size		row_offset;		/* of the next row in page.rows */
	HeapTupleData tuple;		/* the row returned last */
	MemoryContext scan_cxt;		/* lives as long as the scan */
	MemoryContext page_cxt;		/* the current page, or NULL */
	MemoryContext tuple_cxt;	/* one row's values, reset per row */

	/* read-ahead */
	int			read_ahead;		/* most pages on their way; 0 = none */
	List	   *ahead;			/* PendingPage *, in page order */
	bool		numbered_planned;	/* plan_numbered_pages ran for the stream */
	char	   *numbered_url;	/* URL of page numbered_first, or NULL */
	int			numbered_first;
	int			numbered_next;	/* next page number to request */
	int			numbered_last;

	ScanRecord	record;			/* for EXPLAIN ANALYZE */
	int64		rows_received;	/* rows of the pages arrived so far */

	/* the scan's row in saas_fdw_activity, from its first page on */
	ActivityHandle activity;
	bool		activity_started;

	/*
	 * the streams of a range split read in turn, a page each, when no
	 * order is asked for (scan_lanes.c); NULL otherwise
	 */
	StreamLane *lanes;			/* in run_cxt */
	int			nlanes;
	int			lane;			/* the one in the fields above, or -1 */
	List	   *trees;			/* FilterTree *, over quals (pushdown.h) */
} SaasScanState;

/* The HTTP method of the scan's page requests: GET, or the resource's POST. */
static inline const char *
scan_method(const SaasScanState *state)
{
	return state->resource->method ? state->resource->method : "GET";
}

/* A page requested and not yet read, in a memory context of its own. */
typedef struct PendingPage
{
	MemoryContext cxt;
	char	   *url;
	PageFetch  *fetch;
} PendingPage;

/* in scan_pages.c */
extern char *scan_body_cursor(SaasScanState *state, SaasJsonDoc *doc, int nitems);
extern char *scan_next_url(SaasScanState *state, const char *cursor);
extern bool scan_stream_loops(SaasScanState *state, const char *next);
extern PendingPage *scan_request_page(SaasScanState *state, const char *url);
extern void scan_drop_pages_ahead(SaasScanState *state);
extern void scan_read_ahead(SaasScanState *state);

/* in scan_lanes.c */
extern void scan_lane_save(SaasScanState *state);
extern bool scan_next_lane(SaasScanState *state);
extern void scan_drop_lanes(SaasScanState *state);

#endif							/* SAAS_SCAN_INTERNAL_H */
