/*
 * osm_tags.c - the text conventions of OpenStreetMap data as GDAL's OSM driver
 * delivers it: the `other_tags` hstore column and length values with units.
 *
 * SPDX-License-Identifier: MIT
 *
 * Which tags give which role is a role rule (roles.c); reading the features is
 * site_read.c's job.
 */
#include "internal.h"

#include <string.h>

/* Reads one double-quoted hstore string at *p into a new buffer; NULL on bad text. */
static char *hstore_string(const char **p)
{
    const char *s = *p;
    if (*s != '"')
        return NULL;
    s++;
    size_t n = 0;
    for (const char *q = s; *q && *q != '"'; q++, n++)
        if (*q == '\\' && q[1])
            q++;
    char *out = cpted__malloc(n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    while (*s && *s != '"') {
        if (*s == '\\' && s[1])
            s++;
        out[k++] = *s++;
    }
    out[k] = '\0';
    if (*s != '"') {
        cpted__free(out);
        return NULL;
    }
    *p = s + 1;
    return out;
}

/* Value of `key` in the OSM driver's other_tags ("k"=>"v","k2"=>"v2"); cpted__free. */
char *cpted__osm_hstore_get(const char *text, const char *key)
{
    const char *p = text;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        char *k = hstore_string(&p);
        if (!k)
            return NULL;
        bool hit = strcmp(k, key) == 0;
        cpted__free(k);
        if (strncmp(p, "=>", 2) != 0)
            return NULL;
        p += 2;
        char *v = hstore_string(&p);
        if (!v)
            return NULL;
        if (hit)
            return v;
        cpted__free(v);
    }
    return NULL;
}

/* An OSM length ("3.5", "3.5 m", "120 mm", "12cm") in metres; the unit of a
 * bare number is `bare_unit_m` (width: metres; diameter: millimetres, as the
 * OSM wiki defines them). */
bool cpted__osm_length(const char *text, double bare_unit_m, double *out)
{
    static const struct {
        const char *suffix;
        double unit_m;
    } units[] = {{"mm", 0.001}, {"cm", 0.01}, {"m", 1.0}};
    char buf[64];
    if (!text || strlen(text) >= sizeof buf)
        return false;
    strcpy(buf, text);
    size_t n = strlen(buf);
    double unit = bare_unit_m;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t s = strlen(units[i].suffix);
        if (n > s && strcmp(buf + n - s, units[i].suffix) == 0) {
            buf[n - s] = '\0';
            unit = units[i].unit_m;
            break;
        }
    }
    double v;
    if (!cpted__parse_number(buf, &v) || v == 0.0)
        return false;
    *out = v * unit;
    return true;
}
