"""Every wrapper of the binding, with values worked out by hand (samples/plaza/README.md,
docs/vehicles.md) or from the closed forms the header documents."""
import json
import math
import struct

import pytest

from conftest import DATA

import cpted
from cpted import _geom

E0, N0 = 500000.0, 5800000.0


def polygon_wkb(ring):
    return struct.pack("<BIII", 1, 3, 1, len(ring)) + b"".join(struct.pack("<dd", *c) for c in ring)


def rect(x0, y0, x1, y1):
    return polygon_wkb([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])


# -- common ----------------------------------------------------------------------
def test_version():
    assert cpted.version() == "1.0.0"
    assert cpted.version_number() == 10000
    assert cpted.library_found_by in ("CPTED_LIBRARY", "bundled", "find_library", "soname",
                                      "build tree")


def test_status_and_names():
    assert cpted.status_string(cpted.E_NOTFOUND) != cpted.status_string(cpted.E_IO)
    assert cpted.status_string(-99) == "unknown status"
    assert cpted.role_name(cpted.ROLE_ASSET) == "asset"
    assert cpted.role_name(99) == "none"
    assert cpted.role_from_name("Bollards") == cpted.ROLE_BARRIER
    assert cpted.role_from_name("none") == cpted.ROLE_NONE
    with pytest.raises(cpted.NotFoundError):
        cpted.role_from_name("lamp posts")
    assert cpted.ROLES["boundary"] == cpted.ROLE_BOUNDARY and len(cpted.ROLES) == 11
    assert cpted.breach_kind_name(cpted.BREACH_BYPASS) == "bypass"
    assert cpted.breach_kind_name(0) == "unknown"
    assert cpted.rating_standard_name(cpted.RATING_PAS68) == "PAS 68"


def test_option_range():
    r = cpted.option_range("max_gap_m")
    assert r.unit == "m" and r.min < 1.2 < r.max
    with pytest.raises(cpted.NotFoundError):
        cpted.option_range("no_such_option")


# -- blast -----------------------------------------------------------------------
def test_scaled_distance():
    assert cpted.scaled_distance(10.0, 1000.0) == pytest.approx(1.0, rel=1e-12)
    with pytest.raises(cpted.InvalidArgumentError):
        cpted.scaled_distance(10.0, 0.0)


def test_surface_burst_and_its_inverse():
    zmin, zmax = cpted.blast_z_range()
    assert 0 < zmin < 1 < 10 < zmax
    load = cpted.surface_burst(100.0, 30.0)
    assert load.scaled_distance == pytest.approx(30.0 / 100.0 ** (1 / 3), rel=1e-12)
    assert load.reflected_kpa > load.incident_kpa > 0
    r = cpted.standoff_for(100.0, load.incident_kpa)
    assert r == pytest.approx(30.0, rel=1e-6)
    with pytest.raises(cpted.RangeError) as e:
        cpted.surface_burst(1.0, 1000.0)  # Z = 1000, beyond the fit
    assert "scaled distance 1000" in str(e.value)


# -- ratings ---------------------------------------------------------------------
def test_parse_rating():
    r = cpted.parse_rating("V/7500[N2]/48/90:3.5/10.0")
    assert (r.standard, r.standard_name, r.method, r.vehicle_class) == (
        cpted.RATING_PAS68, "PAS 68", "V", "N2")
    assert (r.mass_kg, r.speed_kmh, r.angle_deg, r.penetration_m, r.dispersion_m) == (
        7500.0, 48.0, 90.0, 3.5, 10.0)
    a = cpted.parse_rating("M50/P1")
    # ASTM M50: the 6800 kg medium-duty truck at 50 mph, head-on, P1 = at most 1 m
    assert a.standard == cpted.RATING_ASTM_F2656 and a.category == "P1"
    assert (a.vehicle_class, a.mass_kg, a.angle_deg, a.penetration_m) == ("M", 6800.0, 90.0, 1.0)
    assert a.speed_kmh == pytest.approx(50 * 1.609344)
    assert math.isnan(a.dispersion_m)


def test_parse_rating_rejects_with_the_librarys_reason():
    with pytest.raises(cpted.FormatError) as e:
        cpted.parse_rating("V/7500[N2]/fast")
    assert e.value.status == cpted.E_FORMAT
    assert e.value.message and e.value.message in str(e.value)
    assert isinstance(e.value, ValueError)


