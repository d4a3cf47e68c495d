# SPDX-License-Identifier: GPL-2.0-only
#
# common.sh - sourced by the guest's /init (bash-static + busybox applets).

export PATH=/bin
MZ=/sys/kernel/debug/memorizer

guest_setup() {
	/bin/busybox --install -s /bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tmpfs tmpfs /tmp
}

# The bulk channel: /dev/hvc0 is a tty; open it once on fd 9 for the whole
# boot (hvc resets termios on last close) and make it 8-bit clean, so that
# "\n" does not become "\r\n". Write bulk data with >&9.
hvc_open() {
	exec 9>/dev/hvc0 || return 1
	stty -F /dev/hvc0 raw -echo -onlcr
}

guest_end() {
	sync
	echo "MZ-GUEST: end"
	reboot -f
}
