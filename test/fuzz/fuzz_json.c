/*-------------------------------------------------------------------------
 *
 * fuzz_json.c
 *		  libFuzzer target for src/json*.c: a response body off the network,
 *		  read the way scans and error reports read it.
 *
 * Input: a first line holding a JSON path (what a user may write in a
 * column's "path" option), then the body.  Without a newline the whole
 * input is the body.
 *
 * With the body it does what saas_fdw does: json_doc_try_parse (error
 * pages) and json_doc_parse (pages); json_doc_items at every items_at of
 * every resource, as objects and as scalar values (scalar_items); then
 * json_item_value, in all three output forms, on the root and on every
 * item, for every path the service descriptions name (items, cursors, "has
 * more" flags, error messages, ok flags, columns, expandable ids, and the
 * fixed paths api_error.c reads in an error body) and for the input's own
 * path.
 *
 * What must hold, besides no crash, no sanitizer report and no leak:
 * - the two parse functions agree, and a refused body raises SQLSTATE HV004;
 * - a path compiles, or raises 22023;
 * - json_doc_items and json_doc_item raise only HV004 (an item that is
 *	 not an object, or not a scalar value, ends the page, as it ends a
 *	 scan); nothing else raises;
 * - nothing is written for a missing or null value, nor as an array
 *	 literal for a value that is not an array;
 * - JSON output parses again (strictly); an array literal is well formed
 *	 (what array_in needs); strtod reads all of the text of a number.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>
#include <stdlib.h>

#include "lib/stringinfo.h"
#include "utils/errcodes.h"

#include "json.h"
#include "service.h"
#include "pg_shim.h"

/* Most items of a page read per input (keeps each run quick). */
#define FUZZ_MAX_ITEMS 64

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every path the service descriptions name, compiled for each input. */
static SaasJsonPath *known_paths[512];
static int	nknown_paths;
static SaasJsonPath *item_paths[32];	/* the distinct items_at */
static int	nitem_paths;

static void
add_path(SaasJsonPath **paths, int *npaths, int max_paths, const char *text)
{
	int			i;

	if (text == NULL)
		return;
	for (i = 0; i < *npaths; i++)
		if (strcmp(json_path_text(paths[i]), text) == 0)
			return;
	if (*npaths >= max_paths)
		fuzz_fail("more paths in the service descriptions than fuzz_json.c holds",
				  text);
	paths[(*npaths)++] = json_path_compile(text);
}

#define ADD_KNOWN(text) \
	add_path(known_paths, &nknown_paths, lengthof(known_paths), (text))

/*
 * As convert.c and scan.c do when a scan starts, and api_error.c when it
 * reads an error body (its fixed paths are listed here).
 */
static void
compile_known_paths(void)
{
	static const char *const error_paths[] = {
		"message", "error.message", "error_description", "error",
		"error.code", "code", "error.param", "param", "errors", NULL
	};
	const char *const *error_path;
	const ServiceSpec *const *service;

	nknown_paths = 0;
	nitem_paths = 0;
	for (error_path = error_paths; *error_path != NULL; error_path++)
		ADD_KNOWN(*error_path);
	for (service = service_all(); *service != NULL; service++)
	{
		const ResourceSpec *resource;

		ADD_KNOWN((*service)->error_message_at);
		ADD_KNOWN((*service)->ok_flag_at);
		ADD_KNOWN((*service)->errors_at);
		ADD_KNOWN((*service)->error_code_at);
		for (resource = (*service)->resources; resource->table; resource++)
		{
			const ColumnSpec *column;

			add_path(item_paths, &nitem_paths, lengthof(item_paths),
					 resource->items_at);
			ADD_KNOWN(resource->cursor_at);
			ADD_KNOWN(resource->has_more_at);
			ADD_KNOWN(resource->identity_at);
			for (column = resource->columns; column->name; column++)
			{
				ADD_KNOWN(column->path);
				if (column->conv == CONV_EXPANDABLE_ID)
					ADD_KNOWN(psprintf("%s.id", column->path));
			}
		}
	}
}

/* A PostgreSQL array literal as json.c writes one: {"..." or NULL, ...}. */
static bool
pg_array_literal_ok(const char *s, int len)
{
	int			i = 1;

	if (len < 2 || s[0] != '{' || s[len - 1] != '}')
		return false;
	if (len == 2)
		return true;
	for (;;)
	{
		if (len - i >= 4 && memcmp(s + i, "NULL", 4) == 0)
			i += 4;
		else if (s[i] == '"')
		{
			for (i++; i < len && s[i] != '"'; i++)
			{
				if (s[i] == '\\')
				{
					i++;
					if (i >= len || (s[i] != '"' && s[i] != '\\'))
						return false;
				}
			}
			if (i >= len)
				return false;
			i++;
		}
		else
			return false;
		if (i == len - 1)
			return true;
		if (i >= len || s[i] != ',')
			return false;
		i++;
	}
}

