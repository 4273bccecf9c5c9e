#!/usr/bin/python3
"""make_district.py - writes a synthetic district of N buildings as a GeoPackage.

For benchmarks and scaling tests. The output is deterministic: the same arguments give
the same file, byte for byte.

Layout (local metres, shifted by --origin into EPSG:25832):
  - square blocks on a grid with a pitch of 100 m. Road centrelines run along every grid
    line, across the whole district. Every third road is 10 m wide and the others 7 m;
  - up to --per-block buildings per block (at most 4), one per quarter of the block
    interior (76 m x 76 m). Each is a rectangle 20-32 m wide and deep, set back 4-8 m
    from the block edge that faces the street;
  - one asset per block (a randomly chosen building), or every building with
    --all-assets. Assets carry `required_standoff_m` (20, 30 or 50);
  - in front of about --bollard-fraction of the assets, a bollard row 4 m in front of
    the street-side facade. The bollards are 0.3 m in diameter at 1.5 m centres, so the
    clear gaps are 1.2 m. About 30% of the rows have one bollard missing. A perimeter
    line runs along each row;
  - the boundary is the grid's extent plus 20 m on each side.

Usage:
  /usr/bin/python3 scripts/make_district.py --buildings 400 --seed 1 --out district.gpkg
"""
import argparse
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from osgeo import ogr  # noqa: E402

from sitegpkg import wkt_line, wkt_point, wkt_rect, write_gpkg  # noqa: E402

PITCH = 100.0          # grid pitch (centreline to centreline)
HALF_STREET = 12.0     # block interior starts this far from a centreline
MARGIN = 20.0          # boundary margin around the grid
BOLLARD_PITCH = 1.5
BOLLARD_DIAMETER = 0.3
ROW_OFFSET = 4.0       # bollard row distance in front of the facade
RATING = "V/7500[N2]/48/90:1.1"


def r2(v):
    """Rounds to centimetres so the file has no float noise."""
    return round(v, 2)


