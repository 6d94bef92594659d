/*-------------------------------------------------------------------------
 *
 * http_origin.c
 *		  Where a request may go and what it carries: URLs and their
 *		  origins, redirects, and the request headers with the token.
 *
 * - The token never appears in a message, a log line or an error, and curl
 *	 never runs verbose.  The Authorization header goes only to the scheme,
 *	 host and port of the URL the caller asked for: redirects are followed
 *	 here (http_follow_redirect), not by curl, and a hop to any other origin
 *	 is sent without it.  The header's copies are zeroed before they are
 *	 freed.
 *
 * - Only http and https URLs are followed or resolved; messages name a
 *	 URL's origin, never its path or query.
 *
 * - curl's lists and URL handles are malloc'd; they are freed before
 *	 anything can raise.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/base64.h"

#include "utils/memutils.h"

#include "http_internal.h"

#define HTTP_MAX_REDIRECTS	5

/* The parts of a URL that decide where a request goes. */
typedef struct HttpOrigin
{
	char		scheme[16];
	char		host[512];
	long		port;
} HttpOrigin;

static bool http_parse_origin(const char *url, HttpOrigin *origin);
static bool http_scheme_allowed(const char *url);


/* ----------------------------------------------------------------
 *		URLs
 * ----------------------------------------------------------------
 */

/*
 * http_parse_origin
 *		Split url into scheme, host and port (the default port if none is
 *		written).  Everything curl allocates is freed before returning.
 */
static bool
http_parse_origin(const char *url, HttpOrigin *origin)
{
	CURLU	   *u = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	char	   *port = NULL;
	bool		ok = false;

	if (u == NULL)
		return false;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		strlen(scheme) < sizeof(origin->scheme) &&
		strlen(host) < sizeof(origin->host))
	{
		char	   *end;

		strlcpy(origin->scheme, scheme, sizeof(origin->scheme));
		strlcpy(origin->host, host, sizeof(origin->host));
		origin->port = strtol(port, &end, 10);
		ok = (*end == '\0');
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/*
 * http_same_origin
 *		Do two URLs have the same scheme, host and port?  False if either
 *		cannot be parsed.  Used to decide where the token may go.
 */
bool
http_same_origin(const char *url1, const char *url2)
{
	HttpOrigin	a;
	HttpOrigin	b;

	if (!http_parse_origin(url1, &a) || !http_parse_origin(url2, &b))
		return false;
	return pg_strcasecmp(a.scheme, b.scheme) == 0 &&
		pg_strcasecmp(a.host, b.host) == 0 &&
		a.port == b.port;
}

/*
 * http_origin_text
 *		"scheme://host:port" of url, for messages; never the path or query.
 *
 * The result is palloc'd in CurrentMemoryContext.
 */
char *
http_origin_text(const char *url)
{
	HttpOrigin	o;

	if (!http_parse_origin(url, &o))
		return pstrdup("(an invalid URL)");
	return psprintf("%s://%s:%ld", o.scheme, o.host, o.port);
}

/*
 * http_scheme_allowed
 *		Is url an http or https URL?
 */
static bool
http_scheme_allowed(const char *url)
{
	HttpOrigin	o;

	return http_parse_origin(url, &o) &&
		(pg_strcasecmp(o.scheme, "https") == 0 ||
		 pg_strcasecmp(o.scheme, "http") == 0);
}

/*
 * http_resolve_url
 *		Resolve ref (absolute or relative) against base; a palloc'd absolute
 *		URL, or NULL if it is malformed or not http(s).
 *
 * The result is palloc'd in CurrentMemoryContext.
 */
char *
http_resolve_url(const char *base, const char *ref)
{
	CURLU	   *u = curl_url();
	char	   *resolved = NULL;
	char	   *result = NULL;
	char		buf[HTTP_MAX_LINK_LEN * 2];
	bool		ok = false;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
		curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_URL, &resolved, 0) == CURLUE_OK &&
		strlen(resolved) < sizeof(buf))
	{
		strlcpy(buf, resolved, sizeof(buf));
		ok = true;
	}
	curl_free(resolved);
	curl_url_cleanup(u);

	if (ok && http_scheme_allowed(buf))
		result = pstrdup(buf);
	return result;
}


/* ----------------------------------------------------------------
 *		Request headers
 * ----------------------------------------------------------------
 */

/*
 * http_check_header_value
 *		Refuse a header value with a line break (header injection).
 */
void
http_check_header_value(const char *value, const char *what)
{
	if (value != NULL && strpbrk(value, "\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s contains a line break", what),
				 errhint("HTTP header values cannot span lines.")));
}

/*
 * http_append_header
 *		Append header to list; raise (freeing the list) if curl runs out of
 *		memory.
 *
 * The list is malloc'd by curl; on failure it is freed before raising.
 */
static struct curl_slist *
http_append_header(struct curl_slist *list, const char *header)
{
	struct curl_slist *appended = curl_slist_append(list, header);

	if (appended == NULL)
	{
		http_free_headers(list);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not build the HTTP request headers.")));
	}
	return appended;
}

/*
 * http_authorization_line
 *		The Authorization header line for request's token in its scheme.
 *
 * palloc'd (NULL when out of memory), for the caller to zero and free.
 */
