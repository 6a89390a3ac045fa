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
#   pci-testdev     BAR0 non-prefetchable registers, named by the quirk
#                   parameter below
# CPU is "max" (FEAT_S2FWB, and MTE) or "neoverse-n1" (VHE, no FEAT_S2FWB).
# MODE picks the initramfs (out/guest/MODE.cpio.gz), /init's program list
# and the platform the kernel boots with: "platform" is a platform without
# Normal-NC containment where edu is listed intolerant of Normal-NC and
# pci-testdev intolerant of any alias of another memory type, every other
# mode one with containment where pci-testdev is listed tolerant.
# The kernel gets 1792 MiB of the 2 GiB: the rest is memory it does not
# manage, which memattr_testmem.ko maps as device memory for the tests.
# The console goes to LOG; the exit status is QEMU's, 124 on timeout.
#
# MEMATTR_IMAGE boots another kernel Image with the same initramfs, and
# MEMATTR_APPEND adds to its command line: how a test is shown to fail on
# a kernel without the change it checks (e.g. the base's Image, with
# "kunit.enable=0").
. "$(dirname "$0")/lib.sh"

cpu=$1 mode=$2 log=$3 timeout=${4:-1800}
build=$OUT/build-arm64
[ "${MEMATTR_DEBUG:-}" = lockdep ] && build=$OUT/build-arm64-lockdep
case "$cpu" in
max)		cpuopt="max,pauth-impdef=on" machopt=",mte=on" ;;
neoverse-n1)	cpuopt="neoverse-n1" machopt= ;;
*)		die "unknown CPU model $cpu" ;;
esac
case "$mode" in
# The second memattr_quirks is malformed (no tolerance in its last entry):
# it must be refused whole and leave the first one in force.
platform)	platform="vfio_pci_core.nc_containment=0 vfio_pci_core.memattr_quirks=1234:11e8:intolerant,1b36:0005:mismatch-intolerant vfio_pci_core.memattr_quirks=1b36:0005:tolerant,1234:11e8 kunit.enable=0" ;;
*)		platform="vfio_pci_core.memattr_quirks=1b36:0005:tolerant" ;;
esac

exec timeout --foreground -k 10 "$timeout" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3,iommu=smmuv3$machopt \
	-cpu "$cpuopt" -smp 2 -m 2G \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "${MEMATTR_IMAGE:-$build/arch/arm64/boot/Image}" \
	-initrd "$OUT/guest/$mode.cpio.gz" \
	-append "console=ttyAMA0 panic=-1 mem=1792M memattr.mode=$mode $platform ${MEMATTR_APPEND:-}" \
	-object memory-backend-ram,id=shm64,size=64M \
	-device pcie-root-port,id=rp0,chassis=1,slot=1 \
	-device ivshmem-plain,memdev=shm64,bus=rp0 \
	-object memory-backend-ram,id=shm1g,size=1G \
	-device ivshmem-plain,memdev=shm1g \
	-device edu \
	-device bochs-display,romfile= \
	-device pci-testdev \
	< /dev/null > "$log" 2>&1
