#!/usr/bin/env bash
# activity.sh -- saas_fdw_activity seen from another backend (src/activity.c):
# while a scan waits for a page that stalls, a second backend sees its row
# (server, table, the request it waits for, its pages and rows so far,
# waiting since); a role of its own sees the row without the request; a
# scan ended by pg_cancel_backend or pg_terminate_backend leaves no row.
# And the wait event of a backend waiting on the network: SaasFdwHttp on
# PostgreSQL 17 and later, the generic Extension before (test/majors.sh
# --ci runs this suite on 17 and 18).
#
# Runs in the run's cluster, in a database of its own, against a github
# server whose base_url is the faults fake (test/fake/faults.py): its
# repository fault/stall-page-3 has four pages of five issues, and page 3
# sends half its body and then nothing for a minute.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

faults=${FAKE_FAULTS_URL:-http://127.0.0.1:8084}
db=saas_fdw_activity
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" \
		-c "DROP ROLE IF EXISTS activity_other" >/dev/null 2>&1
}
trap cleanup EXIT
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
	-c "DROP ROLE IF EXISTS activity_other" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db

t_psql "CREATE EXTENSION saas_fdw;
	CREATE SERVER fx FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$faults', cache_ttl '0', max_retries '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER fx OPTIONS (token 'ghp_activity_suite');
	CREATE SCHEMA fx;
	IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER fx INTO fx;
	CREATE ROLE activity_other;" >/dev/null
curl -sf "$faults/_reset" >/dev/null

STALLED="SELECT count(*) FROM fx.issues WHERE repo = 'fault/stall-page-3'"

# stalled_scan: start a scan that stalls on page 3 in the background
# (application_name activity_stalled, its pid in $scan_pid, its psql in
# $scan_bg), and wait until another backend sees it wait for that page
stalled_scan() {
	local i
	PGAPPNAME=activity_stalled psql -X -q -At -v VERBOSITY=verbose \
		-c "SET saas_fdw.timeout = '10min'" -c "$STALLED" >/dev/null 2>&1 &
	scan_bg=$!
	scan_pid=
	for i in $(seq 150); do
		scan_pid=$(t_psql "SELECT pid FROM saas_fdw_activity
			WHERE request LIKE '%page=3' AND waiting_since IS NOT NULL")
		[[ -n $scan_pid ]] && return 0
		sleep 0.1
	done
	return 1
}

# gone_after name function: stop the stalled scan with function; ok when its
# psql ends and no row of its backend is left
gone_after() {
	local name=$1 func=$2 rows
	t_psql "SELECT $func($scan_pid)" >/dev/null
	if ! t_wait_exit "$scan_bg" 150; then
		kill "$scan_bg"
		t_not_ok "$name" "the stalled session was still running 15 s after $func"
	else
		rows=$(t_psql "SELECT count(*) FROM saas_fdw_activity")
		t_equal "$name" 0 "$rows"
	fi
	wait "$scan_bg" 2>/dev/null
}

t_equal "idle: the view is empty" 0 "$(t_psql "SELECT count(*) FROM saas_fdw_activity")"

if ! stalled_scan; then
	t_not_ok "a scan waiting for page 3 shows in saas_fdw_activity" \
		"$(t_psql "SELECT * FROM saas_fdw_activity")"
	kill "$scan_bg" 2>/dev/null
	t_done
fi
t_ok "a scan waiting for page 3 shows in saas_fdw_activity"
t_equal "its row: database, user, server, table, request, pages and rows so far, waiting" \
	"$db|$(t_psql "SELECT current_user")|fx|fx.issues|/repos/fault/stall-page-3/issues?state=all&per_page=100&page=3|2|10|0|t|t" \
	"$(t_psql "SELECT database, username, server, foreign_table, request, pages, rows, retries,
		bytes > 0, waiting_since BETWEEN started_at AND now()
		FROM saas_fdw_activity WHERE pid = $scan_pid")"
t_equal "its row is the backend's own in pg_stat_activity" activity_stalled \
	"$(t_psql "SELECT application_name FROM pg_stat_activity WHERE pid = $scan_pid")"
http_event=$(t_saas_wait_event SaasFdwHttp)
t_equal "its backend waiting on the network shows wait_event ${http_event#*|} (src/wait_events.c)" \
	"$http_event" "$(t_wait_event "$scan_pid" "$http_event")"
t_equal "another role sees the row, not the request (as pg_stat_activity hides a query)" \
	"fx|fx.issues|t|2" \
	"$(psql -X -q -At -c "SET ROLE activity_other" -c "SELECT server, foreign_table, request IS NULL, pages
		FROM saas_fdw_activity WHERE pid = $scan_pid" 2>&1)"
t_check "the view never shows the token" \
	bash -c '! psql -X -At -c "SELECT * FROM saas_fdw_activity" | grep -q ghp_'
gone_after "pg_cancel_backend: the scan's row is gone" pg_cancel_backend

if stalled_scan; then
	gone_after "pg_terminate_backend: the scan's row is gone" pg_terminate_backend
else
	t_not_ok "pg_terminate_backend: the scan's row is gone" "the scan did not show"
	kill "$scan_bg" 2>/dev/null
fi

t_done
