#!/usr/bin/env bash
# demo/run.sh -- see saas_fdw work in two minutes, with no token and no
# internet: installs the build dependencies, builds and installs the
# extension, starts the bundled demo API (the fake GitHub server of the tests,
# on 127.0.0.1:8081) and a throwaway PostgreSQL cluster, and runs the psql
# session in demo/demo.sql.  Everything it started is gone when it ends.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FAKE_RUN_DIR
FAKE_RUN_DIR=$(mktemp -d -t saas_fdw_demo.XXXXXX)
trap 'bash test/fake/stop.sh --own >/dev/null 2>&1; rm -rf "$FAKE_RUN_DIR"' EXIT

SAAS_FDW_BUILD_ONLY=1 bash test/build.sh
echo "== starting the demo API"
bash test/fake/start.sh github
echo "== running demo/demo.sql in a throwaway cluster"
bash test/with-cluster.sh -- psql -X -v ON_ERROR_STOP=1 --echo-queries -f demo/demo.sql
