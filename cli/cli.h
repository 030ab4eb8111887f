/*
 * cli.h - what the subcommands of the capmatch command share: the command
 * table entry, option parsing for loading, and output helpers.
 *
 * The command is a client of include/capmatch.h only; nothing here may
 * include a header of core/.
 */
#ifndef CM_CLI_H
#define CM_CLI_H

#include "capmatch.h"
#include <stdio.h>

/* Exit statuses, the same for every subcommand (documented in capmatch(1)). */
enum {
    EXIT_OK = 0,
    EXIT_NOMATCH = 1,         /* no result / a test failed */
    EXIT_INPUT = 2,           /* usage or input error */
    EXIT_INTERNAL = 3         /* out of memory, missing data dependency */
};

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage;        /* full --help text */
} command;

extern const command cmd_validate, cmd_stats, cmd_match, cmd_explain, cmd_check, cmd_test;
extern const command cmd_fetch, cmd_feeds;
extern const command cmd_assign, cmd_schedule, cmd_mcda, cmd_schema;
extern const command cmd_serve, cmd_merge;
extern const command cmd_whatif, cmd_diff;

/* capmatch match --feeds FILE [--refresh]: load the cached snapshots of the
 * feeds of FILE into e (fetching them first with refresh), in the order of
 * the file; the first feed's profile of an id wins. Returns 0, or the exit
 * status after printing why (cmd_fetch.c). */
int feeds_load_into(cm_engine *e, const char *feeds_file, const char *cache_dir, int refresh,
                    const char *prog);
/* Provenance of a run on feeds: one line per feed with its snapshot's URL,
 * records, fetch time and sha256, or a JSON array of the same. */
void feeds_meta_lines(FILE *out, const char *lead, const char *feeds_file, const char *cache_dir);
void feeds_meta_json(FILE *out, const char *feeds_file, const char *cache_dir);

/* Options every command that loads profiles takes. */
typedef struct load_args {
    cm_load_options opts;
    const char *rejects;      /* --rejects PATH */
    const char *rates;        /* --rates FILE */
    int json_output;          /* --format json */
} load_args;

void load_args_init(load_args *a);
/* Handle a loading option; returns 1 if taken, 0 if not one, -1 on error. */
int load_args_option(load_args *a, int opt, const char *arg, const char *prog);
#define LOAD_LONG_OPTIONS                                              \
    { "kind", required_argument, NULL, 'k' },                          \
    { "input-format", required_argument, NULL, 'F' },                  \
    { "skip-invalid", no_argument, NULL, 'S' },                        \
    { "rejects", required_argument, NULL, 'R' },                       \
    { "max-errors", required_argument, NULL, 'M' },                    \
    { "rates", required_argument, NULL, 'r' },                         \
    { "format", required_argument, NULL, 'f' }

/* Result of loading files. */
typedef struct load_report {
    size_t files_ok, files_bad, problems, rejected, files_with_problems;
    int internal;             /* out of memory or I/O */
} load_report;

/* Load every file (or "-" for stdin) into e. Problems go to out as text
 * lines, or are gathered into the JSON array diags_json when json is set. */
cm_engine *load_files(char **files, int nfiles, load_args *a, FILE *out, cm_diags *all,
                      load_report *rep, const char *prog);

/* A new engine with the regions and enterprises files ("-": standard
 * input) loaded; prints every problem and exits with the right status on
 * failure. */
cm_engine *load_sides(const load_args *a, const char **regions, int nregions,
                      const char **enterprises, int nenterprises, const char *prog);

/* Append an argument to a NULL-ended list (repeatable options). */
void arg_push(const char ***list, int *n, const char *v);

/* All of standard input (malloc'd), or NULL. */
char *read_stdin(size_t *len);

/* The shortest decimal that reads back as the same double (integers plain). */
const char *num_shortest(char *buf, size_t n, double d);
/* One CSV cell, quoted when needed (RFC 4180). */
void csv_print_cell(FILE *f, const char *s);
/* A cm_write_fn writing to the FILE * in ud. */
int file_sink(const char *data, size_t len, void *ud);

/* Where a command writes (-o): by the rules of cm_output_open, "-" or NULL
 * being standard output. out_open prints why it cannot and returns -1;
 * out_close(o, failed) finishes it (failed: the old file is left alone),
 * printing why it cannot. */
typedef struct outfile {
    cm_output *out;
    FILE *f;
} outfile;
int out_open(outfile *o, const char *path, const char *prog);
int out_close(outfile *o, int failed, const char *prog);

/* One row of a match result as capmatch match --format json writes it
 * (sources: the engine to name each profile's source from, or NULL; nm:
 * where names and countries come from, output.h), and capmatch explain's
 * one row without its closing brace (the pair, its filters, every rule),
 * both in cmd_match.c, in the result format capmatch.result/1. */
struct names;
void match_json_row(FILE *f, const cm_result *r, size_t i, int explain, int region_view,
                    const cm_engine *sources, const struct names *nm);
void explain_json_row(FILE *f, const cm_result *r, const struct names *nm);

/* Print a JSON string literal. */
void json_print_string(FILE *f, const char *s);
/* One rule's explanation as a JSON object {"rule", "score", "weight",
 * "contribution", "reason"}, with "side" (JX_SIDE) and "error" (JX_ERROR)
 * where they apply. */
enum { JX_SIDE = 1, JX_ERROR = 2 };
void json_explain_item(FILE *f, const cm_explain_item *it, int extras);
/* Print one diagnostic as a JSON object. */
void json_print_diag(FILE *f, const cm_diag *d);

/* capmatch match --stats: the statistics of a run made with
 * cm_match_options.stats, as a table or one JSON object (match_stats.c). */
void stats_text(FILE *f, const cm_result *r, const cm_policy *p);
void stats_json(FILE *f, const cm_result *r, const cm_policy *p);

void die_usage(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
