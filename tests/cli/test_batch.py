"""`cpted batch` (docs/method-batch.md, docs/user-guide.md "District screening"):
the cpted/batch/1 JSON against its schema, the GIS output and its styles, the
report, the same JSON for any threads and tiles, overwrite protection, SIGINT
leaving nothing, --json -, the asset selection and bad arguments."""
import json
import os
import signal
import sqlite3
import subprocess
import time

from osgeo import ogr

ogr.UseExceptions()


def batch_json(cpted, validate, *args):
    r = cpted("batch", *args, "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    return validate(r.stdout, "batch"), r.stdout


def test_outputs_schema_styles_report(cpted, validate, plaza, tmp_path):
    out, js, html = tmp_path / "d.gpkg", tmp_path / "d.json", tmp_path / "d.html"
    r = cpted("batch", plaza, "-o", out, "--json", js, "--report", html)
    assert r.returncode == 0, r.stderr
    doc = validate(js.read_text(), "batch")
    # the plaza: the town hall (an asset) and six buildings, all screened
    assert doc["summary"]["assets"] == 7
    assert doc["assets_selection"] == "buildings"
    assert doc["approach"] is None
    assert sorted(a["rank"] for a in doc["assets"]) == list(range(1, 8))
    assert sum(b["count"] for b in doc["histograms"]["standoff_m"]) == doc["summary"]["reachable"]
    assert doc["histograms"]["speed_kmh"] is None
    assert [m["id"] for m in doc["most_exposed"]] == \
        [a["id"] for a in sorted(doc["assets"], key=lambda a: a["rank"])]
    # the summary on stdout names the most exposed
    assert "most exposed:" in r.stdout and doc["most_exposed"][0]["id"] in r.stdout
    ds = ogr.Open(str(out))
    layer = ds.GetLayerByName("batch_assets")
    assert layer.GetFeatureCount() == 7
    by_id = {a["id"]: a for a in doc["assets"]}
    for f in layer:
        a = by_id[f.GetField("id")]
        assert f.GetField("rank") == a["rank"]
        assert f.GetField("standoff_m") == a["standoff_m"]
        assert f.GetField("exposure").startswith("standoff")
        assert f.GetGeometryRef().GetArea() > 0
    assert ds.GetLayerByName("batch_standoff_lines") is not None
    ds = None
    with sqlite3.connect(str(out)) as db:
        styles = dict(db.execute("select f_table_name, styleQML from layer_styles"))
    assert "categorizedSymbol" in styles["batch_assets"]
    assert 'value="not assessed"' in styles["batch_assets"]
    text = html.read_text()
    assert "<svg" in text and "District map" in text and "Most exposed" in text
    assert "<script" not in text and "http://" not in text.replace(
        "http://www.w3.org/2000/svg", "").replace("http://mrcc.com", "")


def test_same_json_for_threads_and_tiles(cpted, validate, plaza):
    _, ref = batch_json(cpted, validate, plaza, "--threads", "1")
    for args in (["--threads", "2"], ["--threads", "8", "--tile", "10"],
                 ["--threads", "2", "--tile", "100"]):
        _, text = batch_json(cpted, validate, plaza, *args)
        assert text == ref, args


def test_same_standoff_as_the_standoff_command(cpted, validate, plaza):
    doc, _ = batch_json(cpted, validate, plaza, "--assets", "assets")
    assert doc["assets_selection"] == "site"
    r = cpted("standoff", plaza, "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    so = validate(r.stdout, "standoff")
    assert [a["id"] for a in doc["assets"]] == [a["id"] for a in so["assets"]]
    for a, s in zip(doc["assets"], so["assets"]):
        assert a["standoff_m"] == s["standoff_m"]
        assert a["nearest"] == s["nearest"]


def test_assets_where_and_approach(cpted, validate, plaza):
    doc, _ = batch_json(cpted, validate, plaza, "--assets-where", "name = 'Station'",
                        "--approach", "--no-sensitivity", "--cell", "2", "--headings", "16")
    assert [a["name"] for a in doc["assets"]] == ["Station"]
    a = doc["assets"][0]
    assert a["assessed"] and a["approach"]["reached"]
    assert a["approach"]["energy_kj"] > 0 and 0 < a["approach"]["angle_deg"] <= 90
    assert doc["approach"]["cell_m"] == 2 and doc["approach"]["headings"] == 16
    assert sum(b["count"] for b in doc["histograms"]["energy_kj"]) == 1


def test_empty_district(cpted, validate, tmp_path):
    road = tmp_path / "roads.geojson"
    road.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
        "features": [{"type": "Feature", "properties": {"role": "road", "width": 7},
                      "geometry": {"type": "LineString",
                                   "coordinates": [[500000, 5800000], [500300, 5800000]]}}]}))
    for extra in ([], ["--approach", "--no-sensitivity"]):
        doc, _ = batch_json(cpted, validate, road, *extra)
        assert doc["assets"] == [] and doc["most_exposed"] == []
        assert doc["summary"]["assets"] == 0 and doc["summary"]["assessed"] == 0


