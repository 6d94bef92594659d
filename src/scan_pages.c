/*-------------------------------------------------------------------------
 *
 * scan_pages.c
 *		  The pages of a request stream: where the next one is, the loop
 *		  guard, and read-ahead.
 *
 * Invariants: a next-page link is followed only to the origin (scheme,
 * host, port) of the server's base_url: the token must never travel
 * elsewhere.  A stream never fetches the same URL twice: a next page that
 * points back at any earlier one (a link, or a cursor, that loops) is an
 * error.  A page read ahead is used only if it is exactly the page that the
 * API's own next link (or cursor) names when the scan gets there; otherwise
 * the pages ahead are dropped and the scan follows the link, so read-ahead
 * never changes which rows come back.  At most saas_fdw.read_ahead pages
 * are on their way, and none before the second page of a stream.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "http.h"
#include "scan_internal.h"

static int	page_number(const char *url, const char *name);

/*
 * check_next_url
 *		Refuse a next-page link to another origin than the server's
 *		base_url: the token must never travel elsewhere.
 */
static void
check_next_url(SaasScanState *state, const char *next)
{
	if (!http_same_origin(next, state->options->base_url))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("%s API sent a next-page link to another host",
						state->options->service->name),
				 errdetail("Requests go only to the origin of \"%s\"; the link was not followed.",
						   state->options->base_url),
				 errhint("Check the server's base_url option.")));
}

/*
 * stream_saw
 *		Remember a URL the current stream fetches; true if it was there
 *		already.
 */
static bool
stream_saw(SaasScanState *state, const char *url)
{
	uint64		hash = hash_bytes_extended((const unsigned char *) url,
										   strlen(url), 0);
	bool		found;

	(void) hash_search(state->stream_seen, &hash, HASH_ENTER, &found);
	return found;
}

/*
 * scan_stream_loops
 *		Does next, the page after the current one, loop back to a page of
 *		this stream?  Remembers it.
 *
 * Single-page streams, the most common, cost nothing: the set of the
 * stream's URLs is made, in run_cxt, when it has a next page.
 */
bool
scan_stream_loops(SaasScanState *state, const char *next)
{
	if (state->stream_seen == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(uint64);
		ctl.hcxt = state->run_cxt;
		state->stream_seen = hash_create("saas_fdw pages of a stream", 64, &ctl,
										 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		(void) stream_saw(state, state->stream_url);
	}
	return stream_saw(state, next);
}

/*
 * with_param
 *		url with the query parameter name=value added, value URL-encoded.
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
with_param(const char *url, const char *name, const char *value)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s%c%s=", url, strchr(url, '?') ? '&' : '?', name);
	append_url_encoded(&buf, value, false);
	return buf.data;
}

/*
 * next_offset
 *		PAGES_OFFSET: the offset of the page after the parsed page doc (of
 *		nitems items), or NULL when this one holds the last items.
 *
 * An API that says neither where the page starts nor how many items there
 * are ends the stream here.  Returns a string palloc'd in the current
 * memory context.
 */
static char *
next_offset(SaasScanState *state, SaasJsonDoc *doc, int nitems)
{
	StringInfoData buf;
	int64		start;
	int64		total;

	initStringInfo(&buf);
	if (nitems == 0 ||
		json_item_value(json_doc_root(doc), state->cursor_at, JOUT_TEXT,
						&buf) != JKIND_NUMBER)
		return NULL;
	start = strtoi64(buf.data, NULL, 10);
	resetStringInfo(&buf);
	if (state->total_at == NULL ||
		json_item_value(json_doc_root(doc), state->total_at, JOUT_TEXT,
						&buf) != JKIND_NUMBER)
		return NULL;
	total = strtoi64(buf.data, NULL, 10);
	if (start < 0 || start + nitems >= total)
		return NULL;
	return psprintf(INT64_FORMAT, start + nitems);
}

/*
 * scan_body_cursor
 *		Where the page after the parsed page doc (of nitems items) starts,
 *		for the APIs that say so in the body: the value of the cursor
 *		parameter, or NULL at the end of the stream.
 *
 * Returns a string palloc'd in the current memory context.
 */
char *
scan_body_cursor(SaasScanState *state, SaasJsonDoc *doc, int nitems)
{
	const ResourceSpec *resource = state->resource;
	StringInfoData buf;

	if (doc == NULL || state->stream->single)
		return NULL;
	initStringInfo(&buf);
	switch (resource->pages)
	{
		case PAGES_NONE:
		case PAGES_LINK_HEADER:
			return NULL;
		case PAGES_LAST_ID:
			if (nitems == 0 ||
				json_item_value(json_doc_root(doc), state->has_more_at,
								JOUT_TEXT, &buf) != JKIND_BOOL ||
				strcmp(buf.data, "true") != 0)
				return NULL;
			resetStringInfo(&buf);
			if (json_item_value(json_doc_item(doc, nitems - 1),
								state->cursor_at, JOUT_TEXT, &buf) != JKIND_STRING)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("%s API item has no string \"%s\" to page from",
								state->options->service->name, resource->cursor_at),
						 errcontext("API request: %s %s", scan_method(state), state->page_url)));
			return buf.data;
		case PAGES_OFFSET:
			return next_offset(state, doc, nitems);
		case PAGES_BODY_CURSOR:
		case PAGES_BODY_NEXT_URL:
			/* a flag saying there is more, where the API has one (Linear) */
			if (state->has_more_at != NULL &&
				(json_item_value(json_doc_root(doc), state->has_more_at,
								 JOUT_TEXT, &buf) != JKIND_BOOL ||
				 strcmp(buf.data, "true") != 0))
				return NULL;
			resetStringInfo(&buf);
			if (json_item_value(json_doc_root(doc), state->cursor_at,
								JOUT_TEXT, &buf) != JKIND_STRING || buf.len == 0)
				return NULL;
			return buf.data;
		case PAGES_BODY_PAGE_COUNT:
			{
				/* this page's number: the one sent, or 1 for none */
				int			number = Max(page_number(state->page_url,
													 resource->cursor_param), 1);

				if (json_item_value(json_doc_root(doc), state->cursor_at,
									JOUT_TEXT, &buf) != JKIND_NUMBER ||
					number >= strtol(buf.data, NULL, 10))
					return NULL;
				return psprintf("%d", number + 1);
			}
	}
	return NULL;
}

