/* test_freespace.c - free space F, reachable space R and accessible area A (public API).
 *
 * Areas are worked out by hand from the geometry model of docs/method-freespace.md.
 * Vehicle M1 is 1.8 m wide, N3C 2.5 m (domain.md §9). The half width used for
 * erosion and dilation is r = w/2 - 1e-6 m (a passage exactly w wide stays
 * open). Round buffers are regular polygons inscribed in the circle, with
 * 4 * quadrant_segments (default 8: 32) sides; a disc of radius a has area
 * 16 a^2 sin(pi/16) instead of pi a^2 (0.6 % less), which the expected values use.
 * Sets that must never be smaller than the exact ones (A = R ⊕ w/2, road
 * ground) are buffered with 32 segments per quadrant by the circumscribing
 * radius d / cos(3 pi / 256) (GEOS may stretch a chord over 1.5 quanta): their
 * straight edges lie that much beyond the exact ones (DELTA for A).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-6
static const double PI = 3.14159265358979323846;

static double half(double w) { return w / 2.0 - 1e-6; }
/* The circumscribing radius of an outer buffer of radius d. */
static double outer(double d) { return d / cos(3.0 * PI / 256.0); }
/* How far A's straight edges lie beyond the exact set (r = w/2 - 1e-6 in F). */
static double delta(double w) { return outer(w / 2.0) - half(w); }
/* Area of the 32-gon inscribed in a circle of radius a (GEOS buffer, 8 segments per quadrant). */
static double disc32(double a) { return 16.0 * a * a * sin(PI / 16.0); }

static cpted_vehicle vehicle(const char *code)
{
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, code), CPTED_OK);
    return v;
}

static cpted_site *new_site(cpted_context *ctx)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    return site;
}

static void add_rect(cpted_site *s, const char *layer, int32_t role, double x0, double y0,
                     double x1, double y1)
{
    size_t n;
    unsigned char *wkb = test_wkb_rect(x0, y0, x1, y1, &n);
    test_add(s, layer, role, wkb, n);
}

static void add_line(cpted_site *s, const char *layer, int32_t role, double x0, double y0,
                     double x1, double y1)
{
    size_t n;
    double xy[] = {x0, y0, x1, y1};
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add(s, layer, role, wkb, n);
}

static void add_point(cpted_site *s, const char *layer, int32_t role, double x, double y)
{
    size_t n;
    unsigned char *wkb = test_wkb_point(x, y, &n);
    test_add(s, layer, role, wkb, n);
}

static double area(const cpted_freespace *fs, int32_t space)
{
    double a = NAN;
    assert_int_equal(cpted_freespace_get_area(&a, fs, space), CPTED_OK);
    return a;
}

static cpted_freespace *run(cpted_site *site, const char *code, const cpted_freespace_options *o)
{
    if (o && o->struct_size == 0)
        o = NULL;
    cpted_vehicle v = vehicle(code);
    cpted_freespace *fs = NULL;
    int rc = cpted_freespace_new(&fs, site, &v, o);
    if (rc != CPTED_OK)
        fail_msg("cpted_freespace_new: %s", cpted_context_last_error(cpted_site_context(site)));
    return fs;
}

/* ---- options ---------------------------------------------------------- */

static void test_options_init(void **state)
{
    (void)state;
    cpted_freespace_options o;
    memset(&o, 0xff, sizeof o);
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.soft_blocking, 0);
    assert_near(o.bollard_diameter_m, 0.2, 0);
    assert_near(o.wall_thickness_m, 0.0, 0); /* lines as drawn */
    assert_near(o.quadrant_segments, 8, 0);
    assert_int_equal(o.drivable, CPTED_DRIVABLE_EVERYTHING);
    assert_int_equal(cpted_freespace_options_init(NULL, sizeof o), CPTED_E_INVALID);
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o - 1), CPTED_E_VERSION);
}

/* ---- areas of a rectangle site, worked by hand -------------------------- */

/* B = explicit boundary [0,100]x[0,50], no ground (G = B), one 20 x 10
 * building. F = B - (building ⊕ r) (erosion does not bite at the boundary),
 * R = F (the whole edge is entry), A = B - building up to the chords of the
 * rounded corners. */
