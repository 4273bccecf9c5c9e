/* test_abi_layouts.c - the 1.0 layouts of every option and record struct, frozen.
 *
 * Each struct of cpted.h is copied here field by field as a separate type (its
 * 1.0 layout). The compiler checks that the header still has every field at
 * the same offset with the same size, and that CPTED_<X>_V1_SIZE ends at the
 * last 1.0 field; at run time the frozen copies are passed to the library with
 * their own sizeof, with the V1 size and inside a larger struct whose unknown
 * tail is zero (a newer caller), and the results must be the same as with the
 * library's own struct. A non-zero unknown tail and a size below V1 are refused.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SAME_FIELD(frozen, lib, f)                                                                 \
    _Static_assert(offsetof(frozen, f) == offsetof(lib, f) &&                                      \
                       sizeof(((frozen *)0)->f) == sizeof(((lib *)0)->f),                          \
                   #lib "." #f " moved or changed size since 1.0")
#define V1_ENDS_AT(frozen, f, v1)                                                                  \
    _Static_assert((v1) == offsetof(frozen, f) + sizeof(((frozen *)0)->f),                         \
                   #v1 " does not end at the last 1.0 field")

/* ---- the frozen 1.0 layouts --------------------------------------------------- */

typedef struct v1_site_options {
    uint32_t struct_size;
    const char *working_crs;
    const char *assume_crs;
    const char *output_crs;
    const char *const *role_map;
    size_t role_map_count;
    int32_t lenient;
    double boundary_margin_m;
    double lane_width_m;
    const char *boundary;
    int32_t allow_distortion;
    const char *const *source_crs;
    size_t source_crs_count;
    int32_t gates_closed;
    const char *assets_where;
    const char *const *asset_ids;
    size_t asset_id_count;
    const char *const *asset_names;
    size_t asset_name_count;
} v1_site_options;
SAME_FIELD(v1_site_options, cpted_site_options, struct_size);
SAME_FIELD(v1_site_options, cpted_site_options, working_crs);
SAME_FIELD(v1_site_options, cpted_site_options, assume_crs);
SAME_FIELD(v1_site_options, cpted_site_options, output_crs);
SAME_FIELD(v1_site_options, cpted_site_options, role_map);
SAME_FIELD(v1_site_options, cpted_site_options, role_map_count);
SAME_FIELD(v1_site_options, cpted_site_options, lenient);
SAME_FIELD(v1_site_options, cpted_site_options, boundary_margin_m);
SAME_FIELD(v1_site_options, cpted_site_options, lane_width_m);
SAME_FIELD(v1_site_options, cpted_site_options, boundary);
SAME_FIELD(v1_site_options, cpted_site_options, allow_distortion);
SAME_FIELD(v1_site_options, cpted_site_options, source_crs);
SAME_FIELD(v1_site_options, cpted_site_options, source_crs_count);
SAME_FIELD(v1_site_options, cpted_site_options, gates_closed);
SAME_FIELD(v1_site_options, cpted_site_options, assets_where);
SAME_FIELD(v1_site_options, cpted_site_options, asset_ids);
SAME_FIELD(v1_site_options, cpted_site_options, asset_id_count);
SAME_FIELD(v1_site_options, cpted_site_options, asset_names);
SAME_FIELD(v1_site_options, cpted_site_options, asset_name_count);
V1_ENDS_AT(v1_site_options, asset_name_count, CPTED_SITE_OPTIONS_V1_SIZE);

typedef struct v1_vehicle {
    uint32_t struct_size;
    char class_code[16];
    double mass_kg;
    double width_m;
    double length_m;
    double a0_mps2;
    double vmax_mps;
    double lateral_friction;
    double braking_mps2;
    double min_turn_radius_m;
} v1_vehicle;
SAME_FIELD(v1_vehicle, cpted_vehicle, struct_size);
SAME_FIELD(v1_vehicle, cpted_vehicle, class_code);
SAME_FIELD(v1_vehicle, cpted_vehicle, mass_kg);
SAME_FIELD(v1_vehicle, cpted_vehicle, width_m);
SAME_FIELD(v1_vehicle, cpted_vehicle, length_m);
SAME_FIELD(v1_vehicle, cpted_vehicle, a0_mps2);
SAME_FIELD(v1_vehicle, cpted_vehicle, vmax_mps);
SAME_FIELD(v1_vehicle, cpted_vehicle, lateral_friction);
SAME_FIELD(v1_vehicle, cpted_vehicle, braking_mps2);
SAME_FIELD(v1_vehicle, cpted_vehicle, min_turn_radius_m);
V1_ENDS_AT(v1_vehicle, min_turn_radius_m, CPTED_VEHICLE_V1_SIZE);

