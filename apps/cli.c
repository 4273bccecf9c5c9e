/*
 * cli.c - the machinery every `cpted` command shares.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- parsing ------------------------------------------------------------ */

int cli_parse_double(const char *text, double *out)
{
    if (!text || !*text)
        return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Vehicle overrides: option name -> field, with a unit conversion. */
typedef struct vehicle_override {
    const char *name;
    const char *field; /* the cpted_vehicle field named in validation messages */
    size_t offset;
    double scale; /* value given * scale = SI value */
    const char *help;
} vehicle_override;

#define OVERRIDE(opt, f, scale, help) {opt, #f, offsetof(cpted_vehicle, f), scale, help}

static const vehicle_override overrides[] = {
    OVERRIDE("vehicle-mass", mass_kg, 1.0, "mass in kg"),
    OVERRIDE("vehicle-width", width_m, 1.0, "width in m"),
    OVERRIDE("vehicle-length", length_m, 1.0, "length in m"),
    OVERRIDE("vehicle-a0", a0_mps2, 1.0, "acceleration from standstill in m/s2"),
    OVERRIDE("vehicle-vmax", vmax_mps, 1.0 / 3.6, "top speed in km/h"),
    OVERRIDE("vehicle-friction", lateral_friction, 1.0, "lateral friction f"),
    OVERRIDE("vehicle-braking", braking_mps2, 1.0, "braking in m/s2"),
    OVERRIDE("vehicle-turn-radius", min_turn_radius_m, 1.0, "minimum turning radius in m"),
};
#define N_OVERRIDES (sizeof overrides / sizeof overrides[0])

static void print_usage(FILE *f, const char *usage, const cli_extra_option *extra,
                        unsigned takes)
{
    fprintf(f, "usage: %s\n\n", usage);
    if (extra && extra[0].name) {
        fprintf(f, "options of this command:\n");
        for (const cli_extra_option *e = extra; e->name; e++)
            fprintf(f, "  --%s%s\n      %s\n", e->name, e->takes_value ? " VALUE" : "", e->help);
    }
    fprintf(f,
            "common options:\n"
            "  --role LAYER=ROLE      map a layer to a role (repeatable)\n"
            "  --crs CRS              working CRS (metric); default: the data's, or UTM for lon/lat\n"
            "  --assume-crs CRS       CRS of sources that declare none\n"
            "  --source-crs [SOURCE=]CRS  CRS of SOURCE (path, file name or stem; without\n"
            "                         SOURCE=: all), replacing what it declares (repeatable)\n"
            "  --allow-distortion     accept a working CRS whose scale at the site is off\n"
            "                         by more than 0.1 %% (distances are then that CRS's)\n"
            "  --output-crs CRS       CRS of results; default: the first source's\n"
            "  --lenient              skip bad features with a counted warning\n"
            "  --boundary FILE|BBOX   extent of the study: a file of polygons, or\n"
            "                         minx,miny,maxx,maxy in the output CRS\n"
            "  --gates-closed         OSM gates stay closed and operable bollards are up\n"
            "  --assets-where SQL     buildings matching this OGR attribute filter are assets\n"
            "  --asset-id ID          this building is an asset: way/123, relation/45 or\n"
            "                         layer:fid (repeatable)\n"
            "  --asset-name TEXT      buildings whose name contains TEXT are assets\n"
            "                         (repeatable; ASCII case-insensitive)\n");
    if (takes & CLI_TAKES_ANALYSIS) {
        fprintf(f,
                "  --soft-blocking        soft features (street furniture) block vehicles\n"
                "  --drivable MODEL       everything (default: all unblocked ground inside the\n"
                "                         boundary; pavements do not stop a vehicle) or roads\n"
                "                         (only mapped ground and roads: traffic studies)\n"
                "  --vehicle CLASS        design vehicle (default M1); see docs/vehicles.md\n");
        for (size_t i = 0; i < N_OVERRIDES; i++)
            fprintf(f, "  --%-21s %s\n", overrides[i].name, overrides[i].help);
    }
    fprintf(f, "  --json FILE|-          write the JSON result (- = stdout)\n");
    if (takes & CLI_TAKES_ANALYSIS)
        fprintf(f, "  -o OUT [-f FORMAT]     write result layers (.gpkg, .geojson, .json, .fgb)\n");
    fprintf(f, "  --overwrite            replace existing outputs\n");
    if (takes & CLI_TAKES_ANALYSIS)
        fprintf(f, "  --fail-on-findings     exit 1 when the analysis finds failures\n");
    fprintf(f,
            "  --quiet                no notes, warnings or progress on stderr\n"
            "  --help                 this text\n"
            "Options with a value also take the form --option=VALUE.\n");
}

static int usage_error(const char *command, const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "cpted %s: ", command);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nusage: %s\n(see cpted %s --help)\n", usage, command);
    return CLI_EXIT_USAGE;
}

