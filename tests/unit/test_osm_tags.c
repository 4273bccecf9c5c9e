/* test_osm_tags.c - the other_tags hstore text and OSM length values (osm_tags.c). */
#include "testutil.h"

#include "internal.h"

#include <math.h>
#include <string.h>

static void test_hstore_get(void **state)
{
    (void)state;
    const char *tags = "\"width\"=>\"7.5\",\"name\"=>\"Esplanadi \\\"Nord\\\"\",\"lanes\"=>\"2\"";
    char *v = cpted__osm_hstore_get(tags, "width");
    assert_string_equal(v, "7.5");
    cpted__free(v);
    v = cpted__osm_hstore_get(tags, "name");
    assert_string_equal(v, "Esplanadi \"Nord\""); /* escaped quotes */
    cpted__free(v);
    v = cpted__osm_hstore_get(tags, "lanes");
    assert_string_equal(v, "2");
    cpted__free(v);
    assert_null(cpted__osm_hstore_get(tags, "diameter"));
    assert_null(cpted__osm_hstore_get(tags, "wid"));           /* whole keys only */
    assert_null(cpted__osm_hstore_get("", "width"));
    assert_null(cpted__osm_hstore_get("\"width\"=\"7\"", "width")); /* malformed: no => */
    assert_null(cpted__osm_hstore_get("\"width\"=>\"7", "width"));  /* unterminated */
}

static void test_osm_length(void **state)
{
    (void)state;
    double v = 0;
    assert_true(cpted__osm_length("3.5", 1.0, &v) && v == 3.5);
    assert_true(cpted__osm_length("3.5 m", 1.0, &v) && v == 3.5);
    assert_true(cpted__osm_length("120 mm", 1.0, &v) && fabs(v - 0.12) < 1e-12);
    assert_true(cpted__osm_length("12cm", 1.0, &v) && fabs(v - 0.12) < 1e-12);
    assert_true(cpted__osm_length("200", 0.001, &v) && fabs(v - 0.2) < 1e-12); /* diameter in mm */
    assert_false(cpted__osm_length("3-4", 1.0, &v));
    assert_false(cpted__osm_length("wide", 1.0, &v));
    assert_false(cpted__osm_length("0", 1.0, &v));
    assert_false(cpted__osm_length("-2", 1.0, &v));
    assert_false(cpted__osm_length(NULL, 1.0, &v));
    char longtext[100];
    memset(longtext, '9', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    assert_false(cpted__osm_length(longtext, 1.0, &v)); /* longer than any real value */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hstore_get),
        cmocka_unit_test(test_osm_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
