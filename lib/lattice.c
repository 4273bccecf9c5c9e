/* lattice.c - the state-lattice search of the vehicle dynamics assessment
 * (architecture.md §8 (a), docs/method-vda.md §2-3).
 *
 * K headings θk = 2πk/K. Each heading has a lattice of its own, turned to it:
 * points u·A along the heading and w·C across it (A = ALONG_CELLS cells,
 * C = 1/ACROSS_PER_CELL of a cell). A state is a point of its heading's lattice,
 * so its pose is fixed, and its label is a speed. Moves from a state: the
 * straight to the next point along its heading (exact), and circular arcs
 * turning by ±2π/K at radii from r_min up in steps of RADIUS_STEP, each landing
 * on the next point ahead on the new heading's line nearest across (a straight
 * tail of less than A, credited to the move rounded up to A/SHIFT_STEPS, and a
 * shift across of at most C/2, free; both checked for collision like the arc).
 * Landing on the nearest point instead, back or ahead, let the vehicle turn
 * nearly on the spot while keeping its speed. The speed after a move is a
 * monotone function of the speed before it, so label-correcting ends at the
 * largest speed over all lattice paths to each state, whatever order the
 * states are expanded in (docs/method-vda.md §3; tests/unit/test_lattice.c).
 * Speeds are whole quanta of SPEED_QUANTUM_MPS, each move's result rounded up
 * (the safe side), so every improvement is at least one quantum and the search
 * ends. Among arrivals of equal speed a label keeps the shortest run-up; the
 * path drawn is the chain of predecessors.
 *
 * Speeds across a move: the exact closed form on straights; on arcs dv/ds =
 * a_long/v with the friction circle a_long = min(a(v), sqrt((f g)² − (v²/r)²)),
 * entered at no more than the cap sqrt(f g r) (braking before a bend is free:
 * the safe side), each arc capped as if it had RADIUS_STEP times its radius. A
 * move is allowed when every sample along it lies in a free mask cell; the mask
 * has cells of h/MASK_SUB and a cell is free when it meets R (so the vehicle
 * may stray up to h/MASK_SUB·√2 outside R: the safe side).
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
#define ALONG_CELLS 2         /* lattice spacing along a heading, in cells (the straight) */
#define ACROSS_PER_CELL 2     /* lattice lines across a heading per cell */
#define SHIFT_STEPS 32         /* an arc's end moves forward onto the new heading's lattice
                                  by less than its spacing along: a straight tail, counted in
                                  1/SHIFT_STEPS of the spacing, rounded up */
#define SAMPLE_STEP_CELLS 1.0 /* collision samples along a move, at most this apart (in
                                 mask cells: every mask cell a move crosses is looked at
                                 up to the corners) */
#define TABLE_STEP_MPS 0.05   /* speed grid of the transfer tables */
#define SPEED_QUANTUM_MPS 1e-4 /* labels are whole multiples of this, rounded up */
#define RUNUP_TIE_M 0.01      /* an arrival of equal speed replaces one at least this much
                                 longer (and is carried on) */
#define G_MPS2 9.80665
#define DIRTY_SPEED 1
#define DIRTY_SHORTER 2
#define ROW_NEVER UINT16_MAX
#define SKIP_TABLE 4096       /* clearance values whose sample skip is looked up */

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
    double end_dx, end_dy;     /* its end, from the start (for the heading it is of) */
    double end_fu, end_fw;     /* an arc's end in the new heading's grid units (added to the
                                  start's: where it lands, without a projection per move) */
    int dyn;                   /* its speed table */
    int s0, s1;                /* its collision samples, [s0, s1) of sample_xy */
} move;

/* A row of a heading's lattice (one record: a lookup reads one cache line). */
typedef struct grid_row {
    int32_t lo, n;             /* its first w - w0 with a state, and how many after it are
                                  kept (the span to its last state) */
    size_t off;                /* where its span starts in idx */
} grid_row;

/* An entry of the speed transfer tables: the speed after a move entered at
 * the row's speed, and its rise to the next row's (both floats: the
 * interpolation is that of the two rows' floats). */
typedef struct transfer_cell {
    float v, dv;
} transfer_cell;

/* The lattice of one heading. */
typedef struct grid {
    double ex, ey;             /* along the heading */
    double nx, ny;             /* across it (to the left) */
    int u0, w0, nu, nw;        /* index ranges: u0 .. u0 + nu - 1, w0 .. w0 + nw - 1 */
    grid_row *row;             /* per row u - u0 */
    int32_t *idx;              /* the spans of the rows: the state, or -1 */
    size_t first, count;       /* its states: first .. first + count - 1 */
} grid;

/* The label of a state: its speed in quanta (kept apart in `speed`: the
 * sweeps read the speeds of the states a move lands on, far more often than
 * they change a label), the predecessor and the run-up of that arrival (among
 * arrivals of equal speed the shortest is kept: the speed does not depend on
 * it, the drawn path does). */
typedef struct label {
    int32_t pred;
    float runup;
} label;

