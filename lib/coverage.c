/*
 * coverage.c - the line of protection (architecture.md §6).
 *
 * Perimeter lines (given, or rows derived by chaining barrier points:
 * rows.c) are covered where blocking footprints lie on them or within the
 * snap tolerance; the uncovered stretches are gaps, measured edge to edge
 * between the footprints that bound them. Ratings of the barrier elements on a
 * line are parsed (once, by the free space) and the weakest reported. The
 * lines come from lines.c, shared with the other analyses; breaches (where
 * the reachable space R crosses a line or goes round it) are found by
 * breaches.c. This file holds the gaps and ratings, the public API and the JSON.
 * Method and every decision: docs/method-coverage.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODULE "coverage"
/* Stretches shorter than this are rounding noise, not gaps. */
#define EPS_M 1e-6
/* A gap passes the vehicle when its clear width is at least w less this: the
 * free space keeps a passage of exactly w open by eroding by w/2 - 1 µm
 * (freespace.c), and the two must agree (docs/method-coverage.md §3). */
#define PASS_TOL_M 2e-6
/* The reason of a result with no line to analyse. */
static const char no_lines_reason[] =
    "no line of protection: the site has no perimeter line, barrier line or row of barrier "
    "points, so no gap or breach was looked for";

/* A blocking footprint (cached by the free space). */
typedef cpted__footprint_item footprint;

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
    const footprint *fps; /* the free space's footprints */
    size_t fp_count;
    GEOSSTRtree *tree;     /* over fps[i].geom, items are &fps[i] (the free space's) */
    bool *rating_seen;     /* per feature: malformed rating already warned */
} run;

/* ---- warnings ------------------------------------------------------------ */

int cpted__coverage_warn(cpted_coverage *cov, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cpted__result_add_warning(&cov->head, buf);
}

/* ---- result bookkeeping ------------------------------------------------- */

static void free_line(cpted__coverage_line *l) { cpted__free(l->gaps); }

CPTED_API void CPTED_CALL cpted_coverage_free(cpted_coverage *cov)
{
    if (!cov)
        return;
    cpted_context *ctx = cov->ctx;
    for (size_t i = 0; i < cov->line_count; i++)
        free_line(&cov->lines[i]);
    cpted__free(cov->lines);
    for (size_t i = 0; i < cov->breach_count; i++)
        if (cov->breaches[i].geom)
            GEOSGeom_destroy_r(ctx->geos, cov->breaches[i].geom);
    cpted__free(cov->breaches);
    cpted__result_fini(&cov->head);
    cpted__free(cov);
}

/* A barrier line of the free space as a line of the result (id and geometry borrowed). */
static int add_line(run *r, const cpted__barrier_line *b)
{
    cpted_coverage *cov = r->cov;
    if (!cpted__grow((void **)&cov->lines, &cov->line_cap, cov->line_count + 1, sizeof *cov->lines))
        return cpted__nomem(r->ctx, MODULE);
    cpted__coverage_line *l = &cov->lines[cov->line_count];
    memset(l, 0, sizeof *l);
    l->id = b->id;
    l->geom = b->geom;
    l->rec.struct_size = (uint32_t)sizeof l->rec;
    l->rec.id = l->id;
    l->rec.derived = b->derived;
    l->rec.closed = b->closed;
    l->rec.unverified = b->unverified;
    l->rec.length_m = b->length_m;
    cov->line_count++;
    return CPTED_OK;
}

/* ---- footprints ----------------------------------------------------------- */

/* A barrier line without a thickness attribute: the free space blocks it with
 * the default wall thickness, but gaps are measured to the line as drawn, so
 * that the default never narrows a gap (docs/method-coverage.md §2). */
static bool drawn_line(const run *r, const footprint *p)
{
    const cpted__feature *f = &r->cov->site->features[p->feature];
    int t = GEOSGeomTypeId_r(r->h, f->geom);
    return (t == GEOS_LINESTRING || t == GEOS_LINEARRING || t == GEOS_MULTILINESTRING) &&
           !(f->thickness_m > 0.0);
}

/* The geometry that covers a line and bounds its gaps: the drawn line for a
 * line without thickness, else the footprint. */
static const GEOSGeometry *cover_geom(const run *r, const footprint *p)
{
    return drawn_line(r, p) ? r->cov->site->features[p->feature].geom : p->geom;
}

