/*
 * write_layers.c - the result layers of the writer (lib/write.c): for each
 * result kind (standoff, coverage, VDA) its layers (name, geometry type,
 * fields, as docs/outputs.md lists them) and the builder that fills their rows
 * from the result's accessors, plus the one-result shorthands
 * cpted_*_write() and cpted_writer_add_*(). The writer does the rest
 * (reprojection, files, atomic commit). Split out of write.c, unchanged.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <ogr_core.h>
#include <string.h>

#define W_SPEC(name, type, fields) {name, type, fields, sizeof fields / sizeof fields[0]}

/* ---- standoff ------------------------------------------------------------ */

enum {
    SL_ID, SL_NAME, SL_REACHABLE, SL_STANDOFF, SL_REQUIRED, SL_OK, SL_Z, SL_INCIDENT,
    SL_REFLECTED, SL_IMPULSE, SL_IN_RANGE, SL_ENCROACHMENT, SL_ASSESSED, SL_INCIDENT_MIN,
    SL_REFLECTED_MIN, SL_OSM_ID, SL_ADDRESS, SL_AMENITY
};
static const cpted__w_field standoff_line_fields[] = {
    [SL_ID] = {"id", CPTED__W_TEXT},
    [SL_NAME] = {"name", CPTED__W_TEXT},
    [SL_REACHABLE] = {"reachable", CPTED__W_BOOL},
    [SL_STANDOFF] = {"standoff_m", CPTED__W_REAL},
    [SL_REQUIRED] = {"required_m", CPTED__W_REAL},
    [SL_OK] = {"ok", CPTED__W_BOOL},
    [SL_Z] = {"scaled_distance", CPTED__W_REAL},
    [SL_INCIDENT] = {"incident_kpa", CPTED__W_REAL},
    [SL_REFLECTED] = {"reflected_kpa", CPTED__W_REAL},
    [SL_IMPULSE] = {"incident_impulse_kpa_ms", CPTED__W_REAL},
    [SL_IN_RANGE] = {"blast_in_range", CPTED__W_BOOL},
    [SL_ENCROACHMENT] = {"encroachment_m2", CPTED__W_REAL},
    [SL_ASSESSED] = {"assessed", CPTED__W_BOOL},
    [SL_INCIDENT_MIN] = {"incident_kpa_at_least", CPTED__W_REAL},
    [SL_REFLECTED_MIN] = {"reflected_kpa_at_least", CPTED__W_REAL},
    [SL_OSM_ID] = {"osm_id", CPTED__W_TEXT},
    [SL_ADDRESS] = {"address", CPTED__W_TEXT},
    [SL_AMENITY] = {"amenity", CPTED__W_TEXT},
};

enum { EN_ID, EN_NAME, EN_REQUIRED, EN_AREA };
static const cpted__w_field encroachment_fields[] = {
    [EN_ID] = {"id", CPTED__W_TEXT},
    [EN_NAME] = {"name", CPTED__W_TEXT},
    [EN_REQUIRED] = {"required_m", CPTED__W_REAL},
    [EN_AREA] = {"area_m2", CPTED__W_REAL},
};

enum { AA_AREA };
static const cpted__w_field accessible_fields[] = {[AA_AREA] = {"area_m2", CPTED__W_REAL}};

enum { STANDOFF_LINES, STANDOFF_ENCROACHMENT, STANDOFF_ACCESSIBLE };
static const cpted__w_spec standoff_specs[] = {
    [STANDOFF_LINES] = W_SPEC("standoff_lines", wkbLineString, standoff_line_fields),
    [STANDOFF_ENCROACHMENT] = W_SPEC("encroachment", wkbMultiPolygon, encroachment_fields),
    [STANDOFF_ACCESSIBLE] = W_SPEC("accessible_area", wkbMultiPolygon, accessible_fields),
};

