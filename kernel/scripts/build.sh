#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh - build the Memorizer kernel (Linux 6.1 + kernel/patches + kernel/overlay).
#
# Steps: check apt prerequisites, unpack /usr/src/linux-source-6.1.tar.xz into
# the build directory (once), apply the patch series and copy the overlay,
# merge the config fragments onto the base config, run olddefconfig, verify
# that every requested option survived, build bzImage with -j2 and keep
# System.map. A second run with nothing changed returns in about a second
# (stamp files).
#
#   build.sh [--config minimal|full]
#
# minimal (the default): tinyconfig + config/memorizer.fragment in
# kernel/build. full: defconfig + memorizer.fragment + config/full.fragment in
# kernel/build-full (block devices, ext4, networking; builds far longer).
#
# Outputs: BUILD/out/{bzImage,System.map,vmlinux,config}
# Environment: JOBS (default 2), KERNEL_CONFIG (minimal|full, as --config),
# KERNEL_BUILD_DIR (instead of the config's directory), KERNEL_FRAGMENT
# (instead of kernel/config/memorizer.fragment), KERNEL_EXTRA_FRAGMENT (merged
# last: a fragment of your own).
set -euo pipefail

KDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$KDIR/scripts/configs.sh"
while (($#)); do
	case $1 in
	--config) KERNEL_CONFIG=${2:?--config takes minimal or full}; shift 2 ;;
	*) printf 'build.sh: unknown option: %s (usage: build.sh [--config minimal|full])\n' "$1" >&2; exit 2 ;;
	esac
