/*
 * breaches.c - where a vehicle gets through or round the line of protection
 * (architecture.md §6): the reachable space R of the coverage's free space
 * crossing a perimeter line (a crossing), or reaching both sides of an open
 * line round one of its ends (a bypass). Used by coverage.c only (a one-way
 * dependency); the lines themselves come from lines.c.
 * Method and every decision: docs/method-coverage.md §5.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODULE "coverage"
/* Any piece of line inside R, however short, is a crossing: the free space
 * keeps a passage of exactly the vehicle width open as a sliver of R about
 * 2 µm wide (docs/method-coverage.md §5), and a length filter would drop it.
 * Only a point (R touching the line) is not a crossing. */

static int push_breach(cpted_coverage *cov, const cpted__coverage_line *l, int32_t kind,
                       GEOSGeometry *geom, double x, double y, double width_m)
{
    if (!cpted__grow((void **)&cov->breaches, &cov->breach_cap, cov->breach_count + 1,
                     sizeof *cov->breaches)) {
        GEOSGeom_destroy_r(cov->ctx->geos, geom);
        return cpted__nomem(cov->ctx, MODULE);
    }
    cpted__coverage_breach *b = &cov->breaches[cov->breach_count++];
    memset(b, 0, sizeof *b);
    b->rec.struct_size = (uint32_t)sizeof b->rec;
    b->rec.x = x;
    b->rec.y = y;
    b->rec.width_m = width_m;
    b->rec.line_id = l->id;
    b->rec.kind = kind;
    b->geom = geom;
    return CPTED_OK;
}

/* Appends the LineStrings in g (recursively) to a list of clones. */
static bool gather_lines(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry ***list,
                         size_t *count, size_t *cap)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_LINESTRING) {
        if (!cpted__grow((void **)list, cap, *count + 1, sizeof **list))
            return false;
        (*list)[*count] = GEOSGeom_clone_r(h, g);
        return (*list)[(*count)++] != NULL;
    }
    if (t == GEOS_MULTILINESTRING || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            if (!gather_lines(h, GEOSGetGeometryN_r(h, g, i), list, count, cap))
                return false;
    }
    return true; /* points: touches, not pieces */
}

/* Line pieces of g, merged where they join (e.g. across a ring's start).
 * NULL with *nomem set when our list could not grow. */
static GEOSGeometry *line_pieces(GEOSContextHandle_t h, const GEOSGeometry *g, bool *nomem)
{
    GEOSGeometry **list = NULL;
    size_t count = 0, cap = 0;
    bool ok = gather_lines(h, g, &list, &count, &cap);
    *nomem = !ok;
    GEOSGeometry *merged = NULL;
    if (ok) {
        GEOSGeometry *coll =
            GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, list, (unsigned int)count);
        if (coll) {
            count = 0; /* owned by coll now */
            merged = GEOSLineMerge_r(h, coll);
            GEOSGeom_destroy_r(h, coll);
        }
    }
    for (size_t i = 0; i < count; i++)
        if (list[i])
            GEOSGeom_destroy_r(h, list[i]);
    cpted__free(list);
    return merged;
}

typedef struct piece {
    double s;
    GEOSGeometry *g;
} piece;

static int piece_cmp(const void *pa, const void *pb)
{
    const piece *a = pa, *b = pb;
    return (a->s > b->s) - (a->s < b->s);
}

/* Every piece of the line inside R is a crossing. Returns the number found in *found. */
static int crossings(cpted_coverage *cov, const cpted__coverage_line *l, const cpted__tiles *reach,
                     size_t *found)
{
    cpted_context *ctx = cov->ctx;
    GEOSContextHandle_t h = ctx->geos;
    *found = 0;
    unsigned long nomem_reports = ctx->nomem_reports;
    GEOSGeometry *inter = cpted__tiles_intersection(ctx, reach, l->geom);
    if (!inter)
        return cpted__nomem_status(ctx,
                                   cpted__error(ctx, CPTED_E_GEOMETRY, "%s: line %s ∩ R failed: %s",
                                                MODULE, l->id, cpted_context_last_error(ctx)),
                                   nomem_reports);
    bool nomem = false;
    GEOSGeometry *pieces = line_pieces(h, inter, &nomem);
    GEOSGeom_destroy_r(h, inter);
    if (!pieces)
        return nomem ? cpted__nomem(ctx, MODULE) : cpted__geos_fail(ctx, MODULE, "crossing pieces");
    int n = GEOSGetNumGeometries_r(h, pieces);
    piece *ps = cpted__calloc((size_t)(n > 0 ? n : 1), sizeof *ps);
    int rc = ps ? CPTED_OK : cpted__nomem(ctx, MODULE);
    size_t k = 0;
    for (int i = 0; i < n && rc == CPTED_OK; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, pieces, i);
        double plen = 0.0;
        if (!GEOSLength_r(h, p, &plen)) { /* never a silently dropped crossing */
            rc = cpted__geos_fail(ctx, MODULE, "crossing length");
            break;
        }
        if (!(plen > 0.0))
            continue;
        GEOSGeometry *mid = GEOSInterpolate_r(h, p, plen / 2.0);
        if (!mid) {
            rc = cpted__geos_fail(ctx, MODULE, "interpolate");
            break;
        }
        ps[k].s = GEOSProject_r(h, l->geom, mid);
        GEOSGeom_destroy_r(h, mid);
        if (!(ps[k++].g = GEOSGeom_clone_r(h, p)))
            rc = cpted__geos_fail(ctx, MODULE, "crossing piece");
    }
    GEOSGeom_destroy_r(h, pieces);
    if (k > 1)
        qsort(ps, k, sizeof *ps, piece_cmp);
    for (size_t i = 0; i < k; i++) {
        if (rc != CPTED_OK || !ps[i].g) {
            if (ps[i].g)
                GEOSGeom_destroy_r(h, ps[i].g);
            continue;
        }
        double plen = 0.0, x = 0.0, y = 0.0;
        GEOSLength_r(h, ps[i].g, &plen);
        rc = cpted__line_point_at(ctx, ps[i].g, plen, plen / 2.0, &x, &y);
        if (rc == CPTED_OK) {
            rc = push_breach(cov, l, CPTED_BREACH_CROSSING, ps[i].g, x, y, plen);
            (*found)++;
        } else {
            GEOSGeom_destroy_r(h, ps[i].g);
        }
    }
    cpted__free(ps);
    return rc;
}

