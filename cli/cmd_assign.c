/*
 * cmd_assign.c - capmatch assign and capmatch schedule: who meets whom under
 * the regions' capacities (from profiles and a policy, or from a file of
 * scored pairs), and those meetings in sessions, slots and tables, with
 * per-participant agendas (CSV and iCalendar). Output as a table (names, by
 * display width), JSON or JSON Lines (the result format capmatch.result/1),
 * CSV or XLSX (provenance in FILE.meta.json) or (assign) a self-contained
 * HTML report; every file is written by the output rules of cm_output_open.
 */
#include "cli.h"
#include "output.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum fmt { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_CSV, FMT_HTML, FMT_XLSX };

#define DEFAULT_CANDIDATES 10

typedef struct assign_args {
    load_args load;
    const char **regions, **enterprises, **set;
    int nregions, nenterprises, nset;
    const char *policy, *pairs, *rules_path, *output;
    enum fmt fmt;
    cm_assign_options ao;
    int min_given, explain, threads;
    size_t candidates, region_candidates;
    /* schedule */
    const char **sessions;
    int nsessions;
    cm_schedule_options so;
    const char *agendas;
    int progress, bom, ids;   /* --progress, --bom, --ids */
    const char *title;
    const char *availability, *requests, *lock, *table_names, *tz;
    const char **breaks;
    int nbreaks;
} assign_args;

static const char assign_usage[] =
    "usage: capmatch assign --regions FILE --enterprises FILE --policy POLICY [OPTIONS]\n"
    "       capmatch assign --pairs FILE [--regions FILE] [--enterprises FILE] [OPTIONS]\n"
    "\n"
    "Decide who meets whom: each region takes at most its `capacity` partners\n"
    "(absent: unlimited), each enterprise at most --per-enterprise regions.\n"
    "With a policy, each enterprise's best --candidates regions are scored and\n"
    "become the candidate pairs; or the pairs come scored in a file (CSV, JSON\n"
    "Lines or JSON with enterprise, region, score and optionally region_score\n"
    "and reasons; the output of capmatch match reads as it is).\n"
    "\n"
    "options:\n"
    "  --method stable|optimal   stable (default): deferred acceptance, no pair would\n"
    "                         both rather be together; optimal: the greatest total\n"
    "                         score (min-cost flow)\n"
    "  --proposer enterprises|regions   who proposes in the stable method (default\n"
    "                         enterprises: the result is the best stable one for them)\n"
    "  --per-enterprise K     regions per enterprise (default 1)\n"
    "  --min-score S          pairs below S (either side's score) are left out\n"
    "                         (default: the policy's minimum, or 0 for a pairs file)\n"
    "  --candidates L         regions kept per enterprise as candidates (default the\n"
    "                         larger of 10 and 3 x K); stable means stable over them\n"
    "  --region-candidates M  also each region's best M enterprises (by its own view,\n"
    "                         a second scoring pass)\n"
    "  --default-capacity N   for regions without a capacity (default unlimited)\n"
    "  --explain              every rule's score for each pair (table, JSON)\n"
    "  --format table|json|jsonl|csv|xlsx|html   output (default table); json and\n"
    "                         jsonl in the result format capmatch.result/1; csv a\n"
    "                         plain table (provenance and left-out parties in\n"
    "                         FILE.meta.json with -o); xlsx a workbook of results,\n"
    "                         left-out parties and provenance (needs -o); html a\n"
    "                         report with charts to open in a browser\n"
    "  --bom                  csv: start with a UTF-8 byte-order mark (for Excel)\n"
    "  --ids                  table: show ids beside names\n"
    "  --progress             progress lines on stderr (as for capmatch match); on a\n"
    "                         terminal one updating line is shown without it\n"
    "  --title TEXT           the html report's title (an event's name)\n"
    "  -o FILE                write to FILE (complete or not at all)\n"
    "  --set, --rules-path, --threads, --rates, --input-format, --skip-invalid\n"
    "                         as for capmatch match\n"
    "\n"
    "Ties break by id; the output is the same from run to run. Every enterprise\n"
    "and region left out is listed with the reason.\n"
    "\n"
    "exit status: 0 pairs assigned, 1 none, 2 usage or input error, 3 internal error.\n";

static const char schedule_usage[] =
    "usage: capmatch schedule --pairs FILE --sessions START[,START...] [OPTIONS]\n"
    "\n"
    "Put assigned pairs (the output of capmatch assign, CSV, JSON Lines or JSON)\n"
    "into meetings: nobody in two meetings at once, at most --tables meetings a\n"
    "slot, as few slots as the data allow. Meetings that do not fit are listed\n"
    "with the reason (the lowest-scored go first).\n"
    "\n"
    "options:\n"
    "  --sessions LIST        session starts, comma-separated: 2026-05-20T09:00,...\n"
    "  --slots N              slots per session (default: as many as needed)\n"
    "  --meeting-minutes M    length of a meeting (default 20)\n"
    "  --break-minutes B      between two meetings (default 0)\n"
    "  --tables T             meetings at once (default unlimited)\n"
    "  --table-names FILE     the tables by name (CSV name[,room] or JSON), table 1\n"
    "                         first; as many tables as names\n"
    "  --availability FILE    when participants are there (CSV id,from,to[,kind] or\n"
    "                         JSON); others are there all the time (needs --slots)\n"
    "  --requests FILE        meeting requests (CSV enterprise,region,status or JSON):\n"
    "                         requested, accepted or must (placed first; exit 1 when\n"
    "                         one cannot be), declined or never (never placed)\n"
    "  --lock FILE            meetings of an earlier schedule (its CSV or JSON) kept\n"
    "                         at their time and table (needs --slots)\n"
    "  --breaks LIST          START/END,...: no meeting then (2026-05-20T10:30/11:00)\n"
    "  --tz ZONE              the event's time zone in the .ics files (Asia/Manila)\n"
    "  --regions FILE, --enterprises FILE   profiles, for names in agendas\n"
    "  --policy POLICY        with the profiles: each meeting's top reasons are the\n"
    "                         policy's three that add the most to the pair's score\n"
    "                         (without: the pairs file's first three)\n"
    "  --agendas DIR          write DIR/enterprises/ID.csv and .ics, DIR/regions/...\n"
    "                         (DTSTAMP from SOURCE_DATE_EPOCH when set)\n"
    "  --format table|json|jsonl|csv|xlsx   the whole schedule (default table);\n"
    "                         json and jsonl in the result format capmatch.result/1;\n"
    "                         csv a plain table of the placed meetings (provenance\n"
    "                         and meetings not placed in FILE.meta.json with -o);\n"
    "                         xlsx a workbook of meetings, meetings not placed and\n"
    "                         provenance (needs -o)\n"
    "  --bom                  csv (and the agendas' CSV): a UTF-8 byte-order mark\n"
    "  --ids                  table: show ids beside names\n"
    "  --progress             progress lines on stderr, as for capmatch match\n"
    "  -o FILE                write to FILE (complete or not at all)\n"
    "\n"
    "exit status: 0 schedule written, 1 no meeting placed, 2 usage or input error,\n"
    "3 internal error.\n";

static long number(const char *prog, const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        die_usage(prog, "%s must be a number from %ld to %ld, not '%s'", opt, lo, hi, s);
    return v;
}

/* A comma-separated list into list, split in place (the argument belongs
 * to argv). */
static void split_push(const char ***list, int *n, char *arg)
{
    for (char *s = arg, *c; s; s = c) {
        c = strchr(s, ',');
        if (c)
            *c++ = '\0';
        if (*s)
            arg_push(list, n, s);
    }
}

