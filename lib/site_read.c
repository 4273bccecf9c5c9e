/*
 * site_read.c - opens GIS sources with GDAL/OGR and fills a site: role
 * mapping per feature, attributes, geometry checks and reprojection into one
 * metric working CRS (architecture.md §3, docs/roles.md, docs/crs.md). The
 * coordinate systems are site_read_crs.c's, what OSM sources need beyond a
 * plain one site_read_osm.c's; the reader's state is in site_reader.h.
 *
 * SPDX-License-Identifier: MIT
 *
 * Features go straight into the site, but in their source CRS: the working
 * CRS of lon/lat data (a UTM zone) depends on the extent of all of them. Once
 * everything is read the site gets its CRS and every feature is transformed in
 * place (the reader remembers each feature's source CRS on the side).
 */
/* VSIStatBufL is glibc's struct stat64, hidden by -std=c11 without this. */
#define _LARGEFILE64_SOURCE 1

#include "site_reader.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Attributes copied from plain sources (cpted__feature_set_attribute keys). */
static const char *const kept_keys[] = {"name",  "diameter", "thickness",          "width",
                                        "lanes", "rating",   "required_standoff_m"};
_Static_assert(sizeof kept_keys / sizeof kept_keys[0] == KEPT, "KEPT in site_reader.h");

/* ---- small helpers ------------------------------------------------------ */

int cpted__reader_nomem(reader *r)
{
    return cpted__error(r->ctx, CPTED_E_NOMEM, "out of memory reading the site");
}

/* Index of the role-map entry naming `layer` (case-insensitive), or -1. */
static int map_find(reader *r, const char *layer)
{
    for (size_t i = 0; i < r->map_count; i++) {
        if (strcasecmp(r->map_layer[i], layer) == 0) {
            r->map_used[i] = true;
            return (int)i;
        }
    }
    return -1;
}

static void reader_free(reader *r)
{
    for (size_t i = 0; i < r->map_count; i++)
        cpted__free(r->map_layer[i]);
    cpted__free(r->map_layer);
    cpted__free(r->map_role);
    cpted__free(r->map_used);
    cpted__free(r->assume_crs);
    cpted__free(r->origins);
    for (size_t i = 0; i < r->prefix_count; i++) {
        cpted__free(r->prefixes[i].layer);
        cpted__free(r->prefixes[i].prefix);
    }
    cpted__free(r->prefixes);
    for (size_t i = 0; i < r->crs_count; i++)
        cpted__free(r->crs[i]);
    cpted__free(r->crs);
    cpted__free(r->crs_info);
    for (size_t i = 0; r->source_crs && i < r->source_count; i++)
        cpted__free(r->source_crs[i]);
    cpted__free(r->source_crs);
    cpted__free(r->geojson_crs);
    if (r->wkb)
        GEOSWKBReader_destroy_r(r->ctx->geos, r->wkb);
    for (size_t i = 0; i < r->extra_count; i++) {
        if (r->extras[i].geom)
            GEOSGeom_destroy_r(r->ctx->geos, r->extras[i].geom);
        cpted__free(r->extras[i].ref);
    }
    cpted__free(r->extras);
    for (size_t i = 0; i < r->match_count; i++) {
        cpted__free(r->matches[i].layer);
        cpted__free(r->matches[i].fids);
    }
    cpted__free(r->matches);
}

/* ---- options and the role map -------------------------------------------- */

CPTED_API int CPTED_CALL cpted_site_options_init(cpted_site_options *opts, size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_SITE_OPTIONS_V1_SIZE || struct_size > UINT32_MAX)
        return CPTED_E_VERSION;
    /* A newer caller's larger struct: its unknown tail stays zero (= defaults). */
    memset(opts, 0, struct_size);
    opts->struct_size = (uint32_t)struct_size;
    opts->boundary_margin_m = 20.0;
    opts->lane_width_m = 3.25;
    return CPTED_OK;
}

static int parse_role_map(reader *r)
{
    const cpted_site_options *o = &r->opts;
    if (o->role_map_count == 0)
        return CPTED_OK;
    if (!o->role_map)
        return cpted__error(r->ctx, CPTED_E_INVALID, "role_map is NULL but role_map_count is %zu",
                            o->role_map_count);
    size_t n = o->role_map_count;
    r->map_layer = cpted__calloc(n, sizeof *r->map_layer);
    r->map_role = cpted__calloc(n, sizeof *r->map_role);
    r->map_used = cpted__calloc(n, sizeof *r->map_used);
    if (!r->map_layer || !r->map_role || !r->map_used)
        return cpted__reader_nomem(r);
    for (size_t i = 0; i < n; i++) {
        const char *entry = o->role_map[i];
        const char *eq = entry ? strrchr(entry, '=') : NULL;
        if (!eq || eq == entry)
            return cpted__error(r->ctx, CPTED_E_INVALID,
                                "role map entry '%s' is not of the form LAYER=ROLE",
                                entry ? entry : "(null)");
        if (cpted_role_from_name(&r->map_role[i], eq + 1) != CPTED_OK)
            return cpted__error(r->ctx, CPTED_E_INVALID,
                                "role map entry '%s': unknown role '%s' (roles: asset, building, "
                                "barrier, obstacle, soft, perimeter, ground, road, entry, "
                                "boundary, none)",
                                entry, eq + 1);
        r->map_layer[i] = cpted__malloc((size_t)(eq - entry) + 1);
        if (!r->map_layer[i])
            return cpted__reader_nomem(r);
        memcpy(r->map_layer[i], entry, (size_t)(eq - entry));
        r->map_layer[i][eq - entry] = '\0';
        r->map_count = i + 1;
    }
    return CPTED_OK;
}

/* A --source-crs SOURCE names a path as given, its file name or its stem. */
static bool names_source(const char *name, size_t len, const char *path)
{
    const char *base = path + strlen(path);
    while (base > path && base[-1] != '/' && base[-1] != '\\')
        base--;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return (strlen(path) == len && strncmp(path, name, len) == 0) ||
           (strlen(base) == len && strncmp(base, name, len) == 0) ||
           (stem == len && strncmp(base, name, len) == 0);
}

