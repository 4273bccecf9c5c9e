/*
 * geom.c - small GEOS helpers shared by the modules (WKB out, unions, checks,
 * polylines as coordinate arrays) and the tiles of a big polygonal geometry.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
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

GEOSGeometry *cpted__collect(cpted_context *ctx, GEOSGeometry **geoms, size_t n)
{
    GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, geoms,
                                                     (unsigned int)n);
    if (!coll) {
        for (size_t k = 0; k < n; k++)
            if (geoms[k])
                GEOSGeom_destroy_r(ctx->geos, geoms[k]);
        cpted__error(ctx, CPTED_E_GEOMETRY, "cannot collect geometries: %s",
                     cpted__geos_error(ctx));
    }
    return coll;
}

/* One unary (cascaded) union of geometries the caller owns, consumed. */
static GEOSGeometry *union_whole(cpted_context *ctx, GEOSGeometry **geoms, size_t n)
{
    GEOSGeometry *coll = cpted__collect(ctx, geoms, n);
    if (!coll)
        return NULL;
    GEOSGeometry *u = GEOSUnaryUnion_r(ctx->geos, coll);
    GEOSGeom_destroy_r(ctx->geos, coll);
    if (!u)
        cpted__error(ctx, CPTED_E_GEOMETRY, "union failed: %s", cpted__geos_error(ctx));
    return u;
}

/* A geometry of more vertices than this is prepared before it is tested
 * against its neighbours: a street network is one polygon of 10^5 vertices. */
#define CLUSTER_PREPARE_VERTICES 256

/* The union-find forest of the geometries that meet (cluster_union). */
typedef struct clusters {
    GEOSContextHandle_t h;
    GEOSGeometry **geoms;
    const GEOSPreparedGeometry **prepared; /* NULL for the small ones */
    size_t *parent;
    size_t self; /* the geometry whose neighbours are being queried */
    bool failed;
} clusters;

static size_t cluster_root(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/* STRtree callback: joins `self` and the candidate when they intersect
 * (touching included: polygons that share an edge must be merged). */
static void cluster_link(void *item, void *userdata)
{
    clusters *c = userdata;
    size_t i = c->self, j = (size_t)(uintptr_t)item - 1;
    if (j <= i || c->failed)
        return; /* each pair once */
    size_t a = cluster_root(c->parent, i), b = cluster_root(c->parent, j);
    if (a == b)
        return;
    char hit = c->prepared[i]   ? GEOSPreparedIntersects_r(c->h, c->prepared[i], c->geoms[j])
               : c->prepared[j] ? GEOSPreparedIntersects_r(c->h, c->prepared[j], c->geoms[i])
                                : GEOSIntersects_r(c->h, c->geoms[i], c->geoms[j]);
    if (hit == 2)
        c->failed = true;
    else if (hit == 1)
        c->parent[a > b ? a : b] = a < b ? a : b;
}

static bool all_polygonal(GEOSContextHandle_t h, GEOSGeometry *const *geoms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int t = GEOSGeomTypeId_r(h, geoms[i]);
        if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
            return false;
    }
    return true;
}

/* Unions of fewer input vertices than this run in the caller's thread. */
#define UNION_THREADS_MIN_VERTICES 20000

/* The union of one cluster. */
typedef struct union_job {
    size_t from, to;      /* members: order[from..to) */
    GEOSGeometry *result;
} union_job;

typedef struct union_jobs {
    GEOSGeometry **geoms; /* each job takes its members (sets them NULL) */
    const size_t *order;
    union_job *jobs;
} union_jobs;

static int run_union_job(cpted_context *ctx, size_t k, void *userdata)
{
    union_jobs *u = userdata;
    union_job *job = &u->jobs[k];
    GEOSContextHandle_t h = ctx->geos;
    size_t m = job->to - job->from;
    GEOSGeometry **members = cpted__malloc(m * sizeof *members);
    if (!members)
        return cpted__nomem(ctx, "union");
    for (size_t i = 0; i < m; i++) {
        members[i] = u->geoms[u->order[job->from + i]];
        u->geoms[u->order[job->from + i]] = NULL;
    }
    /* a lone MultiPolygon still goes through the union: its parts may overlap */
    if (m == 1 && GEOSGeomTypeId_r(h, members[0]) == GEOS_POLYGON)
        job->result = members[0];
    else
        job->result = union_whole(ctx, members, m);
    cpted__free(members);
    return job->result ? CPTED_OK : CPTED_E_GEOMETRY;
}

/* The polygons of the clusters' unions in one MultiPolygon (the clusters do
 * not meet, so it is valid); consumes `parts` (n of them). */
static GEOSGeometry *collect_cluster_unions(cpted_context *ctx, GEOSGeometry **parts, size_t n)
{
    GEOSGeometry *coll = cpted__collect(ctx, parts, n);
    return coll ? cpted__polygonal(ctx, coll) : NULL;
}

/* The union of polygonal geometries cluster by cluster: the geometries are
 * grouped by whether they meet (an STR tree of their envelopes, then an exact
 * intersects test), each group is unioned on its own and a geometry that meets
 * nothing is taken as it is. A cascaded union of the whole set overlays the
 * growing partial unions level by level, most of them disjoint (buildings of
 * a city, buffered holes of a street network); the clusters' unions are the
 * same point set. The clusters' unions run on the context's threads when the
 * work is big enough. Consumes the geometries. */
static GEOSGeometry *cluster_union(cpted_context *ctx, GEOSGeometry **geoms, size_t n)
{
    GEOSContextHandle_t h = ctx->geos;
    clusters c = {.h = h, .geoms = geoms};
    c.prepared = cpted__calloc(n, sizeof *c.prepared);
    c.parent = cpted__calloc(n, sizeof *c.parent);
    size_t *root = cpted__calloc(n, sizeof *root);
    size_t *order = cpted__calloc(n, sizeof *order); /* members grouped by root */
    size_t *start = cpted__calloc(n + 1, sizeof *start);
    union_jobs u = {.geoms = geoms, .order = order};
    u.jobs = cpted__calloc(n, sizeof *u.jobs); /* at most one per geometry */
    GEOSGeometry **parts = cpted__calloc(n, sizeof *parts);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    GEOSGeometry *out = NULL;
    size_t job_count = 0;
    size_t vertices = 0;
    if (!c.prepared || !c.parent || !root || !order || !start || !u.jobs || !parts || !tree) {
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory grouping geometries for a union");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        int nv = GEOSGetNumCoordinates_r(h, geoms[i]);
        vertices += nv > 0 ? (size_t)nv : 0;
        c.parent[i] = i;
        GEOSSTRtree_insert_r(h, tree, geoms[i], (void *)(uintptr_t)(i + 1));
        if (nv > CLUSTER_PREPARE_VERTICES && !(c.prepared[i] = GEOSPrepare_r(h, geoms[i]))) {
            cpted__geos_fail(ctx, "union", "prepare a geometry");
            goto done;
        }
    }
    for (size_t i = 0; i < n && !c.failed; i++) {
        c.self = i;
        GEOSSTRtree_query_r(h, tree, geoms[i], cluster_link, &c);
    }
    if (c.failed) {
        cpted__geos_fail(ctx, "union", "intersects");
        goto done;
    }
    /* counting sort of the geometries by root, in input order within a cluster */
    for (size_t i = 0; i < n; i++)
        root[i] = cluster_root(c.parent, i);
    for (size_t i = 0; i < n; i++)
        start[root[i] + 1]++;
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (size_t i = 0; i < n; i++)
        order[start[root[i]]++] = i;
    /* start[r] now ends cluster r: one job per cluster in order of their roots.
     * (A big cluster is not split in two halves merged after: tried, and the
     * merge of the two halves of Helsinki's road network lost 0.7 m² of A,
     * found by scripts/crosscheck.py: GEOS's overlay of two big unions is not
     * always the set the cascaded union gives.) */
    for (size_t r = 0, begin = 0; r < n; r++) {
        size_t end = start[r];
        if (end == begin)
            continue;
        u.jobs[job_count++] = (union_job){.from = begin, .to = end};
        begin = end;
    }
    if (cpted__parallel_map(ctx, job_count, run_union_job, &u,
                            vertices >= UNION_THREADS_MIN_VERTICES) != CPTED_OK)
        goto done;
    size_t kept = 0;
    for (size_t k = 0; k < job_count; k++)
        if (u.jobs[k].result) {
            parts[kept++] = u.jobs[k].result;
            u.jobs[k].result = NULL;
        }
    out = kept == 1 ? parts[0] : collect_cluster_unions(ctx, parts, kept);
done:
    for (size_t i = 0; c.prepared && i < n; i++)
        if (c.prepared[i])
            GEOSPreparedGeom_destroy_r(h, c.prepared[i]);
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    for (size_t i = 0; i < n; i++)
        if (geoms[i])
            GEOSGeom_destroy_r(h, geoms[i]);
    for (size_t k = 0; u.jobs && k < job_count; k++)
        if (u.jobs[k].result)
            GEOSGeom_destroy_r(h, u.jobs[k].result);
    cpted__free(c.prepared);
    cpted__free(c.parent);
    cpted__free(root);
    cpted__free(order);
    cpted__free(start);
    cpted__free(u.jobs);
    cpted__free(parts);
    return out;
}

