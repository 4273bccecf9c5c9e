/* test_coverage.c - coverage of the line of protection (public API only).
 *
 * Every expected number is worked out by hand in the comment above its test
 * (clear widths edge to edge, to 1 mm). Vehicle: M1, width 1.8 m. Bollards
 * are 0.3 m discs unless said otherwise. Method: docs/method-coverage.md.
 */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM 0.001
#define PI 3.14159265358979323846

typedef struct fixture {
    cpted_context *ctx;
    cpted_site *site;
    cpted_vehicle car;
    cpted_freespace *fs; /* computed by the first run(), shared by the later ones */
    cpted_coverage *cov;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(cpted_context_new(&f->ctx), CPTED_OK);
    assert_int_equal(cpted_site_new(&f->site, f->ctx, NULL), CPTED_OK);
    assert_int_equal(cpted_vehicle_preset(&f->car, sizeof f->car, "M1"), CPTED_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cpted_coverage_free(f->cov);
    cpted_freespace_free(f->fs);
    cpted_site_free(f->site);
    cpted_context_free(f->ctx);
    free(f);
    return 0;
}

static void bollard(fixture *f, double x, double y, const char *diameter)
{
    char d[64];
    snprintf(d, sizeof d, "diameter=%s", diameter);
    size_t n = 0;
    unsigned char *wkb = test_wkb_point(x, y, &n);
    test_add_attrs(f->site, "bollards", CPTED_ROLE_BARRIER, wkb, n, d, NULL);
}

static void rated_bollard(fixture *f, double x, double y, const char *rating)
{
    char r[128];
    snprintf(r, sizeof r, "rating=%s", rating);
    size_t n = 0;
    unsigned char *wkb = test_wkb_point(x, y, &n);
    test_add_attrs(f->site, "bollards", CPTED_ROLE_BARRIER, wkb, n, "diameter=0.3", r, NULL);
}

static void line(fixture *f, const char *layer, int32_t role, double x0, double y0, double x1,
                 double y1)
{
    double xy[4] = {x0, y0, x1, y1};
    size_t n = 0;
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add(f->site, layer, role, wkb, n);
}

static void rect(fixture *f, const char *layer, int32_t role, double x0, double y0, double x1,
                 double y1)
{
    size_t n = 0;
    unsigned char *wkb = test_wkb_rect(x0, y0, x1, y1, &n);
    test_add(f->site, layer, role, wkb, n);
}

static void make_fs(fixture *f)
{
    if (!f->fs && cpted_freespace_new(&f->fs, f->site, &f->car, NULL) != CPTED_OK)
        fail_msg("cpted_freespace_new: %s", cpted_context_last_error(f->ctx));
}

static void run(fixture *f, const cpted_coverage_options *opts)
{
    make_fs(f);
    int rc = cpted_coverage_run(&f->cov, f->fs, opts);
    if (rc != CPTED_OK)
        fail_msg("cpted_coverage_run: %s", cpted_context_last_error(f->ctx));
}

static cpted_coverage_line get_line(const fixture *f, size_t i)
{
    cpted_coverage_line l;
    memset(&l, 0, sizeof l);
    l.struct_size = sizeof l;
    assert_int_equal(cpted_coverage_get_line(&l, f->cov, i), CPTED_OK);
    return l;
}

static cpted_coverage_gap get_gap(const fixture *f, size_t line_i, size_t i)
{
    cpted_coverage_gap g;
    memset(&g, 0, sizeof g);
    g.struct_size = sizeof g;
    assert_int_equal(cpted_coverage_get_gap(&g, f->cov, line_i, i), CPTED_OK);
    return g;
}

static cpted_coverage_breach get_breach(const fixture *f, size_t i)
{
    cpted_coverage_breach b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    assert_int_equal(cpted_coverage_get_breach(&b, f->cov, i), CPTED_OK);
    return b;
}

static char *json(const fixture *f)
{
    char *text = NULL;
    assert_int_equal(cpted_coverage_to_json(&text, f->cov), CPTED_OK);
    assert_non_null(text);
    return text;
}

/* A walled street: buildings W [-10,0] and E [10,20] x [-30,30], the asset
 * closing its north end, an explicit boundary and an entry across its south
 * end. The vehicle can only come up the street (x in [0.9, 9.1] for the
 * centre of a 1.8 m car). */
static void street(fixture *f)
{
    rect(f, "buildings", CPTED_ROLE_BUILDING, -10, -30, 0, 30);
    rect(f, "buildings", CPTED_ROLE_BUILDING, 10, -30, 20, 30);
    rect(f, "assets", CPTED_ROLE_ASSET, -10, 30, 20, 40);
    rect(f, "boundary", CPTED_ROLE_BOUNDARY, -10, -30, 20, 40);
    line(f, "entries", CPTED_ROLE_ENTRY, 0, -30, 10, -30);
}

/* ---- options and bad input ------------------------------------------------ */

static void test_options_defaults_and_bad_input(void **state)
{
    fixture *f = *state;
    cpted_coverage_options o;
    assert_int_equal(cpted_coverage_options_init(&o, sizeof o), CPTED_OK);
    assert_near(o.max_gap_m, 1.2, 0);
    assert_near(o.snap_m, 1.0, 0);
    assert_near(o.chain_m, 5.0, 0);
    assert_near(o.tolerance_m, 0.001, 0);
    assert_int_equal(cpted_coverage_options_init(NULL, sizeof o), CPTED_E_INVALID);
    assert_int_equal(cpted_coverage_options_init(&o, sizeof o - 8), CPTED_E_VERSION);

    bollard(f, 0, 0, "0.3");
    bollard(f, 1.5, 0, "0.3");
    make_fs(f);
    cpted_coverage *cov = (cpted_coverage *)&o; /* must be reset to NULL on failure */
    assert_int_equal(cpted_coverage_run(NULL, f->fs, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(f->ctx), "out is NULL"));
    assert_int_equal(cpted_coverage_run(&cov, NULL, NULL), CPTED_E_INVALID);
    assert_null(cov);

    struct {
        double *field;
        double value;
        const char *name;
    } cases[] = {
        {&o.max_gap_m, 0.0, "max_gap_m"},  {&o.max_gap_m, -1.0, "max_gap_m"},
        {&o.max_gap_m, NAN, "max_gap_m"},  {&o.snap_m, -0.1, "snap_m"},
        {&o.snap_m, INFINITY, "snap_m"},   {&o.chain_m, 0.0, "chain_m"},
        {&o.chain_m, NAN, "chain_m"},      {&o.tolerance_m, -1e-3, "tolerance_m"},
        /* absurd but positive: refused with the plausible range (docs/ranges.md) */
        {&o.max_gap_m, 50.0, "max_gap_m = 50 must be in (0, 5] m"},
        {&o.snap_m, 11.0, "snap_m = 11 must be in [0, 10] m"},
        {&o.chain_m, 1e6, "chain_m = 1e+06 must be in (0, 50] m"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(cpted_coverage_options_init(&o, sizeof o), CPTED_OK);
        *cases[i].field = cases[i].value;
        assert_int_equal(cpted_coverage_run(&cov, f->fs, &o), CPTED_E_INVALID);
        assert_null(cov);
        assert_non_null(strstr(cpted_context_last_error(f->ctx), cases[i].name));
    }
    assert_int_equal(cpted_coverage_options_init(&o, sizeof o), CPTED_OK);
    o.struct_size = 8;
    assert_int_equal(cpted_coverage_run(&cov, f->fs, &o), CPTED_E_VERSION);

    /* Accessors: counts of NULL are 0, indexes are checked, sizes too. */
    assert_int_equal(cpted_coverage_line_count(NULL), 0);
    assert_int_equal(cpted_coverage_breach_count(NULL), 0);
    assert_null(cpted_coverage_site(NULL));
    cpted_coverage_free(NULL);
    run(f, NULL);
    assert_ptr_equal(cpted_coverage_site(f->cov), f->site);
    assert_int_equal(cpted_coverage_line_count(f->cov), 1);
    cpted_coverage_line l;
    l.struct_size = sizeof l;
    assert_int_equal(cpted_coverage_get_line(&l, f->cov, 1), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_coverage_get_line(NULL, f->cov, 0), CPTED_E_INVALID);
    l.struct_size = 4;
    assert_int_equal(cpted_coverage_get_line(&l, f->cov, 0), CPTED_E_VERSION);
    cpted_coverage_gap g;
    g.struct_size = sizeof g;
    assert_int_equal(cpted_coverage_get_gap(&g, f->cov, 0, 1), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_coverage_get_gap(&g, f->cov, 1, 0), CPTED_E_NOTFOUND);
    cpted_coverage_breach b;
    b.struct_size = sizeof b;
    assert_int_equal(cpted_coverage_get_breach(&b, f->cov, 99), CPTED_E_NOTFOUND);
    char *text = NULL;
    assert_int_equal(cpted_coverage_to_json(&text, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_coverage_to_json(NULL, f->cov), CPTED_E_INVALID);
}

/* ---- gaps ------------------------------------------------------------------ */

/* Perimeter (0,0)-(15,0), bollards at x = 0, 1.5, ..., 15: ten gaps of
 * 1.5 - 0.3 = 1.200 m, all compliant (1.2 <= 1.2 + 0.001), none passable by
 * a 1.8 m car; covered = 15 - 10 * 1.2 = 3 m; both ends sit on a bollard:
 * closed. No piece of line is reachable (the bollards' 1.05 m exclusion discs
 * overlap), but the row stands free in an open site: a bypass round an end. */
static void test_straight_row_all_compliant(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 15, 0);
    for (int k = 0; k <= 10; k++)
        bollard(f, 1.5 * k, 0, "0.3");
    run(f, NULL);
    assert_int_equal(cpted_coverage_line_count(f->cov), 1);
    cpted_coverage_line l = get_line(f, 0);
    assert_string_equal(l.id, "perimeter:1");
    assert_int_equal(l.derived, 0);
    assert_int_equal(l.closed, 0);
    assert_near(l.length_m, 15.0, 1e-9);
    assert_int_equal(l.gap_count, 10);
    assert_int_equal(l.noncompliant_count, 0);
    assert_int_equal(l.open_ends, 0);
    assert_near(l.covered_m, 3.0, MM);
    assert_near(l.coverage_ratio, 0.2, 1e-4);
    assert_null(l.weakest_rating);
    assert_int_equal(l.unrated_count, 11);
    for (size_t i = 0; i < 10; i++) {
        cpted_coverage_gap g = get_gap(f, 0, i);
        assert_near(g.clear_width_m, 1.2, MM);
        assert_near(g.start_m, 1.5 * (double)i + 0.15, MM);
        assert_near(g.end_m, 1.5 * (double)(i + 1) - 0.15, MM);
        assert_near(g.x, 1.5 * (double)i + 0.75, MM);
        assert_near(g.y, 0.0, 1e-9);
        assert_int_equal(g.compliant, 1);
        assert_int_equal(g.vehicle_passable, 0);
        char before[32], after[32];
        snprintf(before, sizeof before, "bollards:%zu", i + 1);
        snprintf(after, sizeof after, "bollards:%zu", i + 2);
        assert_string_equal(g.before_id, before);
        assert_string_equal(g.after_id, after);
    }
    assert_int_equal(cpted_coverage_breach_count(f->cov), 1);
    char *text = json(f);
    assert_non_null(strstr(text, "\"kind\":\"bypass\""));
    cpted_free(text);
}

/* The same row with the bollard at x = 7.5 missing: the gap from 6.15 to
 * 8.85 is 2.700 m clear, not compliant, passable by the 1.8 m car. The car's
 * centre can stand on the line where it is 1.05 m from both bollard centres:
 * x in [7.05, 7.95], a crossing 0.9 m wide (= 2.7 - 1.8) centred at 7.5. */
static void test_missing_bollard_breach(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 15, 0);
    for (int k = 0; k <= 10; k++)
        if (k != 5)
            bollard(f, 1.5 * k, 0, "0.3");
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.gap_count, 9);
    assert_int_equal(l.noncompliant_count, 1);
    cpted_coverage_gap g = get_gap(f, 0, 4);
    assert_near(g.start_m, 6.15, MM);
    assert_near(g.end_m, 8.85, MM);
    assert_near(g.clear_width_m, 2.7, MM);
    assert_int_equal(g.compliant, 0);
    assert_int_equal(g.vehicle_passable, 1);
    assert_string_equal(g.before_id, "bollards:5");
    assert_string_equal(g.after_id, "bollards:6");
    assert_near(l.covered_m, 15.0 - 8 * 1.2 - 2.7, MM);

    assert_int_equal(cpted_coverage_breach_count(f->cov), 1);
    cpted_coverage_breach b = get_breach(f, 0);
    assert_near(b.width_m, 0.9, 0.01); /* R is bounded by polygonised discs */
    assert_near(b.x, 7.5, 0.01);
    assert_near(b.y, 0.0, 1e-9);
    assert_string_equal(b.line_id, "perimeter:1");
    assert_int_equal(b.kind, CPTED_BREACH_CROSSING);
    assert_string_equal(cpted_breach_kind_name(b.kind), "crossing");
    char *text = json(f);
    assert_non_null(strstr(text, "\"kind\":\"crossing\""));
    assert_non_null(strstr(text, "\"clear_width_m\":2.7,"));
    assert_non_null(strstr(text, "\"schema\":\"cpted/coverage/1\""));
    cpted_free(text);
}

