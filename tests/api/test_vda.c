/* test_vda.c - the vehicle dynamics assessment (public API).
 *
 * Sites are built in a local metric frame from walls of buildings (role
 * building) so that the vehicle centre keeps w/2 = 0.9 m (M1) from them, and
 * then rotated and shifted (frame) for the invariance tests. Expected speeds
 * are the closed form of architecture.md §4 with the M1 preset (domain.md §9:
 * a0 3.5 m/s², vmax 180 km/h): s(0 -> v) = (vmax/a0) [ -v - vmax ln(1 - v/vmax) ],
 * computed here by bisection, independently of the library.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A0 3.5
#define VMAX (180.0 / 3.6)

/* v (km/h) after a straight run-up of s metres from standstill. */
static double closed_form_kmh(double s)
{
    double lo = 0, hi = VMAX * (1 - 1e-12);
    for (int i = 0; i < 200; i++) {
        double v = (lo + hi) / 2;
        double d = VMAX / A0 * (-v - VMAX * log1p(-v / VMAX));
        if (d < s)
            lo = v;
        else
            hi = v;
    }
    return lo * 3.6;
}

typedef struct frame {
    double c, s, dx, dy;
} frame;

static frame make_frame(double angle_deg, double dx, double dy)
{
    double a = angle_deg * 3.14159265358979323846 / 180.0;
    return (frame){cos(a), sin(a), dx, dy};
}

static void put(const frame *f, double x, double y, double *out)
{
    out[0] = f->c * x - f->s * y + f->dx;
    out[1] = f->s * x + f->c * y + f->dy;
}

static void add_box(cpted_site *site, const frame *f, const char *layer, int32_t role, double x0,
                    double y0, double x1, double y1)
{
    double xy[10];
    put(f, x0, y0, xy);
    put(f, x1, y0, xy + 2);
    put(f, x1, y1, xy + 4);
    put(f, x0, y1, xy + 6);
    put(f, x0, y0, xy + 8);
    size_t n;
    unsigned char *w = test_wkb_polygon(xy, 5, &n);
    test_add(site, layer, role, w, n);
}

static void add_line(cpted_site *site, const frame *f, double x0, double y0, double x1, double y1)
{
    double xy[4];
    put(f, x0, y0, xy);
    put(f, x1, y1, xy + 2);
    size_t n;
    unsigned char *w = test_wkb_line(xy, 2, &n);
    test_add(site, "line", CPTED_ROLE_PERIMETER, w, n);
}

/* A 6 m-wide street from y = 0 (closed) to beyond the line at y = len, with
 * the asset behind the line. Free run-up on the axis: len - 0.9 m. */
static cpted_site *straight_site(cpted_context *ctx, const frame *f, double len)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    add_box(site, f, "boundary", CPTED_ROLE_BOUNDARY, -10, -10, 16, len + 30);
    add_box(site, f, "blocks", CPTED_ROLE_BUILDING, -10, -10, 0, len + 30);
    add_box(site, f, "blocks", CPTED_ROLE_BUILDING, 6, -10, 16, len + 30);
    add_box(site, f, "blocks", CPTED_ROLE_BUILDING, 0, -10, 6, 0);
    add_box(site, f, "entry", CPTED_ROLE_ENTRY, 0, 0, 6, 2);
    add_line(site, f, 0, len, 6, len);
    add_box(site, f, "asset", CPTED_ROLE_ASSET, 1, len + 10, 5, len + 20);
    return site;
}

/* The L-bend of architecture.md §8: 8 m streets, 60 m north, then 40 m east
 * to the line at x = 48. */
static cpted_site *lbend_site(cpted_context *ctx, const frame *f)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    add_box(site, f, "boundary", CPTED_ROLE_BOUNDARY, -10, -10, 80, 80);
    add_box(site, f, "blocks", CPTED_ROLE_BUILDING, -10, -10, 0, 80);
    add_box(site, f, "blocks", CPTED_ROLE_BUILDING, -10, -10, 80, 0);
    add_box(site, f, "blocks", CPTED_ROLE_BUILDING, 8, 0, 80, 52);
    add_box(site, f, "blocks", CPTED_ROLE_BUILDING, -10, 60, 80, 80);
    add_box(site, f, "entry", CPTED_ROLE_ENTRY, 0, 0, 8, 2);
    add_line(site, f, 48, 52, 48, 60);
    add_box(site, f, "asset", CPTED_ROLE_ASSET, 60, 52.5, 70, 59.5);
    return site;
}

