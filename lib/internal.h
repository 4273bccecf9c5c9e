/*
 * internal.h - definitions shared by the modules of libcpted. Not installed.
 *
 * SPDX-License-Identifier: MIT
 *
 * Every internal symbol is named cpted__* and has hidden visibility. The
 * pipeline is read (site_read.c) -> site (site.c) -> free space (freespace.c,
 * with the caches the analyses share, barrier lines from lines.c) -> analyses
 * on a free space (standoff.c, coverage.c + breaches.c, ...) -> JSON (json.c) /
 * the writer (write.c). Free spaces and results share one head (result.c).
 */
#ifndef CPTED_INTERNAL_H
#define CPTED_INTERNAL_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <proj.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cpted/cpted.h"

#if defined(__GNUC__)
#define CPTED__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CPTED__PRINTF(f, a)
#endif

/* ---- memory (alloc.c): one place so test builds can route it --------- */
void *cpted__malloc(size_t size);
void *cpted__calloc(size_t count, size_t size);
void *cpted__realloc(void *p, size_t size);
void cpted__free(void *p);
char *cpted__strdup(const char *s);
#ifdef CPTED_ALLOC_FAILURE_INJECTION
/* Test builds only (alloc.c): the n-th allocation of this thread counted from
 * this call fails once (0: none); the counters restart at each call. */
void cpted__alloc_fail_at(unsigned long n);
/* Allocations of this thread since cpted__alloc_fail_at(). */
unsigned long cpted__alloc_calls(void);
/* Failures injected since cpted__alloc_fail_at() (0 or 1). */
unsigned long cpted__alloc_injected(void);
#endif
/* Formatting and growth (context.c), on top of the allocator. */
char *cpted__printf(const char *fmt, ...) CPTED__PRINTF(1, 2);
/* The same from a va_list. Both format in the "C" locale, whatever the host's. */
char *cpted__vprintf(const char *fmt, va_list ap);

/* Grows *items (of item_size bytes) so that index `need - 1` is valid. */
bool cpted__grow(void **items, size_t *capacity, size_t need, size_t item_size);

/* ---- context (context.c) -------------------------------------------- */
struct cpted_context {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    char *error;          /* last failure text; "" when none */
    char geos_message[512];  /* last GEOS error, captured by the handler */
    char geos_reported[512]; /* what cpted__geos_error last handed out */
    cpted_log_fn log_fn;
    void *log_payload;
    int32_t log_max_level;
    cpted_progress_fn progress_fn;
    void *progress_payload;
    cpted_interrupt_fn interrupt_fn;
    void *interrupt_payload;
    atomic_size_t refs;   /* 1 for the user + 1 per live object */
    int muted;            /* > 0: cpted__error does not log (cpted__mute) */
    unsigned long nomem_reports; /* failures recorded with CPTED_E_NOMEM (cpted__error) */
    int32_t threads;      /* threads a call may use (cpted_context_set_threads), >= 1 */
};

/* ---- threads (parallel.c) -------------------------------------------- */
/* One item of a parallel map: runs in `ctx` (the caller's or a worker's own
 * context, whose GEOS handle it must use), writes only item i's own slots. */
typedef int (*cpted__map_fn)(cpted_context *ctx, size_t item, void *userdata);
/* fn(item) for every item in [0, count), on up to ctx->threads threads when
 * `worth_threads` (the caller's judgement that the work pays for starting
 * threads), else in order in the caller's thread. Stops at a failure and
 * returns it (a worker's error copied into ctx; of several, the lowest item's). */
int cpted__parallel_map(cpted_context *ctx, size_t count, cpted__map_fn fn, void *userdata,
                        bool worth_threads);

/* Records a failure: sets the last error, logs it, returns `status`. */
int cpted__error(cpted_context *ctx, int status, const char *fmt, ...) CPTED__PRINTF(3, 4);
/* cpted__error(ctx, CPTED_E_NOMEM, "<module>: out of memory"). */
int cpted__nomem(cpted_context *ctx, const char *module);
/* rc, or CPTED_E_NOMEM when rc is a failure and an out-of-memory failure was
 * recorded since `reports` was read from ctx->nomem_reports: helpers that
 * return NULL leave their callers to guess a status (often
 * CPTED_E_GEOMETRY), and a failure for want of memory must not look like bad
 * input (tests/unit/test_alloc_failure.c). */
int cpted__nomem_status(cpted_context *ctx, int rc, unsigned long reports);
/* Expected failures that the caller turns into warnings: between the two
 * calls cpted__error records its text (read it with cpted_context_last_error)
 * but logs nothing. cpted__unmute takes what cpted__mute returned and puts that
 * last error back, so a call that succeeds leaves the context's error as it
 * was; with `failed` (a real failure after all, e.g. out of memory) the error
 * recorded meanwhile stays and is logged then. */
char *cpted__mute(cpted_context *ctx);
void cpted__unmute(cpted_context *ctx, char *saved, bool failed);
/* Delivers a log message to the callback (no-op without one). */
void cpted__log(cpted_context *ctx, int32_t level, const char *fmt, ...) CPTED__PRINTF(3, 4);
void cpted__progress(cpted_context *ctx, double fraction, const char *stage);
/* True when the interrupt callback asks to stop. */
bool cpted__interrupted(cpted_context *ctx);
/* Objects keep their context alive (deferred free). */
void cpted__context_ref(cpted_context *ctx);
void cpted__context_unref(cpted_context *ctx);
/* Last GEOS error text (or "unknown GEOS error"), then cleared: the text
 * stays valid until the next call. */
const char *cpted__geos_error(cpted_context *ctx);
/* Forgets a GEOS message left from an earlier call (NULL-safe). */
void cpted__geos_clear(cpted_context *ctx);

/* Numbers independent of the host's locale (per thread, never setlocale):
 * "%.*g" of v into buf as snprintf gives it in the "C" locale; returns the
 * length snprintf returns. */
int cpted__format_double(char *buf, size_t size, int digits, double v);
/* strtod in the "C" locale: true when a number was read (*end_out after it;
 * out of range is false). */
bool cpted__strtod(const char *text, double *out, const char **end_out);

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
/* Copies a library record of `own_size` bytes into a caller's struct whose
 * struct_size (its first field, uint32_t, set by the caller) is checked as by
 * cpted__check_struct: the caller's struct_size worth is written, and its
 * struct_size is kept. */
int cpted__copy_record(cpted_context *ctx, void *out, const void *record, size_t own_size,
                       size_t min_size, const char *what);

/* ---- option ranges (ranges.c) ---------------------------------------- */
/* True when `value` is finite and inside the plausible range of option `name`
 * (a field name such as "charge_kg"; an unknown name is never in range). */
bool cpted__in_range(const char *name, double value);
/* CPTED_OK, or CPTED_E_INVALID with "charge_kg = 1e+09 must be in (0, 100000] kg". */
int cpted__check_range(cpted_context *ctx, const char *name, double value);

/* ---- geometry helpers (geom.c) --------------------------------------- */
/* Geometry as ISO WKB, 2D, allocated with cpted__malloc (freed by cpted_free). */
int cpted__geom_to_wkb(cpted_context *ctx, const GEOSGeometry *g, unsigned char **out,
                       size_t *size_out);
/* Unary union of a set of geometries (borrowed); returns a new geometry (empty
 * polygon when n == 0) or NULL with the context error set. */
