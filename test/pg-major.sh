# pg-major.sh -- sourced by the test scripts: sets and exports PG_MAJOR (the
# PostgreSQL major to build and test against) and PG_CONFIG (its pg_config).
#
#   PG_MAJOR=17 bash test/run.sh     tests against PostgreSQL 17
#
# PG_MAJOR from the environment wins; else the major of PG_CONFIG from the
# environment; else the newest major installed (/usr/lib/postgresql/N); else
# the one this Debian release packages (the postgresql package depends on
# postgresql-N); else 15.  PG_CONFIG stays as given when it is of that
# major, else it becomes Debian's pg_config of the major
# (postgresql-server-dev-N installs it).

pg_config_major() {	# the major of the pg_config in $1, or nothing
	[[ -x $1 ]] && "$1" --version | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p'
}
if [[ -z ${PG_MAJOR:-} && -n ${PG_CONFIG:-} ]]; then
	PG_MAJOR=$(pg_config_major "$PG_CONFIG")
fi
if [[ -z ${PG_MAJOR:-} ]]; then
	PG_MAJOR=$(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n 1)
fi
if [[ -z ${PG_MAJOR:-} ]]; then
	PG_MAJOR=$(apt-cache depends postgresql 2>/dev/null |
		sed -nE 's/^ *Depends: postgresql-([0-9]+)$/\1/p' | head -n 1)
fi
PG_MAJOR=${PG_MAJOR:-15}
[[ $PG_MAJOR =~ ^[0-9]+$ ]] || { echo "PG_MAJOR must be a major version number, not '$PG_MAJOR'" >&2; return 2 2>/dev/null || exit 2; }
[[ -n ${PG_CONFIG:-} && $(pg_config_major "$PG_CONFIG") == "$PG_MAJOR" ]] ||
	PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
export PG_MAJOR PG_CONFIG