static void test_rectangle_areas(void **state)
{
    cpted_site *site = new_site(*state);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 50);
    add_rect(site, "buildings", CPTED_ROLE_BUILDING, 40, 20, 60, 30);
    cpted_freespace *fs = run(site, "M1", NULL);
    double r = half(1.8);
    assert_near(area(fs, CPTED_SPACE_BOUNDARY), 5000, TOL);
    assert_near(area(fs, CPTED_SPACE_GROUND), 5000, TOL);
    assert_near(area(fs, CPTED_SPACE_BLOCKED), 200, TOL);
    double dilated = 200 + 2 * r * (20 + 10) + disc32(r);
    assert_near(area(fs, CPTED_SPACE_FREE), 5000 - dilated, 1e-6);
    assert_near(area(fs, CPTED_SPACE_REACHABLE), 5000 - dilated, 1e-6);
    /* A reaches DELTA into the building on every side (circumscribed arcs):
     * B - the building shrunk by DELTA; at each corner the union of the
     * grown arc vertices leaves a sliver of the corner uncovered, measured
     * 0.00014 m2 each */
    double d = delta(1.8);
    assert_near(area(fs, CPTED_SPACE_ACCESSIBLE), 5000 - (20 - 2 * d) * (10 - 2 * d), 1e-3);
    assert_true(area(fs, CPTED_SPACE_ACCESSIBLE) >= 4800); /* never smaller than exact */
    assert_null(cpted_freespace_not_assessed(fs));
    /* default entries: the ground within w + 1 = 2.8 m of the boundary ring */
    assert_near(area(fs, CPTED_SPACE_ENTRIES), 5000 - 94.4 * 44.4, 1e-6);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* A road centreline of width 7 m cut by the explicit boundary: the erosion
 * does not bite at the cut (the road goes on beyond the study). */
static void test_road_cut_by_boundary(void **state)
{
    cpted_site *site = new_site(*state);
    size_t n;
    double xy[] = {-100, 0, 100, 0};
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add_attrs(site, "roads", CPTED_ROLE_ROAD, wkb, n, "width=7", NULL);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, -50, -20, 50, 60);
    add_rect(site, "assets", CPTED_ROLE_ASSET, -10, 23.5, 10, 43.5);
    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    o.drivable = CPTED_DRIVABLE_ROADS;
    cpted_freespace *fs = run(site, "M1", &o);
    /* the carriageway is 2 * HALF wide: its edges lie outer(3.5) - 3.5 = 2.4 mm out */
    double r = half(1.8), d = delta(1.8), road = outer(3.5);
    assert_near(area(fs, CPTED_SPACE_BOUNDARY), 100 * 80, TOL);
    assert_near(area(fs, CPTED_SPACE_GROUND), 100 * 2 * road, TOL);
    assert_near(area(fs, CPTED_SPACE_FREE), 100 * 2 * (road - r), TOL);
    assert_near(area(fs, CPTED_SPACE_REACHABLE), 100 * 2 * (road - r), TOL);
    /* A is clipped to B only: it reaches DELTA past both edges of the carriageway */
    assert_near(area(fs, CPTED_SPACE_ACCESSIBLE), 100 * 2 * (road + d), TOL);
    /* entries: the network within w + 1 = 2.8 m of the given boundary's ring,
     * where the road is cut: both ends */
    double entries = 2 * 2.8 * 2 * road;
    assert_near(area(fs, CPTED_SPACE_ENTRIES), entries, TOL);
    cpted_freespace_free(fs);

    /* the default, conservative model: all of B is ground; the road gives the entries */
    fs = run(site, "M1", NULL);
    assert_near(area(fs, CPTED_SPACE_GROUND), 100 * 80, TOL);
    assert_near(area(fs, CPTED_SPACE_ENTRIES), entries, TOL);
    double dilated_asset = 400 + 80 * r + disc32(r);
    assert_near(area(fs, CPTED_SPACE_FREE), 8000 - dilated_asset, 1e-6);
    assert_near(area(fs, CPTED_SPACE_REACHABLE), 8000 - dilated_asset, 1e-6);
    assert_near(area(fs, CPTED_SPACE_ACCESSIBLE), 8000 - (20 - 2 * d) * (20 - 2 * d), 1e-3);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* The conservative model keeps the network as its pieces, unioned only near
 * the edge of the study (lib/freespace.c, network_near): its entries must be
 * the roads model's, for crossing roads, a ground polygon overlapping them and
 * a road cut by the boundary (pieces that overlap, meet the edge, or lie
 * inside). */
