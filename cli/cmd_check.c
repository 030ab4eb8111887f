/*
 * cmd_check.c - capmatch check: load a policy and lint it with
 * cm_policy_lint (declaration problems, parameters never used, and on
 * sample data rules whose score never varies and filters that reject every
 * pair), printing each finding with its file and line.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: capmatch check POLICY [--data FILE]... [--set NAME=VALUE]... [--rules-path DIRS]\n"
    "\n"
    "Load, compile and lint a policy. Reports, each with its line: declaration\n"
    "problems (unknown keys, missing or non-positive weights, ...), parameters\n"
    "declared but never used, and with --data (profile files, regions and\n"
    "enterprises, kind from the file name or the JSON wrapper): rules whose score\n"
    "is the same on every pair, filters that reject every pair, rules that raise\n"
    "errors, and memoised rules whose uses does not match what they read (each\n"
    "is traced on up to 20000 pairs).\n"
    "\n"
    "exit status: 0 no finding, 1 findings or a policy that does not load,\n"
    "2 usage or unreadable data.\n";

static void print_finding(const cm_lint_finding *f, void *ud)
{
    (void)ud;
    if (f->line > 0)
        printf("%s:%d: %s\n", f->file, f->line, f->message);
    else
        printf("%s: %s\n", f->file, f->message);
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "data", required_argument, NULL, 'd' },
        { "set", required_argument, NULL, 's' },
        { "rules-path", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 }
    };
    const char **data = NULL, **set = NULL;
    int ndata = 0, nset = 0;
    const char *rules_path = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        const char ***list = opt == 'd' ? &data : &set;
        int *n = opt == 'd' ? &ndata : &nset;
        if (opt == 'd' || opt == 's') {
            const char **nl = realloc(*list, (size_t)(*n + 2) * sizeof **list);
            if (nl == NULL)
                return EXIT_INTERNAL;
            nl[(*n)++] = optarg;
            nl[*n] = NULL;
            *list = nl;
        } else if (opt == 'p') {
            rules_path = optarg;
        } else {
            die_usage("check", "unknown option");
        }
    }
    if (optind != argc - 1)
        die_usage("check", "give one policy file");
    const char *path = argv[optind];

    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    if (e == NULL) {
        fprintf(stderr, "capmatch check: %s\n", cm_last_error());
        return EXIT_INTERNAL;
    }
    cm_diags *d = cm_diags_new();
    for (int i = 0; i < ndata; i++) {
        if (cm_engine_load_file(e, data[i], NULL, d) != CM_OK) {
            for (size_t k = 0; k < cm_diags_count(d); k++)
                fprintf(stderr, "%s\n", cm_diags_at(d, k)->message);
            fprintf(stderr, "capmatch check: %s\n", cm_engine_errmsg(e));
            cm_diags_free(d);
            cm_engine_free(e);
            return EXIT_INPUT;
        }
    }
    cm_diags_free(d);

    cm_policy_options po;
    cm_policy_options_init(&po);
    po.lint = 1;
    po.set = set;
    po.rules_path = rules_path;
    cm_policy *p = cm_policy_load(e, path, &po);
    if (p == NULL) {
        printf("%s\n", cm_engine_errmsg(e));
        cm_engine_free(e);
        free(data);
        free(set);
        return EXIT_NOMATCH;
    }
    size_t nr = cm_engine_count(e, CM_KIND_REGIONS), ne = cm_engine_count(e, CM_KIND_ENTERPRISES);
    size_t n = 0;
    if (cm_policy_lint(e, p, print_finding, NULL, &n) != CM_OK) {
        fprintf(stderr, "capmatch check: %s\n", cm_last_error());
        cm_policy_free(p);
        cm_engine_free(e);
        free(data);
        free(set);
        return EXIT_INTERNAL;
    }
    if (n == 0)
        printf("%s: ok: policy '%s', %zu rules, %zu filters, %zu parameters%s\n", path,
               cm_policy_name(p), cm_policy_rule_count(p), cm_policy_filter_count(p),
               cm_policy_param_count(p), nr && ne ? ", checked on the data" : "");
    else
        printf("%s: %zu finding%s\n", path, n, n == 1 ? "" : "s");
    cm_policy_free(p);
    cm_engine_free(e);
    free(data);
    free(set);
    return n ? EXIT_NOMATCH : EXIT_OK;
}

const command cmd_check = { "check", run, "lint a policy (with --data: on sample profiles)", usage };
