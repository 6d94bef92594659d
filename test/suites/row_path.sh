#!/usr/bin/env bash
# row_path.sh -- the fast paths of the row path give what the slow paths
# give: a time in the APIs' "YYYY-MM-DDTHH:MM:SSZ" form becomes the value a
# cast gives, other forms and impossible dates go to timestamptz_in (same
# value, same error); a response body that is not valid UTF-8 (or holds a
# NUL byte) is still refused while a valid one with multibyte text reads
# back unchanged.  The bodies are static files served by python3 -m
# http.server on a free port of 127.0.0.1 (no single-issue files: a filter
# number + 0 = N stays local, where number = N would ask for one).
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

dir=$(mktemp -d -t saas_fdw_row_path.XXXXXX)
server_pid=
trap '[[ -n $server_pid ]] && kill "$server_pid"; rm -rf "$dir"' EXIT

body() {		# repo body: the issues list of repository t/<repo>
	mkdir -p "$dir/www/repos/t/$1"
	printf '%b' "$2" >"$dir/www/repos/t/$1/issues"
}
body times '[{"number":1,"title":"caf\\u00e9 \xe2\x98\x95 \xe2\x9c\x93","created_at":"2024-02-29T23:59:59Z"},
 {"number":2,"created_at":"2024-01-01T00:00:00+02:00"},
 {"number":3,"created_at":"2024-01-01T00:00:00.5Z"},
 {"number":4,"created_at":"1999-12-31T24:00:00Z"},
 {"number":5,"created_at":"0001-01-01T00:00:00Z"},
 {"number":6,"created_at":"9999-12-31T23:59:59Z"},
 {"number":7,"created_at":"2016-12-31T23:59:60Z"},
 {"number":8,"created_at":"2024-1-01T00:00:00Z"},
 {"number":9,"created_at":"2024-06-30T12:34:56z"},
 {"number":10,"created_at":"1970-01-01T00:00:00Z"}]'
body feb29 '[{"number":1,"created_at":"2023-02-29T00:00:00Z"}]'
body month13 '[{"number":1,"created_at":"2024-13-01T00:00:00Z"}]'
body badutf8 '[{"number":1,"title":"a\xffb"}]'
body overlong '[{"number":1,"title":"a\xc0\xafb"}]'
body nulbyte '[{"number":1,"title":"a\x00b"}]'

python3 - "$dir" <<'EOF' &
import functools, http.server, os, sys
d = sys.argv[1]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=d + "/www")
handler.func.log_message = lambda *a: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(d + "/port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(d + "/port.tmp", d + "/port")
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 50); do [[ -s $dir/port ]] && break; sleep 0.1; done
port=$(cat "$dir/port")

psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS saas_fdw;
DROP SERVER IF EXISTS row_path CASCADE;
DROP SCHEMA IF EXISTS row_path CASCADE;
CREATE SERVER row_path FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url 'http://127.0.0.1:$port', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER row_path OPTIONS (token 'ghp_test');
CREATE SCHEMA row_path;
IMPORT FOREIGN SCHEMA github FROM SERVER row_path INTO row_path;
SQL

error_of() {		# sql: the ERROR line it raises
	psql -X -q -At -c "SET timezone = 'UTC'; $1" 2>&1 >/dev/null | grep -m1 '^ERROR'
}

t_equal "every time form reads as its cast does" \
	"1|true 2|true 3|true 4|true 5|true 6|true 7|true 8|true 9|true 10|true" \
	"$(t_psql "SET timezone = 'America/New_York';
		SELECT string_agg(number || '|' || (created_at = (attrs->>'created_at')::timestamptz), ' ' ORDER BY number)
		  FROM row_path.issues WHERE repo = 't/times'")"
t_equal "a time in the APIs' form is the exact instant, whatever the session's time zone" \
	"2024-02-29 23:59:59+00|1970-01-01 00:00:00+00" \
	"$(t_psql "SET timezone = 'Asia/Kolkata';
		SELECT string_agg(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS+00'), '|' ORDER BY number)
		  FROM row_path.issues WHERE repo = 't/times' AND number + 0 IN (1, 10)")"
for repo in feb29 month13; do
	value=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["created_at"])' "$dir/www/repos/t/$repo/issues")
	t_equal "an impossible date ($value) raises the cast's error" \
		"$(error_of "SELECT '$value'::timestamptz")" \
		"$(error_of "SELECT created_at FROM row_path.issues WHERE repo = 't/$repo'")"
done

t_equal "multibyte UTF-8 text reads back unchanged" "café ☕ ✓" \
	"$(t_psql "SELECT title FROM row_path.issues WHERE repo = 't/times' AND number + 0 = 1")"
for repo in badutf8 nulbyte; do
	t_equal "a body with $repo is refused" \
		"ERROR:  could not parse the API response as JSON" \
		"$(error_of "SELECT title FROM row_path.issues WHERE repo = 't/$repo'")"
done
# json-c 0.16 (Debian 12) lets an overlong form through and the text
# column refuses it; json-c 0.18 (Debian 13) refuses it while parsing
out=$(error_of "SELECT title FROM row_path.issues WHERE repo = 't/overlong'")
case $out in
'ERROR:  invalid byte sequence for encoding "UTF8": 0xc0 0xaf' | \
	'ERROR:  could not parse the API response as JSON')
	t_ok "a body with an overlong UTF-8 form is refused" ;;
*) t_not_ok "a body with an overlong UTF-8 form is refused" "got: $out" ;;
esac

psql -X -q -c "DROP SCHEMA row_path CASCADE; DROP SERVER row_path CASCADE;" >/dev/null 2>&1
t_done