static void test_entries_same_in_both_models(void **state)
{
    cpted_site *site = new_site(*state);
    size_t n;
    double ew[] = {-100, 0, 100, 0}, ns[] = {0, -30, 0, 80}, spur[] = {20, 40, 70, 40};
    unsigned char *wkb = test_wkb_line(ew, 2, &n);
    test_add_attrs(site, "roads", CPTED_ROLE_ROAD, wkb, n, "width=7", NULL);
    wkb = test_wkb_line(ns, 2, &n);
    test_add_attrs(site, "roads", CPTED_ROLE_ROAD, wkb, n, "width=5", NULL);
    wkb = test_wkb_line(spur, 2, &n);
    test_add_attrs(site, "roads", CPTED_ROLE_ROAD, wkb, n, "width=6", NULL);
    add_rect(site, "ground", CPTED_ROLE_GROUND, -10, -10, 10, 10); /* over the crossing */
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, -50, -20, 50, 60);
    add_rect(site, "assets", CPTED_ROLE_ASSET, -40, 23.5, -20, 43.5);
    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    o.drivable = CPTED_DRIVABLE_ROADS;
    cpted_freespace *roads = run(site, "M1", &o);
    cpted_freespace *everything = run(site, "M1", NULL);
    double want = area(roads, CPTED_SPACE_ENTRIES);
    /* five cuts of the network by the boundary, each 2.8 m deep: both ends of
     * the east-west road (7 m wide), both of the north-south one (5 m), the
     * spur's east end (6 m), the carriageways a few mm wider (circumscribed) */
    assert_near(want, 2 * 2.8 * 7 + 2 * 2.8 * 5 + 2.8 * 6, 0.1);
    assert_near(area(everything, CPTED_SPACE_ENTRIES), want, 1e-9);
    cpted_freespace_free(roads);
    cpted_freespace_free(everything);
    cpted_site_free(site);
}

/* The same road with the default boundary (extent + 20 m): its rounded ends
 * lie inside the study, and the ground near the data's edge is the entry. */
static void test_road_default_boundary(void **state)
{
    cpted_site *site = new_site(*state);
    size_t n;
    double xy[] = {-100, 0, 100, 0};
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add_attrs(site, "roads", CPTED_ROLE_ROAD, wkb, n, "width=7", NULL);
    add_rect(site, "assets", CPTED_ROLE_ASSET, -10, 23.5, 10, 43.5);
    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    o.drivable = CPTED_DRIVABLE_ROADS;
    cpted_freespace *fs = run(site, "M1", &o);
    /* B = [-120,120] x [-20,63.5] */
    assert_near(area(fs, CPTED_SPACE_BOUNDARY), 240 * 83.5, TOL);
    /* G: 200 m strip 2 * ROAD wide with round ends: a regular 128-gon of
     * circumradius ROAD (each half of 64 chords) */
    double road = outer(3.5);
    assert_near(area(fs, CPTED_SPACE_GROUND), 200 * 2 * road + 64 * road * road * sin(PI / 64), TOL);
    /* entries: the network within 2.8 m of the ring of its own hull (the
     * rounded strip itself): all of it but the core |y| < ROAD - 2.8, a strip
     * with ends of about that radius (the polygonal caps eroded: within
     * 0.01 m2 of a disc) */
    double core = road - 2.8;
    assert_near(area(fs, CPTED_SPACE_ENTRIES),
                area(fs, CPTED_SPACE_GROUND) - (200 * 2 * core + PI * core * core), 0.01);
    assert_near(area(fs, CPTED_SPACE_REACHABLE), area(fs, CPTED_SPACE_FREE), 0);
    /* A: the ground grown by DELTA, up to the chords of the end caps */
    double d = delta(1.8);
    assert_true(area(fs, CPTED_SPACE_ACCESSIBLE) >= area(fs, CPTED_SPACE_GROUND) + 2 * 200 * d);
    /* and at most the stadium of the ground's radius grown by DELTA */
    assert_true(area(fs, CPTED_SPACE_ACCESSIBLE) <=
                200 * 2 * (road + d) + PI * (road + d) * (road + d));
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* A wall across the site: default entries reach both halves, an explicit
 * entry only its own half. */
static void test_entries_explicit_vs_default(void **state)
{
    cpted_context *ctx = *state;
    double r = half(1.8);
    for (int explicit_entry = 0; explicit_entry < 2; explicit_entry++) {
        cpted_site *site = new_site(ctx);
        add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 100);
        add_line(site, "walls", CPTED_ROLE_OBSTACLE, 50, 0, 50, 100); /* 0.2 m, flat ends */
        if (explicit_entry)
            add_point(site, "entries", CPTED_ROLE_ENTRY, 10, 50);
        cpted_freespace *fs = run(site, "M1", NULL);
        /* the wall is drawn without a thickness: a 1 um strip, its faces at 50 -+ 0.5e-6 */
        double face = 50 - 0.5e-6;
        double left = (face - r) * 100;
        assert_near(area(fs, CPTED_SPACE_BLOCKED), 1e-6 * 100, 1e-9);
        assert_near(area(fs, CPTED_SPACE_FREE), 2 * left, 1e-6);
        if (explicit_entry) {
            assert_near(area(fs, CPTED_SPACE_REACHABLE), left, 1e-6);
            /* a point entry ⊕ (w/2 + 0.5 m) */
            assert_near(area(fs, CPTED_SPACE_ENTRIES), disc32(1.4), 1e-9);
            assert_near(area(fs, CPTED_SPACE_ACCESSIBLE), (face + delta(1.8)) * 100, 1e-6);
        } else {
            assert_near(area(fs, CPTED_SPACE_REACHABLE), 2 * left, 1e-6);
            /* reaching DELTA past the 1 um wall from both sides, A is all of B */
            assert_near(area(fs, CPTED_SPACE_ACCESSIBLE), 100 * 100, 1e-6);
        }
        cpted_freespace_free(fs);
        cpted_site_free(site);
    }
}

