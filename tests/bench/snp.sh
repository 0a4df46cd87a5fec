#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Times `coco measure snp` against the unavoidable work standard tools do on the same bytes, in
# one run, and prints the ratios and coco's peak RSS (GNU time):
#   (a) Debian's OVMF.fd, 4 vCPUs, EPYC-v4, vs `openssl dgst -sha384` of the firmware;
#   (b) the AmdSev fixture with a 32 MiB kernel, a 128 MiB initrd (generated here) and a command
#       line, vs `sha256sum` of kernel and initrd plus `openssl dgst -sha384` of the firmware.
# Targets: (b) ratio <= 1.3; peak RSS < 32 MiB in both.
# Usage: tests/bench/snp.sh [path/to/coco]   (default: build/coco). Needs the packages time, ovmf.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
coco=${1:-$here/build/coco}
shared=${COCO_SHARED_DIR:-$here/../shared}
ovmf=/usr/share/ovmf/OVMF.fd
amdsev=$shared/fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin
runs=${RUNS:-5}
for f in "$coco" "$ovmf" "$amdsev" /usr/bin/time; do [[ -e $f ]] || { echo "snp.sh: missing $f" >&2; exit 1; }; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Random bytes so that no layer can shortcut the hashing; written once, then in the page cache.
head -c $((32 << 20)) /dev/urandom > "$work/kernel"
head -c $((128 << 20)) /dev/urandom > "$work/initrd"
cmdline="console=ttyS0 root=/dev/vda1 ro quiet"

# best-of-N "wall cpu" seconds of a command (cpu = user + sys, steadier on a loaded machine)
best() {
  local wall=999 cpu=999 line
  for _ in $(seq "$runs"); do
    line=$( { /usr/bin/time -f '%e %U %S' "$@" > /dev/null; } 2>&1 | tail -1 )
    wall=$(echo "$line $wall" | awk '{print ($1 < $4) ? $1 : $4}')
    cpu=$(echo "$line $cpu" | awk '{c = $2 + $3; print (c < $4) ? c : $4}')
  done
  echo "$wall $cpu"
}
peak_rss_mib() {
  { /usr/bin/time -f %M "$@" > /dev/null; } 2>&1 | tail -1 | awk '{printf "%.1f", $1 / 1024}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.01; printf "%.2f", a / b }'; }

a_coco=(env "$coco" measure snp --mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$ovmf")
a_peer=(openssl dgst -sha384 "$ovmf")
b_coco=(env "$coco" measure snp --mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$amdsev" --kernel "$work/kernel"
        --initrd "$work/initrd" --append "$cmdline")
b_peer=(sh -c 'sha256sum "$1" "$2" && openssl dgst -sha384 "$3"' sh "$work/kernel" "$work/initrd" "$amdsev")

"${a_coco[@]}" > /dev/null && "${b_coco[@]}" > /dev/null  # warm the page cache, and fail early
read -r ta_w ta_c < <(best "${a_coco[@]}"); read -r pa_w pa_c < <(best "${a_peer[@]}")
read -r tb_w tb_c < <(best "${b_coco[@]}"); read -r pb_w pb_c < <(best "${b_peer[@]}")
echo "snp bench (best of $runs runs; seconds; load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores)"
printf '(a) OVMF.fd (2 MiB), 4 vCPUs, EPYC-v4\n'
printf '    coco wall %5.2f cpu %5.2f | openssl dgst -sha384 wall %5.2f cpu %5.2f | ratio wall %s cpu %s | coco peak RSS %s MiB\n' \
  "$ta_w" "$ta_c" "$pa_w" "$pa_c" "$(ratio "$ta_w" "$pa_w")" "$(ratio "$ta_c" "$pa_c")" "$(peak_rss_mib "${a_coco[@]}")"
printf '(b) AmdSev fixture + 32 MiB kernel + 128 MiB initrd + cmdline, 4 vCPUs\n'
printf '    coco wall %5.2f cpu %5.2f | sha256sum + openssl dgst wall %5.2f cpu %5.2f | ratio wall %s cpu %s | coco peak RSS %s MiB\n' \
  "$tb_w" "$tb_c" "$pb_w" "$pb_c" "$(ratio "$tb_w" "$pb_w")" "$(ratio "$tb_c" "$pb_c")" "$(peak_rss_mib "${b_coco[@]}")"
echo "targets: (b) ratio <= 1.3, peak RSS < 32 MiB (reference tool: ~0.45 s CPU for (a); 1.6 s and 147 MB for (b))"
