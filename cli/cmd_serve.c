/*
 * cmd_serve.c - capmatch serve: the engine as an HTTP service (JSON under
 * /v1, health, readiness, Prometheus metrics), with profiles changed and
 * policy and data reloaded while it serves.
 *
 * Owns the routes, bearer-token roles, the JSON of requests and answers,
 * metrics, the decision and access logs, and the published snapshot: a
 * writer (a profile put or deleted, a reload, SIGHUP) builds a whole new
 * engine and policies and publishes them; requests under way finish on the
 * one they took. Uses the public API and jansson; HTTP is http.c's.
 */
#define _DEFAULT_SOURCE 1      /* syscall(SYS_gettid): the builder's own priority */
#include "cli.h"
#include "output.h"
#include "http.h"
#include "logq.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char serve_usage[] =
    "usage: capmatch serve --regions FILE... [--enterprises FILE...] --policy FILE\n"
    "                      [--listen ADDR:PORT] [--token-file FILE] [--threads N]\n"
    "                      [--copies N] [--decision-log FILE] [--tls-cert FILE --tls-key FILE]\n"
    "                      [--feeds CONFIG [--cache DIR]] [limits]\n"
    "\n"
    "Serve matching over HTTP: JSON under /v1 (match, explain, profiles,\n"
    "reload), /health, /ready and /metrics (Prometheus). SIGHUP reloads the\n"
    "policy and the files and fetches the feeds (a bad one leaves the old\n"
    "serving); SIGTERM finishes the requests under way and exits 0. One access\n"
    "log line a request on standard error. See capmatch-serve(1).\n"
    "\n"
    "  --regions FILE        regions (repeatable; one at least, unless --feeds)\n"
    "  --enterprises FILE    enterprises (repeatable)\n"
    "  --policy FILE         the policy (Lua)\n"
    "  --set NAME=VALUE      a policy parameter (repeatable)\n"
    "  --rules-path DIRS     where require looks, ':'-separated\n"
    "  --listen ADDR:PORT    default 127.0.0.1:8080; port 0 takes a free one;\n"
    "                        [::1]:PORT for IPv6\n"
    "  --token-file FILE     lines 'TOKEN read' or 'TOKEN write': every /v1 and\n"
    "                        /metrics request then needs 'Authorization: Bearer\n"
    "                        TOKEN'; without it only loopback addresses are served\n"
    "  --threads N           matches at once (policies loaded per snapshot); default 2\n"
    "  --copies N            copies of the profiles, so that N posted profiles\n"
    "                        (visitors) are matched at once; each costs the\n"
    "                        memory and load time of the profiles (default: as\n"
    "                        --threads; 1 keeps one copy)\n"
    "  --decision-log FILE   one JSON line per match or explain decision\n"
    "  --feeds CONFIG        profiles from feeds too (after the files, which win):\n"
    "                        fetched at start and on every reload; a failed fetch\n"
    "                        keeps the feed's last good snapshot (capmatch fetch)\n"
    "  --cache DIR           the feeds' cache (default $XDG_CACHE_HOME/capmatch)\n"
    "  --tls-cert FILE       serve HTTPS with this PEM certificate (chain)\n"
    "  --tls-key FILE        and its PEM private key\n"
    "  --max-body BYTES      request bodies over it get 413 (default 1048576)\n"
    "  --max-header BYTES    memory for one request's headers (default 32768)\n"
    "  --max-requests N      requests at once; more get 429 (default 64)\n"
    "  --request-timeout S   seconds a connection may be idle, and a match may\n"
    "                        take before it is stopped (503); default 30\n"
    "  --drain-timeout S     on SIGTERM, seconds to wait for requests (default 30)\n"
    "\n"
    "exit status: 0 stopped by SIGTERM or SIGINT, 2 usage or input error.\n";

/* ---- settings and state ------------------------------------------------------ */

typedef struct token {
    char *token;
    int write;
} token;

/* A change made through the API, applied again on every rebuild. */
typedef struct change {
    cm_kind kind;
    char *id;
    char *json;               /* NULL: deleted */
    size_t len;
} change;

enum endpoint { EP_MATCH, EP_EXPLAIN, EP_PROFILES, EP_RELOAD, EP_HEALTH, EP_READY, EP_METRICS,
                EP_OPENAPI, EP_PAGE, EP_WHATIF, EP_OTHER, EP_COUNT };
static const char *const ep_names[EP_COUNT] = { "match", "explain", "profiles", "reload",
                                                "health", "ready", "metrics", "openapi", "page",
                                                "whatif", "other" };

/* doc/openapi.json and cli/serve_page.html, compiled in (the Makefile makes
 * openapi_json.c and serve_page.c) */
extern const char openapi_json[];
extern const char serve_page[];
static const int statuses[] = { 200, 201, 400, 401, 403, 404, 405, 413, 422, 429, 500, 503 };
#define NSTATUS (sizeof statuses / sizeof *statuses)
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                  0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof buckets / sizeof *buckets)

typedef struct server {
    const char **regions, **enterprises, **set;
    int nregions, nenterprises, nset;
    const char *policy, *rules_path;
    const char *feeds_file, *cache_dir;   /* --feeds, --cache */
    int threads;
    int copies;               /* engines per snapshot: visitors matched at once */
    double request_timeout;
    token *tokens;
    size_t ntokens;
    int auth;                 /* a token file was given */
    FILE *decisions;
    logq *dlog;               /* the decision log's lines, written by a thread */
    logq *log;                /* standard error's (access log, reloads) */

    cm_current *cur;
    pthread_mutex_t write_lock;   /* one writer at a time */
    change *changes;
    size_t nchanges;
    unsigned long serial;     /* of the last snapshot built */
    pthread_t builder;        /* builds snapshots at low priority */
    pthread_mutex_t build_lock;
    pthread_cond_t build_cv;
    struct build_task *task;  /* the one it is asked to build, or NULL */
    int builder_quit;

    pthread_mutex_t metrics_lock;
    unsigned long requests[EP_COUNT][NSTATUS + 1];
    unsigned long hist[NBUCKETS + 1];
    double latency_sum;
    unsigned long latency_count;
    unsigned long long pairs;
    unsigned long reloads, reloads_failed;
    atomic_ulong next_id;
} server;

/* What a snapshot carries beside the engine and policies. */
typedef struct snapinfo {
    unsigned long serial;
    char made[32];            /* UTC, ISO 8601 */
} snapinfo;

