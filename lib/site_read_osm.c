/*
 * site_read_osm.c - what an OpenStreetMap source needs beyond a plain one:
 * reading tags (a driver column or other_tags), feature ids and attributes
 * from tags, and the passages and gates that change other features once
 * everything is read (docs/roles.md, docs/osm-workflow.md).
 *
 * SPDX-License-Identifier: MIT
 */
#include "site_reader.h"

#include <cpl_string.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- OSM tags ------------------------------------------------------------- */


/* cpted__osm_tag_fn: a dedicated column when the driver has one, else other_tags. */
const char *cpted__reader_osm_tag(void *payload, const char *key)
{
    osm_tags *t = payload;
    int idx = OGR_F_GetFieldIndex(t->feat, key);
    if (idx >= 0 && idx != t->lc->idx_other_tags)
        return OGR_F_IsFieldSetAndNotNull(t->feat, idx) ? OGR_F_GetFieldAsString(t->feat, idx)
                                                        : NULL;
    int ot = t->lc->idx_other_tags;
    if (ot < 0 || !OGR_F_IsFieldSetAndNotNull(t->feat, ot))
        return NULL;
    cpted__free(t->scratch);
    t->scratch = cpted__osm_hstore_get(OGR_F_GetFieldAsString(t->feat, ot), key);
    return t->scratch;
}

/* "OSM way 123" for messages; empty when the id is not known. */
void cpted__reader_osm_ref(const layer_ctx *lc, OGRFeatureH feat, char *buf, size_t size)
{
    buf[0] = '\0';
    if (lc->kind != SRC_OSM)
        return;
    if (lc->idx_osm_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_id)) {
        const char *type = lc->dim == 0 ? "node" : strcmp(lc->layer, "lines") == 0 ? "way"
                                                                                   : "relation";
        snprintf(buf, size, " (OSM %s %s)", type, OGR_F_GetFieldAsString(feat, lc->idx_osm_id));
    } else if (lc->idx_osm_way_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_way_id)) {
        snprintf(buf, size, " (OSM way %s)", OGR_F_GetFieldAsString(feat, lc->idx_osm_way_id));
    }
}

/* "way/123" (the OSM id as osm.org writes it); empty when not known. */
static void osm_id_text(const layer_ctx *lc, OGRFeatureH feat, char *buf, size_t size)
{
    buf[0] = '\0';
    if (lc->kind != SRC_OSM)
        return;
    if (lc->idx_osm_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_id)) {
        const char *type = lc->dim == 0 ? "node" : strcmp(lc->layer, "lines") == 0 ? "way"
                                                                                   : "relation";
        snprintf(buf, size, "%s/%s", type, OGR_F_GetFieldAsString(feat, lc->idx_osm_id));
    } else if (lc->idx_osm_way_id >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->idx_osm_way_id)) {
        snprintf(buf, size, "way/%s", OGR_F_GetFieldAsString(feat, lc->idx_osm_way_id));
    }
}


int cpted__reader_osm_attributes(const layer_ctx *lc, osm_tags *tags, cpted__feature *f,
                                 const char *ref, const char **highway)
{
    reader *r = lc->r;
    const char *v = cpted__reader_osm_tag(tags, "name");
    if (v && *v && !(f->name = cpted__strdup(v)))
        return cpted__reader_nomem(r);
    char id[64];
    osm_id_text(lc, tags->feat, id, sizeof id);
    if (id[0] && !(f->osm_id = cpted__strdup(id)))
        return cpted__reader_nomem(r);
    if ((v = cpted__reader_osm_tag(tags, "amenity")) && *v && !(f->amenity = cpted__strdup(v)))
        return cpted__reader_nomem(r);
    /* "Street 12": street, then house number, as most of Europe writes it */
    char *street = NULL;
    if ((v = cpted__reader_osm_tag(tags, "addr:street")) && *v && !(street = cpted__strdup(v)))
        return cpted__reader_nomem(r);
    const char *number = cpted__reader_osm_tag(tags, "addr:housenumber");
    if (number && !*number)
        number = NULL;
    bool want = street || number;
    if (street && number)
        f->address = cpted__printf("%s %s", street, number);
    else if (number)
        f->address = cpted__strdup(number);
    else
        f->address = street, street = NULL;
    cpted__free(street);
    if (want && !f->address)
        return cpted__reader_nomem(r);
    static const struct {
        const char *key;
        double bare_unit_m; /* 0: a count */
    } numbers[] = {{"width", 1.0}, {"lanes", 0.0}, {"diameter", 0.001}};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        v = cpted__reader_osm_tag(tags, numbers[i].key);
        if (!v)
            continue;
        double value;
        bool ok = numbers[i].bare_unit_m > 0.0 ? cpted__osm_length(v, numbers[i].bare_unit_m, &value)
                                               : cpted__parse_number(v, &value) && value > 0.0;
        const char *why = "is not understood";
        if (ok && !cpted__attribute_plausible(numbers[i].key, value, &why))
            ok = false;
        if (!ok) {
            int rc = cpted__site_warn(r->site, "'%s' layer '%s' feature %lld%s: %s='%s' %s; ignored",
                                      lc->source, lc->layer, (long long)f->fid, ref,
                                      numbers[i].key, v, why);
            if (rc != CPTED_OK)
                return rc;
            continue;
        }
        if (i == 0)
            f->width_m = value;
        else if (i == 1)
            f->lanes = value;
        else
            f->diameter_m = value;
    }
    if (f->role == CPTED_ROLE_ROAD && f->kind && strncmp(f->kind, "highway=", 8) == 0)
        *highway = f->kind + 8;
    return CPTED_OK;
}

