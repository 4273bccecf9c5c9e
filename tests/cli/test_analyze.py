"""`cpted analyze`: the three analyses over one free space (docs/user-guide.md, "cpted
analyze"; docs/method-analysis.md): the cpted/analysis/1 JSON, the parts equal to the
three commands run apart, one GIS output with every layer, its attributes equal to the
JSON, its CRS and its QGIS styles (docs/outputs.md, "Styles"), atomic writes (a write
failing half-way or an interrupt leaves nothing), overwrite protection, exit codes and
the progress bar.

Sites: the dead-end street of tests/data/vda/street.geojson (EPSG:25832; see
tests/cli/test_vda.py: a perimeter of four rated bollards at its mouth, an asset 20 m
beyond, 8 VDA targets; the whole analysis takes about a second) and the plaza sample
(samples/plaza) without its VDA (--parts coverage,standoff) for a breach.
"""
import json
import math
import os
import pathlib
import pty
import resource
import signal
import sqlite3
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest
from osgeo import ogr, osr

ogr.UseExceptions()

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
STREET = str(DATA / "vda" / "street.geojson")
LAYERS = ["perimeter_lines", "gaps", "breaches", "standoff_lines", "encroachment",
          "accessible_area", "vda_targets", "vda_paths", "corridors"]


def analyze_json(cpted, validate, *args):
    r = cpted("analyze", *args, "--json", "-")
    assert r.returncode == 0, r.stderr
    return validate(r.stdout, "analysis")