static int build_standoff_asset(cpted_context *ctx, const cpted_standoff *result, size_t i,
                                cpted__w_layer *layers)
{
    cpted_standoff_asset a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    int rc = cpted_standoff_get_asset(&a, result, i);
    if (rc != CPTED_OK)
        return rc;

    GEOSGeometry *line = NULL;
    if (a.reachable && isfinite(a.asset_x) && isfinite(a.asset_y) && isfinite(a.vehicle_x) &&
        isfinite(a.vehicle_y)) {
        line = cpted__w_segment(ctx, a.asset_x, a.asset_y, a.vehicle_x, a.vehicle_y);
        if (!line)
            return CPTED_E_NOMEM;
    }
    cpted__w_value *v = cpted__w_add_row(ctx, &layers[STANDOFF_LINES], line);
    if (!v)
        return CPTED_E_NOMEM;
    v[SL_ID].text = a.id;
    v[SL_NAME].text = a.name;
    v[SL_REACHABLE].number = a.reachable ? 1 : 0;
    v[SL_STANDOFF].number = a.standoff_m;
    v[SL_REQUIRED].number = a.required_m;
    v[SL_OK].number = a.ok < 0 ? NAN : a.ok;
    v[SL_Z].number = a.scaled_distance;
    v[SL_INCIDENT].number = a.incident_kpa;
    v[SL_REFLECTED].number = a.reflected_kpa;
    v[SL_IMPULSE].number = a.incident_impulse_kpa_ms;
    v[SL_IN_RANGE].number = isfinite(a.scaled_distance) ? (a.blast_in_range ? 1 : 0) : NAN;
    v[SL_ENCROACHMENT].number = a.encroachment_m2;
    v[SL_ASSESSED].number = a.assessed ? 1 : 0;
    v[SL_INCIDENT_MIN].number = a.incident_kpa_at_least;
    v[SL_REFLECTED_MIN].number = a.reflected_kpa_at_least;
    size_t feature = cpted__standoff_asset_feature(result, i);
    const cpted_site *site = cpted_standoff_site(result);
    v[SL_OSM_ID].text = cpted_site_feature_text(site, feature, "osm_id");
    v[SL_ADDRESS].text = cpted_site_feature_text(site, feature, "address");
    v[SL_AMENITY].text = cpted_site_feature_text(site, feature, "amenity");

    unsigned char *wkb = NULL;
    size_t size = 0;
    rc = cpted_standoff_get_encroachment_wkb(&wkb, &size, result, i);
    if (rc != CPTED_OK)
        return rc;
    GEOSGeometry *area = NULL;
    rc = cpted__w_geom_from_wkb(ctx, wkb, size, a.id, &area);
    if (rc != CPTED_OK)
        return rc;
    if (GEOSisEmpty_r(ctx->geos, area) == 1) { /* only places a vehicle gets too close */
        GEOSGeom_destroy_r(ctx->geos, area);
        return CPTED_OK;
    }
    v = cpted__w_add_row(ctx, &layers[STANDOFF_ENCROACHMENT], area);
    if (!v)
        return CPTED_E_NOMEM;
    v[EN_ID].text = a.id;
    v[EN_NAME].text = a.name;
    v[EN_REQUIRED].number = a.required_m;
    v[EN_AREA].number = a.encroachment_m2;
    return CPTED_OK;
}

static int build_standoff(cpted_context *ctx, const void *data, cpted__w_layer *layers)
{
    const cpted_standoff *result = data;
    size_t n = cpted_standoff_asset_count(result);
    for (size_t i = 0; i < n; i++) {
        int rc = build_standoff_asset(ctx, result, i, layers);
        if (rc != CPTED_OK)
            return rc;
    }
    const cpted_freespace *fs = cpted_standoff_freespace(result);
    if (!fs)
        return cpted__error(ctx, CPTED_E_INVALID, "the standoff result has no free space");
    unsigned char *wkb = NULL;
    size_t size = 0;
    double area_m2 = NAN;
    int rc = cpted_freespace_get_wkb(&wkb, &size, fs, CPTED_SPACE_ACCESSIBLE);
    if (rc == CPTED_OK)
        rc = cpted_freespace_get_area(&area_m2, fs, CPTED_SPACE_ACCESSIBLE);
    GEOSGeometry *g = NULL;
    if (rc == CPTED_OK)
        rc = cpted__w_geom_from_wkb(ctx, wkb, size, "the vehicle-accessible area", &g);
    else
        cpted_free(wkb);
    if (rc != CPTED_OK)
        return rc;
    cpted__w_value *v = cpted__w_add_row(ctx, &layers[STANDOFF_ACCESSIBLE], g);
    if (!v)
        return CPTED_E_NOMEM;
    v[AA_AREA].number = area_m2;
    return CPTED_OK;
}

