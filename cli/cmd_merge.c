/*
 * cmd_merge.c - capmatch merge: the JSON Lines outputs of capmatch match
 * over shards (--shard I/N) or parts of the enterprises (--part I/N), from
 * files or standard input in any order, into the output one run over the
 * whole input writes (cm_merge). -o follows the output rules of
 * cm_output_open: a failed merge leaves the file as it was.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: capmatch merge [--shards N] [-o FILE] [FILE...]\n"
    "\n"
    "Combine the outputs of capmatch match --format jsonl run over shards\n"
    "(--shard I/N) or parts of the enterprises (--part I/N), given in any\n"
    "order, into the output one match run over everything writes, byte for\n"
    "byte: each profile's rows in the order of the input, a region's lists\n"
    "from several parts merged to its best --top (ties by id), and ranked\n"
    "again. Outputs of different policies, policy hashes, inputs or settings\n"
    "are refused, and so is a shard given twice or missing.\n"
    "\n"
    "  FILE...                the outputs ('-' or none: standard input); a file may\n"
    "                         hold several, one after another (cat part-*)\n"
    "  --shards N             there must be N outputs (default: the N of their\n"
    "                         --shard I/N times that of --part I/N)\n"
    "  -o, --output FILE      write there, whole or not at all (default: standard output)\n"
    "\n"
    "exit status: 0 rows written, 1 the merged output has no rows, 2 usage or input\n"
    "error (a malformed line, outputs of different runs, a shard missing or given\n"
    "twice), 3 internal error.\n";

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "shards", required_argument, NULL, 's' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    const char *output = NULL;
    unsigned expected = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (opt == 's') {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1000000)
                die_usage("merge", "--shards must be a number from 1 to 1000000, not '%s'",
                          optarg);
            expected = (unsigned)n;
        } else if (opt == 'o') {
            output = optarg;
        } else {
            die_usage("merge", "unknown option");
        }
    }
    cm_merge *m = cm_merge_new();
    if (m == NULL) {
        fprintf(stderr, "capmatch merge: %s\n", cm_last_error());
        return EXIT_INTERNAL;
    }
    cm_status s = CM_OK;
    if (optind == argc)
        s = cm_merge_add_file(m, "-");
    for (int i = optind; i < argc && s == CM_OK; i++)
        s = cm_merge_add_file(m, argv[i]);
    outfile o;
    if (s == CM_OK && out_open(&o, output, "merge") != 0) {
        cm_merge_free(m);
        return EXIT_INPUT;
    }
    if (s == CM_OK) {
        s = cm_merge_write(m, expected, file_sink, o.f);
        if (out_close(&o, s != CM_OK, "merge") != 0 && s == CM_OK)
            s = CM_EIO;
        else if (s != CM_OK)
            fprintf(stderr, "capmatch merge: %s\n", cm_merge_errmsg(m));
    } else {
        fprintf(stderr, "capmatch merge: %s\n", cm_merge_errmsg(m));
    }
    size_t rows = cm_merge_count(m, NULL);
    cm_merge_free(m);
    if (s == CM_ENOMEM)
        return EXIT_INTERNAL;
    if (s != CM_OK)
        return EXIT_INPUT;
    return rows ? EXIT_OK : EXIT_NOMATCH;
}

const command cmd_merge = { "merge", run, "merge the outputs of sharded match runs", usage };
