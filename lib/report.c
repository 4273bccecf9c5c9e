/*
 * report.c - the HTML report of an analysis (cpted_analysis_report_html):
 * one self-contained document (no network: inline CSS and an inline SVG map
 * from svgmap.c), printable to A4/A3 with a page break before each section.
 * Sections and where each number comes from: docs/report.md.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#define _LARGEFILE64_SOURCE 1   /* VSIStatBufL is glibc's struct stat64 */

#include <cpl_vsi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

CPTED_API int CPTED_CALL cpted_report_options_init(cpted_report_options *opts,
                                                   size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_REPORT_OPTIONS_V1_SIZE)
        return CPTED_E_VERSION;
    memset(opts, 0, struct_size);
    opts->struct_size = (uint32_t)struct_size;
    return CPTED_OK;
}

/* ---- small writers ------------------------------------------------------ */

typedef struct report {
    cpted_context *ctx;
    const cpted_analysis *a;
    cpted_freespace *fs;
    const cpted_site *site;
    const cpted_coverage *cov;
    const cpted_standoff *so;
    const cpted_vda *vda;
    cpted_vehicle vehicle;
    cpted__text t;
} report;

static void esc(report *r, const char *s)
{
    cpted__text_escape(&r->t, s);
}

static void add(report *r, const char *s)
{
    cpted__text_add(&r->t, s);
}

static void num(report *r, double v, int decimals)
{
    cpted__text_fixed(&r->t, v, decimals);
}

/* A table cell with a number (NaN: "-"). */
static void td_num(report *r, double v, int decimals)
{
    add(r, "<td class=\"n\">");
    num(r, v, decimals);
    add(r, "</td>");
}

static void td_text(report *r, const char *s)
{
    add(r, "<td>");
    if (s)
        esc(r, s);
    else
        add(r, "-");
    add(r, "</td>");
}

/* ok: 1 pass, 0 fail, -1 not applicable. */
static void td_ok(report *r, int32_t ok)
{
    add(r, ok == 1 ? "<td class=\"pass\">yes</td>"
           : ok == 0 ? "<td class=\"fail\">NO</td>"
                     : "<td>n/a</td>");
}

static void not_assessed_block(report *r, const char *why)
{
    add(r, "<p class=\"not-assessed\"><strong>NOT ASSESSED</strong>: ");
    esc(r, why ? why : "no reason given");
    add(r, "</p>\n");
}

static void section(report *r, const char *id, const char *title)
{
    add(r, "<section id=\"");
    add(r, id);
    add(r, "\">\n<h2>");
    esc(r, title);
    add(r, "</h2>\n");
}

static const char *const part_names[3] = {"coverage", "standoff", "vda"};

/* ---- sources: dates and licences (rules: docs/report.md) ---------------- */

static bool mentions_licence(const char *line)
{
    return strstr(line, "\xc2\xa9") || strstr(line, "(c)") || strstr(line, "(C)") ||
           strstr(line, "icen") || strstr(line, "ICEN") || strstr(line, "opyright") ||
           strstr(line, "OPYRIGHT");
}

/* From the first 4 KB of a note: the first line that mentions a licence or
 * copyright; with any_line, else its first non-empty line. A copy, or NULL. */
