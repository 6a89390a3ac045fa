#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build everything needed, boot the patched kernel under QEMU
# with the emulated devices bound to vfio-pci, pass each BAR through to a
# small VM that reads and writes it, and print one row per BAR with the
# stage-2 memory type and mapping size read back from the running kernel.
#
# DEMO_CPU=neoverse-n1 runs it on a CPU without FEAT_S2FWB (default max).
. "$(dirname "$0")/lib.sh"

cpu=${DEMO_CPU:-max}
log=$LOGS/demo-$cpu.log

timed deps "$TOP/scripts/deps.sh" || die "installing packages failed, see out/logs/deps.log"
timed tree "$TOP/scripts/kernel-tree.sh" || die "the series does not apply, see out/logs/tree.log"
timed build-arm64 "$TOP/scripts/build.sh" arm64 || die "kernel build failed, see out/logs/build-arm64.log"
timed build-modules "$TOP/scripts/build.sh" modules || die "module build failed, see out/logs/build-modules.log"
timed vmm-root "$TOP/scripts/vmm-root.sh" || die "fetching Debian's arm64 QEMU failed, see out/logs/vmm-root.log"
timed guest "$TOP/scripts/build.sh" guest || die "guest build failed, see out/logs/guest.log"
timed "qemu-demo-$cpu" "$TOP/scripts/qemu-run.sh" "$cpu" demo "$log" || true

echo
echo "Stage-2 memory types of vfio-pci BARs, $(cat "$TREE/.git/memattr-base"), -cpu $cpu"
echo "(class: vfio-pci's classification in sysfs; stage-2 type and mapping: the VM's"
echo " stage2_page_tables in debugfs; guest access: what the VM read and wrote)"
echo
sed -n '/@@memattr begin memattr:demo/,/@@memattr end memattr:demo/p' "$log" |
	grep -v '^@@memattr\|^Random seed\|vfio-pci .*enabling\|^\[' || true
grep -q '@@memattr end memattr:demo rc=0' "$log" ||
	die "the demo did not complete; console log: $log"

echo
echo "The same BARs passed through by Debian's qemu-system-aarch64 in the guest"
echo "(-device vfio-pci) to an L2 Linux guest, whose userspace reads and writes them"
echo "through sysfs resource files (stage-2 type and leaves: QEMU's VM in debugfs)"
echo
sed -n 's/^#T //p' "$log"
grep -q '@@memattr end memattr:real_vmm rc=0' "$log" ||
	die "the real-VMM run failed; console log: $log"
