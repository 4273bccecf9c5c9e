"""Records (the library's size-prefixed structs read back) and option structs.

The field tables below are what the binding knows of each struct; the code
reads and fills structs only through them, and tests/python/test_cdef.py fails
when the header has a field that a table lacks (or the reverse).
"""
import math

from ._loader import ffi, lib

# Fields of each record struct the binding reads (struct_size is set, not read).
RECORD_FIELDS = {
    "cpted_vehicle": ("class_code", "mass_kg", "width_m", "length_m", "a0_mps2", "vmax_mps",
                      "lateral_friction", "braking_mps2", "min_turn_radius_m"),
    "cpted_blast": ("scaled_distance", "incident_kpa", "reflected_kpa",
                    "incident_impulse_kpa_ms", "reflected_impulse_kpa_ms", "arrival_ms",
                    "duration_ms"),
    "cpted_rating": ("standard", "method", "vehicle_class", "mass_kg", "speed_kmh", "angle_deg",
                     "penetration_m", "dispersion_m", "category"),
    "cpted_standoff_asset": ("id", "name", "reachable", "standoff_m", "required_m", "ok",
                             "asset_x", "asset_y", "vehicle_x", "vehicle_y", "scaled_distance",
                             "incident_kpa", "reflected_kpa", "incident_impulse_kpa_ms",
                             "blast_in_range", "encroachment_m2", "assessed",
                             "incident_kpa_at_least", "reflected_kpa_at_least"),
    "cpted_coverage_line": ("id", "derived", "closed", "unverified", "length_m", "covered_m",
                            "coverage_ratio", "open_ends", "gap_count", "noncompliant_count",
                            "weakest_rating", "unrated_count"),
    "cpted_coverage_gap": ("start_m", "end_m", "clear_width_m", "compliant", "vehicle_passable",
                           "x", "y", "before_id", "after_id"),
    "cpted_coverage_breach": ("x", "y", "width_m", "line_id", "kind"),
    "cpted_vda_target": ("id", "line_id", "station_m", "x", "y", "assessed", "reachable",
                         "speed_mps", "speed_kmh", "energy_kj", "angle_deg", "energy_normal_kj",
                         "runup_m", "speed_low_kmh", "speed_high_kmh", "barrier_id", "rating",
                         "rated_mass_kg", "rated_speed_kmh", "rated_angle_deg",
                         "rated_penetration_m", "ok", "needed_rating", "not_assessed"),
    "cpted_vda_summary": ("id", "worst_target", "target_count", "speed_kmh", "energy_kj",
                          "rating", "needed_rating", "ok"),
    "cpted_finding": ("kind", "severity", "part", "subject_id", "x", "y", "value", "limit",
                      "message"),
    "cpted_batch_asset": ("id", "name", "feature", "tile", "assessed", "not_assessed",
                          "reachable", "standoff_m", "asset_x", "asset_y", "vehicle_x",
                          "vehicle_y", "approach", "approach_reached", "speed_kmh", "energy_kj",
                          "angle_deg", "impact_x", "impact_y", "rank"),
    "cpted_batch_summary": ("assets", "assessed", "not_assessed", "reachable", "unreachable",
                            "touching", "approach_reached", "tiles"),
    "cpted_batch_bin": ("lower", "upper", "count"),
    "cpted_batch_tile_info": ("box", "asset_count"),
}

