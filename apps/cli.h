/*
 * cli.h - what every `cpted` command shares: option parsing, opening the
 * site, the vehicle, writing JSON, error reporting and exit codes
 * (docs/user-guide.md, "Outputs and exit codes").
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CPTED_CLI_H
#define CPTED_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "cpted/cpted.h"

/* Exit codes (docs/user-guide.md, "Outputs and exit codes"). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FINDINGS = 1, /* only with --fail-on-findings */
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_INPUT = 3,
    CLI_EXIT_INTERNAL = 4,
    CLI_EXIT_INTERRUPTED = 130 /* SIGINT/SIGTERM: 128 + SIGINT, as shells report it */
};

/* Option groups a command takes besides the common ones (--role, the CRS
 * options, --lenient, --json, --overwrite, --quiet, --help). */
enum {
    CLI_TAKES_ANALYSIS = 1 /* --vehicle*, --soft-blocking, --drivable, -o, -f,
                              --fail-on-findings */
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
    const char *report_path;  /* --report FILE.html (analyze) */
    const char *report_html;  /* the report's text, committed with the other outputs */
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
    unsigned takes;           /* CLI_TAKES_* of the command */
    /* While the GIS output is written into a temporary directory, messages
     * naming `tmp_prefix` are shown with `real_prefix` instead (outputs.c). */
    const char *tmp_prefix;
    const char *real_prefix;
} cli_options;

/* A command-specific option: `--name VALUE` / `--name=VALUE` (takes_value) or `--name`. */
typedef struct cli_extra_option {
    const char *name;      /* without the leading dashes */
    int takes_value;
    const char *help;      /* one line for --help */
    /* Stores the value; returns 0, or non-zero when the value is bad (the
     * handler prints nothing: cli_parse reports "invalid value"). */
    int (*handle)(const char *value, void *payload);
    /* NULL, or the library option field (cpted_option_range) whose plausible
     * range a numeric value must lie in; cli_parse checks it and names the
     * range in its error before the handler is called. */
    const char *range;
} cli_extra_option;

/* The options of the analysis parts (part_options.c), shared by `coverage`,
 * `standoff`, `vda` and `analyze`: the library option structs they fill, the
 * --target points, and the table of command-line options for cli_parse. */
#define CLI_PART_MAX_OPTIONS 32
/* A `parts` bit beside the CPTED_ANALYSIS_* ones: the VDA's search options
 * without its targets (`batch --approach`: the targets are the facades). */
#define CLI_PARTS_VDA_SEARCH 0x100u
typedef struct cli_parts {
    unsigned parts; /* CPTED_ANALYSIS_* bits whose options are taken */
    cpted_coverage_options coverage;
    cpted_standoff_options standoff;
    cpted_vda_options vda;
    int targets_given;                  /* --targets */
    double points[2 * CLI_MAX_ITEMS];   /* --target X,Y in the output CRS, as given */
    double working[2 * CLI_MAX_ITEMS];  /* the same in the working CRS (cli_parts_points) */
    size_t point_count;
    cli_extra_option options[CLI_PART_MAX_OPTIONS]; /* ends with a {NULL} entry */
    size_t option_count;
} cli_parts;

/* Fills p with the library defaults and the option table of `parts` followed
 * by the command's own options `own` (ending with {NULL}, or NULL); pass p as
 * cli_parse's payload and p->options as its table (own handlers get p too).
 * Returns CLI_EXIT_OK or CLI_EXIT_INTERNAL (printed). */
int cli_parts_init(cli_parts *p, unsigned parts, const char *command,
                   const cli_extra_option *own);
/* After cli_parse: options that need each other (--allowable-kpa needs
 * --charge; --targets points needs --target; --target alone means --targets
 * points). Prints and returns CLI_EXIT_USAGE, else CLI_EXIT_OK. */
int cli_parts_check(cli_parts *p, const char *command, const char *usage);
/* Moves the --target points into the working CRS of `site` and points the VDA
 * options at them. Prints and returns CLI_EXIT_INPUT when one cannot be. */
int cli_parts_points(cli_parts *p, const cpted_site *site, const char *command);

/* Parses argv (after the command name). `extra` ends with a {NULL} entry and
 * may be NULL; `takes` is the CLI_TAKES_* set of the command (the other
 * options are unknown to it, and --help lists only the ones it takes).
 * Returns -1 to go on, or an exit code to return at once (usage error: 2;
 * --help: 0). `usage` is the command's synopsis line. */