static char *note_line(const char *path, bool any_line)
{
    VSILFILE *f = VSIFOpenL(path, "rb");
    if (!f)
        return NULL;
    char buf[4097];
    size_t n = VSIFReadL(buf, 1, sizeof buf - 1, f);
    VSIFCloseL(f);
    buf[n] = '\0';
    char *first = NULL;
    for (char *line = buf; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            line[--len] = '\0';
        while (*line == ' ' || *line == '#')
            line++;
        if (*line && !first)
            first = line;
        if (*line && mentions_licence(line)) {
            first = line;
            any_line = true;
            break;
        }
        line = end ? end + 1 : NULL;
    }
    if (!first || !any_line)
        return NULL;
    if (strlen(first) > 300)
        first[300] = '\0';
    return cpted__strdup(first);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n)
        return false;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i], b = suffix[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

/* The licence of a source: *from_out names the note it comes from (static or NULL). */
static char *licence_of(const char *source, const char **from_out)
{
    static const char *const notes[] = {"ATTRIBUTION", "LICENSE", "README.md"};
    *from_out = NULL;
    const char *slash = strrchr(source, '/');
    size_t dir_len = slash ? (size_t)(slash - source) + 1 : 0;
    for (size_t i = 0; i < 3; i++) {
        char *p = cpted__printf("%.*s%s", (int)dir_len, source, notes[i]);
        if (!p)
            return NULL;
        char *line = note_line(p, i < 2);
        cpted__free(p);
        if (line) {
            *from_out = notes[i];
            return line;
        }
    }
    if (ends_with(source, ".osm") || ends_with(source, ".pbf") || ends_with(source, ".osm.bz2")) {
        *from_out = "OpenStreetMap source";
        return cpted__strdup("\xc2\xa9 OpenStreetMap contributors, ODbL 1.0");
    }
    return cpted__strdup("not stated");
}

void cpted__report_utc_date(char buf[32], time_t when)
{
    struct tm tm;
    if (!gmtime_r(&when, &tm)) {
        strcpy(buf, "unknown");
        return;
    }
    strftime(buf, 32, "%Y-%m-%d", &tm);
}

static void sources_table(report *r)
{
    const cpted_site *site = r->site;
    size_t n = cpted_site_layer_count(site);
    add(r, "<table class=\"sources\"><tr><th>source</th><th>layers</th><th>modified (UTC)</th>"
           "<th>licence</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        const char *src = cpted_site_layer_source(site, i);
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(cpted_site_layer_source(site, j), src) == 0;
        if (seen || !src)
            continue;
        add(r, "<tr><td>");
        esc(r, src);
        add(r, "</td><td>");
        bool first = true;
        for (size_t j = i; j < n; j++) {
            if (strcmp(cpted_site_layer_source(site, j), src) != 0 ||
                cpted_site_layer_role(site, j) == CPTED_ROLE_NONE)
                continue;
            if (!first)
                add(r, ", ");
            esc(r, cpted_site_layer_name(site, j));
            add(r, " (");
            esc(r, cpted_role_name(cpted_site_layer_role(site, j)));
            add(r, ")");
            first = false;
        }
        add(r, "</td><td>");
        VSIStatBufL st;
        char date[64] = "unknown (in memory or not found)";
        bool is_file = VSIStatL(src, &st) == 0;
        if (is_file)
            cpted__report_utc_date(date, st.st_mtime);
        esc(r, date);
        add(r, "</td><td>");
        const char *from = NULL;
        char *lic = is_file ? licence_of(src, &from) : cpted__strdup("not stated");
        if (!lic)
            r->t.failed = true;
        esc(r, lic);
        if (from) {
            add(r, " <span class=\"from\">(");
            esc(r, from);
            add(r, ")</span>");
        }
        cpted__free(lic);
        add(r, "</td></tr>\n");
    }
    add(r, "</table>\n");
}

/* ---- title block ---------------------------------------------------------- */

static void title_block(report *r, const char *title, const char *date)
{
    add(r, "<header id=\"title\">\n<h1>");
    esc(r, title);
    add(r, "</h1>\n<table class=\"kv\">\n<tr><th>date</th><td>");
    esc(r, date);
    add(r, "</td></tr>\n<tr><th>cpted version</th><td>");
    esc(r, cpted_version_string());
    add(r, "</td></tr>\n<tr><th>CRS</th><td>working ");
    esc(r, cpted_site_crs(r->site)[0] ? cpted_site_crs(r->site) : "local");
    add(r, ", output (map and coordinates) ");
    esc(r, cpted_site_output_crs(r->site)[0] ? cpted_site_output_crs(r->site) : "local");
    const cpted_vehicle *v = &r->vehicle;
    add(r, "</td></tr>\n<tr><th>vehicle</th><td>");
    esc(r, v->class_code);
    add(r, ": ");
    num(r, v->mass_kg, 0);
    add(r, " kg, ");
    num(r, v->width_m, 2);
    add(r, " m wide, a0 ");
    num(r, v->a0_mps2, 2);
    add(r, " m/s&#178;, top speed ");
    num(r, v->vmax_mps * 3.6, 0);
    add(r, " km/h (assumptions below)</td></tr>\n<tr><th>threat</th><td>");
    if (r->so) {
        double charge, kpa, req;
        cpted__standoff_threat(r->so, &charge, &kpa, &req);
        if (isfinite(charge)) {
            add(r, "vehicle bomb of ");
            num(r, charge, 1);
            add(r, " kg TNT equivalent");
            if (isfinite(kpa)) {
                add(r, ", allowable incident overpressure ");
                num(r, kpa, 1);
                add(r, " kPa: required standoff ");
                num(r, req, 1);
                add(r, " m");
            }
        } else {
            add(r, "no charge given: standoffs are compared with the assets' own "
                   "required_standoff_m");
        }
    } else {
        add(r, "standoff NOT ASSESSED");
    }
    const cpted_freespace_options *o = &r->fs->opts;
    add(r, "</td></tr>\n<tr><th>ground model</th><td>drivable = ");
    add(r, o->drivable == CPTED_DRIVABLE_ROADS
               ? "roads (only mapped ground and roads; not the conservative model)"
               : "everything (everything inside the boundary that is not blocked, pavements "
                 "and plazas included: the conservative model)");
    add(r, "; soft features ");
    add(r, o->soft_blocking ? "block" : "do not block");
    add(r, "; default bollard diameter ");
    num(r, o->bollard_diameter_m, 2);
    add(r, " m</td></tr>\n<tr><th>parts</th><td>");
    for (int p = 0; p < 3; p++) {
        const char *why = cpted_analysis_not_assessed(r->a, 1 << p);
        if (p)
            add(r, "; ");
        add(r, part_names[p]);
        add(r, why ? ": <strong class=\"fail\">NOT ASSESSED</strong>" : ": assessed");
    }
    add(r, "</td></tr>\n<tr><th>findings</th><td>");
    num(r, (double)cpted_analysis_finding_count(r->a), 0);
    add(r, "</td></tr>\n</table>\n<h3>Sources</h3>\n");
    sources_table(r);
    add(r, "</header>\n");
}

static int map_section(report *r)
{
    char *svg = NULL;
    int rc = cpted__analysis_map_svg(&svg, r->fs, r->cov, r->so, r->vda, 1000);
    if (rc != CPTED_OK)
        return rc;
    section(r, "map", "Map");
    add(r, "<figure>\n");
    add(r, svg);
    add(r, "<figcaption>Corridors: the swept ground of the fastest approach to each barrier "
           "element and each line (the worst target of each), coloured by impact speed; dots: "
           "every target reached, by speed. Hover for ids and values.</figcaption>\n</figure>\n"
           "</section>\n");
    cpted__free(svg);
    return CPTED_OK;
}

/* ---- findings and tables ------------------------------------------------- */

static void findings_section(report *r)
{
    section(r, "findings", "Findings, worst first");
    size_t n = cpted_analysis_finding_count(r->a);
    if (n == 0) {
        add(r, "<p class=\"pass\">No findings: every part was assessed and passed.</p>\n");
    } else {
        add(r, "<table class=\"findings\"><tr><th>#</th><th>severity</th><th>kind</th>"
               "<th>part</th><th>subject</th><th>value</th><th>limit</th><th>finding</th></tr>\n");
        for (size_t i = 0; i < n; i++) {
            cpted_finding f = {.struct_size = sizeof f};
            if (cpted_analysis_get_finding(&f, r->a, i) != CPTED_OK)
                continue;
            const char *sev = cpted_severity_name(f.severity);
            add(r, "<tr class=\"");
            add(r, sev ? sev : "unknown");
            add(r, "\">");
            td_num(r, (double)(i + 1), 0);
            td_text(r, sev);
            td_text(r, cpted_finding_kind_name(f.kind));
            td_text(r, f.part == CPTED_ANALYSIS_COVERAGE   ? "coverage"
                       : f.part == CPTED_ANALYSIS_STANDOFF ? "standoff"
                                                           : "vda");
            td_text(r, f.subject_id);
            td_num(r, f.value, 2);
            td_num(r, f.limit, 2);
            td_text(r, f.message);
            add(r, "</tr>\n");
        }
        add(r, "</table>\n");
    }
    add(r, "</section>\n");
}

static void coverage_section(report *r)
{
    section(r, "coverage", "Lines of protection (coverage)");
    const char *why = cpted_analysis_not_assessed(r->a, CPTED_ANALYSIS_COVERAGE);
    const cpted_coverage *cov = r->cov;
    if (!cov) {
        not_assessed_block(r, why);
        add(r, "</section>\n");
        return;
    }
    if (cpted_coverage_not_assessed(cov))
        not_assessed_block(r, cpted_coverage_not_assessed(cov));
    add(r, "<p>Maximum clear gap ");
    num(r, cov->opts.max_gap_m, 2);
    add(r, " m; vehicle width ");
    num(r, r->vehicle.width_m, 2);
    add(r, " m.</p>\n<table class=\"lines\"><tr><th>line</th><th>length m</th>"
           "<th>covered m</th><th>covered %</th><th>open ends</th><th>gaps</th>"
           "<th>too wide</th><th>weakest rating</th><th>unrated elements</th></tr>\n");
    size_t n = cpted_coverage_line_count(cov);
    for (size_t i = 0; i < n; i++) {
        cpted_coverage_line l = {.struct_size = sizeof l};
        if (cpted_coverage_get_line(&l, cov, i) != CPTED_OK)
            continue;
        add(r, "<tr>");
        td_text(r, l.id);
        td_num(r, l.length_m, 1);
        td_num(r, l.covered_m, 1);
        td_num(r, 100 * l.coverage_ratio, 1);
        td_num(r, l.open_ends, 0);
        td_num(r, (double)l.gap_count, 0);
        td_num(r, (double)l.noncompliant_count, 0);
        td_text(r, l.weakest_rating);
        td_num(r, (double)l.unrated_count, 0);
        add(r, "</tr>\n");
    }
    add(r, "</table>\n<h3>Gaps wider than allowed</h3>\n<table class=\"gaps\"><tr><th>line</th>"
           "<th>from m</th><th>to m</th><th>clear width m</th><th>vehicle passes</th>"
           "<th>between</th></tr>\n");
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        cpted_coverage_line l = {.struct_size = sizeof l};
        if (cpted_coverage_get_line(&l, cov, i) != CPTED_OK)
            continue;
        for (size_t g = 0; g < l.gap_count; g++) {
            cpted_coverage_gap gap = {.struct_size = sizeof gap};
            if (cpted_coverage_get_gap(&gap, cov, i, g) != CPTED_OK || gap.compliant)
                continue;
            add(r, "<tr>");
            td_text(r, l.id);
            td_num(r, gap.start_m, 1);
            td_num(r, gap.end_m, 1);
            td_num(r, gap.clear_width_m, 2);
            add(r, gap.vehicle_passable ? "<td class=\"fail\">YES</td>" : "<td>no</td>");
            add(r, "<td>");
            esc(r, gap.before_id ? gap.before_id : "line end");
            add(r, " / ");
            esc(r, gap.after_id ? gap.after_id : "line end");
            add(r, "</td></tr>\n");
            shown++;
        }
    }
    if (!shown)
        add(r, "<tr><td colspan=\"6\">none</td></tr>\n");
    add(r, "</table>\n<h3>Breaches</h3>\n<table class=\"breaches\"><tr><th>line</th><th>kind</th>"
           "<th>width m</th></tr>\n");
    size_t nb = cpted_coverage_breach_count(cov);
    for (size_t i = 0; i < nb; i++) {
        cpted_coverage_breach b = {.struct_size = sizeof b};
        if (cpted_coverage_get_breach(&b, cov, i) != CPTED_OK)
            continue;
        add(r, "<tr>");
        td_text(r, b.line_id);
        td_text(r, cpted_breach_kind_name(b.kind));
        td_num(r, b.width_m, 2);
        add(r, "</tr>\n");
    }
    if (!nb)
        add(r, cpted_coverage_not_assessed(cov)
                   ? "<tr><td colspan=\"3\">NOT ASSESSED (see above)</td></tr>\n"
                   : "<tr><td colspan=\"3\">none</td></tr>\n");
    add(r, "</table>\n</section>\n");
}

