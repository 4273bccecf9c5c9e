/*
 * freespace.c - free space F, reachable space R and accessible area A of one
 * vehicle on one site (architecture.md §5). The geometry model, with the
 * reasons for each choice, is written down in docs/method-freespace.md.
 *
 * SPDX-License-Identifier: MIT
 *
 * The vehicle is a disc of its width w. With r = w/2 - PASS_TOL_M:
 *   F0 = ((G ∪ ((B ⊕ w) − B)) ⊖ r) ∩ B     body on the ground, the boundary is not a kerb
 *   F  = F0 − (blocked ⊕ r)
 *   R  = the polygons of F that meet an entry zone
 *   A  = (R ⊕ r) ∩ B
 * Every union is one unary union; buffers use a fixed number of segments.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* A passage exactly w wide must stay open (architecture.md §5): erosion and
 * dilation use w/2 minus this, which also keeps a zero-width channel from
 * depending on rounding. */
#define PASS_TOL_M 1e-6
/* Thickness of a blocking line drawn without one: below 2 * PASS_TOL_M, so a
 * gap of exactly w between two such lines stays open. */
#define LINE_HAIR_M 1e-6
/* Explicit entries are grown by w/2 plus this to catch the free space next to them. */
#define ENTRY_REACH_M 0.5
/* Default entries: ground within w plus this of the edge of the study. */
#define EDGE_REACH_M 1.0

/* ---- options ---------------------------------------------------------- */

static void options_defaults(cpted_freespace_options *o)
{
    o->soft_blocking = 0;
    o->bollard_diameter_m = 0.2;
    o->wall_thickness_m = 0.0; /* as drawn */
    o->quadrant_segments = 8;
    o->drivable = CPTED_DRIVABLE_EVERYTHING;
}

CPTED_API int CPTED_CALL cpted_freespace_options_init(cpted_freespace_options *opts,
                                                      size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_FREESPACE_OPTIONS_V1_SIZE)
        return CPTED_E_VERSION;
    /* a newer caller's unknown tail is zeroed: zero means "default" */
    memset(opts, 0, struct_size);
    options_defaults(opts);
    opts->struct_size = (uint32_t)struct_size;
    return CPTED_OK;
}

int cpted__freespace_options_resolve(cpted_context *ctx, const cpted_freespace_options *user,
                                     cpted_freespace_options *out)
{
    memset(out, 0, sizeof *out);
    options_defaults(out);
    out->struct_size = (uint32_t)sizeof *out;
    if (!user)
        return CPTED_OK;
    int rc = cpted__options_copy(ctx, out, user, sizeof *out, CPTED_FREESPACE_OPTIONS_V1_SIZE,
                                 "free-space options");
    if (rc != CPTED_OK)
        return rc;
    if (out->soft_blocking != 0 && out->soft_blocking != 1)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "free-space options: soft_blocking = %d must be 0 or 1",
                            (int)out->soft_blocking);
    if (out->drivable != CPTED_DRIVABLE_EVERYTHING && out->drivable != CPTED_DRIVABLE_ROADS)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "free-space options: drivable = %d must be CPTED_DRIVABLE_EVERYTHING "
                            "(0) or CPTED_DRIVABLE_ROADS (1)",
                            (int)out->drivable);
    if (!isfinite(out->bollard_diameter_m) || !(out->bollard_diameter_m > 0.0) ||
        out->bollard_diameter_m > 10.0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "free-space options: bollard_diameter_m = %g must be > 0 and at "
                            "most 10 m",
                            out->bollard_diameter_m);
    if (!isfinite(out->wall_thickness_m) || out->wall_thickness_m < 0.0 ||
        out->wall_thickness_m > 10.0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "free-space options: wall_thickness_m = %g must be in [0, 10] m (0: "
                            "lines as drawn)",
                            out->wall_thickness_m);
    if (out->quadrant_segments < 1 || out->quadrant_segments > 256)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "free-space options: quadrant_segments = %d must be a whole number "
                            "from 1 to 256",
                            (int)out->quadrant_segments);
    return CPTED_OK;
}

/* ---- geometry helpers --------------------------------------------------- */

static void destroy(cpted_context *ctx, GEOSGeometry *g)
{
    if (g)
        GEOSGeom_destroy_r(ctx->geos, g);
}

/* Buffer with round joins and a fixed number of arc segments. */
static GEOSGeometry *buffer(cpted_context *ctx, const GEOSGeometry *g, double distance,
                            int quadrant_segments, int cap_style)
{
    GEOSBufferParams *bp = GEOSBufferParams_create_r(ctx->geos);
    if (!bp) {
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory creating buffer parameters");
        return NULL;
    }
    GEOSBufferParams_setEndCapStyle_r(ctx->geos, bp, cap_style);
    GEOSBufferParams_setJoinStyle_r(ctx->geos, bp, GEOSBUF_JOIN_ROUND);
    GEOSBufferParams_setQuadrantSegments_r(ctx->geos, bp, quadrant_segments);
    GEOSGeometry *out = GEOSBufferWithParams_r(ctx->geos, g, bp, distance);
    GEOSBufferParams_destroy_r(ctx->geos, bp);
    if (!out)
        cpted__error(ctx, CPTED_E_GEOMETRY, "buffer by %g m failed: %s", distance,
                     cpted__geos_error(ctx));
    return out;
}

GEOSGeometry *cpted__polygonal(cpted_context *ctx, GEOSGeometry *g)
{
    if (!g)
        return NULL;
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
        return g;
    int n = GEOSGetNumGeometries_r(ctx->geos, g);
    size_t cap = 0, kept = 0;
    GEOSGeometry **parts = NULL;
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx->geos, g, i);
        int pt = GEOSGeomTypeId_r(ctx->geos, part);
        int m = pt == GEOS_POLYGON        ? 1
                : pt == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(ctx->geos, part)
                                          : 0;
        for (int k = 0; k < m && ok; k++) {
            const GEOSGeometry *poly =
                pt == GEOS_POLYGON ? part : GEOSGetGeometryN_r(ctx->geos, part, k);
            ok = cpted__grow((void **)&parts, &cap, kept + 1, sizeof *parts) &&
                 (parts[kept] = GEOSGeom_clone_r(ctx->geos, poly)) != NULL;
            if (ok)
                kept++;
        }
    }
    GEOSGeom_destroy_r(ctx->geos, g);
    GEOSGeometry *out = ok ? GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, parts,
                                                         (unsigned int)kept)
                           : NULL;
    if (!out) {
        for (size_t i = 0; i < kept; i++)
            GEOSGeom_destroy_r(ctx->geos, parts[i]);
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory collecting polygons");
    }
    cpted__free(parts);
    return out;
}

/* a ∘ b for a binary overlay, polygonal part only; the inputs are kept. */
typedef GEOSGeometry *(*overlay_fn)(GEOSContextHandle_t, const GEOSGeometry *,
                                    const GEOSGeometry *);

static GEOSGeometry *overlay(cpted_context *ctx, overlay_fn fn, const GEOSGeometry *a,
                             const GEOSGeometry *b, const char *what)
{
    GEOSGeometry *out = fn(ctx->geos, a, b);
    if (!out) {
        cpted__error(ctx, CPTED_E_GEOMETRY, "%s failed: %s", what, cpted__geos_error(ctx));
        return NULL;
    }
    return cpted__polygonal(ctx, out);
}

