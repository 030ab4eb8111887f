/*
 * feed.c - the cm_feeds handle and feed definitions: the configuration
 * language (defaults { ... }, feed { ... }, env "NAME") run in the Lua
 * sandbox, the settings table shared by the configuration and
 * cm_feeds_set, and the accessors of the public API.
 *
 * Secrets never enter Lua: a header value "${NAME}" (or env "NAME") is only
 * expanded by feed_fetch.c when the request is made. Depends on sandbox.h;
 * the transfers, bodies and cache are feed_fetch.c, feed_body.c, feed_cache.c.
 */
#define _XOPEN_SOURCE 700     /* realpath */
#include "feed.h"
#include "alloc.h"
#include "err.h"
#include "file.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* ---- settings: one table for feed { ... }, defaults { ... } and cm_feeds_set ---- */

enum stype { S_SECONDS, S_COUNT, S_BYTES, S_BOOL, S_STRING, S_PATH, S_FRACTION };

static const struct setting {
    const char *key;
    enum stype type;
    size_t off;
    double min, max;
} settings[] = {
    { "refresh", S_SECONDS, offsetof(feed_def, refresh), 0, 1e9 },
    { "connect_timeout", S_SECONDS, offsetof(feed_def, connect_timeout), 0.001, 3600 },
    { "timeout", S_SECONDS, offsetof(feed_def, timeout), 0.001, 7 * 86400.0 },
    { "low_speed_limit", S_COUNT, offsetof(feed_def, low_speed_limit), 0, 1e9 },
    { "low_speed_time", S_SECONDS, offsetof(feed_def, low_speed_time), 0, 86400 },
    { "max_bytes", S_BYTES, offsetof(feed_def, max_bytes), 1, 1e12 },
    { "retries", S_COUNT, offsetof(feed_def, retries), 0, 100 },
    { "retry_delay", S_SECONDS, offsetof(feed_def, retry_delay), 0, 3600 },
    { "retry_max_delay", S_SECONDS, offsetof(feed_def, retry_max_delay), 0, 86400 },
    { "max_redirects", S_COUNT, offsetof(feed_def, max_redirects), 0, 50 },
    { "max_pages", S_COUNT, offsetof(feed_def, max_pages), 1, 1e6 },
    { "skip_invalid", S_BOOL, offsetof(feed_def, skip_invalid), 0, 1 },
    { "shrink", S_FRACTION, offsetof(feed_def, shrink), 0, 1 },
    { "keep", S_COUNT, offsetof(feed_def, keep), 1, 100 },
    { "ca_file", S_PATH, offsetof(feed_def, ca_file), 0, 0 },
    { "records", S_STRING, offsetof(feed_def, records), 0, 0 },
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* Keys of feed { ... } besides the settings. */
static const char *const feed_keys[] = { "name", "url", "kind", "format", "headers", "map",
                                         "pages", NULL };

void cmi_feed_def_defaults(feed_def *d)
{
    memset(d, 0, sizeof *d);
    d->map_ref = LUA_NOREF;
    d->max_pages = 1000;
    d->refresh = 3600;
    d->connect_timeout = 10;
    d->timeout = 300;
    d->low_speed_limit = 1;
    d->low_speed_time = 30;
    d->max_bytes = 256.0 * 1024 * 1024;
    d->retries = 3;
    d->retry_delay = 1;
    d->retry_max_delay = 60;
    d->max_redirects = 5;
    d->shrink = 0.5;
    d->keep = 3;
}

static void def_free(feed_def *d)
{
    cm_free(d->name);
    cm_free(d->url);
    cm_free(d->shown_url);
    for (size_t i = 0; i < d->nheaders; i++)
        cm_free(d->headers[i]);
    cm_free(d->headers);
    cm_free(d->records);
    cm_free(d->pages_next);
    cm_free(d->ca_file);
    cm_free(d->config);
    memset(d, 0, sizeof *d);
}

/* Deep copy (the map function is not copied: it belongs to one feed). */
static int def_copy(feed_def *to, const feed_def *from)
{
    *to = *from;
    to->name = to->url = to->shown_url = to->records = to->pages_next = to->ca_file = NULL;
    to->config = NULL;
    to->headers = NULL;
    to->nheaders = 0;
    to->map_ref = LUA_NOREF;
    if ((from->records && !(to->records = cm_strdup(from->records))) ||
        (from->pages_next && !(to->pages_next = cm_strdup(from->pages_next))) ||
        (from->ca_file && !(to->ca_file = cm_strdup(from->ca_file))))
        return -1;
    if (from->nheaders) {
        to->headers = cm_calloc(from->nheaders, sizeof *to->headers);
        if (to->headers == NULL)
            return -1;
        for (size_t i = 0; i < from->nheaders; i++) {
            if ((to->headers[i] = cm_strdup(from->headers[i])) == NULL)
                return -1;
            to->nheaders++;
        }
    }
    return 0;
}

/* ---- the handle ------------------------------------------------------------------ */

cm_status cmi_feeds_fail(cm_feeds *f, cm_status s, const char *fmt, ...)
{
    (void)f;    /* the message is the calling thread's (err.h) */
    va_list ap;
    va_start(ap, fmt);
    cmi_err_vset(s, fmt, ap);
    va_end(ap);
    return s;
}

long long cmi_feed_now(void)
{
    return (long long)time(NULL);
}

double cmi_feed_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *cmi_feed_hide_credentials(const char *url)
{
    const char *scheme = strstr(url, "://");
    if (scheme) {
        const char *host = scheme + 3;
        size_t hl = strcspn(host, "/?#");
        const char *at = NULL;
        for (const char *p = host; p < host + hl; p++)
            if (*p == '@')
                at = p;
        if (at) {
            size_t n = strlen(url) + 8;
            char *s = cm_malloc(n);
            if (s)
                snprintf(s, n, "%.*s***%s", (int)(host - url), url, at);
            return s;
        }
    }
    return cm_strdup(url);
}

static char *default_cache_dir(void)
{
    const char *x = getenv("XDG_CACHE_HOME");
    char path[4096];
    if (x && x[0] == '/')
        snprintf(path, sizeof path, "%s/capmatch", x);
    else {
        const char *home = getenv("HOME");
        snprintf(path, sizeof path, "%s/.cache/capmatch", home && *home ? home : ".");
    }
    return cm_strdup(path);
}

CM_API cm_feeds *cm_feeds_new(const char *cache_dir)
{
    cm_feeds *f = cm_calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->lock_fd = -1;
    cmi_feed_def_defaults(&f->base);
    f->cache_dir = cache_dir ? cm_strdup(cache_dir) : default_cache_dir();
    if (f->cache_dir == NULL) {
        cm_free(f);
        return NULL;
    }
    size_t n = strlen(f->cache_dir);
    while (n > 1 && f->cache_dir[n - 1] == '/')
        f->cache_dir[--n] = '\0';
    return f;
}

void cmi_feed_meta_free(feed_meta *m)
{
    if (m == NULL)
        return;
    cm_free(m->name);
    cm_free(m->url);
    cm_free(m->last_error);
    for (size_t i = 0; i < m->nsnaps; i++) {
        feed_snap *s = &m->snaps[i];
        cm_free(s->file);
        cm_free(s->etag);
        cm_free(s->last_modified);
        cm_free(s->url);
        cm_free(s->definition);
    }
    cm_free(m->snaps);
    memset(m, 0, sizeof *m);
}

static void state_clear_report(feed_state *s)
{
    cm_free(s->msg);
    cm_free(s->details);
    cm_free(s->snapshot);
    s->msg = s->details = s->snapshot = NULL;
    memset(&s->rep, 0, sizeof s->rep);
}

static void state_clear_status(feed_state *s)
{
    if (s->meta) {
        cmi_feed_meta_free(s->meta);
        cm_free(s->meta);
        s->meta = NULL;
    }
    cm_free(s->st_snapshot);
    s->st_snapshot = NULL;
    memset(&s->st, 0, sizeof s->st);
}

CM_API void cm_feeds_free(cm_feeds *f)
{
    if (f == NULL)
        return;
    if (f->lock_fd >= 0)
        close(f->lock_fd);     /* releases the cache lock of a fetch */
    for (size_t i = 0; i < f->ndefs; i++) {
        def_free(&f->defs[i]);
        state_clear_report(&f->states[i]);
        state_clear_status(&f->states[i]);
    }
    cm_free(f->defs);
    cm_free(f->states);
    def_free(&f->base);
    cmi_sandbox_free(f->sb);
    cm_free(f->cache_dir);
    cm_free(f);
}

CM_API const char *cm_feeds_errmsg(const cm_feeds *f)
{
    (void)f;
    return cmi_err_get();
}
CM_API const char *cm_feeds_cache_dir(const cm_feeds *f) { return f->cache_dir; }
CM_API size_t cm_feeds_count(const cm_feeds *f) { return f ? f->ndefs : 0; }

CM_API size_t cm_feeds_find(const cm_feeds *f, const char *name)
{
    for (size_t i = 0; f && name && i < f->ndefs; i++)
        if (strcmp(f->defs[i].name, name) == 0)
            return i;
    return (size_t)-1;
}

CM_API const char *cm_feeds_name(const cm_feeds *f, size_t i)
{
    return f && i < f->ndefs ? f->defs[i].name : NULL;
}

CM_API cm_kind cm_feeds_kind(const cm_feeds *f, size_t i)
{
    return f && i < f->ndefs ? f->defs[i].kind : CM_KIND_AUTO;
}

CM_API const char *cm_feeds_url(const cm_feeds *f, size_t i)
{
    return f && i < f->ndefs ? f->defs[i].shown_url : NULL;
}

CM_API const cm_fetch_report *cm_feeds_report(const cm_feeds *f, size_t i)
{
    return f && i < f->ndefs ? &f->states[i].rep : NULL;
}

CM_API const char *cm_fetch_outcome_name(cm_fetch_outcome o)
{
    switch (o) {
    case CM_FETCH_NONE: return "not fetched";
    case CM_FETCH_UPDATED: return "updated";
    case CM_FETCH_UNCHANGED: return "unchanged";
    case CM_FETCH_HELD_BACK: return "held back";
    case CM_FETCH_FAILED: return "failed";
    case CM_FETCH_NOT_DUE: return "not due";
    }
    return "unknown";
}

CM_API void cm_fetch_options_init(cm_fetch_options *o)
{
    memset(o, 0, sizeof *o);
}

void cmi_feeds_report_msg(cm_feeds *f, size_t i, const char *fmt, ...)
{
    feed_state *s = &f->states[i];
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cm_free(s->msg);
    s->msg = cm_strdup(msg);
    s->rep.message = s->msg ? s->msg : "out of memory";
}

void cmi_feeds_report_details(cm_feeds *f, size_t i, const char *text)
{
    feed_state *s = &f->states[i];
    cm_free(s->details);
    s->details = text && *text ? cm_strdup(text) : NULL;
    s->rep.details = s->details;
}

void cmi_feeds_report_snapshot(cm_feeds *f, size_t i, const char *path)
{
    feed_state *s = &f->states[i];
    cm_free(s->snapshot);
    s->snapshot = path ? cm_strdup(path) : NULL;
    s->rep.snapshot = s->snapshot;
}

/* ---- checking values --------------------------------------------------------------- */

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

static int has_prefix_ci(const char *s, const char *p)
{
    for (; *p; s++, p++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        if (c != *p)
            return 0;
    }
    return 1;
}

/* A header "Name: value": a token name, no line breaks. */
static int check_header(const char *h, char *err, size_t errlen)
{
    const char *colon = strchr(h, ':');
    if (colon == NULL || colon == h) {
        snprintf(err, errlen, "a header is \"Name: value\", not \"%.60s\"", h);
        return -1;
    }
    for (const char *p = h; p < colon; p++)
        if (*p <= ' ' || *p >= 127 || strchr("()<>@,;\\\"/[]?={}", *p)) {
            snprintf(err, errlen, "header name \"%.*s\" has a character not allowed in names",
                     (int)(colon - h), h);
            return -1;
        }
    if (strpbrk(h, "\r\n")) {
        snprintf(err, errlen, "header \"%.*s\" has a line break", (int)(colon - h), h);
        return -1;
    }
    return 0;
}

/* Make the URL the feed fetches: http(s):// as given; file:PATH with a
 * relative PATH is made absolute against dir. */
static char *normalize_url(const char *url, const char *dir, char *err, size_t errlen)
{
    if (has_prefix_ci(url, "http://") || has_prefix_ci(url, "https://") ||
        has_prefix_ci(url, "file:///"))
        return cm_strdup(url);
    if (has_prefix_ci(url, "file://")) {
        snprintf(err, errlen, "url \"%.200s\": a file URL is file:///absolute/path or "
                 "file:relative/path", url);
        return NULL;
    }
    if (has_prefix_ci(url, "file:")) {
        const char *path = url + 5;
        char buf[8192];
        if (path[0] == '/')
            snprintf(buf, sizeof buf, "file://%s", path);
        else {
            char cwd[4096];
            if (dir == NULL || dir[0] != '/') {
                if (getcwd(cwd, sizeof cwd) == NULL) {
                    snprintf(err, errlen, "cannot tell the current directory: %s",
                             strerror(errno));
                    return NULL;
                }
                if (dir && *dir)
                    snprintf(buf, sizeof buf, "file://%s/%s/%s", cwd, dir, path);
                else
                    snprintf(buf, sizeof buf, "file://%s/%s", cwd, path);
            } else {
                snprintf(buf, sizeof buf, "file://%s/%s", dir, path);
            }
        }
        /* file:///a/b/../c.json reads better as file:///a/c.json */
        char *real = realpath(buf + 7, NULL);
        if (real) {
            snprintf(buf, sizeof buf, "file://%s", real);
            free(real);       /* realpath's, not ours */
        }
        return cm_strdup(buf);
    }
    snprintf(err, errlen, "url \"%.200s\": only http://, https:// and file: URLs are allowed",
             url);
    return NULL;
}

/* A size with an optional unit: 500, "64k", "10MiB", "1G" (powers of 1024). */
static int parse_size(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v))
        return -1;
    while (*end == ' ')
        end++;
    double mul = 1;
    if (*end) {
        char u = (char)(*end >= 'a' ? *end - 'a' + 'A' : *end);
        mul = u == 'K' ? 1024.0 : u == 'M' ? 1048576.0 : u == 'G' ? 1073741824.0 : 0;
        if (mul == 0)
            return -1;
        end++;
        if (strcmp(end, "") && strcmp(end, "B") && strcmp(end, "iB") && strcmp(end, "b"))
            return -1;
    }
    *out = v * mul;
    return 0;
}

