/*
 * cmd_vda.c - `cpted vda SOURCE... [--targets KIND] [--target X,Y] [--spacing M]
 * [--entry-speed KMH] [--cell M] [--headings N] [--window M] [--no-sensitivity]
 * [--chain M]`: the vehicle dynamics assessment, the fastest approach of the
 * design vehicle to each point of the line of protection (or each facade, or
 * the caller's points) and whether the barrier there is rated for it
 * (docs/method-vda.md).
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "cpted vda [options] SOURCE... [--vehicle CLASS] [--targets auto|perimeter|facades|points] "
    "[--target X,Y] [--spacing M] [--entry-speed KMH] [--json FILE|-] [-o OUT]";

/* The GIS layers of docs/outputs.md, for the checks before any work. */
static const char *const layers[] = {"vda_targets", "vda_paths", "corridors", NULL};

static int write_gis(const void *result, const char *path, const char *format, int32_t overwrite)
{
    return cpted_vda_write(result, path, format, overwrite);
}

/* ---- the table ------------------------------------------------------------ */

static void print_number(double v, int width, int decimals)
{
    if (isfinite(v))
        printf(" %*.*f", width, decimals, v);
    else
        printf(" %*s", width, "-");
}

static const char *ok_text(int32_t ok) { return ok < 0 ? "-" : ok ? "yes" : "NO"; }

static void print_summaries(const cpted_vda *res, const char *title, size_t n,
                            int (*get)(cpted_vda_summary *, const cpted_vda *, size_t))
{
    if (n == 0)
        return;
    printf("\n%s\n", title);
    cli_print_cell("id", 24);
    printf(" %7s ", "targets");
    cli_print_cell("worst target", 24);
    printf(" %7s %9s ", "km/h", "kJ");
    cli_print_cell("rating", 28);
    printf(" %-4s %s\n", "ok", "needed");
    for (size_t i = 0; i < n; i++) {
        cpted_vda_summary s;
        memset(&s, 0, sizeof s);
        s.struct_size = sizeof s;
        if (get(&s, res, i) != CPTED_OK)
            continue;
        cpted_vda_target t;
        memset(&t, 0, sizeof t);
        t.struct_size = sizeof t;
        int worst = s.worst_target != (size_t)-1 &&
                    cpted_vda_get_target(&t, res, s.worst_target) == CPTED_OK;
        cli_print_cell(s.id, 24);
        printf(" %7zu ", s.target_count);
        cli_print_cell(worst ? t.id : "(none reachable)", 24);
        print_number(worst ? s.speed_kmh : NAN, 7, 1);
        print_number(worst ? s.energy_kj : NAN, 9, 1);
        printf(" ");
        cli_print_cell(s.rating ? s.rating : "(unrated)", 28);
        printf(" %-4s %s\n", ok_text(s.ok), worst && s.needed_rating ? s.needed_rating : "");
    }
}

/* At most this many targets in the table: the fastest (the JSON and -o have all). */
enum { TABLE_TARGETS = 40 };

typedef struct ranked {
    size_t index;
    double kmh; /* -1 when unreachable */
} ranked;