GEOSGeometry *cpted__union_owned(cpted_context *ctx, GEOSGeometry **geoms, size_t n)
{
    if (n == 0)
        return cpted__empty_polygon(ctx);
    if (n > 2 && all_polygonal(ctx->geos, geoms, n))
        return cluster_union(ctx, geoms, n);
    return union_whole(ctx, geoms, n);
}

/* Clones of n geometries in a new array (cpted__free); NULL with the error set. */
static GEOSGeometry **clone_all(cpted_context *ctx, const GEOSGeometry *const *geoms, size_t n)
{
    GEOSGeometry **clones = cpted__calloc(n ? n : 1, sizeof *clones);
    for (size_t i = 0; clones && i < n; i++) {
        clones[i] = GEOSGeom_clone_r(ctx->geos, geoms[i]);
        if (!clones[i]) {
            for (size_t k = 0; k < i; k++)
                GEOSGeom_destroy_r(ctx->geos, clones[k]);
            cpted__free(clones);
            clones = NULL;
        }
    }
    if (!clones)
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory copying geometries");
    return clones;
}

GEOSGeometry *cpted__union(cpted_context *ctx, const GEOSGeometry *const *geoms, size_t n)
{
    GEOSGeometry **clones = clone_all(ctx, geoms, n);
    if (!clones)
        return NULL;
    GEOSGeometry *u = cpted__union_owned(ctx, clones, n);
    cpted__free(clones);
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
    if (!xy)
        cpted__nomem(ctx, "line coordinates");
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
    unsigned long nomem_reports = ctx->nomem_reports;
    double *xy = cpted__line_coords(ctx, line, &n);
    if (!xy) {
        if (ctx->nomem_reports == nomem_reports) /* else "out of memory" is the error */
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

/* ---- tiles: a big polygonal geometry cut into small indexed pieces --------- */

/* Overlays of a small geometry with one huge polygon (the road network of a
 * district) cost O(its vertices) each, whatever the small one's size: per asset
 * or per line that is O(n^2). The tiles cut the big geometry once into pieces of
 * a bounded size by recursive quadrant clipping, so a query touches only the few
 * pieces near it. The quadrant cuts are axis-parallel lines on which
 * GEOSClipByRect puts its new vertices exactly, so pieces on either side of a
 * cut share their edges exactly and a union dissolves the cut. */

/* Deeper than this the quadrants are too small to split further (rounding). */
#define TILE_MAX_DEPTH 40

typedef struct tile_piece {
    GEOSGeometry *g;   /* a Polygon */
    const GEOSPreparedGeometry *prep; /* of g (GEOS builds its indexes on first use) */
    int part;          /* index of the polygon of the big geometry it comes from */
    double box[4];     /* the leaf's quadrant: clipping puts new vertices on its sides */
} tile_piece;

struct cpted__tiles {
    const GEOSGeometry *big;   /* borrowed */
    tile_piece *pieces;
    size_t count, cap;
    GEOSSTRtree *tree;         /* items: piece index + 1, as a pointer */
    /* For nearest points, built on first use: big's rings cut into runs of
     * TILE_CHUNK_SEGMENTS segments, in ring order (shells before holes). */
    struct tile_chunk {
        GEOSGeometry *g;       /* LineString */
        size_t ring;           /* ring number */
        double env[4];         /* its envelope: minx, miny, maxx, maxy */
    } *chunks;
    size_t chunk_count, chunk_cap;
    GEOSSTRtree *chunk_tree;   /* items: chunk index + 1 */
};

/* Appends the polygons of g (consumed) as pieces of `part`. */
static int tiles_add(cpted_context *ctx, cpted__tiles *t, GEOSGeometry *g, int part,
                     const double box[4])
{
    GEOSContextHandle_t h = ctx->geos;
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g) == 1) {
            GEOSGeom_destroy_r(h, g);
            return CPTED_OK;
        }
        if (!cpted__grow((void **)&t->pieces, &t->cap, t->count + 1, sizeof *t->pieces)) {
            GEOSGeom_destroy_r(h, g);
            return cpted__nomem(ctx, "tiles");
        }
        t->pieces[t->count].g = g;
        t->pieces[t->count].part = part;
        memcpy(t->pieces[t->count].box, box, sizeof t->pieces[t->count].box);
        t->pieces[t->count].prep = GEOSPrepare_r(h, g);
        if (!t->pieces[t->count++].prep)
            return cpted__geos_fail(ctx, "tiles", "prepare a piece");
        return CPTED_OK;
    }
    int rc = CPTED_OK;
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n && rc == CPTED_OK; i++) {
            const GEOSGeometry *sub = GEOSGetGeometryN_r(h, g, i);
            int st = GEOSGeomTypeId_r(h, sub);
            if (st != GEOS_POLYGON && st != GEOS_MULTIPOLYGON && st != GEOS_GEOMETRYCOLLECTION)
                continue; /* a clip may leave lines or points where the polygon touches a cut */
            GEOSGeometry *copy = GEOSGeom_clone_r(h, sub);
            rc = copy ? tiles_add(ctx, t, copy, part, box) : cpted__nomem(ctx, "tiles");
        }
    }
    GEOSGeom_destroy_r(h, g);
    return rc;
}

/* A leaf: kept as it is when valid; else (a clip may not be) the overlay of the
 * part with the leaf's rectangle, which is valid. */
static int tiles_leaf(cpted_context *ctx, cpted__tiles *t, GEOSGeometry *g, int part,
                      const double box[4])
{
    GEOSContextHandle_t h = ctx->geos;
    if (GEOSisValid_r(h, g) == 1)
        return tiles_add(ctx, t, g, part, box);
    GEOSGeom_destroy_r(h, g);
    GEOSGeometry *rect = GEOSGeom_createRectangle_r(h, box[0], box[1], box[2], box[3]);
    const GEOSGeometry *whole = GEOSGetGeometryN_r(h, t->big, part);
    GEOSGeometry *cut = rect && whole ? GEOSIntersection_r(h, whole, rect) : NULL;
    if (rect)
        GEOSGeom_destroy_r(h, rect);
    if (!cut)
        return cpted__geos_fail(ctx, "tiles", "clip a piece");
    return tiles_add(ctx, t, cut, part, box);
}

/* The four quadrants of a box, in the split's order. */
static void quadrants(const double box[4], double quads[4][4])
{
    double mx = box[0] + (box[2] - box[0]) / 2.0, my = box[1] + (box[3] - box[1]) / 2.0;
    const double q[4][4] = {{box[0], box[1], mx, my},
                            {mx, box[1], box[2], my},
                            {box[0], my, mx, box[3]},
                            {mx, my, box[2], box[3]}};
    memcpy(quads, q, sizeof q);
}

/* g clipped to a quadrant into *out, NULL when nothing of g lies there. */
static int clip_quadrant(cpted_context *ctx, const GEOSGeometry *g, const double quad[4],
                         GEOSGeometry **out)
{
    GEOSContextHandle_t h = ctx->geos;
    *out = GEOSClipByRect_r(h, g, quad[0], quad[1], quad[2], quad[3]);
    if (!*out)
        return cpted__geos_fail(ctx, "tiles", "clip by rectangle");
    if (GEOSisEmpty_r(h, *out) == 1) {
        GEOSGeom_destroy_r(h, *out);
        *out = NULL;
    }
    return CPTED_OK;
}

/* Cuts g (consumed; the part of polygon `part` inside box) into quadrants until
 * each piece has at most max_vertices vertices. */