static void standoff_section(report *r)
{
    section(r, "standoff", "Standoff per asset");
    const cpted_standoff *so = r->so;
    if (!so) {
        not_assessed_block(r, cpted_analysis_not_assessed(r->a, CPTED_ANALYSIS_STANDOFF));
        add(r, "</section>\n");
        return;
    }
    if (cpted_freespace_not_assessed(r->fs))
        not_assessed_block(r, cpted_freespace_not_assessed(r->fs));
    add(r, "<table class=\"assets\"><tr><th>asset</th><th>name</th><th>standoff m</th>"
           "<th>required m</th><th>ok</th><th>incident kPa</th><th>reflected kPa</th>"
           "<th>encroachment m&#178;</th></tr>\n");
    size_t n = cpted_standoff_asset_count(so);
    for (size_t i = 0; i < n; i++) {
        cpted_standoff_asset a = {.struct_size = sizeof a};
        if (cpted_standoff_get_asset(&a, so, i) != CPTED_OK)
            continue;
        add(r, "<tr>");
        td_text(r, a.id);
        td_text(r, a.name);
        if (!a.assessed)
            add(r, "<td class=\"fail\" colspan=\"6\">NOT ASSESSED</td>");
        else {
            if (a.reachable)
                td_num(r, a.standoff_m, 2);
            else
                add(r, "<td>unreachable</td>");
            td_num(r, a.required_m, 2);
            td_ok(r, a.ok);
            if (isfinite(a.incident_kpa_at_least)) {
                add(r, "<td class=\"n\">&#8805; ");
                num(r, a.incident_kpa_at_least, 0);
                add(r, "</td><td class=\"n\">&#8805; ");
                num(r, a.reflected_kpa_at_least, 0);
                add(r, "</td>");
            } else {
                td_num(r, a.incident_kpa, 1);
                td_num(r, a.reflected_kpa, 1);
            }
            td_num(r, a.encroachment_m2, 1);
        }
        add(r, "</tr>\n");
    }
    add(r, "</table>\n</section>\n");
}

