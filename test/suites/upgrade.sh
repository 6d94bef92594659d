#!/usr/bin/env bash
# upgrade.sh -- ALTER EXTENSION saas_fdw UPDATE from 0.1 gives the same
# objects, with the same definitions and privileges, as a fresh install of
# the default version (saas_fdw--0.1--0.2.sql against saas_fdw--0.2.sql).
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

fresh=saas_fdw_upgrade_fresh
updated=saas_fdw_upgrade_updated
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $fresh" -c "DROP DATABASE IF EXISTS $updated" >/dev/null 2>&1
}
trap cleanup EXIT
cleanup
psql -X -q -d postgres -c "CREATE DATABASE $fresh" -c "CREATE DATABASE $updated" >/dev/null

# every member object, with its definition (functions) or columns (views),
# and its privileges
objects() {
	psql -X -q -At -d "$1" -c "
	SELECT pg_describe_object(d.classid, d.objid, d.objsubid) || ' | ' ||
	       coalesce(pg_get_functiondef(p.oid), pg_get_viewdef(c.oid), '') || ' | ' ||
	       coalesce(p.proacl::text, c.relacl::text, '')
	  FROM pg_depend d
	  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'saas_fdw'
	  LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
	  LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
	 WHERE d.deptype = 'e'
	 ORDER BY 1" 2>&1
}

psql -X -q -v ON_ERROR_STOP=1 -d "$fresh" -c "CREATE EXTENSION saas_fdw" >/dev/null
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$updated" \
	-c "CREATE EXTENSION saas_fdw VERSION '0.1'" \
	-c "ALTER EXTENSION saas_fdw UPDATE" \
	-c "SELECT extversion FROM pg_extension WHERE extname = 'saas_fdw'" 2>&1)
t_equal "0.1 updates to the default version" \
	"$(psql -X -q -At -d "$fresh" -c "SELECT extversion FROM pg_extension WHERE extname = 'saas_fdw'")" "$out"
a=$(objects "$fresh")
b=$(objects "$updated")
if [[ $a == "$b" ]]; then
	t_ok "an updated database holds the objects of a fresh install, alike"
else
	t_not_ok "an updated database holds the objects of a fresh install, alike" "$(diff <(echo "$a") <(echo "$b"))"
fi
t_check "both hold saas_fdw_describe and saas_fdw_rate_limit_reset" \
	bash -c 'grep -q "saas_fdw_describe" <<<"$1" && grep -q "saas_fdw_rate_limit_reset(text)" <<<"$1"' _ "$b"
t_done
