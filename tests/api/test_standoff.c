/* test_standoff.c - standoff and blast per asset (public API).
 *
 * Expected standoffs are worked out by hand (docs/method-standoff.md): the
 * vehicle is a disc of its width w (M1 1.8 m, N3C 2.5 m, domain.md §9); the
 * vehicle-accessible area A is the set its body can cover. Round buffers are
 * inscribed polygons: with the default 8 segments per quadrant a radius is
 * short by up to 0.48 % of itself, so cases whose answer depends on arcs are
 * also run with 64 segments (0.0075 %) and checked to 1 mm.
 */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cpted_vehicle vehicle(const char *code)
{
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, code), CPTED_OK);
    return v;
}

/* A site in a local metric system, rotated by angle_deg about the origin and
 * then shifted by (dx, dy): every test geometry goes through place(). */
typedef struct frame {
    double c, s, dx, dy;
} frame;

static const frame IDENTITY = {1, 0, 0, 0};

static frame make_frame(double angle_deg, double dx, double dy)
{
    double a = angle_deg * 3.14159265358979323846 / 180.0;
    frame f = {cos(a), sin(a), dx, dy};
    return f;
}

static void place(const frame *f, double *xy, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        xy[2 * i] = f->c * x - f->s * y + f->dx;
        xy[2 * i + 1] = f->s * x + f->c * y + f->dy;
    }
}

static void add_rect(cpted_site *s, const frame *f, const char *layer, int32_t role, double x0,
                     double y0, double x1, double y1, const char *attr)
{
    double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    place(f, xy, 5);
    size_t n;
    unsigned char *wkb = test_wkb_polygon(xy, 5, &n);
    test_add_attrs(s, layer, role, wkb, n, attr, NULL);
}

static void add_line(cpted_site *s, const frame *f, const char *layer, int32_t role, double x0,
                     double y0, double x1, double y1, const char *attr)
{
    double xy[] = {x0, y0, x1, y1};
    place(f, xy, 2);
    size_t n;
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add_attrs(s, layer, role, wkb, n, attr, NULL);
}

static void add_point(cpted_site *s, const frame *f, const char *layer, int32_t role, double x,
                      double y)
{
    double xy[] = {x, y};
    place(f, xy, 1);
    size_t n;
    unsigned char *wkb = test_wkb_point(xy[0], xy[1], &n);
    test_add(s, layer, role, wkb, n);
}

/* Straight approaches read short, never long, by what the circumscribed
 * buffers add (32 segments per quadrant, radius d / cos(3 pi / 256)): the
 * road's half width (the ground must reach its rounded ends) and the
 * vehicle's half width (A), whose erosion in F is w/2 - 1e-6. */
static double outer(double d) { return d / cos(3.0 * 3.14159265358979323846 / 256.0); }
static double short_by(double road_half_m, double width_m)
{
    double road = road_half_m > 0 ? outer(road_half_m) - road_half_m : 0;
    return road + outer(width_m / 2) - (width_m / 2 - 1e-6);
}
/* The road site's 20 m for a car, as cpted reads it. */
#define ROAD_20M (20.0 - short_by(3.5, 1.8))

static cpted_site *new_site(cpted_context *ctx)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    return site;
}

/* Free space (options fo, NULL: defaults) then standoff; the result keeps the
 * free space alive, whose reference is dropped here. */
static cpted_standoff *run_fs(cpted_site *site, const char *code, const cpted_standoff_options *o,
                              const cpted_freespace_options *fo)
{
    cpted_vehicle v = vehicle(code);
    cpted_freespace *fs = NULL;
    if (cpted_freespace_new(&fs, site, &v, fo) != CPTED_OK)
        fail_msg("cpted_freespace_new: %s", cpted_context_last_error(cpted_site_context(site)));
    cpted_standoff *res = NULL;
    if (cpted_standoff_run(&res, fs, o) != CPTED_OK)
        fail_msg("cpted_standoff_run: %s", cpted_context_last_error(cpted_site_context(site)));
    cpted_freespace_free(fs);
    return res;
}

/* The hand-worked cases below measure the geometry of road edges, so they run
 * in the roads-only ground model; the default, conservative model (a car
 * crosses the pavement) is test_drivable_models and tests/api/test_freespace.c. */
static cpted_freespace_options fs_options(void)
{
    cpted_freespace_options fo;
    assert_int_equal(cpted_freespace_options_init(&fo, sizeof fo), CPTED_OK);
    fo.drivable = CPTED_DRIVABLE_ROADS;
    return fo;
}

static cpted_standoff *run(cpted_site *site, const char *code, const cpted_standoff_options *o)
{
    cpted_freespace_options fo = fs_options();
    return run_fs(site, code, o, &fo);
}

static cpted_standoff_asset record(const cpted_standoff *res, size_t i)
{
    cpted_standoff_asset a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    assert_int_equal(cpted_standoff_get_asset(&a, res, i), CPTED_OK);
    return a;
}

static double standoff_of(cpted_site *site, const char *code, int32_t quadrant_segments)
{
    cpted_freespace_options fo = fs_options();
    fo.quadrant_segments = quadrant_segments;
    cpted_standoff *res = run_fs(site, code, NULL, &fo);
    cpted_standoff_asset a = record(res, 0);
    assert_int_equal(a.reachable, 1);
    cpted_standoff_free(res);
    return a.standoff_m;
}

