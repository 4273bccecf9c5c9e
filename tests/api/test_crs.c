/* test_crs.c - CRS rules of a site (docs/crs.md) through the public API:
 * working CRS from the data or the caller, UTM zone of lon/lat data, merging
 * sources in different CRSs, output CRS. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
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

/* A feature added from memory with a vertex at 1e308 is refused before
 * make-valid sees it; the local system's box is +-1e8 m. */
static void test_memory_feature_far_outside(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx_of(state), "EPSG:25832"), CPTED_OK);
    const double tri[] = {500000, 5538600, 1e308, 5538600, 500020, 5538620, 500000, 5538600};
    size_t n = 0;
    unsigned char *wkb = test_wkb_polygon(tri, 4, &n);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
                     CPTED_E_GEOMETRY);
    const char *msg = cpted_context_last_error(ctx_of(state));
    if (!strstr(msg, "memory layer 'assets' feature 1: coordinates far outside the area of use "
                     "of the site's CRS (x 500000 to 1e+308"))
        fail_msg("unexpected message '%s'", msg);
    assert_int_equal(cpted_site_feature_count(site), 0);
    free(wkb);
    cpted_site_free(site);

    assert_int_equal(cpted_site_new(&site, ctx_of(state), NULL), CPTED_OK);
    const double far[] = {0, 0, 2e8, 0, 10, 10, 0, 0};
    wkb = test_wkb_polygon(far, 4, &n);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
                     CPTED_E_GEOMETRY);
    free(wkb);
    const double near[] = {0, 0, 9e7, 0, 10, 10, 0, 0};
    wkb = test_wkb_polygon(near, 4, &n);
    assert_int_equal(cpted_site_add_wkb(NULL, site, "assets", CPTED_ROLE_ASSET, wkb, n, NULL, NULL, 0),
                     CPTED_OK);
    free(wkb);
    cpted_site_free(site);
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

/* ---- distortion of the working CRS (docs/crs.md) ------------------------------ */

static void assert_error_has(void **state, const char *needle)
{
    const char *msg = cpted_context_last_error(ctx_of(state));
    if (!strstr(msg, needle))
        fail_msg("error '%s' does not mention '%s'", msg, needle);
}

/* Web Mercator at 50°N: PROJ's scale factors (`echo 9 50 | proj -S
 * +proj=webmerc +ellps=WGS84`) are h = 1.55699 along the meridian and
 * k = 1.55267 along the parallel; by hand, Web Mercator applies the sphere's
 * formulas to ellipsoidal latitudes, so k = sqrt(1 - e² sin²φ) / cos φ and
 * h = (1 - e² sin²φ)^1.5 / ((1 - e²) cos φ) (computed below). The larger
 * deviation, h, is reported: a site plan in EPSG:3857 measures every distance
 * about 56 % too long. */
static void test_web_mercator_refused(void **state)
{
    const char *path = test_data_path("webmerc_9e50n.geojson");
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_E_CRS);
    assert_null(site);
    const double pi = 4.0 * atan(1.0), e2 = 0.00669437999014; /* WGS 84 */
    double phi = 50.0 * pi / 180.0, w = 1.0 - e2 * sin(phi) * sin(phi);
    double h = pow(w, 1.5) / ((1.0 - e2) * cos(phi)), k = sqrt(w) / cos(phi);
    assert_near(h, 1.556987, 5e-6);
    assert_near(k, 1.552664, 5e-6);
    assert_error_has(state, "working CRS EPSG:3857 distorts distances at the site by a factor "
                            "1.5570 (at 9.0000, 50.0000 lon/lat; more than 0.1 %); use a local "
                            "projected CRS (e.g. EPSG:32632) with --crs, or allow it with "
                            "--allow-distortion");

    /* allowed: the site stays in EPSG:3857 and the points 10 m apart in the
     * file stay 10 m apart (6.4 m on the ground: the caller's choice) */
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.allow_distortion = 1;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:3857");
    double x0, y0, x1, y1;
    test_point_xy(site, 0, &x0, &y0);
    test_point_xy(site, 1, &x1, &y1);
    assert_near(x0, 1001875.0, 1e-9);
    assert_near(y0, 6446276.0, 1e-9);
    assert_near(hypot(x1 - x0, y1 - y0), 10.0, 1e-9);
    cpted_site_free(site);
}

/* 9°E 50°N in UTM zone 35 (central meridian 27°E, 18° away): `echo 9 50 |
 * proj -S +proj=utm +zone=35 +ellps=WGS84` gives the scale 1.01997; by the
 * series k = k0 (1 + (1 + η²) L²/2 + L⁴ (5 - 4 tan²φ)/24), L = Δλ cos φ, it
 * is 0.9996 x 1.02040 = 1.01999: 2 % too long. */
static void test_far_utm_zone_refused(void **state)
{
    const char *path = test_data_path("lonlat_9e50n.geojson");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.working_crs = "EPSG:32635";
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_null(site);
    assert_error_has(state, "working CRS EPSG:32635 distorts distances at the site by a factor "
                            "1.0200");
    assert_error_has(state, "(e.g. EPSG:32632)");
    o.allow_distortion = 1;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32635");
    cpted_site_free(site);
}

