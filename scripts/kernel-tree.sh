#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare out/linux: Debian's linux-source-6.12 as the base commit (tag
# "base"), then the project's patch series as commits on branch "memattr".
# Incremental: the source is extracted again only when the Debian package
# changes, and the series is rebuilt only when its inputs change, touching
# only the files that differ.
. "$(dirname "$0")/lib.sh"

tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || die "$tarball missing: install linux-source-6.12 (make deps)"
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12)

if [ ! -f "$TREE/.git/memattr-base" ] || ! grep -qF "$pkgver" "$TREE/.git/memattr-base"; then
	say "tree: extracting linux-source-6.12 $pkgver"
	rm -rf "$TREE" "$OUT/linux-source-6.12"
	tar -C "$OUT" -xf "$tarball"
	mv "$OUT/linux-source-6.12" "$TREE"
	git -C "$TREE" init -q -b linux-source
	git -C "$TREE" config user.name "memattr workbench"
	git -C "$TREE" config user.email "memattr@localhost"
	git -C "$TREE" config core.autocrlf false
	git -C "$TREE" config gc.auto 0
	# Debian's .gitignore ignores the whole top level: add by force.
	git -C "$TREE" add -f .
	version=$(make -s -C "$TREE" kernelversion)
	git -C "$TREE" commit -q -m "Linux $version (Debian linux-source-6.12 $pkgver)"
	git -C "$TREE" tag -f base > /dev/null
	echo "$version (linux-source-6.12 $pkgver)" > "$TREE/.git/memattr-base"
fi

python3 "$TOP/scripts/series.py" apply "$TREE"
