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

typedef struct vda_args {
    cpted_vda_options opts;
    int targets_given;                  /* --targets */
    double points[2 * CLI_MAX_ITEMS];   /* --target X,Y in the output CRS, as given */
    size_t point_count;
} vda_args;

/* Numbers are range-checked by cli_parse (the library's plausible ranges). */
static int on_spacing(const char *value, void *payload)
{
    return cli_parse_double(value, &((vda_args *)payload)->opts.spacing_m);
}

static int on_entry_speed(const char *value, void *payload)
{
    return cli_parse_double(value, &((vda_args *)payload)->opts.entry_speed_kmh);
}

static int on_cell(const char *value, void *payload)
{
    return cli_parse_double(value, &((vda_args *)payload)->opts.cell_m);
}

static int on_window(const char *value, void *payload)
{
    return cli_parse_double(value, &((vda_args *)payload)->opts.window_m);
}

static int on_chain(const char *value, void *payload)
{
    return cli_parse_double(value, &((vda_args *)payload)->opts.chain_m);
}

static int on_headings(const char *value, void *payload)
{
    double v;
    if (cli_parse_double(value, &v) != 0 || v != floor(v))
        return -1; /* a whole number */
    ((vda_args *)payload)->opts.headings = (int32_t)v;
    return 0;
}

static int on_no_sensitivity(const char *value, void *payload)
{
    (void)value;
    ((vda_args *)payload)->opts.sensitivity = 0;
    return 0;
}

static const char *const target_kinds[] = {
    [CPTED_VDA_TARGETS_AUTO] = "auto",
    [CPTED_VDA_TARGETS_PERIMETER] = "perimeter",
    [CPTED_VDA_TARGETS_FACADES] = "facades",
    [CPTED_VDA_TARGETS_POINTS] = "points",
};

static int on_targets(const char *value, void *payload)
{
    vda_args *a = payload;
    for (size_t k = 0; k < sizeof target_kinds / sizeof target_kinds[0]; k++)
        if (strcmp(value, target_kinds[k]) == 0) {
            a->opts.targets = (int32_t)k;
            a->targets_given = 1;
            return 0;
        }
    return -1;
}

/* "X,Y": two finite numbers separated by a comma (spaces allowed round it). */
static int on_target(const char *value, void *payload)
{
    vda_args *a = payload;
    if (a->point_count == CLI_MAX_ITEMS)
        return -1;
    char *end = NULL;
    double x = strtod(value, &end);
    while (*end == ' ')
        end++;
    if (end == value || *end != ',')
        return -1;
    const char *rest = end + 1;
    double y = strtod(rest, &end);
    while (*end == ' ')
        end++;
    if (end == rest || *end || !isfinite(x) || !isfinite(y))
        return -1;
    a->points[2 * a->point_count] = x;
    a->points[2 * a->point_count + 1] = y;
    a->point_count++;
    return 0;
}

static const cli_extra_option extra[] = {
    {"targets", 1,
     "where the targets are: auto (the lines of protection, else the asset facades; the "
     "default), perimeter, facades, or points (only the --target points)",
     on_targets, NULL},
    {"target", 1,
     "a target point X,Y in the output CRS, as --boundary's box (repeatable); alone it means "
     "--targets points, with --targets KIND it is added to those targets",
     on_target, NULL},
    {"spacing", 1, "distance between targets along a line or facade in m, in [0.1, 100] (default 2)",
     on_spacing, "spacing_m"},
    {"entry-speed", 1,
     "also start at the entries at this speed in km/h, in [0, 250] (default: from standstill "
     "anywhere the vehicle can reach)",
     on_entry_speed, "entry_speed_kmh"},
    {"cell", 1, "lattice cell in m, in [0.1, 5] (default 0.5)", on_cell, "cell_m"},
    {"headings", 1, "lattice headings over the full circle, a whole number in [8, 128] (default 32)",
     on_headings, "headings"},
    {"window", 1, "search within this many m of the targets, in [20, 5000] (default 400)",
     on_window, "window_m"},
    {"no-sensitivity", 0, "skip the speed band for a0 x 0.8 .. 1.2 and f 0.6 .. 1.0 (four searches)",
     on_no_sensitivity, NULL},
    {"chain", 1,
     "barrier points closer than this many m form a row when no perimeter is given, in "
     "(0, 50] (default 5)",
     on_chain, "chain_m"},
    {NULL, 0, NULL, NULL, NULL},
};

