/*
 * cmd_match.c - capmatch match and capmatch explain: load profiles and a
 * policy, score every pair (or one), and write the ranked partners with
 * their explanations as a table, JSON, JSON Lines or CSV, each with the
 * provenance of the run. -o follows the output rules of cm_output_open (a
 * file is replaced only once complete, so a failed run leaves it as it was).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum fmt { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_CSV, FMT_HTML };

typedef struct match_args {
    load_args load;
    const char **regions, **enterprises;
    int nregions, nenterprises;
    const char *policy;
    const char **set;
    int nset;
    const char *rules_path;
    const char *output;
    const char *title;            /* of the html report */
    enum fmt fmt;
    cm_match_options mo;
    const char *enterprise_id, *region_id;   /* explain */
    const char *feeds, *cache;  /* --feeds FILE [--cache DIR] */
    int refresh;
    int progress;               /* --progress: plain progress lines on stderr */
    int sensitivity;            /* --sensitivity: how far each weight can move */
    int show_explain;           /* --explain given (--sensitivity explains internally) */
    int stats;                  /* --stats: the statistics table on stderr */
    const char *stats_json;     /* --stats-json FILE */
} match_args;

static const char match_usage[] =
    "usage: capmatch match --regions FILE --enterprises FILE --policy POLICY [OPTIONS]\n"
    "\n"
    "Score every enterprise against every region with a policy and print each\n"
    "one's best partners (or, with --by region, each region's best enterprises).\n"
    "\n"
    "options:\n"
    "  --regions FILE, --enterprises FILE   profiles (JSON, JSONL, CSV; repeatable;\n"
    "                         '-' reads JSON Lines, or --input-format, from stdin)\n"
    "  --policy FILE          the policy (a Lua file, e.g. rules/default.lua; '-' reads\n"
    "                         it from standard input)\n"
    "  --set NAME=VALUE       override a policy parameter (repeatable)\n"
    "  --top K                partners per profile (default: the policy's)\n"
    "  --min-score S          drop pairs scoring below S (default: the policy's)\n"
    "  --by enterprise|region rank regions per enterprise (default) or the reverse\n"
    "  --title TEXT           the html report's title (an event's name)\n"
    "  --format table|json|jsonl|csv|html   output (default table); html is one\n"
    "                         self-contained report page\n"
    "  --explain              every rule's score, weight, contribution and reason\n"
    "  --threads N            worker threads (default: one per core); the output is\n"
    "                         the same for any number\n"
    "  --on-error stop|skip   a rule that raises an error stops the run (default)\n"
    "                         or scores 0 for that pair and is reported\n"
    "  --shard I/N            only every N-th profile, starting at I (0-based)\n"
    "  -o FILE                write to FILE (complete or not at all)\n"
    "  --rules-path DIRS      where require finds modules (':'-separated)\n"
    "  --feeds FILE           profiles from the feeds' cached snapshots (after the\n"
    "                         files, which take precedence; feeds in config order)\n"
    "  --cache DIR            the feeds' cache (default $XDG_CACHE_HOME/capmatch)\n"
    "  --refresh              fetch the feeds first (a failed fetch keeps the cache)\n"
    "  --no-prune             score every rule of every pair (for checking: pruning skips\n"
    "                         only the rules of pairs that cannot enter a top k)\n"
    "  --diverse, --no-diverse   with --by region: move look-alike enterprises down a\n"
    "                         region's list (the policy's diversity = { ... }, else by\n"
    "                         ISIC group and offers), or not (default: the policy's)\n"
    "  --sensitivity          per kept pair and rule: the factors its weight can move by\n"
    "                         before the pair changes place among the kept pairs, and\n"
    "                         with whom (table, json, jsonl)\n"
    "  --progress             progress lines on stderr every few seconds (done/total,\n"
    "                         rate, time left) and at 100%, for logs; on a terminal\n"
    "                         one updating line is shown without it\n"
    "  --stats                per rule: how often it fired, least, quartiles, greatest\n"
    "                         and mean score, share of zeros, share of the final\n"
    "                         scores; per filter: pairs checked and vetoed; on stderr\n"
    "                         (turns pruning off: every pair that passes the filters\n"
    "                         is scored by every rule and counted)\n"
    "  --stats-json FILE      the same as JSON, to FILE (complete or not at all)\n"
    "  --rates FILE, --skip-invalid, --max-errors N   as for capmatch validate\n"
    "\n"
    "exit status: 0 results written, 1 no pair passed the filters and minimum,\n"
    "2 usage, input, policy or rule error, 3 internal error.\n";

