/*
 * numbers.c - reading numbers independently of the process locale: a QGIS or
 * Qt host may run with LC_NUMERIC set to a comma-decimal locale, and "0.2"
 * must still be 0.2.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"

#include <locale.h>
#include <stdlib.h>

double cpted__strtod(const char *text, char **end)
{
    /* uselocale changes this thread's locale only, and only for the call */
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c ? uselocale(c) : (locale_t)0;
    double v = strtod(text, end);
    if (c) {
        uselocale(previous);
        freelocale(c);
    }
    return v;
}
