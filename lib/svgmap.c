/*
 * svgmap.c - a map as SVG: styled layers of geometries drawn in the site's
 * output CRS, with a frame, coordinate ticks, a scale bar, a grid-north arrow
 * and a legend (the speed ramp of the corridors among it). Used by the HTML
 * report (report.c); made to serve a district map of thousands of buildings
 * too: features without their own title or colour share one <path> per layer,
 * vertices are snapped to a 0.1 px grid and written relative (integers, so
 * no rounding drifts), and vertices repeated after snapping are dropped.
 * Also the growing text the report and the map are written with.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- growing text ------------------------------------------------------ */

void cpted__text_addn(cpted__text *t, const char *s, size_t n)
{
    if (t->failed || n == 0)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *b = cpted__realloc(t->buf, cap);
        if (!b) {
            t->failed = true;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

void cpted__text_add(cpted__text *t, const char *s)
{
    if (s)
        cpted__text_addn(t, s, strlen(s));
}

void cpted__text_addf(cpted__text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = cpted__vprintf(fmt, ap);
    va_end(ap);
    if (!s) {
        t->failed = true;
        return;
    }
    cpted__text_add(t, s);
    cpted__free(s);
}

void cpted__text_escape(cpted__text *t, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep) {
            cpted__text_addn(t, run, (size_t)(s - run));
            cpted__text_add(t, rep);
            run = s + 1;
        }
    }
    cpted__text_addn(t, run, (size_t)(s - run));
}

/* A signed integer in decimal (integer formatting: no locale involved). */
static void add_int(cpted__text *t, long long v)
{
    char b[32];
    int n = snprintf(b, sizeof b, "%lld", v);
    if (n > 0)
        cpted__text_addn(t, b, (size_t)n);
}

void cpted__text_fixed(cpted__text *t, double v, int decimals)
{
    if (!isfinite(v) || fabs(v) > 1e15) {
        cpted__text_add(t, "-");
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    long long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    long long n = llround(fabs(v) * (double)scale);
    if (v < 0 && n != 0)
        cpted__text_add(t, "-");
    add_int(t, n / scale);
    if (decimals > 0) {
        char frac[8];
        long long f = n % scale;
        for (int i = decimals - 1; i >= 0; i--) {
            frac[i] = (char)('0' + f % 10);
            f /= 10;
        }
        cpted__text_add(t, ".");
        cpted__text_addn(t, frac, (size_t)decimals);
    }
}

void cpted__text_free(cpted__text *t)
{
    cpted__free(t->buf);
    memset(t, 0, sizeof *t);
}

/* ---- the speed ramp ---------------------------------------------------- */

/* Class bounds: the standard impact test speeds [domain.md §1.2]. */
static const double ramp_bounds_kmh[] = {16, 32, 48, 64, 80, 96, 112};
static const char *const ramp_colours[] = {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c",
                                           "#fc4e2a", "#e31a1c", "#b10026", "#67001f"};
#define RAMP_CLASSES (sizeof ramp_colours / sizeof ramp_colours[0])

const char *cpted__svg_speed_colour(double speed_kmh)
{
    size_t i = 0;
    while (i < RAMP_CLASSES - 1 && !(speed_kmh < ramp_bounds_kmh[i]))
        i++;
    return ramp_colours[i];
}

/* ---- the map ----------------------------------------------------------- */

typedef struct svg_layer {
    cpted__svg_style st;           /* strings owned */
} svg_layer;

typedef struct svg_item {
    size_t layer;
    GEOSGeometry *g;               /* output CRS; NULL for a label */
    char *title;                   /* or NULL */
    char *colour;                  /* or NULL */
    char *label;                   /* label text (g NULL) */
    double lx, ly;                 /* label position, output CRS */
} svg_item;

struct cpted__svg_map {
    cpted_context *ctx;
    const cpted_site *site;
    bool same_crs;
    svg_layer *layers;
    size_t layer_count, layer_cap;
    svg_item *items;
    size_t item_count, item_cap;
    double ext[4];
    bool has_ext;
};

int cpted__svg_map_new(cpted__svg_map **out, cpted_context *ctx, const cpted_site *site)
{
    *out = NULL;
    cpted__svg_map *m = cpted__calloc(1, sizeof *m);
    if (!m)
        return cpted__nomem(ctx, "svgmap");
    m->ctx = ctx;
    m->site = site;
    m->same_crs = strcmp(cpted_site_crs(site), cpted_site_output_crs(site)) == 0;
    *out = m;
    return CPTED_OK;
}

static void style_free(cpted__svg_style *s)
{
    cpted__free((char *)s->fill);
    cpted__free((char *)s->stroke);
    cpted__free((char *)s->dash);
    cpted__free((char *)s->legend);
}

void cpted__svg_map_free(cpted__svg_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->layer_count; i++)
        style_free(&m->layers[i].st);
    for (size_t i = 0; i < m->item_count; i++) {
        if (m->items[i].g)
            GEOSGeom_destroy_r(m->ctx->geos, m->items[i].g);
        cpted__free(m->items[i].title);
        cpted__free(m->items[i].colour);
        cpted__free(m->items[i].label);
    }
    cpted__free(m->layers);
    cpted__free(m->items);
    cpted__free(m);
}

