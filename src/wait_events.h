/*-------------------------------------------------------------------------
 *
 * wait_events.h
 *		  The wait events a backend shows in pg_stat_activity while saas_fdw
 *		  waits (wait_events.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_WAIT_EVENTS_H
#define SAAS_WAIT_EVENTS_H

extern uint32 saas_wait_event_http(void);
extern uint32 saas_wait_event_rate_limit(void);

#endif							/* SAAS_WAIT_EVENTS_H */
