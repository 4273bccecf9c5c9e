/* lattice.c - the state-lattice search of the vehicle dynamics assessment
 * (architecture.md §8 (a), docs/method-vda.md §3).
 *
 * States are (cell, heading): square cells of side h over a window of the
 * reachable space R, K headings θk = 2πk/K. Each state keeps the fastest
 * arrival found so far with its exact pose (continuous x, y; heading θk), its
 * run-up and its predecessor. Moves from a pose: a straight step of length
 * h·STRAIGHT_CELLS along θk, or a circular arc turning by ±2π/K at one of the
 * radii r_min·RADIUS_FACTORS (a growing-radius exit out of a bend is a chain
 * of such arcs with straights between). The speed at the end of a move is
 * the exact closed form on straights; on arcs dv/ds = a_long/v with the
 * friction circle a_long = min(a(v), sqrt((f g)² − (v²/r)²)), entered at no
 * more than the cap sqrt(f g r) (braking before a bend is free: the safe
 * side). A move is allowed when every sample along it lies in a free mask
 * cell; the mask has cells of h/MASK_SUB and a cell is free when it meets R
 * (so the vehicle may stray up to h/MASK_SUB·√2 outside R: the safe side).
 * Labels start at standstill in every state and propagate by Gauss-Seidel
 * sweeps, heading by heading, to the fixed point (speeds only rise and are
 * bounded by vmax, so it ends). Which fixed point depends on the sweep order
 * (a state keeps the pose of its fastest arrival, and a faster arrival's pose
 * can have fewer ways on): the order is fixed, and two threads reproduce the
 * one-thread order exactly (docs/method-vda.md §3).
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MASK_SUB 4            /* mask cells per lattice cell side */
#define STRAIGHT_CELLS 2.0    /* straight step, in lattice cells */
#define SAMPLE_STEP_CELLS 1.0 /* collision samples along a move, at most this apart (in
                                 mask cells: every mask cell a move crosses is looked at
                                 up to the corners) */
#define TABLE_STEP_MPS 0.01   /* speed grid of the transfer tables */
#define IMPROVE_MPS 1e-4      /* smaller gains are not propagated */
#define G_MPS2 9.80665

/* Arc radii: from the minimum turning radius up in steps of RADIUS_STEP, to the
 * radius at which the cornering cap reaches vmax (the caller's r_top); an arc
 * is capped as if it had the next radius of the set (its cap and friction
 * circle), so a continuous bend of any radius between two of the set is never
 * slower in the lattice than it is (the safe side of the radius steps). */
#define RADIUS_STEP 1.25
#define ARC_REACH 8.0  /* arcs up to this many times the radius the speed needs */
#define MAX_RADII 40
#define PRIM_COUNT (1 + 2 * MAX_RADII)

typedef struct move {
    int dk;                    /* heading change in steps: 0, +1 (left), -1 (right) */
    double length_m;
    double radius_m;           /* 0 for the straight */
    double cap_radius_m;       /* the radius its speed is capped with (the next one up) */
} move;

/* The label of a state: the fastest arrival found so far. */
typedef struct label {
    float px, py;              /* pose, relative to (x0, y0) */
    float v;                   /* arrival speed, < 0: unreached */
    float runup;
    int32_t pred;
} label;

struct cpted__lattice {
    cpted_context *ctx;
    int K;
    double h, hm;              /* lattice and mask cell sides */
    double inv_h, inv_hm;      /* their inverses (the sweeps multiply) */
    double x0, y0;             /* lower-left corner of the window */
    int nx, ny;                /* lattice cells */
    int mnx, mny;              /* mask cells */
    uint8_t *mask;             /* 1: the mask cell meets R */
    uint16_t *clear;           /* per mask cell: distance to the nearest blocked mask cell, in
                                  mask cells (chamfer 3-4, an underestimate), saturated */
    int32_t *cell_state;       /* per lattice cell: its compact index c, or -1; state (c, k) is
                                  k * ncell + c (heading-major: a sweep along one heading walks
                                  its labels in memory order) */
    size_t ncell;              /* lattice cells with states */
    int32_t *cell_of;          /* per compact cell: its lattice cell index */
    size_t nstate;
    label *lab;                /* per state: its label (one record, one cache line to fetch) */
    float *seed_px, *seed_py;  /* per compact cell: its standstill pose */
    /* moves */
    move moves[PRIM_COUNT];
    int nmove;
    double *end_dx, *end_dy;   /* [k * nmove + m] */
    int *sample_start;         /* [k * nmove + m], CSR into sample_dx/dy */
    double *sample_dx, *sample_dy;
    /* speed transfer per move: table[i * nmove + m] = speed after move m from i*dv (the
       moves of one entry speed side by side: a state's moves read two short rows) */
    float *table;
    int ntab;
    double vmax;
    double inv_fg;             /* 1 / (f g) of the current kinematics */
    cpted_vehicle kin;         /* the kinematics of the current tables */
};

/* ---- the mask: which small cells meet R ---------------------------------- */

typedef struct crossing {
    int row;
    double x;
} crossing;

static int cmp_crossing(const void *a, const void *b)
{
    const crossing *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return p->x < q->x ? -1 : p->x > q->x ? 1 : 0;
}

