/* test_geom.c - the tiles of a big polygon (lib/geom.c): overlays, predicates
 * and nearest points through the pieces agree with GEOS on the whole polygon. */
#include "testutil.h"

#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Far from the origin, as projected coordinates are: rounding is realistic. */
#define CX 500000.0
#define CY 6700000.0

static GEOSGeometry *ring_polygon(cpted_context *ctx, const double *xy, size_t n,
                                  GEOSGeometry **holes, unsigned int nholes)
{
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(ctx->geos, xy, (unsigned int)n, 0, 0);
    assert_non_null(seq);
    GEOSGeometry *shell = GEOSGeom_createLinearRing_r(ctx->geos, seq);
    assert_non_null(shell);
    GEOSGeometry *poly = GEOSGeom_createPolygon_r(ctx->geos, shell, holes, nholes);
    assert_non_null(poly);
    return poly;
}

/* A closed wavy ring of n vertices round (CX, CY): radius r0 + amp sin(waves t). */
static double *wavy(size_t n, double r0, double amp, int waves, bool clockwise)
{
    double *xy = malloc(2 * (n + 1) * sizeof *xy);
    assert_non_null(xy);
    for (size_t k = 0; k < n; k++) {
        double t = 2.0 * acos(-1.0) * (double)k / (double)n * (clockwise ? -1.0 : 1.0);
        double r = r0 + amp * sin(waves * t);
        xy[2 * k] = CX + r * cos(t);
        xy[2 * k + 1] = CY + r * sin(t);
    }
    xy[2 * n] = xy[0];
    xy[2 * n + 1] = xy[1];
    return xy;
}

/* A star of 4000 vertices with a wavy hole of 400: far more than a piece holds. */
static GEOSGeometry *big_star(cpted_context *ctx)
{
    double *outer = wavy(4000, 300.0, 80.0, 37, false);
    double *inner = wavy(400, 60.0, 10.0, 7, true);
    GEOSCoordSequence *hs = GEOSCoordSeq_copyFromBuffer_r(ctx->geos, inner, 401, 0, 0);
    GEOSGeometry *hole = GEOSGeom_createLinearRing_r(ctx->geos, hs);
    assert_non_null(hole);
    GEOSGeometry *holes[1] = {hole};
    GEOSGeometry *star = ring_polygon(ctx, outer, 4001, holes, 1);
    free(outer);
    free(inner);
    assert_int_equal(GEOSisValid_r(ctx->geos, star), 1);
    return star;
}

static double area(cpted_context *ctx, const GEOSGeometry *g)
{
    double a = -1.0;
    assert_int_equal(GEOSArea_r(ctx->geos, g, &a), 1);
    return a;
}

static double length(cpted_context *ctx, const GEOSGeometry *g)
{
    double l = -1.0;
    assert_int_equal(GEOSLength_r(ctx->geos, g, &l), 1);
    return l;
}

/* Every vertex of g, appended to *xy (n points). */
static void vertices_seq(cpted_context *ctx, const GEOSCoordSequence *seq, double **xy, size_t *n)
{
    unsigned int m = 0;
    assert_true(GEOSCoordSeq_getSize_r(ctx->geos, seq, &m));
    *xy = realloc(*xy, 2 * (*n + m) * sizeof **xy);
    assert_non_null(*xy);
    for (unsigned int i = 0; i < m; i++, (*n)++)
        assert_true(GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &(*xy)[2 * *n], &(*xy)[2 * *n + 1]));
}

static void vertices(cpted_context *ctx, const GEOSGeometry *g, double **xy, size_t *n)
{
    GEOSContextHandle_t h = ctx->geos;
    if (GEOSisEmpty_r(h, g) == 1)
        return;
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        vertices_seq(ctx, GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g)), xy, n);
        for (int k = 0; k < GEOSGetNumInteriorRings_r(h, g); k++)
            vertices_seq(ctx, GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, k)), xy, n);
    } else if (type == GEOS_POINT || type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        vertices_seq(ctx, GEOSGeom_getCoordSeq_r(h, g), xy, n);
    } else {
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
            vertices(ctx, GEOSGetGeometryN_r(h, g, i), xy, n);
    }
}

/* The smallest vertex of a non-empty geometry by geom.c's rule: the smallest
 * x, x's within 1e-6 m of it counting as equal, then the smallest y. */
