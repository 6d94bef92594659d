#!/usr/bin/env bash
# faults.sh -- hostile networks and APIs: every fault of the fault-injecting
# fake (test/fake/faults.py) ends in the right rows or a clear ERROR with its
# SQLSTATE; a stalled transfer ends by saas_fdw.timeout, statement_timeout,
# pg_cancel_backend and pg_terminate_backend; and the postmaster survives
# it all (same pid, no crash in the server log).
#
# Runs in the run's cluster, in a database of its own, against a github
# server whose base_url is the faults fake (cache_ttl 0, so every retry is
# a request the fake's log shows).  docs/security.md lists where each fault
# is tested (here, or in sql/08_github_errors.sql).
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

faults=${FAKE_FAULTS_URL:-http://127.0.0.1:8084}
db=saas_fdw_faults
log_start=$(stat -c %s "$SAAS_FDW_PG_LOG" 2>/dev/null || echo 0)

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db
postmaster_pid() { psql -X -At -c "SELECT split_part(pg_read_file('postmaster.pid'), E'\n', 1)"; }
postmaster_before=$(postmaster_pid)

t_psql "CREATE EXTENSION saas_fdw;
	CREATE SERVER fx FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$faults', cache_ttl '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER fx OPTIONS (token 'ghp_faults_suite');
	CREATE SCHEMA fx;
	IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER fx INTO fx;
	CREATE SERVER sl FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'slack', base_url '$FAKE_SLACK_URL/api', cache_ttl '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER sl OPTIONS (token 'xoxb-test');
	CREATE SCHEMA sl;
	IMPORT FOREIGN SCHEMA slack LIMIT TO (messages) FROM SERVER sl INTO sl;" >/dev/null
curl -sf "$faults/_reset" >/dev/null

# ---- helpers -------------------------------------------------------------

# run [SET ...;] sql: one session; prints its rows, or its error with the
# SQLSTATE (psql's verbose form, "ERROR:  22003: ..."), never fails
run() { psql -X -q -At -v VERBOSITY=verbose -c "$1" 2>&1; }

count_of() {	# fault: the issues query of that fault repository
	echo "SELECT count(*) FROM fx.issues WHERE repo = 'fault/$1'"
}

requests() {	# path fragment: requests that reached the fake since the last call
	curl -sf "$faults/_log?clear=1" | grep -c -- "$1"
}

expect_rows() {	# name fault expected-count requests [SET ...;]
	local out n
	curl -sf "$faults/_log?clear=1" >/dev/null
	out=$(run "${5:-} $(count_of "$2")")
	n=$(requests "/fault/$2/")
	t_equal "$1" "$3 rows, $4 requests" "$out rows, $n requests"
}

expect_error() {	# name sql sqlstate message-regex
	local out
	out=$(run "$2")
	if grep -Eq "^(ERROR|FATAL):  $3: " <<<"$out" && grep -Eq -- "$4" <<<"$out"; then
		t_ok "$1"
	else
		t_not_ok "$1" "expected $3 matching /$4/, got:" "$out"
	fi
}

expect_fault_error() {	# name fault sqlstate message-regex requests [SET ...;]
	local n
	curl -sf "$faults/_log?clear=1" >/dev/null
	expect_error "$1" "${6:-} $(count_of "$2")" "$3" "$4"
	n=$(requests "/fault/$2/")
	t_equal "$1: requests made" "$5" "$n"
}

# ---- HTTP status faults ----------------------------------------------------

expect_rows "5xx twice, then 200: retried, the rows" flaky 5 3 "SET saas_fdw.max_retries = 3;"
expect_fault_error "5xx always: HV000 after the bounded retries" broken HV000 \
	"github API failed: 503 Service Unavailable" 3 "SET saas_fdw.max_retries = 2;"
expect_rows "502 with Retry-After: waited, the rows" retry-after-502 5 2
expect_rows "503 with Retry-After: waited, the rows" retry-after-503 5 2
expect_rows "429 with Retry-After: waited, the rows" throttled 5 2
expect_rows "403 with x-ratelimit-remaining 0, reset in 1 s: waited, the rows" reset-soon 5 2
# an hour-long limit then holds back every request of its server and
# credential (the shared rate limiter, src/ratelimit.c): a server of its own
# keeps it from the faults below
t_psql "CREATE SERVER fx_later FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$faults', cache_ttl '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER fx_later OPTIONS (token 'ghp_faults_suite');
	CREATE SCHEMA fx_later;
	IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER fx_later INTO fx_later;" >/dev/null
curl -sf "$faults/_log?clear=1" >/dev/null
expect_error "403 rate limit resetting in an hour: 53400 at once, saying when" \
	"SELECT count(*) FROM fx_later.issues WHERE repo = 'fault/reset-later'" 53400 \
	"The limit resets at .* \(in 3[56][0-9]{2} s\)"
t_equal "403 rate limit resetting in an hour: 53400 at once, saying when: requests made" \
	1 "$(requests /fault/reset-later/)"
expect_fault_error "401: 28000" unauthorized 28000 "github API rejected the request: 401 Unauthorized" 1

# connection refused: a port nothing listens on
closed_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t_psql "CREATE SERVER refused FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url 'http://127.0.0.1:$closed_port', max_retries '1');
	CREATE USER MAPPING FOR CURRENT_USER SERVER refused OPTIONS (token 'ghp_faults_suite');
	CREATE FOREIGN TABLE refused_issues (repo text, number int)
	  SERVER refused OPTIONS (resource 'issues');" >/dev/null
expect_error "connection refused: HV00N naming the address" \
	"SELECT count(*) FROM refused_issues WHERE repo = 'fault/ok'" HV00N \
	"could not reach the API at http://127.0.0.1:$closed_port"

# ---- timing faults ---------------------------------------------------------

expect_rows "slow response (1 s, then the body in pieces): completes" slow 5 1 \
	"SET saas_fdw.timeout = '20s';"
# (libcurl's words: 7.88 of Debian 12 says "transfer closed with N bytes
# remaining", 8.x of Debian 13 and unstable "end of response with N bytes
# missing")
expect_fault_error "body cut short by a closed connection: HV00N after retries" short-body HV00N \
	"(transfer closed with [0-9]+ bytes remaining|end of response with [0-9]+ bytes missing)" 2 \
	"SET saas_fdw.max_retries = 1;"
expect_fault_error "stalled mid-body: saas_fdw.timeout ends it, HV00N" stall HV00N \
	"API request to .* timed out" 2 "SET saas_fdw.timeout = '1s'; SET saas_fdw.max_retries = 1;"
expect_error "stalled mid-body: statement_timeout ends it, 57014" \
	"SET statement_timeout = '1s'; $(count_of stall)" 57014 "statement timeout"
expect_error "stalled on page 3 with page 4 read ahead: statement_timeout ends it, 57014" \
	"SET statement_timeout = '2s'; $(count_of stall-page-3)" 57014 "statement timeout"
# statements one after another in one session, errors and all
session() { psql -X -q -At "${@/#/-c}" 2>/dev/null; }
t_equal "after a transfer ended by saas_fdw.timeout the same backend fetches again" 5 \
	"$(session "SET saas_fdw.timeout = '1s'" "SET saas_fdw.max_retries = 0" \
		"$(count_of stall)" "$(count_of ok)")"
t_equal "after a read-ahead cancelled by statement_timeout the same backend fetches again" 5 \
	"$(session "SET statement_timeout = '2s'" "$(count_of stall-page-3)" "$(count_of ok)")"

# A session stalled in a transfer (saas_fdw.timeout far beyond the fake's
# stall), stopped from another session by sig_sql.  Success means: the
# stalled psql ended on its own, within a bound far shorter than the stall,
# with the error the signal calls for, and its backend is gone.
stalled_session_ends() {	# name sig_function expected-regex
	local name=$1 func=$2 want=$3 out pid bg i
	out=$(mktemp)
	curl -sf "$faults/_log?clear=1" >/dev/null
	PGAPPNAME=faults_stalled psql -X -q -At -v VERBOSITY=verbose \
		-c "SET saas_fdw.timeout = '10min'; $(count_of stall)" >"$out" 2>&1 &
	bg=$!
	for i in $(seq 100); do
		curl -sf "$faults/_log" | grep -q /fault/stall/ && break
		sleep 0.1
	done
	pid=$(t_psql "SELECT pid FROM pg_stat_activity WHERE application_name = 'faults_stalled'")
	t_psql "SELECT $func($pid)" >/dev/null
	if ! t_wait_exit "$bg" 150; then
		kill "$bg"
		t_not_ok "$name" "the stalled session was still running 15 s after $func"
	elif grep -Eq -- "$want" "$out" &&
		[[ -z $(t_psql "SELECT pid FROM pg_stat_activity WHERE pid = $pid AND state <> 'idle'") ]]; then
		t_ok "$name"
	else
		t_not_ok "$name" "expected /$want/, got:" "$(cat "$out")"
	fi
	wait "$bg" 2>/dev/null
	rm -f "$out"
}
stalled_session_ends "stalled mid-body: pg_cancel_backend ends it, 57014" \
	pg_cancel_backend "ERROR:  57014: canceling statement due to user request"
stalled_session_ends "stalled mid-body: pg_terminate_backend ends it, 57P01" \
	pg_terminate_backend "FATAL:  57P01: terminating connection due to administrator command"

# ---- bodies ----------------------------------------------------------------

expect_fault_error "truncated JSON: HV004" truncated-json HV004 "could not parse the API response as JSON" 1
expect_fault_error "malformed JSON: HV004" malformed-json HV004 "could not parse the API response as JSON" 1
expect_fault_error "empty body: HV004" empty-body HV004 "stopped at byte 0 of 0" 1
expect_fault_error "an object where the list belongs: HV004" not-a-list HV004 \
	"API response has no list of items" 1
expect_fault_error "strings where items (objects) belong: HV004, no rows of nulls" string-items HV004 \
	"Item 1 of the list is a string" 1
curl -sf "$faults/_log?clear=1" >/dev/null
t_equal "one issue (GET .../issues/3) as an object: its row" "3|Fault fixture issue 3" \
	"$(run "SELECT number, title FROM fx.issues WHERE repo = 'fault/ok' AND number = 3")"
expect_error "a list where one issue belongs: HV004, no row of nulls" \
	"SELECT number, title FROM fx.issues WHERE repo = 'fault/list-for-one' AND number = 3" HV004 \
	"The response is an array, not an object"
expect_error "a string where one issue belongs: HV004, no row of nulls" \
	"SELECT number, title FROM fx.issues WHERE repo = 'fault/string-for-one' AND number = 3" HV004 \
	"The response is a string, not an object"
t_equal "one issue each: requests made" 3 "$(requests /issues/3)"
t_equal "strings where objects belong inside an item: those columns are null, as jsonb's #>> reads them" \
	"5|0|0|0|5" \
	"$(run "SELECT count(*), count(user_login), count(labels), count(milestone), count(title)
		FROM fx.issues WHERE repo = 'fault/string-fields'")"
t_equal "null fields: rows of nulls" "3|0|0|0|0" \
	"$(run "SELECT count(*), count(number), count(title), count(labels), count(created_at)
		FROM fx.issues WHERE repo = 'fault/null-fields'")"
expect_error "number out of range for integer: 22003 naming table, column and value" \
	"SELECT number FROM fx.issues WHERE repo = 'fault/out-of-range'" 22003 \
	'column "number" of foreign table "issues", API value "3000000000"'
expect_fault_error "huge body (Content-Length): 54000 saas_fdw.max_response_size" huge 54000 \
	"larger than saas_fdw.max_response_size" 1 "SET saas_fdw.max_response_size = '1MB';"
expect_fault_error "huge body (no Content-Length): 54000 saas_fdw.max_response_size" huge-unsized 54000 \
	"larger than saas_fdw.max_response_size" 1 "SET saas_fdw.max_response_size = '1MB';"
expect_fault_error "invalid UTF-8: HV004" bad-utf8 HV004 "invalid utf-8" 1
t_equal "a lone surrogate escape: replaced, valid text" "a�b" \
	"$(run "SELECT title FROM fx.issues WHERE repo = 'fault/lone-surrogate' AND title NOT LIKE 'Fault%'")"
expect_error "NUL byte escaped (\\u0000) in text: 22P05 naming the column" \
	"SELECT title FROM fx.issues WHERE repo = 'fault/nul-escape'" 22P05 \
	'column "title" of foreign table "issues"'
t_equal "NUL byte escaped, column not read: the rows" 5 "$(run "$(count_of nul-escape)")"
expect_fault_error "raw NUL byte in the body: HV004" nul-raw HV004 "could not parse the API response as JSON" 1

# ---- pagination and redirects ----------------------------------------------

expect_fault_error "Link next pointing at the same page: HV000" loop-self HV000 \
	"pagination loops" 1
expect_fault_error "Link next pointing back to page 1: HV000 after 2 pages" loop-back HV000 \
	"pagination loops" 2

curl -sf "$faults/_headers?clear=1" >/dev/null
t_equal "redirect to another host: the rows" 5 "$(run "$(count_of redirect-away)")"
t_equal "redirect to another host: Authorization not forwarded" \
	"127.0.0.1:${faults##*:} /repos/fault/redirect-away/issues authorization=present
localhost:${faults##*:} /elsewhere/issues authorization=absent" \
	"$(curl -sf "$faults/_headers?clear=1")"
t_equal "redirect on the same origin: the rows" 5 "$(run "$(count_of redirect-same)")"
t_equal "redirect on the same origin: Authorization kept" \
	"127.0.0.1:${faults##*:} /repos/fault/redirect-same/issues authorization=present
127.0.0.1:${faults##*:} /repos/fault/ok/issues authorization=present" \
	"$(curl -sf "$faults/_headers?clear=1")"
expect_fault_error "redirect loop: HV000 after 5 redirects" redirect-loop HV000 \
	"redirected more than 5 times" 6
expect_fault_error "redirect to file://: HV000, not followed" redirect-scheme HV000 \
	"not http or https" 1

# ---- Slack errors sent with HTTP 200 ---------------------------------------

slack_requests() { curl -sf "$FAKE_SLACK_URL/_log?clear=1" | grep -c -- "$1"; }
curl -sf "$FAKE_SLACK_URL/_reset" >/dev/null
t_equal "slack internal_error (HTTP 200): retried like a 5xx, the rows" "12 rows, 2 requests" \
	"$(run "SELECT count(*) FROM sl.messages WHERE channel = 'C11INTERNAL'") rows, $(slack_requests C11INTERNAL) requests"
expect_error "slack fatal_error, no retries left: HV000" \
	"SET saas_fdw.max_retries = 0; SELECT count(*) FROM sl.messages WHERE channel = 'C12FATAL'" HV000 \
	"slack API failed: fatal_error"
t_equal "slack fatal_error: one request when max_retries is 0" 1 "$(slack_requests C12FATAL)"

# ---- no leak ------------------------------------------------------------------

# One backend meets the quick faults round after round, as top-level errors
# and inside exception blocks.  After a first round (caches warm), more
# rounds leave its memory contexts and its resident size where they were.
leak_faults=(ok broken unauthorized truncated-json malformed-json not-a-list
	string-items out-of-range nul-escape nul-raw bad-utf8 huge huge-unsized
	loop-back redirect-loop redirect-scheme short-body)
leak_round() {
	local f
	for f in "${leak_faults[@]}" stall stall-page-3; do
		echo "SELECT count(*), sum(number), count(title) FROM fx.issues WHERE repo = 'fault/$f';"
	done
	for f in "${leak_faults[@]}"; do
		echo "DO \$\$ BEGIN PERFORM count(title) FROM fx.issues WHERE repo = 'fault/$f';
			EXCEPTION WHEN OTHERS THEN NULL; END \$\$;"
	done
}
memory="SELECT 'memory', sum(total_bytes),
	(regexp_match(pg_read_file('/proc/self/status'), 'VmRSS:\s*(\d+)'))[1]::int
	FROM pg_backend_memory_contexts;"
leak_sql=$(mktemp)
{
	echo "SET saas_fdw.max_retries = 0; SET saas_fdw.timeout = '1s';"
	echo "SET saas_fdw.max_response_size = '1MB'; SET statement_timeout = '3s';"
	leak_round
	# once unmeasured: from PostgreSQL 17 on the compiled regular expression
	# stays cached in memory contexts of the backend
	echo "${memory/'memory'/'warm-up'}"
	echo "$memory"
	leak_round
	leak_round
	echo "$memory"
} >"$leak_sql"
read -r before_bytes before_rss after_bytes after_rss < <(psql -X -q -At -F ' ' -f "$leak_sql" 2>/dev/null |
	awk '$1 == "memory" { printf "%s %s ", $2, $3 } END { print "" }')
rm -f "$leak_sql"
t_check "two more rounds of faults: the backend's memory contexts did not grow" \
	test "${after_bytes:-x}" -le "${before_bytes:-0}"
t_check "two more rounds of faults: its resident size grew by less than 256 kB" \
	test "$(( ${after_rss:-99999} - ${before_rss:-0} ))" -lt 256

# ---- the server survived ---------------------------------------------------

t_equal "the postmaster is the same process" "$postmaster_before" "$(postmaster_pid)"
crashes=$(tail -c +"$((log_start + 1))" "$SAAS_FDW_PG_LOG" |
	grep -E "terminated by signal|server process .* (was terminated|exited with exit code)|all server processes terminated" || true)
t_equal "no backend crashed (server log)" "" "$crashes"

psql -X -q -d postgres -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
t_done
