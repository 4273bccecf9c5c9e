/*
 * site_read_crs.c - the coordinate systems of a site being read: the CRS of
 * each layer (declared, overridden per source, assumed, or from a .prj
 * sidecar), the working CRS (given, the source's own when metric, else the
 * UTM zone of the data), the distortion check, and the reprojection of every
 * feature into the working CRS (docs/crs.md).
 *
 * SPDX-License-Identifier: MIT
 */
/* VSIStatBufL is glibc's struct stat64, hidden by -std=c11 without this. */
#define _LARGEFILE64_SOURCE 1

#include "site_reader.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <ogr_srs_api.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- CRS of a layer -------------------------------------------------------- */

/* A CRS sidecar (NAME.prj, as a Shapefile has) next to a file of the source
 * whose stem is the layer's name, or NULL; cpted__free. (GDAL does not list a
 * .prj that it cannot parse among the source's files.) */
static char *prj_of_layer(reader *r, const char *layer)
{
    char **files = GDALGetFileList(r->ds);
    char *found = NULL;
    size_t l = strlen(layer);
    for (char **f = files; f && *f && !found; f++) {
        const char *base = *f + strlen(*f);
        while (base > *f && base[-1] != '/' && base[-1] != '\\')
            base--;
        const char *dot = strrchr(base, '.');
        if (!dot || (size_t)(dot - base) != l || strncasecmp(base, layer, l) != 0)
            continue;
        for (int upper = 0; upper < 2 && !found; upper++) {
            char *prj = cpted__printf("%.*s%s", (int)(dot - *f), *f, upper ? ".PRJ" : ".prj");
            VSIStatBufL st;
            if (prj && VSIStatL(prj, &st) == 0)
                found = prj;
            else
                cpted__free(prj);
        }
    }
    CSLDestroy(files);
    return found;
}

/* The CRS of a layer that has an SRS (text: canonical), as declared. */
static int declared_crs(reader *r, const char *path, const char *name, OGRSpatialReferenceH srs,
                        char **text)
{
    if (r->geojson == CPTED__GEOJSON_OTHER)
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "'%s' layer '%s': the file declares its CRS as a \"crs\" of type "
                            "'%s', which cpted does not read; give the CRS with --source-crs",
                            path, name, r->geojson_crs);
    if (r->geojson == CPTED__GEOJSON_NAMED) {
        /* read here: GDAL turns a name it does not know into WGS 84 */
        int rc = cpted__crs_normalize(r->ctx, r->geojson_crs, false, text);
        if (rc != CPTED_OK)
            return cpted__error(r->ctx, rc,
                                "'%s' layer '%s': the file declares the CRS '%s', which is not "
                                "known (%s); correct it or give the CRS with --source-crs",
                                path, name, r->geojson_crs, cpted_context_last_error(r->ctx));
        return CPTED_OK;
    }
    /* WKT2 keeps the authority identifier when the SRS has one; PROJ
     * identifies the rest, as for a CRS the user gives (one mechanism). */
    char *wkt = NULL;
    const char *const wkt_opts[] = {"FORMAT=WKT2_2019", NULL};
    if (OSRExportToWktEx(srs, &wkt, wkt_opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return cpted__error(r->ctx, CPTED_E_CRS, "'%s' layer '%s': cannot describe its CRS",
                            path, name);
    }
    int rc = cpted__crs_normalize(r->ctx, wkt, false, text);
    CPLFree(wkt);
    if (rc != CPTED_OK)
        return cpted__error(r->ctx, rc, "'%s' layer '%s': %s", path, name,
                            cpted_context_last_error(r->ctx));
    return CPTED_OK;
}

