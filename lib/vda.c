/* vda.c - the vehicle dynamics assessment (architecture.md §8,
 * docs/method-vda.md): targets on the lines of protection, element by element
 * or along asset facades; for each, the fastest approach from the attack side,
 * as the larger of two answers that are each on the safe side:
 *  - the exact straight run-ups (rays.c): rays cast back from the contact
 *    point over the attack half-plane, speed from the closed form;
 *  - the state lattice (lattice.c): straight steps and arcs under the
 *    friction circle, from standstill anywhere in R (and the entries at a given
 *    speed), to a fixed point.
 * Then per element and line the worst target, the element's rating against it
 * and the rating it needs; and the sensitivity band (four more searches).
 */
#define _POSIX_C_SOURCE 200809L /* sysconf */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#define RAY_STEP_DEG 0.5        /* angular step of the straight run-ups */
#define RAY_LEG_STEP_DEG 1.0    /* angular step of the last legs from the lattice */

/* ---- options ------------------------------------------------------------- */

CPTED_API int CPTED_CALL cpted_vda_options_init(cpted_vda_options *opts, size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_VDA_OPTIONS_V1_SIZE)
        return CPTED_E_VERSION;
    memset(opts, 0, struct_size);
    opts->struct_size = (uint32_t)struct_size;
    opts->targets = CPTED_VDA_TARGETS_AUTO;
    opts->spacing_m = 2.0;
    opts->entry_speed_kmh = NAN;
    opts->chain_m = 5.0;
    opts->cell_m = 1.0;
    opts->headings = 32;
    opts->window_m = 400.0;
    opts->sensitivity = 1;
    opts->threads = 0;
    return CPTED_OK;
}

static int resolve_options(cpted_context *ctx, const cpted_vda_options *user,
                           cpted_vda_options *out)
{
    cpted_vda_options_init(out, sizeof *out);
    if (user) {
        int rc = cpted__options_copy(ctx, out, user, sizeof *out, CPTED_VDA_OPTIONS_V1_SIZE,
                                     "VDA options");
        if (rc != CPTED_OK)
            return rc;
    }
    int rc;
    if (out->targets < CPTED_VDA_TARGETS_AUTO || out->targets > CPTED_VDA_TARGETS_POINTS)
        return cpted__error(ctx, CPTED_E_INVALID, "vda: targets = %d is not a cpted_vda_targets",
                            (int)out->targets);
    if ((rc = cpted__check_range(ctx, "spacing_m", out->spacing_m)) ||
        (rc = cpted__check_range(ctx, "chain_m", out->chain_m)) ||
        (rc = cpted__check_range(ctx, "cell_m", out->cell_m)) ||
        (rc = cpted__check_range(ctx, "headings", out->headings)) ||
        (rc = cpted__check_range(ctx, "window_m", out->window_m)))
        return rc;
    if (out->threads < 0 || out->threads > 2)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "vda: threads = %d must be 0 (automatic), 1 or 2", (int)out->threads);
    if (!isnan(out->entry_speed_kmh) &&
        (rc = cpted__check_range(ctx, "entry_speed_kmh", out->entry_speed_kmh)))
        return rc;
    if (out->point_count && !out->points_xy)
        return cpted__error(ctx, CPTED_E_INVALID, "vda: %zu points given but points_xy is NULL",
                            out->point_count);
    for (size_t i = 0; i < 2 * out->point_count; i++)
        if (!isfinite(out->points_xy[i]))
            return cpted__error(ctx, CPTED_E_INVALID, "vda: target point %zu is not finite",
                                i / 2 + 1);
    if (out->targets == CPTED_VDA_TARGETS_POINTS && out->point_count == 0)
        return cpted__error(ctx, CPTED_E_INVALID, "vda: targets = points but no point is given");
    return CPTED_OK;
}

/* ---- the search ---------------------------------------------------------- */

/* How close the vehicle centre gets to each target: 0 when the target is in
 * R, else its distance to R (a bollard: its radius + w/2; a facade: w/2). */
static int contact_distances(cpted_vda *v, cpted__vda_builder *b, cpted__rays *rays)
{
    cpted_context *ctx = v->ctx;
    const GEOSGeometry *reach = cpted__freespace_set(v->fs, CPTED_SPACE_REACHABLE);
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(ctx->geos, reach);
    if (!prep)
        return cpted__geos_fail(ctx, "vda", "prepare R");
    int rc = CPTED_OK;
    for (size_t t = 0; t < v->target_count && rc == CPTED_OK; t++) {
        cpted__vda_target *tg = &v->targets[t];
        if (cpted__rays_inside(rays, tg->rec.x, tg->rec.y)) {
            b->in[t].rho_m = 0;
            continue;
        }
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, tg->rec.x, tg->rec.y);
        double d = INFINITY;
        if (!p || GEOSPreparedDistance_r(ctx->geos, prep, p, &d) != 1)
            rc = cpted__geos_fail(ctx, "vda", "distance to R");
        if (p)
            GEOSGeom_destroy_r(ctx->geos, p);
        b->in[t].rho_m = d;
    }
    GEOSPreparedGeom_destroy_r(ctx->geos, prep);
    return rc;
}

/* Free length of the straight run-up arriving at the target along angle a
 * (radians, direction of travel), or -1 when that direction is not allowed
 * (not from the attack side) or its contact point is not in R. */
static double ray_at(cpted__rays *rays, const cpted__vda_target *tg, double rho, double max_len,
                     double a)
{
    double ux = cos(a), uy = sin(a); /* direction of travel */
    if ((tg->nx != 0 || tg->ny != 0) && !(ux * tg->nx + uy * tg->ny < 0))
        return -1;
    /* contact point: rho before the target (just inside R) */
    double cx = tg->rec.x - ux * (rho + 1e-6), cy = tg->rec.y - uy * (rho + 1e-6);
    if (!cpted__rays_inside(rays, cx, cy))
        return -1;
    return cpted__rays_free_length(rays, cx, cy, -ux, -uy, max_len);
}

