#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bochs-x86.sh LOG [TIMEOUT [BUILD INITRD]]
#
# Boot the patched x86_64 kernel under Bochs, whose "tigerlake" CPU
# emulates VMX with EPT (QEMU's TCG has none), so that KVM runs on EPT.
# /init binds the PCI VGA (1234:1111, as bochs-display) to vfio-pci
# through VFIO no-IOMMU and runs scripts/guest-x86_64/bochs.list, whose
# tests read back the EPT leaves KVM installed; then it powers off, which
# ends Bochs. The console goes to LOG; the exit status is 124 on timeout,
# 0 once the console shows /init's last line. BUILD (out/build-x86_64)
# and INITRD (out/guest-x86_64/bochs.cpio.gz) choose what boots. The recipe, and why each
# setting, is in ../shared/reference/bochs-vmx.md.
. "$(dirname "$0")/lib.sh"

log=$1 timeout=${2:-600}
kernel=${3:-$OUT/build-x86_64}/arch/x86/boot/bzImage
initrd=${4:-$OUT/guest-x86_64/bochs.cpio.gz}
dir=$OUT/bochs/$(basename "$log" .log)
img=$dir/boot.img

mkdir -p "$dir"
# A FAT16 "superfloppy" whose geometry Bochs takes as given, made and
# filled with mtools: nothing is mounted.
rm -f "$img"
truncate -s $((130 * 16 * 63 * 512)) "$img"
mkfs.vfat -F 16 -g 16/63 "$img" > /dev/null
syslinux --install "$img"
cat > "$dir/syslinux.cfg" <<EOF
DEFAULT linux
LABEL linux
  KERNEL bzimage
  INITRD initrd.gz
  APPEND console=ttyS0,115200 loglevel=5 tsc=reliable panic=-1 kunit.enable=0 vfio.enable_unsafe_noiommu_mode=1 memattr.mode=bochs ${MEMATTR_BOCHS_APPEND:-}
EOF
mcopy -i "$img" "$dir/syslinux.cfg" ::syslinux.cfg
mcopy -i "$img" "$kernel" ::bzimage
mcopy -i "$img" "$initrd" ::initrd.gz

# ips low: the UART runs at its baud rate in emulated time. Bochs lacks
# IA32_DEBUGCTL, which KVM reads around every run: ignore_bad_msrs.
cat > "$dir/bochsrc" <<EOF
megs: 512
cpu: model=tigerlake, count=1, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
vga: extension=vbe
pci: enabled=1, chipset=i440fx, slot1=pcivga
display_library: sdl2
ata0-master: type=disk, mode=flat, path=$img, cylinders=130, heads=16, spt=63
boot: disk
floppy_bootsig_check: disabled=1
com1: enabled=1, mode=file, dev=$log
clock: sync=none
mouse: enabled=0
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
panic: action=fatal
log: $dir/bochs.log
EOF
echo c > "$dir/debugger.rc"
: > "$log"
set +e
SDL_VIDEODRIVER=dummy timeout --foreground -k 10 "$timeout" \
	bochs-bin -q -unlock -f "$dir/bochsrc" -rc "$dir/debugger.rc" \
	< /dev/null > "$dir/bochs.out" 2>&1
rc=$?
set -e
[ $rc -eq 124 ] && exit 124
# Power-off ends Bochs with status 1 ("soft power off" is fatal): the
# console tells whether /init got to the end.
grep -q '@@memattr done' "$log" || { tail -5 "$dir/bochs.out"; exit 1; }
