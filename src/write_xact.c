/*-------------------------------------------------------------------------
 *
 * write_xact.c
 *		  The API writes of the current transaction, and the WARNING that
 *		  they stand when it aborts.
 *
 * A request that reached the API cannot be rolled back.  modify.c notes
 * each write that succeeded; when the transaction aborts (a ROLLBACK, or an
 * error, also halfway through a statement of many rows), a WARNING says how
 * many there were and lists the first MAX_LISTED_WRITES by method and path
 * (never the token).  The list lives in TopMemoryContext and is emptied at
 * the end of every transaction; a subtransaction's rollback does not warn,
 * its writes are counted with the transaction's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "write_xact.h"

/* The most writes a rollback WARNING lists one by one. */
#define MAX_LISTED_WRITES	10

/* The writes of the current transaction that reached the API. */
static int	xact_writes = 0;
static StringInfoData xact_write_list;
static bool xact_callback_registered = false;

/*
 * xact_callback
 *		At the end of a transaction, forget its writes; at an abort, first
 *		warn that they stand.
 */
static void
xact_callback(XactEvent event, void *arg)
{
	if (event != XACT_EVENT_ABORT && event != XACT_EVENT_COMMIT &&
		event != XACT_EVENT_PREPARE)
		return;
	if (xact_writes > 0 && event == XACT_EVENT_ABORT)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg_plural("%d API write made by the aborted transaction was not rolled back",
							   "%d API writes made by the aborted transaction were not rolled back",
							   xact_writes, xact_writes),
				 errdetail("A request that reached the API cannot be undone: %s.",
						   xact_write_list.data),
				 errhint("Undo them with new statements if they should not stand.")));
	xact_writes = 0;
	if (xact_write_list.data != NULL)
		resetStringInfo(&xact_write_list);
}

/*
 * write_xact_note
 *		Remember a write that reached the API, for the WARNING of a
 *		rollback (xact_callback).
 */
void
write_xact_note(const char *method, const char *path)
{
	if (!xact_callback_registered)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		initStringInfo(&xact_write_list);
		MemoryContextSwitchTo(old);
		RegisterXactCallback(xact_callback, NULL);
		xact_callback_registered = true;
	}
	xact_writes++;
	if (xact_writes <= MAX_LISTED_WRITES)
		appendStringInfo(&xact_write_list, "%s%s %s",
						 xact_writes > 1 ? ", " : "", method, path);
	else if (xact_writes == MAX_LISTED_WRITES + 1)
		appendStringInfoString(&xact_write_list, ", ...");
}
