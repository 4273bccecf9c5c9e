/*
 * write.c - GIS output of analysis results (architecture.md §2 "writers", §9):
 * the writer object.
 *
 * A writer is opened on a path (the format is picked there), collects the
 * "result layers" of one or more results, and writes them all at commit. A
 * result is described as result layers: a name, a geometry type, field
 * definitions and rows (a geometry plus values), filled from the result's
 * accessors (and, for coverage, the analysed line geometry the result keeps:
 * lines and gap stretches; for the VDA, the paths and corridors it keeps), reprojected to the site's output CRS and copied
 * when added, so the result may go before the commit. One GDAL routine
 * writes the collected list: it lays out the files (one per layer for
 * single-layer formats) and renames temporary files into place only when
 * every file is written, so nothing half-written is ever left; a writer freed
 * without a commit writes nothing. A GeoPackage also gets the QGIS style of
 * each layer (styles.c) in its `layer_styles` table, in the same temporary
 * file. The layers of each result kind and their builders are in
 * write_layers.c. The rules are documented for users in docs/outputs.md.
 *
 * SPDX-License-Identifier: MIT
 */
/* GDAL's VSIStatBufL is `struct stat64`, which glibc declares only on request */
#define _LARGEFILE64_SOURCE 1
#include "internal.h"

#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdint.h>
#include <string.h>

#ifdef _WIN32
#include <process.h>
#define write_getpid() _getpid()
#else
#include <unistd.h>
#define write_getpid() getpid()
#endif

/* ---- result layers ------------------------------------------------------ */

/* The types (cpted__w_*) are in internal.h: the builders of write_layers.c fill them. */

/* Appends a row that owns `geom` (destroyed on failure); all values start null.
 * Returns the values to fill, or NULL with the context error set. */
cpted__w_value *cpted__w_add_row(cpted_context *ctx, cpted__w_layer *layer, GEOSGeometry *geom)
{
    size_t n = layer->spec->field_count;
    cpted__w_value *values = cpted__calloc(n, sizeof *values);
    if (!values || !cpted__grow((void **)&layer->rows, &layer->row_cap, layer->row_count + 1,
                                sizeof *layer->rows)) {
        cpted__free(values);
        if (geom)
            GEOSGeom_destroy_r(ctx->geos, geom);
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory writing layer '%s'", layer->spec->name);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        values[i].number = NAN;
    layer->rows[layer->row_count++] = (cpted__w_row){geom, values};
    return values;
}

static void layers_clear(cpted_context *ctx, cpted__w_layer *layers, size_t n)
{
    for (size_t l = 0; l < n; l++) {
        for (size_t r = 0; r < layers[l].row_count; r++) {
            if (layers[l].rows[r].geom)
                GEOSGeom_destroy_r(ctx->geos, layers[l].rows[r].geom);
            for (size_t f = 0; layers[l].owns_texts && f < layers[l].spec->field_count; f++)
                if (layers[l].spec->fields[f].kind == CPTED__W_TEXT)
                    cpted__free((char *)layers[l].rows[r].values[f].text);
            cpted__free(layers[l].rows[r].values);
        }
        cpted__free(layers[l].rows);
        cpted__free(layers[l].crs);
    }
}

static void layers_free(cpted_context *ctx, cpted__w_layer *layers, size_t n)
{
    if (!layers)
        return;
    layers_clear(ctx, layers, n);
    cpted__free(layers);
}

/* Replaces the borrowed texts of the rows by copies: the writer outlives the result. */
static int layers_own_texts(cpted_context *ctx, cpted__w_layer *layers, size_t n)
{
    for (size_t l = 0; l < n; l++) {
        cpted__w_layer *layer = &layers[l];
        bool failed = false;
        for (size_t r = 0; r < layer->row_count; r++)
            for (size_t f = 0; f < layer->spec->field_count; f++) {
                cpted__w_value *v = &layer->rows[r].values[f];
                if (layer->spec->fields[f].kind != CPTED__W_TEXT || !v->text)
                    continue;
                v->text = failed ? NULL : cpted__strdup(v->text);
                failed |= !v->text;
            }
        layer->owns_texts = true;
        if (failed)
            return cpted__error(ctx, CPTED_E_NOMEM, "out of memory writing layer '%s'",
                                layer->spec->name);
    }
    return CPTED_OK;
}

/* ---- geometry helpers --------------------------------------------------- */

/* Takes a WKB buffer from a public accessor (freed here) and parses it. */
int cpted__w_geom_from_wkb(cpted_context *ctx, unsigned char *wkb, size_t size, const char *what,
                           GEOSGeometry **out)
{
    *out = GEOSGeomFromWKB_buf_r(ctx->geos, wkb, size);
    cpted_free(wkb);
    if (!*out)
        return cpted__error(ctx, CPTED_E_GEOMETRY, "cannot read the geometry of %s: %s", what,
                            cpted__geos_error(ctx));
    return CPTED_OK;
}

GEOSGeometry *cpted__w_point(cpted_context *ctx, double x, double y)
{
    GEOSGeometry *g = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
    if (!g)
        cpted__error(ctx, CPTED_E_NOMEM, "cannot create a point: %s", cpted__geos_error(ctx));
    return g;
}

GEOSGeometry *cpted__w_segment(cpted_context *ctx, double x0, double y0, double x1, double y1)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(ctx->geos, 2, 2);
    GEOSGeometry *g = NULL;
    if (seq && GEOSCoordSeq_setXY_r(ctx->geos, seq, 0, x0, y0) &&
        GEOSCoordSeq_setXY_r(ctx->geos, seq, 1, x1, y1))
        g = GEOSGeom_createLineString_r(ctx->geos, seq); /* takes seq */
    else if (seq)
        GEOSCoordSeq_destroy_r(ctx->geos, seq);
    if (!g)
        cpted__error(ctx, CPTED_E_NOMEM, "cannot create a line: %s", cpted__geos_error(ctx));
    return g;
}

