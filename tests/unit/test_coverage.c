/* test_coverage.c - internals behind the coverage analysis: cutting a stretch
 * of a line (cpted__line_substring, geom.c), rows chained from barrier points
 * (cpted__rows_derive, rows.c), copying versioned records
 * (cpted__copy_record), muting expected failures (cpted__mute, context.c) and
 * what a free space caches for the analyses (lines.c, freespace.c). */
#include "testutil.h"

#include "internal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
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

/* ---- rows from barrier points ------------------------------------------------ */

/* A site of bollard points (xy: 2n coordinates), in that order. */
static cpted_site *bollards(cpted_context *ctx, const double *xy, size_t n)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    for (size_t i = 0; i < n; i++) {
        size_t size = 0;
        unsigned char *wkb = test_wkb_point(xy[2 * i], xy[2 * i + 1], &size);
        test_add(site, "bollards", CPTED_ROLE_BARRIER, wkb, size);
    }
    return site;
}

/* Derives the rows and checks how many there are. */
static GEOSGeometry **derive(cpted_context *ctx, const cpted_site *site, double chain_m,
                             size_t expected)
{
    GEOSGeometry **rows = NULL;
    size_t count = 0;
    assert_int_equal(cpted__rows_derive(ctx, site, chain_m, &rows, &count), CPTED_OK);
    assert_int_equal(count, expected);
    return rows;
}

static void check_row(cpted_context *ctx, const GEOSGeometry *row, const double *xy,
                      unsigned int n)
{
    assert_non_null(row);
    unsigned int got = 0;
    double *c = cpted__line_coords(ctx, row, &got);
    assert_non_null(c);
    assert_int_equal(got, n);
    for (unsigned int i = 0; i < 2 * n; i++)
        assert_near(c[i], xy[i], 1e-12);
    cpted__free(c);
}

/* Chain 5 m. Four bollards on y = 0 given out of order (0, 3, 1.5, 4.5): one
 * row ordered along x. A pair 2 m apart far away: row 2. Two bollards on the
 * same spot: row 3 has no line. A lone bollard: no row. */
static void test_rows_order_and_numbering(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = bollards(
        ctx, (double[]){0, 0, 3, 0, 1.5, 0, 4.5, 0, 100, 0, 100, 2, 200, 0, 200, 0, 300, 0}, 9);
    GEOSGeometry **rows = derive(ctx, site, 5.0, 3);
    check_row(ctx, rows[0], (double[]){0, 0, 1.5, 0, 3, 0, 4.5, 0}, 4);
    check_row(ctx, rows[1], (double[]){100, 0, 100, 2}, 2);
    assert_null(rows[2]);
    cpted__rows_free(ctx, rows, 3);
    /* chain 1 m: every bollard is alone, only the coinciding pair chains */
    rows = derive(ctx, site, 1.0, 1);
    assert_null(rows[0]);
    cpted__rows_free(ctx, rows, 1);
    cpted_site_free(site);
}

/* The corners of a 4 m square, chain 5 m: the sides chain (4 m), the
 * diagonals (5.66 m) do not. Kruskal keeps 0-1, 0-3, 1-2 (ties by point
 * order); the tree's longest path runs from (0,4) to (4,4) through (0,0) and
 * (4,0). Its ends are 4 m apart, within chain and at most half the 12 m
 * path: a ring, closed back to (0,4). Three bollards 1.5 m apart are not a
 * ring: their ends, 3 m apart, are more than half the 3 m path. */
static void test_rows_ring(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *square = bollards(ctx, (double[]){0, 0, 4, 0, 4, 4, 0, 4}, 4);
    GEOSGeometry **rows = derive(ctx, square, 5.0, 1);
    check_row(ctx, rows[0], (double[]){0, 4, 0, 0, 4, 0, 4, 4, 0, 4}, 5);
    cpted__rows_free(ctx, rows, 1);
    cpted_site_free(square);
    cpted_site *straight = bollards(ctx, (double[]){0, 0, 1.5, 0, 3, 0}, 3);
    rows = derive(ctx, straight, 5.0, 1);
    check_row(ctx, rows[0], (double[]){0, 0, 1.5, 0, 3, 0}, 3);
    cpted__rows_free(ctx, rows, 1);
    cpted_site_free(straight);
}

/* Fewer than two barrier points (and barrier lines do not count): no rows. */
static void test_rows_none(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = bollards(ctx, (double[]){0, 0}, 1);
    double xy[4] = {1, 0, 2, 0};
    size_t n = 0;
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add(site, "walls", CPTED_ROLE_BARRIER, wkb, n);
    GEOSGeometry *stale[1] = {NULL};
    GEOSGeometry **rows = stale; /* must be overwritten */
    size_t count = 7;
    assert_int_equal(cpted__rows_derive(ctx, site, 5.0, &rows, &count), CPTED_OK);
    assert_null(rows);
    assert_int_equal(count, 0);
    cpted_site_free(site);
}

/* ---- versioned records ------------------------------------------------------- */