typedef struct outcome {
    double max_kmh, runup_m, angle_deg;
    size_t targets, reachable;
    double low_kmh, high_kmh;
} outcome;

static outcome run(cpted_site *site, const cpted_vda_options *opts)
{
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_vda *r = NULL;
    int rc = cpted_vda_run(&r, fs, opts);
    if (rc != CPTED_OK)
        fail_msg("cpted_vda_run: %s", cpted_context_last_error(NULL));
    outcome o = {0, NAN, NAN, cpted_vda_target_count(r), 0, NAN, NAN};
    for (size_t i = 0; i < o.targets; i++) {
        cpted_vda_target t;
        t.struct_size = sizeof t;
        assert_int_equal(cpted_vda_get_target(&t, r, i), CPTED_OK);
        assert_int_equal(t.assessed, 1);
        if (!t.reachable)
            continue;
        o.reachable++;
        assert_true(t.speed_kmh > 0 && t.speed_kmh <= 180.0);
        assert_near(t.speed_mps * 3.6, t.speed_kmh, 1e-9);
        assert_near(t.energy_kj, 0.5 * 1500 * t.speed_mps * t.speed_mps / 1000, 1e-6);
        if (t.speed_kmh > o.max_kmh) {
            o.max_kmh = t.speed_kmh;
            o.runup_m = t.runup_m;
            o.angle_deg = t.angle_deg;
            o.low_kmh = t.speed_low_kmh;
            o.high_kmh = t.speed_high_kmh;
        }
        /* the path ends at the contact point and has at least two points */
        unsigned char *w = NULL;
        size_t n = 0;
        assert_int_equal(cpted_vda_get_path_wkb(&w, &n, r, i), CPTED_OK);
        assert_true(n >= 9 + 2 * 16);
        cpted_free(w);
    }
    /* the lattice's answer no longer depends on its search order
     * (tests/unit/test_lattice.c), and no result says it does; a result with an
     * approach says that the lattice is not proven on real sites
     * (docs/method-vda.md §3) */
    int said = 0;
    for (size_t i = 0; i < cpted_vda_warning_count(r); i++) {
        assert_null(strstr(cpted_vda_warning(r, i), "search order"));
        said |= strstr(cpted_vda_warning(r, i), "narrow passages") != NULL;
    }
    assert_int_equal(said, o.reachable > 0);
    cpted_vda_free(r);
    cpted_freespace_free(fs);
    return o;
}

static cpted_vda_options quick(void)
{
    cpted_vda_options o;
    assert_int_equal(cpted_vda_options_init(&o, sizeof o), CPTED_OK);
    o.sensitivity = 0;
    return o;
}

/* Straight approaches. Never below the closed form of the free run-up on the
 * axis (len - 0.9 m: the centre keeps 0.9 m from the closed end), nor below
 * the independent lattice of tests/crosscheck (the same streets: a path that
 * starts across the street and sweeps into it on arcs at low speed beats
 * every straight, by 2.7 %, 1.5 % and 0.6 %: tests/data/vda_sites/
 * straight_*.expected.json, 39.96, 59.72, 85.50 km/h); and within 2 % above
 * that reference (the lattice's relaxations, all on the safe side, and its
 * resolution allowance of 1.2 % at 1 m cells). */
static void test_straight_closed_form(void **state)
{
    cpted_context *ctx = *state;
    const double lens[] = {20, 50, 120};
    const double reference_kmh[] = {39.96, 59.72, 85.50};
    frame id = make_frame(0, 0, 0);
    cpted_vda_options o = quick();
    for (int i = 0; i < 3; i++) {
        cpted_site *site = straight_site(ctx, &id, lens[i]);
        outcome r = run(site, &o);
        double axis = closed_form_kmh(lens[i] - 0.9);
        assert_int_equal(r.reachable, r.targets);
        /* no band asked for: none reported (NaN), never the speed itself */
        assert_true(isnan(r.low_kmh) && isnan(r.high_kmh));
        if (!(r.max_kmh >= axis - 1e-6 && r.max_kmh >= reference_kmh[i] - 0.005 &&
              r.max_kmh <= reference_kmh[i] * 1.02))
            fail_msg("L = %g m: %.3f km/h, closed form on the axis %.3f, reference %.2f km/h",
                     lens[i], r.max_kmh, axis, reference_kmh[i]);
        cpted_site_free(site);
    }
}

/* The L-bend: an independent state-lattice search finds a curved exit at
 * about 58 km/h (architecture.md §8; tests/crosscheck: 58.88 km/h, re-checked
 * exactly); the best straight gives 53.6 km/h. The answer may not be lower. */
