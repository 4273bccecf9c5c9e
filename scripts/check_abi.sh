#!/usr/bin/env bash
# check_abi.sh - the ABI gate (docs/api-conventions.md, "ABI stability").
#
#   scripts/check_abi.sh [BUILD_DIR]            compare with the committed 1.0 baseline
#   scripts/check_abi.sh [BUILD_DIR] --update   write the baseline (only when a major
#                                               version starts: 1.0 is frozen)
#
# The baseline abi/libcpted-1.abi is the abidw description of libcpted.so.1 as released
# in 1.0 (only cpted_* symbols are exported, so every type it names is public). abidiff
# compares it with the library in BUILD_DIR (built with debug information, as
# RelWithDebInfo is). abidiff sets bit 8 of its status only for removed symbols, and
# reports a changed struct layout or signature as a plain change (bit 4), so the gate
# reads the summary: a removed or changed function or variable fails; added functions
# pass (a minor version bump and a line in docs/changelog.md).
# (No --headers-dir: with a location-free baseline it would filter every type out.)
# The debug information also describes the internal structs behind the opaque
# handles; abi/internal-types.supp keeps their changes (cpted__* types) out.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
baseline=$root/abi/libcpted-1.abi
lib=$build/lib/libcpted.so.1

command -v abidiff > /dev/null || { echo "check_abi.sh: abidiff not found (Debian: abigail-tools)" >&2; exit 1; }
[ -f "$lib" ] || { echo "check_abi.sh: $lib not built" >&2; exit 1; }

if [ "${2:-}" = "--update" ]; then
    abidw --no-show-locs --no-corpus-path "$lib" > "$baseline"
    echo "check_abi.sh: wrote $baseline"
    exit 0
fi
[ -f "$baseline" ] || { echo "check_abi.sh: no baseline $baseline" >&2; exit 1; }

set +e
abidiff --suppressions "$root/abi/internal-types.supp" "$baseline" "$lib" \
    > "$build/abidiff.txt" 2>&1
status=$?
set -e
summary() { # summary KIND FIELD: the count before FIELD on abidiff's "KIND changes summary" line
    sed -n "s/^$1 changes summary: \(.*\)$/\1/p" "$build/abidiff.txt" |
        tr ',' '\n' | sed -n "s/^ *\([0-9]*\) $2.*/\1/p" | head -n1 | grep . || echo 0
}
removed=$(( $(summary Functions Removed) + $(summary Variables Removed) ))
changed=$(( $(summary Functions Changed) + $(summary Variables Changed) ))
added=$(summary Functions Added)
if [ $((status & 3)) -ne 0 ] || [ $((status & 8)) -ne 0 ] || [ "$removed" -ne 0 ] || [ "$changed" -ne 0 ]; then
    cat "$build/abidiff.txt"
    echo "check_abi.sh: FAILED: incompatible ABI change against 1.0: $removed removed, $changed changed (abidiff status $status)" >&2
    exit 1
fi
if [ "$added" -ne 0 ]; then
    cat "$build/abidiff.txt"
    echo "check_abi.sh: $added function(s) added since 1.0: bump the minor version"
fi
echo "check_abi.sh: ABI compatible with 1.0"
