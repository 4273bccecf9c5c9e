/*
 * cmd_batch.c - `cpted batch SOURCE... -o OUT [--assets all-buildings|LAYER]
 * [--assets-where SQL] [--vehicle CLASS] [--approach] [--threads N]
 * [--tile M] [--json FILE|-] [--report FILE.html]`: every building of a
 * district screened at once (docs/method-batch.md): standoff, nearest
 * points, with --approach the worst facade impact from one VDA, the exposure
 * rank, counts, histograms and the most exposed; the styled `batch_assets`
 * layer, the `cpted/batch/1` JSON and the HTML report, committed together.
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
    "cpted batch [options] SOURCE... [-o OUT] [--assets all-buildings|LAYER] "
    "[--assets-where SQL] [--vehicle CLASS] [--approach] [--threads N] [--tile M] "
    "[--json FILE|-] [--report FILE.html]";

/* The command's own settings (one command per process). */
static struct {
    const char *assets;       /* --assets: NULL or "all-buildings", else a layer */
    char role_entry[512];     /* "LAYER=asset" for --assets LAYER */
    int approach;
    double threads, tile_m, top;
    const char *report_path;
} batch = {NULL, "", 0, 0, 0, 10, NULL};

static int on_assets(const char *value, void *payload)
{
    (void)payload;
    if (!*value || strchr(value, '=') || strlen(value) + sizeof "=asset" > sizeof batch.role_entry)
        return -1;
    batch.assets = value;
    return 0;
}

static int on_approach(const char *value, void *payload)
{
    (void)value;
    (void)payload;
    batch.approach = 1;
    return 0;
}

/* A whole number in [lo, hi]. */
static int whole(const char *value, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(value, &end);
    if (end == value || *end || !(v >= lo && v <= hi) || v != floor(v))
        return -1;
    *out = v;
    return 0;
}

static int on_threads(const char *value, void *payload)
{
    (void)payload;
    return whole(value, 0, 64, &batch.threads);
}

static int on_tile(const char *value, void *payload)
{
    (void)payload;
    char *end = NULL;
    double v = strtod(value, &end);
    if (end == value || *end || !(v == 0 || (v >= 10 && v <= 1e6)))
        return -1;
    batch.tile_m = v;
    return 0;
}

static int on_top(const char *value, void *payload)
{
    (void)payload;
    return whole(value, 0, 1000, &batch.top);
}

static int on_report(const char *value, void *payload)
{
    (void)payload;
    if (!*value)
        return -1;
    batch.report_path = value;
    return 0;
}

static const cli_extra_option own_options[] = {
    {"assets", 1,
     "the assets: all-buildings (every building, the default) or LAYER (the features of that "
     "layer); --assets-where SQL selects buildings by attribute",
     on_assets, NULL},
    {"approach", 0,
     "also the worst facade impact of each asset (speed, energy, angle) from one vehicle "
     "dynamics assessment over the district",
     on_approach, NULL},
    {"threads", 1, "worker threads, 0..64 (default 0: the machine's processors, at most 8)",
     on_threads, NULL},
    {"tile", 1,
     "side of the work tiles in m, 0 or [10, 1e6] (default 0: one tile); results do not "
     "depend on it",
     on_tile, NULL},
    {"top", 1, "how many of the most exposed assets to list, 0..1000 (default 10)", on_top, NULL},
    {"report", 1, "also write the HTML report of the screening to FILE.html", on_report, NULL},
    {NULL, 0, NULL, NULL, NULL},
};

/* The GIS layers of docs/outputs.md, for the checks before any work. */
static const char *const layers[] = {"batch_assets", "batch_standoff_lines", NULL};

static int write_gis(const void *result, const char *path, const char *format, int32_t overwrite)
{
    return cpted_batch_write(result, path, format, overwrite);
}

/* As cmd_analyze.c: SOURCE_DATE_EPOCH as an ISO date, else NULL (today). */
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

static void print_number(double v, int width, int decimals)
{
    if (isfinite(v))
        printf(" %*.*f", width, decimals, v);
    else
        printf(" %*s", width, "-");
}

static void print_summary(const cpted_batch *res, const cli_options *o, int approach, size_t top)
{
    cpted_batch_summary s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    if (cpted_batch_get_summary(&s, res) != CPTED_OK)
        return;
    printf("vehicle %s (width %.2f m): %zu asset(s), %zu assessed, %zu NOT assessed, %zu "
           "reachable (%zu touching), %zu unreachable",
           o->vehicle.class_code, o->vehicle.width_m, s.assets, s.assessed, s.not_assessed,
           s.reachable, s.touching, s.unreachable);
    if (approach)
        printf("; %zu with a reached facade", s.approach_reached);
    printf("\n");
    if (top > s.assets)
        top = s.assets;
    if (top == 0)
        return;
    printf("\nmost exposed:\n");
    printf("%4s ", "rank");
    cli_print_cell("asset", 24);
    printf(" ");
    cli_print_cell("name", 20);
    printf(" %10s", "standoff_m");
    if (approach)
        printf(" %9s %9s %6s", "speed_kmh", "energy_kj", "angle");
    printf("\n");
    for (size_t r = 1; r <= top; r++) {
        cpted_batch_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        if (cpted_batch_get_asset(&a, res, cpted_batch_ranked(res, r)) != CPTED_OK)
            continue;
        printf("%4zu ", r);
        cli_print_cell(a.id, 24);
        printf(" ");
        cli_print_cell(a.name ? a.name : "", 20);
        if (!a.assessed)
            printf(" NOT ASSESSED (%s)", a.not_assessed ? a.not_assessed : "?");
        else if (!a.reachable)
            printf(" %10s", "unreached");
        else
            print_number(a.standoff_m, 10, 2);
        if (approach && a.assessed) {
            print_number(a.speed_kmh, 9, 1);
            print_number(a.energy_kj, 9, 1);
            print_number(a.angle_deg, 6, 1);
        }
        printf("\n");
    }
}

