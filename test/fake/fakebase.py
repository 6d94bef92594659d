"""
fakebase.py
    Shared machinery of the fake SaaS API servers used by saas_fdw's tests.

Each service module (github.py, stripe.py, slack.py) subclasses FakeService,
implements handle(request) -> Response and calls serve().  This module owns
everything the services have in common:

  - a threaded HTTP/1.1 server (keep-alive, as libcurl reuses connections)
    bound to 127.0.0.1 only;
  - the control endpoints, which are never logged:
        GET /_health        200 "ok" (header X-Fake-Pid names the process)
        GET /_log           the request log, text/plain, one line per API
                            request since the last clear:
                            "METHOD <raw path with query string as received>"
                            (a service's log_suffix may add the POST body)
        GET /_log?clear=1   the same, then the log is emptied
        GET /_reset         forget per-URL fault state, rate-limit counters,
                            the log and the settings below: the server is
                            as freshly started
        GET /_delay?ms=N    hold every API response N ms (0: none), so that
                            requests overlap in time; a new /_delay (or
                            /_reset) lets the responses held so far go
        GET /_delay?ms=N&after=K
                            the same, but answer the next K API requests at
                            once first (a scan's first pages come, the pages
                            it reads ahead are held)
        GET /_inflight      the most API requests that were being handled at
                            the same time since the last clear ("?clear=1")
  - JSON responses, per-URL "first time" tracking for fault fixtures, and
    a deterministic integer mixer for generating data (no random module, so
    the data is the same on every Python version and every run).

Rules: the log line never holds a tab, a backslash or a control character
(tests read it with COPY ... FROM PROGRAM in text format), so such bytes are
percent-encoded.  A handler that raises answers 500 and prints a traceback to
stderr (the server's log file), never kills the server.
"""

import argparse
import calendar
import json
import os
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# --------------------------------------------------------------------------
# Deterministic data generation
# --------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def _fnv1a(text):
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & _MASK64
    return h


def mix(*parts):
    """A stable 64-bit integer from any ints/strings (splitmix64 finalizer)."""
    x = _fnv1a("\x1f".join(str(p) for p in parts))
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def pick(seq, *parts):
    """A stable choice from seq."""
    return seq[mix(*parts) % len(seq)]


def percent(pct, *parts):
    """True for a stable pct percent of the part tuples."""
    return mix(*parts) % 100 < pct


# --------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------

def epoch(text):
    """'2024-01-02T03:04:05Z' -> epoch seconds (UTC)."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def iso(seconds):
    """epoch seconds -> '2024-01-02T03:04:05Z'."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def parse_iso8601(text):
    """Parse an ISO-8601 date-time (Z, +hh:mm, fractions) to float epoch
    seconds; None if it is not one."""
    t = text.strip()
    offset = 0
    if t.endswith("Z") or t.endswith("z"):
        t = t[:-1]
    elif len(t) > 6 and t[-6] in "+-" and t[-3] == ":":
        sign = 1 if t[-6] == "+" else -1
        try:
            offset = sign * (int(t[-5:-3]) * 3600 + int(t[-2:]) * 60)
        except ValueError:
            return None
        t = t[:-6]
    frac = 0.0
    if "." in t:
        t, f = t.split(".", 1)
        if not f.isdigit():
            return None
        frac = float("0." + f)
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return calendar.timegm(time.strptime(t, fmt)) + frac - offset
        except ValueError:
            pass
    return None


# --------------------------------------------------------------------------
# Requests and responses
# --------------------------------------------------------------------------