# -- vehicles --------------------------------------------------------------------
def test_presets():
    codes = [c for c, _ in cpted.presets()]
    assert codes[0] == "M1" and "N3C" in codes and "ASTM-M" not in codes
    assert all(d for _, d in cpted.presets())
    m1 = cpted.Vehicle.preset("m1")
    assert (m1.class_code, m1.mass_kg, m1.width_m, m1.a0_mps2) == ("M1", 1500.0, 1.8, 3.5)
    assert m1.vmax_mps == pytest.approx(50.0)
    with pytest.raises(cpted.NotFoundError) as e:
        cpted.Vehicle.preset("tank")
    assert "M1" in str(e.value)


def test_kinematics_closed_forms():
    m1 = cpted.Vehicle.preset("M1")
    # plaza README: 120 m from standstill -> 23.675 m/s
    assert m1.speed_after(120.0) == pytest.approx(23.675, abs=5e-4)
    v = 20.0
    s = (50.0 / 3.5) * ((0 - v) - 50.0 * math.log((50.0 - v) / 50.0))
    assert m1.distance_to_speed(v) == pytest.approx(s, rel=1e-12)
    with pytest.raises(cpted.RangeError):
        m1.distance_to_speed(50.0)
    assert m1.corner_speed(10.0) == pytest.approx(math.sqrt(0.6 * 9.80665 * 10.0), rel=1e-9)
    assert m1.corner_speed(1.0) == pytest.approx(cpted.CRAWL_SPEED_MPS)
    assert m1.corner_speed(float("inf")) == pytest.approx(50.0)
    assert cpted.kinetic_energy(1500.0, 10.0) == 75000.0
    assert m1.kinetic_energy(10.0) == 75000.0
    with pytest.raises(cpted.InvalidArgumentError):
        cpted.kinetic_energy(-1.0, 10.0)


def test_custom_vehicle_and_validation():
    m1 = cpted.Vehicle.preset("M1")
    custom = cpted.Vehicle(**dict(m1.as_dict(), class_code="cargo bike", width_m=1.0,
                                  length_m=2.5, mass_kg=600.0))
    assert custom.validate() is custom
    wide = m1.replace(width_m=9.0)
    with pytest.raises(cpted.InvalidArgumentError) as e:
        wide.validate()
    assert "width" in e.value.message
    with pytest.raises(TypeError):
        cpted.Vehicle(class_code="x", mass_kg=1.0)
    with pytest.raises(ValueError):
        m1.replace(class_code="a name of more than fifteen bytes").validate()


# -- sites -----------------------------------------------------------------------
def test_site_open_plaza(plaza_site, plaza):
    s = plaza_site
    assert len(s) == 31
    assert s.crs == "EPSG:25832" and s.output_crs == "EPSG:25832"
    assert s.extent == (E0, N0, E0 + 300, N0 + 280)
    assert s.to_output(E0, N0) == (E0, N0)
    layers = s.layers
    assert [l.name for l in layers] == ["boundary", "ground", "assets", "buildings", "roads",
                                        "bollards", "walls", "soft", "perimeter"]
    assert layers[5].role == "barrier" and layers[5].features == 8 and layers[5].source == plaza
    assert s.warnings == []
    feats = s.features
    b2 = next(f for f in feats if f.id == "bollards:2")
    assert b2.role == "barrier" and b2.layer == "bollards"
    assert b2.number("diameter") == 0.3 and b2.text("rating") == "V/7500[N2]/48/90:1.1"
    assert b2.number("lanes") is None and b2.text("osm_id") is None
    assert b2.attributes()["name"] == "B2"
    wkb = _geom.as_wkb_any(b2.geometry)
    assert _geom.parse_wkb(wkb) == (1, (E0 + 145.5, N0 + 120))
    info = s.info()
    assert info["schema"] == "cpted/info/1" and info["features"] == 31
    assert json.loads(s.to_json()) == info