/* Reads the layer's CRS (or the assumed one) into r->crs; *out is its index. */
int cpted__reader_layer_crs(reader *r, const char *path, OGRLayerH layer, size_t *out)
{
    const char *name = OGR_L_GetName(layer);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    char *text = NULL;
    const char *override = r->source_crs ? r->source_crs[r->source_index] : NULL;
    char *prj = !override && !srs ? prj_of_layer(r, name) : NULL;
    if (prj) {
        int rc = cpted__error(r->ctx, CPTED_E_CRS,
                              "'%s' layer '%s': its CRS file '%s' is not a CRS GDAL can read; "
                              "correct it or give the CRS with --source-crs",
                              path, name, prj);
        cpted__free(prj);
        return rc;
    }
    if (override) {
        if (!(text = cpted__strdup(override)))
            return cpted__reader_nomem(r);
    } else if (!srs) {
        if (!r->assume_crs)
            return cpted__error(r->ctx, CPTED_E_CRS,
                                "'%s' layer '%s' has no CRS; give one with --assume-crs", path,
                                name);
        text = cpted__strdup(r->assume_crs);
        if (!text)
            return cpted__reader_nomem(r);
    } else {
        int rc = declared_crs(r, path, name, srs, &text);
        if (rc != CPTED_OK)
            return rc;
    }
    for (size_t i = 0; i < r->crs_count; i++) {
        if (strcmp(r->crs[i], text) == 0) {
            cpted__free(text);
            *out = i;
            goto found;
        }
    }
    if (!cpted__grow((void **)&r->crs, &r->crs_cap, r->crs_count + 1, sizeof *r->crs) ||
        !cpted__grow((void **)&r->crs_info, &r->crs_info_cap, r->crs_count + 1,
                     sizeof *r->crs_info)) {
        cpted__free(text);
        return cpted__reader_nomem(r);
    }
    r->crs[r->crs_count] = text;
    crs_info *info = &r->crs_info[r->crs_count];
    info->geographic = cpted__crs_plausible_box(r->ctx, text, info->box);
    *out = r->crs_count++;
found:
    if (r->first_crs == NO_CRS)
        r->first_crs = *out;
    return CPTED_OK;
}


/* ---- working CRS and reprojection ---------------------------------------------- */

/* The extent of all features in lon/lat (WGS 84); empty (min > max) when
 * there are none (features in the unnamed local system are not counted). */
static int lonlat_extent(reader *r, double lonlat[4])
{
    const cpted_site *site = r->site;
    lonlat[0] = lonlat[1] = INFINITY;
    lonlat[2] = lonlat[3] = -INFINITY;
    for (size_t c = 0; c < r->crs_count; c++) {
        if (!*r->crs[c])
            continue;
        double e[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (size_t i = 0; i < site->feature_count; i++) {
            double b[4];
            if (r->origins[i].crs != c ||
                !cpted__feature_bounds(r->ctx->geos, site->features[i].geom, b))
                continue;
            e[0] = fmin(e[0], b[0]);
            e[1] = fmin(e[1], b[1]);
            e[2] = fmax(e[2], b[2]);
            e[3] = fmax(e[3], b[3]);
        }
        if (!(e[0] <= e[2]))
            continue;
        PJ *to_lonlat = NULL;
        int rc = cpted__crs_transformer(r->ctx, r->crs[c], "EPSG:4326", &to_lonlat);
        if (rc != CPTED_OK)
            return rc;
        double b[4] = {e[0], e[1], e[2], e[3]};
        if (to_lonlat) {
            int ok = proj_trans_bounds(r->ctx->proj, to_lonlat, PJ_FWD, e[0], e[1], e[2], e[3],
                                       &b[0], &b[1], &b[2], &b[3], 21);
            proj_destroy(to_lonlat);
            if (!ok)
                return cpted__error(r->ctx, CPTED_E_CRS,
                                    "cannot transform the extent of the data from %s to lon/lat",
                                    r->crs[c]);
        }
        lonlat[0] = fmin(lonlat[0], b[0]);
        lonlat[1] = fmin(lonlat[1], b[1]);
        lonlat[2] = fmax(lonlat[2], b[2]);
        lonlat[3] = fmax(lonlat[3], b[3]);
    }
    return CPTED_OK;
}

/* The UTM zone of the centre of all features' extent (in lon/lat). */
static int utm_of_features(reader *r, char **out)
{
    double lonlat[4];
    int rc = lonlat_extent(r, lonlat);
    if (rc != CPTED_OK)
        return rc;
    if (!(lonlat[0] <= lonlat[2]))
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "the data are in lon/lat (%s) and there are no features to choose a "
                            "UTM zone from; give a working CRS",
                            r->crs[r->first_crs]);
    double lon = 0.5 * (lonlat[0] + lonlat[2]), lat = 0.5 * (lonlat[1] + lonlat[3]);
    bool outside = false;
    *out = cpted__crs_utm_for(lon, lat, &outside);
    if (!*out && !outside)
        return cpted__reader_nomem(r);
    if (!*out)
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "the site centre (%.6f, %.6f) is outside the UTM zones; give a "
                            "working CRS",
                            lon, lat);
    return CPTED_OK;
}

