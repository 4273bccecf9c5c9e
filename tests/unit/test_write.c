/*
 * test_write.c - GIS output of standoff and coverage results, read back with
 * GDAL: layer names, feature counts, field values, coordinates (also after
 * reprojection), file layout per format, atomicity and failures.
 *
 * Sites (vehicle M1, width 1.8 m):
 *  - standoff: boundary 100 x 110 m; a closed 1 m wall ring, outer face
 *    x 18..82, y 45..102; inside it a triangular asset with its apex (50, 60)
 *    pointing at the south face. The ring's inside is not reachable, so the
 *    nearest vehicle position is the wall's outer face right below the apex:
 *    standoff 60 - 45 = 15 m, nearest pair (50, 60) -> (50, 45); every other
 *    side is >= 20 m away. Required 20 m: ok false; charge 100 kg:
 *    Z = 15 / 100^(1/3) = 3.231652. Encroachment = the part of A within 20 m of
 *    the apex: a circular segment of r 20 m at distance 15 m,
 *    r² acos(15/20) - 15 sqrt(20² - 15²) = 90.662 m² (less a little for the
 *    polygonal buffer).
 *  - coverage: perimeter line (0,50)-(40,50); obstacles cover x 0..18 and
 *    22..40; bollards (0.2 m) at x 18.6 and 19.6: clear gaps 0.5, 0.8 and 2.3 m;
 *    the 2.3 m gap is non-compliant and lets the car (1.8 m) through: a breach.
 *  - reprojection: the standoff site shifted to (500000, 0) in EPSG:25832
 *    (ETRS89 / UTM 32N, central meridian 9° E, k0 0.9996) written in
 *    EPSG:4326. Near the origin of the projection, lon = 9 + dx / (k0 a π/180)
 *    and lat = dy / (k0 a (1 - e²) π/180) with GRS80 a = 6378137,
 *    e² = 0.00669438002290: (500050, 60) -> (9.000449337, 0.000542839),
 *    (500050, 45) -> (9.000449337, 0.000407129) (cs2cs agrees to 1e-12).
 */
#include "internal.h"
#include "testutil.h"

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

/* ---- sites and runs ------------------------------------------------------ */

static cpted_site *standoff_site(cpted_context *ctx, const char *output_crs, double ox, double oy)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted__site_create(&site, ctx, "EPSG:25832", output_crs), CPTED_OK);
    size_t n;
    unsigned char *w;
    w = test_wkb_rect(ox, oy, ox + 100, oy + 110, &n);
    test_add(site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    static const double ring[4][4] = {
        {18, 45, 82, 46}, {18, 101, 82, 102}, {18, 45, 19, 102}, {81, 45, 82, 102}};
    for (size_t i = 0; i < 4; i++) {
        w = test_wkb_rect(ox + ring[i][0], oy + ring[i][1], ox + ring[i][2], oy + ring[i][3], &n);
        test_add(site, "walls", CPTED_ROLE_OBSTACLE, w, n);
    }
    const double tri[] = {ox + 50, oy + 60, ox + 60, oy + 80, ox + 40, oy + 80};
    w = test_wkb_polygon(tri, 3, &n);
    test_add_attrs(site, "assets", CPTED_ROLE_ASSET, w, n, "name=HQ", "required_standoff_m=20",
                   NULL);
    return site;
}

static cpted_standoff *run_standoff(cpted_site *site)
{
    cpted_vehicle car;
    assert_int_equal(cpted_vehicle_preset(&car, sizeof car, "M1"), CPTED_OK);
    cpted_standoff_options opts;
    assert_int_equal(cpted_standoff_options_init(&opts, sizeof opts), CPTED_OK);
    opts.charge_kg = 100;
    cpted_standoff *result = NULL;
    cpted_freespace *fs = NULL;
    int rc = cpted_freespace_new(&fs, site, &car, NULL);
    if (rc == CPTED_OK)
        rc = cpted_standoff_run(&result, fs, &opts);
    cpted_freespace_free(fs);
    if (rc != CPTED_OK)
        fail_msg("standoff: %s", cpted_context_last_error(cpted_site_context(site)));
    return result;
}