def test_site_open_options(plaza):
    s = cpted.Site.open(plaza, roles={"soft": "none"}, boundary=(E0, N0, E0 + 300, N0 + 280),
                        assets_where="name = 'Bank'")
    roles = {f.id: f.role for f in s.features}
    assert "soft:1" not in roles
    assert [l.role for l in s.layers if l.name == "soft"] == ["none"]
    assert roles["buildings:5"] == "asset" and roles["assets:1"] == "building"
    with pytest.raises(cpted.NotFoundError) as e:
        cpted.Site.open(plaza, assets_where="name = 'Opera'")
    assert "Opera" in e.value.message
    with pytest.raises(TypeError):
        cpted.Site.open(plaza, colour="red")


def test_site_open_errors(tmp_path):
    with pytest.raises(cpted.CptedIOError) as e:
        cpted.Site.open(str(tmp_path / "missing.gpkg"))
    assert "missing.gpkg" in e.value.message
    with pytest.raises(cpted.CRSError):
        cpted.Site.open(str(DATA / "unknown_crs.geojson"))
    with pytest.raises(cpted.FormatError) as e:
        cpted.Site.open(str(DATA / "text_number.geojson"))
    assert e.value.message


def test_site_from_memory_without_shapely():
    site = cpted.Site.new("EPSG:25832")
    assert site.add(rect(0, 0, 100, 60), "boundary") == 1
    assert site.add(rect(40, 40, 60, 50), cpted.ROLE_ASSET, layer="hall",
                    name="Hall", required_standoff_m=10) == 1
    assert site.add(_geom.point_wkb(10, 10), "barrier", layer="posts", diameter=0.3,
                    colour="red") == 1
    assert [f.id for f in site.features] == ["memory:1", "hall:1", "posts:1"]
    assert site.features[1].number("required_standoff_m") == 10.0
    assert site.features[2].number("diameter") == 0.3
    with pytest.raises(cpted.GeometryError):
        site.add(_geom.point_wkb(1, 1), "asset")  # an asset must be a polygon
    with pytest.raises(cpted.FormatError):
        site.add(_geom.point_wkb(1, 1), "barrier", diameter="thick")
    with pytest.raises(cpted.NotFoundError):
        site.add(_geom.point_wkb(1, 1), "lamp")
    fs = site.freespace("M1")
    with pytest.raises(cpted.InvalidArgumentError) as e:
        site.add(_geom.point_wkb(2, 2), "barrier")
    assert "frozen" in e.value.message or "free space" in e.value.message
    # Everything is reachable: the asset is 0 m from the accessible ground.
    st = fs.standoff()
    a = st.assets[0]
    assert (a.id, a.name, a.reachable, a.ok, a.required_m) == ("hall:1", "Hall", 1, 0, 10.0)
    assert a.standoff_m == 0.0


def test_from_geometries_tuples_and_dicts():
    site = cpted.Site.from_geometries(
        [(rect(0, 0, 50, 50), "boundary"),
         (rect(20, 20, 30, 30), "asset", {"name": "A"}),
         {"geometry": _geom.point_wkb(5, 5), "role": "barrier", "layer": "posts",
          "diameter": 0.5}], crs="EPSG:25832", layer="drawing")
    assert [f.id for f in site.features] == ["drawing:1", "drawing:2", "posts:1"]
    assert site.features[1].text("name") == "A"


# -- free space and analyses --------------------------------------------------------
def test_context_threads(plaza_site):
    """The context's threads (cpted_context_set_threads) never change a free space."""
    ctx = cpted.context()
    assert ctx.threads == 1
    one = plaza_site.freespace("M1")
    try:
        ctx.threads = 2
        assert ctx.threads == 2
        two = plaza_site.freespace("M1")
        for name in cpted.SPACES:
            assert two.wkb(name) == one.wkb(name)
        with pytest.raises(cpted.InvalidArgumentError):
            ctx.threads = 65
        assert ctx.threads == 2
        ctx.threads = 0
        assert 1 <= ctx.threads <= 8
    finally:
        ctx.threads = 1


