#!/usr/bin/env bash
# bench.sh - wall time and peak memory of the cpted commands on real and synthetic
# districts. The figures go into docs/performance.md with the machine and date.
#
# usage: scripts/bench.sh [CPTED_BIN]
#   CPTED_BIN  the cpted binary (default build/apps/cpted; build it RelWithDebInfo
#              or Release: a sanitizer or Debug build measures the wrong thing)
# Data: the Helsinki sample (samples/osm), the Monaco extract from
# $CPTED_SHARED_DATA (default ../shared/data beside the repository) when present, and
# synthetic districts of 1,000 and 10,000 buildings (scripts/make_district.py, seed 1).
# Each command runs 3 times; the best wall time and its peak RSS are printed.
# Needs /usr/bin/time (Debian package "time") and /usr/bin/python3 with osgeo.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-$root/build/apps/cpted}
shared=${CPTED_SHARED_DATA:-$root/../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "# cpted bench: $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# $("$bin" --version)"

best_of_3() { # label command... -> one line: label, best wall s, peak KB of that run
    local label=$1 best="" best_mem=""
    shift
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > /dev/null 2> "$tmp/stderr" ||
            { echo "$label: FAILED"; cat "$tmp/stderr"; return 1; }
        read -r wall mem < "$tmp/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
            best=$wall best_mem=$mem
        fi
    done
    printf '%-44s %7.2f s %8d KB\n' "$label" "$best" "$best_mem"
}

datasets=("$root/samples/osm/helsinki_centre_osm_2019.osm.pbf")
[ -f "$shared/monaco_osm_benchmark.osm.pbf" ] && datasets+=("$shared/monaco_osm_benchmark.osm.pbf")
for n in 1000 10000; do
    /usr/bin/python3 "$root/scripts/make_district.py" --buildings "$n" --seed 1 \
        --out "$tmp/district_$n.gpkg" > /dev/null
    datasets+=("$tmp/district_$n.gpkg")
done

for data in "${datasets[@]}"; do
    name=$(basename "$data")
    name=${name%%.*}
    common=("$data" --quiet --lenient)
    best_of_3 "$name: info" "$bin" info "${common[@]}" --json "$tmp/out.json" --overwrite
    features=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['features'])" "$tmp/out.json")
    echo "    ($features features kept)"
    best_of_3 "$name: coverage M1" "$bin" coverage "${common[@]}" --json "$tmp/cov.json" --overwrite
    /usr/bin/python3 - "$tmp/cov.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
gaps = sum(len(l["gaps"]) for l in d["lines"])
print("    (%d lines, %d gaps, %d breaches)" % (len(d["lines"]), gaps, len(d["breaches"])))
PY
    case $name in
    district_*) # every block has an asset: standoff of all of them
        best_of_3 "$name: standoff M1" "$bin" standoff "${common[@]}" --json "$tmp/so.json" --overwrite
        best_of_3 "$name: standoff N3C" "$bin" standoff "${common[@]}" --vehicle N3C --json "$tmp/so.json" --overwrite
        /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('    (%d assets)' % len(d['assets']))" "$tmp/so.json"
        ;;
    esac
done
echo "# standoff on the OSM extracts (1,000 assets added on a grid): scripts/bench_freespace.sh"
