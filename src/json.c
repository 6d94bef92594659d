/*-------------------------------------------------------------------------
 *
 * json.c
 *		  Everything that touches json-c: parsing API responses, compiling
 *		  the JSON paths that columns are read from, and writing the values
 *		  they find as text, as JSON, or as PostgreSQL array literals.
 *
 * Rules a reader must know:
 *
 * - json-c's type "json_object" clashes with the SQL function json_object
 *	 that utils/builtins.h declares (through fmgrprotos.h).  This file must
 *	 never include utils/builtins.h, and no other file includes json-c: only
 *	 the opaque SaasJsonDoc, SaasJsonItem and SaasJsonPath and plain C
 *	 values cross.
 *
 * - A response body is hostile.  Parsing is bounded (nesting depth
 *	 JSON_MAX_DEPTH), uses the exact length (so a NUL byte or anything but
 *	 whitespace after the value is an error), is strict (no comments, no
 *	 trailing commas) and validates UTF-8.  Lookups never index without a
 *	 bounds check.
 *
 * - A json-c tree is malloc'd.  It is tied to the memory context that was
 *	 current at parse time by a reset callback, so an ERROR never leaks it;
 *	 json_doc_free releases it early.  Because the callback lives inside the
 *	 SaasJsonDoc, a SaasJsonDoc is never pfree'd: it goes with its context.
 *
 * - A SaasJsonItem is a borrowed pointer into the tree (it is the json-c object
 *	 itself, so handing one out costs nothing).  It is valid until the doc is
 *	 freed.  A JSON null (a body that is just null) is a NULL SaasJsonItem,
 *	 which json_item_value accepts; a list item is always an object.
 *
 * - json_item_value writes the bytes the API sent: strings are UTF-8, may
 *	 contain NUL bytes (from \u0000), and out->len is exact.  Checking for
 *	 NUL bytes and converting to a non-UTF-8 server encoding are the
 *	 caller's job, where the column is known.
 *
 * - Numbers keep their text: a double is written as json-c kept it from the
 *	 input (json_object_new_double_s), so 1.50 stays 1.50 and nothing is lost
 *	 to binary rounding.  json-c 0.16 clamps integers beyond the 64-bit range
 *	 (to INT64_MIN or UINT64_MAX) without telling us, so a body that has such
 *	 an integer is parsed again with "e0" after it (json_mark_big_integers):
 *	 json-c reads that as a double and keeps its text, which is written
 *	 without the "e0", digit for digit as the API sent it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include <json-c/json.h>

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "saas_fdw.h"

/* Deepest nesting of arrays and objects accepted in a response. */
#define JSON_MAX_DEPTH 64

/* Most steps in one compiled path. */
#define JSON_PATH_MAX_STEPS 32

/* Largest array index a path may name ("[N]"). */
#define JSON_PATH_MAX_INDEX 99999999

typedef enum JsonStepKind
{
	STEP_KEY,					/* .name: a member of an object */
	STEP_INDEX,					/* [N]: one element of an array */
	STEP_EACH					/* [*]: every element of an array */
} JsonStepKind;

typedef struct JsonStep
{
	JsonStepKind kind;
	int			index;			/* STEP_INDEX */
	const char *key;			/* STEP_KEY, NUL-terminated */
} JsonStep;

struct SaasJsonPath
{
	const char *text;			/* the path as written, for messages */
	int			nsteps;
	bool		maps_array;		/* has a [*] step */
	JsonStep	steps[FLEXIBLE_ARRAY_MEMBER];
};

struct SaasJsonDoc
{
	json_object *root;			/* NULL for a body that is JSON null */
	json_object *items;			/* the array json_doc_items found */
	int			nitems;
	bool		released;		/* json_doc_free ran (or the context reset) */
	MemoryContextCallback callback;
};

/* Where the parser of a path stopped, and why. */
typedef struct JsonPathSyntax
{
	int			nsteps;
	JsonStep	steps[JSON_PATH_MAX_STEPS];
	int			key_start[JSON_PATH_MAX_STEPS];
	int			key_len[JSON_PATH_MAX_STEPS];
	char	   *why;			/* NULL if the path is valid */
} JsonPathSyntax;

static void json_doc_release(void *arg);
static SaasJsonDoc *json_doc_parse_internal(const char *body, size_t len,
										bool raise);
