/*
 * test_write.c - the public contract of cpted_standoff_write() and
 * cpted_coverage_write(): argument checks, format from the extension or the
 * driver name, one file per layer for single-layer formats, no replacement
 * without overwrite (the old file stays byte for byte), unwritable
 * directories. What the files contain is read back with GDAL in
 * tests/unit/test_write.c.
 *
 * Site: a 10 x 10 m asset in a 60 x 60 m boundary, a perimeter line across
 * the site with two bollards on it; car M1.
 */
#define _POSIX_C_SOURCE 200809L /* mkfifo */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fixture {
    cpted_context *ctx;
    cpted_site *site;
    cpted_standoff *standoff;
    cpted_coverage *coverage;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    memset(&fx, 0, sizeof fx);
    if (cpted_context_new(&fx.ctx) != CPTED_OK)
        return -1;
    assert_int_equal(cpted_site_new(&fx.site, fx.ctx, "EPSG:25832"), CPTED_OK);
    size_t n;
    unsigned char *w = test_wkb_rect(0, 0, 60, 60, &n);
    test_add(fx.site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    w = test_wkb_rect(25, 40, 35, 50, &n);
    test_add_attrs(fx.site, "assets", CPTED_ROLE_ASSET, w, n, "required_standoff_m=10", NULL);
    const double line[] = {0, 20, 60, 20};
    w = test_wkb_line(line, 2, &n);
    test_add(fx.site, "perimeter", CPTED_ROLE_PERIMETER, w, n);
    w = test_wkb_point(29, 20, &n);
    test_add(fx.site, "bollards", CPTED_ROLE_BARRIER, w, n);
    w = test_wkb_point(31, 20, &n);
    test_add(fx.site, "bollards", CPTED_ROLE_BARRIER, w, n);
    cpted_vehicle car;
    assert_int_equal(cpted_vehicle_preset(&car, sizeof car, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, fx.site, &car, NULL), CPTED_OK);
    assert_int_equal(cpted_standoff_run(&fx.standoff, fs, NULL), CPTED_OK);
    assert_int_equal(cpted_coverage_run(&fx.coverage, fs, NULL), CPTED_OK);
    cpted_freespace_free(fs); /* the results keep it */
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    cpted_standoff_free(fx->standoff);
    cpted_coverage_free(fx->coverage);
    cpted_site_free(fx->site);
    cpted_context_free(fx->ctx);
    return 0;
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

/* First bytes of a file ("" when missing). */
static const char *head(const char *path, size_t n)
{
    static char buf[64];
    memset(buf, 0, sizeof buf);
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t got = fread(buf, 1, n < sizeof buf - 1 ? n : sizeof buf - 1, f);
        buf[got] = '\0';
        fclose(f);
    }
    return buf;
}

/* Scratch path (copied: test_tmp_path reuses its buffer) with no file at it. */
static const char *fresh(char *buf, const char *name)
{
    snprintf(buf, 4096, "%s", test_tmp_path(name));
    remove(buf);
    return buf;
}

static void test_invalid_arguments(void **state)
{
    fixture *fx = *state;
    assert_int_equal(cpted_standoff_write(NULL, test_tmp_path("x.gpkg"), NULL, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_coverage_write(NULL, test_tmp_path("x.gpkg"), NULL, 1), CPTED_E_INVALID);
    assert_int_equal(cpted_standoff_write(fx->standoff, NULL, NULL, 1), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), "output path must not be NULL"));
    assert_int_equal(cpted_coverage_write(fx->coverage, "", NULL, 1), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), "output path must not be NULL or empty"));
    /* a path that ends in a separator names a directory */
    assert_int_equal(cpted_coverage_write(fx->coverage, test_tmp_path(""), "GPKG", 1),
                     CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), "names a directory, not a file"));
}

static void test_gpkg_from_extension(void **state)
{
    fixture *fx = *state;
    char path[4096];
    fresh(path, "write_api.gpkg");
    assert_int_equal(cpted_standoff_write(fx->standoff, path, NULL, 0), CPTED_OK);
    assert_string_equal(head(path, 15), "SQLite format 3"); /* GeoPackage is SQLite */
}

