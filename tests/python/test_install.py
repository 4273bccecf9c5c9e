"""Installing the package offline into a venv, the library lookup order and the
version check at import."""
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import BINDING_DIR, SOURCE_DIR

import cpted

CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")


def _run(python, code, env=None, cwd="/"):
    full = {k: v for k, v in os.environ.items() if k != "CPTED_LIBRARY"}
    full.pop("PYTHONPATH", None)
    full.update(env or {})
    return subprocess.run([python, "-c", code], capture_output=True, text=True, env=full,
                          cwd=cwd, timeout=120)


def test_pip_install_in_a_venv_offline(tmp_path):
    try:
        import pip  # noqa: F401
    except ImportError:
        pytest.skip("this interpreter has no pip")
    venv = tmp_path / "venv"
    # --without-pip and the outer pip's --python: the same install, without the
    # ~20 s ensurepip run. --no-index: no network is needed (nor reachable).
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, timeout=120)
    py = str(venv / "bin" / "python")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", py, "install", "--no-index",
                           "--no-cache-dir", "--quiet", str(BINDING_DIR)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site_dir = next((venv / "lib").glob("python3*/site-packages"))
    assert (site_dir / "cpted" / "_cdef.py").exists()
    meta = next(site_dir.glob("cpted-1.0.0.dist-info")) / "METADATA"
    assert "Requires-Dist: cffi" in meta.read_text()
    code = "import cpted; print(cpted.__file__); print(cpted.version(), cpted.library_found_by)"
    r = _run(py, code, {"CPTED_LIBRARY": cpted.library_path})
    assert r.returncode == 0, r.stderr
    assert str(site_dir) in r.stdout and "1.0.0 CPTED_LIBRARY" in r.stdout
    r = _run(py, textwrap.dedent("""
        import cpted
        s = cpted.Site.open(%r)
        print(s.coverage().finding_count)
    """ % str(SOURCE_DIR / "samples" / "plaza" / "plaza.gpkg")),
             {"CPTED_LIBRARY": cpted.library_path})
    assert r.returncode == 0 and r.stdout.strip() == "2", r.stderr


def test_sdist_and_wheel_are_built_by_the_in_tree_backend(tmp_path):
    sys.path.insert(0, str(BINDING_DIR / "_build"))
    try:
        import cpted_build
    finally:
        sys.path.pop(0)
    wheel = cpted_build.build_wheel(str(tmp_path))
    sdist = cpted_build.build_sdist(str(tmp_path))
    assert wheel == "cpted-1.0.0-py3-none-any.whl" and sdist == "cpted-1.0.0.tar.gz"
    import tarfile
    import zipfile
    names = zipfile.ZipFile(tmp_path / wheel).namelist()
    assert "cpted/__init__.py" in names and "cpted-1.0.0.dist-info/RECORD" in names
    assert not any("__pycache__" in n for n in names)
    members = tarfile.open(tmp_path / sdist).getnames()
    assert "cpted-1.0.0/pyproject.toml" in members and "cpted-1.0.0/PKG-INFO" in members
    assert cpted_build.get_requires_for_build_wheel() == []


def test_lookup_prefers_cpted_library_and_names_what_it_tried(tmp_path):
    missing = str(tmp_path / "libnothing.so")
    r = _run(sys.executable, "import sys; sys.path.insert(0, %r); import cpted" % str(BINDING_DIR),
             {"CPTED_LIBRARY": missing})
    assert r.returncode != 0
    assert "ImportError" in r.stderr and missing in r.stderr and "CPTED_LIBRARY" in r.stderr


def test_lookup_falls_back_to_the_build_tree():
    built = SOURCE_DIR / "build" / "lib" / "libcpted.so.1"
    if not built.exists():
        pytest.skip("no build/ tree in this checkout")
    r = _run(sys.executable, "import sys; sys.path.insert(0, %r); import cpted; "
             "print(cpted.library_found_by, cpted.library_path)" % str(BINDING_DIR),
             {"LD_LIBRARY_PATH": ""})
    assert r.returncode == 0, r.stderr
    how, path = r.stdout.split(" ", 1) if not r.stdout.startswith("build tree") else (
        "build tree", r.stdout[len("build tree "):])
    if how == "build tree":
        assert pathlib.Path(path.strip()) == built
    else:  # an installed libcpted.so.1 comes first (find_library / soname)
        assert how.strip() in ("find_library", "soname")


@pytest.mark.skipif(CC is None, reason="no C compiler for the fake library")
def test_a_library_of_another_major_version_is_refused(tmp_path):
    src = tmp_path / "fake.c"
    src.write_text('#include <stdint.h>\nint32_t cpted_version_number(void) { return 20100; }\n'
                   'const char *cpted_version_string(void) { return "2.1.0"; }\n')
    lib = tmp_path / "libcpted.so.2"
    subprocess.run([CC, "-shared", "-fPIC", str(src), "-o", str(lib)], check=True)
    r = _run(sys.executable, "import sys; sys.path.insert(0, %r); import cpted" % str(BINDING_DIR),
             {"CPTED_LIBRARY": str(lib)})
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "is version 2.1.0" in r.stderr and "1.x" in r.stderr
