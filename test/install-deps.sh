#!/usr/bin/env bash
# install-deps.sh [--build-only] -- install the Debian packages saas_fdw
# needs.  To build and run it (and the demo): the compiler, PostgreSQL 15
# with its server headers and postgresql-common (pg_virtualenv), libcurl,
# json-c, python3 (fake API servers), curl (tests read the fake servers'
# request logs with it) and iproute2 (test/run.sh brings up the loopback of
# its network namespace).  The tests also need (not with --build-only): a
# JDK with Debian's PostgreSQL JDBC driver (test/suites/jdbc.sh), openssl
# (test/suites/tls.sh makes a throwaway certificate authority), clang with
# libclang-rt-14-dev (libFuzzer and the sanitizers for test/fuzz/),
# valgrind (test/suites/valgrind.sh) and sqlsmith (test/suites/sqlsmith.sh).
#
# Idempotent: when every package is already installed it does nothing.
# Runs apt-get as root, or through sudo otherwise.  Quiet unless it fails;
# then it prints apt's output and exits non-zero.
set -euo pipefail

packages=(build-essential postgresql-15 postgresql-server-dev-15 iproute2
	postgresql-common libcurl4-openssl-dev libjson-c-dev python3 curl
	ca-certificates)
[[ ${1:-} == --build-only ]] ||
	packages+=(default-jdk-headless libpostgresql-jdbc-java openssl
		clang libclang-rt-14-dev valgrind sqlsmith)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
log=$(mktemp -t saas_fdw_deps.XXXXXX)
trap 'rm -f "$log"' EXIT
echo "install-deps.sh: installing ${missing[*]}"
if ! { "${sudo[@]}" apt-get update -q &&
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "install-deps.sh: apt-get failed (see above)" >&2
	exit 1
fi
