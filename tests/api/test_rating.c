/* test_rating.c - barrier rating strings: every accepted variant with every
 * field asserted, every rejection with its reason, struct_size and NULLs.
 * Expected values: domain.md §1.1-1.4 and docs/ratings.md. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NA NAN /* absent number */
#define MPH 1.609344

typedef struct valid_case {
    const char *text;
    int32_t standard;
    const char *method;
    const char *vehicle_class;
    double mass_kg, speed_kmh, angle_deg, penetration_m, dispersion_m;
    const char *category;
} valid_case;

/* NaN must match NaN, +inf +inf; everything else exactly (the parser's
 * numbers come from exact decimal literals or one multiplication). */
static void assert_same(double got, double want, const char *text, const char *field)
{
    int same = isnan(want) ? isnan(got) : got == want;
    if (!same)
        fail_msg("%s: %s = %.17g, expected %.17g", text, field, got, want);
}

static const valid_case valid[] = {
    /* PAS 68 / IWA 14-1 / ISO 22343-1 (domain.md §1.4) */
    {"V/7500[N2]/48/90:3.5/10.0", CPTED_RATING_PAS68, "V", "N2", 7500, 48, 90, 3.5, 10.0, ""},
    {"V/7200[N3C]/80/90:1.1", CPTED_RATING_IWA14, "V", "N3C", 7200, 80, 90, 1.1, NA, ""},
    {"V/7500(N2)/80/90:0/25", CPTED_RATING_PAS68, "V", "N2", 7500, 80, 90, 0, 25, ""},
    {"V/30000(N3)/80/90:3.30", CPTED_RATING_PAS68, "V", "N3", 30000, 80, 90, 3.3, NA, ""},
    {"V/1500[M1]/48/90:0.0", CPTED_RATING_PAS68, "V", "M1", 1500, 48, 90, 0, NA, ""},
    {"V/7200[N2A]/48/90:0.0", CPTED_RATING_IWA14, "V", "N2A", 7200, 48, 90, 0, NA, ""},
    {"V/7500[N3]/80/90:10.5", CPTED_RATING_PAS68, "V", "N3", 7500, 80, 90, 10.5, NA, ""},
    /* round brackets are PAS 68 even with an IWA class (detection rule) */
    {"V/7200(N3C)/64/90:1.3", CPTED_RATING_PAS68, "V", "N3C", 7200, 64, 90, 1.3, NA, ""},
    /* whitespace, lower case, simulation method */
    {"  v / 7500 [ n2 ] / 48 / 90 : 3.5 / 10.0  ", CPTED_RATING_PAS68, "V", "N2", 7500, 48, 90, 3.5,
     10.0, ""},
    {"F/2500[N1G]/64/30:7.25", CPTED_RATING_IWA14, "F", "N1G", 2500, 64, 30, 7.25, NA, ""},
    {"P/1500(M1)/32/45:0.5/1.5", CPTED_RATING_PAS68, "P", "M1", 1500, 32, 45, 0.5, 1.5, ""},
    /* PAS 68:2007 form without an angle */
    {"V/7500(N2)/48:3.5/10.0", CPTED_RATING_PAS68, "V", "N2", 7500, 48, NA, 3.5, 10.0, ""},
    {"PAS 68:2007 V/7500(N2)/48:3.5", CPTED_RATING_PAS68, "V", "N2", 7500, 48, NA, 3.5, NA, ""},
    /* prefixes decide the standard */
    {"PAS 68:2010 V/7200[N3C]/80/90:1.1", CPTED_RATING_PAS68, "V", "N3C", 7200, 80, 90, 1.1, NA,
     ""},
    {"PAS68 V/7500[N2]/48/90:3.5/10.0", CPTED_RATING_PAS68, "V", "N2", 7500, 48, 90, 3.5, 10.0, ""},
    {"IWA 14-1:2013 V/7200[N3C]/80/90:1.1", CPTED_RATING_IWA14, "V", "N3C", 7200, 80, 90, 1.1, NA,
     ""},
    {"IWA14 V/7500[N2]/48/90:2", CPTED_RATING_IWA14, "V", "N2", 7500, 48, 90, 2, NA, ""},
    {"ISO 22343-1:2023 V/7200[N3C]/80/90:1.1", CPTED_RATING_ISO22343, "V", "N3C", 7200, 80, 90, 1.1,
     NA, ""},
    {"iso 22343 V/12000[N3D]/64/90:4", CPTED_RATING_ISO22343, "V", "N3D", 12000, 64, 90, 4, NA, ""},
    /* trailing foundation class, accepted and dropped */
    {"V/7200[N3C]/80/90:1.1 A", CPTED_RATING_IWA14, "V", "N3C", 7200, 80, 90, 1.1, NA, ""},
    {"V/7200[N3C]/80/90:1.1/Ap", CPTED_RATING_IWA14, "V", "N3C", 7200, 80, 90, 1.1, NA, ""},
    {"V/7500[N2]/48/90:3.5/10.0/B", CPTED_RATING_PAS68, "V", "N2", 7500, 48, 90, 3.5, 10.0, ""},
    {"V/7500[N2]/48/90:3.5/10.0 / A", CPTED_RATING_PAS68, "V", "N2", 7500, 48, 90, 3.5, 10.0, ""},
    {"V/7500[N2]/48/90:3.5/10.0 c", CPTED_RATING_PAS68, "V", "N2", 7500, 48, 90, 3.5, 10.0, ""},
    /* ASTM F2656: class masses (domain.md §1.2), mph -> km/h, P-category bound */
    {"M50/P1", CPTED_RATING_ASTM_F2656, "V", "M", 6800, 50 * MPH, 90, 1.0, NA, "P1"},
    {"PU60/P2", CPTED_RATING_ASTM_F2656, "V", "PU", 2300, 60 * MPH, 90, 7.0, NA, "P2"},
    {"C40/P3", CPTED_RATING_ASTM_F2656, "V", "C", 1100, 40 * MPH, 90, 30.0, NA, "P3"},
    {"FS50", CPTED_RATING_ASTM_F2656, "V", "FS", 2100, 50 * MPH, 90, NA, NA, ""},
    {"H30/P1", CPTED_RATING_ASTM_F2656, "V", "H", 29500, 30 * MPH, 90, 1.0, NA, "P1"},
    {"C7 40/P2", CPTED_RATING_ASTM_F2656, "V", "C7", 7200, 40 * MPH, 90, 7.0, NA, "P2"},
    {"C740/P2", CPTED_RATING_ASTM_F2656, "V", "C7", 7200, 40 * MPH, 90, 7.0, NA, "P2"},
    {"M30/P4", CPTED_RATING_ASTM_F2656, "V", "M", 6800, 30 * MPH, 90, INFINITY, NA, "P4"},
    {"M50 / P1", CPTED_RATING_ASTM_F2656, "V", "M", 6800, 50 * MPH, 90, 1.0, NA, "P1"},
    {"M50-P1", CPTED_RATING_ASTM_F2656, "V", "M", 6800, 50 * MPH, 90, 1.0, NA, "P1"},
    {"M50 P1", CPTED_RATING_ASTM_F2656, "V", "M", 6800, 50 * MPH, 90, 1.0, NA, "P1"},
    {"ASTM M40/P2", CPTED_RATING_ASTM_F2656, "V", "M", 6800, 40 * MPH, 90, 7.0, NA, "P2"},
    {"ASTM F2656 pu50", CPTED_RATING_ASTM_F2656, "V", "PU", 2300, 50 * MPH, 90, NA, NA, ""},
    {"ASTM F2656-15 M50/P1", CPTED_RATING_ASTM_F2656, "V", "M", 6800, 50 * MPH, 90, 1.0, NA, "P1"},
    {"F2656M-18a C60/P1", CPTED_RATING_ASTM_F2656, "V", "C", 1100, 60 * MPH, 90, 1.0, NA, "P1"},
    /* DoS K ratings: 6,800 kg at 30/40/50 mph; L in feet; Rev A (no L) 3 ft */
    {"K4", CPTED_RATING_DOS_K, "V", "M", 6800, 30 * MPH, 90, 0.9144, NA, ""},
    {"K8/L2", CPTED_RATING_DOS_K, "V", "M", 6800, 40 * MPH, 90, 6.096, NA, "L2"},
    {"K12/L3", CPTED_RATING_DOS_K, "V", "M", 6800, 50 * MPH, 90, 0.9144, NA, "L3"},
    {"K12", CPTED_RATING_DOS_K, "V", "M", 6800, 50 * MPH, 90, 0.9144, NA, ""},
    {"DoS K4/L1", CPTED_RATING_DOS_K, "V", "M", 6800, 30 * MPH, 90, 15.24, NA, "L1"},
    {"DoS SD-STD-02.01 k8", CPTED_RATING_DOS_K, "V", "M", 6800, 40 * MPH, 90, 0.9144, NA, ""},
};

