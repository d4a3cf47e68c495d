#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the test boots: TAP tests of every Memorizer control file.
# Results go to the host through /dev/hvc0 (TAP, plan at the end) and are
# echoed on the console with a "MZ-TAP: " prefix for the log.
#
# The control files' suite; guest-limits.sh has the suites that need a boot
# of their own (a small pool, time indices).
set -u	# not -e: /init must never exit (the kernel would panic); failures are reported
. /common.sh
guest_setup

. /guest-lib.sh
tap_start

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
fresh 0 1
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

# mode 2 adds interrupt context to the writer's task tree; mode 3 does not.
# Interrupts (timer ticks, the consoles') taken while the probe runs touch
# objects: access lines with pid -1. (Not objects by command: one an
# interrupt allocated before recording and the probe touched is printed
# with hardirq or softirq in mode 3 too.)
irq_lines() { awk -F, '/^  / && $4 == "-1"' "$1" | wc -l; }
for m in 2 3; do
	fresh 0 1
	(echo "$m" >"$MZ/memorizer_enabled"
	 for i in 1 2 3; do probe mzprobe_irq$m; echo "tick $i" >/dev/ttyS0; done)
	echo 0 >memorizer_enabled
	echo 0 >log_accesses_enabled
	kmap_to /tmp/irq$m.kmap
done
ok "mode 2: the writer's task tree is recorded" has_objects mzprobe_irq2 /tmp/irq2.kmap
ok "mode 2: interrupt context is recorded too ($(irq_lines /tmp/irq2.kmap) lines)" test "$(irq_lines /tmp/irq2.kmap)" -gt 0
ok "mode 3: the writer's task tree is recorded" has_objects mzprobe_irq3 /tmp/irq3.kmap
ok "mode 3: interrupt context is not" eq "$(irq_lines /tmp/irq3.kmap)" 0
echo 1 >log_live_enabled

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
fresh 0 0
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

fresh 0 1
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