static GEOSGeometry *rectangle(cpted_context *ctx, double minx, double miny, double maxx,
                               double maxy)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(ctx->geos, 5, 2);
    const double xy[5][2] = {{minx, miny}, {maxx, miny}, {maxx, maxy}, {minx, maxy}, {minx, miny}};
    if (!seq) {
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory creating a rectangle");
        return NULL;
    }
    for (unsigned int i = 0; i < 5; i++)
        GEOSCoordSeq_setXY_r(ctx->geos, seq, i, xy[i][0], xy[i][1]);
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(ctx->geos, seq);
    GEOSGeometry *poly = ring ? GEOSGeom_createPolygon_r(ctx->geos, ring, NULL, 0) : NULL;
    if (!poly)
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory creating a rectangle");
    return poly;
}

/* ---- footprints ---------------------------------------------------------- */

bool cpted__role_blocks(int32_t role, const cpted_freespace_options *opts)
{
    switch (role) {
    case CPTED_ROLE_ASSET:
    case CPTED_ROLE_BUILDING:
    case CPTED_ROLE_BARRIER:
    case CPTED_ROLE_OBSTACLE: return true;
    case CPTED_ROLE_SOFT: return opts && opts->soft_blocking;
    default: return false;
    }
}

GEOSGeometry *cpted__footprint(cpted_context *ctx, const cpted__feature *f,
                               const cpted_freespace_options *opts)
{
    int quadsegs = (int)opts->quadrant_segments;
    switch (GEOSGeomTypeId_r(ctx->geos, f->geom)) {
    case GEOS_POINT:
    case GEOS_MULTIPOINT: {
        double d = f->diameter_m > 0.0 ? f->diameter_m : opts->bollard_diameter_m;
        return buffer(ctx, f->geom, d / 2.0, quadsegs, GEOSBUF_CAP_ROUND);
    }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_MULTILINESTRING: {
        /* flat ends: a wall ends where it is drawn; without a thickness (and by
         * default) its sides are where it is drawn too: a strip of LINE_HAIR_M,
         * which the passage tolerance of F absorbs, so no gap between walls
         * reads narrower than drawn */
        double t = f->thickness_m > 0.0 ? f->thickness_m : opts->wall_thickness_m;
        return buffer(ctx, f->geom, t > 0.0 ? t / 2.0 : LINE_HAIR_M / 2.0, quadsegs,
                      GEOSBUF_CAP_FLAT);
    }
    default: {
        if (f->opening) { /* an asset with a passage through it (site.c) */
            GEOSGeometry *g = GEOSDifference_r(ctx->geos, f->geom, f->opening);
            g = g ? cpted__polygonal(ctx, g) : NULL;
            if (!g)
                cpted__error(ctx, CPTED_E_GEOMETRY, "footprint of %s less its passages: %s",
                             f->id, cpted__geos_error(ctx));
            return g;
        }
        GEOSGeometry *g = GEOSGeom_clone_r(ctx->geos, f->geom);
        if (!g)
            cpted__error(ctx, CPTED_E_NOMEM, "out of memory copying feature %s", f->id);
        return g;
    }
    }
}

/* ---- the stages ------------------------------------------------------------ */

/* A growable list of owned geometries, unioned once at the end. */
typedef struct geom_list {
    GEOSGeometry **items;
    size_t count, cap;
} geom_list;

static int list_push(cpted_context *ctx, geom_list *l, GEOSGeometry *g)
{
    if (!g)
        return CPTED_E_GEOMETRY; /* the error is already set */
    if (!cpted__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items)) {
        GEOSGeom_destroy_r(ctx->geos, g);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory collecting geometries");
    }
    l->items[l->count++] = g;
    return CPTED_OK;
}

static void list_clear(cpted_context *ctx, geom_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        GEOSGeom_destroy_r(ctx->geos, l->items[i]);
    cpted__free(l->items);
    memset(l, 0, sizeof *l);
}

/* Unary union of the list, polygonal part; the list is emptied (its
 * geometries are consumed by the union, not copied). */
static GEOSGeometry *list_union(cpted_context *ctx, geom_list *l)
{
    GEOSGeometry *u = cpted__union_owned(ctx, l->items, l->count);
    l->count = 0;
    list_clear(ctx, l);
    return u ? cpted__polygonal(ctx, u) : NULL;
}

/* The polygons of the list's geometries as one MultiPolygon, without a union
 * (the caller knows they are disjoint); the list is emptied. */
static GEOSGeometry *collect_polygons(cpted_context *ctx, geom_list *l)
{
    GEOSGeometry *coll = cpted__collect(ctx, l->items, l->count);
    l->count = 0;
    list_clear(ctx, l);
    return coll ? cpted__polygonal(ctx, coll) : NULL;
}

typedef struct build {
    cpted_context *ctx;
    const cpted_site *site;
    cpted_freespace *fs;
    double w;        /* vehicle width */
    double r;        /* w/2 - PASS_TOL_M */
    int quadsegs;
    bool boundary_given;   /* B comes from boundary features */
    bool explicit_entries; /* entries come from entry features */
    GEOSGeometry *network; /* N ∩ B: mapped ground and roads, NULL when none is mapped */
    bool network_in_pieces; /* network is a collection of pieces that may overlap */
} build;

static int checkpoint(build *b, double fraction)
{
    cpted__progress(b->ctx, fraction, "freespace");
    if (cpted__interrupted(b->ctx))
        return cpted__error(b->ctx, CPTED_E_INTERRUPTED, "free space: interrupted");
    return CPTED_OK;
}

/* A copy of a ring turned counter-clockwise (a hole) or clockwise (a shell),
 * the orientation GEOS's overlays give their results. */
static GEOSGeometry *oriented_ring(cpted_context *ctx, const GEOSGeometry *ring, bool ccw)
{
    char is_ccw = 0;
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    if (!seq || !GEOSCoordSeq_isCCW_r(ctx->geos, seq, &is_ccw))
        return NULL;
    return (is_ccw != 0) == ccw ? GEOSGeom_clone_r(ctx->geos, ring)
                                : GEOSReverse_r(ctx->geos, ring);
}

/* The grown polygon (S ⊕ d) − ∪ (H_i ⊖ d) for d > 0 put together without an
 * overlay: `outer` (S ⊕ d, one polygon, with the holes the growth closed,
 * possibly cut to a set C that holds P) keeps its rings and each shrunk
 * hole's outline becomes one more hole. That is valid as it stands: a shrunk
 * hole lies inside P at least d from its outline (so at least d inside C), a
 * hole of S ⊕ d outside P at least d from it, and the holes of P are
 * disjoint, so no two of these rings come within 2d of each other; and a
 * hole shrunk has no hole of its own (the complement of an erosion of a
 * simply connected set is a dilation of a connected one: connected). *out
 * stays NULL when the pieces are not of that shape (then the overlay). */
