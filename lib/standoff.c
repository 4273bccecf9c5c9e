/*
 * standoff.c - standoff and blast load per asset (architecture.md §7): the
 * distance from each asset to the vehicle-accessible area A, the required
 * standoff, the blast at the standoff and the encroachment of A into it.
 * Method and assumptions: docs/method-standoff.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <string.h>

/* Distances below this are float noise of touching geometry: reported as 0. */
#define TOUCH_TOL_M 1e-6

typedef struct asset_result {
    cpted_standoff_asset rec;     /* id and name borrowed from the site */
    const char *required_source;  /* "attribute", "threat" or NULL */
    double reflected_impulse_kpa_ms;
    GEOSGeometry *encroachment;   /* A ∩ (asset ⊕ required), possibly empty */
    size_t feature;               /* index into site->features */
} asset_result;

struct cpted_standoff {
    cpted__result head; /* site and free space referenced, warnings */
    cpted_site *site;   /* = head.site */
    cpted_context *ctx; /* = head.ctx */
    cpted_vehicle vehicle;
    double charge_kg;             /* 0: none */
    double allowable_kpa;         /* 0: none */
    double threat_required_m;     /* standoff for charge + allowable, or NaN */
    cpted_freespace *fs;          /* = head.fs */
    cpted__tiles *tiles;          /* of A (the free space's cache) */
    asset_result *assets;
    size_t count;
};

/* ---- options ----------------------------------------------------------- */

CPTED_API int CPTED_CALL cpted_standoff_options_init(cpted_standoff_options *opts,
                                                     size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_STANDOFF_OPTIONS_V1_SIZE)
        return CPTED_E_VERSION;
    memset(opts, 0, struct_size);
    opts->struct_size = (uint32_t)struct_size;
    return CPTED_OK;
}

/* Copies and checks the user's options (NULL: defaults). */
static int resolve_options(cpted_context *ctx, const cpted_standoff_options *user,
                           cpted_standoff_options *out)
{
    cpted_standoff_options_init(out, sizeof *out);
    if (!user)
        return CPTED_OK;
    int rc = cpted__options_copy(ctx, out, user, sizeof *out, CPTED_STANDOFF_OPTIONS_V1_SIZE,
                                 "standoff options");
    if (rc != CPTED_OK)
        return rc;
    if (!isfinite(out->charge_kg) || out->charge_kg < 0.0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "standoff: charge_kg = %g must be a finite mass >= 0 kg TNT (0 = no "
                            "threat)",
                            out->charge_kg);
    if (!isfinite(out->allowable_kpa) || out->allowable_kpa < 0.0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "standoff: allowable_kpa = %g must be a finite pressure > 0 kPa (0 = "
                            "none)",
                            out->allowable_kpa);
    /* plausible ranges (docs/ranges.md): a 1e9 kg charge is a typing error */
    if (out->charge_kg > 0.0 && (rc = cpted__check_range(ctx, "charge_kg", out->charge_kg)))
        return rc;
    if (out->allowable_kpa > 0.0 &&
        (rc = cpted__check_range(ctx, "allowable_kpa", out->allowable_kpa)))
        return rc;
    if (out->allowable_kpa > 0.0 && out->charge_kg == 0.0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "standoff: allowable_kpa = %g needs a charge (charge_kg > 0)",
                            out->allowable_kpa);
    return CPTED_OK;
}

/* ---- per asset ----------------------------------------------------------- */

static void fill_blast(cpted_standoff *s, asset_result *a)
{
    cpted_standoff_asset *r = &a->rec;
    r->scaled_distance = r->incident_kpa = r->reflected_kpa = NAN;
    r->incident_impulse_kpa_ms = a->reflected_impulse_kpa_ms = NAN;
    r->blast_in_range = 0;
    r->incident_kpa_at_least = r->reflected_kpa_at_least = NAN;
    if (!(s->charge_kg > 0.0) || !r->reachable)
        return;
    cpted_blast_scaled_distance(&r->scaled_distance, r->standoff_m, s->charge_kg);
    cpted_blast blast;
    memset(&blast, 0, sizeof blast);
    blast.struct_size = (uint32_t)sizeof blast;
    /* Z outside the fit gives no numbers, never extrapolated; closer than the
     * fit reaches (standoff 0 too), the load is at least its value at the
     * fit's nearest end (pressure falls with distance): a bound, not "none" */
    if (r->scaled_distance < cpted_blast_z_min()) {
        double at_end = cpted_blast_z_min() * cbrt(s->charge_kg);
        if (cpted_blast_surface_burst(&blast, s->charge_kg, at_end) == CPTED_OK) {
            r->incident_kpa_at_least = blast.incident_kpa;
            r->reflected_kpa_at_least = blast.reflected_kpa;
        }
        return;
    }
    if (!(r->standoff_m > 0.0) ||
        cpted_blast_surface_burst(&blast, s->charge_kg, r->standoff_m) != CPTED_OK)
        return;
    r->blast_in_range = 1;
    r->incident_kpa = blast.incident_kpa;
    r->reflected_kpa = blast.reflected_kpa;
    r->incident_impulse_kpa_ms = blast.incident_impulse_kpa_ms;
    a->reflected_impulse_kpa_ms = blast.reflected_impulse_kpa_ms;
}

