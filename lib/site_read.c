/*
 * site_read.c - opens GIS sources with GDAL/OGR and fills a site: role
 * mapping per feature, attributes, geometry checks and reprojection into one
 * metric working CRS (architecture.md §3, docs/roles.md, docs/crs.md).
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

#include "internal.h"

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

enum { NO_CRS = (size_t)-1 };
enum { SRC_PLAIN, SRC_OSM, SRC_DXF };
/* Features between two progress reports / interrupt polls. */
enum { POLL_EVERY = 256 };

/* Attributes copied from plain sources (cpted__feature_set_attribute keys). */
static const char *const kept_keys[] = {"name",  "diameter", "thickness",          "width",
                                        "lanes", "rating",   "required_standoff_m"};
enum { KEPT = sizeof kept_keys / sizeof kept_keys[0] };

/* Per site feature, until it is transformed into the working CRS. */
typedef struct origin {
    size_t crs;         /* index into reader.crs */
    bool repaired;      /* already repaired (and warned about) in the source CRS */
} origin;

/* What is known of one distinct source CRS. */
typedef struct crs_info {
    double box[4];      /* cpted__crs_plausible_box */
    bool geographic;
} crs_info;

/* The id prefix of the features of one (source, layer): see unique_prefix(). */
typedef struct id_prefix {
    size_t source;      /* index of the source */
    char *layer;
    char *prefix;
} id_prefix;

/* An OSM way or node that changes other features once everything is read:
 * a drivable passage through buildings, or a gate in a wall. */
typedef struct osm_extra {
    bool gate;          /* else a passage */
    GEOSGeometry *geom; /* source CRS until post-processing */
    size_t crs;
    double width_m;
    char *ref;          /* "way/456", "node/7" */
} osm_extra;

/* Features of one (source, OGR layer) that assets_where matched: sorted fids. */
typedef struct where_match {
    size_t source;
    char *layer;
    int64_t *fids;
    size_t count, cap;
} where_match;

typedef struct reader {
    cpted_context *ctx;
    cpted_site_options opts;
    cpted_site *site;   /* filled in the source CRSs; its CRS is set last */
    char **map_layer;   /* parsed role map */
    int32_t *map_role;
    bool *map_used;
    size_t map_count;
    char *assume_crs;   /* canonical, or NULL */
    origin *origins;    /* one per site feature */
    size_t origin_cap;
    id_prefix *prefixes;
    size_t prefix_count, prefix_cap;
    char **crs;         /* distinct canonical source CRSs */
    size_t crs_count, crs_cap;
    crs_info *crs_info; /* one per r->crs */
    size_t crs_info_cap;
    char **source_crs;  /* per source: the override (canonical), or NULL */
    GDALDatasetH ds;    /* the source being read */
    int geojson;        /* its CPTED__GEOJSON_* state (UNREAD for other formats) */
    char *geojson_crs;  /* what it declares */
    size_t first_crs;   /* the first source's CRS, NO_CRS until known */
    GEOSWKBReader *wkb;
    size_t source_index, source_count;
    int64_t seen;
    bool boundary_source; /* reading the --boundary file: every feature is the boundary */
    osm_extra *extras;  /* OSM passages and gates, cut once all is read */
    size_t extra_count, extra_cap;
    where_match *matches; /* assets_where: matched fids per (source, layer) */
    size_t match_count, match_cap;
    int64_t open_buildings; /* building=roof/construction areas given no role */
} reader;

/* What one OGR layer needs while its features are read. */
typedef struct layer_ctx {
    reader *r;
    const char *source;
    const char *layer;
    OGRLayerH handle;
    int kind;           /* SRC_* */
    int dim;            /* OSM: 0 points, 1 lines, 2 areas, -1 other */
    size_t crs;
    int idx_role, idx_highway, idx_dxf_layer, idx_other_tags, idx_osm_id, idx_osm_way_id;
    int idx_attr[KEPT];
} layer_ctx;

/* ---- small helpers ------------------------------------------------------ */

static int nomem(reader *r) { return cpted__error(r->ctx, CPTED_E_NOMEM, "out of memory reading the site"); }

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
        return nomem(r);
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
            return nomem(r);
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
        return nomem(r);
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
                rc = nomem(r);
        }
        cpted__free(crs);
    }
    for (size_t k = 0; all && rc == CPTED_OK && k < r->source_count; k++)
        if (!r->source_crs[k] && !(r->source_crs[k] = cpted__strdup(all)))
            rc = nomem(r);
    cpted__free(all);
    return rc;
}

