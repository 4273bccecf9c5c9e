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

/* Orders the members of one component into a polyline: *line_out gets it, or
 * NULL when the members all coincide. */
static int make_row(derive *d, const size_t *members, size_t m, GEOSGeometry **line_out)
{
    GEOSContextHandle_t h = d->ctx->geos;
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
    GEOSGeometry *chain_line = NULL;
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
    if (chain_n >= 2)
        chain_line = cpted__line_from_xy(d->ctx, chain, chain_n);
    for (size_t i = 0; i < m; i++) {
        order[i].node = members[i];
        order[i].s = 0.0;
        if (chain_line) {
            GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, xy[2 * members[i]],
                                                           xy[2 * members[i] + 1]);
            if (!p) {
                rc = cpted__geos_fail(d->ctx, MODULE, "row point");
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
    if (chain_line)
        GEOSGeom_destroy_r(h, chain_line);
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

/* Neighbour graph (pairs within chain_m, from an STRtree of the points), then
 * Kruskal's minimum spanning forest, deterministic on ties: parent[] gets the
 * union-find forest (root = smallest node of each tree) and d its adjacency. */
static int spanning_forest(derive *d, GEOSSTRtree *tree, size_t *parent)
{
    GEOSContextHandle_t h = d->ctx->geos;
    const double *xy = d->xy;
    double chain_m = d->chain_m;
    size_t n = d->n;
    near_query q = {xy, 0, chain_m, NULL, 0, 0, false};
    edge *tree_edges = NULL;
    int rc = CPTED_OK;
    for (size_t i = 0; i < n && !q.failed; i++) {
        GEOSGeometry *box = GEOSGeom_createRectangle_r(h, xy[2 * i] - chain_m, xy[2 * i + 1] - chain_m,
                                                       xy[2 * i] + chain_m, xy[2 * i + 1] + chain_m);
        if (!box) {
            rc = cpted__geos_fail(d->ctx, MODULE, "query box");
            goto done;
        }
        q.self = i;
        GEOSSTRtree_query_r(h, tree, box, collect_near, &q);
        GEOSGeom_destroy_r(h, box);
    }
    if (q.failed) {
        rc = cpted__nomem(d->ctx, MODULE);
        goto done;
    }
    if (q.count)
        qsort(q.edges, q.count, sizeof *q.edges, edge_cmp);
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    tree_edges = cpted__malloc((n ? n : 1) * sizeof *tree_edges);
    if (!tree_edges) {
        rc = cpted__nomem(d->ctx, MODULE);
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
    rc = adjacency(d, tree_edges, te);
done:
    cpted__free(q.edges);
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
    size_t n = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        n += is_barrier_point(h, &site->features[i]);
    if (n < 2)
        return CPTED_OK;
    derive d = {.ctx = ctx, .chain_m = chain_m, .n = n};
    int rc = CPTED_OK;
    GEOSGeometry **rows = NULL;
    size_t count = 0, cap = 0;
    size_t *ids = cpted__malloc(n * sizeof *ids); /* node -> node (tree items) */
    size_t *parent = cpted__malloc(n * sizeof *parent);
    size_t *members = cpted__malloc(n * sizeof *members);
    size_t *comp_of = cpted__malloc(n * sizeof *comp_of);
    d.xy = cpted__malloc(2 * n * sizeof *d.xy);
    d.tparent = cpted__malloc(n * sizeof *d.tparent);
    d.dist = cpted__malloc(n * sizeof *d.dist);
    d.stack = cpted__malloc(n * sizeof *d.stack);
    d.adj_start = cpted__calloc(n + 1, sizeof *d.adj_start);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    if (!ids || !parent || !members || !comp_of || !d.xy || !d.tparent || !d.dist || !d.stack ||
        !d.adj_start || !tree) {
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
        ids[k] = k;
        GEOSSTRtree_insert_r(h, tree, f->geom, &ids[k]);
        k++;
    }
    rc = spanning_forest(&d, tree, parent);
    if (rc != CPTED_OK)
        goto done;
    /* Components in order of their first (smallest) node: row 1, row 2, ... */
    for (size_t i = 0; i < n; i++)
        comp_of[i] = uf_find(parent, i);
    for (size_t root = 0; root < n && rc == CPTED_OK; root++) {
        if (comp_of[root] != root)
            continue;
        size_t m = 0;
        for (size_t i = root; i < n; i++)
            if (comp_of[i] == root)
                members[m++] = i;
        if (m < 2)
            continue;
        GEOSGeometry *line = NULL;
        rc = make_row(&d, members, m, &line);
        if (rc == CPTED_OK)
            rc = push_row(&d, line, &rows, &count, &cap);
    }
done:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    cpted__free(ids);
    cpted__free(parent);
    cpted__free(members);
    cpted__free(comp_of);
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