/* Store a numeric or boolean setting. */
static int set_number(feed_def *d, const struct setting *s, double v, char *err, size_t errlen)
{
    if (!(v >= s->min && v <= s->max)) {
        snprintf(err, errlen, "'%s' must be from %g to %g, not %g", s->key, s->min, s->max, v);
        return -1;
    }
    char *at = (char *)d + s->off;
    switch (s->type) {
    case S_COUNT:
        if (v != floor(v)) {
            snprintf(err, errlen, "'%s' must be a whole number, not %g", s->key, v);
            return -1;
        }
        *(long *)(void *)at = (long)v;
        return 0;
    case S_BOOL:
        *(int *)(void *)at = v != 0;
        return 0;
    case S_SECONDS:
    case S_BYTES:
    case S_FRACTION:
        *(double *)(void *)at = v;
        return 0;
    case S_STRING:
    case S_PATH:
        break;
    }
    snprintf(err, errlen, "'%s' takes a string", s->key);
    return -1;
}

static int set_string(feed_def *d, const struct setting *s, const char *v, const char *dir)
{
    char **at = (char **)(void *)((char *)d + s->off);
    char *nv;
    if (s->type == S_PATH && v[0] != '/' && dir && *dir) {
        size_t n = strlen(dir) + strlen(v) + 2;
        nv = cm_malloc(n);
        if (nv)
            snprintf(nv, n, "%s/%s", dir, v);
    } else {
        nv = cm_strdup(v);
    }
    if (nv == NULL)
        return -1;
    cm_free(*at);
    *at = nv;
    return 0;
}

