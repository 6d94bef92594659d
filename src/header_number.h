/*-------------------------------------------------------------------------
 *
 * header_number.h
 *		  Reading the numbers of HTTP response headers: Retry-After,
 *		  x-ratelimit-remaining and x-ratelimit-reset.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_HEADER_NUMBER_H
#define SAAS_HEADER_NUMBER_H

/* A Retry-After beyond this many seconds is read as this many. */
#define HEADER_MAX_SECONDS	86400.0

extern int64 header_number_count(const char *s, size_t len);
extern double header_number_seconds(const char *s, size_t len);

#endif							/* SAAS_HEADER_NUMBER_H */
