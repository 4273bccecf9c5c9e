/* test_site_open.c - cpted_site_open(): GIS files -> site (roles, attributes,
 * geometry checks, CRS), through the public API only. Data: tests/data/ and
 * the real OSM extract in samples/osm/. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A latitude of 95° passes the checks in the source CRS (finite) but PROJ
 * refuses it ("Invalid latitude"): the transform fails after reading, and the
 * lenient load drops the feature from the site (docs/crs.md). */
static void test_untransformable_feature(void **state)
{
    const char *path = test_tmp_path("pole.geojson");
    test_write_file(path,
                    "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"features\":["
                    "{\"type\":\"Feature\",\"properties\":{\"name\":\"a\"},\"geometry\":{\"type\":"
                    "\"Point\",\"coordinates\":[9.0,50.0]}},"
                    "{\"type\":\"Feature\",\"properties\":{\"name\":\"pole\"},\"geometry\":"
                    "{\"type\":\"Point\",\"coordinates\":[9.0,95.0]}},"
                    "{\"type\":\"Feature\",\"properties\":{\"name\":\"c\"},\"geometry\":{\"type\":"
                    "\"Point\",\"coordinates\":[10.0,50.0]}}]}");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.working_crs = "EPSG:3857";
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
    /* x = R * lon in radians: 6378137 m * 10° * pi / 180 */
    double x, y;
    test_point_xy(site, 1, &x, &y);
    assert_near(x, 6378137.0 * 10.0 * (4.0 * atan(1.0)) / 180.0, 1e-6);
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
    /* 494 multipolygons carry building=*: 482 load, 11 of them repaired; 12
     * cut at the extract's edge are skipped with a warning naming the OSM id */
    assert_counts(site, "multipolygons", CPTED_ROLE_BUILDING, 482, 11, 12);
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
        cmocka_unit_test(test_untransformable_feature),
        cmocka_unit_test(test_osm_helsinki),
        cmocka_unit_test(test_osm_interrupt),
        cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
