/*
 * blast.c - Kingery-Bulmash airblast of a hemispherical TNT surface burst in
 * Swisdak's simplified form (domain.md §4.3; docs/blast.md).
 *
 * SPDX-License-Identifier: MIT
 *
 * Each quantity is a piecewise fit y = exp(sum c_i L^i), L = ln Z, Z in
 * m/kg^(1/3), coefficients from Swisdak, "Simplified Kingery Airblast
 * Calculations", NSWC Indian Head, 1994 (DTIC ADA526744), metric tables.
 * Times and impulses are scaled: multiply by W^(1/3). A quantity is only
 * evaluated inside its own Z range; outside it is NaN, never extrapolated.
 */
#include "internal.h"

#include <math.h>

#define AMBIENT_KPA 101.325

typedef struct kb_piece {
    double z_lo, z_hi;  /* inclusive; a shared boundary belongs to the lower piece */
    double c[7];        /* c0 + c1 L + ... + c6 L^6 */
} kb_piece;

typedef struct kb_fit {
    const kb_piece *pieces;
    size_t count;
} kb_fit;

#define FIT(p) {p, sizeof p / sizeof p[0]}

/* Incident (side-on) overpressure, kPa. */
static const kb_piece incident_kpa[] = {
    {0.2, 2.9, {7.2106, -2.1069, -0.3229, 0.1117, 0.0685, 0, 0}},
    {2.9, 23.8, {7.5938, -3.0523, 0.40977, 0.0261, -0.01267, 0, 0}},
    {23.8, 198.5, {6.0536, -1.4066, 0, 0, 0, 0, 0}},
};
/* Normally reflected overpressure, kPa. */
static const kb_piece reflected_kpa[] = {
    {0.06, 2.0, {9.006, -2.6893, -0.6295, 0.1011, 0.29255, 0.13505, 0.019736}},
    {2.0, 40.0, {8.8396, -1.733, -2.64, 2.293, -0.8232, 0.14247, -0.0099}},
};
/* Incident positive impulse, kPa ms / kg^(1/3). */
static const kb_piece incident_impulse[] = {
    {0.2, 0.96, {5.522, 1.117, 0.6, -0.292, -0.087, 0, 0}},
    {0.96, 2.38, {5.465, -0.308, -1.464, 1.362, -0.432, 0, 0}},
    {2.38, 33.7, {5.2749, -0.4677, -0.2499, 0.0588, -0.00554, 0, 0}},
    {33.7, 158.7, {5.9825, -1.062, 0, 0, 0, 0, 0}},
};
/* Reflected positive impulse, kPa ms / kg^(1/3). The cubic term is negative:
 * it reproduces Swisdak's tabulated values (Z = 10 -> 59.33) and the imperial
 * set (-0.01123); a published Python port carries it with a + sign. */
static const kb_piece reflected_impulse[] = {
    {0.06, 40.0, {6.7853, -1.3466, 0.101, -0.01123, 0, 0, 0}},
};
/* Time of arrival, ms / kg^(1/3). */
static const kb_piece arrival[] = {
    {0.06, 1.5, {-0.7604, 1.8058, 0.1257, -0.0437, -0.0310, -0.00669, 0}},
    {1.5, 40.0, {-0.7137, 1.5732, 0.5561, -0.4213, 0.1054, -0.00929, 0}},
};
/* Positive-phase duration, ms / kg^(1/3). */
static const kb_piece duration[] = {
    {0.2, 1.02, {0.5426, 3.2299, -1.5931, -5.9667, -4.0815, -0.9149, 0}},
    {1.02, 2.8, {0.5440, 2.7082, -9.7354, 14.3425, -9.7791, 2.8535, 0}},
    {2.8, 40.0, {-2.4608, 7.1639, -5.6215, 2.2711, -0.44994, 0.03486, 0}},
};

static const kb_fit fit_incident = FIT(incident_kpa);
static const kb_fit fit_reflected = FIT(reflected_kpa);
static const kb_fit fit_incident_impulse = FIT(incident_impulse);
static const kb_fit fit_reflected_impulse = FIT(reflected_impulse);
static const kb_fit fit_arrival = FIT(arrival);
static const kb_fit fit_duration = FIT(duration);

static double piece_eval(const kb_piece *p, double z)
{
    double l = log(z), y = 0.0;
    for (int i = 6; i >= 0; i--)
        y = y * l + p->c[i];
    return exp(y);
}

