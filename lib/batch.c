/*
 * batch.c - district screening (docs/method-batch.md): every building of a
 * district as an asset, its standoff and nearest points against the one free
 * space of the district, with the approach its worst facade impact from one
 * VDA, the exposure rank, counts, histograms and the most exposed.
 *
 * Three steps that a caller may distribute (plan -> workers run tiles ->
 * merge); cpted_batch_run() is those three with threads. The free space is
 * never tiled: a tile decides who measures an asset and when, never against
 * what, so no result depends on the tiling or the threads.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L /* sysconf */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Distances below this are float noise of touching geometry: 0 (as standoff.c). */
#define TOUCH_TOL_M 1e-6
/* Assets measured between two looks at the interrupt callback / progress. */
#define CHUNK 64
#define MAX_THREADS 64
#define AUTO_THREADS_MAX 8

/* Why an asset is not assessed (also the code in the tile bytes). */
enum { WHY_NONE = 0, WHY_NO_AREA = 1, WHY_NO_ENTRY = 2, WHY_NO_TARGET = 3, WHY_TARGETS = 4 };

static const char *const why_text[] = {
    [WHY_NONE] = NULL,
    [WHY_NO_AREA] = "the asset has no area: its standoff cannot be measured",
    [WHY_NO_ENTRY] = NULL, /* the free space's own reason */
    [WHY_NO_TARGET] = "no facade target: the feature is not an asset of the site (open the site "
                      "with every building an asset, e.g. assets_where '1=1')",
    [WHY_TARGETS] = "its facade targets were not assessed by the VDA",
};

/* Fixed histogram edges (docs/method-batch.md); the last bin is open. */
static const double standoff_edges[] = {0, 1, 2, 5, 10, 20, 50, 100, 200, 500};
static const double speed_edges[] = {0, 16, 32, 48, 64, 80, 96, 112};
static const double energy_edges[] = {0, 50, 100, 200, 500, 1000, 2000, 5000};
#define N_EDGES(a) (sizeof a / sizeof a[0])
#define MAX_BINS 10

static const struct {
    const double *edges;
    size_t count;
    const char *key;
} histograms[] = {
    [CPTED_BATCH_HIST_STANDOFF] = {standoff_edges, N_EDGES(standoff_edges), "standoff_m"},
    [CPTED_BATCH_HIST_SPEED] = {speed_edges, N_EDGES(speed_edges), "speed_kmh"},
    [CPTED_BATCH_HIST_ENERGY] = {energy_edges, N_EDGES(energy_edges), "energy_kj"},
};
enum { HIST_COUNT = sizeof histograms / sizeof histograms[0] };

/* ---- exposure classes ---------------------------------------------------- */

enum {
    EX_NOT_ASSESSED, EX_IMPACT_HIGH, EX_IMPACT_MID, EX_IMPACT_LOW, EX_TOUCH, EX_NEAR, EX_MID,
    EX_FAR, EX_UNREACHABLE, EX_COUNT
};
static const cpted__exposure_class exposure_classes[EX_COUNT] = {
    [EX_NOT_ASSESSED] = {"not assessed", "NOT ASSESSED (exposure unknown)", "128,0,128",
                         "#800080", true},
    [EX_IMPACT_HIGH] = {"impact >= 1000 kJ", "facade impact 1000 kJ or more", "103,0,13",
                        "#67000d", false},
    [EX_IMPACT_MID] = {"impact 250-1000 kJ", "facade impact 250 - 1000 kJ", "189,0,38",
                       "#bd0026", false},
    [EX_IMPACT_LOW] = {"impact < 250 kJ", "facade impact below 250 kJ", "240,59,32", "#f03b20",
                       false},
    [EX_TOUCH] = {"standoff 0 m", "vehicle reaches the facade (standoff 0)", "253,141,60",
                  "#fd8d3c", false},
    [EX_NEAR] = {"standoff < 5 m", "standoff below 5 m", "254,178,76", "#feb24c", false},
    [EX_MID] = {"standoff 5-20 m", "standoff 5 - 20 m", "254,217,118", "#fed976", false},
    [EX_FAR] = {"standoff >= 20 m", "standoff 20 m or more", "255,255,178", "#ffffb2", false},
    [EX_UNREACHABLE] = {"unreachable", "no vehicle-accessible ground", "166,206,227", "#a6cee3",
                        false},
};

size_t cpted__batch_exposure_count(void) { return EX_COUNT; }

const cpted__exposure_class *cpted__batch_exposure(size_t i)
{
    return i < EX_COUNT ? &exposure_classes[i] : NULL;
}

size_t cpted__batch_exposure_of(const cpted_batch_asset *a)
{
    if (!a->assessed)
        return EX_NOT_ASSESSED;
    if (!a->reachable)
        return EX_UNREACHABLE;
    if (a->approach_reached)
        return a->energy_kj >= 1000.0 ? EX_IMPACT_HIGH
               : a->energy_kj >= 250.0 ? EX_IMPACT_MID
                                       : EX_IMPACT_LOW;
    return a->standoff_m == 0.0 ? EX_TOUCH
           : a->standoff_m < 5.0 ? EX_NEAR
           : a->standoff_m < 20.0 ? EX_MID
                                  : EX_FAR;
}

/* ---- objects ------------------------------------------------------------ */

struct cpted_batch_plan {
    cpted__result head;            /* ctx, site, fs referenced */
    cpted_context *ctx;            /* = head.ctx */
    cpted_site *site;              /* = head.site */
    cpted_freespace *fs;           /* = head.fs */
    cpted_batch_options opts;      /* resolved (vda NULL) */
    size_t *features;              /* asset i -> site feature */
    size_t *tile_of;               /* asset i -> tile */
    size_t asset_count;
    cpted_batch_tile_info *tiles;
    size_t *tile_start;            /* assets of tile t: tile_assets[tile_start[t] .. [t + 1]) */
    size_t *tile_assets;           /* in asset order within a tile */
    size_t tile_count;
};

/* One asset's measurement (the tile bytes hold exactly these). */
typedef struct batch_rec {
    size_t asset;
    int32_t assessed, reachable, why;
    double standoff_m, asset_x, asset_y, vehicle_x, vehicle_y;
} batch_rec;

struct cpted_batch_tile {
    cpted_batch_plan *plan;        /* referenced */
    size_t index;
    batch_rec *recs;               /* in the order of the plan's tile_assets */
    size_t count;
};

struct cpted_batch_worker {
    cpted_batch_plan *plan;        /* referenced */
    cpted_context *ctx;            /* referenced */
    GEOSGeometry *accessible;      /* own copy of A (NULL: the plan's context, A borrowed) */
    cpted__tiles *tiles;           /* of A; owned unless borrowed from the free space */
    bool owns_tiles;
    bool reachable;                /* A not empty */
    /* set by cpted_batch_run: progress over every worker's assets */
    atomic_size_t *done;
    size_t total;
};

struct cpted_batch {
    cpted__result head;            /* ctx, site, fs referenced; warnings */
    cpted_context *ctx;
    cpted_site *site;
    cpted_freespace *fs;
    cpted_vehicle vehicle;
    int32_t assets_mode;
    int32_t top_count;
    bool approach;
    cpted_vda_options vda_opts;    /* with approach: what the VDA ran with */
    cpted_batch_asset *assets;
    size_t count;
    size_t *ranked;                /* rank r (1-based) -> asset ranked[r - 1] */
    size_t bins[HIST_COUNT][MAX_BINS];
    cpted_batch_summary summary;
};

/* ---- options ------------------------------------------------------------- */

CPTED_API int CPTED_CALL cpted_batch_options_init(cpted_batch_options *opts, size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_BATCH_OPTIONS_V1_SIZE)
        return CPTED_E_VERSION;
    memset(opts, 0, struct_size);
    opts->struct_size = (uint32_t)struct_size;
    opts->assets = CPTED_BATCH_ASSETS_BUILDINGS;
    opts->top_count = 10;
    return CPTED_OK;
}

