/*
 * event.c - a matchmaking event's constraints (see event.h): availability,
 * requests, locked meetings, named tables and breaks, each loaded from CSV
 * (columns by header name) or JSON (objects by key) into one row shape, so
 * that both formats are checked by the same code and report the same way:
 * FILE:LINE for CSV, FILE: record N (and jansson's line) for JSON. A load
 * is all or nothing: rows are collected apart and appended when all passed.
 */
#include "event.h"
#include "alloc.h"
#include "assign.h"
#include "csvread.h"
#include "err.h"
#include "file.h"
#include "jsonread.h"
#include "source.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_FILE_MAX ((size_t)256 << 20)
#define MAX_COLS 8

/* ---- local time ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

int cmi_time_parse(const char *s, long long *minutes)
{
    int y, mo, d, h, mi, n = 0;
    char sep;
    if (s == NULL || strlen(s) != 16 ||
        sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6 ||
        s[n] != '\0' || (sep != 'T' && sep != ' ') || s[4] != '-' || s[7] != '-' || s[13] != ':')
        return -1;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || h < 0 ||
        mi < 0 || mi > 59)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -1;
    *minutes = days_from_civil(y, (unsigned)mo, (unsigned)d) * 1440 + h * 60 + mi;
    return 0;
}

void cmi_time_format(long long minutes, char out[17])
{
    long long days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
    int rem = (int)(minutes - days * 1440);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", y, m, d, rem / 60, rem % 60);
    memcpy(out, buf, 16);
    out[16] = '\0';
}

/* "START/END", END a full time or "HH:MM" of START's day */
static int parse_window(const char *s, long long *from, long long *to)
{
    const char *slash = strchr(s, '/');
    if (slash == NULL || slash - s != 16)
        return -1;
    char a[17], b[17];
    memcpy(a, s, 16);
    a[16] = '\0';
    const char *e = slash + 1;
    if (strlen(e) == 5) {
        memcpy(b, s, 11);
        memcpy(b + 11, e, 5);
        b[16] = '\0';
    } else if (strlen(e) == 16) {
        memcpy(b, e, 17);
    } else {
        return -1;
    }
    if (cmi_time_parse(a, from) < 0 || cmi_time_parse(b, to) < 0 || *to <= *from)
        return -1;
    return 0;
}

const char *cmi_event_status_name(int status)
{
    switch (status) {
    case EV_REQUESTED: return "requested";
    case EV_ACCEPTED: return "accepted";
    case EV_MUST: return "must";
    case EV_DECLINED: return "declined";
    case EV_NEVER: return "never";
    case EV_LOCKED: return "locked";
    default: return NULL;
    }
}

static int status_of(const char *s)
{
    for (int k = EV_REQUESTED; k <= EV_NEVER; k++)
        if (strcmp(s, cmi_event_status_name(k)) == 0)
            return k;
    return 0;
}

/* ---- the event ---- */

CM_API cm_event *cm_event_new(void) { return cm_calloc(1, sizeof(cm_event)); }

static void free_rows(cm_event *ev, size_t nav, size_t nrq, size_t nlk, size_t ntb)
{
    for (size_t i = nav; i < ev->nav; i++) {
        cm_free(ev->av[i].id);
        cm_free(ev->av[i].where);
    }
    for (size_t i = nrq; i < ev->nrq; i++) {
        cm_free(ev->rq[i].e);
        cm_free(ev->rq[i].r);
        cm_free(ev->rq[i].where);
    }
    for (size_t i = nlk; i < ev->nlk; i++) {
        cm_free(ev->lk[i].e);
        cm_free(ev->lk[i].r);
        cm_free(ev->lk[i].where);
        cm_free(ev->lk[i].table_name);
    }
    for (size_t i = ntb; i < ev->ntb; i++) {
        cm_free(ev->tb[i].name);
        cm_free(ev->tb[i].room);
    }
    ev->nav = nav;
    ev->nrq = nrq;
    ev->nlk = nlk;
    ev->ntb = ntb;
}

CM_API void cm_event_free(cm_event *ev)
{
    if (ev == NULL)
        return;
    free_rows(ev, 0, 0, 0, 0);
    cm_free(ev->av);
    cm_free(ev->rq);
    cm_free(ev->lk);
    cm_free(ev->tb);
    cm_free(ev->br);
    cm_free(ev);
}

