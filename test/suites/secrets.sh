#!/usr/bin/env bash
# secrets.sh -- a token never leaks: every error path of every service, a
# cancelled request, EXPLAIN (VERBOSE) and EXPLAIN ANALYZE, and the cache
# views run with distinctive tokens in a cluster that logs everything it can
# (log_min_messages = debug5, log_statement = all, log_min_error_statement
# = debug5, the debug_print_* trees, verbose error fields) and with
# client_min_messages = debug5; then the server log, everything the client
# saw and the cache views are searched for each token.
#
# What is out of scope, by decision (docs/security.md): PostgreSQL itself
# logs a statement as the user typed it, so CREATE USER MAPPING ... token
# would be logged by log_statement = all like ALTER ROLE ... PASSWORD is.
# The user mappings here are created the way docs/security.md advises, with
# statement logging off for that session; what is searched is everything
# saas_fdw writes or makes PostgreSQL write.  The catalogs (pg_user_mapping,
# which only superusers and the mapping's user can read) hold the token by
# design and are not searched.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if [[ -z ${SAAS_SECRETS_SUITE_INNER:-} ]]; then
	export SAAS_SECRETS_SUITE_INNER=1
	exec "${SAAS_FDW_WITH_CLUSTER:-$top/test/with-cluster.sh}" \
		-o log_min_messages=debug5 \
		-o log_min_error_statement=debug5 \
		-o log_statement=all \
		-o log_error_verbosity=verbose \
		-o debug_print_parse=on \
		-o debug_print_rewritten=on \
		-o debug_print_plan=on \
		-o log_connections=on \
		-o log_disconnections=on \
		-- "$0" "$@"
fi

. "${SAAS_FDW_TEST_LIB:-$top/test/lib.sh}"

faults=${FAKE_FAULTS_URL:-http://127.0.0.1:8084}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every token shares the marker, so a token cut short or re-encoded is
# still found.
MARK=LEAKCHECK
GH_FAULTS=ghp_${MARK}faultsA1b2C3d4
GH_WRONG=ghp_${MARK}wrongE5f6G7h8
GH_LINEBREAK=ghp_${MARK}linebreak
STRIPE_WRONG=sk_test_${MARK}stripeI9j0K1l2
SLACK_WRONG=xoxb-${MARK}slackM3n4O5p6
TOKENS=("$GH_FAULTS" "$GH_WRONG" "$GH_LINEBREAK" "$STRIPE_WRONG" "$SLACK_WRONG"
	sk_test_123 xoxb-test "$MARK")

# ---- set up: tokens given with statement logging off ------------------------

quiet="SET log_statement = 'none'; SET log_min_messages = 'warning';
	SET log_min_error_statement = 'panic'; SET debug_print_parse = off;
	SET debug_print_rewritten = off; SET debug_print_plan = off;"
if ! psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
$quiet
CREATE EXTENSION saas_fdw;
CREATE SERVER fx FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url '$faults', cache_ttl '0', max_retries '1',
           timeout_ms '2000');
CREATE USER MAPPING FOR CURRENT_USER SERVER fx OPTIONS (token '$GH_FAULTS');
CREATE SERVER fx_cached FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url '$faults', cache_ttl '600');
CREATE USER MAPPING FOR CURRENT_USER SERVER fx_cached OPTIONS (token '$GH_FAULTS');
CREATE SERVER gh_wrong FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_wrong OPTIONS (token '$GH_WRONG');
CREATE SERVER gh_linebreak FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh_linebreak
  OPTIONS (token E'$GH_LINEBREAK\r\nX-Injected: 1');
CREATE SERVER refused FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:9', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER refused OPTIONS (token '$GH_FAULTS');
CREATE SERVER stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url '$FAKE_STRIPE_URL', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe OPTIONS (token 'sk_test_123');
CREATE SERVER stripe_wrong FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url '$FAKE_STRIPE_URL');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe_wrong OPTIONS (token '$STRIPE_WRONG');
CREATE SERVER slack FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url '$FAKE_SLACK_URL/api', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack OPTIONS (token 'xoxb-test');
CREATE SERVER slack_wrong FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url '$FAKE_SLACK_URL/api');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack_wrong OPTIONS (token '$SLACK_WRONG');
CREATE SERVER slack_none FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url '$FAKE_SLACK_URL/api');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack_none;
SQL
then
	t_not_ok "set up servers and user mappings"
	t_done
fi

# the tables (no token in these statements: logged in full)
{
	for server in fx fx_cached gh_wrong gh_linebreak refused; do
		echo "CREATE SCHEMA $server;"
		echo "IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER $server INTO $server;"
	done
	for server in stripe stripe_wrong; do
		echo "CREATE SCHEMA $server;"
		echo "IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER $server INTO $server;"
	done
	for server in slack slack_wrong slack_none; do
		echo "CREATE SCHEMA $server;"
		echo "IMPORT FOREIGN SCHEMA slack LIMIT TO (messages) FROM SERVER $server INTO $server;"
	done
} | psql -X -q -v ON_ERROR_STOP=1 >/dev/null || t_not_ok "import the foreign tables"

# ---- every error path, as loudly as possible ---------------------------------

curl -sf "$faults/_reset" >/dev/null	# every fault fires again

