/* analysis.c - one analysis of a site: coverage, standoff and the vehicle
 * dynamics assessment over one free space, and the findings a report leads
 * with (architecture.md §9, docs/method-analysis.md).
 *
 * The parts are run as the three calls do on their own (the free space is the
 * caller's, computed once); this module only decides what cannot run, turns
 * the parts' records into findings with a severity, orders them worst first,
 * and writes the combined JSON document and GIS output. A part that cannot or
 * need not run is "not assessed" with its reason: never a clean result.
 */
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A finding: the public record plus the text it owns and its sort key. */
typedef struct finding {
    cpted_finding rec;
    char *subject;                 /* owned: rec.subject_id (may be NULL) */
    char *message;                 /* owned: rec.message */
    double margin;                 /* how far past its limit, for the order within a severity */
    size_t seq;                    /* creation order, the last tie-break */
} finding;

struct cpted_analysis {
    cpted__result head;            /* context, site and free space referenced */
    cpted_context *ctx;            /* = head.ctx */
    cpted_freespace *fs;           /* = head.fs */
    cpted_coverage *coverage;      /* NULL when not assessed */
    cpted_standoff *standoff;
    cpted_vda *vda;
    char *not_assessed[3];         /* per part (coverage, standoff, vda): why it did not run */
    double max_gap_m;              /* resolved coverage options, for a part that did not run */
    double charge_kg;              /* the standoff's charge option (0: none) */
    finding *findings;
    size_t finding_count, finding_cap;
};

/* ---- names --------------------------------------------------------------- */

CPTED_API const char *CPTED_CALL cpted_finding_kind_name(int32_t kind)
{
    switch (kind) {
    case CPTED_FINDING_NOT_ASSESSED: return "not_assessed";
    case CPTED_FINDING_BREACH: return "breach";
    case CPTED_FINDING_GAP: return "gap";
    case CPTED_FINDING_STANDOFF: return "standoff";
    case CPTED_FINDING_UNDER_RATED: return "under_rated";
    default: return NULL;
    }
}

CPTED_API const char *CPTED_CALL cpted_severity_name(int32_t severity)
{
    switch (severity) {
    case CPTED_SEVERITY_LOW: return "low";
    case CPTED_SEVERITY_MEDIUM: return "medium";
    case CPTED_SEVERITY_HIGH: return "high";
    case CPTED_SEVERITY_CRITICAL: return "critical";
    default: return NULL;
    }
}

static const char *part_name(int32_t part)
{
    switch (part) {
    case CPTED_ANALYSIS_COVERAGE: return "coverage";
    case CPTED_ANALYSIS_STANDOFF: return "standoff";
    case CPTED_ANALYSIS_VDA: return "vda";
    default: return NULL;
    }
}

/* Index of a single part bit in not_assessed[], or -1. */
static int part_index(int32_t part)
{
    switch (part) {
    case CPTED_ANALYSIS_COVERAGE: return 0;
    case CPTED_ANALYSIS_STANDOFF: return 1;
    case CPTED_ANALYSIS_VDA: return 2;
    default: return -1;
    }
}

/* ---- options ------------------------------------------------------------- */

CPTED_API int CPTED_CALL cpted_analysis_options_init(cpted_analysis_options *opts,
                                                     size_t struct_size)
{
    if (!opts)
        return CPTED_E_INVALID;
    if (struct_size < CPTED_ANALYSIS_OPTIONS_V1_SIZE)
        return CPTED_E_VERSION;
    memset(opts, 0, struct_size);
    opts->struct_size = (uint32_t)struct_size;
    opts->parts = CPTED_ANALYSIS_ALL;
    return CPTED_OK;
}

/* ---- findings ------------------------------------------------------------ */

/* Appends a finding; the message is formatted with numbers in the "C" locale
 * (the callers pass them through fmt_num). */
