"""`cpted vda`: JSON contract, GIS layers, exit codes, option errors, --target in the
output CRS, and the closed form on a straight street (architecture.md §4, §8, §9).

The street (tests/data/vda/street.geojson, EPSG:25832, local (x, y) = (E - 500000,
N - 5800000)): a 6 m wide dead-end street, x -3..3, closed at y = 0 by a wall and lined
by two building blocks up to y = 60; its mouth at y = 60 is the perimeter line
(-3, 60) -> (3, 60) with four bollards of 0.3 m on it at x = -2.25, -0.75, 0.75, 2.25
(clear gaps 0.6 and 1.2 m, so no vehicle passes), rated V/1500[M1]/48/90:0.5. The
vehicles come from the entry polygon at the dead end (x -3..3, y 0..5); the plaza
beyond the mouth holds the asset and is not reachable. With --spacing 3 the line's
middle sample is `...@3` at (0, 60), in the middle 1.2 m gap.

A car (M1: w = 1.8 m, a0 = 3.5 m/s2, vmax = 180 km/h) there drives straight north.
Its centre stays 0.9 m off the wall (y >= 0.9) and stops where its disc touches the two
bollards beside the gap, 0.9 + 0.15 = 1.05 m from (+-0.75, 60):
y = 60 - sqrt(1.05^2 - 0.75^2) = 59.2652, so the run-up along the axis is at least
59.2652 - 0.9 = 58.365 m; a slanted straight from a corner of the dead end is at most
sqrt(4.2^2 + 59.1^2) = 59.249 m, and the target itself lies 0.735 m beyond the stop:
every straight run-up is within [58.36, 60.0] m. The speed must be the closed form
s^-1(run-up) from standstill within 1%.
"""
import json
import math
import pathlib

import pytest

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "vda"
STREET = str(DATA / "street.geojson")
E0, N0 = 500000.0, 5800000.0

# M1 (docs/vehicles.md)
A0, VMAX, MASS = 3.5, 180 / 3.6, 1500.0


def runup_for(v, v0=0.0, a0=A0, vmax=VMAX):
    """s(v0 -> v) = (vmax/a0) [(v0 - v) - vmax ln((vmax - v)/(vmax - v0))], architecture.md §4."""
    return (vmax / a0) * ((v0 - v) - vmax * math.log((vmax - v) / (vmax - v0)))


def speed_for(s, a0=A0, vmax=VMAX):
    """The inverse from standstill, by bisection (s is increasing in v)."""
    lo, hi = 0.0, vmax * (1 - 1e-15)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if runup_for(mid, a0=a0, vmax=vmax) < s else (lo, mid)
    return 0.5 * (lo + hi)


def run_json(cpted, validate, *args):
    r = cpted("vda", *args, "--json", "-")
    assert r.returncode == 0, r.stderr
    return validate(r.stdout, "vda")


def middle_target(doc):
    hits = [t for t in doc["targets"] if t.get("station_m") is not None and t.get("line")
            and abs(t["station_m"] - 3.0) < 1e-9]
    assert len(hits) == 1, [t["id"] for t in doc["targets"]]
    return hits[0]


# ---- the straight street ------------------------------------------------------

def test_straight_street_is_the_closed_form(cpted, validate):
    doc = run_json(cpted, validate, STREET, "--spacing", "3", "--no-sensitivity")
    assert doc["assessed"] is True and doc["not_assessed"] is None
    assert doc["options"]["spacing_m"] == 3 and doc["options"]["sensitivity"] is False
    t = middle_target(doc)
    assert t["reachable"] is True and t["assessed"] is True
    assert t["x"] == pytest.approx(E0, abs=1e-6) and t["y"] == pytest.approx(N0 + 60, abs=1e-6)
    assert 58.36 <= t["runup_m"] <= 60.0
    v = t["impact_speed_mps"]
    assert v == pytest.approx(speed_for(t["runup_m"]), rel=0.01)
    assert t["impact_speed_kmh"] == pytest.approx(3.6 * v, rel=1e-9)
    assert t["energy_kj"] == pytest.approx(0.5 * MASS * v * v / 1000, rel=1e-9)
    # head-on within the slant the street allows: atan(4.2 / 58.36) = 4.1 degrees
    assert t["angle_deg"] >= 90 - 4.2
    # the bollards are rated 48 km/h for 1500 kg: not enough for about 68 km/h
    assert speed_for(58.36) * 3.6 > 48
    assert t["ok"] is False and t["rated_speed_kmh"] == 48
    assert t["barrier"] is not None and t["needed_rating"]


