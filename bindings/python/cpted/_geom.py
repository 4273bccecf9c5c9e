"""Geometry: WKB from the library becomes a shapely geometry when shapely is
installed, else stays ``bytes`` (ISO WKB). A small WKB reader (no shapely
needed) gives coordinates for the SVG maps of ``_repr_html_``."""
import html
import math
import struct

try:  # optional
    import shapely.wkb as _shapely_wkb
    HAVE_SHAPELY = True
except ImportError:  # pragma: no cover - depends on the interpreter
    _shapely_wkb = None
    HAVE_SHAPELY = False

try:  # optional
    import geopandas as _geopandas
    HAVE_GEOPANDAS = True
except ImportError:  # pragma: no cover
    _geopandas = None
    HAVE_GEOPANDAS = False


def from_wkb(data):
    """bytes -> shapely geometry (or the bytes without shapely)."""
    if HAVE_SHAPELY:
        return _shapely_wkb.loads(bytes(data))
    return bytes(data)


def to_wkb(geom):
    """A shapely geometry, WKB bytes or an object with a ``wkb`` attribute -> bytes."""
    if isinstance(geom, (bytes, bytearray, memoryview)):
        return bytes(geom)
    wkb = getattr(geom, "wkb", None)
    if wkb is None:
        raise TypeError("geometry must be WKB bytes or a shapely geometry, not %s"
                        % type(geom).__name__)
    return bytes(wkb)


def point_wkb(x, y):
    """ISO WKB of POINT(x y), little-endian."""
    return struct.pack("<BIdd", 1, 1, x, y)


def line_wkb(coords):
    return struct.pack("<BII", 1, 2, len(coords)) + b"".join(struct.pack("<dd", *c) for c in coords)


def point(x, y):
    return from_wkb(point_wkb(x, y))


def line(coords):
    return from_wkb(line_wkb(coords))


def require_geopandas():
    if not HAVE_GEOPANDAS:
        raise ImportError("to_geodataframe() needs geopandas (and shapely), which this "
                          "Python does not have")
    return _geopandas


# -- a minimal WKB reader ---------------------------------------------------
def parse_wkb(data):
    """Returns (type, parts): type 1..7 (2D base type), parts nested lists of
    (x, y) tuples as in GeoJSON coordinates; collections give a list of
    (type, parts)."""
    data = bytes(data)
    value, _ = _parse(data, 0)
    return value


def _parse(data, off):
    order = "<" if data[off] == 1 else ">"
    (gtype,) = struct.unpack_from(order + "I", data, off + 1)
    off += 5
    has_z = has_m = False
    if gtype & 0x80000000 or gtype & 0x40000000:  # EWKB flags
        has_z = bool(gtype & 0x80000000)
        has_m = bool(gtype & 0x40000000)
        if gtype & 0x20000000:
            off += 4  # SRID
        gtype &= 0x0FFFFFFF
    else:
        dim = gtype // 1000
        has_z = dim in (1, 3)
        has_m = dim in (2, 3)
        gtype %= 1000
    nd = 2 + has_z + has_m

    def pt(o):
        x, y = struct.unpack_from(order + "dd", data, o)
        return (x, y), o + 8 * nd

    def pts(o):
        (n,) = struct.unpack_from(order + "I", data, o)
        o += 4
        out = []
        for _ in range(n):
            p, o = pt(o)
            out.append(p)
        return out, o

    if gtype == 1:
        p, off = pt(off)
        return (1, p), off
    if gtype == 2:
        c, off = pts(off)
        return (2, c), off
    if gtype == 3:
        (n,) = struct.unpack_from(order + "I", data, off)
        off += 4
        rings = []
        for _ in range(n):
            r, off = pts(off)
            rings.append(r)
        return (3, rings), off
    if gtype in (4, 5, 6, 7):
        (n,) = struct.unpack_from(order + "I", data, off)
        off += 4
        members = []
        for _ in range(n):
            m, off = _parse(data, off)
            members.append(m)
        if gtype == 7:
            return (7, members), off
        return (gtype, [m[1] for m in members]), off
    raise ValueError("unsupported WKB geometry type %d" % gtype)


def _flatten(geom):
    """Yields (kind, coords) with kind 'point', 'line' or 'polygon'."""
    gtype, parts = geom
    if gtype == 1:
        if not (math.isnan(parts[0]) or math.isnan(parts[1])):
            yield "point", parts
    elif gtype == 2:
        yield "line", parts
    elif gtype == 3:
        yield "polygon", parts
    elif gtype == 4:
        for p in parts:
            yield from _flatten((1, p))
    elif gtype == 5:
        for p in parts:
            yield "line", p
    elif gtype == 6:
        for p in parts:
            yield "polygon", p
    elif gtype == 7:
        for m in parts:
            yield from _flatten(m)


def as_wkb_any(geom):
    """bytes for either a shapely geometry or WKB (for the SVG)."""
    return geom if isinstance(geom, (bytes, bytearray)) else to_wkb(geom)


def svg_map(layers, size=320):
    """A small SVG of layers: [(geometry (WKB or shapely), stroke, fill, label)]."""
    shapes = []
    for geom, stroke, fill, label in layers:
        if geom is None:
            continue
        for kind, coords in _flatten(parse_wkb(as_wkb_any(geom))):
            shapes.append((kind, coords, stroke, fill, label))
    xs, ys = [], []
    for kind, coords, *_ in shapes:
        if kind == "point":
            xs.append(coords[0]); ys.append(coords[1])
        elif kind == "line":
            xs.extend(c[0] for c in coords); ys.extend(c[1] for c in coords)
        else:
            for ring in coords:
                xs.extend(c[0] for c in ring); ys.extend(c[1] for c in ring)
    if not xs:
        return "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='20'></svg>" % size
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    span = max(maxx - minx, maxy - miny, 1e-9)
    scale = (size - 10) / span
    w = (maxx - minx) * scale + 10
    h = (maxy - miny) * scale + 10

    def tx(c):
        return "%.1f,%.1f" % (5 + (c[0] - minx) * scale, 5 + (maxy - c[1]) * scale)

    out = ["<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
           "viewBox='0 0 %d %d'>" % (w, h, w, h)]
    for kind, coords, stroke, fill, label in shapes:
        title = "<title>%s</title>" % html.escape(label) if label else ""
        if kind == "point":
            out.append("<circle cx='%s' cy='%s' r='2.5' fill='%s'>%s</circle>"
                       % (tuple(tx(coords).split(",")) + (stroke, title)))
        elif kind == "line":
            out.append("<polyline points='%s' fill='none' stroke='%s' stroke-width='1.5'>%s"
                       "</polyline>" % (" ".join(tx(c) for c in coords), stroke, title))
        else:
            d = " ".join("M " + " L ".join(tx(c) for c in ring) + " Z" for ring in coords)
            out.append("<path d='%s' fill='%s' fill-rule='evenodd' stroke='%s' "
                       "stroke-width='0.5'>%s</path>" % (d, fill, stroke, title))
    out.append("</svg>")
    return "".join(out)


def html_table(columns, rows, limit=50):
    head = "".join("<th>%s</th>" % html.escape(str(c)) for c in columns)
    body = []
    for row in rows[:limit]:
        body.append("<tr>" + "".join("<td>%s</td>" % html.escape(_fmt(v)) for v in row) + "</tr>")
    more = ("<p>%d more rows</p>" % (len(rows) - limit)) if len(rows) > limit else ""
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>%s" % (
        head, "".join(body), more)


def _fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else "%.6g" % v
    return str(v)
