/* test_context_core.c - the context's internals that threads rely on
 * (context.c): the reference count and the GEOS message buffer; and the JSON
 * writer's counting pass (json.c), which big documents are written with. */
#define _POSIX_C_SOURCE 200809L

#include "testutil.h"

#include "internal.h"

#include <math.h>
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

static void write_doc(cpted__json *j)
{
    cpted__json_begin_object(j);
    cpted__json_key(j, "text");
    cpted__json_string(j, "a \"quote\"\n\x01 caf\xc3\xa9 \xff");
    cpted__json_key(j, "n");
    cpted__json_number(j, 1.25);
    cpted__json_key(j, "list");
    cpted__json_begin_array(j);
    cpted__json_int(j, -3);
    cpted__json_bool(j, true);
    cpted__json_null(j);
    cpted__json_number(j, NAN);
    cpted__json_end_array(j);
    cpted__json_end_object(j);
}

/* A counting pass gives the size of the document, and a writer of exactly
 * that size writes the same text without growing its buffer. */
static void test_json_counted_then_sized(void **state)
{
    (void)state;
    cpted__json j;
    cpted__json_init(&j);
    write_doc(&j);
    char *plain = NULL;
    assert_int_equal(cpted__json_finish(&j, NULL, &plain), CPTED_OK);
    assert_string_equal(plain, "{\"text\":\"a \\\"quote\\\"\\n\\u0001 caf\xc3\xa9 \\ufffd\","
                               "\"n\":1.25,\"list\":[-3,true,null,null]}\n");
    cpted__json_init_counting(&j);
    write_doc(&j);
    size_t size = cpted__json_finished_size(&j);
    assert_int_equal(size, strlen(plain) + 1);
    assert_true(cpted__json_init_sized(&j, size));
    write_doc(&j);
    char *sized = NULL;
    assert_int_equal(cpted__json_finish(&j, NULL, &sized), CPTED_OK);
    assert_int_equal(j.cap, size); /* never grown */
    assert_string_equal(sized, plain);
    cpted__free(plain);
    cpted__free(sized);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_count_is_atomic),
        cmocka_unit_test(test_geos_message_is_cleared),
        cmocka_unit_test(test_json_counted_then_sized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
