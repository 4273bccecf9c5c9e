/* geos_leak_repro.c - GEOS alone through the exception paths of buffer and
 * make-valid, to tell GEOS leaks from cpted leaks (tests/lsan.supp).
 *
 * Not part of the test suite: build and run it by hand under ASan, e.g.
 *   clang-14 -fsanitize=address -g tests/support/geos_leak_repro.c \
 *       $(geos-config --clibs) -o /tmp/geos_leak_repro
 *   ASAN_OPTIONS=detect_leaks=1 /tmp/geos_leak_repro
 * It prints, per case, whether each operation succeeded or threw (GEOS's
 * message); LeakSanitizer then reports any leak at exit. With GEOS 3.11.1
 * (Debian bookworm) it reports none: see docs/robustness.md.
 */
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <math.h>
#include <stdio.h>

static void on_error(const char *message, void *payload)
{
    (void)payload;
    fprintf(stderr, "  GEOS: %s\n", message);
}

static GEOSGeometry *ring_polygon(GEOSContextHandle_t g, const double *xy, unsigned n)
{
    GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(g, xy, n, 0, 0);
    GEOSGeometry *ring = s ? GEOSGeom_createLinearRing_r(g, s) : NULL;
    return ring ? GEOSGeom_createPolygon_r(g, ring, NULL, 0) : NULL;
}

static void report(const char *what, GEOSContextHandle_t g, GEOSGeometry *result)
{
    fprintf(stderr, "  %s: %s\n", what, result ? "ok" : "failed (exception)");
    if (result)
        GEOSGeom_destroy_r(g, result);
}

int main(void)
{
    GEOSContextHandle_t g = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(g, on_error, NULL);
    const double nan = NAN, inf = INFINITY;
    const double cases[][10] = {
        {0, 0, 10, 0, nan, 10, 0, 10, 0, 0},                /* NaN vertex */
        {0, 0, 10, 0, inf, 10, 0, 10, 0, 0},                /* infinite vertex */
        {0, 0, 1e308, 0, -1e308, 1e308, 0, 10, 0, 0},       /* overflowing extent */
        {0, 0, 10, 10, 10, 0, 0, 10, 0, 0},                 /* bow tie (invalid) */
        {0, 0, 1e-300, 0, 1e-300, 1e-300, 0, 1e-300, 0, 0}, /* denormal-sized */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fprintf(stderr, "case %zu\n", i);
        GEOSGeometry *a = ring_polygon(g, cases[i], 5);
        if (!a) {
            fprintf(stderr, "  no polygon\n");
            continue;
        }
        report("buffer +1", g, GEOSBuffer_r(g, a, 1.0, 8));
        report("buffer -1", g, GEOSBuffer_r(g, a, -1.0, 8));
        GEOSBufferParams *bp = GEOSBufferParams_create_r(g);
        GEOSBufferParams_setJoinStyle_r(g, bp, GEOSBUF_JOIN_ROUND);
        report("buffer with params", g, GEOSBufferWithParams_r(g, a, bp, 0.5));
        GEOSBufferParams_destroy_r(g, bp);
        report("make valid (linework)", g, GEOSMakeValid_r(g, a));
        GEOSMakeValidParams *mp = GEOSMakeValidParams_create_r(g);
        GEOSMakeValidParams_setMethod_r(g, mp, GEOS_MAKE_VALID_STRUCTURE);
        report("make valid (structure)", g, GEOSMakeValidWithParams_r(g, a, mp));
        GEOSMakeValidParams_destroy_r(g, mp);
        GEOSGeom_destroy_r(g, a);
    }
    /* a line through NaN-producing extremes: buffer throws IllegalArgumentException */
    GEOSWKTReader *r = GEOSWKTReader_create_r(g);
    GEOSGeometry *line = GEOSWKTReader_read_r(g, r, "LINESTRING (0 0, 1e308 1e308, -1e308 1e308)");
    fprintf(stderr, "case line\n");
    if (line) {
        report("buffer +1", g, GEOSBuffer_r(g, line, 1.0, 8));
        report("make valid", g, GEOSMakeValid_r(g, line));
        GEOSGeom_destroy_r(g, line);
    }
    GEOSWKTReader_destroy_r(g, r);
    GEOS_finish_r(g);
    fprintf(stderr, "done (GEOS %s)\n", GEOSversion());
    return 0;
}
