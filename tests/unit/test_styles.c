/*
 * test_styles.c - the QGIS styles of the result layers (lib/styles.c) and
 * their `layer_styles` table in GeoPackage outputs (lib/write.c;
 * docs/outputs.md "Styles"): every layer the writer knows has a style, each is
 * well-formed XML (GDAL's XML parser) with the renderer and classes of
 * docs/outputs.md, and a write that fails at any allocation leaves nothing.
 */
#include "testutil.h"

#include "internal.h"

#include <cpl_minixml.h>
#include <cpl_vsi.h>
#include <dirent.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parsed QML of `layer` (free with CPLDestroyXMLNode) and its <qgis> root. */
static CPLXMLNode *parse_style(cpted_context *ctx, const char *layer, CPLXMLNode **root)
{
    char *qml = NULL;
    assert_int_equal(cpted__style_qml(ctx, layer, &qml), CPTED_OK);
    if (!qml)
        fail_msg("layer %s has no style", layer);
    CPLXMLNode *tree = CPLParseXMLString(qml);
    if (!tree)
        fail_msg("the style of %s is not well-formed XML:\n%s", layer, qml);
    cpted__free(qml);
    *root = CPLSearchXMLNode(tree, "=qgis");
    assert_non_null(*root);
    return tree;
}

static const char *renderer_type(CPLXMLNode *root)
{
    return CPLGetXMLValue(root, "renderer-v2.type", "");
}

static void test_every_writer_layer_has_a_valid_style(void **state)
{
    cpted_context *ctx = *state;
    size_t n = cpted__writer_layer_count();
    assert_int_equal(n, 11); /* docs/outputs.md: 3 standoff, 3 coverage, 3 VDA, 2 batch layers */
    assert_int_equal(cpted__style_count(), n);
    for (size_t i = 0; i < n; i++) {
        const char *name = cpted__writer_layer_name(i);
        assert_non_null(name);
        CPLXMLNode *root = NULL;
        CPLXMLNode *tree = parse_style(ctx, name, &root);
        const char *type = renderer_type(root);
        if (strcmp(type, "singleSymbol") && strcmp(type, "categorizedSymbol") &&
            strcmp(type, "graduatedSymbol"))
            fail_msg("%s: renderer type '%s'", name, type);
        /* at least one symbol with one symbol layer */
        assert_non_null(CPLGetXMLNode(root, "renderer-v2.symbols.symbol.layer"));
        CPLDestroyXMLNode(tree);
    }
    assert_null(cpted__writer_layer_name(n));
}

static void test_gaps_by_compliance(void **state)
{
    CPLXMLNode *root = NULL;
    CPLXMLNode *tree = parse_style(*state, "gaps", &root);
    assert_string_equal(renderer_type(root), "categorizedSymbol");
    assert_string_equal(CPLGetXMLValue(root, "renderer-v2.attr", ""),
                        "if(\"compliant\", 'compliant', 'not compliant')");
    CPLXMLNode *cats = CPLGetXMLNode(root, "renderer-v2.categories");
    assert_non_null(cats);
    const char *values[2] = {NULL, NULL}, *symbols[2] = {NULL, NULL};
    int k = 0;
    for (CPLXMLNode *c = cats->psChild; c; c = c->psNext)
        if (c->eType == CXT_Element && strcmp(c->pszValue, "category") == 0) {
            assert_true(k < 2);
            values[k] = CPLGetXMLValue(c, "value", "");
            symbols[k++] = CPLGetXMLValue(c, "symbol", "");
        }
    assert_int_equal(k, 2);
    assert_string_equal(values[0], "compliant");
    assert_string_equal(values[1], "not compliant");
    /* green for compliant, red for not */
    const char *colors[2] = {"51,160,44,255", "227,26,28,255"};
    CPLXMLNode *syms = CPLGetXMLNode(root, "renderer-v2.symbols");
    for (int i = 0; i < 2; i++) {
        int found = 0;
        for (CPLXMLNode *s = syms->psChild; s; s = s->psNext) {
            if (s->eType != CXT_Element || strcmp(CPLGetXMLValue(s, "name", ""), symbols[i]))
                continue;
            for (CPLXMLNode *p = CPLGetXMLNode(s, "layer")->psChild; p; p = p->psNext)
                if (p->eType == CXT_Element &&
                    strcmp(CPLGetXMLValue(p, "k", ""), "line_color") == 0) {
                    assert_string_equal(CPLGetXMLValue(p, "v", ""), colors[i]);
                    found = 1;
                }
        }
        assert_true(found);
    }
    /* the clear width is labelled */
    assert_non_null(strstr(CPLGetXMLValue(root, "labeling.settings.text-style.fieldName", ""),
                           "\"clear_width_m\""));
    CPLDestroyXMLNode(tree);
}

/* The speed classes: contiguous from 0, bounded by the rating test speeds,
 * every label in km/h. */
