/* test_locale.c - numbers are written and read the same whatever the host's
 * locale (json.c, site.c, osm_tags.c).
 *
 * QGIS and Qt hosts set the process locale from the desktop, e.g.
 * LC_ALL=de_DE.UTF-8, whose decimal separator is a comma: printf("%g", 1.25)
 * gives "1,25" there and strtod stops at "0.2"'s point. This program sets that
 * locale (scripts/setup.sh generates it) and checks that cpted's JSON keeps
 * the point, that "0.2" is still 0.2 and that "0,2" is still not a number,
 * and that cpted leaves the host's locale as it was.
 */
#include "testutil.h"

#include "internal.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8"};

static int set_comma_locale(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof comma_locales / sizeof comma_locales[0]; i++)
        if (setlocale(LC_ALL, comma_locales[i]))
            return 0;
    return 0; /* each test skips, saying why */
}

static int reset_locale(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C");
    return 0;
}

/* Skips unless the comma locale is in force, and proves that it is. */
static void require_comma_locale(void)
{
    char probe[16];
    snprintf(probe, sizeof probe, "%.2f", 1.25);
    if (strcmp(probe, "1,25") != 0) {
        print_message("de_DE.UTF-8 is not available (run scripts/setup.sh, which generates "
                      "it with localedef): locale tests skipped\n");
        skip();
    }
}

static char *json_of(double v)
{
    cpted__json j;
    cpted__json_init(&j);
    cpted__json_begin_array(&j);
    cpted__json_number(&j, v);
    cpted__json_end_array(&j);
    char *out = NULL;
    assert_int_equal(cpted__json_finish(&j, NULL, &out), CPTED_OK);
    return out;
}

static void assert_json_number(double v, const char *expected)
{
    char *text = json_of(v);
    assert_string_equal(text, expected);
    cpted__free(text);
}

static void test_json_numbers_keep_the_point(void **state)
{
    (void)state;
    require_comma_locale();
    assert_json_number(1.25, "[1.25]\n");
    assert_json_number(-0.5, "[-0.5]\n");
    assert_json_number(5800000.125, "[5800000.125]\n");
    assert_json_number(1e-7, "[1e-07]\n");
    assert_json_number(12345678901.5, "[1.23456789e+10]\n"); /* 10 significant digits */
    assert_json_number(3.0, "[3]\n");
    /* The host's locale is untouched: still the comma. */
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5");
}

static void test_numbers_are_read_with_the_point(void **state)
{
    (void)state;
    require_comma_locale();
    double v = 0.0;
    assert_true(cpted__parse_number("0.2", &v));
    assert_true(v == 0.2);
    assert_true(cpted__parse_number(" 12.5 ", &v));
    assert_true(v == 12.5);
    assert_true(cpted__parse_number("1e3", &v));
    assert_true(v == 1000.0);
    v = -1.0;
    assert_false(cpted__parse_number("0,2", &v)); /* a comma is text in every locale */
    assert_false(cpted__parse_number("1,5e2", &v));
    assert_true(v == -1.0);
    /* OSM lengths go through the same reader. */
    assert_true(cpted__osm_length("0.2 m", 1.0, &v));
    assert_true(v == 0.2);
    assert_true(cpted__osm_length("3.5", 1.0, &v));
    assert_true(v == 3.5);
    assert_false(cpted__osm_length("3,5", 1.0, &v));
}

/* Messages and texts (warnings, assumptions) too. */
static void test_messages_keep_the_point(void **state)
{
    (void)state;
    require_comma_locale();
    char *text = cpted__printf("disc of %.2f m, %g kPa", 1.8, 0.25);
    assert_string_equal(text, "disc of 1.80 m, 0.25 kPa");
    cpted__free(text);
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    assert_int_equal(cpted__error(ctx, CPTED_E_INVALID, "width_m = %g", 2.5), CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(ctx), "width_m = 2.5");
    cpted_context_free(ctx);
}

/* Through the public API: an attribute "0.2" is accepted and the site's JSON
 * extent uses points, as in the "extent":[0,5,1,25,...]. */
static void test_site_attributes_and_info_json(void **state)
{
    (void)state;
    require_comma_locale();
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    size_t n;
    unsigned char *wkb = test_wkb_point(0.5, 1.25, &n);
    test_add_attrs(site, "bollards", CPTED_ROLE_BARRIER, wkb, n, "diameter=0.2", NULL);
    wkb = test_wkb_point(10.75, 20.5, &n);
    test_add_attrs(site, "bollards", CPTED_ROLE_BARRIER, wkb, n, "diameter=0.25", NULL);
    assert_int_equal(site->feature_count, 2);
    assert_true(site->features[0].diameter_m == 0.2);
    assert_true(site->features[1].diameter_m == 0.25);

    /* A decimal comma is refused, naming the value. */
    wkb = test_wkb_point(3.0, 3.0, &n);
    const char *keys[] = {"diameter"}, *values[] = {"0,2"};
    assert_int_equal(cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, wkb, n, keys, values, 1),
                     CPTED_E_FORMAT);
    free(wkb);
    assert_non_null(strstr(cpted_context_last_error(ctx), "diameter='0,2'"));

    char *json = NULL;
    assert_int_equal(cpted_site_info_json(&json, site), CPTED_OK);
    assert_non_null(strstr(json, "\"extent\":[0.5,1.25,10.75,20.5]"));
    cpted_free(json);
    cpted_site_free(site);
    cpted_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_numbers_keep_the_point),
        cmocka_unit_test(test_numbers_are_read_with_the_point),
        cmocka_unit_test(test_messages_keep_the_point),
        cmocka_unit_test(test_site_attributes_and_info_json),
    };
    return cmocka_run_group_tests(tests, set_comma_locale, reset_locale);
}
