/*
 * rows.c - ordered barrier rows from loose barrier points (bollards mapped as
 * points): which points form a row, in which order, and whether the row is a
 * ring. Coverage analyses the rows as perimeter lines when a site has none;
 * any analysis along barrier lines can use them.
 * Method and limits: docs/method-coverage.md §1.2.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MODULE "rows"
/* Points closer than this are one vertex of a row (a duplicated bollard). */
#define SAME_POINT_M 1e-6

/* The barrier points and their spanning forest, shared by the steps below. */
typedef struct derive {
    cpted_context *ctx;
    double chain_m;
    size_t n;            /* barrier points, in site order */
    double *xy;          /* their centres, 2n */
    size_t *adj_start;   /* the forest as adjacency lists (CSR): node u's    */
    size_t *adj;         /* neighbours are adj[adj_start[u] .. adj_start[u+1]) */
    double *adj_d;       /* at these distances */
    size_t *tparent;     /* scratch of tree_farthest: parent towards the start */
    double *dist;        /* scratch: tree distance from the start, -1 unseen */
    size_t *stack;       /* scratch: depth-first stack */
} derive;

typedef struct edge {
    double d;
    size_t a, b;
} edge;

/* Exact coordinates -> the first node there (open addressing, at most half
 * full): coincident points are one vertex of the triangulation. */
typedef struct point_map {
    size_t *slot;        /* node + 1, 0 = empty */
    size_t mask;
} point_map;

static uint64_t point_hash(const double *p)
{
    uint64_t bits[2];
    memcpy(bits, p, sizeof bits);
    uint64_t h = bits[0] * 0x9E3779B97F4A7C15u ^ (bits[1] + 0x632BE59BD9B4E019u);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9u;
    return h ^ (h >> 32);
}

