/*
 * outputs.c - the outputs of a command, checked before any work and committed
 * together at the end (docs/user-guide.md, "Outputs").
 *
 * Before any work, cli_check_outputs() refuses what would fail late: an
 * unknown -o format, a missing or read-only directory, --json naming a
 * directory, and (without --overwrite) any file the command would replace.
 * At the end, cli_commit_outputs() writes the GIS layers into a temporary
 * directory beside the target and the JSON into a temporary file beside its
 * target, checks for an interrupt, and only then renames everything into
 * place; on a failure or an interrupt it removes the temporary files. This is
 * the one place to switch to the library's output writer once it exists.
 *
 * The table of formats mirrors lib/write.c (docs/outputs.md): it only serves
 * the early checks; the library still decides when it writes.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the formats of -o ---------------------------------------------------- */

typedef struct out_format {
    const char *driver;
    const char *ext;
    int multi_layer;
} out_format;

static const out_format formats[] = {
    {"GPKG", "gpkg", 1},
    {"GeoJSON", "geojson", 0},
    {"FlatGeobuf", "fgb", 0},
};

static const struct {
    const char *ext;
    size_t format;
} extensions[] = {{"gpkg", 0}, {"geojson", 1}, {"json", 1}, {"fgb", 2}};

static int same_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb)
            return 0;
    }
    return *a == *b;
}

/* A path cut into directory (with its '/', "" for none), stem and extension. */
typedef struct split_path {
    char dir[4096];
    char stem[1024];
    char ext[64];
} split_path;

static int split(const char *path, split_path *p)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dlen = (size_t)(base - path);
    const char *dot = strrchr(base, '.');
    if (dot == base)
        dot = NULL; /* ".name" is a hidden file without extension */
    size_t slen = dot ? (size_t)(dot - base) : strlen(base);
    const char *ext = dot ? dot + 1 : "";
    if (dlen >= sizeof p->dir || slen >= sizeof p->stem || strlen(ext) >= sizeof p->ext)
        return -1;
    memcpy(p->dir, path, dlen);
    p->dir[dlen] = '\0';
    memcpy(p->stem, base, slen);
    p->stem[slen] = '\0';
    strcpy(p->ext, ext);
    return 0;
}

static int out_fail(const cli_options *o, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "cpted %s: ", o->command);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return CLI_EXIT_USAGE;
}

static const out_format *resolve_format(const cli_options *o, const split_path *p, int *rc)
{
    *rc = CLI_EXIT_OK;
    if (o->out_format) {
        for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
            if (same_nocase(o->out_format, formats[i].driver))
                return &formats[i];
        if (same_nocase(o->out_format, "ESRI Shapefile"))
            *rc = out_fail(o, "-f %s: %s is not supported (it cuts field names to 10 characters "
                              "and cannot store null numbers); use GPKG",
                           o->out_format, "ESRI Shapefile");
        else
            *rc = out_fail(o, "unknown output format '%s'%s; use GPKG, GeoJSON or FlatGeobuf",
                           o->out_format, "");
        return NULL;
    }
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (same_nocase(p->ext, extensions[i].ext))
            return &formats[extensions[i].format];
    if (same_nocase(p->ext, "shp"))
        *rc = out_fail(o, "-o %s: ESRI Shapefile is not supported (it cuts field names to 10 "
                          "characters and cannot store null numbers); use .gpkg%s",
                       o->out_path, "");
    else if (!*p->ext)
        *rc = out_fail(o, "-o %s has no extension; use .gpkg, .geojson, .json or .fgb, or "
                          "name the format with -f%s",
                       o->out_path, "");
    else
        *rc = out_fail(o, "-o %s: unknown output extension '.%s'; use .gpkg, .geojson, .json or "
                          ".fgb, or name the format with -f",
                       o->out_path, p->ext);
    return NULL;
}