static void utc_now(char *buf, size_t n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A line of standard error, through the log thread once it runs. */
static void say(server *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(server *sv, const char *fmt, ...)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    va_list ap;
    va_start(ap, fmt);
    if (f) {
        vfprintf(f, fmt, ap);
        fclose(f);
    }
    va_end(ap);
    if (text && sv->log)
        logq_put(sv->log, text, len);
    else if (text)
        fputs(text, stderr);
    free(text);
}

/* ---- building a snapshot --------------------------------------------------------- */

/* Every problem of a failed build, one a line, for the log and the answer. */
typedef struct problems {
    char *text;
    size_t len;
    FILE *f;
    int status;               /* the HTTP status it calls for */
    cm_diags *diags;          /* of the one profile given, for the answer's "problems" */
    int fetch;                /* fetch the feeds first (a reload, not a profile change) */
    char *feeds;              /* the fetch's reports, a JSON array (NULL: none) */
    size_t feeds_len;
} problems;

static void problems_init(problems *p)
{
    memset(p, 0, sizeof *p);
    p->f = open_memstream(&p->text, &p->len);
    p->diags = cm_diags_new();
    if (p->f == NULL || p->diags == NULL) {
        fprintf(stderr, "capmatch serve: out of memory\n");
        exit(EXIT_INTERNAL);
    }
}

static void problems_free(problems *p)
{
    if (p->f)
        fclose(p->f);
    free(p->text);
    free(p->feeds);
    cm_diags_free(p->diags);
}

static const char *problems_text(problems *p)
{
    fflush(p->f);
    return p->text ? p->text : "";
}

static int load_kind(cm_engine *e, const char **files, int n, cm_kind kind, problems *pr)
{
    cm_load_options o;
    cm_load_options_init(&o);
    o.kind = kind;
    cm_diags *d = cm_diags_new();
    int bad = 0;
    for (int i = 0; i < n && d; i++) {
        cm_diags_clear(d);
        if (cm_engine_load_file(e, files[i], &o, d) != CM_OK) {
            bad = 1;
            if (cm_diags_count(d) == 0)
                fprintf(pr->f, "%s\n", cm_engine_errmsg(e));
            for (size_t k = 0; k < cm_diags_count(d); k++)
                fprintf(pr->f, "%s\n", cm_diags_at(d, k)->message);
        }
    }
    cm_diags_free(d);
    return bad ? -1 : 0;
}

/* The feeds' report of a fetch, as the answer's "feeds" array, and their
 * failures as warnings in the log. */
static void feeds_report(server *sv, cm_feeds *f, problems *pr)
{
    FILE *j = open_memstream(&pr->feeds, &pr->feeds_len);
    if (j)
        fputc('[', j);
    for (size_t i = 0; i < cm_feeds_count(f); i++) {
        const cm_fetch_report *r = cm_feeds_report(f, i);
        if (r == NULL)
            continue;
        if (r->outcome == CM_FETCH_FAILED || r->outcome == CM_FETCH_HELD_BACK)
            say(sv, "capmatch serve: warning: %s\n", r->message);
        if (j == NULL)
            continue;
        fprintf(j, "%s{\"feed\":", i ? "," : "");
        json_print_string(j, r->name);
        fprintf(j, ",\"outcome\":\"%s\",\"records\":%zu,\"message\":",
                cm_fetch_outcome_name(r->outcome), r->records);
        json_print_string(j, r->message ? r->message : "");
        fputc('}', j);
    }
    if (j) {
        fputc(']', j);
        if (fclose(j) != 0) {
            free(pr->feeds);
            pr->feeds = NULL;
        }
    }
}

/* --feeds: on a reload, fetch every feed (a failure keeps the feed's last
 * good snapshot, with a warning); then load the snapshots in use, after
 * the files (a file's profile of an id wins). 0, or -1 with the problems in
 * pr (a configuration that does not load, a snapshot that does not). */
static int load_feeds(server *sv, cm_engine *e, problems *pr)
{
    cm_feeds *f = cm_feeds_new(sv->cache_dir);
    if (f == NULL) {
        fprintf(pr->f, "out of memory\n");
        pr->status = 500;
        return -1;
    }
    if (cm_feeds_load_config(f, sv->feeds_file) != CM_OK) {
        fprintf(pr->f, "%s\n", cm_feeds_errmsg(f));
        cm_feeds_free(f);
        return -1;
    }
    if (pr->fetch) {
        cm_fetch_options fo;
        cm_fetch_options_init(&fo);
        fo.lock_wait = 10;    /* a capmatch fetch of the same cache may be under way */
        cm_status s = cm_feeds_fetch(f, &fo);
        if (s == CM_OK || s == CM_EIO)
            feeds_report(sv, f, pr);
        else   /* nothing fetched (the cache's lock, libcurl): serve the cache as it is */
            say(sv, "capmatch serve: warning: %s; the feeds' last good snapshots serve\n",
                cm_feeds_errmsg(f));
    }
    cm_diags *d = cm_diags_new();
    size_t missing = 0;
    cm_status s = d ? cm_feeds_load_into(f, e, NULL, d, &missing) : CM_ENOMEM;
    int rc = 0;
    if (s != CM_OK) {
        for (size_t k = 0; d && k < cm_diags_count(d); k++)
            fprintf(pr->f, "%s\n", cm_diags_at(d, k)->message);
        fprintf(pr->f, "%s\n", d ? cm_feeds_errmsg(f) : "out of memory");
        pr->status = s == CM_ENOMEM ? 500 : 422;
        rc = -1;
    } else if (missing) {   /* never fetched: served without them */
        say(sv, "capmatch serve: warning: %s\n", cm_feeds_errmsg(f));
    }
    cm_diags_free(d);
    cm_feeds_free(f);
    return rc;
}

static void snapinfo_free(void *p) { free(p); }

/* An engine with the files, the feeds, the changes made so far and `extra`
 * (may be NULL). NULL with the problems in pr. */
static cm_engine *build_engine(server *sv, const change *extra, problems *pr)
{
    cm_status st;
    pr->status = 422;
    cm_engine *e = cm_engine_new(&st);
    if (e == NULL) {
        fprintf(pr->f, "%s\n", cm_last_error());
        pr->status = 500;
        return NULL;
    }
    if (load_kind(e, sv->regions, sv->nregions, CM_KIND_REGIONS, pr) < 0 ||
        load_kind(e, sv->enterprises, sv->nenterprises, CM_KIND_ENTERPRISES, pr) < 0 ||
        (sv->feeds_file && load_feeds(sv, e, pr) < 0)) {
        cm_engine_free(e);
        return NULL;
    }
    for (size_t i = 0; i <= sv->nchanges; i++) {
        const change *c = i < sv->nchanges ? &sv->changes[i] : extra;
        if (c == NULL)
            break;
        if (c->json) {
            st = cm_engine_put_profile(e, c->kind, c->id, "body", c->json, c->len,
                                       c == extra ? pr->diags : NULL, NULL);
        } else {
            st = cm_engine_remove_profile(e, c->kind, c->id);
            if (st == CM_ENOTFOUND && c != extra)
                st = CM_OK;   /* gone from the files since */
        }
        if (st != CM_OK) {
            pr->status = st == CM_ENOTFOUND ? 404 : st == CM_ENOMEM ? 500 : 422;
            if (cm_diags_count(pr->diags) == 0)
                fprintf(pr->f, "%s\n", cm_engine_errmsg(e));
            for (size_t k = 0; k < cm_diags_count(pr->diags); k++)
                fprintf(pr->f, "%s\n", cm_diags_at(pr->diags, k)->message);
            cm_engine_free(e);
            return NULL;
        }
    }
    return e;
}

/* n policies for e into ps, from *text (NULL: the policy's file; then set to
 * the text the first was loaded from). -1 with the problem in pr, e and
 * the policies loaded freed. */
static int load_policies(server *sv, cm_engine *e, const char **text, size_t *len,
                         cm_policy **ps, int n, problems *pr)
{
    cm_policy_options po;
    cm_policy_options_init(&po);
    po.set = sv->set;
    po.rules_path = sv->rules_path;
    for (int i = 0; i < n; i++) {
        ps[i] = *text ? cm_policy_load_buffer(e, sv->policy, *text, *len, &po)
                      : cm_policy_load(e, sv->policy, &po);
        if (ps[i] == NULL) {
            fprintf(pr->f, "%s\n", cm_engine_errmsg(e));
            while (i > 0)
                cm_policy_free(ps[--i]);
            cm_engine_free(e);
            return -1;
        }
        if (*text == NULL)   /* the others from the same text as the first */
            *text = cm_policy_source(ps[0], len);
    }
    return 0;
}

/* A new snapshot: --copies engines, each from the files, the changes made
 * so far and `extra` (may be NULL), with the --threads policies shared out
 * among them, loaded from the policy's text (NULL: read its file). NULL
 * with the problems in pr. */
static cm_snapshot *build_now(server *sv, const char *policy_text, size_t policy_len,
                              const change *extra, problems *pr)
{
    cm_snapshot *s = NULL;
    cm_policy **ps = calloc((size_t)sv->threads, sizeof *ps);
    int fetch = pr->fetch;
    for (int k = 0; ps && k < sv->copies; k++) {
        cm_engine *e = build_engine(sv, extra, pr);
        pr->fetch = 0;   /* the feeds once a build: the other copies load what it fetched */
        int n = sv->threads / sv->copies + (k < sv->threads % sv->copies);
        if (e == NULL || load_policies(sv, e, &policy_text, &policy_len, ps, n, pr) < 0) {
            cm_snapshot_release(s);
            s = NULL;
            break;
        }
        cm_status st = CM_OK;
        if (k == 0)
            s = cm_snapshot_new(e, ps, (size_t)n, &st);
        else
            st = cm_snapshot_add_copy(s, e, ps, (size_t)n);
        if (st != CM_OK) {
            fprintf(pr->f, "%s\n", cm_last_error());
            pr->status = st == CM_ENOMEM ? 500 : 422;
            cm_snapshot_release(s);
            s = NULL;
            break;
        }
    }
    pr->fetch = fetch;
    free(ps);
    snapinfo *info = s ? calloc(1, sizeof *info) : NULL;
    if (ps == NULL || (s && info == NULL)) {
        fprintf(pr->f, "out of memory\n");
        pr->status = 500;
        cm_snapshot_release(s);
        return NULL;
    }
    if (s == NULL)
        return NULL;
    info->serial = ++sv->serial;
    utc_now(info->made, sizeof info->made);
    cm_snapshot_set_userdata(s, info, snapinfo_free);
    return s;
}

/* ---- the builder thread ----------------------------------------------------------- */

/* Snapshots are built on a thread of their own at the lowest CPU priority
 * (nice 19, as are the threads it starts): a build is hundreds of
 * milliseconds of CPU, and on a machine with few cores a request thread
 * holding a snapshot's lock, preempted by it, stalls the requests behind
 * it. The writer that asked waits for it. */
typedef struct build_task {
    const char *policy_text;
    size_t policy_len;
    const change *extra;
    problems *pr;
    cm_snapshot *out;
    int done;
} build_task;

static void *builder_main(void *arg)
{
    server *sv = arg;
#ifdef SYS_gettid
    /* nice is a thread's own on Linux; raising it needs no privilege */
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19) != 0)
        fprintf(stderr, "capmatch serve: cannot lower the builder's priority: %s\n",
                strerror(errno));
#endif
    pthread_mutex_lock(&sv->build_lock);
    for (;;) {
        while (sv->task == NULL && !sv->builder_quit)
            pthread_cond_wait(&sv->build_cv, &sv->build_lock);
        if (sv->task == NULL)
            break;
        build_task *t = sv->task;
        pthread_mutex_unlock(&sv->build_lock);
        t->out = build_now(sv, t->policy_text, t->policy_len, t->extra, t->pr);
        pthread_mutex_lock(&sv->build_lock);
        t->done = 1;
        sv->task = NULL;
        pthread_cond_broadcast(&sv->build_cv);
    }
    pthread_mutex_unlock(&sv->build_lock);
    return NULL;
}

