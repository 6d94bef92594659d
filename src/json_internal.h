/*-------------------------------------------------------------------------
 *
 * json_internal.h
 *		  What the json*.c files share.  The only header that includes
 *		  json-c: never include it outside the json*.c files, and never
 *		  include utils/builtins.h next to it (see json.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef SAAS_JSON_INTERNAL_H
#define SAAS_JSON_INTERNAL_H

#include <json-c/json.h>

#include "json.h"

/* One step of a compiled path. */
typedef enum SaasJsonStepKind
{
	STEP_KEY,					/* .name: a member of an object */
	STEP_INDEX,					/* [N]: one element of an array */
	STEP_EACH					/* [*]: every element of an array */
} SaasJsonStepKind;

typedef struct SaasJsonStep
{
	SaasJsonStepKind kind;
	int			index;			/* STEP_INDEX */
	const char *key;			/* STEP_KEY, NUL-terminated */
} SaasJsonStep;

struct SaasJsonPath
{
	const char *text;			/* the path as written, for messages */
	int			nsteps;
	bool		maps_array;		/* has a [*] step */
	SaasJsonStep steps[FLEXIBLE_ARRAY_MEMBER];
};

/* in json.c */
extern size_t json_number_text_len(const char *text);

/* in json_path.c */
extern int	json_follow(json_object **obj, const SaasJsonStep *steps, int nsteps);

/* in json_value.c */
extern SaasJsonKind json_kind_of(json_object *obj);

#endif							/* SAAS_JSON_INTERNAL_H */