/* Marks the mask cells a segment passes through (walks its cells in order). */
static void mark_segment(cpted__lattice *L, double ax, double ay, double bx, double by)
{
    double gx = (ax - L->x0) / L->hm, gy = (ay - L->y0) / L->hm;
    double ex = (bx - L->x0) / L->hm, ey = (by - L->y0) / L->hm;
    double len = hypot(ex - gx, ey - gy);
    int n = (int)ceil(len * 2.0) + 1;
    /* samples at half a cell, plus the cells diagonal steps skip */
    int pi = INT32_MIN, pj = INT32_MIN;
    for (int s = 0; s <= n; s++) {
        double t = (double)s / n;
        int i = (int)floor(gx + (ex - gx) * t), j = (int)floor(gy + (ey - gy) * t);
        for (int di = 0; di <= (pi != INT32_MIN && pi != i ? 1 : 0); di++)
            for (int dj = 0; dj <= (pj != INT32_MIN && pj != j ? 1 : 0); dj++) {
                int ci = di ? pi : i, cj = dj ? pj : j;
                if (ci >= 0 && cj >= 0 && ci < L->mnx && cj < L->mny)
                    L->mask[(size_t)cj * L->mnx + ci] = 1;
            }
        pi = i;
        pj = j;
    }
}

static int ring_coords(cpted_context *ctx, const GEOSGeometry *ring, double **xy, unsigned int *n)
{
    *xy = cpted__line_coords(ctx, ring, n);
    return *xy ? CPTED_OK : CPTED_E_NOMEM;
}

/* Fills the mask from R: cells whose centre is inside (scanlines, even-odd
 * over all rings), then every cell a boundary segment crosses. */
static int rasterize(cpted__lattice *L, const GEOSGeometry *reach)
{
    cpted_context *ctx = L->ctx;
    crossing *cr = NULL;
    size_t ncr = 0, capcr = 0;
    int rc = CPTED_OK;
    int parts = GEOSGetNumGeometries_r(ctx->geos, reach);
    for (int pass = 0; pass < 2 && rc == CPTED_OK; pass++) {
        for (int p = 0; p < parts && rc == CPTED_OK; p++) {
            const GEOSGeometry *pg = GEOSGetGeometryN_r(ctx->geos, reach, p);
            if (GEOSGeomTypeId_r(ctx->geos, pg) != GEOS_POLYGON || GEOSisEmpty_r(ctx->geos, pg))
                continue;
            int holes = GEOSGetNumInteriorRings_r(ctx->geos, pg);
            for (int h = -1; h < holes && rc == CPTED_OK; h++) {
                const GEOSGeometry *ring = h < 0 ? GEOSGetExteriorRing_r(ctx->geos, pg)
                                                 : GEOSGetInteriorRingN_r(ctx->geos, pg, h);
                double *xy = NULL;
                unsigned int n = 0;
                rc = ring_coords(ctx, ring, &xy, &n);
                for (unsigned int i = 0; rc == CPTED_OK && i + 1 < n; i++) {
                    double ax = xy[2 * i], ay = xy[2 * i + 1];
                    double bx = xy[2 * i + 2], by = xy[2 * i + 3];
                    if (pass == 1) {
                        mark_segment(L, ax, ay, bx, by);
                        continue;
                    }
                    /* rows whose centre line y_c lies in [min, max) of the edge */
                    double lo = fmin(ay, by), hi = fmax(ay, by);
                    int r0 = (int)ceil((lo - L->y0) / L->hm - 0.5);
                    int r1 = (int)ceil((hi - L->y0) / L->hm - 0.5) - 1;
                    if (r0 < 0)
                        r0 = 0;
                    if (r1 >= L->mny)
                        r1 = L->mny - 1;
                    for (int r = r0; r <= r1; r++) {
                        double yc = L->y0 + (r + 0.5) * L->hm;
                        if (!cpted__grow((void **)&cr, &capcr, ncr + 1, sizeof *cr)) {
                            rc = CPTED_E_NOMEM;
                            break;
                        }
                        cr[ncr++] = (crossing){r, ax + (yc - ay) * (bx - ax) / (by - ay)};
                    }
                }
                cpted__free(xy);
            }
        }
        if (pass == 0 && rc == CPTED_OK) {
            if (ncr)
                qsort(cr, ncr, sizeof *cr, cmp_crossing);
            for (size_t i = 0; i + 1 < ncr; i += 2) {
                if (cr[i].row != cr[i + 1].row) { /* unpaired: rounding at a vertex */
                    i--;
                    continue;
                }
                int c0 = (int)ceil((cr[i].x - L->x0) / L->hm - 0.5);
                int c1 = (int)ceil((cr[i + 1].x - L->x0) / L->hm - 0.5) - 1;
                if (c0 < 0)
                    c0 = 0;
                if (c1 >= L->mnx)
                    c1 = L->mnx - 1;
                if (c0 <= c1)
                    memset(&L->mask[(size_t)cr[i].row * L->mnx + c0], 1, (size_t)(c1 - c0 + 1));
            }
        }
    }
    cpted__free(cr);
    return rc == CPTED_OK ? CPTED_OK
                          : cpted__error(ctx, CPTED_E_NOMEM, "out of memory rasterizing R");
}

static inline bool mask_free(const cpted__lattice *L, double x, double y)
{
    double gx = x * L->inv_hm, gy = y * L->inv_hm;
    if (!(gx >= 0 && gy >= 0 && gx < L->mnx && gy < L->mny))
        return false;
    return L->mask[(size_t)(int)gy * L->mnx + (size_t)(int)gx] != 0;
}

/* Chamfer distance transform of the mask (weights 3 and 4 per mask cell,
 * so value/3 never exceeds the Euclidean distance in cells): a move shorter
 * than the clearance at its start cannot leave the free cells. */
