#!/usr/bin/python3
"""crosscheck.py - an independent check of cpted's free space and standoff with shapely.

The sets of docs/method-freespace.md (B, N, G, F0, F, R, A, entries) and the standoff of
docs/method-standoff.md are recomputed here from the GIS layers with shapely, without
any of cpted's C code, and compared with what `cpted standoff` reports per asset.

    /usr/bin/python3 scripts/crosscheck.py SOURCE... [--drivable everything|roads]
        [--vehicle CLASS] [--vehicle-width W] [--cpted BIN] [--json FILE|-]

SOURCE: plain GIS files (GeoPackage, GeoJSON, ...) in one projected metric CRS, whose
layer names are role names (docs/roles.md: assets, buildings, barriers/bollards/walls,
obstacles, ground, roads, entries, boundary, soft, perimeter) or whose features carry a
`role` attribute. The binary comes from --cpted, else $CPTED, else build/apps/cpted.

Per asset, besides cpted's value (`cpted standoff --json -`), three shapely passes:

  shapely  the exact model with plain shapely buffers of `--resolution` (64) segments
           per quadrant: the best estimate of the exact value (about 0.1 mm from it,
           more next to a passage that is almost exactly w wide)
  upper    the same with each of its own polygonal errors against the vehicle (roads,
           band and A inscribed; erosion and blocked dilation circumscribed): F and A lie
           inside the exact sets, so upper >= the exact standoff
  low      the same with every error cpted is allowed to make at its 8 segments per
           quadrant (`--quadrant-segments`) turned towards the asset: the vehicle
           centre's clearance shrunk by e1 = (rho + r)(1 - cos(3pi/8q)) (rho the largest
           bollard radius or wall half-thickness: the inscribed arcs of the blocked set
           and of the erosion let the centre that much closer; a GEOS fillet's parts
           span up to 1.5 quanta, see fillet_cos) and the body reach grown to
           (w/2)/cos(pi/4q) (cpted's circumscribed dilation of A)

The check passes when low <= cpted <= upper (to 10 um of float noise). cpted above
upper is the unsafe direction (the vehicle placed farther away than it can be).
shapely - cpted is at most (w/2)(1/cos(pi/4q) - 1) + 1e-6 m (4.4 mm for a car) on
straight approaches; where the centre stops between arcs (a bollard gap) the clearance
error adds to it, amplified by the gap's geometry; `low` is that bound per asset.

Subcommand `osm`: converts an OSM extract into a role-layer GeoPackage with a small
replica of cpted's OSM preset, so both programs can be run on the same plain layers:

    /usr/bin/python3 scripts/crosscheck.py osm IN.osm[.pbf] OUT.gpkg --epsg 32635
        [--asset NAME]...

See docs/crosscheck.md for the figures.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

from osgeo import gdal, ogr, osr
from shapely import wkb
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.ops import unary_union
from shapely.validation import make_valid

PASS_TOL_M = 1e-6          # docs/method-freespace.md: r = w/2 - 1 um
ENTRY_REACH_M = 0.5        # explicit entries grow by w/2 + 0.5 m
EDGE_REACH_M = 1.0         # default entries: network within w + 1 m of the data's edge
TOL_M = 1e-5               # float noise allowed in the comparison with the bounds
CAP_ROUND, CAP_FLAT = 1, 2

ROLE_NAMES = {
    "asset": "asset", "building": "building", "barrier": "barrier", "bollard": "barrier",
    "wall": "barrier", "obstacle": "obstacle", "soft": "soft", "perimeter": "perimeter",
    "ground": "ground", "traversable": "ground", "road": "road", "entry": "entry",
    "entries": "entry", "boundary": "boundary", "boundaries": "boundary", "none": "none",
}
BLOCKING = ("asset", "building", "barrier", "obstacle")

# docs/roles.md, "Road widths"
ROAD_WIDTH_M = {
    "motorway": 7.5, "trunk": 7.5, "primary": 7.0, "secondary": 6.5, "tertiary": 6.0,
    "unclassified": 5.5, "residential": 5.5, "pedestrian": 5.0, "living_street": 4.5,
    "service": 3.5, "busway": 3.5, "track": 3.0, "road": 6.5,
}
DEFAULT_ROAD_WIDTH_M = 6.5
LANE_WIDTH_M = 3.25


def role_from_name(name):
    """Role of a layer name: case-insensitive, singular or plural (docs/roles.md)."""
    n = name.lower()
    if n in ROLE_NAMES:
        return ROLE_NAMES[n]
    if n.endswith("ies") and n[:-3] + "y" in ROLE_NAMES:
        return ROLE_NAMES[n[:-3] + "y"]
    if n.endswith("s") and n[:-1] in ROLE_NAMES:
        return ROLE_NAMES[n[:-1]]
    return None


def road_width(attrs):
    """Carriageway width of a road: width, else lanes x 3.25 m, else the class default."""
    if attrs.get("width"):
        return float(attrs["width"])
    if attrs.get("lanes"):
        return float(attrs["lanes"]) * LANE_WIDTH_M
    cls = (attrs.get("highway") or "").lower()
    if cls.endswith("_link"):
        return 4.0
    return ROAD_WIDTH_M.get(cls, DEFAULT_ROAD_WIDTH_M)


class Feature:
    def __init__(self, fid, role, geom, attrs):
        self.id, self.role, self.geom, self.attrs = fid, role, geom, attrs

    @property
    def name(self):
        return self.attrs.get("name")


def _polygonal(g):
    """The polygonal part of a geometry, as a (Multi)Polygon."""
    if g.is_empty:
        return MultiPolygon()
    if isinstance(g, (Polygon, MultiPolygon)):
        return g
    polys = []
    for part in getattr(g, "geoms", []):
        p = _polygonal(part)
        polys.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    return MultiPolygon([p for p in polys if not p.is_empty])


def _polys(g):
    g = _polygonal(g)
    return list(g.geoms) if isinstance(g, MultiPolygon) else [g]


ATTRS = ("name", "role", "diameter", "thickness", "width", "lanes", "highway",
         "required_standoff_m")


def read_site(paths):
    """Features of plain GIS sources (role from the `role` field, else the layer name).

    Returns (features, crs_wkt). Ids follow cpted's `layer:fid` (docs/roles.md), with
    the source's stem as prefix when a layer name was seen in an earlier source."""
    gdal.UseExceptions()
    features, seen_layers, crs = [], set(), None
    for path in paths:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR)
        stem = os.path.splitext(os.path.basename(path))[0]
        for li in range(ds.GetLayerCount()):
            layer = ds.GetLayer(li)
            lname = layer.GetName()
            prefix = stem + "/" if lname.lower() in seen_layers else ""
            seen_layers.add(lname.lower())
            srs = layer.GetSpatialRef()
            if srs is not None:
                if not srs.IsProjected():
                    raise SystemExit("crosscheck: %s layer %s is not in a projected CRS"
                                     % (path, lname))
                if crs is None:
                    crs = srs
                elif not crs.IsSame(srs):
                    raise SystemExit("crosscheck: %s layer %s has another CRS than the "
                                     "first layer (reproject first)" % (path, lname))
            defn = layer.GetLayerDefn()
            fields = {defn.GetFieldDefn(i).GetName().lower(): i
                      for i in range(defn.GetFieldCount())}
            layer_role = role_from_name(lname)
            for f in layer:
                attrs = {}
                for key in ATTRS:
                    i = fields.get(key)
                    if i is not None and f.IsFieldSetAndNotNull(i):
                        attrs[key] = f.GetField(i)
                role = role_from_name(str(attrs["role"])) if attrs.get("role") else layer_role
                g = f.GetGeometryRef()
                if role in (None, "none") or g is None:
                    continue
                g = g.Clone()
                g.FlattenTo2D()
                geom = wkb.loads(bytes(g.ExportToIsoWkb()))
                if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_valid:
                    geom = _polygonal(make_valid(geom))
                    print("crosscheck: warning: %s%s:%d repaired with make-valid (cpted uses "
                          "the structure method: results may differ there)"
                          % (prefix, lname, f.GetFID()), file=sys.stderr)
                features.append(Feature("%s%s:%d" % (prefix, lname, f.GetFID()), role,
                                        geom, attrs))
    return features, (crs.ExportToWkt() if crs is not None else None)