static void test_valid_strings(void **state)
{
    cpted_context *ctx = *state;
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        const valid_case *c = &valid[i];
        cpted_rating r;
        memset(&r, 0xab, sizeof r); /* garbage: every field must be written */
        r.struct_size = sizeof r;
        int rc = cpted_rating_parse(&r, ctx, c->text);
        if (rc != CPTED_OK)
            fail_msg("%s: status %d (%s)", c->text, rc, cpted_context_last_error(ctx));
        assert_int_equal(r.struct_size, sizeof r);
        if (r.standard != c->standard)
            fail_msg("%s: standard %d, expected %d", c->text, r.standard, c->standard);
        assert_string_equal(r.method, c->method);
        assert_string_equal(r.vehicle_class, c->vehicle_class);
        assert_string_equal(r.category, c->category);
        assert_same(r.mass_kg, c->mass_kg, c->text, "mass_kg");
        assert_same(r.speed_kmh, c->speed_kmh, c->text, "speed_kmh");
        assert_same(r.angle_deg, c->angle_deg, c->text, "angle_deg");
        assert_same(r.penetration_m, c->penetration_m, c->text, "penetration_m");
        assert_same(r.dispersion_m, c->dispersion_m, c->text, "dispersion_m");
    }
}

/* Hand-computed anchors for the conversions, so the table above is not
 * only the parser's own arithmetic: 50 mph = 80.4672 km/h, 20 ft = 6.096 m. */