static int compute_clearance(cpted__lattice *L)
{
    size_t n = (size_t)L->mnx * L->mny;
    L->clear = cpted__malloc(n * sizeof *L->clear);
    if (!L->clear)
        return CPTED_E_NOMEM;
    const uint16_t big = UINT16_MAX - 8;
    for (size_t i = 0; i < n; i++)
        L->clear[i] = L->mask[i] ? big : 0;
    int W = L->mnx, H = L->mny;
#define CL(i, j) L->clear[(size_t)(j) * W + (i)]
#define RELAX(i, j, d) do { uint16_t c_ = (uint16_t)(d); if (c_ < cur) cur = c_; } while (0)
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++) {
            uint16_t cur = CL(i, j);
            if (!cur)
                continue;
            /* the window's edge counts as blocked: nothing is known beyond it */
            if (i == 0 || j == 0 || i == W - 1 || j == H - 1)
                cur = 1;
            if (i > 0)
                RELAX(i, j, CL(i - 1, j) + 3);
            if (j > 0) {
                RELAX(i, j, CL(i, j - 1) + 3);
                if (i > 0)
                    RELAX(i, j, CL(i - 1, j - 1) + 4);
                if (i < W - 1)
                    RELAX(i, j, CL(i + 1, j - 1) + 4);
            }
            CL(i, j) = cur;
        }
    for (int j = H - 1; j >= 0; j--)
        for (int i = W - 1; i >= 0; i--) {
            uint16_t cur = CL(i, j);
            if (!cur)
                continue;
            if (i < W - 1)
                RELAX(i, j, CL(i + 1, j) + 3);
            if (j < H - 1) {
                RELAX(i, j, CL(i, j + 1) + 3);
                if (i < W - 1)
                    RELAX(i, j, CL(i + 1, j + 1) + 4);
                if (i > 0)
                    RELAX(i, j, CL(i - 1, j + 1) + 4);
            }
            CL(i, j) = cur;
        }
#undef RELAX
#undef CL
    return CPTED_OK;
}

/* Clearance at a pose in metres (0 outside the mask). */
static inline double clearance_m(const cpted__lattice *L, double x, double y)
{
    double gx = x * L->inv_hm, gy = y * L->inv_hm;
    if (!(gx >= 0 && gy >= 0 && gx < L->mnx && gy < L->mny))
        return 0;
    /* the pose may sit anywhere in its cell: one cell less */
    double c = L->clear[(size_t)(int)gy * L->mnx + (size_t)(int)gx] / 3.0 - 1.0;
    return c > 0 ? c * L->hm : 0;
}

/* ---- moves --------------------------------------------------------------- */

static int build_moves(cpted__lattice *L, double r_min, double r_top)
{
    double dtheta = 2.0 * CPTED__PI / L->K;
    L->nmove = 0;
    L->moves[L->nmove++] = (move){0, L->h * STRAIGHT_CELLS, 0.0, 0.0};
    double r = r_min;
    for (int i = 0; i < MAX_RADII; i++) {
        L->moves[L->nmove++] = (move){+1, r * dtheta, r, r * RADIUS_STEP};
        L->moves[L->nmove++] = (move){-1, r * dtheta, r, r * RADIUS_STEP};
        if (r >= r_top)
            break;
        r *= RADIUS_STEP;
    }
    size_t nkm = (size_t)L->K * L->nmove;
    L->end_dx = cpted__calloc(nkm, sizeof *L->end_dx);
    L->end_dy = cpted__calloc(nkm, sizeof *L->end_dy);
    L->sample_start = cpted__calloc(nkm + 1, sizeof *L->sample_start);
    if (!L->end_dx || !L->end_dy || !L->sample_start)
        return CPTED_E_NOMEM;
    double step = L->hm * SAMPLE_STEP_CELLS;
    size_t total = 0;
    for (int m = 0; m < L->nmove; m++)
        total += (size_t)L->K * (size_t)(ceil(L->moves[m].length_m / step) + 1);
    L->sample_dx = cpted__malloc(total * sizeof *L->sample_dx);
    L->sample_dy = cpted__malloc(total * sizeof *L->sample_dy);
    if (!L->sample_dx || !L->sample_dy)
        return CPTED_E_NOMEM;
    size_t at = 0;
    for (int k = 0; k < L->K; k++) {
        double th = k * dtheta;
        for (int m = 0; m < L->nmove; m++) {
            const move *mv = &L->moves[m];
            size_t km = (size_t)k * L->nmove + m;
            L->sample_start[km] = (int)at;
            int ns = (int)ceil(mv->length_m / step);
            for (int s = 1; s <= ns; s++) {
                double frac = (double)s / ns, dx, dy;
                if (mv->dk == 0) {
                    dx = mv->length_m * frac * cos(th);
                    dy = mv->length_m * frac * sin(th);
                } else {
                    double phi = dtheta * frac, sg = mv->dk;
                    dx = mv->radius_m * sg * (sin(th + sg * phi) - sin(th));
                    dy = mv->radius_m * sg * (cos(th) - cos(th + sg * phi));
                }
                L->sample_dx[at] = dx;
                L->sample_dy[at] = dy;
                at++;
            }
            L->end_dx[km] = L->sample_dx[at - 1];
            L->end_dy[km] = L->sample_dy[at - 1];
        }
    }
    L->sample_start[nkm] = (int)at;
    return CPTED_OK;
}

/* Longitudinal acceleration on an arc of radius r at speed v: the friction
 * circle shares the grip f g between cornering v²/r and a(v). */
