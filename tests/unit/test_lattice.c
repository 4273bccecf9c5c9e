/*
 * test_lattice.c - the state lattice of the vehicle dynamics assessment
 * (lib/lattice.c) on its own: its fixed point does not depend on the order in
 * which the states are expanded.
 *
 * The lattice used to keep, per state, the pose of the fastest arrival; a
 * later, faster arrival could then replace a pose that had more ways on, and
 * sweeping the headings in another order changed the plaza's answers by
 * -13.7 % .. +9.5 % (docs/method-vda.md §3). A state is now a fixed point of
 * its heading's lattice and a label only a speed, so label-correcting ends at
 * the largest speed over all lattice paths whatever the order: here the same
 * site is searched sweeping forward, backward (headings and states reversed)
 * and with two threads, and every arrival must be the same to the bit.
 *
 * The site: an 80 x 56 m square with a 40 x 20 m block in the middle (a ring
 * with two routes round the block) and two staggered 3 x 3 m obstacles on the
 * south side (a chicane), as the reachable space R directly; an M1 car.
 */
#include "internal.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static const char *RING_WKT =
    "POLYGON ((0 0, 80 0, 80 56, 0 56, 0 0),"
    " (20 18, 60 18, 60 38, 20 38, 20 18),"
    " (33 4, 36 4, 36 7, 33 7, 33 4),"
    " (44 9, 47 9, 47 12, 44 12, 44 9))";

static cpted_vehicle car(void)
{
    cpted_vehicle k;
    memset(&k, 0, sizeof k);
    k.struct_size = sizeof k;
    k.mass_kg = 1500;
    k.width_m = 1.8;
    k.a0_mps2 = 3.5;
    k.vmax_mps = 50;
    k.lateral_friction = 0.6;
    k.min_turn_radius_m = 5.5;
    return k;
}

#define NGOAL 60

typedef struct answers {
    cpted__lattice_hit hit[NGOAL];
    bool found[NGOAL];
} answers;

/* Goals every 8 m over the site, no side: the fastest arrival at each. */
static void search(cpted_context *ctx, const GEOSGeometry *reach, bool reverse, int threads,
                   answers *out)
{
    const double window[4] = {0, 0, 80, 56};
    cpted_vehicle k = car();
    cpted__lattice *L = NULL;
    assert_int_equal(cpted__lattice_new(&L, ctx, reach, window, 1.0, 32, k.min_turn_radius_m,
                                        k.vmax_mps * k.vmax_mps / (0.6 * 9.80665)),
                     CPTED_OK);
    cpted__lattice_set_reverse(L, reverse);
    assert_int_equal(cpted__lattice_set_kinematics(L, &k), CPTED_OK);
    assert_int_equal(cpted__lattice_search(L, NULL, 0, threads), CPTED_OK);
    int g = 0;
    for (int j = 0; j < 6; j++)
        for (int i = 0; i < 10; i++, g++) {
            cpted__lattice_goal goal = {4.0 + 8.0 * i, 3.0 + 9.5 * j, 0.0, false, 0, 0};
            out->found[g] = cpted__lattice_best_arrival(L, &goal, &out->hit[g]);
        }
    cpted__lattice_free(L);
}

static void test_order_does_not_change_the_answer(void **state)
{
    (void)state;
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *reach = GEOSWKTReader_read_r(ctx->geos, rd, RING_WKT);
    assert_non_null(reach);
    static answers fwd, back, two;
    search(ctx, reach, false, 1, &fwd);
    search(ctx, reach, true, 1, &back);
    search(ctx, reach, false, 2, &two);
    int reached = 0;
    double fastest = 0;
    for (int g = 0; g < NGOAL; g++) {
        assert_int_equal(fwd.found[g], back.found[g]);
        assert_int_equal(fwd.found[g], two.found[g]);
        if (!fwd.found[g])
            continue;
        reached++;
        /* the same speed to the bit, whatever the order or the threads */
        assert_true(fwd.hit[g].v_mps == back.hit[g].v_mps);
        assert_true(fwd.hit[g].v_mps == two.hit[g].v_mps);
        /* two threads reproduce the one-thread order: the same path too */
        assert_true(fwd.hit[g].state == two.hit[g].state);
        assert_true(fwd.hit[g].runup_m == two.hit[g].runup_m);
        assert_true(fwd.hit[g].v_mps > 0 && fwd.hit[g].v_mps <= 50.0 + 1e-4);
        fastest = fmax(fastest, fwd.hit[g].v_mps);
    }
    /* the goals inside the block and the obstacles are not reached */
    assert_true(reached >= 45 && reached < NGOAL);
    /* round the ring a car goes beyond a straight's speed: the longest
     * straight in the square (the diagonals are cut by the block; along the
     * 80 m south side s^-1(78.2 m) = 71.6 km/h) is beaten by circling */
    assert_true(fastest * 3.6 > 71.6);
    GEOSGeom_destroy_r(ctx->geos, reach);
    GEOSWKTReader_destroy_r(ctx->geos, rd);
    cpted_context_free(ctx);
}

/* The path drawn for an arrival starts at a standstill start (or at the point
 * a start behind a wall was given) and its length is the run-up reported
 * (the rest of the way to the goal is straight). */
