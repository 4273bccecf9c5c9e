/* test_site_open.c - cpted_site_open(): GIS files -> site (roles, attributes,
 * geometry checks, CRS), through the public API only. Data: tests/data/ and
 * the real OSM extract in samples/osm/. */
#define _POSIX_C_SOURCE 200809L /* symlink() */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static cpted_context *ctx_of(void **state) { return *state; }

/* Opens one file with options; returns the status. */
static int open1(void **state, cpted_site **site, const char *name, const cpted_site_options *o)
{
    const char *path = test_data_path(name);
    return cpted_site_open(site, ctx_of(state), &path, 1, o);
}

static void assert_error_mentions(void **state, const char *needle)
{
    const char *msg = cpted_context_last_error(ctx_of(state));
    if (!strstr(msg, needle))
        fail_msg("error '%s' does not mention '%s'", msg, needle);
}

/* Index of the layer group (source basename, layer, role) or -1. */
static long find_group(const cpted_site *site, const char *layer, int32_t role)
{
    for (size_t i = 0; i < cpted_site_layer_count(site); i++)
        if (strcmp(cpted_site_layer_name(site, i), layer) == 0 &&
            cpted_site_layer_role(site, i) == role)
            return (long)i;
    return -1;
}

static void assert_counts(const cpted_site *site, const char *layer, int32_t role,
                          int64_t features, int64_t repaired, int64_t skipped)
{
    long g = find_group(site, layer, role);
    if (g < 0)
        fail_msg("no group %s/%s", layer, cpted_role_name(role));
    int64_t f = -1, r = -1, s = -1;
    assert_int_equal(cpted_site_get_layer_counts(&f, &r, &s, site, (size_t)g), CPTED_OK);
    assert_int_equal(f, features);
    assert_int_equal(r, repaired);
    assert_int_equal(s, skipped);
}

static long find_feature(const cpted_site *site, const char *name)
{
    for (size_t i = 0; i < cpted_site_feature_count(site); i++) {
        const char *n = cpted_site_feature_text(site, i, "name");
        if (n && strcmp(n, name) == 0)
            return (long)i;
    }
    return -1;
}

/* ---- options and arguments ------------------------------------------------ */

static void test_options_init(void **state)
{
    (void)state;
    cpted_site_options o;
    assert_int_equal(CPTED_SITE_OPTIONS_INIT(&o), CPTED_OK);
    assert_int_equal(o.struct_size, sizeof o);
    assert_null(o.working_crs);
    assert_null(o.assume_crs);
    assert_int_equal(o.lenient, 0);
    assert_true(o.boundary_margin_m == 20.0);
    assert_true(o.lane_width_m == 3.25);
    assert_int_equal(o.gates_closed, 0); /* gates open, operable bollards down */
    assert_null(o.assets_where);
    assert_null(o.asset_ids);
    assert_int_equal(o.asset_id_count, 0);
    assert_null(o.asset_names);
    assert_int_equal(o.asset_name_count, 0);
    assert_int_equal(cpted_site_options_init(NULL, sizeof o), CPTED_E_INVALID);
    assert_int_equal(cpted_site_options_init(&o, 4), CPTED_E_VERSION);
    assert_int_equal(cpted_site_options_init(&o, sizeof o - 1), CPTED_E_VERSION);
}

/* A newer caller's larger options struct: accepted while its unknown tail is zero. */
static void test_options_struct_size(void **state)
{
    struct newer {
        cpted_site_options o;
        double future;
    } big;
    memset(&big, 0xff, sizeof big);
    assert_int_equal(cpted_site_options_init(&big.o, sizeof big), CPTED_OK);
    assert_int_equal(big.o.struct_size, sizeof big);
    assert_true(big.future == 0.0); /* the tail is cleared: defaults */
    assert_true(big.o.lane_width_m == 3.25);
    cpted_site *site = NULL;
    const char *path = test_data_path("roads.geojson");
    big.o.lane_width_m = 3.5;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &big.o), CPTED_OK);
    double w = 0; /* "two lanes": 2 x 3.5 m, so the options were read */
    long i = find_feature(site, "two lanes");
    assert_true(i >= 0);
    assert_int_equal(cpted_site_get_feature_number(&w, site, (size_t)i, "width"), CPTED_OK);
    assert_true(w == 7.0);
    cpted_site_free(site);
    big.future = 1.0; /* a newer option this library cannot honour */
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &big.o), CPTED_E_VERSION);
    assert_null(site);
    assert_error_mentions(state, "cpted_site_options");
}

static void test_bad_arguments(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_data_path("roads.geojson");
    assert_int_equal(cpted_site_open(NULL, ctx_of(state), &path, 1, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 0, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_open(&site, ctx_of(state), NULL, 1, NULL), CPTED_E_INVALID);
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.struct_size = 8;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_VERSION);
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lane_width_m = 0.0;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_INVALID);
    assert_error_mentions(state, "lane_width_m");
    CPTED_SITE_OPTIONS_INIT(&o);
    o.boundary_margin_m = -1.0;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_INVALID);
    assert_error_mentions(state, "boundary_margin_m");
    o.boundary_margin_m = NAN;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_INVALID);
    CPTED_SITE_OPTIONS_INIT(&o);
    o.role_map_count = 2; /* role_map left NULL */
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_INVALID);
    assert_error_mentions(state, "role_map is NULL but role_map_count is 2");
    /* a NULL or empty entry among the paths, a NULL context */
    const char *holes[] = {path, NULL};
    assert_int_equal(cpted_site_open(&site, ctx_of(state), holes, 2, NULL), CPTED_E_INVALID);
    assert_error_mentions(state, "source 1 is empty");
    const char *blank[] = {""};
    assert_int_equal(cpted_site_open(&site, ctx_of(state), blank, 1, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_site_open(&site, NULL, &path, 1, NULL), CPTED_E_INVALID);
    assert_null(site);
}

/* ---- files that cannot be read ------------------------------------------------ */

static void test_missing_file(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "no_such_file.geojson", NULL), CPTED_E_IO);
    assert_null(site);
    assert_error_mentions(state, "no_such_file.geojson");
    assert_error_mentions(state, "No such file");
}

/* A symlink loop is named as such, not "no such file" or "not a vector format". */
static void test_symlink_loop(void **state)
{
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", test_tmp_path("loop_a.geojson"));
    snprintf(b, sizeof b, "%s", test_tmp_path("loop_b.geojson"));
    remove(a);
    remove(b);
    assert_int_equal(symlink(b, a), 0);
    assert_int_equal(symlink(a, b), 0);
    cpted_site *site = NULL;
    const char *path = a;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_E_IO);
    assert_null(site);
    char expected[4200];
    snprintf(expected, sizeof expected,
             "cannot open '%s': too many levels of symbolic links (a symlink loop)", a);
    assert_string_equal(cpted_context_last_error(ctx_of(state)), expected);
    remove(a);
    remove(b);
}