static int add_finding(cpted_analysis *a, int32_t kind, int32_t severity, int32_t part,
                       const char *subject, double x, double y, double value, double limit,
                       double margin, const char *fmt, ...) CPTED__PRINTF(11, 12);

static int add_finding(cpted_analysis *a, int32_t kind, int32_t severity, int32_t part,
                       const char *subject, double x, double y, double value, double limit,
                       double margin, const char *fmt, ...)
{
    if (!cpted__grow((void **)&a->findings, &a->finding_cap, a->finding_count + 1,
                     sizeof *a->findings))
        return cpted__nomem(a->ctx, "analysis findings");
    finding *f = &a->findings[a->finding_count];
    memset(f, 0, sizeof *f);
    va_list ap;
    va_start(ap, fmt);
    f->message = cpted__vprintf(fmt, ap);
    va_end(ap);
    f->subject = subject ? cpted__strdup(subject) : NULL;
    if (!f->message || (subject && !f->subject)) {
        cpted__free(f->message);
        cpted__free(f->subject);
        return cpted__nomem(a->ctx, "analysis findings");
    }
    f->rec.struct_size = sizeof f->rec;
    f->rec.kind = kind;
    f->rec.severity = severity;
    f->rec.part = part;
    f->rec.subject_id = f->subject;
    f->rec.x = x;
    f->rec.y = y;
    f->rec.value = value;
    f->rec.limit = limit;
    f->rec.message = f->message;
    f->margin = margin;
    f->seq = a->finding_count;
    a->finding_count++;
    return CPTED_OK;
}

/* A number for a message, rounded to `decimals`, in the "C" locale. */
static const char *fmt_num(char *buf, size_t size, int decimals, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "unknown");
        return buf;
    }
    double scale = pow(10.0, decimals);
    double r = round(v * scale) / scale;
    /* %g with as many significant digits as the integer part plus the decimals */
    int whole = fabs(r) >= 1.0 ? (int)floor(log10(fabs(r))) + 1 : 1;
    cpted__format_double(buf, size, whole + decimals, r);
    return buf;
}

static int coverage_findings(cpted_analysis *a)
{
    const cpted_coverage *cov = a->coverage;
    int rc = CPTED_OK;
    char b1[32], b2[32], b3[32];
    const char *why = cpted_coverage_not_assessed(cov);
    if (why)
        return add_finding(a, CPTED_FINDING_NOT_ASSESSED, CPTED_SEVERITY_CRITICAL,
                           CPTED_ANALYSIS_COVERAGE, NULL, NAN, NAN, NAN, NAN, 0.0,
                           "Coverage not assessed: %s.", why);
    for (size_t i = 0; rc == CPTED_OK && i < cpted_coverage_breach_count(cov); i++) {
        cpted_coverage_breach br = {.struct_size = sizeof br};
        rc = cpted_coverage_get_breach(&br, cov, i);
        if (rc != CPTED_OK)
            break;
        bool crossing = br.kind == CPTED_BREACH_CROSSING;
        rc = add_finding(a, CPTED_FINDING_BREACH, CPTED_SEVERITY_CRITICAL, CPTED_ANALYSIS_COVERAGE,
                         br.line_id, br.x, br.y, br.width_m, a->coverage->vehicle.width_m,
                         br.width_m,
                         crossing ? "A vehicle can cross line %s over %s m."
                                  : "A vehicle can drive round the open end of line %s "
                                    "(passage %s m wide).",
                         br.line_id, fmt_num(b1, sizeof b1, 2, br.width_m));
    }
    for (size_t li = 0; rc == CPTED_OK && li < cpted_coverage_line_count(cov); li++) {
        cpted_coverage_line line = {.struct_size = sizeof line};
        rc = cpted_coverage_get_line(&line, cov, li);
        for (size_t gi = 0; rc == CPTED_OK && gi < line.gap_count; gi++) {
            cpted_coverage_gap gap = {.struct_size = sizeof gap};
            rc = cpted_coverage_get_gap(&gap, cov, li, gi);
            if (rc != CPTED_OK || gap.compliant)
                continue;
            /* passable: a vehicle fits through (the breach search says whether
             * it can also reach it); otherwise only the spacing rule is broken */
            int32_t severity = gap.vehicle_passable ? CPTED_SEVERITY_HIGH : CPTED_SEVERITY_MEDIUM;
            rc = add_finding(a, CPTED_FINDING_GAP, severity, CPTED_ANALYSIS_COVERAGE, line.id,
                             gap.x, gap.y, gap.clear_width_m, a->max_gap_m,
                             gap.clear_width_m - a->max_gap_m,
                             "Gap of %s m on line %s at %s m, wider than the %s m allowed%s.",
                             fmt_num(b1, sizeof b1, 2, gap.clear_width_m), line.id,
                             fmt_num(b2, sizeof b2, 1, 0.5 * (gap.start_m + gap.end_m)),
                             fmt_num(b3, sizeof b3, 2, a->max_gap_m),
                             gap.vehicle_passable ? "; the design vehicle fits through" : "");
        }
    }
    return rc;
}

