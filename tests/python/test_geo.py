"""shapely and GeoPandas integration. Skipped only when the module is absent on
this interpreter; CTest runs this file with Debian's python3 and sets
CPTED_REQUIRE_GEO=1 there, so an absent module fails instead of skipping."""
import os

import pytest

import cpted
from cpted import _geom


def _need(name):
    if os.environ.get("CPTED_REQUIRE_GEO") == "1":
        return __import__(name)
    return pytest.importorskip(name)


shapely = _need("shapely")
geopandas = _need("geopandas")
from shapely.geometry import Point, Polygon, box  # noqa: E402

E0, N0 = 500000.0, 5800000.0


def test_geometries_are_shapely(plaza_site):
    assert cpted.HAVE_SHAPELY and cpted.HAVE_GEOPANDAS
    f = next(f for f in plaza_site.features if f.id == "assets:1")
    assert f.geometry.equals(box(E0 + 130, N0 + 170, E0 + 170, N0 + 200))
    fs = plaza_site.freespace()
    assert fs.accessible.area == pytest.approx(fs.area("accessible"), rel=1e-12)
    assert fs.boundary.equals(box(E0, N0, E0 + 300, N0 + 280))


def test_wkb_reader_agrees_with_shapely(plaza_site):
    fs = plaza_site.freespace()
    for name in ("accessible", "blocked", "entries"):
        wkb = fs.wkb(name)
        kind, parts = _geom.parse_wkb(wkb)
        g = shapely.wkb.loads(wkb)
        polys = [parts] if kind == 3 else parts
        assert len(polys) == (len(g.geoms) if hasattr(g, "geoms") else 1)
        assert sum(len(p[0]) for p in polys) == sum(
            len(p.exterior.coords) for p in (g.geoms if hasattr(g, "geoms") else [g]))


def test_geodataframe_round_trip(plaza_site):
    gdf = plaza_site.to_geodataframe()
    assert list(gdf.columns[:3]) == ["id", "layer", "role"] and len(gdf) == 31
    assert gdf.crs.to_epsg() == 25832
    site2 = cpted.Site.from_geometries(gdf)
    assert site2.crs == "EPSG:25832"
    assert [f.id for f in site2.features] == list(gdf["id"])
    gdf2 = site2.to_geodataframe()
    assert (gdf2["id"] == gdf["id"]).all() and (gdf2["role"] == gdf["role"]).all()
    assert all(a.equals(b) for a, b in zip(gdf.geometry, gdf2.geometry))
    # the same analysis results from the round-tripped site
    assert site2.coverage().to_dict()["lines"] == plaza_site.coverage().to_dict()["lines"]
    assert site2.standoff().assets == plaza_site.standoff().assets


def test_from_geometries_with_shapely_objects():
    site = cpted.Site.from_geometries(
        [(box(0, 0, 100, 60), "boundary"),
         (box(40, 40, 60, 50), "asset", {"name": "Hall", "required_standoff_m": 10.0}),
         (Point(10, 10), "entry")], crs="EPSG:25832")
    st = site.standoff()
    assert st.assets[0].name == "Hall" and st.assets[0].required_m == 10.0
    gdf = geopandas.GeoDataFrame({"role": ["boundary", "asset"], "layer": ["b", "a"],
                                  "name": [None, "X"]},
                                 geometry=[box(0, 0, 50, 50), Polygon([(20, 20), (30, 20),
                                                                       (30, 30)])],
                                 crs="EPSG:25832")
    s2 = cpted.Site.from_geometries(gdf)
    assert [f.id for f in s2.features] == ["b:1", "a:1"]
    assert s2.features[1].text("name") == "X" and s2.features[0].text("name") is None
    with pytest.raises(ValueError):
        cpted.Site.from_geometries(gdf.drop(columns=["role"]))


def test_result_geodataframes(plaza_site, street):
    cov = plaza_site.coverage()
    gaps = cov.to_geodataframe()
    assert len(gaps) == 7 and gaps.crs.to_epsg() == 25832
    assert gaps.geometry.iloc[3].equals(Point(E0 + 150, N0 + 120))
    assert list(gaps["compliant"]) == [1, 1, 1, 0, 1, 1, 1]
    assert len(cov.to_geodataframe("breaches")) == 1
    lines = cov.to_geodataframe("lines")
    assert lines.geometry.iloc[0].length == pytest.approx(100.0)
    st = cov.freespace.standoff()
    assert len(st.to_geodataframe()) == 1
    enc = st.to_geodataframe("encroachment")
    assert enc.geometry.iloc[0].area == pytest.approx(enc["encroachment_m2"].iloc[0], rel=1e-9)
    fsg = cov.freespace.to_geodataframe()
    assert list(fsg["space"]) == list(cpted.SPACES)
    vda = cpted.Site.open(street).vda(spacing_m=3.0, sensitivity=False)
    targets = vda.to_geodataframe()
    assert len(targets) == len(vda.targets)
    corridors = vda.to_geodataframe("corridors")
    reach = corridors[corridors["reachable"] == 1]
    assert len(reach) > 0 and (reach.geometry.area > 0).all()
    paths = vda.to_geodataframe("paths")
    assert (paths[paths["reachable"] == 1].geometry.length > 0).all()
    with pytest.raises(ValueError):
        vda.to_geodataframe("nothing")