int cpted__write_one(const cpted_site *site, const char *path, const char *format,
                     int32_t overwrite, cpted__writer_add_fn add, const void *result)
{
    cpted_writer *w = NULL;
    int rc = cpted_writer_open(&w, site->ctx, path, format, overwrite);
    if (rc == CPTED_OK)
        rc = add(w, result);
    if (rc == CPTED_OK)
        rc = cpted_writer_commit(w);
    cpted_writer_free(w);
    return rc;
}

static int add_standoff(cpted_writer *w, const void *result)
{
    return cpted_writer_add_standoff(w, result);
}

CPTED_API int CPTED_CALL cpted_standoff_write(const cpted_standoff *result, const char *path,
                                              const char *format, int32_t overwrite)
{
    if (!result)
        return CPTED_E_INVALID;
    return cpted__write_one(cpted_standoff_site(result), path, format, overwrite, add_standoff, result);
}

CPTED_API int CPTED_CALL cpted_writer_add_standoff(cpted_writer *w, const cpted_standoff *result)
{
    return cpted__writer_add(w, cpted_standoff_site(result), standoff_specs,
                             sizeof standoff_specs / sizeof standoff_specs[0], build_standoff,
                             result, "standoff");
}

/* ---- coverage ------------------------------------------------------------ */

enum {
    PL_ID, PL_DERIVED, PL_CLOSED, PL_UNVERIFIED, PL_LENGTH, PL_COVERED, PL_RATIO, PL_OPEN_ENDS,
    PL_GAPS, PL_NONCOMPLIANT, PL_WEAKEST, PL_UNRATED
};
static const cpted__w_field perimeter_fields[] = {
    [PL_ID] = {"id", CPTED__W_TEXT},
    [PL_DERIVED] = {"derived", CPTED__W_BOOL},
    [PL_CLOSED] = {"closed", CPTED__W_BOOL},
    [PL_UNVERIFIED] = {"unverified", CPTED__W_BOOL},
    [PL_LENGTH] = {"length_m", CPTED__W_REAL},
    [PL_COVERED] = {"covered_m", CPTED__W_REAL},
    [PL_RATIO] = {"coverage_ratio", CPTED__W_REAL},
    [PL_OPEN_ENDS] = {"open_ends", CPTED__W_INT},
    [PL_GAPS] = {"gap_count", CPTED__W_INT},
    [PL_NONCOMPLIANT] = {"noncompliant_count", CPTED__W_INT},
    [PL_WEAKEST] = {"weakest_rating", CPTED__W_TEXT},
    [PL_UNRATED] = {"unrated_count", CPTED__W_INT},
};

enum {
    GP_LINE, GP_START, GP_END, GP_WIDTH, GP_COMPLIANT, GP_PASSABLE, GP_BETWEEN_1, GP_BETWEEN_2,
    GP_X, GP_Y
};
static const cpted__w_field gap_fields[] = {
    [GP_LINE] = {"line_id", CPTED__W_TEXT},
    [GP_START] = {"start_m", CPTED__W_REAL},
    [GP_END] = {"end_m", CPTED__W_REAL},
    [GP_WIDTH] = {"clear_width_m", CPTED__W_REAL},
    [GP_COMPLIANT] = {"compliant", CPTED__W_BOOL},
    [GP_PASSABLE] = {"vehicle_passable", CPTED__W_BOOL},
    [GP_BETWEEN_1] = {"between_1", CPTED__W_TEXT},
    [GP_BETWEEN_2] = {"between_2", CPTED__W_TEXT},
    [GP_X] = {"x", CPTED__W_REAL},
    [GP_Y] = {"y", CPTED__W_REAL},
};

enum { BR_LINE, BR_KIND, BR_WIDTH };
static const cpted__w_field breach_fields[] = {
    [BR_LINE] = {"line_id", CPTED__W_TEXT},
    [BR_KIND] = {"kind", CPTED__W_TEXT},
    [BR_WIDTH] = {"width_m", CPTED__W_REAL},
};