typedef struct w_transform {
    const cpted_site *site;
    int status;
} w_transform;

static int to_output_xy(double *x, double *y, void *userdata)
{
    w_transform *t = userdata;
    t->status = cpted_site_to_output(x, y, t->site, *x, *y);
    return t->status == CPTED_OK;
}

GEOSGeometry *cpted__geom_to_output(cpted_context *ctx, const cpted_site *site,
                                    const GEOSGeometry *g, int *status_out)
{
    w_transform t = {site, CPTED_OK};
    GEOSGeometry *out = GEOSGeom_transformXY_r(ctx->geos, g, to_output_xy, &t);
    *status_out = t.status;
    return out;
}

/* Reprojects every row geometry from the working CRS to the output CRS. */
static int layers_to_output(cpted_context *ctx, const cpted_site *site, cpted__w_layer *layers,
                            size_t n)
{
    if (strcmp(cpted_site_crs(site), cpted_site_output_crs(site)) == 0)
        return CPTED_OK;
    for (size_t l = 0; l < n; l++) {
        for (size_t r = 0; r < layers[l].row_count; r++) {
            cpted__w_row *row = &layers[l].rows[r];
            if (!row->geom)
                continue;
            int status;
            GEOSGeometry *g = cpted__geom_to_output(ctx, site, row->geom, &status);
            if (!g) {
                if (status != CPTED_OK)
                    return status; /* cpted_site_to_output set the message */
                return cpted__error(ctx, CPTED_E_CRS, "cannot transform layer '%s' to %s: %s",
                                    layers[l].spec->name, cpted_site_output_crs(site),
                                    cpted__geos_error(ctx));
            }
            GEOSGeom_destroy_r(ctx->geos, row->geom);
            row->geom = g;
        }
    }
    return CPTED_OK;
}

/* ---- formats and file layout ------------------------------------------- */

typedef struct w_format {
    const char *driver;
    const char *ext;     /* default extension, without the dot */
    bool multi_layer;    /* all layers in one file */
    bool null_geometry;  /* can hold features without geometry */
} w_format;

static const w_format formats[] = {
    {"GPKG", "gpkg", true, true},
    {"GeoJSON", "geojson", false, true},
    /* GDAL's FlatGeobuf driver drops features without geometry */
    {"FlatGeobuf", "fgb", false, false},
};

static const struct {
    const char *ext;
    size_t format;
} extensions[] = {{"gpkg", 0}, {"geojson", 1}, {"json", 1}, {"fgb", 2}};

enum { W_FORMAT_COUNT = sizeof formats / sizeof formats[0] };

static bool same_text_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb)
            return false;
    }
    return *a == *b;
}