struct cpted__lattice {
    cpted_context *ctx;
    int K;
    double h, hm;              /* lattice and mask cell sides */
    double along, across;      /* lattice spacings along and across a heading */
    double inv_along, inv_across;
    double shift_m;            /* the unit of an arc's shift onto the lattice */
    double inv_hm;
    double x0, y0;             /* lower-left corner of the window */
    double wx, wy;             /* window size */
    int mnx, mny;              /* mask cells */
    uint8_t *mask;             /* 1: the mask cell meets R (freed once `clear` is made) */
    uint16_t *clear;           /* per mask cell: distance to the nearest blocked mask cell, in
                                  mask cells (chamfer 3-4), saturated; 0 exactly where the
                                  mask is 0 (the searches read only this) */
    uint16_t skip_of[SKIP_TABLE]; /* per clearance value: the samples it lets a check skip
                                  (that of samples_clear's formula, without two divisions) */
    grid *grids;               /* [K] */
    int32_t *dense_of;         /* per state: its dense index (u - u0) * nw + (w - w0) */
    size_t nstate;
    uint32_t *speed;           /* per state: its label's speed in quanta */
    label *lab;                /* per state: the rest of its label; NULL when the lattice
                                  keeps speeds only (cpted__lattice_speeds_only) */
    uint8_t *dirty;            /* per state: DIRTY_SPEED, its label changed since it was last
                                  expanded; DIRTY_SHORTER, its run-up got shorter since */
    uint16_t *row_exp;         /* per state: the transfer table row of its speed when it was
                                  last expanded (ROW_NEVER: not yet) */
    uint8_t *flat_upto;        /* per table row i: the arc moves 1 .. flat_upto[i] - 1 give
                                  the same speed from every entry speed of row i and above
                                  (entered above their cap, braked to it), and were tried
                                  from every speed of the row (within the arc reach) */
    const cpted__lattice *owner; /* a lattice sharing another's geometry (cpted__lattice_share):
                                  that one; it owns all but the labels and the tables */
    _Atomic int *stop;         /* set: the searches stop when it is non-zero */
    bool worker;               /* searched on a thread of the library's own: read only *stop,
                                  never the context (its callback, its error text) */
    int max_dk;                /* the largest heading change of a move (1) */
    bool reverse;              /* sweep headings and states backwards (tests: the order does
                                  not change the speeds) */
    /* moves, the same for every heading turned to it: [k * nmove + m] */
    move *mv;
    int nmove;
    double *sample_xy;         /* collision samples of all moves, x y pairs from the start */
    size_t nsample;
    double r_first;            /* the smallest arc radius */
    /* speed transfer: table[i * ndyn + d] = the speed after dynamics d from
       i*dv and its rise to row i + 1 (the dynamics of one entry speed side by
       side: the moves of a state read one short row) */
    int ndyn;
    int tail_base;             /* the tail of c shift units is table tail_base + c */
    double *dyn_arc, *dyn_cap; /* per arc radius: arc length and the radius of its cap */
    transfer_cell *table;
    int ntab;
    double vmax;
    uint32_t vmax_q;           /* vmax in quanta */
    double inv_fg;             /* 1 / (f g) of the current kinematics */
    double tail_gain2[SHIFT_STEPS + 1]; /* per tail of c shift units: 2 a0 times its length,
                                  the most it can add to v² (a(v) <= a0) */
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

/* Chamfer distance transform of the mask (weights 3 and 4 per mask cell): a
 * move shorter than the clearance at its start is taken not to leave the free
 * cells. Not a strict bound: value/3 can exceed the Euclidean distance by up
 * to 5.4 % (10/3 against √10 for an offset of 3 and 1 cells), more than the one cell
 * clearance_m() takes off once the clearance passes about 20 mask cells, so a
 * skip can pass a blocked cell's corner at such angles (lenient: a move
 * allowed, never one refused; to be looked at before any change, which could
 * lower speeds). */
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

/* The clearance value of the mask cell of a pose (0: blocked or outside). */
static inline unsigned clear_at(const cpted__lattice *L, double x, double y)
{
    double gx = x * L->inv_hm, gy = y * L->inv_hm;
    if (!(gx >= 0 && gy >= 0 && gx < L->mnx && gy < L->mny))
        return 0;
    return L->clear[(size_t)(int)gy * L->mnx + (size_t)(int)gx];
}

/* A clearance value in metres. */
static inline double clear_to_m(const cpted__lattice *L, unsigned cv)
{
    /* the pose may sit anywhere in its cell: one cell less */
    double c = cv / 3.0 - 1.0;
    return c > 0 ? c * L->hm : 0;
}

/* Clearance at a pose in metres (0 outside the mask). */
static inline double clearance_m(const cpted__lattice *L, double x, double y)
{
    return clear_to_m(L, clear_at(L, x, y));
}

/* The samples a check may skip from one of clearance value cv (sphere tracing). */
static inline int sample_skip(const cpted__lattice *L, unsigned cv)
{
    double step = L->hm * SAMPLE_STEP_CELLS, c = clear_to_m(L, cv);
    return c > step ? (int)(c / step) : 1;
}

/* Whether a pose is in a free mask cell (mask_free() once the mask is gone). */
static inline bool cell_free(const cpted__lattice *L, double x, double y)
{
    return clear_at(L, x, y) != 0;
}

/* ---- moves --------------------------------------------------------------- */

/* Appends the collision samples of a move from the origin with heading th: an
 * arc of radius r turning by sg·dth, or a straight of len when r is 0; at most
 * one mask cell apart, the end last. */
static bool add_samples(cpted__lattice *L, size_t *cap, double th, double r, double sg,
                        double dth, double len)
{
    double step = L->hm * SAMPLE_STEP_CELLS;
    int ns = (int)ceil((r > 0 ? r * dth : len) / step);
    if (!cpted__grow((void **)&L->sample_xy, cap, 2 * (L->nsample + (size_t)ns),
                     sizeof *L->sample_xy))
        return false;
    for (int s = 1; s <= ns; s++) {
        double f = (double)s / ns, x, y;
        if (r > 0) {
            double phi = dth * f;
            x = r * sg * (sin(th + sg * phi) - sin(th));
            y = r * sg * (cos(th) - cos(th + sg * phi));
        } else {
            x = len * f * cos(th);
            y = len * f * sin(th);
        }
        L->sample_xy[2 * L->nsample] = x;
        L->sample_xy[2 * L->nsample++ + 1] = y;
    }
    return true;
}

static int build_moves(cpted__lattice *L, double r_min, double r_top)
{
    double dtheta = 2.0 * CPTED__PI / L->K;
    move proto[PRIM_COUNT];
    int n = 0, nr = 0;
    proto[n++] = (move){.dk = 0, .length_m = L->along, .radius_m = 0.0, .dyn = 0};
    double radii[MAX_RADII];
    for (double r = r_min; nr < MAX_RADII; r *= RADIUS_STEP) {
        radii[nr] = r;
        proto[n++] = (move){.dk = +1, .length_m = r * dtheta, .radius_m = r, .dyn = 1 + nr};
        proto[n++] = (move){.dk = -1, .length_m = r * dtheta, .radius_m = r, .dyn = 1 + nr};
        nr++;
        if (r >= r_top)
            break;
    }
    L->r_first = radii[0];
    L->max_dk = 1;
    L->nmove = n;
    L->ndyn = 1 + nr + SHIFT_STEPS; /* the straight, the arcs, the tails 1 .. SHIFT_STEPS */
    L->tail_base = 1 + nr - 1;     /* tail c: table tail_base + c */
    L->dyn_arc = cpted__malloc((size_t)nr * sizeof *L->dyn_arc);
    L->dyn_cap = cpted__malloc((size_t)nr * sizeof *L->dyn_cap);
    L->mv = cpted__malloc((size_t)L->K * n * sizeof *L->mv);
    if (!L->dyn_arc || !L->dyn_cap || !L->mv)
        return CPTED_E_NOMEM;
    for (int i = 0; i < nr; i++) {
        L->dyn_arc[i] = radii[i] * dtheta;
        L->dyn_cap[i] = radii[i] * RADIUS_STEP;
    }
    size_t cap = 0;
    for (int k = 0; k < L->K; k++) {
        double th = k * dtheta;
        for (int m = 0; m < n; m++) {
            move *mv = &L->mv[(size_t)k * n + m];
            *mv = proto[m];
            mv->s0 = (int)L->nsample;
            if (!add_samples(L, &cap, th, mv->radius_m, mv->dk, dtheta, mv->length_m))
                return CPTED_E_NOMEM;
            mv->s1 = (int)L->nsample;
            mv->end_dx = L->sample_xy[2 * (mv->s1 - 1)];
            mv->end_dy = L->sample_xy[2 * (mv->s1 - 1) + 1];
            const grid *g1 = &L->grids[(k + mv->dk + L->K) % L->K];
            mv->end_fu = (mv->end_dx * g1->ex + mv->end_dy * g1->ey) * L->inv_along;
            mv->end_fw = (mv->end_dx * g1->nx + mv->end_dy * g1->ny) * L->inv_across;
        }
    }
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
        return cap; /* within a step of the cap: taken as reached (upwards, and monotone in
                       v0: a slower entry never leaves the arc faster) */
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
    L->vmax_q = (uint32_t)ceil(k->vmax_mps / SPEED_QUANTUM_MPS);
    L->inv_fg = 1.0 / (k->lateral_friction * G_MPS2);
    for (int c = 0; c <= SHIFT_STEPS; c++)
        L->tail_gain2[c] = 2.0 * k->a0_mps2 * c * L->shift_m;
    int ntab = (int)ceil(k->vmax_mps / TABLE_STEP_MPS) + 2;
    if (ntab != L->ntab) {
        cpted__free(L->table);
        cpted__free(L->flat_upto);
        L->table = cpted__malloc((size_t)ntab * (size_t)L->ndyn * sizeof *L->table);
        L->flat_upto = cpted__malloc((size_t)ntab);
        L->ntab = 0;
        if (!L->table || !L->flat_upto)
            return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for the VDA speed tables");
        L->ntab = ntab;
    }
    double *dist = cpted__malloc((size_t)ntab * sizeof *dist);
    if (!dist)
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for the VDA speed tables");
    double top = k->vmax_mps * (1.0 - 1e-12);
    for (int d = 0; d < L->ndyn; d++) {
        /* d = 0: the straight; 1 .. nr: the arcs; then the tails */
        int arc = d >= 1 && d <= L->tail_base ? d - 1 : -1;
        double tail = d == 0 ? L->along : d > L->tail_base ? (d - L->tail_base) * L->shift_m : 0;
        double arc_m = arc >= 0 ? L->dyn_arc[arc] : 0.0;
        if (arc >= 0)
            arc_distances(k, L->dyn_cap[arc], ntab, dist);
        for (int i = 0; i < ntab; i++) {
            double v0 = fmin(i * TABLE_STEP_MPS, top), v1 = v0;
            if (arc >= 0)
                v1 = fmin(arc_speed(k, L->dyn_cap[arc], dist, ntab, arc_m, v0), top);
            double v2 = v1;
            if (tail > 0 && cpted_vehicle_speed_after(&v2, k, v1, tail) != CPTED_OK)
                v2 = v1;
            L->table[(size_t)i * L->ndyn + d].v = (float)v2;
        }
    }
    for (int i = 0; i < ntab; i++)
        for (int d = 0; d < L->ndyn; d++) {
            transfer_cell *c = &L->table[(size_t)i * L->ndyn + d];
            c->dv = i + 1 < ntab ? c[L->ndyn].v - c->v : 0.0f; /* float - float */
        }
    /* from which row on each arc's entries are all the same (its rise 0 from
       there to the top): from there the speed after it does not depend on the
       entry speed; then per row the run of arc moves, in move order, that
       are so (the tight arcs first) */
    int flat_row[MAX_RADII + 1];
    for (int d = 1; d <= L->tail_base; d++) {
        int i = ntab - 1;
        while (i > 0 && L->table[(size_t)(i - 1) * L->ndyn + d].dv == 0.0f)
            i--;
        flat_row[d] = i;
    }
    for (int i = 0; i < ntab; i++) {
        double v = i * TABLE_STEP_MPS; /* the least speed of the row: the least arc reach */
        double r_lim = fmax(L->r_first, v * v * L->inv_fg) * ARC_REACH;
        int m = 1;
        while (m < L->nmove && m < UINT8_MAX && flat_row[L->mv[m].dyn] <= i &&
               !(L->mv[m].radius_m > r_lim))
            m++;
        L->flat_upto[i] = (uint8_t)m;
    }
    cpted__free(dist);
    return CPTED_OK;
}

/* Where entry speed v0 falls in the transfer tables: between rows i and i + 1
 * at frac. Linear interpolation of a convex rise errs upwards. */
typedef struct transfer_rows {
    int i;
    double frac;
} transfer_rows;

static inline transfer_rows transfer_at(const cpted__lattice *L, double v0)
{
    double g = v0 * (1.0 / TABLE_STEP_MPS);
    int i = (int)g;
    if (i >= L->ntab - 1)
        return (transfer_rows){L->ntab - 2, 1.0};
    return (transfer_rows){i, g - i};
}

/* The speed after dynamics d. */
static inline double transfer(const cpted__lattice *L, const transfer_rows *r, int d)
{
    const transfer_cell *t = &L->table[(size_t)r->i * L->ndyn + d];
    return t->v + r->frac * t->dv;
}

/* A speed in quanta (x: in units of a quantum), rounded up (the safe side). */
static inline uint32_t quantize(const cpted__lattice *L, double x)
{
    if (!(x < L->vmax_q))
        return L->vmax_q;
    uint32_t q = (uint32_t)x; /* rounded up, without a call to ceil() */
    return q + (q < x);
}

static inline double speed_of(uint32_t q)
{
    return q * SPEED_QUANTUM_MPS;
}

/* The speed after move dynamics d and a straight tail of c shift units, in
 * quanta (not yet rounded up: quantize()); or -1 when it certainly rounds up
 * below `than` (in quanta), i.e. is at most than - 1 quanta (labels never
 * exceed vmax_q, so a speed capped at vmax_q is never below a label). The
 * tail's table is not read when a bound puts it below: its entry at row
 * speed v_i is the exact closed form from v_i over its length d, at most
 * sqrt(v_i² + 2 a0 d) since a(v) <= a0; the interpolation at v (between rows
 * i and i + 1) is at most the larger of the two, so at most
 * sqrt((v + dv)² + 2 a0 d); 1e-4 of v² covers the floats' rounding (6e-8)
 * many times. */
static inline double transfer_than(const cpted__lattice *L, const transfer_rows *r, int d, int c,
                                   uint32_t than)
{
    double v = transfer(L, r, d), below = (double)than - 1.0;
    if (c > 0) {
        double vt = below * SPEED_QUANTUM_MPS, vb = v + TABLE_STEP_MPS;
        if (below > 0 && (vb * vb + L->tail_gain2[c]) * (1.0 + 1e-4) < vt * vt)
            return -1.0;
        transfer_rows r2 = transfer_at(L, v);
        v = transfer(L, &r2, L->tail_base + c);
    }
    double x = v * (1.0 / SPEED_QUANTUM_MPS);
    return x <= below ? -1.0 : x;
}

/* ---- construction -------------------------------------------------------- */

void cpted__lattice_free(cpted__lattice *L)
{
    if (!L)
        return;
    cpted__free(L->lab);
    cpted__free(L->speed);
    cpted__free(L->dirty);
    cpted__free(L->row_exp);
    cpted__free(L->table);
    cpted__free(L->flat_upto);
    if (!L->owner) {
        cpted__free(L->mask);
        if (L->grids)
            for (int k = 0; k < L->K; k++) {
                cpted__free(L->grids[k].idx);
                cpted__free(L->grids[k].row);
            }
        cpted__free(L->grids);
        cpted__free(L->dense_of);
        cpted__free(L->clear);
        cpted__free(L->mv);
        cpted__free(L->sample_xy);
        cpted__free(L->dyn_arc);
        cpted__free(L->dyn_cap);
    }
    cpted__free(L);
}

/* The labels of a lattice (speeds, the rest, dirty flags); false when out of
 * memory. */
static bool alloc_labels(cpted__lattice *L)
{
    size_t n = L->nstate ? L->nstate : 1;
    L->speed = cpted__malloc(n * sizeof *L->speed);
    L->dirty = cpted__malloc(n);
    L->row_exp = cpted__malloc(n * sizeof *L->row_exp);
    return L->speed && L->dirty && L->row_exp;
}

int cpted__lattice_share(cpted__lattice **out, const cpted__lattice *L)
{
    *out = NULL;
    cpted__lattice *S = cpted__malloc(sizeof *S);
    if (!S)
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for a VDA search");
    *S = *L;
    S->owner = L->owner ? L->owner : L;
    S->lab = L->lab ? cpted__malloc((L->nstate ? L->nstate : 1) * sizeof *S->lab) : NULL;
    S->speed = NULL;
    S->dirty = NULL;
    S->table = NULL;
    S->flat_upto = NULL;
    S->ntab = 0;
    S->row_exp = NULL;
    S->stop = NULL;
    S->worker = false;
    if (!alloc_labels(S) || (L->lab && !S->lab)) {
        cpted__lattice_free(S);
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for a VDA search (%zu states)",
                            L->nstate);
    }
    *out = S;
    return CPTED_OK;
}

