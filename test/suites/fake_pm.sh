#!/usr/bin/env bash
# fake_pm.sh -- the fake Jira Cloud, Linear and GitHub search APIs follow the
# reference behaviours saas_fdw's issue-18 code is built against: paging ends
# (isLast, hasNextPage), a hostile value quoted by JQL's or GraphQL's rules
# stays a value, unknown fields and values are errors as documented, only the
# selected fields come back, Linear's complexity refusal and RATELIMITED
# shape, Jira's 429, and search's 1,000-result cap and its own rate limit.
# The checks are in test/suites/fake_pm_checks.py.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

for url in "${FAKE_JIRA_URL:-http://127.0.0.1:8085}" "${FAKE_LINEAR_URL:-http://127.0.0.1:8086}"; do
	t_equal "health $url" ok "$(curl -s "$url/_health")"
done
python3 "${SAAS_FDW_ROOT:-.}/test/suites/fake_pm_checks.py" || t_failures=$((t_failures + 1))
t_done
