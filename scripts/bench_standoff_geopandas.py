#!/usr/bin/python3
"""bench_standoff_geopandas.py - the standoff of every building by a plain GeoPandas/Shapely
script, for scripts/bench-batch.sh to compare cpted with what a GIS analyst would write.

Not the same model as cpted (docs/method-standoff.md): the drivable ground is the road
centrelines buffered by half their carriageway width (cpted's class defaults, docs/roles.md,
or the `width` attribute of a road layer), and the accessible area A is that ground grown by
half the vehicle width (the vehicle centre on the road, its body beside it), one union. No
blocking, no reachability, no entries. The standoff of a building is its distance to A. It
does the same kind of work (read, project, buffer, union, nearest distance per building) and
prints the number of buildings, how many touch A and the sum of the distances, so a run can
be checked.

Usage:
  /usr/bin/python3 scripts/bench_standoff_geopandas.py SOURCE [--vehicle-width 1.8]
SOURCE: an OSM extract (.osm.pbf/.osm: buildings = multipolygons with `building`, roads =
vehicle-capable `highway` lines) or a GeoPackage from scripts/make_district.py (layers
`assets`, `buildings`, `roads` with `width`).
"""
import argparse
import sys
import time

import geopandas as gpd
import pandas as pd

# cpted's default carriageway widths per highway class (lib/roles.c, docs/roles.md)
ROAD_WIDTH_M = {
    "motorway": 7.5, "trunk": 7.5, "primary": 7.0, "secondary": 6.5, "tertiary": 6.0,
    "unclassified": 5.5, "residential": 5.5, "living_street": 4.5, "service": 3.5,
    "pedestrian": 5.0, "track": 3.0, "road": 6.5, "busway": 3.5,
}
LINK_WIDTH_M = 4.0


def read_ogr(source, layer_name, fields):
    from osgeo import gdal, ogr
    from shapely import wkb
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    ds = ogr.Open(source)
    layer = ds.GetLayerByName(layer_name)
    rows, geoms = {f: [] for f in fields}, []
    for feat in layer:
        g = feat.GetGeometryRef()
        if g is None:
            continue
        geoms.append(wkb.loads(bytes(g.ExportToWkb())))
        for f in fields:
            rows[f].append(feat.GetField(f))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def read(source):
    if source.endswith(".pbf") or source.endswith(".osm"):
        # Fiona has no OSM driver: GDAL's, through its Python binding
        buildings = read_ogr(source, "multipolygons", ["building"])
        lines = read_ogr(source, "lines", ["highway"])
        buildings = buildings[buildings["building"].notna()]
        hw = lines["highway"].fillna("")
        width = hw.map(ROAD_WIDTH_M)
        width[hw.str.endswith("_link")] = LINK_WIDTH_M
        roads = lines[width.notna()].copy()
        roads["width"] = width[width.notna()]
    else:
        buildings = pd.concat([gpd.read_file(source, layer="assets"),
                               gpd.read_file(source, layer="buildings")], ignore_index=True)
        roads = gpd.read_file(source, layer="roads")
    return buildings, roads


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("--vehicle-width", type=float, default=1.8)
    args = ap.parse_args()
    t0 = time.perf_counter()
    buildings, roads = read(args.source)
    if buildings.crs is not None and buildings.crs.is_geographic:
        crs = buildings.estimate_utm_crs()
        buildings = buildings.to_crs(crs)
        roads = roads.to_crs(crs)
    t1 = time.perf_counter()
    grown = roads.geometry.buffer(roads["width"].values / 2.0 + args.vehicle_width / 2.0,
                                  resolution=8)
    accessible = grown.unary_union
    t2 = time.perf_counter()
    d = buildings.geometry.distance(accessible)
    t3 = time.perf_counter()
    print("geopandas: %d buildings, %d touch A, sum of standoffs %.3f m; read+project %.2f s, "
          "A %.2f s, distances %.2f s" % (len(d), int((d == 0).sum()), float(d.sum()),
                                          t1 - t0, t2 - t1, t3 - t2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
