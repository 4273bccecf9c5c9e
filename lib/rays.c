/* rays.c - exact straight-line queries on a polygonal set (the reachable
 * space R of the VDA): how far a ray runs inside it before it first meets its
 * boundary, and whether a point lies inside.
 *
 * The boundary segments sit in a uniform grid of buckets; a ray walks the
 * buckets it crosses in order (a 2D DDA) and tests only their segments with
 * exact orientation arithmetic, so a query costs what the boundary near the
 * ray costs (about a microsecond), not a generic prepared-geometry call
 * (architecture.md §8, "Scale"). Not thread-safe per object: a query marks the
 * segments it has tested (one object per analysis run, and one that shares its
 * index per further thread: cpted__rays_share).
 */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct segment {
    double ax, ay, bx, by;
} segment;

struct cpted__rays {
    segment *segs;
    size_t nseg;
    double x0, y0, cell;           /* bucket grid: origin and bucket size */
    int nx, ny;
    uint32_t *start;               /* nx*ny+1 offsets into items (CSR) */
    uint32_t *items;               /* segment indexes per bucket */
    uint32_t *stamp;               /* per segment: query that last tested it */
    uint32_t query;
    bool shared;                   /* segs, start, items are another object's */
};

static int add_ring(segment **segs, size_t *n, size_t *cap, cpted_context *ctx,
                    const GEOSGeometry *ring)
{
    unsigned int np = 0;
    double *xy = cpted__line_coords(ctx, ring, &np);
    if (!xy)
        return CPTED_E_NOMEM;
    for (unsigned int i = 0; i + 1 < np; i++) {
        if (xy[2 * i] == xy[2 * i + 2] && xy[2 * i + 1] == xy[2 * i + 3])
            continue;
        if (!cpted__grow((void **)segs, cap, *n + 1, sizeof **segs)) {
            cpted__free(xy);
            return CPTED_E_NOMEM;
        }
        (*segs)[(*n)++] = (segment){xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3]};
    }
    cpted__free(xy);
    return CPTED_OK;
}

static int bucket_x(const cpted__rays *r, double x)
{
    int i = (int)floor((x - r->x0) / r->cell);
    return i < 0 ? 0 : i >= r->nx ? r->nx - 1 : i;
}

static int bucket_y(const cpted__rays *r, double y)
{
    int j = (int)floor((y - r->y0) / r->cell);
    return j < 0 ? 0 : j >= r->ny ? r->ny - 1 : j;
}