/* A wall with one gap across the site, the entry below it: is the upper half reached? */
static double upper_share(cpted_context *ctx, double gap_m, const char *code)
{
    cpted_site *site = new_site(ctx);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 60);
    add_line(site, "walls", CPTED_ROLE_OBSTACLE, 0, 30, 50 - gap_m / 2, 30);
    add_line(site, "walls", CPTED_ROLE_OBSTACLE, 50 + gap_m / 2, 30, 100, 30);
    add_point(site, "entries", CPTED_ROLE_ENTRY, 50, 2);
    cpted_freespace *fs = run(site, code, NULL);
    double share = area(fs, CPTED_SPACE_REACHABLE) / area(fs, CPTED_SPACE_FREE);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    return share;
}

static void test_gap_margin(void **state)
{
    cpted_context *ctx = *state;
    /* 2.2 m: a car (1.8 m) passes, an N3C truck (2.5 m) does not */
    assert_near(upper_share(ctx, 2.2, "M1"), 1.0, 1e-9);
    assert_true(upper_share(ctx, 2.2, "N3C") < 0.51);
    /* exactly at the margin: a gap of w keeps F open, 1 mm less closes it */
    assert_near(upper_share(ctx, 1.8, "M1"), 1.0, 1e-9);
    assert_true(upper_share(ctx, 1.799, "M1") < 0.51);
    assert_near(upper_share(ctx, 2.5, "N3C"), 1.0, 1e-9);
    assert_true(upper_share(ctx, 2.499, "N3C") < 0.51);
}

/* Footprints: default and given bollard diameter, soft features only on request. */
static void test_footprints_and_soft(void **state)
{
    cpted_site *site = new_site(*state);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 50, 50);
    add_point(site, "bollards", CPTED_ROLE_BARRIER, 10, 10);
    size_t n;
    unsigned char *wkb = test_wkb_point(20, 10, &n);
    test_add_attrs(site, "bollards", CPTED_ROLE_BARRIER, wkb, n, "diameter=0.3", NULL);
    add_rect(site, "furniture", CPTED_ROLE_SOFT, 30, 30, 32, 31);
    add_line(site, "perimeter", CPTED_ROLE_PERIMETER, 0, 40, 50, 40);
    cpted_freespace *fs = run(site, "M1", NULL);
    assert_near(area(fs, CPTED_SPACE_BLOCKED), disc32(0.1) + disc32(0.15), 1e-9);
    cpted_freespace_free(fs);

    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    o.soft_blocking = 1;
    o.bollard_diameter_m = 0.4;
    fs = run(site, "M1", &o);
    assert_near(area(fs, CPTED_SPACE_BLOCKED), disc32(0.2) + disc32(0.15) + 2, 1e-9);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* Lines block as flat-ended strips of their `thickness`, else of wall_thickness_m, which
 * by default is 0: the line as drawn (a 1 um strip), so no gap reads narrower than drawn. */
