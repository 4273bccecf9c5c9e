#!/usr/bin/python3
"""make_plaza.py - writes samples/plaza/plaza.gpkg, the synthetic "Town Hall plaza" site.

Every number below is documented in samples/plaza/README.md, where tests take
their hand-worked expectations from. Coordinates are written in local metres
(x east, y north) and shifted by ORIGIN into EPSG:25832 (ETRS89 / UTM 32N).

Usage: /usr/bin/python3 samples/plaza/make_plaza.py [OUT.gpkg]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

from osgeo import ogr  # noqa: E402

from sitegpkg import wkt_line, wkt_point, wkt_rect, write_gpkg  # noqa: E402

EPSG = 25832
ORIGIN = (500000.0, 5800000.0)

BOLLARD_Y = 120.0
BOLLARD_PITCH = 1.5
BOLLARD_DIAMETER = 0.3
# Nine positions 144.0 .. 156.0 across the mouth of Station Avenue; the one at
# x = 150.0 (on the road's centreline) is missing.
BOLLARD_XS = [144.0 + BOLLARD_PITCH * k for k in range(9) if k != 4]
RATING = "V/7500[N2]/48/90:1.1"


def at(x, y):
    return ORIGIN[0] + x, ORIGIN[1] + y


def rect(minx, miny, maxx, maxy):
    return wkt_rect(*at(minx, miny), *at(maxx, maxy))


def line(*points):
    return wkt_line([at(x, y) for x, y in points])


def point(x, y):
    return wkt_point(*at(x, y))


def layers():
    S, R = ogr.OFTString, ogr.OFTReal
    bollards = []
    for i, x in enumerate(BOLLARD_XS, start=1):
        # The two end bollards (against the walls) carry no rating.
        rated = 1 < i < len(BOLLARD_XS)
        bollards.append((point(x, BOLLARD_Y),
                         {"name": "B%d" % i, "diameter": BOLLARD_DIAMETER,
                          "rating": RATING if rated else None}))
    return [
        {"name": "boundary", "geom": ogr.wkbPolygon, "fields": [("name", S)],
         "features": [(rect(0, 0, 300, 280), {"name": "study extent"})]},
        {"name": "ground", "geom": ogr.wkbPolygon, "fields": [("name", S)],
         "features": [(rect(0, 0, 300, 280), {"name": "all paved: drivable (conservative)"})]},
        {"name": "assets", "geom": ogr.wkbPolygon,
         "fields": [("name", S), ("required_standoff_m", R)],
         "features": [(rect(130, 170, 170, 200), {"name": "Town Hall", "required_standoff_m": 30.0})]},
        {"name": "buildings", "geom": ogr.wkbPolygon, "fields": [("name", S)],
         "features": [
             (rect(60, 120, 100, 270), {"name": "West Wing"}),
             (rect(100, 225, 200, 270), {"name": "North Range"}),
             (rect(200, 120, 240, 270), {"name": "East Wing"}),
             (rect(100, 0, 140, 100), {"name": "Station"}),
             (rect(160, 66, 240, 110), {"name": "Bank"}),
             (rect(160, 0, 240, 54), {"name": "Shops"}),
         ]},
        {"name": "roads", "geom": ogr.wkbLineString, "fields": [("name", S), ("width", R)],
         "features": [
             (line((150, 0), (150, 120)), {"name": "Station Avenue", "width": 7.0}),
             (line((300, 60), (150, 60)), {"name": "Market Street", "width": 6.0}),
         ]},
        {"name": "bollards", "geom": ogr.wkbPoint,
         "fields": [("name", S), ("diameter", R), ("rating", S)],
         "features": bollards},
        {"name": "walls", "geom": ogr.wkbLineString, "fields": [("name", S), ("thickness", R)],
         "features": [
             (line((100, 120), (144, 120)), {"name": "West wall", "thickness": 0.3}),
             (line((156, 120), (200, 120)), {"name": "East wall", "thickness": 0.3}),
         ]},
        {"name": "soft", "geom": ogr.wkbUnknown, "fields": [("name", S), ("kind", S)],
         "features": [
             (point(115, 140), {"name": "T1", "kind": "tree"}),
             (point(185, 140), {"name": "T2", "kind": "tree"}),
             (point(115, 205), {"name": "T3", "kind": "tree"}),
             (point(185, 205), {"name": "T4", "kind": "tree"}),
             (point(143.5, 20), {"name": "T5", "kind": "tree"}),
             (point(143.5, 50), {"name": "T6", "kind": "tree"}),
             (point(143.5, 80), {"name": "T7", "kind": "tree"}),
             (rect(120, 150, 122, 150.6), {"name": "Bench W", "kind": "bench"}),
             (rect(178, 150, 180, 150.6), {"name": "Bench E", "kind": "bench"}),
         ]},
        {"name": "perimeter", "geom": ogr.wkbLineString, "fields": [("name", S)],
         "features": [(line((100, 120), (200, 120)), {"name": "Plaza south line"})]},
    ]


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(HERE, "plaza.gpkg")
    write_gpkg(out, EPSG, layers())
    print("wrote %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