static cpted_site *coverage_site(cpted_context *ctx)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, "EPSG:25832"), CPTED_OK);
    size_t n;
    unsigned char *w;
    w = test_wkb_rect(0, 0, 40, 100, &n);
    test_add(site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    const double line[] = {0, 50, 40, 50};
    w = test_wkb_line(line, 2, &n);
    test_add(site, "perimeter", CPTED_ROLE_PERIMETER, w, n);
    w = test_wkb_rect(0, 49, 18, 51, &n);
    test_add(site, "obstacles", CPTED_ROLE_OBSTACLE, w, n);
    w = test_wkb_rect(22, 49, 40, 51, &n);
    test_add(site, "obstacles", CPTED_ROLE_OBSTACLE, w, n);
    w = test_wkb_point(18.6, 50, &n);
    test_add(site, "bollards", CPTED_ROLE_BARRIER, w, n);
    w = test_wkb_point(19.6, 50, &n);
    test_add(site, "bollards", CPTED_ROLE_BARRIER, w, n);
    return site;
}

static cpted_coverage *run_coverage(cpted_site *site)
{
    cpted_vehicle car;
    assert_int_equal(cpted_vehicle_preset(&car, sizeof car, "M1"), CPTED_OK);
    cpted_coverage *result = NULL;
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &car, NULL), CPTED_OK);
    assert_int_equal(cpted_coverage_run(&result, fs, NULL), CPTED_OK);
    cpted_freespace_free(fs);
    return result;
}

/* ---- reading back -------------------------------------------------------- */

static const char *tmp_file(const char *name)
{
    const char *p = test_tmp_path(name);
    VSIUnlink(p);
    return p;
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static GDALDatasetH open_vector(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        fail_msg("cannot open %s", path);
    return ds;
}

static OGRLayerH layer_of(GDALDatasetH ds, const char *name, GIntBig features)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    if (!l)
        fail_msg("no layer %s", name);
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), features);
    OGR_L_ResetReading(l);
    return l;
}

static double num(OGRFeatureH f, const char *field)
{
    int i = OGR_F_GetFieldIndex(f, field);
    if (i < 0)
        fail_msg("no field %s", field);
    return OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsDouble(f, i) : NAN;
}

static const char *text(OGRFeatureH f, const char *field)
{
    int i = OGR_F_GetFieldIndex(f, field);
    if (i < 0)
        fail_msg("no field %s", field);
    return OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : NULL;
}

/* Equal within a relative 1e-12 (GeoJSON prints 15 digits), both null (NaN) included. */
static void assert_same(double file, double record)
{
    if (isnan(record)) {
        assert_true(isnan(file));
        return;
    }
    assert_near(file, record, 1e-12 * fmax(1.0, fabs(record)));
}

static void assert_same_text(const char *file, const char *record)
{
    if (!record)
        assert_null(file);
    else
        assert_string_equal(file, record);
}

/* Area of a geometry read from a file (GEOS through WKB, GDAL may lack GEOS). */
static double area_m2(cpted_context *ctx, OGRGeometryH g)
{
    size_t n = (size_t)OGR_G_WkbSize(g);
    unsigned char *wkb = malloc(n);
    assert_non_null(wkb);
    assert_int_equal(OGR_G_ExportToIsoWkb(g, wkbNDR, wkb), OGRERR_NONE);
    GEOSGeometry *geos = GEOSGeomFromWKB_buf_r(ctx->geos, wkb, n);
    free(wkb);
    assert_non_null(geos);
    double a = 0;
    assert_int_equal(GEOSArea_r(ctx->geos, geos, &a), 1);
    GEOSGeom_destroy_r(ctx->geos, geos);
    return a;
}

/* No hidden temporary file of ours is left in the scratch directory. */
static void assert_no_temporaries(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_tmp_path(""));
    char **names = VSIReadDir(dir);
    for (char **p = names; p && *p; p++)
        if (strncmp(*p, ".write_", 7) == 0 && strstr(*p, ".tmp-"))
            fail_msg("temporary file left behind: %s", *p);
    CSLDestroy(names);
}

/* ---- standoff ------------------------------------------------------------ */

/* A reaches DELTA beyond the wall's face: it is grown with circumscribed arcs
 * (32 segments per quadrant, radius 0.9 / cos(3 pi / 256)) from R, which keeps
 * 0.9 - 1e-6 off the wall; the standoff reads DELTA short, never long. */
#define DELTA (0.9 / cos(3.0 * 3.14159265358979323846 / 256.0) - (0.9 - 1e-6))