static void test_line_thickness(void **state)
{
    cpted_site *site = new_site(*state);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 50, 50);
    size_t n;
    double xy[] = {10, 10, 30, 10};
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add_attrs(site, "walls", CPTED_ROLE_BARRIER, wkb, n, "thickness=0.5", NULL);
    add_line(site, "obstacles", CPTED_ROLE_OBSTACLE, 10, 30, 40, 30); /* no thickness */
    cpted_freespace *fs = run(site, "M1", NULL);
    assert_near(area(fs, CPTED_SPACE_BLOCKED), 20 * 0.5 + 30 * 1e-6, 1e-9);
    cpted_freespace_free(fs);
    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    o.wall_thickness_m = 0.4;
    fs = run(site, "M1", &o);
    assert_near(area(fs, CPTED_SPACE_BLOCKED), 20 * 0.5 + 30 * 0.4, 1e-9);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* WKB of a set read back as the ground of a second site gives the same area. */
static void test_wkb_round_trip(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 50);
    add_rect(site, "buildings", CPTED_ROLE_BUILDING, 40, 20, 60, 30);
    cpted_freespace *fs = run(site, "M1", NULL);
    unsigned char *wkb = NULL;
    size_t size = 0;
    assert_int_equal(cpted_freespace_get_wkb(&wkb, &size, fs, CPTED_SPACE_ACCESSIBLE), CPTED_OK);
    assert_true(size > 9);
    assert_int_equal(wkb[0], 1); /* little endian */
    uint32_t type = (uint32_t)wkb[1] | (uint32_t)wkb[2] << 8 | (uint32_t)wkb[3] << 16 |
                    (uint32_t)wkb[4] << 24;
    assert_true(type == 3 || type == 6); /* ISO 2D polygon or multipolygon */

    cpted_site *copy = new_site(ctx);
    add_rect(copy, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 50);
    assert_int_equal(
        cpted_site_add_wkb(NULL, copy, "ground", CPTED_ROLE_GROUND, wkb, size, NULL, NULL, 0),
        CPTED_OK);
    cpted_free(wkb);
    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    o.drivable = CPTED_DRIVABLE_ROADS;
    cpted_freespace *fs2 = run(copy, "M1", &o);
    assert_near(area(fs2, CPTED_SPACE_GROUND), area(fs, CPTED_SPACE_ACCESSIBLE), 1e-6);

    /* every set can be written; an unknown one cannot */
    for (int32_t s = CPTED_SPACE_GROUND; s <= CPTED_SPACE_BOUNDARY; s++) {
        assert_int_equal(cpted_freespace_get_wkb(&wkb, &size, fs, s), CPTED_OK);
        cpted_free(wkb);
    }
    assert_int_equal(cpted_freespace_get_wkb(&wkb, &size, fs, 99), CPTED_E_INVALID);
    assert_int_equal(cpted_freespace_get_wkb(NULL, &size, fs, CPTED_SPACE_FREE), CPTED_E_INVALID);
    double a;
    assert_int_equal(cpted_freespace_get_area(&a, fs, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_freespace_get_area(NULL, fs, CPTED_SPACE_FREE), CPTED_E_INVALID);
    assert_int_equal(cpted_freespace_get_area(&a, NULL, CPTED_SPACE_FREE), CPTED_E_INVALID);
    cpted_freespace_free(fs2);
    cpted_freespace_free(fs);
    cpted_site_free(copy);
    cpted_site_free(site);
}

/* ---- failures ---------------------------------------------------------- */

static void expect_error(cpted_site *site, const char *code, const cpted_freespace_options *o,
                         int status, const char *text)
{
    cpted_vehicle v = vehicle(code);
    cpted_freespace *fs = (cpted_freespace *)&v; /* must be reset to NULL */
    assert_int_equal(cpted_freespace_new(&fs, site, &v, o), status);
    assert_null(fs);
    const char *msg = cpted_context_last_error(cpted_site_context(site));
    if (!strstr(msg, text))
        fail_msg("error '%s' does not mention '%s'", msg, text);
}

static cpted_freespace_options roads_only(void)
{
    cpted_freespace_options o;
    assert_int_equal(cpted_freespace_options_init(&o, sizeof o), CPTED_OK);
    o.drivable = CPTED_DRIVABLE_ROADS;
    return o;
}