class Request:
    """One API request as the service sees it."""

    def __init__(self, method, raw_path, headers, body):
        self.method = method
        self.raw_path = raw_path
        split = urllib.parse.urlsplit(raw_path)
        self.path = urllib.parse.unquote(split.path)
        self.query_string = split.query
        # ordered (name, value) pairs, blank values kept
        self.params = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        self.headers = headers
        self.body = body

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def param(self, name, default=None, params=None):
        """The last value given for name, else default."""
        value = default
        for k, v in (self.params if params is None else params):
            if k == name:
                value = v
        return value

    def credential(self):
        """The Authorization header as (scheme in lower case, value), or
        (None, None) without one."""
        scheme, _, value = (self.header("Authorization") or "").strip().partition(" ")
        return (scheme.lower(), value.strip()) if scheme else (None, None)

    def form_params(self):
        """Parameters from a POST body (form-encoded or JSON), as pairs."""
        if not self.body:
            return []
        ctype = (self.header("Content-Type") or "").split(";")[0].strip().lower()
        text = self.body.decode("utf-8", "replace")
        if ctype == "application/json":
            try:
                obj = json.loads(text)
            except ValueError:
                return []
            if not isinstance(obj, dict):
                return []
            return [(k, v if isinstance(v, str) else json.dumps(v).strip('"'))
                    for k, v in obj.items()]
        return urllib.parse.parse_qsl(text, keep_blank_values=True)


class Response:
    def __init__(self, status, body=b"", content_type="text/plain; charset=utf-8",
                 headers=None):
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.content_type = content_type
        self.headers = list(headers or [])

    def add_header(self, name, value):
        self.headers.append((name, str(value)))
        return self


def dumps(obj):
    """Compact JSON as the real APIs send it, UTF-8 left unescaped."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def json_response(status, obj, headers=None,
                  content_type="application/json; charset=utf-8"):
    return Response(status, dumps(obj), content_type, headers)


# --------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------

class FakeService:
    """Base of one fake API.  Subclasses set name and implement handle()."""

    name = "fake"

    def __init__(self):
        self.lock = threading.Lock()
        self._seen = set()

    def reset(self):
        """Back to the freshly started state.  Subclasses extend it."""
        with self.lock:
            self._seen.clear()

    def first_time(self, key):
        """True the first time key is seen since start or /_reset."""
        with self.lock:
            if key in self._seen:
                return False
            self._seen.add(key)
            return True

    def handle(self, request):
        raise NotImplementedError

    def is_write(self, request):
        """Does request change something (for /_drop_write)?  Any method but
        GET here; a GraphQL service (linear.py) posts reads too."""
        return request.method != "GET"

    def summary(self):
        """Human-readable facts about the generated data (--summary)."""
        return ""

    def log_suffix(self, request):
        """Text the request log's line gets after the path: "" here; the
        services whose queries travel in a POST body (jira.py, linear.py)
        append " <body>", so a test can read the query that was sent.  It is
        encoded as log_line encodes the path."""
        return ""


def log_line(method, raw_path):
    """The request log's line: no tabs, backslashes or control characters."""
    out = []
    for ch in raw_path:
        if ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("%%%02X" % ord(ch))
        else:
            out.append(ch)
    return "%s %s" % (method, "".join(out))