def circumscribed(d, quadrant_segments):
    """cpted's circumscribed radius for A (lib/geom.c): d / cos(pi/4q)."""
    return d / math.cos(math.pi / (4.0 * quadrant_segments))


def fillet_cos(quadrant_segments):
    """The worst ratio of a GEOS buffer's chord distance to its radius. GEOS divides a
    fillet of angle a into round(a / quantum) equal parts (quantum = pi/2q), so a part
    spans up to 1.5 quanta (a fillet just under 1.5 quanta is one chord): its middle
    lies at radius cos(3 pi / 8q), not cos(pi / 4q) (the part of a full circle)."""
    return math.cos(3.0 * math.pi / (8.0 * quadrant_segments))


def free_space(features, width_m, drivable="everything", resolution=64, clearance_m=None,
               reach_m=None, scale=1.0, boundary_margin_m=20.0, soft_blocking=False,
               bollard_diameter_m=0.2, wall_thickness_m=0.2):
    """The sets of docs/method-freespace.md with shapely buffers of `resolution`
    segments per quadrant. clearance_m (default w/2 - 1 um) is the radius by which the
    ground is eroded and the blocked set dilated; reach_m (default w/2) the radius by
    which R grows into A. `scale` multiplies the erosion and the blocked footprints'
    dilation radii (1/cos(pi/4res) circumscribes their arcs: F inside the exact one).
    Returns a dict of shapely geometries and `not_assessed`."""
    w = width_m
    r = w / 2.0 - PASS_TOL_M if clearance_m is None else clearance_m
    body = w / 2.0 if reach_m is None else reach_m
    res = resolution
    out = {"not_assessed": None}

    bounds = [f.geom for f in features if f.role == "boundary"]
    boundary_given = bool(bounds)
    if bounds:
        B = _polygonal(unary_union(bounds))
    else:
        minx = min(f.geom.bounds[0] for f in features)
        miny = min(f.geom.bounds[1] for f in features)
        maxx = max(f.geom.bounds[2] for f in features)
        maxy = max(f.geom.bounds[3] for f in features)
        m = boundary_margin_m
        B = box(minx - m, miny - m, maxx + m, maxy + m)
    out["B"] = B

    parts = []
    for f in features:
        if f.role == "ground":
            parts.append(f.geom)
        elif f.role == "road":
            parts.append(f.geom.buffer(road_width(f.attrs) / 2.0, resolution=res,
                                       cap_style=CAP_ROUND))
    N = _polygonal(unary_union(parts).intersection(B)) if parts else None
    out["N"] = N
    G = N if (drivable == "roads" and N is not None) else B
    out["G"] = G
    empty = MultiPolygon()
    if G.is_empty:
        out.update(entries=empty, F0=empty, F=empty, R=empty, A=empty, blocked=empty,
                   not_assessed="no drivable ground")
        return out

    explicit = [f.geom.buffer(w / 2.0 + ENTRY_REACH_M, resolution=res)
                for f in features if f.role == "entry"]
    if explicit:
        entries = unary_union(explicit)
    elif N is not None and N.is_empty:
        entries = empty
    else:
        source = N if N is not None else G
        hull_of = N if N is not None else unary_union([f.geom.convex_hull for f in features])
        edge = hull_of.convex_hull.boundary
        if boundary_given:
            edge = edge.union(B.boundary)
        entries = _polygonal(edge.buffer(w + EDGE_REACH_M, resolution=res).intersection(source))
    out["entries"] = entries
    if entries.is_empty:
        out.update(F0=empty, F=empty, R=empty, A=empty, blocked=empty, not_assessed="no entry")
        return out

    band = B.buffer(w, resolution=res).difference(B)
    extended = G.union(band)
    F0 = _polygonal(extended.buffer(-r * scale, resolution=res).intersection(B))
    out["F0"] = F0

    footprints, grown = [], []
    for f in features:
        if not (f.role in BLOCKING or (soft_blocking and f.role == "soft")):
            continue
        t = f.geom.geom_type
        if t in ("Point", "MultiPoint"):
            d = float(f.attrs.get("diameter") or bollard_diameter_m)
            footprints.append(f.geom.buffer(d / 2.0, resolution=res))
            grown.append(f.geom.buffer((d / 2.0 + r) * scale, resolution=res))
        elif t in ("LineString", "LinearRing", "MultiLineString"):
            th = float(f.attrs.get("thickness") or wall_thickness_m)
            fp = f.geom.buffer(th / 2.0, resolution=res, cap_style=CAP_FLAT)
            footprints.append(fp)
            wide = fp if scale == 1.0 else f.geom.buffer(th / 2.0 * scale, resolution=res,
                                                          cap_style=CAP_FLAT)
            grown.append(wide.buffer(r * scale, resolution=res))
        else:
            footprints.append(f.geom)
            grown.append(f.geom.buffer(r * scale, resolution=res))
    blocked = _polygonal(unary_union(footprints)) if footprints else empty
    dilated = unary_union(grown) if grown else empty
    out["blocked"] = blocked
    F = _polygonal(F0.difference(dilated))
    out["F"] = F
    if F.is_empty:
        out.update(R=empty, A=empty, not_assessed="free space is empty")
        return out
    R = MultiPolygon([p for p in _polys(F) if p.intersects(entries)])
    out["R"] = R
    if R.is_empty:
        out.update(A=empty, not_assessed="no entry meets the free space")
        return out
    out["A"] = _polygonal(R.buffer(body, resolution=res).intersection(B))
    return out