static int resolve_options(cpted_context *ctx, const cpted_batch_options *user,
                           cpted_batch_options *out)
{
    cpted_batch_options_init(out, sizeof *out);
    int rc = cpted__options_copy(ctx, out, user, sizeof *out, CPTED_BATCH_OPTIONS_V1_SIZE,
                                 "batch options");
    if (rc != CPTED_OK)
        return rc;
    if (out->assets != CPTED_BATCH_ASSETS_BUILDINGS && out->assets != CPTED_BATCH_ASSETS_SITE)
        return cpted__error(ctx, CPTED_E_INVALID, "batch: assets = %d is not a cpted_batch_assets",
                            (int)out->assets);
    if (out->approach != 0 && out->approach != 1)
        return cpted__error(ctx, CPTED_E_INVALID, "batch: approach = %d must be 0 or 1",
                            (int)out->approach);
    if (!isfinite(out->tile_m) || (out->tile_m != 0.0 && !(out->tile_m >= 10.0 &&
                                                           out->tile_m <= 1e6)))
        return cpted__error(ctx, CPTED_E_INVALID,
                            "batch: tile_m = %g must be 0 (one tile) or in [10, 1e6] m",
                            out->tile_m);
    if (out->threads < 0 || out->threads > MAX_THREADS)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "batch: threads = %d must be 0 (automatic) or 1..%d",
                            (int)out->threads, MAX_THREADS);
    if (out->top_count < 0 || out->top_count > 1000)
        return cpted__error(ctx, CPTED_E_INVALID, "batch: top_count = %d must be in 0..1000",
                            (int)out->top_count);
    return CPTED_OK;
}

/* ---- the plan ------------------------------------------------------------ */

typedef struct tile_key {
    int64_t iy, ix;
    size_t asset;
} tile_key;

static int key_cmp(const void *pa, const void *pb)
{
    const tile_key *a = pa, *b = pb;
    if (a->iy != b->iy)
        return a->iy < b->iy ? -1 : 1;
    if (a->ix != b->ix)
        return a->ix < b->ix ? -1 : 1;
    return a->asset < b->asset ? -1 : a->asset > b->asset;
}

static bool is_asset(int32_t role, int32_t mode)
{
    return role == CPTED_ROLE_ASSET || (mode == CPTED_BATCH_ASSETS_BUILDINGS &&
                                        role == CPTED_ROLE_BUILDING);
}

static void plan_destroy(cpted_batch_plan *p)
{
    cpted__free(p->features);
    cpted__free(p->tile_of);
    cpted__free(p->tiles);
    cpted__free(p->tile_start);
    cpted__free(p->tile_assets);
    cpted__result_fini(&p->head);
    cpted__free(p);
}

CPTED_API void CPTED_CALL cpted_batch_plan_free(cpted_batch_plan *plan)
{
    if (plan && cpted__result_unref(&plan->head))
        plan_destroy(plan);
}

/* Tiles of side tile_m from the lower-left corner of the site's extent; an
 * asset belongs to the tile holding its envelope centre. */
static int make_tiles(cpted_batch_plan *p)
{
    cpted_context *ctx = p->ctx;
    size_t n = p->asset_count;
    if (n == 0)
        return CPTED_OK;
    double ext[4];
    int rc = cpted_site_get_extent(ext, p->site);
    if (rc != CPTED_OK)
        return rc;
    tile_key *keys = cpted__malloc(n * sizeof *keys);
    p->tile_of = cpted__malloc(n * sizeof *p->tile_of);
    p->tile_assets = cpted__malloc(n * sizeof *p->tile_assets);
    /* at most n tiles */
    p->tiles = cpted__calloc(n, sizeof *p->tiles);
    p->tile_start = cpted__calloc(n + 1, sizeof *p->tile_start);
    if (!keys || !p->tile_of || !p->tile_assets || !p->tiles || !p->tile_start) {
        cpted__free(keys);
        return cpted__nomem(ctx, "batch");
    }
    double side = p->opts.tile_m;
    for (size_t i = 0; i < n && rc == CPTED_OK; i++) {
        const GEOSGeometry *g = p->site->features[p->features[i]].geom;
        double x0, y0, x1, y1;
        keys[i].asset = i;
        keys[i].ix = keys[i].iy = 0;
        if (!GEOSGeom_getExtent_r(ctx->geos, g, &x0, &y0, &x1, &y1)) {
            rc = cpted__geos_fail(ctx, "batch", "asset extent");
            break;
        }
        if (side > 0.0) {
            double cx = x0 + (x1 - x0) / 2.0, cy = y0 + (y1 - y0) / 2.0;
            keys[i].ix = (int64_t)floor((cx - ext[0]) / side);
            keys[i].iy = (int64_t)floor((cy - ext[1]) / side);
        }
    }
    if (rc != CPTED_OK) {
        cpted__free(keys);
        return rc;
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    size_t t = 0;
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && (keys[k].ix != keys[k - 1].ix || keys[k].iy != keys[k - 1].iy))
            p->tile_start[++t] = k;
        p->tile_assets[k] = keys[k].asset;
        p->tile_of[keys[k].asset] = t;
        cpted_batch_tile_info *ti = &p->tiles[t];
        ti->struct_size = (uint32_t)sizeof *ti;
        ti->asset_count++;
        if (side > 0.0) {
            ti->box[0] = ext[0] + (double)keys[k].ix * side;
            ti->box[1] = ext[1] + (double)keys[k].iy * side;
            ti->box[2] = ext[0] + (double)(keys[k].ix + 1) * side;
            ti->box[3] = ext[1] + (double)(keys[k].iy + 1) * side;
        } else {
            memcpy(ti->box, ext, sizeof ti->box);
        }
    }
    p->tile_count = t + 1;
    p->tile_start[p->tile_count] = n;
    cpted__free(keys);
    return CPTED_OK;
}

static int plan_new(cpted_batch_plan **out, cpted_context *ctx, cpted_freespace *fs,
                    const cpted_batch_options *o)
{
    cpted_batch_plan *p = cpted__calloc(1, sizeof *p);
    if (!p)
        return cpted__nomem(ctx, "batch");
    cpted__result_init(&p->head, ctx, fs->site, fs);
    p->ctx = ctx;
    p->site = fs->site;
    p->fs = fs;
    p->opts = *o;
    p->opts.vda = NULL;
    const cpted_site *site = fs->site;
    size_t n = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        n += is_asset(site->features[i].role, o->assets);
    int rc = CPTED_OK;
    if (n > 0 && !(p->features = cpted__malloc(n * sizeof *p->features)))
        rc = cpted__nomem(ctx, "batch");
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++)
        if (is_asset(site->features[i].role, o->assets))
            p->features[p->asset_count++] = i;
    if (rc == CPTED_OK)
        rc = make_tiles(p);
    if (rc != CPTED_OK) {
        plan_destroy(p);
        return rc;
    }
    *out = p;
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_batch_plan_new(cpted_batch_plan **out, cpted_freespace *fs,
                                              const cpted_batch_options *opts)
{
    if (out)
        *out = NULL;
    cpted_context *ctx;
    int rc = cpted__analysis_start_fs(&ctx, fs, out, "cpted_batch_plan_new");
    cpted_batch_options o;
    if (rc == CPTED_OK)
        rc = resolve_options(ctx, opts, &o);
    if (rc != CPTED_OK)
        return rc;
    return plan_new(out, ctx, fs, &o);
}

CPTED_API size_t CPTED_CALL cpted_batch_plan_tile_count(const cpted_batch_plan *plan)
{
    return plan ? plan->tile_count : 0;
}

CPTED_API size_t CPTED_CALL cpted_batch_plan_asset_count(const cpted_batch_plan *plan)
{
    return plan ? plan->asset_count : 0;
}

