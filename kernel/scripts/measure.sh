#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# measure.sh [N] - the README's figures: N smoke boots (median wall time from
# QEMU start to exit) and a capture of `ls -l /` with N timing samples of the
# workload with recording off and on (medians). N defaults to 3.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n=${1:-3}
bash "$KDIR/scripts/build.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/mz-measure.XXXXXX")
trap 'rm -rf "$work"' EXIT

make_initramfs "$work/smoke.cpio.gz" "$KDIR/guest/boot-init.sh" \
	"$KDIR/guest/common.sh:common.sh"
boots=()
for ((i = 0; i < n; i++)); do
	t0=$(date +%s%N)
	run_qemu "$OUT/bzImage" "$work/smoke.cpio.gz" "" "$work/hvc" "$work/smoke.log" 120 ||
		die "smoke boot failed: $(tail -5 "$work/smoke.log")"
	t1=$(date +%s%N)
	grep -q 'MZ-BOOT: ok' "$work/smoke.log" || die "smoke boot did not reach /init"
	boots+=($(((t1 - t0) / 1000000)))
done
echo "smoke boot to /init and power-off (ms): ${boots[*]}; median $(median "${boots[@]}")"

bash "$KDIR/scripts/capture.sh" --workload 'ls -l /' --out "$work/ls" --runs "$n" 2>&1 |
	grep -E 'took|kmap:|workload time|slowdown'