static const char explain_usage[] =
    "usage: capmatch explain --policy POLICY --enterprise ID --region ID\n"
    "                        --regions FILE --enterprises FILE [OPTIONS]\n"
    "\n"
    "The full trace of one pair: each filter's verdict with its reason, each\n"
    "rule's score, weight, contribution and reason, and the total.\n"
    "\n"
    "options: --set, --format table|json, --rules-path, --rates as for match;\n"
    "  --sensitivity          also the pair's rank among the enterprise's --top K\n"
    "                         partners and, per rule, the factors its weight can move\n"
    "                         by before that rank changes, and with whom\n"
    "\n"
    "exit status: 0 the pair passes the filters, 1 a filter vetoes it,\n"
    "2 usage, input or policy error, 3 internal error.\n";

static void parse_args(int argc, char **argv, match_args *a, const char *prog)
{
    static const struct option longopts[] = {
        LOAD_LONG_OPTIONS,
        { "regions", required_argument, NULL, 1 },
        { "enterprises", required_argument, NULL, 2 },
        { "policy", required_argument, NULL, 3 },
        { "set", required_argument, NULL, 4 },
        { "top", required_argument, NULL, 5 },
        { "min-score", required_argument, NULL, 6 },
        { "by", required_argument, NULL, 7 },
        { "explain", no_argument, NULL, 8 },
        { "threads", required_argument, NULL, 9 },
        { "on-error", required_argument, NULL, 10 },
        { "shard", required_argument, NULL, 11 },
        { "rules-path", required_argument, NULL, 12 },
        { "enterprise", required_argument, NULL, 13 },
        { "region", required_argument, NULL, 14 },
        { "feeds", required_argument, NULL, 15 },
        { "cache", required_argument, NULL, 16 },
        { "refresh", no_argument, NULL, 17 },
        { "no-prune", no_argument, NULL, 18 },
        { "progress", no_argument, NULL, 19 },
        { "diverse", no_argument, NULL, 20 },
        { "no-diverse", no_argument, NULL, 21 },
        { "sensitivity", no_argument, NULL, 22 },
        { "stats", no_argument, NULL, 23 },
        { "stats-json", required_argument, NULL, 24 },
        { "title", required_argument, NULL, 40 },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    load_args_init(&a->load);
    cm_match_options_init(&a->mo);
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 1: arg_push(&a->regions, &a->nregions, optarg); break;
        case 2: arg_push(&a->enterprises, &a->nenterprises, optarg); break;
        case 3: a->policy = optarg; break;
        case 4: arg_push(&a->set, &a->nset, optarg); break;
        case 5: {
            long k = strtol(optarg, &end, 10);
            if (*end || k < 1 || k > 100000)
                die_usage(prog, "--top must be a number from 1 to 100000, not '%s'", optarg);
            a->mo.top = (size_t)k;
            break;
        }
        case 6: {
            double s = strtod(optarg, &end);
            if (*end || !(s >= 0 && s <= 1))
                die_usage(prog, "--min-score must be a number in [0, 1], not '%s'", optarg);
            a->mo.min_score = s;
            break;
        }
        case 7:
            if (strcmp(optarg, "enterprise") == 0 || strcmp(optarg, "enterprises") == 0)
                a->mo.by = CM_KIND_ENTERPRISES;
            else if (strcmp(optarg, "region") == 0 || strcmp(optarg, "regions") == 0)
                a->mo.by = CM_KIND_REGIONS;
            else
                die_usage(prog, "--by must be enterprise or region, not '%s'", optarg);
            break;
        case 8: a->mo.explain = 1; break;
        case 9: {
            long t = strtol(optarg, &end, 10);
            if (*end || t < 1 || t > 256)
                die_usage(prog, "--threads must be a number from 1 to 256, not '%s'", optarg);
            a->mo.threads = (int)t;
            break;
        }
        case 10:
            if (strcmp(optarg, "stop") == 0)
                a->mo.on_error = CM_ON_ERROR_STOP;
            else if (strcmp(optarg, "skip") == 0)
                a->mo.on_error = CM_ON_ERROR_SKIP;
            else
                die_usage(prog, "--on-error must be stop or skip, not '%s'", optarg);
            break;
        case 11: {
            unsigned i, n;
            char c;
            if (sscanf(optarg, "%u/%u%c", &i, &n, &c) != 2 || n < 1 || i >= n)
                die_usage(prog, "--shard must be I/N with 0 <= I < N, not '%s'", optarg);
            a->mo.shard_index = i;
            a->mo.shard_count = n;
            break;
        }
        case 12: a->rules_path = optarg; break;
        case 13: a->enterprise_id = optarg; break;
        case 14: a->region_id = optarg; break;
        case 15: a->feeds = optarg; break;
        case 16: a->cache = optarg; break;
        case 17: a->refresh = 1; break;
        case 18: a->mo.no_prune = 1; break;
        case 19: a->progress = 1; break;
        case 20: a->mo.diversity = 1; break;
        case 21: a->mo.diversity = -1; break;
        case 22: a->sensitivity = 1; break;
        case 23: a->stats = 1; a->mo.stats = 1; break;
        case 24: a->stats_json = optarg; a->mo.stats = 1; break;
        case 'o': a->output = optarg; break;
        case 40: a->title = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
                a->fmt = FMT_TABLE;
            else if (strcmp(optarg, "json") == 0)
                a->fmt = FMT_JSON;
            else if (strcmp(optarg, "jsonl") == 0)
                a->fmt = FMT_JSONL;
            else if (strcmp(optarg, "csv") == 0)
                a->fmt = FMT_CSV;
            else if (strcmp(optarg, "html") == 0)
                a->fmt = FMT_HTML;
            else
                die_usage(prog, "--format must be table, json, jsonl, csv or html, not '%s'",
                          optarg);
            a->load.json_output = a->fmt == FMT_JSON;
            break;
        default:
            if (opt == '?' || load_args_option(&a->load, opt, optarg, prog) == 0)
                die_usage(prog, "unknown option");
        }
    }
    if (optind < argc)
        die_usage(prog, "unexpected argument '%s'", argv[optind]);
    /* the CSV contract has a column per rule and the reasons; the report shows them */
    if (a->fmt == FMT_CSV || a->fmt == FMT_HTML)
        a->mo.explain = 1;
    a->show_explain = a->mo.explain;
    if (a->sensitivity && (a->fmt == FMT_CSV || a->fmt == FMT_HTML))
        die_usage(prog, "--sensitivity goes with --format table, json or jsonl");
    if (a->sensitivity)
        a->mo.explain = 1;    /* it reads the rules' scores and weights */
    if (a->policy == NULL)
        die_usage(prog, "give the policy with --policy FILE");
    if ((a->nregions == 0 || a->nenterprises == 0) && a->feeds == NULL)
        die_usage(prog, "give profiles with --regions FILE and --enterprises FILE, or --feeds FILE");
    if (strcmp(a->policy, "-") == 0)
        for (int side = 0; side < 2; side++)
            for (int i = 0; i < (side ? a->nenterprises : a->nregions); i++)
                if (strcmp((side ? a->enterprises : a->regions)[i], "-") == 0)
                    die_usage(prog, "standard input cannot hold both the policy (--policy -) "
                                    "and profiles (--%s -)", side ? "enterprises" : "regions");
    if ((a->cache || a->refresh) && a->feeds == NULL)
        die_usage(prog, "--cache and --refresh go with --feeds FILE");
    if (a->mo.diversity > 0 && a->mo.by != CM_KIND_REGIONS)
        die_usage(prog, "--diverse re-ranks region lists: use it with --by region");
}

