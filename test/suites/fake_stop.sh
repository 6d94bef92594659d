#!/usr/bin/env bash
# fake_stop.sh -- test/fake/stop.sh stops only the fake servers its own
# FAKE_RUN_DIR's pid files name, so two runs on one machine never stop each
# other's servers; a second start.sh on taken ports fails, naming the port,
# and leaves the first run's servers alone.
#
# Runs beside the fakes of the current run (ports 8081-8084), with a
# FAKE_RUN_DIR of its own standing for "another run".
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"
. test/fake/common.sh

other=$(mktemp -d -t saas_fdw_fake_stop.XXXXXX)
trap 'FAKE_RUN_DIR=$other bash test/fake/stop.sh >/dev/null 2>&1; rm -rf "$other"' EXIT

before=$(fake_health_pid 8081)
t_check "the run's fake GitHub answers on 8081" test -n "$before"

FAKE_RUN_DIR=$other bash test/fake/stop.sh >/dev/null 2>&1
t_equal "stop.sh of another FAKE_RUN_DIR leaves the running fake alone" "$before" "$(fake_health_pid 8081)"

out=$(FAKE_RUN_DIR=$other bash test/fake/start.sh github 2>&1)
rc=$?
t_check "start.sh of another FAKE_RUN_DIR fails while the port is taken" test "$rc" -ne 0
if grep -q "port 8081 is held by another fake server (pid $before)" <<<"$out"; then
	t_ok "start.sh names the taken port and the server on it"
else
	t_not_ok "start.sh names the taken port and the server on it" "$out"
fi
t_equal "the failed start left the running fake alone" "$before" "$(fake_health_pid 8081)"
t_done