static void test_garbage_file(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "garbage.txt", NULL), CPTED_E_FORMAT);
    assert_null(site);
    assert_error_mentions(state, "garbage.txt");
    assert_error_mentions(state, "not a vector format GDAL can read");
}

/* ---- layers, geometry and attributes --------------------------------------------- */

static void test_empty_layer_is_listed(void **state)
{
    cpted_site *site = NULL;
    char first[4096], second[4096]; /* test_data_path() reuses one buffer */
    strcpy(first, test_data_path("empty_assets.geojson"));
    strcpy(second, test_data_path("negative_diameter.geojson"));
    const char *paths[] = {first, second};
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1; /* the second file has one bad bollard */
    assert_int_equal(cpted_site_open(&site, ctx_of(state), paths, 2, &o), CPTED_OK);
    assert_int_equal(cpted_site_layer_count(site), 2);
    assert_counts(site, "assets", CPTED_ROLE_ASSET, 0, 0, 0);
    assert_counts(site, "bollards", CPTED_ROLE_BARRIER, 1, 0, 1);
    assert_int_equal(cpted_site_feature_count(site), 1);
    double d = 0;
    assert_int_equal(cpted_site_get_feature_number(&d, site, 0, "diameter"), CPTED_OK);
    assert_true(d == 0.2);
    cpted_site_free(site);
}

static void test_wrong_type_for_role(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "assets_point.geojson", NULL), CPTED_E_GEOMETRY);
    assert_error_mentions(state, "assets_point.geojson");
    assert_error_mentions(state, "layer 'assets' feature 0");
    assert_error_mentions(state, "type");

    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1;
    assert_int_equal(open1(state, &site, "assets_point.geojson", &o), CPTED_OK);
    assert_counts(site, "assets", CPTED_ROLE_ASSET, 0, 0, 1);
    assert_int_equal(cpted_site_feature_count(site), 0);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "skipped"));
    cpted_site_free(site);
}

static void test_nan_coordinate(void **state)
{
    cpted_site *site = NULL;
    /* lon/lat data: the NaN must be caught before PROJ sees it */
    assert_int_equal(open1(state, &site, "nan.geojson", NULL), CPTED_E_GEOMETRY);
    assert_error_mentions(state, "nan.geojson");
    assert_error_mentions(state, "layer 'barriers' feature 0");
    assert_error_mentions(state, "NaN");

    /* lenient: skipped and counted; with nothing left there is no UTM zone to
     * choose, and a working CRS given by the caller makes the load succeed */
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1;
    assert_int_equal(open1(state, &site, "nan.geojson", &o), CPTED_E_CRS);
    assert_error_mentions(state, "no features to choose a UTM zone from");
    o.working_crs = "EPSG:32632";
    assert_int_equal(open1(state, &site, "nan.geojson", &o), CPTED_OK);
    assert_counts(site, "barriers", CPTED_ROLE_BARRIER, 0, 0, 1);
    assert_int_equal(cpted_site_feature_count(site), 0);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0),
                           "nan.geojson' layer 'barriers' feature 0: NaN or infinite coordinate "
                           "(role barrier); skipped"));
    cpted_site_free(site);
}

static void test_empty_geometry(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "empty_geometry.geojson", NULL), CPTED_E_GEOMETRY);
    assert_error_mentions(state, "empty_geometry.geojson' layer 'bollards' feature 1: empty "
                                 "geometry (role barrier)");
    assert_null(site);

    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1;
    assert_int_equal(open1(state, &site, "empty_geometry.geojson", &o), CPTED_OK);
    assert_counts(site, "bollards", CPTED_ROLE_BARRIER, 1, 0, 1);
    assert_int_equal(cpted_site_feature_count(site), 1);
    assert_string_equal(cpted_site_feature_id(site, 0), "bollards:0");
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "feature 1: empty geometry (role "
                                                        "barrier); skipped"));
    cpted_site_free(site);
}

static void test_bowtie_repaired(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "bowtie.geojson", NULL), CPTED_OK);
    assert_counts(site, "buildings", CPTED_ROLE_BUILDING, 1, 1, 0);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "repaired"));
    /* repair keeps both triangles of the bow-tie: the extent is unchanged */
    double e[4];
    assert_int_equal(cpted_site_get_extent(e, site), CPTED_OK);
    assert_near(e[0], 500000.0, 1e-6);
    assert_near(e[3], 5540010.0, 1e-6);
    cpted_site_free(site);
}

static void test_unknown_role_in_map(void **state)
{
    cpted_site *site = NULL;
    const char *map[] = {"roads=road", "roads=highway"};
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.role_map = map;
    o.role_map_count = 2;
    assert_int_equal(open1(state, &site, "roads.geojson", &o), CPTED_E_INVALID);
    assert_error_mentions(state, "'highway'");
    const char *bad[] = {"roads"};
    o.role_map = bad;
    o.role_map_count = 1;
    assert_int_equal(open1(state, &site, "roads.geojson", &o), CPTED_E_INVALID);
    assert_error_mentions(state, "LAYER=ROLE");
}

static void test_unknown_role_attribute(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "bad_role.geojson", NULL), CPTED_E_FORMAT);
    assert_error_mentions(state, "layer 'plan' feature 1");
    assert_error_mentions(state, "'tower'");

    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1;
    assert_int_equal(open1(state, &site, "bad_role.geojson", &o), CPTED_OK);
    /* feature 0 says role=bollard (a synonym of barrier) */
    assert_int_equal(cpted_site_feature_count(site), 1);
    assert_int_equal(cpted_site_feature_role(site, 0), CPTED_ROLE_BARRIER);
    assert_string_equal(cpted_site_feature_id(site, 0), "plan:0");
    assert_counts(site, "plan", CPTED_ROLE_NONE, 0, 0, 1);
    cpted_site_free(site);
}

static void test_negative_diameter(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "negative_diameter.geojson", NULL), CPTED_E_FORMAT);
    assert_error_mentions(state, "layer 'bollards' feature 1");
    assert_error_mentions(state, "diameter='-0.2'");
}

static void test_text_in_number_field(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "text_number.geojson", NULL), CPTED_E_FORMAT);
    assert_error_mentions(state, "layer 'walls' feature 0");
    assert_error_mentions(state, "thickness='thick'");
}

