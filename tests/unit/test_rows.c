/* test_rows.c - barrier rows at scale (cpted__rows_derive, rows.c).
 *
 * Row derivation used to build an edge for every pair of barrier points within
 * the chaining distance, so k points on one spot cost k^2 (10,000 co-located
 * bollards: 15 s and 2.4 GB; 100,000 ran out of memory). It now takes the
 * Delaunay edges of the distinct points. These tests check the rows that big
 * inputs give; how long they take is in docs/performance.md
 * (scripts/bench_rows.sh), not asserted here.
 */
#include "testutil.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <valgrind/valgrind.h>

/* A site of n barrier points (one WKB buffer reused). */
static cpted_site *points_site(cpted_context *ctx, const double *xy, size_t n)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    for (size_t i = 0; i < n; i++) {
        size_t size = 0;
        unsigned char *wkb = test_wkb_point(xy[2 * i], xy[2 * i + 1], &size);
        int rc = cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, wkb, size, NULL, NULL, 0);
        free(wkb);
        assert_int_equal(rc, CPTED_OK);
    }
    return site;
}

static double *line_xy(cpted_context *ctx, const GEOSGeometry *row, unsigned int *n)
{
    assert_non_null(row);
    double *c = cpted__line_coords(ctx, row, n);
    assert_non_null(c);
    return c;
}

/* 10,000 bollards on one spot and, 3 m and 6 m east of it, one more each:
 * one row of three vertices (the spot once); 10,000 on a spot alone: a row
 * with no line. */
static void test_ten_thousand_colocated(void **state)
{
    cpted_context *ctx = *state;
    const size_t k = 10000;
    double *xy = malloc(2 * (k + 2 + k) * sizeof *xy);
    assert_non_null(xy);
    for (size_t i = 0; i < k; i++) {
        xy[2 * i] = 100.0;
        xy[2 * i + 1] = 200.0;
    }
    xy[2 * k] = 103.0;
    xy[2 * k + 1] = 200.0;
    xy[2 * k + 2] = 106.0;
    xy[2 * k + 3] = 200.0;
    for (size_t i = k + 2; i < 2 * k + 2; i++) { /* a second heap, far away */
        xy[2 * i] = 900.0;
        xy[2 * i + 1] = 900.0;
    }
    cpted_site *site = points_site(ctx, xy, 2 * k + 2);
    free(xy);
    GEOSGeometry **rows = NULL;
    size_t count = 0;
    assert_int_equal(cpted__rows_derive(ctx, site, 5.0, &rows, &count), CPTED_OK);
    assert_int_equal(count, 2);
    unsigned int n = 0;
    double *c = line_xy(ctx, rows[0], &n);
    assert_int_equal(n, 3);
    const double expected[] = {100, 200, 103, 200, 106, 200};
    /* The row runs from one end of its longest path to the other; either way
     * round, its vertices are the spot and the two single bollards. */
    if (c[0] != 100.0) {
        assert_true(c[0] == 106.0 && c[4] == 100.0);
        for (unsigned int i = 0; i < 3; i++) {
            assert_true(c[2 * i] == expected[4 - 2 * i]);
            assert_true(c[2 * i + 1] == 200.0);
        }
    } else {
        for (unsigned int i = 0; i < 6; i++)
            assert_true(c[i] == expected[i]);
    }
    cpted__free(c);
    assert_null(rows[1]); /* the heap alone: all its points coincide */
    cpted__rows_free(ctx, rows, count);
    cpted_site_free(site);
}

/* 100,000 bollards in a real grid: 100 rows 10 m apart (more than the 5 m
 * chain), each of 1,000 bollards 1.5 m apart, given column by column (so no
 * row's points come in order). Each row is one line from x = 0 to 1498.5 m,
 * numbered by its first point in the site: row N is y = 10 (N - 1). */
static void test_hundred_thousand_in_a_grid(void **state)
{
    cpted_context *ctx = *state;
    /* Under Valgrind (scripts/test.sh runs every unit test there) the same
     * grid with 10 rows: the memory checks see the same code, at a tenth of
     * the ~5 minutes the full grid takes there. */
    const size_t rows_n = RUNNING_ON_VALGRIND ? 10 : 100, per_row = 1000, n = rows_n * per_row;
    double *xy = malloc(2 * n * sizeof *xy);
    assert_non_null(xy);
    size_t k = 0;
    for (size_t col = 0; col < per_row; col++)
        for (size_t r = 0; r < rows_n; r++) {
            xy[2 * k] = 1.5 * (double)col;
            xy[2 * k + 1] = 10.0 * (double)r;
            k++;
        }
    cpted_site *site = points_site(ctx, xy, n);
    free(xy);
    GEOSGeometry **rows = NULL;
    size_t count = 0;
    assert_int_equal(cpted__rows_derive(ctx, site, 5.0, &rows, &count), CPTED_OK);
    assert_int_equal(count, rows_n);
    for (size_t r = 0; r < rows_n; r++) {
        unsigned int got = 0;
        double *c = line_xy(ctx, rows[r], &got);
        assert_int_equal(got, per_row);
        /* ordered along x, one way or the other */
        bool forward = c[0] == 0.0;
        for (size_t i = 0; i < per_row; i++) {
            size_t col = forward ? i : per_row - 1 - i;
            assert_true(c[2 * i] == 1.5 * (double)col);
            assert_true(c[2 * i + 1] == 10.0 * (double)r);
        }
        cpted__free(c);
    }
    cpted__rows_free(ctx, rows, count);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_thousand_colocated),
        cmocka_unit_test(test_hundred_thousand_in_a_grid),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