static void test_lbend_not_below_curved_exit(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_site *site = lbend_site(ctx, &id);
    cpted_vda_options o = quick();
    outcome r = run(site, &o);
    if (!(r.max_kmh >= 58.88 && r.max_kmh <= 66.0))
        fail_msg("L-bend: %.2f km/h", r.max_kmh);
    /* a run-up that starts in the north street and turns: longer than the east street */
    assert_true(r.runup_m > 48.0);
    cpted_site_free(site);
}

/* Rotation and translation of the whole site change nothing but rounding in
 * the lattice: within 1 % with 0.5 m cells (with the default 1 m cells the
 * spread measured on this bend is up to 1.05 %, docs/method-vda.md). */
static void test_invariance(void **state)
{
    cpted_context *ctx = *state;
    cpted_vda_options o = quick();
    o.cell_m = 0.5;
    frame id = make_frame(0, 0, 0);
    cpted_site *a = lbend_site(ctx, &id);
    double base = run(a, &o).max_kmh;
    cpted_site_free(a);
    const frame moved[] = {make_frame(0, 1234.56, -987.65), make_frame(30, 0, 0),
                           make_frame(-117, 55.5, 12.25)};
    for (int i = 0; i < 3; i++) {
        cpted_site *b = lbend_site(ctx, &moved[i]);
        double v = run(b, &o).max_kmh;
        if (fabs(v - base) > 0.01 * base)
            fail_msg("frame %d: %.3f km/h against %.3f km/h", i, v, base);
        cpted_site_free(b);
    }
}

/* A longer run-up never lowers the speed; a moving entry never lowers it. */
static void test_monotone(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_vda_options o = quick();
    double prev = 0;
    for (double len = 15; len <= 60; len += 15) {
        cpted_site *site = straight_site(ctx, &id, len);
        double v = run(site, &o).max_kmh;
        assert_true(v >= prev);
        prev = v;
        cpted_site_free(site);
    }
    cpted_site *site = straight_site(ctx, &id, 30);
    double still = run(site, &o).max_kmh;
    o.entry_speed_kmh = 30;
    double moving = run(site, &o).max_kmh;
    assert_true(moving >= still);
    /* from the entry at 30 km/h over about 28 m: more than from standstill */
    assert_true(moving > still + 1.0);
    cpted_site_free(site);
}

/* An obstacle across most of the street (a 1.6 m gap: closed for a 1.8 m
 * car) leaves the line unreachable; the result is assessed, never "ok". */
