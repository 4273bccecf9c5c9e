/* testutil.c - helpers shared by the cmocka tests (public API only). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env_path(const char *var, const char *fallback, const char *name)
{
    static char buf[4096];
    const char *dir = getenv(var);
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : fallback, name);
    return buf;
}

const char *test_data_path(const char *name) { return env_path("CPTED_TEST_DATA", "tests/data", name); }
const char *test_sample_path(const char *name) { return env_path("CPTED_SAMPLES", "samples", name); }
const char *test_tmp_path(const char *name) { return env_path("CPTED_TEST_TMP", "/tmp", name); }

void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

int test_context_setup(void **state)
{
    cpted_context *ctx = NULL;
    if (cpted_context_new(&ctx) != CPTED_OK)
        return -1;
    *state = ctx;
    return 0;
}

int test_context_teardown(void **state)
{
    cpted_context_free(*state);
    return 0;
}

typedef struct buf { unsigned char *p; size_t n; } buf;

static void put(buf *b, const void *src, size_t n)
{
    b->p = realloc(b->p, b->n + n);
    memcpy(b->p + b->n, src, n);
    b->n += n;
}
static void put_u8(buf *b, unsigned char v) { put(b, &v, 1); }
static void put_u32(buf *b, uint32_t v)
{
    unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24)};
    put(b, le, 4);
}
static void put_f64(buf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    put(b, le, 8);
}

unsigned char *test_wkb_point(double x, double y, size_t *size)
{
    buf b = {0};
    put_u8(&b, 1);
    put_u32(&b, 1);
    put_f64(&b, x);
    put_f64(&b, y);
    *size = b.n;
    return b.p;
}

unsigned char *test_wkb_line(const double *xy, size_t n, size_t *size)
{
    buf b = {0};
    put_u8(&b, 1);
    put_u32(&b, 2);
    put_u32(&b, (uint32_t)n);
    for (size_t i = 0; i < 2 * n; i++)
        put_f64(&b, xy[i]);
    *size = b.n;
    return b.p;
}

unsigned char *test_wkb_polygon(const double *xy, size_t n, size_t *size)
{
    int close = !(xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1]);
    buf b = {0};
    put_u8(&b, 1);
    put_u32(&b, 3);
    put_u32(&b, 1);
    put_u32(&b, (uint32_t)(n + (size_t)close));
    for (size_t i = 0; i < 2 * n; i++)
        put_f64(&b, xy[i]);
    if (close) {
        put_f64(&b, xy[0]);
        put_f64(&b, xy[1]);
    }
    *size = b.n;
    return b.p;
}

unsigned char *test_wkb_rect(double minx, double miny, double maxx, double maxy, size_t *size)
{
    double xy[] = {minx, miny, maxx, miny, maxx, maxy, minx, maxy, minx, miny};
    return test_wkb_polygon(xy, 5, size);
}

void test_add(cpted_site *site, const char *layer, int32_t role, unsigned char *wkb, size_t size)
{
    int rc = cpted_site_add_wkb(NULL, site, layer, role, wkb, size, NULL, NULL, 0);
    free(wkb);
    if (rc != CPTED_OK)
        fail_msg("cpted_site_add_wkb(%s): %s", layer,
                 cpted_context_last_error(cpted_site_context(site)));
}

void test_add_attrs(cpted_site *site, const char *layer, int32_t role, unsigned char *wkb,
                    size_t size, ...)
{
    const char *keys[16], *values[16];
    char store[16][128];
    size_t n = 0;
    va_list ap;
    va_start(ap, size);
    for (const char *kv; n < 16 && (kv = va_arg(ap, const char *)) != NULL; n++) {
        snprintf(store[n], sizeof store[n], "%s", kv);
        char *eq = strchr(store[n], '=');
        assert_non_null(eq);
        *eq = '\0';
        keys[n] = store[n];
        values[n] = eq + 1;
    }
    va_end(ap);
    int rc = cpted_site_add_wkb(NULL, site, layer, role, wkb, size, keys, values, n);
    free(wkb);
    if (rc != CPTED_OK)
        fail_msg("cpted_site_add_wkb(%s): %s", layer,
                 cpted_context_last_error(cpted_site_context(site)));
}

void test_point_xy(const cpted_site *site, size_t i, double *x, double *y)
{
    unsigned char *wkb = NULL;
    size_t n = 0;
    assert_int_equal(cpted_site_get_feature_wkb(&wkb, &n, site, i), CPTED_OK);
    assert_int_equal(n, 21);
    assert_int_equal(wkb[0], 1); /* little-endian */
    uint32_t type;
    memcpy(&type, wkb + 1, 4);
    assert_int_equal(type, 1); /* ISO 2D point */
    memcpy(x, wkb + 5, 8);
    memcpy(y, wkb + 13, 8);
    cpted_free(wkb);
}

void test_assert_near(double a, double b, double tol, const char *expr, const char *file, int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%s = %.9g, expected %.9g within %.3g\n", expr, a, b, tol);
        _fail(file, line);
    }
}

int test_standoff_run(cpted_standoff **out, cpted_site *site, const cpted_vehicle *v,
                      const cpted_standoff_options *opts)
{
    cpted_freespace *fs = NULL;
    int rc = cpted_freespace_new(&fs, site, v, NULL);
    if (rc == CPTED_OK)
        rc = cpted_standoff_run(out, fs, opts);
    cpted_freespace_free(fs);
    return rc;
}

int test_coverage_run(cpted_coverage **out, cpted_site *site, const cpted_vehicle *v,
                      const cpted_coverage_options *opts)
{
    cpted_freespace *fs = NULL;
    int rc = cpted_freespace_new(&fs, site, v, NULL);
    if (rc == CPTED_OK)
        rc = cpted_coverage_run(out, fs, opts);
    cpted_freespace_free(fs);
    return rc;
}