static void test_unmapped_layer_notice(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "trees.geojson", NULL), CPTED_OK);
    assert_counts(site, "trees", CPTED_ROLE_NONE, 1, 0, 0);
    assert_int_equal(cpted_site_feature_count(site), 0);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "'trees'"));
    cpted_site_free(site);

    /* mapped explicitly, the same layer loads as soft features */
    const char *map[] = {"TREES=soft"};
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.role_map = map;
    o.role_map_count = 1;
    assert_int_equal(open1(state, &site, "trees.geojson", &o), CPTED_OK);
    assert_int_equal(cpted_site_feature_count(site), 1);
    assert_int_equal(cpted_site_feature_role(site, 0), CPTED_ROLE_SOFT);
    assert_int_equal(cpted_site_warning_count(site), 0);
    cpted_site_free(site);

    /* a map entry that matches nothing is a warning (a typo must not go unnoticed) */
    const char *typo[] = {"TREES=soft", "tress=obstacle"};
    o.role_map = typo;
    o.role_map_count = 2;
    assert_int_equal(open1(state, &site, "trees.geojson", &o), CPTED_OK);
    assert_int_equal(cpted_site_feature_count(site), 1);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_string_equal(cpted_site_warning(site, 0), "role map entry 'tress=obstacle' matched no layer");
    cpted_site_free(site);
}

/* map beats the `role` attribute, which beats the layer name */
static void test_role_precedence(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "precedence.geojson", NULL), CPTED_OK);
    long plain = find_feature(site, "plain"), planter = find_feature(site, "planter");
    assert_true(plain >= 0 && planter >= 0);
    assert_int_equal(cpted_site_feature_role(site, (size_t)plain), CPTED_ROLE_BUILDING);
    assert_int_equal(cpted_site_feature_role(site, (size_t)planter), CPTED_ROLE_BARRIER);
    cpted_site_free(site);

    const char *map[] = {"Buildings=obstacles"};
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.role_map = map;
    o.role_map_count = 1;
    assert_int_equal(open1(state, &site, "precedence.geojson", &o), CPTED_OK);
    assert_int_equal(cpted_site_feature_count(site), 2);
    assert_int_equal(cpted_site_feature_role(site, 0), CPTED_ROLE_OBSTACLE);
    assert_int_equal(cpted_site_feature_role(site, 1), CPTED_ROLE_OBSTACLE);
    cpted_site_free(site);
}

/* width attribute, else lanes x lane width, else the class default (docs/roles.md) */
static void test_road_widths(void **state)
{
    cpted_site *site = NULL;
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lane_width_m = 3.5;
    assert_int_equal(open1(state, &site, "roads.geojson", &o), CPTED_OK);
    static const struct {
        const char *name;
        double width_m;
    } expect[] = {{"given", 8.0}, {"two lanes", 7.0}, {"class", 7.0}, {"unknown", 6.5}};
    for (size_t k = 0; k < 4; k++) {
        long i = find_feature(site, expect[k].name);
        assert_true(i >= 0);
        assert_int_equal(cpted_site_feature_role(site, (size_t)i), CPTED_ROLE_ROAD);
        double w = 0;
        assert_int_equal(cpted_site_get_feature_number(&w, site, (size_t)i, "width"), CPTED_OK);
        assert_near(w, expect[k].width_m, 1e-12);
    }
    cpted_site_free(site);
}

static void test_dxf_layers(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "plan.dxf", NULL), CPTED_E_CRS); /* DXF has no CRS */
    assert_error_mentions(state, "plan.dxf");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assume_crs = "EPSG:25832";
    assert_int_equal(open1(state, &site, "plan.dxf", &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:25832");
    assert_counts(site, "BOLLARDS", CPTED_ROLE_BARRIER, 3, 0, 0);
    assert_counts(site, "BUILDINGS", CPTED_ROLE_BUILDING, 1, 0, 0);
    assert_counts(site, "NOTES", CPTED_ROLE_NONE, 1, 0, 0);
    double x, y;
    test_point_xy(site, 1, &x, &y);
    assert_near(x, 500001.5, 1e-9);
    assert_near(y, 5540000.0, 1e-9);
    /* the closed polyline became the 20 m x 15 m building */
    for (size_t i = 0; i < cpted_site_feature_count(site); i++) {
        if (cpted_site_feature_role(site, i) != CPTED_ROLE_BUILDING)
            continue;
        unsigned char *wkb = NULL;
        size_t n = 0;
        assert_int_equal(cpted_site_get_feature_wkb(&wkb, &n, site, i), CPTED_OK);
        uint32_t type;
        memcpy(&type, wkb + 1, 4);
        assert_int_equal(type, 3); /* polygon */
        cpted_free(wkb);
        assert_string_equal(cpted_site_feature_id(site, i), "BUILDINGS:3");
    }
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "'NOTES'"));
    cpted_site_free(site);
}

static void test_no_crs(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "bollards.csv", NULL), CPTED_E_CRS);
    assert_error_mentions(state, "bollards.csv");
    assert_error_mentions(state, "has no CRS");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assume_crs = "EPSG:25832";
    assert_int_equal(open1(state, &site, "bollards.csv", &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:25832");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:25832");
    assert_int_equal(cpted_site_feature_count(site), 2);
    assert_int_equal(cpted_site_feature_role(site, 0), CPTED_ROLE_BARRIER);
    double x, y, d;
    test_point_xy(site, 1, &x, &y);
    assert_near(x, 500001.5, 1e-9);
    assert_int_equal(cpted_site_get_feature_number(&d, site, 1, "diameter"), CPTED_OK);
    assert_near(d, 0.2, 1e-12);
    cpted_site_free(site);
}

/* ---- several sources ---------------------------------------------------------------- */

/* Copies a tests/data file to the temporary directory; returns its path. */
static void copy_data_file(const char *name, const char *copy_name, char *out, size_t size)
{
    FILE *in = fopen(test_data_path(name), "rb");
    assert_non_null(in);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    assert_true(n > 0 && n < sizeof text - 1);
    text[n] = '\0';
    snprintf(out, size, "%s", test_tmp_path(copy_name));
    test_write_file(out, text);
}

/* Ids are "layer:fid"; a layer name already used by an earlier source gets the
 * later file's stem, then "#2", "#3"... (docs/roles.md) */
