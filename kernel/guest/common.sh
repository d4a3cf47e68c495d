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
	# The full config's devices (scripts/lib.sh): the ext4 disk capture.sh
	# made is /data; loopback, and eth0 on QEMU's user network (static: its
	# DHCP server would hand out the same address).
	if [ -b /dev/vda ]; then
		mkdir -p /data
		mount -t ext4 /dev/vda /data || echo "MZ-GUEST: cannot mount /dev/vda on /data"
	fi
	[ -e /sys/class/net/lo ] && ip link set lo up
	if [ -e /sys/class/net/eth0 ]; then
		ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up &&
			ip route add default via 10.0.2.2 || echo "MZ-GUEST: cannot configure eth0"
	fi
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
	grep -q ' /data ' /proc/mounts && umount /data
	echo "MZ-GUEST: end"
	reboot -f
}
