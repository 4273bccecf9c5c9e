/* test_threads.c - contexts used from several threads at once (public API).
 *
 * Eight threads, each with its own context, start together in a fresh
 * process (nothing has registered GDAL's drivers yet) and each runs 20
 * iterations of: open samples/plaza/plaza.gpkg and tests/data/roads.geojson,
 * the free space, standoff and coverage of the plaza for the M1 car, and a
 * standoff write (a GDAL writer). After the threads have joined, the same
 * run once more on the main thread is the reference: every thread's every
 * iteration must give byte-identical JSON and the same free-space areas.
 * scripts/test.sh also runs this program under ThreadSanitizer.
 *
 * Each analysis is one small function so the test follows API changes of
 * one call at a time.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier */

#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <valgrind/valgrind.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define ITERATIONS 20
/* Valgrind runs the threads one at a time and ~40 times slower (scripts/test.sh
 * runs every api test under it): there 4 threads x 2 iterations check the
 * memory, ThreadSanitizer and the plain run check the races. */
#define VALGRIND_THREADS 4
#define VALGRIND_ITERATIONS 2

/* What one run gives; strings from cpted (cpted_free). */
typedef struct outcome {
    int rc;                 /* first failure, CPTED_OK when all went well */
    char where[256];        /* which step failed, and the context's message */
    char *plaza_info;       /* cpted_site_info_json */
    char *roads_info;
    double free_m2, reachable_m2;
    char *standoff;         /* cpted_standoff_to_json */
    char *coverage;         /* cpted_coverage_to_json */
} outcome;

static void outcome_clear(outcome *o)
{
    cpted_free(o->plaza_info);
    cpted_free(o->roads_info);
    cpted_free(o->standoff);
    cpted_free(o->coverage);
    memset(o, 0, sizeof *o);
}

/* Records the first failure of a run. */
static bool step(outcome *o, cpted_context *ctx, int rc, const char *what)
{
    if (rc == CPTED_OK)
        return true;
    if (o->rc == CPTED_OK) {
        o->rc = rc;
        snprintf(o->where, sizeof o->where, "%s: %s", what, cpted_context_last_error(ctx));
    }
    return false;
}

/* Paths are resolved before the threads start: test_*_path use a static buffer. */
static char plaza_path[4096], roads_path[4096];

static int open_one(cpted_site **out, cpted_context *ctx, const char *path)
{
    const char *paths[] = {path};
    return cpted_site_open(out, ctx, paths, 1, NULL);
}

static int run_freespace(outcome *o, cpted_site *site, const cpted_vehicle *v)
{
    cpted_freespace *fs = NULL;
    int rc = cpted_freespace_new(&fs, site, v, NULL);
    if (rc == CPTED_OK)
        rc = cpted_freespace_get_area(&o->free_m2, fs, CPTED_SPACE_FREE);
    if (rc == CPTED_OK)
        rc = cpted_freespace_get_area(&o->reachable_m2, fs, CPTED_SPACE_REACHABLE);
    cpted_freespace_free(fs);
    return rc;
}

/* The standoff, its JSON, and its layers written to `write_path` (NULL: no write). */
static int run_standoff(outcome *o, cpted_site *site, const cpted_vehicle *v,
                        const char *write_path)
{
    cpted_standoff *so = NULL;
    int rc = test_standoff_run(&so, site, v, NULL);
    if (rc == CPTED_OK)
        rc = cpted_standoff_to_json(&o->standoff, so);
    if (rc == CPTED_OK && write_path)
        rc = cpted_standoff_write(so, write_path, "GeoJSON", 1);
    cpted_standoff_free(so);
    return rc;
}

static int run_coverage(outcome *o, cpted_site *site, const cpted_vehicle *v)
{
    cpted_coverage *cov = NULL;
    int rc = test_coverage_run(&cov, site, v, NULL);
    if (rc == CPTED_OK)
        rc = cpted_coverage_to_json(&o->coverage, cov);
    cpted_coverage_free(cov);
    return rc;
}

/* One iteration with its own context, as a plugin's worker thread would do it. */
static void run_once(outcome *o, const char *write_path)
{
    memset(o, 0, sizeof *o);
    cpted_context *ctx = NULL;
    if (cpted_context_new(&ctx) != CPTED_OK) {
        o->rc = CPTED_E_NOMEM;
        snprintf(o->where, sizeof o->where, "cpted_context_new");
        return;
    }
    cpted_site *plaza = NULL, *roads = NULL;
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    if (step(o, ctx, open_one(&plaza, ctx, plaza_path), "open plaza.gpkg") &&
        step(o, ctx, cpted_site_info_json(&o->plaza_info, plaza), "plaza info") &&
        step(o, ctx, open_one(&roads, ctx, roads_path), "open roads.geojson") &&
        step(o, ctx, cpted_site_info_json(&o->roads_info, roads), "roads info") &&
        step(o, ctx, cpted_vehicle_preset(&v, sizeof v, "M1"), "vehicle") &&
        step(o, ctx, run_freespace(o, plaza, &v), "free space") &&
        step(o, ctx, run_standoff(o, plaza, &v, write_path), "standoff"))
        step(o, ctx, run_coverage(o, plaza, &v), "coverage");
    cpted_site_free(roads);
    cpted_site_free(plaza);
    cpted_context_free(ctx);
}

