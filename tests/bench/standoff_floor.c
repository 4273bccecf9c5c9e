/*
 * standoff_floor.c - the floor for scripts/bench-batch.sh: the least work a
 * standoff of every building needs, written directly against GDAL/OGR and
 * GEOS (no cpted). Read the buildings and roads with OGR, project them to the
 * UTM zone of the data (OSM) or keep the file's metric CRS (the districts),
 * buffer each road by half its carriageway plus half the vehicle width (the
 * model of scripts/bench_standoff_geopandas.py: no blocking, no reachability),
 * put the buffers in an STRtree and take each building's nearest buffer
 * (GEOSSTRtree_nearest_generic with the exact distance). Prints the number of
 * buildings, how many touch a buffer and the sum of the distances.
 *
 * usage: standoff_floor SOURCE [VEHICLE_WIDTH_M]
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include <geos_c.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct list {
    GEOSGeometry **g;
    double *width; /* roads only */
    size_t n, cap;
} list;

static void push(list *l, GEOSGeometry *g, double width)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->g = realloc(l->g, l->cap * sizeof *l->g);
        l->width = realloc(l->width, l->cap * sizeof *l->width);
        if (!l->g || !l->width) {
            fprintf(stderr, "standoff_floor: out of memory\n");
            exit(1);
        }
    }
    l->g[l->n] = g;
    l->width[l->n++] = width;
}

static const struct {
    const char *highway;
    double width_m;
} classes[] = {{"motorway", 7.5},     {"trunk", 7.5},     {"primary", 7.0},
               {"secondary", 6.5},    {"tertiary", 6.0},  {"unclassified", 5.5},
               {"residential", 5.5},  {"living_street", 4.5}, {"service", 3.5},
               {"pedestrian", 5.0},   {"track", 3.0},     {"road", 6.5},
               {"busway", 3.5}};

/* cpted's class default width (lib/roles.c), or NAN for a road vehicles do not use. */
static double class_width(const char *hw)
{
    if (!hw || !*hw)
        return NAN;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(hw, classes[i].highway) == 0)
            return classes[i].width_m;
    size_t n = strlen(hw);
    return n > 5 && strcmp(hw + n - 5, "_link") == 0 ? 4.0 : NAN;
}

static GEOSGeometry *to_geos(GEOSContextHandle_t h, OGRGeometryH g, OGRCoordinateTransformationH ct)
{
    if (!g)
        return NULL;
    OGRGeometryH c = OGR_G_Clone(g);
    if (ct && OGR_G_Transform(c, ct) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(c);
        return NULL;
    }
    int size = OGR_G_WkbSize(c);
    unsigned char *wkb = malloc((size_t)size);
    OGR_G_ExportToWkb(c, wkbNDR, wkb);
    OGR_G_DestroyGeometry(c);
    GEOSGeometry *out = GEOSGeomFromWKB_buf_r(h, wkb, (size_t)size);
    free(wkb);
    return out;
}

static void read_layer(GEOSContextHandle_t h, GDALDatasetH ds, const char *name,
                       const char *where, int road_mode, OGRCoordinateTransformationH ct,
                       list *out)
{
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, name);
    if (!layer)
        return;
    if (where)
        OGR_L_SetAttributeFilter(layer, where);
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    int hw = road_mode == 1 ? OGR_L_FindFieldIndex(layer, "highway", 1) : -1;
    int wf = road_mode == 2 ? OGR_L_FindFieldIndex(layer, "width", 1) : -1;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        double width = 0.0;
        if (road_mode == 1)
            width = class_width(hw >= 0 ? OGR_F_GetFieldAsString(f, hw) : NULL);
        else if (road_mode == 2)
            width = wf >= 0 ? OGR_F_GetFieldAsDouble(f, wf) : 6.5;
        if (!isnan(width)) {
            GEOSGeometry *g = to_geos(h, OGR_F_GetGeometryRef(f), ct);
            if (g)
                push(out, g, width);
        }
        OGR_F_Destroy(f);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* item1: a prepared road buffer in the tree; item2: the building queried */
static int dist_cb(const void *item1, const void *item2, double *distance, void *userdata)
{
    return GEOSPreparedDistance_r((GEOSContextHandle_t)userdata, item1, item2, distance);
}

