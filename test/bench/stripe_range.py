#!/usr/bin/env python3
"""
stripe_range.py DATA_DIR PORT
    The benchmark's Stripe charges of one month, served with the list
    filters a range split sends (test/bench/run.sh, servers.sh): GET
    /v1/charges with created[gte|gt|lt|lte], limit (1..100) and
    starting_after, newest first (created, then id, descending), as
    {"object":"list","data":[...],"has_more":...}, like the real API
    (shared/api/README.md section 2).  The charges are gen.py's
    (DATA_DIR/stripe/month.json).  One thread per connection, keep-alive,
    so concurrent requests are answered concurrently.
"""

import bisect
import http.server
import json
import socketserver
import sys
import urllib.parse

DATA_DIR, PORT = sys.argv[1], int(sys.argv[2])

with open(DATA_DIR + "/stripe/month.json", encoding="utf-8") as f:
    CHARGES = json.load(f)            # newest first
# ascending keys (created, id) for bisect; CHARGES[i] is KEYS[n - 1 - i]
KEYS = [(c["created"], c["id"]) for c in reversed(CHARGES)]
POSITION = {c["id"]: i for i, c in enumerate(CHARGES)}
BODIES = [json.dumps(c, separators=(",", ":")) for c in CHARGES]


def bounds(args):
    """The index range [first, end) of CHARGES (newest first) in the filter."""
    low, high = -1, 1 << 62           # created range, inclusive
    for op, value in (("gte", 0), ("gt", 1), ("lte", 0), ("lt", -1)):
        if "created[%s]" % op in args:
            v = int(args["created[%s]" % op]) + value
            if op in ("gte", "gt"):
                low = max(low, v)
            else:
                high = min(high, v)
    n = len(KEYS)
    # ascending positions of created in [low, high]
    a = bisect.bisect_left(KEYS, (low, ""))
    b = bisect.bisect_right(KEYS, (high, "\U0010ffff"))
    return n - b, n - a


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        args = dict(urllib.parse.parse_qsl(url.query))
        if url.path != "/v1/charges":
            return self.answer(404, '{"error":{"message":"Unrecognized request URL"}}')
        first, end = bounds(args)
        if "starting_after" in args:
            first = max(first, POSITION[args["starting_after"]] + 1)
        limit = min(max(int(args.get("limit", "10")), 1), 100)
        last = min(first + limit, end)
        body = '{"object":"list","url":"/v1/charges","has_more":%s,"data":[%s]}' % (
            "true" if last < end else "false", ",".join(BODIES[first:last]))
        self.answer(200, body)

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


Server(("127.0.0.1", PORT), Handler).serve_forever()