static void check_standoff_lines(GDALDatasetH ds, const cpted_standoff *result,
                                 const double ax[2], const double ay[2], double tol)
{
    cpted_standoff_asset a = {.struct_size = sizeof a};
    assert_int_equal(cpted_standoff_get_asset(&a, result, 0), CPTED_OK);
    OGRLayerH l = layer_of(ds, "standoff_lines", 1);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_string_equal(text(f, "id"), a.id);
    assert_string_equal(text(f, "name"), "HQ");
    assert_int_equal((int)num(f, "reachable"), 1);
    assert_near(num(f, "standoff_m"), 15.0 - DELTA, 1e-6);
    assert_same(num(f, "standoff_m"), a.standoff_m);
    assert_same(num(f, "required_m"), 20.0);
    assert_int_equal((int)num(f, "ok"), 0);
    assert_near(num(f, "scaled_distance"), (15.0 - DELTA) / cbrt(100.0), 1e-9);
    assert_same(num(f, "incident_kpa"), a.incident_kpa);
    assert_same(num(f, "reflected_kpa"), a.reflected_kpa);
    assert_same(num(f, "incident_impulse_kpa_ms"), a.incident_impulse_kpa_ms);
    assert_same(num(f, "encroachment_m2"), a.encroachment_m2);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)), wkbLineString);
    assert_int_equal(OGR_G_GetPointCount(g), 2);
    for (int i = 0; i < 2; i++) {
        assert_near(OGR_G_GetX(g, i), ax[i], tol);
        assert_near(OGR_G_GetY(g, i), ay[i], tol);
    }
    OGR_F_Destroy(f);
}

static void check_encroachment(cpted_context *ctx, GDALDatasetH ds, const cpted_standoff *result,
                               bool metric)
{
    cpted_standoff_asset a = {.struct_size = sizeof a};
    assert_int_equal(cpted_standoff_get_asset(&a, result, 0), CPTED_OK);
    OGRLayerH l = layer_of(ds, "encroachment", 1);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_string_equal(text(f, "id"), a.id);
    assert_same(num(f, "required_m"), 20.0);
    assert_same(num(f, "area_m2"), a.encroachment_m2);
    /* between the segment of the exact 20 m circle at 15 - DELTA (90.679 m2)
     * and that of the circumscribing radius 20 / cos(3 pi / 256) (91.071 m2) */
    assert_true(a.encroachment_m2 >= 90.678 && a.encroachment_m2 <= 91.071);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)), wkbMultiPolygon);
    if (metric)
        assert_near(area_m2(ctx, g), a.encroachment_m2, 1e-6);
    OGR_F_Destroy(f);
}

static void check_accessible(cpted_context *ctx, GDALDatasetH ds, const cpted_standoff *result,
                             bool metric)
{
    double accessible = 0;
    assert_int_equal(cpted_freespace_get_area(&accessible, cpted_standoff_freespace(result),
                                              CPTED_SPACE_ACCESSIBLE),
                     CPTED_OK);
    OGRLayerH l = layer_of(ds, "accessible_area", 1);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_same(num(f, "area_m2"), accessible);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)), wkbMultiPolygon);
    if (metric)
        assert_near(area_m2(ctx, g), accessible, 1e-6);
    OGR_F_Destroy(f);
}

static void test_standoff_gpkg(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = standoff_site(ctx, "EPSG:25832", 0, 0);
    cpted_standoff *result = run_standoff(site);
    const char *path = tmp_file("write_standoff.gpkg");
    assert_int_equal(cpted_standoff_write(result, path, NULL, 0), CPTED_OK);

    GDALDatasetH ds = open_vector(path);
    assert_string_equal(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GPKG");
    assert_int_equal(GDALDatasetGetLayerCount(ds), 3 + 1); /* + layer_styles */
    const double ax[2] = {50, 50}, ay[2] = {60, 45 + DELTA};
    check_standoff_lines(ds, result, ax, ay, 1e-6);
    check_encroachment(ctx, ds, result, true);
    check_accessible(ctx, ds, result, true);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(GDALDatasetGetLayer(ds, 0));
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), "25832");
    GDALClose(ds);
    assert_no_temporaries();

    cpted_standoff_free(result);
    cpted_site_free(site);
}

static void test_standoff_geojson_reprojected(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = standoff_site(ctx, "EPSG:4326", 500000, 0);
    cpted_standoff *result = run_standoff(site);
    static const char *const layers[] = {"standoff_lines", "encroachment", "accessible_area"};
    char files[3][4096];
    for (size_t i = 0; i < 3; i++) {
        char name[128];
        snprintf(name, sizeof name, "write_reproj_%s.geojson", layers[i]);
        snprintf(files[i], sizeof files[i], "%s", tmp_file(name));
    }
    /* the given path names the set: one file per layer beside it */
    assert_int_equal(cpted_standoff_write(result, test_tmp_path("write_reproj.geojson"), NULL, 0),
                     CPTED_OK);
    assert_false(file_exists(test_tmp_path("write_reproj.geojson")));

    GDALDatasetH ds = open_vector(files[0]);
    const double lon = 9.000449337, ax[2] = {lon, lon}, ay[2] = {0.000542839, 0.000407129};
    check_standoff_lines(ds, result, ax, ay, 1e-8);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(GDALDatasetGetLayer(ds, 0));
    assert_non_null(srs);
    assert_true(OSRIsGeographic(srs));
    GDALClose(ds);
    for (size_t i = 1; i < 3; i++) {
        ds = open_vector(files[i]);
        assert_int_equal(GDALDatasetGetLayerCount(ds), 1);
        assert_string_equal(OGR_L_GetName(GDALDatasetGetLayer(ds, 0)), layers[i]);
        if (i == 1)
            check_encroachment(ctx, ds, result, false);
        else
            check_accessible(ctx, ds, result, false);
        GDALClose(ds);
    }
    assert_no_temporaries();
    cpted_standoff_free(result);
    cpted_site_free(site);
}

