/*
 * cmd_info.c - `cpted info SOURCE... [--json FILE|-]`: what cpted made of a
 * site plan (layers, roles, counts, CRS, extent, warnings).
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "cpted info [options] SOURCE... [--json FILE|-]";

static void print_table(const cpted_site *site)
{
    printf("working CRS: %s\n", *cpted_site_crs(site) ? cpted_site_crs(site) : "(local metres)");
    printf("output CRS:  %s\n",
           *cpted_site_output_crs(site) ? cpted_site_output_crs(site) : "(local metres)");
    double e[4];
    if (cpted_site_get_extent(e, site) == CPTED_OK)
        printf("extent (working CRS): %.3f %.3f %.3f %.3f  (%.1f m x %.1f m)\n", e[0], e[1], e[2],
               e[3], e[2] - e[0], e[3] - e[1]);
    else
        printf("extent: none (no features)\n");
    printf("\n%-40s %-24s %-10s %9s %9s %9s\n", "source", "layer", "role", "features", "repaired",
           "skipped");
    for (size_t i = 0; i < cpted_site_layer_count(site); i++) {
        int64_t n = 0, repaired = 0, skipped = 0;
        cpted_site_get_layer_counts(&n, &repaired, &skipped, site, i);
        const char *source = cpted_site_layer_source(site, i);
        size_t len = strlen(source);
        /* long paths keep their informative end */
        printf("%s%-*s %-24s %-10s %9lld %9lld %9lld\n", len > 40 ? "..." : "", len > 40 ? 37 : 40,
               len > 40 ? source + len - 37 : source,
               cpted_site_layer_name(site, i), cpted_role_name(cpted_site_layer_role(site, i)),
               (long long)n, (long long)repaired, (long long)skipped);
    }
    size_t nw = cpted_site_warning_count(site);
    if (nw)
        printf("\nwarnings (%zu):\n", nw);
    for (size_t i = 0; i < nw; i++)
        printf("  %s\n", cpted_site_warning(site, i));
}

int cmd_info(int argc, char **argv)
{
    cli_options o;
    int rc = cli_parse(argc, argv, "info", usage, NULL, NULL, &o);
    if (rc >= 0)
        return rc;
    cpted_context *ctx = cli_context(&o);
    /* Warnings are part of this command's output: do not echo them on stderr too. */
    cpted_context_set_log(ctx, 0, NULL, NULL);
    cpted_site *site = NULL;
    rc = cli_open_site(ctx, &o, &site);
    if (rc == CLI_EXIT_OK) {
        if (o.json_path) {
            char *json = NULL;
            int status = cpted_site_info_json(&json, site);
            rc = status == CPTED_OK ? cli_write_json(&o, json) : cli_fail(ctx, &o, status);
            cpted_free(json);
        }
        if (!o.json_path || strcmp(o.json_path, "-") != 0)
            print_table(site);
    }
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