static void test_ids_unique_across_sources(void **state)
{
    char original[4096], copy[4096];
    snprintf(original, sizeof original, "%s", test_data_path("roads.geojson"));
    copy_data_file("roads.geojson", "copy.geojson", copy, sizeof copy);
    const char *paths[] = {original, copy, copy};
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), paths, 3, NULL), CPTED_OK);
    assert_int_equal(cpted_site_feature_count(site), 12);
    /* reading order: four roads (GeoJSON fids 0..3) per source */
    static const char *const expect[] = {"roads:0", "roads:3", "copy/roads:0", "copy/roads:3",
                                         "copy#2/roads:0", "copy#2/roads:3"};
    static const size_t at[] = {0, 3, 4, 7, 8, 11};
    for (size_t k = 0; k < 6; k++)
        assert_string_equal(cpted_site_feature_id(site, at[k]), expect[k]);
    for (size_t i = 0; i < 12; i++)
        for (size_t j = i + 1; j < 12; j++)
            if (strcmp(cpted_site_feature_id(site, i), cpted_site_feature_id(site, j)) == 0)
                fail_msg("features %zu and %zu share the id %s", i, j,
                         cpted_site_feature_id(site, i));
    /* layer groups keep the layer's own name; one group per (source, layer, role) */
    assert_int_equal(cpted_site_layer_count(site), 2);
    assert_string_equal(cpted_site_layer_name(site, 1), "roads");
    int64_t f = 0;
    assert_int_equal(cpted_site_get_layer_counts(&f, NULL, NULL, site, 1), CPTED_OK);
    assert_int_equal(f, 8);
    cpted_site_free(site);

    /* one source alone keeps the plain ids */
    const char *alone[] = {copy};
    assert_int_equal(cpted_site_open(&site, ctx_of(state), alone, 1, NULL), CPTED_OK);
    assert_string_equal(cpted_site_feature_id(site, 0), "roads:0");
    cpted_site_free(site);
}

/* A diameter of 200 (millimetres typed into a metre field) would make a
 * 200 m bollard that closes every gap: refused, or skipped when lenient
 * (ranges: docs/roles.md). */
static void test_absurd_diameter(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "absurd_diameter.geojson", NULL), CPTED_E_FORMAT);
    assert_null(site);
    assert_error_mentions(state, "absurd_diameter.geojson' layer 'bollards' feature 1: bad "
                                 "attribute diameter='200': outside the plausible range (0, 3] m "
                                 "of a diameter");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1;
    assert_int_equal(open1(state, &site, "absurd_diameter.geojson", &o), CPTED_OK);
    assert_counts(site, "bollards", CPTED_ROLE_BARRIER, 1, 0, 1);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "feature 1: bad attribute "
                                                        "diameter='200'"));
    assert_non_null(strstr(cpted_site_warning(site, 0), "; skipped"));
    cpted_site_free(site);

    /* the bounds themselves: 3 m is a diameter, 3.001 m is not; lanes are whole */
    static const struct {
        const char *props;
        int status;
    } cases[] = {
        {"\"diameter\":3", CPTED_OK},       {"\"diameter\":3.001", CPTED_E_FORMAT},
        {"\"thickness\":5", CPTED_OK},      {"\"thickness\":5.5", CPTED_E_FORMAT},
        {"\"width\":100", CPTED_OK},        {"\"width\":150", CPTED_E_FORMAT},
        {"\"lanes\":20", CPTED_OK},         {"\"lanes\":21", CPTED_E_FORMAT},
        {"\"lanes\":2.5", CPTED_E_FORMAT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "{\"type\":\"FeatureCollection\",\"name\":\"roads\",\"crs\":{\"type\":\"name\","
                 "\"properties\":{\"name\":\"EPSG:32632\"}},\"features\":[{\"type\":\"Feature\","
                 "\"properties\":{%s},\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
                 "[[500000,5538600],[500100,5538600]]}}]}",
                 cases[i].props);
        const char *path = test_tmp_path("attribute_range.geojson");
        test_write_file(path, text);
        int rc = cpted_site_open(&site, ctx_of(state), &path, 1, NULL);
        if (rc != cases[i].status)
            fail_msg("%s: status %d, expected %d (%s)", cases[i].props, rc, cases[i].status,
                     cpted_context_last_error(ctx_of(state)));
        cpted_site_free(site);
        site = NULL;
    }
}

/* OSM tags never fail a load: diameter=5000 (OSM's unit is the millimetre:
 * 5 m) is outside (0, 3] m and ignored with a warning; diameter=200 is 0.2 m. */
static void test_osm_implausible_tag_ignored(void **state)
{
    const char *path = test_tmp_path("implausible.osm");
    test_write_file(path,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n"
                    " <node id=\"1\" lat=\"50.0\" lon=\"9.0\" version=\"1\"><tag k=\"barrier\" "
                    "v=\"bollard\"/><tag k=\"diameter\" v=\"5000\"/></node>\n"
                    " <node id=\"2\" lat=\"50.0\" lon=\"9.0001\" version=\"1\"><tag k=\"barrier\" "
                    "v=\"bollard\"/><tag k=\"diameter\" v=\"200\"/></node>\n</osm>\n");
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_OK);
    assert_counts(site, "points", CPTED_ROLE_BARRIER, 2, 0, 0);
    assert_non_null(strstr(cpted_site_warning(site, 0),
                           "layer 'points' feature 1 (OSM node 1): diameter='5000' outside the "
                           "plausible range (0, 3] m of a diameter; ignored"));
    double d = 0.0;
    assert_int_equal(cpted_site_get_feature_number(&d, site, 0, "diameter"), CPTED_E_NOTFOUND);
    assert_int_equal(cpted_site_get_feature_number(&d, site, 1, "diameter"), CPTED_OK);
    assert_near(d, 0.2, 1e-12);
    cpted_site_free(site);
}

/* A vertex at 1e308 in a UTM file: make-valid would "repair" the polygon into
 * another shape, and `info` would print a 309-digit extent. It is refused in
 * the source CRS, before any repair; the plausible box of EPSG:32632 is its
 * area of use (0°-84°N, 6°-12°E: x about 166 km to 834 km, y 0 to 9.3e6 m)
 * widened by its larger side. */
static void test_huge_vertex(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "huge_vertex.geojson", NULL), CPTED_E_GEOMETRY);
    assert_null(site);
    assert_error_mentions(state, "huge_vertex.geojson' layer 'assets' feature 1: coordinates far "
                                 "outside the area of use of the layer's CRS (x 500000 to 1e+308");
    /* x: 166021 m (`echo 6 0 | proj +proj=utm +zone=32 +ellps=WGS84`) and
     * 833979 m; y: 0 to 9329005 m (`echo 6 84 | proj ...`); widened by 9329005 m */
    assert_error_mentions(state, "plausible for EPSG:32632: x -9162984 to 10162984, y -9329005 "
                                 "to 18658010)");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1;
    assert_int_equal(open1(state, &site, "huge_vertex.geojson", &o), CPTED_OK);
    assert_counts(site, "assets", CPTED_ROLE_ASSET, 1, 0, 1);
    assert_int_equal(cpted_site_feature_count(site), 1);
    double e[4];
    assert_int_equal(cpted_site_get_extent(e, site), CPTED_OK);
    assert_near(e[2], 500020.0, 1e-9);
    assert_near(e[3], 5538620.0, 1e-9);
    cpted_site_free(site);
}

/* A latitude of 95° is beyond the lon/lat limits: refused while reading, in
 * the source CRS, before any repair or transformation (docs/crs.md). */
