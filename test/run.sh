#!/usr/bin/env bash
# run.sh -- the whole test suite of saas_fdw:  bash test/run.sh
#
# 1. installs the Debian packages (test/install-deps.sh), builds and installs
#    the extension (make install as root, else through sudo), and once more
#    into a private DESTDIR that the test clusters load it from (test/build.sh);
# 2. starts the fake GitHub/Stripe/Slack APIs on 127.0.0.1:8081/8082/8083 (and
#    the fault-injecting fake on 8084, Jira on 8085, Linear on 8086)
#    (test/fake/start.sh) and stops them on exit.  As root, steps 2 and 3
#    run in a network namespace of their own (unshare --net, loopback only),
#    so concurrent runs on one machine never share or stop each other's fake
#    servers; SAAS_FDW_SHARED_NET=1 turns that off, and so does a machine
#    where unshare is not allowed;
# 3. makes a throwaway cluster with saas_fdw preloaded (test/with-cluster.sh,
#    i.e. pg_virtualenv -t) and runs in it the pg_regress tests
#    (make installcheck: sql/*.sql against expected/*.out), then every
#    executable test/suites/*.sh (see test/lib.sh for what a suite gets);
# 4. ends with exactly one line "N passed, N failed" and exits non-zero on
#    any failure.  pg_regress counts its tests; a suite counts its
#    "ok - " / "not ok - " lines (a suite that exits non-zero without a
#    "not ok" line counts as one failure); an "ok - name # SKIP why" line
#    is counted neither way, only reported.
#
# Settings: PG_MAJOR (the PostgreSQL major to test against, default the
# newest installed; see test/pg-major.sh), SAAS_FDW_REGRESS (names of the
# sql/*.sql tests to run, space-separated; default all), SAAS_FDW_SUITES
# (names of the test/suites/*.sh to run, space-separated; default all; a
# name that matches none, such as "none", runs no suite), SUITE_TIMEOUT
# (seconds per suite, default 300; a suite may ask for more with a header
# line "# suite-timeout: SECONDS"), REGRESS_TIMEOUT (seconds for pg_regress,
# default 600).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export LC_ALL=C.UTF-8 LANG=C.UTF-8
. test/pg-major.sh
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}
REGRESS_TIMEOUT=${REGRESS_TIMEOUT:-600}

# The time a suite may take: SUITE_TIMEOUT, or more where the suite's header
# asks for it with a line "# suite-timeout: SECONDS" (valgrind runs every
# pg_regress test once more, about 20 times slower).
suite_timeout() {
	local asked
	asked=$(sed -n 's/^# suite-timeout: *\([0-9][0-9]*\)$/\1/p' "$1" | head -n 1)
	if [[ -n $asked && $asked -gt $SUITE_TIMEOUT ]]; then
		echo "$asked"
	else
		echo "$SUITE_TIMEOUT"
	fi
}