static bool is_separator(char c)
{
#ifdef _WIN32
    return c == '/' || c == '\\';
#else
    return c == '/';
#endif
}

/* The path cut into directory (with its separator, possibly ""), stem and
 * extension (without the dot, "" when none). */
typedef struct w_path {
    char *dir, *stem, *ext;
} w_path;

/* Frees the parts and clears them: safe to call twice (path_split frees what
 * it made when it fails, and its callers free in every case). */
static void path_free(w_path *p)
{
    cpted__free(p->dir);
    cpted__free(p->stem);
    cpted__free(p->ext);
    p->dir = p->stem = p->ext = NULL;
}

static char *copy_span(const char *s, size_t n)
{
    char *out = cpted__malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

static int path_split(cpted_context *ctx, const char *path, w_path *out)
{
    size_t len = strlen(path), base = len;
    while (base > 0 && !is_separator(path[base - 1]))
        base--;
    if (base == len)
        return cpted__error(ctx, CPTED_E_INVALID, "output path '%s' names a directory, not a file",
                            path);
    const char *dot = strrchr(path + base, '.');
    if (dot == path + base)
        dot = NULL; /* ".name" is a hidden file without extension */
    size_t stem_end = dot ? (size_t)(dot - path) : len;
    out->dir = copy_span(path, base);
    out->stem = copy_span(path + base, stem_end - base);
    out->ext = cpted__strdup(dot ? dot + 1 : "");
    if (!out->dir || !out->stem || !out->ext) {
        path_free(out);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    }
    return CPTED_OK;
}

static const char *shapefile_reason =
    "ESRI Shapefile is not supported: it cuts field names to 10 characters and cannot store "
    "null numbers; use .gpkg";

static int format_resolve(cpted_context *ctx, const char *path, const char *ext,
                          const char *driver, const w_format **out)
{
    if (driver) {
        for (size_t i = 0; i < W_FORMAT_COUNT; i++)
            if (same_text_nocase(driver, formats[i].driver)) {
                *out = &formats[i];
                return CPTED_OK;
            }
        if (same_text_nocase(driver, "ESRI Shapefile"))
            return cpted__error(ctx, CPTED_E_FORMAT, "%s: %s", path, shapefile_reason);
        return cpted__error(ctx, CPTED_E_FORMAT,
                            "unknown output format '%s' for %s; use GPKG, GeoJSON or FlatGeobuf",
                            driver, path);
    }
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (same_text_nocase(ext, extensions[i].ext)) {
            *out = &formats[extensions[i].format];
            return CPTED_OK;
        }
    if (same_text_nocase(ext, "shp"))
        return cpted__error(ctx, CPTED_E_FORMAT, "%s: %s", path, shapefile_reason);
    if (!*ext)
        return cpted__error(ctx, CPTED_E_FORMAT,
                            "output path '%s' has no extension; use .gpkg, .geojson, .json or "
                            ".fgb, or name the format",
                            path);
    return cpted__error(ctx, CPTED_E_FORMAT,
                        "unknown output extension '.%s' of %s; use .gpkg, .geojson, .json or .fgb, "
                        "or name the format",
                        ext, path);
}

/* One file to produce: the layers it holds, its final and temporary paths. */
typedef struct w_output {
    char *final_path;
    char *tmp_path;
    size_t first_layer, layer_count;
} w_output;

typedef struct w_plan {
    const w_format *format;
    w_output *outputs;
    size_t count;
} w_plan;

static void plan_free(w_plan *plan)
{
    for (size_t i = 0; i < plan->count; i++) {
        cpted__free(plan->outputs[i].final_path);
        cpted__free(plan->outputs[i].tmp_path);
    }
    cpted__free(plan->outputs);
}

static bool path_exists(const char *path)
{
    VSIStatBufL st;
    return VSIStatExL(path, &st, VSI_STAT_EXISTS_FLAG) == 0;
}

/* An existing path that is neither a regular file nor a directory (a device
 * such as /dev/null, a FIFO): renaming the finished output onto it would put
 * a plain file in its place, so it is refused. */
static bool is_special(const char *path)
{
    VSIStatBufL st;
    return VSIStatExL(path, &st, VSI_STAT_EXISTS_FLAG | VSI_STAT_NATURE_FLAG) == 0 &&
           !VSI_ISREG(st.st_mode) && !VSI_ISDIR(st.st_mode);
}

/* Lays out the files: `path` itself for a multi-layer format, else
 * `<stem>_<layer>.<ext>` beside it. Temporary files are hidden siblings named
 * after the process and context so concurrent writers never collide. */
static int plan_make(cpted_context *ctx, const char *path, const char *driver,
                     const cpted__w_layer *layers, size_t spec_count, int32_t overwrite,
                     w_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    w_path p = {0};
    int rc = path_split(ctx, path, &p);
    if (rc != CPTED_OK)
        return rc;
    rc = format_resolve(ctx, path, p.ext, driver, &plan->format);
    if (rc != CPTED_OK) {
        path_free(&p);
        return rc;
    }
    const char *ext = *p.ext ? p.ext : plan->format->ext;
    size_t n = plan->format->multi_layer ? 1 : spec_count;
    plan->outputs = cpted__calloc(n, sizeof *plan->outputs);
    if (!plan->outputs) {
        path_free(&p);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    }
    plan->count = n;
    unsigned long pid = (unsigned long)write_getpid();
    for (size_t i = 0; i < n && rc == CPTED_OK; i++) {
        w_output *o = &plan->outputs[i];
        o->first_layer = plan->format->multi_layer ? 0 : i;
        o->layer_count = plan->format->multi_layer ? spec_count : 1;
        char *stem = plan->format->multi_layer
                         ? cpted__strdup(p.stem)
                         : cpted__printf("%s_%s", p.stem, layers[i].spec->name);
        if (stem) {
            o->final_path = plan->format->multi_layer ? cpted__strdup(path)
                                                      : cpted__printf("%s%s.%s", p.dir, stem, ext);
            o->tmp_path = cpted__printf("%s.%s.tmp-%lu-%jx.%s", p.dir, stem, pid,
                                        (uintmax_t)(uintptr_t)ctx, ext);
        }
        cpted__free(stem);
        if (!o->final_path || !o->tmp_path)
            rc = cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
        else if (is_special(o->final_path))
            rc = cpted__error(ctx, CPTED_E_IO, "%s is not a regular file (a device or a FIFO); "
                                               "GIS outputs are written to files",
                              o->final_path);
        else if (!overwrite && path_exists(o->final_path))
            rc = cpted__error(ctx, CPTED_E_IO, "%s exists; use overwrite", o->final_path);
    }
    path_free(&p);
    if (rc != CPTED_OK)
        plan_free(plan);
    return rc;
}

/* Removes a temporary output and the sidecars SQLite may leave behind. */
static void remove_tmp(const char *tmp)
{
    static const char *const sidecars[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof sidecars / sizeof sidecars[0]; i++) {
        char *p = cpted__printf("%s%s", tmp, sidecars[i]);
        if (p) {
            VSIUnlink(p);
            cpted__free(p);
        }
    }
}

/* ---- the GDAL routine -------------------------------------------------- */

static int gdal_failure(cpted_context *ctx, const cpted__gdal_errors *cap, const char *what,
                        const char *final_path, const char *layer)
{
    const char *why = cap->failures ? cap->last : "GDAL reported no reason";
    if (layer)
        return cpted__error(ctx, CPTED_E_IO, "cannot %s layer '%s' of %s: %s", what, layer,
                            final_path, why);
    return cpted__error(ctx, CPTED_E_IO, "cannot %s %s: %s", what, final_path, why);
}

static int write_fields(cpted_context *ctx, const cpted__gdal_errors *cap, OGRLayerH layer,
                        const cpted__w_spec *spec, const char *final_path)
{
    for (size_t f = 0; f < spec->field_count; f++) {
        static const OGRFieldType types[] = {
            [CPTED__W_TEXT] = OFTString, [CPTED__W_REAL] = OFTReal, [CPTED__W_INT] = OFTInteger64,
            [CPTED__W_BOOL] = OFTInteger};
        OGRFieldDefnH def = OGR_Fld_Create(spec->fields[f].name, types[spec->fields[f].kind]);
        if (spec->fields[f].kind == CPTED__W_BOOL)
            OGR_Fld_SetSubType(def, OFSTBoolean);
        OGRErr err = OGR_L_CreateField(layer, def, TRUE);
        OGR_Fld_Destroy(def);
        if (err != OGRERR_NONE)
            return gdal_failure(ctx, cap, "create the fields of", final_path, spec->name);
    }
    return CPTED_OK;
}

/* GEOS geometry (NULL or empty = none) to an OGR geometry of the layer's type. */
static int to_ogr(cpted_context *ctx, const GEOSGeometry *g, OGRwkbGeometryType type,
                  OGRGeometryH *out)
{
    *out = NULL;
    if (!g || GEOSisEmpty_r(ctx->geos, g) == 1)
        return CPTED_OK;
    unsigned char *wkb = NULL;
    size_t size = 0;
    int rc = cpted__geom_to_wkb(ctx, g, &wkb, &size);
    if (rc != CPTED_OK)
        return rc;
    OGRGeometryH h = NULL;
    OGRErr err = OGR_G_CreateFromWkbEx(wkb, NULL, &h, size);
    cpted__free(wkb);
    if (err != OGRERR_NONE)
        return cpted__error(ctx, CPTED_E_GEOMETRY, "GDAL cannot read a geometry written by GEOS");
    if (OGR_G_GetGeometryType(h) != type)
        h = OGR_G_ForceTo(h, type, NULL);
    *out = h;
    return CPTED_OK;
}

static int write_rows(cpted_context *ctx, const cpted__gdal_errors *cap, OGRLayerH layer,
                      const w_format *format, const cpted__w_layer *l, const char *final_path)
{
    const cpted__w_spec *spec = l->spec;
    size_t dropped = 0;
    for (size_t r = 0; r < l->row_count; r++) {
        const cpted__w_row *row = &l->rows[r];
        OGRGeometryH geom = NULL;
        int rc = to_ogr(ctx, row->geom, (OGRwkbGeometryType)spec->type, &geom);
        if (rc != CPTED_OK)
            return rc;
        if (!geom && !format->null_geometry) {
            dropped++;
            continue;
        }
        OGRFeatureH feature = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        if (geom)
            OGR_F_SetGeometryDirectly(feature, geom);
        for (size_t f = 0; f < spec->field_count; f++) {
            const cpted__w_value *v = &row->values[f];
            int i = (int)f;
            switch (spec->fields[f].kind) {
            case CPTED__W_TEXT:
                if (v->text)
                    OGR_F_SetFieldString(feature, i, v->text);
                else
                    OGR_F_SetFieldNull(feature, i);
                break;
            case CPTED__W_REAL:
                if (isfinite(v->number))
                    OGR_F_SetFieldDouble(feature, i, v->number);
                else
                    OGR_F_SetFieldNull(feature, i);
                break;
            case CPTED__W_INT:
                if (isfinite(v->number))
                    OGR_F_SetFieldInteger64(feature, i, (GIntBig)v->number);
                else
                    OGR_F_SetFieldNull(feature, i);
                break;
            case CPTED__W_BOOL:
                if (isfinite(v->number))
                    OGR_F_SetFieldInteger(feature, i, v->number != 0.0);
                else
                    OGR_F_SetFieldNull(feature, i);
                break;
            }
        }
        OGRErr err = OGR_L_CreateFeature(layer, feature);
        OGR_F_Destroy(feature);
        if (err != OGRERR_NONE)
            return gdal_failure(ctx, cap, "write a feature of", final_path, spec->name);
    }
    if (dropped)
        cpted__log(ctx, CPTED_LOG_WARNING,
                   "%s: %s cannot hold features without geometry; %zu of %zu rows of layer '%s' "
                   "were left out (use GPKG or GeoJSON to keep them)",
                   final_path, format->driver, dropped, l->row_count, spec->name);
    return CPTED_OK;
}

/* Writes the layers of one output into its temporary file. */
/* The GDAL spatial reference of a CRS text; *out NULL for the unnamed local system. */
static int make_srs(cpted_context *ctx, const char *crs, OGRSpatialReferenceH *out)
{
    *out = NULL;
    if (!*crs)
        return CPTED_OK;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!srs || OSRSetFromUserInput(srs, crs) != OGRERR_NONE) {
        if (srs)
            OSRRelease(srs);
        return cpted__error(ctx, CPTED_E_CRS, "GDAL does not understand the output CRS %s", crs);
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER); /* x = east / lon */
    *out = srs;
    return CPTED_OK;
}

