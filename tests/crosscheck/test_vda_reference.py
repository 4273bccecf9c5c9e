"""Cross-check of cpted's vehicle dynamics assessment against an independent reference.

    /usr/bin/python3 -m pytest -q tests/crosscheck/test_vda_reference.py

(i) checks the reference (tests/crosscheck/vda_reference.py, values precomputed in
tests/data/vda_sites/*.expected.json) against closed forms and the figures of
architecture §8; (ii) when the cpted binary has a `vda` command (CPTED_BIN, else
build/apps/cpted of this tree), runs `cpted vda SITE --json -` and asserts that
cpted is an upper bound of every path the reference found. README.md explains
the sites, the method and the tolerances.
"""
import json
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from shapely import wkt
from shapely.geometry import LineString, Point

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SITES = ROOT / "tests" / "data" / "vda_sites"
sys.path.insert(0, str(HERE))

import vda_reference as ref  # noqa: E402

NAMES = sorted(p.name[:-len(".expected.json")] for p in SITES.glob("*.expected.json"))
STRAIGHTS = ["straight_20", "straight_50", "straight_120"]


def load(name):
    side = json.loads((SITES / (name + ".json")).read_text())
    exp = json.loads((SITES / (name + ".expected.json")).read_text())
    return side, exp


def kmh_of_m(s):
    return float(ref.v_of_s(s)) * 3.6


# ------------------------------------------------------------------ (i) the reference

def test_every_site_has_expected_values():
    sites = sorted(p.name[:-len(".geojson")] for p in SITES.glob("*.geojson"))
    assert sites == NAMES
    assert len(NAMES) == 11


def test_closed_form_round_trip_and_domain_sanity():
    # domain.md §9: an M1 car reaches 48 km/h after about 31 m; by hand
    # (50/3.5) * (-13.3333 - 50 ln(1 - 13.3333/50)) = 14.2857 * 2.17442 = 31.063 m
    assert ref.s_of_v(0.0, 48 / 3.6) == pytest.approx(31.063, abs=0.001)
    for s in (0.5, 10.0, 39.823263, 200.0):
        assert float(ref.s_of_v(0.0, ref.v_of_s(s))) == pytest.approx(s, rel=1e-9)
    # from a moving start: s(v0 -> v) = S(v) - S(v0)
    v = float(ref.v_of_s(30.0, 10.0))
    assert float(ref.s_of_v(10.0, v)) == pytest.approx(30.0, rel=1e-9)


def test_arc_at_cap_holds_speed_and_brakes_to_cap():
    r = 21.2
    cap = math.sqrt(ref.FG * r)
    assert float(ref.arc_speed(np.array([cap]), r, 30.0)[0]) == pytest.approx(cap, rel=1e-12)
    assert float(ref.arc_speed(np.array([2 * cap]), r, 0.001)[0]) == pytest.approx(cap, rel=1e-9)
    # below the cap the arc accelerates, but never faster than a straight
    v_arc = float(ref.arc_speed(np.array([5.0]), r, 20.0, h=0.002)[0])
    v_str = float(ref.v_of_s(20.0, 5.0))
    assert 5.0 < v_arc < v_str


@pytest.mark.parametrize("name", STRAIGHTS)
def test_straight_best_straight_is_the_closed_form(name):
    side, exp = load(name)
    seg = exp["segments"]["line"]
    cf = side["closed_form"]
    # F is the rectangle [0.9, 5.1] x [0.9, L] (1 um wider: r = w/2 - 1 um)
    assert seg["best_straight_m"] == pytest.approx(cf["best_straight_m"], abs=5e-6)
    assert seg["best_straight_kmh"] == pytest.approx(cf["best_straight_kmh"], abs=1e-4)


@pytest.mark.parametrize("name", STRAIGHTS)
def test_straight_lattice_close_to_closed_form(name):
    side, exp = load(name)
    seg = exp["segments"]["line"]
    cf = side["closed_form"]["best_straight_kmh"]
    # a lower bound that finds every path within the lattice's resolution: not below
    # the closed form by more than 1 %; above it by the low-speed curves a straight
    # corridor allows (measured 2.7 % at L = 20 m, less on longer streets)
    assert seg["rechecked_kmh"] >= 0.99 * cf
    assert seg["rechecked_kmh"] <= 1.03 * cf