/* build_now on the builder thread (called with write_lock held). */
static cm_snapshot *build(server *sv, const char *policy_text, size_t policy_len,
                          const change *extra, problems *pr)
{
    build_task t = { policy_text, policy_len, extra, pr, NULL, 0 };
    pthread_mutex_lock(&sv->build_lock);
    while (sv->task)
        pthread_cond_wait(&sv->build_cv, &sv->build_lock);
    sv->task = &t;
    pthread_cond_broadcast(&sv->build_cv);
    while (!t.done)
        pthread_cond_wait(&sv->build_cv, &sv->build_lock);
    pthread_mutex_unlock(&sv->build_lock);
    return t.out;
}

static int builder_start(server *sv)
{
    pthread_mutex_init(&sv->build_lock, NULL);
    pthread_cond_init(&sv->build_cv, NULL);
    return pthread_create(&sv->builder, NULL, builder_main, sv) == 0 ? 0 : -1;
}

static void builder_stop(server *sv)
{
    pthread_mutex_lock(&sv->build_lock);
    sv->builder_quit = 1;
    pthread_cond_broadcast(&sv->build_cv);
    pthread_mutex_unlock(&sv->build_lock);
    pthread_join(sv->builder, NULL);
    pthread_cond_destroy(&sv->build_cv);
    pthread_mutex_destroy(&sv->build_lock);
}

/* Reload the policy file and the data files, fetching the feeds first (the
 * API's changes stay). */
static int reload(server *sv, problems *pr)
{
    pr->fetch = 1;
    pthread_mutex_lock(&sv->write_lock);
    cm_snapshot *s = build(sv, NULL, 0, NULL, pr);
    if (s)
        cm_current_publish(sv->cur, s);
    pthread_mutex_unlock(&sv->write_lock);
    pthread_mutex_lock(&sv->metrics_lock);
    sv->reloads++;
    if (s == NULL)
        sv->reloads_failed++;
    pthread_mutex_unlock(&sv->metrics_lock);
    if (s == NULL)
        say(sv, "capmatch serve: reload failed; the snapshot before keeps serving:\n%s",
                problems_text(pr));
    else
        say(sv, "capmatch serve: loaded snapshot %lu\n",
                ((snapinfo *)cm_snapshot_userdata(s))->serial);
    return s ? 0 : -1;
}

/* ---- answers ------------------------------------------------------------------------ */

typedef struct body {
    FILE *f;
    char *buf;
    size_t len;
} body;

static FILE *body_open(body *b)
{
    b->buf = NULL;
    b->len = 0;
    b->f = open_memstream(&b->buf, &b->len);
    return b->f;
}

/* Hand the body to the response (NULL on failure: the server answers 500). */
static void body_give(body *b, http_response *rs, int status)
{
    if (b->f == NULL || fclose(b->f) != 0) {
        free(b->buf);
        b->buf = NULL;
        rs->status = 500;
    } else {
        rs->status = status;
    }
    rs->body = b->buf;
    rs->len = b->len;
    b->f = NULL;
}