def standoffs(features, sets):
    """Per asset: (reachable, standoff_m or None), the distance from the asset to A."""
    A = sets["A"]
    result = {}
    for f in features:
        if f.role != "asset":
            continue
        if A.is_empty:
            result[f.id] = (False, None)
        else:
            d = f.geom.distance(A)
            result[f.id] = (True, 0.0 if d < 1e-6 else d)
    return result


def max_radius(features, bollard_diameter_m=0.2, wall_thickness_m=0.2):
    """Largest bollard radius or wall half-thickness of the blocking features."""
    rho = 0.0
    for f in features:
        if f.role not in BLOCKING and f.role != "soft":
            continue
        t = f.geom.geom_type
        if t in ("Point", "MultiPoint"):
            rho = max(rho, float(f.attrs.get("diameter") or bollard_diameter_m) / 2.0)
        elif t in ("LineString", "LinearRing", "MultiLineString"):
            rho = max(rho, float(f.attrs.get("thickness") or wall_thickness_m) / 2.0)
    return rho


def check(features, width_m, drivable="everything", resolution=64, quadrant_segments=8,
          bound=True, **kw):
    """Standoffs per asset from three shapely passes: {id: dict}, plus the sets of the
    first.

    shapely  plain buffers of `resolution` segments per quadrant: the best estimate of
             the exact value (passages exactly w wide stay open, as in the exact model)
    upper    every polygonal error of its own against the vehicle (roads, band and A
             inscribed; erosion and blocked dilation circumscribed): F and A inside the
             exact ones, so the standoff is >= the exact one (it may close a passage
             within a few um of w)
    low      the errors cpted may make at `quadrant_segments` turned towards the asset
             (docs/crosscheck.md): cpted must not come out below it"""
    sets = free_space(features, width_m, drivable, resolution, **kw)
    best = standoffs(features, sets)
    upper = low = {}
    if bound:
        upper = standoffs(features, free_space(features, width_m, drivable, resolution,
                                               scale=1.0 / fillet_cos(resolution), **kw))
        r = width_m / 2.0 - PASS_TOL_M
        chord = 1.0 - fillet_cos(quadrant_segments)
        e1 = (max_radius(features) + r) * chord
        reach = circumscribed(width_m / 2.0, quadrant_segments) / fillet_cos(resolution)
        low = standoffs(features, free_space(features, width_m, drivable, resolution,
                                             clearance_m=r - e1, reach_m=reach, **kw))
    rows = {}
    for f in features:
        if f.role == "asset":
            rows[f.id] = {"id": f.id, "name": f.name, "reachable": best[f.id][0],
                          "shapely_m": best[f.id][1],
                          "upper_m": upper[f.id][1] if f.id in upper else None,
                          "low_m": low[f.id][1] if f.id in low else None}
    return rows, sets


