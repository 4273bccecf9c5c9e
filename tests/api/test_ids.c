/* test_ids.c - every feature id is unique within a site (docs/roles.md,
 * "Feature ids"), public API.
 *
 * Two ways the same id came out twice: memory features of one layer with
 * different roles were numbered per role ("cad:1" for a bollard and for an
 * asset), and a GeoJSON whose features repeat an "id" gave all of them that
 * id, so coverage gaps read "between bollards:7 and bollards:7".
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_memory_layer_numbers_through_roles(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    size_t n;
    int64_t fid = 0;
    unsigned char *wkb = test_wkb_point(0, 0, &n);
    assert_int_equal(cpted_site_add_wkb(&fid, site, "cad", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0),
                     CPTED_OK);
    free(wkb);
    assert_int_equal(fid, 1);
    wkb = test_wkb_rect(10, 10, 20, 20, &n);
    assert_int_equal(cpted_site_add_wkb(&fid, site, "cad", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
                     CPTED_OK);
    free(wkb);
    assert_int_equal(fid, 2);
    wkb = test_wkb_point(3, 0, &n);
    assert_int_equal(cpted_site_add_wkb(&fid, site, "cad", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0),
                     CPTED_OK);
    free(wkb);
    assert_int_equal(fid, 3);
    /* A rejected feature takes no number: its layer has no group yet. */
    wkb = test_wkb_point(4, 0, &n);
    assert_int_equal(cpted_site_add_wkb(&fid, site, "other", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
                     CPTED_E_GEOMETRY);
    free(wkb);
    wkb = test_wkb_point(5, 0, &n);
    assert_int_equal(cpted_site_add_wkb(&fid, site, "other", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0),
                     CPTED_OK);
    free(wkb);
    assert_int_equal(fid, 1);

    assert_int_equal(cpted_site_feature_count(site), 4);
    assert_string_equal(cpted_site_feature_id(site, 0), "cad:1");
    assert_string_equal(cpted_site_feature_id(site, 1), "cad:2");
    assert_string_equal(cpted_site_feature_id(site, 2), "cad:3");
    assert_string_equal(cpted_site_feature_id(site, 3), "other:1");
    /* Still two layer groups for cad (one per role). */
    assert_int_equal(cpted_site_layer_count(site), 3);
    cpted_site_free(site);
}

/* Three bollards 3 m apart along a line, all with "id": 7, then one with
 * "id": 8 and one more with 7: the first keeps bollards:7, the others get the
 * smallest free suffix. */
static const char duplicate_ids[] =
    "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\n"
    " \"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::25832\"}},\n"
    " \"features\":[\n"
    "  {\"type\":\"Feature\",\"id\":7,\"properties\":{\"diameter\":0.2},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500000,5800000]}},\n"
    "  {\"type\":\"Feature\",\"id\":7,\"properties\":{\"diameter\":0.2},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500003,5800000]}},\n"
    "  {\"type\":\"Feature\",\"id\":7,\"properties\":{\"diameter\":0.2},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500006,5800000]}},\n"
    "  {\"type\":\"Feature\",\"id\":8,\"properties\":{\"diameter\":0.2},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500009,5800000]}},\n"
    "  {\"type\":\"Feature\",\"id\":7,\"properties\":{\"diameter\":0.2},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500012,5800000]}}]}\n";