static void test_standoff_flatgeobuf_by_driver_name(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = standoff_site(ctx, "EPSG:25832", 0, 0);
    cpted_standoff *result = run_standoff(site);
    /* no extension in the path: the driver's own extension is used */
    assert_int_equal(cpted_standoff_write(result, test_tmp_path("write_fgb"), "flatgeobuf", 1),
                     CPTED_OK);
    GDALDatasetH ds = open_vector(test_tmp_path("write_fgb_standoff_lines.fgb"));
    assert_string_equal(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "FlatGeobuf");
    const double ax[2] = {50, 50}, ay[2] = {60, 45 + DELTA};
    check_standoff_lines(ds, result, ax, ay, 1e-6);
    GDALClose(ds);
    ds = open_vector(test_tmp_path("write_fgb_encroachment.fgb"));
    check_encroachment(ctx, ds, result, true);
    GDALClose(ds);
    ds = open_vector(test_tmp_path("write_fgb_accessible_area.fgb"));
    check_accessible(ctx, ds, result, true);
    GDALClose(ds);
    cpted_standoff_free(result);
    cpted_site_free(site);
}

/* An asset no vehicle can reach (the only entry lies inside an obstacle): its row has no
 * geometry. GPKG keeps it with null numbers; FlatGeobuf cannot hold it and the
 * writer says so in a warning instead of dropping it silently. */
static void capture_log(int32_t level, const char *message, void *payload)
{
    char *all = payload; /* 1024 bytes, messages appended */
    if (level == CPTED_LOG_WARNING && strstr(message, "FlatGeobuf"))
        snprintf(all + strlen(all), 1024 - strlen(all), "%s\n", message);
}

static void test_unreachable_asset(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, "EPSG:25832"), CPTED_OK);
    size_t n;
    unsigned char *w = test_wkb_rect(0, 0, 50, 50, &n);
    test_add(site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    w = test_wkb_rect(0, 0, 5, 5, &n);
    test_add(site, "obstacles", CPTED_ROLE_OBSTACLE, w, n);
    w = test_wkb_point(1, 1, &n);
    test_add(site, "entries", CPTED_ROLE_ENTRY, w, n);
    w = test_wkb_rect(20, 20, 30, 30, &n);
    test_add(site, "assets", CPTED_ROLE_ASSET, w, n);
    cpted_standoff *result = run_standoff(site);
    cpted_standoff_asset a = {.struct_size = sizeof a};
    assert_int_equal(cpted_standoff_get_asset(&a, result, 0), CPTED_OK);
    assert_int_equal(a.reachable, 0);

    const char *path = tmp_file("write_unreachable.gpkg");
    assert_int_equal(cpted_standoff_write(result, path, NULL, 0), CPTED_OK);
    GDALDatasetH ds = open_vector(path);
    OGRLayerH l = layer_of(ds, "standoff_lines", 1);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_null(OGR_F_GetGeometryRef(f));
    assert_int_equal((int)num(f, "reachable"), 0);
    assert_true(isnan(num(f, "standoff_m")));
    assert_true(isnan(num(f, "required_m")));
    assert_true(isnan(num(f, "ok")));
    OGR_F_Destroy(f);
    layer_of(ds, "encroachment", 0);
    GDALClose(ds);

    char warning[1024] = "";
    cpted_context_set_log(ctx, CPTED_LOG_WARNING, capture_log, warning);
    assert_int_equal(cpted_standoff_write(result, test_tmp_path("write_unreachable.fgb"), NULL, 1),
                     CPTED_OK);
    cpted_context_set_log(ctx, 0, NULL, NULL);
    assert_non_null(strstr(warning, "1 of 1 rows of layer 'standoff_lines'"));
    assert_non_null(strstr(warning, "1 of 1 rows of layer 'accessible_area'")); /* A is empty */
    ds = open_vector(test_tmp_path("write_unreachable_standoff_lines.fgb"));
    layer_of(ds, "standoff_lines", 0);
    GDALClose(ds);
    cpted_standoff_free(result);
    cpted_site_free(site);
}

