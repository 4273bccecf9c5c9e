/* test_ranges.c - the plausible ranges of the analysis options (public API,
 * docs/ranges.md): values, bounds, and that each range stays where the models
 * are valid. */
#include "testutil.h"

#include <math.h>
#include <string.h>

typedef struct expected_range {
    const char *name;
    double lo, hi;
    int32_t lo_in, hi_in;
    const char *unit;
} expected_range;

static const expected_range expected[] = {
    {"charge_kg", 0.0, 100000.0, 0, 1, "kg"},
    {"allowable_kpa", 0.25, 17000.0, 1, 1, "kPa"},
    {"max_gap_m", 0.0, 5.0, 0, 1, "m"},
    {"snap_m", 0.0, 10.0, 1, 1, "m"},
    {"chain_m", 0.0, 50.0, 0, 1, "m"},
    {"spacing_m", 0.1, 100.0, 1, 1, "m"},
    {"cell_m", 0.1, 5.0, 1, 1, "m"},
    {"headings", 8.0, 128.0, 1, 1, "headings"},
    {"window_m", 20.0, 5000.0, 1, 1, "m"},
    {"entry_speed_kmh", 0.0, 250.0, 1, 1, "km/h"},
};

static void test_each_range(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        const expected_range *e = &expected[i];
        double lo = NAN, hi = NAN;
        int32_t lo_in = -1, hi_in = -1;
        const char *unit = NULL;
        assert_int_equal(cpted_option_range(e->name, &lo, &hi, &lo_in, &hi_in, &unit), CPTED_OK);
        assert_true(lo == e->lo && hi == e->hi);
        assert_int_equal(lo_in, e->lo_in);
        assert_int_equal(hi_in, e->hi_in);
        assert_string_equal(unit, e->unit);
        /* every out-parameter may be NULL */
        assert_int_equal(cpted_option_range(e->name, NULL, NULL, NULL, NULL, NULL), CPTED_OK);
    }
}

static void test_unknown_and_null_names(void **state)
{
    (void)state;
    double lo = 7.0;
    assert_int_equal(cpted_option_range("charge", &lo, NULL, NULL, NULL, NULL), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_option_range("", &lo, NULL, NULL, NULL, NULL), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_option_range(NULL, &lo, NULL, NULL, NULL, NULL), CPTED_E_INVALID);
    assert_true(lo == 7.0); /* untouched on failure */
}

/* The allowable-pressure range lies inside the incident-pressure fit: the
 * required standoff exists at both ends, for the smallest and largest charge. */
static void test_allowable_range_inside_the_fit(void **state)
{
    (void)state;
    double lo, hi, charge_hi, r = NAN;
    assert_int_equal(cpted_option_range("allowable_kpa", &lo, &hi, NULL, NULL, NULL), CPTED_OK);
    assert_int_equal(cpted_option_range("charge_kg", NULL, &charge_hi, NULL, NULL, NULL),
                     CPTED_OK);
    const double charges[] = {0.001, 1.0, charge_hi};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(cpted_blast_standoff_for(&r, charges[i], lo), CPTED_OK);
        assert_true(r > 0);
        assert_int_equal(cpted_blast_standoff_for(&r, charges[i], hi), CPTED_OK);
        assert_true(r > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_range),
        cmocka_unit_test(test_unknown_and_null_names),
        cmocka_unit_test(test_allowable_range_inside_the_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