static void fail(http_response *rs, int status, const char *field, const cm_diags *d,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* {"error": {"status", "message", "field", "problems"}} */
static void fail(http_response *rs, int status, const char *field, const cm_diags *d,
                 const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    body b;
    FILE *f = body_open(&b);
    if (f) {
        fprintf(f, "{\"error\":{\"status\":%d,\"message\":", status);
        json_print_string(f, msg);
        if (field == NULL && d && cm_diags_count(d))
            field = cm_diags_at(d, 0)->field;
        if (field) {
            fputs(",\"field\":", f);
            json_print_string(f, field);
        }
        if (d && cm_diags_count(d)) {
            fputs(",\"problems\":[", f);
            for (size_t i = 0; i < cm_diags_count(d); i++) {
                if (i)
                    fputc(',', f);
                json_print_diag(f, cm_diags_at(d, i));
            }
            fputc(']', f);
        }
        fputs("}}\n", f);
    }
    body_give(&b, rs, status);
}

static void meta(FILE *f, const cm_snapshot *s)
{
    const cm_policy *p = cm_snapshot_policy(s);
    const snapinfo *info = cm_snapshot_userdata(s);
    fprintf(f, "{\"capmatch\":\"%s\",\"policy\":{\"name\":", cm_version());
    json_print_string(f, cm_policy_name(p));
    fputs(",\"file\":", f);
    json_print_string(f, cm_policy_path(p));
    fprintf(f, ",\"sha256\":\"%s\"},\"snapshot\":{\"serial\":%lu,\"made\":\"%s\"}}",
            cm_policy_sha256(p), info->serial, info->made);
}

/* ---- requests ----------------------------------------------------------------------- */

typedef struct request {
    server *sv;
    const http_request *rq;
    http_response *rs;
    enum endpoint ep;
    char input_hash[65];
    cm_snapshot *snap;        /* held for the request */
    const cm_result *decided; /* for the decision log */
    int decided_status;
} request;

/* The deadline of a match: --request-timeout after the request began. */
static int past_deadline(size_t done, size_t total, void *ud)
{
    (void)done;
    (void)total;
    request *r = ud;
    return http_elapsed(r->rq) > r->sv->request_timeout;
}

static int parse_body(request *r, json_t **out)
{
    size_t len;
    const char *text = http_body(r->rq, &len);
    cm_sha256_buffer(text, len, r->input_hash);
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    if (j == NULL) {
        fail(r->rs, 400, NULL, NULL, "request body:%d:%d: %s", je.line, je.column, je.text);
        return -1;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        fail(r->rs, 400, NULL, NULL, "request body: expected a JSON object");
        return -1;
    }
    *out = j;
    return 0;
}

static int status_of(cm_status s)
{
    switch (s) {
    case CM_OK: return 200;
    case CM_ENOTFOUND: return 404;
    case CM_EINPUT: return 422;
    case CM_EUSAGE: return 400;
    case CM_ECANCELED: return 503;
    default: return 500;
    }
}

static void result_failed(request *r, cm_status s, const char *msg, const cm_diags *d)
{
    if (s == CM_ECANCELED)
        fail(r->rs, 503, NULL, NULL, "the match took longer than --request-timeout (%g s)",
             r->sv->request_timeout);
    else   /* the first problem says more than "1 problem; nothing was loaded" */
        fail(r->rs, status_of(s), NULL, d, "%s",
             d && cm_diags_count(d) ? cm_diags_at(d, 0)->message : msg);
}

/* A profile given in a request: its id, name and country for the answer. */
static void posted_names(names *nm, cm_kind k, json_t *v)
{
    int side = k == CM_KIND_REGIONS;
    if (!json_is_object(v))
        return;
    nm->extra_id[side] = json_string_value(json_object_get(v, "id"));
    nm->extra_name[side] = json_string_value(json_object_get(v, "name"));
    nm->extra_country[side] = json_string_value(json_object_get(v, "country"));
}

/* The answer in the result format capmatch.result/1, written while the
 * snapshot is held (names come from its engine). */
static void answer_match(request *r, const cm_result *res, int explain, int region_view,
                         const names *nm)
{
    body b;
    FILE *f = body_open(&b);
    if (f) {
        result_begin(f, "match");
        meta(f, r->snap);
        fputs(",\"results\":[", f);
        for (size_t i = 0; i < cm_result_count(res); i++) {
            if (i)
                fputc(',', f);
            match_json_row(f, res, i, explain, region_view, NULL, nm);
        }
        size_t vetoed, pairs = cm_result_pairs(res, &vetoed);
        fprintf(f, "],\"totals\":{\"rows\":%zu,\"pairs_scored\":%zu,\"vetoed\":%zu,"
                   "\"errors_skipped\":%zu}}\n",
                cm_result_count(res), pairs, vetoed, cm_result_error_count(res));
    }
    body_give(&b, r->rs, 200);
}

/* top and explain, from a number/boolean of the body or text of the query */
static int read_top(request *r, json_t *v, const char *q, size_t *top)
{
    double d;
    char *end = NULL;
    if (v && json_is_integer(v)) {
        d = (double)json_integer_value(v);
    } else if (q) {
        errno = 0;
        d = strtod(q, &end);
        if (end == q || *end || errno)
            d = -1;
    } else if (v == NULL) {
        *top = 0;
        return 0;
    } else {
        d = -1;
    }
    if (!(d >= 1 && d <= 10000 && d == floor(d))) {
        fail(r->rs, 400, "top", NULL, "top: expected a whole number from 1 to 10000");
        return -1;
    }
    *top = (size_t)d;
    return 0;
}

static int read_explain(request *r, json_t *v, const char *q, int *explain)
{
    *explain = 0;
    if (v) {
        if (!json_is_boolean(v)) {
            fail(r->rs, 400, "explain", NULL, "explain: expected true or false");
            return -1;
        }
        *explain = json_is_true(v);
    } else if (q) {
        if (strcmp(q, "true") != 0 && strcmp(q, "false") != 0) {
            fail(r->rs, 400, "explain", NULL, "explain: expected true or false");
            return -1;
        }
        *explain = strcmp(q, "true") == 0;
    }
    return 0;
}

static cm_result *run_match(request *r, cm_kind kind, const char *id, const char *json,
                            size_t top, int explain, names *nm)
{
    cm_match_options o;
    cm_match_options_init(&o);
    o.by = kind;
    o.top = top;
    o.threads = 1;
    o.explain = explain;
    o.on_error = CM_ON_ERROR_SKIP;
    o.stop = past_deadline;
    o.progress_ud = r;
    cm_engine *e;
    cm_policy *p = cm_snapshot_lock(r->snap, json != NULL, &e);
    cm_result *res = NULL;
    cm_diags *d = cm_diags_new();
    cm_status s = json ? cm_match_profile(e, p, kind, kind == CM_KIND_REGIONS ? "region"
                                                                              : "enterprise",
                                          json, strlen(json), &o, d, &res)
                       : cm_match_one(e, p, kind, id, &o, &res);
    int region_view = cm_policy_has_region_view(p);
    nm->e = e;
    if (s != CM_OK)
        result_failed(r, s, cm_engine_errmsg(e), d);
    else
        answer_match(r, res, explain, region_view, nm);
    cm_snapshot_unlock(r->snap, p);
    cm_diags_free(d);
    return res;
}

/* "enterprise" or "region": an id (string) or a profile (object), as text */
static int side_value(request *r, json_t *v, const char *name, const char **id, char **json)
{
    *id = NULL;
    *json = NULL;
    if (json_is_string(v)) {
        *id = json_string_value(v);
        return 0;
    }
    if (json_is_object(v)) {
        *json = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (*json == NULL) {
            fail(r->rs, 500, NULL, NULL, "out of memory");
            return -1;
        }
        return 0;
    }
    fail(r->rs, 400, name, NULL, "%s: expected an id (a string) or a profile (an object)", name);
    return -1;
}

static void do_match(request *r)
{
    const char *method = http_method(r->rq);
    json_t *j = NULL, *ent = NULL, *reg = NULL;
    const char *qe = NULL, *qr = NULL;
    size_t top;
    int explain;
    if (strcmp(method, "POST") == 0) {
        if (parse_body(r, &j) < 0)
            return;
        ent = json_object_get(j, "enterprise");
        reg = json_object_get(j, "region");
        if (read_top(r, json_object_get(j, "top"), NULL, &top) < 0 ||
            read_explain(r, json_object_get(j, "explain"), NULL, &explain) < 0)
            goto done;
    } else {
        qe = http_arg(r->rq, "enterprise");
        qr = http_arg(r->rq, "region");
        char q[600];
        snprintf(q, sizeof q, "enterprise=%s&region=%s&top=%s&explain=%s", qe ? qe : "",
                 qr ? qr : "", http_arg(r->rq, "top") ? http_arg(r->rq, "top") : "",
                 http_arg(r->rq, "explain") ? http_arg(r->rq, "explain") : "");
        cm_sha256_buffer(q, strlen(q), r->input_hash);
        if (read_top(r, NULL, http_arg(r->rq, "top"), &top) < 0 ||
            read_explain(r, NULL, http_arg(r->rq, "explain"), &explain) < 0)
            return;
    }
    if ((ent || qe) == (reg || qr)) {
        fail(r->rs, 400, NULL, NULL, "give exactly one of enterprise and region");
        goto done;
    }
    cm_kind kind = ent || qe ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS;
    const char *id = kind == CM_KIND_ENTERPRISES ? qe : qr;
    char *json = NULL;
    if (j && side_value(r, kind == CM_KIND_ENTERPRISES ? ent : reg,
                        kind == CM_KIND_ENTERPRISES ? "enterprise" : "region", &id, &json) < 0)
        goto done;
    names nm = { NULL, { NULL, NULL }, { NULL, NULL }, { NULL, NULL } };
    if (j)
        posted_names(&nm, kind, kind == CM_KIND_ENTERPRISES ? ent : reg);
    cm_result *res = run_match(r, kind, id, json, top, explain, &nm);
    free(json);
    r->decided = res;
done:
    json_decref(j);
}

static void do_explain(request *r)
{
    json_t *j;
    if (parse_body(r, &j) < 0)
        return;
    const char *eid, *rid;
    char *ejson = NULL, *rjson = NULL;
    json_t *ev = json_object_get(j, "enterprise"), *rv = json_object_get(j, "region");
    if (ev == NULL || rv == NULL) {
        fail(r->rs, 400, ev ? "region" : "enterprise", NULL,
             "give both enterprise and region (each an id or a profile)");
        json_decref(j);
        return;
    }
    if (side_value(r, ev, "enterprise", &eid, &ejson) < 0 ||
        side_value(r, rv, "region", &rid, &rjson) < 0) {
        free(ejson);
        json_decref(j);
        return;
    }
    cm_engine *e;
    cm_policy *p = cm_snapshot_lock(r->snap, ejson || rjson, &e);
    cm_result *res = NULL;
    cm_diags *d = cm_diags_new();
    cm_status s = cm_explain_profiles(e, p, eid, ejson, ejson ? strlen(ejson) : 0, rid, rjson,
                                      rjson ? strlen(rjson) : 0, d, &res);
    names nm = { e, { NULL, NULL }, { NULL, NULL }, { NULL, NULL } };
    posted_names(&nm, CM_KIND_ENTERPRISES, ev);
    posted_names(&nm, CM_KIND_REGIONS, rv);
    if (s != CM_OK) {
        result_failed(r, s, cm_engine_errmsg(e), d);
    } else {
        body b;
        FILE *f = body_open(&b);
        if (f) {
            result_begin(f, "explain");
            meta(f, r->snap);
            fputs(",\"results\":[", f);
            explain_json_row(f, res, &nm);
            fputs("}]}\n", f);
        }
        body_give(&b, r->rs, 200);
        r->decided = res;
    }
    cm_snapshot_unlock(r->snap, p);
    cm_diags_free(d);
    free(ejson);
    free(rjson);
    json_decref(j);
}

/* POST /v1/whatif {"enterprise": ID, "region": ID, "target", "change", "max", "fixed",
 * "limit", "budget"}: capmatch whatif's JSON under "whatif". Loaded ids only;
 * the engine is changed during the call (exclusive use of the snapshot). */
static void do_whatif(request *r)
{
    json_t *j;
    if (parse_body(r, &j) < 0)
        return;
    cm_whatif_options wo;
    cm_whatif_options_init(&wo);
    wo.max_answers = 10;
    const char *eid = json_string_value(json_object_get(j, "enterprise"));
    const char *rid = json_string_value(json_object_get(j, "region"));
    json_t *t = json_object_get(j, "target"), *ch = json_object_get(j, "change");
    json_t *mx = json_object_get(j, "max"), *lim = json_object_get(j, "limit");
    json_t *bud = json_object_get(j, "budget"), *fx = json_object_get(j, "fixed");
    const char *ts = json_string_value(t), *cs = json_string_value(ch);
    const char **fixed = NULL;
    int nfixed = 0;
    char *end;
    const char *bad = NULL, *why = NULL;
    if (eid == NULL || rid == NULL) {
        bad = eid ? "region" : "enterprise";
        why = "give enterprise and region, each the id of a loaded profile";
    } else if (t && !(ts && (strcmp(ts, "rank") == 0 || strcmp(ts, "pass") == 0 ||
                             strncmp(ts, "rank=", 5) == 0 || strncmp(ts, "score=", 6) == 0))) {
        bad = "target";
        why = "target: expected \"rank\", \"rank=K\", \"pass\" or \"score=X\"";
    } else if (ch && !(cs && (strcmp(cs, "enterprise") == 0 || strcmp(cs, "region") == 0 ||
                              strcmp(cs, "both") == 0))) {
        bad = "change";
        why = "change: expected \"enterprise\", \"region\" or \"both\"";
    } else if (mx && !(json_is_integer(mx) && json_integer_value(mx) >= 1 &&
                       json_integer_value(mx) <= 4)) {
        bad = "max";
        why = "max: expected a whole number from 1 to 4";
    } else if (lim && !(json_is_integer(lim) && json_integer_value(lim) >= 0 &&
                        json_integer_value(lim) <= 1000)) {
        bad = "limit";
        why = "limit: expected a whole number from 0 to 1000";
    } else if (bud && !(json_is_integer(bud) && json_integer_value(bud) >= 1 &&
                        json_integer_value(bud) <= 20000)) {
        bad = "budget";
        why = "budget: expected a whole number from 1 to 20000";
    } else if (fx && !json_is_array(fx)) {
        bad = "fixed";
        why = "fixed: expected a list of \"side.field\" strings";
    }
    if (bad == NULL && ts) {
        if (strncmp(ts, "rank=", 5) == 0) {
            long k = strtol(ts + 5, &end, 10);
            if (ts[5] == '\0' || *end || k < 1 || k > 100000) {
                bad = "target";
                why = "target: rank=K needs K from 1 to 100000";
            }
            wo.rank = (size_t)k;
        } else if (strncmp(ts, "score=", 6) == 0) {
            double v = strtod(ts + 6, &end);
            if (ts[6] == '\0' || *end || !(v >= 0 && v <= 1)) {
                bad = "target";
                why = "target: score=X needs X in [0, 1]";
            }
            wo.target = CM_WHATIF_SCORE;
            wo.score = v;
        } else if (strcmp(ts, "pass") == 0) {
            wo.target = CM_WHATIF_PASS;
        }
    }
    for (size_t i = 0; bad == NULL && i < json_array_size(fx); i++) {
        const char *f = json_string_value(json_array_get(fx, i));
        if (f == NULL) {
            bad = "fixed";
            why = "fixed: expected a list of \"side.field\" strings";
        } else {
            arg_push(&fixed, &nfixed, f);
        }
    }
    if (bad) {
        fail(r->rs, 400, bad, NULL, "%s", why);
        free(fixed);
        json_decref(j);
        return;
    }
    if (cs)
        wo.sides = strcmp(cs, "enterprise") == 0 ? CM_WHATIF_ENTERPRISE
                   : strcmp(cs, "region") == 0   ? CM_WHATIF_REGION
                                                 : CM_WHATIF_ENTERPRISE | CM_WHATIF_REGION;
    if (mx)
        wo.max_changes = (unsigned)json_integer_value(mx);
    if (lim)
        wo.max_answers = (size_t)json_integer_value(lim);
    wo.budget = bud ? (size_t)json_integer_value(bud) : 2000;
    wo.fixed = fixed;
    cm_engine *e;
    cm_policy *p = cm_snapshot_lock(r->snap, 1, &e);
    cm_whatif *w = NULL;
    cm_status s = cm_whatif_run(e, p, eid, rid, &wo, &w);
    if (s != CM_OK)
        result_failed(r, s, cm_engine_errmsg(e), NULL);
    cm_snapshot_unlock(r->snap, p);
    if (s == CM_OK) {
        body b;
        FILE *f = body_open(&b);
        if (f) {
            fputs("{\"meta\":", f);
            meta(f, r->snap);
            fputs(",\"whatif\":", f);
            cm_whatif_write(w, 1, file_sink, f);
            fputs("}\n", f);
        }
        body_give(&b, r->rs, 200);
    }
    cm_whatif_free(w);
    free(fixed);
    json_decref(j);
}

/* ---- profiles ------------------------------------------------------------------------ */

static const char *const region_fields[] = {
    "id", "name", "country", "subdivision", "level", "location.lat", "location.lon",
    "languages", "sectors_offered", "sectors_sought", "resources", "needs", "offers",
    "programmes", "cooperation_areas", "funds", "connectivity.port", "connectivity.airport",
    "connectivity.rail", "connectivity.direct_flights", "capacity", NULL };
static const char *const enterprise_fields[] = {
    "id", "name", "country", "subdivision", "location.lat", "location.lon", "languages",
    "sector", "sectors", "employees", "revenue.amount", "revenue.currency", "assets.amount",
    "assets.currency", "capital.amount", "capital.currency", "subsidiary_of_large",
    "ownership", "listed", "offers", "seeks", "investment.min", "investment.max",
    "investment.currency", "instruments", "target_countries", "funds_interest",
    "description", NULL };

static void print_value(FILE *f, const cm_engine *e, cm_kind k, size_t i, const char *path,
                        const cm_value *v)
{
    char buf[40];
    switch (v->type) {
    case CM_VALUE_STRING: json_print_string(f, v->str); break;
    case CM_VALUE_NUMBER: fputs(num_shortest(buf, sizeof buf, v->num), f); break;
    case CM_VALUE_BOOL: fputs(v->boolean ? "true" : "false", f); break;
    case CM_VALUE_LIST:
        fputc('[', f);
        for (size_t n = 0; n < v->count; n++) {
            const char *item = NULL;
            cm_profile_item(e, k, i, path, n, &item);
            if (n)
                fputc(',', f);
            json_print_string(f, item ? item : "");
        }
        fputc(']', f);
        break;
    case CM_VALUE_NONE: fputs("null", f); break;
    }
}

/* A stored profile as JSON: its fields (groups as objects) and attrs. */
static void print_profile(FILE *f, const cm_engine *e, cm_kind k, size_t i)
{
    const char *const *fields = k == CM_KIND_REGIONS ? region_fields : enterprise_fields;
    char group[32] = "";      /* the group open ("location"), or "" */
    int first = 1, first_in_group = 1;
    fputc('{', f);
    for (size_t n = 0; fields[n]; n++) {
        cm_value v;
        if (cm_profile_get(e, k, i, fields[n], &v) != CM_OK || v.type == CM_VALUE_NONE ||
            (v.type == CM_VALUE_LIST && v.count == 0))
            continue;
        const char *dot = strchr(fields[n], '.');
        size_t glen = dot ? (size_t)(dot - fields[n]) : 0;
        if (group[0] && (!dot || glen != strlen(group) || strncmp(group, fields[n], glen) != 0)) {
            fputc('}', f);
            group[0] = '\0';
        }
        if (!dot || group[0] == '\0') {
            if (!first)
                fputc(',', f);
            first = 0;
        }
        if (dot && group[0] == '\0') {
            snprintf(group, sizeof group, "%.*s", (int)glen, fields[n]);
            json_print_string(f, group);
            fputs(":{", f);
            first_in_group = 1;
        }
        if (dot && !first_in_group)
            fputc(',', f);
        first_in_group = 0;
        json_print_string(f, dot ? dot + 1 : fields[n]);
        fputc(':', f);
        print_value(f, e, k, i, fields[n], &v);
    }
    if (group[0])
        fputc('}', f);
    size_t na = cm_profile_attr_count(e, k, i);
    if (na) {
        fprintf(f, "%s\"attrs\":{", first ? "" : ",");
        for (size_t a = 0; a < na; a++) {
            const char *name = cm_profile_attr_name(e, k, i, a);
            char path[300];
            snprintf(path, sizeof path, "attrs.%s", name);
            cm_value v;
            if (cm_profile_get(e, k, i, path, &v) != CM_OK)
                continue;
            fprintf(f, "%s", a ? "," : "");
            json_print_string(f, name);
            fputc(':', f);
            print_value(f, e, k, i, path, &v);
        }
        fputc('}', f);
    }
    fputs("}\n", f);
}

static void do_profiles(request *r, cm_kind kind, const char *id)
{
    const char *method = http_method(r->rq);
    const char *what = kind == CM_KIND_REGIONS ? "region" : "enterprise";
    if (strcmp(method, "GET") == 0) {
        cm_engine *e;
        cm_policy *p = cm_snapshot_lock(r->snap, 0, &e);
        size_t i = cm_engine_find(e, kind, id);
        if (i == (size_t)-1) {
            fail(r->rs, 404, NULL, NULL, "no %s with id \"%s\"", what, id);
        } else {
            body b;
            FILE *f = body_open(&b);
            if (f)
                print_profile(f, e, kind, i);
            body_give(&b, r->rs, 200);
        }
        cm_snapshot_unlock(r->snap, p);
        return;
    }
    change c = { kind, (char *)id, NULL, 0 };
    int put = strcmp(method, "PUT") == 0;
    if (put) {
        json_t *j;
        if (parse_body(r, &j) < 0)
            return;
        json_decref(j);
        c.json = (char *)http_body(r->rq, &c.len);
    }
    pthread_mutex_lock(&r->sv->write_lock);
    cm_snapshot *old = cm_current_get(r->sv->cur);
    cm_engine *e;
    cm_policy *p = cm_snapshot_lock(old, 0, &e);
    int existed = cm_engine_find(e, kind, id) != (size_t)-1;
    size_t len;
    const char *text = cm_policy_source(cm_snapshot_policy(old), &len);
    cm_snapshot_unlock(old, p);
    problems pr;
    problems_init(&pr);
    cm_snapshot *s = NULL;
    if (!put && !existed) {
        fail(r->rs, 404, NULL, NULL, "no %s with id \"%s\"", what, id);
    } else if ((s = build(r->sv, text, len, &c, &pr)) == NULL) {
        fail(r->rs, pr.status, NULL, pr.diags, "%s", problems_text(&pr));
    } else {
        /* kept, to be applied again on every rebuild */
        change *nc = realloc(r->sv->changes, (r->sv->nchanges + 1) * sizeof *nc);
        char *cid = strdup(id), *cjson = put ? malloc(c.len + 1) : NULL;
        if (nc == NULL || cid == NULL || (put && cjson == NULL)) {
            free(cid);
            free(cjson);
            if (nc)
                r->sv->changes = nc;
            cm_snapshot_release(s);
            fail(r->rs, 500, NULL, NULL, "out of memory");
        } else {
            if (cjson)
                memcpy(cjson, c.json, c.len + 1);
            r->sv->changes = nc;
            nc[r->sv->nchanges++] = (change){ kind, cid, cjson, c.len };
            cm_current_publish(r->sv->cur, s);
            body b;
            FILE *f = body_open(&b);
            if (f) {
                fprintf(f, "{\"kind\":\"%s\",\"id\":", cm_kind_name(kind));
                json_print_string(f, id);
                fprintf(f, ",\"%s\":true,\"snapshot\":%lu}\n",
                        put ? (existed ? "replaced" : "created") : "deleted", r->sv->serial);
            }
            body_give(&b, r->rs, put && !existed ? 201 : 200);
        }
    }
    problems_free(&pr);
    cm_snapshot_release(old);
    pthread_mutex_unlock(&r->sv->write_lock);
}

/* ---- the other endpoints ---------------------------------------------------------- */

static void do_reload(request *r)
{
    problems pr;
    problems_init(&pr);
    if (reload(r->sv, &pr) < 0) {
        fail(r->rs, pr.status, NULL, NULL, "reload failed; the snapshot before keeps serving: %s",
             problems_text(&pr));
    } else {
        cm_snapshot *s = cm_current_get(r->sv->cur);
        body b;
        FILE *f = body_open(&b);
        if (f) {
            fputs("{\"reloaded\":true,\"meta\":", f);
            meta(f, s);
            if (pr.feeds) {   /* what each feed's fetch did */
                fputs(",\"feeds\":", f);
                fwrite(pr.feeds, 1, pr.feeds_len, f);
            }
            fputs("}\n", f);
        }
        body_give(&b, r->rs, 200);
        cm_snapshot_release(s);
    }
    problems_free(&pr);
}

static void do_ready(request *r)
{
    if (r->snap == NULL) {
        fail(r->rs, 503, NULL, NULL, "not ready: no snapshot loaded yet");
        return;
    }
    body b;
    FILE *f = body_open(&b);
    cm_engine *e;
    cm_policy *p = cm_snapshot_lock(r->snap, 0, &e);
    if (f) {
        fprintf(f, "{\"status\":\"ready\",\"regions\":%zu,\"enterprises\":%zu,\"meta\":",
                cm_engine_count(e, CM_KIND_REGIONS), cm_engine_count(e, CM_KIND_ENTERPRISES));
        meta(f, r->snap);
        fputs("}\n", f);
    }
    cm_snapshot_unlock(r->snap, p);
    body_give(&b, r->rs, 200);
}

static void do_metrics(request *r)
{
    server *sv = r->sv;
    body b;
    FILE *f = body_open(&b);
    if (f == NULL) {
        body_give(&b, r->rs, 500);
        return;
    }
    pthread_mutex_lock(&sv->metrics_lock);
    fputs("# HELP capmatch_requests_total Requests answered, by endpoint and status.\n"
          "# TYPE capmatch_requests_total counter\n", f);
    for (int ep = 0; ep < EP_COUNT; ep++)
        for (size_t s = 0; s <= NSTATUS; s++)
            if (sv->requests[ep][s])
                fprintf(f, "capmatch_requests_total{endpoint=\"%s\",status=\"%s%d\"} %lu\n",
                        ep_names[ep], s < NSTATUS ? "" : "other",
                        s < NSTATUS ? statuses[s] : 0, sv->requests[ep][s]);
    fputs("# HELP capmatch_request_duration_seconds Time from a request's headers to its "
          "answer.\n# TYPE capmatch_request_duration_seconds histogram\n", f);
    unsigned long cum = 0;
    char nb[40];
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += sv->hist[i];
        fprintf(f, "capmatch_request_duration_seconds_bucket{le=\"%s\"} %lu\n",
                num_shortest(nb, sizeof nb, buckets[i]), cum);
    }
    cum += sv->hist[NBUCKETS];
    fprintf(f, "capmatch_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
    fprintf(f, "capmatch_request_duration_seconds_sum %.6f\n", sv->latency_sum);
    fprintf(f, "capmatch_request_duration_seconds_count %lu\n", sv->latency_count);
    fprintf(f, "# HELP capmatch_pairs_scored_total Pairs scored by match and explain.\n"
               "# TYPE capmatch_pairs_scored_total counter\ncapmatch_pairs_scored_total %llu\n",
            sv->pairs);
    fprintf(f, "# HELP capmatch_reloads_total Reloads (POST /v1/reload, SIGHUP).\n"
               "# TYPE capmatch_reloads_total counter\ncapmatch_reloads_total %lu\n"
               "# HELP capmatch_reloads_failed_total Reloads that kept the snapshot before.\n"
               "# TYPE capmatch_reloads_failed_total counter\n"
               "capmatch_reloads_failed_total %lu\n", sv->reloads, sv->reloads_failed);
    pthread_mutex_unlock(&sv->metrics_lock);
    if (r->snap) {
        cm_engine *e;
        cm_policy *p = cm_snapshot_lock(r->snap, 0, &e);
        fprintf(f, "# HELP capmatch_profiles Profiles of the snapshot serving, by kind.\n"
                   "# TYPE capmatch_profiles gauge\n"
                   "capmatch_profiles{kind=\"regions\"} %zu\n"
                   "capmatch_profiles{kind=\"enterprises\"} %zu\n",
                cm_engine_count(e, CM_KIND_REGIONS), cm_engine_count(e, CM_KIND_ENTERPRISES));
        cm_snapshot_unlock(r->snap, p);
        const cm_policy *pol = cm_snapshot_policy(r->snap);
        fputs("# HELP capmatch_policy_info The policy serving.\n"
              "# TYPE capmatch_policy_info gauge\ncapmatch_policy_info{name=", f);
        /* label values escape as JSON strings do (\\ \" \n) */
        json_print_string(f, cm_policy_name(pol));
        fprintf(f, ",sha256=\"%s\",snapshot=\"%lu\"} 1\n", cm_policy_sha256(pol),
                ((const snapinfo *)cm_snapshot_userdata(r->snap))->serial);
    }
    r->rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
    body_give(&b, r->rs, 200);
}

static void do_health(request *r)
{
    body b;
    FILE *f = body_open(&b);
    if (f)
        fputs("{\"status\":\"ok\"}\n", f);
    body_give(&b, r->rs, 200);
}

/* ---- routing, auth, logs ---------------------------------------------------------- */

/* Who may call: 0 anyone, 1 a read token, 2 a write token. */
static int check_auth(request *r, int need)
{
    if (!r->sv->auth || need == 0)
        return 0;
    const char *h = http_header(r->rq, "Authorization");
    const token *t = NULL;
    if (h && strncasecmp(h, "Bearer ", 7) == 0)
        for (size_t i = 0; i < r->sv->ntokens; i++)
            if (strcmp(h + 7, r->sv->tokens[i].token) == 0)
                t = &r->sv->tokens[i];
    if (t == NULL) {
        fail(r->rs, 401, NULL, NULL, h ? "the bearer token is not one of --token-file"
                                       : "a bearer token is needed (Authorization: Bearer TOKEN)");
        r->rs->auth_challenge = 1;
        return -1;
    }
    if (need == 2 && !t->write) {
        fail(r->rs, 403, NULL, NULL, "the token is read-only; this needs a write token");
        return -1;
    }
    return 0;
}

static int method_is(request *r, const char *allow)
{
    const char *m = http_method(r->rq);
    char list[64];
    snprintf(list, sizeof list, "%s", allow);
    for (char *save = NULL, *tok = strtok_r(list, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save))
        if (strcmp(tok, m) == 0)
            return 1;
    snprintf(r->rs->allow, sizeof r->rs->allow, "%s", allow);
    fail(r->rs, 405, NULL, NULL, "%s is not allowed on %s (allowed: %s)", m, http_path(r->rq),
         allow);
    return 0;
}

/* A text compiled into the command. */
static void answer_text(request *r, const char *text, const char *type)
{
    size_t n = strlen(text);
    r->rs->body = malloc(n ? n : 1);
    if (r->rs->body)
        memcpy(r->rs->body, text, n);
    r->rs->len = n;
    r->rs->status = r->rs->body ? 200 : 500;
    r->rs->content_type = type;
}

static void route(request *r)
{
    const char *path = http_path(r->rq);
    const char *m = http_method(r->rq);
    if (strcmp(path, "/health") == 0) {
        r->ep = EP_HEALTH;
        if (method_is(r, "GET"))
            do_health(r);
    } else if (strcmp(path, "/ready") == 0) {
        r->ep = EP_READY;
        if (method_is(r, "GET"))
            do_ready(r);
    } else if (strcmp(path, "/metrics") == 0) {
        r->ep = EP_METRICS;
        if (method_is(r, "GET") && check_auth(r, 1) == 0)
            do_metrics(r);
    } else if (strcmp(path, "/v1/openapi.json") == 0) {
        r->ep = EP_OPENAPI;
        if (method_is(r, "GET") && check_auth(r, 1) == 0)
            answer_text(r, openapi_json, "application/json");
    } else if (strcmp(path, "/") == 0) {
        r->ep = EP_PAGE;   /* the page asks for a token itself when one is needed */
        if (method_is(r, "GET"))
            answer_text(r, serve_page, "text/html; charset=utf-8");
    } else if (strcmp(path, "/v1/match") == 0) {
        r->ep = EP_MATCH;
        if (method_is(r, "GET, POST") && check_auth(r, 1) == 0)
            do_match(r);
    } else if (strcmp(path, "/v1/explain") == 0) {
        r->ep = EP_EXPLAIN;
        if (method_is(r, "POST") && check_auth(r, 1) == 0)
            do_explain(r);
    } else if (strcmp(path, "/v1/whatif") == 0) {
        r->ep = EP_WHATIF;
        if (method_is(r, "POST") && check_auth(r, 1) == 0)
            do_whatif(r);
    } else if (strcmp(path, "/v1/reload") == 0) {
        r->ep = EP_RELOAD;
        if (method_is(r, "POST") && check_auth(r, 2) == 0)
            do_reload(r);
    } else if (strncmp(path, "/v1/profiles/", 13) == 0) {
        r->ep = EP_PROFILES;
        const char *rest = path + 13, *slash = strchr(rest, '/');
        cm_kind kind = CM_KIND_AUTO;
        if (slash && (size_t)(slash - rest) == 7 && strncmp(rest, "regions", 7) == 0)
            kind = CM_KIND_REGIONS;
        else if (slash && (size_t)(slash - rest) == 11 && strncmp(rest, "enterprises", 11) == 0)
            kind = CM_KIND_ENTERPRISES;
        if (kind == CM_KIND_AUTO || slash[1] == '\0' || strchr(slash + 1, '/'))
            fail(r->rs, 404, NULL, NULL, "no such resource: %s (profiles are at "
                 "/v1/profiles/regions/ID and /v1/profiles/enterprises/ID)", path);
        else if (method_is(r, "GET, PUT, DELETE") &&
                 check_auth(r, strcmp(m, "GET") == 0 ? 1 : 2) == 0)
            do_profiles(r, kind, slash + 1);
    } else {
        r->ep = EP_OTHER;
        fail(r->rs, 404, NULL, NULL, "no such resource: %s", path);
    }
}

static void count(server *sv, enum endpoint ep, int status, double secs,
                  unsigned long long pairs)
{
    size_t s = 0;
    while (s < NSTATUS && statuses[s] != status)
        s++;
    size_t b = 0;
    while (b < NBUCKETS && secs > buckets[b])
        b++;
    pthread_mutex_lock(&sv->metrics_lock);
    sv->requests[ep][s]++;
    sv->hist[b]++;
    sv->latency_sum += secs;
    sv->latency_count++;
    sv->pairs += pairs;
    pthread_mutex_unlock(&sv->metrics_lock);
}

static void log_decision(request *r, unsigned long id)
{
    server *sv = r->sv;
    if (sv->decisions == NULL || r->decided == NULL)
        return;
    char when[32], nb[40];
    utc_now(when, sizeof when);
    const cm_policy *p = cm_snapshot_policy(r->snap);
    char *line = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    if (f == NULL)
        return;
    fprintf(f, "{\"decision_id\":%lu,\"time\":\"%s\",\"endpoint\":\"%s\",\"input_sha256\":\"%s\","
            "\"policy_sha256\":\"%s\",\"snapshot\":%lu,\"status\":%d,\"results\":[", id, when,
            ep_names[r->ep], r->input_hash, cm_policy_sha256(p),
            ((const snapinfo *)cm_snapshot_userdata(r->snap))->serial, r->rs->status);
    for (size_t i = 0; i < cm_result_count(r->decided) && i < 10; i++) {
        const cm_match_row *row = cm_result_row(r->decided, i);
        fprintf(f, "%s{\"enterprise\":", i ? "," : "");
        json_print_string(f, row->enterprise);
        fputs(",\"region\":", f);
        json_print_string(f, row->region);
        fprintf(f, ",\"score\":%s,\"rank\":%u%s}", num_shortest(nb, sizeof nb, row->score),
                row->rank, row->vetoed ? ",\"vetoed\":true" : "");
    }
    fputs("]}\n", f);
    if (fclose(f) == 0)
        logq_put(sv->dlog, line, len);
    free(line);
}

static void access_log(server *sv, const http_request *rq, int status, size_t bytes, double secs,
                       unsigned long id)
{
    char when[32];
    utc_now(when, sizeof when);
    logq_printf(sv->log, "%s %s \"%s %s\" %d %zu %.3fms id=%lu\n", when, http_remote(rq),
            http_method(rq), http_path(rq), status, bytes, secs * 1000, id);
}

static void handle(const http_request *rq, http_response *rs, void *ud)
{
    server *sv = ud;
    request r;
    memset(&r, 0, sizeof r);
    r.sv = sv;
    r.rq = rq;
    r.rs = rs;
    r.snap = cm_current_get(sv->cur);
    unsigned long id = atomic_fetch_add(&sv->next_id, 1) + 1;
    const char *path = http_path(rq);
    if (r.snap == NULL && strcmp(path, "/health") != 0 && strcmp(path, "/ready") != 0) {
        r.ep = EP_OTHER;
        fail(rs, 503, NULL, NULL, "not ready: no snapshot loaded yet");
    } else {
        route(&r);
    }
    size_t vetoed;
    unsigned long long pairs = r.decided ? cm_result_pairs(r.decided, &vetoed) : 0;
    log_decision(&r, id);
    double secs = http_elapsed(rq);
    count(sv, r.ep, rs->status, secs, pairs);
    access_log(sv, rq, rs->status, rs->len, secs, id);
    cm_result_free((cm_result *)r.decided);
    cm_snapshot_release(r.snap);
}

static void refused(const http_request *rq, int status, void *ud)
{
    server *sv = ud;
    double secs = http_elapsed(rq);
    const char *p = http_path(rq);
    enum endpoint ep = strcmp(p, "/v1/match") == 0     ? EP_MATCH
                       : strcmp(p, "/v1/explain") == 0 ? EP_EXPLAIN
                       : strcmp(p, "/v1/whatif") == 0 ? EP_WHATIF
                       : strncmp(p, "/v1/profiles/", 13) == 0 ? EP_PROFILES
                                                            : EP_OTHER;
    count(sv, ep, status, secs, 0);
    access_log(sv, rq, status, 0, secs, atomic_fetch_add(&sv->next_id, 1) + 1);
}

/* ---- setting up ----------------------------------------------------------------------- */

static void read_tokens(server *sv, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "capmatch serve: %s: %s\n", path, strerror(errno));
        exit(EXIT_INPUT);
    }
    char line[1024];
    unsigned long n = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
        if (tok == NULL || tok[0] == '#')
            continue;
        char *role = strtok_r(NULL, " \t\r\n", &save);
        if (role == NULL || (strcmp(role, "read") != 0 && strcmp(role, "write") != 0) ||
            strtok_r(NULL, " \t\r\n", &save)) {
            fprintf(stderr, "capmatch serve: %s:%lu: expected 'TOKEN read' or 'TOKEN write'\n",
                    path, n);
            exit(EXIT_INPUT);
        }
        token *nt = realloc(sv->tokens, (sv->ntokens + 1) * sizeof *nt);
        if (nt == NULL || (tok = strdup(tok)) == NULL) {
            fprintf(stderr, "capmatch serve: out of memory\n");
            exit(EXIT_INTERNAL);
        }
        sv->tokens = nt;
        nt[sv->ntokens++] = (token){ tok, strcmp(role, "write") == 0 };
    }
    fclose(f);
    if (sv->ntokens == 0) {
        fprintf(stderr, "capmatch serve: %s: no token in the file\n", path);
        exit(EXIT_INPUT);
    }
    sv->auth = 1;
}