/* A caller compiled against a newer library: the gap record plus a tail. */
typedef struct newer_gap {
    cpted_coverage_gap gap;
    double tail[2];
} newer_gap;

static void test_copy_record(void **state)
{
    cpted_context *ctx = *state;
    cpted_coverage_gap rec;
    memset(&rec, 0, sizeof rec);
    rec.struct_size = (uint32_t)sizeof rec;
    rec.start_m = 1.5;
    rec.clear_width_m = 2.25;
    /* the same layout: copied, struct_size kept */
    cpted_coverage_gap out;
    memset(&out, 0, sizeof out);
    out.struct_size = (uint32_t)sizeof out;
    assert_int_equal(cpted__copy_record(ctx, &out, &rec, sizeof rec, sizeof rec, "gap"), CPTED_OK);
    assert_true(out.start_m == 1.5 && out.clear_width_m == 2.25);
    /* newer and zero tail: accepted, the tail and the caller's size stay */
    newer_gap big;
    memset(&big, 0, sizeof big);
    big.gap.struct_size = (uint32_t)sizeof big;
    assert_int_equal(cpted__copy_record(ctx, &big, &rec, sizeof rec, sizeof rec, "gap"), CPTED_OK);
    assert_int_equal(big.gap.struct_size, sizeof big);
    assert_true(big.gap.start_m == 1.5 && big.tail[0] == 0.0 && big.tail[1] == 0.0);
    /* newer with a field set that this library does not know: refused, untouched */
    memset(&big, 0, sizeof big);
    big.gap.struct_size = (uint32_t)sizeof big;
    big.tail[1] = 1.0;
    assert_int_equal(cpted__copy_record(ctx, &big, &rec, sizeof rec, sizeof rec, "gap"),
                     CPTED_E_VERSION);
    assert_true(big.gap.start_m == 0.0);
    assert_non_null(strstr(cpted_context_last_error(ctx), "gap: struct_size"));
    /* older than the oldest layout: refused, untouched */
    memset(&out, 0, sizeof out);
    out.struct_size = 8;
    assert_int_equal(cpted__copy_record(ctx, &out, &rec, sizeof rec, sizeof rec, "gap"),
                     CPTED_E_VERSION);
    assert_true(out.start_m == 0.0 && out.struct_size == 8);
    /* an older but supported layout gets its prefix only */
    memset(&out, 0, sizeof out);
    out.struct_size = (uint32_t)offsetof(cpted_coverage_gap, clear_width_m);
    assert_int_equal(cpted__copy_record(ctx, &out, &rec, sizeof rec,
                                        offsetof(cpted_coverage_gap, end_m), "gap"),
                     CPTED_OK);
    assert_true(out.start_m == 1.5 && out.clear_width_m == 0.0);
    assert_int_equal(cpted__copy_record(ctx, NULL, &rec, sizeof rec, sizeof rec, "gap"),
                     CPTED_E_INVALID);
}

/* ---- muted failures ------------------------------------------------------------ */

typedef struct log_count {
    int errors;
    int others;
} log_count;

static void count_log(int32_t level, const char *message, void *payload)
{
    (void)message;
    log_count *c = payload;
    if (level == CPTED_LOG_ERROR)
        c->errors++;
    else
        c->others++;
}

static void test_mute(void **state)
{
    cpted_context *ctx = *state;
    log_count c = {0, 0};
    cpted_context_set_log(ctx, CPTED_LOG_DEBUG, count_log, &c);
    assert_int_equal(cpted__error(ctx, CPTED_E_FORMAT, "before"), CPTED_E_FORMAT);
    assert_int_equal(c.errors, 1);
    /* an expected failure: its text is readable, nothing is logged, and the
     * last error is put back afterwards */
    char *saved = cpted__mute(ctx);
    assert_string_equal(cpted_context_last_error(ctx), "");
    cpted__error(ctx, CPTED_E_FORMAT, "expected %d", 1);
    assert_string_equal(cpted_context_last_error(ctx), "expected 1");
    cpted__unmute(ctx, saved, false);
    assert_int_equal(c.errors, 1);
    assert_string_equal(cpted_context_last_error(ctx), "before");
    /* a real failure after all: the new error stays and is logged then */
    saved = cpted__mute(ctx);
    cpted__error(ctx, CPTED_E_NOMEM, "real");
    assert_int_equal(c.errors, 1);
    cpted__unmute(ctx, saved, true);
    assert_int_equal(c.errors, 2);
    assert_string_equal(cpted_context_last_error(ctx), "real");
    /* nothing recorded while muted: the old error comes back even when failed */
    saved = cpted__mute(ctx);
    cpted__unmute(ctx, saved, true);
    assert_string_equal(cpted_context_last_error(ctx), "real");
    assert_int_equal(c.errors, 2);
    assert_int_equal(c.others, 0);
    cpted_context_set_log(ctx, CPTED_LOG_WARNING, NULL, NULL);
}

/* ---- what a free space caches for the analyses ------------------------------ */

/* Three bollards 1.5 m apart on y = 0 (one with a malformed rating, one with a
 * good one), two coincident ones far off, and a wall: lines, footprints and
 * ratings are built once per free space; lines once per chain distance. */