static void check_speed_classes(cpted_context *ctx, const char *layer, const char *attr)
{
    CPLXMLNode *root = NULL;
    CPLXMLNode *tree = parse_style(ctx, layer, &root);
    assert_string_equal(renderer_type(root), "graduatedSymbol");
    assert_string_equal(CPLGetXMLValue(root, "renderer-v2.attr", ""), attr);
    static const int bounds[] = {0, 16, 32, 48, 64, 80, 112, 1000};
    int k = 0;
    for (CPLXMLNode *r = CPLGetXMLNode(root, "renderer-v2.ranges")->psChild; r; r = r->psNext) {
        if (r->eType != CXT_Element)
            continue;
        assert_true(k < 7);
        assert_int_equal(atoi(CPLGetXMLValue(r, "lower", "-1")), bounds[k]);
        assert_int_equal(atoi(CPLGetXMLValue(r, "upper", "-1")), bounds[k + 1]);
        assert_non_null(strstr(CPLGetXMLValue(r, "label", ""), "km/h"));
        k++;
    }
    assert_int_equal(k, 7);
    CPLDestroyXMLNode(tree);
}

static void test_speeds_graduated(void **state)
{
    check_speed_classes(*state, "vda_targets", "impact_speed_kmh");
    check_speed_classes(*state, "vda_paths", "speed_kmh");
    check_speed_classes(*state, "corridors", "speed_kmh");
}

static void test_standoff_lines_labelled(void **state)
{
    CPLXMLNode *root = NULL;
    CPLXMLNode *tree = parse_style(*state, "standoff_lines", &root);
    assert_string_equal(CPLGetXMLValue(root, "labelsEnabled", ""), "1");
    assert_string_equal(CPLGetXMLValue(root, "labeling.type", ""), "simple");
    assert_string_equal(CPLGetXMLValue(root, "labeling.settings.text-style.fieldName", ""),
                        "format_number(\"standoff_m\", 1) || ' m'");
    assert_string_equal(CPLGetXMLValue(root, "labeling.settings.text-style.isExpression", ""),
                        "1");
    CPLDestroyXMLNode(tree);
}

static void test_unknown_layer_has_none(void **state)
{
    char *qml = (char *)"untouched";
    assert_int_equal(cpted__style_qml(*state, "no_such_layer", &qml), CPTED_OK);
    assert_null(qml);
}

/* ---- the table in a GeoPackage, and failures ------------------------------------ */

static cpted_standoff *small_standoff(cpted_context *ctx, cpted_site **site_out)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted__site_create(&site, ctx, "EPSG:25832", NULL), CPTED_OK);
    size_t n;
    unsigned char *w = test_wkb_rect(0, 0, 100, 100, &n);
    test_add(site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    w = test_wkb_rect(40, 40, 60, 60, &n);
    test_add_attrs(site, "assets", CPTED_ROLE_ASSET, w, n, "name=HQ", "required_standoff_m=20",
                   NULL);
    cpted_vehicle car;
    assert_int_equal(cpted_vehicle_preset(&car, sizeof car, "M1"), CPTED_OK);
    cpted_freespace *fs = NULL;
    cpted_standoff *result = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &car, NULL), CPTED_OK);
    assert_int_equal(cpted_standoff_run(&result, fs, NULL), CPTED_OK);
    cpted_freespace_free(fs);
    *site_out = site;
    return result;
}

/* Names in the scratch directory that start with `prefix` or ".prefix". */
static int files_named(const char *prefix)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_tmp_path(""));
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    size_t len = strlen(prefix);
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, len) == 0 ||
             (e->d_name[0] == '.' && strncmp(e->d_name + 1, prefix, len) == 0);
    closedir(d);
    return n;
}

