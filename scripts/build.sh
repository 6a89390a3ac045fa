#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds, each incremental (ccache, make's own dependency tracking):
#
#   build.sh arm64      out/build-arm64: Image and in-tree modules
#   build.sh x86_64     out/build-x86_64: bzImage with KVM, VFIO and KUnit
#   build.sh granules   compile what the series touches on arm64 with 16K
#                       pages (no level-1 stage-2 blocks) and with 64K
#                       pages and 42-bit VAs (2 levels, the PMD folded)
#   build.sh x86_64-modules  out/build-x86_64-modules: KVM as modules,
#                       vfio-pci built in
#   build.sh hygiene    W=1 and sparse over every directory the series
#                       touches, arm64 and x86_64; diagnostics in the
#                       series' own files are printed and fail the step
#   build.sh modules    the out-of-tree module(s) of the top-level Kbuild
#   build.sh guest      /init, KVM selftests, demo, initramfs (arm64)
#   build.sh guest-x86  /init, the NPT and EPT selftests, initramfs (x86_64)
#   build.sh series     out/series/<n>-<tree>/: the series each tree takes,
#                       with cover letters (scripts/format-series.py)
#
# MEMATTR_DEBUG=lockdep selects a PROVE_LOCKING/DEBUG_ATOMIC_SLEEP kernel
# in out/build-arm64-lockdep.
. "$(dirname "$0")/lib.sh"

# Each arm64 build has its own copy of the out-of-tree module sources: an
# external module's objects name the kernel's generated headers relative
# to the build they were made in, so objects shared between two builds
# would look up to date against the other one's headers.
if [ "${MEMATTR_DEBUG:-}" = lockdep ]; then
	ARM64_BUILD=$OUT/build-arm64-lockdep
	ARM64_FRAGMENTS=("$TOP/scripts/configs/arm64.config"
			 "$TOP/scripts/configs/arm64-lockdep.config")
	EXTMOD=$OUT/extmod-lockdep
else
	ARM64_BUILD=$OUT/build-arm64
	ARM64_FRAGMENTS=("$TOP/scripts/configs/arm64.config")
	EXTMOD=$OUT/extmod
fi
ARM64_MAKE=(make -C "$TREE" O="$ARM64_BUILD" ARCH=arm64
	    CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc"
	    -j"$JOBS")
KSFT=$OUT/kselftest-arm64
GUEST=$OUT/guest

