#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test-full.sh - the full config's test (npm run kernel:test:full; not part
# of npm test: the first build takes about 8 minutes here, against 2.5 for the
# minimal kernel):
#   1. build the full kernel (build.sh --config full; kernel/build-full)
#   then at 1 CPU and again at 2:
#   2. capture of `ls -l / /data` and the host checks of the minimal
#      kernel's capture (test/check-capture.mjs: sites resolve, no
#      instrumentation noise, types, the vmemmap catch-all, ...)
#   3. a researcher's own program (test/probe.c, static) on ext4 and the
#      network: it writes and syncs a file on /data, forks a child that reads
#      it back, talks TCP to itself on the loopback with epoll and sends UDP
#      out through eth0; every step must work, and the host finds ext4's and
#      TCP's objects among the program's (test/check-own-workload.mjs)
#   4. the content probe, checked exactly (test/check-probe.mjs), in the
#      kmap and in the split CSV pair
# Exits non-zero on any failure.
set -euo pipefail

export KERNEL_CONFIG=full
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TESTOUT=$BUILD/test
mkdir -p "$TESTOUT"
failures=()
now() { date +%s; }

t0=$(now)
bash "$KDIR/scripts/build.sh"
log "build: $(($(now) - t0)) s"
work=$(mktemp -d "${TMPDIR:-/tmp}/mz-test-full.XXXXXX")
trap 'rm -rf "$work"' EXIT
gcc -static -O2 -o "$work/probe" "$KDIR/test/probe.c"

capture() {	# capture NAME ARGS...: capture.sh with the full config into $TESTOUT/NAME
	local name=$1 c0
	shift
	c0=$(now)
	bash "$KDIR/scripts/capture.sh" --config full --out "$TESTOUT/$name" "$@" || return 1
	log "$name: $(($(now) - c0)) s"
}

for ncpu in 1 2; do
	sfx= at=" at 1 CPU"
	((ncpu == 1)) || sfx=-smp$ncpu at=" at $ncpu CPUs"
	log "---- full config$at ----"
	if capture "ls$sfx" --smp "$ncpu" --workload 'ls -l / /data'; then
		node "$KDIR/test/check-capture.mjs" "$TESTOUT/ls$sfx.kmap" "$TESTOUT/ls$sfx.System.map" ||
			failures+=("host checks of ls -l$at")
	else
		failures+=("capture of ls -l$at")
	fi
	if capture "own$sfx" --smp "$ncpu" --mode pid --add "$work/probe:/bin/probe" \
		--workload '/bin/probe /data/out && cat /data/out'; then
		for step in 'tcp over loopback with epoll: ok' 'udp to 10.0.2.2 through eth0: ok' \
			'child read the file back: yes'; do
			grep -q "MZ-WORKLOAD: probe: $step" "$TESTOUT/own$sfx.log" ||
				failures+=("own program$at: no 'probe: $step' (see $TESTOUT/own$sfx.log)")
		done
		grep -q 'MZ-WORKLOAD: written by probe' "$TESTOUT/own$sfx.log" ||
			failures+=("own program$at: the file on /data did not read back")
		node "$KDIR/test/check-own-workload.mjs" "$TESTOUT/own$sfx.kmap" probe \
			--slab ext4_inode_cache --slab TCP --slab UDP --slab eventpoll_epi ||
			failures+=("host checks of the own program$at")
	else
		failures+=("capture of the own program$at")
	fi
	if capture "content$sfx" --smp "$ncpu" --mode pid --split \
		--workload 'echo 1 >/sys/kernel/debug/memorizer/probe'; then
		node "$KDIR/test/check-probe.mjs" "$TESTOUT/content$sfx.kmap" "$TESTOUT/content$sfx.System.map" \
			"$TESTOUT/content$sfx.allocations" "$TESTOUT/content$sfx.accesses" ||
			failures+=("host checks of the content probe$at")
	else
		failures+=("capture of the content probe$at")
	fi
done

echo
echo "kernel:test:full summary"
if ((${#failures[@]})); then
	printf '  FAILED: %s\n' "${failures[@]}"
	exit 1
fi
echo "  all full-config tests passed"