/* A setting from text (cm_feeds_set, the command line). */
static int set_from_text(feed_def *d, const char *key, const char *value, char *err,
                         size_t errlen)
{
    for (size_t i = 0; i < NSETTINGS; i++) {
        const struct setting *s = &settings[i];
        if (strcmp(s->key, key) != 0)
            continue;
        if (s->type == S_STRING || s->type == S_PATH) {
            if (set_string(d, s, value, NULL) < 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            return 0;
        }
        double v;
        if (s->type == S_BOOL) {
            if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0)
                v = 1;
            else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
                     strcmp(value, "no") == 0)
                v = 0;
            else {
                snprintf(err, errlen, "'%s' must be true or false, not \"%.60s\"", key, value);
                return -1;
            }
        } else if (parse_size(value, &v) < 0 || (s->type != S_BYTES && strpbrk(value, "kKmMgG"))) {
            snprintf(err, errlen, "'%s' must be a number%s, not \"%.60s\"", key,
                     s->type == S_BYTES ? " (with k, M or G)" : "", value);
            return -1;
        }
        return set_number(d, s, v, err, errlen);
    }
    if (strcmp(key, "header") == 0) {
        if (check_header(value, err, errlen) < 0)
            return -1;
        size_t nl = (size_t)(strchr(value, ':') - value);
        for (size_t i = 0; i < d->nheaders; i++)
            if (strncasecmp(d->headers[i], value, nl) == 0 && d->headers[i][nl] == ':') {
                char *h = cm_strdup(value);
                if (h == NULL)
                    goto nomem;
                cm_free(d->headers[i]);
                d->headers[i] = h;
                return 0;
            }
        char **nh = cm_realloc(d->headers, (d->nheaders + 1) * sizeof *nh);
        if (nh == NULL)
            goto nomem;
        d->headers = nh;
        if ((nh[d->nheaders] = cm_strdup(value)) == NULL)
            goto nomem;
        d->nheaders++;
        return 0;
    }
    if (strcmp(key, "format") == 0) {
        if (strcmp(value, "json") == 0)
            d->format = CM_FORMAT_JSON;
        else if (strcmp(value, "jsonl") == 0)
            d->format = CM_FORMAT_JSONL;
        else if (strcmp(value, "csv") == 0)
            d->format = CM_FORMAT_CSV;
        else if (strcmp(value, "auto") == 0)
            d->format = CM_FORMAT_AUTO;
        else {
            snprintf(err, errlen, "'format' must be json, jsonl, csv or auto, not \"%.60s\"",
                     value);
            return -1;
        }
        return 0;
    }
    if (strcmp(key, "pages") == 0) {
        if (strcmp(value, "link") == 0) {
            d->pages_link = 1;
            return 0;
        }
        if (strncmp(value, "next=", 5) == 0 && value[5]) {
            char *p = cm_strdup(value + 5);
            if (p == NULL)
                goto nomem;
            cm_free(d->pages_next);
            d->pages_next = p;
            return 0;
        }
        snprintf(err, errlen, "'pages' must be link or next=PATH, not \"%.60s\"", value);
        return -1;
    }
    char known[600];
    size_t o = 0;
    for (size_t i = 0; i < NSETTINGS; i++) {
        int w = snprintf(known + o, sizeof known - o, "%s, ", settings[i].key);
        if (w > 0 && (size_t)w < sizeof known - o)
            o += (size_t)w;
    }
    snprintf(err, errlen, "unknown feed setting '%s' (known: %sheader, format, pages)", key,
             known);
    return -1;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

