"""The Python samples run (samples/python): the OSM findings script on the real
Helsinki extract, and the notebook-style plaza example headless (Agg)."""
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import SOURCE_DIR, has_module

import cpted

SAMPLES = SOURCE_DIR / "samples" / "python"


def _env():
    env = dict(os.environ, MPLBACKEND="Agg", CPTED_LIBRARY=cpted.library_path)
    env.pop("DISPLAY", None)
    return env


def test_osm_worst_findings(tmp_path):
    out = tmp_path / "standoff.json"
    proc = subprocess.run([sys.executable, str(SAMPLES / "osm_worst_findings.py"), "--top", "5",
                           "--json", str(out)], capture_output=True, text=True, env=_env(),
                          cwd=str(tmp_path), timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("helsinki_centre_osm_2019.osm.pbf:") and "EPSG:3067" in lines[0]
    assert any(l.startswith("  1. ") for l in lines) and any(l.startswith("  5. ") for l in lines)
    assert "Stockmann" in proc.stdout and "OpenStreetMap contributors" in lines[-1]
    import json
    doc = json.loads(out.read_text())
    assert doc["schema"] == "cpted/standoff/1"
    assert sorted(a["name"] for a in doc["assets"]) == ["Helsingin tuomiokirkko", "Stockmann"]


def test_plaza_notebook_headless(tmp_path):
    if not has_module("matplotlib"):
        if os.environ.get("CPTED_REQUIRE_GEO") == "1":
            pytest.fail("matplotlib is missing (scripts/setup.sh installs python3-matplotlib)")
        pytest.skip("no matplotlib on this interpreter")
    png = tmp_path / "plaza.png"
    proc = subprocess.run([sys.executable, str(SAMPLES / "plaza_notebook.py"), str(png)],
                          capture_output=True, text=True, env=_env(), cwd=str(tmp_path),
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "perimeter:1: 90.1 of 100.0 m covered, 7 gaps, 1 too wide" in proc.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10000
    # the cells are marked for notebook front ends
    text = (SAMPLES / "plaza_notebook.py").read_text()
    assert text.count("# %%") >= 5