typedef struct v1_blast {
    uint32_t struct_size;
    double scaled_distance;
    double incident_kpa;
    double reflected_kpa;
    double incident_impulse_kpa_ms;
    double reflected_impulse_kpa_ms;
    double arrival_ms;
    double duration_ms;
} v1_blast;
SAME_FIELD(v1_blast, cpted_blast, struct_size);
SAME_FIELD(v1_blast, cpted_blast, scaled_distance);
SAME_FIELD(v1_blast, cpted_blast, incident_kpa);
SAME_FIELD(v1_blast, cpted_blast, reflected_kpa);
SAME_FIELD(v1_blast, cpted_blast, incident_impulse_kpa_ms);
SAME_FIELD(v1_blast, cpted_blast, reflected_impulse_kpa_ms);
SAME_FIELD(v1_blast, cpted_blast, arrival_ms);
SAME_FIELD(v1_blast, cpted_blast, duration_ms);
V1_ENDS_AT(v1_blast, duration_ms, CPTED_BLAST_V1_SIZE);

typedef struct v1_rating {
    uint32_t struct_size;
    int32_t standard;
    char method[2];
    char vehicle_class[8];
    double mass_kg;
    double speed_kmh;
    double angle_deg;
    double penetration_m;
    double dispersion_m;
    char category[4];
} v1_rating;
SAME_FIELD(v1_rating, cpted_rating, struct_size);
SAME_FIELD(v1_rating, cpted_rating, standard);
SAME_FIELD(v1_rating, cpted_rating, method);
SAME_FIELD(v1_rating, cpted_rating, vehicle_class);
SAME_FIELD(v1_rating, cpted_rating, mass_kg);
SAME_FIELD(v1_rating, cpted_rating, speed_kmh);
SAME_FIELD(v1_rating, cpted_rating, angle_deg);
SAME_FIELD(v1_rating, cpted_rating, penetration_m);
SAME_FIELD(v1_rating, cpted_rating, dispersion_m);
SAME_FIELD(v1_rating, cpted_rating, category);
V1_ENDS_AT(v1_rating, category, CPTED_RATING_V1_SIZE);

typedef struct v1_freespace_options {
    uint32_t struct_size;
    int32_t soft_blocking;
    double bollard_diameter_m;
    double wall_thickness_m;
    int32_t quadrant_segments;
    int32_t drivable;
} v1_freespace_options;
SAME_FIELD(v1_freespace_options, cpted_freespace_options, struct_size);
SAME_FIELD(v1_freespace_options, cpted_freespace_options, soft_blocking);
SAME_FIELD(v1_freespace_options, cpted_freespace_options, bollard_diameter_m);
SAME_FIELD(v1_freespace_options, cpted_freespace_options, wall_thickness_m);
SAME_FIELD(v1_freespace_options, cpted_freespace_options, quadrant_segments);
SAME_FIELD(v1_freespace_options, cpted_freespace_options, drivable);
V1_ENDS_AT(v1_freespace_options, drivable, CPTED_FREESPACE_OPTIONS_V1_SIZE);

typedef struct v1_standoff_options {
    uint32_t struct_size;
    double charge_kg;
    double allowable_kpa;
} v1_standoff_options;
SAME_FIELD(v1_standoff_options, cpted_standoff_options, struct_size);
SAME_FIELD(v1_standoff_options, cpted_standoff_options, charge_kg);
SAME_FIELD(v1_standoff_options, cpted_standoff_options, allowable_kpa);
V1_ENDS_AT(v1_standoff_options, allowable_kpa, CPTED_STANDOFF_OPTIONS_V1_SIZE);

typedef struct v1_standoff_asset {
    uint32_t struct_size;
    const char *id;
    const char *name;
    int32_t reachable;
    double standoff_m;
    double required_m;
    int32_t ok;
    double asset_x;
    double asset_y;
    double vehicle_x;
    double vehicle_y;
    double scaled_distance;
    double incident_kpa;
    double reflected_kpa;
    double incident_impulse_kpa_ms;
    int32_t blast_in_range;
    double encroachment_m2;
    int32_t assessed;
    double incident_kpa_at_least;
    double reflected_kpa_at_least;
} v1_standoff_asset;
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, struct_size);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, id);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, name);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, reachable);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, standoff_m);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, required_m);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, ok);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, asset_x);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, asset_y);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, vehicle_x);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, vehicle_y);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, scaled_distance);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, incident_kpa);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, reflected_kpa);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, incident_impulse_kpa_ms);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, blast_in_range);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, encroachment_m2);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, assessed);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, incident_kpa_at_least);
SAME_FIELD(v1_standoff_asset, cpted_standoff_asset, reflected_kpa_at_least);
V1_ENDS_AT(v1_standoff_asset, reflected_kpa_at_least, CPTED_STANDOFF_ASSET_V1_SIZE);

typedef struct v1_coverage_options {
    uint32_t struct_size;
    double max_gap_m;
    double snap_m;
    double chain_m;
    double tolerance_m;
} v1_coverage_options;
SAME_FIELD(v1_coverage_options, cpted_coverage_options, struct_size);
SAME_FIELD(v1_coverage_options, cpted_coverage_options, max_gap_m);
SAME_FIELD(v1_coverage_options, cpted_coverage_options, snap_m);
SAME_FIELD(v1_coverage_options, cpted_coverage_options, chain_m);
SAME_FIELD(v1_coverage_options, cpted_coverage_options, tolerance_m);
V1_ENDS_AT(v1_coverage_options, tolerance_m, CPTED_COVERAGE_OPTIONS_V1_SIZE);