/* Edge-to-edge distance between two footprints. */
static double clear_between(run *r, const footprint *a, const footprint *b)
{
    const GEOSGeometry *ga = drawn_line(r, a) ? cover_geom(r, a) : a->core;
    const GEOSGeometry *gb = drawn_line(r, b) ? cover_geom(r, b) : b->core;
    double d = 0.0;
    if (!GEOSDistance_r(r->h, ga, gb, &d))
        return NAN;
    d -= (drawn_line(r, a) ? 0.0 : a->core_r) + (drawn_line(r, b) ? 0.0 : b->core_r);
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
        return cpted__geos_fail(r->ctx, MODULE, "extent");
    GEOSGeometry *box = GEOSGeom_createRectangle_r(r->h, x0 - dist, y0 - dist, x1 + dist, y1 + dist);
    if (!box)
        return cpted__geos_fail(r->ctx, MODULE, "query box");
    out->count = 0;
    GEOSSTRtree_query_r(r->h, r->tree, box, collect_hit, out);
    GEOSGeom_destroy_r(r->h, box);
    if (out->failed)
        return cpted__nomem(r->ctx, MODULE);
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
        return cpted__geos_fail(r->ctx, MODULE, "vertices");
    int np = GEOSGetNumGeometries_r(h, pts);
    double *s = cpted__malloc((size_t)(np > 0 ? np : 1) * sizeof *s);
    if (!s) {
        GEOSGeom_destroy_r(h, pts);
        return cpted__nomem(r->ctx, MODULE);
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
        if (!GEOSDistance_r(r->h, cover_geom(r, near->items[i]), pt, &d))
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
    /* Parsed once by the free space; a malformed rating makes a warning of
     * the result, not a failure: the parser's message is the reason. */
    const cpted__parsed_rating *rt = NULL;
    int rc = cpted__freespace_rating(r->cov->fs, feature, &rt);
    if (rc != CPTED_OK) {
        st->unrated++;
        return rc;
    }
    if (!rt->usable) {
        st->unrated++;
        if (!r->rating_seen[feature]) {
            r->rating_seen[feature] = true;
            return cpted__coverage_warn(r->cov, "%s: rating '%s' not used: %s", f->id, f->rating,
                                        rt->why);
        }
        return CPTED_OK;
    }
    double v = rt->speed_kmh / 3.6;
    double j = 0.5 * rt->mass_kg * v * v;
    if (!st->best || j < st->best_j || (j == st->best_j && rt->speed_kmh < st->best_kmh)) {
        st->best = f->rating;
        st->best_j = j;
        st->best_kmh = rt->speed_kmh;
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
    g->vehicle_passable = g->clear_width_m >= r->cov->vehicle.width_m - PASS_TOL_M;
    return cpted__line_point_at(r->ctx, l->geom, l->rec.length_m, (g->start_m + g->end_m) / 2.0,
                                &g->x, &g->y);
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
            return cpted__geos_fail(r->ctx, MODULE, "distance");
        if (g.clear_width_m <= EPS_M)
            return CPTED_OK; /* the footprints touch: no way through */
    } else {
        /* To a line end, or round one footprint: the length along the line. */
        g.clear_width_m = s1 - s0;
    }
    int rc = finish_gap(r, l, &g);
    if (rc == CPTED_OK && push_gap(l, cap, &g) != CPTED_OK)
        rc = cpted__nomem(r->ctx, MODULE);
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
    zone = o->snap_m > 0
               ? GEOSBuffer_r(h, l->geom, o->snap_m, (int)r->cov->fs->opts.quadrant_segments)
               : GEOSGeom_clone_r(h, l->geom);
    if (!zone) {
        rc = cpted__geos_fail(r->ctx, MODULE, "snap zone");
        goto done;
    }
    for (size_t i = 0; i < near.count; i++) {
        const footprint *p = near.items[i];
        const GEOSGeometry *pg = cover_geom(r, p);
        double d = 0.0;
        if (!GEOSDistance_r(h, pg, l->geom, &d)) {
            rc = cpted__geos_fail(r->ctx, MODULE, "distance");
            goto done;
        }
        if (d > o->snap_m + EPS_M)
            continue;
        /* Only the part within snap is projected: a building along the line
         * covers the stretch it borders, not its whole shadow. */
        GEOSGeometry *part = GEOSIntersection_r(h, pg, zone);
        if (!part) {
            rc = cpted__geos_fail(r->ctx, MODULE, "intersection");
            goto done;
        }
        if (GEOSisEmpty_r(h, part) == 1) {
            /* Within snap, yet outside the zone's polygon (its arcs are
             * inscribed in the true circles) or on its rim: the footprint
             * covers the one point of the line nearest to it, never its whole
             * shadow (docs/method-coverage.md §2). */
            GEOSGeom_destroy_r(h, part);
            part = NULL;
            GEOSCoordSequence *cs = GEOSNearestPoints_r(h, pg, l->geom);
            double nx = 0.0, ny = 0.0;
            if (cs && GEOSCoordSeq_getXY_r(h, cs, 1, &nx, &ny))
                part = GEOSGeom_createPointFromXY_r(h, nx, ny);
            if (cs)
                GEOSCoordSeq_destroy_r(h, cs);
            if (!part) {
                rc = cpted__geos_fail(r->ctx, MODULE, "nearest point");
                goto done;
            }
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
                rc = cpted__nomem(r->ctx, MODULE);
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
            rc = cpted__geos_fail(r->ctx, MODULE, "line ends");
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
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_COVERAGE_OPTIONS_V1_SIZE)
        return CPTED_E_VERSION;
    /* a newer caller's unknown tail is zeroed */
    memset(opts, 0, struct_size);
    defaults(opts);
    opts->struct_size = (uint32_t)struct_size;
    return CPTED_OK;
}

static int resolve_options(cpted_context *ctx, const cpted_coverage_options *user,
                           cpted_coverage_options *out)
{
    memset(out, 0, sizeof *out);
    out->struct_size = (uint32_t)sizeof *out;
    defaults(out);
    if (!user)
        return CPTED_OK;
    int rc = cpted__options_copy(ctx, out, user, sizeof *out, CPTED_COVERAGE_OPTIONS_V1_SIZE,
                                 "coverage options");
    if (rc != CPTED_OK)
        return rc;
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
    /* plausible ranges (docs/ranges.md), the same table the command line uses */
    if ((rc = cpted__check_range(ctx, "max_gap_m", out->max_gap_m)) != CPTED_OK ||
        (rc = cpted__check_range(ctx, "snap_m", out->snap_m)) != CPTED_OK ||
        (rc = cpted__check_range(ctx, "chain_m", out->chain_m)) != CPTED_OK)
        return rc;
    return CPTED_OK;
}

/* The free space's lines (and the warnings met building them) into the result. */
static int collect_lines(run *r)
{
    const cpted__lines *lines = NULL;
    int rc = cpted__freespace_lines(r->cov->fs, r->cov->opts.chain_m, &lines);
    for (size_t i = 0; rc == CPTED_OK && i < lines->warning_count; i++)
        rc = cpted__result_add_warning(&r->cov->head, lines->warnings[i]);
    for (size_t i = 0; rc == CPTED_OK && i < lines->count; i++)
        rc = add_line(r, &lines->items[i]);
    return rc;
}

CPTED_API int CPTED_CALL cpted_coverage_run(cpted_coverage **out, cpted_freespace *fs,
                                            const cpted_coverage_options *opts)
{
    if (out)
        *out = NULL;
    cpted_context *ctx;
    int rc = cpted__analysis_start_fs(&ctx, fs, out, "cpted_coverage_run");
    if (rc != CPTED_OK)
        return rc;
    cpted_coverage *cov = cpted__calloc(1, sizeof *cov);
    if (!cov)
        return cpted__nomem(ctx, MODULE);
    cpted__result_init(&cov->head, ctx, fs->site, fs);
    cov->site = fs->site;
    cov->ctx = ctx;
    cov->fs = fs;
    cov->vehicle = fs->vehicle;
    run r = {cov, ctx, ctx->geos, NULL, 0, NULL, NULL};
    rc = resolve_options(ctx, opts, &cov->opts);
    if (rc == CPTED_OK) {
        r.rating_seen = cpted__calloc(cov->site->feature_count + 1, sizeof *r.rating_seen);
        rc = r.rating_seen ? CPTED_OK : cpted__nomem(ctx, MODULE);
    }
    if (rc == CPTED_OK)
        rc = collect_lines(&r);
    if (rc == CPTED_OK)
        rc = cpted__freespace_footprints(fs, &r.fps, &r.fp_count, &r.tree);
    for (size_t i = 0; i < cov->line_count && rc == CPTED_OK; i++) {
        if (cpted__interrupted(ctx))
            rc = cpted__error(ctx, CPTED_E_INTERRUPTED, "coverage: interrupted");
        else
            rc = analyse_line(&r, &cov->lines[i]);
        cpted__progress(ctx, 0.5 * (double)(i + 1) / (double)cov->line_count, "coverage");
    }
    if (rc == CPTED_OK)
        rc = cpted__coverage_breaches(cov);
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

CPTED_API const char *CPTED_CALL cpted_coverage_not_assessed(const cpted_coverage *result)
{
    if (!result)
        return NULL;
    if (result->line_count == 0)
        return no_lines_reason;
    return cpted_freespace_not_assessed(result->fs);
}

CPTED_API size_t CPTED_CALL cpted_coverage_finding_count(const cpted_coverage *result)
{
    if (!result)
        return 0;
    /* nothing analysed is a finding, never a clean result */
    size_t n = result->breach_count + (cpted_coverage_not_assessed(result) ? 1 : 0);
    for (size_t i = 0; i < result->line_count; i++)
        n += result->lines[i].rec.noncompliant_count;
    return n;
}

CPTED_API const char *CPTED_CALL cpted_breach_kind_name(int32_t kind)
{
    switch (kind) {
    case CPTED_BREACH_CROSSING: return "crossing";
    case CPTED_BREACH_BYPASS: return "bypass";
    default: return "unknown";
    }
}

CPTED_API int CPTED_CALL cpted_coverage_get_line(cpted_coverage_line *out,
                                                 const cpted_coverage *result, size_t i)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    if (i >= result->line_count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND, "coverage: no line %zu (%zu lines)", i,
                            result->line_count);
    return cpted__copy_record(result->ctx, out, &result->lines[i].rec, sizeof *out,
                              CPTED_COVERAGE_LINE_V1_SIZE, "coverage line");
}

CPTED_API int CPTED_CALL cpted_coverage_get_gap(cpted_coverage_gap *out,
                                                const cpted_coverage *result, size_t line,
                                                size_t gap)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    if (line >= result->line_count || gap >= result->lines[line].rec.gap_count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND, "coverage: no gap %zu of line %zu",
                            gap, line);
    return cpted__copy_record(result->ctx, out, &result->lines[line].gaps[gap], sizeof *out,
                              CPTED_COVERAGE_GAP_V1_SIZE, "coverage gap");
}

CPTED_API int CPTED_CALL cpted_coverage_get_breach(cpted_coverage_breach *out,
                                                   const cpted_coverage *result, size_t i)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    if (i >= result->breach_count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND, "coverage: no breach %zu (%zu)", i,
                            result->breach_count);
    return cpted__copy_record(result->ctx, out, &result->breaches[i].rec, sizeof *out,
                              CPTED_COVERAGE_BREACH_V1_SIZE, "coverage breach");
}