static int grown_with_holes(build *b, const GEOSGeometry *outer, const geom_list *cut,
                            GEOSGeometry **out)
{
    cpted_context *ctx = b->ctx;
    GEOSContextHandle_t h = ctx->geos;
    *out = NULL;
    if (GEOSGeomTypeId_r(h, outer) != GEOS_POLYGON)
        return CPTED_OK;
    size_t count = (size_t)GEOSGetNumInteriorRings_r(h, outer);
    for (size_t i = 0; i < cut->count; i++) {
        int type = GEOSGeomTypeId_r(h, cut->items[i]);
        int parts = type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, cut->items[i]);
        if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
            return CPTED_OK;
        for (int k = 0; k < parts; k++) {
            const GEOSGeometry *part =
                type == GEOS_POLYGON ? cut->items[i] : GEOSGetGeometryN_r(h, cut->items[i], k);
            if (GEOSGetNumInteriorRings_r(h, part) != 0)
                return CPTED_OK;
        }
        count += (size_t)parts;
    }
    GEOSGeometry **holes = cpted__calloc(count ? count : 1, sizeof *holes);
    if (!holes)
        return cpted__nomem(ctx, "free space: grown rings");
    size_t n = 0;
    bool ok = true;
    for (int k = 0; ok && k < GEOSGetNumInteriorRings_r(h, outer); k++)
        ok = (holes[n++] = oriented_ring(ctx, GEOSGetInteriorRingN_r(h, outer, k), true)) != NULL;
    for (size_t i = 0; ok && i < cut->count; i++) {
        const GEOSGeometry *g = cut->items[i];
        int type = GEOSGeomTypeId_r(h, g);
        int parts = type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, g);
        for (int k = 0; ok && k < parts; k++) {
            const GEOSGeometry *part = type == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, k);
            ok = (holes[n++] = oriented_ring(ctx, GEOSGetExteriorRing_r(h, part), true)) != NULL;
        }
    }
    GEOSGeometry *shell = ok ? oriented_ring(ctx, GEOSGetExteriorRing_r(h, outer), false) : NULL;
    *out = shell ? GEOSGeom_createPolygon_r(h, shell, holes, (unsigned int)n) : NULL;
    int rc = CPTED_OK;
    if (!*out) {
        destroy(ctx, shell);
        for (size_t i = 0; i < n; i++)
            destroy(ctx, holes[i]);
        rc = cpted__geos_fail(ctx, "free space", "grown rings");
    }
    cpted__free(holes);
    return rc;
}

/* The rings of one polygon, each made a polygon of its own and buffered
 * (item 0 the shell by d, item k the hole k-1 by -d) on the context's threads. */
typedef struct ring_buffers {
    GEOSGeometry **rings; /* in: the rings as polygons (consumed); out: buffered */
    double d;
    int quadsegs;
} ring_buffers;

static int buffer_ring(cpted_context *ctx, size_t i, void *userdata)
{
    ring_buffers *r = userdata;
    GEOSGeometry *ring = r->rings[i];
    r->rings[i] = buffer(ctx, ring, i == 0 ? r->d : -r->d, r->quadsegs, GEOSBUF_CAP_ROUND);
    GEOSGeom_destroy_r(ctx->geos, ring);
    return r->rings[i] ? CPTED_OK : CPTED_E_GEOMETRY;
}

/* A polygon with fewer holes is buffered in the caller's thread. */
#define RING_BUFFER_THREADS_MIN 64

/* Buffer of a polygon P (shell S, holes H_i) by d, one ring at a time, and
 * cut to `clip` (NULL: not cut): P ⊕ d = (S ⊕ d) − ∪ (H_i ⊖ d) and
 * P ⊖ d = (S ⊖ d) − ∪ (H_i ⊕ d), because a point of a hole is within d of P
 * exactly when it is within d of the hole's edge; and (P ⊕ d) ∩ C =
 * ((S ⊕ d) ∩ C) − ∪ (H_i ⊖ d), so only the shell is cut. GEOS's buffer and
 * overlays slow down with the number of rings of one geometry (each is
 * located against the others); an OSM street network is one polygon with a
 * hole per block. */
static GEOSGeometry *morph_polygon(build *b, const GEOSGeometry *poly, double d, int quadsegs,
                                   const GEOSGeometry *clip)
{
    cpted_context *ctx = b->ctx;
    GEOSContextHandle_t h = ctx->geos;
    int holes = GEOSGetNumInteriorRings_r(h, poly);
    size_t n = 1 + (size_t)(holes > 0 ? holes : 0);
    ring_buffers rb = {.rings = cpted__calloc(n, sizeof *rb.rings), .d = d, .quadsegs = quadsegs};
    if (!rb.rings) {
        cpted__nomem(ctx, "free space: rings");
        return NULL;
    }
    /* the rings copied here, in the caller's thread: the threads share nothing */
    int rc = CPTED_OK;
    for (size_t i = 0; i < n && rc == CPTED_OK; i++) {
        const GEOSGeometry *ring =
            i == 0 ? GEOSGetExteriorRing_r(h, poly) : GEOSGetInteriorRingN_r(h, poly, (int)i - 1);
        GEOSGeometry *copy = ring ? GEOSGeom_clone_r(h, ring) : NULL;
        if (!copy || !(rb.rings[i] = GEOSGeom_createPolygon_r(h, copy, NULL, 0))) {
            if (copy)
                destroy(ctx, copy);
            rc = cpted__geos_fail(ctx, "free space", "copy a ring");
        }
    }
    if (rc == CPTED_OK)
        rc = cpted__parallel_map(ctx, n, buffer_ring, &rb, holes >= RING_BUFFER_THREADS_MIN);
    GEOSGeometry *outer = rc == CPTED_OK ? rb.rings[0] : NULL;
    geom_list cut = {0};
    for (size_t i = 1; i < n && rc == CPTED_OK; i++) {
        if (GEOSisEmpty_r(h, rb.rings[i]) == 1)
            destroy(ctx, rb.rings[i]);
        else
            rc = list_push(ctx, &cut, rb.rings[i]);
        rb.rings[i] = NULL;
    }
    if (rc != CPTED_OK) {
        for (size_t i = 0; i < n; i++)
            destroy(ctx, rb.rings[i]);
        cpted__free(rb.rings);
        list_clear(ctx, &cut);
        return NULL;
    }
    cpted__free(rb.rings);
    if (clip && GEOSisEmpty_r(h, outer) != 1) {
        GEOSGeometry *inside = overlay(ctx, GEOSIntersection_r, outer, clip, "grown shell ∩ clip");
        destroy(ctx, outer);
        if (!(outer = inside)) {
            list_clear(ctx, &cut);
            return NULL;
        }
    }
    if (cut.count == 0 || GEOSisEmpty_r(h, outer) == 1) {
        list_clear(ctx, &cut);
        return outer;
    }
    GEOSGeometry *out = NULL;
    if (d > 0.0 && ((rc = grown_with_holes(b, outer, &cut, &out)) != CPTED_OK || out)) {
        /* built directly, without an overlay (or failed) */
    } else {
        /* Grown (d > 0), each hole shrinks inside itself: the shrunk holes are
         * disjoint, as the holes of a valid polygon are, and their collection
         * is a valid multipolygon without a union. Shrunk (d < 0), the holes
         * grow and may overlap: one union. */
        GEOSGeometry *holes_moved = d > 0.0 ? collect_polygons(ctx, &cut) : list_union(ctx, &cut);
        if (holes_moved)
            out = overlay(ctx, GEOSDifference_r, outer, holes_moved, "buffer by rings");
        destroy(ctx, holes_moved);
    }
    list_clear(ctx, &cut);
    destroy(ctx, outer);
    return out;
}

