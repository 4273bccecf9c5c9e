/*
 * test_vda_json.c - the `cpted/vda/1` document (lib/vda_json.c) of VDA
 * results built by hand, so the presentation is checked apart from the
 * engine: the exact text for a reachable, an unreachable and a point target
 * with their element and line summaries; the same for a result that is not
 * assessed; target coordinates in a geographic output CRS; bad arguments.
 *
 * Values (vehicle "TEST": 1500 kg, a0 3.5 m/s2, vmax 50 m/s = 180 km/h):
 *  - reachable target: 15 m/s = 54 km/h; energy 1/2 1500 15^2 = 168750 J =
 *    168.75 kJ; at 60 degrees to the line the normal component is
 *    15 sin 60, energy 168.75 x 0.75 = 126.5625 kJ; run-up from standstill
 *    s(0 -> 15) = (50/3.5) [-15 - 50 ln(35/50)] = 40.48210643 m;
 *  - point target: 10 m/s = 36 km/h, 75 kJ;
 *  - unreachable target: its record holds leftover numbers (12 km/h ...), which
 *    must come out null, as must a summary's when it has no worst target.
 *  - reprojection: (500050, 60) in EPSG:25832 is (9.000449337, 0.000542839) in
 *    EPSG:4326 (worked out in tests/unit/test_write.c).
 */
#include "internal.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a result built by hand --------------------------------------------------- */

typedef struct fixture {
    cpted_context *ctx;
    cpted_site *site;
    cpted_vda *v;
} fixture;

static cpted_vehicle test_vehicle(void)
{
    cpted_vehicle car;
    memset(&car, 0, sizeof car);
    car.struct_size = sizeof car;
    strcpy(car.class_code, "TEST");
    car.mass_kg = 1500;
    car.width_m = 1.8;
    car.length_m = 4.5;
    car.a0_mps2 = 3.5;
    car.vmax_mps = 50;
    car.lateral_friction = 0.6;
    car.braking_mps2 = 7;
    car.min_turn_radius_m = 5;
    return car;
}

/* A 40 x 20 m site (offset by ox, oy) with a perimeter line, its free space
 * and an empty VDA result on it with the default options. */
static fixture make_fixture(const char *output_crs, double ox, double oy)
{
    fixture f = {0};
    assert_int_equal(cpted_context_new(&f.ctx), CPTED_OK);
    assert_int_equal(cpted__site_create(&f.site, f.ctx, "EPSG:25832", output_crs), CPTED_OK);
    size_t n;
    unsigned char *w = test_wkb_rect(ox, oy, ox + 40, oy + 20, &n);
    test_add(f.site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    const double line[] = {ox, oy + 5, ox + 40, oy + 5};
    w = test_wkb_line(line, 2, &n);
    test_add(f.site, "perimeter", CPTED_ROLE_PERIMETER, w, n);
    cpted_vehicle car = test_vehicle();
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, f.site, &car, NULL), CPTED_OK);

    cpted_vda *v = calloc(1, sizeof *v);
    assert_non_null(v);
    cpted__result_init(&v->head, f.ctx, f.site, fs);
    v->site = f.site;
    v->ctx = f.ctx;
    v->fs = fs;
    v->vehicle = car;
    v->opts.struct_size = sizeof v->opts;
    v->opts.targets = CPTED_VDA_TARGETS_AUTO;
    v->opts.spacing_m = 2;
    v->opts.entry_speed_kmh = NAN;
    v->opts.chain_m = 5;
    v->opts.cell_m = 0.5;
    v->opts.headings = 32;
    v->opts.window_m = 400;
    v->opts.sensitivity = 1;
    cpted_freespace_free(fs); /* the result's head keeps it */
    f.v = v;
    return f;
}

static void free_fixture(fixture *f)
{
    cpted_vda *v = f->v;
    for (size_t i = 0; i < v->target_count; i++)
        free(v->targets[i].path_xy);
    free(v->targets);
    free(v->elements);
    free(v->lines);
    cpted__result_fini(&v->head);
    free(v);
    cpted_site_free(f->site);
    cpted_context_free(f->ctx);
}

