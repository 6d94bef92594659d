#!/usr/bin/env bash
# with-cluster.sh [-o 'guc=value']... -- command [args...]
#
# Runs command inside a fresh throwaway PostgreSQL cluster of PG_MAJOR
# (test/pg-major.sh: by default the newest major installed) made by
# pg_virtualenv -t (a temporary directory even as root, so concurrent runs
# and nested calls never clash), with shared_preload_libraries=saas_fdw
# unless a later -o overrides it (-o 'shared_preload_libraries=' for none).
# Every -o is a postgresql.conf setting; the last one for a name wins.
# With SAAS_FDW_DESTDIR set (test/run.sh sets it), the cluster loads saas_fdw
# from that private installation (see below), so a run
# tests its own build even while another tree installs into the system.
#
# The command sees PGHOST, PGPORT, PGUSER (postgres), PGPASSWORD, PGDATABASE
# from pg_virtualenv and SAAS_FDW_PG_LOG, the server's log file.  It runs as
# the calling user (root in CI); the server runs as the OS user postgres, so
# COPY ... FROM PROGRAM commands run as postgres.  The server's Unix socket
# is in a private directory; clients connect over TCP (PGHOST=localhost).
# The cluster is dropped when the command ends; on failure pg_virtualenv
# prints the log's tail.  The exit status is the command's.
# Test suites call this (through $SAAS_FDW_WITH_CLUSTER) when they need a
# cluster with other settings than the one test/run.sh gives them.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/pg-major.sh"

opts=(-o shared_preload_libraries=saas_fdw)
# A private installation (make install DESTDIR=...) comes before the system's:
# the library through dynamic_library_path; the control and script files
# through Debian's extension_destdir up to 17, and from 18 on through
# extension_control_path (new in PostgreSQL 18, whose Debian packages
# dropped extension_destdir); 18 also looks a '$libdir/' module up in
# dynamic_library_path.
if [[ -n ${SAAS_FDW_DESTDIR:-} ]]; then
	opts+=(-o "dynamic_library_path=$SAAS_FDW_DESTDIR$("$PG_CONFIG" --pkglibdir):\$libdir")
	if [[ $PG_MAJOR -ge 18 ]]; then
		opts+=(-o "extension_control_path=$SAAS_FDW_DESTDIR$("$PG_CONFIG" --sharedir):\$system")
	else
		opts+=(-o "extension_destdir=$SAAS_FDW_DESTDIR")
	fi
fi
while [[ $# -gt 0 && $1 != -- ]]; do
	case $1 in
	-o) opts+=(-o "$2"); shift 2 ;;
	*) echo "usage: $0 [-o 'guc=value']... -- command [args...]" >&2; exit 2 ;;
	esac
done
[[ ${1:-} == -- ]] && shift
[[ $# -gt 0 ]] || { echo "with-cluster.sh: no command given" >&2; exit 2; }

# A cluster inside another one's environment must not inherit its port,
# service file or cluster directory.
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGSYSCONFDIR \
	PG_CLUSTER_CONF_ROOT SAAS_FDW_PG_LOG
export LC_ALL=C.UTF-8 LANG=C.UTF-8

# Its own socket directory: clusters of runs in separate network namespaces
# (test/run.sh) may all get port 5432, and would clash in /var/run/postgresql.
sockets=$(mktemp -d -t saas_fdw_sock.XXXXXX)
trap 'rm -rf "$sockets"' EXIT
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$sockets"

pg_virtualenv -t -v "$PG_MAJOR" -o "unix_socket_directories=$sockets" "${opts[@]}" -- bash -c '
	SAAS_FDW_PG_LOG=$(pg_lsclusters --no-header "$PG_MAJOR" regress | awk "{ print \$7 }")
	export SAAS_FDW_PG_LOG
	exec "$@"' with-cluster "$@"