/* opts.source_crs -> r->source_crs (docs/crs.md, "Overriding a source's CRS"). */
static int parse_source_crs(reader *r, const char *const *paths)
{
    const cpted_site_options *o = &r->opts;
    if (o->source_crs_count == 0)
        return CPTED_OK;
    if (!o->source_crs)
        return cpted__error(r->ctx, CPTED_E_INVALID, "source_crs is NULL but source_crs_count is %zu",
                            o->source_crs_count);
    r->source_crs = cpted__calloc(r->source_count, sizeof *r->source_crs);
    if (!r->source_crs)
        return cpted__reader_nomem(r);
    char *all = NULL;
    int rc = CPTED_OK;
    for (size_t i = 0; i < o->source_crs_count && rc == CPTED_OK; i++) {
        const char *entry = o->source_crs[i] ? o->source_crs[i] : "";
        const char *eq = strchr(entry, '=');
        size_t len = eq ? (size_t)(eq - entry) : 0;
        bool named = false;
        for (size_t k = 0; eq && k < r->source_count; k++)
            named = named || names_source(entry, len, paths[k]);
        char *crs = NULL;
        rc = cpted__crs_normalize(r->ctx, named ? eq + 1 : entry, false, &crs);
        if (rc != CPTED_OK) {
            rc = cpted__error(r->ctx, rc, "source CRS '%s': %s%s", entry,
                              cpted_context_last_error(r->ctx),
                              eq && !named ? " (and no source is named by what precedes '=')"
                                           : "");
            break;
        }
        if (!named) {
            if (all) {
                cpted__free(crs);
                rc = cpted__error(r->ctx, CPTED_E_INVALID,
                                  "source CRS '%s': a CRS for all sources is already given", entry);
                break;
            }
            all = crs;
            continue;
        }
        for (size_t k = 0; k < r->source_count && rc == CPTED_OK; k++) {
            if (!names_source(entry, len, paths[k]))
                continue;
            if (r->source_crs[k])
                rc = cpted__error(r->ctx, CPTED_E_INVALID,
                                  "source CRS '%s': '%s' already has a CRS override", entry,
                                  paths[k]);
            else if (!(r->source_crs[k] = cpted__strdup(crs)))
                rc = cpted__reader_nomem(r);
        }
        cpted__free(crs);
    }
    for (size_t k = 0; all && rc == CPTED_OK && k < r->source_count; k++)
        if (!r->source_crs[k] && !(r->source_crs[k] = cpted__strdup(all)))
            rc = cpted__reader_nomem(r);
    cpted__free(all);
    return rc;
}

/* ---- one feature ------------------------------------------------------------ */

/* A bad feature: an error naming it, or a counted warning when the caller is
 * lenient or the source is OSM (real extracts always contain broken objects,
 * e.g. relations cut at the extract's edge). */
static int reject(const layer_ctx *lc, size_t group, const char *layer, int64_t fid,
                  const char *ref, int status, const char *why, const char *detail)
{
    reader *r = lc->r;
    if (!detail) /* every caller formats one: NULL is a failed allocation */
        return cpted__reader_nomem(r);
    if (!r->opts.lenient && lc->kind != SRC_OSM)
        return cpted__error(r->ctx, status, "'%s' layer '%s' feature %lld%s: %s%s", lc->source,
                            layer, (long long)fid, ref, why, detail);
    r->site->groups[group].skipped++;
    return cpted__site_warn(r->site, "'%s' layer '%s' feature %lld%s: %s%s; skipped", lc->source,
                            layer, (long long)fid, ref, why, detail);
}

/* OGR geometry -> GEOS (2D, curves linearised); NULL when GEOS cannot read it. */
GEOSGeometry *cpted__reader_ogr_to_geos(reader *r, OGRGeometryH g)
{
    OGRGeometryH linear = NULL;
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        linear = OGR_G_GetLinearGeometry(g, 0.0, NULL);
        if (!linear)
            return NULL;
        g = linear;
    }
    OGR_G_FlattenTo2D(g); /* analyses are planar: Z (and M) are dropped */
    size_t n = OGR_G_WkbSizeEx(g);
    unsigned char *buf = cpted__malloc(n);
    GEOSGeometry *out = NULL;
    if (!buf)
        cpted__reader_nomem(r); /* read_feature tells this from unreadable geometry */
    if (buf && OGR_G_ExportToIsoWkb(g, wkbNDR, buf) == OGRERR_NONE) {
        r->ctx->geos_message[0] = '\0';
        out = GEOSWKBReader_read_r(r->ctx->geos, r->wkb, buf, n);
    }
    cpted__free(buf);
    if (linear)
        OGR_G_DestroyGeometry(linear);
    return out;
}


static bool needs_area(int32_t role)
{
    return role == CPTED_ROLE_ASSET || role == CPTED_ROLE_BUILDING || role == CPTED_ROLE_GROUND ||
           role == CPTED_ROLE_BOUNDARY;
}

/* GDAL turns a DXF CIRCLE into a closed line of many vertices. On a layer of
 * elements (bollards, planters, trees) it is the element's outline, not a wall
 * of some thickness along a ring: buffering it as a line would widen the
 * element by the default wall thickness and make gaps look narrower than they
 * are, the unsafe direction. Such a circle becomes the disc it outlines. */
static bool is_element_outline(cpted_context *ctx, int32_t role, const GEOSGeometry *g)
{
    if (role != CPTED_ROLE_BARRIER && role != CPTED_ROLE_OBSTACLE && role != CPTED_ROLE_SOFT)
        return false;
    double cx, cy, r;
    return cpted__line_is_circle(ctx, g, &cx, &cy, &r);
}

/* Coordinates that the layer's CRS cannot hold (a vertex at 1e308; projected
 * numbers in a lon/lat file) are refused before any repair or reprojection
 * would turn them into another shape (docs/crs.md). Returns the reason, or
 * NULL; *status and `detail` say more. Non-finite values are left to the
 * geometry check. */
