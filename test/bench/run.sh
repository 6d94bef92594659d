#!/usr/bin/env bash
# run.sh -- the saas_fdw benchmark:  bash test/bench/run.sh
#
# Not part of the pass/fail suite.  What it does (docs/benchmarks.md has the
# results and how to read them):
#
# 1. installs what it needs (test/install-deps.sh, nginx-light), builds
#    saas_fdw into a private DESTDIR (test/build.sh) and the floor program
#    (floor.c), and writes the data set (gen.py: 20,000 GitHub issues in 200
#    pages, 20,000 Stripe charges in 200 pages);
# 2. as root, goes on in a network namespace of its own (unshare --net), so
#    its ports never clash with other runs; starts nginx on 127.0.0.1:8090
#    and the 50 ms latency proxy on :8091 (servers.sh);
# 3. in a throwaway cluster with saas_fdw preloaded (test/with-cluster.sh)
#    measures, side by side: the floor (libcurl + json-c, sequential and
#    concurrent), COPY FROM PROGRAM 'curl' + jsonb by hand, saas_fdw with an
#    empty cache and with a warm one, a heap table of the same rows (and
#    one of every column, for every column sent to the client); the
#    backend's peak memory for 1,000 and 20,000 rows; the requests a LIMIT 10
#    makes; then prints a table of medians and ratios.
#
# Settings (environment):
#   SAAS_FDW_BENCH_SETTINGS  SQL run before every saas_fdw query, e.g.
#                            'SET saas_fdw.read_ahead = 8;' (pages in flight)
#   BENCH_RUNS               runs per measurement without latency (5)
#   BENCH_SLOW_RUNS          runs per measurement with latency (3)
#   BENCH_DELAY_MS           latency added by the proxy (50)
#   BENCH_CONCURRENCY        pages in flight for the concurrent floor (8)
#   BENCH_CACHE_SIZE         saas_fdw.cache_size of the cluster (64MB, the
#                            default)
#   BENCH_PROFILE=1          also count the instructions of one cached
#                            20,000-row scan under callgrind (profile.sh)
#   BENCH_PART=range_split   only the range split rows: a month of 20,000
#                            Stripe charges by created range, with latency
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=$ROOT/test/bench
cd "$ROOT"
export LC_ALL=C.UTF-8 LANG=C.UTF-8
export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
export BENCH_RUNS=${BENCH_RUNS:-5} BENCH_SLOW_RUNS=${BENCH_SLOW_RUNS:-3}
export BENCH_DELAY_MS=${BENCH_DELAY_MS:-50} BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-8}
export SAAS_FDW_BENCH_SETTINGS=${SAAS_FDW_BENCH_SETTINGS:-}
export BENCH_CACHE_SIZE=${BENCH_CACHE_SIZE:-64MB}
export BENCH_PART=${BENCH_PART:-all}

FAST=http://127.0.0.1:8090
FAR=http://127.0.0.1:8091
FAST_RANGE=http://127.0.0.1:8092
FAR_RANGE=http://127.0.0.1:8093
ISSUES="/repos/bench/big/issues?state=all&per_page=100"
CHARGES="/v1/charges?limit=100"
GH_COLS="number, id, title, body, state, user_login, labels, comments, created_at, updated_at, closed_at"
ST_COLS="id, amount, amount_refunded, currency, created, customer, status, paid, description"
GH_QUERY_TAIL="WHERE repo = 'bench/big' AND num_nulls($GH_COLS) < 99"
ST_QUERY_TAIL="WHERE num_nulls($ST_COLS) < 99"

# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f\n", m }'; }

# time_sql RUNS PRE SQL: median of RUNS timings (ms) of SQL, each run after
# PRE (not timed), all in one session.
time_sql() {
	local runs=$1 pre=$2 sql=$3 i
	{
		for ((i = 0; i < runs; i++)); do
			printf '\\timing off\n%s\n\\timing on\n%s\n' "$pre" "$sql"
		done
	} | psql_q | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | median
}

# time_floor RUNS ARGS...: median milliseconds of the floor program.
time_floor() {
	local runs=$1 i
	shift
	for ((i = 0; i < runs; i++)); do
		"$WORK/floor" "$@" 2>/dev/null | awk '{ print $3 }'
	done | median
}