static char *dup_or_null(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *d = cpted__strdup(s);
    if (!d)
        *failed = true;
    return d;
}

int cpted__svg_map_layer(cpted__svg_map *m, const cpted__svg_style *style, size_t *layer_out)
{
    if (!cpted__grow((void **)&m->layers, &m->layer_cap, m->layer_count + 1, sizeof *m->layers))
        return cpted__nomem(m->ctx, "svgmap");
    cpted__svg_style s = *style;
    bool failed = false;
    s.fill = dup_or_null(style->fill ? style->fill : "none", &failed);
    s.stroke = dup_or_null(style->stroke ? style->stroke : "none", &failed);
    s.dash = dup_or_null(style->dash, &failed);
    s.legend = dup_or_null(style->legend, &failed);
    if (failed) {
        style_free(&s);
        return cpted__nomem(m->ctx, "svgmap");
    }
    m->layers[m->layer_count].st = s;
    *layer_out = m->layer_count++;
    return CPTED_OK;
}

static void extend(cpted__svg_map *m, double x0, double y0, double x1, double y1)
{
    if (!m->has_ext) {
        m->ext[0] = x0, m->ext[1] = y0, m->ext[2] = x1, m->ext[3] = y1;
        m->has_ext = true;
        return;
    }
    m->ext[0] = fmin(m->ext[0], x0);
    m->ext[1] = fmin(m->ext[1], y0);
    m->ext[2] = fmax(m->ext[2], x1);
    m->ext[3] = fmax(m->ext[3], y1);
}

static svg_item *new_item(cpted__svg_map *m, size_t layer)
{
    if (!cpted__grow((void **)&m->items, &m->item_cap, m->item_count + 1, sizeof *m->items))
        return NULL;
    svg_item *it = &m->items[m->item_count];
    memset(it, 0, sizeof *it);
    it->layer = layer;
    return it;
}

int cpted__svg_map_add(cpted__svg_map *m, size_t layer, const GEOSGeometry *g,
                       const char *title, const char *colour)
{
    GEOSContextHandle_t h = m->ctx->geos;
    if (layer >= m->layer_count || !g)
        return cpted__error(m->ctx, CPTED_E_INVALID, "svgmap: no such layer or geometry");
    if (GEOSisEmpty_r(h, g) == 1)
        return CPTED_OK;
    int status = CPTED_OK;
    GEOSGeometry *o = m->same_crs ? GEOSGeom_clone_r(h, g)
                                  : cpted__geom_to_output(m->ctx, m->site, g, &status);
    if (!o) {
        if (status != CPTED_OK)
            return status;
        return cpted__error(m->ctx, CPTED_E_CRS, "map: cannot transform a geometry to %s: %s",
                            cpted_site_output_crs(m->site), cpted__geos_error(m->ctx));
    }
    double x0, y0, x1, y1;
    if (!GEOSGeom_getXMin_r(h, o, &x0) || !GEOSGeom_getYMin_r(h, o, &y0) ||
        !GEOSGeom_getXMax_r(h, o, &x1) || !GEOSGeom_getYMax_r(h, o, &y1)) {
        GEOSGeom_destroy_r(h, o);
        return cpted__geos_fail(m->ctx, "map", "extent");
    }
    bool failed = false;
    char *t = dup_or_null(title, &failed), *c = dup_or_null(colour, &failed);
    svg_item *it = failed ? NULL : new_item(m, layer);
    if (!it) {
        GEOSGeom_destroy_r(h, o);
        cpted__free(t);
        cpted__free(c);
        return cpted__nomem(m->ctx, "svgmap");
    }
    it->g = o;
    it->title = t;
    it->colour = c;
    m->item_count++;
    extend(m, x0, y0, x1, y1);
    return CPTED_OK;
}

