/* test_alloc_failure.c - every public function with each of its allocations
 * failing in turn (allocation failure injection, lib/alloc.c; docs/robustness.md).
 *
 * For one operation (a small function below) the loop sets allocation n to
 * fail, for n = 1, 2, ... until a run meets no injected failure. Each run must
 * either fail with CPTED_E_NOMEM (the message saying "out of memory") or
 * succeed with exactly the result of the run without injection (a tolerated
 * failure must not change a result); it must never crash, and the leak
 * checkers of the ASan and Valgrind steps of scripts/test.sh see every run.
 * After a failed run the same operation is repeated without injection on the
 * same inputs and must give the reference result: a failure leaves nothing
 * half-changed behind.
 *
 * Inputs (sites, results) are built without injection, so each operation's
 * own allocations are the ones failed; the analyses only read the site.
 * GEOS, GDAL and PROJ allocate on their own and are not injected.
 */
#include "testutil.h"

#include "internal.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The inputs an operation may use (built without injection). */
typedef struct inputs {
    cpted_context *ctx;
    cpted_site *site;          /* small site, no perimeter: rows are derived */
    cpted_site *site_perim;    /* the same with a perimeter line */
    cpted_standoff *standoff;  /* of site */
    cpted_coverage *coverage;  /* of site_perim */
    cpted_freespace *fs;       /* of site */
} inputs;

/* An operation: returns a status and, on CPTED_OK, a digest of its result
 * (malloc'd text compared between runs; may stay NULL). */
typedef int (*operation)(inputs *in, char **digest);

/* ---- helpers ------------------------------------------------------------------ */

static char *text_append(char *text, const char *add)
{
    size_t a = text ? strlen(text) : 0, b = strlen(add);
    char *p = realloc(text, a + b + 1);
    assert_non_null(p);
    memcpy(p + a, add, b + 1);
    return p;
}

static char *digest_printf(char *text, const char *fmt, ...) CPTED__PRINTF(2, 3);
static char *digest_printf(char *text, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return text_append(text, buf);
}

/* Takes a cpted_free'd string into a malloc'd digest. */
static char *digest_take(char *text, char *lib_text)
{
    text = text_append(text, lib_text);
    cpted_free(lib_text);
    return text;
}

static cpted_vehicle car(void)
{
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    return v;
}

/* Adds a feature; under injection the status is returned, not asserted. */
static int add(cpted_site *site, const char *layer, int32_t role, unsigned char *wkb, size_t n,
               const char *key, const char *value)
{
    const char *keys[1] = {key}, *values[1] = {value};
    int rc = cpted_site_add_wkb(NULL, site, layer, role, wkb, n, keys, values, key ? 1 : 0);
    free(wkb);
    return rc;
}

/* The small site: a 7 m road along y = 0, an asset 20 x 20 m from y = 20
 * (required standoff 20 m), a building, and five rated bollards 1.5 m apart
 * at y = 8 (a derived row); with_perimeter adds a line along them. */
static int fill_site(cpted_site *site, int with_perimeter)
{
    size_t n;
    unsigned char *w;
    int rc;
    w = test_wkb_line((double[]){-60, 0, 60, 0}, 2, &n);
    if ((rc = add(site, "roads", CPTED_ROLE_ROAD, w, n, "width", "7")) != CPTED_OK)
        return rc;
    w = test_wkb_rect(-10, 20, 10, 40, &n);
    if ((rc = add(site, "assets", CPTED_ROLE_ASSET, w, n, "required_standoff_m", "20")) != CPTED_OK)
        return rc;
    w = test_wkb_rect(20, 20, 30, 30, &n);
    if ((rc = add(site, "buildings", CPTED_ROLE_BUILDING, w, n, "name", "depot")) != CPTED_OK)
        return rc;
    for (int i = 0; i < 5; i++) {
        w = test_wkb_point(-3.0 + 1.5 * i, 8, &n);
        if ((rc = add(site, "bollards", CPTED_ROLE_BARRIER, w, n, "rating",
                      "V/7500[N2]/48/90:3.5/10.0")) != CPTED_OK)
            return rc;
    }
    if (with_perimeter) {
        w = test_wkb_line((double[]){-15, 8, 15, 8}, 2, &n);
        if ((rc = add(site, "perimeter", CPTED_ROLE_PERIMETER, w, n, NULL, NULL)) != CPTED_OK)
            return rc;
    }
    return CPTED_OK;
}

