/*
 * vehicle.c - design-vehicle presets, validation and straight-line / corner
 * kinematics (architecture.md §4, domain.md §2.2, §9).
 *
 * SPDX-License-Identifier: MIT
 *
 * Acceleration law a(v) = a0 (1 - v/vmax). With y = ln((vmax - v0)/(vmax - v))
 * the distance from v0 to v is s = (vmax/a0) h(y) with
 *     h(y) = vmax (y - x) + v0 x,   x = 1 - e^-y = (v - v0)/(vmax - v0),
 * which is the closed form of architecture.md §4 rewritten so that neither
 * direction loses digits to cancellation. h is increasing and convex in y, so
 * the inverse (speed after a distance) is a Newton iteration that converges
 * monotonically from an upper bound.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define G_MPS2 9.80665

/* Preset values. Source tags and the reasons for each engineering default are
 * in docs/vehicles.md; the description strings repeat them for API users. */
typedef struct preset {
    const char *code;
    bool astm;            /* also accepted as "ASTM-<code>" */
    double mass_kg;
    double width_m;
    double length_m;
    double a0_mps2;
    double vmax_kmh;
    double braking_mps2;
    double min_turn_radius_m;
    const char *description;
} preset;

#define LATERAL_FRICTION 0.6 /* MIL-HDBK-1013/14, normal road (domain.md §2.2) */

#define SRC_COMMON                                                                     \
    "; lateral friction 0.6: MIL-HDBK-1013/14 normal road [V] (domain.md section 2.2)"
#define SRC_CAR_BRAKE                                                                  \
    "; braking 6.5 m/s2: engineering default for cars/vans, below SUMO's 7.5 [V] "     \
    "(domain.md sections 2.3, 9)" SRC_COMMON
#define SRC_TRUCK_BRAKE                                                                \
    "; braking 4 m/s2: SUMO truck default [V] (domain.md sections 2.3, 9)" SRC_COMMON
#define SRC_ISO_REST                                                                   \
    "; width, length, a0, vmax, min turn radius: engineering defaults (domain.md section 9)"

