#!/usr/bin/env bash
# differential.sh -- random queries over every table of every fake service
# give the same rows with saas_fdw.pushdown on, off, and over heap copies of
# the data (test/differential/gen.py; issue 13).  Bounded in time
# (DIFFERENTIAL_SECONDS, default 150) and seeded (DIFFERENTIAL_SEED, default
# 13 so that CI runs the same queries every time; "random" for a fresh one;
# printed): a failing query is printed with its seed and the command that
# shows it again.  DIFFERENTIAL_ARGS=--include-known also runs
# the shapes of the known defects that gen.py's KNOWN_DEFECTS leaves out.
set -uo pipefail

seed=${DIFFERENTIAL_SEED:-13}
[[ $seed == random ]] && seed=$RANDOM$RANDOM
seconds=${DIFFERENTIAL_SECONDS:-150}
start=$SECONDS
python3 "$SAAS_FDW_ROOT/test/differential/gen.py" run --seed "$seed" --seconds "$seconds" ${DIFFERENTIAL_ARGS:-}
rc=$?
echo "# differential.sh took $((SECONDS - start)) s (seed $seed)"
exit $rc		# gen.py printed the ok / not ok lines