GEOSGeometry *cpted__union(cpted_context *ctx, const GEOSGeometry *const *geoms, size_t n);
/* The same for geometries the caller owns: they are consumed (also on failure);
 * the array itself stays the caller's. */
GEOSGeometry *cpted__union_owned(cpted_context *ctx, GEOSGeometry **geoms, size_t n);
/* A geometry collection that takes the n geometries (destroyed on failure, the
 * array stays the caller's); NULL with the context error set. */
GEOSGeometry *cpted__collect(cpted_context *ctx, GEOSGeometry **geoms, size_t n);
/* New empty polygon. */
GEOSGeometry *cpted__empty_polygon(cpted_context *ctx);
/* True when every coordinate of g is finite. */
bool cpted__geom_is_finite(cpted_context *ctx, const GEOSGeometry *g);
/* Records a failed GEOS call: CPTED_E_GEOMETRY, "<module>: <what> failed: <GEOS message>". */
int cpted__geos_fail(cpted_context *ctx, const char *module, const char *what);
/* Coordinates of a LineString as a new array of 2n doubles (cpted__free), or NULL. */
double *cpted__line_coords(cpted_context *ctx, const GEOSGeometry *line, unsigned int *n_out);
/* New LineString through n points (xy: 2n doubles), or NULL. */
GEOSGeometry *cpted__line_from_xy(cpted_context *ctx, const double *xy, size_t n);
/* Point at position s of a line of length len (modulo len when s > len, for a
 * ring). CPTED_OK, or CPTED_E_GEOMETRY with the context error set. */
int cpted__line_point_at(cpted_context *ctx, const GEOSGeometry *line, double len, double s,
                         double *x, double *y);
/* A closed LineString of at least 4 vertices becomes the polygon it encloses
 * (g is consumed); anything else is returned unchanged, as is g when out of memory. */
GEOSGeometry *cpted__closed_line_to_polygon(cpted_context *ctx, GEOSGeometry *g);
/* True when g is a closed LineString of at least 8 vertices that all lie on
 * one circle (radius spread within 1 mm and 0.1%): a CAD circle. Gives the
 * centre and radius. */
bool cpted__line_is_circle(cpted_context *ctx, const GEOSGeometry *g, double *cx, double *cy,
                           double *r);
/* The stretch [start_m, end_m] of a LineString as a new LineString; on a
 * closed line end_m may exceed the length (wraps through the start). NULL with
 * the context error set on failure. */
GEOSGeometry *cpted__line_substring(cpted_context *ctx, const GEOSGeometry *line, double start_m,
                                    double end_m);

/* Tiles: a big (multi)polygon (the accessible or reachable space of a district)
 * cut once into pieces of at most max_vertices vertices by recursive quadrant
 * clipping, in an STRtree, so that an overlay with a small geometry costs what
 * the pieces near it cost, not the whole big one. Build O(V log V). */
typedef struct cpted__tiles cpted__tiles;
/* Builds the index of big's ring runs that distances and nearest points use
 * (otherwise built on their first call). CPTED_OK or CPTED_E_NOMEM. */
int cpted__tiles_build_chunks(cpted_context *ctx, cpted__tiles *t);
/* *out gets a copy of src for another thread: every piece and ring run
 * cloned with ctx's handle, its own prepared pieces and trees, over `big` (a
 * copy of src's big geometry, borrowed). The same pieces and runs, so the
 * same numbers. Read src only where nothing else uses it meanwhile. */
int cpted__tiles_copy(cpted__tiles **out, cpted_context *ctx, const cpted__tiles *src,
                      const GEOSGeometry *big);
/* Default piece size (vertices) for the analyses. */
#define CPTED__TILE_VERTICES 256
/* *out gets the tiles of `big` (a Polygon or MultiPolygon, valid; borrowed: it
 * must outlive the tiles). CPTED_OK, CPTED_E_NOMEM or CPTED_E_GEOMETRY. */
int cpted__tiles_new(cpted__tiles **out, cpted_context *ctx, const GEOSGeometry *big,
                     size_t max_vertices);
void cpted__tiles_free(cpted_context *ctx, cpted__tiles *t);
/* Number of pieces (0 for an empty big geometry). */
size_t cpted__tiles_count(const cpted__tiles *t);
/* big ∩ g as GEOSIntersection(big, g) gives it, up to rounding at the cuts
 * (areas and lengths agree to ~1e-12 relative). New geometry, or NULL with the
 * context error set. */
GEOSGeometry *cpted__tiles_intersection(cpted_context *ctx, const cpted__tiles *t,
                                        const GEOSGeometry *g);
/* 1 when g intersects big (part < 0) or big's polygon number `part` (the
 * index of GEOSGetGeometryN), 0 when not, -1 on failure (context error set). */
int cpted__tiles_intersects(cpted_context *ctx, const cpted__tiles *t, const GEOSGeometry *g,
                            int part);
/* The nearest points of big and g (xy: the point on big, then the point on
 * g), given their distance (from a prepared big: cheap), by cpted's own rule
 * (geom.c): the pair of smallest distance; distances within 1e-9 m are a tie,
 * won by the smallest point on big (smallest x, x's within 1e-6 m counting as
 * equal, then smallest y), then on g; when they meet, the smallest point of
 * big ∩ g, twice. Without a tie that is the pair GEOSNearestPoints gives;
 * with one it does not depend on GEOS's visiting order. Only big's segments
 * within that distance of g are looked at (an index of big's rings, built on
 * first use). CPTED_OK, or CPTED_E_NOMEM / CPTED_E_GEOMETRY (also for an empty
 * g) with the context error set. */
int cpted__tiles_nearest_points(cpted_context *ctx, cpted__tiles *t, const GEOSGeometry *g,
                                double distance, double xy[4]);
/* *out gets the distance between big and g: 0 when they meet (a piece's
 * prepared intersects), else the smallest distance between big's segments
 * near g and g's, with GEOS's point-to-segment arithmetic: the number
 * GEOSDistance / GEOSPreparedDistance give, from the pieces and ring chunks
 * near g only. CPTED_OK, or CPTED_E_NOMEM / CPTED_E_GEOMETRY (also for an
 * empty g or big) with the context error set. */
int cpted__tiles_distance(cpted_context *ctx, cpted__tiles *t, const GEOSGeometry *g,
                          double *out);

/* Radius at which a buffer with q segments per quarter circle circumscribes
 * the circle of radius d (no chord cuts inside it): d / cos(3π / 8q), since
 * GEOS rounds the number of chords of an arc and one may span 1.5 quanta. Sets
 * that must never be smaller than the exact one (A, encroachment zones) are
 * grown by this; sets that must never be larger (blocking footprints, their
 * dilation) use d itself, whose polygon lies inside the circle. */
double cpted__circumscribed(double d, int quadrant_segments);
/* Segments per quadrant of those circumscribed buffers: four times the
 * options' (q = 8: 32), so their straight edges, which move out by the same
 * factor, stay within 0.07 % of d (0.6 mm for a car's half width). */
#define CPTED__OUTER_SEGMENTS(q) (4 * (q))

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
/* "EPSG:326zz" (north) or "EPSG:327zz" (south) for a lon/lat point; NULL on bad
 * input (outside the UTM zones: *outside set) or out of memory (*outside clear). */