typedef struct worker {
    pthread_t thread;
    int index;
    int iterations;
    pthread_barrier_t *start;
    outcome first;          /* iteration 0 */
    int failures;           /* iterations that failed or differ from iteration 0 */
    char failure[512];      /* the first of them */
} worker;

static bool same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool same_outcome(const outcome *a, const outcome *b)
{
    return a->rc == CPTED_OK && b->rc == CPTED_OK && same_text(a->plaza_info, b->plaza_info) &&
           same_text(a->roads_info, b->roads_info) && a->free_m2 == b->free_m2 &&
           a->reachable_m2 == b->reachable_m2 && same_text(a->standoff, b->standoff) &&
           same_text(a->coverage, b->coverage);
}

static void *work(void *arg)
{
    worker *w = arg;
    char write_path[4200];
    snprintf(write_path, sizeof write_path, "%s/threads_%d.geojson",
             getenv("CPTED_TEST_TMP") ? getenv("CPTED_TEST_TMP") : "/tmp", w->index);
    pthread_barrier_wait(w->start);
    for (int it = 0; it < w->iterations; it++) {
        outcome o;
        run_once(&o, write_path);
        if (it == 0) {
            w->first = o;
            if (o.rc != CPTED_OK) {
                w->failures++;
                snprintf(w->failure, sizeof w->failure, "iteration 0: %s", o.where);
            }
            continue;
        }
        if (!same_outcome(&o, &w->first)) {
            if (!w->failures++)
                snprintf(w->failure, sizeof w->failure, "iteration %d: %s", it,
                         o.rc != CPTED_OK ? o.where : "result differs from iteration 0");
        }
        outcome_clear(&o);
    }
    return NULL;
}

