#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the smoke boot: mount, say hello, power off. test.sh times it.
set -u	# not -e: /init must never exit (the kernel would panic); failures are reported
. /common.sh
guest_setup
echo "MZ-BOOT: ok $(cut -d' ' -f1 /proc/uptime)"
guest_end
