#!/usr/bin/env bash
# bench-analyze.sh [BUILD_DIR] [SITE...] - `cpted analyze` (coverage, standoff and
# VDA over one free space, built once) against the three commands run apart (each
# reads the site and builds the free space itself), on the plaza and the Helsinki
# extract by default: wall and user+sys CPU seconds, best of 3, and the share the
# shared free space saves. For docs/performance.md. Not a test: nothing is asserted.
# First coverage + standoff (where reading the site and building the free space is
# most of the time), then all three where the VDA takes seconds (the plaza; every
# site with BENCH_VDA=1), without the sensitivity band, the same options both sides.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$root/build"}
shift || true
sites=("$@")
[ ${#sites[@]} -eq 0 ] && sites=("$root/samples/plaza/plaza.gpkg"
                                 "$root/samples/osm/helsinki_centre_osm_2019.osm.pbf")
cpted="$build/apps/cpted"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "bench-analyze: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"

# best_of_3 COMMAND...: prints "wall cpu" of the run with the least CPU time
best_of_3() {
    local best_wall="" best_cpu=""
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" > /dev/null 2> "$tmp/err" ||
            { echo "FAILED: $*" >&2; cat "$tmp/err" >&2; return 1; }
        read -r wall user sys < "$tmp/time"
        cpu=$(awk "BEGIN{print $user + $sys}")
        if [ -z "$best_cpu" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then
            best_cpu=$cpu
            best_wall=$wall
        fi
    done
    echo "$best_wall $best_cpu"
}

for site in "${sites[@]}"; do
    common=("$site" --vehicle M1 --quiet)
    # sites without assets: the protected buildings of the OSM sample (samples/osm)
    case "$site" in
        *helsinki*) common+=(--asset-name Stockmann --asset-name Tuomiokirkko) ;;
    esac
    read -r cw cc < <(best_of_3 "$cpted" coverage "${common[@]}" --json "$tmp/c.json" --overwrite)
    read -r sw sc < <(best_of_3 "$cpted" standoff "${common[@]}" --json "$tmp/s.json" --overwrite)
    read -r aw ac < <(best_of_3 "$cpted" analyze "${common[@]}" --parts coverage,standoff \
        --json "$tmp/a.json" --overwrite)
    echo "$(basename "$site"): coverage + standoff: analyze ${aw} s wall / ${ac} s CPU;" \
         "apart $(awk "BEGIN{print $cw + $sw}") s wall / $(awk "BEGIN{print $cc + $sc}") s CPU" \
         "(${cc} + ${sc}); one free space saves" \
         "$(awk "BEGIN{printf \"%.0f\", 100 * (1 - $ac / ($cc + $sc))}") % of the CPU"
    # the whole analysis only where the VDA takes seconds (BENCH_VDA=1: everywhere)
    case "$site" in *plaza*) ;; *) [ "${BENCH_VDA:-0}" = 1 ] || continue ;; esac
    read -r vw vc < <(best_of_3 "$cpted" vda "${common[@]}" --no-sensitivity \
        --json "$tmp/v.json" --overwrite)
    read -r aw ac < <(best_of_3 "$cpted" analyze "${common[@]}" --no-sensitivity \
        --json "$tmp/a.json" --overwrite)
    echo "$(basename "$site"): all three: analyze ${aw} s wall / ${ac} s CPU;" \
         "apart $(awk "BEGIN{print $cw + $sw + $vw}") s wall /" \
         "$(awk "BEGIN{print $cc + $sc + $vc}") s CPU (${cc} + ${sc} + ${vc})"
done