/* ---- a building 20 m behind a straight road edge ---------------------------- */


/* Road centreline y = 0, 7 m wide (edge y = 3.5); asset [-10,10] x [23.5,43.5]. */
static cpted_site *road_site(cpted_context *ctx, const frame *f, const char *asset_attr)
{
    cpted_site *site = new_site(ctx);
    add_line(site, f, "roads", CPTED_ROLE_ROAD, -100, 0, 100, 0, "width=7");
    add_rect(site, f, "assets", CPTED_ROLE_ASSET, -10, 23.5, 10, 43.5, asset_attr);
    return site;
}

/* The default ground model is the conservative one: the road no longer limits
 * the ground, so the car can drive across the (unblocked) pavement up to the
 * facade. drivable = roads keeps the car on the 7 m carriageway: 20 m. */
static void test_drivable_models(void **state)
{
    cpted_site *site = road_site(*state, &IDENTITY, NULL);
    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    assert_int_equal(o.drivable, CPTED_DRIVABLE_EVERYTHING);
    cpted_standoff *res = run_fs(site, "M1", NULL, &o);
    cpted_standoff_asset a = record(res, 0);
    assert_int_equal(a.reachable, 1);
    assert_near(a.standoff_m, 0.0, 0.0);
    cpted_standoff_free(res);

    o.drivable = CPTED_DRIVABLE_ROADS;
    res = run_fs(site, "M1", NULL, &o);
    assert_near(record(res, 0).standoff_m, ROAD_20M, 1e-6);
    cpted_standoff_free(res);

    o.drivable = 2;
    cpted_freespace *bad = NULL;
    cpted_vehicle v = vehicle("M1");
    assert_int_equal(cpted_freespace_new(&bad, site, &v, &o), CPTED_E_INVALID);
    assert_null(bad);
    assert_non_null(strstr(cpted_context_last_error(*state), "drivable = 2"));
    cpted_site_free(site);
}

static void test_road_edge_20m(void **state)
{
    cpted_site *site = road_site(*state, &IDENTITY, "name=Town hall");
    cpted_standoff *res = run(site, "M1", NULL);
    assert_int_equal(cpted_standoff_asset_count(res), 1);
    cpted_standoff_asset a = record(res, 0);
    assert_string_equal(a.id, "assets:1");
    assert_string_equal(a.name, "Town hall");
    assert_int_equal(a.reachable, 1);
    assert_near(a.standoff_m, ROAD_20M, 1e-6);
    assert_near(a.asset_y, 23.5, 1e-9);
    assert_near(a.vehicle_y, 23.5 - ROAD_20M, 1e-6);
    assert_near(a.asset_x, a.vehicle_x, 1e-6);
    assert_true(fabs(a.asset_x) <= 10 + 1e-9);
    assert_true(isnan(a.required_m));
    assert_int_equal(a.ok, -1);
    assert_true(isnan(a.scaled_distance) && isnan(a.incident_kpa) && isnan(a.reflected_kpa));
    assert_int_equal(a.blast_in_range, 0);
    assert_near(a.encroachment_m2, 0, 0);
    assert_ptr_equal(cpted_standoff_site(res), site);
    assert_non_null(cpted_standoff_freespace(res));
    double area = 0;
    assert_int_equal(
        cpted_freespace_get_area(&area, cpted_standoff_freespace(res), CPTED_SPACE_ACCESSIBLE),
        CPTED_OK);
    assert_true(area > 200 * 7);

    char *json = NULL;
    assert_int_equal(cpted_standoff_to_json(&json, res), CPTED_OK);
    assert_non_null(strstr(json, "\"schema\":\"cpted/standoff/1\""));
    assert_non_null(strstr(json, "\"charge_kg\":null"));
    assert_non_null(strstr(json, "\"id\":\"assets:1\",\"name\":\"Town hall\",\"osm_id\":null,"
                                 "\"address\":null,\"amenity\":null,\"assessed\":true,"
                                 "\"reachable\":true"));
    assert_non_null(strstr(json, "\"crs\":{\"working\":\"\",\"output\":\"\"},\"assessed\":true,"
                                 "\"not_assessed\":null"));
    assert_non_null(strstr(json, "\"required_m\":null"));
    assert_non_null(strstr(json, "\"ok\":null"));
    assert_non_null(strstr(json, "\"assumptions\":["));
    /* byte-identical on a second run */
    cpted_standoff *again = run(site, "M1", NULL);
    char *json2 = NULL;
    assert_int_equal(cpted_standoff_to_json(&json2, again), CPTED_OK);
    assert_string_equal(json, json2);
    cpted_free(json);
    cpted_free(json2);
    cpted_standoff_free(again);
    cpted_standoff_free(res);
    cpted_site_free(site);
}