static void smallest_vertex(cpted_context *ctx, const GEOSGeometry *g, double out[2])
{
    double *xy = NULL;
    size_t n = 0;
    vertices(ctx, g, &xy, &n);
    assert_true(n > 0);
    double minx = INFINITY;
    for (size_t i = 0; i < n; i++)
        minx = fmin(minx, xy[2 * i]);
    out[0] = minx;
    out[1] = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (xy[2 * i] <= minx + 1e-6 && xy[2 * i + 1] < out[1]) {
            out[0] = xy[2 * i];
            out[1] = xy[2 * i + 1];
        }
    free(xy);
}

/* Probes apart from big whose nearest pair is GEOS's, and ties that cpted's
 * rule decides otherwise. */
static int nearest_same, nearest_ties, distances_checked;

/* Checks one probe against the direct GEOS results on big; nearest points by
 * cpted's rule (geom.c): apart, GEOS's pair (no probe here has a tie);
 * meeting, the smallest common point (x first, then y). */
static void check_probe(cpted_context *ctx, cpted__tiles *t, const GEOSGeometry *big,
                        GEOSGeometry *probe)
{
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *direct = GEOSIntersection_r(h, big, probe);
    GEOSGeometry *tiled = cpted__tiles_intersection(ctx, t, probe);
    assert_non_null(direct);
    assert_non_null(tiled);
    double da = area(ctx, direct), ta = area(ctx, tiled);
    if (fabs(da - ta) > 1e-9 * fmax(da, 1.0))
        fail_msg("area %.12g through the tiles, %.12g direct", ta, da);
    double dl = length(ctx, direct), tl = length(ctx, tiled);
    if (fabs(dl - tl) > 1e-9 * fmax(dl, 1.0))
        fail_msg("length %.12g through the tiles, %.12g direct", tl, dl);
    assert_int_equal(GEOSisEmpty_r(h, tiled), GEOSisEmpty_r(h, direct));
    assert_int_equal(cpted__tiles_intersects(ctx, t, probe, -1), GEOSIntersects_r(h, big, probe));
    if (GEOSGeomTypeId_r(h, probe) == GEOS_POLYGON) {
        double d = -1.0, xy[4];
        assert_int_equal(GEOSDistance_r(h, big, probe, &d), 1);
        /* the distance from the tiles is GEOS's number, exactly, whether the
         * probe is a Polygon or a one-part MultiPolygon (an OSM building) */
        double td = -1.0, md = -1.0;
        assert_int_equal(cpted__tiles_distance(ctx, t, probe, &td), CPTED_OK);
        if (td != d)
            fail_msg("distance %.17g through the tiles, %.17g direct", td, d);
        GEOSGeometry *part = GEOSGeom_clone_r(h, probe);
        GEOSGeometry *multi = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, &part, 1);
        assert_non_null(multi);
        assert_int_equal(cpted__tiles_distance(ctx, t, multi, &md), CPTED_OK);
        assert_true(md == d);
        double mxy[4];
        assert_int_equal(cpted__tiles_nearest_points(ctx, t, multi, d, mxy), CPTED_OK);
        assert_int_equal(cpted__tiles_nearest_points(ctx, t, probe, d, xy), CPTED_OK);
        assert_memory_equal(mxy, xy, sizeof xy);
        GEOSGeom_destroy_r(h, multi);
        distances_checked++;
        if (d == 0.0) {
            /* meeting: the smallest point of big ∩ probe (the tiles' cuts may
             * round it differently from the direct intersection) */
            double want[2];
            smallest_vertex(ctx, direct, want);
            assert_near(xy[0], want[0], 1e-6);
            assert_near(xy[1], want[1], 1e-6);
            assert_true(xy[2] == xy[0] && xy[3] == xy[1]);
        } else {
            /* apart: the very pair GEOS gives, not merely close - unless GEOS's
             * pair is as near (a tie: the star is symmetric), and then ours
             * comes first by the rule (smaller x, or the same x and smaller y) */
            GEOSCoordSequence *pair = GEOSNearestPoints_r(h, big, probe);
            assert_non_null(pair);
            double want[4];
            GEOSCoordSeq_getXY_r(h, pair, 0, &want[0], &want[1]);
            GEOSCoordSeq_getXY_r(h, pair, 1, &want[2], &want[3]);
            GEOSCoordSeq_destroy_r(h, pair);
            double ours = hypot(xy[0] - xy[2], xy[1] - xy[3]);
            assert_near(ours, d, 1e-9);
            if (xy[0] == want[0] && xy[1] == want[1] && xy[2] == want[2] && xy[3] == want[3]) {
                nearest_same++;
            } else {
                double theirs = hypot(want[0] - want[2], want[1] - want[3]);
                if (fabs(theirs - ours) > 1e-9)
                    fail_msg("nearest points (%.17g %.17g) at %.17g, GEOS (%.17g %.17g) at %.17g",
                             xy[0], xy[1], ours, want[0], want[1], theirs);
                assert_true(xy[0] < want[0] - 1e-6 ||
                            (fabs(xy[0] - want[0]) <= 1e-6 && xy[1] <= want[1]));
                nearest_ties++;
            }
        }
    }
    GEOSGeom_destroy_r(h, direct);
    GEOSGeom_destroy_r(h, tiled);
    GEOSGeom_destroy_r(h, probe);
}

