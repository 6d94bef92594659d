/*-------------------------------------------------------------------------
 *
 * api_text.h
 *		  Text from the network (an API's error message, a body) made fit to
 *		  show in a message.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_API_TEXT_H
#define SAAS_API_TEXT_H

/* What api_text_sanitize appends where it cuts the text short. */
#define API_TEXT_CUT_MARK	"..."

extern char *api_text_sanitize(const char *s, size_t len, size_t max_bytes,
							   bool utf8);

#endif							/* SAAS_API_TEXT_H */