/* Distance and nearest pair from the asset to A, from the tiles of A near the
 * asset (whatever its form: polygon, multipolygon, with holes): the cost of
 * an asset is what A near it costs, not all of A. */
static int measure(cpted_standoff *s, const cpted__feature *f, asset_result *a)
{
    cpted_context *ctx = s->ctx;
    cpted_standoff_asset *r = &a->rec;
    double d = NAN;
    unsigned long nomem_reports = ctx->nomem_reports;
    int rc = cpted__tiles_distance(ctx, s->tiles, f->geom, &d);
    if (rc != CPTED_OK)
        return cpted__nomem_status(
            ctx,
            cpted__error(ctx, rc, "standoff of asset %s: distance failed: %s", f->id,
                         cpted_context_last_error(ctx)),
            nomem_reports);
    double xy[4];
    rc = cpted__tiles_nearest_points(ctx, s->tiles, f->geom, d, xy);
    if (rc != CPTED_OK)
        return cpted__nomem_status(
            ctx,
            cpted__error(ctx, rc, "standoff of asset %s: nearest points failed: %s", f->id,
                         cpted_context_last_error(ctx)),
            nomem_reports);
    /* the first point lies on A, the second on the asset */
    r->vehicle_x = xy[0];
    r->vehicle_y = xy[1];
    r->asset_x = xy[2];
    r->asset_y = xy[3];
    r->standoff_m = d < TOUCH_TOL_M ? 0.0 : d;
    return CPTED_OK;
}

/* A ∩ (asset ⊕ required) when the vehicle gets closer than required. */
static int encroach(cpted_standoff *s, const cpted__feature *f, asset_result *a)
{
    cpted_context *ctx = s->ctx;
    cpted_standoff_asset *r = &a->rec;
    r->encroachment_m2 = 0.0;
    if (!r->reachable || !(r->required_m > 0.0) || !(r->standoff_m < r->required_m)) {
        a->encroachment = cpted__empty_polygon(ctx);
        return a->encroachment ? CPTED_OK : CPTED_E_NOMEM;
    }
    GEOSBufferParams *bp = GEOSBufferParams_create_r(ctx->geos);
    if (!bp)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    /* the zone must never be smaller than the exact one: circumscribed arcs;
     * and the vehicle is never inside the asset (A reaches a hair into it) */
    int q = CPTED__OUTER_SEGMENTS((int)s->fs->opts.quadrant_segments);
    GEOSBufferParams_setQuadrantSegments_r(ctx->geos, bp, q);
    GEOSGeometry *grown =
        GEOSBufferWithParams_r(ctx->geos, f->geom, bp, cpted__circumscribed(r->required_m, q));
    GEOSBufferParams_destroy_r(ctx->geos, bp);
    GEOSGeometry *zone = grown ? GEOSDifference_r(ctx->geos, grown, f->geom) : NULL;
    if (grown)
        GEOSGeom_destroy_r(ctx->geos, grown);
    unsigned long nomem_reports = ctx->nomem_reports;
    GEOSGeometry *cut = zone ? cpted__tiles_intersection(ctx, s->tiles, zone) : NULL;
    if (zone)
        GEOSGeom_destroy_r(ctx->geos, zone);
    if (!cut)
        return cpted__nomem_status(
            ctx,
            cpted__error(ctx, CPTED_E_GEOMETRY, "encroachment of asset %s failed: %s", f->id,
                         zone ? cpted_context_last_error(ctx) : cpted__geos_error(ctx)),
            nomem_reports);
    a->encroachment = cpted__polygonal(ctx, cut);
    if (!a->encroachment)
        return CPTED_E_NOMEM;
    GEOSArea_r(ctx->geos, a->encroachment, &r->encroachment_m2);
    return CPTED_OK;
}

