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

/* ---- site (site.c) --------------------------------------------------- */
enum { CPTED__NO_LAYER = (size_t)-1 };

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
/* Default carriageway width for a road from width/lanes/class. */
double cpted__road_width(const cpted_site *site, double width_m, double lanes,
                         const char *highway_class);

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
/* Numbers: up to 12 significant digits, no trailing zeros; NaN/Inf -> null. */
void cpted__json_number(cpted__json *j, double v);
void cpted__json_int(cpted__json *j, int64_t v);
void cpted__json_bool(cpted__json *j, bool v);
void cpted__json_null(cpted__json *j);
/* Finishes: *out gets the text (cpted_free); returns CPTED_OK or CPTED_E_NOMEM. */
int cpted__json_finish(cpted__json *j, cpted_context *ctx, char **out);
/* Writes the `vehicle` object of every contract. */
void cpted__json_vehicle(cpted__json *j, const cpted_vehicle *v);

#endif /* CPTED_INTERNAL_H */
