#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-x86.sh LOG [TIMEOUT]
#
# Boot the patched x86_64 kernel under TCG only to run its built-in KUnit
# suites (the memory-attribute core on EPT and NPT, and the x86 MTRR zap
# rules); kunit_shutdown=reboot ends the run and -no-reboot ends QEMU.
# There is no userspace: TCG emulates neither VMX nor, with KVM built in
# and no initramfs, anything a KVM guest would need. The console goes to
# LOG; the exit status is QEMU's, 124 on timeout.
. "$(dirname "$0")/lib.sh"

log=$1 timeout=${2:-600}

exec timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-M q35 -cpu max -smp 2 -m 1G \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$OUT/build-x86_64/arch/x86/boot/bzImage" \
	-append "console=ttyS0 panic=-1 kunit_shutdown=reboot" \
	< /dev/null > "$log" 2>&1