/* ---- coverage ------------------------------------------------------------ */

static void test_coverage_gpkg(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = coverage_site(ctx);
    cpted_coverage *result = run_coverage(site);
    const char *path = tmp_file("write_coverage.gpkg");
    assert_int_equal(cpted_coverage_write(result, path, "GPKG", 0), CPTED_OK);
    GDALDatasetH ds = open_vector(path);
    assert_int_equal(GDALDatasetGetLayerCount(ds), 3 + 1); /* + layer_styles */

    assert_int_equal(cpted_coverage_line_count(result), 1);
    cpted_coverage_line line = {.struct_size = sizeof line};
    assert_int_equal(cpted_coverage_get_line(&line, result, 0), CPTED_OK);
    OGRLayerH l = layer_of(ds, "perimeter_lines", 1);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_string_equal(text(f, "id"), line.id);
    assert_int_equal((int)num(f, "derived"), 0);
    assert_same(num(f, "length_m"), 40.0);
    assert_same(num(f, "covered_m"), line.covered_m);
    assert_same(num(f, "coverage_ratio"), line.coverage_ratio);
    assert_same(num(f, "gap_count"), (double)line.gap_count);
    assert_same(num(f, "noncompliant_count"), (double)line.noncompliant_count);
    assert_same(num(f, "open_ends"), line.open_ends);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)), wkbMultiLineString);
    OGRGeometryH part = OGR_G_GetGeometryRef(g, 0);
    assert_int_equal(OGR_G_GetPointCount(part), 2);
    assert_near(OGR_G_GetX(part, 0), 0, 0);
    assert_near(OGR_G_GetY(part, 0), 50, 0);
    assert_near(OGR_G_GetX(part, 1), 40, 0);
    OGR_F_Destroy(f);

    l = layer_of(ds, "gaps", (GIntBig)line.gap_count);
    bool found_wide = false;
    for (size_t i = 0; i < line.gap_count; i++) {
        cpted_coverage_gap gap = {.struct_size = sizeof gap};
        assert_int_equal(cpted_coverage_get_gap(&gap, result, 0, i), CPTED_OK);
        f = OGR_L_GetNextFeature(l);
        assert_string_equal(text(f, "line_id"), line.id);
        assert_same(num(f, "start_m"), gap.start_m);
        assert_same(num(f, "end_m"), gap.end_m);
        assert_same(num(f, "clear_width_m"), gap.clear_width_m);
        assert_int_equal((int)num(f, "compliant"), gap.compliant);
        assert_int_equal((int)num(f, "vehicle_passable"), gap.vehicle_passable);
        assert_same_text(text(f, "between_1"), gap.before_id);
        assert_same_text(text(f, "between_2"), gap.after_id);
        assert_same(num(f, "x"), gap.x);
        assert_same(num(f, "y"), gap.y);
        /* the gap is the stretch of the line (y = 50, from x = 0) it leaves open */
        g = OGR_F_GetGeometryRef(f);
        assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)), wkbLineString);
        assert_int_equal(OGR_G_GetPointCount(g), 2);
        assert_near(OGR_G_GetX(g, 0), gap.start_m, 1e-9);
        assert_near(OGR_G_GetX(g, 1), gap.end_m, 1e-9);
        assert_near(OGR_G_GetY(g, 0), 50, 1e-9);
        assert_near(OGR_G_GetY(g, 1), 50, 1e-9);
        if (fabs(gap.clear_width_m - 2.3) < 1e-6) {
            found_wide = true;
            assert_int_equal((int)num(f, "compliant"), 0);
            assert_int_equal((int)num(f, "vehicle_passable"), 1);
            assert_near(num(f, "x"), 20.85, 1e-6); /* middle of 19.7..22 */
            assert_near(OGR_G_GetX(g, 0), 19.7, 1e-6);
            assert_near(OGR_G_GetX(g, 1), 22.0, 1e-6);
        }
        OGR_F_Destroy(f);
    }
    assert_true(found_wide);

    size_t nb = cpted_coverage_breach_count(result);
    assert_true(nb >= 1);
    l = layer_of(ds, "breaches", (GIntBig)nb);
    for (size_t i = 0; i < nb; i++) {
        cpted_coverage_breach b = {.struct_size = sizeof b};
        assert_int_equal(cpted_coverage_get_breach(&b, result, i), CPTED_OK);
        f = OGR_L_GetNextFeature(l);
        assert_string_equal(text(f, "line_id"), b.line_id);
        assert_string_equal(text(f, "kind"), "crossing");
        assert_int_equal(b.kind, CPTED_BREACH_CROSSING);
        assert_same(num(f, "width_m"), b.width_m);
        g = OGR_F_GetGeometryRef(f);
        assert_same(OGR_G_GetX(g, 0), b.x);
        assert_same(OGR_G_GetY(g, 0), b.y);
        assert_true(b.x > 19.7 && b.x < 22.0); /* inside the wide gap */
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_no_temporaries();
    cpted_coverage_free(result);
    cpted_site_free(site);
}

