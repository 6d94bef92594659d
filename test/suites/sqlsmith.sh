#!/usr/bin/env bash
# sqlsmith.sh -- crash hunting (issue 13): sqlsmith (Debian package
# sqlsmith) sends random queries over the foreign tables of every service,
# against the fake APIs, as a role that is not superuser; then random
# queries of test/differential/gen.py run wrapped in EXPLAIN (ANALYZE,
# VERBOSE), which sqlsmith does not generate (plain EXPLAIN (VERBOSE) for a
# shape gen.py's KNOWN_DEFECTS says ANALYZE still crashes on).  A backend terminated by a
# signal (the server log says "terminated by signal") fails the suite;
# query errors are expected and counted only.
#
# Bounded: SQLSMITH_SECONDS (default 100) for sqlsmith, EXPLAIN_SECONDS
# (default 40) for the EXPLAIN pass; a statement_timeout of 5 s for
# sqlsmith's queries, 10 s for the EXPLAIN pass.  Seeded: SQLSMITH_SEED (default 1), printed.  Every
# request goes to the fakes on 127.0.0.1.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

seed=${SQLSMITH_SEED:-1}
smith_seconds=${SQLSMITH_SECONDS:-100}
explain_seconds=${EXPLAIN_SECONDS:-40}
start=$SECONDS
dir=$(mktemp -d -t saas_fdw_sqlsmith.XXXXXX)
trap 'rm -rf "$dir"' EXIT

if ! command -v sqlsmith >/dev/null; then
	t_not_ok "sqlsmith is installed (test/install-deps.sh installs it)"
	t_done
fi

# Lines of the server log written after the mark: a crash shows there
# (the postmaster writes it when it reaps the backend, which can be after
# the client saw its connection go: wait a little first).
log_mark() { stat -c %s "$SAAS_FDW_PG_LOG"; }
crashes_since() {
	sleep 2
	tail -c +"$(($1 + 1))" "$SAAS_FDW_PG_LOG" |
		grep -E "terminated by signal|was terminated by exception|all server processes terminated" || true
}

# A database of its own with the foreign tables of every service: fixed
# keys on a copy of each table that needs them (so sqlsmith's queries reach
# the APIs), and the tables without fixed keys too (missing keys, joins).
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL || { t_not_ok "set up the sqlsmith database"; t_done; }
SET client_min_messages = warning;
DROP DATABASE IF EXISTS smith;
DROP ROLE IF EXISTS smith;
CREATE ROLE smith LOGIN PASSWORD 'smith';
CREATE DATABASE smith OWNER smith;
ALTER ROLE smith SET statement_timeout = '5s';
ALTER ROLE smith SET saas_fdw.timeout = '5s';
ALTER ROLE smith SET saas_fdw.max_retries = 0;
SQL
psql -X -q -v ON_ERROR_STOP=1 -d smith >/dev/null <<SQL || { t_not_ok "import the foreign tables for sqlsmith"; t_done; }
SET client_min_messages = warning;
CREATE EXTENSION saas_fdw;
CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL', cache_ttl '3600');
CREATE SERVER stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url '$FAKE_STRIPE_URL', cache_ttl '3600');
CREATE SERVER slack FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url '$FAKE_SLACK_URL/api', cache_ttl '3600');
GRANT USAGE ON FOREIGN SERVER gh, stripe, slack TO smith;
CREATE USER MAPPING FOR smith SERVER gh OPTIONS (token 'ghp_test');
CREATE USER MAPPING FOR smith SERVER stripe OPTIONS (token 'sk_test_123');
CREATE USER MAPPING FOR smith SERVER slack OPTIONS (token 'xoxb-test');
CREATE SCHEMA github; CREATE SCHEMA stripe; CREATE SCHEMA slack; CREATE SCHEMA keyed;
IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;
IMPORT FOREIGN SCHEMA stripe FROM SERVER stripe INTO stripe;
IMPORT FOREIGN SCHEMA slack FROM SERVER slack INTO slack;
IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO keyed;
IMPORT FOREIGN SCHEMA slack LIMIT TO (messages, replies) FROM SERVER slack INTO keyed;
ALTER FOREIGN TABLE keyed.issues OPTIONS (ADD repo 'octo/world');
ALTER FOREIGN TABLE keyed.issue_comments OPTIONS (ADD repo 'octo/hello', ADD issue_number '6');
ALTER FOREIGN TABLE keyed.messages OPTIONS (ADD channel 'C02RANDOM');
GRANT USAGE ON SCHEMA github, stripe, slack, keyed TO smith;
GRANT SELECT ON ALL TABLES IN SCHEMA github, stripe, slack, keyed TO smith;
SQL
thread=$(PGPASSWORD=smith psql -X -At -U smith -d smith -c "SELECT min(ts) FROM slack.messages WHERE channel = 'C01GENERAL' AND reply_count > 0")
psql -X -q -v ON_ERROR_STOP=1 -d smith \
	-c "ALTER FOREIGN TABLE keyed.replies OPTIONS (ADD channel 'C01GENERAL', ADD thread_ts '$thread')" ||
	{ t_not_ok "fix the keys of keyed.replies (thread '$thread')"; t_done; }