static int standoff_findings(cpted_analysis *a)
{
    const cpted_standoff *so = a->standoff;
    int rc = CPTED_OK;
    char b1[32], b2[32];
    for (size_t i = 0; rc == CPTED_OK && i < cpted_standoff_asset_count(so); i++) {
        cpted_standoff_asset as = {.struct_size = sizeof as};
        rc = cpted_standoff_get_asset(&as, so, i);
        if (rc != CPTED_OK)
            break;
        const char *label = as.name ? as.name : as.id;
        if (!as.assessed) {
            const char *why = cpted_freespace_not_assessed(a->fs);
            rc = add_finding(a, CPTED_FINDING_NOT_ASSESSED, CPTED_SEVERITY_CRITICAL,
                             CPTED_ANALYSIS_STANDOFF, as.id, as.asset_x, as.asset_y, NAN,
                             as.required_m, 0.0, "Standoff of %s not assessed: %s.", label,
                             why ? why : "no vehicle can enter the study");
        } else if (as.ok == 0) {
            /* closer than half the requirement (or touching) is critical:
             * the blast load there is several times the allowable one */
            double ratio = as.required_m > 0.0 ? as.standoff_m / as.required_m : 0.0;
            int32_t severity = ratio < 0.5 ? CPTED_SEVERITY_CRITICAL : CPTED_SEVERITY_HIGH;
            rc = add_finding(a, CPTED_FINDING_STANDOFF, severity, CPTED_ANALYSIS_STANDOFF, as.id,
                             as.vehicle_x, as.vehicle_y, as.standoff_m, as.required_m,
                             as.required_m - as.standoff_m,
                             "A vehicle can come within %s m of %s, %s m required.",
                             fmt_num(b1, sizeof b1, 2, as.standoff_m), label,
                             fmt_num(b2, sizeof b2, 2, as.required_m));
        }
    }
    return rc;
}

/* Target record i of the VDA part. */
static int vda_target(const cpted_analysis *a, size_t i, cpted_vda_target *t)
{
    t->struct_size = sizeof *t;
    return cpted_vda_get_target(t, a->vda, i);
}