static int assess(cpted_standoff *s, bool reachable, const cpted__feature *f, asset_result *a)
{
    cpted_context *ctx = s->ctx;
    cpted_standoff_asset *r = &a->rec;
    double area = 0.0;
    if (!GEOSArea_r(ctx->geos, f->geom, &area) || !(area > 0.0))
        return cpted__error(ctx, CPTED_E_GEOMETRY, "asset %s has no area: a protected asset must "
                                                   "be a polygon with area",
                            f->id);
    r->struct_size = (uint32_t)sizeof *r;
    r->id = f->id;
    r->name = f->name;
    /* nothing entered: not "unreached", but not assessed at all */
    r->assessed = s->fs->not_assessed == NULL;
    r->reachable = reachable;
    r->standoff_m = r->asset_x = r->asset_y = r->vehicle_x = r->vehicle_y = NAN;
    if (reachable) {
        int rc = measure(s, f, a);
        if (rc != CPTED_OK)
            return rc;
    }
    if (isfinite(f->required_standoff_m)) {
        r->required_m = f->required_standoff_m;
        a->required_source = "attribute";
    } else if (isfinite(s->threat_required_m)) {
        r->required_m = s->threat_required_m;
        a->required_source = "threat";
    } else {
        r->required_m = NAN;
        a->required_source = NULL;
    }
    /* R is never empty when assessed, and every asset is then measured: ok is
     * a real comparison or (no requirement, or not assessed) none */
    r->ok = isnan(r->required_m) || !r->assessed ? -1 : r->standoff_m >= r->required_m;
    fill_blast(s, a);
    return encroach(s, f, a);
}

/* ---- run and free ---------------------------------------------------------- */

static int run(cpted_standoff *s)
{
    cpted_context *ctx = s->ctx;
    const cpted_site *site = s->site;
    size_t n = 0;
    for (size_t i = 0; i < site->feature_count; i++)
        n += site->features[i].role == CPTED_ROLE_ASSET;
    if (n == 0)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "standoff: the site has no asset (give protected buildings the role "
                            "'asset')");
    s->threat_required_m = NAN;
    if (s->charge_kg > 0.0 && s->allowable_kpa > 0.0) {
        int rc = cpted_blast_standoff_for(&s->threat_required_m, s->charge_kg, s->allowable_kpa);
        if (rc != CPTED_OK)
            return cpted__error(ctx, rc,
                                "standoff: allowable pressure %g kPa is outside the range of the "
                                "Kingery-Bulmash fit for a charge of %g kg TNT",
                                s->allowable_kpa, s->charge_kg);
    }
    s->assets = cpted__calloc(n, sizeof *s->assets);
    if (!s->assets)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    int rc = CPTED_OK;
    bool reachable = GEOSisEmpty_r(ctx->geos, s->fs->accessible) == 0;
    if (reachable)
        rc = cpted__freespace_tiles(s->fs, CPTED_SPACE_ACCESSIBLE, &s->tiles);
    for (size_t i = 0; i < site->feature_count && rc == CPTED_OK; i++) {
        if (site->features[i].role != CPTED_ROLE_ASSET)
            continue;
        s->assets[s->count].feature = i;
        rc = assess(s, reachable, &site->features[i], &s->assets[s->count]);
        s->count++; /* counted even on failure so that free() releases it */
        if (rc == CPTED_OK && (s->count & 63) == 0) {
            cpted__progress(ctx, (double)s->count / (double)n, "standoff");
            if (cpted__interrupted(ctx))
                rc = cpted__error(ctx, CPTED_E_INTERRUPTED, "standoff: interrupted");
        }
    }
    s->tiles = NULL;
    if (rc == CPTED_OK)
        cpted__progress(ctx, 1.0, "standoff");
    return rc;
}

CPTED_API int CPTED_CALL cpted_standoff_run(cpted_standoff **out, cpted_freespace *fs,
                                            const cpted_standoff_options *opts)
{
    if (out)
        *out = NULL;
    cpted_context *ctx;
    cpted_standoff_options o;
    int rc = cpted__analysis_start_fs(&ctx, fs, out, "cpted_standoff_run");
    if (rc == CPTED_OK)
        rc = resolve_options(ctx, opts, &o);
    if (rc != CPTED_OK)
        return rc;
    cpted_standoff *s = cpted__calloc(1, sizeof *s);
    if (!s)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    cpted__result_init(&s->head, ctx, fs->site, fs);
    s->site = fs->site;
    s->ctx = ctx;
    s->fs = fs;
    s->vehicle = fs->vehicle;
    s->charge_kg = o.charge_kg;
    s->allowable_kpa = o.allowable_kpa;
    rc = run(s);
    if (rc != CPTED_OK) {
        cpted_standoff_free(s);
        return rc;
    }
    *out = s;
    return CPTED_OK;
}