/* No perimeter: ten bollards on an arc of radius 10 m at 0°, 10°, ..., 90°
 * chain into row:1 (all chords 2·10·sin 5° = 1.743115 m < 5 m). Each gap is
 * 1.743115 - 0.3 = 1.443115 m: nine non-compliant gaps; the row's length is
 * 9 chords = 15.688034 m. The ends are bollards: closed. */
static void test_curved_row(void **state)
{
    fixture *f = *state;
    /* inserted out of order: the row is ordered by geometry, not by input */
    int order[10] = {4, 0, 9, 2, 7, 1, 5, 8, 3, 6};
    for (int i = 0; i < 10; i++) {
        double a = order[i] * 10.0 * PI / 180.0;
        bollard(f, 10 * cos(a), 10 * sin(a), "0.3");
    }
    run(f, NULL);
    assert_int_equal(cpted_coverage_line_count(f->cov), 1);
    cpted_coverage_line l = get_line(f, 0);
    assert_string_equal(l.id, "row:1");
    assert_int_equal(l.derived, 1);
    assert_int_equal(l.closed, 0);
    assert_near(l.length_m, 15.688034, MM);
    assert_int_equal(l.gap_count, 9);
    assert_int_equal(l.noncompliant_count, 9);
    assert_int_equal(l.open_ends, 0);
    for (size_t i = 0; i < 9; i++) {
        cpted_coverage_gap g = get_gap(f, 0, i);
        assert_near(g.clear_width_m, 1.443115, MM);
        assert_int_equal(g.vehicle_passable, 0);
        assert_near(g.end_m - g.start_m, 1.443115, 0.002);
    }
}