/* ---- CRS of a layer -------------------------------------------------------- */

/* A CRS sidecar (NAME.prj, as a Shapefile has) next to a file of the source
 * whose stem is the layer's name, or NULL; cpted__free. (GDAL does not list a
 * .prj that it cannot parse among the source's files.) */
static char *prj_of_layer(reader *r, const char *layer)
{
    char **files = GDALGetFileList(r->ds);
    char *found = NULL;
    size_t l = strlen(layer);
    for (char **f = files; f && *f && !found; f++) {
        const char *base = *f + strlen(*f);
        while (base > *f && base[-1] != '/' && base[-1] != '\\')
            base--;
        const char *dot = strrchr(base, '.');
        if (!dot || (size_t)(dot - base) != l || strncasecmp(base, layer, l) != 0)
            continue;
        for (int upper = 0; upper < 2 && !found; upper++) {
            char *prj = cpted__printf("%.*s%s", (int)(dot - *f), *f, upper ? ".PRJ" : ".prj");
            VSIStatBufL st;
            if (prj && VSIStatL(prj, &st) == 0)
                found = prj;
            else
                cpted__free(prj);
        }
    }
    CSLDestroy(files);
    return found;
}

/* The CRS of a layer that has an SRS (text: canonical), as declared. */
static int declared_crs(reader *r, const char *path, const char *name, OGRSpatialReferenceH srs,
                        char **text)
{
    if (r->geojson == CPTED__GEOJSON_OTHER)
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "'%s' layer '%s': the file declares its CRS as a \"crs\" of type "
                            "'%s', which cpted does not read; give the CRS with --source-crs",
                            path, name, r->geojson_crs);
    if (r->geojson == CPTED__GEOJSON_NAMED) {
        /* read here: GDAL turns a name it does not know into WGS 84 */
        int rc = cpted__crs_normalize(r->ctx, r->geojson_crs, false, text);
        if (rc != CPTED_OK)
            return cpted__error(r->ctx, rc,
                                "'%s' layer '%s': the file declares the CRS '%s', which is not "
                                "known (%s); correct it or give the CRS with --source-crs",
                                path, name, r->geojson_crs, cpted_context_last_error(r->ctx));
        return CPTED_OK;
    }
    /* WKT2 keeps the authority identifier when the SRS has one; PROJ
     * identifies the rest, as for a CRS the user gives (one mechanism). */
    char *wkt = NULL;
    const char *const wkt_opts[] = {"FORMAT=WKT2_2019", NULL};
    if (OSRExportToWktEx(srs, &wkt, wkt_opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return cpted__error(r->ctx, CPTED_E_CRS, "'%s' layer '%s': cannot describe its CRS",
                            path, name);
    }
    int rc = cpted__crs_normalize(r->ctx, wkt, false, text);
    CPLFree(wkt);
    if (rc != CPTED_OK)
        return cpted__error(r->ctx, rc, "'%s' layer '%s': %s", path, name,
                            cpted_context_last_error(r->ctx));
    return CPTED_OK;
}

/* Reads the layer's CRS (or the assumed one) into r->crs; *out is its index. */
static int layer_crs(reader *r, const char *path, OGRLayerH layer, size_t *out)
{
    const char *name = OGR_L_GetName(layer);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    char *text = NULL;
    const char *override = r->source_crs ? r->source_crs[r->source_index] : NULL;
    char *prj = !override && !srs ? prj_of_layer(r, name) : NULL;
    if (prj) {
        int rc = cpted__error(r->ctx, CPTED_E_CRS,
                              "'%s' layer '%s': its CRS file '%s' is not a CRS GDAL can read; "
                              "correct it or give the CRS with --source-crs",
                              path, name, prj);
        cpted__free(prj);
        return rc;
    }
    if (override) {
        if (!(text = cpted__strdup(override)))
            return nomem(r);
    } else if (!srs) {
        if (!r->assume_crs)
            return cpted__error(r->ctx, CPTED_E_CRS,
                                "'%s' layer '%s' has no CRS; give one with --assume-crs", path,
                                name);
        text = cpted__strdup(r->assume_crs);
        if (!text)
            return nomem(r);
    } else {
        int rc = declared_crs(r, path, name, srs, &text);
        if (rc != CPTED_OK)
            return rc;
    }
    for (size_t i = 0; i < r->crs_count; i++) {
        if (strcmp(r->crs[i], text) == 0) {
            cpted__free(text);
            *out = i;
            goto found;
        }
    }
    if (!cpted__grow((void **)&r->crs, &r->crs_cap, r->crs_count + 1, sizeof *r->crs) ||
        !cpted__grow((void **)&r->crs_info, &r->crs_info_cap, r->crs_count + 1,
                     sizeof *r->crs_info)) {
        cpted__free(text);
        return nomem(r);
    }
    r->crs[r->crs_count] = text;
    crs_info *info = &r->crs_info[r->crs_count];
    info->geographic = cpted__crs_plausible_box(r->ctx, text, info->box);
    *out = r->crs_count++;
found:
    if (r->first_crs == NO_CRS)
        r->first_crs = *out;
    return CPTED_OK;
}

