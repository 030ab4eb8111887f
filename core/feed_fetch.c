/*
 * feed_fetch.c - cm_feeds_fetch: every selected feed fetched at once over
 * curl's multi interface. Owns the requests (conditional headers, secrets
 * expanded from the environment at the last moment, protocol and redirect
 * limits, timeouts, the size limit while the body streams in), the verdict
 * on each response, retries with exponential backoff and jitter (honouring
 * Retry-After), pagination, the progress callback, and the decision what
 * to do with a complete body: validate it, then apply it, hold it back or
 * keep the last good snapshot. Bodies are feed_body.c's, files feed_cache.c's.
 */
#include "feed.h"
#include "alloc.h"
#include "err.h"
#include "file.h"
#include "luajson.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum xstate { X_IDLE, X_WAIT, X_RUN, X_DONE };

typedef struct xfer {
    size_t idx;
    feed_def *d;
    enum xstate state;
    double wake;              /* monotonic time of the next request */
    CURL *h;
    struct curl_slist *hdrs;
    char *url;                /* page being fetched */
    int tries, requests;
    int conditional;          /* this request carries If-None-Match / If-Modified-Since */
    feed_page *pages;
    size_t npages, pages_cap;
    char **seen;              /* page URLs, for loops */
    size_t nseen;
    /* the response being received */
    textbuf body;
    int too_big;
    long status;
    char reason[96];
    char *etag, *last_modified, *content_type, *location;
    textbuf link;
    char errbuf[CURL_ERROR_SIZE];
    /* page 1's validators, kept with the snapshot */
    char *first_etag, *first_lm;
    size_t bytes;             /* body bytes kept */
    feed_meta meta;
    int have_meta;
} xfer;

typedef struct fetch {
    cm_feeds *f;
    const cm_fetch_options *o;
    CURLM *multi;
    xfer *x;
    size_t nx;
    size_t done, total;
    size_t bytes;             /* received, all feeds */
    uint64_t rng;
    double start, last_progress, rate_t;
    size_t rate_bytes;
    double rate;
} fetch;

/* ---- curl's allocator is ours ---------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void init_curl(void)
{
    curl_init_rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, cm_malloc, cm_free, cm_realloc,
                                        cm_strdup, cm_calloc);
}

/* ---- small helpers ------------------------------------------------------------------ */

static double jitter(fetch *F)
{
    /* xorshift64*: a uniform number in [0, 1) */
    F->rng ^= F->rng >> 12;
    F->rng ^= F->rng << 25;
    F->rng ^= F->rng >> 27;
    return (double)((F->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void set_str(char **dst, const char *s, size_t n)
{
    cm_free(*dst);
    *dst = cm_strndup(s, n);
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n' || (*s)[*n - 1] == ' ' ||
                  (*s)[*n - 1] == '\t'))
        (*n)--;
}

static void when_text(long long t, char *buf, size_t n)
{
    if (t <= 0) {
        snprintf(buf, n, "never");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm);
}

/* "; kept the last good snapshot (N records, fetched DATE)" or "; no snapshot yet". */
static void kept_text(const feed_meta *m, char *buf, size_t n)
{
    if (m->nsnaps == 0) {
        snprintf(buf, n, "; there is no snapshot of this feed yet");
        return;
    }
    char when[64];
    when_text(m->snaps[0].fetched, when, sizeof when);
    snprintf(buf, n, "; kept the last good snapshot (%zu records, fetched %s)",
             m->snaps[0].records, when);
}

static void reset_response(xfer *x)
{
    x->body.len = 0;
    x->body.nomem = 0;
    if (x->body.s)
        x->body.s[0] = '\0';
    x->too_big = 0;
    x->status = 0;
    x->reason[0] = '\0';
    cm_free(x->etag);
    cm_free(x->last_modified);
    cm_free(x->content_type);
    cm_free(x->location);
    x->etag = x->last_modified = x->content_type = x->location = NULL;
    x->link.len = 0;
    if (x->link.s)
        x->link.s[0] = '\0';
}

/* ---- curl callbacks --------------------------------------------------------------------- */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if ((double)(x->body.len + n) > x->d->max_bytes) {
        x->too_big = 1;
        return 0;                      /* aborts the transfer */
    }
    cmi_buf_put(&x->body, ptr, n);
    if (x->body.nomem)
        return 0;
    fetch *F = NULL;
    curl_easy_getinfo(x->h, CURLINFO_PRIVATE, (char **)&F);
    if (F)
        F->bytes += n;
    return n;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    xfer *x = ud;
    size_t n = size * nitems;
    if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        /* a new response (after a redirect or a 100 Continue) */
        reset_response(x);
        const char *sp = memchr(buf, ' ', n);
        if (sp) {
            x->status = strtol(sp + 1, NULL, 10);
            const char *r = memchr(sp + 1, ' ', n - (size_t)(sp + 1 - buf));
            if (r) {
                const char *s = r + 1;
                size_t rn = n - (size_t)(s - buf);
                trim(&s, &rn);
                snprintf(x->reason, sizeof x->reason, "%.*s", (int)rn, s);
            }
        }
        return n;
    }
    const char *colon = memchr(buf, ':', n);
    if (colon == NULL)
        return n;
    size_t kn = (size_t)(colon - buf);
    const char *v = colon + 1;
    size_t vn = n - kn - 1;
    trim(&v, &vn);
