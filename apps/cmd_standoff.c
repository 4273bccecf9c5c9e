/*
 * cmd_standoff.c - `cpted standoff SOURCE... [--vehicle CLASS] [--charge KG]
 * [--allowable-kpa P] [--json FILE|-] [-o OUT]`: how close the design vehicle
 * gets to each asset, and the blast load of a vehicle bomb there.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "cpted standoff [options] SOURCE... [--vehicle CLASS] [--charge KG] [--allowable-kpa P] "
    "[--json FILE|-] [-o OUT]";

typedef struct threat {
    double charge_kg;
    double allowable_kpa;
} threat;

static int set_positive(const char *value, double *slot)
{
    double v;
    if (cli_parse_double(value, &v) != 0 || !(v > 0.0))
        return -1;
    *slot = v;
    return 0;
}

static int on_charge(const char *value, void *payload)
{
    return set_positive(value, &((threat *)payload)->charge_kg);
}

static int on_allowable(const char *value, void *payload)
{
    return set_positive(value, &((threat *)payload)->allowable_kpa);
}

static const cli_extra_option extra[] = {
    {"charge", 1, "TNT-equivalent charge in kg (> 0): blast load at each standoff", on_charge},
    {"allowable-kpa", 1,
     "allowable incident overpressure in kPa (> 0, needs --charge): gives the required standoff",
     on_allowable},
    {NULL, 0, NULL, NULL},
};

static void print_number(double v, int width, int decimals)
{
    if (isfinite(v))
        printf(" %*.*f", width, decimals, v);
    else
        printf(" %*s", width, "-");
}

static void print_table(const cpted_standoff *res, const cli_options *o, const threat *t)
{
    printf("vehicle %s (width %.2f m)", o->vehicle.class_code, o->vehicle.width_m);
    if (t->charge_kg > 0)
        printf(", charge %g kg TNT", t->charge_kg);
    if (t->allowable_kpa > 0)
        printf(", allowable incident overpressure %g kPa", t->allowable_kpa);
    printf("\n\n%-24s %-20s %10s %10s %-4s %7s %12s %13s\n", "asset", "name", "standoff_m",
           "required_m", "ok", "Z", "incident_kpa", "reflected_kpa");
    for (size_t i = 0; i < cpted_standoff_asset_count(res); i++) {
        cpted_standoff_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        if (cpted_standoff_get_asset(&a, res, i) != CPTED_OK)
            continue;
        printf("%-24.24s %-20.20s", a.id, a.name ? a.name : "");
        if (a.reachable)
            print_number(a.standoff_m, 10, 3);
        else
            printf(" %10s", "unreached");
        print_number(a.required_m, 10, 3);
        printf(" %-4s", a.ok < 0 ? "-" : a.ok ? "yes" : "NO");
        print_number(a.scaled_distance, 7, 3);
        print_number(a.incident_kpa, 12, 2);
        print_number(a.reflected_kpa, 13, 2);
        if (t->charge_kg > 0 && a.reachable && !a.blast_in_range)
            printf("  (outside the blast fits)");
        printf("\n");
    }
}

int cmd_standoff(int argc, char **argv)
{
    cli_options o;
    threat t = {0.0, 0.0};
    int rc = cli_parse(argc, argv, "standoff", usage, extra, &t, &o);
    if (rc >= 0)
        return rc;
    if (t.allowable_kpa > 0 && !(t.charge_kg > 0)) {
        fprintf(stderr, "cpted standoff: --allowable-kpa needs --charge\nusage: %s\n", usage);
        return CLI_EXIT_USAGE;
    }
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_standoff *res = NULL;
    rc = cli_check_vehicle(ctx, &o);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_site(ctx, &o, &site);
    if (rc == CLI_EXIT_OK) {
        cpted_freespace_options fo;
        cpted_freespace_options_init(&fo, sizeof fo);
        cli_freespace_options(&o, &fo);
        int status = cpted_freespace_new(&fs, site, &o.vehicle, &fo);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK) {
        cpted_standoff_options so;
        cpted_standoff_options_init(&so, sizeof so);
        so.charge_kg = t.charge_kg;
        so.allowable_kpa = t.allowable_kpa;
        int status = cpted_standoff_run(&res, fs, &so);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK && o.json_path) {
        char *json = NULL;
        int status = cpted_standoff_to_json(&json, res);
        rc = status == CPTED_OK ? cli_write_json(&o, json) : cli_fail(ctx, &o, status);
        cpted_free(json);
    }
    if (rc == CLI_EXIT_OK && o.out_path) {
        cpted_writer *w = NULL;
        int status = cpted_writer_open(&w, ctx, o.out_path, o.out_format, o.overwrite);
        if (status == CPTED_OK)
            status = cpted_writer_add_standoff(w, res);
        if (status == CPTED_OK)
            status = cpted_writer_commit(w);
        cpted_writer_free(w);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK) {
        if (!o.json_path || strcmp(o.json_path, "-") != 0)
            print_table(res, &o, &t);
        if (o.fail_on_findings && cpted_standoff_finding_count(res) > 0)
            rc = CLI_EXIT_FINDINGS;
    }
    cpted_standoff_free(res);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