int cmd_batch(int argc, char **argv)
{
    static cli_parts parts; /* large: the --target arrays of the shared struct */
    int rc = cli_parts_init(&parts, CLI_PARTS_VDA_SEARCH, "batch", own_options);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_options o;
    rc = cli_parse(argc, argv, "batch", usage, parts.options, &parts, CLI_TAKES_ANALYSIS, &o);
    if (rc >= 0)
        return rc;
    rc = cli_parts_check(&parts, "batch", usage);
    if (rc != CLI_EXIT_OK)
        return rc;
    int all_buildings = !batch.assets || strcmp(batch.assets, "all-buildings") == 0;
    int selected = o.assets_where || o.asset_id_count || o.asset_name_count;
    if (!all_buildings && selected) {
        fprintf(stderr, "cpted batch: --assets LAYER and --assets-where/--asset-id/--asset-name "
                        "exclude each other\nusage: %s\n", usage);
        return CLI_EXIT_USAGE;
    }
    if (!all_buildings) {
        if (o.role_count == CLI_MAX_ITEMS) {
            fprintf(stderr, "cpted batch: too many --role options\n");
            return CLI_EXIT_USAGE;
        }
        snprintf(batch.role_entry, sizeof batch.role_entry, "%s=asset", batch.assets);
        o.roles[o.role_count++] = batch.role_entry;
    }
    o.report_path = batch.report_path;
    rc = cli_check_outputs(&o, layers);
    if (rc != CLI_EXIT_OK)
        return rc;
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_batch *res = NULL;
    char *json = NULL, *html = NULL;
    /* the free space's unions use the screening's threads (0..64, checked above) */
    (void)cpted_context_set_threads(ctx, (int32_t)batch.threads);
    rc = cli_check_vehicle(ctx, &o);
    /* every building: made an asset of the site, so that the VDA has facade
     * targets on each, and so that each is measured by its whole footprint (a
     * building keeps only what a drivable passage leaves of it, an asset all
     * of it: nearer the vehicle, the safe side); a district without buildings
     * is opened as it is */
    int promote = all_buildings && !selected;
    if (rc == CLI_EXIT_OK) {
        if (promote)
            o.assets_where = "1=1";
        int status = cli_site_open_status(ctx, &o, &site);
        if (promote && status == CPTED_E_NOTFOUND) { /* no building: the empty district */
            o.assets_where = NULL;
            status = cli_site_open_status(ctx, &o, &site);
        }
        o.assets_where = promote ? NULL : o.assets_where;
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_freespace(ctx, &o, site, &fs);
    if (rc == CLI_EXIT_OK) {
        cpted_batch_options bo;
        cpted_batch_options_init(&bo, sizeof bo);
        bo.assets = all_buildings && !selected ? CPTED_BATCH_ASSETS_BUILDINGS
                                               : CPTED_BATCH_ASSETS_SITE;
        bo.approach = batch.approach;
        bo.vda = &parts.vda;
        bo.threads = (int32_t)batch.threads;
        bo.tile_m = batch.tile_m;
        bo.top_count = (int32_t)batch.top;
        int status = cpted_batch_run(&res, fs, &bo);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && o.json_path) {
        int status = cpted_batch_to_json(&json, res);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && batch.report_path) {
        char date[32];
        cpted_report_options ro;
        cpted_report_options_init(&ro, sizeof ro);
        ro.date = report_date(date, sizeof date);
        int status = cpted_batch_report_html(&html, res, &ro);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
        o.report_html = html;
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_commit_outputs(ctx, &o, json, write_gis, res);
    if (rc == CLI_EXIT_OK && (!o.json_path || strcmp(o.json_path, "-") != 0))
        print_summary(res, &o, batch.approach, (size_t)batch.top);
    /* Loud even with --quiet: an asset not assessed must never read as safe. */
    size_t not_assessed = 0;
    if (rc == CLI_EXIT_OK) {
        cpted_batch_summary s;
        memset(&s, 0, sizeof s);
        s.struct_size = sizeof s;
        if (cpted_batch_get_summary(&s, res) == CPTED_OK)
            not_assessed = s.not_assessed;
        if (not_assessed)
            fprintf(stderr, "cpted batch: NOT ASSESSED: %zu of %zu asset(s)%s%s\n", not_assessed,
                    s.assets, cpted_batch_not_assessed(res) ? ": " : "",
                    cpted_batch_not_assessed(res) ? cpted_batch_not_assessed(res) : "");
    }
    if (rc == CLI_EXIT_OK && o.fail_on_findings && not_assessed > 0)
        rc = CLI_EXIT_FINDINGS;
    cpted_free(json);
    cpted_free(html);
    cpted_batch_free(res);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
