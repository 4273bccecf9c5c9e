/*
 * geom.c - small GEOS helpers shared by the modules (WKB out, unions, checks,
 * polylines as coordinate arrays).
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <string.h>

int cpted__geom_to_wkb(cpted_context *ctx, const GEOSGeometry *g, unsigned char **out,
                       size_t *size_out)
{
    if (!out || !size_out)
        return cpted__error(ctx, CPTED_E_INVALID, "WKB output pointers must not be NULL");
    *out = NULL;
    *size_out = 0;
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(ctx->geos);
    if (!w)
        return cpted__error(ctx, CPTED_E_NOMEM, "cannot create a WKB writer");
    GEOSWKBWriter_setOutputDimension_r(ctx->geos, w, 2);
    GEOSWKBWriter_setFlavor_r(ctx->geos, w, GEOS_WKB_ISO);
    size_t n = 0;
    unsigned char *geos_buf = GEOSWKBWriter_write_r(ctx->geos, w, g, &n);
    GEOSWKBWriter_destroy_r(ctx->geos, w);
    if (!geos_buf)
        return cpted__error(ctx, CPTED_E_GEOMETRY, "cannot write WKB: %s", cpted__geos_error(ctx));
    /* copy into our allocator so that cpted_free() is always the right free */
    unsigned char *copy = cpted__malloc(n);
    if (copy)
        memcpy(copy, geos_buf, n);
    GEOSFree_r(ctx->geos, geos_buf);
    if (!copy)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory writing WKB");
    *out = copy;
    *size_out = n;
    return CPTED_OK;
}

GEOSGeometry *cpted__empty_polygon(cpted_context *ctx)
{
    GEOSGeometry *g = GEOSGeom_createEmptyPolygon_r(ctx->geos);
    if (!g)
        cpted__error(ctx, CPTED_E_NOMEM, "cannot create an empty polygon");
    return g;
}

GEOSGeometry *cpted__union(cpted_context *ctx, const GEOSGeometry *const *geoms, size_t n)
{
    if (n == 0)
        return cpted__empty_polygon(ctx);
    /* A collection of clones, then one unary (cascaded) union: never pairwise. */
    GEOSGeometry **clones = cpted__calloc(n, sizeof *clones);
    if (!clones) {
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory in union");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        clones[i] = GEOSGeom_clone_r(ctx->geos, geoms[i]);
        if (!clones[i]) {
            for (size_t k = 0; k < i; k++)
                GEOSGeom_destroy_r(ctx->geos, clones[k]);
            cpted__free(clones);
            cpted__error(ctx, CPTED_E_NOMEM, "out of memory in union");
            return NULL;
        }
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, clones,
                                                     (unsigned int)n);
    if (!coll) {
        for (size_t k = 0; k < n; k++)
            GEOSGeom_destroy_r(ctx->geos, clones[k]);
        cpted__free(clones);
        cpted__error(ctx, CPTED_E_GEOMETRY, "cannot collect geometries: %s",
                     cpted__geos_error(ctx));
        return NULL;
    }
    cpted__free(clones); /* the collection owns the clones now */
    GEOSGeometry *u = GEOSUnaryUnion_r(ctx->geos, coll);
    GEOSGeom_destroy_r(ctx->geos, coll);
    if (!u)
        cpted__error(ctx, CPTED_E_GEOMETRY, "union failed: %s", cpted__geos_error(ctx));
    return u;
}

static bool seq_is_finite(cpted_context *ctx, const GEOSCoordSequence *seq)
{
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n))
        return false;
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &x, &y) || !isfinite(x) || !isfinite(y))
            return false;
    }
    return true;
}

bool cpted__geom_is_finite(cpted_context *ctx, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    switch (type) {
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        if (GEOSisEmpty_r(ctx->geos, g))
            return true;
        return seq_is_finite(ctx, GEOSGeom_getCoordSeq_r(ctx->geos, g));
    case GEOS_POLYGON: {
        const GEOSGeometry *ring = GEOSGetExteriorRing_r(ctx->geos, g);
        if (ring && !cpted__geom_is_finite(ctx, ring))
            return false;
        int holes = GEOSGetNumInteriorRings_r(ctx->geos, g);
        for (int i = 0; i < holes; i++)
            if (!cpted__geom_is_finite(ctx, GEOSGetInteriorRingN_r(ctx->geos, g, i)))
                return false;
        return true;
    }
    default: {
        int parts = GEOSGetNumGeometries_r(ctx->geos, g);
        for (int i = 0; i < parts; i++)
            if (!cpted__geom_is_finite(ctx, GEOSGetGeometryN_r(ctx->geos, g, i)))
                return false;
        return true;
    }
    }
}

