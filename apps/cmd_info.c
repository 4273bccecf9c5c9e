/*
 * cmd_info.c - `cpted info SOURCE... [--json FILE|-]`: what cpted made of a
 * site plan (layers, roles, counts, CRS, extent, warnings).
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "cpted info [options] SOURCE... [--json FILE|-]";

/* The output-CRS extent exactly as the cpted/info/1 JSON gives it (the
 * working extent's densified boundary transformed; no public accessor yet). */
static int json_extent(const char *json, double *e)
{
    const char *p = json ? strstr(json, "\"extent\":[") : NULL;
    if (!p)
        return -1;
    p += strlen("\"extent\":[");
    for (int i = 0; i < 4; i++) {
        char *end = NULL;
        e[i] = strtod(p, &end);
        if (end == p || (*end != ',' && *end != ']'))
            return -1;
        p = end + 1;
    }
    return 0;
}

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
    char *json = NULL;
    double oe[4];
    if (*cpted_site_output_crs(site) &&
        strcmp(cpted_site_crs(site), cpted_site_output_crs(site)) != 0 &&
        cpted_site_info_json(&json, site) == CPTED_OK && json_extent(json, oe) == 0) {
        /* 7 decimals for degrees (about 1 cm), 3 for metres, as in the other tables */
        int d = fabs(oe[0]) <= 360 && fabs(oe[2]) <= 360 && fabs(oe[1]) <= 90 &&
                        fabs(oe[3]) <= 90
                    ? 7
                    : 3;
        printf("extent (output CRS):  %.*f %.*f %.*f %.*f\n", d, oe[0], d, oe[1], d, oe[2], d,
               oe[3]);
    }
    cpted_free(json);
    printf("\n%-40s %-24s %-10s %9s %9s %9s\n", "source", "layer", "role", "features", "repaired",
           "skipped");
    for (size_t i = 0; i < cpted_site_layer_count(site); i++) {
        int64_t n = 0, repaired = 0, skipped = 0;
        cpted_site_get_layer_counts(&n, &repaired, &skipped, site, i);
        const char *source = cpted_site_layer_source(site, i);
        /* long paths keep their informative end: "..." and the last 37 columns,
         * cut at a character boundary */
        if (cli_text_width(source) > 40) {
            const char *tail = source + strlen(source);
            while (tail > source && cli_text_width(tail - 1) <= 37)
                tail--;
            while ((*tail & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
                tail++;
            printf("...");
            cli_print_cell(tail, 37);
        } else {
            cli_print_cell(source, 40);
        }
        printf(" ");
        cli_print_cell(cpted_site_layer_name(site, i), 24);
        printf(" %-10s %9lld %9lld %9lld\n", cpted_role_name(cpted_site_layer_role(site, i)),
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
    int rc = cli_parse(argc, argv, "info", usage, NULL, NULL, 0, &o);
    if (rc >= 0)
        return rc;
    rc = cli_check_outputs(&o, NULL);
    if (rc != CLI_EXIT_OK)
        return rc;
    cpted_context *ctx = cli_context(&o);
    /* Warnings are part of this command's output: do not echo them on stderr too. */
    cpted_context_set_log(ctx, 0, NULL, NULL);
    cpted_site *site = NULL;
    rc = cli_open_site(ctx, &o, &site);
    char *json = NULL;
    if (rc == CLI_EXIT_OK && o.json_path) {
        int status = cpted_site_info_json(&json, site);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, &o, status);
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_commit_outputs(ctx, &o, json, NULL, NULL);
    cpted_free(json);
    if (rc == CLI_EXIT_OK && (!o.json_path || strcmp(o.json_path, "-") != 0))
        print_table(site);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return rc;
}
