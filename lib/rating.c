/*
 * rating.c - parser of vehicle security barrier rating strings: PAS 68,
 * IWA 14-1, ISO 22343-1 ("V/7500[N2]/48/90:3.5/10.0"), ASTM F2656 ("M50/P1")
 * and US DoS K ratings ("K12/L3"). Grammar, tables and the standard-detection
 * rule: docs/ratings.md (numbers from domain.md §1.1-1.4).
 *
 * A malformed string is rejected with a reason that quotes it and points at
 * the offending character; nothing is guessed. Numbers are read by hand (not
 * strtod) so the host's locale, hex floats, "inf" and exponents never slip in.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <math.h> /* NAN, INFINITY, isnan */
#include <stdio.h>
#include <string.h>

/* ---- tables (domain.md §1.1-1.3) ------------------------------------- */

#define MPH_TO_KMH 1.609344 /* exact by definition of the international mile */

/* Vehicle classes accepted inside the brackets of PAS 68 / IWA / ISO
 * strings; `iwa` marks the codes only IWA 14-1 / ISO 22343-1 use. */
static const struct {
    const char *code;
    bool iwa;
} vehicle_classes[] = {
    {"M1", false}, {"N1", false}, {"N2", false}, {"N3", false}, {"N1G", true}, {"N2A", true},
    {"N2B", true}, {"N3C", true}, {"N3D", true}, {"N3E", true}, {"N3F", true},
};
#define VEHICLE_CLASS_LIST "M1, N1, N1G, N2, N2A, N2B, N3, N3C, N3D, N3E, N3F"

/* ASTM F2656 test vehicles (domain.md §1.2). C7 precedes C for matching. */
static const struct {
    const char *code;
    double mass_kg;
} astm_classes[] = {
    {"C7", 7200.0}, {"C", 1100.0}, {"FS", 2100.0}, {"PU", 2300.0}, {"M", 6800.0}, {"H", 29500.0},
};

/* ASTM penetration categories: upper bound of each (P4 is "> 30 m": unbounded). */
static const double astm_penetration_m[] = {1.0, 7.0, 30.0, INFINITY};

/* DoS SD-STD-02.01: K4/K8/K12 = 30/40/50 mph with a 15,000 lb (6,800 kg)
 * truck; L3 < 3 ft, L2 3-20 ft, L1 20-50 ft; Rev A (no L) fails above 3 ft.
 * Written as the exact metric values of 50, 20 and 3 ft (1 ft = 0.3048 m). */
#define DOS_MASS_KG 6800.0
static const double dos_penetration_m[] = {15.24, 6.096, 0.9144}; /* L1..L3 */
#define DOS_REV_A_PENETRATION_M 0.9144

/* ---- scanner ---------------------------------------------------------- */

typedef struct scanner {
    cpted_context *ctx;
    const char *text; /* the whole string, quoted in messages */
    const char *p;    /* cursor */
} scanner;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
static char upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

static bool skip_ws(scanner *s)
{
    const char *start = s->p;
    while (is_space(*s->p))
        s->p++;
    return s->p != start;
}

/* True when the n characters at text spell `code` (upper case), ignoring case. */
static bool same_code(const char *text, size_t n, const char *code)
{
    if (strlen(code) != n)
        return false;
    for (size_t j = 0; j < n; j++)
        if (upper(text[j]) != code[j])
            return false;
    return true;
}

/* Rejects the string: the message quotes it (up to 100 characters) and
 * points at `at` by 1-based character position and an excerpt. */
static int fail(const scanner *s, const char *at, const char *fmt, ...) CPTED__PRINTF(3, 4);
static int fail(const scanner *s, const char *at, const char *fmt, ...)
{
    if (!s->ctx)
        return CPTED_E_FORMAT;
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    size_t len = strlen(s->text);
    int shown = len > 100 ? 100 : (int)len;
    const char *ellipsis = len > 100 ? "..." : "";
    if (!*at)
        return cpted__error(s->ctx, CPTED_E_FORMAT,
                            "rating \"%.*s%s\": %s (at the end of the string)", shown, s->text,
                            ellipsis, reason);
    return cpted__error(s->ctx, CPTED_E_FORMAT,
                        "rating \"%.*s%s\": %s at character %zu (\"%.20s%s\")", shown, s->text,
                        ellipsis, reason, (size_t)(at - s->text) + 1, at,
                        strlen(at) > 20 ? "..." : "");
}

