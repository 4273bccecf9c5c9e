/* test_site_memory.c - a site built from memory (cpted_site_new + cpted_site_add_wkb),
 * its accessors and the cpted/info/1 JSON. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static cpted_site *new_site(cpted_context *ctx)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, "EPSG:25832"), CPTED_OK);
    return site;
}

static void test_new_rejects_bad_crs(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(NULL, ctx, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_new(&site, ctx, "EPSG:4326"), CPTED_E_CRS); /* not metric */
    assert_null(site);
    assert_int_equal(cpted_site_new(&site, ctx, "no such crs"), CPTED_E_CRS);
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK); /* local metres */
    assert_string_equal(cpted_site_crs(site), "");
    assert_string_equal(cpted_site_output_crs(site), "");
    cpted_site_free(site);
}

static void test_add_and_read_back(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    size_t n;
    unsigned char *wkb = test_wkb_rect(10, 20, 30, 50, &n);
    const char *keys[] = {"name", "required_standoff_m", "colour"};
    const char *values[] = {"Town Hall", "30", "red"};
    int64_t fid = 0;
    assert_int_equal(cpted_site_add_wkb(site, "assets", CPTED_ROLE_ASSET, wkb, n, keys, values, 3, &fid),
                     CPTED_OK);
    free(wkb);
    assert_int_equal(fid, 1);
    wkb = test_wkb_point(5, 5, &n);
    test_add_attrs(site, "bollards", CPTED_ROLE_BARRIER, wkb, n,
                   "diameter=0.3", "rating=V/7500[N2]/48/90:1.1", NULL);
    wkb = test_wkb_point(6.5, 5, &n);
    test_add(site, "bollards", CPTED_ROLE_BARRIER, wkb, n);

    assert_int_equal(cpted_site_feature_count(site), 3);
    assert_string_equal(cpted_site_feature_id(site, 0), "assets:1");
    assert_string_equal(cpted_site_feature_id(site, 2), "bollards:2");
    assert_int_equal(cpted_site_feature_role(site, 1), CPTED_ROLE_BARRIER);
    assert_string_equal(cpted_site_feature_text(site, 0, "name"), "Town Hall");
    assert_null(cpted_site_feature_text(site, 0, "colour")); /* not kept */
    assert_string_equal(cpted_site_feature_text(site, 1, "rating"), "V/7500[N2]/48/90:1.1");
    double v = 0;
    assert_int_equal(cpted_site_feature_number(site, 0, "required_standoff_m", &v), CPTED_OK);
    assert_true(v == 30.0);
    assert_int_equal(cpted_site_feature_number(site, 1, "diameter", &v), CPTED_OK);
    assert_true(v == 0.3);
    assert_int_equal(cpted_site_feature_number(site, 2, "diameter", &v), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_site_feature_number(site, 99, "diameter", &v), CPTED_E_NOTFOUND);
    assert_null(cpted_site_feature_id(site, 99));

    double e[4];
    assert_int_equal(cpted_site_extent(site, e), CPTED_OK);
    assert_true(e[0] == 5 && e[1] == 5 && e[2] == 30 && e[3] == 50);

    /* groups: one per (source, layer, role) */
    assert_int_equal(cpted_site_layer_count(site), 2);
    assert_string_equal(cpted_site_layer_source(site, 1), "memory");
    assert_string_equal(cpted_site_layer_name(site, 1), "bollards");
    assert_int_equal(cpted_site_layer_role(site, 1), CPTED_ROLE_BARRIER);
    int64_t features = 0, repaired = -1, skipped = -1;
    assert_int_equal(cpted_site_layer_counts(site, 1, &features, &repaired, &skipped), CPTED_OK);
    assert_true(features == 2 && repaired == 0 && skipped == 0);
    assert_int_equal(cpted_site_layer_counts(site, 2, NULL, NULL, NULL), CPTED_E_NOTFOUND);

    /* WKB round trip of the asset */
    unsigned char *out = NULL;
    size_t out_n = 0;
    assert_int_equal(cpted_site_feature_wkb(site, 0, &out, &out_n), CPTED_OK);
    assert_int_equal(out_n, 1 + 4 + 4 + 4 + 5 * 16);
    cpted_free(out);
    cpted_site_free(site);
}