/* Read one value in every output form and check what was written. */
static void
read_value(SaasJsonItem *item, const SaasJsonPath *path)
{
	static const SaasJsonOutput outputs[] = {
		JOUT_TEXT, JOUT_JSON, JOUT_PG_ARRAY, JOUT_PG_JSON_ARRAY, JOUT_ADF_TEXT
	};
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	for (i = 0; i < lengthof(outputs); i++)
	{
		SaasJsonKind	kind;

		resetStringInfo(&out);
		kind = json_item_value(item, path, outputs[i], &out);

		if ((kind == JKIND_MISSING || kind == JKIND_NULL) && out.len > 0)
			fuzz_fail("a missing or null value wrote output", out.data);
		if (out.len == 0)
			continue;
		switch (outputs[i])
		{
			case JOUT_TEXT:
				if (kind == JKIND_NUMBER)
				{
					char	   *end;

					(void) strtod(out.data, &end);
					if (end != out.data + out.len)
						fuzz_fail("number text is not a number", out.data);
				}
				break;
			case JOUT_JSON:
				if (json_doc_try_parse(out.data, out.len) == NULL)
					fuzz_fail("JSON output does not parse", out.data);
				break;
			case JOUT_PG_ARRAY:
			case JOUT_PG_JSON_ARRAY:
				if (kind != JKIND_ARRAY)
					fuzz_fail("array literal written for a non-array", out.data);
				if (!pg_array_literal_ok(out.data, out.len))
					fuzz_fail("malformed array literal", out.data);
				break;
			case JOUT_ADF_TEXT:
				/*
				 * any value, a document or not, reads as a string; through a
				 * [*] step, the values as for JOUT_TEXT
				 */
				if (kind != JKIND_STRING && kind != JKIND_ARRAY)
					fuzz_fail("ADF text of a value read as another kind", out.data);
				break;
		}
	}
	pfree(out.data);
}

static void
read_all(SaasJsonItem *item, SaasJsonPath *own_path)
{
	int			i;

	for (i = 0; i < nknown_paths; i++)
		read_value(item, known_paths[i]);
	if (own_path != NULL)
		read_value(item, own_path);
}

/* In a PG_CATCH: the error raised must have SQLSTATE sqlerrcode. */
static void
expect_sqlstate(int sqlerrcode, const char *what)
{
	if (fuzz_last_error()->sqlerrcode != sqlerrcode)
		fuzz_fail(what, fuzz_last_error()->message);
}

/* The input's path line: it compiles, or raises 22023. */
static SaasJsonPath *
compile_own_path(const char *text)
{
	SaasJsonPath *volatile compiled = NULL;

	PG_TRY();
	{
		compiled = json_path_compile(text);
	}
	PG_CATCH();
	{
		expect_sqlstate(ERRCODE_INVALID_PARAMETER_VALUE,
						"path compilation raised an unexpected error");
	}
	PG_END_TRY();
	if (compiled != NULL && strcmp(json_path_text(compiled), text) != 0)
		fuzz_fail("compiled path lost its text", text);
	return compiled;
}

/* json_doc_parse, which must raise HV004 exactly when try_parse refuses. */
static SaasJsonDoc *
parse_page(const char *body, size_t len)
{
	SaasJsonDoc *volatile doc = NULL;
	bool		refused = (json_doc_try_parse(body, len) == NULL);

	PG_TRY();
	{
		doc = json_doc_parse(body, len);
	}
	PG_CATCH();
	{
		expect_sqlstate(ERRCODE_FDW_INVALID_DATA_TYPE,
						"parsing raised an unexpected error");
	}
	PG_END_TRY();
	if (refused != (doc == NULL))
		fuzz_fail("json_doc_try_parse and json_doc_parse disagree", NULL);
	return doc;
}

/* The items at items_at, as a scan reads them; -1 if it raised HV004. */
static int
find_items(SaasJsonDoc *doc, const SaasJsonPath *items_at, bool scalar_items)
{
	volatile int nitems = -1;

	PG_TRY();
	{
		nitems = json_doc_items(doc, items_at, scalar_items);
	}
	PG_CATCH();
	{
		expect_sqlstate(ERRCODE_FDW_INVALID_DATA_TYPE,
						"finding the items raised an unexpected error");
	}
	PG_END_TRY();
	return nitems;
}

/* Item index as a scan gets it; NULL if it raised HV004 (the scan ends). */
static SaasJsonItem *
get_item(SaasJsonDoc *doc, int index)
{
	SaasJsonItem   *volatile item = NULL;

	PG_TRY();
	{
		item = json_doc_item(doc, index);
	}
	PG_CATCH();
	{
		expect_sqlstate(ERRCODE_FDW_INVALID_DATA_TYPE,
						"reading an item raised an unexpected error");
	}
	PG_END_TRY();
	return item;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *newline = memchr(data, '\n', size);
	const char *body = (const char *) data;
	size_t		body_len = size;
	SaasJsonPath *own_path = NULL;
	SaasJsonDoc *doc;
	int			i;
	int			j;

	compile_known_paths();
	if (newline != NULL)
	{
		size_t		path_len = newline - body;
		char	   *text = palloc(path_len + 1);

		memcpy(text, body, path_len);
		text[path_len] = '\0';	/* a NUL in the line ends the path early */
		own_path = compile_own_path(text);
		body = newline + 1;
		body_len = size - path_len - 1;
	}

	/*
	 * The body in a buffer of its exact size, so that any read past its end
	 * is caught (http.c adds a NUL after the body; json.c must not need it).
	 */
	{
		char	   *copy = malloc(body_len ? body_len : 1);

		memcpy(copy, body, body_len);
		doc = parse_page(copy, body_len);
		if (doc != NULL)
		{
			read_all(json_doc_root(doc), own_path);
			for (i = 0; i < nitem_paths * 2; i++)
			{
				/* each items_at read as objects, then as scalar values */
				int			nitems = find_items(doc, item_paths[i / 2], i % 2 == 1);

				for (j = 0; j < nitems && j < FUZZ_MAX_ITEMS; j++)
				{
					SaasJsonItem   *item = get_item(doc, j);

					if (item == NULL)
						break;
					read_all(item, own_path);
				}
			}
			json_doc_free(doc);
		}
		free(copy);
	}
	fuzz_reset_memory();
	return 0;
}