/* g buffered by d (round, fixed segments) polygon by polygon, each cut to
 * `clip` (NULL: not cut), then one union. */
static GEOSGeometry *morph(build *b, const GEOSGeometry *g, double d, int quadsegs,
                           const GEOSGeometry *clip)
{
    cpted_context *ctx = b->ctx;
    geom_list parts = {0};
    int n = GEOSGetNumGeometries_r(ctx->geos, g);
    int rc = CPTED_OK;
    for (int i = 0; i < n && rc == CPTED_OK; i++)
        rc = list_push(ctx, &parts,
                       morph_polygon(b, GEOSGetGeometryN_r(ctx->geos, g, i), d, quadsegs, clip));
    if (rc != CPTED_OK) {
        list_clear(ctx, &parts);
        return NULL;
    }
    return list_union(ctx, &parts);
}

/* Convex hull of every feature: the edge of the data. It follows an extract
 * cut along lon/lat lines and rotated in the working CRS (grid convergence),
 * which the bounding box touches only at its corners. */
static GEOSGeometry *data_hull(cpted_context *ctx, const cpted_site *site)
{
    /* the hull of the features' hulls: no copy of every feature geometry */
    size_t n = site->feature_count;
    GEOSGeometry **hulls = cpted__calloc(n ? n : 1, sizeof *hulls);
    if (!hulls) {
        cpted__nomem(ctx, "free space: hull of the data");
        return NULL;
    }
    size_t k = 0;
    while (k < n && (hulls[k] = GEOSConvexHull_r(ctx->geos, site->features[k].geom)) != NULL)
        k++;
    GEOSGeometry *all = cpted__collect(ctx, hulls, k);
    cpted__free(hulls);
    GEOSGeometry *hull = all && k == n ? GEOSConvexHull_r(ctx->geos, all) : NULL;
    destroy(ctx, all);
    return hull;
}

/* B: the union of boundary features, else the extent of all features grown
 * by the site's margin. */
static int make_boundary(build *b)
{
    cpted_context *ctx = b->ctx;
    const cpted_site *site = b->site;
    geom_list l = {0};
    for (size_t i = 0; i < site->feature_count; i++)
        if (site->features[i].role == CPTED_ROLE_BOUNDARY) {
            int rc = list_push(ctx, &l, GEOSGeom_clone_r(ctx->geos, site->features[i].geom));
            if (rc != CPTED_OK) {
                list_clear(ctx, &l);
                return rc;
            }
        }
    b->boundary_given = l.count > 0;
    if (l.count) {
        b->fs->boundary = list_union(ctx, &l);
        return b->fs->boundary ? CPTED_OK : CPTED_E_GEOMETRY;
    }
    double e[4];
    if (cpted_site_get_extent(e, site) != CPTED_OK)
        return cpted__error(ctx, CPTED_E_INVALID, "free space: the site has no features");
    double m = site->boundary_margin_m;
    b->fs->boundary = rectangle(ctx, e[0] - m, e[1] - m, e[2] + m, e[3] + m);
    return b->fs->boundary ? CPTED_OK : CPTED_E_NOMEM;
}

/* Each piece of the list cut to B, in one collection (the pieces may
 * overlap: not a valid polygonal geometry, only for hulls, emptiness and
 * network_near); the list is emptied. */
static GEOSGeometry *pieces_in_boundary(build *b, geom_list *l)
{
    cpted_context *ctx = b->ctx;
    GEOSContextHandle_t h = ctx->geos;
    const GEOSPreparedGeometry *inside = GEOSPrepare_r(h, b->fs->boundary);
    int rc = inside ? CPTED_OK : cpted__geos_fail(ctx, "free space", "prepare the boundary");
    geom_list kept = {0};
    for (size_t i = 0; i < l->count && rc == CPTED_OK; i++) {
        char within = GEOSPreparedContains_r(h, inside, l->items[i]);
        GEOSGeometry *cut = NULL;
        if (within == 2)
            rc = cpted__geos_fail(ctx, "free space", "ground piece in the boundary");
        else if (within == 1)
            rc = list_push(ctx, &kept, GEOSGeom_clone_r(h, l->items[i]));
        else if (!(cut = overlay(ctx, GEOSIntersection_r, l->items[i], b->fs->boundary,
                                 "ground ∩ boundary")))
            rc = CPTED_E_GEOMETRY;
        else if (GEOSisEmpty_r(h, cut) == 1)
            destroy(ctx, cut);
        else
            rc = list_push(ctx, &kept, cpted__polygonal(ctx, cut));
    }
    if (inside)
        GEOSPreparedGeom_destroy_r(h, inside);
    list_clear(ctx, l);
    GEOSGeometry *out = NULL;
    if (rc == CPTED_OK) {
        out = cpted__collect(ctx, kept.items, kept.count);
        kept.count = 0; /* taken by the collection, or destroyed with it */
    }
    list_clear(ctx, &kept);
    return out;
}

/* The drivable network N ∩ B (ground polygons and roads buffered by half
 * their width), then the ground G: all of B in the conservative model (a
 * hostile vehicle mounts kerbs and drives on pavements and plazas) or when no
 * ground or road is mapped, else N ∩ B. N is kept for the default entries;
 * in the conservative model, where only its hull and its part near the edge
 * of the study are needed, as its pieces without their union (on an OSM
 * district the union is a tenth of the free space's time). */
static int make_ground(build *b)
{
    cpted_context *ctx = b->ctx;
    const cpted_site *site = b->site;
    geom_list l = {0};
    int rc = CPTED_OK;
    const int outer_q = CPTED__OUTER_SEGMENTS(b->quadsegs);
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        const cpted__feature *f = &site->features[i];
        if (f->role == CPTED_ROLE_GROUND) {
            rc = list_push(ctx, &l, GEOSGeom_clone_r(ctx->geos, f->geom));
        } else if (f->role == CPTED_ROLE_ROAD) {
            if (!(f->width_m > 0.0) || !isfinite(f->width_m))
                rc = cpted__error(ctx, CPTED_E_GEOMETRY, "road %s has no usable width (%g m)",
                                  f->id, f->width_m);
            else /* circumscribed: the ground must not stop short of a road's end or bend */
                rc = list_push(ctx, &l,
                               buffer(ctx, f->geom, cpted__circumscribed(f->width_m / 2.0, outer_q),
                                      outer_q, GEOSBUF_CAP_ROUND));
        }
    }
    if (rc != CPTED_OK) {
        list_clear(ctx, &l);
        return rc;
    }
    const bool roads_model = b->fs->opts.drivable == CPTED_DRIVABLE_ROADS;
    if (l.count && !roads_model) {
        b->network_in_pieces = true;
        if (!(b->network = pieces_in_boundary(b, &l)))
            return CPTED_E_GEOMETRY;
    } else if (l.count) {
        GEOSGeometry *n = list_union(ctx, &l);
        if (!n)
            return CPTED_E_GEOMETRY;
        b->network = overlay(ctx, GEOSIntersection_r, n, b->fs->boundary, "ground ∩ boundary");
        destroy(ctx, n);
        if (!b->network)
            return CPTED_E_GEOMETRY;
    }
    bool roads_only = roads_model && b->network;
    b->fs->ground = GEOSGeom_clone_r(ctx->geos, roads_only ? b->network : b->fs->boundary);
    return b->fs->ground ? CPTED_OK : cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
}