CM_API cm_status cm_feeds_set(cm_feeds *f, const char *feed, const char *key, const char *value)
{
    if (f == NULL || key == NULL || value == NULL)
        return CM_EUSAGE;
    char err[900];
    if (feed) {
        size_t i = cm_feeds_find(f, feed);
        if (i == (size_t)-1)
            return cmi_feeds_fail(f, CM_ENOTFOUND, "no feed named '%s'", feed);
        if (set_from_text(&f->defs[i], key, value, err, sizeof err) < 0)
            return cmi_feeds_fail(f, CM_EUSAGE, "feed '%s': %s", feed, err);
        return CM_OK;
    }
    /* every feed, and the defaults for feeds added later */
    if (set_from_text(&f->base, key, value, err, sizeof err) < 0)
        return cmi_feeds_fail(f, CM_EUSAGE, "%s", err);
    for (size_t i = 0; i < f->ndefs; i++)
        if (set_from_text(&f->defs[i], key, value, err, sizeof err) < 0)
            return cmi_feeds_fail(f, CM_EUSAGE, "feed '%s': %s", f->defs[i].name, err);
    return CM_OK;
}

/* ---- adding feeds --------------------------------------------------------------------- */

/* A new definition at the end (a copy of the defaults); NULL when out of memory. */
feed_def *cmi_feeds_new_def(cm_feeds *f, const feed_def *tmpl)
{
    if (f->ndefs == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 8;
        feed_def *nd = cm_realloc(f->defs, ncap * sizeof *nd);
        if (nd == NULL)
            return NULL;
        f->defs = nd;
        feed_state *ns = cm_realloc(f->states, ncap * sizeof *ns);
        if (ns == NULL)
            return NULL;
        f->states = ns;
        f->cap = ncap;
    }
    feed_def *d = &f->defs[f->ndefs];
    memset(&f->states[f->ndefs], 0, sizeof f->states[f->ndefs]);
    if (def_copy(d, tmpl) < 0) {
        def_free(d);
        return NULL;
    }
    f->ndefs++;
    return d;
}

