/*
 * example.c - a minimal program using the installed cpted library.
 *
 * Builds a site in memory (how a CAD plugin feeds its drawing), prints the
 * feature count and extent and, when a path is given, opens that site plan
 * and lists its layers with their roles.
 *
 *   cpted_example                 # in-memory site only
 *   cpted_example plaza.gpkg      # ... then open a GIS source
 *
 * Build against an installed cpted with CMake (see CMakeLists.txt here) or
 * pkg-config:  cc example.c $(pkg-config --cflags --libs cpted) -o cpted_example
 *
 * SPDX-License-Identifier: MIT
 */
#include <cpted/cpted.h>

#include <stdio.h>
#include <string.h>

/* Little-endian ISO WKB writers: enough for a point and a rectangle. */
static size_t put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return 4;
}

static size_t put_f64(unsigned char *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(bits >> (8 * i));
    return 8;
}

static size_t wkb_point(unsigned char *p, double x, double y)
{
    size_t n = 0;
    p[n++] = 1; /* little endian */
    n += put_u32(p + n, 1);
    n += put_f64(p + n, x);
    n += put_f64(p + n, y);
    return n;
}

static size_t wkb_rect(unsigned char *p, double minx, double miny, double maxx, double maxy)
{
    const double ring[5][2] = {{minx, miny}, {maxx, miny}, {maxx, maxy}, {minx, maxy}, {minx, miny}};
    size_t n = 0;
    p[n++] = 1;
    n += put_u32(p + n, 3); /* polygon */
    n += put_u32(p + n, 1); /* one ring */
    n += put_u32(p + n, 5);
    for (int i = 0; i < 5; i++) {
        n += put_f64(p + n, ring[i][0]);
        n += put_f64(p + n, ring[i][1]);
    }
    return n;
}

static int fail(cpted_context *ctx, const char *what, int status)
{
    fprintf(stderr, "example: %s failed: %s: %s\n", what, cpted_status_string(status),
            cpted_context_last_error(ctx));
    return 1;
}

/* An asset of 40 m x 30 m and a bollard 20 m south of it, in EPSG:25832. */
static int memory_site(cpted_context *ctx)
{
    cpted_site *site = NULL;
    int rc = cpted_site_new(&site, ctx, "EPSG:25832");
    if (rc != CPTED_OK)
        return fail(ctx, "cpted_site_new", rc);

    unsigned char wkb[128];
    const char *keys[] = {"name", "required_standoff_m"};
    const char *values[] = {"Town Hall", "30"};
    size_t size = wkb_rect(wkb, 500130.0, 5800170.0, 500170.0, 5800200.0);
    rc = cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, size, keys, values, 2);
    if (rc == CPTED_OK) {
        const char *bkeys[] = {"diameter"};
        const char *bvalues[] = {"0.3"};
        size = wkb_point(wkb, 500150.0, 5800150.0);
        rc = cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, wkb, size, bkeys,
                                bvalues, 1);
    }
    double e[4];
    if (rc == CPTED_OK)
        rc = cpted_site_get_extent(e, site);
    if (rc != CPTED_OK) {
        int r = fail(ctx, "building the in-memory site", rc);
        cpted_site_free(site);
        return r;
    }
    printf("memory site: crs %s, %zu features\n", cpted_site_crs(site),
           cpted_site_feature_count(site));
    printf("extent: %.3f %.3f %.3f %.3f\n", e[0], e[1], e[2], e[3]);
    cpted_site_free(site);
    return 0;
}

static int open_site(cpted_context *ctx, const char *path)
{
    cpted_site *site = NULL;
    const char *paths[] = {path};
    int rc = cpted_site_open(&site, ctx, paths, 1, NULL);
    if (rc != CPTED_OK)
        return fail(ctx, "cpted_site_open", rc);
    printf("opened %s: crs %s, %zu features\n", path, cpted_site_crs(site),
           cpted_site_feature_count(site));
    for (size_t i = 0; i < cpted_site_layer_count(site); i++) {
        int64_t features = 0;
        cpted_site_get_layer_counts(&features, NULL, NULL, site, i);
        printf("layer %s %s %lld\n", cpted_site_layer_name(site, i),
               cpted_role_name(cpted_site_layer_role(site, i)), (long long)features);
    }
    /* One free space for the design vehicle, every analysis on it. */
    cpted_vehicle car;
    cpted_freespace *fs = NULL;
    cpted_standoff *standoff = NULL;
    cpted_coverage *coverage = NULL;
    rc = cpted_vehicle_preset(&car, sizeof car, "M1");
    if (rc == CPTED_OK)
        rc = cpted_freespace_new(&fs, site, &car, NULL);
    /* The site and the free space may go now: the results keep them alive. */
    cpted_site_free(site);
    if (rc == CPTED_OK)
        rc = cpted_standoff_run(&standoff, fs, NULL);
    if (rc == CPTED_OK)
        rc = cpted_coverage_run(&coverage, fs, NULL);
    cpted_freespace_free(fs);
    if (rc == CPTED_OK)
        printf("M1: %zu standoff finding(s), %zu coverage finding(s), %zu breach(es)\n",
               cpted_standoff_finding_count(standoff), cpted_coverage_finding_count(coverage),
               cpted_coverage_breach_count(coverage));
    int result = rc == CPTED_OK ? 0 : fail(ctx, "the analyses", rc);
    cpted_standoff_free(standoff);
    cpted_coverage_free(coverage);
    return result;
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: %s [SITE]\n", argv[0]);
        return 2;
    }
    /* The header and the library must agree (same major at least). */
    printf("cpted %s (headers %s)\n", cpted_version_string(), CPTED_VERSION_STRING);
    if (cpted_version_number() / 10000 != CPTED_VERSION_MAJOR) {
        fprintf(stderr, "example: library major version differs from the headers\n");
        return 1;
    }

    cpted_context *ctx = NULL;
    int rc = cpted_context_new(&ctx);
    if (rc != CPTED_OK) {
        fprintf(stderr, "example: cpted_context_new failed: %s\n", cpted_status_string(rc));
        return 1;
    }
    int result = memory_site(ctx);
    if (result == 0 && argc == 2)
        result = open_site(ctx, argv[1]);
    cpted_context_free(ctx);
    return result;
}
