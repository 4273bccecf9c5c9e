/* vda_targets.c - the targets of the vehicle dynamics assessment
 * (architecture.md §8, docs/method-vda.md §1): samples along the lines of
 * protection (every spacing_m) and their barrier elements, or along the asset
 * facades, or the caller's points; each with the normal of its attack side and
 * the barrier element a vehicle there would hit.
 */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_M 1.0 /* barrier elements this close to a line are on it */

/* ---- targets ------------------------------------------------------------- */


static int add_target(cpted__vda_builder *b, cpted__vda_kind kind, char *id, const char *line_id,
                      double station, double x, double y, double nx, double ny, size_t element)
{
    cpted_vda *v = b->v;
    if (!id || !cpted__grow((void **)&v->targets, &v->target_cap, v->target_count + 1,
                            sizeof *v->targets) ||
        !cpted__grow((void **)&b->in, &b->in_cap, v->target_count + 1, sizeof *b->in)) {
        cpted__free(id);
        return cpted__error(v->ctx, CPTED_E_NOMEM, "out of memory for the VDA targets");
    }
    cpted__vda_target *t = &v->targets[v->target_count];
    memset(t, 0, sizeof *t);
    t->rec.struct_size = sizeof t->rec;
    t->id = id;
    t->rec.id = id;
    t->rec.line_id = line_id;
    t->rec.station_m = station;
    t->rec.x = x;
    t->rec.y = y;
    t->nx = nx;
    t->ny = ny;
    t->element = element;
    b->in[v->target_count].rho_m = 0;
    b->in[v->target_count].core_r = 0;
    b->in[v->target_count].kind = kind;
    v->target_count++;
    return CPTED_OK;
}

/* Signed area of a closed ring (> 0 counter-clockwise). */
static double ring_area(const double *xy, unsigned int n)
{
    double a = 0;
    for (unsigned int i = 0; i + 1 < n; i++)
        a += xy[2 * i] * xy[2 * i + 3] - xy[2 * i + 2] * xy[2 * i + 1];
    return a / 2;
}

/* The centroid of the site's assets nearest to (x, y) (false when none). */
static bool nearest_asset(const cpted_vda *v, double x, double y, double *ax, double *ay)
{
    cpted_context *ctx = v->ctx;
    const cpted_site *site = v->site;
    double best = DBL_MAX;
    bool found = false;
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
    if (!p)
        return false;
    for (size_t i = 0; i < site->feature_count; i++) {
        const cpted__feature *f = &site->features[i];
        if (f->role != CPTED_ROLE_ASSET)
            continue;
        double d;
        if (GEOSDistance_r(ctx->geos, f->geom, p, &d) != 1 || !(d < best))
            continue;
        GEOSGeometry *c = GEOSGetCentroid_r(ctx->geos, f->geom);
        if (c && GEOSGeomGetX_r(ctx->geos, c, ax) == 1 && GEOSGeomGetY_r(ctx->geos, c, ay) == 1) {
            best = d;
            found = true;
        }
        if (c)
            GEOSGeom_destroy_r(ctx->geos, c);
    }
    GEOSGeom_destroy_r(ctx->geos, p);
    return found;
}

/* Turns the left normal (nx, ny) of a line at (x, y) into the attack side's:
 * normal_sign +1 keeps it, -1 flips it, 0 points it away from the nearest
 * asset, and without an asset (or 2) gives (0, 0): both sides. */
static void attack_normal(const cpted_vda *v, double x, double y, int normal_sign, double *nx,
                          double *ny)
{
    int sign = normal_sign;
    if (sign == 0) {
        double cx, cy;
        if (nearest_asset(v, x, y, &cx, &cy)) {
            double side = (cx - x) * *nx + (cy - y) * *ny;
            sign = side > 0 ? -1 : side < 0 ? 1 : 2;
        } else {
            sign = 2;
        }
    }
    if (sign == 2) {
        *nx = *ny = 0;
    } else if (sign < 0) {
        *nx = -*nx;
        *ny = -*ny;
    }
}

/* Samples along a ring or line of coordinates xy (n points, length len) every
 * spacing; normal_sign: +1 the left of the direction is the attack side, -1
 * the right, 0 decided per sample by side_of_asset (open lines), 2 both sides. */