static GEOSGeometry *square(cpted_context *ctx, double x, double y, double half)
{
    GEOSGeometry *g = GEOSGeom_createRectangle_r(ctx->geos, x - half, y - half, x + half, y + half);
    assert_non_null(g);
    return g;
}

static GEOSGeometry *disc(cpted_context *ctx, double x, double y, double r)
{
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
    GEOSGeometry *g = GEOSBuffer_r(ctx->geos, p, r, 8);
    GEOSGeom_destroy_r(ctx->geos, p);
    assert_non_null(g);
    return g;
}

static GEOSGeometry *segment(cpted_context *ctx, double x0, double y0, double x1, double y1)
{
    double xy[4] = {x0, y0, x1, y1};
    GEOSGeometry *g = cpted__line_from_xy(ctx, xy, 2);
    assert_non_null(g);
    return g;
}

static void test_tiles_match_direct(void **state)
{
    cpted_context *ctx = *state;
    GEOSGeometry *big = big_star(ctx);
    cpted__tiles *t = NULL;
    assert_int_equal(cpted__tiles_new(&t, ctx, big, 256), CPTED_OK);
    /* 4400 vertices in pieces of at most 256: many pieces */
    assert_true(cpted__tiles_count(t) >= 4400 / 256);
    double x0, y0, x1, y1;
    GEOSGeom_getExtent_r(ctx->geos, big, &x0, &y0, &x1, &y1);
    /* the pieces cover big exactly: a probe over all of it gets big's area */
    GEOSGeometry *all = square(ctx, CX, CY, 1000.0);
    GEOSGeometry *whole = cpted__tiles_intersection(ctx, t, all);
    assert_non_null(whole);
    assert_near(area(ctx, whole), area(ctx, big), 1e-9 * area(ctx, big));
    GEOSGeom_destroy_r(ctx->geos, whole);
    GEOSGeom_destroy_r(ctx->geos, all);
    /* a grid of squares and discs over the envelope: inside, outside, on the rim */
    for (int i = 0; i <= 12; i++)
        for (int j = 0; j <= 12; j++) {
            double x = x0 + (x1 - x0) * i / 12.0, y = y0 + (y1 - y0) * j / 12.0;
            check_probe(ctx, t, big, square(ctx, x, y, 9.0));
            check_probe(ctx, t, big, disc(ctx, x + 13.0, y + 7.0, 20.0));
        }
    /* on the first cut (the envelope's middle, x = mx and y = my), across four pieces */
    double mx = x0 + (x1 - x0) / 2.0, my = y0 + (y1 - y0) / 2.0;
    check_probe(ctx, t, big, square(ctx, mx, my + 150.0, 30.0));
    check_probe(ctx, t, big, square(ctx, mx + 150.0, my, 30.0));
    check_probe(ctx, t, big, disc(ctx, mx, my, 100.0)); /* round the hole, over all four */
    /* lines: along a cut, across everything, and a short one in the band */
    check_probe(ctx, t, big, segment(ctx, mx, y0 - 10.0, mx, y1 + 10.0));
    check_probe(ctx, t, big, segment(ctx, x0 - 5.0, y0 - 3.0, x1 + 5.0, y1 + 3.0));
    check_probe(ctx, t, big, segment(ctx, CX + 200.0, CY - 4.0, CX + 260.0, CY + 4.0));
    /* most probes apart have one nearest pair, GEOS's; the symmetric ones tie */
    print_message("nearest points: %d as GEOS gives them, %d ties decided by the rule; "
                  "%d distances as GEOS gives them\n",
                  nearest_same, nearest_ties, distances_checked);
    assert_true(nearest_same > 50);
    assert_true(distances_checked > 300);
    cpted__tiles_free(ctx, t);
    GEOSGeom_destroy_r(ctx->geos, big);
}