/* Load profiles and the policy; exits with a status on failure. */
static cm_engine *setup(match_args *a, cm_policy **pol, const char *prog)
{
    cm_engine *e = load_sides(&a->load, a->regions, a->nregions, a->enterprises,
                              a->nenterprises, prog);
    /* feeds after the files: a profile given in a file takes precedence */
    if (a->feeds) {
        int rc = feeds_load_into(e, a->feeds, a->cache, a->refresh, prog);
        if (rc)
            exit(rc);
    }
    cm_policy_options po;
    cm_policy_options_init(&po);
    po.rules_path = a->rules_path;
    po.set = a->set;
    *pol = cm_policy_load(e, a->policy, &po);
    if (*pol == NULL) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_engine_errmsg(e));
        exit(EXIT_INPUT);
    }
    return e;
}

/* ---- provenance ------------------------------------------------------------------ */

static void meta_json(FILE *f, const cm_engine *e, const cm_policy *p, const match_args *a)
{
    char buf[64], hex[65];
    fprintf(f, "{\"capmatch\":\"%s\",\"policy\":{\"name\":", cm_version());
    json_print_string(f, cm_policy_name(p));
    fputs(",\"file\":", f);
    json_print_string(f, cm_policy_path(p));
    fprintf(f, ",\"sha256\":\"%s\"},\"inputs\":[", cm_policy_sha256(p));
    int first = 1;
    for (int side = 0; side < 2; side++) {
        const char **files = side == 0 ? a->regions : a->enterprises;
        int n = side == 0 ? a->nregions : a->nenterprises;
        for (int i = 0; i < n; i++) {
            if (cm_sha256_file(files[i], hex) != CM_OK)
                snprintf(hex, sizeof hex, "unreadable");
            fprintf(f, "%s{\"kind\":\"%s\",\"file\":", first ? "" : ",",
                    side == 0 ? "regions" : "enterprises");
            json_print_string(f, files[i]);
            fprintf(f, ",\"sha256\":\"%s\"}", hex);
            first = 0;
        }
    }
    fputs("]", f);
    if (a->feeds) {
        fputs(",\"feeds\":", f);
        feeds_meta_json(f, a->feeds, a->cache);
    }
    fputs(",\"set\":{", f);
    first = 1;
    for (size_t i = 0; i < cm_policy_param_count(p); i++) {
        if (!cm_policy_param_is_set(p, i))
            continue;
        fprintf(f, "%s", first ? "" : ",");
        json_print_string(f, cm_policy_param_name(p, i));
        fputc(':', f);
        char v[256];
        json_print_string(f, cm_policy_param_value(p, i, v, sizeof v));
        first = 0;
    }
    fprintf(f, "},\"rates\":{\"date\":");
    json_print_string(f, cm_engine_rates_date(e));
    fputs(",\"source\":", f);
    json_print_string(f, cm_engine_rates_source(e));
    fprintf(f, ",\"reference\":\"%s\"},\"by\":\"%s\",\"top\":%zu,\"min_score\":%s",
            cm_engine_rates_reference(e), a->mo.by == CM_KIND_REGIONS ? "region" : "enterprise",
            a->mo.top ? a->mo.top : cm_policy_top(p),
            num_shortest(buf, sizeof buf, a->mo.min_score >= 0 ? a->mo.min_score : cm_policy_min_score(p)));
    if (a->mo.shard_count > 1)
        fprintf(f, ",\"shard\":\"%u/%u\"", a->mo.shard_index, a->mo.shard_count);
    fputc('}', f);
}

