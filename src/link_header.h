/*-------------------------------------------------------------------------
 *
 * link_header.h
 *		  Finding a pagination link (rel="next", rel="last") in an HTTP Link
 *		  header.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_LINK_HEADER_H
#define SAAS_LINK_HEADER_H

/* What link_header_find found. */
typedef enum LinkFound
{
	LINK_NONE,					/* no link of that relation */
	LINK_FOUND,					/* its target was copied */
	LINK_TOO_LONG				/* its target does not fit the buffer */
} LinkFound;

extern LinkFound link_header_find(const char *value, size_t len,
								  const char *rel, char *target,
								  size_t target_size);

#endif							/* SAAS_LINK_HEADER_H */
