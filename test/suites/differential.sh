#!/usr/bin/env bash
# differential.sh -- random queries over every table of every fake service
# give the same rows with saas_fdw.pushdown on, off, and over heap copies of
# the data (test/differential/gen.py; issue 13).  Bounded in time
# (DIFFERENTIAL_SECONDS, default 150) and seeded (DIFFERENTIAL_SEED, default
# a fresh one, printed): a failing query is printed with its seed and the
# command that shows it again.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

seed=${DIFFERENTIAL_SEED:-$RANDOM$RANDOM}
seconds=${DIFFERENTIAL_SECONDS:-150}
start=$SECONDS
python3 "$SAAS_FDW_ROOT/test/differential/gen.py" run --seed "$seed" --seconds "$seconds"
rc=$?
echo "# differential.sh took $((SECONDS - start)) s (seed $seed)"
[[ $rc -eq 0 ]] || t_not_ok "differential queries agree (seed $seed; see above)"
t_done
