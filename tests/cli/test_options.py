"""The command frame shared by every `cpted` command (docs/user-guide.md): option
syntax, per-command options and --help, plausible ranges (docs/ranges.md,
docs/vehicles.md), outputs checked before any work, messages, --quiet, tables."""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unicodedata

import pytest

CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": CRS,
                                "features": features}), encoding="utf-8")
    return str(path)


# ---- --option=value --------------------------------------------------------------

def test_option_equals_value(cpted, plaza, validate):
    r = cpted("coverage", plaza, "--max-gap=3", "--snap=0", "--vehicle=N3E", "--json=-",
              "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "coverage")
    assert doc["max_gap_m"] == 3 and doc["snap_m"] == 0 and doc["vehicle"]["class"] == "N3E"
    r = cpted("coverage", plaza, "--vehicle-width=2.8", "--json", "-", "--quiet")
    assert json.loads(r.stdout)["vehicle"]["width_m"] == 2.8
    r = cpted("standoff", plaza, "--charge=100", "--allowable-kpa=20", "--json=-", "--quiet")
    assert r.returncode == 0, r.stderr
    doc = validate(r.stdout, "standoff")
    assert doc["charge_kg"] == 100 and doc["allowable_kpa"] == 20


def test_flag_with_a_value_is_refused(cpted, plaza):
    r = cpted("coverage", plaza, "--quiet=1")
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == "cpted coverage: --quiet takes no value"


def test_empty_inline_value(cpted, plaza):
    r = cpted("coverage", plaza, "--json=")
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == "cpted coverage: --json needs a value"


# ---- plausible ranges -----------------------------------------------------------

@pytest.mark.parametrize("command, args, message", [
    ("standoff", ["--charge", "1e9"], "--charge must be in (0, 100000] kg, not 1e9"),
    ("standoff", ["--charge", "0"], "--charge must be in (0, 100000] kg, not 0"),
    ("standoff", ["--charge", "10", "--allowable-kpa", "0.1"],
     "--allowable-kpa must be in [0.25, 17000] kPa, not 0.1"),
    ("coverage", ["--max-gap", "12"], "--max-gap must be in (0, 5] m, not 12"),
    ("coverage", ["--snap", "50"], "--snap must be in [0, 10] m, not 50"),
    ("coverage", ["--chain", "1000"], "--chain must be in (0, 50] m, not 1000"),
    ("coverage", ["--chain", "5km"], "--chain needs a number, not '5km'"),
    ("coverage", ["--vehicle-mass", "heavy"], "--vehicle-mass needs a number, not 'heavy'"),
])
def test_absurd_values_refused_with_their_range(cpted, plaza, command, args, message):
    r = cpted(command, plaza, *args)
    assert r.returncode == 2
    assert r.stderr == "cpted %s: %s\n" % (command, message)
    assert r.stdout == ""


@pytest.mark.parametrize("option, value, field, text", [
    ("--vehicle-width", "0.01", "width_m = 0.01",
     "must be in [1, 3.5] m (from the narrowest car to a wide load; the legal maximum is "
     "about 2.55 m)"),
    ("--vehicle-mass", "1e9", "mass_kg = 1e+09",
     "must be in [500, 100000] kg (from a light car to beyond the heaviest road combinations)"),
    ("--vehicle-a0", "30", "a0_mps2 = 30",
     "must be in (0, 10] m/s2 (about 1 g, the traction limit of road tyres, bounds the "
     "acceleration)"),
    ("--vehicle-friction", "3", "lateral_friction = 3",
     "must be in (0, 1.5] (road tyres on dry asphalt stay near 1; 1.5 is beyond any road "
     "surface)"),
])
def test_absurd_vehicle_values(cpted, plaza, option, value, field, text):
    r = cpted("coverage", plaza, option, value)
    assert r.returncode == 2
    assert r.stderr == "cpted coverage: %s: vehicle M1: %s %s\n" % (option, field, text)


def test_vmax_is_named_in_its_unit(cpted, plaza):
    r = cpted("standoff", plaza, "--vehicle-vmax", "300")
    assert r.returncode == 2
    assert r.stderr == ("cpted standoff: --vehicle-vmax (km/h): vehicle M1: vmax_mps = 83.3333 "
                        "must be in (0, 69.4444] m/s (250 km/h)\n")


# ---- per-command options and --help -----------------------------------------------

ANALYSIS_ONLY = ["--vehicle", "--vehicle-width", "--soft-blocking", "--drivable",
                 "-o OUT", "--fail-on-findings"]


def test_help_lists_only_the_commands_options(cpted):
    info = cpted("info", "--help").stdout
    for opt in ANALYSIS_ONLY + ["--charge", "--max-gap"]:
        assert opt not in info, opt
    for opt in ["--role", "--crs", "--json", "--overwrite", "--quiet", "--lenient"]:
        assert opt in info, opt
    cov = cpted("coverage", "--help").stdout
    assert "--max-gap" in cov and "--charge" not in cov
    assert all(opt in cov for opt in ANALYSIS_ONLY)
    sto = cpted("standoff", "--help").stdout
    assert "--charge" in sto and "--allowable-kpa" in sto and "--max-gap" not in sto
    assert "--option=VALUE" in sto


def test_options_of_other_commands_are_unknown(cpted, plaza):
    r = cpted("info", plaza, "--vehicle", "N3E")
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == "cpted info: unknown option --vehicle"
    r = cpted("info", plaza, "-o", "x.gpkg")
    assert r.returncode == 2 and r.stderr.splitlines()[0] == "cpted info: unknown option -o"
    r = cpted("coverage", plaza, "--charge", "10")
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == "cpted coverage: unknown option --charge"


# ---- outputs checked before any work ----------------------------------------------

@pytest.mark.parametrize("out, existing", [
    ("x.gpkg", "x.gpkg"),
    ("x.geojson", "x_gaps.geojson"),
    ("x.json", "x_breaches.json"),
    ("x.fgb", "x_perimeter_lines.fgb"),
])
def test_existing_output_refused_before_any_work(cpted, tmp_path, out, existing):
    (tmp_path / existing).write_text("old")
    # the source does not exist: exit 2 (not 3) shows the check comes first
    r = cpted("coverage", tmp_path / "nowhere.gpkg", "-o", tmp_path / out,
              "--json", tmp_path / "c.json")
    assert r.returncode == 2
    assert r.stderr == "cpted coverage: '%s' exists; use --overwrite to replace it\n" % (
        tmp_path / existing)
    assert sorted(os.listdir(tmp_path)) == [existing]


def test_existing_json_refused_before_any_work(cpted, tmp_path):
    (tmp_path / "i.json").write_text("old")
    r = cpted("info", tmp_path / "nowhere.gpkg", "--json", tmp_path / "i.json")
    assert r.returncode == 2
    assert r.stderr == "cpted info: '%s' exists; use --overwrite to replace it\n" % (
        tmp_path / "i.json")


@pytest.mark.parametrize("args, message", [
    (["-o", "{d}/x.shp"], "-o {d}/x.shp: ESRI Shapefile is not supported (it cuts field names "
                          "to 10 characters and cannot store null numbers); use .gpkg"),
    (["-o", "{d}/x.txt"], "-o {d}/x.txt: unknown output extension '.txt'; use .gpkg, .geojson, "
                          ".json or .fgb, or name the format with -f"),
    (["-o", "{d}/x"], "-o {d}/x has no extension; use .gpkg, .geojson, .json or .fgb, or name "
                      "the format with -f"),
    (["-o", "{d}/x.gpkg", "-f", "KML"],
     "unknown output format 'KML'; use GPKG, GeoJSON or FlatGeobuf"),
    (["-o", "{d}/none/x.gpkg"], "-o {d}/none/x.gpkg: directory '{d}/none/' does not exist"),
    (["-o", "{d}"], "-o {d} is a directory; give a file name such as {d}/result.gpkg"),
    (["-f", "GPKG"], "-f GPKG needs -o OUT"),
])
def test_bad_output_refused_before_any_work(cpted, plaza, tmp_path, args, message):
    d = str(tmp_path)
    r = cpted("coverage", plaza, "--json", tmp_path / "c.json",
              *[a.format(d=d) for a in args])
    assert r.returncode == 2
    assert r.stderr == "cpted coverage: %s\n" % message.format(d=d)
    assert os.listdir(tmp_path) == []  # no JSON without its GIS output


def test_json_directory_is_a_clear_error(cpted, plaza, tmp_path):
    r = cpted("coverage", plaza, "--json", tmp_path)
    assert r.returncode == 2
    assert r.stderr == ("cpted coverage: --json %s is a directory; give a file name (or - for "
                        "standard output)\n" % tmp_path)
    r = cpted("info", plaza, "--json", tmp_path / "none" / "i.json")
    assert r.returncode == 2
    assert r.stderr == "cpted info: --json %s: directory '%s/' does not exist\n" % (
        tmp_path / "none" / "i.json", tmp_path / "none")


def test_no_temporary_name_in_messages(cpted, plaza, tmp_path):
    """A GIS write that fails late (a name too long for the file system) names the output
    the user gave, not the temporary directory or file it was written to, and leaves
    nothing behind, not even the JSON."""
    stem = "x" * 250
    for ext, layer in ((".gpkg", ""), (".geojson", "_perimeter_lines")):
        r = cpted("coverage", plaza, "--quiet", "-o", tmp_path / (stem + ext),
                  "--json", tmp_path / "c.json")
        assert r.returncode == 3
        assert r.stderr.startswith("cpted coverage: cannot create %s: " % (
            tmp_path / (stem + layer + ext))), r.stderr
        assert ".cpted-" not in r.stderr and ".tmp-" not in r.stderr, r.stderr
        assert os.listdir(tmp_path) == []


# ---- unreadable sources ------------------------------------------------------------

def test_symlink_loop_is_named(cpted, tmp_path):
    os.symlink(tmp_path / "b.gpkg", tmp_path / "a.gpkg")
    os.symlink(tmp_path / "a.gpkg", tmp_path / "b.gpkg")
    r = cpted("info", tmp_path / "a.gpkg")
    assert r.returncode == 3
    assert r.stderr == ("cpted info: cannot open '%s': too many levels of symbolic links "
                        "(a symlink loop)\n" % (tmp_path / "a.gpkg"))


def test_unreadable_file_says_permission_denied(cpted_bin, plaza):
    d = tempfile.mkdtemp(prefix="cpted-perm-")
    try:
        os.chmod(d, 0o755)
        path = os.path.join(d, "plaza.gpkg")
        shutil.copy(plaza, path)
        os.chmod(path, 0)
        cmd = [os.path.abspath(cpted_bin), "info", path]
        if os.geteuid() == 0:  # root reads anything: run as nobody
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert r.returncode == 3, r.stderr
        assert r.stderr == "cpted info: cannot open '%s': permission denied\n" % path
    finally:
        os.chmod(os.path.join(d, "plaza.gpkg"), stat.S_IRUSR | stat.S_IWUSR)
        shutil.rmtree(d)


# ---- --quiet, tables ----------------------------------------------------------------

def test_quiet_silences_stderr_of_every_command(cpted, samples_dir):
    osm = samples_dir / "osm" / "helsinki_centre_osm_2019.osm.pbf"
    r = cpted("info", osm, "--lenient")
    assert r.returncode == 0
    r = cpted("info", osm, "--lenient", "--quiet")
    assert r.returncode == 0 and r.stderr == ""
    assert "working CRS: EPSG:32635" in r.stdout  # the table is the output: it stays


def test_utf8_names_are_aligned(cpted, plaza, tmp_path):
    names = ["東京タワー Köln", "Zoë's Café", "e\u0301cole"]
    feats = [{"type": "Feature", "properties": {"role": "asset", "name": n},
              "geometry": {"type": "Polygon", "coordinates": [[
                  [500070 + 5 * i, 5800150], [500073 + 5 * i, 5800150],
                  [500073 + 5 * i, 5800153], [500070 + 5 * i, 5800153],
                  [500070 + 5 * i, 5800150]]]}}
             for i, n in enumerate(names)]
    path = write_geojson(tmp_path / "named.geojson", feats)
    r = cpted("standoff", plaza, path, "--quiet")
    assert r.returncode == 0, r.stderr

    def width(s):
        return sum(0 if unicodedata.combining(c) else
                   2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    lines = r.stdout.splitlines()
    header = [l for l in lines if l.startswith("asset ")][0]
    col = width(header[: header.index("standoff_m") + len("standoff_m")])
    rows = [l for l in lines if l.startswith("named:")]
    assert len(rows) == 3
    for row, name in zip(rows, names):
        assert name in row
        # the standoff number ends where its header does
        number = row.split(name, 1)[1].split()[0]
        end = row.index(name) + len(name)
        end = row.index(number, end) + len(number)
        assert width(row[:end]) == col, row


def test_breach_points_in_the_output_crs(cpted, plaza):
    """The table gives the breach where the JSON does: in the output CRS (here lon/lat)."""
    doc = json.loads(cpted("coverage", plaza, "--output-crs", "EPSG:4326", "--json", "-",
                           "--quiet").stdout)
    b = doc["breaches"][0]
    r = cpted("coverage", plaza, "--output-crs", "EPSG:4326", "--quiet")
    assert "breaches: 1 (points in EPSG:4326)" in r.stdout
    assert "  line perimeter:1 at (%.7f, %.7f): " % (b["x"], b["y"]) in r.stdout
    r = cpted("coverage", plaza, "--quiet")
    assert "  line perimeter:1 at (500150.000, 5800120.000): " in r.stdout


def test_osm_hint_for_assets(cpted, samples_dir):
    r = cpted("standoff", samples_dir / "osm" / "helsinki_centre_osm_2019.osm.pbf",
              "--lenient", "--quiet", timeout=300)
    assert r.returncode == 3
    assert r.stderr.splitlines()[1] == (
        "hint: pick the protected buildings with --asset-name TEXT, --asset-id way/123 or "
        "--assets-where SQL (an OGR filter, e.g. \"amenity='townhall'\"), or tag them "
        "asset=yes; --role multipolygons=asset would make every OSM area an asset")


def test_coverage_without_lines_is_not_assessed(cpted, tmp_path):
    """No line of protection: the table says nothing was assessed, not "breaches: 0"."""
    path = write_geojson(tmp_path / "road.geojson", [{
        "type": "Feature", "properties": {"role": "road", "width": 7},
        "geometry": {"type": "LineString", "coordinates": [[500000, 5800000],
                                                           [500100, 5800000]]}}])
    r = cpted("coverage", path)
    assert r.returncode == 0, r.stderr
    reason = ("no line of protection: the site has no perimeter line, barrier line or row "
              "of barrier points, so no gap or breach was looked for")
    assert r.stderr == (
        "cpted coverage: NOT ASSESSED: " + reason + "\n"
        "cpted coverage: note: no line of protection: give it as a line layer named "
        "'perimeter' (or --role LAYER=perimeter); barrier points (OpenStreetMap "
        "barrier=bollard nodes) less than --chain m apart also form rows\n")
    # loud even with --quiet: a result that did not run is never read as "no breaches"
    assert cpted("coverage", path, "--quiet").stderr == "cpted coverage: NOT ASSESSED: " + reason + "\n"
    assert r.stdout == (
        "max clear gap 1.200 m, snap 1.000 m; 0 line(s)\n\n"
        "breaches: not assessed (" + reason + ")\n")
    assert cpted("coverage", path, "--fail-on-findings", "--quiet").returncode == 1


def test_info_extent_in_the_output_crs(cpted, samples_dir):
    """info's table gives the extent in the output CRS as its JSON does (and the working
    extent, labelled)."""
    osm = samples_dir / "osm" / "helsinki_centre_osm_2019.osm.pbf"
    doc = json.loads(cpted("info", osm, "--lenient", "--quiet", "--json", "-").stdout)
    table = cpted("info", osm, "--lenient", "--quiet").stdout
    assert ("extent (output CRS):  %s\n" % " ".join("%.7f" % v for v in doc["extent"])) in table
    assert table.startswith("working CRS: EPSG:32635\noutput CRS:  EPSG:4326\n"
                            "extent (working CRS): ")


def test_info_table_aligns_utf8_sources_and_layers(cpted, tmp_path):
    feats = [{"type": "Feature", "properties": {"role": "road", "width": 7},
              "geometry": {"type": "LineString",
                           "coordinates": [[500000, 5800000], [500100, 5800000]]}}]
    deep = tmp_path / ("ä" * 30)
    deep.mkdir()
    paths = [write_geojson(tmp_path / "東京_köln.geojson", feats),
             write_geojson(deep / "straße.geojson", feats)]
    r = cpted("info", *paths, "--role", "東京_köln=road", "--role", "straße=road")
    assert r.returncode == 0, r.stderr

    def width(s):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    lines = r.stdout.splitlines()
    header = [l for l in lines if l.startswith("source ")][0]
    rows = [l for l in lines if " road " in l]
    assert len(rows) == 2
    role_col = width(header[: header.index("role")])
    for row in rows:
        assert width(row[: row.index(" road ") + 1]) == role_col, row
    # the long path keeps its end, cut at a character: "..." + 37 columns
    assert rows[1].startswith("..." + ("ä" * 22) + "/straße.geojson straße "), rows[1]


def test_double_dash_ends_the_options(cpted, tmp_path):
    feats = [{"type": "Feature", "properties": {"role": "road", "width": 7},
              "geometry": {"type": "LineString",
                           "coordinates": [[500000, 5800000], [500100, 5800000]]}}]
    write_geojson(tmp_path / "-x.geojson", feats)
    r = cpted("info", "-x.geojson", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.startswith("cpted info: unknown option -x.geojson\n")
    r = cpted("info", "--quiet", "--", "-x.geojson", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "-x.geojson" in r.stdout


def test_named_format_without_extension_checks_its_files(cpted, plaza, tmp_path):
    """-f GeoJSON with OUT lacking an extension writes OUT_<layer>.geojson (docs/outputs.md):
    those are the files checked before any work, and the files written."""
    (tmp_path / "out_breaches.geojson").write_text("old")
    r = cpted("coverage", plaza, "-o", tmp_path / "out", "-f", "geojson")
    assert r.returncode == 2
    assert r.stderr == "cpted coverage: '%s' exists; use --overwrite to replace it\n" % (
        tmp_path / "out_breaches.geojson")
    r = cpted("coverage", plaza, "-o", tmp_path / "out", "-f", "geojson", "--overwrite",
              "--quiet")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == ["out_breaches.geojson", "out_gaps.geojson",
                                            "out_perimeter_lines.geojson"]
    assert (tmp_path / "out_breaches.geojson").read_text() != "old"


def test_json_to_a_fifo_is_written_in_place(cpted, plaza, tmp_path):
    """--json naming a FIFO (or a device such as /dev/null) is written into,
    not replaced by a renamed temporary file: once a run left a plain file
    where /dev/null was. It needs no --overwrite."""
    import threading
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    received = {}

    def drain():
        with open(fifo, "rb") as f:
            received["text"] = f.read().decode()

    reader = threading.Thread(target=drain)
    reader.start()
    r = cpted("coverage", plaza, "--json", str(fifo))
    reader.join(timeout=60)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(received["text"])["schema"] == "cpted/coverage/1"
    assert not [p for p in tmp_path.iterdir() if p.name != "pipe.json"]