/* A certificate or key file, whole (PEM text); exits 2 when it cannot be read. */
static char *read_pem(const char *opt, const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0, cap = 0;
    int bad = f == NULL;
    while (!bad) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *t = cap > (1u << 20) ? NULL : realloc(text, cap);
            if (t == NULL) {
                fprintf(stderr, "capmatch serve: %s %s: over 1 MB: not a PEM file\n", opt, path);
                exit(EXIT_INPUT);
            }
            text = t;
        }
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            bad = ferror(f) != 0;
        if (got == 0)
            break;
    }
    if (bad) {
        fprintf(stderr, "capmatch serve: %s %s: %s\n", opt, path, strerror(errno));
        exit(EXIT_INPUT);
    }
    fclose(f);
    text[len] = '\0';
    if (len == 0 || strlen(text) != len) {
        fprintf(stderr, "capmatch serve: %s %s: %s, not PEM text\n", opt, path,
                len ? "binary data" : "empty");
        exit(EXIT_INPUT);
    }
    return text;
}

static int is_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

static unsigned long number_arg(const char *opt, const char *v, unsigned long min,
                                unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (end == v || *end || errno || n < min || n > max || v[0] == '-')
        die_usage("serve", "%s: expected a whole number from %lu to %lu, not '%s'", opt, min, max,
                  v);
    return n;
}