enum { COVERAGE_LINES, COVERAGE_GAPS, COVERAGE_BREACHES };
static const cpted__w_spec coverage_specs[] = {
    [COVERAGE_LINES] = W_SPEC("perimeter_lines", wkbMultiLineString, perimeter_fields),
    [COVERAGE_GAPS] = W_SPEC("gaps", wkbLineString, gap_fields),
    [COVERAGE_BREACHES] = W_SPEC("breaches", wkbPoint, breach_fields),
};


static int build_coverage_line(cpted_context *ctx, const cpted_coverage *result, size_t li,
                               cpted__w_layer *layers)
{
    cpted_coverage_line line;
    memset(&line, 0, sizeof line);
    line.struct_size = sizeof line;
    int rc = cpted_coverage_get_line(&line, result, li);
    if (rc != CPTED_OK)
        return rc;
    /* The analysed line itself (derived rows included), not a lookup among the
     * site's features: the writer reads the result's geometry, it computes nothing. */
    const GEOSGeometry *line_geom = result->lines[li].geom;
    GEOSGeometry *g = GEOSGeom_clone_r(ctx->geos, line_geom);
    if (!g)
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory writing line %s", line.id);
    cpted__w_value *v = cpted__w_add_row(ctx, &layers[COVERAGE_LINES], g);
    if (!v)
        return CPTED_E_NOMEM;
    v[PL_ID].text = line.id;
    v[PL_DERIVED].number = line.derived ? 1 : 0;
    v[PL_CLOSED].number = line.closed ? 1 : 0;
    v[PL_UNVERIFIED].number = line.unverified ? 1 : 0;
    v[PL_LENGTH].number = line.length_m;
    v[PL_COVERED].number = line.covered_m;
    v[PL_RATIO].number = line.coverage_ratio;
    v[PL_OPEN_ENDS].number = line.open_ends;
    v[PL_GAPS].number = (double)line.gap_count;
    v[PL_NONCOMPLIANT].number = (double)line.noncompliant_count;
    v[PL_WEAKEST].text = line.weakest_rating;
    v[PL_UNRATED].number = (double)line.unrated_count;

    for (size_t gi = 0; gi < line.gap_count; gi++) {
        cpted_coverage_gap gap;
        memset(&gap, 0, sizeof gap);
        gap.struct_size = sizeof gap;
        rc = cpted_coverage_get_gap(&gap, result, li, gi);
        if (rc != CPTED_OK)
            return rc;
        /* the gap as the stretch of line it leaves open; x, y is its middle */
        GEOSGeometry *stretch = cpted__line_substring(ctx, line_geom, gap.start_m, gap.end_m);
        if (!stretch)
            return CPTED_E_GEOMETRY;
        v = cpted__w_add_row(ctx, &layers[COVERAGE_GAPS], stretch);
        if (!v)
            return CPTED_E_NOMEM;
        v[GP_LINE].text = line.id;
        v[GP_START].number = gap.start_m;
        v[GP_END].number = gap.end_m;
        v[GP_WIDTH].number = gap.clear_width_m;
        v[GP_COMPLIANT].number = gap.compliant ? 1 : 0;
        v[GP_PASSABLE].number = gap.vehicle_passable ? 1 : 0;
        v[GP_BETWEEN_1].text = gap.before_id;
        v[GP_BETWEEN_2].text = gap.after_id;
        v[GP_X].number = gap.x;
        v[GP_Y].number = gap.y;
    }
    return CPTED_OK;
}

static int build_coverage(cpted_context *ctx, const void *data, cpted__w_layer *layers)
{
    const cpted_coverage *result = data;
    size_t n = cpted_coverage_line_count(result);
    for (size_t i = 0; i < n; i++) {
        int rc = build_coverage_line(ctx, result, i, layers);
        if (rc != CPTED_OK)
            return rc;
    }
    n = cpted_coverage_breach_count(result);
    for (size_t i = 0; i < n; i++) {
        cpted_coverage_breach b;
        memset(&b, 0, sizeof b);
        b.struct_size = sizeof b;
        int rc = cpted_coverage_get_breach(&b, result, i);
        if (rc != CPTED_OK)
            return rc;
        GEOSGeometry *p = cpted__w_point(ctx, b.x, b.y);
        if (!p)
            return CPTED_E_NOMEM;
        cpted__w_value *v = cpted__w_add_row(ctx, &layers[COVERAGE_BREACHES], p);
        if (!v)
            return CPTED_E_NOMEM;
        v[BR_LINE].text = b.line_id;
        v[BR_KIND].text = cpted_breach_kind_name(b.kind);
        v[BR_WIDTH].number = b.width_m;
    }
    return CPTED_OK;
}