static void test_bad_geometry_is_rejected(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    size_t n;
    unsigned char *wkb = test_wkb_point(1, 2, &n);
    /* a point cannot be an asset */
    assert_int_equal(cpted_site_add_wkb(site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0, NULL),
                     CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "layer 'assets' feature 1"));
    assert_non_null(strstr(cpted_context_last_error(ctx), "does not fit the role"));
    free(wkb);
    /* NaN coordinate */
    wkb = test_wkb_point(NAN, 2, &n);
    assert_int_equal(cpted_site_add_wkb(site, "bollards", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0, NULL),
                     CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "NaN or infinite"));
    free(wkb);
    /* infinite coordinate in a line */
    double line[] = {0, 0, INFINITY, 1};
    wkb = test_wkb_line(line, 2, &n);
    assert_int_equal(cpted_site_add_wkb(site, "walls", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0, NULL),
                     CPTED_E_GEOMETRY);
    free(wkb);
    /* empty point (NaN NaN is GEOS' empty point in WKB) and truncated WKB */
    unsigned char trunc[] = {1, 1, 0, 0, 0, 0, 0};
    assert_int_equal(cpted_site_add_wkb(site, "bollards", CPTED_ROLE_BARRIER, trunc, sizeof trunc, NULL,
                                        NULL, 0, NULL),
                     CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "unreadable WKB"));
    /* bad role, no WKB */
    wkb = test_wkb_point(1, 2, &n);
    assert_int_equal(cpted_site_add_wkb(site, "x", 0, wkb, n, NULL, NULL, 0, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_add_wkb(site, "x", 42, wkb, n, NULL, NULL, 0, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_add_wkb(site, "x", CPTED_ROLE_BARRIER, NULL, 0, NULL, NULL, 0, NULL),
                     CPTED_E_INVALID);
    free(wkb);
    assert_int_equal(cpted_site_feature_count(site), 0);
    cpted_site_free(site);
}

static void test_bad_attributes_are_rejected(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    size_t n;
    unsigned char *wkb = test_wkb_point(1, 2, &n);
    const char *k1[] = {"diameter"};
    const char *neg[] = {"-0.3"}, *text[] = {"wide"}, *zero[] = {"0"}, *nan[] = {"nan"};
    assert_int_equal(cpted_site_add_wkb(site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, neg, 1, NULL),
                     CPTED_E_FORMAT);
    assert_non_null(strstr(cpted_context_last_error(ctx), "diameter='-0.3'"));
    assert_int_equal(cpted_site_add_wkb(site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, text, 1, NULL),
                     CPTED_E_FORMAT);
    assert_int_equal(cpted_site_add_wkb(site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, zero, 1, NULL),
                     CPTED_E_FORMAT);
    assert_int_equal(cpted_site_add_wkb(site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, nan, 1, NULL),
                     CPTED_E_FORMAT);
    /* a NULL value means "absent": accepted */
    const char *absent[] = {NULL};
    assert_int_equal(cpted_site_add_wkb(site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, absent, 1, NULL),
                     CPTED_OK);
    free(wkb);
    assert_int_equal(cpted_site_feature_count(site), 1);
    cpted_site_free(site);
}

static void test_invalid_polygon_is_repaired_and_counted(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    /* bow tie: two triangles of area 25 each, crossing at (5, 5) */
    double bowtie[] = {0, 0, 10, 10, 10, 0, 0, 10, 0, 0};
    size_t n;
    unsigned char *wkb = test_wkb_polygon(bowtie, 5, &n);
    test_add(site, "buildings", CPTED_ROLE_BUILDING, wkb, n);
    int64_t features = 0, repaired = 0;
    assert_int_equal(cpted_site_layer_counts(site, 0, &features, &repaired, NULL), CPTED_OK);
    assert_true(features == 1 && repaired == 1);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "invalid polygon repaired"));
    /* a polygon with no area at all cannot be repaired */
    double flat[] = {0, 0, 5, 0, 10, 0, 0, 0};
    wkb = test_wkb_polygon(flat, 4, &n);
    assert_int_equal(cpted_site_add_wkb(site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0, NULL),
                     CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "no area"));
    free(wkb);
    cpted_site_free(site);
}

static void test_info_json(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    size_t n;
    unsigned char *wkb = test_wkb_rect(500000, 5800000, 500010.5, 5800020, &n);
    test_add(site, "assets", CPTED_ROLE_ASSET, wkb, n);
    char *json = NULL;
    assert_int_equal(cpted_site_info_json(site, &json), CPTED_OK);
    assert_string_equal(json,
        "{\"schema\":\"cpted/info/1\",\"crs\":{\"working\":\"EPSG:25832\",\"output\":\"EPSG:25832\"},"
        "\"extent\":[500000,5800000,500010.5,5800020],"
        "\"working_extent\":[500000,5800000,500010.5,5800020],\"features\":1,"
        "\"layers\":[{\"source\":\"memory\",\"name\":\"assets\",\"role\":\"asset\",\"features\":1,"
        "\"repaired\":0,\"skipped\":0}],\"warnings\":[]}\n");
    cpted_free(json);
    cpted_site_free(site);
}

static void test_to_output_identity(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    double x = 0, y = 0;
    assert_int_equal(cpted_site_to_output(site, 500001.25, 5800002.5, &x, &y), CPTED_OK);
    assert_true(x == 500001.25 && y == 5800002.5);
    assert_int_equal(cpted_site_to_output(site, 1, 2, NULL, &y), CPTED_E_INVALID);
    assert_int_equal(cpted_site_extent(site, (double[4]){0}), CPTED_E_NOTFOUND);
    cpted_site_free(site);
}

static void test_memory_ids_do_not_clash_with_file_ids(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = NULL;
    const char *path = test_data_path("roads.geojson");
    assert_int_equal(cpted_site_open(&site, ctx, &path, 1, NULL), CPTED_OK);
    size_t before = cpted_site_feature_count(site);
    assert_true(before > 0);
    assert_string_equal(cpted_site_layer_name(site, 0), "roads");
    double line[] = {0, 0, 10, 0};
    size_t n;
    unsigned char *wkb = test_wkb_line(line, 2, &n);
    test_add(site, "roads", CPTED_ROLE_ROAD, wkb, n);
    wkb = test_wkb_line(line, 2, &n);
    test_add(site, "kerbs", CPTED_ROLE_SOFT, wkb, n);
    assert_string_equal(cpted_site_feature_id(site, before), "memory/roads:1");
    assert_string_equal(cpted_site_feature_id(site, before + 1), "kerbs:1");
    for (size_t i = 0; i < before; i++)
        assert_string_not_equal(cpted_site_feature_id(site, i), "memory/roads:1");
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_rejects_bad_crs),
        cmocka_unit_test(test_add_and_read_back),
        cmocka_unit_test(test_bad_geometry_is_rejected),
        cmocka_unit_test(test_bad_attributes_are_rejected),
        cmocka_unit_test(test_invalid_polygon_is_repaired_and_counted),
        cmocka_unit_test(test_info_json),
        cmocka_unit_test(test_to_output_identity),
        cmocka_unit_test(test_memory_ids_do_not_clash_with_file_ids),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
