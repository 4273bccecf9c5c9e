#!/usr/bin/env python3
"""make_wkb_corpus.py - writes the seed corpus of fuzz_wkb (corpus/wkb/).

Each seed is one harness input (layout in fuzz_wkb.c): a flags byte, then
records of role byte, u16 length and WKB. Run from any directory; the files
are committed, so this only documents and remakes them.
"""
import math
import os
import struct

ROLE = dict(asset=1, building=2, barrier=3, obstacle=4, soft=5, perimeter=6,
            ground=7, road=8, entry=9, boundary=10)


def point(x, y, order="<"):
    return struct.pack(order + "BIdd", 1 if order == "<" else 0, 1, x, y)


def line(xy, order="<"):
    b = struct.pack(order + "BII", 1 if order == "<" else 0, 2, len(xy))
    return b + b"".join(struct.pack(order + "dd", x, y) for x, y in xy)


def rings_body(rings):
    b = struct.pack("<I", len(rings))
    for r in rings:
        b += struct.pack("<I", len(r)) + b"".join(struct.pack("<dd", x, y) for x, y in r)
    return b


def polygon(*rings):
    return struct.pack("<BI", 1, 3) + rings_body(rings)


def rect(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]


def multipolygon(*polys):
    return struct.pack("<BII", 1, 6, len(polys)) + b"".join(polygon(*p) for p in polys)


def collection(*geoms):
    return struct.pack("<BII", 1, 7, len(geoms)) + b"".join(geoms)


def point_z(x, y, z):  # ISO WKB 3D (type 1001)
    return struct.pack("<BIddd", 1, 1001, x, y, z)


def ewkb_point_srid(x, y, srid):  # extended WKB with an SRID flag
    return struct.pack("<BIIdd", 1, 0x20000001, srid, x, y)


def seed(flags, *records):
    b = bytes([flags])
    for role, wkb in records:
        b += bytes([ROLE[role]]) + struct.pack("<H", len(wkb)) + wkb
    return b


SEEDS = {
    "building": seed(0, ("building", polygon(rect(12, 12, 20, 18)))),
    "wall_and_entry": seed(1, ("barrier", line([(-12, 10), (12, 10)])),
                           ("entry", point(-39, 0))),
    "perimeter_ring": seed(0, ("perimeter", polygon(rect(-15, 15, 15, 40)))),
    "bowtie_asset": seed(4, ("asset", polygon([(30, 20), (40, 30), (40, 20), (30, 30), (30, 20)]))),
    "hole_ground": seed(2, ("ground", polygon(rect(-40, -10, 40, 50), rect(-5, 40, 5, 45))),
                        ("soft", point(0, 12))),
    "multi_obstacle": seed(0, ("obstacle", multipolygon([rect(-20, 5, -18, 7)], [rect(18, 5, 20, 7)]))),
    "collection": seed(1, ("barrier", collection(point(-4, 8), point(4, 8)))),
    "point_z": seed(0, ("barrier", point_z(3.75, 8, 1.0))),
    "ewkb_srid": seed(0, ("barrier", ewkb_point_srid(-3.75, 8, 25832))),
    "big_endian_road": seed(5, ("road", line([(0, -30), (0, 30)], ">"))),
    "boundary": seed(0, ("boundary", polygon(rect(-30, -15, 30, 45)))),
    "nan_point": seed(0, ("barrier", point(math.nan, 8))),
    "empty_line": seed(1, ("perimeter", struct.pack("<BII", 1, 2, 0))),
    "truncated": seed(0, ("building", polygon(rect(0, 0, 1, 1))[:30])),
    "rows_only": bytes([0]),
    "perimeter_only": bytes([1]),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "wkb")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} seeds in {out}")
