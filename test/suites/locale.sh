#!/usr/bin/env bash
# locale.sh -- a value is percent-encoded by ASCII rules whatever the
# database's LC_CTYPE (issue 13, item 9).  In a LATIN1 database whose
# LC_CTYPE is de_DE.ISO-8859-1, isalnum() is true for bytes such as 0xC3
# and 0xE9; an encoder that asked isalnum() would send them raw.  'josé'
# must reach the API as UTF-8, percent-encoded: jos%C3%A9.
#
# The locale is made with localedef (package locales, test/install-deps.sh)
# when the machine lacks it, and the suite then runs in a cluster of its
# own: a server started before the locale existed cannot see it (its
# processes keep the locale archive they mapped at start).
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

locale=de_DE.ISO-8859-1
if [[ ${1:-} != --in-cluster ]]; then
	if ! locale -a 2>/dev/null | grep -qix 'de_DE.iso88591' &&
		! localedef -i de_DE -f ISO-8859-1 "$locale" 2>/dev/null; then
		t_not_ok "make the locale $locale" "localedef failed"
		exit 1
	fi
	exec "$SAAS_FDW_WITH_CLUSTER" -- bash "$0" --in-cluster
fi

sql() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

sql -c "DROP DATABASE IF EXISTS saas_fdw_locale" \
	-c "CREATE DATABASE saas_fdw_locale ENCODING 'LATIN1' LC_COLLATE 'C'
	    LC_CTYPE '$locale' TEMPLATE template0" ||
	{ t_not_ok "create a LATIN1 database with LC_CTYPE $locale"; exit 1; }
t_equal "the database's LC_CTYPE is $locale" "$locale" \
	"$(sql -d saas_fdw_locale -c "SELECT datctype FROM pg_database WHERE datname = current_database()")"

PGCLIENTENCODING=UTF8 sql -d saas_fdw_locale \
	-c "CREATE EXTENSION saas_fdw" \
	-c "CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
	    OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL', cache_ttl '0')" \
	-c "CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test')" \
	-c "CREATE FOREIGN TABLE authors (repo text, number integer, user_login text)
	    SERVER gh OPTIONS (resource 'issues')" ||
	{ t_not_ok "set up the foreign table"; exit 1; }

t_fake_log github clear >/dev/null
PGCLIENTENCODING=UTF8 sql -d saas_fdw_locale \
	-c "SELECT count(*) FROM authors WHERE repo = 'octo/world' AND user_login = 'josé'" >/dev/null
log=$(t_fake_log github)
t_check "'josé' is sent as UTF-8 by ASCII rules under LC_CTYPE $locale (creator=jos%C3%A9)" \
	grep -q 'creator=jos%C3%A9&' <<<"$log"
t_check "no byte above 0x7f reaches the request line" \
	bash -c '! LC_ALL=C grep -q "[^ -~]" <<<"$1"' _ "$log"

sql -c "DROP DATABASE saas_fdw_locale"
t_done
