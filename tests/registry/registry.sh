#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Loopback registries for coco's tests: Debian's docker-registry (distribution 2.8) in four
# configurations over one storage directory, a token server, a blob server for redirects and a
# fault-injecting proxy. Stops only the processes it started (their PIDs are in DIR/pids).
#
#   registry.sh start DIR BASE_PORT   builds the test images (make_images.sh), pushes them, writes DIR/registry.env
#   registry.sh stop DIR
# With IMAGES set, the images already built there by make_images.sh are pushed.
# With WATCH_PID set, a watcher stops everything once that process is gone (a crashed test run
# leaves nothing behind).
#
# Ports: BASE+0 plain, +1 Basic auth (htpasswd alice:s3cret), +2 Bearer token auth (token server on
# +3; repositories under private/ need alice:s3cret), +4 redirects blobs to the file server on +5,
# +6 fault proxy in front of +0 (see fault_proxy.py). Images on every registry:
#   coco/hello:{v1,zstd,plain,multi,bad-diffid,v1-docker,empty}, private/hello:v1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: registry.sh start|stop DIR [BASE_PORT]}
dir=${2:?usage: registry.sh start|stop DIR [BASE_PORT]}

stop() {
  [[ -f $dir/pids ]] || return 0
  local pids
  pids=$(cat "$dir/pids")
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -f "$dir/pids"
}

if [[ $cmd == stop ]]; then stop; exit 0; fi
[[ $cmd == start ]] || { echo "registry.sh: unknown command $cmd" >&2; exit 2; }
base=${3:?usage: registry.sh start DIR BASE_PORT}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
stop
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }  # something accepts on port $1
for p in $(seq "$base" $((base + 6))); do
  if listening "$p"; then echo "registry.sh: port $p is busy" >&2; exit 1; fi
done
mkdir -p "$dir/data"
htpasswd -Bbn alice s3cret > "$dir/htpasswd" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/key.pem" 2>/dev/null
openssl req -x509 -new -key "$dir/key.pem" -subj /CN=coco-test-issuer -days 2 -out "$dir/cert.pem" 2>/dev/null

config() {  # config NAME PORT AUTH_YAML [MIDDLEWARE_YAML]
  cat > "$dir/$1.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}, cache: {blobdescriptor: inmemory}}
http: {addr: "127.0.0.1:$2", secret: coco-test}
${3}
${4:-}
YML
}
config plain "$base" ""
config basic $((base + 1)) "auth: {htpasswd: {realm: coco-test, path: $dir/htpasswd}}"
config token $((base + 2)) "auth: {token: {realm: \"http://127.0.0.1:$((base + 3))/token\", service: coco-test-registry, issuer: coco-test-issuer, rootcertbundle: $dir/cert.pem}}"
config redirect $((base + 4)) "" "middleware: {storage: [{name: redirect, options: {baseurl: \"http://127.0.0.1:$((base + 5))/\"}}]}"

: > "$dir/pids"
spawn() { "$@" >>"$dir/log" 2>&1 & echo $! >> "$dir/pids"; }
for c in plain basic token redirect; do spawn docker-registry serve "$dir/$c.yml"; done
spawn python3 "$here/token_server.py" $((base + 3)) "$dir/key.pem" "$dir/cert.pem" alice:s3cret
spawn python3 -m http.server $((base + 5)) --bind 127.0.0.1 --directory "$dir/data"
spawn python3 "$here/fault_proxy.py" $((base + 6)) "$base"
# A server that cannot bind (another process took the port since the check above, even as the
# source port of an outgoing connection) exits; starting must then fail so the caller can pick
# other ports, not hand out a dead address.
gone() { stop; echo "registry.sh: $1 (see $dir/log)" >&2; exit 1; }
all_alive() { for p in $(cat "$dir/pids"); do kill -0 "$p" 2>/dev/null || gone "server $p exited at start"; done; }
for p in $(seq "$base" $((base + 6))); do
  up=false
  for _ in $(seq 200); do listening "$p" && { up=true; break; }; sleep 0.05; done
  $up || gone "nothing listens on port $p after 10 s"
done
all_alive

images=${IMAGES:-$dir/images}  # IMAGES: a make_images.sh output to reuse
[[ -d $images/layout ]] || "$here/make_images.sh" "$images"
L=$images/layout
push() { skopeo copy -q --dest-tls-verify=false "$@"; }
R=127.0.0.1:$base
# skopeo would substitute gzip blobs for uncompressed ones (its blob-info cache), so the plain
# image goes up through the registry API as it is in the layout.
python3 - "$L" "$R" <<'PY'
import http.client, json, sys
layout, registry = sys.argv[1], sys.argv[2]
host, port = registry.split(":")
def blob(d): return open(f"{layout}/blobs/sha256/{d.split(':')[1]}", "rb").read()
entry = next(m for m in json.load(open(f"{layout}/index.json"))["manifests"]
             if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "plain")
manifest = json.loads(blob(entry["digest"]))
for desc in [manifest["config"]] + manifest["layers"]:
    c = http.client.HTTPConnection(host, int(port))
    c.request("POST", "/v2/coco/hello/blobs/uploads/")
    r = c.getresponse(); r.read()
    loc = r.getheader("Location")
    c.request("PUT", loc + ("&" if "?" in loc else "?") + "digest=" + desc["digest"], body=blob(desc["digest"]),
              headers={"Content-Type": "application/octet-stream"})
    r = c.getresponse(); r.read()
    assert r.status == 201, (r.status, desc)
c = http.client.HTTPConnection(host, int(port))
c.request("PUT", "/v2/coco/hello/manifests/plain", body=blob(entry["digest"]),
          headers={"Content-Type": entry["mediaType"]})
r = c.getresponse(); r.read()
assert r.status == 201, r.status
PY
for t in v1 zstd bad-diffid empty; do push "oci:$L:$t" "docker://$R/coco/hello:$t"; done
push --all "oci:$L:multi" "docker://$R/coco/hello:multi"
push --format v2s2 "oci:$L:v1" "docker://$R/coco/hello-docker:v1"
push "oci:$L:v1" "docker://$R/private/hello:v1"

all_alive  # the pushes took seconds: a server that lost its port is gone by now
if [[ -n ${WATCH_PID:-} ]]; then
  ( trap '' HUP; while kill -0 "$WATCH_PID" 2>/dev/null; do sleep 1; done; "$here/registry.sh" stop "$dir" ) >/dev/null 2>&1 &
fi

cat > "$dir/registry.env" <<ENV
PLAIN=127.0.0.1:$base
BASIC=127.0.0.1:$((base + 1))
TOKEN=127.0.0.1:$((base + 2))
TOKEN_SERVER=127.0.0.1:$((base + 3))
REDIRECT=127.0.0.1:$((base + 4))
BLOBS=127.0.0.1:$((base + 5))
FAULT=127.0.0.1:$((base + 6))
IMAGES=$images
ENV