static void parse_args(int argc, char **argv, assign_args *a, const char *prog)
{
    static const struct option longopts[] = {
        LOAD_LONG_OPTIONS,
        { "regions", required_argument, NULL, 1 },
        { "enterprises", required_argument, NULL, 2 },
        { "policy", required_argument, NULL, 3 },
        { "set", required_argument, NULL, 4 },
        { "pairs", required_argument, NULL, 5 },
        { "method", required_argument, NULL, 6 },
        { "proposer", required_argument, NULL, 7 },
        { "per-enterprise", required_argument, NULL, 8 },
        { "min-score", required_argument, NULL, 9 },
        { "candidates", required_argument, NULL, 10 },
        { "region-candidates", required_argument, NULL, 11 },
        { "default-capacity", required_argument, NULL, 12 },
        { "explain", no_argument, NULL, 13 },
        { "threads", required_argument, NULL, 14 },
        { "rules-path", required_argument, NULL, 15 },
        { "sessions", required_argument, NULL, 16 },
        { "slots", required_argument, NULL, 17 },
        { "meeting-minutes", required_argument, NULL, 18 },
        { "break-minutes", required_argument, NULL, 19 },
        { "tables", required_argument, NULL, 20 },
        { "agendas", required_argument, NULL, 21 },
        { "progress", no_argument, NULL, 22 },
        { "bom", no_argument, NULL, 23 },
        { "ids", no_argument, NULL, 24 },
        /* schedule only: the event */
        { "availability", required_argument, NULL, 30 },
        { "requests", required_argument, NULL, 31 },
        { "lock", required_argument, NULL, 32 },
        { "table-names", required_argument, NULL, 33 },
        { "breaks", required_argument, NULL, 34 },
        { "tz", required_argument, NULL, 35 },
        /* assign only */
        { "title", required_argument, NULL, 40 },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    int sched = strcmp(prog, "schedule") == 0;
    memset(a, 0, sizeof *a);
    load_args_init(&a->load);
    cm_assign_options_init(&a->ao);
    cm_schedule_options_init(&a->so);
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        if (sched && (opt == 4 || (opt >= 6 && opt <= 14) || opt == 40))
            die_usage(prog, "unknown option (that one is for capmatch assign)");
        if (!sched && ((opt >= 16 && opt <= 21) || (opt >= 30 && opt <= 35)))
            die_usage(prog, "unknown option (that one is for capmatch schedule)");
        switch (opt) {
        case 1: arg_push(&a->regions, &a->nregions, optarg); break;
        case 2: arg_push(&a->enterprises, &a->nenterprises, optarg); break;
        case 3: a->policy = optarg; break;
        case 4: arg_push(&a->set, &a->nset, optarg); break;
        case 5: a->pairs = optarg; break;
        case 6:
            if (strcmp(optarg, "stable") == 0)
                a->ao.method = CM_ASSIGN_STABLE;
            else if (strcmp(optarg, "optimal") == 0)
                a->ao.method = CM_ASSIGN_OPTIMAL;
            else
                die_usage(prog, "--method must be stable or optimal, not '%s'", optarg);
            break;
        case 7:
            if (strcmp(optarg, "enterprises") == 0 || strcmp(optarg, "enterprise") == 0)
                a->ao.proposer = CM_KIND_ENTERPRISES;
            else if (strcmp(optarg, "regions") == 0 || strcmp(optarg, "region") == 0)
                a->ao.proposer = CM_KIND_REGIONS;
            else
                die_usage(prog, "--proposer must be enterprises or regions, not '%s'", optarg);
            break;
        case 8:
            a->ao.per_enterprise = (unsigned)number(prog, "--per-enterprise", optarg, 1, 10000);
            break;
        case 9: {
            char *end;
            double s = strtod(optarg, &end);
            if (*end || end == optarg || !(s >= 0 && s <= 1))
                die_usage(prog, "--min-score must be a number in [0, 1], not '%s'", optarg);
            a->ao.min_score = s;
            a->min_given = 1;
            break;
        }
        case 10: a->candidates = (size_t)number(prog, "--candidates", optarg, 1, 100000); break;
        case 11:
            a->region_candidates = (size_t)number(prog, "--region-candidates", optarg, 1, 100000);
            break;
        case 12:
            a->ao.default_capacity = number(prog, "--default-capacity", optarg, 0, 100000000);
            break;
        case 13: a->explain = 1; break;
        case 14: a->threads = (int)number(prog, "--threads", optarg, 1, 256); break;
        case 15: a->rules_path = optarg; break;
        case 16: split_push(&a->sessions, &a->nsessions, optarg); break;
        case 17: a->so.slots = (unsigned)number(prog, "--slots", optarg, 1, 10000); break;
        case 18:
            a->so.meeting_minutes = (unsigned)number(prog, "--meeting-minutes", optarg, 1, 1440);
            break;
        case 19:
            a->so.break_minutes = (unsigned)number(prog, "--break-minutes", optarg, 0, 1440);
            break;
        case 20: a->so.tables = (unsigned)number(prog, "--tables", optarg, 1, 1000000); break;
        case 21: a->agendas = optarg; break;
        case 22: a->progress = 1; break;
        case 23: a->bom = 1; break;
        case 24: a->ids = 1; break;
        case 30: a->availability = optarg; break;
        case 31: a->requests = optarg; break;
        case 32: a->lock = optarg; break;
        case 33: a->table_names = optarg; break;
        case 34: split_push(&a->breaks, &a->nbreaks, optarg); break;
        case 35: a->tz = optarg; break;
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
            else if (strcmp(optarg, "xlsx") == 0)
                a->fmt = FMT_XLSX;
            else if (strcmp(optarg, "html") == 0 && !sched)
                a->fmt = FMT_HTML;
            else
                die_usage(prog, "--format must be %s, not '%s'",
                          sched ? "table, json, jsonl, csv or xlsx"
                                : "table, json, jsonl, csv, xlsx or html", optarg);
            break;
        default:
            if (opt == '?' || load_args_option(&a->load, opt, optarg, prog) == 0)
                die_usage(prog, "unknown option");
        }
    }
    if (optind < argc)
        die_usage(prog, "unexpected argument '%s'", argv[optind]);
    if (a->fmt == FMT_XLSX && (a->output == NULL || strcmp(a->output, "-") == 0))
        die_usage(prog, "--format xlsx writes a file: give it with -o FILE");
    if (a->bom && a->fmt != FMT_CSV && !(sched && a->agendas))
        die_usage(prog, "--bom goes with --format csv%s", sched ? " or --agendas" : "");
    if (sched) {
        if (a->pairs == NULL)
            die_usage(prog, "give the assigned pairs with --pairs FILE (capmatch assign output)");
        if (a->nsessions == 0)
            die_usage(prog, "give the session starts with --sessions, e.g. "
                            "--sessions 2026-05-20T09:00,2026-05-20T14:00");
        a->so.sessions = a->sessions;
        a->so.tz = a->tz;
        if (a->policy && (a->nregions == 0 || a->nenterprises == 0))
            die_usage(prog, "with --policy, give profiles with --regions FILE and --enterprises FILE");
        return;
    }
    if (a->policy && a->pairs)
        die_usage(prog, "give either --policy (with profiles) or --pairs, not both");
    if (a->policy == NULL && a->pairs == NULL)
        die_usage(prog, "give --policy FILE with --regions and --enterprises, or --pairs FILE");
    if (a->policy && (a->nregions == 0 || a->nenterprises == 0))
        die_usage(prog, "with --policy, give profiles with --regions FILE and --enterprises FILE");
    if (a->pairs && (a->candidates || a->region_candidates))
        die_usage(prog, "--candidates and --region-candidates go with --policy");
    if (a->ao.method == CM_ASSIGN_OPTIMAL && a->ao.proposer == CM_KIND_REGIONS)
        die_usage(prog, "--proposer goes with --method stable");
    if (a->candidates == 0) {
        size_t k3 = 3 * (size_t)(a->ao.per_enterprise ? a->ao.per_enterprise : 1);
        a->candidates = k3 > DEFAULT_CANDIDATES ? k3 : DEFAULT_CANDIDATES;
    }
}

static void free_args(assign_args *a)
{
    free(a->regions);
    free(a->enterprises);
    free(a->set);
    free(a->sessions);
    free(a->breaks);
}

/* ---- loading ---- */

static void print_diags(cm_diags *d)
{
    for (size_t k = 0; k < cm_diags_count(d); k++)
        fprintf(stderr, "%s\n", cm_diags_at(d, k)->message);
    if (cm_diags_dropped(d))
        fprintf(stderr, "(%zu more problems not listed: raise --max-errors)\n",
                cm_diags_dropped(d));
    cm_diags_clear(d);
}

/* Profiles into a new engine; exits with a status on failure. */
static cm_engine *load_profiles(assign_args *a, const char *prog)
{
    return load_sides(&a->load, a->regions, a->nregions, a->enterprises, a->nenterprises, prog);
}

static cm_pairs *load_pairs(const char *path, cm_engine *e, cm_format fmt, const char *prog)
{
    cm_pairs *p = cm_pairs_new();
    if (p == NULL) {
        fprintf(stderr, "capmatch %s: out of memory\n", prog);
        exit(EXIT_INTERNAL);
    }
    if (e && cm_pairs_add_profiles(p, e) != CM_OK) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_pairs_errmsg(p));
        exit(EXIT_INTERNAL);
    }
    if (path == NULL)
        return p;
    cm_diags *d = cm_diags_new();
    cm_status s;
    if (strcmp(path, "-") == 0) {
        size_t len = 0;
        char *data = read_stdin(&len);
        if (data == NULL) {
            fprintf(stderr, "capmatch %s: cannot read standard input\n", prog);
            exit(EXIT_INPUT);
        }
        s = cm_pairs_load_buffer(p, "-", data, len, fmt, d);
        free(data);
    } else {
        s = cm_pairs_load_file(p, path, fmt, d);
    }
    print_diags(d);
    cm_diags_free(d);
    if (s != CM_OK) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_pairs_errmsg(p));
        exit(s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    }
    return p;
}