static void summary_rows(report *r, bool elements)
{
    const cpted_vda *v = r->vda;
    size_t n = elements ? cpted_vda_element_count(v) : cpted_vda_line_count(v);
    for (size_t i = 0; i < n; i++) {
        cpted_vda_summary s = {.struct_size = sizeof s};
        int rc = elements ? cpted_vda_get_element(&s, v, i) : cpted_vda_get_line(&s, v, i);
        if (rc != CPTED_OK)
            continue;
        add(r, "<tr>");
        td_text(r, s.id);
        td_num(r, (double)s.target_count, 0);
        td_num(r, s.speed_kmh, 1);
        td_num(r, s.energy_kj, 0);
        td_text(r, s.rating ? s.rating : "unrated");
        td_text(r, s.needed_rating);
        td_ok(r, s.ok);
        add(r, "</tr>\n");
    }
    if (!n)
        add(r, "<tr><td colspan=\"7\">none</td></tr>\n");
}

static void vda_section(report *r)
{
    section(r, "vda", "Vehicle dynamics: barrier elements and lines");
    const cpted_vda *v = r->vda;
    if (!v) {
        not_assessed_block(r, cpted_analysis_not_assessed(r->a, CPTED_ANALYSIS_VDA));
        add(r, "</section>\n");
        return;
    }
    if (cpted_vda_not_assessed(v))
        not_assessed_block(r, cpted_vda_not_assessed(v));
    static const char head[] =
        "<tr><th>%s</th><th>targets</th><th>worst speed km/h</th><th>energy kJ</th>"
        "<th>actual rating</th><th>required rating</th><th>ok</th></tr>\n";
    add(r, "<h3>Per barrier element</h3>\n<table class=\"elements\">");
    cpted__text_addf(&r->t, head, "element");
    summary_rows(r, true);
    add(r, "</table>\n<h3>Per line (and facade)</h3>\n<table class=\"vda-lines\">");
    cpted__text_addf(&r->t, head, "line");
    summary_rows(r, false);
    add(r, "</table>\n</section>\n");
}