static int add_coverage(cpted_writer *w, const void *result)
{
    return cpted_writer_add_coverage(w, result);
}

CPTED_API int CPTED_CALL cpted_coverage_write(const cpted_coverage *result, const char *path,
                                              const char *format, int32_t overwrite)
{
    if (!result)
        return CPTED_E_INVALID;
    return cpted__write_one(cpted_coverage_site(result), path, format, overwrite, add_coverage, result);
}

CPTED_API int CPTED_CALL cpted_writer_add_coverage(cpted_writer *w, const cpted_coverage *result)
{
    return cpted__writer_add(w, cpted_coverage_site(result), coverage_specs,
                             sizeof coverage_specs / sizeof coverage_specs[0], build_coverage,
                             result, "coverage");
}

/* ---- vehicle dynamics assessment ------------------------------------------- */

enum {
    VT_ID, VT_LINE, VT_STATION, VT_ASSESSED, VT_REACHABLE, VT_SPEED_KMH, VT_SPEED_MPS, VT_ENERGY,
    VT_ENERGY_NORMAL, VT_ANGLE, VT_RUNUP, VT_SPEED_LOW, VT_SPEED_HIGH, VT_BARRIER, VT_RATING,
    VT_RATED_MASS, VT_RATED_SPEED, VT_RATED_ANGLE, VT_RATED_PENETRATION, VT_OK, VT_NEEDED,
    VT_NOT_ASSESSED
};
static const cpted__w_field vda_target_fields[] = {
    [VT_ID] = {"id", CPTED__W_TEXT},
    [VT_LINE] = {"line_id", CPTED__W_TEXT},
    [VT_STATION] = {"station_m", CPTED__W_REAL},
    [VT_ASSESSED] = {"assessed", CPTED__W_BOOL},
    [VT_REACHABLE] = {"reachable", CPTED__W_BOOL},
    [VT_SPEED_KMH] = {"impact_speed_kmh", CPTED__W_REAL},
    [VT_SPEED_MPS] = {"impact_speed_mps", CPTED__W_REAL},
    [VT_ENERGY] = {"energy_kj", CPTED__W_REAL},
    [VT_ENERGY_NORMAL] = {"energy_normal_kj", CPTED__W_REAL},
    [VT_ANGLE] = {"angle_deg", CPTED__W_REAL},
    [VT_RUNUP] = {"runup_m", CPTED__W_REAL},
    [VT_SPEED_LOW] = {"speed_low_kmh", CPTED__W_REAL},
    [VT_SPEED_HIGH] = {"speed_high_kmh", CPTED__W_REAL},
    [VT_BARRIER] = {"barrier", CPTED__W_TEXT},
    [VT_RATING] = {"rating", CPTED__W_TEXT},
    [VT_RATED_MASS] = {"rated_mass_kg", CPTED__W_REAL},
    [VT_RATED_SPEED] = {"rated_speed_kmh", CPTED__W_REAL},
    [VT_RATED_ANGLE] = {"rated_angle_deg", CPTED__W_REAL},
    [VT_RATED_PENETRATION] = {"rated_penetration_m", CPTED__W_REAL},
    [VT_OK] = {"ok", CPTED__W_BOOL},
    [VT_NEEDED] = {"needed_rating", CPTED__W_TEXT},
    [VT_NOT_ASSESSED] = {"not_assessed", CPTED__W_TEXT},
};