/* The union of the network's pieces that meet `zone` (network_in_pieces). */
static GEOSGeometry *network_near(build *b, const GEOSGeometry *zone)
{
    cpted_context *ctx = b->ctx;
    GEOSContextHandle_t h = ctx->geos;
    const GEOSPreparedGeometry *z = GEOSPrepare_r(h, zone);
    if (!z) {
        cpted__geos_fail(ctx, "free space", "prepare the entry band");
        return NULL;
    }
    geom_list near = {0};
    int rc = CPTED_OK;
    int n = GEOSGetNumGeometries_r(h, b->network);
    for (int i = 0; i < n && rc == CPTED_OK; i++) {
        const GEOSGeometry *piece = GEOSGetGeometryN_r(h, b->network, i);
        char hit = GEOSPreparedIntersects_r(h, z, piece);
        if (hit == 2)
            rc = cpted__geos_fail(ctx, "free space", "network piece near the edge");
        else if (hit == 1)
            rc = list_push(ctx, &near, GEOSGeom_clone_r(h, piece));
    }
    GEOSPreparedGeom_destroy_r(h, z);
    if (rc != CPTED_OK) {
        list_clear(ctx, &near);
        return NULL;
    }
    return list_union(ctx, &near);
}

/* The default entry zone: `source` (the drivable network, or the ground when
 * none is mapped) within w + 1 m of an edge: the given boundary's ring
 * (`at_boundary`: where roads cross into the study), else the ring of the
 * convex hull of the network (or of every feature when none is mapped). On
 * a real extract landuse, footways and kerbs reach past the roads, so the
 * hull of all data is not where vehicles come from; the hull of the network
 * is where the roads leave the data. */
static GEOSGeometry *edge_zone(build *b, const GEOSGeometry *source, bool at_boundary)
{
    cpted_context *ctx = b->ctx;
    GEOSGeometry *hull = at_boundary ? GEOSGeom_clone_r(ctx->geos, b->fs->boundary)
                         : b->network ? GEOSConvexHull_r(ctx->geos, b->network)
                                      : data_hull(ctx, b->site);
    GEOSGeometry *edge = hull ? GEOSBoundary_r(ctx->geos, hull) : NULL;
    destroy(ctx, hull);
    if (!edge) {
        cpted__error(ctx, CPTED_E_GEOMETRY, "free space: edge of the study: %s",
                     cpted__geos_error(ctx));
        return NULL;
    }
    GEOSGeometry *band = buffer(ctx, edge, b->w + EDGE_REACH_M, b->quadsegs, GEOSBUF_CAP_ROUND);
    destroy(ctx, edge);
    GEOSGeometry *near = NULL; /* the network's pieces near the edge, unioned */
    if (band && source == b->network && b->network_in_pieces)
        source = near = network_near(b, band);
    GEOSGeometry *zone =
        band && source ? overlay(ctx, GEOSIntersection_r, band, source, "entry zone") : NULL;
    destroy(ctx, near);
    destroy(ctx, band);
    return zone;
}

/* Entry zones: explicit entries ⊕ (w/2 + 0.5 m), else the drivable network
 * (or, with none mapped, the ground) within w + 1 m of the given boundary's
 * ring, or of the edge of the data (edge_zone). No zone at all is not an
 * error: nothing can then be assessed. */
static int make_entries(build *b)
{
    cpted_context *ctx = b->ctx;
    const cpted_site *site = b->site;
    geom_list l = {0};
    int rc = CPTED_OK;
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++)
        if (site->features[i].role == CPTED_ROLE_ENTRY)
            rc = list_push(ctx, &l, buffer(ctx, site->features[i].geom, b->w / 2.0 + ENTRY_REACH_M,
                                           b->quadsegs, GEOSBUF_CAP_ROUND));
    if (rc != CPTED_OK) {
        list_clear(ctx, &l);
        return rc;
    }
    b->explicit_entries = l.count > 0;
    if (l.count) {
        b->fs->entries = list_union(ctx, &l);
    } else if (b->network && GEOSisEmpty_r(ctx->geos, b->network)) {
        b->fs->entries = cpted__empty_polygon(ctx); /* every mapped road lies outside B */
    } else {
        const GEOSGeometry *source = b->network ? b->network : b->fs->ground;
        b->fs->entries = edge_zone(b, source, b->boundary_given);
        /* a given boundary that no drivable ground crosses: the edge of the data */
        if (b->fs->entries && b->boundary_given && GEOSisEmpty_r(ctx->geos, b->fs->entries)) {
            destroy(ctx, b->fs->entries);
            b->fs->entries = edge_zone(b, source, false);
        }
    }
    return b->fs->entries ? CPTED_OK : CPTED_E_GEOMETRY;
}

/* The blocked set and its dilation by r, each from one unary union. Only
 * footprints that meet `extended` (G ∪ band) can narrow F: a vehicle centre
 * in F0 has its whole disc in there. The others (buildings beside the road
 * network of an OSM district) are left out of both unions. */
static int make_blocked(build *b, const GEOSGeometry *extended, GEOSGeometry **dilated_out)
{
    cpted_context *ctx = b->ctx;
    const cpted_site *site = b->site;
    const cpted_freespace_options *opts = &b->fs->opts;
    geom_list footprints = {0}, grown = {0};
    *dilated_out = NULL;
    /* Tiles, not a prepared geometry: GEOS's prepared intersects tests a point
     * of every ring of `extended` (a hole per block) against each footprint. */
    cpted__tiles *drivable = NULL;
    int rc = cpted__tiles_new(&drivable, ctx, extended, CPTED__TILE_VERTICES);
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        const cpted__feature *f = &site->features[i];
        if (!cpted__role_blocks(f->role, opts))
            continue;
        GEOSGeometry *fp = cpted__footprint(ctx, f, opts);
        int hit = fp ? cpted__tiles_intersects(ctx, drivable, fp, -1) : -1;
        if (hit < 0)
            rc = fp ? cpted__error(ctx, CPTED_E_GEOMETRY, "footprint of %s: %s", f->id,
                                   cpted_context_last_error(ctx))
                    : CPTED_E_GEOMETRY;
        if (hit != 1)
            destroy(ctx, fp);
        else if ((rc = list_push(ctx, &footprints, fp)) == CPTED_OK)
            rc = list_push(ctx, &grown, buffer(ctx, fp, b->r, b->quadsegs, GEOSBUF_CAP_ROUND));
        if (rc == CPTED_OK && (i & 1023) == 1023)
            rc = checkpoint(b, 0.4 + 0.2 * (double)i / (double)site->feature_count);
    }
    cpted__tiles_free(ctx, drivable);
    if (rc == CPTED_OK) {
        b->fs->blocked = list_union(ctx, &footprints);
        *dilated_out = b->fs->blocked ? list_union(ctx, &grown) : NULL;
        if (!*dilated_out)
            rc = CPTED_E_GEOMETRY;
    }
    list_clear(ctx, &footprints);
    list_clear(ctx, &grown);
    return rc;
}

