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

/* The GIS layers of docs/outputs.md, for the checks before any work. */
static const char *const layers[] = {"standoff_lines", "encroachment", "accessible_area", NULL};

static int write_gis(const void *result, const char *path, const char *format, int32_t overwrite)
{
    return cpted_standoff_write(result, path, format, overwrite);
}

static void print_number(double v, int width, int decimals)
{
    if (isfinite(v))
        printf(" %*.*f", width, decimals, v);
    else
        printf(" %*s", width, "-");
}

/* A lower bound ">=X" for a standoff closer than the blast fits reach: the
 * pressure falls with the distance, so it is at least its value at the
 * fits' smallest scaled distance. */
static void print_at_least(double v, int width)
{
    char text[32];
    snprintf(text, sizeof text, ">=%.2f", v);
    printf(" %*s", width, text);
}

static void print_table(const cpted_standoff *res, const cli_options *o,
                        const cpted_standoff_options *t)
{
    printf("vehicle %s (width %.2f m)", o->vehicle.class_code, o->vehicle.width_m);
    if (t->charge_kg > 0)
        printf(", charge %g kg TNT", t->charge_kg);
    if (t->allowable_kpa > 0)
        printf(", allowable incident overpressure %g kPa", t->allowable_kpa);
    printf("\n\n");
    cli_print_cell("asset", 24);
    printf(" ");
    cli_print_cell("name", 20);
    printf(" %10s %10s %-4s %7s %12s %13s\n", "standoff_m", "required_m", "ok", "Z",
           "incident_kpa", "reflected_kpa");
    /* the load at the near end of the fits, for standoffs closer than that */
    cpted_blast near_end;
    memset(&near_end, 0, sizeof near_end);
    near_end.struct_size = sizeof near_end;
    int have_near_end = t->charge_kg > 0 &&
                        cpted_blast_surface_burst(&near_end, t->charge_kg,
                                                  cpted_blast_z_min() * cbrt(t->charge_kg)) ==
                            CPTED_OK;
    int closer_than_fits = 0;
    for (size_t i = 0; i < cpted_standoff_asset_count(res); i++) {
        cpted_standoff_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        if (cpted_standoff_get_asset(&a, res, i) != CPTED_OK)
            continue;
        cli_print_cell(a.id, 24);
        printf(" ");
        cli_print_cell(a.name ? a.name : "", 20);
        if (a.reachable)
            print_number(a.standoff_m, 10, 3);
        else
            printf(" %10s", "unreached");
        print_number(a.required_m, 10, 3);
        printf(" %-4s", a.ok < 0 ? "-" : a.ok ? "yes" : "NO");
        print_number(a.scaled_distance, 7, 3);
        int closer = t->charge_kg > 0 && a.reachable && !a.blast_in_range &&
                     isfinite(a.scaled_distance) && a.scaled_distance < cpted_blast_z_min();
        if (closer && have_near_end && !isfinite(a.incident_kpa)) {
            print_at_least(near_end.incident_kpa, 12);
            if (isfinite(a.reflected_kpa))
                print_number(a.reflected_kpa, 13, 2);
            else if (isfinite(near_end.reflected_kpa))
                print_at_least(near_end.reflected_kpa, 13);
            else
                printf(" %13s", "-");
            printf("  (closer than the blast fits)");
            closer_than_fits = 1;
        } else {
            print_number(a.incident_kpa, 12, 2);
            print_number(a.reflected_kpa, 13, 2);
            if (t->charge_kg > 0 && a.reachable && !a.blast_in_range)
                printf("  (outside the blast fits)");
        }
        printf("\n");
    }
    if (closer_than_fits)
        printf("\n>=: the standoff is closer than the fits reach (Z < %g m/kg^(1/3)); the load "
               "is at least its value at Z = %g\n",
               cpted_blast_z_min(), cpted_blast_z_min());
}

/* After a failure: when no layer is an asset, say how to give one, in terms
 * that fit the source (OpenStreetMap has no tag for a protected asset). */
static void hint_assets(const cpted_site *site)
{
    if (!site)
        return;
    int osm = 0;
    for (size_t i = 0; i < cpted_site_layer_count(site); i++) {
        if (cpted_site_layer_role(site, i) == CPTED_ROLE_ASSET)
            return;
        const char *src = cpted_site_layer_source(site, i);
        size_t n = strlen(src);
        osm |= (n >= 4 && strcmp(src + n - 4, ".osm") == 0) ||
               (n >= 4 && strcmp(src + n - 4, ".pbf") == 0);
    }
    if (osm)
        fprintf(stderr,
                "hint: pick the protected buildings with --asset-name TEXT, --asset-id way/123 "
                "or --assets-where SQL (an OGR filter, e.g. \"amenity='townhall'\"), or tag "
                "them asset=yes; --role multipolygons=asset would make every OSM area an "
                "asset\n");
    else
        fprintf(stderr, "hint: name the layer of protected buildings 'assets', or map it with "
                        "--role LAYER=asset (cpted info lists the layers)\n");
}

int cmd_standoff(int argc, char **argv)
{
    static cli_parts parts; /* large (the --target arrays of the VDA's options) */
    int rc = cli_parts_init(&parts, CPTED_ANALYSIS_STANDOFF, "standoff", NULL);
    if (rc != CLI_EXIT_OK)
        return rc;
    const cpted_standoff_options *t = &parts.standoff;
    cli_options o;
    rc = cli_parse(argc, argv, "standoff", usage, parts.options, &parts, CLI_TAKES_ANALYSIS, &o);
    if (rc >= 0)
        return rc;
    rc = cli_parts_check(&parts, "standoff", usage);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_check_outputs(&o, layers);
    if (rc != CLI_EXIT_OK)
        return rc;
    cpted_context *ctx = cli_context(&o);
    cpted_site *site = NULL;
    cpted_freespace *fs = NULL;
    cpted_standoff *res = NULL;
    char *json = NULL;
    rc = cli_check_vehicle(ctx, &o);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_site(ctx, &o, &site);
    if (rc == CLI_EXIT_OK && !cli_has_role(site, CPTED_ROLE_ASSET)) {
        /* before the free space, which can take seconds on a district */
        fprintf(stderr, "cpted standoff: the site has no asset (give protected buildings the "
                        "role 'asset')\n");
        hint_assets(site);
        rc = CLI_EXIT_INPUT;
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_freespace(ctx, &o, site, &fs);
    if (rc == CLI_EXIT_OK) {
        int status = cpted_standoff_run(&res, fs, t);
        if (status != CPTED_OK) {
            rc = cli_fail(ctx, &o, status);
            if (rc == CLI_EXIT_INPUT)
                hint_assets(site);
        }
    }
    if (rc == CLI_EXIT_OK && o.json_path) {
        int status = cpted_standoff_to_json(&json, res);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_commit_outputs(ctx, &o, json, write_gis, res);
    if (rc == CLI_EXIT_OK) {
        if (!o.json_path || strcmp(o.json_path, "-") != 0)
            print_table(res, &o, t);
        if (o.fail_on_findings && cpted_standoff_finding_count(res) > 0)
            rc = CLI_EXIT_FINDINGS;
    }
    cpted_free(json);
    cpted_standoff_free(res);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