static int vda_findings(cpted_analysis *a)
{
    const cpted_vda *v = a->vda;
    int rc = CPTED_OK;
    char b1[32], b2[32];
    const char *why = cpted_vda_not_assessed(v);
    if (why)
        return add_finding(a, CPTED_FINDING_NOT_ASSESSED, CPTED_SEVERITY_CRITICAL,
                           CPTED_ANALYSIS_VDA, NULL, NAN, NAN, NAN, NAN, 0.0,
                           "Vehicle dynamics not assessed: %s.", why);
    size_t not_assessed = 0, first_not_assessed = 0;
    for (size_t i = 0; rc == CPTED_OK && i < cpted_vda_target_count(v); i++) {
        cpted_vda_target t;
        rc = vda_target(a, i, &t);
        if (rc == CPTED_OK && !t.assessed && not_assessed++ == 0)
            first_not_assessed = i;
    }
    if (rc == CPTED_OK && not_assessed > 0) {
        cpted_vda_target t;
        rc = vda_target(a, first_not_assessed, &t);
        if (rc == CPTED_OK)
            rc = add_finding(a, CPTED_FINDING_NOT_ASSESSED, CPTED_SEVERITY_CRITICAL,
                             CPTED_ANALYSIS_VDA, t.id, t.x, t.y, (double)not_assessed, NAN, 0.0,
                             "%zu approach target(s) not assessed, first %s: %s.", not_assessed,
                             t.id, t.not_assessed ? t.not_assessed : "no reason given");
    }
    /* an element hit harder than its rating (or unrated) */
    for (size_t e = 0; rc == CPTED_OK && e < cpted_vda_element_count(v); e++) {
        cpted_vda_summary s = {.struct_size = sizeof s};
        rc = cpted_vda_get_element(&s, v, e);
        if (rc != CPTED_OK || s.ok != 0 || s.worst_target == (size_t)-1)
            continue;
        cpted_vda_target t;
        rc = vda_target(a, s.worst_target, &t);
        if (rc != CPTED_OK)
            break;
        bool unrated = !isfinite(t.rated_speed_kmh);
        bool too_light = !unrated && isfinite(t.rated_mass_kg) &&
                         t.rated_mass_kg < a->vda->vehicle.mass_kg;
        /* unrated or more than 20 % over the rated speed (energy ~1.44x) is critical */
        int32_t severity = unrated || s.speed_kmh > 1.2 * t.rated_speed_kmh
                               ? CPTED_SEVERITY_CRITICAL
                               : CPTED_SEVERITY_HIGH;
        if (unrated)
            rc = add_finding(a, CPTED_FINDING_UNDER_RATED, severity, CPTED_ANALYSIS_VDA, s.id, t.x,
                             t.y, s.speed_kmh, NAN, s.speed_kmh,
                             "Unrated element %s can be hit at %s km/h; it needs %s.", s.id,
                             fmt_num(b1, sizeof b1, 1, s.speed_kmh),
                             s.needed_rating ? s.needed_rating : "a rating");
        else
            rc = add_finding(a, CPTED_FINDING_UNDER_RATED, severity, CPTED_ANALYSIS_VDA, s.id, t.x,
                             t.y, s.speed_kmh, t.rated_speed_kmh, s.speed_kmh - t.rated_speed_kmh,
                             "Element %s (%s) can be hit at %s km/h%s; it needs %s.", s.id,
                             t.rating, fmt_num(b1, sizeof b1, 1, s.speed_kmh),
                             too_light ? " by a heavier vehicle than its test" : "",
                             s.needed_rating ? s.needed_rating : "a higher rating");
    }
    /* points of a line that no element stops: the fastest one per line */
    for (size_t l = 0; rc == CPTED_OK && l < cpted_vda_line_count(v); l++) {
        cpted_vda_summary s = {.struct_size = sizeof s};
        rc = cpted_vda_get_line(&s, v, l);
        if (rc != CPTED_OK || s.ok != 0)
            continue;
        size_t count = 0, worst = (size_t)-1;
        double worst_kmh = -1.0;
        for (size_t i = 0; rc == CPTED_OK && i < cpted_vda_target_count(v); i++) {
            cpted_vda_target t;
            rc = vda_target(a, i, &t);
            if (rc != CPTED_OK || !t.reachable || t.ok != 0 || t.barrier_id ||
                !t.line_id || strcmp(t.line_id, s.id) != 0)
                continue;
            count++;
            if (t.speed_kmh > worst_kmh) {
                worst_kmh = t.speed_kmh;
                worst = i;
            }
        }
        if (rc != CPTED_OK || worst == (size_t)-1)
            continue;
        cpted_vda_target t;
        rc = vda_target(a, worst, &t);
        if (rc == CPTED_OK)
            rc = add_finding(a, CPTED_FINDING_UNDER_RATED, CPTED_SEVERITY_CRITICAL,
                             CPTED_ANALYSIS_VDA, s.id, t.x, t.y, t.speed_kmh, NAN, t.speed_kmh,
                             "%zu point(s) of line %s are reached with no element to stop the "
                             "vehicle; the fastest, %s, at %s km/h.",
                             count, s.id, t.id, fmt_num(b2, sizeof b2, 1, t.speed_kmh));
    }
    return rc;
}