static void sensitivity_section(report *r)
{
    section(r, "sensitivity", "Sensitivity of the worst approaches");
    const cpted_vda *v = r->vda;
    if (!v || cpted_vda_not_assessed(v)) {
        not_assessed_block(r, v ? cpted_vda_not_assessed(v)
                                : cpted_analysis_not_assessed(r->a, CPTED_ANALYSIS_VDA));
        add(r, "</section>\n");
        return;
    }
    add(r, "<p>The ten fastest approaches, with the band of speeds over a0 &#215; 0.8 .. 1.2 "
           "and f = 0.6 .. 1.0 (docs/method-vda.md &#167;4)");
    if (!v->opts.sensitivity)
        add(r, "; the band was not computed for this run (sensitivity off): low and high are "
               "shown as -");
    add(r, ".</p>\n<table class=\"band\"><tr>"
           "<th>target</th><th>speed km/h</th><th>band low</th><th>band high</th>"
           "<th>angle &#176;</th><th>run-up m</th><th>element</th><th>rating</th>"
           "<th>required</th></tr>\n");
    size_t top[10], n = 0;
    for (size_t i = 0; i < v->target_count; i++) {
        if (!v->targets[i].rec.reachable)
            continue;
        /* keep the ten fastest, fastest first (ties: the earlier target) */
        size_t pos = n;
        while (pos > 0 && v->targets[top[pos - 1]].rec.speed_kmh < v->targets[i].rec.speed_kmh)
            pos--;
        if (pos >= 10)
            continue;
        if (n < 10)
            n++;
        for (size_t j = n - 1; j > pos; j--)
            top[j] = top[j - 1];
        top[pos] = i;
    }
    for (size_t k = 0; k < n; k++) {
        const cpted_vda_target *t = &v->targets[top[k]].rec;
        add(r, "<tr>");
        td_text(r, t->id);
        td_num(r, t->speed_kmh, 1);
        td_num(r, t->speed_low_kmh, 1);
        td_num(r, t->speed_high_kmh, 1);
        td_num(r, t->angle_deg, 0);
        td_num(r, t->runup_m, 1);
        td_text(r, t->barrier_id);
        td_text(r, t->rating ? t->rating : t->barrier_id ? "unrated" : NULL);
        td_text(r, t->needed_rating);
        add(r, "</tr>\n");
    }
    if (!n)
        add(r, "<tr><td colspan=\"9\">no target is reachable</td></tr>\n");
    add(r, "</table>\n</section>\n");
}

