#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-x86.sh LOG [TIMEOUT]
#
# Boot the patched x86_64 kernel under TCG, which emulates AMD SVM with
# nested paging, behind an emulated Intel IOMMU, with an edu device for
# /init to bind to vfio-pci. The kernel runs its KUnit suites at boot;
# /init then runs scripts/guest-x86_64/check.list and powers off. The
# console goes to LOG; the exit status is QEMU's, 124 on timeout.
# MEMATTR_X86_APPEND adds to the kernel command line, e.g.
# kvm_amd.host_mmio_uc_minus=1.
. "$(dirname "$0")/lib.sh"

log=$1 timeout=${2:-900}

# The IOMMU must come before the PCI devices it translates for.
exec timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-M q35 -cpu max -smp 2 -m 2G \
	-nographic -no-reboot -nodefaults -serial stdio \
	-device intel-iommu,intremap=on \
	-device edu \
	-kernel "$OUT/build-x86_64/arch/x86/boot/bzImage" \
	-initrd "$OUT/guest-x86_64/check.cpio.gz" \
	-append "console=ttyS0 panic=-1 intel_iommu=on memattr.mode=check ${MEMATTR_X86_APPEND:-}" \
	< /dev/null > "$log" 2>&1
