/*
 * lines.c - the lines of protection of a site (architecture.md §6,
 * docs/method-coverage.md §1): perimeter features as lines, else rows
 * chained from barrier points (rows.c), plus OSM bollard ways. Built once
 * per free space and chain distance and shared by the analyses that need
 * them (coverage, the VDA). A line that cannot be analysed is a warning kept
 * with the lines, which each analysis copies into its result.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define MODULE "lines"
/* Lines shorter than this are rounding noise. */
#define EPS_M 1e-6

typedef struct build {
    cpted_context *ctx;
    GEOSContextHandle_t h;
    const cpted_site *site;
    cpted__lines *lines;
} build;

static int warn(build *b, const char *fmt, ...) CPTED__PRINTF(2, 3);

static int warn(build *b, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cpted__lines *l = b->lines;
    char *text = cpted__strdup(buf);
    if (!text || !cpted__grow((void **)&l->warnings, &l->warning_cap, l->warning_count + 1,
                              sizeof *l->warnings)) {
        cpted__free(text);
        return cpted__nomem(b->ctx, MODULE);
    }
    l->warnings[l->warning_count++] = text;
    return CPTED_OK;
}

void cpted__lines_free(cpted_context *ctx, cpted__lines *l)
{
    while (l) {
        cpted__lines *next = l->next;
        for (size_t i = 0; i < l->count; i++) {
            cpted__free(l->items[i].id);
            if (l->items[i].geom)
                GEOSGeom_destroy_r(ctx->geos, l->items[i].geom);
        }
        cpted__free(l->items);
        for (size_t i = 0; i < l->warning_count; i++)
            cpted__free(l->warnings[i]);
        cpted__free(l->warnings);
        cpted__free(l);
        l = next;
    }
}

/* Takes `geom` (a LineString) in every case. */
static int add_line(build *b, const char *id, GEOSGeometry *geom, bool derived, bool unverified)
{
    cpted__lines *ls = b->lines;
    double len = 0.0;
    if (!GEOSLength_r(b->h, geom, &len) || !(len > EPS_M)) {
        GEOSGeom_destroy_r(b->h, geom);
        return warn(b, "line %s has no length: not analysed", id);
    }
    if (!cpted__grow((void **)&ls->items, &ls->cap, ls->count + 1, sizeof *ls->items)) {
        GEOSGeom_destroy_r(b->h, geom);
        return cpted__nomem(b->ctx, MODULE);
    }
    cpted__barrier_line *l = &ls->items[ls->count];
    memset(l, 0, sizeof *l);
    l->id = cpted__strdup(id);
    if (!l->id) {
        GEOSGeom_destroy_r(b->h, geom);
        return cpted__nomem(b->ctx, MODULE);
    }
    unsigned int n = 0;
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(b->h, geom);
    GEOSCoordSeq_getSize_r(b->h, seq, &n);
    l->geom = geom;
    l->derived = derived;
    l->closed = n >= 4 && GEOSisClosed_r(b->h, geom) == 1;
    l->unverified = unverified;
    l->length_m = len;
    ls->count++;
    return CPTED_OK;
}

/* Adds a feature's geometry as lines: LineStrings as they are (multi-parts
 * merged where they touch), polygons by their exterior rings. */