/* The UTM zone of the site centre by longitude alone (no grid exceptions), or NULL. */
char *cpted__reader_utm_plain(reader *r)
{
    double ll[4];
    if (lonlat_extent(r, ll) != CPTED_OK || !(ll[0] <= ll[2]))
        return NULL;
    bool outside = false;
    return cpted__crs_utm_plain(0.5 * (ll[0] + ll[2]), 0.5 * (ll[1] + ll[3]), &outside);
}

int cpted__reader_choose_working_crs(reader *r, char **out)
{
    *out = NULL;
    if (r->opts.working_crs)
        return cpted__crs_normalize(r->ctx, r->opts.working_crs, true, out);
    const char *first = r->crs[r->first_crs];
    if (cpted__crs_is_metric(r->ctx, first)) {
        *out = cpted__strdup(first);
        return *out ? CPTED_OK : cpted__reader_nomem(r);
    }
    return utm_of_features(r, out);
}

/* A working CRS must keep distances true to 0.1 % over the site: its point
 * scale factor is evaluated at the corners, edge midpoints and centre of the
 * site's lon/lat extent, and the worst one (farthest from 1) decides
 * (docs/crs.md). `automatic`: the UTM zone chosen for lon/lat data. */
int cpted__reader_check_distortion(reader *r, const char *working, bool automatic)
{
    if (r->opts.allow_distortion || !*working)
        return CPTED_OK;
    double ll[4];
    int rc = lonlat_extent(r, ll);
    if (rc != CPTED_OK || !(ll[0] <= ll[2]))
        return rc;
    double worst = 1.0, at_lon = 0.0, at_lat = 0.0, points[18], k[9];
    for (int i = 0; i < 9; i++) {
        points[2 * i] = ll[0] + 0.5 * (i % 3) * (ll[2] - ll[0]);
        points[2 * i + 1] = ll[1] + 0.5 * (i / 3) * (ll[3] - ll[1]);
    }
    rc = cpted__crs_scale_factors(r->ctx, working, points, 9, k);
    if (rc != CPTED_OK)
        return cpted__error(r->ctx, rc,
                            "working CRS %.200s: %s; it cannot hold the site: use a local "
                            "projected CRS with --crs",
                            working, cpted_context_last_error(r->ctx));
    for (int i = 0; i < 9; i++)
        if (fabs(k[i] - 1.0) > fabs(worst - 1.0)) {
            worst = k[i];
            at_lon = points[2 * i];
            at_lat = points[2 * i + 1];
        }
    if (fabs(worst - 1.0) <= 1e-3)
        return CPTED_OK;
    if (automatic)
        return cpted__error(r->ctx, CPTED_E_CRS,
                            "the site (%.4f to %.4f E, %.4f to %.4f N) is too wide for UTM "
                            "(%s): its scale factor reaches %.4f at %.4f, %.4f (more than 0.1 "
                            "%%); give a working CRS centred on the site with --crs, or allow "
                            "it with --allow-distortion",
                            ll[0], ll[2], ll[1], ll[3], working, worst, at_lon, at_lat);
    bool outside = false;
    char *utm = cpted__crs_utm_for(0.5 * (ll[0] + ll[2]), 0.5 * (ll[1] + ll[3]), &outside);
    rc = cpted__error(r->ctx, CPTED_E_CRS,
                      "working CRS %.200s distorts distances at the site by a factor %.4f (at "
                      "%.4f, %.4f lon/lat; more than 0.1 %%); use a local projected CRS (e.g. "
                      "%s) with --crs, or allow it with --allow-distortion",
                      working, worst, at_lon, at_lat, utm ? utm : "a transverse Mercator");
    cpted__free(utm);
    return rc;
}