/* ---- atomicity and failures ---------------------------------------------- */

static void test_existing_output_kept(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = coverage_site(ctx);
    cpted_coverage *result = run_coverage(site);
    const char *path = tmp_file("write_exists.gpkg");
    assert_int_equal(cpted_coverage_write(result, path, NULL, 0), CPTED_OK);
    /* without overwrite: refused, the first output still opens and is complete */
    assert_int_equal(cpted_coverage_write(result, path, NULL, 0), CPTED_E_IO);
    assert_non_null(strstr(cpted_context_last_error(ctx), "exists; use overwrite"));
    GDALDatasetH ds = open_vector(path);
    assert_int_equal(GDALDatasetGetLayerCount(ds), 3 + 1); /* + layer_styles */
    GDALClose(ds);
    /* with overwrite: replaced */
    assert_int_equal(cpted_coverage_write(result, path, NULL, 1), CPTED_OK);
    ds = open_vector(path);
    assert_int_equal(GDALDatasetGetLayerCount(ds), 3 + 1); /* + layer_styles */
    GDALClose(ds);
    assert_no_temporaries();
    cpted_coverage_free(result);
    cpted_site_free(site);
}

static void test_unwritable_directory(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = coverage_site(ctx);
    cpted_coverage *result = run_coverage(site);
    /* a regular file used as a directory fails even for root */
    const char *blocker = tmp_file("write_blocker");
    test_write_file(blocker, "not a directory\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/out.gpkg", blocker);
    assert_int_equal(cpted_coverage_write(result, path, NULL, 1), CPTED_E_IO);
    assert_non_null(strstr(cpted_context_last_error(ctx), path));
    snprintf(path, sizeof path, "%s/out.geojson", blocker);
    assert_int_equal(cpted_coverage_write(result, path, NULL, 1), CPTED_E_IO);
    assert_no_temporaries();
    cpted_coverage_free(result);
    cpted_site_free(site);
}

static void test_bad_format(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = coverage_site(ctx);
    cpted_coverage *result = run_coverage(site);
    assert_int_equal(cpted_coverage_write(result, test_tmp_path("write_bad.xyz"), NULL, 1),
                     CPTED_E_FORMAT);
    assert_non_null(strstr(cpted_context_last_error(ctx), ".xyz"));
    assert_int_equal(cpted_coverage_write(result, test_tmp_path("write_bad"), NULL, 1),
                     CPTED_E_FORMAT);
    assert_int_equal(cpted_coverage_write(result, test_tmp_path("write_bad.shp"), NULL, 1),
                     CPTED_E_FORMAT);
    assert_non_null(strstr(cpted_context_last_error(ctx), "Shapefile"));
    assert_int_equal(cpted_coverage_write(result, test_tmp_path("write_bad.gpkg"), "KML", 1),
                     CPTED_E_FORMAT);
    assert_non_null(strstr(cpted_context_last_error(ctx), "KML"));
    assert_false(file_exists(test_tmp_path("write_bad.gpkg")));
    assert_no_temporaries();
    cpted_coverage_free(result);
    cpted_site_free(site);
}

/* ---- the writer: several results, one output, all or nothing ------------- */

static const char *const layer_names[6] = {"standoff_lines",  "encroachment", "accessible_area",
                                           "perimeter_lines", "gaps",         "breaches"};

