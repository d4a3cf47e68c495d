#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of a capture boot: runs /setup, then the classic capture sequence
# around the workload in /workload (recording what /mode says: all, task or
# pid), sends the kmap to the host through /dev/hvc0 as it is read (nothing
# is staged in the guest's memory), then, when /runs is above 0, times the
# workload with recording off and on. With /stream set to 1, kmap_stream is
# read while the workload runs: dead objects go to the host as they are
# freed and their records back to the pool; the kmap read at the end adds
# the objects still live and any dead ones left.
# Console markers (MZ-CAPTURE: ...) are parsed by scripts/capture.sh.
set -u	# not -e: /init must never exit (the kernel would panic); failures are reported
set -o pipefail
. /common.sh
guest_setup
RUNS=$(cat /runs 2>/dev/null || echo 0)
MODE=$(cat /mode 2>/dev/null || echo all)
STREAM=$(cat /stream 2>/dev/null || echo 0)
SPLIT=$(cat /split 2>/dev/null || echo 0)
REPEAT=5	# workload runs per timing sample (clock has 4 ms steps)

fail() {
	echo "MZ-CAPTURE: FAIL $*"
	guest_end
}

workload() {
	(cd / && /bin/sh /workload) >/tmp/workload.out 2>&1
}

# The recorded run. all: Memorizer mode 1, everything. task: the workload's
# shell writes mode 2 itself (the writer, its descendants and interrupt
# context) and then becomes the workload (exec keeps its pid). pid: it
# writes its own pid (that pid and its descendants, no interrupt context).
recorded_workload() {
	case $MODE in
	task) (cd / && exec /bin/sh -c 'echo 2 >'"$MZ"'/memorizer_enabled && exec /bin/sh /workload') ;;
	pid) (cd / && exec /bin/sh -c 'echo $$ >'"$MZ"'/memorizer_enabled && exec /bin/sh /workload') ;;
	*) echo 1 >"$MZ/memorizer_enabled" && workload_raw ;;
	esac >/tmp/workload.out 2>&1
}
workload_raw() {
	(cd / && /bin/sh /workload)
}

[ -d "$MZ" ] || fail "no $MZ (kernel without CONFIG_MEMORIZER?)"
[ -c /dev/hvc0 ] || fail "no /dev/hvc0 (virtio console missing)"
hvc_open || fail "cannot set up /dev/hvc0"
echo "MZ-CAPTURE: start: $(cat /workload)"
echo "MZ-CAPTURE: boot-pool-used $(sed -n 's/^pool_used_bytes: //p' "$MZ/stats")"
if [ -s /setup ] && [ -n "$(cat /setup)" ]; then
	echo "MZ-CAPTURE: setup: $(cat /setup)"
	(cd / && /bin/sh /setup) >/tmp/setup.out 2>&1
	src=$?
	sed 's/^/MZ-SETUP: /' /tmp/setup.out | head -50
	[ "$src" = 0 ] || fail "setup exited with status $src"
fi

# The classic capture sequence (../../docs/kmap-format.md), old names on purpose.
cd "$MZ" || fail "cd $MZ"
echo 1 >clear_dead_objs
cp kmap /dev/null
echo 1 >clear_printed_list
echo 0 >print_live_obj
echo 1 >memorizer_log_access
# send FILE: FILE's bytes to the host as they are read; prints their count.
send() {
	cat "$1" | tee /proc/self/fd/9 | wc -c
}
stream_bytes=0
if [ "$STREAM" = 1 ]; then
	send "$MZ/kmap_stream" >/tmp/stream.bytes &
	streamer=$!
	# It must be open before recording starts: it ends after recording stops.
	for i in $(seq 100); do
		grep -q '^kmap_readers: 1$' stats && break
		sleep 0.05
	done
	grep -q '^kmap_readers: 1$' stats || fail "kmap_stream did not open"
fi
echo "MZ-T: capture-start"
recorded_workload
rc=$?
echo 0 >memorizer_enabled
echo "MZ-T: capture-end"
echo 0 >memorizer_log_access
if [ "$STREAM" = 1 ]; then
	# It ends once a walk after recording stopped finds nothing. While it
	# drains (dead_objects changes) it may take as long as it needs; a
	# minute without a change is a stream that will not end: say so rather
	# than hang until the host's timeout.
	idle=0 last=
	while kill -0 "$streamer" 2>/dev/null && [ "$idle" -lt 600 ]; do
		now=$(sed -n 's/^dead_objects: //p' stats)
		if [ "$now" = "$last" ]; then idle=$((idle + 1)); else idle=0 last=$now; fi
		sleep 0.1
	done
	if kill -0 "$streamer" 2>/dev/null; then
		fail "kmap_stream did not end: no progress for 60 s after recording stopped"
	fi
	wait "$streamer" || fail "reading kmap_stream"
	stream_bytes=$(cat /tmp/stream.bytes)
	echo "MZ-CAPTURE: stream-bytes $stream_bytes"
fi
if [ "$SPLIT" = 1 ]; then
	# The split pair of the same objects (it marks nothing printed), sent
	# ahead of the kmap through the same channel; the host cuts it off.
	n=$(send "$MZ/allocations") || fail "reading allocations or writing /dev/hvc0"
	echo "MZ-CAPTURE: allocations-bytes $n"
	n=$(send "$MZ/accesses") || fail "reading accesses or writing /dev/hvc0"
	echo "MZ-CAPTURE: accesses-bytes $n"
fi
kmap_bytes=$(send "$MZ/kmap") || fail "reading kmap or writing /dev/hvc0"
cd /
echo "MZ-CAPTURE: kmap-bytes $((stream_bytes + kmap_bytes))"
echo "MZ-CAPTURE: sent"
echo "MZ-CAPTURE: workload-status $rc"
sed 's/^/MZ-WORKLOAD: /' /tmp/workload.out | head -50
sed 's/^/MZ-STATS: /' "$MZ/stats"

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