static void test_unit_conversions(void **state)
{
    cpted_context *ctx = *state;
    cpted_rating r = {.struct_size = sizeof r};
    assert_int_equal(cpted_rating_parse(&r, ctx, "M50/P1"), CPTED_OK);
    assert_near(r.speed_kmh, 80.4672, 1e-12);
    assert_int_equal(cpted_rating_parse(&r, ctx, "K4/L2"), CPTED_OK);
    assert_near(r.speed_kmh, 48.28032, 1e-12);
    assert_near(r.penetration_m, 6.096, 1e-12);
    assert_int_equal(cpted_rating_parse(&r, ctx, "C7 60"), CPTED_OK);
    assert_near(r.speed_kmh, 96.56064, 1e-12);
    assert_int_equal(cpted_rating_parse(&r, ctx, "H50/P4"), CPTED_OK);
    assert_true(isinf(r.penetration_m) && r.penetration_m > 0);
}

typedef struct bad_case {
    const char *text;
    const char *reason; /* substring of the context error */
} bad_case;

static const bad_case bad[] = {
    /* domain.md §1.4: slash instead of colon */
    {"PAS68:2010 V/7500[N3C]/80/90.0/1.1/0",
     "expected ':' before the penetration, found '/' at character 31 (\"/1.1/0\")"},
    {"", "empty rating string"},
    {"   ", "empty rating string"},
    /* missing fields */
    {"V/7500[N2]/48", "expected '/' and the impact angle after the impact speed (at the end"},
    {"V/7500[N2]/48/90", "expected ':' before the penetration (at the end"},
    {"V/7500[N2]/48/90:", "missing penetration (at the end"},
    {"V/7500[N2]/48/90:3.5/", "missing the dispersion after '/'"},
    {"V/7500/48/90:3.5", "missing the vehicle class in [] or () after the test mass"},
    {"V//48/90:3.5", "missing test mass at character 3"},
    {"V/7500[]/48/90:1", "missing the vehicle class inside '['"},
    {"V/7500[N2]//90:1", "missing impact speed at character 12"},
    {"V", "not a rating"},
    /* non-numeric numbers */
    {"V/75OO[N2]/48/90:3.5", "unexpected 'O' after the test mass \"75\" at character 5"},
    {"V/7500[N2]/fast/90:3.5", "impact speed is not a number"},
    {"V/7500[N2]/48/90:3,5", "penetration uses a decimal comma"},
    {"V/7500[N2]/48/90:1e2", "unexpected 'e' after the penetration \"1\""},
    {"V/7500[N2]/48/90:inf", "penetration is not a number"},
    {"V/7500[N2]/48/90:3.5.1", "unexpected '.' after the penetration \"3.5\""},
    {"V/7500[N2]/48/90:0x10", "unexpected 'x' after the penetration \"0\""},
    {"V/7500[N2]/48/90:3.", "unexpected '.' after the penetration \"3\""},
    {"V/7500[N2]/48/90:1234567890123456", "penetration has too many digits"},
    /* negative, zero and absurd values */
    {"V/-7500[N2]/48/90:3.5", "negative test mass at character 3"},
    {"V/7500[N2]/48/90:-1", "negative penetration"},
    {"V/7500[N2]/48/90:1/-2", "negative dispersion"},
    {"V/0[N2]/48/90:1", "test mass must be greater than 0 kg"},
    {"V/7500[N2]/0/90:1", "impact speed must be greater than 0 km/h"},
    {"V/7500[N2]/48/0:1", "impact angle must be greater than 0 deg"},
    {"V/7500[N2]/48/95:1", "impact angle 95 deg is above 90 deg"},
    {"V/150000[N2]/48/90:1", "test mass 150000 kg is above 100000 kg"},
    {"V/7500[N2]/250/90:1", "impact speed 250 km/h is above 200 km/h"},
    {"V/7500[N2]/48/90:1500", "penetration 1500 m is above 1000 m"},
    /* brackets */
    {"V/7500[N2)/48/90:1", "unbalanced brackets: '[' closed by ')'"},
    {"V/7500(N2]/48/90:1", "unbalanced brackets: '(' closed by ']'"},
    {"V/7500[N2/48/90:1", "missing ']' after the vehicle class"},
    {"V/7500N2]/48/90:1", "unexpected 'N' after the test mass \"7500\" at character 7"},
    {"V/7500 N2]/48/90:1",
     "expected '[' or '(' and the vehicle class after the test mass, found 'N'"},
    {"V/7500[X9]/48/90:1", "unknown vehicle class \"X9\""},
    /* trailing garbage */
    {"V/7500[N2]/48/90:3.5/10.0 extra", "unexpected text after the rating"},
    {"V/7500[N2]/48/90:3.5/10.0/A B", "unexpected text after the rating"},
    {"V/7500[N2]/48/90:3.5/X", "expected the dispersion or a foundation class"},
    {"V/7500[N2]/48/90:3.5/10/Q", "expected a foundation class (A, Ap, B, C) after the dispersion"},
    {"V/7500[N2]/48/90:3.5A", "unexpected 'A' after the penetration \"3.5\""},
    {"M50/P1 x", "unexpected text after the rating"},
    {"M50P1", "unexpected text after the ASTM F2656 designation"},
    /* angle required except in PAS 68:2005/2007 */
    {"V/7200[N3C]/80:1.1",
     "missing the impact angle (only PAS 68:2005/2007 strings omit it; this is IWA 14-1)"},
    {"PAS 68:2013 V/7500[N2]/48:3.5", "missing the impact angle"},
    {"PAS 68:2010 P/1500[M1]/48/90:1", "method P (pendulum) was dropped in PAS 68:2010"},
    /* prefixes */
    {"PAS 68:2011 V/7500[N2]/48/90:1", "PAS 68 has no 2011 edition"},
    {"PAS 68:10 V/7500[N2]/48/90:1", "expected a four-digit edition year"},
    {"IWA 14-2 V/7200[N3C]/80/90:1.1", "only part 1 of IWA 14 defines ratings"},
    {"PAS 68", "missing the rating after the standard \"PAS 68\""},
    {"PAS68V/7500[N2]/48/90:1", "expected a space after the standard \"PAS68\""},
    {"ASTM F2656-16 M50/P1", "unknown ASTM F2656 edition"},
    {"PAS 68 M50/P1", "an ASTM F2656 designation after the prefix of PAS 68"},
    {"ASTM V/7500[N2]/48/90:1", "after the prefix of ASTM F2656"},
    {"IWA14 K12", "a DoS K rating after the prefix of IWA 14-1"},
    /* ASTM and DoS */
    {"M45/P1", "ASTM F2656 speed 45 mph is not one of 30, 40, 50, 60"},
    {"M/P1", "missing the speed in mph after the ASTM vehicle class M"},
    {"M50/P5", "unknown ASTM F2656 penetration category P5"},
    {"M50/L3", "expected the ASTM F2656 penetration category P1..P4"},
    {"M50/", "missing the penetration category (P1..P4)"},
    {"X50/P1", "not a rating"},
    {"K10", "DoS ratings are K4, K8 and K12"},
    {"K12/L4", "unknown DoS penetration category L4"},
    {"K12/P1", "expected the DoS penetration category L1..L3"},
    {"12/L3", "a rating starts with a method letter"},
};

