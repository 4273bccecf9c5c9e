/*
 * cmd_coverage.c - `cpted coverage SOURCE... [--max-gap M] [--snap M]
 * [--chain M]`: gaps, open ends, ratings and breaches of the line of
 * protection (docs/method-coverage.md).
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "cpted coverage [options] SOURCE... [--max-gap M] [--snap M] [--chain M] [--json FILE|-] "
    "[-o OUT]";

/* The GIS layers of docs/outputs.md, for the checks before any work. */
static const char *const layers[] = {"perimeter_lines", "gaps", "breaches", NULL};

static int write_gis(const void *result, const char *path, const char *format, int32_t overwrite)
{
    return cpted_coverage_write(result, path, format, overwrite);
}

static const char *or_end(const char *id) { return id ? id : "(line end)"; }

static void print_table(const cpted_coverage *cov, const cpted_coverage_options *o,
                        const cpted_site *site)
{
    size_t nl = cpted_coverage_line_count(cov);
    printf("max clear gap %.3f m, snap %.3f m; %zu line(s)\n", o->max_gap_m, o->snap_m, nl);
    for (size_t i = 0; i < nl; i++) {
        cpted_coverage_line l;
        l.struct_size = sizeof l;
        if (cpted_coverage_get_line(&l, cov, i) != CPTED_OK)
            continue;
        printf("\nline %s%s%s%s: %.2f m, covered %.2f m (%.1f%%), %zu gap(s), %zu non-compliant, "
               "%d open end(s)\n",
               l.id, l.derived ? " (derived row)" : "", l.closed ? " (closed)" : "",
               l.unverified ? " (OSM bollard row, spacing unverified)" : "", l.length_m,
               l.covered_m, 100.0 * l.coverage_ratio, l.gap_count, l.noncompliant_count,
               (int)l.open_ends);
        printf("  weakest rating: %s; unrated elements: %zu\n",
               l.weakest_rating ? l.weakest_rating : "(none)", l.unrated_count);
        if (l.gap_count)
            printf("  %9s %9s %9s  %-10s %-9s %s\n", "from_m", "to_m", "clear_m", "compliant",
                   "passable", "between");
        for (size_t k = 0; k < l.gap_count; k++) {
            cpted_coverage_gap g;
            g.struct_size = sizeof g;
            if (cpted_coverage_get_gap(&g, cov, i, k) != CPTED_OK)
                continue;
            printf("  %9.3f %9.3f %9.3f  %-10s %-9s %s - %s\n", g.start_m, g.end_m,
                   g.clear_width_m, g.compliant ? "yes" : "NO", g.vehicle_passable ? "YES" : "no",
                   or_end(g.before_id), or_end(g.after_id));
        }
    }
    const char *why = cpted_coverage_not_assessed(cov);
    if (why) {
        /* never print "breaches: 0" as if the site were closed */
        printf("\nbreaches: not assessed (%s)\n", why);
        return;
    }
    size_t nb = cpted_coverage_breach_count(cov);
    const char *crs = cpted_site_output_crs(site);
    printf("\nbreaches: %zu%s%s%s\n", nb, nb ? " (points in " : "",
           nb ? (*crs ? crs : "local metres") : "", nb ? ")" : "");
    for (size_t i = 0; i < nb; i++) {
        cpted_coverage_breach b;
        b.struct_size = sizeof b;
        if (cpted_coverage_get_breach(&b, cov, i) != CPTED_OK)
            continue;
        printf("  line %s ", b.line_id);
        if (b.kind == CPTED_BREACH_BYPASS) {
            printf("bypass round its end at ");
            cli_print_point(site, b.x, b.y);
            printf(", passage %.3f m wide\n", b.width_m);
        } else {
            printf("at ");
            cli_print_point(site, b.x, b.y);
            printf(": %.3f m of line the vehicle centre can cross\n", b.width_m);
        }
    }
}

int cmd_coverage(int argc, char **argv)
{
    static cli_parts parts; /* large (the --target arrays of the VDA's options) */
    int rc = cli_parts_init(&parts, CPTED_ANALYSIS_COVERAGE, "coverage", NULL);
    if (rc != CLI_EXIT_OK)
        return rc;
    const cpted_coverage_options *copts = &parts.coverage;
    cli_options o;
    rc = cli_parse(argc, argv, "coverage", usage, parts.options, &parts, CLI_TAKES_ANALYSIS, &o);
    if (rc >= 0)
        return rc;
    rc = cli_check_outputs(&o, layers);
    if (rc != CLI_EXIT_OK)
        return rc;
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_coverage *cov = NULL;
    rc = cli_check_vehicle(ctx, &o);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_site(ctx, &o, &site);
    if (rc == CLI_EXIT_OK)
        rc = cli_freespace(ctx, &o, site, &fs);
    if (rc == CLI_EXIT_OK) {
        int status = cpted_coverage_run(&cov, fs, copts);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    char *json = NULL;
    if (rc == CLI_EXIT_OK && o.json_path) {
        int status = cpted_coverage_to_json(&json, cov);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_commit_outputs(ctx, &o, json, write_gis, cov);
    cpted_free(json);
    if (rc == CLI_EXIT_OK && (!o.json_path || strcmp(o.json_path, "-") != 0))
        print_table(cov, copts, site);
    /* Loud even with --quiet: nothing analysed must never read as "no breaches".
     * A free space not assessed was reported by cli_freespace() already. */
    if (rc == CLI_EXIT_OK && cpted_coverage_line_count(cov) == 0)
        fprintf(stderr, "cpted coverage: NOT ASSESSED: %s\n", cpted_coverage_not_assessed(cov));
    if (rc == CLI_EXIT_OK && !o.quiet && cpted_coverage_line_count(cov) == 0)
        fprintf(stderr,
                "cpted coverage: note: no line of protection: give it as a line layer named "
                "'perimeter' (or --role LAYER=perimeter); barrier points (OpenStreetMap "
                "barrier=bollard nodes) less than --chain m apart also form rows\n");
    if (rc == CLI_EXIT_OK && o.fail_on_findings && cpted_coverage_finding_count(cov) > 0)
        rc = CLI_EXIT_FINDINGS;
    cpted_coverage_free(cov);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
