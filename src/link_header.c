/*-------------------------------------------------------------------------
 *
 * link_header.c
 *		  Find the target of a link of one relation ("next", "last") in the
 *		  value of an HTTP Link header (RFC 8288), the way GitHub says where
 *		  the next and the last page are.
 *
 * The value comes from the network and this runs inside a curl header
 * callback: it only reads the bytes it is given (every index is checked
 * against their length, no NUL is expected), writes only into the caller's
 * buffer, never allocates and never raises.  It needs nothing from the
 * backend, so test/fuzz builds it as it is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "link_header.h"

static inline bool
link_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Skip to the comma that ends the current link (or to the end), stepping
 * over quoted strings, whose backslash escapes are honoured.
 */
static size_t
link_skip_rest(const char *s, size_t len, size_t i)
{
	bool		in_quotes = false;

	while (i < len && (in_quotes || s[i] != ','))
	{
		if (s[i] == '"')
			in_quotes = !in_quotes;
		else if (s[i] == '\\' && in_quotes && i + 1 < len)
			i++;
		i++;
	}
	return i;
}

/*
 * Can the bytes between '<' and '>' be a URI reference?  Not if empty, nor
 * with a '<' in them (RFC 3986 has none), nor with a NUL byte, which would
 * cut the C string short.
 */
static bool
link_target_ok(const char *uri, size_t len)
{
	return len > 0 && memchr(uri, '<', len) == NULL &&
		memchr(uri, '\0', len) == NULL;
}

/* Is rel (rel_len bytes) one of the space-separated relation types in val? */
static bool
link_rel_has(const char *val, size_t val_len, const char *rel, size_t rel_len)
{
	size_t		j = 0;

	while (j < val_len)
	{
		size_t		word_start;

		while (j < val_len && link_is_space(val[j]))
			j++;
		word_start = j;
		while (j < val_len && !link_is_space(val[j]))
			j++;
		if (j - word_start == rel_len &&
			pg_strncasecmp(val + word_start, rel, rel_len) == 0)
			return true;
	}
	return false;
}

/*
 * Read the parameters of one link, from i (just after its "<uri>") up to
 * the first character that does not start a parameter:
 *
 *	 ; name [= value | = "quoted value"] ...
 *
 * Sets *has_rel if a rel parameter lists rel; returns where it stopped.
 */
static size_t
link_read_params(const char *s, size_t len, size_t i, const char *rel,
				 bool *has_rel)
{
	size_t		rel_len = strlen(rel);

	for (;;)
	{
		size_t		name_start;
		size_t		name_len;
		const char *val = NULL;
		size_t		val_len = 0;

		while (i < len && link_is_space(s[i]))
			i++;
		if (i >= len || s[i] != ';')
			return i;
		i++;
		while (i < len && link_is_space(s[i]))
			i++;
		name_start = i;
		while (i < len && !link_is_space(s[i]) && s[i] != '=' &&
			   s[i] != ';' && s[i] != ',')
			i++;
		name_len = i - name_start;
		while (i < len && link_is_space(s[i]))
			i++;
		if (i < len && s[i] == '=')
		{
			i++;
			while (i < len && link_is_space(s[i]))
				i++;
			if (i < len && s[i] == '"')
			{
				i++;
				val = s + i;
				while (i < len && s[i] != '"')
				{
					if (s[i] == '\\' && i + 1 < len)
						i++;
					i++;
				}
				val_len = (s + i) - val;
				if (i < len)
					i++;		/* closing quote */
			}
			else
			{
				val = s + i;
				while (i < len && !link_is_space(s[i]) && s[i] != ';' &&
					   s[i] != ',')
					i++;
				val_len = (s + i) - val;
			}
		}

		if (val != NULL && name_len == 3 &&
			pg_strncasecmp(s + name_start, "rel", 3) == 0 &&
			link_rel_has(val, val_len, rel, rel_len))
			*has_rel = true;
	}
}

/*
 * Find the first link of relation rel (such as "next", compared ignoring
 * case) that has a well-formed target, in value (len bytes, not
 * NUL-terminated):
 *
 *	 <uri>; rel="next", <uri>; rel="prev last"; title="a, b", ...
 *
 * Odd spacing, several links, quoted or bare rel values, space-separated rel
 * lists and unknown parameters are fine; anything malformed skips to the
 * next link.  On LINK_FOUND the target, blanks trimmed, is in target
 * (NUL-terminated, shorter than target_size); on LINK_TOO_LONG it would not
 * fit and target is left alone.
 */
LinkFound
link_header_find(const char *value, size_t len, const char *rel,
				 char *target, size_t target_size)
{
	const char *s = value;
	size_t		i = 0;

	while (i < len)
	{
		size_t		uri_start;
		size_t		uri_len;
		bool		has_rel = false;

		/* skip separators between links */
		while (i < len && (link_is_space(s[i]) || s[i] == ','))
			i++;
		if (i >= len)
			break;
		if (s[i] != '<')
		{
			/* not a link */
			i = link_skip_rest(s, len, i);
			continue;
		}
		uri_start = ++i;
		while (i < len && s[i] != '>')
			i++;
		if (i >= len)
			break;				/* unterminated <: nothing more to read */
		uri_len = i - uri_start;
		i++;
		while (uri_len > 0 && link_is_space(s[uri_start]))
		{
			uri_start++;
			uri_len--;
		}
		while (uri_len > 0 && link_is_space(s[uri_start + uri_len - 1]))
			uri_len--;

		i = link_read_params(s, len, i, rel, &has_rel);
		if (has_rel && link_target_ok(s + uri_start, uri_len))
		{
			if (uri_len >= target_size)
				return LINK_TOO_LONG;
			memcpy(target, s + uri_start, uri_len);
			target[uri_len] = '\0';
			return LINK_FOUND;
		}

		/* anything else before the next link is skipped */
		i = link_skip_rest(s, len, i);
	}
	return LINK_NONE;
}