/* A target record with every number absent and ok not applicable. */
static cpted__vda_target blank_target(const char *id, const char *line, double x, double y)
{
    cpted__vda_target t;
    memset(&t, 0, sizeof t);
    cpted_vda_target *r = &t.rec;
    r->struct_size = sizeof *r;
    r->id = id;
    r->line_id = line;
    r->x = x;
    r->y = y;
    r->station_m = r->speed_mps = r->speed_kmh = r->energy_kj = r->angle_deg = NAN;
    r->energy_normal_kj = r->runup_m = r->speed_low_kmh = r->speed_high_kmh = NAN;
    r->rated_mass_kg = r->rated_speed_kmh = r->rated_angle_deg = r->rated_penetration_m = NAN;
    r->ok = -1;
    t.element = (size_t)-1;
    return t;
}

static const char rating[] = "IWA 14-1:2013 V/1500[M1]/48/90:0.5";
static const char needed[] = "IWA 14-1:2013 V/1500[M1]/64/90";

static void set_element(cpted_vda_target *r)
{
    r->barrier_id = "bollards:1";
    r->rating = rating;
    r->rated_mass_kg = 1500;
    r->rated_speed_kmh = 48;
    r->rated_angle_deg = 90;
    r->rated_penetration_m = 0.5;
}

static cpted__vda_summary summary(const char *id, size_t worst, size_t count, double kmh,
                                  double kj, const char *rat, const char *need, int32_t ok)
{
    cpted__vda_summary s;
    memset(&s, 0, sizeof s);
    s.rec.struct_size = sizeof s.rec;
    s.rec.id = id;
    s.rec.worst_target = worst;
    s.rec.target_count = count;
    s.rec.speed_kmh = kmh;
    s.rec.energy_kj = kj;
    s.rec.rating = rat;
    s.rec.needed_rating = need;
    s.rec.ok = ok;
    return s;
}

/* Three targets on the site at the origin: reachable, unreachable, a point. */
static void fill_assessed(cpted_vda *v)
{
    v->targets = calloc(3, sizeof *v->targets);
    assert_non_null(v->targets);
    v->target_count = v->target_cap = 3;

    cpted__vda_target *t = &v->targets[0];
    *t = blank_target("perimeter:1@10", "perimeter:1", 10, 5);
    t->rec.station_m = 10;
    t->rec.assessed = t->rec.reachable = 1;
    t->rec.speed_mps = 15;
    t->rec.speed_kmh = 54;
    t->rec.energy_kj = 168.75;
    t->rec.angle_deg = 60;
    t->rec.energy_normal_kj = 126.5625;
    t->rec.runup_m = 40.48210643;
    t->rec.speed_low_kmh = 48.6;
    t->rec.speed_high_kmh = 59.4;
    set_element(&t->rec);
    t->rec.ok = 0;
    t->rec.needed_rating = needed;
    t->path_xy = malloc(4 * sizeof *t->path_xy);
    assert_non_null(t->path_xy);
    memcpy(t->path_xy, (const double[]){10, 19, 10, 5}, 4 * sizeof(double));
    t->path_n = 2;

    t = &v->targets[1];
    *t = blank_target("perimeter:1@12", "perimeter:1", 12, 5);
    t->rec.station_m = 12;
    t->rec.assessed = 1;
    t->rec.reachable = 0;
    /* leftovers that must not show */
    t->rec.speed_kmh = 12;
    t->rec.speed_mps = 3.333;
    t->rec.energy_kj = 8;
    t->rec.runup_m = 1;
    t->rec.speed_low_kmh = 10;
    t->rec.speed_high_kmh = 14;
    set_element(&t->rec);
    t->rec.ok = 1;
    t->rec.needed_rating = needed;

    t = &v->targets[2];
    *t = blank_target("point:1", NULL, 30, 15);
    t->rec.assessed = t->rec.reachable = 1;
    t->rec.speed_mps = 10;
    t->rec.speed_kmh = 36;
    t->rec.energy_kj = 75;
    t->rec.runup_m = 16.5;

    v->elements = calloc(1, sizeof *v->elements);
    v->lines = calloc(2, sizeof *v->lines);
    assert_non_null(v->elements);
    assert_non_null(v->lines);
    v->element_count = v->element_cap = 1;
    v->elements[0] = summary("bollards:1", 0, 1, 54, 168.75, rating, needed, 0);
    v->line_count = v->line_cap = 2;
    v->lines[0] = summary("perimeter:1", 0, 2, 54, 168.75, rating, needed, 0);
    /* a facade whose one target is unreachable: leftovers again */
    v->lines[1] = summary("assets:1", (size_t)-1, 1, 3, 0.5, NULL, "x", -1);
    assert_int_equal(cpted__result_add_warning(&v->head, "target \"perimeter:1@12\": no approach"),
                     CPTED_OK);
}

