#!/usr/bin/env bash
# fuzz.sh -- build the libFuzzer targets of test/fuzz/ (AddressSanitizer and
# UndefinedBehaviorSanitizer on) and run each for a bounded time over its
# committed corpus, test/fuzz/corpus/<target>/.
#
# Per target: every corpus file must pass as it is (they include the inputs
# of past findings), then libFuzzer mutates them for FUZZ_SECONDS (default
# 20) into a scratch directory; the committed corpus is never written.  A
# crash, a sanitizer report, a leak or a failed check of the target is a
# "not ok" with the report's first lines; the input that caused it is kept
# in FUZZ_ARTIFACTS (default: a temporary directory, printed).  Add it to the
# corpus once the code is fixed.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"
cd "$SAAS_FDW_ROOT" || exit 1
seconds=${FUZZ_SECONDS:-20}

work=$(mktemp -d -t saas_fdw_fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
artifacts=${FUZZ_ARTIFACTS:-$(mktemp -d -t saas_fdw_fuzz_artifacts.XXXXXX)}

if out=$(bash test/fuzz/build.sh "$work/bin" 2>&1); then
	t_ok "build the fuzz targets with clang -fsanitize=fuzzer,address,undefined"
else
	t_not_ok "build the fuzz targets with clang -fsanitize=fuzzer,address,undefined" "$out"
	t_done
fi

found=0
for corpus in test/fuzz/corpus/*/; do
	name=$(basename "$corpus")
	target=$work/bin/fuzz_$name
	if [[ ! -x $target ]]; then
		t_not_ok "fuzz target for corpus $name" "no test/fuzz/fuzz_$name.c"
		continue
	fi
	log=$work/$name.log
	if "$target" -runs=0 -artifact_prefix="$artifacts/$name-" "$corpus" >"$log" 2>&1; then
		t_ok "fuzz_$name passes its $(find "$corpus" -type f | wc -l) corpus files"
	else
		t_not_ok "fuzz_$name passes its corpus files" "$(grep -A 12 -E 'ERROR|failure' "$log" | head -n 30)"
		found=1
		continue
	fi
	mkdir "$work/$name.new"
	if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$artifacts/$name-" "$work/$name.new" "$corpus" >"$log" 2>&1; then
		t_ok "fuzz_$name: $(grep -Eo 'Done [0-9]+ runs' "$log" | tail -n 1) in ${seconds}s, no finding"
	else
		t_not_ok "fuzz_$name: a finding in ${seconds}s" "$(grep -A 12 -E 'ERROR|failure' "$log" | head -n 30)"
		found=1
	fi
done

if [[ $found -eq 1 ]]; then
	echo "# inputs of the findings: $artifacts"
elif [[ -z ${FUZZ_ARTIFACTS:-} ]]; then
	rm -rf "$artifacts"
fi
t_done