/* Worst first: severity, then kind (not assessed, breach, gap, standoff,
 * under-rated), then how far past its limit, then creation order (itself
 * deterministic: the parts' record order). */
static int finding_cmp(const void *pa, const void *pb)
{
    const finding *a = pa, *b = pb;
    if (a->rec.severity != b->rec.severity)
        return a->rec.severity > b->rec.severity ? -1 : 1;
    if (a->rec.kind != b->rec.kind)
        return a->rec.kind < b->rec.kind ? -1 : 1;
    if (a->margin != b->margin)
        return a->margin > b->margin ? -1 : 1;
    return a->seq < b->seq ? -1 : (a->seq > b->seq ? 1 : 0);
}

/* ---- run ----------------------------------------------------------------- */

static bool site_has_asset(const cpted_site *site)
{
    for (size_t i = 0; i < cpted_site_feature_count(site); i++)
        if (cpted_site_feature_role(site, i) == CPTED_ROLE_ASSET)
            return true;
    return false;
}

static int set_not_assessed(cpted_analysis *a, int32_t part, const char *why)
{
    int i = part_index(part);
    a->not_assessed[i] = cpted__strdup(why);
    if (!a->not_assessed[i])
        return cpted__nomem(a->ctx, "analysis");
    return add_finding(a, CPTED_FINDING_NOT_ASSESSED, CPTED_SEVERITY_CRITICAL, part, NULL, NAN,
                       NAN, NAN, NAN, 0.0, "%s not assessed: %s.",
                       part == CPTED_ANALYSIS_COVERAGE   ? "Coverage"
                       : part == CPTED_ANALYSIS_STANDOFF ? "Standoff"
                                                         : "Vehicle dynamics",
                       why);
}

static int run_parts(cpted_analysis *a, const cpted_analysis_options *o)
{
    int rc = CPTED_OK;
    cpted_site *site = cpted_freespace_site(a->fs);
    if (!(o->parts & CPTED_ANALYSIS_COVERAGE))
        rc = set_not_assessed(a, CPTED_ANALYSIS_COVERAGE, "left out of the analysis");
    else if ((rc = cpted_coverage_run(&a->coverage, a->fs, o->coverage)) == CPTED_OK)
        rc = coverage_findings(a);
    if (rc != CPTED_OK)
        return rc;
    if (cpted__interrupted(a->ctx))
        return cpted__error(a->ctx, CPTED_E_INTERRUPTED, "analysis: interrupted");

    if (!(o->parts & CPTED_ANALYSIS_STANDOFF))
        rc = set_not_assessed(a, CPTED_ANALYSIS_STANDOFF, "left out of the analysis");
    else if (!site_has_asset(site))
        rc = set_not_assessed(a, CPTED_ANALYSIS_STANDOFF,
                              "the site has no asset (give protected buildings the role asset)");
    else if ((rc = cpted_standoff_run(&a->standoff, a->fs, o->standoff)) == CPTED_OK)
        rc = standoff_findings(a);
    if (rc != CPTED_OK)
        return rc;
    if (cpted__interrupted(a->ctx))
        return cpted__error(a->ctx, CPTED_E_INTERRUPTED, "analysis: interrupted");

    if (!(o->parts & CPTED_ANALYSIS_VDA))
        rc = set_not_assessed(a, CPTED_ANALYSIS_VDA, "left out of the analysis");
    else if ((rc = cpted_vda_run(&a->vda, a->fs, o->vda)) == CPTED_OK)
        rc = vda_findings(a);
    return rc;
}