#define IS(name) (kn == sizeof name - 1 && strncasecmp(buf, name, kn) == 0)
    if (IS("ETag"))
        set_str(&x->etag, v, vn);
    else if (IS("Last-Modified"))
        set_str(&x->last_modified, v, vn);
    else if (IS("Content-Type"))
        set_str(&x->content_type, v, vn);
    else if (IS("Location"))
        set_str(&x->location, v, vn);
    else if (IS("Link")) {
        if (x->link.len)
            cmi_buf_puts(&x->link, ", ");
        cmi_buf_put(&x->link, v, vn);
    } else if (IS("Content-Length") && x->status >= 200 && x->status < 300) {
        double cl = strtod(v, NULL);
        if (cl > x->d->max_bytes) {
            x->too_big = 1;
            return 0;                  /* no need to wait for it */
        }
    }
#undef IS
    return n;
}

/* ---- requests ----------------------------------------------------------------------------- */

/* A header line with ${VAR} expanded from the environment. NULL with a
 * message naming the variable (never the value) when one is not set. */
static char *expand_header(const char *h, char *err, size_t errlen)
{
    textbuf b = { 0 };
    const char *p = h;
    while (*p) {
        if (p[0] == '$' && p[1] == '{') {
            const char *e = strchr(p + 2, '}');
            if (e == NULL) {
                snprintf(err, errlen, "header '%.*s': '${' without '}'", (int)strcspn(h, ":"), h);
                cm_free(b.s);
                return NULL;
            }
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(e - p - 2), p + 2);
            const char *val = getenv(name);
            if (val == NULL) {
                snprintf(err, errlen, "header '%.*s' needs the environment variable %s, which "
                         "is not set", (int)strcspn(h, ":"), h, name);
                cm_free(b.s);
                return NULL;
            }
            if (strpbrk(val, "\r\n")) {
                snprintf(err, errlen, "header '%.*s': the environment variable %s holds a line "
                         "break", (int)strcspn(h, ":"), h, name);
                cm_free(b.s);
                return NULL;
            }
            cmi_buf_puts(&b, val);
            p = e + 1;
        } else {
            cmi_buf_put(&b, p, 1);
            p++;
        }
    }
    if (b.nomem || b.s == NULL) {
        snprintf(err, errlen, "out of memory");
        cm_free(b.s);
        return NULL;
    }
    return b.s;
}

static int has_prefix_ci(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

static int start_request(fetch *F, xfer *x, char *err, size_t errlen)
{
    const feed_def *d = x->d;
    reset_response(x);
    x->errbuf[0] = '\0';
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    x->h = curl_easy_init();
    if (x->h == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int is_file = has_prefix_ci(x->url, "file:");
    int has_accept = 0;
    for (size_t i = 0; i < d->nheaders; i++) {
        char *line = expand_header(d->headers[i], err, errlen);
        if (line == NULL)
            return -1;
        has_accept |= has_prefix_ci(line, "accept:");
        struct curl_slist *nl = curl_slist_append(x->hdrs, line);
        cm_free(line);
        if (nl == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        x->hdrs = nl;
    }
    char line[1200];
    const char *extra[3] = { NULL, NULL, NULL };
    int ne = 0;
    if (!has_accept)
        extra[ne++] = "Accept: application/json, application/x-ndjson, text/csv;q=0.9, */*;q=0.5";
    x->conditional = 0;
    const feed_snap *cur = x->have_meta && x->meta.nsnaps ? &x->meta.snaps[0] : NULL;
    /* validators only for page 1 of the same URL as the snapshot in use */
    char def[65];
    cmi_feed_fingerprint(d, def);
    if (x->npages == 0 && cur && cur->url && strcmp(cur->url, d->shown_url) == 0 && !is_file &&
        cur->definition && strcmp(cur->definition, def) == 0) {
        if (cur->etag) {
            snprintf(line, sizeof line, "If-None-Match: %s", cur->etag);
            struct curl_slist *nl = curl_slist_append(x->hdrs, line);
            if (nl)
                x->hdrs = nl;
            x->conditional = 1;
        }
        if (cur->last_modified) {
            snprintf(line, sizeof line, "If-Modified-Since: %s", cur->last_modified);
            struct curl_slist *nl = curl_slist_append(x->hdrs, line);
            if (nl)
                x->hdrs = nl;
            x->conditional = 1;
        }
    }
    for (int i = 0; i < ne; i++) {
        struct curl_slist *nl = curl_slist_append(x->hdrs, extra[i]);
        if (nl)
            x->hdrs = nl;
    }
    CURL *h = x->h;
    curl_easy_setopt(h, CURLOPT_URL, x->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, is_file ? "file" : "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, d->max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, d->max_redirects);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)ceil(d->connect_timeout * 1000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)ceil(d->timeout * 1000));
    if (d->low_speed_time > 0 && d->low_speed_limit > 0) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, d->low_speed_limit);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                         d->low_speed_time < 1 ? 1L : (long)lround(d->low_speed_time));
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "capmatch/" CAPMATCH_VERSION " (feeds)");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)F);
    if (d->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, d->ca_file);
    if (curl_multi_add_handle(F->multi, h) != CURLM_OK) {
        snprintf(err, errlen, "cannot start the transfer");
        return -1;
    }
    x->state = X_RUN;
    x->requests++;
    x->tries++;
    return 0;
}

