/*
 * cmd_coverage.c - `cpted coverage SOURCE... [--max-gap M] [--snap M]
 * [--chain M]`: gaps, open ends, ratings and breaches of the line of
 * protection (architecture.md §6, docs/method-coverage.md).
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "cpted coverage [options] SOURCE... [--max-gap M] [--snap M] [--chain M] [--json FILE|-] "
    "[-o OUT]";

static int set_max_gap(const char *value, void *payload)
{
    cpted_coverage_options *o = payload;
    return cli_parse_double(value, &o->max_gap_m) != 0 || !(o->max_gap_m > 0);
}

static int set_snap(const char *value, void *payload)
{
    cpted_coverage_options *o = payload;
    return cli_parse_double(value, &o->snap_m) != 0 || !(o->snap_m >= 0);
}

static int set_chain(const char *value, void *payload)
{
    cpted_coverage_options *o = payload;
    return cli_parse_double(value, &o->chain_m) != 0 || !(o->chain_m > 0);
}

static const cli_extra_option extra[] = {
    {"max-gap", 1, "largest compliant clear gap in m, > 0 (default 1.2)", set_max_gap},
    {"snap", 1, "footprints within this many m of a line cover it, >= 0 (default 1.0)", set_snap},
    {"chain", 1, "barrier points closer than this many m form a row when no perimeter is "
                 "given, > 0 (default 5)",
     set_chain},
    {NULL, 0, NULL, NULL},
};

static const char *or_end(const char *id) { return id ? id : "(line end)"; }

static void print_table(const cpted_coverage *cov, const cpted_coverage_options *o)
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
    size_t nb = cpted_coverage_breach_count(cov);
    printf("\nbreaches: %zu\n", nb);
    for (size_t i = 0; i < nb; i++) {
        cpted_coverage_breach b;
        b.struct_size = sizeof b;
        if (cpted_coverage_get_breach(&b, cov, i) != CPTED_OK)
            continue;
        if (b.kind == CPTED_BREACH_BYPASS)
            printf("  line %s: bypass round its end at (%.3f, %.3f) (working CRS), passage %.3f m "
                   "wide\n",
                   b.line_id, b.x, b.y, b.width_m);
        else
            printf("  line %s at (%.3f, %.3f) (working CRS): %.3f m of line the vehicle centre "
                   "can cross\n",
                   b.line_id, b.x, b.y, b.width_m);
    }
}

int cmd_coverage(int argc, char **argv)
{
    cpted_coverage_options copts;
    if (cpted_coverage_options_init(&copts, sizeof copts) != CPTED_OK) {
        fprintf(stderr, "cpted coverage: cannot initialise options\n");
        return CLI_EXIT_INTERNAL;
    }
    cli_options o;
    int rc = cli_parse(argc, argv, "coverage", usage, extra, &copts, &o);
    if (rc >= 0)
        return rc;
    cpted_freespace_options fo;
    cpted_freespace_options_init(&fo, sizeof fo);
    cli_freespace_options(&o, &fo);
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_coverage *cov = NULL;
    rc = cli_check_vehicle(ctx, &o);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_site(ctx, &o, &site);
    if (rc == CLI_EXIT_OK) {
        int status = cpted_freespace_new(&fs, site, &o.vehicle, &fo);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK) {
        int status = cpted_coverage_run(&cov, fs, &copts);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && o.json_path) {
        char *json = NULL;
        int status = cpted_coverage_to_json(&json, cov);
        rc = status == CPTED_OK ? cli_write_json(&o, json) : cli_fail(ctx, &o, status);
        cpted_free(json);
    }
    if (rc == CLI_EXIT_OK && o.out_path) {
        cpted_writer *w = NULL;
        int status = cpted_writer_open(&w, ctx, o.out_path, o.out_format, o.overwrite);
        if (status == CPTED_OK)
            status = cpted_writer_add_coverage(w, cov);
        if (status == CPTED_OK)
            status = cpted_writer_commit(w);
        cpted_writer_free(w);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && (!o.json_path || strcmp(o.json_path, "-") != 0))
        print_table(cov, &copts);
    if (rc == CLI_EXIT_OK && o.fail_on_findings && cpted_coverage_finding_count(cov) > 0)
        rc = CLI_EXIT_FINDINGS;
    cpted_coverage_free(cov);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