/* The best straight run-up to a target: rays cast back from the contact
 * point over the attack half-plane (the full circle without a side) every
 * RAY_STEP_DEG, then each of the three best directions refined by a golden-
 * section search within a step either side (the longest ray grazes a corner
 * of R: a kink the search converges to). Gives the longest free length and
 * its direction of travel. */
static double best_ray(cpted__rays *rays, const cpted__vda_target *tg, double rho, double max_len,
                       double *ux_out, double *uy_out)
{
    const double step = RAY_STEP_DEG * CPTED__PI / 180.0;
    int steps = (int)lround(360.0 / RAY_STEP_DEG);
    double top_len[3] = {-1, -1, -1}, top_a[3] = {0, 0, 0};
    for (int s = 0; s < steps; s++) {
        double a = s * step;
        double len = ray_at(rays, tg, rho, max_len, a);
        for (int j = 0; j < 3; j++)
            if (len > top_len[j]) {
                for (int m = 2; m > j; m--) {
                    top_len[m] = top_len[m - 1];
                    top_a[m] = top_a[m - 1];
                }
                top_len[j] = len;
                top_a[j] = a;
                break;
            }
    }
    double best = top_len[0], best_a = top_a[0];
    const double phi = 0.6180339887498949;
    for (int j = 0; j < 3; j++) {
        if (!(top_len[j] > 0))
            continue;
        double lo = top_a[j] - step, hi = top_a[j] + step;
        double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
        double f1 = ray_at(rays, tg, rho, max_len, x1), f2 = ray_at(rays, tg, rho, max_len, x2);
        for (int it = 0; it < 40; it++) {
            if (f1 >= f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - phi * (hi - lo);
                f1 = ray_at(rays, tg, rho, max_len, x1);
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + phi * (hi - lo);
                f2 = ray_at(rays, tg, rho, max_len, x2);
            }
            if (f1 > best) {
                best = f1;
                best_a = x1;
            }
            if (f2 > best) {
                best = f2;
                best_a = x2;
            }
        }
    }
    if (best > 0) {
        *ux_out = cos(best_a);
        *uy_out = sin(best_a);
    }
    return best;
}

/* Result of one search for one target. */
typedef struct arrival {
    bool found;
    double v_mps, runup_m, ux, uy;
    bool by_ray;
    int64_t state;
    double ray_len;
} arrival;

/* The window of the search: the targets' box grown by window_m, within R's box. */
static bool search_window(const cpted_vda *v, double w[4])
{
    cpted_context *ctx = v->ctx;
    const GEOSGeometry *reach = cpted__freespace_set(v->fs, CPTED_SPACE_REACHABLE);
    double rx0, ry0, rx1, ry1;
    if (GEOSGeom_getXMin_r(ctx->geos, reach, &rx0) != 1 ||
        GEOSGeom_getYMin_r(ctx->geos, reach, &ry0) != 1 ||
        GEOSGeom_getXMax_r(ctx->geos, reach, &rx1) != 1 ||
        GEOSGeom_getYMax_r(ctx->geos, reach, &ry1) != 1)
        return false;
    double tx0 = DBL_MAX, ty0 = DBL_MAX, tx1 = -DBL_MAX, ty1 = -DBL_MAX;
    for (size_t i = 0; i < v->target_count; i++) {
        tx0 = fmin(tx0, v->targets[i].rec.x);
        ty0 = fmin(ty0, v->targets[i].rec.y);
        tx1 = fmax(tx1, v->targets[i].rec.x);
        ty1 = fmax(ty1, v->targets[i].rec.y);
    }
    double m = v->opts.window_m, pad = v->opts.cell_m * 2;
    w[0] = fmax(rx0, tx0 - m) - pad;
    w[1] = fmax(ry0, ty0 - m) - pad;
    w[2] = fmin(rx1, tx1 + m) + pad;
    w[3] = fmin(ry1, ty1 + m) + pad;
    return w[0] < w[2] && w[1] < w[3];
}

/* Starts given to the lattice: the entry zones at the entry speed (every
 * heading), and where the window cuts R, the straight run-up from beyond it. */
