/*-------------------------------------------------------------------------
 *
 * json.h
 *		  JSON documents, compiled paths and the values they lead to.
 *
 * json-c lives only in the json*.c files (json_internal.h): this header
 * hands out opaque types and plain C values, so it is safe to include
 * anywhere, next to utils/builtins.h too.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_JSON_H
#define SAAS_JSON_H

#include "lib/stringinfo.h"

typedef struct SaasJsonDoc SaasJsonDoc; /* a parsed response body */
typedef struct SaasJsonItem SaasJsonItem;	/* one item of a SaasJsonDoc */
typedef struct SaasJsonPath SaasJsonPath;	/* a compiled path:
											 * "user.login",
											 * "labels[*].name", "" = the
											 * item */

/* The kind of JSON value a path led to. */
typedef enum SaasJsonKind
{
	JKIND_MISSING,				/* the path does not exist */
	JKIND_NULL,
	JKIND_BOOL,
	JKIND_NUMBER,
	JKIND_STRING,
	JKIND_OBJECT,
	JKIND_ARRAY
} SaasJsonKind;

/* How json_item_value writes the value it found. */
typedef enum SaasJsonOutput
{
	JOUT_TEXT,					/* strings bare, numbers and booleans as
								 * text, objects and arrays as JSON */
	JOUT_JSON,					/* always JSON text (jsonb columns) */
	JOUT_PG_ARRAY,				/* a PostgreSQL array literal of the
								 * elements (text[] columns) */
	JOUT_PG_JSON_ARRAY,			/* the same, each element as JSON text
								 * (json[] and jsonb[] columns) */
	JOUT_ADF_TEXT				/* the plain text of an Atlassian Document
								 * Format document (json_adf.c) */
} SaasJsonOutput;

/* in json.c */
extern SaasJsonDoc *json_doc_parse(const char *body, size_t len);
extern SaasJsonDoc *json_doc_try_parse(const char *body, size_t len);
extern void json_doc_free(SaasJsonDoc *doc);
extern int	json_doc_items(SaasJsonDoc *doc, const SaasJsonPath *items_at,
						   bool scalar_items);
extern SaasJsonItem *json_doc_item(SaasJsonDoc *doc, int index);
extern SaasJsonItem *json_doc_root(SaasJsonDoc *doc);
extern SaasJsonItem *json_doc_object(SaasJsonDoc *doc, const SaasJsonPath *at);

/* in json_path.c */
extern SaasJsonPath *json_path_compile(const char *path);
extern const char *json_path_text(const SaasJsonPath *path);

/* in json_value.c */
extern SaasJsonKind json_item_value(SaasJsonItem *item,
									const SaasJsonPath *path,
									SaasJsonOutput output, StringInfo out);
extern const char *json_kind_name(SaasJsonKind kind);

#endif							/* SAAS_JSON_H */
