"""`cpted info`: the cpted/info/1 contract on the samples, the readable table,
usage and input errors with their exit codes (architecture.md §9)."""
import json
import pathlib
import shutil

import pytest

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"  # tests/data

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


def test_json_file_is_written_atomically_and_not_overwritten(cpted, plaza, tmp_path, validate):
    out = tmp_path / "info.json"
    r = cpted("info", plaza, "--json", out, "--quiet")
    assert r.returncode == 0, r.stderr
    assert validate(out.read_text(), "info")["schema"] == "cpted/info/1"
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
    # the counts of tests/api/test_site_open.c (test_osm_helsinki): 471 buildings
    # (494 building=* less 11 building=roof and 12 cut at the edge),
    # 128 barrier nodes + 57 bollard ways, 979 vehicle-capable highway lines
    assert roles["building"] == 471 and roles["road"] == 979 and roles["barrier"] == 185
    by_layer = {(l["name"], l["role"]): (l["features"], l["repaired"], l["skipped"])
                for l in doc["layers"]}
    assert by_layer[("multipolygons", "building")] == (471, 11, 12)
    # one warning per repaired or skipped feature, one per layer left without a role
    repaired = sum(l["repaired"] for l in doc["layers"])
    skipped = sum(l["skipped"] for l in doc["layers"])
    unmapped = sum(1 for l in doc["layers"] if l["role"] == "none")
    # ... and one per building a passage is cut through (38) or wall a gate opens (36)
    cuts = sum(1 for w in doc["warnings"] if w.endswith("cut through it") or " opens " in w)
    assert cuts == 38 + 36
    assert len(doc["warnings"]) == repaired + skipped + unmapped + cuts
    assert sum("(OSM way 22499189)" in w for w in doc["warnings"]) == 1
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


