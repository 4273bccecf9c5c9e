/*
 * cli.h - what every `cpted` command shares: option parsing, opening the
 * site, the vehicle, writing JSON, error reporting and exit codes
 * (architecture.md §9).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CPTED_CLI_H
#define CPTED_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "cpted/cpted.h"

/* Exit codes of architecture.md §9. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FINDINGS = 1, /* only with --fail-on-findings */
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_INPUT = 3,
    CLI_EXIT_INTERNAL = 4
};

#define CLI_MAX_ITEMS 256

/* Options common to all commands, filled by cli_parse(). */
typedef struct cli_options {
    const char *command;
    const char *sources[CLI_MAX_ITEMS];
    size_t source_count;
    const char *roles[CLI_MAX_ITEMS];   /* --role LAYER=ROLE */
    size_t role_count;
    const char *crs;          /* --crs (working CRS) */
    const char *assume_crs;   /* --assume-crs */
    const char *source_crs[CLI_MAX_ITEMS]; /* --source-crs [SOURCE=]CRS */
    size_t source_crs_count;
    int allow_distortion;     /* --allow-distortion */
    const char *output_crs;   /* --output-crs */
    const char *json_path;    /* --json FILE|- */
    const char *out_path;     /* -o OUT */
    const char *out_format;   /* -f FORMAT */
    int overwrite;            /* --overwrite */
    int quiet;                /* --quiet */
    int lenient;              /* --lenient */
    int gates_closed;         /* --gates-closed */
    const char *assets_where; /* --assets-where SQL */
    const char *asset_ids[CLI_MAX_ITEMS];   /* --asset-id ID (repeatable) */
    size_t asset_id_count;
    const char *asset_names[CLI_MAX_ITEMS]; /* --asset-name TEXT (repeatable) */
    size_t asset_name_count;
    int soft_blocking;        /* --soft-blocking */
    const char *boundary;     /* --boundary FILE|BBOX */
    const char *drivable;     /* --drivable everything|roads (NULL: everything) */
    int fail_on_findings;     /* --fail-on-findings */
    cpted_vehicle vehicle;    /* --vehicle CLASS + --vehicle-* overrides (default M1) */
} cli_options;

/* A command-specific option: `--name VALUE` (takes_value) or `--name`. */
typedef struct cli_extra_option {
    const char *name;      /* without the leading dashes */
    int takes_value;
    const char *help;      /* one line for --help */
    /* Stores the value; returns 0, or non-zero when the value is bad (the
     * handler prints nothing: cli_parse reports "invalid value"). */
    int (*handle)(const char *value, void *payload);
} cli_extra_option;

/* Parses argv (after the command name). `extra` ends with a {NULL} entry and
 * may be NULL. Returns -1 to go on, or an exit code to return at once (usage
 * error: 2; --help: 0). `usage` is the command's synopsis line. */
int cli_parse(int argc, char **argv, const char *command, const char *usage,
              const cli_extra_option *extra, void *payload, cli_options *out);

/* Parses a strictly positive/non-negative finite number for option handlers. */
int cli_parse_double(const char *text, double *out);

/* A context whose warnings go to stderr (unless --quiet), with a progress bar
 * when stderr is a terminal. Exits the process on failure (out of memory). */
cpted_context *cli_context(const cli_options *o);

/* Opens the sources with the common options; on failure prints the error and
 * returns the exit code (else CLI_EXIT_OK). */
int cli_open_site(cpted_context *ctx, const cli_options *o, cpted_site **out);

/* Copies the free-space choices of the command line (--soft-blocking,
 * --everything-drivable) into options filled by cpted_freespace_options_init. */
void cli_freespace_options(const cli_options *o, cpted_freespace_options *fs);

/* Validates the vehicle; prints and returns CLI_EXIT_USAGE when it is absurd. */
int cli_check_vehicle(cpted_context *ctx, const cli_options *o);

/* Writes text to --json (file, atomically, honouring --overwrite; "-" =
 * stdout). Returns an exit code. */
int cli_write_json(const cli_options *o, const char *json);

/* Writes `text` to `path` atomically (temporary file renamed into place);
 * refuses to replace an existing file unless overwrite. Returns an exit code
 * and prints the reason on failure. */
int cli_write_file_atomic(const char *path, const char *text, int overwrite);

/* Prints "cpted COMMAND: <last error>" and maps a status to an exit code. */
int cli_fail(cpted_context *ctx, const cli_options *o, int status);

/* Maps a cpted status to an exit code (input errors 3, the rest 4). */
int cli_exit_code(int status);

/* Commands: each returns an exit code. */
int cmd_info(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_standoff(int argc, char **argv);

#endif