/* The GIS layers of docs/outputs.md, for the checks before any work. */
static const char *const layers[] = {"vda_targets", "vda_paths", "corridors", NULL};

static int write_gis(const void *result, const char *path, const char *format, int32_t overwrite)
{
    return cpted_vda_write(result, path, format, overwrite);
}

/* ---- --target: from the output CRS into the working CRS --------------------- */

/* The working-CRS point that cpted_site_to_output() takes to (ox, oy): Newton's
 * method on that very transformation (a finite-difference Jacobian, 1 m steps),
 * from the middle of the site, to 1 micrometre. The library's forward
 * transformation is the one every output uses, so the target comes back in the
 * JSON and the layers at the coordinates given. 0 on success. */
static int from_output(const cpted_site *site, double ox, double oy, double *x_out,
                       double *y_out)
{
    if (strcmp(cpted_site_crs(site), cpted_site_output_crs(site)) == 0) {
        *x_out = ox;
        *y_out = oy;
        return 0;
    }
    double ext[4];
    if (cpted_site_get_extent(ext, site) != CPTED_OK)
        return -1;
    double x = (ext[0] + ext[2]) / 2, y = (ext[1] + ext[3]) / 2;
    const double h = 1.0;
    for (int iter = 0; iter < 50; iter++) {
        double fx, fy, ax, ay, bx, by;
        if (cpted_site_to_output(&fx, &fy, site, x, y) != CPTED_OK ||
            cpted_site_to_output(&ax, &ay, site, x + h, y) != CPTED_OK ||
            cpted_site_to_output(&bx, &by, site, x, y + h) != CPTED_OK)
            return -1;
        double j11 = (ax - fx) / h, j21 = (ay - fy) / h, j12 = (bx - fx) / h, j22 = (by - fy) / h;
        double det = j11 * j22 - j12 * j21;
        if (!isfinite(det) || det == 0.0)
            return -1;
        double rx = ox - fx, ry = oy - fy;
        double dx = (j22 * rx - j12 * ry) / det, dy = (j11 * ry - j21 * rx) / det;
        if (!isfinite(dx) || !isfinite(dy))
            return -1;
        x += dx;
        y += dy;
        if (hypot(dx, dy) < 1e-6) {
            *x_out = x;
            *y_out = y;
            return 0;
        }
    }
    return -1;
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
    vda_args a;
    memset(&a, 0, sizeof a);
    if (cpted_vda_options_init(&a.opts, sizeof a.opts) != CPTED_OK) {
        fprintf(stderr, "cpted vda: cannot initialise options\n");
        return CLI_EXIT_INTERNAL;
    }
    cli_options o;
    int rc = cli_parse(argc, argv, "vda", usage, extra, &a, CLI_TAKES_ANALYSIS, &o);
    if (rc >= 0)
        return rc;
    if (a.point_count && !a.targets_given)
        a.opts.targets = CPTED_VDA_TARGETS_POINTS;
    if (a.opts.targets == CPTED_VDA_TARGETS_POINTS && a.point_count == 0) {
        fprintf(stderr, "cpted vda: --targets points needs at least one --target X,Y\nusage: %s\n",
                usage);
        return CLI_EXIT_USAGE;
    }
    rc = cli_check_outputs(&o, layers);
    if (rc != CLI_EXIT_OK)
        return rc;
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_vda *res = NULL;
    char *json = NULL;
    double working[2 * CLI_MAX_ITEMS];
    rc = cli_check_vehicle(ctx, &o);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_site(ctx, &o, &site);
    for (size_t i = 0; rc == CLI_EXIT_OK && i < a.point_count; i++)
        if (from_output(site, a.points[2 * i], a.points[2 * i + 1], &working[2 * i],
                        &working[2 * i + 1]) != 0) {
            const char *crs = cpted_site_output_crs(site);
            fprintf(stderr,
                    "cpted vda: --target %g,%g: the point cannot be transformed from the output "
                    "CRS %s into the working CRS %s\n",
                    a.points[2 * i], a.points[2 * i + 1], *crs ? crs : "(local)",
                    *cpted_site_crs(site) ? cpted_site_crs(site) : "(local)");
            rc = CLI_EXIT_INPUT;
        }
    if (rc == CLI_EXIT_OK)
        rc = cli_freespace(ctx, &o, site, &fs);
    if (rc == CLI_EXIT_OK) {
        a.opts.points_xy = a.point_count ? working : NULL;
        a.opts.point_count = a.point_count;
        int status = cpted_vda_run(&res, fs, &a.opts);
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
        print_table(res, &o, &a.opts);
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