enum { VP_ID, VP_SPEED, VP_ENERGY, VP_ANGLE, VP_RUNUP };
static const cpted__w_field vda_path_fields[] = {
    [VP_ID] = {"id", CPTED__W_TEXT},
    [VP_SPEED] = {"speed_kmh", CPTED__W_REAL},
    [VP_ENERGY] = {"energy_kj", CPTED__W_REAL},
    [VP_ANGLE] = {"angle_deg", CPTED__W_REAL},
    [VP_RUNUP] = {"runup_m", CPTED__W_REAL},
};

enum { VC_ID, VC_SPEED };
static const cpted__w_field vda_corridor_fields[] = {
    [VC_ID] = {"id", CPTED__W_TEXT},
    [VC_SPEED] = {"speed_kmh", CPTED__W_REAL},
};

enum { VDA_TARGETS, VDA_PATHS, VDA_CORRIDORS };
static const cpted__w_spec vda_specs[] = {
    [VDA_TARGETS] = W_SPEC("vda_targets", wkbPoint, vda_target_fields),
    [VDA_PATHS] = W_SPEC("vda_paths", wkbLineString, vda_path_fields),
    [VDA_CORRIDORS] = W_SPEC("corridors", wkbMultiPolygon, vda_corridor_fields),
};

/* One target: its point with the record (the numbers of an approach only when
 * there is one, as in the JSON), and for a reachable target its path and
 * corridor as the result holds them. */
static int build_vda_target(cpted_context *ctx, const cpted_vda *result, size_t i,
                            cpted__w_layer *layers)
{
    const cpted__vda_target *t = &result->targets[i];
    const cpted_vda_target *r = &t->rec;
    bool hit = r->assessed && r->reachable;
    GEOSGeometry *p = cpted__w_point(ctx, r->x, r->y);
    if (!p)
        return CPTED_E_NOMEM;
    cpted__w_value *v = cpted__w_add_row(ctx, &layers[VDA_TARGETS], p);
    if (!v)
        return CPTED_E_NOMEM;
    v[VT_ID].text = r->id;
    v[VT_LINE].text = r->line_id;
    v[VT_STATION].number = r->station_m;
    v[VT_ASSESSED].number = r->assessed ? 1 : 0;
    v[VT_REACHABLE].number = hit ? 1 : 0;
    if (hit) {
        v[VT_SPEED_KMH].number = r->speed_kmh;
        v[VT_SPEED_MPS].number = r->speed_mps;
        v[VT_ENERGY].number = r->energy_kj;
        v[VT_ENERGY_NORMAL].number = r->energy_normal_kj;
        v[VT_ANGLE].number = r->angle_deg;
        v[VT_RUNUP].number = r->runup_m;
        v[VT_SPEED_LOW].number = r->speed_low_kmh;
        v[VT_SPEED_HIGH].number = r->speed_high_kmh;
        v[VT_OK].number = r->ok < 0 ? NAN : r->ok;
        v[VT_NEEDED].text = r->needed_rating;
    }
    v[VT_BARRIER].text = r->barrier_id;
    v[VT_RATING].text = r->rating;
    v[VT_RATED_MASS].number = r->rated_mass_kg;
    v[VT_RATED_SPEED].number = r->rated_speed_kmh;
    v[VT_RATED_ANGLE].number = r->rated_angle_deg;
    v[VT_RATED_PENETRATION].number = r->rated_penetration_m;
    v[VT_NOT_ASSESSED].text = r->not_assessed;
    if (!hit)
        return CPTED_OK;

    /* a path of one point (a start at the target) has no line to draw */
    GEOSGeometry *path = NULL;
    if (t->path_n >= 2) {
        path = cpted__line_from_xy(ctx, t->path_xy, t->path_n);
        if (!path)
            return CPTED_E_GEOMETRY;
    }
    v = cpted__w_add_row(ctx, &layers[VDA_PATHS], path);
    if (!v)
        return CPTED_E_NOMEM;
    v[VP_ID].text = r->id;
    v[VP_SPEED].number = r->speed_kmh;
    v[VP_ENERGY].number = r->energy_kj;
    v[VP_ANGLE].number = r->angle_deg;
    v[VP_RUNUP].number = r->runup_m;

    GEOSGeometry *corridor = cpted__vda_corridor(result, i);
    if (!corridor)
        return CPTED_E_GEOMETRY;
    v = cpted__w_add_row(ctx, &layers[VDA_CORRIDORS], corridor);
    if (!v)
        return CPTED_E_NOMEM;
    v[VC_ID].text = r->id;
    v[VC_SPEED].number = r->speed_kmh;
    return CPTED_OK;
}

