/* test_lifetimes.c - one free space for many analyses, and freeing in any order.
 *
 * A free space references its site, a result its free space, every object its
 * context: the four (five) objects may be freed in every one of the 24 (120)
 * orders, and a result stays fully usable until it is freed itself (run under
 * ASan: scripts/build.sh build-asan -- -DCPTED_SANITIZE=ON). A site is frozen
 * once a free space was computed from it. Standoff and coverage computed from
 * one shared free space give exactly the documents computed from a free space
 * of their own.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The walled street of test_coverage.c with a line of protection across it
 * (one bollard missing: one breach, one non-compliant gap) and an asset at
 * its north end that requires 25 m. */
static cpted_site *street(cpted_context *ctx)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    size_t n;
    unsigned char *w = test_wkb_rect(-10, -30, 0, 30, &n);
    test_add(site, "buildings", CPTED_ROLE_BUILDING, w, n);
    w = test_wkb_rect(10, -30, 20, 30, &n);
    test_add(site, "buildings", CPTED_ROLE_BUILDING, w, n);
    w = test_wkb_rect(-10, 30, 20, 40, &n);
    test_add_attrs(site, "assets", CPTED_ROLE_ASSET, w, n, "name=Hall", "required_standoff_m=25",
                   NULL);
    w = test_wkb_rect(-10, -30, 20, 40, &n);
    test_add(site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    const double entry[] = {0, -30, 10, -30};
    w = test_wkb_line(entry, 2, &n);
    test_add(site, "entries", CPTED_ROLE_ENTRY, w, n);
    const double perimeter[] = {0, 0, 10, 0};
    w = test_wkb_line(perimeter, 2, &n);
    test_add(site, "perimeter", CPTED_ROLE_PERIMETER, w, n);
    for (int k = 1; k <= 8; k++) {
        if (k == 4)
            continue;
        w = test_wkb_point(1.2 * k - 0.4, 0, &n);
        test_add_attrs(site, "bollards", CPTED_ROLE_BARRIER, w, n, "diameter=0.3",
                       k == 2 ? "rating=not a rating" : "rating=V/7500[N2]/48/90:3.5/10.0", NULL);
    }
    return site;
}

static cpted_vehicle car(void)
{
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    return v;
}

static char *standoff_json(const cpted_standoff *s)
{
    char *text = NULL;
    assert_int_equal(cpted_standoff_to_json(&text, s), CPTED_OK);
    return text;
}

static char *coverage_json(const cpted_coverage *c)
{
    char *text = NULL;
    assert_int_equal(cpted_coverage_to_json(&text, c), CPTED_OK);
    return text;
}

/* ---- the objects of one run, freed in a given order ----------------------------- */

enum { OBJ_CONTEXT, OBJ_SITE, OBJ_FREESPACE, OBJ_STANDOFF, OBJ_COVERAGE, OBJ_COUNT };

typedef struct objects {
    cpted_context *ctx;
    cpted_site *site;
    cpted_freespace *fs;
    cpted_standoff *standoff;
    cpted_coverage *coverage;
} objects;

static void make(objects *o, bool with_standoff, bool with_coverage)
{
    memset(o, 0, sizeof *o);
    assert_int_equal(cpted_context_new(&o->ctx), CPTED_OK);
    o->site = street(o->ctx);
    cpted_vehicle v = car();
    assert_int_equal(cpted_freespace_new(&o->fs, o->site, &v, NULL), CPTED_OK);
    if (with_standoff) {
        cpted_standoff_options so;
        assert_int_equal(cpted_standoff_options_init(&so, sizeof so), CPTED_OK);
        so.charge_kg = 100;
        assert_int_equal(cpted_standoff_run(&o->standoff, o->fs, &so), CPTED_OK);
    }
    if (with_coverage)
        assert_int_equal(cpted_coverage_run(&o->coverage, o->fs, NULL), CPTED_OK);
}

static void free_one(objects *o, int which)
{
    switch (which) {
    case OBJ_CONTEXT:
        cpted_context_free(o->ctx);
        o->ctx = NULL;
        break;
    case OBJ_SITE:
        cpted_site_free(o->site);
        o->site = NULL;
        break;
    case OBJ_FREESPACE:
        cpted_freespace_free(o->fs);
        o->fs = NULL;
        break;
    case OBJ_STANDOFF:
        cpted_standoff_free(o->standoff);
        o->standoff = NULL;
        break;
    case OBJ_COVERAGE:
        cpted_coverage_free(o->coverage);
        o->coverage = NULL;
        break;
    default: fail();
    }
}

