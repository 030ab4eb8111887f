/*
 * cmd_validate.c - capmatch validate: load profile files as a run would and
 * report every problem, as text lines or as JSON.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "usage: capmatch validate [OPTIONS] FILE...\n"
    "\n"
    "Check profile files (JSON, JSON Lines, CSV) against the profile schema and\n"
    "report every problem with its file, line, record, id and field. All files\n"
    "are checked as one run, so an id given twice across files is an error.\n"
    "FILE '-' reads standard input: JSON Lines unless --input-format says\n"
    "otherwise (as for match --enterprises -); give --kind.\n"
    "\n"
    "options:\n"
    "  --kind regions|enterprises   what the files hold (default: the JSON wrapper\n"
    "                               key, else the file name regions*/enterprises*)\n"
    "  --input-format json|jsonl|csv  the files' format (default: the extension)\n"
    "  --format text|json           how to report (default text)\n"
    "  --max-errors N               problems reported per file (default 100)\n"
    "  --skip-invalid               load the valid records, write the rejected ones\n"
    "                               to FILE.rejects.jsonl (or --rejects PATH)\n"
    "  --rejects PATH               where the rejected records go (one input file)\n"
    "\n"
    "exit status: 0 every file is valid, 2 a problem was found or a file could not\n"
    "be read, 3 internal error (out of memory, iso-codes missing).\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = { LOAD_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
    load_args a;
    load_args_init(&a);
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == '?' || load_args_option(&a, opt, optarg, "validate") == 0)
            die_usage("validate", "unknown option");
    }
    if (optind >= argc)
        die_usage("validate", "give one or more files to check");

    cm_diags *all = cm_diags_new();
    if (all == NULL) {
        fprintf(stderr, "capmatch validate: out of memory\n");
        return EXIT_INTERNAL;
    }
    load_report rep;
    cm_engine *e = load_files(argv + optind, argc - optind, &a, stdout, all, &rep, "validate");
    size_t regions = cm_engine_count(e, CM_KIND_REGIONS);
    size_t enterprises = cm_engine_count(e, CM_KIND_ENTERPRISES);
    if (rep.internal && !a.json_output) {
        /* out of memory (said once, on stderr): no verdict on the files */
        cm_diags_free(all);
        cm_engine_free(e);
        return EXIT_INTERNAL;
    }
    if (a.json_output) {
        printf("{\"valid\":%s,\"files\":%d,\"regions\":%zu,\"enterprises\":%zu,"
               "\"problems\":[",
               rep.problems || rep.files_bad || rep.internal ? "false" : "true", argc - optind,
               regions,
               enterprises);
        for (size_t i = 0; i < cm_diags_count(all); i++) {
            if (i)
                putchar(',');
            json_print_diag(stdout, cm_diags_at(all, i));
        }
        printf("],\"not_listed\":%zu}\n", cm_diags_dropped(all));
    } else if (rep.problems == 0 && rep.files_bad == 0) {
        printf("ok: %d file%s, %zu regions, %zu enterprises\n", argc - optind,
               argc - optind == 1 ? "" : "s", regions, enterprises);
    } else {
        printf("%zu problem%s in %zu of %d file%s\n", rep.problems + cm_diags_dropped(all),
               rep.problems + cm_diags_dropped(all) == 1 ? "" : "s",
               rep.files_with_problems, argc - optind, argc - optind == 1 ? "" : "s");
    }
    cm_diags_free(all);
    cm_engine_free(e);
    if (rep.internal)
        return EXIT_INTERNAL;
    return rep.problems || rep.files_bad ? EXIT_INPUT : EXIT_OK;
}

const command cmd_validate = { "validate", run, "check profile files and report every problem",
                               usage };
