/* test_vehicle.c - vehicle presets, validation and kinematics (public API).
 *
 * Expected values are worked by hand from domain.md: §9 (preset table and the
 * M1 sanity check), §2.3 (curve skid speeds), §1.5 (kinetic energy table) and
 * the closed form of architecture.md §4.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#define KMH (1.0 / 3.6)

static cpted_vehicle preset(const char *code)
{
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, code), CPTED_OK);
    return v;
}

static double distance(const cpted_vehicle *v, double v0, double v1)
{
    double s = NAN;
    assert_int_equal(cpted_vehicle_distance_to_speed(&s, v, v0, v1), CPTED_OK);
    return s;
}

static double speed_after(const cpted_vehicle *v, double v0, double s)
{
    double out = NAN;
    assert_int_equal(cpted_vehicle_speed_after(&out, v, v0, s), CPTED_OK);
    return out;
}

/* ---- presets ---------------------------------------------------------- */

static void test_preset_table_values(void **state)
{
    (void)state;
    /* domain.md §9 */
    cpted_vehicle m1 = preset("M1");
    assert_string_equal(m1.class_code, "M1");
    assert_int_equal(m1.struct_size, sizeof m1);
    assert_near(m1.mass_kg, 1500, 0);
    assert_near(m1.width_m, 1.8, 0);
    assert_near(m1.length_m, 4.6, 0);
    assert_near(m1.a0_mps2, 3.5, 0);
    assert_near(m1.vmax_mps, 180 * KMH, 1e-12);
    assert_near(m1.lateral_friction, 0.6, 0);
    assert_near(m1.braking_mps2, 6.5, 0);
    assert_near(m1.min_turn_radius_m, 5.5, 0);

    cpted_vehicle n3f = preset("N3F");
    assert_near(n3f.mass_kg, 30000, 0);
    assert_near(n3f.width_m, 2.55, 0);
    assert_near(n3f.length_m, 16.5, 0);
    assert_near(n3f.a0_mps2, 0.9, 0);
    assert_near(n3f.vmax_mps, 85 * KMH, 1e-12);
    assert_near(n3f.braking_mps2, 4.0, 0);
    assert_near(n3f.min_turn_radius_m, 12.5, 0);

    /* verified masses, domain.md §1.2 */
    static const struct {
        const char *code;
        double mass_kg;
    } masses[] = {{"N1G", 2500},  {"N1", 3500},  {"N2A", 7200}, {"N2B", 7200}, {"N3C", 7200},
                  {"N3D", 12000}, {"N3E", 30000}, {"C", 1100},  {"FS", 2100},  {"PU", 2300},
                  {"M", 6800},    {"C7", 7200},  {"H", 29500}};
    for (size_t i = 0; i < sizeof masses / sizeof masses[0]; i++) {
        cpted_vehicle v = preset(masses[i].code);
        assert_near(v.mass_kg, masses[i].mass_kg, 0);
    }
}

static void test_preset_list_and_descriptions(void **state)
{
    cpted_context *ctx = *state;
    assert_int_equal(cpted_vehicle_preset_count(), 15);
    for (size_t i = 0; i < cpted_vehicle_preset_count(); i++) {
        const char *code = cpted_vehicle_preset_code(i);
        const char *desc = cpted_vehicle_preset_description(i);
        assert_non_null(code);
        assert_non_null(desc);
        /* every description states the mass status and the defaults */
        assert_true(strstr(desc, "[V]") || strstr(desc, "[M]"));
        assert_non_null(strstr(desc, "engineering default"));
        cpted_vehicle v = preset(code);
        assert_string_equal(v.class_code, code);
        assert_int_equal(cpted_vehicle_validate(ctx, &v), CPTED_OK);
        /* braking split of domain.md §9: cars/vans 6.5, trucks 4 */
        assert_near(v.braking_mps2, v.mass_kg <= 3500 ? 6.5 : 4.0, 0);
    }
    assert_null(cpted_vehicle_preset_code(cpted_vehicle_preset_count()));
    assert_null(cpted_vehicle_preset_description(cpted_vehicle_preset_count()));
}