static void assumption(report *r, const char *what, const char *source)
{
    add(r, "<tr><td>");
    add(r, what); /* our own text: may hold entities */
    add(r, "</td><td class=\"src\">");
    add(r, source);
    add(r, "</td></tr>\n");
}

static void assumptions_section(report *r)
{
    section(r, "assumptions", "Assumptions and their sources");
    const cpted_vehicle *v = &r->vehicle;
    add(r, "<h3>Design vehicle</h3>\n<table class=\"vehicle\"><tr><th>parameter</th>"
           "<th>value</th></tr>\n");
    struct {
        const char *name;
        double value;
        int dec;
    } p[] = {{"test mass kg", v->mass_kg, 0},
             {"width m", v->width_m, 2},
             {"length m", v->length_m, 2},
             {"acceleration from standstill a0 m/s&#178;", v->a0_mps2, 2},
             {"top speed km/h", v->vmax_mps * 3.6, 1},
             {"lateral friction f", v->lateral_friction, 2},
             {"braking m/s&#178;", v->braking_mps2, 2},
             {"minimum turning radius m", v->min_turn_radius_m, 2}};
    add(r, "<tr><td>class</td><td>");
    esc(r, v->class_code);
    add(r, "</td></tr>\n");
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        add(r, "<tr><td>");
        add(r, p[i].name);
        add(r, "</td>");
        td_num(r, p[i].value, p[i].dec);
        add(r, "</tr>\n");
    }
    add(r, "</table>\n<p>Preset values and the status of each ([V] verified, [M] unverified, "
           "engineering default): docs/vehicles.md. Values overridden by the caller are "
           "shown as used.</p>\n<h3>Method</h3>\n<table class=\"assumptions\"><tr><th>assumption"
           "</th><th>source</th></tr>\n");
    assumption(r, "The vehicle is a disc of its width: it passes where that disc fits; a "
                  "rectangular body reaches r(&#8730;2 &#8722; 1) closer into a convex corner.",
               "docs/method-freespace.md (The vehicle); docs/method-standoff.md");
    assumption(r, "Straight-line acceleration a(v) = a0 (1 &#8722; v/vmax), never above vmax.",
               "domain.md &#167;2.2, &#167;9; docs/method-vda.md &#167;1");
    assumption(r, "Cornering speed at most &#8730;(f g r), friction circle shared with "
                  "acceleration; f = 0.6 normal road, 1.0 unknown surface; braking before a "
                  "bend is free (the attacker brakes perfectly).",
               "domain.md &#167;2.2 (MIL-HDBK-1013/14); docs/method-vda.md &#167;1");
    cpted__text_addf(&r->t, "<tr><td>Starts: standstill anywhere in the reachable space, any "
                            "heading%s. Lattice of ",
                     r->vda && isfinite(r->vda->opts.entry_speed_kmh)
                         ? ", and the entry zones at the entry speed given"
                         : "");
    if (r->vda) {
        num(r, r->vda->opts.cell_m, 2);
        cpted__text_addf(&r->t, " m cells and %d headings, search window ",
                         (int)r->vda->opts.headings);
        num(r, r->vda->opts.window_m, 0);
        add(r, " m; exact straight run-ups; lattice speeds raised by a resolution allowance of ");
        num(r, 100.0 * cpted__vda_allowance(r->vda->opts.cell_m), 1);
        add(r, " %");
        if (r->vda->opts.sensitivity) {
            add(r, " (the sensitivity band's coarser lattice: ");
            num(r, 100.0 * cpted__vda_allowance(cpted__vda_band_cell(r->vda->opts.cell_m)), 1);
            add(r, " %)");
        }
        add(r, ".");
    } else {
        add(r, "(VDA not assessed).");
    }
    add(r, "</td><td class=\"src\">docs/method-vda.md &#167;1&#8211;&#167;3 (cross-checked "
           "against an independent lattice: tests/crosscheck)</td></tr>\n");
    assumption(r, "Sensitivity band: a0 &#215; 0.8 and &#215; 1.2, f = 0.6 and 1.0, on a "
                  "lattice of twice the cell (both ends err upwards).",
               "docs/method-vda.md &#167;4");
    assumption(r, "Required rating: the design vehicle at the smallest standard test speed at "
                  "or above the impact speed (16, 32, 48, 64, 80, 96, 112 km/h), head-on, in "
                  "the grammar of the element's own standard (IWA 14-1 when unrated).",
               "domain.md &#167;1.2; docs/method-vda.md &#167;4; docs/ratings.md");
    if (r->cov) {
        add(r, "<tr><td>Largest compliant clear gap ");
        num(r, r->cov->opts.max_gap_m, 2);
        add(r, " m (tolerance ");
        num(r, r->cov->opts.tolerance_m * 1000, 0);
        add(r, " mm); footprints within ");
        num(r, r->cov->opts.snap_m, 2);
        add(r, " m of a line cover it; barrier points within ");
        num(r, r->cov->opts.chain_m, 1);
        add(r, " m form a row.</td><td class=\"src\">docs/method-coverage.md (defaults, "
               "&#167;1&#8211;&#167;3); domain.md &#167;3</td></tr>\n");
    }
    const cpted_freespace_options *o = &r->fs->opts;
    add(r, "<tr><td>Bollards without a diameter are ");
    num(r, o->bollard_diameter_m, 2);
    add(r, " m; walls without a thickness ");
    if (o->wall_thickness_m > 0) {
        num(r, o->wall_thickness_m, 2);
        add(r, " m");
    } else {
        add(r, "are lines as drawn");
    }
    add(r, o->soft_blocking ? "; soft features block." : "; soft features do not block.");
    add(r, " Arcs are polygons that err towards the vehicle.</td><td class=\"src\">"
           "docs/method-freespace.md (Footprints; Accuracy of polygonal buffers)</td></tr>\n");
    assumption(r, o->drivable == CPTED_DRIVABLE_ROADS
                      ? "Ground model: roads only (mapped ground and roads); pavements and "
                        "plazas not mapped are not drivable: not the conservative model."
                      : "Ground model: everything inside the boundary that is not blocked is "
                        "drivable (a hostile vehicle mounts kerbs): the conservative model.",
               "docs/method-freespace.md (Which ground is drivable)");
    assumption(r, "Standoff: from the asset to the ground the vehicle body can cover; the "
                  "charge detonates there as a hemispherical surface burst (Kingery&#8211;"
                  "Bulmash, Swisdak 1994 fits), valid for Z = 0.2&#8211;198.5 m/kg^(1/3), "
                  "never extrapolated (closer: at least the value at the fit's end).",
               "docs/method-standoff.md; docs/blast.md; domain.md &#167;4.3");
    add(r, "</table>\n");
    /* warnings of the site and the parts: what the numbers above rest on */
    size_t nw = cpted_site_warning_count(r->site);
    size_t total = nw + (r->cov ? cpted_coverage_warning_count(r->cov) : 0) +
                   (r->so ? cpted_standoff_warning_count(r->so) : 0) +
                   (r->vda ? cpted_vda_warning_count(r->vda) : 0);
    cpted__text_addf(&r->t, "<h3>Warnings (%zu)</h3>\n", total);
    if (total) {
        add(r, "<ul class=\"warnings\">\n");
        size_t shown = 0;
        for (int part = 0; part < 4 && shown < 100; part++) {
            size_t cnt = part == 0   ? nw
                         : part == 1 ? (r->cov ? cpted_coverage_warning_count(r->cov) : 0)
                         : part == 2 ? (r->so ? cpted_standoff_warning_count(r->so) : 0)
                                     : (r->vda ? cpted_vda_warning_count(r->vda) : 0);
            for (size_t i = 0; i < cnt && shown < 100; i++, shown++) {
                const char *w = part == 0   ? cpted_site_warning(r->site, i)
                                : part == 1 ? cpted_coverage_warning(r->cov, i)
                                : part == 2 ? cpted_standoff_warning(r->so, i)
                                            : cpted_vda_warning(r->vda, i);
                add(r, "<li>");
                add(r, part == 0 ? "site: " : part == 1 ? "coverage: " : part == 2 ? "standoff: "
                                                                                   : "vda: ");
                esc(r, w);
                add(r, "</li>\n");
            }
        }
        if (total > shown)
            cpted__text_addf(&r->t, "<li>... and %zu more (see the JSON)</li>\n", total - shown);
        add(r, "</ul>\n");
    }
    add(r, "</section>\n");
}

