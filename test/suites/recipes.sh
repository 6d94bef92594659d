#!/usr/bin/env bash
# recipes.sh -- every example of docs/recipes.md runs against the fake APIs
# and prints exactly what the page shows.
#
# The page's examples are ```sql blocks; a ```text block right after one is
# its output, as psql prints it (aligned, errors with their DETAIL and
# HINT).  Each sql block runs in a psql session of its own, in order, in a
# database set up as the README's "Getting started" does (servers gh,
# stripe and slack, schemas github, stripe and slack), but with base_url
# pointing at the fakes, their tokens, and cache_ttl 0.  A block with an
# output block must print exactly that; a block without one must run
# without an error.  RECIPES_PRINT=1 prints what each block printed instead.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

db=saas_fdw_recipes
page=docs/recipes.md
dir=$(mktemp -d -t saas_fdw_recipes.XXXXXX)
trap 'rm -rf "$dir"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT

psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
	-c "CREATE DATABASE $db" >/dev/null
export PGDATABASE=$db
if ! out=$(psql -X -q -v ON_ERROR_STOP=1 2>&1 <<SQL
CREATE EXTENSION saas_fdw;
CREATE SERVER gh FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'github', base_url '$FAKE_GITHUB_URL', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER gh OPTIONS (token 'ghp_test');
CREATE SCHEMA github;
IMPORT FOREIGN SCHEMA github FROM SERVER gh INTO github;
CREATE SERVER stripe FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'stripe', base_url '$FAKE_STRIPE_URL', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER stripe OPTIONS (token 'sk_test_123');
CREATE SCHEMA stripe;
IMPORT FOREIGN SCHEMA stripe FROM SERVER stripe INTO stripe;
CREATE SERVER slack FOREIGN DATA WRAPPER saas_fdw
  OPTIONS (service 'slack', base_url '$FAKE_SLACK_URL/api', cache_ttl '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER slack OPTIONS (token 'xoxb-test');
CREATE SCHEMA slack;
IMPORT FOREIGN SCHEMA slack FROM SERVER slack INTO slack;
SQL
); then
	t_not_ok "set up the servers and schemas of Getting started" "$out"
	t_done
fi

# split the page: block-N.sql, and block-N.out where an output follows
python3 - "$page" "$dir" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"^```(sql|text)\n(.*?)^```\n", text, re.S | re.M)
n = 0
for i, (kind, body) in enumerate(blocks):
    if kind != "sql":
        continue
    n += 1
    open("%s/block-%02d.sql" % (sys.argv[2], n), "w").write(body)
    if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
        open("%s/block-%02d.out" % (sys.argv[2], n), "w").write(blocks[i + 1][1])
PY

count=0
for sql in "$dir"/block-*.sql; do
	count=$((count + 1))
	base=${sql%.sql}
	first=$(grep -m1 -v '^ *--' "$sql" | cut -c1-60)
	name="recipes.md example $(basename "$base" | cut -d- -f2): $first"
	got=$(psql -X -q -P pager=off -v VERBOSITY=default -v SHOW_CONTEXT=never -f "$sql" 2>&1 |
		sed -e 's/^psql:[^:]*:[0-9]*: //' -e 's/[[:space:]]*$//')
	if [[ ${RECIPES_PRINT:-} == 1 ]]; then
		printf '=== %s\n%s\n' "$name" "$got"
	elif [[ -f $base.out ]]; then
		want=$(sed -e 's/[[:space:]]*$//' "$base.out")
		if [[ $got == "$want" ]]; then t_ok "$name"; else
			t_not_ok "$name" "$(diff <(echo "$want") <(echo "$got"))"; fi
	elif grep -q '^ERROR:' <<<"$got"; then
		t_not_ok "$name" "$got"
	else
		t_ok "$name"
	fi
done
t_check "docs/recipes.md has examples" test "$count" -gt 0
t_done
