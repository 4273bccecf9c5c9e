/*
 * cpted.h - public C API of cpted, security-by-design (CPTED / hostile-vehicle
 * mitigation) geometry analysis.
 *
 * SPDX-License-Identifier: MIT
 *
 * This header is the contract: what is not declared here is not API.
 * Conventions (see docs/api-conventions.md):
 *  - functions that can fail return an int holding a ::cpted_status (0 = OK,
 *    negative = failure); the explanation is cpted_context_last_error();
 *  - an object written to `T **out` belongs to the caller and is freed with its
 *    own `cpted_<type>_free()`, which accepts NULL;
 *  - buffers and strings written to `char **out` / `unsigned char **out` are
 *    freed with cpted_free();
 *  - a directly returned `const char *` is borrowed from its parent object;
 *  - option and record structs start with `uint32_t struct_size`; fields are
 *    only ever appended; each has a `CPTED_<NAME>_V1_SIZE`, the size of its 1.0
 *    layout, and the library accepts any struct_size from it up (a larger one
 *    only with a zero unknown tail);
 *  - out-parameters come first, then the object, then the inputs; a fallible
 *    reader that fills an out-parameter is `cpted_<obj>_get_<thing>`, a reader
 *    that returns its value directly (counts, borrowed text) has no `_get_`;
 *  - SI units inside, the unit is part of every name (`_m`, `_kg`, `_mps`,
 *    `_kmh`, `_kpa`, `_deg`);
 *  - coordinates are in the site's working CRS (metres, easting/northing)
 *    unless a function says otherwise.
 *
 * Lifetimes: a free space keeps its site alive, a result (standoff, coverage)
 * its free space and thereby the site, and every object its context
 * (reference counts): the objects may be freed in any order. A site is frozen
 * once a free space has been computed from it (cpted_site_add_wkb() then fails).
 *
 * Thread safety: different contexts may be used at the same time from
 * different threads. A context and every object created from it must be used
 * by one thread at a time; cpted does no internal locking.
 */
#ifndef CPTED_H
#define CPTED_H

#include <stddef.h>
#include <stdint.h>

#include "cpted_export.h"
#include "cpted_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @file cpted.h
 * @brief The public C API of cpted.
 */

/* ===================================================================== */
/** @name Common: status codes, versions, memory                          */
/* ===================================================================== */
/** @{ */

/**
 * @brief Status codes returned by every fallible function.
 *
 * 0 is success, failures are negative. Minor releases may add codes; treat an
 * unknown negative code as a generic failure.
 * @since 1.0
 */
typedef enum cpted_status {
    CPTED_OK = 0,               /**< success */
    CPTED_E_GENERIC = -1,       /**< failure that fits no other family */
    CPTED_E_NOMEM = -2,         /**< out of memory */
    CPTED_E_INVALID = -3,       /**< invalid argument or API misuse (NULL, absurd value) */
    CPTED_E_IO = -4,            /**< file missing, unreadable or unwritable */
    CPTED_E_FORMAT = -5,        /**< input not understood (format, attribute, rating string) */
    CPTED_E_CRS = -6,           /**< coordinate reference system missing, unknown or unusable */
    CPTED_E_GEOMETRY = -7,      /**< geometry empty, invalid or of the wrong type */
    CPTED_E_VERSION = -8,       /**< option/record struct layout not understood */
    CPTED_E_INTERRUPTED = -9,   /**< cancelled by the interrupt callback */
    CPTED_E_USER = -10,         /**< a user callback reported failure */
    CPTED_E_RANGE = -11,        /**< value outside the validity range of a model or fit */
    CPTED_E_NOTFOUND = -12      /**< requested item (attribute, preset, index) does not exist */
} cpted_status;

/**
 * @brief Static English description of a status code.
 * @param status a ::cpted_status value (unknown values give "unknown status").
 * @return static text, never NULL; thread-safe.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_status_string(int status);

/**
 * @brief Plausible range of a numeric analysis option, so that a front end
 *        refuses an absurd value with the library's range and unit.
 *
 * Known names (the option fields): "charge_kg", "allowable_kpa" (standoff),
 * "max_gap_m", "snap_m", "chain_m" (coverage, VDA), "spacing_m", "entry_speed_kmh",
 * "cell_m", "headings", "window_m" (VDA). The reasons for each range are
 * in docs/ranges.md; vehicle fields are checked by cpted_vehicle_validate().
 * Every out-parameter may be NULL.
 * @param name the option field name.
 * @param[out] min_out lower bound.
 * @param[out] max_out upper bound.
 * @param[out] min_inclusive_out 1 when the lower bound is allowed, 0 when open.
 * @param[out] max_inclusive_out 1 when the upper bound is allowed, 0 when open.
 * @param[out] unit_out static unit text ("kg", "kPa", "m").
 * @return CPTED_OK, CPTED_E_NOTFOUND (no such option), CPTED_E_INVALID (name NULL).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_option_range(const char *name, double *min_out, double *max_out,
                                            int32_t *min_inclusive_out,
                                            int32_t *max_inclusive_out, const char **unit_out);

/**
 * @brief Version of the library at run time, as CPTED_VERSION_NUMBER (maj*10000+min*100+patch).
 * @return the runtime version number; compare with CPTED_VERSION_NUMBER to detect
 *         a header/library mismatch.
 * @since 1.0
 */
CPTED_API int32_t CPTED_CALL cpted_version_number(void);

/**
 * @brief Version of the library at run time as "MAJOR.MINOR.PATCH".
 * @return static text, never NULL.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_version_string(void);

/**
 * @brief Frees a buffer or string that cpted returned through a `char **` or
 *        `unsigned char **` out-parameter.
 * @param p the buffer; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_free(void *p);

/** @} */

/* ===================================================================== */
/** @name Context: error state, logging, progress, cancellation           */
/* ===================================================================== */
/** @{ */

/** @brief Owns the error state, callbacks and the GEOS/PROJ handles. One per thread. @since 1.0 */
typedef struct cpted_context cpted_context;

/** @brief Log levels passed to ::cpted_log_fn. @since 1.0 */
typedef enum cpted_log_level {
    CPTED_LOG_ERROR = 1,   /**< a failure (also reported through the status code) */
    CPTED_LOG_WARNING = 2, /**< input was repaired, skipped or doubtful */
    CPTED_LOG_NOTICE = 3,  /**< something the user should know (unmapped layer, assumption) */
    CPTED_LOG_DEBUG = 4    /**< detail for developers */
} cpted_log_level;

/**
 * @brief Receives one finished UTF-8 log message.
 * @param level a ::cpted_log_level.
 * @param message the text, valid only during the call.
 * @param payload the pointer given to cpted_context_set_log().
 * @since 1.0
 */
typedef void (CPTED_CALL *cpted_log_fn)(int32_t level, const char *message, void *payload);

/**
 * @brief Receives progress of a long operation.
 * @param fraction 0..1 of the current stage.
 * @param stage short name of the stage ("read", "freespace", ...), valid during the call.
 * @param payload the pointer given to cpted_context_set_progress().
 * @since 1.0
 */
typedef void (CPTED_CALL *cpted_progress_fn)(double fraction, const char *stage, void *payload);

/**
 * @brief Polled at safe points of long operations.
 * @param payload the pointer given to cpted_context_set_interrupt().
 * @return non-zero to cancel; the operation then fails with CPTED_E_INTERRUPTED.
 * @since 1.0
 */
typedef int32_t (CPTED_CALL *cpted_interrupt_fn)(void *payload);

/**
 * @brief Creates a context.
 * @param[out] out the new context; free with cpted_context_free().
 * @return CPTED_OK, CPTED_E_INVALID (out is NULL), CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_context_new(cpted_context **out);

/**
 * @brief Releases a context.
 *
 * Objects created from the context keep it alive: the real free happens when
 * the last of them is freed, so finalizers may run in any order.
 * @param ctx the context; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_context_free(cpted_context *ctx);

/**
 * @brief Text of the last failure on this context.
 * @param ctx the context (NULL gives a fixed text).
 * @return context-owned text, valid until the next call on the context; never
 *         NULL ("" when nothing failed). It explains a failure, it never detects one.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_context_last_error(const cpted_context *ctx);

/**
 * @brief Installs a log callback.
 * @param ctx the context.
 * @param max_level messages above this ::cpted_log_level are not delivered.
 * @param fn the callback; NULL removes it.
 * @param payload passed back to @p fn.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_context_set_log(cpted_context *ctx, int32_t max_level,
                                                cpted_log_fn fn, void *payload);

/**
 * @brief Installs a progress callback.
 * @param ctx the context.
 * @param fn the callback; NULL removes it.
 * @param payload passed back to @p fn.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_context_set_progress(cpted_context *ctx, cpted_progress_fn fn,
                                                     void *payload);

/**
 * @brief Installs an interrupt callback, polled at safe points.
 * @param ctx the context.
 * @param fn the callback; NULL removes it.
 * @param payload passed back to @p fn.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_context_set_interrupt(cpted_context *ctx, cpted_interrupt_fn fn,
                                                      void *payload);

/**
 * @brief Sets how many threads one call may use for work it can split (the
 *        free space's unions and buffers, cpted_freespace_new()).
 *
 * Extra threads work in contexts of their own, made and freed inside the
 * call, and never call the context's callbacks; the result is the same for
 * every thread count, to the bit. The default is 1: the library starts no
 * thread unless asked. cpted_vda_options.threads and
 * cpted_batch_options.threads set their own analyses' threads.
 * @param ctx the context.
 * @param threads 1..64, or 0 for the processors of the machine (at most 8).
 * @return CPTED_OK, or CPTED_E_INVALID (the setting is kept).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_context_set_threads(cpted_context *ctx, int32_t threads);

/**
 * @brief The threads a call of this context may use (cpted_context_set_threads()).
 * @param ctx the context.
 * @return 1..64; 0 when @p ctx is NULL.
 * @since 1.0
 */
CPTED_API int32_t CPTED_CALL cpted_context_threads(const cpted_context *ctx);

/** @} */

/* ===================================================================== */
/** @name Site: loading a site plan, roles, CRS, features                 */
/* ===================================================================== */
/** @{ */

/** @brief A site plan in one metric working CRS. @since 1.0 */
typedef struct cpted_site cpted_site;

/**
 * @brief The role of a feature in the site model (architecture.md §3).
 * @since 1.0
 */
typedef enum cpted_role {
    CPTED_ROLE_NONE = 0,      /**< unmapped: ignored (only seen in layer statistics) */
    CPTED_ROLE_ASSET = 1,     /**< protected building or area (polygon); blocks vehicles */
    CPTED_ROLE_BUILDING = 2,  /**< other building (polygon); blocks vehicles */
    CPTED_ROLE_BARRIER = 3,   /**< vehicle security barrier element: bollard point, block polygon, wall line */
    CPTED_ROLE_OBSTACLE = 4,  /**< anything else a vehicle cannot cross (polygon, line) */
    CPTED_ROLE_SOFT = 5,      /**< street furniture etc.; passable unless asked otherwise */
    CPTED_ROLE_PERIMETER = 6, /**< intended line of protection (line or polygon boundary) */
    CPTED_ROLE_GROUND = 7,    /**< drivable ground (polygon) */
    CPTED_ROLE_ROAD = 8,      /**< carriageway centreline (line), buffered to its width */
    CPTED_ROLE_ENTRY = 9,     /**< where hostile vehicles come from (point, line, polygon) */
    CPTED_ROLE_BOUNDARY = 10  /**< extent of the study (polygon) */
} cpted_role;

/**
 * @brief Name of a role ("asset", "building", ...).
 * @param role a ::cpted_role.
 * @return static text; "none" for CPTED_ROLE_NONE and unknown values.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_role_name(int32_t role);

/**
 * @brief Parses a role name (case-insensitive, singular or plural, with the
 *        synonyms of architecture.md §3: "bollards", "walls", "traversable", ...);
 *        "none" gives CPTED_ROLE_NONE (a role map entry "trees=none" ignores a layer).
 * @param[out] out the ::cpted_role.
 * @param name the text.
 * @return CPTED_OK, CPTED_E_NOTFOUND (not a role name), CPTED_E_INVALID (NULL).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_role_from_name(int32_t *out, const char *name);

/**
 * @brief Options of cpted_site_open(). Initialise with cpted_site_options_init().
 * @since 1.0
 */