const char cpted__report_css[] =
    "<style>\n"
    "@page{margin:12mm}\n"
    "body{font-family:sans-serif;font-size:10pt;color:#111;margin:1em auto;max-width:1040px}\n"
    "h1{font-size:18pt;margin:0 0 .4em}h2{font-size:14pt;border-bottom:1px solid #999}\n"
    "h3{font-size:11pt}\n"
    "table{border-collapse:collapse;margin:.4em 0 1em;width:100%}\n"
    "th,td{border:1px solid #bbb;padding:2px 5px;text-align:left;vertical-align:top}\n"
    "th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "table.kv{width:auto}table.kv th{width:9em}\n"
    ".fail{color:#b00000;font-weight:bold}.pass{color:#1b6e20}\n"
    ".not-assessed{border:2px solid #b00000;padding:.4em;color:#b00000}\n"
    "tr.critical td:nth-child(2){color:#b00000;font-weight:bold}\n"
    "tr.high td:nth-child(2){color:#c05000;font-weight:bold}\n"
    ".from,.src{color:#555;font-size:9pt}\n"
    "figure{margin:0}svg.map{max-width:100%;height:auto}\n"
    "figcaption{font-size:9pt;color:#333}\n"
    "@media print{body{max-width:none;margin:0}section{break-before:page}"
    "tr,figure{break-inside:avoid}}\n"
    "</style>\n";