static void meta_lines(FILE *f, const char *lead, const cm_engine *e, const cm_policy *p,
                       const match_args *a)
{
    char hex[65];
    fprintf(f, "%scapmatch %s\n", lead, cm_version());
    fprintf(f, "%spolicy: %s (%s, sha256 %s)\n", lead, cm_policy_name(p), cm_policy_path(p),
            cm_policy_sha256(p));
    for (int side = 0; side < 2; side++) {
        const char **files = side == 0 ? a->regions : a->enterprises;
        int n = side == 0 ? a->nregions : a->nenterprises;
        for (int i = 0; i < n; i++) {
            if (cm_sha256_file(files[i], hex) != CM_OK)
                snprintf(hex, sizeof hex, "unreadable");
            fprintf(f, "%s%s: %s (sha256 %s)\n", lead, side == 0 ? "regions" : "enterprises",
                    files[i], hex);
        }
    }
    if (a->feeds)
        feeds_meta_lines(f, lead, a->feeds, a->cache);
    for (size_t i = 0; i < cm_policy_param_count(p); i++)
        if (cm_policy_param_is_set(p, i)) {
            char v[256];
            fprintf(f, "%s--set %s=%s\n", lead, cm_policy_param_name(p, i),
                    cm_policy_param_value(p, i, v, sizeof v));
        }
    fprintf(f, "%srates: %s, %s\n", lead, cm_engine_rates_date(e), cm_engine_rates_source(e));
}

/* ---- writers ------------------------------------------------------------------------ */

/* Where a profile came from ("feed:NAME" or a file), for rows from feeds. */
static const char *source_of(const cm_engine *e, cm_kind k, const char *id)
{
    size_t idx = cm_engine_find(e, k, id);
    return idx == (size_t)-1 ? "" : cm_profile_source(e, k, idx, NULL, NULL);
}

/* ---- weight sensitivity --------------------------------------------------------------- */

static void sens_bound(char *buf, size_t n, double f, const char *partner, int passes, int up)
{
    if (partner == NULL)
        snprintf(buf, n, up ? "up without limit" : "down to x0 (no change)");
    else if (passes)
        snprintf(buf, n, "%s to x%.3f (then %s passes it)", up ? "up" : "down", f, partner);
    else
        snprintf(buf, n, "%s to x%.3f (then it passes %s)", up ? "up" : "down", f, partner);
}

static void sens_text(FILE *f, const char *lead, const cm_result *r, size_t i, cm_kind by)
{
    for (size_t k = 0; k < cm_result_rule_count(r); k++) {
        cm_sensitivity s;
        if (cm_result_sensitivity(r, i, k, by, &s) != CM_OK || s.no_effect)
            continue;
        char dn[200], up[200];
        sens_bound(dn, sizeof dn, s.down, s.down_partner, s.down_passes, 0);
        sens_bound(up, sizeof up, s.up, s.up_partner, s.up_passes, 1);
        fprintf(f, "%sweight of %-20s %s, %s\n", lead, s.rule, dn, up);
    }
}

static void sens_json(FILE *f, const char *key, const cm_result *r, size_t i, cm_kind by)
{
    char b[32];
    fprintf(f, ",\"%s\":[", key);
    int n = 0;
    for (size_t k = 0; k < cm_result_rule_count(r); k++) {
        cm_sensitivity s;
        if (cm_result_sensitivity(r, i, k, by, &s) != CM_OK || s.no_effect)
            continue;
        fprintf(f, "%s{\"rule\":", n++ ? "," : "");
        json_print_string(f, s.rule);
        fprintf(f, ",\"down\":%s,\"down_partner\":", num_shortest(b, sizeof b, s.down));
        if (s.down_partner)
            json_print_string(f, s.down_partner);
        else
            fputs("null", f);
        fprintf(f, ",\"down_passes\":%s,\"up\":", s.down_passes ? "true" : "false");
        if (s.up_partner) {
            fputs(num_shortest(b, sizeof b, s.up), f);
            fputs(",\"up_partner\":", f);
            json_print_string(f, s.up_partner);
        } else {
            fputs("null,\"up_partner\":null", f);
        }
        fprintf(f, ",\"up_passes\":%s}", s.up_passes ? "true" : "false");
    }
    fputc(']', f);
}