/* Matches `word` case-insensitively at the cursor, not followed by a letter. */
static bool match_word(scanner *s, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++)
        if (upper(s->p[i]) != word[i])
            return false;
    if (is_alpha(s->p[n]))
        return false;
    s->p += n;
    return true;
}

/* Skips whitespace, then consumes `c` or fails with "expected 'c' <where>". */
static int expect(scanner *s, char c, const char *where)
{
    skip_ws(s);
    if (*s->p == c) {
        s->p++;
        return CPTED_OK;
    }
    if (!*s->p)
        return fail(s, s->p, "expected '%c' %s", c, where);
    return fail(s, s->p, "expected '%c' %s, found '%c'", c, where, *s->p);
}

/* A numeric field: its name for messages and the allowed range. */
typedef struct field {
    const char *name;
    const char *unit;
    bool zero_allowed;  /* false: the value must be > 0 */
    double max;         /* largest plausible value */
    const char *max_why;
} field;

static const field F_MASS = {"test mass", "kg", false, 100000.0,
                             "no road vehicle tested against barriers is that heavy"};
static const field F_SPEED = {"impact speed", "km/h", false, 200.0,
                              "the fastest standard test is 112 km/h"};
static const field F_ANGLE = {"impact angle", "deg", false, 90.0, "90 deg is head-on"};
static const field F_PENETRATION = {"penetration", "m", true, 1000.0,
                                    "implausible for a vehicle test"};
static const field F_DISPERSION = {"dispersion", "m", true, 1000.0,
                                   "implausible for a vehicle test"};

/* Reads an unsigned decimal `digits[.digits]` and checks it against the
 * field's range. Computed as integer mantissa / 10^k so that "3.5" gives
 * exactly the double the C literal 3.5 gives. */