char *cpted__crs_utm_for(double lon_deg, double lat_deg, bool *outside);
/* The same without the two grid exceptions (Norway, Svalbard): the zone by longitude. */
char *cpted__crs_utm_plain(double lon_deg, double lat_deg, bool *outside);
/* The point scale factors of a working CRS at n lon/lat (WGS 84) points
 * (lon0, lat0, lon1, ...) into out[n]: of the largest and smallest scale over
 * all directions (Tissot), the one farther from 1; 1 for "" and engineering
 * CRSs. CPTED_E_CRS when PROJ cannot compute one (e.g. outside the
 * projection's domain). */
int cpted__crs_scale_factors(cpted_context *ctx, const char *crs, const double *lonlat_deg,
                             size_t n, double *out);
/* The box {xmin, ymin, xmax, ymax} (the CRS's units, GIS axis order) beyond
 * which coordinates in `crs` are implausible: [-180, 180] x [-90, 90] degrees
 * for geographic CRSs (returns true); for others the area of use in the CRS,
 * widened on each side by its larger dimension, or +-1e8 when that is not
 * known (returns false). Leaves no error. */
bool cpted__crs_plausible_box(cpted_context *ctx, const char *crs, double box[4]);
/* What a GeoJSON file's top-level "crs" member declares (docs/crs.md). */
enum {
    CPTED__GEOJSON_UNREAD,  /* the file cannot be read as a JSON object here */
    CPTED__GEOJSON_NO_CRS,  /* no "crs" member, or null: RFC 7946's WGS 84 lon/lat */
    CPTED__GEOJSON_NAMED,   /* *text_out: the name ("name" type) or "EPSG:code" ("EPSG" type) */
    CPTED__GEOJSON_OTHER    /* another type ("link", ...): *text_out is the type */
};
/* Reads it (VSI paths too); *text_out to be freed with cpted__free (NULL when
 * out of memory for NAMED/OTHER). */
int cpted__geojson_crs(const char *path, char **text_out);

/* ---- roles (roles.c) ------------------------------------------------- */
/* Default carriageway width from the width attribute, lanes or the road's
 * class (OSM highway value or NULL), for roads: see docs/roles.md. */
double cpted__road_width(const cpted_site *site, double width_m, double lanes,
                         const char *highway_class);
/* Looks up an OSM tag of the feature being classified: borrowed text valid
 * until the next call, NULL when the tag is absent. */
/* ---- OSM text conventions (osm_tags.c) -------------------------------- */
/* Value of `key` in the OSM driver's other_tags text ("k"=>"v","k2"=>"v2"),
 * or NULL (absent, malformed, out of memory); free with cpted__free. */
char *cpted__osm_hstore_get(const char *text, const char *key);
/* An OSM length ("3.5", "3.5 m", "120 mm", "12cm") in metres; a bare number is
 * in `bare_unit_m` (width: 1 m; diameter: 0.001 m, as the OSM wiki defines
 * them). False for text, zero or negative values. */
bool cpted__osm_length(const char *text, double bare_unit_m, double *out);

typedef const char *(*cpted__osm_tag_fn)(void *payload, const char *key);
/* What the OSM preset decided for one feature. */
typedef struct cpted__osm_class {
    int32_t role;          /* CPTED_ROLE_NONE: no role */
    char *kind;            /* "key=value" of the deciding tag(s) (cpted__free), or NULL */
    bool unverified_row;   /* a way tagged barrier=bollard */
    bool operable;         /* an operable bollard (bollard=removable/rising/...) or a gate */
    bool open_building;    /* building=roof/construction: no role, kind set */
} cpted__osm_class;
/* The OSM preset (docs/roles.md): class of a feature from its tags and its
 * dimension (0 point, 1 line, 2 area). Operable bollards are soft, or barriers
 * when gates_closed. Returns CPTED_OK or CPTED_E_NOMEM. */
int cpted__osm_role(cpted__osm_class *out, int dim, bool gates_closed, cpted__osm_tag_fn tag,
                    void *payload);
/* True for a barrier=* value that is a gate (gate, lift_gate, swing_gate, ...). */
bool cpted__osm_is_gate(const char *barrier);
/* True for a highway way tagged tunnel=building_passage or covered=yes. */
bool cpted__osm_is_passage(cpted__osm_tag_fn tag, void *payload);
/* Width of a passage through a building: the width tag, else the road width
 * of its class (lanes, class default), else CPTED__PASSAGE_WIDTH_M for a way
 * without a vehicle class (footway, cycleway, ...). */
double cpted__passage_width(const cpted_site *site, double width_m, double lanes,
                            const char *highway);
/* Defaults (docs/roles.md): the width of a passage without width tag or
 * vehicle class, and of a gate without width/maxwidth tag. */
#define CPTED__PASSAGE_WIDTH_M 3.0
#define CPTED__GATE_WIDTH_M 3.5

/* ---- site (site.c) --------------------------------------------------- */
#define CPTED__NO_LAYER ((size_t)-1)

/* A feature of the site: a district holds millions (mostly bollards),
 * so the fields are ordered to leave no padding but the tail (144 bytes). */
typedef struct cpted__feature {
    GEOSGeometry *geom;    /* working CRS (site_read.c: source CRS until all is read), valid */
    GEOSGeometry *opening; /* assets: the passages through it (working CRS), or NULL. An
                              asset keeps its whole footprint for measuring (cutting it
                              would move the asset away from the vehicle); only its
                              blocking footprint (cpted__footprint) has them cut out */
    char *id;              /* "layer:fid", unique in the site (docs/roles.md) */
    char *name;            /* or NULL */
    char *rating;          /* or NULL */
    char *kind;            /* source tag that gave the role, e.g. "barrier=bollard", or NULL */
    char *osm_id;          /* OSM "node/1", "way/123", "relation/45", or NULL */
    char *address;         /* "addr:street addr:housenumber", or NULL */
    char *amenity;         /* OSM amenity=*, or NULL */
    size_t group;          /* index into site->groups */
    int64_t fid;
    double diameter_m;     /* NaN when absent */
    double thickness_m;
    double width_m;        /* roads: carriageway width in use (always set) */
    double lanes;
    double required_standoff_m;
    int32_t role;
    int32_t passages;      /* buildings, assets: drivable passages cut through it */
    int32_t gates;         /* lines: gate openings cut into it */
    bool unverified_row;   /* OSM way tagged barrier=bollard: spacing unknown */
    bool operable;         /* OSM operable bollard or gate: open unless gates_closed */
    bool picked;           /* matched cpted_site_options.assets_where (during the load) */
    uint8_t shared;        /* CPTED__SHARED_* bits: that text is the site's (its text
                              blocks), not the feature's: cpted__feature_clear leaves it */
} cpted__feature;
/* A pushed feature's texts are moved into the site's text blocks (no
 * allocation of its own each: a district has millions of ids and names), and
 * those that repeat over a layer (a district's bollards share one rating)
 * are kept once. */
