/*
 * geom.c - small GEOS helpers shared by the modules (WKB out, unions, checks).
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