static void drop_defs(cm_feeds *f, size_t keep)
{
    while (f->ndefs > keep) {
        f->ndefs--;
        feed_def *d = &f->defs[f->ndefs];
        if (d->map_ref != LUA_NOREF && f->sb)
            luaL_unref(cmi_sandbox_lua(f->sb), LUA_REGISTRYINDEX, d->map_ref);
        def_free(d);
        state_clear_report(&f->states[f->ndefs]);
        state_clear_status(&f->states[f->ndefs]);
    }
}

CM_API cm_status cm_feeds_add(cm_feeds *f, const char *name, const char *url, cm_kind kind,
                              cm_format format)
{
    if (f == NULL || name == NULL || url == NULL)
        return CM_EUSAGE;
    if (!valid_name(name))
        return cmi_feeds_fail(f, CM_EUSAGE, "feed name '%s': use 1 to 64 letters, digits, '_', "
                          "'-' and '.', not starting with '.' or '-'", name);
    if (kind != CM_KIND_REGIONS && kind != CM_KIND_ENTERPRISES)
        return cmi_feeds_fail(f, CM_EUSAGE, "feed '%s': give its kind, regions or enterprises", name);
    if (cm_feeds_find(f, name) != (size_t)-1)
        return cmi_feeds_fail(f, CM_EUSAGE, "feed '%s' is defined twice", name);
    char err[600];
    char *u = normalize_url(url, NULL, err, sizeof err);
    if (u == NULL)
        return cmi_feeds_fail(f, errno == ENOMEM ? CM_ENOMEM : CM_EUSAGE, "feed '%s': %s", name, err);
    feed_def tmpl;
    cmi_feed_def_defaults(&tmpl);
    feed_def *d = cmi_feeds_new_def(f, &tmpl);
    if (d == NULL) {
        cm_free(u);
        return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    }
    d->url = u;
    if ((d->name = cm_strdup(name)) == NULL || (d->shown_url = cmi_feed_hide_credentials(u)) == NULL) {
        drop_defs(f, f->ndefs - 1);
        return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    }
    d->kind = kind;
    d->format = format;
    return CM_OK;
}