/* ---- provenance ---- */

typedef struct run {
    assign_args *a;
    cm_engine *e;
    cm_policy *pol;
    cm_pairs *pairs;
    cm_assignment *asg;
    size_t candidates_scored;  /* pairs scored by the policy */
    names nm;                  /* names and countries beside ids */
    progress_state *ps;        /* explaining the assigned pairs, when shown */
    size_t *explained;
} run;

static const char *method_name(const assign_args *a)
{
    return a->ao.method == CM_ASSIGN_OPTIMAL ? "optimal" : "stable";
}

/* key/value lines of provenance, for every format */
typedef void (*meta_fn)(void *ud, const char *key, const char *value);

static void each_meta(const run *r, meta_fn fn, void *ud)
{
    const assign_args *a = r->a;
    char buf[512], hex[65], n1[32];
    fn(ud, "capmatch", cm_version());
    fn(ud, "method", method_name(a));
    if (a->ao.method == CM_ASSIGN_STABLE)
        fn(ud, "proposer", a->ao.proposer == CM_KIND_REGIONS ? "regions" : "enterprises");
    snprintf(buf, sizeof buf, "%u", a->ao.per_enterprise ? a->ao.per_enterprise : 1);
    fn(ud, "per_enterprise", buf);
    fn(ud, "min_score", num_shortest(n1, sizeof n1, a->ao.min_score));
    if (a->ao.default_capacity >= 0) {
        snprintf(buf, sizeof buf, "%ld", a->ao.default_capacity);
        fn(ud, "default_capacity", buf);
    }
    if (r->pol) {
        snprintf(buf, sizeof buf, "%zu", a->candidates);
        fn(ud, "candidates", buf);
        if (a->region_candidates) {
            snprintf(buf, sizeof buf, "%zu", a->region_candidates);
            fn(ud, "region_candidates", buf);
        }
        snprintf(buf, sizeof buf, "%s (%s, sha256 %s)", cm_policy_name(r->pol),
                 cm_policy_path(r->pol), cm_policy_sha256(r->pol));
        fn(ud, "policy", buf);
        /* every --set value in one line, so that JSON keys stay unique */
        size_t o = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < cm_policy_param_count(r->pol) && o < sizeof buf; i++)
            if (cm_policy_param_is_set(r->pol, i)) {
                char v[256];
                int n = snprintf(buf + o, sizeof buf - o, "%s%s=%s", o ? " " : "",
                                 cm_policy_param_name(r->pol, i),
                                 cm_policy_param_value(r->pol, i, v, sizeof v));
                if (n > 0)
                    o += (size_t)n;
            }
        if (o)
            fn(ud, "set", buf);
    }
    for (int side = 0; side < 3; side++) {
        const char *const *files = side == 0 ? a->regions : side == 1 ? a->enterprises : NULL;
        int n = side == 0 ? a->nregions : side == 1 ? a->nenterprises : (a->pairs != NULL);
        for (int i = 0; i < n; i++) {
            const char *f = side == 2 ? a->pairs : files[i];
            if (strcmp(f, "-") == 0)
                snprintf(buf, sizeof buf, "standard input");
            else if (cm_sha256_file(f, hex) == CM_OK)
                snprintf(buf, sizeof buf, "%s (sha256 %s)", f, hex);
            else
                snprintf(buf, sizeof buf, "%s (unreadable)", f);
            fn(ud, side == 0 ? "regions" : side == 1 ? "enterprises" : "pairs", buf);
        }
    }
    if (r->e && r->pol)
        fn(ud, "rates", cm_engine_rates_date(r->e));
}

static void meta_line(void *ud, const char *key, const char *value)
{
    void **x = ud;
    fprintf((FILE *)x[0], "%s%s: %s\n", (const char *)x[1], key, value);
}

/* One input file: {"kind", "file", "sha256"} (sha256 null for standard input). */
static void json_input(FILE *f, const char *kind, const char *file, int *first)
{
    char hex[65];
    fprintf(f, "%s{\"kind\":\"%s\",\"file\":", *first ? "" : ",", kind);
    json_print_string(f, file);
    if (strcmp(file, "-") != 0 && cm_sha256_file(file, hex) == CM_OK)
        fprintf(f, ",\"sha256\":\"%s\"}", hex);
    else
        fputs(",\"sha256\":null}", f);
    *first = 0;
}

/* The files read: profiles, then the pairs. */
static void json_inputs(FILE *f, const assign_args *a)
{
    int first = 1;
    fputs(",\"inputs\":[", f);
    for (int i = 0; i < a->nregions; i++)
        json_input(f, "regions", a->regions[i], &first);
    for (int i = 0; i < a->nenterprises; i++)
        json_input(f, "enterprises", a->enterprises[i], &first);
    if (a->pairs)
        json_input(f, "pairs", a->pairs, &first);
    fputc(']', f);
}

/* The provenance of an assignment (the "meta" of capmatch.result/1). */
static void meta_json(FILE *f, const run *r)
{
    const assign_args *a = r->a;
    char b[32];
    fprintf(f, "{\"capmatch\":\"%s\",\"method\":\"%s\"", cm_version(), method_name(a));
    if (a->ao.method == CM_ASSIGN_STABLE)
        fprintf(f, ",\"proposer\":\"%s\"",
                a->ao.proposer == CM_KIND_REGIONS ? "regions" : "enterprises");
    fprintf(f, ",\"per_enterprise\":%u,\"min_score\":%s",
            a->ao.per_enterprise ? a->ao.per_enterprise : 1,
            num_shortest(b, sizeof b, a->ao.min_score));
    if (a->ao.default_capacity >= 0)
        fprintf(f, ",\"default_capacity\":%ld", a->ao.default_capacity);
    if (r->pol) {
        fprintf(f, ",\"candidates\":%zu", a->candidates);
        if (a->region_candidates)
            fprintf(f, ",\"region_candidates\":%zu", a->region_candidates);
        fputs(",\"policy\":{\"name\":", f);
        json_print_string(f, cm_policy_name(r->pol));
        fputs(",\"file\":", f);
        json_print_string(f, cm_policy_path(r->pol));
        fprintf(f, ",\"sha256\":\"%s\"},\"set\":{", cm_policy_sha256(r->pol));
        int first = 1;
        for (size_t i = 0; i < cm_policy_param_count(r->pol); i++)
            if (cm_policy_param_is_set(r->pol, i)) {
                char v[256];
                fputs(first ? "" : ",", f);
                json_print_string(f, cm_policy_param_name(r->pol, i));
                fputc(':', f);
                json_print_string(f, cm_policy_param_value(r->pol, i, v, sizeof v));
                first = 0;
            }
        fputc('}', f);
    }
    json_inputs(f, a);
    if (r->e && r->pol) {
        fputs(",\"rates\":{\"date\":", f);
        json_print_string(f, cm_engine_rates_date(r->e));
        fputs(",\"source\":", f);
        json_print_string(f, cm_engine_rates_source(r->e));
        fprintf(f, ",\"reference\":\"%s\"}", cm_engine_rates_reference(r->e));
    }
    fputc('}', f);
}

static void totals_json(FILE *f, const run *r)
{
    char b[32];
    double rt, t = cm_assignment_total(r->asg, &rt);
    size_t eleft = 0, rleft = 0;
    for (size_t i = 0; i < cm_assignment_left_count(r->asg); i++)
        cm_assignment_left(r->asg, i)->kind == CM_KIND_REGIONS ? rleft++ : eleft++;
    fprintf(f, "{\"pairs\":%zu,\"score\":%s", cm_assignment_count(r->asg),
            num_shortest(b, sizeof b, t));
    fprintf(f, ",\"region_score\":%s,\"blocking_pairs\":%zu,\"enterprises_left_out\":%zu,"
               "\"regions_left_out\":%zu,\"candidate_pairs\":%zu}",
            num_shortest(b, sizeof b, rt), cm_assignment_blocking(r->asg, NULL), eleft, rleft,
            cm_pairs_count(r->pairs));
}

/* ---- explanations of the assigned pairs ---- */

/* The policy's trace of a pair (NULL when there is no policy). */
static cm_result *explain_pair(const run *r, const cm_assign_row *row)
{
    cm_result *res = NULL;
    if (r->pol == NULL)
        return NULL;
    /* the writers explain each assigned pair once, in order */
    if (r->ps)
        progress_report((*r->explained)++, cm_assignment_count(r->asg), r->ps);
    if (cm_explain_pair(r->e, r->pol, row->enterprise, row->region, &res) != CM_OK)
        return NULL;
    return res;
}