int cpted__svg_map_label(cpted__svg_map *m, size_t layer, double x, double y, const char *text)
{
    if (layer >= m->layer_count || !text)
        return cpted__error(m->ctx, CPTED_E_INVALID, "svgmap: no such layer or text");
    double ox = x, oy = y;
    int rc = m->same_crs ? CPTED_OK : cpted_site_to_output(&ox, &oy, m->site, x, y);
    if (rc != CPTED_OK)
        return rc;
    char *l = cpted__strdup(text);
    svg_item *it = l ? new_item(m, layer) : NULL;
    if (!it) {
        cpted__free(l);
        return cpted__nomem(m->ctx, "svgmap");
    }
    it->label = l;
    it->lx = ox;
    it->ly = oy;
    m->item_count++;
    return CPTED_OK;
}

/* ---- rendering --------------------------------------------------------- */

/* Map units to px: X = x0 + (x - ex0) kx, Y = y0 + (ey1 - y) ky. */
typedef struct svg_view {
    double ex0, ey1, kx, ky, x0, y0;
} svg_view;

typedef struct svg_pen {
    cpted__text *t;
    long long px, py;              /* last point written (0.1 px units) */
    bool started;                  /* a subpath is open */
} svg_pen;

/* A coordinate in 0.1 px units, written as its decimal value. */
static void add_tenths(cpted__text *t, long long v)
{
    if (v < 0) {
        cpted__text_add(t, "-");
        v = -v;
    }
    add_int(t, v / 10);
    if (v % 10) {
        char d[2] = {'.', (char)('0' + v % 10)};
        cpted__text_addn(t, d, 2);
    }
}

static void pen_move(svg_pen *p, long long x, long long y)
{
    cpted__text_add(p->t, "M");
    add_tenths(p->t, x);
    cpted__text_add(p->t, " ");
    add_tenths(p->t, y);
    p->px = x, p->py = y;
    p->started = false;
}

static void pen_line(svg_pen *p, long long x, long long y)
{
    if (x == p->px && y == p->py)
        return;
    cpted__text_add(p->t, p->started ? " " : "l");
    add_tenths(p->t, x - p->px);
    cpted__text_add(p->t, " ");
    add_tenths(p->t, y - p->py);
    p->px = x, p->py = y;
    p->started = true;
}

static long long snap(double v)
{
    return llround(v * 10.0);
}

static int write_seq(cpted_context *ctx, svg_pen *p, const svg_view *v, const GEOSGeometry *g,
                     bool close)
{
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(ctx->geos, g);
    unsigned int n = 0;
    if (!s || !GEOSCoordSeq_getSize_r(ctx->geos, s, &n))
        return cpted__geos_fail(ctx, "map", "coordinates");
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(ctx->geos, s, i, &x, &y))
            return cpted__geos_fail(ctx, "map", "coordinates");
        long long X = snap(v->x0 + (x - v->ex0) * v->kx), Y = snap(v->y0 + (v->ey1 - y) * v->ky);
        if (i == 0)
            pen_move(p, X, Y);
        else
            pen_line(p, X, Y);
    }
    if (close && n > 0)
        cpted__text_add(p->t, "z");
    return CPTED_OK;
}

/* Appends g's outline to `lines` (polygons and lines) and its points as
 * discs of radius r_px to `points`. */
static int write_geom(cpted_context *ctx, cpted__text *lines, cpted__text *points,
                      const svg_view *v, const GEOSGeometry *g, double r_px)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    svg_pen p = {lines, 0, 0, false};
    switch (type) {
    case GEOS_POINT: {
        double x, y;
        if (GEOSisEmpty_r(ctx->geos, g) == 1)
            return CPTED_OK;
        if (!GEOSGeomGetX_r(ctx->geos, g, &x) || !GEOSGeomGetY_r(ctx->geos, g, &y))
            return cpted__geos_fail(ctx, "map", "point");
        long long r = snap(r_px), X = snap(v->x0 + (x - v->ex0) * v->kx),
                  Y = snap(v->y0 + (v->ey1 - y) * v->ky);
        cpted__text_add(points, "M");
        add_tenths(points, X - r);
        cpted__text_add(points, " ");
        add_tenths(points, Y);
        cpted__text_add(points, "a");
        add_tenths(points, r);
        cpted__text_add(points, " ");
        add_tenths(points, r);
        cpted__text_add(points, " 0 1 0 ");
        add_tenths(points, 2 * r);
        cpted__text_add(points, " 0a");
        add_tenths(points, r);
        cpted__text_add(points, " ");
        add_tenths(points, r);
        cpted__text_add(points, " 0 1 0 ");
        add_tenths(points, -2 * r);
        cpted__text_add(points, " 0z");
        return CPTED_OK;
    }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return write_seq(ctx, &p, v, g, false);
    case GEOS_POLYGON: {
        int rc = write_seq(ctx, &p, v, GEOSGetExteriorRing_r(ctx->geos, g), true);
        int holes = GEOSGetNumInteriorRings_r(ctx->geos, g);
        for (int i = 0; i < holes && rc == CPTED_OK; i++)
            rc = write_seq(ctx, &p, v, GEOSGetInteriorRingN_r(ctx->geos, g, i), true);
        return rc;
    }
    default: {
        int n = GEOSGetNumGeometries_r(ctx->geos, g);
        int rc = CPTED_OK;
        for (int i = 0; i < n && rc == CPTED_OK; i++)
            rc = write_geom(ctx, lines, points, v, GEOSGetGeometryN_r(ctx->geos, g, i), r_px);
        return rc;
    }
    }
}