static void test_freespace_caches(void **state)
{
    cpted_context *ctx = *state;
    const double xy[] = {0, 0, 1.5, 0, 3, 0, 40, 40, 40, 40};
    cpted_site *site = bollards(ctx, xy, 5);
    size_t n;
    const double wall[] = {10, -5, 10, 5};
    unsigned char *w = test_wkb_line(wall, 2, &n);
    test_add(site, "walls", CPTED_ROLE_OBSTACLE, w, n);
    site->features[0].rating = cpted__strdup("garbage");
    site->features[1].rating = cpted__strdup("V/7500[N2]/48/90:3.5/10.0");
    cpted_vehicle car;
    assert_int_equal(cpted_vehicle_preset(&car, sizeof car, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &car, NULL), CPTED_OK);

    const cpted__lines *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(cpted__freespace_lines(fs, 5.0, &a), CPTED_OK);
    assert_int_equal(cpted__freespace_lines(fs, 5.0, &b), CPTED_OK);
    assert_ptr_equal(a, b); /* built once */
    /* the three bollards form row:1 (3 m); the coincident pair is row:2, not analysed */
    assert_int_equal(a->count, 1);
    assert_string_equal(a->items[0].id, "row:1");
    assert_true(a->items[0].derived && !a->items[0].closed && !a->items[0].unverified);
    assert_near(a->items[0].length_m, 3.0, 1e-12);
    assert_int_equal(a->warning_count, 1);
    assert_string_equal(a->warnings[0], "row:2: its points coincide; not analysed");
    /* another chain distance: its own set; the first stays valid */
    assert_int_equal(cpted__freespace_lines(fs, 1.0, &c), CPTED_OK);
    assert_true(c != a);
    assert_int_equal(c->count, 0);
    assert_int_equal(c->warning_count, 1); /* the coincident pair still chains */
    assert_string_equal(a->items[0].id, "row:1");

    const cpted__footprint_item *fps = NULL, *again = NULL;
    size_t count = 0, count2 = 0;
    GEOSSTRtree *tree = NULL, *tree2 = NULL;
    assert_int_equal(cpted__freespace_footprints(fs, &fps, &count, &tree), CPTED_OK);
    assert_int_equal(cpted__freespace_footprints(fs, &again, &count2, &tree2), CPTED_OK);
    assert_ptr_equal(fps, again);
    assert_ptr_equal(tree, tree2);
    assert_int_equal(count, 6); /* five bollards and the wall, in feature order */
    assert_int_equal(fps[5].feature, 5);
    assert_near(fps[0].core_r, 0.1, 0); /* the default bollard diameter 0.2 m */
    assert_ptr_equal(fps[0].core, site->features[0].geom);
    assert_ptr_equal(fps[5].core, fps[5].geom); /* a wall is measured from its footprint */

    const cpted__parsed_rating *bad = NULL, *good = NULL, *bad2 = NULL;
    char before[512];
    snprintf(before, sizeof before, "%s", cpted_context_last_error(ctx));
    assert_int_equal(cpted__freespace_rating(fs, 0, &bad), CPTED_OK);
    assert_int_equal(cpted__freespace_rating(fs, 1, &good), CPTED_OK);
    assert_int_equal(cpted__freespace_rating(fs, 0, &bad2), CPTED_OK);
    assert_ptr_equal(bad, bad2);
    assert_false(bad->usable);
    assert_int_equal(bad->status, CPTED_E_FORMAT);
    assert_non_null(bad->why);
    assert_true(good->usable);
    assert_near(good->mass_kg, 7500, 0);
    assert_near(good->speed_kmh, 48, 0);
    assert_null(good->why);
    /* parsed muted: the context's error is untouched */
    assert_string_equal(cpted_context_last_error(ctx), before);

    cpted__tiles *r1 = NULL, *r2 = NULL, *a1 = NULL;
    assert_int_equal(cpted__freespace_tiles(fs, CPTED_SPACE_REACHABLE, &r1), CPTED_OK);
    assert_int_equal(cpted__freespace_tiles(fs, CPTED_SPACE_REACHABLE, &r2), CPTED_OK);
    assert_int_equal(cpted__freespace_tiles(fs, CPTED_SPACE_ACCESSIBLE, &a1), CPTED_OK);
    assert_ptr_equal(r1, r2);
    assert_true(r1 != a1);
    assert_int_equal(cpted__freespace_tiles(fs, CPTED_SPACE_FREE, &r1), CPTED_E_INVALID);

    /* the free space holds the site: freeing the site first is safe */
    cpted_site_free(site);
    assert_string_equal(cpted_freespace_site(fs)->features[0].id, "bollards:1");
    cpted_freespace_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_substring),
        cmocka_unit_test(test_rows_order_and_numbering),
        cmocka_unit_test(test_rows_ring),
        cmocka_unit_test(test_rows_none),
        cmocka_unit_test(test_copy_record),
        cmocka_unit_test(test_mute),
        cmocka_unit_test(test_freespace_caches),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