typedef struct cpted_site_options {
    uint32_t struct_size;          /**< set by cpted_site_options_init() */
    const char *working_crs;       /**< metric working CRS ("EPSG:25832", WKT, PROJJSON); NULL:
                                        the first source's CRS if projected, else the UTM zone
                                        of the site centroid */
    const char *assume_crs;        /**< CRS for sources that declare none; NULL: such a source is
                                        an error (CPTED_E_CRS) */
    const char *output_crs;        /**< CRS of results; NULL: the first source's CRS */
    const char *const *role_map;   /**< explicit mapping entries "LAYER=ROLE" (LAYER
                                        case-insensitive); highest precedence */
    size_t role_map_count;         /**< number of entries in role_map */
    int32_t lenient;               /**< 0: bad features are errors; 1: skipped with a counted warning */
    double boundary_margin_m;      /**< margin of the default boundary around all features (20 m) */
    double lane_width_m;           /**< width of one lane for roads with `lanes` (3.25 m) */
    const char *boundary;          /**< extent of the study: "minx,miny,maxx,maxy" in the output
                                        CRS, or a GDAL source whose every feature is a boundary
                                        polygon; NULL: boundary features, else the extent of all
                                        features grown by boundary_margin_m */
    int32_t allow_distortion;      /**< 0: a working CRS whose point scale factor anywhere on
                                        the site's extent differs from 1 by more than 0.1 %
                                        (Web Mercator, a far UTM zone) is CPTED_E_CRS naming
                                        the CRS and the factor; 1: accepted, and distances are
                                        those of the CRS (docs/crs.md) */
    const char *const *source_crs; /**< CRS overrides: entries "SOURCE=CRS" (SOURCE: a path as
                                        given, its file name or its stem) replace the CRS that
                                        SOURCE's layers declare (or give one where they declare
                                        none); an entry whose part before the first '=' names
                                        no source is a CRS for all sources (at most one such
                                        entry). Per-source entries win. */
    size_t source_crs_count;       /**< number of entries in source_crs */
    int32_t gates_closed;          /**< 0 (default): OSM gates on walls and fences are open (an
                                        opening of the gate's width is cut into the wall) and
                                        operable bollards (bollard=removable, rising, foldable,
                                        retractable) do not block; 1: gates stay closed and
                                        operable bollards block as barriers (docs/roles.md) */
    const char *assets_where;      /**< OGR SQL attribute filter (the WHERE part) over the layers
                                        that hold buildings (OSM: `multipolygons`); the buildings
                                        it matches are assets. NULL: none */
    const char *const *asset_ids;  /**< ids of the buildings that are assets: OSM "way/123",
                                        "relation/45", or feature ids "layer:fid" */
    size_t asset_id_count;         /**< number of entries in asset_ids */
    const char *const *asset_names; /**< substrings of building names (ASCII case folding) whose
                                        buildings are assets */
    size_t asset_name_count;       /**< number of entries in asset_names */
} cpted_site_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_site_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_SITE_OPTIONS_V1_SIZE \
    (offsetof(cpted_site_options, asset_name_count) + \
     sizeof(((cpted_site_options *)0)->asset_name_count))

/**
 * @brief Fills options with defaults.
 * @param[out] opts the struct to fill.
 * @param struct_size sizeof(*opts) as the caller compiled it.
 * @return CPTED_OK, CPTED_E_INVALID (NULL), CPTED_E_VERSION (size not understood).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_options_init(cpted_site_options *opts, size_t struct_size);
/** @brief Initialises a ::cpted_site_options with the caller's struct size. @since 1.0 */
#define CPTED_SITE_OPTIONS_INIT(p) cpted_site_options_init((p), sizeof *(p))

/**
 * @brief Opens a site plan from one or more GDAL vector sources.
 *
 * Every layer of every source is read; each feature gets a role by, in order:
 * the explicit role map, a `role` attribute, the layer name, the OSM preset
 * (for .osm/.pbf), the DXF layer name. Unmapped layers are ignored with a
 * notice. Geometry is transformed into the working CRS; invalid polygons are
 * repaired and counted; bad features fail the call (or are skipped and
 * counted when lenient). Features of OpenStreetMap sources whose geometry is
 * broken (objects cut at the extract's edge) are always skipped and counted,
 * with a warning naming the OSM id. A declared CRS that cannot be read, a
 * working CRS that distorts distances at the site by more than 0.1 % (unless
 * allow_distortion) and coordinates far outside their CRS's area of use fail
 * the call. In OpenStreetMap sources, drivable
 * passages (highway ways tagged tunnel=building_passage or covered=yes) are
 * cut out of the buildings they cross, and open gates out of the walls and
 * fences they lie on, each named in a warning. When an asset selector is given
 * (assets_where, asset_ids, asset_names), exactly the buildings it matches
 * are assets and every other asset becomes a building; a selector that
 * matches no building fails with CPTED_E_NOTFOUND naming it. See
 * docs/roles.md, docs/osm-workflow.md and docs/crs.md.
 * @param[out] out the new site; free with cpted_site_free().
 * @param ctx the context.
 * @param paths UTF-8 paths or GDAL connection strings.
 * @param path_count number of paths (at least 1).
 * @param opts options, or NULL for defaults.
 * @return CPTED_OK, CPTED_E_INVALID (also a bad assets_where, with GDAL's
 *         message), CPTED_E_IO, CPTED_E_FORMAT, CPTED_E_CRS, CPTED_E_GEOMETRY,
 *         CPTED_E_NOTFOUND (an asset selector matches no building),
 *         CPTED_E_VERSION, CPTED_E_INTERRUPTED.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_open(cpted_site **out, cpted_context *ctx,
                                         const char *const *paths, size_t path_count,
                                         const cpted_site_options *opts);

/**
 * @brief Creates an empty site to be filled from memory (how a CAD plugin feeds its drawing).
 * @param[out] out the new site; free with cpted_site_free().
 * @param ctx the context.
 * @param crs the metric CRS of the coordinates that will be added (also the
 *        output CRS), or NULL for an unnamed local metric system.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_CRS (unknown or not metric), CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_new(cpted_site **out, cpted_context *ctx, const char *crs);

/**
 * @brief Adds one feature given as WKB in the site's working CRS.
 *
 * Attributes come as parallel arrays of UTF-8 key/value strings; the keys
 * kept are name, diameter, thickness, width, lanes, rating and
 * required_standoff_m (others are ignored). Numeric values are parsed
 * strictly: text or a negative value in a number field is CPTED_E_FORMAT.
 * @param site the site.
 * @param layer layer name used in ids ("layer:fid"); NULL means "memory".
 * @param role a ::cpted_role other than CPTED_ROLE_NONE.
 * @param wkb the geometry (ISO or extended WKB, 2D or 3D; Z is dropped).
 * @param wkb_size bytes in @p wkb.
 * @param keys attribute names (may be NULL when @p attr_count is 0).
 * @param values attribute values as text (a NULL value means absent).
 * @param attr_count number of attributes.
 * @param[out] fid_out receives the feature's number within the layer: 1, 2, ...
 *        in the order of addition, whatever the features' roles (may be NULL).
 * @return CPTED_OK, CPTED_E_INVALID (bad argument, or the site is frozen: a free
 *         space was computed from it), CPTED_E_GEOMETRY (unparsable, empty, NaN,
 *         wrong type for the role), CPTED_E_FORMAT (bad attribute), CPTED_E_NOMEM.
 *         An invalid polygon is repaired, counted and accepted.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_add_wkb(int64_t *fid_out, cpted_site *site, const char *layer,
                                            int32_t role, const unsigned char *wkb,
                                            size_t wkb_size, const char *const *keys,
                                            const char *const *values, size_t attr_count);

/**
 * @brief Releases the caller's reference to a site; the real free happens when
 *        the last free space (and result) computed from it is freed too.
 * @param site the site; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_site_free(cpted_site *site);

/**
 * @brief The context a site belongs to.
 * @param site the site.
 * @return the context (borrowed).
 * @since 1.0
 */
CPTED_API cpted_context *CPTED_CALL cpted_site_context(const cpted_site *site);

/**
 * @brief The working CRS (metric, easting/northing) as "AUTHORITY:CODE" when
 *        it has one, else WKT2.
 * @param site the site.
 * @return borrowed text valid while the site lives; "" for an unnamed local system.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_site_crs(const cpted_site *site);

/**
 * @brief The output CRS (results are written in it), as cpted_site_crs().
 * @param site the site.
 * @return borrowed text valid while the site lives; "" for an unnamed local system.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_site_output_crs(const cpted_site *site);

/**
 * @brief Transforms a point from the working CRS to the output CRS.
 * @param site the site.
 * @param x easting in the working CRS.
 * @param y northing in the working CRS.
 * @param[out] x_out x (easting or longitude) in the output CRS.
 * @param[out] y_out y (northing or latitude) in the output CRS.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_CRS (transformation failed).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_to_output(double *x_out, double *y_out, const cpted_site *site,
                                              double x, double y);

/**
 * @brief Extent of all features in the working CRS.
 * @param site the site.
 * @param[out] out four doubles: minx, miny, maxx, maxy.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOTFOUND (the site has no features).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_get_extent(double *out, const cpted_site *site);

/**
 * @brief Number of layer groups: one per (source, layer, role) met while loading.
 *        Features of a layer that no rule maps form a group with CPTED_ROLE_NONE.
 * @param site the site.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_site_layer_count(const cpted_site *site);

/**
 * @brief Source path of a layer group.
 * @param site the site.
 * @param i index below cpted_site_layer_count().
 * @return borrowed text, NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_site_layer_source(const cpted_site *site, size_t i);

/**
 * @brief Layer name of a layer group.
 * @param site the site.
 * @param i index below cpted_site_layer_count().
 * @return borrowed text, NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_site_layer_name(const cpted_site *site, size_t i);

/**
 * @brief Role of a layer group.
 * @param site the site.
 * @param i index below cpted_site_layer_count().
 * @return a ::cpted_role (CPTED_ROLE_NONE also when out of range).
 * @since 1.0
 */
CPTED_API int32_t CPTED_CALL cpted_site_layer_role(const cpted_site *site, size_t i);

/**
 * @brief Counts of a layer group.
 * @param site the site.
 * @param i index below cpted_site_layer_count().
 * @param[out] features_out features kept (may be NULL).
 * @param[out] repaired_out kept features whose geometry was repaired (may be NULL).
 * @param[out] skipped_out features rejected (lenient mode) (may be NULL).
 * @return CPTED_OK, CPTED_E_NOTFOUND (index out of range), CPTED_E_INVALID.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_get_layer_counts(int64_t *features_out, int64_t *repaired_out,
                                                 int64_t *skipped_out, const cpted_site *site,
                                                 size_t i);

/**
 * @brief Number of warnings collected while loading (repairs, skips, notices
 *        about ignored layers).
 * @param site the site.
 * @return the count.
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_site_warning_count(const cpted_site *site);

/**
 * @brief One warning, naming source, layer and feature.
 * @param site the site.
 * @param i index below cpted_site_warning_count().
 * @return borrowed text, NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_site_warning(const cpted_site *site, size_t i);

/**
 * @brief Number of features kept (all roles).
 * @param site the site.
 * @return the count.
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_site_feature_count(const cpted_site *site);

/**
 * @brief Role of a feature.
 * @param site the site.
 * @param i index below cpted_site_feature_count().
 * @return a ::cpted_role; CPTED_ROLE_NONE when out of range.
 * @since 1.0
 */
CPTED_API int32_t CPTED_CALL cpted_site_feature_role(const cpted_site *site, size_t i);

/**
 * @brief Id of a feature: "layer:fid".
 *
 * Unique among the features cpted_site_open() read: when an earlier source
 * already used the layer name, the id is "stem/layer:fid" with the source's
 * file name without extension ("stem#2/layer:fid", ... if that is taken too);
 * see docs/roles.md. Features added with cpted_site_add_wkb() to a layer name
 * that a file source also uses get "memory/layer:fid". An id that an earlier
 * feature already has (a source that repeats its feature ids) gets the
 * smallest free suffix "#2", "#3", ..., so every id is unique within the site.
 * @param site the site.
 * @param i index below cpted_site_feature_count().
 * @return borrowed text, NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_site_feature_id(const cpted_site *site, size_t i);

/**
 * @brief Geometry of a feature in the working CRS, as ISO WKB (2D).
 * @param site the site.
 * @param i index below cpted_site_feature_count().
 * @param[out] out the WKB; free with cpted_free().
 * @param[out] size_out number of bytes.
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_get_feature_wkb(unsigned char **out, size_t *size_out,
                                                const cpted_site *site, size_t i);

/**
 * @brief A numeric attribute of a feature: "diameter", "thickness", "width"
 *        (for roads: the carriageway width in use, derived when not given),
 *        "lanes" or "required_standoff_m", in metres (lanes: a count).
 *
 * Flags and counts, present on every feature: "unverified_row" (1 for an
 * OSM way tagged barrier=bollard, a row whose spacing is unknown and which
 * is modelled solid; else 0), "operable" (1 for an OSM operable bollard or
 * gate), "passages" (drivable passages cut through a building), "gates"
 * (gate openings cut into a wall or fence line). See docs/roles.md.
 * @param site the site.
 * @param i index below cpted_site_feature_count().
 * @param key the attribute name.
 * @param[out] out the value.
 * @return CPTED_OK, CPTED_E_NOTFOUND (no such feature, or attribute absent), CPTED_E_INVALID.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_get_feature_number(double *out, const cpted_site *site,
                                                   size_t i, const char *key);

/**
 * @brief A text attribute of a feature: "name", "rating", "kind" (the source
 *        tag that gave the role, e.g. "barrier=bollard"), and for OpenStreetMap
 *        features "osm_id" ("node/1", "way/123", "relation/45"), "address"
 *        (addr:street and addr:housenumber, "Street 12") and "amenity".
 * @param site the site.
 * @param i index below cpted_site_feature_count().
 * @param key the attribute name.
 * @return borrowed text, NULL when absent.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_site_feature_text(const cpted_site *site, size_t i,
                                                         const char *key);

/**
 * @brief Describes the site as the `cpted/info/1` JSON document (architecture.md §9).
 * @param site the site.
 * @param[out] out UTF-8 JSON, deterministic; free with cpted_free().
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_site_info_json(char **out, const cpted_site *site);

/** @} */

