#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Signing a large file: coco sign (detached ECDSA P-256, and a Sigstore bundle whose subject is
# the file's SHA-256) against the peers on the same input: `openssl dgst -sha256 -sign` and
# `sha256sum`. Prints wall time, the ratio and peak RSS (coco streams: RSS must stay flat).
# Usage: tests/bench/attest_sign.sh [SIZE_MIB] (default 1024); needs build/coco.
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1024}
coco=${COCO:-build/coco}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c "$((size << 20))" /dev/urandom > "$dir/blob"
"$coco" key generate -o "$dir/k.key" >/dev/null
run() {  # label, command…: prints "label seconds rss_kib"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null
  read -r secs rss < "$dir/time"
  printf '%-28s %8.2f s %10d KiB\n' "$label" "$secs" "$rss"
  echo "$secs" > "$dir/$label.secs"
}
cat "$dir/blob" > /dev/null  # warm the page cache for everyone
run coco-detached "$coco" sign "$dir/blob" --key "$dir/k.key" --format detached -o "$dir/c.sig"
run openssl-dgst-sign openssl dgst -sha256 -sign "$dir/k.key" -out "$dir/o.sig" "$dir/blob"
run coco-bundle "$coco" sign "$dir/blob" --key "$dir/k.key" -o "$dir/b.json"
run sha256sum sha256sum "$dir/blob"
openssl dgst -sha256 -verify "$dir/k.pub" -signature <(base64 -d "$dir/c.sig") "$dir/blob" >/dev/null
ratio() { awk -v a="$(cat "$dir/$1.secs")" -v b="$(cat "$dir/$2.secs")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "ratio coco/openssl (detached): $(ratio coco-detached openssl-dgst-sign)"
echo "ratio coco/sha256sum (bundle): $(ratio coco-bundle sha256sum)"