/* ---- OSM tags ------------------------------------------------------------- */

typedef struct osm_tags {
    const layer_ctx *lc;
    OGRFeatureH feat;
    char *scratch;
} osm_tags;

/* cpted__osm_tag_fn: a dedicated column when the driver has one, else other_tags. */
static const char *osm_tag(void *payload, const char *key)
{
    osm_tags *t = payload;
    int idx = OGR_F_GetFieldIndex(t->feat, key);
    if (idx >= 0 && idx != t->lc->idx_other_tags)
        return OGR_F_IsFieldSetAndNotNull(t->feat, idx) ? OGR_F_GetFieldAsString(t->feat, idx)
                                                        : NULL;
    int ot = t->lc->idx_other_tags;
    if (ot < 0 || !OGR_F_IsFieldSetAndNotNull(t->feat, ot))
        return NULL;
    cpted__free(t->scratch);
    t->scratch = cpted__osm_hstore_get(OGR_F_GetFieldAsString(t->feat, ot), key);
    return t->scratch;
}

/* "OSM way 123" for messages; empty when the id is not known. */
static void osm_ref(const layer_ctx *lc, OGRFeatureH feat, char *buf, size_t size)
{
    buf[0] = '\0';
    if (lc->kind != SRC_OSM)
        return;
    if (lc->idx_osm_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_id)) {
        const char *type = lc->dim == 0 ? "node" : strcmp(lc->layer, "lines") == 0 ? "way"
                                                                                   : "relation";
        snprintf(buf, size, " (OSM %s %s)", type, OGR_F_GetFieldAsString(feat, lc->idx_osm_id));
    } else if (lc->idx_osm_way_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_way_id)) {
        snprintf(buf, size, " (OSM way %s)", OGR_F_GetFieldAsString(feat, lc->idx_osm_way_id));
    }
}

/* "way/123" (the OSM id as osm.org writes it); empty when not known. */
static void osm_id_text(const layer_ctx *lc, OGRFeatureH feat, char *buf, size_t size)
{
    buf[0] = '\0';
    if (lc->kind != SRC_OSM)
        return;
    if (lc->idx_osm_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_id)) {
        const char *type = lc->dim == 0 ? "node" : strcmp(lc->layer, "lines") == 0 ? "way"
                                                                                   : "relation";
        snprintf(buf, size, "%s/%s", type, OGR_F_GetFieldAsString(feat, lc->idx_osm_id));
    } else if (lc->idx_osm_way_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_way_id)) {
        snprintf(buf, size, "way/%s", OGR_F_GetFieldAsString(feat, lc->idx_osm_way_id));
    }
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
        return nomem(r);
    if (!r->opts.lenient && lc->kind != SRC_OSM)
        return cpted__error(r->ctx, status, "'%s' layer '%s' feature %lld%s: %s%s", lc->source,
                            layer, (long long)fid, ref, why, detail);
    r->site->groups[group].skipped++;
    return cpted__site_warn(r->site, "'%s' layer '%s' feature %lld%s: %s%s; skipped", lc->source,
                            layer, (long long)fid, ref, why, detail);
}