def test_freespace(plaza_site):
    fs = plaza_site.freespace("N3C", quadrant_segments=8)
    assert fs.vehicle.class_code == "N3C" and fs.vehicle.width_m == 2.5
    assert fs.not_assessed is None and fs.warnings == []
    assert fs.site is plaza_site
    assert fs.area("boundary") == pytest.approx(300 * 280)
    assert fs.area("ground") == pytest.approx(300 * 280)
    assert 0 < fs.area("reachable") <= fs.area("free") < fs.area("ground")
    assert fs.area(cpted.SPACE_ACCESSIBLE) == fs.area("accessible")
    for name in cpted.SPACES:
        g = fs.geometry(name)
        assert g is not None
    assert _geom.parse_wkb(fs.wkb("boundary"))[0] in (3, 6)
    with pytest.raises(ValueError):
        fs.area("sky")
    with pytest.raises(cpted.InvalidArgumentError):
        plaza_site.freespace("M1", quadrant_segments=0)


def test_coverage_plaza(plaza_site):
    cov = plaza_site.coverage()  # M1
    assert cov.not_assessed is None and cov.freespace.site is plaza_site
    (line,) = cov.lines
    assert (line.id, line.derived, line.closed, line.open_ends) == ("perimeter:1", 0, 0, 0)
    assert line.length_m == pytest.approx(100.0)
    assert line.covered_m == pytest.approx(90.1, abs=1e-6)
    assert line.coverage_ratio == pytest.approx(0.901, abs=1e-8)
    assert (line.gap_count, line.noncompliant_count) == (7, 1)
    assert line.unrated_count >= 2
    gaps = line.gaps
    assert [g.compliant for g in gaps] == [1, 1, 1, 0, 1, 1, 1]
    g4 = gaps[3]
    assert (g4.before_id, g4.after_id, g4.vehicle_passable) == ("bollards:4", "bollards:5", 1)
    assert g4.clear_width_m == pytest.approx(2.7, abs=1e-6)
    assert (g4.x, g4.y) == (pytest.approx(E0 + 150), pytest.approx(N0 + 120))
    assert g4.start_m == pytest.approx(48.65) and g4.end_m == pytest.approx(51.35)
    (b,) = cov.breaches
    assert (b.kind, b.kind_name, b.line_id) == (cpted.BREACH_CROSSING, "crossing", "perimeter:1")
    assert b.width_m == pytest.approx(0.9, abs=0.02)
    assert cov.finding_count == 2 and cov.warnings == []
    assert cov.to_dict()["schema"] == "cpted/coverage/1"


def test_coverage_options(plaza_site):
    cov = plaza_site.coverage("M1", max_gap_m=3.0, soft_blocking=True)
    assert cov.lines[0].noncompliant_count == 0
    with pytest.raises(cpted.InvalidArgumentError):
        plaza_site.coverage(max_gap_m=-1)
    with pytest.raises(TypeError):
        plaza_site.coverage(charge_kg=10)


def test_standoff_plaza_and_the_what_if(plaza):
    site = cpted.Site.open(plaza)
    st = site.standoff("M1", charge_kg=100.0)
    (a,) = st.assets
    assert (a.id, a.name, a.reachable, a.ok, a.assessed) == ("assets:1", "Town Hall", 1, 0, 1)
    assert a.standoff_m == 0.0 and a.required_m == 30.0
    assert a.incident_kpa_at_least > 0  # closer than the fit reaches: a lower bound
    assert a.encroachment_m2 > 0 and st.finding_count == 1
    assert _geom.parse_wkb(_geom.as_wkb_any(st.encroachment(0)))[0] in (3, 6)
    with pytest.raises(cpted.NotFoundError):
        st.encroachment_wkb(5)
    # The missing bollard restored: exact circles give M1 49.835 m (README); polygonal
    # buffers err towards the vehicle by millimetres, never beyond the exact value.
    site = cpted.Site.open(plaza)
    site.add(_geom.point_wkb(E0 + 150, N0 + 120), "barrier", layer="whatif", diameter=0.3)
    (a,) = site.standoff("M1").assets
    assert 49.82 <= a.standoff_m <= 49.835 and a.ok == 1


