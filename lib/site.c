/*
 * site.c - the site model: features with roles and attributes in one metric
 * working CRS, their layer groups and warnings, features added from memory
 * (WKB), accessors and the `cpted/info/1` description.
 *
 * SPDX-License-Identifier: MIT
 *
 * Reading GIS files is site_read.c's job; it fills the same model through
 * cpted__site_create / cpted__site_push.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* internal.h: a district holds millions of features */
_Static_assert(sizeof(void *) != 8 || sizeof(cpted__feature) == 144,
               "cpted__feature has padding");

/* The features' texts are appended to blocks of at least 64 KiB, freed with the site. */
struct cpted__text_block {
    struct cpted__text_block *next;
    size_t used, cap;
    char data[];
};
#define TEXT_BLOCK_BYTES ((size_t)64 * 1024)

/* One entry of the site's set of ids (see "unique ids" below). */
struct cpted__id_slot {
    char *id;
    uint64_t next_suffix;
};

/* ---- creation and destruction ---------------------------------------- */

int cpted__site_create(cpted_site **out, cpted_context *ctx, const char *working_crs,
                       const char *output_crs)
{
    *out = NULL;
    cpted_site *site = cpted__calloc(1, sizeof *site);
    if (!site)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory creating a site");
    site->ctx = ctx;
    site->boundary_margin_m = 20.0;
    site->lane_width_m = 3.25;
    atomic_init(&site->refs, 1);
    atomic_init(&site->frozen, false);
    cpted__context_ref(ctx);
    int rc = cpted__site_set_crs(site, working_crs, output_crs);
    if (rc != CPTED_OK) {
        cpted_site_free(site);
        return rc;
    }
    *out = site;
    return CPTED_OK;
}

int cpted__site_set_crs(cpted_site *site, const char *working_crs, const char *output_crs)
{
    if (!working_crs)
        working_crs = "";
    char *crs = cpted__strdup(working_crs);
    char *output = cpted__strdup(output_crs ? output_crs : working_crs);
    PJ *to_output = NULL;
    int rc = crs && output ? cpted__crs_transformer(site->ctx, crs, output, &to_output)
                           : cpted__error(site->ctx, CPTED_E_NOMEM, "out of memory creating a site");
    if (rc != CPTED_OK) {
        cpted__free(crs);
        cpted__free(output);
        return rc;
    }
    cpted__free(site->crs);
    cpted__free(site->output_crs);
    if (site->to_output)
        proj_destroy(site->to_output);
    site->crs = crs;
    site->output_crs = output;
    site->to_output = to_output;
    cpted__crs_plausible_box(site->ctx, crs, site->plausible_box);
    return CPTED_OK;
}

bool cpted__feature_bounds(GEOSContextHandle_t h, const GEOSGeometry *g, double e[4])
{
    if (GEOSGeomTypeId_r(h, g) == GEOS_POINT) {
        if (GEOSisEmpty_r(h, g) != 0 || !GEOSGeomGetX_r(h, g, &e[0]) ||
            !GEOSGeomGetY_r(h, g, &e[1]))
            return false;
        e[2] = e[0];
        e[3] = e[1];
        return true;
    }
    return GEOSGeom_getXMin_r(h, g, &e[0]) && GEOSGeom_getYMin_r(h, g, &e[1]) &&
           GEOSGeom_getXMax_r(h, g, &e[2]) && GEOSGeom_getYMax_r(h, g, &e[3]);
}

/* Features from memory must lie in the plausible box of the site's CRS (a
 * vertex at 1e308 is refused before make-valid turns it into another shape,
 * docs/crs.md); non-finite values are left to the geometry check. */
static int check_plausible(cpted_site *site, const char *layer, int64_t fid, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = site->ctx->geos;
    double e[4];
    if (!cpted__feature_bounds(h, g, e))
        return CPTED_OK;
    for (int i = 0; i < 4; i++)
        if (!isfinite(e[i]))
            return CPTED_OK;
    const double *b = site->plausible_box;
    if (e[0] >= b[0] && e[1] >= b[1] && e[2] <= b[2] && e[3] <= b[3])
        return CPTED_OK;
    return cpted__error(site->ctx, CPTED_E_GEOMETRY,
                        "memory layer '%s' feature %lld: coordinates far outside the area of use "
                        "of the site's CRS (x %.10g to %.10g, y %.10g to %.10g; plausible for "
                        "%.200s: x %.0f to %.0f, y %.0f to %.0f)",
                        layer, (long long)fid, e[0], e[2], e[1], e[3],
                        *site->crs ? site->crs : "the local CRS", b[0], b[2], b[1], b[3]);
}

void cpted__feature_clear(cpted_context *ctx, cpted__feature *f)
{
    char **texts[] = {&f->id,     &f->name,    &f->rating, &f->kind,
                      &f->osm_id, &f->address, &f->amenity};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        if (!(f->shared & (1u << k)))
            cpted__free(*texts[k]);
    if (f->opening)
        GEOSGeom_destroy_r(ctx->geos, f->opening);
    if (f->geom)
        GEOSGeom_destroy_r(ctx->geos, f->geom);
    memset(f, 0, sizeof *f);
}

void cpted__site_ref(cpted_site *site) { atomic_fetch_add(&site->refs, 1); }

CPTED_API void CPTED_CALL cpted_site_free(cpted_site *site)
{
    if (site)
        cpted__site_unref(site);
}

void cpted__site_unref(cpted_site *site)
{
    if (atomic_fetch_sub(&site->refs, 1) != 1)
        return;
    cpted_context *ctx = site->ctx;
    for (size_t i = 0; i < site->feature_count; i++)
        cpted__feature_clear(ctx, &site->features[i]);
    cpted__free(site->features);
    for (size_t i = 0; i < site->group_count; i++) {
        cpted__free(site->groups[i].source);
        cpted__free(site->groups[i].layer);
    }
    cpted__free(site->groups);
    for (size_t i = 0; i < site->warning_count; i++)
        cpted__free(site->warnings[i]);
    cpted__free(site->warnings);
    if (site->to_output)
        proj_destroy(site->to_output);
    cpted__free(site->ids); /* its texts are the features' and the retired ones */
    cpted__free(site->retired_ids); /* texts of the blocks */
    while (site->text_blocks) {
        struct cpted__text_block *next = site->text_blocks->next;
        cpted__free(site->text_blocks);
        site->text_blocks = next;
    }
    cpted__free(site->crs);
    cpted__free(site->output_crs);
    cpted__free(site);
    cpted__context_unref(ctx);
}

