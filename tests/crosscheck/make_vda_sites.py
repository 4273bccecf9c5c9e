#!/usr/bin/python3
"""make_vda_sites.py - writes the synthetic VDA cross-check sites tests/data/vda_sites/.

Each site is one GeoJSON FeatureCollection in EPSG:32633 (UTM 33N) whose features
carry a `role` attribute (docs/roles.md), plus a JSON sidecar NAME.json with its
parameters, the geometry the reference search needs (target line, attack region,
search window, all in local metres) and the closed-form value where one exists.

Local coordinates are metres (x east, y north), shifted by ORIGIN. Every site is
enclosed: a `boundary` box and one `building` that fills the box except the
drivable area (streets and a forecourt beyond the line), so the streets have walls
(the boundary itself is not a wall, docs/method-freespace.md). An `asset` in the
forecourt fixes the attack side of the open perimeter line (architecture §8).

The output is byte-reproducible: coordinates are rounded to the micrometre and
written in a fixed order.

Usage: /usr/bin/python3 tests/crosscheck/make_vda_sites.py [OUTDIR]
"""
import json
import math
import os
import sys

from shapely.geometry import LineString, Point, Polygon, box, mapping
from shapely.ops import unary_union

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "data", "vda_sites"))

EPSG = 32633
ORIGIN = (500000.0, 5800000.0)
MARGIN = 10.0  # wall thickness round the drivable area (building up to the boundary)

# Design vehicle M1 (domain.md §9, architecture §8).
W = 1.8
HALF = W / 2.0
A0 = 3.5
VMAX = 180.0 / 3.6
F_LAT = 0.6
G = 9.80665  # standard gravity, as cpted (docs/method-vda.md); 9.81 would add 0.02 % to arc caps


def s_of_v(v0, v):
    """Distance to go from v0 to v (m/s) under a(v) = a0 (1 - v / vmax) (architecture §4)."""
    return (VMAX / A0) * ((v0 - v) - VMAX * math.log((VMAX - v) / (VMAX - v0)))


def v_of_s(s, v0=0.0):
    """Inverse of s_of_v by bisection (speed reached after s metres from v0)."""
    lo, hi = v0, VMAX
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if s_of_v(v0, mid) < s:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def kmh(v):
    return v * 3.6


def r6(v):
    return float("%.6f" % v)


def shift(coords):
    return [[r6(ORIGIN[0] + x), r6(ORIGIN[1] + y)] for x, y in coords]


def geom_json(g):
    m = mapping(g)
    t = m["type"]
    if t == "Point":
        return {"type": "Point", "coordinates": shift([m["coordinates"]])[0]}
    if t == "LineString":
        return {"type": "LineString", "coordinates": shift(m["coordinates"])}
    if t == "Polygon":
        return {"type": "Polygon", "coordinates": [shift(ring) for ring in m["coordinates"]]}
    raise ValueError(t)


def feature(role, g, name, **props):
    p = {"role": role, "name": name}
    p.update(props)
    return {"type": "Feature", "properties": p, "geometry": geom_json(g)}


def polys(g):
    if g.geom_type == "Polygon":
        return [g]
    return sorted(g.geoms, key=lambda p: (p.bounds[0], p.bounds[1]))


class Site:
    def __init__(self, name, description):
        self.name = name
        self.description = description
        self.drivable = []
        self.features = []      # extra features (asset, barriers, perimeter, entries)
        self.side = {}

    def finish(self, line, attack_region, window, closed_form=None, segments=None,
               expect=None, params=None):
        drive = unary_union(self.drivable)
        minx, miny, maxx, maxy = drive.bounds
        bnd = box(minx - MARGIN, miny - MARGIN, maxx + MARGIN, maxy + MARGIN)
        walls = bnd.difference(drive)
        feats = [feature("boundary", bnd, "study extent")]
        for i, p in enumerate(polys(walls)):
            feats.append(feature("building", p, "walls %d" % (i + 1)))
        feats.extend(self.features)
        fc = {"type": "FeatureCollection", "name": self.name,
              "crs": {"type": "name",
                      "properties": {"name": "urn:ogc:def:crs:EPSG::%d" % EPSG}},
              "features": feats}
        side = {
            "name": self.name,
            "description": self.description,
            "epsg": EPSG,
            "origin": list(ORIGIN),
            "vehicle": {"class": "M1", "width_m": W, "a0_mps2": A0, "vmax_kmh": 180.0,
                        "lateral_friction": F_LAT, "g_mps2": G, "min_turn_radius_m": 5.5},
            "line": [list(map(r6, c)) for c in line.coords],
            "attack_region_wkt": attack_region.wkt,
            "window": [r6(v) for v in window],
            "segments": segments or {"line": [0.0, r6(line.length)]},
            "closed_form": closed_form,
            "expect": expect or {},
            "params": params or {},
        }
        return fc, side