/* No perimeter: twelve 0.4 m bollards on a circle of radius 3 m chain into a
 * closed ring: chords 2·3·sin 15° = 1.552914 m, gaps 1.152914 m (compliant),
 * length 12 chords = 18.634971 m, no open ends, and no breach (the inside is
 * not reachable, the ring cannot be bypassed). */
static void test_closed_ring_of_bollards(void **state)
{
    fixture *f = *state;
    for (int k = 0; k < 12; k++) {
        double a = k * 30.0 * PI / 180.0;
        bollard(f, 3 * cos(a), 3 * sin(a), "0.4");
    }
    run(f, NULL);
    assert_int_equal(cpted_coverage_line_count(f->cov), 1);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.closed, 1);
    assert_int_equal(l.derived, 1);
    assert_near(l.length_m, 18.634971, MM);
    assert_int_equal(l.gap_count, 12);
    assert_int_equal(l.noncompliant_count, 0);
    assert_int_equal(l.open_ends, 0);
    for (size_t i = 0; i < 12; i++) {
        cpted_coverage_gap g = get_gap(f, 0, i);
        assert_near(g.clear_width_m, 1.152914, MM);
        assert_int_equal(g.compliant, 1);
        assert_non_null(g.before_id);
        assert_non_null(g.after_id);
    }
    assert_int_equal(cpted_coverage_breach_count(f->cov), 0);
}

/* A square perimeter polygon 6 x 6 with bollards every 1.5 m along it (16):
 * a closed ring starting at a corner bollard (its interval wraps through the
 * ring's start); 16 gaps of 1.200 m, covered 24 - 16·1.2 = 4.8 m. */
static void test_perimeter_polygon_ring(void **state)
{
    fixture *f = *state;
    size_t n = 0;
    unsigned char *wkb = test_wkb_rect(0, 0, 6, 6, &n);
    test_add(f->site, "perimeter", CPTED_ROLE_PERIMETER, wkb, n);
    for (int k = 0; k < 4; k++) {
        bollard(f, 1.5 * k, 0, "0.3");
        bollard(f, 6, 1.5 * k, "0.3");
        bollard(f, 6 - 1.5 * k, 6, "0.3");
        bollard(f, 0, 6 - 1.5 * k, "0.3");
    }
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.closed, 1);
    assert_near(l.length_m, 24.0, 1e-9);
    assert_int_equal(l.gap_count, 16);
    assert_int_equal(l.noncompliant_count, 0);
    assert_near(l.covered_m, 4.8, MM);
    for (size_t i = 0; i < 16; i++)
        assert_near(get_gap(f, 0, i).clear_width_m, 1.2, MM);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 0);
}

/* Perimeter (0,0)-(6,0); bollards at (0,0), (1.5,0.8) [edge 0.65 m from the
 * line: within snap], (3,0.5), (4.5,1.5) [edge 1.35 m away: ignored], (6,0).
 * Gaps, edge to edge between the real positions (snap does not shrink them):
 *   (0,0)-(1.5,0.8):  sqrt(2.89) - 0.3 = 1.400000
 *   (1.5,0.8)-(3,0.5): sqrt(2.34) - 0.3 = 1.229706
 *   (3,0.5)-(6,0):    sqrt(9.25) - 0.3 = 2.741381 */