def same(a, b):
    """A GIS attribute equals a JSON value (the JSON has 10 significant digits)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, bool):
        return bool(a) == b and a in (0, 1, True, False)
    if isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def check_fields(feature, record, pairs, what):
    for field, key in pairs:
        got, want = feature.GetField(field), record[key] if isinstance(key, str) else key(record)
        assert same(got, want), "%s: %s = %r, JSON %r" % (what, field, got, want)


def layers_of(path):
    ds = ogr.Open(str(path))
    return ds, {ds.GetLayer(i).GetName(): ds.GetLayer(i) for i in range(ds.GetLayerCount())}


# ---- JSON ----------------------------------------------------------------------------

def test_json_contract_and_findings(cpted, validate):
    doc = analyze_json(cpted, validate, STREET, "--charge", "50")
    assert doc["schema"] == "cpted/analysis/1"
    assert doc["assessed"] is True
    assert [doc[p]["schema"] for p in ("coverage", "standoff", "vda")] == [
        "cpted/coverage/1", "cpted/standoff/1", "cpted/vda/1"]
    # the four bollards are rated 48 km/h and hit at about 65 km/h (test_vda.py): four
    # critical under_rated findings; the asset is 19.83 m from the accessible ground, 20 m
    # required: a high standoff finding (above half the requirement); worst first
    kinds = [(f["severity"], f["kind"]) for f in doc["findings"]]
    assert kinds == [("critical", "under_rated")] * 4 + [("high", "standoff")]
    standoff = doc["findings"][-1]
    asset = doc["standoff"]["assets"][0]
    assert standoff["subject"] == asset["id"] and standoff["part"] == "standoff"
    assert same(standoff["value"], asset["standoff_m"]) and standoff["limit"] == 20
    for f in doc["findings"][:4]:
        assert f["part"] == "vda" and f["limit"] == 48 and 60 < f["value"] < 70


def test_parts_equal_the_commands_run_apart(cpted, validate):
    doc = analyze_json(cpted, validate, STREET, "--charge", "50", "--spacing", "3")
    apart = {}
    for part, extra in (("coverage", []), ("standoff", ["--charge", "50"]),
                        ("vda", ["--spacing", "3"])):
        r = cpted(part, STREET, *extra, "--json", "-")
        assert r.returncode == 0, r.stderr
        apart[part] = validate(r.stdout, part)
    for part in ("coverage", "standoff", "vda"):
        assert doc[part] == apart[part], part


def test_part_left_out_is_not_assessed(cpted, validate, plaza):
    r = cpted("analyze", plaza, "--parts", "coverage,standoff", "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "analysis")
    assert doc["assessed"] is False
    assert doc["vda"]["assessed"] is False and doc["vda"]["targets"] == []
    # the part left out carries the same vehicle as the parts that ran
    assert doc["vda"]["vehicle"] == doc["coverage"]["vehicle"]
    na = [f for f in doc["findings"] if f["kind"] == "not_assessed"]
    assert [(f["part"], f["severity"]) for f in na] == [("vda", "critical")]
    # loud even with --quiet, and in the summary
    assert "cpted analyze: NOT ASSESSED: " in r.stderr
    r = cpted("analyze", plaza, "--parts", "coverage,standoff", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "vda: NOT ASSESSED (left out of the analysis)" in r.stdout
    assert "NOT ASSESSED" in r.stderr


# ---- the GIS output: round trip, CRS, styles ---------------------------------------------

def test_round_trip_street(cpted, validate, tmp_path):
    out, js = tmp_path / "a.gpkg", tmp_path / "a.json"
    r = cpted("analyze", STREET, "--charge", "50", "-o", out, "--json", js, "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(js.read_text(), "analysis")
    ds, layers = layers_of(out)
    assert sorted(layers) == sorted(LAYERS + ["layer_styles"])

    cov = doc["coverage"]
    lines = {l["id"]: l for l in cov["lines"]}
    assert layers["perimeter_lines"].GetFeatureCount() == len(lines) == 1
    for f in layers["perimeter_lines"]:
        check_fields(f, lines[f.GetField("id")],
                     [("derived", "derived"), ("closed", "closed"), ("unverified", "unverified"),
                      ("length_m", "length_m"), ("covered_m", "covered_m"),
                      ("coverage_ratio", "coverage_ratio"), ("open_ends", "open_ends"),
                      ("gap_count", "gap_count"), ("noncompliant_count", "noncompliant"),
                      ("weakest_rating", "weakest_rating"), ("unrated_count", "unrated")],
                     "perimeter_lines")
    gaps = [(l["id"], g) for l in cov["lines"] for g in l["gaps"]]
    assert layers["gaps"].GetFeatureCount() == len(gaps) == 5
    for f, (line_id, g) in zip(layers["gaps"], gaps):
        assert f.GetField("line_id") == line_id
        check_fields(f, g, [("start_m", "start_m"), ("end_m", "end_m"),
                            ("clear_width_m", "clear_width_m"), ("compliant", "compliant"),
                            ("vehicle_passable", "vehicle_passable"), ("x", "x"), ("y", "y"),
                            ("between_1", lambda g: g["between"][0]),
                            ("between_2", lambda g: g["between"][1])], "gaps")
    assert layers["breaches"].GetFeatureCount() == 0 == len(cov["breaches"])

    so = doc["standoff"]
    assert layers["standoff_lines"].GetFeatureCount() == len(so["assets"]) == 1
    for f, a in zip(layers["standoff_lines"], so["assets"]):
        check_fields(f, a, [(k, k) for k in (
            "id", "name", "reachable", "standoff_m", "required_m", "ok", "scaled_distance",
            "incident_kpa", "reflected_kpa", "incident_impulse_kpa_ms", "blast_in_range",
            "encroachment_m2", "assessed", "incident_kpa_at_least", "reflected_kpa_at_least",
            "osm_id", "address", "amenity")], "standoff_lines")
        # from the asset to the vehicle: the nearest pair of the JSON (given to the mm)
        g = f.GetGeometryRef()
        for k, end in ((0, "asset"), (1, "vehicle")):
            got, want = g.GetPoint_2D(k), a["nearest"][end]
            assert abs(got[0] - want[0]) <= 5e-4 and abs(got[1] - want[1]) <= 5e-4, end
        assert a["scaled_distance"] is not None  # --charge 50: the blast columns are filled
    enc = [a for a in so["assets"] if a["encroachment_m2"]]
    assert layers["encroachment"].GetFeatureCount() == len(enc) == 1
    for f, a in zip(layers["encroachment"], enc):
        check_fields(f, a, [("id", "id"), ("name", "name"), ("required_m", "required_m"),
                            ("area_m2", "encroachment_m2")], "encroachment")
        assert math.isclose(f.GetGeometryRef().GetArea(), a["encroachment_m2"], rel_tol=1e-6)
    acc = list(layers["accessible_area"])
    assert len(acc) == 1 and same(acc[0].GetField("area_m2"), so["accessible_area_m2"])

    vda = doc["vda"]
    targets = vda["targets"]
    assert layers["vda_targets"].GetFeatureCount() == len(targets) == 8
    for f, t in zip(layers["vda_targets"], targets):
        check_fields(f, t, [(k, k) for k in (
            "id", "station_m", "assessed", "reachable", "impact_speed_kmh", "impact_speed_mps",
            "energy_kj", "energy_normal_kj", "angle_deg", "runup_m", "barrier", "rating",
            "rated_mass_kg", "rated_speed_kmh", "rated_angle_deg", "rated_penetration_m", "ok",
            "needed_rating", "not_assessed")] + [
            ("line_id", "line"), ("speed_low_kmh", lambda t: t["speed_band_kmh"][0]),
            ("speed_high_kmh", lambda t: t["speed_band_kmh"][1])], "vda_targets")
        p = f.GetGeometryRef().GetPoint_2D(0)
        assert same(p[0], t["x"]) and same(p[1], t["y"])
    reachable = [t for t in targets if t["reachable"]]
    assert layers["vda_paths"].GetFeatureCount() == len(reachable) == 8
    for f, t in zip(layers["vda_paths"], reachable):
        check_fields(f, t, [("id", "id"), ("speed_kmh", "impact_speed_kmh"),
                            ("energy_kj", "energy_kj"), ("angle_deg", "angle_deg"),
                            ("runup_m", "runup_m")], "vda_paths")
    assert layers["corridors"].GetFeatureCount() == len(reachable)
    for f, t in zip(layers["corridors"], reachable):
        check_fields(f, t, [("id", "id"), ("speed_kmh", "impact_speed_kmh")], "corridors")


def test_round_trip_breach(cpted, validate, plaza, tmp_path):
    out, js = tmp_path / "p.gpkg", tmp_path / "p.json"
    r = cpted("analyze", plaza, "--parts", "coverage,standoff", "-o", out, "--json", js,
              "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(js.read_text(), "analysis")
    ds, layers = layers_of(out)
    # the VDA left out: its layers are not written
    assert sorted(layers) == sorted(LAYERS[:6] + ["layer_styles"])
    breaches = doc["coverage"]["breaches"]
    assert len(breaches) == 1 and layers["breaches"].GetFeatureCount() == 1
    for f, b in zip(layers["breaches"], breaches):
        check_fields(f, b, [("line_id", "line"), ("kind", "kind"), ("width_m", "width_m")],
                     "breaches")
        p = f.GetGeometryRef().GetPoint_2D(0)
        assert same(p[0], b["x"]) and same(p[1], b["y"])
    # the not-assessed VDA first, then the breach finding, where the breach is
    first, second = doc["findings"][:2]
    assert (first["kind"], first["part"]) == ("not_assessed", "vda")
    assert (second["kind"], second["severity"]) == ("breach", "critical")
    assert same(second["x"], breaches[0]["x"]) and same(second["y"], breaches[0]["y"])


def test_crs_of_every_layer(cpted, validate, tmp_path):
    out = tmp_path / "ll.gpkg"
    r = cpted("analyze", STREET, "--output-crs", "EPSG:4326", "-o", out, "--json",
              tmp_path / "ll.json", "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate((tmp_path / "ll.json").read_text(), "analysis")
    ds, layers = layers_of(out)
    for name in LAYERS:
        srs = layers[name].GetSpatialRef()
        assert srs is not None, name
        assert srs.GetAuthorityName(None) == "EPSG" and srs.GetAuthorityCode(None) == "4326", name
    assert layers["layer_styles"].GetSpatialRef() is None
    # the coordinates are the JSON's, in lon/lat
    t = doc["vda"]["targets"][0]
    feature = layers["vda_targets"].GetNextFeature()
    p = feature.GetGeometryRef().GetPoint_2D(0)
    assert abs(p[0] - t["x"]) < 1e-7 and abs(p[1] - t["y"]) < 1e-7
    assert 8.9 < p[0] < 9.1 and 52.3 < p[1] < 52.4  # UTM 32N, E 500 km = 9 deg E


def qml_root(text):
    return ET.fromstring(text)  # the DOCTYPE line is allowed by ElementTree


def test_styles(cpted, tmp_path):
    out = tmp_path / "s.gpkg"
    r = cpted("analyze", STREET, "-o", out, "--quiet")
    assert r.returncode == 0, r.stderr
    ds, layers = layers_of(out)
    rows = {}
    for f in layers["layer_styles"]:
        rows[f.GetField("f_table_name")] = f
    assert sorted(rows) == sorted(LAYERS)
    renderers = {}
    for name, f in rows.items():
        assert f.GetField("f_table_catalog") == "" and f.GetField("f_table_schema") == ""
        assert f.GetField("f_geometry_column") == layers[name].GetGeometryColumn()
        assert f.GetField("useAsDefault") == 1 and f.GetField("styleName") == name
        root = qml_root(f.GetField("styleQML"))
        assert root.tag == "qgis"
        renderer = root.find("renderer-v2")
        assert renderer is not None, name
        renderers[name] = renderer
        fields = {layers[name].GetLayerDefn().GetFieldDefn(i).GetName()
                  for i in range(layers[name].GetLayerDefn().GetFieldCount())}
        attr = renderer.get("attr")
        if renderer.get("type") == "graduatedSymbol":
            assert attr in fields, (name, attr)
    # gaps: red/green by compliance
    gaps = renderers["gaps"]
    assert gaps.get("type") == "categorizedSymbol"
    assert '"compliant"' in gaps.get("attr")
    cats = [(c.get("value"), c.get("symbol")) for c in gaps.find("categories")]
    assert [v for v, _ in cats] == ["compliant", "not compliant"]
    colours = {s.get("name"): {p.get("k"): p.get("v") for p in s.find("layer")}["line_color"]
               for s in gaps.find("symbols")}
    assert colours[cats[0][1]] == "51,160,44,255" and colours[cats[1][1]] == "227,26,28,255"
    # speeds: graduated, legend in km/h, contiguous classes from 0
    for name, attr in (("vda_targets", "impact_speed_kmh"), ("vda_paths", "speed_kmh"),
                       ("corridors", "speed_kmh")):
        g = renderers[name]
        assert g.get("type") == "graduatedSymbol" and g.get("attr") == attr
        ranges = list(g.find("ranges"))
        assert float(ranges[0].get("lower")) == 0
        for a, b in zip(ranges, ranges[1:]):
            assert a.get("upper") == b.get("lower")
        assert all(x.get("label").endswith("km/h") for x in ranges)
        assert [x.get("upper") for x in ranges][:6] == ["16", "32", "48", "64", "80", "112"]
    # standoff lines: labelled with their distance
    so = qml_root(rows["standoff_lines"].GetField("styleQML"))
    assert so.get("labelsEnabled") == "1"
    style = so.find("labeling/settings/text-style")
    assert '"standoff_m"' in style.get("fieldName") and style.get("isExpression") == "1"
    for name in ("perimeter_lines", "breaches", "encroachment", "accessible_area"):
        assert renderers[name].get("type") == "singleSymbol"
    # registered as an attribute table
    con = sqlite3.connect(str(out))
    try:
        kind = con.execute("SELECT data_type FROM gpkg_contents WHERE table_name = "
                           "'layer_styles'").fetchall()
    finally:
        con.close()
    assert kind == [("attributes",)]


def test_geojson_one_file_per_layer(cpted, tmp_path):
    r = cpted("analyze", STREET, "-o", tmp_path / "a.geojson", "--quiet")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == sorted("a_%s.geojson" % n for n in LAYERS)


# ---- atomicity and overwriting -----------------------------------------------------------

def run_limited(cpted_bin, args, cwd, fsize):
    """Runs cpted with files limited to `fsize` bytes (writes beyond fail with EFBIG)."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return subprocess.run([os.path.abspath(cpted_bin)] + [str(a) for a in args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, preexec_fn=limit,
                          restore_signals=False)