def one_line_error(r, *needles):
    """Exit 3, one line on stderr that names every needle (file, layer, feature, reason)."""
    assert r.returncode == 3, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_no_crs_needs_assume_crs(cpted, validate):
    csv = DATA / "bollards.csv"
    one_line_error(cpted("info", csv), "bollards.csv' layer 'bollards' has no CRS", "--assume-crs")
    r = cpted("info", csv, "--assume-crs", "EPSG:25832", "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert doc["crs"] == {"working": "EPSG:25832", "output": "EPSG:25832"}
    assert doc["extent"] == [500000, 5540000, 500001.5, 5540000]
    one_line_error(cpted("info", csv, "--assume-crs", "not a crs"), "not a crs")


def test_lonlat_goes_to_utm(cpted, validate):
    r = cpted("info", DATA / "lonlat_9e50n.geojson", "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert doc["crs"] == {"working": "EPSG:32632", "output": "EPSG:4326"}
    # 9 E 50 N: easting 500000 on zone 32's central meridian (cs2cs: N 5538630.702867)
    assert doc["working_extent"][0] == 500000
    assert doc["working_extent"][1] == pytest.approx(5538630.703, abs=1e-3)
    assert doc["extent"] == pytest.approx([9, 50, 9, 50], abs=1e-8)


@pytest.mark.parametrize("name, needles", [
    ("assets_point.geojson", ["assets_point.geojson' layer 'assets' feature 0",
                              "geometry type does not fit the role (role asset)"]),
    ("nan.geojson", ["nan.geojson' layer 'barriers' feature 0", "NaN or infinite coordinate"]),
    ("empty_geometry.geojson", ["empty_geometry.geojson' layer 'bollards' feature 1",
                                "empty geometry"]),
    ("negative_diameter.geojson", ["layer 'bollards' feature 1", "diameter='-0.2'"]),
    ("text_number.geojson", ["layer 'walls' feature 0", "thickness='thick'"]),
    ("bad_role.geojson", ["layer 'plan' feature 1", "'tower'"]),
    ("garbage.txt", ["garbage.txt", "not a vector format GDAL can read"]),
])
def test_bad_input_names_source_layer_and_feature(cpted, name, needles):
    one_line_error(cpted("info", DATA / name), *needles)


def test_lenient_skips_and_counts(cpted, validate):
    r = cpted("info", DATA / "empty_geometry.geojson", "--lenient", "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert doc["features"] == 1
    assert [(l["name"], l["features"], l["repaired"], l["skipped"]) for l in doc["layers"]] == [
        ("bollards", 1, 0, 1)]
    [warning] = doc["warnings"]
    assert "layer 'bollards' feature 1: empty geometry (role barrier); skipped" in warning


def test_repaired_polygon_is_counted(cpted, validate):
    r = cpted("info", DATA / "bowtie.geojson", "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert [(l["name"], l["role"], l["features"], l["repaired"]) for l in doc["layers"]] == [
        ("buildings", "building", 1, 1)]
    [warning] = doc["warnings"]
    assert warning.endswith("layer 'buildings' feature 0: invalid polygon repaired")
    # the readable table shows the same counts and the warning
    r = cpted("info", DATA / "bowtie.geojson")
    line = [l for l in r.stdout.splitlines() if " buildings " in l][0]
    assert line.split()[-4:] == ["building", "1", "1", "0"]
    assert "invalid polygon repaired" in r.stdout


def test_distorting_crs_needs_allow_distortion(cpted, validate):
    """Web Mercator at 50 N measures distances 1.557 x too long (proj -S +proj=webmerc:
    meridional scale 1.55699): refused unless --allow-distortion."""
    src = DATA / "webmerc_9e50n.geojson"
    one_line_error(cpted("info", src), "working CRS EPSG:3857 distorts distances at the site by "
                   "a factor 1.5570", "--allow-distortion", "EPSG:32632")
    r = cpted("info", src, "--allow-distortion", "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert doc["crs"]["working"] == "EPSG:3857"
    # a UTM zone 18 degrees away (proj -S +proj=utm +zone=35 at 9 E 50 N: 1.01997)
    lonlat = DATA / "lonlat_9e50n.geojson"
    one_line_error(cpted("info", lonlat, "--crs", "EPSG:32635"), "EPSG:32635", "factor 1.0200")
    assert cpted("info", lonlat, "--crs", "EPSG:32635", "--allow-distortion").returncode == 0
    # a name that is no CRS's name is not matched approximately ("FOO" is not Amersfoort)
    one_line_error(cpted("info", lonlat, "--crs", "FOO"), "unknown CRS 'FOO'")


def test_source_crs_overrides_what_a_source_declares(cpted, validate):
    bad = DATA / "unknown_crs.geojson"
    one_line_error(cpted("info", bad), "unknown_crs.geojson' layer 'bollards'",
                   "urn:ogc:def:crs:EPSG::99999", "--source-crs")
    # --assume-crs is for sources that declare no CRS: this one declares one
    one_line_error(cpted("info", bad, "--assume-crs", "EPSG:32632"), "EPSG::99999")
    r = cpted("info", bad, "--source-crs", "unknown_crs=EPSG:32632", "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "info")
    assert doc["crs"] == {"working": "EPSG:32632", "output": "EPSG:32632"}
    assert doc["extent"] == [500000, 5538630, 500000, 5538630]

    projected = DATA / "projected_no_crs.geojson"
    one_line_error(cpted("info", projected), "feature 0: coordinates look projected",
                   "declares no CRS", "--source-crs")
    r = cpted("info", projected, "--source-crs", "EPSG:32632", "--json", "-")
    assert r.returncode == 0, r.stderr
    assert validate(r.stdout, "info")["extent"] == [385000, 5538630, 385000, 5538630]
    # an entry naming no source, not a CRS either
    one_line_error(cpted("info", projected, "--source-crs", "nothing.geojson=EPSG:32632"),
                   "no source is named")
    shp = DATA / "garbage_prj" / "bollards.shp"
    one_line_error(cpted("info", shp, "--assume-crs", "EPSG:32632"), "bollards.prj",
                   "--source-crs")
    assert cpted("info", shp, "--source-crs", "bollards.shp=EPSG:32632").returncode == 0


def test_implausible_input_exits_3(cpted):
    one_line_error(cpted("info", DATA / "huge_vertex.geojson"), "layer 'assets' feature 1",
                   "far outside the area of use")
    r = cpted("info", DATA / "huge_vertex.geojson", "--lenient")
    assert r.returncode == 0, r.stderr
    extent = [l for l in r.stdout.splitlines() if l.startswith("extent")]
    assert extent == ["extent (working CRS): 500000.000 5538600.000 500020.000 5538620.000  "
                      "(20.0 m x 20.0 m)"]
    assert "feature 1: coordinates far outside" in r.stdout + r.stderr
    one_line_error(cpted("info", DATA / "absurd_diameter.geojson"), "feature 1",
                   "diameter='200'", "(0, 3] m")
