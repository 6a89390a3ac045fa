#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-run.sh CPU MODE LOG [TIMEOUT]
#
# Boot the patched arm64 kernel under TCG with nested virtualization, an
# SMMUv3 and the emulated PCI devices the tests pass through:
#   ivshmem-plain   BAR2 64-bit prefetchable, RAM-backed: 64 MiB and 1 GiB;
#                   the 64 MiB one alone behind a root port, so that
#                   VFIO_DEVICE_RESET has a reset (secondary bus) to use
#   edu             BAR0 non-prefetchable registers
#   bochs-display   BAR0 prefetchable VRAM, BAR2 non-prefetchable registers
# CPU is "max" (FEAT_S2FWB) or "neoverse-n1" (VHE, no FEAT_S2FWB). MODE
# picks the initramfs (out/guest/MODE.cpio.gz) and /init's program list.
# The kernel gets 1792 MiB of the 2 GiB: the rest is memory it does not
# manage, which memattr_testmem.ko maps as device memory for the tests.
# The console goes to LOG; the exit status is QEMU's, 124 on timeout.
. "$(dirname "$0")/lib.sh"

cpu=$1 mode=$2 log=$3 timeout=${4:-1800}
build=$OUT/build-arm64
[ "${MEMATTR_DEBUG:-}" = lockdep ] && build=$OUT/build-arm64-lockdep
case "$cpu" in
max)		cpuopt="max,pauth-impdef=on" ;;
neoverse-n1)	cpuopt="neoverse-n1" ;;
*)		die "unknown CPU model $cpu" ;;
esac

exec timeout --foreground -k 10 "$timeout" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3,iommu=smmuv3 \
	-cpu "$cpuopt" -smp 2 -m 2G \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$build/arch/arm64/boot/Image" \
	-initrd "$OUT/guest/$mode.cpio.gz" \
	-append "console=ttyAMA0 panic=-1 mem=1792M memattr.mode=$mode" \
	-object memory-backend-ram,id=shm64,size=64M \
	-device pcie-root-port,id=rp0,chassis=1,slot=1 \
	-device ivshmem-plain,memdev=shm64,bus=rp0 \
	-object memory-backend-ram,id=shm1g,size=1G \
	-device ivshmem-plain,memdev=shm1g \
	-device edu \
	-device bochs-display,romfile= \
	< /dev/null > "$log" 2>&1