static char *reasons_of(const cm_result *res, const cm_assign_row *row)
{
    if (res == NULL)
        return row->reasons ? strdup(row->reasons) : NULL;
    return reasons_joined(res, 0);
}

static const char *reason_code(cm_left_reason why)
{
    switch (why) {
    case CM_LEFT_NO_PAIR: return "no_pair";
    case CM_LEFT_BELOW_MIN: return "below_min";
    case CM_LEFT_FULL: return "full";
    case CM_LEFT_TAKEN: return "taken";
    case CM_LEFT_NO_CAPACITY: return "no_capacity";
    }
    return "unknown";
}

/* ---- writers ---- */

static void json_assign_row(FILE *f, const run *r, const cm_assign_row *row)
{
    char b[32];
    cm_result *res = explain_pair(r, row);
    fputc('{', f);
    json_party(f, &r->nm, CM_KIND_ENTERPRISES, row->enterprise);
    fputc(',', f);
    json_party(f, &r->nm, CM_KIND_REGIONS, row->region);
    fprintf(f, ",\"score\":%s", num_shortest(b, sizeof b, row->score));
    fprintf(f, ",\"region_score\":%s,\"rank\":%u,\"region_rank\":%u,"
               "\"enterprise_choices\":%u,\"region_choices\":%u",
            num_shortest(b, sizeof b, row->region_score), row->enterprise_rank, row->region_rank,
            row->enterprise_choices, row->region_choices);
    if (res) {
        fputs(",\"reasons\":", f);
        json_reasons_of(f, res, 0);
    } else if (row->reasons) {
        fputs(",\"reasons\":", f);
        json_reasons(f, row->reasons);
    }
    if (r->a->explain && res) {
        fputs(",\"explain\":[", f);
        for (size_t k = 0; k < cm_result_rule_count(res); k++) {
            if (k)
                fputc(',', f);
            json_explain_item(f, cm_result_explain(res, 0, k), JX_SIDE);
        }
        fputc(']', f);
    }
    fputc('}', f);
    cm_result_free(res);
}

static void json_left(FILE *f, const run *r, const cm_left *l)
{
    fprintf(f, "{\"kind\":\"%s\",\"id\":", l->kind == CM_KIND_REGIONS ? "region" : "enterprise");
    json_print_string(f, l->id);
    const char *name = party_field(&r->nm, l->kind, l->id, "name");
    const char *cc = party_field(&r->nm, l->kind, l->id, "country");
    fputs(",\"name\":", f);
    name ? json_print_string(f, name) : (void)fputs("null", f);
    fputs(",\"country\":", f);
    cc ? json_print_string(f, cc) : (void)fputs("null", f);
    fprintf(f, ",\"reason\":\"%s\",\"message\":", reason_code(l->reason));
    json_print_string(f, l->message);
    fputs(",\"partners\":[", f);
    for (size_t k = 0; k < l->npartners; k++) {
        if (k)
            fputc(',', f);
        json_print_string(f, l->partners[k]);
    }
    fputs("]}", f);
}

/* The result document without its rows, for FILE.meta.json: the
 * provenance, the totals and who was left out. */
static void doc_meta(FILE *f, const void *ud)
{
    const run *r = ud;
    result_begin(f, "assign");
    meta_json(f, r);
    fputs(",\"left_out\":[", f);
    for (size_t i = 0; i < cm_assignment_left_count(r->asg); i++) {
        fputs(i ? ",\n" : "\n", f);
        json_left(f, r, cm_assignment_left(r->asg, i));
    }
    fputs("\n],\"totals\":", f);
    totals_json(f, r);
    fputs("}\n", f);
}

/* A profile in a table cell: its name (its id when it has none). */
static const char *shown(const names *nm, cm_kind k, const char *id)
{
    const char *n = party_field(nm, k, id, "name");
    return n ? n : id;
}

/* Column widths for two name columns that share what the terminal leaves. */
static void name_widths(int *w1, int *w2, int need1, int need2, int room)
{
    if (room < 24)
        room = 24;
    *w1 = need1;
    *w2 = need2;
    while (*w1 + *w2 > room) {
        if (*w1 >= *w2)
            (*w1)--;
        else
            (*w2)--;
    }
}

static void write_table(FILE *f, const run *r)
{
    const cm_assignment *as = r->asg;
    const names *nm = &r->nm;
    int ids = r->a->ids;
    int ew = 10, rw = 6, eidw = 2, ridw = 2;
    for (size_t i = 0; i < cm_assignment_count(as); i++) {
        const cm_assign_row *row = cm_assignment_row(as, i);
        int w = text_width(shown(nm, CM_KIND_ENTERPRISES, row->enterprise));
        ew = w > ew ? w : ew;
        w = text_width(shown(nm, CM_KIND_REGIONS, row->region));
        rw = w > rw ? w : rw;
        eidw = (int)strlen(row->enterprise) > eidw ? (int)strlen(row->enterprise) : eidw;
        ridw = (int)strlen(row->region) > ridw ? (int)strlen(row->region) : ridw;
    }
    /* score 7, r.score 9, picks 2 x 12, country 2 x 3, spaces */
    int fixed = 7 + 9 + 24 + 6 + 4 + (ids ? eidw + ridw + 4 : 0);
    name_widths(&ew, &rw, ew, rw, term_columns() - fixed);
    put_cell(f, "enterprise", ew, 0);
    fputs("    ", f);
    if (ids) {
        put_cell(f, "id", eidw, 0);
        fputs("  ", f);
    }
    put_cell(f, "region", rw, 0);
    fputs("    ", f);
    if (ids) {
        put_cell(f, "id", ridw, 0);
        fputs("  ", f);
    }
    fprintf(f, "%6s %8s  %-11s %s\n", "score", "r.score", "its pick", "region's pick");
    for (size_t i = 0; i < cm_assignment_count(as); i++) {
        const cm_assign_row *row = cm_assignment_row(as, i);
        char c1[32], c2[32];
        snprintf(c1, sizeof c1, "%u of %u", row->enterprise_rank, row->enterprise_choices);
        snprintf(c2, sizeof c2, "%u of %u", row->region_rank, row->region_choices);
        const char *ec = party_field(nm, CM_KIND_ENTERPRISES, row->enterprise, "country");
        const char *rc = party_field(nm, CM_KIND_REGIONS, row->region, "country");
        put_cell(f, shown(nm, CM_KIND_ENTERPRISES, row->enterprise), ew, 0);
        fputc(' ', f);
        put_cell(f, ec, 2, 0);
        fputc(' ', f);
        if (ids) {
            put_cell(f, row->enterprise, eidw, 0);
            fputs("  ", f);
        }
        put_cell(f, shown(nm, CM_KIND_REGIONS, row->region), rw, 0);
        fputc(' ', f);
        put_cell(f, rc, 2, 0);
        fputc(' ', f);
        if (ids) {
            put_cell(f, row->region, ridw, 0);
            fputs("  ", f);
        }
        fprintf(f, "%6.3f %8.3f  %-11s %s\n", row->score, row->region_score, c1, c2);
        if (r->a->explain) {
            cm_result *res = explain_pair(r, row);
            if (res) {
                for (size_t k = 0; k < cm_result_rule_count(res); k++) {
                    const cm_explain_item *it = cm_result_explain(res, 0, k);
                    fprintf(f, "      %s%-20s %.2f x %-4g = %.3f  %s\n",
                            it->region_side ? "(region) " : "", it->rule, it->score, it->weight,
                            it->contribution, it->reason);
                }
            } else if (row->reasons) {
                fprintf(f, "      %s\n", row->reasons);
            }
            cm_result_free(res);
        }
    }
    size_t nleft = cm_assignment_left_count(as);
    if (nleft) {
        fprintf(f, "\nleft out:\n");
        for (size_t i = 0; i < nleft; i++) {
            const cm_left *l = cm_assignment_left(as, i);
            const char *name = party_field(nm, l->kind, l->id, "name");
            fprintf(f, "  %s %s", l->kind == CM_KIND_REGIONS ? "region" : "enterprise",
                    name ? name : l->id);
            if (name && ids)
                fprintf(f, " [%s]", l->id);
            fprintf(f, ": %s\n", l->message);
        }
    }
    double rt, t = cm_assignment_total(as, &rt);
    const char *first;
    size_t blocking = cm_assignment_blocking(as, &first);
    fprintf(f, "\n-- %zu pairs (%s); total score %.3f, region side %.3f; %zu left out; "
               "%zu blocking pair%s%s%s\n",
            cm_assignment_count(as), method_name(r->a), t, rt, nleft, blocking,
            blocking == 1 ? "" : "s", blocking ? ", e.g. " : "", blocking ? first : "");
    void *x[2] = { f, (void *)"-- " };
    each_meta(r, meta_line, x);
}