static void test_asset_touching_road(void **state)
{
    cpted_site *site = new_site(*state);
    add_line(site, &IDENTITY, "roads", CPTED_ROLE_ROAD, -100, 0, 100, 0, "width=7");
    add_rect(site, &IDENTITY, "assets", CPTED_ROLE_ASSET, -5, 3.5, 5, 13.5, "name=kiosk");
    add_rect(site, &IDENTITY, "assets", CPTED_ROLE_ASSET, 20, 2, 30, 12, "name=overlaps");
    cpted_standoff *res = run(site, "M1", NULL);
    for (size_t i = 0; i < 2; i++) {
        cpted_standoff_asset a = record(res, i);
        assert_int_equal(a.reachable, 1);
        assert_near(a.standoff_m, 0.0, 0);
    }
    cpted_standoff_free(res);
    cpted_site_free(site);
}

/* ---- multi-part and holed assets (OSM buildings are MultiPolygons) ---------------- */

/* WKB (little endian) of rectangles: `multi` 0 gives one Polygon of rects[0]
 * with rects[1..n-1] as holes; 1 gives a MultiPolygon of n one-ring parts; 2
 * gives a one-part MultiPolygon of rects[0] with rects[1..n-1] as holes. */
static void put_bytes(unsigned char **p, size_t *len, const void *v, size_t k)
{
    unsigned char *q = realloc(*p, *len + k);
    assert_non_null(q);
    memcpy(q + *len, v, k);
    *p = q;
    *len += k;
}

static void put_u32le(unsigned char **p, size_t *len, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put_bytes(p, len, b, 4);
}

static void put_ring(unsigned char **p, size_t *len, const double r[4])
{
    const double xy[10] = {r[0], r[1], r[2], r[1], r[2], r[3], r[0], r[3], r[0], r[1]};
    put_u32le(p, len, 5);
    for (int i = 0; i < 10; i++) {
        uint64_t bits;
        memcpy(&bits, &xy[i], 8);
        for (int k = 0; k < 8; k++) {
            unsigned char c = (unsigned char)(bits >> (8 * k));
            put_bytes(p, len, &c, 1);
        }
    }
}

static void add_rects(cpted_site *site, int multi, const double (*rects)[4], size_t n)
{
    unsigned char *p = NULL, one = 1;
    size_t len = 0;
    if (multi) {
        put_bytes(&p, &len, &one, 1);
        put_u32le(&p, &len, 6);
        put_u32le(&p, &len, multi == 1 ? (uint32_t)n : 1);
    }
    for (size_t i = 0; i < (multi == 1 ? n : 1); i++) {
        put_bytes(&p, &len, &one, 1);
        put_u32le(&p, &len, 3);
        put_u32le(&p, &len, multi == 1 ? 1 : (uint32_t)n);
        for (size_t k = 0; k < (multi == 1 ? 1 : n); k++)
            put_ring(&p, &len, rects[multi == 1 ? i : k]);
    }
    test_add(site, "assets", CPTED_ROLE_ASSET, p, len);
}

/* The road site (road y = 0, 7 m wide) with one asset from add_rects. */
static cpted_standoff_asset asset_by_road(void **state, int multi, const double (*rects)[4],
                                          size_t n, const cpted_freespace_options *fo)
{
    cpted_site *site = new_site(*state);
    add_line(site, &IDENTITY, "roads", CPTED_ROLE_ROAD, -100, 0, 100, 0, "width=7");
    add_rects(site, multi, rects, n);
    cpted_standoff *res = run_fs(site, "M1", NULL, fo);
    assert_int_equal(cpted_standoff_asset_count(res), 1);
    cpted_standoff_asset a = record(res, 0);
    a.id = a.name = NULL; /* borrowed from the site, freed below */
    cpted_standoff_free(res);
    cpted_site_free(site);
    return a;
}

static void expect_same_pair(const cpted_standoff_asset *a, const cpted_standoff_asset *b)
{
    assert_true(a->standoff_m == b->standoff_m);
    assert_true(a->asset_x == b->asset_x && a->asset_y == b->asset_y);
    assert_true(a->vehicle_x == b->vehicle_x && a->vehicle_y == b->vehicle_y);
}

/* Face at y = 23.5, 20 m from the road edge: the Polygon, the same polygon
 * as a one-part MultiPolygon, and with a courtyard (a hole, no ground in it)
 * all read ROAD_20M with the same nearest pair: the west end of the facing
 * stretch (the tie rule: smallest x), (-10, 23.5), and below it on A. */