/* ---- JSON ------------------------------------------------------------------- */

static int json_xy(cpted__json *j, const cpted_site *site, double x, double y)
{
    double ox, oy;
    int rc = cpted_site_to_output(&ox, &oy, site, x, y);
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

int cpted__coverage_json_body(cpted__json *j, const cpted_coverage *cov)
{
    cpted__json_crs(j, cov->site);
    cpted__json_key(j, "vehicle");
    cpted__json_vehicle(j, &cov->vehicle);
    cpted__json_key(j, "max_gap_m");
    cpted__json_number(j, cov->opts.max_gap_m);
    cpted__json_key(j, "tolerance_m");
    cpted__json_number(j, cov->opts.tolerance_m);
    cpted__json_key(j, "snap_m");
    cpted__json_number(j, cov->opts.snap_m);
    cpted__json_key(j, "chain_m");
    cpted__json_number(j, cov->opts.chain_m);
    const char *why = cpted_coverage_not_assessed(cov);
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, why == NULL);
    cpted__json_key(j, "not_assessed");
    cpted__json_string(j, why);
    cpted__json_key(j, "lines");
    cpted__json_begin_array(j);
    int rc = CPTED_OK;
    for (size_t i = 0; i < cov->line_count && rc == CPTED_OK; i++)
        rc = json_line(j, cov, &cov->lines[i]);
    cpted__json_end_array(j);
    cpted__json_key(j, "breaches");
    cpted__json_begin_array(j);
    for (size_t i = 0; i < cov->breach_count && rc == CPTED_OK; i++) {
        const cpted__coverage_breach *b = &cov->breaches[i];
        cpted__json_begin_object(j);
        cpted__json_key(j, "kind");
        cpted__json_string(j, cpted_breach_kind_name(b->rec.kind));
        cpted__json_key(j, "line");
        cpted__json_string(j, b->rec.line_id);
        rc = json_xy(j, cov->site, b->rec.x, b->rec.y);
        cpted__json_key(j, "width_m");
        cpted__json_number(j, b->rec.width_m);
        cpted__json_end_object(j);
    }
    cpted__json_end_array(j);
    cpted__result_json_warnings(j, &cov->head);
    return rc;
}

CPTED_API int CPTED_CALL cpted_coverage_to_json(char **out, const cpted_coverage *result)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    *out = NULL;
    cpted__json j;
    cpted__json_init(&j);
    cpted__json_begin_object(&j);
    cpted__json_key(&j, "schema");
    cpted__json_string(&j, "cpted/coverage/1");
    int rc = cpted__coverage_json_body(&j, result);
    cpted__json_end_object(&j);
    if (rc != CPTED_OK) {
        cpted__free(j.buf);
        return rc;
    }
    return cpted__json_finish(&j, result->ctx, out);
}
