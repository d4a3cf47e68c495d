#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of a timing boot (scripts/measure.sh): RUNS samples of REPEAT runs of
# /workload, each between two MZ-T markers that the host stamps with its own
# clock, and the guest's own clock (bash's EPOCHREALTIME, microseconds) as
# MZ-GT lines: under QEMU's -icount the guest clock counts instructions, so
# it is the deterministic measure. /record says what Memorizer does
# meanwhile: "none" (a kernel without it, or compiled in and left off: live
# objects tracked, nothing recorded) or "on" (recording and access logging
# on around each sample, cleared after it, as capture-init.sh times it).
set -u	# not -e: /init must never exit (the kernel would panic)
. /common.sh
guest_setup
echo "MZ-T: init"
RUNS=$(cat /runs 2>/dev/null || echo 1)
RECORD=$(cat /record 2>/dev/null || echo none)
REPEAT=5

sample() {
	local j t0 t1
	t0=${EPOCHREALTIME/./}
	for ((j = 0; j < REPEAT; j++)); do
		(cd / && /bin/sh /workload) >/dev/null 2>&1
	done
	t1=${EPOCHREALTIME/./}
	echo "MZ-GT: $1 $((t1 - t0))"
}

if [ "$RECORD" = on ] && [ ! -d "$MZ" ]; then
	echo "MZ-TIME: FAIL recording asked of a kernel without Memorizer"
	guest_end
fi
[ -d "$MZ" ] && echo 0 >"$MZ/log_live_enabled"
for ((i = 0; i < RUNS; i++)); do
	if [ "$RECORD" = on ]; then
		echo 1 >"$MZ/log_accesses_enabled"
		echo 1 >"$MZ/memorizer_enabled"
	fi
	echo "MZ-T: start-$i"
	sample "run-$i"
	echo "MZ-T: end-$i"
	if [ "$RECORD" = on ]; then
		echo 0 >"$MZ/memorizer_enabled"
		echo 0 >"$MZ/log_accesses_enabled"
		echo 1 >"$MZ/clear_dead_objects"
		echo 1 >"$MZ/clear_printed_list"
	fi
done
# A pool that ran out stopped recording: the samples would not be "on".
[ -d "$MZ" ] && echo "MZ-TIME: pool_exhausted $(sed -n 's/^pool_exhausted: //p' "$MZ/stats")"
echo "MZ-TIME: runs $RUNS repeat $REPEAT"
guest_end