# Fields of each option struct: field -> (Python keyword, kind). Kinds:
#   "str" text, "float", "int", "bool" (0/1), "enum:<table>" a name or a number,
#   "strlist:<count field>" a list of strings with its count, "count" set by that
#   list, "points:<count field>" (x, y) pairs, "options:<struct>" a nested dict.
OPTION_FIELDS = {
    "cpted_site_options": {
        "working_crs": ("crs", "str"),
        "assume_crs": ("assume_crs", "str"),
        "output_crs": ("output_crs", "str"),
        "role_map": ("roles", "strlist:role_map_count"),
        "role_map_count": (None, "count"),
        "lenient": ("lenient", "bool"),
        "boundary_margin_m": ("boundary_margin_m", "float"),
        "lane_width_m": ("lane_width_m", "float"),
        "boundary": ("boundary", "str"),
        "allow_distortion": ("allow_distortion", "bool"),
        "source_crs": ("source_crs", "strlist:source_crs_count"),
        "source_crs_count": (None, "count"),
        "gates_closed": ("gates_closed", "bool"),
        "assets_where": ("assets_where", "str"),
        "asset_ids": ("asset_ids", "strlist:asset_id_count"),
        "asset_id_count": (None, "count"),
        "asset_names": ("asset_names", "strlist:asset_name_count"),
        "asset_name_count": (None, "count"),
    },
    "cpted_freespace_options": {
        "soft_blocking": ("soft_blocking", "bool"),
        "bollard_diameter_m": ("bollard_diameter_m", "float"),
        "wall_thickness_m": ("wall_thickness_m", "float"),
        "quadrant_segments": ("quadrant_segments", "int"),
        "drivable": ("drivable", "enum:drivable"),
    },
    "cpted_standoff_options": {
        "charge_kg": ("charge_kg", "float"),
        "allowable_kpa": ("allowable_kpa", "float"),
    },
    "cpted_coverage_options": {
        "max_gap_m": ("max_gap_m", "float"),
        "snap_m": ("snap_m", "float"),
        "chain_m": ("chain_m", "float"),
        "tolerance_m": ("tolerance_m", "float"),
    },
    "cpted_vda_options": {
        "targets": ("targets", "enum:vda_targets"),
        "spacing_m": ("spacing_m", "float"),
        "points_xy": ("points", "points:point_count"),
        "point_count": (None, "count"),
        "entry_speed_kmh": ("entry_speed_kmh", "float"),
        "chain_m": ("chain_m", "float"),
        "cell_m": ("cell_m", "float"),
        "headings": ("headings", "int"),
        "window_m": ("window_m", "float"),
        "sensitivity": ("sensitivity", "bool"),
        "threads": ("threads", "int"),
    },
    "cpted_analysis_options": {
        "coverage": ("coverage", "options:cpted_coverage_options"),
        "standoff": ("standoff", "options:cpted_standoff_options"),
        "vda": ("vda", "options:cpted_vda_options"),
        "parts": ("parts", "enum:parts"),
    },
    "cpted_report_options": {
        "title": ("title", "str"),
        "date": ("date", "str"),
    },
    "cpted_batch_options": {
        "assets": ("assets", "enum:batch_assets"),
        "approach": ("approach", "bool"),
        "vda": ("vda", "options:cpted_vda_options"),
        "tile_m": ("tile_m", "float"),
        "threads": ("threads", "int"),
        "top_count": ("top_count", "int"),
    },
}

# The *_init function of each option struct.
OPTION_INIT = {
    "cpted_site_options": "cpted_site_options_init",
    "cpted_freespace_options": "cpted_freespace_options_init",
    "cpted_standoff_options": "cpted_standoff_options_init",
    "cpted_coverage_options": "cpted_coverage_options_init",
    "cpted_vda_options": "cpted_vda_options_init",
    "cpted_analysis_options": "cpted_analysis_options_init",
    "cpted_report_options": "cpted_report_options_init",
    "cpted_batch_options": "cpted_batch_options_init",
}

ENUMS = {
    "drivable": {"everything": lib.CPTED_DRIVABLE_EVERYTHING, "roads": lib.CPTED_DRIVABLE_ROADS},
    "vda_targets": {"auto": lib.CPTED_VDA_TARGETS_AUTO,
                    "perimeter": lib.CPTED_VDA_TARGETS_PERIMETER,
                    "facades": lib.CPTED_VDA_TARGETS_FACADES,
                    "points": lib.CPTED_VDA_TARGETS_POINTS},
    "batch_assets": {"buildings": lib.CPTED_BATCH_ASSETS_BUILDINGS,
                     "site": lib.CPTED_BATCH_ASSETS_SITE},
    "parts": {"coverage": lib.CPTED_ANALYSIS_COVERAGE, "standoff": lib.CPTED_ANALYSIS_STANDOFF,
              "vda": lib.CPTED_ANALYSIS_VDA, "all": lib.CPTED_ANALYSIS_ALL},
}


def _enum(table, value):
    names = ENUMS[table]
    if isinstance(value, str):
        try:
            return names[value.lower()]
        except KeyError:
            raise ValueError("%r is not one of %s" % (value, ", ".join(sorted(names)))) from None
    if table == "parts" and not isinstance(value, int):  # an iterable of part names
        bits = 0
        for v in value:
            bits |= _enum(table, v)
        return bits
    return int(value)


def option_keywords(ctype):
    """The Python keywords of an option struct."""
    return {kw for kw, kind in OPTION_FIELDS[ctype].values() if kw is not None}