/* A match row's JSON fields, without the closing brace. */
static void row_fields(FILE *f, const cm_result *r, size_t i, int explain, int region_view,
                       const cm_engine *sources)
{
    char b1[32];
    const cm_match_row *row = cm_result_row(r, i);
    fputs("{\"enterprise\":", f);
    json_print_string(f, row->enterprise);
    fputs(",\"region\":", f);
    json_print_string(f, row->region);
    fprintf(f, ",\"score\":%s,\"rank\":%u", num_shortest(b1, sizeof b1, row->score), row->rank);
    if (region_view)
        fprintf(f, ",\"region_score\":%s", num_shortest(b1, sizeof b1, row->region_score));
    if (row->diversity) {
        fprintf(f, ",\"score_rank\":%u,\"diversity\":", row->score_rank);
        json_print_string(f, row->diversity);
    }
    if (sources) {
        fputs(",\"sources\":{\"enterprise\":", f);
        json_print_string(f, source_of(sources, CM_KIND_ENTERPRISES, row->enterprise));
        fputs(",\"region\":", f);
        json_print_string(f, source_of(sources, CM_KIND_REGIONS, row->region));
        fputc('}', f);
    }
    if (explain) {
        fputs(",\"explain\":[", f);
        for (size_t k = 0; k < cm_result_rule_count(r); k++) {
            if (k)
                fputc(',', f);
            json_explain_item(f, cm_result_explain(r, i, k), JX_SIDE | JX_ERROR);
        }
        fputc(']', f);
    }
}

void match_json_row(FILE *f, const cm_result *r, size_t i, int explain, int region_view,
                    const cm_engine *sources)
{
    row_fields(f, r, i, explain, region_view, sources);
    fputc('}', f);
}

/* The row with --sensitivity's figures when asked for. */
static void json_row(FILE *f, const cm_result *r, size_t i, const match_args *a, int region_view,
                     const cm_engine *sources)
{
    row_fields(f, r, i, a->show_explain, region_view, sources);
    if (a->sensitivity)
        sens_json(f, "sensitivity", r, i, a->mo.by);
    fputc('}', f);
}

void explain_json_fields(FILE *f, const cm_result *r)
{
    char b1[32];
    const cm_match_row *row = cm_result_row(r, 0);
    fputs(",\"enterprise\":", f);
    json_print_string(f, row->enterprise);
    fputs(",\"region\":", f);
    json_print_string(f, row->region);
    fprintf(f, ",\"vetoed\":%s,\"filters\":[", row->vetoed ? "true" : "false");
    for (size_t i = 0; i < cm_result_filter_count(r); i++) {
        const cm_filter_item *fi = cm_result_filter(r, i);
        fprintf(f, "%s{\"filter\":", i ? "," : "");
        json_print_string(f, fi->filter);
        fprintf(f, ",\"pass\":%s,\"reason\":", fi->pass ? "true" : "false");
        json_print_string(f, fi->reason);
        fputc('}', f);
    }
    fprintf(f, "],\"score\":%s,\"explain\":[", num_shortest(b1, sizeof b1, row->score));
    for (size_t k = 0; k < cm_result_rule_count(r); k++) {
        if (k)
            fputc(',', f);
        json_explain_item(f, cm_result_explain(r, 0, k), 0);
    }
    fputc(']', f);
}

static void write_csv(FILE *f, const cm_engine *e, const cm_policy *p, const cm_result *r,
                      const match_args *a)
{
    char b[32];
    meta_lines(f, "# ", e, p, a);
    int rv = cm_policy_has_region_view(p);
    fputs(rv ? "enterprise,region,score,rank,region_score" : "enterprise,region,score,rank", f);
    if (a->mo.explain) {
        for (size_t k = 0; k < cm_result_rule_count(r); k++) {
            fputc(',', f);
            csv_print_cell(f, cm_policy_rule_name(p, k));
        }
        fputs(",reasons", f);
    }
    fputc('\n', f);
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        csv_print_cell(f, row->enterprise);
        fputc(',', f);
        csv_print_cell(f, row->region);
        fprintf(f, ",%s,%u", num_shortest(b, sizeof b, row->score), row->rank);
        if (rv)
            fprintf(f, ",%s", num_shortest(b, sizeof b, row->region_score));
        if (a->mo.explain) {
            size_t len = 0;
            for (size_t k = 0; k < cm_result_rule_count(r); k++) {
                const cm_explain_item *it = cm_result_explain(r, i, k);
                fprintf(f, ",%s", num_shortest(b, sizeof b, it->contribution));
                len += strlen(it->rule) + strlen(it->reason) + 5;
            }
            if (row->diversity)
                len += strlen(row->diversity) + 16;
            char *reasons = malloc(len + 1);
            if (reasons) {
                size_t o = 0;
                for (size_t k = 0; k < cm_result_rule_count(r); k++) {
                    const cm_explain_item *it = cm_result_explain(r, i, k);
                    o += (size_t)sprintf(reasons + o, "%s%s: %s", k ? " | " : "", it->rule,
                                         it->reason);
                }
                if (row->diversity)
                    sprintf(reasons + o, " | diversity: %s", row->diversity);
                fputc(',', f);
                csv_print_cell(f, reasons);
                free(reasons);
            }
        }
        fputc('\n', f);
    }
}