/* The QGIS style of every styled layer of a GeoPackage, in a `layer_styles`
 * attribute table laid out as QGIS itself writes it (QGIS applies a layer's
 * default style from there on open; docs/outputs.md "Styles"). */
static int write_styles(cpted_context *ctx, const cpted__gdal_errors *cap, GDALDatasetH ds,
                        const w_output *o, const cpted__w_layer *layers)
{
    static const struct {
        const char *name;
        OGRFieldType type;
        int width;
    } fields[] = {
        {"f_table_catalog", OFTString, 256}, {"f_table_schema", OFTString, 256},
        {"f_table_name", OFTString, 256},    {"f_geometry_column", OFTString, 256},
        {"styleName", OFTString, 30},        {"styleQML", OFTString, 0},
        {"styleSLD", OFTString, 0},          {"useAsDefault", OFTInteger, 0},
        {"description", OFTString, 0},       {"owner", OFTString, 30},
        {"ui", OFTString, 30},               {"update_time", OFTDateTime, 0},
    };
    char fid[] = "FID=id";
    char *options[] = {fid, NULL};
    OGRLayerH table = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, options);
    if (!table)
        return gdal_failure(ctx, cap, "create", o->final_path, "layer_styles");
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        OGRFieldDefnH def = OGR_Fld_Create(fields[f].name, fields[f].type);
        OGR_Fld_SetWidth(def, fields[f].width);
        if (fields[f].type == OFTInteger)
            OGR_Fld_SetSubType(def, OFSTBoolean);
        if (fields[f].type == OFTDateTime)
            OGR_Fld_SetDefault(def, "CURRENT_TIMESTAMP");
        OGRErr err = OGR_L_CreateField(table, def, TRUE);
        OGR_Fld_Destroy(def);
        if (err != OGRERR_NONE)
            return gdal_failure(ctx, cap, "create the fields of", o->final_path, "layer_styles");
    }
    for (size_t i = 0; i < o->layer_count; i++) {
        const char *name = layers[o->first_layer + i].spec->name;
        char *qml = NULL;
        int rc = cpted__style_qml(ctx, name, &qml);
        if (rc != CPTED_OK)
            return rc;
        if (!qml)
            continue;
        OGRLayerH layer = GDALDatasetGetLayerByName(ds, name);
        OGRFeatureH feature = OGR_F_Create(OGR_L_GetLayerDefn(table));
        OGR_F_SetFieldString(feature, 0, "");
        OGR_F_SetFieldString(feature, 1, "");
        OGR_F_SetFieldString(feature, 2, name);
        OGR_F_SetFieldString(feature, 3, layer ? OGR_L_GetGeometryColumn(layer) : "geom");
        OGR_F_SetFieldString(feature, 4, name);
        OGR_F_SetFieldString(feature, 5, qml);
        OGR_F_SetFieldInteger(feature, 7, 1);
        OGR_F_SetFieldString(feature, 8, "cpted result layer style");
        OGRErr err = OGR_L_CreateFeature(table, feature);
        OGR_F_Destroy(feature);
        cpted__free(qml);
        if (err != OGRERR_NONE)
            return gdal_failure(ctx, cap, "write a feature of", o->final_path, "layer_styles");
    }
    return CPTED_OK;
}

