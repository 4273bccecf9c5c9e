/*
 * report_batch.c - the HTML report of a district screening (batch.c,
 * docs/report.md "District screening"): the title block and counts, the
 * district map (svgmap.c) with every asset coloured by its exposure class,
 * the histograms as SVG bars, the table of the most exposed, the exposure
 * rule, warnings and assumptions. Self-contained: no scripts, no network.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <string.h>

typedef struct breport {
    cpted_context *ctx;
    const cpted_batch *b;
    const cpted_site *site;
    cpted_freespace *fs;
    cpted_batch_summary s;
    cpted__text t;
} breport;

static void add(breport *r, const char *s) { cpted__text_add(&r->t, s); }
static void esc(breport *r, const char *s) { cpted__text_escape(&r->t, s ? s : "-"); }
static void num(breport *r, double v, int decimals) { cpted__text_fixed(&r->t, v, decimals); }

static void kv(breport *r, const char *key, double v)
{
    add(r, "<tr><th>");
    esc(r, key);
    add(r, "</th><td class=\"n\">");
    num(r, v, 0);
    add(r, "</td></tr>\n");
}

static void title_block(breport *r, const char *title, const char *date, bool approach)
{
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    v.struct_size = sizeof v;
    cpted_freespace_get_vehicle(&v, r->fs);
    add(r, "<header id=\"title\">\n<h1>");
    esc(r, title);
    add(r, "</h1>\n<table class=\"kv\">\n<tr><th>date</th><td>");
    esc(r, date);
    add(r, "</td></tr>\n<tr><th>cpted version</th><td>");
    esc(r, cpted_version_string());
    add(r, "</td></tr>\n<tr><th>CRS</th><td>working ");
    esc(r, cpted_site_crs(r->site)[0] ? cpted_site_crs(r->site) : "local");
    add(r, ", output ");
    esc(r, cpted_site_output_crs(r->site)[0] ? cpted_site_output_crs(r->site) : "local");
    add(r, "</td></tr>\n<tr><th>vehicle</th><td>");
    esc(r, v.class_code);
    add(r, ": ");
    num(r, v.mass_kg, 0);
    add(r, " kg, ");
    num(r, v.width_m, 2);
    add(r, " m wide</td></tr>\n<tr><th>ground model</th><td>drivable = ");
    add(r, r->fs->opts.drivable == CPTED_DRIVABLE_ROADS
               ? "roads (only mapped ground and roads; not the conservative model)"
               : "everything (pavements and plazas included: the conservative model)");
    add(r, "</td></tr>\n<tr><th>facade approach</th><td>");
    add(r, approach ? "assessed (one vehicle dynamics assessment over the district)"
                    : "not asked (standoff only)");
    add(r, "</td></tr>\n</table>\n<table class=\"kv\">\n");
    kv(r, "assets", (double)r->s.assets);
    kv(r, "assessed", (double)r->s.assessed);
    kv(r, "NOT assessed", (double)r->s.not_assessed);
    kv(r, "reachable", (double)r->s.reachable);
    kv(r, "touching (standoff 0)", (double)r->s.touching);
    kv(r, "unreachable", (double)r->s.unreachable);
    if (approach)
        kv(r, "with a reached facade", (double)r->s.approach_reached);
    add(r, "</table>\n");
    const char *why = cpted_batch_not_assessed(r->b);
    if (why || r->s.not_assessed) {
        add(r, "<p class=\"not-assessed\"><strong>NOT ASSESSED</strong>: ");
        num(r, (double)r->s.not_assessed, 0);
        add(r, " asset(s)");
        if (why) {
            add(r, ": ");
            esc(r, why);
        }
        add(r, ". They are ranked first: their exposure is unknown, never safe.</p>\n");
    }
    add(r, "</header>\n");
}

/* The district: A, then every asset by exposure class, then the standoff lines. */
static int map_section(breport *r)
{
    cpted_context *ctx = r->ctx;
    cpted__svg_map *m = NULL;
    int rc = cpted__svg_map_new(&m, ctx, r->site);
    size_t access = 0, lines = 0, cls[16];
    size_t nclass = cpted__batch_exposure_count();
    if (rc == CPTED_OK) {
        cpted__svg_style st = {"#f3dfc8", "none", 0, 1, NULL, 0, "vehicle-accessible ground (A)",
                               0};
        rc = cpted__svg_map_layer(m, &st, &access);
    }
    for (size_t k = 0; k < nclass && k < 16 && rc == CPTED_OK; k++) {
        const cpted__exposure_class *e = cpted__batch_exposure(k);
        cpted__svg_style st = {e->hex, e->emphasis ? "#000000" : "#555555",
                               e->emphasis ? 1.5 : 0.4, 1, NULL, 0, e->label, 0};
        rc = cpted__svg_map_layer(m, &st, &cls[k]);
    }
    if (rc == CPTED_OK) {
        cpted__svg_style st = {"none", "#000000", 0.8, 1, NULL, 0, "standoff (asset to A)", 0};
        rc = cpted__svg_map_layer(m, &st, &lines);
    }
    const GEOSGeometry *a = cpted__freespace_set(r->fs, CPTED_SPACE_ACCESSIBLE);
    if (rc == CPTED_OK && a)
        rc = cpted__svg_map_add(m, access, a, NULL, NULL);
    size_t n = cpted_batch_asset_count(r->b);
    for (size_t i = 0; i < n && rc == CPTED_OK; i++) {
        cpted_batch_asset as;
        memset(&as, 0, sizeof as);
        as.struct_size = sizeof as;
        rc = cpted_batch_get_asset(&as, r->b, i);
        if (rc != CPTED_OK)
            break;
        size_t k = cpted__batch_exposure_of(&as);
        cpted__text tip = {0};
        cpted__text_addf(&tip, "#%zu %s", as.rank, as.id);
        if (as.name)
            cpted__text_addf(&tip, " %s", as.name);
        if (!as.assessed) {
            cpted__text_add(&tip, ": NOT ASSESSED");
        } else if (as.reachable) {
            cpted__text_add(&tip, ": standoff ");
            cpted__text_fixed(&tip, as.standoff_m, 2);
            cpted__text_add(&tip, " m");
            if (as.approach_reached) {
                cpted__text_add(&tip, ", impact ");
                cpted__text_fixed(&tip, as.speed_kmh, 1);
                cpted__text_add(&tip, " km/h, ");
                cpted__text_fixed(&tip, as.energy_kj, 0);
                cpted__text_add(&tip, " kJ");
            }
        }
        if (tip.failed)
            rc = cpted__nomem(ctx, "report");
        else
            rc = cpted__svg_map_add(m, cls[k], r->site->features[as.feature].geom, tip.buf, NULL);
        cpted__text_free(&tip);
        if (rc == CPTED_OK && isfinite(as.standoff_m) && as.standoff_m > 0) {
            GEOSGeometry *seg = cpted__w_segment(ctx, as.asset_x, as.asset_y, as.vehicle_x,
                                                 as.vehicle_y);
            rc = seg ? cpted__svg_map_add(m, lines, seg, NULL, NULL) : CPTED_E_NOMEM;
            if (seg)
                GEOSGeom_destroy_r(ctx->geos, seg);
        }
    }
    char *svg = NULL;
    if (rc == CPTED_OK)
        rc = cpted__svg_map_render(m, 1000, false, &svg);
    cpted__svg_map_free(m);
    if (rc != CPTED_OK)
        return rc;
    add(r, "<section id=\"map\">\n<h2>District map</h2>\n<figure>\n");
    add(r, svg);
    add(r, "<figcaption>Every asset coloured by its exposure class (docs/outputs.md); hover for "
           "its rank, id and values.</figcaption>\n</figure>\n</section>\n");
    cpted__free(svg);
    return CPTED_OK;
}

