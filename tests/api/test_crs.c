/* test_crs.c - CRS rules of a site (docs/crs.md) through the public API:
 * working CRS from the data or the caller, UTM zone of lon/lat data, merging
 * sources in different CRSs, output CRS. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static cpted_context *ctx_of(void **state) { return *state; }

/* 9°E is the central meridian of UTM zone 32, so 9°E 50°N has easting
 * 500000 m exactly; the northing is from `echo 50 9 | cs2cs -f %.6f EPSG:4326
 * EPSG:32632` (PROJ 9.1): 5538630.702867 m (= 0.9996 x the meridian arc).
 * In ETRS89 / UTM 32N (EPSG:25832, GRS80 ellipsoid, null datum shift from
 * WGS 84) the same point is 0.12 mm further south: 5538630.702744 m. */
static const double utm_x = 500000.0, utm_y = 5538630.702867, etrs_y = 5538630.702744;
#define CS2CS_TOL 1e-5 /* the cs2cs figures are printed to 1e-6 m */

static long feature_with_role(const cpted_site *site, int32_t role)
{
    for (size_t i = 0; i < cpted_site_feature_count(site); i++)
        if (cpted_site_feature_role(site, i) == role)
            return (long)i;
    return -1;
}

static void test_lonlat_goes_to_utm(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_data_path("lonlat_9e50n.geojson");
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:4326");
    double x, y;
    test_point_xy(site, 0, &x, &y);
    assert_near(x, utm_x, CS2CS_TOL);
    assert_near(y, utm_y, CS2CS_TOL);
    /* back to the output CRS in lon/lat order */
    double lon, lat;
    assert_int_equal(cpted_site_to_output(&lon, &lat, site, x, y), CPTED_OK);
    assert_near(lon, 9.0, 1e-9);
    assert_near(lat, 50.0, 1e-9);
    cpted_site_free(site);
}

static void test_two_sources_merge(void **state)
{
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", test_data_path("utm32_assets.geojson"));
    snprintf(b, sizeof b, "%s", test_data_path("lonlat_9e50n.geojson"));
    const char *paths[] = {a, b};
    cpted_site *site = NULL;
    /* the first source is projected in metres: it is the working CRS */
    assert_int_equal(cpted_site_open(&site, ctx_of(state), paths, 2, NULL), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:32632");
    long bollard = feature_with_role(site, CPTED_ROLE_BARRIER);
    assert_true(bollard >= 0);
    double x, y;
    test_point_xy(site, (size_t)bollard, &x, &y);
    assert_near(x, utm_x, CS2CS_TOL);
    assert_near(y, utm_y, CS2CS_TOL);
    double e[4];
    assert_int_equal(cpted_site_get_extent(e, site), CPTED_OK);
    assert_near(e[2], 500040.0, 1e-9); /* the asset was not moved */
    assert_near(e[3], 5538640.0, 1e-9);
    cpted_site_free(site);

    /* lon/lat first: the UTM zone of the centroid; output stays lon/lat */
    const char *reversed[] = {b, a};
    assert_int_equal(cpted_site_open(&site, ctx_of(state), reversed, 2, NULL), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:4326");
    bollard = feature_with_role(site, CPTED_ROLE_BARRIER);
    test_point_xy(site, (size_t)bollard, &x, &y);
    assert_near(x, utm_x, CS2CS_TOL);
    assert_near(y, utm_y, CS2CS_TOL);
    cpted_site_free(site);
}

static void test_explicit_working_crs(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_data_path("lonlat_9e50n.geojson");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.working_crs = "EPSG:4326"; /* geographic: not metric */
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_null(site);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "metres"));

    o.working_crs = "EPSG:999999";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "EPSG:999999"));

    /* ETRS89 / UTM 32N: PROJ's WGS 84 -> ETRS89 is the null transformation */
    o.working_crs = "EPSG:25832";
    o.output_crs = "EPSG:3857";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:25832");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:3857");
    double x, y, ox, oy;
    test_point_xy(site, 0, &x, &y);
    assert_near(x, utm_x, CS2CS_TOL);
    assert_near(y, etrs_y, CS2CS_TOL);
    /* Web Mercator x = R * lon = 6378137 m * 9° * pi / 180 */
    assert_int_equal(cpted_site_to_output(&ox, &oy, site, x, y), CPTED_OK);
    assert_near(ox, 6378137.0 * 9.0 * (4.0 * atan(1.0)) / 180.0, 1e-6);
    cpted_site_free(site);
}