static int make_site(cpted_context *ctx, int with_perimeter, cpted_site **out)
{
    *out = NULL;
    cpted_site *site = NULL;
    int rc = cpted_site_new(&site, ctx, NULL);
    if (rc == CPTED_OK)
        rc = fill_site(site, with_perimeter);
    if (rc != CPTED_OK) {
        cpted_site_free(site);
        return rc;
    }
    *out = site;
    return CPTED_OK;
}

/* The analysis calls, kept small so that a change of the analysis API
 * touches only these three. */
static int run_freespace(cpted_site *site, cpted_freespace **out)
{
    cpted_vehicle v = car();
    return cpted_freespace_new(out, site, &v, NULL);
}

/* A free space of its own (options fo, NULL: defaults) for each analysis run,
 * so the injection reaches the free space as well; the result keeps it alive. */
static int with_freespace(cpted_site *site, const cpted_freespace_options *fo,
                          cpted_freespace **fs)
{
    cpted_vehicle v = car();
    /* the small site's figures are those of the roads-only ground model */
    cpted_freespace_options roads;
    if (!fo) {
        assert_int_equal(cpted_freespace_options_init(&roads, sizeof roads), CPTED_OK);
        roads.drivable = CPTED_DRIVABLE_ROADS;
        fo = &roads;
    }
    return cpted_freespace_new(fs, site, &v, fo);
}

static int run_standoff(cpted_site *site, cpted_standoff **out)
{
    cpted_freespace *fs = NULL;
    int rc = with_freespace(site, NULL, &fs);
    if (rc == CPTED_OK)
        rc = cpted_standoff_run(out, fs, NULL);
    cpted_freespace_free(fs);
    return rc;
}

static int run_standoff_blast(cpted_site *site, cpted_standoff **out)
{
    cpted_standoff_options o;
    assert_int_equal(cpted_standoff_options_init(&o, sizeof o), CPTED_OK);
    o.charge_kg = 100;
    o.allowable_kpa = 20;
    cpted_freespace *fs = NULL;
    int rc = with_freespace(site, NULL, &fs);
    if (rc == CPTED_OK)
        rc = cpted_standoff_run(out, fs, &o);
    cpted_freespace_free(fs);
    return rc;
}

static int run_coverage(cpted_site *site, cpted_coverage **out)
{
    cpted_freespace *fs = NULL;
    int rc = with_freespace(site, NULL, &fs);
    if (rc == CPTED_OK)
        rc = cpted_coverage_run(out, fs, NULL);
    cpted_freespace_free(fs);
    return rc;
}

static int run_coverage_soft(cpted_site *site, cpted_coverage **out)
{
    cpted_freespace_options fo;
    assert_int_equal(cpted_freespace_options_init(&fo, sizeof fo), CPTED_OK);
    fo.soft_blocking = 1;
    fo.drivable = CPTED_DRIVABLE_ROADS;
    cpted_freespace *fs = NULL;
    int rc = with_freespace(site, &fo, &fs);
    if (rc == CPTED_OK)
        rc = cpted_coverage_run(out, fs, NULL);
    cpted_freespace_free(fs);
    return rc;
}

/* ---- the loop ------------------------------------------------------------------- */