/* One histogram as SVG bars, the counts above them, the edges below. */
static void histogram(breport *r, int32_t h, const char *title, const char *unit)
{
    size_t n = cpted_batch_bin_count(r->b, h);
    if (n == 0)
        return;
    cpted_batch_bin bins[16];
    size_t top = 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        memset(&bins[i], 0, sizeof bins[i]);
        bins[i].struct_size = sizeof bins[i];
        cpted_batch_get_bin(&bins[i], r->b, h, i);
        if (bins[i].count > top)
            top = bins[i].count;
    }
    const double bar = 48, gap = 8, height = 120, base = 140;
    add(r, "<figure class=\"hist\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    num(r, (double)n * (bar + gap) + 20, 0);
    add(r, "\" height=\"180\" role=\"img\">\n<title>");
    esc(r, title);
    add(r, "</title>\n");
    for (size_t i = 0; i < n && i < 16; i++) {
        double x = 10 + (double)i * (bar + gap);
        double hgt = top ? height * (double)bins[i].count / (double)top : 0;
        add(r, "<rect x=\"");
        num(r, x, 1);
        add(r, "\" y=\"");
        num(r, base - hgt, 1);
        add(r, "\" width=\"");
        num(r, bar, 0);
        add(r, "\" height=\"");
        num(r, hgt, 1);
        add(r, "\" fill=\"#4a78b5\"/>\n<text x=\"");
        num(r, x + bar / 2, 1);
        add(r, "\" y=\"");
        num(r, base - hgt - 4, 1);
        add(r, "\" font-size=\"10\" text-anchor=\"middle\">");
        num(r, (double)bins[i].count, 0);
        add(r, "</text>\n<text x=\"");
        num(r, x + bar / 2, 1);
        add(r, "\" y=\"156\" font-size=\"9\" text-anchor=\"middle\">");
        num(r, bins[i].lower, 0);
        add(r, isinf(bins[i].upper) ? "+" : "&#8211;");
        if (!isinf(bins[i].upper))
            num(r, bins[i].upper, 0);
        add(r, "</text>\n");
    }
    add(r, "<text x=\"10\" y=\"174\" font-size=\"10\">");
    esc(r, unit);
    add(r, "</text>\n</svg>\n<figcaption>");
    esc(r, title);
    add(r, "</figcaption>\n</figure>\n");
}

