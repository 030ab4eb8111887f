/*
 * cmd_fetch.c - capmatch fetch (bring feeds into the cache) and capmatch
 * feeds (status, rollback, list), and feeds_load_into(), with which match
 * loads the cached snapshots. A thin client of the feeds API in capmatch.h:
 * it parses options, draws the progress line on a terminal and prints the
 * reports; fetching, validation and the cache are the library's.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char fetch_usage[] =
    "usage: capmatch fetch --feeds FILE [--cache DIR] [OPTIONS] [NAME...]\n"
    "       capmatch fetch --name NAME --kind regions|enterprises [--cache DIR] [OPTIONS] URL\n"
    "\n"
    "Fetch profile feeds (http, https or file URLs) into the cache, all at once. A\n"
    "body replaces a feed's snapshot only once it has fully arrived, parsed and\n"
    "validated; a failure or an invalid body keeps the last good snapshot. Unchanged\n"
    "feeds answer 304 to the conditional request and transfer no body. NAMEs pick\n"
    "feeds of the configuration (default: all).\n"
    "\n"
    "options:\n"
    "  --feeds FILE           the feed configuration (Lua: defaults { }, feed { })\n"
    "  --cache DIR            the cache (default $XDG_CACHE_HOME/capmatch, else\n"
    "                         ~/.cache/capmatch)\n"
    "  --name NAME, --kind regions|enterprises   one feed given on the command line\n"
    "  --input-format json|jsonl|csv   its format (default: from the Content-Type,\n"
    "                         the URL, then the body)\n"
    "  --header 'Name: value' a request header; ${VAR} is read from the environment\n"
    "                         when the request is made and never printed\n"
    "  --ca-file FILE         CA certificates for https (default: the system's)\n"
    "  --timeout S            total time per request, in seconds\n"
    "  --connect-timeout S    time to connect\n"
    "  --retries N            more tries after a timeout, reset, 429 or 5xx\n"
    "  --max-bytes SIZE       largest body (decoded), e.g. 64M\n"
    "  --set KEY=VALUE        any feed setting, for every feed (e.g. retry_delay=0.2)\n"
    "  --skip-invalid         apply the valid records; the rejected ones are kept with\n"
    "                         their reasons in DIR/NAME/rejects.jsonl\n"
    "  --accept-shrink        apply a body even when it has far fewer records than\n"
    "                         the snapshot in use (default: held back below half)\n"
    "  --due                  only the feeds whose refresh interval has passed\n"
    "  --wait S               wait up to S seconds for another fetch of the same cache\n"
    "  --format text|json     the report (default text)\n"
    "  -q, --quiet            report problems only\n"
    "\n"
    "exit status: 0 every feed is up to date (updated, unchanged or not due);\n"
    "1 not every feed was brought up to date: a feed failed or was held back (the\n"
    "others were applied, and every feed keeps its last good snapshot), or another\n"
    "fetch holds the cache; 2 usage or configuration error; 3 internal error.\n";

static const char feeds_usage[] =
    "usage: capmatch feeds status [--feeds FILE] [--cache DIR] [--format table|json]\n"
    "       capmatch feeds rollback [--cache DIR] NAME\n"
    "       capmatch feeds list --feeds FILE\n"
    "\n"
    "status    per feed: records, last success, age, ETag and last error, from the\n"
    "          cache (every feed found there, and those of --feeds)\n"
    "rollback  put back the snapshot before the one in use (the one in use is kept\n"
    "          as DIR/NAME/rolled-back.EXT); it lasts until a fetch brings a new body\n"
    "list      check a feed configuration and show its feeds\n"
    "\n"
    "exit status: status: 0 every feed has a snapshot and its last fetch succeeded,\n"
    "1 otherwise; rollback: 0 done, 1 no earlier snapshot or the cache is busy;\n"
    "2 usage or configuration error; 3 internal error.\n";

/* ---- shared ------------------------------------------------------------------------ */