enum {
    CPTED__SHARED_ID = 1,
    CPTED__SHARED_NAME = 2,
    CPTED__SHARED_RATING = 4,
    CPTED__SHARED_KIND = 8,
    CPTED__SHARED_OSM_ID = 16,
    CPTED__SHARED_ADDRESS = 32,
    CPTED__SHARED_AMENITY = 64
};

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
    double plausible_box[4]; /* cpted__crs_plausible_box of crs: features added from memory */
    atomic_size_t refs;    /* 1 for the user + 1 per free space computed from it */
    atomic_bool frozen;    /* a free space was computed: no more features */
    struct cpted__id_slot *ids;   /* hash set of the ids given out (site.c), borrowing the
                                     features' id texts; NULL after the site is read (made
                                     again from the features on the next push) */
    size_t id_cap, id_count;
    char **retired_ids;    /* ids of dropped features: they stay taken (site.c) */
    size_t retired_count, retired_cap;
    struct cpted__text_block *text_blocks; /* the features' texts (CPTED__SHARED_*) */
    const char *recent[16];  /* the last repeatable texts kept, to match */
    size_t recent_count, recent_next;
};
/* A free space keeps its site alive (cpted_site_free drops the user's reference). */
void cpted__site_ref(cpted_site *site);
void cpted__site_unref(cpted_site *site);

/* Creates an empty site with the given CRS strings (copied). */
int cpted__site_create(cpted_site **out, cpted_context *ctx, const char *working_crs,
                       const char *output_crs);
/* Sets the working and output CRS (copied; output NULL = the working one) and
 * the transformer between them; the features are not touched (site_read.c
 * fills a site in the source CRSs first, then sets the CRS and transforms). */
int cpted__site_set_crs(cpted_site *site, const char *working_crs, const char *output_crs);
/* Frees a feature's strings and geometry and zeroes it. */
void cpted__feature_clear(cpted_context *ctx, cpted__feature *f);
/* The bounds {xmin, ymin, xmax, ymax} of a feature's geometry; false when it
 * has none (empty). A point's are read from its coordinates: the envelope GEOS
 * would compute and keep costs a point half as much again. */
bool cpted__feature_bounds(GEOSContextHandle_t h, const GEOSGeometry *g, double e[4]);
/* Drops feature f of the site (a feature pushed, being removed): its id stays
 * taken, then cpted__feature_clear. */
void cpted__site_drop_feature(cpted_site *site, cpted__feature *f);
/* Frees the set of ids given out (a site fully read holds a whole district's
 * worth); the next cpted__site_push makes it again from the features. */
void cpted__site_release_ids(cpted_site *site);
/* Finds or adds the group (source, layer, role); returns its index or CPTED__NO_LAYER. */
size_t cpted__site_group(cpted_site *site, const char *source, const char *layer, int32_t role);
/* Appends a warning (also logged at warning level). */
int cpted__site_warn(cpted_site *site, const char *fmt, ...) CPTED__PRINTF(2, 3);
/* Takes ownership of f->geom and the strings; on failure frees them. An id
 * that an earlier feature of the site already has gets the smallest free
 * suffix "#2", "#3", ... (docs/roles.md), so ids are unique within a site. */
int cpted__site_push(cpted_site *site, cpted__feature *f);
/* Checks and normalises a geometry for a role: rejects empty, non-finite and
 * wrong-typed geometry (returns CPTED_E_GEOMETRY with `*why` set to static
 * text); repairs invalid polygons (sets *repaired). On success *geom may be
 * replaced by a new geometry (the old one is destroyed). */
int cpted__site_check_geometry(cpted_context *ctx, int32_t role, GEOSGeometry **geom,
                               bool *repaired, const char **why);
/* Parses a numeric attribute strictly; returns false for text, NaN/Inf or negative values. */
bool cpted__parse_number(const char *text, double *out);
/* False (with *why) when a size attribute ("diameter", "thickness", "width",
 * "lanes") is outside its plausible range (docs/roles.md); other keys pass. */
bool cpted__attribute_plausible(const char *key, double value, const char **why);
/* Sets a feature's kept attribute from text ("name", "diameter", "thickness",
 * "width", "lanes", "rating", "required_standoff_m"; other keys are ignored
 * and return CPTED_OK). Bad or implausible numbers give CPTED_E_FORMAT with *why set. */
int cpted__feature_set_attribute(cpted__feature *f, const char *key, const char *value,
                                 const char **why);

/* Site-level OSM post-processing (docs/roles.md), in the working CRS. */
/* Cuts a drivable passage (the way buffered by width_m/2, flat ends) out of
 * every building it crosses, and adds it to the `opening` of every asset it
 * crosses; one warning per building or asset naming `way_ref`. A building
 * left with no area is removed. *cut_out (may be NULL) gets the number of
 * buildings and assets crossed. */
int cpted__site_cut_passage(cpted_site *site, const GEOSGeometry *way, double width_m,
                            const char *way_ref, size_t *cut_out);
/* Cuts a gate opening (a disc of diameter width_m round the gate node) out
 * of every line with role obstacle, soft or barrier (not an unverified row)
 * that passes within 1 mm of the node; one warning per line. *cut_out (may
 * be NULL) gets the number of lines cut. */
int cpted__site_cut_gate(cpted_site *site, const GEOSGeometry *node, double width_m,
                         const char *gate_ref, size_t *cut_out);
/* Changes a feature's role and moves it to the group (same source and
 * layer) of the new role. */
int cpted__site_set_role(cpted_site *site, size_t i, int32_t role);
/* Asset picking (cpted_site_options): with `where` (the attribute filter
 * given; NULL: none) the features flagged `picked`, and those whose OSM id or
 * feature id is in ids, or whose name contains one of names (ASCII case
 * folding), become assets; every other asset becomes a building. Only
 * buildings and assets are candidates. A filter, id or name that matches no
 * building is CPTED_E_NOTFOUND naming it. Call only when a selector is given. */
int cpted__site_pick_assets(cpted_site *site, const char *where, const char *const *ids,
                            size_t id_count, const char *const *names, size_t name_count);
/* ---- results (result.c) ---------------------------------------------- */
/* The head of every computed object (free space, standoff, coverage, ...): its
 * reference count, context, site and free space (each held by a reference)
 * and its warnings. One lifecycle for all of them. */
typedef struct cpted__result {
    atomic_size_t refs;            /* 1 for the user + 1 per object that holds it */
    cpted_context *ctx;            /* referenced */
    cpted_site *site;              /* referenced */
    cpted_freespace *fs;           /* referenced, NULL for a free space itself */
    char **warnings;
    size_t warning_count, warning_cap;
} cpted__result;
/* Takes references on ctx, site (may be NULL) and fs (may be NULL). */
void cpted__result_init(cpted__result *r, cpted_context *ctx, cpted_site *site,
                        cpted_freespace *fs);
/* Drops the references the head holds and frees its warnings. */
void cpted__result_fini(cpted__result *r);
/* Adds a reference; cpted__result_unref returns true when the last one went
 * (the caller then destroys the object, ending with cpted__result_fini). */
void cpted__result_ref(cpted__result *r);
bool cpted__result_unref(cpted__result *r);
/* Appends a warning (also logged at warning level). CPTED_OK or CPTED_E_NOMEM. */
int cpted__result_warn(cpted__result *r, const char *fmt, ...) CPTED__PRINTF(2, 3);
/* Appends a copy of a finished text. */
int cpted__result_add_warning(cpted__result *r, const char *text);
size_t cpted__result_warning_count(const cpted__result *r);
const char *cpted__result_warning(const cpted__result *r, size_t i);
/* Writes the "warnings" key and array of the JSON contracts. */
struct cpted__json;
void cpted__result_json_warnings(struct cpted__json *j, const cpted__result *r);
/* Copies a user's option struct (NULL: keep `out` as it is, the defaults) into
 * `out` of `own_size` bytes, after cpted__check_struct with `min_size` (the
 * V1 size): the caller's struct_size worth, the rest stays default; out's
 * struct_size becomes own_size. */
