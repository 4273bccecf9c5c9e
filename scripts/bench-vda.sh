#!/usr/bin/env bash
# bench-vda.sh [BUILD_DIR] [SITE...] - wall time, peak memory and time per
# target of `cpted vda` (targets every 2 m along every line, default options)
# on the plaza sample and the bundled OSM extract (or the sites given), plus
# the machine, its load and the date, for docs/performance.md. CPU is user + sys
# (on a shared machine the wall time depends on the load; the CPU much less).
# Not a test: nothing is asserted.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$root/build"}
shift || true
sites=("$@")
[ ${#sites[@]} -eq 0 ] && sites=("$root/samples/plaza/plaza.gpkg" "$root/samples/osm/helsinki_centre_osm_2019.osm.pbf")
cpted="$build/apps/cpted"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "bench-vda: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), commit $commit, load $(cut -d' ' -f1-3 /proc/loadavg)"
for site in "${sites[@]}"; do
    for extra in "" "--no-sensitivity"; do
        /usr/bin/time -f "%e %M %U %S" -o "$out/time" "$cpted" vda "$site" $extra --json "$out/vda.json" --overwrite > /dev/null
        read -r secs kb usr sys < "$out/time"
        cpu=$(/usr/bin/python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) + float(sys.argv[2])))" "$usr" "$sys")
        n=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['targets']))" "$out/vda.json")
        per=$(/usr/bin/python3 -c "import sys; print('%.1f' % (1000*float(sys.argv[1])/max(1,int(sys.argv[2]))))" "$secs" "$n")
        echo "$(basename "$site") ${extra:-(with sensitivity)}: $n targets, ${secs} s wall, ${cpu} s CPU, $((kb / 1024)) MB peak, ${per} ms per target, load after $(cut -d' ' -f1 /proc/loadavg)"
    done
done
