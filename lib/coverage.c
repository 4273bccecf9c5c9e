/*
 * coverage.c - the line of protection (architecture.md §6).
 *
 * Perimeter lines (given, or rows derived by chaining barrier points) are
 * covered where blocking footprints lie on them or within the snap tolerance;
 * the uncovered stretches are gaps, measured edge to edge between the
 * footprints that bound them. Ratings of the barrier elements on a line are
 * parsed and the weakest reported. Breaches are where the reachable space R
 * crosses a line, or reaches both of its sides round an end.
 * Method and every decision: docs/method-coverage.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stretches shorter than this are rounding noise, not gaps or breaches. */
#define EPS_M 1e-6
/* A crossing piece of line shorter than 1 mm is a touch of R, not a breach. */
#define MIN_BREACH_M 1e-3

/* A blocking footprint near the lines. */
typedef struct footprint {
    size_t feature;            /* index into site->features */
    GEOSGeometry *geom;        /* the footprint (from cpted__footprint) */
    const GEOSGeometry *core;  /* a bollard's point, else `geom` */
    double core_r;             /* radius of the bollard disc round `core`, else 0 */
} footprint;

/* A covered interval of a line's linear reference. */
typedef struct interval {
    double s0, s1;
    size_t first, last; /* footprints that start / end the interval */
} interval;

/* State of one run. */
typedef struct run {
    cpted_coverage *cov;
    cpted_context *ctx;
    GEOSContextHandle_t h;
    footprint *fps;
    size_t fp_count;
    GEOSSTRtree *tree;     /* over fps[i].geom, items are &fps[i] */
    bool *rating_seen;     /* per feature: malformed rating already warned */
} run;

/* ---- small helpers ------------------------------------------------------ */

static int nomem(cpted_context *ctx)
{
    return cpted__error(ctx, CPTED_E_NOMEM, "coverage: out of memory");
}

static int geos_fail(cpted_context *ctx, const char *what)
{
    return cpted__error(ctx, CPTED_E_GEOMETRY, "coverage: %s failed: %s", what,
                        cpted__geos_error(ctx));
}

static int warn(cpted_coverage *cov, const char *fmt, ...) CPTED__PRINTF(2, 3);
static int warn(cpted_coverage *cov, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *text = cpted__strdup(buf);
    if (!text || !cpted__grow((void **)&cov->warnings, &cov->warning_cap, cov->warning_count + 1,
                              sizeof *cov->warnings)) {
        cpted__free(text);
        return nomem(cov->ctx);
    }
    cov->warnings[cov->warning_count++] = text;
    cpted__log(cov->ctx, CPTED_LOG_WARNING, "%s", text);
    return CPTED_OK;
}

/* Coordinates of a LineString into a new array of 2n doubles. */
static double *line_coords(cpted_context *ctx, const GEOSGeometry *line, unsigned int *n_out)
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

static GEOSGeometry *make_line(cpted_context *ctx, const double *xy, size_t n)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(ctx->geos, xy, (unsigned int)n, 0, 0);
    return seq ? GEOSGeom_createLineString_r(ctx->geos, seq) : NULL;
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
    double *xy = line_coords(ctx, line, &n);
    if (!xy) {
        cpted__error(ctx, CPTED_E_GEOMETRY, "coverage: cannot read the line's coordinates");
        return NULL;
    }
    double len = 0.0;
    GEOSLength_r(ctx->geos, line, &len);
    double *out = NULL;
    size_t count = 0, cap = 0;
    bool ok = append_stretch(xy, n, start_m, fmin(end_m, len), &out, &count, &cap);
    if (ok && end_m > len + EPS_M) /* wraps through the start of a ring */
        ok = append_stretch(xy, n, 0.0, end_m - len, &out, &count, &cap);
    GEOSGeometry *g = NULL;
    if (ok && count >= 2)
        g = make_line(ctx, out, count);
    else if (ok && count == 1) {
        double two[4] = {out[0], out[1], out[0], out[1]};
        g = make_line(ctx, two, 2);
    }
    cpted__free(xy);
    cpted__free(out);
    if (!g)
        cpted__error(ctx, ok ? CPTED_E_GEOMETRY : CPTED_E_NOMEM,
                     "coverage: cannot cut the stretch %.3f-%.3f m of a line", start_m, end_m);
    return g;
}

/* Point at position s of a line (modulo its length when closed). */
static int point_at(cpted_context *ctx, const GEOSGeometry *line, double len, double s,
                    double *x, double *y)
{
    if (s > len)
        s -= len;
    GEOSGeometry *p = GEOSInterpolate_r(ctx->geos, line, fmin(fmax(s, 0.0), len));
    if (!p)
        return geos_fail(ctx, "interpolate");
    int ok = GEOSGeomGetX_r(ctx->geos, p, x) && GEOSGeomGetY_r(ctx->geos, p, y);
    GEOSGeom_destroy_r(ctx->geos, p);
    return ok ? CPTED_OK : geos_fail(ctx, "read a point");
}

/* ---- result bookkeeping ------------------------------------------------- */

static void free_line(cpted_context *ctx, cpted__coverage_line *l)
{
    cpted__free(l->id);
    cpted__free(l->gaps);
    if (l->geom)
        GEOSGeom_destroy_r(ctx->geos, l->geom);
}

CPTED_API void CPTED_CALL cpted_coverage_free(cpted_coverage *cov)
{
    if (!cov)
        return;
    cpted_context *ctx = cov->ctx;
    for (size_t i = 0; i < cov->line_count; i++)
        free_line(ctx, &cov->lines[i]);
    cpted__free(cov->lines);
    for (size_t i = 0; i < cov->breach_count; i++)
        if (cov->breaches[i].geom)
            GEOSGeom_destroy_r(ctx->geos, cov->breaches[i].geom);
    cpted__free(cov->breaches);
    for (size_t i = 0; i < cov->warning_count; i++)
        cpted__free(cov->warnings[i]);
    cpted__free(cov->warnings);
    cpted__free(cov);
    cpted__context_unref(ctx);
}

/* Takes `geom` (a LineString) in every case. */
static int add_line(run *r, const char *id, GEOSGeometry *geom, bool derived, bool unverified)
{
    cpted_coverage *cov = r->cov;
    double len = 0.0;
    if (!GEOSLength_r(r->h, geom, &len) || !(len > EPS_M)) {
        GEOSGeom_destroy_r(r->h, geom);
        return warn(cov, "line %s has no length: not analysed", id);
    }
    if (!cpted__grow((void **)&cov->lines, &cov->line_cap, cov->line_count + 1,
                     sizeof *cov->lines)) {
        GEOSGeom_destroy_r(r->h, geom);
        return nomem(r->ctx);
    }
    cpted__coverage_line *l = &cov->lines[cov->line_count];
    memset(l, 0, sizeof *l);
    l->id = cpted__strdup(id);
    if (!l->id) {
        GEOSGeom_destroy_r(r->h, geom);
        return nomem(r->ctx);
    }
    unsigned int n = 0;
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(r->h, geom);
    GEOSCoordSeq_getSize_r(r->h, seq, &n);
    l->geom = geom;
    l->rec.struct_size = (uint32_t)sizeof l->rec;
    l->rec.id = l->id;
    l->rec.derived = derived;
    l->rec.closed = n >= 4 && GEOSisClosed_r(r->h, geom) == 1;
    l->rec.unverified = unverified;
    l->rec.length_m = len;
    cov->line_count++;
    return CPTED_OK;
}