/* A copy for another thread (cpted__tiles_copy) measures exactly as the
 * original: with the ring runs copied (built first) and without (built on
 * its first use from the copy of big), in a context of its own. */
static void test_tiles_copy_same_numbers(void **state)
{
    cpted_context *ctx = *state;
    GEOSGeometry *big = big_star(ctx);
    cpted__tiles *t = NULL;
    assert_int_equal(cpted__tiles_new(&t, ctx, big, 256), CPTED_OK);
    cpted_context *other = NULL;
    assert_int_equal(cpted_context_new(&other), CPTED_OK);
    double x0, y0, x1, y1;
    GEOSGeom_getExtent_r(ctx->geos, big, &x0, &y0, &x1, &y1);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            assert_int_equal(cpted__tiles_build_chunks(ctx, t), CPTED_OK);
        GEOSGeometry *big2 = GEOSGeom_clone_r(other->geos, big);
        cpted__tiles *c = NULL;
        assert_int_equal(cpted__tiles_copy(&c, other, t, big2), CPTED_OK);
        assert_int_equal(cpted__tiles_count(c), cpted__tiles_count(t));
        for (int i = 0; i <= 8; i++)
            for (int j = 0; j <= 8; j++) {
                double x = x0 + (x1 - x0) * i / 8.0, y = y0 + (y1 - y0) * j / 8.0;
                GEOSGeometry *g = square(ctx, x + 3.0, y - 5.0, 7.0);
                double d1 = NAN, d2 = NAN, p1[4], p2[4];
                assert_int_equal(cpted__tiles_distance(ctx, t, g, &d1), CPTED_OK);
                assert_int_equal(cpted__tiles_distance(other, c, g, &d2), CPTED_OK);
                assert_true(d1 == d2);
                assert_int_equal(cpted__tiles_nearest_points(ctx, t, g, d1, p1), CPTED_OK);
                assert_int_equal(cpted__tiles_nearest_points(other, c, g, d2, p2), CPTED_OK);
                assert_memory_equal(p1, p2, sizeof p1);
                GEOSGeom_destroy_r(ctx->geos, g);
            }
        cpted__tiles_free(other, c);
        GEOSGeom_destroy_r(other->geos, big2);
    }
    cpted_context_free(other);
    cpted__tiles_free(ctx, t);
    GEOSGeom_destroy_r(ctx->geos, big);
}

static void test_tiles_empty(void **state)
{
    cpted_context *ctx = *state;
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *big = big_star(ctx);
    cpted__tiles *t = NULL;
    assert_int_equal(cpted__tiles_new(&t, ctx, big, 256), CPTED_OK);
    /* far away: nothing, and no error */
    GEOSGeometry *far = square(ctx, CX + 5000.0, CY, 10.0);
    GEOSGeometry *none = cpted__tiles_intersection(ctx, t, far);
    assert_non_null(none);
    assert_int_equal(GEOSisEmpty_r(h, none), 1);
    assert_int_equal(cpted__tiles_intersects(ctx, t, far, -1), 0);
    GEOSGeom_destroy_r(h, none);
    /* in the hole: nothing either */
    check_probe(ctx, t, big, square(ctx, CX, CY, 5.0));
    check_probe(ctx, t, big, far);
    /* an empty probe */
    GEOSGeometry *empty = GEOSGeom_createEmptyPolygon_r(h);
    none = cpted__tiles_intersection(ctx, t, empty);
    assert_non_null(none);
    assert_int_equal(GEOSisEmpty_r(h, none), 1);
    assert_int_equal(cpted__tiles_intersects(ctx, t, empty, -1), 0);
    GEOSGeom_destroy_r(h, none);
    cpted__tiles_free(ctx, t);
    /* an empty big geometry: no pieces, empty answers */
    GEOSGeometry *nothing = GEOSGeom_createEmptyPolygon_r(h);
    assert_int_equal(cpted__tiles_new(&t, ctx, nothing, 256), CPTED_OK);
    assert_int_equal(cpted__tiles_count(t), 0);
    GEOSGeometry *probe = square(ctx, CX, CY, 10.0);
    none = cpted__tiles_intersection(ctx, t, probe);
    assert_non_null(none);
    assert_int_equal(GEOSisEmpty_r(h, none), 1);
    assert_int_equal(cpted__tiles_intersects(ctx, t, probe, -1), 0);
    GEOSGeom_destroy_r(h, none);
    GEOSGeom_destroy_r(h, probe);
    GEOSGeom_destroy_r(h, empty);
    cpted__tiles_free(ctx, t);
    cpted__tiles_free(ctx, NULL); /* NULL is fine */
    GEOSGeom_destroy_r(h, nothing);
    GEOSGeom_destroy_r(h, big);
}