static int by_speed(const void *a, const void *b)
{
    const ranked *p = a, *q = b;
    if (p->kmh != q->kmh)
        return p->kmh > q->kmh ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

static void print_targets(const cpted_vda *res)
{
    size_t n = cpted_vda_target_count(res);
    ranked *order = n ? calloc(n, sizeof *order) : NULL;
    size_t shown = n;
    if (order) {
        for (size_t i = 0; i < n; i++) {
            cpted_vda_target t;
            memset(&t, 0, sizeof t);
            t.struct_size = sizeof t;
            int hit = cpted_vda_get_target(&t, res, i) == CPTED_OK && t.assessed && t.reachable;
            order[i] = (ranked){i, hit && isfinite(t.speed_kmh) ? t.speed_kmh : -1.0};
        }
        if (n > TABLE_TARGETS) {
            qsort(order, n, sizeof *order, by_speed);
            shown = TABLE_TARGETS;
        }
    } else if (n) {
        shown = n < TABLE_TARGETS ? n : TABLE_TARGETS; /* out of memory: the first ones */
    }
    if (n == 0)
        return;
    if (shown < n)
        printf("\ntargets: the %zu fastest of %zu (all in --json and -o)\n", shown, n);
    else
        printf("\ntargets\n");
    cli_print_cell("target", 24);
    printf(" %7s %9s %6s %8s ", "km/h", "kJ", "angle", "runup_m");
    cli_print_cell("barrier", 20);
    printf(" %-4s %s\n", "ok", "needed");
    for (size_t k = 0; k < shown; k++) {
        size_t i = order ? order[k].index : k;
        cpted_vda_target t;
        memset(&t, 0, sizeof t);
        t.struct_size = sizeof t;
        if (cpted_vda_get_target(&t, res, i) != CPTED_OK)
            continue;
        cli_print_cell(t.id, 24);
        if (!t.assessed) {
            printf(" %7s  not assessed: %s\n", "-", t.not_assessed ? t.not_assessed : "");
            continue;
        }
        if (!t.reachable) {
            printf(" %7s\n", "unreached");
            continue;
        }
        print_number(t.speed_kmh, 7, 1);
        print_number(t.energy_kj, 9, 1);
        print_number(t.angle_deg, 6, 1);
        print_number(t.runup_m, 8, 1);
        printf(" ");
        cli_print_cell(t.barrier_id ? t.barrier_id : "-", 20);
        printf(" %-4s %s\n", ok_text(t.ok), t.needed_rating ? t.needed_rating : "");
    }
    free(order);
}

static void print_table(const cpted_vda *res, const cli_options *o, const cpted_vda_options *vo)
{
    printf("vehicle %s (%.0f kg, width %.2f m); ", o->vehicle.class_code, o->vehicle.mass_kg,
           o->vehicle.width_m);
    if (isfinite(vo->entry_speed_kmh))
        printf("from standstill anywhere reachable, or at %g km/h from the entries\n",
               vo->entry_speed_kmh);
    else
        printf("from standstill anywhere reachable\n");
    const char *why = cpted_vda_not_assessed(res);
    if (why) {
        /* never a table of speeds that reads as "nothing can reach" */
        printf("NOT ASSESSED: %s\n", why);
        return;
    }
    size_t n = cpted_vda_target_count(res), reachable = 0;
    for (size_t i = 0; i < n; i++) {
        cpted_vda_target t;
        memset(&t, 0, sizeof t);
        t.struct_size = sizeof t;
        reachable += cpted_vda_get_target(&t, res, i) == CPTED_OK && t.assessed && t.reachable;
    }
    printf("%zu target(s), %zu reachable from the attack side; %zu finding(s)\n", n, reachable,
           cpted_vda_finding_count(res));
    print_summaries(res, "lines and facades", cpted_vda_line_count(res), cpted_vda_get_line);
    print_summaries(res, "barrier elements", cpted_vda_element_count(res), cpted_vda_get_element);
    print_targets(res);
}

/* ---- the command ------------------------------------------------------------ */

int cmd_vda(int argc, char **argv)
{
    static cli_parts parts; /* large: the --target arrays */
    int rc = cli_parts_init(&parts, CPTED_ANALYSIS_VDA, "vda", NULL);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_options o;
    rc = cli_parse(argc, argv, "vda", usage, parts.options, &parts, CLI_TAKES_ANALYSIS, &o);
    if (rc >= 0)
        return rc;
    rc = cli_parts_check(&parts, "vda", usage);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_check_outputs(&o, layers);
    if (rc != CLI_EXIT_OK)
        return rc;
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_vda *res = NULL;
    char *json = NULL;
    rc = cli_check_vehicle(ctx, &o);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_site(ctx, &o, &site);
    if (rc == CLI_EXIT_OK)
        rc = cli_parts_points(&parts, site, "vda");
    if (rc == CLI_EXIT_OK)
        rc = cli_freespace(ctx, &o, site, &fs);
    if (rc == CLI_EXIT_OK) {
        int status = cpted_vda_run(&res, fs, &parts.vda);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && o.json_path) {
        int status = cpted_vda_to_json(&json, res);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_commit_outputs(ctx, &o, json, write_gis, res);
    if (rc == CLI_EXIT_OK && (!o.json_path || strcmp(o.json_path, "-") != 0))
        print_table(res, &o, &parts.vda);
    /* Loud even with --quiet: nothing assessed must never read as "no approach".
     * A free space not assessed was reported by cli_freespace() already. */
    if (rc == CLI_EXIT_OK && cpted_vda_not_assessed(res) && !cpted_freespace_not_assessed(fs))
        fprintf(stderr, "cpted vda: NOT ASSESSED: %s\n", cpted_vda_not_assessed(res));
    if (rc == CLI_EXIT_OK && cpted_vda_target_count(res) == 0)
        fprintf(stderr,
                "cpted vda: NOT ASSESSED: no targets: give a line of protection (a line layer "
                "named 'perimeter', or --role LAYER=perimeter), assets (facades), or --target "
                "X,Y\n");
    if (rc == CLI_EXIT_OK && o.fail_on_findings && cpted_vda_finding_count(res) > 0)
        rc = CLI_EXIT_FINDINGS;
    cpted_free(json);
    cpted_vda_free(res);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