/* The node at xy[0..1] if there is one, else NULL; *slot_out gets its slot. */
static size_t *point_slot(const point_map *m, const double *all, const double *p)
{
    for (size_t i = (size_t)point_hash(p) & m->mask;; i = (i + 1) & m->mask) {
        size_t v = m->slot[i];
        if (!v || (all[2 * (v - 1)] == p[0] && all[2 * (v - 1) + 1] == p[1]))
            return &m->slot[i];
    }
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

/* Farthest node (by tree distance) from `from` in the spanning forest; fills
 * d->tparent along the way. */
static size_t tree_farthest(derive *d, size_t from, const size_t *members, size_t m)
{
    const size_t *adj_start = d->adj_start, *adj = d->adj;
    const double *adj_d = d->adj_d;
    size_t *parent = d->tparent, *stack = d->stack;
    double *dist = d->dist;
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

/* Positions along the main chain: where the nearest point of the chain to a
 * member lies, measured from the chain's start; when several segments are
 * equally near, the earliest. (The arithmetic is the usual point-to-segment
 * projection, so it agrees with GEOSProject, which answers the same question
 * by visiting every segment; an STRtree of the segments makes it O(log n) per
 * member instead of O(chain length).) */
typedef struct chain_index {
    cpted_context *ctx;
    const double *c;       /* chain vertices, 2 * (nseg + 1) */
    size_t nseg;
    double *start;         /* distance along the chain to segment k's start */
    size_t *ids;           /* tree items */
    GEOSGeometry **boxes;  /* their envelopes (kept alive for the tree) */
    GEOSSTRtree *tree;
} chain_index;

static double point_distance(double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay;
    return sqrt(dx * dx + dy * dy);
}

static double segment_distance(const double *a, const double *b, double px, double py)
{
    if (a[0] == b[0] && a[1] == b[1])
        return point_distance(px, py, a[0], a[1]);
    double dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
    double r = ((px - a[0]) * dx + (py - a[1]) * dy) / len2;
    if (r <= 0.0)
        return point_distance(px, py, a[0], a[1]);
    if (r >= 1.0)
        return point_distance(px, py, b[0], b[1]);
    double s = ((a[1] - py) * dx - (a[0] - px) * dy) / len2;
    return fabs(s) * sqrt(len2);
}

/* Distance along the chain of the point of segment k nearest to (px, py). */
static double segment_measure(const chain_index *ci, size_t k, double px, double py)
{
    const double *a = &ci->c[2 * k], *b = &ci->c[2 * k + 2];
    double dx = b[0] - a[0], dy = b[1] - a[1], len = sqrt(dx * dx + dy * dy);
    double r;
    if (px == a[0] && py == a[1])
        r = 0.0;
    else if (px == b[0] && py == b[1])
        r = 1.0;
    else
        r = ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy);
    if (r <= 0.0)
        return ci->start[k];
    if (r <= 1.0)
        return ci->start[k] + r * len;
    return ci->start[k] + len;
}

static void chain_index_free(chain_index *ci)
{
    GEOSContextHandle_t h = ci->ctx->geos;
    if (ci->tree)
        GEOSSTRtree_destroy_r(h, ci->tree);
    if (ci->boxes)
        for (size_t k = 0; k < ci->nseg; k++)
            if (ci->boxes[k])
                GEOSGeom_destroy_r(h, ci->boxes[k]);
    cpted__free(ci->boxes);
    cpted__free(ci->ids);
    cpted__free(ci->start);
}

static int chain_index_build(chain_index *ci, cpted_context *ctx, const double *c, size_t n)
{
    GEOSContextHandle_t h = ctx->geos;
    *ci = (chain_index){.ctx = ctx, .c = c, .nseg = n - 1};
    ci->start = cpted__malloc(n * sizeof *ci->start);
    ci->ids = cpted__malloc(ci->nseg * sizeof *ci->ids);
    ci->boxes = cpted__calloc(ci->nseg, sizeof *ci->boxes);
    ci->tree = GEOSSTRtree_create_r(h, 10);
    if (!ci->start || !ci->ids || !ci->boxes || !ci->tree)
        return cpted__nomem(ctx, MODULE);
    ci->start[0] = 0.0;
    for (size_t k = 0; k < ci->nseg; k++) {
        const double *a = &c[2 * k], *b = &c[2 * k + 2];
        ci->start[k + 1] = ci->start[k] + point_distance(a[0], a[1], b[0], b[1]);
        ci->ids[k] = k;
        ci->boxes[k] = GEOSGeom_createRectangle_r(h, fmin(a[0], b[0]), fmin(a[1], b[1]),
                                                  fmax(a[0], b[0]), fmax(a[1], b[1]));
        if (!ci->boxes[k])
            return cpted__geos_fail(ctx, MODULE, "chain segment");
        GEOSSTRtree_insert_r(h, ci->tree, ci->boxes[k], &ci->ids[k]);
    }
    return CPTED_OK;
}

typedef struct nearest_segment {
    const chain_index *ci;
    double px, py;
    double best_d;
    size_t best_k;         /* nseg: none yet */
} nearest_segment;

static void visit_segment(void *item, void *userdata)
{
    nearest_segment *q = userdata;
    size_t k = *(const size_t *)item;
    const double *c = q->ci->c;
    double dist = segment_distance(&c[2 * k], &c[2 * k + 2], q->px, q->py);
    if (q->best_k == q->ci->nseg || dist < q->best_d || (dist == q->best_d && k < q->best_k)) {
        q->best_d = dist;
        q->best_k = k;
    }
}

/* The STRtree's nearest-neighbour search hands over the query item and a
 * tree item; the query is this sentinel. */
static const size_t query_item = (size_t)-1;

static int segment_item_distance(const void *item1, const void *item2, double *distance,
                                 void *userdata)
{
    const nearest_segment *q = userdata;
    const size_t *item = item1 == (const void *)&query_item ? item2 : item1;
    size_t k = *item;
    *distance = segment_distance(&q->ci->c[2 * k], &q->ci->c[2 * k + 2], q->px, q->py);
    return 1;
}

/* *s_out = the member's position along the chain: the nearest segment's
 * distance from the tree's nearest-neighbour search, then every segment within
 * a box of that half-size (all as near are in it), the earliest of the nearest. */
static int chain_position(const chain_index *ci, double px, double py, double *s_out)
{
    GEOSContextHandle_t h = ci->ctx->geos;
    nearest_segment q = {ci, px, py, 0.0, ci->nseg};
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, px, py);
    if (!pt)
        return cpted__geos_fail(ci->ctx, MODULE, "row point");
    const size_t *near = GEOSSTRtree_nearest_generic_r(h, ci->tree, &query_item, pt,
                                                       segment_item_distance, &q);
    GEOSGeom_destroy_r(h, pt);
    if (!near)
        return cpted__geos_fail(ci->ctx, MODULE, "nearest chain segment");
    double r = segment_distance(&ci->c[2 * *near], &ci->c[2 * *near + 2], px, py);
    r = r * (1.0 + 1e-12) + 1e-9;
    GEOSGeometry *box = GEOSGeom_createRectangle_r(h, px - r, py - r, px + r, py + r);
    if (!box)
        return cpted__geos_fail(ci->ctx, MODULE, "query box");
    GEOSSTRtree_query_r(h, ci->tree, box, visit_segment, &q);
    GEOSGeom_destroy_r(h, box);
    if (q.best_k == ci->nseg)
        return cpted__error(ci->ctx, CPTED_E_GEOMETRY, "rows: no chain segment near a point");
    *s_out = segment_measure(ci, q.best_k, px, py);
    return CPTED_OK;
}

