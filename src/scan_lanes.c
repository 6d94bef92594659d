/*-------------------------------------------------------------------------
 *
 * scan_lanes.c
 *		  The request streams of a range split (request_split.c) read in
 *		  turn, a page each, so that each has its next page on its way while
 *		  the others are read: an API whose pages follow a cursor is then
 *		  read as many pages at a time as there are streams.
 *
 * Invariants: the fields of SaasScanState that belong to one stream hold
 * the stream being read (lane), or are empty; each other stream waits in
 * its StreamLane with at most one page on its way, so a scan holds the page being read
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

#define SWAP(type, a, b) \
	do { type swap_ = (a); (a) = (b); (b) = swap_; } while (0)

/*
 * Exchange the fields of the stream being read with those of lane: with
 * no stream being read (the fields empty), the lane's stream becomes the
 * one being read; with the lane's own stream being read, it goes back.
 */
static void
lane_swap(SaasScanState *state, StreamLane *lane)
{
	SWAP(RequestStream *, state->stream, lane->stream);
	SWAP(char *, state->stream_url, lane->stream_url);
	SWAP(char *, state->row_layout, lane->row_layout);
	SWAP(char *, state->next_url, lane->next_url);
	SWAP(int, state->stream_pages, lane->stream_pages);
	SWAP(int64, state->stream_items, lane->stream_items);
	SWAP(int64, state->stream_total, lane->stream_total);
	SWAP(HTAB *, state->stream_seen, lane->stream_seen);
	SWAP(List *, state->ahead, lane->ahead);
}

/*
 * scan_lane_save
 *		Put the stream being read back into its lane, with its pages on
 *		their way; the scan then reads none.
 */
void
scan_lane_save(SaasScanState *state)
{
	if (state->lane < 0)
		return;
	lane_swap(state, &state->lanes[state->lane]);
	state->lane = -1;
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
			lane_swap(state, &state->lanes[next]);
			state->lane = next;
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
	/* the lane of the stream being read holds none (lane_swap) */
	for (i = 0; i < state->nlanes; i++)
	{
		state->ahead = state->lanes[i].ahead;
		state->lanes[i].ahead = NIL;
		scan_drop_pages_ahead(state);
	}
	state->lanes = NULL;
	state->nlanes = 0;
	state->lane = -1;
}
