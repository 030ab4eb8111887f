/*
 * cmd_check.c - capmatch check: load a policy and lint it with
 * cm_policy_lint_ex (declaration problems, names and values that do not
 * exist, parameters never used, and on the data, or on the built-in sample
 * profiles, rule errors, rules whose score never varies and filters that
 * reject every pair), printing each finding with its file, line and
 * severity, as text or JSON.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: capmatch check POLICY [--data FILE]... [--set NAME=VALUE]... [--rules-path DIRS]\n"
    "                      [--strict] [--format text|json]\n"
    "\n"
    "Load, compile and lint a policy. Reports, each with its line and severity:\n"
    "errors: declaration problems (unknown keys, built-ins, missing or\n"
    "non-positive weights, each unknown name with the nearest known one),\n"
    "has()/within() calls and equals values with a word or code the field never\n"
    "holds, rules that raise errors (a field that does not exist, a score that is\n"
    "not a number), memoised rules whose uses does not match what they read;\n"
    "warnings: parameters declared but never used, and on --data rules whose\n"
    "score is the same on every pair and filters that reject every pair.\n"
    "Without --data the rules run on capmatch's built-in sample profiles.\n"
    "--data takes profile files, regions and enterprises (kind from the file name\n"
    "or the JSON wrapper); rules are traced on up to 20000 pairs.\n"
    "\n"
    "options:\n"
    "  --strict             warnings fail the check too\n"
    "  --format text|json   one finding a line (FILE:LINE: error|warning: ...), or\n"
    "                       one JSON object for editors and CI\n"
    "\n"
    "exit status: 0 no error (warnings allowed, unless --strict), 1 errors (or\n"
    "warnings with --strict) or a policy that does not load, 2 usage or\n"
    "unreadable data.\n";

typedef struct tally {
    size_t errors, warnings;
    int json;
} tally;

static void print_finding(const cm_lint_finding *f, void *ud)
{
    tally *t = ud;
    int err = f->severity == CM_LINT_ERROR;
    if (err)
        t->errors++;
    else
        t->warnings++;
    if (t->json) {
        printf("%s{\"file\":", t->errors + t->warnings > 1 ? "," : "");
        json_print_string(stdout, f->file);
        printf(",\"line\":%d,\"severity\":\"%s\",\"message\":", f->line,
               err ? "error" : "warning");
        json_print_string(stdout, f->message);
        putchar('}');
    } else if (f->line > 0) {
        printf("%s:%d: %s: %s\n", f->file, f->line, err ? "error" : "warning", f->message);
    } else {
        printf("%s: %s: %s\n", f->file, err ? "error" : "warning", f->message);
    }
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "data", required_argument, NULL, 'd' },
        { "set", required_argument, NULL, 's' },
        { "rules-path", required_argument, NULL, 'p' },
        { "strict", no_argument, NULL, 'S' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    int strict = 0;
    tally t = { 0, 0, 0 };
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
        } else if (opt == 'S') {
            strict = 1;
        } else if (opt == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)) {
            t.json = strcmp(optarg, "json") == 0;
        } else if (opt == 'f') {
            die_usage("check", "--format takes text or json, not '%s'", optarg);
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
    int samples = ndata == 0;
    if (samples && cm_engine_load_samples(e, d) != CM_OK) {
        fprintf(stderr, "capmatch check: the built-in sample profiles: %s\n", cm_engine_errmsg(e));
        cm_diags_free(d);
        cm_engine_free(e);
        return EXIT_INTERNAL;
    }
    cm_diags_free(d);

    cm_policy_options po;
    cm_policy_options_init(&po);
    po.lint = 1;
    po.set = set;
    po.rules_path = rules_path;
    cm_policy *p = cm_policy_load(e, path, &po);
    if (p == NULL) {
        if (t.json) {
            printf("{\"policy\":");
            json_print_string(stdout, path);
            /* the message starts "FILE:LINE: " when the failure has a place
             * (the policy's or a module's): give editors the place as such */
            const char *msg = cm_engine_errmsg(e), *c = msg;
            int line = 0;
            size_t flen = 0;
            while ((c = strchr(c, ':')) != NULL) {
                const char *q = c + 1;
                while (*q >= '0' && *q <= '9')
                    q++;
                if (q > c + 1 && q[0] == ':' && q[1] == ' ') {
                    flen = (size_t)(c - msg);
                    line = atoi(c + 1);
                    break;
                }
                c++;
            }
            printf(",\"loaded\":false,\"errors\":1,\"warnings\":0,\"findings\":[{\"file\":");
            if (line > 0) {
                char file[4096];
                snprintf(file, sizeof file, "%.*s", (int)flen, msg);
                json_print_string(stdout, file);
                msg = c + strcspn(c + 1, ":") + 3;      /* after ":LINE: " */
            } else {
                json_print_string(stdout, path);
            }
            printf(",\"line\":%d,\"severity\":\"error\",\"message\":", line);
            json_print_string(stdout, msg);
            printf("}]}\n");
        } else {
            printf("%s\n", cm_engine_errmsg(e));
        }
        cm_engine_free(e);
        free(data);
        free(set);
        return EXIT_NOMATCH;
    }
    size_t nr = cm_engine_count(e, CM_KIND_REGIONS), ne = cm_engine_count(e, CM_KIND_ENTERPRISES);
    if (t.json) {
        printf("{\"policy\":");
        json_print_string(stdout, path);
        printf(",\"loaded\":true,\"data\":\"%s\",\"findings\":[",
               samples ? "built-in samples" : nr && ne ? "given" : "none");
    }
    if (cm_policy_lint_ex(e, p, samples ? CM_LINT_SAMPLE_DATA : 0, print_finding, &t, NULL)
        != CM_OK) {
        if (t.json)
            printf("]}\n");
        fprintf(stderr, "capmatch check: %s\n", cm_last_error());
        cm_policy_free(p);
        cm_engine_free(e);
        free(data);
        free(set);
        return EXIT_INTERNAL;
    }
    if (t.json)
        printf("],\"errors\":%zu,\"warnings\":%zu}\n", t.errors, t.warnings);
    else if (t.errors + t.warnings == 0)
        printf("%s: ok: policy '%s', %zu rules, %zu filters, %zu parameters, %s\n", path,
               cm_policy_name(p), cm_policy_rule_count(p), cm_policy_filter_count(p),
               cm_policy_param_count(p),
               samples ? "rules run on the built-in sample profiles" : "checked on the data");
    else
        printf("%s: %zu error%s, %zu warning%s\n", path, t.errors, t.errors == 1 ? "" : "s",
               t.warnings, t.warnings == 1 ? "" : "s");
    cm_policy_free(p);
    cm_engine_free(e);
    free(data);
    free(set);
    return t.errors || (strict && t.warnings) ? EXIT_NOMATCH : EXIT_OK;
}

const command cmd_check = { "check", run, "lint a policy (with --data: on sample profiles)", usage };