/* Adds a feature's geometry as lines: LineStrings as they are (multi-parts
 * merged where they touch), polygons by their exterior rings. */
static int add_feature_lines(run *r, const cpted__feature *f, bool unverified)
{
    GEOSContextHandle_t h = r->h;
    int type = GEOSGeomTypeId_r(h, f->geom);
    GEOSGeometry *parts = NULL;
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        int np = GEOSGetNumGeometries_r(h, f->geom);
        GEOSGeometry **rings = cpted__calloc((size_t)np, sizeof *rings);
        if (!rings)
            return nomem(r->ctx);
        for (int i = 0; i < np; i++) {
            const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, GEOSGetGeometryN_r(h, f->geom, i));
            GEOSCoordSequence *seq = GEOSCoordSeq_clone_r(h, GEOSGeom_getCoordSeq_r(h, ring));
            rings[i] = seq ? GEOSGeom_createLineString_r(h, seq) : NULL;
            if (!rings[i]) {
                for (int k = 0; k < i; k++)
                    GEOSGeom_destroy_r(h, rings[k]);
                cpted__free(rings);
                return geos_fail(r->ctx, "ring to line");
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
        return line ? add_line(r, f->id, line, false, unverified) : geos_fail(r->ctx, "copy a line");
    } else {
        return warn(r->cov, "perimeter %s is not a line or polygon: not analysed", f->id);
    }
    if (!parts)
        return geos_fail(r->ctx, "perimeter parts");
    int np = GEOSGetNumGeometries_r(h, parts);
    int rc = CPTED_OK;
    for (int i = 0; i < np && rc == CPTED_OK; i++) {
        GEOSGeometry *part = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, parts, i));
        if (!part) {
            rc = geos_fail(r->ctx, "copy a line");
            break;
        }
        char id[512];
        if (np == 1)
            snprintf(id, sizeof id, "%s", f->id);
        else
            snprintf(id, sizeof id, "%s/%d", f->id, i + 1);
        rc = add_line(r, id, part, false, unverified);
    }
    GEOSGeom_destroy_r(h, parts);
    return rc;
}

/* ---- derived rows -------------------------------------------------------- */

typedef struct edge {
    double d;
    size_t a, b;
} edge;

typedef struct near_query {
    const double *xy;
    size_t self;
    double chain_m;
    edge *edges;
    size_t count, cap;
    bool failed;
} near_query;

static void collect_near(void *item, void *userdata)
{
    near_query *q = userdata;
    size_t j = *(const size_t *)item;
    if (j <= q->self || q->failed)
        return;
    double d = hypot(q->xy[2 * j] - q->xy[2 * q->self], q->xy[2 * j + 1] - q->xy[2 * q->self + 1]);
    if (d > q->chain_m)
        return;
    if (!cpted__grow((void **)&q->edges, &q->cap, q->count + 1, sizeof *q->edges)) {
        q->failed = true;
        return;
    }
    q->edges[q->count++] = (edge){d, q->self, j};
}

static int edge_cmp(const void *pa, const void *pb)
{
    const edge *a = pa, *b = pb;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

static size_t uf_find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/* Node of a row being ordered: its position along the row's main chain. */
typedef struct ordered {
    double s;
    size_t node;
} ordered;

static int ordered_cmp(const void *pa, const void *pb)
{
    const ordered *a = pa, *b = pb;
    if (a->s != b->s)
        return a->s < b->s ? -1 : 1;
    return (a->node > b->node) - (a->node < b->node);
}

/* Farthest node (by tree distance) from `from` in the spanning tree given as
 * adjacency lists; fills parent[] along the way. */
static size_t tree_farthest(const size_t *adj_start, const size_t *adj, const double *adj_d,
                            size_t from, size_t *parent, double *dist, size_t *stack,
                            const size_t *members, size_t m)
{
    for (size_t k = 0; k < m; k++)
        dist[members[k]] = -1.0;
    size_t top = 0, best = from;
    dist[from] = 0.0;
    parent[from] = from;
    stack[top++] = from;
    while (top) {
        size_t u = stack[--top];
        if (dist[u] > dist[best] || (dist[u] == dist[best] && u < best))
            best = u;
        for (size_t e = adj_start[u]; e < adj_start[u + 1]; e++) {
            size_t v = adj[e];
            if (dist[v] >= 0.0)
                continue;
            dist[v] = dist[u] + adj_d[e];
            parent[v] = u;
            stack[top++] = v;
        }
    }
    return best;
}

/* Orders the members of one component into a polyline and adds it as row:N. */
static int add_row(run *r, const double *xy, const size_t *adj_start, const size_t *adj,
                   const double *adj_d, const size_t *members, size_t m, size_t *parent,
                   double *dist, size_t *stack, size_t row_number)
{
    GEOSContextHandle_t h = r->h;
    /* Main chain = the spanning tree's longest path (its diameter). */
    size_t a = tree_farthest(adj_start, adj, adj_d, members[0], parent, dist, stack, members, m);
    size_t b = tree_farthest(adj_start, adj, adj_d, a, parent, dist, stack, members, m);
    size_t chain_n = 0;
    for (size_t u = b;; u = parent[u]) {
        chain_n++;
        if (u == a)
            break;
    }
    double *chain = cpted__malloc(2 * chain_n * sizeof *chain);
    ordered *order = cpted__malloc(m * sizeof *order);
    double *row = cpted__malloc(2 * (m + 1) * sizeof *row);
    int rc = CPTED_OK;
    GEOSGeometry *chain_line = NULL;
    if (!chain || !order || !row) {
        rc = nomem(r->ctx);
        goto done;
    }
    size_t k = 0;
    for (size_t u = b;; u = parent[u]) {
        chain[2 * k] = xy[2 * u];
        chain[2 * k + 1] = xy[2 * u + 1];
        k++;
        if (u == a)
            break;
    }
    /* Every member (branches too) is placed by its projection on the chain. */
    if (chain_n >= 2)
        chain_line = make_line(r->ctx, chain, chain_n);
    for (size_t i = 0; i < m; i++) {
        order[i].node = members[i];
        order[i].s = 0.0;
        if (chain_line) {
            GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, xy[2 * members[i]],
                                                           xy[2 * members[i] + 1]);
            if (!p) {
                rc = geos_fail(r->ctx, "row point");
                goto done;
            }
            order[i].s = GEOSProject_r(h, chain_line, p);
            GEOSGeom_destroy_r(h, p);
        }
    }
    qsort(order, m, sizeof *order, ordered_cmp);
    size_t n = 0;
    double path_m = 0.0;
    for (size_t i = 0; i < m; i++) {
        double x = xy[2 * order[i].node], y = xy[2 * order[i].node + 1];
        if (n && hypot(x - row[2 * n - 2], y - row[2 * n - 1]) <= EPS_M)
            continue; /* duplicated bollard: one vertex */
        if (n)
            path_m += hypot(x - row[2 * n - 2], y - row[2 * n - 1]);
        row[2 * n] = x;
        row[2 * n + 1] = y;
        n++;
    }
    if (n < 2) {
        rc = warn(r->cov, "row:%zu: its points coincide; not analysed", row_number);
        goto done;
    }
    /* A ring: its ends chain to each other and are close compared with its length. */
    double ends_m = hypot(row[0] - row[2 * n - 2], row[1] - row[2 * n - 1]);
    if (n >= 3 && ends_m <= r->cov->opts.chain_m && ends_m <= path_m / 2.0) {
        row[2 * n] = row[0];
        row[2 * n + 1] = row[1];
        n++;
    }
    GEOSGeometry *line = make_line(r->ctx, row, n);
    if (!line) {
        rc = geos_fail(r->ctx, "row line");
        goto done;
    }
    char id[32];
    snprintf(id, sizeof id, "row:%zu", row_number);
    rc = add_line(r, id, line, true, false);
done:
    if (chain_line)
        GEOSGeom_destroy_r(h, chain_line);
    cpted__free(chain);
    cpted__free(order);
    cpted__free(row);
    return rc;
}

