/*
 * feed_cache.c - the feed cache on disk: one directory per feed holding the
 * snapshots kept (snapshot-NNNNNN.EXT, newest in use), meta.json (URL, ETag,
 * Last-Modified, fetch times, sizes, sha256, record counts, last error), the
 * rejects of the snapshot in use, and bodies held back or rolled back. Owns
 * the lock (.lock, a POSIX record lock that dies with its process), every
 * write (temporary file, fsync, rename, fsync of the directory), status,
 * rollback and loading snapshots into an engine. Files are read and
 * written through file.h.
 */
#include "feed.h"
#include "alloc.h"
#include "err.h"
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <lauxlib.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- files ------------------------------------------------------------------ */

const char *cmi_cache_format_ext(cm_format fmt)
{
    return fmt == CM_FORMAT_JSONL ? "jsonl" : fmt == CM_FORMAT_CSV ? "csv" : "json";
}

static cm_format format_of_ext(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (dot && strcmp(dot, ".jsonl") == 0)
        return CM_FORMAT_JSONL;
    if (dot && strcmp(dot, ".csv") == 0)
        return CM_FORMAT_CSV;
    return CM_FORMAT_JSON;
}

char *cmi_cache_path(const cm_feeds *f, const char *feed, const char *name)
{
    size_t n = strlen(f->cache_dir) + (feed ? strlen(feed) : 0) + (name ? strlen(name) : 0) + 3;
    char *p = cm_malloc(n);
    if (p == NULL)
        return NULL;
    if (feed && name)
        snprintf(p, n, "%s/%s/%s", f->cache_dir, feed, name);
    else if (feed)
        snprintf(p, n, "%s/%s", f->cache_dir, feed);
    else
        snprintf(p, n, "%s/%s", f->cache_dir, name ? name : "");
    return p;
}

static int mkdir_p(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return -1;
    struct stat sb;
    if (stat(buf, &sb) < 0)
        return -1;
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

cm_status cmi_cache_prepare(cm_feeds *f)
{
    if (mkdir_p(f->cache_dir) < 0)
        return cmi_feeds_fail(f, CM_EIO, "cannot create the feed cache %s: %s", f->cache_dir,
                          strerror(errno));
    return CM_OK;
}

void cmi_feed_fingerprint(const feed_def *d, char hex[65])
{
    struct sha256_ctx c;
    uint8_t dg[SHA256_DIGEST_SIZE];
    char num[64];
    sha256_init(&c);
#define ADD(s) sha256_update(&c, strlen(s) + 1, (const uint8_t *)(s))
    ADD(d->name);
    ADD(d->url);
    snprintf(num, sizeof num, "%d %d %d %ld", (int)d->kind, (int)d->format, d->pages_link,
             d->max_pages);
    ADD(num);
    ADD(d->records ? d->records : "");
    ADD(d->pages_next ? d->pages_next : "");
    for (size_t i = 0; i < d->nheaders; i++)
        ADD(d->headers[i]);
    ADD(d->map_ref != LUA_NOREF ? d->config_sha : "");
#undef ADD
    sha256_digest(&c, sizeof dg, dg);
    cmi_file_hex(dg, sizeof dg, hex);
}

/* ---- the lock --------------------------------------------------------------------- */

/* Temporary files of fetches that were killed (snapshot-N.json.tmpPID,
 * rejects.pending.jsonl.tmpPID, ...) go once the lock is ours. */
static void sweep_temps(cm_feeds *f)
{
    cmi_file_sweep_dir(f->cache_dir);
    char **names;
    size_t n;
    char save[ERR_MAX];
    snprintf(save, sizeof save, "%s", cmi_err_get());
    cmi_cache_list(f, &names, &n);
    cmi_err_set(CM_OK, "%s", save);             /* a sweep that fails is no news */
    for (size_t i = 0; i < n; i++) {
        char *sub = cmi_cache_path(f, names[i], NULL);
        if (sub)
            cmi_file_sweep_dir(sub);
        cm_free(sub);
        cm_free(names[i]);
    }
    cm_free(names);
}

cm_status cmi_cache_lock(cm_feeds *f, double wait)
{
    if (f->lock_fd >= 0)
        return CM_OK;
    cm_status s = cmi_cache_prepare(f);
    if (s != CM_OK)
        return s;
    char *path = cmi_cache_path(f, NULL, ".lock");
    if (path == NULL)
        return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        s = cmi_feeds_fail(f, CM_EIO, "cannot open the lock %s: %s", path, strerror(errno));
        cm_free(path);
        return s;
    }
    double deadline = cmi_feed_monotonic() + wait;
    for (;;) {
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
        if (fcntl(fd, F_SETLK, &fl) == 0)
            break;
        if (errno != EACCES && errno != EAGAIN) {
            s = cmi_feeds_fail(f, CM_EIO, "cannot lock %s: %s", path, strerror(errno));
            goto fail;
        }
        if (cmi_feed_monotonic() >= deadline) {
            struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
            long pid = fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK ? (long)q.l_pid : 0;
            char who[64] = "";
            if (pid > 0)
                snprintf(who, sizeof who, " (process %ld)", pid);
            s = cmi_feeds_fail(f, CM_ELIMIT, "another fetch%s is writing the feed cache %s "
                           "(lock %s)%s; nothing was fetched", who, f->cache_dir, path,
                           wait > 0 ? " and did not finish in time" : "");
            goto fail;
        }
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0) {
        /* the pid is only a hint for people */
    }
    cm_free(path);
    f->lock_fd = fd;
    sweep_temps(f);
    return CM_OK;
fail:
    close(fd);
    cm_free(path);
    return s;
}