typedef struct v1_coverage_line {
    uint32_t struct_size;
    const char *id;
    int32_t derived;
    int32_t closed;
    int32_t unverified;
    double length_m;
    double covered_m;
    double coverage_ratio;
    int32_t open_ends;
    size_t gap_count;
    size_t noncompliant_count;
    const char *weakest_rating;
    size_t unrated_count;
} v1_coverage_line;
SAME_FIELD(v1_coverage_line, cpted_coverage_line, struct_size);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, id);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, derived);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, closed);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, unverified);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, length_m);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, covered_m);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, coverage_ratio);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, open_ends);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, gap_count);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, noncompliant_count);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, weakest_rating);
SAME_FIELD(v1_coverage_line, cpted_coverage_line, unrated_count);
V1_ENDS_AT(v1_coverage_line, unrated_count, CPTED_COVERAGE_LINE_V1_SIZE);

typedef struct v1_vda_options {
    uint32_t struct_size;
    int32_t targets;
    double spacing_m;
    const double *points_xy;
    size_t point_count;
    double entry_speed_kmh;
    double chain_m;
    double cell_m;
    int32_t headings;
    double window_m;
    int32_t sensitivity;
    int32_t threads;
} v1_vda_options;
SAME_FIELD(v1_vda_options, cpted_vda_options, struct_size);
SAME_FIELD(v1_vda_options, cpted_vda_options, targets);
SAME_FIELD(v1_vda_options, cpted_vda_options, spacing_m);
SAME_FIELD(v1_vda_options, cpted_vda_options, points_xy);
SAME_FIELD(v1_vda_options, cpted_vda_options, point_count);
SAME_FIELD(v1_vda_options, cpted_vda_options, entry_speed_kmh);
SAME_FIELD(v1_vda_options, cpted_vda_options, chain_m);
SAME_FIELD(v1_vda_options, cpted_vda_options, cell_m);
SAME_FIELD(v1_vda_options, cpted_vda_options, headings);
SAME_FIELD(v1_vda_options, cpted_vda_options, window_m);
SAME_FIELD(v1_vda_options, cpted_vda_options, sensitivity);
SAME_FIELD(v1_vda_options, cpted_vda_options, threads);
V1_ENDS_AT(v1_vda_options, threads, CPTED_VDA_OPTIONS_V1_SIZE);

typedef struct v1_vda_target {
    uint32_t struct_size;
    const char *id;
    const char *line_id;
    double station_m;
    double x, y;
    int32_t assessed;
    int32_t reachable;
    double speed_mps, speed_kmh, energy_kj, angle_deg, energy_normal_kj, runup_m;
    double speed_low_kmh, speed_high_kmh;
    const char *barrier_id;
    const char *rating;
    double rated_mass_kg, rated_speed_kmh, rated_angle_deg, rated_penetration_m;
    int32_t ok;
    const char *needed_rating;
    const char *not_assessed;
} v1_vda_target;
SAME_FIELD(v1_vda_target, cpted_vda_target, struct_size);
SAME_FIELD(v1_vda_target, cpted_vda_target, id);
SAME_FIELD(v1_vda_target, cpted_vda_target, line_id);
SAME_FIELD(v1_vda_target, cpted_vda_target, station_m);
SAME_FIELD(v1_vda_target, cpted_vda_target, x);
SAME_FIELD(v1_vda_target, cpted_vda_target, y);
SAME_FIELD(v1_vda_target, cpted_vda_target, assessed);
SAME_FIELD(v1_vda_target, cpted_vda_target, reachable);
SAME_FIELD(v1_vda_target, cpted_vda_target, speed_mps);
SAME_FIELD(v1_vda_target, cpted_vda_target, speed_kmh);
SAME_FIELD(v1_vda_target, cpted_vda_target, energy_kj);
SAME_FIELD(v1_vda_target, cpted_vda_target, angle_deg);
SAME_FIELD(v1_vda_target, cpted_vda_target, energy_normal_kj);
SAME_FIELD(v1_vda_target, cpted_vda_target, runup_m);
SAME_FIELD(v1_vda_target, cpted_vda_target, speed_low_kmh);
SAME_FIELD(v1_vda_target, cpted_vda_target, speed_high_kmh);
SAME_FIELD(v1_vda_target, cpted_vda_target, barrier_id);
SAME_FIELD(v1_vda_target, cpted_vda_target, rating);
SAME_FIELD(v1_vda_target, cpted_vda_target, rated_mass_kg);
SAME_FIELD(v1_vda_target, cpted_vda_target, rated_speed_kmh);
SAME_FIELD(v1_vda_target, cpted_vda_target, rated_angle_deg);
SAME_FIELD(v1_vda_target, cpted_vda_target, rated_penetration_m);
SAME_FIELD(v1_vda_target, cpted_vda_target, ok);
SAME_FIELD(v1_vda_target, cpted_vda_target, needed_rating);
SAME_FIELD(v1_vda_target, cpted_vda_target, not_assessed);
V1_ENDS_AT(v1_vda_target, not_assessed, CPTED_VDA_TARGET_V1_SIZE);