static int tiles_split(cpted_context *ctx, cpted__tiles *t, GEOSGeometry *g, int part,
                       const double box[4], size_t max_vertices, int depth)
{
    GEOSContextHandle_t h = ctx->geos;
    int nv = GEOSGetNumCoordinates_r(h, g);
    if (nv < 0) {
        GEOSGeom_destroy_r(h, g);
        return cpted__geos_fail(ctx, "tiles", "count vertices");
    }
    if ((size_t)nv <= max_vertices || depth >= TILE_MAX_DEPTH)
        return tiles_leaf(ctx, t, g, part, box);
    double quads[4][4];
    quadrants(box, quads);
    int rc = CPTED_OK;
    for (int q = 0; q < 4 && rc == CPTED_OK; q++) {
        GEOSGeometry *c = NULL;
        rc = clip_quadrant(ctx, g, quads[q], &c);
        if (rc == CPTED_OK && c)
            rc = tiles_split(ctx, t, c, part, quads[q], max_vertices, depth + 1);
    }
    GEOSGeom_destroy_r(h, g);
    return rc;
}

static void tiles_free_pieces(cpted_context *ctx, cpted__tiles *t);

/* One subtree of the split (tiles_split from `depth`), into pieces of its own. */
typedef struct tile_job {
    GEOSGeometry *g; /* consumed by the job */
    int part, depth;
    double box[4];
    cpted__tiles out; /* the job's pieces, in the order the split makes them */
} tile_job;

typedef struct tile_jobs {
    tile_job *jobs;
    size_t max_vertices;
} tile_jobs;

static int run_tile_job(cpted_context *ctx, size_t k, void *userdata)
{
    tile_jobs *tj = userdata;
    tile_job *job = &tj->jobs[k];
    GEOSGeometry *g = job->g;
    job->g = NULL;
    return tiles_split(ctx, &job->out, g, job->part, job->box, tj->max_vertices, job->depth);
}

/* A big geometry splits into more vertices than this on the context's threads. */
#define TILES_THREADS_MIN_VERTICES 20000

int cpted__tiles_new(cpted__tiles **out, cpted_context *ctx, const GEOSGeometry *big,
                     size_t max_vertices)
{
    GEOSContextHandle_t h = ctx->geos;
    *out = NULL;
    cpted__tiles *t = cpted__calloc(1, sizeof *t);
    if (!t)
        return cpted__nomem(ctx, "tiles");
    t->big = big;
    max_vertices = max_vertices > 4 ? max_vertices : 4;
    int rc = CPTED_OK;
    int parts = GEOSisEmpty_r(h, big) == 1 ? 0 : GEOSGetNumGeometries_r(h, big);
    /* The subtrees of the split are jobs: a small polygon is one, a big one is
     * cut into its four quadrants here and each is one; their pieces are put
     * together in job order, which is the order of one split done in a row. */
    tile_jobs tj = {.jobs = cpted__calloc(4 * (size_t)(parts > 0 ? parts : 0) + 1, sizeof *tj.jobs),
                    .max_vertices = max_vertices};
    size_t job_count = 0, vertices = 0;
    if (!tj.jobs)
        rc = cpted__nomem(ctx, "tiles");
    for (int i = 0; i < parts && rc == CPTED_OK; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(h, big, i);
        double box[4];
        GEOSGeometry *copy = NULL;
        if (GEOSisEmpty_r(h, part) == 1)
            continue;
        int nv = GEOSGetNumCoordinates_r(h, part);
        if (nv < 0 || !GEOSGeom_getExtent_r(h, part, &box[0], &box[1], &box[2], &box[3]) ||
            !(copy = GEOSGeom_clone_r(h, part))) {
            rc = cpted__geos_fail(ctx, "tiles", "read a polygon");
            break;
        }
        vertices += (size_t)nv;
        if ((size_t)nv <= max_vertices) {
            tj.jobs[job_count++] = (tile_job){.g = copy, .part = i, .depth = 0,
                                              .box = {box[0], box[1], box[2], box[3]},
                                              .out = {.big = big}};
            continue;
        }
        double quads[4][4];
        quadrants(box, quads);
        for (int q = 0; q < 4 && rc == CPTED_OK; q++) {
            GEOSGeometry *c = NULL;
            rc = clip_quadrant(ctx, copy, quads[q], &c);
            if (rc == CPTED_OK && c)
                tj.jobs[job_count++] =
                    (tile_job){.g = c, .part = i, .depth = 1,
                               .box = {quads[q][0], quads[q][1], quads[q][2], quads[q][3]},
                               .out = {.big = big}};
        }
        GEOSGeom_destroy_r(h, copy);
    }
    if (rc == CPTED_OK)
        rc = cpted__parallel_map(ctx, job_count, run_tile_job, &tj,
                                 vertices >= TILES_THREADS_MIN_VERTICES);
    size_t total = 0;
    for (size_t k = 0; k < job_count; k++)
        total += tj.jobs[k].out.count;
    if (rc == CPTED_OK && total &&
        !(t->pieces = cpted__malloc(total * sizeof *t->pieces)))
        rc = cpted__nomem(ctx, "tiles");
    for (size_t k = 0; k < job_count; k++) {
        tile_job *job = &tj.jobs[k];
        if (rc == CPTED_OK && job->out.count) {
            memcpy(t->pieces + t->count, job->out.pieces, job->out.count * sizeof *t->pieces);
            t->count += job->out.count;
            t->cap = t->count;
            job->out.count = 0;
        }
        if (job->g)
            GEOSGeom_destroy_r(h, job->g);
        tiles_free_pieces(ctx, &job->out);
    }
    cpted__free(tj.jobs);
    if (rc == CPTED_OK) {
        t->tree = GEOSSTRtree_create_r(h, 10);
        if (!t->tree)
            rc = cpted__nomem(ctx, "tiles");
        for (size_t i = 0; i < t->count && rc == CPTED_OK; i++)
            GEOSSTRtree_insert_r(h, t->tree, t->pieces[i].g, (void *)(uintptr_t)(i + 1));
    }
    if (rc != CPTED_OK) {
        cpted__tiles_free(ctx, t);
        return rc;
    }
    *out = t;
    return CPTED_OK;
}

/* The pieces of t and their array (t itself stays). */
static void tiles_free_pieces(cpted_context *ctx, cpted__tiles *t)
{
    for (size_t i = 0; i < t->count; i++) {
        if (t->pieces[i].prep)
            GEOSPreparedGeom_destroy_r(ctx->geos, t->pieces[i].prep);
        GEOSGeom_destroy_r(ctx->geos, t->pieces[i].g);
    }
    cpted__free(t->pieces);
    t->pieces = NULL;
    t->count = t->cap = 0;
}

void cpted__tiles_free(cpted_context *ctx, cpted__tiles *t)
{
    if (!t)
        return;
    if (t->tree)
        GEOSSTRtree_destroy_r(ctx->geos, t->tree);
    if (t->chunk_tree)
        GEOSSTRtree_destroy_r(ctx->geos, t->chunk_tree);
    for (size_t i = 0; i < t->chunk_count; i++)
        GEOSGeom_destroy_r(ctx->geos, t->chunks[i].g);
    cpted__free(t->chunks);
    tiles_free_pieces(ctx, t);
    cpted__free(t);
}

size_t cpted__tiles_count(const cpted__tiles *t)
{
    return t ? t->count : 0;
}

/* The indices of the pieces whose envelope meets a geometry's envelope. */
typedef struct tile_hits {
    size_t *items;
    size_t count, cap;
    bool failed;
} tile_hits;

static void tiles_collect(void *item, void *payload)
{
    tile_hits *hits = payload;
    if (hits->failed || !cpted__grow((void **)&hits->items, &hits->cap, hits->count + 1,
                                     sizeof *hits->items)) {
        hits->failed = true;
        return;
    }
    hits->items[hits->count++] = (size_t)(uintptr_t)item - 1;
}

static int size_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

/* The query's hits in piece order (the tree's order is its own). */
static int tiles_query(cpted_context *ctx, const cpted__tiles *t, const GEOSGeometry *g,
                       tile_hits *hits)
{
    memset(hits, 0, sizeof *hits);
    if (t->count == 0 || GEOSisEmpty_r(ctx->geos, g) == 1)
        return CPTED_OK;
    GEOSSTRtree_query_r(ctx->geos, t->tree, g, tiles_collect, hits);
    if (hits->failed) {
        cpted__free(hits->items);
        return cpted__nomem(ctx, "tiles");
    }
    if (hits->count > 1)
        qsort(hits->items, hits->count, sizeof *hits->items, size_cmp);
    return CPTED_OK;
}

int cpted__tiles_intersects(cpted_context *ctx, const cpted__tiles *t, const GEOSGeometry *g,
                            int part)
{
    tile_hits hits;
    if (tiles_query(ctx, t, g, &hits) != CPTED_OK)
        return -1;
    int result = 0;
    for (size_t i = 0; i < hits.count && result == 0; i++) {
        const tile_piece *p = &t->pieces[hits.items[i]];
        if (part >= 0 && p->part != part)
            continue;
        char r = GEOSPreparedIntersects_r(ctx->geos, p->prep, g);
        if (r == 2) {
            cpted__geos_fail(ctx, "tiles", "intersects");
            result = -1;
        } else {
            result = r;
        }
    }
    cpted__free(hits.items);
    return result;
}

