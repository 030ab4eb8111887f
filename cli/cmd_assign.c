/*
 * cmd_assign.c - capmatch assign and capmatch schedule: who meets whom under
 * the regions' capacities (from profiles and a policy, or from a file of
 * scored pairs), and those meetings in sessions, slots and tables, with
 * per-participant agendas (CSV and iCalendar). Output as a table, JSON, JSON
 * Lines, CSV or (assign) a self-contained HTML report, each with the
 * provenance of the run; every file is written by the output rules of
 * cm_output_open.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum fmt { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_CSV, FMT_HTML };

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
    "  --format table|json|jsonl|csv|html   output (default table); html: a report\n"
    "                         with charts to open in a browser\n"
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
    "  --format table|json|csv   the whole schedule (default table)\n"
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
        { "availability", required_argument, NULL, 22 },
        { "requests", required_argument, NULL, 23 },
        { "lock", required_argument, NULL, 24 },
        { "table-names", required_argument, NULL, 25 },
        { "breaks", required_argument, NULL, 26 },
        { "tz", required_argument, NULL, 27 },
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
        if (!sched && opt >= 16 && opt <= 27)
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
        case 22: a->availability = optarg; break;
        case 23: a->requests = optarg; break;
        case 24: a->lock = optarg; break;
        case 25: a->table_names = optarg; break;
        case 26: split_push(&a->breaks, &a->nbreaks, optarg); break;
        case 27: a->tz = optarg; break;
        case 'o': a->output = optarg; break;
        case 40: a->title = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
                a->fmt = FMT_TABLE;
            else if (strcmp(optarg, "json") == 0)
                a->fmt = FMT_JSON;
            else if (strcmp(optarg, "jsonl") == 0 && !sched)
                a->fmt = FMT_JSONL;
            else if (strcmp(optarg, "csv") == 0)
                a->fmt = FMT_CSV;
            else if (strcmp(optarg, "html") == 0 && !sched)
                a->fmt = FMT_HTML;
            else
                die_usage(prog, "--format must be %s, not '%s'",
                          sched ? "table, json or csv" : "table, json, jsonl, csv or html", optarg);
            break;
        default:
            if (opt == '?' || load_args_option(&a->load, opt, optarg, prog) == 0)
                die_usage(prog, "unknown option");
        }
    }
    if (optind < argc)
        die_usage(prog, "unexpected argument '%s'", argv[optind]);
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

static void meta_json_member(void *ud, const char *key, const char *value)
{
    void **x = ud;
    FILE *f = x[0];
    int *first = x[1];
    if (!*first)
        fputc(',', f);
    *first = 0;
    json_print_string(f, key);
    fputc(':', f);
    json_print_string(f, value);
}

static void meta_json(FILE *f, const run *r)
{
    char b[32];
    int first = 1;
    void *x[2] = { f, &first };
    double rt, t = cm_assignment_total(r->asg, &rt);
    fputc('{', f);
    /* "set" may repeat: gather it into one member */
    each_meta(r, meta_json_member, x);
    size_t eleft = 0, rleft = 0;
    for (size_t i = 0; i < cm_assignment_left_count(r->asg); i++)
        cm_assignment_left(r->asg, i)->kind == CM_KIND_REGIONS ? rleft++ : eleft++;
    fprintf(f, ",\"totals\":{\"pairs\":%zu,\"score\":%s", cm_assignment_count(r->asg),
            num_shortest(b, sizeof b, t));
    fprintf(f, ",\"region_score\":%s,\"blocking_pairs\":%zu,\"enterprises_left_out\":%zu,"
               "\"regions_left_out\":%zu,\"candidate_pairs\":%zu}}",
            num_shortest(b, sizeof b, rt), cm_assignment_blocking(r->asg, NULL), eleft, rleft,
            cm_pairs_count(r->pairs));
}

/* ---- explanations of the assigned pairs ---- */

/* The policy's trace of a pair (NULL when there is no policy). */
static cm_result *explain_pair(const run *r, const cm_assign_row *row)
{
    cm_result *res = NULL;
    if (r->pol == NULL || cm_explain_pair(r->e, r->pol, row->enterprise, row->region, &res) != CM_OK)
        return NULL;
    return res;
}

