/*
 * main.c - `cpted <command> [options] SOURCE...`: dispatch to the commands.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"info", cmd_info, "layers, roles, counts, CRS and extent of a site"},
    {"coverage", cmd_coverage, "gaps, open ends, ratings and breaches of the line of protection"},
    {"standoff", cmd_standoff, "how close vehicles get to each asset, and the blast load there"},
    {"vda", cmd_vda, "fastest approach and impact energy at each target, and the rating it needs"},
    {"analyze", cmd_analyze, "coverage, standoff and vda over one free space, with the findings"},
    {"batch", cmd_batch, "screen every building of a district: standoff, facade impact, exposure"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: cpted <command> [options] SOURCE...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`cpted <command> --help` lists the options; `cpted --version` the version.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("cpted %s\n", cpted_version_string());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    cli_install_signals();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "cpted: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