static void test_bollards_off_the_line(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 6, 0);
    bollard(f, 0, 0, "0.3");
    bollard(f, 1.5, 0.8, "0.3");
    bollard(f, 3, 0.5, "0.3");
    bollard(f, 4.5, 1.5, "0.3");
    bollard(f, 6, 0, "0.3");
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.gap_count, 3);
    assert_near(get_gap(f, 0, 0).clear_width_m, 1.4, MM);
    assert_near(get_gap(f, 0, 1).clear_width_m, 1.229706, MM);
    cpted_coverage_gap g = get_gap(f, 0, 2);
    assert_near(g.clear_width_m, 2.741381, MM);
    assert_string_equal(g.before_id, "bollards:3");
    assert_string_equal(g.after_id, "bollards:5");
    assert_near(g.start_m, 3.15, MM);
    assert_near(g.end_m, 5.85, MM);
    assert_int_equal(l.unrated_count, 4); /* the ignored bollard is not on the line */

    /* With a 2 m snap the fourth bollard joins the line and splits the gap:
     * (3,0.5)-(4.5,1.5): sqrt(3.25) - 0.3 = 1.502776; (4.5,1.5)-(6,0):
     * sqrt(4.5) - 0.3 = 1.821320. */
    cpted_coverage_free(f->cov);
    f->cov = NULL;
    cpted_coverage_options o;
    cpted_coverage_options_init(&o, sizeof o);
    o.snap_m = 2.0;
    run(f, &o);
    l = get_line(f, 0);
    assert_int_equal(l.gap_count, 4);
    assert_near(get_gap(f, 0, 2).clear_width_m, 1.502776, MM);
    assert_near(get_gap(f, 0, 3).clear_width_m, 1.821320, MM);
}

/* Perimeter (0,0)-(3,0): bollards at 0, 0 (duplicate), 1.5, 1.7 (overlaps
 * 1.5), 2.0 (touches 1.7), 3. Gaps: [0.15, 1.35] 1.2 m and [2.15, 2.85]
 * 3 - 2 - 0.3 = 0.7 m; no zero or negative gap. */
static void test_duplicated_and_overlapping_bollards(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 3, 0);
    double xs[] = {0, 0, 1.5, 1.7, 2.0, 3};
    for (size_t i = 0; i < 6; i++)
        bollard(f, xs[i], 0, "0.3");
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.gap_count, 2);
    cpted_coverage_gap g0 = get_gap(f, 0, 0), g1 = get_gap(f, 0, 1);
    assert_near(g0.clear_width_m, 1.2, MM);
    assert_near(g1.clear_width_m, 0.7, MM);
    assert_near(g1.start_m, 2.15, MM);
    assert_string_equal(g1.before_id, "bollards:5");
    assert_string_equal(g1.after_id, "bollards:6");
    assert_near(l.covered_m, 3 - 1.2 - 0.7, MM);
}

/* Perimeter (0,0)-(10,0). A wall (obstacle line x = 0, y in [-2, 2], 0.2 m
 * thick) closes the start; bollards at 1.5, 3, 4.5, 6; the end (10,0) is
 * 3.85 m from the last bollard's edge: open. Gaps: wall face (x = 0.1) to the
 * first bollard's edge 1.35: 1.250 m (not compliant); three gaps of 1.2; the
 * open end [6.15, 10]: 3.85 m along the line. The car stands on the line for
 * x in [7.05, 10]: a crossing 2.95 m wide centred at 8.525. */
static void test_wall_end_and_open_end(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 10, 0);
    line(f, "walls", CPTED_ROLE_OBSTACLE, 0, -2, 0, 2);
    for (int k = 1; k <= 4; k++)
        bollard(f, 1.5 * k, 0, "0.3");
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.open_ends, 1);
    assert_int_equal(l.gap_count, 5);
    assert_int_equal(l.noncompliant_count, 2);
    cpted_coverage_gap g = get_gap(f, 0, 0);
    assert_near(g.start_m, 0.0, 1e-9);
    assert_near(g.clear_width_m, 1.35, MM);
    assert_int_equal(g.compliant, 0);
    assert_string_equal(g.before_id, "walls:1");
    g = get_gap(f, 0, 4);
    assert_near(g.start_m, 6.15, MM);
    assert_near(g.end_m, 10.0, 1e-9);
    assert_near(g.clear_width_m, 3.85, MM);
    assert_int_equal(g.vehicle_passable, 1);
    assert_string_equal(g.before_id, "bollards:4");
    assert_null(g.after_id);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 1);
    cpted_coverage_breach b = get_breach(f, 0);
    assert_near(b.width_m, 2.95, 0.01);
    assert_near(b.x, 8.525, 0.01);
}

/* Perimeter (0,0)-(6,0), bollards at 0, 1.5, 3; a building [5,10] x
 * [0.5,5] whose corner (5,0.5) is 0.5 m off the line closes its end. The gap
 * from the bollard at 3 to the building runs from the bollard's edge to the
 * corner: sqrt(2² + 0.5²) - 0.15 = 1.911553 m (passable for 1.8 m). */
static void test_gap_to_building_corner(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 6, 0);
    for (int k = 0; k < 3; k++)
        bollard(f, 1.5 * k, 0, "0.3");
    rect(f, "buildings", CPTED_ROLE_BUILDING, 5, 0.5, 10, 5);
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.open_ends, 0);
    assert_int_equal(l.gap_count, 3);
    cpted_coverage_gap g = get_gap(f, 0, 2);
    assert_near(g.start_m, 3.15, MM);
    assert_near(g.end_m, 5.0, MM);
    assert_near(g.clear_width_m, 1.911553, MM);
    assert_int_equal(g.vehicle_passable, 1);
    assert_string_equal(g.after_id, "buildings:1");
    assert_near(l.covered_m, 6 - 1.2 - 1.2 - 1.85, MM);
}

/* No perimeter; points given shuffled: (1.5,0) (20,0) (3,0) (40,0) (0,0)
 * (21.5,0). Rows: row:1 = the three points near 0 (first in input order),
 * 3 m long with two 1.2 m gaps; row:2 = the pair near 20, 1.5 m; the point at
 * 40 has no neighbour within 5 m and forms no row. */
static void test_derived_rows_from_points(void **state)
{
    fixture *f = *state;
    double pts[][2] = {{1.5, 0}, {20, 0}, {3, 0}, {40, 0}, {0, 0}, {21.5, 0}};
    for (size_t i = 0; i < 6; i++)
        bollard(f, pts[i][0], pts[i][1], "0.3");
    run(f, NULL);
    assert_int_equal(cpted_coverage_line_count(f->cov), 2);
    cpted_coverage_line a = get_line(f, 0), b = get_line(f, 1);
    assert_string_equal(a.id, "row:1");
    assert_string_equal(b.id, "row:2");
    assert_int_equal(a.derived, 1);
    assert_near(a.length_m, 3.0, 1e-9);
    assert_int_equal(a.gap_count, 2);
    assert_near(get_gap(f, 0, 0).clear_width_m, 1.2, MM);
    assert_near(get_gap(f, 0, 1).clear_width_m, 1.2, MM);
    assert_near(b.length_m, 1.5, 1e-9);
    assert_int_equal(b.gap_count, 1);

    /* With chain 1 m nothing chains: no lines at all. */
    cpted_coverage_free(f->cov);
    f->cov = NULL;
    cpted_coverage_options o;
    cpted_coverage_options_init(&o, sizeof o);
    o.chain_m = 1.0;
    run(f, &o);
    assert_int_equal(cpted_coverage_line_count(f->cov), 0);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 0);
}

