/*-------------------------------------------------------------------------
 *
 * header_number.c
 *		  Read the numbers that HTTP response headers carry: a count
 *		  (x-ratelimit-remaining, or x-ratelimit-reset in epoch seconds) and
 *		  a wait in seconds (Retry-After), as http_response.c's header
 *		  callback keeps them for retries and the shared rate limiter.
 *
 * The value comes from the network and this runs inside a curl header
 * callback: it reads only the len bytes it is given (blanks at either end
 * already trimmed, not NUL-terminated), never allocates and never raises.
 * Anything that is not exactly a number of the expected form reads as -1,
 * "none": no sign, no blanks, no exponent.  It needs nothing from the
 * backend, so test/fuzz builds it as it is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "header_number.h"

static inline bool
header_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A non-negative integer header value ("4999"), up to PG_INT64_MAX; -1 if
 * it is not one (or overflows).
 */
int64
header_number_count(const char *s, size_t len)
{
	int64		value = 0;
	size_t		i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++)
	{
		int			digit;

		if (!header_is_digit(s[i]))
			return -1;
		digit = s[i] - '0';
		if (value > (PG_INT64_MAX - digit) / 10)
			return -1;
		value = value * 10 + digit;
	}
	return value;
}

/*
 * Retry-After in seconds ("120", tolerating a fraction), at most
 * HEADER_MAX_SECONDS; -1 for anything else, including an HTTP-date.
 */
double
header_number_seconds(const char *s, size_t len)
{
	double		value = 0;
	size_t		i = 0;

	if (len == 0 || !header_is_digit(s[0]))
		return -1;
	while (i < len && header_is_digit(s[i]))
	{
		value = Min(value * 10 + (s[i] - '0'), HEADER_MAX_SECONDS);
		i++;
	}
	if (i < len && s[i] == '.')
	{
		double		scale = 0.1;

		i++;
		while (i < len && header_is_digit(s[i]))
		{
			value += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
	}
	if (i != len)
		return -1;
	return Min(value, HEADER_MAX_SECONDS);
}