/* The fit at z, or NaN outside its range. */
static double fit_eval(const kb_fit *f, double z)
{
    for (size_t i = 0; i < f->count; i++)
        if (z >= f->pieces[i].z_lo && z <= f->pieces[i].z_hi)
            return piece_eval(&f->pieces[i], z);
    return NAN;
}

double cpted_blast_z_min(void) { return incident_kpa[0].z_lo; }

double cpted_blast_z_max(void)
{
    return incident_kpa[sizeof incident_kpa / sizeof incident_kpa[0] - 1].z_hi;
}

int cpted_blast_scaled_distance(double *out, double range_m, double charge_kg)
{
    if (!out || !isfinite(range_m) || !(range_m >= 0.0) || !isfinite(charge_kg) ||
        !(charge_kg > 0.0))
        return CPTED_E_INVALID;
    *out = range_m / cbrt(charge_kg);
    return CPTED_OK;
}

/* Rankine-Hugoniot normal reflection of an ideal-gas (gamma 1.4) shock. */
static double reflection_coefficient(double incident)
{
    return 2.0 * (7.0 * AMBIENT_KPA + 4.0 * incident) / (7.0 * AMBIENT_KPA + incident);
}

int cpted_blast_surface_burst(cpted_blast *out, double charge_kg, double range_m)
{
    if (!out)
        return CPTED_E_INVALID;
    int rc = cpted__check_struct(NULL, out, out->struct_size, CPTED_BLAST_V1_SIZE,
                                 sizeof(cpted_blast), "blast");
    if (rc != CPTED_OK)
        return rc;
    double z;
    if (!(range_m > 0.0) || cpted_blast_scaled_distance(&z, range_m, charge_kg) != CPTED_OK)
        return CPTED_E_INVALID;
    double w3 = cbrt(charge_kg);
    out->scaled_distance = z;
    out->incident_kpa = fit_eval(&fit_incident, z);
    if (isnan(out->incident_kpa)) {
        out->reflected_kpa = out->incident_impulse_kpa_ms = out->reflected_impulse_kpa_ms = NAN;
        out->arrival_ms = out->duration_ms = NAN;
        return CPTED_E_RANGE;
    }
    out->reflected_kpa = fit_eval(&fit_reflected, z);
    if (isnan(out->reflected_kpa)) /* beyond the reflected fit (Z > 40): weak shock */
        out->reflected_kpa = reflection_coefficient(out->incident_kpa) * out->incident_kpa;
    out->incident_impulse_kpa_ms = fit_eval(&fit_incident_impulse, z) * w3;
    out->reflected_impulse_kpa_ms = fit_eval(&fit_reflected_impulse, z) * w3;
    out->arrival_ms = fit_eval(&fit_arrival, z) * w3;
    out->duration_ms = fit_eval(&fit_duration, z) * w3;
    return CPTED_OK;
}

/* ln Z where one decreasing piece falls to p (p within the piece's values):
 * bisection to the last representable step, returning the far end of the
 * bracket so that the pressure there does not exceed p. */
static double piece_solve(const kb_piece *piece, double p)
{
    double lo = log(piece->z_lo), hi = log(piece->z_hi);
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (piece_eval(piece, exp(mid)) > p)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

int cpted_blast_standoff_for(double *out_m, double charge_kg, double allowable_kpa)
{
    if (!out_m || !isfinite(charge_kg) || !(charge_kg > 0.0) || !isfinite(allowable_kpa) ||
        !(allowable_kpa > 0.0))
        return CPTED_E_INVALID;
    const kb_fit *f = &fit_incident;
    double p_near = piece_eval(&f->pieces[0], f->pieces[0].z_lo);
    double p_far = piece_eval(&f->pieces[f->count - 1], f->pieces[f->count - 1].z_hi);
    if (allowable_kpa > p_near || allowable_kpa < p_far)
        return CPTED_E_RANGE;
    /* Each piece decreases, but the pieces do not quite join (at Z = 23.8 the
     * far piece starts 0.7 % higher). Scanning from the far end finds the
     * last Z where the pressure still exceeds the allowable one, so the
     * pressure stays at or below it everywhere beyond the returned standoff. */
    double z = f->pieces[0].z_lo;
    for (size_t k = f->count; k-- > 0;) {
        const kb_piece *piece = &f->pieces[k];
        if (piece_eval(piece, piece->z_hi) > allowable_kpa) {
            z = piece->z_hi; /* between pieces: the boundary itself */
            break;
        }
        if (piece_eval(piece, piece->z_lo) > allowable_kpa) {
            z = exp(piece_solve(piece, allowable_kpa));
            break;
        }
    }
    *out_m = z * cbrt(charge_kg);
    return CPTED_OK;
}