static int make_seeds(cpted_vda *v, const cpted__lattice *L, cpted__rays *rays,
                      const double w[4], double h, const cpted_vehicle *k,
                      cpted__lattice_seed **out, size_t *count_out)
{
    cpted_context *ctx = v->ctx;
    *out = NULL;
    *count_out = 0;
    size_t n = 0, cap = 0;
    cpted__lattice_seed *seeds = NULL;
    int K = v->opts.headings;
    double reach_box[4];
    const GEOSGeometry *reach = cpted__freespace_set(v->fs, CPTED_SPACE_REACHABLE);
    GEOSGeom_getXMin_r(ctx->geos, reach, &reach_box[0]);
    GEOSGeom_getYMin_r(ctx->geos, reach, &reach_box[1]);
    GEOSGeom_getXMax_r(ctx->geos, reach, &reach_box[2]);
    GEOSGeom_getYMax_r(ctx->geos, reach, &reach_box[3]);
    /* window edges that cut R: cells along them */
    for (int side = 0; side < 4; side++) {
        bool cuts = side < 2 ? w[side] > reach_box[side] + h : w[side] < reach_box[side] - h;
        if (!cuts)
            continue;
        bool vertical = side == 0 || side == 2;
        double lo = vertical ? w[1] : w[0], hi = vertical ? w[3] : w[2];
        double fixed = w[side] + (side < 2 ? h * 0.5 : -h * 0.5);
        for (double s = lo + h * 0.5; s < hi; s += h) {
            double x = vertical ? fixed : s, y = vertical ? s : fixed;
            if (!cpted__rays_inside(rays, x, y))
                continue;
            for (int kk = 0; kk < K; kk++) {
                double ux, uy;
                cpted__lattice_heading(L, kk, &ux, &uy);
                /* headings into the window only */
                double inward = side == 0 ? ux : side == 1 ? uy : side == 2 ? -ux : -uy;
                if (!(inward > 0))
                    continue;
                double len = cpted__rays_free_length(rays, x, y, -ux, -uy, 1e5);
                double sp = 0;
                if (len > 0 && cpted_vehicle_speed_after(&sp, k, 0, len) != CPTED_OK)
                    sp = 0;
                if (!(sp > 0))
                    continue;
                if (!cpted__grow((void **)&seeds, &cap, n + 1, sizeof *seeds)) {
                    cpted__free(seeds);
                    return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA starts");
                }
                seeds[n++] = (cpted__lattice_seed){x, y, kk, sp, len};
            }
        }
    }
    /* entries at speed */
    if (!isnan(v->opts.entry_speed_kmh) && v->opts.entry_speed_kmh > 0) {
        const GEOSGeometry *entries = cpted__freespace_set(v->fs, CPTED_SPACE_ENTRIES);
        double ex0, ey0, ex1, ey1;
        if (entries && !GEOSisEmpty_r(ctx->geos, entries) &&
            GEOSGeom_getXMin_r(ctx->geos, entries, &ex0) == 1 &&
            GEOSGeom_getYMin_r(ctx->geos, entries, &ey0) == 1 &&
            GEOSGeom_getXMax_r(ctx->geos, entries, &ex1) == 1 &&
            GEOSGeom_getYMax_r(ctx->geos, entries, &ey1) == 1) {
            cpted__rays *in_entry = NULL;
            int erc = cpted__rays_new(&in_entry, ctx, entries);
            if (erc != CPTED_OK) {
                cpted__free(seeds);
                return erc;
            }
            double sp = fmin(v->opts.entry_speed_kmh / 3.6, k->vmax_mps * (1 - 1e-9));
            double y0 = fmax(ey0, w[1]), y1 = fmin(ey1, w[3]);
            double x0 = fmax(ex0, w[0]), x1 = fmin(ex1, w[2]);
            for (double y = w[1] + h * (floor((y0 - w[1]) / h) + 0.5); y < y1; y += h)
                for (double x = w[0] + h * (floor((x0 - w[0]) / h) + 0.5); x < x1; x += h) {
                    if (!cpted__rays_inside(in_entry, x, y) || !cpted__rays_inside(rays, x, y))
                        continue;
                    for (int kk = 0; kk < K; kk++) {
                        if (!cpted__grow((void **)&seeds, &cap, n + 1, sizeof *seeds)) {
                            cpted__rays_free(in_entry);
                            cpted__free(seeds);
                            return cpted__error(ctx, CPTED_E_NOMEM,
                                                "out of memory for the VDA starts");
                        }
                        seeds[n++] = (cpted__lattice_seed){x, y, kk, sp, 0};
                    }
                }
            cpted__rays_free(in_entry);
        }
    }
    *out = seeds;
    *count_out = n;
    return CPTED_OK;
}

/* Threads of the search: options.threads, or 0 = two when the machine has them. */
static int threads_to_use(const cpted_vda *v)
{
    if (v->opts.threads > 0)
        return v->opts.threads;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus >= 2 ? 2 : 1;
}

/* The resolution allowance (docs/method-vda.md §3): the lattice's
 * discretisation can miss a continuous path by a little, more the coarser the
 * cell. Measured against the independent lattice (tests/crosscheck, 11 sites),
 * without an allowance the largest shortfalls were 0 at 0.5 m cells, 0.53 % at
 * 1 m (a 20 m street), 3.2 % at 2 m, 6.1 % at 3 m and 6.7 % at 5 m (the
 * L-bend); 1.2 % per metre up to 1 m and 3.5 % per metre beyond covers each
 * with a margin. The band's searches run at twice the cell and take its
 * larger allowance. */
double cpted__vda_allowance(double cell_m)
{
    return cell_m <= 1.0 ? 0.012 * cell_m : 0.012 + 0.035 * (cell_m - 1.0);
}

/* The band's searches run on a lattice of twice the cell, at most 5 m: about
 * a quarter of the cost each (docs/method-vda.md §4). */
double cpted__vda_band_cell(double cell_m)
{
    return fmin(5.0, 2.0 * cell_m);
}

/* An arrival from the lattice, with the resolution allowance of its cell. */
static void take_lattice_hit(arrival *a, const cpted__lattice_hit *h, double cell)
{
    a->found = true;
    a->v_mps = h->v_mps * (1.0 + cpted__vda_allowance(cell));
    a->runup_m = h->runup_m;
    a->ux = h->ux;
    a->uy = h->uy;
    a->state = h->state;
}

/* One lattice search of the VDA: the main one or one of the band's. */
typedef struct vda_search {
    cpted__lattice *L;
    double cell;
    cpted_vehicle kin;
    cpted__lattice_seed *seeds;
    size_t nseeds;
    int threads;               /* threads sweeping it */
    arrival *out;              /* its arrivals, per target */
    int rc;
} vda_search;

/* Its kinematics and starts, on the caller's thread (the starts read R
 * through GEOS). */
static int search_prepare(cpted_vda *v, vda_search *s, cpted__rays *rays, const double w[4])
{
    int rc = cpted__lattice_set_kinematics(s->L, &s->kin);
    if (rc == CPTED_OK)
        rc = make_seeds(v, s->L, rays, w, s->cell, &s->kin, &s->seeds, &s->nseeds);
    return rc;
}

