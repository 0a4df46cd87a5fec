#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark: the embedded Rego engine on regorus's Kata replays (../shared/vectors/rego/regorus/kata):
# parse + compile time of each policy, evaluation latency of every request (target: under 1 ms per
# CreateContainerRequest) and peak RSS. rego-cpp is not packaged for Debian 12; when REGO_CPP (or
# the older COCO_REGO) names a rego-cpp `rego` binary, the script also runs, per policy, both tools as
# whole processes on the first CreateContainerRequest (parse + compile + evaluate), prints both
# answers and the time ratio.
# Building the oracle offline (Debian 12, cmake 3.25): rego-cpp 6111b96 (the last commit that pins
# trieste 3a5d7f6, a commit the trieste snapshot holds), trieste 3a5d7f6 (its cmake_minimum_required
# 3.28 lowered to 3.25), CLI11 4160d25 and mjp41/cmake_utils 2bf98b5, passed as
# -DFETCHCONTENT_SOURCE_DIR_{TRIESTE,CLI11,CMAKE_UTILS}=… with -DFETCHCONTENT_FULLY_DISCONNECTED=ON
# -DREGOCPP_BUILD_TOOLS=ON -DREGOCPP_USE_SNMALLOC=OFF -DTRIESTE_USE_SNMALLOC=OFF
# -DTRIESTE_BUILD_SAMPLES=OFF -DTRIESTE_BUILD_PARSERS=OFF -DREGOCPP_CRYPTO_BACKEND= ; target
# `rego_interpreter` (the binary is tools/rego; about 40 min at -j1 here).
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
# Whole processes, alternating, 5 runs each (median): each parses and compiles the policy and answers
# the policy's first CreateContainerRequest. coco: `policy explain -q`; rego-cpp: `rego eval`.
# rego-cpp 1.4 refuses v0's `import future.keywords.*` (those keywords are always on there): its copy
# of the policy has those lines blanked, so line numbers stay.
now() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] / 1e6 }'; }
total_coco=0 total_cpp=0
for kata in "$root"/../shared/vectors/rego/regorus/kata/*/; do
  name=$(basename "$kata")
  grep -m1 '"CreateContainerRequest"' "$kata/inputs.txt" | sed -e 's/\r$//' -e 's/"ep"://' -e 's/,$//' |
    python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[1]))' > "$work/input.json"
  sed 's/^import future\.keywords\..*$//' "$kata/policy.rego" > "$work/policy.rego"
  coco_answer=$("$build/coco" policy explain --policy "$kata/policy.rego" --request "$work/input.json" \
    --kind CreateContainerRequest -q)
  cpp_answer=$("$rego_cpp" eval -d "$work/policy.rego" -i "$work/input.json" \
    'x := data.agent_policy.CreateContainerRequest' 2>&1 | grep -o '"x":[a-z]*' | cut -d: -f2)
  [[ $cpp_answer == true ]] && cpp_answer=allowed || cpp_answer="denied ($cpp_answer)"
  : > "$work/coco.ns"
  : > "$work/cpp.ns"
  for _ in 1 2 3 4 5; do
    t0=$(now)
    "$build/coco" policy explain --policy "$kata/policy.rego" --request "$work/input.json" \
      --kind CreateContainerRequest -q > /dev/null
    t1=$(now)
    "$rego_cpp" eval -d "$work/policy.rego" -i "$work/input.json" \
      'x := data.agent_policy.CreateContainerRequest' > /dev/null 2>&1
    t2=$(now)
    echo $((t1 - t0)) >> "$work/coco.ns"
    echo $((t2 - t1)) >> "$work/cpp.ns"
  done
  coco_ms=$(median < "$work/coco.ns")
  cpp_ms=$(median < "$work/cpp.ns")
  awk -v n="$name" -v a="$coco_ms" -v b="$cpp_ms" -v x="$coco_answer" -v y="$cpp_answer" \
    'BEGIN { printf "%-22s first CreateContainerRequest, whole process: coco %.1f ms (%s), rego-cpp %.1f ms (%s), rego-cpp/coco %.1fx\n", n, a, x, b, y, b / a }'
  total_coco=$(awk -v x="$total_coco" -v y="$coco_ms" 'BEGIN { print x + y }')
  total_cpp=$(awk -v x="$total_cpp" -v y="$cpp_ms" 'BEGIN { print x + y }')
done
awk -v a="$total_coco" -v b="$total_cpp" 'BEGIN { printf "all policies: coco %.1f ms, rego-cpp %.1f ms, rego-cpp/coco %.1fx\n", a, b, b / a }'
