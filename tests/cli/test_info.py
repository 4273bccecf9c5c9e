"""`cpted info`: the cpted/info/1 contract on the samples, the readable table,
usage and input errors with their exit codes (architecture.md §9)."""
import json
import shutil

EXPECTED_PLAZA = {  # layer -> (role, features), from samples/plaza/README.md
    "boundary": ("boundary", 1),
    "ground": ("ground", 1),
    "assets": ("asset", 1),
    "buildings": ("building", 6),
    "roads": ("road", 2),
    "bollards": ("barrier", 8),
    "walls": ("barrier", 2),
    "soft": ("soft", 9),
    "perimeter": ("perimeter", 1),
}


def test_plaza_json_matches_contract_and_sample(cpted, plaza, validate):
    r = cpted("info", plaza, "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert doc["crs"] == {"working": "EPSG:25832", "output": "EPSG:25832"}
    assert doc["extent"] == [500000, 5800000, 500300, 5800280]
    layers = {l["name"]: (l["role"], l["features"]) for l in doc["layers"]}
    assert layers == EXPECTED_PLAZA
    assert all(l["repaired"] == 0 and l["skipped"] == 0 for l in doc["layers"])
    assert doc["warnings"] == []


def test_json_is_deterministic(cpted, plaza):
    first = cpted("info", plaza, "--json", "-").stdout
    second = cpted("info", plaza, "--json", "-").stdout
    assert first == second and first.endswith("}\n")


def test_readable_table(cpted, plaza):
    r = cpted("info", plaza)
    assert r.returncode == 0, r.stderr
    assert "working CRS: EPSG:25832" in r.stdout
    assert "Town Hall" not in r.stdout  # a summary, not a feature dump
    line = [l for l in r.stdout.splitlines() if " bollards " in l][0]
    assert line.split()[-4:] == ["barrier", "8", "0", "0"]


def test_json_file_is_written_atomically_and_not_overwritten(cpted, plaza, tmp_path):
    out = tmp_path / "info.json"
    r = cpted("info", plaza, "--json", out, "--quiet")
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["schema"] == "cpted/info/1"
    out.write_text("keep me")
    r = cpted("info", plaza, "--json", out)
    assert r.returncode == 2 and "--overwrite" in r.stderr
    assert out.read_text() == "keep me"
    r = cpted("info", plaza, "--json", out, "--overwrite")
    assert r.returncode == 0 and json.loads(out.read_text())["schema"] == "cpted/info/1"
    assert [p.name for p in tmp_path.iterdir()] == ["info.json"]  # no temporary left


def test_osm_sample_loads_through_the_preset(cpted, samples_dir, validate):
    r = cpted("info", samples_dir / "osm" / "helsinki_centre_osm_2019.osm.pbf", "--json", "-",
              "--quiet", timeout=300)
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert doc["crs"]["working"] == "EPSG:32635"   # UTM zone of Helsinki (24.9 E)
    assert doc["crs"]["output"] == "EPSG:4326"
    roles = {}
    for l in doc["layers"]:
        roles[l["role"]] = roles.get(l["role"], 0) + l["features"]
    assert roles["building"] > 400 and roles["road"] > 500 and roles["barrier"] > 100
    west, south, east, north = doc["extent"]
    assert 24.9 < west < east < 24.97 and 60.15 < south < north < 60.19


def test_usage_errors_exit_2(cpted):
    assert cpted().returncode == 2
    r = cpted("info")
    assert r.returncode == 2 and "no SOURCE" in r.stderr
    r = cpted("info", "x.gpkg", "--no-such-option")
    assert r.returncode == 2 and "--no-such-option" in r.stderr
    r = cpted("info", "x.gpkg", "--role", "bollards")
    assert r.returncode == 2 and "LAYER=ROLE" in r.stderr
    r = cpted("frobnicate", "x.gpkg")
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_input_errors_exit_3_and_name_the_file(cpted, tmp_path, plaza):
    r = cpted("info", tmp_path / "missing.gpkg")
    assert r.returncode == 3 and "missing.gpkg" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    garbage = tmp_path / "garbage.gpkg"
    garbage.write_bytes(b"\x00\x01 not a geopackage at all")
    r = cpted("info", garbage)
    assert r.returncode == 3 and "garbage.gpkg" in r.stderr
    r = cpted("info", plaza, "--role", "bollards=teapot")
    assert r.returncode == 3 and "teapot" in r.stderr
    r = cpted("info", plaza, "--crs", "EPSG:4326")
    assert r.returncode == 3 and "EPSG:4326" in r.stderr


def test_version_and_help(cpted):
    r = cpted("--version")
    assert r.returncode == 0 and r.stdout.startswith("cpted 1.")
    r = cpted("info", "--help")
    assert r.returncode == 0 and "--assume-crs" in r.stdout


def test_second_copy_of_a_source_in_another_place(cpted, plaza, tmp_path, validate):
    """Two sources merge into one site (same CRS here)."""
    copy = tmp_path / "copy.gpkg"
    shutil.copy(plaza, copy)
    r = cpted("info", plaza, copy, "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert sum(l["features"] for l in doc["layers"] if l["name"] == "bollards") == 16