CPTED_API int CPTED_CALL cpted_site_new(cpted_site **out, cpted_context *ctx, const char *crs)
{
    if (!out || !ctx)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_site_new: NULL argument");
    *out = NULL;
    char *canonical = NULL;
    if (crs && *crs) {
        int rc = cpted__crs_normalize(ctx, crs, true, &canonical);
        if (rc != CPTED_OK)
            return rc;
    }
    int rc = cpted__site_create(out, ctx, canonical ? canonical : "", NULL);
    cpted__free(canonical);
    return rc;
}

/* ---- model building --------------------------------------------------- */

size_t cpted__site_group(cpted_site *site, const char *source, const char *layer, int32_t role)
{
    for (size_t i = 0; i < site->group_count; i++) {
        cpted__group *g = &site->groups[i];
        if (g->role == role && strcmp(g->source, source) == 0 && strcmp(g->layer, layer) == 0)
            return i;
    }
    if (!cpted__grow((void **)&site->groups, &site->group_cap, site->group_count + 1,
                     sizeof *site->groups))
        return CPTED__NO_LAYER;
    cpted__group *g = &site->groups[site->group_count];
    memset(g, 0, sizeof *g);
    g->source = cpted__strdup(source);
    g->layer = cpted__strdup(layer);
    g->role = role;
    if (!g->source || !g->layer) {
        cpted__free(g->source);
        cpted__free(g->layer);
        return CPTED__NO_LAYER;
    }
    return site->group_count++;
}

int cpted__site_warn(cpted_site *site, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = cpted__vprintf(fmt, ap);
    va_end(ap);
    if (!text || !cpted__grow((void **)&site->warnings, &site->warning_cap,
                              site->warning_count + 1, sizeof *site->warnings)) {
        cpted__free(text);
        return cpted__error(site->ctx, CPTED_E_NOMEM, "out of memory recording a warning");
    }
    site->warnings[site->warning_count++] = text;
    cpted__log(site->ctx, CPTED_LOG_WARNING, "%s", text);
    return CPTED_OK;
}

/* ---- unique ids -------------------------------------------------------- */

/* The set of ids given out: open addressing, linear probing, at most half
 * full. An id's slot remembers the next suffix to try, so k features with one
 * id cost O(k) and not O(k^2). The slots borrow the features' id texts (no
 * copy: a district has millions); a dropped feature hands its id to
 * retired_ids, so it stays taken. The set is freed once the site is read
 * (cpted__site_release_ids) and made again from the features and the retired
 * ids when a feature is added later: the same ids are taken, and the first
 * free suffix is the same (ids are never given back). */
static uint64_t id_hash(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static struct cpted__id_slot *id_slot(const cpted_site *site, const char *id)
{
    size_t mask = site->id_cap - 1;
    for (size_t i = (size_t)id_hash(id) & mask;; i = (i + 1) & mask)
        if (!site->ids[i].id || strcmp(site->ids[i].id, id) == 0)
            return &site->ids[i];
}

/* Room for one more id; a released set is made again (every id taken). */
static bool id_set_reserve(cpted_site *site)
{
    size_t need = site->id_count + 1;
    if (!site->ids) {
        need = site->retired_count + 1;
        for (size_t i = 0; i < site->feature_count; i++)
            need += site->features[i].id != NULL;
    }
    if (site->ids && 2 * need <= site->id_cap)
        return true;
    size_t cap = site->id_cap && site->ids ? 2 * site->id_cap : 64;
    while (2 * need > cap)
        cap *= 2;
    struct cpted__id_slot *old = site->ids;
    size_t old_cap = site->ids ? site->id_cap : 0;
    struct cpted__id_slot *ids = cpted__calloc(cap, sizeof *ids);
    if (!ids)
        return false;
    site->ids = ids;
    site->id_cap = cap;
    if (old) {
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].id)
                *id_slot(site, old[i].id) = old[i];
        cpted__free(old);
        return true;
    }
    site->id_count = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        if (site->features[i].id) {
            id_slot(site, site->features[i].id)->id = site->features[i].id;
            site->id_count++;
        }
    for (size_t i = 0; i < site->retired_count; i++) {
        id_slot(site, site->retired_ids[i])->id = site->retired_ids[i];
        site->id_count++;
    }
    return true;
}

/* Makes *id unique in the site (it may be replaced by "id#n") and records it:
 * the set borrows *id, which the caller must keep (in the feature pushed). */
static bool id_take(cpted_site *site, char **id)
{
    if (!id_set_reserve(site))
        return false;
    struct cpted__id_slot *slot = id_slot(site, *id);
    if (slot->id) {
        struct cpted__id_slot *base = slot;
        char *unique = NULL;
        for (uint64_t n = base->next_suffix ? base->next_suffix : 2;; n++) {
            unique = cpted__printf("%s#%llu", *id, (unsigned long long)n);
            if (!unique)
                return false;
            slot = id_slot(site, unique);
            if (!slot->id) {
                base->next_suffix = n + 1;
                break;
            }
            cpted__free(unique);
        }
        cpted__free(*id);
        *id = unique;
    }
    slot->id = *id;
    slot->next_suffix = 0;
    site->id_count++;
    return true;
}

void cpted__site_release_ids(cpted_site *site)
{
    cpted__free(site->ids);
    site->ids = NULL;
    site->id_cap = site->id_count = 0;
}

void cpted__site_drop_feature(cpted_site *site, cpted__feature *f)
{
    if (f->id && (f->shared & CPTED__SHARED_ID) &&
        cpted__grow((void **)&site->retired_ids, &site->retired_cap, site->retired_count + 1,
                    sizeof *site->retired_ids))
        site->retired_ids[site->retired_count++] = f->id; /* kept by the text blocks */
    else if (f->id)
        /* out of memory: the id is given back (the set borrowed it), so a
         * feature added later might take it again; nothing else does */
        cpted__site_release_ids(site);
    cpted__feature_clear(site->ctx, f);
}

/* ---- the features' texts ------------------------------------------------ */


/* A copy of s in the site's text blocks, or NULL when out of memory. */
static char *keep_text(cpted_site *site, const char *s)
{
    size_t n = strlen(s) + 1;
    struct cpted__text_block *b = site->text_blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > TEXT_BLOCK_BYTES ? n : TEXT_BLOCK_BYTES;
        b = cpted__malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = site->text_blocks;
        site->text_blocks = b;
    }
    char *t = memcpy(b->data + b->used, s, n);
    b->used += n;
    return t;
}

/* Moves *text (owned by a feature being pushed) into the site's text blocks;
 * with `repeats`, the same text kept recently is shared (a layer's features
 * mostly repeat one rating). Out of memory it stays the feature's. */
