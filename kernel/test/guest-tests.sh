#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the test boots: TAP tests of every Memorizer control file.
# Results go to the host through /dev/hvc0 (TAP, plan at the end) and are
# echoed on the console with a "MZ-TAP: " prefix for the log.
#
# /testmode selects the suite: "controls" (default) or "exhaust" (booted with
# a tiny memalloc_size= to check that an exhausted pool stops recording
# cleanly).
set -u	# not -e: /init must never exit (the kernel would panic); failures are reported
. /common.sh
guest_setup

N=0
FAILED=0
tap() {
	printf '%s\n' "$*" >&9
	echo "MZ-TAP: $*"
}
ok() {	# ok DESC CMD...: pass if CMD succeeds
	local desc=$1
	shift
	N=$((N + 1))
	if "$@" >/tmp/last.out 2>&1; then
		tap "ok $N - $desc"
	else
		FAILED=$((FAILED + 1))
		tap "not ok $N - $desc"
		sed 's/^/# /' /tmp/last.out | head -20 | while IFS= read -r l; do tap "$l"; done
	fi
}
finish() {
	tap "1..$N"
	echo "MZ-TESTS: done $N failed $FAILED"
	guest_end
}

hvc_open || { echo "MZ-TESTS: FAIL no /dev/hvc0"; guest_end; }
MODE=$(cat /testmode 2>/dev/null || echo controls)
cd "$MZ" 2>/dev/null || { tap "not ok 1 - $MZ exists"; N=1; FAILED=1; finish; }

# ---- helpers -------------------------------------------------------------
rd() { tr -d '\n' <"$MZ/$1"; }
eq() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }
stat_of() { sed -n "s/^$1: //p" "$MZ/stats"; }
mode_is() { eq "$(stat -c %A "$MZ/$1")" "$2"; }
link_to() { [ -L "$MZ/$1" ] && eq "$(readlink "$MZ/$1")" "$2"; }

# A probe is a script; its comm is its file name, so its objects are easy to
# find in the kmap (field 9).
probe() {
	local name=$1
	printf '#!/bin/sh\ncat /proc/version >/dev/null\nls -l / >/dev/null\n' >/tmp/"$name"
	chmod +x /tmp/"$name"
	/tmp/"$name"
}
kmap_to() { cat "$MZ/kmap" >"$1"; }
objects_of() { awk -F, -v c="$1" '!/^  / && $9 == c' "$2"; }
count_of() { objects_of "$1" "$2" | wc -l; }
has_objects() { [ "$(count_of "$1" "$2")" -gt 0 ] || { echo "no objects of $1"; return 1; }; }
no_objects() { [ "$(count_of "$1" "$2")" -eq 0 ] || { objects_of "$1" "$2" | head -3; return 1; }; }
accesses_of() {	# access lines under objects of command $1
	awk -F, -v c="$1" '!/^  / { on = ($9 == c) } /^  / && on' "$2"
}
has_accesses() { [ "$(accesses_of "$1" "$2" | wc -l)" -gt 0 ] || { echo "no accesses to $1 objects"; return 1; }; }
no_accesses() { [ "$(accesses_of "$1" "$2" | wc -l)" -eq 0 ]; }
dead_lines() { awk -F, '!/^  / && $6 != "0"' "$1" | wc -l; }
well_formed() {	# variant E, exactly: 11 fields, 16-digit lower-case hex
	awk -F, '
	/^  / { if ($0 !~ /^  [0-9a-f]{16},[0-9]+,[0-9]+,-?[0-9]+$/) { print "bad access: " $0; bad++ } next }
	{
		if (NF < 11 || $1 !~ /^[0-9a-f]{16}$/ || $3 !~ /^[0-9a-f]{16}$/ ||
		    $7 !~ /^[0-9a-f]{16}$/ || $4 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/ ||
		    $6 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/) { print "bad object: " $0; bad++ }
	}
	END { exit bad > 0 }' "$1"
}
once() {	# no object twice (same address and allocation index) in one kmap
	awk -F, '!/^  / { k = $3 "," $5; if (k in seen) { print "twice: " $0; bad++ } seen[k] = 1 }
		END { if (bad) print bad " objects printed twice"; exit bad > 0 }' "$1"
}
# record NAME: the classic sequence around probe NAME, kmap to /tmp/NAME.kmap
record() {
	echo 1 >clear_dead_objs
	cat kmap >/dev/null
	echo 1 >clear_printed_list
	echo 0 >print_live_obj
	echo 1 >memorizer_log_access
	echo 1 >memorizer_enabled
	probe "$1"
	echo 0 >memorizer_enabled
	echo 0 >memorizer_log_access
	kmap_to /tmp/"$1".kmap
}