static void test_multipolygon_and_holed_assets(void **state)
{
    cpted_freespace_options fo = fs_options();
    const double block[1][4] = {{-10, 23.5, 10, 43.5}};
    const double holed[2][4] = {{-10, 23.5, 10, 43.5}, {-5, 28.5, 5, 38.5}};
    cpted_standoff_asset poly = asset_by_road(state, 0, block, 1, &fo);
    assert_near(poly.standoff_m, ROAD_20M, 1e-6);
    assert_near(poly.asset_x, -10, 1e-9);
    assert_near(poly.asset_y, 23.5, 1e-9);
    assert_near(poly.vehicle_x, -10, 1e-6);
    assert_near(poly.vehicle_y, 23.5 - ROAD_20M, 1e-6);
    cpted_standoff_asset one_part = asset_by_road(state, 2, block, 1, &fo);
    expect_same_pair(&poly, &one_part);
    cpted_standoff_asset courtyard = asset_by_road(state, 0, holed, 2, &fo);
    expect_same_pair(&poly, &courtyard);
    cpted_standoff_asset courtyard_multi = asset_by_road(state, 2, holed, 2, &fo);
    expect_same_pair(&poly, &courtyard_multi);

    /* two parts: a wing 30 m back (face y = 33.5) and one 20 m back at
     * x in [20, 30]: the nearer part decides, its west corner (20, 23.5) */
    const double wings[2][4] = {{-10, 33.5, 10, 43.5}, {20, 23.5, 30, 33.5}};
    cpted_standoff_asset two = asset_by_road(state, 1, wings, 2, &fo);
    assert_near(two.standoff_m, ROAD_20M, 1e-6);
    assert_near(two.asset_x, 20, 1e-9);
    assert_near(two.asset_y, 23.5, 1e-9);
    const double far_wing[1][4] = {{-10, 33.5, 10, 43.5}};
    cpted_standoff_asset far = asset_by_road(state, 0, far_wing, 1, &fo);
    assert_near(far.standoff_m, ROAD_20M + 10, 1e-6);

    /* the conservative model: the car crosses the pavement to every form's
     * outer facade, standoff 0, at the same meeting point */
    cpted_freespace_options all;
    assert_int_equal(cpted_freespace_options_init(&all, sizeof all), CPTED_OK);
    cpted_standoff_asset p0 = asset_by_road(state, 0, holed, 2, &all);
    cpted_standoff_asset m0 = asset_by_road(state, 2, holed, 2, &all);
    assert_near(p0.standoff_m, 0.0, 0.0);
    expect_same_pair(&p0, &m0);
    cpted_standoff_asset w0 = asset_by_road(state, 1, wings, 2, &all);
    assert_near(w0.standoff_m, 0.0, 0.0);
}

/* A courtyard is vehicle ground only when a vehicle can get into it: a
 * courtyard [-5,5] x [28.5,38.5] inside the asset with an entry in it (and
 * the conservative model: the courtyard's ground is drivable) lets the car
 * reach the inner facade (0) although the road is 20 m away; without that
 * entry vehicles come from the road's ends and stay outside: ROAD_20M with
 * drivable = roads. */
static void test_courtyard_inside_asset(void **state)
{
    const double holed[2][4] = {{-10, 23.5, 10, 43.5}, {-5, 28.5, 5, 38.5}};
    for (int multi = 0; multi <= 2; multi += 2) {
        cpted_site *site = new_site(*state);
        add_rect(site, &IDENTITY, "boundary", CPTED_ROLE_BOUNDARY, -100, -20, 100, 60, NULL);
        add_point(site, &IDENTITY, "entries", CPTED_ROLE_ENTRY, 0, 33.5);
        add_rects(site, multi, holed, 2);
        cpted_freespace_options all;
        assert_int_equal(cpted_freespace_options_init(&all, sizeof all), CPTED_OK);
        cpted_standoff *res = run_fs(site, "M1", NULL, &all);
        cpted_standoff_asset a = record(res, 0);
        assert_int_equal(a.reachable, 1);
        assert_near(a.standoff_m, 0.0, 0.0);
        /* the meeting point is on the courtyard's facade, the smallest point
         * of A ∩ asset: its west side x = -5 (A reaches a hair past it) */
        assert_true(a.asset_x > -5.01 && a.asset_x < -4.99);
        assert_true(a.asset_y > 28.49 && a.asset_y < 38.51);
        cpted_standoff_free(res);
        cpted_site_free(site);
    }
}

/* ---- bollards between road and building ---------------------------------------- */

/* Plaza [-30,30] x [-10,40] (boundary, no ground given: all drivable), entry
 * along the south edge, asset [-10,10] x [20,30], bollards (0.2 m) on y = 10
 * at x = -29.3 + 1.4 k, k = 0..42: clear gaps 1.2 m, 0.6 m and 0.4 m at the
 * ends. `missing` is a k left out (-1: none). */
static cpted_site *bollard_site(cpted_context *ctx, const frame *f, int missing)
{
    cpted_site *site = new_site(ctx);
    add_rect(site, f, "boundary", CPTED_ROLE_BOUNDARY, -30, -10, 30, 40, NULL);
    add_line(site, f, "entries", CPTED_ROLE_ENTRY, -30, -10, 30, -10, NULL);
    add_rect(site, f, "assets", CPTED_ROLE_ASSET, -10, 20, 10, 30, NULL);
    for (int k = 0; k <= 42; k++)
        if (k != missing)
            add_point(site, f, "bollards", CPTED_ROLE_BARRIER, -29.3 + 1.4 * k, 10);
    return site;
}

/* The vehicle centre stops where it is 0.1 + 0.9 = 1.0 m from the two
 * bollards of a gap (centres 0.7 m either side): sqrt(1 - 0.49) south of the
 * row; its body then reaches 0.9 m further north, so A ends at
 * y = 10 - sqrt(0.51) + 0.9 and the standoff to the face y = 20 is
 * 10 + sqrt(0.51) - 0.9 = 9.814143 m. */