static void end_request(fetch *F, xfer *x)
{
    if (x->h) {
        curl_multi_remove_handle(F->multi, x->h);
        curl_easy_cleanup(x->h);
        x->h = NULL;
    }
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
}

/* ---- outcomes ------------------------------------------------------------------------------ */

static void xfer_free(xfer *x)
{
    for (size_t i = 0; i < x->npages; i++) {
        cm_free(x->pages[i].data);
        cm_free(x->pages[i].content_type);
        cm_free(x->pages[i].url);
    }
    cm_free(x->pages);
    for (size_t i = 0; i < x->nseen; i++)
        cm_free(x->seen[i]);
    cm_free(x->seen);
    cm_free(x->url);
    cm_free(x->body.s);
    cm_free(x->link.s);
    cm_free(x->etag);
    cm_free(x->last_modified);
    cm_free(x->content_type);
    cm_free(x->location);
    cm_free(x->first_etag);
    cm_free(x->first_lm);
    cmi_feed_meta_free(&x->meta);
}

static int ensure_feed_dir(fetch *F, xfer *x)
{
    char *dir = cmi_cache_path(F->f, x->d->name, NULL);
    int rc = dir ? mkdir(dir, 0700) : -1;
    if (rc < 0 && dir && errno == EEXIST)
        rc = 0;
    cm_free(dir);
    return rc;
}

static void meta_identity(xfer *x)
{
    feed_meta *m = &x->meta;
    if (m->name == NULL || strcmp(m->name, x->d->name) != 0) {
        cm_free(m->name);
        m->name = cm_strdup(x->d->name);
    }
    if (m->url == NULL || strcmp(m->url, x->d->shown_url) != 0) {
        cm_free(m->url);
        m->url = cm_strdup(x->d->shown_url);
    }
    m->kind = x->d->kind;
    m->format = x->d->format;
}

/* Finish a feed with an outcome; failures are remembered in its metadata. */
static void finish(fetch *F, xfer *x, cm_fetch_outcome out, const char *msg)
{
    cm_feeds *f = F->f;
    cm_fetch_report *r = &f->states[x->idx].rep;
    end_request(F, x);
    x->state = X_DONE;
    F->done++;
    r->outcome = out;
    r->tries = x->tries;
    r->requests = x->requests;
    r->pages = x->npages;
    r->bytes = x->bytes;
    r->http_status = x->status;
    if (out == CM_FETCH_FAILED || out == CM_FETCH_HELD_BACK) {
        char kept[200];
        kept_text(&x->meta, kept, sizeof kept);
        cmi_feeds_report_msg(f, x->idx, "%s%s", msg, kept);
        if (x->have_meta && ensure_feed_dir(F, x) == 0) {
            meta_identity(x);
            cm_free(x->meta.last_error);
            x->meta.last_error = cm_strdup(msg);
            x->meta.last_error_time = x->meta.last_attempt;
            char save[ERR_MAX];
            snprintf(save, sizeof save, "%s", cmi_err_get());
            if (cmi_cache_write_meta(f, x->d->name, &x->meta) != CM_OK)
                cmi_feeds_report_msg(f, x->idx, "%s%s (and the failure could not be recorded: %s)",
                                 msg, kept, cmi_err_get());
            cmi_err_set(CM_OK, "%s", save);
        }
    } else {
        cmi_feeds_report_msg(f, x->idx, "%s", msg);
    }
    if (x->meta.nsnaps) {
        r->records = x->meta.snaps[0].records;
        char *p = cmi_cache_path(f, x->d->name, x->meta.snaps[0].file);
        cmi_feeds_report_snapshot(f, x->idx, p);
        cm_free(p);
    }
}

static void fail(fetch *F, xfer *x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(fetch *F, xfer *x, const char *fmt, ...)
{
    char what[1500], msg[2200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "feed '%s' (%s): %s", x->d->name, x->d->shown_url, what);
    finish(F, x, CM_FETCH_FAILED, msg);
}

static size_t count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return 0;
    size_t n = 0;
    int c, last = '\n';
    while ((c = getc(fp)) != EOF) {
        if (c == '\n')
            n++;
        last = c;
    }
    if (last != '\n')
        n++;
    fclose(fp);
    return n;
}

/* Every page is in: build the text, validate it, and apply it, hold it
 * back, or keep what was there. */
/* The snapshot in use stays and is up to date as of this attempt: its
 * metadata says so on disk. -1 (the feed failed) when it cannot be written. */