static void top_table(breport *r, bool approach, size_t top)
{
    add(r, "<section id=\"most-exposed\">\n<h2>Most exposed</h2>\n<table>\n<tr><th>rank</th>"
           "<th>asset</th><th>name</th><th>assessed</th><th>standoff m</th>");
    if (approach)
        add(r, "<th>impact km/h</th><th>energy kJ</th><th>angle &#176;</th>");
    add(r, "</tr>\n");
    for (size_t k = 1; k <= top; k++) {
        cpted_batch_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        if (cpted_batch_get_asset(&a, r->b, cpted_batch_ranked(r->b, k)) != CPTED_OK)
            continue;
        add(r, "<tr><td class=\"n\">");
        num(r, (double)k, 0);
        add(r, "</td><td>");
        esc(r, a.id);
        add(r, "</td><td>");
        esc(r, a.name);
        add(r, "</td>");
        if (!a.assessed) {
            add(r, "<td class=\"fail\">NOT ASSESSED: ");
            esc(r, a.not_assessed);
            add(r, "</td>");
        } else {
            add(r, "<td>yes</td>");
        }
        add(r, "<td class=\"n\">");
        if (a.assessed && !a.reachable)
            add(r, "unreachable");
        else
            num(r, a.standoff_m, 2);
        add(r, "</td>");
        if (approach) {
            add(r, "<td class=\"n\">");
            num(r, a.speed_kmh, 1);
            add(r, "</td><td class=\"n\">");
            num(r, a.energy_kj, 0);
            add(r, "</td><td class=\"n\">");
            num(r, a.angle_deg, 0);
            add(r, "</td>");
        }
        add(r, "</tr>\n");
    }
    add(r, "</table>\n</section>\n");
}

CPTED_API int CPTED_CALL cpted_batch_report_html(char **out, const cpted_batch *result,
                                                 const cpted_report_options *opts)
{
    if (!result)
        return CPTED_E_INVALID;
    cpted_freespace *fs = cpted_batch_freespace(result);
    cpted_context *ctx = fs->ctx;
    if (!out)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_report_html: out is NULL");
    *out = NULL;
    cpted_report_options o;
    cpted_report_options_init(&o, sizeof o);
    int rc = cpted__options_copy(ctx, &o, opts, sizeof o, CPTED_REPORT_OPTIONS_V1_SIZE,
                                 "cpted_report_options");
    if (rc != CPTED_OK)
        return rc;
    breport r = {.ctx = ctx, .b = result, .site = fs->site, .fs = fs};
    r.s.struct_size = sizeof r.s;
    rc = cpted_batch_get_summary(&r.s, result);
    if (rc != CPTED_OK)
        return rc;
    bool approach = cpted_batch_bin_count(result, CPTED_BATCH_HIST_SPEED) > 0;
    char today[32];
    if (!o.date)
        cpted__report_utc_date(today, time(NULL));
    const char *date = o.date ? o.date : today;
    const char *title = o.title ? o.title : "District screening: standoff and exposure of every "
                                            "building";
    add(&r, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    esc(&r, title);
    add(&r, "</title>\n");
    add(&r, cpted__report_css);
    add(&r, "</head>\n<body>\n");
    title_block(&r, title, date, approach);
    rc = map_section(&r);
    if (rc == CPTED_OK) {
        add(&r, "<section id=\"histograms\">\n<h2>Distributions</h2>\n");
        histogram(&r, CPTED_BATCH_HIST_STANDOFF, "standoff of the reachable assets", "m");
        histogram(&r, CPTED_BATCH_HIST_SPEED, "facade impact speed (worst target per asset)",
                  "km/h");
        histogram(&r, CPTED_BATCH_HIST_ENERGY, "facade impact energy (worst target per asset)",
                  "kJ");
        add(&r, "</section>\n");
        top_table(&r, approach, cpted__batch_top_count(result));
        add(&r, "<section id=\"rule\">\n<h2>Exposure rank</h2>\n<p>");
        esc(&r, cpted__batch_exposure_rule());
        add(&r, "</p>\n");
        size_t nw = cpted_batch_warning_count(result);
        if (nw) {
            add(&r, "<h3>Warnings</h3>\n<ul>\n");
            for (size_t i = 0; i < nw; i++) {
                add(&r, "<li>");
                esc(&r, cpted_batch_warning(result, i));
                add(&r, "</li>\n");
            }
            add(&r, "</ul>\n");
        }
        add(&r, "</section>\n<footer><p>Generated by cpted ");
        esc(&r, cpted_version_string());
        add(&r, " on ");
        esc(&r, date);
        add(&r, ". Every asset is either assessed or marked NOT ASSESSED; approximations put "
                "the vehicle closer and faster, never farther or slower.</p></footer>\n"
                "</body>\n</html>\n");
    }
    if (rc == CPTED_OK && r.t.failed)
        rc = cpted__nomem(ctx, "report");
    if (rc != CPTED_OK) {
        cpted__text_free(&r.t);
        return rc;
    }
    *out = r.t.buf;
    return CPTED_OK;
}