static const char head_text[] =
    "{\"schema\":\"cpted/vda/1\","
    "\"crs\":{\"working\":\"EPSG:25832\",\"output\":\"EPSG:25832\"},"
    "\"vehicle\":{\"class\":\"TEST\",\"mass_kg\":1500,\"width_m\":1.8,\"length_m\":4.5,"
    "\"a0_mps2\":3.5,\"vmax_kmh\":180,\"lateral_friction\":0.6,\"braking_mps2\":7,"
    "\"min_turn_radius_m\":5},";

static const char options_text[] =
    "\"options\":{\"targets\":\"auto\",\"spacing_m\":2,\"entry_speed_kmh\":null,\"chain_m\":5,"
    "\"cell_m\":0.5,\"headings\":32,\"window_m\":400,\"sensitivity\":true},";

/* ---- tests ------------------------------------------------------------------ */

static void test_assessed_document(void **state)
{
    (void)state;
    fixture f = make_fixture(NULL, 0, 0);
    fill_assessed(f.v);
    char *json = NULL;
    assert_int_equal(cpted_vda_to_json(&json, f.v), CPTED_OK);
    char expected[8192];
    snprintf(
        expected, sizeof expected, "%s%s%s%s%s%s%s",
        head_text, "\"assessed\":true,\"not_assessed\":null,", options_text,
        "\"targets\":["
        "{\"id\":\"perimeter:1@10\",\"line\":\"perimeter:1\",\"station_m\":10,\"x\":10,\"y\":5,"
        "\"assessed\":true,\"reachable\":true,\"impact_speed_kmh\":54,\"impact_speed_mps\":15,"
        "\"energy_kj\":168.75,\"energy_normal_kj\":126.5625,\"angle_deg\":60,"
        "\"runup_m\":40.48210643,\"speed_band_kmh\":[48.6,59.4],\"barrier\":\"bollards:1\","
        "\"rating\":\"IWA 14-1:2013 V/1500[M1]/48/90:0.5\",\"rated_mass_kg\":1500,"
        "\"rated_speed_kmh\":48,\"rated_angle_deg\":90,\"rated_penetration_m\":0.5,\"ok\":false,"
        "\"needed_rating\":\"IWA 14-1:2013 V/1500[M1]/64/90\",\"not_assessed\":null},",
        "{\"id\":\"perimeter:1@12\",\"line\":\"perimeter:1\",\"station_m\":12,\"x\":12,\"y\":5,"
        "\"assessed\":true,\"reachable\":false,\"impact_speed_kmh\":null,"
        "\"impact_speed_mps\":null,\"energy_kj\":null,\"energy_normal_kj\":null,"
        "\"angle_deg\":null,\"runup_m\":null,\"speed_band_kmh\":null,\"barrier\":\"bollards:1\","
        "\"rating\":\"IWA 14-1:2013 V/1500[M1]/48/90:0.5\",\"rated_mass_kg\":1500,"
        "\"rated_speed_kmh\":48,\"rated_angle_deg\":90,\"rated_penetration_m\":0.5,\"ok\":null,"
        "\"needed_rating\":null,\"not_assessed\":null},"
        "{\"id\":\"point:1\",\"line\":null,\"station_m\":null,\"x\":30,\"y\":15,"
        "\"assessed\":true,\"reachable\":true,\"impact_speed_kmh\":36,\"impact_speed_mps\":10,"
        "\"energy_kj\":75,\"energy_normal_kj\":null,\"angle_deg\":null,\"runup_m\":16.5,"
        "\"speed_band_kmh\":null,\"barrier\":null,\"rating\":null,\"rated_mass_kg\":null,"
        "\"rated_speed_kmh\":null,\"rated_angle_deg\":null,\"rated_penetration_m\":null,"
        "\"ok\":null,\"needed_rating\":null,\"not_assessed\":null}],",
        "\"elements\":[{\"id\":\"bollards:1\",\"targets\":1,\"worst_target\":\"perimeter:1@10\","
        "\"speed_kmh\":54,\"energy_kj\":168.75,\"rating\":\"IWA 14-1:2013 V/1500[M1]/48/90:0.5\","
        "\"needed_rating\":\"IWA 14-1:2013 V/1500[M1]/64/90\",\"ok\":false}],",
        "\"lines\":[{\"id\":\"perimeter:1\",\"targets\":2,\"worst_target\":\"perimeter:1@10\","
        "\"speed_kmh\":54,\"energy_kj\":168.75,\"rating\":\"IWA 14-1:2013 V/1500[M1]/48/90:0.5\","
        "\"needed_rating\":\"IWA 14-1:2013 V/1500[M1]/64/90\",\"ok\":false},"
        "{\"id\":\"assets:1\",\"targets\":1,\"worst_target\":null,\"speed_kmh\":null,"
        "\"energy_kj\":null,\"rating\":null,\"needed_rating\":null,\"ok\":null}],"
        "\"warnings\":[\"target \\\"perimeter:1@12\\\": no approach\"]}\n");
    assert_string_equal(json, expected);
    /* the same result gives the same bytes */
    char *again = NULL;
    assert_int_equal(cpted_vda_to_json(&again, f.v), CPTED_OK);
    assert_string_equal(again, json);
    cpted_free(again);
    cpted_free(json);
    free_fixture(&f);
}

