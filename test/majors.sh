#!/usr/bin/env bash
# majors.sh SUITE [--ci|--deb] -- the test suite of saas_fdw in a fresh Debian root
# of SUITE (bookworm: PostgreSQL 15, trixie: 17, sid: 18; PG_MAJOR
# overrides), as root:
#
#     bash test/majors.sh trixie          the whole suite on PostgreSQL 17
#     bash test/majors.sh sid --ci        CI's part on 18: the build,
#                                         pg_regress and the shared-memory
#                                         suites (cache, ratelimit, faults,
#                                         activity: also the wait events)
#     bash test/majors.sh bookworm --deb  test/deb.sh: build the .deb,
#                                         install it, CREATE EXTENSION
#
# 1. debootstrap --variant=minbase SUITE into a new directory, from the
#    Debian mirror this machine's apt uses (its sources.list*);
# 2. copies the working tree into it (no .git, no build outputs);
# 3. in a mount namespace of its own (every mount goes when it ends): mounts
#    /proc, /sys, /dev, /dev/pts and a private /dev/shm (PostgreSQL's shared
#    memory) into the root and, chrooted there, runs
#    PG_MAJOR=N bash test/run.sh, which installs the packages
#    (test/install-deps.sh; --ci: only those to build and run) and runs the
#    tests in a network namespace of the run's own;
# 4. removes the root and prints the script's "N passed, N failed" line as
#    its own last line; the exit status is test/run.sh's.
#
# Settings: SAAS_FDW_ROOT_DIR (where to make the root; default a new
# directory under /var/tmp), SAAS_FDW_KEEP_ROOT=1 (keep it, for a look).
set -uo pipefail

usage() { echo "usage: $0 bookworm|trixie|sid [--ci|--deb]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
suite=$1 mode=${2:-}
[[ -z $mode || $mode == --ci || $mode == --deb ]] || usage
case $suite in
bookworm) major=15 ;;
trixie) major=17 ;;
sid | unstable) major=18 ;;
*) usage ;;
esac
major=${PG_MAJOR:-$major}
[[ $(id -u) -eq 0 ]] || { echo "majors.sh: debootstrap and chroot need root" >&2; exit 2; }

tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
start=$SECONDS

# The Debian mirror apt uses on this machine (deb822 URIs: or one-line deb).
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources 2>/dev/null |
	sed -nE 's,^(URIs:[[:space:]]*|deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)([a-z]+://[^[:space:]]+/debian)/?([[:space:]].*)?$,\3,p' |
	head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}

if ! command -v debootstrap >/dev/null; then
	echo "== installing debootstrap"
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends debootstrap; } >/dev/null ||
		{ echo "not ok - install debootstrap"; echo "0 passed, 1 failed"; exit 1; }
fi

root=${SAAS_FDW_ROOT_DIR:-$(mktemp -d /var/tmp/saas_fdw_root.XXXXXX)}
chmod 755 "$root"	# a root directory: the postgres user runs programs in it
cleanup() {
	# the mounts lived in the namespace of the unshare below, which has
	# ended; never remove a root that still has anything mounted
	if [[ ${SAAS_FDW_KEEP_ROOT:-} == 1 ]]; then
		echo "== kept the root $root"
	elif findmnt -rn -o TARGET | grep -q "^$root"; then
		echo "== $root still has mounts: left in place"
	else
		rm -rf "$root"
	fi
	rm -f "$root.debootstrap.log" "$root.log"
}
trap cleanup EXIT

echo "== debootstrap --variant=minbase $suite $root $mirror"
t=$SECONDS
if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1; then
	tail -n 30 "$root.debootstrap.log"
	rm -f "$root.debootstrap.log"
	echo "not ok - debootstrap $suite"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -f "$root.debootstrap.log"
echo "== debootstrap took $((SECONDS - t)) s"

# Name resolution for apt; no service starts at package install (no init
# in a chroot: the test clusters are pg_virtualenv's); a mirror that is a
# frozen snapshot serves Release files past their Valid-Until date.
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99saas-fdw"
# a throwaway root: dpkg need not sync every file it unpacks
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/99saas-fdw"

mkdir -p "$root/src/saas_fdw"
tar -C "$tree" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
	--exclude=results --exclude=regression.diffs --exclude=regression.out \
	-cf - . | tar -C "$root/src/saas_fdw" -xf -

run=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
	PG_MAJOR="$major" CI="${CI:-}")
script=test/run.sh
case $mode in
--ci) run+=(SAAS_FDW_BUILD_ONLY=1 SAAS_FDW_SUITES="cache ratelimit faults activity") ;;
--deb) script=test/deb.sh ;;
esac
echo "== PostgreSQL $major in $suite: bash $script${mode:+ $mode}"
# shellcheck disable=SC2016
unshare --mount --propagation private bash -c '
	set -e
	root=$1; shift
	mount -t proc proc "$root/proc"
	mount -t sysfs sys "$root/sys"
	mount --bind /dev "$root/dev"
	mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
	mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
	set +e
	chroot "$root" "${@:2}" bash -c "cd /src/saas_fdw && bash $1"
' majors "$root" "$script" "${run[@]}" 2>&1 | tee "$root.log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$root.log" | tail -n 1)
rm -f "$root.log"
echo "== PostgreSQL $major in $suite took $((SECONDS - start)) s"
if [[ -z $summary ]]; then
	echo "not ok - $script in the $suite root ended with status $status and no summary"
	summary="0 passed, 1 failed"
	[[ $status -ne 0 ]] || status=1
fi
echo "$summary"
exit "$status"
