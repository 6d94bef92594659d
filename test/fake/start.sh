#!/usr/bin/env bash
# start.sh [name...] -- start the fake API servers in the background: all
# of them, or only those named (github, stripe, slack, faults, jira, linear).
#
# Servers: github on 127.0.0.1:8081, stripe on 8082, slack on 8083, the
# fault-injecting faults.py on 8084, jira on 8085, linear on 8086.
# Pid files and logs go to $FAKE_RUN_DIR (default /tmp/saas_fdw_fake):
# <name>.pid, <name>.log.  The servers of an earlier start with the same
# FAKE_RUN_DIR are stopped first, so running it twice is harmless; a port
# held by anything else (another run's fake) makes it fail, naming the port.
# Waits (bounded) until every server answers /_health and fails loudly, with
# the server's log, if one does not.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -gt 0 ]]; then
	chosen=
	for name in "$@"; do
		entry=$(tr ' ' '\n' <<<"$FAKE_SERVICES" | grep "^$name:") ||
			{ echo "start.sh: no fake server named $name" >&2; exit 2; }
		chosen+=" $entry"
	done
	FAKE_SERVICES=$chosen
fi

bash "$FAKE_DIR/stop.sh" >/dev/null
mkdir -p "$FAKE_RUN_DIR"

for entry in $FAKE_SERVICES; do
	name=${entry%%:*} port=${entry##*:}
	python3 "$FAKE_DIR/$name.py" --port "$port" \
		>"$FAKE_RUN_DIR/$name.log" 2>&1 </dev/null &
	echo $! >"$FAKE_RUN_DIR/$name.pid"
done

for entry in $FAKE_SERVICES; do
	name=${entry%%:*} port=${entry##*:}
	pid=$(cat "$FAKE_RUN_DIR/$name.pid")
	for _ in $(seq 150); do
		[[ $(fake_health_pid "$port") == "$pid" ]] && continue 2
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	other=$(fake_health_pid "$port")
	[[ -n $other ]] &&
		echo "start.sh: port $port is held by another fake server (pid $other), not started by this FAKE_RUN_DIR" >&2
	echo "start.sh: fake $name server did not come up on port $port; its log:" >&2
	tail -n 30 "$FAKE_RUN_DIR/$name.log" >&2 || true
	exit 1
done

for entry in $FAKE_SERVICES; do
	echo "fake ${entry%%:*} API: http://127.0.0.1:${entry##*:}"
done
echo "fake servers' pid and log files: $FAKE_RUN_DIR"