/* The arrivals of a finished search: fills arr[t] for every target. */
static void search_arrivals(cpted_vda *v, cpted__vda_builder *b, const vda_search *sr,
                            cpted__rays *rays, const double w[4], const double *ray_len,
                            arrival *arr)
{
    const cpted__lattice *L = sr->L;
    const cpted_vehicle *k = &sr->kin;
    double cell = sr->cell;
    for (size_t t = 0; t < v->target_count; t++) {
        const cpted__vda_target *tg = &v->targets[t];
        arrival *a = &arr[t];
        memset(a, 0, sizeof *a);
        a->state = -1;
        cpted__lattice_goal goal = {tg->rec.x, tg->rec.y, b->in[t].rho_m,
                                    tg->nx != 0 || tg->ny != 0, tg->nx, tg->ny};
        cpted__lattice_hit hit;
        if (isfinite(goal.rho_m) && cpted__lattice_best_arrival(L, &goal, &hit))
            take_lattice_hit(a, &hit, cell);
        /* the last leg as a long straight at any angle from a lattice state (a
         * passage no heading follows), along rays every RAY_LEG_STEP_DEG */
        if (isfinite(goal.rho_m)) {
            double best = a->found ? hit.v_mps : 0.0, diag = hypot(w[2] - w[0], w[3] - w[1]);
            bool by_leg = false;
            int steps = (int)lround(360.0 / RAY_LEG_STEP_DEG);
            for (int s = 0; s < steps; s++) {
                double ang = s * RAY_LEG_STEP_DEG * CPTED__PI / 180.0;
                double len = ray_at(rays, tg, goal.rho_m, diag, ang);
                if (!(len > 0))
                    continue;
                double ux = cos(ang), uy = sin(ang);
                cpted__lattice_hit h2;
                if (cpted__lattice_best_on_ray(L, tg->rec.x - ux * (goal.rho_m + 1e-6),
                                               tg->rec.y - uy * (goal.rho_m + 1e-6), ux, uy, len,
                                               &best, &h2)) {
                    take_lattice_hit(a, &h2, cell);
                    by_leg = true;
                }
            }
            if (by_leg) /* the path before the leg, once for the best */
                a->runup_m += cpted__lattice_runup(L, a->state);
        }
        /* the exact straight, when longer */
        if (ray_len[2 * t] >= 0) {
            double sp = 0;
            if (cpted_vehicle_speed_after(&sp, k, 0, ray_len[2 * t]) == CPTED_OK &&
                (!a->found || sp >= a->v_mps)) {
                a->found = true;
                a->by_ray = true;
                a->v_mps = sp;
                a->runup_m = ray_len[2 * t];
                a->ux = cos(ray_len[2 * t + 1]);
                a->uy = sin(ray_len[2 * t + 1]);
                a->state = -1;
            }
        }
        if (a->found && a->v_mps > k->vmax_mps)
            a->v_mps = k->vmax_mps;
    }
}

/* Searches run on the caller's thread and at most one more, each search
 * and then its arrivals taken whole by the thread that is free first. A
 * search's result does not depend on the thread that ran it, nor on what runs
 * beside it (each has labels of its own; the geometry they share is only
 * read; each thread queries R through rays of its own), so the result is the
 * same bytes as with one thread. */
typedef struct search_pool {
    vda_search *s;
    int n;
    cpted_vda *v;
    cpted__vda_builder *b;
    const double *w, *ray_len;
    cpted__rays *rays[2];      /* the caller's, the worker's */
    _Atomic int next;          /* the next search to take */
    _Atomic int stop;          /* interrupted: the searches stop */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool worker_done;          /* under mu */
} search_pool;

static void pool_work(search_pool *p, bool worker)
{
    for (;;) {
        int i = p->next++;
        if (i >= p->n)
            return;
        vda_search *s = &p->s[i];
        cpted__lattice_set_stop(s->L, &p->stop, worker);
        s->rc = p->stop ? CPTED_E_INTERRUPTED
                        : cpted__lattice_search(s->L, s->seeds, s->nseeds, s->threads);
        cpted__lattice_set_stop(s->L, NULL, false); /* the flag is this call's */
        if (s->rc == CPTED_OK)
            search_arrivals(p->v, p->b, s, p->rays[worker], p->w, p->ray_len, s->out);
    }
}

static void *pool_main(void *arg)
{
    search_pool *p = arg;
    pool_work(p, true);
    pthread_mutex_lock(&p->mu);
    p->worker_done = true;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int run_searches(cpted_vda *v, cpted__vda_builder *b, vda_search *s, int n, int threads,
                        cpted__rays *rays, const double w[4], const double *ray_len)
{
    cpted_context *ctx = v->ctx;
    search_pool p;
    memset(&p, 0, sizeof p);
    p.s = s;
    p.n = n;
    p.v = v;
    p.b = b;
    p.w = w;
    p.ray_len = ray_len;
    p.rays[0] = rays;
    p.next = 0;
    p.stop = 0;
    if (threads > 1 && n > 1) {
        int rc = cpted__rays_share(&p.rays[1], ctx, rays);
        if (rc != CPTED_OK)
            return rc;
    }
    int made = 0; /* 1 mutex, 2 cond, 3 thread */
    pthread_t worker;
    if (p.rays[1] && pthread_mutex_init(&p.mu, NULL) == 0 && ++made &&
        pthread_cond_init(&p.cv, NULL) == 0 && ++made &&
        pthread_create(&worker, NULL, pool_main, &p) == 0)
        made++;
    pool_work(&p, false);
    if (made == 3) {
        /* the worker's searches do not call the context: the interrupt
         * callback is asked here while they run */
        pthread_mutex_lock(&p.mu);
        while (!p.worker_done) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 20 * 1000 * 1000;
            if (until.tv_nsec >= 1000 * 1000 * 1000) {
                until.tv_sec++;
                until.tv_nsec -= 1000 * 1000 * 1000;
            }
            pthread_cond_timedwait(&p.cv, &p.mu, &until);
            if (!p.worker_done && !p.stop && cpted__interrupted(ctx))
                p.stop = 1;
        }
        pthread_mutex_unlock(&p.mu);
        pthread_join(worker, NULL);
    }
    if (made >= 2)
        pthread_cond_destroy(&p.cv);
    if (made >= 1)
        pthread_mutex_destroy(&p.mu);
    cpted__rays_free(p.rays[1]);
    for (int i = 0; i < n; i++) {
        if (s[i].rc == CPTED_E_INTERRUPTED)
            return cpted__error(ctx, CPTED_E_INTERRUPTED, "interrupted during the VDA search");
        if (s[i].rc != CPTED_OK)
            return s[i].rc; /* worded on the caller's thread: only its searches allocate */
    }
    return CPTED_OK;
}

/* The radius at which the cornering cap reaches vmax for the lowest friction
 * searched (the vehicle's, or 0.6 of the band): larger arcs add nothing. */
static double top_radius(const cpted_vehicle *k)
{
    double f = fmin(k->lateral_friction, 0.6);
    return k->vmax_mps * k->vmax_mps / (f * 9.80665);
}

/* ---- results ------------------------------------------------------------- */