/* The geometry to draw: simplified to a quarter pixel (a drawing, not a
 * measure), or g itself when that would lose it. */
static GEOSGeometry *simplified(cpted_context *ctx, const GEOSGeometry *g, double tol)
{
    if (GEOSGetNumCoordinates_r(ctx->geos, g) <= 16 || GEOSGeomTypeId_r(ctx->geos, g) == GEOS_POINT)
        return NULL;
    GEOSGeometry *s = GEOSSimplify_r(ctx->geos, g, tol);
    if (s && GEOSisEmpty_r(ctx->geos, s) != 0) {
        GEOSGeom_destroy_r(ctx->geos, s);
        s = NULL;
    }
    return s;
}

static bool is_lineal(cpted_context *ctx, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    return type == GEOS_LINESTRING || type == GEOS_LINEARRING || type == GEOS_MULTILINESTRING;
}

static void style_attrs(cpted__text *t, const cpted__svg_style *s)
{
    cpted__text_add(t, " fill=\"");
    cpted__text_escape(t, s->fill);
    cpted__text_add(t, "\" stroke=\"");
    cpted__text_escape(t, s->stroke);
    cpted__text_add(t, "\" stroke-width=\"");
    cpted__text_fixed(t, s->stroke_px, 2);
    cpted__text_add(t, "\"");
    if (s->opacity < 1.0) {
        cpted__text_add(t, " fill-opacity=\"");
        cpted__text_fixed(t, s->opacity, 2);
        cpted__text_add(t, "\"");
    }
    if (s->dash) {
        cpted__text_add(t, " stroke-dasharray=\"");
        cpted__text_escape(t, s->dash);
        cpted__text_add(t, "\"");
    }
}

static void text_reset(cpted__text *t)
{
    t->len = 0;
    if (t->buf)
        t->buf[0] = '\0';
}

/* Emits one path element unless d is empty; `extra` holds attributes. */
static void emit_path(cpted__text *t, cpted__text *d, const char *extra, const char *title)
{
    if (d->len == 0)
        return;
    cpted__text_add(t, "<path");
    cpted__text_add(t, extra);
    cpted__text_add(t, " d=\"");
    cpted__text_addn(t, d->buf, d->len);
    if (title) {
        cpted__text_add(t, "\"><title>");
        cpted__text_escape(t, title);
        cpted__text_add(t, "</title></path>\n");
    } else {
        cpted__text_add(t, "\"/>\n");
    }
    text_reset(d);
}