/* The walled street, line across it from wall to wall at y = 0 with bollards
 * at x = 0.75, 2.25, 3.75, 6.75, 8.25, 9.75 (5.25 missing). Gaps: building W
 * to the first bollard 0.6 m; 3.75-6.75: 2.7 m, passable; the car centre
 * stands on the line for x in [4.8, 5.7]: one crossing, 0.9 m, at (5.25, 0). */
static void test_breach_in_a_street(void **state)
{
    fixture *f = *state;
    street(f);
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 10, 0);
    for (int k = 0; k < 7; k++)
        if (k != 3)
            bollard(f, 0.75 + 1.5 * k, 0, "0.3");
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.open_ends, 0);
    assert_int_equal(l.gap_count, 7);
    assert_near(get_gap(f, 0, 0).clear_width_m, 0.6, MM);
    assert_string_equal(get_gap(f, 0, 0).before_id, "buildings:1");
    cpted_coverage_gap g = get_gap(f, 0, 3);
    assert_near(g.clear_width_m, 2.7, MM);
    assert_int_equal(g.vehicle_passable, 1);
    assert_int_equal(l.noncompliant_count, 1);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 1);
    cpted_coverage_breach b = get_breach(f, 0);
    assert_near(b.width_m, 0.9, 0.01);
    assert_near(b.x, 5.25, 0.01);
    assert_near(b.y, 0, 1e-9);
}

/* The walled street with a line (0,0)-(6,0) of bollards at 0.75, 2.25, 3.75,
 * 5.25: every gap is closed (the end (6,0) is 0.6 m from the last bollard's
 * edge: closed), yet the car drives round the end where the street is free:
 * x from 5.25 + 1.05 = 6.3 to 10 - 0.9 = 9.1, a bypass 2.8 m wide
 * (centre-line) at (7.7, 0). */
static void test_bypass_round_the_end(void **state)
{
    fixture *f = *state;
    street(f);
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 6, 0);
    for (int k = 0; k < 4; k++)
        bollard(f, 0.75 + 1.5 * k, 0, "0.3");
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.open_ends, 0);
    assert_int_equal(l.noncompliant_count, 0);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 1);
    cpted_coverage_breach b = get_breach(f, 0);
    assert_int_equal(b.kind, CPTED_BREACH_BYPASS);
    assert_string_equal(cpted_breach_kind_name(b.kind), "bypass");
    assert_string_equal(cpted_breach_kind_name(0), "unknown");
    assert_near(b.width_m, 2.8, 0.01);
    assert_near(b.x, 7.7, 0.01);
    assert_near(b.y, 0, 1e-9);
    char *text = json(f);
    assert_non_null(strstr(text, "\"kind\":\"bypass\""));
    cpted_free(text);
}

/* Ratings on one line: V/7500[N2]/48 (½·7500·13.33² = 667 kJ) is weaker than
 * V/7200[N3C]/80 (1,778 kJ) and M50/P1 (6,800 kg at 80.5 km/h: 1,699 kJ);
 * "garbage" is malformed and one bollard has none: two unrated, and one
 * warning naming the bad string. */
static void test_ratings_weakest_and_unrated(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 7.5, 0);
    rated_bollard(f, 0, 0, "V/7200[N3C]/80/90:1.1");
    rated_bollard(f, 1.5, 0, "V/7500[N2]/48/90:3.5/10.0");
    rated_bollard(f, 3, 0, "M50/P1");
    rated_bollard(f, 4.5, 0, "garbage");
    bollard(f, 6, 0, "0.3");
    rated_bollard(f, 7.5, 0, "V/7200[N3C]/80/90:1.1");
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_string_equal(l.weakest_rating, "V/7500[N2]/48/90:3.5/10.0");
    assert_int_equal(l.unrated_count, 2);
    char *text = json(f);
    assert_non_null(strstr(text, "\"weakest_rating\":\"V/7500[N2]/48/90:3.5/10.0\""));
    assert_non_null(strstr(text, "bollards:4: rating 'garbage' not used"));
    assert_non_null(strstr(text, "\"unrated\":2"));
    cpted_free(text);
}

typedef struct log_record {
    int errors;
    int warnings;
    char warning[2][512];
} log_record;

static void record_log(int32_t level, const char *message, void *payload)
{
    log_record *c = payload;
    if (level == CPTED_LOG_ERROR)
        c->errors++;
    if (level == CPTED_LOG_WARNING && c->warnings++ < 2)
        snprintf(c->warning[c->warnings - 1], sizeof c->warning[0], "%s", message);
}

/* A malformed rating is a warning of a run that succeeds: logged once as a
 * warning with the reason from the failing call, nothing at error level, and
 * the context's last error (from a failed call before) stays as it was. No
 * reachable space (the only entry lies inside a building) is no warning but
 * "not assessed" with the free space's reason. */
static void test_warnings_log_no_error(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 3, 0);
    rated_bollard(f, 0, 0, "garbage");
    bollard(f, 1.5, 0, "0.3");
    rect(f, "boundary", CPTED_ROLE_BOUNDARY, -5, -5, 10, 5);
    rect(f, "buildings", CPTED_ROLE_BUILDING, 6, -4, 9, 4);
    line(f, "entries", CPTED_ROLE_ENTRY, 7, -1, 7, 1);
    make_fs(f);
    cpted_coverage *none = NULL;
    assert_int_equal(cpted_coverage_run(&none, NULL, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_coverage_run(NULL, f->fs, NULL), CPTED_E_INVALID);
    char before[256];
    snprintf(before, sizeof before, "%s", cpted_context_last_error(f->ctx));
    assert_string_equal(before, "cpted_coverage_run: out is NULL");
    log_record c;
    memset(&c, 0, sizeof c);
    cpted_context_set_log(f->ctx, CPTED_LOG_DEBUG, record_log, &c);
    run(f, NULL);
    cpted_context_set_log(f->ctx, CPTED_LOG_WARNING, NULL, NULL);
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.warnings, 1);
    assert_string_equal(cpted_context_last_error(f->ctx), before);
    /* the reasons are the messages of the failing calls themselves */
    cpted_rating rt;
    memset(&rt, 0, sizeof rt);
    rt.struct_size = sizeof rt;
    assert_int_equal(cpted_rating_parse(&rt, f->ctx, "garbage"), CPTED_E_FORMAT);
    char expected[512];
    snprintf(expected, sizeof expected, "bollards:1: rating 'garbage' not used: %s",
             cpted_context_last_error(f->ctx));
    assert_string_equal(c.warning[0], expected);
    assert_int_equal(cpted_coverage_warning_count(f->cov), 1);
    assert_string_equal(cpted_coverage_warning(f->cov, 0), c.warning[0]);
    assert_null(cpted_coverage_warning(f->cov, 1));
    assert_non_null(cpted_freespace_not_assessed(f->fs));
    assert_string_equal(cpted_coverage_not_assessed(f->cov), cpted_freespace_not_assessed(f->fs));
    assert_int_equal(cpted_coverage_line_count(f->cov), 1);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 0);
}