/* Runs op with allocation n failing, n = 1, 2, ...; see the file comment. */
static void inject_each(inputs *in, const char *name, operation op)
{
    char *reference = NULL;
    cpted__alloc_fail_at(0);
    int rc = op(in, &reference);
    if (rc != CPTED_OK)
        fail_msg("%s without injection: %s", name, cpted_context_last_error(in->ctx));
    unsigned long total = cpted__alloc_calls();
    unsigned long n = 1, failed_runs = 0;
    for (;; n++) {
        char *digest = NULL;
        cpted__alloc_fail_at(n);
        rc = op(in, &digest);
        unsigned long injected = cpted__alloc_injected();
        cpted__alloc_fail_at(0);
        if (rc == CPTED_OK) {
            if ((reference || digest) &&
                (!reference || !digest || strcmp(reference, digest) != 0)) {
                /* the two results go to files: too long for a message */
                test_write_file(test_tmp_path("alloc_failure_got.txt"), digest ? digest : "");
                test_write_file(test_tmp_path("alloc_failure_want.txt"),
                                reference ? reference : "");
                fail_msg("%s: allocation %lu failed, the call succeeded with another result "
                         "(alloc_failure_got.txt, alloc_failure_want.txt in the scratch directory)",
                         name, n);
            }
        } else {
            if (!injected)
                fail_msg("%s failed without an injected failure (n = %lu): %s", name, n,
                         cpted_context_last_error(in->ctx));
            if (rc != CPTED_E_NOMEM ||
                !strstr(cpted_context_last_error(in->ctx), "out of memory"))
                fail_msg("%s: allocation %lu failed and the call returned %d (%s): %s", name, n,
                         rc, cpted_status_string(rc), cpted_context_last_error(in->ctx));
            failed_runs++;
            /* nothing half-changed: the same call again gives the reference */
            char *again = NULL;
            int rc2 = op(in, &again);
            if (rc2 != CPTED_OK || (reference && (!again || strcmp(again, reference) != 0)))
                fail_msg("%s: after allocation %lu failed, a second run gives %d and %s", name,
                         n, rc2, again ? again : "(none)");
            free(again);
        }
        free(digest);
        if (!injected)
            break;
    }
    free(reference);
    print_message("%s: %lu allocations, %lu runs failed with CPTED_E_NOMEM, %lu tolerated\n",
                  name, total, failed_runs, n - 1 - failed_runs);
    assert_true(n - 1 >= total); /* every allocation had its turn */
}

/* ---- operations ------------------------------------------------------------------ */

static int op_context(inputs *in, char **digest)
{
    (void)in;
    (void)digest;
    cpted_context *ctx = NULL;
    int rc = cpted_context_new(&ctx);
    if (rc == CPTED_OK) {
        assert_non_null(ctx);
        cpted_context_free(ctx);
    } else {
        assert_null(ctx);
        /* no context to carry a message: report it through in->ctx */
        cpted__nomem(in->ctx, "context");
    }
    return rc;
}

/* site_new, add_wkb with attributes, info_json and the feature getters */
static int op_site_memory(inputs *in, char **digest)
{
    cpted_site *site = NULL;
    int rc = make_site(in->ctx, 1, &site);
    if (rc != CPTED_OK)
        return rc;
    char *json = NULL;
    rc = cpted_site_info_json(&json, site);
    if (rc == CPTED_OK) {
        *digest = digest_take(*digest, json);
        for (size_t i = 0; i < cpted_site_feature_count(site) && rc == CPTED_OK; i++) {
            unsigned char *wkb = NULL;
            size_t size = 0;
            rc = cpted_site_get_feature_wkb(&wkb, &size, site, i);
            if (rc == CPTED_OK) {
                *digest = digest_printf(*digest, "\n%s %zu", cpted_site_feature_id(site, i), size);
                cpted_free(wkb);
            }
        }
    }
    cpted_site_free(site);
    return rc;
}

static int op_site_open(inputs *in, char **digest)
{
    const char *path = test_data_path("roads.geojson");
    cpted_site *site = NULL;
    int rc = cpted_site_open(&site, in->ctx, &path, 1, NULL);
    if (rc != CPTED_OK)
        return rc;
    char *json = NULL;
    rc = cpted_site_info_json(&json, site);
    if (rc == CPTED_OK)
        *digest = digest_take(*digest, json);
    cpted_site_free(site);
    return rc;
}

/* two sources, one without a CRS (GeoJSON's lon/lat: the UTM zone is chosen),
 * a role map and an output CRS: the CRS and role-map paths of the reader */
static int op_site_open_options(inputs *in, char **digest)
{
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", test_data_path("lonlat_9e50n.geojson"));
    snprintf(b, sizeof b, "%s", test_data_path("precedence.geojson"));
    const char *paths[] = {a, b};
    static const char *const map[] = {"buildings=asset"};
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.role_map = map;
    o.role_map_count = 1;
    o.output_crs = "EPSG:4326";
    cpted_site *site = NULL;
    int rc = cpted_site_open(&site, in->ctx, paths, 2, &o);
    if (rc != CPTED_OK)
        return rc;
    char *json = NULL;
    rc = cpted_site_info_json(&json, site);
    if (rc == CPTED_OK)
        *digest = digest_take(*digest, json);
    double lon = 0, lat = 0;
    if (rc == CPTED_OK)
        rc = cpted_site_to_output(&lon, &lat, site, 500000, 5540000);
    if (rc == CPTED_OK)
        *digest = digest_printf(*digest, "\n%.9f %.9f", lon, lat);
    cpted_site_free(site);
    return rc;
}

