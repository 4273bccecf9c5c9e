#!/usr/bin/env python3
"""Runs pytest with this interpreter, even when it has no pytest of its own.

The default python3 (pyenv) has cffi but neither pytest nor shapely; Debian's
pytest is pure Python, so when `import pytest` fails this puts a directory on
sys.path that links ONLY pytest and its pure-Python dependencies from Debian's
dist-packages (not shapely, numpy or geopandas: the binding is then tested as
it runs without them). Usage: run_pytest.py [pytest arguments].
"""
import os
import sys
import tempfile

DIST = "/usr/lib/python3/dist-packages"
PYTEST_ONLY = ("_pytest", "pytest", "pluggy", "iniconfig", "packaging", "py.py", "attr",
               "attrs", "exceptiongroup", "tomli")


def main():
    try:
        import pytest  # noqa: F401
    except ImportError:
        tmp = tempfile.mkdtemp(prefix="cpted_pytest_")
        for name in PYTEST_ONLY:
            src = os.path.join(DIST, name)
            if os.path.exists(src):
                os.symlink(src, os.path.join(tmp, name))
        sys.path.insert(0, tmp)
        import pytest  # noqa: F401
    import pytest
    return pytest.main(["-q", "-p", "no:cacheprovider"] + sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
