#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark: the embedded Rego engine on regorus's Kata replays (../shared/vectors/rego/regorus/kata):
# parse + compile time of each policy, evaluation latency of every request (target: under 1 ms per
# CreateContainerRequest) and peak RSS. rego-cpp is not packaged for Debian 12; when REGO_CPP (or
# the older COCO_REGO) names a rego-cpp `rego` binary, the script also times, per policy, parse +
# compile + the first CreateContainerRequest with it and with coco, and prints the ratio.
# Building the oracle offline (Debian 12, cmake 3.25): rego-cpp 6111b96 (the last commit that pins
# trieste 3a5d7f6, a commit the trieste snapshot holds), trieste 3a5d7f6 (its cmake_minimum_required
# 3.28 lowered to 3.25), CLI11 4160d25 and mjp41/cmake_utils 2bf98b5, passed as
# -DFETCHCONTENT_SOURCE_DIR_{TRIESTE,CLI11,CMAKE_UTILS}=… with -DFETCHCONTENT_FULLY_DISCONNECTED=ON
# -DREGOCPP_BUILD_TOOLS=ON -DREGOCPP_USE_SNMALLOC=OFF -DTRIESTE_USE_SNMALLOC=OFF
# -DTRIESTE_BUILD_SAMPLES=OFF -DTRIESTE_BUILD_PARSERS=OFF -DREGOCPP_CRYPTO_BACKEND= ; target `rego`.
# (Configures and compiles cleanly as far as it went: 33 of 57 steps in 45 min at -j1 on a shared
# 2-core machine, then stopped; no binary yet, so no ratio.)
# Usage: tests/bench/rego.sh [BUILD_DIR]   (default build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=$("$build/tests/coco_tests" "[rego][bench]")
grep -v '^first-create ' <<<"$out"
rego_cpp=${REGO_CPP:-${COCO_REGO:-}}
if [[ -z "$rego_cpp" || ! -x "$rego_cpp" ]]; then
  echo "rego-cpp: not built here (set REGO_CPP=/path/to/rego for the coco/rego-cpp ratio)"
  exit 0
fi
work=$(mktemp -d /tmp/coco-bench-rego.XXXXXX)
trap 'rm -rf "$work"' EXIT
total_coco=0 total_cpp=0
while read -r _ name coco_ms; do
  kata="$root/../shared/vectors/rego/regorus/kata/$name"
  grep -m1 '"CreateContainerRequest"' "$kata/inputs.txt" | sed -e 's/"ep"://' -e 's/,$//' |
    python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[1]))' > "$work/input.json"
  start=$(date +%s%N)
  "$rego_cpp" eval -d "$kata/policy.rego" -i "$work/input.json" 'x := data.agent_policy.CreateContainerRequest' > /dev/null
  end=$(date +%s%N)
  cpp_ms=$(awk -v n=$((end - start)) 'BEGIN { printf "%.3f", n / 1e6 }')
  awk -v n="$name" -v a="$coco_ms" -v b="$cpp_ms" \
    'BEGIN { printf "%-22s first CreateContainerRequest (parse + compile + eval): coco %.3f ms, rego-cpp %.3f ms, ratio %.1fx\n", n, a, b, b / a }'
  total_coco=$(awk -v x="$total_coco" -v y="$coco_ms" 'BEGIN { print x + y }')
  total_cpp=$(awk -v x="$total_cpp" -v y="$cpp_ms" 'BEGIN { print x + y }')
done < <(grep '^first-create ' <<<"$out")
awk -v a="$total_coco" -v b="$total_cpp" 'BEGIN { printf "all policies: coco %.1f ms, rego-cpp %.1f ms, rego-cpp/coco %.1fx\n", a, b, b / a }'