static json_object *json_parse_body(const char *body, size_t len,
									size_t *end, const char **problem);
static char *json_mark_big_integers(const char *body, size_t len,
									size_t *marked_len);
static void json_path_parse(const char *path, JsonPathSyntax *syntax);
static int	json_follow(json_object **obj, const JsonStep *steps, int nsteps);
static SaasJsonKind json_kind_of(json_object *obj);
static void json_emit(StringInfo out, const char *s, size_t len, bool quoted);
static void json_write_string(StringInfo out, const char *s, size_t len,
							  bool quoted);
static void json_write_number(StringInfo out, json_object *obj, bool as_json,
							  bool quoted);
static void json_write_value(StringInfo out, json_object *obj, bool quoted);
static void json_write_text(StringInfo out, json_object *obj);
static void json_write_mapped(StringInfo out, json_object *array,
							  const JsonStep *steps, int nsteps, bool quoted);
static void json_write_pg_array(StringInfo out, json_object *array,
								const JsonStep *steps, int nsteps,
								bool as_json);


/* ----------------------------------------------------------------
 *		Documents
 * ----------------------------------------------------------------
 */

/*
 * Parse a response body.  On malformed input raise an error with
 * ERRCODE_FDW_INVALID_DATA_TYPE (HV004): the API's reply is not data of the
 * kind the wrapper can read.  That SQLSTATE is also used when the item array
 * is missing, so "the API sent something unreadable" is one class.
 */
SaasJsonDoc *
json_doc_parse(const char *body, size_t len)
{
	return json_doc_parse_internal(body, len, true);
}

/*
 * Parse a body that may well not be JSON (an error page); NULL if it is not.
 */
SaasJsonDoc *
json_doc_try_parse(const char *body, size_t len)
{
	return json_doc_parse_internal(body, len, false);
}

/* Whitespace as JSON defines it (RFC 8259). */
static inline bool
json_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static SaasJsonDoc *
json_doc_parse_internal(const char *body, size_t len, bool raise)
{
	SaasJsonDoc    *doc;
	json_object *root;
	size_t		end;
	const char *problem;
	char	   *marked;
	size_t		marked_len;

	if (body == NULL)
		len = 0;

	/*
	 * Allocate the doc before the tree exists, so that no palloc failure can
	 * strand a tree that nothing owns yet.
	 */
	doc = palloc0(sizeof(SaasJsonDoc));

	if (len > (size_t) INT_MAX)
	{
		if (!raise)
		{
			pfree(doc);
			return NULL;
		}
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("could not parse the API response as JSON"),
				 errdetail("The response is %zu bytes long, more than the JSON parser accepts.",
						   len),
				 errhint("Lower saas_fdw.max_response_size or ask for smaller pages with the page_size option.")));
	}

	root = json_parse_body(body ? body : "", len, &end, &problem);
	if (problem != NULL)
	{
		pfree(doc);
		if (!raise)
			return NULL;
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("could not parse the API response as JSON"),
				 errdetail("The JSON parser stopped at byte %zu of %zu: %s.",
						   end, len, problem),
				 errhint("Check that the server option base_url points at the API itself, not at a proxy or a web page.")));
	}

	doc->root = root;
	doc->callback.func = json_doc_release;
	doc->callback.arg = doc;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &doc->callback);

	/* the tree is the doc's now: an error from here on frees it */
	marked = json_mark_big_integers(body ? body : "", len, &marked_len);
	if (marked != NULL)
	{
		root = json_parse_body(marked, marked_len, &end, &problem);
		pfree(marked);
		if (problem != NULL)
			elog(ERROR, "could not parse a response again with its large integers marked: %s",
				 problem);
		json_object_put(doc->root);
		doc->root = root;
	}
	return doc;
}

/*
 * Parse body (len bytes) with json-c: strict, nesting bounded, UTF-8
 * checked.  Returns the tree (NULL for JSON null), malloc'd; on failure
 * returns NULL, sets *problem to json-c's words and *end to where it
 * stopped.
 */