def cpted_binary(given=None):
    return given or os.environ.get("CPTED") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "apps", "cpted")


def run_cpted(binary, sources, drivable=None, vehicle=None, vehicle_width=None,
              extra=(), want_area=True):
    """`cpted standoff SOURCE... --json -` (and -o to read A back); returns (doc, A)."""
    with tempfile.TemporaryDirectory(prefix="crosscheck") as tmp:
        cmd = [binary, "standoff"] + list(sources) + ["--json", "-", "--quiet"]
        if drivable:
            cmd += ["--drivable", drivable]
        if vehicle:
            cmd += ["--vehicle", vehicle]
        if vehicle_width:
            cmd += ["--vehicle-width", str(vehicle_width)]
        out = os.path.join(tmp, "out.gpkg")
        if want_area:
            cmd += ["-o", out]
        cmd += list(extra)
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode not in (0, 1):
            raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr))
        doc = json.loads(p.stdout)
        A = None
        if want_area and os.path.exists(out):
            ds = gdal.OpenEx(out, gdal.OF_VECTOR)
            layer = ds.GetLayerByName("accessible_area")
            geoms = []
            for f in layer:
                g = f.GetGeometryRef()
                if g is not None:
                    geoms.append(wkb.loads(bytes(g.ExportToIsoWkb())))
            A = _polygonal(unary_union(geoms)) if geoms else MultiPolygon()
            ds = None
        return doc, A