static const char *human(double bytes, char *buf, size_t n)
{
    if (bytes < 1024)
        snprintf(buf, n, "%.0f B", bytes);
    else if (bytes < 1024 * 1024)
        snprintf(buf, n, "%.1f KiB", bytes / 1024);
    else if (bytes < 1024.0 * 1024 * 1024)
        snprintf(buf, n, "%.1f MiB", bytes / (1024 * 1024));
    else
        snprintf(buf, n, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    return buf;
}

static void on_progress(const cm_fetch_progress *p, void *ud)
{
    (void)ud;
    char b[32], r[32];
    if (p->feeds_done == p->feeds_total) {
        fputs("\r\033[K", stderr);
        return;
    }
    fprintf(stderr, "\r  fetching: %zu of %zu feeds done, %s at %s/s\033[K", p->feeds_done,
            p->feeds_total, human((double)p->bytes, b, sizeof b), human(p->rate, r, sizeof r));
}

static int status_exit(cm_status s)
{
    return s == CM_ENOMEM || s == CM_EDEPS ? EXIT_INTERNAL : EXIT_INPUT;
}

static cm_feeds *open_feeds(const char *config, const char *cache, const char *prog)
{
    cm_feeds *f = cm_feeds_new(cache);
    if (f == NULL) {
        fprintf(stderr, "capmatch %s: out of memory\n", prog);
        exit(EXIT_INTERNAL);
    }
    if (config) {
        cm_status s = cm_feeds_load_config(f, config);
        if (s != CM_OK) {
            fprintf(stderr, "capmatch %s: %s\n", prog, cm_feeds_errmsg(f));
            cm_feeds_free(f);
            exit(status_exit(s));
        }
    }
    return f;
}

static void iso_time(long long t, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void json_time(FILE *out, const char *key, long long t)
{
    char b[32];
    fprintf(out, ",\"%s\":", key);
    if (t > 0) {
        iso_time(t, b, sizeof b);
        fprintf(out, "\"%s\"", b);
    } else {
        fputs("null", out);
    }
}

static void json_opt_string(FILE *out, const char *key, const char *v)
{
    fprintf(out, ",\"%s\":", key);
    if (v)
        json_print_string(out, v);
    else
        fputs("null", out);
}

/* Print a report's failure (stderr) with its details, indented. */
static void print_problem(const cm_fetch_report *r, const char *prog, const char *lead)
{
    fprintf(stderr, "capmatch %s: %s%s\n", prog, lead, r->message);
    if (r->details) {
        const char *p = r->details;
        while (*p) {
            size_t n = strcspn(p, "\n");
            fprintf(stderr, "    %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
}

/* ---- capmatch fetch ------------------------------------------------------------------------ */

static void set_or_die(cm_feeds *f, const char *key, const char *value, const char *prog)
{
    cm_status s = cm_feeds_set(f, NULL, key, value);
    if (s != CM_OK)
        die_usage(prog, "%s", cm_feeds_errmsg(f));
}

static void write_report_json(cm_feeds *f, FILE *out)
{
    fputs("{\"cache\":", out);
    json_print_string(out, cm_feeds_cache_dir(f));
    fputs(",\"feeds\":[", out);
    int first = 1;
    for (size_t i = 0; i < cm_feeds_count(f); i++) {
        const cm_fetch_report *r = cm_feeds_report(f, i);
        if (r->outcome == CM_FETCH_NONE)
            continue;
        fprintf(out, "%s\n{\"name\":", first ? "" : ",");
        first = 0;
        json_print_string(out, r->name);
        fprintf(out, ",\"outcome\":\"%s\",\"message\":", cm_fetch_outcome_name(r->outcome));
        json_print_string(out, r->message);
        json_opt_string(out, "details", r->details);
        fprintf(out, ",\"tries\":%d,\"requests\":%d,\"http_status\":%ld,\"pages\":%zu,"
                     "\"bytes\":%zu,\"records\":%zu,\"fetched_records\":%zu,\"rejected\":%zu",
                r->tries, r->requests, r->http_status, r->pages, r->bytes, r->records,
                r->fetched_records, r->rejected);
        json_opt_string(out, "snapshot", r->snapshot);
        fputc('}', out);
    }
    fputs("\n]}\n", out);
}

static int run_fetch(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "feeds", required_argument, NULL, 1 },
        { "cache", required_argument, NULL, 2 },
        { "name", required_argument, NULL, 3 },
        { "kind", required_argument, NULL, 4 },
        { "input-format", required_argument, NULL, 5 },
        { "header", required_argument, NULL, 6 },
        { "ca-file", required_argument, NULL, 7 },
        { "timeout", required_argument, NULL, 8 },
        { "connect-timeout", required_argument, NULL, 9 },
        { "retries", required_argument, NULL, 10 },
        { "max-bytes", required_argument, NULL, 11 },
        { "set", required_argument, NULL, 12 },
        { "skip-invalid", no_argument, NULL, 13 },
        { "accept-shrink", no_argument, NULL, 14 },
        { "due", no_argument, NULL, 15 },
        { "wait", required_argument, NULL, 16 },
        { "format", required_argument, NULL, 17 },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 }
    };
    const char *prog = "fetch";
    const char *config = NULL, *cache = NULL, *name = NULL, *kind = NULL, *informat = NULL;
    const char **sets = NULL;       /* key, value pairs, in order */
    int nsets = 0;
    char **keys = NULL;             /* the keys of --set, to free */
    int nkeys = 0;
    int json = 0, quiet = 0;
    cm_fetch_options fo;
    cm_fetch_options_init(&fo);
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 1: config = optarg; break;
        case 2: cache = optarg; break;
        case 3: name = optarg; break;
        case 4:
            if (strcmp(optarg, "regions") && strcmp(optarg, "enterprises"))
                die_usage(prog, "--kind must be regions or enterprises, not '%s'", optarg);
            kind = optarg;
            break;
        case 5: informat = optarg; break;
        case 6: arg_push(&sets, &nsets, "header"); arg_push(&sets, &nsets, optarg); break;
        case 7: arg_push(&sets, &nsets, "ca_file"); arg_push(&sets, &nsets, optarg); break;
        case 8: arg_push(&sets, &nsets, "timeout"); arg_push(&sets, &nsets, optarg); break;
        case 9: arg_push(&sets, &nsets, "connect_timeout"); arg_push(&sets, &nsets, optarg); break;
        case 10: arg_push(&sets, &nsets, "retries"); arg_push(&sets, &nsets, optarg); break;
        case 11: arg_push(&sets, &nsets, "max_bytes"); arg_push(&sets, &nsets, optarg); break;
        case 12: {
            const char *eq = strchr(optarg, '=');
            if (eq == NULL || eq == optarg)
                die_usage(prog, "--set takes KEY=VALUE, not '%s'", optarg);
            char *key = strndup(optarg, (size_t)(eq - optarg));
            if (key == NULL) {
                fprintf(stderr, "capmatch: out of memory\n");
                return EXIT_INTERNAL;
            }
            arg_push((const char ***)&keys, &nkeys, key);
            arg_push(&sets, &nsets, key);
            arg_push(&sets, &nsets, eq + 1);
            break;
        }
        case 13: arg_push(&sets, &nsets, "skip_invalid"); arg_push(&sets, &nsets, "true"); break;
        case 14: fo.accept_shrink = 1; break;
        case 15: fo.due_only = 1; break;
        case 16: {
            double w = strtod(optarg, &end);
            if (*end || !(w >= 0 && w <= 86400))
                die_usage(prog, "--wait must be seconds from 0 to 86400, not '%s'", optarg);
            fo.lock_wait = w;
            break;
        }
        case 17:
            if (strcmp(optarg, "json") == 0)
                json = 1;
            else if (strcmp(optarg, "text") == 0 || strcmp(optarg, "table") == 0)
                json = 0;
            else
                die_usage(prog, "--format must be text or json, not '%s'", optarg);
            break;
        case 'q': quiet = 1; break;
        default:
            die_usage(prog, "unknown option");
        }
    }
    int one = name || kind;
    if (one && config)
        die_usage(prog, "give either --feeds FILE or one feed with --name, --kind and its URL");
    if (!one && config == NULL)
        die_usage(prog, "give the feeds with --feeds FILE, or one feed with --name NAME "
                        "--kind regions|enterprises URL");
    if (one && (name == NULL || kind == NULL || optind != argc - 1))
        die_usage(prog, "a feed on the command line needs --name NAME, --kind "
                        "regions|enterprises and one URL");
    if (!one && informat)
        die_usage(prog, "--input-format goes with a feed given on the command line; in a "
                        "configuration, set format = ...");
    cm_feeds *f = open_feeds(config, cache, prog);
    if (one) {
        cm_format fmt = CM_FORMAT_AUTO;
        if (informat) {
            if (strcmp(informat, "json") == 0)
                fmt = CM_FORMAT_JSON;
            else if (strcmp(informat, "jsonl") == 0)
                fmt = CM_FORMAT_JSONL;
            else if (strcmp(informat, "csv") == 0)
                fmt = CM_FORMAT_CSV;
            else
                die_usage(prog, "--input-format must be json, jsonl or csv, not '%s'", informat);
        }
        cm_status s = cm_feeds_add(f, name, argv[optind],
                                   strcmp(kind, "regions") == 0 ? CM_KIND_REGIONS
                                                                : CM_KIND_ENTERPRISES, fmt);
        if (s != CM_OK)
            die_usage(prog, "%s", cm_feeds_errmsg(f));
    } else if (optind < argc) {
        fo.names = (const char *const *)(argv + optind);
    }
    for (int i = 0; i + 1 < nsets; i += 2)
        set_or_die(f, sets[i], sets[i + 1], prog);
    if (isatty(STDERR_FILENO) && !quiet && !json)
        fo.progress = on_progress;
    cm_status s = cm_feeds_fetch(f, &fo);
    int rc = EXIT_OK;
    if (s == CM_ENOTFOUND) {
        fprintf(stderr, "capmatch fetch: %s\n", cm_feeds_errmsg(f));
        rc = EXIT_INPUT;
    } else if (s == CM_ELIMIT) {
        fprintf(stderr, "capmatch fetch: %s; wait for it to end, or give --wait SECONDS\n",
                cm_feeds_errmsg(f));
        rc = EXIT_NOMATCH;
    } else if (s != CM_OK && s != CM_EIO) {
        fprintf(stderr, "capmatch fetch: %s\n", cm_feeds_errmsg(f));
        rc = status_exit(s);
    } else {
        size_t n[6] = { 0 };
        for (size_t i = 0; i < cm_feeds_count(f); i++) {
            const cm_fetch_report *r = cm_feeds_report(f, i);
            n[r->outcome]++;
            if (r->outcome == CM_FETCH_FAILED || r->outcome == CM_FETCH_HELD_BACK) {
                if (!json)
                    print_problem(r, prog, "");
            } else if (r->outcome != CM_FETCH_NONE && !quiet && !json) {
                printf("%s\n", r->message);
            }
        }
        if (json)
            write_report_json(f, stdout);
        else if (!quiet)
            printf("%zu feed%s: %zu updated, %zu unchanged, %zu not due, %zu held back, "
                   "%zu failed\n", n[1] + n[2] + n[3] + n[4] + n[5],
                   n[1] + n[2] + n[3] + n[4] + n[5] == 1 ? "" : "s", n[CM_FETCH_UPDATED],
                   n[CM_FETCH_UNCHANGED], n[CM_FETCH_NOT_DUE], n[CM_FETCH_HELD_BACK],
                   n[CM_FETCH_FAILED]);
        rc = s == CM_OK ? EXIT_OK : EXIT_NOMATCH;
    }
    if (fflush(stdout) != 0 && rc == EXIT_OK)
        rc = EXIT_INPUT;
    cm_feeds_free(f);
    free(sets);
    for (int i = 0; i < nkeys; i++)
        free(keys[i]);
    free(keys);
    return rc;
}