static void test_path_is_the_runup(void **state)
{
    (void)state;
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *reach = GEOSWKTReader_read_r(ctx->geos, rd, RING_WKT);
    const double window[4] = {0, 0, 80, 56};
    cpted_vehicle k = car();
    cpted__lattice *L = NULL;
    assert_int_equal(cpted__lattice_new(&L, ctx, reach, window, 1.0, 32, 5.5, 425.0), CPTED_OK);
    assert_int_equal(cpted__lattice_set_kinematics(L, &k), CPTED_OK);
    assert_int_equal(cpted__lattice_search(L, NULL, 0, 1), CPTED_OK);
    cpted__lattice_goal goal = {70.0, 8.0, 0.0, false, 0, 0};
    cpted__lattice_hit hit;
    assert_true(cpted__lattice_best_arrival(L, &goal, &hit));
    double *xy = NULL;
    size_t n = 0;
    assert_int_equal(cpted__lattice_path(L, hit.state, goal.x, goal.y, &xy, &n), CPTED_OK);
    assert_true(n >= 3);
    double len = 0;
    for (size_t i = 0; i + 1 < n; i++)
        len += hypot(xy[2 * i + 2] - xy[2 * i], xy[2 * i + 3] - xy[2 * i + 1]);
    /* the last leg to the goal is drawn straight from the state, as the rest is
     * computed: the drawn length equals the run-up */
    assert_true(fabs(len - hit.runup_m) < 1e-6 * len);
    /* and it lies in the square */
    for (size_t i = 0; i < n; i++)
        assert_true(xy[2 * i] > -0.5 && xy[2 * i] < 80.5 && xy[2 * i + 1] > -0.5 &&
                    xy[2 * i + 1] < 56.5);
    cpted__free(xy);
    cpted__lattice_free(L);
    GEOSGeom_destroy_r(ctx->geos, reach);
    GEOSWKTReader_destroy_r(ctx->geos, rd);
    cpted_context_free(ctx);
}

/* A lattice sharing another's geometry (cpted__lattice_share) with labels of
 * its own, keeping speeds only (the band's searches): the same speeds to the
 * bit as the full lattice, forward and reversed (a speeds-only search skips
 * arcs at re-expansions that a search keeping paths tries again, and takes no
 * equal-speed ties), no run-up or path, and searching it leaves the full
 * lattice's labels as they were. */
static void test_speeds_only_same_speeds(void **state)
{
    (void)state;
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *reach = GEOSWKTReader_read_r(ctx->geos, rd, RING_WKT);
    const double window[4] = {0, 0, 80, 56};
    cpted_vehicle k = car();
    cpted__lattice *L = NULL, *S[2] = {NULL, NULL};
    assert_int_equal(cpted__lattice_new(&L, ctx, reach, window, 1.0, 32, 5.5, 425.0), CPTED_OK);
    assert_int_equal(cpted__lattice_set_kinematics(L, &k), CPTED_OK);
    assert_int_equal(cpted__lattice_search(L, NULL, 0, 1), CPTED_OK);
    static cpted__lattice_hit full[NGOAL];
    static bool found[NGOAL];
    for (int g = 0; g < NGOAL; g++) {
        cpted__lattice_goal goal = {4.0 + 8.0 * (g % 10), 3.0 + 9.5 * (g / 10), 0.0, false, 0, 0};
        found[g] = cpted__lattice_best_arrival(L, &goal, &full[g]);
    }
    for (int r = 0; r < 2; r++) {
        assert_int_equal(cpted__lattice_share(&S[r], L), CPTED_OK);
        assert_int_equal(cpted__lattice_speeds_only(S[r]), CPTED_OK);
        cpted__lattice_set_reverse(S[r], r == 1);
        assert_int_equal(cpted__lattice_set_kinematics(S[r], &k), CPTED_OK);
        assert_int_equal(cpted__lattice_search(S[r], NULL, 0, 1), CPTED_OK);
    }
    int reached = 0;
    for (int g = 0; g < NGOAL; g++) {
        cpted__lattice_goal goal = {4.0 + 8.0 * (g % 10), 3.0 + 9.5 * (g / 10), 0.0, false, 0, 0};
        cpted__lattice_hit again;
        assert_int_equal(cpted__lattice_best_arrival(L, &goal, &again), found[g]);
        for (int r = 0; r < 2; r++) {
            cpted__lattice_hit h;
            assert_int_equal(cpted__lattice_best_arrival(S[r], &goal, &h), found[g]);
            if (!found[g])
                continue;
            assert_true(h.v_mps == full[g].v_mps);
            assert_true(isnan(h.runup_m));
        }
        if (!found[g])
            continue;
        reached++;
        assert_true(again.v_mps == full[g].v_mps && again.runup_m == full[g].runup_m &&
                    again.state == full[g].state);
    }
    assert_true(reached >= 45);
    double *xy = NULL;
    size_t n = 0;
    int g0 = 0;
    while (!found[g0])
        g0++;
    assert_int_equal(cpted__lattice_path(S[0], full[g0].state, 1, 1, &xy, &n), CPTED_E_INVALID);
    assert_null(xy);
    cpted__lattice_free(S[1]);
    cpted__lattice_free(S[0]);
    cpted__lattice_free(L);
    GEOSGeom_destroy_r(ctx->geos, reach);
    GEOSWKTReader_destroy_r(ctx->geos, rd);
    cpted_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_does_not_change_the_answer),
        cmocka_unit_test(test_path_is_the_runup),
        cmocka_unit_test(test_speeds_only_same_speeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
