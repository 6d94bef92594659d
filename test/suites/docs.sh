#!/usr/bin/env bash
# docs.sh -- docs/<service>.md documents every table and column that
# IMPORT FOREIGN SCHEMA creates, so the reference cannot fall behind the
# service descriptions in src/services/.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

db=saas_fdw_docs
psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db

t_psql "CREATE EXTENSION saas_fdw" >/dev/null
for service in github stripe slack; do
	t_psql "CREATE SERVER docs_$service FOREIGN DATA WRAPPER saas_fdw OPTIONS (service '$service');
		CREATE SCHEMA $service;
		IMPORT FOREIGN SCHEMA $service FROM SERVER docs_$service INTO $service;" >/dev/null
	doc=docs/$service.md
	if [[ ! -f $doc ]]; then
		t_not_ok "$doc exists"
		continue
	fi
	for table in $(t_psql "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE nspname = '$service' AND relkind = 'f' ORDER BY 1"); do
		t_check "$doc documents table $table" grep -q "\`$table\`" "$doc"
		missing=$(t_psql "SELECT attname FROM pg_attribute
				WHERE attrelid = '$service.$table'::regclass AND attnum > 0 ORDER BY attnum" |
			while read -r column; do
				grep -Eq "^\| *\"?$column\"? *\|" "$doc" || echo "$column"
			done)
		t_equal "$doc lists every column of $table" "" "$missing"
	done
done

psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
t_done