static void test_latitude_beyond_limits(void **state)
{
    const char *path = test_tmp_path("pole95.geojson");
    test_write_file(path,
                    "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"features\":["
                    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                    "\"Point\",\"coordinates\":[9.0,50.0]}},"
                    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
                    "{\"type\":\"Point\",\"coordinates\":[9.0,95.0]}}]}");
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_E_CRS);
    assert_null(site);
    assert_error_mentions(state, "layer 'bollards' feature 1: coordinates outside lon/lat limits "
                                 "(|x| up to 9, |y| up to 95; the layer's CRS EPSG:4326 is "
                                 "lon/lat: longitudes within +-180, latitudes within +-90)");
}

/* A point on the far side of the globe has no place in an orthographic
 * projection centred on 9°E 50°N: it passes the checks in the source CRS but
 * PROJ cannot transform it (`echo -171 -50 | cs2cs +proj=longlat
 * +datum=WGS84 +to +proj=ortho +lat_0=50 +lon_0=9 +datum=WGS84 +units=m`
 * prints `* *`); the lenient load drops it from the site (docs/crs.md). */
static void test_untransformable_feature(void **state)
{
    const char *path = test_tmp_path("farside.geojson");
    test_write_file(path,
                    "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"features\":["
                    "{\"type\":\"Feature\",\"properties\":{\"name\":\"a\"},\"geometry\":{\"type\":"
                    "\"Point\",\"coordinates\":[9.0,50.0]}},"
                    "{\"type\":\"Feature\",\"properties\":{\"name\":\"far\"},\"geometry\":"
                    "{\"type\":\"Point\",\"coordinates\":[-171.0,-50.0]}},"
                    "{\"type\":\"Feature\",\"properties\":{\"name\":\"c\"},\"geometry\":{\"type\":"
                    "\"Point\",\"coordinates\":[10.0,50.0]}}]}");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.working_crs = "+proj=ortho +lat_0=50 +lon_0=9 +datum=WGS84 +units=m +type=crs";
    o.allow_distortion = 1; /* the site spans the globe */
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_null(site);
    assert_error_mentions(state, "layer 'bollards' feature 1: cannot transform");

    o.lenient = 1;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_counts(site, "bollards", CPTED_ROLE_BARRIER, 2, 0, 1);
    assert_int_equal(cpted_site_feature_count(site), 2);
    assert_string_equal(cpted_site_feature_id(site, 0), "bollards:0");
    assert_string_equal(cpted_site_feature_id(site, 1), "bollards:2");
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_non_null(strstr(cpted_site_warning(site, 0), "feature 1: cannot transform"));
    /* `echo 10 50 | cs2cs -f %.6f +proj=longlat +datum=WGS84 +to +proj=ortho
     * +lat_0=50 +lon_0=9 +datum=WGS84 +units=m`: 71692.113709 479.273866 */
    double x, y;
    test_point_xy(site, 1, &x, &y);
    assert_near(x, 71692.113709, 1e-5);
    assert_near(y, 479.273866, 1e-5);
    cpted_site_free(site);
}

/* ---- OpenStreetMap ---------------------------------------------------------------- */

static int64_t stop_after;

static int32_t CPTED_CALL interrupt_later(void *payload)
{
    (void)payload;
    return --stop_after <= 0;
}

static void test_osm_helsinki(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_sample_path("osm/helsinki_centre_osm_2019.osm.pbf");
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32635");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:4326");
    /* 494 multipolygons carry building=*: 11 are building=roof (no role, a
     * vehicle drives under them); 471 load, 11 of them repaired; 12 cut at the
     * extract's edge are skipped with a warning naming the OSM id */
    assert_counts(site, "multipolygons", CPTED_ROLE_BUILDING, 471, 11, 12);
    /* 125 bollard nodes + 3 barrier=block nodes */
    assert_counts(site, "points", CPTED_ROLE_BARRIER, 128, 0, 0);
    /* 57 ways tagged barrier=bollard (no jersey_barrier/planter/block ways) */
    assert_counts(site, "lines", CPTED_ROLE_BARRIER, 57, 0, 0);
    /* wall 33 + retaining_wall 75 */
    assert_counts(site, "lines", CPTED_ROLE_OBSTACLE, 108, 0, 0);
    /* the vehicle-capable highway lines */
    assert_counts(site, "lines", CPTED_ROLE_ROAD, 979, 0, 0);
    size_t bollard_points = 0, rows = 0;
    for (size_t i = 0; i < cpted_site_feature_count(site); i++) {
        const char *kind = cpted_site_feature_text(site, i, "kind");
        if (!kind || strcmp(kind, "barrier=bollard") != 0)
            continue;
        if (strncmp(cpted_site_feature_id(site, i), "points:", 7) == 0)
            bollard_points++;
        else
            rows++;
    }
    assert_int_equal(bollard_points, 125);
    assert_int_equal(rows, 57); /* flagged unverified_row: tests/unit/test_roles.c */
    int found_cut = 0;
    for (size_t i = 0; i < cpted_site_warning_count(site); i++)
        found_cut += strstr(cpted_site_warning(site, i), "(OSM way 22499189)") != NULL;
    assert_int_equal(found_cut, 1);
    /* 34 highway ways tagged tunnel=building_passage (33) or covered=yes (1)
     * cut 38 times through 19 buildings; 36 of the 66 gate nodes lie on a wall
     * or fence (29 fences, 6 walls, 1 retaining wall) and open it */
    size_t passages = 0, gates = 0;
    for (size_t i = 0; i < cpted_site_warning_count(site); i++) {
        passages += strstr(cpted_site_warning(site, i), "cut through it") != NULL;
        gates += strstr(cpted_site_warning(site, i), "opens 3.50 m of it") != NULL;
    }
    assert_int_equal(passages, 38);
    assert_int_equal(gates, 36);
    /* the site lies in central Helsinki: about 24.94 E, 60.17 N */
    double e[4];
    assert_int_equal(cpted_site_get_extent(e, site), CPTED_OK);
    double lon, lat;
    assert_int_equal(
        cpted_site_to_output(&lon, &lat, site, 0.5 * (e[0] + e[2]), 0.5 * (e[1] + e[3])), CPTED_OK);
    assert_true(lon > 24.9 && lon < 25.0);
    assert_true(lat > 60.1 && lat < 60.2);
    cpted_site_free(site);
}

/* ---- OSM semantics (tests/data/osm_semantics.osm) ----------------------------
 * The file's nodes lie on a metre grid in UTM 31N, written to 1e-7 degrees as
 * GDAL's OSM driver keeps them: each coordinate is off by up to 0.6 cm, so
 * lengths agree with the grid to 2 cm and areas of the 20 m x 10 m building to
 * 0.35 m2. The exact arithmetic of the cuts is in tests/unit/test_roles.c. */