/* Opens sources with options and digests the site (info JSON and warnings). */
static int open_digest(inputs *in, const char *const *names, size_t count,
                       const cpted_site_options *o, char **digest)
{
    char paths[4][4096];
    const char *p[4];
    for (size_t i = 0; i < count; i++) {
        snprintf(paths[i], sizeof paths[i], "%s", test_data_path(names[i]));
        p[i] = paths[i];
    }
    cpted_site *site = NULL;
    int rc = cpted_site_open(&site, in->ctx, p, count, o);
    if (rc != CPTED_OK)
        return rc;
    char *json = NULL;
    rc = cpted_site_info_json(&json, site);
    if (rc == CPTED_OK) {
        *digest = digest_take(*digest, json);
        for (size_t i = 0; i < cpted_site_warning_count(site); i++)
            *digest = digest_printf(*digest, "\n%s", cpted_site_warning(site, i));
    }
    cpted_site_free(site);
    return rc;
}

/* DXF: an assumed CRS, closed polylines made polygons, an ignored layer */
static int op_site_open_dxf(inputs *in, char **digest)
{
    static const char *const names[] = {"plan.dxf"};
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.assume_crs = "EPSG:25832";
    return open_digest(in, names, 1, &o, digest);
}

/* lenient: a bad feature skipped with a warning, a bow tie repaired */
static int op_site_open_lenient(inputs *in, char **digest)
{
    static const char *const names[] = {"negative_diameter.geojson", "bowtie.geojson"};
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = 1;
    return open_digest(in, names, 2, &o, digest);
}

/* a site in a named CRS (cpted_site_new normalises it) */
static int op_site_new_crs(inputs *in, char **digest)
{
    cpted_site *site = NULL;
    int rc = cpted_site_new(&site, in->ctx, "EPSG:25832");
    if (rc != CPTED_OK)
        return rc;
    size_t n;
    unsigned char *w = test_wkb_point(500000, 5540000, &n);
    rc = add(site, "bollards", CPTED_ROLE_BARRIER, w, n, "diameter", "0.3");
    char *json = NULL;
    if (rc == CPTED_OK)
        rc = cpted_site_info_json(&json, site);
    if (rc == CPTED_OK)
        *digest = digest_take(*digest, json);
    cpted_site_free(site);
    return rc;
}

/* a bad attribute: the error path of add_wkb must not turn into a crash or leak */
static int op_site_bad_attribute(inputs *in, char **digest)
{
    (void)digest;
    cpted_site *site = NULL;
    int rc = cpted_site_new(&site, in->ctx, NULL);
    if (rc != CPTED_OK)
        return rc;
    size_t n;
    unsigned char *w = test_wkb_point(1, 2, &n);
    rc = add(site, "bollards", CPTED_ROLE_BARRIER, w, n, "diameter", "wide");
    cpted_site_free(site);
    if (rc == CPTED_E_FORMAT)
        return CPTED_OK; /* the expected answer, message or not */
    return rc;
}

static int op_vehicle(inputs *in, char **digest)
{
    cpted_vehicle v = car();
    int rc = cpted_vehicle_validate(in->ctx, &v);
    if (rc != CPTED_OK)
        return rc;
    v.width_m = -1;
    rc = cpted_vehicle_validate(in->ctx, &v);
    *digest = digest_printf(*digest, "%d", rc);
    return rc == CPTED_E_INVALID ? CPTED_OK : rc;
}