def test_straights_longer_is_faster():
    v = [load(n)[1]["segments"]["line"]["lower_bound_kmh"] for n in STRAIGHTS]
    assert v[0] < v[1] < v[2]


def test_lbend_matches_architecture():
    side, exp = load("lbend")
    seg = exp["segments"]["line"]
    # architecture §8: best straight 53.6 km/h (39.8 m), lattice "about 58 km/h"
    assert seg["best_straight_m"] == pytest.approx(39.823, abs=1e-3)
    assert seg["best_straight_kmh"] == pytest.approx(53.6, abs=0.05)
    assert 57.5 <= seg["rechecked_kmh"] <= 61.0
    assert seg["rechecked_kmh"] > seg["best_straight_kmh"] * 1.08


def test_wide_bend_curved_exit_beats_every_straight():
    _, exp = load("bend_wide")
    seg = exp["segments"]["line"]
    assert seg["rechecked_kmh"] > 1.15 * seg["best_straight_kmh"]


def test_two_approaches_longer_wins():
    side, exp = load("two_approaches")
    a, b = exp["segments"]["A"], exp["segments"]["B"]
    cf = side["closed_form"]
    assert a["best_straight_kmh"] == pytest.approx(cf["A"]["best_straight_kmh"], abs=1e-4)
    assert b["best_straight_kmh"] == pytest.approx(cf["B"]["best_straight_kmh"], abs=1e-4)
    assert b["lower_bound_kmh"] > a["lower_bound_kmh"] * 1.3


def test_chicane_tighter_is_slower():
    v = [load("chicane_" + n)[1]["segments"]["line"]["lower_bound_kmh"]
         for n in ("loose", "medium", "tight")]
    assert v[0] > v[1] > v[2]


def test_ring_is_unreachable():
    _, exp = load("ring_closed")
    seg = exp["segments"]["line"]
    assert seg["reachable"] is False
    assert seg["lattice_reachable"] is False
    assert seg["lower_bound_kmh"] is None


def test_exact_width_gap_is_open_for_the_straight():
    side, exp = load("gap_exact")
    seg = exp["segments"]["line"]
    cf = side["closed_form"]
    # the neck of F is 2 um wide for exact discs; the 64-segment polygons of the discs
    # lie inside them (sagitta 75 um) and let a ray through tilted by up to 0.36 degrees
    assert cf["through_gap_m"] - 1e-6 <= seg["best_straight_m"] <= cf["through_gap_m"] + 0.01
    assert seg["best_straight_station_m"] == pytest.approx(6.0, abs=0.1)
    assert abs(seg["best_straight_phi_deg"]) < 0.5
    # the search's collision raster (6.5 cm inside F) closes a gap of exactly w: its
    # lattice path starts behind the row, far slower than the straight through the gap
    assert seg["rechecked_kmh"] < 0.6 * seg["best_straight_kmh"]


@pytest.mark.parametrize("name", [n for n in NAMES if n != "ring_closed"])
def test_reported_path_stays_in_free_space(name):
    side, exp = load(name)
    _, feats = ref.load_site(str(SITES / (name + ".geojson")))
    free = ref.free_space(feats)
    line = LineString(side["line"])
    for seg in exp["segments"].values():
        if "path_wkt" not in seg:
            continue
        path = wkt.loads(seg["path_wkt"])
        # the stored path is simplified to 1 mm
        assert free.buffer(0.002).covers(path)
        assert path.length == pytest.approx(seg["runup_m"], abs=0.01)
        assert line.distance(Point(path.coords[-1])) < 1e-6
        s0, s1 = seg["station_range_m"]
        assert s0 - 1e-6 <= seg["station_m"] <= s1 + 1e-6


