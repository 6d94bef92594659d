#!/usr/bin/env bash
# docs_functions.sh -- every SQL function and view the extension creates is
# named in README.md or docs/*.md, so a new one cannot ship undocumented.
# (The handler and validator are the wrapper's plumbing, named by CREATE
# FOREIGN DATA WRAPPER, and are left out.)
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

db=saas_fdw_docs_functions
psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db
t_psql "CREATE EXTENSION saas_fdw" >/dev/null

objects=$(t_psql "SELECT DISTINCT coalesce(p.proname::text, c.relname::text)
	FROM pg_depend d
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'saas_fdw'
	LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
	LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
	WHERE d.deptype = 'e' AND coalesce(p.proname::text, c.relname::text) IS NOT NULL
	  AND coalesce(p.proname::text, '') NOT IN ('saas_fdw_handler', 'saas_fdw_validator')
	ORDER BY 1")
t_check "the extension creates functions and views to check" test -n "$objects"
for name in $objects; do
	t_check "the docs name $name" grep -rqw -- "$name" README.md docs
done

psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
t_done