static void test_bad_assume_crs(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_data_path("bollards.csv");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assume_crs = "not a crs";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "not a crs"));
}

/* Writes a one-point lon/lat GeoJSON and returns the working CRS chosen. */
static int utm_for(void **state, double lon, double lat, char *crs_out, size_t size)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"features\":[{\"type\":"
             "\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
             "[%.6f,%.6f]}}]}",
             lon, lat);
    const char *path = test_tmp_path("crs_zone.geojson");
    test_write_file(path, text);
    cpted_site *site = NULL;
    int rc = cpted_site_open(&site, ctx_of(state), &path, 1, NULL);
    if (rc == CPTED_OK)
        snprintf(crs_out, size, "%s", cpted_site_crs(site));
    cpted_site_free(site);
    return rc;
}

static void test_utm_zone_rules(void **state)
{
    char crs[64];
    /* Sydney, 151.2°E 33.87°S: zone floor((151.2 + 180) / 6) + 1 = 56, south */
    assert_int_equal(utm_for(state, 151.2, -33.87, crs, sizeof crs), CPTED_OK);
    assert_string_equal(crs, "EPSG:32756");
    /* Bergen, 5.3°E 60.4°N: zone 31 by longitude, 32 by the Norway exception (32V) */
    assert_int_equal(utm_for(state, 5.3, 60.4, crs, sizeof crs), CPTED_OK);
    assert_string_equal(crs, "EPSG:32632");
    /* Svalbard, 10°E 78°N: zone 32 is not used there; 33 covers 9°E-21°E */
    assert_int_equal(utm_for(state, 10.0, 78.0, crs, sizeof crs), CPTED_OK);
    assert_string_equal(crs, "EPSG:32633");
    /* Quito, 78.5°W 0.2°S: zone 17 south */
    assert_int_equal(utm_for(state, -78.5, -0.2, crs, sizeof crs), CPTED_OK);
    assert_string_equal(crs, "EPSG:32717");
    /* beyond 84°N UTM is not defined: the caller must give a working CRS */
    assert_int_equal(utm_for(state, 0.0, 85.0, crs, sizeof crs), CPTED_E_CRS);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "UTM"));
}

/* Opens a one-bollard GeoJSON whose CRS is given as OGC WKT1 (no AUTHORITY). */
static int open_with_wkt(void **state, const char *central_meridian, cpted_site **site)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"crs\":{\"type\":\"name\","
             "\"properties\":{\"name\":\"PROJCS[\\\"WGS 84 / UTM zone 32N\\\",GEOGCS[\\\"WGS "
             "84\\\",DATUM[\\\"WGS_1984\\\",SPHEROID[\\\"WGS 84\\\",6378137,298.257223563]],"
             "PRIMEM[\\\"Greenwich\\\",0],UNIT[\\\"degree\\\",0.0174532925199433]],PROJECTION["
             "\\\"Transverse_Mercator\\\"],PARAMETER[\\\"latitude_of_origin\\\",0],PARAMETER["
             "\\\"central_meridian\\\",%s],PARAMETER[\\\"scale_factor\\\",0.9996],PARAMETER["
             "\\\"false_easting\\\",500000],PARAMETER[\\\"false_northing\\\",0],UNIT[\\\"metre\\\""
             ",1]]\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{"
             "\"type\":\"Point\",\"coordinates\":[500000,5538630]}}]}",
             central_meridian);
    const char *path = test_tmp_path("crs_wkt1.geojson");
    test_write_file(path, text);
    return cpted_site_open(site, ctx_of(state), &path, 1, NULL);
}

/* A layer CRS without an identifier is identified by PROJ (100 % only), as a
 * CRS the user gives; anything else stays WKT2 (docs/crs.md). */