CM_API cm_status cm_event_add_break(cm_event *ev, const char *window)
{
    if (ev == NULL || window == NULL)
        return cmi_err_set(CM_EUSAGE, "no event or break");
    ev_window w;
    if (parse_window(window, &w.from, &w.to) < 0)
        return cmi_err_set(CM_EUSAGE, "a break is START/END, e.g. 2026-05-20T10:30/11:00, "
                                      "with END after START, not \"%.60s\"", window);
    if (cm_grow((void **)&ev->br, &ev->capbr, ev->nbr + 1, sizeof *ev->br) < 0)
        return cmi_err_set(CM_ENOMEM, "out of memory");
    ev->br[ev->nbr++] = w;
    return CM_OK;
}

/* ---- one row of any file, whatever its format ---- */

typedef struct spec {
    const char *kind;             /* "availability" ... */
    const char *key;              /* JSON: the array under this key of an object */
    const char *alt_key;          /* or this one */
    const char *cols[MAX_COLS];   /* column names, NULL-ended */
    unsigned required;            /* bit i: cols[i] must be there */
} spec;

typedef struct row {
    const char *v[MAX_COLS];      /* NULL: absent or empty */
    const char *path;
    unsigned long line;           /* CSV line, or 0 */
    size_t record;                /* JSON record (1-based), or 0 */
} row;

static const spec specs[] = {
    [CM_EVENT_AVAILABILITY] = { "availability", "availability", "participants",
                                { "id", "from", "to", "kind", NULL }, 7 },
    [CM_EVENT_REQUESTS] = { "requests", "requests", NULL,
                            { "enterprise", "region", "status", NULL }, 7 },
    [CM_EVENT_LOCK] = { "lock", "results", "meetings",
                        { "enterprise", "region", "start", "table", "table_name", "score", NULL },
                        7 },
    [CM_EVENT_TABLES] = { "tables", "tables", NULL, { "name", "room", NULL }, 1 },
};

static char *where_of(const row *w)
{
    char buf[600];
    if (w->line)
        snprintf(buf, sizeof buf, "%s:%lu", w->path, w->line);
    else
        snprintf(buf, sizeof buf, "%s: record %zu", w->path, w->record);
    return cm_strdup(buf);
}