static void test_preset_lookup_spellings(void **state)
{
    (void)state;
    cpted_vehicle v;
    assert_string_equal(preset("m1").class_code, "M1");
    assert_string_equal(preset("n3c").class_code, "N3C");
    v = preset("ASTM-M");
    assert_string_equal(v.class_code, "M");
    assert_near(v.mass_kg, 6800, 0);
    assert_string_equal(preset("astm pu").class_code, "PU");
    assert_string_equal(preset("Astm_C7").class_code, "C7");
    assert_string_equal(preset("ASTMH").class_code, "H");
    /* the ASTM prefix only selects ASTM vehicles */
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "ASTM-M1"), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "N4"), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, ""), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1 "), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_preset(NULL, sizeof v, "M1"), CPTED_E_INVALID);
}

static void test_preset_struct_size(void **state)
{
    (void)state;
    struct newer {
        cpted_vehicle v;
        double future_field;
    } big;
    memset(&big, 0, sizeof big);
    assert_int_equal(cpted_vehicle_preset(&big.v, sizeof big, "N1"), CPTED_OK);
    assert_near(big.v.mass_kg, 3500, 0);
    assert_int_equal(big.v.struct_size, sizeof big);
    assert_near(big.future_field, 0.0, 0); /* not written */
    big.future_field = 1.0;                /* a newer field this library cannot honour */
    assert_int_equal(cpted_vehicle_preset(&big.v, sizeof big, "N1"), CPTED_E_VERSION);

    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v - 8, "M1"), CPTED_E_VERSION);
    assert_int_equal(cpted_vehicle_preset(&v, 0, "M1"), CPTED_E_VERSION);
}

/* ---- validation ------------------------------------------------------- */

static void expect_invalid(cpted_context *ctx, const cpted_vehicle *v, const char *field,
                           const char *value)
{
    assert_int_equal(cpted_vehicle_validate(ctx, v), CPTED_E_INVALID);
    const char *msg = cpted_context_last_error(ctx);
    if (!strstr(msg, field) || !strstr(msg, value))
        fail_msg("message '%s' should name %s and %s", msg, field, value);
}

static void test_validate_names_field_and_value(void **state)
{
    cpted_context *ctx = *state;
    cpted_vehicle base = preset("N2A"), v;

    v = base, v.mass_kg = 0;
    expect_invalid(ctx, &v, "mass_kg", "0");
    v = base, v.mass_kg = 250000;
    expect_invalid(ctx, &v, "mass_kg", "250000");
    v = base, v.width_m = 6.5;
    expect_invalid(ctx, &v, "width_m", "6.5");
    v = base, v.width_m = 7.5; /* wider than long (7.0) and absurd */
    expect_invalid(ctx, &v, "width_m", "7.5");
    v = base, v.width_m = 3.0, v.length_m = 2.9;
    expect_invalid(ctx, &v, "length_m", "2.9");
    v = base, v.length_m = -1;
    expect_invalid(ctx, &v, "length_m", "-1");
    v = base, v.a0_mps2 = NAN;
    expect_invalid(ctx, &v, "a0_mps2", "nan");
    v = base, v.vmax_mps = 150;
    expect_invalid(ctx, &v, "vmax_mps", "150");
    v = base, v.vmax_mps = INFINITY;
    expect_invalid(ctx, &v, "vmax_mps", "inf");
    v = base, v.lateral_friction = 2.5;
    expect_invalid(ctx, &v, "lateral_friction", "2.5");
    v = base, v.lateral_friction = 0;
    expect_invalid(ctx, &v, "lateral_friction", "0");
    v = base, v.braking_mps2 = -4;
    expect_invalid(ctx, &v, "braking_mps2", "-4");
    v = base, v.min_turn_radius_m = -0.5;
    expect_invalid(ctx, &v, "min_turn_radius_m", "-0.5");

    v = base, v.lateral_friction = 1.5, v.min_turn_radius_m = 0; /* bounds are inclusive */
    assert_int_equal(cpted_vehicle_validate(ctx, &v), CPTED_OK);
    v = base, v.width_m = 1.0, v.mass_kg = 500, v.length_m = 30, v.min_turn_radius_m = 25;
    assert_int_equal(cpted_vehicle_validate(ctx, &v), CPTED_OK);
    v = base, v.vmax_mps = 250 / 3.6, v.a0_mps2 = 10, v.braking_mps2 = 12;
    assert_int_equal(cpted_vehicle_validate(ctx, &v), CPTED_OK);

    /* absurd values are refused with their plausible range (docs/vehicles.md) */
    v = base, v.width_m = 0.01;
    assert_int_equal(cpted_vehicle_validate(ctx, &v), CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(ctx),
                        "vehicle N2A: width_m = 0.01 must be in [1, 3.5] m (from the narrowest "
                        "car to a wide load; the legal maximum is about 2.55 m)");
    v = base, v.mass_kg = 499;
    expect_invalid(ctx, &v, "mass_kg = 499 must be in [500, 100000] kg", "499");
    v = base, v.lateral_friction = 1.6;
    expect_invalid(ctx, &v, "lateral_friction = 1.6 must be in (0, 1.5] (", "1.6");
    v = base, v.vmax_mps = 70;
    expect_invalid(ctx, &v, "vmax_mps = 70 must be in (0, 69.4444] m/s (250 km/h)", "70");
    v = base, v.a0_mps2 = 10.5;
    expect_invalid(ctx, &v, "a0_mps2 = 10.5 must be in (0, 10] m/s2", "10.5");
    v = base, v.min_turn_radius_m = 26;
    expect_invalid(ctx, &v, "min_turn_radius_m = 26 must be in [0, 25] m", "26");
    v = base, v.length_m = 31;
    expect_invalid(ctx, &v, "length_m = 31 must be in [2, 30] m", "31");
    v = base, v.braking_mps2 = 13;
    expect_invalid(ctx, &v, "braking_mps2 = 13 must be in (0, 12] m/s2", "13");

    v = base;
    memset(v.class_code, 'X', sizeof v.class_code);
    expect_invalid(ctx, &v, "class_code", "NUL");

    v = base, v.struct_size = 4;
    assert_int_equal(cpted_vehicle_validate(ctx, &v), CPTED_E_VERSION);
    assert_int_equal(cpted_vehicle_validate(ctx, NULL), CPTED_E_INVALID);
    v = base, v.mass_kg = -1;
    assert_int_equal(cpted_vehicle_validate(NULL, &v), CPTED_E_INVALID);
}