static int write_output(cpted_context *ctx, cpted__gdal_errors *cap, GDALDriverH driver,
                        const w_format *format, const w_output *o, const cpted__w_layer *layers)
{
    remove_tmp(o->tmp_path); /* a stale file of a crashed run with our pid */
    GDALDatasetH ds = GDALCreate(driver, o->tmp_path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds)
        return gdal_failure(ctx, cap, "create", o->final_path, NULL);
    int rc = CPTED_OK;
    for (size_t i = 0; i < o->layer_count && rc == CPTED_OK; i++) {
        const cpted__w_layer *l = &layers[o->first_layer + i];
        OGRSpatialReferenceH srs = NULL;
        rc = make_srs(ctx, l->crs, &srs);
        if (rc != CPTED_OK)
            break;
        OGRLayerH layer = GDALDatasetCreateLayer(ds, l->spec->name, srs,
                                                  (OGRwkbGeometryType)l->spec->type, NULL);
        if (srs)
            OSRRelease(srs);
        if (!layer)
            rc = gdal_failure(ctx, cap, "create", o->final_path, l->spec->name);
        if (rc == CPTED_OK)
            rc = write_fields(ctx, cap, layer, l->spec, o->final_path);
        if (rc == CPTED_OK)
            rc = write_rows(ctx, cap, layer, format, l, o->final_path);
    }
    if (rc == CPTED_OK && strcmp(format->driver, "GPKG") == 0)
        rc = write_styles(ctx, cap, ds, o, layers);
    int failures_before_close = cap->failures;
    GDALClose(ds); /* some drivers (FlatGeobuf, GeoJSON) write on close */
    if (rc == CPTED_OK && cap->failures > failures_before_close)
        rc = gdal_failure(ctx, cap, "finish", o->final_path, NULL);
    return rc;
}