CPTED_API int CPTED_CALL cpted_batch_plan_get_tile(cpted_batch_tile_info *out,
                                                   const cpted_batch_plan *plan, size_t i)
{
    if (!plan)
        return CPTED_E_INVALID;
    if (i >= plan->tile_count)
        return cpted__error(plan->ctx, CPTED_E_NOTFOUND, "batch tile %zu does not exist (%zu tiles)",
                            i, plan->tile_count);
    return cpted__copy_record(plan->ctx, out, &plan->tiles[i], sizeof plan->tiles[i],
                              CPTED_BATCH_TILE_INFO_V1_SIZE, "batch tile record");
}

/* ---- workers -------------------------------------------------------------- */

CPTED_API void CPTED_CALL cpted_batch_worker_free(cpted_batch_worker *w)
{
    if (!w)
        return;
    if (w->owns_tiles)
        cpted__tiles_free(w->ctx, w->tiles);
    if (w->accessible)
        GEOSGeom_destroy_r(w->ctx->geos, w->accessible);
    cpted_batch_plan_free(w->plan);
    cpted__context_unref(w->ctx);
    cpted__free(w);
}

CPTED_API int CPTED_CALL cpted_batch_worker_new(cpted_batch_worker **out, cpted_context *ctx,
                                                const cpted_batch_plan *plan)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return CPTED_E_INVALID;
    if (!out || !plan)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_worker_new: %s is NULL",
                            out ? "plan" : "out");
    cpted_batch_worker *w = cpted__calloc(1, sizeof *w);
    if (!w)
        return cpted__nomem(ctx, "batch");
    cpted_batch_plan *p = (cpted_batch_plan *)plan; /* the reference count only */
    cpted__result_ref(&p->head);
    w->plan = p;
    cpted__context_ref(ctx);
    w->ctx = ctx;
    const GEOSGeometry *a = p->fs->accessible;
    w->reachable = p->fs->not_assessed == NULL && GEOSisEmpty_r(p->ctx->geos, a) == 0;
    int rc = CPTED_OK;
    if (w->reachable && p->asset_count > 0) {
        if (ctx == p->ctx) {
            rc = cpted__freespace_tiles(p->fs, CPTED_SPACE_ACCESSIBLE, &w->tiles);
        } else {
            /* GEOS objects are not shared between threads: the worker's own
             * copy of A and of the free space's index of it (the same pieces
             * and ring runs, so the same numbers), cloned here in the plan's
             * thread, which is cheaper than cutting A again */
            cpted__tiles *src = NULL;
            rc = cpted__freespace_tiles(p->fs, CPTED_SPACE_ACCESSIBLE, &src);
            if (rc == CPTED_OK)
                rc = cpted__tiles_build_chunks(p->ctx, src);
            if (rc != CPTED_OK) /* recorded in the plan's context: the worker's says it too */
                rc = cpted__error(ctx, rc, "batch: the index of A: %s",
                                  cpted_context_last_error(p->ctx));
            if (rc == CPTED_OK && !(w->accessible = GEOSGeom_clone_r(ctx->geos, a)))
                rc = cpted__nomem(ctx, "batch");
            if (rc == CPTED_OK)
                rc = cpted__tiles_copy(&w->tiles, ctx, src, w->accessible);
            w->owns_tiles = rc == CPTED_OK;
        }
    }
    if (rc != CPTED_OK) {
        cpted_batch_worker_free(w);
        return rc;
    }
    *out = w;
    return CPTED_OK;
}

/* Standoff and nearest pair of one asset against A, as standoff.c measures them. */
static int measure(cpted_batch_worker *w, size_t asset, batch_rec *r)
{
    cpted_context *ctx = w->ctx;
    const cpted_batch_plan *p = w->plan;
    const cpted__feature *f = &p->site->features[p->features[asset]];
    r->asset = asset;
    r->standoff_m = r->asset_x = r->asset_y = r->vehicle_x = r->vehicle_y = NAN;
    r->assessed = r->reachable = 0;
    if (p->fs->not_assessed) {
        r->why = WHY_NO_ENTRY;
        return CPTED_OK;
    }
    double area = 0.0;
    if (!GEOSArea_r(ctx->geos, f->geom, &area) || !(area > 0.0)) {
        r->why = WHY_NO_AREA;
        return CPTED_OK;
    }
    r->why = WHY_NONE;
    r->assessed = 1;
    r->reachable = w->reachable;
    if (!w->reachable)
        return CPTED_OK;
    double d = NAN, xy[4];
    unsigned long nomem_reports = ctx->nomem_reports;
    int rc = cpted__tiles_distance(ctx, w->tiles, f->geom, &d);
    if (rc == CPTED_OK)
        rc = cpted__tiles_nearest_points(ctx, w->tiles, f->geom, d, xy);
    if (rc != CPTED_OK)
        return cpted__nomem_status(ctx,
                                   cpted__error(ctx, rc, "batch: standoff of asset %s failed: %s",
                                                f->id, cpted_context_last_error(ctx)),
                                   nomem_reports);
    r->vehicle_x = xy[0];
    r->vehicle_y = xy[1];
    r->asset_x = xy[2];
    r->asset_y = xy[3];
    r->standoff_m = d < TOUCH_TOL_M ? 0.0 : d;
    return CPTED_OK;
}

/* Measures assets [from, to) of tile t->index into t->recs. */
static int run_range(cpted_batch_worker *w, cpted_batch_tile *t, size_t from, size_t to)
{
    const cpted_batch_plan *p = w->plan;
    size_t base = p->tile_start[t->index];
    for (size_t k = from; k < to; k++) {
        if ((k - from) % CHUNK == 0 && k > from && cpted__interrupted(w->ctx))
            return cpted__error(w->ctx, CPTED_E_INTERRUPTED, "batch: interrupted");
        int rc = measure(w, p->tile_assets[base + k], &t->recs[k]);
        if (rc != CPTED_OK)
            return rc;
    }
    if (w->done) {
        size_t done = atomic_fetch_add(w->done, to - from) + (to - from);
        if (w->ctx == p->ctx)
            cpted__progress(w->ctx, (double)done / (double)w->total, "batch");
    }
    return cpted__interrupted(w->ctx) ? cpted__error(w->ctx, CPTED_E_INTERRUPTED,
                                                     "batch: interrupted")
                                      : CPTED_OK;
}

static int tile_alloc(cpted_batch_tile **out, cpted_context *ctx, const cpted_batch_plan *plan,
                      size_t index)
{
    cpted_batch_tile *t = cpted__calloc(1, sizeof *t);
    size_t n = plan->tile_start[index + 1] - plan->tile_start[index];
    if (t)
        t->recs = cpted__calloc(n ? n : 1, sizeof *t->recs);
    if (!t || !t->recs) {
        cpted__free(t);
        return cpted__nomem(ctx, "batch");
    }
    cpted_batch_plan *p = (cpted_batch_plan *)plan;
    cpted__result_ref(&p->head);
    t->plan = p;
    t->index = index;
    t->count = n;
    *out = t;
    return CPTED_OK;
}

CPTED_API void CPTED_CALL cpted_batch_tile_free(cpted_batch_tile *tile)
{
    if (!tile)
        return;
    cpted__free(tile->recs);
    cpted_batch_plan_free(tile->plan);
    cpted__free(tile);
}

CPTED_API int CPTED_CALL cpted_batch_worker_run(cpted_batch_tile **out, cpted_batch_worker *w,
                                                size_t tile)
{
    if (out)
        *out = NULL;
    if (!w)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(w->ctx, CPTED_E_INVALID, "cpted_batch_worker_run: out is NULL");
    if (tile >= w->plan->tile_count)
        return cpted__error(w->ctx, CPTED_E_NOTFOUND, "batch tile %zu does not exist (%zu tiles)",
                            tile, w->plan->tile_count);
    cpted_batch_tile *t = NULL;
    int rc = tile_alloc(&t, w->ctx, w->plan, tile);
    if (rc == CPTED_OK)
        rc = run_range(w, t, 0, t->count);
    if (rc != CPTED_OK) {
        cpted_batch_tile_free(t);
        return rc;
    }
    *out = t;
    return CPTED_OK;
}