/* A multipolygon: a small polygon is one piece; the part filter tells them apart. */
static void test_tiles_parts(void **state)
{
    cpted_context *ctx = *state;
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *parts[2] = {big_star(ctx), square(ctx, CX + 2000.0, CY, 50.0)};
    GEOSGeometry *multi = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 2);
    assert_non_null(multi);
    cpted__tiles *t = NULL;
    assert_int_equal(cpted__tiles_new(&t, ctx, multi, 256), CPTED_OK);
    GEOSGeometry *probe = square(ctx, CX + 2050.0, CY + 50.0, 10.0); /* on a corner of part 1 */
    assert_int_equal(cpted__tiles_intersects(ctx, t, probe, -1), 1);
    assert_int_equal(cpted__tiles_intersects(ctx, t, probe, 0), 0);
    assert_int_equal(cpted__tiles_intersects(ctx, t, probe, 1), 1);
    assert_int_equal(cpted__tiles_intersects(ctx, t, probe, 2), 0); /* no such part */
    GEOSGeometry *cut = cpted__tiles_intersection(ctx, t, probe);
    assert_non_null(cut);
    assert_near(area(ctx, cut), 100.0, 1e-6); /* a 10 x 10 corner */
    GEOSGeom_destroy_r(h, cut);
    check_probe(ctx, t, multi, probe);
    /* touching part 1 along an edge: distance 0, the smallest common point */
    check_probe(ctx, t, multi, square(ctx, CX + 2060.0, CY, 10.0));
    /* overlapping part 1's first vertex: the smallest point of the overlap */
    check_probe(ctx, t, multi, square(ctx, CX + 1950.0, CY - 50.0, 5.0));
    cpted__tiles_free(ctx, t);
    GEOSGeom_destroy_r(h, multi);
}

/* The tie-break of the nearest points (geom.c), worked out by hand. */
static void test_nearest_points_rule(void **state)
{
    cpted_context *ctx = *state;
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *big = GEOSGeom_createRectangle_r(h, CX, CY, CX + 10.0, CY + 10.0);
    assert_non_null(big);
    cpted__tiles *t = NULL;
    assert_int_equal(cpted__tiles_new(&t, ctx, big, 256), CPTED_OK);
    double xy[4];
    /* g's left edge x = CX + 12, y = CY + 2 .. CY + 8, parallel to big's right
     * edge 2 m away: every pair (CX + 10, y), (CX + 12, y) is nearest. The
     * smallest point on big decides: y = CY + 2. */
    GEOSGeometry *g = GEOSGeom_createRectangle_r(h, CX + 12.0, CY + 2.0, CX + 14.0, CY + 8.0);
    assert_int_equal(cpted__tiles_nearest_points(ctx, t, g, 2.0, xy), CPTED_OK);
    assert_true(xy[0] == CX + 10.0 && xy[1] == CY + 2.0);
    assert_true(xy[2] == CX + 12.0 && xy[3] == CY + 2.0);
    GEOSGeom_destroy_r(h, g);
    /* Below big, its bottom edge against g's top edge (y = CY - 3), x from
     * CX + 4 to CX + 20: x = CX + 4 is the smallest. */
    g = GEOSGeom_createRectangle_r(h, CX + 4.0, CY - 5.0, CX + 20.0, CY - 3.0);
    assert_int_equal(cpted__tiles_nearest_points(ctx, t, g, 3.0, xy), CPTED_OK);
    assert_true(xy[0] == CX + 4.0 && xy[1] == CY && xy[2] == CX + 4.0 && xy[3] == CY - 3.0);
    GEOSGeom_destroy_r(h, g);
    /* No tie: a point 3 m right of and 4 m above big's corner: 5 m to it. */
    g = GEOSGeom_createPointFromXY_r(h, CX + 13.0, CY + 14.0);
    assert_int_equal(cpted__tiles_nearest_points(ctx, t, g, 5.0, xy), CPTED_OK);
    assert_true(xy[0] == CX + 10.0 && xy[1] == CY + 10.0);
    assert_true(xy[2] == CX + 13.0 && xy[3] == CY + 14.0);
    GEOSGeom_destroy_r(h, g);
    /* Overlap [CX + 8, CX + 10] x [CY, CY + 3]: the smallest x is CX + 8, the
     * smallest y there CY: both points are (CX + 8, CY). */
    g = GEOSGeom_createRectangle_r(h, CX + 8.0, CY - 2.0, CX + 12.0, CY + 3.0);
    assert_int_equal(cpted__tiles_nearest_points(ctx, t, g, 0.0, xy), CPTED_OK);
    assert_true(xy[0] == CX + 8.0 && xy[1] == CY && xy[2] == CX + 8.0 && xy[3] == CY);
    GEOSGeom_destroy_r(h, g);
    /* An empty g is an error, not a guess. */
    g = GEOSGeom_createEmptyPolygon_r(h);
    assert_int_equal(cpted__tiles_nearest_points(ctx, t, g, 0.0, xy), CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "empty"));
    GEOSGeom_destroy_r(h, g);
    cpted__tiles_free(ctx, t);
    GEOSGeom_destroy_r(h, big);
}