static void test_blocked_street_unreachable(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_site *site = straight_site(ctx, &id, 40);
    add_box(site, &id, "wall", CPTED_ROLE_OBSTACLE, 0, 20, 4.4, 21);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_vda_options o = quick();
    cpted_vda *r = NULL;
    assert_int_equal(cpted_vda_run(&r, fs, &o), CPTED_OK);
    assert_null(cpted_vda_not_assessed(r));
    assert_true(cpted_vda_target_count(r) > 0);
    for (size_t i = 0; i < cpted_vda_target_count(r); i++) {
        cpted_vda_target t;
        t.struct_size = sizeof t;
        assert_int_equal(cpted_vda_get_target(&t, r, i), CPTED_OK);
        assert_int_equal(t.assessed, 1);
        assert_int_equal(t.reachable, 0);
        assert_int_equal(t.ok, -1);
        assert_true(isnan(t.speed_kmh));
    }
    assert_int_equal(cpted_vda_finding_count(r), 0);
    cpted_vda_free(r);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* A line reached with nothing on it: every reachable target is a finding
 * (ok 0), and the needed rating is written for the design vehicle. */
static void test_open_line_findings_and_needed_rating(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_site *site = straight_site(ctx, &id, 50);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_vda_options o = quick();
    cpted_vda *r = NULL;
    assert_int_equal(cpted_vda_run(&r, fs, &o), CPTED_OK);
    size_t n = cpted_vda_target_count(r);
    assert_int_equal(n, 4); /* 6 m line every 2 m: 0, 2, 4, 6 */
    assert_int_equal(cpted_vda_finding_count(r), n);
    cpted_vda_target t;
    t.struct_size = sizeof t;
    assert_int_equal(cpted_vda_get_target(&t, r, 1), CPTED_OK);
    assert_string_equal(t.id, "line:1@2.0");
    assert_int_equal(t.ok, 0);
    assert_null(t.barrier_id);
    /* about 59 km/h: the next IWA 14-1 test speed is 64 km/h */
    assert_string_equal(t.needed_rating, "IWA 14-1 V/1500[M1]/64/90");
    assert_int_equal(cpted_vda_line_count(r), 1);
    cpted_vda_summary s;
    s.struct_size = sizeof s;
    assert_int_equal(cpted_vda_get_line(&s, r, 0), CPTED_OK);
    assert_string_equal(s.id, "line:1");
    assert_int_equal(s.target_count, 4);
    assert_int_equal(s.ok, 0);
    assert_int_equal(cpted_vda_get_line(&s, r, 1), CPTED_E_NOTFOUND);
    cpted_vda_free(r);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* The sensitivity band brackets the speed: a0 x 0.8 is slower, x 1.2 faster. */
static void test_sensitivity_band(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_site *site = straight_site(ctx, &id, 50);
    cpted_vda_options o = quick();
    o.sensitivity = 1;
    outcome r = run(site, &o);
    assert_true(r.low_kmh < r.max_kmh && r.max_kmh < r.high_kmh);
    /* on a straight f does not matter: the band is a0 x 0.8 .. 1.2 on 49.1 m */
    double lo = closed_form_kmh(49.1 * 0.8), hi = closed_form_kmh(49.1 * 1.2);
    /* (a0 scales the run-up: s(v) ∝ 1/a0 with vmax fixed) */
    /* the band's lattice has twice the cell: its relaxations (4 m straights,
     * 1 m between lines) and its resolution allowance (4.7 % at 2 m) put both
     * ends a little higher, never lower (about +6 to +7 % on this street) */
    if (!(r.low_kmh >= lo - 1e-6 && r.low_kmh <= lo * 1.07 && r.high_kmh >= hi - 1e-6 &&
          r.high_kmh <= hi * 1.07))
        fail_msg("band %.3f .. %.3f km/h, closed form %.3f .. %.3f", r.low_kmh, r.high_kmh, lo,
                 hi);
    cpted_site_free(site);
}

/* Nothing to assess: loud, never "unreachable". */
static void test_not_assessed(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    frame id = make_frame(0, 0, 0);
    add_box(site, &id, "asset", CPTED_ROLE_ASSET, 0, 0, 10, 10);
    /* the boundary is the asset itself: no drivable ground, no entry */
    add_box(site, &id, "boundary", CPTED_ROLE_BOUNDARY, 0, 0, 10, 10);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    assert_non_null(cpted_freespace_not_assessed(fs));
    cpted_vda *r = NULL;
    assert_int_equal(cpted_vda_run(&r, fs, NULL), CPTED_OK);
    assert_non_null(cpted_vda_not_assessed(r));
    assert_non_null(strstr(cpted_vda_not_assessed(r), "not assessed"));
    assert_true(cpted_vda_target_count(r) > 0); /* the facades */
    cpted_vda_target t;
    t.struct_size = sizeof t;
    assert_int_equal(cpted_vda_get_target(&t, r, 0), CPTED_OK);
    assert_int_equal(t.assessed, 0);
    assert_int_equal(t.reachable, 0);
    assert_int_equal(t.ok, -1);
    assert_non_null(t.not_assessed);
    assert_int_equal(cpted_vda_finding_count(r), 1);
    cpted_vda_free(r);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* Bad options are refused with the option named. */
static void test_bad_options(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_site *site = straight_site(ctx, &id, 20);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_vda *r = NULL;
    cpted_vda_options o = quick();
    o.spacing_m = 0;
    assert_int_equal(cpted_vda_run(&r, fs, &o), CPTED_E_INVALID);
    assert_null(r);
    assert_non_null(strstr(cpted_context_last_error(ctx), "spacing_m"));
    o = quick();
    o.headings = 3;
    assert_int_equal(cpted_vda_run(&r, fs, &o), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "headings"));
    o = quick();
    o.entry_speed_kmh = -5;
    assert_int_equal(cpted_vda_run(&r, fs, &o), CPTED_E_INVALID);
    o = quick();
    o.targets = CPTED_VDA_TARGETS_POINTS;
    assert_int_equal(cpted_vda_run(&r, fs, &o), CPTED_E_INVALID);
    double pts[2] = {NAN, 0};
    o.points_xy = pts;
    o.point_count = 1;
    assert_int_equal(cpted_vda_run(&r, fs, &o), CPTED_E_INVALID);
    cpted_vda_options small;
    assert_int_equal(cpted_vda_options_init(&small, CPTED_VDA_OPTIONS_V1_SIZE - 1), CPTED_E_VERSION);
    assert_int_equal(cpted_vda_run(NULL, fs, NULL), CPTED_E_INVALID);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* A caller's point in the street: reachable, head-on, no side restriction. */
static void test_point_target(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_site *site = straight_site(ctx, &id, 50);
    cpted_vda_options o = quick();
    o.targets = CPTED_VDA_TARGETS_POINTS;
    double pts[2] = {3, 30};
    o.points_xy = pts;
    o.point_count = 1;
    outcome r = run(site, &o);
    assert_int_equal(r.targets, 1);
    assert_int_equal(r.reachable, 1);
    /* from the closed end (29.1 m) or back down from the far end of the street
     * (49.1 m + the 30 m beyond the line, all in R): at least the longer one */
    assert_true(r.max_kmh >= closed_form_kmh(29.1) - 1e-6);
    cpted_site_free(site);
}

/* Two threads sweep the two halves of the headings, waiting for each other
 * only where their headings are within two steps: the records are the same
 * bytes as with one (and under ThreadSanitizer in scripts/test.sh, race-free),
 * at the default 32 headings, an odd count (9: the worker has one more) and
 * the fewest (8: most sweeps wait). With the sensitivity band the five
 * searches run side by side instead, each on one thread, the band's four on
 * lattices that share one geometry: the band too is the same bytes. */
static void test_threads_same_result(void **state)
{
    cpted_context *ctx = *state;
    frame id = make_frame(0, 0, 0);
    cpted_site *site = lbend_site(ctx, &id);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    const int headings[4] = {32, 9, 8, 32};
    for (int h = 0; h < 4; h++) {
        cpted_vda *r[2] = {NULL, NULL};
        for (int i = 0; i < 2; i++) {
            cpted_vda_options o = quick();
            o.headings = headings[h];
            o.sensitivity = h == 3;
            o.threads = i + 1;
            assert_int_equal(cpted_vda_run(&r[i], fs, &o), CPTED_OK);
        }
        assert_int_equal(cpted_vda_target_count(r[0]), cpted_vda_target_count(r[1]));
        assert_true(cpted_vda_target_count(r[0]) > 0);
        for (size_t i = 0; i < cpted_vda_target_count(r[0]); i++) {
            cpted_vda_target a, b;
            a.struct_size = b.struct_size = sizeof a;
            assert_int_equal(cpted_vda_get_target(&a, r[0], i), CPTED_OK);
            assert_int_equal(cpted_vda_get_target(&b, r[1], i), CPTED_OK);
            assert_true(a.speed_mps == b.speed_mps && a.runup_m == b.runup_m &&
                        a.angle_deg == b.angle_deg);
            if (h == 3) { /* the band is there, and the same */
                assert_true(a.reachable && a.speed_low_kmh <= a.speed_kmh &&
                            a.speed_kmh <= a.speed_high_kmh && a.speed_low_kmh < a.speed_high_kmh);
                assert_true(a.speed_low_kmh == b.speed_low_kmh &&
                            a.speed_high_kmh == b.speed_high_kmh);
            } else {
                assert_true(isnan(a.speed_low_kmh) && isnan(b.speed_low_kmh));
            }
            unsigned char *wa = NULL, *wb = NULL;
            size_t na = 0, nb = 0;
            assert_int_equal(cpted_vda_get_path_wkb(&wa, &na, r[0], i), CPTED_OK);
            assert_int_equal(cpted_vda_get_path_wkb(&wb, &nb, r[1], i), CPTED_OK);
            assert_int_equal(na, nb);
            assert_memory_equal(wa, wb, na);
            cpted_free(wa);
            cpted_free(wb);
        }
        cpted_vda_free(r[0]);
        cpted_vda_free(r[1]);
    }
    cpted_vda_options o = quick();
    o.threads = 3;
    cpted_vda *bad = NULL;
    assert_int_equal(cpted_vda_run(&bad, fs, &o), CPTED_E_INVALID);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_straight_closed_form),
        cmocka_unit_test(test_lbend_not_below_curved_exit),
        cmocka_unit_test(test_invariance),
        cmocka_unit_test(test_monotone),
        cmocka_unit_test(test_blocked_street_unreachable),
        cmocka_unit_test(test_open_line_findings_and_needed_rating),
        cmocka_unit_test(test_sensitivity_band),
        cmocka_unit_test(test_not_assessed),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_point_target),
        cmocka_unit_test(test_threads_same_result),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