if [ "$MODE" = exhaust ]; then
	ok "debugfs directory exists" test -d "$MZ"
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

# ---- the control surface -------------------------------------------------
ok "debugfs directory exists" test -d "$MZ"
ok "memorizer_enabled is rw" mode_is memorizer_enabled -rw-------
ok "log_accesses_enabled is rw" mode_is log_accesses_enabled -rw-------
ok "log_live_enabled is rw" mode_is log_live_enabled -rw-------
ok "clear_dead_objects is write-only" mode_is clear_dead_objects --w-------
ok "clear_printed_list is write-only" mode_is clear_printed_list --w-------
ok "kmap is read-only" mode_is kmap -r--------
ok "stats is read-only" mode_is stats -r--------
ok "alias memorizer_log_access -> log_accesses_enabled" link_to memorizer_log_access log_accesses_enabled
ok "alias print_live_obj -> log_live_enabled" link_to print_live_obj log_live_enabled
ok "alias clear_dead_objs -> clear_dead_objects" link_to clear_dead_objs clear_dead_objects
ok "alias show_stats -> stats" link_to show_stats stats
ok "boot default: recording off" eq "$(rd memorizer_enabled)" 0
ok "boot default: access logging off" eq "$(rd log_accesses_enabled)" 0
ok "boot default: live objects printed" eq "$(rd log_live_enabled)" 1

for m in 1 2 3 0; do
	echo "$m" >memorizer_enabled
	ok "memorizer_enabled reads back $m" eq "$(rd memorizer_enabled)" "$m"
done
echo 4242 >memorizer_enabled
ok "memorizer_enabled reads back a pid" eq "$(rd memorizer_enabled)" 4242
echo 0 >memorizer_enabled
ok "memorizer_enabled rejects -1" bash -c "! echo -1 >$MZ/memorizer_enabled"
ok "memorizer_enabled rejects text" bash -c "! echo abc >$MZ/memorizer_enabled"
ok "memorizer_enabled still 0 after bad writes" eq "$(rd memorizer_enabled)" 0
for f in log_accesses_enabled log_live_enabled; do
	echo 1 >$f
	ok "$f reads back 1" eq "$(rd $f)" 1
	echo 0 >$f
	ok "$f reads back 0" eq "$(rd $f)" 0
done
echo 1 >memorizer_log_access
ok "write through alias memorizer_log_access" eq "$(rd log_accesses_enabled)" 1
echo 0 >memorizer_log_access
echo 0 >print_live_obj
ok "write through alias print_live_obj" eq "$(rd log_live_enabled)" 0
echo 1 >print_live_obj
ok "stats has counters and pool use" bash -c "grep -q '^allocs_seen: [0-9]' $MZ/stats &&
	grep -q '^dropped_objects: 0' $MZ/stats && grep -q '^pool_used_bytes: [1-9]' $MZ/stats"
ok "alias show_stats reads" grep -q '^accesses_seen:' show_stats
ok "kmap with live objects is well formed" bash -c "cat $MZ/kmap >/tmp/live.kmap"
ok "  ... variant E, 11 fields, 16-digit hex" well_formed /tmp/live.kmap
ok "  ... shows boot-time live objects" has_objects swapper/0 /tmp/live.kmap

# ---- recording -------------------------------------------------------------
record mzprobe_on
ok "recording: the probe's objects are in the kmap" has_objects mzprobe_on /tmp/mzprobe_on.kmap
ok "recording: with accesses" has_accesses mzprobe_on /tmp/mzprobe_on.kmap
ok "recording: kmap is well formed" well_formed /tmp/mzprobe_on.kmap
ok "recording: freed objects have free_index > alloc_index" awk -F, \
	'!/^  / && $6 != "0" && $6 + 0 <= $5 + 0 { print; bad = 1 } END { exit bad }' /tmp/mzprobe_on.kmap
ok "recording: log_live_enabled=0 hides untouched live objects" test \
	"$(grep -vc '^  ' /tmp/mzprobe_on.kmap)" -lt "$(grep -vc '^  ' /tmp/live.kmap)"

# disabling stops recording
rec0=$(stat_of allocs_recorded)
acc0=$(stat_of accesses_recorded)
echo 1 >clear_dead_objects
cat kmap >/dev/null
echo 1 >clear_printed_list
echo 0 >log_live_enabled
echo 1 >log_accesses_enabled
echo 0 >memorizer_enabled
probe mzprobe_off
echo 0 >log_accesses_enabled
kmap_to /tmp/mzprobe_off.kmap
ok "disabled: no objects of a task run while disabled" no_objects mzprobe_off /tmp/mzprobe_off.kmap
ok "disabled: allocs_recorded did not move" eq "$(stat_of allocs_recorded)" "$rec0"
ok "disabled: accesses_recorded did not move" eq "$(stat_of accesses_recorded)" "$acc0"

