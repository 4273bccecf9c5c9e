"""Sites, vehicles, free spaces and the results of the analyses."""
import json
import math

from . import _geom
from ._context import Context, check_noctx, context
from ._loader import ffi, lib
from ._records import Record, make_options, new_record, read_record, split_kwargs
from .errors import error_for

CRAWL_SPEED_MPS = 5.0 / 3.6  # CPTED_CRAWL_SPEED_MPS (a macro: not in the cdef)


def _s(p):
    return None if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")


def _take_string(ctx, fn, *args):
    out = ffi.new("char **")
    ctx.check(fn(out, *args))
    try:
        return ffi.string(out[0]).decode("utf-8")
    finally:
        lib.cpted_free(out[0])


def _take_wkb(ctx, fn, *args):
    out = ffi.new("unsigned char **")
    size = ffi.new("size_t *")
    ctx.check(fn(out, size, *args))
    try:
        return bytes(ffi.buffer(out[0], size[0]))
    finally:
        lib.cpted_free(out[0])


def _nan_to_none(v):
    return None if isinstance(v, float) and math.isnan(v) else v


# -- enums and names --------------------------------------------------------
ROLES = {lib.cpted_role_name(i) and _s(lib.cpted_role_name(i)): i
         for i in range(lib.CPTED_ROLE_NONE, lib.CPTED_ROLE_BOUNDARY + 1)}
SPACES = {"ground": lib.CPTED_SPACE_GROUND, "blocked": lib.CPTED_SPACE_BLOCKED,
          "free": lib.CPTED_SPACE_FREE, "reachable": lib.CPTED_SPACE_REACHABLE,
          "accessible": lib.CPTED_SPACE_ACCESSIBLE, "entries": lib.CPTED_SPACE_ENTRIES,
          "boundary": lib.CPTED_SPACE_BOUNDARY}
PARTS = {"coverage": lib.CPTED_ANALYSIS_COVERAGE, "standoff": lib.CPTED_ANALYSIS_STANDOFF,
         "vda": lib.CPTED_ANALYSIS_VDA}


def role_name(role):
    """Name of a role number ("asset", ...; "none" for unknown numbers)."""
    return _s(lib.cpted_role_name(int(role)))


def role_from_name(name):
    """Role number of a name or synonym ("bollards" -> cpted.ROLE_BARRIER)."""
    out = ffi.new("int32_t *")
    check_noctx(lib.cpted_role_from_name(out, name.encode("utf-8")), "role %r" % name)
    return out[0]


def _role(role):
    return role_from_name(role) if isinstance(role, str) else int(role)


def status_string(status):
    return _s(lib.cpted_status_string(int(status)))


def breach_kind_name(kind):
    return _s(lib.cpted_breach_kind_name(int(kind)))


def finding_kind_name(kind):
    return _s(lib.cpted_finding_kind_name(int(kind)))


def severity_name(severity):
    return _s(lib.cpted_severity_name(int(severity)))


def rating_standard_name(standard):
    return _s(lib.cpted_rating_standard_name(int(standard)))


def version():
    """Runtime library version "MAJOR.MINOR.PATCH"."""
    return _s(lib.cpted_version_string())


def version_number():
    return int(lib.cpted_version_number())


class OptionRange(Record):
    """Plausible range of an analysis option (cpted_option_range)."""


def option_range(name):
    """The range of an option field: OptionRange(min, max, min_inclusive, max_inclusive, unit)."""
    lo, hi = ffi.new("double *"), ffi.new("double *")
    loi, hii = ffi.new("int32_t *"), ffi.new("int32_t *")
    unit = ffi.new("const char **")
    check_noctx(lib.cpted_option_range(name.encode("utf-8"), lo, hi, loi, hii, unit),
                "option %r" % name)
    return OptionRange(name=name, min=lo[0], max=hi[0], min_inclusive=bool(loi[0]),
                       max_inclusive=bool(hii[0]), unit=_s(unit[0]))


# -- blast ------------------------------------------------------------------
class BlastLoad(Record):
    """Kingery-Bulmash parameters at one point (cpted_blast); NaN outside a fit."""
    _ctype = "cpted_blast"


def blast_z_range():
    """(z_min, z_max): validity range of the incident-overpressure fit, m/kg^(1/3)."""
    return lib.cpted_blast_z_min(), lib.cpted_blast_z_max()


def scaled_distance(range_m, charge_kg):
    out = ffi.new("double *")
    check_noctx(lib.cpted_blast_scaled_distance(out, float(range_m), float(charge_kg)),
                "scaled distance of %r m, %r kg" % (range_m, charge_kg))
    return out[0]


def surface_burst(charge_kg, range_m):
    """Blast load of a hemispherical surface burst. Outside the incident fit
    (RangeError) nothing is extrapolated."""
    rec = new_record("cpted_blast")
    rc = lib.cpted_blast_surface_burst(rec, float(charge_kg), float(range_m))
    if rc != lib.CPTED_OK:
        raise error_for(rc, "surface burst of %r kg at %r m: %s (scaled distance %.4g m/kg^(1/3),"
                        " fit %.4g..%.4g)" % (charge_kg, range_m, status_string(rc),
                                              rec.scaled_distance, *blast_z_range()))
    return BlastLoad._from_c(rec)


def standoff_for(charge_kg, allowable_kpa):
    """Smallest standoff in m at which the incident overpressure falls to allowable_kpa."""
    out = ffi.new("double *")
    check_noctx(lib.cpted_blast_standoff_for(out, float(charge_kg), float(allowable_kpa)),
                "standoff for %r kg at %r kPa" % (charge_kg, allowable_kpa))
    return out[0]


# -- ratings ----------------------------------------------------------------
class Rating(Record):
    """A parsed barrier rating (cpted_rating); absent numbers NaN, absent text ""."""
    _ctype = "cpted_rating"

    @property
    def standard_name(self):
        return rating_standard_name(self.standard)


def parse_rating(text, ctx=None):
    """Parses "V/7500[N2]/48/90:3.5/10.0", "M50/P1", "K12/L3" ... (FormatError when malformed)."""
    ctx = ctx or context()
    rec = new_record("cpted_rating")
    ctx.check(lib.cpted_rating_parse(rec, ctx._ptr, str(text).encode("utf-8")))
    return Rating._from_c(rec, text=str(text))