static int sample_polyline(cpted__vda_builder *b, cpted__vda_kind kind, const char *line_id,
                           const double *xy,
                           unsigned int n, bool closed, int normal_sign, const char *id_prefix)
{
    cpted_vda *v = b->v;
    double spacing = v->opts.spacing_m;
    double total = 0;
    for (unsigned int i = 0; i + 1 < n; i++)
        total += hypot(xy[2 * i + 2] - xy[2 * i], xy[2 * i + 3] - xy[2 * i + 1]);
    if (!(total > 0))
        return CPTED_OK;
    size_t count = (size_t)floor(total / spacing + 1e-9) + 1;
    if (closed && count > 1 && fabs((count - 1) * spacing - total) < 1e-9)
        count--; /* the ring's end is its start */
    unsigned int seg = 0;
    double seg_start = 0;
    for (size_t s = 0; s < count; s++) {
        double station = fmin(s * spacing, total);
        while (seg + 2 < n) {
            double l = hypot(xy[2 * seg + 2] - xy[2 * seg], xy[2 * seg + 3] - xy[2 * seg + 1]);
            if (seg_start + l >= station)
                break;
            seg_start += l;
            seg++;
        }
        double ax = xy[2 * seg], ay = xy[2 * seg + 1], bx = xy[2 * seg + 2], by = xy[2 * seg + 3];
        double l = hypot(bx - ax, by - ay);
        double t = l > 0 ? fmin(1.0, fmax(0.0, (station - seg_start) / l)) : 0;
        double x = ax + (bx - ax) * t, y = ay + (by - ay) * t;
        double tx = l > 0 ? (bx - ax) / l : 1, ty = l > 0 ? (by - ay) / l : 0;
        double nx = -ty, ny = tx; /* left normal */
        attack_normal(v, x, y, normal_sign, &nx, &ny);
        int rc = add_target(b, kind, cpted__printf("%s@%.1f", id_prefix, station), line_id,
                            station, x, y, nx, ny, CPTED__VDA_NO_FEATURE);
        if (rc != CPTED_OK)
            return rc;
    }
    return CPTED_OK;
}

/* The barrier points within SNAP_M of a line: element targets at them, with
 * the line's attack-side normal there. */
static int line_elements(cpted__vda_builder *b, const cpted__barrier_line *line, const double *xy,
                         unsigned int n, int normal_sign)
{
    cpted_vda *v = b->v;
    cpted_context *ctx = v->ctx;
    const cpted__footprint_item **near;
    size_t count;
    int rc = cpted__freespace_footprints_near(v->fs, line->geom, SNAP_M, &near, &count);
    for (size_t i = 0; i < count && rc == CPTED_OK; i++) {
        const cpted__footprint_item *it = near[i];
        const cpted__feature *f = &v->site->features[it->feature];
        if (f->role != CPTED_ROLE_BARRIER || it->core_r <= 0)
            continue;
        double d;
        if (GEOSDistance_r(ctx->geos, it->core, line->geom, &d) != 1 || d > SNAP_M)
            continue;
        double x, y;
        GEOSGeomGetX_r(ctx->geos, it->core, &x);
        GEOSGeomGetY_r(ctx->geos, it->core, &y);
        double station = GEOSProject_r(ctx->geos, line->geom, it->core);
        /* the normal of the segment nearest to the element */
        double best = DBL_MAX, nx = 0, ny = 0;
        for (unsigned int k = 0; k + 1 < n; k++) {
            double ax = xy[2 * k], ay = xy[2 * k + 1], ex = xy[2 * k + 2] - ax,
                   ey = xy[2 * k + 3] - ay;
            double l2 = ex * ex + ey * ey;
            if (!(l2 > 0))
                continue;
            double t = fmin(1, fmax(0, ((x - ax) * ex + (y - ay) * ey) / l2));
            double dd = hypot(ax + ex * t - x, ay + ey * t - y);
            if (dd < best) {
                best = dd;
                double l = sqrt(l2);
                nx = -ey / l;
                ny = ex / l;
            }
        }
        attack_normal(v, x, y, normal_sign, &nx, &ny);
        rc = add_target(b, CPTED__VDA_ELEMENT, cpted__strdup(f->id), line->id, station, x, y,
                        nx, ny,
                        it->feature);
        if (rc == CPTED_OK)
            b->in[v->target_count - 1].core_r = it->core_r;
    }
    cpted__free(near);
    return rc;
}

static int perimeter_targets(cpted__vda_builder *b)
{
    cpted_vda *v = b->v;
    const cpted__lines *lines;
    int rc = cpted__freespace_lines(v->fs, v->opts.chain_m, &lines);
    if (rc != CPTED_OK)
        return rc;
    for (size_t i = 0; i < lines->warning_count; i++)
        cpted__result_add_warning(&v->head, lines->warnings[i]);
    for (size_t i = 0; i < lines->count && rc == CPTED_OK; i++) {
        const cpted__barrier_line *line = &lines->items[i];
        unsigned int n = 0;
        double *xy = cpted__line_coords(v->ctx, line->geom, &n);
        if (!xy)
            return cpted__error(v->ctx, CPTED_E_NOMEM, "out of memory for the VDA targets");
        /* closed: the outside is the attack side (right of a counter-clockwise
         * ring); open: away from the nearest asset, both sides without one */
        int sign = line->closed ? (ring_area(xy, n) > 0 ? -1 : 1) : 0;
        rc = sample_polyline(b, CPTED__VDA_ON_LINE, line->id, xy, n, line->closed, sign, line->id);
        if (rc == CPTED_OK)
            rc = line_elements(b, line, xy, n, sign);
        cpted__free(xy);
    }
    return rc;
}