/* No entry: the ground [-5,20] x [-5,5] lies well inside the boundary
 * [-40,40]² (no default entry at the edge) and no feature is an entry, so the
 * free space is not assessed. Gaps are still measured (9: eight of 1.2 m, and
 * 2.7 m where the bollard at 7.5 is missing), breaches are not looked for and
 * the result says so with the free space's reason: one finding more than the
 * one non-compliant gap, never a silent "no breaches". */
static void test_no_entry_gaps_without_breaches(void **state)
{
    fixture *f = *state;
    rect(f, "boundary", CPTED_ROLE_BOUNDARY, -40, -40, 40, 40);
    rect(f, "ground", CPTED_ROLE_GROUND, -5, -5, 20, 5);
    rect(f, "buildings", CPTED_ROLE_BUILDING, 16, -4.5, 19.5, 4.5);
    line(f, "entries", CPTED_ROLE_ENTRY, 17.75, -1, 17.75, 1);
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 15, 0);
    for (int k = 0; k <= 10; k++)
        if (k != 5)
            bollard(f, 1.5 * k, 0, "0.3");
    run(f, NULL);
    const char *why = cpted_freespace_not_assessed(f->fs);
    assert_non_null(why);
    assert_non_null(strstr(why, "no entry"));
    assert_string_equal(cpted_coverage_not_assessed(f->cov), why);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.gap_count, 9);
    assert_int_equal(l.noncompliant_count, 1);
    assert_near(get_gap(f, 0, 4).clear_width_m, 2.7, MM);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 0);
    assert_int_equal(cpted_coverage_finding_count(f->cov), 2);
    assert_int_equal(cpted_coverage_warning_count(f->cov), 0);
    char *text = json(f);
    assert_non_null(strstr(text, "\"assessed\":false,\"not_assessed\":\"no entry"));
    assert_non_null(strstr(text, "\"breaches\":[]"));
    cpted_free(text);
}

/* No line of protection (one bollard chains to nothing): not assessed, the
 * reason starts "no line of protection: ", and it is one finding. A result
 * that is assessed says so: "assessed":true, "not_assessed":null. */
static void test_no_lines_not_assessed(void **state)
{
    fixture *f = *state;
    street(f);
    bollard(f, 5, 0, "0.3");
    run(f, NULL);
    assert_int_equal(cpted_coverage_line_count(f->cov), 0);
    assert_null(cpted_freespace_not_assessed(f->fs));
    const char *why = cpted_coverage_not_assessed(f->cov);
    assert_non_null(why);
    assert_memory_equal(why, "no line of protection: ", strlen("no line of protection: "));
    assert_int_equal(cpted_coverage_finding_count(f->cov), 1);
    assert_null(cpted_coverage_not_assessed(NULL));
    assert_int_equal(cpted_coverage_finding_count(NULL), 0);
    char *text = json(f);
    assert_non_null(strstr(text, "\"assessed\":false,\"not_assessed\":\"no line of protection: "));
    cpted_free(text);
}

/* A wall line y = 0 of two walls 0.2 m thick (flat ends, so the clear width is
 * exact) with a gap [0, g] on a street [-10, g+10] x [-20, 20] entered from
 * the south. The free space erodes by w/2 - 1 µm, so a gap of exactly w keeps
 * a 2 µm channel, and coverage must agree: the gap is passable when
 * g >= w - 2 µm, and any crossing of R with the line is a breach, however
 * short: its width is the part of the gap the centre can cross,
 * g - (w - 2 µm). When the gap passes R reaches the north half: R = F;
 * otherwise R is the south half only (area 20 (g + 20) less the erosion,
 * under 0.6 F). */
static void wall_gap_case(fixture *f, double g, bool passes)
{
    double w = f->car.width_m;
    assert_int_equal(cpted_site_new(&f->site, f->ctx, NULL), CPTED_OK);
    rect(f, "boundary", CPTED_ROLE_BOUNDARY, -10, -20, g + 10, 20);
    line(f, "entries", CPTED_ROLE_ENTRY, -5, -20, g + 5, -20);
    double a[4] = {-20, 0, 0, 0}, b[4] = {g, 0, g + 20, 0};
    size_t n = 0;
    unsigned char *wkb = test_wkb_line(a, 2, &n);
    test_add_attrs(f->site, "walls", CPTED_ROLE_OBSTACLE, wkb, n, "thickness=0.2", NULL);
    wkb = test_wkb_line(b, 2, &n);
    test_add_attrs(f->site, "walls", CPTED_ROLE_OBSTACLE, wkb, n, "thickness=0.2", NULL);
    line(f, "perimeter", CPTED_ROLE_PERIMETER, -10, 0, g + 10, 0);
    run(f, NULL);
    assert_null(cpted_coverage_not_assessed(f->cov));
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.open_ends, 0);
    assert_int_equal(l.gap_count, 1);
    cpted_coverage_gap gap = get_gap(f, 0, 0);
    assert_near(gap.start_m, 10.0, 1e-9);
    assert_near(gap.end_m, 10.0 + g, 1e-9);
    assert_near(gap.clear_width_m, g, 1e-9);
    assert_int_equal(gap.vehicle_passable, passes);
    double area_r = 0.0, area_f = 0.0;
    assert_int_equal(cpted_freespace_get_area(&area_r, f->fs, CPTED_SPACE_REACHABLE), CPTED_OK);
    assert_int_equal(cpted_freespace_get_area(&area_f, f->fs, CPTED_SPACE_FREE), CPTED_OK);
    if (passes) {
        assert_int_equal(cpted_coverage_breach_count(f->cov), 1);
        cpted_coverage_breach br = get_breach(f, 0);
        assert_int_equal(br.kind, CPTED_BREACH_CROSSING);
        assert_near(br.width_m, g - (w - 2e-6), 1e-7);
        assert_near(br.x, g / 2.0, 1e-6);
        assert_near(area_r, area_f, 1e-6 * area_f);
    } else {
        assert_int_equal(cpted_coverage_breach_count(f->cov), 0);
        assert_true(area_r < 0.6 * area_f);
    }
    cpted_coverage_free(f->cov);
    cpted_freespace_free(f->fs);
    cpted_site_free(f->site);
    f->cov = NULL;
    f->fs = NULL;
    f->site = NULL;
}

