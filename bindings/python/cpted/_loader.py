"""Finds and loads libcpted with cffi in ABI mode (no compiler needed).

Lookup order (docs/python.md):
  1. the CPTED_LIBRARY environment variable (a path to the shared library);
  2. a copy bundled in the package (cpted/libcpted.so.1, as a wheel may ship it);
  3. ctypes.util.find_library("cpted"), then the soname libcpted.so.1 through the
     dynamic loader's own search (LD_LIBRARY_PATH, the ld.so cache);
  4. the build tree of the source checkout: <root>/build/lib/libcpted.so.1.
The first that loads wins; its version must have major 1.
"""
import ctypes.util
import os
import pathlib
import sys

import cffi

from ._cdef import CDEF

SUPPORTED_MAJOR = 1

if sys.platform == "darwin":
    _SONAMES = ("libcpted.1.dylib", "libcpted.dylib")
elif sys.platform == "win32":
    _SONAMES = ("cpted-1.dll", "cpted.dll")
else:
    _SONAMES = ("libcpted.so.1",)

_PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
_BUILD_TREE = _PACKAGE_DIR.parents[2] / "build" / "lib"

ffi = cffi.FFI()
ffi.cdef(CDEF)


def _candidates():
    env = os.environ.get("CPTED_LIBRARY")
    if env:
        # An explicit choice is never silently replaced by another copy.
        yield "CPTED_LIBRARY", os.path.abspath(env) if os.path.exists(env) else env
        return
    for name in _SONAMES:
        bundled = _PACKAGE_DIR / name
        if bundled.exists():
            yield "bundled", str(bundled)
    found = ctypes.util.find_library("cpted")
    if found:
        yield "find_library", found
    for name in _SONAMES:
        yield "soname", name
    for name in _SONAMES:
        built = _BUILD_TREE / name
        if built.exists():
            yield "build tree", str(built)


def load():
    """Returns (lib, path, how). Raises ImportError naming every place tried."""
    tried = []
    for how, path in _candidates():
        try:
            lib = ffi.dlopen(path)
        except OSError as e:
            tried.append("%s %s: %s" % (how, path, e))
            continue
        try:
            number = int(lib.cpted_version_number())
        except AttributeError as e:  # not a cpted library at all
            tried.append("%s %s: %s" % (how, path, e))
            continue
        major = number // 10000
        if major != SUPPORTED_MAJOR:
            raise ImportError(
                "cpted: %s (%s) is version %s, this binding needs %d.x "
                "(set CPTED_LIBRARY to a libcpted of major version %d)"
                % (path, how, ffi.string(lib.cpted_version_string()).decode(),
                   SUPPORTED_MAJOR, SUPPORTED_MAJOR))
        return lib, path, how
    raise ImportError("cpted: libcpted not found; set CPTED_LIBRARY to its path. Tried:\n  "
                      + "\n  ".join(tried))


lib, library_path, library_found_by = load()
