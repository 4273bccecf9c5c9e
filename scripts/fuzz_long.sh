#!/usr/bin/env bash
# fuzz_long.sh [SECONDS] [BUILD_DIR] - builds the libFuzzer harnesses of
# tests/fuzz (clang-14, -DCPTED_FUZZ=ON, ASan + UBSan) in BUILD_DIR (default
# build-fuzz/) and runs each for SECONDS (default 600) on a copy of its seed
# corpus (tests/fuzz/corpus/NAME: the repository is never written). Prints, per
# harness, the executions, the corpus size reached and the reports (crashes,
# leaks, timeouts, out-of-memory), whose inputs are kept in
# BUILD_DIR/fuzz-out/NAME/. Exit status 0 only when no harness reported
# anything. scripts/test.sh runs it for 40 s each; docs/robustness.md records
# longer runs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-600}
build=${2:-"$root/build-fuzz"}
jobs=${CPTED_JOBS:-2}
cc=${CPTED_FUZZ_CC:-clang-14}
harnesses=(fuzz_rating fuzz_wkb fuzz_geojson)

mkdir -p "$build"
CC=$cc cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCPTED_FUZZ=ON > "$build/configure.log" 2>&1 ||
    { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j "$jobs" --target "${harnesses[@]}"

# Leaks are reported (libFuzzer's -detect_leaks); only the GEOS leaks named in
# tests/lsan.supp are suppressed.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0

status=0
summary=()
for h in "${harnesses[@]}"; do
    name=${h#fuzz_}
    out="$build/fuzz-out/$name"
    rm -rf "$out"
    mkdir -p "$out/corpus" "$out/artifacts"
    cp "$root/tests/fuzz/corpus/$name/"* "$out/corpus/"
    echo "fuzz_long: $h for $seconds s"
    rc=0
    (cd "$out" && "$build/tests/fuzz/$h" -max_total_time="$seconds" -timeout=120 \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/" "$out/corpus" \
        > "$out/log.txt" 2>&1) || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log.txt" | tail -n 1)
    reports=$(find "$out/artifacts" -type f | wc -l)
    units=$(find "$out/corpus" -type f | wc -l)
    line="$h: ${execs:-?} executions in $seconds s, corpus $units inputs, $reports reports (exit $rc)"
    summary+=("$line")
    if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
        status=1
        echo "fuzz_long: $h FAILED; report inputs in $out/artifacts, log follows" >&2
        grep -E -A 40 '^==[0-9]+==ERROR|runtime error|^SUMMARY' "$out/log.txt" | head -n 120 >&2 || tail -n 60 "$out/log.txt" >&2
    fi
done
printf '%s\n' "${summary[@]}"
echo "fuzz_long: machine $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $($cc --version | head -n 1)"
exit $status