static double arc_accel(const cpted_vehicle *k, double fg, double r, double v)
{
    double lat = v * v / r;
    double grip = fg * fg - lat * lat;
    return fmin(k->a0_mps2 * (1.0 - v / k->vmax_mps), grip > 0 ? sqrt(grip) : 0.0);
}

/* dist[i]: the arc length an arc of radius r needs to bring the vehicle from
 * standstill to speed i*dv (the ODE dv/ds = a_long/v is autonomous, so the
 * speed after any arc from any v0 is V(S(v0) + len), as on a straight);
 * +inf at and above the cap sqrt(f g r). Midpoint rule in v² on 8 sub-steps
 * per speed step (ds = d(v²) / (2 a_long)). */
static void arc_distances(const cpted_vehicle *k, double r, int ntab, double *dist)
{
    double fg = k->lateral_friction * G_MPS2, cap = sqrt(fg * r);
    dist[0] = 0.0;
    for (int i = 1; i < ntab; i++) {
        double v0 = (i - 1) * TABLE_STEP_MPS, v1 = i * TABLE_STEP_MPS;
        if (v1 >= cap || v1 >= k->vmax_mps || !isfinite(dist[i - 1])) {
            dist[i] = INFINITY;
            continue;
        }
        double u0 = v0 * v0, u1 = v1 * v1, sum = 0.0;
        for (int j = 0; j < 8; j++) {
            double um = u0 + (u1 - u0) * (j + 0.5) / 8.0;
            double a = arc_accel(k, fg, r, sqrt(um));
            sum += a > 0 ? (u1 - u0) / 8.0 / (2.0 * a) : INFINITY;
        }
        dist[i] = dist[i - 1] + sum;
    }
}

/* Speed after an arc of length len entered at v0 (braking to the cap first),
 * from the distance table: the v whose distance is dist(v0) + len. */
static double arc_speed(const cpted_vehicle *k, double r, const double *dist, int ntab, double len,
                        double v0)
{
    double fg = k->lateral_friction * G_MPS2, cap = fmin(sqrt(fg * r), k->vmax_mps);
    double v = fmin(v0, cap);
    double g = v / TABLE_STEP_MPS;
    int i = (int)g;
    if (i >= ntab - 1 || !isfinite(dist[i + 1]))
        return v; /* within a step of the cap: it holds */
    double s0 = dist[i] + (g - i) * (dist[i + 1] - dist[i]) + len;
    /* first index whose distance reaches s0 */
    int lo = i, hi = ntab - 1;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (dist[mid] < s0)
            lo = mid;
        else
            hi = mid;
    }
    if (!isfinite(dist[hi]))
        return cap; /* reaches the cap within the arc */
    double frac = (s0 - dist[lo]) / (dist[hi] - dist[lo]);
    return fmin(cap, (lo + frac) * TABLE_STEP_MPS);
}

int cpted__lattice_set_kinematics(cpted__lattice *L, const cpted_vehicle *k)
{
    L->kin = *k;
    L->vmax = k->vmax_mps;
    L->inv_fg = 1.0 / (k->lateral_friction * G_MPS2);
    int ntab = (int)ceil(k->vmax_mps / TABLE_STEP_MPS) + 2;
    if (ntab != L->ntab) {
        cpted__free(L->table);
        L->table = cpted__malloc((size_t)ntab * L->nmove * sizeof *L->table);
        if (!L->table)
            return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for the VDA speed tables");
        L->ntab = ntab;
    }
    double *dist = cpted__malloc((size_t)ntab * sizeof *dist);
    if (!dist)
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for the VDA speed tables");
    for (int m = 0; m < L->nmove; m++) {
        const move *mv = &L->moves[m];
        /* left and right arcs of a radius share one distance table */
        if (mv->dk != 0 && !(m > 0 && L->moves[m - 1].dk != 0 &&
                             L->moves[m - 1].cap_radius_m == mv->cap_radius_m))
            arc_distances(k, mv->cap_radius_m, ntab, dist);
        for (int i = 0; i < ntab; i++) {
            double v0 = fmin(i * TABLE_STEP_MPS, k->vmax_mps * (1.0 - 1e-12));
            double v1 = v0;
            if (mv->dk == 0) {
                if (cpted_vehicle_speed_after(&v1, k, v0, mv->length_m) != CPTED_OK)
                    v1 = v0;
            } else {
                v1 = arc_speed(k, mv->cap_radius_m, dist, ntab, mv->length_m, v0);
            }
            L->table[(size_t)i * L->nmove + m] = (float)v1;
        }
    }
    cpted__free(dist);
    return CPTED_OK;
}

/* The rows of the transfer tables around entry speed v0: speed after move m
 * is row[m] + frac * (next[m] - row[m]) (at the top of the table, row[m]). */
typedef struct transfer_rows {
    const float *row, *next;
    double frac;
} transfer_rows;

static inline transfer_rows transfer_at(const cpted__lattice *L, double v0)
{
    double g = v0 * (1.0 / TABLE_STEP_MPS);
    int i = (int)g;
    transfer_rows r;
    if (i >= L->ntab - 1) {
        r.row = r.next = &L->table[(size_t)(L->ntab - 1) * L->nmove];
        r.frac = 0.0;
    } else {
        r.row = &L->table[(size_t)i * L->nmove];
        r.next = r.row + L->nmove;
        r.frac = g - i;
    }
    return r;
}

static inline double transfer(const transfer_rows *r, int m)
{
    return r->row[m] + r->frac * (r->next[m] - r->row[m]);
}

/* ---- construction -------------------------------------------------------- */