/* The big geometry near g: the pieces that meet g's envelope, each clipped to
 * that envelope grown by a margin (so that no cut runs along g), in one union
 * that dissolves the cuts between pieces. New geometry, or NULL (error set). */
static int tiles_near(cpted_context *ctx, const cpted__tiles *t, const GEOSGeometry *g,
                      GEOSGeometry **out)
{
    GEOSContextHandle_t h = ctx->geos;
    double x0, y0, x1, y1;
    *out = NULL;
    if (!GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1))
        return cpted__geos_fail(ctx, "tiles", "extent");
    double margin = fmax(1.0, 0.01 * fmax(x1 - x0, y1 - y0));
    x0 -= margin, y0 -= margin, x1 += margin, y1 += margin;
    tile_hits hits;
    int rc = tiles_query(ctx, t, g, &hits);
    if (rc != CPTED_OK)
        return rc;
    GEOSGeometry **clips = cpted__calloc(hits.count ? hits.count : 1, sizeof *clips);
    size_t n = 0;
    rc = clips ? CPTED_OK : cpted__nomem(ctx, "tiles");
    for (size_t i = 0; i < hits.count && rc == CPTED_OK; i++) {
        GEOSGeometry *c = GEOSClipByRect_r(h, t->pieces[hits.items[i]].g, x0, y0, x1, y1);
        if (!c)
            rc = cpted__geos_fail(ctx, "tiles", "clip by rectangle");
        else if (GEOSisEmpty_r(h, c) == 1)
            GEOSGeom_destroy_r(h, c);
        else
            clips[n++] = c;
    }
    cpted__free(hits.items);
    GEOSGeometry *near = NULL;
    if (rc == CPTED_OK && n == 0) {
        near = cpted__empty_polygon(ctx);
        rc = near ? CPTED_OK : CPTED_E_NOMEM;
    } else if (rc == CPTED_OK) {
        unsigned long nomem_reports = ctx->nomem_reports;
        near = cpted__union_owned(ctx, clips, n);
        n = 0; /* consumed either way */
        if (!near)
            rc = cpted__nomem_status(ctx, CPTED_E_GEOMETRY, nomem_reports);
    }
    for (size_t i = 0; i < n; i++)
        GEOSGeom_destroy_r(h, clips[i]);
    cpted__free(clips);
    *out = near;
    return rc;
}

GEOSGeometry *cpted__tiles_intersection(cpted_context *ctx, const cpted__tiles *t,
                                        const GEOSGeometry *g)
{
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *near = NULL;
    if (tiles_near(ctx, t, g, &near) == CPTED_E_NOMEM)
        return NULL;
    GEOSGeometry *out = near ? GEOSIntersection_r(h, near, g) : NULL;
    if (near)
        GEOSGeom_destroy_r(h, near);
    if (!out) /* the pieces did not overlay cleanly: the direct way, slow but sure */
        out = GEOSIntersection_r(h, t->big, g);
    if (!out)
        cpted__geos_fail(ctx, "tiles", "intersection");
    return out;
}

/* ---- tiles: nearest points --------------------------------------------------- */

/* Segments per chunk of a ring in the nearest-points index. */
#define TILE_CHUNK_SEGMENTS 16

/* Appends the chunks of one ring (number `ring`). */
static int chunks_add_ring(cpted_context *ctx, cpted__tiles *t, const GEOSGeometry *r, size_t ring)
{
    unsigned int n = 0;
    double *xy = cpted__line_coords(ctx, r, &n);
    if (!xy)
        return n == 0 ? CPTED_OK : cpted__nomem(ctx, "tiles");
    int rc = CPTED_OK;
    for (unsigned int i = 0; i + 1 < n && rc == CPTED_OK; i += TILE_CHUNK_SEGMENTS) {
        unsigned int m = n - i < TILE_CHUNK_SEGMENTS + 1 ? n - i : TILE_CHUNK_SEGMENTS + 1;
        GEOSGeometry *line = cpted__line_from_xy(ctx, xy + 2 * (size_t)i, m);
        if (!line || !cpted__grow((void **)&t->chunks, &t->chunk_cap, t->chunk_count + 1,
                                  sizeof *t->chunks)) {
            if (line)
                GEOSGeom_destroy_r(ctx->geos, line);
            rc = cpted__nomem(ctx, "tiles");
            break;
        }
        double *env = t->chunks[t->chunk_count].env;
        env[0] = env[2] = xy[2 * (size_t)i];
        env[1] = env[3] = xy[2 * (size_t)i + 1];
        for (unsigned int k = 1; k < m; k++) {
            double x = xy[2 * ((size_t)i + k)], y = xy[2 * ((size_t)i + k) + 1];
            env[0] = x < env[0] ? x : env[0];
            env[1] = y < env[1] ? y : env[1];
            env[2] = x > env[2] ? x : env[2];
            env[3] = y > env[3] ? y : env[3];
        }
        t->chunks[t->chunk_count].g = line;
        t->chunks[t->chunk_count++].ring = ring;
    }
    cpted__free(xy);
    return rc;
}

/* The chunks of every ring of big, in the order GEOS's distance visits them. */
static int chunks_build(cpted_context *ctx, cpted__tiles *t)
{
    GEOSContextHandle_t h = ctx->geos;
    size_t ring = 0;
    int rc = CPTED_OK;
    int parts = GEOSisEmpty_r(h, t->big) == 1 ? 0 : GEOSGetNumGeometries_r(h, t->big);
    for (int i = 0; i < parts && rc == CPTED_OK; i++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, t->big, i);
        if (GEOSisEmpty_r(h, poly) == 1)
            continue;
        rc = chunks_add_ring(ctx, t, GEOSGetExteriorRing_r(h, poly), ring++);
        int holes = GEOSGetNumInteriorRings_r(h, poly);
        for (int k = 0; k < holes && rc == CPTED_OK; k++)
            rc = chunks_add_ring(ctx, t, GEOSGetInteriorRingN_r(h, poly, k), ring++);
    }
    if (rc == CPTED_OK && !(t->chunk_tree = GEOSSTRtree_create_r(h, 10)))
        rc = cpted__nomem(ctx, "tiles");
    for (size_t i = 0; i < t->chunk_count && rc == CPTED_OK; i++)
        GEOSSTRtree_insert_r(h, t->chunk_tree, t->chunks[i].g, (void *)(uintptr_t)(i + 1));
    return rc;
}

int cpted__tiles_build_chunks(cpted_context *ctx, cpted__tiles *t)
{
    return t->chunk_tree || t->count == 0 ? CPTED_OK : chunks_build(ctx, t);
}

int cpted__tiles_copy(cpted__tiles **out, cpted_context *ctx, const cpted__tiles *src,
                      const GEOSGeometry *big)
{
    GEOSContextHandle_t h = ctx->geos;
    *out = NULL;
    cpted__tiles *t = cpted__calloc(1, sizeof *t);
    if (!t)
        return cpted__nomem(ctx, "tiles");
    t->big = big;
    int rc = CPTED_OK;
    if (src->count && !(t->pieces = cpted__calloc(src->count, sizeof *t->pieces)))
        rc = cpted__nomem(ctx, "tiles");
    t->cap = src->count;
    for (size_t i = 0; i < src->count && rc == CPTED_OK; i++) {
        tile_piece *p = &t->pieces[i];
        *p = src->pieces[i];
        p->prep = NULL;
        if (!(p->g = GEOSGeom_clone_r(h, src->pieces[i].g))) {
            rc = cpted__nomem(ctx, "tiles");
            break;
        }
        t->count++;
        if (!(p->prep = GEOSPrepare_r(h, p->g)))
            rc = cpted__geos_fail(ctx, "tiles", "prepare a piece");
    }
    if (rc == CPTED_OK && !(t->tree = GEOSSTRtree_create_r(h, 10)))
        rc = cpted__nomem(ctx, "tiles");
    for (size_t i = 0; i < t->count && rc == CPTED_OK; i++)
        GEOSSTRtree_insert_r(h, t->tree, t->pieces[i].g, (void *)(uintptr_t)(i + 1));
    if (rc == CPTED_OK && src->chunk_tree) {
        if (src->chunk_count && !(t->chunks = cpted__calloc(src->chunk_count, sizeof *t->chunks)))
            rc = cpted__nomem(ctx, "tiles");
        t->chunk_cap = src->chunk_count;
        for (size_t i = 0; i < src->chunk_count && rc == CPTED_OK; i++) {
            t->chunks[i] = src->chunks[i];
            if (!(t->chunks[i].g = GEOSGeom_clone_r(h, src->chunks[i].g)))
                rc = cpted__nomem(ctx, "tiles");
            else
                t->chunk_count++;
        }
        if (rc == CPTED_OK && !(t->chunk_tree = GEOSSTRtree_create_r(h, 10)))
            rc = cpted__nomem(ctx, "tiles");
        for (size_t i = 0; i < t->chunk_count && rc == CPTED_OK; i++)
            GEOSSTRtree_insert_r(h, t->chunk_tree, t->chunks[i].g, (void *)(uintptr_t)(i + 1));
    }
    if (rc != CPTED_OK) {
        cpted__tiles_free(ctx, t);
        return rc;
    }
    *out = t;
    return CPTED_OK;
}