# log_accesses_enabled=0 records objects but no accesses
echo 1 >memorizer_enabled
probe mzprobe_noacc
echo 0 >memorizer_enabled
kmap_to /tmp/mzprobe_noacc.kmap
ok "log_accesses_enabled=0: objects recorded" has_objects mzprobe_noacc /tmp/mzprobe_noacc.kmap
ok "log_accesses_enabled=0: no accesses counted" no_accesses mzprobe_noacc /tmp/mzprobe_noacc.kmap

# printed dead objects are not printed twice; clear_printed_list drops them
# (wait for RCU-deferred frees first, so that the dead list is quiet)
sleep 1
kmap_to /tmp/again.kmap
ok "dead objects are printed once" awk -F, '
	/^  / { next }
	FNR == NR { if ($6 != "0") seen[$3 "," $5] = 1; next }
	$6 != "0" && ($3 "," $5) in seen { print; bad = 1 }
	END { exit bad }' /tmp/mzprobe_noacc.kmap /tmp/again.kmap
kmap_to /dev/null
dead0=$(stat_of dead_objects)
echo 1 >clear_printed_list
dead1=$(stat_of dead_objects)
ok "clear_printed_list drops printed dead objects ($dead0 -> $dead1)" \
	test "$dead1" -lt "$dead0"

# clear_dead_objects removes freed objects, printed or not
record mzprobe_dead
ok "clear_dead_objects: freed probe objects before" test "$(dead_lines /tmp/mzprobe_dead.kmap)" -gt 0
echo 1 >memorizer_enabled
probe mzprobe_dead2
echo 0 >memorizer_enabled
sleep 1
idx=$(stat_of index)
dead0=$(stat_of dead_objects)
echo 1 >clear_dead_objs
dead1=$(stat_of dead_objects)
kmap_to /tmp/after_clear.kmap
ok "clear_dead_objects: no object freed before the clear remains" awk -F, -v i="$idx" \
	'!/^  / && $6 != "0" && $6 + 0 <= i { print; bad = 1 } END { exit bad }' /tmp/after_clear.kmap
ok "clear_dead_objects: dead objects dropped ($dead0 -> $dead1)" test "$dead1" -lt "$dead0"

# mode 3: this task and its children only; a pid: that task and children
echo 1 >clear_printed_list
(echo 3 >"$MZ/memorizer_enabled"; probe mzprobe_child)
probe mzprobe_other
echo 0 >memorizer_enabled
kmap_to /tmp/mode3.kmap
ok "mode 3: the writer's child is recorded" has_objects mzprobe_child /tmp/mode3.kmap
ok "mode 3: another task is not" no_objects mzprobe_other /tmp/mode3.kmap
echo 1 >clear_dead_objects
echo 1 >clear_printed_list
mkfifo /tmp/go.fifo
(read -r _ </tmp/go.fifo; probe mzprobe_pid) &
bg=$!
echo "$bg" >memorizer_enabled
ok "pid mode reads back the pid" eq "$(rd memorizer_enabled)" "$bg"
probe mzprobe_notpid
echo go >/tmp/go.fifo
wait "$bg"
echo 0 >memorizer_enabled
kmap_to /tmp/modepid.kmap
ok "pid mode: that pid's child is recorded" has_objects mzprobe_pid /tmp/modepid.kmap
ok "pid mode: another task is not" no_objects mzprobe_notpid /tmp/modepid.kmap

# clear operations wait for open readers (cursors point into the lists)
exec 8<"$MZ/kmap"
ok "clear_dead_objects answers EBUSY while kmap is open" bash -c "! echo 1 >$MZ/clear_dead_objects"
ok "clear_printed_list answers EBUSY while kmap is open" bash -c "! echo 1 >$MZ/clear_printed_list"
exec 8<&-
ok "clear_dead_objects works again once kmap is closed" bash -c "echo 1 >$MZ/clear_dead_objects"