void cpted__lattice_free(cpted__lattice *L)
{
    if (!L)
        return;
    cpted__free(L->mask);
    cpted__free(L->cell_state);
    cpted__free(L->cell_of);
    cpted__free(L->lab);
    cpted__free(L->clear);
    cpted__free(L->seed_px);
    cpted__free(L->seed_py);
    cpted__free(L->end_dx);
    cpted__free(L->end_dy);
    cpted__free(L->sample_start);
    cpted__free(L->sample_dx);
    cpted__free(L->sample_dy);
    cpted__free(L->table);
    cpted__free(L);
}

int cpted__lattice_new(cpted__lattice **out, cpted_context *ctx, const GEOSGeometry *reach,
                       const double window[4], double cell_m, int headings,
                       double min_turn_radius_m, double top_radius_m)
{
    *out = NULL;
    cpted__lattice *L = cpted__calloc(1, sizeof *L);
    if (!L)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA lattice");
    L->ctx = ctx;
    L->K = headings;
    L->h = cell_m;
    L->hm = cell_m / MASK_SUB;
    L->inv_h = 1.0 / L->h;
    L->inv_hm = 1.0 / L->hm;
    L->x0 = window[0];
    L->y0 = window[1];
    L->nx = (int)ceil((window[2] - window[0]) / cell_m);
    L->ny = (int)ceil((window[3] - window[1]) / cell_m);
    if (L->nx < 1)
        L->nx = 1;
    if (L->ny < 1)
        L->ny = 1;
    double cells = (double)L->nx * L->ny;
    if (cells * headings > 2.0e9 || cells * MASK_SUB * MASK_SUB > 4.0e9) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_RANGE,
                            "VDA window %.0f m x %.0f m is too large for cell_m %g and %d "
                            "headings (%.3g states): use a larger cell or a smaller window",
                            window[2] - window[0], window[3] - window[1], cell_m, headings,
                            cells * headings);
    }
    L->mnx = L->nx * MASK_SUB;
    L->mny = L->ny * MASK_SUB;
    L->mask = cpted__calloc((size_t)L->mnx * L->mny, 1);
    L->cell_state = cpted__malloc((size_t)L->nx * L->ny * sizeof *L->cell_state);
    if (!L->mask || !L->cell_state) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA lattice");
    }
    int rc = rasterize(L, reach);
    if (rc != CPTED_OK) {
        cpted__lattice_free(L);
        return rc;
    }
    /* a lattice cell has states when one of its mask cells is free; its seed
     * pose is the free mask cell centre nearest to the cell centre */
    L->ncell = 0;
    for (int j = 0; j < L->ny; j++)
        for (int i = 0; i < L->nx; i++) {
            bool any = false;
            for (int b = 0; b < MASK_SUB && !any; b++)
                any = memchr(&L->mask[(size_t)(j * MASK_SUB + b) * L->mnx + i * MASK_SUB], 1,
                             MASK_SUB) != NULL;
            L->cell_state[(size_t)j * L->nx + i] = any ? (int32_t)L->ncell++ : -1;
        }
    L->nstate = L->ncell * (size_t)headings;
    if (L->nstate > INT32_MAX - 1) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_RANGE, "VDA lattice has too many states (%zu)",
                            L->nstate);
    }
    size_t ns = L->nstate ? L->nstate : 1, nc = L->ncell ? L->ncell : 1;
    L->cell_of = cpted__malloc(nc * sizeof *L->cell_of);
    L->lab = cpted__malloc(ns * sizeof *L->lab);
    L->seed_px = cpted__malloc(nc * sizeof *L->seed_px);
    L->seed_py = cpted__malloc(nc * sizeof *L->seed_py);
    if (!L->cell_of || !L->lab || !L->seed_px ||
        !L->seed_py || build_moves(L, min_turn_radius_m, top_radius_m) != CPTED_OK) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA lattice (%zu states)",
                            L->nstate);
    }
    for (int j = 0; j < L->ny; j++)
        for (int i = 0; i < L->nx; i++) {
            int32_t c = L->cell_state[(size_t)j * L->nx + i];
            if (c < 0)
                continue;
            L->cell_of[c] = j * L->nx + i;
            double best = DBL_MAX, bx = 0, by = 0;
            for (int b = 0; b < MASK_SUB; b++)
                for (int a = 0; a < MASK_SUB; a++) {
                    if (!L->mask[(size_t)(j * MASK_SUB + b) * L->mnx + i * MASK_SUB + a])
                        continue;
                    double d = fabs(a + 0.5 - MASK_SUB / 2.0) + fabs(b + 0.5 - MASK_SUB / 2.0);
                    if (d < best) {
                        best = d;
                        bx = (i * MASK_SUB + a + 0.5) * L->hm;
                        by = (j * MASK_SUB + b + 0.5) * L->hm;
                    }
                }
            L->seed_px[c] = (float)bx;
            L->seed_py[c] = (float)by;
        }
    if (compute_clearance(L) != CPTED_OK) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA lattice (%zu states)",
                            L->nstate);
    }
    *out = L;
    return CPTED_OK;
}

/* ---- search -------------------------------------------------------------- */

static inline int32_t state_at(const cpted__lattice *L, double x, double y, int k)
{
    double gx = x * L->inv_h, gy = y * L->inv_h;
    if (!(gx >= 0 && gy >= 0 && gx < L->nx && gy < L->ny))
        return -1;
    int32_t c = L->cell_state[(size_t)(int)gy * L->nx + (size_t)(int)gx];
    return c < 0 ? -1 : (int32_t)((size_t)k * L->ncell + (size_t)c);
}

