/*-------------------------------------------------------------------------
 *
 * api_text.c
 *		  Make text from the network fit to show in a message: the words of
 *		  an API's error answer, or the first bytes of a body that is not
 *		  JSON, as api_error.c puts them in DETAIL.
 *
 * The text is hostile: any bytes, of any length, NULs included.  What comes
 * out is one line of printable text: control characters (C0, DEL and, in
 * UTF-8, the C1 controls U+0080..U+009F) and runs of whitespace become one
 * space (none at either end), bytes that are not valid UTF-8 become '?'
 * (every byte that is not ASCII, when the database is not UTF-8), and if it
 * does not fit in max_bytes it is cut at a character boundary after as much
 * as fits, marked with API_TEXT_CUT_MARK.  Clean text that fits comes out
 * unchanged.  The caller says whether the database is UTF-8, so this needs
 * nothing from the backend but palloc, and test/fuzz builds it as it is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"

#include "api_text.h"

/*
 * The first len bytes of s made fit to show, palloc'd and NUL-terminated:
 * at most max_bytes, plus API_TEXT_CUT_MARK if it was cut.  utf8 says
 * whether the database encoding is UTF-8.
 */
char *
api_text_sanitize(const char *s, size_t len, size_t max_bytes, bool utf8)
{
	StringInfoData out;
	bool		pending_space = false;
	size_t		i = 0;

	initStringInfo(&out);
	while (i < len)
	{
		unsigned char c = (unsigned char) s[i];
		size_t		piece = 1;
		const char *text = s + i;
		bool		space;

		if (c < 0x20 || c == 0x7f || c == ' ')
		{
			pending_space = true;
			i++;
			continue;
		}
		if (c >= 0x80)
		{
			int			mblen = pg_utf_mblen((const unsigned char *) s + i);

			if (utf8 && mblen > 1 && (size_t) mblen <= len - i &&
				pg_utf8_islegal((const unsigned char *) s + i, mblen))
			{
				/* the C1 controls, U+0080..U+009F, are control characters */
				if (c == 0xC2 && (unsigned char) s[i + 1] < 0xA0)
				{
					pending_space = true;
					i += mblen;
					continue;
				}
				piece = mblen;
			}
			else
				text = "?";
		}
		/* no space before the first character */
		space = pending_space && out.len > 0;
		if ((size_t) out.len + (space ? 1 : 0) + piece > max_bytes)
		{
			appendStringInfoString(&out, API_TEXT_CUT_MARK);
			break;
		}
		if (space)
			appendStringInfoChar(&out, ' ');
		pending_space = false;
		appendBinaryStringInfo(&out, text, (text == s + i) ? (int) piece : 1);
		i += piece;
	}
	return out.data;
}
