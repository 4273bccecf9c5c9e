/* test_report.c - the HTML report of an analysis (public API): a complete,
 * self-contained document whose findings and tables carry the analysis's own
 * numbers (the records and the cpted/analysis/1 JSON), byte-identical for one
 * date, parts left out shown as NOT ASSESSED, bad arguments refused.
 *
 * The site (as api_test_analysis): a 6 m street between two blocks, closed at
 * y = 0, a line of protection across it at y = 50 with one rated bollard in
 * its middle, and an asset behind the line. The M1 car passes beside the
 * bollard (2.85 m each side), so the line is breached, the asset has no
 * standoff, and the bollard is hit faster than its 32 km/h rating.
 */
#define _POSIX_C_SOURCE 200809L /* mkdir */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define BOLLARD_RATING "IWA 14-1 V/1500[M1]/32/90"

static void add_rect(cpted_site *site, const char *layer, int32_t role, double x0, double y0,
                     double x1, double y1)
{
    size_t n;
    unsigned char *w = test_wkb_rect(x0, y0, x1, y1, &n);
    test_add(site, layer, role, w, n);
}

static cpted_site *street_site(cpted_context *ctx)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, "EPSG:32633"), CPTED_OK);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 500000 - 10, 5000000 - 10, 500016, 5000090);
    add_rect(site, "blocks", CPTED_ROLE_BUILDING, 500000 - 10, 5000000 - 10, 500000, 5000090);
    add_rect(site, "blocks", CPTED_ROLE_BUILDING, 500006, 5000000 - 10, 500016, 5000090);
    add_rect(site, "blocks", CPTED_ROLE_BUILDING, 500000, 5000000 - 10, 500006, 5000000);
    add_rect(site, "entry", CPTED_ROLE_ENTRY, 500000, 5000000, 500006, 5000002);
    double line[4] = {500000, 5000050, 500006, 5000050};
    size_t n;
    unsigned char *w = test_wkb_line(line, 2, &n);
    test_add(site, "line", CPTED_ROLE_PERIMETER, w, n);
    w = test_wkb_point(500003, 5000050, &n);
    test_add_attrs(site, "bollard", CPTED_ROLE_BARRIER, w, n, "diameter=0.3",
                   "rating=" BOLLARD_RATING, "name=Bollard <B&1>", NULL);
    add_rect(site, "asset", CPTED_ROLE_ASSET, 500001, 5000060, 500005, 5000070);
    return site;
}

/* The analysis of the street site with the given parts (VDA without the band). */
static cpted_analysis *run(cpted_context *ctx, int32_t parts)
{
    cpted_site *site = street_site(ctx);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_standoff_options so;
    assert_int_equal(cpted_standoff_options_init(&so, sizeof so), CPTED_OK);
    so.charge_kg = 100;
    so.allowable_kpa = 20;
    cpted_vda_options vo;
    assert_int_equal(cpted_vda_options_init(&vo, sizeof vo), CPTED_OK);
    vo.sensitivity = 0;
    cpted_analysis_options o;
    assert_int_equal(cpted_analysis_options_init(&o, sizeof o), CPTED_OK);
    o.standoff = &so;
    o.vda = &vo;
    o.parts = parts;
    cpted_analysis *a = NULL;
    assert_int_equal(cpted_analysis_run(&a, fs, &o), CPTED_OK);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    return a;
}

static char *report(const cpted_analysis *a, const char *date, const char *title)
{
    cpted_report_options o;
    assert_int_equal(cpted_report_options_init(&o, sizeof o), CPTED_OK);
    o.date = date;
    o.title = title;
    char *html = NULL;
    assert_int_equal(cpted_analysis_report_html(&html, a, &o), CPTED_OK);
    assert_non_null(html);
    return html;
}

/* "%.2f" of v as the report writes it ("-" for NaN). */
static void fixed2(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.2f", v);
}