/* "(0, 100000] kg" of a library option range into buf. */
static int range_text(const char *field, char *buf, size_t size)
{
    double lo, hi;
    int32_t lo_in, hi_in;
    const char *unit;
    if (cpted_option_range(field, &lo, &hi, &lo_in, &hi_in, &unit) != CPTED_OK)
        return -1;
    /* a count ("headings") has no unit: no space before the message's comma */
    snprintf(buf, size, "%c%g, %g%c%s%s", lo_in ? '[' : '(', lo, hi, hi_in ? ']' : ')',
             *unit ? " " : "", unit);
    return 0;
}

/* 1 when v is inside the library range of `field`. */
static int in_range(const char *field, double v)
{
    double lo, hi;
    int32_t lo_in, hi_in;
    if (cpted_option_range(field, &lo, &hi, &lo_in, &hi_in, NULL) != CPTED_OK || !isfinite(v))
        return 0;
    return (lo_in ? v >= lo : v > lo) && (hi_in ? v <= hi : v < hi);
}

/* Flags of the common options: name, the group that takes it, the field. */
typedef struct flag_option {
    const char *name;
    unsigned group; /* 0 = every command */
    size_t offset;
} flag_option;

static const flag_option flags[] = {
    {"--overwrite", 0, offsetof(cli_options, overwrite)},
    {"--quiet", 0, offsetof(cli_options, quiet)},
    {"-q", 0, offsetof(cli_options, quiet)},
    {"--lenient", 0, offsetof(cli_options, lenient)},
    {"--allow-distortion", 0, offsetof(cli_options, allow_distortion)},
    {"--gates-closed", 0, offsetof(cli_options, gates_closed)},
    {"--soft-blocking", CLI_TAKES_ANALYSIS, offsetof(cli_options, soft_blocking)},
    {"--fail-on-findings", CLI_TAKES_ANALYSIS, offsetof(cli_options, fail_on_findings)},
};

/* Common options with a value stored as text (NULL offset: handled apart). */
typedef struct value_option {
    const char *name;
    unsigned group;
    size_t offset;
    int special; /* 1 --role, 2 --vehicle, 3 repeatable (offset: array, count after it), 4 --drivable */
} value_option;

static const value_option values[] = {
    {"--crs", 0, offsetof(cli_options, crs), 0},
    {"--assume-crs", 0, offsetof(cli_options, assume_crs), 0},
    {"--output-crs", 0, offsetof(cli_options, output_crs), 0},
    {"--json", 0, offsetof(cli_options, json_path), 0},
    {"-o", CLI_TAKES_ANALYSIS, offsetof(cli_options, out_path), 0},
    {"--output", CLI_TAKES_ANALYSIS, offsetof(cli_options, out_path), 0},
    {"-f", CLI_TAKES_ANALYSIS, offsetof(cli_options, out_format), 0},
    {"--format", CLI_TAKES_ANALYSIS, offsetof(cli_options, out_format), 0},
    {"--role", 0, 0, 1},
    {"--vehicle", CLI_TAKES_ANALYSIS, 0, 2},
    {"--source-crs", 0, offsetof(cli_options, source_crs), 3},
    {"--boundary", 0, offsetof(cli_options, boundary), 0},
    {"--assets-where", 0, offsetof(cli_options, assets_where), 0},
    {"--asset-id", 0, offsetof(cli_options, asset_ids), 3},
    {"--asset-name", 0, offsetof(cli_options, asset_names), 3},
    {"--drivable", CLI_TAKES_ANALYSIS, offsetof(cli_options, drivable), 4},
};