static void test_layer_crs_identified(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(open_with_wkt(state, "9", &site), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    cpted_site_free(site);
    /* the same name on a central meridian of 9.5°: not zone 32, no code */
    assert_int_equal(open_with_wkt(state, "9.5", &site), CPTED_OK);
    assert_true(strncmp(cpted_site_crs(site), "PROJCRS[", 8) == 0);
    assert_non_null(strstr(cpted_site_crs(site), "9.5"));
    cpted_site_free(site);
}

static void test_site_new_crs(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx_of(state), "EPSG:4326"), CPTED_E_CRS);
    assert_null(site);
    assert_int_equal(cpted_site_new(&site, ctx_of(state), "urn:ogc:def:crs:EPSG::25832"), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:25832");
    cpted_site_free(site);
    /* a US-feet state plane is projected but not metric */
    assert_int_equal(cpted_site_new(&site, ctx_of(state), "EPSG:2263"), CPTED_E_CRS);
    assert_null(site);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "EPSG:2263"));
    assert_int_equal(cpted_site_new(&site, ctx_of(state), "no such crs"), CPTED_E_CRS);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "no such crs"));
}

/* --assume-crs applies to sources that declare no CRS, never to those that do;
 * an assumed and a declared CRS merge like two declared ones. */
static void test_assume_crs_only_for_sources_without_one(void **state)
{
    cpted_site *site = NULL;
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assume_crs = "EPSG:25832";
    const char *lonlat = test_data_path("lonlat_9e50n.geojson");
    char b[4096];
    snprintf(b, sizeof b, "%s", lonlat);
    const char *one[] = {b};
    assert_int_equal(cpted_site_open(&site, ctx_of(state), one, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632"); /* not the assumed one */
    double x, y;
    test_point_xy(site, 0, &x, &y);
    assert_near(x, utm_x, CS2CS_TOL);
    assert_near(y, utm_y, CS2CS_TOL);
    cpted_site_free(site);

    /* CSV without a CRS first: the assumed CRS is the working and output CRS, the
     * lon/lat point is moved into it, the CSV points stay where they are */
    char a[4096];
    snprintf(a, sizeof a, "%s", test_data_path("bollards.csv"));
    const char *both[] = {a, b};
    assert_int_equal(cpted_site_open(&site, ctx_of(state), both, 2, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:25832");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:25832");
    assert_int_equal(cpted_site_feature_count(site), 3);
    test_point_xy(site, 1, &x, &y);
    assert_true(x == 500001.5 && y == 5540000.0);
    test_point_xy(site, 2, &x, &y);
    assert_near(x, utm_x, CS2CS_TOL);
    assert_near(y, etrs_y, CS2CS_TOL);
    cpted_site_free(site);

    /* the same without assume_crs: the CSV is an error naming it */
    const char *again[] = {b, a};
    assert_int_equal(cpted_site_open(&site, ctx_of(state), again, 2, NULL), CPTED_E_CRS);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "bollards.csv' layer "));
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "has no CRS"));
    assert_null(site);
}

static void test_bad_output_crs(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_data_path("lonlat_9e50n.geojson");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.output_crs = "EPSG:123456789";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_null(site);
    assert_non_null(strstr(cpted_context_last_error(ctx_of(state)), "EPSG:123456789"));
    /* a geographic output CRS is fine: results go back to lon/lat */
    o.output_crs = "EPSG:4326";
    o.working_crs = "EPSG:32632";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    double lon, lat;
    assert_int_equal(cpted_site_to_output(&lon, &lat, site, utm_x, utm_y), CPTED_OK);
    assert_near(lon, 9.0, 1e-8);
    assert_near(lat, 50.0, 1e-8);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lonlat_goes_to_utm), cmocka_unit_test(test_two_sources_merge),
        cmocka_unit_test(test_explicit_working_crs), cmocka_unit_test(test_bad_assume_crs),
        cmocka_unit_test(test_utm_zone_rules),       cmocka_unit_test(test_site_new_crs),
        cmocka_unit_test(test_layer_crs_identified),
        cmocka_unit_test(test_assume_crs_only_for_sources_without_one),
        cmocka_unit_test(test_bad_output_crs),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