def test_failed_write_leaves_nothing(cpted, cpted_bin, tmp_path):
    ref = tmp_path / "ref"
    ref.mkdir()
    r = cpted("analyze", STREET, "-o", ref / "a.gpkg", "--quiet")
    assert r.returncode == 0, r.stderr
    size = (ref / "a.gpkg").stat().st_size
    # the write fails early, half-way and at its very end (the styles table is last)
    for i, fraction in enumerate((0.3, 0.6, 0.95)):
        d = tmp_path / ("run%d" % i)
        d.mkdir()
        r = run_limited(cpted_bin, ["analyze", STREET, "-o", "a.gpkg", "--json", "a.json",
                                    "--quiet"], d, int(size * fraction))
        assert r.returncode == 3, (fraction, r.returncode, r.stderr)
        assert "a.gpkg" in r.stderr
        assert os.listdir(d) == [], (fraction, os.listdir(d))


def test_overwrite_protection(cpted, tmp_path):
    out = tmp_path / "a.gpkg"
    out.write_bytes(b"not yours")
    r = cpted("analyze", STREET, "-o", out, "--quiet")
    assert r.returncode == 2 and "exists; use --overwrite" in r.stderr
    assert out.read_bytes() == b"not yours"
    # one member of a GeoJSON set refuses the whole set
    (tmp_path / "b_gaps.geojson").write_text("{}")
    r = cpted("analyze", STREET, "-o", tmp_path / "b.geojson", "--quiet")
    assert r.returncode == 2 and "b_gaps.geojson" in r.stderr
    assert sorted(os.listdir(tmp_path)) == ["a.gpkg", "b_gaps.geojson"]
    r = cpted("analyze", STREET, "-o", out, "--overwrite", "--quiet")
    assert r.returncode == 0, r.stderr
    ds, layers = layers_of(out)
    assert "vda_targets" in layers