def test_reference_reproduces_its_precomputed_value():
    side, res = ref.run_site(str(SITES / "straight_20.geojson"))
    _, exp = load("straight_20")
    got, want = res["segments"]["line"], exp["segments"]["line"]
    assert got["rechecked_kmh"] == pytest.approx(want["rechecked_kmh"], abs=2e-4)
    assert got["best_straight_m"] == pytest.approx(want["best_straight_m"], abs=2e-6)


# ------------------------------------------------------------------ (ii) cpted

def cpted_bin():
    return os.environ.get("CPTED_BIN") or str(ROOT / "build" / "apps" / "cpted")


@pytest.fixture(scope="module")
def cpted():
    path = cpted_bin()
    if not os.access(path, os.X_OK):
        pytest.skip("no cpted binary at %s (set CPTED_BIN or build with "
                    "scripts/build.sh build)" % path)
    probe = subprocess.run([path, "vda", "--help"], capture_output=True, text=True,
                           timeout=60)
    if probe.returncode != 0:
        pytest.skip("%s has no `vda` command yet (`cpted vda --help` exit %d: %s)"
                    % (path, probe.returncode, (probe.stderr or probe.stdout).strip()[:200]))
    return path


_RUNS = {}


def reference_points(side, exp):
    """[(label, station_m, speed_kmh)] where the reference's lattice paths meet the line."""
    return [("%s lattice" % name, seg["station_m"], seg["rechecked_kmh"])
            for name, seg in sorted(exp["segments"].items()) if "station_m" in seg]


def run_vda(cpted, name, spacing=None, cell=None, targets=None):
    """cpted vda on the site (its own targets, --targets auto), optionally with a
    --spacing that puts a target at a given station, a lattice --cell, --targets."""
    key = (name, spacing, cell, targets)
    if key not in _RUNS:
        args = [cpted, "vda", str(SITES / (name + ".geojson")), "--json", "-", "--quiet",
                "--no-sensitivity"]
        if spacing is not None:
            args += ["--spacing", repr(spacing)]
        if cell is not None:
            args += ["--cell", repr(cell)]
        if targets is not None:
            args += ["--targets", targets]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=1800)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        assert doc["schema"] == "cpted/vda/1"
        _RUNS[key] = doc
    return _RUNS[key]


def spacing_for(station):
    """A spacing >= 0.1 m (cpted's minimum) with a sample at `station`."""
    n = max(1, int(station / 0.1))
    return station / n


def targets_in(side, doc, seg_range):
    """cpted's own targets on the line within a station range (local coordinates)."""
    ox, oy = side["origin"]
    line = LineString(side["line"])
    out = []
    for t in doc["targets"]:
        if str(t["id"]).startswith("point:"):
            continue
        p = Point(t["x"] - ox, t["y"] - oy)
        if line.distance(p) > 1e-2:      # x, y are printed to the millimetre
            continue
        st = t["station_m"] if t.get("station_m") is not None else line.project(p)
        if seg_range[0] - 1e-6 <= st <= seg_range[1] + 1e-6:
            out.append((st, p, t))
    return out


def max_speed(ts):
    v = [t["impact_speed_kmh"] for _, _, t in ts if t["reachable"]]
    return max(v) if v else None


# cpted's default lattice cell (1 m), the reference's resolution (0.5 m), the
# sensitivity band's cell (2 m) and coarser ones a user may choose (3 m, and 5 m,
# the largest): the resolution allowance must cover each (without it the L-bend was
# 3.2 % below the reference at 2 m cells, 6.7 % at 5 m)
CELLS = [None, 0.5, 2.0, 3.0, 5.0]
CELL_IDS = ["cell_default", "cell_0.5", "cell_2", "cell_3", "cell_5"]