/* ---- the configuration language ---------------------------------------------------------- */

typedef struct cfg_ctx {
    cm_feeds *f;
    const char *path;
    char dir[4096];
} cfg_ctx;

static cfg_ctx *cfg_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

static void check_table_keys(lua_State *L, int idx, const char *what, int with_identity)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: keys must be names", what);
        const char *k = lua_tostring(L, -1);
        int known = 0;
        for (size_t i = 0; i < NSETTINGS && !known; i++)
            known = strcmp(settings[i].key, k) == 0;
        for (int i = 0; feed_keys[i] && !known; i++)
            known = strcmp(feed_keys[i], k) == 0 &&
                    (with_identity || (strcmp(k, "name") && strcmp(k, "url") && strcmp(k, "map")));
        if (!known) {
            char list[700] = "";
            size_t o = 0;
            for (int i = 0; feed_keys[i]; i++) {
                if (!with_identity && (!strcmp(feed_keys[i], "name") ||
                                       !strcmp(feed_keys[i], "url") || !strcmp(feed_keys[i], "map")))
                    continue;
                int w = snprintf(list + o, sizeof list - o, "%s, ", feed_keys[i]);
                if (w > 0 && (size_t)w < sizeof list - o)
                    o += (size_t)w;
            }
            for (size_t i = 0; i < NSETTINGS; i++) {
                int w = snprintf(list + o, sizeof list - o, "%s%s", settings[i].key,
                                 i + 1 < NSETTINGS ? ", " : "");
                if (w > 0 && (size_t)w < sizeof list - o)
                    o += (size_t)w;
            }
            luaL_error(L, "%s: unknown key '%s' (known: %s)", what, k, list);
        }
    }
}

static const char *field_string(lua_State *L, int t, const char *key, const char *what)
{
    lua_getfield(L, t, key);
    const char *s = NULL;
    if (lua_type(L, -1) == LUA_TSTRING)
        s = lua_tostring(L, -1);
    else if (!lua_isnil(L, -1))
        luaL_error(L, "%s: '%s' must be a string, not a %s", what, key, luaL_typename(L, -1));
    lua_pop(L, 1);           /* the string stays alive in the table */
    return s;
}

