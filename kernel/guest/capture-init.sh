#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of a capture boot: runs the classic capture sequence around the
# workload in /workload, sends the kmap to the host through /dev/hvc0, then
# times the workload with recording off and on (medians of $RUNS runs).
# Console markers (MZ-CAPTURE: ...) are parsed by scripts/capture.sh.
set -u	# not -e: /init must never exit (the kernel would panic); failures are reported
. /common.sh
guest_setup
RUNS=$(cat /runs 2>/dev/null || echo 3)
REPEAT=5	# workload runs per timing sample (clock has 4 ms steps)

fail() {
	echo "MZ-CAPTURE: FAIL $*"
	guest_end
}

workload() {
	(cd / && /bin/sh /workload) >/tmp/workload.out 2>&1
}

[ -d "$MZ" ] || fail "no $MZ (kernel without CONFIG_MEMORIZER?)"
[ -c /dev/hvc0 ] || fail "no /dev/hvc0 (virtio console missing)"
hvc_open || fail "cannot set up /dev/hvc0"
echo "MZ-CAPTURE: start: $(cat /workload)"

# The classic capture sequence (../../docs/kmap-format.md), old names on purpose.
cd "$MZ" || fail "cd $MZ"
echo 1 >clear_dead_objs
cp kmap /dev/null
echo 1 >clear_printed_list
echo 0 >print_live_obj
echo 1 >memorizer_log_access
echo "MZ-T: capture-start"
echo 1 >memorizer_enabled
workload
rc=$?
echo 0 >memorizer_enabled
echo "MZ-T: capture-end"
echo 0 >memorizer_log_access
cat kmap >/tmp/captured.kmap || fail "reading kmap"
cd /
echo "MZ-CAPTURE: workload-status $rc"
sed 's/^/MZ-WORKLOAD: /' /tmp/workload.out | head -50
sed 's/^/MZ-STATS: /' "$MZ/stats"

bytes=$(wc -c </tmp/captured.kmap)
echo "MZ-CAPTURE: kmap-bytes $bytes"
cat /tmp/captured.kmap >&9 || fail "writing /dev/hvc0"
rm -f /tmp/captured.kmap
echo "MZ-CAPTURE: sent"

# Slowdown: the same workload, warm, recording off vs on (accesses logged).
# Each sample is REPEAT runs between two MZ-T markers that the host stamps
# with its own clock (scripts/lib.sh); the guest clock is not trusted.
repeat() {
	local j
	for ((j = 0; j < REPEAT; j++)); do workload; done
}
echo 0 >"$MZ/log_live_enabled"
for ((i = 0; i < RUNS; i++)); do
	echo "MZ-T: off-start-$i"
	repeat
	echo "MZ-T: off-end-$i"
	echo 1 >"$MZ/clear_dead_objects"
	echo 1 >"$MZ/log_accesses_enabled"
	echo "MZ-T: on-start-$i"
	echo 1 >"$MZ/memorizer_enabled"
	repeat
	echo 0 >"$MZ/memorizer_enabled"
	echo "MZ-T: on-end-$i"
	echo 0 >"$MZ/log_accesses_enabled"
	echo 1 >"$MZ/clear_dead_objects"
	echo 1 >"$MZ/clear_printed_list"
done
echo "MZ-CAPTURE: runs $RUNS repeat $REPEAT"
echo "MZ-CAPTURE: done"
guest_end
