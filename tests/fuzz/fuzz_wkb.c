/* fuzz_wkb.c - libFuzzer harness: cpted_site_add_wkb into a small site, then
 * free space and every analysis on it.
 *
 * Input layout (little-endian):
 *   byte 0       flags: bit 0 adds a perimeter line along the bollards (else
 *                the coverage analysis derives a row from them), bit 1 makes
 *                soft features block, bit 2 takes the N3C lorry instead of M1,
 *                bit 3 uses the default 8 arc segments per quadrant (else 2:
 *                the same code paths with fewer vertices, so more runs a second)
 *   then up to MAX_RECORDS records:
 *     byte       role (value modulo 11: a cpted_role, 0 = none, which must be refused)
 *     u16        length n of the geometry (cut to what is left)
 *     n bytes    WKB given to cpted_site_add_wkb
 * The base site is in an unnamed local metric CRS: a 7 m road along y = 0, an
 * asset 16 x 16 m from y = 20 with a required standoff of 15 m, and four rated
 * bollard points 1.5 m apart at y = 8. Statuses must be ones the functions
 * document; the sanitizers catch the rest. Run: docs/robustness.md.
 */
#include "cpted/cpted.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECORDS 4

static cpted_context *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cpted_context_new(&ctx) != CPTED_OK)
        abort();
    return 0;
}

/* ---- WKB of the base site ------------------------------------------------- */

typedef struct wkb {
    unsigned char b[256];
    size_t n;
} wkb;

static void put_u32(wkb *w, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        w->b[w->n++] = (unsigned char)(v >> (8 * i));
}

static void put_f64(wkb *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    for (int i = 0; i < 8; i++)
        w->b[w->n++] = (unsigned char)(v >> (8 * i));
}

/* type 1 point, 2 line (n points), 3 polygon (one ring of n points) */
static wkb make(uint32_t type, const double *xy, uint32_t n)
{
    wkb w = {{0}, 0};
    w.b[w.n++] = 1;
    put_u32(&w, type);
    if (type == 3)
        put_u32(&w, 1);
    if (type != 1)
        put_u32(&w, n);
    for (uint32_t i = 0; i < 2 * n; i++)
        put_f64(&w, xy[i]);
    return w;
}

static void add(cpted_site *site, const char *layer, int32_t role, wkb w, const char *key,
                const char *value)
{
    const char *keys[1] = {key}, *values[1] = {value};
    if (cpted_site_add_wkb(NULL, site, layer, role, w.b, w.n, keys, values, key ? 1 : 0) !=
        CPTED_OK)
        abort(); /* the base site is valid */
}

static cpted_site *base_site(int with_perimeter)
{
    cpted_site *site = NULL;
    if (cpted_site_new(&site, ctx, NULL) != CPTED_OK)
        abort();
    add(site, "roads", CPTED_ROLE_ROAD, make(2, (double[]){-40, 0, 40, 0}, 2), "width", "7");
    add(site, "assets", CPTED_ROLE_ASSET,
        make(3, (double[]){-8, 20, 8, 20, 8, 36, -8, 36, -8, 20}, 5), "required_standoff_m", "15");
    for (int i = 0; i < 4; i++)
        add(site, "bollards", CPTED_ROLE_BARRIER, make(1, (double[]){-2.25 + 1.5 * i, 8}, 1),
            "rating", "V/7500[N2]/48/90:3.5/10.0");
    if (with_perimeter)
        add(site, "perimeter", CPTED_ROLE_PERIMETER, make(2, (double[]){-12, 8, 12, 8}, 2), NULL,
            NULL);
    return site;
}

/* ---- the analyses (small functions: the analysis API may change) -------------- */

static void check_json(int rc, char *json)
{
    if (rc == CPTED_OK && (!json || json[0] != '{'))
        abort();
    if (rc != CPTED_OK && rc != CPTED_E_CRS)
        abort();
    cpted_free(json);
}

/* The free space, its sets; NULL when it cannot be computed (an expected status). */
static cpted_freespace *run_freespace(cpted_site *site, const cpted_vehicle *v,
                                      const cpted_freespace_options *o)
{
    cpted_freespace *fs = NULL;
    int rc = cpted_freespace_new(&fs, site, v, o);
    if (rc != CPTED_OK) {
        if (rc != CPTED_E_INVALID && rc != CPTED_E_GEOMETRY)
            abort();
        return NULL;
    }
    /* nothing assessable: R empty, with the reason */
    double reach = -1;
    if (cpted_freespace_get_area(&reach, fs, CPTED_SPACE_REACHABLE) != CPTED_OK ||
        (cpted_freespace_not_assessed(fs) != NULL) != (reach == 0))
        abort();
    for (int32_t s = CPTED_SPACE_GROUND; s <= CPTED_SPACE_BOUNDARY; s++) {
        double a = -1;
        unsigned char *w = NULL;
        size_t n = 0;
        if (cpted_freespace_get_area(&a, fs, s) != CPTED_OK || !(a >= 0))
            abort();
        if (cpted_freespace_get_wkb(&w, &n, fs, s) != CPTED_OK)
            abort();
        cpted_free(w);
    }
    return fs;
}