static void test_malformed_strings(void **state)
{
    cpted_context *ctx = *state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cpted_rating r = {.struct_size = sizeof r};
        int rc = cpted_rating_parse(&r, ctx, bad[i].text);
        const char *msg = cpted_context_last_error(ctx);
        if (rc != CPTED_E_FORMAT)
            fail_msg("\"%s\": status %d, expected CPTED_E_FORMAT", bad[i].text, rc);
        if (!strstr(msg, bad[i].reason))
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", bad[i].text, msg, bad[i].reason);
        char quoted[256];
        snprintf(quoted, sizeof quoted, "rating \"%s\": ", bad[i].text);
        if (strncmp(msg, quoted, strlen(quoted)) != 0)
            fail_msg("\"%s\": message \"%s\" does not quote the string", bad[i].text, msg);
        /* a rejected string leaves nothing half-parsed */
        assert_int_equal(r.standard, CPTED_RATING_UNKNOWN);
        assert_string_equal(r.method, "");
        assert_string_equal(r.vehicle_class, "");
        assert_string_equal(r.category, "");
        assert_true(isnan(r.mass_kg) && isnan(r.speed_kmh) && isnan(r.angle_deg));
        assert_true(isnan(r.penetration_m) && isnan(r.dispersion_m));
    }
}

