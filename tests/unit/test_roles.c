/* test_roles.c - role names, conventional layer names, the OSM preset and
 * default road widths (lib/roles.c, docs/roles.md). */
#include "testutil.h"

#include "internal.h"

#include <math.h>
#include <string.h>

static void test_role_names(void **state)
{
    (void)state;
    static const char *const names[] = {"none",      "asset",  "building", "barrier",
                                        "obstacle",  "soft",   "perimeter", "ground",
                                        "road",      "entry",  "boundary"};
    for (int32_t r = CPTED_ROLE_NONE; r <= CPTED_ROLE_BOUNDARY; r++) {
        assert_string_equal(cpted_role_name(r), names[r]);
        int32_t back = -1;
        assert_int_equal(cpted_role_from_name(&back, names[r]), CPTED_OK);
        assert_int_equal(back, r);
    }
    assert_string_equal(cpted_role_name(-1), "none");
    assert_string_equal(cpted_role_name(11), "none");
}

static void test_role_from_name(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int32_t role;
    } ok[] = {
        {"Buildings", CPTED_ROLE_BUILDING}, {"ASSETS", CPTED_ROLE_ASSET},
        {"bollard", CPTED_ROLE_BARRIER},    {"BOLLARDS", CPTED_ROLE_BARRIER},
        {"walls", CPTED_ROLE_BARRIER},      {"barriers", CPTED_ROLE_BARRIER},
        {"obstacles", CPTED_ROLE_OBSTACLE}, {"soft", CPTED_ROLE_SOFT},
        {"perimeter", CPTED_ROLE_PERIMETER}, {"ground", CPTED_ROLE_GROUND},
        {"Traversable", CPTED_ROLE_GROUND}, {"roads", CPTED_ROLE_ROAD},
        {"entries", CPTED_ROLE_ENTRY},      {"Entry", CPTED_ROLE_ENTRY},
        {"boundaries", CPTED_ROLE_BOUNDARY}, {"NONE", CPTED_ROLE_NONE},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int32_t r = -1;
        if (cpted_role_from_name(&r, ok[i].name) != CPTED_OK || r != ok[i].role)
            fail_msg("'%s' should be %s", ok[i].name, cpted_role_name(ok[i].role));
    }
    static const char *const bad[] = {"tower", "", "assetss", "building_parts", "boundarie",
                                      "entrys", "road s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t r = 42;
        if (cpted_role_from_name(&r, bad[i]) != CPTED_E_NOTFOUND)
            fail_msg("'%s' should not be a role name", bad[i]);
        assert_int_equal(r, 42); /* untouched */
    }
    int32_t r;
    assert_int_equal(cpted_role_from_name(NULL, "asset"), CPTED_E_INVALID);
    assert_int_equal(cpted_role_from_name(&r, NULL), CPTED_E_INVALID);
}

static void test_road_width(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, *state, NULL), CPTED_OK);
    /* the width attribute wins; then lanes x lane width; then the class */
    assert_true(cpted__road_width(site, 8.0, 4.0, "primary") == 8.0);
    assert_true(cpted__road_width(site, NAN, 2.0, "primary") == 6.5); /* 2 x 3.25 */
    site->lane_width_m = 3.5;
    assert_true(cpted__road_width(site, NAN, 3.0, NULL) == 10.5);
    static const struct {
        const char *highway;
        double width_m;
    } classes[] = {{"motorway", 7.5},  {"trunk", 7.5},        {"primary", 7.0},
                   {"secondary", 6.5}, {"tertiary", 6.0},     {"unclassified", 5.5},
                   {"residential", 5.5}, {"living_street", 4.5}, {"service", 3.5},
                   {"pedestrian", 5.0}, {"track", 3.0},        {"road", 6.5},
                   {"busway", 3.5},    {"primary_link", 4.0}, {"motorway_link", 4.0},
                   {"footway", 6.5},   {NULL, 6.5}};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        assert_true(cpted__road_width(site, NAN, NAN, classes[i].highway) == classes[i].width_m);
    cpted_site_free(site);
}

/* A feature's tags for cpted__osm_role: "k=v" strings. */
typedef struct fake_tags {
    const char *const *kv;
} fake_tags;