class District:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.ox, self.oy = args.origin
        blocks = math.ceil(args.buildings / args.per_block)
        self.cols = math.ceil(math.sqrt(blocks))
        self.rows = math.ceil(blocks / self.cols)
        self.assets, self.buildings, self.bollards, self.perimeter = [], [], [], []

    def xy(self, x, y):
        return self.ox + x, self.oy + y

    def rect(self, minx, miny, maxx, maxy):
        return wkt_rect(*self.xy(minx, miny), *self.xy(maxx, maxy))

    def line(self, points):
        return wkt_line([self.xy(x, y) for x, y in points])

    def build(self):
        remaining = self.args.buildings
        for block in range(self.cols * self.rows):
            if remaining == 0:
                break
            count = min(self.args.per_block, remaining)
            self.add_block(block, count)
            remaining -= count
        return self

    def add_block(self, block, count):
        row, col = divmod(block, self.cols)
        x0 = col * PITCH + HALF_STREET
        y0 = row * PITCH + HALF_STREET
        quarter = (PITCH - 2 * HALF_STREET) / 2
        asset_slot = self.rng.randrange(count)
        for slot in range(count):
            qx, qy = slot % 2, slot // 2
            w = r2(self.rng.uniform(20.0, 32.0))
            d = r2(self.rng.uniform(20.0, 32.0))
            setback = r2(self.rng.uniform(4.0, 8.0))
            # Face the street on this quarter's outer side (south for qy=0, north for qy=1).
            minx = r2(x0 + qx * quarter + (quarter - w) / 2)
            if qy == 0:
                miny = r2(y0 + setback)
                facade_y, outward = miny, -1.0
            else:
                miny = r2(y0 + 2 * quarter - setback - d)
                facade_y, outward = miny + d, 1.0
            geom = self.rect(minx, miny, minx + w, miny + d)
            name = "R%dC%d-%d" % (row, col, slot + 1)
            if self.args.all_assets or slot == asset_slot:
                required = self.rng.choice((20.0, 30.0, 50.0))
                self.assets.append((geom, {"name": name, "required_standoff_m": required}))
                if self.rng.random() < self.args.bollard_fraction:
                    self.add_row(name, minx, minx + w, r2(facade_y + outward * ROW_OFFSET))
            else:
                self.buildings.append((geom, {"name": name}))

    def add_row(self, name, minx, maxx, y):
        n = int(math.floor((maxx - minx) / BOLLARD_PITCH)) + 1
        start = r2(minx + ((maxx - minx) - (n - 1) * BOLLARD_PITCH) / 2)
        missing = self.rng.randrange(1, n - 1) if n > 2 and self.rng.random() < 0.3 else None
        for k in range(n):
            if k == missing:
                continue
            x = r2(start + k * BOLLARD_PITCH)
            self.bollards.append((wkt_point(*self.xy(x, y)),
                                  {"name": "%s-B%d" % (name, k + 1), "diameter": BOLLARD_DIAMETER,
                                   "rating": RATING}))
        end = r2(start + (n - 1) * BOLLARD_PITCH)
        self.perimeter.append((self.line([(start, y), (end, y)]), {"name": name}))

    def roads(self):
        width_m = self.cols * PITCH
        height_m = self.rows * PITCH
        roads = []
        for i in range(self.cols + 1):
            x = i * PITCH
            roads.append((self.line([(x, -MARGIN), (x, height_m + MARGIN)]),
                          {"name": "Avenue %d" % i, "width": 10.0 if i % 3 == 0 else 7.0}))
        for j in range(self.rows + 1):
            y = j * PITCH
            roads.append((self.line([(-MARGIN, y), (width_m + MARGIN, y)]),
                          {"name": "Street %d" % j, "width": 10.0 if j % 3 == 0 else 7.0}))
        return roads

    def layers(self):
        S, R = ogr.OFTString, ogr.OFTReal
        boundary = self.rect(-MARGIN, -MARGIN, self.cols * PITCH + MARGIN, self.rows * PITCH + MARGIN)
        return [
            {"name": "boundary", "geom": ogr.wkbPolygon, "fields": [("name", S)],
             "features": [(boundary, {"name": "district extent"})]},
            {"name": "assets", "geom": ogr.wkbPolygon,
             "fields": [("name", S), ("required_standoff_m", R)], "features": self.assets},
            {"name": "buildings", "geom": ogr.wkbPolygon, "fields": [("name", S)],
             "features": self.buildings},
            {"name": "roads", "geom": ogr.wkbLineString, "fields": [("name", S), ("width", R)],
             "features": self.roads()},
            {"name": "bollards", "geom": ogr.wkbPoint,
             "fields": [("name", S), ("diameter", R), ("rating", S)], "features": self.bollards},
            {"name": "perimeter", "geom": ogr.wkbLineString, "fields": [("name", S)],
             "features": self.perimeter},
        ]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--buildings", type=int, required=True, help="number of buildings (>= 1)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--out", required=True, help="output GeoPackage (replaced if it exists)")
    p.add_argument("--per-block", type=int, default=4, choices=(1, 2, 3, 4),
                   help="buildings per block (default 4)")
    p.add_argument("--all-assets", action="store_true", help="make every building an asset")
    p.add_argument("--bollard-fraction", type=float, default=0.5,
                   help="share of assets with a bollard row in front (default 0.5)")
    p.add_argument("--origin", type=float, nargs=2, default=(500000.0, 5800000.0),
                   metavar=("E", "N"), help="EPSG:25832 coordinates of the local origin")
    args = p.parse_args(argv)
    if args.buildings < 1:
        p.error("--buildings must be at least 1")
    if not 0.0 <= args.bollard_fraction <= 1.0:
        p.error("--bollard-fraction must be within 0..1")
    return args


def main(argv):
    args = parse_args(argv)
    district = District(args).build()
    write_gpkg(args.out, 25832, district.layers())
    print("wrote %s: %d assets, %d other buildings, %d bollards in %d rows, %dx%d blocks"
          % (args.out, len(district.assets), len(district.buildings), len(district.bollards),
             len(district.perimeter), district.cols, district.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