static int op_rating(inputs *in, char **digest)
{
    static const char *const texts[] = {"V/7500[N2]/48/90:3.5/10.0", "M50/P1", "K12/L3",
                                        "V/7500[N2]/48/90:", "nonsense"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        cpted_rating r;
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        int rc = cpted_rating_parse(&r, in->ctx, texts[i]);
        if (rc != CPTED_OK && rc != CPTED_E_FORMAT)
            return rc;
        *digest = digest_printf(*digest, "%d %d %s %.17g %.17g %s;", rc, r.standard,
                                r.vehicle_class, r.mass_kg, r.speed_kmh, r.category);
    }
    return CPTED_OK;
}

static int op_freespace(inputs *in, char **digest)
{
    cpted_freespace *fs = NULL;
    int rc = run_freespace(in->site, &fs);
    if (rc != CPTED_OK)
        return rc;
    for (int32_t s = CPTED_SPACE_GROUND; s <= CPTED_SPACE_BOUNDARY && rc == CPTED_OK; s++) {
        double a = 0;
        unsigned char *wkb = NULL;
        size_t size = 0;
        rc = cpted_freespace_get_area(&a, fs, s);
        if (rc == CPTED_OK)
            rc = cpted_freespace_get_wkb(&wkb, &size, fs, s);
        if (rc == CPTED_OK)
            *digest = digest_printf(*digest, "%d %.9f %zu;", s, a, size);
        cpted_free(wkb);
    }
    cpted_freespace_free(fs);
    return rc;
}

/* WKB of a result computed once (only the export is injected) */
static int op_freespace_wkb(inputs *in, char **digest)
{
    unsigned char *wkb = NULL;
    size_t size = 0;
    int rc = cpted_freespace_get_wkb(&wkb, &size, in->fs, CPTED_SPACE_ACCESSIBLE);
    if (rc == CPTED_OK)
        *digest = digest_printf(*digest, "%zu", size);
    cpted_free(wkb);
    return rc;
}

static int standoff_digest(const cpted_standoff *res, char **digest)
{
    char *json = NULL;
    int rc = cpted_standoff_to_json(&json, res);
    if (rc != CPTED_OK)
        return rc;
    *digest = digest_take(*digest, json);
    for (size_t i = 0; i < cpted_standoff_asset_count(res); i++) {
        cpted_standoff_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        if ((rc = cpted_standoff_get_asset(&a, res, i)) != CPTED_OK)
            return rc;
        unsigned char *wkb = NULL;
        size_t size = 0;
        if ((rc = cpted_standoff_get_encroachment_wkb(&wkb, &size, res, i)) != CPTED_OK)
            return rc;
        cpted_free(wkb);
        *digest = digest_printf(*digest, "\n%s %.9f %.9f %zu", a.id, a.standoff_m,
                                a.encroachment_m2, size);
    }
    return CPTED_OK;
}

static int op_standoff(inputs *in, char **digest)
{
    cpted_standoff *res = NULL;
    int rc = run_standoff(in->site, &res);
    if (rc == CPTED_OK)
        rc = standoff_digest(res, digest);
    cpted_standoff_free(res);
    return rc;
}

/* a charge and an allowable pressure (blast figures in the records and the
 * JSON), an explicit entry, everything drivable */
static int op_standoff_blast(inputs *in, char **digest)
{
    cpted_site *site = NULL;
    int rc = make_site(in->ctx, 0, &site);
    size_t n;
    unsigned char *w = test_wkb_point(-59, 0, &n);
    if (rc == CPTED_OK)
        rc = add(site, "entries", CPTED_ROLE_ENTRY, w, n, NULL, NULL);
    else
        free(w);
    cpted_standoff *res = NULL;
    if (rc == CPTED_OK)
        rc = run_standoff_blast(site, &res);
    if (rc == CPTED_OK)
        rc = standoff_digest(res, digest);
    cpted_standoff_free(res);
    cpted_site_free(site);
    return rc;
}

static int op_standoff_outputs(inputs *in, char **digest)
{
    return standoff_digest(in->standoff, digest);
}

