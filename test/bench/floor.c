/*-------------------------------------------------------------------------
 *
 * floor.c
 *		  The benchmark's floor: the least work that reads the same rows, a
 *		  plain libcurl + json-c client (test/bench/run.sh builds and runs it).
 *
 *		  floor github URL [CONCURRENCY]
 *			GitHub issues: with no CONCURRENCY, page after page following
 *			the Link header's rel="next"; with it, the first page, then the
 *			pages up to rel="last" by number, CONCURRENCY at a time (curl
 *			multi).
 *		  floor stripe URL
 *			Stripe charges: page after page with starting_after = the last
 *			item's id while has_more is true.
 *
 * Every item's fields that the benchmark's SQL selects are looked up and
 * read (strings by pointer and length, numbers as integers) into a
 * checksum.  Prints "<rows> <pages> <milliseconds>".
 *
 *-------------------------------------------------------------------------
 */
#define _GNU_SOURCE				/* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

typedef struct Page
{
	char	   *data;
	size_t		len;
	char		next[1024];		/* GitHub: the rel="next" link */
	char		last[1024];		/* GitHub: the rel="last" link */
} Page;

static long rows;
static long pages;
static unsigned long checksum;

static const char *const github_fields[] = {
	"number", "id", "title", "body", "state", "comments", "created_at",
	"updated_at", "closed_at", NULL
};
static const char *const stripe_fields[] = {
	"id", "amount", "amount_refunded", "currency", "created", "customer",
	"status", "paid", "description", NULL
};

static void
die(const char *what)
{
	fprintf(stderr, "floor: %s\n", what);
	exit(1);
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	Page	   *page = arg;
	char	   *grown = realloc(page->data, page->len + size * n + 1);

	if (grown == NULL)
		die("out of memory");
	page->data = grown;
	memcpy(page->data + page->len, data, size * n);
	page->len += size * n;
	page->data[page->len] = '\0';
	return size * n;
}

/* Copy the URL of the link with rel="<rel>" out of a Link header line. */
static void
link_of(const char *line, size_t len, const char *rel, char *out, size_t outsz)
{
	char		want[32];
	const char *end = line + len;
	const char *p = line;

	snprintf(want, sizeof(want), "rel=\"%s\"", rel);
	while ((p = memchr(p, '<', end - p)) != NULL)
	{
		const char *close = memchr(p, '>', end - p);
		const char *comma;

		if (close == NULL)
			return;
		comma = memchr(close, ',', end - close);
		if (memmem(close, (comma ? comma : end) - close, want, strlen(want)) &&
			(size_t) (close - p - 1) < outsz)
		{
			memcpy(out, p + 1, close - p - 1);
			out[close - p - 1] = '\0';
			return;
		}
		p = close;
	}
}

static size_t
on_header(char *line, size_t size, size_t n, void *arg)
{
	Page	   *page = arg;
	size_t		len = size * n;

	if (len > 5 && strncasecmp(line, "link:", 5) == 0)
	{
		link_of(line, len, "next", page->next, sizeof(page->next));
		link_of(line, len, "last", page->last, sizeof(page->last));
	}
	return len;
}

static void
read_fields(json_object *item, const char *const *fields)
{
	json_object *v;
	int			i;

	for (i = 0; fields[i]; i++)
	{
		if (!json_object_object_get_ex(item, fields[i], &v) || v == NULL)
			continue;
		if (json_object_is_type(v, json_type_string))
			checksum += json_object_get_string_len(v);
		else
			checksum += (unsigned long) json_object_get_int64(v);
	}
}

/* GitHub's nested fields: user.login and labels[*].name. */
static void
read_github_nested(json_object *item)
{
	json_object *user;
	json_object *login;
	json_object *labels;
	json_object *name;
	size_t		i;

	if (json_object_object_get_ex(item, "user", &user) &&
		json_object_object_get_ex(user, "login", &login))
		checksum += json_object_get_string_len(login);
	if (json_object_object_get_ex(item, "labels", &labels))
		for (i = 0; i < json_object_array_length(labels); i++)
			if (json_object_object_get_ex(json_object_array_get_idx(labels, i),
										  "name", &name))
				checksum += json_object_get_string_len(name);
}

/* Parse a page and read its items; returns the root (caller puts it). */
static json_object *
read_page(Page *page, int github)
{
	json_object *root = json_tokener_parse(page->data ? page->data : "");
	json_object *items = root;
	size_t		i;

	if (root == NULL)
		die("a page is not JSON");
	if (!github && !json_object_object_get_ex(root, "data", &items))
		die("a Stripe page has no data");
	for (i = 0; i < json_object_array_length(items); i++)
	{
		json_object *item = json_object_array_get_idx(items, i);

		read_fields(item, github ? github_fields : stripe_fields);
		if (github)
			read_github_nested(item);
		rows++;
	}
	pages++;
	return root;
}

