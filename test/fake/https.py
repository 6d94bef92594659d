#!/usr/bin/env python3
"""
https.py
    The fake GitHub API (github.py) served over HTTPS, for the TLS tests.

Same data, fixtures, request log and control endpoints as github.py; the
listening socket is wrapped in TLS with the certificate and key given on the
command line (test/suites/tls.sh makes a throwaway CA and a certificate for
127.0.0.1 and localhost with the openssl command).  The Link headers of
github.py still say http://, so a TLS test reads one page only.

Run: python3 https.py --port 8443 --cert server.pem --key server.key
"""

import argparse
import os
import ssl
import sys

from fakebase import FakeServer
from github import GitHubService


def main():
    parser = argparse.ArgumentParser(description="fake GitHub API over HTTPS")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--cert", required=True, help="PEM certificate chain")
    parser.add_argument("--key", required=True, help="PEM private key")
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server = FakeServer(args.port, GitHubService())
    # The handshake runs in each request's thread, not in accept(), so a
    # client that fails it (an untrusted certificate) never blocks others.
    server.socket = context.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    sys.stderr.write("fake github API listening on https://127.0.0.1:%d (pid %d)\n"
                     % (args.port, os.getpid()))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
