#!/usr/bin/env bash
# upgrade.sh -- ALTER EXTENSION saas_fdw UPDATE from 0.1 gives the same
# objects as a fresh CREATE EXTENSION of the default version.
#
# In one new database it installs version 0.1 and updates it; in another it
# installs the default version afresh.  Then it describes each extension's
# member objects, as text, and compares: the extension's version, every
# member's identity (functions with their signatures), functions with
# pg_get_functiondef (body, language, volatility, strictness, parallel
# safety, SET options), views with their columns and definition, the event
# trigger (event, tags, function, enabled), the foreign-data wrapper
# (handler, validator, options), the ACL of each and its initial privileges
# (pg_init_privs), and every comment on it or its columns.
#
# So a SQL object added to saas_fdw--0.2.sql and not to saas_fdw--0.1--0.2.sql
# (or added differently) fails here.  The last checks make sure that the
# comparison itself sees each kind of difference: they change one thing in
# the updated database, inside a transaction that is rolled back.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

updated=saas_upgrade_$$
fresh=saas_fresh_$$
trap 'dropdb --if-exists "$updated"; dropdb --if-exists "$fresh"' EXIT

# One line per aspect of each member object, sorted; names, never OIDs.
describe_sql=$(cat <<'EOF'
WITH ext AS (
    SELECT oid, extversion, extrelocatable, extconfig, extcondition
      FROM pg_catalog.pg_extension WHERE extname = 'saas_fdw'),
member AS (
    SELECT d.classid, d.objid, o.type, o.identity
      FROM pg_catalog.pg_depend d
      JOIN ext ON d.refobjid = ext.oid
     CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) o
     WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'),
line AS (
    SELECT 'extension saas_fdw' AS what,
           format('version %s relocatable %s config %s %s', extversion,
                  extrelocatable, extconfig::regclass[], extcondition) AS val
      FROM ext
    UNION ALL
    SELECT type || ' ' || identity, 'member' FROM member
    UNION ALL
    SELECT m.type || ' ' || m.identity,
           CASE WHEN p.prokind IN ('f', 'p') THEN pg_catalog.pg_get_functiondef(p.oid)
                ELSE 'kind ' || p.prokind::text END
      FROM member m JOIN pg_catalog.pg_proc p ON m.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    SELECT m.type || ' ' || m.identity,
           format('kind %s columns (%s)', c.relkind,
                  (SELECT string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                     FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
           || CASE WHEN c.relkind IN ('v', 'm') THEN E'\n' || pg_catalog.pg_get_viewdef(c.oid) ELSE '' END
      FROM member m JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT m.type || ' ' || m.identity,
           format('on %s tags %s executes %s enabled %s', e.evtevent, e.evttags,
                  e.evtfoid::regprocedure, e.evtenabled)
      FROM member m JOIN pg_catalog.pg_event_trigger e ON m.classid = 'pg_catalog.pg_event_trigger'::regclass AND e.oid = m.objid
    UNION ALL
    SELECT m.type || ' ' || m.identity,
           format('handler %s validator %s options %s', w.fdwhandler::regprocedure,
                  w.fdwvalidator::regprocedure, w.fdwoptions)
      FROM member m JOIN pg_catalog.pg_foreign_data_wrapper w ON m.classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass AND w.oid = m.objid
    UNION ALL
    SELECT m.type || ' ' || m.identity, 'acl ' || coalesce(acl::text, 'default')
      FROM member m
     CROSS JOIN LATERAL (
        SELECT proacl FROM pg_catalog.pg_proc WHERE m.classid = 'pg_catalog.pg_proc'::regclass AND oid = m.objid
        UNION ALL
        SELECT relacl FROM pg_catalog.pg_class WHERE m.classid = 'pg_catalog.pg_class'::regclass AND oid = m.objid
        UNION ALL
        SELECT fdwacl FROM pg_catalog.pg_foreign_data_wrapper WHERE m.classid = 'pg_catalog.pg_foreign_data_wrapper'::regclass AND oid = m.objid
        UNION ALL
        SELECT typacl FROM pg_catalog.pg_type WHERE m.classid = 'pg_catalog.pg_type'::regclass AND oid = m.objid
        UNION ALL
        SELECT nspacl FROM pg_catalog.pg_namespace WHERE m.classid = 'pg_catalog.pg_namespace'::regclass AND oid = m.objid
     ) acls(acl)
    UNION ALL
    SELECT m.type || ' ' || m.identity,
           format('initial privileges (column %s, %s) %s', i.objsubid, i.privtype, i.initprivs)
      FROM member m JOIN pg_catalog.pg_init_privs i ON i.classoid = m.classid AND i.objoid = m.objid
    UNION ALL
    SELECT m.type || ' ' || m.identity,
           format('comment (column %s) %s', d.objsubid, d.description)
      FROM member m JOIN pg_catalog.pg_description d ON d.classoid = m.classid AND d.objoid = m.objid)
SELECT what || ': ' || val FROM line ORDER BY what, val
EOF
)

describe() {	# database [sql run first, in the same transaction]
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c 'BEGIN' ${2:+-c "$2"} \
		-c "$describe_sql" -c 'ROLLBACK'
}

version() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "SELECT extversion FROM pg_extension WHERE extname = 'saas_fdw'"; }

if ! createdb "$updated" || ! createdb "$fresh"; then
	t_not_ok "create the two databases"
	t_done
fi

default=$(sed -nE "s/^default_version = '([^']+)'/\\1/p" "$SAAS_FDW_ROOT/saas_fdw.control")
psql -X -q -v ON_ERROR_STOP=1 -d "$updated" -c "CREATE EXTENSION saas_fdw VERSION '0.1'"
t_equal "CREATE EXTENSION saas_fdw VERSION '0.1' installs 0.1" 0.1 "$(version "$updated")"
psql -X -q -v ON_ERROR_STOP=1 -d "$updated" -c 'ALTER EXTENSION saas_fdw UPDATE'
t_equal "ALTER EXTENSION saas_fdw UPDATE reaches the default version $default" "$default" "$(version "$updated")"
psql -X -q -v ON_ERROR_STOP=1 -d "$fresh" -c 'CREATE EXTENSION saas_fdw'
t_equal "CREATE EXTENSION saas_fdw installs $default" "$default" "$(version "$fresh")"

after_update=$(describe "$updated")
after_create=$(describe "$fresh")
if [[ -n $after_create && $after_update == "$after_create" ]]; then
	t_ok "an updated 0.1 and a fresh $default have the same objects ($(grep -c ': member$' <<<"$after_create") members: functions, views, event trigger, grants, comments)"
else
	t_not_ok "an updated 0.1 and a fresh $default have the same objects" \
		"$(diff -u <(echo "$after_create") <(echo "$after_update") | sed '1,2d' | head -n 60)"
fi

t_check "both hold saas_fdw_describe and saas_fdw_rate_limit_reset" \
	bash -c 'grep -q "saas_fdw_describe" <<<"$1" && grep -q "saas_fdw_rate_limit_reset(pg_catalog.text)" <<<"$1"' _ "$after_update"

# The comparison sees each kind of difference (changes rolled back).
sees() {	# name sql
	local changed
	changed=$(describe "$updated" "$2")
	if [[ -n $changed && $changed != "$after_create" ]]; then
		t_ok "the comparison sees $1"
	else
		t_not_ok "the comparison sees $1" "after: $2"
	fi
}
sees "a grant" 'GRANT EXECUTE ON FUNCTION saas_fdw_cache_reset() TO PUBLIC'
sees "a function the update left out" 'ALTER EXTENSION saas_fdw DROP FUNCTION saas_fdw_cache_reset(text)'
sees "a function's attributes" 'ALTER FUNCTION saas_fdw_rate_limit_stats() STABLE'
sees "a view's definition" "DO \$\$ BEGIN EXECUTE 'CREATE OR REPLACE VIEW saas_fdw_cache AS '
	|| rtrim(pg_get_viewdef('saas_fdw_cache'::regclass), ';') || ' OFFSET 0'; END \$\$"
sees "the event trigger" 'ALTER EVENT TRIGGER saas_fdw_import_comments DISABLE'
sees "a comment" "COMMENT ON VIEW saas_fdw_rate_limits IS 'changed'"
t_done
