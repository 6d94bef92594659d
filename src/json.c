/*-------------------------------------------------------------------------
 *
 * json.c
 *		  Response bodies: the bounded parser and the documents it makes.
 *
 * - json-c's type "json_object" clashes with the SQL function json_object
 *	 that utils/builtins.h declares (through fmgrprotos.h).  The json*.c
 *	 files never include utils/builtins.h, and no other file includes
 *	 json-c: only the opaque types of json.h and plain C values cross.
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
 * - A SaasJsonItem is a borrowed pointer into the tree (the json-c object
 *	 itself).  It is valid until the doc is freed.  A JSON null (a body that
 *	 is just null) is a NULL SaasJsonItem; a list item is always an object,
 *	 or, for a resource whose items are scalar values (scalar_items in
 *	 service.h), always a string, number or boolean.
 *
 * - json-c 0.16 clamps integers beyond the 64-bit range without telling
 *	 us, so a body that has such an integer is parsed again with
 *	 BIG_INTEGER_MARK after it (json_mark_big_integers): json-c reads that
 *	 as a double and keeps its text, and json_number_text_len takes the
 *	 mark off again.  From json-c 0.17 on the strict parser refuses such
 *	 an integer instead: then the marked copy is the one parsed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "json_internal.h"

/* Deepest nesting of arrays and objects accepted in a response. */
#define JSON_MAX_DEPTH 64

struct SaasJsonDoc
{
	json_object *root;			/* NULL for a body that is JSON null */
	json_object *items;			/* the array json_doc_items found */
	int			nitems;
	bool		scalar_items;	/* the items are strings, numbers or
								 * booleans, not objects */
	bool		released;		/* json_doc_free ran (or the context reset) */
	MemoryContextCallback callback;
};

static void json_doc_release(void *arg);
static SaasJsonDoc *json_doc_parse_internal(const char *body, size_t len,
											bool raise);
static json_object *json_parse_body(const char *body, size_t len,
									size_t *end, const char **problem);
static char *json_mark_big_integers(const char *body, size_t len,
									size_t *marked_len);

/* ----------------------------------------------------------------
 *		Documents
 * ----------------------------------------------------------------
 */

/*
 * json_doc_parse
 *		Parse a response body.  On malformed input raise an error with
 *		ERRCODE_FDW_INVALID_DATA_TYPE (HV004): the API's reply is not data
 *		of the kind the wrapper can read.  That SQLSTATE is also used when
 *		the item array is missing, so "the API sent something unreadable" is
 *		one class.
 *
 * The doc is palloc'd in CurrentMemoryContext and its json-c tree is
 * freed with that context (or by json_doc_free).
 */
SaasJsonDoc *
json_doc_parse(const char *body, size_t len)
{
	return json_doc_parse_internal(body, len, true);
}

/*
 * json_doc_try_parse
 *		Parse a body that may well not be JSON (an error page); NULL if it
 *		is not.
 *
 * The doc is palloc'd in CurrentMemoryContext and its json-c tree is
 * freed with that context (or by json_doc_free).
 */
SaasJsonDoc *
json_doc_try_parse(const char *body, size_t len)
{
	return json_doc_parse_internal(body, len, false);
}

/*
 * json_is_space
 *		Whitespace as JSON defines it (RFC 8259).
 */
static inline bool
json_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * json_doc_parse_internal
 *		Parse a response body; raise if it is not JSON when raise, else
 *		return NULL.
 */
static SaasJsonDoc *
json_doc_parse_internal(const char *body, size_t len, bool raise)
{
	SaasJsonDoc *doc;
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
	marked = json_mark_big_integers(body ? body : "", len, &marked_len);
	if (problem != NULL && marked != NULL)
	{
		size_t		marked_end;
		const char *marked_problem;
		json_object *marked_root;

		/*
		 * From json-c 0.17 on the strict parser refuses an integer beyond
		 * 64 bits (0.16 clamps it): read it marked.  If the marked copy
		 * fails too, the error is the body's own.
		 */
		marked_root = json_parse_body(marked, marked_len, &marked_end, &marked_problem);
		if (marked_problem == NULL)
		{
			root = marked_root;
			problem = NULL;
		}
		pfree(marked);
		marked = NULL;
	}
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

/* Is every byte of body ASCII? */
static bool
json_is_ascii(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char) body[i] > 0x7f)
			return false;
	return true;
}

/*
 * json_parse_body
 *		Parse body (len bytes) with json-c: strict (but see
 *		json_strict_rejects_utf8), nesting bounded, UTF-8 checked.  Returns
 *		the tree (NULL for JSON null), malloc'd; on failure returns NULL,
 *		sets *problem to json-c's words and *end to where it stopped.
 *
 * The caller owns the tree and frees it with json_object_put.
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
	if (pg_encoding_verifymbstr(PG_UTF8, body, (int) len) != (int) len)
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	else if (json_strict_rejects_utf8() && !json_is_ascii(body, len))
		json_tokener_set_flags(tok, 0); /* valid UTF-8, see the function */
	else
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);

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
 * json_integer_is_big
 *		Are the digits (ndigits of them, no sign) of an integer beyond what
 *		json-c holds exactly: above UINT64_MAX, or below INT64_MIN if
 *		negative?  The digits have no leading zero (strict JSON).
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
 * json_mark_big_integers
 *		A copy of body (valid JSON) in which every integer json-c would
 *		clamp has BIG_INTEGER_MARK after it, with its length in *marked_len;
 *		NULL (no copy) if there is none.  Integers that long are rare: a
 *		body without a run of 19 digits (the shortest such integer,
 *		negative) is not looked at further.
 *
 * The copy is palloc'd in CurrentMemoryContext.
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
 * json_number_text_len
 *		The length of a number's text as the API sent it: text less the
 *		marker json_mark_big_integers put after a big integer.  (A big
 *		integer the API itself wrote with "e0" loses it: the same number, in
 *		fewer characters.)
 */