static const char *fake_tag(void *payload, const char *key)
{
    const fake_tags *t = payload;
    size_t n = strlen(key);
    for (const char *const *p = t->kv; *p; p++)
        if (strncmp(*p, key, n) == 0 && (*p)[n] == '=')
            return *p + n + 1;
    return NULL;
}

static void test_osm_preset(void **state)
{
    (void)state;
    static const struct {
        const char *tags[3];
        int dim;
        int32_t role;
        const char *kind;
        bool unverified;
    } cases[] = {
        {{"building=yes"}, 2, CPTED_ROLE_BUILDING, "building=yes", false},
        {{"building=no"}, 2, CPTED_ROLE_NONE, NULL, false},
        {{"building=yes"}, 0, CPTED_ROLE_NONE, NULL, false}, /* an address node */
        {{"building=yes", "barrier=wall"}, 2, CPTED_ROLE_BUILDING, "building=yes", false},
        {{"barrier=bollard"}, 0, CPTED_ROLE_BARRIER, "barrier=bollard", false},
        {{"barrier=bollard"}, 1, CPTED_ROLE_BARRIER, "barrier=bollard", true},
        {{"barrier=block"}, 0, CPTED_ROLE_BARRIER, "barrier=block", false},
        {{"barrier=jersey_barrier"}, 1, CPTED_ROLE_BARRIER, "barrier=jersey_barrier", false},
        {{"barrier=planter"}, 2, CPTED_ROLE_BARRIER, "barrier=planter", false},
        {{"barrier=wall"}, 1, CPTED_ROLE_OBSTACLE, "barrier=wall", false},
        {{"barrier=retaining_wall"}, 2, CPTED_ROLE_OBSTACLE, "barrier=retaining_wall", false},
        {{"barrier=wall"}, 0, CPTED_ROLE_NONE, NULL, false},
        {{"barrier=gate"}, 0, CPTED_ROLE_SOFT, "barrier=gate", false},
        /* kerbs never block: the way is read by its other tags */
        {{"barrier=kerb", "highway=primary"}, 1, CPTED_ROLE_ROAD, "highway=primary", false},
        {{"barrier=kerb"}, 1, CPTED_ROLE_NONE, NULL, false},
        {{"barrier=no"}, 1, CPTED_ROLE_NONE, NULL, false},
        {{"natural=water"}, 2, CPTED_ROLE_OBSTACLE, "natural=water", false},
        {{"natural=tree"}, 0, CPTED_ROLE_NONE, NULL, false},
        {{"area:highway=footway"}, 2, CPTED_ROLE_GROUND, "area:highway=footway", false},
        {{"highway=primary"}, 1, CPTED_ROLE_ROAD, "highway=primary", false},
        {{"highway=primary_link"}, 1, CPTED_ROLE_ROAD, "highway=primary_link", false},
        {{"highway=footway"}, 1, CPTED_ROLE_NONE, NULL, false},
        {{"highway=steps"}, 1, CPTED_ROLE_NONE, NULL, false},
        {{"highway=pedestrian"}, 2, CPTED_ROLE_GROUND, "highway=pedestrian", false},
        {{"highway=service"}, 2, CPTED_ROLE_GROUND, "highway=service", false},
        {{"highway=platform"}, 2, CPTED_ROLE_NONE, NULL, false},
        {{"highway=bus_stop"}, 0, CPTED_ROLE_NONE, NULL, false},
        {{"amenity=bench"}, 0, CPTED_ROLE_NONE, NULL, false},
        /* issue 7 item 5: semantics that do not err on the unsafe side */
        {{"barrier=city_wall"}, 1, CPTED_ROLE_OBSTACLE, "barrier=city_wall", false},
        {{"barrier=city_wall"}, 0, CPTED_ROLE_NONE, NULL, false},
        {{"barrier=jersey_barrier"}, 0, CPTED_ROLE_BARRIER, "barrier=jersey_barrier", false},
        {{"barrier=rock"}, 0, CPTED_ROLE_SOFT, "barrier=rock", false},
        {{"barrier=collision_protection"}, 1, CPTED_ROLE_SOFT, "barrier=collision_protection",
         false},
        {{"barrier=bollard", "bollard=removable"}, 0, CPTED_ROLE_SOFT,
         "barrier=bollard;bollard=removable", false},
        {{"barrier=bollard", "bollard=rising"}, 0, CPTED_ROLE_SOFT,
         "barrier=bollard;bollard=rising", false},
        {{"barrier=bollard", "bollard=foldable"}, 1, CPTED_ROLE_SOFT,
         "barrier=bollard;bollard=foldable", false},
        {{"barrier=bollard", "bollard=fixed"}, 0, CPTED_ROLE_BARRIER, "barrier=bollard", false},
        {{"barrier=lift_gate", "highway=service"}, 1, CPTED_ROLE_SOFT, "barrier=lift_gate", false},
        {{"building=roof"}, 2, CPTED_ROLE_NONE, "building=roof", false},
        {{"building=construction"}, 2, CPTED_ROLE_NONE, "building=construction", false},
        {{"landuse=construction"}, 2, CPTED_ROLE_NONE, NULL, false},
        {{"building=yes", "asset=yes"}, 2, CPTED_ROLE_ASSET, "asset=yes", false},
        {{"building=yes", "role=asset"}, 2, CPTED_ROLE_ASSET, "role=asset", false},
        {{"building=yes", "asset=no"}, 2, CPTED_ROLE_BUILDING, "building=yes", false},
        {{"asset=yes"}, 0, CPTED_ROLE_NONE, NULL, false},
        {{"highway=service", "tunnel=building_passage"}, 1, CPTED_ROLE_ROAD, "highway=service",
         false},
        {{"highway=residential", "covered=yes"}, 1, CPTED_ROLE_ROAD, "highway=residential",
         false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_tags t = {cases[i].tags};
        cpted__osm_class oc;
        assert_int_equal(cpted__osm_role(&oc, cases[i].dim, false, fake_tag, &t), CPTED_OK);
        int32_t role = oc.role;
        char *kind = oc.kind;
        bool unverified = oc.unverified_row;
        if (role != cases[i].role)
            fail_msg("case %zu (%s, dim %d): %s, expected %s", i, cases[i].tags[0],
                     cases[i].dim, cpted_role_name(role), cpted_role_name(cases[i].role));
        if (cases[i].kind)
            assert_string_equal(kind, cases[i].kind);
        else
            assert_null(kind);
        assert_int_equal(unverified, cases[i].unverified);
        cpted__free(kind);
    }
}

/* Operable bollards and gates are flagged; gates_closed puts the bollards up. */
static void test_osm_operable(void **state)
{
    (void)state;
    static const char *const rising[] = {"barrier=bollard", "bollard=rising", NULL};
    static const char *const fixed[] = {"barrier=bollard", NULL};
    static const char *const gate[] = {"barrier=gate", NULL};
    static const char *const fence[] = {"barrier=fence", NULL};
    static const char *const roof[] = {"building=roof", NULL};
    fake_tags t = {rising};
    cpted__osm_class oc;
    assert_int_equal(cpted__osm_role(&oc, 0, false, fake_tag, &t), CPTED_OK);
    assert_int_equal(oc.role, CPTED_ROLE_SOFT);
    assert_true(oc.operable);
    cpted__free(oc.kind);
    assert_int_equal(cpted__osm_role(&oc, 0, true, fake_tag, &t), CPTED_OK);
    assert_int_equal(oc.role, CPTED_ROLE_BARRIER);
    assert_true(oc.operable);
    assert_string_equal(oc.kind, "barrier=bollard;bollard=rising");
    cpted__free(oc.kind);
    t.kv = fixed;
    assert_int_equal(cpted__osm_role(&oc, 0, false, fake_tag, &t), CPTED_OK);
    assert_false(oc.operable);
    cpted__free(oc.kind);
    t.kv = gate;
    assert_int_equal(cpted__osm_role(&oc, 0, true, fake_tag, &t), CPTED_OK);
    assert_int_equal(oc.role, CPTED_ROLE_SOFT); /* a gate node itself is never a barrier */
    assert_true(oc.operable);
    cpted__free(oc.kind);
    t.kv = fence;
    assert_int_equal(cpted__osm_role(&oc, 1, false, fake_tag, &t), CPTED_OK);
    assert_false(oc.operable);
    cpted__free(oc.kind);
    t.kv = roof;
    assert_int_equal(cpted__osm_role(&oc, 2, false, fake_tag, &t), CPTED_OK);
    assert_true(oc.open_building);
    assert_int_equal(oc.role, CPTED_ROLE_NONE);
    cpted__free(oc.kind);
    assert_true(cpted__osm_is_gate("lift_gate"));
    assert_true(cpted__osm_is_gate("sliding_gate"));
    assert_false(cpted__osm_is_gate("fence"));
    assert_false(cpted__osm_is_gate(NULL));
}

/* Passages: highway ways tagged tunnel=building_passage or covered=yes; the
 * width is the width tag, else the class width, else 3.0 m. */
static void test_osm_passage(void **state)
{
    (void)state;
    static const char *const tunnel[] = {"highway=service", "tunnel=building_passage", NULL};
    static const char *const covered[] = {"highway=footway", "covered=yes", NULL};
    static const char *const road_tunnel[] = {"highway=primary", "tunnel=yes", NULL};
    static const char *const no_highway[] = {"tunnel=building_passage", NULL};
    fake_tags t = {tunnel};
    assert_true(cpted__osm_is_passage(fake_tag, &t));
    t.kv = covered;
    assert_true(cpted__osm_is_passage(fake_tag, &t));
    t.kv = road_tunnel;
    assert_false(cpted__osm_is_passage(fake_tag, &t));
    t.kv = no_highway;
    assert_false(cpted__osm_is_passage(fake_tag, &t));
    assert_true(cpted__passage_width(NULL, 3.0, NAN, "service") == 3.0);
    assert_true(cpted__passage_width(NULL, NAN, NAN, "service") == 3.5);
    assert_true(cpted__passage_width(NULL, NAN, 2.0, "footway") == 6.5);
    assert_true(cpted__passage_width(NULL, NAN, NAN, "footway") == 3.0);
    assert_true(cpted__passage_width(NULL, NAN, NAN, "") == 3.0);
}

/* ---- site-level cuts in a metric site: exact values ---------------------- */

static cpted_site *metric_site(void **state)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, *state, "EPSG:25832"), CPTED_OK);
    return site;
}

