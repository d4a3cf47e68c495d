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
#   --mode M           what is recorded: all (everything, the default), task
#                      (the workload's shell, its descendants and interrupts
#                      taken meanwhile) or pid (the workload's shell and its
#                      descendants, no interrupt context)
#   --add SRC:DEST     copy a host file into the guest at DEST (a static
#                      binary, a script, data); repeatable
#   --setup CMD        shell command run before recording starts
#   --config C         kernel: minimal (tinyconfig-based, the default) or full
#                      (defconfig-based: ext4 on a virtio-blk disk mounted at
#                      /data, networking: lo and eth0 on QEMU's user network,
#                      epoll; kernel/build-full, a long first build)
#   --mem SIZE         guest RAM, e.g. 1G, 1536M; a plain number is MiB, as
#                      QEMU's -m takes it (default: 1G minimal, 2G full)
#   --disk-size SIZE   the full config's ext4 disk, made empty for each
#                      capture (default 256M)
#   --timeout SECS     boot timeout (default 300); a hang or panic ends there
#   --memalloc-size S  Memorizer pool, e.g. 256M, 1G; a plain number is GiB,
#                      as the kernel's memalloc_size= takes it (default 256M)
#   --smp N            virtual CPUs (default 1; the workload may run on any)
#   --runs N           timing runs, recording off and on (default 0: none)
#   --stream           read kmap_stream while the workload runs: dead objects
#                      go to the host as they are freed and their records back
#                      to the pool, so the pool must hold what is live at
#                      once, not all the run ever freed; the kmap is the
#                      stream, then the kmap read at the end (live objects);
#                      in --mode all the stream's reader is recorded too
#   --split            also write the split CSV pair Memorizer prints of the
#                      same objects, DIR/NAME.allocations and
#                      DIR/NAME.accesses (read just before the kmap; not with
#                      --stream, which drains what they would list)
#   --append ARGS      extra kernel command line
#   --gdb              wait for gdb on :1234 (QEMU -s -S) and print the command
#
# Exit status: 0 with a complete kmap; 3 when Memorizer's pool ran out or
# dropped anything (the kmap is kept as DIR/NAME.partial.kmap, the counts
# are printed); 1 on any other failure. Kernel warnings in the log (a stall,
# a WARNING) never discard a complete kmap: they are kept in DIR/NAME.warnings.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	# The header comment, from its fourth line to its last.
	awk 'NR >= 4 && !/^#/ { exit } NR >= 4' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

workload= outp= tmo=300 pool=256M runs=0 append= gdb=0 mode=all setup= smp=${QEMU_SMP:-1} stream=0
config=$KERNEL_CONFIG mem= disk_size=256M split=0
adds=()
while (($#)); do
	case $1 in
	--workload) workload=${2:?}; shift 2 ;;
	--mode) mode=${2:?}; shift 2 ;;
	--add) adds+=("${2:?}"); shift 2 ;;
	--setup) setup=${2:?}; shift 2 ;;
	--out) outp=${2:?}; shift 2 ;;
	--timeout) tmo=${2:?}; shift 2 ;;
	--memalloc-size) pool=${2:?}; shift 2 ;;
	--config) config=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--disk-size) disk_size=${2:?}; shift 2 ;;
	--runs) runs=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--append) append=${2:?}; shift 2 ;;
	--gdb) gdb=1; shift ;;
	--stream) stream=1; shift ;;
	--split) split=1; shift ;;
	-h|--help) usage ;;
	*) log "unknown option: $1"; usage ;;
	esac