# -- vehicles ---------------------------------------------------------------
class Vehicle(Record):
    """A design vehicle (cpted_vehicle). Vehicle.preset("N3C") or
    Vehicle(class_code=..., mass_kg=..., ...) with every field; .replace(**fields)."""
    _ctype = "cpted_vehicle"

    FIELDS = ("class_code", "mass_kg", "width_m", "length_m", "a0_mps2", "vmax_mps",
              "lateral_friction", "braking_mps2", "min_turn_radius_m")

    def __init__(self, **fields):
        missing = [f for f in self.FIELDS if f not in fields]
        unknown = [f for f in fields if f not in self.FIELDS]
        if missing or unknown:
            raise TypeError("Vehicle needs exactly the fields %s (missing %s, unknown %s); "
                            "start from Vehicle.preset(code).replace(...)"
                            % (", ".join(self.FIELDS), missing, unknown))
        super().__init__(**fields)

    @classmethod
    def preset(cls, class_code):
        rec = new_record("cpted_vehicle")
        rc = lib.cpted_vehicle_preset(rec, ffi.sizeof("cpted_vehicle"),
                                      str(class_code).encode("utf-8"))
        if rc != lib.CPTED_OK:
            raise error_for(rc, "vehicle preset %r: %s (presets: %s)" % (
                class_code, status_string(rc), ", ".join(c for c, _ in presets())))
        return cls._from_c(rec)

    def replace(self, **fields):
        d = self.as_dict()
        d.update(fields)
        return Vehicle(**d)

    def _c(self):
        rec = new_record("cpted_vehicle")
        code = self.class_code.encode("utf-8")
        if len(code) >= 16:
            raise ValueError("class_code %r is longer than 15 bytes" % self.class_code)
        rec.class_code = code
        for f in self.FIELDS[1:]:
            setattr(rec, f, float(getattr(self, f)))
        return rec

    def validate(self, ctx=None):
        """Raises InvalidArgumentError naming the field when a value is implausible."""
        ctx = ctx or context()
        ctx.check(lib.cpted_vehicle_validate(ctx._ptr, self._c()))
        return self

    def distance_to_speed(self, v_mps, v0_mps=0.0):
        out = ffi.new("double *")
        check_noctx(lib.cpted_vehicle_distance_to_speed(out, self._c(), float(v0_mps),
                                                        float(v_mps)),
                    "distance from %r to %r m/s" % (v0_mps, v_mps))
        return out[0]

    def speed_after(self, distance_m, v0_mps=0.0):
        out = ffi.new("double *")
        check_noctx(lib.cpted_vehicle_speed_after(out, self._c(), float(v0_mps),
                                                  float(distance_m)),
                    "speed after %r m" % distance_m)
        return out[0]

    def corner_speed(self, radius_m):
        out = ffi.new("double *")
        check_noctx(lib.cpted_vehicle_corner_speed(out, self._c(), float(radius_m)),
                    "corner speed at %r m" % radius_m)
        return out[0]

    def kinetic_energy(self, speed_mps):
        return kinetic_energy(self.mass_kg, speed_mps)


def presets():
    """[(class_code, description)] of every preset."""
    return [(_s(lib.cpted_vehicle_preset_code(i)), _s(lib.cpted_vehicle_preset_description(i)))
            for i in range(lib.cpted_vehicle_preset_count())]


def kinetic_energy(mass_kg, speed_mps):
    """½ m v² in joules."""
    out = ffi.new("double *")
    check_noctx(lib.cpted_kinetic_energy(out, float(mass_kg), float(speed_mps)),
                "kinetic energy of %r kg at %r m/s" % (mass_kg, speed_mps))
    return out[0]


def _vehicle(v):
    if v is None:
        return Vehicle.preset("M1")
    if isinstance(v, str):
        return Vehicle.preset(v)
    return v


# -- sites --------------------------------------------------------------------
class Layer(Record):
    """One layer group of a site: source, name, role (name), features, repaired, skipped."""


class Feature:
    """A feature of a site; ``geometry`` is in the site's WORKING CRS."""

    NUMBERS = ("diameter", "thickness", "width", "lanes", "required_standoff_m",
               "unverified_row", "operable", "passages", "gates")
    TEXTS = ("name", "rating", "kind", "osm_id", "address", "amenity")

    def __init__(self, site, index):
        self._site = site
        self.index = index
        self.id = _s(lib.cpted_site_feature_id(site._ptr, index))
        self.role_code = int(lib.cpted_site_feature_role(site._ptr, index))
        self.role = role_name(self.role_code)

    @property
    def wkb(self):
        return _take_wkb(self._site._ctx, lib.cpted_site_get_feature_wkb, self._site._ptr,
                         self.index)

    @property
    def geometry(self):
        return _geom.from_wkb(self.wkb)

    @property
    def layer(self):
        return self.id.rsplit(":", 1)[0]

    def number(self, key):
        """A numeric attribute, or None when absent."""
        out = ffi.new("double *")
        rc = lib.cpted_site_get_feature_number(out, self._site._ptr, self.index,
                                               key.encode("utf-8"))
        if rc == lib.CPTED_E_NOTFOUND:
            return None
        self._site._ctx.check(rc)
        return out[0]

    def text(self, key):
        """A text attribute, or None when absent."""
        return _s(lib.cpted_site_feature_text(self._site._ptr, self.index, key.encode("utf-8")))

    def attributes(self):
        d = {}
        for k in self.TEXTS:
            v = self.text(k)
            if v is not None:
                d[k] = v
        for k in self.NUMBERS:
            v = self.number(k)
            if v is not None:
                d[k] = v
        return d

    def __repr__(self):
        return "Feature(%r, role=%r)" % (self.id, self.role)


