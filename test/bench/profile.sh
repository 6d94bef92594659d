#!/usr/bin/env bash
# profile.sh WORK -- count the instructions of saas_fdw's row path with
# callgrind (test/bench/run.sh calls it with BENCH_PROFILE=1, once the
# benchmark's servers run; by hand: see docs/benchmarks.md).
#
# A PostgreSQL backend in single-user mode (its own throwaway data
# directory, saas_fdw preloaded from WORK/install) runs under
# valgrind --tool=callgrind, collecting only inside saasIterateForeignScan:
# every instruction from the first page fetched to the last row returned,
# nothing of startup or planning.  Two scans of the 20,000 GitHub issues:
#   cold    cache_ttl 0: HTTP, parse, convert
#   cached  the second of two scans: shared cache, parse, convert
# Instruction counts repeat run to run on a busy machine, unlike seconds.
# Writes WORK/callgrind.<name>.out and prints the totals and the top
# functions (inclusive).
set -euo pipefail
work=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=/usr/lib/postgresql/15/bin
cols="number, id, title, body, state, user_login, labels, comments, created_at, updated_at, closed_at"
query="SELECT count(*) FROM gh.issues WHERE repo = 'bench/big' AND num_nulls($cols) < 99;"

data=$(mktemp -d -t saas_fdw_profile.XXXXXX)
trap 'rm -rf "$data"' EXIT
chown postgres:postgres "$data"
as_postgres() { runuser -u postgres -- "$@"; }
as_postgres "$bin/initdb" -D "$data/pg" -A trust >/dev/null

single() {		# single NAME: run stdin in a single-user backend
	local name=$1
	shift
	as_postgres valgrind --tool=callgrind --toggle-collect=saasIterateForeignScan \
		--callgrind-out-file="$data/callgrind.$name.out" "$@" \
		"$bin/postgres" --single -D "$data/pg" \
		-c shared_preload_libraries=saas_fdw -c saas_fdw.cache_size=256MB \
		-c "extension_destdir=$work/install" \
		-c "dynamic_library_path=$work/install/usr/lib/postgresql/15/lib:\$libdir" \
		postgres >"$data/$name.log" 2>&1
}

setup="CREATE EXTENSION saas_fdw;
CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', base_url 'http://127.0.0.1:8090');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_bench');
CREATE SCHEMA gh;
IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO gh;"

printf '%s\n' "$setup" | as_postgres "$bin/postgres" --single -D "$data/pg" \
	-c shared_preload_libraries=saas_fdw \
	-c "extension_destdir=$work/install" \
	-c "dynamic_library_path=$work/install/usr/lib/postgresql/15/lib:\$libdir" \
	postgres >"$data/setup.log" 2>&1

printf 'SET saas_fdw.cache_ttl = 0;\n%s\n' "$query" | single cold
cp "$data/callgrind.cold.out" "$work/callgrind.cold.out"
# the first scan fills the cache; a dump after each scan keeps the second apart
printf 'SET saas_fdw.cache_ttl = 3600;\n%s\n%s\n' "$query" "$query" |
	single cached --dump-after=saasEndForeignScan
cp "$data/callgrind.cached.out.2" "$work/callgrind.cached.out"
grep -q '20000' "$data/cold.log" || { echo "profile.sh: the cold scan did not return 20000" >&2; cat "$data/cold.log" >&2; exit 1; }

for name in cold cached; do
	echo "== callgrind, $name scan of 20,000 GitHub issues (instructions inside saasIterateForeignScan)"
	callgrind_annotate --inclusive=yes "$work/callgrind.$name.out" 2>/dev/null |
		grep -E 'PROGRAM TOTALS|saas_fdw.so|libjson-c|malloc|MemoryContextReset|InputFunctionCall' |
		sed -n '1,30p'		# (not head: an early exit fails the pipeline)
done