/* The assigned pairs as a sheet. */
static sheet *assign_sheet(const run *r)
{
    static const char *const h[] = { "enterprise", "enterprise_name", "enterprise_country",
                                     "region", "region_name", "region_country", "score",
                                     "region_score", "rank", "region_rank",
                                     "enterprise_choices", "region_choices", "reasons" };
    static const cell_type ty[] = { CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
                                    CELL_TEXT, CELL_SCORE, CELL_SCORE, CELL_INT, CELL_INT,
                                    CELL_INT, CELL_INT, CELL_TEXT };
    sheet *s = sheet_new("results", 13, h, ty);
    const cm_assignment *as = r->asg;
    for (size_t i = 0; s && i < cm_assignment_count(as); i++) {
        const cm_assign_row *row = cm_assignment_row(as, i);
        cm_result *res = explain_pair(r, row);
        char *why = reasons_of(res, row);
        const char *t[13] = {
            row->enterprise, party_field(&r->nm, CM_KIND_ENTERPRISES, row->enterprise, "name"),
            party_field(&r->nm, CM_KIND_ENTERPRISES, row->enterprise, "country"), row->region,
            party_field(&r->nm, CM_KIND_REGIONS, row->region, "name"),
            party_field(&r->nm, CM_KIND_REGIONS, row->region, "country"),
            NULL, NULL, NULL, NULL, NULL, NULL, why };
        double num[13] = { 0, 0, 0, 0, 0, 0, row->score, row->region_score, row->enterprise_rank,
                           row->region_rank, row->enterprise_choices, row->region_choices, 0 };
        if (sheet_row(s, t, num) < 0) {
            sheet_free(s);
            s = NULL;
        }
        free(why);
        cm_result_free(res);
    }
    return s;
}

static sheet *left_sheet(const run *r)
{
    static const char *const h[] = { "kind", "id", "name", "country", "reason", "message",
                                     "partners" };
    sheet *s = sheet_new("left out", 7, h, NULL);
    for (size_t i = 0; s && i < cm_assignment_left_count(r->asg); i++) {
        const cm_left *l = cm_assignment_left(r->asg, i);
        size_t len = 1;
        for (size_t k = 0; k < l->npartners; k++)
            len += strlen(l->partners[k]) + 2;
        char *partners = malloc(len);
        if (partners == NULL) {
            sheet_free(s);
            return NULL;
        }
        size_t o = 0;
        partners[0] = '\0';
        for (size_t k = 0; k < l->npartners; k++)
            o += (size_t)snprintf(partners + o, len - o, "%s%s", k ? ", " : "", l->partners[k]);
        const char *t[7] = { l->kind == CM_KIND_REGIONS ? "region" : "enterprise", l->id,
                             party_field(&r->nm, l->kind, l->id, "name"),
                             party_field(&r->nm, l->kind, l->id, "country"),
                             reason_code(l->reason), l->message, partners };
        if (sheet_row(s, t, NULL) < 0) {
            sheet_free(s);
            s = NULL;
        }
        free(partners);
    }
    return s;
}

/* CSV (the results) or XLSX (results, left out, provenance), and the
 * sidecar FILE.meta.json when writing to a file. */
static int write_sheets(FILE *f, const char *prog, enum fmt fmt, const char *output, int bom,
                        sheet *results, sheet *left, void (*doc_fn)(FILE *, const void *),
                        const void *ud)
{
    sheet *prov = NULL;
    int rc = -1;
    char *doc = capture(doc_fn, ud, NULL);
    if (results == NULL || left == NULL || doc == NULL)
        goto nomem;
    if (fmt == FMT_CSV) {
        sheet_csv(f, results, bom);
        rc = 0;
    } else {
        prov = sheet_from_json("provenance", doc);
        if (prov == NULL)
            goto nomem;
        sheet *all[3] = { results, left, prov };
        rc = sheets_xlsx(output, all, 3, prog);
    }
    if (rc == 0 && output && strcmp(output, "-") != 0)
        rc = write_sidecar(output, doc, prog);
    goto out;
nomem:
    fprintf(stderr, "capmatch %s: out of memory\n", prog);
out:
    sheet_free(results);
    sheet_free(left);
    sheet_free(prov);
    free(doc);
    return rc;
}

static void report_meta(void *ud, const char *key, const char *value)
{
    cm_report_add_meta(ud, key, value);
}

static cm_status write_html(FILE *f, const run *r)
{
    char title[200];
    snprintf(title, sizeof title, "Batch matchmaking: %s assignment", method_name(r->a));
    cm_report *rep = cm_report_new(r->e, r->a->title ? r->a->title : title);
    cm_report_count_places(rep);
    if (rep == NULL)
        return CM_ENOMEM;
    cm_status s = CM_OK;
    const cm_assignment *as = r->asg;
    for (size_t i = 0; i < cm_assignment_count(as) && s == CM_OK; i++) {
        const cm_assign_row *row = cm_assignment_row(as, i);
        cm_result *res = explain_pair(r, row);
        char *why = reasons_of(res, row);
        s = cm_report_add_row(rep, row->enterprise, row->region, row->score, row->region_score,
                              row->enterprise_rank, row->region_rank, why);
        free(why);
        cm_result_free(res);
    }
    for (size_t i = 0; i < cm_assignment_left_count(as) && s == CM_OK; i++) {
        const cm_left *l = cm_assignment_left(as, i);
        s = cm_report_add_left(rep, l->kind, l->id, l->message);
    }
    each_meta(r, report_meta, rep);
    char b[64];
    snprintf(b, sizeof b, "%zu", cm_assignment_blocking(as, NULL));
    cm_report_add_meta(rep, "blocking pairs", b);
    snprintf(b, sizeof b, "%zu", cm_pairs_count(r->pairs));
    cm_report_add_meta(rep, "candidate pairs", b);
    if (s == CM_OK)
        s = cm_report_write_html(rep, file_sink, f);
    cm_report_free(rep);
    return s;
}

static int write_assignment(FILE *f, const run *r)
{
    const cm_assignment *as = r->asg;
    switch (r->a->fmt) {
    case FMT_JSON:
        result_begin(f, "assign");
        meta_json(f, r);
        fputs(",\"results\":[", f);
        for (size_t i = 0; i < cm_assignment_count(as); i++) {
            fputs(i ? ",\n" : "\n", f);
            json_assign_row(f, r, cm_assignment_row(as, i));
        }
        fputs("\n],\"left_out\":[", f);
        for (size_t i = 0; i < cm_assignment_left_count(as); i++) {
            fputs(i ? ",\n" : "\n", f);
            json_left(f, r, cm_assignment_left(as, i));
        }
        fputs("\n],\"totals\":", f);
        totals_json(f, r);
        fputs("}\n", f);
        return 0;
    case FMT_JSONL:
        result_begin(f, "assign");
        meta_json(f, r);
        fputs("}\n", f);
        for (size_t i = 0; i < cm_assignment_count(as); i++) {
            json_assign_row(f, r, cm_assignment_row(as, i));
            fputc('\n', f);
        }
        for (size_t i = 0; i < cm_assignment_left_count(as); i++) {
            fputs("{\"left_out\":", f);
            json_left(f, r, cm_assignment_left(as, i));
            fputs("}\n", f);
        }
        fputs("{\"totals\":", f);
        totals_json(f, r);
        fputs("}\n", f);
        return 0;
    case FMT_CSV:
    case FMT_XLSX:
        return write_sheets(f, "assign", r->a->fmt, r->a->output, r->a->bom, assign_sheet(r),
                            left_sheet(r), doc_meta, r);
    case FMT_HTML: {
        cm_status s = write_html(f, r);
        if (s != CM_OK)
            fprintf(stderr, "capmatch assign: cannot write the report: %s\n",
                    cm_status_string(s));
        return s == CM_OK ? 0 : -1;
    }
    case FMT_TABLE:
        write_table(f, r);
        return 0;
    }
    return 0;
}

