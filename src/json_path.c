/*-------------------------------------------------------------------------
 *
 * json_path.c
 *		  The paths that columns are read from, compiled once, and
 *		  following one through a json-c tree.
 *
 * Syntax: keys separated by dots ("user.login"), "[N]" for one element of
 * an array and "[*]" for every element ("labels[*].name").  A key is any
 * run of characters other than '.', '[' and ']'.  A path may start with a
 * bracket; "" is the item itself.  A compiled path is one palloc'd chunk,
 * so reading a value never parses text.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "json_internal.h"

/* Most steps in one compiled path. */
#define JSON_PATH_MAX_STEPS 32

/* Largest array index a path may name ("[N]"). */
#define JSON_PATH_MAX_INDEX 99999999

/* Where the parser of a path stopped, and why. */
typedef struct SaasJsonPathSyntax
{
	int			nsteps;
	SaasJsonStep steps[JSON_PATH_MAX_STEPS];
	int			key_start[JSON_PATH_MAX_STEPS];
	int			key_len[JSON_PATH_MAX_STEPS];
	char	   *why;			/* NULL if the path is valid */
} SaasJsonPathSyntax;

/*
 * json_path_parse
 *		Parse path into syntax, without allocating but for syntax->why, a
 *		palloc'd sentence saying what is wrong (NULL if the path is valid).
 */
static void
json_path_parse(const char *path, SaasJsonPathSyntax *syntax)
{
	int			pos = 0;
	bool		need_key = false;	/* just read a '.' */

	syntax->nsteps = 0;
	syntax->why = NULL;
	if (path[0] == '\0')
		return;

	for (;;)
	{
		SaasJsonStep *step;
		int			n = syntax->nsteps;
		char		c = path[pos];

		if (n >= JSON_PATH_MAX_STEPS)
		{
			syntax->why = psprintf("The path has more than %d steps.",
								   JSON_PATH_MAX_STEPS);
			return;
		}
		step = &syntax->steps[n];
		syntax->key_start[n] = 0;
		syntax->key_len[n] = 0;

		if (c == '[' && !need_key)
		{
			pos++;
			if (path[pos] == '*' && path[pos + 1] == ']')
			{
				step->kind = STEP_EACH;
				step->index = 0;
				pos += 2;
			}
			else if (path[pos] >= '0' && path[pos] <= '9')
			{
				int64		index = 0;

				while (path[pos] >= '0' && path[pos] <= '9')
				{
					index = index * 10 + (path[pos] - '0');
					if (index > JSON_PATH_MAX_INDEX)
					{
						syntax->why = psprintf("The array index at byte %d is larger than %d.",
											   pos, JSON_PATH_MAX_INDEX);
						return;
					}
					pos++;
				}
				if (path[pos] != ']')
				{
					syntax->why = psprintf("Expected \"]\" at byte %d.", pos);
					return;
				}
				pos++;
				step->kind = STEP_INDEX;
				step->index = (int) index;
			}
			else
			{
				syntax->why = psprintf("\"[\" at byte %d must start \"[*]\" or an index such as \"[0]\".",
									   pos - 1);
				return;
			}
			step->key = NULL;
		}
		else if (c == '\0' || c == '.' || c == '[' || c == ']')
		{
			if (c == ']')
				syntax->why = psprintf("Unexpected \"]\" at byte %d.", pos);
			else
				syntax->why = psprintf("Expected a key at byte %d.", pos);
			return;
		}
		else
		{
			int			start = pos;

			while (path[pos] != '\0' && path[pos] != '.' &&
				   path[pos] != '[' && path[pos] != ']')
				pos++;
			step->kind = STEP_KEY;
			step->index = 0;
			step->key = NULL;	/* set by json_path_compile */
			syntax->key_start[n] = start;
			syntax->key_len[n] = pos - start;
		}
		syntax->nsteps++;
		need_key = false;

		/* after a step: the end, a '.' and a key, or a bracket */
		c = path[pos];
		if (c == '\0')
			return;
		if (c == '.')
		{
			pos++;
			need_key = true;
		}
		else if (c != '[')
		{
			syntax->why = psprintf("Unexpected \"%c\" at byte %d.", c, pos);
			return;
		}
	}
}

/*
 * json_path_compile
 *		Compile a path into a palloc'd SaasJsonPath (one chunk, in
 *		CurrentMemoryContext).
 *
 * The path is one palloc'd chunk in CurrentMemoryContext.
 */
SaasJsonPath *
json_path_compile(const char *path)
{
	SaasJsonPathSyntax syntax;
	SaasJsonPath *compiled;
	size_t		text_len = strlen(path);
	size_t		size;
	char	   *strings;
	int			i;

	json_path_parse(path, &syntax);
	if (syntax.why != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid JSON path \"%s\"", path),
				 errdetail("%s", syntax.why),
				 errhint("Write keys separated by dots, \"[*]\" for every element of an array and \"[N]\" for one element, as in \"labels[*].name\".")));

	/* header and steps, then the text, then each key NUL-terminated */
	size = offsetof(SaasJsonPath, steps) + syntax.nsteps * sizeof(SaasJsonStep);
	size += text_len + 1;
	for (i = 0; i < syntax.nsteps; i++)
		size += syntax.key_len[i] + 1;

	compiled = palloc(size);
	compiled->nsteps = syntax.nsteps;
	compiled->maps_array = false;
	strings = (char *) compiled + offsetof(SaasJsonPath, steps) +
		syntax.nsteps * sizeof(SaasJsonStep);
	memcpy(strings, path, text_len + 1);
	compiled->text = strings;
	strings += text_len + 1;

	for (i = 0; i < syntax.nsteps; i++)
	{
		SaasJsonStep *step = &compiled->steps[i];

		*step = syntax.steps[i];
		if (step->kind == STEP_KEY)
		{
			memcpy(strings, path + syntax.key_start[i], syntax.key_len[i]);
			strings[syntax.key_len[i]] = '\0';
			step->key = strings;
			strings += syntax.key_len[i] + 1;
		}
		else if (step->kind == STEP_EACH)
			compiled->maps_array = true;
	}
	return compiled;
}

/*
 * json_path_text
 *		The path as it was written.
 *
 * The text belongs to path.
 */
const char *
json_path_text(const SaasJsonPath *path)
{
	return path->text;
}

/*
 * json_follow
 *		Follow steps from *obj until the end or the first "[*]".  Returns
 *		the number of steps taken (nsteps, or the index of the "[*]" step)
 *		and sets *obj to the value reached; -1 if the path leads nowhere (an
 *		absent key or index, or a step into something that is not that kind
 *		of container).
 */
int
json_follow(json_object **obj, const SaasJsonStep *steps, int nsteps)
{
	json_object *cur = *obj;
	int			i;

	for (i = 0; i < nsteps; i++)
	{
		const SaasJsonStep *step = &steps[i];

		if (step->kind == STEP_EACH)
			break;
		if (cur == NULL)
			return -1;
		if (step->kind == STEP_KEY)
		{
			json_object *child;

			if (!json_object_object_get_ex(cur, step->key, &child))
				return -1;
			cur = child;
		}
		else
		{
			if (!json_object_is_type(cur, json_type_array) ||
				(size_t) step->index >= json_object_array_length(cur))
				return -1;
			cur = json_object_array_get_idx(cur, (size_t) step->index);
		}
	}
	*obj = cur;
	return i;
}
