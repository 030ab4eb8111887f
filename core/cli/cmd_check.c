/*
 * cmd_check.c - capmatch check: load a policy and lint it. Reports every
 * declaration problem (unknown keys, weights), parameters never used, and,
 * on sample data, rules whose score never varies and filters that reject
 * every pair; each finding with its file and line.
 */
#include "cli.h"

#include <ctype.h>
#include <stdarg.h>
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

typedef struct finding_list {
    size_t n;
} finding_list;

static void finding(finding_list *f, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void finding(finding_list *f, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (line > 0)
        printf("%s:%d: ", file, line);
    else
        printf("%s: ", file);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    f->n++;
}

static void uses_finding(const char *file, int line, const char *msg, void *ud)
{
    finding(ud, file, line, "%s", msg);
}

/* Occurrences of name as a whole word in the source; *first_line gets the
 * line of the first. */
static int word_count(const char *src, size_t len, const char *name, int *first_line)
{
    size_t nl = strlen(name);
    int count = 0, line = 1;
    *first_line = 0;
    for (size_t i = 0; i + nl <= len; i++) {
        if (src[i] == '\n')
            line++;
        if (memcmp(src + i, name, nl) != 0)
            continue;
        int before = i > 0 && (isalnum((unsigned char)src[i - 1]) || src[i - 1] == '_');
        int after = i + nl < len && (isalnum((unsigned char)src[i + nl]) || src[i + nl] == '_');
        if (before || after)
            continue;
        if (count++ == 0)
            *first_line = line;
    }
    return count;
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
    finding_list f = { 0 };
    for (size_t i = 0; i < cm_policy_problem_count(p); i++) {
        int line;
        const char *msg = cm_policy_problem(p, i, &line);
        finding(&f, cm_policy_problem_file(p, i), line, "%s", msg);
    }
    /* a parameter whose name appears only where it is declared */
    size_t srclen;
    const char *src = cm_policy_source(p, &srclen);
    for (size_t i = 0; i < cm_policy_param_count(p); i++) {
        int line;
        const char *name = cm_policy_param_name(p, i);
        if (word_count(src, srclen, name, &line) <= 1)
            finding(&f, path, line, "parameter '%s' is declared but never used", name);
    }

    size_t nr = cm_engine_count(e, CM_KIND_REGIONS), ne = cm_engine_count(e, CM_KIND_ENTERPRISES);
    if (nr && ne) {
        /* every rule's scores on every pair that passes the filters */
        cm_match_options mo;
        cm_match_options_init(&mo);
        mo.top = nr;
        mo.min_score = 0;
        mo.explain = 1;
        mo.on_error = CM_ON_ERROR_SKIP;
        cm_result *r = NULL;
        if (cm_match(e, p, &mo, &r) == CM_OK) {
            size_t rows = cm_result_count(r), rules = cm_result_rule_count(r);
            for (size_t k = 0; k < rules && rows > 1; k++) {
                double lo = 2, hi = -1;
                for (size_t i = 0; i < rows; i++) {
                    double s = cm_result_explain(r, i, k)->score;
                    lo = s < lo ? s : lo;
                    hi = s > hi ? s : hi;
                }
                if (lo == hi)
                    finding(&f, cm_policy_rule_file(p, k), cm_policy_rule_line(p, k),
                            "rule '%s' scores %g on every one of the %zu pairs that pass the "
                            "filters: it does not tell partners apart on this data",
                            cm_policy_rule_name(p, k), lo, rows);
            }
            if (cm_result_error_count(r))
                finding(&f, path, 0, "%zu rule errors on the data; the first: %s",
                        cm_result_error_count(r), cm_result_error(r, 0));
            cm_result_free(r);
        } else {
            finding(&f, path, 0, "matching the data failed: %s", cm_engine_errmsg(e));
        }
        /* memoised rules: do they read exactly what their uses lists? */
        cm_policy_check_uses(e, p, 20000, uses_finding, &f);
        /* filters: does any pair pass each one? */
        size_t nf = cm_policy_filter_count(p);
        size_t *passes = calloc(nf ? nf : 1, sizeof *passes);
        size_t pairs = 0;
        for (size_t ei = 0; ei < ne && passes; ei++) {
            cm_value eid;
            cm_profile_get(e, CM_KIND_ENTERPRISES, ei, "id", &eid);
            for (size_t ri = 0; ri < nr; ri++) {
                cm_value rid;
                cm_profile_get(e, CM_KIND_REGIONS, ri, "id", &rid);
                cm_result *t = NULL;
                if (cm_explain_pair(e, p, eid.str, rid.str, &t) != CM_OK)
                    continue;
                pairs++;
                for (size_t k = 0; k < nf; k++)
                    passes[k] += cm_result_filter(t, k)->pass != 0;
                cm_result_free(t);
            }
        }
        for (size_t k = 0; k < nf && passes; k++)
            if (pairs && passes[k] == 0)
                finding(&f, cm_policy_filter_file(p, k), cm_policy_filter_line(p, k),
                        "filter '%s' rejects every one of the %zu pairs of the data",
                        cm_policy_filter_name(p, k), pairs);
        free(passes);
    }
    if (f.n == 0)
        printf("%s: ok: policy '%s', %zu rules, %zu filters, %zu parameters%s\n", path,
               cm_policy_name(p), cm_policy_rule_count(p), cm_policy_filter_count(p),
               cm_policy_param_count(p), nr && ne ? ", checked on the data" : "");
    else
        printf("%s: %zu finding%s\n", path, f.n, f.n == 1 ? "" : "s");
    cm_policy_free(p);
    cm_engine_free(e);
    free(data);
    free(set);
    return f.n ? EXIT_NOMATCH : EXIT_OK;
}

const command cmd_check = { "check", run, "lint a policy (with --data: on sample profiles)", usage };
