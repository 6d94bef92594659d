#!/usr/bin/env bash
# build.sh OUTDIR -- build the libFuzzer targets of test/fuzz/ into OUTDIR
# with clang -fsanitize=fuzzer,address,undefined.
#
# Each target is fuzz_<name>.c linked with the src/ files it tests (compiled
# unchanged), pg_shim.c (palloc, ereport and memory context callbacks) and
# PostgreSQL's libpgcommon/libpgport (StringInfo, psprintf, float output).
# Run one by hand for longer, e.g.:
#     bash test/fuzz/build.sh /tmp/fuzz
#     /tmp/fuzz/fuzz_json -max_total_time=600 /tmp/corpus test/fuzz/corpus/json
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$here/../../src
. "$here/../pg-major.sh"
CLANG=${CLANG:-clang}
mkdir -p "$out"

# PostgreSQL's headers were written for gcc (format(gnu_printf)).
cflags=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -Wall -Werror -Wno-ignored-attributes
	-I"$src" -I"$here" -I"$("$PG_CONFIG" --includedir-server)"
	-I/usr/include/json-c)
libs=(-L"$("$PG_CONFIG" --pkglibdir)" -lpgcommon -lpgport -ljson-c -lm)

declare -A sources=(
	[fuzz_api_text]="$src/api_text.c"
	[fuzz_header_number]="$src/header_number.c"
	[fuzz_json]="$src/json.c $src/json_adf.c $src/json_path.c $src/json_value.c $src/service.c $src/services/github.c $src/services/stripe.c $src/services/slack.c $src/services/jira.c $src/services/linear.c"
	[fuzz_link_header]="$src/link_header.c"
)
for target in "${!sources[@]}"; do
	# shellcheck disable=SC2086 # a list of files
	"$CLANG" "${cflags[@]}" -o "$out/$target" "$here/$target.c" \
		"$here/pg_shim.c" ${sources[$target]} "${libs[@]}"
done
