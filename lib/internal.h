/*
 * internal.h - definitions shared by the modules of libcpted. Not installed.
 *
 * SPDX-License-Identifier: MIT
 *
 * Every internal symbol is named cpted__* and has hidden visibility. The
 * pipeline is read (site_read.c) -> site (site.c) -> free space (freespace.c)
 * -> analyses (standoff.c, coverage.c, ...) -> JSON (json.c) / writers.
 */
#ifndef CPTED_INTERNAL_H
#define CPTED_INTERNAL_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <proj.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpted/cpted.h"

#if defined(__GNUC__)
#define CPTED__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CPTED__PRINTF(f, a)
#endif

/* ---- memory (context.c): one place so test builds can route it ------- */
void *cpted__malloc(size_t size);
void *cpted__calloc(size_t count, size_t size);
void *cpted__realloc(void *p, size_t size);
void cpted__free(void *p);
char *cpted__strdup(const char *s);
char *cpted__printf(const char *fmt, ...) CPTED__PRINTF(1, 2);

/* Grows *items (of item_size bytes) so that index `need - 1` is valid. */
bool cpted__grow(void **items, size_t *capacity, size_t need, size_t item_size);

/* ---- context (context.c) -------------------------------------------- */
struct cpted_context {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    char *error;          /* last failure text; "" when none */
    char geos_message[512];  /* last GEOS error, captured by the handler */
    cpted_log_fn log_fn;
    void *log_payload;
    int32_t log_max_level;
    cpted_progress_fn progress_fn;
    void *progress_payload;
    cpted_interrupt_fn interrupt_fn;
    void *interrupt_payload;
    size_t refs;          /* 1 for the user + 1 per live object */
};

/* Records a failure: sets the last error, logs it, returns `status`. */
int cpted__error(cpted_context *ctx, int status, const char *fmt, ...) CPTED__PRINTF(3, 4);
/* Delivers a log message to the callback (no-op without one). */
void cpted__log(cpted_context *ctx, int32_t level, const char *fmt, ...) CPTED__PRINTF(3, 4);
void cpted__progress(cpted_context *ctx, double fraction, const char *stage);
/* True when the interrupt callback asks to stop. */
bool cpted__interrupted(cpted_context *ctx);
/* Objects keep their context alive (deferred free). */
void cpted__context_ref(cpted_context *ctx);
void cpted__context_unref(cpted_context *ctx);
/* Last GEOS error text (or "unknown GEOS error"), then cleared. */
const char *cpted__geos_error(cpted_context *ctx);

/* GDAL calls are bracketed by these: a thread-local error handler captures
 * GDAL's messages into `capture` (never the process-global handler). */
typedef struct cpted__gdal_errors {
    cpted_context *ctx;
    char last[1024];   /* last CE_Failure/CE_Fatal message */
    int failures;
    int warnings;
} cpted__gdal_errors;
void cpted__gdal_begin(cpted__gdal_errors *capture, cpted_context *ctx);
void cpted__gdal_end(cpted__gdal_errors *capture);
/* Registers GDAL drivers once per process (thread-safe, lazy). */
void cpted__gdal_init(void);

/* Checks the struct_size of an option/record struct: accepts sizes from
 * `min_size` (the 1.0 layout) up to `own_size`; a larger struct only when the
 * unknown tail is zero. */
int cpted__check_struct(cpted_context *ctx, const void *p, size_t given, size_t min_size,
                        size_t own_size, const char *what);

/* ---- geometry helpers (geom.c) --------------------------------------- */
/* Geometry as ISO WKB, 2D, allocated with cpted__malloc (freed by cpted_free). */
int cpted__geom_to_wkb(cpted_context *ctx, const GEOSGeometry *g, unsigned char **out,
                       size_t *size_out);
/* Unary union of a set of geometries (borrowed); returns a new geometry (empty
 * polygon when n == 0) or NULL with the context error set. */
GEOSGeometry *cpted__union(cpted_context *ctx, const GEOSGeometry *const *geoms, size_t n);
/* New empty polygon. */
GEOSGeometry *cpted__empty_polygon(cpted_context *ctx);
/* True when every coordinate of g is finite. */
bool cpted__geom_is_finite(cpted_context *ctx, const GEOSGeometry *g);

/* ---- CRS (crs.c) ------------------------------------------------------ */
/* Checks a user CRS string (authority code, WKT, PROJJSON, proj string) and
 * returns its canonical text in *out ("AUTH:CODE" when it has an identifier,
 * else WKT2), to be freed with cpted__free. With must_be_metric, a CRS that is
 * not projected in metres fails with CPTED_E_CRS. */
int cpted__crs_normalize(cpted_context *ctx, const char *user_crs, bool must_be_metric,
                         char **out);