/* F0 = ((G ∪ ((B ⊕ w) − B)) ⊖ r) ∩ B: the band outside B keeps the erosion
 * from biting where the ground is cut by the boundary. *extended_out gets
 * G ∪ band. */
static GEOSGeometry *make_centre_ground(build *b, GEOSGeometry **extended_out)
{
    cpted_context *ctx = b->ctx;
    GEOSGeometry *outer = buffer(ctx, b->fs->boundary, b->w, b->quadsegs, GEOSBUF_CAP_ROUND);
    GEOSGeometry *band = outer ? overlay(ctx, GEOSDifference_r, outer, b->fs->boundary, "band")
                               : NULL;
    GEOSGeometry *extended = band ? overlay(ctx, GEOSUnion_r, b->fs->ground, band,
                                            "ground ∪ band")
                                  : NULL;
    /* cut to B shell by shell: ((S ⊖ r) ∩ B) − ∪ (H ⊕ r) */
    GEOSGeometry *f0 = extended ? morph(b, extended, -b->r, b->quadsegs, b->fs->boundary) : NULL;
    destroy(ctx, outer);
    destroy(ctx, band);
    if (f0)
        *extended_out = extended;
    else
        destroy(ctx, extended);
    return f0;
}

/* R: the polygons of F that meet an entry zone (one prepared zone, one test per polygon). */
static int make_reachable(build *b)
{
    cpted_context *ctx = b->ctx;
    const GEOSGeometry *free_space = b->fs->free_space;
    const GEOSPreparedGeometry *zone = GEOSPrepare_r(ctx->geos, b->fs->entries);
    if (!zone)
        return cpted__error(ctx, CPTED_E_GEOMETRY, "cannot prepare the entry zone: %s",
                            cpted__geos_error(ctx));
    int n = GEOSGetNumGeometries_r(ctx->geos, free_space);
    GEOSGeometry **parts = cpted__calloc(n > 0 ? (size_t)n : 1, sizeof *parts);
    unsigned int kept = 0;
    int rc = parts ? CPTED_OK : cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    for (int i = 0; i < n && rc == CPTED_OK; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx->geos, free_space, i);
        char hit = GEOSPreparedIntersects_r(ctx->geos, zone, part);
        if (hit == 2)
            rc = cpted__error(ctx, CPTED_E_GEOMETRY, "entry test failed: %s",
                              cpted__geos_error(ctx));
        else if (hit == 1 && !(parts[kept++] = GEOSGeom_clone_r(ctx->geos, part)))
            rc = cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    }
    GEOSPreparedGeom_destroy_r(ctx->geos, zone);
    if (rc == CPTED_OK) {
        /* parts of a valid multipolygon: their collection is valid, no union needed */
        b->fs->reachable = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, parts, kept);
        if (!b->fs->reachable)
            rc = cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    }
    if (rc != CPTED_OK)
        for (unsigned int i = 0; i < kept; i++)
            destroy(ctx, parts[i]);
    cpted__free(parts);
    return rc;
}

/* A = (R ⊕ w/2) ∩ B, with the arcs of the buffer circumscribing the true
 * circle: a polygonal arc inscribed in the circle would cut A inside the exact
 * set and put the vehicle farther away than it can be. Straight edges move out
 * by the same factor, so A is buffered with four times the segments (q = 8: 32
 * per quadrant, radius +0.068 %: 0.6 mm for a car). */
static int make_accessible(build *b)
{
    cpted_context *ctx = b->ctx;
    if (GEOSisEmpty_r(ctx->geos, b->fs->reachable)) {
        b->fs->accessible = cpted__empty_polygon(ctx);
        return b->fs->accessible ? CPTED_OK : CPTED_E_NOMEM;
    }
    int q = CPTED__OUTER_SEGMENTS(b->quadsegs);
    /* clipped to B shell by shell: the holes of R shrink inside B */
    b->fs->accessible =
        morph(b, b->fs->reachable, cpted__circumscribed(b->w / 2.0, q), q, b->fs->boundary);
    return b->fs->accessible ? CPTED_OK : CPTED_E_GEOMETRY;
}

/* Nothing can be assessed: records why, and every set not computed yet (and
 * R and A) becomes empty, so analyses see an empty reachable space together
 * with the reason, never an "unreached" that looks like a result. */
static int not_assessed(build *b, const char *fmt, ...) CPTED__PRINTF(2, 3);
static int not_assessed(build *b, const char *fmt, ...)
{
    cpted_context *ctx = b->ctx;
    va_list ap;
    va_start(ap, fmt);
    char text[1024];
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!(b->fs->not_assessed = cpted__strdup(text)))
        return cpted__nomem(ctx, "free space");
    GEOSGeometry **sets[] = {&b->fs->ground,    &b->fs->blocked,   &b->fs->free_space,
                             &b->fs->entries,   &b->fs->reachable, &b->fs->accessible};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if (*sets[i] && sets[i] != &b->fs->reachable && sets[i] != &b->fs->accessible)
            continue;
        destroy(ctx, *sets[i]);
        if (!(*sets[i] = cpted__empty_polygon(ctx)))
            return CPTED_E_NOMEM;
    }
    /* a warning of the free space too (logged), so every result built on it shows it */
    return cpted__result_warn(&b->fs->head, "not assessed: %s", text);
}

static const char *vehicle_name(const build *b)
{
    return b->fs->vehicle.class_code[0] ? b->fs->vehicle.class_code : "(custom)";
}

static int compute(build *b)
{
    cpted_context *ctx = b->ctx;
    int rc;
    if ((rc = make_boundary(b)) != CPTED_OK || (rc = checkpoint(b, 0.05)) != CPTED_OK)
        return rc;
    if ((rc = make_ground(b)) != CPTED_OK || (rc = checkpoint(b, 0.15)) != CPTED_OK)
        return rc;
    if (GEOSisEmpty_r(ctx->geos, b->fs->ground))
        return not_assessed(b, "no drivable ground: no mapped ground or road lies inside the "
                               "boundary of the study (drivable = roads)");
    if ((rc = make_entries(b)) != CPTED_OK || (rc = checkpoint(b, 0.2)) != CPTED_OK)
        return rc;
    if (GEOSisEmpty_r(ctx->geos, b->fs->entries))
        return not_assessed(b, "no entry: no feature has the role 'entry' and no mapped "
                               "ground or road lies inside the boundary of the study (give "
                               "entries, or a boundary that the roads cross)");
    GEOSGeometry *extended = NULL, *dilated = NULL;
    GEOSGeometry *f0 = make_centre_ground(b, &extended);
    if (!f0)
        return CPTED_E_GEOMETRY;
    if ((rc = checkpoint(b, 0.4)) == CPTED_OK &&
        (rc = make_blocked(b, extended, &dilated)) == CPTED_OK &&
        (rc = checkpoint(b, 0.6)) == CPTED_OK)
        b->fs->free_space = overlay(ctx, GEOSDifference_r, f0, dilated, "free space");
    destroy(ctx, f0);
    destroy(ctx, extended);
    destroy(ctx, dilated);
    if (rc != CPTED_OK)
        return rc;
    if (!b->fs->free_space)
        return CPTED_E_GEOMETRY;
    if (GEOSisEmpty_r(ctx->geos, b->fs->free_space))
        return not_assessed(b,
                            "free space is empty: vehicle %s (width %.2f m) is wider than every "
                            "passage of the site",
                            vehicle_name(b), b->w);
    if ((rc = checkpoint(b, 0.75)) != CPTED_OK || (rc = make_reachable(b)) != CPTED_OK ||
        (rc = checkpoint(b, 0.85)) != CPTED_OK)
        return rc;
    if (GEOSisEmpty_r(ctx->geos, b->fs->reachable))
        return not_assessed(b,
                            "no entry meets the free space: vehicle %s (width %.2f m) cannot "
                            "enter the study from %s",
                            vehicle_name(b), b->w,
                            b->explicit_entries ? "the entry features"
                                                : "the edge of the drivable data");
    if ((rc = make_accessible(b)) != CPTED_OK)
        return rc;
    cpted__progress(ctx, 1.0, "freespace");
    return CPTED_OK;
}