def missed_depth(exact, got):
    """How far the parts of `exact` outside `got` reach beyond it: the largest distance
    from a vertex of exact - got to got (0 when got covers exact)."""
    worst = 0.0
    for piece in _polys(exact.difference(got)):
        if piece.is_empty:
            continue
        local = got.intersection(piece.envelope.buffer(1.0))
        if local.is_empty:
            return float("inf")
        for ring in [piece.exterior] + list(piece.interiors):
            for xy in ring.coords:
                worst = max(worst, local.distance(Point(xy)))
    return worst


def compare(sources, drivable="everything", vehicle=None, vehicle_width=None, binary=None,
            resolution=64, quadrant_segments=8, bound=True, extra=()):
    """Runs cpted and the shapely check; returns the report (a dict)."""
    features, _ = read_site(sources)
    doc, A_cpted = run_cpted(cpted_binary(binary), sources, drivable, vehicle, vehicle_width,
                             extra)
    w = float(doc["vehicle"]["width_m"])
    rows, sets = check(features, w, drivable or "everything", resolution, quadrant_segments,
                       bound)
    report = {"drivable": drivable or "everything", "vehicle": doc["vehicle"]["class"],
              "width_m": w, "resolution": resolution, "quadrant_segments": quadrant_segments,
              "tolerance_m": TOL_M, "not_assessed": sets["not_assessed"],
              "areas_m2": {k: sets[k].area for k in ("B", "G", "F0", "F", "R", "A")
                           if sets.get(k) is not None},
              "assets": []}
    if A_cpted is not None:
        A = sets["A"]
        report["areas_m2"]["A_cpted"] = A_cpted.area
        report["areas_m2"]["A_cpted_json"] = doc.get("accessible_area_m2")
        # the exact A not covered by cpted's (unsafe if more than slivers) and the reverse
        report["areas_m2"]["A_missed_by_cpted"] = A.difference(A_cpted).area
        report["areas_m2"]["A_cpted_extra"] = A_cpted.difference(A).area
        report["A_missed_max_m"] = missed_depth(A, A_cpted)
    by_id = {a["id"]: a for a in doc["assets"]}
    for aid, row in rows.items():
        c = by_id.get(aid)
        row["cpted_m"] = c["standoff_m"] if c else None
        row["cpted_reachable"] = c["reachable"] if c else None
        best, got = row["shapely_m"], row["cpted_m"]
        up, low = row["upper_m"], row["low_m"]
        row["difference_m"] = (best - got) if (best is not None and got is not None) else None
        if c is None:
            row["verdict"] = "missing in cpted"
        elif row["cpted_reachable"] != row["reachable"]:
            # cpted reachable where shapely is not is the safe side
            row["verdict"] = ("reachable only in cpted (safe side)" if row["cpted_reachable"]
                              else "UNSAFE: unreachable in cpted, reachable exactly")
        elif got is None:
            row["verdict"] = "ok (unreachable in both)"
        elif up is not None and got > up + TOL_M:
            row["verdict"] = "UNSAFE: cpted farther than exact"
        elif low is not None and got < low - TOL_M:
            row["verdict"] = "cpted below the documented bound"
        else:
            row["verdict"] = "ok"
        report["assets"].append(row)
    return report


