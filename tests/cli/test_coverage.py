"""`cpted coverage`: the cpted/coverage/1 contract on the plaza sample (values worked by
hand in samples/plaza/README.md), the readable table, --fail-on-findings, the options and
their usage errors (architecture.md §6, §9; docs/method-coverage.md)."""
import json
import pathlib

import pytest

# (before, after, start_m, end_m, clear_width_m) from samples/plaza/README.md, "Coverage"
PLAZA_GAPS = [
    ("bollards:1", "bollards:2", 44.15, 45.35, 1.2),
    ("bollards:2", "bollards:3", 45.65, 46.85, 1.2),
    ("bollards:3", "bollards:4", 47.15, 48.35, 1.2),
    ("bollards:4", "bollards:5", 48.65, 51.35, 2.7),
    ("bollards:5", "bollards:6", 51.65, 52.85, 1.2),
    ("bollards:6", "bollards:7", 53.15, 54.35, 1.2),
    ("bollards:7", "bollards:8", 54.65, 55.85, 1.2),
]
E0, N0 = 500000, 5800000


def coverage_json(cpted, validate, *args):
    r = cpted("coverage", *args, "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    return validate(r.stdout, "coverage")


def test_plaza_matches_contract_and_hand_values(cpted, plaza, validate):
    doc = coverage_json(cpted, validate, plaza)
    assert doc["schema"] == "cpted/coverage/1"
    assert doc["max_gap_m"] == 1.2 and doc["vehicle"]["class"] == "M1"
    assert len(doc["lines"]) == 1
    line = doc["lines"][0]
    assert line["id"] == "perimeter:1" and line["derived"] is False and line["closed"] is False
    assert line["length_m"] == pytest.approx(100.0, abs=1e-9)
    assert line["covered_m"] == pytest.approx(90.1, abs=1e-3)
    assert line["coverage_ratio"] == pytest.approx(0.901, abs=1e-5)
    assert line["open_ends"] == 0 and line["noncompliant"] == 1
    assert line["weakest_rating"] == "V/7500[N2]/48/90:1.1"
    assert line["unrated"] == 4  # B1, B8 and the two walls (no rating string)
    gaps = line["gaps"]
    assert len(gaps) == len(PLAZA_GAPS)
    for g, (before, after, s0, s1, clear) in zip(gaps, PLAZA_GAPS):
        assert g["between"] == [before, after]
        assert g["start_m"] == pytest.approx(s0, abs=1e-3)
        assert g["end_m"] == pytest.approx(s1, abs=1e-3)
        assert g["clear_width_m"] == pytest.approx(clear, abs=1e-3)
        assert g["compliant"] is (clear < 1.5)
        assert g["vehicle_passable"] is (clear > 1.8)
        assert g["x"] == pytest.approx(E0 + 100 + (s0 + s1) / 2, abs=1e-3)
        assert g["y"] == pytest.approx(N0 + 120, abs=1e-9)
    # One crossing at the 2.7 m gap: centre-line width 2.7 - 1.8 = 0.9 m (polygonised
    # discs and dilations move it by millimetres).
    assert len(doc["breaches"]) == 1
    b = doc["breaches"][0]
    assert b["kind"] == "crossing" and b["line"] == "perimeter:1"
    assert b["x"] == pytest.approx(E0 + 150, abs=0.01)
    assert b["y"] == pytest.approx(N0 + 120, abs=1e-6)
    assert b["width_m"] == pytest.approx(0.9, abs=0.02)
    assert doc["warnings"] == []


def test_wider_vehicle_narrower_breach(cpted, plaza, validate):
    """N3E is 2.55 m wide: the 2.7 m gap still lets it through, 0.15 m of centre line."""
    doc = coverage_json(cpted, validate, plaza, "--vehicle", "N3E")
    assert doc["vehicle"]["width_m"] == 2.55
    assert [g["vehicle_passable"] for g in doc["lines"][0]["gaps"]].count(True) == 1
    assert doc["breaches"][0]["width_m"] == pytest.approx(0.15, abs=0.02)
    # A 2.8 m vehicle no longer fits: no breach, the gap stays non-compliant.
    doc = coverage_json(cpted, validate, plaza, "--vehicle-width", "2.8")
    assert doc["breaches"] == []
    assert doc["lines"][0]["noncompliant"] == 1


def test_max_gap_option_and_fail_on_findings(cpted, plaza, validate):
    doc = coverage_json(cpted, validate, plaza, "--max-gap", "3")
    assert doc["max_gap_m"] == 3 and doc["lines"][0]["noncompliant"] == 0
    # findings: a non-compliant gap and a breach -> 1; without the flag -> 0
    assert cpted("coverage", plaza, "--quiet").returncode == 0
    assert cpted("coverage", plaza, "--quiet", "--fail-on-findings").returncode == 1
    # still 1 with --max-gap 3: the breach remains
    assert cpted("coverage", plaza, "--quiet", "--max-gap", "3",
                 "--fail-on-findings").returncode == 1
    # a vehicle too wide for the gap and a generous max gap: nothing found -> 0
    r = cpted("coverage", plaza, "--quiet", "--max-gap", "3", "--vehicle-width", "2.8",
              "--fail-on-findings")
    assert r.returncode == 0, r.stdout + r.stderr


def test_snap_zero_still_sees_bollards_on_the_line(cpted, plaza, validate):
    doc = coverage_json(cpted, validate, plaza, "--snap", "0")
    assert doc["snap_m"] == 0
    assert [g["between"] for g in doc["lines"][0]["gaps"]] == [[b, a] for b, a, *_ in PLAZA_GAPS]


def test_readable_table(cpted, plaza):
    r = cpted("coverage", plaza)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "line perimeter:1: 100.00 m, covered 90.10 m (90.1%), 7 gap(s), 1 non-compliant" in out
    assert "weakest rating: V/7500[N2]/48/90:1.1" in out
    row = [l for l in out.splitlines() if "bollards:4 - bollards:5" in l][0]
    assert row.split()[:5] == ["48.650", "51.350", "2.700", "NO", "YES"]
    assert "breaches: 1" in out


def test_json_file_and_gis_output(cpted, plaza, tmp_path, validate):
    js, gpkg = tmp_path / "cov.json", tmp_path / "cov.gpkg"
    r = cpted("coverage", plaza, "--json", js, "-o", gpkg, "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(js.read_text(), "coverage")
    assert len(doc["lines"][0]["gaps"]) == 7
    assert "line perimeter:1" in r.stdout  # the table is still printed
    from osgeo import ogr
    ds = ogr.Open(str(gpkg))
    names = {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount()
             for i in range(ds.GetLayerCount())}
    assert names.get("gaps") == 7 and names.get("breaches") == 1
    # gaps are the stretches of the line left open: the 2.7 m one runs x 148.65..151.35
    gaps = ds.GetLayerByName("gaps")
    wide = [f for f in gaps if abs(f.GetField("clear_width_m") - 2.7) < 1e-6]
    assert len(wide) == 1
    g = wide[0].GetGeometryRef()
    assert g.GetGeometryName() == "LINESTRING"
    assert [round(c, 6) for c in g.GetPoint_2D(0)] == [500148.65, 5800120.0]
    assert [round(c, 6) for c in g.GetPoint_2D(g.GetPointCount() - 1)] == [500151.35, 5800120.0]
    assert wide[0].GetField("x") == 500150.0
    ds = None
    # -o refuses to replace without --overwrite: a usage error, before any work
    before = gpkg.read_bytes()
    r = cpted("coverage", plaza, "-o", gpkg, "--quiet")
    assert r.returncode == 2 and "--overwrite" in r.stderr and str(gpkg) in r.stderr
    assert gpkg.read_bytes() == before
    r = cpted("coverage", plaza, "-o", gpkg, "--quiet", "--overwrite")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("args", [
    ["--max-gap", "0"], ["--max-gap", "-1"], ["--max-gap", "nan"], ["--max-gap", "wide"],
    ["--snap", "-0.5"], ["--snap", "inf"], ["--chain", "0"], ["--chain", "-5"],
    ["--max-gap"], ["--vehicle", "TANK"], ["--vehicle-width", "0"],
])
def test_absurd_parameters_are_usage_errors(cpted, plaza, args):
    r = cpted("coverage", plaza, *args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    # the first line names the option (or the field) and the value refused
    first = r.stderr.splitlines()[0]
    name = {"--vehicle-width": "width_m", "--vehicle": "vehicle class"}.get(args[0], args[0])
    assert first.startswith("cpted coverage: ") and name in first, first
    if len(args) > 1:
        assert args[1] in first, first
    assert r.stdout == ""


def test_help_lists_the_coverage_options(cpted):
    r = cpted("coverage", "--help")
    assert r.returncode == 0
    for opt in ("--max-gap", "--snap", "--chain", "--fail-on-findings"):
        assert opt in r.stdout


def test_missing_source_is_an_input_error(cpted, tmp_path):
    r = cpted("coverage", tmp_path / "nowhere.gpkg")
    assert r.returncode == 3 and "nowhere.gpkg" in r.stderr


def test_helsinki_derived_rows(cpted, samples_dir, validate):
    """Real OSM data: no perimeter, so rows are chained from the barrier points; OSM
    bollard ways are analysed as unverified lines. Counts measured on the 2019 extract
    (docs/method-coverage.md)."""
    r = cpted("coverage", samples_dir / "osm" / "helsinki_centre_osm_2019.osm.pbf",
              "--lenient", "--json", "-", "--quiet", timeout=300)
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "coverage")
    rows = [l for l in doc["lines"] if l["derived"]]
    ways = [l for l in doc["lines"] if l["unverified"]]
    assert len(rows) == 12 and len(ways) == 57
    assert [l["id"] for l in rows] == ["row:%d" % i for i in range(1, 13)]
    assert sum(l["gap_count"] for l in rows) == 95
    assert sum(l["noncompliant"] for l in rows) == 94
    assert all(l["gap_count"] == 0 for l in ways)  # a way is its own footprint
    assert len(doc["breaches"]) > 0
    # output CRS of an OSM source is lon/lat
    assert all(24.9 < b["x"] < 24.97 and 60.15 < b["y"] < 60.19 for b in doc["breaches"])
    # docs/method-coverage.md §5: a crossing is a piece of its line; a bypass is tested
    # only on open lines without a crossing, one per line at most
    lines = {l["id"]: l for l in doc["lines"]}
    crossed = {b["line"] for b in doc["breaches"] if b["kind"] == "crossing"}
    bypassed = [b["line"] for b in doc["breaches"] if b["kind"] == "bypass"]
    assert len(bypassed) == len(set(bypassed)) and not crossed & set(bypassed)
    for b in doc["breaches"]:
        line = lines[b["line"]]
        if b["kind"] == "crossing":
            assert 0 < b["width_m"] <= line["length_m"] + 1e-9
        else:
            assert b["kind"] == "bypass" and not line["closed"] and b["width_m"] >= 0


def test_derived_rows_are_written_with_their_geometry(cpted, samples_dir, tmp_path):
    """Rows chained from barrier points exist only in the result: the GIS output still
    carries their geometry (in the output CRS, lon/lat for an OSM source), and every gap
    is a stretch of its line as long as its start..end interval."""
    gpkg = tmp_path / "hki.gpkg"
    r = cpted("coverage", samples_dir / "osm" / "helsinki_centre_osm_2019.osm.pbf",
              "--lenient", "-o", gpkg, "--quiet", timeout=300)
    assert r.returncode == 0, r.stderr
    from osgeo import ogr, osr
    ds = ogr.Open(str(gpkg))
    lines = ds.GetLayerByName("perimeter_lines")
    rows = [f for f in lines if f.GetField("id").startswith("row:")]
    assert len(rows) == 12
    for f in rows:
        g = f.GetGeometryRef()
        assert g is not None and g.GetGeometryName() == "MULTILINESTRING"
        assert g.GetGeometryCount() == 1 and g.GetGeometryRef(0).GetPointCount() >= 2
        minx, maxx, miny, maxy = g.GetEnvelope()
        assert 24.9 < minx <= maxx < 24.97 and 60.15 < miny <= maxy < 60.19
    # gap stretches: measured in metres (UTM 35N), their length is end_m - start_m
    utm = osr.SpatialReference()
    utm.ImportFromEPSG(32635)
    utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    gaps = ds.GetLayerByName("gaps")
    wgs = gaps.GetSpatialRef()
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_utm = osr.CoordinateTransformation(wgs, utm)
    count = 0
    for f in gaps:
        g = f.GetGeometryRef().Clone()
        g.Transform(to_utm)
        assert abs(g.Length() - (f.GetField("end_m") - f.GetField("start_m"))) < 1e-3
        count += 1
    assert count == 95
    ds = None


def test_dxf_circles_are_bollard_outlines(cpted, tmp_path, validate):
    """tests/data/circles.dxf: four CIRCLEs of radius 0.15 m at 1.5 m centres on layer
    BOLLARDS and a perimeter LINE through their centres. GDAL gives each circle as a closed
    line; taken as a wall of the default 0.2 m thickness the gaps would read 1.000 m (the
    unsafe direction). As the discs they outline, the clear gaps are 1.5 - 0.3 = 1.200 m."""
    data = pathlib.Path(__file__).resolve().parents[1] / "data" / "circles.dxf"
    r = cpted("coverage", data, "--assume-crs", "EPSG:25832", "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "coverage")
    (line,) = doc["lines"]
    assert line["id"] == "PERIMETER:4" and line["open_ends"] == 0
    assert [g["clear_width_m"] for g in line["gaps"]] == pytest.approx([1.2] * 3, abs=1e-6)
    assert [g["between"] for g in line["gaps"]] == [
        ["BOLLARDS:0", "BOLLARDS:1"], ["BOLLARDS:1", "BOLLARDS:2"], ["BOLLARDS:2", "BOLLARDS:3"]]


def test_table_names_bypasses(cpted, tmp_path):
    """A line with nothing to stop a vehicle driving round its end: the table says
    "bypass", not that the line itself can be crossed. Car (1.8 m) on open ground
    (no ground/road given: everything drivable); a 10 m wall on a 60 m x 40 m site."""
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [
            {"type": "Feature", "properties": {"role": "boundary"},
             "geometry": {"type": "Polygon", "coordinates": [[
                 [500000, 5800000], [500060, 5800000], [500060, 5800040],
                 [500000, 5800040], [500000, 5800000]]]}},
            {"type": "Feature", "properties": {"role": "perimeter"},
             "geometry": {"type": "LineString",
                          "coordinates": [[500025, 5800020], [500035, 5800020]]}},
            {"type": "Feature", "properties": {"role": "barrier", "thickness": 0.3},
             "geometry": {"type": "LineString",
                          "coordinates": [[500025, 5800020], [500035, 5800020]]}},
        ],
    }
    path = tmp_path / "wall.geojson"
    path.write_text(json.dumps(doc))
    r = cpted("coverage", path, "--quiet")
    assert r.returncode == 0, r.stderr
    assert "bypass round its end" in r.stdout
    assert "the vehicle centre can cross" not in r.stdout


def _site(tmp_path, name, features):
    path = tmp_path / name
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": features}))
    return path


def _feature(role, kind, coordinates, **props):
    return {"type": "Feature", "properties": dict(role=role, **props),
            "geometry": {"type": kind, "coordinates": coordinates}}


def test_no_line_is_not_assessed_even_quiet(cpted, tmp_path, validate):
    """No line of protection: the library's reason on stderr even with --quiet, the table
    says breaches are not assessed (never "breaches: 0"), the JSON says "assessed": false,
    and it is a finding for --fail-on-findings."""
    path = _site(tmp_path, "road.geojson", [
        _feature("road", "LineString", [[E0, N0], [E0 + 100, N0]], width=7)])
    r = cpted("coverage", path, "--quiet")
    assert r.returncode == 0, r.stderr
    reason = ("no line of protection: the site has no perimeter line, barrier line or row of "
              "barrier points, so no gap or breach was looked for")
    assert r.stderr == "cpted coverage: NOT ASSESSED: %s\n" % reason
    assert r.stdout == ("max clear gap 1.200 m, snap 1.000 m; 0 line(s)\n\n"
                        "breaches: not assessed (%s)\n" % reason)
    doc = coverage_json(cpted, validate, path)
    assert doc["assessed"] is False and doc["not_assessed"] == reason
    assert doc["breaches"] == [] and doc["lines"] == []
    assert cpted("coverage", path, "--quiet", "--fail-on-findings").returncode == 1


def test_free_space_not_assessed_breaches_not_assessed(cpted, tmp_path, validate):
    """A compliant row of bollards (gaps 1.2 m) on ground that no entry meets (the only
    entry lies inside a building): the gaps are still measured, breaches are not looked for,
    with the free space's reason; one finding."""
    path = _site(tmp_path, "noentry.geojson", [
        _feature("boundary", "Polygon", [[[E0 - 40, N0 - 40], [E0 + 40, N0 - 40],
                                          [E0 + 40, N0 + 40], [E0 - 40, N0 + 40],
                                          [E0 - 40, N0 - 40]]]),
        _feature("ground", "Polygon", [[[E0 - 5, N0 - 5], [E0 + 20, N0 - 5],
                                        [E0 + 20, N0 + 5], [E0 - 5, N0 + 5],
                                        [E0 - 5, N0 - 5]]]),
        _feature("building", "Polygon", [[[E0 + 16, N0 - 4.5], [E0 + 19.5, N0 - 4.5],
                                          [E0 + 19.5, N0 + 4.5], [E0 + 16, N0 + 4.5],
                                          [E0 + 16, N0 - 4.5]]]),
        _feature("entry", "LineString", [[E0 + 17.75, N0 - 1], [E0 + 17.75, N0 + 1]]),
        _feature("perimeter", "LineString", [[E0, N0], [E0 + 3, N0]]),
    ] + [_feature("barrier", "Point", [E0 + 1.5 * k, N0], diameter=0.3) for k in range(3)])
    doc = coverage_json(cpted, validate, path)
    assert doc["assessed"] is False
    assert doc["not_assessed"].startswith("no entry meets the free space")
    assert [g["clear_width_m"] for g in doc["lines"][0]["gaps"]] == pytest.approx([1.2, 1.2])
    assert doc["breaches"] == []
    r = cpted("coverage", path, "--quiet")
    assert r.returncode == 0, r.stderr
    assert "cpted coverage: NOT ASSESSED: no entry meets the free space" in r.stderr
    assert ("\nbreaches: not assessed (%s)\n" % doc["not_assessed"]) in r.stdout
    assert cpted("coverage", path, "--quiet", "--fail-on-findings").returncode == 1