/* The chunks that meet `box`, in chunk order; *count_out of them. */
static int chunks_hit(cpted_context *ctx, const cpted__tiles *t, const GEOSGeometry *box,
                      size_t **hits_out, size_t *count_out)
{
    tile_hits hits;
    memset(&hits, 0, sizeof hits);
    GEOSSTRtree_query_r(ctx->geos, t->chunk_tree, box, tiles_collect, &hits);
    if (hits.failed) {
        cpted__free(hits.items);
        return cpted__nomem(ctx, "tiles");
    }
    if (hits.count > 1)
        qsort(hits.items, hits.count, sizeof *hits.items, size_cmp);
    *hits_out = hits.items;
    *count_out = hits.count;
    return CPTED_OK;
}

/* ---- nearest points: the rule ------------------------------------------------
 * The nearest points of big and g are the pair (p on big, q on g) of smallest
 * distance. Pairs whose distances agree to NEAREST_TIE_M are a tie, broken by
 * the smallest p: smallest x, where x's within NEAREST_COORD_M of the smallest
 * count as equal and the smallest y among them decides (then x, y exactly,
 * then q the same way exactly). When big and g meet (distance 0), p = q is
 * the smallest point of big ∩ g by the same order. This is cpted's own rule,
 * independent of the order in which a GEOS version visits segments (the
 * candidate pairs are all gathered first, so the choice does not depend on
 * the order they come in either); without a tie it is the pair GEOS gives,
 * since the point-to-segment arithmetic is the same. */
#define NEAREST_TIE_M 1e-9
#define NEAREST_COORD_M 1e-6

typedef struct nearest_pair {
    double d;
    double p[2], q[2];
} nearest_pair;

/* The candidates: pass 1 finds the smallest distance, pass 2 keeps the pairs
 * within NEAREST_TIE_M of it. */
typedef struct nearest_scan {
    int pass;
    bool any;
    double dmin;
    nearest_pair *tied;
    size_t count, cap;
    bool failed;
} nearest_scan;

static void pair_offer(nearest_scan *sc, const double *p, const double *q)
{
    double dx = p[0] - q[0], dy = p[1] - q[1], d = sqrt(dx * dx + dy * dy);
    if (sc->pass == 1) {
        if (!sc->any || d < sc->dmin)
            sc->dmin = d;
        sc->any = true;
        return;
    }
    if (d > sc->dmin + NEAREST_TIE_M || sc->failed)
        return;
    if (!cpted__grow((void **)&sc->tied, &sc->cap, sc->count + 1, sizeof *sc->tied)) {
        sc->failed = true;
        return;
    }
    sc->tied[sc->count++] = (nearest_pair){d, {p[0], p[1]}, {q[0], q[1]}};
}

static bool pair_less(const nearest_pair *a, const nearest_pair *b)
{
    if (a->p[0] != b->p[0])
        return a->p[0] < b->p[0];
    if (a->p[1] != b->p[1])
        return a->p[1] < b->p[1];
    if (a->q[0] != b->q[0])
        return a->q[0] < b->q[0];
    return a->q[1] < b->q[1];
}

/* The smallest of n >= 1 tied pairs by the rule above. */
static nearest_pair pair_pick(const nearest_pair *c, size_t n)
{
    double minx = c[0].p[0], miny = INFINITY;
    for (size_t i = 1; i < n; i++)
        minx = fmin(minx, c[i].p[0]);
    for (size_t i = 0; i < n; i++)
        if (c[i].p[0] <= minx + NEAREST_COORD_M)
            miny = fmin(miny, c[i].p[1]);
    const nearest_pair *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (c[i].p[0] <= minx + NEAREST_COORD_M && c[i].p[1] <= miny + NEAREST_COORD_M &&
            (!best || pair_less(&c[i], best)))
            best = &c[i];
    return *best;
}

/* The point of segment a0-a1 nearest to c (the endpoint nearer to c when the
 * perpendicular foot falls outside). */
static void segment_closest(const double *a0, const double *a1, const double *c, double out[2])
{
    if ((c[0] == a0[0] && c[1] == a0[1]) || (c[0] == a1[0] && c[1] == a1[1])) {
        out[0] = c[0];
        out[1] = c[1];
        return;
    }
    double dx = a1[0] - a0[0], dy = a1[1] - a0[1];
    double r = ((c[0] - a0[0]) * dx + (c[1] - a0[1]) * dy) / (dx * dx + dy * dy);
    if (r > 0.0 && r < 1.0) {
        out[0] = a0[0] + r * dx;
        out[1] = a0[1] + r * dy;
        return;
    }
    double d0x = a0[0] - c[0], d0y = a0[1] - c[1], d1x = a1[0] - c[0], d1y = a1[1] - c[1];
    const double *e = sqrt(d0x * d0x + d0y * d0y) < sqrt(d1x * d1x + d1y * d1y) ? a0 : a1;
    out[0] = e[0];
    out[1] = e[1];
}

/* The gap between the bounding boxes of segments p0-p1 and q0-q1: no point
 * pair of the two is nearer, so a pair whose gap exceeds what is sought can be
 * skipped without changing any result. */
static double boxes_gap(double ax0, double ay0, double ax1, double ay1, double bx0, double by0,
                        double bx1, double by1)
{
    double gx = bx0 - ax1 > ax0 - bx1 ? bx0 - ax1 : ax0 - bx1;
    double gy = by0 - ay1 > ay0 - by1 ? by0 - ay1 : ay0 - by1;
    gx = gx > 0.0 ? gx : 0.0;
    gy = gy > 0.0 ? gy : 0.0;
    return sqrt(gx * gx + gy * gy);
}

static double segments_gap(const double *p0, const double *p1, const double *q0, const double *q1)
{
    return boxes_gap(p0[0] < p1[0] ? p0[0] : p1[0], p0[1] < p1[1] ? p0[1] : p1[1],
                     p0[0] > p1[0] ? p0[0] : p1[0], p0[1] > p1[1] ? p0[1] : p1[1],
                     q0[0] < q1[0] ? q0[0] : q1[0], q0[1] < q1[1] ? q0[1] : q1[1],
                     q0[0] > q1[0] ? q0[0] : q1[0], q0[1] > q1[1] ? q0[1] : q1[1]);
}

/* Offers the pairs of segment p0-p1 (big) and q0-q1 (g) that can be nearest
 * when the segments do not cross: each endpoint against the other segment. A
 * degenerate segment (p0 == p1: a point of g) works the same way. */
static void segments_offer(nearest_scan *best, const double *p0, const double *p1,
                           const double *q0, const double *q1)
{
    double c[2];
    segment_closest(p0, p1, q0, c);
    pair_offer(best, c, q0);
    segment_closest(p0, p1, q1, c);
    pair_offer(best, c, q1);
    segment_closest(q0, q1, p0, c);
    pair_offer(best, p0, c);
    segment_closest(q0, q1, p1, c);
    pair_offer(best, p1, c);
}

/* The coordinates of every linear piece of g (rings, lines; a point is a
 * piece of one vertex), appended to *runs as (offset, count) into *xy. */
typedef struct coord_runs {
    double *xy;
    size_t n, cap;         /* points in xy */
    size_t *start, *len;
    size_t runs, run_cap, len_cap;
} coord_runs;