/* ---- straight-line kinematics ---------------------------------------- */

static void test_m1_reaches_48_kmh_after_31_m(void **state)
{
    (void)state;
    cpted_vehicle m1 = preset("M1");
    /* s = (vmax/a0)[-v - vmax ln(1 - v/vmax)], vmax = 50 m/s, a0 = 3.5 m/s2:
     * 48 km/h: 14.285714 * (-13.333333 + 50 * 0.310154928) = 31.063044 m */
    assert_near(distance(&m1, 0, 48 * KMH), 31.063044, 1e-6);
    assert_near(distance(&m1, 0, 32 * KMH), 12.833428, 1e-6);
    assert_near(distance(&m1, 0, 64 * KMH), 59.865074, 1e-6);
    assert_near(distance(&m1, 0, 80 * KMH), 102.387300, 1e-6);
    /* and back */
    assert_near(speed_after(&m1, 0, 31.063044026552) * 3.6, 48.0, 1e-9);
    /* a run from 32 to 48 km/h is the difference of the two run-ups */
    assert_near(distance(&m1, 32 * KMH, 48 * KMH), 31.063044026552 - 12.833428105941, 1e-9);
    assert_near(distance(&m1, 20, 20), 0.0, 0);
}

static void test_small_speeds_match_constant_acceleration(void **state)
{
    (void)state;
    cpted_vehicle m1 = preset("M1");
    /* s = v^2/(2 a0) (1 + 2/3 u + 1/2 u^2 + ...), u = v/vmax: the closed form
     * must not lose these digits to cancellation. */
    double v = 1e-4, u = v / 50.0;
    double expect = v * v / (2 * 3.5) * (1 + 2.0 / 3.0 * u + 0.5 * u * u);
    assert_near(distance(&m1, 0, v) / expect, 1.0, 1e-12);
    assert_near(speed_after(&m1, 0, expect) / v, 1.0, 1e-12);
    /* from speed v0, a short step ds gives dv = a(v0) ds / v0 */
    double v0 = 10.0, ds = 1e-6, a = 3.5 * (1 - v0 / 50.0);
    assert_near((speed_after(&m1, v0, ds) - v0) / (a * ds / v0), 1.0, 1e-6);
}