static int add_feature_lines(build *b, const cpted__feature *f, bool unverified)
{
    GEOSContextHandle_t h = b->h;
    int type = GEOSGeomTypeId_r(h, f->geom);
    GEOSGeometry *parts = NULL;
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        int np = GEOSGetNumGeometries_r(h, f->geom);
        GEOSGeometry **rings = cpted__calloc((size_t)np, sizeof *rings);
        if (!rings)
            return cpted__nomem(b->ctx, MODULE);
        for (int i = 0; i < np; i++) {
            const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, GEOSGetGeometryN_r(h, f->geom, i));
            GEOSCoordSequence *seq = GEOSCoordSeq_clone_r(h, GEOSGeom_getCoordSeq_r(h, ring));
            rings[i] = seq ? GEOSGeom_createLineString_r(h, seq) : NULL;
            if (!rings[i]) {
                for (int k = 0; k < i; k++)
                    GEOSGeom_destroy_r(h, rings[k]);
                cpted__free(rings);
                return cpted__geos_fail(b->ctx, MODULE, "ring to line");
            }
        }
        parts = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, rings, (unsigned int)np);
        if (!parts)
            for (int k = 0; k < np; k++)
                GEOSGeom_destroy_r(h, rings[k]);
        cpted__free(rings);
    } else if (type == GEOS_MULTILINESTRING) {
        parts = GEOSLineMerge_r(h, f->geom);
    } else if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        GEOSCoordSequence *seq = GEOSCoordSeq_clone_r(h, GEOSGeom_getCoordSeq_r(h, f->geom));
        GEOSGeometry *line = seq ? GEOSGeom_createLineString_r(h, seq) : NULL;
        return line ? add_line(b, f->id, line, false, unverified)
                    : cpted__geos_fail(b->ctx, MODULE, "copy a line");
    } else {
        return warn(b, "perimeter %s is not a line or polygon: not analysed", f->id);
    }
    if (!parts)
        return cpted__geos_fail(b->ctx, MODULE, "perimeter parts");
    int np = GEOSGetNumGeometries_r(h, parts);
    int rc = CPTED_OK;
    for (int i = 0; i < np && rc == CPTED_OK; i++) {
        GEOSGeometry *part = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, parts, i));
        if (!part) {
            rc = cpted__geos_fail(b->ctx, MODULE, "copy a line");
            break;
        }
        char id[512];
        if (np == 1)
            snprintf(id, sizeof id, "%s", f->id);
        else
            snprintf(id, sizeof id, "%s/%d", f->id, i + 1);
        rc = add_line(b, id, part, false, unverified);
    }
    GEOSGeom_destroy_r(h, parts);
    return rc;
}

/* Rows chained from barrier points (rows.c), named row:1, row:2, ... */
static int add_rows(build *b)
{
    GEOSGeometry **rows = NULL;
    size_t count = 0;
    int rc = cpted__rows_derive(b->ctx, b->site, b->lines->chain_m, &rows, &count);
    for (size_t i = 0; i < count && rc == CPTED_OK; i++) {
        if (!rows[i]) {
            rc = warn(b, "row:%zu: its points coincide; not analysed", i + 1);
            continue;
        }
        char id[32];
        snprintf(id, sizeof id, "row:%zu", i + 1);
        rc = add_line(b, id, rows[i], true, false);
        rows[i] = NULL; /* taken by add_line */
    }
    cpted__rows_free(b->ctx, rows, count);
    return rc;
}

static int collect_lines(build *b)
{
    const cpted_site *site = b->site;
    bool any_perimeter = false;
    int rc = CPTED_OK;
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        const cpted__feature *f = &site->features[i];
        if (f->role == CPTED_ROLE_PERIMETER) {
            any_perimeter = true;
            rc = add_feature_lines(b, f, false);
        }
    }
    if (rc == CPTED_OK && !any_perimeter)
        rc = add_rows(b);
    /* OSM bollard ways: rows of unknown spacing, analysed as they are. */
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++)
        if (site->features[i].unverified_row)
            rc = add_feature_lines(b, &site->features[i], true);
    return rc;
}

int cpted__freespace_lines(cpted_freespace *fs, double chain_m, const cpted__lines **out)
{
    for (cpted__lines *l = fs->lines; l; l = l->next)
        if (l->chain_m == chain_m) {
            *out = l;
            return CPTED_OK;
        }
    cpted__lines *l = cpted__calloc(1, sizeof *l);
    if (!l)
        return cpted__nomem(fs->ctx, MODULE);
    l->chain_m = chain_m;
    build b = {fs->ctx, fs->ctx->geos, fs->site, l};
    int rc = collect_lines(&b);
    if (rc != CPTED_OK) {
        cpted__lines_free(fs->ctx, l);
        return rc;
    }
    l->next = fs->lines;
    fs->lines = l;
    *out = l;
    return CPTED_OK;
}