int cpted__options_copy(cpted_context *ctx, void *out, const void *user, size_t own_size,
                        size_t min_size, const char *what);

/* ---- free space (freespace.c) ----------------------------------------- */
/* A blocking footprint (cached by the free space for the analyses). */
typedef struct cpted__footprint_item {
    size_t feature;            /* index into site->features */
    GEOSGeometry *geom;        /* the footprint (from cpted__footprint) */
    const GEOSGeometry *core;  /* a bollard's point, else `geom` */
    double core_r;             /* radius of the bollard disc round `core`, else 0 */
} cpted__footprint_item;

/* A parsed rating of a feature (cached by the free space). */
typedef struct cpted__parsed_rating {
    bool parsed;               /* the string was looked at */
    bool usable;               /* mass and speed known */
    int status;                /* of cpted_rating_parse */
    double mass_kg, speed_kmh;
    char *why;                 /* reason it is not usable, or NULL */
} cpted__parsed_rating;

typedef struct cpted__lines cpted__lines;

struct cpted_freespace {
    cpted__result head;            /* head.site referenced, head.fs NULL */
    cpted_site *site;              /* = head.site */
    cpted_context *ctx;            /* = head.ctx */
    cpted_vehicle vehicle;
    cpted_freespace_options opts;
    GEOSGeometry *boundary;        /* B */
    GEOSGeometry *ground;          /* G ∩ B */
    GEOSGeometry *blocked;         /* union of blocking footprints */
    GEOSGeometry *free_space;      /* F */
    GEOSGeometry *reachable;       /* R */
    GEOSGeometry *accessible;      /* A = R ⊕ w/2 */
    GEOSGeometry *entries;         /* entry zones in use */
    char *not_assessed;            /* why nothing can be assessed (R empty), or NULL */
    /* caches for the analyses, built on first use */
    cpted__footprint_item *footprints; /* every blocking footprint, in feature order */
    size_t footprint_count;
    GEOSSTRtree *footprint_tree;   /* over footprints[i].geom, items &footprints[i] */
    bool footprints_built;
    cpted__tiles *tiles_reachable; /* tiles of R */
    cpted__tiles *tiles_accessible; /* tiles of A */
    cpted__parsed_rating *ratings; /* per feature */
    cpted__lines *lines;           /* barrier lines (lines.c) */
};
/* The cached footprints and their STRtree (built on first call). */
int cpted__freespace_footprints(cpted_freespace *fs, const cpted__footprint_item **items_out,
                                size_t *count_out, GEOSSTRtree **tree_out);
/* The cached footprints whose envelope comes within dist of g's envelope, in
 * feature order (candidates: the caller measures the distance). *out is an
 * array to cpted__free (NULL when none). */
int cpted__freespace_footprints_near(cpted_freespace *fs, const GEOSGeometry *g, double dist,
                                     const cpted__footprint_item ***out, size_t *count_out);
/* The cached tiles of R (CPTED_SPACE_REACHABLE) or A (CPTED_SPACE_ACCESSIBLE). */
int cpted__freespace_tiles(cpted_freespace *fs, int32_t space, cpted__tiles **out);
/* The parsed rating of feature i (parsed once, muted: a malformed rating is
 * not an error of the call). CPTED_OK or CPTED_E_NOMEM. */
int cpted__freespace_rating(cpted_freespace *fs, size_t feature,
                            const cpted__parsed_rating **out);
/* True when features of this role block vehicles under these options. */
bool cpted__role_blocks(int32_t role, const cpted_freespace_options *opts);
/* Footprint of one blocking feature: bollard points become discs of their
 * diameter (or the default), lines are buffered by half their thickness (or
 * the default), polygons are themselves less their `opening` (passages). Returns a new geometry, or NULL with
 * the context error set. */
GEOSGeometry *cpted__footprint(cpted_context *ctx, const cpted__feature *f,
                               const cpted_freespace_options *opts);
/* The start of a free space of a site for a vehicle (cpted_freespace_new):
 * `site` and `out` (the caller's result pointer) must be given,
 * `fn` names the API function in the message, and the vehicle must be valid.
 * On success *vehicle_out is a copy of the vehicle in this library's layout;
 * *ctx_out is the site's context (NULL without a site). */
int cpted__analysis_start(cpted_context **ctx_out, cpted_vehicle *vehicle_out, cpted_site *site,
                          const void *out, const cpted_vehicle *vehicle, const char *fn);
/* The start of an analysis on a free space: `fs` and `out` must be given. */
int cpted__analysis_start_fs(cpted_context **ctx_out, cpted_freespace *fs, const void *out,
                             const char *fn);
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
    const char *id;                /* borrowed from the free space's barrier lines */
    const GEOSGeometry *geom;      /* the same: LineString, working CRS (first == last point
                                      when closed) */
    cpted_coverage_gap *gaps;      /* rec.gap_count records; bounding ids borrowed from the site.
                                      On a closed line end_m may exceed length_m: the gap passes
                                      the ring's start (positions modulo length_m). */
} cpted__coverage_line;

/* A breach: the public record plus its kind and geometry. */
typedef struct cpted__coverage_breach {
    cpted_coverage_breach rec;     /* rec.line_id borrowed from its line */
    GEOSGeometry *geom;            /* crossing: the piece of line in R; bypass: a point */
} cpted__coverage_breach;

struct cpted_coverage {
    cpted__result head;            /* site and free space referenced; result-level warnings
                                      (malformed ratings, lines not analysed, no breaches...) */
    cpted_site *site;              /* = head.site */
    cpted_context *ctx;            /* = head.ctx */
    cpted_freespace *fs;           /* = head.fs */
    cpted_vehicle vehicle;
    cpted_coverage_options opts;   /* resolved options */
    cpted__coverage_line *lines;
    size_t line_count, line_cap;
    cpted__coverage_breach *breaches;
    size_t breach_count, breach_cap;
};
/* Appends a result-level warning (also logged at warning level). */
int cpted__coverage_warn(cpted_coverage *cov, const char *fmt, ...) CPTED__PRINTF(2, 3);
/* Breaches (breaches.c, a one-way dependency of coverage.c): where the
 * reachable space R of the free space crosses one of cov's lines, or reaches
 * both sides of an open line round an end; appends them to cov->breaches. No
 * reachable space is a warning of the result. */
int cpted__coverage_breaches(cpted_coverage *cov);
/* The members of the `cpted/coverage/1` document after "schema" (written into
 * an open object), for the document itself and for combined summaries. */
int cpted__coverage_json_body(struct cpted__json *j, const cpted_coverage *cov);

/* ---- standoff (standoff.c) -------------------------------------------- */
/* The members of the `cpted/standoff/1` document after "schema". */
int cpted__standoff_json_body(struct cpted__json *j, const cpted_standoff *s);
/* The threat of a standoff result: charge (kg TNT) and allowable incident
 * overpressure (kPa), NaN when not given, and the standoff they require
 * (NaN unless both are given). */
void cpted__standoff_threat(const cpted_standoff *s, double *charge_kg, double *allowable_kpa,
                            double *required_m);

/* ---- vehicle dynamics assessment (vda.c, lattice.c, rays.c) ------------ */
/* π (C11 has no M_PI). */
#define CPTED__PI 3.14159265358979323846

/* Exact straight-line queries on a polygonal set (rays.c): segments in a
 * uniform bucket grid, walked along the ray. Not thread-safe per object. */