static long find_osm(const cpted_site *site, const char *osm_id)
{
    for (size_t i = 0; i < cpted_site_feature_count(site); i++) {
        const char *id = cpted_site_feature_text(site, i, "osm_id");
        if (id && strcmp(id, osm_id) == 0)
            return (long)i;
    }
    fail_msg("no feature %s", osm_id);
    return -1;
}

static uint32_t wkb_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double wkb_f64(const unsigned char *p)
{
    double v;
    memcpy(&v, p, sizeof v); /* little-endian host, as the WKB (checked below) */
    return v;
}

/* Areas (Polygon: one; MultiPolygon: one per part) or lengths (LineString,
 * MultiLineString) of feature i's little-endian 2D ISO WKB; returns the count. */
static size_t measure_parts(const cpted_site *site, size_t i, double *out, size_t max)
{
    unsigned char *wkb = NULL;
    size_t size = 0;
    assert_int_equal(cpted_site_get_feature_wkb(&wkb, &size, site, i), CPTED_OK);
    const unsigned char *p = wkb;
    assert_int_equal(p[0], 1);
    uint32_t type = wkb_u32(p + 1);
    size_t parts = 1, count = 0;
    p += 5;
    if (type == 5 || type == 6) {
        parts = wkb_u32(p);
        p += 4;
    }
    for (size_t k = 0; k < parts && count < max; k++) {
        if (type == 5 || type == 6)
            p += 5; /* each part's own header */
        bool polygon = type == 3 || type == 6;
        uint32_t rings = polygon ? wkb_u32(p) : 1;
        if (polygon)
            p += 4;
        double value = 0.0;
        for (uint32_t r = 0; r < rings; r++) {
            uint32_t n = wkb_u32(p);
            p += 4;
            double ring = 0.0;
            for (uint32_t v = 0; v + 1 < n; v++) {
                double x0 = wkb_f64(p + 16 * v), y0 = wkb_f64(p + 16 * v + 8);
                double x1 = wkb_f64(p + 16 * v + 16), y1 = wkb_f64(p + 16 * v + 24);
                ring += polygon ? x0 * y1 - x1 * y0 : hypot(x1 - x0, y1 - y0);
            }
            value += polygon ? (r == 0 ? 0.5 * fabs(ring) : -0.5 * fabs(ring)) : ring;
            p += 16 * (size_t)n;
        }
        out[count++] = value;
    }
    assert_true((size_t)(p - wkb) == size || count == max);
    cpted_free(wkb);
    return count;
}

static double number(const cpted_site *site, size_t i, const char *key)
{
    double v = NAN;
    assert_int_equal(cpted_site_get_feature_number(&v, site, i, key), CPTED_OK);
    return v;
}

static bool has_warning(const cpted_site *site, const char *text)
{
    for (size_t i = 0; i < cpted_site_warning_count(site); i++)
        if (strstr(cpted_site_warning(site, i), text))
            return true;
    return false;
}

/* way/200 (highway=service, tunnel=building_passage, width=3) crosses the
 * 20 m x 10 m building way/100: 200 - 3 * 10 = 170 m2 are left in two pieces
 * of 8.5 m x 10 m; the road itself stays a road. */
static void test_osm_building_passage(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "osm_semantics.osm", NULL), CPTED_OK);
    long b = find_osm(site, "way/100");
    assert_int_equal(cpted_site_feature_role(site, (size_t)b), CPTED_ROLE_BUILDING);
    assert_true(number(site, (size_t)b, "passages") == 1.0);
    double parts[4];
    assert_int_equal(measure_parts(site, (size_t)b, parts, 4), 2);
    assert_near(parts[0] + parts[1], 170.0, 0.35);
    assert_near(parts[0], 85.0, 0.2);
    assert_near(parts[1], 85.0, 0.2);
    assert_true(has_warning(site, "building way/100: drivable passage way/200 (3.00 m wide) cut "
                                  "through it"));
    long road = find_osm(site, "way/200");
    assert_int_equal(cpted_site_feature_role(site, (size_t)road), CPTED_ROLE_ROAD);
    assert_string_equal(cpted_site_feature_text(site, (size_t)road, "kind"), "highway=service");
    assert_true(number(site, (size_t)road, "width") == 3.0);
    /* the building's attributes, for the outputs */
    assert_string_equal(cpted_site_feature_text(site, (size_t)b, "name"), "Passage House");
    assert_string_equal(cpted_site_feature_text(site, (size_t)b, "address"), "Testgatan 12");
    assert_string_equal(cpted_site_feature_text(site, (size_t)b, "amenity"), "townhall");
    assert_null(cpted_site_feature_text(site, (size_t)road, "address"));
    /* the other building is not crossed */
    long g = find_osm(site, "way/104");
    assert_true(number(site, (size_t)g, "passages") == 0.0);
    assert_int_equal(measure_parts(site, (size_t)g, parts, 4), 1);
    assert_near(parts[0], 200.0, 0.35);
    cpted_site_free(site);
    /* the passage is cut even when the role map drops the lines layer */
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    const char *map[] = {"lines=none"};
    o.role_map = map;
    o.role_map_count = 1;
    assert_int_equal(open1(state, &site, "osm_semantics.osm", &o), CPTED_OK);
    b = find_osm(site, "way/100");
    assert_true(number(site, (size_t)b, "passages") == 1.0);
    assert_int_equal(measure_parts(site, (size_t)b, parts, 4), 2);
    assert_near(parts[0] + parts[1], 170.0, 0.35);
    cpted_site_free(site);
}

/* Gates on 20 m walls: width=4 leaves 8 + 8 m, no width (3.5 m) 8.25 + 8.25
 * m, a lift_gate with maxwidth=5 on a fence 7.5 + 7.5 m. gates_closed keeps
 * them whole. */