class Site:
    """A site plan in one metric working CRS (cpted_site).

    Coordinates of features, free spaces and records are in the WORKING CRS
    (``site.crs``); JSON documents and written layers use the OUTPUT CRS
    (``site.output_crs``); ``site.to_output(x, y)`` converts a point.
    """

    def __init__(self, ptr, ctx):
        self._ctx = ctx
        self._ptr = ffi.gc(ptr, lib.cpted_site_free)
        if lib.cpted_site_context(self._ptr) != ctx._ptr:  # pragma: no cover
            raise AssertionError("site created on another context")

    @classmethod
    def open(cls, paths, *, ctx=None, progress=None, **options):
        """Opens one or more GDAL sources. Options (cpted_site_options): crs
        (working CRS), assume_crs, output_crs, roles ({layer: role} or
        ["LAYER=ROLE"]), lenient, boundary_margin_m, lane_width_m, boundary
        ("minx,miny,maxx,maxy", a 4-tuple in the output CRS, or a path),
        allow_distortion, source_crs ({source: crs} or ["SOURCE=CRS"]),
        gates_closed, assets_where (OGR SQL), asset_ids, asset_names."""
        ctx = ctx or context()
        if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
            paths = [paths]
        paths = [p.decode() if isinstance(p, bytes) else str(p) for p in paths]
        if isinstance(options.get("roles"), dict):
            options["roles"] = ["%s=%s" % (k, role_name(v) if isinstance(v, int) else v)
                                for k, v in options["roles"].items()]
        if isinstance(options.get("source_crs"), dict):
            options["source_crs"] = ["%s=%s" % kv for kv in options["source_crs"].items()]
        if isinstance(options.get("boundary"), (tuple, list)):
            options["boundary"] = ",".join(repr(float(v)) for v in options["boundary"])
        for key in ("asset_ids", "asset_names"):
            if isinstance(options.get(key), str):
                options[key] = [options[key]]
        keep = []
        opts = make_options("cpted_site_options", options, keep)
        cpaths = [ffi.new("char[]", p.encode("utf-8")) for p in paths]
        arr = ffi.new("char *[]", cpaths)
        out = ffi.new("cpted_site **")
        with _progress(ctx, progress):
            ctx.check(lib.cpted_site_open(out, ctx._ptr, arr, len(paths), opts))
        return cls(out[0], ctx)

    @classmethod
    def new(cls, crs=None, *, ctx=None):
        """An empty site to fill with add() (coordinates in ``crs``, metric)."""
        ctx = ctx or context()
        out = ffi.new("cpted_site **")
        ctx.check(lib.cpted_site_new(out, ctx._ptr,
                                     ffi.NULL if crs is None else str(crs).encode("utf-8")))
        return cls(out[0], ctx)

    @classmethod
    def from_geometries(cls, features, crs=None, *, layer=None, role_column="role",
                        layer_column="layer", ctx=None):
        """A site from memory. ``features`` is a GeoDataFrame with a role column
        (other columns are attributes, a ``layer`` column names the layer), or an
        iterable of dicts {"geometry", "role", ["layer"], attributes...} or of
        tuples (geometry, role[, attributes]). Geometries are shapely objects or
        WKB, in ``crs`` (default: the GeoDataFrame's CRS)."""
        rows = []
        if hasattr(features, "geometry") and hasattr(features, "iterrows"):  # a GeoDataFrame
            if crs is None and getattr(features, "crs", None) is not None:
                crs = features.crs.to_string()
            if role_column not in features.columns:
                raise ValueError("the GeoDataFrame has no %r column" % role_column)
            geom_col = features.geometry.name
            for _, r in features.iterrows():
                d = {k: v for k, v in r.items() if k != geom_col}
                d["geometry"] = r[geom_col]
                rows.append(d)
        else:
            for f in features:
                if isinstance(f, dict):
                    rows.append(dict(f))
                else:
                    geom, role, *rest = f
                    d = dict(rest[0]) if rest else {}
                    d.update(geometry=geom, role=role)
                    rows.append(d)
        site = cls.new(crs, ctx=ctx)
        for d in rows:
            geom = d.pop("geometry")
            role = d.pop(role_column if role_column in d else "role")
            lay = d.pop(layer_column, None)
            d.pop("id", None)
            site.add(geom, role, layer=lay if _present(lay) else layer, **d)
        return site

    def add(self, geometry, role, layer=None, **attributes):
        """Adds a feature (shapely geometry or WKB, working CRS); returns its fid.
        Attributes other than name, diameter, thickness, width, lanes, rating and
        required_standoff_m are ignored by the library; None/NaN means absent."""
        wkb = _geom.to_wkb(geometry)
        items = [(str(k), _attr_text(v)) for k, v in attributes.items()]
        keys = [ffi.new("char[]", k.encode("utf-8")) for k, _ in items]
        vals = [ffi.NULL if v is None else ffi.new("char[]", v.encode("utf-8")) for _, v in items]
        fid = ffi.new("int64_t *")
        buf = ffi.from_buffer(wkb)
        self._ctx.check(lib.cpted_site_add_wkb(
            fid, self._ptr, ffi.NULL if layer is None else str(layer).encode("utf-8"),
            _role(role), buf, len(wkb), ffi.new("char *[]", keys) if keys else ffi.NULL,
            ffi.new("char *[]", vals) if vals else ffi.NULL, len(items)))
        return int(fid[0])

    # -- reading ---------------------------------------------------------
    @property
    def context(self):
        return self._ctx

    @property
    def crs(self):
        """The working CRS (metric): coordinates of features and records."""
        return _s(lib.cpted_site_crs(self._ptr))

    @property
    def output_crs(self):
        """The output CRS: coordinates of JSON documents and written layers."""
        return _s(lib.cpted_site_output_crs(self._ptr))

    def to_output(self, x, y):
        """A point of the working CRS in the output CRS."""
        xo, yo = ffi.new("double *"), ffi.new("double *")
        self._ctx.check(lib.cpted_site_to_output(xo, yo, self._ptr, float(x), float(y)))
        return xo[0], yo[0]

    @property
    def extent(self):
        """(minx, miny, maxx, maxy) of all features, working CRS."""
        out = ffi.new("double[4]")
        self._ctx.check(lib.cpted_site_get_extent(out, self._ptr))
        return tuple(out)

    @property
    def layers(self):
        out = []
        f, r, s = ffi.new("int64_t *"), ffi.new("int64_t *"), ffi.new("int64_t *")
        for i in range(lib.cpted_site_layer_count(self._ptr)):
            self._ctx.check(lib.cpted_site_get_layer_counts(f, r, s, self._ptr, i))
            out.append(Layer(source=_s(lib.cpted_site_layer_source(self._ptr, i)),
                             name=_s(lib.cpted_site_layer_name(self._ptr, i)),
                             role=role_name(lib.cpted_site_layer_role(self._ptr, i)),
                             features=f[0], repaired=r[0], skipped=s[0]))
        return out

    @property
    def warnings(self):
        return [_s(lib.cpted_site_warning(self._ptr, i))
                for i in range(lib.cpted_site_warning_count(self._ptr))]

    def __len__(self):
        return int(lib.cpted_site_feature_count(self._ptr))

    @property
    def features(self):
        return [Feature(self, i) for i in range(len(self))]

    def to_json(self):
        """The `cpted/info/1` document (output CRS)."""
        return _take_string(self._ctx, lib.cpted_site_info_json, self._ptr)

    def info(self):
        return json.loads(self.to_json())

    def to_geodataframe(self):
        """Every feature with id, layer, role and its attributes (working CRS)."""
        gpd = _geom.require_geopandas()
        rows = []
        for f in self.features:
            d = {"id": f.id, "layer": f.layer, "role": f.role}
            for k in ("name", "rating"):
                d[k] = f.text(k)
            for k in ("diameter", "thickness", "width", "lanes", "required_standoff_m"):
                d[k] = f.number(k)
            d["geometry"] = f.geometry
            rows.append(d)
        return gpd.GeoDataFrame(rows, geometry="geometry", crs=self.crs or None)

    # -- analyses ----------------------------------------------------------
    def freespace(self, vehicle=None, **options):
        return FreeSpace(self, vehicle, **options)

    def coverage(self, vehicle=None, *, progress=None, **options):
        """Coverage of the lines of protection; options of the free space and
        of cpted_coverage_options."""
        fs_opts, opts = split_kwargs(options, "cpted_freespace_options", "cpted_coverage_options")
        return FreeSpace(self, vehicle, progress=progress, **fs_opts).coverage(progress=progress,
                                                                               **opts)

    def standoff(self, vehicle=None, *, progress=None, **options):
        fs_opts, opts = split_kwargs(options, "cpted_freespace_options", "cpted_standoff_options")
        return FreeSpace(self, vehicle, progress=progress, **fs_opts).standoff(progress=progress,
                                                                               **opts)

    def vda(self, vehicle=None, *, progress=None, **options):
        fs_opts, opts = split_kwargs(options, "cpted_freespace_options", "cpted_vda_options")
        return FreeSpace(self, vehicle, progress=progress, **fs_opts).vda(progress=progress,
                                                                          **opts)

    def batch(self, vehicle=None, *, progress=None, **options):
        """The district screening (FreeSpace.batch) on a free space of its own."""
        fs_opts, opts = split_kwargs(options, "cpted_freespace_options", "cpted_batch_options")
        return FreeSpace(self, vehicle, progress=progress, **fs_opts).batch(progress=progress,
                                                                            **opts)

    def analyze(self, vehicle=None, *, progress=None, coverage=None, standoff=None, vda=None,
                parts=None, **fs_options):
        """Coverage, standoff and VDA over one free space (cpted_analysis_run);
        ``coverage``/``standoff``/``vda`` are dicts of each part's options,
        ``parts`` names the parts to run (default all)."""
        fs = FreeSpace(self, vehicle, progress=progress, **fs_options)
        return fs.analyze(coverage=coverage, standoff=standoff, vda=vda, parts=parts,
                          progress=progress)

    def _repr_html_(self):
        rows = [(l.source, l.name, l.role, l.features, l.repaired, l.skipped) for l in self.layers]
        table = _geom.html_table(["source", "layer", "role", "features", "repaired", "skipped"],
                                 rows)
        return ("<div><b>cpted site</b> (%d features, working CRS %s)%s%s</div>"
                % (len(self), self.crs or "local", table, _geom.svg_map(_site_layers(self))))