/* Repeatable options: each array is followed by its count (special 3 relies on it). */
#define CLI_COUNT_FOLLOWS(items, count)                                                         \
    _Static_assert(offsetof(cli_options, count) ==                                              \
                       offsetof(cli_options, items) + sizeof(((cli_options *)0)->items),        \
                   #count " must follow " #items)
CLI_COUNT_FOLLOWS(source_crs, source_crs_count);
CLI_COUNT_FOLLOWS(asset_ids, asset_id_count);
CLI_COUNT_FOLLOWS(asset_names, asset_name_count);

int cli_parse(int argc, char **argv, const char *command, const char *usage,
              const cli_extra_option *extra, void *payload, unsigned takes, cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->command = command;
    o->takes = takes;
    if (cpted_vehicle_preset(&o->vehicle, sizeof o->vehicle, "M1") != CPTED_OK) {
        fprintf(stderr, "cpted %s: the default vehicle preset M1 is missing\n", command);
        return CLI_EXIT_INTERNAL;
    }
    /* Overrides apply after --vehicle wherever they appear. */
    double override_value[N_OVERRIDES];
    int override_set[N_OVERRIDES] = {0};
    int options_done = 0; /* after "--" everything is a source */

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (o->source_count == CLI_MAX_ITEMS)
                return usage_error(command, usage, "too many sources (%s)", arg);
            o->sources[o->source_count++] = arg;
            continue;
        }
        /* --name=VALUE: the name and an inline value */
        char name[64];
        const char *inline_value = NULL;
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        if (eq) {
            size_t n = (size_t)(eq - arg);
            if (n >= sizeof name)
                return usage_error(command, usage, "unknown option %s", arg);
            memcpy(name, arg, n);
            name[n] = '\0';
            inline_value = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", arg);
        }
        if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
            print_usage(stdout, usage, extra, takes);
            return CLI_EXIT_OK;
        }
        /* the value of an option: inline, or the next argument */
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE_VALUE(v)                                                                           \
    do {                                                                                        \
        if (inline_value) {                                                                     \
            (v) = inline_value;                                                                 \
        } else {                                                                                \
            if (!next)                                                                          \
                return usage_error(command, usage, "%s needs a value", name);                   \
            (v) = next;                                                                         \
            i++;                                                                                \
        }                                                                                       \
    } while (0)

        int handled = 0;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0] && !handled; k++) {
            if (strcmp(name, flags[k].name) != 0 || (flags[k].group & ~takes))
                continue;
            if (inline_value)
                return usage_error(command, usage, "%s takes no value", name);
            *(int *)((char *)o + flags[k].offset) = 1;
            handled = 1;
        }
        for (size_t k = 0; k < sizeof values / sizeof values[0] && !handled; k++) {
            if (strcmp(name, values[k].name) != 0 || (values[k].group & ~takes))
                continue;
            handled = 1;
            const char *value;
            TAKE_VALUE(value);
            if (values[k].special == 1) {
                if (!strchr(value, '=') || value[0] == '=')
                    return usage_error(command, usage, "--role takes LAYER=ROLE, not '%s'", value);
                if (o->role_count == CLI_MAX_ITEMS)
                    return usage_error(command, usage, "too many --role (%s)", value);
                o->roles[o->role_count++] = value;
            } else if (values[k].special == 2) {
                if (cpted_vehicle_preset(&o->vehicle, sizeof o->vehicle, value) != CPTED_OK)
                    return usage_error(command, usage,
                                       "unknown vehicle class '%s' (see docs/vehicles.md)", value);
            } else if (values[k].special == 3) {
                /* an array of CLI_MAX_ITEMS texts followed by its count */
                const char **items = (const char **)((char *)o + values[k].offset);
                size_t *count = (size_t *)(items + CLI_MAX_ITEMS);
                if (!*value)
                    return usage_error(command, usage, "%s needs a value", name);
                if (*count == CLI_MAX_ITEMS)
                    return usage_error(command, usage, "too many %s", name);
                items[(*count)++] = value;
            } else if (values[k].special == 4 && strcmp(value, "everything") != 0 &&
                       strcmp(value, "roads") != 0) {
                return usage_error(command, usage,
                                   "--drivable takes 'everything' or 'roads', not '%s'", value);
            } else {
                if (!*value)
                    return usage_error(command, usage, "%s needs a value", name);
                *(const char **)((char *)o + values[k].offset) = value;
            }
        }
        for (size_t k = 0; k < N_OVERRIDES && !handled && (takes & CLI_TAKES_ANALYSIS); k++) {
            if (strncmp(name, "--", 2) || strcmp(name + 2, overrides[k].name))
                continue;
            handled = 1;
            const char *value;
            TAKE_VALUE(value);
            if (cli_parse_double(value, &override_value[k]) != 0) {
                fprintf(stderr, "cpted %s: %s needs a number, not '%s'\n", command, name, value);
                return CLI_EXIT_USAGE;
            }
            override_set[k] = 1;
        }
        for (const cli_extra_option *e = extra; e && e->name && !handled; e++) {
            if (strncmp(name, "--", 2) || strcmp(name + 2, e->name))
                continue;
            handled = 1;
            const char *value = NULL;
            if (e->takes_value)
                TAKE_VALUE(value);
            else if (inline_value)
                return usage_error(command, usage, "%s takes no value", name);
            if (e->range) {
                char range[96];
                double v;
                if (cli_parse_double(value, &v) != 0) {
                    fprintf(stderr, "cpted %s: %s needs a number, not '%s'\n", command, name,
                            value);
                    return CLI_EXIT_USAGE;
                }
                if (range_text(e->range, range, sizeof range) != 0) {
                    fprintf(stderr, "cpted %s: the library has no range for %s\n", command,
                            e->range);
                    return CLI_EXIT_INTERNAL;
                }
                if (!in_range(e->range, v)) {
                    fprintf(stderr, "cpted %s: %s must be in %s, not %s\n", command, name, range,
                            value);
                    return CLI_EXIT_USAGE;
                }
            }
            if (e->handle(value, payload) != 0) {
                fprintf(stderr, "cpted %s: invalid value for %s: '%s'\n", command, name,
                        value ? value : "");
                return CLI_EXIT_USAGE;
            }
        }