/* The automatic UTM zone passes within its zone: 0.0005°E on the equator is
 * 2.9995° from zone 31's meridian, where `echo 0 0 | proj -S +proj=utm
 * +zone=31 +ellps=WGS84` gives 1.00098 (0.098 %, the worst case at a zone's
 * edge). In Norway's zone 32V the grid exception puts 3.2°E 56.5°N in zone 32,
 * whose scale there is 1.00116 (`proj -S +zone=32`): too much, so the zone
 * by longitude, 31 (0.999602), is taken. A site from 0.5°E to 11.5°E at 50°N
 * is too wide for any zone. */
static void test_automatic_utm_distortion(void **state)
{
    char crs[64];
    assert_int_equal(utm_for(state, 0.0005, 0.0005, crs, sizeof crs), CPTED_OK);
    assert_string_equal(crs, "EPSG:32631");
    assert_int_equal(utm_for(state, 3.2, 56.5, crs, sizeof crs), CPTED_OK);
    assert_string_equal(crs, "EPSG:32631");

    const char *path = test_tmp_path("crs_wide.geojson");
    test_write_file(path, "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"features\":["
                          "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                          "\"Point\",\"coordinates\":[0.5,50]}},"
                          "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                          "\"Point\",\"coordinates\":[11.5,50]}}]}");
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_E_CRS);
    assert_error_has(state, "the site (0.5000 to 11.5000 E, 50.0000 to 50.0000 N) is too wide "
                            "for UTM (EPSG:32632)");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.allow_distortion = 1;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    cpted_site_free(site);
}

/* ---- exact CRS matching -------------------------------------------------------- */

/* PROJ resolves "FOO" to "Amersfoort" (the most similar name, `projinfo FOO`);
 * cpted takes a bare name only when it is exactly a CRS's name. */
static void test_exact_crs_names(void **state)
{
    const char *path = test_data_path("lonlat_9e50n.geojson");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    cpted_site *site = NULL;
    o.working_crs = "FOO";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_null(site);
    assert_error_has(state, "unknown CRS 'FOO': no CRS has exactly this name");
    o.working_crs = "UTM zone 32N"; /* part of a name */
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_error_has(state, "unknown CRS 'UTM zone 32N'");
    o.working_crs = NULL;
    o.output_crs = "Amersfoor";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_error_has(state, "unknown CRS 'Amersfoor'");
    o.output_crs = NULL;
    /* an exact name (case aside) is a CRS */
    o.working_crs = "etrs89 / UTM zone 32N";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:25832");
    cpted_site_free(site);
    /* the assumed CRS of sources without one follows the same rule */
    const char *csv = test_data_path("bollards.csv");
    o.working_crs = NULL;
    o.assume_crs = "FOO";
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &csv, 1, &o), CPTED_E_CRS);
    assert_error_has(state, "unknown CRS 'FOO'");
}

/* ---- CRSs that sources declare -------------------------------------------------- */

/* GDAL reads a GeoJSON "crs" it does not know as WGS 84 (EPSG:99999: with an
 * error message only; "FOO": silently); cpted reads the member itself. */
static void test_unknown_declared_crs(void **state)
{
    char buf[4096]; /* (test_*_path share one buffer) */
    snprintf(buf, sizeof buf, "%s", test_data_path("unknown_crs.geojson"));
    const char *path = buf;
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assume_crs = "EPSG:32632"; /* only for sources that declare none */
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_null(site);
    assert_error_has(state, "unknown_crs.geojson' layer 'bollards': the file declares the CRS "
                            "'urn:ogc:def:crs:EPSG::99999', which is not known");
    assert_error_has(state, "give the CRS with --source-crs");

    const char *named = test_tmp_path("crs_foo.geojson");
    test_write_file(named, "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"crs\":{"
                           "\"type\":\"name\",\"properties\":{\"name\":\"FOO\"}},\"features\":["
                           "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                           "\"Point\",\"coordinates\":[500000,5538630]}}]}");
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &named, 1, NULL), CPTED_E_CRS);
    assert_error_has(state, "the file declares the CRS 'FOO', which is not known (unknown CRS "
                            "'FOO': no CRS has exactly this name");

    const char *link = test_tmp_path("crs_link.geojson");
    test_write_file(link, "{\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
                          "{\"type\":\"Point\",\"coordinates\":[500000,5538630]}}],"
                          "\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"crs\":{"
                          "\"type\":\"link\",\"properties\":{\"href\":\"x.prj\"}}}");
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &link, 1, NULL), CPTED_E_CRS);
    assert_error_has(state, "declares its CRS as a \"crs\" of type 'link'");

    /* the EPSG type of GeoJSON 2008, after the features */
    const char *epsg = test_tmp_path("crs_epsg_type.geojson");
    test_write_file(epsg, "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"features\":["
                          "{\"type\":\"Feature\",\"properties\":{\"name\":\"a \\\"b\\\"\"},"
                          "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500000,5538630]}}],"
                          "\"crs\":{\"type\":\"EPSG\",\"properties\":{\"code\":32632}}}");
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &epsg, 1, NULL), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    cpted_site_free(site);

    /* "crs": null is read as GDAL reads it: RFC 7946's WGS 84 lon/lat */
    const char *null_crs = test_tmp_path("crs_null.geojson");
    test_write_file(null_crs, "{\"type\":\"FeatureCollection\",\"name\":\"bollards\",\"crs\":null,"
                              "\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
                              "{\"type\":\"Point\",\"coordinates\":[9,50]}}]}");
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &null_crs, 1, NULL), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:4326");
    cpted_site_free(site);

    /* overridden: the file's declaration is not read at all */
    const char *fix[] = {"unknown_crs.geojson=EPSG:32632"};
    o.source_crs = fix;
    o.source_crs_count = 1;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    double x, y;
    test_point_xy(site, 0, &x, &y);
    assert_near(x, 500000.0, 1e-9);
    assert_near(y, 5538630.0, 1e-9);
    cpted_site_free(site);
}