/* ===================================================================== */
/** @name Vehicles and kinematics                                         */
/* ===================================================================== */
/** @{ */

/** @brief Speed at which turns tighter than the minimum turning radius are taken (5 km/h). @since 1.0 */
#define CPTED_CRAWL_SPEED_MPS (5.0 / 3.6)

/**
 * @brief A design (threat) vehicle. Filled by cpted_vehicle_preset(); every
 *        field may then be overridden.
 *
 * Acceleration law: a(v) = a0_mps2 * (1 - v / vmax_mps) (domain.md §2.2).
 * @since 1.0
 */
typedef struct cpted_vehicle {
    uint32_t struct_size;      /**< sizeof(cpted_vehicle) as the caller compiled it */
    char class_code[16];       /**< "M1", "N3C", "M" (ASTM), ... or a custom name; NUL-terminated */
    double mass_kg;            /**< test mass */
    double width_m;            /**< overall width: the vehicle passes a gap at least this wide */
    double length_m;           /**< overall length */
    double a0_mps2;            /**< acceleration from standstill */
    double vmax_mps;           /**< top speed (asymptote of the acceleration law) */
    double lateral_friction;   /**< cornering limit v = sqrt(f g r) */
    double braking_mps2;       /**< braking deceleration */
    double min_turn_radius_m;  /**< tighter turns are taken at CPTED_CRAWL_SPEED_MPS */
} cpted_vehicle;

/**
 * @brief Size of the 1.0 layout of ::cpted_vehicle (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_VEHICLE_V1_SIZE \
    (offsetof(cpted_vehicle, min_turn_radius_m) + sizeof(((cpted_vehicle *)0)->min_turn_radius_m))

/**
 * @brief Fills a vehicle from a preset class (case-insensitive): ISO 22343-1 /
 *        IWA 14-1 M1, N1G, N1, N2A, N2B, N3C, N3D, N3E, N3F and ASTM F2656 C,
 *        FS, PU, M, C7, H (ASTM codes may be written "ASTM-M" to disambiguate).
 * @param[out] out the vehicle.
 * @param struct_size sizeof(*out) as the caller compiled it.
 * @param class_code the class.
 * @return CPTED_OK, CPTED_E_NOTFOUND (unknown class), CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vehicle_preset(cpted_vehicle *out, size_t struct_size,
                                              const char *class_code);

/**
 * @brief Number of vehicle presets.
 * @return the count.
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_vehicle_preset_count(void);

/**
 * @brief Class code of preset @p i (as accepted by cpted_vehicle_preset()).
 * @param i index below cpted_vehicle_preset_count().
 * @return static text, NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_vehicle_preset_code(size_t i);

/**
 * @brief Description and source of preset @p i's values (e.g. "car; mass PAS 68 [V], rest engineering default").
 * @param i index below cpted_vehicle_preset_count().
 * @return static text, NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_vehicle_preset_description(size_t i);

/**
 * @brief Checks that every field of a vehicle is finite and within the
 *        plausible range of a road vehicle (e.g. width 1-3.5 m, mass
 *        500-100,000 kg, top speed at most 250 km/h; docs/vehicles.md), and
 *        width < length.
 * @param ctx context that receives the reason (may be NULL).
 * @param vehicle the vehicle.
 * @return CPTED_OK, CPTED_E_INVALID (the message names the field), CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vehicle_validate(cpted_context *ctx, const cpted_vehicle *vehicle);

/**
 * @brief Distance needed to accelerate from @p v0_mps to @p v_mps (closed form
 *        of architecture.md §4).
 * @param vehicle the vehicle.
 * @param v0_mps start speed, 0 <= v0 <= v.
 * @param v_mps target speed, below vmax.
 * @param[out] out_m the distance.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_RANGE (v >= vmax: never reached).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vehicle_distance_to_speed(double *out_m,
                                                         const cpted_vehicle *vehicle,
                                                         double v0_mps, double v_mps);

/**
 * @brief Speed after accelerating over @p distance_m from @p v0_mps (inverse of
 *        cpted_vehicle_distance_to_speed()).
 * @param vehicle the vehicle.
 * @param v0_mps start speed, 0 <= v0 < vmax.
 * @param distance_m distance, >= 0.
 * @param[out] out_mps the speed.
 * @return CPTED_OK, CPTED_E_INVALID.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vehicle_speed_after(double *out_mps, const cpted_vehicle *vehicle,
                                                   double v0_mps, double distance_m);

/**
 * @brief Highest speed through a turn of radius @p radius_m: min(vmax, sqrt(f g r)),
 *        or CPTED_CRAWL_SPEED_MPS below the minimum turning radius.
 * @param vehicle the vehicle.
 * @param radius_m the radius, >= 0 (infinity: a straight).
 * @param[out] out_mps the speed.
 * @return CPTED_OK, CPTED_E_INVALID.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vehicle_corner_speed(double *out_mps, const cpted_vehicle *vehicle,
                                                    double radius_m);

/**
 * @brief Kinetic energy ½ m v².
 * @param mass_kg mass, > 0.
 * @param speed_mps speed, >= 0.
 * @param[out] out_j energy in joules.
 * @return CPTED_OK, CPTED_E_INVALID.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_kinetic_energy(double *out_j, double mass_kg, double speed_mps);

/** @} */

/* ===================================================================== */
/** @name Blast (Kingery-Bulmash hemispherical surface burst)            */
/* ===================================================================== */
/** @{ */

/**
 * @brief Blast parameters at one point. A field whose fit is not valid at the
 *        scaled distance is NaN (never extrapolated).
 * @since 1.0
 */
typedef struct cpted_blast {
    uint32_t struct_size;              /**< sizeof(cpted_blast) as the caller compiled it */
    double scaled_distance;            /**< Z = R / W^(1/3), m/kg^(1/3) */
    double incident_kpa;               /**< peak incident (side-on) overpressure */
    double reflected_kpa;              /**< peak normally reflected overpressure (beyond the
                                            reflected fit, Z > 40: Rankine-Hugoniot
                                            reflection of the incident pressure) */
    double incident_impulse_kpa_ms;    /**< incident positive-phase impulse */
    double reflected_impulse_kpa_ms;   /**< reflected positive-phase impulse */
    double arrival_ms;                 /**< time of arrival */
    double duration_ms;                /**< positive-phase duration */
} cpted_blast;

/**
 * @brief Size of the 1.0 layout of ::cpted_blast (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_BLAST_V1_SIZE \
    (offsetof(cpted_blast, duration_ms) + sizeof(((cpted_blast *)0)->duration_ms))

/**
 * @brief Lower end of the validity range of the incident-overpressure fit, m/kg^(1/3).
 * @return the bound.
 * @since 1.0
 */
CPTED_API double CPTED_CALL cpted_blast_z_min(void);

/**
 * @brief Upper end of the validity range of the incident-overpressure fit, m/kg^(1/3).
 * @return the bound.
 * @since 1.0
 */
CPTED_API double CPTED_CALL cpted_blast_z_max(void);

/**
 * @brief Hopkinson-Cranz scaled distance Z = R / W^(1/3).
 * @param range_m distance from the charge, >= 0.
 * @param charge_kg TNT-equivalent mass, > 0.
 * @param[out] out the scaled distance in m/kg^(1/3).
 * @return CPTED_OK, CPTED_E_INVALID.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_blast_scaled_distance(double *out, double range_m, double charge_kg);

/**
 * @brief Blast load of a hemispherical surface burst of @p charge_kg TNT at
 *        @p range_m (Kingery-Bulmash fits in Swisdak's form, domain.md §4.3).
 * @param[out] out the parameters (struct_size must be set by the caller).
 * @param charge_kg TNT-equivalent mass, > 0.
 * @param range_m distance, > 0.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION, CPTED_E_RANGE (Z outside
 *         the incident fit: fields NaN except scaled_distance).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_blast_surface_burst(cpted_blast *out, double charge_kg,
                                                   double range_m);

/**
 * @brief Smallest standoff at which the incident overpressure of @p charge_kg
 *        falls to @p allowable_kpa (inverse of the fit), such that it stays at
 *        or below it at every greater distance.
 * @param charge_kg TNT-equivalent mass, > 0.
 * @param allowable_kpa allowable incident overpressure, > 0.
 * @param[out] out_m the standoff in metres.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_RANGE (pressure outside the fit's range).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_blast_standoff_for(double *out_m, double charge_kg,
                                                  double allowable_kpa);

/** @} */

/* ===================================================================== */
/** @name Barrier ratings (PAS 68, IWA 14-1, ISO 22343-1, ASTM F2656, DoS) */
/* ===================================================================== */
/** @{ */

/** @brief The standard a rating string belongs to. @since 1.0 */
typedef enum cpted_rating_standard {
    CPTED_RATING_UNKNOWN = 0,   /**< not recognised */
    CPTED_RATING_PAS68 = 1,     /**< BSI PAS 68 */
    CPTED_RATING_IWA14 = 2,     /**< IWA 14-1:2013 */
    CPTED_RATING_ISO22343 = 3,  /**< ISO 22343-1 */
    CPTED_RATING_ASTM_F2656 = 4,/**< ASTM F2656 */
    CPTED_RATING_DOS_K = 5      /**< US DoS SD-STD-02.01 K rating */
} cpted_rating_standard;

/**
 * @brief A parsed rating string. Absent numbers are NaN, absent text "".
 * @since 1.0
 */
typedef struct cpted_rating {
    uint32_t struct_size;        /**< sizeof(cpted_rating) as the caller compiled it */
    int32_t standard;            /**< a ::cpted_rating_standard */
    char method[2];              /**< "V" vehicle test, "F" simulation, "P" pendulum, "" */
    char vehicle_class[8];       /**< "N2", "N3C", "M", "PU", ... */
    double mass_kg;              /**< test vehicle mass */
    double speed_kmh;            /**< impact speed */
    double angle_deg;            /**< impact angle (90 = head-on); NaN when the string has none */
    double penetration_m;        /**< (maximum) penetration; for ASTM/DoS the category's upper
                                      bound (+inf for P4); NaN when absent */
    double dispersion_m;         /**< major debris dispersion; NaN when absent */
    char category[4];            /**< penetration category as written ("P1", "L3"), or "" */
} cpted_rating;

/**
 * @brief Size of the 1.0 layout of ::cpted_rating (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_RATING_V1_SIZE \
    (offsetof(cpted_rating, category) + sizeof(((cpted_rating *)0)->category))

/**
 * @brief Parses a rating string, e.g. "V/7500[N2]/48/90:3.5/10.0",
 *        "V/7200[N3C]/80/90:1.1", "M50/P1", "K12/L3".
 * @param[out] out the parsed rating (struct_size must be set by the caller).
 * @param ctx context that receives the reason a string is rejected (may be NULL).
 * @param text the string.
 * @return CPTED_OK, CPTED_E_FORMAT (malformed: the message says why),
 *         CPTED_E_INVALID, CPTED_E_VERSION.
 * @note On failure (after the struct_size check) @p out is reset to the empty
 *       record: CPTED_RATING_UNKNOWN, NaN numbers, "" text. Grammar and tables:
 *       docs/ratings.md.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_rating_parse(cpted_rating *out, cpted_context *ctx,
                                            const char *text);

/**
 * @brief Name of a rating standard ("PAS 68", "IWA 14-1", ...).
 * @param standard a ::cpted_rating_standard.
 * @return static text.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_rating_standard_name(int32_t standard);

/** @} */

/* ===================================================================== */
/** @name Free space and reachability (architecture.md §5)               */
/* ===================================================================== */
/** @{ */

/** @brief Free space F, reachable space R and accessible footprint A of one vehicle on one site. @since 1.0 */
typedef struct cpted_freespace cpted_freespace;

/** @brief The sets held by a ::cpted_freespace. @since 1.0 */
typedef enum cpted_space {
    CPTED_SPACE_GROUND = 1,     /**< drivable ground inside the boundary */
    CPTED_SPACE_BLOCKED = 2,    /**< union of the blocking footprints that meet the drivable ground */
    CPTED_SPACE_FREE = 3,       /**< F: positions of the vehicle centre */
    CPTED_SPACE_REACHABLE = 4,  /**< R: parts of F connected to an entry */
    CPTED_SPACE_ACCESSIBLE = 5, /**< A = R dilated by half the vehicle width */
    CPTED_SPACE_ENTRIES = 6,    /**< entry zones in use (polygons): explicit entries grown by w/2 + 0.5 m,
                                     or the drivable network (mapped ground and roads; with none,
                                     the ground) within w + 1 m of the edge of the data: the ring
                                     of the network's convex hull and the given boundary's ring */
    CPTED_SPACE_BOUNDARY = 7    /**< the study boundary */
} cpted_space;

/**
 * @brief The ground model: where a vehicle may drive (docs/method-freespace.md).
 * @since 1.0
 */
typedef enum cpted_drivable {
    CPTED_DRIVABLE_EVERYTHING = 0, /**< everything inside the boundary that is not blocked: a
                                        hostile vehicle mounts kerbs and drives on pavements and
                                        plazas; mapped ground and roads only give the entries */
    CPTED_DRIVABLE_ROADS = 1       /**< only mapped ground and roads (traffic studies); with
                                        none mapped, everything inside the boundary */
} cpted_drivable;