static CURL *
new_handle(Page *page)
{
	CURL	   *h = curl_easy_init();

	if (h == NULL)
		die("curl_easy_init failed");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, page);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, page);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "saas_fdw-bench-floor");
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	return h;
}

static void
reset_page(Page *page)
{
	free(page->data);
	memset(page, 0, sizeof(*page));
}

static void
get(CURL *h, Page *page, const char *url)
{
	reset_page(page);
	curl_easy_setopt(h, CURLOPT_URL, url);
	if (curl_easy_perform(h) != CURLE_OK)
		die("a request failed");
}

static void
github_sequential(const char *url)
{
	Page		page = {0};
	CURL	   *h = new_handle(&page);
	char		next[1024];

	snprintf(next, sizeof(next), "%s", url);
	while (next[0])
	{
		get(h, &page, next);
		json_object_put(read_page(&page, 1));
		snprintf(next, sizeof(next), "%s", page.next);
	}
	curl_easy_cleanup(h);
	reset_page(&page);
}

static void
github_concurrent(const char *url, int concurrency)
{
	Page		first = {0};
	CURL	   *h = new_handle(&first);
	CURLM	   *multi = curl_multi_init();
	Page	   *slots = calloc(concurrency, sizeof(Page));
	CURL	  **handles = calloc(concurrency, sizeof(CURL *));
	int		   *busy = calloc(concurrency, sizeof(int));
	char		base[1024];
	const char *p;
	int			last;
	int			next_page = 2;
	int			running = 0;
	int			i;

	get(h, &first, url);
	json_object_put(read_page(&first, 1));
	p = strstr(first.last, "&page=");
	if (p == NULL || p - first.last >= (long) sizeof(base))
		die("the first page has no rel=\"last\" link with a page number");
	last = atoi(p + 6);
	memcpy(base, first.last, p + 1 - first.last);
	base[p + 1 - first.last] = '\0';

	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long) concurrency);
	for (i = 0; i < concurrency; i++)
		handles[i] = new_handle(&slots[i]);

	for (;;)
	{
		CURLMsg    *msg;
		int			left;
		char		page_url[1100];

		for (i = 0; i < concurrency && next_page <= last; i++)
		{
			if (busy[i])
				continue;
			reset_page(&slots[i]);
			snprintf(page_url, sizeof(page_url), "%spage=%d", base, next_page++);
			curl_easy_setopt(handles[i], CURLOPT_URL, page_url);
			curl_multi_add_handle(multi, handles[i]);
			busy[i] = 1;
			running++;
		}
		if (running == 0)
			break;
		curl_multi_perform(multi, &left);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL)
		{
			if (msg->msg != CURLMSG_DONE)
				continue;
			if (msg->data.result != CURLE_OK)
				die("a request failed");
			for (i = 0; handles[i] != msg->easy_handle; i++)
				;
			curl_multi_remove_handle(multi, handles[i]);
			busy[i] = 0;
			running--;
			json_object_put(read_page(&slots[i], 1));
		}
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 1000, NULL);
	}
	for (i = 0; i < concurrency; i++)
	{
		curl_easy_cleanup(handles[i]);
		reset_page(&slots[i]);
	}
	curl_multi_cleanup(multi);
	curl_easy_cleanup(h);
	reset_page(&first);
	free(slots);
	free(handles);
	free(busy);
}

static void
stripe_sequential(const char *url)
{
	Page		page = {0};
	CURL	   *h = new_handle(&page);
	char		next[1024];

	snprintf(next, sizeof(next), "%s", url);
	for (;;)
	{
		json_object *root;
		json_object *data;
		json_object *more;
		json_object *id;
		size_t		n;

		get(h, &page, next);
		root = read_page(&page, 0);
		json_object_object_get_ex(root, "data", &data);
		n = json_object_array_length(data);
		if (n == 0 || !json_object_object_get_ex(root, "has_more", &more) ||
			!json_object_get_boolean(more) ||
			!json_object_object_get_ex(json_object_array_get_idx(data, n - 1), "id", &id))
		{
			json_object_put(root);
			break;
		}
		snprintf(next, sizeof(next), "%s&starting_after=%s", url,
				 json_object_get_string(id));
		json_object_put(root);
	}
	curl_easy_cleanup(h);
	reset_page(&page);
}

int
main(int argc, char **argv)
{
	struct timespec t0;
	struct timespec t1;

	if (argc < 3)
		die("usage: floor github URL [CONCURRENCY] | floor stripe URL");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (strcmp(argv[1], "github") == 0 && argc > 3)
		github_concurrent(argv[2], atoi(argv[3]));
	else if (strcmp(argv[1], "github") == 0)
		github_sequential(argv[2]);
	else
		stripe_sequential(argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld %ld %.1f\n", rows, pages,
		   (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	fprintf(stderr, "checksum %lu\n", checksum);
	curl_global_cleanup();
	return 0;
}
