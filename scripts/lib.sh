# SPDX-License-Identifier: GPL-2.0
#
# Shared by the workbench scripts: paths, toolchain, logging and results.

set -euo pipefail

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
OUT=${OUT:-$TOP/out}
TREE=$OUT/linux
LOGS=$OUT/logs
RESULTS=$LOGS/results.txt
mkdir -p "$OUT" "$LOGS"

export CCACHE_DIR=${CCACHE_DIR:-$OUT/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
JOBS=$(( $(nproc) + 1 ))

ARM64_MAKE=(make -C "$TREE" O="$OUT/build-arm64" ARCH=arm64
	    CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc"
	    -j"$JOBS")
X86_MAKE=(make -C "$TREE" O="$OUT/build-x86_64" ARCH=x86_64
	  CC="ccache gcc" -j"$JOBS")

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# result STATUS LABEL NAME [DETAIL]: record one test result.
result() {
	local line="$1 $2: $3${4:+ ($4)}"
	printf '%s\n' "$line" >> "$RESULTS"
	[ "$1" = PASS ] || printf '  %s\n' "$line"
}

# Append the PASS/FAIL/SKIP lines a results.py run printed.
record() {
	grep -E '^(PASS|FAIL|SKIP) ' "$1" >> "$RESULTS" || true
	grep -E '^(FAIL|SKIP) ' "$1" | sed 's/^/  /' || true
}

# timed NAME CMD...: run CMD with its output in $LOGS/NAME.log.
timed() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	set +e
	"$@" > "$LOGS/$name.log" 2>&1
	rc=$?
	set -e
	printf '%-28s %4ds  %s\n' "$name" $(( $(date +%s) - start )) \
		"$([ $rc -eq 0 ] && echo ok || echo "FAILED (rc=$rc, see out/logs/$name.log)")"
	printf '%s %d\n' "$name" $(( $(date +%s) - start )) >> "$LOGS/timings.txt"
	return $rc
}

# The project's own files in the kernel tree: added or modified by the series.
series_files() {
	git -C "$TREE" diff --name-only base HEAD
}