/* Nothing can enter: the call succeeds, R and A are empty and the free space
 * says why (the analyses then report "not assessed"). */
static void expect_not_assessed(cpted_freespace *fs, const char *why)
{
    assert_near(area(fs, CPTED_SPACE_REACHABLE), 0, 0);
    assert_near(area(fs, CPTED_SPACE_ACCESSIBLE), 0, 0);
    const char *reason = cpted_freespace_not_assessed(fs);
    assert_non_null(reason);
    if (!strstr(reason, why))
        fail_msg("reason '%s' does not mention '%s'", reason, why);
}

static void test_no_entry(void **state)
{
    cpted_site *site = new_site(*state);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 100);
    add_rect(site, "ground", CPTED_ROLE_GROUND, 40, 40, 60, 60);
    /* the ground square is the drivable network: its edge is the entry */
    cpted_freespace_options o = roads_only();
    cpted_freespace *fs = run(site, "M1", &o);
    assert_null(cpted_freespace_not_assessed(fs));
    assert_near(area(fs, CPTED_SPACE_ENTRIES), 400 - 14.4 * 14.4, TOL);
    cpted_freespace_free(fs);
    cpted_site_free(site);
    /* an explicit entry outside the ground: nothing can enter (a new site: the
     * first is frozen since a free space was computed from it) */
    site = new_site(*state);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 100);
    add_rect(site, "ground", CPTED_ROLE_GROUND, 40, 40, 60, 60);
    add_point(site, "entries", CPTED_ROLE_ENTRY, 5, 5);
    fs = run(site, "M1", &o);
    expect_not_assessed(fs, "no entry meets the free space");
    /* the 20 m square of ground eroded by r on all four sides (inside the boundary) */
    double r = half(1.8);
    assert_near(area(fs, CPTED_SPACE_FREE), (20 - 2 * r) * (20 - 2 * r), 1e-6);
    cpted_freespace_free(fs);
    /* in the conservative model the vehicle drives from the entry over everything */
    fs = run(site, "M1", NULL);
    assert_null(cpted_freespace_not_assessed(fs));
    assert_near(area(fs, CPTED_SPACE_REACHABLE), 10000, TOL);
    cpted_freespace_free(fs);
    cpted_site_free(site);

    /* every mapped road lies outside the given boundary: no entry in either model */
    site = new_site(*state);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 100);
    add_line(site, "roads", CPTED_ROLE_ROAD, -50, 200, 150, 200);
    fs = run(site, "M1", NULL);
    expect_not_assessed(fs, "no mapped ground or road lies inside the boundary");
    cpted_freespace_free(fs);
    fs = run(site, "M1", &o);
    expect_not_assessed(fs, "no drivable ground");
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* Real extracts: footways, kerbs and buildings reach far past the roads. The
 * entries come from the roads' own edge, not from the hull of all the data
 * (which would leave the roads-only model without any entry). */
static void test_entries_from_the_network_not_the_data(void **state)
{
    cpted_site *site = new_site(*state);
    add_line(site, "roads", CPTED_ROLE_ROAD, -50, 0, 50, 0); /* default width */
    add_rect(site, "buildings", CPTED_ROLE_BUILDING, -200, 60, -150, 90);
    add_rect(site, "buildings", CPTED_ROLE_BUILDING, 150, -90, 200, -60);
    add_line(site, "kerbs", CPTED_ROLE_SOFT, -250, 10, 250, 10);
    add_rect(site, "assets", CPTED_ROLE_ASSET, -10, 20, 10, 40);
    cpted_freespace_options o = roads_only();
    cpted_freespace *fs = run(site, "M1", &o);
    assert_null(cpted_freespace_not_assessed(fs));
    assert_true(area(fs, CPTED_SPACE_ENTRIES) > 0);
    assert_near(area(fs, CPTED_SPACE_REACHABLE), area(fs, CPTED_SPACE_FREE), 0);
    cpted_freespace_free(fs);
    fs = run(site, "M1", NULL);
    assert_null(cpted_freespace_not_assessed(fs));
    assert_near(area(fs, CPTED_SPACE_REACHABLE), area(fs, CPTED_SPACE_FREE), 0);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

static void test_vehicle_wider_than_every_passage(void **state)
{
    cpted_site *site = new_site(*state);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 20);
    add_rect(site, "ground", CPTED_ROLE_GROUND, 0, 9, 100, 11); /* 2 m lane */
    cpted_freespace_options o = roads_only();
    cpted_vehicle v = vehicle("N3C");
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, &o), CPTED_OK);
    expect_not_assessed(fs, "width 2.50 m");
    assert_near(area(fs, CPTED_SPACE_FREE), 0, 0);
    cpted_freespace_free(fs);
    fs = run(site, "M1", &o); /* 1.8 m fits */
    assert_near(area(fs, CPTED_SPACE_FREE), 100 * 2 * (1 - half(1.8)), 1e-6);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

