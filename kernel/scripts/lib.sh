# SPDX-License-Identifier: GPL-2.0-only
#
# lib.sh - shared helpers of capture.sh and test.sh (sourced, not run).
#
# make_initramfs OUT INIT [SRC:DEST ...]  - busybox + bash initramfs, gzip'd cpio
# run_qemu ...                            - boot once under TCG with fixed flags
#
# QEMU flags are fixed here so that every boot (capture, tests) is the same
# machine: TCG, QEMU_SMP CPUs (default one), the config's RAM (QEMU_MEM
# overrides), no graphics, no reboot, serial console on stdout (captured to a
# log), and a virtio console (/dev/hvc0 in the guest) backed by a host file as
# the bulk-data channel. The full config's boots also get a virtio-blk disk
# (QEMU_DISK, a raw image; /dev/vda) and a virtio-net NIC on QEMU's user
# network (eth0: 10.0.2.15, the host side 10.0.2.2).

KDIR=${KDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$KDIR/scripts/configs.sh"
kernel_config "${KERNEL_CONFIG:-minimal}" || exit 2

# Kernel command line shared by every boot; callers append their own. Under
# TCG a KASAN kernel runs tens of times slower than on hardware, and a vCPU
# thread may wait for the host's cores: an RCU grace period that takes 21 s
# (the default stall timeout) is slowness there, not a stall, so the timeout
# is 120 s (a real hang still ends at the boot timeout). The kernel has ACPI
# only to find the CPUs (the MADT); acpi=noirq leaves PCI interrupt routing
# to the PIRQ table, because evaluating the interrupt links' AML took 22 s of
# a 29 s boot here (KASAN + Memorizer under TCG) and 4 s boots without it.
# no_timer_check: the boot's check that the IO-APIC timer ticks waits a fixed
# few jiffies; a vCPU starved by a busy host sees no tick in time and the
# kernel panics ("IO-APIC + timer doesn't work!": one boot of a CI run with
# the other suites beside it). QEMU's timer works; the check only measures
# the host's load.
QEMU_CMDLINE_BASE="console=ttyS0 panic=-1 oops=panic nokaslr no_hash_pointers slab_nomerge rcupdate.rcu_cpu_stall_timeout=120 acpi=noirq no_timer_check"

die() { printf '%s: ERROR: %s\n' "${0##*/}" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# make_initramfs OUT INIT [SRC:DEST ...]
make_initramfs() {
	local out=$1 init=$2 root spec
	shift 2
	[[ -x /bin/busybox && -x /bin/bash-static ]] ||
		die "the guest needs busybox-static and bash-static: apt-get install -y busybox-static bash-static"
	command -v cpio >/dev/null || die "apt-get install -y cpio"
	root=$(mktemp -d "${TMPDIR:-/tmp}/mz-initramfs.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,root}
	cp /bin/busybox "$root/bin/busybox"
	cp /bin/bash-static "$root/bin/bash"
	ln -s busybox "$root/bin/sh"
	install -m 0755 "$init" "$root/init"
	for spec in "$@"; do
		mkdir -p "$root/$(dirname "${spec#*:}")"
		cp "${spec%%:*}" "$root/${spec#*:}"
	done
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out"
	rm -rf "$root"
}

# Copy the serial console to LOG (without \r) and, for lines starting with
# "MZ-T: ", also to LOG.times with the host's clock in front: the guest's
# clock is jiffies-based under TCG and not trustworthy for timing.
stamp_lines() {
	local logf=$1 line
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >&3
		[[ $line == MZ-T:* ]] && printf '%s %s\n' "${EPOCHREALTIME/./}" "$line" >&4
	done 3>"$logf" 4>"$logf.times"
}

# run_qemu KERNEL INITRD APPEND HVC_FILE LOG_FILE TIMEOUT_S [GDB(0|1)]
# Returns QEMU's status; 124 on timeout (from timeout(1)).
run_qemu() {
	local kernel=$1 initrd=$2 append=$3 hvc=$4 logf=$5 tmo=$6 gdb=${7:-0}
	local extra=()
	[[ $gdb == 1 ]] && extra=(-s -S)
	# QEMU_ICOUNT (e.g. shift=0,sleep=off): the guest's clock counts
	# instructions instead of following the host's (single-threaded TCG).
	[[ -n ${QEMU_ICOUNT:-} ]] && extra+=(-icount "$QEMU_ICOUNT")
	if ((CONFIG_DEVICES)); then
		[[ -n ${QEMU_DISK:-} ]] && extra+=(-drive "file=$QEMU_DISK,if=virtio,format=raw")
		extra+=(-netdev user,id=net0 -device virtio-net-pci,netdev=net0)
	fi
	: >"$hvc"
	timeout --foreground -k 5 "$tmo" qemu-system-x86_64 \
		-accel tcg -smp "${QEMU_SMP:-1}" -m "${QEMU_MEM:-$CONFIG_MEM}" \
		-nographic -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$QEMU_CMDLINE_BASE $append" \
		-device virtio-serial-pci \
		-chardev file,id=out,path="$hvc" \
		-device virtconsole,chardev=out \
		"${extra[@]}" </dev/null 2>&1 | stamp_lines "$logf"
	return "${PIPESTATUS[0]}"
}

# span_us TIMES_FILE START_TAG END_TAG: microseconds between two markers.
span_us() {
	awk -v a="MZ-T: $2" -v b="MZ-T: $3" '
		{ tag = substr($0, index($0, " ") + 1) }
		tag == a { t0 = $1 } tag == b { t1 = $1 }
		END { if (t0 && t1) print t1 - t0; else print "NA" }' "$1"
}

# median of integer arguments
median() {
	printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# What in a guest log means the kernel went wrong: an oops, a panic, a KASAN
# error, an RCU stall or a hung task.
GUEST_FAILURE_RE='Kernel panic|BUG: |Oops|WARNING: CPU|general protection fault|self-detected stall|detected stalls|blocked for more than'

# guest_failed LOG: did the kernel log one of GUEST_FAILURE_RE?
guest_failed() {
	grep -v '^MZ-' "$1" | grep -qE "$GUEST_FAILURE_RE"
}
