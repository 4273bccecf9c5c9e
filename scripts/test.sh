#!/usr/bin/env bash
# test.sh - the full test run, and what .ci/run calls:
#   1. setup      install missing Debian packages (scripts/setup.sh)
#   2. build      configure + build in build/ (RelWithDebInfo, -j2)
#   3. tests      ctest in build/: unit, api, cli and packaging tests
#   4. docs       Doxygen on the public headers; any warning fails
#   4b. abi       abidiff of build/'s libcpted.so.1 against the committed 1.0 baseline
#                 (scripts/check_abi.sh): a removed or changed function or struct fails
#   5. asan-build configure + build in build-asan/ with -DCPTED_SANITIZE=ON
#   6. asan-tests the unit, api and cli tests under AddressSanitizer (with leak
#                 detection) and UndefinedBehaviorSanitizer
#   7. valgrind   the unit and api test programs of build/ under Valgrind memcheck:
#                 any memory error or definite leak fails
#   8. tsan-build configure build-tsan/ with clang-14 and -DCPTED_TSAN=ON, build only
#                 the library and the thread test (api_test_threads)
#   9. tsan-test  the thread test, the VDA test (its two-thread search) and the batch
#                 test (its worker threads, 1/2/8) under
#                 ThreadSanitizer: any report fails
#                 (tests/tsan.supp names the few inside GDAL, each with its proof)
#  10. fuzz       the libFuzzer harnesses of tests/fuzz (clang-14, ASan + UBSan, in
#                 build-fuzz/), each for CPTED_FUZZ_SECONDS (40) on a copy of its
#                 seed corpus (scripts/fuzz_long.sh): any report fails
# Each step is reported. The last line is the summary, and the exit status is 0 only
# when every step passed. If the build fails, nothing after it can run, so the script
# stops there.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"
build_asan="$root/build-asan"
build_tsan="$root/build-tsan"
jobs=${CPTED_JOBS:-2}

results=()
failed=()
start_all=$SECONDS

# run_step NAME COMMAND... - runs a step, records PASS/FAIL and its duration.
run_step() {
    local name=$1
    shift
    local t0=$SECONDS
    echo
    echo "==== test.sh: $name"
    if "$@"; then
        results+=("$name: PASS ($((SECONDS - t0)) s)")
        return 0
    fi
    results+=("$name: FAIL ($((SECONDS - t0)) s)")
    failed+=("$name")
    echo "==== test.sh: $name FAILED" >&2
    return 1
}

summary() {
    echo
    echo "==== test.sh summary"
    printf '  %s\n' "${results[@]}"
    local total=$((SECONDS - start_all))
    if [ ${#failed[@]} -eq 0 ]; then
        echo "test.sh: PASSED: all ${#results[@]} steps passed in ${total} s"
        exit 0
    fi
    echo "test.sh: FAILED: ${failed[*]} (${#failed[@]} of ${#results[@]} steps failed, ${total} s)"
    exit 1
}

ctest_in() {
    local dir=$1
    shift
    (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@")
}

asan_tests() {
    # The CLI tests run the sanitized binary too, so its leaks are found as well.
    # Only the GEOS leaks named in tests/lsan.supp are suppressed.
    LSAN_OPTIONS=suppressions=$root/tests/lsan.supp \
    ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        ctest_in "$build_asan" -LE 'packaging|docs|crosscheck|chromium'
}

# valgrind_one PROGRAM - one test program under Valgrind memcheck; its log is
# kept next to it and shown when it fails.
valgrind_one() {
    local t=$1 log="$build/tests/$(basename "$1").valgrind.log"
    if (cd "$build/tests" &&
        CPTED_TEST_DATA="$root/tests/data" CPTED_SAMPLES="$root/samples" \
        CPTED_TEST_TMP="$build/tests/tmp" \
        valgrind --quiet --error-exitcode=99 --leak-check=full \
                 --errors-for-leak-kinds=definite --show-leak-kinds=definite \
                 "$t" > "$log" 2>&1); then
        echo "valgrind: $(basename "$t"): clean"
        return 0
    fi
    echo "valgrind: $(basename "$t"): FAILED (log follows)" >&2
    tail -n 60 "$log" >&2
    return 1
}

valgrind_tests() {
    # ctest -T memcheck would do, but its pass/fail handling depends on the CTest
    # version; running the programs directly keeps the verdict plain. They run
    # $jobs at a time (Valgrind is single-threaded; the step took 20 min serially).
    local t programs=()
    for t in "$build"/tests/unit_test_* "$build"/tests/api_test_*; do
        [ -x "$t" ] || continue
        # Allocation-failure injection runs every operation once per allocation: under
        # Valgrind that is over 10 minutes, and its leaks are already checked by the
        # asan-tests step (LeakSanitizer), so it is left out here.
        [ "$(basename "$t")" = unit_test_alloc_failure ] && continue
        # The VDA searches run millions of lattice states (13 s natively, over
        # 6 min under Valgrind); asan-tests checks them for memory errors and leaks.
        [ "$(basename "$t")" = api_test_vda ] && continue
        # Valgrind runs threads one at a time: the thread test took 4 min there and
        # finds nothing ASan (memory) and TSan (races) do not check already.
        [ "$(basename "$t")" = api_test_threads ] && continue
        programs+=("$t")
    done
    # the longest first, so that the two lanes end together
    local heavy=() light=()
    for t in "${programs[@]}"; do
        case "$(basename "$t")" in
        api_test_site_open | api_test_crs | api_test_coverage | api_test_lifetimes) heavy+=("$t") ;;
        *) light+=("$t") ;;
        esac
    done
    programs=("${heavy[@]}" "${light[@]}")
    export -f valgrind_one
    export build root
    printf '%s\0' "${programs[@]}" | xargs -0 -n 1 -P "$jobs" bash -c 'valgrind_one "$1"' _
}

tsan_build() {
    CC=clang-14 cmake -S "$root" -B "$build_tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCPTED_TSAN=ON -DCPTED_BUILD_APPS=OFF &&
        cmake --build "$build_tsan" -j "$jobs" --target api_test_threads api_test_vda \
            api_test_batch
}

tsan_test() {
    local t
    for t in api_test_threads api_test_vda api_test_batch; do
        (cd "$build_tsan/tests" &&
            CPTED_TEST_DATA="$root/tests/data" CPTED_SAMPLES="$root/samples" \
            CPTED_TEST_TMP="$build_tsan/tests/tmp" \
            TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$root/tests/tsan.supp" \
            "./$t") || return 1
    done
}

run_step setup "$root/scripts/setup.sh" || summary
run_step build "$root/scripts/build.sh" "$build" || summary
run_step tests ctest_in "$build" -LE docs || true
run_step docs ctest_in "$build" -L docs --no-tests=error || true
run_step abi "$root/scripts/check_abi.sh" "$build" || true
if run_step asan-build "$root/scripts/build.sh" "$build_asan" -- -DCPTED_SANITIZE=ON; then
    run_step asan-tests asan_tests || true
fi
run_step valgrind valgrind_tests || true
if run_step tsan-build tsan_build; then
    run_step tsan-test tsan_test || true
fi
run_step fuzz "$root/scripts/fuzz_long.sh" "${CPTED_FUZZ_SECONDS:-40}" "$root/build-fuzz" || true
summary