static void write_table(FILE *f, const cm_engine *e, const cm_policy *p, const cm_result *r,
                        const match_args *a)
{
    int by_region = a->mo.by == CM_KIND_REGIONS;
    const char *last = NULL;
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        const char *who = by_region ? row->region : row->enterprise;
        const char *partner = by_region ? row->enterprise : row->region;
        if (last == NULL || strcmp(last, who) != 0) {
            fprintf(f, "%s%s %s\n", last ? "\n" : "", by_region ? "region" : "enterprise", who);
            last = who;
        }
        char from[300] = "";
        if (a->feeds)
            snprintf(from, sizeof from, "  [%s]",
                     source_of(e, by_region ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS, partner));
        if (cm_policy_has_region_view(p))
            fprintf(f, "  %2u. %-34s %.3f  (region's view %.3f)%s\n", row->rank, partner,
                    row->score, row->region_score, from);
        else
            fprintf(f, "  %2u. %-34s %.3f%s\n", row->rank, partner, row->score, from);
        if (a->show_explain && row->diversity)
            fprintf(f, "        %-20s %s\n", "diversity", row->diversity);
        if (a->show_explain)
            for (size_t k = 0; k < cm_result_rule_count(r); k++) {
                const cm_explain_item *it = cm_result_explain(r, i, k);
                fprintf(f, "        %-20s %.2f x %-4g = %.3f  %s\n", it->rule, it->score,
                        it->weight, it->contribution, it->reason);
            }
        if (a->sensitivity)
            sens_text(f, "        ", r, i, a->mo.by);
    }
    size_t vetoed, pairs = cm_result_pairs(r, &vetoed);
    fprintf(f, "%s-- %zu rows; %zu pairs scored, %zu vetoed by filters\n",
            cm_result_count(r) ? "\n" : "", cm_result_count(r), pairs, vetoed);
    meta_lines(f, "-- ", e, p, a);
}

static void write_html(FILE *f, const cm_engine *e, const cm_policy *p, const cm_result *r,
                       const match_args *a)
{
    char title[300], hex[65];
    snprintf(title, sizeof title, "capmatch: %s", cm_policy_name(p));
    cm_report *rep = cm_report_new(e, a->title ? a->title : title);
    if (rep == NULL || cm_report_add_result(rep, r, a->mo.by) != CM_OK) {
        fprintf(stderr, "capmatch match: out of memory\n");
        cm_report_free(rep);
        exit(EXIT_INTERNAL);
    }
    char v[600];
    cm_report_add_meta(rep, "capmatch", cm_version());
    snprintf(v, sizeof v, "%s (%s, sha256 %s)", cm_policy_name(p), cm_policy_path(p),
             cm_policy_sha256(p));
    cm_report_add_meta(rep, "policy", v);
    for (int side = 0; side < 2; side++) {
        const char **files = side == 0 ? a->regions : a->enterprises;
        int n = side == 0 ? a->nregions : a->nenterprises;
        for (int i = 0; i < n; i++) {
            if (cm_sha256_file(files[i], hex) != CM_OK)
                snprintf(hex, sizeof hex, "unreadable");
            snprintf(v, sizeof v, "%s (sha256 %s)", files[i], hex);
            cm_report_add_meta(rep, side == 0 ? "regions" : "enterprises", v);
        }
    }
    for (size_t i = 0; i < cm_policy_param_count(p); i++)
        if (cm_policy_param_is_set(p, i)) {
            char val[256];
            snprintf(v, sizeof v, "%s=%s", cm_policy_param_name(p, i),
                     cm_policy_param_value(p, i, val, sizeof val));
            cm_report_add_meta(rep, "--set", v);
        }
    snprintf(v, sizeof v, "%s, %s", cm_engine_rates_date(e), cm_engine_rates_source(e));
    cm_report_add_meta(rep, "rates", v);
    cm_report_write_html(rep, file_sink, f);
    cm_report_free(rep);
}