session=$work/session.sql
{
	echo "SET client_min_messages = debug5;"
	echo "SET saas_fdw.max_response_size = '1MB';"
	echo "DO \$\$ BEGIN RAISE LOG 'canary %', 'CANARY' || 'LOGGED'; END \$\$;"
	for fault in ok flaky broken retry-after-502 throttled reset-soon \
		unauthorized short-body stall truncated-json malformed-json empty-body \
		not-a-list string-items out-of-range huge huge-unsized bad-utf8 \
		nul-escape nul-raw loop-self loop-back redirect-away redirect-same \
		redirect-loop redirect-scheme; do
		echo "SELECT * FROM fx.issues WHERE repo = 'fault/$fault';"
	done
	echo "SET statement_timeout = '1s';"
	echo "SELECT count(*) FROM fx.issues WHERE repo = 'fault/stall';"
	echo "RESET statement_timeout;"
	echo "SELECT count(*) FROM refused.issues WHERE repo = 'octo/hello';"
	echo "SELECT count(*) FROM gh_wrong.issues WHERE repo = 'octo/hello';"
	echo "SELECT count(*) FROM gh_linebreak.issues WHERE repo = 'octo/hello';"
	echo "SELECT count(*) FROM stripe_wrong.charges;"
	echo "SELECT count(*) FROM slack_wrong.messages WHERE channel = 'C01GENERAL';"
	echo "SELECT count(*) FROM slack_none.messages WHERE channel = 'C01GENERAL';"
	echo "SELECT count(*) FROM slack.messages WHERE channel = 'C10HIDDEN';"
	echo "SELECT count(*) FROM stripe.charges WHERE customer = 'cus_ratelimited';"
	for explain in "VERBOSE" "ANALYZE, VERBOSE"; do
		echo "EXPLAIN ($explain) SELECT * FROM fx.issues WHERE repo = 'fault/ok' AND state = 'open';"
		echo "EXPLAIN ($explain) SELECT * FROM stripe.charges WHERE customer = 'cus_alice';"
		echo "EXPLAIN ($explain) SELECT * FROM slack.messages WHERE channel = 'C02RANDOM';"
		echo "EXPLAIN ($explain) SELECT * FROM gh_wrong.issues WHERE repo = 'octo/hello';"
	done
	echo "PREPARE q(text) AS SELECT count(*) FROM fx_cached.issues WHERE repo = \$1;"
	echo "EXECUTE q('fault/ok');"
	echo "EXECUTE q('fault/ok');"
	echo "SELECT * FROM saas_fdw_cache;"
	echo "SELECT * FROM saas_fdw_cache_stats();"
	echo "SELECT * FROM saas_fdw_cache_space();"
	# last: an hour-long limit holds back every later request of fx (the
	# shared rate limiter), which then refuses one itself
	echo "SELECT * FROM fx.issues WHERE repo = 'fault/reset-later';"
	echo "SELECT * FROM fx.issues WHERE repo = 'fault/ok';"
	echo "SELECT * FROM saas_fdw_rate_limits;"
} >"$session"
psql -X -a -v VERBOSITY=verbose -f "$session" >"$work/client.out" 2>&1

# ---- did it run? --------------------------------------------------------------

t_check "the server log is the one being searched (a canary logged by RAISE LOG is in it)" \
	grep -q CANARYLOGGED "$SAAS_FDW_PG_LOG"
t_check "the server logged at DEBUG levels and the statements' parse trees" \
	bash -c 'grep -q "DEBUG:" "$1" && grep -q "parse tree:" "$1"' _ "$SAAS_FDW_PG_LOG"
for want in "github API rejected the request: 401" "stripe API rejected the request: 401" \
	"slack API rejected the request: invalid_auth" "slack API rejected the request: not_authed" \
	"the token of the user mapping contains a line break" "API request to .* timed out" \
	"canceling statement due to statement timeout" "could not reach the API" \
	"API rate limit of server \"fx\" is used up for this credential" \
	"API Request: GET /repos/fault/ok/issues" "API Calls: 1"; do
	t_check "the session met: $want" grep -Eq -- "$want" "$work/client.out"
done
t_equal "the cache view has the cached server's row" "fx_cached|1" \
	"$(t_psql "SELECT server, hits FROM saas_fdw_cache WHERE server = 'fx_cached'")"

# ---- the sweep ------------------------------------------------------------------

t_psql "SELECT * FROM saas_fdw_cache; SELECT * FROM saas_fdw_cache_stats();
	SELECT * FROM saas_fdw_cache_space(); SELECT * FROM saas_fdw_rate_limits" >"$work/cache.out" 2>&1

leaks() {	# file: the tokens it contains, one per line
	local token
	for token in "${TOKENS[@]}"; do
		grep -qF -- "$token" "$1" && echo "$token"
	done
	grep -qi "authorization: bearer" "$1" && echo "an Authorization header"
}
t_equal "no token in the server log (any level)" "" "$(leaks "$SAAS_FDW_PG_LOG")"
t_equal "no token in what the client saw (errors, notices, EXPLAIN)" "" "$(leaks "$work/client.out")"
t_equal "no token in the cache and rate-limit views" "" "$(leaks "$work/cache.out")"

t_done