#undef TAKE_VALUE
        if (!handled)
            return usage_error(command, usage, "unknown option %s", name);
    }
    for (size_t k = 0; k < N_OVERRIDES; k++)
        if (override_set[k])
            *(double *)((char *)&o->vehicle + overrides[k].offset) =
                override_value[k] * overrides[k].scale;
    if (o->source_count == 0)
        return usage_error(command, usage, "%s", "no SOURCE given");
    return -1;
}

/* ---- interrupts --------------------------------------------------------- */

static volatile sig_atomic_t interrupted_flag = 0;

static void on_signal(int sig)
{
    (void)sig;
    interrupted_flag = 1;
}

void cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* reads and writes go on; the library polls the flag */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_interrupted(void) { return interrupted_flag != 0; }

static int32_t interrupt_callback(void *payload)
{
    (void)payload;
    return interrupted_flag != 0;
}

int cli_report_interrupt(const cli_options *o)
{
    fprintf(stderr, "cpted %s: interrupted\n", o->command);
    return CLI_EXIT_INTERRUPTED;
}

/* ---- messages and tables ------------------------------------------------- */

/* Writes msg[0..n) with the library's hidden temporary file names
 * ".STEM.tmp-PID-HEX.EXT" (lib/write.c, which GDAL's reasons repeat) shown as
 * the file they become, "STEM.EXT". */