# 1. sqlsmith, as smith
mark=$(log_mark)
echo "# sqlsmith: seed $seed, $smith_seconds s"
timeout "$smith_seconds" sqlsmith --seed="$seed" --exclude-catalog --verbose \
	--target="host=$PGHOST port=$PGPORT dbname=smith user=smith password=smith" \
	>"$dir/smith.out" 2>"$dir/smith.err"
rc=$?
echo "# sqlsmith's queries: $(tr -cd . <"$dir/smith.err" | wc -c) ran, $(tr -cd e <"$dir/smith.err" | wc -c) failed; the most frequent errors:"
tail -c +"$((mark + 1))" "$SAAS_FDW_PG_LOG" | sed -n 's/.*ERROR:  //p' | sed 's/[0-9][0-9]*/N/g' |
	sort | uniq -c | sort -rn | head -n 8 | sed 's/^/#   /'
crashes=$(crashes_since "$mark")
if [[ -n $crashes ]]; then
	t_not_ok "sqlsmith (seed $seed) crashes no backend" "$crashes" \
		"sqlsmith's last queries:" "$(tail -c 3000 "$dir/smith.out")"
elif [[ $rc -ne 124 && $rc -ne 0 ]]; then
	t_not_ok "sqlsmith (seed $seed) ran for ${smith_seconds}s" "status $rc" "$(tail -n 20 "$dir/smith.err")"
else
	t_ok "sqlsmith (seed $seed, ${smith_seconds}s over the foreign tables of every service) crashes no backend"
fi

# 2. EXPLAIN (ANALYZE, VERBOSE) of random queries of the differential generator
python3 "$SAAS_FDW_ROOT/test/differential/gen.py" explain --seed "$seed" --count 3000 >"$dir/explain.sql" ||
	{ t_not_ok "generate EXPLAIN queries"; t_done; }
mark=$(log_mark)
timeout "$explain_seconds" psql -X -q -v ON_ERROR_STOP=0 -e \
	-c "SET statement_timeout = '10s'" -c "SET timezone = 'UTC'" -f "$dir/explain.sql" \
	>"$dir/explain.out" 2>&1
explained=$(grep -c '^EXPLAIN (ANALYZE' "$dir/explain.out")
plain=$(grep -c '^EXPLAIN (VERBOSE)' "$dir/explain.out")
errors=$(grep -c 'ERROR:' "$dir/explain.out")
crashes=$(crashes_since "$mark")
lost=$(grep -E 'server closed the connection unexpectedly|connection to server was lost' "$dir/explain.out")
[[ -n $lost && -z $crashes ]] && crashes="psql: $lost"
if [[ -n $crashes ]]; then
	t_not_ok "EXPLAIN (ANALYZE, VERBOSE) of random queries (seed $seed) crashes no backend" "$crashes" \
		"the last statements:" "$(grep '^EXPLAIN' "$dir/explain.out" | tail -n 3)"
elif [[ $explained -lt 50 ]]; then
	t_not_ok "EXPLAIN (ANALYZE, VERBOSE) of random queries: at least 50 ran" "$explained ran" \
		"$(tail -n 20 "$dir/explain.out")"
else
	t_ok "EXPLAIN (ANALYZE, VERBOSE) of $explained random queries, EXPLAIN (VERBOSE) of $plain (seed $seed, $errors errors) crashes no backend"
fi

echo "# sqlsmith.sh took $((SECONDS - start)) s"
t_done