def test_overwrite_protection(cpted, plaza, tmp_path):
    js = tmp_path / "d.json"
    assert cpted("batch", plaza, "--json", js, "--quiet").returncode == 0
    before = js.read_text()
    js.write_text("keep")
    r = cpted("batch", plaza, "--json", js, "--quiet")
    assert r.returncode == 2 and "exists" in r.stderr
    assert js.read_text() == "keep"
    assert cpted("batch", plaza, "--json", js, "--quiet", "--overwrite").returncode == 0
    assert js.read_text() == before


def test_interrupt_leaves_nothing(cpted_bin, plaza, tmp_path):
    # the approach (a VDA with its sensitivity band) takes seconds: SIGINT arrives meanwhile
    p = subprocess.Popen([os.path.abspath(cpted_bin), "batch", plaza, "--approach", "-o",
                          "d.gpkg", "--json", "d.json", "--report", "d.html"], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "cpted batch: interrupted" in err
    assert os.listdir(tmp_path) == []


def test_bad_arguments(cpted, plaza):
    for args, text in ((["--tile", "5"], "--tile"), (["--threads", "65"], "--threads"),
                       (["--threads", "1.5"], "--threads"), (["--top", "-1"], "--top"),
                       (["--assets", "buildings", "--assets-where", "1=1"], "exclude"),
                       (["--targets", "points"], "--targets")):
        r = cpted("batch", plaza, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert text in r.stderr, (args, r.stderr)
    r = cpted("batch", "/nonexistent.gpkg")
    assert r.returncode == 3


def test_not_assessed_is_loud(cpted, validate, tmp_path):
    # the only entry lies inside the building: no vehicle enters the study
    def feature(role, geometry):
        return {"type": "Feature", "properties": {"role": role}, "geometry": geometry}
    e, n = 500000, 5800000
    box = [[e + 40, n + 20], [e + 60, n + 20], [e + 60, n + 40], [e + 40, n + 40], [e + 40, n + 20]]
    inner = [[e + 45, n + 25], [e + 47, n + 25], [e + 47, n + 27], [e + 45, n + 27], [e + 45, n + 25]]
    site = tmp_path / "closed.geojson"
    site.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
        "features": [feature("road", {"type": "LineString",
                                      "coordinates": [[e, n], [e + 100, n]]}),
                     feature("building", {"type": "Polygon", "coordinates": [box]}),
                     feature("entry", {"type": "Polygon", "coordinates": [inner]})]}))
    r = cpted("batch", site, "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "batch")
    assert doc["assessed"] is False and doc["not_assessed"]
    assert doc["summary"]["not_assessed"] == 1 and doc["summary"]["assessed"] == 0
    (a,) = doc["assets"]
    assert a["assessed"] is False and a["standoff_m"] is None and a["rank"] == 1
    assert "cpted batch: NOT ASSESSED: 1 of 1 asset(s)" in r.stderr
    r = cpted("batch", site, "--quiet", "--fail-on-findings")
    assert r.returncode == 1


def test_progress_bar_on_a_terminal(cpted_bin, plaza):
    import pty
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([cpted_bin, "batch", plaza], stdout=subprocess.PIPE,
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
    assert "\rfreespace" in err and "\rbatch" in err, err[-500:]
    assert "100%" in err