static void test_existing_output_needs_overwrite(void **state)
{
    fixture *fx = *state;
    char path[4096];
    fresh(path, "write_api_exists.gpkg");
    test_write_file(path, "keep me\n");
    assert_int_equal(cpted_coverage_write(fx->coverage, path, NULL, 0), CPTED_E_IO);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), "exists; use overwrite"));
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), path));
    assert_string_equal(head(path, 63), "keep me\n");
    assert_int_equal(cpted_coverage_write(fx->coverage, path, NULL, 1), CPTED_OK);
    assert_string_equal(head(path, 15), "SQLite format 3");
}

static void test_one_file_per_layer(void **state)
{
    fixture *fx = *state;
    static const char *const layers[] = {"perimeter_lines", "gaps", "breaches"};
    char files[3][4096];
    for (size_t i = 0; i < 3; i++) {
        char name[128];
        snprintf(name, sizeof name, "write_api_cov_%s.json", layers[i]);
        fresh(files[i], name);
    }
    /* the .json extension is kept for the per-layer files */
    assert_int_equal(cpted_coverage_write(fx->coverage, test_tmp_path("write_api_cov.json"), NULL, 0),
                     CPTED_OK);
    assert_false(file_exists(test_tmp_path("write_api_cov.json")));
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(head(files[i], 1), "{");

    /* one existing member of the set refuses the whole write and keeps the others absent */
    remove(files[0]);
    remove(files[2]);
    test_write_file(files[1], "old gaps\n");
    assert_int_equal(cpted_coverage_write(fx->coverage, test_tmp_path("write_api_cov.json"), NULL, 0),
                     CPTED_E_IO);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), files[1]));
    assert_false(file_exists(files[0]));
    assert_false(file_exists(files[2]));
    assert_string_equal(head(files[1], 63), "old gaps\n");
}

static void test_driver_name(void **state)
{
    fixture *fx = *state;
    char lines[4096];
    fresh(lines, "write_api_drv_standoff_lines.geojson");
    /* no extension: the driver's own (.geojson) is used; names are case-insensitive */
    assert_int_equal(cpted_standoff_write(fx->standoff, test_tmp_path("write_api_drv"), "geojson", 1),
                     CPTED_OK);
    assert_string_equal(head(lines, 1), "{");
    assert_true(file_exists(test_tmp_path("write_api_drv_encroachment.geojson")));
    assert_true(file_exists(test_tmp_path("write_api_drv_accessible_area.geojson")));
}

static void test_unknown_format(void **state)
{
    fixture *fx = *state;
    char path[4096], shp[4096];
    fresh(path, "write_api.txt");
    assert_int_equal(cpted_standoff_write(fx->standoff, path, NULL, 1), CPTED_E_FORMAT);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), ".txt"));
    assert_false(file_exists(path));
    assert_int_equal(cpted_standoff_write(fx->standoff, fresh(shp, "write_api.shp"), NULL, 1),
                     CPTED_E_FORMAT);
    assert_int_equal(cpted_standoff_write(fx->standoff, path, "NoSuchDriver", 1), CPTED_E_FORMAT);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), "NoSuchDriver"));
}

static void test_unwritable_directory(void **state)
{
    fixture *fx = *state;
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp_path("write_api_missing_dir/sub/out.gpkg"));
    assert_int_equal(cpted_standoff_write(fx->standoff, path, NULL, 1), CPTED_E_IO);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), path));
    assert_false(file_exists(path));
    snprintf(path, sizeof path, "%s", test_tmp_path("write_api_missing_dir/out.fgb"));
    assert_int_equal(cpted_coverage_write(fx->coverage, path, NULL, 1), CPTED_E_IO);
}

/* A FIFO (like /dev/null, not a regular file) is refused even with
 * overwrite: renaming the finished output onto it would replace it. */
static void test_special_file_refused(void **state)
{
    fixture *fx = *state;
    char path[4096];
    fresh(path, "write_api_fifo.gpkg");
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(cpted_coverage_write(fx->coverage, path, NULL, 1), CPTED_E_IO);
    assert_non_null(strstr(cpted_context_last_error(fx->ctx), "is not a regular file"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_gpkg_from_extension),
        cmocka_unit_test(test_existing_output_needs_overwrite),
        cmocka_unit_test(test_one_file_per_layer),
        cmocka_unit_test(test_driver_name),
        cmocka_unit_test(test_unknown_format),
        cmocka_unit_test(test_unwritable_directory),
        cmocka_unit_test(test_special_file_refused),
    };
    return cmocka_run_group_tests_name("api_write", tests, setup, teardown);
}