static int run_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "regions", required_argument, NULL, 'g' },
        { "enterprises", required_argument, NULL, 'e' },
        { "policy", required_argument, NULL, 'p' },
        { "set", required_argument, NULL, 's' },
        { "rules-path", required_argument, NULL, 'P' },
        { "listen", required_argument, NULL, 'l' },
        { "token-file", required_argument, NULL, 't' },
        { "threads", required_argument, NULL, 'j' },
        { "copies", required_argument, NULL, 'k' },
        { "decision-log", required_argument, NULL, 'd' },
        { "max-body", required_argument, NULL, 'B' },
        { "max-header", required_argument, NULL, 'H' },
        { "max-requests", required_argument, NULL, 'Q' },
        { "request-timeout", required_argument, NULL, 'T' },
        { "drain-timeout", required_argument, NULL, 'D' },
        { "tls-cert", required_argument, NULL, 'C' },
        { "feeds", required_argument, NULL, 'f' },
        { "cache", required_argument, NULL, 'c' },
        { "tls-key", required_argument, NULL, 'K' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    static server sv;
    memset(&sv, 0, sizeof sv);
    sv.threads = 2;
    sv.request_timeout = 30;
    const char *listen = "127.0.0.1:8080", *token_file = NULL, *decision_log = NULL;
    const char *tls_cert = NULL, *tls_key = NULL;
    http_options ho;
    memset(&ho, 0, sizeof ho);
    ho.max_body = 1 << 20;
    ho.max_header = 32768;
    ho.max_requests = 64;
    unsigned long drain = 30;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'g': arg_push(&sv.regions, &sv.nregions, optarg); break;
        case 'e': arg_push(&sv.enterprises, &sv.nenterprises, optarg); break;
        case 'p': sv.policy = optarg; break;
        case 's': arg_push(&sv.set, &sv.nset, optarg); break;
        case 'P': sv.rules_path = optarg; break;
        case 'l': listen = optarg; break;
        case 't': token_file = optarg; break;
        case 'd': decision_log = optarg; break;
        case 'j': sv.threads = (int)number_arg("--threads", optarg, 1, 256); break;
        case 'k': sv.copies = (int)number_arg("--copies", optarg, 1, 256); break;
        case 'B': ho.max_body = number_arg("--max-body", optarg, 1, 1UL << 30); break;
        case 'H': ho.max_header = number_arg("--max-header", optarg, 1024, 1UL << 24); break;
        case 'Q': ho.max_requests = (unsigned)number_arg("--max-requests", optarg, 1, 10000); break;
        case 'T': sv.request_timeout = (double)number_arg("--request-timeout", optarg, 1, 86400);
                  break;
        case 'D': drain = number_arg("--drain-timeout", optarg, 0, 86400); break;
        case 'C': tls_cert = optarg; break;
        case 'f': sv.feeds_file = optarg; break;
        case 'c': sv.cache_dir = optarg; break;
        case 'K': tls_key = optarg; break;
        case 'h': fputs(serve_usage, stdout); return EXIT_OK;
        default: die_usage("serve", "see capmatch serve --help");
        }
    }
    if (optind < argc)
        die_usage("serve", "unexpected argument '%s'", argv[optind]);
    if ((sv.nregions == 0 && sv.feeds_file == NULL) || sv.policy == NULL)
        die_usage("serve", "give --regions FILE (or --feeds CONFIG) and --policy FILE");
    if (sv.copies == 0)
        sv.copies = sv.threads;
    if (sv.copies > sv.threads)
        die_usage("serve", "--copies %d: at most --threads (%d): a copy serves one match at a time",
                  sv.copies, sv.threads);
    if (sv.cache_dir && sv.feeds_file == NULL)
        die_usage("serve", "--cache goes with --feeds CONFIG");
    if ((tls_cert == NULL) != (tls_key == NULL))
        die_usage("serve", "HTTPS needs both --tls-cert FILE and --tls-key FILE");
    /* ADDR:PORT, or [V6]:PORT */
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || colon == listen)
        die_usage("serve", "--listen: expected ADDR:PORT, not '%s'", listen);
    const char *h = listen;
    size_t hl = (size_t)(colon - listen);
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    snprintf(host, sizeof host, "%.*s", (int)hl, h);
    ho.port = (unsigned)number_arg("--listen port", colon + 1, 0, 65535);
    ho.host = host;
    ho.timeout = (unsigned)sv.request_timeout;
    char *cert_pem = tls_cert ? read_pem("--tls-cert", tls_cert) : NULL;
    char *key_pem = tls_key ? read_pem("--tls-key", tls_key) : NULL;
    ho.tls_cert = cert_pem;
    ho.tls_key = key_pem;
    char err[512];
    if (cert_pem && http_tls_check(&ho, err, sizeof err) < 0) {   /* before loading anything */
        fprintf(stderr, "capmatch serve: --tls-cert %s, --tls-key %s: %s\n", tls_cert, tls_key,
                err + 5);
        free(cert_pem);
        free(key_pem);
        return EXIT_INPUT;
    }
    if (token_file)
        read_tokens(&sv, token_file);
    else if (!is_loopback(host)) {
        fprintf(stderr, "capmatch serve: refusing to listen on %s without --token-file: without "
                "tokens anyone who can reach it could change profiles\n", host);
        free(cert_pem);
        free(key_pem);
        return EXIT_INPUT;
    }
    if (decision_log) {
        sv.decisions = fopen(decision_log, "a");
        if (sv.decisions == NULL) {
            fprintf(stderr, "capmatch serve: --decision-log %s: %s\n", decision_log,
                    strerror(errno));
            free(cert_pem);
            free(key_pem);
            return EXIT_INPUT;
        }
    }
