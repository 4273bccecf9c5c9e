/* test_site_memory.c - a site built from memory (cpted_site_new + cpted_site_add_wkb),
 * its accessors and the cpted/info/1 JSON. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
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
    assert_int_equal(
        cpted_site_add_wkb(&fid, site, "assets", CPTED_ROLE_ASSET, wkb, n, keys, values, 3),
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
    assert_int_equal(cpted_site_get_feature_number(&v, site, 0, "required_standoff_m"), CPTED_OK);
    assert_true(v == 30.0);
    assert_int_equal(cpted_site_get_feature_number(&v, site, 1, "diameter"), CPTED_OK);
    assert_true(v == 0.3);
    assert_int_equal(cpted_site_get_feature_number(&v, site, 2, "diameter"), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_site_get_feature_number(&v, site, 99, "diameter"), CPTED_E_NOTFOUND);
    assert_null(cpted_site_feature_id(site, 99));

    double e[4];
    assert_int_equal(cpted_site_get_extent(e, site), CPTED_OK);
    assert_true(e[0] == 5 && e[1] == 5 && e[2] == 30 && e[3] == 50);

    /* groups: one per (source, layer, role) */
    assert_int_equal(cpted_site_layer_count(site), 2);
    assert_string_equal(cpted_site_layer_source(site, 1), "memory");
    assert_string_equal(cpted_site_layer_name(site, 1), "bollards");
    assert_int_equal(cpted_site_layer_role(site, 1), CPTED_ROLE_BARRIER);
    int64_t features = 0, repaired = -1, skipped = -1;
    assert_int_equal(cpted_site_get_layer_counts(&features, &repaired, &skipped, site, 1),
                     CPTED_OK);
    assert_true(features == 2 && repaired == 0 && skipped == 0);
    assert_int_equal(cpted_site_get_layer_counts(NULL, NULL, NULL, site, 2), CPTED_E_NOTFOUND);

    /* WKB round trip of the asset */
    unsigned char *out = NULL;
    size_t out_n = 0;
    assert_int_equal(cpted_site_get_feature_wkb(&out, &out_n, site, 0), CPTED_OK);
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
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
        CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "layer 'assets' feature 1"));
    assert_non_null(strstr(cpted_context_last_error(ctx), "does not fit the role"));
    free(wkb);
    /* NaN coordinate */
    wkb = test_wkb_point(NAN, 2, &n);
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0),
        CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "NaN or infinite"));
    free(wkb);
    /* infinite coordinate in a line */
    double line[] = {0, 0, INFINITY, 1};
    wkb = test_wkb_line(line, 2, &n);
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "walls", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0),
        CPTED_E_GEOMETRY);
    free(wkb);
    /* empty point (NaN NaN is GEOS' empty point in WKB) and truncated WKB */
    unsigned char trunc[] = {1, 1, 0, 0, 0, 0, 0};
    assert_int_equal(cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, trunc,
                                        sizeof trunc, NULL, NULL, 0),
                     CPTED_E_GEOMETRY);
    assert_non_null(strstr(cpted_context_last_error(ctx), "unreadable WKB"));
    /* bad role, no WKB */
    wkb = test_wkb_point(1, 2, &n);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "x", 0, wkb, n, NULL, NULL, 0),
                     CPTED_E_INVALID);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "x", 42, wkb, n, NULL, NULL, 0),
                     CPTED_E_INVALID);
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "x", CPTED_ROLE_BARRIER, NULL, 0, NULL, NULL, 0),
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
    assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, neg, 1),
                     CPTED_E_FORMAT);
    assert_non_null(strstr(cpted_context_last_error(ctx), "diameter='-0.3'"));
    assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, text, 1),
                     CPTED_E_FORMAT);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, zero, 1),
                     CPTED_E_FORMAT);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, nan, 1),
                     CPTED_E_FORMAT);
    /* a NULL value means "absent": accepted */
    const char *absent[] = {NULL};
    assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, k1, absent, 1),
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
    assert_int_equal(cpted_site_get_layer_counts(&features, &repaired, NULL, site, 0), CPTED_OK);
    assert_true(features == 1 && repaired == 1);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "invalid polygon repaired"));
    /* a polygon with no area at all cannot be repaired */
    double flat[] = {0, 0, 5, 0, 10, 0, 0, 0};
    wkb = test_wkb_polygon(flat, 4, &n);
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
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
    assert_int_equal(cpted_site_info_json(&json, site), CPTED_OK);
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
    assert_int_equal(cpted_site_to_output(&x, &y, site, 500001.25, 5800002.5), CPTED_OK);
    assert_true(x == 500001.25 && y == 5800002.5);
    assert_int_equal(cpted_site_to_output(NULL, &y, site, 1, 2), CPTED_E_INVALID);
    assert_int_equal(cpted_site_get_extent((double[4]){0}, site), CPTED_E_NOTFOUND);
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

