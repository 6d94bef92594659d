/*-------------------------------------------------------------------------
 *
 * scan_lanes.c
 *		  The request streams of a range split (request_split.c) read in
 *		  turn, a page each, so that each has its next page on its way while
 *		  the others are read: an API whose pages follow a cursor is then
 *		  read as many pages at a time as there are streams.
 *
 * Invariants: the fields of SaasScanState that belong to one stream hold
 * the stream being read (lane); each other stream waits in its StreamLane
 * with at most one page on its way, so a scan holds the page being read
 * and one page per stream.  Lanes are used only when the order of the rows
 * is free (no order pushed) and the scan may read ahead (no LIMIT);
 * otherwise the streams are read one after the other, in the order of the
 * sub-ranges.  A lane's pages are the pages its stream would have fetched
 * alone: the same next-page rules, loop guard and page limit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/hsearch.h"

#include "scan_internal.h"

/*
 * scan_lane_save
 *		Put the stream being read back into its lane, with its pages on
 *		their way; the scan then reads none.
 */
void
scan_lane_save(SaasScanState *state)
{
	StreamLane *lane;

	if (state->lane < 0)
		return;
	lane = &state->lanes[state->lane];
	lane->stream = state->stream;
	lane->stream_url = state->stream_url;
	lane->row_layout = state->row_layout;
	lane->next_url = state->next_url;
	lane->stream_pages = state->stream_pages;
	lane->stream_items = state->stream_items;
	lane->stream_total = state->stream_total;
	lane->stream_seen = state->stream_seen;
	lane->ahead = state->ahead;
	state->stream = NULL;
	state->stream_url = NULL;
	state->row_layout = NULL;
	state->next_url = NULL;
	state->stream_seen = NULL;
	state->ahead = NIL;
	state->lane = -1;
}

/* Make lane number i the stream being read. */
static void
lane_load(SaasScanState *state, int i)
{
	StreamLane *lane = &state->lanes[i];

	state->stream = lane->stream;
	state->stream_url = lane->stream_url;
	state->row_layout = lane->row_layout;
	state->next_url = lane->next_url;
	state->stream_pages = lane->stream_pages;
	state->stream_items = lane->stream_items;
	state->stream_total = lane->stream_total;
	state->stream_seen = lane->stream_seen;
	state->ahead = lane->ahead;
	lane->ahead = NIL;
	state->lane = i;
}

/*
 * scan_next_lane
 *		Save the stream being read, and make the next one that has pages
 *		left the stream being read; false when every stream is done.
 */
bool
scan_next_lane(SaasScanState *state)
{
	int			current = state->lane;
	int			i;

	if (current >= 0 && state->next_url == NULL)
		scan_drop_pages_ahead(state);
	scan_lane_save(state);
	for (i = 1; i <= state->nlanes; i++)
	{
		int			next = (current + i + state->nlanes) % state->nlanes;

		if (state->lanes[next].next_url != NULL)
		{
			lane_load(state, next);
			return true;
		}
	}
	return false;
}

/*
 * scan_drop_lanes
 *		Stop the requests of every stream on their way and forget the
 *		lanes (their memory is the run's).
 */
void
scan_drop_lanes(SaasScanState *state)
{
	int			i;

	scan_drop_pages_ahead(state);
	for (i = 0; i < state->nlanes; i++)
	{
		if (i == state->lane)
			continue;
		state->ahead = state->lanes[i].ahead;
		state->lanes[i].ahead = NIL;
		scan_drop_pages_ahead(state);
	}
	state->lanes = NULL;
	state->nlanes = 0;
	state->lane = -1;
}
