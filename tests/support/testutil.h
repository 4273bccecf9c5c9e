/* testutil.h - helpers shared by the cmocka tests (public API only). */
#ifndef CPTED_TESTUTIL_H
#define CPTED_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cpted/cpted.h"

/* Path of a file in tests/data (static buffer, valid until the next call). */
const char *test_data_path(const char *name);
/* Path of a file in samples/ (static buffer, valid until the next call). */
const char *test_sample_path(const char *name);
/* Path of a scratch file in the build tree (static buffer). */
const char *test_tmp_path(const char *name);
/* Writes text to a file; fails the test on error. */
void test_write_file(const char *path, const char *text);

/* A cmocka group setup/teardown that creates/frees a context in *state. */
int test_context_setup(void **state);
int test_context_teardown(void **state);

/* WKB (little-endian ISO) builders for tests; buffers from malloc, free with free(). */
unsigned char *test_wkb_point(double x, double y, size_t *size);
unsigned char *test_wkb_line(const double *xy, size_t n, size_t *size);
/* Single-ring polygon; the ring is closed automatically if needed. */
unsigned char *test_wkb_polygon(const double *xy, size_t n, size_t *size);
/* Axis-aligned rectangle. */
unsigned char *test_wkb_rect(double minx, double miny, double maxx, double maxy, size_t *size);

/* Adds a feature from a WKB builder result and frees the buffer; asserts success.
 * Call the builder in a statement of its own first: in
 * test_add(site, l, r, test_wkb_point(x, y, &n), n) the order in which C
 * evaluates the two arguments is unspecified, so `n` may be read before it is set. */
void test_add(cpted_site *site, const char *layer, int32_t role, unsigned char *wkb, size_t size);
/* Same, with attributes as "key=value" strings terminated by NULL. */
void test_add_attrs(cpted_site *site, const char *layer, int32_t role, unsigned char *wkb,
                    size_t size, ...);

/* x, y of point feature i; asserts it comes back as the 21-byte little-endian
 * ISO WKB of a 2D point. */
void test_point_xy(const cpted_site *site, size_t i, double *x, double *y);

/* An analysis on a free space of its own (default free-space options): the
 * free space is released at once, the result keeps it alive. Returns the
 * status of the first call that fails. */
int test_standoff_run(cpted_standoff **out, cpted_site *site, const cpted_vehicle *v,
                      const cpted_standoff_options *opts);
int test_coverage_run(cpted_coverage **out, cpted_site *site, const cpted_vehicle *v,
                      const cpted_coverage_options *opts);

/* Asserts |a - b| <= tol with a readable message. */
#define assert_near(a, b, tol) test_assert_near((a), (b), (tol), #a, __FILE__, __LINE__)
void test_assert_near(double a, double b, double tol, const char *expr, const char *file, int line);

#endif
