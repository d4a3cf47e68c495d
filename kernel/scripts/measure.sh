#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# measure.sh [--icount] [N] - the overhead figures of kernel/README.md.
#
# Four configurations of this tree, measured in N rounds (default 5); each
# round boots every configuration once, in turn, so that the shared
# machine's load drifts hit them alike:
#   plain      no KASAN, no Memorizer (config/baseline-plain.fragment,
#              built in kernel/build-plain)
#   kasan      KASAN, no Memorizer (config/baseline-kasan.fragment,
#              kernel/build-kasan)
#   tracking   Memorizer compiled in and left off: live objects tracked,
#              nothing recorded (the normal kernel, kernel/build)
#   recording  the same kernel with recording and access logging on around
#              the workload
# Each boot (guest/time-init.sh) gives, by the host's clock, QEMU start to
# /init (the boot) and one sample of 5 runs of `ls -l /` (per run). With
# --icount the boots run under `-icount shift=0,sleep=off`, where the guest's
# clock counts instructions, and the guest's own span of the sample is
# reported too: a deterministic measure, where host time depends on load.
# Prints, per configuration, the median with min-max over the rounds, and
# the ratios of medians against plain and against kasan. One CPU unless
# QEMU_SMP says otherwise (--icount: always one). A boot whose kernel logs a
# failure, or whose pool runs out, stops the run (its log is kept).
set -euo pipefail

# The figures are of the minimal kernel, whatever KERNEL_CONFIG says.
export KERNEL_CONFIG=minimal
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

icount=0
if [[ ${1:-} == --icount ]]; then
	icount=1
	shift
fi
n=${1:-5}
[[ $n =~ ^[1-9][0-9]*$ ]] || die "usage: measure.sh [--icount] [ROUNDS]"
if ((icount)); then
	export QEMU_ICOUNT=shift=0,sleep=off QEMU_SMP=1
fi

configs=(plain kasan tracking recording)
declare -A build_dir=([plain]=$KDIR/build-plain [kasan]=$KDIR/build-kasan
	[tracking]=$BUILD [recording]=$BUILD)
declare -A fragment=([plain]=$KDIR/config/baseline-plain.fragment
	[kasan]=$KDIR/config/baseline-kasan.fragment)

for c in plain kasan tracking; do
	KERNEL_BUILD_DIR=${build_dir[$c]} KERNEL_EXTRA_FRAGMENT=${fragment[$c]:-} \
		bash "$KDIR/scripts/build.sh"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mz-measure.XXXXXX")
trap 'rm -rf "$work"' EXIT
# bad CONFIG WHY: stop, keeping the boot's log where it can be read.
bad() {
	mkdir -p "$BUILD/measure"
	cp "$work/$1.log" "$BUILD/measure/$1.log"
	die "$1: $2 (log: $BUILD/measure/$1.log)"
}
echo 'ls -l /' >"$work/workload"
echo 1 >"$work/runs"
for rec in none on; do
	echo "$rec" >"$work/record.$rec"
	make_initramfs "$work/time-$rec.cpio.gz" "$KDIR/guest/time-init.sh" \
		"$KDIR/guest/common.sh:common.sh" "$work/workload:workload" \
		"$work/runs:runs" "$work/record.$rec:record"
done

declare -A boot_us run_us guest_us	# microseconds, one word per round
for ((round = 1; round <= n; round++)); do
	for c in "${configs[@]}"; do
		rec=none
		[[ $c == recording ]] && rec=on
		t0=${EPOCHREALTIME/./}
		run_qemu "${build_dir[$c]}/out/bzImage" "$work/time-$rec.cpio.gz" "" \
			"$work/hvc" "$work/$c.log" 300 || bad "$c" "boot failed"
		grep -q 'MZ-TIME: runs' "$work/$c.log" || bad "$c" "the timing boot did not finish"
		guest_failed "$work/$c.log" && bad "$c" "the kernel logged a failure or warning"
		grep -q 'MZ-TIME: pool_exhausted 1' "$work/$c.log" &&
			bad "$c" "Memorizer's pool ran out: recording stopped during the sample"
		REPEAT=$(sed -n 's/^MZ-TIME: runs [0-9]* repeat \([0-9]*\).*/\1/p' "$work/$c.log" | tr -d '\r')
		init=$(awk '$2 == "MZ-T:" && $3 == "init" { print $1 }' "$work/$c.log.times")
		span=$(span_us "$work/$c.log.times" start-0 end-0)
		guest=$(sed -n 's/^MZ-GT: run-0 \([0-9]*\).*/\1/p' "$work/$c.log" | tr -d '\r')
		[[ $init =~ ^[0-9]+$ && $span =~ ^[0-9]+$ && $guest =~ ^[0-9]+$ && $REPEAT =~ ^[1-9][0-9]*$ ]] ||
			bad "$c" "timing markers missing"
		boot_us[$c]+="$((init - t0)) "
		run_us[$c]+="$((span / REPEAT)) "
		guest_us[$c]+="$((guest / REPEAT)) "
		log "round $round/$n: $c: boot $(((init - t0) / 1000)) ms, ls -l / $((span / REPEAT)) us per run (guest clock $((guest / REPEAT)) us)"
	done
done

# summary US...: "median (min-max)" in ms, one decimal
summary() {
	printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 / 1000 }
		END { printf "%.1f (%.1f-%.1f)", a[int((NR + 1) / 2)], a[1], a[NR] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", b ? a / b : 0 }'; }

echo
echo "measure.sh: $n rounds, QEMU TCG${QEMU_ICOUNT:+ -icount $QEMU_ICOUNT}, ${QEMU_SMP:-1} CPU(s); ms, median (min-max)"
printf '%-10s %-22s %-22s %-9s %-9s %s\n' config boot 'ls -l / per run' 'vs plain' 'vs kasan' \
	"$( ((icount)) && echo 'guest clock per run (vs plain, vs kasan)')"
for c in "${configs[@]}"; do
	# shellcheck disable=SC2086 # word lists
	{
		b=$(summary ${boot_us[$c]}) r=$(summary ${run_us[$c]}) g=$(summary ${guest_us[$c]})
		mr=$(median ${run_us[$c]}) mp=$(median ${run_us[plain]}) mk=$(median ${run_us[kasan]})
		gr=$(median ${guest_us[$c]}) gp=$(median ${guest_us[plain]}) gk=$(median ${guest_us[kasan]})
	}
	printf '%-10s %-22s %-22s %-9s %-9s %s\n' "$c" "$b" "$r" "$(ratio "$mr" "$mp")" \
		"$(ratio "$mr" "$mk")" "$( ((icount)) && echo "$g ($(ratio "$gr" "$gp"), $(ratio "$gr" "$gk"))")"
done