/* Whether move km from (x, y) stays in free mask cells. Its samples are one
 * mask cell apart along the move, and a move is no farther from a sample than
 * its arc length from it, so every sample within the clearance of the last one
 * looked at is free and skipped (sphere tracing): in open ground a long arc
 * costs a few lookups. room: the clearance at the start. */
static bool move_clear(const cpted__lattice *L, size_t km, double x, double y, double room)
{
    int q0 = L->sample_start[km], q1 = L->sample_start[km + 1];
    double step = L->hm * SAMPLE_STEP_CELLS;
    int q = q0 + (int)(room / step); /* samples 1 .. room/step are within the clearance */
    while (q < q1) {
        double sx = x + L->sample_dx[q], sy = y + L->sample_dy[q];
        if (!mask_free(L, sx, sy))
            return false;
        double c = clearance_m(L, sx, sy);
        q += c > step ? (int)(c / step) : 1;
    }
    return true;
}

/* One sweep of heading k: expands its dirty states in the quadrant order.
 * It reads and writes only the labels of headings k-1, k, k+1 (moves turn by
 * one step), so two sweeps whose headings are 4 or more steps apart can run
 * at the same time. Returns true when a label changed. */
static bool sweep(cpted__lattice *L, uint8_t *dirty, int k)
{
    int K = L->K;
    bool changed = false;
    /* cells in row-major order, mirrored into the quadrant of the heading: a
     * straight step along it always lands on a cell later in the sweep
     * (Gauss-Seidel: a straight run is carried in one pass, so the fixed point
     * takes about as many sweeps as the fastest paths have turns), and memory
     * is walked in order */
    double th = 2.0 * CPTED__PI * k / K;
    bool east = cos(th) >= 0, north = sin(th) >= 0;
    for (int jj = 0; jj < L->ny; jj++)
        for (int ii = 0; ii < L->nx; ii++) {
            int32_t c = L->cell_state[(size_t)(north ? jj : L->ny - 1 - jj) * L->nx +
                                      (size_t)(east ? ii : L->nx - 1 - ii)];
            if (c < 0)
                continue;
            size_t s = (size_t)k * L->ncell + (size_t)c;
            if (!dirty[s])
                continue;
            dirty[s] = 0;
            const label *ls = &L->lab[s];
            double x = ls->px, y = ls->py, v = ls->v, run = ls->runup;
            transfer_rows tr = transfer_at(L, v);
            double room = clearance_m(L, x, y);
            /* arcs much wider than the speed needs are left out (moves are in
             * increasing radius): at speed v the tightest arc that holds it has
             * v²/(f g); wider ones than ARC_REACH times that (or than the
             * smallest radii) only matter at a higher speed */
            double r_lim = fmax(L->moves[1].radius_m, v * v * L->inv_fg) * ARC_REACH;
            /* first the states the moves land in, their labels fetched ahead
             * (they are scattered over three headings' planes) */
            int32_t dest[PRIM_COUNT];
            int nm = 0;
            for (; nm < L->nmove && !(L->moves[nm].radius_m > r_lim); nm++) {
                size_t km = (size_t)k * L->nmove + nm;
                int k2 = (k + L->moves[nm].dk + K) % K;
                dest[nm] = state_at(L, x + L->end_dx[km], y + L->end_dy[km], k2);
                if (dest[nm] >= 0)
                    __builtin_prefetch(&L->lab[dest[nm]], 1);
            }
            for (int m = 0; m < nm; m++) {
                int32_t t = dest[m];
                if (t < 0)
                    continue;
                size_t km = (size_t)k * L->nmove + m;
                double ex = x + L->end_dx[km], ey = y + L->end_dy[km];
                double v2 = transfer(&tr, m);
                label *lt = &L->lab[t];
                if (!(v2 > lt->v + IMPROVE_MPS))
                    continue;
                if (L->moves[m].length_m > room && !move_clear(L, km, x, y, room))
                    continue;
                lt->v = (float)v2;
                lt->px = (float)ex;
                lt->py = (float)ey;
                lt->runup = (float)(run + L->moves[m].length_m);
                lt->pred = (int32_t)s;
                dirty[t] = 1;
                changed = true;
            }
        }
    return changed;
}

/* The second half of the headings, swept by a worker thread alongside the
 * caller's first half. The result must be that of one thread sweeping, in
 * each pass, heading 0, then K/2, then 1, then K/2 + 1, ... (position 2i for
 * heading i < K/2, 2i + 1 for heading K/2 + i). A sweep of heading k reads
 * and writes only the labels (and dirty flags) of headings k-1 .. k+1, so two
 * sweeps whose headings are 3 or more steps apart (round the circle) touch
 * different memory and may run at the same time in either order; two closer
 * ones must run in that order: before a sweep, its thread waits until the
 * other thread has finished every closer sweep that comes before it (a count
 * of the other's sweeps in this pass, need[]). In the default 32 headings
 * that is only at the ends of each half; a pass ends with both threads. */
#define SWEEP_MAX_K 256

typedef struct sweeper {
    cpted__lattice *L;
    uint8_t *dirty;
    int half, nb;              /* headings 0..half-1: caller; half..half+nb-1: worker */
    pthread_barrier_t start, done;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done_a, done_b;        /* sweeps finished in this pass, caller and worker */
    bool stop_pass;            /* the caller was interrupted: the pass is abandoned */
    bool quit;                 /* set before `start`: the worker ends */
    bool changed;              /* a label changed in the worker's sweeps */
    int need_a[SWEEP_MAX_K];   /* caller's i-th sweep: worker sweeps to be finished first */
    int need_b[SWEEP_MAX_K];   /* worker's i-th sweep: caller sweeps to be finished first */
} sweeper;

