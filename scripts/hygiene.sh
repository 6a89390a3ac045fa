#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Upstream hygiene of the generated series, as tests:
#   hygiene.sh checkpatch   scripts/checkpatch.pl --strict on every patch of
#                           out/series: no error, warning or check, except
#                           those listed with a reason in
#                           scripts/checkpatch-exceptions
#   hygiene.sh kernel-doc   scripts/kernel-doc -none -Wall on every header
#                           the series adds (no output) or changes (no
#                           warning the unpatched header does not have)
. "$(dirname "$0")/lib.sh"

checkpatch() {
	local p name ignore out
	for p in "$OUT"/series/*/*.patch; do
		name=$(basename "$p")
		[ "$name" = 0000-cover-letter.patch ] && continue
		# "<patch name substring or *> <TYPE> | reason" lines that match.
		ignore=$(grep -v '^#' "$TOP/scripts/checkpatch-exceptions" |
			 while read -r pat type _; do
				 if [ "$pat" = "*" ] || [[ -n $pat && $name == *"$pat"* ]]; then
					 printf '%s,' "$type"
				 fi
			 done || true)
		# spdxcheck.py runs on "python3"; Debian's has python3-ply and
		# python3-git, a pyenv or venv python3 earlier in PATH may not.
		out=$(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict \
			${ignore:+--ignore "${ignore%,}"} "$p" 2>&1 || true)
		if grep -q '^total: 0 errors, 0 warnings, 0 checks' <<< "$out"; then
			result PASS checkpatch "$name"
		else
			result FAIL checkpatch "$name" "$(grep -m1 -E '^(ERROR|WARNING|CHECK):' <<< "$out")"
			printf '%s\n' "$out" >> "$LOGS/checkpatch.log"
		fi
	done
}

# kernel-doc warnings of @1 at revision @2, without line numbers.
kerneldoc_at() {
	git -C "$TREE" show "$2:$1" > "$OUT/kernel-doc.h" 2>/dev/null || return 0
	(cd "$TREE" && ./scripts/kernel-doc -none -Wall "$OUT/kernel-doc.h" 2>&1) |
		sed -E 's/^[^:]*:[0-9]+: //' | sort -u
}

# Headers the series adds must be clean; headers it changes must not get
# warnings their unpatched version does not have.
kerneldoc() {
	local h new
	for h in $(series_files | grep '\.h$'); do
		grep -q '^/\*\*' "$TREE/$h" || continue
		new=$(comm -13 <(kerneldoc_at "$h" base) <(kerneldoc_at "$h" HEAD))
		if [ -z "$new" ]; then
			result PASS kernel-doc "$h"
		else
			result FAIL kernel-doc "$h" "$(head -1 <<< "$new")"
			printf '%s: %s\n' "$h" "$new" >> "$LOGS/kernel-doc.log"
		fi
	done
	rm -f "$OUT/kernel-doc.h"
}

case "${1:-}" in
checkpatch)	checkpatch ;;
kernel-doc)	kerneldoc ;;
*)		die "usage: hygiene.sh checkpatch|kernel-doc" ;;
esac