static const char *implausible(const layer_ctx *lc, const GEOSGeometry *g, int *status,
                               char *detail, size_t size)
{
    reader *r = lc->r;
    GEOSContextHandle_t h = r->ctx->geos;
    double e[4];
    if (!cpted__feature_bounds(h, g, e))
        return NULL;
    for (int i = 0; i < 4; i++)
        if (!isfinite(e[i]))
            return NULL;
    const crs_info *info = &r->crs_info[lc->crs];
    const double *b = info->box;
    if (e[0] >= b[0] && e[1] >= b[1] && e[2] <= b[2] && e[3] <= b[3])
        return NULL;
    double ax = fmax(fabs(e[0]), fabs(e[2])), ay = fmax(fabs(e[1]), fabs(e[3]));
    const char *crs = r->crs[lc->crs];
    if (info->geographic) {
        *status = CPTED_E_CRS;
        if (!(ax > b[2] * 2.0 || ay > b[3] * 2.0)) {
            snprintf(detail, size,
                     " (|x| up to %.10g, |y| up to %.10g; the layer's CRS %.200s is lon/lat: "
                     "longitudes within +-%g, latitudes within +-%g)",
                     ax, ay, crs, b[2], b[3]);
            return "coordinates outside lon/lat limits";
        }
        if (r->geojson == CPTED__GEOJSON_NO_CRS)
            snprintf(detail, size,
                     " (|x| up to %.10g, |y| up to %.10g); the file declares no CRS, so "
                     "GeoJSON's default WGS 84 lon/lat was assumed: give the CRS with "
                     "--source-crs",
                     ax, ay);
        else
            snprintf(detail, size,
                     " (|x| up to %.10g, |y| up to %.10g) but the layer's CRS %.200s is "
                     "lon/lat; if it is wrong, give the right one with --source-crs",
                     ax, ay, crs);
        return "coordinates look projected, not lon/lat";
    }
    *status = CPTED_E_GEOMETRY;
    snprintf(detail, size,
             " (x %.10g to %.10g, y %.10g to %.10g; plausible for %.200s: x %.0f to %.0f, y %.0f "
             "to %.0f)",
             e[0], e[2], e[1], e[3], *crs ? crs : "the local CRS", b[0], b[2], b[1], b[3]);
    return "coordinates far outside the area of use of the layer's CRS";
}

/* Copies the kept attributes of a plain/DXF feature; a bad value rejects it.
 * *highway borrows the road class from `feat` (valid until its next field read). */
static int plain_attributes(const layer_ctx *lc, OGRFeatureH feat, cpted__feature *f,
                            const char *layer, const char **highway, bool *rejected)
{
    for (size_t k = 0; k < KEPT; k++) {
        int idx = lc->idx_attr[k];
        if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(feat, idx))
            continue;
        const char *value = OGR_F_GetFieldAsString(feat, idx);
        const char *why = NULL;
        int rc = cpted__feature_set_attribute(f, kept_keys[k], value, &why);
        if (rc == CPTED_E_NOMEM)
            return cpted__reader_nomem(lc->r);
        if (rc != CPTED_OK) {
            char *detail = cpted__printf(" %s='%s': %s", kept_keys[k], value, why);
            rc = reject(lc, f->group, layer, f->fid, "", rc, "bad attribute", detail);
            cpted__free(detail);
            *rejected = true;
            return rc;
        }
    }
    if (lc->idx_highway >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_highway))
        *highway = OGR_F_GetFieldAsString(feat, lc->idx_highway);
    return CPTED_OK;
}

/* OSM: name, width, lanes and diameter from the tags; a value that is not a
 * number is ignored with a warning (tags are free text). *highway borrows the
 * road class from f->kind. */
/* ---- feature ids ------------------------------------------------------------- */

/* "dir/copy.geojson" -> "copy", "shapes/" -> "shapes"; cpted__free. */
static char *file_stem(const char *path)
{
    size_t end = strlen(path);
    while (end > 1 && (path[end - 1] == '/' || path[end - 1] == '\\'))
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/' && path[start - 1] != '\\')
        start--;
    for (size_t i = end; i-- > start + 1;) {
        if (path[i] == '.') {
            end = i;
            break;
        }
    }
    char *stem = cpted__malloc(end - start + 1);
    if (stem) {
        memcpy(stem, path + start, end - start);
        stem[end - start] = '\0';
    }
    return stem;
}

static bool prefix_taken(const reader *r, const char *prefix)
{
    for (size_t i = 0; i < r->prefix_count; i++)
        if (strcmp(r->prefixes[i].prefix, prefix) == 0)
            return true;
    return false;
}

/* Ids are "prefix:fid" with fid unique within one (source, layer). The prefix
 * is the layer name, unless features of an earlier source already use it
 * (the same file twice, two OSM extracts); then "stem/layer", "stem#2/layer",
 * ... (docs/roles.md). Fixed at a layer's first feature, so ids follow the
 * reading order. Borrowed text, or NULL when out of memory. */
static const char *unique_prefix(reader *r, const char *source, const char *layer)
{
    for (size_t i = r->prefix_count; i-- > 0;)
        if (r->prefixes[i].source == r->source_index && strcmp(r->prefixes[i].layer, layer) == 0)
            return r->prefixes[i].prefix;
    if (!cpted__grow((void **)&r->prefixes, &r->prefix_cap, r->prefix_count + 1,
                     sizeof *r->prefixes))
        return NULL;
    char *stem = NULL, *prefix = cpted__strdup(layer);
    for (unsigned n = 1; prefix && prefix_taken(r, prefix); n++) {
        cpted__free(prefix);
        prefix = NULL;
        if (!stem && !(stem = file_stem(source)))
            break;
        prefix = n == 1 ? cpted__printf("%s/%s", stem, layer)
                        : cpted__printf("%s#%u/%s", stem, n, layer);
    }
    cpted__free(stem);
    id_prefix *p = &r->prefixes[r->prefix_count];
    p->source = r->source_index;
    p->layer = cpted__strdup(layer);
    p->prefix = prefix;
    if (!p->layer || !p->prefix) {
        cpted__free(p->layer);
        cpted__free(p->prefix);
        return NULL;
    }
    r->prefix_count++;
    return prefix;
}

/* Gives the feature its id and hands it to the site (in its source CRS). */
static int push_feature(reader *r, const layer_ctx *lc, const char *layer, cpted__feature *f,
                        bool repaired)
{
    const char *prefix = unique_prefix(r, lc->source, layer);
    f->id = prefix ? cpted__printf("%s:%lld", prefix, (long long)f->fid) : NULL;
    if (!f->id || !cpted__grow((void **)&r->origins, &r->origin_cap, r->site->feature_count + 1,
                               sizeof *r->origins)) {
        cpted__feature_clear(r->ctx, f);
        return cpted__reader_nomem(r);
    }
    r->origins[r->site->feature_count] = (origin){lc->crs, repaired};
    return cpted__site_push(r->site, f);
}

/* ---- assets_where ------------------------------------------------------------ */