/* ---- public API ------------------------------------------------------------- */

int cpted__analysis_start(cpted_context **ctx_out, cpted_vehicle *vehicle_out, cpted_site *site,
                          const void *out, const cpted_vehicle *vehicle, const char *fn)
{
    *ctx_out = site ? site->ctx : NULL;
    if (!site)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(site->ctx, CPTED_E_INVALID, "%s: out is NULL", fn);
    int rc = cpted_vehicle_validate(site->ctx, vehicle);
    if (rc != CPTED_OK)
        return rc;
    /* validated: the caller's struct is at least the 1.0 layout */
    memset(vehicle_out, 0, sizeof *vehicle_out);
    return cpted__options_copy(site->ctx, vehicle_out, vehicle, sizeof *vehicle_out,
                               CPTED_VEHICLE_V1_SIZE, "vehicle");
}

CPTED_API int CPTED_CALL cpted_freespace_new(cpted_freespace **out, cpted_site *site,
                                             const cpted_vehicle *vehicle,
                                             const cpted_freespace_options *opts)
{
    if (out)
        *out = NULL;
    cpted_context *ctx;
    cpted_vehicle v;
    int rc = cpted__analysis_start(&ctx, &v, site, out, vehicle, "cpted_freespace_new");
    if (rc != CPTED_OK)
        return rc;
    unsigned long nomem_reports = ctx->nomem_reports;
    cpted_freespace *fs = cpted__calloc(1, sizeof *fs);
    if (!fs)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    cpted__result_init(&fs->head, ctx, site, NULL);
    fs->site = site;
    fs->ctx = ctx;
    fs->vehicle = v;
    rc = cpted__freespace_options_resolve(ctx, opts, &fs->opts);
    if (rc == CPTED_OK) {
        build b = {.ctx = ctx,
                   .site = site,
                   .fs = fs,
                   .w = vehicle->width_m,
                   .r = vehicle->width_m / 2.0 - PASS_TOL_M,
                   .quadsegs = (int)fs->opts.quadrant_segments};
        rc = compute(&b);
        destroy(ctx, b.network);
    }
    if (rc != CPTED_OK) {
        cpted_freespace_free(fs);
        /* a stage that failed for want of memory may have been reported by its
         * caller as a geometry error; coverage tells the two apart */
        return cpted__nomem_status(ctx, rc, nomem_reports);
    }
    /* the analyses borrow the site's features through the free space */
    atomic_store(&site->frozen, true);
    *out = fs;
    return CPTED_OK;
}

CPTED_API void CPTED_CALL cpted_freespace_free(cpted_freespace *fs)
{
    if (!fs || !cpted__result_unref(&fs->head))
        return;
    cpted_context *ctx = fs->ctx;
    /* the caches first: footprints borrow the site's geometry */
    for (size_t i = 0; i < fs->footprint_count; i++)
        destroy(ctx, fs->footprints[i].geom);
    cpted__free(fs->footprints);
    if (fs->footprint_tree)
        GEOSSTRtree_destroy_r(ctx->geos, fs->footprint_tree);
    cpted__tiles_free(ctx, fs->tiles_reachable);
    cpted__tiles_free(ctx, fs->tiles_accessible);
    if (fs->ratings) {
        for (size_t i = 0; i < fs->site->feature_count; i++)
            cpted__free(fs->ratings[i].why);
        cpted__free(fs->ratings);
    }
    cpted__lines_free(ctx, fs->lines);
    destroy(ctx, fs->boundary);
    destroy(ctx, fs->ground);
    destroy(ctx, fs->blocked);
    destroy(ctx, fs->free_space);
    destroy(ctx, fs->reachable);
    destroy(ctx, fs->accessible);
    destroy(ctx, fs->entries);
    cpted__free(fs->not_assessed);
    cpted__result_fini(&fs->head);
    cpted__free(fs);
}

int cpted__analysis_start_fs(cpted_context **ctx_out, cpted_freespace *fs, const void *out,
                             const char *fn)
{
    *ctx_out = fs ? fs->ctx : NULL;
    if (!fs)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(fs->ctx, CPTED_E_INVALID, "%s: out is NULL", fn);
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_freespace_get_vehicle(cpted_vehicle *out, const cpted_freespace *fs)
{
    if (!fs)
        return CPTED_E_INVALID;
    return cpted__copy_record(fs->ctx, out, &fs->vehicle, sizeof fs->vehicle, CPTED_VEHICLE_V1_SIZE,
                              "vehicle");
}

/* ---- caches for the analyses ------------------------------------------------- */

int cpted__freespace_footprints(cpted_freespace *fs, const cpted__footprint_item **items_out,
                                size_t *count_out, GEOSSTRtree **tree_out)
{
    cpted_context *ctx = fs->ctx;
    GEOSContextHandle_t h = ctx->geos;
    const cpted_site *site = fs->site;
    const cpted_freespace_options *fo = &fs->opts;
    if (!fs->footprints_built) {
        size_t n = 0;
        for (size_t i = 0; i < site->feature_count; i++)
            n += cpted__role_blocks(site->features[i].role, fo);
        if (!fs->footprints)
            fs->footprints = cpted__calloc(n ? n : 1, sizeof *fs->footprints);
        if (!fs->footprint_tree)
            fs->footprint_tree = GEOSSTRtree_create_r(h, 10);
        if (!fs->footprints || !fs->footprint_tree)
            return cpted__nomem(ctx, "free space");
        for (size_t i = 0; i < site->feature_count; i++) {
            const cpted__feature *f = &site->features[i];
            if (!cpted__role_blocks(f->role, fo))
                continue;
            if (fs->footprint_count && fs->footprints[fs->footprint_count - 1].feature >= i)
                continue; /* built by an earlier call that failed later */
            GEOSGeometry *g = cpted__footprint(ctx, f, fo);
            if (!g) /* the context error names the feature */
                return CPTED_E_GEOMETRY;
            cpted__footprint_item *p = &fs->footprints[fs->footprint_count++];
            p->feature = i;
            p->geom = g;
            p->core = g;
            p->core_r = 0.0;
            /* A bollard is a disc: measure from its centre, exactly, rather than
             * from the polygon that approximates the disc. */
            if (GEOSGeomTypeId_r(h, f->geom) == GEOS_POINT) {
                double d = isfinite(f->diameter_m) && f->diameter_m > 0 ? f->diameter_m
                                                                        : fo->bollard_diameter_m;
                p->core = f->geom;
                p->core_r = d / 2.0;
            }
            GEOSSTRtree_insert_r(h, fs->footprint_tree, g, p);
        }
        fs->footprints_built = true;
    }
    *items_out = fs->footprints;
    *count_out = fs->footprint_count;
    *tree_out = fs->footprint_tree;
    return CPTED_OK;
}

typedef struct near_list {
    const cpted__footprint_item **items;
    size_t count, cap;
    bool failed;
} near_list;

static void collect_near(void *item, void *userdata)
{
    near_list *l = userdata;
    if (!cpted__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items)) {
        l->failed = true;
        return;
    }
    l->items[l->count++] = item;
}