/* ---- capmatch feeds -------------------------------------------------------------------------- */

static void age_text(long long t, char *buf, size_t n)
{
    if (t <= 0) {
        snprintf(buf, n, "-");
        return;
    }
    long long a = (long long)time(NULL) - t;
    if (a < 0)
        a = 0;
    if (a < 120)
        snprintf(buf, n, "%llds", a);
    else if (a < 7200)
        snprintf(buf, n, "%lldm", a / 60);
    else if (a < 172800)
        snprintf(buf, n, "%lldh%02lldm", a / 3600, a % 3600 / 60);
    else
        snprintf(buf, n, "%lldd%02lldh", a / 86400, a % 86400 / 3600);
}

static int feeds_status(cm_feeds *f, int json)
{
    int rc = EXIT_OK;
    if (json) {
        fputs("{\"cache\":", stdout);
        json_print_string(stdout, cm_feeds_cache_dir(f));
        fputs(",\"feeds\":[", stdout);
    } else if (cm_feeds_count(f) == 0) {
        printf("no feed in the cache %s\n", cm_feeds_cache_dir(f));
    } else {
        printf("%-22s %-11s %8s  %-20s %-8s %-6s %s\n", "FEED", "KIND", "RECORDS",
               "LAST SUCCESS", "AGE", "STATE", "ETAG");
    }
    for (size_t i = 0; i < cm_feeds_count(f); i++) {
        cm_feed_status st;
        cm_status s = cm_feeds_status(f, i, &st);
        if (s != CM_OK) {
            fprintf(stderr, "capmatch feeds: %s\n", cm_feeds_errmsg(f));
            rc = s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_NOMATCH;
            continue;
        }
        if (st.last_error || st.snapshot == NULL)
            rc = rc == EXIT_OK ? EXIT_NOMATCH : rc;
        const char *state = st.snapshot == NULL ? "none" : st.last_error ? "error"
                            : st.due ? "due" : "ok";
        if (json) {
            fprintf(stdout, "%s\n{\"name\":", i ? "," : "");
            json_print_string(stdout, st.name);
            fprintf(stdout, ",\"kind\":\"%s\",\"url\":", cm_kind_name(st.kind));
            json_print_string(stdout, st.url ? st.url : "");
            fprintf(stdout, ",\"state\":\"%s\",\"records\":%zu,\"bytes\":%zu,\"rejected\":%zu,"
                            "\"snapshots\":%zu", state, st.records, st.bytes, st.rejected,
                    st.snapshots);
            json_opt_string(stdout, "snapshot", st.snapshot);
            json_opt_string(stdout, "sha256", st.sha256);
            json_opt_string(stdout, "etag", st.etag);
            json_opt_string(stdout, "last_modified", st.last_modified);
            json_time(stdout, "fetched", st.fetched);
            json_time(stdout, "last_success", st.last_success);
            json_time(stdout, "last_attempt", st.last_attempt);
            if (st.last_success > 0)
                fprintf(stdout, ",\"age_seconds\":%lld", (long long)time(NULL) - st.last_success);
            else
                fputs(",\"age_seconds\":null", stdout);
            fprintf(stdout, ",\"refresh_seconds\":%g,\"due\":%s", st.refresh,
                    st.due ? "true" : "false");
            json_opt_string(stdout, "last_error", st.last_error);
            json_time(stdout, "last_error_time", st.last_error_time);
            fputc('}', stdout);
        } else {
            char when[32] = "never", age[32];
            if (st.last_success > 0) {
                iso_time(st.last_success, when, sizeof when);
                when[16] = 'Z';       /* 2024-05-01T10:00Z */
                when[17] = '\0';
            }
            age_text(st.last_success, age, sizeof age);
            printf("%-22s %-11s %8zu  %-20s %-8s %-6s %s\n", st.name, cm_kind_name(st.kind),
                   st.records, when, age, state, st.etag ? st.etag : "-");
        }
    }
    if (json) {
        fputs("\n]}\n", stdout);
    } else {
        for (size_t i = 0; i < cm_feeds_count(f); i++) {
            cm_feed_status st;
            if (cm_feeds_status(f, i, &st) != CM_OK || st.last_error == NULL)
                continue;
            char when[32];
            iso_time(st.last_error_time, when, sizeof when);
            printf("\n%s: last error at %s:\n  %s\n", st.name, when, st.last_error);
        }
    }
    return rc;
}