/* Apply the settings and shared keys of the table at t to d. */
static void apply_table(lua_State *L, int t, feed_def *d, const char *what, const char *dir)
{
    char err[700];
    for (size_t i = 0; i < NSETTINGS; i++) {
        const struct setting *s = &settings[i];
        lua_getfield(L, t, s->key);
        int ty = lua_type(L, -1);
        if (ty == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        if (s->type == S_STRING || s->type == S_PATH) {
            if (ty != LUA_TSTRING)
                luaL_error(L, "%s: '%s' must be a string, not a %s", what, s->key,
                           luaL_typename(L, -1));
            if (set_string(d, s, lua_tostring(L, -1), dir) < 0)
                luaL_error(L, "out of memory");
        } else if (s->type == S_BOOL) {
            if (ty != LUA_TBOOLEAN)
                luaL_error(L, "%s: '%s' must be true or false, not a %s", what, s->key,
                           luaL_typename(L, -1));
            *(int *)(void *)((char *)d + s->off) = lua_toboolean(L, -1);
        } else {
            double v = 0;
            if (ty == LUA_TNUMBER)
                v = lua_tonumber(L, -1);
            else if (ty == LUA_TSTRING && s->type == S_BYTES &&
                     parse_size(lua_tostring(L, -1), &v) == 0)
                ;
            else
                luaL_error(L, "%s: '%s' must be a number%s, not %s", what, s->key,
                           s->type == S_BYTES ? " or a size like \"64M\"" : "",
                           ty == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
            if (set_number(d, s, v, err, sizeof err) < 0)
                luaL_error(L, "%s: %s", what, err);
        }
        lua_pop(L, 1);
    }
    const char *format = field_string(L, t, "format", what);
    if (format && set_from_text(d, "format", format, err, sizeof err) < 0)
        luaL_error(L, "%s: %s", what, err);
    const char *kind = field_string(L, t, "kind", what);
    if (kind) {
        if (strcmp(kind, "regions") == 0)
            d->kind = CM_KIND_REGIONS;
        else if (strcmp(kind, "enterprises") == 0)
            d->kind = CM_KIND_ENTERPRISES;
        else
            luaL_error(L, "%s: 'kind' must be regions or enterprises, not \"%s\"", what, kind);
    }
    lua_getfield(L, t, "headers");
    if (lua_istable(L, -1)) {
        int h = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, h)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "%s: headers = { [\"Name\"] = \"value\", ... } (strings)", what);
            char line[4096];
            snprintf(line, sizeof line, "%s: %s", lua_tostring(L, -2), lua_tostring(L, -1));
            if (set_from_text(d, "header", line, err, sizeof err) < 0)
                luaL_error(L, "%s: %s", what, err);
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: 'headers' must be a table of \"Name\" = \"value\"", what);
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "pages");
    if (lua_type(L, -1) == LUA_TSTRING) {
        if (strcmp(lua_tostring(L, -1), "link") != 0)
            luaL_error(L, "%s: pages = \"link\" or pages = { next = \"path.in.body\" }, "
                          "not \"%s\"", what, lua_tostring(L, -1));
        d->pages_link = 1;
    } else if (lua_istable(L, -1)) {
        int p = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, p)) {
            lua_pop(L, 1);
            const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
            if (strcmp(k, "link") && strcmp(k, "next") && strcmp(k, "max"))
                luaL_error(L, "%s: pages: unknown key '%s' (known: link, next, max)", what, k);
        }
        lua_getfield(L, p, "link");
        d->pages_link = lua_toboolean(L, -1);
        lua_pop(L, 1);
        const char *next = field_string(L, p, "next", what);
        if (next) {
            char *n = cm_strdup(next);
            if (n == NULL)
                luaL_error(L, "out of memory");
            cm_free(d->pages_next);
            d->pages_next = n;
        }
        lua_getfield(L, p, "max");
        if (!lua_isnil(L, -1)) {
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
                luaL_error(L, "%s: pages.max must be a whole number from 1", what);
            d->max_pages = (long)lua_tointeger(L, -1);
        }
        lua_pop(L, 1);
        if (d->pages_link && d->pages_next)
            luaL_error(L, "%s: pages: give link = true or next = \"path\", not both", what);
        if (!d->pages_link && !d->pages_next)
            luaL_error(L, "%s: pages: give link = true (the Link header) or next = \"path\" "
                          "(a field of the body)", what);
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: 'pages' must be \"link\" or a table", what);
    }
    lua_pop(L, 1);
}

static int l_defaults(lua_State *L)
{
    cfg_ctx *c = cfg_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    check_table_keys(L, 1, "defaults", 0);
    apply_table(L, 1, &c->f->base, "defaults", c->dir);
    return 0;
}

