# SPDX-License-Identifier: GPL-2.0-only
#
# guest-lib.sh - what the guest test suites share (sourced by their /init:
# guest-tests.sh, guest-limits.sh): TAP output over /dev/hvc0, reading the
# control files, and probes whose objects are easy to find in a kmap.

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

tap_start() {
	hvc_open || { echo "MZ-TESTS: FAIL no /dev/hvc0"; guest_end; }
	cd "$MZ" 2>/dev/null || { tap "not ok 1 - $MZ exists"; N=1; FAILED=1; finish; }
}

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
# fresh LIVE ACCESSES: no dead or printed object left, log_live_enabled and
# log_accesses_enabled set: the start of a recorded step.
fresh() {
	echo 1 >clear_dead_objects
	cat kmap >/dev/null
	echo 1 >clear_printed_list
	echo "$1" >log_live_enabled
	echo "$2" >log_accesses_enabled
}
# record NAME: the classic sequence around probe NAME, kmap to /tmp/NAME.kmap
# (the old file names on purpose)
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