int cpted__rays_new(cpted__rays **out, cpted_context *ctx, const GEOSGeometry *poly)
{
    *out = NULL;
    cpted__rays *r = cpted__calloc(1, sizeof *r);
    if (!r)
        return CPTED_E_NOMEM;
    size_t cap = 0;
    int rc = CPTED_OK;
    int parts = GEOSGetNumGeometries_r(ctx->geos, poly);
    for (int p = 0; p < parts && rc == CPTED_OK; p++) {
        const GEOSGeometry *pg = GEOSGetGeometryN_r(ctx->geos, poly, p);
        if (GEOSGeomTypeId_r(ctx->geos, pg) != GEOS_POLYGON || GEOSisEmpty_r(ctx->geos, pg))
            continue;
        rc = add_ring(&r->segs, &r->nseg, &cap, ctx, GEOSGetExteriorRing_r(ctx->geos, pg));
        int holes = GEOSGetNumInteriorRings_r(ctx->geos, pg);
        for (int h = 0; h < holes && rc == CPTED_OK; h++)
            rc = add_ring(&r->segs, &r->nseg, &cap, ctx, GEOSGetInteriorRingN_r(ctx->geos, pg, h));
    }
    if (rc != CPTED_OK || r->nseg > UINT32_MAX / 2) {
        cpted__rays_free(r);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory indexing the reachable space");
    }
    double xmin = DBL_MAX, ymin = DBL_MAX, xmax = -DBL_MAX, ymax = -DBL_MAX;
    for (size_t i = 0; i < r->nseg; i++) {
        const segment *s = &r->segs[i];
        xmin = fmin(xmin, fmin(s->ax, s->bx));
        xmax = fmax(xmax, fmax(s->ax, s->bx));
        ymin = fmin(ymin, fmin(s->ay, s->by));
        ymax = fmax(ymax, fmax(s->ay, s->by));
    }
    if (r->nseg == 0)
        xmin = ymin = 0, xmax = ymax = 1;
    /* about two segments per bucket, buckets of at least 0.5 m */
    double w = xmax - xmin, hgt = ymax - ymin;
    double cell = sqrt(fmax(w * hgt, 1.0) / (double)(r->nseg ? r->nseg : 1) * 2.0);
    cell = fmax(cell, 0.5);
    while ((w / cell + 1) * (hgt / cell + 1) > 4e7)
        cell *= 2;
    r->cell = cell;
    r->x0 = xmin - cell * 0.5;
    r->y0 = ymin - cell * 0.5;
    r->nx = (int)((xmax - r->x0) / cell) + 2;
    r->ny = (int)((ymax - r->y0) / cell) + 2;
    size_t nb = (size_t)r->nx * (size_t)r->ny;
    r->start = cpted__calloc(nb + 1, sizeof *r->start);
    r->stamp = cpted__calloc(r->nseg ? r->nseg : 1, sizeof *r->stamp);
    if (!r->start || !r->stamp) {
        cpted__rays_free(r);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory indexing the reachable space");
    }
    /* two passes: count per bucket, then fill (each segment into the buckets
     * its bounding box covers) */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < r->nseg; i++) {
            const segment *s = &r->segs[i];
            int i0 = bucket_x(r, fmin(s->ax, s->bx)), i1 = bucket_x(r, fmax(s->ax, s->bx));
            int j0 = bucket_y(r, fmin(s->ay, s->by)), j1 = bucket_y(r, fmax(s->ay, s->by));
            for (int j = j0; j <= j1; j++)
                for (int k = i0; k <= i1; k++) {
                    size_t b = (size_t)j * (size_t)r->nx + (size_t)k;
                    if (pass == 0)
                        r->start[b + 1]++;
                    else
                        r->items[r->start[b]++] = (uint32_t)i;
                }
        }
        if (pass == 0) {
            for (size_t b = 0; b < nb; b++)
                r->start[b + 1] += r->start[b];
            if (r->start[nb] > UINT32_MAX - 1) {
                cpted__rays_free(r);
                return cpted__error(ctx, CPTED_E_NOMEM, "out of memory indexing the reachable space");
            }
            r->items = cpted__malloc((r->start[nb] ? r->start[nb] : 1) * sizeof *r->items);
            if (!r->items) {
                cpted__rays_free(r);
                return cpted__error(ctx, CPTED_E_NOMEM, "out of memory indexing the reachable space");
            }
        }
    }
    /* the fill advanced each start to the next bucket's: shift back */
    for (size_t b = nb; b > 0; b--)
        r->start[b] = r->start[b - 1];
    r->start[0] = 0;
    *out = r;
    return CPTED_OK;
}

void cpted__rays_free(cpted__rays *r)
{
    if (!r)
        return;
    if (!r->shared) {
        cpted__free(r->segs);
        cpted__free(r->start);
        cpted__free(r->items);
    }
    cpted__free(r->stamp);
    cpted__free(r);
}

int cpted__rays_share(cpted__rays **out, cpted_context *ctx, const cpted__rays *r)
{
    *out = NULL;
    cpted__rays *s = cpted__malloc(sizeof *s);
    if (!s)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory indexing the reachable space");
    *s = *r;
    s->shared = true;
    s->query = 0;
    s->stamp = cpted__calloc(r->nseg ? r->nseg : 1, sizeof *s->stamp);
    if (!s->stamp) {
        cpted__free(s);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory indexing the reachable space");
    }
    *out = s;
    return CPTED_OK;
}