# scan_counts PRE SQL: the Cache Hits and Pages Parsed of SQL (EXPLAIN
# ANALYZE) after PRE, in one session.
scan_counts() {
	psql_q -c "$1 EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $2" |
		grep -E 'Cache Hits|Pages Parsed' | sed 's/^ *//' | paste -sd ';' | sed 's/;/; /'
}

# peak_kb SQL: the VmHWM of a fresh backend after running SQL.
peak_kb() {
	printf '%s\n%s\nSELECT (regexp_match(pg_read_file(%s), %s))[1];\n' \
		"$SAAS_FDW_BENCH_SETTINGS" "$1" "'/proc/self/status'" "'VmHWM:\\s+(\\d+)'" |
		psql_q | tail -n 1
}

declare -a ROWS=()
row() { ROWS+=("$1|$2|$3|$4"); }		# case | ms | baseline ms | target note

print_table() {
	local r name ms base note ratio
	echo
	echo "| case | median ms | ratio | target |"
	echo "|---|---:|---:|---|"
	for r in "${ROWS[@]}"; do
		IFS='|' read -r name ms base note <<<"$r"
		ratio=$(awk -v a="$ms" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "" }')
		echo "| $name | $ms | $ratio | $note |"
	done
}

# The range split (saas_fdw.range_streams): the 20,000 charges of a month
# through the latency proxy, read by created range, beside the floor that
# reads the same range page after page.
range_split_rows() {
	local cold_pre=$1 floor_seq ms streams explain
	local month="created >= '2025-11-01 00:00+00' AND created < '2025-12-01 00:00+00'"
	local month_fdw="SELECT count(*) FROM st_range.charges WHERE $month AND num_nulls($ST_COLS) < 99;"

	echo "== Stripe charges of a month, 20,000 rows in 200 pages, by created range, $BENCH_DELAY_MS ms per request"
	[[ $(psql_q -c "SELECT count(*) FROM st_month.charges WHERE $month") == 20000 ]] ||
		{ echo "st_month.charges: not 20000 rows" >&2; exit 1; }
	floor_seq=$(time_floor "$BENCH_SLOW_RUNS" stripe "$FAR_RANGE/v1/charges?created[gte]=1761955200&created[lt]=1764547200&limit=100")
	row "Stripe month +${BENCH_DELAY_MS}ms floor, sequential" "$floor_seq" "$floor_seq" "baseline"
	for streams in 1 4 8; do
		ms=$(time_sql "$BENCH_SLOW_RUNS" "$cold_pre SET saas_fdw.range_streams = $streams;" "$month_fdw")
		row "Stripe month +${BENCH_DELAY_MS}ms saas_fdw, range_streams $streams" "$ms" "$floor_seq" \
			"$([[ $streams == 4 ]] && echo '<= 0.35 x floor (the default)')"
	done
	explain=$(psql_q -c "SELECT saas_fdw_cache_reset()" \
		-c "$SAAS_FDW_BENCH_SETTINGS EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $month_fdw")
	RANGE_SPLIT_EXPLAIN=$(echo "$explain" | grep -E 'Range Split|API Calls|Pages:' | sed 's/^ */    /')
}

