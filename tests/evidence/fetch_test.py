#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`coco evidence verify --fetch` against a loopback server that answers as AMD KDS and Intel PCS do,
serving the files of ../shared/vectors/evidence.

The URLs the server answers are written here from the public KDS and PCS interface specifications
and the report's bytes (chip_id at 0x1A0, reported_tcb at 0x180), independently of coco's code, so
a wrong path, query or header makes the server answer 404 and the test fail. Checks: a fetched
verification gives the same check lines as the same files given on the command line; the cache
answers a second run and --no-cache does not touch it; stale collateral is fetched again; 404,
503, 429, a slow server, a garbage body, a missing issuer-chain header and a damaged cache entry
each end as described in lib/evidence/fetch.h.

Usage: fetch_test.py COCO SHARED_DIR. Exit 77 (skip) without ../shared outside CI."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

COCO, SHARED = sys.argv[1], sys.argv[2]
EV = os.path.join(SHARED, "vectors", "evidence")
if not os.path.isdir(EV):
    print("SKIPPED: ../shared/vectors/evidence is not present (a clone without ../shared)")
    sys.exit(1 if os.environ.get("CI") else 77)


def data(rel):
    with open(os.path.join(EV, rel), "rb") as f:
        return f.read()


class Routes:
    """path+query -> (status, body, headers); every request is logged."""

    def __init__(self):
        self.routes, self.log, self.lock = {}, [], threading.Lock()

    def add(self, target, body, headers=None, status=200, fail_first=0, fail_status=503, delay=0.0):
        self.routes[target] = {"body": body, "headers": headers or {}, "status": status,
                               "fail_first": fail_first, "fail_status": fail_status, "delay": delay}


ROUTES = Routes()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        with ROUTES.lock:
            ROUTES.log.append(self.path)
            r = ROUTES.routes.get(self.path)
            failing = r is not None and r["fail_first"] > 0
            if failing:
                r["fail_first"] -= 1
        if r is None:
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b"no such route")
            return
        if r["delay"]:
            time.sleep(r["delay"])
        if failing:
            self.send_response(r["fail_status"])
            self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(b"try later")
            return
        try:
            self.send_response(r["status"])
            for k, v in r["headers"].items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(r["body"])))
            self.end_headers()
            self.wfile.write(r["body"])
        except BrokenPipeError:
            pass  # the client gave up first (the slow-server case)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = "http://127.0.0.1:%d" % server.server_address[1]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([COCO, *args], capture_output=True, text=True, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


def checks_of(out):
    return [(c["check"], c["status"], c["detail"]) for c in json.loads(out)["checks"]]


tmp = tempfile.mkdtemp()
cache = os.path.join(tmp, "cache")

# --- SEV-SNP: a version 3 Milan report (dstack); product from CPUID, VCEK and ASK/ARK from KDS.
report_rel = "snp/derived/milan-dstack-report.bin"
report = data(report_rel)
chip = report[0x1A0:0x1E0].hex()
tcb = report[0x180:0x188]
vcek_path = "/vcek/v1/Milan/%s?blSPL=%d&teeSPL=%d&snpSPL=%d&ucodeSPL=%d" % (chip, tcb[0], tcb[1], tcb[6], tcb[7])
vcek_pem = data("snp/milan-dstack-vcek.pem")
ROUTES.add(vcek_path, vcek_pem)
ROUTES.add("/vcek/v1/Milan/cert_chain", data("snp/ask_ark_milan.pem"))
ROUTES.add("/vlek/v1/Milan/cert_chain", data("snp/ask_ark_milan_vlek.pem"))
report_file = os.path.join(EV, report_rel)

rc, given, err = run("evidence", "verify", report_file, "--vcek", os.path.join(EV, "snp/milan-dstack-vcek.pem"),
                     "--ask-ark", os.path.join(EV, "snp/ask_ark_milan.pem"), "--output", "json")
check(rc == 0, "SNP with files verifies: %s" % err)
fetch_args = ["evidence", "verify", report_file, "--fetch", "--kds-url", BASE, "--cache-dir", cache, "--output", "json"]
rc, out, err = run(*fetch_args)
check(rc == 0, "SNP --fetch verifies (rc %d): %s" % (rc, err))
if rc == 0:
    doc = json.loads(out)
    # The VEK given as a file adds the "signing key type" line; a fetched VCEK is not "given".
    want = [c for c in checks_of(given) if c[0] != "signing key type"]
    check(checks_of(out) == want, "SNP --fetch gives the same checks as the files")
    try:
        import jsonschema
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "evidence-verify.schema.json")) as f:
            jsonschema.validate(doc, json.load(f))
    except jsonschema.ValidationError as e:
        check(False, "--output json with fetched matches schemas/evidence-verify.schema.json: %s" % e.message)
    check([(f["what"], f["url"], f["cached"]) for f in doc["fetched"]] ==
          [("VCEK", BASE + vcek_path, False), ("ASK and ARK", BASE + "/vcek/v1/Milan/cert_chain", False)],
          "SNP --fetch names what it fetched: %s" % doc.get("fetched"))