static int runs_add_seq(cpted_context *ctx, coord_runs *r, const GEOSCoordSequence *seq)
{
    unsigned int m = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &m))
        return cpted__geos_fail(ctx, "tiles", "read coordinates");
    if (m == 0)
        return CPTED_OK;
    if (!cpted__grow((void **)&r->xy, &r->cap, 2 * (r->n + m), sizeof *r->xy) ||
        !cpted__grow((void **)&r->start, &r->run_cap, r->runs + 1, sizeof *r->start) ||
        !cpted__grow((void **)&r->len, &r->len_cap, r->runs + 1, sizeof *r->len))
        return cpted__nomem(ctx, "tiles");
    for (unsigned int i = 0; i < m; i++)
        if (!GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &r->xy[2 * (r->n + i)],
                                  &r->xy[2 * (r->n + i) + 1]))
            return cpted__geos_fail(ctx, "tiles", "read coordinates");
    r->start[r->runs] = r->n;
    r->len[r->runs++] = m;
    r->n += m;
    return CPTED_OK;
}

static int runs_add(cpted_context *ctx, coord_runs *r, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = ctx->geos;
    if (GEOSisEmpty_r(h, g) == 1)
        return CPTED_OK;
    int rc = CPTED_OK;
    switch (GEOSGeomTypeId_r(h, g)) {
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return runs_add_seq(ctx, r, GEOSGeom_getCoordSeq_r(h, g));
    case GEOS_POLYGON:
        rc = runs_add_seq(ctx, r, GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g)));
        for (int k = 0; k < GEOSGetNumInteriorRings_r(h, g) && rc == CPTED_OK; k++)
            rc = runs_add_seq(ctx, r, GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, k)));
        return rc;
    default:
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g) && rc == CPTED_OK; i++)
            rc = runs_add(ctx, r, GEOSGetGeometryN_r(h, g, i));
        return rc;
    }
}

static void runs_free(coord_runs *r)
{
    cpted__free(r->xy);
    cpted__free(r->start);
    cpted__free(r->len);
}

/* The meeting point among the vertices of r by the nearest-pair rule
 * (pair_pick on zero-length pairs); *found stays false when r is empty. */
static int pick_vertex(cpted_context *ctx, const coord_runs *r, double xy[4], bool *found)
{
    if (r->n == 0)
        return CPTED_OK;
    nearest_pair *c = cpted__malloc(r->n * sizeof *c);
    if (!c)
        return cpted__nomem(ctx, "tiles");
    for (size_t i = 0; i < r->n; i++)
        c[i] = (nearest_pair){0.0, {r->xy[2 * i], r->xy[2 * i + 1]},
                              {r->xy[2 * i], r->xy[2 * i + 1]}};
    nearest_pair best = pair_pick(c, r->n);
    xy[0] = xy[2] = best.p[0];
    xy[1] = xy[3] = best.p[1];
    *found = true;
    cpted__free(c);
    return CPTED_OK;
}

/* Where big and g meet: the smallest point of big ∩ g by the rule above (a
 * vertex of the intersection of g with the union of the pieces near it);
 * *found false when it is empty. */
static int meeting_point_union(cpted_context *ctx, const cpted__tiles *t, const GEOSGeometry *g,
                         double xy[4], bool *found)
{
    *found = false;
    GEOSGeometry *both = cpted__tiles_intersection(ctx, t, g);
    if (!both)
        return CPTED_E_GEOMETRY;
    coord_runs r;
    memset(&r, 0, sizeof r);
    int rc = runs_add(ctx, &r, both);
    GEOSGeom_destroy_r(ctx->geos, both);
    if (rc == CPTED_OK)
        rc = pick_vertex(ctx, &r, xy, found);
    runs_free(&r);
    return rc;
}

/* Whether (x, y) lies in or on the polygon(s) whose closed rings are `poly`
 * (even-odd over every ring: shells and holes of a valid polygonal geometry),
 * with GEOS's exact orientation predicate, so a point on an edge is on it. */
static bool covered_by_rings(GEOSContextHandle_t h, const coord_runs *poly, double x, double y)
{
    bool inside = false;
    for (size_t run = 0; run < poly->runs; run++) {
        const double *q = &poly->xy[2 * poly->start[run]];
        for (size_t j = 0; j + 1 < poly->len[run]; j++) {
            const double *a = &q[2 * j], *b = &q[2 * j + 2];
            if (x >= fmin(a[0], b[0]) && x <= fmax(a[0], b[0]) && y >= fmin(a[1], b[1]) &&
                y <= fmax(a[1], b[1]) && GEOSOrientationIndex_r(h, a[0], a[1], b[0], b[1], x, y) == 0)
                return true; /* on the edge */
            if ((a[1] > y) != (b[1] > y)) {
                int o = GEOSOrientationIndex_r(h, a[0], a[1], b[0], b[1], x, y);
                if ((b[1] > a[1] && o > 0) || (b[1] < a[1] && o < 0))
                    inside = !inside;
            }
        }
    }
    return inside;
}

/* Appends a point to r as a run of one, with its side flag. */
static int add_meet(cpted_context *ctx, coord_runs *r, bool **on_side, size_t *side_cap, double x,
                    double y, bool side)
{
    if (!cpted__grow((void **)&r->xy, &r->cap, 2 * (r->n + 1), sizeof *r->xy) ||
        !cpted__grow((void **)&r->start, &r->run_cap, r->runs + 1, sizeof *r->start) ||
        !cpted__grow((void **)&r->len, &r->len_cap, r->runs + 1, sizeof *r->len) ||
        !cpted__grow((void **)on_side, side_cap, r->n + 1, sizeof **on_side))
        return cpted__nomem(ctx, "tiles");
    r->xy[2 * r->n] = x;
    r->xy[2 * r->n + 1] = y;
    (*on_side)[r->n] = side;
    r->start[r->runs] = r->n;
    r->len[r->runs++] = 1;
    r->n++;
    return CPTED_OK;
}

/* The vertices of piece ∩ g without an overlay: the piece's vertices in or
 * on g, g's vertices in or on the piece, and where their edges cross (GEOS's
 * own segment intersection, the arithmetic of its overlay's noding). An
 * overlay of every piece that meets an asset was most of a district's
 * screening (Monaco, conservative model: 2.5 s of 8.5). A crossing on an edge
 * the clip made (both ends on one side of the piece's quadrant) is flagged
 * like the clip's vertices. */
static int meet_vertices(cpted_context *ctx, const tile_piece *p, const coord_runs *gr,
                         coord_runs *r, bool **on_side, size_t *side_cap)
{
    GEOSContextHandle_t h = ctx->geos;
    coord_runs pr;
    memset(&pr, 0, sizeof pr);
    int rc = runs_add(ctx, &pr, p->g);
    for (size_t k = 0; k < pr.n && rc == CPTED_OK; k++) {
        double x = pr.xy[2 * k], y = pr.xy[2 * k + 1];
        if (covered_by_rings(h, gr, x, y))
            rc = add_meet(ctx, r, on_side, side_cap, x, y, false);
    }
    for (size_t k = 0; k < gr->n && rc == CPTED_OK; k++) {
        double x = gr->xy[2 * k], y = gr->xy[2 * k + 1];
        if (covered_by_rings(h, &pr, x, y))
            rc = add_meet(ctx, r, on_side, side_cap, x, y, false);
    }
    const double *box = p->box;
    for (size_t run = 0; run < pr.runs && rc == CPTED_OK; run++) {
        const double *q = &pr.xy[2 * pr.start[run]];
        for (size_t j = 0; j + 1 < pr.len[run] && rc == CPTED_OK; j++) {
            const double *a = &q[2 * j], *b = &q[2 * j + 2];
            bool cut = (a[0] == b[0] && (a[0] == box[0] || a[0] == box[2])) ||
                       (a[1] == b[1] && (a[1] == box[1] || a[1] == box[3]));
            for (size_t grun = 0; grun < gr->runs && rc == CPTED_OK; grun++) {
                const double *u = &gr->xy[2 * gr->start[grun]];
                for (size_t m = 0; m + 1 < gr->len[grun] && rc == CPTED_OK; m++) {
                    const double *c = &u[2 * m], *d = &u[2 * m + 2];
                    if (fmax(a[0], b[0]) < fmin(c[0], d[0]) || fmax(c[0], d[0]) < fmin(a[0], b[0]) ||
                        fmax(a[1], b[1]) < fmin(c[1], d[1]) || fmax(c[1], d[1]) < fmin(a[1], b[1]))
                        continue;
                    double x, y;
                    int hit = GEOSSegmentIntersection_r(h, a[0], a[1], b[0], b[1], c[0], c[1],
                                                        d[0], d[1], &x, &y);
                    if (hit == 0)
                        rc = cpted__geos_fail(ctx, "tiles", "segment intersection");
                    else if (hit == 1)
                        rc = add_meet(ctx, r, on_side, side_cap, x, y, cut);
                }
            }
        }
    }
    runs_free(&pr);
    return rc;
}