static int meta_up_to_date(fetch *F, xfer *x)
{
    meta_identity(x);
    x->meta.last_success = x->meta.last_attempt;
    cm_free(x->meta.last_error);
    x->meta.last_error = NULL;
    if (cmi_cache_write_meta(F->f, x->d->name, &x->meta) != CM_OK) {
        fail(F, x, "%s", cmi_err_get());
        return -1;
    }
    return 0;
}

/* A valid body with far fewer records than the snapshot in use: kept aside
 * as held-back.EXT, not applied. */
static void hold_back(fetch *F, xfer *x, cm_format fmt, const char *text, size_t len,
                      size_t records, size_t prev, const char *rejects_tmp)
{
    cm_feeds *f = F->f;
    const feed_def *d = x->d;
    char held[64];
    snprintf(held, sizeof held, "held-back.%s", cmi_cache_format_ext(fmt));
    char *hp = ensure_feed_dir(F, x) == 0 ? cmi_cache_path(f, d->name, held) : NULL;
    int saved = hp && cmi_file_write(hp, text, len) == 0;
    char msg[2000];
    snprintf(msg, sizeof msg, "feed '%s' (%s): held back: the new body has %zu record%s "
             "against %zu in the snapshot in use (fewer than %g%% of them); %s%s; apply it "
             "with capmatch fetch --accept-shrink", d->name, d->shown_url, records,
             records == 1 ? "" : "s", prev, d->shrink * 100, saved ? "it is kept as " : "",
             saved ? hp : "it could not be kept aside");
    cm_free(hp);
    if (rejects_tmp)
        unlink(rejects_tmp);
    finish(F, x, CM_FETCH_HELD_BACK, msg);
}

/* The same content as the snapshot in use: keep it, refresh its validators. */
static void same_content(fetch *F, xfer *x, size_t records, const char *what,
                         const char *rejects_tmp)
{
    const feed_def *d = x->d;
    feed_snap *cur = &x->meta.snaps[0];
    char def[65];
    cmi_feed_fingerprint(d, def);
    cm_free(cur->definition);
    cur->definition = cm_strdup(def);
    if (x->first_etag) {
        cm_free(cur->etag);
        cur->etag = cm_strdup(x->first_etag);
    }
    if (x->first_lm) {
        cm_free(cur->last_modified);
        cur->last_modified = cm_strdup(x->first_lm);
    }
    if (rejects_tmp)
        unlink(rejects_tmp);
    if (meta_up_to_date(F, x) < 0)
        return;
    char msg[1200];
    snprintf(msg, sizeof msg, "feed '%s': unchanged: the same content as the snapshot in "
             "use (%zu records; %s)", d->name, records, what);
    finish(F, x, CM_FETCH_UNCHANGED, msg);
}

/* A new snapshot: written, synced and made the one in use (cmi_cache_apply). */
static void apply_body(fetch *F, xfer *x, const char *text, size_t len, cm_format fmt,
                       const char *sha, size_t records, size_t rejected, size_t prev,
                       const char *what, const char *rejects_tmp)
{
    cm_feeds *f = F->f;
    const feed_def *d = x->d;
    cm_status st;
    feed_snap info;
    memset(&info, 0, sizeof info);
    info.fetched = x->meta.last_attempt;
    info.bytes = len;
    info.records = records;
    info.rejected = rejected;
    info.pages = x->npages;
    memcpy(info.sha256, sha, sizeof info.sha256);
    info.etag = x->npages == 1 || d->pages_link || d->pages_next ? x->first_etag : NULL;
    info.last_modified = x->first_lm;
    char def[65];
    cmi_feed_fingerprint(d, def);
    info.definition = def;
    if (ensure_feed_dir(F, x) < 0) {
        fail(F, x, "cannot create the feed's directory in %s: %s", f->cache_dir, strerror(errno));
        return;
    }
    meta_identity(x);
    st = cmi_cache_apply(f, x->idx, &x->meta, text, len, fmt, &info, rejects_tmp);
    if (st != CM_OK) {
        if (rejects_tmp)
            unlink(rejects_tmp);
        fail(F, x, "%s", cmi_err_get());
        return;
    }
    char msg[1400];
    if (prev || x->meta.nsnaps > 1)
        snprintf(msg, sizeof msg, "feed '%s': updated: %zu records (%zu before)%s; %s", d->name,
                 records, prev, rejected ? "" : "", what);
    else
        snprintf(msg, sizeof msg, "feed '%s': updated: %zu records (first snapshot); %s",
                 d->name, records, what);
    if (rejected) {
        size_t l = strlen(msg);
        snprintf(msg + l, sizeof msg - l, "; %zu invalid record%s left out, kept with the "
                 "reasons in %s/%s/rejects.jsonl", rejected, rejected == 1 ? "" : "s",
                 f->cache_dir, d->name);
    }
    finish(F, x, CM_FETCH_UPDATED, msg);
}