int cpted__lattice_speeds_only(cpted__lattice *L)
{
    cpted__free(L->lab);
    L->lab = NULL;
    return CPTED_OK;
}

void cpted__lattice_set_stop(cpted__lattice *L, _Atomic int *stop, bool worker)
{
    L->stop = stop;
    L->worker = worker;
}

/* Whether the search is to stop: the flag, or the context's callback (on the
 * caller's thread only; it then sets the flag, for the other searches). */
static bool search_stopped(cpted__lattice *L)
{
    if (L->stop && *L->stop)
        return true;
    if (L->worker || !cpted__interrupted(L->ctx))
        return false;
    if (L->stop)
        *L->stop = 1;
    return true;
}

/* The status of an interrupted search (worded on the caller's thread only). */
static int search_interrupted(cpted__lattice *L)
{
    return L->worker ? CPTED_E_INTERRUPTED
                     : cpted__error(L->ctx, CPTED_E_INTERRUPTED, "interrupted during the VDA search");
}

/* The state at point (u, w) of grid g (indices from u0, w0), or -1. */
static inline int32_t grid_state(const grid *g, int u, int w)
{
    if ((unsigned)u >= (unsigned)g->nu)
        return -1;
    const grid_row *r = &g->row[u];
    unsigned d = (unsigned)(w - r->lo);
    return d < (unsigned)r->n ? g->idx[r->off + d] : -1;
}