/* Little-endian WKB with a Z ordinate: ISO (type + 1000) or EWKB (flag 0x80000000). */
static size_t wkb_point_z(unsigned char *buf, uint32_t type, double x, double y, double z)
{
    buf[0] = 1;
    for (int k = 0; k < 4; k++)
        buf[1 + k] = (unsigned char)(type >> (8 * k));
    memcpy(buf + 5, &x, 8);
    memcpy(buf + 13, &y, 8);
    memcpy(buf + 21, &z, 8);
    return 29;
}

/* The header says: ISO or extended WKB, 2D or 3D; Z is dropped. */
static void test_3d_wkb_is_read_and_written_2d(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    unsigned char buf[32];
    size_t n = wkb_point_z(buf, 1001, 500001.25, 5800002.5, 12.0); /* ISO Point Z */
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, buf, n, NULL, NULL, 0),
        CPTED_OK);
    n = wkb_point_z(buf, 0x80000001u, 500003.75, 5800004.5, -3.0); /* EWKB Point Z */
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "bollards", CPTED_ROLE_BARRIER, buf, n, NULL, NULL, 0),
        CPTED_OK);
    double x, y;
    test_point_xy(site, 0, &x, &y);
    assert_true(x == 500001.25 && y == 5800002.5);
    test_point_xy(site, 1, &x, &y);
    assert_true(x == 500003.75 && y == 5800004.5);
    cpted_site_free(site);
}

/* Adds WKB that must be refused with CPTED_E_GEOMETRY and a message naming the
 * layer, the feature and the reason. */
static void expect_geometry_error(cpted_site *site, const char *layer, int32_t role,
                                  const unsigned char *wkb, size_t n, const char *reason)
{
    cpted_context *ctx = cpted_site_context(site);
    size_t before = cpted_site_feature_count(site);
    assert_int_equal(cpted_site_add_wkb(NULL, site, layer, role, wkb, n, NULL, NULL, 0),
                     CPTED_E_GEOMETRY);
    char where[128];
    snprintf(where, sizeof where, "memory layer '%s' feature ", layer);
    const char *msg = cpted_context_last_error(ctx);
    if (!strstr(msg, where) || !strstr(msg, reason))
        fail_msg("error '%s' should name '%s' and '%s'", msg, where, reason);
    assert_int_equal(cpted_site_feature_count(site), before);
}

static void test_empty_geometries_are_rejected(void **state)
{
    cpted_site *site = new_site(*state);
    /* LINESTRING EMPTY, POLYGON EMPTY, MULTIPOINT EMPTY */
    unsigned char line[] = {1, 2, 0, 0, 0, 0, 0, 0, 0};
    unsigned char poly[] = {1, 3, 0, 0, 0, 0, 0, 0, 0};
    unsigned char mpoint[] = {1, 4, 0, 0, 0, 0, 0, 0, 0};
    expect_geometry_error(site, "walls", CPTED_ROLE_BARRIER, line, sizeof line, "empty geometry");
    expect_geometry_error(site, "assets", CPTED_ROLE_ASSET, poly, sizeof poly, "empty geometry");
    expect_geometry_error(site, "soft", CPTED_ROLE_SOFT, mpoint, sizeof mpoint, "empty geometry");
    /* POINT EMPTY is written as NaN NaN */
    size_t n;
    unsigned char *wkb = test_wkb_point(NAN, NAN, &n);
    expect_geometry_error(site, "bollards", CPTED_ROLE_BARRIER, wkb, n, "empty geometry");
    free(wkb);
    /* one NaN ordinate is not empty: it is a bad coordinate */
    wkb = test_wkb_point(1.0, NAN, &n);
    expect_geometry_error(site, "bollards", CPTED_ROLE_BARRIER, wkb, n, "NaN or infinite");
    free(wkb);
    double ring[] = {0, 0, 10, 0, 10, -INFINITY, 0, 0};
    wkb = test_wkb_polygon(ring, 4, &n);
    expect_geometry_error(site, "assets", CPTED_ROLE_ASSET, wkb, n, "NaN or infinite");
    free(wkb);
    cpted_site_free(site);
}