CPTED_API void CPTED_CALL cpted_standoff_free(cpted_standoff *result)
{
    if (!result)
        return;
    cpted_context *ctx = result->ctx;
    for (size_t i = 0; i < result->count; i++)
        if (result->assets[i].encroachment)
            GEOSGeom_destroy_r(ctx->geos, result->assets[i].encroachment);
    cpted__free(result->assets);
    cpted__result_fini(&result->head);
    cpted__free(result);
}

/* ---- accessors ----------------------------------------------------------------- */

CPTED_API size_t CPTED_CALL cpted_standoff_asset_count(const cpted_standoff *result)
{
    return result ? result->count : 0;
}

CPTED_API int CPTED_CALL cpted_standoff_get_asset(cpted_standoff_asset *out,
                                                  const cpted_standoff *result, size_t i)
{
    if (!result)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(result->ctx, CPTED_E_INVALID, "cpted_standoff_get_asset: out is NULL");
    if (i >= result->count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND,
                            "standoff asset %zu does not exist (%zu assets)", i, result->count);
    return cpted__copy_record(result->ctx, out, &result->assets[i].rec, sizeof *out,
                              CPTED_STANDOFF_ASSET_V1_SIZE, "standoff asset record");
}

CPTED_API int CPTED_CALL cpted_standoff_get_encroachment_wkb(unsigned char **out, size_t *size_out,
                                                             const cpted_standoff *result, size_t i)
{
    if (!result)
        return CPTED_E_INVALID;
    if (i >= result->count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND,
                            "standoff asset %zu does not exist (%zu assets)", i, result->count);
    return cpted__geom_to_wkb(result->ctx, result->assets[i].encroachment, out, size_out);
}

CPTED_API cpted_site *CPTED_CALL cpted_standoff_site(const cpted_standoff *result)
{
    return result ? result->site : NULL;
}

CPTED_API cpted_freespace *CPTED_CALL cpted_standoff_freespace(const cpted_standoff *result)
{
    return result ? result->fs : NULL;
}

size_t cpted__standoff_asset_feature(const cpted_standoff *result, size_t i)
{
    return result && i < result->count ? result->assets[i].feature : (size_t)-1;
}

CPTED_API size_t CPTED_CALL cpted_standoff_finding_count(const cpted_standoff *result)
{
    size_t n = 0;
    for (size_t i = 0; result && i < result->count; i++)
        n += result->assets[i].rec.ok == 0 || !result->assets[i].rec.assessed;
    return n;
}

CPTED_API size_t CPTED_CALL cpted_standoff_warning_count(const cpted_standoff *result)
{
    return result ? cpted__result_warning_count(&result->head) : 0;
}

CPTED_API const char *CPTED_CALL cpted_standoff_warning(const cpted_standoff *result, size_t i)
{
    return result ? cpted__result_warning(&result->head, i) : NULL;
}

/* ---- JSON ------------------------------------------------------------------------ */

static int json_point(cpted__json *j, const cpted_standoff *s, double x, double y)
{
    double ox, oy;
    int rc = cpted_site_to_output(&ox, &oy, s->site, x, y);
    if (rc != CPTED_OK)
        return rc;
    cpted__json_begin_array(j);
    cpted__json_number(j, ox);
    cpted__json_number(j, oy);
    cpted__json_end_array(j);
    return CPTED_OK;
}

static void json_number_key(cpted__json *j, const char *key, double v)
{
    cpted__json_key(j, key);
    cpted__json_number(j, v);
}