static void complete(fetch *F, xfer *x)
{
    cm_feeds *f = F->f;
    const feed_def *d = x->d;
    cm_fetch_report *r = &f->states[x->idx].rep;
    char err[1500];
    char *text = NULL;
    size_t len = 0;
    cm_format fmt;
    int owned = 0;
    if (cmi_body_build(f, d, x->pages, x->npages, &text, &len, &fmt, &owned, err, sizeof err) < 0) {
        fail(F, x, "%s", err);
        return;
    }
    /* validate in an engine of its own */
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    cm_diags *diags = cm_diags_new();
    char *rejects_tmp = d->skip_invalid ? cmi_cache_path(f, d->name, "rejects.pending.jsonl") : NULL;
    if (e == NULL || diags == NULL || (d->skip_invalid && rejects_tmp == NULL) ||
        (d->skip_invalid && ensure_feed_dir(F, x) < 0)) {
        fail(F, x, "cannot check the body: %s", e == NULL ? cm_last_error() : "out of memory");
        goto out;
    }
    cm_load_options lo;
    cm_load_options_init(&lo);
    lo.kind = d->kind;
    lo.format = fmt;
    lo.max_errors = 20;
    lo.skip_invalid = d->skip_invalid;
    lo.rejects_path = rejects_tmp;
    char name[2200];
    if (owned)
        snprintf(name, sizeof name, "feed:%s", d->name);
    else
        snprintf(name, sizeof name, "%s", x->pages[0].url ? x->pages[0].url : d->shown_url);
    st = cm_engine_load_buffer(e, name, text, len, &lo, diags);
    if (st != CM_OK) {
        textbuf det = { 0 };
        for (size_t k = 0; k < cm_diags_count(diags); k++)
            cmi_buf_printf(&det, "%s%s", k ? "\n" : "", cm_diags_at(diags, k)->message);
        if (cm_diags_dropped(diags))
            cmi_buf_printf(&det, "\n(%zu more problems)", cm_diags_dropped(diags));
        cmi_feeds_report_details(f, x->idx, det.s);
        cm_free(det.s);
        size_t n = cm_diags_count(diags) + cm_diags_dropped(diags);
        const char *first = cm_diags_count(diags) ? cm_diags_at(diags, 0)->message
                                                  : cm_engine_errmsg(e);
        if (st == CM_ENOMEM)
            fail(F, x, "out of memory while checking the body");
        else
            fail(F, x, "the body (%s %s, %zu bytes%s) is not valid: %zu problem%s; the first: "
                 "%s", cm_format_name(fmt), cm_kind_name(d->kind), len,
                 x->npages > 1 ? ", all pages" : "", n, n == 1 ? "" : "s", first);
        if (rejects_tmp)
            unlink(rejects_tmp);
        goto out;
    }
    size_t records = cm_engine_count(e, d->kind);
    size_t rejected = rejects_tmp ? count_lines(rejects_tmp) : 0;
    r->fetched_records = records;
    r->rejected = rejected;
    size_t prev = x->meta.nsnaps ? x->meta.snaps[0].records : 0;
    char sha[65];
    cmi_file_sha256_hex(text, len, sha);
    char what[600];
    snprintf(what, sizeof what, "%zu page%s, %zu bytes, %d request%s", x->npages,
             x->npages == 1 ? "" : "s", x->bytes, x->requests, x->requests == 1 ? "" : "s");
    if (prev > 0 && d->shrink > 0 && (double)records < d->shrink * (double)prev &&
        !F->o->accept_shrink) {
        hold_back(F, x, fmt, text, len, records, prev, rejects_tmp);
        goto out;
    }
    if (x->meta.nsnaps && strcmp(sha, x->meta.snaps[0].sha256) == 0) {
        same_content(F, x, records, what, rejects_tmp);
        goto out;
    }
    apply_body(F, x, text, len, fmt, sha, records, rejected, prev, what, rejects_tmp);
out:
    cm_free(rejects_tmp);
    cm_diags_free(diags);
    cm_engine_free(e);
    if (owned)
        cm_free(text);
}

/* Is a curl error worth another try? */
static int transient(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return 1;
    default:
        return 0;
    }
}

/* Say where the failure happened: the feed's URL, or the page. */
static void where(const xfer *x, char *buf, size_t n)
{
    if (x->npages == 0)
        snprintf(buf, n, "%s", "");
    else {
        char *shown = cmi_feed_hide_credentials(x->url);
        snprintf(buf, n, "page %zu (%s): ", x->npages + 1, shown ? shown : "?");
        cm_free(shown);
    }
}

/* A transfer ended: decide. */
/* The next page's URL (next, taken): resolved, on the same kind of URL,
 * not seen before, within max_pages; then the transfer waits for it. */
