"""The binding against the header: the committed cdef is what tools/gen_cdef.py
makes of include/cpted/cpted.h, every function is used by the Python layer (or
listed as not needing a wrapper), every struct field is known to the field
tables, and cffi's layout of every struct is the compiler's."""
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from conftest import BINDING_DIR, SOURCE_DIR

import cpted
from cpted import _records
from cpted._cdef import CDEF

sys.path.insert(0, str(BINDING_DIR / "tools"))
import gen_cdef  # noqa: E402

HEADER = SOURCE_DIR / "include" / "cpted" / "cpted.h"
CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")

# Functions the Python layer does not call, and why.
NOT_WRAPPED = {}

needs_cc = pytest.mark.skipif(CC is None, reason="no C compiler to preprocess the header")


def cdef_functions(text=CDEF):
    return set(re.findall(r"\b(cpted_[a-z0-9_]+)\s*\(", text)) - set(
        re.findall(r"\(\s*\*\s*(cpted_[a-z0-9_]+)\)", text))


def cdef_structs(text=CDEF):
    return re.findall(r"typedef struct (cpted_[a-z0-9_]+) \{", text)


def package_source():
    out = []
    for path in sorted((BINDING_DIR / "cpted").glob("*.py")):
        if path.name != "_cdef.py":
            out.append(path.read_text())
    return "\n".join(out)


@needs_cc
def test_committed_cdef_is_generated_from_the_header():
    committed = (BINDING_DIR / "cpted" / "_cdef.py").read_text()
    assert gen_cdef.generate(HEADER, CC) == committed, \
        "cpted/_cdef.py is stale: run bindings/python/tools/gen_cdef.py"


@needs_cc
def test_a_changed_header_is_detected(tmp_path):
    # The drift check above must fail when the header gains a function or a field.
    text = HEADER.read_text()
    added_fn = text.replace("#ifdef __cplusplus\n}",
                            "CPTED_API int CPTED_CALL cpted_new_thing(int x);\n"
                            "#ifdef __cplusplus\n}", 1)
    added_field = text.replace("    double min_turn_radius_m;", "    double min_turn_radius_m;\n"
                               "    double new_field_m;", 1)
    assert added_fn != text and added_field != text
    committed = (BINDING_DIR / "cpted" / "_cdef.py").read_text()
    for i, variant in enumerate((added_fn, added_field)):
        h = tmp_path / ("cpted%d.h" % i)
        h.write_text(variant)
        generated = gen_cdef.generate(h, CC)
        assert generated != committed
    assert "cpted_new_thing" in gen_cdef.generate(tmp_path / "cpted0.h", CC)
    assert "new_field_m" in gen_cdef.generate(tmp_path / "cpted1.h", CC)


def test_cdef_has_no_macro_or_comment_left():
    assert "CPTED_API" not in CDEF and "CPTED_CALL" not in CDEF
    assert "/*" not in CDEF and "#" not in CDEF and "offsetof" not in CDEF


def test_every_function_is_declared_in_the_header():
    # The header's prototypes (CPTED_API ... name(), comments removed) are exactly the cdef's.
    header = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    declared = set(re.findall(r"CPTED_API[^;(]*?\b(cpted_[a-z0-9_]+)\s*\(", header))
    assert declared == cdef_functions()
    assert len(declared) > 100


def test_every_function_is_used_by_the_python_layer():
    source = package_source()
    used = set(re.findall(r"\b(cpted_[a-z0-9_]+)\b", source))
    missing = sorted(cdef_functions() - used - set(NOT_WRAPPED))
    assert missing == [], "functions without a wrapper: %s" % missing
    # The explicit exceptions must be real functions.
    assert set(NOT_WRAPPED) <= cdef_functions()


def test_every_struct_field_is_known_to_the_binding():
    tables = dict(_records.RECORD_FIELDS)
    tables.update({k: tuple(v) for k, v in _records.OPTION_FIELDS.items()})
    structs = cdef_structs()
    assert sorted(structs) == sorted(tables), "structs without a field table"
    for name in structs:
        fields = [f for f, _ in cpted.ffi.typeof(name).fields]
        assert fields[0] == "struct_size", name
        assert sorted(fields[1:]) == sorted(tables[name]), name
    # Every option struct has its _init function, and every record one a Record class.
    assert sorted(_records.OPTION_INIT) == sorted(_records.OPTION_FIELDS)
    classes = {c._ctype for c in vars(cpted).values()
               if isinstance(c, type) and issubclass(c, _records.Record) and c._ctype}
    assert classes == set(_records.RECORD_FIELDS)


def _build_include():
    value = os.environ.get("CPTED_BUILD_INCLUDE")
    if value:
        return pathlib.Path(value)
    return SOURCE_DIR / "build" / "include"


@needs_cc
def test_struct_layouts_match_the_compiler(tmp_path):
    inc = _build_include()
    if not (inc / "cpted" / "cpted_export.h").exists():
        pytest.fail("CPTED_BUILD_INCLUDE=%s has no cpted/cpted_export.h" % inc)
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "cpted/cpted.h"',
             "int main(void) {"]
    expected = []
    for name in cdef_structs():
        lines.append('printf("%%zu\\n", sizeof(%s));' % name)
        expected.append(cpted.ffi.sizeof(name))
        for field, _ in cpted.ffi.typeof(name).fields:
            lines.append('printf("%%zu\\n", offsetof(%s, %s));' % (name, field))
            expected.append(cpted.ffi.offsetof(name, field))
    lines.append("return 0; }")
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "layout"
    subprocess.run([CC, "-std=c11", "-I", str(SOURCE_DIR / "include"), "-I", str(inc),
                    "-I", str(inc / "cpted"), str(src), "-o", str(exe)], check=True)
    got = [int(x) for x in subprocess.run([str(exe)], capture_output=True, text=True,
                                          check=True).stdout.split()]
    assert got == expected
    assert len(expected) > 100


def test_enum_constants_are_exported():
    assert cpted.OK == 0 and cpted.E_NOTFOUND == -12
    assert cpted.ROLE_BOUNDARY == 10 and cpted.SPACE_BOUNDARY == 7
    assert cpted.ANALYSIS_ALL == 7 and cpted.LOG_DEBUG == 4