static int json_asset(cpted__json *j, const cpted_standoff *s, const asset_result *a)
{
    const cpted_standoff_asset *r = &a->rec;
    cpted__json_begin_object(j);
    cpted__json_key(j, "id");
    cpted__json_string(j, r->id);
    cpted__json_key(j, "name");
    cpted__json_string(j, r->name);
    /* what identifies the building in a report (OpenStreetMap sources) */
    static const char *const texts[] = {"osm_id", "address", "amenity"};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        cpted__json_key(j, texts[k]);
        cpted__json_string(j, cpted_site_feature_text(s->site, a->feature, texts[k]));
    }
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, r->assessed);
    cpted__json_key(j, "reachable");
    cpted__json_bool(j, r->reachable);
    json_number_key(j, "standoff_m", r->standoff_m);
    json_number_key(j, "required_m", r->required_m);
    cpted__json_key(j, "required_source");
    cpted__json_string(j, a->required_source);
    cpted__json_key(j, "ok");
    if (r->ok < 0)
        cpted__json_null(j);
    else
        cpted__json_bool(j, r->ok);
    cpted__json_key(j, "nearest");
    int rc = CPTED_OK;
    if (r->reachable) {
        cpted__json_begin_object(j);
        cpted__json_key(j, "asset");
        rc = json_point(j, s, r->asset_x, r->asset_y);
        cpted__json_key(j, "vehicle");
        if (rc == CPTED_OK)
            rc = json_point(j, s, r->vehicle_x, r->vehicle_y);
        cpted__json_end_object(j);
    } else {
        cpted__json_null(j);
    }
    json_number_key(j, "scaled_distance", r->scaled_distance);
    json_number_key(j, "incident_kpa", r->incident_kpa);
    json_number_key(j, "reflected_kpa", r->reflected_kpa);
    json_number_key(j, "incident_kpa_at_least", r->incident_kpa_at_least);
    json_number_key(j, "reflected_kpa_at_least", r->reflected_kpa_at_least);
    cpted__json_key(j, "blast_range");
    if (s->charge_kg > 0.0 && r->reachable)
        cpted__json_string(j, r->blast_in_range                          ? "inside"
                              : r->scaled_distance < cpted_blast_z_min() ? "closer"
                                                                         : "farther");
    else
        cpted__json_null(j);
    json_number_key(j, "incident_impulse_kpa_ms", r->incident_impulse_kpa_ms);
    json_number_key(j, "reflected_impulse_kpa_ms", a->reflected_impulse_kpa_ms);
    cpted__json_key(j, "blast_in_range");
    if (s->charge_kg > 0.0 && r->reachable)
        cpted__json_bool(j, r->blast_in_range);
    else
        cpted__json_null(j);
    json_number_key(j, "encroachment_m2", r->encroachment_m2);
    cpted__json_end_object(j);
    return rc;
}

static void json_assumptions(cpted__json *j, const cpted_standoff *s)
{
    const cpted_freespace_options *o = &s->fs->opts;
    char *text[8] = {0};
    text[0] = cpted__printf("the vehicle passes where a disc of its width (%.2f m) fits; standoff "
                            "is measured from the asset to the ground the vehicle body can cover",
                            s->vehicle.width_m);
    const char *soft = o->soft_blocking ? "block vehicles" : "do not block vehicles";
    text[1] = o->wall_thickness_m > 0.0
                  ? cpted__printf("bollards without a diameter are %.2f m, walls without a "
                                  "thickness %.2f m; soft features %s",
                                  o->bollard_diameter_m, o->wall_thickness_m, soft)
                  : cpted__printf("bollards without a diameter are %.2f m, walls without a "
                                  "thickness are lines as drawn; soft features %s",
                                  o->bollard_diameter_m, soft);
    int outer_q = CPTED__OUTER_SEGMENTS((int)o->quadrant_segments);
    text[2] = cpted__printf(
        "arcs are polygons erring towards the vehicle: blocking shapes inscribed in their circles "
        "(%d segments per quarter), the accessible area, road ground and encroachment zones "
        "circumscribed (%d per quarter); standoffs may read up to %.1f mm per metre of half "
        "vehicle width short, never long",
        (int)o->quadrant_segments, outer_q, 1000.0 * (cpted__circumscribed(1.0, outer_q) - 1.0));
    bool explicit_entries = false, ground_given = false;
    for (size_t i = 0; i < s->site->feature_count; i++) {
        int32_t role = s->site->features[i].role;
        explicit_entries |= role == CPTED_ROLE_ENTRY;
        ground_given |= role == CPTED_ROLE_GROUND || role == CPTED_ROLE_ROAD;
    }
    text[3] = cpted__strdup(explicit_entries
                                ? "vehicles come from the features with role 'entry'"
                            : ground_given
                                ? "vehicles come from the mapped ground and roads where they "
                                  "reach the edge of the data (the ring of their convex hull, "
                                  "and the given boundary's ring)"
                                : "vehicles come from the edge of the data");
    /* The ground model changes results most: a report must say which one it used. */
    text[4] = cpted__strdup(
        o->drivable == CPTED_DRIVABLE_EVERYTHING
            ? "drivable = everything: everything inside the boundary that is not blocked is "
              "drivable, pavements and plazas included (a hostile vehicle mounts kerbs)"
        : ground_given
            ? "drivable = roads: vehicles drive only on the given ground and roads; pavements "
              "and plazas not mapped as ground are not drivable (not the conservative model)"
            : "drivable = roads, but no ground or roads given: everything inside the boundary "
              "that is not blocked is drivable");
    if (s->charge_kg > 0.0)
        text[5] = cpted__strdup("the charge detonates at the edge of the accessible area nearest "
                                "the asset as a hemispherical surface burst (Kingery-Bulmash, "
                                "Swisdak's fits); no values outside the fits' range (closer than "
                                "the fits reach: at least the value at their nearest end)");
    /* the disc model's known error, stated so a report carries it */
    text[6] = cpted__printf("the vehicle body is a disc: a rectangular body reaches up to %.3f m "
                            "(r(sqrt 2 - 1)) closer into a convex corner of the accessible ground",
                            s->vehicle.width_m / 2.0 * (sqrt(2.0) - 1.0));
    size_t rows = 0;
    const char *first_row = NULL;
    for (size_t i = 0; i < s->site->feature_count; i++)
        if (s->site->features[i].unverified_row && rows++ == 0)
            first_row = s->site->features[i].id;
    if (rows)
        text[7] = cpted__printf("%zu OpenStreetMap way(s) tagged barrier=bollard (rows of unknown "
                                "spacing, e.g. %s) are modelled as solid lines: unverified",
                                rows, first_row);
    /* a text that could not be made must not silently drop out of the report */
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (!text[i] && (i < 5 || i == 6 || (i == 5 && s->charge_kg > 0.0)))
            j->failed = true;
    cpted__json_key(j, "assumptions");
    cpted__json_begin_array(j);
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        if (text[i])
            cpted__json_string(j, text[i]);
        cpted__free(text[i]);
    }
    cpted__json_end_array(j);
}

