#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-bisect: build every commit of the series on its own, for
# arm64 (Image, modules) and for x86_64 (bzImage, modules), with the
# configurations "make check" uses. Not part of "make check" (it takes
# about an hour on two cores): run it before calling the series done.
#
# Each commit is checked out in a worktree of out/linux of its own, so the
# builds stay incremental from one commit to the next and out/linux is
# left alone. A commit that changes no file an arch's build reads is not
# built again for it. The result is one line per commit and arch in
# out/logs/bisect.txt, and the exit status is non-zero if any build failed.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel-tree.sh" > /dev/null
"$TOP/scripts/build.sh" arm64 > "$LOGS/bisect-config-arm64.log" 2>&1 ||
	die "arm64 build of the whole series failed, see out/logs/bisect-config-arm64.log"
"$TOP/scripts/build.sh" x86_64 > "$LOGS/bisect-config-x86_64.log" 2>&1 ||
	die "x86_64 build of the whole series failed, see out/logs/bisect-config-x86_64.log"

WT=$OUT/bisect/linux
if [ ! -d "$WT" ]; then
	mkdir -p "$OUT/bisect"
	git -C "$TREE" worktree add -q --detach "$WT" base
fi
mkdir -p "$OUT/bisect/build-arm64" "$OUT/bisect/build-x86_64"
cp "$OUT/build-arm64/.config" "$OUT/bisect/build-arm64/.config"
cp "$OUT/build-x86_64/.config" "$OUT/bisect/build-x86_64/.config"

# build_one ARCH LOG MAKE-ARGS...: olddefconfig (symbols a commit does not
# have yet drop out), then the build.
build_one() {
	local arch=$1 log=$2
	shift 2
	{
		make -C "$WT" O="$OUT/bisect/build-$arch" "$@" olddefconfig &&
		make -C "$WT" O="$OUT/bisect/build-$arch" "$@" -j"$JOBS" \
			$([ "$arch" = arm64 ] && echo Image || echo bzImage) modules
	} > "$log" 2>&1
}

out=$LOGS/bisect.txt
: > "$out"
failed=0
n=0
declare -A last
for c in $(git -C "$TREE" rev-list --reverse base..memattr); do
	n=$((n + 1))
	git -C "$WT" checkout -q --detach "$c"
	subject=$(git -C "$WT" log -1 --format=%s)
	files=$(git -C "$WT" diff-tree --no-commit-id --name-only -r HEAD)
	for arch in arm64 x86_64; do
		log=$LOGS/bisect-$(printf %02d $n)-$arch.log
		# A commit that changes no file this arch's build reads (only the
		# other arch's directory, selftests, tools/memattr, documentation)
		# leaves the tree this arch builds as the previous commit's.
		other=$([ "$arch" = arm64 ] && echo x86 || echo arm64)
		if [ "$n" -gt 1 ] && ! grep -qvE "^(arch/$other/|tools/testing/|tools/memattr/|Documentation/|MAINTAINERS$)" <<< "$files"; then
			printf '%02d %-7s %s (no file its build reads changed)  %s\n' \
				"$n" "$arch" "${last[$arch]}" "$subject" | tee -a "$out"
			[ "${last[$arch]}" = ok ] || failed=$((failed + 1))
			continue
		fi
		if [ "$arch" = arm64 ]; then
			args=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
			      CC="ccache aarch64-linux-gnu-gcc")
		else
			args=(ARCH=x86_64 CC="ccache gcc")
		fi
		if build_one "$arch" "$log" "${args[@]}"; then
			st=ok
		else
			st="FAILED (see $log)"
			failed=$((failed + 1))
		fi
		last[$arch]=$st
		printf '%02d %-7s %s  %s\n' "$n" "$arch" "$st" "$subject" | tee -a "$out"
	done
done
echo "$n commits, $failed failed builds" | tee -a "$out"
[ "$failed" -eq 0 ]