static int fill_rating(cpted_vda *v, cpted__vda_target *tg, cpted__vda_kind kind)
{
    cpted_vda_target *r = &tg->rec;
    r->rated_mass_kg = r->rated_speed_kmh = r->rated_angle_deg = r->rated_penetration_m = NAN;
    r->barrier_id = NULL;
    r->rating = NULL;
    int32_t standard = CPTED_RATING_UNKNOWN;
    char cls[8] = "";
    bool usable = false;
    if (tg->element != CPTED__VDA_NO_FEATURE) {
        const cpted__feature *f = &v->site->features[tg->element];
        r->barrier_id = f->id;
        r->rating = f->rating;
        if (f->rating) {
            cpted_rating pr;
            pr.struct_size = sizeof pr;
            if (cpted_rating_parse(&pr, NULL, f->rating) == CPTED_OK) {
                standard = pr.standard;
                memcpy(cls, pr.vehicle_class, sizeof cls);
                r->rated_mass_kg = pr.mass_kg;
                r->rated_speed_kmh = pr.speed_kmh;
                r->rated_angle_deg = pr.angle_deg;
                r->rated_penetration_m = pr.penetration_m;
                usable = isfinite(pr.mass_kg) && isfinite(pr.speed_kmh);
            }
        }
    }
    if (!r->reachable) {
        r->ok = -1;
        return CPTED_OK;
    }
    if (tg->element != CPTED__VDA_NO_FEATURE)
        r->ok = usable && r->rated_speed_kmh >= r->speed_kmh &&
                r->rated_mass_kg >= v->vehicle.mass_kg;
    else
        /* on a line nothing stops the vehicle there: a breach; facades and
         * caller's points carry no barrier */
        r->ok = kind == CPTED__VDA_ON_LINE ? 0 : -1;
    tg->needed = cpted__rating_needed(standard, &v->vehicle, r->speed_kmh, cls);
    if (!tg->needed)
        return cpted__error(v->ctx, CPTED_E_NOMEM, "out of memory for a rating");
    r->needed_rating = tg->needed;
    return CPTED_OK;
}

/* The speed band over the variants of the kinematics (domain.md §2.2: a0 is
 * an engineering default, f 0.6 a normal road, 1.0 the unknown surface). */
static void variants(const cpted_vehicle *base, cpted_vehicle out[4])
{
    for (int i = 0; i < 4; i++)
        out[i] = *base;
    out[0].a0_mps2 = base->a0_mps2 * 0.8;
    out[1].a0_mps2 = base->a0_mps2 * 1.2;
    out[2].lateral_friction = 0.6;
    out[3].lateral_friction = 1.0;
}

static int set_path(cpted_vda *v, cpted__vda_target *tg, const cpted__lattice *L,
                    const arrival *a, double rho)
{
    double cx = tg->rec.x - a->ux * rho, cy = tg->rec.y - a->uy * rho; /* contact */
    if (a->by_ray) {
        tg->path_xy = cpted__malloc(4 * sizeof *tg->path_xy);
        if (!tg->path_xy)
            return cpted__error(v->ctx, CPTED_E_NOMEM, "out of memory for a VDA path");
        tg->path_xy[0] = cx - a->ux * a->runup_m;
        tg->path_xy[1] = cy - a->uy * a->runup_m;
        tg->path_xy[2] = cx;
        tg->path_xy[3] = cy;
        tg->path_n = 2;
        return CPTED_OK;
    }
    return cpted__lattice_path(L, a->state, cx, cy, &tg->path_xy, &tg->path_n);
}

static double kmh(double mps) { return mps * 3.6; }

/* Counts target t in a summary: its worst target (the fastest reachable) and ok
 * (0 when one target is not ok, 1 when every applicable one is). */
static void summary_count(cpted__vda_summary *s, const cpted__vda_target *tg, size_t t)
{
    s->rec.target_count++;
    if (tg->rec.reachable &&
        (s->rec.worst_target == (size_t)-1 || tg->rec.speed_kmh > s->rec.speed_kmh)) {
        s->rec.worst_target = t;
        s->rec.speed_kmh = tg->rec.speed_kmh;
        s->rec.energy_kj = tg->rec.energy_kj;
        s->rec.needed_rating = tg->rec.needed_rating;
    }
    if (tg->rec.ok == 0)
        s->rec.ok = 0;
    else if (tg->rec.ok == 1 && s->rec.ok == -1)
        s->rec.ok = 1;
}

static int summarize(cpted_vda *v)
{
    /* per element, in feature order; per line, in target order */
    for (size_t f = 0; f < v->site->feature_count; f++) {
        cpted__vda_summary *s = NULL;
        for (size_t t = 0; t < v->target_count; t++) {
            const cpted__vda_target *tg = &v->targets[t];
            if (tg->element != f)
                continue;
            if (!s) {
                if (!cpted__grow((void **)&v->elements, &v->element_cap, v->element_count + 1,
                                 sizeof *v->elements))
                    return cpted__error(v->ctx, CPTED_E_NOMEM, "out of memory");
                s = &v->elements[v->element_count++];
                memset(s, 0, sizeof *s);
                s->rec.struct_size = sizeof s->rec;
                s->rec.id = v->site->features[f].id;
                s->rec.rating = v->site->features[f].rating;
                s->rec.worst_target = (size_t)-1;
                s->rec.speed_kmh = s->rec.energy_kj = NAN;
                s->rec.ok = -1;
            }
            summary_count(s, tg, t);
        }
    }
    for (size_t t = 0; t < v->target_count; t++) {
        const cpted__vda_target *tg = &v->targets[t];
        if (!tg->rec.line_id)
            continue;
        cpted__vda_summary *s = NULL;
        for (size_t i = 0; i < v->line_count && !s; i++)
            if (strcmp(v->lines[i].rec.id, tg->rec.line_id) == 0)
                s = &v->lines[i];
        if (!s) {
            if (!cpted__grow((void **)&v->lines, &v->line_cap, v->line_count + 1,
                             sizeof *v->lines))
                return cpted__error(v->ctx, CPTED_E_NOMEM, "out of memory");
            s = &v->lines[v->line_count++];
            memset(s, 0, sizeof *s);
            s->rec.struct_size = sizeof s->rec;
            s->rec.id = tg->rec.line_id;
            s->rec.worst_target = (size_t)-1;
            s->rec.speed_kmh = s->rec.energy_kj = NAN;
            s->rec.ok = -1;
        }
        /* the weakest rating on the line: the lowest rated speed */
        if (tg->rec.rating && isfinite(tg->rec.rated_speed_kmh) &&
            (!s->rec.rating || tg->rec.rated_speed_kmh < s->weakest_kmh)) {
            s->rec.rating = tg->rec.rating;
            s->weakest_kmh = tg->rec.rated_speed_kmh;
        }
        summary_count(s, tg, t);
    }
    return CPTED_OK;
}