static void test_bad_arguments(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    cpted_vehicle v = vehicle("M1");
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, NULL, &v, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_freespace_new(NULL, site, &v, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_freespace_new(&fs, site, NULL, NULL), CPTED_E_INVALID);
    /* no features at all */
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "no features"));
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 10, 10);
    v.width_m = 0;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "width_m"));

    cpted_freespace_options o;
    cpted_freespace_options_init(&o, sizeof o);
    o.quadrant_segments = 0;
    expect_error(site, "M1", &o, CPTED_E_INVALID, "quadrant_segments");
    cpted_freespace_options_init(&o, sizeof o);
    o.bollard_diameter_m = -1;
    expect_error(site, "M1", &o, CPTED_E_INVALID, "bollard_diameter_m");
    cpted_freespace_options_init(&o, sizeof o);
    o.wall_thickness_m = NAN;
    expect_error(site, "M1", &o, CPTED_E_INVALID, "wall_thickness_m");
    o.wall_thickness_m = -0.1;
    expect_error(site, "M1", &o, CPTED_E_INVALID, "wall_thickness_m = -0.1 must be in [0, 10] m");
    cpted_freespace_options_init(&o, sizeof o);
    o.drivable = 2;
    expect_error(site, "M1", &o, CPTED_E_INVALID, "drivable = 2");
    cpted_freespace_options_init(&o, sizeof o);
    o.struct_size = 4;
    expect_error(site, "M1", &o, CPTED_E_VERSION, "struct_size");
    cpted_freespace_free(NULL);
    cpted_site_free(site);
}

/* ---- progress and interruption ------------------------------------------ */

typedef struct calls {
    int progress;
    double last;
    int stop_after;
    int polls;
} calls;

static void on_progress(double f, const char *stage, void *p)
{
    calls *c = p;
    assert_string_equal(stage, "freespace");
    assert_true(f >= c->last);
    c->last = f;
    c->progress++;
}

static int32_t on_interrupt(void *p)
{
    calls *c = p;
    return ++c->polls > c->stop_after;
}

static void test_progress_and_interrupt(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    add_rect(site, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 100, 50);
    add_rect(site, "buildings", CPTED_ROLE_BUILDING, 40, 20, 60, 30);
    calls c = {0, 0.0, 1000, 0};
    cpted_context_set_progress(ctx, on_progress, &c);
    cpted_context_set_interrupt(ctx, on_interrupt, &c);
    cpted_freespace *fs = run(site, "M1", NULL);
    assert_true(c.progress >= 5);
    assert_near(c.last, 1.0, 0);
    cpted_freespace_free(fs);
    /* stop at each safe point in turn */
    for (int stop = 0; stop < c.polls; stop++) {
        calls s = {0, 0.0, stop, 0};
        cpted_context_set_progress(ctx, NULL, NULL);
        cpted_context_set_interrupt(ctx, on_interrupt, &s);
        expect_error(site, "M1", NULL, CPTED_E_INTERRUPTED, "interrupted");
    }
    cpted_context_set_interrupt(ctx, NULL, NULL);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_init),
        cmocka_unit_test(test_rectangle_areas),
        cmocka_unit_test(test_road_cut_by_boundary),
        cmocka_unit_test(test_road_default_boundary),
        cmocka_unit_test(test_entries_same_in_both_models),
        cmocka_unit_test(test_entries_explicit_vs_default),
        cmocka_unit_test(test_gap_margin),
        cmocka_unit_test(test_footprints_and_soft),
        cmocka_unit_test(test_line_thickness),
        cmocka_unit_test(test_wkb_round_trip),
        cmocka_unit_test(test_no_entry),
        cmocka_unit_test(test_entries_from_the_network_not_the_data),
        cmocka_unit_test(test_vehicle_wider_than_every_passage),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_progress_and_interrupt),
    };
    return cmocka_run_group_tests_name("freespace", tests, test_context_setup,
                                       test_context_teardown);
}
