/*-------------------------------------------------------------------------
 *
 * adf_write.c
 *		  Write plain text as an Atlassian Document Format (ADF) document,
 *		  the rich text Jira Cloud's REST API v3 takes for an issue's
 *		  description and a comment's body (shared API digest, section 4.1
 *		  "Data formats").
 *
 * The document is {"type":"doc","version":1,"content":[...]}: one
 * paragraph per line of the text (a line ends at "\n", a "\r" before it
 * dropped), each holding one text node; an empty line is a paragraph with
 * no content, since ADF allows no empty text node.  No mark (bold, links)
 * is made: the text is sent as it is written.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/json.h"

#include "adf_write.h"

/*
 * adf_append_text
 *		Append the document of text (UTF-8) to out, as JSON.
 */
void
adf_append_text(StringInfo out, const char *text)
{
	const char *line = text;
	bool		first = true;

	appendStringInfoString(out, "{\"type\":\"doc\",\"version\":1,\"content\":[");
	while (*text != '\0')
	{
		const char *end = strchr(line, '\n');
		size_t		len = end ? (size_t) (end - line) : strlen(line);

		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		appendStringInfoString(out, "{\"type\":\"paragraph\"");
		if (len > 0)
		{
			appendStringInfoString(out, ",\"content\":[{\"type\":\"text\",\"text\":");
			escape_json(out, pnstrdup(line, len));
			appendStringInfoString(out, "}]");
		}
		appendStringInfoChar(out, '}');
		if (end == NULL)
			break;
		line = end + 1;
	}
	appendStringInfoString(out, "]}");
}