static int run_feeds(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "feeds", required_argument, NULL, 1 },
        { "cache", required_argument, NULL, 2 },
        { "format", required_argument, NULL, 3 },
        { NULL, 0, NULL, 0 }
    };
    const char *prog = "feeds";
    if (argc < 2)
        die_usage(prog, "give a subcommand: status, rollback or list");
    const char *sub = argv[1];
    if (strcmp(sub, "status") && strcmp(sub, "rollback") && strcmp(sub, "list"))
        die_usage(prog, "'%s' is not a subcommand: status, rollback or list", sub);
    const char *config = NULL, *cache = NULL;
    int json = 0, opt;
    optind = 1;
    while ((opt = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 1: config = optarg; break;
        case 2: cache = optarg; break;
        case 3:
            if (strcmp(optarg, "json") == 0)
                json = 1;
            else if (strcmp(optarg, "table") == 0 || strcmp(optarg, "text") == 0)
                json = 0;
            else
                die_usage(prog, "--format must be table or json, not '%s'", optarg);
            break;
        default:
            die_usage(prog, "unknown option");
        }
    }
    int nargs = argc - 1 - optind;
    char **args = argv + 1 + optind;
    int rc;
    if (strcmp(sub, "list") == 0) {
        if (config == NULL || nargs)
            die_usage(prog, "feeds list --feeds FILE");
        cm_feeds *f = open_feeds(config, cache, prog);
        for (size_t i = 0; i < cm_feeds_count(f); i++)
            printf("%-22s %-11s %s\n", cm_feeds_name(f, i), cm_kind_name(cm_feeds_kind(f, i)),
                   cm_feeds_url(f, i));
        cm_feeds_free(f);
        return EXIT_OK;
    }
    cm_feeds *f = open_feeds(config, cache, prog);
    cm_status s = cm_feeds_add_cached(f);
    if (s != CM_OK) {
        fprintf(stderr, "capmatch feeds: %s\n", cm_feeds_errmsg(f));
        cm_feeds_free(f);
        return status_exit(s);
    }
    if (strcmp(sub, "status") == 0) {
        if (nargs)
            die_usage(prog, "feeds status takes no argument ('%s')", args[0]);
        rc = feeds_status(f, json);
    } else {
        if (nargs != 1)
            die_usage(prog, "feeds rollback NAME");
        s = cm_feeds_rollback(f, args[0]);
        if (s == CM_OK) {
            printf("%s\n", cm_feeds_errmsg(f));
            rc = EXIT_OK;
        } else {
            fprintf(stderr, "capmatch feeds rollback: %s\n", cm_feeds_errmsg(f));
            rc = s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_NOMATCH;
        }
    }
    if (fflush(stdout) != 0 && rc == EXIT_OK)
        rc = EXIT_INPUT;
    cm_feeds_free(f);
    return rc;
}