static void test_one_tolerance_for_wall_gaps(void **state)
{
    fixture *f = *state;
    cpted_site_free(f->site);
    f->site = NULL;
    double w = f->car.width_m;
    assert_near(w, 1.8, 1e-12);
    wall_gap_case(f, w - 1e-3, false);
    wall_gap_case(f, w, true);
    wall_gap_case(f, w + 0.5e-3, true);
    wall_gap_case(f, w + 2e-3, true);
}

/* The same with a bollard (0.3 m, centre (b, 0), b = w + 0.5 mm + 0.15) in the
 * gap between the wall end 0 and a second wall starting 1 m past the
 * bollard: coverage measures w + 0.5 mm from the exact disc (passable). The
 * free space blocks the disc's polygon, inscribed in the circle, and dilates
 * it by w/2 with inscribed arcs again (docs/method-freespace.md, "Accuracy of
 * polygonal buffers"): its passage is never narrower than the exact one, and
 * wider by at most (0.15 + 0.9)(1 - cos(π/32)) = 5.060 mm (the wall's flat
 * end is exact). So the crossing is at least the 0.502 mm of the exact disc
 * and at most 5.562 mm (measured: 4.836 mm). The 1 m gap on the other side
 * is closed. */
static void test_one_tolerance_bollard_gap(void **state)
{
    fixture *f = *state;
    double w = f->car.width_m, g = w + 0.5e-3, bx = g + 0.15, e = bx + 0.15 + 1.0;
    rect(f, "boundary", CPTED_ROLE_BOUNDARY, -10, -20, e + 10, 20);
    line(f, "entries", CPTED_ROLE_ENTRY, -5, -20, e + 5, -20);
    double a[4] = {-20, 0, 0, 0}, b[4] = {e, 0, e + 20, 0};
    size_t n = 0;
    unsigned char *wkb = test_wkb_line(a, 2, &n);
    test_add_attrs(f->site, "walls", CPTED_ROLE_OBSTACLE, wkb, n, "thickness=0.2", NULL);
    wkb = test_wkb_line(b, 2, &n);
    test_add_attrs(f->site, "walls", CPTED_ROLE_OBSTACLE, wkb, n, "thickness=0.2", NULL);
    bollard(f, bx, 0, "0.3");
    line(f, "perimeter", CPTED_ROLE_PERIMETER, -10, 0, e + 10, 0);
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.gap_count, 2);
    cpted_coverage_gap gap = get_gap(f, 0, 0);
    assert_near(gap.clear_width_m, g, 1e-9);
    assert_int_equal(gap.vehicle_passable, 1);
    gap = get_gap(f, 0, 1);
    assert_near(gap.clear_width_m, 1.0, 1e-9);
    assert_int_equal(gap.vehicle_passable, 0);
    assert_int_equal(cpted_coverage_breach_count(f->cov), 1);
    cpted_coverage_breach br = get_breach(f, 0);
    double bound = (0.15 + 0.9) * (1.0 - cos(PI / 32.0));
    assert_true(br.width_m >= 0.502e-3 - 1e-9);
    assert_true(br.width_m <= 0.502e-3 + bound + 1e-9);
}

/* Two wall lines without a thickness attribute drawn across a perimeter
 * (-3,0)-(4.5,0), at x = 0 and x = 1.5 (y from -3 to 3): the gap between them
 * is measured to the lines as drawn, not to the default 0.2 m walls round
 * them (which read 1.5 - 2 x 0.1 = 1.300 m before): clear width 1.500 m
 * (non-compliant, not passable for 1.8 m), from 3 to 4.5 along the line.
 * Each wall covers the one point where it crosses the line (it was 0.2 m),
 * so the open ends leave gaps [0, 3] and [4.5, 7.5] and the line is covered
 * 0 m. */
static void test_drawn_walls_keep_their_gap(void **state)
{
    fixture *f = *state;
    line(f, "walls", CPTED_ROLE_OBSTACLE, 0, -3, 0, 3);
    line(f, "walls", CPTED_ROLE_OBSTACLE, 1.5, -3, 1.5, 3);
    line(f, "perimeter", CPTED_ROLE_PERIMETER, -3, 0, 4.5, 0);
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_int_equal(l.gap_count, 3);
    assert_int_equal(l.open_ends, 2);
    cpted_coverage_gap g = get_gap(f, 0, 1);
    assert_near(g.start_m, 3.0, 1e-9);
    assert_near(g.end_m, 4.5, 1e-9);
    assert_near(g.clear_width_m, 1.5, 1e-9);
    assert_string_equal(g.before_id, "walls:1");
    assert_string_equal(g.after_id, "walls:2");
    assert_int_equal(g.compliant, 0);
    assert_int_equal(g.vehicle_passable, 0);
    assert_near(get_gap(f, 0, 0).clear_width_m, 3.0, 1e-9);
    assert_near(get_gap(f, 0, 2).clear_width_m, 3.0, 1e-9);
    assert_near(l.covered_m, 0.0, 1e-9);
}

/* A bend (0,0)-(10,0)-(10,15) and a building whose tip (10.8, -0.5987) is
 * sqrt(0.8² + 0.5987²) = 0.99922 m from the bend (within snap 1 m) in the
 * outer quadrant, its edges running away from the bend, and 2 m or more from
 * both legs elsewhere (its side x = 12 along the second leg). Only the part
 * within snap covers: here the point of the bend, s = 10 (the tip lies
 * outside the zone's polygon at -36.8°, between its vertices at -45° and
 * -33.75°, where the polygon's radius is cos 5.625°/cos 2.58° = 0.99618 m).
 * Before, the whole building was projected and covered [10, 25]: the 15 m of
 * the second leg. Now: two gaps [0, 10] (clear 10, from the open end) and
 * [10, 25] (clear 15), covered 0, two open ends. */