/*
 * scan_next_url
 *		The URL of the page after the current one, or NULL at the end of
 *		the stream.
 *
 * Each API says in its own way that there is more: a Link header, the
 * next URL in the body, or a cursor in the body (found by scan_body_cursor, and kept with the page's
 * rows).  Returns the response's own string, or one palloc'd in the
 * current memory context.
 */
char *
scan_next_url(SaasScanState *state, const char *cursor)
{
	const ResourceSpec *resource = state->resource;

	if (state->stream->single)
		return NULL;
	if (resource->pages == PAGES_LINK_HEADER)
	{
		if (state->page.response->next_url == NULL)
			return NULL;
		check_next_url(state, state->page.response->next_url);
		return state->page.response->next_url;
	}
	if (cursor == NULL)
		return NULL;
	if (resource->pages == PAGES_BODY_NEXT_URL)
	{
		check_next_url(state, cursor);
		return pstrdup(cursor);
	}
	return with_param(state->stream_url, resource->cursor_param, cursor);
}

/*
 * scan_drop_pages_ahead
 *		Stop the requests on their way and forget them, with their memory.
 */
void
scan_drop_pages_ahead(SaasScanState *state)
{
	ListCell   *cell;

	foreach(cell, state->ahead)
	{
		PendingPage *pending = lfirst(cell);

		fetch_page_cancel(pending->fetch);
		MemoryContextDelete(pending->cxt);
	}
	list_free_deep(state->ahead);
	state->ahead = NIL;
	if (state->numbered_url != NULL)
		pfree(state->numbered_url);
	state->numbered_url = NULL;
}

/*
 * record_url
 *		Count a page requested, and keep the request line of the first
 *		SCAN_RECORD_URLS for EXPLAIN (ANALYZE, VERBOSE): method, path and
 *		query, or for a POST its path and the JSON body sent.
 *
 * The scheme, host and any user information are left out.  The copies live
 * as long as the scan.
 */
static void
record_url(SaasScanState *state, const char *url)
{
	const char *host = strstr(url, "://");
	const char *path = host ? strchr(host + 3, '/') : NULL;
	MemoryContext old;
	char	   *line;

	if (state->record.urls++ >= SCAN_RECORD_URLS)
		return;
	old = MemoryContextSwitchTo(state->scan_cxt);
	if (state->resource->method != NULL)
	{
		char	   *path_only;
		char	   *body = request_json_body(state->resource, path ? path : "/",
											 &path_only);

		line = psprintf("%s %s %s", state->resource->method, path_only, body);
	}
	else
		line = psprintf("GET %s", path ? path : "/");
	state->record.first_urls = lappend(state->record.first_urls, line);
	MemoryContextSwitchTo(old);
}

/*
 * scan_request_page
 *		Request the page at url of the current stream.
 *
 * The PendingPage is allocated in scan_cxt, its URL and fetch in a memory
 * context of its own (pending->cxt), which the caller deletes.
 */