/* Feature counts of the six layers in single-result outputs, for comparison. */
static void single_counts(cpted_context *ctx, const cpted_standoff *s, const cpted_coverage *c,
                          GIntBig counts[6])
{
    char sp[4096], cp[4096]; /* tmp_file's buffer is static */
    snprintf(sp, sizeof sp, "%s", tmp_file("writer_single_s.gpkg"));
    snprintf(cp, sizeof cp, "%s", tmp_file("writer_single_c.gpkg"));
    assert_int_equal(cpted_standoff_write(s, sp, NULL, 0), CPTED_OK);
    assert_int_equal(cpted_coverage_write(c, cp, NULL, 0), CPTED_OK);
    (void)ctx;
    for (int i = 0; i < 6; i++) {
        GDALDatasetH ds = open_vector(i < 3 ? sp : cp);
        OGRLayerH l = GDALDatasetGetLayerByName(ds, layer_names[i]);
        assert_non_null(l);
        counts[i] = OGR_L_GetFeatureCount(l, TRUE);
        GDALClose(ds);
    }
    VSIUnlink(sp);
    VSIUnlink(cp);
}

static void test_writer_two_results_one_gpkg(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *ssite = standoff_site(ctx, "EPSG:25832", 0, 0);
    cpted_site *csite = coverage_site(ctx);
    cpted_standoff *s = run_standoff(ssite);
    cpted_coverage *c = run_coverage(csite);
    GIntBig counts[6];
    single_counts(ctx, s, c, counts);
    /* one asset (its standoff line, encroachment), A; one line, its 3 gaps, one breach */
    const GIntBig expected[6] = {1, 1, 1, 1, 3, 1};
    for (int i = 0; i < 6; i++)
        assert_int_equal(counts[i], expected[i]);

    char path[4096];
    snprintf(path, sizeof path, "%s", tmp_file("writer_both.gpkg"));
    cpted_writer *w = NULL;
    assert_int_equal(cpted_writer_open(&w, ctx, path, NULL, 0), CPTED_OK);
    assert_int_equal(cpted_writer_add_standoff(w, s), CPTED_OK);
    assert_int_equal(cpted_writer_add_coverage(w, c), CPTED_OK);
    /* the same layers twice: refused, the writer is unchanged */
    assert_int_equal(cpted_writer_add_coverage(w, c), CPTED_E_INVALID);
    assert_non_null(
        strstr(cpted_context_last_error(ctx), "layer 'perimeter_lines' is already in this output"));
    /* the layers are copies: the results and their sites may go before the commit */
    cpted_standoff_free(s);
    cpted_coverage_free(c);
    cpted_site_free(ssite);
    cpted_site_free(csite);
    assert_false(file_exists(path)); /* nothing before the commit */
    assert_int_equal(cpted_writer_commit(w), CPTED_OK);
    assert_int_equal(cpted_writer_commit(w), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "already committed"));
    cpted_writer_free(w);

    GDALDatasetH ds = open_vector(path);
    assert_int_equal(GDALDatasetGetLayerCount(ds), 6 + 1); /* + layer_styles */
    for (int i = 0; i < 6; i++) {
        /* in the order added */
        assert_string_equal(OGR_L_GetName(GDALDatasetGetLayer(ds, i)), layer_names[i]);
        layer_of(ds, layer_names[i], counts[i]);
    }
    OGRLayerH l = layer_of(ds, "standoff_lines", 1);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_string_equal(text(f, "id"), "assets:1");
    OGR_F_Destroy(f);
    l = layer_of(ds, "breaches", counts[5]);
    f = OGR_L_GetNextFeature(l);
    assert_string_equal(text(f, "kind"), "crossing");
    OGR_F_Destroy(f);
    GDALClose(ds);
    assert_no_temporaries();
}

/* A writer freed without a commit leaves nothing, for both kinds of format. */
static void test_writer_abort_leaves_nothing(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = coverage_site(ctx);
    cpted_coverage *c = run_coverage(site);
    const char *formats[2] = {"writer_abort.gpkg", "writer_abort.geojson"};
    for (int i = 0; i < 2; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", tmp_file(formats[i]));
        cpted_writer *w = NULL;
        assert_int_equal(cpted_writer_open(&w, ctx, path, NULL, 0), CPTED_OK);
        assert_int_equal(cpted_writer_add_coverage(w, c), CPTED_OK);
        cpted_writer_free(w);
        assert_false(file_exists(path));
        assert_false(file_exists(test_tmp_path("writer_abort_gaps.geojson")));
    }
    /* nothing added: the commit is refused and writes nothing */
    cpted_writer *w = NULL;
    assert_int_equal(cpted_writer_open(&w, ctx, tmp_file("writer_empty.gpkg"), NULL, 0), CPTED_OK);
    assert_int_equal(cpted_writer_commit(w), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "no result was added"));
    cpted_writer_free(w);
    assert_false(file_exists(test_tmp_path("writer_empty.gpkg")));
    assert_no_temporaries();
    cpted_writer_free(NULL);
    cpted_coverage_free(c);
    cpted_site_free(site);
}