/* Transformer from one CRS text to another with easting/northing (lon/lat)
 * axis order on both sides; *out is NULL when the two are the same or either
 * is "" (unnamed local system). */
int cpted__crs_transformer(cpted_context *ctx, const char *from, const char *to, PJ **out);
/* True when a canonical CRS text is projected (or local) in metres; "" (the
 * unnamed local system) counts as metric. Sets no error. */
bool cpted__crs_is_metric(cpted_context *ctx, const char *crs);
/* "EPSG:326zz" (north) or "EPSG:327zz" (south) for a lon/lat point; NULL on bad input. */
char *cpted__crs_utm_for(double lon_deg, double lat_deg);

/* ---- roles (roles.c) ------------------------------------------------- */
/* Default carriageway width from the width attribute, lanes or the road's
 * class (OSM highway value or NULL), for roads: see docs/roles.md. */
double cpted__road_width(const cpted_site *site, double width_m, double lanes,
                         const char *highway_class);
/* Looks up an OSM tag of the feature being classified: borrowed text valid
 * until the next call, NULL when the tag is absent. */
typedef const char *(*cpted__osm_tag_fn)(void *payload, const char *key);
/* The OSM preset (docs/roles.md): role of a feature from its tags and its
 * dimension (0 point, 1 line, 2 area). *kind_out gets "key=value" of the tag
 * that decided (cpted__free) or NULL with CPTED_ROLE_NONE; *unverified_out is
 * true for a way tagged barrier=bollard. Returns CPTED_OK or CPTED_E_NOMEM. */
int cpted__osm_role(int32_t *role_out, char **kind_out, bool *unverified_out, int dim,
                    cpted__osm_tag_fn tag, void *payload);

/* ---- site (site.c) --------------------------------------------------- */
#define CPTED__NO_LAYER ((size_t)-1)

typedef struct cpted__feature {
    int32_t role;
    size_t group;          /* index into site->groups */
    int64_t fid;
    char *id;              /* "layer:fid" */
    char *name;            /* or NULL */
    char *rating;          /* or NULL */
    char *kind;            /* source tag that gave the role, e.g. "barrier=bollard", or NULL */
    GEOSGeometry *geom;    /* working CRS, valid */
    double diameter_m;     /* NaN when absent */
    double thickness_m;
    double width_m;        /* roads: carriageway width in use (always set) */
    double lanes;
    double required_standoff_m;
    bool unverified_row;   /* OSM way tagged barrier=bollard: spacing unknown */
} cpted__feature;

typedef struct cpted__group {
    char *source;
    char *layer;
    int32_t role;
    int64_t features;
    int64_t repaired;
    int64_t skipped;
} cpted__group;

struct cpted_site {
    cpted_context *ctx;
    char *crs;             /* working CRS text ("" = local) */
    char *output_crs;
    PJ *to_output;         /* working -> output, NULL when identical */
    cpted__feature *features;
    size_t feature_count, feature_cap;
    cpted__group *groups;
    size_t group_count, group_cap;
    char **warnings;
    size_t warning_count, warning_cap;
    double boundary_margin_m;
    double lane_width_m;
};

/* Creates an empty site with the given CRS strings (copied). */
int cpted__site_create(cpted_site **out, cpted_context *ctx, const char *working_crs,
                       const char *output_crs);
/* Finds or adds the group (source, layer, role); returns its index or CPTED__NO_LAYER. */
size_t cpted__site_group(cpted_site *site, const char *source, const char *layer, int32_t role);
/* Appends a warning (also logged at warning level). */
int cpted__site_warn(cpted_site *site, const char *fmt, ...) CPTED__PRINTF(2, 3);
/* Takes ownership of f->geom and the strings; on failure frees them. */
int cpted__site_push(cpted_site *site, cpted__feature *f);
/* Checks and normalises a geometry for a role: rejects empty, non-finite and
 * wrong-typed geometry (returns CPTED_E_GEOMETRY with `*why` set to static
 * text); repairs invalid polygons (sets *repaired). On success *geom may be
 * replaced by a new geometry (the old one is destroyed). */
int cpted__site_check_geometry(cpted_context *ctx, int32_t role, GEOSGeometry **geom,
                               bool *repaired, const char **why);
/* Parses a numeric attribute strictly; returns false for text, NaN/Inf or negative values. */
bool cpted__parse_number(const char *text, double *out);
/* Sets a feature's kept attribute from text ("name", "diameter", "thickness",
 * "width", "lanes", "rating", "required_standoff_m"; other keys are ignored
 * and return CPTED_OK). Bad numbers give CPTED_E_FORMAT with *why set. */
int cpted__feature_set_attribute(cpted__feature *f, const char *key, const char *value,
                                 const char **why);

