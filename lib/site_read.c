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
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

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

/* The id prefix of the features of one (source, layer): see unique_prefix(). */
typedef struct id_prefix {
    size_t source;      /* index of the source */
    char *layer;
    char *prefix;
} id_prefix;

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
    size_t first_crs;   /* the first source's CRS, NO_CRS until known */
    GEOSWKBReader *wkb;
    size_t source_index, source_count;
    int64_t seen;
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
    if (r->wkb)
        GEOSWKBReader_destroy_r(r->ctx->geos, r->wkb);
}

/* ---- options and the role map -------------------------------------------- */

CPTED_API int CPTED_CALL cpted_site_options_init(cpted_site_options *opts, size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < sizeof *opts || struct_size > UINT32_MAX)
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

/* ---- CRS of a layer -------------------------------------------------------- */

/* Reads the layer's CRS (or the assumed one) into r->crs; *out is its index. */
static int layer_crs(reader *r, const char *path, OGRLayerH layer, size_t *out)
{
    const char *name = OGR_L_GetName(layer);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    char *text = NULL;
    if (!srs) {
        if (!r->assume_crs)
            return cpted__error(r->ctx, CPTED_E_CRS,
                                "'%s' layer '%s' has no CRS; give one with --assume-crs", path,
                                name);
        text = cpted__strdup(r->assume_crs);
        if (!text)
            return nomem(r);
    } else {
        /* WKT2 keeps the authority identifier when the SRS has one; PROJ
         * identifies the rest, as for a CRS the user gives (one mechanism). */
        char *wkt = NULL;
        const char *const wkt_opts[] = {"FORMAT=WKT2_2019", NULL};
        if (OSRExportToWktEx(srs, &wkt, wkt_opts) != OGRERR_NONE || !wkt) {
            CPLFree(wkt);
            return cpted__error(r->ctx, CPTED_E_CRS, "'%s' layer '%s': cannot describe its CRS",
                                path, name);
        }
        int rc = cpted__crs_normalize(r->ctx, wkt, false, &text);
        CPLFree(wkt);
        if (rc != CPTED_OK)
            return cpted__error(r->ctx, rc, "'%s' layer '%s': %s", path, name,
                                cpted_context_last_error(r->ctx));
    }
    for (size_t i = 0; i < r->crs_count; i++) {
        if (strcmp(r->crs[i], text) == 0) {
            cpted__free(text);
            *out = i;
            goto found;
        }
    }
    if (!cpted__grow((void **)&r->crs, &r->crs_cap, r->crs_count + 1, sizeof *r->crs)) {
        cpted__free(text);
        return nomem(r);
    }
    r->crs[r->crs_count] = text;
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
        if (!ok) {
            int rc = cpted__site_warn(r->site,
                                      "'%s' layer '%s' feature %lld%s: %s='%s' is not "
                                      "understood; ignored",
                                      lc->source, lc->layer, (long long)f->fid, ref,
                                      numbers[i].key, v);
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

    /* Role, by precedence: role map, `role` attribute, layer name, OSM preset. */
    int32_t name_role = CPTED_ROLE_NONE;
    bool by_name = cpted_role_from_name(&name_role, layer) == CPTED_OK;
    int32_t role = CPTED_ROLE_NONE;
    char *kind = NULL;
    bool unverified = false;
    osm_tags tags = {lc, feat, NULL};
    int m = map_find(r, layer);
    int rc = CPTED_OK;
    if (m >= 0) {
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
        rc = cpted__osm_role(&role, &kind, &unverified, lc->dim, osm_tag, &tags);
        if (rc != CPTED_OK) {
            cpted__free(tags.scratch);
            return nomem(r);
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
        VSIStatBufL st;
        if (VSIStatL(path, &st) != 0)
            rc = cpted__error(r->ctx, CPTED_E_IO, "cannot open '%s': No such file", path);
        else
            rc = cpted__error(r->ctx, CPTED_E_FORMAT, "cannot open '%s': %s", path,
                              cap.last[0] ? cap.last : "not a vector format GDAL can read");
        cpted__gdal_end(&cap);
        return rc;
    }
    const char *driver = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
    if (strcmp(driver, "OSM") == 0)
        rc = read_osm(r, path, ds);
    else
        rc = read_layers(r, path, ds, strcmp(driver, "DXF") == 0 ? SRC_DXF : SRC_PLAIN, &cap);
    GDALClose(ds);
    cpted__gdal_end(&cap);
    return rc;
}

/* ---- working CRS and reprojection ---------------------------------------------- */

/* The UTM zone of the centre of all features' extent (in lon/lat). */
static int utm_of_features(reader *r, char **out)
{
    const cpted_site *site = r->site;
    double lonlat[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t c = 0; c < r->crs_count; c++) {
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
        int rc = cpted__check_struct(ctx, opts, opts->struct_size, sizeof r.opts, sizeof r.opts,
                                     "cpted_site_options");
        if (rc != CPTED_OK)
            return rc;
        memcpy(&r.opts, opts, sizeof r.opts);
        r.opts.struct_size = sizeof r.opts;
    }
    if (!isfinite(r.opts.boundary_margin_m) || r.opts.boundary_margin_m < 0.0 ||
        !isfinite(r.opts.lane_width_m) || r.opts.lane_width_m <= 0.0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "cpted_site_options: boundary_margin_m must be >= 0 and lane_width_m "
                            "> 0 (got %g and %g)",
                            r.opts.boundary_margin_m, r.opts.lane_width_m);

    char *working = NULL, *output = NULL;
    int rc = parse_role_map(&r);
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
    if (rc == CPTED_OK && r.first_crs == NO_CRS)
        rc = cpted__error(ctx, CPTED_E_FORMAT, "'%s': no layer with geometry in the source%s",
                          paths[0], path_count > 1 ? "s" : "");
    if (rc == CPTED_OK && !working)
        rc = choose_working_crs(&r, &working);
    if (rc == CPTED_OK)
        rc = cpted__site_set_crs(r.site, working, output ? output : r.crs[r.first_crs]);
    if (rc == CPTED_OK)
        rc = reproject(&r);
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
