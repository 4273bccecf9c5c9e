/*
 * part_options.c - the options of the three analyses (coverage, standoff,
 * VDA), shared by their own commands and by `cpted analyze`, which takes them
 * all: one table of command-line options per part, the checks after parsing,
 * and the --target points moved from the output CRS into the working CRS.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- handlers (numbers are range-checked by cli_parse first) ----------------- */

static int on_max_gap(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->coverage.max_gap_m);
}

static int on_snap(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->coverage.snap_m);
}

/* --chain is an option of coverage and of the VDA (targets on derived rows):
 * the one value goes to both, so `analyze` derives the same rows for them. */
static int on_chain(const char *value, void *payload)
{
    cli_parts *p = payload;
    if (cli_parse_double(value, &p->coverage.chain_m) != 0)
        return -1;
    p->vda.chain_m = p->coverage.chain_m;
    return 0;
}

static int on_charge(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->standoff.charge_kg);
}

static int on_allowable(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->standoff.allowable_kpa);
}

static int on_spacing(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->vda.spacing_m);
}

static int on_entry_speed(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->vda.entry_speed_kmh);
}

static int on_cell(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->vda.cell_m);
}

static int on_window(const char *value, void *payload)
{
    return cli_parse_double(value, &((cli_parts *)payload)->vda.window_m);
}

static int on_headings(const char *value, void *payload)
{
    double v;
    if (cli_parse_double(value, &v) != 0 || v != floor(v))
        return -1; /* a whole number */
    ((cli_parts *)payload)->vda.headings = (int32_t)v;
    return 0;
}

static int on_no_sensitivity(const char *value, void *payload)
{
    (void)value;
    ((cli_parts *)payload)->vda.sensitivity = 0;
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
    cli_parts *p = payload;
    for (size_t k = 0; k < sizeof target_kinds / sizeof target_kinds[0]; k++)
        if (strcmp(value, target_kinds[k]) == 0) {
            p->vda.targets = (int32_t)k;
            p->targets_given = 1;
            return 0;
        }
    return -1;
}

/* "X,Y": two finite numbers separated by a comma (spaces allowed round it). */
static int on_target(const char *value, void *payload)
{
    cli_parts *p = payload;
    if (p->point_count == CLI_MAX_ITEMS)
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
    p->points[2 * p->point_count] = x;
    p->points[2 * p->point_count + 1] = y;
    p->point_count++;
    return 0;
}

/* ---- the tables ------------------------------------------------------------- */

static const cli_extra_option chain_option = {
    "chain", 1,
    "barrier points closer than this many m form a row when no perimeter is given, in "
    "(0, 50] (default 5)",
    on_chain, "chain_m"};

static const cli_extra_option coverage_options[] = {
    {"max-gap", 1, "largest compliant clear gap in m, in (0, 5] (default 1.2)", on_max_gap,
     "max_gap_m"},
    {"snap", 1, "footprints within this many m of a line cover it, in [0, 10] (default 1.0)",
     on_snap, "snap_m"},
};

static const cli_extra_option standoff_options[] = {
    {"charge", 1, "TNT-equivalent charge in kg, in (0, 100000]: blast load at each standoff",
     on_charge, "charge_kg"},
    {"allowable-kpa", 1,
     "allowable incident overpressure in kPa, in [0.25, 17000] (needs --charge): gives the "
     "required standoff",
     on_allowable, "allowable_kpa"},
};

/* Where the VDA aims: only for the commands that choose it (not `batch`,
 * whose targets are always the facades). */
static const cli_extra_option vda_target_options[] = {
    {"targets", 1,
     "where the targets are: auto (the lines of protection, else the asset facades; the "
     "default), perimeter, facades, or points (only the --target points)",
     on_targets, NULL},
    {"target", 1,
     "a target point X,Y in the output CRS, as --boundary's box (repeatable); alone it means "
     "--targets points, with --targets KIND it is added to those targets",
     on_target, NULL},
};

/* How the VDA searches. */
static const cli_extra_option vda_options[] = {
    {"spacing", 1, "distance between targets along a line or facade in m, in [0.1, 100] (default 2)",
     on_spacing, "spacing_m"},
    {"entry-speed", 1,
     "also start at the entries at this speed in km/h, in [0, 200] (default: from standstill "
     "anywhere the vehicle can reach)",
     on_entry_speed, "entry_speed_kmh"},
    {"cell", 1, "lattice cell in m, in [0.1, 5] (default 1; finer is slower)", on_cell, "cell_m"},
    {"headings", 1, "lattice headings over the full circle, a whole number in [8, 128] (default 32)",
     on_headings, "headings"},
    {"window", 1, "search within this many m of the targets, in [20, 5000] (default 400)",
     on_window, "window_m"},
    {"no-sensitivity", 0, "skip the speed band for a0 x 0.8 .. 1.2 and f 0.6 .. 1.0 (four searches)",
     on_no_sensitivity, NULL},
};