void cmi_cache_unlock(cm_feeds *f)
{
    if (f->lock_fd >= 0) {
        close(f->lock_fd);     /* releases the record lock */
        f->lock_fd = -1;
    }
}

/* ---- metadata ---------------------------------------------------------------------- */


static char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? cm_strdup(json_string_value(v)) : NULL;
}

static long long jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static cm_kind kind_of(const char *s)
{
    return s && strcmp(s, "regions") == 0 ? CM_KIND_REGIONS
         : s && strcmp(s, "enterprises") == 0 ? CM_KIND_ENTERPRISES : CM_KIND_AUTO;
}

static cm_format format_of(const char *s)
{
    return s == NULL ? CM_FORMAT_AUTO
         : strcmp(s, "json") == 0 ? CM_FORMAT_JSON
         : strcmp(s, "jsonl") == 0 ? CM_FORMAT_JSONL
         : strcmp(s, "csv") == 0 ? CM_FORMAT_CSV : CM_FORMAT_AUTO;
}

cm_status cmi_cache_read_meta(cm_feeds *f, const char *feed, feed_meta *m)
{
    memset(m, 0, sizeof *m);
    char *path = cmi_cache_path(f, feed, "meta.json");
    if (path == NULL)
        return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    size_t len;
    char *text = cmi_file_read(path, 0, &len);
    if (text == NULL) {
        cm_status s = CM_OK;
        if (errno != ENOENT)
            s = cmi_feeds_fail(f, errno == ENOMEM ? CM_ENOMEM : CM_EIO, "cannot read %s: %s", path,
                           strerror(errno));
        cm_free(path);
        return s;
    }
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    cm_free(text);
    if (!json_is_object(root)) {
        cm_status s = cmi_feeds_fail(f, CM_EIO, "%s:%d: the feed's metadata is damaged (%s); "
                                 "remove the directory to start the feed afresh", path,
                                 je.line, root ? "not an object" : je.text);
        json_decref(root);
        cm_free(path);
        return s;
    }
    cm_free(path);
    m->name = jstr(root, "feed");
    m->url = jstr(root, "url");
    m->kind = kind_of(json_string_value(json_object_get(root, "kind")));
    m->format = format_of(json_string_value(json_object_get(root, "format")));
    m->last_attempt = jint(root, "last_attempt");
    m->last_success = jint(root, "last_success");
    m->last_error_time = jint(root, "last_error_time");
    m->last_error = jstr(root, "last_error");
    m->seq = (unsigned long)jint(root, "seq");
    json_t *snaps = json_object_get(root, "snapshots");
    size_t n = json_array_size(snaps);
    if (n) {
        m->snaps = cm_calloc(n, sizeof *m->snaps);
        if (m->snaps == NULL) {
            json_decref(root);
            cmi_feed_meta_free(m);
            return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(snaps, i);
        char *file = jstr(o, "file");
        if (file == NULL || strchr(file, '/'))
            continue;
        feed_snap *s = &m->snaps[m->nsnaps++];
        s->file = file;
        s->fetched = jint(o, "fetched");
        s->bytes = (size_t)jint(o, "bytes");
        s->records = (size_t)jint(o, "records");
        s->rejected = (size_t)jint(o, "rejected");
        s->pages = (size_t)jint(o, "pages");
        const char *sha = json_string_value(json_object_get(o, "sha256"));
        snprintf(s->sha256, sizeof s->sha256, "%s", sha ? sha : "");
        s->etag = jstr(o, "etag");
        s->last_modified = jstr(o, "last_modified");
        s->url = jstr(o, "url");
        s->definition = jstr(o, "definition");
        s->format = format_of_ext(file);
    }
    json_decref(root);
    return CM_OK;
}

static int set_str(json_t *o, const char *key, const char *v)
{
    if (v == NULL)
        return json_object_set_new(o, key, json_null());
    json_t *s = json_string(v);
    if (s == NULL) {
        /* text from a server may be invalid UTF-8: keep what can be kept */
        char *clean = cm_strdup(v);
        if (clean == NULL)
            return -1;
        for (unsigned char *p = (unsigned char *)clean; *p; p++)
            if (*p >= 0x80)
                *p = '?';
        s = json_string(clean);
        cm_free(clean);
    }
    return json_object_set_new(o, key, s);
}

cm_status cmi_cache_write_meta(cm_feeds *f, const char *feed, const feed_meta *m)
{
    json_t *root = json_object();
    json_t *snaps = json_array();
    int bad = root == NULL || snaps == NULL;
    if (!bad) {
        bad |= set_str(root, "feed", feed);
        bad |= set_str(root, "kind", m->kind == CM_KIND_AUTO ? NULL : cm_kind_name(m->kind));
        bad |= set_str(root, "format", m->format == CM_FORMAT_AUTO ? "auto"
                                                               : cm_format_name(m->format));
        bad |= set_str(root, "url", m->url);
        bad |= json_object_set_new(root, "last_attempt", json_integer(m->last_attempt));
        bad |= json_object_set_new(root, "last_success", json_integer(m->last_success));
        bad |= set_str(root, "last_error", m->last_error);
        bad |= json_object_set_new(root, "last_error_time", json_integer(m->last_error_time));
        bad |= json_object_set_new(root, "seq", json_integer((json_int_t)m->seq));
        for (size_t i = 0; i < m->nsnaps && !bad; i++) {
            const feed_snap *s = &m->snaps[i];
            json_t *o = json_object();
            bad |= o == NULL;
            if (bad)
                break;
            bad |= set_str(o, "file", s->file);
            bad |= json_object_set_new(o, "fetched", json_integer(s->fetched));
            bad |= json_object_set_new(o, "bytes", json_integer((json_int_t)s->bytes));
            bad |= json_object_set_new(o, "records", json_integer((json_int_t)s->records));
            bad |= json_object_set_new(o, "rejected", json_integer((json_int_t)s->rejected));
            bad |= json_object_set_new(o, "pages", json_integer((json_int_t)s->pages));
            bad |= set_str(o, "sha256", s->sha256);
            bad |= set_str(o, "etag", s->etag);
            bad |= set_str(o, "last_modified", s->last_modified);
            bad |= set_str(o, "url", s->url);
            bad |= set_str(o, "definition", s->definition);
            bad |= json_array_append_new(snaps, o);
        }
        bad |= json_object_set(root, "snapshots", snaps);
    }
    size_t need = bad ? 0 : json_dumpb(root, NULL, 0, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    char *text = need ? cm_malloc(need + 1) : NULL;
    if (text)
        json_dumpb(root, text, need, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(snaps);
    json_decref(root);
    if (text == NULL)
        return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    text[need] = '\n';
    char *path = cmi_cache_path(f, feed, "meta.json");
    cm_status s = CM_OK;
    if (path == NULL)
        s = cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    else if (cmi_file_write(path, text, need + 1) < 0)
        s = cmi_feeds_fail(f, CM_EIO, "cannot write %s: %s", path, strerror(errno));
    cm_free(path);
    cm_free(text);
    return s;
}

cm_status cmi_cache_list(cm_feeds *f, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(f->cache_dir);
    if (d == NULL)
        return errno == ENOENT ? CM_OK
                               : cmi_feeds_fail(f, CM_EIO, "cannot read the feed cache %s: %s",
                                            f->cache_dir, strerror(errno));
    struct dirent *de;
    size_t cap = 0;
    cm_status s = CM_OK;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *meta = cmi_cache_path(f, de->d_name, "meta.json");
        struct stat sb;
        int is_feed = meta && stat(meta, &sb) == 0 && S_ISREG(sb.st_mode);
        cm_free(meta);
        if (!is_feed)
            continue;
        if (cm_grow((void **)names, &cap, *n + 1, sizeof **names) < 0 ||
            ((*names)[*n] = cm_strdup(de->d_name)) == NULL) {
            s = cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
            break;
        }
        (*n)++;
    }
    closedir(d);
    /* a stable order: by name */
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && strcmp((*names)[j - 1], (*names)[j]) > 0; j--) {
            char *t = (*names)[j];
            (*names)[j] = (*names)[j - 1];
            (*names)[j - 1] = t;
        }
    return s;
}

/* ---- applying a snapshot ---------------------------------------------------------------- */

static void snap_free(feed_snap *s)
{
    cm_free(s->file);
    cm_free(s->etag);
    cm_free(s->last_modified);
    cm_free(s->url);
    cm_free(s->definition);
}

cm_status cmi_cache_apply(cm_feeds *f, size_t i, feed_meta *m, const char *data, size_t len,
                      cm_format fmt, const feed_snap *info, const char *rejects_tmp)
{
    const feed_def *d = &f->defs[i];
    char file[64];
    snprintf(file, sizeof file, "snapshot-%06lu.%s", m->seq + 1, cmi_cache_format_ext(fmt));
    char *path = cmi_cache_path(f, d->name, file);
    char *rejects = cmi_cache_path(f, d->name, "rejects.jsonl");
    feed_snap *ns = cm_realloc(m->snaps, (m->nsnaps + 1) * sizeof *ns);
    cm_status s = CM_OK;
    if (path == NULL || rejects == NULL || ns == NULL) {
        if (ns)
            m->snaps = ns;
        s = cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
        goto out;
    }
    m->snaps = ns;
    if (cmi_file_write(path, data, len) < 0) {
        s = cmi_feeds_fail(f, CM_EIO, "cannot write the snapshot %s: %s", path, strerror(errno));
        goto out;
    }
    feed_snap snap = *info;
    snap.file = cm_strdup(file);
    snap.etag = info->etag ? cm_strdup(info->etag) : NULL;
    snap.last_modified = info->last_modified ? cm_strdup(info->last_modified) : NULL;
    snap.url = cm_strdup(d->shown_url);
    snap.definition = info->definition ? cm_strdup(info->definition) : NULL;
    snap.format = fmt;
    if (snap.file == NULL || snap.url == NULL || (info->etag && !snap.etag) ||
        (info->definition && !snap.definition) ||
        (info->last_modified && !snap.last_modified)) {
        snap_free(&snap);
        unlink(path);
        s = cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
        goto out;
    }
    memmove(m->snaps + 1, m->snaps, m->nsnaps * sizeof *m->snaps);
    m->snaps[0] = snap;
    m->nsnaps++;
    m->seq++;
    m->last_success = m->last_attempt;
    cm_free(m->last_error);
    m->last_error = NULL;
    /* older snapshots beyond `keep` go once the new metadata is written */
    size_t keep = d->keep > 0 ? (size_t)d->keep : 1;
    size_t old_n = m->nsnaps;
    if (m->nsnaps > keep)
        m->nsnaps = keep;
    s = cmi_cache_write_meta(f, d->name, m);
    if (s != CM_OK) {
        m->nsnaps = old_n;
        snap_free(&m->snaps[0]);
        memmove(m->snaps, m->snaps + 1, (m->nsnaps - 1) * sizeof *m->snaps);
        m->nsnaps--;
        m->seq--;
        unlink(path);
        goto out;
    }
    for (size_t k = keep; k < old_n; k++) {
        char *old = cmi_cache_path(f, d->name, m->snaps[k].file);
        if (old)
            unlink(old);
        cm_free(old);
        snap_free(&m->snaps[k]);
    }
    if (rejects_tmp) {
        if (info->rejected) {
            if (rename(rejects_tmp, rejects) < 0)
                unlink(rejects_tmp);
        } else {
            unlink(rejects_tmp);
            unlink(rejects);
        }
    } else {
        unlink(rejects);
    }
    cmi_feeds_report_snapshot(f, i, path);
out:
    cm_free(path);
    cm_free(rejects);
    return s;
}

/* ---- status ------------------------------------------------------------------------------------ */

CM_API cm_status cm_feeds_status(cm_feeds *f, size_t i, cm_feed_status *out)
{
    if (f == NULL || i >= f->ndefs || out == NULL)
        return CM_EUSAGE;
    feed_state *st = &f->states[i];
    const feed_def *d = &f->defs[i];
    if (st->meta) {
        cmi_feed_meta_free(st->meta);
        cm_free(st->meta);
        st->meta = NULL;
    }
    cm_free(st->st_snapshot);
    st->st_snapshot = NULL;
    memset(&st->st, 0, sizeof st->st);
    feed_meta *m = cm_calloc(1, sizeof *m);
    if (m == NULL)
        return cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
    cm_status s = cmi_cache_read_meta(f, d->name, m);
    if (s != CM_OK) {
        cm_free(m);
        return s;
    }
    st->meta = m;
    cm_feed_status *o = &st->st;
    o->name = d->name;
    o->kind = d->kind;
    o->url = d->shown_url;
    o->last_success = m->last_success;
    o->last_attempt = m->last_attempt;
    o->last_error = m->last_error;
    o->last_error_time = m->last_error_time;
    o->refresh = d->refresh;
    o->snapshots = m->nsnaps;
    o->due = m->last_success == 0 || (double)(cmi_feed_now() - m->last_success) >= d->refresh;
    if (m->nsnaps) {
        const feed_snap *sn = &m->snaps[0];
        st->st_snapshot = cmi_cache_path(f, d->name, sn->file);
        o->snapshot = st->st_snapshot;
        o->records = sn->records;
        o->bytes = sn->bytes;
        o->rejected = sn->rejected;
        o->sha256 = sn->sha256[0] ? sn->sha256 : NULL;
        o->etag = sn->etag;
        o->last_modified = sn->last_modified;
        o->fetched = sn->fetched;
    }
    *out = *o;
    return CM_OK;
}

/* ---- rollback ------------------------------------------------------------------------------------ */

CM_API cm_status cm_feeds_rollback(cm_feeds *f, const char *name)
{
    if (f == NULL || name == NULL)
        return CM_EUSAGE;
    size_t i = cm_feeds_find(f, name);
    if (i == (size_t)-1)
        return cmi_feeds_fail(f, CM_ENOTFOUND, "no feed named '%s' in the cache %s", name,
                          f->cache_dir);
    cm_status s = cmi_cache_lock(f, 0);
    if (s != CM_OK)
        return s;
    feed_meta m;
    s = cmi_cache_read_meta(f, name, &m);
    if (s != CM_OK)
        goto out;
    if (m.nsnaps < 2) {
        s = cmi_feeds_fail(f, CM_ENOTFOUND, "feed '%s' has %s to go back to", name,
                       m.nsnaps ? "no earlier snapshot" : "no snapshot at all, and none");
        goto out;
    }
    feed_snap cur = m.snaps[0];
    memmove(m.snaps, m.snaps + 1, (m.nsnaps - 1) * sizeof *m.snaps);
    m.nsnaps--;
    cm_free(m.last_error);
    m.last_error = NULL;
    s = cmi_cache_write_meta(f, name, &m);
    if (s != CM_OK) {
        snap_free(&cur);
        goto out;
    }
    char rb[64];
    snprintf(rb, sizeof rb, "rolled-back.%s", cmi_cache_format_ext(cur.format));
    char *from = cmi_cache_path(f, name, cur.file), *to = cmi_cache_path(f, name, rb);
    char *rj = cmi_cache_path(f, name, "rejects.jsonl");
    char *rjto = cmi_cache_path(f, name, "rolled-back.rejects.jsonl");
    if (from && to)
        rename(from, to);
    if (rj && rjto)
        rename(rj, rjto);
    cmi_feeds_fail(f, CM_OK, "feed '%s': now on %s (%zu records, fetched %lld); the snapshot that "
               "was in use is kept as %s", name, m.snaps[0].file, m.snaps[0].records,
               m.snaps[0].fetched, to ? to : rb);
    cm_free(from);
    cm_free(to);
    cm_free(rj);
    cm_free(rjto);
    snap_free(&cur);
out:
    cmi_feed_meta_free(&m);
    cmi_cache_unlock(f);
    return s;
}

/* ---- loading snapshots into an engine ------------------------------------------------------------ */

CM_API cm_status cm_feeds_load_into(cm_feeds *f, cm_engine *e, const cm_load_options *o,
                                    cm_diags *diags, size_t *missing)
{
    if (f == NULL || e == NULL)
        return CM_EUSAGE;
    size_t nmissing = 0;
    char names[1024] = "";
    size_t nl = 0;
    cmi_err_clear();
    for (size_t i = 0; i < f->ndefs; i++) {
        const feed_def *d = &f->defs[i];
        feed_meta m;
        cm_status s = cmi_cache_read_meta(f, d->name, &m);
        if (s != CM_OK)
            return s;
        if (m.nsnaps == 0) {
            nmissing++;
            int w = snprintf(names + nl, sizeof names - nl, "%s'%s'", nl ? ", " : "", d->name);
            if (w > 0 && (size_t)w < sizeof names - nl)
                nl += (size_t)w;
            cmi_feed_meta_free(&m);
            continue;
        }
        char *path = cmi_cache_path(f, d->name, m.snaps[0].file);
        size_t len = 0;
        char *data = path ? cmi_file_read(path, 0, &len) : NULL;
        if (data == NULL) {
            s = path == NULL || errno == ENOMEM
                    ? cmi_feeds_fail(f, CM_ENOMEM, "out of memory")
                    : cmi_feeds_fail(f, CM_EIO, "feed '%s': cannot read its snapshot %s: %s",
                                 d->name, path, strerror(errno));
            cm_free(path);
            cmi_feed_meta_free(&m);
            return s;
        }
        cm_load_options lo;
        if (o)
            lo = *o;
        else
            cm_load_options_init(&lo);
        lo.kind = d->kind;
        lo.format = m.snaps[0].format;
        lo.duplicates = CM_DUPLICATES_KEEP_FIRST;
        lo.rejects_path = NULL;
        cm_diags *own = NULL;
        if (m.snaps[0].rejected) {
            /* the records left out were reported (and kept) when it was fetched */
            lo.skip_invalid = 1;
            own = cm_diags_new();
        }
        char name[128];
        snprintf(name, sizeof name, "feed:%s", d->name);
        s = cm_engine_load_buffer(e, name, data, len, &lo, own ? own : diags);
        cm_diags_free(own);
        cm_free(data);
        if (s != CM_OK) {
            cmi_feeds_fail(f, s, "feed '%s': its snapshot %s does not load: %s", d->name, path,
                       cm_engine_errmsg(e));
            cm_free(path);
            cmi_feed_meta_free(&m);
            return s;
        }
        cm_free(path);
        cmi_feed_meta_free(&m);
    }
    if (missing)
        *missing = nmissing;
    if (nmissing)
        cmi_feeds_fail(f, CM_OK, "no snapshot yet for %s in the cache %s: run capmatch fetch",
                   names, f->cache_dir);
    return CM_OK;
}

/* ---- feeds known only from the cache ------------------------------------------------------- */

CM_API cm_status cm_feeds_add_cached(cm_feeds *f)
{
    if (f == NULL)
        return CM_EUSAGE;
    char **names = NULL;
    size_t n = 0;
    cm_status s = cmi_cache_list(f, &names, &n);
    if (s != CM_OK)
        return s;
    for (size_t k = 0; k < n && s == CM_OK; k++) {
        if (cm_feeds_find(f, names[k]) != (size_t)-1)
            continue;
        feed_meta m;
        if (cmi_cache_read_meta(f, names[k], &m) != CM_OK || m.url == NULL) {
            cmi_feed_meta_free(&m);
            continue;     /* not a feed's directory */
        }
        feed_def tmpl;
        cmi_feed_def_defaults(&tmpl);
        feed_def *d = cmi_feeds_new_def(f, &tmpl);
        if (d == NULL || (d->name = cm_strdup(names[k])) == NULL ||
            (d->url = cm_strdup(m.url)) == NULL || (d->shown_url = cm_strdup(m.url)) == NULL) {
            s = cmi_feeds_fail(f, CM_ENOMEM, "out of memory");
        } else {
            d->kind = m.kind;
            d->format = m.format;
            d->cached_only = 1;
        }
        cmi_feed_meta_free(&m);
    }
    for (size_t k = 0; k < n; k++)
        cm_free(names[k]);
    cm_free(names);
    return s;
}