static void test_long_string_is_quoted_shortened(void **state)
{
    cpted_context *ctx = *state;
    char text[300];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    memcpy(text, "V/7500[N2]/48/90:1 ", 19);
    cpted_rating r = {.struct_size = sizeof r};
    assert_int_equal(cpted_rating_parse(&r, ctx, text), CPTED_E_FORMAT);
    const char *msg = cpted_context_last_error(ctx);
    assert_non_null(strstr(msg, "xxx...\": unexpected text after the rating at character 20"));
    assert_true(strlen(msg) < 250);
}

static void test_null_context_still_rejects(void **state)
{
    (void)state;
    cpted_rating r = {.struct_size = sizeof r};
    assert_int_equal(cpted_rating_parse(&r, NULL, "V/7500[N2]/48/90:3.5/10.0"), CPTED_OK);
    assert_true(r.mass_kg == 7500.0);
    assert_int_equal(cpted_rating_parse(&r, NULL, "V/7500[N2]/48/90/3.5"), CPTED_E_FORMAT);
    assert_true(isnan(r.mass_kg));
}

static void test_null_arguments(void **state)
{
    cpted_context *ctx = *state;
    cpted_rating r = {.struct_size = sizeof r};
    assert_int_equal(cpted_rating_parse(NULL, ctx, "M50/P1"), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "out is NULL"));
    assert_int_equal(cpted_rating_parse(NULL, NULL, "M50/P1"), CPTED_E_INVALID);
    r.mass_kg = 1.0;
    assert_int_equal(cpted_rating_parse(&r, ctx, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "text is NULL"));
    assert_true(isnan(r.mass_kg)); /* cleared */
}