static void run_standoff(cpted_freespace *fs)
{
    cpted_standoff_options o;
    cpted_standoff_options_init(&o, sizeof o);
    o.charge_kg = 100;
    o.allowable_kpa = 10;
    cpted_standoff *res = NULL;
    int rc = cpted_standoff_run(&res, fs, &o);
    if (rc != CPTED_OK) {
        if (rc != CPTED_E_INVALID && rc != CPTED_E_GEOMETRY && rc != CPTED_E_RANGE)
            abort();
        return;
    }
    for (size_t i = 0; i < cpted_standoff_asset_count(res); i++) {
        cpted_standoff_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        if (cpted_standoff_get_asset(&a, res, i) != CPTED_OK)
            abort();
        if (a.reachable ? !(a.standoff_m >= 0) : !isnan(a.standoff_m))
            abort();
        unsigned char *w = NULL;
        size_t n = 0;
        if (cpted_standoff_get_encroachment_wkb(&w, &n, res, i) != CPTED_OK)
            abort();
        cpted_free(w);
    }
    char *json = NULL;
    int json_rc = cpted_standoff_to_json(&json, res); /* before reading json */
    check_json(json_rc, json);
    cpted_standoff_free(res);
}

static void run_coverage(cpted_freespace *fs)
{
    cpted_coverage *res = NULL;
    int rc = cpted_coverage_run(&res, fs, NULL);
    if (rc != CPTED_OK) {
        if (rc != CPTED_E_INVALID && rc != CPTED_E_GEOMETRY)
            abort();
        return;
    }
    for (size_t i = 0; i < cpted_coverage_line_count(res); i++) {
        cpted_coverage_line l;
        memset(&l, 0, sizeof l);
        l.struct_size = sizeof l;
        if (cpted_coverage_get_line(&l, res, i) != CPTED_OK)
            abort();
        if (!(l.covered_m >= 0) || l.noncompliant_count > l.gap_count)
            abort();
        for (size_t g = 0; g < l.gap_count; g++) {
            cpted_coverage_gap gap;
            memset(&gap, 0, sizeof gap);
            gap.struct_size = sizeof gap;
            if (cpted_coverage_get_gap(&gap, res, i, g) != CPTED_OK)
                abort();
        }
    }
    for (size_t i = 0; i < cpted_coverage_breach_count(res); i++) {
        cpted_coverage_breach b;
        memset(&b, 0, sizeof b);
        b.struct_size = sizeof b;
        if (cpted_coverage_get_breach(&b, res, i) != CPTED_OK || !b.line_id ||
            (b.kind != CPTED_BREACH_CROSSING && b.kind != CPTED_BREACH_BYPASS))
            abort();
    }
    char *json = NULL;
    int json_rc = cpted_coverage_to_json(&json, res); /* before reading json */
    check_json(json_rc, json);
    cpted_coverage_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    size_t pos = 1;
    cpted_site *site = base_site(flags & 1);
    size_t before = cpted_site_feature_count(site);
    size_t added = 0;
    for (int k = 0; k < MAX_RECORDS && pos + 3 <= size; k++) {
        int32_t role = data[pos] % 11;
        size_t n = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
        pos += 3;
        if (n > size - pos)
            n = size - pos;
        int64_t fid = -1;
        int rc = cpted_site_add_wkb(&fid, site, "fuzz", role, data + pos, n, NULL, NULL, 0);
        pos += n;
        if (rc == CPTED_OK) {
            if (role == CPTED_ROLE_NONE || fid < 0)
                abort();
            added++;
        } else if (rc != CPTED_E_GEOMETRY && rc != CPTED_E_INVALID) {
            abort();
        }
    }
    if (cpted_site_feature_count(site) != before + added)
        abort();
    cpted_vehicle v;
    if (cpted_vehicle_preset(&v, sizeof v, flags & 4 ? "N3C" : "M1") != CPTED_OK)
        abort();
    cpted_freespace_options fo;
    cpted_freespace_options_init(&fo, sizeof fo);
    fo.soft_blocking = (flags & 2) ? 1 : 0;
    if (!(flags & 8))
        fo.quadrant_segments = 2;
    cpted_freespace *fs = run_freespace(site, &v, &fo);
    if (fs) {
        run_standoff(fs);
        run_coverage(fs);
    }
    cpted_freespace_free(fs);
    cpted_site_free(site);
    return 0;
}
