/*
 * json.c - a small deterministic JSON writer for the result contracts.
 *
 * SPDX-License-Identifier: MIT
 *
 * Numbers are written with 10 significant digits ("%.10g"): enough for
 * millimetres on projected coordinates in the millions (and ~1 mm in degrees),
 * without floating-point noise on lengths, and byte-identical between runs.
 * They are formatted in the "C" locale whatever the host's locale is (a QGIS
 * host runs with LC_ALL=de_DE.UTF-8 and its decimal comma): see
 * cpted__format_double. cpted never calls setlocale.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void cpted__json_init(cpted__json *j) { memset(j, 0, sizeof *j); }

void cpted__json_init_counting(cpted__json *j)
{
    cpted__json_init(j);
    j->counting = true;
}

size_t cpted__json_finished_size(const cpted__json *j) { return j->len + 2; }

bool cpted__json_init_sized(cpted__json *j, size_t size)
{
    cpted__json_init(j);
    if (!(j->buf = cpted__malloc(size)))
        return false;
    j->cap = size;
    j->buf[0] = '\0';
    return true;
}

static void append(cpted__json *j, const char *s, size_t n)
{
    if (j->failed)
        return;
    if (j->counting) {
        j->len += n;
        return;
    }
    if (!cpted__grow((void **)&j->buf, &j->cap, j->len + n + 1, 1)) {
        j->failed = true;
        return;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void append_str(cpted__json *j, const char *s) { append(j, s, strlen(s)); }

/* Writes the separator before a value (not after a key). */
static void before_value(cpted__json *j)
{
    if (j->depth > 0 && j->need_comma[j->depth])
        append_str(j, ",");
    if (j->depth > 0)
        j->need_comma[j->depth] = true;
}

static void open(cpted__json *j, const char *c)
{
    before_value(j);
    append_str(j, c);
    if (j->depth + 1 < (int)(sizeof j->need_comma / sizeof j->need_comma[0]))
        j->depth++;
    else
        j->failed = true;
    j->need_comma[j->depth] = false;
}

static void close_(cpted__json *j, const char *c)
{
    append_str(j, c);
    if (j->depth > 0)
        j->depth--;
}

void cpted__json_begin_object(cpted__json *j) { open(j, "{"); }
void cpted__json_end_object(cpted__json *j) { close_(j, "}"); }
void cpted__json_begin_array(cpted__json *j) { open(j, "["); }
void cpted__json_end_array(cpted__json *j) { close_(j, "]"); }

/* Length of the well-formed UTF-8 sequence at p (1-4), or 0 when it is not
 * one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF,
 * truncated). */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
    for (size_t k = 1; k < n; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    if ((n == 3 && p[0] == 0xE0 && p[1] < 0xA0) || (n == 3 && p[0] == 0xED && p[1] >= 0xA0) ||
        (n == 4 && p[0] == 0xF0 && p[1] < 0x90) || (n == 4 && p[0] == 0xF4 && p[1] >= 0x90))
        return 0;
    return n;
}

/* Attribute text from GIS files is not always valid UTF-8 (a Latin-1 DBF, a
 * broken export): invalid bytes become U+FFFD so the document stays valid JSON. */
static void write_string(cpted__json *j, const char *s)
{
    append_str(j, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p >= 0x80) {
            size_t n = utf8_sequence(p);
            if (n == 0) {
                append_str(j, "\\ufffd");
            } else {
                append(j, (const char *)p, n);
                p += n - 1;
            }
            continue;
        }
        switch (*p) {
        case '"': append_str(j, "\\\""); break;
        case '\\': append_str(j, "\\\\"); break;
        case '\n': append_str(j, "\\n"); break;
        case '\r': append_str(j, "\\r"); break;
        case '\t': append_str(j, "\\t"); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                append_str(j, esc);
            } else {
                append(j, (const char *)p, 1);
            }
        }
    }
    append_str(j, "\"");
}

void cpted__json_key(cpted__json *j, const char *key)
{
    before_value(j);
    write_string(j, key);
    append_str(j, ":");
    /* the value that follows must not write another comma */
    j->need_comma[j->depth] = false;
}

/* After a key, the value re-arms the comma for the next key. */
static void value_done(cpted__json *j)
{
    if (j->depth > 0)
        j->need_comma[j->depth] = true;
}

void cpted__json_string(cpted__json *j, const char *s)
{
    if (!s) {
        cpted__json_null(j);
        return;
    }
    before_value(j);
    write_string(j, s);
    value_done(j);
}

void cpted__json_number(cpted__json *j, double v)
{
    if (!isfinite(v)) {
        cpted__json_null(j);
        return;
    }
    char text[40];
    if (v == 0.0)
        v = 0.0; /* no "-0" */
    cpted__format_double(text, sizeof text, 10, v);
    before_value(j);
    append_str(j, text);
    value_done(j);
}

void cpted__json_int(cpted__json *j, int64_t v)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v);
    before_value(j);
    append_str(j, text);
    value_done(j);
}

void cpted__json_bool(cpted__json *j, bool v)
{
    before_value(j);
    append_str(j, v ? "true" : "false");
    value_done(j);
}

void cpted__json_null(cpted__json *j)
{
    before_value(j);
    append_str(j, "null");
    value_done(j);
}

int cpted__json_finish(cpted__json *j, cpted_context *ctx, char **out)
{
    append_str(j, "\n");
    if (j->counting) { /* a counting pass hands out nothing */
        *out = NULL;
        return cpted__error(ctx, CPTED_E_GENERIC, "could not build the JSON document");
    }
    if (j->failed || j->depth != 0) {
        cpted__free(j->buf);
        j->buf = NULL;
        return j->failed ? cpted__nomem(ctx, "JSON document")
                         : cpted__error(ctx, CPTED_E_GENERIC, "could not build the JSON document");
    }
    *out = j->buf;
    j->buf = NULL;
    return CPTED_OK;
}

void cpted__json_vehicle(cpted__json *j, const cpted_vehicle *v)
{
    cpted__json_begin_object(j);
    cpted__json_key(j, "class");
    cpted__json_string(j, v->class_code);
    cpted__json_key(j, "mass_kg");
    cpted__json_number(j, v->mass_kg);
    cpted__json_key(j, "width_m");
    cpted__json_number(j, v->width_m);
    cpted__json_key(j, "length_m");
    cpted__json_number(j, v->length_m);
    cpted__json_key(j, "a0_mps2");
    cpted__json_number(j, v->a0_mps2);
    cpted__json_key(j, "vmax_kmh");
    cpted__json_number(j, v->vmax_mps * 3.6);
    cpted__json_key(j, "lateral_friction");
    cpted__json_number(j, v->lateral_friction);
    cpted__json_key(j, "braking_mps2");
    cpted__json_number(j, v->braking_mps2);
    cpted__json_key(j, "min_turn_radius_m");
    cpted__json_number(j, v->min_turn_radius_m);
    cpted__json_end_object(j);
}

void cpted__json_crs(cpted__json *j, const cpted_site *site)
{
    cpted__json_key(j, "crs");
    cpted__json_begin_object(j);
    cpted__json_key(j, "working");
    cpted__json_string(j, cpted_site_crs(site));
    cpted__json_key(j, "output");
    cpted__json_string(j, cpted_site_output_crs(site));
    cpted__json_end_object(j);
}
