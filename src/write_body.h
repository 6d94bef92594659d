/*-------------------------------------------------------------------------
 *
 * write_body.h
 *		  The body of a write request: SQL values in the API's format
 *		  (write_body.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_WRITE_BODY_H
#define SAAS_WRITE_BODY_H

#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

#include "service.h"

typedef struct WriteBody
{
	BodyFormat	format;
	StringInfoData buf;
	int			count;			/* fields added */
	List	   *fields;			/* JSON: the WriteField of each, written
								 * out by write_body_finish */
} WriteBody;

extern void write_body_start(WriteBody *body, BodyFormat format);
extern void write_body_add(WriteBody *body, const char *name, Oid typid,
						   Datum value, bool isnull);
extern void write_body_add_at(WriteBody *body, const char *path, bool adf,
							  Oid typid, Datum value, bool isnull);
extern char *write_body_finish(WriteBody *body);
extern const char *write_body_content_type(BodyFormat format);

#endif							/* SAAS_WRITE_BODY_H */
