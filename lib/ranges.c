/*
 * ranges.c - the plausible range of each numeric analysis option, as data:
 * one table that the option resolvers of the library and every front end
 * (the CLI, bindings) read, so an absurd value ("charge 1e9 kg") is refused
 * with the same range and unit everywhere. The reasons are in docs/ranges.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h>
#include <string.h>

typedef struct option_range {
    const char *name;   /* the option field, with its unit suffix */
    double lo, hi;
    bool lo_open, hi_open;
    const char *unit;   /* printed after the range */
} option_range;

static const option_range ranges[] = {
    /* TNT equivalent: the NCTC table's largest vehicle bomb (semi-trailer) is 27,216 kg */
    {"charge_kg", 0.0, 100000.0, true, false, "kg"},
    /* inside the incident-pressure fit, 0.2495 kPa (Z = 198.5) to 17,310 kPa (Z = 0.2) */
    {"allowable_kpa", 0.25, 17000.0, false, false, "kPa"},
    /* a compliant clear gap wider than 5 m lets any road vehicle (<= 2.55 m) through */
    {"max_gap_m", 0.0, 5.0, true, false, "m"},
    /* footprints farther than 10 m from a line do not cover it */
    {"snap_m", 0.0, 10.0, false, false, "m"},
    /* barrier points 50 m apart are not one row */
    {"chain_m", 0.0, 50.0, true, false, "m"},
    /* VDA: a target every 0.1 m to every 100 m along a line */
    {"spacing_m", 0.1, 100.0, false, false, "m"},
    /* VDA: traffic speed at the entries, up to the fastest vehicle preset */
    {"entry_speed_kmh", 0.0, 200.0, false, false, "km/h"},
    /* VDA lattice: cells finer than 0.1 m add nothing at a vehicle's width; 5 m is coarse */
    {"cell_m", 0.1, 5.0, false, false, "m"},
    /* VDA lattice headings over the full circle */
    {"headings", 8.0, 128.0, false, false, ""},
    /* VDA search radius round the targets */
    {"window_m", 20.0, 5000.0, false, false, "m"},
};

static const option_range *find_range(const char *name)
{
    for (size_t i = 0; name && i < sizeof ranges / sizeof ranges[0]; i++)
        if (strcmp(ranges[i].name, name) == 0)
            return &ranges[i];
    return NULL;
}

int cpted_option_range(const char *name, double *min_out, double *max_out,
                       int32_t *min_inclusive_out, int32_t *max_inclusive_out,
                       const char **unit_out)
{
    if (!name)
        return CPTED_E_INVALID;
    const option_range *r = find_range(name);
    if (!r)
        return CPTED_E_NOTFOUND;
    if (min_out)
        *min_out = r->lo;
    if (max_out)
        *max_out = r->hi;
    if (min_inclusive_out)
        *min_inclusive_out = !r->lo_open;
    if (max_inclusive_out)
        *max_inclusive_out = !r->hi_open;
    if (unit_out)
        *unit_out = r->unit;
    return CPTED_OK;
}

bool cpted__in_range(const char *name, double value)
{
    const option_range *r = find_range(name);
    if (!r || !isfinite(value))
        return false;
    bool lo_ok = r->lo_open ? value > r->lo : value >= r->lo;
    bool hi_ok = r->hi_open ? value < r->hi : value <= r->hi;
    return lo_ok && hi_ok;
}

int cpted__check_range(cpted_context *ctx, const char *name, double value)
{
    const option_range *r = find_range(name);
    if (!r)
        return cpted__error(ctx, CPTED_E_INVALID, "no validity range for option '%s'",
                            name ? name : "(null)");
    if (cpted__in_range(name, value))
        return CPTED_OK;
    return cpted__error(ctx, CPTED_E_INVALID, "%s = %g must be in %c%g, %g%c %s", name, value,
                        r->lo_open ? '(' : '[', r->lo, r->hi, r->hi_open ? ')' : ']', r->unit);
}