static int build_vda(cpted_context *ctx, const void *data, cpted__w_layer *layers)
{
    const cpted_vda *result = data;
    for (size_t i = 0; i < result->target_count; i++) {
        int rc = build_vda_target(ctx, result, i, layers);
        if (rc != CPTED_OK)
            return rc;
    }
    return CPTED_OK;
}

static int add_vda(cpted_writer *w, const void *result)
{
    return cpted_writer_add_vda(w, result);
}

CPTED_API int CPTED_CALL cpted_vda_write(const cpted_vda *result, const char *path,
                                         const char *format, int32_t overwrite)
{
    if (!result)
        return CPTED_E_INVALID;
    return cpted__write_one(result->site, path, format, overwrite, add_vda, result);
}

CPTED_API int CPTED_CALL cpted_writer_add_vda(cpted_writer *w, const cpted_vda *result)
{
    return cpted__writer_add(w, result ? result->site : NULL, vda_specs,
                             sizeof vda_specs / sizeof vda_specs[0], build_vda, result, "vda");
}

/* ---- district screening ---------------------------------------------------- */

enum {
    BA_ID, BA_NAME, BA_OSM_ID, BA_ADDRESS, BA_AMENITY, BA_RANK, BA_EXPOSURE, BA_ASSESSED,
    BA_NOT_ASSESSED, BA_REACHABLE, BA_STANDOFF, BA_REACHED, BA_SPEED, BA_ENERGY, BA_ANGLE
};
static const cpted__w_field batch_asset_fields[] = {
    [BA_ID] = {"id", CPTED__W_TEXT},
    [BA_NAME] = {"name", CPTED__W_TEXT},
    [BA_OSM_ID] = {"osm_id", CPTED__W_TEXT},
    [BA_ADDRESS] = {"address", CPTED__W_TEXT},
    [BA_AMENITY] = {"amenity", CPTED__W_TEXT},
    [BA_RANK] = {"rank", CPTED__W_INT},
    [BA_EXPOSURE] = {"exposure", CPTED__W_TEXT},
    [BA_ASSESSED] = {"assessed", CPTED__W_BOOL},
    [BA_NOT_ASSESSED] = {"not_assessed", CPTED__W_TEXT},
    [BA_REACHABLE] = {"reachable", CPTED__W_BOOL},
    [BA_STANDOFF] = {"standoff_m", CPTED__W_REAL},
    [BA_REACHED] = {"approach_reached", CPTED__W_BOOL},
    [BA_SPEED] = {"speed_kmh", CPTED__W_REAL},
    [BA_ENERGY] = {"energy_kj", CPTED__W_REAL},
    [BA_ANGLE] = {"angle_deg", CPTED__W_REAL},
};

enum { BL_ID, BL_NAME, BL_RANK, BL_STANDOFF };
static const cpted__w_field batch_line_fields[] = {
    [BL_ID] = {"id", CPTED__W_TEXT},
    [BL_NAME] = {"name", CPTED__W_TEXT},
    [BL_RANK] = {"rank", CPTED__W_INT},
    [BL_STANDOFF] = {"standoff_m", CPTED__W_REAL},
};

enum { BATCH_ASSETS, BATCH_LINES };
static const cpted__w_spec batch_specs[] = {
    [BATCH_ASSETS] = W_SPEC("batch_assets", wkbMultiPolygon, batch_asset_fields),
    [BATCH_LINES] = W_SPEC("batch_standoff_lines", wkbLineString, batch_line_fields),
};