typedef struct v1_vda_summary {
    uint32_t struct_size;
    const char *id;
    size_t worst_target;
    size_t target_count;
    double speed_kmh;
    double energy_kj;
    const char *rating;
    const char *needed_rating;
    int32_t ok;
} v1_vda_summary;
SAME_FIELD(v1_vda_summary, cpted_vda_summary, struct_size);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, id);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, worst_target);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, target_count);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, speed_kmh);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, energy_kj);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, rating);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, needed_rating);
SAME_FIELD(v1_vda_summary, cpted_vda_summary, ok);
V1_ENDS_AT(v1_vda_summary, ok, CPTED_VDA_SUMMARY_V1_SIZE);

typedef struct v1_coverage_gap {
    uint32_t struct_size;
    double start_m;
    double end_m;
    double clear_width_m;
    int32_t compliant;
    int32_t vehicle_passable;
    double x;
    double y;
    const char *before_id;
    const char *after_id;
} v1_coverage_gap;
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, struct_size);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, start_m);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, end_m);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, clear_width_m);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, compliant);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, vehicle_passable);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, x);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, y);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, before_id);
SAME_FIELD(v1_coverage_gap, cpted_coverage_gap, after_id);
V1_ENDS_AT(v1_coverage_gap, after_id, CPTED_COVERAGE_GAP_V1_SIZE);

typedef struct v1_coverage_breach {
    uint32_t struct_size;
    double x;
    double y;
    double width_m;
    const char *line_id;
    int32_t kind;
} v1_coverage_breach;
SAME_FIELD(v1_coverage_breach, cpted_coverage_breach, struct_size);
SAME_FIELD(v1_coverage_breach, cpted_coverage_breach, x);
SAME_FIELD(v1_coverage_breach, cpted_coverage_breach, y);
SAME_FIELD(v1_coverage_breach, cpted_coverage_breach, width_m);
SAME_FIELD(v1_coverage_breach, cpted_coverage_breach, line_id);
SAME_FIELD(v1_coverage_breach, cpted_coverage_breach, kind);
V1_ENDS_AT(v1_coverage_breach, kind, CPTED_COVERAGE_BREACH_V1_SIZE);

/* The district screening (batch.c). */
typedef struct v1_batch_options {
    uint32_t struct_size;
    int32_t assets;
    int32_t approach;
    const cpted_vda_options *vda;
    double tile_m;
    int32_t threads;
    int32_t top_count;
} v1_batch_options;
SAME_FIELD(v1_batch_options, cpted_batch_options, struct_size);
SAME_FIELD(v1_batch_options, cpted_batch_options, assets);
SAME_FIELD(v1_batch_options, cpted_batch_options, approach);
SAME_FIELD(v1_batch_options, cpted_batch_options, vda);
SAME_FIELD(v1_batch_options, cpted_batch_options, tile_m);
SAME_FIELD(v1_batch_options, cpted_batch_options, threads);
SAME_FIELD(v1_batch_options, cpted_batch_options, top_count);
V1_ENDS_AT(v1_batch_options, top_count, CPTED_BATCH_OPTIONS_V1_SIZE);
typedef struct v1_batch_asset {
    uint32_t struct_size;
    const char *id;
    const char *name;
    size_t feature;
    size_t tile;
    int32_t assessed;
    const char *not_assessed;
    int32_t reachable;
    double standoff_m;
    double asset_x;
    double asset_y;
    double vehicle_x;
    double vehicle_y;
    int32_t approach;
    int32_t approach_reached;
    double speed_kmh;
    double energy_kj;
    double angle_deg;
    double impact_x;
    double impact_y;
    size_t rank;
} v1_batch_asset;
SAME_FIELD(v1_batch_asset, cpted_batch_asset, struct_size);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, id);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, name);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, feature);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, tile);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, assessed);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, not_assessed);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, reachable);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, standoff_m);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, asset_x);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, asset_y);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, vehicle_x);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, vehicle_y);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, approach);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, approach_reached);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, speed_kmh);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, energy_kj);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, angle_deg);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, impact_x);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, impact_y);
SAME_FIELD(v1_batch_asset, cpted_batch_asset, rank);
V1_ENDS_AT(v1_batch_asset, rank, CPTED_BATCH_ASSET_V1_SIZE);
typedef struct v1_batch_summary {
    uint32_t struct_size;
    size_t assets;
    size_t assessed;
    size_t not_assessed;
    size_t reachable;
    size_t unreachable;
    size_t touching;
    size_t approach_reached;
    size_t tiles;
} v1_batch_summary;
SAME_FIELD(v1_batch_summary, cpted_batch_summary, struct_size);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, assets);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, assessed);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, not_assessed);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, reachable);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, unreachable);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, touching);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, approach_reached);
SAME_FIELD(v1_batch_summary, cpted_batch_summary, tiles);
V1_ENDS_AT(v1_batch_summary, tiles, CPTED_BATCH_SUMMARY_V1_SIZE);
typedef struct v1_batch_bin {
    uint32_t struct_size;
    double lower;
    double upper;
    size_t count;
} v1_batch_bin;
SAME_FIELD(v1_batch_bin, cpted_batch_bin, struct_size);
SAME_FIELD(v1_batch_bin, cpted_batch_bin, lower);
SAME_FIELD(v1_batch_bin, cpted_batch_bin, upper);
SAME_FIELD(v1_batch_bin, cpted_batch_bin, count);
V1_ENDS_AT(v1_batch_bin, count, CPTED_BATCH_BIN_V1_SIZE);
typedef struct v1_batch_tile_info {
    uint32_t struct_size;
    double box[4];
    size_t asset_count;
} v1_batch_tile_info;
SAME_FIELD(v1_batch_tile_info, cpted_batch_tile_info, struct_size);
SAME_FIELD(v1_batch_tile_info, cpted_batch_tile_info, box);
SAME_FIELD(v1_batch_tile_info, cpted_batch_tile_info, asset_count);
V1_ENDS_AT(v1_batch_tile_info, asset_count, CPTED_BATCH_TILE_INFO_V1_SIZE);

