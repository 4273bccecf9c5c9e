"""Shared fixtures of the CLI tests (run by CTest as cli_pytest, or directly:
CPTED_BIN=build/apps/cpted /usr/bin/python3 -m pytest -q tests/cli).

Environment (set by tests/cli/CMakeLists.txt):
  CPTED_BIN      path of the cpted binary (required)
  CPTED_SAMPLES  samples/ directory (default: the one in this source tree)
  CPTED_SCHEMAS  docs/schemas directory (default: the one in this source tree)
Use pytest's tmp_path for output files.
"""
import json
import os
import pathlib
import subprocess

import jsonschema
import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]


def _env_path(name, default):
    value = os.environ.get(name)
    return pathlib.Path(value) if value else default


@pytest.fixture(scope="session")
def cpted_bin():
    path = os.environ.get("CPTED_BIN")
    if not path:
        pytest.fail("CPTED_BIN is not set: point it at the built cpted binary")
    if not os.access(path, os.X_OK):
        pytest.fail("CPTED_BIN=%s is not an executable file" % path)
    return path


@pytest.fixture(scope="session")
def samples_dir():
    return _env_path("CPTED_SAMPLES", SOURCE_DIR / "samples")


@pytest.fixture(scope="session")
def schemas_dir():
    return _env_path("CPTED_SCHEMAS", SOURCE_DIR / "docs" / "schemas")


@pytest.fixture(scope="session")
def plaza(samples_dir):
    """Path of the synthetic plaza site (see samples/plaza/README.md)."""
    return str(samples_dir / "plaza" / "plaza.gpkg")


@pytest.fixture
def cpted(cpted_bin):
    """Runs the binary: cpted("info", path, "--json", "-") -> CompletedProcess.

    stdout/stderr are captured as text; the exit code is not checked (tests
    assert it). A hang fails after `timeout` seconds.
    """
    def run(*args, input=None, timeout=120, env=None, cwd=None):
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        return subprocess.run([cpted_bin] + [str(a) for a in args], input=input,
                              capture_output=True, text=True, timeout=timeout,
                              env=full_env, cwd=cwd)
    return run


@pytest.fixture(scope="session")
def _validators(schemas_dir):
    schemas = {}
    for path in sorted(schemas_dir.glob("*.schema.json")):
        with open(path, encoding="utf-8") as f:
            schemas[path.name[: -len(".schema.json")]] = json.load(f)
    if not schemas:
        pytest.fail("no *.schema.json in %s" % schemas_dir)
    # Every schema is registered under its $id so that references between them resolve.
    store = {s["$id"]: s for s in schemas.values() if "$id" in s}
    validators = {}
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        validators[name] = jsonschema.Draft202012Validator(schema, resolver=resolver)
    return validators


@pytest.fixture
def validate(_validators):
    """validate(doc, "info") checks a JSON document against docs/schemas/info.schema.json.

    doc may be the JSON text or the parsed object; the parsed object is returned.
    The schema name may also be given as "info.schema.json" or "cpted/info/1".
    """
    def check(doc, schema_name):
        if isinstance(doc, (str, bytes)):
            doc = json.loads(doc)
        name = schema_name
        if name.endswith(".schema.json"):
            name = name[: -len(".schema.json")]
        if name.startswith("cpted/"):
            name = name.split("/")[1]
        if name not in _validators:
            pytest.fail("unknown schema %r (have %s)" % (schema_name, ", ".join(sorted(_validators))))
        errors = sorted(_validators[name].iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            lines = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
                     for e in errors[:20]]
            pytest.fail("JSON does not match %s.schema.json:\n  %s" % (name, "\n  ".join(lines)))
        return doc
    return check