static void follow_next(fetch *F, xfer *x, char *next, const char *eff, int is_file,
                        const char *at)
{
    const feed_def *d = x->d;
    char *abs = cmi_body_resolve_url(eff ? eff : x->url, next);
    cm_free(next);
    if (abs == NULL) {
        fail(F, x, "%sthe link to the next page is not a URL", at);
        return;
    }
    if ((is_file && !has_prefix_ci(abs, "file:")) ||
        (!is_file && !has_prefix_ci(abs, "http://") && !has_prefix_ci(abs, "https://"))) {
        char *shown = cmi_feed_hide_credentials(abs);
        fail(F, x, "%sthe next page is %s: pages must stay on %s URLs", at,
             shown ? shown : "?", is_file ? "file" : "http and https");
        cm_free(shown);
        cm_free(abs);
        return;
    }
    for (size_t i = 0; i < x->nseen; i++)
        if (strcmp(x->seen[i], abs) == 0) {
            char *shown = cmi_feed_hide_credentials(abs);
            fail(F, x, "pagination loops: page %zu links back to %s", x->npages,
                 shown ? shown : "?");
            cm_free(shown);
            cm_free(abs);
            return;
        }
    if ((long)x->npages >= d->max_pages) {
        fail(F, x, "more than max_pages (%ld) pages", d->max_pages);
        cm_free(abs);
        return;
    }
    char **ns = cm_realloc(x->seen, (x->nseen + 1) * sizeof *ns);
    if (ns == NULL) {
        cm_free(abs);
        fail(F, x, "out of memory");
        return;
    }
    x->seen = ns;
    x->seen[x->nseen++] = abs;
    cm_free(x->url);
    x->url = cm_strdup(abs);
    x->tries = 0;
    x->state = X_WAIT;
    x->wake = 0;
    if (x->url == NULL)
        fail(F, x, "out of memory");
    return;
}

/* A 2xx page (or a file) is in: keep it, then complete the body or go on to
 * the next page. */
static void page_in(fetch *F, xfer *x, const char *eff, int is_file, const char *at)
{
    const feed_def *d = x->d;
    char why[1000];
    end_request(F, x);
    if (x->npages == x->pages_cap &&
        cm_grow((void **)&x->pages, &x->pages_cap, x->npages + 1, sizeof *x->pages) < 0) {
        fail(F, x, "out of memory");
        return;
    }
    feed_page *p = &x->pages[x->npages++];
    memset(p, 0, sizeof *p);
    p->data = x->body.s ? x->body.s : cm_strdup("");
    p->len = x->body.len;
    p->content_type = x->content_type;
    x->content_type = NULL;
    p->url = cmi_feed_hide_credentials(eff ? eff : x->url);
    x->body.s = NULL;
    x->body.len = x->body.cap = 0;
    x->bytes += p->len;
    if (x->npages == 1) {
        x->first_etag = x->etag;
        x->first_lm = x->last_modified;
        x->etag = x->last_modified = NULL;
    }
    char *next = NULL;
    if (d->pages_link && x->link.len)
        next = cmi_body_link_next(x->link.s);
    if (d->pages_next && cmi_body_next_url(d, p, &next, why, sizeof why) < 0) {
        fail(F, x, "%s%s", at, why);
        return;
    }
    if (next == NULL) {
        complete(F, x);
        return;
    }
    follow_next(F, x, next, eff, is_file, at);
}

/* 304 Not Modified on the first page of a conditional request: the
 * snapshot in use stays, its metadata is brought up to date. */
static void not_modified(fetch *F, xfer *x)
{
    const feed_def *d = x->d;
    end_request(F, x);
    feed_snap *cur = &x->meta.snaps[0];
    if (x->etag) {
        cm_free(cur->etag);
        cur->etag = cm_strdup(x->etag);
    }
    if (meta_up_to_date(F, x) < 0)
        return;
    char msg[600];
    snprintf(msg, sizeof msg, "feed '%s': unchanged: 304 Not Modified (%zu records "
             "kept; %d request%s)", d->name, cur->records, x->requests,
             x->requests == 1 ? "" : "s");
    x->status = 304;
    finish(F, x, CM_FETCH_UNCHANGED, msg);
}

/* A transient failure: wait and try again (Retry-After, or exponential
 * back-off with jitter), unless the retries or the wait are used up. */
static void retry_later(fetch *F, xfer *x, const char *at, const char *why, const char *tries,
                        curl_off_t retry_after)
{
    const feed_def *d = x->d;
    if (x->tries > d->retries) {
        fail(F, x, "%s%s after %s", at, why, tries);
        return;
    }
    double delay;
    if (retry_after > 0) {
        if ((double)retry_after > d->retry_max_delay) {
            fail(F, x, "%s%s after %s; the server asks to retry after %lld s, longer than "
                 "retry_max_delay (%g s)", at, why, tries, (long long)retry_after,
                 d->retry_max_delay);
            return;
        }
        delay = (double)retry_after;
    } else {
        delay = d->retry_delay * pow(2, x->tries - 1);
        if (delay > d->retry_max_delay)
            delay = d->retry_max_delay;
        delay = delay / 2 + delay / 2 * jitter(F);   /* "equal jitter" */
    }
    x->state = X_WAIT;
    x->wake = cmi_feed_monotonic() + delay;
}