def rect(x0, y0, x1, y1):
    return box(x0, y0, x1, y1)


def straight_site(L):
    """6 m wide street x 0..6, y 0..L, closed at y = 0, line across y = L."""
    s = Site("straight_%d" % L,
             "straight 6 m street %d m long, closed at the far end, perimeter line "
             "across the open end" % L)
    s.drivable = [rect(0, 0, 6, L), rect(-12, L, 18, L + 20)]
    s.features = [
        feature("asset", rect(-2, L + 12, 8, L + 16), "asset"),
        feature("perimeter", LineString([(0, L), (6, L)]), "line"),
        feature("entry", Point(3, 2), "entry"),
    ]
    run = L - HALF                     # centre from w/2 off the end wall to the line
    diag = math.hypot(run, 6 - W)      # corner of F to the far side of the line
    cf = {"kind": "straight",
          "runup_axis_m": r6(run), "speed_axis_kmh": r6(kmh(v_of_s(run))),
          "best_straight_m": r6(diag), "best_straight_kmh": r6(kmh(v_of_s(diag))),
          "note": "centre path; F is [0.9, 5.1] x [0.9, L]; the longest straight in F "
                  "ending on the line is the diagonal of F's rectangle"}
    return s.finish(LineString([(0, L), (6, L)]), rect(-1, -1, 7, L),
                    [-1, -1, 7, L + 3], closed_form=cf, params={"L_m": L, "width_m": 6})


def lbend_site():
    """architecture §8: 8 m streets, 60 m north (outer) then 40 m east (outer)."""
    s = Site("lbend", "L-bend of architecture §8: 8 m streets, x 0..8 y 0..60 north, "
             "then y 52..60 east to x = 40; line across the east end")
    s.drivable = [rect(0, 0, 8, 60), rect(0, 52, 40, 60), rect(40, 40, 60, 72)]
    s.features = [
        feature("asset", rect(52, 50, 56, 62), "asset"),
        feature("perimeter", LineString([(40, 52), (40, 60)]), "line"),
        feature("entry", Point(4, 2), "entry"),
    ]
    # best straight: from the north street, just over the inner corner (8, 52) ⊕ w/2,
    # to the line's far end (40, 59.1) on F
    ex, ey = 40.0, 60 - HALF
    cx, cy = 8.0, 52.0
    d = math.hypot(ex - cx, ey - cy)
    ang = math.atan2(ey - cy, ex - cx) - math.asin(HALF / d)
    length = (ex - HALF) / math.cos(ang)
    cf = {"kind": "bend", "best_straight_m": r6(length),
          "best_straight_kmh": r6(kmh(v_of_s(length))),
          "architecture_kmh": {"lattice": 58.0, "racing_line": 53.1, "best_straight": 53.6},
          "note": "best straight: tangent to the inner corner disc, ending at (40, 59.1), "
                  "starting on the west wall of F (x = 0.9)"}
    attack = Polygon([(-1, -1), (9, -1), (9, 51), (40, 51), (40, 61), (-1, 61)])
    return s.finish(LineString([(40, 52), (40, 60)]), attack, [-1, -1, 43, 61],
                    closed_form=cf, params={"street_m": 8, "north_m": 60, "east_m": 40})


def arc_points(cx, cy, r, a0, a1, n):
    return [(cx + r * math.cos(a0 + (a1 - a0) * i / n), cy + r * math.sin(a0 + (a1 - a0) * i / n))
            for i in range(n + 1)]


