#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A misbehaving front for a registry, for coco's fault tests (loopback only).

usage: fault_proxy.py PORT UPSTREAM_PORT

Requests for /v2/<fault>/<repository…> are forwarded to the upstream registry as
/v2/<repository…>, with the fault applied. Faults (the first path component):
  ok          pass through
  e500        always HTTP 500
  flaky       HTTP 503 for the first two requests of each path, then pass through
  slow429     HTTP 429 with Retry-After: 1 on the first request of each path
  wrongblob   blob requests get other bytes of the same length
  shortblob   blob requests get the first half of the blob with a matching Content-Length
  truncate    blob requests announce the full length, send half, and close the connection
  droponce    like truncate on the first blob request of each path, then pass through
  badtype     manifests come back with the gzip layer media type replaced by an unknown one
  lie         manifests come back re-serialised (other bytes) under the upstream's Docker-Content-Digest
Blob faults apply to gzip layer blobs, not to configs. Manifests of fault repositories are served unchanged, so their digests stay those of the upstream.
"""
import http.client
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, upstream = int(sys.argv[1]), int(sys.argv[2])
seen = {}
lock = threading.Lock()


def count(key):
    with lock:
        seen[key] = seen.get(key, 0) + 1
        return seen[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self, method):
        parts = self.path.split("/")
        if len(parts) < 4 or parts[1] != "v2":
            return self.forward(method, self.path, "ok")
        fault = parts[2]
        path = "/".join(parts[:2] + parts[3:])
        n = count((fault, self.path))
        if fault == "e500":
            return self.send(500, b'{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}')
        if fault == "flaky" and n <= 2:
            return self.send(503, b"service unavailable")
        if fault == "slow429" and n == 1:
            return self.send(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
                             [("Retry-After", "1")])
        return self.forward(method, path, fault, n)

    def forward(self, method, path, fault, n=1):
        conn = http.client.HTTPConnection("127.0.0.1", upstream)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        hdrs = [(k, v) for k, v in resp.getheaders() if k.lower() not in ("content-length", "connection", "transfer-encoding")]
        # Blob faults hit layer blobs only (gzip magic), so the config still resolves.
        is_blob = "/blobs/" in path and resp.status == 200 and method == "GET" and body[:2] == b"\x1f\x8b"
        if fault == "badtype" and "/manifests/" in path and resp.status == 200:
            body = body.replace(b"application/vnd.oci.image.layer.v1.tar+gzip", b"application/x-coco-unknown")
            hdrs = [(k, v) for k, v in hdrs if k.lower() != "docker-content-digest"]
        if fault == "lie" and "/manifests/" in path and resp.status == 200:
            body = body + b"\n"
        if is_blob and fault == "wrongblob":
            body = bytes(b ^ 0x5a for b in body)
        if is_blob and fault == "shortblob":
            body = body[: len(body) // 2]
        if is_blob and (fault == "truncate" or (fault == "droponce" and n == 1)):
            self.send_response(200)
            for k, v in hdrs:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(resp.status, b"" if method == "HEAD" else body, hdrs)

    def do_GET(self):
        self.handle_any("GET")

    def do_HEAD(self):
        self.handle_any("HEAD")


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
