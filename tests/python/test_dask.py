"""cpted.dask: the district screening on a local Dask cluster of 2 worker processes
(docs/python.md "Dask"): the same JSON, byte for byte, as `cpted batch` and as the
in-process batch; the free space built once per worker process; the empty and the
not-assessed district; errors of the client and of a task.

Skipped only when distributed is absent from this interpreter; CTest runs this file
with Debian's python3 (python3-distributed) and CPTED_REQUIRE_GEO=1 there, so an
absent module fails instead of skipping."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import cpted

if os.environ.get("CPTED_REQUIRE_GEO") == "1":
    import distributed
else:
    distributed = pytest.importorskip("distributed")
import cpted.dask  # noqa: E402

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
E0, N0 = 500000, 5800000


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1")
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """300 buildings on 9 x 9 blocks of 100 m (75 of them assets), EPSG:25832."""
    out = tmp_path_factory.mktemp("dask") / "district.gpkg"
    subprocess.run([sys.executable, str(SOURCE_DIR / "scripts" / "make_district.py"),
                    "--buildings", "300", "--seed", "1", "--out", str(out)],
                   check=True, capture_output=True, timeout=120)
    return str(out)


def cli_batch(cpted_bin, *args):
    """The bytes of `cpted batch ARGS --json -`."""
    proc = subprocess.run([cpted_bin, "batch"] + [str(a) for a in args]
                          + ["--json", "-", "--quiet"], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode("utf-8")


def validate(text):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SOURCE_DIR / "docs" / "schemas" / "batch.schema.json").read_text())
    doc = json.loads(text)
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    return doc


def worker_stats(client):
    return list(client.run(cpted.dask.stats).values())


def test_same_json_as_the_cli_and_in_process(client, district, cpted_bin):
    before = worker_stats(client)
    b = cpted.dask.batch(client, district, tile_m=200, drivable="roads")
    text = b.to_json()
    doc = validate(text)
    s = b.summary
    assert s.tiles == 22 and s.assets == 300 and s.assessed == 300 and s.not_assessed == 0
    assert doc["summary"]["assets"] == 300 and doc["assets_selection"] == "buildings"
    # more tiles than workers; each worker process built its free space once
    after = worker_stats(client)
    ran = [a["tiles_run"] - b_["tiles_run"] for a, b_ in zip(after, before)]
    built = [a["districts_built"] - b_["districts_built"] for a, b_ in zip(after, before)]
    assert sum(ran) == 22
    assert all(n == (1 if r else 0) for n, r in zip(built, ran)), (built, ran)
    assert all(a["districts_cached"] <= cpted.dask.CACHE_SIZE for a in after)
    # the CLI with the same tiles, and with one tile and 2 threads (results do not
    # depend on either)
    assert text == cli_batch(cpted_bin, district, "--drivable", "roads", "--tile", "200")
    assert text == cli_batch(cpted_bin, district, "--drivable", "roads", "--threads", "2")
    # the in-process batch, opened as `cpted batch` opens it (every building an asset)
    site = cpted.Site.open(district, assets_where="1=1")
    assert site.batch(drivable="roads", tile_m=200, threads=1).to_json() == text
    # again: the workers reuse their free space (nothing built)
    again = cpted.dask.batch(client, district, tile_m=300, drivable="roads")
    assert again.to_json() == text
    assert [a["districts_built"] for a in worker_stats(client)] == \
        [a["districts_built"] for a in after]


def test_layer_assets_top_and_approach(client, plaza, cpted_bin):
    b = cpted.dask.batch(client, plaza, assets="assets", tile_m=50, top_count=3)
    assert b.to_json() == cli_batch(cpted_bin, plaza, "--assets", "assets", "--top", "3")
    assert len(b.to_dict()["most_exposed"]) == 1
    vda = {"sensitivity": False, "cell_m": 4, "headings": 8}
    b = cpted.dask.batch(client, plaza, tile_m=50, approach=True, vda=vda)
    assert b.summary.tiles > 2 and b.summary.approach_reached == 7
    assert b.to_json() == cli_batch(cpted_bin, plaza, "--approach", "--no-sensitivity",
                                    "--cell", "4", "--headings", "8")


def _write_site(path, features):
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]}))
    return str(path)


def test_empty_district(client, cpted_bin, tmp_path):
    road = _write_site(tmp_path / "roads.geojson", [
        ({"role": "road", "width": 7},
         {"type": "LineString", "coordinates": [[E0, N0], [E0 + 300, N0]]})])
    for approach, extra in ((False, []), (True, ["--approach", "--no-sensitivity"])):
        b = cpted.dask.batch(client, road, approach=approach, vda={"sensitivity": False})
        assert b.summary.assets == 0 and b.summary.tiles == 0
        assert b.to_json() == cli_batch(cpted_bin, road, *extra)


def test_not_assessed_stays_loud(client, cpted_bin, tmp_path):
    # the only entry lies inside the building: no vehicle enters the study
    box = [[E0 + 40, N0 + 20], [E0 + 60, N0 + 20], [E0 + 60, N0 + 40], [E0 + 40, N0 + 40],
           [E0 + 40, N0 + 20]]
    inner = [[E0 + 45, N0 + 25], [E0 + 47, N0 + 25], [E0 + 47, N0 + 27], [E0 + 45, N0 + 27],
             [E0 + 45, N0 + 25]]
    site = _write_site(tmp_path / "closed.geojson", [
        ({"role": "road"}, {"type": "LineString", "coordinates": [[E0, N0], [E0 + 100, N0]]}),
        ({"role": "building"}, {"type": "Polygon", "coordinates": [box]}),
        ({"role": "entry"}, {"type": "Polygon", "coordinates": [inner]})])
    b = cpted.dask.batch(client, site, tile_m=10)
    assert b.not_assessed and b.summary.not_assessed == 1 and b.finding_count == 1
    (a,) = b.assets
    assert a.assessed == 0 and a.not_assessed and a.rank == 1
    assert b.to_json() == cli_batch(cpted_bin, site)


def test_errors(client, plaza, tmp_path):
    with pytest.raises(cpted.CptedIOError, match="nonexistent"):
        cpted.dask.batch(client, str(tmp_path / "nonexistent.gpkg"))
    with pytest.raises(cpted.InvalidArgumentError, match="tile_m"):
        cpted.dask.batch(client, plaza, tile_m=5)
    with pytest.raises(cpted.InvalidArgumentError, match="exclude"):
        cpted.dask.batch(client, plaza, assets="assets", assets_where="1=1")
    with pytest.raises(TypeError):
        cpted.dask.batch(client, plaza, tiles=5)
    # a task's error reaches the client as the library's error, with its message:
    # a worker that cannot read the source, and one whose district is not the client's
    spec = cpted.dask._spec(plaza, None, "all-buildings", {})
    bad = dict(spec, sources=[str(tmp_path / "gone.gpkg")])
    fut = client.submit(cpted.dask._run_tile, dict(bad, key="bad"), 0,
                        (cpted.version(), 7, 1), 0, pure=False)
    with pytest.raises(cpted.CptedIOError, match="gone.gpkg"):
        fut.result()
    fut = client.submit(cpted.dask._run_tile, spec, 0, (cpted.version(), 8, 1), 0, pure=False)
    with pytest.raises(cpted.dask.DistributedError, match="not the client's"):
        fut.result()


def test_a_changed_file_is_read_again(client, plaza, district, cpted_bin, tmp_path):
    # the workers' cache is keyed by the client's file (size, mtime) and checked against
    # their own: a district rewritten at the same path is never answered from the old one
    site = tmp_path / "site.gpkg"
    shutil.copyfile(plaza, site)
    assert cpted.dask.batch(client, site, tile_m=50).to_json() == cli_batch(cpted_bin, site)
    shutil.copyfile(district, site)
    b = cpted.dask.batch(client, site, tile_m=200)
    assert b.summary.assets == 300
    assert b.to_json() == cli_batch(cpted_bin, site)