static void test_round_trips_every_preset(void **state)
{
    (void)state;
    static const double fractions[] = {1e-6, 0.01, 0.1, 0.3, 0.5, 0.9, 0.99, 0.999999};
    for (size_t i = 0; i < cpted_vehicle_preset_count(); i++) {
        cpted_vehicle veh = preset(cpted_vehicle_preset_code(i));
        for (size_t j = 0; j < sizeof fractions / sizeof fractions[0]; j++) {
            for (int k = 0; k < 2; k++) {
                double v0 = k ? 0.2 * fractions[j] * veh.vmax_mps : 0.0;
                double v = fractions[j] * veh.vmax_mps;
                double s = distance(&veh, v0, v);
                double back = speed_after(&veh, v0, s);
                if (fabs(back - v) > 1e-9 * v)
                    fail_msg("%s: v0 %.9g v %.9g -> s %.9g -> %.12g", veh.class_code, v0, v, s,
                             back);
            }
        }
    }
}

static void test_monotone_and_bounded(void **state)
{
    (void)state;
    cpted_vehicle n3e = preset("N3E");
    double prev_v = 0.0, prev_s = 0.0;
    for (double s = 0.5; s < 5000.0; s *= 1.3) {
        double v = speed_after(&n3e, 0, s);
        assert_true(v > prev_v);
        assert_true(v < n3e.vmax_mps);
        prev_v = v;
    }
    for (double f = 0.01; f < 1.0; f += 0.01) {
        double s = distance(&n3e, 0, f * n3e.vmax_mps);
        assert_true(s > prev_s);
        prev_s = s;
    }
    /* a very long run-up approaches vmax and never passes it */
    double v = speed_after(&n3e, 0, 1e7);
    assert_true(v <= n3e.vmax_mps);
    assert_near(v, n3e.vmax_mps, 1e-9 * n3e.vmax_mps);
    assert_near(speed_after(&n3e, 5.0, 0.0), 5.0, 0);
}