static void test_not_assessed_document(void **state)
{
    (void)state;
    fixture f = make_fixture(NULL, 0, 0);
    cpted_vda *v = f.v;
    v->not_assessed = "no vehicle can enter the site";
    v->opts.targets = CPTED_VDA_TARGETS_PERIMETER;
    v->opts.entry_speed_kmh = 30;
    v->opts.sensitivity = 0;
    v->targets = calloc(1, sizeof *v->targets);
    assert_non_null(v->targets);
    v->target_count = v->target_cap = 1;
    v->targets[0] = blank_target("perimeter:1@0", "perimeter:1", 0, 5);
    v->targets[0].rec.station_m = 0;
    v->targets[0].rec.speed_kmh = 99; /* a leftover: not assessed has no speed */
    v->targets[0].rec.reachable = 1;  /* nor an approach */
    v->targets[0].rec.not_assessed = "no vehicle can enter the site";
    char *json = NULL;
    assert_int_equal(cpted_vda_to_json(&json, v), CPTED_OK);
    char expected[4096];
    snprintf(expected, sizeof expected, "%s%s%s", head_text,
             "\"assessed\":false,\"not_assessed\":\"no vehicle can enter the site\","
             "\"options\":{\"targets\":\"perimeter\",\"spacing_m\":2,\"entry_speed_kmh\":30,"
             "\"chain_m\":5,\"cell_m\":0.5,\"headings\":32,\"window_m\":400,"
             "\"sensitivity\":false},",
             "\"targets\":[{\"id\":\"perimeter:1@0\",\"line\":\"perimeter:1\",\"station_m\":0,"
             "\"x\":0,\"y\":5,\"assessed\":false,\"reachable\":false,\"impact_speed_kmh\":null,"
             "\"impact_speed_mps\":null,\"energy_kj\":null,\"energy_normal_kj\":null,"
             "\"angle_deg\":null,\"runup_m\":null,\"speed_band_kmh\":null,\"barrier\":null,"
             "\"rating\":null,\"rated_mass_kg\":null,\"rated_speed_kmh\":null,"
             "\"rated_angle_deg\":null,\"rated_penetration_m\":null,\"ok\":null,"
             "\"needed_rating\":null,\"not_assessed\":\"no vehicle can enter the site\"}],"
             "\"elements\":[],\"lines\":[],\"warnings\":[]}\n");
    assert_string_equal(json, expected);
    cpted_free(json);
    v->not_assessed = NULL; /* borrowed literal, not freed by the fixture */
    free_fixture(&f);
}

