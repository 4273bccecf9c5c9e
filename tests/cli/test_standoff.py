"""`cpted standoff`: JSON contract, exit codes and the plaza's hand-worked standoffs
(samples/plaza/README.md, "Standoff of the Town Hall")."""
import json

import pytest

# A bollard at (150, 120) in the plaza's grid: restores the missing one (diameter 0.3 m).
RESTORED_BOLLARD = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
    "features": [{
        "type": "Feature",
        "properties": {"role": "barrier", "diameter": 0.3, "name": "B4a"},
        "geometry": {"type": "Point", "coordinates": [500150.0, 5800120.0]},
    }],
}

ROAD_ONLY = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
    "features": [{
        "type": "Feature",
        "properties": {"role": "road", "width": 7},
        "geometry": {"type": "LineString", "coordinates": [[500000, 5800000], [500100, 5800000]]},
    }],
}


def write_geojson(path, doc):
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def run_json(cpted, *args):
    proc = cpted("standoff", *args, "--json", "-", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return proc


def test_as_built_vehicle_reaches_facade(cpted, validate, plaza):
    proc = run_json(cpted, plaza)
    doc = validate(proc.stdout, "standoff")
    assert doc["schema"] == "cpted/standoff/1"
    assert doc["vehicle"]["class"] == "M1"
    assert doc["charge_kg"] is None
    [asset] = doc["assets"]
    assert asset["id"] == "assets:1"
    assert asset["name"] == "Town Hall"
    assert asset["reachable"] is True
    assert asset["standoff_m"] == 0
    assert asset["required_m"] == 30
    assert asset["ok"] is False
    # the nearest pair touches the Town Hall (130,170)-(170,200), in EPSG:25832
    x, y = asset["nearest"]["asset"]
    assert 500130 - 1e-6 <= x <= 500170 + 1e-6 and 5800170 - 1e-6 <= y <= 5800200 + 1e-6
    assert asset["encroachment_m2"] > 0
    assert doc["assumptions"]


def test_restored_bollard_closes_the_plaza(cpted, validate, plaza, tmp_path):
    extra = write_geojson(tmp_path / "restored.geojson", RESTORED_BOLLARD)
    for vehicle, exact in (("M1", 49.835), ("N3C", 49.932)):
        proc = run_json(cpted, plaza, extra, "--vehicle", vehicle)
        [asset] = validate(proc.stdout, "standoff")["assets"]
        # exact circles; GEOS's polygonal buffers (8 segments per quadrant) differ by mm
        assert asset["standoff_m"] == pytest.approx(exact, abs=0.01)
        assert asset["ok"] is True
        assert asset["encroachment_m2"] == 0
        assert 5800120 <= asset["nearest"]["vehicle"][1] <= 5800121


def test_charge_gives_blast_at_standoff(cpted, validate, plaza, tmp_path):
    extra = write_geojson(tmp_path / "restored.geojson", RESTORED_BOLLARD)
    proc = run_json(cpted, plaza, extra, "--charge", "100", "--allowable-kpa", "20")
    doc = validate(proc.stdout, "standoff")
    assert doc["charge_kg"] == 100
    assert doc["allowable_kpa"] == 20
    [asset] = doc["assets"]
    # Z = 49.83 / 100^(1/3) = 10.74: inside the fits, roughly 13.5 kPa incident
    assert asset["scaled_distance"] == pytest.approx(asset["standoff_m"] / 100 ** (1 / 3), rel=1e-9)
    assert 12 < asset["incident_kpa"] < 15
    assert asset["reflected_kpa"] > 2 * asset["incident_kpa"]
    assert asset["blast_in_range"] is True
    # the attribute (30 m) wins over the threat
    assert asset["required_source"] == "attribute"
    assert asset["required_m"] == 30


def test_table_and_findings(cpted, plaza):
    proc = cpted("standoff", plaza, "--charge", "50", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "Town Hall" in proc.stdout
    assert "outside the blast fits" in proc.stdout  # standoff 0: Z = 0
    proc = cpted("standoff", plaza, "--fail-on-findings", "--quiet")
    assert proc.returncode == 1


def test_gis_output(cpted, plaza, tmp_path):
    out = tmp_path / "standoff.gpkg"
    proc = cpted("standoff", plaza, "-o", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    proc = cpted("standoff", plaza, "-o", out, "--quiet")
    assert proc.returncode != 0 and "overwrite" in proc.stderr
    proc = cpted("standoff", plaza, "-o", out, "--overwrite", "--quiet")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("args", [
    ["--allowable-kpa", "20"],
    ["--charge", "-5"],
    ["--charge", "abc"],
    ["--charge", "100", "--allowable-kpa", "0"],
    ["--vehicle", "TANK"],
])
def test_usage_errors(cpted, plaza, args):
    proc = cpted("standoff", plaza, *args)
    assert proc.returncode == 2
    assert proc.stderr.strip()


def test_site_without_asset(cpted, tmp_path):
    path = write_geojson(tmp_path / "road.geojson", ROAD_ONLY)
    proc = cpted("standoff", path)
    assert proc.returncode == 3
    assert "no asset" in proc.stderr
    assert proc.stderr.count("\n") == 1  # one line


def test_json_is_deterministic(cpted, plaza):
    a = run_json(cpted, plaza, "--charge", "100").stdout
    b = run_json(cpted, plaza, "--charge", "100").stdout
    assert a == b


def test_everything_drivable_ignores_road_limits(cpted, validate, tmp_path):
    """A building 20 m behind the road edge (road y = 0, 7 m wide; asset from y = 23.5):
    20 m with the roads as the only ground, 0 m when every unblocked place is drivable."""
    doc = json.loads(json.dumps(ROAD_ONLY))
    doc["features"].append({
        "type": "Feature",
        "properties": {"role": "asset", "name": "Hall"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [500040, 5800023.5], [500060, 5800023.5], [500060, 5800043.5],
            [500040, 5800043.5], [500040, 5800023.5]]]},
    })
    path = write_geojson(tmp_path / "site.geojson", doc)
    roads_only = validate(run_json(cpted, path).stdout, "standoff")
    assert roads_only["assets"][0]["standoff_m"] == pytest.approx(20.0, abs=1e-3)
    everything = validate(run_json(cpted, path, "--everything-drivable").stdout, "standoff")
    assert everything["assets"][0]["standoff_m"] == 0
