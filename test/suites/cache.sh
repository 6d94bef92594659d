#!/usr/bin/env bash
# cache.sh -- the shared page cache (src/cache*.c), end to end.
#
# Runs in a cluster of its own (test/with-cluster.sh: saas_fdw preloaded,
# saas_fdw.cache_size = 16MB), because it restarts it with other cache sizes
# and finally without shared_preload_libraries; and against a fake GitHub API
# of its own on a free port, so nothing else touches the request log that
# every assertion about requests reads.  test/run.sh runs it; by hand:
#     make install && test/suites/cache.sh
#
# Prints "ok - name" / "not ok - name" lines; exits non-zero on a failure.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if [[ -z ${SAAS_CACHE_SUITE_INNER:-} ]]; then
	export SAAS_CACHE_SUITE_INNER=1
	# A build of its own with SAAS_CACHE_CHECK: each time a backend releases
	# the cache's lock it checks every invariant of the arena (free lists,
	# chains, LRU, counts), and a broken one is a PANIC, which ends the suite.
	checked=$(mktemp -d -t saas_fdw_checked.XXXXXX)
	chmod a+rx "$checked"
	cp -r "$top/Makefile" "$top/saas_fdw.control" "$top"/saas_fdw--*.sql "$top/src" "$checked/"
	# (clean first: src/ may hold objects of the ordinary build)
	if ! make -s -C "$checked" clean >"$checked/build.log" 2>&1 ||
		! make -s -C "$checked" COPT=-DSAAS_CACHE_CHECK >>"$checked/build.log" 2>&1 ||
		! make -s -C "$checked" install DESTDIR="$checked/install" >>"$checked/build.log" 2>&1; then
		echo "not ok - build saas_fdw with SAAS_CACHE_CHECK"
		sed 's/^/# /' "$checked/build.log"
		rm -rf "$checked"
		exit 1
	fi
	echo "ok - build saas_fdw with SAAS_CACHE_CHECK"
	# pg_ctlcluster tells whether a cluster runs from its external pid file,
	# by default /var/run/postgresql/<major>-regress.pid: the same for every
	# pg_virtualenv cluster on the machine, so ours gets its own (postgres
	# removes it when it stops)
	SAAS_FDW_DESTDIR=$checked/install "${SAAS_FDW_WITH_CLUSTER:-$top/test/with-cluster.sh}" \
		-o "external_pid_file=/tmp/saas_fdw_cache_suite.$$.pid" \
		-o saas_fdw.cache_size=16MB \
		-o max_connections=40 \
		-- "$0" "$@"
	status=$?
	rm -rf "$checked"
	exit $status
fi

. "${SAAS_FDW_TEST_LIB:-$top/test/lib.sh}"

is() { t_equal "$3" "$2" "$1"; }	# actual expected name
check() {	# name what-went-wrong command...
	local name=$1 what=$2
	shift 2
	if "$@"; then t_ok "$name"; else t_not_ok "$name" "$what"; fi
}

# ---- a private fake GitHub API -------------------------------------------

fake_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FAKE=http://127.0.0.1:$fake_port
fake_log=$(mktemp)
python3 "$top/test/fake/github.py" --port "$fake_port" >"$fake_log" 2>&1 </dev/null &
fake_pid=$!
cleanup() {
	kill "$fake_pid" 2>/dev/null
	wait "$fake_pid" 2>/dev/null
	rm -f "$fake_log"
}
trap cleanup EXIT

for _ in $(seq 100); do
	curl -sf -m 1 "$FAKE/_health" >/dev/null 2>&1 && break
	sleep 0.1
done
if ! curl -sf -m 1 "$FAKE/_health" >/dev/null 2>&1; then
	t_not_ok "start a fake GitHub API" "$(cat "$fake_log")"
	t_done
fi

# ---- helpers -------------------------------------------------------------

sql() { psql -XAtq -v ON_ERROR_STOP=1 "$@"; }

clear_log() { curl -sf "$FAKE/_log?clear=1" >/dev/null; }

requests() {	# API requests since the last call, and clear the log
	curl -sf "$FAKE/_log?clear=1" | grep -c '^GET ' || true
}

distinct_requests() {
	curl -sf "$FAKE/_log?clear=1" | grep '^GET ' | sort -u | wc -l
}

SCAN="SELECT count(*) FROM github.issues WHERE repo = 'octo/hello'"

scan() {	# [role]: run SCAN in a new backend, print the count
	if [[ -n ${1:-} ]]; then
		sql -c "SET ROLE $1" -c "$SCAN"
	else
		sql -c "$SCAN"
	fi
}

