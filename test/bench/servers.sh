#!/usr/bin/env bash
# servers.sh DATA_DIR RUN_DIR -- start the benchmark's API stand-ins
# (test/bench/run.sh calls it; stop them with: kill $(cat RUN_DIR/*.pid)).
#
#   127.0.0.1:8090  nginx serving DATA_DIR (test/bench/gen.py's files):
#                   GET /repos/bench/big/issues?...&page=N   GitHub page N,
#                       with the Link header GitHub would send
#                   GET /v1/charges?...&starting_after=ID     the Stripe page
#                       after charge ID (the first page without it)
#   127.0.0.1:8091  the same through test/bench/delay.py, which holds each
#                   request for BENCH_DELAY_MS (default 50) milliseconds
#   127.0.0.1:8092  test/bench/stripe_range.py: the charges of one month,
#                   by created range (GET /v1/charges?created[gte]=...)
#   127.0.0.1:8093  the same through delay.py
#
# nginx's access log (RUN_DIR/access.log) records every request with its
# query string.
set -euo pipefail
data=$(cd "$1" && pwd)
run=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

cat >"$run/nginx.conf" <<CONF
worker_processes 1;
pid $run/nginx.pid;
error_log $run/error.log warn;
events { worker_connections 1024; }
http {
	access_log $run/access.log;
	types { application/json json; }
	default_type application/json;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_requests 1000000;
	keepalive_timeout 300s;
	client_body_temp_path $run/tmp;
	proxy_temp_path $run/tmp;
	fastcgi_temp_path $run/tmp;
	uwsgi_temp_path $run/tmp;
	scgi_temp_path $run/tmp;

	map \$arg_page \$github_page {
		""				1;
		"~^[0-9]+\$"	\$arg_page;
		default			none;
	}
	map \$arg_page \$github_link {
		include $data/github/links.map;
		"1" \$github_link_first;
		default "";
	}
	map \$arg_page \$github_link_first {
		default "";
	}
	map \$arg_starting_after \$stripe_after {
		"~^ch_[0-9]+\$"	\$arg_starting_after;
		default			"";
	}

	server {
		listen 127.0.0.1:8090;
		root $data;
		location = /repos/bench/big/issues {
			add_header Link \$github_link always;
			try_files /github/page\$github_page.json =404;
		}
		location = /v1/charges {
			try_files /stripe/after_\$stripe_after.json =404;
		}
		location / {
			return 404 '{"message":"Not Found"}';
		}
	}
}
CONF
mkdir -p "$run/tmp"
nginx -c "$run/nginx.conf" -e "$run/error.log"
python3 "$here/delay.py" 8091 8090 "${BENCH_DELAY_MS:-50}" &
echo $! >"$run/delay.pid"
python3 "$here/stripe_range.py" "$data" 8092 &
echo $! >"$run/stripe_range.pid"
python3 "$here/delay.py" 8093 8092 "${BENCH_DELAY_MS:-50}" &
echo $! >"$run/delay_range.pid"
for _ in $(seq 100); do
	curl -sf -o /dev/null 'http://127.0.0.1:8091/v1/charges?limit=100' &&
		curl -sf -o /dev/null 'http://127.0.0.1:8093/v1/charges?limit=100' && exit 0
	sleep 0.1
done
echo "servers.sh: the servers did not come up (see $run/error.log)" >&2
exit 1