static int l_feed(lua_State *L)
{
    cfg_ctx *c = cfg_of(L);
    cm_feeds *f = c->f;
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *name = field_string(L, 1, "name", "feed");
    if (name == NULL)
        return luaL_error(L, "feed: 'name' is required");
    char what[128];
    snprintf(what, sizeof what, "feed '%s'", name);
    if (!valid_name(name))
        return luaL_error(L, "%s: a feed name is 1 to 64 letters, digits, '_', '-' and '.', "
                             "not starting with '.' or '-'", what);
    if (cm_feeds_find(f, name) != (size_t)-1)
        return luaL_error(L, "%s: defined twice", what);
    check_table_keys(L, 1, what, 1);
    feed_def *d = cmi_feeds_new_def(f, &f->base);
    if (d == NULL || (d->name = cm_strdup(name)) == NULL)
        return luaL_error(L, "out of memory");
    lua_Debug ar;
    d->line = lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) ? ar.currentline : 0;
    d->config = cm_strdup(c->path);
    apply_table(L, 1, d, what, c->dir);
    const char *url = field_string(L, 1, "url", what);
    if (url == NULL)
        return luaL_error(L, "%s: 'url' is required", what);
    char err[600];
    d->url = normalize_url(url, c->dir, err, sizeof err);
    if (d->url == NULL)
        return luaL_error(L, "%s: %s", what, err);
    if ((d->shown_url = cmi_feed_hide_credentials(d->url)) == NULL)
        return luaL_error(L, "out of memory");
    if (d->kind != CM_KIND_REGIONS && d->kind != CM_KIND_ENTERPRISES)
        return luaL_error(L, "%s: 'kind' is required (regions or enterprises)", what);
    lua_getfield(L, 1, "map");
    if (lua_isfunction(L, -1)) {
        d->map_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
        if (!lua_isnil(L, -1))
            return luaL_error(L, "%s: 'map' must be a function (record) -> profile, not a %s",
                              what, luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    if (d->format == CM_FORMAT_CSV && (d->map_ref != LUA_NOREF || d->records || d->pages_next))
        return luaL_error(L, "%s: map, records and pages.next work on JSON and JSON Lines "
                             "bodies, not csv", what);
    return 0;
}

/* env "NAME": a placeholder expanded when the request is made, so that the
 * secret never enters Lua (nor any message). */
static int l_env(lua_State *L)
{
    const char *n = luaL_checkstring(L, 1);
    int ok = *n && !(*n >= '0' && *n <= '9');
    for (const char *p = n; *p && ok; p++)
        ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
             *p == '_';
    if (!ok)
        return luaL_error(L, "env: '%s' is not an environment variable name", n);
    lua_pushfstring(L, "${%s}", n);
    return 1;
}

CM_API cm_status cm_feeds_load_config(cm_feeds *f, const char *path)
{
    if (f == NULL || path == NULL)
        return CM_EUSAGE;
    if (f->sb == NULL) {
        sandbox_limits lim = { (size_t)64 << 20, 10000000L, 1000000L };
        f->sb = cmi_sandbox_new(&lim, NULL);
        if (f->sb == NULL)
            return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    }
    cfg_ctx c;
    memset(&c, 0, sizeof c);
    c.f = f;
    c.path = path;
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(c.dir, sizeof c.dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    def_free(&f->base);
    cmi_feed_def_defaults(&f->base);
    lua_State *L = cmi_sandbox_lua(f->sb);
    cmi_sandbox_push_env(f->sb);
    static const struct { const char *name; lua_CFunction fn; } fns[] = {
        { "feed", l_feed }, { "defaults", l_defaults }, { "env", l_env },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        lua_pushstring(L, fns[i].name);
        lua_pushlightuserdata(L, &c);
        lua_pushcclosure(L, fns[i].fn, 1);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
    size_t before = f->ndefs;
    char err[1024];
    int rc = cmi_sandbox_dofile(f->sb, path, 0, err, sizeof err);
    if (rc == 0) {
        /* the map functions are in this text: a new text, a new definition */
        size_t len;
        char *text = cmi_file_read(path, 0, &len), sum[65] = "";
        if (text)
            cmi_file_sha256_hex(text, len, sum);
        cm_free(text);
        for (size_t i = before; i < f->ndefs; i++)
            memcpy(f->defs[i].config_sha, sum, sizeof sum);
    }
    /* the closures point at c, which is going away */
    cmi_sandbox_push_env(f->sb);
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        lua_pushstring(L, fns[i].name);
        lua_pushnil(L);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
    def_free(&f->base);
    cmi_feed_def_defaults(&f->base);
    if (rc < 0) {
        drop_defs(f, before);
        if (strncmp(err, "cannot open", 11) == 0)
            return cmi_feeds_fail(f, CM_EIO, "%s", err);
        return cmi_feeds_fail(f, CM_EINPUT, "%s", err);
    }
    if (f->ndefs == before)
        return cmi_feeds_fail(f, CM_EINPUT, "%s: declares no feed { name = ..., url = ..., "
                          "kind = ... }", path);
    return CM_OK;
}