# A read closed early loses nothing: the dead objects the kernel had put in
# its buffer but user space had not read are handed back to the next read.
# Without access logging the kmap is the objects allocated while recording,
# one line each; bash's read takes one byte at a time from an unseekable
# file, so the read stops right after the probe's first dead object, with
# more of them still in the kernel's buffer.
echo 1 >clear_dead_objects
cat kmap >/dev/null
echo 1 >clear_printed_list
echo 0 >log_live_enabled
echo 0 >log_accesses_enabled
echo 1 >memorizer_enabled
probe mzprobe_early
echo 0 >memorizer_enabled
sleep 1	# RCU-deferred frees
dead0=$(stat_of dead_objects)
: >/tmp/early.part
exec 8<"$MZ/kmap"
while IFS= read -r line <&8; do
	echo "$line" >>/tmp/early.part
	case $line in
	*,mzprobe_early,*) [ "$(echo "$line" | cut -d, -f6)" = 0 ] || break ;;
	esac
done
exec 8<&-
kmap_to /tmp/early.kmap
dead1=$(stat_of dead_objects)
# Objects that die meanwhile may or may not be printed: between the counts.
ok "a read closed early: every dead object is in it or in the next read" awk -F, -v lo="$dead0" -v hi="$dead1" '
	/^  / || $6 == "0" { next }
	FNR == NR { part[$3 "," $5] = 1; np++; next }
	{ nn++; if (($3 "," $5) in part) both++ }
	END { got = np + nn - both; print np " + " nn " - " both " = " got ", dead: " lo " to " hi
	      exit !(np > 0 && nn > 0 && got >= lo && got <= hi && both <= 1) }' /tmp/early.part /tmp/early.kmap

# kmap read while the lists change under it (whole system, accesses, live)
echo 1 >log_live_enabled
echo 1 >log_accesses_enabled
echo 1 >memorizer_enabled
# A read prints what existed when it opened: open them once the first run
# of the probe is over, while the other five allocate and free.
rm -f /tmp/busy.first
(for i in 1 2 3 4 5 6; do
	probe mzprobe_busy >/dev/null 2>&1
	: >/tmp/busy.first
done) &
busy=$!
while [ ! -e /tmp/busy.first ]; do sleep 0.05; done
for i in 1 2 3; do
	cat kmap >/tmp/busy$i.kmap &
done
wait
echo 0 >memorizer_enabled
echo 0 >log_accesses_enabled
for i in 1 2 3; do
	ok "concurrent kmap read $i during recording is well formed" well_formed /tmp/busy$i.kmap
	ok "  ... and prints each object once, though objects were freed under it" once /tmp/busy$i.kmap
done
ok "  ... and holds the busy probe's objects" bash -c \
	"awk -F, '!/^  / && \$9 == \"mzprobe_busy\"' /tmp/busy*.kmap | grep -q ."
ok "readers all closed" eq "$(stat_of kmap_readers)" 0

# ---- the split CSV pair, kmap_stream and global_table ----------------------------
ok "allocations is read-only" mode_is allocations -r--------
ok "accesses is read-only" mode_is accesses -r--------
ok "kmap_stream is read-only" mode_is kmap_stream -r--------
ok "global_table is read-only" mode_is global_table -r--------

echo 1 >clear_dead_objects
cat kmap >/dev/null
echo 1 >clear_printed_list
echo 0 >log_live_enabled
echo 1 >log_accesses_enabled
echo 1 >memorizer_enabled
probe mzprobe_split
echo 0 >memorizer_enabled
echo 0 >log_accesses_enabled
sleep 1	# RCU-deferred frees
cat allocations >/tmp/split.alloc
cat accesses >/tmp/split.acc
kmap_to /tmp/split.kmap
ok "allocations: the 6.x header, without the command column its rows carry" \
	eq "$(head -n 1 /tmp/split.alloc)" "alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type"
ok "accesses: the 6.x header" eq "$(head -n 1 /tmp/split.acc)" "alloc_index,access_ip,pid,writes,reads"
# The probe's objects that were dead at the first read (allocations): they
# cannot change before the others, while one alive then (an mm an idle CPU
# holds lazily) may die in between.
awk -F, 'NR > 1 && $9 == "mzprobe_split" && $6 != "0" { print $5 }' /tmp/split.alloc >/tmp/split.keys
ok "allocations: the rows of the probe's dead objects are kmap's object lines" bash -c "
	awk -F, 'NR == FNR { k[\$1]; next } FNR > 1 && (\$5 in k)' /tmp/split.keys /tmp/split.alloc >/tmp/split.a
	awk -F, 'NR == FNR { k[\$1]; next } !/^  / && (\$5 in k)' /tmp/split.keys /tmp/split.kmap >/tmp/split.k
	[ -s /tmp/split.k ] && cmp /tmp/split.a /tmp/split.k"
