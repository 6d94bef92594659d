/*-------------------------------------------------------------------------
 *
 * ratelimit.h
 *		  The server-wide rate limiter, fed by the APIs' rate-limit headers
 *		  (ratelimit.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_RATELIMIT_H
#define SAAS_RATELIMIT_H

#include "http.h"

/* margin added to a rate-limit reset time, for clock skew */
#define RATE_LIMIT_RESET_MARGIN_MS	1000

/* the LWLock tranche of the limiter's table */
#define RATELIMIT_TRANCHE		"saas_fdw_ratelimit"

/* shared memory, called by shmem.c */
extern Size ratelimit_shmem_size(void);
extern void ratelimit_shmem_init(void);
extern void ratelimit_shmem_attach(void *part, bool create);

extern double ratelimit_before_request(const HttpRequest *request,
									   double max_wait_ms);
extern void ratelimit_after_request(const HttpRequest *request, long status,
									int64 remaining, int64 reset,
									double retry_after_s);

#endif							/* SAAS_RATELIMIT_H */