/* s with & < > " escaped (as the report escapes text). */
static void escaped(char *buf, size_t size, const char *s)
{
    size_t k = 0;
    for (; *s && k + 8 < size; s++) {
        const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
        if (rep) {
            strcpy(buf + k, rep);
            k += strlen(rep);
        } else {
            buf[k++] = *s;
        }
    }
    buf[k] = '\0';
}

/* The text of the section with this id (a copy to free). */
static char *section_of(const char *html, const char *id)
{
    char open[64];
    snprintf(open, sizeof open, "<section id=\"%s\">", id);
    const char *s = strstr(html, open);
    assert_non_null(s);
    const char *e = strstr(s, "</section>");
    assert_non_null(e);
    char *out = malloc((size_t)(e - s) + 1);
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = '\0';
    return out;
}

static void test_document_and_sections(void **state)
{
    cpted_analysis *a = run(*state, CPTED_ANALYSIS_ALL);
    char *html = report(a, "2026-03-04", NULL);
    assert_int_equal(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0);
    size_t len = strlen(html);
    assert_string_equal(html + len - 8, "</html>\n");
    assert_non_null(strstr(html, "<header id=\"title\">"));
    static const char *const ids[] = {"map", "findings", "coverage", "standoff",
                                      "vda", "sensitivity", "assumptions"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        free(section_of(html, ids[i]));
    /* self-contained: no resource of any kind is fetched */
    static const char *const banned[] = {"src=", "href=", "<link", "<script", "@import",
                                         "url(http", "http://", "https://"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        assert_null(strstr(html, banned[i]));
    /* one map, the only url() the page holds is its own clip path */
    assert_non_null(strstr(html, "<svg class=\"map\""));
    assert_null(strstr(strstr(html, "</svg>") + 6, "<svg"));
    assert_non_null(strstr(html, "url(#mapclip)"));
    /* the print rules: margins (the paper, A4 or A3, is the printer's choice), each
     * section on a page of its own */
    assert_non_null(strstr(html, "@page{margin:12mm}"));
    assert_non_null(strstr(html, "section{break-before:page}"));
    /* title block: date, version, the threat's required standoff and the vehicle */
    assert_non_null(strstr(html, "<tr><th>date</th><td>2026-03-04</td></tr>"));
    char buf[256];
    snprintf(buf, sizeof buf, "<tr><th>cpted version</th><td>%s</td></tr>",
             cpted_version_string());
    assert_non_null(strstr(html, buf));
    double req = NAN;
    assert_int_equal(cpted_blast_standoff_for(&req, 100, 20), CPTED_OK);
    snprintf(buf, sizeof buf, "allowable incident overpressure 20.0 kPa: required standoff %.1f m",
             req);
    assert_non_null(strstr(html, buf));
    assert_non_null(strstr(html, "M1: 1500 kg, 1.80 m wide"));
    assert_non_null(strstr(html, "coverage: assessed; standoff: assessed; vda: assessed"));
    /* a site built in memory has no file: its date says so, the licence is not stated */
    assert_non_null(strstr(html, "<td>unknown (in memory or not found)</td><td>not stated</td>"));
    /* the resolution allowance stated is the one applied at the run's cell (1 m:
     * 1.2 %, docs/method-vda.md §3); the band was off, so no band allowance */
    char *assumptions = section_of(html, "assumptions");
    assert_non_null(strstr(assumptions, "Lattice of 1.00 m cells and 32 headings, search window "
                                        "400 m; exact straight run-ups; lattice speeds raised by "
                                        "a resolution allowance of 1.2 %."));
    free(assumptions);
    /* text from the data is escaped (the bollard's name in its tooltip) */
    assert_non_null(strstr(html, "Bollard &lt;B&amp;1&gt;"));
    assert_null(strstr(html, "<B&1>"));
    cpted_free(html);
    cpted_analysis_free(a);
}

/* The findings table: the records' order and numbers, and the JSON's. */
static void test_findings_match_records_and_json(void **state)
{
    cpted_analysis *a = run(*state, CPTED_ANALYSIS_ALL);
    char *html = report(a, "2026-03-04", NULL);
    char *json = NULL;
    assert_int_equal(cpted_analysis_to_json(&json, a), CPTED_OK);
    char *sec = section_of(html, "findings");
    size_t n = cpted_analysis_finding_count(a);
    assert_true(n >= 4);
    const char *at = sec;
    const char *jat = strstr(json, "\"findings\":[");
    assert_non_null(jat);
    for (size_t i = 0; i < n; i++) {
        cpted_finding f = {.struct_size = sizeof f};
        assert_int_equal(cpted_analysis_get_finding(&f, a, i), CPTED_OK);
        char value[32], limit[32], msg[512], row[1024];
        fixed2(value, sizeof value, f.value);
        fixed2(limit, sizeof limit, f.limit);
        escaped(msg, sizeof msg, f.message);
        const char *part = f.part == CPTED_ANALYSIS_COVERAGE   ? "coverage"
                           : f.part == CPTED_ANALYSIS_STANDOFF ? "standoff"
                                                               : "vda";
        snprintf(row, sizeof row,
                 "<tr class=\"%s\"><td class=\"n\">%zu</td><td>%s</td><td>%s</td><td>%s</td>"
                 "<td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td></tr>",
                 cpted_severity_name(f.severity), i + 1, cpted_severity_name(f.severity),
                 cpted_finding_kind_name(f.kind), part, f.subject_id ? f.subject_id : "-",
                 value, limit, msg);
        const char *hit = strstr(at, row);
        if (!hit)
            fail_msg("finding %zu not found in order: %s", i, row);
        at = hit + strlen(row);
        /* the JSON's i-th finding: same kind, subject and value */
        char key[128];
        snprintf(key, sizeof key, "\"kind\":\"%s\"", cpted_finding_kind_name(f.kind));
        jat = strstr(jat, key);
        assert_non_null(jat);
        const char *v = strstr(jat, "\"value\":");
        assert_non_null(v);
        v += 8;
        char jvalue[32];
        if (strncmp(v, "null", 4) == 0)
            snprintf(jvalue, sizeof jvalue, "-");
        else
            fixed2(jvalue, sizeof jvalue, strtod(v, NULL));
        assert_string_equal(jvalue, value);
        if (f.subject_id) {
            snprintf(key, sizeof key, "\"subject\":\"%s\"", f.subject_id);
            const char *s = strstr(jat, key);
            assert_non_null(s);
            assert_true(s < v);
        }
        jat = v;
    }
    /* the critical ones lead */
    cpted_finding f0 = {.struct_size = sizeof f0};
    assert_int_equal(cpted_analysis_get_finding(&f0, a, 0), CPTED_OK);
    assert_int_equal(f0.severity, CPTED_SEVERITY_CRITICAL);
    free(sec);
    cpted_free(json);
    cpted_free(html);
    cpted_analysis_free(a);
}

/* Per asset the standoff record; per element its rating next to the one it needs. */
static void test_asset_and_element_tables(void **state)
{
    cpted_analysis *a = run(*state, CPTED_ANALYSIS_ALL);
    char *html = report(a, "2026-03-04", NULL);
    const cpted_standoff *so = cpted_analysis_standoff(a);
    assert_non_null(so);
    assert_int_equal(cpted_standoff_asset_count(so), 1);
    cpted_standoff_asset as = {.struct_size = sizeof as};
    assert_int_equal(cpted_standoff_get_asset(&as, so, 0), CPTED_OK);
    assert_int_equal(as.ok, 0);
    char sval[32], rval[32], row[512];
    fixed2(sval, sizeof sval, as.standoff_m);
    fixed2(rval, sizeof rval, as.required_m);
    assert_string_equal(sval, "0.00"); /* nothing stops the car before the asset */
    snprintf(row, sizeof row,
             "<tr><td>asset:1</td><td>-</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
             "<td class=\"fail\">NO</td>",
             sval, rval);
    char *sec = section_of(html, "standoff");
    assert_non_null(strstr(sec, row));
    free(sec);

    const cpted_vda *v = cpted_analysis_vda(a);
    assert_non_null(v);
    assert_int_equal(cpted_vda_element_count(v), 1);
    cpted_vda_summary s = {.struct_size = sizeof s};
    assert_int_equal(cpted_vda_get_element(&s, v, 0), CPTED_OK);
    assert_string_equal(s.id, "bollard:1");
    assert_string_equal(s.rating, BOLLARD_RATING);
    assert_non_null(s.needed_rating);
    assert_true(s.speed_kmh > 32.0);
    assert_int_equal(s.ok, 0);
    snprintf(row, sizeof row,
             "<tr><td>bollard:1</td><td class=\"n\">%zu</td><td class=\"n\">%.1f</td>"
             "<td class=\"n\">%.0f</td><td>%s</td><td>%s</td><td class=\"fail\">NO</td></tr>",
             s.target_count, s.speed_kmh, s.energy_kj, s.rating, s.needed_rating);
    sec = section_of(html, "vda");
    if (!strstr(sec, row))
        fail_msg("element row not found: %s", row);
    /* the header names both ratings */
    assert_non_null(strstr(sec, "<th>actual rating</th><th>required rating</th>"));
    free(sec);
    /* the band section lists the fastest target first */
    sec = section_of(html, "sensitivity");
    size_t nt = cpted_vda_target_count(v), best = nt;
    double best_kmh = -1;
    for (size_t i = 0; i < nt; i++) {
        cpted_vda_target t = {.struct_size = sizeof t};
        assert_int_equal(cpted_vda_get_target(&t, v, i), CPTED_OK);
        if (t.reachable && t.speed_kmh > best_kmh)
            best_kmh = t.speed_kmh, best = i;
    }
    assert_true(best < nt);
    cpted_vda_target t = {.struct_size = sizeof t};
    assert_int_equal(cpted_vda_get_target(&t, v, best), CPTED_OK);
    /* sensitivity 0: no band (NaN, shown as -), and the section says it was not computed */
    assert_true(isnan(t.speed_low_kmh) && isnan(t.speed_high_kmh));
    snprintf(row, sizeof row, "</tr>\n<tr><td>%s</td><td class=\"n\">%.1f</td><td class=\"n\">-"
             "</td><td class=\"n\">-</td>", t.id, t.speed_kmh);
    assert_non_null(strstr(sec, "not computed"));
    if (!strstr(sec, row)) /* the first row */
        fail_msg("%s\nnot in\n%s", row, sec);
    free(sec);
    /* the corridor of the element's worst approach is drawn in its speed class's
     * colour (docs/report.md: classes bounded by 16, 32, ... 112 km/h) */
    static const char *const ramp[] = {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c",
                                       "#fc4e2a", "#e31a1c", "#b10026", "#67001f"};
    assert_int_equal(cpted_vda_get_target(&t, v, s.worst_target), CPTED_OK);
    int cls = (int)floor(t.speed_kmh / 16.0);
    if (cls > 7)
        cls = 7;
    snprintf(row, sizeof row, " fill=\"%s\" d=\"M", ramp[cls]);
    sec = section_of(html, "map");
    const char *path = strstr(sec, row);
    assert_non_null(path);
    snprintf(row, sizeof row, "<title>approach to %s: %.1f km/h</title></path>", t.id,
             t.speed_kmh);
    const char *title = strstr(path, row);
    assert_non_null(title);
    assert_null(memchr(path, '>', (size_t)(title - path) - 1)); /* the same element */
    free(sec);
    cpted_free(html);
    cpted_analysis_free(a);
}

static void test_deterministic_and_today(void **state)
{
    cpted_analysis *a = run(*state, CPTED_ANALYSIS_ALL);
    char *one = report(a, "2026-03-04", "Street <test> & co");
    char *two = report(a, "2026-03-04", "Street <test> & co");
    if (strcmp(one, two) != 0) {
        test_write_file(test_tmp_path("report_one.html"), one);
        test_write_file(test_tmp_path("report_two.html"), two);
        fail_msg("two reports of one date differ (tests/tmp/report_one.html, report_two.html)");
    }
    assert_non_null(strstr(one, "<h1>Street &lt;test&gt; &amp; co</h1>"));
    assert_non_null(strstr(one, "<title>Street &lt;test&gt; &amp; co</title>"));
    /* no date: today's, UTC */
    char today[64];
    time_t now = time(NULL);
    struct tm tm = *gmtime(&now);
    strftime(today, sizeof today, "<tr><th>date</th><td>%Y-%m-%d</td></tr>", &tm);
    char *three = report(a, NULL, NULL);
    if (!strstr(three, today)) { /* midnight passed between the two calls */
        now = time(NULL);
        tm = *gmtime(&now);
        strftime(today, sizeof today, "<tr><th>date</th><td>%Y-%m-%d</td></tr>", &tm);
        assert_non_null(strstr(three, today));
    }
    /* NULL options: the defaults */
    char *four = NULL;
    assert_int_equal(cpted_analysis_report_html(&four, a, NULL), CPTED_OK);
    assert_non_null(strstr(four, "<h1>Hostile vehicle mitigation assessment: memory</h1>"));
    cpted_free(one);
    cpted_free(two);
    cpted_free(three);
    cpted_free(four);
    cpted_analysis_free(a);
}

static void test_not_assessed_part(void **state)
{
    cpted_analysis *a = run(*state, CPTED_ANALYSIS_COVERAGE | CPTED_ANALYSIS_VDA);
    assert_null(cpted_analysis_standoff(a));
    const char *why = cpted_analysis_not_assessed(a, CPTED_ANALYSIS_STANDOFF);
    assert_non_null(why);
    char *html = report(a, "2026-03-04", NULL);
    char *sec = section_of(html, "standoff");
    char esc_why[512], want[700];
    escaped(esc_why, sizeof esc_why, why);
    snprintf(want, sizeof want,
             "<p class=\"not-assessed\"><strong>NOT ASSESSED</strong>: %s</p>", esc_why);
    assert_non_null(strstr(sec, want));
    assert_null(strstr(sec, "asset:1")); /* no row that could read as passed */
    assert_null(strstr(sec, "class=\"pass\""));
    free(sec);
    assert_non_null(strstr(html, "standoff: <strong class=\"fail\">NOT ASSESSED</strong>"));
    assert_non_null(strstr(html, "<tr><th>threat</th><td>standoff NOT ASSESSED</td></tr>"));
    /* and the part is a finding of the table */
    sec = section_of(html, "findings");
    assert_non_null(strstr(sec, "<td>not_assessed</td><td>standoff</td>"));
    free(sec);
    cpted_free(html);
    cpted_analysis_free(a);
}

/* The map is drawn in the output CRS: the plaza (EPSG:25832, E 500000 N 5800000,
 * about 9 deg E 52.3 deg N) with output EPSG:4326 has tick labels in degrees,
 * says so, and marks its scale bar approximate; in its own CRS the labels are
 * metres (E 500000 .. 500300 in steps of 50 m) and the bar is not approximate. */
static void test_map_in_output_crs(void **state)
{
    cpted_context *ctx = *state;
    for (int geo = 0; geo < 2; geo++) {
        cpted_site_options so;
        assert_int_equal(cpted_site_options_init(&so, sizeof so), CPTED_OK);
        so.output_crs = geo ? "EPSG:4326" : NULL;
        const char *paths[1] = {test_sample_path("plaza/plaza.gpkg")};
        cpted_site *site = NULL;
        assert_int_equal(cpted_site_open(&site, ctx, paths, 1, &so), CPTED_OK);
        cpted_vehicle v;
        assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
        cpted_freespace *fs = NULL;
        assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
        cpted_analysis_options o;
        assert_int_equal(cpted_analysis_options_init(&o, sizeof o), CPTED_OK);
        o.parts = CPTED_ANALYSIS_COVERAGE;
        cpted_analysis *a = NULL;
        assert_int_equal(cpted_analysis_run(&a, fs, &o), CPTED_OK);
        char *html = report(a, "2026-03-04", NULL);
        char *map = section_of(html, "map");
        if (geo) {
            assert_non_null(strstr(map, "Coordinates: EPSG:4326 (output CRS), degrees"));
            assert_non_null(strstr(map, " m (approx.)</text>"));
            assert_non_null(strstr(map, "text-anchor=\"end\">52.3"));
            assert_non_null(strstr(map, "text-anchor=\"middle\">9.00"));
            assert_null(strstr(map, ">500100</text>"));
        } else {
            assert_non_null(strstr(map, "Coordinates: EPSG:25832 (output CRS), metres"));
            assert_null(strstr(map, "(approx.)"));
            assert_non_null(strstr(map, "text-anchor=\"middle\">500100</text>"));
            assert_non_null(strstr(map, "text-anchor=\"end\">5800250</text>"));
        }
        /* the source is a file: its licence note (samples/plaza/README.md has none) */
        assert_non_null(strstr(html, "plaza.gpkg</td>"));
        assert_non_null(strstr(html, "<td>not stated</td>"));
        free(map);
        cpted_free(html);
        cpted_analysis_free(a);
        cpted_freespace_free(fs);
        cpted_site_free(site);
    }
}

/* The report of a site file (coverage only: nothing to wait for). */
static char *report_of_file(cpted_context *ctx, const char *path)
{
    const char *paths[1] = {path};
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx, paths, 1, NULL), CPTED_OK);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_analysis_options o;
    assert_int_equal(cpted_analysis_options_init(&o, sizeof o), CPTED_OK);
    o.parts = CPTED_ANALYSIS_COVERAGE;
    cpted_analysis *a = NULL;
    assert_int_equal(cpted_analysis_run(&a, fs, &o), CPTED_OK);
    char *html = report(a, "2026-03-04", NULL);
    cpted_analysis_free(a);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    return html;
}