static void put_untemp(FILE *f, const char *msg, size_t n)
{
    char mark[40];
    int m = snprintf(mark, sizeof mark, ".tmp-%lu-", (unsigned long)getpid());
    const char *p = msg, *end = msg + n;
    while (p < end) {
        const char *q = NULL;
        for (const char *t = p; t + m <= end && !q; t++)
            if (memcmp(t, mark, (size_t)m) == 0)
                q = t;
        if (!q) {
            fwrite(p, 1, (size_t)(end - p), f);
            return;
        }
        const char *start = q;
        while (start > p && start[-1] != '/' && start[-1] != ' ' && start[-1] != '\'' &&
               start[-1] != '(')
            start--;
        const char *after = q + m;
        while (after < end &&
               ((*after >= '0' && *after <= '9') || (*after >= 'a' && *after <= 'f')))
            after++;
        if (*start != '.' || start == q) { /* not a hidden temporary name: keep it */
            fwrite(p, 1, (size_t)(after - p), f);
            p = after;
            continue;
        }
        fwrite(p, 1, (size_t)(start - p), f);
        fwrite(start + 1, 1, (size_t)(q - start - 1), f);
        p = after;
    }
}

void cli_print_message(FILE *f, const cli_options *o, const char *msg)
{
    /* first our temporary directory, then the library's temporary names */
    size_t n = o->tmp_prefix ? strlen(o->tmp_prefix) : 0;
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = n ? open_memstream(&buf, &size) : NULL;
    if (mem) {
        for (const char *p = msg; *p;) {
            const char *hit = strstr(p, o->tmp_prefix);
            if (!hit) {
                fputs(p, mem);
                break;
            }
            fwrite(p, 1, (size_t)(hit - p), mem);
            fputs(o->real_prefix, mem);
            p = hit + n;
        }
        fclose(mem);
        msg = buf;
    }
    put_untemp(f, msg, strlen(msg));
    free(buf);
}

/* Decodes one UTF-8 sequence at s (never past its NUL); returns its length
 * (1 for an invalid byte, decoded as U+FFFD). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    size_t len = s[0] < 0x80 ? 1 : (s[0] >> 5) == 6 ? 2 : (s[0] >> 4) == 14 ? 3
                                                   : (s[0] >> 3) == 30 ? 4 : 0;
    if (len == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t c = len == 1 ? s[0] : (uint32_t)(s[0] & (0x7F >> len));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return len;
}

/* Columns of one code point: 0 for combining marks, 2 for East Asian wide and
 * fullwidth blocks (Unicode UAX #11, the main ranges), else 1. */