static void fill_speed(cpted_vda *v, cpted__vda_target *tg, const arrival *a)
{
    cpted_vda_target *r = &tg->rec;
    double m = v->vehicle.mass_kg;
    r->reachable = a->found;
    if (!a->found) {
        r->speed_mps = r->speed_kmh = r->energy_kj = r->angle_deg = r->energy_normal_kj =
            r->runup_m = NAN;
        return;
    }
    r->speed_mps = a->v_mps;
    r->speed_kmh = kmh(a->v_mps);
    r->energy_kj = 0.5 * m * a->v_mps * a->v_mps / 1000.0;
    r->runup_m = a->runup_m;
    if (tg->nx != 0 || tg->ny != 0) {
        double normal = fabs(a->ux * tg->nx + a->uy * tg->ny); /* sin of the angle to the line */
        normal = fmin(1.0, normal);
        if (normal < 1e-9)
            normal = 0; /* along the line: rounding of the heading, not an angle */
        r->angle_deg = asin(normal) * 180.0 / CPTED__PI;
        r->energy_normal_kj = r->energy_kj * normal * normal;
    } else {
        r->angle_deg = r->energy_normal_kj = NAN;
    }
}

/* The band's lattice (speeds only) and, when `shared` is given, three more
 * sharing its geometry: one per search run side by side. */
static int band_lattices(cpted_vda *v, const GEOSGeometry *reach, const double w[4], double cell,
                         cpted__lattice **lb, cpted__lattice *shared[3])
{
    int rc = cpted__lattice_new(lb, v->ctx, reach, w, cell, v->opts.headings,
                                v->vehicle.min_turn_radius_m, top_radius(&v->vehicle));
    if (rc == CPTED_OK) /* the band reports speeds only */
        rc = cpted__lattice_speeds_only(*lb);
    for (int i = 0; shared && i < 3 && rc == CPTED_OK; i++)
        rc = cpted__lattice_share(&shared[i], *lb);
    return rc;
}