/**
 * @brief Options of a free space; every analysis run on the free space uses them
 *        (footprints, buffers, the ground model).
 * @since 1.0
 */
typedef struct cpted_freespace_options {
    uint32_t struct_size;          /**< set by cpted_freespace_options_init() */
    int32_t soft_blocking;         /**< 1: soft features block vehicles (default 0, conservative) */
    double bollard_diameter_m;     /**< diameter of bollards without one (default 0.2 m) */
    double wall_thickness_m;       /**< thickness of barrier/obstacle lines without one; default
                                        0: as drawn (a 1 µm strip), so no gap reads narrower
                                        than drawn */
    int32_t quadrant_segments;     /**< arc segments per quarter circle in buffers, 1..256 (default 8) */
    int32_t drivable;              /**< a ::cpted_drivable: where the vehicle may drive
                                        (default CPTED_DRIVABLE_EVERYTHING, the conservative model) */
} cpted_freespace_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_freespace_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_FREESPACE_OPTIONS_V1_SIZE \
    (offsetof(cpted_freespace_options, drivable) + sizeof(((cpted_freespace_options *)0)->drivable))

/**
 * @brief Fills free-space options with defaults.
 * @param[out] opts the struct.
 * @param struct_size sizeof(*opts).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_freespace_options_init(cpted_freespace_options *opts,
                                                      size_t struct_size);

/**
 * @brief Computes ground, blocked set, F, R and A for a vehicle (model: docs/method-freespace.md).
 *
 * When no vehicle can enter the study (no drivable ground, no entry zone, an
 * empty free space, or no entry meeting it) the call succeeds with R and A
 * empty, and cpted_freespace_not_assessed() says why: every analysis then
 * reports "not assessed", never "unreached".
 * The free space takes a reference on @p site (it stays alive until the free
 * space and every result computed from it are freed) and freezes it: features
 * can no longer be added. The vehicle is copied. One free space serves every
 * analysis of the site for this vehicle (cpted_standoff_run(),
 * cpted_coverage_run()); what several analyses need (footprints, indexes,
 * barrier lines, parsed ratings) is computed once and kept with it.
 * @param[out] out the result; free with cpted_freespace_free().
 * @param site the site.
 * @param vehicle the vehicle (validated).
 * @param opts options or NULL.
 * @return CPTED_OK, CPTED_E_INVALID (bad argument or option; a site without features),
 *         CPTED_E_GEOMETRY, CPTED_E_NOMEM, CPTED_E_INTERRUPTED, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_freespace_new(cpted_freespace **out, cpted_site *site,
                                             const cpted_vehicle *vehicle,
                                             const cpted_freespace_options *opts);

/**
 * @brief Why nothing can be assessed on this free space.
 * @param fs the free space.
 * @return NULL when the reachable space R is not empty (the analyses can run);
 *         otherwise borrowed text (valid while @p fs lives) naming the reason:
 *         no drivable ground, no entry, an empty free space, or no entry
 *         meeting it.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_freespace_not_assessed(const cpted_freespace *fs);

/**
 * @brief Releases the caller's reference to a free space; the real free happens
 *        when the last result computed from it is freed too.
 * @param fs the free space; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_freespace_free(cpted_freespace *fs);

/**
 * @brief The site a free space was computed on.
 * @param fs the free space.
 * @return the site (borrowed: lives while @p fs does), or NULL for NULL.
 * @since 1.0
 */
CPTED_API cpted_site *CPTED_CALL cpted_freespace_site(const cpted_freespace *fs);

/**
 * @brief The vehicle a free space was computed for (its copy).
 * @param[out] out the vehicle (struct_size must be set by the caller).
 * @param fs the free space.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_freespace_get_vehicle(cpted_vehicle *out, const cpted_freespace *fs);

/**
 * @brief Number of warnings of a free space.
 * @param fs the free space.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_freespace_warning_count(const cpted_freespace *fs);

/**
 * @brief One warning of a free space.
 * @param fs the free space.
 * @param i index below cpted_freespace_warning_count().
 * @return borrowed text (lives while @p fs does), NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_freespace_warning(const cpted_freespace *fs, size_t i);

/**
 * @brief One of the sets as ISO WKB in the working CRS (a (multi)polygon, possibly empty).
 * @param fs the result.
 * @param space a ::cpted_space.
 * @param[out] out the WKB; free with cpted_free().
 * @param[out] size_out bytes.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_freespace_get_wkb(unsigned char **out, size_t *size_out,
                                             const cpted_freespace *fs, int32_t space);

/**
 * @brief Area of one of the sets (0 for an empty set).
 * @param fs the result.
 * @param space a ::cpted_space.
 * @param[out] out_m2 area in square metres.
 * @return CPTED_OK, CPTED_E_INVALID.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_freespace_get_area(double *out_m2, const cpted_freespace *fs,
                                              int32_t space);

/** @} */

/* ===================================================================== */
/** @name Standoff and blast per asset (architecture.md §7)              */
/* ===================================================================== */
/** @{ */

/** @brief Result of a standoff analysis. @since 1.0 */
typedef struct cpted_standoff cpted_standoff;

/**
 * @brief Options of cpted_standoff_run().
 * @since 1.0
 */
typedef struct cpted_standoff_options {
    uint32_t struct_size;              /**< set by cpted_standoff_options_init() */
    double charge_kg;                  /**< TNT-equivalent charge; 0 = no threat given */
    double allowable_kpa;              /**< allowable incident overpressure; 0 = none */
} cpted_standoff_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_standoff_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_STANDOFF_OPTIONS_V1_SIZE \
    (offsetof(cpted_standoff_options, allowable_kpa) + sizeof(((cpted_standoff_options *)0)->allowable_kpa))

/**
 * @brief Fills standoff options with defaults.
 * @param[out] opts the struct.
 * @param struct_size sizeof(*opts).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_standoff_options_init(cpted_standoff_options *opts,
                                                     size_t struct_size);

/**
 * @brief One asset's standoff record. Absent numbers are NaN.
 * @since 1.0
 */
typedef struct cpted_standoff_asset {
    uint32_t struct_size;        /**< sizeof(cpted_standoff_asset) as the caller compiled it */
    const char *id;              /**< "layer:fid" (borrowed from the result) */
    const char *name;            /**< name attribute or NULL (borrowed) */
    int32_t reachable;           /**< 1 when any vehicle-accessible ground exists */
    double standoff_m;           /**< distance asset - A (0 when touching); NaN when unreachable */
    double required_m;           /**< required standoff or NaN */
    int32_t ok;                  /**< 1 standoff >= required (or unreachable), 0 not, -1 no requirement */
    double asset_x;              /**< nearest point on the asset: easting (working CRS) */
    double asset_y;              /**< nearest point on the asset: northing (working CRS) */
    double vehicle_x;            /**< nearest point of A: easting (working CRS) */
    double vehicle_y;            /**< nearest point of A: northing (working CRS) */
    double scaled_distance;      /**< Z at the standoff (charge given), else NaN */
    double incident_kpa;         /**< incident overpressure at the standoff or NaN */
    double reflected_kpa;        /**< reflected overpressure at the standoff or NaN */
    double incident_impulse_kpa_ms; /**< incident impulse at the standoff or NaN */
    int32_t blast_in_range;      /**< 1 when Z is inside the fit's validity range */
    double encroachment_m2;      /**< area of A inside the required standoff (0 if none) */
    int32_t assessed;            /**< 1 when a vehicle can enter the study; 0: nothing was
                                      assessed (cpted_freespace_not_assessed() says why):
                                      reachable 0, ok -1, standoff NaN, and the asset counts
                                      as a finding */
    double incident_kpa_at_least;  /**< charge given and the standoff closer than the fit
                                        reaches (Z below cpted_blast_z_min()): the incident
                                        overpressure at the fit's nearest end, a lower bound;
                                        else NaN */
    double reflected_kpa_at_least; /**< the same for the reflected overpressure, else NaN */
} cpted_standoff_asset;

/**
 * @brief Size of the 1.0 layout of ::cpted_standoff_asset (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_STANDOFF_ASSET_V1_SIZE \
    (offsetof(cpted_standoff_asset, reflected_kpa_at_least) + \
     sizeof(((cpted_standoff_asset *)0)->reflected_kpa_at_least))

/**
 * @brief Runs the standoff analysis for every asset of the free space's site.
 *
 * The result takes a reference on @p fs (and thereby its site).
 * @param[out] out the result; free with cpted_standoff_free().
 * @param fs the free space (its site must have at least one asset).
 * @param opts options or NULL.
 * @return CPTED_OK, CPTED_E_INVALID (no asset, bad charge/pressure),
 *         CPTED_E_GEOMETRY, CPTED_E_RANGE, CPTED_E_INTERRUPTED, CPTED_E_NOMEM,
 *         CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_standoff_run(cpted_standoff **out, cpted_freespace *fs,
                                            const cpted_standoff_options *opts);

/**
 * @brief Frees a standoff result.
 * @param result the result; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_standoff_free(cpted_standoff *result);

/**
 * @brief Number of assets in the result.
 * @param result the result.
 * @return the count.
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_standoff_asset_count(const cpted_standoff *result);

/**
 * @brief Reads one asset's record.
 * @param result the result.
 * @param i index below cpted_standoff_asset_count().
 * @param[out] out the record (struct_size must be set by the caller).
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_standoff_get_asset(cpted_standoff_asset *out,
                                                  const cpted_standoff *result, size_t i);

/**
 * @brief Encroachment of asset @p i: A ∩ (asset ⊕ required) as ISO WKB (possibly empty).
 * @param result the result.
 * @param i index below cpted_standoff_asset_count().
 * @param[out] out the WKB; free with cpted_free().
 * @param[out] size_out bytes.
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_standoff_get_encroachment_wkb(unsigned char **out, size_t *size_out,
                                                         const cpted_standoff *result, size_t i);

/**
 * @brief The result as the `cpted/standoff/1` JSON document (coordinates in the output CRS).
 * @param result the result.
 * @param[out] out UTF-8 JSON; free with cpted_free().
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_standoff_to_json(char **out, const cpted_standoff *result);

/**
 * @brief The site a standoff result was computed on.
 * @param result the result.
 * @return the site (borrowed: lives while the result does), or NULL.
 * @since 1.0
 */
CPTED_API cpted_site *CPTED_CALL cpted_standoff_site(const cpted_standoff *result);

/**
 * @brief The free space the result was computed from.
 * @param result the result.
 * @return the free space (borrowed: lives while the result does), or NULL.
 * @since 1.0
 */
CPTED_API cpted_freespace *CPTED_CALL cpted_standoff_freespace(const cpted_standoff *result);

/**
 * @brief Number of findings: assets with a requirement that the vehicle gets
 *        closer to than required (`ok` = 0).
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_standoff_finding_count(const cpted_standoff *result);

/**
 * @brief Number of warnings of a standoff result.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_standoff_warning_count(const cpted_standoff *result);

/**
 * @brief One warning of a standoff result.
 * @param result the result.
 * @param i index below cpted_standoff_warning_count().
 * @return borrowed text (lives while the result does), NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_standoff_warning(const cpted_standoff *result, size_t i);

/**
 * @brief Writes the result as GIS layers: `standoff_lines` (asset to nearest
 *        vehicle position, with the JSON fields as attributes), `encroachment`
 *        (polygons) and `accessible_area` (A), in the site's output CRS.
 *
 * The format comes from @p format (a GDAL driver name such as "GPKG",
 * "GeoJSON", "FlatGeobuf") or, when NULL, from the extension of @p path.
 * Formats with one layer per file write one file per layer (see docs/outputs.md).
 * The write is atomic (temporary file renamed into place). A shorthand for a
 * ::cpted_writer with this one result.
 * @param result the result.
 * @param path the output path (UTF-8).
 * @param format driver name or NULL.
 * @param overwrite 0: an existing output is an error (CPTED_E_IO); 1: replace it.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_IO, CPTED_E_FORMAT (unknown format), CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_standoff_write(const cpted_standoff *result, const char *path,
                                              const char *format, int32_t overwrite);

/** @} */

/* ===================================================================== */
/** @name Coverage of the line of protection (architecture.md §6)        */
/* ===================================================================== */
/** @{ */

/** @brief Result of a coverage analysis. @since 1.0 */
typedef struct cpted_coverage cpted_coverage;

/**
 * @brief Options of cpted_coverage_run().
 * @since 1.0
 */
typedef struct cpted_coverage_options {
    uint32_t struct_size;              /**< set by cpted_coverage_options_init() */
    double max_gap_m;                  /**< largest compliant clear gap (1.2 m) */
    double snap_m;                     /**< footprints within this distance of a line cover it (1.0 m) */
    double chain_m;                    /**< barrier points closer than this form a row (5.0 m) */
    double tolerance_m;                /**< tolerance of the compliance test (0.001 m) */
} cpted_coverage_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_coverage_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_COVERAGE_OPTIONS_V1_SIZE \
    (offsetof(cpted_coverage_options, tolerance_m) + sizeof(((cpted_coverage_options *)0)->tolerance_m))

/**
 * @brief Fills coverage options with defaults.
 * @param[out] opts the struct.
 * @param struct_size sizeof(*opts).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_coverage_options_init(cpted_coverage_options *opts,
                                                     size_t struct_size);

/**
 * @brief One perimeter line's summary.
 * @since 1.0
 */