def test_interrupt_leaves_nothing(cpted_bin, plaza, tmp_path):
    # the plaza's VDA takes several seconds: SIGINT arrives during the analysis
    p = subprocess.Popen([os.path.abspath(cpted_bin), "analyze", plaza, "-o", "a.gpkg",
                          "--json", "a.json"], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "cpted analyze: interrupted" in err
    assert os.listdir(tmp_path) == []


# ---- exit codes, --quiet, progress ----------------------------------------------------------

def test_fail_on_findings(cpted):
    r = cpted("analyze", STREET, "--quiet")
    assert r.returncode == 0, r.stderr
    r = cpted("analyze", STREET, "--quiet", "--fail-on-findings")
    assert r.returncode == 1, r.stderr
    # the summary still printed
    assert "findings: 5, worst first" in r.stdout


def test_summary_text(cpted):
    r = cpted("analyze", STREET, "--spacing", "3")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "vehicle M1 (1500 kg, width 1.80 m)"
    assert out[1] == "coverage: 1 line(s), 5 gap(s), 0 non-compliant; 0 breach(es)"
    assert out[2].startswith("standoff: 1 asset(s), 1 reachable, 1 closer than required; "
                             "nearest 19.83 m")
    assert out[3].startswith("vda: ")
    findings = out[out.index("findings: 5, worst first") + 1:]
    assert [l.split()[:2] for l in findings] == [["critical", "under_rated"]] * 4 + [
        ["high", "standoff"]]


def test_quiet(cpted):
    r = cpted("analyze", STREET, "--quiet")
    assert r.returncode == 0 and r.stderr == ""
    r = cpted("analyze", STREET)
    assert r.returncode == 0
    # no progress bar when stderr is not a terminal
    assert "\r" not in r.stderr and "[" not in r.stderr


def test_progress_bar_on_a_terminal(cpted_bin):
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([cpted_bin, "analyze", STREET], stdout=subprocess.PIPE,
                             stderr=slave, text=True)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        p.communicate(timeout=120)
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)
    assert p.returncode == 0
    err = b"".join(chunks).decode()
    for stage in ("coverage", "standoff", "vda"):
        assert "\r" + stage in err, err[-500:]
    assert "100%" in err


