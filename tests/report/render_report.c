/* render_report.c - test-only program: opens a site, runs the whole analysis
 * and writes its HTML report (tests/report/test_report_chromium.py).
 *
 *   render_report SITE OUT.html [--date D] [--vehicle CLASS] [--charge KG]
 *                 [--allowable KPA] [--parts N] [--output-crs CRS] [--no-sensitivity]
 *
 * Exit 0 on success, 1 on a library failure (message on stderr), 2 on usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpted/cpted.h"

static int fail(cpted_context *ctx, const char *what, int rc)
{
    fprintf(stderr, "render_report: %s: %s (%d)\n", what,
            ctx ? cpted_context_last_error(ctx) : "", rc);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: render_report SITE OUT.html [--date D] [--vehicle C] "
                        "[--charge KG] [--allowable KPA] [--parts N] [--output-crs CRS] "
                        "[--no-sensitivity]\n");
        return 2;
    }
    const char *date = "2026-01-01", *vehicle_class = "M1", *output_crs = NULL;
    double charge = 0, allowable = 0;
    int parts = CPTED_ANALYSIS_ALL, sensitivity = 1;
    for (int i = 3; i < argc; i++) {
        bool has = i + 1 < argc;
        if (!strcmp(argv[i], "--date") && has)
            date = argv[++i];
        else if (!strcmp(argv[i], "--vehicle") && has)
            vehicle_class = argv[++i];
        else if (!strcmp(argv[i], "--charge") && has)
            charge = atof(argv[++i]);
        else if (!strcmp(argv[i], "--allowable") && has)
            allowable = atof(argv[++i]);
        else if (!strcmp(argv[i], "--parts") && has)
            parts = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--output-crs") && has)
            output_crs = argv[++i];
        else if (!strcmp(argv[i], "--no-sensitivity"))
            sensitivity = 0;
        else {
            fprintf(stderr, "render_report: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    cpted_context *ctx = NULL;
    if (cpted_context_new(&ctx) != CPTED_OK)
        return fail(NULL, "context", 0);
    cpted_site_options so;
    cpted_site_options_init(&so, sizeof so);
    so.output_crs = output_crs;
    const char *src[1] = {argv[1]};
    cpted_site *site = NULL;
    int rc = cpted_site_open(&site, ctx, src, 1, &so);
    if (rc != CPTED_OK)
        return fail(ctx, "site", rc);
    cpted_vehicle v;
    rc = cpted_vehicle_preset(&v, sizeof v, vehicle_class);
    if (rc != CPTED_OK)
        return fail(ctx, "vehicle", rc);
    cpted_freespace *fs = NULL;
    rc = cpted_freespace_new(&fs, site, &v, NULL);
    if (rc != CPTED_OK)
        return fail(ctx, "free space", rc);
    cpted_standoff_options sto;
    cpted_standoff_options_init(&sto, sizeof sto);
    sto.charge_kg = charge;
    sto.allowable_kpa = allowable;
    cpted_vda_options vo;
    cpted_vda_options_init(&vo, sizeof vo);
    vo.sensitivity = sensitivity;
    cpted_analysis_options ao;
    cpted_analysis_options_init(&ao, sizeof ao);
    ao.standoff = &sto;
    ao.vda = &vo;
    ao.parts = parts;
    cpted_analysis *a = NULL;
    rc = cpted_analysis_run(&a, fs, &ao);
    if (rc != CPTED_OK)
        return fail(ctx, "analysis", rc);
    cpted_report_options ro;
    cpted_report_options_init(&ro, sizeof ro);
    ro.date = date;
    char *html = NULL;
    struct timespec t0, t1;
    timespec_get(&t0, TIME_UTC);
    rc = cpted_analysis_report_html(&html, a, &ro);
    timespec_get(&t1, TIME_UTC);
    if (rc != CPTED_OK)
        return fail(ctx, "report", rc);
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(html, 1, strlen(html), f) != strlen(html) || fclose(f) != 0) {
        fprintf(stderr, "render_report: cannot write %s\n", argv[2]);
        return 1;
    }
    /* bytes, then the seconds the report took (the analysis not counted) */
    printf("%zu %.3f\n", strlen(html),
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    cpted_free(html);
    cpted_analysis_free(a);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return 0;
}