static int run_assign(int argc, char **argv)
{
    assign_args a;
    parse_args(argc, argv, &a, "assign");
    run r = { &a, NULL, NULL, NULL, NULL, 0, { NULL, { NULL, NULL }, { NULL, NULL }, { NULL, NULL } },
              NULL, NULL };
    if (a.nregions || a.nenterprises)
        r.e = load_profiles(&a, "assign");
    r.nm.e = r.e;
    progress_state ps;
    if (a.policy) {
        cm_policy_options po;
        cm_policy_options_init(&po);
        po.rules_path = a.rules_path;
        po.set = a.set;
        r.pol = cm_policy_load(r.e, a.policy, &po);
        if (r.pol == NULL) {
            fprintf(stderr, "capmatch assign: %s\n", cm_engine_errmsg(r.e));
            exit(EXIT_INPUT);
        }
        if (!a.min_given)
            a.ao.min_score = cm_policy_min_score(r.pol);
    }
    r.pairs = load_pairs(a.pairs, r.e, CM_FORMAT_AUTO, "assign");
    int rc = EXIT_OK;
    if (r.pol) {
        /* candidates: each enterprise's best L, then maybe each region's best M */
        cm_candidate_options co;
        cm_candidate_options_init(&co);
        co.per_enterprise = a.candidates;
        co.per_region = a.region_candidates;
        co.min_score = a.ao.min_score;
        co.threads = a.threads;
        if (progress_init(&ps, "assign", "scoring", "enterprises scored", a.progress)) {
            co.progress = progress_report;
            co.progress_ud = &ps;
        }
        cm_status s = cm_pairs_add_candidates(r.pairs, r.e, r.pol, &co);
        if (s != CM_OK) {
            fprintf(stderr, "capmatch assign: %s\n", cm_last_error());
            exit(s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
        }
    }
    if (progress_init(&ps, "assign", "assigning", "enterprises placed", a.progress)) {
        a.ao.progress = progress_report;
        a.ao.progress_ud = &ps;
    }
    cm_status s = cm_assign(r.pairs, &a.ao, &r.asg);
    if (s != CM_OK) {
        fprintf(stderr, "capmatch assign: %s\n", cm_pairs_errmsg(r.pairs));
        exit(s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    }
    /* the writers explain every assigned pair with the policy: the last stage */
    size_t explained = 0;
    if (r.pol && cm_assignment_count(r.asg) &&
        progress_init(&ps, "assign", "explaining", "pairs explained", a.progress)) {
        r.ps = &ps;
        r.explained = &explained;
    }
    if (a.fmt == FMT_XLSX) {
        if (write_assignment(NULL, &r) < 0)
            rc = EXIT_INPUT;
    } else {
        outfile of;
        if (out_open(&of, a.output, "assign") < 0) {
            rc = EXIT_INPUT;
        } else {
            int failed = write_assignment(of.f, &r) < 0;
            if (out_close(&of, failed, "assign") < 0 || failed)
                rc = EXIT_INPUT;
        }
    }
    if (r.ps && explained)
        progress_report(cm_assignment_count(r.asg), cm_assignment_count(r.asg), r.ps);
    if (rc == EXIT_OK && cm_assignment_count(r.asg) == 0)
        rc = EXIT_NOMATCH;
    cm_assignment_free(r.asg);
    cm_pairs_free(r.pairs);
    cm_policy_free(r.pol);
    cm_engine_free(r.e);
    free_args(&a);
    return rc;
}

/* ==== schedule ==================================================================== */

typedef struct sched_out {
    const cm_schedule *s;
    const assign_args *a;
    names nm;
} sched_out;

static void sched_meta(FILE *f, const sched_out *o)
{
    const assign_args *a = o->a;
    unsigned min, avail, used = cm_schedule_slots(o->s, &min, &avail);
    fprintf(f, "{\"capmatch\":\"%s\"", cm_version());
    json_inputs(f, a);
    fputs(",\"sessions\":[", f);
    for (int i = 0; i < a->nsessions; i++) {
        fputs(i ? "," : "", f);
        json_print_string(f, a->sessions[i]);
    }
    fprintf(f, "],\"meeting_minutes\":%u,\"break_minutes\":%u,\"tables\":%u",
            a->so.meeting_minutes ? a->so.meeting_minutes : 20, a->so.break_minutes,
            a->so.tables);
    if (a->so.slots)
        fprintf(f, ",\"slots\":%u", a->so.slots);
    fprintf(f, ",\"slots_used\":%u,\"slots_minimum\":%u,\"slots_available\":%u", used, min,
            avail);
    /* the event's files, time zone and breaks, when given */
    const char *files[][2] = { { "availability", a->availability }, { "requests", a->requests },
                               { "lock", a->lock }, { "table_names", a->table_names },
                               { "tz", a->tz } };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (files[i][1]) {
            fprintf(f, ",\"%s\":", files[i][0]);
            json_print_string(f, files[i][1]);
        }
    if (a->nbreaks) {
        fputs(",\"breaks\":[", f);
        for (int i = 0; i < a->nbreaks; i++) {
            fputs(i ? "," : "", f);
            json_print_string(f, a->breaks[i]);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

/* What an event adds to a meeting, when there is something: its table's
 * name and room, its status and (placed) its top reasons. */
static void json_event_fields(FILE *f, const cm_meeting *m)
{
    const char *keys[] = { "table_name", "room", "status" };
    const char *vals[] = { m->table_name, m->room, m->status };
    for (int i = 0; i < 3; i++)
        if (vals[i]) {
            fprintf(f, ",\"%s\":", keys[i]);
            json_print_string(f, vals[i]);
        }
    if (!m->unplaced && m->why) {
        fputs(",\"reasons\":", f);
        json_reasons(f, m->why);
    }
}

static void sched_totals(FILE *f, const cm_schedule *s)
{
    unsigned min, avail, used = cm_schedule_slots(s, &min, &avail);
    fprintf(f, "{\"meetings\":%zu,\"not_placed\":%zu,\"slots_used\":%u,\"slots_minimum\":%u,"
               "\"slots_available\":%u}",
            cm_schedule_count(s), cm_schedule_unplaced_count(s), used, min, avail);
}

static void json_meeting(FILE *f, const sched_out *o, const cm_meeting *m)
{
    char b[32];
    fprintf(f, "{\"session\":%u,\"slot\":%u,\"start\":\"%s\",\"end\":\"%s\",\"table\":%u,",
            m->session, m->slot, m->start, m->end, m->table);
    json_party(f, &o->nm, CM_KIND_ENTERPRISES, m->enterprise);
    fputc(',', f);
    json_party(f, &o->nm, CM_KIND_REGIONS, m->region);
    fprintf(f, ",\"score\":%s", num_shortest(b, sizeof b, m->score));
    json_event_fields(f, m);
    fputc('}', f);
}

static void json_unplaced(FILE *f, const sched_out *o, const cm_meeting *m)
{
    char b[32];
    fputs("{\"kind\":\"meeting\",", f);
    json_party(f, &o->nm, CM_KIND_ENTERPRISES, m->enterprise);
    fputc(',', f);
    json_party(f, &o->nm, CM_KIND_REGIONS, m->region);
    fprintf(f, ",\"score\":%s,\"reason\":\"not_placed\",\"message\":",
            num_shortest(b, sizeof b, m->score));
    json_print_string(f, m->unplaced);
    json_event_fields(f, m);
    fputc('}', f);
}

static void sched_doc(FILE *f, const sched_out *o, int rows)
{
    const cm_schedule *s = o->s;
    result_begin(f, "schedule");
    sched_meta(f, o);
    if (rows) {
        fputs(",\"results\":[", f);
        for (size_t i = 0; i < cm_schedule_count(s); i++) {
            fputs(i ? ",\n" : "\n", f);
            json_meeting(f, o, cm_schedule_meeting(s, i));
        }
        fputs("\n]", f);
    }
    fputs(",\"left_out\":[", f);
    for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++) {
        fputs(i ? ",\n" : "\n", f);
        json_unplaced(f, o, cm_schedule_unplaced(s, i));
    }
    fputs("\n],\"totals\":", f);
    sched_totals(f, s);
    fputs("}\n", f);
}

static void sched_doc_meta(FILE *f, const void *ud) { sched_doc(f, ud, 0); }

static void schedule_jsonl(FILE *f, const sched_out *o)
{
    const cm_schedule *s = o->s;
    result_begin(f, "schedule");
    sched_meta(f, o);
    fputs("}\n", f);
    for (size_t i = 0; i < cm_schedule_count(s); i++) {
        json_meeting(f, o, cm_schedule_meeting(s, i));
        fputc('\n', f);
    }
    for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++) {
        fputs("{\"left_out\":", f);
        json_unplaced(f, o, cm_schedule_unplaced(s, i));
        fputs("}\n", f);
    }
    fputs("{\"totals\":", f);
    sched_totals(f, s);
    fputs("}\n", f);
}

/* meetings (placed, with their table's name, status and top reasons; or
 * not placed, with the status and the reason) as a sheet */
static sheet *meetings_sheet(const sched_out *o, int placed)
{
    static const char *const h[] = { "session", "slot", "start", "end", "table", "table_name",
                                     "room", "enterprise", "enterprise_name",
                                     "enterprise_country", "region", "region_name",
                                     "region_country", "score", "status", "reasons", "reason" };
    static const cell_type ty[] = { CELL_INT, CELL_INT, CELL_TEXT, CELL_TEXT, CELL_INT,
                                    CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT,
                                    CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_SCORE, CELL_TEXT,
                                    CELL_TEXT, CELL_TEXT };
    /* placed: every column but "reason"; not placed: from "enterprise" on,
     * with the reason instead of the reasons */
    static const size_t placed_cols[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    static const size_t left_cols[] = { 7, 8, 9, 10, 11, 12, 13, 14, 16 };
    enum { NCOL = sizeof h / sizeof *h, NMAX = sizeof placed_cols / sizeof *placed_cols };
    const size_t *cols = placed ? placed_cols : left_cols;
    size_t nc = placed ? NMAX : sizeof left_cols / sizeof *left_cols;
    const char *hs[NMAX];
    cell_type ts[NMAX];
    for (size_t c = 0; c < nc; c++) {
        hs[c] = h[cols[c]];
        ts[c] = ty[cols[c]];
    }
    sheet *sh = sheet_new(placed ? "results" : "left out", nc, hs, ts);
    size_t n = placed ? cm_schedule_count(o->s) : cm_schedule_unplaced_count(o->s);
    for (size_t i = 0; sh && i < n; i++) {
        const cm_meeting *m = placed ? cm_schedule_meeting(o->s, i)
                                     : cm_schedule_unplaced(o->s, i);
        const char *t[NCOL] = {
            NULL, NULL, m->start, m->end, NULL, m->table_name, m->room, m->enterprise,
            party_field(&o->nm, CM_KIND_ENTERPRISES, m->enterprise, "name"),
            party_field(&o->nm, CM_KIND_ENTERPRISES, m->enterprise, "country"), m->region,
            party_field(&o->nm, CM_KIND_REGIONS, m->region, "name"),
            party_field(&o->nm, CM_KIND_REGIONS, m->region, "country"), NULL, m->status,
            m->why, m->unplaced };
        const double num[NCOL] = { m->session, m->slot, 0, 0, m->table, 0, 0, 0, 0, 0, 0, 0, 0,
                                   m->score, 0, 0, 0 };
        const char *tc[NMAX];
        double nu[NMAX];
        for (size_t c = 0; c < nc; c++) {
            tc[c] = t[cols[c]];
            nu[c] = num[cols[c]];
        }
        if (sheet_row(sh, tc, nu) < 0) {
            sheet_free(sh);
            sh = NULL;
        }
    }
    return sh;
}

/* the meeting's table: its name at an event, else "table N" */
static const char *table_label(char *buf, size_t cap, const cm_meeting *m)
{
    if (m->table_name)
        return m->table_name;
    snprintf(buf, cap, "table %u", m->table);
    return buf;
}

static void schedule_table(FILE *f, const sched_out *o)
{
    const cm_schedule *s = o->s;
    const names *nm = &o->nm;
    int ids = o->a->ids;
    int ew = 10, rw = 6, eidw = 2, ridw = 2, tw = 9, stw = 0;
    char tb[24];
    for (size_t i = 0; i < cm_schedule_count(s); i++) {
        const cm_meeting *m = cm_schedule_meeting(s, i);
        int w = text_width(shown(nm, CM_KIND_ENTERPRISES, m->enterprise));
        ew = w > ew ? w : ew;
        w = text_width(shown(nm, CM_KIND_REGIONS, m->region));
        rw = w > rw ? w : rw;
        eidw = (int)strlen(m->enterprise) > eidw ? (int)strlen(m->enterprise) : eidw;
        ridw = (int)strlen(m->region) > ridw ? (int)strlen(m->region) : ridw;
        w = text_width(table_label(tb, sizeof tb, m));
        tw = w > tw ? w : tw;
        w = m->status ? (int)strlen(m->status) + 2 : 0;
        stw = w > stw ? w : stw;
    }
    /* table names are cut at 24 columns; "  TABLE " , countries 2 x 3, score 6 */
    tw = tw > 24 ? 24 : tw;
    int fixed = 2 + tw + 1 + 6 + 7 + stw + (ids ? eidw + ridw + 4 : 0);
    name_widths(&ew, &rw, ew, rw, term_columns() - fixed);
    unsigned last_s = 0, last_slot = 0;
    for (size_t i = 0; i < cm_schedule_count(s); i++) {
        const cm_meeting *m = cm_schedule_meeting(s, i);
        if (m->session != last_s || m->slot != last_slot) {
            fprintf(f, "%ssession %u, slot %u: %s-%s\n", i ? "\n" : "", m->session, m->slot,
                    m->start, m->end + 11);
            last_s = m->session;
            last_slot = m->slot;
        }
        fputs("  ", f);
        put_cell(f, table_label(tb, sizeof tb, m), tw, 0);
        fputc(' ', f);
        put_cell(f, shown(nm, CM_KIND_ENTERPRISES, m->enterprise), ew, 0);
        fputc(' ', f);
        put_cell(f, party_field(nm, CM_KIND_ENTERPRISES, m->enterprise, "country"), 2, 0);
        fputc(' ', f);
        if (ids) {
            put_cell(f, m->enterprise, eidw, 0);
            fputs("  ", f);
        }
        put_cell(f, shown(nm, CM_KIND_REGIONS, m->region), rw, 0);
        fputc(' ', f);
        put_cell(f, party_field(nm, CM_KIND_REGIONS, m->region, "country"), 2, 0);
        fputc(' ', f);
        if (ids) {
            put_cell(f, m->region, ridw, 0);
            fputs("  ", f);
        }
        fprintf(f, "%.3f%s%s\n", m->score, m->status ? "  " : "", m->status ? m->status : "");
    }
    if (cm_schedule_unplaced_count(s)) {
        fprintf(f, "\nnot placed:\n");
        for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++) {
            const cm_meeting *m = cm_schedule_unplaced(s, i);
            fprintf(f, "  %s - %s: %s\n", shown(nm, CM_KIND_ENTERPRISES, m->enterprise),
                    shown(nm, CM_KIND_REGIONS, m->region), m->unplaced);
        }
    }
    unsigned min, avail, used = cm_schedule_slots(s, &min, &avail);
    fprintf(f, "\n-- %zu meetings in %u slots (the fewest possible: %u; available: %u); "
               "%zu not placed\n",
            cm_schedule_count(s), used, min, avail, cm_schedule_unplaced_count(s));
    fprintf(f, "-- capmatch %s; pairs: %s\n", cm_version(), o->a->pairs);
}

static int write_schedule(FILE *f, const sched_out *o)
{
    switch (o->a->fmt) {
    case FMT_JSON:
        sched_doc(f, o, 1);
        return 0;
    case FMT_JSONL:
        schedule_jsonl(f, o);
        return 0;
    case FMT_CSV:
    case FMT_XLSX:
        return write_sheets(f, "schedule", o->a->fmt, o->a->output, o->a->bom,
                            meetings_sheet(o, 1), meetings_sheet(o, 0), sched_doc_meta, o);
    default:
        schedule_table(f, o);
        return 0;
    }
}

static int write_agendas(const cm_schedule *s, const names *who, const char *dir, int bom)
{
    long long stamp = (long long)time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde)
        stamp = strtoll(sde, NULL, 10);
    char path[4096];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "capmatch schedule: cannot make %s: %s\n", dir, strerror(errno));
        return -1;
    }
    for (int side = 0; side < 2; side++) {
        cm_kind k = side ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
        snprintf(path, sizeof path, "%s/%s", dir, side ? "regions" : "enterprises");
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "capmatch schedule: cannot make %s: %s\n", path, strerror(errno));
            return -1;
        }
        size_t n = cm_schedule_participants(s, k);
        for (size_t i = 0; i < n; i++) {
            const char *id = cm_schedule_participant(s, k, i);
            size_t nm = cm_schedule_agenda(s, k, i, NULL, 0);
            const cm_meeting **ms = malloc((nm + 1) * sizeof *ms);
            if (ms == NULL)
                return -2;
            cm_schedule_agenda(s, k, i, ms, nm);
            snprintf(path, sizeof path, "%s/%s/%s.csv", dir, side ? "regions" : "enterprises", id);
            outfile of;
            if (out_open(&of, path, "schedule") < 0) {
                free(ms);
                return -1;
            }
            if (bom)
                fputs("\xef\xbb\xbf", of.f);
            fputs("start,end,session,slot,table,with,with_name,with_country,score,place,status,"
                  "why\n", of.f);
            for (size_t j = 0; j < nm; j++) {
                const cm_meeting *m = ms[j];
                const char *with = side ? m->enterprise : m->region;
                cm_kind wk = side ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS;
                fprintf(of.f, "%s,%s,%u,%u,%u,", m->start, m->end, m->session, m->slot,
                        m->table);
                csv_print_cell(of.f, with);
                fputc(',', of.f);
                csv_print_cell(of.f, party_field(who, wk, with, "name"));
                fputc(',', of.f);
                csv_print_cell(of.f, party_field(who, wk, with, "country"));
                fprintf(of.f, ",%.4f,", m->score);
                /* the place: "TABLE, ROOM" at an event, else "table N" */
                char place[24];
                snprintf(place, sizeof place, "table %u", m->table);
                if (m->table_name && m->room) {
                    char *pl = malloc(strlen(m->table_name) + strlen(m->room) + 3);
                    if (pl == NULL) {
                        free(ms);
                        out_close(&of, 1, "schedule");
                        return -2;
                    }
                    sprintf(pl, "%s, %s", m->table_name, m->room);
                    csv_print_cell(of.f, pl);
                    free(pl);
                } else {
                    csv_print_cell(of.f, m->table_name ? m->table_name : place);
                }
                fprintf(of.f, ",%s,", m->status ? m->status : "");
                csv_print_cell(of.f, m->why ? m->why : "");
                fputc('\n', of.f);
            }
            free(ms);
            if (out_close(&of, 0, "schedule") < 0)
                return -1;
            snprintf(path, sizeof path, "%s/%s/%s.ics", dir, side ? "regions" : "enterprises", id);
            if (out_open(&of, path, "schedule") < 0)
                return -1;
            cm_status st = cm_schedule_ical(s, k, i, who->e, stamp, file_sink, of.f);
            if (st != CM_OK) {
                out_close(&of, 1, "schedule");
                fprintf(stderr, "capmatch schedule: cannot write %s: %s\n", path,
                        cm_status_string(st));
                return st == CM_ENOMEM ? -2 : -1;
            }
            if (out_close(&of, 0, "schedule") < 0)
                return -1;
        }
    }
    return 0;
}

