/*
 * cmd_match.c - capmatch match and capmatch explain: load profiles and a
 * policy, score every pair (or one), and write the ranked partners with
 * their explanations as a table (names, by display width), JSON or JSON
 * Lines (the result format capmatch.result/1), CSV or XLSX (with the
 * provenance in FILE.meta.json) or an HTML report. -o follows the output rules of cm_output_open (a
 * file is replaced only once complete, so a failed run leaves it as it was).
 */
#include "cli.h"
#include "output.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fmt { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_CSV, FMT_HTML, FMT_XLSX };

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
    int bom;                    /* --bom: CSV starts with a UTF-8 byte-order mark */
    int ids;                    /* --ids: the table shows ids beside names */
    unsigned part_index, part_count;   /* --part I/N: the enterprises are that part */
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
    "  --format table|json|jsonl|csv|xlsx|html   output (default table); json and\n"
    "                         jsonl in the result format capmatch.result/1; csv a\n"
    "                         plain table (provenance in FILE.meta.json with -o);\n"
    "                         xlsx a workbook (needs -o); html one report page\n"
    "  --bom                  csv: start with a UTF-8 byte-order mark (for Excel)\n"
    "  --ids                  table: show ids beside names\n"
    "  --explain              every rule's score, weight, contribution and reason\n"
    "  --threads N            worker threads (default: one per core); the output is\n"
    "                         the same for any number\n"
    "  --on-error stop|skip   a rule that raises an error stops the run (default)\n"
    "                         or scores 0 for that pair and is reported\n"
    "  --shard I/N            only every N-th profile, starting at I (0-based)\n"
    "  --part I/N             the enterprises given are the I-th (0-based) of N\n"
    "                         consecutive parts of the whole (a parallel --pipe block,\n"
    "                         a Spark partition): rows say so, for capmatch merge\n"
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
        { "bom", no_argument, NULL, 25 },
        { "ids", no_argument, NULL, 26 },
        { "part", required_argument, NULL, 27 },
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
        case 11:
        case 27: {
            unsigned i, n;
            char c;
            if (sscanf(optarg, "%u/%u%c", &i, &n, &c) != 2 || n < 1 || i >= n)
                die_usage(prog, "--%s must be I/N with 0 <= I < N, not '%s'",
                          opt == 11 ? "shard" : "part", optarg);
            if (opt == 11) {
                a->mo.shard_index = i;
                a->mo.shard_count = n;
            } else {
                a->part_index = i;
                a->part_count = n;
            }
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
        case 25: a->bom = 1; break;
        case 26: a->ids = 1; break;
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
            else if (strcmp(optarg, "xlsx") == 0)
                a->fmt = FMT_XLSX;
            else
                die_usage(prog, "--format must be table, json, jsonl, csv, xlsx or html, not '%s'",
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
    if (a->fmt == FMT_CSV || a->fmt == FMT_HTML || a->fmt == FMT_XLSX)
        a->mo.explain = 1;
    a->show_explain = a->mo.explain;
    if (a->sensitivity && (a->fmt == FMT_CSV || a->fmt == FMT_HTML || a->fmt == FMT_XLSX))
        die_usage(prog, "--sensitivity goes with --format table, json or jsonl");
    if (a->fmt == FMT_XLSX && (a->output == NULL || strcmp(a->output, "-") == 0))
        die_usage(prog, "--format xlsx writes a file: give it with -o FILE");
    if (a->bom && a->fmt != FMT_CSV)
        die_usage(prog, "--bom goes with --format csv");
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
    if (a->part_count > 1)
        fprintf(f, ",\"part\":\"%u/%u\"", a->part_index, a->part_count);
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

/* A match row's JSON fields (capmatch.result/1), without the closing brace. */
static void row_fields(FILE *f, const cm_result *r, size_t i, int explain, int region_view,
                       const cm_engine *sources, const names *nm)
{
    char b1[32];
    const cm_match_row *row = cm_result_row(r, i);
    fputc('{', f);
    json_party(f, nm, CM_KIND_ENTERPRISES, row->enterprise);
    fputc(',', f);
    json_party(f, nm, CM_KIND_REGIONS, row->region);
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
        fputs(",\"reasons\":", f);
        json_reasons_of(f, r, i);
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
                    const cm_engine *sources, const names *nm)
{
    row_fields(f, r, i, explain, region_view, sources, nm);
    fputc('}', f);
}

/* The row with --sensitivity's figures when asked for; with positions (the
 * JSON Lines of a shard or part), last, the place of the ranked profile in
 * what was loaded, by which capmatch merge restores the order of one run. */
static void json_row(FILE *f, const cm_result *r, size_t i, const match_args *a, int region_view,
                     const cm_engine *sources, const names *nm, const cm_engine *positions)
{
    row_fields(f, r, i, a->show_explain, region_view, sources, nm);
    if (a->sensitivity)
        sens_json(f, "sensitivity", r, i, a->mo.by);
    if (positions) {
        const cm_match_row *row = cm_result_row(r, i);
        fprintf(f, ",\"position\":%zu",
                cm_engine_find(positions, a->mo.by,
                               a->mo.by == CM_KIND_REGIONS ? row->region : row->enterprise));
    }
    fputc('}', f);
}

/* explain's one row: the pair, its filters and every rule (capmatch.result/1) */
void explain_json_row(FILE *f, const cm_result *r, const names *nm)
{
    char b1[32];
    const cm_match_row *row = cm_result_row(r, 0);
    fputc('{', f);
    json_party(f, nm, CM_KIND_ENTERPRISES, row->enterprise);
    fputc(',', f);
    json_party(f, nm, CM_KIND_REGIONS, row->region);
    fprintf(f, ",\"score\":%s,\"vetoed\":%s,\"filters\":[",
            num_shortest(b1, sizeof b1, row->score), row->vetoed ? "true" : "false");
    for (size_t i = 0; i < cm_result_filter_count(r); i++) {
        const cm_filter_item *fi = cm_result_filter(r, i);
        fprintf(f, "%s{\"filter\":", i ? "," : "");
        json_print_string(f, fi->filter);
        fprintf(f, ",\"pass\":%s,\"reason\":", fi->pass ? "true" : "false");
        json_print_string(f, fi->reason);
        fputc('}', f);
    }
    fputs("],\"reasons\":", f);
    json_reasons_of(f, r, 0);
    fputs(",\"explain\":[", f);
    for (size_t k = 0; k < cm_result_rule_count(r); k++) {
        if (k)
            fputc(',', f);
        json_explain_item(f, cm_result_explain(r, 0, k), JX_SIDE);
    }
    fputc(']', f);
}

/* ---- the run's outputs -------------------------------------------------------------- */

typedef struct match_out {
    const cm_engine *e;
    const cm_policy *p;
    const cm_result *r;
    const match_args *a;
    names nm;
} match_out;

static void match_totals(FILE *f, const cm_result *r)
{
    size_t vetoed, pairs = cm_result_pairs(r, &vetoed);
    fprintf(f, "{\"rows\":%zu,\"pairs_scored\":%zu,\"vetoed\":%zu,\"errors_skipped\":%zu}",
            cm_result_count(r), pairs, vetoed, cm_result_error_count(r));
}

/* The result document without its rows: the provenance of a CSV or XLSX. */
static void match_doc_meta(FILE *f, const void *ud)
{
    const match_out *o = ud;
    result_begin(f, "match");
    meta_json(f, o->e, o->p, o->a);
    fputs(",\"totals\":", f);
    match_totals(f, o->r);
    fputs("}\n", f);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The results as a sheet: ids, names and countries, score, rank, each rule's
 * contribution and the reasons (the CSV contract of SCHEMA.md). */
static sheet *match_sheet(const match_out *o)
{
    const cm_result *r = o->r;
    int rv = cm_policy_has_region_view(o->p);
    size_t nr = cm_result_rule_count(r), nc = 8 + (size_t)rv + nr + 1;
    const char **h = calloc(nc, sizeof *h), **t = calloc(nc, sizeof *t);
    cell_type *ty = calloc(nc, sizeof *ty);
    double *num = calloc(nc, sizeof *num);
    sheet *s = NULL;
    if (h == NULL || t == NULL || ty == NULL || num == NULL)
        goto out;
    static const char *const fixed[] = { "enterprise", "enterprise_name", "enterprise_country",
                                         "region", "region_name", "region_country", "score",
                                         "rank" };
    size_t c = 0;
    for (; c < 8; c++) {
        h[c] = fixed[c];
        ty[c] = c == 6 ? CELL_SCORE : c == 7 ? CELL_INT : CELL_TEXT;
    }
    if (rv) {
        h[c] = "region_score";
        ty[c++] = CELL_SCORE;
    }
    for (size_t k = 0; k < nr; k++) {
        h[c] = cm_policy_rule_name(o->p, k);
        ty[c++] = CELL_SCORE;
    }
    h[c] = "reasons";
    ty[c] = CELL_TEXT;
    s = sheet_new("results", nc, h, ty);
    for (size_t i = 0; s && i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        for (size_t k = 0; k < nc; k++) {
            t[k] = NULL;
            num[k] = 0;
        }
        t[0] = row->enterprise;
        t[1] = party_field(&o->nm, CM_KIND_ENTERPRISES, row->enterprise, "name");
        t[2] = party_field(&o->nm, CM_KIND_ENTERPRISES, row->enterprise, "country");
        t[3] = row->region;
        t[4] = party_field(&o->nm, CM_KIND_REGIONS, row->region, "name");
        t[5] = party_field(&o->nm, CM_KIND_REGIONS, row->region, "country");
        num[6] = row->score;
        num[7] = row->rank;
        c = 8;
        if (rv)
            num[c++] = row->region_score;
        for (size_t k = 0; k < nr; k++)
            num[c++] = cm_result_explain(r, i, k)->contribution;
        char *why = reasons_joined(r, i);
        char *all = why;
        if (why && row->diversity) {
            size_t n = strlen(why) + strlen(row->diversity) + 16;
            all = malloc(n);
            if (all)
                snprintf(all, n, "%s | diversity: %s", why, row->diversity);
            free(why);
        }
        t[c] = all;
        int bad = all == NULL || sheet_row(s, t, num) < 0;
        free(all);
        if (bad) {
            sheet_free(s);
            s = NULL;
        }
    }
out:
    free(h);
    free(t);
    free(ty);
    free(num);
    return s;
}

/* The profiles of the ranked side that have no row: no partner passed the
 * filters and the minimum score (a whole run only: not for a shard). */
static sheet *match_left_sheet(const match_out *o)
{
    static const char *const h[] = { "kind", "id", "name", "country", "reason", "message" };
    sheet *s = sheet_new("left out", 6, h, NULL);
    if (s == NULL || o->a->mo.shard_count > 1)
        return s;
    int by_region = o->a->mo.by == CM_KIND_REGIONS;
    cm_kind k = by_region ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
    size_t n = cm_result_count(o->r);
    const char **who = malloc((n ? n : 1) * sizeof *who);
    if (who == NULL) {
        sheet_free(s);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        who[i] = by_region ? cm_result_row(o->r, i)->region : cm_result_row(o->r, i)->enterprise;
    qsort(who, n, sizeof *who, cmp_str);
    for (size_t i = 0; i < cm_engine_count(o->e, k); i++) {
        cm_value v;
        if (cm_profile_get(o->e, k, i, "id", &v) != CM_OK || v.type != CM_VALUE_STRING)
            continue;
        if (bsearch(&v.str, who, n, sizeof *who, cmp_str))
            continue;
        const char *t[6] = { by_region ? "region" : "enterprise", v.str,
                             party_field(&o->nm, k, v.str, "name"),
                             party_field(&o->nm, k, v.str, "country"), "no_partner",
                             "no partner passed the filters and the minimum score" };
        if (sheet_row(s, t, NULL) < 0) {
            sheet_free(s);
            s = NULL;
            break;
        }
    }
    free(who);
    return s;
}

static int write_sheets(FILE *f, const match_out *o)
{
    const match_args *a = o->a;
    sheet *sh[3] = { match_sheet(o), NULL, NULL };
    int rc = -1;
    char *doc = capture(match_doc_meta, o, NULL);
    if (sh[0] == NULL || doc == NULL)
        goto nomem;
    if (a->fmt == FMT_CSV) {
        sheet_csv(f, sh[0], a->bom);
        rc = 0;
    } else {
        sh[1] = match_left_sheet(o);
        sh[2] = sheet_from_json("provenance", doc);
        if (sh[1] == NULL || sh[2] == NULL)
            goto nomem;
        rc = sheets_xlsx(a->output, sh, 3, "match");
    }
    if (rc == 0 && a->output && strcmp(a->output, "-") != 0)
        rc = write_sidecar(a->output, doc, "match");
    goto out;
nomem:
    fprintf(stderr, "capmatch match: out of memory\n");
out:
    for (int i = 0; i < 3; i++)
        sheet_free(sh[i]);
    free(doc);
    return rc;
}

/* A profile as the table shows it: its name (its id when it has none), with
 * the id beside it under --ids. */
static void who_line(FILE *f, const match_out *o, cm_kind k, const char *id)
{
    const char *name = party_field(&o->nm, k, id, "name");
    const char *cc = party_field(&o->nm, k, id, "country");
    fprintf(f, "%s %s", k == CM_KIND_REGIONS ? "region" : "enterprise", name ? name : id);
    if (cc)
        fprintf(f, " (%s)", cc);
    if (o->a->ids && name)
        fprintf(f, "  [%s]", id);
    fputc('\n', f);
}

static void write_table(FILE *f, const match_out *o)
{
    const match_args *a = o->a;
    const cm_result *r = o->r;
    int by_region = a->mo.by == CM_KIND_REGIONS;
    cm_kind pk = by_region ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS;
    int rv = cm_policy_has_region_view(o->p);
    /* the partner's name takes what the terminal leaves */
    int namew = 4, idw = 2;
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        const char *id = by_region ? row->enterprise : row->region;
        const char *name = party_field(&o->nm, pk, id, "name");
        int w = text_width(name ? name : id);
        if (w > namew)
            namew = w;
        if ((int)strlen(id) > idw)
            idw = (int)strlen(id);
    }
    int fixed = 6 + 4 + 6 + (rv ? 23 : 0) + (a->ids ? idw + 2 : 0);
    int room = term_columns() - fixed;
    if (room < 12)
        room = 12;
    if (namew > room)
        namew = room;
    const char *last = NULL;
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        const char *who = by_region ? row->region : row->enterprise;
        const char *partner = by_region ? row->enterprise : row->region;
        if (last == NULL || strcmp(last, who) != 0) {
            if (last)
                fputc('\n', f);
            who_line(f, o, by_region ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES, who);
            last = who;
        }
        const char *name = party_field(&o->nm, pk, partner, "name");
        const char *cc = party_field(&o->nm, pk, partner, "country");
        fprintf(f, "  %2u. ", row->rank);
        put_cell(f, name ? name : partner, namew, 0);
        fputc(' ', f);
        put_cell(f, cc ? cc : "", 2, 0);
        if (a->ids) {
            fputs("  ", f);
            put_cell(f, partner, idw, 0);
        }
        fprintf(f, "  %.3f", row->score);
        if (rv)
            fprintf(f, "  (region's view %.3f)", row->region_score);
        if (a->feeds)
            fprintf(f, "  [%s]", source_of(o->e, pk, partner));
        fputc('\n', f);
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
    meta_lines(f, "-- ", o->e, o->p, a);
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

static int write_result(FILE *f, const cm_engine *e, const cm_policy *p, const cm_result *r,
                        const match_args *a)
{
    match_out o = { e, p, r, a, { e, { NULL, NULL }, { NULL, NULL }, { NULL, NULL } } };
    switch (a->fmt) {
    case FMT_HTML:
        write_html(f, e, p, r, a);
        break;
    case FMT_JSON:
        result_begin(f, "match");
        meta_json(f, e, p, a);
        fputs(",\"results\":[", f);
        for (size_t i = 0; i < cm_result_count(r); i++) {
            fputs(i ? ",\n" : "\n", f);
            json_row(f, r, i, a, cm_policy_has_region_view(p), a->feeds ? e : NULL, &o.nm, NULL);
        }
        fputs("\n],\"totals\":", f);
        match_totals(f, r);
        fputs("}\n", f);
        break;
    case FMT_JSONL:
        result_begin(f, "match");
        meta_json(f, e, p, a);
        fputs("}\n", f);
        for (size_t i = 0; i < cm_result_count(r); i++) {
            json_row(f, r, i, a, cm_policy_has_region_view(p), a->feeds ? e : NULL, &o.nm,
                     a->mo.shard_count > 1 || a->part_count > 1 ? e : NULL);
            fputc('\n', f);
        }
        fputs("{\"totals\":", f);
        match_totals(f, r);
        fputs("}\n", f);
        break;
    case FMT_CSV:
    case FMT_XLSX:
        return write_sheets(f, &o);
    case FMT_TABLE:
        write_table(f, &o);
        break;
    }
    return 0;
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
    if (a.part_count > 1 && a.mo.by == CM_KIND_REGIONS) {
        /* a region's lists from the parts are merged by score: only a list
         * ranked by score alone merges exactly */
        if (cm_policy_aggregate(p))
            die_usage("match", "--part with --by region: the policy ranks by %s, which "
                      "depends on all of a region's candidates at once; run over the whole "
                      "input, or use --shard I/N", cm_policy_aggregate(p));
        if (a.mo.diversity > 0 || (a.mo.diversity == 0 && cm_policy_diversity(p)))
            die_usage("match", "--part with --by region: the diversity re-ranking needs all "
                      "of a region's candidates at once; give --no-diverse (to the single "
                      "run too), or use --shard I/N");
        if (a.sensitivity)
            die_usage("match", "--part with --by region: --sensitivity compares a region's "
                      "kept pairs, which only the merged list has");
    }
    progress_state ps;
    if (progress_init(&ps, "match", "scoring",
                      a.mo.by == CM_KIND_REGIONS ? "regions" : "enterprises", a.progress)) {
        a.mo.progress = progress_report;
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
    int rc = cm_result_count(r) ? EXIT_OK : EXIT_NOMATCH;
    if (a.fmt == FMT_XLSX) {
        /* the workbook is written whole by sheets_xlsx */
        if (write_result(NULL, e, p, r, &a) < 0)
            rc = EXIT_INPUT;
    } else {
        outfile of;
        if (out_open(&of, a.output, "match") < 0) {
            cm_result_free(r);
            cm_policy_free(p);
            cm_engine_free(e);
            free_args(&a);
            return EXIT_INPUT;
        }
        int failed = write_result(of.f, e, p, r, &a) < 0;
        if (out_close(&of, failed, "match") < 0 || failed)
            rc = EXIT_INPUT;
    }
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
    names nm = { e, { NULL, NULL }, { NULL, NULL }, { NULL, NULL } };
    if (a.fmt == FMT_JSON) {
        result_begin(stdout, "explain");
        meta_json(stdout, e, p, &a);
        fputs(",\"results\":[", stdout);
        explain_json_row(stdout, r, &nm);
        if (a.sensitivity && at != (size_t)-1) {
            printf(",\"rank\":%u", cm_result_row(list, at)->rank);
            sens_json(stdout, "sensitivity", list, at, CM_KIND_ENTERPRISES);
        }
        fputs("}]", stdout);
        if (a.sensitivity)
            printf(",\"totals\":{\"kept\":%zu}", cm_result_count(list));
        printf("}\n");
    } else {
        const char *en = party_field(&nm, CM_KIND_ENTERPRISES, row->enterprise, "name");
        const char *rn = party_field(&nm, CM_KIND_REGIONS, row->region, "name");
        printf("enterprise %s%s%s%s and region %s%s%s%s, policy %s\n\nfilters:\n",
               en ? en : "", en ? " (" : "", row->enterprise, en ? ")" : "", rn ? rn : "",
               rn ? " (" : "", row->region, rn ? ")" : "", cm_policy_name(p));
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
