# SPDX-License-Identifier: GPL-2.0-only
#
# configs.sh - the kernel configurations, in one place (sourced by build.sh
# and lib.sh, not run).
#
# kernel_config NAME sets, for NAME = minimal or full:
#   BASE_CONFIG       the make target the fragments are merged onto
#   CONFIG_FRAGMENTS  fragments merged after memorizer.fragment
#   BUILD, OUT        build directory (KERNEL_BUILD_DIR overrides) and outputs
#   CONFIG_MEM        guest RAM a boot gets unless told otherwise
#   CONFIG_DEVICES    1 when boots get a virtio-blk disk and a virtio-net NIC
# and exports KERNEL_CONFIG=NAME, so that a build.sh run from a script that
# chose the config builds that config.

kernel_config() {
	case $1 in
	minimal)
		BASE_CONFIG=tinyconfig CONFIG_FRAGMENTS=() CONFIG_MEM=1G CONFIG_DEVICES=0
		BUILD=$(realpath -m "${KERNEL_BUILD_DIR:-$KDIR/build}") ;;
	full)
		BASE_CONFIG=defconfig CONFIG_FRAGMENTS=("$KDIR/config/full.fragment")
		CONFIG_MEM=2G CONFIG_DEVICES=1
		BUILD=$(realpath -m "${KERNEL_BUILD_DIR:-$KDIR/build-full}") ;;
	*)
		printf '%s: the kernel config is minimal or full (got: %s)\n' "${0##*/}" "$1" >&2
		return 1 ;;
	esac
	OUT=$BUILD/out
	export KERNEL_CONFIG=$1
}
