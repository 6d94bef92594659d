# common.sh -- sourced by start.sh and stop.sh: which fake servers exist, on
# which ports, where their pid and log files live, and how to stop one.
#
# A process is only ever stopped by its pid, and only after its command line
# shows it is one of these fake servers (python3 .../test/fake/<name>.py).

FAKE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAKE_RUN_DIR=${FAKE_RUN_DIR:-/tmp/saas_fdw_fake}
FAKE_SERVICES="github:8081 stripe:8082 slack:8083 faults:8084 jira:8085 linear:8086"

fake_is_ours() {	# pid -> success if it is a fake server process
	local pid=$1
	[[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] &&
		tr '\0' ' ' </proc/"$pid"/cmdline | grep -Eq 'test/fake/[a-z]+\.py --port'
}

fake_health_pid() {	# port -> the pid the server on it reports, if any
	curl -s -m 2 -D - -o /dev/null "http://127.0.0.1:$1/_health" 2>/dev/null |
		tr -d '\r' | awk -F': ' 'tolower($1) == "x-fake-pid" { print $2 }'
}

fake_kill() {		# pid -> stop it (TERM, then KILL after 5 s)
	local pid=$1 i
	fake_is_ours "$pid" || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}