def fmt_m(v):
    return "-" if v is None else "%.4f" % v


def print_report(report, out=sys.stdout):
    print("drivable=%s vehicle=%s (w = %.2f m), shapely %d segments/quadrant, cpted %d"
          % (report["drivable"], report["vehicle"], report["width_m"], report["resolution"],
             report["quadrant_segments"]), file=out)
    if report["not_assessed"]:
        print("shapely: not assessed: %s" % report["not_assessed"], file=out)
    for k, v in report["areas_m2"].items():
        print("  area %-18s %s" % (k, "-" if v is None else "%.3f m2" % v), file=out)
    if report.get("A_missed_max_m") is not None:
        print("  exact A beyond cpted's A by at most %.2f mm" % (1000 * report["A_missed_max_m"]),
              file=out)
    print("%-26s %-26s %10s %10s %10s %10s %9s  %s"
          % ("asset", "name", "cpted", "shapely", "upper", "low", "shp-cpted", "verdict"),
          file=out)
    for row in report["assets"]:
        diff = row["difference_m"]
        print("%-26s %-26s %10s %10s %10s %10s %9s  %s"
              % (row["id"][:26], (row["name"] or "")[:26], fmt_m(row["cpted_m"]),
                 fmt_m(row["shapely_m"]), fmt_m(row["upper_m"]), fmt_m(row["low_m"]),
                 "-" if diff is None else "%.2f mm" % (1000 * diff), row["verdict"]),
              file=out)


# ---- OSM to role layers --------------------------------------------------------------

VEHICLE_HIGHWAYS = {"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
                    "residential", "living_street", "service", "pedestrian", "track", "road",
                    "busway"}
BOLLARD_LIKE = {"bollard", "block", "jersey_barrier", "planter"}
_TAG_RE = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def _tags(feature, fields):
    tags = {}
    i = fields.get("other_tags")
    if i is not None and feature.IsFieldSetAndNotNull(i):
        tags.update(_TAG_RE.findall(feature.GetField(i)))
    for k, i in fields.items():
        if k != "other_tags" and feature.IsFieldSetAndNotNull(i):
            tags[k] = str(feature.GetField(i))
    return tags