/* ---- for capmatch match --feeds ------------------------------------------------------------------- */

int feeds_load_into(cm_engine *e, const char *feeds_file, const char *cache_dir, int refresh,
                    const char *prog)
{
    cm_feeds *f = cm_feeds_new(cache_dir);
    if (f == NULL) {
        fprintf(stderr, "capmatch %s: out of memory\n", prog);
        return EXIT_INTERNAL;
    }
    cm_status s = cm_feeds_load_config(f, feeds_file);
    if (s != CM_OK) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_feeds_errmsg(f));
        cm_feeds_free(f);
        return status_exit(s);
    }
    if (refresh) {
        cm_fetch_options fo;
        cm_fetch_options_init(&fo);
        if (isatty(STDERR_FILENO))
            fo.progress = on_progress;
        s = cm_feeds_fetch(f, &fo);
        if (s == CM_EIO) {
            for (size_t i = 0; i < cm_feeds_count(f); i++) {
                const cm_fetch_report *r = cm_feeds_report(f, i);
                if (r->outcome == CM_FETCH_FAILED || r->outcome == CM_FETCH_HELD_BACK)
                    print_problem(r, prog, "warning: ");
            }
            fprintf(stderr, "capmatch %s: warning: matching on the last good snapshots of "
                            "the feeds that were not brought up to date\n", prog);
        } else if (s == CM_ELIMIT) {
            fprintf(stderr, "capmatch %s: warning: %s; matching on the cache as it is\n", prog,
                    cm_feeds_errmsg(f));
        } else if (s != CM_OK) {
            fprintf(stderr, "capmatch %s: %s\n", prog, cm_feeds_errmsg(f));
            cm_feeds_free(f);
            return status_exit(s);
        }
    }
    cm_diags *d = cm_diags_new();
    size_t missing = 0;
    s = d ? cm_feeds_load_into(f, e, NULL, d, &missing) : CM_ENOMEM;
    for (size_t k = 0; d && k < cm_diags_count(d); k++)
        fprintf(stderr, "%s\n", cm_diags_at(d, k)->message);
    cm_diags_free(d);
    int rc = 0;
    if (s != CM_OK) {
        fprintf(stderr, "capmatch %s: %s\n", prog, d ? cm_feeds_errmsg(f) : "out of memory");
        rc = status_exit(s);
    } else if (missing == cm_feeds_count(f)) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_feeds_errmsg(f));
        rc = EXIT_INPUT;
    } else if (missing) {
        fprintf(stderr, "capmatch %s: warning: %s\n", prog, cm_feeds_errmsg(f));
    }
    cm_feeds_free(f);
    return rc;
}