static int run(cpted_vda *v)
{
    cpted_context *ctx = v->ctx;
    cpted__vda_builder b = {v, NULL, 0};
    cpted__rays *rays = NULL;
    cpted__lattice *L = NULL;
    arrival *arr = NULL, *var = NULL;
    double *ray_len = NULL;
    int rc = cpted__vda_build_targets(&b);
    if (rc != CPTED_OK)
        goto done;
    const char *fs_na = cpted_freespace_not_assessed(v->fs);
    if (fs_na || v->target_count == 0) {
        v->not_assessed =
            fs_na ? cpted__printf("not assessed: %s", fs_na)
                  : cpted__strdup("not assessed: no targets (the site has no line of protection "
                                  "and no asset, and no point was given)");
        if (!v->not_assessed) {
            rc = cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
            goto done;
        }
        for (size_t t = 0; t < v->target_count; t++) {
            cpted_vda_target *r = &v->targets[t].rec;
            r->assessed = 0;
            r->not_assessed = v->not_assessed;
            arrival none = {0};
            fill_speed(v, &v->targets[t], &none);
            r->speed_low_kmh = r->speed_high_kmh = NAN;
            r->rated_mass_kg = r->rated_speed_kmh = r->rated_angle_deg = r->rated_penetration_m =
                NAN;
            r->ok = -1;
        }
        rc = summarize(v);
        goto done;
    }
    const GEOSGeometry *reach = cpted__freespace_set(v->fs, CPTED_SPACE_REACHABLE);
    rc = cpted__rays_new(&rays, ctx, reach);
    if (rc == CPTED_OK)
        rc = contact_distances(v, &b, rays);
    if (rc != CPTED_OK)
        goto done;
    /* contact is possible up to half the vehicle width (plus a bollard's
     * radius, plus a cell); a target deeper inside something is shielded */
    double tol = fmax(v->opts.cell_m, 0.25);
    ray_len = cpted__malloc(2 * v->target_count * sizeof *ray_len);
    arr = cpted__calloc(v->target_count, sizeof *arr);
    var = cpted__calloc(4 * v->target_count, sizeof *var); /* the band's four searches */
    if (!ray_len || !arr || !var) {
        rc = cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA");
        goto done;
    }
    for (size_t t = 0; t < v->target_count; t++) {
        double limit = v->vehicle.width_m / 2 + b.in[t].core_r + tol;
        if (!(b.in[t].rho_m <= limit))
            b.in[t].rho_m = INFINITY; /* shielded: no contact possible */
        double ux = 0, uy = 0;
        double len = isfinite(b.in[t].rho_m)
                         ? best_ray(rays, &v->targets[t], b.in[t].rho_m, 1e5, &ux, &uy)
                         : -1;
        ray_len[2 * t] = len;
        ray_len[2 * t + 1] = atan2(uy, ux);
    }
    double w[4];
    if (!search_window(v, w)) {
        rc = cpted__error(ctx, CPTED_E_GEOMETRY, "vda: the search window is empty");
        goto done;
    }
    /* The main search, and the band's four on a lattice of twice the cell:
     * its relaxations (a wider free mask, a longer last leg) are larger, so
     * both ends of the band err upwards, the safe side, at a quarter of the
     * cost per search. The five are independent: on two threads they run side
     * by side, each on one, all lattices held at once (the main one on two
     * threads when there is no band); on one thread one after the other, one
     * lattice at a time (less memory). */
    int threads = threads_to_use(v);
    bool band = v->opts.sensitivity != 0, side_by_side = band && threads > 1;
    vda_search srch[5];
    int nsrch = band ? 5 : 1;
    cpted__lattice *LB = NULL, *shared[3] = {NULL, NULL, NULL}; /* the band's */
    memset(srch, 0, sizeof srch);
    cpted_vehicle k[4];
    variants(&v->vehicle, k);
    for (int i = 0; i < nsrch; i++) {
        srch[i].cell = i == 0 ? v->opts.cell_m : cpted__vda_band_cell(v->opts.cell_m);
        srch[i].kin = i == 0 ? v->vehicle : k[i - 1];
        srch[i].threads = side_by_side ? 1 : threads;
        srch[i].out = i == 0 ? arr : var + (size_t)(i - 1) * v->target_count;
    }
    rc = cpted__lattice_new(&L, ctx, reach, w, v->opts.cell_m, v->opts.headings,
                            v->vehicle.min_turn_radius_m, top_radius(&v->vehicle));
    srch[0].L = L;
    if (rc == CPTED_OK && side_by_side) {
        rc = band_lattices(v, reach, w, srch[1].cell, &LB, shared);
        for (int i = 1; i < nsrch; i++)
            srch[i].L = i == 1 ? LB : shared[i - 2];
    }
    for (int i = 0; i < (side_by_side ? nsrch : 1) && rc == CPTED_OK; i++)
        rc = search_prepare(v, &srch[i], rays, w);
    if (rc == CPTED_OK) {
        cpted__progress(ctx, 0.2, "vda search");
        rc = run_searches(v, &b, srch, side_by_side ? nsrch : 1, threads, rays, w, ray_len);
    }
    for (size_t t = 0; t < v->target_count && rc == CPTED_OK; t++) {
        cpted__vda_target *tg = &v->targets[t];
        tg->rec.assessed = 1;
        fill_speed(v, tg, &arr[t]);
        tg->rec.speed_low_kmh = tg->rec.speed_high_kmh = NAN;
        if (arr[t].found) {
            /* the band starts at the speed itself; NaN when it is not computed */
            if (band)
                tg->rec.speed_low_kmh = tg->rec.speed_high_kmh = tg->rec.speed_kmh;
            rc = set_path(v, tg, L, &arr[t], b.in[t].rho_m);
        }
        if (rc == CPTED_OK)
            rc = fill_rating(v, tg, b.in[t].kind);
    }
    if (rc == CPTED_OK && band && !side_by_side) {
        /* one thread: the main lattice is done with (its paths are drawn) */
        cpted__lattice_free(L);
        L = NULL;
        rc = band_lattices(v, reach, w, srch[1].cell, &LB, NULL);
        for (int i = 1; i < nsrch && rc == CPTED_OK; i++) {
            srch[i].L = LB;
            rc = search_prepare(v, &srch[i], rays, w);
            if (rc == CPTED_OK) {
                cpted__progress(ctx, 0.2 + 0.2 * i, "vda sensitivity");
                rc = run_searches(v, &b, &srch[i], 1, 1, rays, w, ray_len);
            }
        }
    }
    for (int i = 1; i < nsrch && rc == CPTED_OK; i++) {
        const arrival *vr = srch[i].out;
        for (size_t t = 0; t < v->target_count; t++) {
            cpted_vda_target *r = &v->targets[t].rec;
            if (!arr[t].found || !vr[t].found)
                continue;
            r->speed_low_kmh = fmin(r->speed_low_kmh, kmh(vr[t].v_mps));
            r->speed_high_kmh = fmax(r->speed_high_kmh, kmh(vr[t].v_mps));
        }
    }
    /* the band's lattices (the shared ones first); the main one (L) is freed at the end */
    for (int i = 0; i < 3; i++)
        cpted__lattice_free(shared[i]);
    cpted__lattice_free(LB);
    for (int i = 0; i < nsrch; i++)
        cpted__free(srch[i].seeds);
    /* Said with every result that has an approach (docs/method-vda.md §3): the
     * lattice's answer is the largest over its own paths, whatever the search
     * order, but on real sites its resolution is not proven to cover every
     * continuous path. */
    bool any_reached = false;
    for (size_t t = 0; t < v->target_count; t++)
        any_reached |= v->targets[t].rec.reachable != 0;
    if (rc == CPTED_OK && any_reached)
        rc = cpted__result_warn(&v->head,
                                "vda: approach speeds are the fastest paths of the state lattice; "
                                "checked against an independent lattice on simple sites, not "
                                "proven on real ones: through narrow passages a lattice can miss a "
                                "faster path (two lattice designs differ by up to 60 %% at a few "
                                "targets of the Helsinki extract; docs/method-vda.md §3)");
    if (rc == CPTED_OK)
        rc = summarize(v);
done:
    cpted__lattice_free(L);
    cpted__rays_free(rays);
    cpted__free(ray_len);
    cpted__free(arr);
    cpted__free(var);
    cpted__free(b.in);
    return rc;
}

/* ---- API ----------------------------------------------------------------- */

CPTED_API int CPTED_CALL cpted_vda_run(cpted_vda **out, cpted_freespace *fs,
                                       const cpted_vda_options *opts)
{
    if (out)
        *out = NULL;
    cpted_context *ctx;
    int rc = cpted__analysis_start_fs(&ctx, fs, out, "cpted_vda_run");
    if (rc != CPTED_OK)
        return rc;
    cpted_vda *v = cpted__calloc(1, sizeof *v);
    if (!v)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    cpted__result_init(&v->head, ctx, fs->site, fs);
    v->site = fs->site;
    v->ctx = ctx;
    v->fs = fs;
    v->vehicle = fs->vehicle;
    rc = resolve_options(ctx, opts, &v->opts);
    if (rc == CPTED_OK)
        rc = run(v);
    v->opts.points_xy = NULL; /* borrowed for the call only */
    if (rc != CPTED_OK) {
        cpted_vda_free(v);
        return rc;
    }
    *out = v;
    return CPTED_OK;
}