def _present(v):
    if v is None:
        return False
    if isinstance(v, float) and math.isnan(v):
        return False
    return True


def _attr_text(v):
    if not _present(v):
        return None
    if isinstance(v, float) and v == int(v) and abs(v) < 1e15:
        return repr(v)
    return str(v)


_ROLE_STYLE = {"asset": ("#b00", "#f4b4b4"), "building": ("#666", "#ccc"),
               "barrier": ("#000", "#000"), "obstacle": ("#555", "#999"),
               "perimeter": ("#06c", "none"), "road": ("#aaa", "none")}


def _site_layers(site):
    out = []
    for f in site.features:
        if f.role in _ROLE_STYLE:
            stroke, fill = _ROLE_STYLE[f.role]
            out.append((f.wkb, stroke, fill, f.id))
    return out


class _progress:
    """Installs a progress callable for the duration of one call."""

    def __init__(self, ctx, fn):
        self.ctx, self.fn, self.old = ctx, fn, None

    def __enter__(self):
        if self.fn is not None:
            self.old = self.ctx._progress
            self.ctx.set_progress(self.fn)

    def __exit__(self, *exc):
        if self.fn is not None:
            self.ctx.set_progress(self.old)


# -- free space -------------------------------------------------------------
class FreeSpace:
    """Free space F, reachable R and accessible A of one vehicle on one site
    (cpted_freespace). Geometries in the WORKING CRS. Options: soft_blocking,
    bollard_diameter_m, wall_thickness_m, quadrant_segments, drivable
    ("everything" or "roads")."""

    def __init__(self, site, vehicle=None, *, progress=None, **options):
        self._site = site
        self._ctx = site._ctx
        keep = []
        opts = make_options("cpted_freespace_options", options, keep)
        out = ffi.new("cpted_freespace **")
        with _progress(self._ctx, progress):
            self._ctx.check(lib.cpted_freespace_new(out, site._ptr, _vehicle(vehicle)._c(), opts))
        self._ptr = ffi.gc(out[0], lib.cpted_freespace_free)

    @property
    def site(self):
        if lib.cpted_freespace_site(self._ptr) != self._site._ptr:  # pragma: no cover
            raise AssertionError("free space of another site")
        return self._site

    @property
    def vehicle(self):
        rec = new_record("cpted_vehicle")
        self._ctx.check(lib.cpted_freespace_get_vehicle(rec, self._ptr))
        return Vehicle._from_c(rec)

    @property
    def not_assessed(self):
        """None when vehicles can enter; else why nothing can be assessed."""
        return _s(lib.cpted_freespace_not_assessed(self._ptr))

    @property
    def warnings(self):
        return [_s(lib.cpted_freespace_warning(self._ptr, i))
                for i in range(lib.cpted_freespace_warning_count(self._ptr))]

    def wkb(self, space):
        return _take_wkb(self._ctx, lib.cpted_freespace_get_wkb, self._ptr, _space(space))

    def geometry(self, space):
        """One set ("ground", "blocked", "free", "reachable", "accessible",
        "entries", "boundary") as a shapely geometry (WKB without shapely)."""
        return _geom.from_wkb(self.wkb(space))

    def area(self, space):
        out = ffi.new("double *")
        self._ctx.check(lib.cpted_freespace_get_area(out, self._ptr, _space(space)))
        return out[0]

    ground = property(lambda self: self.geometry("ground"))
    blocked = property(lambda self: self.geometry("blocked"))
    free = property(lambda self: self.geometry("free"))
    reachable = property(lambda self: self.geometry("reachable"))
    accessible = property(lambda self: self.geometry("accessible"))
    entries = property(lambda self: self.geometry("entries"))
    boundary = property(lambda self: self.geometry("boundary"))

    def coverage(self, *, progress=None, **options):
        keep = []
        opts = make_options("cpted_coverage_options", options, keep)
        out = ffi.new("cpted_coverage **")
        with _progress(self._ctx, progress):
            self._ctx.check(lib.cpted_coverage_run(out, self._ptr, opts))
        return Coverage(out[0], self)

    def standoff(self, *, progress=None, **options):
        keep = []
        opts = make_options("cpted_standoff_options", options, keep)
        out = ffi.new("cpted_standoff **")
        with _progress(self._ctx, progress):
            self._ctx.check(lib.cpted_standoff_run(out, self._ptr, opts))
        return Standoff(out[0], self)

    def vda(self, *, progress=None, **options):
        keep = []
        opts = make_options("cpted_vda_options", options, keep)
        out = ffi.new("cpted_vda **")
        with _progress(self._ctx, progress):
            self._ctx.check(lib.cpted_vda_run(out, self._ptr, opts))
        return Vda(out[0], self)

    def analyze(self, *, coverage=None, standoff=None, vda=None, parts=None, progress=None):
        keep = []
        opts = make_options("cpted_analysis_options",
                            {"coverage": coverage, "standoff": standoff, "vda": vda,
                             "parts": parts}, keep)
        out = ffi.new("cpted_analysis **")
        with _progress(self._ctx, progress):
            self._ctx.check(lib.cpted_analysis_run(out, self._ptr, opts))
        return Analysis(out[0], self)

    def batch(self, *, progress=None, **options):
        """Every building (or the site's assets) screened at once
        (cpted_batch_run, docs/method-batch.md): ``assets`` ("buildings" or
        "site"), ``approach``, ``vda`` (a dict of VDA options), ``tile_m``,
        ``threads``, ``top_count``."""
        keep = []
        opts = make_options("cpted_batch_options", options, keep)
        out = ffi.new("cpted_batch **")
        with _progress(self._ctx, progress):
            self._ctx.check(lib.cpted_batch_run(out, self._ptr, opts))
        return Batch(out[0], self)

    def batch_plan(self, **options):
        """The assets and tiles of a screening (cpted_batch_plan_new), for
        running the tiles elsewhere and merging them: BatchPlan."""
        keep = []
        opts = make_options("cpted_batch_options", options, keep)
        out = ffi.new("cpted_batch_plan **")
        self._ctx.check(lib.cpted_batch_plan_new(out, self._ptr, opts))
        return BatchPlan(out[0], self)

    def to_geodataframe(self):
        gpd = _geom.require_geopandas()
        rows = [{"space": name, "area_m2": self.area(name), "geometry": self.geometry(name)}
                for name in SPACES]
        return gpd.GeoDataFrame(rows, geometry="geometry", crs=self._site.crs or None)

    def _repr_html_(self):
        rows = [(name, self.area(name)) for name in SPACES]
        v = self.vehicle
        head = "<b>cpted free space</b> for %s (%s)" % (v.class_code,
                                                       self.not_assessed or "assessed")
        return "<div>%s%s%s</div>" % (head, _geom.html_table(["space", "area m²"], rows),
                                      _geom.svg_map(self._map_layers()))

    def _map_layers(self):
        return ([(self.wkb("accessible"), "#7a7", "#cfc", "accessible area")]
                + _site_layers(self._site))