static void test_osm_gates(void **state)
{
    static const struct {
        const char *way;
        double piece_m;
        int32_t role;
    } walls[] = {{"way/300", 8.0, CPTED_ROLE_OBSTACLE},
                 {"way/301", 8.25, CPTED_ROLE_OBSTACLE},
                 {"way/302", 7.5, CPTED_ROLE_SOFT}};
    for (int closed = 0; closed <= 1; closed++) {
        cpted_site_options o;
        CPTED_SITE_OPTIONS_INIT(&o);
        o.gates_closed = closed;
        cpted_site *site = NULL;
        assert_int_equal(open1(state, &site, "osm_semantics.osm", &o), CPTED_OK);
        for (size_t k = 0; k < sizeof walls / sizeof walls[0]; k++) {
            long w = find_osm(site, walls[k].way);
            assert_int_equal(cpted_site_feature_role(site, (size_t)w), walls[k].role);
            double parts[4];
            size_t n = measure_parts(site, (size_t)w, parts, 4);
            if (closed) {
                assert_int_equal(n, 1);
                assert_near(parts[0], 20.0, 0.02);
                assert_true(number(site, (size_t)w, "gates") == 0.0);
            } else {
                assert_int_equal(n, 2);
                assert_near(parts[0], walls[k].piece_m, 0.02);
                assert_near(parts[1], walls[k].piece_m, 0.02);
                assert_true(number(site, (size_t)w, "gates") == 1.0);
            }
        }
        assert_int_equal(has_warning(site, "barrier=wall way/300: gate node/20 opens 4.00 m of it"),
                         !closed);
        assert_int_equal(has_warning(site, "barrier=wall way/301: gate node/23 opens 3.50 m of it"),
                         !closed);
        /* a lift_gate across a road: soft (does not block), the road is whole */
        long lg = find_osm(site, "node/40");
        assert_string_equal(cpted_site_feature_text(site, (size_t)lg, "kind"), "barrier=lift_gate");
        assert_int_equal(cpted_site_feature_role(site, (size_t)lg), CPTED_ROLE_SOFT);
        assert_true(number(site, (size_t)lg, "operable") == 1.0);
        long road = find_osm(site, "way/201");
        double len[2];
        assert_int_equal(measure_parts(site, (size_t)road, len, 2), 1);
        assert_near(len[0], 130.0, 0.02);
        cpted_site_free(site);
    }
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.gates_closed = 2;
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "osm_semantics.osm", &o), CPTED_E_INVALID);
    assert_error_mentions(state, "gates_closed = 2 must be 0 or 1");
}

/* Operable bollards are soft (lowered) unless gates_closed; fixed ones and
 * city walls block; a bollard way is an unverified row; roof and construction
 * buildings get no role; asset=yes makes an asset. */
static void test_osm_barrier_semantics(void **state)
{
    for (int closed = 0; closed <= 1; closed++) {
        cpted_site_options o;
        CPTED_SITE_OPTIONS_INIT(&o);
        o.gates_closed = closed;
        cpted_site *site = NULL;
        assert_int_equal(open1(state, &site, "osm_semantics.osm", &o), CPTED_OK);
        int32_t operable_role = closed ? CPTED_ROLE_BARRIER : CPTED_ROLE_SOFT;
        long rem = find_osm(site, "node/28"), ris = find_osm(site, "node/29");
        long fixed = find_osm(site, "node/30");
        assert_int_equal(cpted_site_feature_role(site, (size_t)rem), operable_role);
        assert_int_equal(cpted_site_feature_role(site, (size_t)ris), operable_role);
        assert_string_equal(cpted_site_feature_text(site, (size_t)rem, "kind"),
                            "barrier=bollard;bollard=removable");
        assert_string_equal(cpted_site_feature_text(site, (size_t)ris, "kind"),
                            "barrier=bollard;bollard=rising");
        assert_true(number(site, (size_t)rem, "operable") == 1.0);
        assert_true(has_warning(site, closed ? "barrier=bollard;bollard=removable is an operable "
                                               "bollard: modelled up (gates_closed)"
                                             : "barrier=bollard;bollard=removable is an operable "
                                               "bollard: modelled lowered, not blocking"));
        assert_int_equal(cpted_site_feature_role(site, (size_t)fixed), CPTED_ROLE_BARRIER);
        assert_true(number(site, (size_t)fixed, "operable") == 0.0);
        assert_true(number(site, (size_t)fixed, "unverified_row") == 0.0);
        long city = find_osm(site, "way/303");
        assert_int_equal(cpted_site_feature_role(site, (size_t)city), CPTED_ROLE_OBSTACLE);
        long row = find_osm(site, "way/304");
        assert_int_equal(cpted_site_feature_role(site, (size_t)row), CPTED_ROLE_BARRIER);
        assert_true(number(site, (size_t)row, "unverified_row") == 1.0);
        /* building=roof and building=construction: counted under none, not kept */
        assert_int_equal(find_feature(site, "Roof Canopy"), -1);
        assert_int_equal(find_feature(site, "Building Site"), -1);
        assert_counts(site, "multipolygons", CPTED_ROLE_NONE, 2, 0, 0);
        assert_counts(site, "multipolygons", CPTED_ROLE_BUILDING, 3, 0, 0);
        long tagged = find_osm(site, "way/105");
        assert_int_equal(cpted_site_feature_role(site, (size_t)tagged), CPTED_ROLE_ASSET);
        assert_string_equal(cpted_site_feature_text(site, (size_t)tagged, "kind"), "asset=yes");
        cpted_site_free(site);
    }
}

/* Opens osm_semantics.osm with asset selectors; returns the status. */
static int open_picked(void **state, cpted_site **site, const char *where,
                       const char *const *ids, size_t id_count, const char *const *names,
                       size_t name_count)
{
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assets_where = where;
    o.asset_ids = ids;
    o.asset_id_count = id_count;
    o.asset_names = names;
    o.asset_name_count = name_count;
    return open1(state, site, "osm_semantics.osm", &o);
}

/* Roles of three of the buildings: Passage House, Gallery North, Tagged Asset. */
static void assert_asset_roles(const cpted_site *site, int32_t passage, int32_t gallery,
                               int32_t tagged)
{
    assert_int_equal(cpted_site_feature_role(site, (size_t)find_osm(site, "way/100")), passage);
    assert_int_equal(cpted_site_feature_role(site, (size_t)find_osm(site, "way/104")), gallery);
    assert_int_equal(cpted_site_feature_role(site, (size_t)find_osm(site, "way/105")), tagged);
}

static void test_assets_pick(void **state)
{
    const int32_t A = CPTED_ROLE_ASSET, B = CPTED_ROLE_BUILDING;
    cpted_site *site = NULL;
    /* an attribute filter over the multipolygons layer */
    assert_int_equal(open_picked(state, &site, "name = 'Gallery North'", NULL, 0, NULL, 0),
                     CPTED_OK);
    assert_asset_roles(site, B, A, B); /* the tagged asset is a building now */
    assert_counts(site, "multipolygons", CPTED_ROLE_ASSET, 1, 0, 0);
    assert_counts(site, "multipolygons", CPTED_ROLE_BUILDING, 3, 0, 0);
    cpted_site_free(site);
    assert_int_equal(open_picked(state, &site, "amenity = 'townhall'", NULL, 0, NULL, 0),
                     CPTED_OK);
    assert_asset_roles(site, A, B, B);
    cpted_site_free(site);
    /* ids: OSM and feature ids */
    const char *ids[] = {"way/100", "multipolygons:104"};
    assert_int_equal(open_picked(state, &site, NULL, ids, 2, NULL, 0), CPTED_OK);
    assert_asset_roles(site, A, A, B);
    cpted_site_free(site);
    /* names: substrings, ASCII case folded */
    const char *names[] = {"GALLERY", "sage ho"};
    assert_int_equal(open_picked(state, &site, NULL, NULL, 0, names, 2), CPTED_OK);
    assert_asset_roles(site, A, A, B);
    /* the passage opens the asset too, but the asset stays whole for measuring */
    long house = find_osm(site, "way/100");
    assert_true(number(site, (size_t)house, "passages") == 1.0);
    assert_true(has_warning(site, "asset way/100: drivable passage way/200 (3.00 m wide) opened "
                                  "through it"));
    double parts[2];
    assert_int_equal(measure_parts(site, (size_t)house, parts, 2), 1);
    assert_near(parts[0], 200.0, 0.35);
    cpted_site_free(site);
}

