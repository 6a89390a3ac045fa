#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmm-root.sh: Debian's own arm64 qemu-system-aarch64, unmodified, as a
# minimal root for the L1 guest's initramfs (the "real VMM" layer).
#
# apt fetches the arm64 packages of qemu-system-arm and everything it
# depends on from the machine's configured Debian sources, with a private
# state directory: the host's dpkg configuration is not touched. The
# binary and the shared libraries it needs (the NEEDED closure, with the
# dynamic loader) are copied to out/vmm/root:
#
#   out/vmm/root/usr/bin/qemu-system-aarch64
#   out/vmm/root/lib/ld-linux-aarch64.so.1
#   out/vmm/root/lib/aarch64-linux-gnu/*.so.*
#
# The .debs stay in out/vmm/debs, so a rerun downloads nothing; remove
# out/vmm to fetch what the archive has now.
. "$(dirname "$0")/lib.sh"

VMM=$OUT/vmm
APT=$VMM/apt
DEBS=$VMM/debs
ROOT=$VMM/root
BIN=usr/bin/qemu-system-aarch64
READELF=aarch64-linux-gnu-readelf

[ -x "$ROOT/$BIN" ] && [ "$ROOT/.stamp" -nt "$0" ] && exit 0

apt_opts=(-q -o APT::Architecture=arm64 -o APT::Architectures=arm64
	  -o Dir::State::Lists="$APT/lists" -o Dir::State::status="$APT/status"
	  -o Dir::Cache="$APT/cache" -o Debug::NoLocking=1
	  -o APT::Sandbox::User=root)

fetch() {
	local start=$SECONDS pkgs
	rm -rf "$APT" "$DEBS.tmp"
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$DEBS.tmp"
	: > "$APT/status"
	apt-get "${apt_opts[@]}" update ||
		die "apt-get update for arm64 failed (the Debian archive unreachable?)"
	pkgs=$(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends \
		--no-suggests --no-conflicts --no-breaks --no-replaces \
		--no-enhances qemu-system-arm | grep -v '^[ <]' | sort -u)
	[ -n "$pkgs" ] || die "apt-cache found no arm64 qemu-system-arm"
	# shellcheck disable=SC2086
	(cd "$DEBS.tmp" && apt-get "${apt_opts[@]}" download $pkgs) ||
		die "downloading the arm64 qemu-system-arm packages failed"
	rm -rf "$DEBS"
	mv "$DEBS.tmp" "$DEBS"
	say "vmm-root: $(ls "$DEBS" | wc -l) packages, $(du -sm "$DEBS" | cut -f1) MB, downloaded in $(( SECONDS - start ))s"
}

ls "$DEBS"/qemu-system-arm_*_arm64.deb > /dev/null 2>&1 || fetch

x=$VMM/extract
rm -rf "$x" "$ROOT.tmp"
mkdir -p "$x" "$ROOT.tmp/usr/bin" "$ROOT.tmp/lib/aarch64-linux-gnu"
for d in "$DEBS"/*.deb; do
	dpkg-deb -x "$d" "$x" || die "cannot extract $d"
done
[ -x "$x/$BIN" ] || die "qemu-system-arm has no $BIN"
cp "$x/$BIN" "$ROOT.tmp/$BIN"
cp -L "$x/lib/ld-linux-aarch64.so.1" "$ROOT.tmp/lib/" ||
	die "no arm64 dynamic loader in libc6"

# The NEEDED closure, each library copied once under its soname.
todo=("$ROOT.tmp/$BIN")
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	for lib in $("$READELF" -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		dst=$ROOT.tmp/lib/aarch64-linux-gnu/$lib
		[ "$lib" = ld-linux-aarch64.so.1 ] && continue
		[ -e "$dst" ] && continue
		src=
		for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
			[ -e "$x/$d/$lib" ] && { src=$x/$d/$lib; break; }
		done
		# An absolute symlink points into the host: resolve it in $x.
		while [ -n "$src" ] && [ -L "$src" ]; do
			t=$(readlink "$src")
			case "$t" in
			/*) src=$x$t ;;
			*) src=$(dirname "$src")/$t ;;
			esac
		done
		[ -n "$src" ] && [ -f "$src" ] ||
			die "$lib (needed by $(basename "$f")) is in none of the packages"
		cp "$src" "$dst"
		todo+=("$dst")
	done
done
rm -rf "$x" "$ROOT"
touch "$ROOT.tmp/.stamp"
mv "$ROOT.tmp" "$ROOT"
say "vmm-root: $("$READELF" -p .rodata "$ROOT/$BIN" 2>/dev/null | grep -o 'QEMU emulator version [^ ]*' | head -1 || true)"
say "vmm-root: $(find "$ROOT" -type f | wc -l) files, $(du -sm "$ROOT" | cut -f1) MB in $ROOT"