/* A closed line of n vertices on an ellipse with semi-axes a, b around (cx, cy). */
static GEOSGeometry *ellipse(cpted_context *ctx, double cx, double cy, double a, double b, int n)
{
    double *xy = malloc(sizeof *xy * 2 * (size_t)(n + 1));
    for (int i = 0; i <= n; i++) {
        double t = 2.0 * acos(-1.0) * (i % n) / n;
        xy[2 * i] = cx + a * cos(t);
        xy[2 * i + 1] = cy + b * sin(t);
    }
    GEOSGeometry *g = cpted__line_from_xy(ctx, xy, (size_t)n + 1);
    free(xy);
    return g;
}

static void test_line_is_circle(void **state)
{
    cpted_context *ctx = *state;
    double cx = 0, cy = 0, r = 0;
    /* a DXF circle as GDAL draws it: 96 vertices, at UTM-sized coordinates */
    GEOSGeometry *g = ellipse(ctx, 500004.5, 5540000.0, 0.15, 0.15, 96);
    assert_true(cpted__line_is_circle(ctx, g, &cx, &cy, &r));
    assert_near(cx, 500004.5, 1e-9);
    assert_near(cy, 5540000.0, 1e-9);
    assert_near(r, 0.15, 1e-9);
    GEOSGeom_destroy_r(ctx->geos, g);
    /* an ellipse 2 mm out of round is not a circle; 0.5 mm is (1 mm tolerance) */
    g = ellipse(ctx, 0, 0, 0.15, 0.148, 96);
    assert_false(cpted__line_is_circle(ctx, g, &cx, &cy, &r));
    GEOSGeom_destroy_r(ctx->geos, g);
    g = ellipse(ctx, 0, 0, 0.15, 0.1495, 96);
    assert_true(cpted__line_is_circle(ctx, g, &cx, &cy, &r));
    GEOSGeom_destroy_r(ctx->geos, g);
    /* a square outline (4 vertices) and a hexagon are not CAD circles */
    g = ellipse(ctx, 0, 0, 1, 1, 4);
    assert_false(cpted__line_is_circle(ctx, g, &cx, &cy, &r));
    GEOSGeom_destroy_r(ctx->geos, g);
    g = ellipse(ctx, 0, 0, 1, 1, 6);
    assert_false(cpted__line_is_circle(ctx, g, &cx, &cy, &r));
    GEOSGeom_destroy_r(ctx->geos, g);
    /* an open arc is not closed */
    double arc[2 * 20];
    for (int i = 0; i < 20; i++) {
        arc[2 * i] = cos(0.1 * i);
        arc[2 * i + 1] = sin(0.1 * i);
    }
    g = cpted__line_from_xy(ctx, arc, 20);
    assert_false(cpted__line_is_circle(ctx, g, &cx, &cy, &r));
    GEOSGeom_destroy_r(ctx->geos, g);
}