/* The position of point (u, w) of grid g, relative to the window's corner
 * (offset by half a mask cell, so that the points of heading 0 are not on the
 * edges of mask cells). */
static inline void grid_point(const cpted__lattice *L, const grid *g, int u, int w, double *x,
                              double *y)
{
    *x = 0.5 * L->hm + u * L->along * g->ex + w * L->across * g->nx;
    *y = 0.5 * L->hm + u * L->along * g->ey + w * L->across * g->ny;
}

/* floor() and ceil() without a call into libm (they are not inlined without
 * SSE4.1, and the sweeps use them for every move). */
static inline int ifloor(double x)
{
    int i = (int)x;
    return i - (x < i);
}

static inline int iceil(double x)
{
    int i = (int)x;
    return i + (x > i);
}

/* The state of the point of grid g nearest to (x, y), -1 when it has none; in
 * (fu, fw) the fractional indices of (x, y), in (*pu, *pw) (when not NULL)
 * the indices of that point. */
static inline int32_t grid_nearest_at(const cpted__lattice *L, const grid *g, double x, double y,
                                      double *fu, double *fw, int *pu, int *pw)
{
    x -= 0.5 * L->hm;
    y -= 0.5 * L->hm;
    *fu = (x * g->ex + y * g->ey) * L->inv_along;
    *fw = (x * g->nx + y * g->ny) * L->inv_across;
    int au = ifloor(*fu + 0.5), aw = ifloor(*fw + 0.5);
    if (pu) {
        *pu = au;
        *pw = aw;
    }
    int u = au - g->u0, w = aw - g->w0;
    if (u < 0 || w < 0 || u >= g->nu || w >= g->nw)
        return -1;
    return grid_state(g, u, w);
}

static inline int32_t grid_nearest(const cpted__lattice *L, const grid *g, double x, double y,
                                   double *fu, double *fw)
{
    return grid_nearest_at(L, g, x, y, fu, fw, NULL, NULL);
}

/* The grid of heading k over the window, its states numbered from `first`
 * in the sweep order (u, then w). */
static int build_grid(cpted__lattice *L, int k, size_t first)
{
    grid *g = &L->grids[k];
    double th = 2.0 * CPTED__PI * k / L->K;
    g->ex = cos(th);
    g->ey = sin(th);
    g->nx = -g->ey;
    g->ny = g->ex;
    double amin = DBL_MAX, amax = -DBL_MAX, bmin = DBL_MAX, bmax = -DBL_MAX;
    for (int c = 0; c < 4; c++) {
        double x = (c & 1) ? L->wx : 0, y = (c & 2) ? L->wy : 0;
        double a = x * g->ex + y * g->ey, b = x * g->nx + y * g->ny;
        amin = fmin(amin, a);
        amax = fmax(amax, a);
        bmin = fmin(bmin, b);
        bmax = fmax(bmax, b);
    }
    g->u0 = (int)floor(amin * L->inv_along) - 1;
    g->w0 = (int)floor(bmin * L->inv_across) - 1;
    g->nu = (int)ceil(amax * L->inv_along) + 2 - g->u0;
    g->nw = (int)ceil(bmax * L->inv_across) + 2 - g->w0;
    g->row = cpted__malloc((size_t)g->nu * sizeof *g->row);
    uint8_t *in = cpted__malloc((size_t)g->nw);
    if (!g->row || !in) {
        cpted__free(in);
        return CPTED_E_NOMEM;
    }
    size_t n = 0, used = 0, cap = 0;
    for (int u = 0; u < g->nu; u++) {
        int lo = -1, hi = -1;
        for (int w = 0; w < g->nw; w++) {
            double x, y;
            grid_point(L, g, u + g->u0, w + g->w0, &x, &y);
            in[w] = x >= 0 && y >= 0 && x < L->wx && y < L->wy && mask_free(L, x, y);
            if (in[w]) {
                if (lo < 0)
                    lo = w;
                hi = w;
            }
        }
        g->row[u].lo = lo < 0 ? 0 : lo;
        g->row[u].n = lo < 0 ? 0 : hi - lo + 1;
        g->row[u].off = used;
        if (!cpted__grow((void **)&g->idx, &cap, used + (size_t)g->row[u].n + 1, sizeof *g->idx)) {
            cpted__free(in);
            return CPTED_E_NOMEM;
        }
        for (int w = lo; lo >= 0 && w <= hi; w++)
            g->idx[used++] = in[w] ? (int32_t)(first + n++) : -1;
    }
    cpted__free(in);
    g->first = first;
    g->count = n;
    return CPTED_OK;
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
    L->along = cell_m * ALONG_CELLS;
    L->across = cell_m / ACROSS_PER_CELL;
    L->inv_along = 1.0 / L->along;
    L->inv_across = 1.0 / L->across;
    L->shift_m = L->along / SHIFT_STEPS;
    L->inv_hm = 1.0 / L->hm;
    L->x0 = window[0];
    L->y0 = window[1];
    int nx = (int)ceil((window[2] - window[0]) / cell_m);
    int ny = (int)ceil((window[3] - window[1]) / cell_m);
    if (nx < 1)
        nx = 1;
    if (ny < 1)
        ny = 1;
    L->wx = nx * cell_m;
    L->wy = ny * cell_m;
    /* a grid turned by 45° covers up to twice the window */
    double points = 2.0 * L->wx * L->wy / (L->along * L->across);
    if (points * headings > 2.0e9 || (double)nx * ny * MASK_SUB * MASK_SUB > 4.0e9) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_RANGE,
                            "VDA window %.0f m x %.0f m is too large for cell_m %g and %d "
                            "headings (%.3g states): use a larger cell or a smaller window",
                            window[2] - window[0], window[3] - window[1], cell_m, headings,
                            points * headings);
    }
    L->mnx = nx * MASK_SUB;
    L->mny = ny * MASK_SUB;
    L->mask = cpted__calloc((size_t)L->mnx * L->mny, 1);
    L->grids = cpted__calloc((size_t)headings, sizeof *L->grids);
    if (!L->mask || !L->grids) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA lattice");
    }
    int rc = rasterize(L, reach);
    if (rc != CPTED_OK) {
        cpted__lattice_free(L);
        return rc;
    }
    size_t n = 0;
    for (int k = 0; k < headings && rc == CPTED_OK; k++) {
        rc = build_grid(L, k, n);
        n += L->grids[k].count;
    }
    L->nstate = n;
    if (rc == CPTED_OK && n > INT32_MAX - 1) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_RANGE, "VDA lattice has too many states (%zu)", n);
    }
    if (rc == CPTED_OK) {
        L->dense_of = cpted__malloc((n ? n : 1) * sizeof *L->dense_of);
        L->lab = cpted__malloc((n ? n : 1) * sizeof *L->lab);
        rc = L->dense_of && L->lab && alloc_labels(L) ? build_moves(L, min_turn_radius_m, top_radius_m)
                                   : CPTED_E_NOMEM;
    }
    if (rc == CPTED_OK)
        rc = compute_clearance(L);
    for (unsigned cv = 0; cv < SKIP_TABLE; cv++)
        L->skip_of[cv] = (uint16_t)sample_skip(L, cv);
    if (rc == CPTED_OK) { /* the searches read `clear` only */
        cpted__free(L->mask);
        L->mask = NULL;
    }
    if (rc != CPTED_OK) {
        cpted__lattice_free(L);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA lattice (%.3g states)",
                            points * headings);
    }
    for (int k = 0; k < headings; k++) {
        const grid *g = &L->grids[k];
        for (int u = 0; u < g->nu; u++)
            for (int d = 0; d < g->row[u].n; d++) {
                int32_t st = g->idx[g->row[u].off + (size_t)d];
                if (st >= 0)
                    L->dense_of[st] = u * g->nw + g->row[u].lo + d;
            }
    }
    *out = L;
    return CPTED_OK;
}