static char *reasons_of(const cm_result *res, const cm_assign_row *row)
{
    if (res == NULL)
        return row->reasons ? strdup(row->reasons) : NULL;
    size_t n = cm_result_rule_count(res), len = 1;
    for (size_t k = 0; k < n; k++) {
        const cm_explain_item *it = cm_result_explain(res, 0, k);
        len += strlen(it->rule) + strlen(it->reason) + 24;
    }
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    s[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        const cm_explain_item *it = cm_result_explain(res, 0, k);
        o += (size_t)snprintf(s + o, len - o, "%s%s%s: %s", k ? " | " : "",
                              it->region_side ? "region's view, " : "", it->rule, it->reason);
    }
    return s;
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
    fputs("{\"enterprise\":", f);
    json_print_string(f, row->enterprise);
    fputs(",\"region\":", f);
    json_print_string(f, row->region);
    fprintf(f, ",\"score\":%s", num_shortest(b, sizeof b, row->score));
    fprintf(f, ",\"region_score\":%s,\"enterprise_rank\":%u,\"region_rank\":%u,"
               "\"enterprise_choices\":%u,\"region_choices\":%u",
            num_shortest(b, sizeof b, row->region_score), row->enterprise_rank, row->region_rank,
            row->enterprise_choices, row->region_choices);
    char *why = reasons_of(res, row);
    if (why) {
        fputs(",\"reasons\":", f);
        json_print_string(f, why);
        free(why);
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

static void json_left(FILE *f, const cm_left *l, int as_line)
{
    if (as_line) {
        fputs("{\"unassigned\":", f);
        fputs(l->kind == CM_KIND_REGIONS ? "\"region\"" : "\"enterprise\"", f);
    } else {
        fputs("{\"kind\":", f);
        fputs(l->kind == CM_KIND_REGIONS ? "\"region\"" : "\"enterprise\"", f);
    }
    fputs(",\"id\":", f);
    json_print_string(f, l->id);
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

static void write_table(FILE *f, const run *r)
{
    const cm_assignment *as = r->asg;
    fprintf(f, "%-32s %-26s %6s %8s  %-10s %s\n", "enterprise", "region", "score", "r.score",
            "its pick", "region's pick");
    for (size_t i = 0; i < cm_assignment_count(as); i++) {
        const cm_assign_row *row = cm_assignment_row(as, i);
        char c1[32], c2[32];
        snprintf(c1, sizeof c1, "%u of %u", row->enterprise_rank, row->enterprise_choices);
        snprintf(c2, sizeof c2, "%u of %u", row->region_rank, row->region_choices);
        fprintf(f, "%-32s %-26s %6.3f %8.3f  %-10s %s\n", row->enterprise, row->region,
                row->score, row->region_score, c1, c2);
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
            fprintf(f, "  %s %s: %s\n", l->kind == CM_KIND_REGIONS ? "region" : "enterprise",
                    l->id, l->message);
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

static void write_csv(FILE *f, const run *r)
{
    char b[32];
    const cm_assignment *as = r->asg;
    void *x[2] = { f, (void *)"# " };
    each_meta(r, meta_line, x);
    double rt, t = cm_assignment_total(as, &rt);
    fprintf(f, "# total score: %s; blocking pairs: %zu\n", num_shortest(b, sizeof b, t),
            cm_assignment_blocking(as, NULL));
    fputs("enterprise,region,score,region_score,enterprise_rank,region_rank,reasons\n", f);
    for (size_t i = 0; i < cm_assignment_count(as); i++) {
        const cm_assign_row *row = cm_assignment_row(as, i);
        csv_print_cell(f, row->enterprise);
        fputc(',', f);
        csv_print_cell(f, row->region);
        fprintf(f, ",%s", num_shortest(b, sizeof b, row->score));
        fprintf(f, ",%s,%u,%u,", num_shortest(b, sizeof b, row->region_score), row->enterprise_rank,
                row->region_rank);
        cm_result *res = explain_pair(r, row);
        char *why = reasons_of(res, row);
        if (why)
            csv_print_cell(f, why);
        free(why);
        cm_result_free(res);
        fputc('\n', f);
    }
    for (size_t i = 0; i < cm_assignment_left_count(as); i++) {
        const cm_left *l = cm_assignment_left(as, i);
        fprintf(f, "# left out: %s %s: %s\n", l->kind == CM_KIND_REGIONS ? "region" : "enterprise",
                l->id, l->message);
    }
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
        fputs("{\"meta\":", f);
        meta_json(f, r);
        fputs(",\"assignments\":[", f);
        for (size_t i = 0; i < cm_assignment_count(as); i++) {
            fputs(i ? ",\n" : "\n", f);
            json_assign_row(f, r, cm_assignment_row(as, i));
        }
        fputs("\n],\"unassigned\":[", f);
        for (size_t i = 0; i < cm_assignment_left_count(as); i++) {
            fputs(i ? ",\n" : "\n", f);
            json_left(f, cm_assignment_left(as, i), 0);
        }
        fputs("\n]}\n", f);
        return 0;
    case FMT_JSONL:
        fputs("{\"meta\":", f);
        meta_json(f, r);
        fputs("}\n", f);
        for (size_t i = 0; i < cm_assignment_count(as); i++) {
            json_assign_row(f, r, cm_assignment_row(as, i));
            fputc('\n', f);
        }
        for (size_t i = 0; i < cm_assignment_left_count(as); i++) {
            json_left(f, cm_assignment_left(as, i), 1);
            fputc('\n', f);
        }
        return 0;
    case FMT_CSV:
        write_csv(f, r);
        return 0;
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
    run r = { &a, NULL, NULL, NULL, NULL, 0 };
    if (a.nregions || a.nenterprises)
        r.e = load_profiles(&a, "assign");
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
        cm_status s = cm_pairs_add_candidates(r.pairs, r.e, r.pol, &co);
        if (s != CM_OK) {
            fprintf(stderr, "capmatch assign: %s\n", cm_last_error());
            exit(s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
        }
    }
    cm_status s = cm_assign(r.pairs, &a.ao, &r.asg);
    if (s != CM_OK) {
        fprintf(stderr, "capmatch assign: %s\n", cm_pairs_errmsg(r.pairs));
        exit(s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
    }
    outfile of;
    if (out_open(&of, a.output, "assign") < 0) {
        rc = EXIT_INPUT;
    } else {
        int failed = write_assignment(of.f, &r) < 0;
        if (out_close(&of, failed, "assign") < 0 || failed)
            rc = EXIT_INPUT;
        else if (cm_assignment_count(r.asg) == 0)
            rc = EXIT_NOMATCH;
    }
    cm_assignment_free(r.asg);
    cm_pairs_free(r.pairs);
    cm_policy_free(r.pol);
    cm_engine_free(r.e);
    free_args(&a);
    return rc;
}

/* ==== schedule ==================================================================== */

static const char *name_of(const cm_engine *e, cm_kind k, const char *id)
{
    if (e == NULL)
        return "";
    size_t i = cm_engine_find(e, k, id);
    cm_value v;
    if (i == (size_t)-1 || cm_profile_get(e, k, i, "name", &v) != CM_OK ||
        v.type != CM_VALUE_STRING)
        return "";
    return v.str;
}

static void schedule_csv(FILE *f, const cm_schedule *s)
{
    char b[32];
    fputs("session,slot,start,end,table,enterprise,region,score,note\n", f);
    for (size_t i = 0; i < cm_schedule_count(s); i++) {
        const cm_meeting *m = cm_schedule_meeting(s, i);
        fprintf(f, "%u,%u,%s,%s,%u,", m->session, m->slot, m->start, m->end, m->table);
        csv_print_cell(f, m->enterprise);
        fputc(',', f);
        csv_print_cell(f, m->region);
        fprintf(f, ",%s,\n", num_shortest(b, sizeof b, m->score));
    }
    for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++) {
        const cm_meeting *m = cm_schedule_unplaced(s, i);
        fputs(",,,,,", f);
        csv_print_cell(f, m->enterprise);
        fputc(',', f);
        csv_print_cell(f, m->region);
        fprintf(f, ",%s,", num_shortest(b, sizeof b, m->score));
        csv_print_cell(f, m->unplaced);
        fputc('\n', f);
    }
}

/* What an event adds to a meeting, when there is something. */
static void json_event_fields(FILE *f, const cm_meeting *m)
{
    const char *keys[] = { "table_name", "room", "status", "why" };
    const char *vals[] = { m->table_name, m->room, m->status, m->unplaced ? NULL : m->why };
    for (int i = 0; i < 4; i++)
        if (vals[i]) {
            fprintf(f, ",\"%s\":", keys[i]);
            json_print_string(f, vals[i]);
        }
}

static void schedule_json(FILE *f, const cm_schedule *s, const assign_args *a)
{
    char b[32], hex[65];
    unsigned min, avail, used = cm_schedule_slots(s, &min, &avail);
    fprintf(f, "{\"meta\":{\"capmatch\":\"%s\",\"pairs\":", cm_version());
    json_print_string(f, a->pairs);
    if (strcmp(a->pairs, "-") != 0 && cm_sha256_file(a->pairs, hex) == CM_OK)
        fprintf(f, ",\"sha256\":\"%s\"", hex);
    fputs(",\"sessions\":[", f);
    for (int i = 0; i < a->nsessions; i++) {
        fputs(i ? "," : "", f);
        json_print_string(f, a->sessions[i]);
    }
    fprintf(f, "],\"meeting_minutes\":%u,\"break_minutes\":%u,\"tables\":%u,"
               "\"slots_used\":%u,\"slots_minimum\":%u,\"slots_available\":%u",
            a->so.meeting_minutes ? a->so.meeting_minutes : 20, a->so.break_minutes,
            a->so.tables, used, min, avail);
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
    fputs("},\"meetings\":[", f);
    for (size_t i = 0; i < cm_schedule_count(s); i++) {
        const cm_meeting *m = cm_schedule_meeting(s, i);
        fprintf(f, "%s\n{\"session\":%u,\"slot\":%u,\"start\":\"%s\",\"end\":\"%s\",\"table\":%u,"
                   "\"enterprise\":",
                i ? "," : "", m->session, m->slot, m->start, m->end, m->table);
        json_print_string(f, m->enterprise);
        fputs(",\"region\":", f);
        json_print_string(f, m->region);
        fprintf(f, ",\"score\":%s", num_shortest(b, sizeof b, m->score));
        json_event_fields(f, m);
        fputc('}', f);
    }
    fputs("\n],\"unplaced\":[", f);
    for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++) {
        const cm_meeting *m = cm_schedule_unplaced(s, i);
        fputs(i ? ",\n{\"enterprise\":" : "\n{\"enterprise\":", f);
        json_print_string(f, m->enterprise);
        fputs(",\"region\":", f);
        json_print_string(f, m->region);
        fprintf(f, ",\"score\":%s,\"reason\":", num_shortest(b, sizeof b, m->score));
        json_print_string(f, m->unplaced);
        json_event_fields(f, m);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

static void schedule_table(FILE *f, const cm_schedule *s, const assign_args *a)
{
    unsigned last_s = 0, last_slot = 0;
    for (size_t i = 0; i < cm_schedule_count(s); i++) {
        const cm_meeting *m = cm_schedule_meeting(s, i);
        if (m->session != last_s || m->slot != last_slot) {
            fprintf(f, "%ssession %u, slot %u: %s-%s\n", i ? "\n" : "", m->session, m->slot,
                    m->start, m->end + 11);
            last_s = m->session;
            last_slot = m->slot;
        }
        char tb[24];
        snprintf(tb, sizeof tb, "table %u", m->table);
        fprintf(f, "  %-10s %-30s %-30s %.3f%s%s\n", m->table_name ? m->table_name : tb,
                m->enterprise, m->region, m->score, m->status ? "  " : "",
                m->status ? m->status : "");
    }
    if (cm_schedule_unplaced_count(s)) {
        fprintf(f, "\nnot placed:\n");
        for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++) {
            const cm_meeting *m = cm_schedule_unplaced(s, i);
            fprintf(f, "  %s - %s: %s\n", m->enterprise, m->region, m->unplaced);
        }
    }
    unsigned min, avail, used = cm_schedule_slots(s, &min, &avail);
    fprintf(f, "\n-- %zu meetings in %u slots (the fewest possible: %u; available: %u); "
               "%zu not placed\n",
            cm_schedule_count(s), used, min, avail, cm_schedule_unplaced_count(s));
    fprintf(f, "-- capmatch %s; pairs: %s\n", cm_version(), a->pairs);
}

static int write_agendas(const cm_schedule *s, const cm_engine *e, const char *dir)
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
            char b[32];
            fputs("start,end,session,slot,table,with,with_name,score,place,status,why\n", of.f);
            for (size_t j = 0; j < nm; j++) {
                const cm_meeting *m = ms[j];
                const char *with = side ? m->enterprise : m->region;
                const char *wname = name_of(e, side ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS, with);
                fprintf(of.f, "%s,%s,%u,%u,%u,%s,", m->start, m->end, m->session, m->slot,
                        m->table, with);
                /* names are the only free text here */
                csv_print_cell(of.f, wname);
                fprintf(of.f, ",%s,", num_shortest(b, sizeof b, m->score));
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
            cm_status st = cm_schedule_ical(s, k, i, e, stamp, file_sink, of.f);
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
    outfile of;
    if (out_open(&of, a.output, "schedule") < 0) {
        rc = EXIT_INPUT;
    } else {
        if (a.fmt == FMT_CSV)
            schedule_csv(of.f, s);
        else if (a.fmt == FMT_JSON)
            schedule_json(of.f, s, &a);
        else
            schedule_table(of.f, s, &a);
        if (out_close(&of, 0, "schedule") < 0)
            rc = EXIT_INPUT;
    }
    if (rc != EXIT_INPUT && a.agendas) {
        int k = write_agendas(s, e, a.agendas);
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