def bend_site():
    """150 m street north, 90-degree bend of inner radius 30 m, 25 m east to the line."""
    s = Site("bend_wide", "150 m street (8 m) north, a 90-degree bend with inner radius "
             "30 m (outer 38 m), then 25 m east to the line: a curved exit beats every straight")
    # bend centre (38, 0): inner arc from (8, 0) to (38, 30), outer from (0, 0) to (38, 38)
    outer = arc_points(38, 0, 38, math.pi, math.pi / 2, 180)
    inner = arc_points(38, 0, 30, math.pi / 2, math.pi, 180)
    bend = Polygon(outer + inner)
    s.drivable = [rect(0, -150, 8, 0), bend, rect(38, 30, 63, 38), rect(63, 20, 83, 48)]
    s.features = [
        feature("asset", rect(75, 28, 79, 40), "asset"),
        feature("perimeter", LineString([(63, 30), (63, 38)]), "line"),
        feature("entry", Point(4, -148), "entry"),
    ]
    cf = {"kind": "bend",
          "note": "no closed form: the best straight is computed by the reference "
                  "(vda_reference.best_straight); the curved exit must beat it"}
    attack = Polygon([(-1, -151), (63, -151), (63, 39), (-1, 39)])
    return s.finish(LineString([(63, 30), (63, 38)]), attack, [-1, -151, 66, 39],
                    closed_form=cf,
                    params={"street_m": 8, "north_m": 150, "inner_radius_m": 30,
                            "east_m": 25})


def two_site():
    """Two 6 m streets of 30 m and 70 m to one line at y = 70."""
    s = Site("two_approaches", "two 6 m streets to one line at y = 70: A (x 0..6) 30 m "
             "long, B (x 14..20) 70 m long; B's targets must be faster")
    s.drivable = [rect(0, 40, 6, 70), rect(14, 0, 20, 70), rect(-10, 70, 30, 90)]
    s.features = [
        feature("asset", rect(5, 82, 15, 86), "asset"),
        feature("perimeter", LineString([(0, 70), (20, 70)]), "line"),
        feature("entry", Point(3, 42), "entry A"),
        feature("entry", Point(17, 2), "entry B"),
    ]
    cf = {"kind": "straight"}
    for name, length in (("A", 30.0), ("B", 70.0)):
        run = length - HALF
        diag = math.hypot(run, 6 - W)
        cf[name] = {"runup_axis_m": r6(run), "speed_axis_kmh": r6(kmh(v_of_s(run))),
                    "best_straight_m": r6(diag), "best_straight_kmh": r6(kmh(v_of_s(diag)))}
    attack = Polygon([(-1, -1), (21, -1), (21, 70), (-1, 70)])
    return s.finish(LineString([(0, 70), (20, 70)]), attack, [-1, -1, 21, 73],
                    closed_form=cf, segments={"A": [0.0, 6.0], "B": [14.0, 20.0]},
                    params={"A_m": 30, "B_m": 70, "width_m": 6})


def row(x0, x1, y, pitch_max):
    n = int(math.ceil((x1 - x0) / pitch_max))
    return [(x0 + (x1 - x0) * i / n, y) for i in range(n + 1)]


def chicane_site(level, d):
    """10 m street, 100 m; two staggered bollard rows D apart before the line."""
    s = Site("chicane_%s" % level,
             "10 m street 100 m long, bollard chicane: row 1 at y = %g from the west "
             "wall leaving 3.0 m at the east, row 2 at y = 90 from the east wall leaving "
             "3.0 m at the west; line at y = 100" % (90 - d, ))
    s.drivable = [rect(0, 0, 10, 100), rect(-10, 100, 20, 120)]
    feats = [feature("asset", rect(0, 112, 10, 116), "asset"),
             feature("perimeter", LineString([(0, 100), (10, 100)]), "line"),
             feature("entry", Point(5, 2), "entry")]
    k = 0
    for x, y in row(0.1, 6.9, 90 - d, 1.4) + row(3.1, 9.9, 90, 1.4):
        k += 1
        feats.append(feature("barrier", Point(x, y), "B%d" % k, diameter=0.2))
    s.features = feats
    attack = Polygon([(-1, -1), (11, -1), (11, 100), (-1, 100)])
    return s.finish(LineString([(0, 100), (10, 100)]), attack, [-1, -1, 11, 103],
                    params={"row_gap_m": 3.0, "row_distance_m": d, "pitch_max_m": 1.4,
                            "bollard_diameter_m": 0.2})