static int cp_width(uint32_t c)
{
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
        (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
        (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200B || c == 0x200D)
        return 0;
    if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
        (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
        (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
        (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

int cli_text_width(const char *text)
{
    int w = 0;
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        uint32_t c;
        s += utf8_next(s, &c);
        w += cp_width(c);
    }
    return w;
}

void cli_print_cell(const char *text, int width)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    int used = 0;
    while (*s) {
        uint32_t c;
        size_t len = utf8_next(s, &c);
        int w = cp_width(c);
        if (used + w > width)
            break;
        fwrite(s, 1, len, stdout);
        used += w;
        s += len;
    }
    printf("%*s", width - used, "");
}

void cli_print_point(const cpted_site *site, double x, double y)
{
    double ox = x, oy = y;
    if (cpted_site_to_output(&ox, &oy, site, x, y) != CPTED_OK) {
        printf("(%.3f, %.3f) (working CRS)", x, y);
        return;
    }
    /* degrees in a geographic output CRS: 7 decimals are about 1 cm */
    int degrees = fabs(ox) <= 360.0 && fabs(oy) <= 90.0 && strcmp(cpted_site_crs(site),
                                                                   cpted_site_output_crs(site));
    if (degrees)
        printf("(%.7f, %.7f)", ox, oy);
    else
        printf("(%.3f, %.3f)", ox, oy);
}

/* ---- context, site, vehicle -------------------------------------------- */

static void log_to_stderr(int32_t level, const char *message, void *payload)
{
    const cli_options *o = payload;
    if (level == CPTED_LOG_ERROR)
        return; /* errors are printed once by cli_fail() */
    fprintf(stderr, "cpted %s: %s: ", o->command, level == CPTED_LOG_WARNING ? "warning" : "note");
    cli_print_message(stderr, o, message);
    fputc('\n', stderr);
}

/* The bar's stage and when it started (one bar per process: stderr). */
typedef struct progress_state {
    char stage[32];
    double start_s;
} progress_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "[#####     ]  40%  ETA 1:05": the remaining time of the stage from its rate so
 * far, once it has run a second and done 2 %. */
static void progress_bar(double fraction, const char *stage, void *payload)
{
    progress_state *st = payload;
    if (strncmp(st->stage, stage, sizeof st->stage - 1) != 0) {
        snprintf(st->stage, sizeof st->stage, "%s", stage);
        st->start_s = now_s();
    }
    int width = 30, filled = (int)(fraction * width + 0.5);
    if (filled < 0)
        filled = 0;
    if (filled > width)
        filled = width;
    char eta[32] = "";
    double elapsed = now_s() - st->start_s;
    if (fraction >= 0.02 && fraction < 1.0 && elapsed >= 1.0) {
        double left = elapsed * (1.0 - fraction) / fraction;
        if (left < 360000)
            snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
    }
    fprintf(stderr, "\r%-10s [%.*s%*s] %3d%%%-12s", stage, filled,
            "##############################", width - filled, "", (int)(fraction * 100 + 0.5),
            eta);
    if (fraction >= 1.0)
        fputc('\n', stderr);
    fflush(stderr);
}

cpted_context *cli_context(const cli_options *o)
{
    static progress_state progress;
    cpted_context *ctx = NULL;
    if (cpted_context_new(&ctx) != CPTED_OK) {
        fprintf(stderr, "cpted %s: cannot create a context (out of memory)\n", o->command);
        exit(CLI_EXIT_INTERNAL);
    }
    cpted_context_set_interrupt(ctx, interrupt_callback, NULL);
    /* the free space on the machine's processors (at most 8): the result is the
     * same for any count; `cpted batch --threads N` sets its own */
    (void)cpted_context_set_threads(ctx, 0);
    if (!o->quiet) {
        cpted_context_set_log(ctx, CPTED_LOG_NOTICE, log_to_stderr, (void *)o);
        if (isatty(STDERR_FILENO))
            cpted_context_set_progress(ctx, progress_bar, &progress);
    }
    return ctx;
}

int cli_exit_code(int status)
{
    switch (status) {
    case CPTED_OK: return CLI_EXIT_OK;
    case CPTED_E_INVALID:
    case CPTED_E_IO:
    case CPTED_E_FORMAT:
    case CPTED_E_CRS:
    case CPTED_E_GEOMETRY:
    case CPTED_E_RANGE:
    case CPTED_E_NOTFOUND: return CLI_EXIT_INPUT;
    case CPTED_E_INTERRUPTED: return CLI_EXIT_INTERRUPTED;
    default: return CLI_EXIT_INTERNAL;
    }
}

int cli_fail(cpted_context *ctx, const cli_options *o, int status)
{
    /* a failure after a signal (an I/O call cut short) is the interrupt */
    if (status == CPTED_E_INTERRUPTED || cli_interrupted())
        return cli_report_interrupt(o);
    const char *msg = cpted_context_last_error(ctx);
    fprintf(stderr, "cpted %s: ", o->command);
    cli_print_message(stderr, o, *msg ? msg : cpted_status_string(status));
    fputc('\n', stderr);
    return cli_exit_code(status);
}

int cli_open_site(cpted_context *ctx, const cli_options *o, cpted_site **out)
{
    int rc = cli_site_open_status(ctx, o, out);
    return rc == CPTED_OK ? CLI_EXIT_OK : cli_fail(ctx, o, rc);
}

int cli_site_open_status(cpted_context *ctx, const cli_options *o, cpted_site **out)
{
    cpted_site_options so;
    CPTED_SITE_OPTIONS_INIT(&so);
    so.working_crs = o->crs;
    so.assume_crs = o->assume_crs;
    so.source_crs = o->source_crs;
    so.source_crs_count = o->source_crs_count;
    so.allow_distortion = o->allow_distortion;
    so.output_crs = o->output_crs;
    so.role_map = o->roles;
    so.role_map_count = o->role_count;
    so.lenient = o->lenient;
    so.boundary = o->boundary;
    so.gates_closed = o->gates_closed;
    so.assets_where = o->assets_where;
    so.asset_ids = o->asset_ids;
    so.asset_id_count = o->asset_id_count;
    so.asset_names = o->asset_names;
    so.asset_name_count = o->asset_name_count;
    return cpted_site_open(out, ctx, o->sources, o->source_count, &so);
}

int cli_freespace(cpted_context *ctx, const cli_options *o, cpted_site *site,
                  cpted_freespace **out)
{
    cpted_freespace_options fo;
    if (cpted_freespace_options_init(&fo, sizeof fo) != CPTED_OK) {
        fprintf(stderr, "cpted %s: cannot initialise free-space options\n", o->command);
        return CLI_EXIT_INTERNAL;
    }
    fo.soft_blocking = o->soft_blocking;
    fo.drivable = o->drivable && strcmp(o->drivable, "roads") == 0 ? CPTED_DRIVABLE_ROADS
                                                                   : CPTED_DRIVABLE_EVERYTHING;
    int status = cpted_freespace_new(out, site, &o->vehicle, &fo);
    if (status != CPTED_OK)
        return cli_fail(ctx, o, status);
    /* Loud even with --quiet: a result that could not really run must never be
     * read as "safe". */
    const char *why = cpted_freespace_not_assessed(*out);
    if (why && o->quiet) /* without --quiet the log already printed it */
        fprintf(stderr, "cpted %s: NOT ASSESSED: %s\n", o->command, why);
    return CLI_EXIT_OK;
}

int cli_has_role(const cpted_site *site, int32_t role)
{
    for (size_t i = 0; i < cpted_site_layer_count(site); i++) {
        int64_t n = 0;
        if (cpted_site_layer_role(site, i) == role &&
            cpted_site_get_layer_counts(&n, NULL, NULL, site, i) == CPTED_OK && n > 0)
            return 1;
    }
    return 0;
}

int cli_check_vehicle(cpted_context *ctx, const cli_options *o)
{
    int rc = cpted_vehicle_validate(ctx, &o->vehicle);
    if (rc == CPTED_OK)
        return CLI_EXIT_OK;
    const char *msg = cpted_context_last_error(ctx);
    /* name the option that sets the field the library refused */
    const char *option = NULL;
    for (size_t k = 0; k < N_OVERRIDES && !option; k++) {
        char pattern[48];
        snprintf(pattern, sizeof pattern, ": %s = ", overrides[k].field);
        if (strstr(msg, pattern))
            option = overrides[k].name;
    }
    if (option && strcmp(option, "vehicle-vmax") == 0)
        fprintf(stderr, "cpted %s: --%s (km/h): %s\n", o->command, option, msg);
    else if (option)
        fprintf(stderr, "cpted %s: --%s: %s\n", o->command, option, msg);
    else
        fprintf(stderr, "cpted %s: %s\n", o->command, msg);
    return CLI_EXIT_USAGE;
}