/* Orders the members of one component into a polyline: *line_out gets it, or
 * NULL when the members all coincide. */
static int make_row(derive *d, const size_t *members, size_t m, GEOSGeometry **line_out)
{
    const double *xy = d->xy;
    size_t *parent = d->tparent;
    *line_out = NULL;
    /* Main chain = the spanning tree's longest path (its diameter). */
    size_t a = tree_farthest(d, members[0], members, m);
    size_t b = tree_farthest(d, a, members, m);
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
    chain_index ci;
    bool has_index = false;
    if (!chain || !order || !row) {
        rc = cpted__nomem(d->ctx, MODULE);
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
    if (chain_n >= 2) {
        rc = chain_index_build(&ci, d->ctx, chain, chain_n);
        has_index = true;
    }
    for (size_t i = 0; i < m && rc == CPTED_OK; i++) {
        order[i].node = members[i];
        order[i].s = 0.0;
        if (has_index)
            rc = chain_position(&ci, xy[2 * members[i]], xy[2 * members[i] + 1], &order[i].s);
    }
    if (rc != CPTED_OK)
        goto done;
    qsort(order, m, sizeof *order, ordered_cmp);
    size_t n = 0;
    double path_m = 0.0;
    for (size_t i = 0; i < m; i++) {
        double x = xy[2 * order[i].node], y = xy[2 * order[i].node + 1];
        if (n && hypot(x - row[2 * n - 2], y - row[2 * n - 1]) <= SAME_POINT_M)
            continue; /* duplicated bollard: one vertex */
        if (n)
            path_m += hypot(x - row[2 * n - 2], y - row[2 * n - 1]);
        row[2 * n] = x;
        row[2 * n + 1] = y;
        n++;
    }
    if (n < 2)
        goto done; /* all the points coincide: no line */
    /* A ring: its ends chain to each other and are close compared with its length. */
    double ends_m = hypot(row[0] - row[2 * n - 2], row[1] - row[2 * n - 1]);
    if (n >= 3 && ends_m <= d->chain_m && ends_m <= path_m / 2.0) {
        row[2 * n] = row[0];
        row[2 * n + 1] = row[1];
        n++;
    }
    *line_out = cpted__line_from_xy(d->ctx, row, n);
    if (!*line_out)
        rc = cpted__geos_fail(d->ctx, MODULE, "row line");
done:
    if (has_index)
        chain_index_free(&ci);
    cpted__free(chain);
    cpted__free(order);
    cpted__free(row);
    return rc;
}

/* The forest's edges as adjacency lists (CSR) in d. */
static int adjacency(derive *d, const edge *tree_edges, size_t te)
{
    size_t n = d->n;
    for (size_t i = 0; i < te; i++) {
        d->adj_start[tree_edges[i].a + 1]++;
        d->adj_start[tree_edges[i].b + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        d->adj_start[i + 1] += d->adj_start[i];
    d->adj = cpted__malloc((2 * te + 1) * sizeof *d->adj);
    d->adj_d = cpted__malloc((2 * te + 1) * sizeof *d->adj_d);
    if (!d->adj || !d->adj_d)
        return cpted__nomem(d->ctx, MODULE);
    for (size_t i = 0; i < n; i++)
        d->stack[i] = d->adj_start[i]; /* fill cursors */
    for (size_t i = 0; i < te; i++) {
        size_t a = tree_edges[i].a, b = tree_edges[i].b;
        d->adj[d->stack[a]] = b;
        d->adj_d[d->stack[a]++] = tree_edges[i].d;
        d->adj[d->stack[b]] = a;
        d->adj_d[d->stack[b]++] = tree_edges[i].d;
    }
    return CPTED_OK;
}

static bool add_edge(edge **edges, size_t *count, size_t *cap, double dist, size_t a, size_t b)
{
    if (!cpted__grow((void **)edges, cap, *count + 1, sizeof **edges))
        return false;
    (*edges)[(*count)++] = (edge){dist, a < b ? a : b, a < b ? b : a};
    return true;
}

/* The candidate edges of the spanning forest. A minimum spanning tree's edge
 * uv has no other point in the closed disc on uv as diameter (such a point w
 * would make uw and wv both shorter than uv, and Kruskal joins u and v through
 * them first), so it is an edge of every Delaunay triangulation of the
 * distinct points. The candidates are therefore: each point that coincides
 * with an earlier one, tied to the first point there at distance 0, and the
 * Delaunay edges at most chain_m long. Kruskal over them, in the same order,
 * picks exactly the forest it picks over all pairs within chain_m, at O(n log n)
 * and O(n) memory instead of k^2 for k clustered points. */
static int candidate_edges(derive *d, edge **edges_out, size_t *count_out)
{
    GEOSContextHandle_t h = d->ctx->geos;
    const double *xy = d->xy;
    size_t n = d->n, count = 0, cap = 0, distinct = 0;
    edge *edges = NULL;
    GEOSGeometry **pts = NULL, *cloud = NULL, *tri = NULL;
    int rc = CPTED_OK;
    point_map map = {NULL, 0};
    size_t slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    map.slot = cpted__calloc(slots, sizeof *map.slot);
    map.mask = slots - 1;
    pts = cpted__malloc(n * sizeof *pts);
    if (!map.slot || !pts) {
        rc = cpted__nomem(d->ctx, MODULE);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t *slot = point_slot(&map, xy, &xy[2 * i]);
        if (*slot) {
            if (!add_edge(&edges, &count, &cap, 0.0, *slot - 1, i)) {
                rc = cpted__nomem(d->ctx, MODULE);
                goto done;
            }
            continue;
        }
        *slot = i + 1;
        pts[distinct] = GEOSGeom_createPointFromXY_r(h, xy[2 * i], xy[2 * i + 1]);
        if (!pts[distinct]) {
            rc = cpted__geos_fail(d->ctx, MODULE, "row point");
            goto done;
        }
        distinct++;
    }
    if (distinct >= 2) {
        cloud = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts, (unsigned)distinct);
        if (!cloud) {
            rc = cpted__geos_fail(d->ctx, MODULE, "point set");
            goto done;
        }
        distinct = 0; /* the collection owns them now */
        tri = GEOSDelaunayTriangulation_r(h, cloud, 0.0, 1);
        if (!tri) {
            rc = cpted__geos_fail(d->ctx, MODULE, "Delaunay triangulation");
            goto done;
        }
        int parts = GEOSGetNumGeometries_r(h, tri);
        for (int k = 0; k < parts; k++) {
            const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, GEOSGetGeometryN_r(h, tri, k));
            unsigned int m = 0;
            double p[4];
            if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &m) || m != 2 ||
                !GEOSCoordSeq_getXY_r(h, cs, 0, &p[0], &p[1]) ||
                !GEOSCoordSeq_getXY_r(h, cs, 1, &p[2], &p[3])) {
                rc = cpted__geos_fail(d->ctx, MODULE, "Delaunay edge");
                goto done;
            }
            size_t a = *point_slot(&map, xy, &p[0]), b = *point_slot(&map, xy, &p[2]);
            if (!a || !b || a == b) {
                rc = cpted__error(d->ctx, CPTED_E_GEOMETRY,
                                  "rows: the Delaunay triangulation moved a barrier point");
                goto done;
            }
            a--;
            b--;
            size_t lo = a < b ? a : b, hi = a < b ? b : a;
            /* (the distance exactly as between the pair's points, lower node first) */
            double dist = hypot(xy[2 * hi] - xy[2 * lo], xy[2 * hi + 1] - xy[2 * lo + 1]);
            if (dist <= d->chain_m && !add_edge(&edges, &count, &cap, dist, lo, hi)) {
                rc = cpted__nomem(d->ctx, MODULE);
                goto done;
            }
        }
    }