/* ---- tile bytes ------------------------------------------------------------ */

#define BYTES_MAGIC "CPTB"
#define BYTES_VERSION 1u
#define BYTES_HEAD (4 + 4 + 8 * 4)
#define BYTES_REC (8 + 4 * 4 + 8 * 5)

static void put_u64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}
static void put_u32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get_u64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}
static uint32_t get_u32(const unsigned char *b)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}
static void put_f64(unsigned char *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    put_u64(b, v);
}
static double get_f64(const unsigned char *b)
{
    uint64_t v = get_u64(b);
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}

CPTED_API int CPTED_CALL cpted_batch_tile_to_bytes(unsigned char **out, size_t *size_out,
                                                   const cpted_batch_tile *tile)
{
    if (!tile)
        return CPTED_E_INVALID;
    cpted_context *ctx = tile->plan->ctx;
    if (!out || !size_out)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_tile_to_bytes: out is NULL");
    *out = NULL;
    *size_out = 0;
    size_t size = BYTES_HEAD + tile->count * BYTES_REC;
    unsigned char *b = cpted__malloc(size);
    if (!b)
        return cpted__nomem(ctx, "batch");
    memcpy(b, BYTES_MAGIC, 4);
    put_u32(b + 4, BYTES_VERSION);
    put_u64(b + 8, tile->plan->asset_count);
    put_u64(b + 16, tile->plan->tile_count);
    put_u64(b + 24, tile->index);
    put_u64(b + 32, tile->count);
    for (size_t i = 0; i < tile->count; i++) {
        unsigned char *r = b + BYTES_HEAD + i * BYTES_REC;
        const batch_rec *rec = &tile->recs[i];
        put_u64(r, rec->asset);
        put_u32(r + 8, (uint32_t)rec->assessed);
        put_u32(r + 12, (uint32_t)rec->reachable);
        put_u32(r + 16, (uint32_t)rec->why);
        put_u32(r + 20, 0);
        put_f64(r + 24, rec->standoff_m);
        put_f64(r + 32, rec->asset_x);
        put_f64(r + 40, rec->asset_y);
        put_f64(r + 48, rec->vehicle_x);
        put_f64(r + 56, rec->vehicle_y);
    }
    *out = b;
    *size_out = size;
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_batch_tile_from_bytes(cpted_batch_tile **out,
                                                     const cpted_batch_plan *plan,
                                                     const unsigned char *bytes, size_t size)
{
    if (out)
        *out = NULL;
    if (!plan)
        return CPTED_E_INVALID;
    cpted_context *ctx = plan->ctx;
    if (!out || !bytes)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_tile_from_bytes: %s is NULL",
                            out ? "bytes" : "out");
    if (size < BYTES_HEAD || memcmp(bytes, BYTES_MAGIC, 4) != 0 ||
        get_u32(bytes + 4) != BYTES_VERSION)
        return cpted__error(ctx, CPTED_E_FORMAT, "batch: not the bytes of a batch tile (version %u)",
                            BYTES_VERSION);
    uint64_t assets = get_u64(bytes + 8), tiles = get_u64(bytes + 16);
    uint64_t index = get_u64(bytes + 24), n = get_u64(bytes + 32);
    if (assets != plan->asset_count || tiles != plan->tile_count || index >= tiles)
        return cpted__error(ctx, CPTED_E_FORMAT,
                            "batch: tile bytes of another plan (%llu assets, %llu tiles; this "
                            "plan has %zu and %zu)",
                            (unsigned long long)assets, (unsigned long long)tiles,
                            plan->asset_count, plan->tile_count);
    size_t expect = plan->tile_start[index + 1] - plan->tile_start[index];
    if (n != expect || (size - BYTES_HEAD) / BYTES_REC != n || (size - BYTES_HEAD) % BYTES_REC)
        return cpted__error(ctx, CPTED_E_FORMAT, "batch: tile %llu bytes hold %llu records, the "
                                                 "plan's tile has %zu",
                            (unsigned long long)index, (unsigned long long)n, expect);
    cpted_batch_tile *t = NULL;
    int rc = tile_alloc(&t, ctx, plan, (size_t)index);
    if (rc != CPTED_OK)
        return rc;
    size_t base = plan->tile_start[index];
    for (size_t i = 0; i < t->count && rc == CPTED_OK; i++) {
        const unsigned char *r = bytes + BYTES_HEAD + i * BYTES_REC;
        batch_rec *rec = &t->recs[i];
        rec->asset = (size_t)get_u64(r);
        rec->assessed = (int32_t)get_u32(r + 8);
        rec->reachable = (int32_t)get_u32(r + 12);
        rec->why = (int32_t)get_u32(r + 16);
        rec->standoff_m = get_f64(r + 24);
        rec->asset_x = get_f64(r + 32);
        rec->asset_y = get_f64(r + 40);
        rec->vehicle_x = get_f64(r + 48);
        rec->vehicle_y = get_f64(r + 56);
        if (rec->asset != plan->tile_assets[base + i] || (rec->assessed != 0 && rec->assessed != 1) ||
            (rec->reachable != 0 && rec->reachable != 1) || rec->why < WHY_NONE ||
            rec->why > WHY_NO_ENTRY || (rec->why != WHY_NONE) == (rec->assessed == 1))
            rc = cpted__error(ctx, CPTED_E_FORMAT, "batch: record %zu of tile %llu is corrupt", i,
                              (unsigned long long)index);
    }
    if (rc != CPTED_OK) {
        cpted_batch_tile_free(t);
        return rc;
    }
    *out = t;
    return CPTED_OK;
}

/* ---- merge ------------------------------------------------------------------- */

static const char *why_string(const cpted_batch *b, int32_t why)
{
    if (why == WHY_NO_ENTRY)
        return b->fs->not_assessed ? b->fs->not_assessed : "nothing enters the study";
    return why > WHY_NONE && why <= WHY_TARGETS ? why_text[why] : NULL;
}

typedef struct id_index {
    const char *id;
    size_t asset;
} id_index;

static int id_cmp(const void *pa, const void *pb)
{
    return strcmp(((const id_index *)pa)->id, ((const id_index *)pb)->id);
}

/* Per asset the worst facade target of the VDA: the reached target of
 * highest energy, the first in target order on a tie. */
