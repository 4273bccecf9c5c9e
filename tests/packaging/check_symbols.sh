#!/usr/bin/env bash
# check_symbols.sh LIBRARY MAJOR
#
# The shared library exports only the public API (cpted_*), and its SONAME is
# libcpted.so.MAJOR (the ABI is stable within a major version).
set -euo pipefail

lib=$1
major=$2

fail() { echo "FAIL: $*" >&2; exit 1; }

[ -f "$lib" ] || fail "no library at $lib"

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ "$soname" = "libcpted.so.$major" ] || fail "SONAME is '$soname', expected libcpted.so.$major"

# GNU ld adds the section markers _edata, _end and __bss_start to every shared
# library (seen with binutils 2.40); other toolchains may add _init/_fini. These are
# tolerated. Everything else must be cpted_ and must not be an internal cpted__ name.
symbols=$(nm -D --defined-only "$lib" | awk '{print $NF}')
[ -n "$symbols" ] || fail "no exported symbols at all"
bad=$(printf '%s\n' "$symbols" | grep -vE '^cpted_[a-z0-9]' \
      | grep -vxE '_init|_fini|_edata|_end|__bss_start' || true)
internal=$(printf '%s\n' "$symbols" | grep -E '^cpted__' || true)
[ -z "$bad" ] || fail "non-API symbols exported:"$'\n'"$bad"
[ -z "$internal" ] || fail "internal cpted__ symbols exported:"$'\n'"$internal"

count=$(printf '%s\n' "$symbols" | grep -c '^cpted_')
echo "PASS: SONAME $soname, $count cpted_* symbols exported, nothing else"