in_cluster() {
	local fdw_pre="$SAAS_FDW_BENCH_SETTINGS" cold_pre
	cold_pre="SELECT saas_fdw_cache_reset(); $fdw_pre"

	echo "== setup: servers, user mappings, imported schemas, heap tables"
	psql_q >/dev/null <<-SQL
		CREATE EXTENSION saas_fdw;
		CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url '$FAST');
		CREATE SERVER gh_far FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url '$FAR');
		CREATE SERVER st FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'stripe', base_url '$FAST');
		CREATE SERVER st_far FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'stripe', base_url '$FAR');
		CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_bench');
		CREATE USER MAPPING FOR CURRENT_USER SERVER gh_far OPTIONS (token 'ghp_bench');
		CREATE USER MAPPING FOR CURRENT_USER SERVER st OPTIONS (token 'sk_test_bench');
		CREATE USER MAPPING FOR CURRENT_USER SERVER st_far OPTIONS (token 'sk_test_bench');
		CREATE SCHEMA gh; IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO gh;
		CREATE SCHEMA gh_far; IMPORT FOREIGN SCHEMA github FROM SERVER gh_far INTO gh_far;
		CREATE SCHEMA st; IMPORT FOREIGN SCHEMA stripe FROM SERVER st INTO st;
		CREATE SCHEMA st_far; IMPORT FOREIGN SCHEMA stripe FROM SERVER st_far INTO st_far;
		CREATE SERVER st_month FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'stripe', base_url '$FAST_RANGE');
		CREATE SERVER st_range FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'stripe', base_url '$FAR_RANGE');
		CREATE USER MAPPING FOR CURRENT_USER SERVER st_month OPTIONS (token 'sk_test_bench');
		CREATE USER MAPPING FOR CURRENT_USER SERVER st_range OPTIONS (token 'sk_test_bench');
		CREATE SCHEMA st_month; IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER st_month INTO st_month;
		CREATE SCHEMA st_range; IMPORT FOREIGN SCHEMA stripe LIMIT TO (charges) FROM SERVER st_range INTO st_range;
		CREATE TABLE heap_issues AS SELECT $GH_COLS FROM gh.issues WHERE repo = 'bench/big';
		CREATE TABLE heap_charges AS SELECT $ST_COLS FROM st.charges;
		CREATE TABLE heap_issues_all AS SELECT * FROM gh.issues WHERE repo = 'bench/big';
		VACUUM ANALYZE heap_issues;
		VACUUM ANALYZE heap_issues_all;
		VACUUM ANALYZE heap_charges;
		CREATE UNLOGGED TABLE staging (page jsonb);
	SQL
	[[ $(psql_q -c "SELECT count(*) FROM heap_issues") == 20000 ]] || { echo "heap_issues: not 20000 rows" >&2; exit 1; }
	[[ $(psql_q -c "SELECT count(*) FROM heap_charges") == 20000 ]] || { echo "heap_charges: not 20000 rows" >&2; exit 1; }

	local gh_fdw="SELECT count(*) FROM gh.issues $GH_QUERY_TAIL;"
	local st_fdw="SELECT count(*) FROM st.charges $ST_QUERY_TAIL;"
	local by_hand
	by_hand=$(cat <<-SQL
		DO \$\$ BEGIN
		  TRUNCATE staging;
		  COPY staging FROM PROGRAM 'curl -sf -w "\\n" "$FAST$ISSUES&page=[1-200]"'
		    WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02');
		  PERFORM count(*) FROM staging, jsonb_array_elements(page) e
		   WHERE num_nulls((e->>'number')::int, (e->>'id')::bigint, e->>'title', e->>'body',
		                   e->>'state', e->'user'->>'login',
		                   ARRAY(SELECT l->>'name' FROM jsonb_array_elements(e->'labels') l),
		                   (e->>'comments')::int, (e->>'created_at')::timestamptz,
		                   (e->>'updated_at')::timestamptz, (e->>'closed_at')::timestamptz) < 99;
		END \$\$;
	SQL
	)
	local floor_seq floor_par ms heap cached

	range_split_rows "$cold_pre"
	if [[ $BENCH_PART == range_split ]]; then
		{
			echo "saas_fdw benchmark (range split), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r)"
			echo "settings: slow_runs=$BENCH_SLOW_RUNS delay=${BENCH_DELAY_MS}ms SAAS_FDW_BENCH_SETTINGS='$SAAS_FDW_BENCH_SETTINGS'"
			print_table
			echo
			echo "$RANGE_SPLIT_EXPLAIN"
		} | tee "$WORK/results.md"
		cp "$WORK/results.md" "$BENCH_RESULTS"
		return
	fi
	echo "== GitHub issues, 20,000 rows in 200 pages, no added latency ($BENCH_RUNS runs each)"
	floor_seq=$(time_floor "$BENCH_RUNS" github "$FAST$ISSUES")
	floor_par=$(time_floor "$BENCH_RUNS" github "$FAST$ISSUES" "$BENCH_CONCURRENCY")
	row "GitHub floor, sequential" "$floor_seq" "$floor_seq" "baseline"
	row "GitHub floor, $BENCH_CONCURRENCY pages at a time" "$floor_par" "$floor_seq" ""
	ms=$(time_sql "$BENCH_RUNS" "" "$by_hand")
	row "GitHub by hand: COPY FROM PROGRAM curl + jsonb" "$ms" "$floor_seq" ""
	ms=$(time_sql "$BENCH_RUNS" "$cold_pre" "$gh_fdw")
	row "GitHub saas_fdw, empty cache" "$ms" "$floor_seq" "<= 1.3 x floor"
	heap=$(time_sql "$BENCH_RUNS" "" "SELECT count(*) FROM heap_issues WHERE num_nulls($GH_COLS) < 99;")
	cached=$(time_sql "$BENCH_RUNS" "$fdw_pre" "$gh_fdw")
	row "GitHub saas_fdw, cached" "$cached" "$heap" "<= 3 x heap"
	# each run first puts back the rows of the query above, so these find
	# cached pages whose rows are of its eleven columns: three of them are
	# served from those rows; a column they lack parses every page again
	ms=$(time_sql "$BENCH_RUNS" "$fdw_pre $gh_fdw" \
		"SELECT count(*) FROM gh.issues WHERE repo = 'bench/big' AND num_nulls(number, title, state) < 99;")
	row "GitHub saas_fdw, cached, fewer columns" "$ms" "$heap" "<= 2 x heap (rows of more columns)"
	ms=$(time_sql "$BENCH_RUNS" "$fdw_pre $gh_fdw" \
		"SELECT count(*) FROM gh.issues WHERE repo = 'bench/big' AND num_nulls(number, locked) < 99;")
	row "GitHub saas_fdw, cached pages, a column the rows lack" "$ms" "$heap" "(pages parsed again)"
	row "GitHub heap table" "$heap" "$heap" "baseline of cached"
	# what the cache holds for the eleven columns' scan, per item, and
	# what a second scan, another column list, count(*), another session's
	# settings and a whole-row scan find of it
	echo "== the cache at saas_fdw.cache_size = $BENCH_CACHE_SIZE"
	local cache_mem second fewer counted tz whole whole2 whole3 heap_size
	cache_mem=$(psql_q -c "SELECT saas_fdw_cache_reset()" -c "$fdw_pre $gh_fdw" \
		-c "SELECT entries, page_bytes, row_bytes, bytes, bytes_per_page FROM saas_fdw_cache WHERE server = 'gh'" | tail -n 1)
	second=$(scan_counts "$fdw_pre" "$gh_fdw")
	fewer=$(scan_counts "$fdw_pre" "SELECT count(*) FROM gh.issues WHERE repo = 'bench/big' AND num_nulls(number, title, state) < 99;")
	counted=$(scan_counts "$fdw_pre" "SELECT count(*) FROM gh.issues WHERE repo = 'bench/big';")
	tz=$(scan_counts "$fdw_pre SET TimeZone = 'Asia/Tokyo'; SET DateStyle = 'SQL, DMY';" "$gh_fdw")
	psql_q -c "SELECT saas_fdw_cache_reset()" \
		-c "$fdw_pre SELECT count(*) FROM gh.issues i WHERE repo = 'bench/big' AND i IS NOT NULL;" >/dev/null
	whole=$(scan_counts "$fdw_pre" "SELECT count(*) FROM gh.issues i WHERE repo = 'bench/big' AND i IS NOT NULL;")
	whole2=$(psql_q -c "SELECT page_bytes, row_bytes, bytes FROM saas_fdw_cache WHERE server = 'gh'" | tail -n 1)
	# every column of every row sent to the client, attrs too: from those
	# rows (large values compressed) and from a heap table (TOAST)
	heap=$(time_sql "$BENCH_RUNS" "" "SELECT * FROM heap_issues_all;")
	ms=$(time_sql "$BENCH_RUNS" "$fdw_pre" "SELECT * FROM gh.issues WHERE repo = 'bench/big';")
	row "GitHub saas_fdw, cached, every column sent to the client (attrs too)" "$ms" "$heap" "<= 2 x heap"
	row "GitHub heap table, every column sent to the client" "$heap" "$heap" "baseline of cached"
	whole3=$(scan_counts "$fdw_pre" "SELECT count(*) FROM gh.issues i WHERE repo = 'bench/big' AND i IS NOT NULL;")
	heap_size=$(psql_q -c "SELECT pg_total_relation_size('heap_issues_all'), (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'gh' AND table_name = 'issues')")

	echo "== Stripe charges, 20,000 rows in 200 pages, no added latency"
	floor_seq=$(time_floor "$BENCH_RUNS" stripe "$FAST$CHARGES")
	row "Stripe floor, sequential" "$floor_seq" "$floor_seq" "baseline"
	ms=$(time_sql "$BENCH_RUNS" "$cold_pre" "$st_fdw")
	row "Stripe saas_fdw, empty cache" "$ms" "$floor_seq" "<= 1.3 x floor"
	heap=$(time_sql "$BENCH_RUNS" "" "SELECT count(*) FROM heap_charges WHERE num_nulls($ST_COLS) < 99;")
	cached=$(time_sql "$BENCH_RUNS" "$fdw_pre" "$st_fdw")
	row "Stripe saas_fdw, cached" "$cached" "$heap" "<= 3 x heap"
	row "Stripe heap table" "$heap" "$heap" "baseline of cached"

	echo "== the same with $BENCH_DELAY_MS ms per request ($BENCH_SLOW_RUNS runs each)"
	floor_seq=$(time_floor "$BENCH_SLOW_RUNS" github "$FAR$ISSUES")
	floor_par=$(time_floor "$BENCH_SLOW_RUNS" github "$FAR$ISSUES" "$BENCH_CONCURRENCY")
	row "GitHub +${BENCH_DELAY_MS}ms floor, sequential" "$floor_seq" "$floor_seq" "baseline"
	row "GitHub +${BENCH_DELAY_MS}ms floor, $BENCH_CONCURRENCY pages at a time" "$floor_par" "$floor_seq" ""
	ms=$(time_sql "$BENCH_SLOW_RUNS" "$cold_pre" "${gh_fdw/gh./gh_far.}")
	row "GitHub +${BENCH_DELAY_MS}ms saas_fdw, empty cache" "$ms" "$floor_seq" "< 0.35 x floor (concurrent pages)"
	ms=$(time_sql "$BENCH_SLOW_RUNS" "$cold_pre SET saas_fdw.read_ahead = 0;" "${gh_fdw/gh./gh_far.}")
	row "GitHub +${BENCH_DELAY_MS}ms saas_fdw, empty cache, read_ahead 0" "$ms" "$floor_seq" "(one page at a time)"
	floor_seq=$(time_floor "$BENCH_SLOW_RUNS" stripe "$FAR$CHARGES")
	row "Stripe +${BENCH_DELAY_MS}ms floor, sequential" "$floor_seq" "$floor_seq" "baseline"
	ms=$(time_sql "$BENCH_SLOW_RUNS" "$cold_pre" "${st_fdw/st./st_far.}")
	row "Stripe +${BENCH_DELAY_MS}ms saas_fdw, empty cache" "$ms" "$floor_seq" "overlap next page"
	ms=$(time_sql "$BENCH_SLOW_RUNS" "$cold_pre SET saas_fdw.read_ahead = 0;" "${st_fdw/st./st_far.}")
	row "Stripe +${BENCH_DELAY_MS}ms saas_fdw, empty cache, read_ahead 0" "$ms" "$floor_seq" "(one page at a time)"

	echo "== backend peak memory (VmHWM), cache bypassed (cache_ttl 0)"
	local base_kb k1 k20
	base_kb=$(peak_kb "SELECT 1;")
	k1=$(peak_kb "SET saas_fdw.cache_ttl = 0; SELECT count(*) FROM (SELECT 1 FROM gh.issues $GH_QUERY_TAIL LIMIT 1000) s;")
	k20=$(peak_kb "SET saas_fdw.cache_ttl = 0; $gh_fdw")

	echo "== LIMIT 10 with exact quals"
	local before explain after
	before=$(wc -l <"$RUN_DIR/access.log")
	explain=$(psql_q -c "SELECT saas_fdw_cache_reset()" \
		-c "$fdw_pre EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT number, title FROM gh.issues WHERE repo = 'bench/big' LIMIT 10")
	after=$(wc -l <"$RUN_DIR/access.log")

	{
		echo "saas_fdw benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r)"
		echo "settings: runs=$BENCH_RUNS slow_runs=$BENCH_SLOW_RUNS delay=${BENCH_DELAY_MS}ms concurrency=$BENCH_CONCURRENCY SAAS_FDW_BENCH_SETTINGS='$SAAS_FDW_BENCH_SETTINGS'"
		cat "$DATA_DIR/stats.txt"
		print_table
		echo
		echo "| backend peak memory (VmHWM) | kB |"
		echo "|---|---:|"
		echo "| fresh backend, SELECT 1 | $base_kb |"
		echo "| GitHub 1,000 rows | $k1 |"
		echo "| GitHub 20,000 rows | $k20 |"
		echo "| difference (target: within 10 MB) | $((k20 - k1)) |"
		echo
		IFS='|' read -r c_entries c_pages c_rows c_bytes c_per_page <<<"$cache_mem"
		echo "| shared cache after the GitHub scan (20,000 items, $c_entries pages) | bytes | per item |"
		echo "|---|---:|---:|"
		echo "| JSON pages (page_bytes) | $c_pages | $((c_pages / 20000)) |"
		echo "| rows of the eleven columns (row_bytes) | $c_rows | $((c_rows / 20000)) |"
		echo "| shared memory, whole blocks (bytes) | $c_bytes | $((c_bytes / 20000)) |"
		echo "| bytes_per_page | $c_per_page | |"
		echo
		echo "| after a scan of the eleven columns (cache_size $BENCH_CACHE_SIZE) | EXPLAIN ANALYZE (200 pages) |"
		echo "|---|---|"
		echo "| the same scan again | $second |"
		echo "| three of the columns | $fewer |"
		echo "| count(*) | $counted |"
		echo "| TimeZone Asia/Tokyo, DateStyle SQL, DMY | $tz |"
		echo "| every column, attrs too (whole row), second scan | $whole |"
		IFS='|' read -r w_pages w_rows w_bytes <<<"$whole2"
		echo "| ... its cache: page_bytes, row_bytes, bytes | $w_pages, $w_rows, $w_bytes |"
		echo "| every column, after the timed runs of every column | $whole3 |"
		IFS='|' read -r h_bytes h_columns <<<"$heap_size"
		echo "| heap table of every column ($h_columns), with TOAST: bytes | $h_bytes |"
		echo
		echo "LIMIT 10 with exact quals: $((after - before)) request(s) reached nginx:"
		tail -n $((after - before)) "$RUN_DIR/access.log" | awk '{ print "    " $6, $7 }'
		echo "$explain" | grep -E 'API (Request|Calls)|Pages' | sed 's/^ */    /'
		echo
		echo "The range split's scan (range_streams at its default):"
		echo "$RANGE_SPLIT_EXPLAIN"
	} | tee "$WORK/results.md"
	cp "$WORK/results.md" "$BENCH_RESULTS"
}

