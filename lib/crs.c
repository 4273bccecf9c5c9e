/*
 * crs.c - coordinate reference systems: canonical text of a CRS, the metric
 * check, easting/northing transformers and the UTM zone of a site (docs/crs.md).
 *
 * SPDX-License-Identifier: MIT
 *
 * Everything goes through the context's PROJ context, never PROJ's default.
 */
#include "internal.h"

#include <math.h>
#include <string.h>

/* The horizontal part of a CRS (the CRS itself, or the first member of a
 * compound CRS, or the source of a bound CRS); a new object or NULL. */
static PJ *horizontal_crs(PJ_CONTEXT *pc, const PJ *crs)
{
    switch (proj_get_type(crs)) {
    case PJ_TYPE_COMPOUND_CRS: {
        PJ *sub = proj_crs_get_sub_crs(pc, crs, 0);
        if (!sub)
            return NULL;
        PJ *h = horizontal_crs(pc, sub);
        proj_destroy(sub);
        return h;
    }
    case PJ_TYPE_BOUND_CRS: {
        PJ *src = proj_get_source_crs(pc, crs);
        if (!src)
            return NULL;
        PJ *h = horizontal_crs(pc, src);
        proj_destroy(src);
        return h;
    }
    default:
        return proj_clone(pc, crs);
    }
}

/* True when both horizontal axes are in metres of a projected (or local
 * engineering) CRS. */
static bool is_metric(PJ_CONTEXT *pc, const PJ *crs)
{
    PJ *h = horizontal_crs(pc, crs);
    if (!h)
        return false;
    PJ_TYPE type = proj_get_type(h);
    bool ok = type == PJ_TYPE_PROJECTED_CRS || type == PJ_TYPE_ENGINEERING_CRS;
    PJ *cs = ok ? proj_crs_get_coordinate_system(pc, h) : NULL;
    if (!cs || proj_cs_get_axis_count(pc, cs) < 2)
        ok = false;
    for (int i = 0; ok && i < 2; i++) {
        double factor = 0.0;
        if (!proj_cs_get_axis_info(pc, cs, i, NULL, NULL, NULL, &factor, NULL, NULL, NULL) ||
            fabs(factor - 1.0) > 1e-12)
            ok = false;
    }
    if (cs)
        proj_destroy(cs);
    proj_destroy(h);
    return ok;
}

/* "AUTH:CODE" when the CRS carries an identifier or PROJ identifies it with
 * full confidence, else WKT2; NULL when out of memory. */
static char *canonical_text(PJ_CONTEXT *pc, const PJ *crs)
{
    const char *auth = proj_get_id_auth_name(crs, 0), *code = proj_get_id_code(crs, 0);
    if (auth && code)
        return cpted__printf("%s:%s", auth, code);
    char *text = NULL;
    int *confidence = NULL;
    PJ_OBJ_LIST *found = proj_identify(pc, crs, NULL, NULL, &confidence);
    if (found && confidence && proj_list_get_count(found) > 0 && confidence[0] == 100) {
        PJ *best = proj_list_get(pc, found, 0);
        auth = best ? proj_get_id_auth_name(best, 0) : NULL;
        code = best ? proj_get_id_code(best, 0) : NULL;
        if (auth && code)
            text = cpted__printf("%s:%s", auth, code);
        if (best)
            proj_destroy(best);
    }
    proj_int_list_destroy(confidence);
    proj_list_destroy(found);
    if (text)
        return text;
    const char *wkt = proj_as_wkt(pc, crs, PJ_WKT2_2019, NULL);
    return cpted__strdup(wkt ? wkt : "");
}

int cpted__crs_normalize(cpted_context *ctx, const char *user_crs, bool must_be_metric,
                         char **out)
{
    if (!out || !user_crs)
        return cpted__error(ctx, CPTED_E_INVALID, "CRS: NULL argument");
    *out = NULL;
    if (!*user_crs) { /* the unnamed local metric system */
        *out = cpted__strdup("");
        return *out ? CPTED_OK : cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
    }
    PJ *crs = proj_create(ctx->proj, user_crs);
    if (!crs || !proj_is_crs(crs)) {
        int err = proj_context_errno(ctx->proj);
        if (crs)
            proj_destroy(crs);
        return cpted__error(ctx, CPTED_E_CRS, "unknown CRS '%.200s'%s%s", user_crs,
                            err ? ": " : "", err ? proj_context_errno_string(ctx->proj, err) : "");
    }
    if (must_be_metric && !is_metric(ctx->proj, crs)) {
        const char *name = proj_get_name(crs);
        int rc = cpted__error(ctx, CPTED_E_CRS,
                              "CRS '%.200s' (%s) is not projected in metres; the working CRS "
                              "must be (e.g. a UTM zone)",
                              user_crs, name ? name : "unnamed");
        proj_destroy(crs);
        return rc;
    }
    *out = canonical_text(ctx->proj, crs);
    proj_destroy(crs);
    return *out ? CPTED_OK : cpted__error(ctx, CPTED_E_NOMEM, "out of memory");
}

bool cpted__crs_is_metric(cpted_context *ctx, const char *crs)
{
    if (!crs || !*crs)
        return crs != NULL;
    PJ *pj = proj_create(ctx->proj, crs);
    bool ok = pj && proj_is_crs(pj) && is_metric(ctx->proj, pj);
    if (pj)
        proj_destroy(pj);
    return ok;
}

int cpted__crs_transformer(cpted_context *ctx, const char *from, const char *to, PJ **out)
{
    *out = NULL;
    if (!from || !to || !*from || !*to || strcmp(from, to) == 0)
        return CPTED_OK;
    PJ *p = proj_create_crs_to_crs(ctx->proj, from, to, NULL);
    PJ *norm = p ? proj_normalize_for_visualization(ctx->proj, p) : NULL;
    if (p)
        proj_destroy(p);
    if (!norm) {
        int err = proj_context_errno(ctx->proj);
        return cpted__error(ctx, CPTED_E_CRS, "no transformation from %.200s to %.200s%s%s", from,
                            to, err ? ": " : "",
                            err ? proj_context_errno_string(ctx->proj, err) : "");
    }
    *out = norm;
    return CPTED_OK;
}

char *cpted__crs_utm_for(double lon_deg, double lat_deg, bool *outside)
{
    /* UTM is defined from 80°S to 84°N; beyond are the polar (UPS) systems. */
    *outside = !isfinite(lon_deg) || !isfinite(lat_deg) || lon_deg < -180.0 || lon_deg > 180.0 ||
               lat_deg < -80.0 || lat_deg > 84.0;
    if (*outside)
        return NULL;
    int zone = (int)floor((lon_deg + 180.0) / 6.0) + 1;
    if (zone > 60)
        zone = 60; /* lon = 180° exactly */
    /* The two exceptions of the MGRS grid: south-west Norway (32V) and Svalbard. */
    if (lat_deg >= 56.0 && lat_deg < 64.0 && lon_deg >= 3.0 && lon_deg < 12.0)
        zone = 32;
    if (lat_deg >= 72.0) {
        if (lon_deg >= 0.0 && lon_deg < 9.0)
            zone = 31;
        else if (lon_deg >= 9.0 && lon_deg < 21.0)
            zone = 33;
        else if (lon_deg >= 21.0 && lon_deg < 33.0)
            zone = 35;
        else if (lon_deg >= 33.0 && lon_deg < 42.0)
            zone = 37;
    }
    return cpted__printf("EPSG:%d", (lat_deg >= 0.0 ? 32600 : 32700) + zone);
}
