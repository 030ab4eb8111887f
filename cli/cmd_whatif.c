/*
 * cmd_whatif.c - capmatch whatif: the smallest changes to an enterprise's
 * or a region's profile that would make their pair pass the filters, reach
 * a rank or reach a score (cm_whatif_run), as text or JSON.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char whatif_usage[] =
    "usage: capmatch whatif --regions FILE --enterprises FILE --policy POLICY\n"
    "                       --enterprise ID --region ID [OPTIONS]\n"
    "\n"
    "The smallest changes to the enterprise's and the region's profiles that\n"
    "would make the pair reach a target, smallest first, each with the score\n"
    "and rank it would then have and the rules and filters that moved. Every\n"
    "change is scored through the policy itself.\n"
    "\n"
    "options:\n"
    "  --target T             rank (default: within the policy's top), rank=K,\n"
    "                         pass (every filter), or score=X (pass and score >= X)\n"
    "  --change SIDE          enterprise, region or both (default) profiles change\n"
    "  --max N                changes per answer, 1 to 4 (default 2); single changes\n"
    "                         are tried exhaustively, combinations best first\n"
    "  --fixed FIELDS         side.field,... never changed (repeatable), e.g.\n"
    "                         enterprise.employees,region.needs; id, name, country,\n"
    "                         subdivision, location, sector, currencies, description\n"
    "                         and attrs are never changed\n"
    "  --limit N              answers shown (default 10; 0: all)\n"
    "  --budget N             evaluations for combinations (default 2000)\n"
    "  --format table|json    output (default table)\n"
    "  -o FILE                write to FILE (complete or not at all)\n"
    "  --set, --rules-path, --rates, --skip-invalid, --max-errors   as for match\n"
    "\n"
    "exit status: 0 changes found (or the pair meets the target already),\n"
    "1 no change of at most --max fields reaches it, 2 usage, input or policy\n"
    "error, 3 internal error.\n";

static long number_arg(const char *prog, const char *opt, const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end || v < lo || v > hi)
        die_usage(prog, "%s must be a number from %ld to %ld, not '%s'", opt, lo, hi, s);
    return v;
}

static void parse_target(const char *s, cm_whatif_options *o)
{
    char *end;
    if (strcmp(s, "rank") == 0) {
        o->target = CM_WHATIF_RANK;
    } else if (strncmp(s, "rank=", 5) == 0) {
        o->target = CM_WHATIF_RANK;
        o->rank = (size_t)number_arg("whatif", "--target rank=K", s + 5, 1, 100000);
    } else if (strcmp(s, "pass") == 0) {
        o->target = CM_WHATIF_PASS;
    } else if (strncmp(s, "score=", 6) == 0) {
        double v = strtod(s + 6, &end);
        if (s[6] == '\0' || *end || !(v >= 0 && v <= 1))
            die_usage("whatif", "--target score=X needs X in [0, 1], not '%s'", s + 6);
        o->target = CM_WHATIF_SCORE;
        o->score = v;
    } else {
        die_usage("whatif", "--target must be rank, rank=K, pass or score=X, not '%s'", s);
    }
}

static int run_whatif(int argc, char **argv)
{
    static const struct option longopts[] = {
        LOAD_LONG_OPTIONS,
        { "regions", required_argument, NULL, 1 },
        { "enterprises", required_argument, NULL, 2 },
        { "policy", required_argument, NULL, 3 },
        { "set", required_argument, NULL, 4 },
        { "rules-path", required_argument, NULL, 5 },
        { "enterprise", required_argument, NULL, 6 },
        { "region", required_argument, NULL, 7 },
        { "target", required_argument, NULL, 8 },
        { "change", required_argument, NULL, 9 },
        { "max", required_argument, NULL, 10 },
        { "fixed", required_argument, NULL, 11 },
        { "limit", required_argument, NULL, 12 },
        { "budget", required_argument, NULL, 13 },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    load_args la;
    load_args_init(&la);
    const char **regions = NULL, **enterprises = NULL, **set = NULL, **fixed = NULL;
    int nregions = 0, nenterprises = 0, nset = 0, nfixed = 0, json = 0;
    const char *policy = NULL, *rules_path = NULL, *eid = NULL, *rid = NULL, *output = NULL;
    cm_whatif_options wo;
    cm_whatif_options_init(&wo);
    wo.max_answers = 10;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (opt) {
        case 1: arg_push(&regions, &nregions, optarg); break;
        case 2: arg_push(&enterprises, &nenterprises, optarg); break;
        case 3: policy = optarg; break;
        case 4: arg_push(&set, &nset, optarg); break;
        case 5: rules_path = optarg; break;
        case 6: eid = optarg; break;
        case 7: rid = optarg; break;
        case 8: parse_target(optarg, &wo); break;
        case 9:
            if (strcmp(optarg, "enterprise") == 0)
                wo.sides = CM_WHATIF_ENTERPRISE;
            else if (strcmp(optarg, "region") == 0)
                wo.sides = CM_WHATIF_REGION;
            else if (strcmp(optarg, "both") == 0)
                wo.sides = CM_WHATIF_ENTERPRISE | CM_WHATIF_REGION;
            else
                die_usage("whatif", "--change must be enterprise, region or both, not '%s'",
                          optarg);
            break;
        case 10: wo.max_changes = (unsigned)number_arg("whatif", "--max", optarg, 1, 4); break;
        case 11:
            /* comma-separated; argv's strings may be written to (C11 5.1.2.2.1) */
            for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ","))
                arg_push(&fixed, &nfixed, tok);
            break;
        case 12: wo.max_answers = (size_t)number_arg("whatif", "--limit", optarg, 0, 1000000); break;
        case 13: wo.budget = (size_t)number_arg("whatif", "--budget", optarg, 1, 100000000); break;
        case 'o': output = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
                json = 0;
            else if (strcmp(optarg, "json") == 0)
                json = 1;
            else
                die_usage("whatif", "--format must be table or json, not '%s'", optarg);
            la.json_output = json;
            break;
        default:
            if (opt == '?' || load_args_option(&la, opt, optarg, "whatif") == 0)
                die_usage("whatif", "unknown option");
        }
    }
    if (optind < argc)
        die_usage("whatif", "unexpected argument '%s'", argv[optind]);
    if (policy == NULL)
        die_usage("whatif", "give the policy with --policy FILE");
    if (nregions == 0 || nenterprises == 0)
        die_usage("whatif", "give profiles with --regions FILE and --enterprises FILE");
    if (eid == NULL || rid == NULL)
        die_usage("whatif", "give the pair with --enterprise ID and --region ID");
    wo.fixed = fixed;
    cm_engine *e = load_sides(&la, regions, nregions, enterprises, nenterprises, "whatif");
    cm_policy_options po;
    cm_policy_options_init(&po);
    po.rules_path = rules_path;
    po.set = set;
    cm_policy *p = cm_policy_load(e, policy, &po);
    int rc = EXIT_OK;
    cm_whatif *w = NULL;
    if (p == NULL) {
        fprintf(stderr, "capmatch whatif: %s\n", cm_engine_errmsg(e));
        rc = EXIT_INPUT;
    } else {
        cm_status s = cm_whatif_run(e, p, eid, rid, &wo, &w);
        if (s != CM_OK) {
            fprintf(stderr, "capmatch whatif: %s\n", cm_engine_errmsg(e));
            rc = s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
        }
    }
    if (w) {
        outfile of;
        if (out_open(&of, output, "whatif") < 0) {
            rc = EXIT_INPUT;
        } else {
            cm_status s = cm_whatif_write(w, json, file_sink, of.f);
            if (out_close(&of, s != CM_OK, "whatif") < 0)
                rc = s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
            else
                rc = cm_whatif_met(w) || cm_whatif_count(w) ? EXIT_OK : EXIT_NOMATCH;
        }
    }
    cm_whatif_free(w);
    cm_policy_free(p);
    cm_engine_free(e);
    free(regions);
    free(enterprises);
    free(set);
    free(fixed);
    return rc;
}

const command cmd_whatif = { "whatif", run_whatif,
                             "the smallest profile changes that reach a rank, pass or score",
                             whatif_usage };