done
kernel_config "${KERNEL_CONFIG:-minimal}" || exit 2
SRC=$BUILD/linux-6.1
STAMPS=$BUILD/stamps
TARBALL=/usr/src/linux-source-6.1.tar.xz
FRAGMENTS=("${KERNEL_FRAGMENT:-$KDIR/config/memorizer.fragment}" ${CONFIG_FRAGMENTS[@]+"${CONFIG_FRAGMENTS[@]}"})
[[ -n ${KERNEL_EXTRA_FRAGMENT:-} ]] && FRAGMENTS+=("$(realpath "$KERNEL_EXTRA_FRAGMENT")")
JOBS=${JOBS:-2}
MAKEFLAGS_K=(ARCH=x86_64 -C "$SRC")

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { printf 'build.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# ---- prerequisites -------------------------------------------------------
check_prereqs() {
	local pkgs=(linux-source-6.1 flex bison bc libelf-dev libssl-dev gcc make
		    qemu-system-x86 busybox-static bash-static cpio)
	local missing=() p
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if ((${#missing[@]})); then
		die "missing packages: ${missing[*]}
  install them with:  apt-get install -y ${missing[*]}"
	fi
	[[ -r $TARBALL ]] || die "$TARBALL not found (apt-get install -y linux-source-6.1)"
}

# ---- inputs and their checksums -----------------------------------------
series_files() {
	# Patches in order, then overlay files; paths relative to $KDIR.
	(cd "$KDIR" && { ls patches/*.patch 2>/dev/null | LC_ALL=C sort;
		find overlay -type f 2>/dev/null | LC_ALL=C sort; })
}

sum_of() {
	(cd "$KDIR" && cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1)
}

# Checksum of everything the kernel is built from (series, overlay, fragments).
input_sum() {
	local inputs
	mapfile -t inputs < <(series_files)
	{ echo "$BASE_CONFIG"; sum_of "${inputs[@]}"; cat "${FRAGMENTS[@]}" | sha256sum; } | sha256sum | cut -d' ' -f1
}

# ---- source tree ----------------------------------------------------------
unpack() {
	local want
	want=$(stat -c '%s %Y' "$TARBALL")
	if [[ -f $STAMPS/unpacked && $(cat "$STAMPS/unpacked") == "$want" ]]; then
		return
	fi
	log "unpacking $TARBALL into $SRC"
	rm -rf "$SRC" "$STAMPS"
	mkdir -p "$BUILD/tmp" "$STAMPS"
	tar -C "$BUILD/tmp" -xf "$TARBALL"
	mv "$BUILD/tmp/linux-source-6.1" "$SRC"
	rmdir "$BUILD/tmp"
	echo "$want" >"$STAMPS/unpacked"
}

apply_series() {
	local want have p f
	mapfile -t patches < <(cd "$KDIR" && ls patches/*.patch 2>/dev/null | LC_ALL=C sort)
	want=$(sum_of "${patches[@]}")
	have=$(cat "$STAMPS/patches" 2>/dev/null || true)
	if [[ $want != "$have" ]]; then
		# The tree is about to change: no stamp may vouch for it until the
		# new series is applied (a failure below must not leave the old
		# stamps saying that the old series and its build are in place).
		rm -f "$STAMPS/patches" "$STAMPS/built"
		rm -rf "$STAMPS/saved"
		if [[ -f $STAMPS/applied.patch ]]; then
			log "series changed: reverting the previously applied series"
			# Keep the patched files (with their mtimes) to restore the
			# mtime of those that come out identical: make then rebuilds
			# only what really changed.
			while IFS= read -r f; do
				mkdir -p "$STAMPS/saved/$(dirname "$f")"
				cp -p "$SRC/$f" "$STAMPS/saved/$f"
			done < <(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$STAMPS/applied.patch" | sort -u)
			patch -d "$SRC" -p1 -R -s --no-backup-if-mismatch \
				<"$STAMPS/applied.patch" || die "could not revert old series"
			rm -f "$STAMPS/applied.patch"
		fi
		# Each patch is tried first (--dry-run), so that one that does not
		# apply leaves no half-applied hunks; the ones before it are then
		# reverted, and the next run starts from a clean tree again.
		applied=()
		for p in "${patches[@]}"; do
			log "applying $p"
			if ! patch -d "$SRC" -p1 -s -N --dry-run <"$KDIR/$p" >/dev/null; then
				for ((i = ${#applied[@]} - 1; i >= 0; i--)); do
					patch -d "$SRC" -p1 -R -s --no-backup-if-mismatch \
						<"$KDIR/${applied[i]}" || true
				done
				die "patch $p does not apply (the patches before it were reverted)"
			fi
			patch -d "$SRC" -p1 -s -N --no-backup-if-mismatch <"$KDIR/$p"
			applied+=("$p")
		done
		# Reverse order is needed to revert; store the series reversed patch-wise.
		: >"$STAMPS/applied.patch"
		for ((i = ${#patches[@]} - 1; i >= 0; i--)); do
			cat "$KDIR/${patches[i]}" >>"$STAMPS/applied.patch"
		done
		if [[ -d $STAMPS/saved ]]; then
			while IFS= read -r f; do
				cmp -s "$STAMPS/saved/$f" "$SRC/$f" &&
					touch -r "$STAMPS/saved/$f" "$SRC/$f"
			done < <(cd "$STAMPS/saved" && find . -type f | sed 's|^\./||')
			rm -rf "$STAMPS/saved"
		fi
		echo "$want" >"$STAMPS/patches"
	fi
	# Overlay: copy only files whose content differs, so make sees no change otherwise.
	if [[ -d $KDIR/overlay ]]; then
		while IFS= read -r f; do
			mkdir -p "$SRC/$(dirname "$f")"
			cmp -s "$KDIR/overlay/$f" "$SRC/$f" || cp "$KDIR/overlay/$f" "$SRC/$f"
		done < <(cd "$KDIR/overlay" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
	fi
}

# ---- configuration ----------------------------------------------------------
verify_config() {
	local bad=() line opt val
	# Later fragments win, as in merge_config.sh: check the merged request.
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			opt=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
			grep -qxF "$opt=$val" "$SRC/.config" ||
				bad+=("$opt=$val (got: $(grep -E "^(# )?$opt[= ]" "$SRC/.config" || echo absent))")
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
			if grep -qE "^$opt=" "$SRC/.config"; then
				bad+=("$opt unset (got: $(grep -E "^$opt=" "$SRC/.config"))")
			fi
		fi
	done < <(cat "${FRAGMENTS[@]}" | awk '
		match($0, /^(# )?CONFIG_[A-Za-z0-9_]+/) {
			opt = $0; sub(/^# /, "", opt); sub(/[= ].*/, "", opt)
			if (!(opt in last)) order[n++] = opt
			last[opt] = $0
		}
		END { for (i = 0; i < n; i++) print last[order[i]] }')
	if ((${#bad[@]})); then
		printf 'build.sh: ERROR: option did not survive olddefconfig: %s\n' "${bad[@]}" >&2
		exit 1
	fi
	log "config verified: every option of ${FRAGMENTS[*]##*/} survived olddefconfig"
}

configure() {
	local want
	want=$BASE_CONFIG-$(cat "${FRAGMENTS[@]}" | sha256sum | cut -d' ' -f1)-$(cat "$STAMPS/patches")
	if [[ -f $SRC/.config && $(cat "$STAMPS/config" 2>/dev/null) == "$want" ]]; then
		return
	fi
	log "configuring: $BASE_CONFIG + ${FRAGMENTS[*]##*/}"
	make -s "${MAKEFLAGS_K[@]}" "$BASE_CONFIG" >"$BUILD/config.log" 2>&1 ||
		{ cat "$BUILD/config.log" >&2; die "make $BASE_CONFIG failed"; }
	# merge_config warns about every choice the fragment overrides: expected.
	(cd "$SRC" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config "${FRAGMENTS[@]}") \
		>>"$BUILD/config.log" 2>&1 || { cat "$BUILD/config.log" >&2; die "merge_config failed"; }
	make -s "${MAKEFLAGS_K[@]}" olddefconfig >>"$BUILD/config.log" 2>&1 ||
		{ cat "$BUILD/config.log" >&2; die "olddefconfig failed"; }
	verify_config
	echo "$want" >"$STAMPS/config"
}

# ---- main ------------------------------------------------------------------
main() {
	local t0 want
	t0=$(date +%s)
	check_prereqs
	mkdir -p "$BUILD" "$OUT"
	want=$(input_sum)
	if [[ -f $OUT/bzImage && -f $OUT/System.map &&
	      $(cat "$STAMPS/built" 2>/dev/null) == "$want" ]]; then
		log "up to date: $OUT/bzImage (nothing changed)"
		return
	fi
	unpack
	apply_series
	configure
	log "building bzImage with -j$JOBS"
	if ! make "${MAKEFLAGS_K[@]}" -j"$JOBS" bzImage >"$BUILD/make.log" 2>&1; then
		grep -E 'error|Error' "$BUILD/make.log" | head -40 >&2 || tail -40 "$BUILD/make.log" >&2
		die "kernel build failed (full log: $BUILD/make.log)"
	fi
	grep -E 'warning:' "$BUILD/make.log" >&2 || true
	cp "$SRC/arch/x86/boot/bzImage" "$SRC/System.map" "$SRC/vmlinux" "$OUT/"
	cp "$SRC/.config" "$OUT/config"
	if [[ $(input_sum) == "$want" ]]; then
		echo "$want" >"$STAMPS/built"
	else
		rm -f "$STAMPS/built"
		log "inputs changed during the build: the next run builds again"
	fi
	log "built $OUT/bzImage in $(($(date +%s) - t0)) s"
}

main "$@"