def ring_site():
    """60 m plaza, asset in the middle, closed ring of 50 bollards (1.2 m clear gaps)."""
    s = Site("ring_closed", "60 m plaza; asset 10 m square in the middle inside a closed "
             "ring of 50 bollards (diameter 0.3 m, radius 12 m, clear gaps 1.21 m < 1.8 m)")
    s.drivable = [rect(0, 0, 60, 60)]
    n = 50
    pts = [(30 + 12 * math.cos(2 * math.pi * i / n), 30 + 12 * math.sin(2 * math.pi * i / n))
           for i in range(n)]
    feats = [feature("asset", rect(25, 25, 35, 35), "asset"),
             feature("perimeter", LineString(pts + [pts[0]]), "ring"),
             feature("entry", Point(5, 5), "entry")]
    for i, (x, y) in enumerate(pts):
        feats.append(feature("barrier", Point(x, y), "R%d" % (i + 1), diameter=0.3))
    s.features = feats
    ring = Polygon(pts)
    chord = 2 * 12 * math.sin(math.pi / n)
    attack = box(-1, -1, 61, 61).difference(ring)
    return s.finish(LineString(pts + [pts[0]]), attack, [-1, -1, 61, 61],
                    closed_form={"kind": "unreachable", "clear_gap_m": r6(chord - 0.3),
                                 "note": "the vehicle centre never meets the ring line and "
                                         "the asset inside is unreachable; cpted's ring "
                                         "targets are contact points on the bollards "
                                         "(reached when the disc touches one)"},
                    expect={"reachable": False},
                    params={"bollards": n, "radius_m": 12, "diameter_m": 0.3})


def gap_site():
    """12 m street, bollard row at y = 60 with one clear gap of exactly 1.8 m."""
    s = Site("gap_exact", "12 m street 70 m long; bollard row across at y = 60 (clear "
             "gaps 1.025 m) with one gap of exactly 1.8 m between bollards at x = 5 and "
             "x = 7; line across the street at y = 70")
    s.drivable = [rect(0, 0, 12, 70), rect(-10, 70, 22, 90)]
    feats = [feature("asset", rect(2, 82, 10, 86), "asset"),
             feature("perimeter", LineString([(0, 70), (12, 70)]), "line"),
             feature("entry", Point(6, 2), "entry")]
    k = 0
    for x, y in row(0.1, 5.0, 60, 1.3) + row(7.0, 11.9, 60, 1.3):
        k += 1
        feats.append(feature("barrier", Point(x, y), "B%d" % k, diameter=0.2))
    s.features = feats
    run = 70 - HALF
    after = math.hypot(10 - (0.1 + HALF), 12 - W)  # standing start between row and line
    cf = {"kind": "gap", "through_gap_m": r6(run), "through_gap_kmh": r6(kmh(v_of_s(run))),
          "after_row_m": r6(after), "after_row_kmh": r6(kmh(v_of_s(after))),
          "note": "a gap of exactly w stays open (r = w/2 - 1 um); the only straight "
                  "through it is the perpendicular x = 6, from y = 0.9 to the line"}
    attack = Polygon([(-1, -1), (13, -1), (13, 70), (-1, 70)])
    return s.finish(LineString([(0, 70), (12, 70)]), attack, [-1, -1, 13, 73],
                    closed_form=cf, expect={"reachable": True},
                    params={"gap_m": 1.8, "bollard_diameter_m": 0.2})


def sites():
    out = [straight_site(20), straight_site(50), straight_site(120), lbend_site(),
           bend_site(), two_site()]
    for level, d in (("loose", 30.0), ("medium", 20.0), ("tight", 12.0)):
        out.append(chicane_site(level, d))
    out += [ring_site(), gap_site()]
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(outdir, exist_ok=True)
    for fc, side in sites():
        name = side["name"]
        with open(os.path.join(outdir, name + ".geojson"), "w") as f:
            f.write(json.dumps(fc, separators=(",", ":")))
            f.write("\n")
        with open(os.path.join(outdir, name + ".json"), "w") as f:
            f.write(json.dumps(side, indent=1, sort_keys=True))
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