static int merge_approach(cpted_batch *b, const cpted_vda *vda)
{
    cpted_context *ctx = b->ctx;
    if (vda->fs != b->fs)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "cpted_batch_merge: the VDA was computed on another free space");
    if (vda->opts.targets != CPTED_VDA_TARGETS_FACADES)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "cpted_batch_merge: the VDA must have facade targets "
                            "(CPTED_VDA_TARGETS_FACADES)");
    b->approach = true;
    b->vda_opts = vda->opts;
    b->vda_opts.points_xy = NULL;
    b->vda_opts.point_count = 0;
    size_t n = b->count;
    id_index *ids = n ? cpted__malloc(n * sizeof *ids) : NULL;
    size_t *targets = n ? cpted__calloc(n, sizeof *targets) : NULL;
    bool *missed = n ? cpted__calloc(n, sizeof *missed) : NULL;
    if (n && (!ids || !targets || !missed)) {
        cpted__free(ids);
        cpted__free(targets);
        cpted__free(missed);
        return cpted__nomem(ctx, "batch");
    }
    for (size_t i = 0; i < n; i++) {
        ids[i].id = b->assets[i].id;
        ids[i].asset = i;
        cpted_batch_asset *a = &b->assets[i];
        a->approach = 1;
        a->approach_reached = 0;
    }
    qsort(ids, n, sizeof *ids, id_cmp);
    for (size_t t = 0; t < vda->target_count; t++) {
        const cpted_vda_target *r = &vda->targets[t].rec;
        if (!r->line_id || n == 0)
            continue;
        id_index key = {r->line_id, 0};
        const id_index *hit = bsearch(&key, ids, n, sizeof *ids, id_cmp);
        if (!hit)
            continue;
        cpted_batch_asset *a = &b->assets[hit->asset];
        targets[hit->asset]++;
        if (!r->assessed) {
            missed[hit->asset] = true;
            continue;
        }
        if (!r->reachable || !isfinite(r->energy_kj))
            continue;
        if (!a->approach_reached || r->energy_kj > a->energy_kj) {
            a->approach_reached = 1;
            a->speed_kmh = r->speed_kmh;
            a->energy_kj = r->energy_kj;
            a->angle_deg = r->angle_deg;
            a->impact_x = r->x;
            a->impact_y = r->y;
        }
    }
    for (size_t i = 0; i < n; i++) {
        cpted_batch_asset *a = &b->assets[i];
        int32_t why = targets[i] == 0 ? WHY_NO_TARGET : missed[i] ? WHY_TARGETS : WHY_NONE;
        if (why != WHY_NONE && a->assessed) {
            /* an approach not assessed leaves the exposure unknown: never safe */
            a->assessed = 0;
            a->not_assessed = why_string(b, why);
        }
        if (why != WHY_NONE)
            a->approach_reached = 0, a->speed_kmh = a->energy_kj = a->angle_deg = NAN,
            a->impact_x = a->impact_y = NAN;
    }
    cpted__free(ids);
    cpted__free(targets);
    cpted__free(missed);
    int rc = CPTED_OK;
    if (vda->not_assessed)
        rc = cpted__result_warn(&b->head, "batch: approach not assessed: %s", vda->not_assessed);
    /* the VDA's own statements belong to the result; they were logged once already */
    cpted__result *h = &b->head;
    for (size_t i = 0; i < cpted__result_warning_count(&vda->head) && rc == CPTED_OK; i++) {
        char *copy = cpted__strdup(cpted__result_warning(&vda->head, i));
        if (!copy || !cpted__grow((void **)&h->warnings, &h->warning_cap, h->warning_count + 1,
                                  sizeof *h->warnings)) {
            cpted__free(copy);
            rc = cpted__nomem(ctx, "batch");
        } else {
            h->warnings[h->warning_count++] = copy;
        }
    }
    return rc;
}

/* The exposure order (docs/method-batch.md): not assessed first, then the
 * reachable by energy (approach) and standoff, then the unreachable; ids break ties. */
static int group_of(const cpted_batch_asset *a)
{
    return !a->assessed ? 0 : a->reachable ? 1 : 2;
}

/* The sort keys of one asset (qsort has no payload: the keys travel with it). */
typedef struct rank_key {
    int group;
    double energy;                 /* -inf without a reached facade or approach */
    double standoff;
    const char *id;
    size_t asset;
} rank_key;

static int rank_cmp(const void *pa, const void *pb)
{
    const rank_key *a = pa, *c = pb;
    if (a->group != c->group)
        return a->group < c->group ? -1 : 1;
    if (a->group == 1) {
        if (a->energy != c->energy)
            return a->energy > c->energy ? -1 : 1;
        if (a->standoff != c->standoff)
            return a->standoff < c->standoff ? -1 : 1;
    }
    return strcmp(a->id, c->id);
}

static void add_to_bins(size_t *bins, int h, double v)
{
    const double *e = histograms[h].edges;
    size_t n = histograms[h].count, k = 0;
    if (!isfinite(v))
        return;
    while (k + 1 < n && v >= e[k + 1])
        k++;
    bins[k]++;
}

static int finish(cpted_batch *b)
{
    size_t n = b->count;
    if (n) {
        b->ranked = cpted__malloc(n * sizeof *b->ranked);
        rank_key *keys = cpted__malloc(n * sizeof *keys);
        if (!b->ranked || !keys) {
            cpted__free(keys);
            return cpted__nomem(b->ctx, "batch");
        }
        for (size_t i = 0; i < n; i++) {
            const cpted_batch_asset *a = &b->assets[i];
            keys[i].group = group_of(a);
            keys[i].energy = b->approach && a->approach_reached ? a->energy_kj : -INFINITY;
            keys[i].standoff = a->standoff_m;
            keys[i].id = a->id;
            keys[i].asset = i;
        }
        /* a total order (ids are unique in a site): the same ranks whatever
         * order qsort visits */
        qsort(keys, n, sizeof *keys, rank_cmp);
        for (size_t r = 0; r < n; r++) {
            b->ranked[r] = keys[r].asset;
            b->assets[keys[r].asset].rank = r + 1;
        }
        cpted__free(keys);
    }
    cpted_batch_summary *s = &b->summary;
    s->struct_size = (uint32_t)sizeof *s;
    s->assets = n;
    for (size_t i = 0; i < n; i++) {
        const cpted_batch_asset *a = &b->assets[i];
        s->assessed += a->assessed != 0;
        s->not_assessed += a->assessed == 0;
        s->reachable += a->assessed && a->reachable;
        s->unreachable += a->assessed && !a->reachable;
        s->touching += a->assessed && a->reachable && a->standoff_m == 0.0;
        s->approach_reached += a->approach_reached != 0;
        if (a->assessed && a->reachable)
            add_to_bins(b->bins[CPTED_BATCH_HIST_STANDOFF], CPTED_BATCH_HIST_STANDOFF,
                        a->standoff_m);
        if (a->approach_reached) {
            add_to_bins(b->bins[CPTED_BATCH_HIST_SPEED], CPTED_BATCH_HIST_SPEED, a->speed_kmh);
            add_to_bins(b->bins[CPTED_BATCH_HIST_ENERGY], CPTED_BATCH_HIST_ENERGY, a->energy_kj);
        }
    }
    if (s->not_assessed > 0 && !b->fs->not_assessed)
        return cpted__result_warn(&b->head,
                                  "batch: %zu of %zu asset(s) NOT ASSESSED (ranked first: their "
                                  "exposure is unknown, never safe)",
                                  s->not_assessed, n);
    return CPTED_OK;
}

CPTED_API void CPTED_CALL cpted_batch_free(cpted_batch *result)
{
    if (!result)
        return;
    cpted__free(result->assets);
    cpted__free(result->ranked);
    cpted__result_fini(&result->head);
    cpted__free(result);
}