def test_street_targets_lines_and_elements(cpted, validate):
    doc = run_json(cpted, validate, STREET, "--spacing", "3", "--no-sensitivity")
    line_targets = [t for t in doc["targets"] if t["line"] and t["station_m"] is not None]
    # samples every 3 m along the 6 m line: stations 0, 3, 6
    assert sorted(t["station_m"] for t in line_targets) == pytest.approx([0, 3, 6])
    assert len(doc["lines"]) == 1
    line = doc["lines"][0]
    assert line["ok"] is False and line["worst_target"] is not None
    on_line = [t for t in doc["targets"] if t["line"] == line["id"]]
    assert line["targets"] == len(on_line)
    worst = [t for t in on_line if t["id"] == line["worst_target"]][0]
    assert worst["impact_speed_kmh"] == max(t["impact_speed_kmh"] for t in on_line
                                            if t["reachable"])
    assert line["speed_kmh"] == worst["impact_speed_kmh"]
    assert line["energy_kj"] == worst["energy_kj"]
    # every element summary names one of the four bollards
    assert len(doc["elements"]) == 4
    for e in doc["elements"]:
        assert e["rating"] == "V/1500[M1]/48/90:0.5"
        assert e["ok"] is False


def test_street_fail_on_findings(cpted):
    r = cpted("vda", STREET, "--spacing", "3", "--no-sensitivity", "--fail-on-findings")
    assert r.returncode == 1, r.stderr
    assert "finding" in r.stdout


def test_json_is_deterministic(cpted):
    args = ("vda", STREET, "--spacing", "3", "--no-sensitivity", "--json", "-")
    a, b = cpted(*args), cpted(*args)
    assert a.returncode == 0 and a.stdout == b.stdout


# ---- --target in the output CRS ---------------------------------------------------

def test_target_in_output_crs(cpted, validate):
    """The same working-CRS point, typed once in EPSG:25832 and once in lon/lat, is the
    same target; the JSON gives it back where it was typed."""
    base = run_json(cpted, validate, STREET, "--target", "%r,%r" % (E0, N0 + 59.0),
                    "--no-sensitivity")
    assert base["options"]["targets"] == "points"
    assert [t["id"] for t in base["targets"]] == ["point:1"]
    t0 = base["targets"][0]
    assert (t0["x"], t0["y"]) == (E0, N0 + 59.0)
    assert t0["line"] is None and t0["station_m"] is None
    # (500000, 5800059) in lon/lat: 9 degrees E is zone 32's central meridian
    from osgeo import osr
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(25832)
    dst.ImportFromEPSG(4326)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lon, lat, _ = osr.CoordinateTransformation(src, dst).TransformPoint(E0, N0 + 59.0)
    assert lon == pytest.approx(9.0, abs=1e-12)
    geo = run_json(cpted, validate, STREET, "--output-crs", "EPSG:4326", "--target",
                   "%.12f,%.12f" % (lon, lat), "--no-sensitivity")
    t1 = geo["targets"][0]
    # the JSON's 10 significant digits: 1e-8 degrees (about 1 mm) at 52 degrees N
    assert t1["x"] == pytest.approx(lon, abs=1e-8) and t1["y"] == pytest.approx(lat, abs=1e-8)
    assert t1["reachable"] == t0["reachable"]
    if t0["reachable"]:
        assert t1["impact_speed_kmh"] == pytest.approx(t0["impact_speed_kmh"], rel=1e-6)


