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
#include <json-c/json_c_version.h>

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

/* in json_adf.c */
extern void json_write_adf_text(StringInfo out, json_object *doc);

/*
 * json-c 0.18's JSON_TOKENER_STRICT rejects every byte above 0x7f inside a
 * string, so valid UTF-8 written as is (not as a \u escape) fails with
 * "invalid string sequence" (json-c issues #875 and #892: the strict check
 * for control characters of json-c pull request #871 compares a signed
 * char).  0.16 (Debian 12) and 0.19 (Debian unstable) accept it; Debian 13
 * ships 0.18.  Asked at run time: the library loaded may be another release
 * than the headers built against.
 */
static inline bool
json_strict_rejects_utf8(void)
{
	return (json_c_version_num() >> 8) == 18;	/* 0.18.x */
}

#endif							/* SAAS_JSON_INTERNAL_H */