typedef struct cpted_coverage_line {
    uint32_t struct_size;      /**< sizeof(cpted_coverage_line) as the caller compiled it */
    const char *id;            /**< feature id, or "row:N" for a derived row (borrowed) */
    int32_t derived;           /**< 1 when chained from barrier points */
    int32_t closed;            /**< 1 for a ring */
    int32_t unverified;        /**< 1 when the line contains OSM bollard rows of unknown spacing */
    double length_m;           /**< length of the line */
    double covered_m;          /**< length covered by blocking footprints */
    double coverage_ratio;     /**< covered_m / length_m */
    int32_t open_ends;         /**< ends not closed by a blocking feature (0..2) */
    size_t gap_count;          /**< number of gaps */
    size_t noncompliant_count; /**< gaps wider than max_gap_m */
    const char *weakest_rating;/**< rating string of the weakest rated element, or NULL */
    size_t unrated_count;      /**< barrier elements on the line without a valid rating */
} cpted_coverage_line;

/**
 * @brief Size of the 1.0 layout of ::cpted_coverage_line (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_COVERAGE_LINE_V1_SIZE \
    (offsetof(cpted_coverage_line, unrated_count) + sizeof(((cpted_coverage_line *)0)->unrated_count))

/**
 * @brief One gap of a line.
 * @since 1.0
 */
typedef struct cpted_coverage_gap {
    uint32_t struct_size;     /**< sizeof(cpted_coverage_gap) as the caller compiled it */
    double start_m;           /**< start along the line */
    double end_m;             /**< end along the line */
    double clear_width_m;     /**< edge-to-edge distance between the bounding footprints
                                   (a barrier line without thickness as drawn) */
    int32_t compliant;        /**< clear width <= max gap (+ tolerance) */
    int32_t vehicle_passable; /**< clear width >= vehicle width - 2e-6 m (as the free space) */
    double x;                 /**< middle of the gap on the line: easting (working CRS) */
    double y;                 /**< middle of the gap on the line: northing (working CRS) */
    const char *before_id;    /**< bounding feature before the gap, NULL = line end (borrowed) */
    const char *after_id;     /**< bounding feature after the gap, NULL = line end (borrowed) */
} cpted_coverage_gap;

/**
 * @brief Size of the 1.0 layout of ::cpted_coverage_gap (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_COVERAGE_GAP_V1_SIZE \
    (offsetof(cpted_coverage_gap, after_id) + sizeof(((cpted_coverage_gap *)0)->after_id))

/** @brief How a vehicle gets past a perimeter line. @since 1.0 */
typedef enum cpted_breach_kind {
    CPTED_BREACH_CROSSING = 1, /**< through the line: the reachable space crosses it */
    CPTED_BREACH_BYPASS = 2    /**< round one of the line's open ends */
} cpted_breach_kind;

/**
 * @brief Name of a breach kind: "crossing" or "bypass".
 * @param kind a ::cpted_breach_kind.
 * @return static text; "unknown" for other values.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_breach_kind_name(int32_t kind);

/**
 * @brief A place where a vehicle can get past a perimeter line: through it (the
 *        reachable space crosses the line) or round one of its open ends.
 * @since 1.0
 */
typedef struct cpted_coverage_breach {
    uint32_t struct_size; /**< sizeof(cpted_coverage_breach) as the caller compiled it */
    double x;             /**< crossing: its middle on the line; bypass: the passage past the
                               line's end (easting, working CRS) */
    double y;             /**< northing of the same point (working CRS) */
    double width_m;       /**< crossing: length of line the vehicle centre can cross; bypass:
                               width of the passage round the end (0 when unknown) */
    const char *line_id;  /**< the line concerned (borrowed) */
    int32_t kind;         /**< a ::cpted_breach_kind */
} cpted_coverage_breach;

/**
 * @brief Size of the 1.0 layout of ::cpted_coverage_breach (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_COVERAGE_BREACH_V1_SIZE \
    (offsetof(cpted_coverage_breach, kind) + sizeof(((cpted_coverage_breach *)0)->kind))

/**
 * @brief Runs the coverage analysis on the free space's site and vehicle.
 *
 * The result takes a reference on @p fs (and thereby its site). Footprints
 * use the free space's options (bollard diameter, wall thickness, soft
 * blocking), except that gaps are measured to a barrier line without a
 * thickness as drawn; breaches use its reachable space. With no line, or on
 * a free space not assessed, the call succeeds and
 * cpted_coverage_not_assessed() says why.
 * @param[out] out the result; free with cpted_coverage_free().
 * @param fs the free space.
 * @param opts options or NULL.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_GEOMETRY, CPTED_E_INTERRUPTED, CPTED_E_NOMEM,
 *         CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_coverage_run(cpted_coverage **out, cpted_freespace *fs,
                                            const cpted_coverage_options *opts);

/**
 * @brief Frees a coverage result.
 * @param result the result; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_coverage_free(cpted_coverage *result);

/**
 * @brief Number of perimeter lines analysed.
 * @param result the result.
 * @return the count.
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_coverage_line_count(const cpted_coverage *result);

/**
 * @brief Reads one line's summary.
 * @param result the result.
 * @param i index below cpted_coverage_line_count().
 * @param[out] out the record (struct_size set by the caller).
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_coverage_get_line(cpted_coverage_line *out,
                                                 const cpted_coverage *result, size_t i);

/**
 * @brief Reads one gap of a line.
 * @param result the result.
 * @param line index of the line.
 * @param gap index below the line's gap_count.
 * @param[out] out the record (struct_size set by the caller).
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_coverage_get_gap(cpted_coverage_gap *out,
                                                const cpted_coverage *result, size_t line,
                                                size_t gap);

/**
 * @brief Number of breaches.
 * @param result the result.
 * @return the count.
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_coverage_breach_count(const cpted_coverage *result);

/**
 * @brief Reads one breach.
 * @param result the result.
 * @param i index below cpted_coverage_breach_count().
 * @param[out] out the record (struct_size set by the caller).
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_coverage_get_breach(cpted_coverage_breach *out,
                                                   const cpted_coverage *result, size_t i);

/**
 * @brief The result as the `cpted/coverage/1` JSON document (coordinates in the output CRS).
 * @param result the result.
 * @param[out] out UTF-8 JSON; free with cpted_free().
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_coverage_to_json(char **out, const cpted_coverage *result);

/**
 * @brief Writes the result as GIS layers: `perimeter_lines` (each analysed
 *        line, derived rows included, with its summary), `gaps` (the stretch of
 *        line each gap leaves open, JSON fields as attributes) and `breaches`
 *        (points), in the site's output CRS; format and atomicity as
 *        cpted_standoff_write().
 * @param result the result.
 * @param path the output path (UTF-8).
 * @param format driver name or NULL (from the extension).
 * @param overwrite 0: an existing output is an error (CPTED_E_IO); 1: replace it.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_IO, CPTED_E_FORMAT, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_coverage_write(const cpted_coverage *result, const char *path,
                                              const char *format, int32_t overwrite);

/**
 * @brief The site a coverage result was computed on.
 * @param result the result.
 * @return the site (borrowed: lives while the result does), or NULL.
 * @since 1.0
 */
CPTED_API cpted_site *CPTED_CALL cpted_coverage_site(const cpted_coverage *result);

/**
 * @brief The free space a coverage result was computed from.
 * @param result the result.
 * @return the free space (borrowed: lives while the result does), or NULL.
 * @since 1.0
 */
CPTED_API cpted_freespace *CPTED_CALL cpted_coverage_freespace(const cpted_coverage *result);

/**
 * @brief Why a coverage result is not (fully) assessed.
 *
 * A coverage with nothing to analyse says so rather than report "no breaches":
 * with no line of protection nothing was looked for (the reason starts "no
 * line of protection: "); when the free space is not assessed
 * (cpted_freespace_not_assessed(): no vehicle can enter) the gaps are still
 * measured but breaches are not looked for, and the reason is the free
 * space's. A not-assessed result counts as a finding
 * (cpted_coverage_finding_count()).
 * @param result the result.
 * @return NULL when fully assessed (or for NULL); otherwise borrowed text
 *         (valid while @p result lives) naming the reason.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_coverage_not_assessed(const cpted_coverage *result);

/**
 * @brief Number of findings: non-compliant gaps of all lines plus breaches,
 *        plus one when the result is not assessed (cpted_coverage_not_assessed()).
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_coverage_finding_count(const cpted_coverage *result);

/**
 * @brief Number of warnings of a coverage result (lines not analysed, ratings
 *        not used).
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_coverage_warning_count(const cpted_coverage *result);

/**
 * @brief One warning of a coverage result.
 * @param result the result.
 * @param i index below cpted_coverage_warning_count().
 * @return borrowed text (lives while the result does), NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_coverage_warning(const cpted_coverage *result, size_t i);

/** @} */

/* ===================================================================== */
/** @name Vehicle dynamics assessment: approach corridors (architecture.md §8) */
/* ===================================================================== */
/** @{ */

/** @brief Result of a vehicle dynamics assessment. @since 1.0 */
typedef struct cpted_vda cpted_vda;

/** @brief Where the targets of a vehicle dynamics assessment are. @since 1.0 */
typedef enum cpted_vda_targets {
    CPTED_VDA_TARGETS_AUTO = 0,      /**< the lines of protection when the site has any, else the
                                          asset facades */
    CPTED_VDA_TARGETS_PERIMETER = 1, /**< samples along every perimeter line or derived barrier
                                          row, plus every barrier element on them */
    CPTED_VDA_TARGETS_FACADES = 2,   /**< samples along the asset facades (exterior rings) */
    CPTED_VDA_TARGETS_POINTS = 3     /**< only the caller's points (options.points_xy) */
} cpted_vda_targets;

/**
 * @brief Options of cpted_vda_run().
 * @since 1.0
 */
typedef struct cpted_vda_options {
    uint32_t struct_size;       /**< set by cpted_vda_options_init() */
    int32_t targets;            /**< a ::cpted_vda_targets (default CPTED_VDA_TARGETS_AUTO) */
    double spacing_m;           /**< distance between samples along a line or facade (2 m) */
    const double *points_xy;    /**< caller's targets, x0, y0, x1, y1, ... in the working CRS
                                     (borrowed for the call); with the other target kinds they
                                     are added to the samples */
    size_t point_count;         /**< number of points in points_xy */
    double entry_speed_kmh;     /**< NaN (default): from standstill anywhere in R only; a value
                                     >= 0 adds starts in the entry zones at that speed, in any
                                     heading (traffic already moving on the main road) */
    double chain_m;             /**< barrier points closer than this form a row (5 m, as coverage) */
    double cell_m;              /**< lattice cell (1 m; 0.1 .. 5): finer is slower (time and
                                     memory grow with 1/cell²), docs/method-vda.md */
    int32_t headings;           /**< lattice headings over the full circle (32; 8 .. 128) */
    double window_m;            /**< the search covers R within this distance of the targets
                                     (400 m; 20 .. 5000); beyond it the run-up is taken as
                                     the longest straight (see docs/method-vda.md) */
    int32_t sensitivity;        /**< 1 (default): also the band of speeds for a0 x 0.8 .. 1.2
                                     and f 0.6 .. 1.0 (four more searches, on a lattice of twice
                                     the cell: both ends err upwards); 0: not computed */
    int32_t threads;            /**< threads of the search: 0 (default) two when the machine has
                                     two or more processors, 1 the caller's only, 2; the result
                                     does not depend on it. With the band, two threads run its
                                     searches beside the main one and hold their lattices at
                                     the same time (more memory than one thread) */
} cpted_vda_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_vda_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_VDA_OPTIONS_V1_SIZE \
    (offsetof(cpted_vda_options, threads) + sizeof(((cpted_vda_options *)0)->threads))

/**
 * @brief Fills VDA options with defaults.
 * @param[out] opts the struct.
 * @param struct_size sizeof(*opts).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_options_init(cpted_vda_options *opts, size_t struct_size);

/**
 * @brief One target of a vehicle dynamics assessment: the fastest approach found
 *        to it from the attack side. Absent numbers are NaN, absent text NULL.
 * @since 1.0
 */
