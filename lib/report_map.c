/*
 * report_map.c - the map of an analysis (for the HTML report, report.c): the
 * ground, the accessible area, buildings, assets, obstacles, barriers and lines
 * of protection of the site, the too-wide gaps and breaches, the standoff lines
 * with their distances and the encroachment, the corridors of the fastest
 * approaches coloured by speed, and every target reached, as layers of an SVG
 * map (svgmap.c) in the output CRS. What is drawn: docs/report.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "internal.h"

/* What the map is drawn from. */
typedef struct map_src {
    cpted_context *ctx;
    cpted_freespace *fs;
    const cpted_site *site;
    const cpted_coverage *cov;
    const cpted_standoff *so;
    const cpted_vda *vda;
} map_src;

/* ---- the map -------------------------------------------------------------- */

typedef struct map_layers {
    size_t ground, access, building, asset, obstacle_area, obstacle_line, barrier_area,
        barrier_line, perimeter, encroach, corridor, path, target, gap, breach, standoff, label;
} map_layers;

static int make_layers(cpted__svg_map *m, map_layers *L)
{
    struct {
        size_t *slot;
        cpted__svg_style st;
    } defs[] = {
        {&L->ground, {"#eef1e8", "none", 0, 1, NULL, 0, "drivable ground", 0}},
        {&L->access, {"#f3dfc8", "none", 0, 1, NULL, 0, "vehicle-accessible ground (A)", 0}},
        {&L->building, {"#c8c8c8", "#8a8a8a", 0.5, 1, NULL, 0, "building", 0}},
        {&L->asset, {"#4a78b5", "#1f3f6e", 1, 1, NULL, 0, "asset (protected)", 0}},
        {&L->obstacle_area, {"#8c8c8c", "#555555", 0.5, 1, NULL, 0, "obstacle", 0}},
        {&L->obstacle_line, {"none", "#555555", 1.5, 1, NULL, 1.5, NULL, 0}},
        {&L->barrier_area, {"#111111", "#111111", 0.5, 1, NULL, 0, NULL, 0}},
        {&L->barrier_line, {"none", "#111111", 2, 1, NULL, 2.5, "barrier element", 0}},
        {&L->perimeter, {"none", "#1b7837", 2, 1, "7 4", 0, "line of protection", 0}},
        {&L->encroach, {"#d7301f", "#d7301f", 0.5, 0.35, NULL, 0,
                        "ground closer to an asset than required", 0}},
        {&L->corridor, {"#fd8d3c", "none", 0, 1, NULL, 0, NULL, 0}},
        {&L->path, {"none", "#222222", 0.6, 1, "3 2", 0, "fastest approach path", 0}},
        {&L->target, {"#fd8d3c", "#333333", 0, 1, NULL, 2.2, NULL, 0}},
        {&L->gap, {"none", "#d01c8b", 4, 1, NULL, 3, "gap wider than allowed", 0}},
        {&L->breach, {"#6a00a8", "#6a00a8", 5, 1, NULL, 6, "breach", 0}},
        {&L->standoff, {"none", "#000000", 1.5, 1, NULL, 0, "standoff (asset to A)", 0}},
        {&L->label, {"none", "none", 0, 1, NULL, 0, NULL, 11}},
    };
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        int rc = cpted__svg_map_layer(m, &defs[i].st, defs[i].slot);
        if (rc != CPTED_OK)
            return rc;
    }
    return CPTED_OK;
}

static GEOSGeometry *from_wkb(cpted_context *ctx, unsigned char *wkb, size_t size)
{
    GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
    GEOSGeometry *g = rd ? GEOSWKBReader_read_r(ctx->geos, rd, wkb, size) : NULL;
    if (rd)
        GEOSWKBReader_destroy_r(ctx->geos, rd);
    cpted_free(wkb);
    return g;
}

