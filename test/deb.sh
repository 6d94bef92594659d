#!/usr/bin/env bash
# deb.sh -- build the Debian package of saas_fdw from this tree, install it,
# and create the extension from it, the way a Debian user would:
#
#     bash test/majors.sh bookworm --deb     in a fresh Debian 12 root
#
# As root on a Debian system it may change (it installs devscripts, equivs,
# the build dependencies and the package itself: run it in a fresh root, as
# above, not on a machine you care about):
# 1. mk-build-deps -i debian/control (the build dependencies);
# 2. dpkg-buildpackage -us -uc -b in a copy of the tree, for every installed
#    major in debian/pgversions (pg_buildext);
# 3. apt-get install ./postgresql-NN-saas-fdw_*.deb;
# 4. in a throwaway cluster (pg_virtualenv) with saas_fdw preloaded: CREATE
#    EXTENSION saas_fdw, its version, and a foreign table over a server.
# Ends with one line "N passed, N failed".
set -uo pipefail
tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LC_ALL=C.UTF-8 LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive
passed=0 failed=0
work=$(mktemp -d -t saas_fdw_deb.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"; echo "$passed passed, $failed failed"' EXIT

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {	# name log
	echo "not ok - $1"
	[[ -n ${2:-} && -f $2 ]] && tail -n 40 "$2" | sed 's/^/#   /'
	failed=$((failed + 1))
}
step() {	# name command...: ok when it succeeds, else stop
	local name=$1 log
	shift
	log=$work/step.log
	if "$@" >"$log" 2>&1; then ok "$name"; else not_ok "$name" "$log"; exit 1; fi
}

version=$(dpkg-parsechangelog -l "$tree/debian/changelog" -S Version 2>/dev/null ||
	sed -nE '1s/^[^(]*\(([^)]+)\).*/\1/p' "$tree/debian/changelog")
extversion=$(sed -nE "s/^default_version = '([^']+)'/\\1/p" "$tree/saas_fdw.control")

step "install devscripts and equivs (mk-build-deps)" \
	bash -c 'apt-get update -q && apt-get install -y -q --no-install-recommends devscripts equivs'
cp -r "$tree" "$work/saas-fdw"
cd "$work/saas-fdw" || exit 1
rm -rf .git
make -s clean >/dev/null 2>&1 || true
step "mk-build-deps -i debian/control" \
	mk-build-deps -i -r -t 'apt-get -y -q --no-install-recommends' debian/control
step "dpkg-buildpackage -us -uc -b" dpkg-buildpackage -us -uc -b
debs=("$work"/postgresql-*-saas-fdw_"${version}"_*.deb)
if [[ -f ${debs[0]} ]]; then
	ok "the build made ${debs[*]##*/}"
else
	not_ok "the build made postgresql-NN-saas-fdw_${version}_*.deb"
	exit 1
fi
step "apt-get install ./${debs[0]##*/}" apt-get install -y -q --no-install-recommends "${debs[@]}"

for deb in "${debs[@]}"; do
	major=$(sed -nE 's/^postgresql-([0-9]+)-saas-fdw_.*/\1/p' <<<"${deb##*/}")
	files=$(dpkg -L "postgresql-$major-saas-fdw")
	if grep -qx "/usr/lib/postgresql/$major/lib/saas_fdw.so" <<<"$files" &&
		grep -qx "/usr/share/postgresql/$major/extension/saas_fdw.control" <<<"$files"; then
		ok "postgresql-$major-saas-fdw installs saas_fdw.so and saas_fdw.control for $major"
	else
		not_ok "postgresql-$major-saas-fdw installs saas_fdw.so and saas_fdw.control for $major"
		echo "$files" | sed 's/^/#   /'
	fi
	out=$(pg_virtualenv -t -v "$major" -o shared_preload_libraries=saas_fdw -- psql -X -At -v ON_ERROR_STOP=1 \
		-c 'CREATE EXTENSION saas_fdw' \
		-c "CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw OPTIONS (service 'github')" \
		-c 'CREATE FOREIGN TABLE issues (number integer, title text) SERVER gh OPTIONS (resource $$issues$$)' \
		-c "SELECT extversion FROM pg_extension WHERE extname = 'saas_fdw'" 2>&1)
	# (pg_virtualenv adds its own lines about the cluster)
	if grep -qx 'CREATE EXTENSION' <<<"$out" && grep -qx 'CREATE FOREIGN TABLE' <<<"$out" &&
		grep -qx "$extversion" <<<"$out"; then
		ok "PostgreSQL $major: CREATE EXTENSION saas_fdw from the package gives $extversion, and a foreign table on it"
	else
		echo "$out" >"$work/psql.log"
		not_ok "PostgreSQL $major: CREATE EXTENSION saas_fdw from the package" "$work/psql.log"
	fi
done
[[ $failed -eq 0 ]]
