/*-------------------------------------------------------------------------
 *
 * adf_write.h
 *		  Plain text as an Atlassian Document Format document (adf_write.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_ADF_WRITE_H
#define SAAS_ADF_WRITE_H

#include "lib/stringinfo.h"

extern void adf_append_text(StringInfo out, const char *text);

#endif							/* SAAS_ADF_WRITE_H */
