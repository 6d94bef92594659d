#!/usr/bin/env python3
"""
faults.py
    A fault-injecting fake API for saas_fdw's tests: GitHub-shaped paths, so
    a saas_fdw server with service 'github' and base_url pointing here reads
    it with the ordinary github tables.

Every repository of owner "fault" answers its issues list with one fault:
    GET /repos/fault/<fault>/issues[?...]
and a few answer for one issue (GET /repos/fault/<fault>/issues/<n>):
    ok               issue n
    list-for-one     a list holding issue n, where one object belongs
    string-for-one   a JSON string
Any bearer token is accepted (a missing one is 401); the items are
ITEM_COUNT (5) small issues numbered 1..5.  Per-URL counters ("the first
time", "the first two times") start again after /_reset.

    ok               5 items, no fault
  HTTP status
    flaky            500 the first two times per URL, then 200
    broken           503 always (no Retry-After)
    retry-after-502  502 with Retry-After: 1 the first time per URL, then 200
    retry-after-503  503 with Retry-After: 1 the first time per URL, then 200
    throttled        429 with Retry-After: 1 the first time per URL, then 200
    reset-soon       403 "API rate limit exceeded", x-ratelimit-remaining: 0,
                     x-ratelimit-reset 1 s ahead, the first time per URL
    reset-later      the same 403, reset an hour ahead, always
    unauthorized     401 Bad credentials, always
  timing
    slow             headers after 1 s, then the body in 4 pieces 0.25 s apart
    stall            headers and half the body, then nothing for STALL_S
    stall-page-3     4 pages (Link next and last=4); page 3 stalls like
                     stall, so pages 3 and 4 are on their way (read-ahead)
                     when it does
    short-body       Content-Length of the whole body, 40% of it, then the
                     connection closes
  bodies
    truncated-json   a JSON array cut off in the middle (correct length)
    malformed-json   a trailing comma inside an object
    empty-body       200 with no body
    not-a-list       an object where the list of issues belongs
    string-items     a list of strings and numbers, not of objects
    string-fields    "user", "labels", "milestone" are strings, not objects
    null-fields      every field of every item is null
    out-of-range     "number": 3000000000 (does not fit an integer column)
    huge             a 3 MB list (Content-Length given)
    huge-unsized     the same without Content-Length (ends when the
                     connection closes)
    bad-utf8         a raw 0xFF byte inside a title
    lone-surrogate   a title "\\ud800" (an escape no UTF-8 text can hold)
    nul-escape       a title "a\\u0000b"
    nul-raw          a raw NUL byte inside a title
    latin1-text      issue 1 titled "café crème", issue 2 labelled "déjà vu"
                     with body "naïve façade": text LATIN1 can hold
    not-latin1       issue 3 titled "costs 5 €" (no LATIN1 character is €)
    big-number       "comments" beyond 64 bits: 12345678901234567890123
                     (issue 2), -12345678901234567890123 (issue 4), and
                     18446744073709551615 (issue 5, the largest uint64)
  pagination and redirects
    loop-self        Link rel="next" pointing at the same URL
    loop-back        page 1 -> page 2 -> page 1 -> ... (a cycle of two)
    redirect-away    302 to http://localhost:<port>/elsewhere/issues: another
                     host (by name) that answers 5 items without a token
    redirect-same    302 to /repos/fault/ok/issues on this same origin
    redirect-loop    302 to itself, forever
    redirect-scheme  302 to file:///etc/passwd

Header log (like /_log, never logged itself):
    GET /_headers[?clear=1]   one line per API request:
                              "<Host header> <path> authorization=present|absent"
The token itself is never written anywhere.

Run: python3 faults.py [--port 8084]
"""

import socket
import time

from fakebase import (FakeHandler, FakeService, LineLog, Response, dumps, iso,
                      json_response, serve)