def _osm_length(text):
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(m|cm|mm)?\s*", text or "")
    if not m:
        return None
    v = float(m.group(1)) * {None: 1.0, "m": 1.0, "cm": 0.01, "mm": 0.001}[m.group(2)]
    return v if v > 0 else None


def _osm_diameter(text):
    """OSM diameter=*: millimetres without a unit (docs/roles.md)."""
    if text and re.fullmatch(r"\s*[0-9]+(?:\.[0-9]+)?\s*", text):
        v = float(text) / 1000.0
        return v if v > 0 else None
    return _osm_length(text)


def _is_vehicle_highway(v):
    return v in VEHICLE_HIGHWAYS or (v or "").endswith("_link")


def osm_to_layers(path, epsg):
    """Role layers from an OSM extract, with a replica of the rules of docs/roles.md that
    matter for free space: building=* areas -> buildings; barrier=bollard/block/
    jersey_barrier/planter points -> bollards (diameter=* in mm), ways -> barriers
    (lines); barrier=wall/retaining_wall ways and natural=water -> obstacles;
    highway=<vehicle class> lines -> roads (highway, width, lanes), highway areas and
    area:highway=* -> ground. Returns {layer: [(shapely geom, attrs)]}."""
    gdal.UseExceptions()
    ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    dst = osr.SpatialReference()
    dst.ImportFromEPSG(epsg)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    layers = {k: [] for k in ("buildings", "bollards", "barriers", "obstacles", "roads",
                              "ground")}
    ct, skipped = None, 0
    for lname, dim in (("points", 0), ("lines", 1), ("multilinestrings", 1),
                       ("multipolygons", 2)):
        layer = ds.GetLayerByName(lname)
        if layer is None:
            continue
        if ct is None:
            src = layer.GetSpatialRef().Clone()
            src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            ct = osr.CoordinateTransformation(src, dst)
        defn = layer.GetLayerDefn()
        fields = {defn.GetFieldDefn(i).GetName(): i for i in range(defn.GetFieldCount())}
        for f in layer:
            g = f.GetGeometryRef()
            if g is None:
                continue
            t = _tags(f, fields)
            name = t.get("name")
            building, barrier, highway = t.get("building"), t.get("barrier"), t.get("highway")
            target, attrs = None, {"name": name, "osm_id": t.get("osm_id") or t.get("osm_way_id")}
            if dim == 2 and building and building != "no":
                target = "buildings"
            elif barrier in BOLLARD_LIKE:
                target = "bollards" if dim == 0 else "barriers"
                if dim == 0:
                    attrs["diameter"] = _osm_diameter(t.get("diameter"))
            elif barrier in ("wall", "retaining_wall") and dim >= 1:
                target = "obstacles"
            elif barrier and barrier != "no":
                target = None  # soft: does not block by default
            elif t.get("natural") == "water" and dim >= 1:
                target = "obstacles"
            elif dim == 2 and t.get("area:highway"):
                target = "ground"
            elif dim == 1 and _is_vehicle_highway(highway):
                target = "roads"
                attrs["highway"] = highway
                attrs["width"] = _osm_length(t.get("width"))
                lanes = t.get("lanes")
                attrs["lanes"] = float(lanes) if lanes and lanes.isdigit() and int(lanes) > 0 \
                    else None
            elif dim == 2 and _is_vehicle_highway(highway):
                target = "ground"
            if target is None:
                continue
            g = g.Clone()
            try:
                g.Transform(ct)
                geom = wkb.loads(bytes(g.ExportToIsoWkb()))
            except Exception:  # rings cut at the extract's edge: skipped, as cpted does
                skipped += 1
                continue
            if dim == 2:
                if not geom.is_valid:
                    geom = make_valid(geom)
                geom = _polygonal(geom)
                if geom.is_empty or geom.area <= 0:
                    continue
            layers[target].append((geom, attrs))
    if skipped:
        print("crosscheck: %d broken OSM geometries skipped" % skipped, file=sys.stderr)
    return layers