static void keep_feature_text(cpted_site *site, cpted__feature *f, char **text, uint8_t bit,
                              bool repeats)
{
    if (!*text)
        return;
    const char *kept = NULL;
    for (size_t k = 0; repeats && k < site->recent_count && !kept; k++)
        if (strcmp(site->recent[k], *text) == 0)
            kept = site->recent[k];
    if (!kept) {
        if (!(kept = keep_text(site, *text)))
            return;
        if (repeats) {
            size_t n = sizeof site->recent / sizeof site->recent[0];
            site->recent[site->recent_next] = kept;
            site->recent_next = (site->recent_next + 1) % n;
            if (site->recent_count < n)
                site->recent_count++;
        }
    }
    cpted__free(*text);
    *text = (char *)kept;
    f->shared |= bit;
}

/* Every text of a pushed feature into the site's blocks. Its id is taken:
 * the set's slot is pointed at the kept copy before the old one is freed. */
static void keep_feature_texts(cpted_site *site, cpted__feature *f)
{
    char *id = f->id ? keep_text(site, f->id) : NULL;
    if (id) {
        id_slot(site, id)->id = id; /* found by the old text, still valid */
        cpted__free(f->id);
        f->id = id;
        f->shared |= CPTED__SHARED_ID;
    }
    keep_feature_text(site, f, &f->name, CPTED__SHARED_NAME, false);
    keep_feature_text(site, f, &f->rating, CPTED__SHARED_RATING, true);
    keep_feature_text(site, f, &f->kind, CPTED__SHARED_KIND, true);
    keep_feature_text(site, f, &f->osm_id, CPTED__SHARED_OSM_ID, false);
    keep_feature_text(site, f, &f->address, CPTED__SHARED_ADDRESS, false);
    keep_feature_text(site, f, &f->amenity, CPTED__SHARED_AMENITY, true);
}

int cpted__site_push(cpted_site *site, cpted__feature *f)
{
    /* the array first: once taken, the id is borrowed by the set */
    if (!cpted__grow((void **)&site->features, &site->feature_cap, site->feature_count + 1,
                     sizeof *site->features) ||
        (f->id && !id_take(site, &f->id))) {
        cpted__feature_clear(site->ctx, f);
        return cpted__error(site->ctx, CPTED_E_NOMEM, "out of memory adding a feature");
    }
    keep_feature_texts(site, f);
    site->features[site->feature_count++] = *f;
    if (f->group < site->group_count)
        site->groups[f->group].features++;
    memset(f, 0, sizeof *f);
    return CPTED_OK;
}

/* Which geometry families a role accepts (architecture.md §3). */
enum { FAM_POINT = 1, FAM_LINE = 2, FAM_POLYGON = 4 };

static int role_families(int32_t role)
{
    switch (role) {
    case CPTED_ROLE_ASSET:
    case CPTED_ROLE_BUILDING:
    case CPTED_ROLE_GROUND:
    case CPTED_ROLE_BOUNDARY: return FAM_POLYGON;
    case CPTED_ROLE_OBSTACLE: return FAM_POLYGON | FAM_LINE;
    case CPTED_ROLE_PERIMETER: return FAM_LINE | FAM_POLYGON;
    case CPTED_ROLE_ROAD: return FAM_LINE;
    case CPTED_ROLE_BARRIER:
    case CPTED_ROLE_SOFT:
    case CPTED_ROLE_ENTRY: return FAM_POINT | FAM_LINE | FAM_POLYGON;
    default: return 0;
    }
}

static int geometry_family(int type)
{
    switch (type) {
    case GEOS_POINT:
    case GEOS_MULTIPOINT: return FAM_POINT;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_MULTILINESTRING: return FAM_LINE;
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON: return FAM_POLYGON;
    default: return 0; /* collections: a feature has one kind of geometry */
    }
}

/* Keeps the polygonal part of a repaired geometry (make-valid may return a
 * collection with collapsed lines and points). */
static GEOSGeometry *polygonal_part(cpted_context *ctx, GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
        return g;
    int n = GEOSGetNumGeometries_r(ctx->geos, g);
    GEOSGeometry **parts = cpted__calloc((size_t)(n > 0 ? n : 1), sizeof *parts);
    unsigned int kept = 0;
    if (!parts) {
        GEOSGeom_destroy_r(ctx->geos, g);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx->geos, g, i);
        int pt = GEOSGeomTypeId_r(ctx->geos, part);
        if (pt == GEOS_POLYGON) {
            parts[kept++] = GEOSGeom_clone_r(ctx->geos, part);
        } else if (pt == GEOS_MULTIPOLYGON) {
            for (int k = 0; k < GEOSGetNumGeometries_r(ctx->geos, part); k++) {
                GEOSGeometry **grown = cpted__realloc(parts, (kept + 1 + (size_t)n) * sizeof *parts);
                if (!grown)
                    break;
                parts = grown;
                parts[kept++] = GEOSGeom_clone_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, part, k));
            }
        }
    }
    GEOSGeom_destroy_r(ctx->geos, g);
    GEOSGeometry *result = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, parts, kept);
    cpted__free(parts);
    return result;
}

int cpted__site_check_geometry(cpted_context *ctx, int32_t role, GEOSGeometry **geom,
                               bool *repaired, const char **why)
{
    *repaired = false;
    *why = NULL;
    GEOSGeometry *g = *geom;
    if (!g) {
        *why = "no geometry";
        return CPTED_E_GEOMETRY;
    }
    if (GEOSisEmpty_r(ctx->geos, g)) {
        *why = "empty geometry";
        return CPTED_E_GEOMETRY;
    }
    if (!cpted__geom_is_finite(ctx, g)) {
        *why = "NaN or infinite coordinate";
        return CPTED_E_GEOMETRY;
    }
    int family = geometry_family(GEOSGeomTypeId_r(ctx->geos, g));
    if (!(family & role_families(role))) {
        *why = "geometry type does not fit the role";
        return CPTED_E_GEOMETRY;
    }
    if (family == FAM_POLYGON && GEOSisValid_r(ctx->geos, g) != 1) {
        GEOSMakeValidParams *params = GEOSMakeValidParams_create_r(ctx->geos);
        if (!params) {
            *why = "out of memory repairing a polygon";
            return CPTED_E_NOMEM;
        }
        GEOSMakeValidParams_setMethod_r(ctx->geos, params, GEOS_MAKE_VALID_STRUCTURE);
        GEOSMakeValidParams_setKeepCollapsed_r(ctx->geos, params, 0);
        GEOSGeometry *fixed = GEOSMakeValidWithParams_r(ctx->geos, g, params);
        GEOSMakeValidParams_destroy_r(ctx->geos, params);
        if (fixed)
            fixed = polygonal_part(ctx, fixed);
        if (!fixed || GEOSisEmpty_r(ctx->geos, fixed) || GEOSisValid_r(ctx->geos, fixed) != 1) {
            if (fixed)
                GEOSGeom_destroy_r(ctx->geos, fixed);
            *why = "invalid polygon that cannot be repaired (no area left)";
            return CPTED_E_GEOMETRY;
        }
        GEOSGeom_destroy_r(ctx->geos, g);
        *geom = fixed;
        *repaired = true;
    }
    return CPTED_OK;
}