/* The k-th permutation (0 <= k < n!) of `items` (n of them), in place. */
static void permutation(int *items, int n, long k)
{
    for (int i = 0; i < n - 1; i++) {
        long f = 1;
        for (int m = 2; m < n - i; m++)
            f *= m;
        int pick = (int)(k / f);
        k %= f;
        int chosen = items[i + pick];
        memmove(items + i + 1, items + i, (size_t)pick * sizeof *items);
        items[i] = chosen;
    }
}

/* Every order of freeing the objects in `kinds`; before each step every live
 * result still gives its whole document, byte for byte, and its site and free
 * space still answer. */
static void free_in_every_order(const int *kinds, int n, const char *ref_standoff,
                                const char *ref_coverage)
{
    long orders = 1;
    for (int m = 2; m <= n; m++)
        orders *= m;
    bool with_standoff = false, with_coverage = false;
    for (int i = 0; i < n; i++) {
        with_standoff |= kinds[i] == OBJ_STANDOFF;
        with_coverage |= kinds[i] == OBJ_COVERAGE;
    }
    for (long k = 0; k < orders; k++) {
        int order[OBJ_COUNT];
        memcpy(order, kinds, (size_t)n * sizeof *order);
        permutation(order, n, k);
        objects o;
        make(&o, with_standoff, with_coverage);
        for (int step = 0; step < n; step++) {
            if (o.standoff) {
                char *text = standoff_json(o.standoff);
                assert_string_equal(text, ref_standoff);
                cpted_free(text);
                cpted_site *site = cpted_standoff_site(o.standoff);
                assert_int_equal(cpted_site_feature_count(site), 13);
                assert_string_equal(cpted_site_feature_id(site, 2), "assets:1");
                double a = 0;
                assert_int_equal(cpted_freespace_get_area(&a, cpted_standoff_freespace(o.standoff),
                                                          CPTED_SPACE_ACCESSIBLE),
                                 CPTED_OK);
                assert_true(a > 0);
            }
            if (o.coverage) {
                char *text = coverage_json(o.coverage);
                assert_string_equal(text, ref_coverage);
                cpted_free(text);
                assert_ptr_equal(cpted_freespace_site(cpted_coverage_freespace(o.coverage)),
                                 cpted_coverage_site(o.coverage));
            }
            free_one(&o, order[step]);
        }
    }
}

static void reference_documents(char **standoff, char **coverage)
{
    objects o;
    make(&o, true, true);
    *standoff = standoff_json(o.standoff);
    *coverage = coverage_json(o.coverage);
    cpted_coverage_free(o.coverage);
    cpted_standoff_free(o.standoff);
    cpted_freespace_free(o.fs);
    cpted_site_free(o.site);
    cpted_context_free(o.ctx);
}

static void test_free_in_every_order(void **state)
{
    (void)state;
    char *ref_s = NULL, *ref_c = NULL;
    reference_documents(&ref_s, &ref_c);
    const int standoff[] = {OBJ_CONTEXT, OBJ_SITE, OBJ_FREESPACE, OBJ_STANDOFF};
    free_in_every_order(standoff, 4, ref_s, ref_c); /* 24 orders */
    const int both[] = {OBJ_CONTEXT, OBJ_SITE, OBJ_FREESPACE, OBJ_STANDOFF, OBJ_COVERAGE};
    free_in_every_order(both, 5, ref_s, ref_c); /* 120 orders, the coverage ones among them */
    cpted_free(ref_s);
    cpted_free(ref_c);
}

/* ---- frozen site ------------------------------------------------------------------ */

static void test_site_frozen_after_freespace(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = street(ctx);
    size_t n;
    unsigned char *w = test_wkb_point(5, -10, &n);
    /* a free space that fails does not freeze the site */
    cpted_vehicle bad = car();
    bad.width_m = -1;
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &bad, NULL), CPTED_E_INVALID);
    int64_t fid = 0;
    assert_int_equal(
        cpted_site_add_wkb(&fid, site, "bollards", CPTED_ROLE_BARRIER, w, n, NULL, NULL, 0),
        CPTED_OK);
    assert_int_equal(fid, 8);
    assert_int_equal(cpted_site_feature_count(site), 14);

    cpted_vehicle v = car();
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    assert_ptr_equal(cpted_freespace_site(fs), site);
    fid = -5;
    assert_int_equal(
        cpted_site_add_wkb(&fid, site, "bollards", CPTED_ROLE_BARRIER, w, n, NULL, NULL, 0),
        CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(ctx),
                        "layer 'bollards': site is frozen: a free space was computed from it "
                        "(add every feature before cpted_freespace_new)");
    assert_int_equal(fid, -5);
    assert_int_equal(cpted_site_feature_count(site), 14);
    /* still frozen when the free space is gone: a result might have been made from it */
    cpted_freespace_free(fs);
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, w, n, NULL, NULL, 0),
        CPTED_E_INVALID);
    free(w);
    cpted_site_free(site);
}