size_t
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

/*
 * json_doc_release
 *		Memory context reset callback, and the body of json_doc_free.
 */
static void
json_doc_release(void *arg)
{
	SaasJsonDoc *doc = (SaasJsonDoc *) arg;

	if (doc->released)
		return;
	doc->released = true;
	json_object_put(doc->root);
	doc->root = NULL;
	doc->items = NULL;
	doc->nitems = 0;
}

/*
 * json_doc_free
 *		Release the json-c tree now.  The SaasJsonDoc itself stays allocated
 *		(its reset callback is registered in its context) but may not be
 *		used again.
 */
void
json_doc_free(SaasJsonDoc *doc)
{
	if (doc != NULL)
		json_doc_release(doc);
}

/*
 * json_doc_check
 *		Raise if doc was freed (or is NULL): a bug, never the API's doing.
 */
static inline void
json_doc_check(const SaasJsonDoc *doc)
{
	if (doc == NULL || doc->released)
		elog(ERROR, "JSON document used after it was freed");
}

/*
 * json_path_where
 *		How to name a path in a message: "" is the response itself.
 *
 * The result is a constant or palloc'd in CurrentMemoryContext.
 */
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
 * json_doc_items
 *		Find the array of items at path items_at and return its length; the
 *		items are then read with json_doc_item, as objects or, with
 *		scalar_items, as scalar values.  Raise an error if there is no array.
 */
int
json_doc_items(SaasJsonDoc *doc, const SaasJsonPath *items_at,
			   bool scalar_items)
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
	doc->scalar_items = scalar_items;
	return doc->nitems;
}

/*
 * json_doc_item
 *		The index-th item of the array json_doc_items found.  Items are
 *		objects, or with scalar_items strings, numbers or booleans: anything
 *		else in the list is an error, never a row of nulls.
 *
 * The item is borrowed from doc: valid until doc is freed.
 */
SaasJsonItem *
json_doc_item(SaasJsonDoc *doc, int index)
{
	json_object *item;
	SaasJsonKind kind;

	json_doc_check(doc);
	if (doc->items == NULL)
		elog(ERROR, "json_doc_item called before json_doc_items");
	if (index < 0 || index >= doc->nitems)
		elog(ERROR, "item %d is out of range (the page has %d items)",
			 index, doc->nitems);
	item = json_object_array_get_idx(doc->items, (size_t) index);
	kind = json_kind_of(item);
	/* a string or a null is no row: its columns would all read as null */
	if (!doc->scalar_items && kind != JKIND_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("API response has an item that is not an object"),
				 errdetail("Item %d of the list is %s.", index + 1,
						   json_kind_name(kind)),
				 errhint("%s", wrong_api_hint)));
	/* nor is a null, an object or an array in a list of values */
	if (doc->scalar_items && kind != JKIND_STRING &&
		kind != JKIND_NUMBER && kind != JKIND_BOOL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("API response has an item that is not a single value"),
				 errdetail("Item %d of the list is %s.", index + 1,
						   json_kind_name(kind)),
				 errhint("%s", wrong_api_hint)));
	return (SaasJsonItem *) item;
}

/*
 * json_doc_object
 *		The object at path at of the document (the whole document for an
 *		empty path), for an endpoint that answers with one object: anything
 *		else is an error, never a row of nulls.
 *
 * The item is borrowed from doc: valid until doc is freed.
 */
SaasJsonItem *
json_doc_object(SaasJsonDoc *doc, const SaasJsonPath *at)
{
	json_object *object;

	json_doc_check(doc);
	object = doc->root;
	if (json_follow(&object, at->steps, at->nsteps) < 0)
		object = NULL;			/* nothing there: reported as null */
	if (!json_object_is_type(object, json_type_object))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("API response is not an object"),
				 at->nsteps == 0 ?
				 errdetail("The response is %s, not an object.",
						   json_kind_name(json_kind_of(object))) :
				 errdetail("The value at %s of the response is %s, not an object.",
						   json_path_where(at), json_kind_name(json_kind_of(object))),
				 errhint("%s", wrong_api_hint)));
	return (SaasJsonItem *) object;
}

/*
 * json_doc_root
 *		The whole document as an item (NULL if the body is JSON null).
 *
 * The item is borrowed from doc: valid until doc is freed.
 */
SaasJsonItem *
json_doc_root(SaasJsonDoc *doc)
{
	json_doc_check(doc);
	return (SaasJsonItem *) doc->root;
}