/* The same point from the pieces one by one, without their union: every
 * vertex of (union of the pieces) ∩ g is a vertex of some piece ∩ g (the
 * same segments meet), and the only others lie on a piece's quadrant sides
 * (where a clip cut the polygon). So when no such vertex lies in the band of
 * the smallest x, the rule picks the same point from both sets; otherwise
 * (rare) the union decides. */
static int meeting_point(cpted_context *ctx, const cpted__tiles *t, const GEOSGeometry *g,
                         double xy[4], bool *found)
{
    GEOSContextHandle_t h = ctx->geos;
    *found = false;
    tile_hits hits;
    int rc = tiles_query(ctx, t, g, &hits);
    if (rc != CPTED_OK)
        return rc;
    coord_runs r, gr; /* the meeting vertices; g's rings */
    memset(&r, 0, sizeof r);
    memset(&gr, 0, sizeof gr);
    bool *on_side = NULL;
    size_t side_cap = 0;
    bool fallback = false;
    for (size_t i = 0; i < hits.count && rc == CPTED_OK && !fallback; i++) {
        const tile_piece *p = &t->pieces[hits.items[i]];
        char meets = GEOSPreparedIntersects_r(h, p->prep, g);
        if (meets == 2) { /* the union decides */
            cpted__geos_clear(ctx);
            fallback = true;
            break;
        }
        if (meets == 0)
            continue;
        if (!gr.n)
            rc = runs_add(ctx, &gr, g);
        size_t before = r.n;
        if (rc == CPTED_OK)
            rc = meet_vertices(ctx, p, &gr, &r, &on_side, &side_cap);
        for (size_t k = before; k < r.n && rc == CPTED_OK; k++) {
            double x = r.xy[2 * k], y = r.xy[2 * k + 1];
            on_side[k] = on_side[k] || x == p->box[0] || x == p->box[2] || y == p->box[1] ||
                         y == p->box[3];
        }
    }
    runs_free(&gr);
    cpted__free(hits.items);
    if (rc == CPTED_OK && !fallback && r.n) {
        double minx = r.xy[0];
        for (size_t k = 1; k < r.n; k++)
            minx = fmin(minx, r.xy[2 * k]);
        for (size_t k = 0; k < r.n && !fallback; k++)
            fallback = on_side[k] && r.xy[2 * k] <= minx + NEAREST_COORD_M;
    }
    if (rc == CPTED_OK && !fallback)
        rc = pick_vertex(ctx, &r, xy, found);
    cpted__free(on_side);
    runs_free(&r);
    if (rc == CPTED_OK && fallback)
        return meeting_point_union(ctx, t, g, xy, found);
    return rc;
}

/* ---- distance ---------------------------------------------------------------- */

/* Distance from p to segment a-b, with the arithmetic of GEOS's
 * Distance::pointToSegment, so that a minimum over the same segments is the
 * number GEOS's (prepared) distance gives. */
static double point_segment_distance(const double *p, const double *a, const double *b)
{
    if (a[0] == b[0] && a[1] == b[1])
        return sqrt((p[0] - a[0]) * (p[0] - a[0]) + (p[1] - a[1]) * (p[1] - a[1]));
    double len2 = (b[0] - a[0]) * (b[0] - a[0]) + (b[1] - a[1]) * (b[1] - a[1]);
    double r = ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / len2;
    if (r <= 0.0)
        return sqrt((p[0] - a[0]) * (p[0] - a[0]) + (p[1] - a[1]) * (p[1] - a[1]));
    if (r >= 1.0)
        return sqrt((p[0] - b[0]) * (p[0] - b[0]) + (p[1] - b[1]) * (p[1] - b[1]));
    double s = ((a[1] - p[1]) * (b[0] - a[0]) - (a[0] - p[0]) * (b[1] - a[1])) / len2;
    return fabs(s) * sqrt(len2);
}

/* Distance between segments a-b and c-d (GEOS's Distance::segmentToSegment). */
static double segment_segment_distance(const double *a, const double *b, const double *c,
                                       const double *d)
{
    if (a[0] == b[0] && a[1] == b[1])
        return point_segment_distance(a, c, d);
    if (c[0] == d[0] && c[1] == d[1])
        return point_segment_distance(d, a, b);
    bool apart = fmax(a[0], b[0]) < fmin(c[0], d[0]) || fmin(a[0], b[0]) > fmax(c[0], d[0]) ||
                 fmax(a[1], b[1]) < fmin(c[1], d[1]) || fmin(a[1], b[1]) > fmax(c[1], d[1]);
    if (!apart) {
        double denom = (b[0] - a[0]) * (d[1] - c[1]) - (b[1] - a[1]) * (d[0] - c[0]);
        if (denom == 0.0) {
            apart = true;
        } else {
            double r_num = (a[1] - c[1]) * (d[0] - c[0]) - (a[0] - c[0]) * (d[1] - c[1]);
            double s_num = (a[1] - c[1]) * (b[0] - a[0]) - (a[0] - c[0]) * (b[1] - a[1]);
            double s = s_num / denom, r = r_num / denom;
            apart = r < 0.0 || r > 1.0 || s < 0.0 || s > 1.0;
        }
    }
    if (!apart)
        return 0.0;
    return fmin(point_segment_distance(a, c, d),
                fmin(point_segment_distance(b, c, d),
                     fmin(point_segment_distance(c, a, b), point_segment_distance(d, a, b))));
}

/* The smallest distance between big's segments in the chunks `hits` and g's. */
static int chunks_min_distance(cpted_context *ctx, const cpted__tiles *t, const size_t *hits,
                               size_t nhits, const coord_runs *gr, const double genv[4],
                               double *dmin)
{
    for (size_t i = 0; i < nhits; i++) {
        const double *ce = t->chunks[hits[i]].env;
        if (boxes_gap(ce[0], ce[1], ce[2], ce[3], genv[0], genv[1], genv[2], genv[3]) >
            *dmin + 1e-6)
            continue; /* no segment of it is nearer than the best so far */
        unsigned int m = 0;
        double *c = cpted__line_coords(ctx, t->chunks[hits[i]].g, &m);
        if (!c)
            return cpted__nomem(ctx, "tiles");
        for (unsigned int k = 0; k + 1 < m; k++)
            for (size_t run = 0; run < gr->runs; run++) {
                const double *q = &gr->xy[2 * gr->start[run]];
                if (gr->len[run] == 1)
                    *dmin = fmin(*dmin, point_segment_distance(q, &c[2 * k], &c[2 * k + 2]));
                for (size_t j = 0; j + 1 < gr->len[run]; j++)
                    if (!(segments_gap(&c[2 * k], &c[2 * k + 2], &q[2 * j], &q[2 * j + 2]) >
                          *dmin + 1e-6))
                        *dmin = fmin(*dmin, segment_segment_distance(&c[2 * k], &c[2 * k + 2],
                                                                     &q[2 * j], &q[2 * j + 2]));
            }
        cpted__free(c);
    }
    return CPTED_OK;
}

int cpted__tiles_distance(cpted_context *ctx, cpted__tiles *t, const GEOSGeometry *g,
                          double *out)
{
    GEOSContextHandle_t h = ctx->geos;
    *out = NAN;
    if (GEOSisEmpty_r(h, g) == 1 || t->count == 0)
        return cpted__error(ctx, CPTED_E_GEOMETRY, "tiles: distance of an empty geometry");
    int meets = cpted__tiles_intersects(ctx, t, g, -1);
    if (meets < 0)
        return CPTED_E_GEOMETRY;
    if (meets == 1) {
        *out = 0.0;
        return CPTED_OK;
    }
    if (!t->chunk_tree) {
        int rc = chunks_build(ctx, t);
        if (rc != CPTED_OK)
            return rc;
    }
    coord_runs gr;
    memset(&gr, 0, sizeof gr);
    int rc = runs_add(ctx, &gr, g);
    double x0 = 0.0, y0 = 0.0, x1 = 0.0, y1 = 0.0;
    if (rc == CPTED_OK && !GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1))
        rc = cpted__geos_fail(ctx, "tiles", "extent");
    const double genv[4] = {x0, y0, x1, y1};
    /* a first bound from the nearest chunks found by growing boxes, then
     * every chunk within that bound of g's envelope */
    double bound = INFINITY;
    size_t *hits = NULL, nhits = 0;
    for (double e = 1.0; rc == CPTED_OK && !(bound < INFINITY); e *= 4.0) {
        GEOSGeometry *box = GEOSGeom_createRectangle_r(h, x0 - e, y0 - e, x1 + e, y1 + e);
        cpted__free(hits);
        hits = NULL;
        rc = box ? chunks_hit(ctx, t, box, &hits, &nhits) : cpted__nomem(ctx, "tiles");
        if (box)
            GEOSGeom_destroy_r(h, box);
        if (rc == CPTED_OK && nhits > 0)
            rc = chunks_min_distance(ctx, t, hits, nhits, &gr, genv, &bound);
        if (rc == CPTED_OK && t->chunk_count == 0)
            rc = cpted__error(ctx, CPTED_E_GEOMETRY, "tiles: no segments to measure to");
    }
    double d = bound;
    if (rc == CPTED_OK) {
        double e = bound * (1.0 + 1e-9) + 1e-6;
        GEOSGeometry *box = GEOSGeom_createRectangle_r(h, x0 - e, y0 - e, x1 + e, y1 + e);
        cpted__free(hits);
        hits = NULL;
        rc = box ? chunks_hit(ctx, t, box, &hits, &nhits) : cpted__nomem(ctx, "tiles");
        if (box)
            GEOSGeom_destroy_r(h, box);
        if (rc == CPTED_OK)
            rc = chunks_min_distance(ctx, t, hits, nhits, &gr, genv, &d);
    }
    cpted__free(hits);
    runs_free(&gr);
    if (rc == CPTED_OK)
        *out = d;
    return rc;
}

