#!/usr/bin/env bash
# rescan_memory.sh -- the memory of a scan after N rescans, in bytes.
#
#   bash test/bench/rescan_memory.sh N...     (inside a cluster: PG* set,
#                                              saas_fdw installed)
#
# For each N: a nested loop feeds N NULL keys to a parameterized scan of
# GitHub issues (a NULL key matches nothing: no request is made, so only
# the rescans themselves are measured).  The query runs as a cursor, so
# that after FETCH ALL the executor, and the scan's memory contexts, are
# still there: the line printed is "N bytes", the sum of total_bytes of the
# backend's contexts named saas_fdw* (pg_backend_memory_contexts), read in
# the same session.  Prints "N bytes seconds" per N.
# test/suites/scan_memory.sh runs it; docs/benchmarks.md has results.
set -euo pipefail

db=saas_fdw_rescan
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION saas_fdw;
	CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '${FAKE_GITHUB_URL:-http://127.0.0.1:8081}');
	CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
	IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO public;"

for n in "$@"; do
	psql -X -q -v ON_ERROR_STOP=1 -At -d $db <<-SQL
		SET enable_memoize = off;  -- every outer row must rescan
		CREATE TEMP TABLE keys AS SELECT NULL::text AS repo FROM generate_series(1, $n);
		ANALYZE keys;
		BEGIN;
		SELECT clock_timestamp() AS started \\gset
		DECLARE c CURSOR FOR
		  SELECT count(i.number) FROM keys JOIN issues i ON i.repo = keys.repo;
		FETCH ALL FROM c \\g /dev/null
		SELECT $n || ' ' || sum(total_bytes) || ' '
		       || round(extract(epoch FROM clock_timestamp() - :'started')::numeric, 1)
		  FROM pg_backend_memory_contexts WHERE name LIKE 'saas_fdw%';
		CLOSE c;
		COMMIT;
	SQL
done
