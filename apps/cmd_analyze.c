/*
 * cmd_analyze.c - `cpted analyze SOURCE... [-o OUT] [--json FILE|-]
 * [--parts LIST] [--fail-on-findings]`: coverage, standoff and the vehicle
 * dynamics assessment over one free space (computed once), with the options
 * of the three commands, their findings worst first
 * (docs/method-analysis.md), one GIS output with every layer and its QGIS
 * style (docs/outputs.md), the `cpted/analysis/1` JSON and the HTML report
 * (docs/report.md; dated SOURCE_DATE_EPOCH when that is set, for
 * reproducible reports).
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "cpted analyze [options] SOURCE... [-o OUT] [--report FILE.html] [--json FILE|-] "
    "[--parts LIST] [--fail-on-findings]";

static const struct {
    const char *name;
    int32_t bit;
} part_names[] = {
    {"coverage", CPTED_ANALYSIS_COVERAGE},
    {"standoff", CPTED_ANALYSIS_STANDOFF},
    {"vda", CPTED_ANALYSIS_VDA},
};

enum { PART_COUNT = sizeof part_names / sizeof part_names[0] };

/* The parts to run (--parts), outside cli_parts: only this command has it. */
static int32_t selected = CPTED_ANALYSIS_ALL;

/* "coverage,vda": a comma-separated list of part names, each at most once. */
static int on_parts(const char *value, void *payload)
{
    (void)payload;
    int32_t bits = 0;
    const char *p = value;
    while (*p) {
        size_t n = strcspn(p, ",");
        int32_t bit = 0;
        for (size_t k = 0; k < PART_COUNT; k++)
            if (strlen(part_names[k].name) == n && strncmp(p, part_names[k].name, n) == 0)
                bit = part_names[k].bit;
        if (!bit || (bits & bit))
            return -1;
        bits |= bit;
        p += n;
        if (*p == ',' && *++p == '\0')
            return -1; /* a trailing comma */
    }
    if (!bits)
        return -1;
    selected = bits;
    return 0;
}

/* --report FILE.html */
static const char *report_path = NULL;

static int on_report(const char *value, void *payload)
{
    (void)payload;
    if (!*value)
        return -1;
    report_path = value;
    return 0;
}

/* The report's date: SOURCE_DATE_EPOCH (reproducible builds' convention) as
 * an ISO date when it is set and valid, else NULL (today, UTC). */
static const char *report_date(char *buf, size_t size)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!epoch || !*epoch)
        return NULL;
    char *end = NULL;
    long long secs = strtoll(epoch, &end, 10);
    if (*end || secs < 0)
        return NULL;
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
        return NULL;
    return buf;
}

static const cli_extra_option own_options[] = {
    {"report", 1, "also write the HTML report of the analysis to FILE.html (docs/report.md)",
     on_report, NULL},
    {"parts", 1,
     "the analyses to run, comma-separated: coverage,standoff,vda (default all three; a "
     "part left out is reported as not assessed)",
     on_parts, NULL},
    {NULL, 0, NULL, NULL, NULL},
};

/* The GIS layers of docs/outputs.md, for the checks before any work. */
static const char *const layers[] = {"perimeter_lines", "gaps",        "breaches",
                                     "standoff_lines",  "encroachment", "accessible_area",
                                     "vda_targets",     "vda_paths",    "corridors",
                                     NULL};

static int write_gis(const void *result, const char *path, const char *format, int32_t overwrite)
{
    return cpted_analysis_write(result, path, format, overwrite);
}

/* ---- the summary ------------------------------------------------------------- */

static void summary_coverage(const cpted_analysis *res)
{
    const cpted_coverage *cov = cpted_analysis_coverage(res);
    if (!cov) {
        printf("coverage: NOT ASSESSED (%s)\n",
               cpted_analysis_not_assessed(res, CPTED_ANALYSIS_COVERAGE));
        return;
    }
    size_t nl = cpted_coverage_line_count(cov), gaps = 0, bad = 0;
    for (size_t i = 0; i < nl; i++) {
        cpted_coverage_line l;
        memset(&l, 0, sizeof l);
        l.struct_size = sizeof l;
        if (cpted_coverage_get_line(&l, cov, i) == CPTED_OK) {
            gaps += l.gap_count;
            bad += l.noncompliant_count;
        }
    }
    printf("coverage: %zu line(s), %zu gap(s), %zu non-compliant; ", nl, gaps, bad);
    const char *why = cpted_coverage_not_assessed(cov);
    if (why)
        printf("breaches not assessed (%s)\n", why);
    else
        printf("%zu breach(es)\n", cpted_coverage_breach_count(cov));
}

static void summary_standoff(const cpted_analysis *res)
{
    const cpted_standoff *so = cpted_analysis_standoff(res);
    if (!so) {
        printf("standoff: NOT ASSESSED (%s)\n",
               cpted_analysis_not_assessed(res, CPTED_ANALYSIS_STANDOFF));
        return;
    }
    size_t n = cpted_standoff_asset_count(so), reachable = 0, short_of = 0;
    double nearest = INFINITY;
    for (size_t i = 0; i < n; i++) {
        cpted_standoff_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        if (cpted_standoff_get_asset(&a, so, i) != CPTED_OK)
            continue;
        reachable += a.reachable != 0;
        short_of += a.ok == 0;
        if (a.reachable && a.standoff_m < nearest)
            nearest = a.standoff_m;
    }
    printf("standoff: %zu asset(s), %zu reachable, %zu closer than required", n, reachable,
           short_of);
    if (isfinite(nearest))
        printf("; nearest %.2f m", nearest);
    printf("\n");
}