typedef struct cpted__rays cpted__rays;
int cpted__rays_new(cpted__rays **out, cpted_context *ctx, const GEOSGeometry *poly);
void cpted__rays_free(cpted__rays *r);
/* Queries on r's index from another thread: an object of its own that shares
 * r's segments and buckets (r must outlive it). */
int cpted__rays_share(cpted__rays **out, cpted_context *ctx, const cpted__rays *r);
/* Point in the set (even-odd over all rings). */
bool cpted__rays_inside(cpted__rays *r, double x, double y);
/* Distance from (x, y) along (dx, dy) to the first boundary crossing, at most max_len. */
double cpted__rays_free_length(cpted__rays *r, double x, double y, double dx, double dy,
                               double max_len);

/* The factor less one by which the VDA raises a lattice speed at lattice
 * cell cell_m, for the lattice's resolution (vda.c; docs/method-vda.md §3). */
double cpted__vda_allowance(double cell_m);
/* The lattice cell of the sensitivity band's searches for a run at cell_m. */
double cpted__vda_band_cell(double cell_m);

/* The state lattice (lattice.c; header comment there, docs/method-vda.md). */
typedef struct cpted__lattice cpted__lattice;
/* A start given to the search: a pose with heading index k and its speed. */
typedef struct cpted__lattice_seed {
    double x, y;
    int k;
    double v_mps, runup_m;
} cpted__lattice_seed;
/* A target: the vehicle centre comes within rho_m of (x, y); with has_side,
 * from the side (nx, ny) points to, moving towards the line. */
typedef struct cpted__lattice_goal {
    double x, y, rho_m;
    bool has_side;
    double nx, ny;
} cpted__lattice_goal;
typedef struct cpted__lattice_hit {
    double v_mps, runup_m;
    int64_t state;
    double ux, uy;                 /* heading at arrival */
} cpted__lattice_hit;
/* A lattice of cell_m cells and `headings` headings over window {x0, y0, x1,
 * y1} of `reach` (R), with arcs from min_turn_radius_m up to top_radius_m. */
int cpted__lattice_new(cpted__lattice **out, cpted_context *ctx, const GEOSGeometry *reach,
                       const double window[4], double cell_m, int headings,
                       double min_turn_radius_m, double top_radius_m);
void cpted__lattice_free(cpted__lattice *L);
/* A lattice with the geometry of L (its mask, grids and moves, shared, not
 * copied) and labels and speed tables of its own: searches with other
 * kinematics, at the same time as L's (each lattice on one thread at a time).
 * L must outlive it; free it with cpted__lattice_free. */
int cpted__lattice_share(cpted__lattice **out, const cpted__lattice *L);
/* L keeps the speeds of its labels only, not their paths (the run-ups are
 * NaN, no path is drawn): the speeds are the same, found with fewer moves
 * tried; shared lattices made after it are speeds-only too. */
int cpted__lattice_speeds_only(cpted__lattice *L);
/* The searches of L stop (CPTED_E_INTERRUPTED) when *stop is non-zero; with
 * worker, L is searched on a thread of the library's own: it never calls the
 * context's interrupt callback nor words an error (the caller does), without,
 * an interrupt seen by the callback also sets *stop. */
void cpted__lattice_set_stop(cpted__lattice *L, _Atomic int *stop, bool worker);
/* The unit direction of heading k (2πk/K). */
void cpted__lattice_heading(const cpted__lattice *L, int k, double *ux, double *uy);
/* Sweeps headings and states in the reverse order (one thread): the speeds
 * found do not depend on the order (tests/unit/test_lattice.c). */
void cpted__lattice_set_reverse(cpted__lattice *L, bool reverse);
/* The speed tables of a vehicle's kinematics (a0, vmax, f); before a search. */
int cpted__lattice_set_kinematics(cpted__lattice *L, const cpted_vehicle *k);
/* Standstill everywhere plus the seeds, propagated to the fixed point; with
 * threads > 1 two headings are swept at a time (same result). Allocates
 * nothing unless threads > 1. */
int cpted__lattice_search(cpted__lattice *L, const cpted__lattice_seed *seeds, size_t seed_count,
                          int threads);
/* The fastest arrival at a goal after a search (false when none). */
bool cpted__lattice_best_arrival(const cpted__lattice *L, const cpted__lattice_goal *goal,
                                 cpted__lattice_hit *out);
/* The length of the path drawn for a state (its chain of predecessors, from
 * the run-up its start was given), NaN when out of memory. */
double cpted__lattice_runup(const cpted__lattice *L, int64_t state);
/* The fastest arrival at contact point (cx, cy) straight along (ux, uy)
 * from a lattice state at most len before it, if faster than *best (then
 * raised): the last leg as a long straight at any angle. Its runup_m is the
 * leg alone (add cpted__lattice_runup() of the state kept). */
bool cpted__lattice_best_on_ray(const cpted__lattice *L, double cx, double cy, double ux,
                                double uy, double len, double *best, cpted__lattice_hit *out);
/* The path (vehicle centre, start first) of an arrival state, then (tx, ty). */
int cpted__lattice_path(const cpted__lattice *L, int64_t state, double tx, double ty,
                        double **xy_out, size_t *n_out);

/* The rating an element needs against an impact of speed_kmh by the design
 * vehicle, in the grammar of `standard` (a cpted_rating_standard; IWA 14-1 when
 * unknown), element_class the element's ASTM class letter(s) (rating_needed.c).
 * New text or NULL. */
char *cpted__rating_needed(int32_t standard, const cpted_vehicle *design, double speed_kmh,
                           const char *element_class);

/* One target: the public record (its strings point into the owned fields or
 * are borrowed from the site and the free space's lines) and its path. */
typedef struct cpted__vda_target {
    cpted_vda_target rec;
    char *id;                      /* owned: rec.id */
    char *needed;                  /* owned: rec.needed_rating, or NULL */
    size_t element;                /* site feature of rec.barrier_id, or (size_t)-1 */
    double nx, ny;                 /* unit normal pointing to the attack side */
    double *path_xy;               /* path of the vehicle centre, start to target, working CRS */
    size_t path_n;                 /* points in path_xy (0 when unreachable) */
} cpted__vda_target;

/* A per-element or per-line summary (rec's strings are borrowed: the site's
 * ids and ratings, the worst target's needed rating). */
typedef struct cpted__vda_summary {
    cpted_vda_summary rec;
    double weakest_kmh;            /* rated speed of rec.rating (lines: the lowest on it) */
} cpted__vda_summary;

struct cpted_vda {
    cpted__result head;            /* site and free space referenced, warnings */
    cpted_site *site;              /* = head.site */
    cpted_context *ctx;            /* = head.ctx */
    cpted_freespace *fs;           /* = head.fs */
    cpted_vehicle vehicle;
    cpted_vda_options opts;        /* resolved (points_xy NULL after the call) */
    char *not_assessed;            /* why nothing was assessed, or NULL */
    cpted__vda_target *targets;
    size_t target_count, target_cap;
    cpted__vda_summary *elements;  /* per barrier element with targets, in feature order */
    size_t element_count, element_cap;
    cpted__vda_summary *lines;     /* per line or facade with targets, in target order */
    size_t line_count, line_cap;
};
/* The corridor of target i: its path dilated by half the vehicle width (the
 * vehicle's swept ground), a new (multi)polygon, empty when unreachable; NULL
 * with the context error set on failure (vda.c). */