static const preset presets[] = {
    {"M1", false, 1500, 1.8, 4.6, 3.5, 180, 6.5, 5.5,
     "ISO 22343-1/IWA 14-1 M1 car; mass 1500 kg [V] PAS 68:2010 test mass (domain.md "
     "section 1.2; ISO table unverified)" SRC_ISO_REST SRC_CAR_BRAKE},
    {"N1G", false, 2500, 1.9, 5.3, 3.0, 160, 6.5, 6.5,
     "ISO 22343-1/IWA 14-1 N1G 4x4 pickup; mass 2500 kg [V] PAS 68:2010 pickup test mass "
     "(domain.md section 1.2; ISO table unverified)" SRC_ISO_REST SRC_CAR_BRAKE},
    {"N1", false, 3500, 2.0, 5.5, 2.5, 140, 6.5, 6.5,
     "ISO 22343-1/IWA 14-1 N1 van/flatbed; mass 3500 kg [V] PAS 68:2010 test mass "
     "(domain.md section 1.2; ISO table unverified)" SRC_ISO_REST SRC_CAR_BRAKE},
    {"N2A", false, 7200, 2.3, 7.0, 1.8, 100, 4.0, 9.0,
     "ISO 22343-1/IWA 14-1 N2A 2-axle rigid; mass 7200 kg [V] IWA 14-1 ratings (domain.md "
     "section 1.2)" SRC_ISO_REST SRC_TRUCK_BRAKE},
    {"N2B", false, 7200, 2.3, 7.0, 1.8, 100, 4.0, 9.0,
     "ISO 22343-1/IWA 14-1 N2B 2-axle rigid; mass 7200 kg [V] IWA 14-1 ratings (domain.md "
     "section 1.2)" SRC_ISO_REST SRC_TRUCK_BRAKE},
    {"N3C", false, 7200, 2.5, 8.0, 1.6, 90, 4.0, 10.5,
     "ISO 22343-1/IWA 14-1 N3C 2-axle rigid; mass 7200 kg [V] IWA 14-1 ratings (domain.md "
     "section 1.2)" SRC_ISO_REST SRC_TRUCK_BRAKE},
    {"N3D", false, 12000, 2.5, 9.0, 1.3, 90, 4.0, 11.0,
     "ISO 22343-1/IWA 14-1 N3D rigid; mass 12000 kg [M] unverified, confirm in ISO 22343-1 "
     "(domain.md sections 1.2, 8)" SRC_ISO_REST SRC_TRUCK_BRAKE},
    {"N3E", false, 30000, 2.55, 10.0, 1.0, 85, 4.0, 11.5,
     "ISO 22343-1/IWA 14-1 N3E rigid; mass 30000 kg [M] unverified, confirm in ISO 22343-1 "
     "(domain.md sections 1.2, 8)" SRC_ISO_REST SRC_TRUCK_BRAKE},
    {"N3F", false, 30000, 2.55, 16.5, 0.9, 85, 4.0, 12.5,
     "ISO 22343-1/IWA 14-1 N3F articulated; mass 30000 kg [M] unverified, confirm in ISO "
     "22343-1 (domain.md sections 1.2, 8)" SRC_ISO_REST SRC_TRUCK_BRAKE},
    {"C", true, 1100, 1.7, 4.0, 3.5, 180, 6.5, 5.0,
     "ASTM F2656 C small passenger car; mass 1100 kg [V] ASTM F2656-15 (domain.md section "
     "1.2); a0, vmax: engineering defaults as M1; width 1.7 m, length 4.0 m, min turn "
     "radius 5.0 m: engineering defaults for a small car (domain.md section 9)" SRC_CAR_BRAKE},
    {"FS", true, 2100, 1.85, 5.0, 3.5, 180, 6.5, 6.0,
     "ASTM F2656 FS full-size sedan; mass 2100 kg [V] ASTM F2656-15 (domain.md section 1.2); "
     "a0, vmax: engineering defaults as M1; width 1.85 m, length 5.0 m, min turn radius "
     "6.0 m: engineering defaults for a full-size sedan (domain.md section 9)" SRC_CAR_BRAKE},
    {"PU", true, 2300, 1.9, 5.3, 3.0, 160, 6.5, 6.5,
     "ASTM F2656 PU pickup; mass 2300 kg [V] ASTM F2656-15 (domain.md section 1.2); width, "
     "length, a0, vmax, min turn radius: engineering defaults as N1G (domain.md section 9)"
     SRC_CAR_BRAKE},
    {"M", true, 6800, 2.3, 7.0, 1.8, 100, 4.0, 9.0,
     "ASTM F2656 M medium-duty truck; mass 6800 kg [V] ASTM F2656-15 / DoS K-rating truck "
     "(domain.md sections 1.1, 1.2); width, length, a0, vmax, min turn radius: engineering "
     "defaults as N2A (domain.md section 9)" SRC_TRUCK_BRAKE},
    {"C7", true, 7200, 2.5, 8.0, 1.6, 90, 4.0, 10.5,
     "ASTM F2656 C7 class-7 cab-over truck; mass 7200 kg [V] ASTM F2656-15 (domain.md "
     "section 1.2); width, length, a0, vmax, min turn radius: engineering defaults as N3C "
     "(domain.md section 9)" SRC_TRUCK_BRAKE},
    {"H", true, 29500, 2.55, 16.5, 0.9, 85, 4.0, 12.5,
     "ASTM F2656 H heavy goods vehicle; mass 29500 kg [V] ASTM F2656-15 (domain.md section "
     "1.2); articulated form [M]; width, length, a0, vmax, min turn radius: engineering "
     "defaults as N3F (domain.md section 9)" SRC_TRUCK_BRAKE},
};

#define PRESET_COUNT (sizeof presets / sizeof presets[0])

/* ASCII case-insensitive equality, independent of the C locale. */
static bool equal_nocase(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'a' && ca <= 'z')
            ca = (unsigned char)(ca - 'a' + 'A');
        if (cb >= 'a' && cb <= 'z')
            cb = (unsigned char)(cb - 'a' + 'A');
        if (ca != cb)
            return false;
        if (!ca)
            return true;
    }
}

/* "ASTM-M", "astm m", "ASTM_M" -> "M"; NULL when there is no ASTM prefix. */
static const char *strip_astm_prefix(const char *code)
{
    static const char prefix[] = "ASTM";
    for (size_t i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)code[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        if (c != (unsigned char)prefix[i])
            return NULL;
    }
    const char *rest = code + 4;
    if (*rest == '-' || *rest == ' ' || *rest == '_')
        rest++;
    return rest;
}

static const preset *find_preset(const char *code)
{
    const char *astm_code = strip_astm_prefix(code);
    for (size_t i = 0; i < PRESET_COUNT; i++) {
        if (astm_code ? (presets[i].astm && equal_nocase(astm_code, presets[i].code))
                      : equal_nocase(code, presets[i].code))
            return &presets[i];
    }
    return NULL;
}