static int facade_targets(cpted__vda_builder *b)
{
    cpted_vda *v = b->v;
    cpted_context *ctx = v->ctx;
    int rc = CPTED_OK;
    for (size_t i = 0; i < v->site->feature_count && rc == CPTED_OK; i++) {
        const cpted__feature *f = &v->site->features[i];
        if (f->role != CPTED_ROLE_ASSET)
            continue;
        int parts = GEOSGetNumGeometries_r(ctx->geos, f->geom);
        for (int p = 0; p < parts && rc == CPTED_OK; p++) {
            const GEOSGeometry *pg = GEOSGetGeometryN_r(ctx->geos, f->geom, p);
            if (GEOSGeomTypeId_r(ctx->geos, pg) != GEOS_POLYGON)
                continue;
            unsigned int n = 0;
            double *xy = cpted__line_coords(ctx, GEOSGetExteriorRing_r(ctx->geos, pg), &n);
            if (!xy)
                return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA targets");
            char *prefix = parts > 1 ? cpted__printf("%s/%d", f->id, p + 1) : cpted__strdup(f->id);
            if (!prefix) {
                cpted__free(xy);
                return cpted__error(ctx, CPTED_E_NOMEM, "out of memory for the VDA targets");
            }
            rc = sample_polyline(b, CPTED__VDA_FACADE, f->id, xy, n, true,
                                 ring_area(xy, n) > 0 ? -1 : 1,
                                 prefix);
            cpted__free(prefix);
            cpted__free(xy);
        }
    }
    return rc;
}

static int point_targets(cpted__vda_builder *b)
{
    cpted_vda *v = b->v;
    for (size_t i = 0; i < v->opts.point_count; i++) {
        int rc = add_target(b, CPTED__VDA_POINT, cpted__printf("point:%zu", i + 1), NULL, NAN,
                            v->opts.points_xy[2 * i], v->opts.points_xy[2 * i + 1], 0, 0,
                            CPTED__VDA_NO_FEATURE);
        if (rc != CPTED_OK)
            return rc;
    }
    return CPTED_OK;
}

static int sample_targets(cpted__vda_builder *b)
{
    cpted_vda *v = b->v;
    int kind = v->opts.targets;
    int rc = CPTED_OK;
    if (kind == CPTED_VDA_TARGETS_AUTO || kind == CPTED_VDA_TARGETS_PERIMETER) {
        size_t before = v->target_count;
        rc = perimeter_targets(b);
        if (rc == CPTED_OK && kind == CPTED_VDA_TARGETS_AUTO && v->target_count == before)
            rc = facade_targets(b);
    } else if (kind == CPTED_VDA_TARGETS_FACADES) {
        rc = facade_targets(b);
    }
    if (rc == CPTED_OK)
        rc = point_targets(b);
    return rc;
}

/* ---- the barrier element of each target ---------------------------------- */

/* The nearest blocking barrier footprint within half the vehicle width of
 * the target (the vehicle disc centred there touches it), for samples. */
static int assign_elements(cpted_vda *v)
{
    cpted_context *ctx = v->ctx;
    double reach = v->vehicle.width_m / 2;
    int rc = CPTED_OK;
    for (size_t t = 0; t < v->target_count && rc == CPTED_OK; t++) {
        cpted__vda_target *tg = &v->targets[t];
        if (tg->element != CPTED__VDA_NO_FEATURE)
            continue;
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, tg->rec.x, tg->rec.y);
        if (!p)
            return cpted__geos_fail(ctx, "vda", "point");
        const cpted__footprint_item **near;
        size_t count;
        rc = cpted__freespace_footprints_near(v->fs, p, reach, &near, &count);
        double best = DBL_MAX;
        for (size_t i = 0; i < count; i++) {
            const cpted__footprint_item *it = near[i];
            if (v->site->features[it->feature].role != CPTED_ROLE_BARRIER)
                continue;
            /* a bollard from its exact disc, not the polygon inside it */
            double d;
            if (GEOSDistance_r(ctx->geos, it->core, p, &d) != 1)
                continue;
            d = fmax(0.0, d - it->core_r);
            if (d <= reach && d < best) {
                best = d;
                tg->element = it->feature;
            }
        }
        cpted__free(near);
        GEOSGeom_destroy_r(ctx->geos, p);
    }
    return rc;
}

int cpted__vda_build_targets(cpted__vda_builder *b)
{
    int rc = sample_targets(b);
    return rc == CPTED_OK ? assign_elements(b->v) : rc;
}
