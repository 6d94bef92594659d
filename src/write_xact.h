/*-------------------------------------------------------------------------
 *
 * write_xact.h
 *		  The API writes of the current transaction (write_xact.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_WRITE_XACT_H
#define SAAS_WRITE_XACT_H

extern void write_xact_note(const char *method, const char *path);

#endif							/* SAAS_WRITE_XACT_H */
