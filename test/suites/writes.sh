#!/usr/bin/env bash
# writes.sh -- a write forgets the server's cached pages for every backend
# (src/modify.c, cache_forget_server): a SELECT in another backend after an
# INSERT asks the API again and sees the new row, where before the write a
# second backend was served from the shared cache without a request.
#
# Each psql below is a backend of its own.  Uses the run's fake GitHub API
# (acme/empty, restored with /_reset at the end).
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

db=saas_fdw_writes
psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db

t_psql "CREATE EXTENSION saas_fdw;
	CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
		OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL', cache_ttl '300');
	CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
	IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh INTO public;
	SELECT saas_fdw_cache_reset('gh');" >/dev/null
curl -sf "$FAKE_GITHUB_URL/_reset" >/dev/null
t_fake_log github clear >/dev/null

list="GET /repos/acme/empty/issues?state=all&per_page=100"
titles() { t_psql "SELECT coalesce(string_agg(title, ',' ORDER BY number), '') FROM issues WHERE repo = 'acme/empty'"; }

t_equal "backend 1 reads the empty repository" "" "$(titles)"
t_equal "backend 1 asked the API" "$list" "$(t_fake_log github clear)"
t_equal "backend 2 reads it too" "" "$(titles)"
t_equal "backend 2 was served from the shared cache" "" "$(t_fake_log github clear)"

t_equal "backend 3 creates an issue" "1" \
	"$(t_psql "INSERT INTO issues (repo, title) VALUES ('acme/empty', 'From backend 3') RETURNING number")"
t_equal "backend 3 made one request" "POST /repos/acme/empty/issues" "$(t_fake_log github clear)"

t_equal "backend 4 sees the new issue" "From backend 3" "$(titles)"
t_equal "backend 4 asked the API again: the write forgot the cached page" "$list" "$(t_fake_log github clear)"
t_equal "backend 5 is served the new page from the cache" "From backend 3" "$(titles)"
t_equal "backend 5 made no request" "" "$(t_fake_log github clear)"

curl -sf "$FAKE_GITHUB_URL/_reset" >/dev/null
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
t_done
