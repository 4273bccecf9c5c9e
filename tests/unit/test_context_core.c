/* test_context_core.c - the context's internals that threads rely on
 * (context.c): the reference count and the GEOS message buffer. */
#define _POSIX_C_SOURCE 200809L

#include "testutil.h"

#include "internal.h"

#include <pthread.h>
#include <string.h>

#define REF_THREADS 4
#define REF_ROUNDS 200000

static void *ref_unref(void *arg)
{
    cpted_context *ctx = arg;
    for (int i = 0; i < REF_ROUNDS; i++) {
        cpted__context_ref(ctx);
        cpted__context_unref(ctx);
    }
    return NULL;
}

/* Objects of one context freed from several threads (finalizers): the count
 * must not lose an update, or the context would be freed under its objects
 * (a crash here, or under ASan/Valgrind) or never. */
static void test_reference_count_is_atomic(void **state)
{
    (void)state;
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    cpted__context_ref(ctx); /* a live object, so the threads never reach 0 */
    pthread_t t[REF_THREADS];
    for (int i = 0; i < REF_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, ref_unref, ctx), 0);
    for (int i = 0; i < REF_THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&ctx->refs), 2);
    cpted__context_unref(ctx);               /* the object goes */
    assert_int_equal(atomic_load(&ctx->refs), 1);
    cpted_context_free(ctx);                 /* the user's reference: freed (Valgrind checks) */
}

/* A GEOS message is handed out once: a later failure that GEOS reports
 * without a message does not repeat it. */
static void test_geos_message_is_cleared(void **state)
{
    (void)state;
    cpted_context *ctx = NULL;
    assert_int_equal(cpted_context_new(&ctx), CPTED_OK);
    assert_string_equal(cpted__geos_error(ctx), "unknown GEOS error");
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
    assert_non_null(r);
    assert_null(GEOSWKTReader_read_r(ctx->geos, r, "POLYGON((0 0, 1 0"));
    GEOSWKTReader_destroy_r(ctx->geos, r);
    const char *first = cpted__geos_error(ctx);
    assert_string_not_equal(first, "unknown GEOS error");
    assert_true(strlen(first) > 0);
    assert_string_equal(cpted__geos_error(ctx), "unknown GEOS error");
    /* cpted__geos_clear drops one that was never reported */
    r = GEOSWKTReader_create_r(ctx->geos);
    assert_null(GEOSWKTReader_read_r(ctx->geos, r, "LINESTRING(0"));
    GEOSWKTReader_destroy_r(ctx->geos, r);
    cpted__geos_clear(ctx);
    assert_string_equal(cpted__geos_error(ctx), "unknown GEOS error");
    cpted__geos_clear(NULL); /* NULL is fine */
    cpted_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_count_is_atomic),
        cmocka_unit_test(test_geos_message_is_cleared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