static json_object *
json_parse_body(const char *body, size_t len, size_t *end,
				const char **problem)
{
	json_tokener *tok;
	json_object *root;
	enum json_tokener_error jerr;

	*problem = NULL;
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (tok == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not allocate a JSON parser.")));

	/*
	 * json-c checks UTF-8 with a function call per byte, a tenth of the
	 * instructions of a whole scan; PostgreSQL's verifier takes ASCII eight
	 * bytes at a time.  json-c checks only a body that PostgreSQL rejects
	 * (its rules are at least as strict; a NUL byte stops it too), so an
	 * error keeps json-c's message and position.
	 */
	if (pg_encoding_verifymbstr(PG_UTF8, body, (int) len) == (int) len)
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	else
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);

	root = json_tokener_parse_ex(tok, body, (int) len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue)
	{
		/*
		 * A top-level number or literal only ends at a delimiter, so json-c
		 * waits for more input.  One blank ends it; anything still open
		 * after that (an unclosed object, an empty body) is truncated.
		 */
		root = json_tokener_parse_ex(tok, " ", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_continue)
			jerr = json_tokener_error_parse_eof;
		*end = len;
	}
	else
		*end = json_tokener_get_parse_end(tok);

	if (jerr == json_tokener_success)
	{
		/* Only whitespace may follow the value; a NUL byte stops json-c. */
		while (*end < len && json_is_space(body[*end]))
			(*end)++;
		if (*end < len)
		{
			json_object_put(root);
			root = NULL;
			*problem = "unexpected data after the JSON value";
		}
	}
	else
	{
		/* json-c frees a partial tree itself; root is NULL here */
		*problem = json_tokener_error_desc(jerr);
		if (jerr == json_tokener_error_parse_eof)
			*end = len;
	}
	json_tokener_free(tok);

	return root;
}

/*
 * Are the digits (ndigits of them, no sign) of an integer beyond what json-c
 * holds exactly: above UINT64_MAX, or below INT64_MIN if negative?  The
 * digits have no leading zero (strict JSON).
 */
static bool
json_integer_is_big(const char *digits, size_t ndigits, bool negative)
{
	const char *limit = negative ? "9223372036854775808" : "18446744073709551615";
	size_t		limit_len = strlen(limit);

	if (ndigits != limit_len)
		return ndigits > limit_len;
	return memcmp(digits, limit, ndigits) > 0;
}

/* The marker json_mark_big_integers writes after an integer. */
#define BIG_INTEGER_MARK "e0"
#define BIG_INTEGER_MARK_LEN 2

/*
 * A copy of body (valid JSON) in which every integer json-c would clamp has
 * BIG_INTEGER_MARK after it, with its length in *marked_len; NULL (no copy)
 * if there is none.  Integers that long are rare: a body without a run of
 * 19 digits (the shortest such integer, negative) is not looked at further.
 */
static char *
json_mark_big_integers(const char *body, size_t len, size_t *marked_len)
{
	StringInfoData out;
	size_t		run = 0;
	size_t		copied = 0;
	size_t		i;

	for (i = 0; i < len && run < 19; i++)
		run = (body[i] >= '0' && body[i] <= '9') ? run + 1 : 0;
	if (run < 19)
		return NULL;

	out.data = NULL;
	i = 0;
	while (i < len)
	{
		char		c = body[i];
		size_t		digits;

		if (c == '"')
		{
			/* a string (a key or a value): skip it, escapes included */
			for (i++; i < len && body[i] != '"'; i++)
			{
				if (body[i] == '\\')
					i++;
			}
			i++;
			continue;
		}
		if (c != '-' && !(c >= '0' && c <= '9'))
		{
			i++;
			continue;
		}
		/* a number: mark it if it is an integer json-c would clamp */
		digits = (c == '-') ? i + 1 : i;
		for (i = digits; i < len && body[i] >= '0' && body[i] <= '9'; i++)
			;
		if ((i == len || (body[i] != '.' && body[i] != 'e' && body[i] != 'E')) &&
			json_integer_is_big(body + digits, i - digits, c == '-'))
		{
			if (out.data == NULL)
				initStringInfo(&out);
			appendBinaryStringInfo(&out, body + copied, (int) (i - copied));
			appendStringInfoString(&out, BIG_INTEGER_MARK);
			copied = i;
		}
		while (i < len && strchr("0123456789.eE+-", body[i]) != NULL && body[i] != '\0')
			i++;
	}
	if (out.data == NULL)
		return NULL;
	appendBinaryStringInfo(&out, body + copied, (int) (len - copied));
	*marked_len = out.len;
	return out.data;
}