# ---------------------------------------------------------------------------
# In the network namespace: the servers, then the cluster.
# ---------------------------------------------------------------------------
in_net() {
	[[ ${BENCH_NETNS:-} == 1 ]] && ip link set lo up
	bash "$BENCH/servers.sh" "$DATA_DIR" "$RUN_DIR"
	trap 'kill $(cat "$RUN_DIR"/*.pid) 2>/dev/null' EXIT
	if [[ ${BENCH_PROFILE:-} == 1 ]]; then
		bash "$BENCH/profile.sh" "$WORK"
	fi
	bash "$ROOT/test/with-cluster.sh" -o saas_fdw.cache_size="$BENCH_CACHE_SIZE" -o shared_buffers=256MB \
		-- bash "$BENCH/run.sh" --in-cluster
}

case ${1:-} in
--in-cluster) in_cluster; exit ;;
--net) in_net; exit ;;
esac

# ---------------------------------------------------------------------------
# Outside: packages, builds, data, then the namespace.
# ---------------------------------------------------------------------------
bash test/install-deps.sh
if ! command -v nginx >/dev/null; then
	sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light >/dev/null
fi

WORK=$(mktemp -d -t saas_fdw_bench.XXXXXX)
chmod a+rx "$WORK"		# the server (OS user postgres) and nginx read from it
trap 'rm -rf "$WORK"' EXIT
export WORK DATA_DIR=$WORK/data RUN_DIR=$WORK/run SAAS_FDW_DESTDIR=$WORK/install
export BENCH_RESULTS=${BENCH_RESULTS:-$BENCH/results.md}

bash test/build.sh "$SAAS_FDW_DESTDIR"
gcc -O2 -Wall -o "$WORK/floor" "$BENCH/floor.c" -lcurl -ljson-c
echo "== writing the data set"
python3 "$BENCH/gen.py" "$DATA_DIR"
chmod -R a+rX "$WORK"

if [[ $(id -u) -eq 0 ]] && unshare --net true 2>/dev/null; then
	echo "== own network namespace (loopback only)"
	BENCH_NETNS=1 unshare --net bash "$BENCH/run.sh" --net
else
	echo "== shared network: ports 8090, 8091 of this machine"
	bash "$BENCH/run.sh" --net
fi
echo "results: $BENCH_RESULTS"
