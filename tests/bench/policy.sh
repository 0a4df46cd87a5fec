#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark: coco policy generate over a generated 500-workload manifest (Deployments, Pods,
# StatefulSets, CronJobs with ConfigMaps, Secrets and Services), images from an OCI layout that
# umoci writes (one layer with /etc/passwd and /etc/group), with a warm layer cache.
# Prints workloads per second (median of RUNS=5 runs) and peak RSS (/usr/bin/time -v) without and
# with the generator's self-check, then the same for `coco policy test`
# of the written manifests (every pod's simulated requests and near misses decided by its policy). The peer, Kata's genpolicy, is a
# Rust tool that is not packaged for Debian and cannot be built offline here, so no ratio is
# printed; its per-resource cost is dominated by registry round trips it cannot cache (policy.md §7).
# Usage: tests/bench/policy.sh [BUILD_DIR] [WORKLOADS]   (default build, 500)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
coco=$(cd "${1:-$root/build}" && pwd)/coco
n=${2:-500}
work=$(mktemp -d /tmp/coco-bench-policy.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== an OCI layout with one layer (umoci)"
mkdir -p "$work/rootfs/etc" "$work/rootfs/bin"
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nextra:x:2000:app\n' > "$work/rootfs/etc/group"
head -c 4194304 /dev/urandom > "$work/rootfs/bin/app"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" .
umoci init --layout "$work/layout"
umoci new --image "$work/layout:1"
umoci raw add-layer --no-history --image "$work/layout:1" "$work/layer.tar" 2>/dev/null
umoci config --no-history --image "$work/layout:1" --config.user app --config.entrypoint /bin/app \
  --config.env PATH=/bin:/usr/bin --config.workingdir /srv

echo "== $n workloads"
python3 - "$n" > "$work/manifests.yaml" <<'PY'
import sys
n = int(sys.argv[1])
out = []
for ns in range(5):
    out.append(f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: settings, namespace: ns{ns}}}
data: {{LOG_LEVEL: info, CACHE: "64"}}
---
apiVersion: v1
kind: Secret
metadata: {{name: creds, namespace: ns{ns}}}
stringData: {{PASSWORD: hunter2}}
---
apiVersion: v1
kind: Service
metadata: {{name: backend, namespace: ns{ns}}}
spec: {{ports: [{{port: 8080, name: http}}]}}
""")
kinds = ["Deployment", "Pod", "StatefulSet", "CronJob", "DaemonSet"]
for i in range(n):
    kind, ns, image = kinds[i % len(kinds)], i % 5, f"registry.example/app{i % 7}:1"
    pod = f"""      containers:
        - name: app
          image: {image}
          args: ["--id", "{i}", "--peer", "$(BACKEND_SERVICE_HOST)"]
          envFrom: [{{configMapRef: {{name: settings}}, prefix: CFG_}}]
          env:
            - {{name: PASSWORD, valueFrom: {{secretKeyRef: {{name: creds, key: PASSWORD}}}}}}
            - {{name: POD_NAME, valueFrom: {{fieldRef: {{fieldPath: metadata.name}}}}}}
            - {{name: POD_IP, valueFrom: {{fieldRef: {{fieldPath: status.podIP}}}}}}
          livenessProbe: {{exec: {{command: ["cat", "/tmp/ok"]}}}}
          volumeMounts: [{{name: cfg, mountPath: /etc/app}}, {{name: tmp, mountPath: /tmp}}]
        - name: sidecar
          image: registry.example/app{(i + 1) % 7}:1
          securityContext: {{runAsUser: 1000, readOnlyRootFilesystem: true, capabilities: {{drop: [ALL]}}}}
      volumes: [{{name: cfg, configMap: {{name: settings}}}}, {{name: tmp, emptyDir: {{}}}}]
"""
    if kind == "Pod":
        out.append(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: w{i}, namespace: ns{ns}}}\nspec:\n" +
                   pod.replace("\n      ", "\n  ").replace("      containers", "  containers", 1))
    elif kind == "CronJob":
        out.append(f"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: w{i}, namespace: ns{ns}}}\nspec:\n"
                   f"  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                   + pod.replace("\n      ", "\n          ").replace("      containers", "          containers", 1))
    else:
        out.append(f"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: w{i}, namespace: ns{ns}}}\nspec:\n"
                   f"  selector: {{matchLabels: {{app: w{i}}}}}\n  template:\n    metadata: {{labels: {{app: w{i}}}}}\n    spec:\n"
                   + pod.replace("\n      ", "\n      "))
print("---\n".join(out))
PY
sources=()
for k in 0 1 2 3 4 5 6; do sources+=(--image-source "registry.example/app$k:1=oci:$work/layout:1"); done
# --no-check: the generator's self-check is the same work as `policy test`, timed on its own below.
run() { "$coco" policy generate -f "$work/manifests.yaml" "${sources[@]}" --cache-dir "$work/cache" -o "$work/out.yaml" -q --no-check "$@"; }
run --output json > /dev/null  # warms the layer cache
# Each figure is the median of $runs runs (this machine's wall times vary by +-15% from run to run),
# with the largest peak RSS of them.
runs=${RUNS:-5}
measure() {  # label, stdout file, command...: sets secs (median wall seconds), rss_mib (largest peak RSS)
  local label=$1 out=$2; shift 2
  : > "$work/$label.walls"
  rss_mib=0
  for _ in $(seq "$runs"); do
    # policy test exits 1 when a request is decided wrongly; the failures are counted below.
    /usr/bin/time -v -o "$work/$label.time" "$@" > "$out" || [[ $label == test ]]
    awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' \
      "$work/$label.time" >> "$work/$label.walls"
    local rss; rss=$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$work/$label.time")
    ((rss > rss_mib)) && rss_mib=$rss
  done
  secs=$(sort -n "$work/$label.walls" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
}
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / max(float(sys.argv[2]), 0.001):.0f}')" "$1" "$2"; }
measure no-check "$work/report.json" "$coco" policy generate -f "$work/manifests.yaml" "${sources[@]}" \
  --cache-dir "$work/cache" -o "$work/out.yaml" --no-check -q --output json
pods=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['pods']))" "$work/report.json")
echo "coco: $pods pod policies in ${secs}s (median of $runs, warm cache): $(rate "$pods" "$secs") workloads/s (target >= 1000 without the self-check), peak RSS $rss_mib MiB"
echo "output: $(wc -c < "$work/out.yaml") bytes of annotated manifests"
# The same with the generator's self-check (every written policy decides its pod's simulated requests).
measure check /dev/null "$coco" policy generate -f "$work/manifests.yaml" "${sources[@]}" \
  --cache-dir "$work/cache" -o "$work/out-check.yaml" -q --output json
echo "coco with the self-check: $pods pod policies in ${secs}s (median of $runs): $(rate "$pods" "$secs") workloads/s (target >= 300), peak RSS $rss_mib MiB"
measure test "$work/test.json" "$coco" policy test -f "$work/out.yaml" "${sources[@]}" \
  --cache-dir "$work/cache" --negative --output json
read -r tpods treqs tfail < <(python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
print(len(j['pods']), j['requests'], j['failures'])" "$work/test.json")
echo "coco policy test: $tpods pods, $treqs requests ($tfail failures) in ${secs}s (median of $runs): $(rate "$tpods" "$secs") workloads/s, peak RSS $rss_mib MiB"
echo "peer (genpolicy): not available on this machine (not packaged for Debian, no crates.io); no ratio"