bool cpted__parse_number(const char *text, double *out)
{
    if (!text)
        return false;
    while (isspace((unsigned char)*text))
        text++;
    if (!*text)
        return false;
    /* Read in the "C" locale: "0.2" is 0.2 under a decimal-comma host locale
     * too, and "0,2" is text everywhere. */
    const char *end = NULL;
    double v;
    if (!cpted__strtod(text, &v, &end))
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end || !isfinite(v) || v < 0.0)
        return false;
    *out = v;
    return true;
}

bool cpted__attribute_plausible(const char *key, double value, const char **why)
{
    /* Upper bounds catch values in the wrong unit (a diameter of 200 in
     * millimetres read as metres) and typing errors; docs/roles.md gives the
     * reasons. A value too large is unsafe: it closes gaps that are open. */
    static const struct {
        const char *key;
        double max;
        bool count;
        const char *why;
    } ranges[] = {
        {"diameter", 3.0, false, "outside the plausible range (0, 3] m of a diameter"},
        {"thickness", 5.0, false, "outside the plausible range (0, 5] m of a thickness"},
        {"width", 100.0, false, "outside the plausible range (0, 100] m of a width"},
        {"lanes", 20.0, true, "not a whole number of lanes from 1 to 20"},
    };
    *why = NULL;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (strcasecmp(key, ranges[i].key) != 0)
            continue;
        bool ok = isfinite(value) && value > 0.0 && value <= ranges[i].max &&
                  (!ranges[i].count || (value >= 1.0 && value == floor(value)));
        if (!ok)
            *why = ranges[i].why;
        return ok;
    }
    return true;
}

static int set_text(char **slot, const char *value)
{
    char *copy = cpted__strdup(value);
    if (!copy)
        return CPTED_E_NOMEM;
    cpted__free(*slot);
    *slot = copy;
    return CPTED_OK;
}

int cpted__feature_set_attribute(cpted__feature *f, const char *key, const char *value,
                                 const char **why)
{
    *why = NULL;
    if (!key || !value)
        return CPTED_OK;
    if (strcasecmp(key, "name") == 0)
        return *value ? set_text(&f->name, value) : CPTED_OK;
    if (strcasecmp(key, "rating") == 0)
        return *value ? set_text(&f->rating, value) : CPTED_OK;
    double *slot = NULL;
    if (strcasecmp(key, "diameter") == 0)
        slot = &f->diameter_m;
    else if (strcasecmp(key, "thickness") == 0)
        slot = &f->thickness_m;
    else if (strcasecmp(key, "width") == 0)
        slot = &f->width_m;
    else if (strcasecmp(key, "lanes") == 0)
        slot = &f->lanes;
    else if (strcasecmp(key, "required_standoff_m") == 0)
        slot = &f->required_standoff_m;
    if (!slot)
        return CPTED_OK; /* attributes cpted does not use are ignored */
    double v;
    if (!cpted__parse_number(value, &v)) {
        *why = "not a non-negative number";
        return CPTED_E_FORMAT;
    }
    /* Zero-sized barriers or roads are absurd: they would silently vanish. */
    if (v == 0.0 && slot != &f->required_standoff_m) {
        *why = "must be greater than zero";
        return CPTED_E_FORMAT;
    }
    if (!cpted__attribute_plausible(key, v, why))
        return CPTED_E_FORMAT;
    *slot = v;
    return CPTED_OK;
}

static void feature_init(cpted__feature *f)
{
    memset(f, 0, sizeof *f);
    f->diameter_m = NAN;
    f->thickness_m = NAN;
    f->width_m = NAN;
    f->lanes = NAN;
    f->required_standoff_m = NAN;
}