stat() {	# column of the view for server gh (0 if no row)
	local v
	v=$(sql -c "SELECT $1 FROM saas_fdw_cache WHERE server = 'gh'")
	echo "${v:-0}"
}

restart() {
	local out
	if ! out=$(pg_ctlcluster "$PGVERSION" regress restart 2>&1); then
		printf '# %s\n' "$out"
		return 1
	fi
	for _ in $(seq 50); do
		sql -c "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- set up --------------------------------------------------------------

if ! sql >/dev/null <<SQL
CREATE EXTENSION saas_fdw;
CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url '$FAKE');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
CREATE SCHEMA github;
IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;

CREATE ROLE cache_other;
CREATE ROLE cache_same;
CREATE USER MAPPING FOR cache_other SERVER gh OPTIONS (token 'ghp_other');
CREATE USER MAPPING FOR cache_same SERVER gh OPTIONS (token 'ghp_test');
GRANT USAGE ON SCHEMA github TO cache_other, cache_same;
GRANT SELECT ON ALL TABLES IN SCHEMA github TO cache_other, cache_same;
SQL
then
	t_not_ok "set up the extension, server, mappings and schema"
	t_done
fi
t_ok "set up (shared_preload_libraries = '${SAAS_CACHE_SUITE_PRELOAD-saas_fdw}')"

# ---- without preload, where /dev/shm is small (17 and later) -------------------

# Run by the part "without preload" below, in a cluster of its own that does
# not preload saas_fdw and whose /dev/shm (a mount namespace's own) has
# 16MB, less than the 64MB of saas_fdw.cache_size: making the cache fails
# there, as in a container with a small /dev/shm.
if [[ ${SAAS_CACHE_SUITE_PART:-} == small_shm ]]; then
	NOT_CACHING='^WARNING:  saas_fdw is not caching API pages: its shared memory could not be allocated'
	clear_log
	rows=$(sql -c "SET saas_fdw.cache_ttl = 0" -c "$SCAN")
	pages=$(requests)
	out=$(sql -c "$SCAN" -c "$SCAN" 2>&1)
	is "$(grep -c "$NOT_CACHING" <<<"$out")" 1 \
		"a session that cannot allocate the cache warns once"
	is "$(grep -v '^WARNING:\|^DETAIL:\|^HINT:' <<<"$out" | tr '\n' ' ')/$(requests)" "$rows $rows /$((2 * pages))" \
		"its scans return the rows, each fetching every page"
	err=$(sql -c "SELECT total_bytes FROM saas_fdw_cache_space()" 2>&1)
	check "another session tries again, and the cache functions then say why there is no cache" "got: $err" \
		grep -q 'This session could not allocate its shared memory' <<<"$err"
	sql -c "ALTER SYSTEM SET saas_fdw.cache_size = '4MB'" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.5
	out=$(sql -c "$SCAN" 2>&1)
	is "$out/$(requests)" "$rows/$pages" \
		"with saas_fdw.cache_size lowered, a new session makes the cache (the failures left nothing behind)"
	is "$(sql -c "$SCAN" 2>&1)/$(requests)" "$rows/0" \
		"and another session's scan is served from it"
	t_done
fi

# ---- sharing between backends ----------------------------------------------

sql -c "SELECT saas_fdw_cache_reset()" >/dev/null
clear_log
rows=$(scan)
pages=$(requests)
check "a cold scan pages through the API" "$pages requests for $rows rows" \
	test "$pages" -ge 2
is "$(stat misses)/$(stat hits)/$(stat entries)" "$pages/0/$pages" \
	"a cold scan counts one miss and caches one entry per page"

rows2=$(scan)
is "$(requests)" 0 "the same scan in another backend makes no request"
is "$rows2" "$rows" "the cached scan returns the same rows"
is "$(stat hits)" "$pages" "the cached scan counts one hit per page"