static int map_site(map_src *r, cpted__svg_map *m, const map_layers *L)
{
    cpted_context *ctx = r->ctx;
    const cpted_site *site = r->site;
    const GEOSGeometry *ground = cpted__freespace_set(r->fs, CPTED_SPACE_GROUND);
    const GEOSGeometry *access = cpted__freespace_set(r->fs, CPTED_SPACE_ACCESSIBLE);
    int rc = CPTED_OK;
    if (ground)
        rc = cpted__svg_map_add(m, L->ground, ground, NULL, NULL);
    if (rc == CPTED_OK && access)
        rc = cpted__svg_map_add(m, L->access, access, NULL, NULL);
    size_t assets = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        assets += site->features[i].role == CPTED_ROLE_ASSET;
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        const cpted__feature *f = &site->features[i];
        int dim = GEOSGeom_getDimensions_r(ctx->geos, f->geom);
        size_t layer;
        switch (f->role) {
        case CPTED_ROLE_BUILDING: layer = L->building; break;
        case CPTED_ROLE_ASSET: layer = L->asset; break;
        case CPTED_ROLE_OBSTACLE: layer = dim == 2 ? L->obstacle_area : L->obstacle_line; break;
        case CPTED_ROLE_BARRIER: layer = dim == 2 ? L->barrier_area : L->barrier_line; break;
        case CPTED_ROLE_PERIMETER: layer = L->perimeter; break;
        default: continue;
        }
        if (f->role == CPTED_ROLE_PERIMETER && dim == 2) {
            GEOSGeometry *b = GEOSBoundary_r(ctx->geos, f->geom);
            if (!b)
                return cpted__geos_fail(ctx, "report", "perimeter ring");
            rc = cpted__svg_map_add(m, layer, b, f->id, NULL);
            GEOSGeom_destroy_r(ctx->geos, b);
            continue;
        }
        const char *title = f->role == CPTED_ROLE_ASSET || f->role == CPTED_ROLE_BARRIER
                                ? f->id : NULL;
        cpted__text tip = {0};
        if (title) {
            cpted__text_add(&tip, f->id);
            if (f->name) {
                cpted__text_add(&tip, " ");
                cpted__text_add(&tip, f->name);
            }
            if (f->rating) {
                cpted__text_add(&tip, ", rated ");
                cpted__text_add(&tip, f->rating);
            }
            if (tip.failed) {
                cpted__text_free(&tip);
                return cpted__nomem(ctx, "report");
            }
        }
        rc = cpted__svg_map_add(m, layer, f->geom, tip.buf, NULL);
        cpted__text_free(&tip);
        if (rc == CPTED_OK && f->role == CPTED_ROLE_ASSET && assets <= 50) {
            GEOSGeometry *c = GEOSPointOnSurface_r(ctx->geos, f->geom);
            double x, y;
            if (c && GEOSGeomGetX_r(ctx->geos, c, &x) && GEOSGeomGetY_r(ctx->geos, c, &y))
                rc = cpted__svg_map_label(m, L->label, x, y, f->name ? f->name : f->id);
            if (c)
                GEOSGeom_destroy_r(ctx->geos, c);
        }
    }
    return rc;
}

static int map_coverage(map_src *r, cpted__svg_map *m, const map_layers *L)
{
    const cpted_coverage *cov = r->cov;
    cpted_context *ctx = r->ctx;
    int rc = CPTED_OK;
    for (size_t li = 0; cov && li < cov->line_count && rc == CPTED_OK; li++) {
        const cpted__coverage_line *line = &cov->lines[li];
        if (line->rec.derived) /* rows of bollards: draw the line they form */
            rc = cpted__svg_map_add(m, L->perimeter, line->geom, line->id, NULL);
        for (size_t g = 0; g < line->rec.gap_count && rc == CPTED_OK; g++) {
            const cpted_coverage_gap *gap = &line->gaps[g];
            if (gap->compliant)
                continue;
            GEOSGeometry *piece = cpted__line_substring(ctx, line->geom, gap->start_m, gap->end_m);
            if (!piece)
                return cpted_context_last_error(ctx)[0] ? CPTED_E_GEOMETRY : CPTED_E_NOMEM;
            cpted__text tip = {0};
            cpted__text_addf(&tip, "gap on %s: ", line->id);
            cpted__text_fixed(&tip, gap->clear_width_m, 2);
            cpted__text_add(&tip, " m clear");
            rc = tip.failed ? cpted__nomem(ctx, "report")
                            : cpted__svg_map_add(m, L->gap, piece, tip.buf, NULL);
            cpted__text_free(&tip);
            GEOSGeom_destroy_r(ctx->geos, piece);
        }
    }
    for (size_t b = 0; cov && b < cov->breach_count && rc == CPTED_OK; b++) {
        const cpted__coverage_breach *br = &cov->breaches[b];
        cpted__text tip = {0};
        cpted__text_addf(&tip, "breach (%s) of %s", cpted_breach_kind_name(br->rec.kind),
                         br->rec.line_id);
        rc = tip.failed ? cpted__nomem(ctx, "report")
                        : cpted__svg_map_add(m, L->breach, br->geom, tip.buf, NULL);
        cpted__text_free(&tip);
    }
    return rc;
}

