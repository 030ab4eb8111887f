/*
 * cmd_schema.c - capmatch schema: print the profile schema of regions and
 * enterprises as text, or one kind's as a JSON Schema (cm_schema_write).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: capmatch schema [regions|enterprises] [--format text|json] [-o FILE]\n"
    "\n"
    "Print the profile schema (version 1): every field of regions and of\n"
    "enterprises with its type, unit, rule and allowed words, as capmatch\n"
    "validate checks them. --format json gives one kind's JSON Schema (draft\n"
    "2020-12) of a JSON profiles file, the same as the file installed in\n"
    "share/capmatch/schema/. man capmatch-profiles tells more.\n"
    "\n"
    "options:\n"
    "  --format text|json   text (default: both kinds) or JSON Schema (one kind)\n"
    "  -o, --output FILE    write there, whole or not at all (default: standard output)\n"
    "\n"
    "exit status: 0 ok, 2 wrong usage, 3 internal error.\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    int json = 0, opt;
    const char *output = NULL;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (opt == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0))
            json = strcmp(optarg, "json") == 0;
        else if (opt == 'f')
            die_usage("schema", "--format takes text or json, not '%s'", optarg);
        else if (opt == 'o')
            output = optarg;
        else
            die_usage("schema", "unknown option");
    }
    cm_kind kinds[2] = { CM_KIND_REGIONS, CM_KIND_ENTERPRISES };
    int nkinds = 2;
    if (optind < argc) {
        if (strcmp(argv[optind], "regions") == 0)
            kinds[0] = CM_KIND_REGIONS;
        else if (strcmp(argv[optind], "enterprises") == 0)
            kinds[0] = CM_KIND_ENTERPRISES;
        else
            die_usage("schema", "'%s' is not a kind: give regions or enterprises", argv[optind]);
        nkinds = 1;
        if (optind + 1 < argc)
            die_usage("schema", "one kind at most, not '%s' too", argv[optind + 1]);
    }
    if (json && nkinds != 1)
        die_usage("schema", "--format json gives one kind's JSON Schema: give regions or enterprises");
    outfile o;
    if (out_open(&o, output, "schema") != 0)
        return EXIT_INPUT;
    cm_status st = CM_OK;
    for (int i = 0; i < nkinds && st == CM_OK; i++) {
        if (i)
            fputc('\n', o.f);
        st = cm_schema_write(kinds[i], json, file_sink, o.f);
    }
    if (st != CM_OK)
        fprintf(stderr, "capmatch schema: %s\n", cm_last_error());
    if (out_close(&o, st != CM_OK, "schema") != 0)
        return EXIT_INPUT;
    return st == CM_OK ? EXIT_OK : EXIT_INTERNAL;
}

const command cmd_schema = { "schema", run, "print the profile schema (text or JSON Schema)", usage };
