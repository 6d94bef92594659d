#!/usr/bin/env python3
"""
delay.py LISTEN_PORT UPSTREAM_PORT DELAY_MS
    A forwarding HTTP proxy on 127.0.0.1 that waits DELAY_MS before passing
    each request on to 127.0.0.1:UPSTREAM_PORT (nginx) and the answer back:
    the benchmark's stand-in for a distant API (test/bench/run.sh).  One
    thread per client connection, keep-alive both ways, so concurrent
    requests wait concurrently, as they would on a real network.  The Host
    header passes unchanged, so the Link headers nginx writes point back
    here.  Used because this machine's kernel has no netem.
"""

import http.client
import http.server
import sys
import threading
import time

LISTEN, UPSTREAM, DELAY = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000.0
PASSED_HEADERS = ("content-type", "link")


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    local = threading.local()

    def do_GET(self):
        time.sleep(DELAY)
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", UPSTREAM)
        conn.request("GET", self.path, headers={"Host": self.headers.get("Host", "")})
        resp = conn.getresponse()
        body = resp.read()
        self.send_response(resp.status)
        for name, value in resp.getheaders():
            if name.lower() in PASSED_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


if __name__ == "__main__":
    Server(("127.0.0.1", LISTEN), Proxy).serve_forever()