/* The strip of width w on one side of the line (w < 0: the right side). */
static GEOSGeometry *side_strip(const cpted_coverage *cov, const GEOSGeometry *line, double w)
{
    GEOSContextHandle_t h = cov->ctx->geos;
    GEOSBufferParams *bp = GEOSBufferParams_create_r(h);
    if (!bp)
        return NULL;
    GEOSBufferParams_setSingleSided_r(h, bp, 1);
    GEOSBufferParams_setEndCapStyle_r(h, bp, GEOSBUF_CAP_FLAT);
    GEOSBufferParams_setQuadrantSegments_r(h, bp, (int)cov->fs->opts.quadrant_segments);
    GEOSGeometry *g = GEOSBufferWithParams_r(h, line, bp, w);
    GEOSBufferParams_destroy_r(h, bp);
    return g;
}

/* Passage round one end: the first piece of the line's prolongation (a ray
 * along the end segment) inside the component. Returns its distance from the
 * end (INFINITY when the ray misses) and the piece's middle and length. */
static double end_passage(cpted_context *ctx, const double *xy, unsigned int n, int end,
                          double ray_m, const GEOSGeometry *comp, double *mx, double *my,
                          double *width)
{
    GEOSContextHandle_t h = ctx->geos;
    unsigned int i0 = end ? n - 1 : 0, i1 = end ? n - 2 : 1;
    double ex = xy[2 * i0], ey = xy[2 * i0 + 1];
    double dx = ex - xy[2 * i1], dy = ey - xy[2 * i1 + 1];
    double dl = hypot(dx, dy);
    if (!(dl > 0))
        return INFINITY;
    double ray[4] = {ex, ey, ex + dx / dl * ray_m, ey + dy / dl * ray_m};
    GEOSGeometry *rg = cpted__line_from_xy(ctx, ray, 2);
    GEOSGeometry *inter = rg ? GEOSIntersection_r(h, rg, comp) : NULL;
    bool nomem = false; /* a failure leaves the width unknown: infinite, the safe side */
    GEOSGeometry *pieces = inter ? line_pieces(h, inter, &nomem) : NULL;
    double best = INFINITY;
    int np = pieces ? GEOSGetNumGeometries_r(h, pieces) : 0;
    for (int i = 0; i < np; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, pieces, i);
        double plen = 0.0, d = 0.0;
        GEOSLength_r(h, p, &plen);
        GEOSGeometry *e = GEOSGeom_createPointFromXY_r(h, ex, ey);
        if (!e)
            continue;
        GEOSDistance_r(h, p, e, &d);
        GEOSGeom_destroy_r(h, e);
        if (plen > 0.0 && d < best) {
            best = d;
            *width = plen;
            cpted__line_point_at(ctx, p, plen, plen / 2.0, mx, my);
        }
    }
    if (pieces)
        GEOSGeom_destroy_r(h, pieces);
    if (inter)
        GEOSGeom_destroy_r(h, inter);
    if (rg)
        GEOSGeom_destroy_r(h, rg);
    return best;
}

/* An open line R reaches on both sides within one connected component: the
 * vehicle can go round an end. `tiles` are R's. */
