#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the test boots that need a boot of their own. /testmode says
# which (scripts/test.sh passes the boot parameters):
#   exhaust  memalloc_size=4M: the pool runs out during the boot; recording
#            stops cleanly, the kmap still reads, re-enabling stops again
#   refill   memalloc_size=16M: the boot fits; the pool runs out while
#            recording, and recording resumes after the clears gave records
#            back
#   timeidx  memorizer_index_type=time: indices are jiffies, not a serial
# TAP over /dev/hvc0 as in guest-tests.sh.
set -u	# not -e: /init must never exit (the kernel would panic); failures are reported
. /common.sh
guest_setup
. /guest-lib.sh
tap_start
MODE=$(cat /testmode 2>/dev/null || echo exhaust)
ok "debugfs directory exists" test -d "$MZ"

if [ "$MODE" = exhaust ]; then
	ok "pool exhaustion is reported in stats" eq "$(stat_of pool_exhausted)" 1
	ok "dropped events are counted" test "$(stat_of dropped_objects)" -gt 0
	ok "recording was switched off" eq "$(rd memorizer_enabled)" 0
	ok "exactly one exhaustion warning on the console" \
		eq "$(dmesg | grep -c 'pool of .* exhausted')" 1
	ok "kmap still reads" kmap_to /tmp/exhaust.kmap
	ok "kmap of an exhausted pool is well formed" well_formed /tmp/exhaust.kmap
	echo 1 >memorizer_enabled
	probe mzprobe_exh
	echo 0 >memorizer_enabled
	ok "re-enabling on a full pool stops recording again, no panic" \
		eq "$(stat_of pool_exhausted) $(rd memorizer_enabled)" "1 0"
	finish
fi

if [ "$MODE" = refill ]; then
	ok "the boot fits in the pool" eq "$(stat_of pool_exhausted) $(stat_of dropped_objects)" "0 0"
	fresh 0 1
	echo 1 >memorizer_enabled
	# Every dead object and access record stays until cleared: recorded
	# runs fill the pool (about 2.7 MB a run in mode 1: 3 runs here).
	runs=0
	while [ "$(stat_of pool_exhausted)" = 0 ] && [ "$runs" -lt 200 ]; do
		probe mzprobe_fill >/dev/null 2>&1
		runs=$((runs + 1))
	done
	ok "the pool ran out while recording (after $runs runs)" eq "$(stat_of pool_exhausted)" 1
	ok "  ... and says what it lost" test "$(($(stat_of dropped_objects) + $(stat_of dropped_accesses)))" -gt 0
	ok "  ... recording and access logging switched themselves off" \
		eq "$(rd memorizer_enabled) $(rd log_accesses_enabled)" "0 0"
	ok "  ... one warning on the console" eq "$(dmesg | grep -c 'pool of .* exhausted')" 1
	ok "  ... the kmap reads, well formed, with the runs' objects" bash -c "
		cat $MZ/kmap >/tmp/full.kmap && awk -F, '!/^  / && \$9 == \"mzprobe_fill\"' /tmp/full.kmap | grep -q ."
	ok "  ... well formed" well_formed /tmp/full.kmap
	free0=$(stat_of pool_free_objects)
	echo 1 >clear_dead_objects
	echo 1 >clear_printed_list
	free1=$(stat_of pool_free_objects)
	ok "the clears gave the dead objects' records back ($free0 -> $free1 free)" test "$free1" -gt "$free0"
	d0=$(stat_of dropped_objects) a0=$(stat_of dropped_accesses)
	echo 1 >log_accesses_enabled
	echo 1 >memorizer_enabled
	ok "re-enabling after the clears resumes recording" \
		eq "$(rd memorizer_enabled) $(stat_of pool_exhausted)" "1 0"
	probe mzprobe_again
	echo 0 >memorizer_enabled
	echo 0 >log_accesses_enabled
	kmap_to /tmp/again.kmap
	ok "  ... a run after it is recorded, with accesses" bash -c "
		awk -F, '!/^  / && \$9 == \"mzprobe_again\"' /tmp/again.kmap | grep -q . &&
		awk -F, '!/^  / { on = (\$9 == \"mzprobe_again\") } /^  / && on' /tmp/again.kmap | grep -q ."
	ok "  ... and nothing more was dropped" eq "$(stat_of dropped_objects) $(stat_of dropped_accesses)" "$d0 $a0"
	ok "  ... still one warning" eq "$(dmesg | grep -c 'pool of .* exhausted')" 1
	finish
fi

# timeidx: an object's indices are jiffies at its allocation and free.
ok "allocations names its index columns by time" \
	eq "$(head -n 1 allocations)" "alloc_ip,pid,ptr,size,alloc_time,free_time,free_ip,type,slab,new_type"
record mzprobe_t1
sleep 2
record mzprobe_t2
range() {	# range CMD KMAP: min and max alloc index of CMD's objects, and their count
	awk -F, -v c="$1" '!/^  / && $9 == c { n++; v = $5 + 0; if (n == 1 || v < lo) lo = v; if (v > hi) hi = v }
		END { print lo + 0, hi + 0, n + 0 }' "$2"
}
read -r lo1 hi1 n1 <<<"$(range mzprobe_t1 /tmp/mzprobe_t1.kmap)"
read -r lo2 hi2 n2 <<<"$(range mzprobe_t2 /tmp/mzprobe_t2.kmap)"
ok "both runs recorded ($n1 and $n2 objects)" test "$n1" -gt 0 -a "$n2" -gt 0
ok "a run's objects share ticks: fewer distinct indices than objects" bash -c "
	awk -F, '!/^  / && \$9 == \"mzprobe_t1\" { n++; if (!(\$5 in s)) d++; s[\$5] } END { exit !(d < n) }' /tmp/mzprobe_t1.kmap"
# HZ is 100 to 1000: 2 s of sleep are 200 to 2000 ticks, and one run takes
# far less than the sleep.
ok "2 s apart in time: 200 or more ticks between the runs ($hi1 .. $lo2)" test $((lo2 - hi1)) -ge 200
ok "  ... and not more than a minute's worth at 1000 Hz" test $((lo2 - hi1)) -le 60000
# jiffies start 300 s before wrapping 32 bits (INITIAL_JIFFIES), at any HZ
# up to 1000 no lower than 2^32 - 300000; a serial never gets there here.
ok "indices are jiffies, counted from INITIAL_JIFFIES ($lo1)" test "$lo1" -ge $(((1 << 32) - 300000))
ok "a freed object's free time is not before its allocation" awk -F, \
	'!/^  / && $6 != "0" && $6 + 0 < $5 + 0 { print; bad = 1 } END { exit bad }' /tmp/mzprobe_t1.kmap
finish