static void summary_vda(const cpted_analysis *res)
{
    const cpted_vda *vda = cpted_analysis_vda(res);
    if (!vda) {
        printf("vda: NOT ASSESSED (%s)\n", cpted_analysis_not_assessed(res, CPTED_ANALYSIS_VDA));
        return;
    }
    const char *why = cpted_vda_not_assessed(vda);
    if (why) {
        printf("vda: NOT ASSESSED (%s)\n", why);
        return;
    }
    size_t n = cpted_vda_target_count(vda), reachable = 0;
    cpted_vda_target fastest;
    memset(&fastest, 0, sizeof fastest);
    double best = -1.0;
    for (size_t i = 0; i < n; i++) {
        cpted_vda_target t;
        memset(&t, 0, sizeof t);
        t.struct_size = sizeof t;
        if (cpted_vda_get_target(&t, vda, i) != CPTED_OK || !t.assessed || !t.reachable)
            continue;
        reachable++;
        if (isfinite(t.speed_kmh) && t.speed_kmh > best) {
            best = t.speed_kmh;
            fastest = t;
        }
    }
    printf("vda: %zu target(s), %zu reachable from the attack side", n, reachable);
    if (best >= 0)
        printf("; fastest %.1f km/h (%.1f kJ) at %s", best, fastest.energy_kj, fastest.id);
    printf("\n");
}

static void print_findings(const cpted_analysis *res)
{
    size_t n = cpted_analysis_finding_count(res);
    if (n == 0) {
        printf("\nfindings: none\n");
        return;
    }
    printf("\nfindings: %zu, worst first\n", n);
    for (size_t i = 0; i < n; i++) {
        cpted_finding f;
        memset(&f, 0, sizeof f);
        f.struct_size = sizeof f;
        if (cpted_analysis_get_finding(&f, res, i) != CPTED_OK)
            continue;
        const char *sev = cpted_severity_name(f.severity);
        printf("  %-8s %-12s ", sev ? sev : "?", cpted_finding_kind_name(f.kind));
        cli_print_cell(f.subject_id ? f.subject_id : "-", 20);
        if (isfinite(f.x) && isfinite(f.y)) {
            printf(" ");
            cli_print_point(cpted_freespace_site(cpted_analysis_freespace(res)), f.x, f.y);
        }
        printf(" %s\n", f.message ? f.message : "");
    }
}

static void print_summary(const cpted_analysis *res, const cli_options *o)
{
    printf("vehicle %s (%.0f kg, width %.2f m)\n", o->vehicle.class_code, o->vehicle.mass_kg,
           o->vehicle.width_m);
    summary_coverage(res);
    summary_standoff(res);
    summary_vda(res);
    print_findings(res);
}

/* ---- the command ------------------------------------------------------------- */

int cmd_analyze(int argc, char **argv)
{
    static cli_parts parts; /* large: the --target arrays */
    int rc = cli_parts_init(&parts, CPTED_ANALYSIS_ALL, "analyze", own_options);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_options o;
    rc = cli_parse(argc, argv, "analyze", usage, parts.options, &parts, CLI_TAKES_ANALYSIS, &o);
    if (rc >= 0)
        return rc;
    rc = cli_parts_check(&parts, "analyze", usage);
    if (rc != CLI_EXIT_OK)
        return rc;
    o.report_path = report_path;
    rc = cli_check_outputs(&o, layers);
    if (rc != CLI_EXIT_OK)
        return rc;
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_analysis *res = NULL;
    char *json = NULL, *html = NULL;
    rc = cli_check_vehicle(ctx, &o);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_site(ctx, &o, &site);
    if (rc == CLI_EXIT_OK)
        rc = cli_parts_points(&parts, site, "analyze");
    if (rc == CLI_EXIT_OK)
        rc = cli_freespace(ctx, &o, site, &fs);
    if (rc == CLI_EXIT_OK) {
        cpted_analysis_options ao;
        cpted_analysis_options_init(&ao, sizeof ao);
        ao.coverage = &parts.coverage;
        ao.standoff = &parts.standoff;
        ao.vda = &parts.vda;
        ao.parts = selected;
        int status = cpted_analysis_run(&res, fs, &ao);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && o.json_path) {
        int status = cpted_analysis_to_json(&json, res);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && report_path) {
        char date[32];
        cpted_report_options ro;
        cpted_report_options_init(&ro, sizeof ro);
        ro.date = report_date(date, sizeof date);
        int status = cpted_analysis_report_html(&html, res, &ro);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
        o.report_html = html;
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_commit_outputs(ctx, &o, json, write_gis, res);
    if (rc == CLI_EXIT_OK && (!o.json_path || strcmp(o.json_path, "-") != 0))
        print_summary(res, &o);
    /* Loud even with --quiet: a part that assessed nothing must never read as
     * passed. */
    size_t n = rc == CLI_EXIT_OK ? cpted_analysis_finding_count(res) : 0;
    for (size_t i = 0; i < n; i++) {
        cpted_finding f;
        memset(&f, 0, sizeof f);
        f.struct_size = sizeof f;
        if (cpted_analysis_get_finding(&f, res, i) == CPTED_OK &&
            f.kind == CPTED_FINDING_NOT_ASSESSED)
            fprintf(stderr, "cpted analyze: NOT ASSESSED: %s\n", f.message ? f.message : "");
    }
    if (rc == CLI_EXIT_OK && o.fail_on_findings && n > 0)
        rc = CLI_EXIT_FINDINGS;
    cpted_free(json);
    cpted_free(html);
    cpted_analysis_free(res);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