done:
    for (size_t i = 0; i < distinct; i++)
        GEOSGeom_destroy_r(h, pts[i]);
    if (cloud)
        GEOSGeom_destroy_r(h, cloud);
    if (tri)
        GEOSGeom_destroy_r(h, tri);
    cpted__free(pts);
    cpted__free(map.slot);
    if (rc != CPTED_OK) {
        cpted__free(edges);
        return rc;
    }
    *edges_out = edges;
    *count_out = count;
    return CPTED_OK;
}

/* Kruskal's minimum spanning forest over the candidate edges, deterministic
 * on ties (distance, then the pair's nodes): parent[] gets the union-find
 * forest (root = smallest node of each tree) and d its adjacency. */
static int spanning_forest(derive *d, size_t *parent)
{
    size_t n = d->n, count = 0;
    edge *edges = NULL, *tree_edges = NULL;
    int rc = candidate_edges(d, &edges, &count);
    if (rc != CPTED_OK)
        return rc;
    if (count)
        qsort(edges, count, sizeof *edges, edge_cmp);
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    tree_edges = cpted__malloc((n ? n : 1) * sizeof *tree_edges);
    if (!tree_edges) {
        rc = cpted__nomem(d->ctx, MODULE);
        goto done;
    }
    size_t te = 0;
    for (size_t i = 0; i < count; i++) {
        size_t ra = uf_find(parent, edges[i].a), rb = uf_find(parent, edges[i].b);
        if (ra == rb)
            continue;
        parent[ra < rb ? rb : ra] = ra < rb ? ra : rb; /* root = smallest node */
        tree_edges[te++] = edges[i];
    }
    rc = adjacency(d, tree_edges, te);
done:
    cpted__free(edges);
    cpted__free(tree_edges);
    return rc;
}