typedef struct cpted_vda_target {
    uint32_t struct_size;       /**< sizeof(cpted_vda_target) as the caller compiled it */
    const char *id;             /**< "LINE@S" (station S m along the line), "ELEMENT" for a
                                     barrier element, "ASSET@S" on a facade, "point:N" (borrowed) */
    const char *line_id;        /**< the line, facade's asset or NULL for a caller's point (borrowed) */
    double station_m;           /**< position along the line or facade ring, NaN for points */
    double x;                   /**< the target's x, working CRS */
    double y;                   /**< the target's y, working CRS */
    int32_t assessed;           /**< 1 when the search ran for it; 0: see not_assessed */
    int32_t reachable;          /**< 1 when a vehicle reaches it from the attack side */
    double speed_mps;           /**< impact speed (upper bound: docs/method-vda.md) */
    double speed_kmh;           /**< the same in km/h */
    double energy_kj;           /**< kinetic energy 1/2 m v^2 of the design vehicle, kJ */
    double angle_deg;           /**< impact angle to the line or facade (90 = head-on) */
    double energy_normal_kj;    /**< energy of the velocity component normal to the line, kJ */
    double runup_m;             /**< length of the path from its start to the target */
    double speed_low_kmh;       /**< sensitivity band: the lowest speed over a0 x 0.8 .. 1.2 and
                                     f 0.6 .. 1.0 (NaN when not computed) */
    double speed_high_kmh;      /**< the highest speed of the band */
    const char *barrier_id;     /**< the barrier element hit (nearest to the target), or NULL */
    const char *rating;         /**< that element's rating string, or NULL (borrowed) */
    double rated_mass_kg;       /**< its parsed test mass, NaN when unrated */
    double rated_speed_kmh;     /**< its parsed test speed, NaN when unrated */
    double rated_angle_deg;     /**< its test angle, NaN when unrated or not stated */
    double rated_penetration_m; /**< its penetration, NaN when unrated or not stated */
    int32_t ok;                 /**< 1: rated speed >= impact speed and the test vehicle at least
                                     as heavy as the design vehicle; 0: not (also an unrated
                                     element, and a point of a line where no element stops the
                                     vehicle); -1: not applicable (unreachable, a facade or a
                                     caller's point without an element) */
    const char *needed_rating;  /**< the rating that would suffice, in the grammar of the
                                     element's own standard (IWA 14-1 when unrated), or NULL
                                     when unreachable (borrowed) */
    const char *not_assessed;   /**< why the target was not assessed, or NULL (borrowed) */
} cpted_vda_target;

/**
 * @brief Size of the 1.0 layout of ::cpted_vda_target (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_VDA_TARGET_V1_SIZE \
    (offsetof(cpted_vda_target, not_assessed) + sizeof(((cpted_vda_target *)0)->not_assessed))

/**
 * @brief A summary per barrier element or per line: its worst target.
 * @since 1.0
 */
typedef struct cpted_vda_summary {
    uint32_t struct_size;       /**< sizeof(cpted_vda_summary) as the caller compiled it */
    const char *id;             /**< element or line id (borrowed) */
    size_t worst_target;        /**< index of the fastest target, (size_t)-1 when none is reachable */
    size_t target_count;        /**< targets on this element or line */
    double speed_kmh;           /**< speed of the worst target, NaN when none is reachable */
    double energy_kj;           /**< its energy */
    const char *rating;         /**< the weakest rating on it (element: its own), or NULL */
    const char *needed_rating;  /**< the rating needed to stop its worst target, or NULL */
    int32_t ok;                 /**< 1 every reachable target ok, 0 one is not, -1 not applicable */
} cpted_vda_summary;

/**
 * @brief Size of the 1.0 layout of ::cpted_vda_summary (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_VDA_SUMMARY_V1_SIZE \
    (offsetof(cpted_vda_summary, ok) + sizeof(((cpted_vda_summary *)0)->ok))

/**
 * @brief Runs the vehicle dynamics assessment: for each target the fastest
 *        approach of the free space's vehicle from the attack side
 *        (method and why it is an upper bound: docs/method-vda.md).
 *
 * When the free space is not assessed (cpted_freespace_not_assessed()) the
 * call succeeds, every target is `assessed` 0 and the result says why
 * (cpted_vda_not_assessed()): never "unreachable".
 * @param[out] out the result; free with cpted_vda_free().
 * @param fs the free space (the result keeps it alive).
 * @param opts options or NULL.
 * @return CPTED_OK, CPTED_E_INVALID (bad argument, or an option outside its range:
 *         the message names it), CPTED_E_RANGE (the search window holds too many
 *         lattice states), CPTED_E_GEOMETRY, CPTED_E_NOMEM, CPTED_E_INTERRUPTED,
 *         CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_run(cpted_vda **out, cpted_freespace *fs,
                                       const cpted_vda_options *opts);

/**
 * @brief Frees a VDA result.
 * @param result the result; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_vda_free(cpted_vda *result);

/**
 * @brief Number of targets.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_vda_target_count(const cpted_vda *result);

/**
 * @brief One target's record.
 * @param[out] out the record (struct_size must be set by the caller).
 * @param result the result.
 * @param i index below cpted_vda_target_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_get_target(cpted_vda_target *out, const cpted_vda *result,
                                              size_t i);

/**
 * @brief The path of a target's fastest approach: the vehicle centre from the
 *        start to the contact point, a LineString as ISO WKB (working CRS); an
 *        empty LineString when unreachable. For a lattice answer it is the chain
 *        of lattice states at the fixed point, which can be a few per cent longer
 *        than runup_m (docs/method-vda.md §4).
 * @param[out] out the WKB; free with cpted_free().
 * @param[out] size_out bytes.
 * @param result the result.
 * @param i index below cpted_vda_target_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_get_path_wkb(unsigned char **out, size_t *size_out,
                                                const cpted_vda *result, size_t i);

/**
 * @brief The corridor of a target's fastest approach: the path dilated by half
 *        the vehicle width, a (multi)polygon as ISO WKB (working CRS); empty when
 *        unreachable.
 * @param[out] out the WKB; free with cpted_free().
 * @param[out] size_out bytes.
 * @param result the result.
 * @param i index below cpted_vda_target_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_NOMEM, CPTED_E_GEOMETRY.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_get_corridor_wkb(unsigned char **out, size_t *size_out,
                                                    const cpted_vda *result, size_t i);

/**
 * @brief Number of barrier elements with targets.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_vda_element_count(const cpted_vda *result);

/**
 * @brief One barrier element's summary (its worst target, the rating it needs).
 * @param[out] out the record (struct_size must be set by the caller).
 * @param result the result.
 * @param i index below cpted_vda_element_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_get_element(cpted_vda_summary *out, const cpted_vda *result,
                                               size_t i);

/**
 * @brief Number of lines (and facades) with targets.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_vda_line_count(const cpted_vda *result);

/**
 * @brief One line's (or facade's) summary.
 * @param[out] out the record (struct_size must be set by the caller).
 * @param result the result.
 * @param i index below cpted_vda_line_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_get_line(cpted_vda_summary *out, const cpted_vda *result,
                                            size_t i);

/**
 * @brief The result as the `cpted/vda/1` JSON document (coordinates in the output CRS).
 * @param[out] out UTF-8 JSON, deterministic; free with cpted_free().
 * @param result the result.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_to_json(char **out, const cpted_vda *result);

/**
 * @brief Why the assessment could not run (the free space is not assessed).
 * @param result the result.
 * @return NULL when assessed (or for NULL); otherwise borrowed text naming the reason.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_vda_not_assessed(const cpted_vda *result);

/**
 * @brief Number of findings: reachable targets whose element is not ok (or
 *        unrated), plus one when the result is not assessed.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_vda_finding_count(const cpted_vda *result);

/**
 * @brief Number of warnings of a VDA result.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_vda_warning_count(const cpted_vda *result);

/**
 * @brief One warning of a VDA result.
 * @param result the result.
 * @param i index below cpted_vda_warning_count().
 * @return borrowed text (lives while the result does), NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_vda_warning(const cpted_vda *result, size_t i);

/**
 * @brief The free space a VDA result was computed on.
 * @param result the result.
 * @return the free space (borrowed: lives while @p result does), or NULL for NULL.
 * @since 1.0
 */
CPTED_API cpted_freespace *CPTED_CALL cpted_vda_freespace(const cpted_vda *result);

/**
 * @brief Writes the result as GIS layers (`vda_targets`, `vda_paths`,
 *        `corridors`, as cpted_writer_add_vda() describes them) in the site's
 *        output CRS; format, atomicity and @p overwrite as cpted_standoff_write().
 * @param result the result.
 * @param path the output path (UTF-8).
 * @param format driver name or NULL.
 * @param overwrite 0: an existing output is an error (CPTED_E_IO); 1: replace it.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_IO, CPTED_E_FORMAT (unknown format), CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_vda_write(const cpted_vda *result, const char *path,
                                         const char *format, int32_t overwrite);

/** @} */

/* ===================================================================== */
/** @name Analysis: coverage, standoff and VDA over one free space (architecture.md §9) */
/* ===================================================================== */
/** @{ */

/** @brief Result of a whole analysis (coverage, standoff, VDA and their findings). @since 1.0 */
typedef struct cpted_analysis cpted_analysis;

/** @brief The parts of an analysis (bits of cpted_analysis_options.parts). @since 1.0 */
typedef enum cpted_analysis_part {
    CPTED_ANALYSIS_COVERAGE = 1,     /**< coverage of the lines of protection */
    CPTED_ANALYSIS_STANDOFF = 2,     /**< standoff and blast per asset */
    CPTED_ANALYSIS_VDA = 4,          /**< vehicle dynamics assessment */
    CPTED_ANALYSIS_ALL = 7           /**< all three (the default) */
} cpted_analysis_part;

/**
 * @brief Options of cpted_analysis_run(): the options of each part (borrowed
 *        for the call; NULL = that part's defaults) and which parts to run.
 * @since 1.0
 */
typedef struct cpted_analysis_options {
    uint32_t struct_size;                    /**< set by cpted_analysis_options_init() */
    const cpted_coverage_options *coverage;  /**< coverage options or NULL */
    const cpted_standoff_options *standoff;  /**< standoff options or NULL */
    const cpted_vda_options *vda;            /**< VDA options or NULL */
    int32_t parts;                           /**< bits of ::cpted_analysis_part (default
                                                  CPTED_ANALYSIS_ALL); a part left out is
                                                  reported as not assessed, never as passed */
} cpted_analysis_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_analysis_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_ANALYSIS_OPTIONS_V1_SIZE \
    (offsetof(cpted_analysis_options, parts) + sizeof(((cpted_analysis_options *)0)->parts))

/**
 * @brief Fills analysis options with defaults (every part, each with its defaults).
 * @param[out] opts the struct.
 * @param struct_size sizeof(*opts).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_analysis_options_init(cpted_analysis_options *opts,
                                                     size_t struct_size);

/** @brief What a finding is about. @since 1.0 */
typedef enum cpted_finding_kind {
    CPTED_FINDING_NOT_ASSESSED = 1,  /**< a part, an asset or a target that could not be assessed */
    CPTED_FINDING_BREACH = 2,        /**< the vehicle passes the line of protection */
    CPTED_FINDING_GAP = 3,           /**< a gap wider than the maximum allowed */
    CPTED_FINDING_STANDOFF = 4,      /**< an asset closer to vehicle-accessible ground than required */
    CPTED_FINDING_UNDER_RATED = 5    /**< a barrier element (or a point of a line that no element
                                          stops) hit harder than its rating */
} cpted_finding_kind;

/**
 * @brief Name of a finding kind ("not_assessed", "breach", "gap", "standoff",
 *        "under_rated"), NULL for an unknown value.
 * @param kind a ::cpted_finding_kind.
 * @return a static string or NULL.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_finding_kind_name(int32_t kind);

/** @brief How bad a finding is (the rule: docs/method-analysis.md). @since 1.0 */
typedef enum cpted_severity {
    CPTED_SEVERITY_LOW = 1,          /**< low */
    CPTED_SEVERITY_MEDIUM = 2,       /**< medium */
    CPTED_SEVERITY_HIGH = 3,         /**< high */
    CPTED_SEVERITY_CRITICAL = 4      /**< critical */
} cpted_severity;

/**
 * @brief Name of a severity ("low", "medium", "high", "critical"), NULL for an
 *        unknown value.
 * @param severity a ::cpted_severity.
 * @return a static string or NULL.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_severity_name(int32_t severity);

/**
 * @brief One finding of an analysis. Absent numbers are NaN, absent text NULL.
 * @since 1.0
 */
typedef struct cpted_finding {
    uint32_t struct_size;       /**< sizeof(cpted_finding) as the caller compiled it */
    int32_t kind;               /**< a ::cpted_finding_kind */
    int32_t severity;           /**< a ::cpted_severity */
    int32_t part;               /**< the ::cpted_analysis_part it comes from */
    const char *subject_id;     /**< the line, asset, element or target concerned, or NULL (borrowed) */
    double x;                   /**< where it is: easting (working CRS), NaN when nowhere */
    double y;                   /**< northing (working CRS), NaN when nowhere */
    double value;               /**< the measured quantity: gap or breach width m, standoff m,
                                     impact speed km/h */
    double limit;               /**< what it is compared with: maximum gap m, vehicle width m,
                                     required standoff m, rated speed km/h (NaN when unrated) */
    const char *message;        /**< one sentence a report can print (borrowed) */
} cpted_finding;

/**
 * @brief Size of the 1.0 layout of ::cpted_finding (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_FINDING_V1_SIZE \
    (offsetof(cpted_finding, message) + sizeof(((cpted_finding *)0)->message))

/**
 * @brief Runs coverage, standoff and the vehicle dynamics assessment over one
 *        free space (computed once, by the caller), and collects their findings,
 *        worst first. Progress is reported with the stage names "coverage",
 *        "standoff" and "vda".
 *
 * A part that cannot run for want of input (standoff with no asset, coverage
 * with no line) or that was left out of @p opts is not assessed: its accessor
 * returns NULL, cpted_analysis_not_assessed() says why, and it is a finding.
 * The result keeps @p fs alive.
 * @param[out] out the result; free with cpted_analysis_free().
 * @param fs the free space.
 * @param opts options or NULL.
 * @return CPTED_OK, or the first failure of a part (as cpted_coverage_run(),
 *         cpted_standoff_run(), cpted_vda_run()), CPTED_E_INTERRUPTED, CPTED_E_NOMEM,
 *         CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_analysis_run(cpted_analysis **out, cpted_freespace *fs,
                                            const cpted_analysis_options *opts);

/**
 * @brief Frees an analysis (its parts with it).
 * @param result the result; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_analysis_free(cpted_analysis *result);

/**
 * @brief The coverage part.
 * @param result the result.
 * @return the coverage result (borrowed: lives as long as @p result), or NULL when not assessed.
 * @since 1.0
 */