static void quiet(const char *fmt, ...)
{
    (void)fmt;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: standoff_floor SOURCE [VEHICLE_WIDTH_M]\n");
        return 2;
    }
    double vw = argc > 2 ? atof(argv[2]) : 1.8;
    double t0 = now();
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setNoticeHandler_r(h, quiet);
    GEOSContext_setErrorHandler_r(h, quiet);
    GDALDatasetH ds = GDALOpenEx(argv[1], GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        fprintf(stderr, "standoff_floor: cannot open %s\n", argv[1]);
        return 1;
    }
    list buildings = {0}, roads = {0};
    size_t len = strlen(argv[1]);
    int osm = (len > 4 && strcmp(argv[1] + len - 4, ".pbf") == 0) ||
              (len > 4 && strcmp(argv[1] + len - 4, ".osm") == 0);
    OGRCoordinateTransformationH ct = NULL;
    if (osm) {
        /* the UTM zone of the data's centre, as cpted chooses it */
        OGRLayerH ml = GDALDatasetGetLayerByName(ds, "multipolygons");
        OGREnvelope e;
        if (!ml || OGR_L_GetExtent(ml, &e, 1) != OGRERR_NONE) {
            fprintf(stderr, "standoff_floor: no extent\n");
            return 1;
        }
        double lon = (e.MinX + e.MaxX) / 2.0, lat = (e.MinY + e.MaxY) / 2.0;
        int zone = (int)floor((lon + 180.0) / 6.0) + 1;
        OGRSpatialReferenceH src = OSRNewSpatialReference(NULL), dst = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(src, 4326);
        OSRImportFromEPSG(dst, (lat >= 0 ? 32600 : 32700) + zone);
        OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
        ct = OCTNewCoordinateTransformation(src, dst);
        read_layer(h, ds, "multipolygons", "building IS NOT NULL", 0, ct, &buildings);
        read_layer(h, ds, "lines", "highway IS NOT NULL", 1, ct, &roads);
    } else {
        read_layer(h, ds, "assets", NULL, 0, NULL, &buildings);
        read_layer(h, ds, "buildings", NULL, 0, NULL, &buildings);
        read_layer(h, ds, "roads", NULL, 2, NULL, &roads);
    }
    GDALClose(ds);
    double t1 = now();
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    GEOSBufferParams *bp = GEOSBufferParams_create_r(h);
    GEOSBufferParams_setQuadrantSegments_r(h, bp, 8);
    const GEOSPreparedGeometry **prep = calloc(roads.n ? roads.n : 1, sizeof *prep);
    for (size_t i = 0; i < roads.n; i++) {
        GEOSGeometry *b = GEOSBufferWithParams_r(h, roads.g[i], bp, roads.width[i] / 2.0 + vw / 2.0);
        GEOSGeom_destroy_r(h, roads.g[i]);
        roads.g[i] = b;
        prep[i] = b ? GEOSPrepare_r(h, b) : NULL;
        if (prep[i])
            GEOSSTRtree_insert_r(h, tree, b, (void *)prep[i]);
    }
    double t2 = now();
    size_t touch = 0;
    double sum = 0.0;
    for (size_t i = 0; i < buildings.n; i++) {
        const GEOSPreparedGeometry *near = GEOSSTRtree_nearest_generic_r(
            h, tree, buildings.g[i], buildings.g[i], dist_cb, h);
        double d = 0.0;
        if (near && GEOSPreparedDistance_r(h, near, buildings.g[i], &d)) {
            touch += d == 0.0;
            sum += d;
        }
    }
    double t3 = now();
    printf("floor: %zu buildings, %zu touch A, sum of standoffs %.3f m; read+project %.2f s, "
           "buffers+tree %.2f s, nearest %.2f s\n",
           buildings.n, touch, sum, t1 - t0, t2 - t1, t3 - t2);
    GEOSSTRtree_destroy_r(h, tree);
    GEOSBufferParams_destroy_r(h, bp);
    for (size_t i = 0; i < roads.n; i++) {
        if (prep[i])
            GEOSPreparedGeom_destroy_r(h, prep[i]);
        if (roads.g[i])
            GEOSGeom_destroy_r(h, roads.g[i]);
    }
    free(prep);
    for (size_t i = 0; i < buildings.n; i++)
        GEOSGeom_destroy_r(h, buildings.g[i]);
    free(roads.g);
    free(roads.width);
    free(buildings.g);
    free(buildings.width);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    GEOS_finish_r(h);
    return 0;
}