def _space(space):
    if isinstance(space, str):
        try:
            return SPACES[space]
        except KeyError:
            raise ValueError("space %r is not one of %s" % (space, ", ".join(SPACES))) from None
    return int(space)


# -- results ----------------------------------------------------------------
class _Result:
    """Common part of Coverage, Standoff, Vda and Analysis. Records hold
    WORKING-CRS coordinates; to_json() and write() use the OUTPUT CRS."""

    _kind = None

    def __init__(self, ptr, freespace, owner=None):
        self._fs = freespace
        self._ctx = freespace._ctx
        self._owner = owner  # an Analysis for a borrowed part
        if owner is None:
            self._ptr = ffi.gc(ptr, getattr(lib, self._FUNCS["free"]))
        else:
            self._ptr = ptr  # borrowed: lives as long as the owner, which we keep

    @property
    def freespace(self):
        return self._fs

    @property
    def site(self):
        return self._fs._site

    def _fn(self, name):
        return getattr(lib, self._FUNCS[name])

    def to_json(self):
        """The result's JSON document (coordinates in the output CRS)."""
        return _take_string(self._ctx, self._fn("to_json"), self._ptr)

    def to_dict(self):
        return json.loads(self.to_json())

    def write(self, path, format=None, overwrite=False):
        """Writes the result's GIS layers (GPKG, GeoJSON, FlatGeobuf ...) in the output CRS."""
        self._ctx.check(self._fn("write")(self._ptr, str(path).encode("utf-8"),
                                          ffi.NULL if format is None else format.encode("utf-8"),
                                          1 if overwrite else 0))

    @property
    def warnings(self):
        n = self._fn("warning_count")(self._ptr)
        return [_s(self._fn("warning")(self._ptr, i)) for i in range(n)]

    @property
    def finding_count(self):
        return int(self._fn("finding_count")(self._ptr))


class CoverageLine(Record):
    _ctype = "cpted_coverage_line"


class CoverageGap(Record):
    _ctype = "cpted_coverage_gap"


class CoverageBreach(Record):
    _ctype = "cpted_coverage_breach"

    @property
    def kind_name(self):
        return breach_kind_name(self.kind)


class Coverage(_Result):
    """Coverage of the lines of protection (cpted_coverage)."""
    _kind = "coverage"
    _FUNCS = {
        "free": "cpted_coverage_free",
        "to_json": "cpted_coverage_to_json",
        "write": "cpted_coverage_write",
        "warning_count": "cpted_coverage_warning_count",
        "warning": "cpted_coverage_warning",
        "finding_count": "cpted_coverage_finding_count",
    }

    def __init__(self, ptr, freespace, owner=None):
        super().__init__(ptr, freespace, owner)
        if lib.cpted_coverage_freespace(self._ptr) != freespace._ptr or \
                lib.cpted_coverage_site(self._ptr) != freespace._site._ptr:  # pragma: no cover
            raise AssertionError("coverage of another free space")

    @property
    def not_assessed(self):
        return _s(lib.cpted_coverage_not_assessed(self._ptr))

    @property
    def lines(self):
        """Every analysed line with its ``gaps`` (list of CoverageGap)."""
        out = []
        rec = new_record("cpted_coverage_line")
        gap = new_record("cpted_coverage_gap")
        for i in range(lib.cpted_coverage_line_count(self._ptr)):
            self._ctx.check(lib.cpted_coverage_get_line(rec, self._ptr, i))
            gaps = []
            for g in range(rec.gap_count):
                self._ctx.check(lib.cpted_coverage_get_gap(gap, self._ptr, i, g))
                gaps.append(CoverageGap._from_c(gap, line_id=_s(rec.id)))
            out.append(CoverageLine._from_c(rec, gaps=gaps))
        return out

    @property
    def gaps(self):
        return [g for line in self.lines for g in line.gaps]

    @property
    def breaches(self):
        rec = new_record("cpted_coverage_breach")
        out = []
        for i in range(lib.cpted_coverage_breach_count(self._ptr)):
            self._ctx.check(lib.cpted_coverage_get_breach(rec, self._ptr, i))
            out.append(CoverageBreach._from_c(rec))
        return out

    def to_geodataframe(self, layer="gaps"):
        """layer "gaps" (points at the gap middles), "breaches" (points) or
        "lines" (the line summaries, geometry from the site where the line is a
        feature); working CRS."""
        gpd = _geom.require_geopandas()
        if layer == "gaps":
            rows = [dict(g.as_dict(), geometry=_geom.point(g.x, g.y)) for g in self.gaps]
        elif layer == "breaches":
            rows = [dict(b.as_dict(), kind_name=b.kind_name, geometry=_geom.point(b.x, b.y))
                    for b in self.breaches]
        elif layer == "lines":
            geoms = {f.id: f.geometry for f in self.site.features if f.role == "perimeter"}
            rows = []
            for line in self.lines:
                d = line.as_dict()
                d.pop("gaps")
                d["geometry"] = geoms.get(line.id)
                rows.append(d)
        else:
            raise ValueError("layer must be gaps, breaches or lines")
        return _gdf(gpd, rows, self.site.crs)

    def _repr_html_(self):
        rows = [(l.id, l.length_m, l.covered_m, l.gap_count, l.noncompliant_count, l.open_ends,
                 l.weakest_rating) for l in self.lines]
        layers = self._fs._map_layers()
        for g in self.gaps:
            layers.append((_geom.point_wkb(g.x, g.y), "#080" if g.compliant else "#d00", None,
                           "gap %.2f m" % g.clear_width_m))
        for b in self.breaches:
            layers.append((_geom.point_wkb(b.x, b.y), "#f0f", None, "breach " + b.kind_name))
        return _html("coverage", self, ["line", "length m", "covered m", "gaps", "noncompliant",
                                        "open ends", "weakest rating"], rows, layers)