static int bypass(cpted_coverage *cov, const cpted__coverage_line *l, const GEOSGeometry *reach,
                  const cpted__tiles *tiles)
{
    cpted_context *ctx = cov->ctx;
    GEOSContextHandle_t h = ctx->geos;
    unsigned long nomem_reports = ctx->nomem_reports;
    double strip_m = cov->vehicle.width_m / 2.0 + cov->opts.snap_m;
    GEOSGeometry *left = side_strip(cov, l->geom, strip_m);
    GEOSGeometry *right = side_strip(cov, l->geom, -strip_m);
    int rc = CPTED_OK;
    double *xy = NULL;
    if (!left || !right) {
        rc = cpted__geos_fail(ctx, MODULE, "side strips");
        goto done;
    }
    /* most lines: R on one side at most, for any component. A failed test is
     * an error of the call, never "no bypass". */
    int il = cpted__tiles_intersects(ctx, tiles, left, -1);
    int ir = il == 1 ? cpted__tiles_intersects(ctx, tiles, right, -1) : 0;
    if (il < 0 || ir < 0) {
        rc = cpted__nomem_status(ctx, CPTED_E_GEOMETRY, nomem_reports); /* the error says why */
        goto done;
    }
    int nc = il == 1 && ir == 1 ? GEOSGetNumGeometries_r(h, reach) : 0;
    for (int c = 0; c < nc; c++) {
        const GEOSGeometry *comp = GEOSGetGeometryN_r(h, reach, c);
        il = cpted__tiles_intersects(ctx, tiles, left, c);
        ir = il == 1 ? cpted__tiles_intersects(ctx, tiles, right, c) : 0;
        if (il < 0 || ir < 0) {
            rc = cpted__nomem_status(ctx, CPTED_E_GEOMETRY, nomem_reports);
            goto done;
        }
        if (il != 1 || ir != 1)
            continue;
        unsigned int n = 0;
        xy = cpted__line_coords(ctx, l->geom, &n);
        double x0, y0, x1, y1;
        if (!xy || n < 2 || !GEOSGeom_getExtent_r(h, comp, &x0, &y0, &x1, &y1)) {
            rc = cpted__geos_fail(ctx, MODULE, "bypass");
            goto done;
        }
        double ray_m = hypot(x1 - x0, y1 - y0) + l->rec.length_m;
        double bx[2] = {0, 0}, by[2] = {0, 0}, bw[2] = {0, 0}, bd[2];
        for (int e = 0; e < 2; e++)
            bd[e] = end_passage(ctx, xy, n, e, ray_m, comp, &bx[e], &by[e], &bw[e]);
        int e = bd[1] < bd[0] ? 1 : 0;
        double x, y, width = 0.0;
        if (isfinite(bd[e])) {
            x = bx[e];
            y = by[e];
            width = bw[e];
        } else {
            /* The way round is not along the prolongation: report the end
             * nearest to the component, width unknown (0). */
            double d[2];
            for (int k = 0; k < 2; k++) {
                GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, xy[k ? 2 * (n - 1) : 0],
                                                               xy[k ? 2 * (n - 1) + 1 : 1]);
                d[k] = INFINITY;
                if (p) {
                    GEOSDistance_r(h, p, comp, &d[k]);
                    GEOSGeom_destroy_r(h, p);
                }
            }
            e = d[1] < d[0] ? 1 : 0;
            x = xy[e ? 2 * (n - 1) : 0];
            y = xy[e ? 2 * (n - 1) + 1 : 1];
        }
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        if (!pt) {
            rc = cpted__geos_fail(ctx, MODULE, "bypass point");
            goto done;
        }
        rc = push_breach(cov, l, CPTED_BREACH_BYPASS, pt, x, y, width);
        break; /* one bypass per line */
    }
done:
    cpted__free(xy);
    if (left)
        GEOSGeom_destroy_r(h, left);
    if (right)
        GEOSGeom_destroy_r(h, right);
    return rc;
}

int cpted__coverage_breaches(cpted_coverage *cov)
{
    cpted_context *ctx = cov->ctx;
    /* Nothing to look for: the result is not assessed, and
     * cpted_coverage_not_assessed() gives the reason (no line, or the free
     * space's reason). */
    if (cov->line_count == 0 || cpted_freespace_not_assessed(cov->fs))
        return CPTED_OK;
    const GEOSGeometry *reach = cov->fs->reachable;
    if (!reach || GEOSisEmpty_r(ctx->geos, reach) == 1) /* never silently "no breaches" */
        return cpted__error(ctx, CPTED_E_GEOMETRY,
                            "%s: the free space has no reachable space and no reason why",
                            MODULE);
    cpted__tiles *tiles = NULL;
    int rc = cpted__freespace_tiles(cov->fs, CPTED_SPACE_REACHABLE, &tiles);
    for (size_t i = 0; i < cov->line_count && rc == CPTED_OK; i++) {
        size_t found = 0;
        rc = crossings(cov, &cov->lines[i], tiles, &found);
        if (rc == CPTED_OK && found == 0 && !cov->lines[i].rec.closed)
            rc = bypass(cov, &cov->lines[i], reach, tiles);
        cpted__progress(ctx, 0.5 + 0.5 * (double)(i + 1) / (double)cov->line_count,
                        "coverage");
    }
    return rc;
}