class LineLog:
    """Lines the request threads add and a control endpoint reads
    (/_log, faults.py's /_headers), clearing them if asked."""

    def __init__(self):
        self._lock = threading.Lock()
        self._lines = []

    def add(self, line):
        with self._lock:
            self._lines.append(line)

    def read(self, clear):
        with self._lock:
            text = "".join(line + "\n" for line in self._lines)
            if clear:
                self._lines = []
        return text


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, service, handler=None):
        super().__init__(("127.0.0.1", port), handler or FakeHandler)
        self.service = service
        self.log = LineLog()
        self.in_flight_lock = threading.Lock()
        self.delay_changed = threading.Condition(self.in_flight_lock)
        self.delay_generation = 0
        self.delay_ms = 0
        self.delay_after = 0        # requests still answered without delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.drop_writes = 0        # writes still to be answered by a closed connection

    def set_delay(self, ms, after):
        """Hold the responses to come ms each (after the next after ones);
        the responses held so far go at once."""
        with self.delay_changed:
            self.delay_ms, self.delay_after = ms, after
            self.delay_generation += 1
            self.delay_changed.notify_all()

    def begin_request(self):
        """Count the request in flight; return (how long to hold it in ms,
        the delay setting's generation, for hold)."""
        with self.in_flight_lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self.delay_after > 0:
                self.delay_after -= 1
                return 0, self.delay_generation
            return self.delay_ms, self.delay_generation

    def hold(self, ms, generation):
        """Wait ms, or until the delay setting changes."""
        deadline = time.monotonic() + ms / 1000.0
        with self.delay_changed:
            while self.delay_generation == generation:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.delay_changed.wait(left)

    def take_drop(self):
        """True if this write's answer is to be dropped (see /_drop_write)."""
        with self.in_flight_lock:
            if self.drop_writes > 0:
                self.drop_writes -= 1
                return True
            return False

    def end_request(self):
        with self.in_flight_lock:
            self.in_flight -= 1

    def read_max_in_flight(self, clear):
        with self.in_flight_lock:
            value = self.max_in_flight
            if clear:
                self.max_in_flight = self.in_flight
        return value


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def version_string(self):
        return "saas-fdw-fake"

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _control(self, request):
        """Answer /_health, /_log, /_reset; None for an API request."""
        if request.path == "/_health":
            return Response(200, "ok").add_header("X-Fake-Pid", os.getpid())
        if request.path == "/_log":
            clear = request.param("clear") in ("1", "true")
            return Response(200, self.server.log.read(clear))
        if request.path == "/_drop_write":
            # the next n writes (any method but GET) are carried out, and
            # then the connection is closed without an answer: a write whose
            # outcome the client cannot know
            with self.server.in_flight_lock:
                self.server.drop_writes = max(0, int(request.param("n", "1")))
            return Response(200, "dropping %d writes\n" % self.server.drop_writes)
        if request.path == "/_reset":
            self.server.service.reset()
            self.server.log.read(True)
            self.server.set_delay(0, 0)
            with self.server.in_flight_lock:
                self.server.drop_writes = 0
            self.server.read_max_in_flight(True)
            return Response(200, "reset\n")
        if request.path == "/_delay":
            ms = max(0, int(request.param("ms", "0")))
            after = max(0, int(request.param("after", "0")))
            self.server.set_delay(ms, after)
            return Response(200, "delay %d ms%s\n"
                            % (ms, " after %d requests" % after if after else ""))
        if request.path == "/_inflight":
            clear = request.param("clear") in ("1", "true")
            return Response(200, "%d\n" % self.server.read_max_in_flight(clear))
        return None

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        request = Request(self.command, self.path, self.headers, body)
        response = self._control(request)
        if response is None:
            self.server.log.add(log_line(self.command, self.path)
                                + self.server.service.log_suffix(request))
            hold_ms, generation = self.server.begin_request()
            try:
                response = self.server.service.handle(request)
            except Exception:  # a bug in the fake must not kill the server
                traceback.print_exc()
                response = Response(500, "fake server error\n")
            finally:
                if hold_ms:
                    self.server.hold(hold_ms, generation)
                self.server.end_request()
            if self.server.service.is_write(request) and self.server.take_drop():
                self.close_connection = True
                return
        self._send(response)

    def _send(self, response):
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        no_body = response.status == 304
        if not no_body and "content-type" not in names:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if not no_body:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not no_body and self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))


def serve(service, default_port, handler=None):
    """Command line of every fake server: --port N, or --summary.  handler:
    a FakeHandler subclass, for a server that answers in ways Response
    cannot express (faults.py)."""
    parser = argparse.ArgumentParser(description="fake %s API for saas_fdw tests"
                                     % service.name)
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--summary", action="store_true",
                        help="print facts about the generated data and exit")
    args = parser.parse_args()
    if args.summary:
        sys.stdout.write(service.summary())
        return
    server = FakeServer(args.port, service, handler)
    sys.stderr.write("fake %s API listening on http://127.0.0.1:%d (pid %d)\n"
                     % (service.name, args.port, os.getpid()))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def add_page_links(resp, req, path, page, last):
    """GitHub's Link header for page-numbered lists (prev, next, last,
    first; none when there is one page): each link keeps the request's own
    query string as sent, with page replaced."""
    host = req.header("Host") or "127.0.0.1"
    kept = [p for p in req.query_string.split("&") if p and not p.startswith("page=")]

    def link(n, rel):
        return '<http://%s%s?%s>; rel="%s"' % (host, path, "&".join(kept + ["page=%d" % n]), rel)

    links = []
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links.append(link(1, "first"))
    if links:
        resp.add_header("Link", ", ".join(links))
    return resp