/* Appends a row (NULL: its points coincide) to the output list; takes `line`. */
static int push_row(derive *d, GEOSGeometry *line, GEOSGeometry ***rows, size_t *count,
                    size_t *cap)
{
    if (!cpted__grow((void **)rows, cap, *count + 1, sizeof **rows)) {
        if (line)
            GEOSGeom_destroy_r(d->ctx->geos, line);
        return cpted__nomem(d->ctx, MODULE);
    }
    (*rows)[(*count)++] = line;
    return CPTED_OK;
}

static bool is_barrier_point(GEOSContextHandle_t h, const cpted__feature *f)
{
    return f->role == CPTED_ROLE_BARRIER && GEOSGeomTypeId_r(h, f->geom) == GEOS_POINT;
}

int cpted__rows_derive(cpted_context *ctx, const cpted_site *site, double chain_m,
                       GEOSGeometry ***rows_out, size_t *count_out)
{
    GEOSContextHandle_t h = ctx->geos;
    *rows_out = NULL;
    *count_out = 0;
    cpted__geos_clear(ctx);
    size_t n = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        n += is_barrier_point(h, &site->features[i]);
    if (n < 2)
        return CPTED_OK;
    derive d = {.ctx = ctx, .chain_m = chain_m, .n = n};
    int rc = CPTED_OK;
    GEOSGeometry **rows = NULL;
    size_t count = 0, cap = 0;
    size_t *parent = cpted__malloc(n * sizeof *parent);
    size_t *members = cpted__malloc(n * sizeof *members);
    size_t *comp_of = cpted__malloc(n * sizeof *comp_of);
    size_t *comp_start = cpted__calloc(n + 1, sizeof *comp_start);
    d.xy = cpted__malloc(2 * n * sizeof *d.xy);
    d.tparent = cpted__malloc(n * sizeof *d.tparent);
    d.dist = cpted__malloc(n * sizeof *d.dist);
    d.stack = cpted__malloc(n * sizeof *d.stack);
    d.adj_start = cpted__calloc(n + 1, sizeof *d.adj_start);
    if (!parent || !members || !comp_of || !comp_start || !d.xy || !d.tparent || !d.dist ||
        !d.stack || !d.adj_start) {
        rc = cpted__nomem(ctx, MODULE);
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < site->feature_count; i++) {
        const cpted__feature *f = &site->features[i];
        if (!is_barrier_point(h, f))
            continue;
        GEOSGeomGetX_r(h, f->geom, &d.xy[2 * k]);
        GEOSGeomGetY_r(h, f->geom, &d.xy[2 * k + 1]);
        k++;
    }
    rc = spanning_forest(&d, parent);
    if (rc != CPTED_OK)
        goto done;
    /* Components in order of their first (smallest) node: row 1, row 2, ...;
     * members[comp_start[root] ..] lists each one's nodes in ascending order. */
    for (size_t i = 0; i < n; i++) {
        comp_of[i] = uf_find(parent, i);
        comp_start[comp_of[i] + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        comp_start[i + 1] += comp_start[i];
    for (size_t i = 0; i < n; i++)
        d.stack[i] = comp_start[i]; /* fill cursors (the stack is free until make_row) */
    for (size_t i = 0; i < n; i++)
        members[d.stack[comp_of[i]]++] = i;
    for (size_t root = 0; root < n && rc == CPTED_OK; root++) {
        size_t m = comp_start[root + 1] - comp_start[root];
        if (comp_of[root] != root || m < 2)
            continue;
        GEOSGeometry *line = NULL;
        rc = make_row(&d, members + comp_start[root], m, &line);
        if (rc == CPTED_OK)
            rc = push_row(&d, line, &rows, &count, &cap);
    }
done:
    cpted__free(parent);
    cpted__free(members);
    cpted__free(comp_of);
    cpted__free(comp_start);
    cpted__free(d.xy);
    cpted__free(d.tparent);
    cpted__free(d.dist);
    cpted__free(d.stack);
    cpted__free(d.adj_start);
    cpted__free(d.adj);
    cpted__free(d.adj_d);
    if (rc != CPTED_OK) {
        cpted__rows_free(ctx, rows, count);
        return rc;
    }
    *rows_out = rows;
    *count_out = count;
    return CPTED_OK;
}

void cpted__rows_free(cpted_context *ctx, GEOSGeometry **rows, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (rows[i])
            GEOSGeom_destroy_r(ctx->geos, rows[i]);
    cpted__free(rows);
}