/* The event's files and breaks, and the meetings they add to p; NULL when
 * none is given; exits with a status on failure. */
static cm_event *load_event(const assign_args *a, cm_pairs *p)
{
    if (!a->availability && !a->requests && !a->lock && !a->table_names && !a->nbreaks)
        return NULL;
    cm_event *ev = cm_event_new();
    if (ev == NULL) {
        fprintf(stderr, "capmatch schedule: out of memory\n");
        exit(EXIT_INTERNAL);
    }
    const struct { cm_event_file what; const char *path; } files[] = {
        { CM_EVENT_TABLES, a->table_names }, { CM_EVENT_AVAILABILITY, a->availability },
        { CM_EVENT_REQUESTS, a->requests }, { CM_EVENT_LOCK, a->lock } };
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < sizeof files / sizeof *files; i++)
        if (files[i].path)
            st = cm_event_load(ev, files[i].what, files[i].path);
    for (int i = 0; st == CM_OK && i < a->nbreaks; i++)
        st = cm_event_add_break(ev, a->breaks[i]);
    if (st == CM_OK)
        st = cm_event_add_pairs(ev, p);
    if (st != CM_OK) {
        fprintf(stderr, "capmatch schedule: %s\n", cm_last_error());
        exit(st == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    }
    return ev;
}

