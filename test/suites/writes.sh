#!/usr/bin/env bash
# writes.sh -- what writes share between backends (src/modify.c):
#  - a write forgets the server's cached pages for every backend
#    (cache_forget_server): a SELECT in another backend after an INSERT asks
#    the API again and sees the new row, where before the write a second
#    backend was served from the shared cache without a request;
#  - a transaction that aborts after writes warns that they stand;
#  - GitHub's writes are paced by the shared rate limiter (ratelimit.c): one
#    at a time, saas_fdw.write_interval apart, across backends;
#  - the same cache invalidation for Jira, whose create answers with the key
#    only (RETURNING reads the issue back).
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

# A statement that fails halfway: its transaction aborts, and the WARNING
# lists the write that reached the API (psql may print it before or after
# the ERROR)
out=$(psql -X -q -c "SET saas_fdw.write_interval = 0" \
	-c "INSERT INTO issues (repo, title) VALUES ('acme/empty', 'Sent'), ('acme/empty', NULL)" 2>&1)
t_check "a statement that fails halfway fails" grep -q 'ERROR:  INSERT into foreign table "issues" needs a value for column "title"' <<<"$out"
t_check "its WARNING counts the write that reached the API" \
	grep -q 'WARNING:  1 API write made by the aborted transaction was not rolled back' <<<"$out"
t_check "and names it" grep -q 'DETAIL:  A request that reached the API cannot be undone: POST /repos/acme/empty/issues.' <<<"$out"
t_fake_log github clear >/dev/null

# Pacing: GitHub's writes of one credential go one at a time, at least
# saas_fdw.write_interval apart (default 1 s), across backends too.
took_at_least() {		# seconds start: 0 when at least that long has passed since start (date +%s.%N)
	awk -v s="$2" -v e="$(date +%s.%N)" -v want="$1" 'BEGIN { exit !(e - s >= want) }'
}
start=$(date +%s.%N)
t_psql "INSERT INTO issues (repo, title) SELECT 'acme/empty', 'Paced ' || i FROM generate_series(1, 3) i" >/dev/null
t_check "three writes of one statement take at least 2 s (1 s apart)" took_at_least 2 "$start"
start=$(date +%s.%N)
for b in 1 2; do
	t_psql "INSERT INTO issues (repo, title) VALUES ('acme/empty', 'Backend $b, 1'), ('acme/empty', 'Backend $b, 2')" >/dev/null &
done
wait
t_check "two backends' two writes each take at least 3 s together" took_at_least 3 "$start"
t_equal "the seven new issues, the first and the one sent halfway are there" 9 \
	"$(t_psql "SET saas_fdw.cache_ttl = 0; SELECT count(*) FROM issues WHERE repo = 'acme/empty'")"

# Jira: the same across backends, for a create the API answers with its
# key only (RETURNING reads the issue back) and a comment
jira_url=${FAKE_JIRA_URL:-http://127.0.0.1:8085}
t_psql "CREATE SERVER jira FOREIGN DATA WRAPPER saas_fdw
		OPTIONS (service 'jira', base_url '$jira_url', cache_ttl '300');
	CREATE USER MAPPING FOR CURRENT_USER SERVER jira
		OPTIONS (user 'fdw@example.com', token 'jira_token_1');
	CREATE SCHEMA jira;
	IMPORT FOREIGN SCHEMA jira LIMIT TO (issues, issue_comments) FROM SERVER jira INTO jira;" >/dev/null
curl -sf "$jira_url/_reset" >/dev/null
jira_keys() { t_psql "SELECT coalesce(string_agg(key || ' ' || summary, ',' ORDER BY key), '') FROM jira.issues WHERE project_key = 'EMPTY'"; }
searches() { t_fake_log jira clear | grep -c '^POST /rest/api/3/search/jql'; }
t_equal "backend 1 reads the empty Jira project" "" "$(jira_keys)"
t_equal "backend 1 searched" 1 "$(searches)"
t_equal "backend 2 reads it too" "" "$(jira_keys)"
t_equal "backend 2 was served from the shared cache" 0 "$(searches)"
t_equal "backend 3 creates an issue and reads it back" "EMPTY-1 To Do" \
	"$(t_psql "INSERT INTO jira.issues (project_key, summary, issue_type) VALUES ('EMPTY', 'From backend 3', 'Task') RETURNING key, status" | tr '|' ' ')"
t_equal "its requests: the create, then the GET of the new issue" \
	"POST /rest/api/3/issue|GET /rest/api/3/issue/EMPTY-1" \
	"$(t_fake_log jira clear | cut -d' ' -f1,2 | paste -sd'|')"
t_equal "backend 4 sees it" "EMPTY-1 From backend 3" "$(jira_keys)"
t_equal "backend 4 searched again: the write forgot the cached page" 1 "$(searches)"
t_equal "backend 5 comments on it" "1" \
	"$(t_psql "INSERT INTO jira.issue_comments (issue_key, body) VALUES ('EMPTY-1', 'Seen') RETURNING 1")"
t_equal "backend 6 lists the comment" "Seen" \
	"$(t_psql "SELECT body FROM jira.issue_comments WHERE issue_key = 'EMPTY-1'")"
curl -sf "$jira_url/_reset" >/dev/null

curl -sf "$FAKE_GITHUB_URL/_reset" >/dev/null
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
t_done
