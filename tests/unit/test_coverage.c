/* test_coverage.c - internals of coverage.c: cutting a stretch of a line
 * (cpted__line_substring, used to draw gaps along their line). */
#include "testutil.h"

#include "internal.h"

#include <math.h>
#include <string.h>

static GEOSGeometry *wkt(cpted_context *ctx, const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, r, text);
    GEOSWKTReader_destroy_r(ctx->geos, r);
    assert_non_null(g);
    return g;
}

/* Asserts the stretch's coordinates (x0 y0 x1 y1 ...) to 1e-9. */
static void check(cpted_context *ctx, const GEOSGeometry *line, double a, double b,
                  const double *xy, unsigned int n)
{
    GEOSGeometry *s = cpted__line_substring(ctx, line, a, b);
    assert_non_null(s);
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx->geos, s);
    unsigned int got = 0;
    GEOSCoordSeq_getSize_r(ctx->geos, seq, &got);
    assert_int_equal(got, n);
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &x, &y);
        assert_near(x, xy[2 * i], 1e-9);
        assert_near(y, xy[2 * i + 1], 1e-9);
    }
    GEOSGeom_destroy_r(ctx->geos, s);
}

static void test_substring(void **state)
{
    cpted_context *ctx = *state;
    /* an L: 10 m east, then 10 m north */
    GEOSGeometry *l = wkt(ctx, "LINESTRING (0 0, 10 0, 10 10)");
    check(ctx, l, 2, 5, (double[]){2, 0, 5, 0}, 2);
    check(ctx, l, 8, 13, (double[]){8, 0, 10, 0, 10, 3}, 3);
    check(ctx, l, 0, 20, (double[]){0, 0, 10, 0, 10, 10}, 3);
    check(ctx, l, 4, 4, (double[]){4, 0, 4, 0}, 2); /* a point-like stretch */
    GEOSGeom_destroy_r(ctx->geos, l);
    /* a 4 x 4 ring: a stretch past the start wraps (end_m > length) */
    GEOSGeometry *ring = wkt(ctx, "LINESTRING (0 0, 4 0, 4 4, 0 4, 0 0)");
    check(ctx, ring, 14, 18, (double[]){0, 2, 0, 0, 2, 0}, 3);
    GEOSGeom_destroy_r(ctx->geos, ring);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_substring)};
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