static int map_standoff(map_src *r, cpted__svg_map *m, const map_layers *L)
{
    cpted_context *ctx = r->ctx;
    int rc = CPTED_OK;
    size_t n = r->so ? cpted_standoff_asset_count(r->so) : 0;
    for (size_t i = 0; i < n && rc == CPTED_OK; i++) {
        cpted_standoff_asset a = {.struct_size = sizeof a};
        rc = cpted_standoff_get_asset(&a, r->so, i);
        if (rc != CPTED_OK || !a.reachable || !isfinite(a.standoff_m))
            continue;
        unsigned char *wkb = NULL;
        size_t size = 0;
        if (a.ok == 0 && cpted_standoff_get_encroachment_wkb(&wkb, &size, r->so, i) == CPTED_OK) {
            GEOSGeometry *g = from_wkb(ctx, wkb, size);
            if (!g)
                return cpted__geos_fail(ctx, "report", "encroachment");
            rc = cpted__svg_map_add(m, L->encroach, g, a.id, NULL);
            GEOSGeom_destroy_r(ctx->geos, g);
        }
        double xy[4] = {a.asset_x, a.asset_y, a.vehicle_x, a.vehicle_y};
        GEOSGeometry *seg = cpted__line_from_xy(ctx, xy, 2);
        if (!seg)
            return cpted__nomem(ctx, "report");
        cpted__text lab = {0};
        cpted__text_fixed(&lab, a.standoff_m, 1);
        cpted__text_add(&lab, " m");
        if (isfinite(a.required_m)) {
            cpted__text_add(&lab, " (required ");
            cpted__text_fixed(&lab, a.required_m, 1);
            cpted__text_add(&lab, " m)");
        }
        if (rc == CPTED_OK)
            rc = lab.failed ? cpted__nomem(ctx, "report")
                            : cpted__svg_map_add(m, L->standoff, seg, lab.buf,
                                                 a.ok == 0 ? "#d7301f" : NULL);
        if (rc == CPTED_OK)
            rc = cpted__svg_map_label(m, L->label, (a.asset_x + a.vehicle_x) / 2,
                                      (a.asset_y + a.vehicle_y) / 2, lab.buf);
        cpted__text_free(&lab);
        GEOSGeom_destroy_r(ctx->geos, seg);
    }
    return rc;
}

/* The targets whose corridors are drawn: each element's and each line's
 * worst, slowest first (the fastest on top). */
static int cmp_speed(const void *pa, const void *pb, const cpted_vda *v)
{
    double a = v->targets[*(const size_t *)pa].rec.speed_kmh;
    double b = v->targets[*(const size_t *)pb].rec.speed_kmh;
    if (a != b)
        return a < b ? -1 : 1;
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    return ia < ib ? -1 : ia > ib;
}