#ifdef __GLIBC__
    /* every match allocates and frees arrays of the size of a side (10k
     * regions: over glibc's mmap threshold); mapped and unmapped each time,
     * they cost a TLB shootdown on every core: keep them in the heap */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
    pthread_mutex_init(&sv.write_lock, NULL);
    pthread_mutex_init(&sv.metrics_lock, NULL);
    sv.cur = cm_current_new();
    if (sv.cur == NULL) {
        fprintf(stderr, "capmatch serve: out of memory\n");
        free(cert_pem);
        free(key_pem);
        return EXIT_INTERNAL;
    }
    /* the signals go to this thread alone (sigwait): block them before any
     * other thread starts */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    sv.log = logq_start(stderr);
    sv.dlog = sv.decisions ? logq_start(sv.decisions) : NULL;
    if (sv.log == NULL || (sv.decisions && sv.dlog == NULL) || builder_start(&sv) < 0) {
        fprintf(stderr, "capmatch serve: cannot start a thread\n");
        free(cert_pem);
        free(key_pem);
        return EXIT_INTERNAL;
    }
    problems pr;
    problems_init(&pr);
    if (reload(&sv, &pr) < 0) {
        problems_free(&pr);
        builder_stop(&sv);
        logq_stop(sv.log);
        logq_stop(sv.dlog);
        fprintf(stderr, "capmatch serve: nothing to serve\n");
        free(cert_pem);
        free(key_pem);
        return EXIT_INPUT;
    }
    problems_free(&pr);
    sv.reloads = 0;   /* the first load is not a reload */
    static const char *const health_paths[] = { "/health", "/ready", NULL };
    ho.exempt = health_paths;
    ho.handler = handle;
    ho.refused = refused;
    ho.ud = &sv;
    http_server *hs = http_start(&ho, err, sizeof err);
    if (hs == NULL) {
        builder_stop(&sv);
        logq_stop(sv.log);
        logq_stop(sv.dlog);
        if (strncmp(err, "TLS: ", 5) == 0)
            fprintf(stderr, "capmatch serve: --tls-cert %s, --tls-key %s: %s\n", tls_cert,
                    tls_key, err + 5);
        else
            fprintf(stderr, "capmatch serve: %s\n", err);
        cm_current_free(sv.cur);
        free(cert_pem);
        free(key_pem);
        return EXIT_INPUT;
    }
    say(&sv, "capmatch serve: listening on %s://%s%s%s:%u/\n", cert_pem ? "https" : "http",
            strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", http_port(hs));
    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            problems_init(&pr);
            reload(&sv, &pr);
            problems_free(&pr);
            continue;
        }
        break;
    }
    /* drain: no new connections; the requests under way finish */
    say(&sv, "capmatch serve: stopping; %u request%s under way\n", http_in_flight(hs),
            http_in_flight(hs) == 1 ? "" : "s");
    http_quiesce(hs);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (http_in_flight(hs) > 0) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((unsigned long)(t.tv_sec - t0.tv_sec) >= drain) {
            say(&sv, "capmatch serve: %u request%s cut short after --drain-timeout\n",
                    http_in_flight(hs), http_in_flight(hs) == 1 ? "" : "s");
            break;
        }
        nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
    http_stop(hs);
    builder_stop(&sv);
    cm_current_free(sv.cur);
    for (size_t i = 0; i < sv.nchanges; i++) {
        free(sv.changes[i].id);
        free(sv.changes[i].json);
    }
    free(sv.changes);
    for (size_t i = 0; i < sv.ntokens; i++)
        free(sv.tokens[i].token);
    free(sv.tokens);
    logq_stop(sv.dlog);
    if (sv.decisions)
        fclose(sv.decisions);
    free(cert_pem);
    free(key_pem);
    free(sv.regions);
    free(sv.enterprises);
    free(sv.set);
    say(&sv, "capmatch serve: stopped\n");
    logq_stop(sv.log);
    return EXIT_OK;
}

const command cmd_serve = { "serve", run_serve, "serve matching over HTTP (JSON, metrics)",
                            serve_usage };