/* The square of the given side with its lower-left corner at (x, y). */
static GEOSGeometry *corner_square(cpted_context *ctx, double x, double y, double side)
{
    double xy[] = {x, y, x + side, y, x + side, y + side, x, y + side, x, y};
    return ring_polygon(ctx, xy, 5, NULL, 0);
}

/* The union cluster by cluster (cpted__union_owned): the same point set as
 * one unary union of everything, valid, with pieces that meet nothing kept as
 * they are. Unit squares: 0 and 1 share an edge (merged), 2 overlaps 3 by half
 * (merged: 1.5), 4 and 5 touch only at a corner (one cluster, two polygons
 * of the result: a MultiPolygon's parts may touch at points), 6 is alone; the big star (prepared: > 256 vertices) gets
 * a square inside its hole (alone) and one across its outline (merged). */
static void test_union_clusters(void **state)
{
    cpted_context *ctx = *state;
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *star = big_star(ctx);
    const double star_area = area(ctx, star);
    GEOSGeometry *across = corner_square(ctx, CX + 370.0, CY - 5.0, 40.0); /* r 300 ± 80 */
    GEOSGeometry *across_copy = GEOSGeom_clone_r(h, across);
    GEOSGeometry *star_copy = GEOSGeom_clone_r(h, star);
    GEOSGeometry *geoms[] = {
        corner_square(ctx, CX + 1000, CY, 1),       corner_square(ctx, CX + 1001, CY, 1),
        corner_square(ctx, CX + 1010, CY, 1),       corner_square(ctx, CX + 1010.5, CY, 1),
        corner_square(ctx, CX + 1020, CY, 1),       corner_square(ctx, CX + 1021, CY + 1, 1),
        corner_square(ctx, CX + 1030, CY, 1),       star,
        corner_square(ctx, CX - 5.0, CY - 5.0, 10), across,
    };
    const size_t n = sizeof geoms / sizeof geoms[0];
    GEOSGeometry *clones[sizeof geoms / sizeof geoms[0]];
    for (size_t i = 0; i < n; i++)
        clones[i] = GEOSGeom_clone_r(h, geoms[i]);
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, clones, n);
    GEOSGeometry *whole = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    GEOSGeometry *u = cpted__union_owned(ctx, geoms, n);
    assert_non_null(u);
    assert_int_equal(GEOSisValid_r(h, u), 1);
    assert_int_equal(GEOSGeomTypeId_r(h, u), GEOS_MULTIPOLYGON);
    /* clusters {0,1} {2,3} {4,5} {6} {7,9} {8}: polygons 0+1, 2+3, 4, 5, 6, 7+9, 8 */
    assert_int_equal(GEOSGetNumGeometries_r(h, u), 7);
    GEOSGeometry *star_across = GEOSUnion_r(h, star_copy, across_copy);
    double want = 2.0 + 1.5 + 2.0 + 1.0 + area(ctx, star_across) + 100.0;
    assert_near(area(ctx, u), want, 1e-6);
    assert_true(area(ctx, star_across) > star_area + 1.0);
    GEOSGeometry *sym = GEOSSymDifference_r(h, u, whole);
    assert_near(area(ctx, sym), 0.0, 1e-6);
    GEOSGeometry *geoms2[] = {u, whole, sym, star_across, star_copy, across_copy};
    for (size_t i = 0; i < sizeof geoms2 / sizeof geoms2[0]; i++)
        GEOSGeom_destroy_r(h, geoms2[i]);
    /* a lone MultiPolygon whose parts overlap still goes through the union */
    GEOSGeometry *parts[] = {corner_square(ctx, CX, CY, 2), corner_square(ctx, CX + 1, CY, 2)};
    GEOSGeometry *mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 2);
    GEOSGeometry *three[] = {mp, corner_square(ctx, CX + 100, CY, 1), corner_square(ctx, CX + 200, CY, 1)};
    u = cpted__union_owned(ctx, three, 3);
    assert_non_null(u);
    assert_int_equal(GEOSisValid_r(h, u), 1);
    assert_near(area(ctx, u), 6.0 + 1.0 + 1.0, 1e-9);
    GEOSGeom_destroy_r(h, u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiles_match_direct),
        cmocka_unit_test(test_tiles_copy_same_numbers),
        cmocka_unit_test(test_tiles_empty),
        cmocka_unit_test(test_tiles_parts),
        cmocka_unit_test(test_nearest_points_rule),
        cmocka_unit_test(test_line_is_circle),
        cmocka_unit_test(test_union_clusters),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