ITEM_COUNT = 5
STALL_S = 60
HUGE_BYTES = 3 * 1024 * 1024
START = 1704067200  # 2024-01-01T00:00:00Z
DOCS = "https://docs.github.com/rest"


class Raw:
    """An answer written by hand: the body in (bytes, pause after) pieces,
    with or without Content-Length, optionally stalling or cut short."""

    def __init__(self, status, pieces, headers=None, content_length=True,
                 declared_length=None, delay_s=0, stall_s=0, close=False):
        self.status = status
        self.pieces = pieces
        self.headers = list(headers or [])
        self.content_length = content_length
        self.declared_length = declared_length
        self.delay_s = delay_s
        self.stall_s = stall_s
        self.close = close

    def body_length(self):
        return sum(len(p) for p, _ in self.pieces)


def issue(n):
    created = START + n * 86400
    return {
        "html_url": "https://github.com/fault/items/issues/%d" % n,
        "id": 4000000000 + n,
        "node_id": "I_fault%d" % n,
        "number": n,
        "title": "Fault fixture issue %d" % n,
        "user": {"login": "octocat", "id": 583231, "type": "User"},
        "labels": [{"id": 1, "name": "bug"}],
        "state": "open",
        "locked": False,
        "assignees": [],
        "milestone": None,
        "comments": n % 3,
        "created_at": iso(created),
        "updated_at": iso(created + 3600),
        "closed_at": None,
        "author_association": "MEMBER",
        "body": "Body of issue %d" % n,
        "state_reason": None,
    }


def items():
    return [issue(n) for n in range(1, ITEM_COUNT + 1)]


def rate_limit_headers(reset):
    return [("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-used", "5000"), ("x-ratelimit-reset", str(reset)),
            ("x-ratelimit-resource", "core")]


def error(status, message, headers=None):
    return json_response(status, {"message": message, "documentation_url": DOCS},
                         headers)


