#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test.sh - the whole kernel test (npm run kernel:test):
#   1. build (build.sh; seconds when nothing changed)
#   2. smoke boot: busybox /init, power off; timed
#   3-8 at 1 CPU, then again at 2 CPUs:
#   3. guest TAP tests of every control file (test/guest-tests.sh)
#   4. guest TAP tests that need a boot of their own (test/guest-limits.sh):
#      a pool exhausted at boot (memalloc_size=4M), one that runs out while
#      recording and is refilled by the clears (16M), time indices
#   5. capture of `ls -l /` (capture.sh; at 2 CPUs with --stream) and host
#      checks with the dashboard's parser (test/check-capture.mjs), the
#      instrumentation-noise check included
#   6. a capture whose pool runs out: exit status 3, the kmap kept as .partial
#   7. a researcher's own program (test/probe.c, static; --add, --setup,
#      --mode pid) and host checks (test/check-own-workload.mjs)
#   8. the content probe (mm/memorizer/probe.c): known objects from known
#      functions, checked exactly on the host (test/check-probe.mjs), in the
#      kmap and in the split CSV pair (capture.sh --split)
# Prints build and boot times; exits non-zero on any failure.
set -euo pipefail

# The minimal kernel, whatever KERNEL_CONFIG says (test-full.sh tests the full one).
export KERNEL_CONFIG=minimal
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TESTOUT=$BUILD/test
BOOT_TIMEOUT=${BOOT_TIMEOUT:-480}
mkdir -p "$TESTOUT"
failures=()
now() { date +%s.%N; }
secs() { printf '%.1f' "$(echo "$2 - $1" | bc)"; }

# ---- 1. build -----------------------------------------------------------
t0=$(now)
bash "$KDIR/scripts/build.sh"
t1=$(now)
build_s=$(secs "$t0" "$t1")
log "build: ${build_s}s"

