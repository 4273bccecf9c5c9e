/* test_batch.c - district screening (public API, docs/method-batch.md).
 *
 * The hand-worked district: a road along y = 0, 7 m wide (edges y = +-3.5),
 * x in [-100, 300], and five 10 m buildings beside it at clear distances d
 * from the road edge of 5, 20, 0 (touching), 15 (south side) and 10 m. In the
 * roads-only ground model the vehicle body (M1, 1.8 m) covers the carriageway
 * and nothing else, so each standoff is d less what the circumscribed buffers
 * add (test_standoff.c, short_by): d - 0.00298 m, and 0 for the touching one.
 * Building 1 straddles x = 0, a tile border of the 50 m grid (the grid starts
 * at the extent's corner x = -100): its envelope centre lies on the border and
 * belongs to the tile on its right.
 */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
static double outer(double d) { return d / cos(3.0 * PI / 256.0); }
/* what the road's rounded ground and the vehicle's circumscribed half width take off */
static double short_by(void) { return outer(3.5) - 3.5 + outer(0.9) - (0.9 - 1e-6); }

static const struct {
    double x0, d;
    int south;
} houses[] = {{-5, 5, 0}, {40, 20, 0}, {80, 0, 0}, {120, 15, 1}, {160, 10, 0}};
enum { HOUSES = sizeof houses / sizeof houses[0] };

static void add_rect(cpted_site *s, const char *layer, int32_t role, double x0, double y0,
                     double x1, double y1)
{
    size_t n;
    unsigned char *wkb = test_wkb_rect(x0, y0, x1, y1, &n);
    test_add(s, layer, role, wkb, n);
}

/* The district; role_of(i) is the role of house i. */
static cpted_site *district(cpted_context *ctx, int32_t role, int with_houses)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    double xy[] = {-100, 0, 300, 0};
    size_t n;
    unsigned char *wkb = test_wkb_line(xy, 2, &n);
    test_add_attrs(site, "roads", CPTED_ROLE_ROAD, wkb, n, "width=7", NULL);
    for (int i = 0; with_houses && i < HOUSES; i++) {
        double y0 = houses[i].south ? -3.5 - houses[i].d - 10 : 3.5 + houses[i].d;
        add_rect(site, role == CPTED_ROLE_ASSET ? "assets" : "buildings", role, houses[i].x0, y0,
                 houses[i].x0 + 10, y0 + 10);
    }
    return site;
}

static cpted_freespace *freespace(cpted_site *site)
{
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    assert_int_equal(cpted_vehicle_preset(&v, sizeof v, "M1"), CPTED_OK);
    cpted_freespace_options fo;
    assert_int_equal(cpted_freespace_options_init(&fo, sizeof fo), CPTED_OK);
    fo.drivable = CPTED_DRIVABLE_ROADS;
    cpted_freespace *fs = NULL;
    if (cpted_freespace_new(&fs, site, &v, &fo) != CPTED_OK)
        fail_msg("cpted_freespace_new: %s", cpted_context_last_error(cpted_site_context(site)));
    return fs;
}

static cpted_batch_options options(double tile_m, int32_t threads)
{
    cpted_batch_options o;
    assert_int_equal(cpted_batch_options_init(&o, sizeof o), CPTED_OK);
    o.tile_m = tile_m;
    o.threads = threads;
    return o;
}

static cpted_batch *run(cpted_freespace *fs, const cpted_batch_options *o)
{
    cpted_batch *b = NULL;
    if (cpted_batch_run(&b, fs, o) != CPTED_OK)
        fail_msg("cpted_batch_run: %s",
                 cpted_context_last_error(cpted_site_context(cpted_freespace_site(fs))));
    return b;
}

static char *json_of(const cpted_batch *b)
{
    char *json = NULL;
    assert_int_equal(cpted_batch_to_json(&json, b), CPTED_OK);
    return json;
}

static cpted_batch_asset asset(const cpted_batch *b, size_t i)
{
    cpted_batch_asset a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    assert_int_equal(cpted_batch_get_asset(&a, b, i), CPTED_OK);
    return a;
}

static cpted_batch_summary summary(const cpted_batch *b)
{
    cpted_batch_summary s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    assert_int_equal(cpted_batch_get_summary(&s, b), CPTED_OK);
    return s;
}

/* ---- the hand-worked district ----------------------------------------------- */