static int add_options(cli_parts *p, const cli_extra_option *opts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p->option_count + 1 >= CLI_PART_MAX_OPTIONS)
            return -1;
        p->options[p->option_count++] = opts[i];
    }
    return 0;
}

int cli_parts_init(cli_parts *p, unsigned parts, const char *command,
                   const cli_extra_option *own)
{
    memset(p, 0, sizeof *p);
    p->parts = parts;
    if (cpted_coverage_options_init(&p->coverage, sizeof p->coverage) != CPTED_OK ||
        cpted_standoff_options_init(&p->standoff, sizeof p->standoff) != CPTED_OK ||
        cpted_vda_options_init(&p->vda, sizeof p->vda) != CPTED_OK) {
        fprintf(stderr, "cpted %s: cannot initialise options\n", command);
        return CLI_EXIT_INTERNAL;
    }
    int rc = 0;
    if (parts & CPTED_ANALYSIS_COVERAGE)
        rc |= add_options(p, coverage_options,
                          sizeof coverage_options / sizeof coverage_options[0]);
    if (parts & (CPTED_ANALYSIS_COVERAGE | CPTED_ANALYSIS_VDA))
        rc |= add_options(p, &chain_option, 1);
    if (parts & CPTED_ANALYSIS_STANDOFF)
        rc |= add_options(p, standoff_options,
                          sizeof standoff_options / sizeof standoff_options[0]);
    if (parts & CPTED_ANALYSIS_VDA)
        rc |= add_options(p, vda_target_options,
                          sizeof vda_target_options / sizeof vda_target_options[0]);
    if (parts & (CPTED_ANALYSIS_VDA | CLI_PARTS_VDA_SEARCH))
        rc |= add_options(p, vda_options, sizeof vda_options / sizeof vda_options[0]);
    for (const cli_extra_option *e = own; e && e->name && rc == 0; e++)
        rc |= add_options(p, e, 1);
    if (rc != 0) {
        fprintf(stderr, "cpted %s: too many options (CLI_PART_MAX_OPTIONS)\n", command);
        return CLI_EXIT_INTERNAL;
    }
    /* options[option_count] stays zeroed: the {NULL} end of the table */
    return CLI_EXIT_OK;
}

int cli_parts_check(cli_parts *p, const char *command, const char *usage)
{
    if ((p->parts & CPTED_ANALYSIS_STANDOFF) && p->standoff.allowable_kpa > 0 &&
        !(p->standoff.charge_kg > 0)) {
        fprintf(stderr, "cpted %s: --allowable-kpa needs --charge\nusage: %s\n", command, usage);
        return CLI_EXIT_USAGE;
    }
    if (!(p->parts & CPTED_ANALYSIS_VDA))
        return CLI_EXIT_OK;
    if (p->point_count && !p->targets_given)
        p->vda.targets = CPTED_VDA_TARGETS_POINTS;
    if (p->vda.targets == CPTED_VDA_TARGETS_POINTS && p->point_count == 0) {
        fprintf(stderr, "cpted %s: --targets points needs at least one --target X,Y\nusage: %s\n",
                command, usage);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
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

int cli_parts_points(cli_parts *p, const cpted_site *site, const char *command)
{
    for (size_t i = 0; i < p->point_count; i++)
        if (from_output(site, p->points[2 * i], p->points[2 * i + 1], &p->working[2 * i],
                        &p->working[2 * i + 1]) != 0) {
            const char *crs = cpted_site_output_crs(site);
            fprintf(stderr,
                    "cpted %s: --target %g,%g: the point cannot be transformed from the output "
                    "CRS %s into the working CRS %s\n",
                    command, p->points[2 * i], p->points[2 * i + 1], *crs ? crs : "(local)",
                    *cpted_site_crs(site) ? cpted_site_crs(site) : "(local)");
            return CLI_EXIT_INPUT;
        }
    p->vda.points_xy = p->point_count ? p->working : NULL;
    p->vda.point_count = p->point_count;
    return CLI_EXIT_OK;
}