/* ---- one free space, many analyses -------------------------------------------------- */

static void test_one_freespace_for_both_analyses(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = street(ctx);
    cpted_vehicle v = car();
    cpted_standoff_options so;
    assert_int_equal(cpted_standoff_options_init(&so, sizeof so), CPTED_OK);
    so.charge_kg = 100;

    /* each analysis on a free space of its own */
    cpted_freespace *fs1 = NULL, *fs2 = NULL;
    assert_int_equal(cpted_freespace_new(&fs1, site, &v, NULL), CPTED_OK);
    assert_int_equal(cpted_freespace_new(&fs2, site, &v, NULL), CPTED_OK);
    cpted_standoff *s_alone = NULL;
    cpted_coverage *c_alone = NULL;
    assert_int_equal(cpted_standoff_run(&s_alone, fs1, &so), CPTED_OK);
    assert_int_equal(cpted_coverage_run(&c_alone, fs2, NULL), CPTED_OK);

    /* both on one, coverage first, twice each (the caches are reused) */
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &v, NULL), CPTED_OK);
    cpted_coverage *c1 = NULL, *c2 = NULL;
    cpted_standoff *s1 = NULL, *s2 = NULL;
    assert_int_equal(cpted_coverage_run(&c1, fs, NULL), CPTED_OK);
    assert_int_equal(cpted_standoff_run(&s1, fs, &so), CPTED_OK);
    assert_int_equal(cpted_coverage_run(&c2, fs, NULL), CPTED_OK);
    assert_int_equal(cpted_standoff_run(&s2, fs, &so), CPTED_OK);
    assert_ptr_equal(cpted_standoff_freespace(s1), fs);
    assert_ptr_equal(cpted_coverage_freespace(c1), fs);
    assert_ptr_equal(cpted_standoff_site(s1), site);
    assert_ptr_equal(cpted_coverage_site(c1), site);

    char *ref = standoff_json(s_alone);
    char *a = standoff_json(s1), *b = standoff_json(s2);
    assert_string_equal(a, ref);
    assert_string_equal(b, ref);
    cpted_free(ref);
    cpted_free(a);
    cpted_free(b);
    ref = coverage_json(c_alone);
    a = coverage_json(c1);
    b = coverage_json(c2);
    assert_string_equal(a, ref);
    assert_string_equal(b, ref);
    cpted_free(ref);
    cpted_free(a);
    cpted_free(b);

    /* the malformed rating is a warning of each coverage result, once */
    assert_int_equal(cpted_coverage_warning_count(c2), 1);
    assert_non_null(strstr(cpted_coverage_warning(c2, 0), "bollards:2: rating 'not a rating' "
                                                          "not used: "));
    assert_null(cpted_coverage_warning(c2, 1));
    assert_int_equal(cpted_standoff_warning_count(s2), 0);
    assert_null(cpted_standoff_warning(s2, 0));
    assert_int_equal(cpted_freespace_warning_count(fs), 0);
    assert_null(cpted_freespace_warning(fs, 0));
    assert_int_equal(cpted_coverage_warning_count(NULL), 0);
    assert_null(cpted_freespace_site(NULL));

    /* findings: the asset is touched by A (standoff 0 < 25 m), one non-compliant
     * gap (2.1 m) and one crossing */
    assert_int_equal(cpted_standoff_finding_count(s1), 1);
    assert_int_equal(cpted_coverage_finding_count(c1), 2);
    assert_int_equal(cpted_standoff_finding_count(NULL), 0);
    assert_int_equal(cpted_coverage_finding_count(NULL), 0);

    cpted_vehicle back;
    memset(&back, 0, sizeof back);
    back.struct_size = sizeof back;
    assert_int_equal(cpted_freespace_get_vehicle(&back, fs), CPTED_OK);
    assert_memory_equal(&back, &v, sizeof v);
    assert_int_equal(cpted_freespace_get_vehicle(&back, NULL), CPTED_E_INVALID);

    cpted_freespace_free(fs);
    cpted_freespace_free(fs1);
    cpted_freespace_free(fs2);
    cpted_site_free(site);
    cpted_standoff_free(s1);
    cpted_coverage_free(c1);
    cpted_standoff_free(s2);
    cpted_coverage_free(c2);
    cpted_standoff_free(s_alone);
    cpted_coverage_free(c_alone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_in_every_order),
        cmocka_unit_test(test_site_frozen_after_freespace),
        cmocka_unit_test(test_one_freespace_for_both_analyses),
    };
    return cmocka_run_group_tests_name("lifetimes", tests, test_context_setup,
                                       test_context_teardown);
}