static int compare_fid(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Applies assets_where to one layer and records the fids it matches; the
 * layer's filter is cleared again. */
static int filter_layer(reader *r, const char *path, OGRLayerH layer, cpted__gdal_errors *cap)
{
    const char *name = OGR_L_GetName(layer);
    cap->last[0] = '\0';
    if (OGR_L_SetAttributeFilter(layer, r->opts.assets_where) != OGRERR_NONE) {
        int rc = cpted__error(r->ctx, CPTED_E_INVALID, "assets_where '%s' on '%s' layer '%s': %s",
                              r->opts.assets_where, path, name,
                              cap->last[0] ? cap->last : "not a valid OGR SQL filter");
        OGR_L_SetAttributeFilter(layer, NULL);
        return rc;
    }
    if (!cpted__grow((void **)&r->matches, &r->match_cap, r->match_count + 1, sizeof *r->matches))
        return cpted__reader_nomem(r);
    where_match *m = &r->matches[r->match_count];
    memset(m, 0, sizeof *m);
    m->source = r->source_index;
    if (!(m->layer = cpted__strdup(name)))
        return cpted__reader_nomem(r);
    r->match_count++;
    OGR_L_ResetReading(layer);
    OGRFeatureH feat;
    int rc = CPTED_OK;
    while (rc == CPTED_OK && (feat = OGR_L_GetNextFeature(layer)) != NULL) {
        if (!cpted__grow((void **)&m->fids, &m->cap, m->count + 1, sizeof *m->fids))
            rc = cpted__reader_nomem(r);
        else
            m->fids[m->count++] = OGR_F_GetFID(feat);
        OGR_F_Destroy(feat);
    }
    OGR_L_SetAttributeFilter(layer, NULL);
    OGR_L_ResetReading(layer);
    if (m->count > 1)
        qsort(m->fids, m->count, sizeof *m->fids, compare_fid);
    return rc;
}

/* The layers whose features may be buildings: OSM multipolygons (read from a
 * second handle, so the one-pass reading stays untouched); in other sources the
 * layers named or mapped as buildings or assets, layers with a `role` field and
 * DXF entities. */
static int where_prepass(reader *r, const char *path, GDALDatasetH ds, int kind,
                         cpted__gdal_errors *cap)
{
    if (kind == SRC_OSM) {
        GDALDatasetH second =
            GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        if (!second)
            return cpted__error(r->ctx, CPTED_E_IO, "cannot open '%s' again: %s", path, cap->last);
        OGRLayerH l = GDALDatasetExecuteSQL(second, "SET interest_layers = multipolygons", NULL,
                                            NULL);
        if (l)
            GDALDatasetReleaseResultSet(second, l);
        OGRLayerH mp = GDALDatasetGetLayerByName(second, "multipolygons");
        int rc = mp ? filter_layer(r, path, mp, cap) : CPTED_OK;
        GDALClose(second);
        return rc;
    }
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n; i++) {
        OGRLayerH layer = GDALDatasetGetLayer(ds, i);
        const char *name = OGR_L_GetName(layer);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
        int32_t role = CPTED_ROLE_NONE;
        bool mapped = false;
        for (size_t k = 0; k < r->map_count && !mapped; k++)
            if (strcasecmp(r->map_layer[k], name) == 0)
                role = r->map_role[k], mapped = true;
        if (!mapped && cpted_role_from_name(&role, name) != CPTED_OK)
            role = CPTED_ROLE_NONE;
        bool candidate = kind == SRC_DXF || role == CPTED_ROLE_BUILDING ||
                         role == CPTED_ROLE_ASSET || OGR_FD_GetFieldIndex(defn, "role") >= 0;
        if (!candidate || OGR_FD_GetGeomFieldCount(defn) == 0)
            continue;
        int rc = filter_layer(r, path, layer, cap);
        if (rc != CPTED_OK)
            return rc;
    }
    return CPTED_OK;
}

/* True when assets_where matched feature `fid` of OGR layer `layer` of the
 * source being read. */
static bool where_matched(const reader *r, const char *layer, int64_t fid)
{
    for (size_t i = 0; i < r->match_count; i++) {
        const where_match *m = &r->matches[i];
        if (m->source == r->source_index && strcmp(m->layer, layer) == 0)
            return m->count && bsearch(&fid, m->fids, m->count, sizeof *m->fids, compare_fid);
    }
    return false;
}

/* ---- reading a feature ------------------------------------------------------- */

