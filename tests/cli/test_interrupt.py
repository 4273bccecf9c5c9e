"""Ctrl-C is clean (docs/user-guide.md, "Interrupting a run"): SIGINT or SIGTERM at any
point of a real run makes `cpted` print "interrupted" and exit 130, leaving no temporary
file, no journal and no JSON without its GIS output: the outputs are committed together
at the end, or not at all.

The runs use a synthetic district of 2,000 buildings (scripts/make_district.py) in the
roads-only ground model, so that they take a few seconds (the default, conservative model
makes it a 30 s run: docs/performance.md). The child is started with SIGINT at its default disposition:
a background job of a non-interactive shell inherits SIGINT ignored, and a test that
kept it ignored could not fail."""
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
POINTS = 10


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    out = tmp_path_factory.mktemp("district") / "d2000.gpkg"
    subprocess.run([sys.executable, str(SOURCE_DIR / "scripts" / "make_district.py"),
                    "--buildings", "2000", "--seed", "1", "--out", str(out)],
                   check=True, capture_output=True)
    return out


def _default_signals():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def start(cpted_bin, args, cwd):
    return subprocess.Popen([os.path.abspath(cpted_bin)] + [str(a) for a in args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            restore_signals=True, preexec_fn=_default_signals)


def run_full(cpted_bin, args, cwd):
    t0 = time.monotonic()
    p = start(cpted_bin, args, cwd)
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    return time.monotonic() - t0


def check_outputs(outdir, expected, returncode, stderr, command):
    left = sorted(os.listdir(outdir))
    if returncode == 0:
        # it finished before the signal was handled: everything is there, complete
        assert left == sorted(expected), left
        for name in expected:
            if name.endswith(".json") and not name.endswith(".geojson"):
                json.loads((outdir / name).read_text())
    else:
        if returncode == 130:
            assert stderr.endswith("cpted %s: interrupted\n" % command), stderr
        else:
            # the signal came before main() installed its handler (the dynamic loader
            # was still at work): the default action killed the process, nothing written
            assert returncode == -signal.SIGINT or returncode == -signal.SIGTERM, \
                (returncode, stderr)
        assert left == [], left  # no temporary file, no journal, no lone JSON


def interrupt_at_many_points(cpted_bin, district, tmp_path, command, outputs, expected,
                             sig=signal.SIGINT, points=POINTS):
    full = tmp_path / "full"
    full.mkdir()
    duration = run_full(cpted_bin, [command, district, "--quiet"] + outputs, full)
    assert sorted(os.listdir(full)) == sorted(expected)
    codes = []
    for k in range(points):
        # from 0.05 s to just past the measured end of a run
        delay = 0.05 + (duration * 1.05 - 0.05) * k / (points - 1)
        outdir = tmp_path / ("run%d" % k)
        outdir.mkdir()
        p = start(cpted_bin, [command, district] + outputs, outdir)
        time.sleep(delay)
        p.send_signal(sig)
        out, err = p.communicate(timeout=600)
        check_outputs(outdir, expected, p.returncode, err, command)
        codes.append(p.returncode)
    # the signal must have stopped real work at least once: the test cannot pass by
    # arriving always too early or too late
    assert 130 in codes, codes
    return codes


MODEL = ["--drivable", "roads"]
STANDOFF_OUT = ["--json", "s.json", "-o", "s.geojson"] + MODEL
STANDOFF_FILES = ["s.json", "s_standoff_lines.geojson", "s_encroachment.geojson",
                  "s_accessible_area.geojson"]


def test_sigint_standoff(cpted_bin, district, tmp_path):
    interrupt_at_many_points(cpted_bin, district, tmp_path, "standoff", STANDOFF_OUT,
                             STANDOFF_FILES)


def test_sigint_coverage_gpkg(cpted_bin, district, tmp_path):
    interrupt_at_many_points(cpted_bin, district, tmp_path, "coverage",
                             ["--json", "c.json", "-o", "c.gpkg"] + MODEL, ["c.json", "c.gpkg"],
                             points=6)


def test_sigterm_coverage(cpted_bin, district, tmp_path):
    interrupt_at_many_points(cpted_bin, district, tmp_path, "coverage",
                             ["--json", "c.json", "-o", "c.geojson"] + MODEL,
                             ["c.json", "c_perimeter_lines.geojson", "c_gaps.geojson",
                              "c_breaches.geojson"], sig=signal.SIGTERM, points=4)


def test_interrupt_keeps_an_existing_output(cpted_bin, district, tmp_path):
    """With --overwrite, an interrupted run leaves the previous outputs as they were.
    The signal is sent at fractions of a measured full run (a fixed delay let fast
    machines finish first); a run that finishes or is killed before its handler is
    installed does not count, one must be interrupted while working."""
    full = tmp_path / "full"
    full.mkdir()
    duration = run_full(cpted_bin, ["standoff", district, "--quiet"] + STANDOFF_OUT, full)
    for frac in (0.5, 0.3, 0.7, 0.15, 0.05):
        run = tmp_path / ("run%02d" % int(frac * 100))
        run.mkdir()
        (run / "s.json").write_text("old\n")
        p = start(cpted_bin, ["standoff", district, "--overwrite"] + STANDOFF_OUT, run)
        time.sleep(max(0.05, duration * frac))
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=600)
        if p.returncode in (0, -signal.SIGINT):
            continue  # finished first, or stopped before main() set its handler
        assert p.returncode == 130, err
        assert err == "cpted standoff: interrupted\n"
        assert sorted(os.listdir(run)) == ["s.json"]
        assert (run / "s.json").read_text() == "old\n"
        return
    pytest.fail("no run was interrupted while it worked")