CPTED_API int CPTED_CALL cpted_batch_merge(cpted_batch **out, const cpted_batch_plan *plan,
                                           const cpted_batch_tile *const *tiles,
                                           size_t tile_count, const cpted_vda *vda)
{
    if (out)
        *out = NULL;
    if (!plan)
        return CPTED_E_INVALID;
    cpted_context *ctx = plan->ctx;
    if (!out || (!tiles && tile_count))
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_merge: %s is NULL",
                            out ? "tiles" : "out");
    bool *seen = plan->tile_count ? cpted__calloc(plan->tile_count, sizeof *seen) : NULL;
    if (plan->tile_count && !seen)
        return cpted__nomem(ctx, "batch");
    int rc = CPTED_OK;
    for (size_t i = 0; i < tile_count && rc == CPTED_OK; i++) {
        const cpted_batch_tile *t = tiles[i];
        if (!t || t->plan != plan)
            rc = cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_merge: tile %zu is %s", i,
                              t ? "of another plan" : "NULL");
        else if (seen[t->index])
            rc = cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_merge: tile %zu given twice",
                              t->index);
        else
            seen[t->index] = true;
    }
    for (size_t t = 0; t < plan->tile_count && rc == CPTED_OK; t++)
        if (!seen[t])
            rc = cpted__error(ctx, CPTED_E_INVALID, "cpted_batch_merge: tile %zu is missing (%zu "
                                                    "tiles)",
                              t, plan->tile_count);
    cpted__free(seen);
    if (rc != CPTED_OK)
        return rc;
    cpted_batch *b = cpted__calloc(1, sizeof *b);
    if (!b)
        return cpted__nomem(ctx, "batch");
    cpted__result_init(&b->head, ctx, plan->site, plan->fs);
    b->ctx = ctx;
    b->site = plan->site;
    b->fs = plan->fs;
    b->vehicle = plan->fs->vehicle;
    b->assets_mode = plan->opts.assets;
    b->top_count = plan->opts.top_count;
    b->count = plan->asset_count;
    if (b->count && !(b->assets = cpted__calloc(b->count, sizeof *b->assets)))
        rc = cpted__nomem(ctx, "batch");
    for (size_t i = 0; i < b->count && rc == CPTED_OK; i++) {
        cpted_batch_asset *a = &b->assets[i];
        const cpted__feature *f = &plan->site->features[plan->features[i]];
        a->struct_size = (uint32_t)sizeof *a;
        a->id = f->id;
        a->name = f->name;
        a->feature = plan->features[i];
        a->tile = plan->tile_of[i];
        a->speed_kmh = a->energy_kj = a->angle_deg = a->impact_x = a->impact_y = NAN;
    }
    for (size_t i = 0; i < tile_count && rc == CPTED_OK; i++)
        for (size_t k = 0; k < tiles[i]->count; k++) {
            const batch_rec *r = &tiles[i]->recs[k];
            cpted_batch_asset *a = &b->assets[r->asset];
            a->assessed = r->assessed;
            a->not_assessed = why_string(b, r->why);
            a->reachable = r->reachable;
            a->standoff_m = r->standoff_m;
            a->asset_x = r->asset_x;
            a->asset_y = r->asset_y;
            a->vehicle_x = r->vehicle_x;
            a->vehicle_y = r->vehicle_y;
        }
    if (rc == CPTED_OK && vda)
        rc = merge_approach(b, vda);
    if (rc == CPTED_OK)
        rc = finish(b);
    b->summary.tiles = plan->tile_count;
    if (rc != CPTED_OK) {
        cpted_batch_free(b);
        return rc;
    }
    *out = b;
    return CPTED_OK;
}

/* ---- run: the three steps with threads ------------------------------------------ */

typedef struct unit {
    size_t tile, from, to;
} unit;

typedef struct shared {
    cpted_batch_tile **tiles;
    const unit *units;
    size_t unit_count;
    atomic_size_t next;
    atomic_int stop;
} shared;

typedef struct thread_job {
    shared *sh;
    cpted_batch_worker *w;
    int rc;
    pthread_t thread;
    bool started;
} thread_job;

static void work(thread_job *job)
{
    shared *sh = job->sh;
    job->rc = CPTED_OK;
    bool caller = job->w->ctx == job->w->plan->ctx;
    while (!atomic_load(&sh->stop)) {
        /* the caller's thread looks before every unit it takes (at least once) */
        if (caller && cpted__interrupted(job->w->ctx)) {
            job->rc = cpted__error(job->w->ctx, CPTED_E_INTERRUPTED, "batch: interrupted");
            atomic_store(&sh->stop, 1);
            break;
        }
        size_t u = atomic_fetch_add(&sh->next, 1);
        if (u >= sh->unit_count)
            break;
        const unit *un = &sh->units[u];
        job->rc = run_range(job->w, sh->tiles[un->tile], un->from, un->to);
        if (job->rc != CPTED_OK) {
            atomic_store(&sh->stop, 1);
            break;
        }
    }
}

static void *thread_main(void *arg)
{
    work(arg);
    return NULL;
}

/* Workers in other threads stop when the caller's thread says so. */
static int32_t CPTED_CALL stop_requested(void *payload)
{
    return atomic_load((atomic_int *)payload) != 0;
}

static int auto_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > AUTO_THREADS_MAX ? AUTO_THREADS_MAX : (int)n;
}

static int run_tiles(cpted_batch_plan *plan, int threads, cpted_batch_tile **tiles)
{
    cpted_context *ctx = plan->ctx;
    size_t units = 0;
    for (size_t t = 0; t < plan->tile_count; t++)
        units += (plan->tiles[t].asset_count + CHUNK - 1) / CHUNK;
    unit *list = units ? cpted__malloc(units * sizeof *list) : NULL;
    thread_job *jobs = cpted__calloc((size_t)threads, sizeof *jobs);
    cpted_context **ctxs = cpted__calloc((size_t)threads, sizeof *ctxs);
    shared sh;
    memset(&sh, 0, sizeof sh);
    atomic_init(&sh.next, 0);
    atomic_init(&sh.stop, 0);
    atomic_size_t done;
    atomic_init(&done, 0);
    int rc = (units && !list) || !jobs || !ctxs ? cpted__nomem(ctx, "batch") : CPTED_OK;
    /* no more threads than units of work */
    if ((size_t)threads > units)
        threads = units > 0 ? (int)units : 1;
    size_t u = 0;
    for (size_t t = 0; t < plan->tile_count && rc == CPTED_OK; t++) {
        rc = tile_alloc(&tiles[t], ctx, plan, t);
        for (size_t k = 0; rc == CPTED_OK && k < tiles[t]->count; k += CHUNK) {
            list[u].tile = t;
            list[u].from = k;
            list[u].to = k + CHUNK < tiles[t]->count ? k + CHUNK : tiles[t]->count;
            u++;
        }
    }
    sh.tiles = tiles;
    sh.units = list;
    sh.unit_count = units;
    /* contexts and copies of A made here, in the caller's thread */
    for (int i = 0; i < threads && rc == CPTED_OK; i++) {
        if (i == 0) {
            ctxs[0] = ctx;
        } else {
            rc = cpted_context_new(&ctxs[i]);
            if (rc != CPTED_OK) {
                rc = cpted__nomem(ctx, "batch");
                break;
            }
            cpted_context_set_interrupt(ctxs[i], stop_requested, &sh.stop);
        }
        jobs[i].sh = &sh;
        rc = cpted_batch_worker_new(&jobs[i].w, ctxs[i], plan);
        if (rc != CPTED_OK && i > 0)
            rc = cpted__error(ctx, rc, "batch: worker %d: %s", i,
                              cpted_context_last_error(ctxs[i]));
        if (rc == CPTED_OK) {
            jobs[i].w->done = &done;
            jobs[i].w->total = plan->asset_count;
        }
    }
    for (int i = 1; i < threads && rc == CPTED_OK; i++) {
        if (pthread_create(&jobs[i].thread, NULL, thread_main, &jobs[i]) != 0) {
            rc = cpted__error(ctx, CPTED_E_GENERIC, "batch: cannot start worker thread %d", i);
            atomic_store(&sh.stop, 1);
            break;
        }
        jobs[i].started = true;
    }
    if (rc == CPTED_OK) {
        work(&jobs[0]);
        rc = jobs[0].rc;
    }
    for (int i = 1; i < threads; i++)
        if (jobs && jobs[i].started)
            pthread_join(jobs[i].thread, NULL);
    /* the first failure of a worker thread, unless the caller's own (or an
     * interrupt, which stops the others) came first */
    for (int pass = 0; pass < 2 && rc == CPTED_OK; pass++)
        for (int i = 1; i < threads && rc == CPTED_OK; i++)
            if (jobs[i].started && jobs[i].rc != CPTED_OK &&
                (pass == 1 || jobs[i].rc != CPTED_E_INTERRUPTED)) /* the cause first */
                rc = cpted__error(ctx, jobs[i].rc, "%s", cpted_context_last_error(ctxs[i]));
    if (rc == CPTED_OK)
        cpted__progress(ctx, 1.0, "batch");
    for (int i = 0; jobs && ctxs && i < threads; i++) {
        cpted_batch_worker_free(jobs[i].w);
        if (i > 0)
            cpted_context_free(ctxs[i]);
    }
    cpted__free(list);
    cpted__free(jobs);
    cpted__free(ctxs);
    return rc;
}

