#!/usr/bin/env bash
# jdbc.sh -- BI tools over JDBC: test/jdbc/BiToolsCheck.java, compiled here
# with javac against Debian's PostgreSQL JDBC driver (packages
# default-jdk-headless and libpostgresql-jdbc-java, from test/install-deps.sh)
# into a temporary directory, and run against a database of its own whose
# schema github is imported from the fake GitHub API.  The Java program
# prints the ok / not ok lines: metadata and REMARKS, a prepared statement
# with a generic plan, sampling queries, a cursor read.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

jar=${SAAS_FDW_JDBC_JAR:-/usr/share/java/postgresql.jar}
if [[ ! -r $jar ]] || ! command -v javac >/dev/null; then
	t_not_ok "a JDK and the PostgreSQL JDBC driver are installed" \
		"need javac and $jar: run test/install-deps.sh"
	t_done
fi

classes=$(mktemp -d -t saas_fdw_jdbc.XXXXXX)
db=saas_fdw_jdbc
cleanup() {
	rm -rf "$classes"
	psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" >/dev/null
}
trap cleanup EXIT

if ! out=$(javac -d "$classes" -cp "$jar" test/jdbc/BiToolsCheck.java 2>&1); then
	t_not_ok "compile test/jdbc/BiToolsCheck.java" "$out"
	t_done
fi

psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db
# cache_ttl 0: every query makes its own requests, so the log shows them
if ! t_psql "CREATE EXTENSION saas_fdw;
	CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL', cache_ttl '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
	CREATE SCHEMA github;
	IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;" >/dev/null; then
	t_not_ok "set up the database $db"
	t_done
fi

java -cp "$classes:$jar" BiToolsCheck