static int replace_file(cpted_context *ctx, const char *tmp, const char *final_path)
{
#ifdef _WIN32
    /* rename() does not replace an existing file on Windows */
    if (path_exists(final_path))
        VSIUnlink(final_path);
#endif
    if (VSIRename(tmp, final_path) != 0)
        return cpted__error(ctx, CPTED_E_IO, "cannot move the finished output into place as %s",
                            final_path);
    return CPTED_OK;
}

/* Writes every output to its temporary file, then renames them all into place;
 * on any failure the temporary files are removed and no output is touched. */
static int write_plan(cpted_context *ctx, cpted__gdal_errors *cap, const w_plan *plan,
                      int32_t overwrite, const cpted__w_layer *layers)
{
    int rc = CPTED_OK;
    GDALDriverH driver = GDALGetDriverByName(plan->format->driver);
    if (!driver)
        rc = cpted__error(ctx, CPTED_E_FORMAT, "this GDAL has no %s driver to write %s",
                          plan->format->driver, plan->outputs[0].final_path);
    size_t written = 0; /* outputs whose temporary file may exist */
    while (rc == CPTED_OK && written < plan->count) {
        rc = write_output(ctx, cap, driver, plan->format, &plan->outputs[written], layers);
        written++;
    }
    /* check again just before replacing: another process may have written meanwhile */
    for (size_t i = 0; rc == CPTED_OK && !overwrite && i < plan->count; i++)
        if (path_exists(plan->outputs[i].final_path))
            rc = cpted__error(ctx, CPTED_E_IO, "%s exists; use overwrite",
                              plan->outputs[i].final_path);
    size_t moved = 0;
    while (rc == CPTED_OK && moved < plan->count) {
        rc = replace_file(ctx, plan->outputs[moved].tmp_path, plan->outputs[moved].final_path);
        if (rc == CPTED_OK)
            moved++;
    }
    if (rc != CPTED_OK)
        for (size_t i = moved; i < written; i++)
            remove_tmp(plan->outputs[i].tmp_path);
    return rc;
}

