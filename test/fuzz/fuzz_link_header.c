/*-------------------------------------------------------------------------
 *
 * fuzz_link_header.c
 *		  libFuzzer target for src/link_header.c: the value of a Link
 *		  header off the network (GitHub's next and last page addresses).
 *
 * The value is handed over as curl does, not NUL-terminated, in a buffer of
 * its exact size.  It is searched for rel="next" and for rel="last", each
 * with a target buffer of the size http.c uses and with a small one.
 *
 * What must hold, besides no crash and no sanitizer report:
 * - a found target is NUL-terminated inside the buffer, is not empty, has
 *	 no '<' or '>' and no blank at either end, and appears in the value
 *	 between '<' and '>';
 * - the buffer is not written past the target's NUL, nor at all when
 *	 nothing is found;
 * - the small buffer finds the same target, or says it is too long exactly
 *	 when it would not fit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>
#include <stdlib.h>

#include "link_header.h"
#include "pg_shim.h"

#define LARGE_TARGET	16385	/* http.c: HTTP_MAX_LINK_LEN + 1 */
#define SMALL_TARGET	16

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Find the link of relation rel with a target buffer of target_size; check it. */
static LinkFound
find_link(const char *value, size_t len, const char *rel, char *target,
		  size_t target_size)
{
	LinkFound	found;
	size_t		target_len;
	size_t		i;
	bool		inside = false;

	memset(target, 0x7f, target_size);
	found = link_header_find(value, len, rel, target, target_size);
	if (found != LINK_FOUND)
	{
		for (i = 0; i < target_size; i++)
			if (target[i] != 0x7f)
				fuzz_fail("target written though nothing was found", NULL);
		return found;
	}

	target_len = strnlen(target, target_size);
	if (target_len == target_size)
		fuzz_fail("target not NUL-terminated", NULL);
	for (i = target_len + 1; i < target_size; i++)
		if (target[i] != 0x7f)
			fuzz_fail("target buffer written past the NUL", target);
	if (target_len == 0)
		fuzz_fail("empty target found", NULL);
	if (strpbrk(target, "<>") != NULL)
		fuzz_fail("target contains < or >", target);
	if (strchr(" \t\r\n", target[0]) || strchr(" \t\r\n", target[target_len - 1]))
		fuzz_fail("target not trimmed", target);

	/* it is the contents of some <...> of the value, blanks trimmed */
	for (i = 0; i + target_len <= len && !inside; i++)
	{
		size_t		before = i;
		size_t		after = i + target_len;

		if (memcmp(value + i, target, target_len) != 0)
			continue;
		while (before > 0 && strchr(" \t\r\n", value[before - 1]))
			before--;
		while (after < len && strchr(" \t\r\n", value[after]))
			after++;
		inside = before > 0 && value[before - 1] == '<' &&
			after < len && value[after] == '>';
	}
	if (!inside)
		fuzz_fail("target is not inside <...> of the value", target);
	return found;
}

/* Search value for rel with both buffers; they must agree. */
static void
check_rel(const char *value, size_t len, const char *rel)
{
	char	   *large = malloc(LARGE_TARGET);
	char		small[SMALL_TARGET];
	LinkFound	with_large = find_link(value, len, rel, large, LARGE_TARGET);
	LinkFound	with_small = find_link(value, len, rel, small, sizeof(small));

	switch (with_large)
	{
		case LINK_NONE:
			if (with_small != LINK_NONE)
				fuzz_fail("only the small buffer found a link", rel);
			break;
		case LINK_FOUND:
			if (strlen(large) < sizeof(small) ?
				(with_small != LINK_FOUND || strcmp(small, large) != 0) :
				with_small != LINK_TOO_LONG)
				fuzz_fail("the buffer size changed what was found", large);
			break;
		case LINK_TOO_LONG:
			if (with_small != LINK_TOO_LONG)
				fuzz_fail("a target too long for the large buffer fit the small one",
						  rel);
			break;
	}
	free(large);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *value = malloc(size ? size : 1);

	memcpy(value, data, size);
	check_rel(value, size, "next");
	check_rel(value, size, "last");
	free(value);
	return 0;
}