int cli_parse(int argc, char **argv, const char *command, const char *usage,
              const cli_extra_option *extra, void *payload, unsigned takes, cli_options *out);

/* Installs the SIGINT/SIGTERM handlers (main.c, before a command runs): a
 * signal only raises a flag that the library polls through the context's
 * interrupt callback; the command then stops, commits nothing and exits 130. */
void cli_install_signals(void);

/* Non-zero once SIGINT or SIGTERM arrived. */
int cli_interrupted(void);

/* Prints "cpted COMMAND: interrupted" and returns CLI_EXIT_INTERRUPTED. */
int cli_report_interrupt(const cli_options *o);

/* Prints `msg` with the temporary prefix of o (if any) replaced by the real one. */
void cli_print_message(FILE *f, const cli_options *o, const char *msg);

/* Prints `text` left-aligned in `width` terminal columns, cut at `width`
 * columns (at a character boundary) when longer. Counts UTF-8 code points,
 * East Asian wide and fullwidth characters as 2 columns and combining marks as
 * 0 (docs/user-guide.md, "Tables"). */
void cli_print_cell(const char *text, int width);

/* Display width of UTF-8 text in terminal columns (as cli_print_cell). */
int cli_text_width(const char *text);

/* Prints "(x, y)" of a working-CRS point in the output CRS of the site, as the
 * JSON gives it (3 decimals for metres, 7 for degrees). */
void cli_print_point(const cpted_site *site, double x, double y);

/* Checks every output before any work: --json is not a directory, the
 * directories exist and are writable, the -o format is known (-f or the
 * extension), and without --overwrite no file the command would write exists
 * (for a one-layer-per-file format: every `<stem>_<layer>.<ext>` of `layers`,
 * NULL-terminated). Prints the reason and returns CLI_EXIT_USAGE, else
 * CLI_EXIT_OK. */
int cli_check_outputs(const cli_options *o, const char *const *layers);

/* Writes GIS layers of `result` to `path` (cpted_standoff_write and friends). */
typedef int (*cli_gis_writer)(const void *result, const char *path, const char *format,
                              int32_t overwrite);

/* The end of a command: commits its outputs together or not at all. Writes the
 * GIS output (if -o) into a temporary directory beside it and the JSON (if
 * --json FILE) into a temporary file beside it, checks for an interrupt, then
 * renames them all into place; on any failure or interrupt removes every
 * temporary file and leaves the targets untouched. --json - is printed after
 * the commit. Returns an exit code (130 when interrupted). */
int cli_commit_outputs(cpted_context *ctx, cli_options *o, const char *json,
                       cli_gis_writer write, const void *result);

/* Parses a strictly positive/non-negative finite number for option handlers. */
int cli_parse_double(const char *text, double *out);

/* A context whose warnings go to stderr (unless --quiet), with a progress bar
 * when stderr is a terminal. Exits the process on failure (out of memory). */
cpted_context *cli_context(const cli_options *o);

/* Opens the sources with the common options; on failure prints the error and
 * returns the exit code (else CLI_EXIT_OK). */
int cli_open_site(cpted_context *ctx, const cli_options *o, cpted_site **out);
/* The same without printing: the cpted status of cpted_site_open. */
int cli_site_open_status(cpted_context *ctx, const cli_options *o, cpted_site **out);

/* Computes the free space with the options (--soft-blocking, --drivable); a
 * free space on which nothing can be assessed is reported on stderr, even with
 * --quiet. Returns an exit code. */
int cli_freespace(cpted_context *ctx, const cli_options *o, cpted_site *site,
                  cpted_freespace **out);
/* 1 when some layer of the site holds features of this role. */
int cli_has_role(const cpted_site *site, int32_t role);

/* Validates the vehicle; prints and returns CLI_EXIT_USAGE when it is absurd. */
int cli_check_vehicle(cpted_context *ctx, const cli_options *o);

/* Prints "cpted COMMAND: <last error>" and maps a status to an exit code;
 * after SIGINT/SIGTERM prints "interrupted" and returns 130 instead. */
int cli_fail(cpted_context *ctx, const cli_options *o, int status);

/* Maps a cpted status to an exit code (input errors 3, the rest 4). */
int cli_exit_code(int status);

/* Commands: each returns an exit code. */
int cmd_info(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_standoff(int argc, char **argv);
int cmd_vda(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_batch(int argc, char **argv);

#endif
