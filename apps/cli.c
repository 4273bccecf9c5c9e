/*
 * cli.c - the machinery every `cpted` command shares.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    size_t offset;
    double scale; /* value given * scale = SI value */
    const char *help;
} vehicle_override;

static const vehicle_override overrides[] = {
    {"vehicle-mass", offsetof(cpted_vehicle, mass_kg), 1.0, "mass in kg"},
    {"vehicle-width", offsetof(cpted_vehicle, width_m), 1.0, "width in m"},
    {"vehicle-length", offsetof(cpted_vehicle, length_m), 1.0, "length in m"},
    {"vehicle-a0", offsetof(cpted_vehicle, a0_mps2), 1.0, "acceleration from standstill in m/s2"},
    {"vehicle-vmax", offsetof(cpted_vehicle, vmax_mps), 1.0 / 3.6, "top speed in km/h"},
    {"vehicle-friction", offsetof(cpted_vehicle, lateral_friction), 1.0, "lateral friction f"},
    {"vehicle-braking", offsetof(cpted_vehicle, braking_mps2), 1.0, "braking in m/s2"},
    {"vehicle-turn-radius", offsetof(cpted_vehicle, min_turn_radius_m), 1.0,
     "minimum turning radius in m"},
};
#define N_OVERRIDES (sizeof overrides / sizeof overrides[0])

static void print_usage(FILE *f, const char *usage, const cli_extra_option *extra)
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
            "  --gates-closed         OSM gates stay closed and operable bollards are up\n"
            "  --assets-where SQL     buildings matching this OGR attribute filter are assets\n"
            "  --asset-id ID          this building is an asset: way/123, relation/45 or\n"
            "                         layer:fid (repeatable)\n"
            "  --asset-name TEXT      buildings whose name contains TEXT are assets\n"
            "                         (repeatable; ASCII case-insensitive)\n"
            "  --soft-blocking        soft features (street furniture) block vehicles\n"
            "  --boundary FILE|BBOX   extent of the study: a file of polygons, or\n"
            "                         minx,miny,maxx,maxy in the output CRS\n"
            "  --drivable MODEL       everything (default: all unblocked ground inside the\n"
            "                         boundary; pavements do not stop a vehicle) or roads\n"
            "                         (only mapped ground and roads: traffic studies)\n"
            "  --vehicle CLASS        design vehicle (default M1); see docs/vehicles.md\n");
    for (size_t i = 0; i < N_OVERRIDES; i++)
        fprintf(f, "  --%-21s %s\n", overrides[i].name, overrides[i].help);
    fprintf(f,
            "  --json FILE|-          write the JSON result (- = stdout)\n"
            "  -o OUT [-f FORMAT]     write result layers\n"
            "  --overwrite            replace existing outputs\n"
            "  --fail-on-findings     exit 1 when the analysis finds failures\n"
            "  --quiet                no warnings or progress on stderr\n"
            "  --help                 this text\n");
}

static int usage_error(const char *command, const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "cpted %s: ", command);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nusage: %s\n(see cpted %s --help)\n", usage, command);
    return CLI_EXIT_USAGE;
}

