/* site_reader.h - the state of one cpted_site_open() call, shared by the
 * modules of the reader (private to lib/site_read*.c):
 *   site_read.c      sources, layers and features into the site;
 *   site_read_crs.c  the CRS of each layer, the working CRS and the
 *                    reprojection of every feature into it.
 */
#ifndef CPTED_SITE_READER_H
#define CPTED_SITE_READER_H

#include "internal.h"

#include <gdal.h>
#include <ogr_api.h>
#include <proj.h>

enum { NO_CRS = (size_t)-1 };
enum { SRC_PLAIN, SRC_OSM, SRC_DXF };
/* Features between two progress reports / interrupt polls. */
enum { POLL_EVERY = 256 };

/* Attributes copied from plain sources: how many (the keys are in site_read.c). */
enum { KEPT = 7 };

/* Per site feature, until it is transformed into the working CRS. */
typedef struct origin {
    size_t crs;         /* index into reader.crs */
    bool repaired;      /* already repaired (and warned about) in the source CRS */
} origin;

/* What is known of one distinct source CRS. */
typedef struct crs_info {
    double box[4];      /* cpted__crs_plausible_box */
    bool geographic;
} crs_info;

/* The id prefix of the features of one (source, layer): see unique_prefix(). */
typedef struct id_prefix {
    size_t source;      /* index of the source */
    char *layer;
    char *prefix;
} id_prefix;

/* An OSM way or node that changes other features once everything is read:
 * a drivable passage through buildings, or a gate in a wall. */
typedef struct osm_extra {
    bool gate;          /* else a passage */
    GEOSGeometry *geom; /* source CRS until post-processing */
    size_t crs;
    double width_m;
    char *ref;          /* "way/456", "node/7" */
} osm_extra;

/* Features of one (source, OGR layer) that assets_where matched: sorted fids. */
typedef struct where_match {
    size_t source;
    char *layer;
    int64_t *fids;
    size_t count, cap;
} where_match;

typedef struct reader {
    cpted_context *ctx;
    cpted_site_options opts;
    cpted_site *site;   /* filled in the source CRSs; its CRS is set last */
    char **map_layer;   /* parsed role map */
    int32_t *map_role;
    bool *map_used;
    size_t map_count;
    char *assume_crs;   /* canonical, or NULL */
    origin *origins;    /* one per site feature */
    size_t origin_cap;
    id_prefix *prefixes;
    size_t prefix_count, prefix_cap;
    char **crs;         /* distinct canonical source CRSs */
    size_t crs_count, crs_cap;
    crs_info *crs_info; /* one per r->crs */
    size_t crs_info_cap;
    char **source_crs;  /* per source: the override (canonical), or NULL */
    GDALDatasetH ds;    /* the source being read */
    int geojson;        /* its CPTED__GEOJSON_* state (UNREAD for other formats) */
    char *geojson_crs;  /* what it declares */
    size_t first_crs;   /* the first source's CRS, NO_CRS until known */
    GEOSWKBReader *wkb;
    size_t source_index, source_count;
    int64_t seen;
    bool boundary_source; /* reading the --boundary file: every feature is the boundary */
    osm_extra *extras;  /* OSM passages and gates, cut once all is read */
    size_t extra_count, extra_cap;
    where_match *matches; /* assets_where: matched fids per (source, layer) */
    size_t match_count, match_cap;
    int64_t open_buildings; /* building=roof/construction areas given no role */
} reader;

/* What one OGR layer needs while its features are read. */
typedef struct layer_ctx {
    reader *r;
    const char *source;
    const char *layer;
    OGRLayerH handle;
    int kind;           /* SRC_* */
    int dim;            /* OSM: 0 points, 1 lines, 2 areas, -1 other */
    size_t crs;
    int idx_role, idx_highway, idx_dxf_layer, idx_other_tags, idx_osm_id, idx_osm_way_id;
    int idx_attr[KEPT];
} layer_ctx;

/* The tags of the OSM feature being read (cpted__reader_osm_tag's payload). */
typedef struct osm_tags {
    const layer_ctx *lc;
    OGRFeatureH feat;
    char *scratch;
} osm_tags;

/* ---- site_read.c ---------------------------------------------------------- */
int cpted__reader_nomem(reader *r);
/* An OGR geometry as GEOS (NULL: unreadable, or out of memory with the error set). */
GEOSGeometry *cpted__reader_ogr_to_geos(reader *r, OGRGeometryH g);

/* ---- site_read_osm.c ------------------------------------------------------ */
/* cpted__osm_tag_fn over an osm_tags: a dedicated column when the driver has
 * one, else other_tags. */
const char *cpted__reader_osm_tag(void *payload, const char *key);
/* "way/123", "node/7", "relation/45" of the feature into buf. */
void cpted__reader_osm_ref(const layer_ctx *lc, OGRFeatureH feat, char *buf, size_t size);
/* The attributes of an OSM feature from its tags (name, amenity, address,
 * dimensions); *highway gets the highway tag's class when there is one. */
int cpted__reader_osm_attributes(const layer_ctx *lc, osm_tags *tags, cpted__feature *f,
                                 const char *ref, const char **highway);
/* Remembers a drivable passage or an open gate for post-processing. */
int cpted__reader_collect_osm_extra(const layer_ctx *lc, OGRFeatureH feat, osm_tags *tags);
/* Cuts the passages out of buildings and open gates out of walls (working CRS). */
int cpted__reader_osm_postprocess(reader *r);

/* ---- site_read_crs.c ------------------------------------------------------ */
/* The CRS of an OGR layer (declared, overridden, assumed or from a .prj
 * sidecar) as an index into r->crs, adding it when new. */
int cpted__reader_layer_crs(reader *r, const char *path, OGRLayerH layer, size_t *out);
/* The working CRS: the option, else the source's when metric, else the UTM
 * zone of the features' lon/lat extent (*out to cpted__free). */
int cpted__reader_choose_working_crs(reader *r, char **out);
/* Refuses a working CRS that distorts distances at the site by more than
 * 0.1 % (unless allowed); `automatic` when cpted chose it. */
int cpted__reader_check_distortion(reader *r, const char *working, bool automatic);
/* The plain UTM zone of the features' extent (no Norway/Svalbard
 * exceptions), or NULL; cpted__free. */
char *cpted__reader_utm_plain(reader *r);
/* Moves every feature from its source CRS into the site's working CRS. */
int cpted__reader_reproject(reader *r);
/* GEOSGeom_transformXY_r callback: a PROJ transformation `userdata`. */
int cpted__reader_transform_xy(double *x, double *y, void *userdata);

#endif /* CPTED_SITE_READER_H */
