#!/usr/bin/env bash
# stop.sh [--own] -- stop the fake API servers started by start.sh.
#
# Stops the pids recorded in $FAKE_RUN_DIR (default /tmp/saas_fdw_fake), then
# any fake server still answering on one of the ports (a leftover of a run
# with another FAKE_RUN_DIR), identified by the pid its /_health reports.
# With --own, only the first: the servers of this FAKE_RUN_DIR.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
own_only=false
[[ ${1:-} == --own ]] && own_only=true

for entry in $FAKE_SERVICES; do
	name=${entry%%:*} port=${entry##*:}
	if [[ -f $FAKE_RUN_DIR/$name.pid ]]; then
		fake_kill "$(cat "$FAKE_RUN_DIR/$name.pid")"
		rm -f "$FAKE_RUN_DIR/$name.pid"
	fi
	$own_only && continue
	pid=$(fake_health_pid "$port")
	[[ -n $pid ]] && fake_kill "$pid"
	if [[ -n $(fake_health_pid "$port") ]]; then
		echo "stop.sh: something still answers on port $port" >&2
		exit 1
	fi
done
exit 0