static void write_result(FILE *f, const cm_engine *e, const cm_policy *p, const cm_result *r,
                         const match_args *a)
{
    switch (a->fmt) {
    case FMT_HTML:
        write_html(f, e, p, r, a);
        break;
    case FMT_JSON:
        fputs("{\"meta\":", f);
        meta_json(f, e, p, a);
        fputs(",\"results\":[", f);
        for (size_t i = 0; i < cm_result_count(r); i++) {
            fputs(i ? ",\n" : "\n", f);
            json_row(f, r, i, a, cm_policy_has_region_view(p), a->feeds ? e : NULL);
        }
        fprintf(f, "\n],\"errors_skipped\":%zu}\n", cm_result_error_count(r));
        break;
    case FMT_JSONL:
        fputs("{\"meta\":", f);
        meta_json(f, e, p, a);
        fputs("}\n", f);
        for (size_t i = 0; i < cm_result_count(r); i++) {
            json_row(f, r, i, a, cm_policy_has_region_view(p), a->feeds ? e : NULL);
            fputc('\n', f);
        }
        break;
    case FMT_CSV:
        write_csv(f, e, p, r, a);
        break;
    case FMT_TABLE:
        write_table(f, e, p, r, a);
        break;
    }
}

/* ---- progress --------------------------------------------------------------------
 * On a terminal (stderr), one line rewritten in place: done/total, rate and
 * time remaining; --progress: a plain line every PROGRESS_EVERY seconds and a
 * last one at 100%, for logs; neither when stderr is not a terminal. The
 * engine calls back from one thread, a few times a second. */
#define PROGRESS_EVERY 5.0

typedef struct progress_state {
    int lines;                /* --progress: plain lines, not one updating line */
    int finished;             /* the 100% report is made (the engine may report it twice) */
    double start, last;       /* monotonic seconds */
    double t0;                /* the first report: the rate counts from there (the policy's
                                 per-profile work comes before any pair is scored) */
    size_t done0;
    const char *unit;         /* "enterprises" or "regions" */
} progress_state;

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1h02m", "3m05s", "42s" */
static const char *fmt_secs(char *buf, size_t cap, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, cap, "%ldh%02ldm", t / 3600, t % 3600 / 60);
    else if (t >= 60)
        snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, cap, "%lds", t);
    return buf;
}

static void progress(size_t done, size_t total, void *ud)
{
    progress_state *ps = ud;
    double now = mono_now(), el = now - ps->start;
    int last = done >= total;
    if (ps->finished || (ps->lines && !last && now - ps->last < PROGRESS_EVERY))
        return;
    ps->finished = last;
    if (ps->t0 == 0) {
        ps->t0 = now;
        ps->done0 = done;
    }
    ps->last = now;
    /* the recent rate: from the first report on, once it has run a while */
    double rate = now - ps->t0 >= 0.5 ? (double)(done - ps->done0) / (now - ps->t0) : 0;
    if (last && rate == 0 && el > 0)
        rate = (double)done / el;
    char b1[32], b2[32];
    char left[64] = "";
    if (rate > 0)
        snprintf(left, sizeof left, ", %.0f/s", rate);
    if (!last && rate > 0)
        snprintf(left + strlen(left), sizeof left - strlen(left), ", %s left",
                 fmt_secs(b1, sizeof b1, (double)(total - done) / rate));
    double pct = total ? 100.0 * (double)done / (double)total : 100.0;
    if (ps->lines) {
        fprintf(stderr, "capmatch match: progress %zu/%zu %s (%.0f%%), %s elapsed%s\n", done,
                total, ps->unit, pct, fmt_secs(b2, sizeof b2, el), left);
    } else if (last) {
        fputs("\r\033[K", stderr);
    } else {
        fprintf(stderr, "\r\033[K  scoring: %zu/%zu %s (%.0f%%)%s", done, total, ps->unit,
                pct, left);
    }
    fflush(stderr);
}

static void free_args(match_args *a)
{
    free(a->regions);
    free(a->enterprises);
    free(a->set);
}

