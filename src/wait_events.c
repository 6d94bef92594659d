/*-------------------------------------------------------------------------
 *
 * wait_events.c
 *		  The wait events a backend shows in pg_stat_activity while saas_fdw
 *		  waits: wait_event_type Extension, and wait_event
 *		  - SaasFdwHttp while it waits for an API's response, or before
 *		    sending a request again;
 *		  - SaasFdwRateLimit while the shared rate limiter holds a request
 *		    back until the API's limit resets.
 *
 * The names need PostgreSQL 17 or later (saas_wait_event_new in compat.h);
 * before, every wait is the generic Extension event.  A name is registered
 * the first time a backend waits for it (registering may raise an ERROR,
 * so the callers ask before they start to wait, never during a wait), and
 * then remembered for the life of the backend.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "compat.h"
#include "wait_events.h"

static uint32 wait_event_http = 0;
static uint32 wait_event_rate_limit = 0;

/*
 * wait_event_named
 *		The wait event of name, registered at the first call.
 */
static uint32
wait_event_named(uint32 *event, const char *name)
{
	if (*event == 0)
		*event = saas_wait_event_new(name);
	return *event;
}

/*
 * saas_wait_event_http
 *		Waiting for an API's response, or before retrying a request.
 */
uint32
saas_wait_event_http(void)
{
	return wait_event_named(&wait_event_http, "SaasFdwHttp");
}

/*
 * saas_wait_event_rate_limit
 *		Waiting for an API's rate limit to reset.
 */
uint32
saas_wait_event_rate_limit(void)
{
	return wait_event_named(&wait_event_rate_limit, "SaasFdwRateLimit");
}
