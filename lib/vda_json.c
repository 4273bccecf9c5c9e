/*
 * vda_json.c - the `cpted/vda/1` JSON document of a vehicle dynamics
 * assessment (architecture.md §9, docs/schemas/vda.schema.json).
 *
 * The document is written from the result's records as they are (the engine,
 * vda.c, computes; this file only presents): speeds in km/h and m/s, energies
 * in kJ, target coordinates transformed to the site's output CRS with
 * cpted_site_to_output() as every other contract does. An unreachable or not
 * assessed target has null for every number of the approach, whatever its
 * record holds, so a reader can never take a leftover value for a speed.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>

static void number_key(cpted__json *j, const char *key, double v)
{
    cpted__json_key(j, key);
    cpted__json_number(j, v);
}

static void text_key(cpted__json *j, const char *key, const char *s)
{
    cpted__json_key(j, key);
    cpted__json_string(j, s);
}

/* -1 (not applicable) -> null, else true/false. */
static void ok_key(cpted__json *j, int32_t ok)
{
    cpted__json_key(j, "ok");
    if (ok < 0)
        cpted__json_null(j);
    else
        cpted__json_bool(j, ok != 0);
}

static const char *targets_name(int32_t kind)
{
    switch (kind) {
    case CPTED_VDA_TARGETS_AUTO: return "auto";
    case CPTED_VDA_TARGETS_PERIMETER: return "perimeter";
    case CPTED_VDA_TARGETS_FACADES: return "facades";
    case CPTED_VDA_TARGETS_POINTS: return "points";
    default: return NULL;
    }
}

static void json_options(cpted__json *j, const cpted_vda *v)
{
    const cpted_vda_options *o = &v->opts;
    cpted__json_key(j, "options");
    cpted__json_begin_object(j);
    text_key(j, "targets", targets_name(o->targets));
    number_key(j, "spacing_m", o->spacing_m);
    number_key(j, "entry_speed_kmh", o->entry_speed_kmh); /* NaN (standstill only) -> null */
    number_key(j, "chain_m", o->chain_m);
    number_key(j, "cell_m", o->cell_m);
    cpted__json_key(j, "headings");
    cpted__json_int(j, o->headings);
    number_key(j, "window_m", o->window_m);
    cpted__json_key(j, "sensitivity");
    cpted__json_bool(j, o->sensitivity != 0);
    cpted__json_end_object(j);
}

static int json_target(cpted__json *j, const cpted_vda *v, const cpted__vda_target *t)
{
    const cpted_vda_target *r = &t->rec;
    double ox = NAN, oy = NAN;
    int rc = cpted_site_to_output(&ox, &oy, v->site, r->x, r->y);
    /* the numbers of an approach exist only when there is one */
    bool hit = r->assessed && r->reachable;
    cpted__json_begin_object(j);
    text_key(j, "id", r->id);
    text_key(j, "line", r->line_id);
    number_key(j, "station_m", r->station_m);
    number_key(j, "x", ox);
    number_key(j, "y", oy);
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, r->assessed != 0);
    cpted__json_key(j, "reachable");
    cpted__json_bool(j, hit);
    number_key(j, "impact_speed_kmh", hit ? r->speed_kmh : NAN);
    number_key(j, "impact_speed_mps", hit ? r->speed_mps : NAN);
    number_key(j, "energy_kj", hit ? r->energy_kj : NAN);
    number_key(j, "energy_normal_kj", hit ? r->energy_normal_kj : NAN);
    number_key(j, "angle_deg", hit ? r->angle_deg : NAN);
    number_key(j, "runup_m", hit ? r->runup_m : NAN);
    cpted__json_key(j, "speed_band_kmh");
    if (hit && isfinite(r->speed_low_kmh) && isfinite(r->speed_high_kmh)) {
        cpted__json_begin_array(j);
        cpted__json_number(j, r->speed_low_kmh);
        cpted__json_number(j, r->speed_high_kmh);
        cpted__json_end_array(j);
    } else {
        cpted__json_null(j);
    }
    text_key(j, "barrier", r->barrier_id);
    text_key(j, "rating", r->rating);
    number_key(j, "rated_mass_kg", r->rated_mass_kg);
    number_key(j, "rated_speed_kmh", r->rated_speed_kmh);
    number_key(j, "rated_angle_deg", r->rated_angle_deg);
    number_key(j, "rated_penetration_m", r->rated_penetration_m);
    ok_key(j, hit ? r->ok : -1);
    text_key(j, "needed_rating", hit ? r->needed_rating : NULL);
    text_key(j, "not_assessed", r->not_assessed);
    cpted__json_end_object(j);
    return rc;
}

static void json_summaries(cpted__json *j, const cpted_vda *v, const char *key,
                           const cpted__vda_summary *items, size_t n)
{
    cpted__json_key(j, key);
    cpted__json_begin_array(j);
    for (size_t i = 0; i < n; i++) {
        const cpted_vda_summary *s = &items[i].rec;
        bool worst = s->worst_target < v->target_count;
        cpted__json_begin_object(j);
        text_key(j, "id", s->id);
        cpted__json_key(j, "targets");
        cpted__json_int(j, (int64_t)s->target_count);
        text_key(j, "worst_target", worst ? v->targets[s->worst_target].rec.id : NULL);
        number_key(j, "speed_kmh", worst ? s->speed_kmh : NAN);
        number_key(j, "energy_kj", worst ? s->energy_kj : NAN);
        text_key(j, "rating", s->rating);
        text_key(j, "needed_rating", worst ? s->needed_rating : NULL);
        ok_key(j, s->ok);
        cpted__json_end_object(j);
    }
    cpted__json_end_array(j);
}

int cpted__vda_json_body(cpted__json *j, const cpted_vda *v)
{
    cpted__json_crs(j, v->site);
    cpted__json_key(j, "vehicle");
    cpted__json_vehicle(j, &v->vehicle);
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, v->not_assessed == NULL);
    text_key(j, "not_assessed", v->not_assessed);
    json_options(j, v);
    cpted__json_key(j, "targets");
    cpted__json_begin_array(j);
    int rc = CPTED_OK;
    for (size_t i = 0; i < v->target_count && rc == CPTED_OK; i++)
        rc = json_target(j, v, &v->targets[i]);
    cpted__json_end_array(j);
    json_summaries(j, v, "elements", v->elements, v->element_count);
    json_summaries(j, v, "lines", v->lines, v->line_count);
    cpted__result_json_warnings(j, &v->head);
    if (rc != CPTED_OK)
        return cpted__error(v->ctx, rc, "VDA JSON: cannot transform a target to the output CRS: %s",
                            cpted_context_last_error(v->ctx));
    return CPTED_OK;
}

CPTED_API int CPTED_CALL cpted_vda_to_json(char **out, const cpted_vda *result)
{
    if (!result)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(result->ctx, CPTED_E_INVALID, "cpted_vda_to_json: out is NULL");
    *out = NULL;
    cpted__json j;
    cpted__json_init(&j);
    cpted__json_begin_object(&j);
    cpted__json_key(&j, "schema");
    cpted__json_string(&j, "cpted/vda/1");
    int rc = cpted__vda_json_body(&j, result);
    cpted__json_end_object(&j);
    if (rc != CPTED_OK) {
        cpted__free(j.buf);
        return rc;
    }
    return cpted__json_finish(&j, result->ctx, out);
}