/* OGR geometry -> GEOS (2D, curves linearised); NULL when GEOS cannot read it. */
static GEOSGeometry *ogr_to_geos(reader *r, OGRGeometryH g)
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
        nomem(r); /* read_feature tells this from unreadable geometry */
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
    if (!GEOSGeom_getXMin_r(h, g, &e[0]) || !GEOSGeom_getYMin_r(h, g, &e[1]) ||
        !GEOSGeom_getXMax_r(h, g, &e[2]) || !GEOSGeom_getYMax_r(h, g, &e[3]))
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
            return nomem(lc->r);
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
static int osm_attributes(const layer_ctx *lc, osm_tags *tags, cpted__feature *f,
                          const char *ref, const char **highway)
{
    reader *r = lc->r;
    const char *v = osm_tag(tags, "name");
    if (v && *v && !(f->name = cpted__strdup(v)))
        return nomem(r);
    char id[64];
    osm_id_text(lc, tags->feat, id, sizeof id);
    if (id[0] && !(f->osm_id = cpted__strdup(id)))
        return nomem(r);
    if ((v = osm_tag(tags, "amenity")) && *v && !(f->amenity = cpted__strdup(v)))
        return nomem(r);
    /* "Street 12": street, then house number, as most of Europe writes it */
    char *street = NULL;
    if ((v = osm_tag(tags, "addr:street")) && *v && !(street = cpted__strdup(v)))
        return nomem(r);
    const char *number = osm_tag(tags, "addr:housenumber");
    if (number && !*number)
        number = NULL;
    bool want = street || number;
    if (street && number)
        f->address = cpted__printf("%s %s", street, number);
    else if (number)
        f->address = cpted__strdup(number);
    else
        f->address = street, street = NULL;
    cpted__free(street);
    if (want && !f->address)
        return nomem(r);
    static const struct {
        const char *key;
        double bare_unit_m; /* 0: a count */
    } numbers[] = {{"width", 1.0}, {"lanes", 0.0}, {"diameter", 0.001}};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        v = osm_tag(tags, numbers[i].key);
        if (!v)
            continue;
        double value;
        bool ok = numbers[i].bare_unit_m > 0.0 ? cpted__osm_length(v, numbers[i].bare_unit_m, &value)
                                               : cpted__parse_number(v, &value) && value > 0.0;
        const char *why = "is not understood";
        if (ok && !cpted__attribute_plausible(numbers[i].key, value, &why))
            ok = false;
        if (!ok) {
            int rc = cpted__site_warn(r->site, "'%s' layer '%s' feature %lld%s: %s='%s' %s; ignored",
                                      lc->source, lc->layer, (long long)f->fid, ref,
                                      numbers[i].key, v, why);
            if (rc != CPTED_OK)
                return rc;
            continue;
        }
        if (i == 0)
            f->width_m = value;
        else if (i == 1)
            f->lanes = value;
        else
            f->diameter_m = value;
    }
    if (f->role == CPTED_ROLE_ROAD && f->kind && strncmp(f->kind, "highway=", 8) == 0)
        *highway = f->kind + 8;
    return CPTED_OK;
}

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
        return nomem(r);
    }
    r->origins[r->site->feature_count] = (origin){lc->crs, repaired};
    return cpted__site_push(r->site, f);
}

/* ---- OSM passages and gates ---------------------------------------------------- */

/* OSM ways and nodes that act on other features once everything is read: a
 * highway way through buildings (tunnel=building_passage, covered=yes) and a
 * gate node (on a wall or fence). Kept on the side in the source CRS, whatever
 * the feature's own role (a footway passage has none). */