/* A newer caller: the 1.0 layout followed by fields this library does not know. */
#define NEWER(T)                                                                                   \
    struct {                                                                                       \
        T base;                                                                                    \
        uint64_t tail[3];                                                                          \
    }

/* The three sizes every struct is tried with: its sizeof, V1, and a newer one. */
enum { AS_SIZEOF, AS_V1, AS_NEWER, SIZE_KINDS };

/* ---- the site used by the analyses ----------------------------------------------- */

/* The walled street of test_coverage.c: buildings W [-10,0] and E [10,20] x
 * [-30,30], the asset closing its north end, an entry across its south end,
 * and a line of protection y = 0 across the street with bollards every 1.2 m
 * but one missing (a 2.1 m clear gap the car passes: a breach). */
static cpted_site *street(cpted_context *ctx)
{
    cpted_site *site = NULL;
    assert_int_equal(cpted_site_new(&site, ctx, NULL), CPTED_OK);
    size_t n;
    unsigned char *w = test_wkb_rect(-10, -30, 0, 30, &n);
    test_add(site, "buildings", CPTED_ROLE_BUILDING, w, n);
    w = test_wkb_rect(10, -30, 20, 30, &n);
    test_add(site, "buildings", CPTED_ROLE_BUILDING, w, n);
    w = test_wkb_rect(-10, 30, 20, 40, &n);
    test_add_attrs(site, "assets", CPTED_ROLE_ASSET, w, n, "required_standoff_m=25", NULL);
    w = test_wkb_rect(-10, -30, 20, 40, &n);
    test_add(site, "boundary", CPTED_ROLE_BOUNDARY, w, n);
    const double entry[] = {0, -30, 10, -30};
    w = test_wkb_line(entry, 2, &n);
    test_add(site, "entries", CPTED_ROLE_ENTRY, w, n);
    const double perimeter[] = {0, 0, 10, 0};
    w = test_wkb_line(perimeter, 2, &n);
    test_add(site, "perimeter", CPTED_ROLE_PERIMETER, w, n);
    for (int k = 1; k <= 8; k++) {
        if (k == 4)
            continue;
        w = test_wkb_point(1.2 * k - 0.4, 0, &n);
        test_add_attrs(site, "bollards", CPTED_ROLE_BARRIER, w, n, "diameter=0.3",
                       "rating=V/7500[N2]/48/90:3.5/10.0", NULL);
    }
    return site;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_sizes_below_v1_are_refused(void **state)
{
    (void)state;
    cpted_freespace_options fo;
    assert_int_equal(cpted_freespace_options_init(&fo, CPTED_FREESPACE_OPTIONS_V1_SIZE - 1),
                     CPTED_E_VERSION);
    cpted_standoff_options so;
    assert_int_equal(cpted_standoff_options_init(&so, CPTED_STANDOFF_OPTIONS_V1_SIZE - 1),
                     CPTED_E_VERSION);
    cpted_coverage_options co;
    assert_int_equal(cpted_coverage_options_init(&co, CPTED_COVERAGE_OPTIONS_V1_SIZE - 1),
                     CPTED_E_VERSION);
    cpted_site_options sio;
    assert_int_equal(cpted_site_options_init(&sio, CPTED_SITE_OPTIONS_V1_SIZE - 1),
                     CPTED_E_VERSION);
    cpted_vehicle v;
    assert_int_equal(cpted_vehicle_preset(&v, CPTED_VEHICLE_V1_SIZE - 1, "M1"), CPTED_E_VERSION);
}

static void test_site_options_and_vehicle(void **state)
{
    cpted_context *ctx = *state;
    for (int kind = 0; kind < SIZE_KINDS; kind++) {
        NEWER(v1_site_options) so;
        memset(&so, 0xab, sizeof so);
        size_t size = kind == AS_SIZEOF ? sizeof so.base
                      : kind == AS_V1   ? CPTED_SITE_OPTIONS_V1_SIZE
                                        : sizeof so;
        assert_int_equal(cpted_site_options_init((cpted_site_options *)&so, size), CPTED_OK);
        assert_int_equal(so.base.struct_size, size);
        assert_near(so.base.boundary_margin_m, 20.0, 0);
        assert_near(so.base.lane_width_m, 3.25, 0);
        assert_int_equal(so.base.lenient, 0);
        assert_null(so.base.working_crs);
        const char *path = test_data_path("utm32_assets.geojson");
        cpted_site *site = NULL;
        assert_int_equal(cpted_site_open(&site, ctx, &path, 1, (cpted_site_options *)&so),
                         CPTED_OK);
        assert_string_equal(cpted_site_crs(site), "EPSG:32632");
        cpted_site_free(site);
        if (kind == AS_NEWER) {
            so.tail[1] = 1; /* a field this library does not know is set */
            assert_int_equal(cpted_site_open(&site, ctx, &path, 1, (cpted_site_options *)&so),
                             CPTED_E_VERSION);
            assert_null(site);
        }

        NEWER(v1_vehicle) v;
        memset(&v, 0, sizeof v); /* a newer caller's unknown tail must be zero */
        size = kind == AS_SIZEOF ? sizeof v.base : kind == AS_V1 ? CPTED_VEHICLE_V1_SIZE : sizeof v;
        assert_int_equal(cpted_vehicle_preset((cpted_vehicle *)&v, size, "M1"), CPTED_OK);
        assert_int_equal(v.base.struct_size, size);
        assert_string_equal(v.base.class_code, "M1");
        assert_near(v.base.mass_kg, 1500, 0);
        assert_near(v.base.width_m, 1.8, 0);
        assert_int_equal(cpted_vehicle_validate(ctx, (cpted_vehicle *)&v), CPTED_OK);
        double d = NAN;
        assert_int_equal(cpted_vehicle_distance_to_speed(&d, (cpted_vehicle *)&v, 0, 10), CPTED_OK);
        assert_true(d > 0);
        if (kind == AS_NEWER) {
            v.tail[0] = 7;
            assert_int_equal(cpted_vehicle_validate(ctx, (cpted_vehicle *)&v), CPTED_E_VERSION);
        }
    }
}

static void test_blast_and_rating(void **state)
{
    cpted_context *ctx = *state;
    cpted_blast ref;
    memset(&ref, 0, sizeof ref);
    ref.struct_size = sizeof ref;
    assert_int_equal(cpted_blast_surface_burst(&ref, 100, 20), CPTED_OK);
    cpted_rating rref;
    memset(&rref, 0, sizeof rref);
    rref.struct_size = sizeof rref;
    assert_int_equal(cpted_rating_parse(&rref, ctx, "V/7500[N2]/48/90:3.5/10.0"), CPTED_OK);
    for (int kind = 0; kind < SIZE_KINDS; kind++) {
        NEWER(v1_blast) b;
        memset(&b, 0, sizeof b);
        b.base.struct_size = kind == AS_SIZEOF ? sizeof b.base
                             : kind == AS_V1   ? CPTED_BLAST_V1_SIZE
                                               : sizeof b;
        assert_int_equal(cpted_blast_surface_burst((cpted_blast *)&b, 100, 20), CPTED_OK);
        assert_near(b.base.scaled_distance, 20.0 / cbrt(100.0), 1e-12);
        assert_true(b.base.incident_kpa == ref.incident_kpa);
        assert_true(b.base.duration_ms == ref.duration_ms);
        assert_int_equal(b.tail[0] | b.tail[1] | b.tail[2], 0);

        NEWER(v1_rating) r;
        memset(&r, 0, sizeof r);
        uint32_t size = kind == AS_SIZEOF ? sizeof r.base
                        : kind == AS_V1   ? CPTED_RATING_V1_SIZE
                                          : sizeof r;
        r.base.struct_size = size;
        assert_int_equal(cpted_rating_parse((cpted_rating *)&r, ctx, "V/7500[N2]/48/90:3.5/10.0"),
                         CPTED_OK);
        assert_int_equal(r.base.struct_size, size);
        assert_int_equal(r.base.standard, CPTED_RATING_PAS68);
        assert_string_equal(r.base.vehicle_class, "N2");
        assert_near(r.base.mass_kg, 7500, 0);
        assert_near(r.base.speed_kmh, 48, 0);
        assert_near(r.base.penetration_m, 3.5, 0);
        assert_memory_equal(r.base.category, rref.category, sizeof r.base.category);
        if (kind == AS_NEWER) {
            r.tail[2] = 1;
            assert_int_equal(cpted_rating_parse((cpted_rating *)&r, ctx, "M50/P1"),
                             CPTED_E_VERSION);
        }
    }
}

/* The analyses with every size of their option structs, the records read with
 * every size of theirs: the same numbers as with the library's own structs. */
static void test_analyses_and_records(void **state)
{
    cpted_context *ctx = *state;
    cpted_site *site = street(ctx);
    cpted_vehicle car;
    assert_int_equal(cpted_vehicle_preset(&car, sizeof car, "M1"), CPTED_OK);

    /* reference: the library's own structs */
    cpted_freespace *fs = NULL;
    assert_int_equal(cpted_freespace_new(&fs, site, &car, NULL), CPTED_OK);
    cpted_standoff_options so_ref;
    assert_int_equal(cpted_standoff_options_init(&so_ref, sizeof so_ref), CPTED_OK);
    so_ref.charge_kg = 100;
    cpted_standoff *sref = NULL;
    assert_int_equal(cpted_standoff_run(&sref, fs, &so_ref), CPTED_OK);
    cpted_standoff_asset aref;
    memset(&aref, 0, sizeof aref);
    aref.struct_size = sizeof aref;
    assert_int_equal(cpted_standoff_get_asset(&aref, sref, 0), CPTED_OK);
    cpted_coverage *cref = NULL;
    assert_int_equal(cpted_coverage_run(&cref, fs, NULL), CPTED_OK);
    cpted_coverage_line lref;
    memset(&lref, 0, sizeof lref);
    lref.struct_size = sizeof lref;
    assert_int_equal(cpted_coverage_get_line(&lref, cref, 0), CPTED_OK);
    /* hand-worked: bollard discs of 0.3 m at x = 0.8, 2.0, 3.2, 5.6, 6.8, 8.0, 9.2
     * on the 10 m line whose ends touch the two buildings; gaps edge to edge:
     * building to the first bollard 0.8 - 0.15 = 0.65 m, five of 1.2 - 0.3 =
     * 0.9 m between neighbours, 2.4 - 0.3 = 2.1 m at the missing one (gap 3, the
     * only non-compliant one) and 0.65 m to the east building: 8 gaps. */
    assert_int_equal(lref.gap_count, 8);
    assert_int_equal(lref.noncompliant_count, 1);
    assert_string_equal(lref.weakest_rating, "V/7500[N2]/48/90:3.5/10.0");
    assert_int_equal(cpted_coverage_breach_count(cref), 1);
    cpted_coverage_gap gref;
    memset(&gref, 0, sizeof gref);
    gref.struct_size = sizeof gref;
    assert_int_equal(cpted_coverage_get_gap(&gref, cref, 0, 3), CPTED_OK);
    assert_near(gref.clear_width_m, 2.1, 1e-9);
    assert_near(gref.start_m, 3.35, 1e-9);
    assert_near(gref.end_m, 5.45, 1e-9);
    cpted_coverage_breach bref;
    memset(&bref, 0, sizeof bref);
    bref.struct_size = sizeof bref;
    assert_int_equal(cpted_coverage_get_breach(&bref, cref, 0), CPTED_OK);
    assert_int_equal(bref.kind, CPTED_BREACH_CROSSING);

    for (int kind = 0; kind < SIZE_KINDS; kind++) {
        /* options */
        NEWER(v1_freespace_options) fo;
        memset(&fo, 0xab, sizeof fo);
        size_t size = kind == AS_SIZEOF ? sizeof fo.base
                      : kind == AS_V1   ? CPTED_FREESPACE_OPTIONS_V1_SIZE
                                        : sizeof fo;
        assert_int_equal(cpted_freespace_options_init((cpted_freespace_options *)&fo, size),
                         CPTED_OK);
        assert_int_equal(fo.base.quadrant_segments, 8);
        NEWER(v1_vehicle) v;
        memset(&v, 0, sizeof v);
        memcpy(&v.base, &car, sizeof v.base);
        v.base.struct_size = kind == AS_SIZEOF ? sizeof v.base
                             : kind == AS_V1   ? CPTED_VEHICLE_V1_SIZE
                                               : sizeof v;
        cpted_freespace *fs2 = NULL;
        assert_int_equal(
            cpted_freespace_new(&fs2, site, (cpted_vehicle *)&v, (cpted_freespace_options *)&fo),
            CPTED_OK);
        NEWER(v1_vehicle) back;
        memset(&back, 0, sizeof back);
        back.base.struct_size = (uint32_t)v.base.struct_size;
        assert_int_equal(cpted_freespace_get_vehicle((cpted_vehicle *)&back, fs2), CPTED_OK);
        assert_near(back.base.width_m, 1.8, 0);
        assert_string_equal(back.base.class_code, "M1");

        NEWER(v1_standoff_options) so;
        memset(&so, 0xab, sizeof so);
        size = kind == AS_SIZEOF ? sizeof so.base
               : kind == AS_V1   ? CPTED_STANDOFF_OPTIONS_V1_SIZE
                                 : sizeof so;
        assert_int_equal(cpted_standoff_options_init((cpted_standoff_options *)&so, size),
                         CPTED_OK);
        so.base.charge_kg = 100;
        cpted_standoff *s = NULL;
        assert_int_equal(cpted_standoff_run(&s, fs2, (cpted_standoff_options *)&so), CPTED_OK);

        NEWER(v1_coverage_options) co;
        memset(&co, 0xab, sizeof co);
        size = kind == AS_SIZEOF ? sizeof co.base
               : kind == AS_V1   ? CPTED_COVERAGE_OPTIONS_V1_SIZE
                                 : sizeof co;
        assert_int_equal(cpted_coverage_options_init((cpted_coverage_options *)&co, size),
                         CPTED_OK);
        assert_near(co.base.max_gap_m, 1.2, 0);
        cpted_coverage *c = NULL;
        assert_int_equal(cpted_coverage_run(&c, fs2, (cpted_coverage_options *)&co), CPTED_OK);

        /* records */
        NEWER(v1_standoff_asset) a;
        memset(&a, 0, sizeof a);
        a.base.struct_size = kind == AS_SIZEOF ? sizeof a.base
                             : kind == AS_V1   ? CPTED_STANDOFF_ASSET_V1_SIZE
                                               : sizeof a;
        assert_int_equal(cpted_standoff_get_asset((cpted_standoff_asset *)&a, s, 0), CPTED_OK);
        assert_string_equal(a.base.id, aref.id);
        assert_true(a.base.standoff_m == aref.standoff_m);
        assert_true(a.base.required_m == 25.0);
        assert_int_equal(a.base.ok, aref.ok);
        assert_true(a.base.vehicle_y == aref.vehicle_y);
        assert_true(a.base.encroachment_m2 == aref.encroachment_m2);
        assert_int_equal(a.tail[0] | a.tail[1] | a.tail[2], 0);

        NEWER(v1_coverage_line) l;
        memset(&l, 0, sizeof l);
        l.base.struct_size = kind == AS_SIZEOF ? sizeof l.base
                             : kind == AS_V1   ? CPTED_COVERAGE_LINE_V1_SIZE
                                               : sizeof l;
        assert_int_equal(cpted_coverage_get_line((cpted_coverage_line *)&l, c, 0), CPTED_OK);
        assert_string_equal(l.base.id, "perimeter:1");
        assert_int_equal(l.base.gap_count, lref.gap_count);
        assert_true(l.base.covered_m == lref.covered_m);
        assert_int_equal(l.base.unrated_count, lref.unrated_count);

        NEWER(v1_coverage_gap) g;
        memset(&g, 0, sizeof g);
        g.base.struct_size = kind == AS_SIZEOF ? sizeof g.base
                             : kind == AS_V1   ? CPTED_COVERAGE_GAP_V1_SIZE
                                               : sizeof g;
        assert_int_equal(cpted_coverage_get_gap((cpted_coverage_gap *)&g, c, 0, 3), CPTED_OK);
        assert_true(g.base.clear_width_m == gref.clear_width_m);
        assert_string_equal(g.base.before_id, gref.before_id);
        assert_string_equal(g.base.after_id, gref.after_id);

        NEWER(v1_coverage_breach) b;
        memset(&b, 0, sizeof b);
        uint32_t bsize = kind == AS_SIZEOF ? sizeof b.base
                         : kind == AS_V1   ? CPTED_COVERAGE_BREACH_V1_SIZE
                                           : sizeof b;
        b.base.struct_size = bsize;
        assert_int_equal(cpted_coverage_get_breach((cpted_coverage_breach *)&b, c, 0), CPTED_OK);
        assert_int_equal(b.base.struct_size, bsize);
        assert_int_equal(b.base.kind, CPTED_BREACH_CROSSING);
        assert_true(b.base.x == bref.x && b.base.y == bref.y && b.base.width_m == bref.width_m);
        assert_string_equal(b.base.line_id, "perimeter:1");

        if (kind == AS_NEWER) {
            b.tail[1] = 5;
            assert_int_equal(cpted_coverage_get_breach((cpted_coverage_breach *)&b, c, 0),
                             CPTED_E_VERSION);
            co.tail[0] = 1;
            cpted_coverage *refused = NULL;
            assert_int_equal(cpted_coverage_run(&refused, fs2, (cpted_coverage_options *)&co),
                             CPTED_E_VERSION);
            so.tail[2] = 1;
            cpted_standoff *refused_s = NULL;
            assert_int_equal(cpted_standoff_run(&refused_s, fs2, (cpted_standoff_options *)&so),
                             CPTED_E_VERSION);
            fo.tail[0] = 1;
            cpted_freespace *refused_fs = NULL;
            assert_int_equal(
                cpted_freespace_new(&refused_fs, site, &car, (cpted_freespace_options *)&fo),
                CPTED_E_VERSION);
        }
        cpted_coverage_free(c);
        cpted_standoff_free(s);
        cpted_freespace_free(fs2);
    }
    cpted_coverage_free(cref);
    cpted_standoff_free(sref);
    cpted_freespace_free(fs);
    cpted_site_free(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_below_v1_are_refused),
        cmocka_unit_test(test_site_options_and_vehicle),
        cmocka_unit_test(test_blast_and_rating),
        cmocka_unit_test(test_analyses_and_records),
    };
    return cmocka_run_group_tests_name("abi_layouts", tests, test_context_setup,
                                       test_context_teardown);
}
