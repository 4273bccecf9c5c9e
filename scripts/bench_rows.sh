#!/usr/bin/env bash
# bench_rows.sh - wall time and peak memory of the barrier-row derivation
# (cpted__rows_derive, lib/rows.c) on big layouts of bollards. The figures go into
# docs/performance.md with the machine and date.
#
# usage: scripts/bench_rows.sh [BUILD_DIR]
#   BUILD_DIR  a RelWithDebInfo or Release build (default build/) with its
#              tests/bench_rows (cmake --build BUILD_DIR --target bench_rows)
# Layouts (tests/bench/bench_rows.c): 10,000 and 100,000 bollards on one spot; 100,000
# in rows of 1,000 (1.5 m apart, rows 10 m apart); 100,000 on a square lattice 1.5 m
# apart; 100,000 at random in a square of the same density. Chaining distance 5 m.
# Each line: the program's own timing of the derivation (the site is built first and
# not counted), then the whole run's wall time and peak RSS from /usr/bin/time -v.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
bin=$build/tests/bench_rows
[ -x "$bin" ] || cmake --build "$build" --target bench_rows > /dev/null
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

echo "# bench_rows: $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for run in "colocated 10000" "colocated 100000" "rows 100000" "square 100000" "jitter 100000"; do
    # shellcheck disable=SC2086
    out=$(/usr/bin/time -v -o "$tmp" "$bin" $run)
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp")
    printf '%-44s whole run %8s, peak RSS %7d KB\n' "$out" "$wall" "$rss"
done