int cpted_vehicle_preset(cpted_vehicle *out, size_t struct_size, const char *class_code)
{
    if (!out || !class_code)
        return CPTED_E_INVALID;
    int rc = cpted__check_struct(NULL, out, struct_size, CPTED_VEHICLE_V1_SIZE,
                                 sizeof(cpted_vehicle), "vehicle");
    if (rc != CPTED_OK)
        return rc;
    const preset *p = find_preset(class_code);
    if (!p)
        return CPTED_E_NOTFOUND;
    /* Only the 1.0 fields are written; a newer caller's zero tail stays zero. */
    cpted_vehicle v;
    memset(&v, 0, sizeof v);
    v.struct_size = (uint32_t)sizeof v;
    snprintf(v.class_code, sizeof v.class_code, "%s", p->code);
    v.mass_kg = p->mass_kg;
    v.width_m = p->width_m;
    v.length_m = p->length_m;
    v.a0_mps2 = p->a0_mps2;
    v.vmax_mps = p->vmax_kmh / 3.6;
    v.lateral_friction = LATERAL_FRICTION;
    v.braking_mps2 = p->braking_mps2;
    v.min_turn_radius_m = p->min_turn_radius_m;
    memcpy(out, &v, struct_size < sizeof v ? struct_size : sizeof v);
    out->struct_size = (uint32_t)struct_size;
    return CPTED_OK;
}

size_t cpted_vehicle_preset_count(void) { return PRESET_COUNT; }

const char *cpted_vehicle_preset_code(size_t i)
{
    return i < PRESET_COUNT ? presets[i].code : NULL;
}

const char *cpted_vehicle_preset_description(size_t i)
{
    return i < PRESET_COUNT ? presets[i].description : NULL;
}

/* One field check: finite and within [lo, hi] (open at lo when lo_open). The
 * ranges and their reasons are documented in docs/vehicles.md, "Plausible
 * values"; every preset lies inside them. */
typedef struct field_rule {
    const char *name;
    size_t offset;
    double lo, hi;
    bool lo_open;
    const char *unit;
    const char *why;
} field_rule;

#define RULE(f, lo, hi, open, unit, why) {#f, offsetof(cpted_vehicle, f), lo, hi, open, unit, why}

static const field_rule rules[] = {
    RULE(mass_kg, 500.0, 100000.0, false, "kg",
         "from a light car to beyond the heaviest road combinations"),
    RULE(width_m, 1.0, 3.5, false, "m",
         "from the narrowest car to a wide load; the legal maximum is about 2.55 m"),
    RULE(length_m, 2.0, 30.0, false, "m", "from the shortest car to the longest road combinations"),
    RULE(a0_mps2, 0.0, 10.0, true, "m/s2",
         "about 1 g, the traction limit of road tyres, bounds the acceleration"),
    RULE(vmax_mps, 0.0, 250.0 / 3.6, true, "m/s", "250 km/h"),
    RULE(lateral_friction, 0.0, 1.5, true, "",
         "road tyres on dry asphalt stay near 1; 1.5 is beyond any road surface"),
    RULE(braking_mps2, 0.0, 12.0, true, "m/s2", "beyond the braking of road tyres"),
    RULE(min_turn_radius_m, 0.0, 25.0, false, "m",
         "road vehicles turn within a 12.5 m outer radius"),
};

int cpted_vehicle_validate(cpted_context *ctx, const cpted_vehicle *vehicle)
{
    if (!vehicle)
        return cpted__error(ctx, CPTED_E_INVALID, "vehicle: NULL pointer");
    int rc = cpted__check_struct(ctx, vehicle, vehicle->struct_size, CPTED_VEHICLE_V1_SIZE,
                                 sizeof(cpted_vehicle), "vehicle");
    if (rc != CPTED_OK)
        return rc;
    if (!memchr(vehicle->class_code, '\0', sizeof vehicle->class_code))
        return cpted__error(ctx, CPTED_E_INVALID, "vehicle: class_code is not NUL-terminated");
    const char *code = vehicle->class_code[0] ? vehicle->class_code : "(unnamed)";
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const field_rule *r = &rules[i];
        double value;
        memcpy(&value, (const char *)vehicle + r->offset, sizeof value);
        bool ok = isfinite(value) && value <= r->hi && (r->lo_open ? value > r->lo : value >= r->lo);
        if (!ok)
            return cpted__error(ctx, CPTED_E_INVALID,
                                "vehicle %s: %s = %g must be in %c%g, %g]%s%s (%s)", code,
                                r->name, value, r->lo_open ? '(' : '[', r->lo, r->hi,
                                *r->unit ? " " : "", r->unit, r->why);
    }
    if (vehicle->width_m >= vehicle->length_m)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "vehicle %s: width_m = %g must be less than length_m = %g", code,
                            vehicle->width_m, vehicle->length_m);
    return CPTED_OK;
}