/* Chains barrier points whose centres are within chain_m into rows: the
 * neighbour graph from an STRtree, its minimum spanning forest, and one row
 * per tree of two or more points. */
static int derive_rows(run *r)
{
    cpted_site *site = r->cov->site;
    GEOSContextHandle_t h = r->h;
    double chain_m = r->cov->opts.chain_m;
    size_t n = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        n += site->features[i].role == CPTED_ROLE_BARRIER &&
             GEOSGeomTypeId_r(h, site->features[i].geom) == GEOS_POINT;
    if (n < 2)
        return CPTED_OK;
    int rc = CPTED_OK;
    size_t *ids = cpted__malloc(n * sizeof *ids);     /* node -> node (tree items) */
    double *xy = cpted__malloc(2 * n * sizeof *xy);
    size_t *parent = cpted__malloc(n * sizeof *parent);
    size_t *tparent = cpted__malloc(n * sizeof *tparent);
    double *dist = cpted__malloc(n * sizeof *dist);
    size_t *stack = cpted__malloc(n * sizeof *stack);
    size_t *adj_start = cpted__calloc(n + 1, sizeof *adj_start);
    size_t *members = cpted__malloc(n * sizeof *members);
    size_t *comp_of = cpted__malloc(n * sizeof *comp_of);
    near_query q = {xy, 0, chain_m, NULL, 0, 0, false};
    size_t *adj = NULL;
    double *adj_d = NULL;
    edge *tree_edges = NULL;
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    if (!ids || !xy || !parent || !tparent || !dist || !stack || !adj_start || !members ||
        !comp_of || !tree) {
        rc = nomem(r->ctx);
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < site->feature_count; i++) {
        const cpted__feature *f = &site->features[i];
        if (f->role != CPTED_ROLE_BARRIER || GEOSGeomTypeId_r(h, f->geom) != GEOS_POINT)
            continue;
        GEOSGeomGetX_r(h, f->geom, &xy[2 * k]);
        GEOSGeomGetY_r(h, f->geom, &xy[2 * k + 1]);
        ids[k] = k;
        GEOSSTRtree_insert_r(h, tree, f->geom, &ids[k]);
        k++;
    }
    for (size_t i = 0; i < n && !q.failed; i++) {
        GEOSGeometry *box = GEOSGeom_createRectangle_r(h, xy[2 * i] - chain_m, xy[2 * i + 1] - chain_m,
                                                       xy[2 * i] + chain_m, xy[2 * i + 1] + chain_m);
        if (!box) {
            rc = geos_fail(r->ctx, "query box");
            goto done;
        }
        q.self = i;
        GEOSSTRtree_query_r(h, tree, box, collect_near, &q);
        GEOSGeom_destroy_r(h, box);
    }
    if (q.failed) {
        rc = nomem(r->ctx);
        goto done;
    }
    /* Kruskal: the minimum spanning forest, deterministic on ties. */
    if (q.count)
        qsort(q.edges, q.count, sizeof *q.edges, edge_cmp);
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    tree_edges = cpted__malloc((n ? n : 1) * sizeof *tree_edges);
    if (!tree_edges) {
        rc = nomem(r->ctx);
        goto done;
    }
    size_t te = 0;
    for (size_t i = 0; i < q.count; i++) {
        size_t ra = uf_find(parent, q.edges[i].a), rb = uf_find(parent, q.edges[i].b);
        if (ra == rb)
            continue;
        parent[ra < rb ? rb : ra] = ra < rb ? ra : rb; /* root = smallest node */
        tree_edges[te++] = q.edges[i];
    }
    /* Adjacency lists (CSR) of the forest. */
    for (size_t i = 0; i < te; i++) {
        adj_start[tree_edges[i].a + 1]++;
        adj_start[tree_edges[i].b + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        adj_start[i + 1] += adj_start[i];
    adj = cpted__malloc((2 * te + 1) * sizeof *adj);
    adj_d = cpted__malloc((2 * te + 1) * sizeof *adj_d);
    if (!adj || !adj_d) {
        rc = nomem(r->ctx);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        stack[i] = adj_start[i]; /* fill cursors */
    for (size_t i = 0; i < te; i++) {
        size_t a = tree_edges[i].a, b = tree_edges[i].b;
        adj[stack[a]] = b;
        adj_d[stack[a]++] = tree_edges[i].d;
        adj[stack[b]] = a;
        adj_d[stack[b]++] = tree_edges[i].d;
    }
    /* Components in order of their first (smallest) node: row:1, row:2, ... */
    for (size_t i = 0; i < n; i++)
        comp_of[i] = uf_find(parent, i);
    size_t row_number = 0;
    for (size_t root = 0; root < n && rc == CPTED_OK; root++) {
        if (comp_of[root] != root)
            continue;
        size_t m = 0;
        for (size_t i = root; i < n; i++)
            if (comp_of[i] == root)
                members[m++] = i;
        if (m < 2)
            continue;
        rc = add_row(r, xy, adj_start, adj, adj_d, members, m, tparent, dist, stack,
                     ++row_number);
    }
done:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    cpted__free(q.edges);
    cpted__free(tree_edges);
    cpted__free(adj);
    cpted__free(adj_d);
    cpted__free(ids);
    cpted__free(xy);
    cpted__free(parent);
    cpted__free(tparent);
    cpted__free(dist);
    cpted__free(stack);
    cpted__free(adj_start);
    cpted__free(members);
    cpted__free(comp_of);
    return rc;
}

/* ---- footprints ----------------------------------------------------------- */

static int build_footprints(run *r)
{
    cpted_site *site = r->cov->site;
    const cpted_freespace_options *fo = &r->cov->opts.freespace;
    size_t n = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        n += cpted__role_blocks(site->features[i].role, fo);
    r->fps = cpted__calloc(n ? n : 1, sizeof *r->fps);
    r->tree = GEOSSTRtree_create_r(r->h, 10);
    if (!r->fps || !r->tree)
        return nomem(r->ctx);
    for (size_t i = 0; i < site->feature_count; i++) {
        const cpted__feature *f = &site->features[i];
        if (!cpted__role_blocks(f->role, fo))
            continue;
        GEOSGeometry *g = cpted__footprint(r->ctx, f, fo);
        if (!g) /* the context error names the feature */
            return CPTED_E_GEOMETRY;
        footprint *p = &r->fps[r->fp_count++];
        p->feature = i;
        p->geom = g;
        p->core = g;
        p->core_r = 0.0;
        /* A bollard is a disc: measure from its centre, exactly, rather than
         * from the polygon that approximates the disc. */
        if (GEOSGeomTypeId_r(r->h, f->geom) == GEOS_POINT) {
            double d = isfinite(f->diameter_m) && f->diameter_m > 0 ? f->diameter_m
                                                                    : fo->bollard_diameter_m;
            p->core = f->geom;
            p->core_r = d / 2.0;
        }
        GEOSSTRtree_insert_r(r->h, r->tree, g, p);
    }
    return CPTED_OK;
}

/* Edge-to-edge distance between two footprints. */
static double clear_between(run *r, const footprint *a, const footprint *b)
{
    double d = 0.0;
    if (!GEOSDistance_r(r->h, a->core, b->core, &d))
        return NAN;
    d -= a->core_r + b->core_r;
    return d > 0.0 ? d : 0.0;
}

/* ---- covered intervals ---------------------------------------------------- */

typedef struct hit_list {
    footprint **items;
    size_t count, cap;
    bool failed;
} hit_list;

static void collect_hit(void *item, void *userdata)
{
    hit_list *hl = userdata;
    if (!cpted__grow((void **)&hl->items, &hl->cap, hl->count + 1, sizeof *hl->items)) {
        hl->failed = true;
        return;
    }
    hl->items[hl->count++] = item;
}

static int hit_cmp(const void *pa, const void *pb)
{
    const footprint *a = *(footprint *const *)pa, *b = *(footprint *const *)pb;
    return (a->feature > b->feature) - (a->feature < b->feature);
}

/* Footprints whose envelope comes within `dist` of g, in feature order. */
static int query_near(run *r, const GEOSGeometry *g, double dist, hit_list *out)
{
    double x0, y0, x1, y1;
    if (!GEOSGeom_getExtent_r(r->h, g, &x0, &y0, &x1, &y1))
        return geos_fail(r->ctx, "extent");
    GEOSGeometry *box = GEOSGeom_createRectangle_r(r->h, x0 - dist, y0 - dist, x1 + dist, y1 + dist);
    if (!box)
        return geos_fail(r->ctx, "query box");
    out->count = 0;
    GEOSSTRtree_query_r(r->h, r->tree, box, collect_hit, out);
    GEOSGeom_destroy_r(r->h, box);
    if (out->failed)
        return nomem(r->ctx);
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, hit_cmp);
    return CPTED_OK;
}

typedef struct interval_list {
    interval *items;
    size_t count, cap;
} interval_list;

static bool push_interval(interval_list *l, double s0, double s1, size_t fp)
{
    if (!cpted__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items))
        return false;
    l->items[l->count++] = (interval){s0, s1, fp, fp};
    return true;
}

/* Projections of every vertex of g onto the line (min, max). */
static int project_vertices(run *r, const GEOSGeometry *line, const GEOSGeometry *g, double *lo,
                            double *hi, double len, bool closed)
{
    GEOSContextHandle_t h = r->h;
    GEOSGeometry *pts = GEOSGeom_extractUniquePoints_r(h, g);
    if (!pts)
        return geos_fail(r->ctx, "vertices");
    int np = GEOSGetNumGeometries_r(h, pts);
    double *s = cpted__malloc((size_t)(np > 0 ? np : 1) * sizeof *s);
    if (!s) {
        GEOSGeom_destroy_r(h, pts);
        return nomem(r->ctx);
    }
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < np; i++) {
        s[i] = GEOSProject_r(h, line, GEOSGetGeometryN_r(h, pts, i));
        mn = fmin(mn, s[i]);
        mx = fmax(mx, s[i]);
    }
    /* On a ring a footprint across the start projects near 0 and near the
     * length: count the low side one lap later instead. */
    if (closed && mx - mn > len / 2.0) {
        mn = INFINITY;
        mx = -INFINITY;
        for (int i = 0; i < np; i++) {
            double v = s[i] < len / 2.0 ? s[i] + len : s[i];
            mn = fmin(mn, v);
            mx = fmax(mx, v);
        }
    }
    cpted__free(s);
    GEOSGeom_destroy_r(h, pts);
    *lo = mn;
    *hi = mx;
    return np > 0 ? CPTED_OK : CPTED_E_NOTFOUND;
}