int cpted__reader_transform_xy(double *x, double *y, void *userdata)
{
    PJ_COORD c = proj_trans(userdata, PJ_FWD, proj_coord(*x, *y, 0.0, 0.0));
    if (!isfinite(c.xy.x) || !isfinite(c.xy.y))
        return 0;
    *x = c.xy.x;
    *y = c.xy.y;
    return 1;
}

/* Moves one feature from its source CRS into the working CRS with `pj`;
 * *dropped when it cannot be transformed and the load is lenient. */
static int reproject_feature(reader *r, cpted__feature *f, origin *o, PJ *pj, bool *dropped)
{
    cpted_context *ctx = r->ctx;
    cpted_site *site = r->site;
    const cpted__group *g = &site->groups[f->group];
    GEOSGeometry *moved =
        GEOSGeom_transformXY_r(ctx->geos, f->geom, cpted__reader_transform_xy, pj);
    if (!moved) {
        if (!r->opts.lenient)
            return cpted__error(ctx, CPTED_E_CRS,
                                "'%s' layer '%s' feature %lld: cannot transform from %s to %s",
                                g->source, g->layer, (long long)f->fid, r->crs[o->crs], site->crs);
        site->groups[f->group].features--;
        site->groups[f->group].skipped++;
        *dropped = true;
        return cpted__site_warn(site,
                                "'%s' layer '%s' feature %lld: cannot transform from %s to %s; "
                                "skipped",
                                g->source, g->layer, (long long)f->fid, r->crs[o->crs], site->crs);
    }
    GEOSGeom_destroy_r(ctx->geos, f->geom);
    f->geom = moved;
    /* A valid polygon stays valid under a smooth map except for near-touching
     * rings; repair those too. */
    bool repaired = false;
    const char *why = NULL;
    if (cpted__site_check_geometry(ctx, f->role, &f->geom, &repaired, &why) != CPTED_OK ||
        !repaired || o->repaired)
        return CPTED_OK;
    o->repaired = true;
    site->groups[f->group].repaired++;
    return cpted__site_warn(site,
                            "'%s' layer '%s' feature %lld: invalid polygon repaired after "
                            "reprojection",
                            g->source, g->layer, (long long)f->fid);
}

/* Moves every feature into the site's working CRS, in place and in reading
 * order; a feature dropped under lenient is removed from the site. */
int cpted__reader_reproject(reader *r)
{
    cpted_context *ctx = r->ctx;
    cpted_site *site = r->site;
    PJ **pj = cpted__calloc(r->crs_count, sizeof *pj);
    if (!pj)
        return cpted__reader_nomem(r);
    int rc = CPTED_OK;
    for (size_t c = 0; c < r->crs_count && rc == CPTED_OK; c++)
        rc = cpted__crs_transformer(ctx, r->crs[c], site->crs, &pj[c]);
    size_t kept = 0;
    for (size_t i = 0; i < site->feature_count; i++) {
        cpted__feature *f = &site->features[i];
        PJ *p = rc == CPTED_OK ? pj[r->origins[i].crs] : NULL;
        bool dropped = false;
        if (p)
            rc = reproject_feature(r, f, &r->origins[i], p, &dropped);
        if (dropped) {
            cpted__site_drop_feature(site, f);
            continue;
        }
        /* (compacting goes on after a failure: the site frees what it holds) */
        site->features[kept++] = *f;
    }
    site->feature_count = kept;
    for (size_t c = 0; c < r->crs_count; c++)
        if (pj[c])
            proj_destroy(pj[c]);
    cpted__free(pj);
    return rc;
}