def _gdf(gpd, rows, crs):
    if not rows:
        return gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=crs or None)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs or None)


def _html(kind, result, columns, rows, layers, na=None):
    if na is None and not isinstance(result, Analysis):
        na = result.not_assessed if hasattr(result, "not_assessed") else None
    head = "<b>cpted %s</b>: %d finding(s)%s" % (
        kind, result.finding_count, (", NOT ASSESSED: %s" % na) if na else "")
    return "<div>%s%s%s</div>" % (head, _geom.html_table(columns, rows), _geom.svg_map(layers))


class StandoffAsset(Record):
    _ctype = "cpted_standoff_asset"


class Standoff(_Result):
    """Standoff and blast per asset (cpted_standoff)."""
    _kind = "standoff"
    _FUNCS = {
        "free": "cpted_standoff_free",
        "to_json": "cpted_standoff_to_json",
        "write": "cpted_standoff_write",
        "warning_count": "cpted_standoff_warning_count",
        "warning": "cpted_standoff_warning",
        "finding_count": "cpted_standoff_finding_count",
    }

    def __init__(self, ptr, freespace, owner=None):
        super().__init__(ptr, freespace, owner)
        if lib.cpted_standoff_freespace(self._ptr) != freespace._ptr or \
                lib.cpted_standoff_site(self._ptr) != freespace._site._ptr:  # pragma: no cover
            raise AssertionError("standoff of another free space")

    @property
    def assets(self):
        rec = new_record("cpted_standoff_asset")
        out = []
        for i in range(lib.cpted_standoff_asset_count(self._ptr)):
            self._ctx.check(lib.cpted_standoff_get_asset(rec, self._ptr, i))
            out.append(StandoffAsset._from_c(rec, index=i))
        return out

    def encroachment(self, i):
        """A ∩ (asset ⊕ required) of asset i (working CRS)."""
        return _geom.from_wkb(self.encroachment_wkb(i))

    def encroachment_wkb(self, i):
        return _take_wkb(self._ctx, lib.cpted_standoff_get_encroachment_wkb, self._ptr, i)

    def to_geodataframe(self, layer="assets"):
        """layer "assets" (line from the nearest asset point to the nearest
        vehicle position, None when unreachable) or "encroachment"; working CRS."""
        gpd = _geom.require_geopandas()
        rows = []
        for a in self.assets:
            d = a.as_dict()
            if layer == "assets":
                d["geometry"] = (_geom.line([(a.asset_x, a.asset_y), (a.vehicle_x, a.vehicle_y)])
                                 if a.reachable else None)
            elif layer == "encroachment":
                d = {"id": a.id, "name": a.name, "encroachment_m2": a.encroachment_m2,
                     "geometry": self.encroachment(a.index)}
            else:
                raise ValueError("layer must be assets or encroachment")
            rows.append(d)
        return _gdf(gpd, rows, self.site.crs)

    def _repr_html_(self):
        assets = self.assets
        rows = [(a.id, a.name, a.standoff_m, a.required_m, a.ok, a.incident_kpa) for a in assets]
        layers = self._fs._map_layers()
        for a in assets:
            if a.reachable:
                layers.append((_geom.line_wkb([(a.asset_x, a.asset_y),
                                               (a.vehicle_x, a.vehicle_y)]),
                               "#d00" if a.ok == 0 else "#06c", None,
                               "%s %.1f m" % (a.id, a.standoff_m)))
        return _html("standoff", self, ["asset", "name", "standoff m", "required m", "ok",
                                        "incident kPa"], rows, layers)


class VdaTarget(Record):
    _ctype = "cpted_vda_target"


class VdaSummary(Record):
    """Worst target of a barrier element or line; worst_target None when none is reachable."""
    _ctype = "cpted_vda_summary"


_SIZE_MAX = ffi.cast("size_t", -1)


class Vda(_Result):
    """Vehicle dynamics assessment: fastest approach per target (cpted_vda)."""
    _kind = "vda"
    _FUNCS = {
        "free": "cpted_vda_free",
        "to_json": "cpted_vda_to_json",
        "write": "cpted_vda_write",
        "warning_count": "cpted_vda_warning_count",
        "warning": "cpted_vda_warning",
        "finding_count": "cpted_vda_finding_count",
    }

    def __init__(self, ptr, freespace, owner=None):
        super().__init__(ptr, freespace, owner)
        if lib.cpted_vda_freespace(self._ptr) != freespace._ptr:  # pragma: no cover
            raise AssertionError("VDA of another free space")

    @property
    def not_assessed(self):
        return _s(lib.cpted_vda_not_assessed(self._ptr))

    @property
    def targets(self):
        rec = new_record("cpted_vda_target")
        out = []
        for i in range(lib.cpted_vda_target_count(self._ptr)):
            self._ctx.check(lib.cpted_vda_get_target(rec, self._ptr, i))
            out.append(VdaTarget._from_c(rec, index=i))
        return out

    def path_wkb(self, i):
        return _take_wkb(self._ctx, lib.cpted_vda_get_path_wkb, self._ptr, i)

    def corridor_wkb(self, i):
        return _take_wkb(self._ctx, lib.cpted_vda_get_corridor_wkb, self._ptr, i)

    def path(self, i):
        """The fastest approach to target i: a LineString (working CRS), empty when unreachable."""
        return _geom.from_wkb(self.path_wkb(i))

    def corridor(self, i):
        """The path dilated by half the vehicle width (working CRS)."""
        return _geom.from_wkb(self.corridor_wkb(i))

    def _summaries(self, count, get):
        rec = new_record("cpted_vda_summary")
        out = []
        for i in range(count(self._ptr)):
            self._ctx.check(get(rec, self._ptr, i))
            s = VdaSummary._from_c(rec)
            if s.worst_target == int(_SIZE_MAX):
                s.worst_target = None
            out.append(s)
        return out

    @property
    def elements(self):
        return self._summaries(lib.cpted_vda_element_count, lib.cpted_vda_get_element)

    @property
    def lines(self):
        return self._summaries(lib.cpted_vda_line_count, lib.cpted_vda_get_line)

    def to_geodataframe(self, layer="targets"):
        """layer "targets" (points), "paths" or "corridors"; working CRS."""
        gpd = _geom.require_geopandas()
        rows = []
        for t in self.targets:
            d = t.as_dict()
            if layer == "targets":
                d["geometry"] = _geom.point(t.x, t.y)
            elif layer == "paths":
                d["geometry"] = self.path(t.index)
            elif layer == "corridors":
                d["geometry"] = self.corridor(t.index)
            else:
                raise ValueError("layer must be targets, paths or corridors")
            rows.append(d)
        return _gdf(gpd, rows, self.site.crs)

    def _repr_html_(self):
        targets = self.targets
        worst = sorted((t for t in targets if t.reachable), key=lambda t: -t.speed_kmh)
        rows = [(t.id, t.speed_kmh, t.energy_kj, t.angle_deg, t.rating, t.needed_rating, t.ok)
                for t in worst]
        layers = self._fs._map_layers()
        for t in worst[:20]:
            layers.append((self.corridor_wkb(t.index), "#d60", "#fd9", "corridor " + t.id))
        for t in targets:
            layers.append((_geom.point_wkb(t.x, t.y), "#d00" if t.ok == 0 else "#333", None,
                           t.id))
        return _html("VDA", self, ["target", "km/h", "kJ", "angle °", "rating", "needed", "ok"],
                     rows, layers)