def test_target_added_to_other_kinds(cpted, validate):
    doc = run_json(cpted, validate, STREET, "--targets", "perimeter", "--spacing", "3",
                   "--target", "%r,%r" % (E0, N0 + 30.0), "--no-sensitivity")
    assert doc["options"]["targets"] == "perimeter"
    ids = [t["id"] for t in doc["targets"]]
    assert "point:1" in ids and len(ids) > 1


# ---- the plaza ---------------------------------------------------------------

def test_plaza_json_and_gap(cpted, validate, plaza):
    """The missing bollard's gap at (150, 120), 120 m straight up Station Avenue:
    85.23 km/h head-on (samples/plaza/README.md, "Approach along Station Avenue"); the
    widest slant in the canyon gives at most 85.33 km/h."""
    doc = run_json(cpted, validate, plaza, "--no-sensitivity")
    assert doc["assessed"] is True
    assert doc["options"]["targets"] == "auto"
    assert any(t["reachable"] for t in doc["targets"])
    gap = run_json(cpted, validate, plaza, "--target", "500150,5800120", "--no-sensitivity")
    t = gap["targets"][0]
    assert t["reachable"] is True
    assert t["impact_speed_kmh"] >= 85.23 * 0.99
    assert t["impact_speed_mps"] == pytest.approx(speed_for(t["runup_m"]), rel=0.01)


def test_table(cpted, plaza):
    r = cpted("vda", plaza, "--no-sensitivity")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("vehicle M1 (1500 kg, width 1.80 m)")
    assert "target(s)" in r.stdout and "km/h" in r.stdout


# ---- GIS layers ------------------------------------------------------------------

def test_gis_layers(cpted, validate, tmp_path):
    out = tmp_path / "out.gpkg"
    js = tmp_path / "out.json"
    r = cpted("vda", STREET, "--spacing", "3", "--no-sensitivity", "-o", out, "--json", js)
    assert r.returncode == 0, r.stderr
    doc = validate(js.read_text(), "vda")
    reachable = [t for t in doc["targets"] if t["reachable"]]
    assert reachable
    from osgeo import ogr
    ds = ogr.Open(str(out))
    assert ds is not None
    layers = {ds.GetLayer(i).GetName(): ds.GetLayer(i) for i in range(ds.GetLayerCount())}
    assert set(layers) == {"vda_targets", "vda_paths", "corridors"}
    assert layers["vda_targets"].GetGeomType() == ogr.wkbPoint
    assert layers["vda_paths"].GetGeomType() == ogr.wkbLineString
    assert layers["corridors"].GetGeomType() == ogr.wkbMultiPolygon
    assert layers["vda_targets"].GetFeatureCount() == len(doc["targets"])
    assert layers["vda_paths"].GetFeatureCount() == len(reachable)
    assert layers["corridors"].GetFeatureCount() == len(reachable)
    by_id = {t["id"]: t for t in doc["targets"]}
    for f in layers["vda_targets"]:
        t = by_id[f.GetField("id")]
        g = f.GetGeometryRef()
        assert (g.GetX(), g.GetY()) == pytest.approx((t["x"], t["y"]), abs=1e-6)
        assert bool(f.GetField("reachable")) == t["reachable"]
        if t["reachable"]:
            assert f.GetField("impact_speed_kmh") == pytest.approx(t["impact_speed_kmh"])
        else:
            assert f.IsFieldNull("impact_speed_kmh")
    for f in layers["vda_paths"]:
        t = by_id[f.GetField("id")]
        g = f.GetGeometryRef()
        # the path ends at the vehicle's arrival, within its run-up of the start
        assert g.Length() == pytest.approx(t["runup_m"], rel=1e-6)
        assert f.GetField("speed_kmh") == pytest.approx(t["impact_speed_kmh"])
    width = doc["vehicle"]["width_m"]
    for f in layers["corridors"]:
        t = by_id[f.GetField("id")]
        # the path swept by the body: at least the run-up times the width, less the ends
        assert f.GetGeometryRef().GetArea() >= width * t["runup_m"] * 0.95
    ds = None


