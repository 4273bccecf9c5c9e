/*
 * roles.c - role names, the conventional layer names, the OpenStreetMap
 * preset and default carriageway widths (docs/roles.md).
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <string.h>
#include <strings.h>

static const char *const role_names[] = {
    "none",      "asset",  "building", "barrier", "obstacle", "soft",
    "perimeter", "ground", "road",     "entry",   "boundary",
};

CPTED_API const char *CPTED_CALL cpted_role_name(int32_t role)
{
    if (role < CPTED_ROLE_NONE || role > CPTED_ROLE_BOUNDARY)
        return role_names[CPTED_ROLE_NONE];
    return role_names[role];
}

/* Names accepted besides the role names themselves; every entry may also be
 * given with a plural "s" (a final "y" becomes "ies"). */
static const struct {
    const char *name;
    int32_t role;
} synonyms[] = {
    {"bollard", CPTED_ROLE_BARRIER},
    {"wall", CPTED_ROLE_BARRIER},
    {"traversable", CPTED_ROLE_GROUND},
};

/* Matches `name` against `word` and its plural; case-insensitive. */
static bool matches(const char *name, const char *word)
{
    size_t n = strlen(name), w = strlen(word);
    if (n == w)
        return strcasecmp(name, word) == 0;
    if (n == w + 1 && (name[w] == 's' || name[w] == 'S') && word[w - 1] != 'y')
        return strncasecmp(name, word, w) == 0;
    /* entry -> entries */
    if (w > 1 && word[w - 1] == 'y' && n == w + 2 && strncasecmp(name, word, w - 1) == 0)
        return strcasecmp(name + w - 1, "ies") == 0;
    return false;
}

CPTED_API int CPTED_CALL cpted_role_from_name(int32_t *out, const char *name)
{
    if (!out || !name)
        return CPTED_E_INVALID;
    /* "none" round-trips cpted_role_name(): it lets a caller exclude a layer. */
    if (strcasecmp(name, "none") == 0) {
        *out = CPTED_ROLE_NONE;
        return CPTED_OK;
    }
    for (int32_t r = CPTED_ROLE_ASSET; r <= CPTED_ROLE_BOUNDARY; r++) {
        if (matches(name, role_names[r])) {
            *out = r;
            return CPTED_OK;
        }
    }
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++) {
        if (matches(name, synonyms[i].name)) {
            *out = synonyms[i].role;
            return CPTED_OK;
        }
    }
    return CPTED_E_NOTFOUND;
}

/* ---- OpenStreetMap preset --------------------------------------------- */

/* Default carriageway widths (m) per highway class: engineering defaults for
 * a European city (two lanes of about 3.25-3.5 m on main roads, one wide lane
 * on service roads); see docs/roles.md. Roads tagged width or lanes use those. */
static const struct {
    const char *highway;
    double width_m;
} road_classes[] = {
    {"motorway", 7.5},     {"trunk", 7.5},        {"primary", 7.0},     {"secondary", 6.5},
    {"tertiary", 6.0},     {"unclassified", 5.5}, {"residential", 5.5}, {"living_street", 4.5},
    {"service", 3.5},      {"pedestrian", 5.0},   {"track", 3.0},       {"road", 6.5},
    {"busway", 3.5},
};
static const double unknown_road_width_m = 6.5;
static const double link_road_width_m = 4.0; /* *_link: single-lane ramps */

/* Index into road_classes of a vehicle-capable highway value, or -1; *_link
 * values give -2 (they use link_road_width_m). */
static int road_class(const char *highway)
{
    if (!highway)
        return -1;
    for (size_t i = 0; i < sizeof road_classes / sizeof road_classes[0]; i++)
        if (strcmp(highway, road_classes[i].highway) == 0)
            return (int)i;
    size_t n = strlen(highway);
    if (n > 5 && strcmp(highway + n - 5, "_link") == 0)
        return -2;
    return -1;
}

double cpted__road_width(const cpted_site *site, double width_m, double lanes,
                         const char *highway_class)
{
    if (isfinite(width_m) && width_m > 0.0)
        return width_m;
    if (isfinite(lanes) && lanes > 0.0)
        return lanes * (site && site->lane_width_m > 0.0 ? site->lane_width_m : 3.25);
    int c = road_class(highway_class);
    if (c >= 0)
        return road_classes[c].width_m;
    if (c == -2)
        return link_road_width_m;
    return unknown_road_width_m;
}

static bool one_of(const char *value, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(value, *list) == 0)
            return true;
    return false;
}

/* Sets *kind_out to "key=value"; false when out of memory. */
static bool set_kind(char **kind_out, const char *key, const char *value)
{
    *kind_out = cpted__printf("%s=%s", key, value);
    return *kind_out != NULL;
}

/* bollard=* values that are lowered, removed or folded by whoever holds the
 * key: barriers only while someone keeps them up. */
static const char *const operable_bollards[] = {"removable", "rising", "foldable", "retractable",
                                                NULL};