static int read_feature(const layer_ctx *lc, OGRFeatureH feat)
{
    reader *r = lc->r;
    cpted_context *ctx = r->ctx;
    cpted_site *site = r->site;
    int64_t fid = OGR_F_GetFID(feat);
    const char *layer = lc->layer;
    if (lc->kind == SRC_DXF) {
        layer = lc->idx_dxf_layer >= 0 ? OGR_F_GetFieldAsString(feat, lc->idx_dxf_layer) : "";
        if (!*layer)
            layer = "0"; /* DXF's default layer */
    }
    char ref[64];
    cpted__reader_osm_ref(lc, feat, ref, sizeof ref);
    osm_tags tags = {lc, feat, NULL};
    if (lc->kind == SRC_OSM) {
        int rc = cpted__reader_collect_osm_extra(lc, feat, &tags);
        if (rc != CPTED_OK) {
            cpted__free(tags.scratch);
            return rc;
        }
    }

    /* Role, by precedence: role map, `role` attribute, layer name, OSM preset. */
    int32_t name_role = CPTED_ROLE_NONE;
    bool by_name = cpted_role_from_name(&name_role, layer) == CPTED_OK;
    int32_t role = CPTED_ROLE_NONE;
    char *kind = NULL;
    bool unverified = false, operable = false;
    int m = r->boundary_source ? -1 : map_find(r, layer);
    int rc = CPTED_OK;
    if (r->boundary_source) {
        role = CPTED_ROLE_BOUNDARY;
    } else if (m >= 0) {
        role = r->map_role[m];
    } else if (lc->idx_role >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_role) &&
               *OGR_F_GetFieldAsString(feat, lc->idx_role)) {
        const char *value = OGR_F_GetFieldAsString(feat, lc->idx_role);
        if (cpted_role_from_name(&role, value) != CPTED_OK) {
            size_t g = cpted__site_group(site, lc->source, layer,
                                         by_name ? name_role : CPTED_ROLE_NONE);
            if (g == CPTED__NO_LAYER)
                return cpted__reader_nomem(r);
            char *detail = cpted__printf(" '%s'", value);
            rc = reject(lc, g, layer, fid, ref, CPTED_E_FORMAT, "unknown role in attribute 'role':",
                        detail);
            cpted__free(detail);
            return rc;
        }
    } else if (by_name) {
        role = name_role;
    } else if (lc->kind == SRC_OSM) {
        cpted__osm_class oc;
        rc = cpted__osm_role(&oc, lc->dim, r->opts.gates_closed != 0, cpted__reader_osm_tag,
                             &tags);
        if (rc != CPTED_OK) {
            cpted__free(tags.scratch);
            return cpted__reader_nomem(r);
        }
        role = oc.role;
        kind = oc.kind;
        unverified = oc.unverified_row;
        operable = oc.operable;
        if (oc.open_building) { /* building=roof/construction: counted, not blocking */
            r->open_buildings++;
            cpted__free(kind);
            kind = NULL;
        }
    }
    size_t g = cpted__site_group(site, lc->source, layer, role);
    if (g == CPTED__NO_LAYER || role == CPTED_ROLE_NONE) {
        cpted__free(kind);
        cpted__free(tags.scratch);
        if (g == CPTED__NO_LAYER)
            return cpted__reader_nomem(r);
        site->groups[g].features++; /* counted, not kept */
        return CPTED_OK;
    }

    cpted__feature f;
    memset(&f, 0, sizeof f);
    f.role = role;
    f.group = g;
    f.fid = fid;
    f.kind = kind;
    f.unverified_row = unverified;
    f.operable = operable;
    f.picked = (role == CPTED_ROLE_BUILDING || role == CPTED_ROLE_ASSET) && r->match_count &&
               where_matched(r, lc->layer, fid);
    f.diameter_m = f.thickness_m = f.width_m = f.lanes = f.required_standoff_m = NAN;

    /* Geometry, checked in the source CRS: NaN must be caught before PROJ. */
    OGRGeometryH og = OGR_F_GetGeometryRef(feat);
    const char *why = NULL;
    bool repaired = false;
    if (!og || OGR_G_IsEmpty(og)) {
        why = "empty geometry";
    } else {
        unsigned long nomem_reports = ctx->nomem_reports;
        f.geom = cpted__reader_ogr_to_geos(r, og);
        if (!f.geom && ctx->nomem_reports != nomem_reports) {
            /* not a broken geometry, which an OSM source would skip */
            cpted__feature_clear(ctx, &f);
            cpted__free(tags.scratch);
            return CPTED_E_NOMEM;
        }
        if (!f.geom)
            why = lc->kind == SRC_OSM ? "ring not closed or with fewer than 4 points (an object "
                                        "cut at the extract's edge)"
                                      : "geometry GEOS cannot read";
    }
    char where[512];
    int status = CPTED_E_GEOMETRY;
    const char *far = f.geom ? implausible(lc, f.geom, &status, where, sizeof where) : NULL;
    if (far) {
        rc = reject(lc, g, layer, fid, ref, status, far, where);
        cpted__feature_clear(ctx, &f);
        cpted__free(tags.scratch);
        return rc;
    }
    if (f.geom && lc->kind == SRC_DXF &&
        (needs_area(role) || is_element_outline(ctx, role, f.geom)))
        f.geom = cpted__closed_line_to_polygon(ctx, f.geom); /* CAD has no polygons */
    if (!why) {
        rc = cpted__site_check_geometry(ctx, role, &f.geom, &repaired, &why);
        if (rc == CPTED_E_NOMEM) {
            cpted__feature_clear(ctx, &f);
            cpted__free(tags.scratch);
            return cpted__reader_nomem(r);
        }
    }
    if (why) {
        char *detail = cpted__printf(" (role %s)", cpted_role_name(role));
        rc = reject(lc, g, layer, fid, ref, CPTED_E_GEOMETRY, why, detail);
        cpted__free(detail);
        cpted__feature_clear(ctx, &f);
        cpted__free(tags.scratch);
        return rc;
    }

    bool rejected = false;
    const char *highway = NULL;
    rc = lc->kind == SRC_OSM ? cpted__reader_osm_attributes(lc, &tags, &f, ref, &highway)
                             : plain_attributes(lc, feat, &f, layer, &highway, &rejected);
    if (rc == CPTED_OK && !rejected && role == CPTED_ROLE_ROAD)
        f.width_m = cpted__road_width(site, f.width_m, f.lanes, highway);
    cpted__free(tags.scratch);
    if (rc == CPTED_OK && !rejected && repaired) {
        site->groups[g].repaired++;
        rc = cpted__site_warn(site, "'%s' layer '%s' feature %lld%s: invalid polygon repaired",
                              lc->source, layer, (long long)fid, ref);
    }
    if (rc == CPTED_OK && !rejected && f.operable && f.kind &&
        strncmp(f.kind, "barrier=bollard;", 16) == 0)
        rc = cpted__site_warn(site,
                              "'%s' layer '%s' feature %lld%s: %s is an operable bollard: %s",
                              lc->source, layer, (long long)fid, ref, f.kind,
                              r->opts.gates_closed ? "modelled up (gates_closed)"
                                                   : "modelled lowered, not blocking (give "
                                                     "gates_closed to model it up)");
    if (rc != CPTED_OK || rejected) {
        cpted__feature_clear(ctx, &f);
        return rc;
    }
    return push_feature(r, lc, layer, &f, repaired);
}

/* ---- layers and sources ------------------------------------------------------ */

static int layer_setup(reader *r, layer_ctx *lc, const char *path, OGRLayerH layer, int kind)
{
    memset(lc, 0, sizeof *lc);
    lc->r = r;
    lc->source = path;
    lc->layer = OGR_L_GetName(layer);
    lc->handle = layer;
    lc->kind = kind;
    lc->crs = NO_CRS;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    if (OGR_FD_GetGeomFieldCount(defn) == 0) {
        cpted__log(r->ctx, CPTED_LOG_NOTICE, "'%s' layer '%s' has no geometry; ignored", path,
                   lc->layer);
        return CPTED_OK;
    }
    lc->idx_role = OGR_FD_GetFieldIndex(defn, "role");
    lc->idx_highway = OGR_FD_GetFieldIndex(defn, "highway");
    lc->idx_dxf_layer = kind == SRC_DXF ? OGR_FD_GetFieldIndex(defn, "Layer") : -1;
    lc->idx_other_tags = kind == SRC_OSM ? OGR_FD_GetFieldIndex(defn, "other_tags") : -1;
    lc->idx_osm_id = kind == SRC_OSM ? OGR_FD_GetFieldIndex(defn, "osm_id") : -1;
    lc->idx_osm_way_id = kind == SRC_OSM ? OGR_FD_GetFieldIndex(defn, "osm_way_id") : -1;
    for (size_t k = 0; k < KEPT; k++)
        lc->idx_attr[k] = OGR_FD_GetFieldIndex(defn, kept_keys[k]);
    lc->dim = -1;
    if (kind == SRC_OSM) {
        static const struct {
            const char *layer;
            int dim;
        } osm_layers[] = {{"points", 0}, {"lines", 1}, {"multilinestrings", 1}, {"multipolygons", 2}};
        for (size_t i = 0; i < sizeof osm_layers / sizeof osm_layers[0]; i++)
            if (strcmp(lc->layer, osm_layers[i].layer) == 0)
                lc->dim = osm_layers[i].dim;
    }
    return cpted__reader_layer_crs(r, path, layer, &lc->crs);
}