static int interval_cmp(const void *pa, const void *pb)
{
    const interval *a = pa, *b = pb;
    if (a->s0 != b->s0)
        return a->s0 < b->s0 ? -1 : 1;
    if (a->s1 != b->s1)
        return a->s1 < b->s1 ? -1 : 1;
    return (a->first > b->first) - (a->first < b->first);
}

/* Merges sorted intervals in place; a merged interval ends with the footprint
 * that reaches furthest. */
static void merge_intervals(interval_list *l)
{
    size_t w = 0;
    for (size_t i = 0; i < l->count; i++) {
        interval c = l->items[i];
        if (w && c.s0 <= l->items[w - 1].s1 + EPS_M) {
            if (c.s1 > l->items[w - 1].s1) {
                l->items[w - 1].s1 = c.s1;
                l->items[w - 1].last = c.last;
            }
            continue;
        }
        l->items[w++] = c;
    }
    l->count = w;
}

/* Footprint nearest to a point among those within snap; NULL if none. */
static const footprint *closing_footprint(run *r, const GEOSGeometry *pt, const hit_list *near)
{
    const footprint *best = NULL;
    double best_d = INFINITY;
    for (size_t i = 0; i < near->count; i++) {
        double d;
        if (!GEOSDistance_r(r->h, near->items[i]->geom, pt, &d))
            continue;
        if (d <= r->cov->opts.snap_m + EPS_M && d < best_d) {
            best_d = d;
            best = near->items[i];
        }
    }
    return best;
}

/* Parses the rating of a barrier element on a line and keeps the weakest. */
typedef struct rating_state {
    double best_j, best_kmh;
    const char *best;
    size_t unrated;
} rating_state;

static int rate_element(run *r, size_t feature, rating_state *st)
{
    const cpted__feature *f = &r->cov->site->features[feature];
    if (f->role != CPTED_ROLE_BARRIER)
        return CPTED_OK;
    if (!f->rating || !*f->rating) {
        st->unrated++;
        return CPTED_OK;
    }
    cpted_rating rt;
    memset(&rt, 0, sizeof rt);
    rt.struct_size = (uint32_t)sizeof rt;
    int rc = cpted_rating_parse(&rt, r->ctx, f->rating);
    bool usable = rc == CPTED_OK && isfinite(rt.mass_kg) && isfinite(rt.speed_kmh);
    if (!usable) {
        st->unrated++;
        if (rc == CPTED_E_NOMEM)
            return rc;
        if (!r->rating_seen[feature]) {
            r->rating_seen[feature] = true;
            return warn(r->cov, "%s: rating '%s' not used: %s", f->id, f->rating,
                        rc == CPTED_OK ? "it gives no test mass and speed"
                                       : cpted_context_last_error(r->ctx));
        }
        return CPTED_OK;
    }
    double v = rt.speed_kmh / 3.6;
    double j = 0.5 * rt.mass_kg * v * v;
    if (!st->best || j < st->best_j || (j == st->best_j && rt.speed_kmh < st->best_kmh)) {
        st->best = f->rating;
        st->best_j = j;
        st->best_kmh = rt.speed_kmh;
    }
    return CPTED_OK;
}

static int push_gap(cpted__coverage_line *l, size_t *cap, const cpted_coverage_gap *g)
{
    if (!cpted__grow((void **)&l->gaps, cap, l->rec.gap_count + 1, sizeof *l->gaps))
        return CPTED_E_NOMEM;
    l->gaps[l->rec.gap_count++] = *g;
    return CPTED_OK;
}