static void test_hand_worked(void **state)
{
    cpted_site *site = district(*state, CPTED_ROLE_BUILDING, 1);
    cpted_freespace *fs = freespace(site);
    cpted_batch_options o = options(0, 1);
    cpted_batch *b = run(fs, &o);
    assert_int_equal(cpted_batch_asset_count(b), HOUSES);
    assert_null(cpted_batch_not_assessed(b));
    for (size_t i = 0; i < HOUSES; i++) {
        cpted_batch_asset a = asset(b, i);
        char id[32];
        snprintf(id, sizeof id, "buildings:%zu", i + 1);
        assert_string_equal(a.id, id);
        assert_int_equal(a.assessed, 1);
        assert_null(a.not_assessed);
        assert_int_equal(a.reachable, 1);
        assert_int_equal(a.approach, 0);
        assert_true(isnan(a.speed_kmh) && isnan(a.energy_kj) && isnan(a.angle_deg));
        double expect = houses[i].d > 0 ? houses[i].d - short_by() : 0.0;
        assert_near(a.standoff_m, expect, 1e-6);
        /* the nearest pair: on the facade facing the road, and on A's edge */
        double facade_y = houses[i].south ? -3.5 - houses[i].d : 3.5 + houses[i].d;
        assert_near(a.asset_y, facade_y, 1e-9);
        assert_true(a.asset_x >= houses[i].x0 - 1e-9 && a.asset_x <= houses[i].x0 + 10 + 1e-9);
        assert_near(hypot(a.asset_x - a.vehicle_x, a.asset_y - a.vehicle_y), a.standoff_m, 1e-9);
    }
    /* ranks by standoff: touching (3), 5 m (1), 10 m (5), 15 m (4), 20 m (2) */
    const size_t order[HOUSES] = {2, 0, 4, 3, 1};
    for (size_t r = 1; r <= HOUSES; r++) {
        assert_int_equal(cpted_batch_ranked(b, r), order[r - 1]);
        assert_int_equal(asset(b, order[r - 1]).rank, r);
    }
    assert_int_equal(cpted_batch_ranked(b, 0), (size_t)-1);
    assert_int_equal(cpted_batch_ranked(b, HOUSES + 1), (size_t)-1);
    cpted_batch_summary s = summary(b);
    assert_int_equal(s.assets, 5);
    assert_int_equal(s.assessed, 5);
    assert_int_equal(s.not_assessed, 0);
    assert_int_equal(s.reachable, 5);
    assert_int_equal(s.unreachable, 0);
    assert_int_equal(s.touching, 1);
    assert_int_equal(s.approach_reached, 0);
    assert_int_equal(s.tiles, 1);
    /* standoff bins: [0,1) 1, [2,5) 1 (4.997), [5,10) 1 (9.997), [10,20) 2 */
    const size_t counts[10] = {1, 0, 1, 1, 2, 0, 0, 0, 0, 0};
    const double edges[10] = {0, 1, 2, 5, 10, 20, 50, 100, 200, 500};
    assert_int_equal(cpted_batch_bin_count(b, CPTED_BATCH_HIST_STANDOFF), 10);
    for (size_t i = 0; i < 10; i++) {
        cpted_batch_bin bin;
        memset(&bin, 0, sizeof bin);
        bin.struct_size = sizeof bin;
        assert_int_equal(cpted_batch_get_bin(&bin, b, CPTED_BATCH_HIST_STANDOFF, i), CPTED_OK);
        assert_int_equal(bin.count, counts[i]);
        assert_true(bin.lower == edges[i]);
        assert_true(i < 9 ? bin.upper == edges[i + 1] : isinf(bin.upper));
    }
    /* no approach: no approach histograms */
    assert_int_equal(cpted_batch_bin_count(b, CPTED_BATCH_HIST_SPEED), 0);
    assert_int_equal(cpted_batch_bin_count(b, CPTED_BATCH_HIST_ENERGY), 0);
    assert_int_equal(cpted_batch_bin_count(b, 7), 0);
    cpted_batch_bin bin;
    memset(&bin, 0, sizeof bin);
    bin.struct_size = sizeof bin;
    assert_int_equal(cpted_batch_get_bin(&bin, b, CPTED_BATCH_HIST_STANDOFF, 10), CPTED_E_NOTFOUND);
    char *json = json_of(b);
    assert_non_null(strstr(json, "\"schema\":\"cpted/batch/1\""));
    assert_non_null(strstr(json, "\"most_exposed\":[{\"rank\":1,\"id\":\"buildings:3\""));
    assert_null(strstr(json, "tile")); /* the tiling is not a result */
    cpted_free(json);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* Every number is the one cpted_standoff_run gives for the same asset. */
static void test_same_as_standoff(void **state)
{
    cpted_site *site = district(*state, CPTED_ROLE_ASSET, 1);
    cpted_freespace *fs = freespace(site);
    cpted_standoff *so = NULL;
    assert_int_equal(cpted_standoff_run(&so, fs, NULL), CPTED_OK);
    for (int mode = 0; mode < 2; mode++) {
        cpted_batch_options o = options(50, 2);
        o.assets = mode ? CPTED_BATCH_ASSETS_SITE : CPTED_BATCH_ASSETS_BUILDINGS;
        cpted_batch *b = run(fs, &o);
        assert_int_equal(cpted_batch_asset_count(b), cpted_standoff_asset_count(so));
        for (size_t i = 0; i < HOUSES; i++) {
            cpted_standoff_asset sa;
            memset(&sa, 0, sizeof sa);
            sa.struct_size = sizeof sa;
            assert_int_equal(cpted_standoff_get_asset(&sa, so, i), CPTED_OK);
            cpted_batch_asset a = asset(b, i);
            assert_string_equal(a.id, sa.id);
            assert_true(a.standoff_m == sa.standoff_m);
            assert_true(a.asset_x == sa.asset_x && a.asset_y == sa.asset_y);
            assert_true(a.vehicle_x == sa.vehicle_x && a.vehicle_y == sa.vehicle_y);
        }
        cpted_batch_free(b);
    }
    cpted_standoff_free(so);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* Only the site's assets with CPTED_BATCH_ASSETS_SITE; a building is not one. */
static void test_asset_selection(void **state)
{
    cpted_site *site = district(*state, CPTED_ROLE_BUILDING, 1);
    add_rect(site, "assets", CPTED_ROLE_ASSET, 200, 8.5, 210, 18.5); /* d = 5 */
    cpted_freespace *fs = freespace(site);
    cpted_batch_options o = options(0, 1);
    cpted_batch *all = run(fs, &o);
    assert_int_equal(cpted_batch_asset_count(all), HOUSES + 1);
    cpted_batch_free(all);
    o.assets = CPTED_BATCH_ASSETS_SITE;
    cpted_batch *only = run(fs, &o);
    assert_int_equal(cpted_batch_asset_count(only), 1);
    cpted_batch_asset a = asset(only, 0);
    assert_string_equal(a.id, "assets:1");
    assert_near(a.standoff_m, 5 - short_by(), 1e-6);
    assert_int_equal(a.rank, 1);
    cpted_batch_free(only);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* ---- invariance: tiles and threads ---------------------------------------------- */

static void test_tiling_and_threads_invariance(void **state)
{
    cpted_site *site = district(*state, CPTED_ROLE_BUILDING, 1);
    /* a denser row too, so that the 8 threads have chunks of work to share */
    for (int i = 0; i < 150; i++)
        add_rect(site, "sheds", CPTED_ROLE_BUILDING, -95 + 2.5 * i, -30, -94 + 2.5 * i, -29);
    cpted_freespace *fs = freespace(site);
    cpted_batch_options o = options(0, 1);
    cpted_batch *ref = run(fs, &o);
    char *expect = json_of(ref);
    cpted_batch_free(ref);
    const double tiles[] = {0, 10, 50, 1000};
    const int32_t threads[] = {1, 2, 8};
    for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++)
        for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
            o = options(tiles[t], threads[k]);
            cpted_batch *b = run(fs, &o);
            char *json = json_of(b);
            if (strcmp(json, expect) != 0)
                fail_msg("tile %g m, %d threads: JSON differs", tiles[t], (int)threads[k]);
            cpted_batch_summary s = summary(b);
            if (tiles[t] == 50) /* houses and sheds in 50 m squares along x in [-100, 300) */
                assert_true(s.tiles > 4);
            cpted_free(json);
            cpted_batch_free(b);
        }
    cpted_free(expect);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* A building across a tile border belongs to one tile, the one holding its
 * envelope centre (x = 0, on the border: the tile to the right). */
static void test_tile_border(void **state)
{
    cpted_site *site = district(*state, CPTED_ROLE_BUILDING, 1);
    cpted_freespace *fs = freespace(site);
    cpted_batch_options o = options(50, 1);
    cpted_batch_plan *plan = NULL;
    assert_int_equal(cpted_batch_plan_new(&plan, fs, &o), CPTED_OK);
    assert_int_equal(cpted_batch_plan_asset_count(plan), HOUSES);
    size_t n = cpted_batch_plan_tile_count(plan), total = 0;
    /* each house in its own square (house 2, centre x = 45, is a row higher than
     * house 1: the grid's rows start at the extent's bottom y = -28.5) */
    assert_int_equal(n, HOUSES);
    for (size_t t = 0; t < n; t++) {
        cpted_batch_tile_info ti;
        memset(&ti, 0, sizeof ti);
        ti.struct_size = sizeof ti;
        assert_int_equal(cpted_batch_plan_get_tile(&ti, plan, t), CPTED_OK);
        total += ti.asset_count;
        assert_near(ti.box[2] - ti.box[0], 50, 1e-9);
    }
    assert_int_equal(total, HOUSES);
    cpted_batch_tile_info ti;
    memset(&ti, 0, sizeof ti);
    ti.struct_size = sizeof ti;
    assert_int_equal(cpted_batch_plan_get_tile(&ti, plan, n), CPTED_E_NOTFOUND);
    cpted_batch *b = run(fs, &o);
    cpted_batch_asset a = asset(b, 0);
    assert_int_equal(cpted_batch_plan_get_tile(&ti, plan, a.tile), CPTED_OK);
    assert_true(ti.box[0] == 0.0 && ti.box[2] == 50.0);
    assert_near(a.standoff_m, 5 - short_by(), 1e-6);
    cpted_batch_free(b);
    cpted_batch_plan_free(plan);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* ---- plan, workers, bytes and merge (what a distributed caller does) ---------------- */

static void test_plan_worker_merge(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = district(ctx, CPTED_ROLE_BUILDING, 1);
    cpted_freespace *fs = freespace(site);
    cpted_batch_options o = options(50, 1);
    cpted_batch *ref = run(fs, &o);
    char *expect = json_of(ref);
    cpted_batch_free(ref);

    cpted_batch_plan *plan = NULL;
    assert_int_equal(cpted_batch_plan_new(&plan, fs, &o), CPTED_OK);
    size_t n = cpted_batch_plan_tile_count(plan);
    /* a worker in a context of its own, as another thread or process would have */
    cpted_context *wctx = NULL;
    assert_int_equal(cpted_context_new(&wctx), CPTED_OK);
    cpted_batch_worker *w = NULL;
    assert_int_equal(cpted_batch_worker_new(&w, wctx, plan), CPTED_OK);
    cpted_batch_tile **tiles = calloc(n, sizeof *tiles);
    assert_non_null(tiles);
    for (size_t k = 0; k < n; k++) { /* in reverse, through bytes */
        size_t t = n - 1 - k;
        cpted_batch_tile *tile = NULL;
        assert_int_equal(cpted_batch_worker_run(&tile, w, t), CPTED_OK);
        unsigned char *bytes = NULL;
        size_t size = 0;
        assert_int_equal(cpted_batch_tile_to_bytes(&bytes, &size, tile), CPTED_OK);
        cpted_batch_tile_free(tile);
        assert_int_equal(cpted_batch_tile_from_bytes(&tiles[k], plan, bytes, size), CPTED_OK);
        /* damaged bytes are refused */
        cpted_batch_tile *bad = NULL;
        assert_int_equal(cpted_batch_tile_from_bytes(&bad, plan, bytes, size - 1), CPTED_E_FORMAT);
        bytes[0] = 'X';
        assert_int_equal(cpted_batch_tile_from_bytes(&bad, plan, bytes, size), CPTED_E_FORMAT);
        assert_null(bad);
        cpted_free(bytes);
    }
    assert_int_equal(cpted_batch_worker_run(NULL, w, 0), CPTED_E_INVALID);
    cpted_batch_tile *none = NULL;
    assert_int_equal(cpted_batch_worker_run(&none, w, n), CPTED_E_NOTFOUND);
    cpted_batch *b = NULL;
    assert_int_equal(cpted_batch_merge(&b, plan, (const cpted_batch_tile *const *)tiles, n, NULL),
                     CPTED_OK);
    char *json = json_of(b);
    assert_string_equal(json, expect);
    cpted_free(json);
    cpted_batch_free(b);
    /* a tile missing, or given twice */
    b = NULL;
    assert_int_equal(cpted_batch_merge(&b, plan, (const cpted_batch_tile *const *)tiles, n - 1,
                                       NULL),
                     CPTED_E_INVALID);
    assert_null(b);
    assert_non_null(strstr(cpted_context_last_error(ctx), "missing"));
    const cpted_batch_tile *twice[2] = {tiles[0], tiles[0]};
    assert_int_equal(cpted_batch_merge(&b, plan, twice, 2, NULL), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(ctx), "twice"));
    /* bytes of another plan (other tiles) are refused */
    cpted_batch_options one = options(0, 1);
    cpted_batch_plan *other = NULL;
    assert_int_equal(cpted_batch_plan_new(&other, fs, &one), CPTED_OK);
    unsigned char *bytes = NULL;
    size_t size = 0;
    assert_int_equal(cpted_batch_tile_to_bytes(&bytes, &size, tiles[0]), CPTED_OK);
    cpted_batch_tile *foreign = NULL;
    assert_int_equal(cpted_batch_tile_from_bytes(&foreign, other, bytes, size), CPTED_E_FORMAT);
    cpted_free(bytes);
    const cpted_batch_tile *mixed[1] = {tiles[0]};
    assert_int_equal(cpted_batch_merge(&b, other, mixed, 1, NULL), CPTED_E_INVALID);
    cpted_batch_plan_free(other);
    /* freed in any order: the plan lives while its tiles and workers do */
    cpted_batch_plan_free(plan);
    for (size_t k = 0; k < n; k++)
        cpted_batch_tile_free(tiles[k]);
    free(tiles);
    cpted_batch_worker_free(w);
    cpted_context_free(wctx);
    cpted_free(expect);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* ---- empty and not assessed ------------------------------------------------------ */

static void test_empty_district(void **state)
{
    cpted_site *site = district(*state, CPTED_ROLE_BUILDING, 0);
    cpted_freespace *fs = freespace(site);
    cpted_batch_options o = options(50, 2);
    o.approach = 1;
    cpted_batch *b = run(fs, &o);
    assert_int_equal(cpted_batch_asset_count(b), 0);
    cpted_batch_summary s = summary(b);
    assert_int_equal(s.assets, 0);
    assert_int_equal(s.assessed, 0);
    assert_int_equal(s.reachable, 0);
    assert_int_equal(s.tiles, 0);
    assert_int_equal(cpted_batch_ranked(b, 1), (size_t)-1);
    char *json = json_of(b);
    assert_non_null(strstr(json, "\"assets\":[]"));
    assert_non_null(strstr(json, "\"most_exposed\":[]"));
    assert_non_null(strstr(json, "\"summary\":{\"assets\":0,\"assessed\":0"));
    cpted_free(json);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* No vehicle can enter (the only entry lies inside a building): every asset is
 * NOT ASSESSED, ranked first, never reachable-but-safe. */
static void test_not_assessed(void **state)
{
    cpted_site *site = district(*state, CPTED_ROLE_BUILDING, 1);
    add_rect(site, "entries", CPTED_ROLE_ENTRY, 42, 26, 44, 28); /* inside house 2 */
    cpted_freespace *fs = freespace(site);
    assert_non_null(cpted_freespace_not_assessed(fs));
    cpted_batch_options o = options(0, 2);
    cpted_batch *b = run(fs, &o);
    assert_non_null(cpted_batch_not_assessed(b));
    cpted_batch_summary s = summary(b);
    assert_int_equal(s.assets, HOUSES);
    assert_int_equal(s.not_assessed, HOUSES);
    assert_int_equal(s.assessed, 0);
    assert_int_equal(s.reachable + s.unreachable, 0);
    for (size_t i = 0; i < HOUSES; i++) {
        cpted_batch_asset a = asset(b, i);
        assert_int_equal(a.assessed, 0);
        assert_int_equal(a.reachable, 0);
        assert_true(isnan(a.standoff_m));
        assert_string_equal(a.not_assessed, cpted_freespace_not_assessed(fs));
        assert_int_equal(a.rank, i + 1); /* by id */
    }
    char *json = json_of(b);
    assert_non_null(strstr(json, "\"assessed\":false"));
    cpted_free(json);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* ---- approach --------------------------------------------------------------------- */

static cpted_vda_options quick_vda(void)
{
    cpted_vda_options v;
    assert_int_equal(cpted_vda_options_init(&v, sizeof v), CPTED_OK);
    v.cell_m = 2;
    v.headings = 16;
    v.sensitivity = 0;
    v.spacing_m = 5;
    v.threads = 1;
    return v;
}

static void test_approach(void **state)
{
    /* buildings that are not assets have no facade targets: NOT ASSESSED, loudly */
    cpted_site *site = district(*state, CPTED_ROLE_BUILDING, 1);
    cpted_freespace *fs = freespace(site);
    cpted_vda_options vo = quick_vda();
    cpted_batch_options o = options(0, 1);
    o.approach = 1;
    o.vda = &vo;
    cpted_batch *b = run(fs, &o);
    for (size_t i = 0; i < HOUSES; i++) {
        cpted_batch_asset a = asset(b, i);
        assert_int_equal(a.approach, 1);
        assert_int_equal(a.assessed, 0);
        assert_non_null(strstr(a.not_assessed, "no facade target"));
        assert_int_equal(a.approach_reached, 0);
    }
    assert_int_equal(summary(b).not_assessed, HOUSES);
    assert_true(cpted_batch_warning_count(b) > 0);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);

    /* every house an asset: the touching one is hit head-on from the road */
    site = district(*state, CPTED_ROLE_ASSET, 1);
    fs = freespace(site);
    b = run(fs, &o);
    cpted_batch_summary s = summary(b);
    assert_int_equal(s.not_assessed, 0);
    assert_true(s.approach_reached >= 1);
    cpted_batch_asset touching = asset(b, 2);
    assert_int_equal(touching.assessed, 1);
    assert_int_equal(touching.approach_reached, 1);
    assert_true(touching.speed_kmh > 0 && touching.energy_kj > 0);
    /* E = m v^2 / 2 of the M1 (1500 kg) */
    double v_mps = touching.speed_kmh / 3.6;
    assert_near(touching.energy_kj, 1500.0 * v_mps * v_mps / 2000.0, 1e-6 * touching.energy_kj);
    assert_true(touching.angle_deg > 0 && touching.angle_deg <= 90);
    assert_near(touching.impact_y, 3.5, 1e-6); /* on the facade facing the road */
    /* the rank puts a reached facade of higher energy first */
    for (size_t r = 1; r < HOUSES; r++) {
        cpted_batch_asset a = asset(b, cpted_batch_ranked(b, r));
        cpted_batch_asset c = asset(b, cpted_batch_ranked(b, r + 1));
        if (a.approach_reached && c.approach_reached)
            assert_true(a.energy_kj >= c.energy_kj);
        else
            assert_true(a.approach_reached || !c.approach_reached);
    }
    assert_int_equal(cpted_batch_bin_count(b, CPTED_BATCH_HIST_SPEED), 8);
    size_t in_bins = 0;
    for (size_t i = 0; i < 8; i++) {
        cpted_batch_bin bin;
        memset(&bin, 0, sizeof bin);
        bin.struct_size = sizeof bin;
        assert_int_equal(cpted_batch_get_bin(&bin, b, CPTED_BATCH_HIST_ENERGY, i), CPTED_OK);
        in_bins += bin.count;
    }
    assert_int_equal(in_bins, s.approach_reached);
    char *json = json_of(b);
    /* threads do not change it */
    o.threads = 2;
    o.tile_m = 10;
    cpted_batch *b2 = run(fs, &o);
    char *json2 = json_of(b2);
    assert_string_equal(json, json2);
    cpted_free(json2);
    cpted_batch_free(b2);
    assert_non_null(strstr(json, "\"approach\":{\"reached\":true"));
    cpted_free(json);
    /* merge refuses a VDA of other targets */
    cpted_vda *other = NULL;
    cpted_vda_options po = quick_vda();
    double pt[2] = {85, 20};
    po.targets = CPTED_VDA_TARGETS_POINTS;
    po.points_xy = pt;
    po.point_count = 1;
    assert_int_equal(cpted_vda_run(&other, fs, &po), CPTED_OK);
    cpted_batch_plan *plan = NULL;
    assert_int_equal(cpted_batch_plan_new(&plan, fs, NULL), CPTED_OK);
    cpted_batch_worker *w = NULL;
    assert_int_equal(cpted_batch_worker_new(&w, *state, plan), CPTED_OK);
    cpted_batch_tile *tile = NULL;
    assert_int_equal(cpted_batch_worker_run(&tile, w, 0), CPTED_OK);
    const cpted_batch_tile *one[1] = {tile};
    cpted_batch *m = NULL;
    assert_int_equal(cpted_batch_merge(&m, plan, one, 1, other), CPTED_E_INVALID);
    assert_non_null(strstr(cpted_context_last_error(*state), "facade targets"));
    cpted_batch_tile_free(tile);
    cpted_batch_worker_free(w);
    cpted_batch_plan_free(plan);
    cpted_vda_free(other);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* ---- report and layers ------------------------------------------------------------ */

static void test_report_and_write(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = district(ctx, CPTED_ROLE_BUILDING, 1);
    cpted_freespace *fs = freespace(site);
    cpted_batch *b = run(fs, NULL);
    cpted_report_options ro;
    assert_int_equal(cpted_report_options_init(&ro, sizeof ro), CPTED_OK);
    ro.date = "2026-01-02";
    char *html = NULL, *again = NULL;
    assert_int_equal(cpted_batch_report_html(&html, b, &ro), CPTED_OK);
    assert_int_equal(cpted_batch_report_html(&again, b, &ro), CPTED_OK);
    assert_string_equal(html, again); /* one date: the same bytes */
    assert_non_null(strstr(html, "<h2>District map</h2>"));
    assert_non_null(strstr(html, "<h2>Most exposed</h2>"));
    assert_non_null(strstr(html, "2026-01-02"));
    /* house 3 touches the road: first in the table, in its exposure colour on the map */
    assert_non_null(strstr(html, "<td class=\"n\">1</td><td>buildings:3</td>"));
    assert_non_null(strstr(html, "#fd8d3c"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "NOT ASSESSED</strong>"));
    cpted_free(html);
    cpted_free(again);
    assert_int_equal(cpted_batch_report_html(NULL, b, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_batch_report_html(&html, NULL, NULL), CPTED_E_INVALID);
    /* the layers: a GeoPackage with both, refused when it exists */
    const char *path = test_tmp_path("batch_write.gpkg");
    remove(path);
    assert_int_equal(cpted_batch_write(b, path, NULL, 0), CPTED_OK);
    assert_int_equal(cpted_batch_write(b, path, NULL, 0), CPTED_E_IO);
    assert_int_equal(cpted_batch_write(b, path, NULL, 1), CPTED_OK);
    assert_int_equal(cpted_batch_write(NULL, path, NULL, 1), CPTED_E_INVALID);
    remove(path);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);

    /* nothing enters: the report says NOT ASSESSED */
    site = district(ctx, CPTED_ROLE_BUILDING, 1);
    add_rect(site, "entries", CPTED_ROLE_ENTRY, 42, 26, 44, 28);
    fs = freespace(site);
    b = run(fs, NULL);
    assert_int_equal(cpted_batch_report_html(&html, b, &ro), CPTED_OK);
    assert_non_null(strstr(html, "<strong>NOT ASSESSED</strong>: 5 asset(s)"));
    cpted_free(html);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

/* ---- interrupt and bad arguments ------------------------------------------------- */

static int32_t CPTED_CALL stop_after(void *payload)
{
    int *calls = payload;
    return ++*calls > 2;
}

static void test_interrupt(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = district(ctx, CPTED_ROLE_BUILDING, 1);
    for (int i = 0; i < 1000; i++)
        add_rect(site, "sheds", CPTED_ROLE_BUILDING, -95 + 0.38 * i, -30, -94.9 + 0.38 * i, -29);
    cpted_freespace *fs = freespace(site);
    for (int32_t threads = 1; threads <= 4; threads *= 4) {
        /* one thread: stops after its first unit of 64 assets; four: at the
         * caller's first look (the other threads may take every unit) */
        int calls = threads == 1 ? 0 : 2;
        cpted_context_set_interrupt(ctx, stop_after, &calls);
        cpted_batch_options o = options(0, threads);
        cpted_batch *b = (cpted_batch *)&calls; /* must be reset */
        int rc = cpted_batch_run(&b, fs, &o);
        cpted_context_set_interrupt(ctx, NULL, NULL);
        assert_int_equal(rc, CPTED_E_INTERRUPTED);
        assert_null(b);
        assert_non_null(strstr(cpted_context_last_error(ctx), "interrupted"));
        /* the caller's thread looked at the callback before stopping */
        assert_true(calls >= 3);
    }
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

static void test_bad_arguments(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = district(ctx, CPTED_ROLE_BUILDING, 1);
    cpted_freespace *fs = freespace(site);
    cpted_batch *b = NULL;
    assert_int_equal(cpted_batch_run(&b, NULL, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_batch_run(NULL, fs, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_batch_options_init(NULL, 0), CPTED_E_INVALID);
    cpted_batch_options o;
    assert_int_equal(cpted_batch_options_init(&o, 4), CPTED_E_VERSION);
    const struct {
        double tile_m;
        int32_t threads, assets, top, approach;
        const char *text;
    } bad[] = {
        {5, 0, 0, 10, 0, "tile_m = 5"},        {NAN, 0, 0, 10, 0, "tile_m"},
        {2e6, 0, 0, 10, 0, "tile_m"},          {0, 65, 0, 10, 0, "threads = 65"},
        {0, -1, 0, 10, 0, "threads = -1"},     {0, 0, 7, 10, 0, "assets = 7"},
        {0, 0, 0, -1, 0, "top_count = -1"},    {0, 0, 0, 10, 2, "approach = 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = options(bad[i].tile_m, bad[i].threads);
        o.assets = bad[i].assets;
        o.top_count = bad[i].top;
        o.approach = bad[i].approach;
        assert_int_equal(cpted_batch_run(&b, fs, &o), CPTED_E_INVALID);
        assert_null(b);
        if (!strstr(cpted_context_last_error(ctx), bad[i].text))
            fail_msg("case %zu: '%s'", i, cpted_context_last_error(ctx));
        cpted_batch_plan *plan = NULL;
        assert_int_equal(cpted_batch_plan_new(&plan, fs, &o), CPTED_E_INVALID);
        assert_null(plan);
    }
    /* a newer struct with unknown fields set */
    unsigned char big[sizeof(cpted_batch_options) + 8];
    memset(big, 0, sizeof big);
    cpted_batch_options_init((cpted_batch_options *)big, sizeof big);
    big[sizeof big - 1] = 1;
    assert_int_equal(cpted_batch_run(&b, fs, (cpted_batch_options *)big), CPTED_E_VERSION);
    /* NULL everywhere */
    assert_int_equal(cpted_batch_asset_count(NULL), 0);
    assert_int_equal(cpted_batch_warning_count(NULL), 0);
    assert_null(cpted_batch_warning(NULL, 0));
    assert_null(cpted_batch_not_assessed(NULL));
    assert_null(cpted_batch_freespace(NULL));
    assert_int_equal(cpted_batch_plan_tile_count(NULL), 0);
    assert_int_equal(cpted_batch_bin_count(NULL, 0), 0);
    char *json = NULL;
    assert_int_equal(cpted_batch_to_json(&json, NULL), CPTED_E_INVALID);
    cpted_batch_asset a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    assert_int_equal(cpted_batch_get_asset(&a, NULL, 0), CPTED_E_INVALID);
    cpted_batch_worker *w = NULL;
    assert_int_equal(cpted_batch_worker_new(&w, ctx, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_batch_worker_new(&w, NULL, NULL), CPTED_E_INVALID);
    assert_int_equal(cpted_batch_worker_run(NULL, NULL, 0), CPTED_E_INVALID);
    assert_int_equal(cpted_batch_merge(&b, NULL, NULL, 0, NULL), CPTED_E_INVALID);
    cpted_batch_free(NULL);
    cpted_batch_plan_free(NULL);
    cpted_batch_worker_free(NULL);
    cpted_batch_tile_free(NULL);
    /* a good run: records of a too old layout are refused */
    b = run(fs, NULL);
    a.struct_size = 8;
    assert_int_equal(cpted_batch_get_asset(&a, b, 0), CPTED_E_VERSION);
    a.struct_size = sizeof a;
    assert_int_equal(cpted_batch_get_asset(&a, b, HOUSES), CPTED_E_NOTFOUND);
    cpted_batch_free(b);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_same_as_standoff),
        cmocka_unit_test(test_asset_selection),
        cmocka_unit_test(test_tiling_and_threads_invariance),
        cmocka_unit_test(test_tile_border),
        cmocka_unit_test(test_plan_worker_merge),
        cmocka_unit_test(test_empty_district),
        cmocka_unit_test(test_not_assessed),
        cmocka_unit_test(test_approach),
        cmocka_unit_test(test_report_and_write),
        cmocka_unit_test(test_interrupt),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
