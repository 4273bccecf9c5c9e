/* test_context.c - status strings, versions, context lifetime and callbacks. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static void test_status_strings(void **state)
{
    (void)state;
    assert_string_equal(cpted_status_string(CPTED_OK), "success");
    assert_string_equal(cpted_status_string(CPTED_E_CRS), "coordinate reference system error");
    assert_string_equal(cpted_status_string(CPTED_E_NOTFOUND), "not found");
    assert_string_equal(cpted_status_string(12345), "unknown status");
    assert_string_equal(cpted_status_string(CPTED_E_NOTFOUND - 1), "unknown status");
    assert_string_equal(cpted_status_string(1), "unknown status");
    /* every declared code has its own text */
    static const int codes[] = {CPTED_OK,          CPTED_E_GENERIC,  CPTED_E_NOMEM,
                                CPTED_E_INVALID,   CPTED_E_IO,       CPTED_E_FORMAT,
                                CPTED_E_CRS,       CPTED_E_GEOMETRY, CPTED_E_VERSION,
                                CPTED_E_INTERRUPTED, CPTED_E_USER,   CPTED_E_RANGE,
                                CPTED_E_NOTFOUND};
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(cpted_status_string(codes[i]), "unknown status");
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(cpted_status_string(codes[i]), cpted_status_string(codes[j]));
    }
    assert_string_equal(cpted_status_string(CPTED_E_IO), "input/output error");
    assert_string_equal(cpted_status_string(CPTED_E_GEOMETRY), "geometry error");
}

static void test_version_matches_header(void **state)
{
    (void)state;
    assert_int_equal(cpted_version_number(), CPTED_VERSION_NUMBER);
    assert_string_equal(cpted_version_string(), CPTED_VERSION_STRING);
    assert_true(CPTED_VERSION_AT_LEAST(1, 0, 0));
    assert_false(CPTED_VERSION_AT_LEAST(CPTED_VERSION_MAJOR + 1, 0, 0));
}

static void test_context_new_and_free(void **state)
{
    (void)state;
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    assert_non_null(ctx);
    assert_string_equal(cpted_context_last_error(ctx), "");
    cpted_context_free(ctx);
    cpted_context_free(NULL);
    cpted_free(NULL);
    assert_string_equal(cpted_context_last_error(NULL), "no context");
}

typedef struct log_capture {
    int calls;
    int32_t level;
    char text[512];
} log_capture;

static void capture_log(int32_t level, const char *message, void *payload)
{
    log_capture *c = payload;
    c->calls++;
    c->level = level;
    strncpy(c->text, message, sizeof c->text - 1);
}

static void test_error_reaches_log_and_last_error(void **state)
{
    cpted_context *ctx = *state;
    log_capture cap = {0};
    cpted_context_set_log(ctx, CPTED_LOG_WARNING, capture_log, &cap);
    cpted_site *site = NULL;
    const char *path = "/nonexistent/dir/site.gpkg";
    assert_int_equal(cpted_site_open(&site, ctx, &path, 1, NULL), CPTED_E_IO);
    assert_null(site);
    assert_non_null(strstr(cpted_context_last_error(ctx), "/nonexistent/dir/site.gpkg"));
    assert_int_equal(cap.calls, 1);
    assert_int_equal(cap.level, CPTED_LOG_ERROR);
    assert_string_equal(cap.text, cpted_context_last_error(ctx));
    cpted_context_set_log(ctx, 0, NULL, NULL);
}

static void test_context_outlives_free_while_objects_live(void **state)
{
    (void)state;
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, "EPSG:25832"), CPTED_OK);
    cpted_context_free(ctx); /* deferred: the site still holds it */
    assert_ptr_equal(cpted_site_context(site), ctx);
    assert_string_equal(cpted_site_crs(site), "EPSG:25832");
    cpted_site_free(site); /* the context goes now; ASan/valgrind check the rest */
}