def write_role_gpkg(path, epsg, layers, assets=()):
    """Writes role layers; the buildings named in `assets` (largest of each name) move
    to the `assets` layer. Returns the names found."""
    gdal.UseExceptions()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    layers = dict(layers)
    buildings = list(layers.get("buildings", []))
    picked, found = [], []
    for name in assets:
        cands = [b for b in buildings if b[1].get("name") == name]
        if not cands:
            print("crosscheck: no building named %r" % name, file=sys.stderr)
            continue
        best = max(cands, key=lambda b: b[0].area)
        buildings.remove(best)
        picked.append(best)
        found.append(name)
    layers["buildings"] = buildings
    if picked:
        layers["assets"] = picked
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    gtypes = {"buildings": ogr.wkbMultiPolygon, "assets": ogr.wkbMultiPolygon,
              "ground": ogr.wkbMultiPolygon, "bollards": ogr.wkbPoint,
              "barriers": ogr.wkbUnknown, "roads": ogr.wkbUnknown,
              "obstacles": ogr.wkbUnknown}
    for lname, items in layers.items():
        layer = ds.CreateLayer(lname, srs, gtypes[lname], ["FID=fid"])
        keys = sorted({k for _, a in items for k in a})
        for k in keys:
            ftype = ogr.OFTString if k in ("name", "highway", "osm_id") else ogr.OFTReal
            layer.CreateField(ogr.FieldDefn(k, ftype))
        layer.StartTransaction()
        for geom, attrs in items:
            feat = ogr.Feature(layer.GetLayerDefn())
            feat.SetGeometry(ogr.CreateGeometryFromWkb(geom.wkb))
            for k, v in attrs.items():
                if v is not None:
                    feat.SetField(k, v)
            layer.CreateFeature(feat)
        layer.CommitTransaction()
    ds = None
    return found


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "osm":
        ap = argparse.ArgumentParser(prog="crosscheck.py osm")
        ap.add_argument("input")
        ap.add_argument("output")
        ap.add_argument("--epsg", type=int, required=True, help="projected output CRS")
        ap.add_argument("--asset", action="append", default=[],
                        help="name of a building to put in the assets layer (repeatable)")
        a = ap.parse_args(argv[1:])
        found = write_role_gpkg(a.output, a.epsg, osm_to_layers(a.input, a.epsg), a.asset)
        print("wrote %s (assets: %s)" % (a.output, ", ".join(found) or "none"))
        return 0
    ap = argparse.ArgumentParser(prog="crosscheck.py", description=__doc__.split("\n")[0])
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--drivable", choices=("everything", "roads"), default=None)
    ap.add_argument("--vehicle", default=None, help="vehicle class for cpted (default M1)")
    ap.add_argument("--vehicle-width", type=float, default=None)
    ap.add_argument("--cpted", default=None, help="cpted binary (default $CPTED or "
                    "build/apps/cpted)")
    ap.add_argument("--resolution", type=int, default=64,
                    help="segments per quadrant of the shapely passes (default 64)")
    ap.add_argument("--quadrant-segments", type=int, default=8,
                    help="cpted's segments per quadrant, for the bound (default 8)")
    ap.add_argument("--no-bound", action="store_true", help="only the plain shapely pass (no upper and low)")
    ap.add_argument("--json", default=None, help="write the report as JSON (- = stdout)")
    a = ap.parse_args(argv)
    report = compare(a.sources, a.drivable, a.vehicle, a.vehicle_width, a.cpted,
                     a.resolution, a.quadrant_segments, not a.no_bound)
    if a.json == "-":
        json.dump(report, sys.stdout, indent=1)
        print()
    else:
        print_report(report)
        if a.json:
            with open(a.json, "w", encoding="utf-8") as fh:
                json.dump(report, fh, indent=1)
    bad = [r for r in report["assets"] if not r["verdict"].startswith(("ok", "reachable only"))]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