/* The number after the first `"key":` in text. */
static double number_after(const char *text, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(text, pattern);
    assert_non_null(p);
    return strtod(p + strlen(pattern), NULL);
}

static void test_output_crs(void **state)
{
    (void)state;
    fixture f = make_fixture("EPSG:4326", 500000, 0);
    cpted_vda *v = f.v;
    v->targets = calloc(1, sizeof *v->targets);
    assert_non_null(v->targets);
    v->target_count = v->target_cap = 1;
    v->targets[0] = blank_target("point:1", NULL, 500050, 60);
    v->targets[0].rec.assessed = 1;
    char *json = NULL;
    assert_int_equal(cpted_vda_to_json(&json, v), CPTED_OK);
    assert_non_null(strstr(json, "\"crs\":{\"working\":\"EPSG:25832\",\"output\":\"EPSG:4326\"}"));
    assert_near(number_after(json, "x"), 9.000449337, 1e-9);
    assert_near(number_after(json, "y"), 0.000542839, 1e-9);
    cpted_free(json);
    free_fixture(&f);
}

/* The resolution allowance by lattice cell (docs/method-vda.md §3): 1.2 % per
 * metre up to 1 m, 3.5 % per metre beyond (the measured shortfalls without it:
 * 0.53 % at 1 m, 3.2 % at 2 m, 6.1 % at 3 m, 6.7 % at 5 m); continuous and
 * rising; the band runs at twice the cell, at most 5 m. */
static void test_resolution_allowance(void **state)
{
    (void)state;
    assert_true(fabs(cpted__vda_allowance(0.5) - 0.006) <= 1e-15);
    assert_true(fabs(cpted__vda_allowance(1.0) - 0.012) <= 1e-15);
    assert_true(fabs(cpted__vda_allowance(2.0) - 0.047) <= 1e-15);
    assert_true(fabs(cpted__vda_allowance(3.0) - 0.082) <= 1e-15);
    assert_true(fabs(cpted__vda_allowance(5.0) - 0.152) <= 1e-15);
    static const double shortfall[][2] = {{1.0, 0.0053}, {2.0, 0.032}, {3.0, 0.061}, {5.0, 0.067}};
    for (size_t i = 0; i < sizeof shortfall / sizeof shortfall[0]; i++)
        assert_true(1.0 + cpted__vda_allowance(shortfall[i][0]) > 1.0 / (1.0 - shortfall[i][1]));
    for (double c = 0.1; c < 5.0; c += 0.05)
        assert_true(cpted__vda_allowance(c + 0.05) > cpted__vda_allowance(c));
    assert_true(cpted__vda_band_cell(1.0) == 2.0);
    assert_true(cpted__vda_band_cell(4.0) == 5.0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char *json = (char *)"untouched";
    assert_int_equal(cpted_vda_to_json(&json, NULL), CPTED_E_INVALID);
    fixture f = make_fixture(NULL, 0, 0);
    assert_int_equal(cpted_vda_to_json(NULL, f.v), CPTED_E_INVALID);
    assert_string_equal(cpted_context_last_error(f.ctx), "cpted_vda_to_json: out is NULL");
    free_fixture(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assessed_document),
        cmocka_unit_test(test_not_assessed_document),
        cmocka_unit_test(test_output_crs),
        cmocka_unit_test(test_resolution_allowance),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