/* A layer that gave no group (empty, or with no features) is still listed. */
static int list_layer(reader *r, const layer_ctx *lc, size_t groups_before)
{
    const cpted_site *site = r->site;
    for (size_t i = groups_before; i < site->group_count; i++)
        if (strcmp(site->groups[i].source, lc->source) == 0 &&
            (lc->kind == SRC_DXF || strcmp(site->groups[i].layer, lc->layer) == 0))
            return CPTED_OK;
    int32_t role = CPTED_ROLE_NONE;
    int m = map_find(r, lc->layer);
    if (m >= 0)
        role = r->map_role[m];
    else if (cpted_role_from_name(&role, lc->layer) != CPTED_OK)
        role = CPTED_ROLE_NONE;
    return cpted__site_group(r->site, lc->source, lc->layer, role) == CPTED__NO_LAYER
               ? cpted__reader_nomem(r)
               : CPTED_OK;
}

/* Progress and interrupt, every POLL_EVERY features. */
static int poll(reader *r, double fraction_of_source)
{
    if (++r->seen % POLL_EVERY != 0)
        return CPTED_OK;
    if (cpted__interrupted(r->ctx))
        return cpted__error(r->ctx, CPTED_E_INTERRUPTED, "interrupted while reading the site");
    double f = fraction_of_source < 0.0 ? 0.0 : fraction_of_source > 1.0 ? 1.0 : fraction_of_source;
    cpted__progress(r->ctx, (r->source_index + f) / (double)r->source_count, "read");
    return CPTED_OK;
}

static int read_layers(reader *r, const char *path, GDALDatasetH ds, int kind,
                       cpted__gdal_errors *cap)
{
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n; i++) {
        layer_ctx lc;
        OGRLayerH layer = GDALDatasetGetLayer(ds, i);
        int rc = layer_setup(r, &lc, path, layer, kind);
        if (rc != CPTED_OK)
            return rc;
        if (lc.crs == NO_CRS)
            continue; /* no geometry */
        size_t groups_before = r->site->group_count;
        GIntBig total = OGR_L_GetFeatureCount(layer, FALSE);
        GIntBig done = 0;
        int failures = cap->failures;
        OGR_L_ResetReading(layer);
        OGRFeatureH feat;
        while ((feat = OGR_L_GetNextFeature(layer)) != NULL) {
            rc = read_feature(&lc, feat);
            OGR_F_Destroy(feat);
            done++;
            if (rc == CPTED_OK)
                rc = poll(r, (i + (total > 0 ? (double)done / (double)total : 0.0)) / n);
            if (rc != CPTED_OK)
                return rc;
        }
        if (cap->failures > failures)
            return cpted__error(r->ctx, CPTED_E_FORMAT, "cannot read '%s' layer '%s': %s", path,
                                lc.layer, cap->last);
        rc = list_layer(r, &lc, groups_before);
        if (rc != CPTED_OK)
            return rc;
    }
    return CPTED_OK;
}

/* The OSM driver must be read in file order across its layers (interleaved
 * reading), which GDALDatasetGetNextFeature does in one pass. */
static int read_osm(reader *r, const char *path, GDALDatasetH ds)
{
    int n = GDALDatasetGetLayerCount(ds);
    layer_ctx *lcs = cpted__calloc((size_t)(n > 0 ? n : 1), sizeof *lcs);
    if (!lcs)
        return cpted__reader_nomem(r);
    int rc = CPTED_OK;
    for (int i = 0; i < n && rc == CPTED_OK; i++)
        rc = layer_setup(r, &lcs[i], path, GDALDatasetGetLayer(ds, i), SRC_OSM);
    OGRFeatureH feat;
    OGRLayerH layer = NULL;
    double pct = 0.0;
    while (rc == CPTED_OK &&
           (feat = GDALDatasetGetNextFeature(ds, &layer, &pct, NULL, NULL)) != NULL) {
        for (int i = 0; i < n; i++) {
            if (lcs[i].handle == layer && lcs[i].crs != NO_CRS) {
                rc = read_feature(&lcs[i], feat);
                break;
            }
        }
        OGR_F_Destroy(feat);
        if (rc == CPTED_OK)
            rc = poll(r, pct);
    }
    for (int i = 0; i < n && rc == CPTED_OK; i++)
        if (lcs[i].crs != NO_CRS)
            rc = list_layer(r, &lcs[i], 0);
    cpted__free(lcs);
    return rc;
}

