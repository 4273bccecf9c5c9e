/* test_context.c - status strings, versions, context lifetime and callbacks. */
#include "testutil.h"

#include <string.h>

static void test_status_strings(void **state)
{
    (void)state;
    assert_string_equal(cpted_status_string(CPTED_OK), "success");
    assert_string_equal(cpted_status_string(CPTED_E_CRS), "coordinate reference system error");
    assert_string_equal(cpted_status_string(CPTED_E_NOTFOUND), "not found");
    assert_string_equal(cpted_status_string(12345), "unknown status");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_version_matches_header),
        cmocka_unit_test(test_context_new_and_free),
        cmocka_unit_test(test_error_reaches_log_and_last_error),
        cmocka_unit_test(test_context_outlives_free_while_objects_live),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