static int run_match(int argc, char **argv)
{
    match_args a;
    parse_args(argc, argv, &a, "match");
    cm_policy *p;
    cm_engine *e = setup(&a, &p, "match");
    if (a.sensitivity && cm_policy_aggregate(p))
        die_usage("match", "--sensitivity is for the weighted mean; the policy ranks by %s",
                  cm_policy_aggregate(p));
    progress_state ps = { a.progress, 0, mono_now(), 0, 0, 0,
                          a.mo.by == CM_KIND_REGIONS ? "regions" : "enterprises" };
    if (a.progress || isatty(STDERR_FILENO)) {
        a.mo.progress = progress;
        a.mo.progress_ud = &ps;
    }
    cm_result *r = NULL;
    cm_status s = cm_match(e, p, &a.mo, &r);
    if (s != CM_OK) {
        fprintf(stderr, "capmatch match: %s\n", cm_engine_errmsg(e));
        cm_policy_free(p);
        cm_engine_free(e);
        free_args(&a);
        return s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    outfile of;
    if (out_open(&of, a.output, "match") < 0) {
        cm_result_free(r);
        cm_policy_free(p);
        cm_engine_free(e);
        free_args(&a);
        return EXIT_INPUT;
    }
    write_result(of.f, e, p, r, &a);
    int rc = cm_result_count(r) ? EXIT_OK : EXIT_NOMATCH;
    if (out_close(&of, 0, "match") < 0)
        rc = EXIT_INPUT;
    if (a.stats)
        stats_text(stderr, r, p);
    if (a.stats_json) {
        outfile sf;
        if (out_open(&sf, a.stats_json, "match") < 0) {
            rc = EXIT_INPUT;
        } else {
            stats_json(sf.f, r, p);
            if (out_close(&sf, 0, "match") < 0)
                rc = EXIT_INPUT;
        }
    }
    size_t errors = cm_result_error_count(r);
    if (errors) {
        fprintf(stderr, "capmatch match: %zu rule error%s skipped (scored 0); the first:\n",
                errors, errors == 1 ? "" : "s");
        for (size_t i = 0; cm_result_error(r, i); i++)
            fprintf(stderr, "  %s\n", cm_result_error(r, i));
    }
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
    free_args(&a);
    return rc;
}

static int run_explain(int argc, char **argv)
{
    match_args a;
    parse_args(argc, argv, &a, "explain");
    if (a.enterprise_id == NULL || a.region_id == NULL)
        die_usage("explain", "give the pair with --enterprise ID and --region ID");
    cm_policy *p;
    cm_engine *e = setup(&a, &p, "explain");
    if (a.sensitivity && cm_policy_aggregate(p))
        die_usage("explain", "--sensitivity is for the weighted mean; the policy ranks by %s",
                  cm_policy_aggregate(p));
    cm_result *r = NULL, *list = NULL;
    cm_status s = cm_explain_pair(e, p, a.enterprise_id, a.region_id, &r);
    /* the enterprise's kept partners: the pair's rank among them */
    a.mo.by = CM_KIND_ENTERPRISES;
    if (s == CM_OK && a.sensitivity)
        s = cm_match_one(e, p, CM_KIND_ENTERPRISES, a.enterprise_id, &a.mo, &list);
    size_t at = (size_t)-1;
    for (size_t i = 0; list && i < cm_result_count(list); i++)
        if (strcmp(cm_result_row(list, i)->region, a.region_id) == 0)
            at = i;
    if (s != CM_OK) {
        fprintf(stderr, "capmatch explain: %s\n", cm_engine_errmsg(e));
        cm_policy_free(p);
        cm_engine_free(e);
        free_args(&a);
        return s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    const cm_match_row *row = cm_result_row(r, 0);
    char b1[32];
    if (a.fmt == FMT_JSON) {
        fputs("{\"meta\":", stdout);
        meta_json(stdout, e, p, &a);
        explain_json_fields(stdout, r);
        if (a.sensitivity && at != (size_t)-1) {
            printf(",\"sensitivity\":{\"rank\":%u,\"kept\":%zu", cm_result_row(list, at)->rank,
                   cm_result_count(list));
            sens_json(stdout, "rules", list, at, CM_KIND_ENTERPRISES);
            printf("}");
        } else if (a.sensitivity) {
            printf(",\"sensitivity\":{\"rank\":null,\"kept\":%zu}", cm_result_count(list));
        }
        printf("}\n");
    } else {
        printf("enterprise %s and region %s, policy %s\n\nfilters:\n", row->enterprise,
               row->region, cm_policy_name(p));
        if (cm_result_filter_count(r) == 0)
            printf("  (none)\n");
        for (size_t i = 0; i < cm_result_filter_count(r); i++) {
            const cm_filter_item *f = cm_result_filter(r, i);
            printf("  %-4s %-22s %s\n", f->pass ? "pass" : "VETO", f->filter, f->reason);
        }
        printf("\nrules:%*sscore  weight  contribution\n", 18, "");
        for (size_t k = 0; k < cm_result_rule_count(r); k++) {
            const cm_explain_item *it = cm_result_explain(r, 0, k);
            printf("  %-22s %.3f  %6g  %.4f  %s\n", it->rule, it->score, it->weight,
                   it->contribution, it->reason);
        }
        printf("\nscore: %s%s\n", num_shortest(b1, sizeof b1, row->score),
               row->vetoed ? " (but vetoed by a filter: no row in match output)" : "");
        if (a.sensitivity && at != (size_t)-1) {
            printf("\nsensitivity: rank %u of the enterprise's %zu kept partners\n",
                   cm_result_row(list, at)->rank, cm_result_count(list));
            sens_text(stdout, "  ", list, at, CM_KIND_ENTERPRISES);
        } else if (a.sensitivity) {
            printf("\nsensitivity: not among the enterprise's %zu kept partners (--top); "
                   "it is reported for kept pairs\n", cm_result_count(list));
        }
    }
    cm_result_free(list);
    int rc = row->vetoed ? EXIT_NOMATCH : EXIT_OK;
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
    free_args(&a);
    return rc;
}

const command cmd_match = { "match", run_match, "rank partners with a policy, with reasons",
                            match_usage };
const command cmd_explain = { "explain", run_explain, "trace one pair through a policy",
                              explain_usage };
