"""Fixtures of the Python binding's tests (CTest: python_pytest_default with the
default python3, python_pytest_debian with /usr/bin/python3; or directly:
CPTED_LIBRARY=build/lib/libcpted.so.1 CPTED_BIN=build/apps/cpted \
  python3 tests/python/run_pytest.py tests/python).

Environment (set by tests/CMakeLists.txt):
  CPTED_LIBRARY  the libcpted to test (default: the binding's own lookup)
  CPTED_BIN      the cpted CLI, for the comparisons with its JSON
  CPTED_SAMPLES  samples/ (default: this source tree's)
The package is imported from bindings/python of this source tree.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
BINDING_DIR = SOURCE_DIR / "bindings" / "python"
sys.path.insert(0, str(BINDING_DIR))

import cpted  # noqa: E402

DATA = SOURCE_DIR / "tests" / "data"


@pytest.fixture(scope="session")
def samples_dir():
    value = os.environ.get("CPTED_SAMPLES")
    return pathlib.Path(value) if value else SOURCE_DIR / "samples"


@pytest.fixture(scope="session")
def plaza(samples_dir):
    return str(samples_dir / "plaza" / "plaza.gpkg")


@pytest.fixture(scope="session")
def street():
    """The dead-end street of tests/cli/test_vda.py (EPSG:25832)."""
    return str(DATA / "vda" / "street.geojson")


@pytest.fixture(scope="session")
def cpted_bin():
    path = os.environ.get("CPTED_BIN") or str(SOURCE_DIR / "build" / "apps" / "cpted")
    if not os.access(path, os.X_OK):
        pytest.fail("CPTED_BIN=%s is not an executable: point it at the built cpted" % path)
    return path


@pytest.fixture(scope="session")
def cli_json(cpted_bin):
    """cli_json("coverage", path, "--opt", ...) -> the parsed JSON document."""
    def run(*args):
        proc = subprocess.run([cpted_bin] + [str(a) for a in args] + ["--json", "-", "--quiet"],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode in (0, 1), proc.stderr
        return json.loads(proc.stdout)
    return run


@pytest.fixture(scope="session")
def plaza_site(plaza):
    return cpted.Site.open(plaza)


def has_module(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False