static int coverage_digest(const cpted_coverage *res, char **digest)
{
    char *json = NULL;
    int rc = cpted_coverage_to_json(&json, res);
    if (rc != CPTED_OK)
        return rc;
    *digest = digest_take(*digest, json);
    for (size_t i = 0; i < cpted_coverage_line_count(res); i++) {
        cpted_coverage_line l;
        memset(&l, 0, sizeof l);
        l.struct_size = sizeof l;
        if ((rc = cpted_coverage_get_line(&l, res, i)) != CPTED_OK)
            return rc;
        *digest = digest_printf(*digest, "\n%s %.9f %zu", l.id, l.covered_m, l.gap_count);
        for (size_t g = 0; g < l.gap_count; g++) {
            cpted_coverage_gap gap;
            memset(&gap, 0, sizeof gap);
            gap.struct_size = sizeof gap;
            if ((rc = cpted_coverage_get_gap(&gap, res, i, g)) != CPTED_OK)
                return rc;
            *digest = digest_printf(*digest, " %.9f", gap.clear_width_m);
        }
    }
    for (size_t i = 0; i < cpted_coverage_breach_count(res); i++) {
        cpted_coverage_breach b;
        memset(&b, 0, sizeof b);
        b.struct_size = sizeof b;
        if ((rc = cpted_coverage_get_breach(&b, res, i)) != CPTED_OK)
            return rc;
        *digest = digest_printf(*digest, "\n%s %s %.9f", b.line_id, cpted_breach_kind_name(b.kind), b.width_m);
    }
    return CPTED_OK;
}

/* coverage of the site without a perimeter: the row is derived from the bollards */
static int op_coverage_rows(inputs *in, char **digest)
{
    cpted_coverage *res = NULL;
    int rc = run_coverage(in->site, &res);
    if (rc == CPTED_OK)
        rc = coverage_digest(res, digest);
    cpted_coverage_free(res);
    return rc;
}

static int op_coverage_perimeter(inputs *in, char **digest)
{
    cpted_coverage *res = NULL;
    int rc = run_coverage(in->site_perim, &res);
    if (rc == CPTED_OK)
        rc = coverage_digest(res, digest);
    cpted_coverage_free(res);
    return rc;
}

/* a closed perimeter (a ring round the asset), a wall line and soft features
 * that block: the ring, wall and soft paths of coverage and breaches */
static int op_coverage_ring(inputs *in, char **digest)
{
    cpted_site *site = NULL;
    int rc = make_site(in->ctx, 0, &site);
    size_t n;
    unsigned char *w;
    if (rc == CPTED_OK) {
        w = test_wkb_rect(-14, 14, 14, 44, &n);
        rc = add(site, "perimeter", CPTED_ROLE_PERIMETER, w, n, NULL, NULL);
    }
    if (rc == CPTED_OK) {
        w = test_wkb_line((double[]){-14, 14, -2, 14}, 2, &n);
        rc = add(site, "walls", CPTED_ROLE_BARRIER, w, n, "thickness", "0.3");
    }
    if (rc == CPTED_OK) {
        w = test_wkb_point(6, 14, &n);
        rc = add(site, "planters", CPTED_ROLE_SOFT, w, n, NULL, NULL);
    }
    cpted_coverage *res = NULL;
    if (rc == CPTED_OK)
        rc = run_coverage_soft(site, &res);
    if (rc == CPTED_OK)
        rc = coverage_digest(res, digest);
    cpted_coverage_free(res);
    cpted_site_free(site);
    return rc;
}

static int op_coverage_outputs(inputs *in, char **digest)
{
    return coverage_digest(in->coverage, digest);
}

/* Names in the scratch directory that start with prefix (temporary files included). */
static int count_files(const char *prefix)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_tmp_path(""));
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

/* A writer either writes the file or leaves nothing behind (atomic write). */
static int check_written(int rc, const char *prefix, const char *path)
{
    if (rc == CPTED_OK) {
        assert_int_equal(access(path, F_OK), 0);
        assert_int_equal(unlink(path), 0);
    }
    if (count_files(prefix) != 0)
        fail_msg("%s: files left behind after status %d", prefix, rc);
    return rc;
}

static int op_write_standoff(inputs *in, char **digest)
{
    (void)digest;
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp_path("alloc_fail_standoff.gpkg"));
    return check_written(cpted_standoff_write(in->standoff, path, NULL, 0),
                         "alloc_fail_standoff", path);
}

static int op_write_coverage(inputs *in, char **digest)
{
    (void)digest;
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp_path("alloc_fail_coverage.gpkg"));
    return check_written(cpted_coverage_write(in->coverage, path, "GPKG", 0),
                         "alloc_fail_coverage", path);
}