static int read_source(reader *r, const char *path)
{
    cpted__gdal_errors cap;
    cpted__gdal_begin(&cap, r->ctx);
    int rc = CPTED_OK;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        /* say why the file itself cannot be read before blaming its format */
        VSIStatBufL st;
        VSILFILE *f = NULL;
        errno = 0;
        if (VSIStatL(path, &st) != 0) {
            int e = errno;
            rc = cpted__error(r->ctx, CPTED_E_IO, "cannot open '%s': %s", path,
                              e == ELOOP    ? "too many levels of symbolic links (a symlink loop)"
                              : e == EACCES ? "permission denied"
                                            : "No such file");
        } else if (!VSI_ISDIR(st.st_mode) && (errno = 0, f = VSIFOpenL(path, "rb")) == NULL &&
                   errno == EACCES) {
            rc = cpted__error(r->ctx, CPTED_E_IO, "cannot open '%s': permission denied", path);
        } else {
            rc = cpted__error(r->ctx, CPTED_E_FORMAT, "cannot open '%s': %s", path,
                              cap.last[0] ? cap.last : "not a vector format GDAL can read");
        }
        if (f)
            VSIFCloseL(f);
        cpted__gdal_end(&cap);
        return rc;
    }
    const char *driver = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
    r->ds = ds;
    r->geojson = CPTED__GEOJSON_UNREAD;
    cpted__free(r->geojson_crs);
    r->geojson_crs = NULL;
    if (strcmp(driver, "GeoJSON") == 0 && !(r->source_crs && r->source_crs[r->source_index])) {
        r->geojson = cpted__geojson_crs(path, &r->geojson_crs);
        if (r->geojson >= CPTED__GEOJSON_NAMED && !r->geojson_crs)
            rc = cpted__reader_nomem(r);
    }
    int kind = strcmp(driver, "OSM") == 0 ? SRC_OSM : strcmp(driver, "DXF") == 0 ? SRC_DXF
                                                                                 : SRC_PLAIN;
    /* before reading: it reads the building layers itself */
    if (rc == CPTED_OK && r->opts.assets_where && !r->boundary_source)
        rc = where_prepass(r, path, ds, kind, &cap);
    if (rc == CPTED_OK)
        rc = kind == SRC_OSM ? read_osm(r, path, ds) : read_layers(r, path, ds, kind, &cap);
    GDALClose(ds);
    r->ds = NULL;
    cpted__gdal_end(&cap);
    return rc;
}



/* Warnings about the whole load: layers with no role, unused role map entries. */
static int closing_warnings(reader *r)
{
    cpted_site *site = r->site;
    int rc = CPTED_OK;
    for (size_t i = 0; i < site->group_count && rc == CPTED_OK; i++) {
        const cpted__group *g = &site->groups[i];
        /* (a group made only by a rejected feature has its own warning) */
        if (g->role == CPTED_ROLE_NONE && (g->features > 0 || g->skipped == 0))
            rc = cpted__site_warn(site,
                                  "'%s' layer '%s': no role for %lld feature(s), ignored; map "
                                  "it with --role '%s=ROLE'",
                                  g->source, g->layer, (long long)g->features, g->layer);
    }
    for (size_t i = 0; i < r->map_count && rc == CPTED_OK; i++)
        if (!r->map_used[i])
            rc = cpted__site_warn(site, "role map entry '%s' matched no layer",
                                  r->opts.role_map[i]);
    return rc;
}

/* ---- the study boundary given as an option ---------------------------------- */

/* "minx,miny,maxx,maxy": four finite numbers with minx < maxx, miny < maxy. */
static bool parse_bbox(const char *text, double bbox[4])
{
    const char *p = text;
    for (int i = 0; i < 4; i++) {
        const char *end = NULL;
        if (!cpted__strtod(p, &bbox[i], &end) || !isfinite(bbox[i]))
            return false;
        p = end;
        while (*p == ' ')
            p++;
        if (i < 3 && *p++ != ',')
            return false;
    }
    return *p == '\0' && bbox[0] < bbox[2] && bbox[1] < bbox[3];
}

/* Little-endian ISO WKB of a polygon with one ring of n points (xy). */
static unsigned char *ring_wkb(const double *xy, uint32_t n, size_t *size_out)
{
    size_t size = 1 + 4 + 4 + 4 + (size_t)n * 16;
    unsigned char *b = cpted__malloc(size), *p = b;
    if (!b)
        return NULL;
    const uint32_t head[3] = {3, 1, n}; /* polygon, one ring, n points */
    *p++ = 1;
    for (int i = 0; i < 3; i++, p += 4)
        for (int k = 0; k < 4; k++)
            p[k] = (unsigned char)(head[i] >> (8 * k));
    for (uint32_t i = 0; i < 2 * n; i++, p += 8) {
        uint64_t bits;
        memcpy(&bits, &xy[i], 8);
        for (int k = 0; k < 8; k++)
            p[k] = (unsigned char)(bits >> (8 * k));
    }
    *size_out = size;
    return b;
}

/* The bbox, given in the output CRS, as a boundary feature in the working
 * CRS: each edge sampled at EDGE_SAMPLES points, so a rectangle in lon/lat
 * keeps its curved edges in a projected working CRS. */
static int add_bbox_boundary(reader *r, const double bbox[4])
{
    enum { EDGE_SAMPLES = 32, N = 4 * EDGE_SAMPLES + 1 };
    cpted_site *site = r->site;
    double xy[2 * N];
    const double corner[5][2] = {{bbox[0], bbox[1]}, {bbox[2], bbox[1]}, {bbox[2], bbox[3]},
                                 {bbox[0], bbox[3]}, {bbox[0], bbox[1]}};
    for (int e = 0, k = 0; e < 4; e++)
        for (int i = 0; i < EDGE_SAMPLES + (e == 3); i++, k++) {
            double t = (double)i / EDGE_SAMPLES;
            double x = corner[e][0] + t * (corner[e + 1][0] - corner[e][0]);
            double y = corner[e][1] + t * (corner[e + 1][1] - corner[e][1]);
            if (site->to_output) {
                PJ_COORD c = proj_trans(site->to_output, PJ_INV, proj_coord(x, y, 0, 0));
                x = c.xy.x;
                y = c.xy.y;
            }
            if (!isfinite(x) || !isfinite(y))
                return cpted__error(r->ctx, CPTED_E_CRS,
                                    "--boundary %s: the point (%g, %g) cannot be transformed from "
                                    "the output CRS %s into the working CRS %s",
                                    r->opts.boundary, corner[e][0], corner[e][1],
                                    site->output_crs, site->crs);
            xy[2 * k] = x;
            xy[2 * k + 1] = y;
        }
    size_t size = 0;
    unsigned char *wkb = ring_wkb(xy, N, &size);
    if (!wkb)
        return cpted__reader_nomem(r);
    int rc = cpted_site_add_wkb(NULL, site, "boundary", CPTED_ROLE_BOUNDARY, wkb, size, NULL,
                                NULL, 0);
    cpted__free(wkb);
    return rc;
}