/* Fills the gap record's compliance and position. */
static int finish_gap(run *r, cpted__coverage_line *l, cpted_coverage_gap *g)
{
    const cpted_coverage_options *o = &r->cov->opts;
    g->struct_size = (uint32_t)sizeof *g;
    g->compliant = g->clear_width_m <= o->max_gap_m + o->tolerance_m;
    g->vehicle_passable = g->clear_width_m >= r->cov->vehicle.width_m;
    return point_at(r->ctx, l->geom, l->rec.length_m, (g->start_m + g->end_m) / 2.0, &g->x, &g->y);
}

static const char *feature_id(run *r, const footprint *p)
{
    return p ? r->cov->site->features[p->feature].id : NULL;
}

/* Gap between two covered intervals (or a line end: NULL footprint). */
static int add_gap(run *r, cpted__coverage_line *l, size_t *cap, double s0, double s1,
                   const footprint *before, const footprint *after)
{
    if (s1 - s0 <= EPS_M)
        return CPTED_OK;
    cpted_coverage_gap g;
    memset(&g, 0, sizeof g);
    g.start_m = s0;
    g.end_m = s1;
    g.before_id = feature_id(r, before);
    g.after_id = feature_id(r, after);
    if (before && after && before != after) {
        g.clear_width_m = clear_between(r, before, after);
        if (isnan(g.clear_width_m))
            return geos_fail(r->ctx, "distance");
        if (g.clear_width_m <= EPS_M)
            return CPTED_OK; /* the footprints touch: no way through */
    } else {
        /* To a line end, or round one footprint: the length along the line. */
        g.clear_width_m = s1 - s0;
    }
    int rc = finish_gap(r, l, &g);
    if (rc == CPTED_OK && push_gap(l, cap, &g) != CPTED_OK)
        rc = nomem(r->ctx);
    return rc;
}

static int analyse_line(run *r, cpted__coverage_line *l)
{
    GEOSContextHandle_t h = r->h;
    const cpted_coverage_options *o = &r->cov->opts;
    double len = l->rec.length_m;
    bool closed = l->rec.closed;
    hit_list near = {NULL, 0, 0, false};
    interval_list iv = {NULL, 0, 0};
    rating_state rs = {0.0, 0.0, NULL, 0};
    GEOSGeometry *zone = NULL, *ends[2] = {NULL, NULL};
    size_t gap_cap = 0;
    int rc = query_near(r, l->geom, o->snap_m, &near);
    if (rc != CPTED_OK)
        goto done;
    /* The zone within snap of the line (the line itself when snap is 0). */
    zone = o->snap_m > 0 ? GEOSBuffer_r(h, l->geom, o->snap_m, (int)o->freespace.quadrant_segments)
                         : GEOSGeom_clone_r(h, l->geom);
    if (!zone) {
        rc = geos_fail(r->ctx, "snap zone");
        goto done;
    }
    for (size_t i = 0; i < near.count; i++) {
        const footprint *p = near.items[i];
        double d = 0.0;
        if (!GEOSDistance_r(h, p->geom, l->geom, &d)) {
            rc = geos_fail(r->ctx, "distance");
            goto done;
        }
        if (d > o->snap_m + EPS_M)
            continue;
        /* Only the part within snap is projected: a building along the line
         * covers the stretch it borders, not its whole shadow. */
        GEOSGeometry *part = GEOSIntersection_r(h, p->geom, zone);
        if (!part) {
            rc = geos_fail(r->ctx, "intersection");
            goto done;
        }
        if (GEOSisEmpty_r(h, part) == 1) { /* touches the zone's rim only */
            GEOSGeom_destroy_r(h, part);
            part = GEOSGeom_clone_r(h, p->geom);
        }
        int np = part ? GEOSGetNumGeometries_r(h, part) : 0;
        for (int k = 0; k < np && rc == CPTED_OK; k++) {
            double lo = 0.0, hi = 0.0;
            rc = project_vertices(r, l->geom, GEOSGetGeometryN_r(h, part, k), &lo, &hi, len, closed);
            if (rc == CPTED_E_NOTFOUND) {
                rc = CPTED_OK;
                continue;
            }
            if (rc != CPTED_OK)
                break;
            size_t idx = (size_t)(p - r->fps);
            bool ok = true;
            if (hi > len) { /* across a ring's start */
                ok = push_interval(&iv, lo, len, idx) && push_interval(&iv, 0.0, hi - len, idx);
            } else {
                ok = push_interval(&iv, lo, hi, idx);
            }
            if (!ok)
                rc = nomem(r->ctx);
        }
        if (part)
            GEOSGeom_destroy_r(h, part);
        if (rc == CPTED_OK)
            rc = rate_element(r, p->feature, &rs);
        if (rc != CPTED_OK)
            goto done;
    }
    /* Ends: closed by a footprint within snap (its interval then reaches the
     * end), else open. */
    const footprint *end_fp[2] = {NULL, NULL};
    if (!closed) {
        ends[0] = GEOSGeomGetStartPoint_r(h, l->geom);
        ends[1] = GEOSGeomGetEndPoint_r(h, l->geom);
        if (!ends[0] || !ends[1]) {
            rc = geos_fail(r->ctx, "line ends");
            goto done;
        }
        for (int e = 0; e < 2; e++) {
            end_fp[e] = closing_footprint(r, ends[e], &near);
            l->rec.open_ends += !end_fp[e];
        }
    }
    /* A closed end: the closing footprint's intervals are stretched to it. */
    for (int e = 0; e < 2; e++) {
        if (!end_fp[e])
            continue;
        size_t id = (size_t)(end_fp[e] - r->fps);
        for (size_t i = 0; i < iv.count; i++) {
            if (iv.items[i].first != id)
                continue;
            if (e == 0)
                iv.items[i].s0 = 0.0;
            else
                iv.items[i].s1 = len;
        }
    }
    if (iv.count)
        qsort(iv.items, iv.count, sizeof *iv.items, interval_cmp);
    merge_intervals(&iv);
    /* Gaps. */
    if (iv.count == 0) {
        rc = add_gap(r, l, &gap_cap, 0.0, len, NULL, NULL);
        goto summary;
    }
    for (size_t i = 0; i < iv.count && rc == CPTED_OK; i++) {
        const footprint *a = &r->fps[iv.items[i].last];
        if (i + 1 < iv.count) {
            rc = add_gap(r, l, &gap_cap, iv.items[i].s1, iv.items[i + 1].s0, a,
                         &r->fps[iv.items[i + 1].first]);
        } else if (closed) {
            rc = add_gap(r, l, &gap_cap, iv.items[i].s1, iv.items[0].s0 + len, a,
                         &r->fps[iv.items[0].first]);
        } else {
            rc = add_gap(r, l, &gap_cap, iv.items[i].s1, len, a, NULL);
        }
    }
    if (rc == CPTED_OK && !closed && iv.items[0].s0 > EPS_M) {
        /* The gap at the start goes first. */
        rc = add_gap(r, l, &gap_cap, 0.0, iv.items[0].s0, NULL, &r->fps[iv.items[0].first]);
        if (rc == CPTED_OK && l->rec.gap_count > 1) {
            cpted_coverage_gap first = l->gaps[l->rec.gap_count - 1];
            memmove(l->gaps + 1, l->gaps, (l->rec.gap_count - 1) * sizeof *l->gaps);
            l->gaps[0] = first;
        }
    }
summary:
    if (rc != CPTED_OK)
        goto done;
    double gaps_m = 0.0;
    for (size_t i = 0; i < l->rec.gap_count; i++) {
        gaps_m += l->gaps[i].end_m - l->gaps[i].start_m;
        l->rec.noncompliant_count += !l->gaps[i].compliant;
    }
    l->rec.covered_m = fmax(0.0, len - gaps_m);
    l->rec.coverage_ratio = l->rec.covered_m / len;
    l->rec.weakest_rating = rs.best;
    l->rec.unrated_count = rs.unrated;
done:
    for (int e = 0; e < 2; e++)
        if (ends[e])
            GEOSGeom_destroy_r(h, ends[e]);
    if (zone)
        GEOSGeom_destroy_r(h, zone);
    cpted__free(near.items);
    cpted__free(iv.items);
    return rc;
}