static void sort_by_speed(size_t *idx, size_t n, const cpted_vda *v)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: a few hundred at most */
        for (size_t j = i; j > 0 && cmp_speed(&idx[j - 1], &idx[j], v) > 0; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

static int map_vda(map_src *r, cpted__svg_map *m, const map_layers *L)
{
    const cpted_vda *v = r->vda;
    cpted_context *ctx = r->ctx;
    if (!v || v->target_count == 0)
        return CPTED_OK;
    size_t cap = v->element_count + v->line_count, n = 0;
    size_t *idx = cpted__calloc(cap ? cap : 1, sizeof *idx);
    if (!idx)
        return cpted__nomem(ctx, "report");
    for (size_t i = 0; i < cap; i++) {
        const cpted__vda_summary *s = i < v->element_count ? &v->elements[i]
                                                           : &v->lines[i - v->element_count];
        size_t w = s->rec.worst_target;
        if (w >= v->target_count || !v->targets[w].rec.reachable)
            continue;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = idx[j] == w;
        if (!seen)
            idx[n++] = w;
    }
    sort_by_speed(idx, n, v);
    int rc = CPTED_OK;
    for (size_t k = 0; k < n && rc == CPTED_OK; k++) {
        const cpted__vda_target *t = &v->targets[idx[k]];
        GEOSGeometry *c = cpted__vda_corridor(v, idx[k]);
        if (!c) {
            rc = CPTED_E_GEOMETRY;
            break;
        }
        cpted__text tip = {0};
        cpted__text_addf(&tip, "approach to %s: ", t->rec.id);
        cpted__text_fixed(&tip, t->rec.speed_kmh, 1);
        cpted__text_add(&tip, " km/h");
        rc = tip.failed ? cpted__nomem(ctx, "report")
                        : cpted__svg_map_add(m, L->corridor, c, tip.buf,
                                             cpted__svg_speed_colour(t->rec.speed_kmh));
        GEOSGeom_destroy_r(ctx->geos, c);
        if (rc == CPTED_OK && t->path_n >= 2) {
            GEOSGeometry *p = cpted__line_from_xy(ctx, t->path_xy, t->path_n);
            rc = p ? cpted__svg_map_add(m, L->path, p, NULL, NULL) : cpted__nomem(ctx, "report");
            if (p)
                GEOSGeom_destroy_r(ctx->geos, p);
        }
        cpted__text_free(&tip);
    }
    cpted__free(idx);
    /* every reachable target as a dot of its speed class: one multipoint per class */
    for (int cls = 0; cls < 8 && rc == CPTED_OK; cls++) {
        static const double probe[8] = {0, 16, 32, 48, 64, 80, 96, 112};
        const char *colour = cpted__svg_speed_colour(probe[cls]);
        size_t count = 0;
        for (size_t i = 0; i < v->target_count; i++) {
            const cpted_vda_target *t = &v->targets[i].rec;
            if (!t->reachable || strcmp(cpted__svg_speed_colour(t->speed_kmh), colour) != 0)
                continue;
            count++;
        }
        if (count == 0)
            continue;
        GEOSGeometry **pts = cpted__calloc(count, sizeof *pts);
        if (!pts)
            return cpted__nomem(ctx, "report");
        size_t k = 0;
        for (size_t i = 0; i < v->target_count && k < count; i++) {
            const cpted_vda_target *t = &v->targets[i].rec;
            if (t->reachable && strcmp(cpted__svg_speed_colour(t->speed_kmh), colour) == 0)
                pts[k++] = GEOSGeom_createPointFromXY_r(ctx->geos, t->x, t->y);
        }
        GEOSGeometry *mp = cpted__collect(ctx, pts, count);
        cpted__free(pts);
        if (!mp)
            return CPTED_E_NOMEM;
        rc = cpted__svg_map_add(m, L->target, mp, NULL, colour);
        GEOSGeom_destroy_r(ctx->geos, mp);
    }
    return rc;
}

int cpted__analysis_map_svg(char **out, cpted_freespace *fs, const cpted_coverage *cov,
                            const cpted_standoff *so, const cpted_vda *vda, double width_px)
{
    *out = NULL;
    map_src src = {fs->ctx, fs, fs->site, cov, so, vda};
    map_src *r = &src;
    cpted__svg_map *m = NULL;
    int rc = cpted__svg_map_new(&m, r->ctx, r->site);
    if (rc != CPTED_OK)
        return rc;
    map_layers L;
    rc = make_layers(m, &L);
    if (rc == CPTED_OK)
        rc = map_site(r, m, &L);
    if (rc == CPTED_OK)
        rc = map_coverage(r, m, &L);
    if (rc == CPTED_OK)
        rc = map_standoff(r, m, &L);
    if (rc == CPTED_OK)
        rc = map_vda(r, m, &L);
    if (rc == CPTED_OK)
        rc = cpted__svg_map_render(m, width_px, vda != NULL, out);
    cpted__svg_map_free(m);
    return rc;
}