/*
 * The length of a number's text as the API sent it: text less the marker
 * json_mark_big_integers put after a big integer.  (A big integer the API
 * itself wrote with "e0" loses it: the same number, in fewer characters.)
 */
static size_t
json_number_text_len(const char *text)
{
	size_t		len = strlen(text);
	size_t		ndigits = len - BIG_INTEGER_MARK_LEN;
	const char *digits = text;

	if (len <= BIG_INTEGER_MARK_LEN ||
		strcmp(text + ndigits, BIG_INTEGER_MARK) != 0)
		return len;
	if (*digits == '-')
	{
		digits++;
		ndigits--;
	}
	if (ndigits == 0 || strspn(digits, "0123456789") != ndigits ||
		!json_integer_is_big(digits, ndigits, digits != text))
		return len;
	return len - BIG_INTEGER_MARK_LEN;
}

/* Memory context reset callback, and the body of json_doc_free. */
static void
json_doc_release(void *arg)
{
	SaasJsonDoc    *doc = (SaasJsonDoc *) arg;

	if (doc->released)
		return;
	doc->released = true;
	json_object_put(doc->root);
	doc->root = NULL;
	doc->items = NULL;
	doc->nitems = 0;
}

/*
 * Release the json-c tree now.  The SaasJsonDoc itself stays allocated (its
 * reset callback is registered in its context) but may not be used again.
 */
void
json_doc_free(SaasJsonDoc *doc)
{
	if (doc != NULL)
		json_doc_release(doc);
}

static inline void
json_doc_check(const SaasJsonDoc *doc)
{
	if (doc == NULL || doc->released)
		elog(ERROR, "JSON document used after it was freed");
}

/* How to name a path in a message: "" is the response itself. */
static const char *
json_path_where(const SaasJsonPath *path)
{
	if (path->nsteps == 0)
		return "the top level";
	return psprintf("\"%s\"", path->text);
}

/* The hint of every error about a response of the wrong shape. */
static const char *const wrong_api_hint =
"Check that the server option base_url points at the API itself and that the table's resource matches it.";

/*
 * Find the array of items at path items_at and return its length; the items
 * are then read with json_doc_item.  Raise an error if there is no array.
 */
int
json_doc_items(SaasJsonDoc *doc, const SaasJsonPath *items_at)
{
	json_object *array;
	size_t		n;

	json_doc_check(doc);
	if (items_at->maps_array)
		elog(ERROR, "item path \"%s\" must not contain [*]", items_at->text);

	array = doc->root;
	if (json_follow(&array, items_at->steps, items_at->nsteps) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("API response has no list of items"),
				 errdetail("Nothing was found at %s of the response, where the items should be.",
						   json_path_where(items_at)),
				 errhint("%s", wrong_api_hint)));
	if (!json_object_is_type(array, json_type_array))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("API response has no list of items"),
				 errdetail("The value at %s of the response is %s, not an array.",
						   json_path_where(items_at),
						   json_kind_name(json_kind_of(array))),
				 errhint("%s", wrong_api_hint)));

	n = json_object_array_length(array);
	if (n > (size_t) INT_MAX)
		elog(ERROR, "API response has too many items: %zu", n);
	doc->items = array;
	doc->nitems = (int) n;
	return doc->nitems;
}

/*
 * The index-th item of the array json_doc_items found.  Items are objects:
 * anything else in the list is an error, never a row of nulls.
 */
SaasJsonItem *
json_doc_item(SaasJsonDoc *doc, int index)
{
	json_object *item;

	json_doc_check(doc);
	if (doc->items == NULL)
		elog(ERROR, "json_doc_item called before json_doc_items");
	if (index < 0 || index >= doc->nitems)
		elog(ERROR, "item %d is out of range (the page has %d items)",
			 index, doc->nitems);
	item = json_object_array_get_idx(doc->items, (size_t) index);
	/* a string or a null is no row: its columns would all read as null */
	if (!json_object_is_type(item, json_type_object))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("API response has an item that is not an object"),
				 errdetail("Item %d of the list is %s.", index + 1,
						   json_kind_name(json_kind_of(item))),
				 errhint("%s", wrong_api_hint)));
	return (SaasJsonItem *) item;
}

