/*-------------------------------------------------------------------------
 *
 * json_adf.c
 *		  The plain text of an Atlassian Document Format document: Jira's
 *		  issue descriptions and comment bodies, read into a text column
 *		  (CONV_ADF_TEXT in service.h).
 *
 * ADF (Atlassian, "Atlassian Document Format": a tree of nodes {"type",
 * "content": [nodes], "text", "attrs"}) becomes its text: the "text" of
 * the text nodes, in document order; a node with content (a paragraph, a
 * heading, a list item, a code block) starts a new line; a hardBreak is a
 * newline; a mention, an emoji or a status gives its attrs.text.  Marks
 * (bold, links) add nothing.  A plain string (what older answers hold) is
 * its own text.
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

/* Begin a new line, unless out is empty or already ends one. */
static void
new_line(StringInfo out)
{
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		appendStringInfoChar(out, '\n');
}

/* The text of node (any JSON value) and the nodes under it, into out. */
static void
adf_node_text(StringInfo out, json_object *node, int depth)
{
	json_object *type;
	json_object *value;
	json_object *attrs;
	size_t		i;

	if (depth > ADF_MAX_DEPTH || !json_object_is_type(node, json_type_object))
		return;
	type = string_member(node, "type");
	if (type != NULL && strcmp(json_object_get_string(type), "hardBreak") == 0)
	{
		appendStringInfoChar(out, '\n');
		return;
	}
	if ((value = string_member(node, "text")) != NULL)
	{
		append_string(out, value);
		return;
	}
	if (json_object_object_get_ex(node, "attrs", &attrs) &&
		json_object_is_type(attrs, json_type_object) &&
		(value = string_member(attrs, "text")) != NULL)
	{
		append_string(out, value);	/* a mention, an emoji, a status */
		return;
	}
	if (!json_object_object_get_ex(node, "content", &value) ||
		!json_object_is_type(value, json_type_array))
		return;
	new_line(out);
	for (i = 0; i < json_object_array_length(value); i++)
		adf_node_text(out, json_object_array_get_idx(value, i), depth + 1);
}

/*
 * json_write_adf_text
 *		The plain text of doc, an ADF document (or a string), into out.
 */
void
json_write_adf_text(StringInfo out, json_object *doc)
{
	if (json_object_is_type(doc, json_type_string))
		append_string(out, doc);
	else
		adf_node_text(out, doc, 0);
}