work=$(mktemp -d "${TMPDIR:-/tmp}/mz-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# boot NAME INIT APPEND [SRC:DEST...]: boot once, log in $TESTOUT/NAME.log,
# hvc data in $TESTOUT/NAME.hvc; sets boot_s; returns non-zero on failure.
boot() {
	local name=$1 init=$2 append=$3 rc
	shift 3
	make_initramfs "$work/$name.cpio.gz" "$init" "$KDIR/guest/common.sh:common.sh" \
		"$KDIR/test/guest-lib.sh:guest-lib.sh" "$@"
	local b0 b1
	b0=$(now)
	set +e
	run_qemu "$OUT/bzImage" "$work/$name.cpio.gz" "$append" "$TESTOUT/$name.hvc" \
		"$TESTOUT/$name.log" "$BOOT_TIMEOUT"
	rc=$?
	set -e
	b1=$(now)
	boot_s=$(secs "$b0" "$b1")
	if ((rc)) || guest_failed "$TESTOUT/$name.log" ||
	   ! grep -q 'MZ-GUEST: end' "$TESTOUT/$name.log"; then
		log "$name: boot failed (status $rc); last lines of $TESTOUT/$name.log:"
		tail -n 30 "$TESTOUT/$name.log" >&2
		return 1
	fi
}

# tap_check NAME: the TAP stream in $TESTOUT/NAME.hvc passed completely?
tap_check() {
	local f=$TESTOUT/$1.hvc plan nok nnot
	sed 's/^/    /' "$f"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$f")
	nok=$(grep -c '^ok ' "$f" || true)
	nnot=$(grep -c '^not ok ' "$f" || true)
	if [[ -z $plan ]] || ((nok + nnot != plan || nnot > 0)); then
		log "$1: TAP failed: plan ${plan:-missing}, ok $nok, not ok $nnot"
		return 1
	fi
	log "$1: all $plan TAP tests passed"
}

# ---- 2. smoke boot ---------------------------------------------------------
if QEMU_SMP=1 boot smoke "$KDIR/guest/boot-init.sh" ""; then
	smoke_s=$boot_s
	log "smoke boot to /init and power-off: ${smoke_s}s"
else
	smoke_s=NA
	failures+=("smoke boot")
fi

# cpus_up NAME: the guest of boot NAME (at $ncpu CPUs) brought up every CPU it was given?
cpus_up() {
	((ncpu == 1)) || grep -q "smp: Brought up 1 node, $ncpu CPUs" "$TESTOUT/$1.log" || {
		log "$1: the guest did not bring up $ncpu CPUs"
		return 1
	}
}

# tests_at NCPU: steps 3-8 with NCPU virtual CPUs. Their logs and captures
# end in -smpN when NCPU > 1. QEMU's multi-threaded TCG gives each vCPU a
# host thread, so two CPUs really record at once.
tests_at() {
	local ncpu=$1
	export QEMU_SMP=$ncpu
	local sfx= at=" at 1 CPU" rc
	((ncpu == 1)) || sfx=-smp$ncpu at=" at $ncpu CPUs"
	log "---- tests$at ----"

	# ---- 3. control-file tests ---------------------------------------------------
	echo controls >"$work/mode.controls"
	if boot "controls$sfx" "$KDIR/test/guest-tests.sh" "" "$work/mode.controls:testmode"; then
		if ((ncpu == 1)); then controls_s=$boot_s; fi
		tap_check "controls$sfx" && cpus_up "controls$sfx" || failures+=("guest control tests$at")
	else
		failures+=("guest control tests$at (boot)")
	fi

	# ---- 4. suites with boot parameters of their own ---------------------------------
	local suite params
	for suite in exhaust:memalloc_size=4M refill:memalloc_size=16M timeidx:memorizer_index_type=time; do
		params=${suite#*:} suite=${suite%%:*}
		echo "$suite" >"$work/mode.$suite"
		if boot "$suite$sfx" "$KDIR/test/guest-limits.sh" "$params" "$work/mode.$suite:testmode"; then
			tap_check "$suite$sfx" && cpus_up "$suite$sfx" || failures+=("guest $suite tests$at")
		else
			failures+=("guest $suite tests$at (boot)")
		fi
	done

	# ---- 5. capture + host checks -----------------------------------------------
	# At 2 CPUs through kmap_stream: the dead objects reach the host while
	# the workload runs on the other CPU; the host checks are the same.
	local stream=()
	((ncpu == 1)) || stream=(--stream)
	c0=$(now)
	if bash "$KDIR/scripts/capture.sh" --workload 'ls -l /' --out "$TESTOUT/ls$sfx" --runs 1 --smp "$ncpu" \
		${stream[@]+"${stream[@]}"}; then
		if ((ncpu == 1)); then capture_s=$(secs "$c0" "$(now)"); fi
		cpus_up "ls$sfx" &&
		node "$KDIR/test/check-capture.mjs" "$TESTOUT/ls$sfx.kmap" "$TESTOUT/ls$sfx.System.map" ||
			failures+=("host checks of the ls -l / capture$at")
	else
		failures+=("capture of ls -l /$at")
	fi

	# ---- 6. a pool that runs out --------------------------------------------------
	# 12M: the boot takes about 8 MB of it (the guest reports how much, and it
	# must leave room, or the workload would not be what ran the pool out);
	# ten recorded ls -l runs take about 2.7 MB each.
	set +e
	bash "$KDIR/scripts/capture.sh" --out "$TESTOUT/small$sfx" --memalloc-size 12M --smp "$ncpu" \
		--workload 'i=0; while [ $i -lt 10 ]; do ls -l / /bin >/dev/null; i=$((i + 1)); done' \
		2>"$TESTOUT/small$sfx.stderr"
	rc=$?
	set -e
	sed 's/^/    /' "$TESTOUT/small$sfx.stderr"
	local boot_used
	boot_used=$(sed -n 's/^MZ-CAPTURE: boot-pool-used \([0-9]*\).*/\1/p' "$TESTOUT/small$sfx.log")
	if ((rc == 3)) && cpus_up "small$sfx" && [[ -s $TESTOUT/small$sfx.partial.kmap && ! -e $TESTOUT/small$sfx.kmap ]] &&
	   ((${boot_used:-12582912} + (1 << 20) < 12582912)) &&
	   grep -q 'LOST: ' "$TESTOUT/small$sfx.stderr" && grep -q -- '--memalloc-size [0-9]*M' "$TESTOUT/small$sfx.stderr"; then
		log "small pool$at: the boot used $boot_used bytes of 12M, the workload ran it out: exit 3, partial kmap kept, the loss and a bigger pool reported"
	else
		failures+=("capture with a pool that runs out$at (exit $rc, the boot used ${boot_used:-?} bytes of 12M)")
	fi

	# ---- 7. the researcher's own program ------------------------------------------
	# test/probe.c built static with the host's gcc: writes a file, forks a child
	# that reads it back, tries a socket.
	if { [[ -x $work/probe ]] || gcc -static -O2 -o "$work/probe" "$KDIR/test/probe.c"; } &&
	   bash "$KDIR/scripts/capture.sh" --out "$TESTOUT/own$sfx" --mode pid --smp "$ncpu" \
		--add "$work/probe:/bin/probe" --setup 'mkdir -p /data' \
		--workload '/bin/probe /data/out'; then
		cpus_up "own$sfx" || failures+=("own program$at")
	grep -q 'MZ-WORKLOAD: probe: child read the file back: yes' "$TESTOUT/own$sfx.log" ||
			failures+=("the own program did not run as expected$at (see $TESTOUT/own$sfx.log)")
		node "$KDIR/test/check-own-workload.mjs" "$TESTOUT/own$sfx.kmap" probe ||
			failures+=("host checks of the own-program capture$at")
	else
		failures+=("capture of an own program (--add, --setup, --mode pid)$at")
	fi

	# ---- 8. the content probe ---------------------------------------------------
	# With the split CSV pair of the same objects: the same checks run on it.
	if bash "$KDIR/scripts/capture.sh" --out "$TESTOUT/content$sfx" --mode pid --smp "$ncpu" --split \
		--workload 'echo 1 >/sys/kernel/debug/memorizer/probe'; then
		cpus_up "content$sfx" &&
		node "$KDIR/test/check-probe.mjs" "$TESTOUT/content$sfx.kmap" "$TESTOUT/content$sfx.System.map" \
			"$TESTOUT/content$sfx.allocations" "$TESTOUT/content$sfx.accesses" ||
			failures+=("host checks of the content probe$at")
	else
		failures+=("capture of the content probe$at")
	fi
}

tests_at 1
tests_at 2
unset QEMU_SMP

echo
echo "kernel:test summary"
echo "  build:                     ${build_s}s"
echo "  smoke boot (to /init, off): ${smoke_s}s"
echo "  control tests boot:        ${controls_s:-NA}s (1 CPU)"
echo "  capture of ls -l /:        ${capture_s:-NA}s (1 CPU)"
if ((${#failures[@]})); then
	printf '  FAILED: %s\n' "${failures[@]}"
	exit 1
fi
echo "  all kernel tests passed"
