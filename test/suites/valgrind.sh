#!/usr/bin/env bash
# valgrind.sh -- the pg_regress tests once more, with every server process
# under valgrind's memcheck, and a failure for any memory error that
# saas_fdw's code has on its stack.
#
# 1. Makes a cluster of its own ($SAAS_FDW_WITH_CLUSTER: the run's build,
#    preloaded), stops it and starts it again through pg_ctl -p with a
#    wrapper that runs the postmaster under valgrind.  Backends are forks of
#    the postmaster, so valgrind follows them; programs they exec (COPY ...
#    FROM PROGRAM) run natively.  One log file per process.
# 2. Checks that a backend really runs under memcheck, resets the fake
#    servers (so their one-time faults fire again) and runs make
#    installcheck from a copy of sql/ and expected/.
# 3. Reads the logs: any error report whose stack goes through saas_fdw.so
#    (its own code, or libcurl or json-c called by it) is a failure.
#    Reports with no saas_fdw frame are PostgreSQL's own: Debian's server
#    is not built for valgrind (no USE_VALGRIND), so it has known false
#    alarms, such as padding bytes written to the relation cache file.
#
# Why not AddressSanitizer: preloading libasan into Debian's postgres
# deadlocks before main (libgpg-error's constructor holds gettext's lock
# while its malloc starts ASan, whose start-up calls dlerror and so
# gettext).  test/fuzz/ runs the parsers under ASan and UBSan instead.
#
# suite-timeout: 900
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"
. "$SAAS_FDW_ROOT/test/pg-major.sh"

# ---------------------------------------------------------------------------
# Inside the cluster: $2 is the suite's work directory.
# ---------------------------------------------------------------------------
if [[ ${1:-} == --in-cluster ]]; then
	work=$2
	cat >"$work/postgres" <<-EOF
		#!/bin/sh
		exec valgrind --quiet --trace-children=no --leak-check=no \\
			--num-callers=40 --log-file=$work/logs/valgrind.%p \\
			$("$PG_CONFIG" --bindir)/postgres "\$@"
	EOF
	chmod a+rx "$work/postgres"
	if ! pg_ctlcluster "$PG_MAJOR" regress stop ||
		! pg_ctlcluster "$PG_MAJOR" regress start -- -p "$work/postgres" -t 300; then
		t_not_ok "start the server under valgrind" "$(tail -n 20 "$SAAS_FDW_PG_LOG")"
		t_done
	fi

	# a backend's own memory map (COPY's shell is the backend's child)
	maps=$(t_psql "CREATE TEMP TABLE maps (line text);
		COPY maps FROM PROGRAM 'cat /proc/\$PPID/maps';
		SELECT line FROM maps WHERE line LIKE '%memcheck%' OR line LIKE '%saas_fdw.so'")
	if grep -q memcheck <<<"$maps" && grep -q saas_fdw.so <<<"$maps"; then
		t_ok "a backend runs under memcheck with saas_fdw loaded"
	else
		t_not_ok "a backend runs under memcheck with saas_fdw loaded" "$maps"
	fi

	for url in "$FAKE_GITHUB_URL" "$FAKE_STRIPE_URL" "$FAKE_SLACK_URL"; do
		curl -sf "$url/_reset" >/dev/null || t_not_ok "reset the fake server at $url"
	done
	out=$(make -C "$work/tree" installcheck 2>&1)
	if grep -Eq 'All [0-9]+ tests passed' <<<"$out"; then
		t_ok "pg_regress under valgrind: $(grep -Eo 'All [0-9]+ tests passed' <<<"$out")"
	else
		t_not_ok "pg_regress under valgrind" "$(tail -n 30 <<<"$out")" \
			"$(head -n 100 "$work/tree/regression.diffs" 2>/dev/null)"
	fi

	# the paths no other test walks: EXPLAIN ANALYZE of a parameterized
	# scan (printed after the nested loop freed its outer tuples), of an
	# InitPlan never run, rescans with per-run memory, rows deduplicated
	# pg_regress 15 prints "test NAME ... ok", 16 and later "ok N - NAME"
	if grep -Eq '^(test +13_scan_safety +\.\.\. ok|ok +[0-9]+ +- +13_scan_safety )' <<<"$out"; then
		t_ok "13_scan_safety (parameterized EXPLAIN ANALYZE, rescans) ran under valgrind"
	else
		t_not_ok "13_scan_safety (parameterized EXPLAIN ANALYZE, rescans) ran under valgrind" \
			"$(grep 13_scan_safety <<<"$out")"
	fi

	if grep -Eq 'terminated by signal|was terminated by exception' "$SAAS_FDW_PG_LOG"; then
		t_not_ok "no server process ended by a signal" \
			"$(grep -E -B2 -A2 'terminated by' "$SAAS_FDW_PG_LOG" | head -n 20)"
	else
		t_ok "no server process ended by a signal"
	fi
	t_done
fi

# ---------------------------------------------------------------------------
# Outside: the cluster, then the logs.
# ---------------------------------------------------------------------------
cd "$SAAS_FDW_ROOT" || exit 1
work=$(mktemp -d -t saas_fdw_valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
mkdir "$work/logs" "$work/tree"
[[ $(id -u) -eq 0 ]] && chown postgres "$work/logs"
cp -r Makefile sql expected "$work/tree/"

"$SAAS_FDW_WITH_CLUSTER" -- bash "$SAAS_FDW_ROOT/test/suites/valgrind.sh" --in-cluster "$work" ||
	t_failures=$((t_failures + 1))

# error reports (blocks between blank "==pid==" lines) with saas_fdw in them
errors=$(awk '/^==[0-9]+== $/ { if (block ~ /saas_fdw/) print block; block = ""; next }
	{ block = block $0 "\n" }
	END { if (block ~ /saas_fdw/) print block }' "$work"/logs/valgrind.* 2>/dev/null)
nlogs=$(find "$work/logs" -name 'valgrind.*' | wc -l)
if [[ $nlogs -eq 0 ]]; then
	t_not_ok "no memory error with saas_fdw on the stack" "valgrind wrote no log"
elif [[ -n $errors ]]; then
	t_not_ok "no memory error with saas_fdw on the stack" "$(head -n 80 <<<"$errors")"
else
	t_ok "no memory error with saas_fdw on the stack ($nlogs processes checked)"
fi
t_done