static void test_bollard_row_stops_car(void **state)
{
    const double expected = 10 + sqrt(0.51) - 0.9;
    cpted_site *site = bollard_site(*state, &IDENTITY, -1);
    assert_near(standoff_of(site, "M1", 64), expected, 1e-3);
    /* default segments: the inscribed arcs let the car a few mm closer */
    double coarse = standoff_of(site, "M1", 8);
    assert_true(coarse <= expected + 1e-6);
    assert_near(coarse, expected, 0.01);
    cpted_site_free(site);

    /* one bollard missing: a 2.6 m gap lets the car through to the facade */
    site = bollard_site(*state, &IDENTITY, 21);
    assert_near(standoff_of(site, "M1", 8), 0.0, 0);
    /* the 2.6 m gap lets an N3C truck (2.5 m) through as well */
    assert_near(standoff_of(site, "N3C", 8), 0.0, 0);
    cpted_site_free(site);
}

/* Walls on y = 10 with a 2.2 m gap at x = 0 (ends at x = +-1.1, drawn without
 * a thickness: lines as drawn): a car passes; an N3C (2.5 m) stops with its
 * centre 1.25 m from the wall ends (+-1.1, 10), sqrt(1.25^2 - 1.1^2) south of
 * them, and its body reaches 1.25 m further: standoff 20 - (10 - sqrt(0.3525) + 1.25). */
static void test_gap_car_passes_truck_does_not(void **state)
{
    cpted_site *site = new_site(*state);
    add_rect(site, &IDENTITY, "boundary", CPTED_ROLE_BOUNDARY, -30, -10, 30, 40, NULL);
    add_line(site, &IDENTITY, "entries", CPTED_ROLE_ENTRY, -30, -10, 30, -10, NULL);
    add_rect(site, &IDENTITY, "assets", CPTED_ROLE_ASSET, -10, 20, 10, 30, NULL);
    add_line(site, &IDENTITY, "walls", CPTED_ROLE_OBSTACLE, -30, 10, -1.1, 10, NULL);
    add_line(site, &IDENTITY, "walls", CPTED_ROLE_OBSTACLE, 1.1, 10, 30, 10, NULL);
    assert_near(standoff_of(site, "M1", 8), 0.0, 0);
    double expected = 20 - (10 - sqrt(0.3525) + 1.25);
    assert_near(standoff_of(site, "N3C", 64), expected, 1e-3);
    /* 8 segments: the truck's centre gets up to 1.25 (1 - cos(3 pi / 64)) =
     * 13.5 mm closer past the inscribed corner arcs, never farther */
    double coarse = standoff_of(site, "N3C", 8);
    assert_true(coarse <= expected);
    assert_near(coarse, expected, 0.015);
    cpted_site_free(site);
}

/* ---- reachability -------------------------------------------------------------- */

/* Ground: a road strip along the south edge and a courtyard [40,60]^2 closed
 * off from it; the asset [45,55]^2 stands in the courtyard. */
static cpted_site *courtyard_site(cpted_context *ctx, int explicit_entry)
{
    cpted_site *site = new_site(ctx);
    add_rect(site, &IDENTITY, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 100, NULL);
    add_rect(site, &IDENTITY, "ground", CPTED_ROLE_GROUND, 0, 0, 100, 8, NULL);
    add_rect(site, &IDENTITY, "ground", CPTED_ROLE_GROUND, 40, 40, 60, 60, NULL);
    add_rect(site, &IDENTITY, "assets", CPTED_ROLE_ASSET, 45, 45, 55, 55,
             "required_standoff_m=10");
    if (explicit_entry)
        add_point(site, &IDENTITY, "entries", CPTED_ROLE_ENTRY, 50, 95); /* no ground there */
    return site;
}

static void test_courtyard(void **state)
{
    /* vehicles come from the edge: they reach the road, never the courtyard */
    cpted_site *site = courtyard_site(*state, 0);
    cpted_standoff *res = run(site, "M1", NULL);
    cpted_standoff_asset a = record(res, 0);
    assert_int_equal(a.reachable, 1);
    assert_int_equal(a.assessed, 1);
    assert_near(a.standoff_m, 45 - 8 - short_by(0, 1.8), 1e-9);
    assert_near(a.required_m, 10, 0);
    assert_int_equal(a.ok, 1);
    cpted_standoff_free(res);
    cpted_site_free(site);

    /* the only entry meets no free space: nothing is reachable */
    site = courtyard_site(*state, 1);
    res = run(site, "M1", NULL);
    a = record(res, 0);
    assert_int_equal(a.reachable, 0);
    assert_int_equal(a.assessed, 0); /* not "unreached, ok": nothing could be assessed */
    assert_true(isnan(a.standoff_m) && isnan(a.asset_x) && isnan(a.vehicle_y));
    assert_int_equal(a.ok, -1);
    assert_int_equal(cpted_standoff_finding_count(res), 1);
    assert_near(a.encroachment_m2, 0, 0);
    char *json = NULL;
    assert_int_equal(cpted_standoff_to_json(&json, res), CPTED_OK);
    assert_non_null(strstr(json, "\"assessed\":false,\"not_assessed\":\"no entry meets the free "
                                 "space"));
    assert_non_null(strstr(json, "\"assessed\":false,\"reachable\":false,\"standoff_m\":null"));
    assert_non_null(strstr(json, "\"ok\":null"));
    assert_non_null(strstr(json, "\"nearest\":null"));
    cpted_free(json);
    cpted_standoff_free(res);
    cpted_site_free(site);
}

/* ---- invariance --------------------------------------------------------------- */