/*
 * The whole document as one item, for an endpoint that answers with one
 * object: anything else is an error, never a row of nulls.
 */
SaasJsonItem *
json_doc_object(SaasJsonDoc *doc)
{
	json_doc_check(doc);
	if (!json_object_is_type(doc->root, json_type_object))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("API response is not an object"),
				 errdetail("The response is %s, not an object.",
						   json_kind_name(json_kind_of(doc->root))),
				 errhint("%s", wrong_api_hint)));
	return (SaasJsonItem *) doc->root;
}

/* The whole document as an item (NULL if the body is JSON null). */
SaasJsonItem *
json_doc_root(SaasJsonDoc *doc)
{
	json_doc_check(doc);
	return (SaasJsonItem *) doc->root;
}


/* ----------------------------------------------------------------
 *		Paths
 *
 * Syntax: keys separated by dots ("user.login"), "[N]" for one element of
 * an array and "[*]" for every element ("labels[*].name").  A key is any
 * run of characters other than '.', '[' and ']'.  A path may start with a
 * bracket; "" is the item itself.  A path is compiled once, so reading a
 * value never parses text.
 * ----------------------------------------------------------------
 */

static void
json_path_parse(const char *path, JsonPathSyntax *syntax)
{
	int			pos = 0;
	bool		need_key = false;	/* just read a '.' */

	syntax->nsteps = 0;
	syntax->why = NULL;
	if (path[0] == '\0')
		return;

	for (;;)
	{
		JsonStep   *step;
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
 * Is path a valid JSON path?  If not and why is not NULL, *why is set to a
 * palloc'd sentence saying what is wrong (for an option validator's DETAIL).
 */
bool
json_path_is_valid(const char *path, char **why)
{
	JsonPathSyntax syntax;

	json_path_parse(path, &syntax);
	if (why != NULL)
		*why = syntax.why;
	return syntax.why == NULL;
}

/*
 * Compile a path into a palloc'd SaasJsonPath (one chunk, in
 * CurrentMemoryContext).
 */
SaasJsonPath *
json_path_compile(const char *path)
{
	JsonPathSyntax syntax;
	SaasJsonPath   *compiled;
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
	size = offsetof(SaasJsonPath, steps) + syntax.nsteps * sizeof(JsonStep);
	size += text_len + 1;
	for (i = 0; i < syntax.nsteps; i++)
		size += syntax.key_len[i] + 1;

	compiled = palloc(size);
	compiled->nsteps = syntax.nsteps;
	compiled->maps_array = false;
	strings = (char *) compiled + offsetof(SaasJsonPath, steps) +
		syntax.nsteps * sizeof(JsonStep);
	memcpy(strings, path, text_len + 1);
	compiled->text = strings;
	strings += text_len + 1;

	for (i = 0; i < syntax.nsteps; i++)
	{
		JsonStep   *step = &compiled->steps[i];

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

/* The path as it was written. */
const char *
json_path_text(const SaasJsonPath *path)
{
	return path->text;
}

/* Does the path map over an array ("[*]"), giving an array of values? */
bool
json_path_maps_array(const SaasJsonPath *path)
{
	return path->maps_array;
}


/* ----------------------------------------------------------------
 *		Reading values
 * ----------------------------------------------------------------
 */

/*
 * Follow steps from *obj until the end or the first "[*]".  Returns the
 * number of steps taken (nsteps, or the index of the "[*]" step) and sets
 * *obj to the value reached; -1 if the path leads nowhere (an absent key or
 * index, or a step into something that is not that kind of container).
 */
static int
json_follow(json_object **obj, const JsonStep *steps, int nsteps)
{
	json_object *cur = *obj;
	int			i;

	for (i = 0; i < nsteps; i++)
	{
		const JsonStep *step = &steps[i];

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

static SaasJsonKind
json_kind_of(json_object *obj)
{
	if (obj == NULL)
		return JKIND_NULL;
	switch (json_object_get_type(obj))
	{
		case json_type_null:
			return JKIND_NULL;
		case json_type_boolean:
			return JKIND_BOOL;
		case json_type_int:
		case json_type_double:
			return JKIND_NUMBER;
		case json_type_string:
			return JKIND_STRING;
		case json_type_object:
			return JKIND_OBJECT;
		case json_type_array:
			return JKIND_ARRAY;
	}
	return JKIND_NULL;			/* keep compiler quiet */
}

/* A word for a kind of value, for messages: "a string", "an object". */
const char *
json_kind_name(SaasJsonKind kind)
{
	switch (kind)
	{
		case JKIND_MISSING:
			return "missing";
		case JKIND_NULL:
			return "null";
		case JKIND_BOOL:
			return "a boolean";
		case JKIND_NUMBER:
			return "a number";
		case JKIND_STRING:
			return "a string";
		case JKIND_OBJECT:
			return "an object";
		case JKIND_ARRAY:
			return "an array";
	}
	return "unknown";
}

/*
 * Append bytes.  Inside a quoted element of an array literal (quoted) every
 * '"' and '\' gets a backslash, which is all array_in needs.
 */
static void
json_emit(StringInfo out, const char *s, size_t len, bool quoted)
{
	const char *run = s;
	const char *p;
	const char *end = s + len;

	if (!quoted)
	{
		appendBinaryStringInfo(out, s, (int) len);
		return;
	}
	for (p = s; p < end; p++)
	{
		if (*p == '"' || *p == '\\')
		{
			if (p > run)
				appendBinaryStringInfo(out, run, (int) (p - run));
			appendStringInfoChar(out, '\\');
			run = p;
		}
	}
	if (end > run)
		appendBinaryStringInfo(out, run, (int) (end - run));
}

/* Append s as a JSON string: quoted, with '"', '\' and controls escaped. */
static void
json_write_string(StringInfo out, const char *s, size_t len, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	const char *p;
	const char *end = s + len;

	json_emit(out, "\"", 1, quoted);
	for (p = s; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;
		char		esc[6];
		int			esc_len = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (p > run)
			json_emit(out, run, p - run, quoted);
		run = p + 1;

		esc[0] = '\\';
		switch (c)
		{
			case '"':
				esc[1] = '"';
				break;
			case '\\':
				esc[1] = '\\';
				break;
			case '\b':
				esc[1] = 'b';
				break;
			case '\f':
				esc[1] = 'f';
				break;
			case '\n':
				esc[1] = 'n';
				break;
			case '\r':
				esc[1] = 'r';
				break;
			case '\t':
				esc[1] = 't';
				break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 0xf];
				esc_len = 6;
				break;
		}
		json_emit(out, esc, esc_len, quoted);
	}
	if (end > run)
		json_emit(out, run, end - run, quoted);
	json_emit(out, "\"", 1, quoted);
}

/* Is s a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
json_is_number_text(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
	{
		while (*s >= '0' && *s <= '9')
			s++;
	}
	else
		return false;
	if (*s == '.')
	{
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E')
	{
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Digits of an unsigned 64-bit value; returns the length written to buf. */
static int
json_format_uint64(char *buf, uint64 value, bool negative)
{
	char		tmp[24];
	int			n = 0;
	int			len = 0;

	do
	{
		tmp[n++] = (char) ('0' + value % 10);
		value /= 10;
	} while (value != 0);
	if (negative)
		buf[len++] = '-';
	while (n > 0)
		buf[len++] = tmp[--n];
	return len;
}

/*
 * Append a number.  Integers as their digits.  A double as the text it had
 * in the response (json-c keeps it); as_json, text that is not a JSON number
 * (json-c also accepts "1.", "NaN", "Infinity") is replaced by the shortest
 * exact form of the value, or a string for the non-finite ones.
 */
static void
json_write_number(StringInfo out, json_object *obj, bool as_json, bool quoted)
{
	char		buf[Max(32, DOUBLE_SHORTEST_DECIMAL_LEN)];
	int			len;

	if (json_object_is_type(obj, json_type_int))
	{
		int64		value = json_object_get_int64(obj);

		/* json-c keeps values above INT64_MAX as unsigned */
		if (value == PG_INT64_MAX)
			len = json_format_uint64(buf, json_object_get_uint64(obj), false);
		else if (value < 0)
			len = json_format_uint64(buf, -(uint64) value, true);
		else
			len = json_format_uint64(buf, (uint64) value, false);
		json_emit(out, buf, len, quoted);
	}
	else
	{
		const char *text = (const char *) json_object_get_userdata(obj);
		double		value;

		if (text != NULL && (!as_json || json_is_number_text(text)))
		{
			json_emit(out, text, json_number_text_len(text), quoted);
			return;
		}
		value = json_object_get_double(obj);
		if (isnan(value))
			text = "NaN";
		else if (isinf(value))
			text = value > 0 ? "Infinity" : "-Infinity";
		else
		{
			len = double_to_shortest_decimal_buf(value, buf);
			json_emit(out, buf, len, quoted);
			return;
		}
		if (as_json)
			json_write_string(out, text, strlen(text), quoted);
		else
			json_emit(out, text, strlen(text), quoted);
	}
}

/* Append obj as compact JSON. */
static void
json_write_value(StringInfo out, json_object *obj, bool quoted)
{
	switch (json_kind_of(obj))
	{
		case JKIND_MISSING:
		case JKIND_NULL:
			json_emit(out, "null", 4, quoted);
			break;
		case JKIND_BOOL:
			if (json_object_get_boolean(obj))
				json_emit(out, "true", 4, quoted);
			else
				json_emit(out, "false", 5, quoted);
			break;
		case JKIND_NUMBER:
			json_write_number(out, obj, true, quoted);
			break;
		case JKIND_STRING:
			json_write_string(out, json_object_get_string(obj),
							  (size_t) json_object_get_string_len(obj), quoted);
			break;
		case JKIND_OBJECT:
			{
				struct json_object_iterator it = json_object_iter_begin(obj);
				struct json_object_iterator end = json_object_iter_end(obj);
				bool		first = true;

				json_emit(out, "{", 1, quoted);
				while (!json_object_iter_equal(&it, &end))
				{
					const char *key = json_object_iter_peek_name(&it);

					if (!first)
						json_emit(out, ",", 1, quoted);
					first = false;
					json_write_string(out, key, strlen(key), quoted);
					json_emit(out, ":", 1, quoted);
					json_write_value(out, json_object_iter_peek_value(&it),
									 quoted);
					json_object_iter_next(&it);
				}
				json_emit(out, "}", 1, quoted);
			}
			break;
		case JKIND_ARRAY:
			{
				size_t		n = json_object_array_length(obj);
				size_t		i;

				json_emit(out, "[", 1, quoted);
				for (i = 0; i < n; i++)
				{
					if (i > 0)
						json_emit(out, ",", 1, quoted);
					json_write_value(out, json_object_array_get_idx(obj, i),
									 quoted);
				}
				json_emit(out, "]", 1, quoted);
			}
			break;
	}
}

/* Append obj as text: strings bare, objects and arrays as JSON. */
static void
json_write_text(StringInfo out, json_object *obj)
{
	switch (json_kind_of(obj))
	{
		case JKIND_MISSING:
		case JKIND_NULL:
			break;
		case JKIND_STRING:
			appendBinaryStringInfo(out, json_object_get_string(obj),
								   json_object_get_string_len(obj));
			break;
		case JKIND_NUMBER:
			json_write_number(out, obj, false, false);
			break;
		default:
			json_write_value(out, obj, false);
			break;
	}
}

/*
 * Append, as a JSON array, the values that steps reach from each element of
 * array.  Elements where the path leads nowhere are skipped; a further "[*]"
 * in steps gives a nested array.
 */
static void
json_write_mapped(StringInfo out, json_object *array, const JsonStep *steps,
				  int nsteps, bool quoted)
{
	size_t		n = json_object_array_length(array);
	size_t		i;
	bool		first = true;

	json_emit(out, "[", 1, quoted);
	for (i = 0; i < n; i++)
	{
		json_object *value = json_object_array_get_idx(array, i);
		int			taken = json_follow(&value, steps, nsteps);

		if (taken < 0)
			continue;
		if (taken < nsteps && value != NULL &&
			!json_object_is_type(value, json_type_array))
			continue;
		if (!first)
			json_emit(out, ",", 1, quoted);
		first = false;
		if (taken < nsteps && value != NULL)
			json_write_mapped(out, value, steps + taken + 1,
							  nsteps - taken - 1, quoted);
		else
			json_write_value(out, value, quoted);
	}
	json_emit(out, "]", 1, quoted);
}

/*
 * Append a PostgreSQL array literal of the values that steps reach from each
 * element of array (steps may be empty: the elements themselves).  Every
 * element is double-quoted, so no word or character needs special care but
 * '"' and '\'; JSON null is NULL; objects and arrays are their JSON text,
 * and so is every element if as_json (for an array of json or jsonb).
 */
static void
json_write_pg_array(StringInfo out, json_object *array, const JsonStep *steps,
					int nsteps, bool as_json)
{
	size_t		n = json_object_array_length(array);
	size_t		i;
	bool		first = true;

	appendStringInfoChar(out, '{');
	for (i = 0; i < n; i++)
	{
		json_object *value = json_object_array_get_idx(array, i);
		int			taken = json_follow(&value, steps, nsteps);

		if (taken < 0)
			continue;
		if (taken < nsteps && value != NULL &&
			!json_object_is_type(value, json_type_array))
			continue;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;

		if (json_kind_of(value) == JKIND_NULL)
		{
			appendStringInfoString(out, "NULL");
			continue;
		}
		appendStringInfoChar(out, '"');
		if (taken < nsteps)
			json_write_mapped(out, value, steps + taken + 1,
							  nsteps - taken - 1, true);
		else if (as_json)
			json_write_value(out, value, true);
		else if (json_kind_of(value) == JKIND_STRING)
			json_emit(out, json_object_get_string(value),
					  (size_t) json_object_get_string_len(value), true);
		else if (json_kind_of(value) == JKIND_NUMBER)
			json_write_number(out, value, false, true);
		else
			json_write_value(out, value, true);
		appendStringInfoChar(out, '"');
	}
	appendStringInfoChar(out, '}');
}

/*
 * Read the value at path in item and append it to out in the form output
 * asks for; return the kind of value found.
 *
 * out is not reset (the caller resets it).  Nothing is appended for
 * JKIND_MISSING (a step is absent or goes into the wrong kind of value) or
 * JKIND_NULL.  JOUT_PG_ARRAY and JOUT_PG_JSON_ARRAY append only for an
 * array (or a "[*]" path); for any other kind they append nothing and
 * return that kind, and the caller reports the mismatch.  A path with "[*]"
 * returns JKIND_ARRAY and writes the mapped values (missing ones skipped) as
 * a JSON array, or an array literal for those two; JKIND_NULL or
 * JKIND_MISSING if the value before the "[*]" is null, or absent or not an
 * array.
 *
 * out may contain NUL bytes (a string with \u0000, written as text); out->len
 * is exact.  Text is UTF-8 as the API sent it.
 */
SaasJsonKind
json_item_value(SaasJsonItem *item, const SaasJsonPath *path,
				SaasJsonOutput output, StringInfo out)
{
	json_object *value = (json_object *) item;
	int			taken = json_follow(&value, path->steps, path->nsteps);
	SaasJsonKind	kind;

	if (taken < 0)
		return JKIND_MISSING;

	if (taken < path->nsteps)
	{
		/* stopped at a [*] */
		const JsonStep *rest = path->steps + taken + 1;
		int			nrest = path->nsteps - taken - 1;

		if (value == NULL || json_object_is_type(value, json_type_null))
			return JKIND_NULL;
		if (!json_object_is_type(value, json_type_array))
			return JKIND_MISSING;
		if (output == JOUT_PG_ARRAY || output == JOUT_PG_JSON_ARRAY)
			json_write_pg_array(out, value, rest, nrest,
								output == JOUT_PG_JSON_ARRAY);
		else
			json_write_mapped(out, value, rest, nrest, false);
		return JKIND_ARRAY;
	}

	kind = json_kind_of(value);
	if (kind == JKIND_NULL)
		return kind;
	switch (output)
	{
		case JOUT_TEXT:
			json_write_text(out, value);
			break;
		case JOUT_JSON:
			json_write_value(out, value, false);
			break;
		case JOUT_PG_ARRAY:
		case JOUT_PG_JSON_ARRAY:
			if (kind == JKIND_ARRAY)
				json_write_pg_array(out, value, NULL, 0,
									output == JOUT_PG_JSON_ARRAY);
			break;
	}
	return kind;
}
