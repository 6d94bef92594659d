#!/usr/bin/env bash
# build.sh [DESTDIR] -- install the Debian packages (test/install-deps.sh;
# SAAS_FDW_BUILD_ONLY=1: only those to build and run, as for the demo),
# build saas_fdw against PG_MAJOR (test/pg-major.sh) and install it into the
# system (as root, else through sudo);
# with an argument, install it once more under that DESTDIR (no root needed).
# Used by test/run.sh and demo/run.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. test/pg-major.sh

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)

echo "== installing dependencies"
if [[ ${SAAS_FDW_BUILD_ONLY:-} == 1 ]]; then
	bash test/install-deps.sh --build-only
else
	bash test/install-deps.sh
fi
echo "== building and installing saas_fdw"
make -s
"${sudo[@]}" make -s install >/dev/null
if [[ $# -gt 0 ]]; then
	make -s install DESTDIR="$1" >/dev/null
fi
