/*-------------------------------------------------------------------------
 *
 * convert.h
 *		  One JSON item into one row of a foreign table.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_CONVERT_H
#define SAAS_CONVERT_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "nodes/pg_list.h"
#include "utils/relcache.h"

#include "json.h"
#include "service.h"

/* a table's columns, compiled for reading items */
typedef struct TupleReader TupleReader;

/* in convert.c */
extern TupleReader *tuple_reader_create(Relation rel,
										const ResourceSpec *resource,
										List *columns);
extern char *tuple_reader_layout(TupleReader *reader, List *key_values);
extern HeapTuple tuple_reader_form(TupleReader *reader, SaasJsonItem *item,
								   List *key_values);
extern bool tuple_reader_settings_used(TupleReader *reader);
extern TupleDesc tuple_reader_tupdesc(TupleReader *reader);

#endif							/* SAAS_CONVERT_H */