CPTED_API int CPTED_CALL cpted_analysis_run(cpted_analysis **out, cpted_freespace *fs,
                                            const cpted_analysis_options *opts)
{
    if (!out || !fs)
        return CPTED_E_INVALID;
    *out = NULL;
    cpted_context *ctx = cpted_site_context(cpted_freespace_site(fs));
    cpted_analysis_options o;
    cpted_analysis_options_init(&o, sizeof o);
    int rc = cpted__options_copy(ctx, &o, opts, sizeof o, CPTED_ANALYSIS_OPTIONS_V1_SIZE,
                                 "analysis options");
    if (rc != CPTED_OK)
        return rc;
    if (o.parts & ~CPTED_ANALYSIS_ALL)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "analysis: parts = %d has bits that are not cpted_analysis_part",
                            (int)o.parts);
    cpted_coverage_options cov_defaults;
    cpted_coverage_options_init(&cov_defaults, sizeof cov_defaults);

    cpted_analysis *a = cpted__calloc(1, sizeof *a);
    if (!a)
        return cpted__nomem(ctx, "analysis");
    cpted__result_init(&a->head, ctx, cpted_freespace_site(fs), fs);
    a->ctx = ctx;
    a->fs = fs;
    a->max_gap_m = o.coverage && o.coverage->struct_size >= CPTED_COVERAGE_OPTIONS_V1_SIZE
                       ? o.coverage->max_gap_m
                       : cov_defaults.max_gap_m;
    a->charge_kg = o.standoff && o.standoff->struct_size >= CPTED_STANDOFF_OPTIONS_V1_SIZE
                       ? o.standoff->charge_kg
                       : 0.0;
    rc = run_parts(a, &o);
    if (rc != CPTED_OK) {
        cpted_analysis_free(a);
        return rc;
    }
    qsort(a->findings, a->finding_count, sizeof *a->findings, finding_cmp);
    *out = a;
    return CPTED_OK;
}

CPTED_API void CPTED_CALL cpted_analysis_free(cpted_analysis *result)
{
    if (!result)
        return;
    for (size_t i = 0; i < result->finding_count; i++) {
        cpted__free(result->findings[i].subject);
        cpted__free(result->findings[i].message);
    }
    cpted__free(result->findings);
    for (int i = 0; i < 3; i++)
        cpted__free(result->not_assessed[i]);
    cpted_vda_free(result->vda);
    cpted_standoff_free(result->standoff);
    cpted_coverage_free(result->coverage);
    cpted__result_fini(&result->head);
    cpted__free(result);
}

/* ---- accessors ----------------------------------------------------------- */

CPTED_API const cpted_coverage *CPTED_CALL cpted_analysis_coverage(const cpted_analysis *result)
{
    return result ? result->coverage : NULL;
}

CPTED_API const cpted_standoff *CPTED_CALL cpted_analysis_standoff(const cpted_analysis *result)
{
    return result ? result->standoff : NULL;
}

CPTED_API const cpted_vda *CPTED_CALL cpted_analysis_vda(const cpted_analysis *result)
{
    return result ? result->vda : NULL;
}

CPTED_API const char *CPTED_CALL cpted_analysis_not_assessed(const cpted_analysis *result,
                                                             int32_t part)
{
    int i = part_index(part);
    return result && i >= 0 ? result->not_assessed[i] : NULL;
}

CPTED_API cpted_freespace *CPTED_CALL cpted_analysis_freespace(const cpted_analysis *result)
{
    return result ? result->fs : NULL;
}

CPTED_API size_t CPTED_CALL cpted_analysis_finding_count(const cpted_analysis *result)
{
    return result ? result->finding_count : 0;
}