static void test_struct_size(void **state)
{
    cpted_context *ctx = *state;
    cpted_rating r = {.struct_size = 0};
    assert_int_equal(cpted_rating_parse(&r, ctx, "M50/P1"), CPTED_E_VERSION);
    r.struct_size = (uint32_t)offsetof(cpted_rating, category);
    assert_int_equal(cpted_rating_parse(&r, ctx, "M50/P1"), CPTED_E_VERSION);
    assert_non_null(strstr(cpted_context_last_error(ctx), "cpted_rating"));

    /* a newer caller's larger struct: accepted when the unknown tail is zero */
    struct {
        cpted_rating r;
        double future[2];
    } big;
    memset(&big, 0, sizeof big);
    big.r.struct_size = sizeof big;
    assert_int_equal(cpted_rating_parse(&big.r, ctx, "K12/L3"), CPTED_OK);
    assert_int_equal(big.r.struct_size, sizeof big);
    assert_int_equal(big.r.standard, CPTED_RATING_DOS_K);
    assert_true(big.future[0] == 0.0 && big.future[1] == 0.0);
    big.future[1] = 1.0;
    assert_int_equal(cpted_rating_parse(&big.r, ctx, "K12/L3"), CPTED_E_VERSION);
}

static void test_standard_names(void **state)
{
    (void)state;
    assert_string_equal(cpted_rating_standard_name(CPTED_RATING_UNKNOWN), "unknown");
    assert_string_equal(cpted_rating_standard_name(CPTED_RATING_PAS68), "PAS 68");
    assert_string_equal(cpted_rating_standard_name(CPTED_RATING_IWA14), "IWA 14-1");
    assert_string_equal(cpted_rating_standard_name(CPTED_RATING_ISO22343), "ISO 22343-1");
    assert_string_equal(cpted_rating_standard_name(CPTED_RATING_ASTM_F2656), "ASTM F2656");
    assert_string_equal(cpted_rating_standard_name(CPTED_RATING_DOS_K), "DoS SD-STD-02.01");
    assert_string_equal(cpted_rating_standard_name(99), "unknown");
    assert_string_equal(cpted_rating_standard_name(-1), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_strings),
        cmocka_unit_test(test_unit_conversions),
        cmocka_unit_test(test_malformed_strings),
        cmocka_unit_test(test_long_string_is_quoted_shortened),
        cmocka_unit_test(test_null_context_still_rejects),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_struct_size),
        cmocka_unit_test(test_standard_names),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