/* architecture.md §3: the geometry families each role accepts. */
static void test_geometry_type_per_role(void **state)
{
    cpted_site *site = new_site(*state);
    size_t np, nl, na;
    unsigned char *pt = test_wkb_point(1, 2, &np);
    double xy[] = {0, 0, 10, 0};
    unsigned char *ln = test_wkb_line(xy, 2, &nl);
    unsigned char *pg = test_wkb_rect(0, 0, 10, 10, &na);
    static const struct {
        int32_t role;
        int point, line, polygon; /* 1 accepted */
    } table[] = {
        {CPTED_ROLE_ASSET, 0, 0, 1},    {CPTED_ROLE_BUILDING, 0, 0, 1},
        {CPTED_ROLE_BARRIER, 1, 1, 1},  {CPTED_ROLE_OBSTACLE, 0, 1, 1},
        {CPTED_ROLE_SOFT, 1, 1, 1},     {CPTED_ROLE_PERIMETER, 0, 1, 1},
        {CPTED_ROLE_GROUND, 0, 0, 1},   {CPTED_ROLE_ROAD, 0, 1, 0},
        {CPTED_ROLE_ENTRY, 1, 1, 1},    {CPTED_ROLE_BOUNDARY, 0, 0, 1},
    };
    size_t kept = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const char *layer = cpted_role_name(table[i].role);
        const unsigned char *wkb[3] = {pt, ln, pg};
        size_t size[3] = {np, nl, na};
        int accepted[3] = {table[i].point, table[i].line, table[i].polygon};
        for (int k = 0; k < 3; k++) {
            if (accepted[k]) {
                assert_int_equal(cpted_site_add_wkb(NULL, site, layer, table[i].role, wkb[k],
                                                    size[k], NULL, NULL, 0),
                                 CPTED_OK);
                kept++;
            } else {
                expect_geometry_error(site, layer, table[i].role, wkb[k], size[k],
                                      "does not fit the role");
            }
        }
    }
    assert_int_equal(cpted_site_feature_count(site), kept);
    free(pt);
    free(ln);
    free(pg);
    cpted_site_free(site);
}

static void test_attribute_errors_name_the_field(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    size_t n;
    unsigned char *wkb = test_wkb_point(1, 2, &n);
    static const struct {
        const char *key, *value, *reason;
    } bad[] = {
        {"diameter", "wide", "diameter='wide' not a non-negative number"},
        {"diameter", "0", "diameter='0' must be greater than zero"},
        {"thickness", "0.2m", "thickness='0.2m' not a non-negative number"},
        {"width", "inf", "width='inf' not a non-negative number"},
        {"lanes", "-2", "lanes='-2' not a non-negative number"},
        {"required_standoff_m", "thirty", "required_standoff_m='thirty'"},
        {"diameter", "1e999", "diameter='1e999'"},
        {"diameter", "", "diameter=''"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *k[] = {bad[i].key}, *v[] = {bad[i].value};
        assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, k, v, 1),
                         CPTED_E_FORMAT);
        const char *msg = cpted_context_last_error(ctx);
        if (!strstr(msg, "memory layer 'b' feature 1: attribute ") || !strstr(msg, bad[i].reason))
            fail_msg("error '%s' should name the feature and '%s'", msg, bad[i].reason);
    }
    /* a required standoff of 0 is meaningful; blanks around a number are tolerated */
    const char *k[] = {"required_standoff_m", "diameter"}, *v[] = {"0", " 0.25 "};
    int64_t fid = 0;
    assert_int_equal(cpted_site_add_wkb(&fid, site, "b", CPTED_ROLE_BARRIER, wkb, n, k, v, 2),
                     CPTED_OK);
    assert_int_equal(fid, 1);
    double d = 0;
    assert_int_equal(cpted_site_get_feature_number(&d, site, 0, "required_standoff_m"), CPTED_OK);
    assert_true(d == 0.0);
    assert_int_equal(cpted_site_get_feature_number(&d, site, 0, "DIAMETER"), CPTED_OK);
    assert_true(d == 0.25);
    /* attribute arrays missing while a count is given */
    assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, NULL, v, 1),
                     CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "attribute arrays are NULL"));
    assert_int_equal(cpted_site_add_wkb(NULL, site, "b", CPTED_ROLE_BARRIER, wkb, n, k, NULL, 1),
                     CPTED_E_INVALID);
    free(wkb);
    assert_int_equal(cpted_site_feature_count(site), 1);
    cpted_site_free(site);
}