int cli_parse(int argc, char **argv, const char *command, const char *usage,
              const cli_extra_option *extra, void *payload, cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->command = command;
    if (cpted_vehicle_preset(&o->vehicle, sizeof o->vehicle, "M1") != CPTED_OK) {
        fprintf(stderr, "cpted %s: the default vehicle preset M1 is missing\n", command);
        return CLI_EXIT_INTERNAL;
    }
    /* Overrides apply after --vehicle wherever they appear. */
    double override_value[N_OVERRIDES];
    int override_set[N_OVERRIDES] = {0};

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(stdout, usage, extra);
            return CLI_EXIT_OK;
        }
        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (o->source_count == CLI_MAX_ITEMS)
                return usage_error(command, usage, "too many sources (%s)", arg);
            o->sources[o->source_count++] = arg;
            continue;
        }
        /* flags */
        int *flag = NULL;
        if (strcmp(arg, "--overwrite") == 0)
            flag = &o->overwrite;
        else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)
            flag = &o->quiet;
        else if (strcmp(arg, "--lenient") == 0)
            flag = &o->lenient;
        else if (strcmp(arg, "--gates-closed") == 0)
            flag = &o->gates_closed;
        else if (strcmp(arg, "--soft-blocking") == 0)
            flag = &o->soft_blocking;
        else if (strcmp(arg, "--fail-on-findings") == 0)
            flag = &o->fail_on_findings;
        else if (strcmp(arg, "--allow-distortion") == 0)
            flag = &o->allow_distortion;
        if (flag) {
            *flag = 1;
            continue;
        }
        /* options with a value */
        const char **slot = NULL;
        if (strcmp(arg, "--crs") == 0)
            slot = &o->crs;
        else if (strcmp(arg, "--assume-crs") == 0)
            slot = &o->assume_crs;
        else if (strcmp(arg, "--output-crs") == 0)
            slot = &o->output_crs;
        else if (strcmp(arg, "--json") == 0)
            slot = &o->json_path;
        else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0)
            slot = &o->out_path;
        else if (strcmp(arg, "-f") == 0 || strcmp(arg, "--format") == 0)
            slot = &o->out_format;
        else if (strcmp(arg, "--drivable") == 0)
            slot = &o->drivable;
        else if (strcmp(arg, "--boundary") == 0)
            slot = &o->boundary;
        if (strcmp(arg, "--source-crs") == 0) {
            if (!value || o->source_crs_count == CLI_MAX_ITEMS)
                return usage_error(command, usage, "%s needs a value", arg);
            o->source_crs[o->source_crs_count++] = value;
            i++;
            continue;
        }
        else if (strcmp(arg, "--assets-where") == 0)
            slot = &o->assets_where;
        else if (strcmp(arg, "--asset-id") == 0 && o->asset_id_count < CLI_MAX_ITEMS)
            slot = &o->asset_ids[o->asset_id_count++];
        else if (strcmp(arg, "--asset-name") == 0 && o->asset_name_count < CLI_MAX_ITEMS)
            slot = &o->asset_names[o->asset_name_count++];
        if (slot || strcmp(arg, "--role") == 0 || strcmp(arg, "--vehicle") == 0) {
            if (!value)
                return usage_error(command, usage, "%s needs a value", arg);
            i++;
            if (slot == &o->drivable && strcmp(value, "everything") != 0 &&
                strcmp(value, "roads") != 0) {
                return usage_error(command, usage,
                                   "--drivable takes 'everything' or 'roads', not '%s'", value);
            } else if (slot) {
                *slot = value;
            } else if (strcmp(arg, "--role") == 0) {
                if (!strchr(value, '=') || o->role_count == CLI_MAX_ITEMS)
                    return usage_error(command, usage, "--role takes LAYER=ROLE, not '%s'", value);
                o->roles[o->role_count++] = value;
            } else if (cpted_vehicle_preset(&o->vehicle, sizeof o->vehicle, value) != CPTED_OK) {
                return usage_error(command, usage, "unknown vehicle class '%s' (see docs/vehicles.md)",
                                   value);
            }
            continue;
        }
        int handled = 0;
        for (size_t k = 0; k < N_OVERRIDES && !handled; k++) {
            if (strncmp(arg, "--", 2) || strcmp(arg + 2, overrides[k].name))
                continue;
            handled = 1;
            if (!value || cli_parse_double(value, &override_value[k]) != 0)
                return usage_error(command, usage, "%s needs a number", arg);
            override_set[k] = 1;
            i++;
        }
        for (const cli_extra_option *e = extra; e && e->name && !handled; e++) {
            if (strncmp(arg, "--", 2) || strcmp(arg + 2, e->name))
                continue;
            handled = 1;
            if (e->takes_value) {
                if (!value)
                    return usage_error(command, usage, "%s needs a value", arg);
                i++;
            }
            if (e->handle(value, payload) != 0) {
                fprintf(stderr, "cpted %s: invalid value for %s: '%s'\n", command, arg,
                        value ? value : "");
                return CLI_EXIT_USAGE;
            }
        }
        if (!handled)
            return usage_error(command, usage, "unknown option %s", arg);
    }
    for (size_t k = 0; k < N_OVERRIDES; k++)
        if (override_set[k])
            *(double *)((char *)&o->vehicle + overrides[k].offset) =
                override_value[k] * overrides[k].scale;
    if (o->source_count == 0)
        return usage_error(command, usage, "%s", "no SOURCE given");
    /* An existing output is refused before any work, the same way for --json and -o
     * (the writers check again: one-file-per-layer formats name their own files). */
    const char *outputs[] = {o->json_path && strcmp(o->json_path, "-") != 0 ? o->json_path : NULL,
                             o->out_path};
    struct stat st;
    for (size_t k = 0; k < 2 && !o->overwrite; k++) {
        if (outputs[k] && stat(outputs[k], &st) == 0) {
            fprintf(stderr, "cpted %s: '%s' exists; use --overwrite to replace it\n", command,
                    outputs[k]);
            return CLI_EXIT_USAGE;
        }
    }
    return -1;
}

