#!/usr/bin/env bash
# ratelimit.sh -- the server-wide rate limiter (src/ratelimit.c): backends
# that share a credential wait for the API's reset together instead of each
# sending a request the API refuses.
#
# Runs two fake GitHub APIs of its own (free ports on 127.0.0.1) with a
# metered limit: FAKE_GITHUB_RATE_LIMIT=3:30, three requests per token per
# thirty-second window, then GitHub's 403 until the window ends (see
# test/fake/README.md).  The window is long on purpose: the checks count
# requests and waits, and assume a window does not end between a step and
# the next (a psql start-up can take seconds on a loaded machine); with an
# eight-second window they failed in about one run of three there.  The
# price is two waits for a reset of up to 30 s each.  The servers have max_retries 0, so a request the
# API refused would fail its query: a query that returns its rows had none
# refused.  Requests are counted in the fakes' logs; each psql call is a new
# backend.  Checked: one backend uses the window up, the next waits for the
# reset (another credential does not), showing the wait event
# SaasFdwRateLimit meanwhile (PostgreSQL 17 and later); a reset beyond
# saas_fdw.max_retry_wait fails at once, also when only
# saas_fdw.rate_limit_reserve requests remain; statement_timeout ends a wait; a
# Retry-After holds the credential back; five backends at once send only
# the requests that remain and wait for the reset for the rest.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

