"""`cpted standoff`: JSON contract, exit codes and the plaza's hand-worked standoffs
(samples/plaza/README.md, "Standoff of the Town Hall")."""
import json
import math
import pathlib

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


# Swisdak's metric hemispherical fits, y = exp(sum c_i (ln Z)^i), coefficients from
# domain.md §4.3: an implementation independent of lib/blast.c.
INCIDENT_2_9_TO_23_8 = [7.5938, -3.0523, 0.40977, 0.0261, -0.01267]
REFLECTED_2_TO_40 = [8.8396, -1.733, -2.64, 2.293, -0.8232, 0.14247, -0.0099]


def swisdak(coeffs, z):
    lz = math.log(z)
    return math.exp(sum(c * lz ** i for i, c in enumerate(coeffs)))


def swisdak_inverse(coeffs, kpa, lo, hi):
    """Z at which the (decreasing) fit gives kpa, by bisection."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if swisdak(coeffs, mid) > kpa else (lo, mid)
    return 0.5 * (lo + hi)


def outer(d):
    """The circumscribing radius cpted buffers by where a set must not be smaller than
    the exact one (32 segments per quarter circle; docs/method-freespace.md)."""
    return d / math.cos(3 * math.pi / 256)


# How far the accessible area reaches beyond a face for a car (w = 1.8 m).
DELTA = outer(0.9) - (0.9 - 1e-6)


def buffered_rectangle(x0, y0, x1, y1, r, quadrant_segments=8):
    """The ring of a rectangle grown by r as GEOS builds it: arcs with their vertices
    on the circle, quadrant_segments per quarter."""
    ring = []
    for cx, cy, start in ((x1, y0, -90), (x1, y1, 0), (x0, y1, 90), (x0, y0, 180)):
        for k in range(quadrant_segments + 1):
            t = math.radians(start + 90.0 * k / quadrant_segments)
            ring.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    return ring


def clip_below(ring, y_max):
    """The part of a convex ring with y <= y_max (one Sutherland-Hodgman step)."""
    out = []
    for p, q in zip(ring, ring[1:] + ring[:1]):
        if p[1] <= y_max:
            out.append(p)
        if (p[1] <= y_max) != (q[1] <= y_max):
            t = (y_max - p[1]) / (q[1] - p[1])
            out.append((p[0] + t * (q[0] - p[0]), y_max))
    return out


def ring_area(ring):
    return abs(sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(ring, ring[1:] + ring[:1]))) / 2


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
    # the nearest pair touches the Town Hall (130,170)-(170,200), in EPSG:25832: one point
    x, y = asset["nearest"]["asset"]
    assert 500130 - 1e-6 <= x <= 500170 + 1e-6 and 5800170 - 1e-6 <= y <= 5800200 + 1e-6
    on_boundary = min(abs(x - 500130), abs(x - 500170), abs(y - 5800170), abs(y - 5800200))
    assert on_boundary < 1e-6
    assert asset["nearest"]["vehicle"] == [x, y]
    # Encroachment: the whole plaza is accessible, so it is (Town Hall grown by 30 m,
    # cut at the North Range's face y = 225) minus the Town Hall; the grown rectangle
    # lies within x 100..200 and above the bollard line.
    # The zone is circumscribed (32 segments per quarter, radius 30 / cos(3 pi / 256): never
    # smaller than the exact one) and A reaches DELTA into the North Range's face.
    # The grown zone pokes 2 cm into both wings (x 100 and 200), where A reaches DELTA.
    grown = clip_below(buffered_rectangle(130, 170, 170, 200, outer(30.0), 32), 225.0 + DELTA)
    swap = lambda ring: [(y, x) for x, y in ring]
    mirror = lambda ring: [(-x, y) for x, y in ring]
    grown = swap(clip_below(swap(grown), 200.0 + DELTA))
    grown = mirror(swap(clip_below(swap(mirror(grown)), -(100.0 - DELTA))))
    assert asset["encroachment_m2"] == pytest.approx(ring_area(grown) - 40 * 30, abs=0.01)
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
        # the pair lies on the south facade and is the standoff apart
        (ax, ay), (vx, vy) = asset["nearest"]["asset"], asset["nearest"]["vehicle"]
        assert ay == 5800170 and 500130 <= ax <= 500170
        # (JSON keeps 10 significant digits: millimetres on these northings)
        assert math.hypot(ax - vx, ay - vy) == pytest.approx(asset["standoff_m"], abs=1e-3)


def test_charge_gives_blast_at_standoff(cpted, validate, plaza, tmp_path):
    extra = write_geojson(tmp_path / "restored.geojson", RESTORED_BOLLARD)
    proc = run_json(cpted, plaza, extra, "--charge", "100", "--allowable-kpa", "20")
    doc = validate(proc.stdout, "standoff")
    assert doc["charge_kg"] == 100
    assert doc["allowable_kpa"] == 20
    [asset] = doc["assets"]
    # Z = 49.83 / 100^(1/3) = 10.74: inside the fits, about 13.5 kPa incident
    z = asset["scaled_distance"]
    assert z == pytest.approx(asset["standoff_m"] / 100 ** (1 / 3), rel=1e-9)
    assert asset["incident_kpa"] == pytest.approx(swisdak(INCIDENT_2_9_TO_23_8, z), rel=1e-8)
    assert asset["reflected_kpa"] == pytest.approx(swisdak(REFLECTED_2_TO_40, z), rel=1e-8)
    assert asset["blast_in_range"] is True
    # the threat's own requirement: the distance at which 100 kg gives 20 kPa
    z20 = swisdak_inverse(INCIDENT_2_9_TO_23_8, 20.0, 2.9, 23.8)
    assert doc["threat_required_m"] == pytest.approx(z20 * 100 ** (1 / 3), rel=1e-8)
    # the attribute (30 m) wins over the threat
    assert asset["required_source"] == "attribute"
    assert asset["required_m"] == 30


def test_table_and_findings(cpted, plaza):
    proc = cpted("standoff", plaza, "--charge", "50", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "Town Hall" in proc.stdout
    # standoff 0: Z = 0, closer than the fits reach (Z >= 0.2): the load is at least the
    # fits' value at Z = 0.2, 17,310 kPa incident (docs/blast.md)
    row = [l for l in proc.stdout.splitlines() if l.startswith("assets:1 ")][0]
    assert row.split()[7:9] == [">=17310.36", ">=185300.90"], row
    assert row.endswith("  (closer than the blast fits)")
    assert "the load is at least its value at Z = 0.2" in proc.stdout
    proc = cpted("standoff", plaza, "--fail-on-findings", "--quiet")
    assert proc.returncode == 1


def test_no_findings_exit_0(cpted, plaza, tmp_path):
    """With the bollard restored every asset is ok: --fail-on-findings exits 0."""
    extra = write_geojson(tmp_path / "restored.geojson", RESTORED_BOLLARD)
    proc = cpted("standoff", plaza, extra, "--fail-on-findings", "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gis_output(cpted, plaza, tmp_path):
    out = tmp_path / "standoff.gpkg"
    proc = cpted("standoff", plaza, "-o", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    from osgeo import ogr
    ds = ogr.Open(str(out))
    layers = {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount()
              for i in range(ds.GetLayerCount())}
    # + the QGIS styles of the three (docs/outputs.md, "Styles")
    assert layers == {"standoff_lines": 1, "encroachment": 1, "accessible_area": 1,
                      "layer_styles": 3}
    feature = ds.GetLayerByName("standoff_lines").GetNextFeature()
    assert feature.GetField("id") == "assets:1" and feature.GetField("standoff_m") == 0
    ds = None
    before = out.read_bytes()
    # refused before the analysis runs, like an existing --json file: usage error, and
    # no other output (the JSON) is written either
    js = tmp_path / "standoff.json"
    proc = cpted("standoff", plaza, "--json", js, "-o", out, "--quiet")
    assert proc.returncode == 2 and "--overwrite" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert out.read_bytes() == before and not js.exists()
    proc = cpted("standoff", plaza, "-o", out, "--overwrite", "--quiet")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("args, needle", [
    (["--allowable-kpa", "20"], "--allowable-kpa needs --charge"),
    (["--charge", "-5"], "--charge must be in (0, 100000] kg, not -5"),
    (["--charge", "1e9"], "--charge must be in (0, 100000] kg, not 1e9"),
    (["--charge=1e9"], "--charge must be in (0, 100000] kg, not 1e9"),
    (["--charge", "abc"], "--charge needs a number, not 'abc'"),
    (["--charge", "100", "--allowable-kpa", "0"],
     "--allowable-kpa must be in [0.25, 17000] kPa, not 0"),
    (["--charge", "100", "--allowable-kpa", "20000"],
     "--allowable-kpa must be in [0.25, 17000] kPa, not 20000"),
    (["--vehicle", "TANK"], "'TANK'"),
])
def test_usage_errors(cpted, plaza, args, needle):
    proc = cpted("standoff", plaza, *args)
    assert proc.returncode == 2
    assert proc.stderr.startswith("cpted standoff: ") and needle in proc.stderr.splitlines()[0]
    assert proc.stdout == ""


def test_site_without_asset(cpted, tmp_path):
    path = write_geojson(tmp_path / "road.geojson", ROAD_ONLY)
    proc = cpted("standoff", path)
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [
        "cpted standoff: the site has no asset (give protected buildings the role 'asset')",
        "hint: name the layer of protected buildings 'assets', or map it with --role "
        "LAYER=asset (cpted info lists the layers)"]


def test_json_is_deterministic(cpted, plaza):
    a = run_json(cpted, plaza, "--charge", "100").stdout
    b = run_json(cpted, plaza, "--charge", "100").stdout
    assert a == b


def test_ground_models(cpted, validate, tmp_path):
    """A building 20 m behind the road edge (road y = 0, 7 m wide; asset from y = 23.5):
    20 m with the roads as the only ground, 0 m in the default model where every
    unblocked place is drivable."""
    doc = json.loads(json.dumps(ROAD_ONLY))
    doc["features"].append({
        "type": "Feature",
        "properties": {"role": "asset", "name": "Hall"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [500040, 5800023.5], [500060, 5800023.5], [500060, 5800043.5],
            [500040, 5800043.5], [500040, 5800023.5]]]},
    })
    path = write_geojson(tmp_path / "site.geojson", doc)
    roads_only = validate(run_json(cpted, path, "--drivable", "roads").stdout, "standoff")
    # 20 m, short by the circumscribed road ground and accessible area (never long)
    assert roads_only["assets"][0]["standoff_m"] == pytest.approx(
        20.0 - (outer(3.5) - 3.5) - DELTA, abs=1e-6)
    everything = validate(run_json(cpted, path).stdout, "standoff")
    assert everything["assets"][0]["standoff_m"] == 0
    assert validate(run_json(cpted, path, "--drivable=everything").stdout,
                    "standoff") == everything
    # the report says which ground model it used
    assert any(a.startswith("drivable = roads: vehicles drive only on the given ground")
               for a in roads_only["assumptions"])
    assert any(a.startswith("drivable = everything: everything inside the boundary")
               for a in everything["assumptions"])
    bad = cpted("standoff", path, "--drivable", "pavements")
    assert bad.returncode == 2
    assert "--drivable takes 'everything' or 'roads', not 'pavements'" in bad.stderr


# tests/data/osm_semantics.osm: buildings way/100 "Passage House", way/104 "Gallery
# North" and way/105 (asset=yes) along a residential road 20 m south of them.
OSM_SEMANTICS = pathlib.Path(__file__).resolve().parents[1] / "data" / "osm_semantics.osm"


def test_asset_selectors(cpted, validate):
    r = cpted("standoff", OSM_SEMANTICS, "--asset-name", "gallery", "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "standoff")
    assert [(a["id"], a["name"]) for a in doc["assets"]] == [("multipolygons:104", "Gallery North")]
    r = cpted("standoff", OSM_SEMANTICS, "--asset-id", "way/100", "--asset-id", "way/104",
              "--json", "-", "--quiet")
    assert r.returncode == 0, r.stderr
    ids = [a["id"] for a in json.loads(r.stdout)["assets"]]
    assert ids == ["multipolygons:100", "multipolygons:104"]   # way/105 is a building now
    r = cpted("standoff", OSM_SEMANTICS, "--assets-where", "amenity = 'townhall'", "--json", "-",
              "--quiet", "--gates-closed")
    assert r.returncode == 0, r.stderr
    assert [a["name"] for a in json.loads(r.stdout)["assets"]] == ["Passage House"]


def test_asset_selector_errors_exit_3(cpted):
    r = cpted("standoff", OSM_SEMANTICS, "--asset-id", "way/999", "--quiet")
    assert r.returncode == 3 and "asset id 'way/999' matches no building" in r.stderr
    r = cpted("standoff", OSM_SEMANTICS, "--asset-name", "Nowhere", "--quiet")
    assert r.returncode == 3 and "asset name 'Nowhere' matches no building name" in r.stderr
    r = cpted("standoff", OSM_SEMANTICS, "--assets-where", "name = = 1", "--quiet")
    assert r.returncode == 3 and "assets_where 'name = = 1'" in r.stderr
    r = cpted("standoff", OSM_SEMANTICS, "--asset-id")
    assert r.returncode == 2 and "--asset-id needs a value" in r.stderr


def test_building_passage_leads_to_the_courtyard(cpted):
    # Courtyard Hall (way/106, y 17..27) lies behind Passage House (y 0..10); the only way
    # there is the 3 m passage way/200 (x = 10, y -5..15), fed by way/202 from the road at
    # y = -20. Open, a car's body reaches the passage road's round end at y = 15 + 1.5 =
    # 16.5: 0.5 m from the hall (the nodes are good to 1e-7 degrees, about 1 cm). With the
    # passage shut the nearest approach would be the road south of Passage House, 17 m away.
    r = cpted("standoff", OSM_SEMANTICS, "--asset-name", "courtyard", "--json", "-", "--quiet",
              "--drivable", "roads")
    assert r.returncode == 0, r.stderr
    (hall,) = json.loads(r.stdout)["assets"]
    assert hall["name"] == "Courtyard Hall" and hall["reachable"]
    assert abs(hall["standoff_m"] - 0.5) < 0.02


# tests/data/overhang.osm (hand-made, not OSM data): one 7 m road, y = 0, x 0..200 m; the
# church "St. Test" (asset=yes) 20 x 20 m with its south face 15 m north of the centreline;
# a building 50 m west of the road's end, a wall 80 m south-east of its other end, landuse
# and a kerb 54-90 m past it. The hull of all data passes 8 m or more from the road: before
# the entries came from the drivable network, the roads model had no entry at all.
OVERHANG = pathlib.Path(__file__).resolve().parents[1] / "data" / "overhang.osm"


def test_entries_where_the_roads_leave_an_overhanging_extract(cpted, validate):
    docs = {}
    for model in ("roads", "everything"):
        r = cpted("standoff", OVERHANG, "--asset-name", "st. test", "--drivable", model,
                  "--json", "-", "--quiet")
        assert r.returncode == 0, r.stderr
        docs[model] = validate(r.stdout, "standoff")
        assert docs[model]["assessed"] is True and docs[model]["not_assessed"] is None
    (church,) = docs["roads"]["assets"]
    assert church["name"] == "St. Test" and church["osm_id"] == "way/101"
    assert church["assessed"] and church["reachable"]
    # 15 - 3.5 = 11.5 m on the ground; the file's degrees (1e-7 in OSM, about 1 cm) and the
    # UTM scale at 13.4 E (0.99974) make it 11.49 +- 0.02, and cpted reads short, never long
    assert 11.46 < church["standoff_m"] < 11.5
    assert docs["everything"]["assets"][0]["standoff_m"] == 0  # over the pavement