int cpted__osm_role(cpted__osm_class *out, int dim, bool gates_closed, cpted__osm_tag_fn tag,
                    void *payload)
{
    static const char *const hard_barriers[] = {"bollard", "block", "jersey_barrier", "planter",
                                                NULL};
    static const char *const walls[] = {"wall", "retaining_wall", "city_wall", NULL};
    /* Buildings a vehicle drives under or into: a roof on pillars (carport,
     * petrol station canopy), a building site. */
    static const char *const open_buildings[] = {"roof", "construction", NULL};
    int32_t *role_out = &out->role;
    char **kind_out = &out->kind;
    memset(out, 0, sizeof *out);
    const char *v;

    /* An asset by tag: the caller marked the building in the data. */
    if (dim == 2 && (((v = tag(payload, "asset")) && strcmp(v, "yes") == 0) ||
                     ((v = tag(payload, "role")) && strcmp(v, "asset") == 0))) {
        *role_out = CPTED_ROLE_ASSET;
        return set_kind(kind_out, strcmp(v, "yes") == 0 ? "asset" : "role", v) ? CPTED_OK
                                                                              : CPTED_E_NOMEM;
    }
    /* Order matters where tags combine: a building with a barrier tag is a
     * building; a wall along a road is a wall. */
    if (dim == 2 && (v = tag(payload, "building")) && strcmp(v, "no") != 0) {
        if (one_of(v, open_buildings)) {
            out->open_building = true;
            return set_kind(kind_out, "building", v) ? CPTED_OK : CPTED_E_NOMEM;
        }
        *role_out = CPTED_ROLE_BUILDING;
        return set_kind(kind_out, "building", v) ? CPTED_OK : CPTED_E_NOMEM;
    }
    /* Kerbs never block, not even with soft_blocking: a hostile vehicle mounts
     * them (the Nice, Berlin and London attacks did); a kerb-tagged way is read
     * by its other tags. */
    if ((v = tag(payload, "barrier")) && strcmp(v, "kerb") != 0) {
        if (strcmp(v, "bollard") == 0) {
            const char *b = tag(payload, "bollard");
            v = "bollard"; /* (the lookup may have reused the text v pointed to) */
            if (b && one_of(b, operable_bollards)) {
                /* open unless the caller says operable barriers are closed */
                out->operable = true;
                *role_out = gates_closed ? CPTED_ROLE_BARRIER : CPTED_ROLE_SOFT;
                *kind_out = cpted__printf("barrier=bollard;bollard=%s", b);
                return *kind_out ? CPTED_OK : CPTED_E_NOMEM;
            }
        }
        if (one_of(v, hard_barriers)) {
            *role_out = CPTED_ROLE_BARRIER;
            /* A way tagged bollard is a row whose spacing nobody mapped. */
            out->unverified_row = dim == 1 && strcmp(v, "bollard") == 0;
        } else if (one_of(v, walls)) {
            if (dim == 0)
                return CPTED_OK; /* a wall as a point has no extent to block with */
            *role_out = CPTED_ROLE_OBSTACLE;
        } else if (strcmp(v, "no") != 0) {
            *role_out = CPTED_ROLE_SOFT;
            out->operable = cpted__osm_is_gate(v);
        } else {
            return CPTED_OK;
        }
        return set_kind(kind_out, "barrier", v) ? CPTED_OK : CPTED_E_NOMEM;
    }
    if (dim >= 1 && (v = tag(payload, "natural")) && strcmp(v, "water") == 0) {
        *role_out = CPTED_ROLE_OBSTACLE;
        return set_kind(kind_out, "natural", v) ? CPTED_OK : CPTED_E_NOMEM;
    }
    if (dim == 2 && (v = tag(payload, "area:highway"))) {
        *role_out = CPTED_ROLE_GROUND;
        return set_kind(kind_out, "area:highway", v) ? CPTED_OK : CPTED_E_NOMEM;
    }
    if ((v = tag(payload, "highway"))) {
        if (dim == 1 && road_class(v) != -1) {
            *role_out = CPTED_ROLE_ROAD;
            return set_kind(kind_out, "highway", v) ? CPTED_OK : CPTED_E_NOMEM;
        }
        /* A highway area (GDAL's OSM driver puts a closed highway way in the
         * area layer only when it is tagged area=yes, and drops the area tag):
         * a plaza or a service yard a vehicle can drive on. */
        if (dim == 2 && road_class(v) != -1) {
            *role_out = CPTED_ROLE_GROUND;
            return set_kind(kind_out, "highway", v) ? CPTED_OK : CPTED_E_NOMEM;
        }
    }
    return CPTED_OK;
}

bool cpted__osm_is_gate(const char *barrier)
{
    static const char *const gates[] = {"gate", "lift_gate", "swing_gate", "sliding_gate",
                                        "hampshire_gate", "bump_gate", "full-height_turnstile",
                                        NULL};
    return barrier && one_of(barrier, gates);
}

bool cpted__osm_is_passage(cpted__osm_tag_fn tag, void *payload)
{
    const char *v;
    if (!tag(payload, "highway"))
        return false;
    return ((v = tag(payload, "tunnel")) && strcmp(v, "building_passage") == 0) ||
           ((v = tag(payload, "covered")) && strcmp(v, "yes") == 0);
}

double cpted__passage_width(const cpted_site *site, double width_m, double lanes,
                            const char *highway)
{
    if (isfinite(width_m) && width_m > 0.0)
        return width_m;
    if (road_class(highway) == -1 && !(isfinite(lanes) && lanes > 0.0))
        return CPTED__PASSAGE_WIDTH_M; /* footway, cycleway, ...: no class width */
    return cpted__road_width(site, width_m, lanes, highway);
}