GEOSGeometry *cpted__vda_corridor(const cpted_vda *v, size_t i);
/* A target being built (vda_targets.c -> vda.c): what the search needs
 * besides the record. */
typedef enum cpted__vda_kind {
    CPTED__VDA_ON_LINE,            /* a sample of a line */
    CPTED__VDA_ELEMENT,            /* a barrier element on a line */
    CPTED__VDA_FACADE,             /* a sample of an asset facade */
    CPTED__VDA_POINT               /* a caller's point */
} cpted__vda_kind;
typedef struct cpted__vda_target_in {
    double rho_m;                  /* centre distance at contact (0: the centre reaches it) */
    double core_r;                 /* an element target's bollard radius, else 0 */
    cpted__vda_kind kind;
} cpted__vda_target_in;
typedef struct cpted__vda_builder {
    cpted_vda *v;
    cpted__vda_target_in *in;      /* parallel to v->targets */
    size_t in_cap;
} cpted__vda_builder;
#define CPTED__VDA_NO_FEATURE ((size_t)-1)
/* Fills v->targets (and b->in) from v->opts and the site, and the barrier
 * element of each. */
int cpted__vda_build_targets(cpted__vda_builder *b);
/* The members of the `cpted/vda/1` document after "schema" (vda_json.c). */
int cpted__vda_json_body(struct cpted__json *j, const cpted_vda *v);

/* ---- barrier lines (lines.c) ------------------------------------------ */
/* The lines of protection of a site: perimeter features (polygons by their
 * exterior rings, multi-lines merged where they touch), else rows chained
 * from barrier points (rows.c), plus OSM bollard ways (rows of unknown
 * spacing). Built once per free space and chain distance, shared by the
 * analyses (coverage, the VDA). */
typedef struct cpted__barrier_line {
    char *id;                      /* feature id, "<id>/<n>" for parts, "row:N" */
    GEOSGeometry *geom;            /* LineString, working CRS */
    bool derived;                  /* chained from barrier points */
    bool closed;                   /* a ring (first == last point, >= 4 points) */
    bool unverified;               /* an OSM bollard way */
    double length_m;
} cpted__barrier_line;
struct cpted__lines {
    cpted__lines *next;            /* the lines of another chain distance */
    double chain_m;
    cpted__barrier_line *items;
    size_t count, cap;
    char **warnings;               /* lines not analysed, in the order met */
    size_t warning_count, warning_cap;
};
/* The barrier lines of fs's site for chain distance chain_m, built on the
 * first call for that distance and kept until fs is freed. Borrowed. */
int cpted__freespace_lines(cpted_freespace *fs, double chain_m, const cpted__lines **out);
void cpted__lines_free(cpted_context *ctx, cpted__lines *l);

/* ---- barrier rows (rows.c) -------------------------------------------- */
/* Chains the site's barrier points (role barrier, Point geometry) whose
 * centres are at most chain_m apart into rows (docs/method-coverage.md §1.2):
 * the neighbour graph, its minimum spanning forest, one row per tree of two or
 * more points, ordered along the tree's longest path; a row whose ends chain
 * to each other and are close compared with its length is closed (first ==
 * last point). *rows_out gets *count_out LineStrings in working coordinates,
 * row N at index N-1, numbered in the order of each row's first point in the
 * site; an entry is NULL when all the row's points coincide. Free them with
 * cpted__rows_free. CPTED_OK, CPTED_E_NOMEM or CPTED_E_GEOMETRY. */
int cpted__rows_derive(cpted_context *ctx, const cpted_site *site, double chain_m,
                       GEOSGeometry ***rows_out, size_t *count_out);
void cpted__rows_free(cpted_context *ctx, GEOSGeometry **rows, size_t count);

/* ---- result layers of the writer (write.c; builders: write_layers.c) ---- */
/* A result is described as layers: a name, a geometry type, field definitions
 * and rows (a geometry plus values), filled by a builder from the result. */
typedef enum cpted__w_kind {
    CPTED__W_TEXT,
    CPTED__W_REAL,
    CPTED__W_INT,
    CPTED__W_BOOL
} cpted__w_kind;

typedef struct cpted__w_field {
    const char *name;
    cpted__w_kind kind;
} cpted__w_field;

/* One value: text (NULL = null) for CPTED__W_TEXT, number (NaN = null) otherwise;
 * booleans are 0/1. Texts are borrowed from the result being written. */
typedef struct cpted__w_value {
    const char *text;
    double number;
} cpted__w_value;

typedef struct cpted__w_spec {
    const char *name;
    uint32_t type; /* an OGRwkbGeometryType */
    const cpted__w_field *fields;
    size_t field_count;
} cpted__w_spec;

typedef struct cpted__w_row {
    GEOSGeometry *geom;     /* owned; NULL = no geometry */
    cpted__w_value *values; /* spec->field_count entries */
} cpted__w_row;

typedef struct cpted__w_layer {
    const cpted__w_spec *spec;
    cpted__w_row *rows;
    size_t row_count, row_cap;
    char *crs;       /* output CRS of the rows ("" = local, unnamed), owned once added */
    bool owns_texts; /* the text values are copies (after layers_own_texts) */
} cpted__w_layer;

/* Fills layers[0..spec_count) with rows from `result`. */
typedef int (*cpted__w_build_fn)(cpted_context *ctx, const void *result,
                                 cpted__w_layer *layers);

/* Appends a row that owns `geom` (destroyed on failure); all values start null.
 * Returns the values to fill, or NULL with the context error set. */
cpted__w_value *cpted__w_add_row(cpted_context *ctx, cpted__w_layer *layer, GEOSGeometry *geom);
/* Takes a WKB buffer from a public accessor (freed here) and parses it. */
int cpted__w_geom_from_wkb(cpted_context *ctx, unsigned char *wkb, size_t size, const char *what,
                           GEOSGeometry **out);
/* New point / two-point line, or NULL with the context error set. */
GEOSGeometry *cpted__w_point(cpted_context *ctx, double x, double y);
GEOSGeometry *cpted__w_segment(cpted_context *ctx, double x0, double y0, double x1, double y1);
/* Fills the layers of one result with `build`, reprojects them to the site's
 * output CRS, copies the texts and appends them to the writer; `what` names
 * the result in messages ("standoff"). */
/* The one-result shorthands (cpted_standoff_write() and friends): open a
 * writer, add(w, result), commit, free (nothing written on failure). */
typedef int (*cpted__writer_add_fn)(cpted_writer *w, const void *result);
int cpted__write_one(const cpted_site *site, const char *path, const char *format,
                     int32_t overwrite, cpted__writer_add_fn add, const void *result);
int cpted__writer_add(cpted_writer *w, const cpted_site *site, const cpted__w_spec *specs,
                      size_t spec_count, cpted__w_build_fn build, const void *result,
                      const char *what);
/* Every layer name the writer can write (write_layers.c): count and names. */
size_t cpted__writer_layer_count(void);
const char *cpted__writer_layer_name(size_t i);

/* ---- district screening (batch.c) ------------------------------------ */
/* The exposure classes of the screened assets (the `exposure` field of the
 * batch_assets layer, its QGIS categories, the report's map colours), worst
 * first: docs/outputs.md. */