/* The licence rules (docs/report.md): a note next to the source (ATTRIBUTION,
 * LICENSE: its line about a licence, else its first; README.md: only a line
 * about a licence), else OpenStreetMap's for OSM sources, else "not stated";
 * the date is the file's modification time (UTC). */
static void test_source_licences_and_dates(void **state)
{
    cpted_context *ctx = *state;
    static const char site_json[] =
        "{\"type\": \"FeatureCollection\", \"name\": \"buildings\", \"crs\": {\"type\": "
        "\"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::32632\"}}, "
        "\"features\": [{\"type\": \"Feature\", \"properties\": {}, \"geometry\": "
        "{\"type\": \"Polygon\", \"coordinates\": [[[500020, 5538620], [500040, 5538620], "
        "[500040, 5538640], [500020, 5538640], [500020, 5538620]]]}}]}";
    static const struct {
        const char *dir, *note, *text, *want;
    } cases[] = {
        {"report_lic_a", "ATTRIBUTION", "site.geojson\n\xc2\xa9 Example City, CC BY 4.0\n",
         "<td>\xc2\xa9 Example City, CC BY 4.0 <span class=\"from\">(ATTRIBUTION)</span></td>"},
        {"report_lic_b", "LICENSE", "\n  Data of the city survey\nmore\n",
         "<td>Data of the city survey <span class=\"from\">(LICENSE)</span></td>"},
        {"report_lic_c", "README.md", "# A site\nNo word on terms here.\n", "<td>not stated</td>"},
        {"report_lic_d", "README.md", "# A site\n\nLicence: <CC0> & friends\n",
         "<td>Licence: &lt;CC0&gt; &amp; friends <span class=\"from\">(README.md)</span></td>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[512], path[600], note[600];
        snprintf(dir, sizeof dir, "%s", test_tmp_path(cases[i].dir));
        mkdir(dir, 0755);
        snprintf(path, sizeof path, "%s/site.geojson", dir);
        snprintf(note, sizeof note, "%s/%s", dir, cases[i].note);
        test_write_file(path, site_json);
        test_write_file(note, cases[i].text);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        char date[64];
        strftime(date, sizeof date, "<td>%Y-%m-%d</td>", gmtime(&st.st_mtime));
        char *html = report_of_file(ctx, path);
        char *row = strstr(html, "<table class=\"sources\">");
        assert_non_null(row);
        if (!strstr(row, cases[i].want))
            fail_msg("case %zu: %s not in the sources table", i, cases[i].want);
        assert_non_null(strstr(row, date));
        /* the source not assessed for want of a line: said so */
        assert_non_null(strstr(html, "<strong>NOT ASSESSED</strong>: no line of protection"));
        cpted_free(html);
    }
    char *html = report_of_file(ctx, test_data_path("osm_semantics.osm"));
    assert_non_null(strstr(html, "<td>\xc2\xa9 OpenStreetMap contributors, ODbL 1.0 "
                                 "<span class=\"from\">(OpenStreetMap source)</span></td>"));
    cpted_free(html);
}

static void test_bad_arguments(void **state)
{
    cpted_context *ctx = *state;
    cpted_report_options o;
    assert_int_equal(cpted_report_options_init(NULL, sizeof o), CPTED_E_INVALID);
    assert_int_equal(cpted_report_options_init(&o, 4), CPTED_E_VERSION);
    assert_int_equal(cpted_report_options_init(&o, CPTED_REPORT_OPTIONS_V1_SIZE), CPTED_OK);
    assert_int_equal(o.struct_size, CPTED_REPORT_OPTIONS_V1_SIZE);
    assert_null(o.title);
    assert_null(o.date);
    char *html = (char *)"untouched";
    assert_int_equal(cpted_analysis_report_html(&html, NULL, NULL), CPTED_E_INVALID);
    cpted_analysis *a = run(ctx, CPTED_ANALYSIS_COVERAGE);
    assert_int_equal(cpted_analysis_report_html(NULL, a, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "out is NULL"));
    assert_int_equal(cpted_report_options_init(&o, sizeof o), CPTED_OK);
    o.struct_size = 4;
    html = NULL;
    assert_int_equal(cpted_analysis_report_html(&html, a, &o), CPTED_E_VERSION);
    assert_null(html);
    assert_non_null(strstr(cpted_context_last_error(ctx), "cpted_report_options"));
    /* a newer caller's larger struct with a zero tail is accepted */
    struct {
        cpted_report_options o;
        double future;
    } big;
    memset(&big, 0, sizeof big);
    assert_int_equal(cpted_report_options_init(&big.o, sizeof big), CPTED_OK);
    assert_int_equal(cpted_analysis_report_html(&html, a, &big.o), CPTED_OK);
    cpted_free(html);
    big.future = 1.0;
    html = NULL;
    assert_int_equal(cpted_analysis_report_html(&html, a, &big.o), CPTED_E_VERSION);
    assert_null(html);
    cpted_analysis_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_and_sections),
        cmocka_unit_test(test_findings_match_records_and_json),
        cmocka_unit_test(test_asset_and_element_tables),
        cmocka_unit_test(test_deterministic_and_today),
        cmocka_unit_test(test_not_assessed_part),
        cmocka_unit_test(test_map_in_output_crs),
        cmocka_unit_test(test_source_licences_and_dates),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