static int collect_osm_extra(const layer_ctx *lc, OGRFeatureH feat, osm_tags *tags)
{
    reader *r = lc->r;
    bool gate = false;
    if (lc->dim == 0) {
        if (r->opts.gates_closed || !cpted__osm_is_gate(osm_tag(tags, "barrier")))
            return CPTED_OK;
        gate = true;
    } else if (lc->dim != 1 || strcmp(lc->layer, "lines") != 0 ||
               !cpted__osm_is_passage(osm_tag, tags)) {
        return CPTED_OK;
    }
    double width = NAN, lanes = NAN;
    const char *v = osm_tag(tags, "width");
    if (!(v && cpted__osm_length(v, 1.0, &width)) && gate && (v = osm_tag(tags, "maxwidth")))
        (void)cpted__osm_length(v, 1.0, &width); /* (sets width only when understood) */
    if (!gate && (v = osm_tag(tags, "lanes")) && !(cpted__parse_number(v, &lanes) && lanes > 0.0))
        lanes = NAN;
    char highway[64] = "";
    if (!gate && (v = osm_tag(tags, "highway")) && strlen(v) < sizeof highway)
        strcpy(highway, v);
    if (gate)
        width = isfinite(width) ? width : CPTED__GATE_WIDTH_M;
    else
        width = cpted__passage_width(r->site, width, lanes, highway);

    OGRGeometryH og = OGR_F_GetGeometryRef(feat);
    if (!og || OGR_G_IsEmpty(og))
        return CPTED_OK; /* (the feature itself is reported where it has a role) */
    GEOSGeometry *g = ogr_to_geos(r, og);
    if (!g)
        return CPTED_OK;
    char id[64];
    osm_id_text(lc, feat, id, sizeof id);
    char *ref = cpted__strdup(id[0] ? id : "(no OSM id)");
    if (!ref || !cpted__grow((void **)&r->extras, &r->extra_cap, r->extra_count + 1,
                             sizeof *r->extras)) {
        GEOSGeom_destroy_r(r->ctx->geos, g);
        cpted__free(ref);
        return nomem(r);
    }
    r->extras[r->extra_count++] = (osm_extra){gate, g, lc->crs, width, ref};
    return CPTED_OK;
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
        return nomem(r);
    where_match *m = &r->matches[r->match_count];
    memset(m, 0, sizeof *m);
    m->source = r->source_index;
    if (!(m->layer = cpted__strdup(name)))
        return nomem(r);
    r->match_count++;
    OGR_L_ResetReading(layer);
    OGRFeatureH feat;
    int rc = CPTED_OK;
    while (rc == CPTED_OK && (feat = OGR_L_GetNextFeature(layer)) != NULL) {
        if (!cpted__grow((void **)&m->fids, &m->cap, m->count + 1, sizeof *m->fids))
            rc = nomem(r);
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
    osm_ref(lc, feat, ref, sizeof ref);
    osm_tags tags = {lc, feat, NULL};
    if (lc->kind == SRC_OSM) {
        int rc = collect_osm_extra(lc, feat, &tags);
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
                return nomem(r);
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
        rc = cpted__osm_role(&oc, lc->dim, r->opts.gates_closed != 0, osm_tag, &tags);
        if (rc != CPTED_OK) {
            cpted__free(tags.scratch);
            return nomem(r);
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
            return nomem(r);
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
        f.geom = ogr_to_geos(r, og);
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
            return nomem(r);
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
    rc = lc->kind == SRC_OSM ? osm_attributes(lc, &tags, &f, ref, &highway)
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
    return layer_crs(r, path, layer, &lc->crs);
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
    return cpted__site_group(r->site, lc->source, lc->layer, role) == CPTED__NO_LAYER ? nomem(r)
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
        return nomem(r);
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
            rc = nomem(r);
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

/* ---- working CRS and reprojection ---------------------------------------------- */

/* The extent of all features in lon/lat (WGS 84); empty (min > max) when
 * there are none (features in the unnamed local system are not counted). */
static int lonlat_extent(reader *r, double lonlat[4])
{
    const cpted_site *site = r->site;
    lonlat[0] = lonlat[1] = INFINITY;
    lonlat[2] = lonlat[3] = -INFINITY;
    for (size_t c = 0; c < r->crs_count; c++) {
        if (!*r->crs[c])
            continue;
        double e[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (size_t i = 0; i < site->feature_count; i++) {
            double minx, miny, maxx, maxy;
            const GEOSGeometry *g = site->features[i].geom;
            if (r->origins[i].crs != c || !GEOSGeom_getXMin_r(r->ctx->geos, g, &minx) ||
                !GEOSGeom_getYMin_r(r->ctx->geos, g, &miny) ||
                !GEOSGeom_getXMax_r(r->ctx->geos, g, &maxx) ||
                !GEOSGeom_getYMax_r(r->ctx->geos, g, &maxy))
                continue;
            e[0] = fmin(e[0], minx);
            e[1] = fmin(e[1], miny);
            e[2] = fmax(e[2], maxx);
            e[3] = fmax(e[3], maxy);
        }
        if (!(e[0] <= e[2]))
            continue;
        PJ *to_lonlat = NULL;
        int rc = cpted__crs_transformer(r->ctx, r->crs[c], "EPSG:4326", &to_lonlat);
        if (rc != CPTED_OK)
            return rc;
        double b[4] = {e[0], e[1], e[2], e[3]};
        if (to_lonlat) {
            int ok = proj_trans_bounds(r->ctx->proj, to_lonlat, PJ_FWD, e[0], e[1], e[2], e[3],
                                       &b[0], &b[1], &b[2], &b[3], 21);
            proj_destroy(to_lonlat);
            if (!ok)
                return cpted__error(r->ctx, CPTED_E_CRS,
                                    "cannot transform the extent of the data from %s to lon/lat",
                                    r->crs[c]);
        }
        lonlat[0] = fmin(lonlat[0], b[0]);
        lonlat[1] = fmin(lonlat[1], b[1]);
        lonlat[2] = fmax(lonlat[2], b[2]);
        lonlat[3] = fmax(lonlat[3], b[3]);
    }
    return CPTED_OK;
}

/* The UTM zone of the centre of all features' extent (in lon/lat). */
static int utm_of_features(reader *r, char **out)
{
    double lonlat[4];
    int rc = lonlat_extent(r, lonlat);
    if (rc != CPTED_OK)
        return rc;
    if (!(lonlat[0] <= lonlat[2]))
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "the data are in lon/lat (%s) and there are no features to choose a "
                            "UTM zone from; give a working CRS",
                            r->crs[r->first_crs]);
    double lon = 0.5 * (lonlat[0] + lonlat[2]), lat = 0.5 * (lonlat[1] + lonlat[3]);
    bool outside = false;
    *out = cpted__crs_utm_for(lon, lat, &outside);
    if (!*out && !outside)
        return nomem(r);
    if (!*out)
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "the site centre (%.6f, %.6f) is outside the UTM zones; give a "
                            "working CRS",
                            lon, lat);
    return CPTED_OK;
}

/* The UTM zone of the site centre by longitude alone (no grid exceptions), or NULL. */
static char *utm_plain_of_features(reader *r)
{
    double ll[4];
    if (lonlat_extent(r, ll) != CPTED_OK || !(ll[0] <= ll[2]))
        return NULL;
    bool outside = false;
    return cpted__crs_utm_plain(0.5 * (ll[0] + ll[2]), 0.5 * (ll[1] + ll[3]), &outside);
}

static int choose_working_crs(reader *r, char **out)
{
    *out = NULL;
    if (r->opts.working_crs)
        return cpted__crs_normalize(r->ctx, r->opts.working_crs, true, out);
    const char *first = r->crs[r->first_crs];
    if (cpted__crs_is_metric(r->ctx, first)) {
        *out = cpted__strdup(first);
        return *out ? CPTED_OK : nomem(r);
    }
    return utm_of_features(r, out);
}

/* A working CRS must keep distances true to 0.1 % over the site: its point
 * scale factor is evaluated at the corners, edge midpoints and centre of the
 * site's lon/lat extent, and the worst one (farthest from 1) decides
 * (docs/crs.md). `automatic`: the UTM zone chosen for lon/lat data. */
static int check_distortion(reader *r, const char *working, bool automatic)
{
    if (r->opts.allow_distortion || !*working)
        return CPTED_OK;
    double ll[4];
    int rc = lonlat_extent(r, ll);
    if (rc != CPTED_OK || !(ll[0] <= ll[2]))
        return rc;
    double worst = 1.0, at_lon = 0.0, at_lat = 0.0;
    for (int i = 0; i < 9; i++) {
        double lon = ll[0] + 0.5 * (i % 3) * (ll[2] - ll[0]);
        double lat = ll[1] + 0.5 * (i / 3) * (ll[3] - ll[1]);
        double k;
        rc = cpted__crs_scale_factor(r->ctx, working, lon, lat, &k);
        if (rc != CPTED_OK)
            return cpted__error(r->ctx, rc,
                                "working CRS %.200s: %s; it cannot hold the site: use a local "
                                "projected CRS with --crs",
                                working, cpted_context_last_error(r->ctx));
        if (fabs(k - 1.0) > fabs(worst - 1.0)) {
            worst = k;
            at_lon = lon;
            at_lat = lat;
        }
    }
    if (fabs(worst - 1.0) <= 1e-3)
        return CPTED_OK;
    if (automatic)
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "the site (%.4f to %.4f E, %.4f to %.4f N) is too wide for UTM "
                            "(%s): its scale factor reaches %.4f at %.4f, %.4f (more than 0.1 "
                            "%%); give a working CRS centred on the site with --crs, or allow "
                            "it with --allow-distortion",
                            ll[0], ll[2], ll[1], ll[3], working, worst, at_lon, at_lat);
    bool outside = false;
    char *utm = cpted__crs_utm_for(0.5 * (ll[0] + ll[2]), 0.5 * (ll[1] + ll[3]), &outside);
    rc = cpted__error(r->ctx, CPTED_E_CRS,
                      "working CRS %.200s distorts distances at the site by a factor %.4f (at "
                      "%.4f, %.4f lon/lat; more than 0.1 %%); use a local projected CRS (e.g. "
                      "%s) with --crs, or allow it with --allow-distortion",
                      working, worst, at_lon, at_lat, utm ? utm : "a transverse Mercator");
    cpted__free(utm);
    return rc;
}

static int transform_xy(double *x, double *y, void *userdata)
{
    PJ_COORD c = proj_trans(userdata, PJ_FWD, proj_coord(*x, *y, 0.0, 0.0));
    if (!isfinite(c.xy.x) || !isfinite(c.xy.y))
        return 0;
    *x = c.xy.x;
    *y = c.xy.y;
    return 1;
}

/* Moves one feature from its source CRS into the working CRS with `pj`;
 * *dropped when it cannot be transformed and the load is lenient. */
static int reproject_feature(reader *r, cpted__feature *f, origin *o, PJ *pj, bool *dropped)
{
    cpted_context *ctx = r->ctx;
    cpted_site *site = r->site;
    const cpted__group *g = &site->groups[f->group];
    GEOSGeometry *moved = GEOSGeom_transformXY_r(ctx->geos, f->geom, transform_xy, pj);
    if (!moved) {
        if (!r->opts.lenient)
            return cpted__error(ctx, CPTED_E_CRS,
                                "'%s' layer '%s' feature %lld: cannot transform from %s to %s",
                                g->source, g->layer, (long long)f->fid, r->crs[o->crs], site->crs);
        site->groups[f->group].features--;
        site->groups[f->group].skipped++;
        *dropped = true;
        return cpted__site_warn(site,
                                "'%s' layer '%s' feature %lld: cannot transform from %s to %s; "
                                "skipped",
                                g->source, g->layer, (long long)f->fid, r->crs[o->crs], site->crs);
    }
    GEOSGeom_destroy_r(ctx->geos, f->geom);
    f->geom = moved;
    /* A valid polygon stays valid under a smooth map except for near-touching
     * rings; repair those too. */
    bool repaired = false;
    const char *why = NULL;
    if (cpted__site_check_geometry(ctx, f->role, &f->geom, &repaired, &why) != CPTED_OK ||
        !repaired || o->repaired)
        return CPTED_OK;
    o->repaired = true;
    site->groups[f->group].repaired++;
    return cpted__site_warn(site,
                            "'%s' layer '%s' feature %lld: invalid polygon repaired after "
                            "reprojection",
                            g->source, g->layer, (long long)f->fid);
}

/* Moves every feature into the site's working CRS, in place and in reading
 * order; a feature dropped under lenient is removed from the site. */
static int reproject(reader *r)
{
    cpted_context *ctx = r->ctx;
    cpted_site *site = r->site;
    PJ **pj = cpted__calloc(r->crs_count, sizeof *pj);
    if (!pj)
        return nomem(r);
    int rc = CPTED_OK;
    for (size_t c = 0; c < r->crs_count && rc == CPTED_OK; c++)
        rc = cpted__crs_transformer(ctx, r->crs[c], site->crs, &pj[c]);
    size_t kept = 0;
    for (size_t i = 0; i < site->feature_count; i++) {
        cpted__feature *f = &site->features[i];
        PJ *p = rc == CPTED_OK ? pj[r->origins[i].crs] : NULL;
        bool dropped = false;
        if (p)
            rc = reproject_feature(r, f, &r->origins[i], p, &dropped);
        if (dropped) {
            cpted__feature_clear(ctx, f);
            continue;
        }
        /* (compacting goes on after a failure: the site frees what it holds) */
        site->features[kept++] = *f;
    }
    site->feature_count = kept;
    for (size_t c = 0; c < r->crs_count; c++)
        if (pj[c])
            proj_destroy(pj[c]);
    cpted__free(pj);
    return rc;
}

/* OSM passages and gates, in the working CRS: passages are cut out of the
 * buildings they cross, open gates out of the walls and fences they lie on
 * (docs/roles.md). */
static int osm_postprocess(reader *r)
{
    cpted_context *ctx = r->ctx;
    cpted_site *site = r->site;
    if (r->open_buildings > 0)
        cpted__log(ctx, CPTED_LOG_NOTICE,
                   "%lld building=roof/construction area(s) do not block: a vehicle drives "
                   "under a roof or into a building site",
                   (long long)r->open_buildings);
    if (r->extra_count == 0)
        return CPTED_OK;
    PJ **pj = cpted__calloc(r->crs_count, sizeof *pj);
    if (!pj)
        return nomem(r);
    int rc = CPTED_OK;
    for (size_t c = 0; c < r->crs_count && rc == CPTED_OK; c++)
        rc = cpted__crs_transformer(ctx, r->crs[c], site->crs, &pj[c]);
    size_t passages = 0, cut_buildings = 0, gates = 0, cut_lines = 0;
    /* passages first: a gate never reopens a building */
    for (int pass = 0; pass < 2 && rc == CPTED_OK; pass++) {
        for (size_t i = 0; i < r->extra_count && rc == CPTED_OK; i++) {
            osm_extra *e = &r->extras[i];
            if (e->gate != (pass == 1))
                continue;
            if (pj[e->crs]) {
                GEOSGeometry *moved = GEOSGeom_transformXY_r(ctx->geos, e->geom, transform_xy,
                                                             pj[e->crs]);
                if (!moved) {
                    rc = cpted__site_warn(site, "%s %s: cannot transform to %s; not applied",
                                          e->gate ? "gate" : "passage", e->ref, site->crs);
                    continue;
                }
                GEOSGeom_destroy_r(ctx->geos, e->geom);
                e->geom = moved;
            }
            size_t n = 0;
            if (e->gate) {
                rc = cpted__site_cut_gate(site, e->geom, e->width_m, e->ref, &n);
                gates += n > 0;
                cut_lines += n;
            } else {
                rc = cpted__site_cut_passage(site, e->geom, e->width_m, e->ref, &n);
                passages += n > 0;
                cut_buildings += n;
            }
        }
    }
    for (size_t c = 0; c < r->crs_count; c++)
        if (pj[c])
            proj_destroy(pj[c]);
    cpted__free(pj);
    if (rc == CPTED_OK && (passages || gates))
        cpted__log(ctx, CPTED_LOG_NOTICE,
                   "%zu drivable passage(s) cut through %zu building(s); %zu open gate(s) cut "
                   "into %zu wall or fence line(s)",
                   passages, cut_buildings, gates, cut_lines);
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
        return nomem(r);
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
        rc = choose_working_crs(&r, &working);
    if (rc == CPTED_OK && r.opts.output_crs)
        rc = cpted__crs_normalize(ctx, r.opts.output_crs, false, &output);
    if (rc == CPTED_OK && !(r.wkb = GEOSWKBReader_create_r(ctx->geos)))
        rc = nomem(&r);
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
        rc = choose_working_crs(&r, &working);
    if (rc == CPTED_OK)
        rc = check_distortion(&r, working, automatic);
    if (rc == CPTED_E_CRS && automatic && working) { /* e.g. zone 32 at 3.2°E 56.5°N (Norway's 32V) */
        char *plain = utm_plain_of_features(&r);
        if (plain && strcmp(plain, working) != 0 && check_distortion(&r, plain, true) == CPTED_OK) {
            cpted__free(working);
            working = plain;
            plain = NULL;
            rc = CPTED_OK;
        } else {
            rc = check_distortion(&r, working, true); /* the first message */
        }
        cpted__free(plain);
    }
    if (rc == CPTED_OK)
        rc = cpted__site_set_crs(r.site, working, output ? output : r.crs[r.first_crs]);
    if (rc == CPTED_OK)
        rc = reproject(&r);
    if (rc == CPTED_OK && boundary_bbox)
        rc = add_bbox_boundary(&r, bbox);
    if (rc == CPTED_OK && (r.opts.assets_where || r.opts.asset_id_count ||
                           r.opts.asset_name_count))
        rc = cpted__site_pick_assets(r.site, r.opts.assets_where, r.opts.asset_ids,
                                     r.opts.asset_id_count, r.opts.asset_names,
                                     r.opts.asset_name_count);
    if (rc == CPTED_OK)
        rc = osm_postprocess(&r);
    if (rc == CPTED_OK)
        rc = closing_warnings(&r);
    if (rc == CPTED_OK)
        cpted__progress(ctx, 1.0, "read");
    cpted_site *site = r.site;
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