def test_existing_output_refused(cpted, tmp_path):
    out = tmp_path / "o.geojson"
    (tmp_path / "o_corridors.geojson").write_text("{}")
    r = cpted("vda", STREET, "-o", out)
    assert r.returncode == 2
    assert "o_corridors.geojson' exists; use --overwrite" in r.stderr


# ---- nothing to assess -----------------------------------------------------------

def test_not_assessed_when_no_vehicle_enters(cpted, validate, tmp_path):
    """The street narrowed to 1 m by a wall along it: no car fits anywhere, so nothing
    is assessed (never "unreachable"), loudly even with --quiet."""
    site = json.loads(pathlib.Path(STREET).read_text())
    site["features"].append({
        "type": "Feature", "properties": {"role": "obstacle"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [E0 - 2, N0 - 10], [E0 + 3, N0 - 10], [E0 + 3, N0 + 60], [E0 - 2, N0 + 60],
            [E0 - 2, N0 - 10]]]}})
    path = tmp_path / "narrow.geojson"
    path.write_text(json.dumps(site))
    r = cpted("vda", path, "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "vda")
    assert doc["assessed"] is False and doc["not_assessed"]
    assert all(not t["assessed"] and not t["reachable"] and t["impact_speed_kmh"] is None
               for t in doc["targets"])
    assert "NOT ASSESSED" in r.stderr
    r = cpted("vda", path, "--quiet", "--fail-on-findings")
    assert r.returncode == 1
    assert "NOT ASSESSED" in r.stdout


# ---- options ---------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--spacing", "0"], "cpted vda: --spacing must be in [0.1, 100] m, not 0"),
    (["--spacing", "-1"], "cpted vda: --spacing must be in [0.1, 100] m, not -1"),
    (["--headings", "3"], "cpted vda: --headings must be in [8, 128] headings, not 3"),
    (["--headings", "16.5"], "cpted vda: invalid value for --headings: '16.5'"),
    (["--target", "garbage"], "cpted vda: invalid value for --target: 'garbage'"),
    (["--target", "1,2,3"], "cpted vda: invalid value for --target: '1,2,3'"),
    (["--entry-speed", "-5"], "cpted vda: --entry-speed must be in [0, 250] km/h, not -5"),
    (["--targets", "roofs"], "cpted vda: invalid value for --targets: 'roofs'"),
    (["--targets", "points"], "cpted vda: --targets points needs at least one --target X,Y"),
    (["--cell", "0.01"], "cpted vda: --cell must be in [0.1, 5] m, not 0.01"),
    (["--window", "10"], "cpted vda: --window must be in [20, 5000] m, not 10"),
    (["--chain", "0"], "cpted vda: --chain must be in (0, 50] m, not 0"),
    (["--spacing", "x"], "cpted vda: --spacing needs a number, not 'x'"),
    (["--no-sensitivity=1"], "cpted vda: --no-sensitivity takes no value"),
    (["--charge", "10"], "cpted vda: unknown option --charge"),
])
def test_bad_options(cpted, args, message):
    r = cpted("vda", STREET, *args)
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == message
    assert r.stdout == ""


def test_missing_source_is_input_error(cpted, tmp_path):
    r = cpted("vda", tmp_path / "nothing.gpkg")
    assert r.returncode == 3
    assert "nothing.gpkg" in r.stderr


def test_help(cpted):
    r = cpted("--help")
    assert r.returncode == 0
    assert any(line.split()[:1] == ["vda"] for line in r.stdout.splitlines())
    r = cpted("vda", "--help")
    assert r.returncode == 0
    for option in ("--targets", "--target", "--spacing", "--entry-speed", "--cell",
                   "--headings", "--window", "--no-sensitivity", "--chain", "--vehicle",
                   "--fail-on-findings", "-o OUT"):
        assert option in r.stdout, option