typedef struct cpted__exposure_class {
    const char *name;      /* the field value */
    const char *label;     /* legend text */
    const char *rgb;       /* "r,g,b" (QML) */
    const char *hex;       /* "#rrggbb" (SVG) */
    bool emphasis;         /* drawn loud (not assessed) */
} cpted__exposure_class;
size_t cpted__batch_exposure_count(void);
const cpted__exposure_class *cpted__batch_exposure(size_t i);
/* The class of an asset record: an index below cpted__batch_exposure_count(). */
size_t cpted__batch_exposure_of(const cpted_batch_asset *a);
/* The documented exposure rule (static text) and the top count of a result. */
const char *cpted__batch_exposure_rule(void);
size_t cpted__batch_top_count(const cpted_batch *b);

/* ---- HTML reports (report.c; the screening's: report_batch.c) --------- */
/* The reports' <style> element. */
extern const char cpted__report_css[];
/* ISO date (UTC) of `when` into buf, "unknown" when it cannot be had. */
void cpted__report_utc_date(char buf[32], time_t when);

/* ---- QGIS layer styles (styles.c) ---------------------------------- */
/* *out gets the QGIS style (a QML document, cpted__free) of the result layer
 * named `layer`, or NULL when the writer has no style for it. CPTED_OK or
 * CPTED_E_NOMEM. */
int cpted__style_qml(cpted_context *ctx, const char *layer, char **out);
/* The layers that have a style: their count and names (for the tests). */
size_t cpted__style_count(void);
const char *cpted__style_layer(size_t i);

/* ---- JSON writer (json.c) ------------------------------------------- */
typedef struct cpted__json {
    char *buf;
    size_t len, cap;
    int depth;
    bool need_comma[64];
    bool failed;           /* out of memory */
    bool counting;         /* only len is kept (cpted__json_init_counting) */
} cpted__json;

void cpted__json_init(cpted__json *j);
/* A writer that stores nothing and counts the bytes (len) of the document:
 * a first pass for a big one, whose text is then written into a buffer of
 * exactly its size (cpted__json_init_sized) instead of one grown by
 * doubling (a reallocation inside the heap copies: twice the text at once). */
void cpted__json_init_counting(cpted__json *j);
/* The bytes cpted__json_finish will hand out (after a counting pass: the
 * document so far plus the final newline and terminator). */
size_t cpted__json_finished_size(const cpted__json *j);
/* A writer whose buffer holds `size` bytes from the start (false when out of
 * memory: then an ordinary writer). */
bool cpted__json_init_sized(cpted__json *j, size_t size);
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
/* The site feature of asset i of a standoff result ((size_t)-1 when out of range). */
size_t cpted__standoff_asset_feature(const cpted_standoff *result, size_t i);
/* Writes the "crs" member of every contract: {"working": .., "output": ..}. */
void cpted__json_crs(cpted__json *j, const cpted_site *site);
/* Writes the `vehicle` object of every contract. */
void cpted__json_vehicle(cpted__json *j, const cpted_vehicle *v);

/* ---- output CRS (write.c) --------------------------------------------- */
/* g (working CRS, borrowed) in the site's output CRS as a new geometry (the
 * writer's conversion, cpted_site_to_output per vertex). NULL on failure:
 * *status_out is then the status cpted_site_to_output set (message recorded),
 * or CPTED_OK when GEOS failed (no message yet). */
GEOSGeometry *cpted__geom_to_output(cpted_context *ctx, const cpted_site *site,
                                    const GEOSGeometry *g, int *status_out);

/* ---- growing text (svgmap.c), for the report and the map --------------- */
typedef struct cpted__text {
    char *buf;             /* NUL-terminated (NULL until the first byte) */
    size_t len, cap;
    bool failed;           /* out of memory: every later call is a no-op */
} cpted__text;
void cpted__text_addn(cpted__text *t, const char *s, size_t n);
void cpted__text_add(cpted__text *t, const char *s);
/* Formats in the "C" locale (cpted__vprintf). */
void cpted__text_addf(cpted__text *t, const char *fmt, ...) CPTED__PRINTF(2, 3);
/* s with & < > " ' escaped for XML/HTML text and attributes (NULL: nothing). */
void cpted__text_escape(cpted__text *t, const char *s);
/* v rounded to `decimals` (0..6) decimal places, "-" for NaN or infinite;
 * integer arithmetic, so no locale can change it. */
void cpted__text_fixed(cpted__text *t, double v, int decimals);
void cpted__text_free(cpted__text *t);

/* ---- SVG map (svgmap.c): styled layers of geometries in the output CRS - */
/* A map is drawn in the site's output CRS: the viewport fits every geometry
 * added, layers are drawn in the order made, with a frame, coordinate ticks
 * and labels, a scale bar, a grid-north arrow and a legend. Built for a few
 * thousand features (a district): features without their own title or colour
 * share one <path> per layer, vertices are snapped to a 0.1 px grid, written
 * relative, and repeated vertices dropped. */
typedef struct cpted__svg_style {
    const char *fill;      /* CSS colour or "none" */
    const char *stroke;    /* CSS colour or "none" */
    double stroke_px;      /* line width, px of the map (not scaled) */
    double opacity;        /* fill opacity 0..1 */
    const char *dash;      /* stroke-dasharray ("6 3") or NULL */
    double point_px;       /* radius of the disc a point is drawn as, px */
    const char *legend;    /* legend text, or NULL: not in the legend */
    double label_px;       /* font size of the layer's labels, px (0: 11) */
} cpted__svg_style;
typedef struct cpted__svg_map cpted__svg_map;
/* A map of the site's geometries (the site is borrowed: it must outlive the map). */
int cpted__svg_map_new(cpted__svg_map **out, cpted_context *ctx, const cpted_site *site);
void cpted__svg_map_free(cpted__svg_map *m);
/* A new layer drawn above the earlier ones (the style's strings are copied). */
int cpted__svg_map_layer(cpted__svg_map *m, const cpted__svg_style *style, size_t *layer_out);
/* Adds g (working CRS, borrowed; empty: nothing) to a layer; `title` (a
 * tooltip) and `colour` (fill, or stroke for lines, instead of the layer's)
 * may be NULL. CPTED_OK, CPTED_E_CRS, CPTED_E_GEOMETRY, CPTED_E_NOMEM. */
int cpted__svg_map_add(cpted__svg_map *m, size_t layer, const GEOSGeometry *g,
                       const char *title, const char *colour);
/* A text label at (x, y) (working CRS). */
int cpted__svg_map_label(cpted__svg_map *m, size_t layer, double x, double y, const char *text);
/* The speed ramp: classes bounded by the standard test speeds (16, 32, 48,
 * 64, 80, 96, 112 km/h); the colour of a speed ("#rrggbb", static). */
const char *cpted__svg_speed_colour(double speed_kmh);
/* The SVG (an <svg> element, no XML prologue) `width_px` wide; with
 * speed_legend the speed ramp is in the legend. *out to cpted__free. */
int cpted__svg_map_render(cpted__svg_map *m, double width_px, bool speed_legend, char **out);
/* The map of an analysis (report_map.c): the site, its free space and the
 * parts given (NULL: not drawn) as an SVG `width_px` wide (docs/report.md).
 * *out to cpted__free. */
int cpted__analysis_map_svg(char **out, cpted_freespace *fs, const cpted_coverage *cov,
                            const cpted_standoff *so, const cpted_vda *vda, double width_px);

#endif /* CPTED_INTERNAL_H */
