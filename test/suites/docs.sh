#!/usr/bin/env bash
# docs.sh -- docs/<service>.md documents every table and column that
# IMPORT FOREIGN SCHEMA creates, each column's type, and every filter, API
# parameter and ORDER BY the extension pushes down, and claims none it does
# not: the reference cannot fall behind the service descriptions in
# src/services/.  The rules are read from the running extension (the
# imported tables, their COMMENTs, EXPLAIN); see test/suites/docs_rules.py.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

db=saas_fdw_docs
psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db

t_psql "CREATE EXTENSION saas_fdw" >/dev/null
for service in github stripe slack jira linear; do
	site=
	# a service of many sites needs one named (EXPLAIN makes no request)
	[[ $service == jira ]] && site=", site 'docs'"
	t_psql "CREATE SERVER docs_$service FOREIGN DATA WRAPPER saas_fdw OPTIONS (service '$service'$site);
		CREATE USER MAPPING FOR CURRENT_USER SERVER docs_$service;
		CREATE SCHEMA $service;
		IMPORT FOREIGN SCHEMA $service FROM SERVER docs_$service INTO $service;" >/dev/null
	doc=docs/$service.md
	if [[ ! -f $doc ]]; then
		t_not_ok "$doc exists"
		continue
	fi
	# tables, columns, filters and orders against the extension's own rules
	python3 test/suites/docs_rules.py "$service" "$doc" || t_failures=$((t_failures + 1))
done

psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
t_done
