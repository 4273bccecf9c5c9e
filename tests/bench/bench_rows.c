/* bench_rows.c - time of the barrier-row derivation (cpted__rows_derive) on
 * big layouts; run by scripts/bench_rows.sh, figures in docs/performance.md.
 *
 * usage: bench_rows LAYOUT N
 *   colocated  N bollards on one spot
 *   rows       N bollards in rows of 1,000, 1.5 m apart, rows 10 m apart
 *   square     N bollards on a square lattice 1.5 m apart (one component)
 *   jitter     N bollards at random (seed 1) in a square of side sqrt(N) * 1.5 m
 * Prints the layout, N, the number of rows and the seconds the derivation took
 * (the site is built first and not counted).
 */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char *wkb_point(double x, double y, size_t *size)
{
    static unsigned char b[21];
    uint32_t type = 1;
    b[0] = 1;
    memcpy(b + 1, &type, 4); /* little-endian hosts only: a benchmark */
    memcpy(b + 5, &x, 8);
    memcpy(b + 13, &y, 8);
    *size = sizeof b;
    return b;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_rows colocated|rows|square|jitter N\n");
        return 2;
    }
    const char *layout = argv[1];
    size_t n = (size_t)strtoull(argv[2], NULL, 10);
    cpted_context *ctx = NULL;
    cpted_site *site = NULL;
    if (cpted_context_new(&ctx) != CPTED_OK || cpted_site_new(&site, ctx, NULL) != CPTED_OK)
        return 1;
    size_t side = (size_t)ceil(sqrt((double)n));
    srand(1);
    for (size_t i = 0; i < n; i++) {
        double x = 0.0, y = 0.0;
        if (strcmp(layout, "rows") == 0) {
            x = 1.5 * (double)(i % 1000);
            y = 10.0 * (double)(i / 1000);
        } else if (strcmp(layout, "square") == 0) {
            x = 1.5 * (double)(i % side);
            y = 1.5 * (double)(i / side);
        } else if (strcmp(layout, "jitter") == 0) {
            x = 1.5 * (double)side * rand() / (double)RAND_MAX;
            y = 1.5 * (double)side * rand() / (double)RAND_MAX;
        } else if (strcmp(layout, "colocated") != 0) {
            fprintf(stderr, "bench_rows: unknown layout '%s'\n", layout);
            return 2;
        }
        size_t size;
        unsigned char *wkb = wkb_point(x, y, &size);
        if (cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, wkb, size, NULL, NULL, 0) != CPTED_OK) {
            fprintf(stderr, "bench_rows: %s\n", cpted_context_last_error(ctx));
            return 1;
        }
    }
    GEOSGeometry **rows = NULL;
    size_t count = 0;
    double t0 = now_s();
    int rc = cpted__rows_derive(ctx, site, 5.0, &rows, &count);
    double t1 = now_s();
    if (rc != CPTED_OK) {
        fprintf(stderr, "bench_rows: %s\n", cpted_context_last_error(ctx));
        return 1;
    }
    printf("%s %zu: %zu rows in %.3f s\n", layout, n, count, t1 - t0);
    cpted__rows_free(ctx, rows, count);
    cpted_site_free(site);
    cpted_context_free(ctx);
    return 0;
}
