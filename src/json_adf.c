/*-------------------------------------------------------------------------
 *
 * json_adf.c
 *		  The plain text of an Atlassian Document Format document: Jira's
 *		  issue descriptions and comment bodies, read into a text column
 *		  (CONV_ADF_TEXT in service.h).
 *
 * ADF (Atlassian, "Atlassian Document Format": a tree of nodes {"type",
 * "content": [nodes], "text", "attrs"}) becomes its text: the "text" of
 * the text nodes, in document order; the text of a node with content (a
 * paragraph, a heading, a list item, a code block) starts a new line, and a
 * paragraph with no text is an empty line; a hardBreak is a newline; a
 * mention, an emoji or a status gives its attrs.text.  Marks (bold, links)
 * add nothing.  A plain string (what older answers hold) is its own text.
 *
 * Invariant: the text of a document adf_write.c made of a text is that
 * text (one paragraph per line, "\r" before "\n" aside), so a value
 * written reads back the same.  Lines are therefore joined, not ended: a
 * block only asks for a line break, given before the next text (nested
 * blocks ask once), and none comes before the first line.
 *
 * A document is hostile: any part may be malformed (a node that is not an
 * object, content that is not an array, text that is not a string).  Such
 * parts are skipped, never an error, and the walk stops ADF_MAX_DEPTH
 * levels down (the parser already refuses deeper JSON: json.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "json_internal.h"

#define ADF_MAX_DEPTH 64

/* The string member name of obj (an object), or NULL. */
static json_object *
string_member(json_object *obj, const char *name)
{
	json_object *value;

	if (!json_object_object_get_ex(obj, name, &value) ||
		!json_object_is_type(value, json_type_string))
		return NULL;
	return value;
}

static void
append_string(StringInfo out, json_object *string)
{
	appendBinaryStringInfo(out, json_object_get_string(string),
						   json_object_get_string_len(string));
}

/* The walk's output and where it stands. */
typedef struct AdfText
{
	StringInfo	out;
	bool		started;		/* a line has been begun */
	bool		break_pending;	/* a block began: its text starts a line */
	int			pieces;			/* pieces of text begun so far */
} AdfText;

/* Before text: the line break a block asked for, if a line came before. */
static void
begin_text(AdfText *text)
{
	if (text->break_pending && text->started)
		appendStringInfoChar(text->out, '\n');
	text->break_pending = false;
	text->started = true;
	text->pieces++;
}

/* The text of node (any JSON value) and the nodes under it, into text. */
static void
adf_node_text(AdfText *text, json_object *node, int depth)
{
	json_object *type;
	json_object *value;
	json_object *attrs;
	bool		is_paragraph;
	int			pieces;
	size_t		i;

	if (depth > ADF_MAX_DEPTH || !json_object_is_type(node, json_type_object))
		return;
	type = string_member(node, "type");
	if (type != NULL && strcmp(json_object_get_string(type), "hardBreak") == 0)
	{
		begin_text(text);
		appendStringInfoChar(text->out, '\n');
		return;
	}
	if ((value = string_member(node, "text")) != NULL)
	{
		begin_text(text);
		append_string(text->out, value);
		return;
	}
	if (json_object_object_get_ex(node, "attrs", &attrs) &&
		json_object_is_type(attrs, json_type_object) &&
		(value = string_member(attrs, "text")) != NULL)
	{
		begin_text(text);
		append_string(text->out, value);	/* a mention, an emoji, a status */
		return;
	}
	is_paragraph = type != NULL &&
		strcmp(json_object_get_string(type), "paragraph") == 0;
	pieces = text->pieces;
	if (json_object_object_get_ex(node, "content", &value) &&
		json_object_is_type(value, json_type_array))
	{
		text->break_pending = true;
		for (i = 0; i < json_object_array_length(value); i++)
			adf_node_text(text, json_object_array_get_idx(value, i), depth + 1);
	}
	/* a paragraph with no text in it is an empty line */
	if (is_paragraph && text->pieces == pieces)
	{
		text->break_pending = true;
		begin_text(text);
	}
}

/*
 * json_write_adf_text
 *		The plain text of doc, an ADF document (or a string), into out.
 */
void
json_write_adf_text(StringInfo out, json_object *doc)
{
	AdfText		text = {out, false, false, 0};

	if (json_object_is_type(doc, json_type_string))
		append_string(out, doc);
	else
		adf_node_text(&text, doc, 0);
}