CPTED_API int CPTED_CALL cpted_site_add_wkb(int64_t *fid_out, cpted_site *site, const char *layer,
                                            int32_t role, const unsigned char *wkb,
                                            size_t wkb_size, const char *const *keys,
                                            const char *const *values, size_t attr_count)
{
    if (!site)
        return CPTED_E_INVALID;
    cpted_context *ctx = site->ctx;
    if (!layer)
        layer = "memory";
    if (atomic_load(&site->frozen))
        return cpted__error(ctx, CPTED_E_INVALID,
                            "layer '%s': site is frozen: a free space was computed from it (add "
                            "every feature before cpted_freespace_new)",
                            layer);
    if (role <= CPTED_ROLE_NONE || role > CPTED_ROLE_BOUNDARY)
        return cpted__error(ctx, CPTED_E_INVALID, "layer '%s': %d is not a role", layer, (int)role);
    if (!wkb || wkb_size == 0)
        return cpted__error(ctx, CPTED_E_INVALID, "layer '%s': no WKB given", layer);
    if (attr_count && (!keys || !values))
        return cpted__error(ctx, CPTED_E_INVALID, "layer '%s': attribute arrays are NULL", layer);

    /* 1-based like most GIS formats: the feature's number within its layer,
     * whatever the features' roles (a layer of several roles is one group per
     * role, and the fids count through all of them). The group itself is only
     * created once the feature is accepted, so a rejected feature leaves no
     * empty layer behind. */
    int64_t fid = 1;
    for (size_t i = 0; i < site->group_count; i++) {
        const cpted__group *g = &site->groups[i];
        if (strcmp(g->source, "memory") == 0 && strcmp(g->layer, layer) == 0)
            fid += g->features + g->skipped;
    }

    cpted__feature f;
    feature_init(&f);
    f.role = role;
    f.fid = fid;

    cpted__geos_clear(ctx);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(ctx->geos);
    if (!reader)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory reading WKB");
    f.geom = GEOSWKBReader_read_r(ctx->geos, reader, wkb, wkb_size);
    GEOSWKBReader_destroy_r(ctx->geos, reader);
    if (!f.geom)
        return cpted__error(ctx, CPTED_E_GEOMETRY, "memory layer '%s' feature %lld: unreadable WKB (%s)",
                            layer, (long long)fid, cpted__geos_error(ctx));
    /* A Z ordinate is kept by GEOS but never used: all analyses are planar
     * and WKB is written back in 2D. */
    bool repaired = false;
    const char *why = NULL;
    int rc = check_plausible(site, layer, fid, f.geom);
    if (rc != CPTED_OK) {
        cpted__feature_clear(ctx, &f);
        return rc;
    }
    rc = cpted__site_check_geometry(ctx, role, &f.geom, &repaired, &why);
    if (rc != CPTED_OK) {
        cpted__feature_clear(ctx, &f);
        return cpted__error(ctx, rc, "memory layer '%s' feature %lld (%s): %s", layer,
                            (long long)fid, cpted_role_name(role), why);
    }
    for (size_t i = 0; i < attr_count; i++) {
        rc = cpted__feature_set_attribute(&f, keys[i], values[i], &why);
        if (rc != CPTED_OK) {
            cpted__feature_clear(ctx, &f);
            if (rc == CPTED_E_NOMEM)
                return cpted__error(ctx, rc, "out of memory adding a feature");
            return cpted__error(ctx, rc, "memory layer '%s' feature %lld: attribute %s='%s' %s",
                                layer, (long long)fid, keys[i], values[i], why);
        }
    }
    if (role == CPTED_ROLE_ROAD)
        f.width_m = cpted__road_width(site, f.width_m, f.lanes, NULL);
    /* Ids stay unique when a file source already has a layer of this name
     * (same rule as site_read.c: the later source's ids carry its name). */
    bool clash = false;
    for (size_t i = 0; i < site->group_count && !clash; i++)
        clash = strcmp(site->groups[i].layer, layer) == 0 &&
                strcmp(site->groups[i].source, "memory") != 0;
    f.id = clash ? cpted__printf("memory/%s:%lld", layer, (long long)fid)
                 : cpted__printf("%s:%lld", layer, (long long)fid);
    if (!f.id) {
        cpted__feature_clear(ctx, &f);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory adding a feature");
    }
    f.group = cpted__site_group(site, "memory", layer, role);
    if (f.group == CPTED__NO_LAYER) {
        cpted__feature_clear(ctx, &f);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory adding a feature");
    }
    if (repaired) {
        site->groups[f.group].repaired++;
        cpted__site_warn(site, "memory layer '%s' feature %lld: invalid polygon repaired", layer,
                         (long long)fid);
    }
    rc = cpted__site_push(site, &f);
    if (rc == CPTED_OK && fid_out)
        *fid_out = fid;
    return rc;
}

/* ---- accessors --------------------------------------------------------- */

CPTED_API cpted_context *CPTED_CALL cpted_site_context(const cpted_site *site)
{
    return site ? site->ctx : NULL;
}

CPTED_API const char *CPTED_CALL cpted_site_crs(const cpted_site *site)
{
    return site ? site->crs : "";
}

CPTED_API const char *CPTED_CALL cpted_site_output_crs(const cpted_site *site)
{
    return site ? site->output_crs : "";
}