/* ---- breaches -------------------------------------------------------------- */

static int push_breach(run *r, const cpted__coverage_line *l, const char *kind, GEOSGeometry *geom,
                       double x, double y, double width_m)
{
    cpted_coverage *cov = r->cov;
    if (!cpted__grow((void **)&cov->breaches, &cov->breach_cap, cov->breach_count + 1,
                     sizeof *cov->breaches)) {
        GEOSGeom_destroy_r(r->h, geom);
        return nomem(r->ctx);
    }
    cpted__coverage_breach *b = &cov->breaches[cov->breach_count++];
    memset(b, 0, sizeof *b);
    b->rec.struct_size = (uint32_t)sizeof b->rec;
    b->rec.x = x;
    b->rec.y = y;
    b->rec.width_m = width_m;
    b->rec.line_id = l->id;
    b->kind = kind;
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

/* Line pieces of g, merged where they join (e.g. across a ring's start). */
static GEOSGeometry *line_pieces(run *r, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = r->h;
    GEOSGeometry **list = NULL;
    size_t count = 0, cap = 0;
    bool ok = gather_lines(h, g, &list, &count, &cap);
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
static int crossings(run *r, const cpted__coverage_line *l, const GEOSGeometry *reach, size_t *found)
{
    GEOSContextHandle_t h = r->h;
    *found = 0;
    GEOSGeometry *inter = GEOSIntersection_r(h, l->geom, reach);
    if (!inter)
        return geos_fail(r->ctx, "line ∩ R");
    GEOSGeometry *pieces = line_pieces(r, inter);
    GEOSGeom_destroy_r(h, inter);
    if (!pieces)
        return geos_fail(r->ctx, "crossing pieces");
    int n = GEOSGetNumGeometries_r(h, pieces);
    piece *ps = cpted__calloc((size_t)(n > 0 ? n : 1), sizeof *ps);
    int rc = ps ? CPTED_OK : nomem(r->ctx);
    size_t k = 0;
    for (int i = 0; i < n && rc == CPTED_OK; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, pieces, i);
        double plen = 0.0;
        GEOSLength_r(h, p, &plen);
        if (plen < MIN_BREACH_M)
            continue;
        GEOSGeometry *mid = GEOSInterpolate_r(h, p, plen / 2.0);
        if (!mid) {
            rc = geos_fail(r->ctx, "interpolate");
            break;
        }
        ps[k].s = GEOSProject_r(h, l->geom, mid);
        GEOSGeom_destroy_r(h, mid);
        ps[k++].g = GEOSGeom_clone_r(h, p);
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
        rc = point_at(r->ctx, ps[i].g, plen, plen / 2.0, &x, &y);
        if (rc == CPTED_OK) {
            rc = push_breach(r, l, "crossing", ps[i].g, x, y, plen);
            (*found)++;
        } else {
            GEOSGeom_destroy_r(h, ps[i].g);
        }
    }
    cpted__free(ps);
    return rc;
}

/* The strip of width w on one side of the line (w < 0: the right side). */
static GEOSGeometry *side_strip(run *r, const GEOSGeometry *line, double w)
{
    GEOSBufferParams *bp = GEOSBufferParams_create_r(r->h);
    if (!bp)
        return NULL;
    GEOSBufferParams_setSingleSided_r(r->h, bp, 1);
    GEOSBufferParams_setEndCapStyle_r(r->h, bp, GEOSBUF_CAP_FLAT);
    GEOSBufferParams_setQuadrantSegments_r(r->h, bp, (int)r->cov->opts.freespace.quadrant_segments);
    GEOSGeometry *g = GEOSBufferWithParams_r(r->h, line, bp, w);
    GEOSBufferParams_destroy_r(r->h, bp);
    return g;
}

/* Passage round one end: the first piece of the line's prolongation (a ray
 * along the end segment) inside the component. Returns its distance from the
 * end (INFINITY when the ray misses) and the piece's middle and length. */
static double end_passage(run *r, const double *xy, unsigned int n, int end, double ray_m,
                          const GEOSGeometry *comp, double *mx, double *my, double *width)
{
    GEOSContextHandle_t h = r->h;
    unsigned int i0 = end ? n - 1 : 0, i1 = end ? n - 2 : 1;
    double ex = xy[2 * i0], ey = xy[2 * i0 + 1];
    double dx = ex - xy[2 * i1], dy = ey - xy[2 * i1 + 1];
    double dl = hypot(dx, dy);
    if (!(dl > 0))
        return INFINITY;
    double ray[4] = {ex, ey, ex + dx / dl * ray_m, ey + dy / dl * ray_m};
    GEOSGeometry *rg = make_line(r->ctx, ray, 2);
    GEOSGeometry *inter = rg ? GEOSIntersection_r(h, rg, comp) : NULL;
    GEOSGeometry *pieces = inter ? line_pieces(r, inter) : NULL;
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
        if (plen >= MIN_BREACH_M && d < best) {
            best = d;
            *width = plen;
            point_at(r->ctx, p, plen, plen / 2.0, mx, my);
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
 * vehicle can go round an end. */
static int bypass(run *r, const cpted__coverage_line *l, const GEOSGeometry *reach)
{
    GEOSContextHandle_t h = r->h;
    double strip_m = r->cov->vehicle.width_m / 2.0 + r->cov->opts.snap_m;
    GEOSGeometry *left = side_strip(r, l->geom, strip_m);
    GEOSGeometry *right = side_strip(r, l->geom, -strip_m);
    int rc = CPTED_OK;
    double *xy = NULL;
    if (!left || !right) {
        rc = geos_fail(r->ctx, "side strips");
        goto done;
    }
    int nc = GEOSGetNumGeometries_r(h, reach);
    for (int c = 0; c < nc; c++) {
        const GEOSGeometry *comp = GEOSGetGeometryN_r(h, reach, c);
        if (GEOSIntersects_r(h, comp, left) != 1 || GEOSIntersects_r(h, comp, right) != 1)
            continue;
        unsigned int n = 0;
        xy = line_coords(r->ctx, l->geom, &n);
        double x0, y0, x1, y1;
        if (!xy || n < 2 || !GEOSGeom_getExtent_r(h, comp, &x0, &y0, &x1, &y1)) {
            rc = geos_fail(r->ctx, "bypass");
            goto done;
        }
        double ray_m = hypot(x1 - x0, y1 - y0) + l->rec.length_m;
        double bx[2] = {0, 0}, by[2] = {0, 0}, bw[2] = {0, 0}, bd[2];
        for (int e = 0; e < 2; e++)
            bd[e] = end_passage(r, xy, n, e, ray_m, comp, &bx[e], &by[e], &bw[e]);
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
            rc = geos_fail(r->ctx, "bypass point");
            goto done;
        }
        rc = push_breach(r, l, "bypass", pt, x, y, width);
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

static int find_breaches(run *r, const cpted_vehicle *vehicle)
{
    cpted_coverage *cov = r->cov;
    if (cov->line_count == 0)
        return CPTED_OK;
    cpted_freespace *fs = NULL;
    int rc = cpted_freespace_new(&fs, cov->site, vehicle, &cov->opts.freespace);
    if (rc == CPTED_E_NOMEM || rc == CPTED_E_INTERRUPTED)
        return rc;
    if (rc != CPTED_OK) {
        /* Gaps do not need free space; breaches do. */
        return warn(cov, "breaches not computed: free space failed: %s",
                    cpted_context_last_error(r->ctx));
    }
    const GEOSGeometry *reach = fs->reachable;
    if (!reach || GEOSisEmpty_r(r->h, reach) == 1) {
        rc = warn(cov, "breaches not computed: no reachable space (no entry connects to "
                       "drivable ground)");
        cpted_freespace_free(fs);
        return rc;
    }
    for (size_t i = 0; i < cov->line_count && rc == CPTED_OK; i++) {
        size_t found = 0;
        rc = crossings(r, &cov->lines[i], reach, &found);
        if (rc == CPTED_OK && found == 0 && !cov->lines[i].rec.closed)
            rc = bypass(r, &cov->lines[i], reach);
        cpted__progress(r->ctx, 0.5 + 0.5 * (double)(i + 1) / (double)cov->line_count,
                        "coverage");
    }
    cpted_freespace_free(fs);
    return rc;
}

/* ---- public API -------------------------------------------------------------- */

static void defaults(cpted_coverage_options *o)
{
    o->max_gap_m = 1.2;
    o->snap_m = 1.0;
    o->chain_m = 5.0;
    o->tolerance_m = 0.001;
}

CPTED_API int CPTED_CALL cpted_coverage_options_init(cpted_coverage_options *opts,
                                                     size_t struct_size)
{
    int rc = cpted__check_struct(NULL, opts, struct_size, sizeof *opts, sizeof *opts,
                                 "coverage options");
    if (rc != CPTED_OK)
        return rc;
    cpted_coverage_options o;
    memset(&o, 0, sizeof o);
    rc = cpted_freespace_options_init(&o.freespace, sizeof o.freespace);
    if (rc != CPTED_OK)
        return rc;
    defaults(&o);
    o.struct_size = (uint32_t)struct_size;
    memcpy(opts, &o, sizeof o);
    return CPTED_OK;
}

static int resolve_options(cpted_context *ctx, const cpted_coverage_options *user,
                           cpted_coverage_options *out)
{
    memset(out, 0, sizeof *out);
    out->struct_size = (uint32_t)sizeof *out;
    defaults(out);
    if (!user)
        return cpted__freespace_options_resolve(ctx, NULL, &out->freespace);
    int rc = cpted__check_struct(ctx, user, user->struct_size, sizeof *user, sizeof *user,
                                 "coverage options");
    if (rc != CPTED_OK)
        return rc;
    out->max_gap_m = user->max_gap_m;
    out->snap_m = user->snap_m;
    out->chain_m = user->chain_m;
    out->tolerance_m = user->tolerance_m;
    if (!(isfinite(out->max_gap_m) && out->max_gap_m > 0))
        return cpted__error(ctx, CPTED_E_INVALID, "coverage: max_gap_m = %g must be > 0",
                            out->max_gap_m);
    if (!(isfinite(out->snap_m) && out->snap_m >= 0))
        return cpted__error(ctx, CPTED_E_INVALID, "coverage: snap_m = %g must be >= 0",
                            out->snap_m);
    if (!(isfinite(out->chain_m) && out->chain_m > 0))
        return cpted__error(ctx, CPTED_E_INVALID, "coverage: chain_m = %g must be > 0",
                            out->chain_m);
    if (!(isfinite(out->tolerance_m) && out->tolerance_m >= 0))
        return cpted__error(ctx, CPTED_E_INVALID, "coverage: tolerance_m = %g must be >= 0",
                            out->tolerance_m);
    return cpted__freespace_options_resolve(ctx, &user->freespace, &out->freespace);
}

static int collect_lines(run *r)
{
    cpted_site *site = r->cov->site;
    bool any_perimeter = false;
    int rc = CPTED_OK;
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        const cpted__feature *f = &site->features[i];
        if (f->role == CPTED_ROLE_PERIMETER) {
            any_perimeter = true;
            rc = add_feature_lines(r, f, false);
        }
    }
    if (rc == CPTED_OK && !any_perimeter)
        rc = derive_rows(r);
    /* OSM bollard ways: rows of unknown spacing, analysed as they are. */
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++)
        if (site->features[i].unverified_row)
            rc = add_feature_lines(r, &site->features[i], true);
    return rc;
}

CPTED_API int CPTED_CALL cpted_coverage_run(cpted_coverage **out, cpted_site *site,
                                            const cpted_vehicle *vehicle,
                                            const cpted_coverage_options *opts)
{
    if (out)
        *out = NULL;
    if (!site)
        return CPTED_E_INVALID;
    cpted_context *ctx = site->ctx;
    if (!out)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_coverage_run: out is NULL");
    int rc = cpted_vehicle_validate(ctx, vehicle);
    if (rc != CPTED_OK)
        return rc;
    cpted_coverage *cov = cpted__calloc(1, sizeof *cov);
    if (!cov)
        return nomem(ctx);
    cov->site = site;
    cov->ctx = ctx;
    cpted__context_ref(ctx);
    memcpy(&cov->vehicle, vehicle, sizeof cov->vehicle);
    cov->vehicle.struct_size = (uint32_t)sizeof cov->vehicle;
    run r = {cov, ctx, ctx->geos, NULL, 0, NULL, NULL};
    rc = resolve_options(ctx, opts, &cov->opts);
    if (rc == CPTED_OK) {
        r.rating_seen = cpted__calloc(site->feature_count + 1, sizeof *r.rating_seen);
        rc = r.rating_seen ? CPTED_OK : nomem(ctx);
    }
    if (rc == CPTED_OK)
        rc = collect_lines(&r);
    if (rc == CPTED_OK)
        rc = build_footprints(&r);
    for (size_t i = 0; i < cov->line_count && rc == CPTED_OK; i++) {
        if (cpted__interrupted(ctx))
            rc = cpted__error(ctx, CPTED_E_INTERRUPTED, "coverage: interrupted");
        else
            rc = analyse_line(&r, &cov->lines[i]);
        cpted__progress(ctx, 0.5 * (double)(i + 1) / (double)cov->line_count, "coverage");
    }
    if (rc == CPTED_OK)
        rc = find_breaches(&r, &cov->vehicle);
    if (r.tree)
        GEOSSTRtree_destroy_r(ctx->geos, r.tree);
    for (size_t i = 0; i < r.fp_count; i++)
        GEOSGeom_destroy_r(ctx->geos, r.fps[i].geom);
    cpted__free(r.fps);
    cpted__free(r.rating_seen);
    if (rc != CPTED_OK) {
        cpted_coverage_free(cov);
        return rc;
    }
    *out = cov;
    return CPTED_OK;
}

CPTED_API size_t CPTED_CALL cpted_coverage_line_count(const cpted_coverage *result)
{
    return result ? result->line_count : 0;
}

CPTED_API size_t CPTED_CALL cpted_coverage_breach_count(const cpted_coverage *result)
{
    return result ? result->breach_count : 0;
}

CPTED_API cpted_site *CPTED_CALL cpted_coverage_site(const cpted_coverage *result)
{
    return result ? result->site : NULL;
}

/* Copies a record into a caller's struct of possibly another (checked) size. */
static int copy_record(cpted_context *ctx, void *out, const void *rec, size_t own_size,
                       const char *what)
{
    uint32_t given = *(const uint32_t *)out;
    int rc = cpted__check_struct(ctx, out, given, own_size, own_size, what);
    if (rc != CPTED_OK)
        return rc;
    memcpy(out, rec, own_size);
    *(uint32_t *)out = given;
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_coverage_get_line(const cpted_coverage *result, size_t i,
                                                 cpted_coverage_line *out)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    if (i >= result->line_count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND, "coverage: no line %zu (%zu lines)", i,
                            result->line_count);
    return copy_record(result->ctx, out, &result->lines[i].rec, sizeof *out, "coverage line");
}

CPTED_API int CPTED_CALL cpted_coverage_get_gap(const cpted_coverage *result, size_t line,
                                                size_t gap, cpted_coverage_gap *out)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    if (line >= result->line_count || gap >= result->lines[line].rec.gap_count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND, "coverage: no gap %zu of line %zu",
                            gap, line);
    return copy_record(result->ctx, out, &result->lines[line].gaps[gap], sizeof *out,
                       "coverage gap");
}

CPTED_API int CPTED_CALL cpted_coverage_get_breach(const cpted_coverage *result, size_t i,
                                                   cpted_coverage_breach *out)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    if (i >= result->breach_count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND, "coverage: no breach %zu (%zu)", i,
                            result->breach_count);
    return copy_record(result->ctx, out, &result->breaches[i].rec, sizeof *out,
                       "coverage breach");
}