/* ---- the writer object ----------------------------------------------------- */

struct cpted_writer {
    cpted_context *ctx; /* referenced */
    char *path;
    char *driver; /* as given, or NULL: from the extension */
    const w_format *format;
    int32_t overwrite;
    bool committed;
    cpted__w_layer *layers; /* collected, in the order added */
    size_t layer_count, layer_cap;
};

CPTED_API int CPTED_CALL cpted_writer_open(cpted_writer **out, cpted_context *ctx, const char *path,
                                           const char *format, int32_t overwrite)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_writer_open: out is NULL");
    if (!path || !*path)
        return cpted__error(ctx, CPTED_E_INVALID, "output path must not be NULL or empty");
    w_path p = {0};
    int rc = path_split(ctx, path, &p);
    const w_format *fmt = NULL;
    if (rc == CPTED_OK)
        rc = format_resolve(ctx, path, p.ext, format, &fmt);
    path_free(&p);
    if (rc != CPTED_OK)
        return rc;
    if (fmt->multi_layer && !overwrite) {
        cpted__gdal_init();
        cpted__gdal_errors cap;
        cpted__gdal_begin(&cap, ctx);
        bool exists = path_exists(path);
        cpted__gdal_end(&cap);
        if (exists)
            return cpted__error(ctx, CPTED_E_IO, "%s exists; use overwrite", path);
    }
    cpted_writer *w = cpted__calloc(1, sizeof *w);
    if (!w)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    w->ctx = ctx;
    cpted__context_ref(ctx);
    w->path = cpted__strdup(path);
    w->driver = format ? cpted__strdup(format) : NULL;
    w->format = fmt;
    w->overwrite = overwrite != 0;
    if (!w->path || (format && !w->driver)) {
        cpted_writer_free(w);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    }
    *out = w;
    return CPTED_OK;
}

