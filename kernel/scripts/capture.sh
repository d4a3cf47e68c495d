#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# capture.sh - capture a kmap of a workload in QEMU.
#
#   npm run capture -- --workload 'ls -l /' --out DIR/NAME [options]
#
# Builds the kernel if needed (build.sh), makes a busybox initramfs whose
# /init runs the classic capture sequence around the workload, boots it under
# TCG, and writes DIR/NAME.kmap (received through a virtio console, never
# scraped from the serial log), DIR/NAME.System.map and DIR/NAME.log.
#
# Options:
#   --workload CMD     shell command run in the guest (required)
#   --out DIR/NAME     output prefix (required)
#   --timeout SECS     boot timeout (default 300); a hang or panic ends there
#   --memalloc-size S  Memorizer pool (default 256M)
#   --runs N           timing runs, recording off and on (default 3)
#   --append ARGS      extra kernel command line
#   --gdb              wait for gdb on :1234 (QEMU -s -S) and print the command
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	sed -n '4,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

workload= outp= tmo=300 pool=256M runs=3 append= gdb=0
while (($#)); do
	case $1 in
	--workload) workload=${2:?}; shift 2 ;;
	--out) outp=${2:?}; shift 2 ;;
	--timeout) tmo=${2:?}; shift 2 ;;
	--memalloc-size) pool=${2:?}; shift 2 ;;
	--runs) runs=${2:?}; shift 2 ;;
	--append) append=${2:?}; shift 2 ;;
	--gdb) gdb=1; shift ;;
	-h|--help) usage ;;
	*) log "unknown option: $1"; usage ;;
	esac
done
[[ -n $workload && -n $outp ]] || usage
[[ $runs =~ ^[0-9]+$ && $tmo =~ ^[0-9]+$ ]] || die "--runs and --timeout take integers"

bash "$KDIR/scripts/build.sh"

mkdir -p "$(dirname "$outp")"
outp=$(cd "$(dirname "$outp")" && pwd)/$(basename "$outp")
work=$(mktemp -d "${TMPDIR:-/tmp}/mz-capture.XXXXXX")
trap 'rm -rf "$work"' EXIT

printf '%s\n' "$workload" >"$work/workload"
echo "$runs" >"$work/runs"
make_initramfs "$work/initramfs.cpio.gz" "$KDIR/guest/capture-init.sh" \
	"$KDIR/guest/common.sh:common.sh" "$work/workload:workload" "$work/runs:runs"

cmdline="memalloc_size=$pool memorizer_enabled_boot=no mem_log_boot=no $append"
if ((gdb)); then
	log "QEMU waits for a debugger; in another shell run:"
	echo "gdb $OUT/vmlinux -ex 'target remote :1234'"
	tmo=$((tmo > 3600 ? tmo : 3600))
fi

log "booting (timeout ${tmo}s): $workload"
t0=$(date +%s.%N)
set +e
run_qemu "$OUT/bzImage" "$work/initramfs.cpio.gz" "$cmdline" "$work/hvc0" \
	"$outp.log" "$tmo" "$gdb"
rc=$?
set -e
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)

show_tail() {
	echo "---- last 40 lines of $outp.log ----" >&2
	tail -n 40 "$outp.log" >&2
}

if ((rc == 124 || rc == 137)); then
	show_tail
	die "guest did not finish within ${tmo}s (hang?)"
elif ((rc)); then
	show_tail
	die "QEMU exited with status $rc"
fi
if guest_failed "$outp.log" || grep -q 'MZ-CAPTURE: FAIL' "$outp.log"; then
	show_tail
	die "guest reported a failure (see $outp.log)"
fi
grep -q 'MZ-CAPTURE: sent' "$outp.log" || { show_tail; die "no kmap was sent"; }

want=$(sed -n 's/^MZ-CAPTURE: kmap-bytes \([0-9]*\).*/\1/p' "$outp.log" | tr -d '\r')
got=$(stat -c %s "$work/hvc0")
[[ $want == "$got" ]] || { show_tail; die "kmap truncated: guest sent $want bytes, host got $got"; }

mv "$work/hvc0" "$outp.kmap"
cp "$OUT/System.map" "$outp.System.map"

field() { sed -n "s/^MZ-CAPTURE: $1 \(.*\)/\1/p" "$outp.log" | tr -d '\r'; }
log "boot+capture took ${secs}s (QEMU wall time)"
log "workload exit status in guest: $(field workload-status)"
log "kmap: $outp.kmap ($got bytes, $(grep -vc '^  ' "$outp.kmap") objects)"
log "System.map: $outp.System.map; log: $outp.log"
off=() on=()
nruns=$(sed -n 's/^MZ-CAPTURE: runs \([0-9]*\) repeat \([0-9]*\).*/\1 \2/p' "$outp.log")
read -r nruns rep <<<"${nruns:-0 1}"
for ((i = 0; i < nruns; i++)); do
	a=$(span_us "$outp.log.times" "off-start-$i" "off-end-$i")
	b=$(span_us "$outp.log.times" "on-start-$i" "on-end-$i")
	if ! [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]]; then
		log "timing markers missing from the console: no timings"
		off=() on=()
		break
	fi
	off+=($((a / rep)))
	on+=($((b / rep)))
done
if ((${#off[@]})); then
	moff=$(median "${off[@]}") mon=$(median "${on[@]}")
	log "workload time per run (host clock, us), recording off: ${off[*]} median $moff"
	log "workload time per run (host clock, us), recording on:  ${on[*]} median $mon"
	log "slowdown (median on / median off): $(echo "scale=1; $mon / $moff" | bc)x"
fi
rm -f "$outp.log.times"