/* ---- JSON ------------------------------------------------------------------- */

static int json_xy(cpted__json *j, const cpted_site *site, double x, double y)
{
    double ox, oy;
    int rc = cpted_site_to_output(site, x, y, &ox, &oy);
    if (rc != CPTED_OK)
        return rc;
    cpted__json_key(j, "x");
    cpted__json_number(j, ox);
    cpted__json_key(j, "y");
    cpted__json_number(j, oy);
    return CPTED_OK;
}

static int json_line(cpted__json *j, const cpted_coverage *cov, const cpted__coverage_line *l)
{
    const cpted_coverage_line *rec = &l->rec;
    cpted__json_begin_object(j);
    cpted__json_key(j, "id");
    cpted__json_string(j, rec->id);
    cpted__json_key(j, "derived");
    cpted__json_bool(j, rec->derived);
    cpted__json_key(j, "closed");
    cpted__json_bool(j, rec->closed);
    cpted__json_key(j, "unverified");
    cpted__json_bool(j, rec->unverified);
    cpted__json_key(j, "length_m");
    cpted__json_number(j, rec->length_m);
    cpted__json_key(j, "covered_m");
    cpted__json_number(j, rec->covered_m);
    cpted__json_key(j, "coverage_ratio");
    cpted__json_number(j, rec->coverage_ratio);
    cpted__json_key(j, "open_ends");
    cpted__json_int(j, rec->open_ends);
    cpted__json_key(j, "gap_count");
    cpted__json_int(j, (int64_t)rec->gap_count);
    cpted__json_key(j, "noncompliant");
    cpted__json_int(j, (int64_t)rec->noncompliant_count);
    cpted__json_key(j, "weakest_rating");
    cpted__json_string(j, rec->weakest_rating);
    cpted__json_key(j, "unrated");
    cpted__json_int(j, (int64_t)rec->unrated_count);
    cpted__json_key(j, "gaps");
    cpted__json_begin_array(j);
    int rc = CPTED_OK;
    for (size_t i = 0; i < rec->gap_count && rc == CPTED_OK; i++) {
        const cpted_coverage_gap *g = &l->gaps[i];
        cpted__json_begin_object(j);
        cpted__json_key(j, "start_m");
        cpted__json_number(j, g->start_m);
        cpted__json_key(j, "end_m");
        cpted__json_number(j, g->end_m);
        cpted__json_key(j, "clear_width_m");
        cpted__json_number(j, g->clear_width_m);
        cpted__json_key(j, "compliant");
        cpted__json_bool(j, g->compliant);
        cpted__json_key(j, "vehicle_passable");
        cpted__json_bool(j, g->vehicle_passable);
        rc = json_xy(j, cov->site, g->x, g->y);
        cpted__json_key(j, "between");
        cpted__json_begin_array(j);
        cpted__json_string(j, g->before_id);
        cpted__json_string(j, g->after_id);
        cpted__json_end_array(j);
        cpted__json_end_object(j);
    }
    cpted__json_end_array(j);
    cpted__json_end_object(j);
    return rc;
}