int cpted__tiles_nearest_points(cpted_context *ctx, cpted__tiles *t, const GEOSGeometry *g,
                                double distance, double xy[4])
{
    GEOSContextHandle_t h = ctx->geos;
    cpted__geos_clear(ctx);
    if (GEOSisEmpty_r(h, g) == 1 || GEOSisEmpty_r(h, t->big) == 1)
        return cpted__error(ctx, CPTED_E_GEOMETRY, "tiles: nearest points of an empty geometry");
    if (distance == 0.0 || !(distance >= 0.0)) {
        bool found = false;
        int rc = meeting_point(ctx, t, g, xy, &found);
        if (rc != CPTED_OK || found)
            return rc;
        if (!(distance >= 0.0) && !GEOSDistance_r(h, t->big, g, &distance))
            return cpted__geos_fail(ctx, "tiles", "distance");
    }
    if (!t->chunk_tree) {
        int rc = chunks_build(ctx, t);
        if (rc != CPTED_OK)
            return rc;
    }
    coord_runs gr;
    memset(&gr, 0, sizeof gr);
    int rc = runs_add(ctx, &gr, g);
    double x0, y0, x1, y1;
    if (rc == CPTED_OK && !GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1))
        rc = cpted__geos_fail(ctx, "tiles", "extent");
    nearest_scan sc = {.pass = 1};
    /* Every segment of big within `distance` of g meets g's envelope grown by
     * it; the margin covers rounding of the distance (and the tie). */
    size_t *hits = NULL, nhits = 0;
    double e = distance * (1.0 + 1e-9) + 1e-6;
    for (; rc == CPTED_OK; e = 2.0 * e + 1.0) {
        GEOSGeometry *box = GEOSGeom_createRectangle_r(h, x0 - e, y0 - e, x1 + e, y1 + e);
        cpted__free(hits);
        hits = NULL;
        rc = box ? chunks_hit(ctx, t, box, &hits, &nhits) : cpted__nomem(ctx, "tiles");
        if (box)
            GEOSGeom_destroy_r(h, box);
        if (rc != CPTED_OK || nhits > 0)
            break;
        if (t->chunk_count == 0)
            rc = cpted__error(ctx, CPTED_E_GEOMETRY, "tiles: no nearest points found");
    }
    /* Segment pairs farther apart than the box's margin e (>= the distance)
     * cannot be nearest nor tied; should none be nearer (a distance given
     * short), every pair is looked at. */
    double limit = e;
    for (sc.pass = 1; sc.pass <= 2 && rc == CPTED_OK; sc.pass++) {
        for (size_t i = 0; i < nhits && rc == CPTED_OK; i++) {
            const double *ce = t->chunks[hits[i]].env;
            if (boxes_gap(ce[0], ce[1], ce[2], ce[3], x0, y0, x1, y1) > limit)
                continue;
            unsigned int m = 0;
            double *c = cpted__line_coords(ctx, t->chunks[hits[i]].g, &m);
            if (!c) {
                rc = cpted__nomem(ctx, "tiles");
                break;
            }
            for (unsigned int k = 0; k + 1 < m; k++)
                for (size_t run = 0; run < gr.runs; run++) {
                    const double *q = &gr.xy[2 * gr.start[run]];
                    if (gr.len[run] == 1 && !(segments_gap(&c[2 * k], &c[2 * k + 2], q, q) > limit))
                        segments_offer(&sc, &c[2 * k], &c[2 * k + 2], q, q);
                    for (size_t j = 0; j + 1 < gr.len[run]; j++)
                        if (!(segments_gap(&c[2 * k], &c[2 * k + 2], &q[2 * j], &q[2 * j + 2]) >
                              limit))
                            segments_offer(&sc, &c[2 * k], &c[2 * k + 2], &q[2 * j],
                                           &q[2 * j + 2]);
                }
            cpted__free(c);
        }
        if (sc.pass == 1 && !sc.any && limit < INFINITY) {
            limit = INFINITY;
            sc.pass = 0; /* pass 1 again, over every pair */
        }
    }
    cpted__free(hits);
    runs_free(&gr);
    if (rc == CPTED_OK && sc.failed)
        rc = cpted__nomem(ctx, "tiles");
    if (rc == CPTED_OK && sc.count == 0)
        rc = cpted__error(ctx, CPTED_E_GEOMETRY, "tiles: no nearest points found");
    if (rc == CPTED_OK) {
        nearest_pair best = pair_pick(sc.tied, sc.count);
        xy[0] = best.p[0];
        xy[1] = best.p[1];
        xy[2] = best.q[0];
        xy[3] = best.q[1];
    }
    cpted__free(sc.tied);
    return rc;
}

bool cpted__line_is_circle(cpted_context *ctx, const GEOSGeometry *g, double *cx, double *cy,
                           double *r)
{
    if (GEOSGeomTypeId_r(ctx->geos, g) != GEOS_LINESTRING || GEOSisClosed_r(ctx->geos, g) != 1)
        return false;
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx->geos, g);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n) || n < 9) /* 8 + closing vertex */
        return false;
    /* sums relative to the first vertex: map coordinates are ~1e6 m */
    double x0, y0, sx = 0, sy = 0;
    if (!GEOSCoordSeq_getXY_r(ctx->geos, seq, 0, &x0, &y0))
        return false;
    for (unsigned int i = 1; i + 1 < n; i++) { /* the closing vertex repeats the first */
        double x, y;
        if (!GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &x, &y))
            return false;
        sx += x - x0;
        sy += y - y0;
    }
    double mx = sx / (n - 1), my = sy / (n - 1), rmin = INFINITY, rmax = 0;
    for (unsigned int i = 0; i + 1 < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &x, &y);
        double d = hypot(x - x0 - mx, y - y0 - my);
        rmin = fmin(rmin, d);
        rmax = fmax(rmax, d);
    }
    if (!(rmin > 0) || rmax - rmin > fmax(1e-3, 1e-3 * rmax))
        return false;
    *cx = x0 + mx;
    *cy = y0 + my;
    *r = 0.5 * (rmin + rmax);
    return true;
}

GEOSGeometry *cpted__closed_line_to_polygon(cpted_context *ctx, GEOSGeometry *g)
{
    unsigned int n = 0;
    if (GEOSGeomTypeId_r(ctx->geos, g) != GEOS_LINESTRING || GEOSisClosed_r(ctx->geos, g) != 1)
        return g;
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx->geos, g);
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n) || n < 4)
        return g;
    GEOSCoordSequence *copy = GEOSCoordSeq_clone_r(ctx->geos, seq);
    GEOSGeometry *ring = copy ? GEOSGeom_createLinearRing_r(ctx->geos, copy) : NULL;
    GEOSGeometry *poly = ring ? GEOSGeom_createPolygon_r(ctx->geos, ring, NULL, 0) : NULL;
    if (!poly) {
        if (ring)
            GEOSGeom_destroy_r(ctx->geos, ring);
        return g;
    }
    GEOSGeom_destroy_r(ctx->geos, g);
    return poly;
}

double cpted__circumscribed(double d, int quadrant_segments)
{
    /* GEOS splits an arc of angle a into round(a / quantum) chords (quantum =
     * π / 2q), so one chord may span up to 1.5 quanta; its half angle is then
     * 3π / 8q, and the chords of a buffer by this radius all lie outside the
     * circle of radius d. */
    const double pi = 3.14159265358979323846;
    return d / cos(3.0 * pi / (8.0 * (double)quadrant_segments));
}