CPTED_API int CPTED_CALL cpted_analysis_get_finding(cpted_finding *out,
                                                    const cpted_analysis *result, size_t i)
{
    if (!result || !out)
        return CPTED_E_INVALID;
    if (i >= result->finding_count)
        return cpted__error(result->ctx, CPTED_E_NOTFOUND,
                            "analysis: finding %zu does not exist (%zu findings)", i,
                            result->finding_count);
    return cpted__copy_record(result->ctx, out, &result->findings[i].rec,
                              sizeof result->findings[i].rec, CPTED_FINDING_V1_SIZE, "finding");
}

/* ---- JSON ---------------------------------------------------------------- */

/* The document of a part that did not run: its schema's required members,
 * empty, with the reason. */
static int json_part_not_assessed(cpted__json *j, const cpted_analysis *a, int32_t part)
{
    cpted_vehicle veh;
    memset(&veh, 0, sizeof veh);
    veh.struct_size = sizeof veh;
    int rc = cpted_freespace_get_vehicle(&veh, a->fs);
    if (rc != CPTED_OK)
        return rc;
    cpted__json_begin_object(j);
    cpted__json_key(j, "schema");
    cpted__json_string(j, part == CPTED_ANALYSIS_COVERAGE   ? "cpted/coverage/1"
                          : part == CPTED_ANALYSIS_STANDOFF ? "cpted/standoff/1"
                                                            : "cpted/vda/1");
    cpted__json_key(j, "assessed");
    cpted__json_bool(j, false);
    cpted__json_key(j, "not_assessed");
    cpted__json_string(j, a->not_assessed[part_index(part)]);
    cpted__json_crs(j, cpted_freespace_site(a->fs));
    cpted__json_key(j, "vehicle");
    cpted__json_vehicle(j, &veh);
    if (part == CPTED_ANALYSIS_COVERAGE) {
        cpted__json_key(j, "max_gap_m");
        cpted__json_number(j, a->max_gap_m);
        cpted__json_key(j, "lines");
        cpted__json_begin_array(j);
        cpted__json_end_array(j);
        cpted__json_key(j, "breaches");
        cpted__json_begin_array(j);
        cpted__json_end_array(j);
    } else if (part == CPTED_ANALYSIS_STANDOFF) {
        cpted__json_key(j, "charge_kg");
        cpted__json_number(j, a->charge_kg > 0.0 ? a->charge_kg : NAN);
        cpted__json_key(j, "assets");
        cpted__json_begin_array(j);
        cpted__json_end_array(j);
    } else {
        cpted__json_key(j, "targets");
        cpted__json_begin_array(j);
        cpted__json_end_array(j);
    }
    cpted__json_end_object(j);
    return CPTED_OK;
}

static int json_part(cpted__json *j, const cpted_analysis *a, int32_t part)
{
    cpted__json_key(j, part_name(part));
    if (a->not_assessed[part_index(part)])
        return json_part_not_assessed(j, a, part);
    cpted__json_begin_object(j);
    cpted__json_key(j, "schema");
    int rc;
    if (part == CPTED_ANALYSIS_COVERAGE) {
        cpted__json_string(j, "cpted/coverage/1");
        rc = cpted__coverage_json_body(j, a->coverage);
    } else if (part == CPTED_ANALYSIS_STANDOFF) {
        cpted__json_string(j, "cpted/standoff/1");
        rc = cpted__standoff_json_body(j, a->standoff);
    } else {
        cpted__json_string(j, "cpted/vda/1");
        rc = cpted__vda_json_body(j, a->vda);
    }
    cpted__json_end_object(j);
    return rc;
}

