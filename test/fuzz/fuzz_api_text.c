/*-------------------------------------------------------------------------
 *
 * fuzz_api_text.c
 *		  libFuzzer target for src/api_text.c: an API's words or the start
 *		  of a body off the network, made fit to show in an error's DETAIL.
 *
 * The input is the text, handed over not NUL-terminated in a buffer of its
 * exact size.  It is sanitized for a UTF-8 database and for one that is
 * not, with a limit large enough never to cut ("the whole") and with every
 * small limit, api_error.c's 200 and a few around the input's length.
 *
 * What must hold, besides no crash, no sanitizer report and no leak:
 * - the output is valid UTF-8 (ASCII only when the database is not
 *	 UTF-8), checked here and by PostgreSQL's own pg_encoding_verifymbstr;
 *	 it has no control character (C0, DEL, or C1 U+0080..U+009F), no
 *	 space at either end and no two spaces in a row;
 * - the whole is at most as long as the input, and sanitizing it again
 *	 changes nothing;
 * - clean text (valid UTF-8, or ASCII for another database, without
 *	 control characters, single spaces, none at either end) comes out
 *	 unchanged;
 * - with a limit: the output is the whole if the whole fits; else it is a
 *	 prefix of the whole that fits the limit, followed by the cut mark, and
 *	 the next character of the whole (with its space) would not have fit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>
#include <stdlib.h>

#include "mb/pg_wchar.h"

#include "api_text.h"
#include "pg_shim.h"

/* api_error.c's API_TEXT_MAX and API_BODY_MAX */
#define API_ERROR_MAX	200

/* every limit from 0 to this one is tried */
#define SMALL_LIMITS	24

#define CUT_MARK_LEN	(sizeof(API_TEXT_CUT_MARK) - 1)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The length of the well-formed UTF-8 character at s (at most len bytes),
 * its code point in *cp; 0 if there is none (RFC 3629: no overlong form, no
 * surrogate, nothing above U+10FFFF).
 */
static int
utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
	int			n;
	uint32_t	c;
	int			k;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
	{
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if ((size_t) n > len)
		return 0;
	for (k = 1; k < n; k++)
	{
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
		(c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	*cp = c;
	return n;
}

/* A Unicode control character (general category Cc)? */
static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*
 * Is s (len bytes) clean: well-formed (UTF-8, or ASCII if !utf8), without
 * control characters, with single spaces and none at either end?  That is
 * what the sanitizer must give, and leave as it is.
 */
static bool
is_clean(const char *s, size_t len, bool utf8)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;

	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
		return false;
	while (i < len)
	{
		uint32_t	cp;
		int			n = utf8_char(u + i, len - i, &cp);

		if (n == 0 || (!utf8 && n > 1) || is_control(cp))
			return false;
		if (cp == ' ' && s[i + 1] == ' ')
			return false;
		i += n;
	}
	return true;
}

/* The output's own checks, whatever the limit. */
static void
check_output(const char *out, size_t out_len, bool utf8)
{
	if (!is_clean(out, out_len, utf8))
		fuzz_fail(utf8 ? "output is not clean UTF-8 text" :
				  "output is not clean ASCII text", out);
	if ((size_t) pg_encoding_verifymbstr(PG_UTF8, out, (int) out_len) != out_len)
		fuzz_fail("pg_encoding_verifymbstr refuses the output", out);
}

/* Sanitize with a limit; check it against the whole (the output without one). */
static void
check_limit(const char *value, size_t len, bool utf8, size_t max_bytes,
			const char *whole, size_t whole_len)
{
	char	   *out = api_text_sanitize(value, len, max_bytes, utf8);
	size_t		out_len = strlen(out);
	size_t		kept;
	size_t		next;
	uint32_t	cp;
	int			n;

	if (whole_len <= max_bytes)
	{
		if (strcmp(out, whole) != 0)
			fuzz_fail("cut although the whole fits the limit", out);
		pfree(out);
		return;
	}

	if (out_len < CUT_MARK_LEN ||
		strcmp(out + out_len - CUT_MARK_LEN, API_TEXT_CUT_MARK) != 0)
		fuzz_fail("cut without the cut mark", out);
	kept = out_len - CUT_MARK_LEN;
	if (kept > max_bytes)
		fuzz_fail("more than the limit kept", out);
	if (memcmp(out, whole, kept) != 0)
		fuzz_fail("what is kept is not the start of the whole", out);
	/* kept ends at a character boundary of the whole */
	check_output(out, kept, utf8);

	/* the next character (after its space, if any) would not have fit */
	next = kept;
	if (whole[next] == ' ' && kept > 0)
		next++;
	n = utf8_char((const unsigned char *) whole + next, whole_len - next, &cp);
	if (n == 0)
		fuzz_fail("the whole goes on with a space or nothing after the cut", out);
	if (next + n <= max_bytes)
		fuzz_fail("cut before a character that fits the limit", out);
	pfree(out);
}

static void
check_encoding(const char *value, size_t len, bool utf8)
{
	char	   *whole = api_text_sanitize(value, len, len, utf8);
	size_t		whole_len = strlen(whole);
	char	   *again;
	size_t		max_bytes;

	check_output(whole, whole_len, utf8);
	if (whole_len > len)
		fuzz_fail("the whole is longer than the input", whole);
	if (is_clean(value, len, utf8) && (whole_len != len ||
									  memcmp(whole, value, len) != 0))
		fuzz_fail("clean text changed", whole);
	again = api_text_sanitize(whole, whole_len, whole_len, utf8);
	if (strcmp(again, whole) != 0)
		fuzz_fail("sanitizing the output again changes it", again);
	pfree(again);

	for (max_bytes = 0; max_bytes <= SMALL_LIMITS; max_bytes++)
		check_limit(value, len, utf8, max_bytes, whole, whole_len);
	check_limit(value, len, utf8, API_ERROR_MAX, whole, whole_len);
	for (max_bytes = (whole_len > 4) ? whole_len - 4 : 0;
		 max_bytes <= whole_len + 1; max_bytes++)
		check_limit(value, len, utf8, max_bytes, whole, whole_len);
	pfree(whole);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *value = malloc(size ? size : 1);

	memcpy(value, data, size);
	check_encoding(value, size, true);
	check_encoding(value, size, false);
	free(value);
	fuzz_reset_memory();
	return 0;
}