/* The directory part must exist and be writable (we create files there). */
static int check_dir(const cli_options *o, const char *option, const char *path,
                     const char *dir)
{
    const char *d = *dir ? dir : ".";
    struct stat st;
    if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cpted %s: %s %s: directory '%s' does not exist\n", o->command, option,
                path, d);
        return CLI_EXIT_USAGE;
    }
    if (access(d, W_OK | X_OK) != 0) {
        fprintf(stderr, "cpted %s: %s %s: directory '%s' is not writable (%s)\n", o->command,
                option, path, d, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): written in place,
 * never replaced by a rename (that would put a plain file where the device
 * was) and never "existing" for --overwrite. */
static bool is_stream(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static int refuse_existing(const cli_options *o, const char *path)
{
    struct stat st;
    if (!o->overwrite && lstat(path, &st) == 0) {
        fprintf(stderr, "cpted %s: '%s' exists; use --overwrite to replace it\n", o->command,
                path);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* Final paths of the -o files: the path itself, or one `<stem>_<layer>.<ext>`
 * per layer. Returns the count, or -1 when a path does not fit. */
static int gis_targets(const cli_options *o, const out_format *f, const split_path *p,
                       const char *const *layers, char (*out)[4096 + 1200], int max)
{
    if (f->multi_layer || !layers) {
        snprintf(out[0], sizeof out[0], "%s", o->out_path);
        return 1;
    }
    int n = 0;
    for (; layers[n] && n < max; n++) {
        int w = snprintf(out[n], sizeof out[n], "%s%s_%s.%s", p->dir, p->stem, layers[n],
                         *p->ext ? p->ext : f->ext);
        if (w < 0 || (size_t)w >= sizeof out[n])
            return -1;
    }
    return n;
}

#define MAX_TARGETS 8

/* A text output (--json FILE, --report FILE): not a directory, in an existing
 * writable directory, not replacing a file without --overwrite. */
static int check_text_output(const cli_options *o, const char *flag, const char *path,
                             const char *hint)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cpted %s: %s %s is a directory; give a file name%s\n", o->command, flag,
                path, hint);
        return CLI_EXIT_USAGE;
    }
    split_path p;
    if (split(path, &p) != 0)
        return out_fail(o, "%s %s: path too long", flag, path);
    bool stream = is_stream(path);
    int rc = stream ? CLI_EXIT_OK : check_dir(o, flag, path, p.dir);
    if (rc == CLI_EXIT_OK && !stream)
        rc = refuse_existing(o, path);
    return rc;
}

int cli_check_outputs(const cli_options *o, const char *const *layers)
{
    struct stat st;
    int text_rc = CLI_EXIT_OK;
    if (o->json_path && strcmp(o->json_path, "-") != 0)
        text_rc = check_text_output(o, "--json", o->json_path, " (or - for standard output)");
    if (text_rc == CLI_EXIT_OK && o->report_path)
        text_rc = check_text_output(o, "--report", o->report_path, " such as report.html");
    if (text_rc != CLI_EXIT_OK)
        return text_rc;
    if (o->out_format && !o->out_path)
        return out_fail(o, "-f %s needs -o OUT%s", o->out_format, "");
    if (!o->out_path)
        return CLI_EXIT_OK;
    if (stat(o->out_path, &st) == 0 && S_ISDIR(st.st_mode))
        return out_fail(o, "-o %s is a directory; give a file name such as %s/result.gpkg",
                        o->out_path, o->out_path);
    split_path p;
    if (split(o->out_path, &p) != 0 || !*p.stem)
        return out_fail(o, "-o '%s' is not a file name%s", o->out_path, "");
    int rc;
    const out_format *f = resolve_format(o, &p, &rc);
    if (!f)
        return rc;
    rc = check_dir(o, "-o", o->out_path, p.dir);
    if (rc != CLI_EXIT_OK)
        return rc;
    static char targets[MAX_TARGETS][4096 + 1200];
    int n = gis_targets(o, f, &p, layers, targets, MAX_TARGETS);
    if (n < 0)
        return out_fail(o, "-o %s: path too long%s", o->out_path, "");
    for (int i = 0; i < n; i++) {
        if (o->json_path && strcmp(targets[i], o->json_path) == 0)
            return out_fail(o, "--json and -o both name '%s'%s", targets[i], "");
        rc = refuse_existing(o, targets[i]);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    return CLI_EXIT_OK;
}

/* ---- the commit ----------------------------------------------------------- */

/* Removes a temporary directory and whatever the writer left in it. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[16384];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : -1;
}

/* A text output: --json FILE or --report FILE. */
typedef struct text_output {
    const char *flag;        /* "--json" */
    const char *what;        /* "JSON" */
    const char *path;        /* the target, NULL when none */
    const char *text;
    bool stream;             /* a FIFO or device: written in place at the end */
    char tmp[8192];          /* its temporary file, "" when none (yet) */
} text_output;

enum { TEXT_OUTPUTS = 2 };

typedef struct commit_state {
    char tmp_dir[8192];      /* "" when no -o */
    char tmp_dir_slash[8200];
    char real_dir[8192];
    char tmp_gis[16384];
    text_output text[TEXT_OUTPUTS];
} commit_state;

static void discard(const commit_state *c)
{
    if (*c->tmp_dir)
        remove_tree(c->tmp_dir);
    for (int i = 0; i < TEXT_OUTPUTS; i++)
        if (*c->text[i].tmp)
            unlink(c->text[i].tmp);
}

/* Writes a text output into a temporary file beside its target. */
static int stage_text(const cli_options *o, text_output *t, unsigned long pid)
{
    split_path p;
    if (split(t->path, &p) != 0)
        return out_fail(o, "%s %s: path too long", t->flag, t->path);
    snprintf(t->tmp, sizeof t->tmp, "%s.%s%s%s.cpted-%lu.tmp", p.dir, p.stem, *p.ext ? "." : "",
             p.ext, pid);
    if (write_text(t->tmp, t->text) != 0) {
        fprintf(stderr, "cpted %s: cannot write %s %s: %s\n", o->command, t->flag, t->path,
                strerror(errno));
        return CLI_EXIT_INPUT;
    }
    return CLI_EXIT_OK;
}

/* After the point of no return: renames the staged file into place, or
 * writes a stream. */
static int place_text(const cli_options *o, text_output *t)
{
    if (t->stream) {
        if (write_text(t->path, t->text) == 0)
            return CLI_EXIT_OK;
        fprintf(stderr, "cpted %s: cannot write %s %s: %s\n", o->command, t->flag, t->path,
                strerror(errno));
        return CLI_EXIT_INPUT;
    }
    if (rename(t->tmp, t->path) != 0) {
        fprintf(stderr, "cpted %s: cannot move the finished %s into place as '%s': %s\n",
                o->command, t->what, t->path, strerror(errno));
        return CLI_EXIT_INPUT;
    }
    *t->tmp = '\0';
    return CLI_EXIT_OK;
}

/* Renames every file of the temporary directory into the real one. */
static int move_gis(const cli_options *o, const commit_state *c)
{
    DIR *d = opendir(c->tmp_dir);
    if (!d) {
        fprintf(stderr, "cpted %s: cannot read the finished output of -o %s: %s\n", o->command,
                o->out_path, strerror(errno));
        return CLI_EXIT_INPUT;
    }
    struct dirent *e;
    int rc = CLI_EXIT_OK;
    char from[16384], to[16384];
    while (rc == CLI_EXIT_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(from, sizeof from, "%s/%s", c->tmp_dir, e->d_name);
        snprintf(to, sizeof to, "%s%s", c->real_dir, e->d_name);
        struct stat st;
        if (!o->overwrite && lstat(to, &st) == 0) {
            fprintf(stderr, "cpted %s: '%s' appeared while the analysis ran; use --overwrite to "
                            "replace it\n",
                    o->command, to);
            rc = CLI_EXIT_USAGE;
        } else if (rename(from, to) != 0) {
            fprintf(stderr, "cpted %s: cannot move the finished output into place as '%s': %s\n",
                    o->command, to, strerror(errno));
            rc = CLI_EXIT_INPUT;
        }
    }
    closedir(d);
    return rc;
}

int cli_commit_outputs(cpted_context *ctx, cli_options *o, const char *json,
                       cli_gis_writer write, const void *result)
{
    static commit_state c; /* large buffers; one commit per process */
    memset(&c, 0, sizeof c);
    if (cli_interrupted())
        return cli_report_interrupt(o);
    unsigned long pid = (unsigned long)getpid();
    int rc = CLI_EXIT_OK;
    if (o->out_path && write) {
        split_path p;
        if (split(o->out_path, &p) != 0)
            return out_fail(o, "-o %s: path too long%s", o->out_path, "");
        snprintf(c.real_dir, sizeof c.real_dir, "%s", p.dir);
        snprintf(c.tmp_dir, sizeof c.tmp_dir, "%s.cpted-%lu.tmp", p.dir, pid);
        snprintf(c.tmp_dir_slash, sizeof c.tmp_dir_slash, "%s/", c.tmp_dir);
        const char *base = o->out_path + strlen(p.dir);
        snprintf(c.tmp_gis, sizeof c.tmp_gis, "%s/%s", c.tmp_dir, base);
        remove_tree(c.tmp_dir); /* a stale one of a killed run with our pid */
        if (mkdir(c.tmp_dir, 0700) != 0) {
            fprintf(stderr, "cpted %s: cannot write -o %s: %s\n", o->command, o->out_path,
                    strerror(errno));
            *c.tmp_dir = '\0';
            return CLI_EXIT_INPUT;
        }
        /* messages name the real path, never the temporary one */
        o->tmp_prefix = c.tmp_dir_slash;
        o->real_prefix = c.real_dir;
        int status = write(result, c.tmp_gis, o->out_format, 1);
        if (status != CPTED_OK)
            rc = cli_fail(ctx, o, status);
    }
    c.text[0] = (text_output){.flag = "--json", .what = "JSON", .text = json,
                              .path = json && o->json_path && strcmp(o->json_path, "-") != 0
                                          ? o->json_path
                                          : NULL};
    c.text[1] = (text_output){.flag = "--report", .what = "report", .text = o->report_html,
                              .path = o->report_html ? o->report_path : NULL};
    for (int i = 0; i < TEXT_OUTPUTS && rc == CLI_EXIT_OK; i++) {
        text_output *t = &c.text[i];
        if (!t->path)
            continue;
        t->stream = is_stream(t->path);
        if (!t->stream)
            rc = stage_text(o, t, pid);
    }
    if (rc == CLI_EXIT_OK && cli_interrupted())
        rc = cli_report_interrupt(o);
    for (int i = 0; i < TEXT_OUTPUTS && rc == CLI_EXIT_OK; i++) {
        const text_output *t = &c.text[i];
        if (*t->tmp && !o->overwrite && access(t->path, F_OK) == 0) {
            fprintf(stderr, "cpted %s: '%s' appeared while the analysis ran; use --overwrite "
                            "to replace it\n",
                    o->command, t->path);
            rc = CLI_EXIT_USAGE;
        }
    }
    /* the point of no return: from here the outputs are renamed into place */
    if (rc == CLI_EXIT_OK && *c.tmp_dir)
        rc = move_gis(o, &c);
    for (int i = 0; i < TEXT_OUTPUTS && rc == CLI_EXIT_OK; i++)
        if (c.text[i].path)
            rc = place_text(o, &c.text[i]);
    discard(&c);
    o->tmp_prefix = o->real_prefix = NULL;
    if (rc == CLI_EXIT_OK && json && o->json_path && strcmp(o->json_path, "-") == 0) {
        fputs(json, stdout);
        if (fflush(stdout) != 0)
            rc = CLI_EXIT_INTERNAL;
    }
    return rc;
}