static char *
http_authorization_line(const HttpRequest *request, size_t *size)
{
	const char *token = request->token;
	int			token_len = strlen(token);
	char	   *line;
	int			prefix_len;

	switch (request->auth)
	{
		case HTTP_AUTH_BASIC:
			*size = strlen("Authorization: Basic ") + pg_b64_enc_len(token_len) + 1;
			break;
		case HTTP_AUTH_PLAIN:
			*size = strlen("Authorization: ") + token_len + 1;
			break;
		default:
			*size = strlen("Authorization: Bearer ") + token_len + 1;
			break;
	}
	line = MemoryContextAllocExtended(CurrentMemoryContext, *size,
									  MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO);
	if (line == NULL)
		return NULL;
	switch (request->auth)
	{
		case HTTP_AUTH_BASIC:
			prefix_len = snprintf(line, *size, "Authorization: Basic ");
			/* void *: the source is char * up to 17, uint8 * from 18 */
			if (pg_b64_encode((const void *) token, token_len,
							  line + prefix_len, *size - prefix_len - 1) < 0)
			{
				explicit_bzero(line, *size);
				pfree(line);
				elog(ERROR, "could not encode the credentials in base64");
			}
			break;
		case HTTP_AUTH_PLAIN:
			snprintf(line, *size, "Authorization: %s", token);
			break;
		default:
			snprintf(line, *size, "Authorization: Bearer %s", token);
			break;
	}
	return line;
}

/*
 * http_build_headers
 *		The request headers: the service's, revalidation, the body's
 *		Content-Type, and Authorization when send_token.  curl copies each
 *		string; the palloc'd Authorization line is zeroed at once, and
 *		curl's copy in http_free_headers.
 *
 * The list is malloc'd by curl: free it with http_free_headers.
 */
struct curl_slist *
http_build_headers(const HttpRequest *request, bool send_token)
{
	struct curl_slist *list = NULL;
	const char *const *h;

	if (request->headers != NULL)
	{
		for (h = request->headers; *h != NULL; h++)
			list = http_append_header(list, *h);
	}
	if (request->if_none_match != NULL)
	{
		char	   *line = psprintf("If-None-Match: %s", request->if_none_match);

		list = http_append_header(list, line);
		pfree(line);
	}
	if (request->if_modified_since != NULL)
	{
		char	   *line = psprintf("If-Modified-Since: %s",
									request->if_modified_since);

		list = http_append_header(list, line);
		pfree(line);
	}
	if (request->body != NULL)
	{
		char	   *line = psprintf("Content-Type: %s",
									request->content_type ? request->content_type :
									"application/json");

		list = http_append_header(list, line);
		pfree(line);
	}
	if (send_token)
	{
		size_t		size;
		char	   *line = http_authorization_line(request, &size);
		struct curl_slist *appended;

		if (line == NULL)
		{
			http_free_headers(list);
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		}
		appended = curl_slist_append(list, line);
		explicit_bzero(line, size);
		pfree(line);
		if (appended == NULL)
		{
			http_free_headers(list);
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		}
		list = appended;
	}
	return list;
}

/*
 * http_free_headers
 *		Free a header list, zeroing the Authorization line first.
 */
void
http_free_headers(struct curl_slist *list)
{
	struct curl_slist *item;

	for (item = list; item != NULL; item = item->next)
	{
		if (item->data != NULL &&
			pg_strncasecmp(item->data, "Authorization:", 14) == 0)
			explicit_bzero(item->data, strlen(item->data));
	}
	curl_slist_free_all(list);
}


/* ----------------------------------------------------------------
 *		Redirects and the token
 * ----------------------------------------------------------------
 */

/*
 * http_may_send_token
 *		Does t's current attempt carry the Authorization header?
 *
 * The token goes only where the caller sent it: a redirect to another
 * scheme, host or port (even one on the same host but plain http) must not
 * receive it.  curl would also drop it on a host change, but following
 * redirects here makes the rule explicit and covers the port and scheme too.
 */
bool
http_may_send_token(const HttpTransfer *t)
{
	return t->request.token != NULL &&
		(t->redirects == 0 || http_same_origin(t->current_url, t->request.url));
}

/*
 * http_follow_redirect
 *		If status is a redirect with a target, send t there and return true;
 *		false if it is no redirect.
 *
 * Raises after HTTP_MAX_REDIRECTS hops, or for a target that is not http
 * or https.  The new URL is t's, in TopMemoryContext.
 */
bool
http_follow_redirect(HttpTransfer *t, long status)
{
	char	   *location = NULL;
	char	   *next;

	if (status != 301 && status != 302 && status != 303 &&
		status != 307 && status != 308)
		return false;
	(void) curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &location);
	if (location == NULL)
		return false;

	/* which method and body go on differs by status: send neither again */
	if (t->request.method != NULL || t->request.body != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("API request to %s was redirected, and only GET requests follow redirects",
						http_origin_text(t->request.url)),
				 errhint("Check the server option base_url.")));

	if (++t->redirects > HTTP_MAX_REDIRECTS)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("API request to %s was redirected more than %d times",
						http_origin_text(t->request.url),
						HTTP_MAX_REDIRECTS),
				 errhint("Check the server option base_url.")));
	if (!http_scheme_allowed(location))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("API request to %s was redirected to a URL that is not http or https",
						http_origin_text(t->request.url)),
				 errhint("Check the server option base_url.")));
	next = MemoryContextStrdup(TopMemoryContext, location);
	pfree(t->current_url);
	t->current_url = next;
	http_send(t);
	return true;
}
