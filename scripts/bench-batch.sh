#!/usr/bin/env bash
# bench-batch.sh - standoff of every building of a district (issue 12): cpted against a
# plain GeoPandas/Shapely script (scripts/bench_standoff_geopandas.py) and a minimal
# GDAL + GEOS program, the floor (tests/bench/standoff_floor.c), in the same run. The
# figures go into docs/performance.md ("Standoff of every building (batch)").
#
# usage: scripts/bench-batch.sh [BUILD_DIR]
#   BUILD_DIR  a RelWithDebInfo or Release build (default build/) with apps/cpted and
#              tests/standoff_floor
# Environment:
#   RUNS=3           runs per measurement (the best wall time is printed, with the
#                    user+sys CPU and peak RSS of that run)
#   SIZES="10000 100000"  synthetic districts (scripts/make_district.py --seed 1
#                    --all-assets: every building an asset); add 1000000 if it fits
#   MODELS="roads everything"  cpted's ground models for Monaco (the districts run
#                    in the roads model, the model the two other programs compute)
#   SKIP_OTHERS=1    only cpted
#   OTHERS_MAX=N     run the other two programs only on districts of at most N buildings
#   CPTED_BEFORE=BIN also time this cpted binary on the same data (a before/after)
#   BATCH_THREADS="1 2"  thread counts of `cpted batch` (the same JSON is checked for all)
#   APPROACH=1       also `cpted batch --approach` on Monaco (long; APPROACH_ARGS adds
#                    VDA options, e.g. "--no-sensitivity")
#   SKIP_STANDOFF=1  only `cpted batch` (not `cpted standoff`)
#   DISTRICTS=DIR    take district_N.gpkg from DIR when it is there, else write it
#                    there and keep it (make_district.py is deterministic; the
#                    1,000,000 district takes about 400-600 s and 4.3 GB to write)
# `cpted batch` (docs/method-batch.md) screens every building (--assets all-buildings;
# on Monaco the same buildings as the standoff runs' "building IS NOT NULL") with
# BATCH_THREADS threads; its standoffs equal cpted standoff's (tests/cli/test_batch.py).
# Data: tests/bench/data/monaco_osm_benchmark.osm.pbf (© OpenStreetMap contributors,
# ODbL 1.0; every building an asset: --assets-where "building IS NOT NULL").
# Needs /usr/bin/time and /usr/bin/python3 with geopandas (Debian python3-geopandas).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
bin=$build/apps/cpted
floor=$build/tests/standoff_floor
[ -x "$floor" ] || cmake --build "$build" --target standoff_floor > /dev/null
runs=${RUNS:-3}
sizes=${SIZES:-10000 100000}
models=${MODELS:-roads everything}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "# bench-batch: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$bin" --version)"

# best LABEL COMMAND...: the best wall time of $runs runs, with that run's CPU and peak
# RSS; the command's last stdout line (the check line of the other programs) after it.
best() {
    local label=$1 best="" line=""
    shift
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > "$tmp/out" 2> "$tmp/err" ||
            { echo "$label: FAILED"; tail -5 "$tmp/err"; return 1; }
        read -r wall user sys mem < "$tmp/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
            best=$wall
            awk "BEGIN{print $user + $sys}" > "$tmp/last_cpu"
            line=$(printf '%-36s wall %8.2f s  cpu %8.2f s  peak %7.0f MB' "$label" "$wall" \
                "$(awk "BEGIN{print $user + $sys}")" "$(awk "BEGIN{print $mem / 1024}")")
            tail -1 "$tmp/out" > "$tmp/check"
        fi
    done
    echo "$line"
    case $label in
    *cpted*) ;;
    *) echo "    $(cat "$tmp/check")" ;;
    esac
    echo "$best" > "$tmp/last"
}

summary() { # JSON -> assets, how many at 0, sum of standoffs
    /usr/bin/python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
s = [a['standoff_m'] for a in d['assets'] if a['standoff_m'] is not None]
print('    cpted: %d assets, %d at 0, sum of standoffs %.3f m' % (len(d['assets']), sum(1 for v in s if v == 0), sum(s)))
" "$1"
}

batch_threads=${BATCH_THREADS:-1 2}