void cpted__lattice_set_reverse(cpted__lattice *L, bool reverse)
{
    L->reverse = reverse;
}

void cpted__lattice_heading(const cpted__lattice *L, int k, double *ux, double *uy)
{
    *ux = L->grids[k].ex;
    *uy = L->grids[k].ey;
}

/* The heading and the position (relative to the window) of a state. */
static void state_pose(const cpted__lattice *L, int64_t s, int *k, double *x, double *y)
{
    int lo = 0, hi = L->K - 1;
    while (lo < hi) { /* the grid holding s */
        int mid = (lo + hi + 1) / 2;
        if ((size_t)s >= L->grids[mid].first)
            lo = mid;
        else
            hi = mid - 1;
    }
    const grid *g = &L->grids[lo];
    int32_t d = L->dense_of[s];
    *k = lo;
    grid_point(L, g, d / g->nw + g->u0, d % g->nw + g->w0, x, y);
}

/* ---- search -------------------------------------------------------------- */

/* Whether the samples [q, q1) of a path from (x, y) lie in free mask cells.
 * Samples are one mask cell apart along the path, and the path is no farther
 * from a sample than its length from it, so every sample within the clearance
 * of the last one looked at is free and skipped (sphere tracing): in open
 * ground a long arc costs a few lookups. */
static bool samples_clear(const cpted__lattice *L, int q, int q1, double x, double y)
{
    while (q < q1) {
        unsigned cv = clear_at(L, x + L->sample_xy[2 * q], y + L->sample_xy[2 * q + 1]);
        if (!cv)
            return false;
        q += cv < SKIP_TABLE ? L->skip_of[cv] : sample_skip(L, cv);
    }
    return true;
}

/* Whether the segment a-b lies in free mask cells (the shift of an arc's end
 * onto the lattice: shorter than a cell and a half). */
static bool segment_clear(const cpted__lattice *L, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, room = clearance_m(L, ax, ay);
    /* clearly within the clearance without hypot(): hypot's answer would be too */
    if (dx * dx + dy * dy < room * room * (1.0 - 1e-9))
        return true;
    double len = hypot(dx, dy);
    if (len <= room)
        return true;
    int n = (int)ceil(len / (L->hm * SAMPLE_STEP_CELLS));
    for (int i = 1; i <= n; i++)
        if (!cell_free(L, ax + (bx - ax) * i / n, ay + (by - ay) * i / n))
            return false;
    return true;
}

/* A position (relative to the window) in the units of grid g's indices
 * (fractional u, w): the start of a move, to which each arc adds its end's. */
static inline void grid_units(const cpted__lattice *L, const grid *g, double x, double y,
                              double *bu, double *bw)
{
    x -= 0.5 * L->hm;
    y -= 0.5 * L->hm;
    *bu = (x * g->ex + y * g->ey) * L->inv_along;
    *bw = (x * g->nx + y * g->ny) * L->inv_across;
}

/* Where arc mv lands on grid g (its new heading's) from a start at (bu, bw)
 * of that grid's units: the state, or -1; its point in (*iu, *iw), and the
 * straight tail in shift units. An arc lands on the next point ahead on the
 * new heading's line nearest across: it is followed by a straight tail of less
 * than the spacing along (rounded up to a shift unit). */
static inline int32_t land_arc(const grid *g, const move *mv, double bu, double bw, int *iu,
                               int *iw, int *tail)
{
    double fu = bu + mv->end_fu, fw = bw + mv->end_fw;
    int au = iceil(fu - 1e-9);
    *iu = au - g->u0;
    *iw = ifloor(fw + 0.5) - g->w0;
    *tail = 0;
    if (*iu < 0 || *iw < 0 || *iu >= g->nu || *iw >= g->nw)
        return -1;
    double f = (au - fu) * SHIFT_STEPS;
    int c = f > 1e-9 ? iceil(f - 1e-9) : 0;
    *tail = c > SHIFT_STEPS ? SHIFT_STEPS : c;
    return grid_state(g, *iu, *iw);
}

/* Where move mv of heading k from (x, y) (the point (u, w) of its grid) lands:
 * the state, or -1; its point in (*iu, *iw) of the new heading's grid, and the
 * straight tail after an arc in shift units (as in the sweeps). */
static inline int32_t landing(const cpted__lattice *L, const move *mv, int k, double x, double y,
                              int u, int w, int *iu, int *iw, int *tail)
{
    *tail = 0;
    if (mv->dk == 0) {
        const grid *g = &L->grids[k];
        *iu = u + 1;
        *iw = w;
        return grid_state(g, *iu, w);
    }
    const grid *g = &L->grids[(k + mv->dk + L->K) % L->K];
    double bu, bw;
    grid_units(L, g, x, y, &bu, &bw);
    return land_arc(g, mv, bu, bw, iu, iw, tail);
}

/* A straight tail of c shift units, in metres. */
static inline double credit_m(const cpted__lattice *L, int c)
{
    return c * L->shift_m;
}

/* One sweep of heading k: expands its dirty states along the heading (a
 * straight lands on a state later in the sweep: Gauss-Seidel, a straight run
 * is carried in one pass, so the fixed point takes about as many sweeps as the
 * fastest paths have turns; memory is walked in order). It reads and writes
 * only the labels of headings k-1 .. k+1. A label takes a strictly faster
 * arrival, or one of equal speed with a shorter run-up. Returns true when a
 * label changed. */