/* Each placed meeting's top reasons from the policy: the three rules of
 * the enterprise's score that add the most to it. */
static int policy_whys(cm_schedule *s, cm_engine *e, const assign_args *a)
{
    cm_policy_options po;
    cm_policy_options_init(&po);
    po.rules_path = a->rules_path;
    cm_policy *pol = cm_policy_load(e, a->policy, &po);
    if (pol == NULL) {
        fprintf(stderr, "capmatch schedule: %s\n", cm_engine_errmsg(e));
        return EXIT_INPUT;
    }
    int rc = EXIT_OK;
    for (size_t i = 0; i < cm_schedule_count(s) && rc == EXIT_OK; i++) {
        const cm_meeting *m = cm_schedule_meeting(s, i);
        cm_result *res = NULL;
        if (cm_explain_pair(e, pol, m->enterprise, m->region, &res) != CM_OK) {
            cm_result_free(res);
            continue;     /* a pair the policy cannot explain keeps its reasons */
        }
        const cm_explain_item *top[3] = { NULL, NULL, NULL };
        size_t len = 1;
        for (size_t k = 0; k < cm_result_rule_count(res); k++) {
            const cm_explain_item *it = cm_result_explain(res, 0, k);
            if (it == NULL || it->region_side || it->error || !(it->contribution > 0))
                continue;
            for (int j = 0; j < 3; j++)
                if (top[j] == NULL || it->contribution > top[j]->contribution) {
                    for (int l = 2; l > j; l--)
                        top[l] = top[l - 1];
                    top[j] = it;
                    break;
                }
        }
        for (int j = 0; j < 3 && top[j]; j++)
            len += strlen(top[j]->rule) + strlen(top[j]->reason) + 8;
        char *why = malloc(len);
        if (why == NULL) {
            rc = EXIT_INTERNAL;
        } else {
            size_t o = 0;
            why[0] = '\0';
            for (int j = 0; j < 3 && top[j]; j++)
                o += (size_t)snprintf(why + o, len - o, "%s%s: %s", j ? " | " : "", top[j]->rule,
                                      top[j]->reason);
            if (cm_schedule_set_why(s, i, o ? why : NULL) != CM_OK)
                rc = EXIT_INTERNAL;
            free(why);
        }
        cm_result_free(res);
    }
    cm_policy_free(pol);
    return rc;
}

static int run_schedule(int argc, char **argv)
{
    assign_args a;
    parse_args(argc, argv, &a, "schedule");
    cm_engine *e = NULL;
    if (a.nregions || a.nenterprises)
        e = load_profiles(&a, "schedule");
    cm_pairs *p = load_pairs(a.pairs, e, a.load.opts.format, "schedule");
    cm_event *ev = load_event(&a, p);
    a.so.event = ev;
    cm_schedule *s = NULL;
    progress_state ps;
    if (progress_init(&ps, "schedule", "placing", "meetings placed", a.progress)) {
        a.so.progress = progress_report;
        a.so.progress_ud = &ps;
    }
    cm_status st = cm_schedule_make(p, &a.so, &s);
    if (st != CM_OK) {
        cm_event_free(ev);
        fprintf(stderr, "capmatch schedule: %s\n", cm_last_error());
        cm_pairs_free(p);
        cm_engine_free(e);
        free_args(&a);
        return st == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    int rc = cm_schedule_count(s) ? EXIT_OK : EXIT_NOMATCH;
    if (a.policy) {
        int k = policy_whys(s, e, &a);
        if (k != EXIT_OK) {
            cm_schedule_free(s);
            cm_event_free(ev);
            cm_pairs_free(p);
            cm_engine_free(e);
            free_args(&a);
            return k;
        }
    }
    size_t must = 0;
    for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++) {
        const cm_meeting *m = cm_schedule_unplaced(s, i);
        if (m->status && (strcmp(m->status, "accepted") == 0 || strcmp(m->status, "must") == 0)) {
            if (must++ < 5)
                fprintf(stderr, "capmatch schedule: %s meeting of %s and %s not placed: %s\n",
                        m->status, m->enterprise, m->region, m->unplaced);
        }
    }
    if (must) {
        fprintf(stderr, "capmatch schedule: %zu accepted or must-meet meeting%s could not be "
                        "placed\n", must, must == 1 ? "" : "s");
        rc = EXIT_NOMATCH;
    }
    sched_out o = { s, &a, { e, { NULL, NULL }, { NULL, NULL }, { NULL, NULL } } };
    if (a.fmt == FMT_XLSX) {
        if (write_schedule(NULL, &o) < 0)
            rc = EXIT_INPUT;
    } else {
        outfile of;
        if (out_open(&of, a.output, "schedule") < 0) {
            rc = EXIT_INPUT;
        } else {
            int failed = write_schedule(of.f, &o) < 0;
            if (out_close(&of, failed, "schedule") < 0 || failed)
                rc = EXIT_INPUT;
        }
    }
    if (rc != EXIT_INPUT && a.agendas) {
        int k = write_agendas(s, &o.nm, a.agendas, a.bom);
        if (k < 0)
            rc = k == -2 ? EXIT_INTERNAL : EXIT_INPUT;
    }
    cm_schedule_free(s);
    cm_event_free(ev);
    cm_pairs_free(p);
    cm_engine_free(e);
    free_args(&a);
    return rc;
}

const command cmd_assign = { "assign", run_assign,
                             "who meets whom under capacities (stable or optimal)", assign_usage };
const command cmd_schedule = { "schedule", run_schedule,
                               "assigned pairs into meeting slots, tables and agendas",
                               schedule_usage };