check(ROUTES.log == [vcek_path, "/vcek/v1/Milan/cert_chain"], "SNP requests as KDS expects them: %s" % ROUTES.log)

# A second run is answered by the cache; --no-cache fetches and writes nothing.
ROUTES.log.clear()
rc, out, err = run(*fetch_args)
check(rc == 0 and all(f["cached"] for f in json.loads(out)["fetched"]) and ROUTES.log == [],
      "the second run is answered by the cache (%s, %s)" % (ROUTES.log, err))
rc, out, err = run(*fetch_args, "--no-cache", env={"XDG_CACHE_HOME": os.path.join(tmp, "xdg")})
check(rc == 0 and len(ROUTES.log) == 2 and not os.path.exists(os.path.join(tmp, "xdg")),
      "--no-cache fetches again and writes no cache (%s)" % ROUTES.log)

# `coco cache dir` counts the entries and `coco cache prune` removes them.
rc, out, err = run("cache", "dir", "--cache-dir", cache, "--output", "json")
check(rc == 0 and json.loads(out)["entries"] == 2, "cache dir counts the two evidence entries: %s %s" % (out, err))
rc, out, err = run("cache", "prune", "--cache-dir", cache, "-q")
check(rc == 0 and out.strip() == "2" and not os.path.exists(os.path.join(cache, "evidence")),
      "cache prune removes the evidence entries: %s %s" % (out, err))

# A damaged cache entry is fetched again, not trusted and not an error.
run(*fetch_args)
for name in os.listdir(os.path.join(cache, "evidence")):
    with open(os.path.join(cache, "evidence", name), "wb") as f:
        f.write(b"<html>damaged</html>")
ROUTES.log.clear()
rc, out, err = run(*fetch_args)
check(rc == 0 and len(ROUTES.log) == 2, "a damaged cache entry is fetched again (%d, %s, %s)" % (rc, ROUTES.log, err))

# A VCEK given by the user: only the chain is fetched. A version 2 report needs --product.
ROUTES.log.clear()
rc, out, err = run("evidence", "verify", report_file, "--vcek", os.path.join(EV, "snp/milan-dstack-vcek.pem"),
                   "--fetch", "--kds-url", BASE, "--no-cache")
check(rc == 0 and ROUTES.log == ["/vcek/v1/Milan/cert_chain"], "--vcek with --fetch fetches only the chain: %s" % ROUTES.log)
rc, out, err = run("evidence", "verify", os.path.join(EV, "snp/milan-gsg-report.bin"), "--fetch", "--kds-url", BASE,
                   "--no-cache")
check(rc == 2 and "--product" in err, "a version 2 report without --product is a usage error: %d %s" % (rc, err))
rc, out, err = run("evidence", "verify", report_file, "--fetch", "--product", "Genoa", "--kds-url", BASE, "--no-cache")
check(rc == 2 and "CPUID says Milan" in err, "--product against the report's CPUID: %d %s" % (rc, err))
rc, out, err = run("evidence", "verify", report_file, "--product", "Milan")
check(rc == 2 and "--product is for --fetch" in err, "--product without --fetch: %d %s" % (rc, err))
# A VLEK-signed report: KDS serves no VLEK, so it must be given; with it, the ASVK chain is fetched.
vlek_report = os.path.join(EV, "snp/milan-trustee-vlek-report.bin")
rc, out, err = run("evidence", "verify", vlek_report, "--fetch", "--kds-url", BASE, "--no-cache")
check(rc == 2 and "--vlek" in err, "a VLEK-signed report without --vlek: %d %s" % (rc, err))
ROUTES.log.clear()
rc, out, err = run("evidence", "verify", vlek_report, "--vlek", os.path.join(EV, "snp/milan-trustee-vlek.der"),
                   "--fetch", "--kds-url", BASE, "--no-cache", "--at", "2025-01-01T00:00:00Z")
check(ROUTES.log == ["/vlek/v1/Milan/cert_chain"] and rc == 0, "--vlek fetches the ASVK chain: %d %s %s" % (rc, ROUTES.log, err))

# --- Failures: 404, 503 then success, 503 for good, a slow server, a body that is no certificate.
hostile_args = ["evidence", "verify", report_file, "--fetch", "--no-cache", "--fetch-timeout", "1"]
rc, out, err = run(*hostile_args, "--kds-url", BASE + "/elsewhere")
check(rc == 1 and "not found (HTTP 404)" in err and BASE + "/elsewhere/vcek/v1/Milan/" in err,
      "404 names the URL and exits 1: %d %s" % (rc, err))