static void test_rotation_translation_invariance(void **state)
{
    cpted_site *plain = bollard_site(*state, &IDENTITY, -1);
    double base = standoff_of(plain, "M1", 8);
    cpted_site_free(plain);
    const double angles[] = {37, 90, 211.5};
    for (size_t i = 0; i < sizeof angles / sizeof angles[0]; i++) {
        frame f = make_frame(angles[i], 385000.25, 6672000.75);
        cpted_site *site = bollard_site(*state, &f, -1);
        double moved = standoff_of(site, "M1", 8);
        assert_near(moved, base, fmax(1e-3, 0.01 * base));
        cpted_site_free(site);
    }
    /* the exact road case stays exact */
    frame f = make_frame(37, 500000, 6000000);
    cpted_site *site = road_site(*state, &f, NULL);
    assert_near(standoff_of(site, "M1", 8), ROAD_20M, 1e-6);
    cpted_site_free(site);
}

/* Lon/lat input gives the same metres as projected input: the road site is
 * written as GeoJSON in lon/lat (points converted with a site whose output CRS
 * is EPSG:4326) and opened with the automatic UTM working CRS. */
static void test_lonlat_same_metres(void **state)
{
    cpted_context *ctx = *state;
    /* a seed site in UTM 33N whose output CRS is lon/lat */
    const char *seed_path = test_tmp_path("standoff_seed.geojson");
    test_write_file(seed_path,
                    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                    "\"properties\":{\"role\":\"entry\"},\"geometry\":{\"type\":\"Point\","
                    "\"coordinates\":[15.0,52.0]}}]}");
    cpted_site_options so;
    CPTED_SITE_OPTIONS_INIT(&so);
    so.working_crs = "EPSG:32633";
    cpted_site *seed = NULL;
    const char *paths[1] = {seed_path};
    int rc = cpted_site_open(&seed, ctx, paths, 1, &so);
    if (rc != CPTED_OK) {
        print_message("skipped: cannot open GeoJSON (%s)\n", cpted_context_last_error(ctx));
        skip();
    }
    double e[4];
    assert_int_equal(cpted_site_get_extent(e, seed), CPTED_OK);
    double x0 = e[0], y0 = e[1];
    /* the road site relative to the seed point, in lon/lat */
    const double road[] = {-100, 0, 100, 0};
    const double asset[] = {-10, 23.5, 10, 23.5, 10, 43.5, -10, 43.5, -10, 23.5};
    double ll_road[4], ll_asset[10];
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(cpted_site_to_output(&ll_road[2 * i], &ll_road[2 * i + 1], seed,
                                              x0 + road[2 * i], y0 + road[2 * i + 1]),
                         CPTED_OK);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(cpted_site_to_output(&ll_asset[2 * i], &ll_asset[2 * i + 1], seed,
                                              x0 + asset[2 * i], y0 + asset[2 * i + 1]),
                         CPTED_OK);
    assert_near(ll_road[0], 15.0 - 100 / 68600.0, 0.01); /* about 68.6 km per degree at 52N */
    char text[2048];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"features\":["
             "{\"type\":\"Feature\",\"properties\":{\"role\":\"road\",\"width\":7},"
             "\"geometry\":{\"type\":\"LineString\","
             "\"coordinates\":[[%.12f,%.12f],[%.12f,%.12f]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"role\":\"asset\"},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.12f,%.12f],[%.12f,%.12f],"
             "[%.12f,%.12f],[%.12f,%.12f],[%.12f,%.12f]]]}}]}",
             ll_road[0], ll_road[1], ll_road[2], ll_road[3], ll_asset[0], ll_asset[1],
             ll_asset[2], ll_asset[3], ll_asset[4], ll_asset[5], ll_asset[6], ll_asset[7],
             ll_asset[8], ll_asset[9]);
    const char *ll_path = test_tmp_path("standoff_lonlat.geojson");
    test_write_file(ll_path, text);
    cpted_site *lonlat = NULL;
    paths[0] = ll_path;
    if (cpted_site_open(&lonlat, ctx, paths, 1, NULL) != CPTED_OK)
        fail_msg("open %s: %s", ll_path, cpted_context_last_error(ctx));
    assert_string_equal(cpted_site_crs(lonlat), "EPSG:32633");

    /* the same site built in projected metres */
    cpted_site *projected = NULL;
    assert_int_equal(cpted_site_new(&projected, ctx, "EPSG:32633"), CPTED_OK);
    frame shift = {1, 0, x0, y0};
    add_line(projected, &shift, "roads", CPTED_ROLE_ROAD, -100, 0, 100, 0, "width=7");
    add_rect(projected, &shift, "assets", CPTED_ROLE_ASSET, -10, 23.5, 10, 43.5, NULL);

    double d_ll = standoff_of(lonlat, "M1", 8);
    double d_pr = standoff_of(projected, "M1", 8);
    assert_near(d_pr, ROAD_20M, 1e-6);
    assert_near(d_ll, d_pr, 1e-3);

    /* JSON coordinates are in the output CRS (lon/lat for the GeoJSON site) */
    cpted_standoff *res = run(lonlat, "M1", NULL);
    char *json = NULL;
    assert_int_equal(cpted_standoff_to_json(&json, res), CPTED_OK);
    assert_non_null(strstr(json, "\"nearest\":{\"asset\":[1"));
    assert_non_null(strstr(json, ",52.000"));
    cpted_free(json);
    cpted_standoff_free(res);
    cpted_site_free(projected);
    cpted_site_free(lonlat);
    cpted_site_free(seed);
}