static GEOSGeometry *wkt(const cpted_site *site, const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(site->ctx->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(site->ctx->geos, r, text);
    GEOSWKTReader_destroy_r(site->ctx->geos, r);
    assert_non_null(g);
    return g;
}

static double area_of(const cpted_site *site, size_t i)
{
    double a = -1.0;
    assert_int_equal(GEOSArea_r(site->ctx->geos, site->features[i].geom, &a), 1);
    return a;
}

/* A 20 m x 10 m building crossed at x = 10 by a 3 m passage: 200 - 3 * 10 =
 * 170 m2 left, in two 8.5 m x 10 m pieces 3 m apart. */
static void test_cut_passage(void **state)
{
    cpted_site *site = metric_site(state);
    size_t n;
    unsigned char *wkb = test_wkb_rect(0, 0, 20, 10, &n);
    test_add(site, "buildings", CPTED_ROLE_BUILDING, wkb, n);
    wkb = test_wkb_rect(40, 0, 50, 10, &n); /* not crossed */
    test_add(site, "buildings", CPTED_ROLE_BUILDING, wkb, n);
    GEOSContextHandle_t h = site->ctx->geos;
    GEOSGeometry *way = wkt(site, "LINESTRING (10 -2, 10 15)");
    size_t cut = 0;
    assert_int_equal(cpted__site_cut_passage(site, way, 3.0, "way/456", &cut), CPTED_OK);
    assert_int_equal(cut, 1);
    assert_true(area_of(site, 0) == 170.0);
    assert_int_equal(GEOSGetNumGeometries_r(h, site->features[0].geom), 2);
    double gap = 0.0;
    assert_int_equal(GEOSDistance_r(h, GEOSGetGeometryN_r(h, site->features[0].geom, 0),
                                    GEOSGetGeometryN_r(h, site->features[0].geom, 1), &gap),
                     1);
    assert_true(gap == 3.0);
    assert_int_equal(site->features[0].passages, 1);
    assert_true(area_of(site, 1) == 100.0);
    assert_int_equal(site->features[1].passages, 0);
    assert_int_equal(cpted_site_warning_count(site), 1);
    assert_string_equal(cpted_site_warning(site, 0),
                        "building buildings:1: drivable passage way/456 (3.00 m wide) cut "
                        "through it");
    /* a passage along an edge only touches: nothing is cut */
    GEOSGeometry *edge = wkt(site, "LINESTRING (38.5 -5, 38.5 15)");
    assert_int_equal(cpted__site_cut_passage(site, edge, 3.0, "way/457", &cut), CPTED_OK);
    assert_int_equal(cut, 0);
    assert_true(area_of(site, 1) == 100.0);
    /* a passage wider than the building removes it */
    GEOSGeometry *wide = wkt(site, "LINESTRING (45 -5, 45 15)");
    assert_int_equal(cpted__site_cut_passage(site, wide, 12.0, "way/458", &cut), CPTED_OK);
    assert_int_equal(cut, 1);
    assert_int_equal(site->feature_count, 1);
    assert_int_equal(cpted__site_cut_passage(site, wide, 0.0, "way/458", &cut), CPTED_E_INVALID);
    /* an asset stays whole for measuring: cutting it would move it away from
     * the vehicle. Only its blocking footprint loses the passage. */
    wkb = test_wkb_rect(60, 0, 80, 10, &n);
    test_add(site, "assets", CPTED_ROLE_ASSET, wkb, n);
    GEOSGeometry *through = wkt(site, "LINESTRING (70 -5, 70 15)");
    assert_int_equal(cpted__site_cut_passage(site, through, 3.0, "way/459", &cut), CPTED_OK);
    assert_int_equal(cut, 1);
    assert_true(area_of(site, 1) == 200.0);
    assert_int_equal(site->features[1].passages, 1);
    cpted_freespace_options fo;
    assert_int_equal(cpted_freespace_options_init(&fo, sizeof fo), CPTED_OK);
    GEOSGeometry *fp = cpted__footprint(site->ctx, &site->features[1], &fo);
    assert_non_null(fp);
    double fp_area = 0.0;
    GEOSArea_r(h, fp, &fp_area);
    assert_true(fp_area == 170.0);
    GEOSGeom_destroy_r(h, fp);
    assert_string_equal(cpted_site_warning(site, cpted_site_warning_count(site) - 1),
                        "asset assets:1: drivable passage way/459 (3.00 m wide) opened through "
                        "it (its standoff is measured to the whole footprint)");
    GEOSGeom_destroy_r(h, through);
    GEOSGeom_destroy_r(h, way);
    GEOSGeom_destroy_r(h, edge);
    GEOSGeom_destroy_r(h, wide);
    cpted_site_free(site);
}

static double part_length(const cpted_site *site, size_t i, int part)
{
    GEOSContextHandle_t h = site->ctx->geos;
    double len = -1.0;
    assert_int_equal(GEOSLength_r(h, GEOSGetGeometryN_r(h, site->features[i].geom, part), &len),
                     1);
    return len;
}

/* Gates: a 20 m wall with a 4 m gate in its middle leaves 8 m + 8 m; a ring
 * of 40 m with a 3.5 m gate leaves one line of 36.5 m from the gate's far
 * side round to its near side. */
static void test_cut_gate(void **state)
{
    cpted_site *site = metric_site(state);
    GEOSContextHandle_t h = site->ctx->geos;
    size_t n;
    const double wall[] = {0, 0, 20, 0};
    unsigned char *wkb = test_wkb_line(wall, 2, &n);
    test_add(site, "walls", CPTED_ROLE_OBSTACLE, wkb, n);
    const double ring[] = {0, 10, 10, 10, 10, 20, 0, 20, 0, 10};
    wkb = test_wkb_line(ring, 5, &n);
    test_add(site, "fences", CPTED_ROLE_SOFT, wkb, n);
    const double road[] = {0, 0, 20, 0};
    wkb = test_wkb_line(road, 2, &n);
    test_add(site, "roads", CPTED_ROLE_ROAD, wkb, n); /* never cut */

    GEOSGeometry *gate = wkt(site, "POINT (10 0)");
    size_t cut = 0;
    assert_int_equal(cpted__site_cut_gate(site, gate, 4.0, "node/7", &cut), CPTED_OK);
    assert_int_equal(cut, 1);
    assert_int_equal(GEOSGeomTypeId_r(h, site->features[0].geom), GEOS_MULTILINESTRING);
    assert_true(part_length(site, 0, 0) == 8.0);
    assert_true(part_length(site, 0, 1) == 8.0);
    assert_int_equal(site->features[0].gates, 1);
    assert_string_equal(cpted_site_warning(site, 0),
                        "obstacle walls:1: gate node/7 opens 4.00 m of it");
    /* a second gate on one of the pieces: 8 m - 3.5 m at its start (x 0 .. 1.75) */
    GEOSGeometry *gate2 = wkt(site, "POINT (0 0)");
    assert_int_equal(cpted__site_cut_gate(site, gate2, 3.5, "node/8", &cut), CPTED_OK);
    assert_true(part_length(site, 0, 0) == 6.25);
    assert_true(part_length(site, 0, 1) == 8.0);

    GEOSGeometry *on_ring = wkt(site, "POINT (0 10)"); /* the ring's first vertex */
    assert_int_equal(cpted__site_cut_gate(site, on_ring, 3.5, "node/9", &cut), CPTED_OK);
    assert_int_equal(cut, 1);
    assert_int_equal(GEOSGeomTypeId_r(h, site->features[1].geom), GEOS_LINESTRING);
    assert_true(part_length(site, 1, 0) == 36.5);
    double x, y;
    const GEOSGeometry *l = site->features[1].geom;
    GEOSGeometry *start = GEOSGeomGetStartPoint_r(h, l), *end = GEOSGeomGetEndPoint_r(h, l);
    GEOSGeomGetX_r(h, start, &x);
    GEOSGeomGetY_r(h, start, &y);
    assert_true(x == 1.75 && y == 10.0);
    GEOSGeomGetX_r(h, end, &x);
    GEOSGeomGetY_r(h, end, &y);
    assert_true(x == 0.0 && y == 11.75);
    GEOSGeom_destroy_r(h, start);
    GEOSGeom_destroy_r(h, end);
    /* the road under the first gate is untouched */
    double len = 0.0;
    GEOSLength_r(h, site->features[2].geom, &len);
    assert_true(len == 20.0);
    assert_int_equal(site->features[2].gates, 0);
    /* a gate 1 cm off every line cuts nothing */
    GEOSGeometry *off = wkt(site, "POINT (15 0.01)");
    assert_int_equal(cpted__site_cut_gate(site, off, 3.5, "node/10", &cut), CPTED_OK);
    assert_int_equal(cut, 0);
    GEOSGeom_destroy_r(h, gate);
    GEOSGeom_destroy_r(h, gate2);
    GEOSGeom_destroy_r(h, on_ring);
    GEOSGeom_destroy_r(h, off);
    cpted_site_free(site);
}

/* The real extract: every way tagged barrier=bollard is an unverified row,
 * no bollard node is. */
static void test_osm_unverified_rows(void **state)
{
    cpted_site *site = NULL;
    const char *path = test_sample_path("osm/helsinki_centre_osm_2019.osm.pbf");
    assert_int_equal(cpted_site_open(&site, *state, &path, 1, NULL), CPTED_OK);
    size_t rows = 0, unverified_points = 0;
    for (size_t i = 0; i < site->feature_count; i++) {
        const cpted__feature *f = &site->features[i];
        if (!f->unverified_row)
            continue;
        assert_int_equal(f->role, CPTED_ROLE_BARRIER);
        assert_string_equal(f->kind, "barrier=bollard");
        int type = GEOSGeomTypeId_r(site->ctx->geos, f->geom);
        if (type == GEOS_POINT)
            unverified_points++;
        else
            rows++;
    }
    assert_int_equal(rows, 57);
    assert_int_equal(unverified_points, 0);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),   cmocka_unit_test(test_role_from_name),
        cmocka_unit_test(test_road_width),   cmocka_unit_test(test_osm_preset),
        cmocka_unit_test(test_osm_unverified_rows), cmocka_unit_test(test_osm_operable),
        cmocka_unit_test(test_osm_passage),  cmocka_unit_test(test_cut_passage),
        cmocka_unit_test(test_cut_gate),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
