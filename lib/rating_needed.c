/* rating_needed.c - the rating a barrier element needs to stop a given impact,
 * written in the grammar of the element's own standard (docs/ratings.md), so
 * a report can name it: the test vehicle is the design vehicle, the speed the
 * smallest standard test speed at or above the demand, the angle head-on
 * (the standards' tests are at 90°).
 */
#include "internal.h"

#include <math.h>
#include <string.h>

/* Test speeds of PAS 68 / IWA 14-1 / ISO 22343-1 (km/h), domain.md §1.2. */
static const double VEHICLE_TEST_SPEEDS_KMH[] = {16, 32, 48, 64, 80, 96, 112};
/* ASTM F2656 (mph) and DoS K ratings (K4 = 30 mph, K8 = 40, K12 = 50). */
static const int ASTM_SPEEDS_MPH[] = {30, 40, 50, 60};
#define KMH_PER_MPH 1.609344

char *cpted__rating_needed(int32_t standard, const cpted_vehicle *design, double speed_kmh,
                           const char *element_class)
{
    if (!(speed_kmh >= 0) || !design)
        return NULL;
    if (standard == CPTED_RATING_ASTM_F2656 || standard == CPTED_RATING_DOS_K) {
        for (size_t i = 0; i < sizeof ASTM_SPEEDS_MPH / sizeof ASTM_SPEEDS_MPH[0]; i++) {
            int mph = ASTM_SPEEDS_MPH[i];
            if (mph * KMH_PER_MPH + 1e-9 < speed_kmh)
                continue;
            if (standard == CPTED_RATING_DOS_K) {
                if (mph > 50)
                    break; /* above K12: no K rating; say it in IWA terms */
                return cpted__printf("K%d", mph == 30 ? 4 : mph == 40 ? 8 : 12);
            }
            return cpted__printf("%s%d", element_class && *element_class ? element_class : "M",
                                 mph);
        }
    }
    double need = ceil(speed_kmh - 1e-9);
    for (size_t i = 0; i < sizeof VEHICLE_TEST_SPEEDS_KMH / sizeof VEHICLE_TEST_SPEEDS_KMH[0]; i++)
        if (VEHICLE_TEST_SPEEDS_KMH[i] + 1e-9 >= speed_kmh) {
            need = VEHICLE_TEST_SPEEDS_KMH[i];
            break;
        }
    const char *prefix = standard == CPTED_RATING_PAS68      ? ""
                         : standard == CPTED_RATING_ISO22343 ? "ISO 22343-1 "
                                                             : "IWA 14-1 ";
    if (need < 1)
        need = 1;
    return cpted__printf("%sV/%.0f[%s]/%.0f/90", prefix, design->mass_kg, design->class_code,
                         need);
}