CPTED_API const cpted_coverage *CPTED_CALL cpted_analysis_coverage(const cpted_analysis *result);

/**
 * @brief The standoff part.
 * @param result the result.
 * @return the standoff result (borrowed), or NULL when not assessed.
 * @since 1.0
 */
CPTED_API const cpted_standoff *CPTED_CALL cpted_analysis_standoff(const cpted_analysis *result);

/**
 * @brief The VDA part.
 * @param result the result.
 * @return the VDA result (borrowed), or NULL when not assessed.
 * @since 1.0
 */
CPTED_API const cpted_vda *CPTED_CALL cpted_analysis_vda(const cpted_analysis *result);

/**
 * @brief Why a part was not assessed at all.
 * @param result the result.
 * @param part one ::cpted_analysis_part bit.
 * @return the reason (borrowed), or NULL when the part ran (its own
 *         not-assessed accessor may still report that nothing could be assessed).
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_analysis_not_assessed(const cpted_analysis *result,
                                                             int32_t part);

/**
 * @brief The free space the analysis ran on.
 * @param result the result.
 * @return the free space (borrowed), NULL when @p result is NULL.
 * @since 1.0
 */
CPTED_API cpted_freespace *CPTED_CALL cpted_analysis_freespace(const cpted_analysis *result);

/**
 * @brief Number of findings.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_analysis_finding_count(const cpted_analysis *result);

/**
 * @brief Copies finding @p i (worst first) into @p out.
 * @param[out] out the record; set out->struct_size first.
 * @param result the result.
 * @param i index below cpted_analysis_finding_count().
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOTFOUND (index), CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_analysis_get_finding(cpted_finding *out,
                                                    const cpted_analysis *result, size_t i);

/**
 * @brief The `cpted/analysis/1` JSON document: the three parts' documents, the
 *        findings and whether everything was assessed (docs/schemas/analysis.schema.json).
 * @param[out] out the JSON text; free with cpted_free().
 * @param result the result.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_CRS, CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_analysis_to_json(char **out, const cpted_analysis *result);

/**
 * @brief Writes every layer of every part that ran (as cpted_writer_add_coverage(),
 *        cpted_writer_add_standoff() and cpted_writer_add_vda()) into one output,
 *        atomically; format and @p overwrite as cpted_standoff_write().
 * @param result the result.
 * @param path the output path (UTF-8).
 * @param format driver name or NULL.
 * @param overwrite 0: an existing output is an error (CPTED_E_IO); 1: replace it.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_IO, CPTED_E_FORMAT, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_analysis_write(const cpted_analysis *result, const char *path,
                                              const char *format, int32_t overwrite);

/**
 * @brief Options of the HTML report (cpted_analysis_report_html()).
 * @since 1.0
 */
typedef struct cpted_report_options {
    uint32_t struct_size;       /**< set by cpted_report_options_init() */
    const char *title;          /**< report title, or NULL for the default title */
    const char *date;           /**< the date printed (ISO 8601 text), or NULL for today's
                                     date (UTC); give one for byte-identical reports */
} cpted_report_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_report_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_REPORT_OPTIONS_V1_SIZE \
    (offsetof(cpted_report_options, date) + sizeof(((cpted_report_options *)0)->date))

/**
 * @brief Fills report options with defaults.
 * @param[out] opts the struct.
 * @param struct_size sizeof(*opts).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_report_options_init(cpted_report_options *opts,
                                                   size_t struct_size);

/**
 * @brief The self-contained HTML report of an analysis (no network needed,
 *        printable to A4/A3): title block, SVG map, findings worst first, tables
 *        per line, asset and barrier element, the sensitivity band, and the
 *        assumptions with their sources (docs/report.md).
 * @param[out] out the HTML text (UTF-8); free with cpted_free().
 * @param result the result.
 * @param opts options or NULL.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_CRS, CPTED_E_NOMEM, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_analysis_report_html(char **out, const cpted_analysis *result,
                                                    const cpted_report_options *opts);

/** @} */

/* ===================================================================== */
/** @name District screening: every building at once (docs/method-batch.md) */
/* ===================================================================== */
/** @{ */

/** @brief Result of a district screening (cpted_batch_run(), cpted_batch_merge()). @since 1.0 */
typedef struct cpted_batch cpted_batch;
/**
 * @brief The assets and tiles of a screening: which asset belongs to which
 *        tile. Immutable once made, and shareable: workers in other threads
 *        may read it (cpted_batch_worker_new() from the plan's thread, then
 *        cpted_batch_worker_run() in the worker's) while the plan's own
 *        thread does not free it.
 * @since 1.0
 */
typedef struct cpted_batch_plan cpted_batch_plan;
/** @brief One worker of a screening: its context and its own copy of what it measures against. @since 1.0 */
typedef struct cpted_batch_worker cpted_batch_worker;
/** @brief The per-asset results of one tile (plain numbers: no geometry, no context use). @since 1.0 */
typedef struct cpted_batch_tile cpted_batch_tile;

/** @brief Which features a screening takes as assets. @since 1.0 */
typedef enum cpted_batch_assets {
    CPTED_BATCH_ASSETS_BUILDINGS = 0, /**< every feature of role building or asset (default) */
    CPTED_BATCH_ASSETS_SITE = 1       /**< only the site's assets (role asset: a layer mapped to
                                           it, or cpted_site_options' asset selectors) */
} cpted_batch_assets;

/**
 * @brief Options of a screening (cpted_batch_plan_new(), cpted_batch_run()).
 * @since 1.0
 */
typedef struct cpted_batch_options {
    uint32_t struct_size;          /**< set by cpted_batch_options_init() */
    int32_t assets;                /**< a ::cpted_batch_assets (default BUILDINGS) */
    int32_t approach;              /**< 1: also the worst facade impact per asset, from one VDA
                                        over the district (cpted_batch_run() only); default 0 */
    const cpted_vda_options *vda;  /**< options of that VDA, or NULL for its defaults; its
                                        targets are always CPTED_VDA_TARGETS_FACADES (borrowed
                                        for the call) */
    double tile_m;                 /**< side of the square tiles in m, 0 (default): one tile;
                                        else in [10, 1e6]. Results do not depend on it */
    int32_t threads;               /**< worker threads of cpted_batch_run(): 0 (default) the
                                        processors of the machine (at most 8), else 1..64.
                                        Results do not depend on it */
    int32_t top_count;             /**< how many of the most exposed assets the summary lists
                                        (default 10, 0..1000) */
} cpted_batch_options;

/**
 * @brief Size of the 1.0 layout of ::cpted_batch_options (options): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_BATCH_OPTIONS_V1_SIZE \
    (offsetof(cpted_batch_options, top_count) + sizeof(((cpted_batch_options *)0)->top_count))

/**
 * @brief Fills screening options with defaults.
 * @param[out] opts the struct.
 * @param struct_size sizeof(*opts).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_options_init(cpted_batch_options *opts, size_t struct_size);

/**
 * @brief One asset of a screening. Absent numbers are NaN.
 * @since 1.0
 */
typedef struct cpted_batch_asset {
    uint32_t struct_size;          /**< sizeof(cpted_batch_asset) as the caller compiled it */
    const char *id;                /**< feature id "layer:fid" (borrowed from the site) */
    const char *name;              /**< name attribute or NULL (borrowed) */
    size_t feature;                /**< index of the site feature (cpted_site_feature_id()) */
    size_t tile;                   /**< index of the tile it belongs to */
    int32_t assessed;              /**< 1 when its exposure was assessed; 0: not (see
                                        not_assessed): it is never ranked as safe */
    const char *not_assessed;      /**< why not, or NULL (borrowed) */
    int32_t reachable;             /**< 1 when vehicle-accessible ground exists (assessed only) */
    double standoff_m;             /**< distance asset - A (0 when touching), NaN when
                                        unreachable or not assessed */
    double asset_x;                /**< nearest point on the asset: easting (working CRS) */
    double asset_y;                /**< nearest point on the asset: northing */
    double vehicle_x;              /**< nearest point of A: easting (working CRS) */
    double vehicle_y;              /**< nearest point of A: northing */
    int32_t approach;              /**< 1: the approach was run for this asset, 0: not asked
                                        (the approach numbers are then NaN) */
    int32_t approach_reached;      /**< 1 when some facade target is reached from outside */
    double speed_kmh;              /**< fastest facade impact (worst target: highest energy) */
    double energy_kj;              /**< its kinetic energy, kJ */
    double angle_deg;              /**< its impact angle to the facade (90 = head-on) */
    double impact_x;               /**< that facade target: easting (working CRS) */
    double impact_y;               /**< that facade target: northing */
    size_t rank;                   /**< exposure rank, 1 = most exposed (docs/method-batch.md) */
} cpted_batch_asset;

/**
 * @brief Size of the 1.0 layout of ::cpted_batch_asset (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_BATCH_ASSET_V1_SIZE \
    (offsetof(cpted_batch_asset, rank) + sizeof(((cpted_batch_asset *)0)->rank))

/**
 * @brief Counts of a screening.
 * @since 1.0
 */
typedef struct cpted_batch_summary {
    uint32_t struct_size;          /**< sizeof(cpted_batch_summary) as the caller compiled it */
    size_t assets;                 /**< assets screened */
    size_t assessed;               /**< of them assessed */
    size_t not_assessed;           /**< not assessed (never counted as safe) */
    size_t reachable;              /**< assessed and reachable */
    size_t unreachable;            /**< assessed and unreachable */
    size_t touching;               /**< reachable with standoff 0 */
    size_t approach_reached;       /**< with a reached facade (approach run) */
    size_t tiles;                  /**< tiles of the plan */
} cpted_batch_summary;

/**
 * @brief Size of the 1.0 layout of ::cpted_batch_summary (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_BATCH_SUMMARY_V1_SIZE \
    (offsetof(cpted_batch_summary, tiles) + sizeof(((cpted_batch_summary *)0)->tiles))

/** @brief The histograms of a screening (fixed bin edges: docs/method-batch.md). @since 1.0 */
typedef enum cpted_batch_histogram {
    CPTED_BATCH_HIST_STANDOFF = 0, /**< standoff_m of the reachable assets */
    CPTED_BATCH_HIST_SPEED = 1,    /**< speed_kmh of the assets with a reached facade */
    CPTED_BATCH_HIST_ENERGY = 2    /**< energy_kj of the same */
} cpted_batch_histogram;

/**
 * @brief One bin of a histogram: [lower, upper), the last bin open (upper = +inf).
 * @since 1.0
 */
typedef struct cpted_batch_bin {
    uint32_t struct_size;          /**< sizeof(cpted_batch_bin) as the caller compiled it */
    double lower;                  /**< lower edge (included) */
    double upper;                  /**< upper edge (excluded), INFINITY for the last bin */
    size_t count;                  /**< assets in the bin */
} cpted_batch_bin;

/**
 * @brief Size of the 1.0 layout of ::cpted_batch_bin (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_BATCH_BIN_V1_SIZE \
    (offsetof(cpted_batch_bin, count) + sizeof(((cpted_batch_bin *)0)->count))

/**
 * @brief One tile of a plan.
 * @since 1.0
 */
typedef struct cpted_batch_tile_info {
    uint32_t struct_size;          /**< sizeof(cpted_batch_tile_info) as the caller compiled it */
    double box[4];                 /**< xmin, ymin, xmax, ymax (working CRS); the asset
                                        whose envelope centre lies in [xmin, xmax) x [ymin,
                                        ymax) belongs to the tile */
    size_t asset_count;            /**< assets of the tile (at least 1) */
} cpted_batch_tile_info;

/**
 * @brief Size of the 1.0 layout of ::cpted_batch_tile_info (record): the smallest
 *        struct_size accepted.
 * @since 1.0
 */
#define CPTED_BATCH_TILE_INFO_V1_SIZE \
    (offsetof(cpted_batch_tile_info, asset_count) + \
     sizeof(((cpted_batch_tile_info *)0)->asset_count))

