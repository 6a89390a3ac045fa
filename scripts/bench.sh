#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: deterministic cost figures, counted rather than timed.
#
# Decision cost: instructions per call of each policy (and of policy plus
# encoder) on the paths a fault takes, counted by callgrind over 100000 and
# 200000 calls of selftests/memattr/memattr_bench; the difference divided
# by 100000 cancels start-up and is exact and repeatable.
#
# Zap cost: zap calls and frames per guest boot when guest MTRRs are
# honored, this series against 6.6, from selftests/memattr/memattr_zap_bench.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
make -s -C "$TOP/selftests/memattr" O="$OUT/memattr" "$OUT/memattr/memattr_bench" \
	"$OUT/memattr/memattr_zap_bench"
bench=$OUT/memattr/memattr_bench

# instructions SYMBOLS PATH MODE N: instructions collected inside SYMBOLS.
instructions() {
	local syms=$1 path=$2 mode=$3 n=$4 args=()
	for s in $syms; do args+=(--toggle-collect="$s"); done
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "${args[@]}" \
		"$bench" "$path" "$mode" "$n" 2>&1 |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

per_call() {
	local a b
	a=$(instructions "$1" "$2" "$3" 100000)
	b=$(instructions "$1" "$2" "$3" 200000)
	echo $(( (b - a) / 100000 ))
}

echo "Decision cost, instructions per call (x86_64 host build, gcc -O2; callgrind)"
printf '%-14s %-26s %8s %16s\n' path policy resolve "resolve+encode"
while read -r path policy encoder; do
	printf '%-14s %-26s %8s %16s\n' "$path" "$policy" \
		"$(per_call "$policy" "$path" resolve)" \
		"$(per_call "$policy $encoder" "$path" encode)"
done <<'PATHS'
arm64-ram     kvm_memattr_resolve_s2  s2_encode
arm64-device  kvm_memattr_resolve_s2  s2_encode
ept-ram       kvm_memattr_resolve_ept kvm_memattr_ept_encode
ept-mmio      kvm_memattr_resolve_ept kvm_memattr_ept_encode
npt-mmio      kvm_memattr_resolve_npt kvm_memattr_npt_encode
PATHS

echo
"$OUT/memattr/memattr_zap_bench"