int cpted__geos_fail(cpted_context *ctx, const char *module, const char *what)
{
    return cpted__error(ctx, CPTED_E_GEOMETRY, "%s: %s failed: %s", module, what,
                        cpted__geos_error(ctx));
}

/* ---- polylines ------------------------------------------------------------ */

/* A stretch shorter than this past a ring's length is rounding, not a wrap. */
#define WRAP_EPS_M 1e-6

double *cpted__line_coords(cpted_context *ctx, const GEOSGeometry *line, unsigned int *n_out)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx->geos, line);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n) || n == 0)
        return NULL;
    double *xy = cpted__malloc(2 * (size_t)n * sizeof *xy);
    if (xy && !GEOSCoordSeq_copyToBuffer_r(ctx->geos, seq, xy, 0, 0)) {
        cpted__free(xy);
        xy = NULL;
    }
    *n_out = n;
    return xy;
}

GEOSGeometry *cpted__line_from_xy(cpted_context *ctx, const double *xy, size_t n)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(ctx->geos, xy, (unsigned int)n, 0, 0);
    return seq ? GEOSGeom_createLineString_r(ctx->geos, seq) : NULL;
}

int cpted__line_point_at(cpted_context *ctx, const GEOSGeometry *line, double len, double s,
                         double *x, double *y)
{
    if (s > len)
        s -= len;
    GEOSGeometry *p = GEOSInterpolate_r(ctx->geos, line, fmin(fmax(s, 0.0), len));
    if (!p)
        return cpted__geos_fail(ctx, "line", "interpolate");
    int ok = GEOSGeomGetX_r(ctx->geos, p, x) && GEOSGeomGetY_r(ctx->geos, p, y);
    GEOSGeom_destroy_r(ctx->geos, p);
    return ok ? CPTED_OK : cpted__geos_fail(ctx, "line", "read a point");
}

/* Appends the points of [a, b] (a <= b, within [0, len]) of a polyline. */
static bool append_stretch(const double *xy, unsigned int n, double a, double b, double **out,
                           size_t *count, size_t *cap)
{
    double s = 0.0;
    bool started = false;
    for (unsigned int i = 0; i + 1 < n; i++) {
        double x0 = xy[2 * i], y0 = xy[2 * i + 1], x1 = xy[2 * i + 2], y1 = xy[2 * i + 3];
        double l = hypot(x1 - x0, y1 - y0);
        double e = s + l;
        if (e >= a && s <= b && l > 0) {
            double t0 = started ? 0.0 : fmax(0.0, (a - s) / l);
            double t1 = fmin(1.0, (b - s) / l);
            double pts[4] = {x0 + t0 * (x1 - x0), y0 + t0 * (y1 - y0), x0 + t1 * (x1 - x0),
                             y0 + t1 * (y1 - y0)};
            for (int k = started ? 1 : 0; k < 2; k++) {
                if (*count && (*out)[2 * *count - 2] == pts[2 * k] &&
                    (*out)[2 * *count - 1] == pts[2 * k + 1])
                    continue; /* the seam of a ring, or a zero-length stretch */
                if (!cpted__grow((void **)out, cap, *count + 1, 2 * sizeof **out))
                    return false;
                (*out)[2 * *count] = pts[2 * k];
                (*out)[2 * *count + 1] = pts[2 * k + 1];
                (*count)++;
            }
            started = true;
        }
        s = e;
        if (s > b)
            break;
    }
    return true;
}

GEOSGeometry *cpted__line_substring(cpted_context *ctx, const GEOSGeometry *line, double start_m,
                                    double end_m)
{
    unsigned int n = 0;
    double *xy = cpted__line_coords(ctx, line, &n);
    if (!xy) {
        cpted__error(ctx, CPTED_E_GEOMETRY, "line: cannot read the line's coordinates");
        return NULL;
    }
    double len = 0.0;
    GEOSLength_r(ctx->geos, line, &len);
    double *out = NULL;
    size_t count = 0, cap = 0;
    bool ok = append_stretch(xy, n, start_m, fmin(end_m, len), &out, &count, &cap);
    if (ok && end_m > len + WRAP_EPS_M) /* wraps through the start of a ring */
        ok = append_stretch(xy, n, 0.0, end_m - len, &out, &count, &cap);
    GEOSGeometry *g = NULL;
    if (ok && count >= 2)
        g = cpted__line_from_xy(ctx, out, count);
    else if (ok && count == 1) {
        double two[4] = {out[0], out[1], out[0], out[1]};
        g = cpted__line_from_xy(ctx, two, 2);
    }
    cpted__free(xy);
    cpted__free(out);
    if (!g)
        cpted__error(ctx, ok ? CPTED_E_GEOMETRY : CPTED_E_NOMEM,
                     "line: cannot cut the stretch %.3f-%.3f m of a line", start_m, end_m);
    return g;
}