class Finding(Record):
    """One finding of an analysis (worst first); x, y in the WORKING CRS."""
    _ctype = "cpted_finding"

    @property
    def kind_name(self):
        return finding_kind_name(self.kind)

    @property
    def severity_name(self):
        return severity_name(self.severity)

    @property
    def part_name(self):
        return {v: k for k, v in PARTS.items()}.get(self.part)


class Analysis(_Result):
    """Coverage, standoff and VDA over one free space, with findings (cpted_analysis)."""
    _kind = "analysis"
    _FUNCS = {
        "free": "cpted_analysis_free",
        "to_json": "cpted_analysis_to_json",
        "write": "cpted_analysis_write",
        "finding_count": "cpted_analysis_finding_count",
    }

    def __init__(self, ptr, freespace):
        super().__init__(ptr, freespace)
        if lib.cpted_analysis_freespace(self._ptr) != freespace._ptr:  # pragma: no cover
            raise AssertionError("analysis of another free space")

    def _part(self, cls, getter):
        p = getter(self._ptr)
        if p == ffi.NULL:
            return None
        return cls(ffi.cast(ffi.typeof(cls._cptr), p), self._fs, owner=self)

    @property
    def coverage(self):
        """The coverage part (borrowed: keeps this analysis alive), or None when not assessed."""
        return self._part(_CoveragePart, lib.cpted_analysis_coverage)

    @property
    def standoff(self):
        return self._part(_StandoffPart, lib.cpted_analysis_standoff)

    @property
    def vda(self):
        return self._part(_VdaPart, lib.cpted_analysis_vda)

    def not_assessed(self, part):
        """Why a part ("coverage", "standoff", "vda") did not run, or None."""
        bit = PARTS[part] if isinstance(part, str) else int(part)
        return _s(lib.cpted_analysis_not_assessed(self._ptr, bit))

    @property
    def findings(self):
        rec = new_record("cpted_finding")
        out = []
        for i in range(lib.cpted_analysis_finding_count(self._ptr)):
            self._ctx.check(lib.cpted_analysis_get_finding(rec, self._ptr, i))
            out.append(Finding._from_c(rec))
        return out

    @property
    def finding_count(self):
        return int(lib.cpted_analysis_finding_count(self._ptr))

    @property
    def warnings(self):
        out = []
        for part in (self.coverage, self.standoff, self.vda):
            if part is not None:
                out.extend(part.warnings)
        return out

    def report_html(self, title=None, date=None):
        """The self-contained HTML report; give ``date`` for byte-identical output."""
        keep = []
        opts = make_options("cpted_report_options", {"title": title, "date": date}, keep)
        return _take_string(self._ctx, lib.cpted_analysis_report_html, self._ptr, opts)

    def to_geodataframe(self, layer="findings"):
        """The findings as points (None where a finding has no place); working CRS."""
        if layer != "findings":
            raise ValueError("layer must be findings")
        gpd = _geom.require_geopandas()
        rows = []
        for f in self.findings:
            d = dict(f.as_dict(), kind_name=f.kind_name, severity_name=f.severity_name,
                     part_name=f.part_name)
            d["geometry"] = None if math.isnan(f.x) else _geom.point(f.x, f.y)
            rows.append(d)
        return _gdf(gpd, rows, self.site.crs)

    def _repr_html_(self):
        findings = self.findings
        rows = [(f.severity_name, f.kind_name, f.part_name, f.subject_id, f.message)
                for f in findings]
        layers = self._fs._map_layers()
        for f in findings:
            if not math.isnan(f.x):
                layers.append((_geom.point_wkb(f.x, f.y), "#d00", None, f.message))
        na = "; ".join("%s: %s" % (p, self.not_assessed(p)) for p in PARTS
                       if self.not_assessed(p)) or None
        return _html("analysis", self, ["severity", "kind", "part", "subject", "message"], rows,
                     layers, na)


class _CoveragePart(Coverage):
    _cptr = "cpted_coverage *"


class _StandoffPart(Standoff):
    _cptr = "cpted_standoff *"


class _VdaPart(Vda):
    _cptr = "cpted_vda *"


# -- district screening --------------------------------------------------------
class BatchAsset(Record):
    """One screened asset; coordinates in the WORKING CRS."""
    _ctype = "cpted_batch_asset"


class BatchSummary(Record):
    _ctype = "cpted_batch_summary"


class BatchBin(Record):
    """[lower, upper) and its count; the last bin's ``upper`` is inf."""
    _ctype = "cpted_batch_bin"


class BatchTileInfo(Record):
    """A tile of a plan: box (xmin, ymin, xmax, ymax, working CRS) and asset_count."""
    _ctype = "cpted_batch_tile_info"


HISTOGRAMS = {"standoff_m": lib.CPTED_BATCH_HIST_STANDOFF, "speed_kmh": lib.CPTED_BATCH_HIST_SPEED,
              "energy_kj": lib.CPTED_BATCH_HIST_ENERGY}