CPTED_API int CPTED_CALL cpted_coverage_to_json(const cpted_coverage *result, char **out)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    *out = NULL;
    const cpted_coverage *cov = result;
    cpted__json j;
    cpted__json_init(&j);
    cpted__json_begin_object(&j);
    cpted__json_key(&j, "schema");
    cpted__json_string(&j, "cpted/coverage/1");
    cpted__json_key(&j, "vehicle");
    cpted__json_vehicle(&j, &cov->vehicle);
    cpted__json_key(&j, "max_gap_m");
    cpted__json_number(&j, cov->opts.max_gap_m);
    cpted__json_key(&j, "tolerance_m");
    cpted__json_number(&j, cov->opts.tolerance_m);
    cpted__json_key(&j, "snap_m");
    cpted__json_number(&j, cov->opts.snap_m);
    cpted__json_key(&j, "chain_m");
    cpted__json_number(&j, cov->opts.chain_m);
    cpted__json_key(&j, "lines");
    cpted__json_begin_array(&j);
    int rc = CPTED_OK;
    for (size_t i = 0; i < cov->line_count && rc == CPTED_OK; i++)
        rc = json_line(&j, cov, &cov->lines[i]);
    cpted__json_end_array(&j);
    cpted__json_key(&j, "breaches");
    cpted__json_begin_array(&j);
    for (size_t i = 0; i < cov->breach_count && rc == CPTED_OK; i++) {
        const cpted__coverage_breach *b = &cov->breaches[i];
        cpted__json_begin_object(&j);
        cpted__json_key(&j, "kind");
        cpted__json_string(&j, b->kind);
        cpted__json_key(&j, "line");
        cpted__json_string(&j, b->rec.line_id);
        rc = json_xy(&j, cov->site, b->rec.x, b->rec.y);
        cpted__json_key(&j, "width_m");
        cpted__json_number(&j, b->rec.width_m);
        cpted__json_end_object(&j);
    }
    cpted__json_end_array(&j);
    cpted__json_key(&j, "warnings");
    cpted__json_begin_array(&j);
    for (size_t i = 0; i < cov->warning_count; i++)
        cpted__json_string(&j, cov->warnings[i]);
    cpted__json_end_array(&j);
    cpted__json_end_object(&j);
    if (rc != CPTED_OK) {
        cpted__free(j.buf);
        return rc;
    }
    return cpted__json_finish(&j, cov->ctx, out);
}