/* ---- free space (freespace.c) ----------------------------------------- */
struct cpted_freespace {
    cpted_site *site;              /* borrowed: the site outlives the result */
    cpted_context *ctx;
    cpted_vehicle vehicle;
    cpted_freespace_options opts;
    GEOSGeometry *boundary;        /* B */
    GEOSGeometry *ground;          /* G ∩ B */
    GEOSGeometry *blocked;         /* union of blocking footprints */
    GEOSGeometry *free_space;      /* F */
    GEOSGeometry *reachable;       /* R */
    GEOSGeometry *accessible;      /* A = R ⊕ w/2 */
    GEOSGeometry *entries;         /* entry zones in use */
};
/* True when features of this role block vehicles under these options. */
bool cpted__role_blocks(int32_t role, const cpted_freespace_options *opts);
/* Footprint of one blocking feature: bollard points become discs of their
 * diameter (or the default), lines are buffered by half their thickness (or
 * the default), polygons are themselves. Returns a new geometry, or NULL with
 * the context error set. */
GEOSGeometry *cpted__footprint(cpted_context *ctx, const cpted__feature *f,
                               const cpted_freespace_options *opts);
/* Fills options from a possibly NULL/shorter user struct (defaults for the rest). */
int cpted__freespace_options_resolve(cpted_context *ctx, const cpted_freespace_options *user,
                                     cpted_freespace_options *out);
/* The set `space` (a cpted_space) of a result, borrowed; NULL for an unknown value. */
const GEOSGeometry *cpted__freespace_set(const cpted_freespace *fs, int32_t space);
/* Keeps the polygonal part of g (overlays may add lines and points where
 * polygons touch) as a (multi)polygon; g is consumed. NULL with the context
 * error set on failure. */
GEOSGeometry *cpted__polygonal(cpted_context *ctx, GEOSGeometry *g);

/* ---- coverage (coverage.c) -------------------------------------------- */
/* One analysed line: its public record (rec.id points at `id`), geometry and gaps. */
typedef struct cpted__coverage_line {
    cpted_coverage_line rec;
    char *id;                      /* owned */
    GEOSGeometry *geom;            /* LineString, working CRS (first == last point when closed) */
    cpted_coverage_gap *gaps;      /* rec.gap_count records; bounding ids borrowed from the site.
                                      On a closed line end_m may exceed length_m: the gap passes
                                      the ring's start (positions modulo length_m). */
} cpted__coverage_line;

/* A breach: the public record plus its kind and geometry. */
typedef struct cpted__coverage_breach {
    cpted_coverage_breach rec;     /* rec.line_id borrowed from its line */
    const char *kind;              /* "crossing" or "bypass" (static text) */
    GEOSGeometry *geom;            /* crossing: the piece of line in R; bypass: a point */
} cpted__coverage_breach;

struct cpted_coverage {
    cpted_site *site;              /* borrowed: the site outlives the result */
    cpted_context *ctx;
    cpted_vehicle vehicle;
    cpted_coverage_options opts;   /* resolved options */
    cpted__coverage_line *lines;
    size_t line_count, line_cap;
    cpted__coverage_breach *breaches;
    size_t breach_count, breach_cap;
    char **warnings;               /* result-level warnings (malformed ratings, no breaches...) */
    size_t warning_count, warning_cap;
};
/* The stretch [start_m, end_m] of a LineString as a new LineString; on a
 * closed line end_m may exceed the length (wraps through the start). NULL with
 * the context error set on failure. */
GEOSGeometry *cpted__line_substring(cpted_context *ctx, const GEOSGeometry *line, double start_m,
                                    double end_m);

/* ---- JSON writer (json.c) ------------------------------------------- */
typedef struct cpted__json {
    char *buf;
    size_t len, cap;
    int depth;
    bool need_comma[64];
    bool failed;           /* out of memory */
} cpted__json;

void cpted__json_init(cpted__json *j);
void cpted__json_begin_object(cpted__json *j);
void cpted__json_end_object(cpted__json *j);
void cpted__json_begin_array(cpted__json *j);
void cpted__json_end_array(cpted__json *j);
/* Object key; the next value call writes its value. */
void cpted__json_key(cpted__json *j, const char *key);
void cpted__json_string(cpted__json *j, const char *s);   /* NULL -> null */
/* Numbers: 10 significant digits, no trailing zeros; NaN/Inf -> null. */
void cpted__json_number(cpted__json *j, double v);
void cpted__json_int(cpted__json *j, int64_t v);
void cpted__json_bool(cpted__json *j, bool v);
void cpted__json_null(cpted__json *j);
/* Finishes: *out gets the text (cpted_free); returns CPTED_OK or CPTED_E_NOMEM. */
int cpted__json_finish(cpted__json *j, cpted_context *ctx, char **out);
/* Writes the `vehicle` object of every contract. */
void cpted__json_vehicle(cpted__json *j, const cpted_vehicle *v);

#endif /* CPTED_INTERNAL_H */