static int cmp_item_feature(const void *pa, const void *pb)
{
    const cpted__footprint_item *a = *(const cpted__footprint_item *const *)pa;
    const cpted__footprint_item *b = *(const cpted__footprint_item *const *)pb;
    return (a->feature > b->feature) - (a->feature < b->feature);
}

int cpted__freespace_footprints_near(cpted_freespace *fs, const GEOSGeometry *g, double dist,
                                     const cpted__footprint_item ***out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    const cpted__footprint_item *items;
    size_t count;
    GEOSSTRtree *tree;
    int rc = cpted__freespace_footprints(fs, &items, &count, &tree);
    if (rc != CPTED_OK || count == 0)
        return rc;
    GEOSContextHandle_t h = fs->ctx->geos;
    double x0, y0, x1, y1;
    if (!GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1))
        return cpted__geos_fail(fs->ctx, "free space", "extent");
    GEOSGeometry *box = GEOSGeom_createRectangle_r(h, x0 - dist, y0 - dist, x1 + dist, y1 + dist);
    if (!box)
        return cpted__geos_fail(fs->ctx, "free space", "query box");
    near_list l = {NULL, 0, 0, false};
    GEOSSTRtree_query_r(h, tree, box, collect_near, &l);
    GEOSGeom_destroy_r(h, box);
    if (l.failed) {
        cpted__free(l.items);
        return cpted__nomem(fs->ctx, "free space");
    }
    if (l.count > 1)
        qsort(l.items, l.count, sizeof *l.items, cmp_item_feature);
    *out = l.items;
    *count_out = l.count;
    return CPTED_OK;
}

int cpted__freespace_tiles(cpted_freespace *fs, int32_t space, cpted__tiles **out)
{
    cpted__tiles **slot = space == CPTED_SPACE_REACHABLE    ? &fs->tiles_reachable
                          : space == CPTED_SPACE_ACCESSIBLE ? &fs->tiles_accessible
                                                            : NULL;
    if (!slot)
        return cpted__error(fs->ctx, CPTED_E_INVALID, "free space: no tiles of space %d",
                            (int)space);
    if (!*slot) {
        int rc =
            cpted__tiles_new(slot, fs->ctx, cpted__freespace_set(fs, space), CPTED__TILE_VERTICES);
        if (rc != CPTED_OK)
            return rc;
    }
    *out = *slot;
    return CPTED_OK;
}

int cpted__freespace_rating(cpted_freespace *fs, size_t feature, const cpted__parsed_rating **out)
{
    cpted_context *ctx = fs->ctx;
    const cpted__feature *f = &fs->site->features[feature];
    if (!fs->ratings) {
        fs->ratings = cpted__calloc(fs->site->feature_count + 1, sizeof *fs->ratings);
        if (!fs->ratings)
            return cpted__nomem(ctx, "free space");
    }
    cpted__parsed_rating *pr = &fs->ratings[feature];
    if (!pr->parsed) {
        cpted_rating rt;
        memset(&rt, 0, sizeof rt);
        rt.struct_size = (uint32_t)sizeof rt;
        /* A malformed rating is not a failure of the call: the parser's message
         * is kept as the reason, and the context's error stays as it was. */
        char *saved = cpted__mute(ctx);
        int rc = cpted_rating_parse(&rt, ctx, f->rating ? f->rating : "");
        bool usable = rc == CPTED_OK && isfinite(rt.mass_kg) && isfinite(rt.speed_kmh);
        char *why = usable ? NULL
                           : cpted__strdup(rc == CPTED_OK ? "it gives no test mass and speed"
                                                          : cpted_context_last_error(ctx));
        cpted__unmute(ctx, saved, rc == CPTED_E_NOMEM);
        if (rc == CPTED_E_NOMEM) {
            cpted__free(why);
            return rc;
        }
        if (!usable && !why)
            return cpted__nomem(ctx, "free space");
        pr->parsed = true;
        pr->usable = usable;
        pr->status = rc;
        pr->mass_kg = rt.mass_kg;
        pr->speed_kmh = rt.speed_kmh;
        pr->why = why;
    }
    *out = pr;
    return CPTED_OK;
}

const GEOSGeometry *cpted__freespace_set(const cpted_freespace *fs, int32_t space)
{
    switch (space) {
    case CPTED_SPACE_GROUND: return fs->ground;
    case CPTED_SPACE_BLOCKED: return fs->blocked;
    case CPTED_SPACE_FREE: return fs->free_space;
    case CPTED_SPACE_REACHABLE: return fs->reachable;
    case CPTED_SPACE_ACCESSIBLE: return fs->accessible;
    case CPTED_SPACE_ENTRIES: return fs->entries;
    case CPTED_SPACE_BOUNDARY: return fs->boundary;
    default: return NULL;
    }
}

CPTED_API int CPTED_CALL cpted_freespace_get_wkb(unsigned char **out, size_t *size_out,
                                                 const cpted_freespace *fs, int32_t space)
{
    if (!fs)
        return CPTED_E_INVALID;
    const GEOSGeometry *g = cpted__freespace_set(fs, space);
    if (!g)
        return cpted__error(fs->ctx, CPTED_E_INVALID, "cpted_freespace_get_wkb: unknown space %d",
                            (int)space);
    return cpted__geom_to_wkb(fs->ctx, g, out, size_out);
}

CPTED_API int CPTED_CALL cpted_freespace_get_area(double *out_m2, const cpted_freespace *fs,
                                                  int32_t space)
{
    if (!fs)
        return CPTED_E_INVALID;
    if (!out_m2)
        return cpted__error(fs->ctx, CPTED_E_INVALID, "cpted_freespace_get_area: out_m2 is NULL");
    const GEOSGeometry *g = cpted__freespace_set(fs, space);
    if (!g)
        return cpted__error(fs->ctx, CPTED_E_INVALID, "cpted_freespace_get_area: unknown space %d",
                            (int)space);
    double a = 0.0;
    if (!GEOSArea_r(fs->ctx->geos, g, &a))
        return cpted__error(fs->ctx, CPTED_E_GEOMETRY, "area failed: %s",
                            cpted__geos_error(fs->ctx));
    *out_m2 = a;
    return CPTED_OK;
}

CPTED_API const char *CPTED_CALL cpted_freespace_not_assessed(const cpted_freespace *fs)
{
    return fs ? fs->not_assessed : "no free space";
}
