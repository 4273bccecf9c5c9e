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
59.2652 - 0.9 = 58.365 m, and from a corner of the dead end sqrt(2.1^2 + 58.365^2) =
58.403 m. The search may also find a path that weaves in the 4.2 m wide free corridor:
at these speeds its bends need a lateral acceleration well below the friction circle's
sqrt((f g)^2 - a0^2) = 4.7 m/s2, so they cost no acceleration (architecture.md §8) and
the run-up grows by a few percent (59.5 m with the default 1 m cells). So: the run-up
is at least 58.36 m (never slower than the straight) and at most 5% longer, and the
speed is the closed form s^-1(run-up) from standstill within 1%.
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


def speed_for(s, v0=0.0, a0=A0, vmax=VMAX):
    """The inverse, the speed after s metres from v0, by bisection (s grows with v)."""
    lo, hi = v0, vmax * (1 - 1e-15)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if runup_for(mid, v0, a0=a0, vmax=vmax) < s else (lo, mid)
    return 0.5 * (lo + hi)


def run_json(cpted, validate, *args):
    r = cpted("vda", *args, "--json", "-")
    assert r.returncode == 0, r.stderr
    return validate(r.stdout, "vda")


def middle_target(doc):
    hits = [t for t in doc["targets"] if "@" in t["id"] and abs(t["station_m"] - 3.0) < 1e-9]
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
    assert 58.36 <= t["runup_m"] <= 58.403 * 1.05
    v = t["impact_speed_mps"]
    # within the resolution allowance (1.2 % at 1 m cells, docs/method-vda.md) and a little
    assert v == pytest.approx(speed_for(t["runup_m"]), rel=0.02)
    assert t["impact_speed_kmh"] == pytest.approx(3.6 * v, rel=1e-9)
    assert t["energy_kj"] == pytest.approx(0.5 * MASS * v * v / 1000, rel=1e-9)
    # head-on within one heading of the lattice (360 / 32 = 11.25 degrees): a weaving
    # path may arrive one heading off the axis
    assert t["angle_deg"] >= 90 - 11.25 - 1e-9
    # the bollards are rated 48 km/h for 1500 kg: not enough for about 68 km/h
    assert speed_for(58.36) * 3.6 > 48
    assert t["ok"] is False and t["rated_speed_kmh"] == 48
    assert t["barrier"] is not None and t["needed_rating"]


def test_entry_speed(cpted, validate):
    """Entering at 30 km/h in the entry zone (the dead end's first 5 m) beats standing
    starts, and the speed is the closed form from v0 = 30 km/h over the run-up."""
    still = middle_target(run_json(cpted, validate, STREET, "--spacing", "3",
                                   "--no-sensitivity"))
    doc = run_json(cpted, validate, STREET, "--spacing", "3", "--no-sensitivity",
                   "--entry-speed", "30")
    assert doc["options"]["entry_speed_kmh"] == 30
    t = middle_target(doc)
    assert t["impact_speed_kmh"] > still["impact_speed_kmh"]
    # the run-up from the entry zone is at most the street's 59.1 m (y 0.9 .. 60)
    assert t["runup_m"] <= 59.1 * 1.05
    assert t["impact_speed_mps"] == pytest.approx(speed_for(t["runup_m"], v0=30 / 3.6),
                                                  rel=0.02)  # the allowance, as above


def test_street_targets_lines_and_elements(cpted, validate):
    doc = run_json(cpted, validate, STREET, "--spacing", "3", "--no-sensitivity")
    samples = [t for t in doc["targets"] if "@" in t["id"]]
    # samples every 3 m along the 6 m line: stations 0, 3, 6; plus the four bollards
    assert sorted(t["station_m"] for t in samples) == pytest.approx([0, 3, 6])
    assert all(t["line"] == samples[0]["line"] for t in samples)
    assert len(doc["targets"]) == 3 + 4
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

# A coarse search on the plaza keeps these tests to a few seconds (the defaults, with
# the sensitivity band, take about 15 s there); its resolution errs towards the vehicle.
PLAZA_FAST = ("--no-sensitivity", "--cell", "1", "--headings", "16", "--window", "150")


def test_plaza_json_and_gap(cpted, validate, plaza):
    """The missing bollard's gap at (150, 120) is station 50 of the plaza's line: 120 m
    straight up Station Avenue give 85.23 km/h head-on (samples/plaza/README.md,
    "Approach along Station Avenue"); the search may only find faster approaches."""
    doc = run_json(cpted, validate, plaza, *PLAZA_FAST)
    assert doc["assessed"] is True
    assert doc["options"]["targets"] == "auto" and doc["options"]["cell_m"] == 1
    gap = [t for t in doc["targets"] if t["id"] == "perimeter:1@50.0"]
    assert len(gap) == 1
    t = gap[0]
    assert (t["x"], t["y"]) == (500150, 5800120)
    assert t["reachable"] is True and t["barrier"] is None
    assert t["impact_speed_kmh"] >= 85.23 * 0.999
    # the fastest approach need not be the head-on straight: on the open plaza
    # a sweeping curve across it can be faster (docs/method-vda.md)
    assert 0 <= t["angle_deg"] <= 90
    assert t["energy_kj"] == pytest.approx(0.5 * MASS * t["impact_speed_mps"] ** 2 / 1000,
                                           rel=1e-9)
    # the bollards are rated 48 km/h for 7500 kg, far below
    rated = [t for t in doc["targets"] if t["barrier"] == "bollards:2"]
    assert rated and all(t["ok"] is False and t["rated_speed_kmh"] == 48 for t in rated)


def test_table(cpted, plaza):
    r = cpted("vda", plaza, *PLAZA_FAST)
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
    assert set(layers) == {"vda_targets", "vda_paths", "corridors", "layer_styles"}
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
        # A lattice path is drawn through the search's states (its cells' centres) and
        # ends at the contact, where the vehicle centre is when its body touches the
        # target: it is never shorter than the run-up and, with 1 m cells, at most 5%
        # longer; its end lies within the vehicle's width of the target.
        assert t["runup_m"] * (1 - 1e-9) <= g.Length() <= t["runup_m"] * 1.05
        n = g.GetPointCount()
        assert math.hypot(g.GetX(n - 1) - t["x"], g.GetY(n - 1) - t["y"]) <= doc["vehicle"][
            "width_m"]
        assert f.GetField("speed_kmh") == pytest.approx(t["impact_speed_kmh"])
        assert f.GetField("runup_m") == pytest.approx(t["runup_m"])
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
    (["--entry-speed", "-5"], "cpted vda: --entry-speed must be in [0, 200] km/h, not -5"),
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