int cpted__standoff_json_body(cpted__json *j, const cpted_standoff *s)
{
    cpted__json_crs(j, s->site);
    const char *why = cpted_freespace_not_assessed(s->fs);
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, why == NULL);
    cpted__json_key(j, "not_assessed");
    cpted__json_string(j, why);
    cpted__json_key(j, "vehicle");
    cpted__json_vehicle(j, &s->vehicle);
    json_number_key(j, "charge_kg", s->charge_kg > 0.0 ? s->charge_kg : NAN);
    json_number_key(j, "allowable_kpa", s->allowable_kpa > 0.0 ? s->allowable_kpa : NAN);
    json_number_key(j, "threat_required_m", s->threat_required_m);
    double area = 0.0;
    cpted_freespace_get_area(&area, s->fs, CPTED_SPACE_ACCESSIBLE);
    json_number_key(j, "accessible_area_m2", area);
    cpted__json_key(j, "assets");
    cpted__json_begin_array(j);
    int rc = CPTED_OK;
    for (size_t i = 0; i < s->count && rc == CPTED_OK; i++)
        rc = json_asset(j, s, &s->assets[i]);
    cpted__json_end_array(j);
    json_assumptions(j, s);
    if (rc != CPTED_OK)
        return cpted__error(s->ctx, rc,
                            "standoff JSON: cannot transform a point to the "
                            "output CRS: %s",
                            cpted_context_last_error(s->ctx));
    return CPTED_OK;
}

void cpted__standoff_threat(const cpted_standoff *s, double *charge_kg, double *allowable_kpa,
                            double *required_m)
{
    *charge_kg = s->charge_kg > 0.0 ? s->charge_kg : NAN;
    *allowable_kpa = s->allowable_kpa > 0.0 ? s->allowable_kpa : NAN;
    *required_m = s->threat_required_m;
}

CPTED_API int CPTED_CALL cpted_standoff_to_json(char **out, const cpted_standoff *result)
{
    if (!result)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(result->ctx, CPTED_E_INVALID, "cpted_standoff_to_json: out is NULL");
    *out = NULL;
    cpted__json j;
    cpted__json_init(&j);
    cpted__json_begin_object(&j);
    cpted__json_key(&j, "schema");
    cpted__json_string(&j, "cpted/standoff/1");
    int rc = cpted__standoff_json_body(&j, result);
    cpted__json_end_object(&j);
    if (rc != CPTED_OK) {
        cpted__free(j.buf);
        return rc;
    }
    return cpted__json_finish(&j, result->ctx, out);
}
