#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test layer, each reporting per-test results into
# out/logs/results.txt; the last line printed is
# "N passed, N failed, N skipped" and the exit status is non-zero if any
# test failed. A layer that cannot run because what it needs failed to
# build counts as failed, never as skipped.
#
#   --qemu-only     only the kernel, guest and QEMU layers (check-lockdep)
#
# FUZZ_SECONDS (default 60) bounds the fuzzer run.
. "$(dirname "$0")/lib.sh"

qemu_only=false
[ "${1:-}" = --qemu-only ] && qemu_only=true
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
CPUS=(max neoverse-n1)
# ivshmem 64 MiB, ivshmem 1 GiB, edu, bochs-display, pci-testdev
DEVICES=5

: > "$RESULTS"
: > "$LOGS/timings.txt"
rm -f "$LOGS/summary"
rm -f "$LOGS"/checkpatch.log "$LOGS"/kernel-doc.log
start=$(date +%s)

# step NAME LABEL TEST CMD...: run CMD as one test.
step() {
	local name=$1 label=$2 test=$3
	shift 3
	if timed "$name" "$@"; then
		result PASS "$label" "$test"
		return 0
	fi
	result FAIL "$label" "$test" "see out/logs/$name.log"
	return 1
}

# not_run LABEL TEST REASON: a test that could not run is a failure.
not_run() {
	result FAIL "$1" "$2" "not run: $3"
}

timed deps "$TOP/scripts/deps.sh" || die "installing packages failed, see out/logs/deps.log"

if ! $qemu_only; then
	say "== userspace: core sweep, fuzzer, tool"
	if step userspace-build userspace "build tests, fuzzer, benchmark (ASan, UBSan)" \
		make -C "$TOP/selftests/memattr" O="$OUT/memattr"; then
		timed userspace-test "$OUT/memattr/memattr_test" || true
		python3 "$TOP/scripts/results.py" tap "$LOGS/userspace-test.log" userspace \
			> "$LOGS/userspace-test.results" || true
		record "$LOGS/userspace-test.results"
		mkdir -p "$OUT/memattr/corpus"
		# Artifacts go to out/; the regression inputs are replayed first.
		step fuzz fuzz "libFuzzer ${FUZZ_SECONDS}s, ASan+UBSan, no finding" \
			"$OUT/memattr/memattr_fuzz" -max_total_time="$FUZZ_SECONDS" \
			-print_final_stats=1 -artifact_prefix="$OUT/memattr/" \
			"$OUT/memattr/corpus" "$TOP/selftests/memattr/regressions" || true
	else
		not_run userspace tests "build failed"
		not_run fuzz fuzzer "build failed"
	fi
	if step tool-build tool "build out/bin/memattr" make -C "$TOP" tool; then
		timed tool-test python3 "$TOP/tools/memattr/test_memattr.py" "$OUT/bin/memattr" || true
		python3 "$TOP/scripts/results.py" tap "$LOGS/tool-test.log" tool \
			> "$LOGS/tool-test.results" || true
		record "$LOGS/tool-test.results"
	else
		not_run tool tests "build failed"
	fi
fi

say "== kernel: tree, builds, hygiene"
kernel_ok=false
x86_ok=false
x86_guest_ok=false
if step tree tree "series applies to linux-source-6.12" "$TOP/scripts/kernel-tree.sh"; then
	if step build-arm64 build "arm64 Image" "$TOP/scripts/build.sh" arm64; then
		kernel_ok=true
		step build-modules build "out-of-tree modules (Kbuild)" \
			"$TOP/scripts/build.sh" modules || true
	fi
	if ! $qemu_only; then
		step build-x86_64 build "x86_64 bzImage (KVM, VFIO, KUnit)" \
			"$TOP/scripts/build.sh" x86_64 && x86_ok=true
		step build-x86_64-modules build "x86_64 with KVM modules and vfio-pci built in" \
			"$TOP/scripts/build.sh" x86_64-modules || true
		step hygiene build "W=1 and sparse clean in the series' files" \
			"$TOP/scripts/build.sh" hygiene || true
		step granules build "arm64 16K and 64K pages: the series compiles" \
			"$TOP/scripts/build.sh" granules || true
		if step series series "git format-patch" "$TOP/scripts/build.sh" series; then
			timed checkpatch "$TOP/scripts/hygiene.sh" checkpatch || true
			timed kernel-doc "$TOP/scripts/hygiene.sh" kernel-doc || true
		else
			not_run checkpatch series "format-patch failed"
		fi
	fi