static void test_assets_pick_errors(void **state)
{
    cpted_site *site = NULL;
    const char *missing[] = {"way/100", "way/999"};
    assert_int_equal(open_picked(state, &site, NULL, missing, 2, NULL, 0), CPTED_E_NOTFOUND);
    assert_null(site);
    assert_error_mentions(state, "asset id 'way/999' matches no building");
    const char *wall[] = {"way/300"}; /* exists, but is a wall */
    assert_int_equal(open_picked(state, &site, NULL, wall, 1, NULL, 0), CPTED_E_NOTFOUND);
    assert_error_mentions(state, "asset id 'way/300' matches no building");
    const char *nobody[] = {"Nowhere Hall"};
    assert_int_equal(open_picked(state, &site, NULL, NULL, 0, nobody, 1), CPTED_E_NOTFOUND);
    assert_error_mentions(state, "asset name 'Nowhere Hall' matches no building name");
    const char *roof[] = {"Roof Canopy"}; /* a roof is not a building */
    assert_int_equal(open_picked(state, &site, NULL, NULL, 0, roof, 1), CPTED_E_NOTFOUND);
    assert_int_equal(open_picked(state, &site, "name = 'zzz'", NULL, 0, NULL, 0),
                     CPTED_E_NOTFOUND);
    assert_error_mentions(state, "assets_where 'name = 'zzz'' matches no building");
    assert_int_equal(open_picked(state, &site, "name = = 1", NULL, 0, NULL, 0), CPTED_E_INVALID);
    assert_error_mentions(state, "assets_where 'name = = 1' on '");
    assert_error_mentions(state, "layer 'multipolygons': ");
    assert_error_mentions(state, "syntax error");
    assert_int_equal(open_picked(state, &site, "", NULL, 0, NULL, 0), CPTED_E_INVALID);
    assert_int_equal(open_picked(state, &site, NULL, NULL, 1, NULL, 0), CPTED_E_INVALID);
    const char *empty[] = {""};
    assert_int_equal(open_picked(state, &site, NULL, NULL, 0, empty, 1), CPTED_E_INVALID);
    assert_error_mentions(state, "asset name 0 is empty");
    assert_null(site);
}

/* assets_where on a plain source: the layer named `buildings`. */
static void test_assets_where_plain(void **state)
{
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assets_where = "name = 'plain'";
    cpted_site *site = NULL;
    assert_int_equal(open1(state, &site, "precedence.geojson", &o), CPTED_OK);
    long plain = find_feature(site, "plain");
    assert_int_equal(cpted_site_feature_role(site, (size_t)plain), CPTED_ROLE_ASSET);
    assert_null(cpted_site_feature_text(site, (size_t)plain, "osm_id"));
    long planter = find_feature(site, "planter");
    assert_int_equal(cpted_site_feature_role(site, (size_t)planter), CPTED_ROLE_BARRIER);
    cpted_site_free(site);
    o.assets_where = "height > 3";
    assert_int_equal(open1(state, &site, "precedence.geojson", &o), CPTED_E_INVALID);
    assert_error_mentions(state, "layer 'buildings': ");
    assert_error_mentions(state, "height");
}

static void test_osm_interrupt(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_sample_path("osm/helsinki_centre_osm_2019.osm.pbf");
    stop_after = 3;
    cpted_context_set_interrupt(ctx_of(state), interrupt_later, NULL);
    int rc = cpted_site_open(&site, ctx_of(state), &path, 1, NULL);
    cpted_context_set_interrupt(ctx_of(state), NULL, NULL);
    assert_int_equal(rc, CPTED_E_INTERRUPTED);
    assert_null(site);
}

static double last_fraction;
static int progress_calls;

static void CPTED_CALL on_progress(double fraction, const char *stage, void *payload)
{
    (void)payload;
    assert_string_equal(stage, "read");
    assert_true(fraction >= last_fraction); /* monotone */
    last_fraction = fraction;
    progress_calls++;
}

static void test_progress(void **state)
{
    cpted_site *site = NULL;
    last_fraction = 0.0;
    progress_calls = 0;
    cpted_context_set_progress(ctx_of(state), on_progress, NULL);
    int rc = open1(state, &site, "roads.geojson", NULL);
    cpted_context_set_progress(ctx_of(state), NULL, NULL);
    assert_int_equal(rc, CPTED_OK);
    assert_true(progress_calls >= 1);
    assert_true(last_fraction == 1.0);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_init),
        cmocka_unit_test(test_options_struct_size),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_garbage_file),
        cmocka_unit_test(test_symlink_loop),
        cmocka_unit_test(test_empty_layer_is_listed),
        cmocka_unit_test(test_wrong_type_for_role),
        cmocka_unit_test(test_nan_coordinate),
        cmocka_unit_test(test_empty_geometry),
        cmocka_unit_test(test_bowtie_repaired),
        cmocka_unit_test(test_unknown_role_in_map),
        cmocka_unit_test(test_unknown_role_attribute),
        cmocka_unit_test(test_negative_diameter),
        cmocka_unit_test(test_text_in_number_field),
        cmocka_unit_test(test_unmapped_layer_notice),
        cmocka_unit_test(test_role_precedence),
        cmocka_unit_test(test_road_widths),
        cmocka_unit_test(test_dxf_layers),
        cmocka_unit_test(test_no_crs),
        cmocka_unit_test(test_ids_unique_across_sources),
        cmocka_unit_test(test_latitude_beyond_limits),
        cmocka_unit_test(test_absurd_diameter),
        cmocka_unit_test(test_huge_vertex),
        cmocka_unit_test(test_osm_implausible_tag_ignored),
        cmocka_unit_test(test_untransformable_feature),
        cmocka_unit_test(test_osm_helsinki),
        cmocka_unit_test(test_osm_building_passage),
        cmocka_unit_test(test_osm_gates),
        cmocka_unit_test(test_osm_barrier_semantics),
        cmocka_unit_test(test_assets_pick),
        cmocka_unit_test(test_assets_pick_errors),
        cmocka_unit_test(test_assets_where_plain),
        cmocka_unit_test(test_osm_interrupt),
        cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