/* ---- OSM passages and gates ---------------------------------------------------- */

/* OSM ways and nodes that act on other features once everything is read: a
 * highway way through buildings (tunnel=building_passage, covered=yes) and a
 * gate node (on a wall or fence). Kept on the side in the source CRS, whatever
 * the feature's own role (a footway passage has none). */
int cpted__reader_collect_osm_extra(const layer_ctx *lc, OGRFeatureH feat, osm_tags *tags)
{
    reader *r = lc->r;
    bool gate = false;
    if (lc->dim == 0) {
        if (r->opts.gates_closed || !cpted__osm_is_gate(cpted__reader_osm_tag(tags, "barrier")))
            return CPTED_OK;
        gate = true;
    } else if (lc->dim != 1 || strcmp(lc->layer, "lines") != 0 ||
               !cpted__osm_is_passage(cpted__reader_osm_tag, tags)) {
        return CPTED_OK;
    }
    double width = NAN, lanes = NAN;
    const char *v = cpted__reader_osm_tag(tags, "width");
    if (!(v && cpted__osm_length(v, 1.0, &width)) && gate &&
        (v = cpted__reader_osm_tag(tags, "maxwidth")))
        (void)cpted__osm_length(v, 1.0, &width); /* (sets width only when understood) */
    if (!gate && (v = cpted__reader_osm_tag(tags, "lanes")) &&
        !(cpted__parse_number(v, &lanes) && lanes > 0.0))
        lanes = NAN;
    char highway[64] = "";
    if (!gate && (v = cpted__reader_osm_tag(tags, "highway")) && strlen(v) < sizeof highway)
        strcpy(highway, v);
    if (gate)
        width = isfinite(width) ? width : CPTED__GATE_WIDTH_M;
    else
        width = cpted__passage_width(r->site, width, lanes, highway);

    OGRGeometryH og = OGR_F_GetGeometryRef(feat);
    if (!og || OGR_G_IsEmpty(og))
        return CPTED_OK; /* (the feature itself is reported where it has a role) */
    GEOSGeometry *g = cpted__reader_ogr_to_geos(r, og);
    if (!g)
        return CPTED_OK;
    char id[64];
    osm_id_text(lc, feat, id, sizeof id);
    char *ref = cpted__strdup(id[0] ? id : "(no OSM id)");
    if (!ref || !cpted__grow((void **)&r->extras, &r->extra_cap, r->extra_count + 1,
                             sizeof *r->extras)) {
        GEOSGeom_destroy_r(r->ctx->geos, g);
        cpted__free(ref);
        return cpted__reader_nomem(r);
    }
    r->extras[r->extra_count++] = (osm_extra){gate, g, lc->crs, width, ref};
    return CPTED_OK;
}


/* OSM passages and gates, in the working CRS: passages are cut out of the
 * buildings they cross, open gates out of the walls and fences they lie on
 * (docs/roles.md). */
int cpted__reader_osm_postprocess(reader *r)
{
    cpted_context *ctx = r->ctx;
    cpted_site *site = r->site;
    if (r->open_buildings > 0)
        cpted__log(ctx, CPTED_LOG_NOTICE,
                   "%lld building=roof/construction area(s) do not block: a vehicle drives "
                   "under a roof or into a building site",
                   (long long)r->open_buildings);
    if (r->extra_count == 0)
        return CPTED_OK;
    PJ **pj = cpted__calloc(r->crs_count, sizeof *pj);
    if (!pj)
        return cpted__reader_nomem(r);
    int rc = CPTED_OK;
    for (size_t c = 0; c < r->crs_count && rc == CPTED_OK; c++)
        rc = cpted__crs_transformer(ctx, r->crs[c], site->crs, &pj[c]);
    size_t passages = 0, cut_buildings = 0, gates = 0, cut_lines = 0;
    /* passages first: a gate never reopens a building */
    for (int pass = 0; pass < 2 && rc == CPTED_OK; pass++) {
        for (size_t i = 0; i < r->extra_count && rc == CPTED_OK; i++) {
            osm_extra *e = &r->extras[i];
            if (e->gate != (pass == 1))
                continue;
            if (pj[e->crs]) {
                GEOSGeometry *moved = GEOSGeom_transformXY_r(
                    ctx->geos, e->geom, cpted__reader_transform_xy, pj[e->crs]);
                if (!moved) {
                    rc = cpted__site_warn(site, "%s %s: cannot transform to %s; not applied",
                                          e->gate ? "gate" : "passage", e->ref, site->crs);
                    continue;
                }
                GEOSGeom_destroy_r(ctx->geos, e->geom);
                e->geom = moved;
            }
            size_t n = 0;
            if (e->gate) {
                rc = cpted__site_cut_gate(site, e->geom, e->width_m, e->ref, &n);
                gates += n > 0;
                cut_lines += n;
            } else {
                rc = cpted__site_cut_passage(site, e->geom, e->width_m, e->ref, &n);
                passages += n > 0;
                cut_buildings += n;
            }
        }
    }
    for (size_t c = 0; c < r->crs_count; c++)
        if (pj[c])
            proj_destroy(pj[c]);
    cpted__free(pj);
    if (rc == CPTED_OK && (passages || gates))
        cpted__log(ctx, CPTED_LOG_NOTICE,
                   "%zu drivable passage(s) cut through %zu building(s); %zu open gate(s) cut "
                   "into %zu wall or fence line(s)",
                   passages, cut_buildings, gates, cut_lines);
    return rc;
}