done
[[ -n $workload && -n $outp ]] || usage
[[ $runs =~ ^[0-9]+$ && $tmo =~ ^[0-9]+$ ]] || die "--runs and --timeout take integers"
[[ $smp =~ ^[1-8]$ ]] || die "--smp (or QEMU_SMP) takes 1 to 8 CPUs (got: $smp)"
export QEMU_SMP=$smp
kernel_config "$config" || usage
# mib_of SIZE UNIT: SIZE (K, M or G suffix, either case; a plain number is
# in UNIT, M or G) in MiB, rounded up.
mib_of() {
	[[ $1 =~ ^([0-9]+)([KkMmGg]?)$ ]] || return 1
	local n=${BASH_REMATCH[1]} u=${BASH_REMATCH[2]:-$2}
	case $u in
	[Kk]) echo $(((n + 1023) / 1024)) ;;
	[Mm]) echo "$n" ;;
	*) echo $((n * 1024)) ;;
	esac
}
mem=${mem:-$CONFIG_MEM}
mem_mib=$(mib_of "$mem" M) || die "--mem takes a size like 1G or 1536M (got: $mem)"
pool_mib=$(mib_of "$pool" G) || die "--memalloc-size takes a size like 256M or 1G (got: $pool)"
((mem_mib >= 256)) || die "--mem: the guest needs 256M or more (got: $mem)"
# The pool comes out of guest RAM at boot; the kernel and the workload need the rest.
((pool_mib * 2 <= mem_mib)) ||
	die "--memalloc-size $pool is more than half of the guest's RAM ($mem): give it more with --mem, e.g. --mem $((pool_mib * 2 + 512))M"