explain=$(sql -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $SCAN")
clear_log
check "EXPLAIN ANALYZE shows the cache hits" "EXPLAIN ANALYZE said: $explain" \
	grep -q "Cache Hits: $pages\$" <<<"$explain"
check "the rows one backend made are taken as they are by another" "EXPLAIN ANALYZE said: $explain" \
	grep -q "Pages Parsed: 0\$" <<<"$explain"

# rows of all columns, made in one backend, read in two others at once
COLS="md5(string_agg(concat_ws('|', number, title, body, state, user_login, labels, created_at, attrs), ',' ORDER BY number))"
ALL="SELECT $COLS FROM github.issues WHERE repo = 'octo/hello'"
sum_parsed=$(sql -c "SET saas_fdw.cache_ttl = 0" -c "$ALL")
sum_made=$(sql -c "$ALL")
tmp=$(mktemp -d)
sql -c "$ALL" >"$tmp/1" &
reader1=$!
sql -c "$ALL" >"$tmp/2" &
wait "$reader1" $!
is "$sum_made/$(cat "$tmp/1")/$(cat "$tmp/2")" "$sum_parsed/$sum_parsed/$sum_parsed" \
	"every column's values from cached rows equal those parsed from the API"
rm -rf "$tmp"
explain=$(sql -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $ALL")
check "those scans took every page as rows" "EXPLAIN ANALYZE said: $explain" \
	grep -q "Pages Parsed: 0\$" <<<"$explain"
clear_log

# ---- many backends on the same cached pages at once ------------------------

# Twelve backends, three scans each, all served from the same cached pages
# and rows (in the checked build every release of the lock checks the arena)
tmp=$(mktemp -d)
readers=()
for i in $(seq 12); do
	sql -c "$ALL" -c "$ALL" -c "$ALL" >"$tmp/$i" 2>&1 &
	readers+=($!)
done
wait "${readers[@]}"
is "$(cat "$tmp"/* | sort | uniq -c | sed 's/^ *//')" "36 $sum_parsed" \
	"twelve backends reading the same cached pages at once all get the same rows"
rm -rf "$tmp"
is "$(requests)" 0 "twelve backends on cached pages make no request"

# The checked build logs, as each backend exits, how often it took the
# cache's lock in each mode: a scan served from the cache takes it shared,
# once per page, and never exclusively.
lock_use() {	# pid: the checked build's line for that backend, once it exited
	local line
	for _ in $(seq 100); do
		line=$(grep -o "saas_fdw cache lock use: backend $1 took it .*" "$SAAS_FDW_PG_LOG")
		[[ -n $line ]] && break
		sleep 0.1
	done
	echo "${line#*took it }"
}
probe=$(sql -c "SELECT pg_backend_pid()" -c "$ALL")
is "$(sed -n 2p <<<"$probe")" "$sum_parsed" "a scan of cached pages returns the same rows"
is "$(lock_use "$(sed -n 1p <<<"$probe")")" "$pages times shared, 0 times exclusively" \
	"a scan of cached pages takes the cache's lock shared, once per page"
clear_log

# ---- credentials ---------------------------------------------------------

rows_other=$(scan cache_other)
is "$(requests)" "$pages" "another token does not see the first token's pages"
scan cache_other >/dev/null
is "$(requests)" 0 "the other token's pages are shared among its own backends"
rows_same=$(scan cache_same)
is "$(requests)" 0 "another role whose mapping has the same token shares the pages"
is "$rows_same/$rows_other" "$rows/$rows" "all three see the same rows"

# ---- TTL and revalidation ------------------------------------------------

sql -c "SELECT saas_fdw_cache_reset('gh')" >/dev/null
is "$(sql -c "SELECT count(*) FROM saas_fdw_cache WHERE server = 'gh'")" 0 \
	"saas_fdw_cache_reset(server) forgets the server"
sql -c "ALTER FOREIGN TABLE github.issues OPTIONS (ADD cache_ttl '2')"
clear_log
scan >/dev/null
scan >/dev/null
is "$(requests)" "$pages" "a table cache_ttl of 2 s: a second scan within it is served"
sleep 2.5
rows_reval=$(scan)
is "$(requests)" "$pages" "after the TTL every page is asked for again"
is "$(stat revalidations)" "$pages" "each expired page came back as a counted 304 revalidation"
is "$rows_reval" "$rows" "a revalidated scan returns the same rows"
sleep 2.5
explain=$(sql -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $SCAN")
is "$(requests)" "$pages" "after the TTL again every page is asked for"
check "a 304 serves the rows kept beside the page: nothing is parsed" "EXPLAIN ANALYZE said: $explain" \
	grep -Pzq "Cache Hits: 0\n *Pages Parsed: 0\n *Revalidations: $pages\n" <<<"$explain"
scan >/dev/null
is "$(requests)" 0 "a 304 makes the page fresh for another TTL"

# ---- cache_ttl 0 ---------------------------------------------------------

sql -c "SELECT saas_fdw_cache_reset()" >/dev/null
sql -c "ALTER FOREIGN TABLE github.issues OPTIONS (SET cache_ttl '0')"
clear_log
scan >/dev/null
scan >/dev/null
is "$(requests)" $((2 * pages)) "table option cache_ttl 0 bypasses the cache"
is "$(sql -c "SELECT coalesce(sum(entries + hits + misses), 0) FROM saas_fdw_cache")" 0 \
	"a bypassing scan neither reads nor fills the cache"
sql -c "ALTER FOREIGN TABLE github.issues OPTIONS (DROP cache_ttl)"
sql -c "SET saas_fdw.cache_ttl = 0" -c "$SCAN" -c "$SCAN" >/dev/null
is "$(requests)" $((2 * pages)) "SET saas_fdw.cache_ttl = 0 bypasses the cache"
sql -c "ALTER SERVER gh OPTIONS (ADD cache_ttl '0')"
scan >/dev/null
scan >/dev/null
is "$(requests)" $((2 * pages)) "server option cache_ttl 0 bypasses the cache"
sql -c "ALTER SERVER gh OPTIONS (DROP cache_ttl)"

# ---- eight concurrent cold scans ---------------------------------------------

sql -c "SELECT saas_fdw_cache_reset()" >/dev/null
clear_log
tmp=$(mktemp -d)
scanners=()
for i in $(seq 8); do
	scan >"$tmp/$i" 2>&1 &
	scanners+=($!)
done
wait "${scanners[@]}"
is "$(cat "$tmp"/* | sort -u | tr '\n' ' ')" "$rows " "eight concurrent scans all return the rows"
rm -rf "$tmp"
is "$(requests)" "$pages" "eight concurrent cold scans make each request once"
is "$(( $(stat hits) + $(stat misses) ))" $((8 * pages)) \
	"eight scans: hits + misses = page lookups"
bytes_all=$(stat bytes)	# what the pages of one scan take

# The fake answers the first request for each octo/secondary URL with a
# secondary rate limit (403, Retry-After: 1): the first backend holds the
# fetch for a second, so the other seven surely arrive while it is in
# flight and must wait for its page.
clear_log
tmp=$(mktemp -d)
scanners=()
for i in $(seq 8); do
	sql -c "SELECT count(*) FROM github.issues WHERE repo = 'octo/secondary'" >"$tmp/$i" 2>&1 &
	scanners+=($!)
done
wait "${scanners[@]}"
is "$(cat "$tmp"/* | sort -u | tr '\n' ' ')" "70 " "eight scans during a one-second fetch all return the rows"
rm -rf "$tmp"
is "$(requests)" 2 "eight scans during a one-second fetch: one fetch (a refusal and its retry)"
is "$(( $(stat hits) + $(stat misses) ))" $((8 * pages + 8)) "the seven waiters count as hits"

# A backend waiting for another's fetch can be cancelled (octo/ratelimited:
# the first request for each URL is refused for 1-2 s).
sql -c "SELECT count(*) FROM github.issues WHERE repo = 'octo/ratelimited'" >/dev/null 2>&1 &
fetcher=$!
sleep 0.3
started=$(date +%s%N)
err=$(sql -c "SET statement_timeout = '300ms'" \
	-c "SELECT count(*) FROM github.issues WHERE repo = 'octo/ratelimited'" 2>&1)
waited_ms=$(( ($(date +%s%N) - started) / 1000000 ))
check "statement_timeout cancels a backend waiting for another's fetch" "after ${waited_ms} ms: $err" \
	grep -q 'canceling statement due to statement timeout' <<<"$err"
wait "$fetcher"
is "$?" 0 "the fetching backend finishes its scan"
is "$(sql -c "SELECT count(*) FROM github.issues WHERE repo = 'octo/ratelimited'")/$(requests)" "70/2" \
	"the page fetched meanwhile is cached"

# ---- an idle cursor's pages on their way --------------------------------------

# Pages of 10 issues, 25 in all.  A cursor that has returned 15 rows has
# fetched pages 1 and 2 and claimed pages 3 to 6 (read-ahead).  When its
# session goes idle, or busies itself with something else, nothing drives
# those claims: another scan that needs the pages takes the claims over and
# fetches them itself, instead of waiting saas_fdw.timeout for each.
sql >/dev/null <<SQL
CREATE SCHEMA paged;
IMPORT FOREIGN SCHEMA github LIMIT TO (issues) FROM SERVER gh INTO paged;
ALTER FOREIGN TABLE paged.issues OPTIONS (ADD page_size '10');
SQL
NUMS="SELECT number FROM paged.issues WHERE repo = 'octo/hello'"
SUMMARY="SELECT count(*) || '/' || count(DISTINCT number) || '/' ||
                md5(string_agg(number::text, ',' ORDER BY number))
           FROM paged.issues WHERE repo = 'octo/hello'"
in_api_order=$(sql -c "SET saas_fdw.cache_ttl = 0" -c "$NUMS")
summary=$(sql -c "SET saas_fdw.cache_ttl = 0" -c "$SUMMARY")

holder_start() {	# dir: a psql session reading its commands from dir/in
	mkfifo "$1/in"
	psql -XAtq <"$1/in" >"$1/out" 2>&1 &
	holder=$!
	exec 7>"$1/in"
	echo "SELECT pg_backend_pid();" >&7
	echo "BEGIN; DECLARE c CURSOR FOR $NUMS; FETCH 15 FROM c;" >&7
}
holder_in() {	# dir state wait_event: wait until the session's backend is there
	local pid
	for _ in $(seq 200); do
		pid=$(head -n 1 "$1/out")
		if [[ $pid =~ ^[0-9]+$ ]] &&
			[[ $(sql -c "SELECT state || '/' || wait_event FROM pg_stat_activity
			             WHERE pid = $pid") == "$2/$3" ]]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}
holder_finish() {	# dir: the rest of the cursor, then end the session
	echo "FETCH ALL FROM c; COMMIT;" >&7
	exec 7>&-
	wait "$holder"
}
log_counts() {	# requests/distinct requests since the last call; clears the log
	local log
	log=$(curl -sf "$FAKE/_log?clear=1" | grep '^GET ')
	echo "$(grep -c . <<<"$log")/$(sort -u <<<"$log" | grep -c .)"
}

# the holder goes idle in its transaction
sql -c "SELECT saas_fdw_cache_reset()" >/dev/null
clear_log
tmp=$(mktemp -d)
holder_start "$tmp"
check "a session reads 15 rows of a cursor and goes idle in its transaction" "$(cat "$tmp/out")" \
	holder_in "$tmp" "idle in transaction" ClientRead
is "$(sql -c "SELECT fetching FROM saas_fdw_cache_space()")" 4 \
	"the idle cursor holds the claims of the 4 pages it reads ahead"
# the old behaviour waits saas_fdw.timeout (10 s) for each of the 4 pages
out=$(sql -c "SET saas_fdw.timeout = '10s'" -c "SET statement_timeout = '8s'" -c "$SUMMARY" 2>&1)
is "$out" "$summary" \
	"a scan needing an idle cursor's claimed pages ends within one saas_fdw.timeout, with every row"
holder_finish "$tmp"
is "$(sed 1d "$tmp/out")" "$in_api_order" \
	"the idle cursor then fetches the rest of its rows, in order"
is "$(log_counts)" "29/25" \
	"requests: the cursor's 6 pages (its 4 read ahead sent once) and the other scan's 23"
is "$(sql -c "SELECT fetching FROM saas_fdw_cache_space()")" 0 "no claim is left behind"
rm -rf "$tmp"

# the holder runs another statement meanwhile (pg_sleep in a savepoint)
sql -c "SELECT saas_fdw_cache_reset()" >/dev/null
clear_log
tmp=$(mktemp -d)
holder_start "$tmp"
echo "SAVEPOINT s; SELECT pg_sleep(120);" >&7
check "a session reads 15 rows of a cursor and runs another statement" "$(cat "$tmp/out")" \
	holder_in "$tmp" active PgSleep
# the old behaviour waits saas_fdw.timeout (2 s) for each of the 4 pages
out=$(sql -c "SET saas_fdw.timeout = '2s'" -c "SET statement_timeout = '6s'" -c "$SUMMARY" 2>&1)
is "$out" "$summary" \
	"a scan needing the claims of a cursor whose session is busy elsewhere waits one saas_fdw.timeout at most"
sql -c "SELECT pg_cancel_backend($(head -n 1 "$tmp/out"))" >/dev/null
echo "ROLLBACK TO s;" >&7
holder_finish "$tmp"
is "$(sed -e 1d -e '/^ERROR: \|^STATEMENT: /d' "$tmp/out")" "$in_api_order" \
	"that cursor then fetches the rest of its rows, in order"
is "$(log_counts)" "29/25" \
	"requests: the cursor's 6 pages and the other scan's 23"
rm -rf "$tmp"

# ---- restart -------------------------------------------------------------

check "restart the server" "pg_ctlcluster restart failed" restart
is "$(sql -c "SELECT entries || '/' || used_bytes FROM saas_fdw_cache_space()")" "0/0" \
	"a restarted server starts with an empty cache"
clear_log
scan >/dev/null
is "$(requests)" "$pages" "after a restart the first scan fetches again"

# ---- a scan larger than the cache ---------------------------------------------

# The scan of octo/hello in pages of 10 (25 pages), and a small hot query of
# another table (octo/world's releases: one small page).  The cache gets
# room for half the rows of the scan with the attrs column (each item as
# jsonb), which is less than the scan's JSON.  attrs is kept uncompressed
# here (storage EXTERNAL, docs/cache.md), so its rows are about as large as
# the JSON: the scan's pages are not dwarfed by the JSON of one page.
sql -c "ALTER FOREIGN TABLE github.issues ALTER COLUMN attrs SET STORAGE EXTERNAL" >/dev/null
BIG="SELECT count(attrs) FROM github.issues WHERE repo = 'octo/hello'"
HOT="SELECT count(*) FROM github.releases WHERE repo = 'octo/world'"
big() { sql -c "SET saas_fdw.page_size = 10" -c "$BIG"; }
sql -c "SELECT saas_fdw_cache_reset()" >/dev/null
clear_log
big >/dev/null
big_pages=$(requests)
big_rows=$(stat row_bytes)
big_json=$(stat page_bytes)
is "$big_pages" 25 "the scan in pages of 10 makes 25 requests"
half_kb=$(( big_rows / 2 * 107 / 100 / 1024 + 12 ))
sql -c "ALTER SYSTEM SET saas_fdw.cache_size = '${half_kb}kB'" >/dev/null
check "restart with saas_fdw.cache_size = ${half_kb}kB" "restart failed" restart
total=$(sql -c "SELECT total_bytes FROM saas_fdw_cache_space()")
check "the cache holds about half the scan's rows, less than its JSON" \
	"total $total, rows $big_rows, JSON $big_json" \
	test $((total * 100)) -le $((big_rows * 55)) -a $((total * 100)) -ge $((big_rows * 45)) \
	-a "$total" -lt "$big_json"
clear_log
sql -c "$HOT" >/dev/null
is "$(requests)" 1 "the hot query makes one request"

# The rows of count(*) take a few bytes an item: the cache drops the JSON of
# pages whose rows it keeps before it evicts any page, so the whole scan
# stays, as rows, and a repeat makes no request.
count_big() { sql -c "SET saas_fdw.page_size = 10" -c "${BIG/count(attrs)/count(*)}"; }
count_big >/dev/null
is "$(requests)" 25 "the first scan of more JSON than the cache fetches every page"
is "$(count_big)/$(requests)" "250/0" \
	"a scan of more JSON than the cache is served whole on a repeat: its rows fit"
check "the JSON of pages with rows makes room: some dropped, no page evicted" \
	"evictions $(stat evictions), page_bytes $(stat page_bytes) of $big_json" \
	test "$(stat evictions)" -eq 0 -a "$(stat page_bytes)" -lt "$big_json"
sql -c "$HOT" >/dev/null
is "$(requests)" 0 "the hot query still hits, without its JSON"

# Rows twice the cache: the scan neither pushes the hot page out nor gets 0
# hits on a repeat: once the scan has put its share of the cache at the
# head of the LRU list, its later pages enter at the tail, where its own
# next page evicts them first unless another scan used them (docs/cache.md).
for round in 1 2 3 4; do
	rows_big=$(big)
	made=$(requests)
	sql -c "$HOT" >/dev/null
	is "$(requests)" 0 "scan $round of twice the cache: the hot query still hits"
	is "$rows_big" 250 "scan $round of twice the cache returns the rows"
	[[ $round == 1 ]] && continue
	check "scan $round of twice the cache: at least 40% of its pages from the cache" \
		"$((big_pages - made)) of $big_pages pages were hits" \
		test $(( (big_pages - made) * 100 )) -ge $((big_pages * 40))
done
check "a scan larger than the cache evicts" "evictions: $(stat evictions)" \
	test "$(stat evictions)" -ge 1
sql -c "ALTER FOREIGN TABLE github.issues ALTER COLUMN attrs SET STORAGE EXTENDED" >/dev/null

# ---- a small cache ----------------------------------------------------------

# room for about 60% of the scan's pages: the largest page fits, not all do
small_kb=$(( bytes_all * 6 / 10 * 107 / 100 / 1024 + 12 ))
sql -c "ALTER SYSTEM SET saas_fdw.cache_size = '${small_kb}kB'" >/dev/null
check "restart with saas_fdw.cache_size = ${small_kb}kB" "restart failed" restart
total=$(sql -c "SELECT total_bytes FROM saas_fdw_cache_space()")
check "the small cache cannot hold the whole scan" "total $total, scan needs $bytes_all" \
	test "$total" -lt "$bytes_all"
clear_log
rows_small=$(scan)
rows_small2=$(scan)
made=$(requests)
is "$rows_small/$rows_small2" "$rows/$rows" "scans through a small cache return the rows"
is "$made/$(stat evictions)" "$pages/0" \
	"a small cache drops JSON, not pages: the rows of every page serve the repeat"
check "a small cache still holds pages" "entries: $(stat entries)" test "$(stat entries)" -ge 1
is "$(stat misses)" "$made" "every miss was a request and every request a miss"
is "$(( $(stat hits) + $(stat misses) ))" $((2 * pages)) "hits + misses = page lookups"
is "$(sql -c "SELECT (SELECT sum(bytes) FROM saas_fdw_cache) + available_bytes = total_bytes
              AND used_bytes = (SELECT sum(bytes) FROM saas_fdw_cache)
              AND entries = (SELECT sum(entries) FROM saas_fdw_cache)
              FROM saas_fdw_cache_space()")" t \
	"bytes used per server plus bytes available add up to the cache size"

# a cache smaller than any page caches nothing and keeps working
sql -c "ALTER SYSTEM SET saas_fdw.cache_size = '64kB'" >/dev/null
check "restart with saas_fdw.cache_size = 64kB" "restart failed" restart
total=$(sql -c "SELECT total_bytes FROM saas_fdw_cache_space()")
# (the fake's issues have long bodies: its pages of 100 are hundreds of kB)
check "the pages of the scan are larger than a 64kB cache" \
	"$total bytes of cache, pages of about $((bytes_all / pages)) bytes" \
	test $((bytes_all / pages / 2)) -gt "$total"
clear_log
rows_tiny=$(scan)
scan >/dev/null
is "$(requests)/$rows_tiny" "$((2 * pages))/$rows" "pages larger than the cache are fetched every time, correctly"
is "$(stat entries)" 0 "pages larger than the cache are not cached"

# ---- the arena's invariants --------------------------------------------------

lib=$(sql -c "SELECT setting FROM pg_settings WHERE name = 'dynamic_library_path'")
check "the server runs the SAAS_CACHE_CHECK build" "dynamic_library_path: $lib" \
	grep -q 'cache check:' "${lib%%:*}/saas_fdw.so"
broken=$(grep -m 3 'cache check:' "$SAAS_FDW_PG_LOG")
is "$broken" "" "no scan above broke an invariant of the cache"

# ---- permissions -------------------------------------------------------------

err=$(sql -c "SET ROLE cache_other" -c "SELECT saas_fdw_cache_reset()" 2>&1)
check "saas_fdw_cache_reset() is not open to every role" "got: $err" \
	grep -q 'permission denied' <<<"$err"

# ---- without preload -----------------------------------------------------------

# Before 17 there is no cache without preloading.  On 17 and later the first
# backend that needs the cache makes it in dynamic shared memory, of the
# size saas_fdw.cache_size has then (src/cache_segment.c).
# (ALTER SYSTEM ... = '' would ask for a library named ""; and before 17,
# without the library, saas_fdw.cache_size is no known setting, so drop it)
sql -c "ALTER SYSTEM RESET saas_fdw.cache_size" >/dev/null
pg_conftool "$PGVERSION" regress remove shared_preload_libraries
named_dsm=$(($(sql -c "SHOW server_version_num") >= 170000))
if ((named_dsm)); then
	pg_conftool "$PGVERSION" regress set saas_fdw.cache_size 8MB
else
	pg_conftool "$PGVERSION" regress remove saas_fdw.cache_size
fi
check "restart without shared_preload_libraries" "restart failed" restart
clear_log
if ((named_dsm)); then
	out=$(sql -c "$SCAN" 2>&1)
	is "$out/$(requests)" "$rows/$pages" "without preload (17 and later) a cold scan pages through the API"
	out=$(sql -c "$SCAN" 2>&1)
	is "$out/$(requests)" "$rows/0" \
		"without preload (17 and later) another backend's scan is served from the cache, with no WARNING"
	is "$(stat misses)/$(stat hits)/$(stat entries)" "$pages/$pages/$pages" \
		"without preload (17 and later) saas_fdw_cache counts the misses of one backend and the hits of the other"
	total=$(sql -c "SELECT total_bytes FROM saas_fdw_cache_space()")
	check "without preload (17 and later) the cache has the size saas_fdw.cache_size had (8MB)" \
		"total_bytes: $total" test "$total" -gt $((7 * 1024 * 1024)) -a "$total" -le $((8 * 1024 * 1024))
	sql -c "ALTER SYSTEM SET saas_fdw.cache_size = '16MB'" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.5
	is "$(sql -c "SHOW saas_fdw.cache_size")/$(sql -c "SELECT total_bytes FROM saas_fdw_cache_space()")" \
		"16MB/$total" "without preload (17 and later) a reload changes the setting, not the cache made already"
	sql -c "SELECT saas_fdw_cache_reset()" >/dev/null
	scan >/dev/null
	is "$(requests)/$(stat entries)" "$pages/$pages" \
		"without preload (17 and later) saas_fdw_cache_reset() empties the cache of every backend"
	sql -c "ALTER SYSTEM RESET saas_fdw.cache_size" >/dev/null
	pg_conftool "$PGVERSION" regress remove saas_fdw.cache_size
	# the part small_shm above, in a cluster of its own (as root: a mount
	# namespace of its own, with a /dev/shm of 16MB; that mount point made
	# private first, so that the new mount is not seen outside even where
	# the root is no mount point, as in test/majors.sh's chroot)
	SAAS_CACHE_SUITE_PART=small_shm SAAS_CACHE_SUITE_PRELOAD= \
		unshare --mount --propagation unchanged bash -c '
			mount --make-private /dev/shm &&
			mount -t tmpfs -o size=16m,mode=1777 shm /dev/shm && exec "$@"' small_shm \
		"${SAAS_FDW_WITH_CLUSTER:-$top/test/with-cluster.sh}" \
		-o shared_preload_libraries= -o saas_fdw.cache_size=64MB -- "$0" ||
		t_not_ok "without preload (17 and later), where /dev/shm is small" "the part small_shm failed"
else
	echo "ok - without preload, the cache made at first use # SKIP needs PostgreSQL 17 or later"
	err=$(sql -c "SELECT * FROM saas_fdw_cache" 2>&1)
	check "without preload (15, 16) the view says how to enable the cache" "got: $err" \
		grep -q 'HINT:  Add saas_fdw to shared_preload_libraries and restart the server (PostgreSQL 17 and later need neither).' <<<"$err"
	err=$(sql -c "SELECT saas_fdw_cache_reset()" 2>&1)
	check "without preload (15, 16) saas_fdw_cache_reset() raises the same error" "got: $err" \
		grep -q 'saas_fdw shared cache is not available' <<<"$err"
	rows_nopre=$(scan 2>/dev/null)
	scan >/dev/null 2>&1
	is "$rows_nopre/$(requests)" "$rows/$((2 * pages))" "without preload (15, 16) scans work and are not cached"
	warnings=$(sql -c "$SCAN" -c "$SCAN" 2>&1 >/dev/null | grep -c '^WARNING:  saas_fdw is not caching API pages')
	is "$warnings" 1 "without preload (15, 16) a backend warns once that nothing is cached"
fi

# The rate limiter and saas_fdw_activity without preload: on PostgreSQL 17
# and later in a named segment of dynamic shared memory that the first
# backend needing it makes (src/shmem.c); before 17 not there at all.
limits=$(sql -c "SELECT count(*) FROM saas_fdw_rate_limits WHERE server = 'gh' AND remaining IS NOT NULL" 2>&1)
mine=$(sql -c "BEGIN" -c "DECLARE c CURSOR FOR $SCAN" -c "FETCH 1 FROM c" \
	-c "SELECT 'mine', count(*) FROM saas_fdw_activity WHERE pid = pg_backend_pid() AND pages > 0" \
	-c "COMMIT" 2>&1)
if (($(sql -c "SHOW server_version_num") >= 170000)); then
	is "$limits" 1 "without preload (17 and later) the rate limiter learned the API's limit from the scans above"
	check "without preload (17 and later) saas_fdw_activity shows a running scan" "got: $mine" \
		grep -qx 'mine|1' <<<"$mine"
	is "$(sql -c "SELECT count(*) FROM saas_fdw_activity")" 0 \
		"without preload (17 and later) saas_fdw_activity is empty when idle"
else
	check "without preload (15, 16) saas_fdw_rate_limits says how to enable the limiter" "got: $limits" \
		grep -q 'saas_fdw rate limiter is not available' <<<"$limits"
	check "without preload (15, 16) saas_fdw_activity says how to enable it" "got: $mine" \
		grep -q 'saas_fdw activity is not available' <<<"$mine"
fi

t_done