def test_vda_street(street):
    site = cpted.Site.open(street)
    vda = site.vda("M1", spacing_m=3.0, sensitivity=False, threads=1)
    assert vda.not_assessed is None
    targets = vda.targets
    mid = next(t for t in targets if t.id.endswith("@3.0"))
    assert mid.reachable == 1 and mid.assessed == 1
    # closed form: at least the straight run-up of 58.36 m, at most 5 % longer
    m1 = cpted.Vehicle.preset("M1")
    assert mid.runup_m >= 58.36 and mid.runup_m <= 58.37 * 1.05
    # within the lattice's resolution allowance (1.2 % at 1 m cells) and a little
    assert mid.speed_mps == pytest.approx(m1.speed_after(mid.runup_m), rel=0.02)
    assert mid.speed_kmh == pytest.approx(mid.speed_mps * 3.6)
    # Without the sensitivity searches the header says NaN, the library (lib/vda.c) gives
    # the speed itself; either way the band never lies above the speed's lower end.
    assert not (mid.speed_low_kmh > mid.speed_kmh)
    path = _geom.parse_wkb(vda.path_wkb(mid.index))
    assert path[0] == 2 and len(path[1]) >= 2
    assert _geom.parse_wkb(vda.corridor_wkb(mid.index))[0] in (3, 6)
    assert vda.elements and vda.lines
    assert all(s.worst_target is None or 0 <= s.worst_target < len(targets)
               for s in vda.elements + vda.lines)
    assert vda.finding_count >= 1
    assert vda.to_dict()["schema"] == "cpted/vda/1"
    with pytest.raises(cpted.InvalidArgumentError):
        site.vda(cell_m=50)


def test_write_and_writer(plaza_site, tmp_path):
    cov = plaza_site.coverage()
    st = cov.freespace.standoff()
    out = tmp_path / "cov.gpkg"
    cov.write(out)
    assert out.stat().st_size > 0
    with pytest.raises(cpted.CptedIOError):
        cov.write(out)
    cov.write(out, overwrite=True)
    both = tmp_path / "both.gpkg"
    with cpted.Writer(both) as w:
        w.add(cov).add(st)
    assert both.stat().st_size > 0
    # Without a commit nothing is written.
    w = cpted.Writer(tmp_path / "aborted.gpkg")
    w.add(cov)
    w.close()
    assert not (tmp_path / "aborted.gpkg").exists()
    with pytest.raises(cpted.InvalidArgumentError):
        cpted.Writer(tmp_path / "empty.gpkg").commit()
    with pytest.raises(cpted.FormatError):
        cpted.Writer(tmp_path / "x.gpkg", format="NoSuchDriver")
    with pytest.raises(TypeError):
        cpted.Writer(tmp_path / "y.gpkg").add(plaza_site)


def test_repr_html_and_svg(plaza_site, street):
    cov = plaza_site.coverage()
    vda = cpted.Site.open(street).vda(spacing_m=3.0, sensitivity=False)
    for obj in (plaza_site, cov.freespace, cov, cov.freespace.standoff(), vda):
        h = obj._repr_html_()
        assert "<table>" in h and "<svg" in h and "</svg>" in h
    h = cov._repr_html_()
    assert "perimeter:1" in h and "2 finding(s)" in h


def test_wkb_reader():
    assert _geom.parse_wkb(_geom.point_wkb(1.5, 2.0)) == (1, (1.5, 2.0))
    assert _geom.parse_wkb(_geom.line_wkb([(0, 0), (1, 1)])) == (2, [(0, 0), (1, 1)])
    t, rings = _geom.parse_wkb(rect(0, 0, 2, 1))
    assert t == 3 and rings[0][2] == (2, 1)
    # ISO Z point (type 1001) and a big-endian multipoint
    z = struct.pack("<BIddd", 1, 1001, 1.0, 2.0, 3.0)
    assert _geom.parse_wkb(z) == (1, (1.0, 2.0))
    mp = struct.pack(">BII", 0, 4, 1) + struct.pack(">BIdd", 0, 1, 3.0, 4.0)
    assert _geom.parse_wkb(mp) == (4, [(3.0, 4.0)])


def test_without_shapely_geometries_are_wkb(plaza_site):
    if cpted.HAVE_SHAPELY:
        pytest.skip("this interpreter has shapely (tests/python/test_geo.py covers it)")
    g = plaza_site.features[0].geometry
    assert isinstance(g, bytes) and _geom.parse_wkb(g)[0] == 3
    if not cpted.HAVE_GEOPANDAS:
        with pytest.raises(ImportError, match="geopandas"):
            plaza_site.coverage().to_geodataframe()