static cm_status row_fail(const row *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cm_status row_fail(const row *w, const char *fmt, ...)
{
    char msg[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->line)
        return cmi_err_set(CM_EINPUT, "%s:%lu: %s", w->path, w->line, msg);
    return cmi_err_set(CM_EINPUT, "%s: record %zu: %s", w->path, w->record, msg);
}

static cm_status bad_time(const row *w, const char *col, const char *v)
{
    return row_fail(w, "field \"%s\": expected a time like 2026-05-20T09:00, found \"%.40s\"", col,
                    v);
}

/* Check one row and add it to ev. */
static cm_status take_row(cm_event *ev, cm_event_file what, const row *w)
{
    const spec *sp = &specs[what];
    for (int i = 0; sp->cols[i]; i++)
        if ((sp->required >> i & 1) && w->v[i] == NULL)
            return row_fail(w, "field \"%s\" is missing or empty", sp->cols[i]);
    char *where = where_of(w);
    if (where == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory");
    cm_status st = CM_ENOMEM;
    switch (what) {
    case CM_EVENT_AVAILABILITY: {
        ev_avail a = { NULL, where, -1, 0, 0 };
        if (cmi_time_parse(w->v[1], &a.from) < 0) {
            st = bad_time(w, "from", w->v[1]);
            break;
        }
        if (cmi_time_parse(w->v[2], &a.to) < 0) {
            st = bad_time(w, "to", w->v[2]);
            break;
        }
        if (a.to <= a.from) {
            st = row_fail(w, "field \"to\": %s is not after \"from\" (%s)", w->v[2], w->v[1]);
            break;
        }
        if (w->v[3]) {
            if (strcmp(w->v[3], "enterprise") == 0 || strcmp(w->v[3], "enterprises") == 0)
                a.side = PSIDE_E;
            else if (strcmp(w->v[3], "region") == 0 || strcmp(w->v[3], "regions") == 0)
                a.side = PSIDE_R;
            else {
                st = row_fail(w, "field \"kind\": expected enterprise or region, found \"%.40s\"",
                              w->v[3]);
                break;
            }
        }
        a.id = cm_strdup(w->v[0]);
        if (a.id == NULL ||
            cm_grow((void **)&ev->av, &ev->capav, ev->nav + 1, sizeof *ev->av) < 0) {
            cm_free(a.id);
            break;
        }
        ev->av[ev->nav++] = a;
        return CM_OK;
    }
    case CM_EVENT_REQUESTS: {
        int s = status_of(w->v[2]);
        if (s == 0) {
            st = row_fail(w, "field \"status\": expected requested, accepted, declined, must or "
                             "never, found \"%.40s\"", w->v[2]);
            break;
        }
        for (size_t i = 0; i < ev->nrq; i++)
            if (strcmp(ev->rq[i].e, w->v[0]) == 0 && strcmp(ev->rq[i].r, w->v[1]) == 0 &&
                ev->rq[i].status != s) {
                st = row_fail(w, "%s and %s are %s here but %s at %s", w->v[0], w->v[1],
                              w->v[2], cmi_event_status_name(ev->rq[i].status), ev->rq[i].where);
                cm_free(where);
                return st;
            }
        ev_request q = { cm_strdup(w->v[0]), cm_strdup(w->v[1]), where, s };
        if (q.e == NULL || q.r == NULL ||
            cm_grow((void **)&ev->rq, &ev->caprq, ev->nrq + 1, sizeof *ev->rq) < 0) {
            cm_free(q.e);
            cm_free(q.r);
            break;
        }
        ev->rq[ev->nrq++] = q;
        return CM_OK;
    }
    case CM_EVENT_LOCK: {
        ev_lock l = { NULL, NULL, where, NULL, 0, 0, 0 };
        if (cmi_time_parse(w->v[2], &l.start) < 0) {
            st = bad_time(w, "start", w->v[2]);
            break;
        }
        if (w->v[3]) {
            char *end;
            errno = 0;
            unsigned long t = strtoul(w->v[3], &end, 10);
            if (*end || end == w->v[3] || errno || t < 1 || t > 1000000 || w->v[3][0] == '-') {
                st = row_fail(w, "field \"table\": expected a table number from 1, found "
                                 "\"%.40s\"", w->v[3]);
                break;
            }
            l.table = (unsigned)t;
        }
        if (w->v[5]) {
            char *end;
            l.score = strtod(w->v[5], &end);
            if (*end || end == w->v[5] || !(l.score >= 0 && l.score <= 1)) {
                st = row_fail(w, "field \"score\": expected a number in [0, 1], found \"%.40s\"",
                              w->v[5]);
                break;
            }
        }
        if (l.table == 0 && w->v[4] == NULL) {
            st = row_fail(w, "give the meeting's \"table\" (a number) or \"table_name\"");
            break;
        }
        l.e = cm_strdup(w->v[0]);
        l.r = cm_strdup(w->v[1]);
        l.table_name = w->v[4] ? cm_strdup(w->v[4]) : NULL;
        if (l.e == NULL || l.r == NULL || (w->v[4] && l.table_name == NULL) ||
            cm_grow((void **)&ev->lk, &ev->caplk, ev->nlk + 1, sizeof *ev->lk) < 0) {
            cm_free(l.e);
            cm_free(l.r);
            cm_free(l.table_name);
            break;
        }
        ev->lk[ev->nlk++] = l;
        return CM_OK;
    }
    case CM_EVENT_TABLES: {
        for (size_t i = 0; i < ev->ntb; i++)
            if (strcmp(ev->tb[i].name, w->v[0]) == 0) {
                st = row_fail(w, "table \"%.60s\" is named twice", w->v[0]);
                cm_free(where);
                return st;
            }
        ev_table t = { cm_strdup(w->v[0]), w->v[1] ? cm_strdup(w->v[1]) : NULL };
        cm_free(where);
        if (t.name == NULL || (w->v[1] && t.room == NULL) ||
            cm_grow((void **)&ev->tb, &ev->captb, ev->ntb + 1, sizeof *ev->tb) < 0) {
            cm_free(t.name);
            cm_free(t.room);
            return cmi_err_set(CM_ENOMEM, "out of memory");
        }
        ev->tb[ev->ntb++] = t;
        return CM_OK;
    }
    }
    cm_free(where);
    return st == CM_ENOMEM ? cmi_err_set(CM_ENOMEM, "out of memory") : st;
}

/* ---- CSV ---- */

static cm_status load_csv(cm_event *ev, cm_event_file what, const char *path, const char *data,
                          size_t len)
{
    const spec *sp = &specs[what];
    source src;
    cmi_src_init_memory(&src, data, len);
    csvr c;
    cmi_csvr_init(&c, &src, 0, 1 << 20);
    int col[MAX_COLS];
    int ncols = 0, header = 1;
    for (; sp->cols[ncols]; ncols++)
        col[ncols] = -1;
    cm_status st = CM_OK;
    int k;
    while (st == CM_OK && (k = cmi_csvr_next(&c)) == 1) {
        row w = { { NULL }, path, cmi_src_line(&src, c.start), 0 };
        if (c.too_long) {
            st = row_fail(&w, "the line is over 1 MiB");
            break;
        }
        if (header) {
            header = 0;
            for (size_t f = 0; f < c.nfields; f++) {
                const char *name = c.text + c.fields[f].off;
                if (f == 0 && strncmp(name, "\xef\xbb\xbf", 3) == 0)
                    name += 3;    /* a byte-order mark */
                for (int i = 0; i < ncols; i++)
                    if (strcmp(name, sp->cols[i]) == 0 && col[i] < 0)
                        col[i] = (int)f;
            }
            for (int i = 0; i < ncols; i++)
                if ((sp->required >> i & 1) && col[i] < 0) {
                    st = row_fail(&w, "the header has no \"%s\" column (%s files have %s)",
                                  sp->cols[i], sp->kind,
                                  what == CM_EVENT_AVAILABILITY ? "id,from,to[,kind]"
                                  : what == CM_EVENT_REQUESTS ? "enterprise,region,status"
                                  : what == CM_EVENT_LOCK ? "enterprise,region,start,table"
                                                          : "name[,room]");
                    break;
                }
            continue;
        }
        int empty = 1;
        for (int i = 0; i < ncols; i++) {
            if (col[i] >= 0 && (size_t)col[i] < c.nfields && c.fields[col[i]].len)
                w.v[i] = c.text + c.fields[col[i]].off;
            if (w.v[i])
                empty = 0;
        }
        /* a lock file may be a whole earlier schedule: its unplaced rows
         * have no start */
        if (empty || (what == CM_EVENT_LOCK && w.v[2] == NULL && w.v[0] && w.v[1]))
            continue;
        st = take_row(ev, what, &w);
    }
    if (st == CM_OK && k < 0) {
        row w = { { NULL }, path, cmi_src_line(&src, c.error_at), 0 };
        st = c.error == CSVR_NOMEM ? cmi_err_set(CM_ENOMEM, "out of memory")
             : row_fail(&w, "%s", c.error == CSVR_QUOTE ? "a stray quote (a field with a quote "
                                                         "must be quoted whole)"
                                  : c.error == CSVR_UNCLOSED ? "a quoted field is never closed"
                                                             : "a NUL byte");
    }
    if (st == CM_OK && header)
        st = cmi_err_set(CM_EINPUT, "%s:1: an empty file (expected a header row)", path);
    cmi_csvr_free(&c);
    cmi_src_free(&src);
    return st;
}

/* ---- JSON ---- */

static const char *json_text(json_t *v, char *buf, size_t n)
{
    if (json_is_string(v))
        return json_string_length(v) ? json_string_value(v) : NULL;
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    if (json_is_real(v)) {
        snprintf(buf, n, "%.17g", json_real_value(v));
        return buf;
    }
    return NULL;
}

static cm_status json_row(cm_event *ev, cm_event_file what, const char *path, size_t rec,
                          json_t *obj, json_t *window)
{
    const spec *sp = &specs[what];
    char nums[MAX_COLS][40];
    row w = { { NULL }, path, 0, rec };
    if (!json_is_object(obj))
        return row_fail(&w, "expected an object");
    for (int i = 0; sp->cols[i]; i++) {
        json_t *v = json_object_get(window && (i == 1 || i == 2) ? window : obj, sp->cols[i]);
        if (v && !json_is_null(v) && !json_is_string(v) && !json_is_number(v))
            return row_fail(&w, "field \"%s\": expected a string, found %s", sp->cols[i],
                            json_is_object(v) ? "an object" : json_is_array(v) ? "an array"
                                                                                : "a boolean");
        w.v[i] = v ? json_text(v, nums[i], sizeof nums[i]) : NULL;
    }
    return take_row(ev, what, &w);
}

static cm_status load_json(cm_event *ev, cm_event_file what, const char *path, const char *data,
                           size_t len)
{
    const spec *sp = &specs[what];
    json_error_t je;
    source src;
    int nomem = 0;
    cmi_src_init_memory(&src, data, len);
    json_t *doc = cmi_jsonr_parse(&src, 0, len, JSON_REJECT_DUPLICATES, &je, &nomem);
    cmi_src_free(&src);
    if (doc == NULL && nomem)
        return cmi_err_set(CM_ENOMEM, "out of memory");
    if (doc == NULL)
        return cmi_err_set(CM_EINPUT, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    json_t *arr = doc;
    if (json_is_object(doc)) {
        arr = json_object_get(doc, sp->key);
        if (arr == NULL && sp->alt_key)
            arr = json_object_get(doc, sp->alt_key);
    }
    cm_status st = CM_OK;
    if (!json_is_array(arr)) {
        st = cmi_err_set(CM_EINPUT, "%s: expected an array of %s, or an object with \"%s\"", path,
                         sp->kind, sp->key);
    } else {
        size_t i;
        json_t *it;
        json_array_foreach(arr, i, it) {
            if (st != CM_OK)
                break;
            if (what == CM_EVENT_TABLES && json_is_string(it)) {
                json_t *o = json_pack("{s:O}", "name", it);
                st = o ? json_row(ev, what, path, i + 1, o, NULL) : CM_ENOMEM;
                json_decref(o);
                continue;
            }
            json_t *wins = json_is_object(it) ? json_object_get(it, "windows") : NULL;
            if (what == CM_EVENT_AVAILABILITY && json_is_array(wins)) {
                size_t j;
                json_t *win;
                json_array_foreach(wins, j, win) {
                    if (!json_is_object(win)) {
                        row w = { { NULL }, path, 0, i + 1 };
                        st = row_fail(&w, "window %zu: expected an object with from and to",
                                      j + 1);
                    } else {
                        st = json_row(ev, what, path, i + 1, it, win);
                    }
                    if (st != CM_OK)
                        break;
                }
                continue;
            }
            st = json_row(ev, what, path, i + 1, it, NULL);
        }
    }
    json_decref(doc);
    return st == CM_ENOMEM ? cmi_err_set(CM_ENOMEM, "out of memory") : st;
}

CM_API cm_status cm_event_load(cm_event *ev, cm_event_file what, const char *path)
{
    if (ev == NULL || path == NULL || what < CM_EVENT_AVAILABILITY || what > CM_EVENT_TABLES)
        return cmi_err_set(CM_EUSAGE, "cm_event_load: an event, a kind of file and a path");
    size_t len;
    char *data = cmi_file_read(path, EVENT_FILE_MAX, &len);
    if (data == NULL)
        return errno == ENOMEM ? cmi_err_set(CM_ENOMEM, "out of memory")
               : cmi_err_set(CM_EIO, "cannot read %s: %s", path, strerror(errno));
    size_t nav = ev->nav, nrq = ev->nrq, nlk = ev->nlk, ntb = ev->ntb;
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", data[i]))
        i++;
    if (len - i >= 3 && memcmp(data + i, "\xef\xbb\xbf", 3) == 0)
        i += 3;
    cm_status st = i < len && (data[i] == '[' || data[i] == '{')
                       ? load_json(ev, what, path, data + i, len - i)
                       : load_csv(ev, what, path, data, len);
    if (st == CM_OK && what == CM_EVENT_TABLES && ev->ntb == ntb)
        st = cmi_err_set(CM_EINPUT, "%s: no tables", path);
    if (st != CM_OK)
        free_rows(ev, nav, nrq, nlk, ntb);
    cm_free(data);
    return st;
}

/* ---- the pairs the event adds ---- */

static cm_status add_one(cm_pairs *p, const char *e, const char *r, double score,
                         const char *where)
{
    uint32_t ei = cmi_pairs_find(p, PSIDE_E, e), ri = cmi_pairs_find(p, PSIDE_R, r);
    if (ei != UINT32_MAX && ri != UINT32_MAX && cmi_pairs_pair(p, ei, ri) != UINT32_MAX)
        return CM_OK;
    cm_status st = cm_pairs_add(p, e, r, score, score, NULL);
    if (st == CM_ENOTFOUND)
        return cmi_err_set(CM_ENOTFOUND, "%s: %s", where, cm_pairs_errmsg(p));
    return st;
}

CM_API cm_status cm_event_add_pairs(const cm_event *ev, cm_pairs *p)
{
    if (ev == NULL || p == NULL)
        return cmi_err_set(CM_EUSAGE, "no event or pairs");
    for (size_t i = 0; i < ev->nlk; i++) {
        cm_status st = add_one(p, ev->lk[i].e, ev->lk[i].r, ev->lk[i].score, ev->lk[i].where);
        if (st != CM_OK)
            return st;
    }
    for (size_t i = 0; i < ev->nrq; i++) {
        const ev_request *q = &ev->rq[i];
        if (q->status == EV_DECLINED || q->status == EV_NEVER)
            continue;
        cm_status st = add_one(p, q->e, q->r, 0, q->where);
        if (st != CM_OK)
            return st;
    }
    return CM_OK;
}