class Batch(_Result):
    """A district screening (cpted_batch): per asset standoff, facade impact, rank."""
    _kind = "batch"
    _FUNCS = {
        "free": "cpted_batch_free",
        "to_json": "cpted_batch_to_json",
        "write": "cpted_batch_write",
        "warning_count": "cpted_batch_warning_count",
        "warning": "cpted_batch_warning",
    }

    def __init__(self, ptr, freespace):
        super().__init__(ptr, freespace)
        if lib.cpted_batch_freespace(self._ptr) != freespace._ptr:  # pragma: no cover
            raise AssertionError("batch of another free space")

    @property
    def assets(self):
        rec = new_record("cpted_batch_asset")
        out = []
        for i in range(lib.cpted_batch_asset_count(self._ptr)):
            self._ctx.check(lib.cpted_batch_get_asset(rec, self._ptr, i))
            out.append(BatchAsset._from_c(rec, index=i))
        return out

    @property
    def ranked(self):
        """Asset indices, most exposed first."""
        n = lib.cpted_batch_asset_count(self._ptr)
        return [int(lib.cpted_batch_ranked(self._ptr, r)) for r in range(1, n + 1)]

    @property
    def summary(self):
        rec = new_record("cpted_batch_summary")
        self._ctx.check(lib.cpted_batch_get_summary(rec, self._ptr))
        return BatchSummary._from_c(rec)

    def histogram(self, name):
        """The bins of "standoff_m", "speed_kmh" or "energy_kj" ([] without the approach)."""
        h = HISTOGRAMS[name]
        rec = new_record("cpted_batch_bin")
        out = []
        for i in range(lib.cpted_batch_bin_count(self._ptr, h)):
            self._ctx.check(lib.cpted_batch_get_bin(rec, self._ptr, h, i))
            out.append(BatchBin._from_c(rec))
        return out

    @property
    def not_assessed(self):
        return _s(lib.cpted_batch_not_assessed(self._ptr))

    @property
    def finding_count(self):
        """Assets not assessed (their exposure is unknown)."""
        return int(self.summary.not_assessed)

    def report_html(self, title=None, date=None):
        keep = []
        opts = make_options("cpted_report_options", {"title": title, "date": date}, keep)
        return _take_string(self._ctx, lib.cpted_batch_report_html, self._ptr, opts)

    def to_geodataframe(self, layer="assets"):
        """layer "assets" (each asset's footprint with its record) or "lines"
        (nearest asset point to nearest vehicle position, None without a
        standoff); working CRS."""
        if layer not in ("assets", "lines"):
            raise ValueError("layer must be assets or lines")
        gpd = _geom.require_geopandas()
        rows = []
        for a in self.assets:
            d = a.as_dict()
            if layer == "assets":
                d["geometry"] = Feature(self.site, a.feature).geometry
            else:
                d["geometry"] = (None if math.isnan(a.standoff_m) else
                                 _geom.line([(a.asset_x, a.asset_y), (a.vehicle_x, a.vehicle_y)]))
            rows.append(d)
        return _gdf(gpd, rows, self.site.crs)

    def _repr_html_(self):
        assets = self.assets
        order = self.ranked[:20]
        rows = [(assets[i].rank, assets[i].id, assets[i].name, assets[i].assessed,
                 assets[i].standoff_m, assets[i].energy_kj) for i in order]
        layers = self._fs._map_layers()
        for i in order:
            a = assets[i]
            if not math.isnan(a.standoff_m):
                layers.append((_geom.line_wkb([(a.asset_x, a.asset_y),
                                               (a.vehicle_x, a.vehicle_y)]),
                               "#d00", None, "#%d %s %.1f m" % (a.rank, a.id, a.standoff_m)))
        return _html("batch", self, ["rank", "asset", "name", "assessed", "standoff m",
                                     "energy kJ"], rows, layers)


class BatchTile:
    """The results of one tile (plain numbers): to_bytes() for another process."""

    def __init__(self, ptr, plan):
        self._plan = plan
        self._ptr = ffi.gc(ptr, lib.cpted_batch_tile_free)

    def to_bytes(self):
        return _take_wkb(self._plan._ctx, lib.cpted_batch_tile_to_bytes, self._ptr)


class BatchWorker:
    """Runs tiles of a plan in its own context (one per thread)."""

    def __init__(self, plan, ctx):
        self._plan = plan
        self._ctx = ctx
        out = ffi.new("cpted_batch_worker **")
        ctx.check(lib.cpted_batch_worker_new(out, ctx._ptr, plan._ptr))
        self._ptr = ffi.gc(out[0], lib.cpted_batch_worker_free)

    def run(self, tile):
        out = ffi.new("cpted_batch_tile **")
        self._ctx.check(lib.cpted_batch_worker_run(out, self._ptr, int(tile)))
        return BatchTile(out[0], self._plan)


class BatchPlan:
    """The assets and tiles of a screening: worker().run(i) per tile, merge()."""

    def __init__(self, ptr, freespace):
        self._fs = freespace
        self._ctx = freespace._ctx
        self._ptr = ffi.gc(ptr, lib.cpted_batch_plan_free)

    @property
    def asset_count(self):
        return int(lib.cpted_batch_plan_asset_count(self._ptr))

    @property
    def tiles(self):
        rec = new_record("cpted_batch_tile_info")
        out = []
        for i in range(lib.cpted_batch_plan_tile_count(self._ptr)):
            self._ctx.check(lib.cpted_batch_plan_get_tile(rec, self._ptr, i))
            out.append(BatchTileInfo._from_c(rec, index=i))
        return out

    def worker(self, ctx=None):
        """A worker; ``ctx`` the Context of the thread that will run it (default: this one's)."""
        return BatchWorker(self, ctx or self._ctx)

    def tile_from_bytes(self, data):
        out = ffi.new("cpted_batch_tile **")
        buf = ffi.from_buffer("unsigned char[]", data)
        self._ctx.check(lib.cpted_batch_tile_from_bytes(out, self._ptr, buf, len(data)))
        return BatchTile(out[0], self)

    def merge(self, tiles, vda=None):
        """The district result from every tile once (any order), with an optional
        Vda of facade targets on the same free space."""
        arr = ffi.new("cpted_batch_tile *[]", [t._ptr for t in tiles]) if tiles else ffi.NULL
        out = ffi.new("cpted_batch **")
        self._ctx.check(lib.cpted_batch_merge(out, self._ptr, arr, len(tiles),
                                              vda._ptr if vda is not None else ffi.NULL))
        return Batch(out[0], self._fs)


# -- writer -----------------------------------------------------------------
class Writer:
    """Several results' layers in one output, written atomically on commit().
    Use as a context manager: committed on a clean exit, aborted on an exception."""

    _ADD = {Coverage: "cpted_writer_add_coverage", Standoff: "cpted_writer_add_standoff",
            Vda: "cpted_writer_add_vda", Analysis: "cpted_writer_add_analysis",
            Batch: "cpted_writer_add_batch"}

    def __init__(self, path, format=None, overwrite=False, *, ctx=None):
        self._ctx = ctx or context()
        out = ffi.new("cpted_writer **")
        self._ctx.check(lib.cpted_writer_open(
            out, self._ctx._ptr, str(path).encode("utf-8"),
            ffi.NULL if format is None else format.encode("utf-8"), 1 if overwrite else 0))
        self._ptr = ffi.gc(out[0], lib.cpted_writer_free)

    def add(self, result):
        for cls, name in self._ADD.items():
            if isinstance(result, cls):
                self._ctx.check(getattr(lib, name)(self._ptr, result._ptr))
                return self
        raise TypeError("cannot write a %s" % type(result).__name__)

    def commit(self):
        self._ctx.check(lib.cpted_writer_commit(self._ptr))

    def close(self):
        """Frees the writer now (without a commit nothing is written)."""
        if self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            ffi.gc(ptr, None)  # detach the finalizer, then free now
            lib.cpted_writer_free(ptr)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.close()