static int render_layer(cpted__svg_map *m, cpted__text *t, size_t l, const svg_view *v, double tol)
{
    cpted_context *ctx = m->ctx;
    const cpted__svg_style *s = &m->layers[l].st;
    cpted__text lines = {0}, points = {0}, attrs = {0};
    int rc = CPTED_OK;
    cpted__text_add(t, "<g");
    style_attrs(t, s);
    cpted__text_add(t, " fill-rule=\"evenodd\" stroke-linejoin=\"round\">\n");
    /* pass 0: the shared path; pass 1: items with a title or colour; pass 2: labels */
    for (int pass = 0; pass < 3 && rc == CPTED_OK; pass++) {
        for (size_t i = 0; i < m->item_count && rc == CPTED_OK; i++) {
            const svg_item *it = &m->items[i];
            if (it->layer != l)
                continue;
            bool own = it->title || it->colour;
            if (pass == 2 && !it->g) {
                double fs = s->label_px > 0 ? s->label_px : 11;
                cpted__text_add(t, "<text class=\"label\" x=\"");
                cpted__text_fixed(t, v->x0 + (it->lx - v->ex0) * v->kx, 1);
                cpted__text_add(t, "\" y=\"");
                cpted__text_fixed(t, v->y0 + (v->ey1 - it->ly) * v->ky, 1);
                cpted__text_add(t, "\" font-size=\"");
                cpted__text_fixed(t, fs, 1);
                cpted__text_add(t, "\">");
                cpted__text_escape(t, it->label);
                cpted__text_add(t, "</text>\n");
            }
            if (!it->g || (pass == 0 && own) || (pass == 1 && !own) || pass == 2)
                continue;
            GEOSGeometry *sg = simplified(ctx, it->g, tol);
            rc = write_geom(ctx, &lines, &points, v, sg ? sg : it->g, s->point_px);
            if (sg)
                GEOSGeom_destroy_r(ctx->geos, sg);
            if (pass == 1) {
                text_reset(&attrs);
                if (it->colour) {
                    cpted__text_add(&attrs, is_lineal(ctx, it->g) ? " stroke=\"" : " fill=\"");
                    cpted__text_escape(&attrs, it->colour);
                    cpted__text_add(&attrs, "\"");
                }
                emit_path(t, &lines, attrs.buf ? attrs.buf : "", it->title);
                text_reset(&attrs);
                cpted__text_add(&attrs, " fill=\"");
                cpted__text_escape(&attrs, it->colour ? it->colour
                                           : strcmp(s->fill, "none") ? s->fill : s->stroke);
                cpted__text_add(&attrs, "\" stroke=\"none\"");
                emit_path(t, &points, attrs.buf, it->title);
            }
        }
        if (pass == 0) {
            emit_path(t, &lines, "", NULL);
            text_reset(&attrs);
            cpted__text_add(&attrs, " fill=\"");
            cpted__text_escape(&attrs, strcmp(s->fill, "none") ? s->fill : s->stroke);
            cpted__text_add(&attrs, "\" stroke=\"none\"");
            emit_path(t, &points, attrs.buf, NULL);
        }
    }
    cpted__text_add(t, "</g>\n");
    if (lines.failed || points.failed || attrs.failed)
        t->failed = true;
    cpted__text_free(&lines);
    cpted__text_free(&points);
    cpted__text_free(&attrs);
    return rc;
}

