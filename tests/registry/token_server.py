#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bearer-token issuer for coco's registry tests (distribution "token" auth, loopback only).

usage: token_server.py PORT KEY.pem CERT.pem USER:PASSWORD

GET /token?service=S&scope=repository:NAME:pull answers {"token", "access_token", "expires_in",
"issued_at"} with an ES256 JWT whose header carries the issuer certificate (x5c), which is how
distribution 2.x checks it against auth.token.rootcertbundle. Anyone may pull repositories outside
"private/"; those need the Basic credentials given on the command line. POST /token handles the
OAuth2 refresh grant: refresh_token must equal the password ("identity token" logins).
Wrong credentials get 401.
"""
import base64
import json
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

port, key_file, cert_file, user_pass = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
user, password = user_pass.split(":", 1)
key = serialization.load_pem_private_key(open(key_file, "rb").read(), password=None)
cert = x509.load_pem_x509_certificate(open(cert_file, "rb").read())
chain = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]


def seg(obj):
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def issue(service, scopes, who):
    now = int(time.time())
    access = []
    for scope in scopes:
        # "repository:a/b:pull,push": the name is between the first and the last colon.
        kind, rest = scope.split(":", 1)
        name, actions = rest.rsplit(":", 1)
        if name.startswith("private/") and who is None:
            continue
        allowed = [a for a in actions.split(",") if a == "pull" or who is not None]
        access.append({"type": kind, "name": name, "actions": allowed})
    claims = {"iss": "coco-test-issuer", "sub": who or "", "aud": service, "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
    head = seg({"typ": "JWT", "alg": "ES256", "x5c": chain}) + "." + seg(claims)
    der = key.sign(head.encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    sig = base64.urlsafe_b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).rstrip(b"=").decode()
    return head + "." + sig


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer(self, service, scopes, who):
        token = issue(service, scopes, who)
        self.reply(200, {"token": token, "access_token": token, "expires_in": 300,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        who = None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            if base64.b64decode(auth[6:]).decode() != f"{user}:{password}":
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
            who = user
        self.answer(q.get("service", [""])[0], q.get("scope", []), who)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [password]:
            return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad refresh token"}]})
        self.answer(form.get("service", [""])[0], form.get("scope", []), user)


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