export QEMU_MEM=${mem_mib}M
[[ $disk_size =~ ^[0-9]+[MG]$ ]] || die "--disk-size takes a size like 256M (got: $disk_size)"
[[ $mode == all || $mode == task || $mode == pid ]] || die "--mode is all, task or pid (got: $mode)"
((!(split && stream))) || die "--split and --stream do not go together: the stream drains the dead objects the pair would list"
add_specs=()
for spec in "${adds[@]}"; do
	src=${spec%%:*} dest=${spec#*:}
	[[ $spec == *:* && -n $src && -n $dest ]] || die "--add takes SRC:DEST (got: $spec)"
	[[ -f $src && -r $src ]] || die "--add: no readable file $src"
	dest=${dest#/}
	[[ $dest != *..* && $dest != init && $dest != common.sh && $dest != workload && $dest != setup &&
	   $dest != runs && $dest != mode && $dest != stream && $dest != split ]] || die "--add: $dest is not a place the capture can use"
	add_specs+=("$(realpath "$src"):$dest")
done

bash "$KDIR/scripts/build.sh"	# the config chosen above (KERNEL_CONFIG)

mkdir -p "$(dirname "$outp")"
outp=$(cd "$(dirname "$outp")" && pwd)/$(basename "$outp")
work=$(mktemp -d "${TMPDIR:-/tmp}/mz-capture.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ((CONFIG_DEVICES)); then
	mkfs=$(PATH=$PATH:/usr/sbin:/sbin command -v mkfs.ext4) ||
		die "the full config's disk needs mkfs.ext4: apt-get install -y e2fsprogs"
	"$mkfs" -q -F -L data "$work/disk.img" "$disk_size" >/dev/null || die "mkfs.ext4 failed"
	export QEMU_DISK=$work/disk.img
fi
printf '%s\n' "$workload" >"$work/workload"
printf '%s\n' "$setup" >"$work/setup"
echo "$runs" >"$work/runs"
echo "$mode" >"$work/mode"
echo "$stream" >"$work/stream"
echo "$split" >"$work/split"
make_initramfs "$work/initramfs.cpio.gz" "$KDIR/guest/capture-init.sh" \
	"$KDIR/guest/common.sh:common.sh" "$work/workload:workload" "$work/runs:runs" \
	"$work/setup:setup" "$work/mode:mode" "$work/stream:stream" "$work/split:split" ${add_specs[@]+"${add_specs[@]}"}

cmdline="memalloc_size=$pool memorizer_enabled_boot=no mem_log_boot=no $append"
if ((gdb)); then
	log "QEMU waits for a debugger; in another shell run:"
	echo "gdb $OUT/vmlinux -ex 'target remote :1234'"
	tmo=$((tmo > 3600 ? tmo : 3600))
fi

log "booting the $KERNEL_CONFIG kernel (timeout ${tmo}s, CPUs: $smp, RAM: $mem): $workload"
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
if grep -q 'MZ-CAPTURE: FAIL' "$outp.log"; then
	show_tail
	die "guest reported a failure (see $outp.log)"
fi
if ! grep -q 'MZ-CAPTURE: sent' "$outp.log"; then
	show_tail
	guest_failed "$outp.log" && die "the kernel failed before a kmap was sent (see $outp.log)"
	die "no kmap was sent"
fi

field() { sed -n "s/^MZ-CAPTURE: $1 \(.*\)/\1/p" "$outp.log" | tr -d '\r'; }
want=$(field kmap-bytes)
abytes=0 cbytes=0
if ((split)); then
	abytes=$(field allocations-bytes) cbytes=$(field accesses-bytes)
	[[ $abytes =~ ^[0-9]+$ && $cbytes =~ ^[0-9]+$ ]] || { show_tail; die "the guest did not send the split pair"; }
fi
got=$(stat -c %s "$work/hvc0")
[[ $want =~ ^[0-9]+$ && $((want + abytes + cbytes)) == "$got" ]] ||
	{ show_tail; die "kmap truncated: guest sent $want + $abytes + $cbytes bytes, host got $got"; }
got=$want

# Memorizer's counters after the workload (the guest prints its stats file).
stat_of() { sed -n "s/^MZ-STATS: $1: \([0-9]*\).*/\1/p" "$outp.log" | tr -d '\r' | tail -n 1; }
exhausted=$(stat_of pool_exhausted) dobj=$(stat_of dropped_objects) dacc=$(stat_of dropped_accesses)
pbytes=$(stat_of pool_bytes) pused=$(stat_of pool_used_bytes)
[[ -n $exhausted && -n $dobj && -n $dacc && -n $pbytes && -n $pused ]] ||
	{ show_tail; die "the guest printed no Memorizer stats: cannot tell whether anything was lost"; }
mib() { echo "scale=1; $1 / 1048576" | bc; }
rm -f "$outp.kmap" "$outp.partial.kmap" "$outp.warnings" "$outp.allocations" "$outp.accesses"
if ((split)); then
	# The pair went first through the same channel: cut it off the front.
	# (No pipes: a head that stops early would end its writer by SIGPIPE.)
	head -c "$abytes" "$work/hvc0" >"$outp.allocations"
	tail -c +"$((abytes + 1))" "$work/hvc0" >"$work/rest"
	head -c "$cbytes" "$work/rest" >"$outp.accesses"
	tail -c +"$((cbytes + 1))" "$work/rest" >"$work/hvc0"
	rm -f "$work/rest"
fi
cp "$OUT/System.map" "$outp.System.map"
log "boot+capture took ${secs}s (QEMU wall time)"
log "workload exit status in guest: $(field workload-status)"
log "pool: $(mib "$pused") MiB used of $(mib "$pbytes") MiB (memalloc_size=$pool)"
if ((exhausted || dobj || dacc)); then
	mv "$work/hvc0" "$outp.partial.kmap"
	log "LOST: Memorizer's pool ran out (pool_exhausted=$exhausted): $dobj objects and $dacc accesses"
	log "  were not recorded, and recording stopped there; live tracking and recording share the pool."
	log "  The partial kmap is $outp.partial.kmap."
	# What it needed is at least what it used plus the records it could not
	# make (struct mz_obj is 136 bytes on x86-64, struct mz_access 56), and
	# more for all that went unseen after recording stopped: twice that.
	need=$(((pused + dobj * 136 + dacc * 56) * 2))
	need_mib=$(((need + 1048575) / 1048576))
	more_mem=
	((need_mib * 2 <= mem_mib)) || more_mem=" --mem $((need_mib * 2 + 512))M"
	log "  Run again with a bigger pool, e.g. --memalloc-size ${need_mib}M$more_mem"
	log "  (the boot alone took $(mib "$(field boot-pool-used)") MiB of it)."

	lost=1
else
	mv "$work/hvc0" "$outp.kmap"
	log "kmap: $outp.kmap ($got bytes, $(grep -vc '^  ' "$outp.kmap") objects)"
	((stream)) && log "  of which streamed from kmap_stream during the run: $(field stream-bytes) bytes"
	((split)) && log "  and the split pair: $outp.allocations, $outp.accesses"
	lost=0
fi
if guest_failed "$outp.log"; then
	grep -v '^MZ-' "$outp.log" | grep -E "$GUEST_FAILURE_RE" >"$outp.warnings" || true
	log "WARNING: the kernel logged warnings during the capture (kept in $outp.warnings); the kmap"
	log "  was sent and checked complete. First lines:"
	head -n 5 "$outp.warnings" | sed 's/^/    /' >&2
fi
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
((lost)) && exit 3
exit 0