static void test_duplicate_geojson_ids_get_suffixes(void **state)
{
    cpted_context *ctx = *state;
    const char *path = test_tmp_path("ids_duplicate.geojson");
    test_write_file(path, duplicate_ids);
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx, &path, 1, NULL), CPTED_OK);
    assert_int_equal(cpted_site_feature_count(site), 5);
    assert_string_equal(cpted_site_feature_id(site, 0), "bollards:7");
    assert_string_equal(cpted_site_feature_id(site, 1), "bollards:7#2");
    assert_string_equal(cpted_site_feature_id(site, 2), "bollards:7#3");
    assert_string_equal(cpted_site_feature_id(site, 3), "bollards:8");
    assert_string_equal(cpted_site_feature_id(site, 4), "bollards:7#4");

    /* The coverage of the derived row names the two bollards of each gap. */
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_coverage *cov = NULL;
    assert_int_equal(test_coverage_run(&cov, site, &v, NULL), CPTED_OK);
    char *json = NULL;
    assert_int_equal(cpted_coverage_to_json(&json, cov), CPTED_OK);
    assert_non_null(strstr(json, "\"between\":[\"bollards:7\",\"bollards:7#2\"]"));
    assert_non_null(strstr(json, "\"between\":[\"bollards:7#2\",\"bollards:7#3\"]"));
    assert_non_null(strstr(json, "\"between\":[\"bollards:7#3\",\"bollards:8\"]"));
    assert_non_null(strstr(json, "\"between\":[\"bollards:8\",\"bollards:7#4\"]"));
    assert_null(strstr(json, "\"between\":[\"bollards:7\",\"bollards:7\"]"));
    cpted_free(json);
    cpted_coverage_free(cov);
    cpted_site_free(site);
}

/* The same file twice: the second copy's ids take the file's stem as before
 * (ids of a (source, layer) never collide with another's), and within each
 * copy the duplicates get their suffixes. */
static void test_duplicate_ids_in_a_repeated_source(void **state)
{
    cpted_context *ctx = *state;
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp_path("ids_duplicate.geojson"));
    test_write_file(path, duplicate_ids);
    const char *paths[] = {path, path};
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx, paths, 2, NULL), CPTED_OK);
    assert_int_equal(cpted_site_feature_count(site), 10);
    assert_string_equal(cpted_site_feature_id(site, 5), "ids_duplicate/bollards:7");
    assert_string_equal(cpted_site_feature_id(site, 6), "ids_duplicate/bollards:7#2");
    assert_string_equal(cpted_site_feature_id(site, 9), "ids_duplicate/bollards:7#4");
    for (size_t i = 0; i < 10; i++)
        for (size_t j = i + 1; j < 10; j++)
            assert_string_not_equal(cpted_site_feature_id(site, i), cpted_site_feature_id(site, j));
    cpted_site_free(site);
}

/* The set of ids is freed once a site is read (a district's worth) and made
 * again from the features when one is added later: the file's ids stay as
 * they were, the new ones are numbered on, and all stay unique. */
static void test_ids_after_open_stay_unique(void **state)
{
    cpted_context *ctx = *state;
    const char *path = test_tmp_path("ids_after_open.geojson");
    test_write_file(path, duplicate_ids);
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx, &path, 1, NULL), CPTED_OK);
    size_t n;
    int64_t fid = 0;
    for (int k = 0; k < 2; k++) {
        unsigned char *wkb = test_wkb_point(500020 + k, 5800000, &n);
        assert_int_equal(cpted_site_add_wkb(&fid, site, "bollards", CPTED_ROLE_BARRIER, wkb, n,
                                            NULL, NULL, 0),
                         CPTED_OK);
        free(wkb);
        assert_int_equal(fid, k + 1);
    }
    assert_int_equal(cpted_site_feature_count(site), 7);
    assert_string_equal(cpted_site_feature_id(site, 1), "bollards:7#2");
    assert_string_equal(cpted_site_feature_id(site, 4), "bollards:7#4");
    assert_string_equal(cpted_site_feature_id(site, 5), "memory/bollards:1");
    assert_string_equal(cpted_site_feature_id(site, 6), "memory/bollards:2");
    for (size_t i = 0; i < 7; i++)
        for (size_t j = i + 1; j < 7; j++)
            assert_string_not_equal(cpted_site_feature_id(site, i), cpted_site_feature_id(site, j));
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_layer_numbers_through_roles),
        cmocka_unit_test(test_duplicate_geojson_ids_get_suffixes),
        cmocka_unit_test(test_duplicate_ids_in_a_repeated_source),
        cmocka_unit_test(test_ids_after_open_stay_unique),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
