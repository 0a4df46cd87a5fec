#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the reproducible test images coco's OCI tests read, from tars generated here, with Debian's
# umoci and skopeo (independent writers of the OCI layout). Usage: make_images.sh OUTDIR
# Writes OUTDIR/layout (OCI layout, tags below), OUTDIR/layers/*.tar (the uncompressed layer tars,
# the sha256sum oracle for diff_ids), OUTDIR/hello-docker.tar (docker-archive) and
# OUTDIR/hello-oci.tar (oci-archive). Same inputs, same bytes: every timestamp is fixed.
#
# Tags in OUTDIR/layout:
#   v1          3 gzip layers: base (/etc/passwd, /etc/group, hard link, long PAX and GNU names),
#               an update of /etc/passwd, and a layer that whites out /etc/group and opaques /opt
#   empty       linux/arm64: one empty layer (a tar of nothing but the end marker)
#   zstd        v1 recompressed with zstd (skopeo)
#   plain       v1 with uncompressed layers (the tars above as blobs)
#   multi       an OCI index: linux/amd64 → v1, linux/arm64/v8 → empty
#   bad-diffid  v1 with a wrong diff_id for layer 1 in its config
set -euo pipefail
out=${1:?usage: make_images.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1577836800
tarit() {  # tarit DIR OUT [FORMAT]: a reproducible tar of DIR's contents
  find "$1" -exec touch -h -d @$SOURCE_DATE_EPOCH {} +
  local pax=()
  [[ ${3:-pax} == pax ]] && pax=(--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$SOURCE_DATE_EPOCH \
      --format="${3:-pax}" "${pax[@]}" -C "$1" -cf "$2" .
}
mkdir -p "$out/layers"

# Layer 0: a small root filesystem.
r=$work/l0
mkdir -p "$r/etc" "$r/bin" "$r/opt/app" "$r/usr/share/deep"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
printf '#!/bin/sh\necho hi\n' > "$r/bin/hi"; chmod 755 "$r/bin/hi"
ln "$r/bin/hi" "$r/bin/hi-hardlink"
ln -s ../bin/hi "$r/opt/hi-symlink"
printf 'app\n' > "$r/opt/app/config"
long=$(printf 'd%.0s' $(seq 120))
mkdir -p "$r/usr/share/deep/$long"
printf 'long name\n' > "$r/usr/share/deep/$long/$(printf 'f%.0s' $(seq 130)).txt"
tarit "$r" "$out/layers/l0.tar" pax
# Layer 1: a new user, written as a GNU tar (long names via ././@LongLink).
r=$work/l1
mkdir -p "$r/etc" "$r/home/$(printf 'g%.0s' $(seq 110))"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\napp:x:1000:1000:app:/home/app:/bin/sh\n' > "$r/etc/passwd"
printf 'x\n' > "$r/home/$(printf 'g%.0s' $(seq 110))/$(printf 'h%.0s' $(seq 120))"
tarit "$r" "$out/layers/l1.tar" gnu
# Layer 2: whiteouts: /etc/group removed, /opt made opaque.
r=$work/l2
mkdir -p "$r/etc" "$r/opt"
: > "$r/etc/.wh.group"
: > "$r/opt/.wh..wh..opq"
printf 'new\n' > "$r/opt/new"
tarit "$r" "$out/layers/l2.tar" pax
# An empty layer: only the end-of-archive marker.
tar --format=pax -cf "$out/layers/empty.tar" -T /dev/null

L=$out/layout
rm -rf "$L"
umoci init --layout "$L"
build() {  # build TAG ARCH CMD LAYER…
  local tag=$1 arch=$2 cmd=$3; shift 3
  umoci new --image "$L:$tag"
  for l in "$@"; do umoci raw add-layer --no-history --image "$L:$tag" "$out/layers/$l" 2>/dev/null; done
  umoci config --no-history --image "$L:$tag" --created 2020-01-01T00:00:00Z --config.cmd "$cmd" \
    --config.user app --config.workingdir /opt --config.env PATH=/bin:/usr/bin --config.env MODE=test \
    --config.entrypoint /bin/sh --config.volume /data --config.exposedports 8080/tcp \
    --config.label org.example.k=v --architecture "$arch"
}
build v1 amd64 /bin/hi l0.tar l1.tar l2.tar
build empty arm64 /bin/true empty.tar
umoci gc --layout "$L"
skopeo copy -q --dest-compress --dest-compress-format zstd "oci:$L:v1" "oci:$work/z:zstd"
python3 - "$L" "$work" <<'PY'
# Merges the zstd and plain images into the layout, and writes the multi-arch index and the
# bad-diffid image by hand (umoci writes neither), as the OCI image spec describes them.
import hashlib, json, os, shutil, sys
L, work = sys.argv[1], sys.argv[2]
def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(f"{L}/blobs/sha256/{d}", "wb") as f: f.write(data)
    return "sha256:" + d, len(data)
def blob(digest):
    return open(f"{L}/blobs/sha256/{digest.split(':')[1]}", "rb").read()
index = json.load(open(f"{L}/index.json"))
def entry(tag): return next(m for m in index["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == tag)
def tag(desc, name):
    desc = dict(desc); desc["annotations"] = {"org.opencontainers.image.ref.name": name}
    index["manifests"].append(desc)
for src, t in ((f"{work}/z", "zstd"),):
    for d in os.listdir(f"{src}/blobs/sha256"):
        shutil.copyfile(f"{src}/blobs/sha256/{d}", f"{L}/blobs/sha256/{d}")
    tag(json.load(open(f"{src}/index.json"))["manifests"][0], t)
v1, empty = entry("v1"), entry("empty")
multi = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    {"mediaType": v1["mediaType"], "digest": v1["digest"], "size": v1["size"],
     "platform": {"architecture": "amd64", "os": "linux"}},
    {"mediaType": empty["mediaType"], "digest": empty["digest"], "size": empty["size"],
     "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}}]}
d, n = put(json.dumps(multi, separators=(",", ":")).encode())
tag({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": d, "size": n}, "multi")
m = json.loads(blob(v1["digest"]))
plain = json.loads(blob(v1["digest"]))
for layer, name in zip(plain["layers"], ("l0", "l1", "l2")):
    layer["mediaType"] = "application/vnd.oci.image.layer.v1.tar"
    layer["digest"], layer["size"] = put(open(f"{os.path.dirname(L)}/layers/{name}.tar", "rb").read())
d, n = put(json.dumps(plain, separators=(",", ":")).encode())
tag({"mediaType": v1["mediaType"], "digest": d, "size": n}, "plain")
c = json.loads(blob(m["config"]["digest"]))
c["rootfs"]["diff_ids"][1] = "sha256:" + "0" * 64
m["config"]["digest"], m["config"]["size"] = put(json.dumps(c, separators=(",", ":")).encode())
d, n = put(json.dumps(m, separators=(",", ":")).encode())
tag({"mediaType": v1["mediaType"], "digest": d, "size": n}, "bad-diffid")
with open(f"{L}/index.json", "w") as f: json.dump(index, f, separators=(",", ":"))
PY
rm -f "$out/hello-docker.tar" "$out/hello-oci.tar"
skopeo copy -q "oci:$L:v1" "docker-archive:$out/hello-docker.tar:coco/hello:v1"
skopeo copy -q "oci:$L:v1" "oci-archive:$out/hello-oci.tar:v1"