/* ---- tests --------------------------------------------------------------------- */

static int setup(void **state)
{
    inputs *in = calloc(1, sizeof *in);
    assert_non_null(in);
    assert_int_equal(cpted_context_new(&in->ctx), CPTED_OK);
    assert_int_equal(make_site(in->ctx, 0, &in->site), CPTED_OK);
    assert_int_equal(make_site(in->ctx, 1, &in->site_perim), CPTED_OK);
    assert_int_equal(run_standoff(in->site, &in->standoff), CPTED_OK);
    assert_int_equal(run_coverage(in->site_perim, &in->coverage), CPTED_OK);
    assert_int_equal(run_freespace(in->site, &in->fs), CPTED_OK);
    /* the site is what the file comment says: one asset, encroached; one derived row */
    cpted_standoff_asset a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    assert_int_equal(cpted_standoff_get_asset(&a, in->standoff, 0), CPTED_OK);
    /* road edge y = 3.5 to the asset at y = 20, short by the circumscribed
     * buffers of the road (3.5 m) and of A (0.9 m): docs/method-freespace.md */
    const double k = 1.0 / cos(3.0 * 3.14159265358979323846 / 256.0);
    assert_near(a.standoff_m, 16.5 - (3.5 * k - 3.5) - (0.9 * k - (0.9 - 1e-6)), 1e-6);
    assert_true(a.encroachment_m2 > 0);
    cpted_coverage *rows = NULL;
    assert_int_equal(run_coverage(in->site, &rows), CPTED_OK);
    cpted_coverage_line l;
    memset(&l, 0, sizeof l);
    l.struct_size = sizeof l;
    assert_int_equal(cpted_coverage_line_count(rows), 1);
    assert_int_equal(cpted_coverage_get_line(&l, rows, 0), CPTED_OK);
    assert_int_equal(l.derived, 1);
    cpted_coverage_free(rows);
    *state = in;
    return 0;
}

static int teardown(void **state)
{
    inputs *in = *state;
    cpted_freespace_free(in->fs);
    cpted_coverage_free(in->coverage);
    cpted_standoff_free(in->standoff);
    cpted_site_free(in->site_perim);
    cpted_site_free(in->site);
    cpted_context_free(in->ctx);
    free(in);
    return 0;
}

#define INJECT(op)                                                                                 \
    static void test_##op(void **state) { inject_each(*state, #op, op); }
INJECT(op_context)
INJECT(op_site_memory)
INJECT(op_site_open)
INJECT(op_site_open_options)
INJECT(op_site_new_crs)
INJECT(op_site_open_dxf)
INJECT(op_site_open_lenient)
INJECT(op_site_bad_attribute)
INJECT(op_vehicle)
INJECT(op_rating)
INJECT(op_freespace)
INJECT(op_freespace_wkb)
INJECT(op_standoff)
INJECT(op_standoff_blast)
INJECT(op_standoff_outputs)
INJECT(op_coverage_rows)
INJECT(op_coverage_perimeter)
INJECT(op_coverage_ring)
INJECT(op_coverage_outputs)
INJECT(op_write_standoff)
INJECT(op_write_coverage)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_op_context),          cmocka_unit_test(test_op_site_memory),
        cmocka_unit_test(test_op_site_open),        cmocka_unit_test(test_op_site_open_options),
        cmocka_unit_test(test_op_site_new_crs),     cmocka_unit_test(test_op_site_open_dxf),
        cmocka_unit_test(test_op_site_open_lenient), cmocka_unit_test(test_op_site_bad_attribute),
        cmocka_unit_test(test_op_vehicle),          cmocka_unit_test(test_op_rating),
        cmocka_unit_test(test_op_freespace),        cmocka_unit_test(test_op_freespace_wkb),
        cmocka_unit_test(test_op_standoff),         cmocka_unit_test(test_op_standoff_blast),
        cmocka_unit_test(test_op_standoff_outputs),
        cmocka_unit_test(test_op_coverage_rows),    cmocka_unit_test(test_op_coverage_perimeter),
        cmocka_unit_test(test_op_coverage_ring),    cmocka_unit_test(test_op_coverage_outputs),
        cmocka_unit_test(test_op_write_standoff),
        cmocka_unit_test(test_op_write_coverage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
