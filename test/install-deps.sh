#!/usr/bin/env bash
# install-deps.sh [--build-only] -- install the Debian packages saas_fdw
# needs.  To build and run it (and the demo): the compiler, PostgreSQL
# PG_MAJOR (test/pg-major.sh: by default the newest installed, else the
# release's own) with its server headers and postgresql-common
# (pg_virtualenv), libcurl, json-c, python3 (fake API servers), curl (tests
# read the fake servers' request logs with it) and iproute2 (test/run.sh
# brings up the loopback of its network namespace).  The tests also need
# (not with --build-only): a JDK with Debian's PostgreSQL JDBC driver
# (test/suites/jdbc.sh), openssl (test/suites/tls.sh makes a throwaway
# certificate authority), clang with the libclang-rt-N-dev of its version
# (libFuzzer and the sanitizers for test/fuzz/), valgrind
# (test/suites/valgrind.sh), sqlsmith (test/suites/sqlsmith.sh) and locales
# (test/suites/locale.sh makes a LATIN1 locale).
#
# Idempotent: when every package is already installed it does nothing.
# Runs apt-get as root, or through sudo otherwise.  Quiet unless it fails;
# then it prints apt's output and exits non-zero.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/pg-major.sh"

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
log=$(mktemp -t saas_fdw_deps.XXXXXX)
trap 'rm -f "$log"' EXIT

apt_failed() {
	cat "$log" >&2
	echo "install-deps.sh: apt-get failed (see above)" >&2
	exit 1
}

# clang's runtime libraries (libFuzzer, the sanitizers) come in a package
# named after clang's major: the one the release's clang depends on.
clang_rt() {
	apt-cache depends clang 2>/dev/null |
		sed -nE 's/^ *Depends: clang-([0-9]+)$/libclang-rt-\1-dev/p' | head -n 1
}

packages=(build-essential "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR"
	iproute2 postgresql-common libcurl4-openssl-dev libjson-c-dev python3 curl
	ca-certificates)
if [[ ${1:-} != --build-only ]]; then
	rt=$(clang_rt)
	if [[ -z $rt ]]; then	# no package lists yet (a fresh root)
		"${sudo[@]}" apt-get update -q >"$log" 2>&1 || apt_failed
		rt=$(clang_rt)
	fi
	packages+=(default-jdk-headless libpostgresql-jdbc-java openssl
		clang "${rt:?no clang package found}" valgrind sqlsmith locales)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps.sh: installing ${missing[*]}"
{ "${sudo[@]}" apt-get update -q &&
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 ||
	apt_failed