else
	not_run build kernel "the series does not apply"
fi

say "== QEMU: KUnit, KVM selftests, vfio-pci end to end"
# Debian's arm64 QEMU for the real-VMM layer (memattr:real_vmm in the
# guest, which fails without it).
step vmm-root vmm "Debian's arm64 qemu-system-aarch64 fetched for L1" \
	"$TOP/scripts/vmm-root.sh" || true
if $kernel_ok && step guest guest "initramfs, /init, KVM selftests" \
	"$TOP/scripts/build.sh" guest; then
	for cpu in "${CPUS[@]}"; do
		timed "qemu-$cpu" "$TOP/scripts/qemu-run.sh" "$cpu" check \
			"$LOGS/console-$cpu.log" || true
		python3 "$TOP/scripts/results.py" console "$LOGS/console-$cpu.log" \
			"$cpu" --expect-devices "$DEVICES" > "$LOGS/console-$cpu.results" || true
		record "$LOGS/console-$cpu.results"
	done
	# The platform properties fixed at boot, the other way round.
	timed qemu-platform "$TOP/scripts/qemu-run.sh" max platform \
		"$LOGS/console-platform.log" 600 || true
	python3 "$TOP/scripts/results.py" console "$LOGS/console-platform.log" \
		platform --expect-devices "$DEVICES" --no-kunit \
		> "$LOGS/console-platform.results" || true
	record "$LOGS/console-platform.results"
else
	for cpu in "${CPUS[@]}" platform; do
		not_run "$cpu" "QEMU run" "kernel or initramfs build failed"
	done
fi
if $x86_ok && step guest-x86_64 guest "x86_64 initramfs, /init, NPT selftest" \
	"$TOP/scripts/build.sh" guest-x86; then
	x86_guest_ok=true
	timed qemu-x86_64 "$TOP/scripts/qemu-x86.sh" "$LOGS/console-x86_64.log" || true
	python3 "$TOP/scripts/results.py" console "$LOGS/console-x86_64.log" \
		x86_64 --expect-devices 1 > "$LOGS/console-x86_64.results" || true
	record "$LOGS/console-x86_64.results"
elif ! $qemu_only; then
	not_run x86_64 "QEMU run" "x86_64 kernel or initramfs build failed"
fi
# The same kernel and guest build under Bochs, whose VMX has EPT.
if $x86_guest_ok; then
	timed bochs-x86_64 "$TOP/scripts/bochs-x86.sh" "$LOGS/console-bochs.log" || true
	python3 "$TOP/scripts/results.py" console "$LOGS/console-bochs.log" \
		bochs --expect-devices 1 --no-kunit |
		# Bochs has VMX with EPT and the VGA: nothing may skip there.
		sed -E 's/^SKIP (.*)$/FAIL \1 (skipped under Bochs)/' \
		> "$LOGS/console-bochs.results" || true
	record "$LOGS/console-bochs.results"
elif ! $qemu_only; then
	not_run bochs "Bochs run" "x86_64 kernel or initramfs build failed"
fi
# Again with KVM as modules, loaded by /init, and lockdep.
if $x86_guest_ok && [ -f "$OUT/guest-x86_64/bochs-modules.cpio.gz" ]; then
	timed bochs-lockdep "$TOP/scripts/bochs-x86.sh" "$LOGS/console-bochs-lockdep.log" \
		600 "$OUT/build-x86_64-modules" "$OUT/guest-x86_64/bochs-modules.cpio.gz" || true
	python3 "$TOP/scripts/results.py" console "$LOGS/console-bochs-lockdep.log" \
		bochs-lockdep --expect-devices 1 --no-kunit |
		sed -E 's/^SKIP (.*)$/FAIL \1 (skipped under Bochs)/' \
		> "$LOGS/console-bochs-lockdep.results" || true
	record "$LOGS/console-bochs-lockdep.results"
elif ! $qemu_only; then
	not_run bochs-lockdep "Bochs run" "x86_64 module kernel or initramfs build failed"
fi

passed=$(grep -c '^PASS ' "$RESULTS" || true)
failed=$(grep -c '^FAIL ' "$RESULTS" || true)
skipped=$(grep -c '^SKIP ' "$RESULTS" || true)
say "== $(( $(date +%s) - start ))s; results in out/logs/results.txt, logs in out/logs/"
echo "$passed passed, $failed failed, $skipped skipped" | tee "$LOGS/summary"
[ "$failed" -eq 0 ]