static void test_eight_threads_agree_with_one(void **state)
{
    (void)state;
    snprintf(plaza_path, sizeof plaza_path, "%s", test_sample_path("plaza/plaza.gpkg"));
    snprintf(roads_path, sizeof roads_path, "%s", test_data_path("roads.geojson"));
    int threads = RUNNING_ON_VALGRIND ? VALGRIND_THREADS : THREADS;
    int iterations = RUNNING_ON_VALGRIND ? VALGRIND_ITERATIONS : ITERATIONS;
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)threads), 0);
    worker w[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < threads; i++) {
        w[i].index = i;
        w[i].iterations = iterations;
        w[i].start = &start;
        assert_int_equal(pthread_create(&w[i].thread, NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < threads; i++)
        assert_int_equal(pthread_join(w[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);

    /* The reference: the same run alone, after the threads. */
    outcome ref;
    run_once(&ref, NULL);
    if (ref.rc != CPTED_OK)
        fail_msg("single-threaded run failed: %s", ref.where);
    /* The reference itself is what the analyses give on the plaza (its
     * README): the Town Hall is reachable, the coverage has lines. */
    assert_non_null(strstr(ref.standoff, "\"schema\":\"cpted/standoff/1\""));
    assert_non_null(strstr(ref.standoff, "\"reachable\":true"));
    assert_non_null(strstr(ref.coverage, "\"schema\":\"cpted/coverage/1\""));
    assert_true(ref.free_m2 > 0.0 && ref.reachable_m2 > 0.0 && ref.reachable_m2 <= ref.free_m2);

    int bad = 0;
    for (int i = 0; i < threads; i++) {
        if (w[i].failures) {
            print_error("thread %d: %d of %d iterations failed or differ; first: %s\n", i,
                        w[i].failures, iterations, w[i].failure);
            bad++;
        } else if (!same_outcome(&w[i].first, &ref)) {
            print_error("thread %d: results differ from the single-threaded run\n", i);
            bad++;
        }
        outcome_clear(&w[i].first);
    }
    outcome_clear(&ref);
    assert_int_equal(bad, 0);
}

/* A building of the grid below: the 6 m square at (x0, y0), or with sides > 4
 * the regular polygon of that many sides inscribed in it. */
static unsigned char *grid_building(double x0, double y0, int sides, size_t *n)
{
    if (sides == 4)
        return test_wkb_rect(x0, y0, x0 + 6.0, y0 + 6.0, n);
    double xy[2 * 64];
    for (int k = 0; k < sides && k < 64; k++) {
        double a = 2.0 * 3.14159265358979323846 * k / sides;
        xy[2 * k] = x0 + 3.0 + 3.0 * cos(a);
        xy[2 * k + 1] = y0 + 3.0 + 3.0 * sin(a);
    }
    return test_wkb_polygon(xy, (size_t)sides, n);
}

/* The free space of a 30 x 30 grid of 6 m buildings 4 m apart (900 holes
 * in R, a union of 900 dilated footprints, A's tiled index: all big enough
 * for the threads of cpted_context_set_threads) for 1, 2 and 8 threads:
 * every set's WKB and the standoff of an asset among them byte-identical.
 * Squares, and 24-gons: with those A has 22,500 vertices, so its split into
 * the tiled index runs on the threads too (from 20,000, lib/geom.c). Under
 * ThreadSanitizer (scripts/test.sh) the same runs check the free space's own
 * threads for races. */
static void freespace_threads_same_sets(int sides)
{
    unsigned char *want[CPTED_SPACE_BOUNDARY + 1] = {0};
    char *want_standoff = NULL;
    size_t want_size[CPTED_SPACE_BOUNDARY + 1] = {0};
    const int32_t counts[] = {1, 2, 8};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        cpted_context *ctx = NULL;
        assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
        assert_int_equal(cpted_context_threads(ctx), 1); /* the default */
        assert_int_equal(cpted_context_set_threads(ctx, counts[c]), CPTED_OK);
        assert_int_equal(cpted_context_threads(ctx), counts[c]);
        cpted_site *site = NULL;
        assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
        size_t n = 0;
        /* the builder in a statement of its own: argument order is unspecified */
        unsigned char *wkb = test_wkb_rect(-20, -20, 320, 320, &n);
        test_add(site, "boundary", CPTED_ROLE_BOUNDARY, wkb, n);
        for (int i = 0; i < 30; i++)
            for (int j = 0; j < 30; j++) {
                bool asset = i == 15 && j == 15;
                wkb = grid_building(10.0 * i, 10.0 * j, sides, &n);
                test_add(site, asset ? "assets" : "buildings",
                         asset ? CPTED_ROLE_ASSET : CPTED_ROLE_BUILDING, wkb, n);
            }
        cpted_vehicle v;
        assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
        cpted_freespace *fs = NULL;
        assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
        for (int32_t space = CPTED_SPACE_GROUND; space <= CPTED_SPACE_BOUNDARY; space++) {
            unsigned char *wkb = NULL;
            size_t size = 0;
            assert_int_equal(cpted_freespace_get_wkb(&wkb, &size, fs, space), CPTED_OK);
            if (c == 0) {
                want[space] = wkb;
                want_size[space] = size;
                continue;
            }
            assert_int_equal(size, want_size[space]);
            assert_memory_equal(wkb, want[space], size);
            cpted_free(wkb);
        }
        cpted_standoff *so = NULL;
        char *json = NULL;
        assert_int_equal(cpted_standoff_run(&so, fs, NULL), CPTED_OK);
        assert_int_equal(cpted_standoff_to_json(&json, so), CPTED_OK);
        cpted_standoff_free(so);
        if (c == 0) {
            want_standoff = json;
        } else {
            assert_string_equal(json, want_standoff);
            cpted_free(json);
        }
        double reachable = 0.0;
        assert_int_equal(cpted_freespace_get_area(&reachable, fs, CPTED_SPACE_REACHABLE), CPTED_OK);
        /* the 4 m streets leave 4 - 1.8 + 2 x PASS_TOL for the centre: all reached */
        assert_true(reachable > 340.0 * 340.0 - 900 * 7.8 * 7.8 - 1000.0);
        cpted_freespace_free(fs);
        cpted_site_free(site);
        /* bad counts are refused and the setting kept; 0 is the processors, at most 8 */
        assert_int_equal(cpted_context_set_threads(ctx, -1), CPTED_E_INVALID);
        assert_int_equal(cpted_context_set_threads(ctx, 65), CPTED_E_INVALID);
        assert_int_equal(cpted_context_threads(ctx), counts[c]);
        assert_int_equal(cpted_context_set_threads(ctx, 0), CPTED_OK);
        assert_true(cpted_context_threads(ctx) >= 1 && cpted_context_threads(ctx) <= 8);
        cpted_context_free(ctx);
    }
    assert_int_equal(cpted_context_set_threads(NULL, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_context_threads(NULL), 0);
    for (int32_t space = CPTED_SPACE_GROUND; space <= CPTED_SPACE_BOUNDARY; space++)
        cpted_free(want[space]);
    /* the asset, in a 4 m street grid, is reached (the car is 1.8 m wide) */
    assert_non_null(strstr(want_standoff, "\"reachable\":true"));
    cpted_free(want_standoff);
}

static void test_freespace_threads_same_sets(void **state)
{
    (void)state;
    freespace_threads_same_sets(4);
}

static void test_freespace_threads_same_sets_big_a(void **state)
{
    (void)state;
    freespace_threads_same_sets(24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eight_threads_agree_with_one),
        cmocka_unit_test(test_freespace_threads_same_sets),
        cmocka_unit_test(test_freespace_threads_same_sets_big_a),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