static int number(scanner *s, const field *f, double *out)
{
    skip_ws(s);
    const char *start = s->p;
    if (*s->p == '-' && (is_digit(s->p[1]) || s->p[1] == '.'))
        return fail(s, start, "negative %s", f->name);
    if (!is_digit(*s->p)) {
        if (!*s->p || *s->p == '/' || *s->p == ':' || *s->p == '[' || *s->p == '(')
            return fail(s, start, "missing %s", f->name);
        return fail(s, start, "%s is not a number", f->name);
    }
    uint64_t mantissa = 0;
    int digits = 0, decimals = 0;
    bool seen_point = false;
    for (;; s->p++) {
        char c = *s->p;
        if (is_digit(c)) {
            if (mantissa == 0 && c == '0' && !seen_point) /* leading zeros carry nothing */
                continue;
            if (++digits > 15)
                return fail(s, start, "%s has too many digits", f->name);
            mantissa = mantissa * 10 + (uint64_t)(c - '0');
            decimals += seen_point;
        } else if (c == '.' && !seen_point && is_digit(s->p[1])) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (*s->p == ',' && is_digit(s->p[1]))
        return fail(s, s->p, "%s uses a decimal comma; write a point", f->name);
    if (is_alpha(*s->p) || *s->p == '.')
        return fail(s, s->p, "unexpected '%c' after the %s \"%.*s\"", *s->p, f->name,
                    (int)(s->p - start), start);
    static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    double v = (double)mantissa / pow10[decimals]; /* both exact: one correctly rounded division */
    if (v == 0.0 && !f->zero_allowed)
        return fail(s, start, "%s must be greater than 0 %s", f->name, f->unit);
    if (v > f->max)
        return fail(s, start, "%s %g %s is above %g %s (%s)", f->name, v, f->unit, f->max, f->unit,
                    f->max_why);
    *out = v;
    return CPTED_OK;
}

/* ---- standard prefix ------------------------------------------------- */

typedef struct prefix {
    int32_t standard; /* CPTED_RATING_UNKNOWN when the string has none */
    int edition;      /* year of the edition, 0 when not given */
} prefix;

/* PAS 68, IWA 14(-1), ISO 22343(-1) with an optional ":YEAR" edition. */
static const struct {
    const char *word;
    const char *number;
    int32_t standard;
    int editions[4]; /* known editions (domain.md §1.1), 0-terminated */
} designations[] = {
    {"PAS", "68", CPTED_RATING_PAS68, {2005, 2007, 2010, 2013}},
    {"IWA", "14", CPTED_RATING_IWA14, {2013, 0, 0, 0}},
    {"ISO", "22343", CPTED_RATING_ISO22343, {2023, 0, 0, 0}},
};

static bool match_digits(scanner *s, const char *digits)
{
    size_t n = strlen(digits);
    if (strncmp(s->p, digits, n) != 0 || is_digit(s->p[n]))
        return false;
    s->p += n;
    return true;
}

static int parse_designation(scanner *s, size_t d, prefix *pf)
{
    const char *word = s->p;
    s->p += strlen(designations[d].word);
    skip_ws(s);
    if (*s->p == '-' && is_digit(s->p[1])) /* "PAS-68" */
        s->p++;
    if (!match_digits(s, designations[d].number))
        return fail(s, s->p, "expected \"%s %s\"", designations[d].word, designations[d].number);
    if (designations[d].standard != CPTED_RATING_PAS68 && *s->p == '-') {
        if (s->p[1] != '1' || is_digit(s->p[2]))
            return fail(s, s->p, "only part 1 of %s %s defines ratings", designations[d].word,
                        designations[d].number);
        s->p += 2;
    }
    pf->standard = designations[d].standard;
    if (*s->p == ':') {
        const char *year = ++s->p;
        int y = 0;
        while (is_digit(*s->p) && y < 10000)
            y = y * 10 + (*s->p++ - '0');
        if (s->p - year != 4)
            return fail(s, year, "expected a four-digit edition year after ':'");
        for (size_t i = 0; i < 4 && designations[d].editions[i]; i++)
            if (designations[d].editions[i] == y)
                pf->edition = y;
        if (!pf->edition)
            return fail(s, year, "%.*s has no %d edition", (int)(year - 1 - word), word, y);
    }
    return CPTED_OK;
}

/* ASTM [F2656[M][-YY[a]]] or F2656...; editions of domain.md §1.1. */
static int parse_astm_prefix(scanner *s, prefix *pf)
{
    static const char *const editions[] = {"07", "15", "18", "18a", "20", "23"};
    if (match_word(s, "ASTM")) {
        const char *save = s->p;
        skip_ws(s);
        if (upper(*s->p) != 'F' || !is_digit(s->p[1])) {
            s->p = save;
            pf->standard = CPTED_RATING_ASTM_F2656;
            return CPTED_OK;
        }
    }
    if (upper(*s->p) != 'F' || strncmp(s->p + 1, "2656", 4) != 0 || is_digit(s->p[5]))
        return fail(s, s->p, "expected \"F2656\" after \"ASTM\"");
    s->p += 5;
    if (upper(*s->p) == 'M' && !is_digit(s->p[1]) && !is_alpha(s->p[1]))
        s->p++; /* "F2656M" (metric designation) */
    if (*s->p == '-') {
        const char *ed = ++s->p;
        while (is_digit(*s->p) || (*s->p == 'a' && s->p > ed))
            s->p++;
        size_t n = (size_t)(s->p - ed), i;
        for (i = 0; i < sizeof editions / sizeof *editions; i++)
            if (strlen(editions[i]) == n && strncmp(editions[i], ed, n) == 0)
                break;
        if (i == sizeof editions / sizeof *editions)
            return fail(s, ed, "unknown ASTM F2656 edition (known: -07, -15, -18, -18a, -20, -23)");
    }
    pf->standard = CPTED_RATING_ASTM_F2656;
    return CPTED_OK;
}

/* DoS, DoS SD-STD-02.01, SD-STD-02.01. */
static int parse_dos_prefix(scanner *s, prefix *pf)
{
    static const char designation[] = "SD-STD-02.01";
    if (match_word(s, "DOS")) {
        const char *save = s->p;
        skip_ws(s);
        if (upper(*s->p) != 'S' || upper(s->p[1]) != 'D' || s->p[2] != '-')
            s->p = save;
    }
    if (upper(*s->p) == 'S' && upper(s->p[1]) == 'D' && s->p[2] == '-') {
        for (size_t i = 0; i < sizeof designation - 1; i++)
            if (upper(s->p[i]) != designation[i])
                return fail(s, s->p, "expected \"%s\"", designation);
        s->p += sizeof designation - 1;
    }
    pf->standard = CPTED_RATING_DOS_K;
    return CPTED_OK;
}

/* Reads an optional standard prefix; it must be followed by whitespace. */
static int parse_prefix(scanner *s, prefix *pf)
{
    pf->standard = CPTED_RATING_UNKNOWN;
    pf->edition = 0;
    const char *start = s->p;
    int rc = CPTED_OK;
    bool found = false;
    for (size_t d = 0; d < sizeof designations / sizeof *designations && !found; d++) {
        const char *w = designations[d].word;
        size_t n = strlen(w);
        bool hit = true;
        for (size_t i = 0; i < n; i++)
            hit = hit && upper(s->p[i]) == w[i];
        if (hit && !is_alpha(s->p[n])) {
            found = true;
            rc = parse_designation(s, d, pf);
        }
    }
    if (!found) {
        scanner probe = *s;
        if (match_word(&probe, "ASTM") ||
            (upper(s->p[0]) == 'F' && strncmp(s->p + 1, "2656", 4) == 0)) {
            found = true;
            rc = parse_astm_prefix(s, pf);
        } else if (match_word(&probe, "DOS") ||
                   (upper(s->p[0]) == 'S' && upper(s->p[1]) == 'D' && s->p[2] == '-')) {
            found = true;
            rc = parse_dos_prefix(s, pf);
        }
    }
    if (rc != CPTED_OK || !found)
        return rc;
    if (!skip_ws(s) || !*s->p)
        return fail(s, s->p, *s->p ? "expected a space after the standard \"%.*s\""
                                   : "missing the rating after the standard \"%.*s\"",
                    (int)(s->p - start), start);
    return CPTED_OK;
}

/* ---- PAS 68 / IWA 14-1 / ISO 22343-1 -------------------------------- */

/* Optional foundation class (A, Ap, B, C): accepted and dropped, because
 * cpted_rating has no field for it. */
static bool foundation(scanner *s)
{
    return match_word(s, "AP") || match_word(s, "A") || match_word(s, "B") || match_word(s, "C");
}

static int vehicle_class(scanner *s, cpted_rating *r, bool *iwa_class)
{
    char open = *s->p;
    if (open != '[' && open != '(') {
        if (!*s->p || *s->p == '/')
            return fail(s, s->p, "missing the vehicle class in [] or () after the test mass");
        return fail(s, s->p,
                    "expected '[' or '(' and the vehicle class after the test mass, found '%c'",
                    *s->p);
    }
    s->p++;
    skip_ws(s);
    const char *code = s->p;
    while (is_alpha(*s->p) || is_digit(*s->p))
        s->p++;
    size_t n = (size_t)(s->p - code);
    if (n == 0)
        return fail(s, code, "missing the vehicle class inside '%c'", open);
    size_t i, count = sizeof vehicle_classes / sizeof *vehicle_classes;
    for (i = 0; i < count && !same_code(code, n, vehicle_classes[i].code); i++)
        ;
    if (i == count)
        return fail(s, code, "unknown vehicle class \"%.*s\" (known: " VEHICLE_CLASS_LIST ")",
                    (int)(n < 16 ? n : 16), code);
    snprintf(r->vehicle_class, sizeof r->vehicle_class, "%s", vehicle_classes[i].code);
    *iwa_class = vehicle_classes[i].iwa && open == '[';
    skip_ws(s);
    char close = open == '[' ? ']' : ')';
    if (*s->p == close) {
        s->p++;
        return CPTED_OK;
    }
    if (*s->p == ']' || *s->p == ')')
        return fail(s, s->p, "unbalanced brackets: '%c' closed by '%c'", open, *s->p);
    return fail(s, s->p, "missing '%c' after the vehicle class", close);
}

static int parse_vehicle_test(scanner *s, const prefix *pf, cpted_rating *r)
{
    const char *method_at = s->p;
    r->method[0] = upper(*s->p++);
    r->method[1] = '\0';
    int rc;
    bool iwa_class = false;
    if ((rc = expect(s, '/', "after the method")) ||
        (rc = number(s, &F_MASS, &r->mass_kg)))
        return rc;
    skip_ws(s);
    if ((rc = vehicle_class(s, r, &iwa_class)) ||
        (rc = expect(s, '/', "and the impact speed after the vehicle class")) ||
        (rc = number(s, &F_SPEED, &r->speed_kmh)))
        return rc;
    skip_ws(s);
    const char *angle_at = s->p;
    if (*s->p != ':') { /* PAS 68:2007 strings go straight to ':' */
        if ((rc = expect(s, '/', "and the impact angle after the impact speed")) ||
            (rc = number(s, &F_ANGLE, &r->angle_deg)) ||
            (rc = expect(s, ':', "before the penetration")))
            return rc;
    } else {
        s->p++;
    }
    if ((rc = number(s, &F_PENETRATION, &r->penetration_m)))
        return rc;
    bool has_foundation = false;
    skip_ws(s);
    if (*s->p == '/') {
        s->p++;
        skip_ws(s);
        if (!is_digit(*s->p) && !(*s->p == '-' && is_digit(s->p[1]))) {
            if (!(has_foundation = foundation(s)))
                return fail(s, s->p,
                            *s->p ? "expected the dispersion or a foundation class (A, Ap, B, C)"
                                  : "missing the dispersion after '/'");
        } else if ((rc = number(s, &F_DISPERSION, &r->dispersion_m))) {
            return rc;
        } else if (skip_ws(s), *s->p == '/') { /* ".../10.0/A" */
            s->p++;
            skip_ws(s);
            if (!(has_foundation = foundation(s)))
                return fail(s, s->p,
                            "expected a foundation class (A, Ap, B, C) after the dispersion");
        }
    }
    /* number() rejects a letter glued to a number, so a letter here
     * follows whitespace: "...:1.1 A" */
    skip_ws(s);
    if (!has_foundation)
        foundation(s);
    skip_ws(s);
    if (*s->p)
        return fail(s, s->p, "unexpected text after the rating");

    r->standard = pf->standard != CPTED_RATING_UNKNOWN ? pf->standard
                  : iwa_class                          ? CPTED_RATING_IWA14
                                                       : CPTED_RATING_PAS68;
    bool early_pas = r->standard == CPTED_RATING_PAS68 && pf->edition <= 2007; /* 0: not given */
    if (isnan(r->angle_deg) && !early_pas)
        return fail(s, angle_at, "missing the impact angle (only PAS 68:2005/2007 strings omit it; "
                                 "this is %s%s)",
                    cpted_rating_standard_name(r->standard),
                    pf->edition ? " of a later edition" : "");
    if (r->method[0] == 'P' && r->standard == CPTED_RATING_PAS68 && pf->edition >= 2010)
        return fail(s, method_at, "method P (pendulum) was dropped in PAS 68:2010");
    return CPTED_OK;
}

/* ---- ASTM F2656 and DoS K ratings ----------------------------------- */

/* Reads the optional "/P1" or "/L3" after the speed designation: separated
 * by '/', '-' or whitespace. Returns the category digit (0 when absent). */
static int category(scanner *s, char letter, int max, const char *what, int *out)
{
    *out = 0;
    bool spaced = skip_ws(s);
    if (*s->p == '/' || *s->p == '-') {
        s->p++;
        skip_ws(s);
    } else if (!*s->p || !spaced) {
        return *s->p ? fail(s, s->p, "unexpected text after the %s designation", what) : CPTED_OK;
    }
    const char *at = s->p;
    if (upper(*s->p) != letter || !is_digit(s->p[1]) || is_digit(s->p[2])) {
        if (!*s->p)
            return fail(s, at, "missing the penetration category (%c1..%c%d)", letter, letter, max);
        return fail(s, at, "expected the %s penetration category %c1..%c%d", what, letter, letter,
                    max);
    }
    int k = s->p[1] - '0';
    if (k < 1 || k > max)
        return fail(s, at, "unknown %s penetration category %c%d (%c1..%c%d)", what, letter, k,
                    letter, letter, max);
    s->p += 2;
    skip_ws(s);
    if (*s->p)
        return fail(s, s->p, "unexpected text after the rating");
    *out = k;
    return CPTED_OK;
}

/* C7 vs C: "C740"/"C7 40" is C7 at 40 mph because ASTM speeds have two digits. */
static size_t astm_class_length(const char *p)
{
    size_t n = 0;
    while (is_alpha(p[n]))
        n++;
    if (n == 1 && upper(p[0]) == 'C' && p[1] == '7') {
        const char *q = p + 2;
        while (is_space(*q))
            q++;
        if (is_digit(q[0]) && is_digit(q[1]) && !is_digit(q[2]))
            return 2;
    }
    return n;
}

static int parse_astm(scanner *s, const prefix *pf, cpted_rating *r)
{
    const char *code = s->p;
    size_t n = astm_class_length(code), i, count = sizeof astm_classes / sizeof *astm_classes;
    for (i = 0; i < count && !same_code(code, n, astm_classes[i].code); i++)
        ;
    if (i == count)
        return fail(s, code,
                    "not a rating: expected <method>/<mass>[<class>]/<speed>/<angle>:<penetration> "
                    "(PAS 68, IWA 14-1, ISO 22343-1), an ASTM F2656 designation such as M50/P1 "
                    "(classes C, C7, FS, PU, M, H) or a DoS rating such as K12/L3");
    if (pf->standard != CPTED_RATING_UNKNOWN && pf->standard != CPTED_RATING_ASTM_F2656)
        return fail(s, code, "an ASTM F2656 designation after the prefix of %s",
                    cpted_rating_standard_name(pf->standard));
    s->p += n;
    skip_ws(s);
    const char *speed_at = s->p;
    int mph = 0;
    while (is_digit(*s->p) && mph < 1000)
        mph = mph * 10 + (*s->p++ - '0');
    if (s->p == speed_at)
        return fail(s, speed_at, "missing the speed in mph after the ASTM vehicle class %s",
                    astm_classes[i].code);
    if (mph != 30 && mph != 40 && mph != 50 && mph != 60)
        return fail(s, speed_at, "ASTM F2656 speed %d mph is not one of 30, 40, 50, 60", mph);
    int k, rc = category(s, 'P', 4, "ASTM F2656", &k);
    if (rc)
        return rc;
    r->standard = CPTED_RATING_ASTM_F2656;
    snprintf(r->method, sizeof r->method, "V");
    snprintf(r->vehicle_class, sizeof r->vehicle_class, "%s", astm_classes[i].code);
    r->mass_kg = astm_classes[i].mass_kg;
    r->speed_kmh = mph * MPH_TO_KMH;
    r->angle_deg = 90.0;
    if (k) {
        r->penetration_m = astm_penetration_m[k - 1];
        snprintf(r->category, sizeof r->category, "P%d", k);
    }
    return CPTED_OK;
}

static int parse_dos(scanner *s, const prefix *pf, cpted_rating *r)
{
    const char *at = s->p;
    if (pf->standard != CPTED_RATING_UNKNOWN && pf->standard != CPTED_RATING_DOS_K)
        return fail(s, at, "a DoS K rating after the prefix of %s",
                    cpted_rating_standard_name(pf->standard));
    s->p++;
    int kval = 0;
    while (is_digit(*s->p) && kval < 1000)
        kval = kval * 10 + (*s->p++ - '0');
    double mph = kval == 4 ? 30.0 : kval == 8 ? 40.0 : kval == 12 ? 50.0 : 0.0;
    if (mph == 0.0)
        return fail(s, at, "DoS ratings are K4, K8 and K12");
    int l, rc = category(s, 'L', 3, "DoS", &l);
    if (rc)
        return rc;
    r->standard = CPTED_RATING_DOS_K;
    snprintf(r->method, sizeof r->method, "V");
    snprintf(r->vehicle_class, sizeof r->vehicle_class, "M"); /* the ASTM M truck */
    r->mass_kg = DOS_MASS_KG;
    r->speed_kmh = mph * MPH_TO_KMH;
    r->angle_deg = 90.0;
    r->penetration_m = l ? dos_penetration_m[l - 1] : DOS_REV_A_PENETRATION_M;
    if (l)
        snprintf(r->category, sizeof r->category, "L%d", l);
    return CPTED_OK;
}

/* ---- entry points ---------------------------------------------------- */

static void rating_clear(cpted_rating *r, uint32_t struct_size)
{
    memset(r, 0, sizeof *r);
    r->struct_size = struct_size;
    r->standard = CPTED_RATING_UNKNOWN;
    r->mass_kg = r->speed_kmh = r->angle_deg = NAN;
    r->penetration_m = r->dispersion_m = NAN;
}

static int parse(scanner *s, cpted_rating *r)
{
    prefix pf = {CPTED_RATING_UNKNOWN, 0};
    skip_ws(s);
    if (!*s->p)
        return fail(s, s->p, "empty rating string");
    int rc = parse_prefix(s, &pf);
    if (rc)
        return rc;
    char c = upper(*s->p);
    const char *after = s->p + 1;
    while (is_space(*after))
        after++;
    if ((c == 'V' || c == 'F' || c == 'P') && *after == '/') {
        if (pf.standard == CPTED_RATING_ASTM_F2656 || pf.standard == CPTED_RATING_DOS_K)
            return fail(s, s->p, "a PAS 68 / IWA 14-1 / ISO 22343-1 rating after the prefix of %s",
                        cpted_rating_standard_name(pf.standard));
        return parse_vehicle_test(s, &pf, r);
    }
    if (c == 'K' && is_digit(s->p[1]))
        return parse_dos(s, &pf, r);
    if (is_alpha(c))
        return parse_astm(s, &pf, r);
    return fail(s, s->p, "a rating starts with a method letter (V, F, P), an ASTM F2656 vehicle "
                         "class or K");
}

CPTED_API int CPTED_CALL cpted_rating_parse(cpted_rating *out, cpted_context *ctx, const char *text)
{
    if (!out)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_rating_parse: out is NULL");
    int rc = cpted__check_struct(ctx, out, out->struct_size, CPTED_RATING_V1_SIZE, sizeof *out,
                                 "cpted_rating");
    if (rc)
        return rc;
    uint32_t struct_size = out->struct_size;
    /* the caller's struct may be the (shorter) 1.0 layout: only its size is written */
    size_t n = struct_size < sizeof *out ? struct_size : sizeof *out;
    cpted_rating r;
    rating_clear(&r, struct_size);
    memcpy(out, &r, n);
    if (!text)
        return cpted__error(ctx, CPTED_E_INVALID, "cpted_rating_parse: text is NULL");
    scanner s = {ctx, text, text};
    rc = parse(&s, &r);
    if (rc == CPTED_OK)
        memcpy(out, &r, n); /* only a complete parse is published */
    return rc;
}

CPTED_API const char *CPTED_CALL cpted_rating_standard_name(int32_t standard)
{
    switch (standard) {
    case CPTED_RATING_PAS68: return "PAS 68";
    case CPTED_RATING_IWA14: return "IWA 14-1";
    case CPTED_RATING_ISO22343: return "ISO 22343-1";
    case CPTED_RATING_ASTM_F2656: return "ASTM F2656";
    case CPTED_RATING_DOS_K: return "DoS SD-STD-02.01";
    default: return "unknown";
    }
}
