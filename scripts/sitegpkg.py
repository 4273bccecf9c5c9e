"""sitegpkg.py - writes a site plan as a GeoPackage, reproducibly.

Shared by samples/plaza/make_plaza.py and scripts/make_district.py. Runs with
Debian's /usr/bin/python3 (osgeo.ogr/osr from python3-gdal).

A layer is described as a dict:
    {"name": "bollards", "geom": ogr.wkbPoint,
     "fields": [("name", ogr.OFTString), ("diameter", ogr.OFTReal)],
     "features": [("POINT (1 2)", {"name": "B1", "diameter": 0.3}), ...]}
Features get fids 1, 2, ... in list order, so ids ("layer:fid") are stable.
"""
import os

from osgeo import gdal, ogr, osr

# A fixed timestamp in gpkg_contents makes the file byte-for-byte reproducible.
FIXED_DATE = "2026-01-01T00:00:00.000Z"


def write_gpkg(path, epsg, layers):
    """Writes the layers into a new GeoPackage at path (replacing it)."""
    gdal.UseExceptions()
    ogr.UseExceptions()
    gdal.SetConfigOption("OGR_CURRENT_DATE", FIXED_DATE)
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    driver = ogr.GetDriverByName("GPKG")
    ds = driver.CreateDataSource(path)
    try:
        for spec in layers:
            _write_layer(ds, srs, spec)
    finally:
        ds = None
    gdal.SetConfigOption("OGR_CURRENT_DATE", None)


def _write_layer(ds, srs, spec):
    layer = ds.CreateLayer(spec["name"], srs, spec["geom"], ["FID=fid"])
    for name, ftype in spec["fields"]:
        layer.CreateField(ogr.FieldDefn(name, ftype))
    defn = layer.GetLayerDefn()
    layer.StartTransaction()
    for fid, (wkt, attrs) in enumerate(spec["features"], start=1):
        feature = ogr.Feature(defn)
        feature.SetFID(fid)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        for key, value in attrs.items():
            if value is None:
                feature.SetFieldNull(key)
            else:
                feature.SetField(key, value)
        layer.CreateFeature(feature)
    layer.CommitTransaction()


def fmt(v):
    """Shortest exact text of a coordinate (no float noise in the WKT)."""
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def wkt_point(x, y):
    return "POINT (%s %s)" % (fmt(x), fmt(y))


def wkt_line(points):
    return "LINESTRING (%s)" % ", ".join("%s %s" % (fmt(x), fmt(y)) for x, y in points)


def wkt_rect(minx, miny, maxx, maxy):
    """Counter-clockwise rectangle, first vertex at the lower left."""
    ring = [(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy), (minx, miny)]
    return "POLYGON ((%s))" % ", ".join("%s %s" % (fmt(x), fmt(y)) for x, y in ring)