db=saas_fdw_ratelimit
dir=$(mktemp -d -t saas_fdw_ratelimit.XXXXXX)
fake_pids=()
cleanup() {
	local pid
	for pid in "${fake_pids[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS rl_other" >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT

start_fake() {	# variable: a metered fake GitHub API on a free port, its URL in variable
	local port
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	FAKE_GITHUB_RATE_LIMIT=3:30 python3 test/fake/github.py --port "$port" \
		>"$dir/$1.log" 2>&1 </dev/null &
	fake_pids+=($!)
	for _ in $(seq 100); do
		curl -sf -m 1 "http://127.0.0.1:$port/_health" >/dev/null 2>&1 && break
		sleep 0.1
	done
	printf -v "$1" 'http://127.0.0.1:%s' "$port"
}
# one for the backends of one credential in turn, one for many at once
start_fake FAKE
start_fake FAKE_MANY
for url in "$FAKE" "$FAKE_MANY"; do
	if ! curl -sf -m 1 "$url/_health" >/dev/null 2>&1; then
		t_not_ok "start two metered fake GitHub APIs" "$(cat "$dir"/*.log)"
		t_done
	fi
done

requests() {	# [url]: API requests since the last call
	curl -sf "${1:-$FAKE}/_log?clear=1" | grep -c '^GET ' || true
}
sql() {		# psql, SQLSTATEs shown, stdout and stderr together
	psql -X -q -At -v VERBOSITY=verbose "$@" 2>&1
}
has() {		# name extended-regex text: ok when the text matches
	if grep -Eq -- "$2" <<<"$3"; then t_ok "$1"; else t_not_ok "$1" "$3"; fi
}
psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
	-c "DROP ROLE IF EXISTS rl_other" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db
if ! out=$(sql -v ON_ERROR_STOP=1 -c "CREATE EXTENSION saas_fdw;
	CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$FAKE', cache_ttl '0', max_retries '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
	CREATE SCHEMA github;
	IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;
	CREATE ROLE rl_other;
	CREATE USER MAPPING FOR rl_other SERVER gh OPTIONS (token 'ghp_other');
	GRANT USAGE ON SCHEMA github TO rl_other;
	GRANT SELECT ON ALL TABLES IN SCHEMA github TO rl_other;
	CREATE SERVER gh_many FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$FAKE_MANY', cache_ttl '0', max_retries '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER gh_many OPTIONS (token 'ghp_test');
	CREATE SCHEMA github_many;
	IMPORT FOREIGN SCHEMA github FROM SERVER gh_many INTO github_many;"); then
	t_not_ok "set up the server, two credentials and the tables" "$out"
	t_done
fi

HELLO="SELECT count(*) FROM github.issues WHERE repo = 'octo/hello'"	# 3 pages
WORLD="SELECT count(*) FROM github.issues WHERE repo = 'octo/world'"	# 1 page

# ---- one backend uses the window up ------------------------------------------

requests >/dev/null
t_equal "backend 1 reads 250 rows in 3 requests" "250 3" "$(sql -c "$HELLO") $(requests)"
cred_test=$(sql -c "SELECT credential FROM saas_fdw_rate_limits WHERE server = 'gh'")
t_equal "the limiter knows one credential of server gh, with 0 remaining" \
	"0 t" "$(sql -c "SELECT remaining, reset_at > now() FROM saas_fdw_rate_limits
	                 WHERE server = 'gh' AND credential = '$cred_test'" | tr '|' ' ')"
t_check "the view shows a fingerprint, never the token" \
	bash -c '[[ $1 =~ ^[0-9a-f]{16}$ ]] && ! psql -X -At -c "SELECT * FROM saas_fdw_rate_limits" | grep -q ghp_' _ "$cred_test"
status=$(curl -s -o /dev/null -w '%{http_code}' -A test -H "Authorization: Bearer ghp_test" \
	"$FAKE/repos/octo/world/issues")
requests >/dev/null
t_equal "the API would refuse a request of this credential now" 403 "$status"

# ---- another credential is not held back ---------------------------------------

t_equal "another credential's backend reads at once (1 request)" "40 1" \
	"$(sql -c "SET ROLE rl_other" -c "$WORLD") $(requests)"
cred_other=$(sql -c "SELECT credential FROM saas_fdw_rate_limits
                     WHERE server = 'gh' AND credential <> '$cred_test'")
t_equal "the other credential did not wait" "2 0" \
	"$(sql -c "SELECT remaining, waits FROM saas_fdw_rate_limits WHERE server = 'gh' AND credential = '$cred_other'" | tr '|' ' ')"

# ---- a second backend with the used-up credential waits for the reset ----------

PGAPPNAME=rl_waiting sql -c "$WORLD" >"$dir/waiting" &
waiting_bg=$!
waiting_pid=
for _ in $(seq 50); do
	waiting_pid=$(t_psql "SELECT pid FROM pg_stat_activity WHERE application_name = 'rl_waiting'")
	[[ -n $waiting_pid ]] && break
	sleep 0.1
done
limit_event=$(t_saas_wait_event SaasFdwRateLimit)
event=${waiting_pid:+$(t_wait_event "$waiting_pid" "$limit_event")}
wait "$waiting_bg"
t_equal "backend 2 waits for the reset, then reads its rows" 40 "$(cat "$dir/waiting")"
t_equal "while it waits, it shows wait_event ${limit_event#*|} (src/wait_events.c)" \
	"$limit_event" "$event"
t_equal "backend 2 made one request, after the reset (none refused)" 1 "$(requests)"
t_equal "the limiter counted one wait, no refusal, nothing in flight" "1 0 0 2" \
	"$(sql -c "SELECT waits, refusals, in_flight, remaining FROM saas_fdw_rate_limits
	           WHERE server = 'gh' AND credential = '$cred_test'" | tr '|' ' ')"

# ---- saas_fdw.rate_limit_reserve keeps requests unused ------------------------------

out=$(sql -c "SET saas_fdw.rate_limit_reserve = 2" -c "SET saas_fdw.max_retry_wait = 1" -c "$WORLD")
has "with 2 remaining and a reserve of 2, a query does not send (it would wait)" \
	'ERROR:  53400: API rate limit of server "gh" is held back by saas_fdw.rate_limit_reserve' "$out"
t_equal "the reserve kept the request unsent" 0 "$(requests)"

# ---- a reset beyond saas_fdw.max_retry_wait fails at once ------------------------

sql -c "$WORLD" -c "$WORLD" >/dev/null		# the new window's last two requests
requests >/dev/null
out=$(sql -c "SET saas_fdw.max_retry_wait = 1" -c "$WORLD")
has "a wait beyond saas_fdw.max_retry_wait fails at once with SQLSTATE 53400" \
	'ERROR:  53400: API rate limit of server "gh" is used up for this credential' "$out"
has "the error says when the limit resets" \
	'DETAIL:  .*the limit resets at .* \(in [0-9]+ s\)\.' "$out"
has "the hint names the way out, saas_fdw_rate_limit_reset('gh')" \
	"HINT:  .*saas_fdw_rate_limit_reset\\('gh'\\)" "$out"
has "the hint names saas_fdw.max_retry_wait" \
	'HINT:  .*saas_fdw.max_retry_wait' "$out"
t_equal "the refused query sent no request" 0 "$(requests)"

# ---- a wait is cancellable -------------------------------------------------------

out=$(sql -c "SET statement_timeout = '500ms'" -c "$WORLD")
has "statement_timeout ends a wait for the reset" \
	'ERROR:  57014: canceling statement due to statement timeout' "$out"
t_equal "the cancelled query sent no request" 0 "$(requests)"
t_equal "2 refusals counted, nothing left in flight" "2 0" \
	"$(sql -c "SELECT refusals, in_flight FROM saas_fdw_rate_limits
	           WHERE server = 'gh' AND credential = '$cred_test'" | tr '|' ' ')"

# ---- a Retry-After holds back the other backends too ----------------------------

# octo/secondary: GitHub's secondary rate limit, 403 with Retry-After: 1
out=$(sql -c "SET ROLE rl_other" \
	-c "SELECT count(*) FROM github.issues WHERE repo = 'octo/secondary'" \
	-c "SELECT 'blocked', blocked_until > now() FROM saas_fdw_rate_limits
	    WHERE server = 'gh' AND credential = '$cred_other'" \
	-c "$WORLD" \
	-c "SELECT 'waits', waits FROM saas_fdw_rate_limits WHERE server = 'gh' AND credential = '$cred_other'")
has "a 403 with Retry-After sets blocked_until for the credential" \
	'^blocked\|t$' "$out"
t_check "the next query of that credential waits, then reads its rows" \
	bash -c 'grep -qx 40 <<<"$1" && grep -qx "waits|1" <<<"$1"' _ "$out"

# ---- many backends at once: only the requests that remain are sent -------------

MANY="SELECT count(*) FROM github_many.issues WHERE repo = 'octo/world'"
t_equal "a first backend learns the limit: 2 of 3 requests remain" 2 \
	"$(sql -c "$MANY" >/dev/null; sql -c "SELECT remaining FROM saas_fdw_rate_limits WHERE server = 'gh_many'")"
requests "$FAKE_MANY" >/dev/null
backends=()
for i in 1 2 3 4 5; do
	sql -c "$MANY" >"$dir/many.$i" &
	backends+=($!)
done
wait "${backends[@]}"
t_equal "five backends at once all read their rows (none refused)" "40 40 40 40 40" \
	"$(cat "$dir"/many.? | tr '\n' ' ' | sed 's/ $//')"
t_equal "five requests sent: two at once, three after the reset" 5 "$(requests "$FAKE_MANY")"
t_equal "three backends waited, none failed, nothing left in flight" "3 0 0" \
	"$(sql -c "SELECT waits, refusals, in_flight FROM saas_fdw_rate_limits WHERE server = 'gh_many'" | tr '|' ' ')"

# ---- without the page cache, credentials are still told apart ------------------

# (a cluster of its own with saas_fdw.cache_size = 0; the shared fake GitHub
# sends x-ratelimit-remaining, so each credential gets an entry)
distinct=$("$SAAS_FDW_WITH_CLUSTER" -o saas_fdw.cache_size=0 -- psql -X -q -At -v ON_ERROR_STOP=1 -c "
	CREATE EXTENSION saas_fdw;
	CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL', cache_ttl '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
	CREATE ROLE rl_other;
	CREATE USER MAPPING FOR rl_other SERVER gh OPTIONS (token 'ghp_other');
	IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh INTO public;
	GRANT SELECT ON issues TO rl_other;" \
	-c "SELECT count(*) FROM issues WHERE repo = 'octo/world'" \
	-c "SET ROLE rl_other" -c "SELECT count(*) FROM issues WHERE repo = 'octo/world'" \
	-c "RESET ROLE" -c "SELECT 'entries=' || count(DISTINCT credential) FROM saas_fdw_rate_limits" 2>&1)
t_equal "without the page cache (cache_size 0) two tokens are two limiter entries" "entries=2" \
	"$(grep -x 'entries=[0-9]*' <<<"$distinct" || echo "$distinct")"

t_done