CPTED_API void CPTED_CALL cpted_writer_free(cpted_writer *w)
{
    if (!w)
        return;
    cpted_context *ctx = w->ctx;
    layers_free(ctx, w->layers, w->layer_count);
    cpted__free(w->path);
    cpted__free(w->driver);
    cpted__free(w);
    cpted__context_unref(ctx);
}

/* Fills the layers of one result (borrowed texts), reprojects them to the
 * site's output CRS, copies the texts and appends them to the writer. */
int cpted__writer_add(cpted_writer *w, const cpted_site *site, const cpted__w_spec *specs,
                      size_t spec_count, cpted__w_build_fn build, const void *result,
                      const char *what)
{
    if (!w)
        return CPTED_E_INVALID;
    cpted_context *ctx = w->ctx;
    if (!result || !site)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_writer_add_%s: result is NULL", what);
    if (w->committed)
        return cpted__error(ctx, CPTED_E_INVALID, "%s: the writer is already committed", w->path);
    for (size_t s = 0; s < spec_count; s++)
        for (size_t l = 0; l < w->layer_count; l++)
            if (strcmp(w->layers[l].spec->name, specs[s].name) == 0)
                return cpted__error(ctx, CPTED_E_INVALID,
                                    "%s: layer '%s' is already in this output (one %s result per "
                                    "output)",
                                    w->path, specs[s].name, what);
    if (!cpted__grow((void **)&w->layers, &w->layer_cap, w->layer_count + spec_count,
                     sizeof *w->layers))
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    cpted__w_layer *layers = &w->layers[w->layer_count];
    memset(layers, 0, spec_count * sizeof *layers);
    unsigned long nomem_reports = ctx->nomem_reports;
    int rc = CPTED_OK;
    for (size_t i = 0; i < spec_count && rc == CPTED_OK; i++) {
        layers[i].spec = &specs[i];
        layers[i].crs = cpted__strdup(cpted_site_output_crs(site));
        if (!layers[i].crs)
            rc = cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    }
    if (rc == CPTED_OK)
        rc = build(ctx, result, layers);
    if (rc == CPTED_OK)
        rc = layers_to_output(ctx, site, layers, spec_count);
    int own = layers_own_texts(ctx, layers, spec_count);
    if (rc == CPTED_OK)
        rc = own;
    if (rc == CPTED_OK && !w->format->multi_layer && !w->overwrite) {
        /* single-layer files: their names are known now, fail early */
        cpted__gdal_init();
        cpted__gdal_errors cap;
        cpted__gdal_begin(&cap, ctx);
        w_plan plan;
        rc = plan_make(ctx, w->path, w->driver, layers, spec_count, w->overwrite, &plan);
        if (rc == CPTED_OK)
            plan_free(&plan);
        cpted__gdal_end(&cap);
    }
    if (rc != CPTED_OK) {
        layers_clear(ctx, layers, spec_count);
        /* a builder that ran out of memory may have said "geometry" */
        return cpted__nomem_status(ctx, rc, nomem_reports);
    }
    w->layer_count += spec_count;
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_writer_commit(cpted_writer *w)
{
    if (!w)
        return CPTED_E_INVALID;
    cpted_context *ctx = w->ctx;
    if (w->committed)
        return cpted__error(ctx, CPTED_E_INVALID, "%s: the writer is already committed", w->path);
    if (w->layer_count == 0)
        return cpted__error(ctx, CPTED_E_INVALID, "%s: no result was added to the writer", w->path);
    w->committed = true;
    unsigned long nomem_reports = ctx->nomem_reports;
    cpted__gdal_init();
    cpted__gdal_errors cap;
    cpted__gdal_begin(&cap, ctx);
    w_plan plan;
    int rc = plan_make(ctx, w->path, w->driver, w->layers, w->layer_count, w->overwrite, &plan);
    if (rc == CPTED_OK) {
        rc = write_plan(ctx, &cap, &plan, w->overwrite, w->layers);
        plan_free(&plan);
    }
    cpted__gdal_end(&cap);
    return cpted__nomem_status(ctx, rc, nomem_reports);
}