def test_bad_input(cpted, tmp_path):
    missing = tmp_path / "nope.gpkg"
    r = cpted("analyze", missing)
    assert r.returncode == 3 and str(missing) in r.stderr
    r = cpted("analyze", STREET, "--no-such-option")
    assert r.returncode == 2 and "unknown option --no-such-option" in r.stderr
    for bad in ("vda,vda", "coverage,", "blast", ""):
        r = cpted("analyze", STREET, "--parts=" + bad)
        assert r.returncode == 2, bad
    r = cpted("analyze", STREET, "--allowable-kpa", "10")
    assert r.returncode == 2 and "--allowable-kpa needs --charge" in r.stderr
    r = cpted("analyze", STREET, "--max-gap", "99")
    assert r.returncode == 2 and "--max-gap must be in" in r.stderr
    r = cpted("analyze", STREET, "--targets", "points")
    assert r.returncode == 2 and "needs at least one --target" in r.stderr


def test_report_with_the_other_outputs(cpted, validate, tmp_path):
    """--report FILE.html is committed with -o and --json: dated by
    SOURCE_DATE_EPOCH (byte-identical runs), its findings table holds the
    JSON's findings in order, and an existing report is not replaced without
    --overwrite (nothing of the run is written then)."""
    env = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01
    report = tmp_path / "r.html"
    args = ("analyze", STREET, "-o", tmp_path / "a.gpkg", "--json", tmp_path / "a.json",
            "--report", report, "--quiet")
    r = cpted(*args, env=env)
    assert r.returncode == 0, r.stderr
    html = report.read_text()
    doc = validate((tmp_path / "a.json").read_text(), "analysis")
    assert html.startswith("<!DOCTYPE html>")
    assert "<tr><th>date</th><td>2026-01-01</td>" in html
    assert "http://" not in html and "https://" not in html
    table = html[html.index('<table class="findings">'):]
    table = table[:table.index("</table>")]
    rows = table.split("<tr")[2:]  # after the header row
    assert len(rows) == len(doc["findings"]) > 0
    for row, finding in zip(rows, doc["findings"]):
        assert finding["severity"] in row and finding["kind"] in row
    first = report.read_bytes()
    (tmp_path / "a.gpkg").unlink()
    (tmp_path / "a.json").unlink()
    r = cpted(*args, env=env)
    assert r.returncode == 2 and "r.html' exists; use --overwrite" in r.stderr
    assert sorted(os.listdir(tmp_path)) == ["r.html"]
    r = cpted(*args, "--overwrite", env=env)
    assert r.returncode == 0, r.stderr
    assert report.read_bytes() == first
    r = cpted("analyze", STREET, "--report", tmp_path, "--quiet")
    assert r.returncode == 2 and "--report %s is a directory" % tmp_path in r.stderr