static bool sweep(cpted__lattice *L, uint8_t *dirty, int k)
{
    bool changed = false;
    const grid *g = &L->grids[k];
    const move *mv = &L->mv[(size_t)k * L->nmove];
    /* the grids of the moves' new headings, by dk + 1 */
    const grid *gto[3] = {&L->grids[(k + L->K - 1) % L->K], g, &L->grids[(k + 1) % L->K]};
    uint32_t *speed = L->speed;
    label *lab = L->lab; /* NULL: speeds only */
    uint16_t *row_exp = L->row_exp;
    const double step = L->hm * SAMPLE_STEP_CELLS;
    for (size_t i = 0; i < g->count; i++) {
        /* against the heading when the order is reversed (tests) */
        size_t s = L->reverse ? g->first + g->count - 1 - i : g->first + i;
        uint8_t flags = dirty[s];
        if (!flags)
            continue;
        dirty[s] = 0;
        double v = speed_of(speed[s]), run = lab ? lab[s].runup : 0.0;
        int32_t d = L->dense_of[s];
        int u = d / g->nw, w = d % g->nw;
        double x, y;
        grid_point(L, g, u + g->u0, w + g->w0, &x, &y);
        transfer_rows tr = transfer_at(L, v);
        double room = -1.0; /* the clearance here, looked up when a move first needs it */
        int room_skip = 0;
        /* where the state is in the units of the two neighbouring grids */
        double bu[3], bw[3];
        grid_units(L, gto[0], x, y, &bu[0], &bw[0]);
        grid_units(L, gto[2], x, y, &bu[2], &bw[2]);
        /* arcs much wider than the speed needs are left out (moves are in
         * increasing radius): at speed v the tightest arc that holds it has
         * v²/(f g); wider ones than ARC_REACH times that (or than the smallest
         * radii) only matter at a higher speed. A monotone rule (a faster state
         * has every move of a slower one), so the fixed point stays independent
         * of the order. */
        double r_lim = fmax(L->r_first, v * v * L->inv_fg) * ARC_REACH;
        /* The arcs that gave the same speed at the last expansion of this
         * state as they give now (entered above their cap both times, and
         * tried then) cannot raise the labels they land on: those are at
         * least that speed since (labels never fall), or the arc was blocked
         * then and is now. Nor can they give one of the same speed a shorter
         * run-up, unless this state's run-up got shorter since (a label of
         * that speed is at most the run-up tried then + RUNUP_TIE_M long):
         * then, with paths kept, they are tried again. The straight is always
         * tried. */
        int m_arc = 1;
        if (row_exp[s] != ROW_NEVER && (!lab || !(flags & DIRTY_SHORTER)))
            m_arc = L->flat_upto[row_exp[s]];
        row_exp[s] = tr.i < ROW_NEVER ? (uint16_t)tr.i : ROW_NEVER;
        for (int m = 0; m < L->nmove && !(mv[m].radius_m > r_lim); m = m ? m + 1 : m_arc) {
            int iu, iw, tail = 0;
            int32_t t;
            int dk = mv[m].dk;
            if (dk == 0) {
                iu = u + 1;
                iw = w;
                t = grid_state(g, iu, w);
            } else {
                t = land_arc(gto[dk + 1], &mv[m], bu[dk + 1], bw[dk + 1], &iu, &iw, &tail);
            }
            if (t < 0)
                continue;
            double x2 = transfer_than(L, &tr, mv[m].dyn, tail, speed[t]);
            if (x2 < 0)
                continue;
            uint32_t v2 = quantize(L, x2);
            /* an arrival of the same speed with a shorter run-up changes the
               path, not the speeds: not taken when speeds alone are kept */
            double run2 = run + mv[m].length_m + credit_m(L, tail);
            if (v2 == speed[t] && (!lab || !(run2 < lab[t].runup - RUNUP_TIE_M)))
                continue;
            /* samples within the clearance at the start are free */
            if (room < 0) {
                room = clearance_m(L, x, y);
                room_skip = (int)(room / step);
            }
            if (mv[m].length_m > room &&
                !samples_clear(L, mv[m].s0 + room_skip, mv[m].s1, x, y))
                continue;
            if (dk != 0) {
                const grid *g1 = gto[dk + 1];
                double lx, ly;
                grid_point(L, g1, iu + g1->u0, iw + g1->w0, &lx, &ly);
                if (!segment_clear(L, x + mv[m].end_dx, y + mv[m].end_dy, lx, ly))
                    continue;
            }
            changed = true;
            dirty[t] |= DIRTY_SPEED;
            speed[t] = v2;
            if (lab) {
                float r2 = (float)run2;
                if (r2 < lab[t].runup)
                    dirty[t] |= DIRTY_SHORTER;
                lab[t].pred = (int32_t)s;
                lab[t].runup = r2;
            }
        }
    }
    return changed;
}

/* The second half of the headings, swept by a worker thread alongside the
 * caller's first half. The speeds do not depend on the order (see the head of
 * this file), but the paths drawn do (among arrivals of equal speed the first
 * with the shortest run-up is kept), so the result must be that of one thread
 * sweeping,
 * in each forward pass, heading 0, then K/2, then 1, then K/2 + 1, ...
 * (position 2i for the caller's i-th heading, 2i + 1 for the worker's), and in
 * each backward pass K/2 - 1, then K - 1, then K/2 - 2, then K - 2, ... A
 * sweep of heading k reads and writes only the labels (and dirty flags) of
 * headings k-1 .. k+1, so two sweeps whose headings are 3 or more steps apart
 * (round the circle) touch different memory and may run at the same time in
 * either order; two closer ones must run in that order: before a sweep, its
 * thread waits until the other thread has finished every closer sweep that
 * comes before it (a count of the other's sweeps in this pass, need[]). In the
 * default 32 headings that is only at the ends of each half; a pass ends with
 * both threads. */
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
    bool back;                 /* this pass sweeps the headings backwards */
    int need_a[2][SWEEP_MAX_K]; /* caller's i-th sweep: worker sweeps to be finished first
                                   (forward, backward) */
    int need_b[2][SWEEP_MAX_K]; /* worker's i-th sweep: caller sweeps to be finished first */
} sweeper;

/* The heading of the caller's i-th and the worker's j-th sweep of a pass
 * (backward: from the middle down, from the top down). */
static inline int heading_a(int half, int i, bool back)
{
    return back ? half - 1 - i : i;
}

static inline int heading_b(int K, int half, int j, bool back)
{
    return back ? K - 1 - j : half + j;
}

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

/* need[] of both threads, for both directions, from the single-thread order
 * above (the caller's i-th sweep at position 2i, the worker's j-th at 2j + 1). */
static void sweeper_plan(sweeper *w, int K)
{
    for (int back = 0; back < 2; back++) {
        for (int i = 0; i < w->half; i++) {
            w->need_a[back][i] = 0;
            for (int j = 0; j < w->nb; j++)
                if (heading_gap(heading_a(w->half, i, back), heading_b(K, w->half, j, back), K) <=
                        2 * w->L->max_dk &&
                    2 * j + 1 < 2 * i)
                    w->need_a[back][i] = j + 1;
        }
        for (int j = 0; j < w->nb; j++) {
            w->need_b[back][j] = 0;
            for (int i = 0; i < w->half; i++)
                if (heading_gap(heading_a(w->half, i, back), heading_b(K, w->half, j, back), K) <=
                        2 * w->L->max_dk &&
                    2 * i < 2 * j + 1)
                    w->need_b[back][j] = i + 1;
        }
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
            if (!sweeper_wait(w, &w->done_a, w->need_b[w->back][j]))
                break;
            if (sweep(w->L, w->dirty, heading_b(w->L->K, w->half, j, w->back)))
                w->changed = true;
            sweeper_count(w, &w->done_b);
        }
        pthread_barrier_wait(&w->done);
    }
}

/* Standstill anywhere: a vehicle may stand still between two points of a
 * heading's line. Where the point behind a state (one spacing back) cannot
 * reach it straight, the state starts at the speed of the longest straight
 * behind it in free mask cells (shorter than the spacing; in whole mask
 * cells): a start on a wall's side is not moved up to a spacing forward. */
static void standstill_starts(cpted__lattice *L)
{
    double step = L->hm * SAMPLE_STEP_CELLS;
    int nstep = (int)floor(L->along / step + 1e-9);
    for (int k = 0; k < L->K; k++) {
        const grid *g = &L->grids[k];
        const move *straight = &L->mv[(size_t)k * L->nmove];
        for (size_t s = g->first; s < g->first + g->count; s++) {
            int32_t d = L->dense_of[s];
            int u = d / g->nw, w = d % g->nw;
            double x, y;
            grid_point(L, g, u + g->u0, w + g->w0, &x, &y);
            if (grid_state(g, u - 1, w) >= 0) {
                double bx = x - L->along * g->ex, by = y - L->along * g->ey;
                double room = clearance_m(L, bx, by);
                if (straight->length_m <= room ||
                    samples_clear(L, straight->s0 + (int)(room / step), straight->s1, bx, by))
                    continue; /* the straight from the point behind covers it */
            }
            int i = 0;
            while (i < nstep && cell_free(L, x - (i + 1) * step * g->ex, y - (i + 1) * step * g->ey))
                i++;
            double v = 0;
            if (i > 0 && cpted_vehicle_speed_after(&v, &L->kin, 0.0, i * step) == CPTED_OK &&
                v > 0) {
                double q = ceil(v / SPEED_QUANTUM_MPS);
                L->speed[s] = q < L->vmax_q ? (uint32_t)q : L->vmax_q;
                if (L->lab)
                    L->lab[s].runup = (float)(i * step);
            }
        }
    }
}