/* Every accessor with a NULL site or out-parameter: documented defaults, no crash. */
static void test_null_arguments(void **state)
{
    cpted_context *ctx = *state;
    size_t n;
    unsigned char *wkb = test_wkb_point(1, 2, &n);
    assert_int_equal(cpted_site_add_wkb(NULL, NULL, "b", CPTED_ROLE_BARRIER, wkb, n, NULL, NULL, 0),
                     CPTED_E_INVALID);
    assert_int_equal(cpted_site_new(&(cpted_site *){NULL}, NULL, NULL), CPTED_E_INVALID);
    assert_null(cpted_site_context(NULL));
    assert_string_equal(cpted_site_crs(NULL), "");
    assert_string_equal(cpted_site_output_crs(NULL), "");
    double x, e[4];
    assert_int_equal(cpted_site_to_output(&x, &x, NULL, 1, 2), CPTED_E_INVALID);
    assert_int_equal(cpted_site_get_extent(e, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_layer_count(NULL), 0);
    assert_null(cpted_site_layer_source(NULL, 0));
    assert_null(cpted_site_layer_name(NULL, 0));
    assert_int_equal(cpted_site_layer_role(NULL, 0), CPTED_ROLE_NONE);
    assert_int_equal(cpted_site_get_layer_counts(NULL, NULL, NULL, NULL, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_site_warning_count(NULL), 0);
    assert_null(cpted_site_warning(NULL, 0));
    assert_int_equal(cpted_site_feature_count(NULL), 0);
    assert_int_equal(cpted_site_feature_role(NULL, 0), CPTED_ROLE_NONE);
    assert_null(cpted_site_feature_id(NULL, 0));
    unsigned char *out = NULL;
    size_t out_n = 0;
    assert_int_equal(cpted_site_get_feature_wkb(&out, &out_n, NULL, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_site_get_feature_number(&x, NULL, 0, "diameter"), CPTED_E_INVALID);
    assert_null(cpted_site_feature_text(NULL, 0, "name"));
    char *json = NULL;
    assert_int_equal(cpted_site_info_json(&json, NULL), CPTED_E_INVALID);
    cpted_site_free(NULL);

    cpted_site *site = new_site(ctx);
    const char *k[] = {"name"}, *v[] = {"B1"};
    assert_int_equal(cpted_site_add_wkb(NULL, site, NULL, CPTED_ROLE_BARRIER, wkb, n, k, v, 1),
                     CPTED_OK);
    free(wkb);
    assert_string_equal(cpted_site_feature_id(site, 0), "memory:1"); /* NULL layer: "memory" */
    assert_int_equal(cpted_site_get_feature_wkb(NULL, &out_n, site, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_site_get_feature_wkb(&out, NULL, site, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_site_get_feature_wkb(&out, &out_n, site, 1), CPTED_E_NOTFOUND);
    assert_non_null(strstr(cpted_context_last_error(ctx), "no feature 1 (the site has 1)"));
    assert_int_equal(cpted_site_get_feature_number(&x, site, 0, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_get_feature_number(NULL, site, 0, "diameter"), CPTED_E_INVALID);
    assert_int_equal(cpted_site_get_feature_number(&x, site, 0, "colour"), CPTED_E_NOTFOUND);
    assert_null(cpted_site_feature_text(site, 0, NULL));
    assert_string_equal(cpted_site_feature_text(site, 0, "NAME"), "B1");
    assert_null(cpted_site_feature_text(site, 0, "rating"));
    assert_null(cpted_site_feature_text(site, 1, "name"));
    assert_null(cpted_site_layer_name(site, 1));
    assert_null(cpted_site_warning(site, 0));
    assert_int_equal(cpted_site_feature_role(site, 1), CPTED_ROLE_NONE);
    assert_int_equal(cpted_site_get_extent(NULL, site), CPTED_E_INVALID);
    assert_int_equal(cpted_site_info_json(NULL, site), CPTED_E_INVALID);
    cpted_site_free(site);
}

/* Warnings (with characters JSON must escape) and repaired counts reach cpted/info/1. */
static void test_info_json_warnings_escaped(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    double bowtie[] = {0, 0, 10, 10, 10, 0, 0, 10, 0, 0};
    size_t n;
    unsigned char *wkb = test_wkb_polygon(bowtie, 5, &n);
    test_add(site, "say \"hi\"\\\t", CPTED_ROLE_BUILDING, wkb, n);
    char *json = NULL;
    assert_int_equal(cpted_site_info_json(&json, site), CPTED_OK);
    assert_string_equal(json,
        "{\"schema\":\"cpted/info/1\",\"crs\":{\"working\":\"EPSG:25832\",\"output\":\"EPSG:25832\"},"
        "\"extent\":[0,0,10,10],\"working_extent\":[0,0,10,10],\"features\":1,"
        "\"layers\":[{\"source\":\"memory\",\"name\":\"say \\\"hi\\\"\\\\\\t\",\"role\":\"building\","
        "\"features\":1,\"repaired\":1,\"skipped\":0}],"
        "\"warnings\":[\"memory layer 'say \\\"hi\\\"\\\\\\t' feature 1: invalid polygon repaired\"]}\n");
    cpted_free(json);
    cpted_site_free(site);

    /* no features: zero extents and a warning saying why */
    site = new_site(ctx);
    assert_int_equal(cpted_site_info_json(&json, site), CPTED_OK);
    assert_non_null(strstr(json, "\"extent\":[0,0,0,0],\"working_extent\":[0,0,0,0],\"features\":0"));
    assert_non_null(strstr(json, "\"warnings\":[\"the site has no features"));
    cpted_free(json);
    cpted_site_free(site);
}

static void test_rejected_feature_leaves_no_layer(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    size_t n;
    unsigned char *wkb = test_wkb_point(1, 2, &n);
    assert_int_equal(
        cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
        CPTED_E_GEOMETRY);
    free(wkb);
    assert_int_equal(cpted_site_layer_count(site), 0);
    /* the next accepted feature of that layer is still number 1 */
    wkb = test_wkb_rect(0, 0, 1, 1, &n);
    int64_t fid = 0;
    assert_int_equal(
        cpted_site_add_wkb(&fid, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
        CPTED_OK);
    free(wkb);
    assert_int_equal(fid, 1);
    assert_int_equal(cpted_site_layer_count(site), 1);
    cpted_site_free(site);
}

static void test_info_json_invalid_utf8_replaced(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    size_t n;
    /* a Latin-1 "Käpylä" (0xE4 alone is not UTF-8), a valid "ä" (C3 A4), a
     * truncated 3-byte sequence at the end */
    unsigned char *wkb = test_wkb_rect(0, 0, 1, 1, &n);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "K\xe4pyl\xc3\xa4\xe2\x82", CPTED_ROLE_ASSET,
                                        wkb, n, NULL, NULL, 0),
                     CPTED_OK);
    free(wkb);
    char *json = NULL;
    assert_int_equal(cpted_site_info_json(&json, site), CPTED_OK);
    assert_non_null(strstr(json, "\"name\":\"K\\ufffdpyl\xc3\xa4\\ufffd\\ufffd\""));
    cpted_free(json);
    cpted_site_free(site);
}

/* Texts that repeat (a district's bollards share one rating) are kept once
 * by the site: each feature still reads its own, also when more distinct
 * texts come than the site compares a new one with (16), and freeing the
 * site frees each once (ASan, Valgrind). */
static void test_repeated_texts_read_back(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = new_site(ctx);
    char rating[64], name[32];
    for (int k = 0; k < 40; k++) {
        size_t n;
        unsigned char *wkb = test_wkb_point(2.0 * k, 5, &n);
        snprintf(rating, sizeof rating, "rating=V/7500[N2]/%d/90:1.1", 16 + k % 20);
        snprintf(name, sizeof name, "name=B%d", k);
        test_add_attrs(site, "bollards", CPTED_ROLE_BARRIER, wkb, n, rating, name, NULL);
    }
    assert_int_equal(cpted_site_feature_count(site), 40);
    for (size_t k = 0; k < 40; k++) {
        snprintf(rating, sizeof rating, "V/7500[N2]/%d/90:1.1", 16 + (int)k % 20);
        snprintf(name, sizeof name, "B%d", (int)k);
        assert_string_equal(cpted_site_feature_text(site, k, "rating"), rating);
        assert_string_equal(cpted_site_feature_text(site, k, "name"), name);
    }
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_rejects_bad_crs),
        cmocka_unit_test(test_add_and_read_back),
        cmocka_unit_test(test_repeated_texts_read_back),
        cmocka_unit_test(test_bad_geometry_is_rejected),
        cmocka_unit_test(test_bad_attributes_are_rejected),
        cmocka_unit_test(test_invalid_polygon_is_repaired_and_counted),
        cmocka_unit_test(test_info_json),
        cmocka_unit_test(test_to_output_identity),
        cmocka_unit_test(test_memory_ids_do_not_clash_with_file_ids),
        cmocka_unit_test(test_rejected_feature_leaves_no_layer),
        cmocka_unit_test(test_info_json_invalid_utf8_replaced),
        cmocka_unit_test(test_3d_wkb_is_read_and_written_2d),
        cmocka_unit_test(test_empty_geometries_are_rejected),
        cmocka_unit_test(test_geometry_type_per_role),
        cmocka_unit_test(test_attribute_errors_name_the_field),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_info_json_warnings_escaped),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