typedef struct log_all {
    int calls[5]; /* by level */
    char last[5][512];
} log_all;

static void CPTED_CALL count_log(int32_t level, const char *message, void *payload)
{
    log_all *c = payload;
    assert_true(level >= CPTED_LOG_ERROR && level <= CPTED_LOG_DEBUG);
    c->calls[level]++;
    snprintf(c->last[level], sizeof c->last[level], "%s", message);
}

/* max_level filters: a warning (the ignored layer of trees.geojson) reaches a
 * WARNING callback and not an ERROR one; errors reach both. */
static void test_log_level_filter(void **state)
{
    cpted_context *ctx = *state;
    const char *path = test_data_path("trees.geojson");
    for (int32_t max = CPTED_LOG_ERROR; max <= CPTED_LOG_WARNING; max++) {
        log_all cap;
        memset(&cap, 0, sizeof cap);
        cpted_context_set_log(ctx, max, count_log, &cap);
        cpted_site *site = NULL;
        assert_int_equal(cpted_site_open(&site, ctx, &path, 1, NULL), CPTED_OK);
        cpted_site_free(site);
        assert_int_equal(cap.calls[CPTED_LOG_ERROR], 0);
        assert_int_equal(cap.calls[CPTED_LOG_WARNING], max >= CPTED_LOG_WARNING ? 1 : 0);
        if (max >= CPTED_LOG_WARNING)
            assert_non_null(strstr(cap.last[CPTED_LOG_WARNING], "layer 'trees': no role"));
        const char *missing = "/nonexistent/x.geojson";
        assert_int_equal(cpted_site_open(&site, ctx, &missing, 1, NULL), CPTED_E_IO);
        assert_int_equal(cap.calls[CPTED_LOG_ERROR], 1);
    }
    /* max_level 0: nothing at all, not even errors */
    log_all cap;
    memset(&cap, 0, sizeof cap);
    cpted_context_set_log(ctx, 0, count_log, &cap);
    cpted_site *site = NULL;
    const char *missing = "/nonexistent/x.geojson";
    assert_int_equal(cpted_site_open(&site, ctx, &missing, 1, NULL), CPTED_E_IO);
    assert_int_equal(cap.calls[CPTED_LOG_ERROR], 0);
    /* removed: no more calls */
    cpted_context_set_log(ctx, CPTED_LOG_DEBUG, NULL, &cap);
    assert_int_equal(cpted_site_open(&site, ctx, &missing, 1, NULL), CPTED_E_IO);
    assert_int_equal(cap.calls[CPTED_LOG_ERROR], 0);
}

/* The setters accept a NULL context (documented no-ops, not crashes); the last
 * error is replaced by the next failure, not appended to. */
static void test_null_context_and_last_error(void **state)
{
    cpted_context *ctx = *state;
    cpted_context_set_log(NULL, CPTED_LOG_DEBUG, count_log, NULL);
    cpted_context_set_progress(NULL, NULL, NULL);
    cpted_context_set_interrupt(NULL, NULL, NULL);
    cpted_site *site = NULL;
    const char *a = "/nonexistent/first.gpkg", *b = "/nonexistent/second.gpkg";
    assert_int_equal(cpted_site_open(&site, ctx, &a, 1, NULL), CPTED_E_IO);
    assert_string_equal(cpted_context_last_error(ctx), "cannot open '/nonexistent/first.gpkg': No such file");
    assert_int_equal(cpted_site_open(&site, ctx, &b, 1, NULL), CPTED_E_IO);
    assert_string_equal(cpted_context_last_error(ctx), "cannot open '/nonexistent/second.gpkg': No such file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_version_matches_header),
        cmocka_unit_test(test_context_new_and_free),
        cmocka_unit_test(test_error_reaches_log_and_last_error),
        cmocka_unit_test(test_context_outlives_free_while_objects_live),
        cmocka_unit_test(test_log_level_filter),
        cmocka_unit_test(test_null_context_and_last_error),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
