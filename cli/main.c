/*
 * main.c - the capmatch command: a table of subcommands over the public
 * API (include/capmatch.h). Each subcommand lives in its own cmd_*.c.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const command *const commands[] = {
    &cmd_validate,
    &cmd_stats,
    &cmd_match,
    &cmd_explain,
    &cmd_whatif,
    &cmd_diff,
    &cmd_merge,
    &cmd_check,
    &cmd_test,
    &cmd_fetch,
    &cmd_feeds,
    &cmd_assign,
    &cmd_schedule,
    &cmd_mcda,
    &cmd_schema,
    &cmd_serve,
    NULL
};

static void usage(FILE *f)
{
    fprintf(f, "usage: capmatch [--version] [--help] COMMAND [ARGS]\n\n"
               "Match enterprises to partner regions.\n\ncommands:\n");
    for (const command *const *c = commands; *c; c++)
        fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
    fprintf(f, "\n'capmatch COMMAND --help' tells more; man capmatch has it all.\n");
}

static const command *find(const char *name)
{
    for (const command *const *c = commands; *c; c++)
        if (strcmp((*c)->name, name) == 0)
            return *c;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_INPUT;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 ||
        strcmp(name, "version") == 0) {
        printf("capmatch %s\n", cm_version());
        return EXIT_OK;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc >= 3 && (strcmp(argv[2], "--version") == 0 || strcmp(argv[2], "-V") == 0)) {
            printf("capmatch %s\n", cm_version());
            return EXIT_OK;
        }
        if (argc < 3 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        const command *c = find(argv[2]);
        if (c == NULL) {
            fprintf(stderr, "capmatch: no command '%s'\n", argv[2]);
            return EXIT_INPUT;
        }
        fputs(c->usage, stdout);
        return EXIT_OK;
    }
    const command *c = find(name);
    if (c == NULL) {
        fprintf(stderr, "capmatch: '%s' is not a command\n\n", name);
        usage(stderr);
        return EXIT_INPUT;
    }
    /* --help and --version anywhere before "--", for every command */
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(c->usage, stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("capmatch %s\n", cm_version());
            return EXIT_OK;
        }
    }
    return c->run(argc - 1, argv + 1);
}