CPTED_API int CPTED_CALL cpted_site_open(cpted_site **out, cpted_context *ctx,
                                         const char *const *paths, size_t path_count,
                                         const cpted_site_options *opts)
{
    if (!out || !ctx)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_site_open: NULL argument");
    *out = NULL;
    if (!paths || path_count == 0)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_site_open: no source given");
    for (size_t i = 0; i < path_count; i++)
        if (!paths[i] || !*paths[i])
            return cpted__error(ctx, CPTED_E_INVALID, "cpted_site_open: source %zu is empty", i);

    reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.first_crs = NO_CRS;
    r.source_count = path_count;
    cpted_site_options_init(&r.opts, sizeof r.opts);
    if (opts) {
        int rc = cpted__options_copy(ctx, &r.opts, opts, sizeof r.opts,
                                     CPTED_SITE_OPTIONS_V1_SIZE, "cpted_site_options");
        if (rc != CPTED_OK)
            return rc;
    }
    if (!isfinite(r.opts.boundary_margin_m) || r.opts.boundary_margin_m < 0.0 ||
        !isfinite(r.opts.lane_width_m) || r.opts.lane_width_m <= 0.0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "cpted_site_options: boundary_margin_m must be >= 0 and lane_width_m "
                            "> 0 (got %g and %g)",
                            r.opts.boundary_margin_m, r.opts.lane_width_m);

    if (r.opts.gates_closed != 0 && r.opts.gates_closed != 1)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "cpted_site_options: gates_closed = %d must be 0 or 1",
                            (int)r.opts.gates_closed);
    if ((r.opts.asset_id_count && !r.opts.asset_ids) ||
        (r.opts.asset_name_count && !r.opts.asset_names))
        return cpted__error(ctx, CPTED_E_INVALID,
                            "cpted_site_options: asset_ids or asset_names is NULL but its count "
                            "is not 0");
    for (size_t i = 0; i < r.opts.asset_id_count; i++)
        if (!r.opts.asset_ids[i] || !*r.opts.asset_ids[i])
            return cpted__error(ctx, CPTED_E_INVALID, "cpted_site_options: asset id %zu is empty",
                                i);
    for (size_t i = 0; i < r.opts.asset_name_count; i++)
        if (!r.opts.asset_names[i] || !*r.opts.asset_names[i])
            return cpted__error(ctx, CPTED_E_INVALID,
                                "cpted_site_options: asset name %zu is empty", i);
    if (r.opts.assets_where && !*r.opts.assets_where)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_site_options: assets_where is empty");

    char *working = NULL, *output = NULL;
    int rc = parse_role_map(&r);
    if (rc == CPTED_OK)
        rc = parse_source_crs(&r, paths);
    if (rc == CPTED_OK && r.opts.assume_crs)
        rc = cpted__crs_normalize(ctx, r.opts.assume_crs, false, &r.assume_crs);
    if (rc == CPTED_OK && r.opts.working_crs) /* fail before reading anything */
        rc = cpted__reader_choose_working_crs(&r, &working);
    if (rc == CPTED_OK && r.opts.output_crs)
        rc = cpted__crs_normalize(ctx, r.opts.output_crs, false, &output);
    if (rc == CPTED_OK && !(r.wkb = GEOSWKBReader_create_r(ctx->geos)))
        rc = cpted__reader_nomem(&r);
    if (rc == CPTED_OK) /* its CRS is set once everything is read */
        rc = cpted__site_create(&r.site, ctx, "", NULL);
    if (rc == CPTED_OK) {
        r.site->boundary_margin_m = r.opts.boundary_margin_m;
        r.site->lane_width_m = r.opts.lane_width_m;
        cpted__gdal_errors cap; /* driver registration may report too */
        cpted__gdal_begin(&cap, ctx);
        cpted__gdal_init();
        cpted__gdal_end(&cap);
    }
    for (size_t i = 0; i < path_count && rc == CPTED_OK; i++) {
        r.source_index = i;
        rc = read_source(&r, paths[i]);
    }
    /* --boundary: a bounding box in the output CRS, or a source of boundary polygons */
    double bbox[4];
    bool boundary_bbox = r.opts.boundary && parse_bbox(r.opts.boundary, bbox);
    if (rc == CPTED_OK && r.opts.boundary && !boundary_bbox) {
        r.boundary_source = true;
        rc = read_source(&r, r.opts.boundary);
        r.boundary_source = false;
    }
    if (rc == CPTED_OK && r.first_crs == NO_CRS)
        rc = cpted__error(ctx, CPTED_E_FORMAT, "'%s': no layer with geometry in the source%s",
                          paths[0], path_count > 1 ? "s" : "");
    bool automatic = rc == CPTED_OK && !working && !cpted__crs_is_metric(ctx, r.crs[r.first_crs]);
    if (rc == CPTED_OK && !working)
        rc = cpted__reader_choose_working_crs(&r, &working);
    if (rc == CPTED_OK)
        rc = cpted__reader_check_distortion(&r, working, automatic);
    if (rc == CPTED_E_CRS && automatic && working) { /* e.g. zone 32 at 3.2°E 56.5°N (Norway's 32V) */
        char *plain = cpted__reader_utm_plain(&r);
        if (plain && strcmp(plain, working) != 0 &&
            cpted__reader_check_distortion(&r, plain, true) == CPTED_OK) {
            cpted__free(working);
            working = plain;
            plain = NULL;
            rc = CPTED_OK;
        } else {
            rc = cpted__reader_check_distortion(&r, working, true); /* the first message */
        }
        cpted__free(plain);
    }
    if (rc == CPTED_OK)
        rc = cpted__site_set_crs(r.site, working, output ? output : r.crs[r.first_crs]);
    if (rc == CPTED_OK)
        rc = cpted__reader_reproject(&r);
    if (rc == CPTED_OK && boundary_bbox)
        rc = add_bbox_boundary(&r, bbox);
    if (rc == CPTED_OK && (r.opts.assets_where || r.opts.asset_id_count ||
                           r.opts.asset_name_count))
        rc = cpted__site_pick_assets(r.site, r.opts.assets_where, r.opts.asset_ids,
                                     r.opts.asset_id_count, r.opts.asset_names,
                                     r.opts.asset_name_count);
    if (rc == CPTED_OK)
        rc = cpted__reader_osm_postprocess(&r);
    if (rc == CPTED_OK)
        rc = closing_warnings(&r);
    if (rc == CPTED_OK)
        cpted__progress(ctx, 1.0, "read");
    cpted_site *site = r.site;
    if (rc == CPTED_OK) /* a district's worth; made again if a feature is added */
        cpted__site_release_ids(site);
    reader_free(&r);
    cpted__free(working);
    cpted__free(output);
    if (rc != CPTED_OK) {
        cpted_site_free(site);
        return rc;
    }
    *out = site;
    return CPTED_OK;
}
