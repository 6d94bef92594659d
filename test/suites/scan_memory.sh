#!/usr/bin/env bash
# scan_memory.sh -- a scan's memory does not grow with its rescans
# (issue 13, defect 5): the saas_fdw memory contexts of a parameterized
# scan after 300,000 rescans stay within 10 MB of those after 1,000.
# test/bench/rescan_memory.sh does the measuring (NULL keys: no request).
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

out=$(bash test/bench/rescan_memory.sh 1000 300000 2>&1)
few=$(awk '$1 == 1000 { print $2 }' <<<"$out")
many=$(awk '$1 == 300000 { print $2 }' <<<"$out")
if [[ -z $few || -z $many || $few -le 0 ]]; then
	t_not_ok "the scan's memory is measured after 1,000 and 300,000 rescans" "$out"
	t_done
fi
t_ok "the scan's memory is measured after 1,000 and 300,000 rescans ($few and $many bytes)"
growth=$((many - few))
if ((growth < 10 * 1024 * 1024)); then
	t_ok "300,000 rescans stay within 10 MB of 1,000 (grew $growth bytes)"
else
	t_not_ok "300,000 rescans stay within 10 MB of 1,000 (grew $growth bytes)" "$out"
fi
t_done
