#!/usr/bin/env bash
# tls.sh -- certificates are verified, and the server option ca_file trusts
# a private certificate authority.
#
# Makes a throwaway CA and a certificate for 127.0.0.1/localhost signed by
# it (openssl), serves the fake GitHub API over HTTPS with it
# (test/fake/https.py, a free port on 127.0.0.1), and checks from SQL that:
# without ca_file the query fails with the TLS error (SQLSTATE HV00N, a hint
# naming ca_file) and no request arrives; with ca_file the rows come back;
# another CA still fails; a missing or unreadable file is refused when set,
# and a query says why when it went missing later; only a superuser may set
# ca_file, and only to an absolute path.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

db=saas_fdw_tls
dir=$(mktemp -d -t saas_fdw_tls.XXXXXX)
fake_pid=
cleanup() {
	[[ -n $fake_pid ]] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
chmod 755 "$dir"	# the database server (OS user postgres) reads ca.pem

# ---- a throwaway CA, a server certificate it signs, and another CA ----------

make_ca() {	# name
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$dir/$1.key" -out "$dir/$1.pem" -days 2 -subj "/CN=saas_fdw test $1" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
}
if ! out=$({
	make_ca ca && make_ca other_ca &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=127.0.0.1" &&
		printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
			'basicConstraints=CA:FALSE' 'extendedKeyUsage=serverAuth' >"$dir/server.ext" &&
		openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
			-CAcreateserial -days 2 -extfile "$dir/server.ext" -out "$dir/server.pem"
} 2>&1); then
	t_not_ok "make a throwaway CA and server certificate with openssl" "$out"
	t_done
fi
chmod 644 "$dir"/*.pem

# ---- the fake GitHub API over HTTPS ------------------------------------------

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FAKE=https://127.0.0.1:$port
python3 test/fake/https.py --port "$port" --cert "$dir/server.pem" --key "$dir/server.key" \
	>"$dir/fake.log" 2>&1 </dev/null &
fake_pid=$!
fake() { curl -sf -m 5 --cacert "$dir/ca.pem" "$FAKE$1"; }
for _ in $(seq 100); do
	fake /_health >/dev/null && break
	sleep 0.1
done
if ! fake /_health >/dev/null; then
	t_not_ok "start the fake GitHub API over HTTPS" "$(cat "$dir/fake.log")"
	t_done
fi
t_ok "the fake GitHub API answers over HTTPS with the throwaway CA"

requests() { fake '/_log?clear=1' | grep -c '^GET ' || true; }

psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db

sql() {		# sql: psql with SQLSTATEs shown, stdout and stderr together
	psql -X -q -At -v VERBOSITY=verbose -c "$1" 2>&1
}
has() {		# name extended-regex text: ok when the text matches
	if grep -Eq -- "$2" <<<"$3"; then t_ok "$1"; else t_not_ok "$1" "$3"; fi
}

QUERY="SELECT count(*) FROM github.issues WHERE repo = 'octo/world'"

sql "CREATE EXTENSION saas_fdw;
	CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
	  OPTIONS (service 'github', base_url '$FAKE', cache_ttl '0', max_retries '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
	CREATE SCHEMA github;
	IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;" >/dev/null

# ---- without ca_file: the certificate is not trusted ------------------------

requests >/dev/null
out=$(sql "$QUERY")
has "without ca_file: an error with SQLSTATE HV00N saying TLS failed" \
	"ERROR:  HV00N: could not reach the API at $FAKE: TLS failed" "$out"
has "without ca_file: the detail gives curl's reason (the certificate)" \
	"DETAIL:.*certificate" "$out"
has "without ca_file: the hint names the server option ca_file" \
	"HINT:.*ca_file" "$out"
t_equal "without ca_file: no request reached the API" 0 "$(requests)"

# ---- with ca_file: the rows come back -----------------------------------------

sql "ALTER SERVER gh OPTIONS (ADD ca_file '$dir/ca.pem')" >/dev/null
t_equal "with ca_file naming the CA: the rows come back" 40 "$(sql "$QUERY")"
t_equal "with ca_file: one request" 1 "$(requests)"

sql "ALTER SERVER gh OPTIONS (SET ca_file '$dir/other_ca.pem')" >/dev/null
out=$(sql "$QUERY")
has "ca_file naming another CA: TLS fails (the system's CAs are not added)" \
	"ERROR:  HV00N: could not reach the API at $FAKE: TLS failed" "$out"

out=$(sql "ALTER SERVER gh OPTIONS (SET ca_file '$dir/missing.pem')")
has "ca_file naming a missing file is refused when set, saying why (SQLSTATE 58P01)" \
	'ERROR:  58P01: could not read file ".*/missing.pem" named by option "ca_file": No such file or directory' "$out"

cp "$dir/ca.pem" "$dir/gone.pem"
sql "ALTER SERVER gh OPTIONS (SET ca_file '$dir/gone.pem')" >/dev/null
rm "$dir/gone.pem"
out=$(sql "$QUERY")
has "ca_file removed after it was set: the query says the server could not read it, and why" \
	'ERROR:  58P01: could not read file ".*/gone.pem" named by option "ca_file": No such file or directory' "$out"
has "ca_file removed after it was set: the hint says who must read it" \
	"HINT:  The file must be readable by the operating-system user the database server runs as" "$out"

echo "not a certificate" >"$dir/junk.pem"
chmod 644 "$dir/junk.pem"
sql "ALTER SERVER gh OPTIONS (SET ca_file '$dir/junk.pem')" >/dev/null
out=$(sql "$QUERY")
has "ca_file holding no certificate: the error says the file has none (SQLSTATE HV00N)" \
	'ERROR:  HV00N: could not load certificate authorities from file ".*/junk.pem" named by option "ca_file"' "$out"
has "ca_file holding no certificate: the hint names the PEM form" "HINT:.*PEM" "$out"
t_equal "failed handshakes sent no request" 0 "$(requests)"

sql "ALTER SERVER gh OPTIONS (DROP ca_file)" >/dev/null
out=$(sql "$QUERY")
has "ca_file dropped: the certificate is refused again (no connection reused)" \
	"TLS failed" "$out"

# ---- who may set ca_file, and to what -----------------------------------------

out=$(sql "CREATE SERVER rel FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', ca_file 'ca.pem')")
has "a relative ca_file is refused at CREATE SERVER" \
	'ERROR:  22023: invalid value for option "ca_file": "ca.pem"' "$out"
out=$(sql "ALTER SERVER gh OPTIONS (ADD ca_file '../ca.pem')")
has "a relative ca_file is refused at ALTER SERVER" \
	'ERROR:  22023: invalid value for option "ca_file"' "$out"

sql "CREATE ROLE tls_user; GRANT USAGE ON FOREIGN DATA WRAPPER saas_fdw TO tls_user;
	CREATE SERVER users_own FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github');
	ALTER SERVER users_own OWNER TO tls_user;" >/dev/null
out=$(sql "SET ROLE tls_user;
	CREATE SERVER mine FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github', ca_file '$dir/ca.pem')")
has "a non-superuser cannot CREATE a server with ca_file (SQLSTATE 42501)" \
	'ERROR:  42501: permission denied to set option "ca_file"' "$out"
out=$(sql "SET ROLE tls_user; ALTER SERVER users_own OPTIONS (ADD ca_file '$dir/ca.pem')")
has "a non-superuser cannot add ca_file to a server it owns" \
	'ERROR:  42501: permission denied to set option "ca_file"' "$out"
t_equal "a non-superuser may still create a server without ca_file" "" \
	"$(sql "SET ROLE tls_user; CREATE SERVER plain FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github')")"
sql "DROP OWNED BY tls_user CASCADE; DROP ROLE tls_user" >/dev/null

t_done