static void on_done(fetch *F, xfer *x, CURLcode rc)
{
    const feed_def *d = x->d;
    long status = 0, redirects = 0;
    char *eff = NULL;
    curl_off_t retry_after = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(x->h, CURLINFO_REDIRECT_COUNT, &redirects);
    curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(x->h, CURLINFO_RETRY_AFTER, &retry_after);
    /* the handle (and eff with it) goes before the decision is made */
    char eff_copy[4096];
    snprintf(eff_copy, sizeof eff_copy, "%s", eff ? eff : x->url);
    eff = eff_copy;
    int is_file = has_prefix_ci(x->url, "file:");
    x->status = status;
    char at[1200];
    where(x, at, sizeof at);
    char tries[64];
    snprintf(tries, sizeof tries, "%d tr%s", x->tries, x->tries == 1 ? "y" : "ies");
    int retry = 0;
    char why[1000];
    why[0] = '\0';

    if (x->too_big) {
        fail(F, x, "%sthe body is larger than max_bytes (%.0f bytes): stopped after %zu bytes",
             at, d->max_bytes, x->body.len);
        return;
    }
    if (x->body.nomem) {
        fail(F, x, "%sout of memory while receiving the body", at);
        return;
    }
    if (rc == CURLE_OK) {
        if (is_file || (status >= 200 && status < 300)) {
            page_in(F, x, eff, is_file, at);
            return;
        }
        if (status == 304 && x->conditional && x->npages == 0) {
            not_modified(F, x);
            return;
        }
        snprintf(why, sizeof why, "HTTP %ld%s%s", status, x->reason[0] ? " " : "", x->reason);
        retry = status == 429 || status >= 500;
        if (status >= 300 && status < 400)
            snprintf(why + strlen(why), sizeof why - strlen(why), "%s%s%s",
                     x->location ? " to " : " without a Location to follow",
                     x->location ? x->location : "",
                     x->location && d->max_redirects == 0 ? " (max_redirects is 0)" : "");
    } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        fail(F, x, "%smore than %ld redirects (a redirect loop?); the last went to %s", at,
             d->max_redirects, x->location ? x->location : eff ? eff : "?");
        return;
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL && (redirects > 0 || x->location)) {
        fail(F, x, "%sredirected to %s, which is refused: redirects may only lead to http and "
             "https URLs", at, x->location ? x->location : "?");
        return;
    } else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
        fail(F, x, "%sTLS: %s (%s); give the server's CA with ca_file (or --ca-file)", at,
             curl_easy_strerror(rc), x->errbuf[0] ? x->errbuf : "no detail");
        return;
    } else {
        snprintf(why, sizeof why, "%s%s%s", curl_easy_strerror(rc), x->errbuf[0] ? ": " : "",
                 x->errbuf);
        retry = transient(rc);
        if (rc == CURLE_OPERATION_TIMEDOUT)
            snprintf(why + strlen(why), sizeof why - strlen(why),
                     " (timeout %gs, connect_timeout %gs, low_speed_time %gs)", d->timeout,
                     d->connect_timeout, d->low_speed_time);
    }
    end_request(F, x);
    if (!retry) {
        fail(F, x, "%s%s after %s%s", at, why, tries,
             rc == CURLE_OK && status >= 400 && status < 500 && status != 429
                 ? " (a client error: not retried)" : "");
        return;
    }
    retry_later(F, x, at, why, tries, retry_after);
}

/* ---- the loop -------------------------------------------------------------------------------- */

static void progress(fetch *F, int last)
{
    if (F->o->progress == NULL)
        return;
    double now = cmi_feed_monotonic();
    if (!last && now - F->last_progress < 0.25)
        return;
    if (now - F->rate_t >= 0.5) {
        double r = (double)(F->bytes - F->rate_bytes) / (now - F->rate_t);
        F->rate = F->rate > 0 ? 0.5 * F->rate + 0.5 * r : r;
        F->rate_t = now;
        F->rate_bytes = F->bytes;
    }
    F->last_progress = now;
    cm_fetch_progress p = { F->total, F->done, F->bytes, F->rate, now - F->start };
    F->o->progress(&p, F->o->progress_ud);
}

/* Every feed's report from the last fetch goes. */
static void reset_reports(cm_feeds *f)
{
    for (size_t i = 0; i < f->ndefs; i++) {
        feed_state *s = &f->states[i];
        cm_free(s->msg);
        cm_free(s->details);
        cm_free(s->snapshot);
        s->msg = s->details = s->snapshot = NULL;
        memset(&s->rep, 0, sizeof s->rep);
        s->rep.name = f->defs[i].name;
        s->rep.message = "";
    }
}

/* Feed i, as the fetch starts: not selected, failed, not due, or waiting
 * for its first request. */
static void queue_feed(fetch *F, xfer *x, size_t i, long long now)
{
    cm_feeds *f = F->f;
    const cm_fetch_options *o = F->o;
    x->idx = i;
    x->d = &f->defs[i];
    x->state = X_IDLE;
    int selected = o->names == NULL;
    for (size_t k = 0; o->names && o->names[k]; k++)
        selected |= strcmp(o->names[k], x->d->name) == 0;
    if (!selected || (o->names == NULL && x->d->cached_only))
        return;
    F->total++;
    if (cmi_cache_read_meta(f, x->d->name, &x->meta) != CM_OK) {
        x->have_meta = 0;
        fail(F, x, "%s", cmi_err_get());
        return;
    }
    x->have_meta = 1;
    if (x->d->cached_only) {
        fail(F, x, "only known from the cache: give its configuration with --feeds to "
                   "fetch it");
        return;
    }
    if (o->due_only && x->meta.last_success &&
        (double)(now - x->meta.last_success) < x->d->refresh) {
        char msg[300];
        snprintf(msg, sizeof msg, "feed '%s': not due (fetched %llds ago, refresh %gs)",
                 x->d->name, now - x->meta.last_success, x->d->refresh);
        finish(F, x, CM_FETCH_NOT_DUE, msg);
        return;
    }
    x->meta.last_attempt = now;
    x->url = cm_strdup(x->d->url);
    x->seen = cm_malloc(sizeof *x->seen);
    if (x->url == NULL || x->seen == NULL || (x->seen[0] = cm_strdup(x->d->url)) == NULL) {
        fail(F, x, "out of memory");
        return;
    }
    x->nseen = 1;
    x->state = X_WAIT;
    x->wake = 0;
}