@pytest.mark.parametrize("cell", CELLS, ids=CELL_IDS)
@pytest.mark.parametrize("name", [n for n in NAMES if n != "ring_closed"])
def test_cpted_is_an_upper_bound_at_the_reference_crossing(cpted, name, cell):
    """At the station where a reference path (re-checked: it exists) meets the line
    from the attack side, cpted's impact speed must not be lower: cpted is run with a
    spacing that puts one of its targets there."""
    side, exp = load(name)
    line = LineString(side["line"])
    fails = []
    for label, station, want in reference_points(side, exp):
        doc = run_vda(cpted, name, spacing_for(station), cell)
        ts = [t for st, _, t in targets_in(side, doc, [0.0, line.length])
              if abs(st - station) < 1e-6]
        assert ts, "%s: no cpted target at station %.4f" % (name, station)
        t = ts[0]
        if not t["reachable"] or t["impact_speed_kmh"] < want - 1e-6:
            fails.append("%s %s at station %.4f: cpted %s km/h (runup %s m), reference "
                         "path %.3f km/h" % (name, label, station,
                                             t["impact_speed_kmh"] if t["reachable"]
                                             else "unreachable", t.get("runup_m"), want))
    assert not fails, "; ".join(fails)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "ring_closed"])
def test_cpted_target_not_below_its_own_best_straight(cpted, name):
    """At each of cpted's targets, the longest straight ending exactly there (ray casts
    from the target itself) is a path cpted must not undercut."""
    side, exp = load(name)
    _, feats = ref.load_site(str(SITES / (name + ".geojson")))
    free = ref.free_space(feats)
    attack = wkt.loads(side["attack_region_wkt"])
    line = LineString(side["line"])
    doc = run_vda(cpted, name)
    for st, p, t in targets_in(side, doc, [0.0, line.length]):
        bs = ref.best_straight(free, attack, line, (st, st), side["window"])
        if bs is None or bs[0] <= 0:
            continue
        want = kmh_of_m(bs[0])
        assert t["reachable"], "%s: target %s unreachable, straight of %.2f m ends there" % (
            name, t["id"], bs[0])
        assert t["impact_speed_kmh"] >= want - 1e-6, \
            "%s target %s: cpted %.3f < straight %.3f km/h (%.3f m)" % (
                name, t["id"], t["impact_speed_kmh"], want, bs[0])


@pytest.mark.parametrize("name", STRAIGHTS)
def test_cpted_straights_close_to_closed_form(cpted, name):
    side, exp = load(name)
    doc = run_vda(cpted, name)
    vmax = max_speed(targets_in(side, doc, [0.0, 6.0]))
    cf = side["closed_form"]["best_straight_kmh"]
    top = max(cf, exp["segments"]["line"]["rechecked_kmh"])
    # cpted adds a resolution allowance of 1.2 % at its default 1 m cell to its lattice
    # answers (docs/method-vda.md §3) on top of relaxations that all favour the
    # vehicle: 2 % above the reference is its budget on a straight
    assert vmax <= 1.02 * top, "%s: cpted %.3f km/h, closed form %.3f, reference %.3f" % (
        name, vmax, cf, exp["segments"]["line"]["rechecked_kmh"])


def test_cpted_ring_asset_unreachable(cpted):
    """The asset inside the closed ring cannot be reached. (The ring's own targets
    are barrier contact points: cpted reaches them when the vehicle disc touches a
    bollard, docs/method-vda.md "Contact", so they are reachable; the reference's
    centre never meets the ring line.)"""
    doc = run_vda(cpted, "ring_closed", targets="facades")
    assert doc["targets"], "no targets on the asset's facades"
    assert not any(t["reachable"] for t in doc["targets"]), \
        [t["id"] for t in doc["targets"] if t["reachable"]][:5]


def test_cpted_exact_width_gap_open(cpted):
    side, _ = load("gap_exact")
    doc = run_vda(cpted, "gap_exact")
    vmax = max_speed(targets_in(side, doc, [0.0, 12.0]))
    assert vmax is not None
    assert vmax >= side["closed_form"]["through_gap_kmh"] - 1e-6


def test_cpted_monotone_relations(cpted):
    def line_max(name, seg=None):
        side, exp = load(name)
        rng = exp["segments"][seg or "line"]["station_range_m"]
        return max_speed(targets_in(side, run_vda(cpted, name), rng))
    s = [line_max(n) for n in STRAIGHTS]
    assert s[0] < s[1] < s[2]
    assert line_max("two_approaches", "B") > line_max("two_approaches", "A")
    c = [line_max("chicane_" + n) for n in ("loose", "medium", "tight")]
    assert c[0] > c[1] > c[2]
