#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the workbench needs, only those missing.
# Non-interactive, idempotent; runs apt-get update only if something is
# missing. Needs root (or sudo) on first use.
set -euo pipefail

pkgs=(
	# the kernel source the series applies to
	linux-source-6.12
	# arm64 cross build, x86_64 native build
	gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross make bc bison flex
	libssl-dev libelf-dev cpio kmod xz-utils rsync ccache git python3
	# static analysis, the patch-series checks
	sparse perl python3-ply python3-git
	# emulation
	qemu-system-arm qemu-system-x86
	# Bochs, whose VMX has EPT, and its boot disk (made without mounting)
	bochs bochsbios vgabios bochs-sdl syslinux syslinux-common mtools
	dosfstools lz4
	# userspace fuzzing, sanitizers and instruction counts
	clang libclang-rt-14-dev valgrind
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