PendingPage *
scan_request_page(SaasScanState *state, const char *url)
{
	MemoryContext cxt = AllocSetContextCreate(state->scan_cxt, "saas_fdw page",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	PendingPage *pending = MemoryContextAlloc(state->scan_cxt, sizeof(PendingPage));

	pending->cxt = cxt;
	pending->url = pstrdup(url);
	record_url(state, url);
	pending->fetch = fetch_page_start(&state->target, pending->url,
									  state->row_layout,
									  state->stream->single || state->resource->list_missing_ok,
									  &state->record.counters);
	MemoryContextSwitchTo(old);
	return pending;
}

/*
 * find_param_value
 *		Where in url the value of the query parameter name starts, or NULL.
 *
 * Returns a pointer into url.
 */
static const char *
find_param_value(const char *url, const char *name)
{
	const char *query = strchr(url, '?');
	size_t		len = strlen(name);
	const char *p;

	if (query == NULL)
		return NULL;
	for (p = query; p != NULL && *p != '\0' && *p != '#'; p = strpbrk(p + 1, "&#"))
	{
		if (*p == '#')
			break;
		if (strncmp(p + 1, name, len) == 0 && p[1 + len] == '=')
			return p + 2 + len;
	}
	return NULL;
}

/*
 * page_number
 *		The page number in url (a positive integer), or 0.
 */
static int
page_number(const char *url, const char *name)
{
	const char *value = find_param_value(url, name);
	int			number = 0;

	if (value == NULL || *value < '1' || *value > '9')
		return 0;
	for (; *value >= '0' && *value <= '9'; value++)
	{
		if (number > (INT_MAX - 9) / 10)
			return 0;
		number = number * 10 + (*value - '0');
	}
	return (*value == '\0' || *value == '&' || *value == '#') ? number : 0;
}

/*
 * with_page_number
 *		url with its page number replaced (page_number(url) is known to be
 *		> 0).
 *
 * Returns a string palloc'd in the current memory context.
 */
static char *
with_page_number(const char *url, const char *name, int number)
{
	const char *value = find_param_value(url, name);
	const char *rest = value + strspn(value, "0123456789");

	return psprintf("%.*s%d%s", (int) (value - url), url, number, rest);
}

/*
 * plan_numbered_pages
 *		Having read a page of the stream: if the API numbers its pages and
 *		says which is the last, the pages between can be requested at once.
 *
 * The URL it keeps is allocated in run_cxt.
 */
static void
plan_numbered_pages(SaasScanState *state)
{
	const char *param = state->resource->page_number_param;
	const char *last_url = state->page.response->last_url;
	int			first;
	int			last;

	if (param == NULL || last_url == NULL || state->next_url == NULL)
		return;
	first = page_number(state->next_url, param);
	last = page_number(last_url, param);
	if (first < 2 || last < first)
		return;
	state->numbered_url = MemoryContextStrdup(state->run_cxt, state->next_url);
	state->numbered_first = first;
	state->numbered_next = first;
	/* never past the loop guard: the page after max_pages raises instead */
	state->numbered_last = Min(last, first - 1 + saas_max_pages - state->stream_pages);
}

/*
 * scan_read_ahead
 *		Keep up to read_ahead pages of the current stream on their way.
 */
void
scan_read_ahead(SaasScanState *state)
{
	MemoryContext old;

	/*
	 * a scan that stops within the first page makes one request; the
	 * streams of a range split each keep their next page on its way
	 */
	if (state->read_ahead <= 0 || state->next_url == NULL ||
		(state->stream_pages < 2 && state->lanes == NULL) ||
		(state->resource->max_results > 0 &&
		 state->stream_items >= state->resource->max_results))
		return;
	if (!state->numbered_planned)
	{
		plan_numbered_pages(state);
		state->numbered_planned = true;
	}

	old = MemoryContextSwitchTo(state->run_cxt);
	if (state->numbered_url != NULL)
	{
		while (list_length(state->ahead) < state->read_ahead &&
			   state->numbered_next <= state->numbered_last)
		{
			int			number = state->numbered_next++;

			if (number == state->numbered_first)
				state->ahead = lappend(state->ahead,
									   scan_request_page(state, state->numbered_url));
			else
			{
				char	   *url = with_page_number(state->numbered_url,
												   state->resource->page_number_param,
												   number);

				state->ahead = lappend(state->ahead, scan_request_page(state, url));
				pfree(url);
			}
		}
	}
	else if (state->ahead == NIL && state->stream_pages < saas_max_pages)
		state->ahead = list_make1(scan_request_page(state, state->next_url));
	MemoryContextSwitchTo(old);
}
