#!/usr/bin/env bash
# fake_servers.sh -- the fake API behaviours the C tests rely on: Link
# headers only when another page exists, the per_page cap, GitHub's 401 body
# and unauthenticated access, Stripe's API version check,
# Stripe's and Slack's error shapes, and the request log's exact format,
# read from SQL the way the regression tests read it.
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"

gh=$FAKE_GITHUB_URL
auth=(-A saas_fdw-test -H "Authorization: Bearer ghp_test")

headers() { curl -s -D - -o /dev/null "${auth[@]}" "$gh$1" | tr -d '\r'; }
status_body() {	# url [curl args]: "<HTTP status> <body>"
	local url=$1
	shift
	curl -s -w '\n%{http_code}' "$@" "$url" | python3 -c 'import sys; *b, c = sys.stdin.read().split("\n"); print(c, "\n".join(b))'
}
count() { curl -s "${auth[@]}" "$gh$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

for url in "$FAKE_GITHUB_URL" "$FAKE_STRIPE_URL" "$FAKE_SLACK_URL"; do
	t_equal "health $url" ok "$(curl -s "$url/_health")"
	curl -s "$url/_reset" >/dev/null
done

# GitHub pagination
h=$(headers "/repos/octo/world/issues?state=all&per_page=100")
t_check "github: no Link header when everything fits on one page" \
	bash -c '! grep -qi "^link:" <<<"$1"' _ "$h"
h=$(headers "/repos/octo/hello/issues?state=all&per_page=100")
t_check "github: page 1 has rel=next and rel=last, no rel=prev" \
	bash -c 'grep -i "^link:" <<<"$1" | grep -q "rel=\"next\"" &&
		grep -i "^link:" <<<"$1" | grep -q "rel=\"last\"" &&
		! grep -i "^link:" <<<"$1" | grep -q "rel=\"prev\""' _ "$h"
t_check "github: next link keeps per_page, /repositories/{id} form" \
	grep -q '</repositories/1001/issues?state=all&per_page=100&page=2>; rel="next"' \
	<<<"${h//http:\/\/127.0.0.1:8081/}"
h=$(headers "/repos/octo/hello/issues?state=all&per_page=100&page=3")
t_check "github: last page has prev/first but no next" \
	bash -c 'grep -i "^link:" <<<"$1" | grep -q "rel=\"prev\"" &&
		! grep -i "^link:" <<<"$1" | grep -q "rel=\"next\""' _ "$h"
t_equal "github: last page of octo/hello holds 50 items" 50 \
	"$(count "/repos/octo/hello/issues?state=all&per_page=100&page=3")"
t_equal "github: per_page is capped at 100" 100 \
	"$(count "/repos/octo/hello/issues?state=all&per_page=500")"
t_equal "github: default is 30 open issues" "30 open" \
	"$(curl -s "${auth[@]}" "$gh/repos/octo/hello/issues" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), *sorted({i["state"] for i in d}))')"
t_equal "github: page past the end is []" "[]" \
	"$(curl -s "${auth[@]}" "$gh/repos/octo/hello/issues?page=99")"

# GitHub errors
t_equal "github: 401 body for a wrong token" \
	'401 {"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}' \
	"$(status_body "$gh/repos/octo/hello/issues" -A t -H 'Authorization: Bearer nope')"
t_equal "github: private repo is 404 for ghp_test" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$gh/repos/acme/private/issues")"
# no Authorization header: unauthenticated, 60 requests an hour, public
# repositories only (shared/api/README.md 1.1)
t_equal "github: without a token, a public repository is read (limit 60)" "200 60" \
	"$(curl -s -D - -o /dev/null -A t "$gh/repos/octo/world/issues" | tr -d '\r' |
		awk '/^HTTP/ { s = $2 } tolower($1) == "x-ratelimit-limit:" { l = $2 } END { print s, l }')"
t_equal "github: without a token, a private repository is 404" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' -A t "$gh/repos/acme/private/issues")"

# Stripe and Slack error shapes
body=$(curl -s -H 'Authorization: Bearer sk_test_wrong_key_123456' "$FAKE_STRIPE_URL/v1/charges")
t_check "stripe: 401 names the key without echoing it" \
	bash -c 'grep -q "Invalid API Key provided: sk_test_" <<<"$1" && ! grep -q sk_test_wrong_key_123456 <<<"$1"' _ "$body"
t_equal "stripe: limit=101 is 400 with param limit" \
	'400 {"error":{"message":"This value must be less than or equal to 100 (it currently is '"'101'"').","param":"limit","request_log_url":"https://dashboard.stripe.com/test/logs/req_fake","type":"invalid_request_error"}}' \
	"$(status_body "$FAKE_STRIPE_URL/v1/charges?limit=101" -H 'Authorization: Bearer sk_test_123')"
t_equal "stripe: an unknown Stripe-Version is 400" \
	'400 {"error":{"message":"Invalid Stripe API version: 2099-01-01","request_log_url":"https://dashboard.stripe.com/test/logs/req_fake","type":"invalid_request_error"}}' \
	"$(status_body "$FAKE_STRIPE_URL/v1/charges?limit=1" -H 'Authorization: Bearer sk_test_123' -H 'Stripe-Version: 2099-01-01')"
t_equal "stripe: the SDK's pinned Stripe-Version is accepted" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk_test_123' \
		-H 'Stripe-Version: 2026-06-24.dahlia' "$FAKE_STRIPE_URL/v1/charges?limit=1")"
t_equal "slack: invalid_auth on HTTP 200" '200 {"ok":false,"error":"invalid_auth"}' \
	"$(status_body "$FAKE_SLACK_URL/api/users.list" -H 'Authorization: Bearer xoxb-wrong')"
t_equal "slack: a short first page still has a cursor" "2 True" \
	"$(curl -s -H 'Authorization: Bearer xoxb-test' "$FAKE_SLACK_URL/api/conversations.history?channel=C01GENERAL&limit=5" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["messages"]), bool(d["response_metadata"]["next_cursor"]))')"

# The request log, read from SQL as the regression tests do
curl -s "$gh/_log?clear=1" >/dev/null
curl -s -o /dev/null "${auth[@]}" "$gh/repos/octo/hello/issues?state=all&labels=bug,ui&per_page=5"
curl -s -o /dev/null "${auth[@]}" "$gh/repos/octo/hello/issues/6/comments"
curl -s -o /dev/null "$gh/_health"
expected=$'GET /repos/octo/hello/issues?state=all&labels=bug,ui&per_page=5\nGET /repos/octo/hello/issues/6/comments'
t_equal "log: one line per API request, METHOD and raw path" "$expected" "$(curl -s "$gh/_log")"
t_equal "log: read from SQL with COPY FROM PROGRAM (server's OS user)" "$expected" \
	"$(t_psql "CREATE TEMP TABLE l(line text); COPY l FROM PROGRAM 'curl -s $gh/_log?clear=1'; SELECT line FROM l" 2>&1)"
t_equal "log: ?clear=1 emptied it" "" "$(curl -s "$gh/_log")"

t_done