/* A .prj GDAL cannot parse leaves the layer without a CRS in GDAL; it is an
 * error, which --assume-crs does not silence (the file does declare one). */
static void test_garbage_prj(void **state)
{
    const char *path = test_data_path("garbage_prj/bollards.shp");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assume_crs = "EPSG:32632";
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_null(site);
    assert_error_has(state, "bollards.shp' layer 'bollards': its CRS file '");
    assert_error_has(state, "bollards.prj' is not a CRS GDAL can read");
    const char *fix[] = {"bollards=EPSG:32632"}; /* by stem */
    o.source_crs = fix;
    o.source_crs_count = 1;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    assert_int_equal(cpted_site_feature_count(site), 1);
    cpted_site_free(site);
}

/* A GeoJSON without "crs" is lon/lat (RFC 7946); projected numbers in it get
 * a message saying so, and --source-crs gives their CRS. */
static void test_projected_numbers_without_crs(void **state)
{
    const char *path = test_data_path("projected_no_crs.geojson");
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, NULL), CPTED_E_CRS);
    assert_null(site);
    assert_error_has(state, "projected_no_crs.geojson' layer 'bollards' feature 0: coordinates "
                            "look projected, not lon/lat (|x| up to 385000, |y| up to 5538630); "
                            "the file declares no CRS, so GeoJSON's default WGS 84 lon/lat was "
                            "assumed: give the CRS with --source-crs");
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    const char *all[] = {"EPSG:32632"}; /* no SOURCE=: every source */
    o.source_crs = all;
    o.source_crs_count = 1;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    assert_string_equal(cpted_site_crs(site), "EPSG:32632");
    assert_string_equal(cpted_site_output_crs(site), "EPSG:32632");
    cpted_site_free(site);

    /* a PROJ string has '=' but names no source before it: a CRS for all sources */
    const char *proj_string[] = {"+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs +type=crs"};
    o.source_crs = proj_string;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_OK);
    double x, y;
    test_point_xy(site, 0, &x, &y);
    assert_near(x, 385000.0, 1e-9);
    assert_near(y, 5538630.0, 1e-9);
    cpted_site_free(site);

    /* entries that cannot be right */
    const char *typo[] = {"projected.geojson=EPSG:32632"};
    o.source_crs = typo;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_CRS);
    assert_error_has(state, "source CRS 'projected.geojson=EPSG:32632': unknown CRS");
    assert_error_has(state, "no source is named by what precedes '='");
    const char *twice[] = {"EPSG:32632", "EPSG:25832"};
    o.source_crs = twice;
    o.source_crs_count = 2;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_INVALID);
    assert_error_has(state, "a CRS for all sources is already given");
    o.source_crs = NULL;
    assert_int_equal(cpted_site_open(&site, ctx_of(state), &path, 1, &o), CPTED_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lonlat_goes_to_utm), cmocka_unit_test(test_two_sources_merge),
        cmocka_unit_test(test_explicit_working_crs), cmocka_unit_test(test_bad_assume_crs),
        cmocka_unit_test(test_utm_zone_rules),       cmocka_unit_test(test_site_new_crs),
        cmocka_unit_test(test_layer_crs_identified),
        cmocka_unit_test(test_memory_feature_far_outside),
        cmocka_unit_test(test_assume_crs_only_for_sources_without_one),
        cmocka_unit_test(test_bad_output_crs),
        cmocka_unit_test(test_web_mercator_refused),
        cmocka_unit_test(test_far_utm_zone_refused),
        cmocka_unit_test(test_automatic_utm_distortion),
        cmocka_unit_test(test_exact_crs_names),
        cmocka_unit_test(test_unknown_declared_crs),
        cmocka_unit_test(test_garbage_prj),
        cmocka_unit_test(test_projected_numbers_without_crs),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