# kmap's access lines of those objects as accesses rows: alloc_index first,
# pid unsigned (awk cannot print 2^64 - 1 as a number, so as text).
ok "accesses: the probe's dead objects' rows are kmap's access lines, joined by alloc_index" bash -c "
	awk -F, 'NR == FNR { k[\$1]; next } !/^  / { on = (\$5 in k); idx = \$5; next }
		on { sub(/^  /, \"\"); pid = (\$4 == \"-1\") ? \"18446744073709551615\" : \$4
		     print idx \",\" \$1 \",\" pid \",\" \$2 \",\" \$3 }' /tmp/split.keys /tmp/split.kmap |
		sort >/tmp/split.want
	awk -F, 'NR == FNR { k[\$1]; next } FNR > 1 && (\$1 in k)' /tmp/split.keys /tmp/split.acc |
		sort >/tmp/split.got
	[ -s /tmp/split.want ] && cmp /tmp/split.want /tmp/split.got"
ok "accesses: no pid printed signed" bash -c "! awk -F, 'FNR > 1 && \$3 ~ /^-/' /tmp/split.acc | grep -q ."
ok "allocations and accesses mark nothing printed (kmap, read after, has the dead objects)" \
	bash -c "awk -F, '!/^  / && \$9 == \"mzprobe_split\" && \$6 != \"0\"' /tmp/split.kmap | grep -q ."

echo 1 >clear_dead_objects
cat kmap >/dev/null
echo 1 >clear_printed_list
cat kmap_stream >/tmp/stream.kmap &
streamer=$!
for i in $(seq 100); do
	[ "$(stat_of kmap_readers)" = 1 ] && break
	sleep 0.05
done
echo 1 >log_accesses_enabled
echo 1 >memorizer_enabled
probe mzprobe_stream
echo 0 >memorizer_enabled
echo 0 >log_accesses_enabled
for i in $(seq 100); do
	kill -0 "$streamer" 2>/dev/null || break
	sleep 0.1
done
ok "kmap_stream ends by itself once recording was switched off" bash -c "! kill -0 $streamer 2>/dev/null"
kill "$streamer" 2>/dev/null
wait "$streamer" 2>/dev/null
# Drained, not just marked printed: every dead object still on the list is
# unprinted, so the kmap read next has them all (and any that die meanwhile).
dead_left=$(stat_of dead_objects)
kmap_to /tmp/after_stream.kmap
ok "kmap_stream gave the records back: no printed dead object left ($dead_left)" \
	test "$dead_left" -le "$(dead_lines /tmp/after_stream.kmap)"
ok "kmap_stream: the probe's freed objects, with accesses" bash -c "
	awk -F, '!/^  / && \$9 == \"mzprobe_stream\"' /tmp/stream.kmap | grep -q . &&
	awk -F, '!/^  / { on = (\$9 == \"mzprobe_stream\") } /^  / && on' /tmp/stream.kmap | grep -q ."
ok "kmap_stream: variant E, 11 fields, 16-digit hex" well_formed /tmp/stream.kmap
ok "kmap_stream: dead objects only" bash -c "! awk -F, '!/^  / && \$6 == \"0\"' /tmp/stream.kmap | grep -q ."
ok "kmap_stream: each object once" once /tmp/stream.kmap
ok "kmap_stream drained them: not in the kmap read after" awk -F, '
	/^  / { next }
	FNR == NR { seen[$3 "," $5] = 1; next }
	($3 "," $5) in seen { print "again: " $0; bad = 1 }
	END { exit bad }' /tmp/stream.kmap /tmp/after_stream.kmap

cat global_table >/tmp/globals.csv
ok "global_table: header va,size,name,source" eq "$(head -n 1 /tmp/globals.csv)" "va,size,name,source"
ok "global_table: hundreds of well-formed rows" awk -F, '
	NR == 1 { next }
	NF != 4 || $1 !~ /^[0-9a-f]{16}$/ || $2 !~ /^[0-9]+$/ || $3 == "" { print "bad: " $0; bad = 1 }
	END { if (NR < 101) { print NR - 1 " rows"; bad = 1 } exit bad }' /tmp/globals.csv
ok "global_table: names the live kmap's GLOBAL objects (>= 95%)" awk -F, '
	FNR == NR { if (FNR > 1) size[$1] = $2; next }
	!/^  / && $8 == "GLOBAL" { n++; if (($3 in size) && size[$3] == $4) hit++ }
	END { print hit " of " n; exit !(n > 0 && hit >= 0.95 * n) }' /tmp/globals.csv /tmp/live.kmap

ok "no drops with the default pool" eq "$(stat_of dropped_objects)" 0
ok "no KASAN report or warning so far" bash -c "! dmesg | grep -qE 'BUG: KASAN|WARNING:'"
finish