static uint32_t next_query(cpted__rays *r)
{
    if (++r->query == 0) { /* wrapped: forget every mark */
        memset(r->stamp, 0, (r->nseg ? r->nseg : 1) * sizeof *r->stamp);
        r->query = 1;
    }
    return r->query;
}

bool cpted__rays_inside(cpted__rays *r, double x, double y)
{
    if (r->nseg == 0)
        return false;
    uint32_t q = next_query(r);
    int j = (int)floor((y - r->y0) / r->cell);
    if (j < 0 || j >= r->ny)
        return false;
    bool inside = false;
    /* parity of the crossings of the ray from (x, y) towards +x (half-open in y) */
    for (int i = bucket_x(r, x); i < r->nx; i++) {
        size_t b = (size_t)j * (size_t)r->nx + (size_t)i;
        for (uint32_t k = r->start[b]; k < r->start[b + 1]; k++) {
            uint32_t si = r->items[k];
            if (r->stamp[si] == q)
                continue;
            r->stamp[si] = q;
            const segment *s = &r->segs[si];
            if ((s->ay > y) == (s->by > y))
                continue;
            double xc = s->ax + (y - s->ay) * (s->bx - s->ax) / (s->by - s->ay);
            if (xc > x)
                inside = !inside;
        }
    }
    return inside;
}

/* Smallest t > 0 at which p + t d meets segment s, or +inf. */
static double hit(const segment *s, double px, double py, double dx, double dy)
{
    double ex = s->bx - s->ax, ey = s->by - s->ay;
    double den = dx * ey - dy * ex;
    double wx = s->ax - px, wy = s->ay - py;
    if (den == 0.0)
        return INFINITY; /* parallel: a grazing ray is not stopped */
    double t = (wx * ey - wy * ex) / den;
    double u = (wx * dy - wy * dx) / den;
    if (t <= 1e-9 || u < 0.0 || u > 1.0)
        return INFINITY;
    return t;
}

double cpted__rays_free_length(cpted__rays *r, double px, double py, double dx, double dy,
                               double max_len)
{
    double norm = hypot(dx, dy);
    if (!(norm > 0.0) || r->nseg == 0)
        return 0.0;
    dx /= norm;
    dy /= norm;
    uint32_t q = next_query(r);
    /* walk the buckets from the start (clamped into the grid) */
    double gx = (px - r->x0) / r->cell, gy = (py - r->y0) / r->cell;
    int i = (int)floor(gx), j = (int)floor(gy);
    if (i < 0 || j < 0 || i >= r->nx || j >= r->ny)
        return 0.0; /* outside every boundary bucket: not inside */
    int step_i = dx > 0 ? 1 : -1, step_j = dy > 0 ? 1 : -1;
    double t_next_x = dx != 0 ? ((dx > 0 ? (i + 1) - gx : gx - i) * r->cell) / fabs(dx) : INFINITY;
    double t_next_y = dy != 0 ? ((dy > 0 ? (j + 1) - gy : gy - j) * r->cell) / fabs(dy) : INFINITY;
    double dt_x = dx != 0 ? r->cell / fabs(dx) : INFINITY;
    double dt_y = dy != 0 ? r->cell / fabs(dy) : INFINITY;
    double best = INFINITY;
    for (;;) {
        size_t b = (size_t)j * (size_t)r->nx + (size_t)i;
        for (uint32_t k = r->start[b]; k < r->start[b + 1]; k++) {
            uint32_t si = r->items[k];
            if (r->stamp[si] == q)
                continue;
            r->stamp[si] = q;
            double t = hit(&r->segs[si], px, py, dx, dy);
            if (t < best)
                best = t;
        }
        double t_leave = fmin(t_next_x, t_next_y);
        if (best <= t_leave || t_leave > max_len)
            break;
        if (t_next_x < t_next_y) {
            i += step_i;
            t_next_x += dt_x;
        } else {
            j += step_j;
            t_next_y += dt_y;
        }
        if (i < 0 || j < 0 || i >= r->nx || j >= r->ny)
            break;
    }
    return fmin(best, max_len);
}
