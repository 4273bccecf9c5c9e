/*
 * styles.c - QGIS styles (QML documents) of the result layers of the writer
 * (lib/write.c, docs/outputs.md "Styles").
 *
 * One style per layer name, generated here from a small table: a single
 * symbol, a categorized renderer (gaps by compliance) or a graduated renderer
 * (VDA targets, paths and corridors by impact speed, in classes bounded by the
 * test speeds of the PAS 68 / IWA 14-1 ratings, so the legend reads in km/h
 * against the ratings), and labels where a number belongs on the map (standoff
 * distance, clear width of a gap). The writer stores the text in the
 * GeoPackage's `layer_styles` table, from where QGIS applies it on open.
 *
 * The QML uses the `<prop k= v=>` form of symbol layer properties, which
 * every QGIS 3 reads, and only integers and fixed texts (no locale-dependent
 * number formatting).
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

typedef enum st_geom { ST_POINT = 0, ST_LINE = 1, ST_POLYGON = 2 } st_geom;
typedef enum st_renderer { ST_SINGLE, ST_CATEGORIZED, ST_GRADUATED } st_renderer;

/* One category of a categorized renderer. */
typedef struct st_category {
    const char *value;
    const char *label;
    const char *color; /* "r,g,b" */
    bool emphasis;
} st_category;

typedef struct st_style {
    const char *layer;
    st_geom geom;
    st_renderer renderer;
    const char *attr;  /* categorized: the expression; graduated: the field */
    const char *color; /* single symbol: "r,g,b" */
    const char *label; /* label expression, or NULL */
    const st_category *categories; /* categorized: NULL = the assets' exposure classes */
    size_t category_count;
} st_style;

/* The gaps by compliance: `compliant` is a boolean, read by QGIS as a bool
 * (GeoPackage's boolean subtype) or as 0/1 (other readers); if() takes both,
 * and a null (never written for a gap) draws as not compliant. */
#define GAP_CLASS "if(\"compliant\", 'compliant', 'not compliant')"

static const st_category gap_categories[] = {
    {"compliant", "compliant (clear width within the maximum gap)", "51,160,44", false},
    {"not compliant", "NOT compliant (wider than the maximum gap)", "227,26,28", true},
};

static const st_style styles[] = {
    {"perimeter_lines", ST_LINE, ST_SINGLE, NULL, "31,120,180", NULL, NULL, 0},
    {"gaps", ST_LINE, ST_CATEGORIZED, GAP_CLASS, NULL,
     "format_number(\"clear_width_m\", 2) || ' m'", gap_categories,
     sizeof gap_categories / sizeof gap_categories[0]},
    {"breaches", ST_POINT, ST_SINGLE, NULL, "227,26,28", NULL, NULL, 0},
    {"standoff_lines", ST_LINE, ST_SINGLE, NULL, "0,0,0",
     "format_number(\"standoff_m\", 1) || ' m'", NULL, 0},
    {"encroachment", ST_POLYGON, ST_SINGLE, NULL, "227,26,28", NULL, NULL, 0},
    {"accessible_area", ST_POLYGON, ST_SINGLE, NULL, "255,170,80", NULL, NULL, 0},
    {"vda_targets", ST_POINT, ST_GRADUATED, "impact_speed_kmh", NULL, NULL, NULL, 0},
    {"vda_paths", ST_LINE, ST_GRADUATED, "speed_kmh", NULL, NULL, NULL, 0},
    {"corridors", ST_POLYGON, ST_GRADUATED, "speed_kmh", NULL, NULL, NULL, 0},
    /* the screened buildings by exposure class (lib/batch.c, docs/outputs.md) */
    {"batch_assets", ST_POLYGON, ST_CATEGORIZED, "exposure", NULL, "\"rank\"", NULL, 0},
    {"batch_standoff_lines", ST_LINE, ST_SINGLE, NULL, "0,0,0",
     "format_number(\"standoff_m\", 1) || ' m'", NULL, 0},
};

enum { STYLE_COUNT = sizeof styles / sizeof styles[0] };

/* Speed classes in km/h: the rating test speeds (domain.md §1.4) as bounds. */
static const struct {
    int lower, upper;
    const char *color;
} speed_classes[] = {
    {0, 16, "255,255,178"},  {16, 32, "254,217,118"}, {32, 48, "254,178,76"},
    {48, 64, "253,141,60"},  {64, 80, "240,59,32"},   {80, 112, "189,0,38"},
    {112, 1000, "103,0,13"},
};

enum { SPEED_CLASS_COUNT = sizeof speed_classes / sizeof speed_classes[0] };

