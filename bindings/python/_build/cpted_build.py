"""A minimal PEP 517 build backend for the cpted binding (pure Python, no
setuptools): the wheel holds the cpted/ package and its metadata, the sdist
the source tree. Metadata is read from pyproject.toml with tomllib when the
Python has it, else from the few lines this project needs."""
import base64
import hashlib
import io
import os
import pathlib
import re
import tarfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
TAG = "py3-none-any"


def _project():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
        p = tomllib.loads(text)["project"]
        return p["name"], p["version"], p.get("description", ""), p.get("requires-python"), \
            list(p.get("dependencies", [])), dict(p.get("optional-dependencies", {}))
    except ImportError:  # Python < 3.11: the simple forms used in our pyproject.toml
        def get(key):
            m = re.search(r'^%s\s*=\s*"([^"]*)"' % re.escape(key), text, re.M)
            return m.group(1) if m else None
        deps = re.search(r'^dependencies\s*=\s*\[(.*?)\]', text, re.M | re.S)
        deps = re.findall(r'"([^"]+)"', deps.group(1)) if deps else []
        extras = {}
        sect = re.search(r'^\[project\.optional-dependencies\]\n(.*?)(?:^\[|\Z)', text, re.M | re.S)
        if sect:
            for name, items in re.findall(r'^(\w+)\s*=\s*\[(.*?)\]', sect.group(1), re.M):
                extras[name] = re.findall(r'"([^"]+)"', items)
        return get("name"), get("version"), get("description") or "", get("requires-python"), \
            deps, extras


def _metadata():
    name, version, summary, requires_python, deps, extras = _project()
    lines = ["Metadata-Version: 2.1", "Name: %s" % name, "Version: %s" % version,
             "Summary: %s" % summary, "License: MIT"]
    if requires_python:
        lines.append("Requires-Python: %s" % requires_python)
    lines += ["Requires-Dist: %s" % d for d in deps]
    for extra, items in extras.items():
        lines.append("Provides-Extra: %s" % extra)
        lines += ['Requires-Dist: %s ; extra == "%s"' % (d, extra) for d in items]
    return name, version, "\n".join(lines) + "\n"


def _package_files():
    for path in sorted((ROOT / "cpted").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def _dist_info(name, version, metadata):
    di = "%s-%s.dist-info" % (name, version)
    wheel = "Wheel-Version: 1.0\nGenerator: cpted_build\nRoot-Is-Purelib: true\nTag: %s\n" % TAG
    return di, {di + "/METADATA": metadata.encode(), di + "/WHEEL": wheel.encode()}


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version, metadata = _metadata()
    di, files = _dist_info(name, version, metadata)
    for arc, data in files.items():
        out = pathlib.Path(metadata_directory) / arc
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    return di


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def _write_wheel(wheel_directory, entries):
    name, version, metadata = _metadata()
    di, meta = _dist_info(name, version, metadata)
    filename = "%s-%s-%s.whl" % (name, version, TAG)
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        for arc, data in list(entries) + list(meta.items()):
            zf.writestr(zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0)), data)
            records.append(_record_line(arc, data))
        records.append(di + "/RECORD,,")
        zf.writestr(zipfile.ZipInfo(di + "/RECORD", date_time=(2020, 1, 1, 0, 0, 0)),
                    "\n".join(records) + "\n")
    return filename


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    entries = [(p.relative_to(ROOT).as_posix(), p.read_bytes()) for p in _package_files()]
    return _write_wheel(wheel_directory, entries)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # A .pth file that puts this source directory on sys.path.
    return _write_wheel(wheel_directory, [("cpted_editable.pth", (str(ROOT) + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    name, version, metadata = _metadata()
    base = "%s-%s" % (name, version)
    filename = base + ".tar.gz"
    files = [ROOT / "pyproject.toml", ROOT / "_build" / "cpted_build.py",
             ROOT / "tools" / "gen_cdef.py"] + list(_package_files())
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tf:
        for path in files:
            tf.add(str(path), arcname="%s/%s" % (base, path.relative_to(ROOT).as_posix()))
        info = tarfile.TarInfo(base + "/PKG-INFO")
        data = metadata.encode()
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return filename