/* An existing output is refused without overwrite: at open for a one-file
 * format, when the layer's file name is known (add) for one file per layer;
 * GeoJSON files appear all at once at the commit. */
static void test_writer_existing_and_geojson(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *ssite = standoff_site(ctx, "EPSG:25832", 0, 0);
    cpted_site *csite = coverage_site(ctx);
    cpted_standoff *s = run_standoff(ssite);
    cpted_coverage *c = run_coverage(csite);

    char gpkg[4096];
    snprintf(gpkg, sizeof gpkg, "%s", tmp_file("writer_exists.gpkg"));
    test_write_file(gpkg, "precious\n");
    cpted_writer *w = (cpted_writer *)&w;
    assert_int_equal(cpted_writer_open(&w, ctx, gpkg, NULL, 0), CPTED_E_IO);
    assert_null(w);
    assert_non_null(strstr(cpted_context_last_error(ctx), "exists; use overwrite"));
    assert_int_equal(cpted_writer_open(&w, ctx, gpkg, NULL, 1), CPTED_OK);
    assert_int_equal(cpted_writer_add_standoff(w, s), CPTED_OK);
    assert_int_equal(cpted_writer_commit(w), CPTED_OK);
    cpted_writer_free(w);
    GDALDatasetH ds = open_vector(gpkg);
    assert_int_equal(GDALDatasetGetLayerCount(ds), 3 + 1); /* + layer_styles */
    GDALClose(ds);
    VSIUnlink(gpkg);

    char names[6][4096];
    for (int i = 0; i < 6; i++) {
        char name[256];
        snprintf(name, sizeof name, "writer_multi_%s.geojson", layer_names[i]);
        snprintf(names[i], sizeof names[i], "%s", tmp_file(name));
    }
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp_path("writer_multi.geojson"));
    assert_int_equal(cpted_writer_open(&w, ctx, path, NULL, 0), CPTED_OK);
    assert_int_equal(cpted_writer_add_standoff(w, s), CPTED_OK);
    test_write_file(names[4], "precious\n"); /* gaps */
    assert_int_equal(cpted_writer_add_coverage(w, c), CPTED_E_IO);
    assert_non_null(strstr(cpted_context_last_error(ctx), names[4]));
    VSIUnlink(names[4]);
    assert_int_equal(cpted_writer_add_coverage(w, c), CPTED_OK);
    for (int i = 0; i < 6; i++)
        assert_false(file_exists(names[i]));
    assert_int_equal(cpted_writer_commit(w), CPTED_OK);
    cpted_writer_free(w);
    for (int i = 0; i < 6; i++) {
        ds = open_vector(names[i]);
        assert_int_equal(GDALDatasetGetLayerCount(ds), 1);
        assert_string_equal(OGR_L_GetName(GDALDatasetGetLayer(ds, 0)), layer_names[i]);
        GDALClose(ds);
        VSIUnlink(names[i]);
    }
    assert_no_temporaries();

    /* bad arguments */
    assert_int_equal(cpted_writer_open(NULL, ctx, path, NULL, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_writer_open(&w, NULL, path, NULL, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_writer_open(&w, ctx, "", NULL, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_writer_open(&w, ctx, test_tmp_path("x.kml"), NULL, 0), CPTED_E_FORMAT);
    assert_int_equal(cpted_writer_add_standoff(NULL, s), CPTED_E_INVALID);
    assert_int_equal(cpted_writer_commit(NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_writer_open(&w, ctx, tmp_file("writer_null.gpkg"), NULL, 0), CPTED_OK);
    assert_int_equal(cpted_writer_add_coverage(w, NULL), CPTED_E_INVALID);
    cpted_writer_free(w);

    cpted_standoff_free(s);
    cpted_coverage_free(c);
    cpted_site_free(ssite);
    cpted_site_free(csite);
}

static int group_setup(void **state)
{
    GDALAllRegister();
    return test_context_setup(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standoff_gpkg),
        cmocka_unit_test(test_standoff_geojson_reprojected),
        cmocka_unit_test(test_standoff_flatgeobuf_by_driver_name),
        cmocka_unit_test(test_unreachable_asset),
        cmocka_unit_test(test_coverage_gpkg),
        cmocka_unit_test(test_existing_output_kept),
        cmocka_unit_test(test_unwritable_directory),
        cmocka_unit_test(test_bad_format),
        cmocka_unit_test(test_writer_two_results_one_gpkg),
        cmocka_unit_test(test_writer_abort_leaves_nothing),
        cmocka_unit_test(test_writer_existing_and_geojson),
    };
    return cmocka_run_group_tests_name("unit_write", tests, group_setup, test_context_teardown);
}
