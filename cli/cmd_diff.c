/*
 * cmd_diff.c - capmatch diff: what changes between two policies, two data
 * sets of one kind, or two result files of capmatch match --format jsonl
 * (cm_diff): a summary, then the pairs that entered, left or moved and the
 * rules behind it; table, JSON or an HTML report. Exit 0 when nothing
 * changed, 1 when something did, like diff(1).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char diff_usage[] =
    "usage: capmatch diff --policy A --policy B --regions FILE --enterprises FILE\n"
    "       capmatch diff --regions OLD --regions NEW --enterprises FILE --policy P\n"
    "       capmatch diff --enterprises OLD --enterprises NEW --regions FILE --policy P\n"
    "       capmatch diff [OPTIONS] BEFORE.jsonl AFTER.jsonl\n"
    "\n"
    "What changes between two rankings: the pairs that entered or left each\n"
    "profile's top k, moved rank (and by how much) or kept their rank with another\n"
    "score, and why: the rules whose contributions changed most, with the reasons\n"
    "before and after. Two policies or two data sets are each matched once (the\n"
    "cost of two matches); two files of capmatch match --format jsonl (made with\n"
    "the same --by and --top; --explain for the reasons) are compared as they are.\n"
    "\n"
    "options:\n"
    "  --top K, --by enterprise|region, --min-score S, --threads N, --set NAME=VALUE,\n"
    "  --rules-path DIRS, --rates FILE   as for match (the same for both sides)\n"
    "  --format table|json|html   output (default table); html is the report of the\n"
    "                         after side with a section of what changed\n"
    "  -o FILE                write to FILE (complete or not at all)\n"
    "\n"
    "exit status: 0 nothing changed, 1 something changed, 2 usage, input or\n"
    "policy error (results made differently), 3 internal error.\n";

typedef struct side_run {
    cm_engine *e;
    cm_policy *p;
    cm_result *r;
} side_run;

static int fail(const char *msg, int rc)
{
    fprintf(stderr, "capmatch diff: %s\n", msg);
    return rc;
}

static int report_html(FILE *f, const cm_diff *d, const side_run *after)
{
    cm_report *rep = cm_report_new(after ? after->e : NULL, "capmatch diff");
    if (rep == NULL)
        return fail("out of memory", EXIT_INTERNAL);
    cm_diff_totals t;
    cm_diff_summary(d, &t);
    cm_status s = cm_report_add_diff(rep, d);
    if (s == CM_OK && after)
        s = cm_report_add_result(rep, after->r, t.by);
    if (s == CM_OK)
        s = cm_report_write_html(rep, file_sink, f);
    cm_report_free(rep);
    if (s != CM_OK)
        return fail(cm_last_error(), s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    return 0;
}

static int run_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        LOAD_LONG_OPTIONS,
        { "regions", required_argument, NULL, 1 },
        { "enterprises", required_argument, NULL, 2 },
        { "policy", required_argument, NULL, 3 },
        { "set", required_argument, NULL, 4 },
        { "rules-path", required_argument, NULL, 5 },
        { "top", required_argument, NULL, 6 },
        { "by", required_argument, NULL, 7 },
        { "min-score", required_argument, NULL, 8 },
        { "threads", required_argument, NULL, 9 },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    load_args la;
    load_args_init(&la);
    const char **regions = NULL, **enterprises = NULL, **policies = NULL, **set = NULL;
    int nregions = 0, nenterprises = 0, npolicies = 0, nset = 0, fmt = CM_DIFF_TEXT;
    const char *rules_path = NULL, *output = NULL;
    cm_match_options mo;
    cm_match_options_init(&mo);
    mo.explain = 1;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 1: arg_push(&regions, &nregions, optarg); break;
        case 2: arg_push(&enterprises, &nenterprises, optarg); break;
        case 3: arg_push(&policies, &npolicies, optarg); break;
        case 4: arg_push(&set, &nset, optarg); break;
        case 5: rules_path = optarg; break;
        case 6: {
            long k = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || k < 1 || k > 100000)
                die_usage("diff", "--top must be a number from 1 to 100000, not '%s'", optarg);
            mo.top = (size_t)k;
            break;
        }
        case 7:
            if (strcmp(optarg, "enterprise") == 0 || strcmp(optarg, "enterprises") == 0)
                mo.by = CM_KIND_ENTERPRISES;
            else if (strcmp(optarg, "region") == 0 || strcmp(optarg, "regions") == 0)
                mo.by = CM_KIND_REGIONS;
            else
                die_usage("diff", "--by must be enterprise or region, not '%s'", optarg);
            break;
        case 8: {
            double v = strtod(optarg, &end);
            if (*optarg == '\0' || *end || !(v >= 0 && v <= 1))
                die_usage("diff", "--min-score must be a number in [0, 1], not '%s'", optarg);
            mo.min_score = v;
            break;
        }
        case 9: {
            long t = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || t < 1 || t > 256)
                die_usage("diff", "--threads must be a number from 1 to 256, not '%s'", optarg);
            mo.threads = (int)t;
            break;
        }
        case 'o': output = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
                fmt = CM_DIFF_TEXT;
            else if (strcmp(optarg, "json") == 0)
                fmt = CM_DIFF_JSON;
            else if (strcmp(optarg, "html") == 0)
                fmt = CM_DIFF_HTML;
            else
                die_usage("diff", "--format must be table, json or html, not '%s'", optarg);
            la.json_output = fmt == CM_DIFF_JSON;
            break;
        default:
            if (opt == '?' || load_args_option(&la, opt, optarg, "diff") == 0)
                die_usage("diff", "unknown option");
        }
    }
    int files = argc - optind;
    int engine_mode = npolicies + nregions + nenterprises > 0;
    if (files && engine_mode)
        die_usage("diff", "give two result files, or policies and profiles, not both");
    if (files && files != 2)
        die_usage("diff", "give two result files (capmatch match --format jsonl), not %d", files);
    if (!files) {
        int doubled = (npolicies == 2) + (nregions == 2) + (nenterprises == 2);
        if (npolicies < 1 || nregions < 1 || nenterprises < 1 || npolicies > 2 || nregions > 2 ||
            nenterprises > 2 || doubled != 1)
            die_usage("diff", "give two policies, two regions files or two enterprises files "
                              "(one of them twice), the rest once");
    }
    cm_diff *d = cm_diff_new();
    if (d == NULL)
        return fail("out of memory", EXIT_INTERNAL);
    side_run run[2];
    memset(run, 0, sizeof run);
    int rc = EXIT_OK;
    cm_status s = CM_OK;
    if (files) {
        s = cm_diff_load_file(d, 0, argv[optind]);
        if (s == CM_OK)
            s = cm_diff_load_file(d, 1, argv[optind + 1]);
        if (s != CM_OK)
            rc = fail(cm_last_error(), s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    } else {
        for (int k = 0; k < 2 && rc == EXIT_OK; k++) {
            const char *rg = regions[nregions == 2 ? k : 0];
            const char *en = enterprises[nenterprises == 2 ? k : 0];
            if (k == 1 && npolicies == 2) {
                run[1].e = run[0].e;          /* one engine, two policies */
            } else {
                run[k].e = load_sides(&la, &rg, 1, &en, 1, "diff");
            }
            cm_policy_options po;
            cm_policy_options_init(&po);
            po.rules_path = rules_path;
            po.set = set;
            const char *pol = policies[npolicies == 2 ? k : 0];
            run[k].p = cm_policy_load(run[k].e, pol, &po);
            if (run[k].p == NULL) {
                rc = fail(cm_engine_errmsg(run[k].e), EXIT_INPUT);
                break;
            }
            /* both sides keep as many: the first policy's top unless --top */
            if (mo.top == 0)
                mo.top = cm_policy_top(run[0].p);
            s = cm_match(run[k].e, run[k].p, &mo, &run[k].r);
            if (s != CM_OK) {
                rc = fail(cm_engine_errmsg(run[k].e), s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
                break;
            }
            const char *name = npolicies == 2 ? pol : nregions == 2 ? rg : en;
            s = cm_diff_add_result(d, k, run[k].r, mo.by, mo.top, name);
            if (s != CM_OK)
                rc = fail(cm_last_error(), EXIT_INTERNAL);
        }
    }
    if (rc == EXIT_OK && (s = cm_diff_compute(d)) != CM_OK)
        rc = fail(cm_last_error(), s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    for (int k = 0; k < 2 && rc == EXIT_OK && !files; k++)
        if ((s = cm_diff_explain_missing(d, k, run[k].e, run[k].p)) != CM_OK)
            rc = fail(cm_last_error(), s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    if (rc == EXIT_OK) {
        outfile of;
        if (out_open(&of, output, "diff") < 0) {
            rc = EXIT_INPUT;
        } else {
            int bad = 0;
            if (fmt == CM_DIFF_HTML) {
                bad = report_html(of.f, d, files ? NULL : &run[1]);
            } else if ((s = cm_diff_write(d, fmt, file_sink, of.f)) != CM_OK) {
                fprintf(stderr, "capmatch diff: %s\n", cm_last_error());
                bad = s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
            }
            if (out_close(&of, bad != 0, "diff") < 0)
                rc = bad ? bad : EXIT_INPUT;
            else
                rc = cm_diff_changed(d) ? EXIT_NOMATCH : EXIT_OK;
        }
    }
    cm_diff_free(d);
    for (int k = 1; k >= 0; k--) {
        cm_result_free(run[k].r);
        cm_policy_free(run[k].p);
        if (k == 0 || run[1].e != run[0].e)
            cm_engine_free(run[k].e);
    }
    free(regions);
    free(enterprises);
    free(policies);
    free(set);
    return rc;
}

const command cmd_diff = { "diff", run_diff,
                           "what changes between two policies, data sets or results",
                           diff_usage };
