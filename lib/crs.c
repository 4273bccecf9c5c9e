/*
 * crs.c - coordinate reference systems: canonical text of a CRS, the metric
 * check, easting/northing transformers and the UTM zone of a site (docs/crs.md).
 *
 * SPDX-License-Identifier: MIT
 *
 * Everything goes through the context's PROJ context, never PROJ's default.
 */
#include "internal.h"

#include <cpl_vsi.h>

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

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

/* proj_create also takes the name of a CRS, and when no CRS has that name it
 * silently takes the one whose name is most similar ("FOO" becomes
 * "Amersfoort"). True when `text` is none of the structured forms (PROJJSON,
 * WKT, PROJ string, AUTH:CODE, URN, URL), i.e. PROJ would look it up by name. */
static bool is_bare_name(PJ_CONTEXT *pc, const char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    if (*text == '{' || *text == '+' || strstr(text, "proj=") || strstr(text, "init="))
        return false;
    if (proj_context_guess_wkt_dialect(pc, text) != PJ_GUESSED_NOT_WKT)
        return false;
    return strchr(text, ':') == NULL; /* AUTH:CODE, urn:ogc:def:crs:..., http://... */
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
    /* A name is taken only when it is exactly (ignoring case) the CRS's name. */
    const char *found = proj_get_name(crs);
    if (is_bare_name(ctx->proj, user_crs) && (!found || strcasecmp(found, user_crs) != 0)) {
        int rc = cpted__error(ctx, CPTED_E_CRS,
                              "unknown CRS '%.200s': no CRS has exactly this name (the nearest "
                              "is '%.200s'); give an authority code (e.g. EPSG:25832), WKT, "
                              "PROJJSON or a PROJ string",
                              user_crs, found ? found : "none");
        proj_destroy(crs);
        return rc;
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

static char *utm_zone(double lon_deg, double lat_deg, bool grid_exceptions, bool *outside);

char *cpted__crs_utm_for(double lon_deg, double lat_deg, bool *outside)
{
    return utm_zone(lon_deg, lat_deg, true, outside);
}

char *cpted__crs_utm_plain(double lon_deg, double lat_deg, bool *outside)
{
    return utm_zone(lon_deg, lat_deg, false, outside);
}

static char *utm_zone(double lon_deg, double lat_deg, bool grid_exceptions, bool *outside)
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
    if (grid_exceptions && lat_deg >= 56.0 && lat_deg < 64.0 && lon_deg >= 3.0 && lon_deg < 12.0)
        zone = 32;
    if (grid_exceptions && lat_deg >= 72.0) {
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

/* ---- distortion and plausible coordinates -------------------------------- */

/* The map projection of a projected CRS as an operation of its own (radians
 * in), or NULL when its operation from the base CRS is not of the plain
 * "unit conversion, projection" shape. */
static PJ *map_projection(cpted_context *ctx, PJ *projected)
{
    static const char prefix[] =
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step ";
    PJ *geodetic = proj_crs_get_geodetic_crs(ctx->proj, projected);
    PJ *op = geodetic ? proj_create_crs_to_crs_from_pj(ctx->proj, geodetic, projected, NULL, NULL)
                      : NULL;
    PJ *normalised = op ? proj_normalize_for_visualization(ctx->proj, op) : NULL;
    const char *text = normalised ? proj_as_proj_string(ctx->proj, normalised, PJ_PROJ_5, NULL)
                                  : NULL;
    PJ *out = NULL;
    if (text && strncmp(text, prefix, sizeof prefix - 1) == 0 &&
        !strstr(text + sizeof prefix - 1, "+step"))
        out = proj_create(ctx->proj, text + sizeof prefix - 1);
    if (out && proj_get_type(out) != PJ_TYPE_OTHER_COORDINATE_OPERATION &&
        proj_get_type(out) != PJ_TYPE_CONVERSION) {
        proj_destroy(out);
        out = NULL;
    }
    if (normalised)
        proj_destroy(normalised);
    if (op)
        proj_destroy(op);
    if (geodetic)
        proj_destroy(geodetic);
    return out;
}

int cpted__crs_scale_factors(cpted_context *ctx, const char *crs, const double *lonlat_deg,
                             size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = 1.0;
    if (!crs || !*crs || n == 0)
        return CPTED_OK; /* the unnamed local system: no projection */
    /* one CRS object for all the points: creating it is most of the cost */
    PJ *pj = proj_create(ctx->proj, crs);
    PJ *h = pj ? horizontal_crs(ctx->proj, pj) : NULL;
    if (pj)
        proj_destroy(pj);
    if (!h)
        return cpted__error(ctx, CPTED_E_CRS, "unknown CRS '%.200s'", crs);
    if (proj_get_type(h) != PJ_TYPE_PROJECTED_CRS) { /* engineering: no map projection */
        proj_destroy(h);
        return CPTED_OK;
    }
    /* proj_factors on a CRS builds the operation from its base CRS at every
     * call (10 ms each: a fifth of opening an OSM extract). Built once here:
     * normalised, it is "unitconvert degrees to radians, then the map
     * projection", and the projection step alone takes radians as the CRS
     * does. Any other shape keeps the slow way. */
    PJ *projection = map_projection(ctx, h);
    if (projection) {
        proj_destroy(h);
        h = projection;
    }
    const double deg = acos(-1.0) / 180.0;
    int rc = CPTED_OK;
    for (size_t i = 0; i < n && rc == CPTED_OK; i++) {
        double lon_deg = lonlat_deg[2 * i], lat_deg = lonlat_deg[2 * i + 1];
        proj_errno_reset(h);
        PJ_FACTORS f = proj_factors(h, proj_coord(lon_deg * deg, lat_deg * deg, 0.0, 0.0));
        int err = proj_errno(h);
        /* The Tissot semi-axes are the largest and the smallest scale over all
         * directions at the point (meridian and parallel scale for conformal maps). */
        double a = f.tissot_semimajor, b = f.tissot_semiminor;
        if (err || !isfinite(a) || !isfinite(b) || !(a > 0.0) || !(b > 0.0))
            rc = cpted__error(ctx, CPTED_E_CRS,
                              "cannot compute the scale factor of %.200s at %.6f, %.6f (lon, lat)",
                              crs, lon_deg, lat_deg);
        else
            out[i] = fabs(a - 1.0) >= fabs(b - 1.0) ? a : b;
    }
    proj_destroy(h);
    return rc;
}

bool cpted__crs_plausible_box(cpted_context *ctx, const char *crs, double box[4])
{
    box[0] = box[1] = -1e8;
    box[2] = box[3] = 1e8;
    if (!crs || !*crs)
        return false;
    PJ *pj = proj_create(ctx->proj, crs);
    PJ *h = pj ? horizontal_crs(ctx->proj, pj) : NULL;
    PJ_TYPE type = h ? proj_get_type(h) : PJ_TYPE_UNKNOWN;
    bool geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
    if (geographic) {
        /* lon/lat in the axis unit (radians per unit from PROJ), GIS order */
        PJ *cs = proj_crs_get_coordinate_system(ctx->proj, h);
        double per_unit = 0.0;
        if (!cs || !proj_cs_get_axis_info(ctx->proj, cs, 0, NULL, NULL, NULL, &per_unit, NULL,
                                          NULL, NULL) ||
            !(per_unit > 0.0))
            per_unit = acos(-1.0) / 180.0;
        if (cs)
            proj_destroy(cs);
        double half_turn = acos(-1.0) / per_unit;
        box[0] = -half_turn;
        box[1] = -half_turn / 2.0;
        box[2] = half_turn;
        box[3] = half_turn / 2.0;
    } else if (h) {
        /* The area of use in the CRS's own coordinates, widened on each side
         * by its larger dimension: "far outside", not "just beyond the edge". */
        double w, s, e, n;
        PJ *to = NULL;
        if (proj_get_area_of_use(ctx->proj, pj, &w, &s, &e, &n, NULL) && w > -1000.0 &&
            cpted__crs_transformer(ctx, "EPSG:4326", crs, &to) == CPTED_OK && to) {
            double b[4];
            if (proj_trans_bounds(ctx->proj, to, PJ_FWD, w, s, e, n, &b[0], &b[1], &b[2], &b[3],
                                  21) &&
                isfinite(b[0]) && isfinite(b[1]) && isfinite(b[2]) && isfinite(b[3]) &&
                b[0] < b[2] && b[1] < b[3]) {
                double grow = fmax(b[2] - b[0], b[3] - b[1]);
                box[0] = b[0] - grow;
                box[1] = b[1] - grow;
                box[2] = b[2] + grow;
                box[3] = b[3] + grow;
            }
        }
        if (to)
            proj_destroy(to);
    }
    if (h)
        proj_destroy(h);
    if (pj)
        proj_destroy(pj);
    return geographic;
}

/* ---- the CRS a GeoJSON file declares ----------------------------------------- */

/* GDAL's GeoJSON driver reads an unknown "crs" member as WGS 84 (or as no
 * CRS) with at most a message, so the member is read here, as text: only the
 * top-level object's "crs" is looked at, every other member is skipped. */
typedef struct json_in {
    VSILFILE *f;        /* NULL: reads mem */
    const char *mem;
    char *buf;
    size_t len, pos;
} json_in;

typedef struct json_text {
    char text[2048];
    size_t len;
    bool overflow;
} json_text;

static int json_next(json_in *in)
{
    if (in->pos == in->len) {
        if (!in->f)
            return -1;
        in->len = VSIFReadL(in->buf, 1, 65536, in->f);
        in->pos = 0;
        if (in->len == 0)
            return -1;
    }
    return (unsigned char)(in->f ? in->buf : in->mem)[in->pos++];
}

static int json_skip_ws(json_in *in)
{
    int c;
    do
        c = json_next(in);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    return c;
}

static void json_put(json_text *t, int c)
{
    if (!t)
        return;
    if (t->len + 1 >= sizeof t->text) {
        t->overflow = true;
        return;
    }
    t->text[t->len++] = (char)c;
    t->text[t->len] = '\0';
}

/* Consumes a value starting with `c` (copied to t unless NULL); returns the
 * character that ends it (',', '}' or ']'), or -1. */
static int json_skip_value(json_in *in, int c, json_text *t)
{
    int depth = 0;
    for (;; c = json_next(in)) {
        if (c < 0)
            return -1;
        if (depth == 0 && (c == ',' || c == '}' || c == ']'))
            return c;
        json_put(t, c);
        if (c == '"') {
            while ((c = json_next(in)) >= 0 && c != '"') {
                json_put(t, c);
                if (c == '\\' && (c = json_next(in)) >= 0)
                    json_put(t, c);
            }
            if (c < 0)
                return -1;
            json_put(t, c);
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
}

/* In an object whose '{' was read: the member `key` into t. 1 found, 0 not, -1 malformed. */
static int json_member(json_in *in, const char *key, json_text *t)
{
    for (;;) {
        int c = json_skip_ws(in);
        if (c == '}')
            return 0;
        if (c != '"')
            return -1;
        char name[32];
        size_t n = 0;
        while ((c = json_next(in)) >= 0 && c != '"') {
            if (c == '\\')
                c = json_next(in);
            if (n + 1 < sizeof name)
                name[n++] = (char)c;
        }
        name[n] = '\0';
        if (c < 0 || json_skip_ws(in) != ':')
            return -1;
        bool hit = strcmp(name, key) == 0;
        c = json_skip_value(in, json_skip_ws(in), hit ? t : NULL);
        if (hit)
            return c < 0 ? -1 : 1;
        if (c != ',')
            return c == '}' ? 0 : -1;
    }
}

/* The member `key` of the object text `obj`, as a string (unquoted,
 * simple escapes undone) or a number; false when absent or another type. */
static bool json_scalar(const char *obj, const char *key, char *out, size_t size)
{
    json_in in = {NULL, obj, NULL, strlen(obj), 0};
    json_text t = {{0}, 0, false};
    if (json_skip_ws(&in) != '{' || json_member(&in, key, &t) != 1 || t.overflow)
        return false;
    const char *v = t.text;
    size_t n = t.len;
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        n--;
    if (n >= 2 && v[0] == '"') {
        v++;
        n -= 2;
    } else if (n == 0 || !(isdigit((unsigned char)v[0]) || v[0] == '-')) {
        return false;
    }
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        if (v[i] == '\\' && i + 1 < n)
            i++;
        out[k++] = v[i];
    }
    out[k] = '\0';
    return true;
}

int cpted__geojson_crs(const char *path, char **text_out)
{
    *text_out = NULL;
    json_in in = {VSIFOpenL(path, "rb"), NULL, NULL, 0, 0};
    if (!in.f)
        return CPTED__GEOJSON_UNREAD;
    in.buf = cpted__malloc(65536);
    json_text crs = {{0}, 0, false};
    int found = in.buf && json_skip_ws(&in) == '{' ? json_member(&in, "crs", &crs) : -1;
    VSIFCloseL(in.f);
    cpted__free(in.buf);
    if (found < 0)
        return CPTED__GEOJSON_UNREAD; /* not an object: GDAL will say what it is */
    const char *v = crs.text;
    while (isspace((unsigned char)*v))
        v++;
    if (found == 0 || strncmp(v, "null", 4) == 0)
        return CPTED__GEOJSON_NO_CRS;
    char type[64] = "", props_name[1024] = "";
    json_text props = {{0}, 0, false};
    json_in pin = {NULL, crs.text, NULL, crs.len, 0};
    bool has_props = !crs.overflow && json_skip_ws(&pin) == '{' &&
                     json_member(&pin, "properties", &props) == 1 && !props.overflow;
    if (crs.overflow || !json_scalar(crs.text, "type", type, sizeof type)) {
        *text_out = cpted__strdup("(unreadable)");
        return CPTED__GEOJSON_OTHER;
    }
    if (strcmp(type, "name") == 0 && has_props &&
        json_scalar(props.text, "name", props_name, sizeof props_name)) {
        *text_out = cpted__strdup(props_name);
        return CPTED__GEOJSON_NAMED;
    }
    if (strcasecmp(type, "EPSG") == 0 && has_props &&
        json_scalar(props.text, "code", props_name, sizeof props_name)) {
        *text_out = cpted__printf("EPSG:%s", props_name);
        return CPTED__GEOJSON_NAMED;
    }
    *text_out = cpted__strdup(type);
    return CPTED__GEOJSON_OTHER;
}