CPTED_API int CPTED_CALL cpted_analysis_report_html(char **out, const cpted_analysis *result,
                                                    const cpted_report_options *opts)
{
    if (!result)
        return CPTED_E_INVALID;
    cpted_freespace *fs = cpted_analysis_freespace(result);
    cpted_context *ctx = fs ? fs->ctx : NULL;
    if (!ctx)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_analysis_report_html: out is NULL");
    *out = NULL;
    cpted_report_options o;
    cpted_report_options_init(&o, sizeof o);
    int rc = cpted__options_copy(ctx, &o, opts, sizeof o, CPTED_REPORT_OPTIONS_V1_SIZE,
                                 "cpted_report_options");
    if (rc != CPTED_OK)
        return rc;
    report r = {.ctx = ctx, .a = result, .fs = fs, .site = fs->site};
    r.cov = cpted_analysis_coverage(result);
    r.so = cpted_analysis_standoff(result);
    r.vda = cpted_analysis_vda(result);
    r.vehicle.struct_size = sizeof r.vehicle;
    rc = cpted_freespace_get_vehicle(&r.vehicle, fs);
    if (rc != CPTED_OK)
        return rc;
    char today[32];
    if (!o.date)
        cpted__report_utc_date(today, time(NULL));
    const char *date = o.date ? o.date : today;
    cpted__text title = {0};
    if (o.title) {
        cpted__text_add(&title, o.title);
    } else {
        const char *src = cpted_site_layer_count(r.site) ? cpted_site_layer_source(r.site, 0)
                                                         : NULL;
        const char *base = src ? strrchr(src, '/') : NULL;
        cpted__text_add(&title, "Hostile vehicle mitigation assessment");
        if (src) {
            cpted__text_add(&title, ": ");
            cpted__text_add(&title, base ? base + 1 : src);
        }
    }
    add(&r, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    esc(&r, title.buf ? title.buf : "");
    add(&r, "</title>\n");
    add(&r, cpted__report_css);
    add(&r, "</head>\n<body>\n");
    title_block(&r, title.buf ? title.buf : "", date);
    if (title.failed)
        r.t.failed = true;
    cpted__text_free(&title);
    rc = map_section(&r);
    if (rc == CPTED_OK) {
        findings_section(&r);
        coverage_section(&r);
        standoff_section(&r);
        vda_section(&r);
        sensitivity_section(&r);
        assumptions_section(&r);
        add(&r, "<footer><p>Generated by cpted ");
        esc(&r, cpted_version_string());
        add(&r, " on ");
        esc(&r, date);
        add(&r, ". Every result is either assessed or marked NOT ASSESSED; approximations "
                "put the vehicle closer and faster, never farther or slower.</p></footer>\n"
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