CPTED_API int CPTED_CALL cpted_batch_run(cpted_batch **out, cpted_freespace *fs,
                                         const cpted_batch_options *opts)
{
    if (out)
        *out = NULL;
    cpted_context *ctx;
    int rc = cpted__analysis_start_fs(&ctx, fs, out, "cpted_batch_run");
    cpted_batch_options o;
    if (rc == CPTED_OK)
        rc = resolve_options(ctx, opts, &o);
    if (rc != CPTED_OK)
        return rc;
    cpted_batch_plan *plan = NULL;
    cpted_vda *vda = NULL;
    cpted_batch_tile **tiles = NULL;
    cpted_vda_options vo;
    cpted_vda_options_init(&vo, sizeof vo);
    rc = plan_new(&plan, ctx, fs, &o);
    if (rc == CPTED_OK && o.approach) {
        if (o.vda)
            rc = cpted__options_copy(ctx, &vo, o.vda, sizeof vo, CPTED_VDA_OPTIONS_V1_SIZE,
                                     "batch: vda options");
        vo.targets = CPTED_VDA_TARGETS_FACADES;
        vo.points_xy = NULL;
        vo.point_count = 0;
        /* a district without assets has no facade to aim at: no VDA needed */
        if (rc == CPTED_OK && plan->asset_count > 0)
            rc = cpted_vda_run(&vda, fs, &vo);
    }
    int threads = o.threads > 0 ? o.threads : auto_threads();
    if (rc == CPTED_OK && plan->tile_count &&
        !(tiles = cpted__calloc(plan->tile_count, sizeof *tiles)))
        rc = cpted__nomem(ctx, "batch");
    if (rc == CPTED_OK && plan->tile_count)
        rc = run_tiles(plan, threads, tiles);
    if (rc == CPTED_OK) {
        rc = cpted_batch_merge(out, plan, (const cpted_batch_tile *const *)tiles,
                               plan->tile_count, vda);
        if (rc == CPTED_OK && o.approach && !vda) { /* no asset: nothing to run it on */
            (*out)->approach = true;
            (*out)->vda_opts = vo;
        }
    }
    for (size_t t = 0; tiles && t < plan->tile_count; t++)
        cpted_batch_tile_free(tiles[t]);
    cpted__free(tiles);
    cpted_vda_free(vda);
    cpted_batch_plan_free(plan);
    return rc;
}

/* ---- accessors ------------------------------------------------------------------- */

CPTED_API const char *CPTED_CALL cpted_batch_not_assessed(const cpted_batch *result)
{
    return result ? result->fs->not_assessed : NULL;
}

CPTED_API size_t CPTED_CALL cpted_batch_asset_count(const cpted_batch *result)
{
    return result ? result->count : 0;
}

CPTED_API int CPTED_CALL cpted_batch_get_asset(cpted_batch_asset *out, const cpted_batch *result,
                                               size_t i)
{
    if (!result)
        return CPTED_E_INVALID;
    if (i >= result->count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND,
                            "batch asset %zu does not exist (%zu assets)", i, result->count);
    return cpted__copy_record(result->ctx, out, &result->assets[i], sizeof result->assets[i],
                              CPTED_BATCH_ASSET_V1_SIZE, "batch asset record");
}

CPTED_API size_t CPTED_CALL cpted_batch_ranked(const cpted_batch *result, size_t rank)
{
    if (!result || rank < 1 || rank > result->count)
        return (size_t)-1;
    return result->ranked[rank - 1];
}

CPTED_API int CPTED_CALL cpted_batch_get_summary(cpted_batch_summary *out,
                                                 const cpted_batch *result)
{
    if (!result)
        return CPTED_E_INVALID;
    return cpted__copy_record(result->ctx, out, &result->summary, sizeof result->summary,
                              CPTED_BATCH_SUMMARY_V1_SIZE, "batch summary record");
}

static bool hist_shown(const cpted_batch *b, int32_t h)
{
    return h == CPTED_BATCH_HIST_STANDOFF || ((h == CPTED_BATCH_HIST_SPEED ||
                                               h == CPTED_BATCH_HIST_ENERGY) && b->approach);
}

CPTED_API size_t CPTED_CALL cpted_batch_bin_count(const cpted_batch *result, int32_t histogram)
{
    if (!result || histogram < 0 || histogram >= HIST_COUNT || !hist_shown(result, histogram))
        return 0;
    return histograms[histogram].count;
}

CPTED_API int CPTED_CALL cpted_batch_get_bin(cpted_batch_bin *out, const cpted_batch *result,
                                             int32_t histogram, size_t i)
{
    if (!result)
        return CPTED_E_INVALID;
    size_t n = cpted_batch_bin_count(result, histogram);
    if (i >= n)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND,
                            "batch histogram %d has no bin %zu (%zu bins)", (int)histogram, i, n);
    cpted_batch_bin bin;
    memset(&bin, 0, sizeof bin);
    bin.struct_size = (uint32_t)sizeof bin;
    bin.lower = histograms[histogram].edges[i];
    bin.upper = i + 1 < n ? histograms[histogram].edges[i + 1] : INFINITY;
    bin.count = result->bins[histogram][i];
    return cpted__copy_record(result->ctx, out, &bin, sizeof bin, CPTED_BATCH_BIN_V1_SIZE,
                              "batch bin record");
}

CPTED_API size_t CPTED_CALL cpted_batch_warning_count(const cpted_batch *result)
{
    return result ? cpted__result_warning_count(&result->head) : 0;
}

CPTED_API const char *CPTED_CALL cpted_batch_warning(const cpted_batch *result, size_t i)
{
    return result ? cpted__result_warning(&result->head, i) : NULL;
}

CPTED_API cpted_freespace *CPTED_CALL cpted_batch_freespace(const cpted_batch *result)
{
    return result ? result->fs : NULL;
}

/* ---- JSON ------------------------------------------------------------------------- */

static int json_point(cpted__json *j, const cpted_batch *b, double x, double y)
{
    double ox, oy;
    int rc = cpted_site_to_output(&ox, &oy, b->site, x, y);
    if (rc != CPTED_OK)
        return rc;
    cpted__json_begin_array(j);
    cpted__json_number(j, ox);
    cpted__json_number(j, oy);
    cpted__json_end_array(j);
    return CPTED_OK;
}

static void json_num(cpted__json *j, const char *key, double v)
{
    cpted__json_key(j, key);
    cpted__json_number(j, v);
}

static void json_count(cpted__json *j, const char *key, size_t v)
{
    cpted__json_key(j, key);
    cpted__json_int(j, (int64_t)v);
}