/* ---- context, site, vehicle -------------------------------------------- */

static void log_to_stderr(int32_t level, const char *message, void *payload)
{
    const cli_options *o = payload;
    if (level == CPTED_LOG_ERROR)
        return; /* errors are printed once by cli_fail() */
    fprintf(stderr, "cpted %s: %s: %s\n", o->command,
            level == CPTED_LOG_WARNING ? "warning" : "note", message);
}

static void progress_bar(double fraction, const char *stage, void *payload)
{
    (void)payload;
    int width = 30, filled = (int)(fraction * width + 0.5);
    if (filled < 0)
        filled = 0;
    if (filled > width)
        filled = width;
    fprintf(stderr, "\r%-10s [%.*s%*s] %3d%%", stage, filled, "##############################",
            width - filled, "", (int)(fraction * 100 + 0.5));
    if (fraction >= 1.0)
        fputc('\n', stderr);
    fflush(stderr);
}

cpted_context *cli_context(const cli_options *o)
{
    cpted_context *ctx = NULL;
    if (cpted_context_new(&ctx) != CPTED_OK) {
        fprintf(stderr, "cpted %s: cannot create a context (out of memory)\n", o->command);
        exit(CLI_EXIT_INTERNAL);
    }
    if (!o->quiet) {
        cpted_context_set_log(ctx, CPTED_LOG_NOTICE, log_to_stderr, (void *)o);
        if (isatty(STDERR_FILENO))
            cpted_context_set_progress(ctx, progress_bar, NULL);
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
    default: return CLI_EXIT_INTERNAL;
    }
}

int cli_fail(cpted_context *ctx, const cli_options *o, int status)
{
    const char *msg = cpted_context_last_error(ctx);
    fprintf(stderr, "cpted %s: %s\n", o->command, *msg ? msg : cpted_status_string(status));
    return cli_exit_code(status);
}

int cli_open_site(cpted_context *ctx, const cli_options *o, cpted_site **out)
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
    int rc = cpted_site_open(out, ctx, o->sources, o->source_count, &so);
    return rc == CPTED_OK ? CLI_EXIT_OK : cli_fail(ctx, o, rc);
}

void cli_freespace_options(const cli_options *o, cpted_freespace_options *fs)
{
    fs->soft_blocking = o->soft_blocking;
    fs->drivable = o->drivable && strcmp(o->drivable, "roads") == 0 ? CPTED_DRIVABLE_ROADS
                                                                    : CPTED_DRIVABLE_EVERYTHING;
}

int cli_check_vehicle(cpted_context *ctx, const cli_options *o)
{
    int rc = cpted_vehicle_validate(ctx, &o->vehicle);
    if (rc == CPTED_OK)
        return CLI_EXIT_OK;
    fprintf(stderr, "cpted %s: %s\n", o->command, cpted_context_last_error(ctx));
    return CLI_EXIT_USAGE;
}

/* ---- output ------------------------------------------------------------- */

int cli_write_file_atomic(const char *path, const char *text, int overwrite)
{
    struct stat st;
    if (!overwrite && stat(path, &st) == 0) {
        fprintf(stderr, "cpted: '%s' exists; use --overwrite to replace it\n", path);
        return CLI_EXIT_USAGE;
    }
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return CLI_EXIT_INTERNAL;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fputs(text, f) >= 0;
    if (f)
        ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "cpted: cannot write '%s': %s\n", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return CLI_EXIT_INPUT;
    }
    free(tmp);
    return CLI_EXIT_OK;
}

int cli_write_json(const cli_options *o, const char *json)
{
    if (!o->json_path)
        return CLI_EXIT_OK;
    if (strcmp(o->json_path, "-") == 0) {
        fputs(json, stdout);
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
    }
    return cli_write_file_atomic(o->json_path, json, o->overwrite);
}