/* ---- text building ------------------------------------------------------- */

typedef struct st_buf {
    char *text;
    size_t len, cap;
    bool failed;
} st_buf;

static void put(st_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->failed || !cpted__grow((void **)&b->text, &b->cap, b->len + n + 1, 1)) {
        b->failed = true;
        return;
    }
    memcpy(b->text + b->len, s, n + 1);
    b->len += n;
}

/* An attribute value, XML-escaped. */
static void put_escaped(st_buf *b, const char *s)
{
    char one[2] = {0, 0};
    for (; *s; s++) {
        switch (*s) {
        case '&': put(b, "&amp;"); break;
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '"': put(b, "&quot;"); break;
        default:
            one[0] = *s;
            put(b, one);
        }
    }
}

static void put_int(st_buf *b, int v)
{
    char num[16];
    snprintf(num, sizeof num, "%d", v);
    put(b, num);
}

static void put_prop(st_buf *b, const char *k, const char *v)
{
    put(b, "        <prop k=\"");
    put(b, k);
    put(b, "\" v=\"");
    put_escaped(b, v);
    put(b, "\"/>\n");
}

/* A symbol named `name` of the layer's geometry in colour "r,g,b"; `alpha`
 * (0-255) is the fill's opacity for polygons. */
static void put_symbol(st_buf *b, st_geom geom, int name, const char *rgb, int alpha,
                       bool emphasis)
{
    static const char *const types[] = {"marker", "line", "fill"};
    static const char *const classes[] = {"SimpleMarker", "SimpleLine", "SimpleFill"};
    char color[32], outline[32];
    snprintf(color, sizeof color, "%s,%d", rgb, geom == ST_POLYGON ? alpha : 255);
    snprintf(outline, sizeof outline, "%s,255", rgb);
    put(b, "    <symbol type=\"");
    put(b, types[geom]);
    put(b, "\" name=\"");
    put_int(b, name);
    put(b, "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n");
    put(b, "      <layer class=\"");
    put(b, classes[geom]);
    put(b, "\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
    switch (geom) {
    case ST_POINT:
        put_prop(b, "name", emphasis ? "star" : "circle");
        put_prop(b, "color", color);
        put_prop(b, "outline_color", "35,35,35,255");
        put_prop(b, "outline_width", "0.2");
        put_prop(b, "outline_width_unit", "MM");
        put_prop(b, "size", emphasis ? "5" : "3");
        put_prop(b, "size_unit", "MM");
        break;
    case ST_LINE:
        put_prop(b, "line_color", color);
        put_prop(b, "line_style", "solid");
        put_prop(b, "line_width", emphasis ? "1.6" : "0.8");
        put_prop(b, "line_width_unit", "MM");
        put_prop(b, "capstyle", "round");
        put_prop(b, "joinstyle", "round");
        break;
    case ST_POLYGON:
        put_prop(b, "color", color);
        put_prop(b, "style", "solid");
        put_prop(b, "outline_color", outline);
        put_prop(b, "outline_style", "solid");
        put_prop(b, "outline_width", "0.4");
        put_prop(b, "outline_width_unit", "MM");
        break;
    }
    put(b, "      </layer>\n    </symbol>\n");
}

static void put_renderer(st_buf *b, const st_style *s)
{
    static const char *const types[] = {"singleSymbol", "categorizedSymbol", "graduatedSymbol"};
    put(b, "  <renderer-v2 type=\"");
    put(b, types[s->renderer]);
    put(b, "\"");
    if (s->attr) {
        put(b, " attr=\"");
        put_escaped(b, s->attr);
        put(b, "\"");
    }
    if (s->renderer == ST_GRADUATED)
        put(b, " graduatedMethod=\"GraduatedColor\"");
    put(b, " symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n");
    switch (s->renderer) {
    case ST_SINGLE:
        put(b, "   <symbols>\n");
        /* breaches stand out; areas are see-through so the map shows beneath */
        put_symbol(b, s->geom, 0, s->color, strcmp(s->layer, "encroachment") == 0 ? 140 : 90,
                   strcmp(s->layer, "breaches") == 0);
        put(b, "   </symbols>\n");
        break;
    case ST_CATEGORIZED: {
        size_t n = s->categories ? s->category_count : cpted__batch_exposure_count();
        put(b, "   <categories>\n");
        for (size_t i = 0; i < n; i++) {
            const char *value = s->categories ? s->categories[i].value
                                              : cpted__batch_exposure(i)->name;
            const char *label = s->categories ? s->categories[i].label
                                              : cpted__batch_exposure(i)->label;
            put(b, "    <category value=\"");
            put_escaped(b, value);
            put(b, "\" symbol=\"");
            put_int(b, (int)i);
            put(b, "\" render=\"true\" label=\"");
            put_escaped(b, label);
            put(b, "\"/>\n");
        }
        put(b, "   </categories>\n   <symbols>\n");
        for (size_t i = 0; i < n; i++) {
            const cpted__exposure_class *e = s->categories ? NULL : cpted__batch_exposure(i);
            put_symbol(b, s->geom, (int)i, e ? e->rgb : s->categories[i].color,
                       e ? 170 : 255, e ? e->emphasis : s->categories[i].emphasis);
        }
        put(b, "   </symbols>\n");
        break;
    }
    case ST_GRADUATED:
        put(b, "   <ranges>\n");
        for (int i = 0; i < SPEED_CLASS_COUNT; i++) {
            char label[64];
            if (i == SPEED_CLASS_COUNT - 1)
                snprintf(label, sizeof label, "over %d km/h", speed_classes[i].lower);
            else
                snprintf(label, sizeof label, "%d \xe2\x80\x93 %d km/h", speed_classes[i].lower,
                         speed_classes[i].upper);
            put(b, "    <range lower=\"");
            put_int(b, speed_classes[i].lower);
            put(b, "\" upper=\"");
            put_int(b, speed_classes[i].upper);
            put(b, "\" symbol=\"");
            put_int(b, i);
            put(b, "\" render=\"true\" label=\"");
            put_escaped(b, label);
            put(b, "\"/>\n");
        }
        put(b, "   </ranges>\n   <symbols>\n");
        for (int i = 0; i < SPEED_CLASS_COUNT; i++)
            put_symbol(b, s->geom, i, speed_classes[i].color, 110, false);
        put(b, "   </symbols>\n");
        break;
    }
    put(b, "  </renderer-v2>\n");
}

/* Simple labels from an expression: along lines, above them, with a halo. */
static void put_labels(st_buf *b, const st_style *s)
{
    put(b, "  <labeling type=\"simple\">\n   <settings calloutType=\"simple\">\n"
           "    <text-style fieldName=\"");
    put_escaped(b, s->label);
    put(b, "\" isExpression=\"1\" fontFamily=\"Sans Serif\" fontSize=\"9\" "
           "fontSizeUnit=\"Point\" textColor=\"0,0,0,255\" textOpacity=\"1\" "
           "namedStyle=\"Regular\" fontWeight=\"50\" fontItalic=\"0\" multilineHeight=\"1\">\n"
           "     <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferSizeUnits=\"MM\" "
           "bufferColor=\"255,255,255,255\" bufferOpacity=\"1\" bufferNoFill=\"1\"/>\n"
           "    </text-style>\n"
           "    <placement placement=\"");
    /* QgsPalLayerSettings: 2 = along the line (flags 10: above it, map
     * orientation); 0 = around a point */
    put(b, s->geom == ST_LINE ? "2\" placementFlags=\"10" : "0\" placementFlags=\"0");
    put(b, "\" dist=\"1\" distUnits=\"MM\" priority=\"5\"/>\n"
           "    <rendering obstacle=\"1\" displayAll=\"1\" scaleVisibility=\"0\"/>\n"
           "   </settings>\n  </labeling>\n");
}

/* ---- the styles ------------------------------------------------------------ */

static const st_style *find(const char *layer)
{
    for (size_t i = 0; layer && i < STYLE_COUNT; i++)
        if (strcmp(styles[i].layer, layer) == 0)
            return &styles[i];
    return NULL;
}

size_t cpted__style_count(void) { return STYLE_COUNT; }

const char *cpted__style_layer(size_t i) { return i < STYLE_COUNT ? styles[i].layer : NULL; }

int cpted__style_qml(cpted_context *ctx, const char *layer, char **out)
{
    *out = NULL;
    const st_style *s = find(layer);
    if (!s)
        return CPTED_OK;
    st_buf b = {NULL, 0, 0, false};
    put(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"");
    put(&b, s->label ? "1" : "0");
    put(&b, "\">\n");
    put_renderer(&b, s);
    if (s->label)
        put_labels(&b, s);
    put(&b, "  <layerGeometryType>");
    put_int(&b, (int)s->geom);
    put(&b, "</layerGeometryType>\n</qgis>\n");
    if (b.failed) {
        cpted__free(b.text);
        return cpted__error(ctx, CPTED_E_NOMEM, "out of memory writing the style of layer '%s'",
                            layer);
    }
    *out = b.text;
    return CPTED_OK;
}
