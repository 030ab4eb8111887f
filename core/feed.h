/*
 * feed.h - the insides of cm_feeds, shared by the feed modules:
 *
 *   feed.c        the handle, feed definitions, settings, the Lua configuration
 *   feed_fetch.c  HTTP(S)/file transfers over curl's multi interface, retries
 *   feed_body.c   fetched pages to one loadable snapshot (format, records, map,
 *                 pagination links)
 *   feed_cache.c  the cache: snapshots, metadata, lock, and the public entry
 *                 points on it (status, rollback, loading, cached feeds)
 *
 * feed.c is the bottom of the four and uses none of the others; feed_body.c
 * and feed_cache.c use only feed.c; feed_fetch.c uses all three. None of
 * them knows the matching engine; they load through the public API.
 */
#ifndef CM_FEED_H
#define CM_FEED_H

#include "capmatch.h"
#include "sandbox.h"

#include <stddef.h>

/* ---- a feed's definition ----------------------------------------------------- */

typedef struct feed_def {
    char *name;
    char *url;                /* as given (file: paths made absolute) */
    char *shown_url;          /* credentials hidden, for messages */
    cm_kind kind;
    cm_format format;         /* CM_FORMAT_AUTO: detected */
    char **headers;           /* "Name: value" with ${VAR} unexpanded */
    size_t nheaders;
    char *records;            /* dotted path of the record list in a JSON body */
    int map_ref;              /* registry ref of the map function, or LUA_NOREF */
    int pages_link;           /* follow Link: <...>; rel="next" */
    char *pages_next;         /* dotted path of the next page's URL in the body */
    long max_pages;
    double refresh;           /* seconds */
    double connect_timeout, timeout;
    double low_speed_time;    /* seconds below low_speed_limit bytes/s abort */
    long low_speed_limit;
    double max_bytes;         /* per page, decoded */
    long retries;
    double retry_delay, retry_max_delay;
    long max_redirects;
    int skip_invalid;
    double shrink;            /* hold back below shrink * previous records */
    long keep;                /* snapshots kept */
    char *ca_file;
    char *config;             /* file and line it was declared at, or NULL */
    int line;
    int cached_only;          /* known from the cache only: not fetched */
    char config_sha[65];      /* of the configuration file's text, or "" */
} feed_def;

struct cm_feeds;

/* The report and cached state of a feed, owned by the handle. */
typedef struct feed_state {
    cm_fetch_report rep;
    char *msg, *details, *snapshot;
    cm_feed_status st;
    void *meta;               /* feed_meta of the last status call */
    char *st_snapshot;
} feed_state;

struct cm_feeds {
    char *cache_dir;
    feed_def *defs;
    size_t ndefs, cap;
    feed_state *states;       /* one per def */
    feed_def base;            /* defaults { ... } of the file being read */
    sandbox *sb;              /* configuration state: map functions live here */
    int lock_fd;
};

/* Set the message (the calling thread's, err.h; printf-style) and return status. */
cm_status cmi_feeds_fail(cm_feeds *f, cm_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Replace a feed's report message / details (NULL clears). */
void cmi_feeds_report_msg(cm_feeds *f, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cmi_feeds_report_details(cm_feeds *f, size_t i, const char *text);
void cmi_feeds_report_snapshot(cm_feeds *f, size_t i, const char *path);
/* The URL with a user:password@ part replaced by ***@ (caller frees). */
char *cmi_feed_hide_credentials(const char *url);
/* Seconds since the epoch, and a monotonic clock in seconds. */
long long cmi_feed_now(void);
double cmi_feed_monotonic(void);
/* A definition with the defaults, and a new one added to f from a template
 * (NULL when out of memory). */
void cmi_feed_def_defaults(feed_def *d);
feed_def *cmi_feeds_new_def(cm_feeds *f, const feed_def *tmpl);

/* ---- the cache (feed_cache.c) ------------------------------------------------------ */

typedef struct feed_snap {
    char *file;               /* relative to the feed's directory */
    long long fetched;
    size_t bytes, records, rejected, pages;
    char sha256[65];
    char *etag, *last_modified, *url;
    char *definition;         /* fingerprint of the feed's definition when fetched */
    cm_format format;
} feed_snap;

typedef struct feed_meta {
    char *name, *url;
    cm_kind kind;
    cm_format format;
    long long last_attempt, last_success, last_error_time;
    char *last_error;
    unsigned long seq;
    feed_snap *snaps;         /* newest first; snaps[0] is in use */
    size_t nsnaps;
} feed_meta;

/* Create the cache directory (mode 0700) when missing. */
cm_status cmi_cache_prepare(cm_feeds *f);
/* Take the cache's lock, waiting up to `wait` seconds. CM_ELIMIT when held. */
cm_status cmi_cache_lock(cm_feeds *f, double wait);
void cmi_cache_unlock(cm_feeds *f);
/* Path of a file in a feed's directory (caller frees); name NULL: the dir. */
char *cmi_cache_path(const cm_feeds *f, const char *feed, const char *name);
/* Read a feed's metadata; a feed never fetched gives an empty meta (CM_OK).
 * CM_EIO with a message when the file exists but cannot be read. */
cm_status cmi_cache_read_meta(cm_feeds *f, const char *feed, feed_meta *m);
cm_status cmi_cache_write_meta(cm_feeds *f, const char *feed, const feed_meta *m);
/* Free what a feed_meta holds (feed.c). */
void cmi_feed_meta_free(feed_meta *m);
/* Names of the feed directories in the cache (caller frees each and the list). */
cm_status cmi_cache_list(cm_feeds *f, char ***names, size_t *n);
/* Fingerprint of what a feed's definition makes of a body (URL, kind,
 * format, records, pages, headers, and the configuration file's text for
 * its map): a body fetched under another definition is not asked for with
 * conditional headers. */
void cmi_feed_fingerprint(const feed_def *d, char hex[65]);
/* Apply a validated body as feed i's new snapshot (meta updated, old
 * snapshots pruned, rejects moved beside it). */
cm_status cmi_cache_apply(cm_feeds *f, size_t i, feed_meta *m, const char *data, size_t len,
                      cm_format fmt, const feed_snap *info, const char *rejects_tmp);
const char *cmi_cache_format_ext(cm_format fmt);

/* ---- bodies (feed_body.c) --------------------------------------------------------------- */

typedef struct feed_page {
    char *data;
    size_t len;
    char *content_type;
    char *url;                /* the page's final URL (after redirects) */
} feed_page;

/* The format of a body: the feed's, else the Content-Type, the URL, then a
 * look at the text. */
cm_format cmi_body_format(const feed_def *d, const feed_page *p);
/* Next page's URL from the body (d->pages_next); *next NULL at the end.
 * Returns 0, or -1 with a message in err. */
int cmi_body_next_url(const feed_def *d, const feed_page *p, char **next, char *err, size_t errlen);
/* The next link of one or more Link header values ("<u>; rel=next, ..."),
 * or NULL (caller frees). */
char *cmi_body_link_next(const char *link);
/* Resolve a possibly relative URL against base (caller frees); NULL on error. */
char *cmi_body_resolve_url(const char *base, const char *ref);
/* Turn the pages into one loadable text: the single body as it came, or
 * the records of every page (mapped) as a JSON list with one record a line.
 * Returns 0, or -1 with a message in err. */
int cmi_body_build(cm_feeds *f, const feed_def *d, const feed_page *pages, size_t npages,
               char **out, size_t *outlen, cm_format *fmt, int *owned, char *err,
               size_t errlen);


#endif