ROUTES.routes[vcek_path]["fail_first"] = 2
rc, out, err = run(*hostile_args, "--kds-url", BASE)
check(rc == 0, "two 503 answers then the VCEK: retried (%d %s)" % (rc, err))
ROUTES.routes[vcek_path]["fail_first"] = 3
ROUTES.routes[vcek_path]["fail_status"] = 429
rc, out, err = run(*hostile_args, "--kds-url", BASE)
check(rc == 3 and "HTTP 429" in err and "after 3 attempts" in err, "429 three times is transient, exit 3: %d %s" % (rc, err))
ROUTES.routes[vcek_path]["fail_first"] = 0
ROUTES.routes[vcek_path]["delay"] = 3
started = time.time()
rc, out, err = run(*hostile_args, "--kds-url", BASE)
check(rc == 3 and "after 3 attempts" in err and time.time() - started < 30,
      "a server slower than --fetch-timeout: exit 3 in bounded time (%d %s)" % (rc, err))
ROUTES.routes[vcek_path]["delay"] = 0
ROUTES.routes[vcek_path]["body"] = b"<html>maintenance</html>"
rc, out, err = run(*hostile_args, "--kds-url", BASE)
check(rc == 1 and BASE + vcek_path in err, "a body that is no certificate names the URL, exit 1: %d %s" % (rc, err))
ROUTES.routes[vcek_path]["body"] = vcek_pem

# --- TDX: go-tdx-guest's SPR E4 quote with its PCS responses, as of a time they were current.
quote = os.path.join(EV, "tdx/v4-gtg-spr-e4.dat")
tcb_chain = urllib.parse.quote(data("tdx/derived/gtg-tcb-signing-chain.pem").decode())
crl_chain = urllib.parse.quote(data("tdx/derived/gtg-pckcrl-issuer-chain.pem").decode())
ROUTES.add("/tdx/certification/v4/tcb?fmspc=50806f000000", data("tdx/gtg-tcbinfo-50806f000000.json"),
           {"TCB-Info-Issuer-Chain": tcb_chain})
ROUTES.add("/tdx/certification/v4/qe/identity", data("tdx/gtg-qeidentity.json"),
           {"SGX-Enclave-Identity-Issuer-Chain": tcb_chain})
ROUTES.add("/sgx/certification/v4/pckcrl?ca=platform&encoding=der", data("tdx/gtg-pckcrl-platform.der"),
           {"SGX-PCK-CRL-Issuer-Chain": crl_chain})
ROUTES.add("/IntelSGXRootCA.der", data("tdx/gtg-rootcrl.der"))
at = ["--at", "2023-06-20T00:00:00Z", "--output", "json"]
rc, given, err = run("evidence", "verify", quote, *at, "--collateral", os.path.join(EV, "tdx/gtg-tcbinfo-50806f000000.json"),
                     os.path.join(EV, "tdx/gtg-qeidentity.json"), os.path.join(EV, "tdx/gtg-pckcrl-platform.der"),
                     os.path.join(EV, "tdx/gtg-rootcrl.der"), os.path.join(EV, "tdx/derived"))
check(rc == 1 and given, "TDX with files: the sample TCB info rates this PCK below its levels (exit 1): %s" % err)
ROUTES.log.clear()
tdx_args = ["evidence", "verify", quote, *at, "--fetch", "--pcs-url", BASE, "--cache-dir", cache]
rc, out, err = run(*tdx_args)
# The details differ only where they name the file or URL a signed document came from.
check(rc == 1 and out and [c[:2] for c in checks_of(out)] == [c[:2] for c in checks_of(given)],
      "TDX --fetch gives the same checks as the files: %d %s %s" % (rc, out, err))
check(ROUTES.log == ["/tdx/certification/v4/tcb?fmspc=50806f000000", "/tdx/certification/v4/qe/identity",
                     "/sgx/certification/v4/pckcrl?ca=platform&encoding=der", "/IntelSGXRootCA.der"],
      "TDX requests as PCS expects them: %s" % ROUTES.log)
# That collateral's next update is long past: the cache does not answer for it, it is fetched again.
ROUTES.log.clear()
rc, out, err = run(*tdx_args)
check(len(ROUTES.log) == 4 and not any(f["cached"] for f in json.loads(out)["fetched"]),
      "stale collateral is fetched again: %s" % ROUTES.log)
# An answer without its issuer-chain header is refused, naming the header and the URL.
ROUTES.routes["/tdx/certification/v4/qe/identity"]["headers"] = {}
rc, out, err = run(*tdx_args, "--no-cache")
check(rc == 1 and "sgx-enclave-identity-issuer-chain" in err and "/qe/identity" in err,
      "a missing issuer-chain header: %d %s" % (rc, err))

server.shutdown()
if failures:
    print("%d of the evidence --fetch checks failed" % len(failures))
    sys.exit(1)
print("evidence --fetch: every check passed")