int cpted__lattice_search(cpted__lattice *L, const cpted__lattice_seed *seeds, size_t seed_count,
                          int threads)
{
    int K = L->K;
    size_t n = L->nstate;
    if (n == 0)
        return CPTED_OK;
    uint8_t *dirty = L->dirty;
    /* standstill in every state */
    memset(L->speed, 0, n * sizeof *L->speed);
    for (size_t s = 0; L->lab && s < n; s++)
        L->lab[s] = (label){-1, 0.0f};
    for (size_t s = 0; s < n; s++)
        L->row_exp[s] = ROW_NEVER;
    standstill_starts(L);
    memset(dirty, 1, n);
    /* given starts (entries at speed, the window's edge), at their nearest
     * lattice point */
    for (size_t i = 0; i < seed_count; i++) {
        const cpted__lattice_seed *sd = &seeds[i];
        double fu_, fw_;
        int32_t s = grid_nearest(L, &L->grids[sd->k], sd->x - L->x0, sd->y - L->y0, &fu_, &fw_);
        if (s < 0)
            continue;
        double q = ceil(fmin(sd->v_mps, L->vmax) / SPEED_QUANTUM_MPS);
        uint32_t vq = q < L->vmax_q ? (uint32_t)q : L->vmax_q;
        if (!L->lab) {
            if (vq > L->speed[s])
                L->speed[s] = vq;
        } else if (vq > L->speed[s] || (vq == L->speed[s] && sd->runup_m < L->lab[s].runup)) {
            L->speed[s] = vq;
            L->lab[s].runup = (float)sd->runup_m;
        }
    }
    int half = K / 2; /* headings 0..half-1 here, half..K-1 on the worker */
    sweeper *w = NULL;
    pthread_t worker;
    bool parallel = threads > 1 && !L->reverse && K <= SWEEP_MAX_K && (w = cpted__calloc(1, sizeof *w));
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
    /* passes sweep the headings forward and backward in turn: a chain of left
       turns is carried in one forward pass, of right turns in one backward
       (half the passes of forward only; the fixed point is the same) */
    for (int pass = 0; changed && rc == CPTED_OK; pass++) {
        changed = false;
        bool back = ((pass & 1) != 0) != L->reverse;
        if (parallel) {
            w->done_a = w->done_b = 0; /* the worker waits at `start` */
            w->stop_pass = false;
            w->back = back;
            pthread_barrier_wait(&w->start);
            for (int i = 0; i < half; i++) {
                if (search_stopped(L)) {
                    rc = search_interrupted(L);
                    pthread_mutex_lock(&w->mu);
                    w->stop_pass = true;
                    pthread_cond_broadcast(&w->cv);
                    pthread_mutex_unlock(&w->mu);
                    break;
                }
                if (!sweeper_wait(w, &w->done_b, w->need_a[back][i]))
                    break;
                if (sweep(L, dirty, heading_a(half, i, back)))
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
            if (search_stopped(L)) {
                rc = search_interrupted(L);
                break;
            }
            /* K odd: the last step has the worker's heading only */
            if (i < half && sweep(L, dirty, heading_a(half, i, back)))
                changed = true;
            if (sweep(L, dirty, heading_b(K, half, i, back)))
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
    return rc;
}

/* The chain of predecessors of state s, s first, cut at the first state met
 * twice (a circuit at a cornering cap or at vmax gives equal speeds round a
 * loop; the chain then starts on the loop, at its speed). New array or NULL. */
static int64_t *chain_of(const cpted__lattice *L, int64_t s, size_t *n_out)
{
    size_t n = 0, cap = 0, hcap = 64;
    int64_t *chain = NULL;
    int64_t *seen = cpted__malloc(hcap * sizeof *seen); /* open addressing, -1 empty */
    if (!seen)
        return NULL;
    for (size_t i = 0; i < hcap; i++)
        seen[i] = -1;
    while (s >= 0) {
        if (2 * (n + 1) > hcap) { /* grow the set and put the chain back in */
            size_t ncap = hcap * 2;
            int64_t *ns = cpted__malloc(ncap * sizeof *ns);
            if (!ns)
                goto fail;
            for (size_t i = 0; i < ncap; i++)
                ns[i] = -1;
            for (size_t i = 0; i < n; i++) {
                size_t h = (size_t)(chain[i] * 2654435761u) & (ncap - 1);
                while (ns[h] >= 0)
                    h = (h + 1) & (ncap - 1);
                ns[h] = chain[i];
            }
            cpted__free(seen);
            seen = ns;
            hcap = ncap;
        }
        size_t h = (size_t)(s * 2654435761u) & (hcap - 1);
        bool again = false;
        while (seen[h] >= 0) {
            if (seen[h] == s) {
                again = true;
                break;
            }
            h = (h + 1) & (hcap - 1);
        }
        if (again)
            break;
        seen[h] = s;
        if (!cpted__grow((void **)&chain, &cap, n + 1, sizeof *chain))
            goto fail;
        chain[n++] = s;
        s = L->lab[s].pred;
    }
    cpted__free(seen);
    *n_out = n;
    return chain;
fail:
    cpted__free(seen);
    cpted__free(chain);
    return NULL;
}

/* ---- answers ------------------------------------------------------------- */

/* The move from state p to state s and its length with the credit (false
 * when none lands there). */
static bool move_between(const cpted__lattice *L, int64_t p, int64_t s, const move **out,
                         double *len)
{
    int k, u, w;
    double x, y;
    state_pose(L, p, &k, &x, &y);
    const grid *g = &L->grids[k];
    u = L->dense_of[p] / g->nw;
    w = L->dense_of[p] % g->nw;
    const move *mv = &L->mv[(size_t)k * L->nmove];
    for (int m = 0; m < L->nmove; m++) {
        int iu, iw, tail;
        if (landing(L, &mv[m], k, x, y, u, w, &iu, &iw, &tail) == s) {
            *out = &mv[m];
            *len = mv[m].length_m + credit_m(L, tail);
            return true;
        }
    }
    return false;
}

/* The drawn path of a chain (chain[0] last), start first: where its start
 * was given a run-up (a seed, a standstill start behind a wall), the point
 * that far behind it; the points of each arc about a cell apart (arcs drawn
 * as arcs, not chords); each state's point. Window coordinates. New array. */
static bool chain_polyline(const cpted__lattice *L, const int64_t *chain, size_t nc, double **xy_out,
                           size_t *n_out)
{
    size_t n = 0, cap = 0;
    double *xy = NULL;
    bool ok = true;
#define PUT(px, py)                                                                      \
    do {                                                                                 \
        ok = ok && cpted__grow((void **)&xy, &cap, 2 * n + 2, sizeof *xy);               \
        if (ok) {                                                                        \
            xy[2 * n] = (px);                                                            \
            xy[2 * n + 1] = (py);                                                        \
            n++;                                                                         \
        }                                                                                \
    } while (0)
    for (size_t c = nc; c-- > 0 && ok;) {
        int k;
        double x, y;
        state_pose(L, chain[c], &k, &x, &y);
        const move *m = NULL;
        double len;
        if (c + 1 == nc && L->lab[chain[c]].pred < 0 && L->lab[chain[c]].runup > 0) {
            double back = L->lab[chain[c]].runup;
            PUT(x - back * L->grids[k].ex, y - back * L->grids[k].ey);
        } else if (c + 1 < nc && move_between(L, chain[c + 1], chain[c], &m, &len) && m->dk != 0) {
            int pk;
            double px, py;
            state_pose(L, chain[c + 1], &pk, &px, &py);
            for (int q = m->s0 + MASK_SUB - 1; q < m->s1 - 1; q += MASK_SUB)
                PUT(px + L->sample_xy[2 * q], py + L->sample_xy[2 * q + 1]);
            PUT(px + m->end_dx, py + m->end_dy);
        }
        PUT(x, y);
    }
#undef PUT
    if (!ok) {
        cpted__free(xy);
        return false;
    }
    *xy_out = xy;
    *n_out = n;
    return true;
}

static double polyline_length(const double *xy, size_t n)
{
    double len = 0;
    for (size_t i = 0; i + 1 < n; i++)
        len += hypot(xy[2 * i + 2] - xy[2 * i], xy[2 * i + 3] - xy[2 * i + 1]);
    return len;
}

double cpted__lattice_runup(const cpted__lattice *L, int64_t state)
{
    size_t nc = 0, n = 0;
    double *xy = NULL, len = NAN;
    if (!L->lab)
        return NAN; /* speeds only */
    int64_t *chain = chain_of(L, state, &nc);
    if (chain && chain_polyline(L, chain, nc, &xy, &n))
        len = polyline_length(xy, n);
    cpted__free(xy);
    cpted__free(chain);
    return len;
}

bool cpted__lattice_best_arrival(const cpted__lattice *L, const cpted__lattice_goal *goal,
                                 cpted__lattice_hit *out)
{
    double tx = goal->x - L->x0, ty = goal->y - L->y0;
    /* the states within one straight step of contact (the rest is taken
       straight, by the closed form) */
    double reach = goal->rho_m + L->along;
    bool found = false;
    double best_rest = 0;
    for (int k = 0; k < L->K; k++) {
        const grid *g = &L->grids[k];
        double ux = g->ex, uy = g->ey;
        if (goal->has_side && ux * goal->nx + uy * goal->ny > -1e-9)
            continue; /* not moving towards the line */
        double fu, fw;
        grid_nearest(L, g, tx, ty, &fu, &fw);
        int ru = (int)ceil(reach * L->inv_along) + 1, rw = (int)ceil(reach * L->inv_across) + 1;
        int cu = (int)floor(fu + 0.5) - g->u0, cw = (int)floor(fw + 0.5) - g->w0;
        for (int u = cu - ru; u <= cu + ru; u++)
            for (int w = cw - rw; w <= cw + rw; w++) {
                if (u < 0 || w < 0 || u >= g->nu || w >= g->nw)
                    continue;
                int32_t s = grid_state(g, u, w);
                if (s < 0)
                    continue;
                double px, py;
                grid_point(L, g, u + g->u0, w + g->w0, &px, &py);
                double dx = tx - px, dy = ty - py;
                double d = hypot(dx, dy);
                if (d > reach)
                    continue;
                double along = dx * ux + dy * uy;
                double lateral = fabs(dx * uy - dy * ux);
                /* heading at the target, not past it (a state past the target
                 * gained its speed beyond it) */
                if (along < 0.0 || lateral > goal->rho_m + L->h * 0.5)
                    continue;
                /* on the attack side */
                if (goal->has_side && (px - tx) * goal->nx + (py - ty) * goal->ny < 0.0)
                    continue;
                /* the rest of the way to contact, straight (exact closed form) */
                double rest = fmax(0.0, d - goal->rho_m);
                double v = speed_of(L->speed[s]);
                if (rest > 0 && v < L->vmax) {
                    double v2;
                    if (cpted_vehicle_speed_after(&v2, &L->kin, fmin(v, L->vmax * (1 - 1e-12)),
                                                  rest) == CPTED_OK)
                        v = v2;
                }
                if (!found || v > out->v_mps || (v == out->v_mps && s < out->state)) {
                    found = true;
                    out->v_mps = v;
                    best_rest = rest;
                    out->state = (int64_t)s;
                    out->ux = ux;
                    out->uy = uy;
                }
            }
    }
    if (found) /* the run-up: the length of the path drawn, then the rest (NaN: speeds only) */
        out->runup_m = cpted__lattice_runup(L, out->state) + best_rest;
    return found;
}

/* The fastest arrival at contact point (cx, cy) (window coordinates of the
 * caller: the working CRS) straight along the direction of travel (ux, uy)
 * from a state at most len before it (len: the free length of that ray in R),
 * faster than *best (m/s): a state of one of the two headings either side of
 * the direction, within a quarter cell of the ray, goes on straight to the
 * contact point at full acceleration (the exact closed form). The heading it
 * changes to (less than a heading step) is free and the straight is the ray's
 * within the mask's slack: the safe side. It lets the last leg of an approach
 * be a long straight at any angle, as through a passage not much wider than
 * the vehicle that no heading of the lattice follows. */
bool cpted__lattice_best_on_ray(const cpted__lattice *L, double cx, double cy, double ux,
                                double uy, double len, double *best, cpted__lattice_hit *out)
{
    double x = cx - L->x0, y = cy - L->y0;
    double psi = atan2(uy, ux), step = 2.0 * CPTED__PI / L->K;
    double f = psi / step;
    int k0 = ifloor(f);
    bool found = false;
    double tol = 0.5 * L->across, a0 = L->kin.a0_mps2, best_d = 0;
    for (int j = 0; j < 2; j++) {
        int k = ((k0 + j) % L->K + L->K) % L->K;
        const grid *g = &L->grids[k];
        for (double d = L->along; d <= len + L->along; d += L->along) {
            double fu, fw;
            int pu, pw;
            int32_t s = grid_nearest_at(L, g, x - d * ux, y - d * uy, &fu, &fw, &pu, &pw);
            if (s < 0)
                continue;
            double v = speed_of(L->speed[s]);
            if (v <= 0)
                continue;
            /* its point (that of state_pose(), without looking for its grid) */
            double px, py;
            grid_point(L, g, pu, pw, &px, &py);
            double rx = x - px, ry = y - py;
            double along = rx * ux + ry * uy, lateral = fabs(rx * uy - ry * ux);
            if (!(along > 0) || along > len || lateral > tol)
                continue;
            if (!(sqrt(v * v + 2.0 * a0 * along) > *best)) /* a bound: a(v) <= a0 */
                continue;
            double v2 = v;
            if (v < L->vmax &&
                cpted_vehicle_speed_after(&v2, &L->kin, fmin(v, L->vmax * (1 - 1e-12)), along) !=
                    CPTED_OK)
                continue;
            if (v2 > *best) {
                *best = v2;
                found = true;
                out->v_mps = v2;
                out->state = s;
                out->ux = ux;
                out->uy = uy;
                best_d = along;
            }
        }
    }
    if (found) /* the leg only: the caller adds cpted__lattice_runup() of the best */
        out->runup_m = best_d;
    return found;
}

int cpted__lattice_path(const cpted__lattice *L, int64_t state, double tx, double ty,
                        double **xy_out, size_t *n_out)
{
    *xy_out = NULL;
    *n_out = 0;
    if (!L->lab)
        return cpted__error(L->ctx, CPTED_E_INVALID, "vda: a lattice of speeds only has no paths");
    size_t nc = 0;
    int64_t *chain = chain_of(L, state, &nc);
    if (!chain)
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for a VDA path");
    size_t n = 0;
    double *xy = NULL;
    bool ok = chain_polyline(L, chain, nc, &xy, &n);
    cpted__free(chain);
    for (size_t i = 0; ok && i < n; i++) {
        xy[2 * i] += L->x0;
        xy[2 * i + 1] += L->y0;
    }
    size_t cap = 2 * n;
    ok = ok && cpted__grow((void **)&xy, &cap, 2 * n + 2, sizeof *xy);
    if (!ok) {
        cpted__free(xy);
        return cpted__error(L->ctx, CPTED_E_NOMEM, "out of memory for a VDA path");
    }
    xy[2 * n] = tx;
    xy[2 * n + 1] = ty;
    n++;
    *xy_out = xy;
    *n_out = n;
    return CPTED_OK;
}
