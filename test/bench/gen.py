#!/usr/bin/env python3
"""
gen.py OUT_DIR
    The benchmark's data set, as static files for nginx (test/bench/run.sh).

Items come from the fake servers' own generators (test/fake/github.py and
test/fake/stripe.py), so they have the full shape of the real APIs'
items; only the counts are larger.  Deterministic: the same files on every
run.

    OUT_DIR/github/page<N>.json    20,000 issues of bench/big, 100 a page,
                                   N = 1..200, in number order
    OUT_DIR/github/links.map       nginx map: page -> Link header value
    OUT_DIR/stripe/after_.json     the first page of 20,000 charges
    OUT_DIR/stripe/after_<id>.json the page after charge <id>
    OUT_DIR/stripe/month.json      the same charges, newest first, their
                                   created spread over MONTH (stripe_range.py
                                   serves them by created range)
    OUT_DIR/stats.txt              item and page sizes
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake"))

import github  # noqa: E402
import stripe  # noqa: E402
from fakebase import dumps  # noqa: E402

REPO = ("bench", "big")
ISSUES = 20000
CHARGES = 20000
PER_PAGE = 100
ISSUES_PATH = "/repos/%s/%s/issues" % REPO
ISSUES_QUERY = "state=all&per_page=%d" % PER_PAGE
MONTH = (1761955200, 1764547200)      # [2025-11-01, 2025-12-01) UTC


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def github_pages(out):
    os.makedirs(out, exist_ok=True)
    repo = github.Repo(REPO[0], REPO[1], 9001, ISSUES)
    pages = -(-ISSUES // PER_PAGE)
    sizes = []
    for n in range(1, pages + 1):
        body = dumps(repo.issues[(n - 1) * PER_PAGE: n * PER_PAGE])
        sizes.append(len(body.encode()))
        write(os.path.join(out, "page%d.json" % n), body)

    # $http_host: links through the latency proxy stay on the proxy
    def link(n, rel):
        return '<http://$http_host%s?%s&page=%d>; rel=\\"%s\\"' % (ISSUES_PATH, ISSUES_QUERY, n, rel)

    lines = []
    for n in range(1, pages + 1):
        links = []
        if n > 1:
            links.append(link(n - 1, "prev"))
        if n < pages:
            links += [link(n + 1, "next"), link(pages, "last")]
        if n > 1:
            links.append(link(1, "first"))
        lines.append('"%s" "%s";' % ("" if n == 1 else n, ", ".join(links)))
    write(os.path.join(out, "links.map"), "\n".join(lines) + "\n")
    return pages, sum(sizes)


def stripe_pages(out):
    os.makedirs(out, exist_ok=True)
    stripe.NCHARGES = CHARGES
    charges = stripe.build_data()["charges"].objects
    charges = sorted(charges, key=lambda c: (c["created"], c["id"]), reverse=True)
    total = 0
    after = ""
    pages = 0
    for start in range(0, len(charges), PER_PAGE):
        page = charges[start:start + PER_PAGE]
        body = dumps({"object": "list", "data": page,
                      "has_more": start + PER_PAGE < len(charges),
                      "url": "/v1/charges"})
        total += len(body.encode())
        write(os.path.join(out, "after_%s.json" % after), body)
        after = page[-1]["id"]
        pages += 1
    # the month: the n-th oldest charge at MONTH[0] + n * month / CHARGES
    month = []
    for n, c in enumerate(reversed(charges)):
        month.append(dict(c, created=MONTH[0] + n * (MONTH[1] - MONTH[0]) // len(charges)))
    write(os.path.join(out, "month.json"), dumps(month[::-1]))
    return pages, total


def main():
    out = sys.argv[1]
    gh_pages, gh_bytes = github_pages(os.path.join(out, "github"))
    st_pages, st_bytes = stripe_pages(os.path.join(out, "stripe"))
    write(os.path.join(out, "stats.txt"),
          "github: %d issues, %d pages, %d bytes (%.0f bytes an item)\n"
          "stripe: %d charges, %d pages, %d bytes (%.0f bytes an item)\n"
          % (ISSUES, gh_pages, gh_bytes, gh_bytes / ISSUES,
             CHARGES, st_pages, st_bytes, st_bytes / CHARGES))


if __name__ == "__main__":
    main()