/* Waits until *count reaches need (or the pass is abandoned: false). */
static bool sweeper_wait(sweeper *w, const int *count, int need)
{
    pthread_mutex_lock(&w->mu);
    while (*count < need && !w->stop_pass)
        pthread_cond_wait(&w->cv, &w->mu);
    bool ok = !w->stop_pass;
    pthread_mutex_unlock(&w->mu);
    return ok;
}

static void sweeper_count(sweeper *w, int *count)
{
    pthread_mutex_lock(&w->mu);
    (*count)++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Circular distance between two headings. */
static int heading_gap(int a, int b, int K)
{
    int d = abs(a - b) % K;
    return d < K - d ? d : K - d;
}

/* need[] of both threads from the single-thread order above. */
static void sweeper_plan(sweeper *w, int K)
{
    for (int i = 0; i < w->half; i++) {
        w->need_a[i] = 0;
        for (int j = 0; j < w->nb; j++)
            if (heading_gap(i, w->half + j, K) <= 2 && 2 * j + 1 < 2 * i)
                w->need_a[i] = j + 1;
    }
    for (int j = 0; j < w->nb; j++) {
        w->need_b[j] = 0;
        for (int i = 0; i < w->half; i++)
            if (heading_gap(i, w->half + j, K) <= 2 && 2 * i < 2 * j + 1)
                w->need_b[j] = i + 1;
    }
}

static void *sweeper_main(void *arg)
{
    sweeper *w = arg;
    for (;;) {
        pthread_barrier_wait(&w->start);
        if (w->quit)
            return NULL;
        for (int j = 0; j < w->nb; j++) {
            if (!sweeper_wait(w, &w->done_a, w->need_b[j]))
                break;
            if (sweep(w->L, w->dirty, w->half + j))
                w->changed = true;
            sweeper_count(w, &w->done_b);
        }
        pthread_barrier_wait(&w->done);
    }
}

int cpted__lattice_search(cpted__lattice *L, const cpted__lattice_seed *seeds, size_t seed_count,
                          int threads)
{
    cpted_context *ctx = L->ctx;
    int K = L->K;
    size_t n = L->nstate;
    if (n == 0)
        return CPTED_OK;
    uint8_t *dirty = cpted__malloc(n);
    if (!dirty)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA search");
    /* standstill in every state, at its cell's seed pose */
    for (int k = 0; k < K; k++)
        for (size_t c = 0; c < L->ncell; c++) {
            size_t s = (size_t)k * L->ncell + c;
            L->lab[s] = (label){L->seed_px[c], L->seed_py[c], 0.0f, 0.0f, -1};
        }
    memset(dirty, 1, n);
    /* given starts (entries at speed, the window's edge) */
    for (size_t i = 0; i < seed_count; i++) {
        const cpted__lattice_seed *sd = &seeds[i];
        int32_t s = state_at(L, sd->x - L->x0, sd->y - L->y0, sd->k);
        if (s < 0 || !(sd->v_mps > L->lab[s].v))
            continue;
        label *ls = &L->lab[s];
        ls->px = (float)(sd->x - L->x0);
        ls->py = (float)(sd->y - L->y0);
        ls->v = (float)fmin(sd->v_mps, L->vmax * (1.0 - 1e-9));
        ls->runup = (float)sd->runup_m;
    }
    int half = K / 2; /* headings 0..half-1 here, half..K-1 on the worker */
    sweeper *w = NULL;
    pthread_t worker;
    bool parallel = threads > 1 && K <= SWEEP_MAX_K && (w = cpted__calloc(1, sizeof *w));
    if (parallel) {
        w->L = L;
        w->dirty = dirty;
        w->half = half;
        w->nb = K - half;
        sweeper_plan(w, K);
        int made = 0; /* 1 start, 2 done, 3 mutex, 4 cond, 5 thread */
        if (pthread_barrier_init(&w->start, NULL, 2) == 0 && ++made &&
            pthread_barrier_init(&w->done, NULL, 2) == 0 && ++made &&
            pthread_mutex_init(&w->mu, NULL) == 0 && ++made &&
            pthread_cond_init(&w->cv, NULL) == 0 && ++made &&
            pthread_create(&worker, NULL, sweeper_main, w) == 0)
            made++;
        if (made < 5) { /* no thread to be had: one is enough */
            if (made >= 4)
                pthread_cond_destroy(&w->cv);
            if (made >= 3)
                pthread_mutex_destroy(&w->mu);
            if (made >= 2)
                pthread_barrier_destroy(&w->done);
            if (made >= 1)
                pthread_barrier_destroy(&w->start);
            parallel = false;
        }
    }
    int rc = CPTED_OK;
    bool changed = true;
    while (changed && rc == CPTED_OK) {
        changed = false;
        if (parallel) {
            w->done_a = w->done_b = 0; /* the worker waits at `start` */
            w->stop_pass = false;
            pthread_barrier_wait(&w->start);
            for (int i = 0; i < half; i++) {
                if (cpted__interrupted(ctx)) {
                    rc = cpted__error(ctx, CPTED_E_INTERRUPTED,
                                      "interrupted during the VDA search");
                    pthread_mutex_lock(&w->mu);
                    w->stop_pass = true;
                    pthread_cond_broadcast(&w->cv);
                    pthread_mutex_unlock(&w->mu);
                    break;
                }
                if (!sweeper_wait(w, &w->done_b, w->need_a[i]))
                    break;
                if (sweep(L, dirty, i))
                    changed = true;
                sweeper_count(w, &w->done_a);
            }
            pthread_barrier_wait(&w->done);
            if (w->changed) {
                changed = true;
                w->changed = false;
            }
            continue;
        }
        for (int i = 0; i < K - half; i++) {
            if (cpted__interrupted(ctx)) {
                rc = cpted__error(ctx, CPTED_E_INTERRUPTED, "interrupted during the VDA search");
                break;
            }
            if (i < half && sweep(L, dirty, i)) /* K odd: the last step has heading K-1 only */
                changed = true;
            if (sweep(L, dirty, i + half))
                changed = true;
        }
    }
    if (parallel) {
        w->quit = true;
        pthread_barrier_wait(&w->start);
        pthread_join(worker, NULL);
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        pthread_barrier_destroy(&w->start);
        pthread_barrier_destroy(&w->done);
    }
    cpted__free(w);
    cpted__free(dirty);
    return rc;
}

/* ---- answers ------------------------------------------------------------- */

bool cpted__lattice_best_arrival(const cpted__lattice *L, const cpted__lattice_goal *goal,
                                 cpted__lattice_hit *out)
{
    double tx = goal->x - L->x0, ty = goal->y - L->y0;
    double reach = goal->rho_m + L->h;
    int i0 = (int)floor((tx - reach) / L->h), i1 = (int)floor((tx + reach) / L->h);
    int j0 = (int)floor((ty - reach) / L->h), j1 = (int)floor((ty + reach) / L->h);
    bool found = false;
    double dtheta = 2.0 * CPTED__PI / L->K;
    for (int j = j0 < 0 ? 0 : j0; j <= j1 && j < L->ny; j++)
        for (int i = i0 < 0 ? 0 : i0; i <= i1 && i < L->nx; i++) {
            int32_t c = L->cell_state[(size_t)j * L->nx + i];
            if (c < 0)
                continue;
            for (int k = 0; k < L->K; k++) {
                size_t s = (size_t)k * L->ncell + (size_t)c;
                const label *ls = &L->lab[s];
                if (!(ls->v >= 0.0f))
                    continue;
                double ux = cos(k * dtheta), uy = sin(k * dtheta);
                double dx = tx - ls->px, dy = ty - ls->py;
                double d = hypot(dx, dy);
                if (d > reach)
                    continue;
                double along = dx * ux + dy * uy;
                double lateral = fabs(dx * uy - dy * ux);
                /* heading at the target, not past it (a state past the target
                 * gained its speed beyond it) */
                if (along < 0.0 || lateral > goal->rho_m + L->h * 0.5)
                    continue;
                if (goal->has_side) {
                    /* on the attack side, moving towards the line */
                    if ((ls->px - tx) * goal->nx + (ls->py - ty) * goal->ny < 0.0 ||
                        ux * goal->nx + uy * goal->ny > -1e-9)
                        continue;
                }
                /* the rest of the way to contact, straight (exact closed form) */
                double rest = fmax(0.0, d - goal->rho_m);
                double v = ls->v;
                if (rest > 0 && v < L->vmax) {
                    double v2;
                    if (cpted_vehicle_speed_after(&v2, &L->kin, fmin(v, L->vmax * (1 - 1e-12)),
                                                  rest) == CPTED_OK)
                        v = v2;
                }
                if (!found || v > out->v_mps) {
                    found = true;
                    out->v_mps = v;
                    out->runup_m = ls->runup + rest;
                    out->state = (int64_t)s;
                    out->ux = ux;
                    out->uy = uy;
                }
            }
        }
    return found;
}

int cpted__lattice_path(const cpted__lattice *L, int64_t state, double tx, double ty,
                        double **xy_out, size_t *n_out)
{
    *xy_out = NULL;
    *n_out = 0;
    size_t n = 0, cap = 0;
    double *xy = NULL;
    int64_t s = state;
    /* predecessors, newest first. A later improvement can leave a cycle
     * (A improved from B, then B from the new A): the chain is cut at the first
     * state met twice, the path shown is then the part after it (the speed
     * label itself stays that of a feasible path). */
    uint8_t *seen = cpted__calloc(L->nstate ? L->nstate : 1, 1);
    if (!seen)
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for a VDA path");
    for (; s >= 0 && !seen[s]; ) {
        seen[s] = 1;
        if (!cpted__grow((void **)&xy, &cap, 2 * n + 2, sizeof *xy)) {
            cpted__free(xy);
            cpted__free(seen);
            return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for a VDA path");
        }
        xy[2 * n] = L->lab[s].px + L->x0;
        xy[2 * n + 1] = L->lab[s].py + L->y0;
        n++;
        s = L->lab[s].pred;
    }
    cpted__free(seen);
    if (!cpted__grow((void **)&xy, &cap, 2 * n + 2, sizeof *xy)) {
        cpted__free(xy);
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for a VDA path");
    }
    /* reverse to start -> target, then the target itself */
    for (size_t i = 0; i < n / 2; i++) {
        double ax = xy[2 * i], ay = xy[2 * i + 1];
        xy[2 * i] = xy[2 * (n - 1 - i)];
        xy[2 * i + 1] = xy[2 * (n - 1 - i) + 1];
        xy[2 * (n - 1 - i)] = ax;
        xy[2 * (n - 1 - i) + 1] = ay;
    }
    xy[2 * n] = tx;
    xy[2 * n + 1] = ty;
    n++;
    *xy_out = xy;
    *n_out = n;
    return CPTED_OK;
}