# ---------------------------------------------------------------------------
# Inside the throwaway cluster: pg_regress, then the suites.  Writes
# "<passed> <failed>" to the file named by $1.
# ---------------------------------------------------------------------------
in_cluster() {
	local counts=$1 passed=0 failed=0 out rc suite name ok nok limit skipped
	out=$(mktemp -t saas_fdw_out.XXXXXX)

	if compgen -G "sql/*.sql" >/dev/null; then
		echo "== pg_regress (make installcheck)"
		timeout "$REGRESS_TIMEOUT" make installcheck \
			${SAAS_FDW_REGRESS:+REGRESS="$SAAS_FDW_REGRESS"} 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
		if [[ $(grep -Eo 'All [0-9]+ tests passed' "$out") =~ ([0-9]+) ]]; then
			passed=$((passed + BASH_REMATCH[1]))
		elif [[ $(grep -Eo '[0-9]+ of [0-9]+ tests failed' "$out") =~ ([0-9]+)\ of\ ([0-9]+) ]]; then
			failed=$((failed + BASH_REMATCH[1]))
			passed=$((passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
		fi
		if [[ $rc -ne 0 ]] && ! grep -Eq 'tests (passed|failed)' "$out"; then
			echo "not ok - pg_regress ended with status $rc and no summary"
			failed=$((failed + 1))
		fi
		if [[ -s regression.diffs ]]; then
			echo "== regression.diffs (first 300 lines)"
			head -n 300 regression.diffs
		fi
	else
		echo "== pg_regress: no sql/*.sql tests yet"
	fi

	for suite in test/suites/*.sh; do
		[[ -e $suite ]] || continue
		name=$(basename "$suite" .sh)
		[[ -z ${SAAS_FDW_SUITES:-} || " $SAAS_FDW_SUITES " == *" $name "* ]] || continue
		if [[ ! -x $suite ]]; then
			echo "== suite $name: skipped, $suite is not executable"
			continue
		fi
		echo "== suite $name"
		limit=$(suite_timeout "$suite")
		timeout "$limit" "$suite" 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
		# a check that did not run ("ok - name # SKIP why") is no pass
		ok=$(grep '^ok - ' "$out" | grep -vc '# SKIP')
		skipped=$(grep '^ok - ' "$out" | grep -c '# SKIP')
		nok=$(grep -c '^not ok - ' "$out")
		[[ $skipped -gt 0 ]] && echo "== suite $name: $skipped skipped, not counted as passed"
		if [[ $rc -ne 0 && $nok -eq 0 ]]; then
			[[ $rc -eq 124 ]] && echo "not ok - suite $name timed out after ${limit}s" ||
				echo "not ok - suite $name exited with status $rc"
			nok=1
		fi
		passed=$((passed + ok))
		failed=$((failed + nok))
	done

	rm -f "$out"
	echo "$passed $failed" >"$counts"
	[[ $failed -eq 0 ]]
}

# ---------------------------------------------------------------------------
# The fake servers and the cluster (in the run's own network namespace when
# there is one).  Writes "<passed> <failed>" to the file named by $1.
# ---------------------------------------------------------------------------
run_tests() {
	local counts=$1
	if [[ ${SAAS_FDW_NETNS:-} == 1 ]] && ! ip link set lo up; then
		echo "not ok - bring up the loopback interface of the network namespace"
		echo "0 1" >"$counts"
		return 1
	fi
	trap 'bash test/fake/stop.sh --own >/dev/null 2>&1' EXIT
	echo "== starting fake API servers"
	if ! bash test/fake/start.sh; then
		echo "not ok - start fake API servers"
		echo "0 1" >"$counts"
		return 1
	fi
	export FAKE_GITHUB_URL=http://127.0.0.1:8081
	export FAKE_STRIPE_URL=http://127.0.0.1:8082
	export FAKE_SLACK_URL=http://127.0.0.1:8083
	export FAKE_FAULTS_URL=http://127.0.0.1:8084
	export FAKE_JIRA_URL=http://127.0.0.1:8085
	export FAKE_LINEAR_URL=http://127.0.0.1:8086
	export SAAS_FDW_ROOT=$ROOT
	export SAAS_FDW_WITH_CLUSTER=$ROOT/test/with-cluster.sh
	export SAAS_FDW_TEST_LIB=$ROOT/test/lib.sh
	echo "== throwaway cluster (pg_virtualenv)"
	bash test/with-cluster.sh -- bash "$ROOT/test/run.sh" --in-cluster "$counts"
}

case ${1:-} in
--in-cluster) in_cluster "$2"; exit ;;
--tests) run_tests "$2"; exit ;;
esac

# ---------------------------------------------------------------------------
# Outside: dependencies, build, the tests, the total.
# ---------------------------------------------------------------------------
passed=0
failed=0
work=$(mktemp -d -t saas_fdw_test.XXXXXX)
chmod a+rx "$work"		# the server (OS user postgres) loads from it
export FAKE_RUN_DIR=$work/fake
export SAAS_FDW_DESTDIR=$work/install

finish() {
	bash test/fake/stop.sh --own >/dev/null 2>&1
	if [[ $failed -gt 0 ]]; then
		for log in "$FAKE_RUN_DIR"/*.log; do
			[[ -s $log ]] || continue
			echo "== last lines of $log"
			tail -n 15 "$log"
		done
	fi
	rm -rf "$work"
	echo "$passed passed, $failed failed"
}
trap finish EXIT

step_failed() {
	echo "not ok - $1"
	failed=$((failed + 1))
	exit 1
}

# (a private copy too: the test clusters load it, see test/with-cluster.sh)
bash test/build.sh "$SAAS_FDW_DESTDIR" || step_failed "install dependencies, build, install"

if [[ $(id -u) -eq 0 && ${SAAS_FDW_SHARED_NET:-} != 1 ]] && unshare --net true 2>/dev/null; then
	echo "== own network namespace (loopback only)"
	SAAS_FDW_NETNS=1 unshare --net bash "$ROOT/test/run.sh" --tests "$work/counts"
else
	echo "== shared network: fake servers on this machine's ports 8081-8084"
	bash "$ROOT/test/run.sh" --tests "$work/counts"
fi
if [[ -s $work/counts ]]; then
	read -r passed failed <"$work/counts"
else
	step_failed "throwaway cluster with saas_fdw preloaded"
fi
[[ $failed -eq 0 ]]