/* A round step (1, 2 or 5 x 10^n) near `raw`, not above it when `floor_it`. */
static double nice_step(double raw, bool floor_it)
{
    if (!(raw > 0) || !isfinite(raw))
        return 1.0;
    double p = pow(10.0, floor(log10(raw)));
    double f = raw / p;
    double n = floor_it ? (f >= 5 ? 5 : f >= 2 ? 2 : 1) : (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
    return n * p;
}

static void add_text(cpted__text *t, double x, double y, double size, const char *anchor,
                     const char *text)
{
    cpted__text_add(t, "<text x=\"");
    cpted__text_fixed(t, x, 1);
    cpted__text_add(t, "\" y=\"");
    cpted__text_fixed(t, y, 1);
    cpted__text_add(t, "\" font-size=\"");
    cpted__text_fixed(t, size, 1);
    cpted__text_addf(t, "\" text-anchor=\"%s\">", anchor);
    cpted__text_escape(t, text);
    cpted__text_add(t, "</text>\n");
}

/* Coordinate ticks, labels and a faint grid along both axes. */
static void render_ticks(cpted__text *t, const svg_view *v, double w, double h, double ex0,
                         double ey0, double ex1, double ey1)
{
    cpted__text *lab = t;
    for (int axis = 0; axis < 2; axis++) {
        double lo = axis ? ey0 : ex0, hi = axis ? ey1 : ex1;
        double span_px = axis ? h : w;
        double step = nice_step((hi - lo) / fmax(2.0, span_px / 130.0), false);
        int dec = step < 1 ? (int)ceil(-log10(step) - 1e-9) : 0;
        for (double c = ceil(lo / step) * step; c <= hi + 1e-9 * step; c += step) {
            cpted__text num = {0};
            cpted__text_fixed(&num, c, dec);
            if (axis == 0) {
                double X = v->x0 + (c - v->ex0) * v->kx;
                cpted__text_add(t, "<path class=\"grid\" d=\"M");
                cpted__text_fixed(t, X, 1);
                cpted__text_add(t, " ");
                cpted__text_fixed(t, v->y0, 1);
                cpted__text_add(t, "v");
                cpted__text_fixed(t, h + 5, 1);
                cpted__text_add(t, "\"/>\n");
                add_text(lab, X, v->y0 + h + 17, 10, "middle", num.buf ? num.buf : "");
            } else {
                double Y = v->y0 + (v->ey1 - c) * v->ky;
                cpted__text_add(t, "<path class=\"grid\" d=\"M");
                cpted__text_fixed(t, v->x0 - 5, 1);
                cpted__text_add(t, " ");
                cpted__text_fixed(t, Y, 1);
                cpted__text_add(t, "h");
                cpted__text_fixed(t, w + 5, 1);
                cpted__text_add(t, "\"/>\n");
                add_text(lab, v->x0 - 7, Y + 3.5, 10, "end", num.buf ? num.buf : "");
            }
            if (num.failed)
                t->failed = true;
            cpted__text_free(&num);
        }
    }
}

/* The scale bar (bottom left inside the frame): a round length near a fifth
 * of the width, metres_per_px the ground distance of one px along x. */
static void render_scale(cpted__text *t, double x, double y, double w, double metres_per_px,
                         bool approximate)
{
    double len_m = nice_step(w / 5.0 * metres_per_px, true);
    double len_px = len_m / metres_per_px;
    cpted__text_add(t, "<g class=\"scalebar\">\n<rect x=\"");
    cpted__text_fixed(t, x - 6, 1);
    cpted__text_add(t, "\" y=\"");
    cpted__text_fixed(t, y - 24, 1);
    cpted__text_add(t, "\" width=\"");
    cpted__text_fixed(t, len_px + 40, 1);
    cpted__text_add(t, "\" height=\"32\" fill=\"#fff\" fill-opacity=\"0.85\"/>\n");
    for (int half = 0; half < 2; half++) {
        cpted__text_add(t, "<rect x=\"");
        cpted__text_fixed(t, x + half * len_px / 2, 1);
        cpted__text_add(t, "\" y=\"");
        cpted__text_fixed(t, y, 1);
        cpted__text_add(t, "\" width=\"");
        cpted__text_fixed(t, len_px / 2, 1);
        cpted__text_addf(t, "\" height=\"5\" fill=\"%s\" stroke=\"#000\" stroke-width=\"1\"/>\n",
                         half ? "#fff" : "#000");
    }
    cpted__text num = {0};
    if (len_m >= 1000)
        cpted__text_fixed(&num, len_m / 1000, len_m >= 10000 ? 0 : 1);
    else
        cpted__text_fixed(&num, len_m, len_m >= 1 ? 0 : 1);
    cpted__text_add(&num, len_m >= 1000 ? " km" : " m");
    if (approximate)
        cpted__text_add(&num, " (approx.)");
    add_text(t, x, y - 5, 10, "middle", "0");
    add_text(t, x + len_px, y - 5, 10, "middle", num.buf ? num.buf : "");
    if (num.failed)
        t->failed = true;
    cpted__text_free(&num);
    cpted__text_add(t, "</g>\n");
}

static void render_north(cpted__text *t, double x, double y, bool geographic)
{
    cpted__text_add(t, geographic ? "<g class=\"north\"><title>north along the meridians</title>"
                                    "<path d=\"M"
                                  : "<g class=\"north\"><title>grid north of the output CRS"
                                    "</title><path d=\"M");
    cpted__text_fixed(t, x, 1);
    cpted__text_add(t, " ");
    cpted__text_fixed(t, y, 1);
    cpted__text_add(t, "l9 26l-9 -7l-9 7z\" fill=\"#000\" stroke=\"#fff\" stroke-width=\"1\"/>\n");
    add_text(t, x, y + 38, 12, "middle", "N");
    if (!geographic)
        add_text(t, x, y + 49, 8, "middle", "grid");
    cpted__text_add(t, "</g>\n");
}

/* One legend swatch of a layer at (x, y), 18 x 12 px. */
static void render_swatch(cpted__text *t, const cpted__svg_style *s, double x, double y)
{
    cpted__text_add(t, "<g");
    style_attrs(t, s);
    cpted__text_add(t, ">");
    if (s->point_px > 0) {
        cpted__text_add(t, "<circle cx=\"");
        cpted__text_fixed(t, x + 9, 1);
        cpted__text_add(t, "\" cy=\"");
        cpted__text_fixed(t, y + 6, 1);
        cpted__text_addf(t, "\" r=\"4\" fill=\"%s\" stroke=\"none\"/>",
                         strcmp(s->fill, "none") ? s->fill : s->stroke);
    } else if (strcmp(s->fill, "none") == 0) {
        cpted__text_add(t, "<path d=\"M");
        cpted__text_fixed(t, x, 1);
        cpted__text_add(t, " ");
        cpted__text_fixed(t, y + 6, 1);
        cpted__text_add(t, "h18\"/>");
    } else {
        cpted__text_add(t, "<rect x=\"");
        cpted__text_fixed(t, x, 1);
        cpted__text_add(t, "\" y=\"");
        cpted__text_fixed(t, y, 1);
        cpted__text_add(t, "\" width=\"18\" height=\"12\"/>");
    }
    cpted__text_add(t, "</g>\n");
}

/* The legend below the map from y; returns the height used. */
static double render_legend(cpted__svg_map *m, cpted__text *t, double x, double y, double w,
                            bool speed_legend)
{
    double col_w = 230, row_h = 18;
    int per_row = (int)fmax(1.0, floor(w / col_w));
    int n = 0;
    for (size_t l = 0; l < m->layer_count; l++) {
        const cpted__svg_style *s = &m->layers[l].st;
        bool drawn = false; /* only what the map shows is explained */
        for (size_t i = 0; i < m->item_count && !drawn; i++)
            drawn = m->items[i].layer == l && m->items[i].g;
        if (!s->legend || !drawn)
            continue;
        double cx = x + (n % per_row) * col_w, cy = y + (n / per_row) * row_h;
        render_swatch(t, s, cx, cy);
        add_text(t, cx + 24, cy + 10, 11, "start", s->legend);
        n++;
    }
    double h = n ? ((n + per_row - 1) / per_row) * row_h + 6 : 0;
    if (speed_legend) {
        double cy = y + h;
        add_text(t, x, cy + 10, 11, "start", "Approach speed (km/h), corridors and targets:");
        cy += 16;
        double bw = fmin(80.0, (w - 10) / (double)RAMP_CLASSES);
        for (size_t i = 0; i < RAMP_CLASSES; i++) {
            cpted__text_add(t, "<rect class=\"ramp\" x=\"");
            cpted__text_fixed(t, x + i * bw, 1);
            cpted__text_add(t, "\" y=\"");
            cpted__text_fixed(t, cy, 1);
            cpted__text_add(t, "\" width=\"");
            cpted__text_fixed(t, bw, 1);
            cpted__text_addf(t, "\" height=\"10\" fill=\"%s\" stroke=\"#555\" stroke-width=\"0.5\"/>\n",
                             ramp_colours[i]);
            cpted__text lab = {0};
            if (i == 0)
                cpted__text_addf(&lab, "< %.0f", ramp_bounds_kmh[0]);
            else if (i == RAMP_CLASSES - 1)
                cpted__text_addf(&lab, ">= %.0f", ramp_bounds_kmh[i - 1]);
            else
                cpted__text_addf(&lab, "%.0f-%.0f", ramp_bounds_kmh[i - 1], ramp_bounds_kmh[i]);
            add_text(t, x + i * bw + bw / 2, cy + 22, 10, "middle", lab.buf ? lab.buf : "");
            if (lab.failed)
                t->failed = true;
            cpted__text_free(&lab);
        }
        h += 16 + 28;
    }
    return h;
}

int cpted__svg_map_render(cpted__svg_map *m, double width_px, bool speed_legend, char **out)
{
    *out = NULL;
    cpted_context *ctx = m->ctx;
    double ex0 = 0, ey0 = 0, ex1 = 1, ey1 = 1;
    if (m->has_ext)
        ex0 = m->ext[0], ey0 = m->ext[1], ex1 = m->ext[2], ey1 = m->ext[3];
    const char *crs = cpted_site_output_crs(m->site);
    bool geographic = !cpted__crs_is_metric(ctx, crs);
    double pad = 0.03 * fmax(ex1 - ex0, ey1 - ey0);
    if (!(pad > 0))
        pad = geographic ? 1e-4 : 10.0;
    ex0 -= pad, ey0 -= pad, ex1 += pad, ey1 += pad;
    /* geographic output: degrees of longitude shrink by cos(latitude) */
    double aspect_x = geographic ? cos((ey0 + ey1) / 2 * CPTED__PI / 180.0) : 1.0;
    if (!(aspect_x > 0.05))
        aspect_x = 0.05;
    double L = 70, R = 16, T = 12, B = 28;
    double w_max = width_px - L - R, h_max = 1.25 * w_max;
    double k = fmin(w_max / ((ex1 - ex0) * aspect_x), h_max / (ey1 - ey0));
    svg_view v = {ex0, ey1, k * aspect_x, k, L, T};
    double w = (ex1 - ex0) * v.kx, h = (ey1 - ey0) * v.ky;
    double metres_per_px = geographic ? 111320.0 * aspect_x / v.kx : 1.0 / v.kx;

    cpted__text body = {0};
    int rc = CPTED_OK;
    cpted__text_add(&body, "<defs><clipPath id=\"mapclip\"><rect x=\"");
    cpted__text_fixed(&body, L, 1);
    cpted__text_add(&body, "\" y=\"");
    cpted__text_fixed(&body, T, 1);
    cpted__text_add(&body, "\" width=\"");
    cpted__text_fixed(&body, w, 1);
    cpted__text_add(&body, "\" height=\"");
    cpted__text_fixed(&body, h, 1);
    cpted__text_add(&body, "\"/></clipPath></defs>\n<rect class=\"map-area\" x=\"");
    cpted__text_fixed(&body, L, 1);
    cpted__text_add(&body, "\" y=\"");
    cpted__text_fixed(&body, T, 1);
    cpted__text_add(&body, "\" width=\"");
    cpted__text_fixed(&body, w, 1);
    cpted__text_add(&body, "\" height=\"");
    cpted__text_fixed(&body, h, 1);
    cpted__text_add(&body, "\" fill=\"#ffffff\"/>\n<g clip-path=\"url(#mapclip)\">\n");
    double tol = 0.25 / v.ky;
    for (size_t l = 0; l < m->layer_count && rc == CPTED_OK; l++)
        rc = render_layer(m, &body, l, &v, tol);
    cpted__text_add(&body, "</g>\n<g class=\"ticks\">\n");
    render_ticks(&body, &v, w, h, ex0, ey0, ex1, ey1);
    cpted__text_add(&body, "</g>\n<rect class=\"frame\" x=\"");
    cpted__text_fixed(&body, L, 1);
    cpted__text_add(&body, "\" y=\"");
    cpted__text_fixed(&body, T, 1);
    cpted__text_add(&body, "\" width=\"");
    cpted__text_fixed(&body, w, 1);
    cpted__text_add(&body, "\" height=\"");
    cpted__text_fixed(&body, h, 1);
    cpted__text_add(&body, "\" fill=\"none\" stroke=\"#000\" stroke-width=\"1\"/>\n");
    render_scale(&body, L + 16, T + h - 12, w, metres_per_px, geographic);
    render_north(&body, L + w - 24, T + 10, geographic);
    cpted__text note = {0};
    cpted__text_add(&note, "Coordinates: ");
    cpted__text_add(&note, crs[0] ? crs : "local (unnamed) system");
    cpted__text_add(&note, geographic ? " (output CRS), degrees" : " (output CRS), metres");
    cpted__text_add(&note, geographic ? "; north arrow: north along the meridians"
                                      : "; north arrow: grid north of that CRS");
    if (note.len > 160) {
        note.len = 157;
        cpted__text_add(&note, "...");
    }
    add_text(&body, L, T + h + 36, 10, "start", note.buf ? note.buf : "");
    if (note.failed)
        body.failed = true;
    cpted__text_free(&note);
    double lh = render_legend(m, &body, L, T + h + B + 20, w_max, speed_legend);
    double total_h = T + h + B + 20 + lh + 8;

    cpted__text svg = {0};
    cpted__text_add(&svg, "<svg class=\"map\" viewBox=\"0 0 ");
    cpted__text_fixed(&svg, width_px, 1);
    cpted__text_add(&svg, " ");
    cpted__text_fixed(&svg, total_h, 1);
    cpted__text_add(&svg, "\" width=\"");
    cpted__text_fixed(&svg, width_px, 1);
    cpted__text_add(&svg, "\" height=\"");
    cpted__text_fixed(&svg, total_h, 1);
    cpted__text_add(&svg, "\" font-family=\"sans-serif\" role=\"img\">\n"
                          "<style>.grid{stroke:#000;stroke-opacity:.15;fill:none}"
                          ".label{paint-order:stroke;stroke:#fff;stroke-width:3px;"
                          "stroke-linejoin:round;fill:#000}</style>\n");
    if (body.buf)
        cpted__text_addn(&svg, body.buf, body.len);
    cpted__text_add(&svg, "</svg>\n");
    if (body.failed)
        svg.failed = true;
    cpted__text_free(&body);
    if (rc != CPTED_OK) {
        cpted__text_free(&svg);
        return rc;
    }
    if (svg.failed) {
        cpted__text_free(&svg);
        return cpted__nomem(ctx, "svgmap");
    }
    *out = svg.buf;
    return CPTED_OK;
}