static int json_findings(cpted__json *j, const cpted_analysis *a)
{
    const cpted_site *site = cpted_freespace_site(a->fs);
    cpted__json_key(j, "findings");
    cpted__json_begin_array(j);
    for (size_t i = 0; i < a->finding_count; i++) {
        const cpted_finding *f = &a->findings[i].rec;
        double x = NAN, y = NAN;
        if (isfinite(f->x) && isfinite(f->y)) {
            int rc = cpted_site_to_output(&x, &y, site, f->x, f->y);
            if (rc != CPTED_OK)
                return rc;
        }
        cpted__json_begin_object(j);
        cpted__json_key(j, "kind");
        cpted__json_string(j, cpted_finding_kind_name(f->kind));
        cpted__json_key(j, "severity");
        cpted__json_string(j, cpted_severity_name(f->severity));
        cpted__json_key(j, "part");
        cpted__json_string(j, part_name(f->part));
        cpted__json_key(j, "subject");
        cpted__json_string(j, f->subject_id);
        cpted__json_key(j, "x");
        cpted__json_number(j, x);
        cpted__json_key(j, "y");
        cpted__json_number(j, y);
        cpted__json_key(j, "value");
        cpted__json_number(j, f->value);
        cpted__json_key(j, "limit");
        cpted__json_number(j, f->limit);
        cpted__json_key(j, "message");
        cpted__json_string(j, f->message);
        cpted__json_end_object(j);
    }
    cpted__json_end_array(j);
    return CPTED_OK;
}

/* Everything assessed: every part ran and none of them reports that it
 * could not assess anything. */
static bool all_assessed(const cpted_analysis *a)
{
    for (size_t i = 0; i < a->finding_count; i++)
        if (a->findings[i].rec.kind == CPTED_FINDING_NOT_ASSESSED)
            return false;
    return true;
}

CPTED_API int CPTED_CALL cpted_analysis_to_json(char **out, const cpted_analysis *result)
{
    if (!result)
        return CPTED_E_INVALID;
    if (!out)
        return cpted__error(result->ctx, CPTED_E_INVALID, "cpted_analysis_to_json: out is NULL");
    *out = NULL;
    cpted__json j;
    cpted__json_init(&j);
    cpted__json_begin_object(&j);
    cpted__json_key(&j, "schema");
    cpted__json_string(&j, "cpted/analysis/1");
    cpted__json_key(&j, "assessed");
    cpted__json_bool(&j, all_assessed(result));
    cpted__json_crs(&j, cpted_freespace_site(result->fs));
    int rc = json_findings(&j, result);
    static const int32_t parts[] = {CPTED_ANALYSIS_COVERAGE, CPTED_ANALYSIS_STANDOFF,
                                    CPTED_ANALYSIS_VDA};
    for (size_t p = 0; rc == CPTED_OK && p < 3; p++)
        rc = json_part(&j, result, parts[p]);
    cpted__json_end_object(&j);
    if (rc != CPTED_OK) {
        cpted__free(j.buf);
        return rc;
    }
    return cpted__json_finish(&j, result->ctx, out);
}

/* ---- GIS output ---------------------------------------------------------- */

CPTED_API int CPTED_CALL cpted_writer_add_analysis(cpted_writer *w, const cpted_analysis *result)
{
    if (!w || !result)
        return CPTED_E_INVALID;
    int rc = CPTED_OK;
    if (result->coverage)
        rc = cpted_writer_add_coverage(w, result->coverage);
    if (rc == CPTED_OK && result->standoff)
        rc = cpted_writer_add_standoff(w, result->standoff);
    if (rc == CPTED_OK && result->vda)
        rc = cpted_writer_add_vda(w, result->vda);
    return rc;
}

static int add_analysis(cpted_writer *w, const void *result)
{
    return cpted_writer_add_analysis(w, result);
}

CPTED_API int CPTED_CALL cpted_analysis_write(const cpted_analysis *result, const char *path,
                                              const char *format, int32_t overwrite)
{
    if (!result)
        return CPTED_E_INVALID;
    return cpted__write_one(result->head.site, path, format, overwrite, add_analysis, result);
}