/* ---- threat, blast and encroachment -------------------------------------------- */

static void test_blast_at_standoff(void **state)
{
    cpted_site *site = road_site(*state, &IDENTITY, NULL);
    cpted_standoff_options o;
    assert_int_equal(cpted_standoff_options_init(&o, sizeof o), CPTED_OK);
    o.charge_kg = 100;
    o.allowable_kpa = 10;
    cpted_freespace_options fo = fs_options();
    fo.quadrant_segments = 64;
    cpted_standoff *res = run_fs(site, "M1", &o, &fo);
    cpted_standoff_asset a = record(res, 0);
    cpted_blast b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    assert_int_equal(cpted_blast_surface_burst(&b, 100, a.standoff_m), CPTED_OK);
    assert_near(a.scaled_distance, 20.0 / cbrt(100.0), 1e-3);
    assert_near(a.scaled_distance, b.scaled_distance, 1e-12);
    assert_near(a.incident_kpa, b.incident_kpa, 1e-9);
    assert_near(a.reflected_kpa, b.reflected_kpa, 1e-9);
    assert_near(a.incident_impulse_kpa_ms, b.incident_impulse_kpa_ms, 1e-9);
    assert_int_equal(a.blast_in_range, 1);
    /* required from the threat: where 100 kg falls to 10 kPa */
    double required = NAN;
    assert_int_equal(cpted_blast_standoff_for(&required, 100, 10), CPTED_OK);
    assert_near(a.required_m, required, 1e-12);
    assert_true(required > 20); /* Z = 4.31 gives about 53 kPa: far too close */
    assert_int_equal(a.ok, 0);
    assert_true(a.encroachment_m2 > 0);
    char *json = NULL;
    assert_int_equal(cpted_standoff_to_json(&json, res), CPTED_OK);
    assert_non_null(strstr(json, "\"charge_kg\":100,\"allowable_kpa\":10"));
    assert_non_null(strstr(json, "\"required_source\":\"threat\""));
    assert_non_null(strstr(json, "\"blast_in_range\":true"));
    cpted_free(json);
    cpted_standoff_free(res);
    cpted_site_free(site);

    /* standoff 0: Z = 0 is outside every fit, nothing is extrapolated */
    site = new_site(*state);
    add_line(site, &IDENTITY, "roads", CPTED_ROLE_ROAD, -100, 0, 100, 0, "width=7");
    add_rect(site, &IDENTITY, "assets", CPTED_ROLE_ASSET, -5, 3.5, 5, 13.5, NULL);
    o.allowable_kpa = 0;
    res = run(site, "M1", &o);
    a = record(res, 0);
    assert_near(a.standoff_m, 0, 0);
    assert_near(a.scaled_distance, 0, 0);
    assert_true(isnan(a.incident_kpa) && isnan(a.reflected_kpa));
    assert_true(isnan(a.incident_impulse_kpa_ms));
    assert_int_equal(a.blast_in_range, 0);
    assert_true(isnan(a.required_m));
    cpted_standoff_free(res);
    cpted_site_free(site);
}

/* The attribute wins over the threat; encroachment = A ∩ (asset ⊕ 30 m):
 * the road strip |y| <= 3.5 below the asset (20 m wide: 140 m2) plus, either
 * side, the strip inside the quarter circles of radius 30 about the asset's
 * lower corners: 2 * integral over u = 20..27 of sqrt(900 - u^2) du. */
static void test_encroachment(void **state)
{
    cpted_site *site = road_site(*state, &IDENTITY, "required_standoff_m=30");
    cpted_standoff_options o;
    assert_int_equal(cpted_standoff_options_init(&o, sizeof o), CPTED_OK);
    o.charge_kg = 100;
    o.allowable_kpa = 50;
    cpted_freespace_options fo = fs_options();
    fo.quadrant_segments = 64;
    cpted_standoff *res = run_fs(site, "M1", &o, &fo);
    cpted_standoff_asset a = record(res, 0);
    assert_near(a.required_m, 30, 0);
    assert_int_equal(a.ok, 0);
#define PRIM(u) (0.5 * ((u) * sqrt(900.0 - (u) * (u)) + 900.0 * asin((u) / 30.0)))
    double expected = 140 + 2 * (PRIM(27.0) - PRIM(20.0));
#undef PRIM
    /* arcs of radius 30 with 64 segments per quadrant: chords up to 2.3 mm inside */
    assert_near(a.encroachment_m2, expected, 0.05);
    unsigned char *wkb = NULL;
    size_t size = 0;
    assert_int_equal(cpted_standoff_get_encroachment_wkb(&wkb, &size, res, 0), CPTED_OK);
    assert_true(size > 9 && wkb[0] == 1);
    cpted_free(wkb);
    assert_int_equal(cpted_standoff_get_encroachment_wkb(&wkb, &size, res, 1), CPTED_E_NOTFOUND);
    char *json = NULL;
    assert_int_equal(cpted_standoff_to_json(&json, res), CPTED_OK);
    assert_non_null(strstr(json, "\"required_source\":\"attribute\""));
    cpted_free(json);
    cpted_standoff_free(res);
    cpted_site_free(site);

    /* a requirement that is met leaves no encroachment */
    site = road_site(*state, &IDENTITY, "required_standoff_m=15");
    res = run(site, "M1", NULL);
    a = record(res, 0);
    assert_int_equal(a.ok, 1);
    assert_near(a.encroachment_m2, 0, 0);
    cpted_standoff_free(res);
    cpted_site_free(site);
}

