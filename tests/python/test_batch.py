"""The district screening through the binding (cpted_batch_*, docs/method-batch.md):
the same JSON as `cpted batch`, the records, the plan / worker / bytes / merge calls a
distributed caller uses (a worker in a Context of its own thread), the writer."""
import json
import math
import threading

import pytest

import cpted


def test_same_json_as_the_cli(plaza_site, plaza, cli_json):
    b = plaza_site.batch(threads=1)
    assert json.loads(b.to_json()) == cli_json("batch", plaza, "--threads", "1")
    assert b.site is plaza_site and b.not_assessed is None and b.finding_count == 0


def test_records_and_ranks(plaza_site):
    b = plaza_site.batch(tile_m=50, threads=2, top_count=3)
    assets = b.assets
    s = b.summary
    assert s.assets == len(assets) == 7 and s.assessed == 7 and s.not_assessed == 0
    assert s.tiles > 1
    ranked = b.ranked
    assert sorted(ranked) == list(range(7))
    assert [assets[i].rank for i in ranked] == list(range(1, 8))
    # without the approach: by standoff, smaller first
    standoffs = [assets[i].standoff_m for i in ranked]
    assert standoffs == sorted(standoffs)
    for a in assets:
        assert a.approach == 0 and math.isnan(a.speed_kmh)
    bins = b.histogram("standoff_m")
    assert [x.lower for x in bins] == [0, 1, 2, 5, 10, 20, 50, 100, 200, 500]
    assert math.isinf(bins[-1].upper) and sum(x.count for x in bins) == s.reachable
    assert b.histogram("speed_kmh") == []
    doc = b.to_dict()
    assert len(doc["most_exposed"]) == 3
    with pytest.raises(KeyError):
        b.histogram("nope")
    with pytest.raises(cpted.InvalidArgumentError):
        plaza_site.batch(tile_m=5)
    with pytest.raises(TypeError):
        plaza_site.batch(tiles=5)


def test_plan_worker_bytes_merge(plaza_site):
    fs = plaza_site.freespace(None)
    reference = fs.batch(tile_m=40).to_json()
    plan = fs.batch_plan(tile_m=40)
    tiles = plan.tiles
    assert sum(t.asset_count for t in tiles) == plan.asset_count == 7
    assert all(t.box[2] - t.box[0] == 40 for t in tiles)
    # a worker in a thread with a context of its own; the results cross as bytes
    data = {}

    def work():
        w = plan.worker(cpted.Context())
        for t in tiles:
            data[t.index] = w.run(t.index).to_bytes()

    th = threading.Thread(target=work)
    th.start()
    th.join()
    back = [plan.tile_from_bytes(data[i]) for i in reversed(range(len(tiles)))]
    assert plan.merge(back).to_json() == reference
    with pytest.raises(cpted.InvalidArgumentError):
        plan.merge(back[1:])
    with pytest.raises(cpted.FormatError):
        plan.tile_from_bytes(b"CPTB" + data[0][4:-1])


def test_approach_and_writer(plaza_site, tmp_path):
    # the plaza's one asset (the Town Hall) is hit on its facades
    b = plaza_site.batch(approach=True, vda={"sensitivity": False, "cell_m": 2, "headings": 16},
                         assets="site")
    (a,) = b.assets
    assert a.id == "assets:1" and a.approach == 1 and a.approach_reached == 1
    assert a.energy_kj > 0 and len(b.histogram("energy_kj")) == 8
    out = tmp_path / "b.gpkg"
    with cpted.Writer(out) as w:
        w.add(b)
    assert out.exists()


@pytest.mark.skipif(not cpted.HAVE_GEOPANDAS, reason="needs geopandas")
def test_geodataframe_and_html(plaza_site):
    b = plaza_site.batch()
    gdf = b.to_geodataframe()
    assert len(gdf) == 7 and set(gdf["rank"]) == set(range(1, 8))
    assert all(g.area > 0 for g in gdf.geometry)
    lines = b.to_geodataframe("lines")
    assert list(lines["id"]) == list(gdf["id"])
    with pytest.raises(ValueError):
        b.to_geodataframe("nope")
    html = b._repr_html_()
    assert "cpted batch" in html and "<svg" in html