# configure BUILD BASE-TARGET FRAGMENT... -- MAKE-ARGS...: (re)write
# BUILD/.config from BASE-TARGET plus the fragments, only if the result
# differs, and check that every line of every fragment made it.
configure() {
	local build=$1 base=$2 fragments=() args line f i j
	shift 2
	while [ "$1" != -- ]; do fragments+=("$1"); shift; done
	shift
	args=("$@")
	mkdir -p "$build" "$build.cfg"
	make -s -C "$TREE" O="$build.cfg" "${args[@]}" "$base" > /dev/null
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$build.cfg" \
		"$build.cfg/.config" "${fragments[@]}" > /dev/null
	make -s -C "$TREE" O="$build.cfg" "${args[@]}" olddefconfig > /dev/null
	# A later fragment may set a symbol otherwise.
	for ((i = 0; i < ${#fragments[@]}; i++)); do
		f=${fragments[i]}
		while read -r line; do
			case "$line" in
			CONFIG_*=*)
				for ((j = i + 1; j < ${#fragments[@]}; j++)); do
					grep -q "^${line%%=*}=" "${fragments[j]}" && continue 2
				done
				grep -qxF "$line" "$build.cfg/.config" ||
					die "$(basename "$f"): '$line' is not in the resulting .config (a missing dependency?)"
				;;
			esac
		done < "$f"
	done
	cmp -s "$build.cfg/.config" "$build/.config" ||
		cp "$build.cfg/.config" "$build/.config"
}

ARM64_ARGS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
X86_ARGS=(ARCH=x86_64)

build_arm64() {
	configure "$ARM64_BUILD" allnoconfig "${ARM64_FRAGMENTS[@]}" -- "${ARM64_ARGS[@]}"
	"${ARM64_MAKE[@]}" Image modules
	"${ARM64_MAKE[@]}" headers > /dev/null
}

build_x86_64() {
	configure "$OUT/build-x86_64" tinyconfig "$TOP/scripts/configs/x86_64.config" -- "${X86_ARGS[@]}"
	"${X86_MAKE[@]}" bzImage
}

# KVM as modules, vfio-pci built in: everything must link.
build_x86_64_modules() {
	local build=$OUT/build-x86_64-modules

	configure "$build" tinyconfig "$TOP/scripts/configs/x86_64.config" \
		"$TOP/scripts/configs/x86_64-modules.config" -- "${X86_ARGS[@]}"
	make -C "$TREE" O="$build" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		bzImage modules
}

# The directories holding files the series adds or changes, per arch.
series_dirs() {
	series_files | grep -E "$1" | sed -E 's|/[^/]*$|/|' | sort -u
}

hygiene_build() {
	local label=$1 log=$2
	shift 2
	set +e
	"$@" > "$log" 2>&1
	local rc=$?
	set -e
	[ $rc -eq 0 ] || { tail -20 "$log"; die "$label: build failed"; }
}

build_hygiene() {
	local arm64_dirs x86_dirs out=$LOGS/hygiene
	mkdir -p "$out"
	arm64_dirs=$(series_dirs '^(arch/arm64|drivers/vfio|virt)/' | grep -v '^virt/' || true)
	x86_dirs=$(series_dirs '^(arch/x86|drivers/vfio|virt)/' | grep -v '^arch/arm64' |
		   sed 's|^virt/kvm/.*|arch/x86/kvm/|' | sort -u || true)
	# arm64 builds virt/kvm as part of arch/arm64/kvm.
	series_files | grep -q '^virt/kvm/' && arm64_dirs=$(printf '%s\narch/arm64/kvm/\n' "$arm64_dirs" | sort -u)

	configure "$OUT/build-arm64-w1" allnoconfig "$TOP/scripts/configs/arm64.config" -- "${ARM64_ARGS[@]}"
	hygiene_build "arm64 W=1 C=2" "$out/arm64.log" \
		make -C "$TREE" O="$OUT/build-arm64-w1" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" \
		-j"$JOBS" W=1 C=2 $arm64_dirs
	configure "$OUT/build-x86_64" tinyconfig "$TOP/scripts/configs/x86_64.config" -- "${X86_ARGS[@]}"
	"${X86_MAKE[@]}" prepare > /dev/null
	hygiene_build "x86_64 W=1 C=2" "$out/x86_64.log" \
		"${X86_MAKE[@]}" W=1 C=2 $x86_dirs
	series_files > "$out/files.txt"
	python3 "$TOP/scripts/diagnostics.py" "$TOP/scripts/known-warnings" \
		"$out/files.txt" "$TREE" "$out/arm64.log" "$out/x86_64.log" \
		> "$out/diagnostics.txt"
	if [ -s "$out/diagnostics.txt" ]; then
		cat "$out/diagnostics.txt"
		die "W=1/sparse diagnostics in the series' files"
	fi
}

build_granules() {
	local g base=$OUT/arm64-granule-base.config
	# arm64.config asks for 4K pages and 48-bit VAs: leave those out.
	grep -v -E '^CONFIG_ARM64_(4K_PAGES|VA_BITS_48)=' \
		"$TOP/scripts/configs/arm64.config" > "$base"
	for g in 16k 64k; do
		configure "$OUT/build-arm64-$g" allnoconfig "$base" \
			"$TOP/scripts/configs/arm64-$g.config" -- "${ARM64_ARGS[@]}"
		make -s -C "$TREE" O="$OUT/build-arm64-$g" "${ARM64_ARGS[@]}" \
			CC="ccache aarch64-linux-gnu-gcc" -j"$JOBS" \
			arch/arm64/kvm/ drivers/vfio/ mm/ virt/
	done
}

build_modules() {
	local src=$EXTMOD
	mkdir -p "$src"
	# Kbuild of 6.12 writes objects next to the sources: build a copy.
	rsync -a --delete --exclude='/out/' --exclude='/.git/' \
		--include='*/' --include='Kbuild' --include='*.[ch]' \
		--exclude='*' "$TOP/" "$src/"
	"${ARM64_MAKE[@]}" M="$src" W=1 modules
}

# Compile a program against the KVM selftest library, as its Makefile does.
ksft_cc() {
	local k=$TREE/tools/testing/selftests/kvm
	aarch64-linux-gnu-gcc -D_GNU_SOURCE= -Wall -Werror -O2 -g -std=gnu99 \
		-static -fno-stack-protector -fno-PIE -fno-strict-aliasing \
		-I"$TREE/tools/include" -I"$TREE/tools/arch/arm64/include" \
		-I"$TREE/tools/arch/arm64/include/generated" \
		-isystem "$ARM64_BUILD/usr/include" \
		-I"$k/include" -I"$k/include/aarch64" -I"$k" -I"$k/.." "$@" \
		$(find "$KSFT/lib" -name '*.o' | sort) -pthread -ldl
}

# The programs of a test list, as "name path-in-build".
list_programs() {
	awk '!/^#/ && NF >= 3 { print $3 }' "$1" | sed 's|^/tests/||' | sort -u
}

program_path() {
	local p
	for p in "$KSFT/$1" "$KSFT/aarch64/$1" "$GUEST/$1"; do
		[ -x "$p" ] && { echo "$p"; return; }
	done
	die "test program $1 was not built"
}

# cpio_skeleton INIT MODE LIST: the gen_init_cpio lines every initramfs
# starts with: the mount points /init uses, /init, and its program list.
cpio_skeleton() {
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /tmp 1777 0 0"
	echo "dir /etc 0755 0 0"
	echo "dir /etc/memattr 0755 0 0"
	echo "dir /tests 0755 0 0"
	echo "file /init $1 0755 0 0"
	echo "file /etc/memattr/$2.list $3 0644 0 0"
}

# The real-VMM layer (scripts/guest/memattr_vmm.c): the L2 guest's
# initramfs, and the gen_init_cpio lines that add Debian's arm64 QEMU
# (out/vmm/root, from scripts/vmm-root.sh), the L2 kernel (this Image) and
# that initramfs to an L1 initramfs. Without out/vmm/root the program
# finds no QEMU in L1 and fails.
build_l2_guest() {
	local l2=$GUEST/l2
	mkdir -p "$l2"
	aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -o "$l2/init" \
		"$TOP/scripts/guest-l2/init.c"
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "file /init $l2/init 0755 0 0"
	} > "$l2/cpio.list"
	"$ARM64_BUILD/usr/gen_init_cpio" "$l2/cpio.list" | gzip -1 > "$GUEST/l2.cpio.gz.new"
	mv "$GUEST/l2.cpio.gz.new" "$GUEST/l2.cpio.gz"
}

vmm_cpio_lines() {
	local root=$OUT/vmm/root p
	echo "dir /vmm 0755 0 0"
	echo "file /vmm/Image $ARM64_BUILD/arch/arm64/boot/Image 0644 0 0"
	echo "file /vmm/l2.cpio.gz $GUEST/l2.cpio.gz 0644 0 0"
	[ -d "$root" ] || return 0
	(cd "$root" && find . -mindepth 1 -type d | sort) | while read -r p; do
		echo "dir /${p#./} 0755 0 0"
	done
	(cd "$root" && find . -type f ! -name .stamp | sort) | while read -r p; do
		echo "file /${p#./} $root/${p#./} 0755 0 0"
	done
}

build_guest() {
	local k=$TREE/tools/testing/selftests/kvm targets=() p list
	mkdir -p "$GUEST" "$KSFT"
	aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -o "$GUEST/init" \
		"$TOP/scripts/guest/init.c"
	build_l2_guest

	for list in "$TOP"/scripts/guest/*.list; do
		for p in $(list_programs "$list"); do
			[ -f "$TOP/scripts/guest/$p.c" ] && continue
			if [ -f "$k/aarch64/$p.c" ]; then
				targets+=("$KSFT/aarch64/$p")
			else
				targets+=("$KSFT/$p")
			fi
		done
	done
	make -C "$k" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		OUTPUT="$KSFT" KHDR_INCLUDES="-isystem $ARM64_BUILD/usr/include" \
		EXTRA_CFLAGS=-static -j"$JOBS" $(printf '%s\n' "${targets[@]}" | sort -u)
	for p in "$TOP"/scripts/guest/memattr_*.c; do
		[ -f "$p" ] || continue
		ksft_cc -o "$GUEST/$(basename "$p" .c)" "$p"
	done

	for list in "$TOP"/scripts/guest/*.list; do
		local mode cpio=$GUEST/$(basename "$list" .list).cpio
		mode=$(basename "$list" .list)
		{
			cpio_skeleton "$GUEST/init" "$mode" "$list"
			for p in $(list_programs "$list"); do
				echo "file /tests/$p $(program_path "$p") 0755 0 0"
			done
			for p in $(find "$EXTMOD" -name '*.ko' 2>/dev/null); do
				echo "file /tests/$(basename "$p") $p 0644 0 0"
			done
			grep -q '/tests/memattr_vmm' "$list" && vmm_cpio_lines
		} > "$cpio.list"
		"$ARM64_BUILD/usr/gen_init_cpio" "$cpio.list" | gzip -1 > "$cpio.gz.new"
		mv "$cpio.gz.new" "$cpio.gz"
	done
}

# The gen_init_cpio lines of the programs of an x86_64 test list.
x86_program_lines() {
	local ksft=$OUT/kselftest-x86_64 p

	for p in $(list_programs "$1"); do
		if [ -f "$ksft/x86_64/$p" ]; then
			echo "file /tests/$p $ksft/x86_64/$p 0755 0 0"
		else
			echo "file /tests/$p $ksft/$p 0755 0 0"
		fi
	done
}

# The x86_64 guests: /init, the programs of scripts/guest-x86_64/*.list
# (the project's NPT and EPT tests and upstream KVM selftests), and one
# initramfs per list: check (QEMU, TCG's SVM) and bochs (Bochs's VMX);
# bochs-modules adds the KVM modules of out/build-x86_64-modules for
# /init to load.
build_guest_x86() {
	local k=$TREE/tools/testing/selftests/kvm g=$OUT/guest-x86_64
	local ksft=$OUT/kselftest-x86_64 list mode ko
	local mods=$OUT/build-x86_64-modules/arch/x86/kvm
	local targets=() p hdr=$OUT/build-x86_64/usr/include

	mkdir -p "$g" "$ksft"
	"${X86_MAKE[@]}" headers > /dev/null
	gcc -static -O2 -Wall -Werror -o "$g/init" "$TOP/scripts/guest/init.c"
	for p in $(cat "$TOP"/scripts/guest-x86_64/*.list | list_programs /dev/stdin); do
		[ -f "$k/x86_64/$p.c" ] && targets+=("$ksft/x86_64/$p")
		[ -f "$k/$p.c" ] && targets+=("$ksft/$p")
	done
	make -C "$k" ARCH=x86_64 OUTPUT="$ksft" KHDR_INCLUDES="-isystem $hdr" \
		EXTRA_CFLAGS=-static -j"$JOBS" "${targets[@]}"
	for list in "$TOP"/scripts/guest-x86_64/*.list; do
		mode=$(basename "$list" .list)
		{
			cpio_skeleton "$g/init" "$mode" "$list"
			x86_program_lines "$list"
		} > "$g/$mode.cpio.list"
	done
	rm -f "$g/bochs-modules.cpio.list" "$g/bochs-modules.cpio.gz"
	if [ -f "$mods/kvm-intel.ko" ]; then
		: > "$g/modules"
		{
			cpio_skeleton "$g/init" bochs "$TOP/scripts/guest-x86_64/bochs.list"
			x86_program_lines "$TOP/scripts/guest-x86_64/bochs.list"
			echo "dir /lib 0755 0 0"
			echo "dir /lib/modules 0755 0 0"
			for ko in kvm kvm-intel; do
				echo "file /lib/modules/$ko.ko $mods/$ko.ko 0644 0 0"
				echo "/lib/modules/$ko.ko" >> "$g/modules"
			done
			echo "file /etc/memattr/modules $g/modules 0644 0 0"
		} > "$g/bochs-modules.cpio.list"
	fi
	for list in "$g"/*.cpio.list; do
		"$OUT/build-x86_64/usr/gen_init_cpio" "$list" |
			gzip -1 > "${list%.list}.gz.new"
		mv "${list%.list}.gz.new" "${list%.list}.gz"
	done
}

build_series() {
	local dir=$OUT/series
	rm -rf "$dir"
	python3 "$TOP/scripts/format-series.py" "$TREE" "$dir"
}

case "${1:-}" in
arm64)		build_arm64 ;;
x86_64)		build_x86_64 ;;
x86_64-modules)	build_x86_64_modules ;;
hygiene)	build_hygiene ;;
granules)	build_granules ;;
modules)	build_modules ;;
guest)		build_guest ;;
series)		build_series ;;
guest-x86)	build_guest_x86 ;;
*)		die "usage: build.sh arm64|x86_64|x86_64-modules|granules|hygiene|modules|guest|guest-x86|series" ;;
esac