CPTED_API int CPTED_CALL cpted_site_to_output(double *x_out, double *y_out, const cpted_site *site,
                                              double x, double y)
{
    if (!site || !x_out || !y_out)
        return CPTED_E_INVALID;
    if (!site->to_output) {
        *x_out = x;
        *y_out = y;
        return CPTED_OK;
    }
    PJ_COORD c = proj_coord(x, y, 0, 0);
    PJ_COORD r = proj_trans(site->to_output, PJ_FWD, c);
    if (!isfinite(r.xy.x) || !isfinite(r.xy.y))
        return cpted__error(site->ctx, CPTED_E_CRS,
                            "cannot transform (%.3f, %.3f) from %s to the output CRS %s", x, y,
                            site->crs, site->output_crs);
    *x_out = r.xy.x;
    *y_out = r.xy.y;
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_site_get_extent(double *out, const cpted_site *site)
{
    if (!site || !out)
        return CPTED_E_INVALID;
    if (site->feature_count == 0)
        return cpted__error(site->ctx, CPTED_E_NOTFOUND, "the site has no features");
    double e[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < site->feature_count; i++) {
        double b[4];
        if (!cpted__feature_bounds(site->ctx->geos, site->features[i].geom, b))
            continue;
        e[0] = fmin(e[0], b[0]);
        e[1] = fmin(e[1], b[1]);
        e[2] = fmax(e[2], b[2]);
        e[3] = fmax(e[3], b[3]);
    }
    memcpy(out, e, sizeof e);
    return CPTED_OK;
}

CPTED_API size_t CPTED_CALL cpted_site_layer_count(const cpted_site *site)
{
    return site ? site->group_count : 0;
}

static const cpted__group *group_at(const cpted_site *site, size_t i)
{
    return site && i < site->group_count ? &site->groups[i] : NULL;
}

CPTED_API const char *CPTED_CALL cpted_site_layer_source(const cpted_site *site, size_t i)
{
    const cpted__group *g = group_at(site, i);
    return g ? g->source : NULL;
}

CPTED_API const char *CPTED_CALL cpted_site_layer_name(const cpted_site *site, size_t i)
{
    const cpted__group *g = group_at(site, i);
    return g ? g->layer : NULL;
}

CPTED_API int32_t CPTED_CALL cpted_site_layer_role(const cpted_site *site, size_t i)
{
    const cpted__group *g = group_at(site, i);
    return g ? g->role : CPTED_ROLE_NONE;
}

CPTED_API int CPTED_CALL cpted_site_get_layer_counts(int64_t *features_out, int64_t *repaired_out,
                                                 int64_t *skipped_out, const cpted_site *site,
                                                 size_t i)
{
    if (!site)
        return CPTED_E_INVALID;
    const cpted__group *g = group_at(site, i);
    if (!g)
        return cpted__error(site->ctx, CPTED_E_NOTFOUND, "no layer group %zu (the site has %zu)",
                            i, site->group_count);
    if (features_out)
        *features_out = g->features;
    if (repaired_out)
        *repaired_out = g->repaired;
    if (skipped_out)
        *skipped_out = g->skipped;
    return CPTED_OK;
}

CPTED_API size_t CPTED_CALL cpted_site_warning_count(const cpted_site *site)
{
    return site ? site->warning_count : 0;
}

CPTED_API const char *CPTED_CALL cpted_site_warning(const cpted_site *site, size_t i)
{
    return site && i < site->warning_count ? site->warnings[i] : NULL;
}

CPTED_API size_t CPTED_CALL cpted_site_feature_count(const cpted_site *site)
{
    return site ? site->feature_count : 0;
}

static const cpted__feature *feature_at(const cpted_site *site, size_t i)
{
    return site && i < site->feature_count ? &site->features[i] : NULL;
}

CPTED_API int32_t CPTED_CALL cpted_site_feature_role(const cpted_site *site, size_t i)
{
    const cpted__feature *f = feature_at(site, i);
    return f ? f->role : CPTED_ROLE_NONE;
}

CPTED_API const char *CPTED_CALL cpted_site_feature_id(const cpted_site *site, size_t i)
{
    const cpted__feature *f = feature_at(site, i);
    return f ? f->id : NULL;
}

CPTED_API int CPTED_CALL cpted_site_get_feature_wkb(unsigned char **out, size_t *size_out,
                                                const cpted_site *site, size_t i)
{
    if (!site || !out || !size_out)
        return CPTED_E_INVALID;
    const cpted__feature *f = feature_at(site, i);
    if (!f)
        return cpted__error(site->ctx, CPTED_E_NOTFOUND, "no feature %zu (the site has %zu)", i,
                            site->feature_count);
    return cpted__geom_to_wkb(site->ctx, f->geom, out, size_out);
}

CPTED_API int CPTED_CALL cpted_site_get_feature_number(double *out, const cpted_site *site,
                                                   size_t i, const char *key)
{
    if (!site || !key || !out)
        return CPTED_E_INVALID;
    const cpted__feature *f = feature_at(site, i);
    if (!f)
        return CPTED_E_NOTFOUND;
    double v = NAN;
    if (strcasecmp(key, "diameter") == 0)
        v = f->diameter_m;
    else if (strcasecmp(key, "thickness") == 0)
        v = f->thickness_m;
    else if (strcasecmp(key, "width") == 0)
        v = f->width_m;
    else if (strcasecmp(key, "lanes") == 0)
        v = f->lanes;
    else if (strcasecmp(key, "required_standoff_m") == 0)
        v = f->required_standoff_m;
    else if (strcasecmp(key, "unverified_row") == 0)
        v = f->unverified_row ? 1.0 : 0.0;
    else if (strcasecmp(key, "operable") == 0)
        v = f->operable ? 1.0 : 0.0;
    else if (strcasecmp(key, "passages") == 0)
        v = (double)f->passages;
    else if (strcasecmp(key, "gates") == 0)
        v = (double)f->gates;
    if (isnan(v))
        return CPTED_E_NOTFOUND;
    *out = v;
    return CPTED_OK;
}

CPTED_API const char *CPTED_CALL cpted_site_feature_text(const cpted_site *site, size_t i,
                                                         const char *key)
{
    const cpted__feature *f = feature_at(site, i);
    if (!f || !key)
        return NULL;
    if (strcasecmp(key, "name") == 0)
        return f->name;
    if (strcasecmp(key, "rating") == 0)
        return f->rating;
    if (strcasecmp(key, "kind") == 0)
        return f->kind;
    if (strcasecmp(key, "osm_id") == 0)
        return f->osm_id;
    if (strcasecmp(key, "address") == 0)
        return f->address;
    if (strcasecmp(key, "amenity") == 0)
        return f->amenity;
    return NULL;
}

/* ---- OSM post-processing (docs/roles.md) ------------------------------ */

static bool is_line_geom(cpted_context *ctx, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(ctx->geos, g);
    return t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING;
}

/* "way/123" when the feature came from OSM, else its feature id. */
static const char *ref_of(const cpted__feature *f) { return f->osm_id ? f->osm_id : f->id; }

/* Removes the features flagged in `drop` (a count is kept in their groups as
 * features no more); the array is indexed like site->features. */
static void drop_features(cpted_site *site, const bool *drop)
{
    size_t kept = 0;
    for (size_t i = 0; i < site->feature_count; i++) {
        cpted__feature *f = &site->features[i];
        if (drop[i]) {
            if (f->group < site->group_count)
                site->groups[f->group].features--;
            cpted__site_drop_feature(site, f);
            continue;
        }
        site->features[kept++] = *f;
    }
    site->feature_count = kept;
}

int cpted__site_cut_passage(cpted_site *site, const GEOSGeometry *way, double width_m,
                            const char *way_ref, size_t *cut_out)
{
    cpted_context *ctx = site->ctx;
    GEOSContextHandle_t h = ctx->geos;
    if (cut_out)
        *cut_out = 0;
    if (!(width_m > 0.0) || !isfinite(width_m))
        return cpted__error(ctx, CPTED_E_INVALID, "passage %s: width %g m is not positive",
                            way_ref, width_m);
    GEOSBufferParams *bp = GEOSBufferParams_create_r(h);
    if (!bp)
        return cpted__nomem(ctx, "site");
    GEOSBufferParams_setEndCapStyle_r(h, bp, GEOSBUF_CAP_FLAT);
    GEOSBufferParams_setQuadrantSegments_r(h, bp, 8);
    GEOSGeometry *band = GEOSBufferWithParams_r(h, way, bp, width_m / 2.0);
    GEOSBufferParams_destroy_r(h, bp);
    if (!band)
        return cpted__geos_fail(ctx, "site", "buffering a building passage");
    const GEOSPreparedGeometry *pband = GEOSPrepare_r(h, band);
    bool *drop = cpted__calloc(site->feature_count + 1, sizeof *drop);
    int rc = pband && drop ? CPTED_OK : cpted__nomem(ctx, "site");
    bool any_drop = false;
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        cpted__feature *f = &site->features[i];
        if (f->role != CPTED_ROLE_BUILDING && f->role != CPTED_ROLE_ASSET)
            continue;
        if (GEOSPreparedIntersects_r(h, pband, f->geom) != 1)
            continue;
        if (f->role == CPTED_ROLE_ASSET) {
            /* the asset stays whole (its standoff is measured to all of it);
             * the passage opens only its blocking footprint */
            double inside = 0.0;
            GEOSGeometry *part = GEOSIntersection_r(h, f->geom, band);
            if (!part) {
                rc = cpted__geos_fail(ctx, "site", "opening a passage through an asset");
                break;
            }
            GEOSArea_r(h, part, &inside);
            GEOSGeom_destroy_r(h, part);
            if (!(inside > 0.0))
                continue; /* touches only */
            GEOSGeometry *opening = f->opening ? GEOSUnion_r(h, f->opening, band)
                                               : GEOSGeom_clone_r(h, band);
            if (!opening) {
                rc = cpted__geos_fail(ctx, "site", "opening a passage through an asset");
                break;
            }
            if (f->opening)
                GEOSGeom_destroy_r(h, f->opening);
            f->opening = opening;
            f->passages++;
            if (cut_out)
                (*cut_out)++;
            rc = cpted__site_warn(site,
                                  "asset %s: drivable passage %s (%.2f m wide) opened through it "
                                  "(its standoff is measured to the whole footprint)",
                                  ref_of(f), way_ref, width_m);
            continue;
        }
        GEOSGeometry *cut = GEOSDifference_r(h, f->geom, band);
        cut = cut ? cpted__polygonal(ctx, cut) : NULL;
        if (!cut) {
            rc = cpted__geos_fail(ctx, "site", "cutting a building passage");
            break;
        }
        double before = 0.0, after = 0.0;
        GEOSArea_r(h, f->geom, &before);
        GEOSArea_r(h, cut, &after);
        if (!(after < before)) { /* touches the band only along an edge */
            GEOSGeom_destroy_r(h, cut);
            continue;
        }
        GEOSGeom_destroy_r(h, f->geom);
        f->geom = cut;
        f->passages++;
        if (cut_out)
            (*cut_out)++;
        if (GEOSisEmpty_r(h, cut) || after <= 0.0) {
            drop[i] = any_drop = true;
            rc = cpted__site_warn(site,
                                  "building %s: drivable passage %s (%.2f m wide) covers all of "
                                  "it; removed",
                                  ref_of(f), way_ref, width_m);
        } else {
            rc = cpted__site_warn(site,
                                  "building %s: drivable passage %s (%.2f m wide) cut through it",
                                  ref_of(f), way_ref, width_m);
        }
    }
    if (rc == CPTED_OK && any_drop)
        drop_features(site, drop);
    cpted__free(drop);
    if (pband)
        GEOSPreparedGeom_destroy_r(h, pband);
    GEOSGeom_destroy_r(h, band);
    return rc;
}

