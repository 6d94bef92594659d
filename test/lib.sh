# lib.sh -- helpers for test suites (test/suites/*.sh); source it with
#     . "$SAAS_FDW_TEST_LIB"
#
# A suite prints one line per check, "ok - <name>" or "not ok - <name>",
# and exits non-zero when any check failed (t_done does that).  A check that
# cannot run says so with "ok - <name> # SKIP <why>": test/run.sh reports it
# and does not count it as passed.  test/run.sh
# runs every executable test/suites/*.sh from the repository root inside a
# throwaway cluster (as root: in a network namespace of the run's own, where
# 127.0.0.1 is private to the run), with PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE set and
#     FAKE_GITHUB_URL  FAKE_STRIPE_URL  FAKE_SLACK_URL   the fake APIs
#     FAKE_FAULTS_URL         the fault-injecting fake (test/fake/faults.py)
#     FAKE_JIRA_URL  FAKE_LINEAR_URL   the fake Jira Cloud and Linear APIs
#     SAAS_FDW_ROOT           the repository root
#     SAAS_FDW_WITH_CLUSTER   test/with-cluster.sh, for a cluster of one's own
#     SAAS_FDW_PG_LOG         the server's log file
#     SAAS_FDW_DESTDIR        the private installation the clusters load
#     SAAS_FDW_TEST_LIB       this file

t_failures=0

t_ok() { echo "ok - $1"; }

t_not_ok() {		# name [detail...]
	echo "not ok - $1"
	shift
	[[ $# -gt 0 ]] && printf '%s\n' "$@" | sed 's/^/#   /'
	t_failures=$((t_failures + 1))
}

t_check() {		# name command [args...]: ok when the command succeeds
	local name=$1
	shift
	if "$@"; then t_ok "$name"; else t_not_ok "$name" "failed: $*"; fi
}

t_equal() {		# name expected actual
	if [[ $2 == "$3" ]]; then
		t_ok "$1"
	else
		t_not_ok "$1" "expected: $2" "actual:   $3"
	fi
}

t_psql() {		# sql: run it, print unaligned tuples only, stop on error
	psql -X -q -v ON_ERROR_STOP=1 -At -c "$1"
}

t_fake_log() {		# service [clear]: the fake server's request log
	local url
	case $1 in
	github) url=$FAKE_GITHUB_URL ;;
	stripe) url=$FAKE_STRIPE_URL ;;
	slack) url=$FAKE_SLACK_URL ;;
	faults) url=$FAKE_FAULTS_URL ;;
	jira) url=${FAKE_JIRA_URL:-http://127.0.0.1:8085} ;;
	linear) url=${FAKE_LINEAR_URL:-http://127.0.0.1:8086} ;;
	*) echo "t_fake_log: unknown service $1" >&2; return 2 ;;
	esac
	curl -sf "$url/_log${2:+?clear=1}"
}

t_wait_exit() {		# pid tenths: wait up to tenths/10 s for a background
			# process to end; false if it still runs
	local i
	for i in $(seq "$2"); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	! kill -0 "$1" 2>/dev/null
}

t_wait_event() {	# pid expected: the backend's "wait_event_type|wait_event",
			# polled until it is expected (a wait has short gaps), 3 s at most
	local i seen
	for i in $(seq 30); do
		seen=$(t_psql "SELECT wait_event_type || '|' || wait_event FROM pg_stat_activity WHERE pid = $1")
		[[ $seen == "$2" ]] && break
		sleep 0.1
	done
	echo "$seen"
}

t_saas_wait_event() {	# name: "Extension|name" as pg_stat_activity shows a wait
			# event of saas_fdw's on PostgreSQL 17 and later, before 17
			# the generic "Extension|Extension" (src/wait_events.c)
	if (($(t_psql "SHOW server_version_num") >= 170000)); then
		echo "Extension|$1"
	else
		echo "Extension|Extension"
	fi
}

t_done() {		# exit with the suite's status
	exit $((t_failures > 0))
}