static int json_asset(cpted__json *j, const cpted_batch *b, const cpted_batch_asset *a)
{
    cpted__json_begin_object(j);
    cpted__json_key(j, "id");
    cpted__json_string(j, a->id);
    cpted__json_key(j, "name");
    cpted__json_string(j, a->name);
    static const char *const texts[] = {"osm_id", "address", "amenity"};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        cpted__json_key(j, texts[k]);
        cpted__json_string(j, cpted_site_feature_text(b->site, a->feature, texts[k]));
    }
    json_count(j, "rank", a->rank);
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, a->assessed);
    cpted__json_key(j, "not_assessed");
    cpted__json_string(j, a->not_assessed);
    cpted__json_key(j, "reachable");
    cpted__json_bool(j, a->reachable);
    json_num(j, "standoff_m", a->standoff_m);
    cpted__json_key(j, "nearest");
    int rc = CPTED_OK;
    if (isfinite(a->standoff_m)) {
        cpted__json_begin_object(j);
        cpted__json_key(j, "asset");
        rc = json_point(j, b, a->asset_x, a->asset_y);
        cpted__json_key(j, "vehicle");
        if (rc == CPTED_OK)
            rc = json_point(j, b, a->vehicle_x, a->vehicle_y);
        cpted__json_end_object(j);
    } else {
        cpted__json_null(j);
    }
    cpted__json_key(j, "approach");
    if (!a->approach) {
        cpted__json_null(j);
    } else {
        cpted__json_begin_object(j);
        cpted__json_key(j, "reached");
        cpted__json_bool(j, a->approach_reached);
        json_num(j, "speed_kmh", a->speed_kmh);
        json_num(j, "energy_kj", a->energy_kj);
        json_num(j, "angle_deg", a->angle_deg);
        cpted__json_key(j, "point");
        if (a->approach_reached && rc == CPTED_OK)
            rc = json_point(j, b, a->impact_x, a->impact_y);
        else
            cpted__json_null(j);
        cpted__json_end_object(j);
    }
    cpted__json_end_object(j);
    return rc;
}

static const char exposure_rule[] =
    "rank 1 is the most exposed: assets not assessed first (their exposure is unknown, never "
    "safe), then the reachable ones by facade impact energy, higher first (with the approach; "
    "no reached facade after every reached one), then by standoff, smaller first, then the "
    "unreachable ones; ties by asset id";

const char *cpted__batch_exposure_rule(void) { return exposure_rule; }

size_t cpted__batch_top_count(const cpted_batch *b)
{
    size_t top = b->top_count < 0 ? 0 : (size_t)b->top_count;
    return top < b->count ? top : b->count;
}

static void json_bins(cpted__json *j, const cpted_batch *b, int h)
{
    cpted__json_key(j, histograms[h].key);
    if (!hist_shown(b, h)) {
        cpted__json_null(j);
        return;
    }
    size_t n = histograms[h].count;
    cpted__json_begin_array(j);
    for (size_t i = 0; i < n; i++) {
        cpted__json_begin_object(j);
        json_num(j, "from", histograms[h].edges[i]);
        cpted__json_key(j, "to");
        if (i + 1 < n)
            cpted__json_number(j, histograms[h].edges[i + 1]);
        else
            cpted__json_null(j);
        json_count(j, "count", b->bins[h][i]);
        cpted__json_end_object(j);
    }
    cpted__json_end_array(j);
}

static int json_body(cpted__json *j, const cpted_batch *b)
{
    cpted__json_crs(j, b->site);
    const char *why = b->fs->not_assessed;
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, why == NULL);
    cpted__json_key(j, "not_assessed");
    cpted__json_string(j, why);
    cpted__json_key(j, "vehicle");
    cpted__json_vehicle(j, &b->vehicle);
    cpted__json_key(j, "assets_selection");
    cpted__json_string(j, b->assets_mode == CPTED_BATCH_ASSETS_BUILDINGS ? "buildings" : "site");
    cpted__json_key(j, "approach");
    if (!b->approach) {
        cpted__json_null(j);
    } else {
        cpted__json_begin_object(j);
        json_num(j, "spacing_m", b->vda_opts.spacing_m);
        json_num(j, "cell_m", b->vda_opts.cell_m);
        json_count(j, "headings", (size_t)b->vda_opts.headings);
        json_num(j, "window_m", b->vda_opts.window_m);
        json_num(j, "entry_speed_kmh", b->vda_opts.entry_speed_kmh);
        cpted__json_end_object(j);
    }
    cpted__json_key(j, "exposure_rule");
    cpted__json_string(j, exposure_rule);
    const cpted_batch_summary *s = &b->summary;
    cpted__json_key(j, "summary");
    cpted__json_begin_object(j);
    json_count(j, "assets", s->assets);
    json_count(j, "assessed", s->assessed);
    json_count(j, "not_assessed", s->not_assessed);
    json_count(j, "reachable", s->reachable);
    json_count(j, "unreachable", s->unreachable);
    json_count(j, "touching", s->touching);
    cpted__json_key(j, "approach_reached");
    if (b->approach)
        cpted__json_int(j, (int64_t)s->approach_reached);
    else
        cpted__json_null(j);
    double area = 0.0;
    cpted_freespace_get_area(&area, b->fs, CPTED_SPACE_ACCESSIBLE);
    json_num(j, "accessible_area_m2", area);
    cpted__json_end_object(j);
    cpted__json_key(j, "histograms");
    cpted__json_begin_object(j);
    for (int h = 0; h < HIST_COUNT; h++)
        json_bins(j, b, h);
    cpted__json_end_object(j);
    cpted__json_key(j, "most_exposed");
    cpted__json_begin_array(j);
    size_t top = (size_t)b->top_count < b->count ? (size_t)b->top_count : b->count;
    for (size_t r = 0; r < top; r++) {
        const cpted_batch_asset *a = &b->assets[b->ranked[r]];
        cpted__json_begin_object(j);
        json_count(j, "rank", a->rank);
        cpted__json_key(j, "id");
        cpted__json_string(j, a->id);
        cpted__json_key(j, "name");
        cpted__json_string(j, a->name);
        cpted__json_key(j, "assessed");
        cpted__json_bool(j, a->assessed);
        json_num(j, "standoff_m", a->standoff_m);
        json_num(j, "speed_kmh", a->speed_kmh);
        json_num(j, "energy_kj", a->energy_kj);
        cpted__json_end_object(j);
    }
    cpted__json_end_array(j);
    cpted__json_key(j, "assets");
    cpted__json_begin_array(j);
    int rc = CPTED_OK;
    for (size_t i = 0; i < b->count && rc == CPTED_OK; i++)
        rc = json_asset(j, b, &b->assets[i]);
    cpted__json_end_array(j);
    cpted__result_json_warnings(j, &b->head);
    cpted__json_key(j, "assumptions");
    cpted__json_begin_array(j);
    cpted__json_string(j, "standoff is measured as by cpted standoff: from the asset to the "
                          "ground the vehicle body can cover (docs/method-standoff.md), over "
                          "one free space of the whole district");
    if (b->approach)
        cpted__json_string(j, "facade impacts come from one vehicle dynamics assessment over the "
                              "district with targets along every asset's facades "
                              "(docs/method-vda.md); an asset's worst target is the reached "
                              "one of highest energy");
    cpted__json_end_array(j);
    if (rc != CPTED_OK)
        return cpted__error(b->ctx, rc, "batch JSON: cannot transform a point to the output CRS: %s",
                            cpted_context_last_error(b->ctx));
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_batch_to_json(char **out, const cpted_batch *result)
{
    if (!result)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(result->ctx, CPTED_E_INVALID, "cpted_batch_to_json: out is NULL");
    *out = NULL;
    /* a district's document is tens to hundreds of MB: counted first, then
     * written into a buffer of its size (a doubling buffer is copied when it
     * grows inside the heap, below malloc's mmap threshold: twice the text at
     * once; district 100,000: 12 MB less at the peak) */
    cpted__json j;
    cpted__json_init_counting(&j);
    int rc = CPTED_OK;
    for (int pass = 0; pass < 2 && rc == CPTED_OK; pass++) {
        if (pass == 1 && !cpted__json_init_sized(&j, cpted__json_finished_size(&j)))
            return cpted__nomem(result->ctx, "batch JSON");
        cpted__json_begin_object(&j);
        cpted__json_key(&j, "schema");
        cpted__json_string(&j, "cpted/batch/1");
        rc = json_body(&j, result);
        cpted__json_end_object(&j);
    }
    if (rc != CPTED_OK) {
        cpted__free(j.buf);
        return rc;
    }
    return cpted__json_finish(&j, result->ctx, out);
}