/* Appends to parts the pieces of `line` (a LineString) left when the stretch
 * [s - w/2, s + w/2] round position s is taken out (a closed line wraps). */
static int gate_pieces(cpted_context *ctx, const GEOSGeometry *line, double s, double w,
                       GEOSGeometry ***parts, size_t *count, size_t *cap)
{
    GEOSContextHandle_t h = ctx->geos;
    double len = 0.0;
    GEOSLength_r(h, line, &len);
    bool closed = GEOSisClosed_r(h, line) == 1;
    double a = s - w / 2.0, b = s + w / 2.0;
    double spans[2][2];
    int n = 0;
    if (closed && w < len) {
        /* from the gate's far side round to its near side */
        spans[n][0] = fmod(b, len);
        spans[n][1] = spans[n][0] + len - w;
        n++;
    } else if (!closed) {
        if (a > 0.0) {
            spans[n][0] = 0.0;
            spans[n++][1] = a;
        }
        if (b < len) {
            spans[n][0] = b;
            spans[n++][1] = len;
        }
    }
    for (int k = 0; k < n; k++) {
        GEOSGeometry *piece = cpted__line_substring(ctx, line, spans[k][0], spans[k][1]);
        if (!piece)
            return CPTED_E_GEOMETRY;
        if (!cpted__grow((void **)parts, cap, *count + 1, sizeof **parts)) {
            GEOSGeom_destroy_r(h, piece);
            return cpted__nomem(ctx, "site");
        }
        (*parts)[(*count)++] = piece;
    }
    return CPTED_OK;
}

int cpted__site_cut_gate(cpted_site *site, const GEOSGeometry *node, double width_m,
                         const char *gate_ref, size_t *cut_out)
{
    cpted_context *ctx = site->ctx;
    GEOSContextHandle_t h = ctx->geos;
    if (cut_out)
        *cut_out = 0;
    if (!(width_m > 0.0) || !isfinite(width_m))
        return cpted__error(ctx, CPTED_E_INVALID, "gate %s: width %g m is not positive", gate_ref,
                            width_m);
    const double on_line_m = 1e-3;
    int rc = CPTED_OK;
    bool *drop = cpted__calloc(site->feature_count + 1, sizeof *drop);
    if (!drop)
        return cpted__nomem(ctx, "site");
    bool any_drop = false;
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        cpted__feature *f = &site->features[i];
        if ((f->role != CPTED_ROLE_OBSTACLE && f->role != CPTED_ROLE_SOFT &&
             f->role != CPTED_ROLE_BARRIER) ||
            f->unverified_row || !is_line_geom(ctx, f->geom))
            continue;
        double d = INFINITY;
        if (!GEOSDistance_r(h, f->geom, node, &d) || !(d <= on_line_m))
            continue;
        GEOSGeometry **parts = NULL;
        size_t count = 0, cap = 0;
        int n = GEOSGetNumGeometries_r(h, f->geom);
        for (int k = 0; k < n && rc == CPTED_OK; k++) {
            const GEOSGeometry *part = GEOSGetGeometryN_r(h, f->geom, k);
            double dk = INFINITY;
            GEOSDistance_r(h, part, node, &dk);
            if (dk <= on_line_m) {
                rc = gate_pieces(ctx, part, GEOSProject_r(h, part, node), width_m, &parts, &count,
                                 &cap);
            } else {
                GEOSGeometry *copy = GEOSGeom_clone_r(h, part);
                if (!copy || !cpted__grow((void **)&parts, &cap, count + 1, sizeof *parts)) {
                    if (copy)
                        GEOSGeom_destroy_r(h, copy);
                    rc = cpted__nomem(ctx, "site");
                } else {
                    parts[count++] = copy;
                }
            }
        }
        GEOSGeometry *cut = NULL;
        if (rc == CPTED_OK && count == 1) {
            cut = parts[0];
        } else if (rc == CPTED_OK && count > 1) {
            cut = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts, (unsigned)count);
            if (!cut)
                rc = cpted__geos_fail(ctx, "site", "cutting a gate opening");
        }
        if (rc != CPTED_OK && !cut)
            for (size_t k = 0; k < count; k++)
                GEOSGeom_destroy_r(h, parts[k]);
        cpted__free(parts);
        if (rc != CPTED_OK)
            break;
        f->gates++;
        if (cut_out)
            (*cut_out)++;
        if (cut) {
            GEOSGeom_destroy_r(h, f->geom);
            f->geom = cut;
            rc = cpted__site_warn(site, "%s %s: gate %s opens %.2f m of it",
                                  f->kind ? f->kind : cpted_role_name(f->role), ref_of(f),
                                  gate_ref, width_m);
        } else {
            drop[i] = any_drop = true;
            rc = cpted__site_warn(site, "%s %s: gate %s (%.2f m) is as wide as all of it; removed",
                                  f->kind ? f->kind : cpted_role_name(f->role), ref_of(f),
                                  gate_ref, width_m);
        }
    }
    if (rc == CPTED_OK && any_drop)
        drop_features(site, drop);
    cpted__free(drop);
    return rc;
}