CPTED_API void CPTED_CALL cpted_vda_free(cpted_vda *result)
{
    if (!result)
        return;
    for (size_t i = 0; i < result->target_count; i++) {
        cpted__free(result->targets[i].id);
        cpted__free(result->targets[i].needed);
        cpted__free(result->targets[i].path_xy);
    }
    cpted__free(result->targets);
    cpted__free(result->elements);
    cpted__free(result->lines);
    cpted__free(result->not_assessed);
    cpted__result_fini(&result->head);
    cpted__free(result);
}

CPTED_API size_t CPTED_CALL cpted_vda_target_count(const cpted_vda *result)
{
    return result ? result->target_count : 0;
}

static int check_index(const cpted_vda *result, const void *out, size_t i, size_t count,
                       const char *what)
{
    if (!result)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(result->ctx, CPTED_E_INVALID, "vda %s: out is NULL", what);
    if (i >= count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND, "vda %s %zu does not exist (%zu)",
                            what, i, count);
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_vda_get_target(cpted_vda_target *out, const cpted_vda *result,
                                              size_t i)
{
    int rc = check_index(result, out, i, result ? result->target_count : 0, "target");
    if (rc != CPTED_OK)
        return rc;
    return cpted__copy_record(result->ctx, out, &result->targets[i].rec, sizeof *out,
                              CPTED_VDA_TARGET_V1_SIZE, "VDA target record");
}

CPTED_API int CPTED_CALL cpted_vda_get_path_wkb(unsigned char **out, size_t *size_out,
                                                const cpted_vda *result, size_t i)
{
    int rc = check_index(result, out, i, result ? result->target_count : 0, "target");
    if (rc != CPTED_OK)
        return rc;
    cpted_context *ctx = result->ctx;
    const cpted__vda_target *tg = &result->targets[i];
    GEOSGeometry *g = tg->path_n >= 2 ? cpted__line_from_xy(ctx, tg->path_xy, tg->path_n)
                                      : GEOSGeom_createEmptyLineString_r(ctx->geos);
    if (!g)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for a VDA path");
    rc = cpted__geom_to_wkb(ctx, g, out, size_out);
    GEOSGeom_destroy_r(ctx->geos, g);
    return rc;
}

GEOSGeometry *cpted__vda_corridor(const cpted_vda *v, size_t i)
{
    cpted_context *ctx = v->ctx;
    const cpted__vda_target *tg = &v->targets[i];
    if (tg->path_n < 2)
        return cpted__empty_polygon(ctx);
    GEOSGeometry *line = cpted__line_from_xy(ctx, tg->path_xy, tg->path_n);
    if (!line) {
        cpted__error(ctx, CPTED_E_NOMEM, "out of memory for a VDA corridor");
        return NULL;
    }
    /* circumscribed: the corridor is never narrower than the vehicle */
    int q = v->fs->opts.quadrant_segments;
    GEOSGeometry *c = GEOSBuffer_r(ctx->geos, line,
                                   cpted__circumscribed(v->vehicle.width_m / 2,
                                                        CPTED__OUTER_SEGMENTS(q)),
                                   CPTED__OUTER_SEGMENTS(q));
    GEOSGeom_destroy_r(ctx->geos, line);
    if (!c)
        cpted__geos_fail(ctx, "vda", "corridor buffer");
    return c;
}

CPTED_API int CPTED_CALL cpted_vda_get_corridor_wkb(unsigned char **out, size_t *size_out,
                                                    const cpted_vda *result, size_t i)
{
    int rc = check_index(result, out, i, result ? result->target_count : 0, "target");
    if (rc != CPTED_OK)
        return rc;
    GEOSGeometry *c = cpted__vda_corridor(result, i);
    if (!c)
        return CPTED_E_GEOMETRY;
    rc = cpted__geom_to_wkb(result->ctx, c, out, size_out);
    GEOSGeom_destroy_r(result->ctx->geos, c);
    return rc;
}

CPTED_API size_t CPTED_CALL cpted_vda_element_count(const cpted_vda *result)
{
    return result ? result->element_count : 0;
}

/* Record i of one of the summary lists. */
static int get_summary(cpted_vda_summary *out, const cpted_vda *result,
                       const cpted__vda_summary *list, size_t count, size_t i, const char *what)
{
    int rc = check_index(result, out, i, count, what);
    if (rc != CPTED_OK)
        return rc;
    return cpted__copy_record(result->ctx, out, &list[i].rec, sizeof *out,
                              CPTED_VDA_SUMMARY_V1_SIZE, "VDA summary record");
}

CPTED_API int CPTED_CALL cpted_vda_get_element(cpted_vda_summary *out, const cpted_vda *result,
                                               size_t i)
{
    return get_summary(out, result, result ? result->elements : NULL,
                       result ? result->element_count : 0, i, "element");
}

CPTED_API size_t CPTED_CALL cpted_vda_line_count(const cpted_vda *result)
{
    return result ? result->line_count : 0;
}

CPTED_API int CPTED_CALL cpted_vda_get_line(cpted_vda_summary *out, const cpted_vda *result,
                                            size_t i)
{
    return get_summary(out, result, result ? result->lines : NULL,
                       result ? result->line_count : 0, i, "line");
}

CPTED_API const char *CPTED_CALL cpted_vda_not_assessed(const cpted_vda *result)
{
    return result ? result->not_assessed : NULL;
}

CPTED_API size_t CPTED_CALL cpted_vda_finding_count(const cpted_vda *result)
{
    if (!result)
        return 0;
    size_t n = result->not_assessed ? 1 : 0;
    for (size_t i = 0; i < result->target_count; i++)
        n += result->targets[i].rec.reachable && result->targets[i].rec.ok == 0;
    return n;
}

CPTED_API size_t CPTED_CALL cpted_vda_warning_count(const cpted_vda *result)
{
    return result ? cpted__result_warning_count(&result->head) : 0;
}

CPTED_API const char *CPTED_CALL cpted_vda_warning(const cpted_vda *result, size_t i)
{
    return result ? cpted__result_warning(&result->head, i) : NULL;
}

CPTED_API cpted_freespace *CPTED_CALL cpted_vda_freespace(const cpted_vda *result)
{
    return result ? result->fs : NULL;
}