/**
 * @brief Screens every asset of a district: standoff and nearest points of each
 *        (and with opts.approach its worst facade impact from one VDA), the
 *        exposure rank, counts, histograms and the most exposed
 *        (docs/method-batch.md). The free space (F, R, A) is the one given,
 *        computed once for the whole district, so no result depends on the
 *        tiles or the threads: the JSON is byte-identical for any tile_m and
 *        threads. Built on the plan, worker and merge calls below.
 *
 * Worker threads get a context each (their errors are copied into the free
 * space's context); the free space's context alone calls the progress and
 * interrupt callbacks. The result takes a reference on @p fs.
 * @param[out] out the result; free with cpted_batch_free().
 * @param fs the free space of the district.
 * @param opts options or NULL.
 * @return CPTED_OK (also for a district without assets: counts 0),
 *         CPTED_E_INVALID (bad option), CPTED_E_GEOMETRY, CPTED_E_RANGE (the
 *         VDA's window holds too many states), CPTED_E_INTERRUPTED,
 *         CPTED_E_NOMEM, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_run(cpted_batch **out, cpted_freespace *fs,
                                         const cpted_batch_options *opts);

/**
 * @brief Lists the assets of a screening and cuts them into tiles (the first
 *        step of cpted_batch_run(), for callers that distribute the tiles:
 *        docs/method-batch.md "Beyond one machine"). opts.approach and
 *        opts.threads are not used here.
 * @param[out] out the plan; free with cpted_batch_plan_free(). It takes a reference on @p fs.
 * @param fs the free space of the district.
 * @param opts options or NULL.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_plan_new(cpted_batch_plan **out, cpted_freespace *fs,
                                              const cpted_batch_options *opts);

/**
 * @brief Frees a plan (the real free waits for its workers, tiles and results).
 * @param plan the plan; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_batch_plan_free(cpted_batch_plan *plan);

/**
 * @brief Number of tiles of a plan (0 for a district without assets).
 * @param plan the plan.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_batch_plan_tile_count(const cpted_batch_plan *plan);

/**
 * @brief Number of assets of a plan.
 * @param plan the plan.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_batch_plan_asset_count(const cpted_batch_plan *plan);

/**
 * @brief Reads one tile of a plan.
 * @param[out] out the record (struct_size must be set by the caller).
 * @param plan the plan.
 * @param i index below cpted_batch_plan_tile_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_plan_get_tile(cpted_batch_tile_info *out,
                                                   const cpted_batch_plan *plan, size_t i);

/**
 * @brief A worker of a plan: it measures tiles in its own context @p ctx (one
 *        per thread; GEOS handles are not shared), against its own copy of the
 *        accessible area A and of its index. Call it from the thread that uses
 *        the plan's context (the copy is made here, from the free space's
 *        index, which is built first when needed); the worker may then be
 *        used from another thread, one at a time, with @p ctx.
 * @param[out] out the worker; free with cpted_batch_worker_free().
 * @param ctx the worker's context (may be the plan's own: then nothing is copied).
 * @param plan the plan (referenced by the worker).
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_GEOMETRY, CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_worker_new(cpted_batch_worker **out, cpted_context *ctx,
                                                const cpted_batch_plan *plan);

/**
 * @brief Frees a worker.
 * @param w the worker; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_batch_worker_free(cpted_batch_worker *w);

/**
 * @brief Measures the assets of one tile (standoff, nearest points). The
 *        interrupt callback of the worker's context is polled.
 * @param[out] out the tile's results; free with cpted_batch_tile_free().
 * @param w the worker.
 * @param tile index below cpted_batch_plan_tile_count().
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOTFOUND, CPTED_E_GEOMETRY,
 *         CPTED_E_INTERRUPTED, CPTED_E_NOMEM (errors in the worker's context).
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_worker_run(cpted_batch_tile **out, cpted_batch_worker *w,
                                                size_t tile);

/**
 * @brief Frees a tile's results.
 * @param tile the results; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_batch_tile_free(cpted_batch_tile *tile);

/**
 * @brief A tile's results as bytes (a versioned little-endian record format,
 *        docs/method-batch.md), to send them to another process.
 * @param[out] out the bytes; free with cpted_free().
 * @param[out] size_out their number.
 * @param tile the results.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_tile_to_bytes(unsigned char **out, size_t *size_out,
                                                   const cpted_batch_tile *tile);

/**
 * @brief Reads bytes of cpted_batch_tile_to_bytes() back, for a plan of the same
 *        district and options (the bytes name the plan's asset and tile
 *        counts, which must match).
 * @param[out] out the results; free with cpted_batch_tile_free().
 * @param plan the plan (the one of this process).
 * @param bytes the bytes.
 * @param size their number.
 * @return CPTED_OK, CPTED_E_INVALID (NULL), CPTED_E_FORMAT (not such bytes, or of
 *         another plan), CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_tile_from_bytes(cpted_batch_tile **out,
                                                     const cpted_batch_plan *plan,
                                                     const unsigned char *bytes, size_t size);

/**
 * @brief Merges tile results into the district's result: every tile of the
 *        plan exactly once, in any order; with @p vda (a VDA with facade
 *        targets on the plan's free space, or NULL: no approach) the worst
 *        facade impact of each asset; then ranks and summarises. The result
 *        does not depend on the order of @p tiles.
 * @param[out] out the result; free with cpted_batch_free().
 * @param plan the plan.
 * @param tiles the tiles' results (borrowed).
 * @param tile_count their number.
 * @param vda NULL, or the VDA (borrowed; only read during the call).
 * @return CPTED_OK, CPTED_E_INVALID (a tile missing, given twice or of another
 *         plan; a VDA of another free space or without facade targets),
 *         CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_merge(cpted_batch **out, const cpted_batch_plan *plan,
                                           const cpted_batch_tile *const *tiles,
                                           size_t tile_count, const cpted_vda *vda);

/**
 * @brief Frees a screening result.
 * @param result the result; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_batch_free(cpted_batch *result);

/**
 * @brief Why nothing was assessed (the free space's reason), or NULL.
 * @param result the result.
 * @return borrowed text (lives while the result does) or NULL.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_batch_not_assessed(const cpted_batch *result);

/**
 * @brief Number of assets screened.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_batch_asset_count(const cpted_batch *result);

/**
 * @brief Reads one asset (in the site's feature order).
 * @param[out] out the record (struct_size must be set by the caller).
 * @param result the result.
 * @param i index below cpted_batch_asset_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_get_asset(cpted_batch_asset *out, const cpted_batch *result,
                                               size_t i);

/**
 * @brief The asset of a rank.
 * @param result the result.
 * @param rank 1 (most exposed) .. cpted_batch_asset_count().
 * @return the asset's index, (size_t)-1 when out of range.
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_batch_ranked(const cpted_batch *result, size_t rank);

/**
 * @brief Reads the counts of a screening.
 * @param[out] out the record (struct_size must be set by the caller).
 * @param result the result.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_get_summary(cpted_batch_summary *out,
                                                 const cpted_batch *result);

/**
 * @brief Number of bins of a histogram (0 for the approach histograms without approach).
 * @param result the result.
 * @param histogram a ::cpted_batch_histogram.
 * @return the count (0 for NULL or an unknown histogram).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_batch_bin_count(const cpted_batch *result, int32_t histogram);

/**
 * @brief Reads one bin of a histogram.
 * @param[out] out the record (struct_size must be set by the caller).
 * @param result the result.
 * @param histogram a ::cpted_batch_histogram.
 * @param i index below cpted_batch_bin_count().
 * @return CPTED_OK, CPTED_E_NOTFOUND, CPTED_E_INVALID, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_get_bin(cpted_batch_bin *out, const cpted_batch *result,
                                             int32_t histogram, size_t i);

/**
 * @brief Number of warnings of a screening.
 * @param result the result.
 * @return the count (0 for NULL).
 * @since 1.0
 */
CPTED_API size_t CPTED_CALL cpted_batch_warning_count(const cpted_batch *result);

/**
 * @brief One warning of a screening.
 * @param result the result.
 * @param i index below cpted_batch_warning_count().
 * @return borrowed text (lives while the result does), NULL when out of range.
 * @since 1.0
 */
CPTED_API const char *CPTED_CALL cpted_batch_warning(const cpted_batch *result, size_t i);

/**
 * @brief The free space a screening was computed on.
 * @param result the result.
 * @return the free space (borrowed: lives while the result does), or NULL.
 * @since 1.0
 */
CPTED_API cpted_freespace *CPTED_CALL cpted_batch_freespace(const cpted_batch *result);

/**
 * @brief The result as the `cpted/batch/1` JSON document (docs/outputs.md;
 *        coordinates in the output CRS). It names neither the tiles nor the
 *        threads, which do not change it.
 * @param[out] out UTF-8 JSON; free with cpted_free().
 * @param result the result.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_NOMEM, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_to_json(char **out, const cpted_batch *result);

/**
 * @brief Writes the `batch_assets` layer (the assets' footprints with their
 *        record as attributes; GeoPackage: styled by exposure) and
 *        `batch_standoff_lines` (asset to nearest vehicle position), as
 *        cpted_standoff_write() does.
 * @param result the result.
 * @param path the output path (UTF-8).
 * @param format driver name or NULL.
 * @param overwrite 0: an existing output is an error (CPTED_E_IO); 1: replace it.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_IO, CPTED_E_FORMAT, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_write(const cpted_batch *result, const char *path,
                                           const char *format, int32_t overwrite);

/**
 * @brief The self-contained HTML report of a screening: counts, a district map
 *        with the assets coloured by exposure, the histograms as SVG bars and
 *        the table of the most exposed (docs/report.md).
 * @param[out] out the HTML text (UTF-8); free with cpted_free().
 * @param result the result.
 * @param opts options or NULL.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_CRS, CPTED_E_NOMEM, CPTED_E_VERSION.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_batch_report_html(char **out, const cpted_batch *result,
                                                 const cpted_report_options *opts);

/** @} */

/* ===================================================================== */
/** @name Writers: GIS layers of several results in one output            */
/* ===================================================================== */
/** @{ */

/** @brief An output being written: layers of results collected, then committed at once. @since 1.0 */
typedef struct cpted_writer cpted_writer;

/**
 * @brief Opens an output. Nothing is written before cpted_writer_commit().
 *
 * The format comes from @p format (a GDAL driver name: "GPKG", "GeoJSON",
 * "FlatGeobuf") or, when NULL, from the extension of @p path. Formats with one
 * layer per file write one file per layer, `<stem>_<layer>.<ext>` (see
 * docs/outputs.md).
 * @param[out] out the writer; free with cpted_writer_free().
 * @param ctx the context (receives the errors of every writer call).
 * @param path the output path (UTF-8).
 * @param format driver name or NULL.
 * @param overwrite 0: an existing output is an error (CPTED_E_IO); 1: replace it.
 * @return CPTED_OK, CPTED_E_INVALID, CPTED_E_FORMAT (unknown format), CPTED_E_IO
 *         (the output exists), CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_writer_open(cpted_writer **out, cpted_context *ctx,
                                           const char *path, const char *format,
                                           int32_t overwrite);

/**
 * @brief Adds the layers of a standoff result (`standoff_lines`, `encroachment`,
 *        `accessible_area`, as cpted_standoff_write() describes them). The
 *        layers are copied: the result may be freed before the commit.
 * @param w the writer.
 * @param result the result.
 * @return CPTED_OK, CPTED_E_INVALID (NULL, committed writer, or a layer name
 *         already in the output), CPTED_E_IO (a layer's file exists), CPTED_E_CRS,
 *         CPTED_E_NOMEM.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_writer_add_standoff(cpted_writer *w, const cpted_standoff *result);

/**
 * @brief Adds the layers of a coverage result (`perimeter_lines`, `gaps`,
 *        `breaches`, as cpted_coverage_write() describes them); copied as by
 *        cpted_writer_add_standoff().
 * @param w the writer.
 * @param result the result.
 * @return as cpted_writer_add_standoff().
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_writer_add_coverage(cpted_writer *w, const cpted_coverage *result);

/**
 * @brief Adds the layers of a VDA result: `vda_targets` (points with the
 *        target record as attributes), `vda_paths` (the path of each reachable
 *        target) and `corridors` (its corridor polygon). Same rules as
 *        cpted_writer_add_standoff().
 * @param w the writer.
 * @param result the result.
 * @return as cpted_writer_add_standoff().
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_writer_add_vda(cpted_writer *w, const cpted_vda *result);

/**
 * @brief Adds the layers of every part of an analysis that ran (coverage,
 *        standoff, VDA, as the three calls above). GeoPackage outputs also get
 *        a QGIS style per layer in `layer_styles` (docs/outputs.md), as with
 *        the other calls. Same rules as cpted_writer_add_standoff().
 * @param w the writer.
 * @param result the result.
 * @return as cpted_writer_add_standoff().
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_writer_add_analysis(cpted_writer *w, const cpted_analysis *result);

/**
 * @brief Adds the layers of a screening (`batch_assets`, `batch_standoff_lines`,
 *        as cpted_batch_write() describes them). Same rules as
 *        cpted_writer_add_standoff().
 * @param w the writer.
 * @param result the result.
 * @return as cpted_writer_add_standoff().
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_writer_add_batch(cpted_writer *w, const cpted_batch *result);

/**
 * @brief Writes every layer added, atomically: all files are written to
 *        temporary names and renamed into place only when all succeeded; on
 *        failure nothing is left on disk. The writer can then only be freed.
 * @param w the writer.
 * @return CPTED_OK, CPTED_E_INVALID (NULL, already committed, no layer added),
 *         CPTED_E_IO, CPTED_E_FORMAT, CPTED_E_CRS.
 * @since 1.0
 */
CPTED_API int CPTED_CALL cpted_writer_commit(cpted_writer *w);

/**
 * @brief Frees a writer; without a commit nothing is written (abort).
 * @param w the writer; NULL is a no-op.
 * @since 1.0
 */
CPTED_API void CPTED_CALL cpted_writer_free(cpted_writer *w);

/** @} */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CPTED_H */
