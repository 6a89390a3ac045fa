#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Upstream hygiene of the generated series, as tests:
#   hygiene.sh checkpatch   scripts/checkpatch.pl --strict on every patch of
#                           out/series: no error, warning or check, except
#                           those listed with a reason in
#                           scripts/checkpatch-exceptions
#   hygiene.sh kernel-doc   scripts/kernel-doc -none -Wall on every header
#                           the series adds: no output
. "$(dirname "$0")/lib.sh"

checkpatch() {
	local p name ignore out
	for p in "$OUT"/series/*.patch; do
		name=$(basename "$p")
		[ "$name" = 0000-cover-letter.patch ] && continue
		# "<patch name substring or *> <TYPE> | reason" lines that match.
		ignore=$(grep -v '^#' "$TOP/scripts/checkpatch-exceptions" |
			 while read -r pat type _; do
				 if [ "$pat" = "*" ] || [[ -n $pat && $name == *"$pat"* ]]; then
					 printf '%s,' "$type"
				 fi
			 done || true)
		out=$(cd "$TREE" && ./scripts/checkpatch.pl --strict \
			${ignore:+--ignore "${ignore%,}"} "$p" 2>&1 || true)
		if grep -q '^total: 0 errors, 0 warnings, 0 checks' <<< "$out"; then
			result PASS checkpatch "$name"
		else
			result FAIL checkpatch "$name" "$(grep -m1 -E '^(ERROR|WARNING|CHECK):' <<< "$out")"
			printf '%s\n' "$out" >> "$LOGS/checkpatch.log"
		fi
	done
}

kerneldoc() {
	local h out
	for h in $(series_files | grep '\.h$'); do
		grep -q '^/\*\*' "$TREE/$h" || continue
		out=$(cd "$TREE" && ./scripts/kernel-doc -none -Wall "$h" 2>&1)
		if [ -z "$out" ]; then
			result PASS kernel-doc "$h"
		else
			result FAIL kernel-doc "$h" "$(head -1 <<< "$out")"
			printf '%s\n' "$out" >> "$LOGS/kernel-doc.log"
		fi
	done
}

case "${1:-}" in
checkpatch)	checkpatch ;;
kernel-doc)	kerneldoc ;;
*)		die "usage: hygiene.sh checkpatch|kernel-doc" ;;
esac