/* ---- bad input --------------------------------------------------------------- */

static void expect_error(cpted_site *site, const cpted_standoff_options *o, int status,
                         const char *text)
{
    cpted_vehicle v = vehicle("M1");
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_standoff *res = (cpted_standoff *)&v;
    assert_int_equal(cpted_standoff_run(&res, fs, o), status);
    assert_null(res);
    cpted_freespace_free(fs);
    const char *msg = cpted_context_last_error(cpted_site_context(site));
    if (!strstr(msg, text))
        fail_msg("error '%s' does not mention '%s'", msg, text);
}

static void test_bad_input(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = road_site(ctx, &IDENTITY, NULL);
    cpted_standoff_options o;
    cpted_standoff_options_init(&o, sizeof o);
    o.charge_kg = -1;
    expect_error(site, &o, CPTED_E_INVALID, "charge_kg = -1");
    o.charge_kg = NAN;
    expect_error(site, &o, CPTED_E_INVALID, "charge_kg");
    o.charge_kg = 0;
    o.allowable_kpa = 20;
    expect_error(site, &o, CPTED_E_INVALID, "needs a charge");
    o.charge_kg = 100;
    o.allowable_kpa = -5;
    expect_error(site, &o, CPTED_E_INVALID, "allowable_kpa = -5");
    o.allowable_kpa = 1e7; /* beyond the plausible range (and the incident fit) */
    expect_error(site, &o, CPTED_E_INVALID, "allowable_kpa = 1e+07 must be in [0.25, 17000] kPa");
    o.allowable_kpa = 20;
    o.charge_kg = 1e9; /* a typing error, not a vehicle bomb */
    expect_error(site, &o, CPTED_E_INVALID, "charge_kg = 1e+09 must be in (0, 100000] kg");
    cpted_standoff_options_init(&o, sizeof o);
    o.struct_size = 8;
    expect_error(site, &o, CPTED_E_VERSION, "struct_size");
    cpted_freespace_options fo = fs_options();
    fo.quadrant_segments = 0;
    cpted_vehicle v = vehicle("M1");
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, &fo), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "quadrant_segments = 0"));

    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_standoff *res = NULL;
    assert_int_equal(cpted_standoff_run(&res, NULL, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_standoff_run(NULL, fs, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "out is NULL"));
    cpted_freespace_free(fs);
    v.mass_kg = -3;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "mass_kg"));
    assert_int_equal(cpted_standoff_options_init(NULL, sizeof o), CPTED_E_INVALID);
    assert_int_equal(cpted_standoff_options_init(&o, 4), CPTED_E_VERSION);

    /* accessors */
    res = run(site, "M1", NULL);
    cpted_standoff_asset a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    assert_int_equal(cpted_standoff_get_asset(&a, res, 1), CPTED_E_NOTFOUND);
    a.struct_size = 8;
    assert_int_equal(cpted_standoff_get_asset(&a, res, 0), CPTED_E_VERSION);
    assert_int_equal(cpted_standoff_get_asset(NULL, res, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_standoff_to_json(NULL, res), CPTED_E_INVALID);
    assert_int_equal(cpted_standoff_asset_count(NULL), 0);
    assert_null(cpted_standoff_site(NULL));
    assert_null(cpted_standoff_freespace(NULL));
    cpted_standoff_free(res);
    cpted_standoff_free(NULL);
    cpted_site_free(site);

    /* no asset */
    site = new_site(ctx);
    add_line(site, &IDENTITY, "roads", CPTED_ROLE_ROAD, -100, 0, 100, 0, "width=7");
    expect_error(site, NULL, CPTED_E_INVALID, "no asset");
    cpted_site_free(site);
    /* an asset without area never gets into a site */
    site = new_site(ctx);
    size_t n;
    double flat[] = {0, 10, 10, 10, 20, 10, 0, 10};
    unsigned char *wkb = test_wkb_polygon(flat, 4, &n);
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
        CPTED_E_GEOMETRY);
    free(wkb);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_road_edge_20m),
        cmocka_unit_test(test_drivable_models),
        cmocka_unit_test(test_asset_touching_road),
        cmocka_unit_test(test_multipolygon_and_holed_assets),
        cmocka_unit_test(test_courtyard_inside_asset),
        cmocka_unit_test(test_bollard_row_stops_car),
        cmocka_unit_test(test_gap_car_passes_truck_does_not),
        cmocka_unit_test(test_courtyard),
        cmocka_unit_test(test_rotation_translation_invariance),
        cmocka_unit_test(test_lonlat_same_metres),
        cmocka_unit_test(test_blast_at_standoff),
        cmocka_unit_test(test_encroachment),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests_name("standoff", tests, test_context_setup,
                                       test_context_teardown);
}
