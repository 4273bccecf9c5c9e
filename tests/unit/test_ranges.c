/* test_ranges.c - cpted__check_range / cpted__in_range (lib/ranges.c): the
 * message a resolver gives for an absurd option value. */
#include "testutil.h"

#include "internal.h"

#include <math.h>

static void test_check_range_message(void **state)
{
    cpted_context *ctx = *state;
    assert_int_equal(cpted__check_range(ctx, "charge_kg", 1e9), CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(ctx),
                        "charge_kg = 1e+09 must be in (0, 100000] kg");
    assert_int_equal(cpted__check_range(ctx, "snap_m", -0.5), CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(ctx), "snap_m = -0.5 must be in [0, 10] m");
    assert_int_equal(cpted__check_range(ctx, "allowable_kpa", 0.2), CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(ctx),
                        "allowable_kpa = 0.2 must be in [0.25, 17000] kPa");
    assert_int_equal(cpted__check_range(ctx, "warp_m", 1.0), CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(ctx), "no validity range for option 'warp_m'");
    assert_int_equal(cpted__check_range(ctx, "charge_kg", 100000.0), CPTED_OK);
}

static void test_bounds(void **state)
{
    (void)state;
    assert_false(cpted__in_range("charge_kg", 0.0));      /* open */
    assert_true(cpted__in_range("charge_kg", 1e-9));
    assert_true(cpted__in_range("charge_kg", 100000.0));  /* closed */
    assert_false(cpted__in_range("charge_kg", 100000.5));
    assert_true(cpted__in_range("snap_m", 0.0));
    assert_true(cpted__in_range("max_gap_m", 5.0));
    assert_false(cpted__in_range("max_gap_m", 0.0));
    assert_false(cpted__in_range("chain_m", 50.01));
    assert_false(cpted__in_range("snap_m", NAN));
    assert_false(cpted__in_range("snap_m", INFINITY));
    assert_false(cpted__in_range(NULL, 1.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_range_message),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