/* Run every transfer (requests, retries, pages) until every feed is done. */
static void run_transfers(fetch *F)
{
    cm_feeds *f = F->f;
    for (;;) {
        double t = cmi_feed_monotonic();
        double next_wake = -1;
        size_t active = 0;
        for (size_t i = 0; i < f->ndefs; i++) {
            xfer *x = &F->x[i];
            if (x->state == X_WAIT && x->wake <= t) {
                char err[700];
                if (start_request(F, x, err, sizeof err) < 0) {
                    fail(F, x, "%s", err);
                    continue;
                }
            }
            if (x->state == X_WAIT && (next_wake < 0 || x->wake < next_wake))
                next_wake = x->wake;
            if (x->state == X_WAIT || x->state == X_RUN)
                active++;
        }
        if (active == 0)
            break;
        int running = 0;
        curl_multi_perform(F->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(F->multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            for (size_t i = 0; i < f->ndefs; i++)
                if (F->x[i].state == X_RUN && F->x[i].h == m->easy_handle) {
                    on_done(F, &F->x[i], m->data.result);
                    break;
                }
        }
        progress(F, 0);
        /* a retry or the next page may have been scheduled just now */
        active = 0;
        for (size_t i = 0; i < f->ndefs; i++) {
            if (F->x[i].state == X_WAIT && (next_wake < 0 || F->x[i].wake < next_wake))
                next_wake = F->x[i].wake;
            if (F->x[i].state == X_WAIT || F->x[i].state == X_RUN)
                active++;
        }
        if (active == 0)
            break;
        long wait_ms = 250;
        if (next_wake >= 0) {
            double dt = (next_wake - cmi_feed_monotonic()) * 1000;
            if (dt < wait_ms)
                wait_ms = dt < 0 ? 0 : (long)dt + 1;
        }
        curl_multi_poll(F->multi, NULL, 0, (int)wait_ms, NULL);
    }
}

CM_API cm_status cm_feeds_fetch(cm_feeds *f, const cm_fetch_options *o)
{
    if (f == NULL)
        return CM_EUSAGE;
    cm_fetch_options defaults;
    if (o == NULL) {
        cm_fetch_options_init(&defaults);
        o = &defaults;
    }
    cmi_err_clear();
    for (size_t k = 0; o->names && o->names[k]; k++)
        if (cm_feeds_find(f, o->names[k]) == (size_t)-1)
            return cmi_feeds_fail(f, CM_ENOTFOUND, "no feed named '%s'%s", o->names[k],
                              f->ndefs ? "" : " (no feed is defined)");
    pthread_once(&curl_once, init_curl);
    if (curl_init_rc != CURLE_OK)
        return cmi_feeds_fail(f, CM_EDEPS, "libcurl cannot start: %s",
                          curl_easy_strerror(curl_init_rc));
    reset_reports(f);
    cm_status st = cmi_cache_lock(f, o->lock_wait);
    if (st != CM_OK)
        return st;
    fetch F;
    memset(&F, 0, sizeof F);
    F.f = f;
    F.o = o;
    F.start = F.rate_t = cmi_feed_monotonic();
    F.rng = (uint64_t)(F.start * 1e9) ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
    if (F.rng == 0)
        F.rng = 1;
    F.multi = curl_multi_init();
    F.x = cm_calloc(f->ndefs ? f->ndefs : 1, sizeof *F.x);
    if (F.multi == NULL || F.x == NULL) {
        cm_free(F.x);
        curl_multi_cleanup(F.multi);
        cmi_cache_unlock(f);
        return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    }
    curl_multi_setopt(F.multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
    long long now = cmi_feed_now();
    for (size_t i = 0; i < f->ndefs; i++) {
        xfer *x = &F.x[i];
        queue_feed(&F, x, i, now);
    }
    run_transfers(&F);
    progress(&F, 1);
    int bad = 0;
    for (size_t i = 0; i < f->ndefs; i++) {
        cm_fetch_outcome out = f->states[i].rep.outcome;
        bad |= out == CM_FETCH_FAILED || out == CM_FETCH_HELD_BACK;
        xfer_free(&F.x[i]);
    }
    cm_free(F.x);
    curl_multi_cleanup(F.multi);
    cmi_cache_unlock(f);
    if (bad)
        return cmi_feeds_fail(f, CM_EIO, "not every feed was brought up to date");
    return CM_OK;
}
