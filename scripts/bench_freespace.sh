#!/bin/sh
# bench_freespace.sh - times free space + standoff on real OSM districts.
#
# usage: scripts/bench_freespace.sh [CPTED_BIN] [PBF...]
#   CPTED_BIN  the cpted binary (default build/apps/cpted)
#   PBF        OSM extracts (default: the Helsinki sample, and the Monaco extract
#              in $CPTED_SHARED_DATA, default ../shared/data beside the
#              repository, when it exists)
# For each extract it adds a grid of 1000 small (8 m x 8 m) assets over the
# extent (written to a temporary GeoJSON), runs `cpted standoff` for a car
# (M1) and a truck (N3C), and prints wall time and peak memory. Figures go
# into docs/performance.md.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/apps/cpted}
[ $# -gt 0 ] && shift
if [ $# -eq 0 ]; then
    set -- "$here/samples/osm/helsinki_centre_osm_2019.osm.pbf"
    shared=${CPTED_SHARED_DATA:-$here/../shared/data}
    [ -f "$shared/monaco_osm_benchmark.osm.pbf" ] &&
        set -- "$@" "$shared/monaco_osm_benchmark.osm.pbf"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pbf in "$@"; do
    name=$(basename "$pbf" .osm.pbf)
    "$bin" info "$pbf" --json "$tmp/info.json" --overwrite --quiet >/dev/null
    /usr/bin/python3 - "$tmp/info.json" "$tmp/assets.geojson" <<'PY'
import json, math, sys
info = json.load(open(sys.argv[1]))
x0, y0, x1, y1 = info["extent"]
n = 1000
side = int(math.sqrt(n))
lat = (y0 + y1) / 2
dy = 8 / 111320.0                       # 8 m in degrees of latitude
dx = 8 / (111320.0 * math.cos(math.radians(lat)))
features = []
for i in range(side):
    for j in range(side + 1):
        if len(features) == n:
            break
        x = x0 + (x1 - x0) * (i + 0.5) / side
        y = y0 + (y1 - y0) * (j + 0.5) / (side + 1)
        ring = [[x, y], [x + dx, y], [x + dx, y + dy], [x, y + dy], [x, y]]
        features.append({"type": "Feature", "properties": {"role": "asset"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
json.dump({"type": "FeatureCollection", "features": features}, open(sys.argv[2], "w"))
PY
    for vehicle in M1 N3C; do
        /usr/bin/time -f "$name $vehicle: %e s wall, %M KB peak" \
            "$bin" standoff "$pbf" "$tmp/assets.geojson" --vehicle "$vehicle" --lenient \
            --quiet --json "$tmp/out.json" --overwrite >/dev/null
        /usr/bin/python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
a = d['assets']
r = [x['standoff_m'] for x in a if x['standoff_m'] is not None]
print('   %d assets, accessible area %.0f m2, %d with standoff > 0, max %.1f m'
      % (len(a), d['accessible_area_m2'], sum(1 for v in r if v > 0), max(r) if r else 0))
" "$tmp/out.json"
    done
done