int cpted__site_set_role(cpted_site *site, size_t i, int32_t role)
{
    cpted__feature *f = &site->features[i];
    if (f->role == role)
        return CPTED_OK;
    const cpted__group *old = &site->groups[f->group];
    size_t g = cpted__site_group(site, old->source, old->layer, role);
    if (g == CPTED__NO_LAYER)
        return cpted__nomem(site->ctx, "site");
    site->groups[f->group].features--;
    site->groups[g].features++;
    f->group = g;
    f->role = role;
    return CPTED_OK;
}

/* Case-insensitive (ASCII) substring test. */
static bool contains_ci(const char *text, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    for (; *text; text++)
        if (strncasecmp(text, needle, n) == 0)
            return true;
    return false;
}

int cpted__site_pick_assets(cpted_site *site, const char *where, const char *const *ids,
                            size_t id_count, const char *const *names, size_t name_count)
{
    cpted_context *ctx = site->ctx;
    bool *id_used = cpted__calloc(id_count + 1, sizeof *id_used);
    bool *name_used = cpted__calloc(name_count + 1, sizeof *name_used);
    int rc = id_used && name_used ? CPTED_OK : cpted__nomem(ctx, "site");
    bool where_used = false;
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        cpted__feature *f = &site->features[i];
        if (f->role != CPTED_ROLE_BUILDING && f->role != CPTED_ROLE_ASSET)
            continue;
        bool hit = false;
        if (where && f->picked)
            hit = where_used = true;
        for (size_t k = 0; k < id_count; k++) {
            if ((f->osm_id && strcmp(f->osm_id, ids[k]) == 0) || strcmp(f->id, ids[k]) == 0)
                hit = id_used[k] = true;
        }
        for (size_t k = 0; k < name_count; k++)
            if (f->name && contains_ci(f->name, names[k]))
                hit = name_used[k] = true;
        rc = cpted__site_set_role(site, i, hit ? CPTED_ROLE_ASSET : CPTED_ROLE_BUILDING);
    }
    for (size_t k = 0; k < id_count && rc == CPTED_OK; k++)
        if (!id_used[k])
            rc = cpted__error(ctx, CPTED_E_NOTFOUND,
                              "asset id '%s' matches no building (OSM ids: way/123, "
                              "relation/45; feature ids: layer:fid)",
                              ids[k]);
    for (size_t k = 0; k < name_count && rc == CPTED_OK; k++)
        if (!name_used[k])
            rc = cpted__error(ctx, CPTED_E_NOTFOUND, "asset name '%s' matches no building name",
                              names[k]);
    if (rc == CPTED_OK && where && !where_used)
        rc = cpted__error(ctx, CPTED_E_NOTFOUND, "assets_where '%s' matches no building", where);
    cpted__free(id_used);
    cpted__free(name_used);
    return rc;
}

/* ---- cpted/info/1 ------------------------------------------------------ */

/* Extent in the output CRS: the working extent's boundary densified, so a
 * reprojected rectangle is still enclosed. */
static int output_extent(const cpted_site *site, const double *w, double *out)
{
    if (!site->to_output) {
        memcpy(out, w, 4 * sizeof *w);
        return CPTED_OK;
    }
    if (!proj_trans_bounds(site->ctx->proj, site->to_output, PJ_FWD, w[0], w[1], w[2], w[3],
                           &out[0], &out[1], &out[2], &out[3], 21))
        return cpted__error(site->ctx, CPTED_E_CRS, "cannot transform the site extent to %s",
                            site->output_crs);
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_site_info_json(char **out, const cpted_site *site)
{
    if (!site || !out)
        return CPTED_E_INVALID;
    *out = NULL;
    double working[4] = {0, 0, 0, 0}, extent[4] = {0, 0, 0, 0};
    bool has_extent = site->feature_count > 0;
    if (has_extent) {
        cpted_site_get_extent(working, site);
        int rc = output_extent(site, working, extent);
        if (rc != CPTED_OK)
            return rc;
    }
    cpted__json j;
    cpted__json_init(&j);
    cpted__json_begin_object(&j);
    cpted__json_key(&j, "schema");
    cpted__json_string(&j, "cpted/info/1");
    cpted__json_key(&j, "crs");
    cpted__json_begin_object(&j);
    cpted__json_key(&j, "working");
    cpted__json_string(&j, site->crs);
    cpted__json_key(&j, "output");
    cpted__json_string(&j, site->output_crs);
    cpted__json_end_object(&j);
    /* With no features there is no extent; the warning below says so. */
    cpted__json_key(&j, "extent");
    cpted__json_begin_array(&j);
    for (int k = 0; k < 4; k++)
        cpted__json_number(&j, extent[k]);
    cpted__json_end_array(&j);
    cpted__json_key(&j, "working_extent");
    cpted__json_begin_array(&j);
    for (int k = 0; k < 4; k++)
        cpted__json_number(&j, working[k]);
    cpted__json_end_array(&j);
    cpted__json_key(&j, "features");
    cpted__json_int(&j, (int64_t)site->feature_count);
    cpted__json_key(&j, "layers");
    cpted__json_begin_array(&j);
    for (size_t i = 0; i < site->group_count; i++) {
        const cpted__group *g = &site->groups[i];
        cpted__json_begin_object(&j);
        cpted__json_key(&j, "source");
        cpted__json_string(&j, g->source);
        cpted__json_key(&j, "name");
        cpted__json_string(&j, g->layer);
        cpted__json_key(&j, "role");
        cpted__json_string(&j, cpted_role_name(g->role));
        cpted__json_key(&j, "features");
        cpted__json_int(&j, g->features);
        cpted__json_key(&j, "repaired");
        cpted__json_int(&j, g->repaired);
        cpted__json_key(&j, "skipped");
        cpted__json_int(&j, g->skipped);
        cpted__json_end_object(&j);
    }
    cpted__json_end_array(&j);
    cpted__json_key(&j, "warnings");
    cpted__json_begin_array(&j);
    for (size_t i = 0; i < site->warning_count; i++)
        cpted__json_string(&j, site->warnings[i]);
    if (!has_extent)
        cpted__json_string(&j, "the site has no features: the extent is not defined (0,0,0,0)");
    cpted__json_end_array(&j);
    cpted__json_end_object(&j);
    return cpted__json_finish(&j, site->ctx, out);
}