static int build_batch(cpted_context *ctx, const void *data, cpted__w_layer *layers)
{
    const cpted_batch *result = data;
    const cpted_site *site = cpted_freespace_site(cpted_batch_freespace(result));
    size_t n = cpted_batch_asset_count(result);
    for (size_t i = 0; i < n; i++) {
        cpted_batch_asset a;
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        int rc = cpted_batch_get_asset(&a, result, i);
        unsigned char *wkb = NULL;
        size_t size = 0;
        if (rc == CPTED_OK)
            rc = cpted_site_get_feature_wkb(&wkb, &size, site, a.feature);
        GEOSGeometry *g = NULL;
        if (rc == CPTED_OK)
            rc = cpted__w_geom_from_wkb(ctx, wkb, size, a.id, &g);
        if (rc != CPTED_OK)
            return rc;
        cpted__w_value *v = cpted__w_add_row(ctx, &layers[BATCH_ASSETS], g);
        if (!v)
            return CPTED_E_NOMEM;
        v[BA_ID].text = a.id;
        v[BA_NAME].text = a.name;
        v[BA_OSM_ID].text = cpted_site_feature_text(site, a.feature, "osm_id");
        v[BA_ADDRESS].text = cpted_site_feature_text(site, a.feature, "address");
        v[BA_AMENITY].text = cpted_site_feature_text(site, a.feature, "amenity");
        v[BA_RANK].number = (double)a.rank;
        v[BA_EXPOSURE].text = cpted__batch_exposure(cpted__batch_exposure_of(&a))->name;
        v[BA_ASSESSED].number = a.assessed ? 1 : 0;
        v[BA_NOT_ASSESSED].text = a.not_assessed;
        v[BA_REACHABLE].number = a.assessed ? (a.reachable ? 1 : 0) : NAN;
        v[BA_STANDOFF].number = a.standoff_m;
        v[BA_REACHED].number = a.approach ? (a.approach_reached ? 1 : 0) : NAN;
        v[BA_SPEED].number = a.speed_kmh;
        v[BA_ENERGY].number = a.energy_kj;
        v[BA_ANGLE].number = a.angle_deg;
        if (!isfinite(a.standoff_m))
            continue;
        GEOSGeometry *line = cpted__w_segment(ctx, a.asset_x, a.asset_y, a.vehicle_x, a.vehicle_y);
        if (!line)
            return CPTED_E_NOMEM;
        v = cpted__w_add_row(ctx, &layers[BATCH_LINES], line);
        if (!v)
            return CPTED_E_NOMEM;
        v[BL_ID].text = a.id;
        v[BL_NAME].text = a.name;
        v[BL_RANK].number = (double)a.rank;
        v[BL_STANDOFF].number = a.standoff_m;
    }
    return CPTED_OK;
}

static int add_batch(cpted_writer *w, const void *result)
{
    return cpted_writer_add_batch(w, result);
}

CPTED_API int CPTED_CALL cpted_batch_write(const cpted_batch *result, const char *path,
                                           const char *format, int32_t overwrite)
{
    if (!result)
        return CPTED_E_INVALID;
    return cpted__write_one(cpted_freespace_site(cpted_batch_freespace(result)), path, format,
                            overwrite, add_batch, result);
}

CPTED_API int CPTED_CALL cpted_writer_add_batch(cpted_writer *w, const cpted_batch *result)
{
    return cpted__writer_add(w, result ? cpted_freespace_site(cpted_batch_freespace(result)) : NULL,
                             batch_specs, sizeof batch_specs / sizeof batch_specs[0], build_batch,
                             result, "batch");
}

/* ---- the layer names (for the styles and their tests) ----------------------- */

static const struct {
    const cpted__w_spec *specs;
    size_t count;
} all_specs[] = {
    {standoff_specs, sizeof standoff_specs / sizeof standoff_specs[0]},
    {coverage_specs, sizeof coverage_specs / sizeof coverage_specs[0]},
    {vda_specs, sizeof vda_specs / sizeof vda_specs[0]},
    {batch_specs, sizeof batch_specs / sizeof batch_specs[0]},
};

size_t cpted__writer_layer_count(void)
{
    size_t n = 0;
    for (size_t k = 0; k < sizeof all_specs / sizeof all_specs[0]; k++)
        n += all_specs[k].count;
    return n;
}

const char *cpted__writer_layer_name(size_t i)
{
    for (size_t k = 0; k < sizeof all_specs / sizeof all_specs[0]; k++) {
        if (i < all_specs[k].count)
            return all_specs[k].specs[i].name;
        i -= all_specs[k].count;
    }
    return NULL;
}