# batch_set NAME SOURCE CPTED-ARGS...: `cpted batch` with each thread count, the JSON
# compared between them
batch_set() {
    local name=$1 src=$2 first=""
    shift 2
    for t in $batch_threads; do
        best "$name cpted batch t$t" "$bin" batch "$src" --quiet "$@" --threads "$t" \
            --json "$tmp/batch_$t.json" --overwrite
        summary "$tmp/batch_$t.json"
        if [ -z "$first" ]; then
            first=$t
        elif cmp -s "$tmp/batch_$first.json" "$tmp/batch_$t.json"; then
            echo "    JSON byte-identical to $first thread(s)"
        else
            echo "    JSON DIFFERS from $first thread(s)"
        fi
    done
}

run_set() { # NAME SOURCE CPTED-ARGS...
    local name=$1 src=$2
    shift 2
    batch_set "$name" "$src" "$@"
    [ -n "${SKIP_STANDOFF:-}" ] && return 0
    if [ -n "${CPTED_BEFORE:-}" ]; then
        best "$name cpted before" "$CPTED_BEFORE" standoff "$src" --quiet "$@" \
            --json "$tmp/before.json" --overwrite
        summary "$tmp/before.json"
        cat "$tmp/last" > "$tmp/last_before"
    fi
    best "$name cpted" "$bin" standoff "$src" --quiet "$@" --json "$tmp/so.json" --overwrite
    summary "$tmp/so.json"
    if [ -n "${CPTED_BEFORE:-}" ]; then
        if cmp -s "$tmp/before.json" "$tmp/so.json"; then
            echo "    JSON byte-identical to the before binary's"
        else
            echo "    JSON DIFFERS from the before binary's"
        fi
    fi
}

others() { # NAME SOURCE [N]
    [ -n "${SKIP_OTHERS:-}" ] && return 0
    [ -n "${3:-}" ] && [ -n "${OTHERS_MAX:-}" ] && [ "$3" -gt "$OTHERS_MAX" ] && return 0
    best "$1 geopandas" /usr/bin/python3 "$root/scripts/bench_standoff_geopandas.py" "$2"
    best "$1 GEOS floor" "$floor" "$2"
}

monaco=$root/tests/bench/data/monaco_osm_benchmark.osm.pbf
for m in $models; do
    batch_set "monaco $m" "$monaco" --lenient --drivable "$m"
    [ -z "${SKIP_STANDOFF:-}" ] &&
        best "monaco $m cpted" "$bin" standoff "$monaco" --quiet --lenient \
            --assets-where "building IS NOT NULL" --drivable "$m" --json "$tmp/so.json" \
            --overwrite && summary "$tmp/so.json"
done
if [ -n "${APPROACH:-}" ]; then
    # shellcheck disable=SC2086 # APPROACH_ARGS: several options
    batch_set "monaco roads approach" "$monaco" --lenient --drivable roads --approach \
        ${APPROACH_ARGS:-}
fi
others monaco "$monaco"

prev_n="" prev_t="" prev_c=""
for n in $sizes; do
    district=${DISTRICTS:-$tmp}/district_$n.gpkg
    if [ -z "${DISTRICTS:-}" ] || [ ! -f "$district" ]; then
        /usr/bin/python3 "$root/scripts/make_district.py" --buildings "$n" --seed 1 \
            --all-assets --out "$district" > /dev/null
    fi
    run_set "district $n roads" "$district" --drivable roads
    t=$(cat "$tmp/last") c=$(cat "$tmp/last_cpu")
    if [ -n "$prev_n" ]; then
        # the CPU exponent is the one to read on a loaded machine
        awk -v a="$prev_n" -v b="$n" -v ta="$prev_t" -v tb="$t" -v ca="$prev_c" -v cb="$c" \
            'BEGIN{printf "    growth %d -> %d: cpu ~ n^%.2f, wall ~ n^%.2f\n", a, b,
                   log(cb/ca)/log(b/a), log(tb/ta)/log(b/a)}'
    fi
    prev_n=$n prev_t=$t prev_c=$c
    others "district $n" "$district" "$n"
    [ -n "${DISTRICTS:-}" ] || rm -f "$district"
done