static void test_tip_near_a_bend_covers_a_point(void **state)
{
    fixture *f = *state;
    double xy[6] = {0, 0, 10, 0, 10, 15};
    size_t n = 0;
    unsigned char *wkb = test_wkb_line(xy, 3, &n);
    test_add(f->site, "perimeter", CPTED_ROLE_PERIMETER, wkb, n);
    double poly[10] = {10.8, -0.5987, 12, 0, 12, 15, 20, 15, 20, -5};
    wkb = test_wkb_polygon(poly, 5, &n);
    test_add(f->site, "buildings", CPTED_ROLE_BUILDING, wkb, n);
    run(f, NULL);
    cpted_coverage_line l = get_line(f, 0);
    assert_near(l.length_m, 25.0, 1e-9);
    assert_int_equal(l.open_ends, 2);
    assert_int_equal(l.gap_count, 2);
    cpted_coverage_gap g = get_gap(f, 0, 0);
    assert_near(g.start_m, 0.0, 1e-9);
    assert_near(g.end_m, 10.0, 1e-9);
    assert_near(g.clear_width_m, 10.0, 1e-9);
    assert_null(g.before_id);
    assert_string_equal(g.after_id, "buildings:1");
    g = get_gap(f, 0, 1);
    assert_near(g.start_m, 10.0, 1e-9);
    assert_near(g.end_m, 25.0, 1e-9);
    assert_near(g.clear_width_m, 15.0, 1e-9);
    assert_string_equal(g.before_id, "buildings:1");
    assert_null(g.after_id);
    assert_near(l.covered_m, 0.0, 1e-9);
}

/* The same input gives byte-identical JSON. */
static void test_json_is_deterministic(void **state)
{
    fixture *f = *state;
    line(f, "perimeter", CPTED_ROLE_PERIMETER, 0, 0, 15, 0);
    for (int k = 0; k <= 10; k++)
        if (k != 5)
            bollard(f, 1.5 * k, 0, "0.3");
    run(f, NULL);
    char *a = json(f);
    cpted_coverage_free(f->cov);
    f->cov = NULL;
    run(f, NULL);
    char *b = json(f);
    assert_string_equal(a, b);
    cpted_free(a);
    cpted_free(b);
}

/* Real OSM bollards (samples/osm/helsinki_centre_osm_2019.osm.pbf): no
 * perimeter, so rows are derived from the bollard points. Counts measured
 * once and recorded in docs/method-coverage.md. */
static void test_helsinki_osm_rows(void **state)
{
    fixture *f = *state;
    const char *path = test_sample_path("osm/helsinki_centre_osm_2019.osm.pbf");
    cpted_site *site = NULL;
    cpted_site_options so;
    CPTED_SITE_OPTIONS_INIT(&so);
    so.lenient = 1;
    int rc = cpted_site_open(&site, f->ctx, &path, 1, &so);
    if (rc != CPTED_OK) {
        print_message("skipped: cannot load the OSM sample yet (%s)\n",
                      cpted_context_last_error(f->ctx));
        skip();
    }
    size_t points = 0, osm_rows = 0;
    for (size_t i = 0; i < cpted_site_feature_count(site); i++) {
        if (cpted_site_feature_role(site, i) != CPTED_ROLE_BARRIER)
            continue;
        unsigned char *wkb = NULL;
        size_t n = 0;
        assert_int_equal(cpted_site_get_feature_wkb(&wkb, &n, site, i), CPTED_OK);
        points += wkb[1] == 1; /* little-endian ISO WKB type 1 = point */
        const char *kind = cpted_site_feature_text(site, i, "kind");
        osm_rows += wkb[1] == 2 && kind && strcmp(kind, "barrier=bollard") == 0;
        cpted_free(wkb);
    }
    cpted_freespace *fs = NULL;
    rc = cpted_freespace_new(&fs, site, &f->car, NULL);
    if (rc != CPTED_OK)
        fail_msg("free space on Helsinki: %s", cpted_context_last_error(f->ctx));
    cpted_coverage *cov = NULL;
    rc = cpted_coverage_run(&cov, fs, NULL);
    cpted_freespace_free(fs); /* the result keeps it alive */
    if (rc != CPTED_OK)
        fail_msg("coverage on Helsinki: %s", cpted_context_last_error(f->ctx));
    size_t derived = 0, unverified = 0, gaps = 0, noncompliant = 0;
    for (size_t i = 0; i < cpted_coverage_line_count(cov); i++) {
        cpted_coverage_line l;
        l.struct_size = sizeof l;
        assert_int_equal(cpted_coverage_get_line(&l, cov, i), CPTED_OK);
        derived += l.derived == 1;
        unverified += l.unverified == 1;
        gaps += l.gap_count;
        noncompliant += l.noncompliant_count;
    }
    print_message("helsinki: %zu barrier points, %zu bollard ways, %zu derived rows, "
                  "%zu unverified lines, %zu gaps, %zu non-compliant, %zu breaches\n",
                  points, osm_rows, derived, unverified, gaps, noncompliant,
                  cpted_coverage_breach_count(cov));
    assert_int_equal(unverified, osm_rows);
    assert_int_equal(osm_rows, 57);
    assert_int_equal(points, 128);
    assert_int_equal(derived, 12);
    assert_int_equal(gaps, 95);
    assert_int_equal(noncompliant, 94);
    assert_true(cpted_coverage_breach_count(cov) > 0);
    cpted_coverage_free(cov);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_options_defaults_and_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_straight_row_all_compliant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_bollard_breach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_curved_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_ring_of_bollards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_perimeter_polygon_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bollards_off_the_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicated_and_overlapping_bollards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wall_end_and_open_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gap_to_building_corner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_derived_rows_from_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_breach_in_a_street, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bypass_round_the_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ratings_weakest_and_unrated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warnings_log_no_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_entry_gaps_without_breaches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_lines_not_assessed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_tolerance_for_wall_gaps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_tolerance_bollard_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drawn_walls_keep_their_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tip_near_a_bend_covers_a_point, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_is_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helsinki_osm_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