class FaultService(FakeService):
    name = "faults"

    def __init__(self):
        super().__init__()
        self.hits = {}
        self.headers_seen = LineLog()

    def reset(self):
        super().reset()
        with self.lock:
            self.hits.clear()
        self.headers_seen.read(clear=True)

    def hit(self, key):
        """How many times key was asked for, this time included."""
        with self.lock:
            self.hits[key] = self.hits.get(key, 0) + 1
            return self.hits[key]

    def note_headers(self, request):
        line = "%s %s authorization=%s" % (
            request.header("Host", "-"), request.path,
            "present" if request.header("Authorization") else "absent")
        self.headers_seen.add(line)

    # ---- dispatch --------------------------------------------------------

    def handle(self, req):
        self.note_headers(req)
        host = req.header("Host", "127.0.0.1")
        if host.rsplit(":", 1)[0] != "127.0.0.1":
            # the other host of redirect-away: public data, no token needed
            return json_response(200, items())
        scheme, token = req.credential()
        if scheme not in ("bearer", "token") or not token:
            return error(401, "Requires authentication")
        parts = req.path.strip("/").split("/")
        if len(parts) == 5 and parts[:2] == ["repos", "fault"] and \
                parts[3] == "issues" and parts[4].isdigit():
            return self.one_issue(parts[2], int(parts[4]))
        if len(parts) != 4 or parts[:2] != ["repos", "fault"] or parts[3] != "issues":
            return error(404, "Not Found")
        fault = getattr(self, "fault_" + parts[2].replace("-", "_"), None)
        if fault is None:
            return error(404, "Not Found")
        return fault(req, host)

    def one_issue(self, fault, n):
        if fault == "ok":
            return json_response(200, issue(n))
        if fault == "list-for-one":
            return json_response(200, [issue(n)])
        if fault == "string-for-one":
            return json_response(200, "issue %d" % n)
        return error(404, "Not Found")

    def url_of(self, req, host, query=None):
        q = req.query_string if query is None else query
        return "http://%s%s%s" % (host, req.path, "?" + q if q else "")

    def page_url(self, req, host, number):
        """This request's URL at page number (page 1: no page parameter)."""
        params = [(k, v) for k, v in req.params if k != "page"]
        if number > 1:
            params.append(("page", str(number)))
        return self.url_of(req, host, "&".join("%s=%s" % kv for kv in params))

    # ---- HTTP status -----------------------------------------------------

    def fault_ok(self, req, host):
        return json_response(200, items())

    def fault_flaky(self, req, host):
        if self.hit(req.raw_path) <= 2:
            return error(500, "Server Error")
        return json_response(200, items())

    def fault_broken(self, req, host):
        return Response(503, "<html><body>503 Service Unavailable</body></html>",
                        "text/html")

    def _once(self, req, status, answer_headers):
        if self.hit(req.raw_path) == 1:
            return error(status, "Try again later", answer_headers)
        return json_response(200, items())

    def fault_retry_after_502(self, req, host):
        return self._once(req, 502, [("Retry-After", "1")])

    def fault_retry_after_503(self, req, host):
        return self._once(req, 503, [("Retry-After", "1")])

    def fault_throttled(self, req, host):
        return self._once(req, 429, [("Retry-After", "1")])

    def fault_reset_soon(self, req, host):
        if self.hit(req.raw_path) == 1:
            return error(403, "API rate limit exceeded for user ID 583231.",
                         rate_limit_headers(int(time.time()) + 1))
        return json_response(200, items())

    def fault_reset_later(self, req, host):
        return error(403, "API rate limit exceeded for user ID 583231.",
                     rate_limit_headers(int(time.time()) + 3600))

    def fault_unauthorized(self, req, host):
        return error(401, "Bad credentials")

    # ---- timing ----------------------------------------------------------

    def fault_slow(self, req, host):
        body = dumps(items()).encode()
        quarter = (len(body) + 3) // 4
        return Raw(200, [(body[i:i + quarter], 0.25) for i in range(0, len(body), quarter)],
                   delay_s=1)

    def fault_stall(self, req, host):
        body = dumps(items()).encode()
        half = len(body) // 2
        return Raw(200, [(body[:half], 0)], declared_length=len(body),
                   stall_s=STALL_S, close=True)

    def fault_stall_page_3(self, req, host):
        page = int(req.param("page") or "1")
        if page == 3:
            return self.fault_stall(req, host)
        links = ['<%s>; rel="last"' % self.page_url(req, host, 4)]
        if page < 4:
            links.insert(0, '<%s>; rel="next"' % self.page_url(req, host, page + 1))
        return json_response(200, items(), [("Link", ", ".join(links))])

    def fault_short_body(self, req, host):
        body = dumps(items()).encode()
        return Raw(200, [(body[:len(body) * 2 // 5], 0)], declared_length=len(body),
                   close=True)

    # ---- bodies ----------------------------------------------------------

    @staticmethod
    def _json_bytes(body):
        return Response(200, body, "application/json; charset=utf-8")

    def fault_truncated_json(self, req, host):
        body = dumps(items()).encode()
        return self._json_bytes(body[:len(body) // 2])

    def fault_malformed_json(self, req, host):
        return self._json_bytes(b'[{"number":1,"title":"a",}]')

    def fault_empty_body(self, req, host):
        return self._json_bytes(b"")

    def fault_not_a_list(self, req, host):
        return json_response(200, {"message": "hello", "items": items()})

    def fault_string_items(self, req, host):
        return json_response(200, ["issue 1", 2, None])

    def fault_string_fields(self, req, host):
        out = items()
        for item in out:
            item.update({"user": "octocat", "labels": "bug", "milestone": "v1.0"})
        return json_response(200, out)

    def fault_null_fields(self, req, host):
        return json_response(200, [{k: None for k in issue(n)} for n in range(1, 4)])

    def fault_out_of_range(self, req, host):
        out = items()
        out[2]["number"] = 3000000000
        return json_response(200, out)

    def _huge_body(self):
        one = issue(1)
        one["body"] = "x" * 10000
        count = HUGE_BYTES // len(dumps(one)) + 1
        return dumps([dict(one, number=n) for n in range(1, count + 1)]).encode()

    def fault_huge(self, req, host):
        return self._json_bytes(self._huge_body())

    def fault_huge_unsized(self, req, host):
        body = self._huge_body()
        step = 64 * 1024
        return Raw(200, [(body[i:i + step], 0) for i in range(0, len(body), step)],
                   content_length=False, close=True)

    def _title_bytes(self, raw_title):
        body = dumps(items()).encode()
        return self._json_bytes(body.replace(b"Fault fixture issue 3", raw_title, 1))

    def fault_bad_utf8(self, req, host):
        return self._title_bytes(b"caf\xff")

    def fault_lone_surrogate(self, req, host):
        return self._title_bytes(b"a\\ud800b")

    def fault_nul_escape(self, req, host):
        return self._title_bytes(b"a\\u0000b")

    def fault_nul_raw(self, req, host):
        return self._title_bytes(b"a\x00b")

    def fault_latin1_text(self, req, host):
        out = items()
        out[0]["title"] = "caf\u00e9 cr\u00e8me"
        out[1]["labels"] = [{"id": 2, "name": "d\u00e9j\u00e0 vu"}]
        out[1]["body"] = "na\u00efve fa\u00e7ade"
        return json_response(200, out)

    def fault_not_latin1(self, req, host):
        out = items()
        out[2]["title"] = "costs 5 \u20ac"
        return json_response(200, out)

    def fault_big_number(self, req, host):
        out = items()
        out[1]["comments"] = 12345678901234567890123
        out[3]["comments"] = -12345678901234567890123
        out[4]["comments"] = 18446744073709551615
        return json_response(200, out)

    # ---- pagination and redirects ------------------------------------------

    def fault_loop_self(self, req, host):
        return json_response(200, items(), [
            ("Link", '<%s>; rel="next"' % self.url_of(req, host))])

    def fault_loop_back(self, req, host):
        target = 1 if req.param("page") == "2" else 2
        return json_response(200, items(), [
            ("Link", '<%s>; rel="next"' % self.page_url(req, host, target))])

    def fault_redirect_away(self, req, host):
        port = host.rsplit(":", 1)[1]
        return Response(302, "", headers=[
            ("Location", "http://localhost:%s/elsewhere/issues" % port)])

    def fault_redirect_same(self, req, host):
        return Response(302, "", headers=[
            ("Location", "/repos/fault/ok/issues?" + req.query_string)])

    def fault_redirect_loop(self, req, host):
        return Response(302, "", headers=[("Location", self.url_of(req, host))])

    def fault_redirect_scheme(self, req, host):
        return Response(302, "", headers=[("Location", "file:///etc/passwd")])


class FaultHandler(FakeHandler):
    """Adds /_headers, and writes Raw answers piece by piece."""

    def _control(self, request):
        if request.path == "/_headers":
            clear = request.param("clear") in ("1", "true")
            return Response(200, self.server.service.headers_seen.read(clear))
        return super()._control(request)

    def _send(self, response):
        if not isinstance(response, Raw):
            super()._send(response)
            return
        try:
            time.sleep(response.delay_s)
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            for name, value in response.headers:
                self.send_header(name, value)
            if response.content_length:
                length = response.declared_length
                if length is None:
                    length = response.body_length()
                self.send_header("Content-Length", str(length))
            if response.close or not response.content_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.flush()
            for piece, pause in response.pieces:
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(pause)
            time.sleep(response.stall_s)
        except OSError:
            pass    # the client gave up: that is what these faults test
        if response.close:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


if __name__ == "__main__":
    serve(FaultService(), 8084, FaultHandler)
