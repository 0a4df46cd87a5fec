#!/usr/bin/env bash
# Benchmark: the embedded Rego engine on regorus's Kata replays (../shared/vectors/rego/regorus/kata):
# parse + compile time of each policy, evaluation latency of every request (target: under 1 ms per
# CreateContainerRequest) and peak RSS. rego-cpp is not packaged for Debian 12; when COCO_REGO names
# a rego-cpp `rego` binary the script also times one CreateContainerRequest with it for a ratio.
# Usage: tests/bench/rego.sh [BUILD_DIR]   (default build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
"$build/tests/coco_tests" "[rego][bench]"
if [[ -n "${COCO_REGO:-}" && -x "${COCO_REGO}" ]]; then
  kata="$root/../shared/vectors/rego/regorus/kata/pod-cm1"
  work=$(mktemp -d /tmp/coco-bench-rego.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  grep -m1 CreateContainerRequest "$kata/inputs.txt" | sed -e 's/"ep"://' -e 's/,$//' |
    python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[1]))' > "$work/input.json"
  start=$(date +%s%N)
  "$COCO_REGO" eval -d "$kata/policy.rego" -i "$work/input.json" 'x := data.agent_policy.CreateContainerRequest' > /dev/null
  end=$(date +%s%N)
  echo "rego-cpp: one CreateContainerRequest (parse + compile + eval) $(( (end - start) / 1000000 )) ms"
fi