static void test_gpkg_table_and_failures(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = NULL;
    cpted_standoff *result = small_standoff(ctx, &site);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp_path("styles_out.gpkg"));
    VSIUnlink(path);
    assert_int_equal(files_named("styles_out"), 0);

    /* each allocation failing in turn: CPTED_E_NOMEM and nothing on disk */
    unsigned long failures = 0;
    for (unsigned long k = 1;; k++) {
        cpted__alloc_fail_at(k);
        int rc = cpted_standoff_write(result, path, NULL, 0);
        unsigned long injected = cpted__alloc_injected();
        cpted__alloc_fail_at(0);
        if (!injected) {
            assert_int_equal(rc, CPTED_OK);
            break;
        }
        if (rc == CPTED_OK) { /* a tolerated failure: the output is complete */
            assert_int_equal(VSIUnlink(path), 0);
            continue;
        }
        assert_int_equal(rc, CPTED_E_NOMEM);
        if (files_named("styles_out") != 0)
            fail_msg("allocation %lu failing left a file behind", k);
        failures++;
        assert_true(k < 100000);
    }
    assert_true(failures > 0);
    assert_int_equal(files_named("styles_out"), 1); /* the output alone */

    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH table = GDALDatasetGetLayerByName(ds, "layer_styles");
    assert_non_null(table);
    assert_int_equal(OGR_L_GetGeomType(table), wkbNone);
    assert_int_equal(OGR_L_GetFeatureCount(table, TRUE), 3);
    static const char *const names[3] = {"standoff_lines", "encroachment", "accessible_area"};
    OGR_L_ResetReading(table);
    for (int i = 0; i < 3; i++) {
        OGRFeatureH f = OGR_L_GetNextFeature(table);
        assert_non_null(f);
        assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "f_table_name")),
                            names[i]);
        assert_string_equal(
            OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "f_geometry_column")),
            OGR_L_GetGeometryColumn(GDALDatasetGetLayerByName(ds, names[i])));
        assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "f_table_schema")),
                            "");
        assert_int_equal(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "useAsDefault")), 1);
        char *qml = NULL;
        assert_int_equal(cpted__style_qml(ctx, names[i], &qml), CPTED_OK);
        assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "styleQML")), qml);
        cpted__free(qml);
        OGR_F_Destroy(f);
    }
    /* registered as an attribute table (GeoPackage 1.2 'attributes') */
    OGRLayerH contents = GDALDatasetExecuteSQL(
        ds, "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'", NULL, NULL);
    assert_non_null(contents);
    OGRFeatureH f = OGR_L_GetNextFeature(contents);
    assert_non_null(f);
    assert_string_equal(OGR_F_GetFieldAsString(f, 0), "attributes");
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, contents);
    GDALClose(ds);
    VSIUnlink(path);

    /* one layer per file: no table, no sidecar */
    snprintf(path, sizeof path, "%s", test_tmp_path("styles_out.geojson"));
    assert_int_equal(cpted_standoff_write(result, path, NULL, 1), CPTED_OK);
    assert_int_equal(files_named("styles_out"), 3);
    for (int i = 0; i < 3; i++) {
        char one[4096];
        snprintf(one, sizeof one, "%s%s.geojson", test_tmp_path("styles_out_"), names[i]);
        assert_int_equal(VSIUnlink(one), 0);
    }
    cpted_standoff_free(result);
    cpted_site_free(site);
}

/* The screened buildings by exposure class: one category per class of
 * batch.c, in its order (worst first), with its colour; labelled by rank. */
static void test_batch_assets_by_exposure(void **state)
{
    CPLXMLNode *root = NULL;
    CPLXMLNode *tree = parse_style(*state, "batch_assets", &root);
    assert_string_equal(renderer_type(root), "categorizedSymbol");
    assert_string_equal(CPLGetXMLValue(root, "renderer-v2.attr", ""), "exposure");
    CPLXMLNode *cats = CPLGetXMLNode(root, "renderer-v2.categories");
    assert_non_null(cats);
    size_t k = 0;
    for (CPLXMLNode *c = cats->psChild; c; c = c->psNext)
        if (c->eType == CXT_Element && strcmp(c->pszValue, "category") == 0) {
            const cpted__exposure_class *e = cpted__batch_exposure(k);
            assert_non_null(e);
            assert_string_equal(CPLGetXMLValue(c, "value", ""), e->name);
            assert_string_equal(CPLGetXMLValue(c, "label", ""), e->label);
            k++;
        }
    assert_int_equal(k, cpted__batch_exposure_count());
    assert_int_equal(k, 9);
    assert_string_equal(cpted__batch_exposure(0)->name, "not assessed");
    /* symbol 0 (not assessed) is filled purple */
    int found = 0;
    for (CPLXMLNode *sym = CPLGetXMLNode(root, "renderer-v2.symbols")->psChild; sym;
         sym = sym->psNext) {
        if (sym->eType != CXT_Element || strcmp(CPLGetXMLValue(sym, "name", ""), "0"))
            continue;
        for (CPLXMLNode *p = CPLGetXMLNode(sym, "layer")->psChild; p; p = p->psNext)
            if (p->eType == CXT_Element && strcmp(CPLGetXMLValue(p, "k", ""), "color") == 0) {
                assert_string_equal(CPLGetXMLValue(p, "v", ""), "128,0,128,170");
                found = 1;
            }
    }
    assert_true(found);
    assert_string_equal(CPLGetXMLValue(root, "labelsEnabled", ""), "1");
    CPLDestroyXMLNode(tree);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_writer_layer_has_a_valid_style),
        cmocka_unit_test(test_gaps_by_compliance),
        cmocka_unit_test(test_batch_assets_by_exposure),
        cmocka_unit_test(test_speeds_graduated),
        cmocka_unit_test(test_standoff_lines_labelled),
        cmocka_unit_test(test_unknown_layer_has_none),
        cmocka_unit_test(test_gpkg_table_and_failures),
    };
    return cmocka_run_group_tests(tests, test_context_setup, test_context_teardown);
}