/* Provenance for match output: the snapshot each feed of the file had in use. */
static cm_feeds *provenance_feeds(const char *feeds_file, const char *cache_dir)
{
    cm_feeds *f = cm_feeds_new(cache_dir);
    if (f && cm_feeds_load_config(f, feeds_file) != CM_OK) {
        cm_feeds_free(f);
        f = NULL;
    }
    return f;
}

void feeds_meta_lines(FILE *out, const char *lead, const char *feeds_file, const char *cache_dir)
{
    cm_feeds *f = provenance_feeds(feeds_file, cache_dir);
    for (size_t i = 0; f && i < cm_feeds_count(f); i++) {
        cm_feed_status st;
        if (cm_feeds_status(f, i, &st) != CM_OK || st.snapshot == NULL)
            continue;
        char when[32];
        iso_time(st.fetched, when, sizeof when);
        fprintf(out, "%s%s: feed:%s %s (%zu records, fetched %s, sha256 %s)\n", lead,
                cm_kind_name(st.kind), st.name, st.url, st.records, when,
                st.sha256 ? st.sha256 : "?");
    }
    cm_feeds_free(f);
}

void feeds_meta_json(FILE *out, const char *feeds_file, const char *cache_dir)
{
    cm_feeds *f = provenance_feeds(feeds_file, cache_dir);
    fputc('[', out);
    int first = 1;
    for (size_t i = 0; f && i < cm_feeds_count(f); i++) {
        cm_feed_status st;
        if (cm_feeds_status(f, i, &st) != CM_OK || st.snapshot == NULL)
            continue;
        fprintf(out, "%s{\"kind\":\"%s\",\"feed\":", first ? "" : ",", cm_kind_name(st.kind));
        json_print_string(out, st.name);
        fputs(",\"url\":", out);
        json_print_string(out, st.url);
        fputs(",\"file\":", out);
        json_print_string(out, st.snapshot);
        fprintf(out, ",\"sha256\":\"%s\",\"records\":%zu", st.sha256 ? st.sha256 : "",
                st.records);
        json_time(out, "fetched", st.fetched);
        fputc('}', out);
        first = 0;
    }
    fputc(']', out);
    cm_feeds_free(f);
}

const command cmd_fetch = { "fetch", run_fetch, "fetch profile feeds into the cache",
                            fetch_usage };
const command cmd_feeds = { "feeds", run_feeds, "feed cache: status, rollback, list",
                            feeds_usage };
