/*-------------------------------------------------------------------------
 *
 * fuzz_header_number.c
 *		  libFuzzer target for src/header_number.c: the value of a
 *		  Retry-After, x-ratelimit-remaining or x-ratelimit-reset header off
 *		  the network.
 *
 * The input is the value, handed over as http.c's header callback does: not
 * NUL-terminated, in a buffer of its exact size.  It is read both as a
 * count and as seconds, and compared with a reference built on the C
 * library's strtoll and strtod.
 *
 * What must hold, besides no crash and no sanitizer report:
 * - a count is -1 unless the value is only digits (at least one) whose
 *	 number fits an int64, and then it is that number;
 * - seconds are -1 unless the value is digits with an optional fraction
 *	 ("120", "1.5", "2."), and then they are that number, at most
 *	 HEADER_MAX_SECONDS: exactly for whole seconds, within a microsecond
 *	 with a fraction; never NaN or infinite.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "header_number.h"
#include "pg_shim.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
all_digits(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The count the value is, by strtoll; -1 if it is none. */
static int64
reference_count(const char *value, size_t len, const char *nul_terminated)
{
	long long	n;
	char	   *end;

	if (len == 0 || !all_digits(value, len))
		return -1;
	errno = 0;
	n = strtoll(nul_terminated, &end, 10);
	if (errno == ERANGE || end != nul_terminated + len)
		return -1;
	return (int64) n;
}

/* The seconds the value is, by strtod (capped); -1 if it is none. */
static double
reference_seconds(const char *value, size_t len, const char *nul_terminated,
				  bool *whole)
{
	size_t		digits = 0;

	while (digits < len && value[digits] >= '0' && value[digits] <= '9')
		digits++;
	*whole = (digits == len);
	if (digits == 0)
		return -1;
	if (digits < len &&
		(value[digits] != '.' ||
		 !all_digits(value + digits + 1, len - digits - 1)))
		return -1;
	return Min(strtod(nul_terminated, NULL), HEADER_MAX_SECONDS);
}

static void
fail_value(const char *why, const char *value, size_t len, double got,
		   double expected)
{
	char		detail[200];

	snprintf(detail, sizeof(detail), "value \"%.*s\": got %.17g, expected %.17g",
			 (int) Min(len, 80), value, got, expected);
	fuzz_fail(why, detail);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *value = malloc(size ? size : 1);
	char	   *nul_terminated = malloc(size + 1);
	int64		count;
	int64		count_expected;
	double		seconds;
	double		seconds_expected;
	bool		whole;

	memcpy(value, data, size);
	memcpy(nul_terminated, data, size);
	nul_terminated[size] = '\0';

	count = header_number_count(value, size);
	count_expected = reference_count(value, size, nul_terminated);
	if (count != count_expected)
		fail_value("count differs from strtoll's", value, size,
				   (double) count, (double) count_expected);

	seconds = header_number_seconds(value, size);
	seconds_expected = reference_seconds(value, size, nul_terminated, &whole);
	if (isnan(seconds) || isinf(seconds))
		fail_value("seconds are not a number", value, size, seconds,
				   seconds_expected);
	if (seconds != -1 && (seconds < 0 || seconds > HEADER_MAX_SECONDS))
		fail_value("seconds out of range", value, size, seconds,
				   seconds_expected);
	if ((seconds == -1) != (seconds_expected == -1))
		fail_value("seconds accepted differently from the reference", value,
				   size, seconds, seconds_expected);
	if (whole ? seconds != seconds_expected :
		fabs(seconds - seconds_expected) > 1e-6)
		fail_value("seconds differ from strtod's", value, size, seconds,
				   seconds_expected);

	free(nul_terminated);
	free(value);
	return 0;
}