def make_options(ctype, kwargs, keep):
    """A new ``ctype *`` filled by its *_init function, then with ``kwargs``
    (Python keywords of OPTION_FIELDS). ``keep`` collects the cdata that must
    outlive the call (strings, arrays)."""
    opts = ffi.new(ctype + " *")
    init = getattr(lib, OPTION_INIT[ctype])
    rc = init(opts, ffi.sizeof(ctype))
    if rc != lib.CPTED_OK:
        from .errors import error_for
        raise error_for(rc, "%s_init(%d) failed" % (ctype, ffi.sizeof(ctype)))
    table = OPTION_FIELDS[ctype]
    by_kw = {kw: (field, kind) for field, (kw, kind) in table.items() if kw is not None}
    for kw, value in kwargs.items():
        if kw not in by_kw:
            raise TypeError("unknown option %r (options: %s)" % (kw, ", ".join(sorted(by_kw))))
        if value is None:
            continue  # the default
        field, kind = by_kw[kw]
        if kind == "str":
            c = ffi.new("char[]", str(value).encode("utf-8"))
            keep.append(c)
            setattr(opts, field, c)
        elif kind == "float":
            setattr(opts, field, float(value))
        elif kind == "int":
            setattr(opts, field, int(value))
        elif kind == "bool":
            setattr(opts, field, 1 if value else 0)
        elif kind.startswith("enum:"):
            setattr(opts, field, _enum(kind[5:], value))
        elif kind.startswith("strlist:"):
            items = [str(v) for v in value]
            strings = [ffi.new("char[]", s.encode("utf-8")) for s in items]
            arr = ffi.new("char *[]", strings) if strings else ffi.NULL
            keep.extend(strings)
            keep.append(arr)
            setattr(opts, field, arr)
            setattr(opts, kind[8:], len(items))
        elif kind.startswith("points:"):
            flat = []
            for p in value:
                x, y = (p.x, p.y) if hasattr(p, "x") else p
                flat.extend((float(x), float(y)))
            arr = ffi.new("double[]", flat) if flat else ffi.NULL
            keep.append(arr)
            setattr(opts, field, arr)
            setattr(opts, kind[7:], len(flat) // 2)
        elif kind.startswith("options:"):
            if isinstance(value, dict):
                sub = make_options(kind[8:], value, keep)
            else:
                sub = value
            keep.append(sub)
            setattr(opts, field, sub)
        else:  # pragma: no cover - table error
            raise AssertionError(kind)
    return opts


def split_kwargs(kwargs, *ctypes):
    """Splits keywords over option structs (first one wins); unknown ones are a TypeError."""
    parts = [dict() for _ in ctypes]
    known = [option_keywords(c) for c in ctypes]
    for kw, value in kwargs.items():
        for i, names in enumerate(known):
            if kw in names:
                parts[i][kw] = value
                break
        else:
            allowed = sorted(set().union(*known))
            raise TypeError("unknown option %r (options: %s)" % (kw, ", ".join(allowed)))
    return parts


def _text(value):
    return None if value == ffi.NULL else ffi.string(value).decode("utf-8", "replace")


def read_record(cdata, ctype):
    """The fields of RECORD_FIELDS[ctype] as a dict of Python values."""
    fields = dict(ffi.typeof(ctype).fields)
    out = {}
    for name in RECORD_FIELDS[ctype]:
        ftype = fields[name].type
        value = getattr(cdata, name)
        if ftype.kind == "pointer" and ftype.item.cname == "char":
            value = _text(value)
        elif ftype.kind == "array" and ftype.item.cname == "char":
            value = ffi.string(value).decode("utf-8", "replace")
        elif ftype.kind == "array":
            value = tuple(value)
        out[name] = value
    return out


def new_record(ctype):
    rec = ffi.new(ctype + " *")
    rec.struct_size = ffi.sizeof(ctype)
    return rec


class Record:
    """A plain record read from the library. Attributes are the C fields;
    coordinates (x, y, asset_x, ...) are in the site's WORKING CRS."""

    _ctype = None

    def __init__(self, **fields):
        self.__dict__.update(fields)

    @classmethod
    def _from_c(cls, cdata, **extra):
        rec = cls(**read_record(cdata, cls._ctype))
        rec.__dict__.update(extra)
        return rec

    def as_dict(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        a, b = self.as_dict(), other.as_dict()
        if a.keys() != b.keys():
            return False
        for k in a:
            x, y = a[k], b[k]
            if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
                continue
            if x != y:
                return False
        return True

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__,
                           ", ".join("%s=%r" % kv for kv in self.as_dict().items()))