static void test_kinematics_errors(void **state)
{
    (void)state;
    cpted_vehicle m1 = preset("M1");
    double out = 0;
    assert_int_equal(cpted_vehicle_distance_to_speed(&out, &m1, 0, m1.vmax_mps), CPTED_E_RANGE);
    assert_int_equal(cpted_vehicle_distance_to_speed(&out, &m1, 0, 60), CPTED_E_RANGE);
    assert_int_equal(cpted_vehicle_distance_to_speed(&out, &m1, 10, 5), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_distance_to_speed(&out, &m1, -1, 5), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_distance_to_speed(&out, &m1, 0, NAN), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_distance_to_speed(NULL, &m1, 0, 5), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_distance_to_speed(&out, NULL, 0, 5), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_speed_after(&out, &m1, 0, -1), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_speed_after(&out, &m1, 0, NAN), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_speed_after(&out, &m1, 0, INFINITY), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_speed_after(&out, &m1, m1.vmax_mps, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_speed_after(&out, &m1, -0.1, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_speed_after(NULL, &m1, 0, 1), CPTED_E_INVALID);
    cpted_vehicle bad = m1;
    bad.a0_mps2 = 0;
    assert_int_equal(cpted_vehicle_speed_after(&out, &bad, 0, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_distance_to_speed(&out, &bad, 0, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_corner_speed(&out, &bad, 10), CPTED_E_INVALID);
}

/* ---- corners and energy ----------------------------------------------- */

static void test_corner_speeds(void **state)
{
    (void)state;
    cpted_vehicle v = preset("M1");
    v.min_turn_radius_m = 0;
    /* domain.md §2.3, v = 3.6 sqrt(f g r) km/h with g = 9.80665 m/s2.
     * f = 0.6, r 5/10/15/25/50 m -> 19.526/27.615/33.821/43.662/61.748 km/h
     * (domain.md prints 19.5/27.6/33.8/43.7/61.8: its last value is rounded up). */
    static const double r[] = {5, 10, 15, 25, 50};
    static const double kmh[] = {19.526458, 27.614581, 33.820817, 43.662487, 61.748081};
    double out = 0;
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(cpted_vehicle_corner_speed(&out, &v, r[i]), CPTED_OK);
        assert_near(out * 3.6, kmh[i], 1e-5);
    }
    /* f = 1.0 (unknown surface): 25.2/35.7/43.7/56.4/79.7 km/h */
    v.lateral_friction = 1.0;
    static const double kmh1[] = {25.208549, 35.650271, 43.662487, 56.368028, 79.716430};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(cpted_vehicle_corner_speed(&out, &v, r[i]), CPTED_OK);
        assert_near(out * 3.6, kmh1[i], 1e-5);
    }
    /* tighter than the minimum turning radius: crawl; straight or huge: vmax */
    cpted_vehicle m1 = preset("M1");
    assert_int_equal(cpted_vehicle_corner_speed(&out, &m1, 5.0), CPTED_OK);
    assert_near(out, CPTED_CRAWL_SPEED_MPS, 0);
    assert_int_equal(cpted_vehicle_corner_speed(&out, &m1, 5.5), CPTED_OK);
    assert_near(out, sqrt(0.6 * 9.80665 * 5.5), 1e-12);
    assert_int_equal(cpted_vehicle_corner_speed(&out, &m1, INFINITY), CPTED_OK);
    assert_near(out, m1.vmax_mps, 0);
    assert_int_equal(cpted_vehicle_corner_speed(&out, &m1, 1e6), CPTED_OK);
    assert_near(out, m1.vmax_mps, 0);
    assert_int_equal(cpted_vehicle_corner_speed(&out, &m1, -1), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_corner_speed(&out, &m1, NAN), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_corner_speed(NULL, &m1, 10), CPTED_E_INVALID);
    assert_int_equal(cpted_vehicle_corner_speed(&out, NULL, 10), CPTED_E_INVALID);
}

static void test_kinetic_energy_table(void **state)
{
    (void)state;
    /* domain.md §1.5, kJ rounded to the unit */
    static const double speeds_kmh[] = {32, 48, 64, 80, 96, 112};
    static const struct {
        double mass_kg;
        double kj[6];
        int n;
    } rows[] = {
        {1500, {59, 133, 237, 370, 533, 726}, 6},
        {2500, {99, 222, 395, 617, 889, 1210}, 6},
        {3500, {138, 311, 553, 864, 1244, 1694}, 6},
        {6800, {269, 604, 1075, 1679, 0, 0}, 4},
        {7200, {284, 640, 1138, 1778, 0, 0}, 4},
        {7500, {296, 667, 1185, 1852, 0, 0}, 4},
        {30000, {1185, 2667, 4741, 7407, 0, 0}, 4},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (int j = 0; j < rows[i].n; j++) {
            double e = 0;
            assert_int_equal(cpted_kinetic_energy(&e, rows[i].mass_kg, speeds_kmh[j] * KMH),
                             CPTED_OK);
            assert_near(e / 1000.0, rows[i].kj[j], 0.5);
        }
    }
    double e = -1;
    /* exactly 1/2 m v^2: 1500 kg at 10 m/s = 75 kJ, 7500 kg at 20 m/s = 1.5 MJ */
    assert_int_equal(cpted_kinetic_energy(&e, 1500, 10), CPTED_OK);
    assert_true(e == 75000.0);
    assert_int_equal(cpted_kinetic_energy(&e, 7500, 20), CPTED_OK);
    assert_true(e == 1500000.0);
    assert_int_equal(cpted_kinetic_energy(&e, 1500, 0), CPTED_OK);
    assert_near(e, 0, 0);
    assert_int_equal(cpted_kinetic_energy(&e, 0, 10), CPTED_E_INVALID);
    assert_int_equal(cpted_kinetic_energy(&e, -5, 10), CPTED_E_INVALID);
    assert_int_equal(cpted_kinetic_energy(&e, 1500, -1), CPTED_E_INVALID);
    assert_int_equal(cpted_kinetic_energy(&e, NAN, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_kinetic_energy(&e, 1500, INFINITY), CPTED_E_INVALID);
    assert_int_equal(cpted_kinetic_energy(NULL, 1500, 1), CPTED_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preset_table_values),
        cmocka_unit_test(test_preset_list_and_descriptions),
        cmocka_unit_test(test_preset_lookup_spellings),
        cmocka_unit_test(test_preset_struct_size),
        cmocka_unit_test(test_validate_names_field_and_value),
        cmocka_unit_test(test_m1_reaches_48_kmh_after_31_m),
        cmocka_unit_test(test_small_speeds_match_constant_acceleration),
        cmocka_unit_test(test_round_trips_every_preset),
        cmocka_unit_test(test_monotone_and_bounded),
        cmocka_unit_test(test_kinematics_errors),
        cmocka_unit_test(test_corner_speeds),
        cmocka_unit_test(test_kinetic_energy_table),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