/* y + expm1(-y) = y^2/2 - y^3/6 + ..., without cancellation for small y. */
static double y_minus_x(double y)
{
    if (y < 1e-3)
        return y * y * (0.5 - y * (1.0 / 6.0 - y * (1.0 / 24.0 - y / 120.0)));
    return y + expm1(-y);
}

/* h(y) of the header comment: a0 s / vmax. */
static double run_up(double vmax, double v0, double y)
{
    return vmax * y_minus_x(y) - v0 * expm1(-y);
}

int cpted_vehicle_distance_to_speed(double *out_m, const cpted_vehicle *vehicle, double v0_mps,
                                    double v_mps)
{
    if (!out_m || cpted_vehicle_validate(NULL, vehicle) != CPTED_OK)
        return CPTED_E_INVALID;
    double vmax = vehicle->vmax_mps;
    if (!isfinite(v0_mps) || !isfinite(v_mps) || v0_mps < 0.0 || v_mps < v0_mps)
        return CPTED_E_INVALID;
    if (v_mps >= vmax)
        return CPTED_E_RANGE;
    double y = -log1p(-(v_mps - v0_mps) / (vmax - v0_mps));
    *out_m = vmax / vehicle->a0_mps2 * run_up(vmax, v0_mps, y);
    return CPTED_OK;
}

int cpted_vehicle_speed_after(double *out_mps, const cpted_vehicle *vehicle, double v0_mps,
                              double distance_m)
{
    if (!out_mps || cpted_vehicle_validate(NULL, vehicle) != CPTED_OK)
        return CPTED_E_INVALID;
    double vmax = vehicle->vmax_mps;
    if (!isfinite(v0_mps) || v0_mps < 0.0 || v0_mps >= vmax || !isfinite(distance_m) ||
        distance_m < 0.0)
        return CPTED_E_INVALID;
    double target = vehicle->a0_mps2 * distance_m / vmax;
    if (target == 0.0) {
        *out_mps = v0_mps;
        return CPTED_OK;
    }
    /* h(y) >= vmax y - (vmax - v0), so this y is at or beyond the root; Newton
     * on an increasing convex function then descends monotonically to it. */
    double y = (target + vmax - v0_mps) / vmax;
    for (int i = 0; i < 200; i++) {
        double speed = v0_mps - (vmax - v0_mps) * expm1(-y); /* h'(y) = v(y) */
        double step = (run_up(vmax, v0_mps, y) - target) / speed;
        if (!(step > 0.0))
            break; /* at the root, or rounding made the iterate overshoot */
        y -= step;
        if (step <= 1e-16 * y)
            break;
    }
    double v = v0_mps - (vmax - v0_mps) * expm1(-y);
    *out_mps = v < vmax ? v : vmax;
    return CPTED_OK;
}

int cpted_vehicle_corner_speed(double *out_mps, const cpted_vehicle *vehicle, double radius_m)
{
    if (!out_mps || cpted_vehicle_validate(NULL, vehicle) != CPTED_OK)
        return CPTED_E_INVALID;
    if (isnan(radius_m) || radius_m < 0.0)
        return CPTED_E_INVALID;
    double vmax = vehicle->vmax_mps;
    if (radius_m < vehicle->min_turn_radius_m) {
        *out_mps = fmin(CPTED_CRAWL_SPEED_MPS, vmax);
        return CPTED_OK;
    }
    *out_mps = isinf(radius_m) ? vmax : fmin(vmax, sqrt(vehicle->lateral_friction * G_MPS2 * radius_m));
    return CPTED_OK;
}

int cpted_kinetic_energy(double *out_j, double mass_kg, double speed_mps)
{
    if (!out_j || !isfinite(mass_kg) || !(mass_kg > 0.0) || !isfinite(speed_mps) ||
        !(speed_mps >= 0.0))
        return CPTED_E_INVALID;
    *out_j = 0.5 * mass_kg * speed_mps * speed_mps;
    return CPTED_OK;
}
