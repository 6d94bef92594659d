#!/usr/bin/env bash
# stop.sh -- stop the fake API servers that start.sh started with the same
# FAKE_RUN_DIR (default /tmp/saas_fdw_fake): the pids in its <name>.pid files,
# and only those.  A fake server of another run (another FAKE_RUN_DIR, or
# another checkout) is never touched, even on the same ports.
# (--own, once needed for that, is accepted and changes nothing.)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for entry in $FAKE_SERVICES; do
	name=${entry%%:*}
	if [[ -f $FAKE_RUN_DIR/$name.pid ]]; then
		fake_kill "$(cat "$FAKE_RUN_DIR/$name.pid")"
		rm -f "$FAKE_RUN_DIR/$name.pid"
	fi
done
exit 0
