/*
 * merge.c - cm_merge: the JSON Lines outputs of capmatch match over shards
 * (--shard I/N) or parts of the enterprises (--part I/N), read line by line
 * in any order, checked to come from one run (their meta lines) and
 * combined into what one run over the whole input writes.
 *
 * Rows are kept as the text they were written in (numbers and strings stay
 * byte for byte); only "rank" is rewritten where a region's lists from
 * several parts are merged, and the "position" the shard added is dropped.
 * Holds at most top rows per ranked profile. Batch layer: uses the base
 * (alloc, err, buf), the JSON line reader (jsonread.h) and jansson only.
 */
#include "capmatch.h"
#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "jsonread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MERGE_MAX_LINE ((size_t)64 << 20)   /* one row or meta line, bytes */
#define WHERE_MAX 512

typedef struct mrow {
    char *text;               /* the row as written, without its "position" */
    size_t len;
    size_t rank_at, rank_len; /* the digits of "rank" in text */
    double score;             /* what the list is ranked by */
    char *partner;            /* the partner's id */
    int reranked;             /* diversity or sensitivity figures: not mergeable */
} mrow;

typedef struct mgroup {
    uint64_t key;             /* part << 32 | position: the order of the output */
    char *id;                 /* the ranked profile */
    char *where;              /* file:line of its first row */
    size_t source;            /* the output its rows came from (first) */
    size_t last_source;
    int combined;             /* rows of several parts, merged by score */
    mrow *rows;
    size_t n, cap;
} mgroup;

typedef struct mshard {
    char *where;              /* file:line of its meta line */
    unsigned shard_i, shard_n, part_i, part_n;
    char *ent_inputs;         /* its enterprises' "inputs" entries, as text */
} mshard;

struct cm_merge {
    json_t *meta;             /* the first output's meta, without what may differ */
    char *meta_text;          /* its meta line as written */
    size_t meta_len;
    int by_region;
    size_t top;
    int has_positions;        /* the first output is a shard or a part */
    mshard *shards;
    size_t nshards, shards_cap;
    mgroup *groups;
    size_t ngroups, groups_cap;
    uint32_t *table;          /* open addressing: group index + 1, 0 empty */
    size_t table_size;
    size_t cur;               /* the output being read: its shard, or SIZE_MAX */
    uint64_t seq;             /* profiles of an output without positions */
    const char *last_id;      /* ... and the profile its last row was for */
    size_t rows_out;
    int failed;               /* a call failed: the merge is no longer whole */
};

static cm_status fail(cm_status s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cm_status fail(cm_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cmi_err_vset(s, fmt, ap);
    va_end(ap);
    return s;
}

CM_API cm_merge *cm_merge_new(void)
{
    cm_merge *m = cm_calloc(1, sizeof *m);
    if (m == NULL) {
        cmi_err_set(CM_ENOMEM, "out of memory");
        return NULL;
    }
    m->cur = SIZE_MAX;
    return m;
}

CM_API void cm_merge_free(cm_merge *m)
{
    if (m == NULL)
        return;
    json_decref(m->meta);
    cm_free(m->meta_text);
    for (size_t i = 0; i < m->nshards; i++) {
        cm_free(m->shards[i].where);
        cm_free(m->shards[i].ent_inputs);
    }
    cm_free(m->shards);
    for (size_t g = 0; g < m->ngroups; g++) {
        mgroup *gr = &m->groups[g];
        for (size_t i = 0; i < gr->n; i++) {
            cm_free(gr->rows[i].text);
            cm_free(gr->rows[i].partner);
        }
        cm_free(gr->rows);
        cm_free(gr->id);
        cm_free(gr->where);
    }
    cm_free(m->groups);
    cm_free(m->table);
    cm_free(m);
}

CM_API const char *cm_merge_errmsg(const cm_merge *m)
{
    (void)m;
    return cmi_err_get();
}

CM_API size_t cm_merge_count(const cm_merge *m, size_t *outputs)
{
    if (outputs)
        *outputs = m ? m->nshards : 0;
    return m ? m->rows_out : 0;
}

/* ---- the members of a line's JSON text ------------------------------------------
 * The text was parsed by jansson first, so it is valid JSON: these only find
 * where things are in it. */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* Past the end of the value that starts at i. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return n;
    if (s[i] == '"') {
        for (i++; i < n && s[i] != '"'; i++)
            if (s[i] == '\\')
                i++;
        return i < n ? i + 1 : n;
    }
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        for (; i < n; i++) {
            if (s[i] == '"') {
                i = skip_value(s, n, i) - 1;
            } else if (s[i] == '{' || s[i] == '[') {
                depth++;
            } else if (s[i] == '}' || s[i] == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return n;
    }
    while (i < n && !strchr(",}] \t\r\n", s[i]))
        i++;
    return i;
}

typedef struct span {
    size_t m0;                /* the member: from the comma before it (if any) or its key */
    size_t k0;                /* its key's opening quote */
    size_t v0, v1;            /* its value */
    size_t m1;                /* past the comma after it, when it is the first member */
} span;

/* The member key of the object that starts at obj: 0 and *sp, or -1. */
static int member(const char *s, size_t n, size_t obj, const char *key, span *sp)
{
    size_t klen = strlen(key), i = skip_ws(s, n, obj + 1), prev_end = SIZE_MAX;
    while (i < n && s[i] == '"') {
        size_t kend = skip_value(s, n, i);
        size_t v0 = skip_ws(s, n, skip_ws(s, n, kend) + 1);
        size_t v1 = skip_value(s, n, v0);
        size_t after = skip_ws(s, n, v1);
        if (kend - i == klen + 2 && memcmp(s + i + 1, key, klen) == 0) {
            sp->k0 = i;
            sp->v0 = v0;
            sp->v1 = v1;
            sp->m0 = prev_end == SIZE_MAX ? i : prev_end;
            sp->m1 = prev_end == SIZE_MAX && after < n && s[after] == ',' ? after + 1 : v1;
            return 0;
        }
        if (after >= n || s[after] != ',')
            break;
        prev_end = v1;
        i = skip_ws(s, n, after + 1);
    }
    return -1;
}

/* s[0..n) without the member at sp (and its comma), into b. */
static void put_without(textbuf *b, const char *s, size_t n, const span *sp)
{
    cmi_buf_put(b, s, sp->m0);
    size_t from = sp->m0 == sp->k0 ? sp->m1 : sp->v1;
    cmi_buf_put(b, s + from, n - from);
}

/* ---- outputs: their meta lines ------------------------------------------------ */

static int parse_split(json_t *meta, const char *key, unsigned *i, unsigned *n)
{
    json_t *v = json_object_get(meta, key);
    *i = 0;
    *n = 1;
    if (v == NULL)
        return 0;
    char c;
    if (!json_is_string(v) || sscanf(json_string_value(v), "%u/%u%c", i, n, &c) != 2 || *n < 1 ||
        *i >= *n)
        return -1;
    return 0;
}

/* A short text of a JSON value for a message. */
static void show(char *buf, size_t cap, json_t *v)
{
    char *t = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER) : NULL;
    if (t == NULL) {
        snprintf(buf, cap, "%s", v ? "?" : "(none)");
        return;
    }
    if (strlen(t) >= cap && cap > 4)
        snprintf(buf, cap, "%.*s...", (int)cap - 4, t);
    else
        snprintf(buf, cap, "%s", t);
    cm_free(t);               /* jansson allocates through cm_malloc (alloc.c) */
}

/* What makes two outputs different runs, in words. */
static void differs(char *buf, size_t cap, json_t *a, json_t *b)
{
    const char *key;
    json_t *va;
    char x[300], y[300];
    json_object_foreach(a, key, va) {
        json_t *vb = json_object_get(b, key);
        if (json_equal(va, vb))
            continue;
        if (strcmp(key, "policy") == 0) {
            const char *names[] = { "name", "sha256", "file" };
            for (int k = 0; k < 3; k++)
                if (!json_equal(json_object_get(va, names[k]), json_object_get(vb, names[k]))) {
                    show(x, sizeof x, json_object_get(va, names[k]));
                    show(y, sizeof y, json_object_get(vb, names[k]));
                    snprintf(buf, cap, "a different policy: its %s is %s, not %s",
                             k == 1 ? "hash (sha256)" : names[k], y, x);
                    return;
                }
        }
        show(x, sizeof x, va);
        show(y, sizeof y, vb);
        snprintf(buf, cap, "its \"%s\" is %s, not %s", key, y, x);
        return;
    }
    json_object_foreach(b, key, va) {
        if (json_object_get(a, key) == NULL) {
            show(y, sizeof y, va);
            snprintf(buf, cap, "it has \"%s\": %s, the first has none", key, y);
            return;
        }
    }
    snprintf(buf, cap, "its meta differs");
}

/* The enterprises' entries of the meta's "inputs" (at obj in s), as text. */
static char *enterprise_inputs(const char *s, size_t n, size_t obj, json_t *inputs)
{
    span sp;
    textbuf b = BUF_INIT;
    cmi_buf_puts(&b, "");
    if (member(s, n, obj, "inputs", &sp) < 0 || s[sp.v0] != '[')
        return b.s;
    size_t i = skip_ws(s, n, sp.v0 + 1);
    for (size_t k = 0; k < json_array_size(inputs) && i < sp.v1; k++) {
        size_t e = skip_value(s, n, i);
        const char *kind = json_string_value(json_object_get(json_array_get(inputs, k), "kind"));
        if (kind && strcmp(kind, "enterprises") == 0) {
            if (b.len)
                cmi_buf_putc(&b, ',');
            cmi_buf_put(&b, s + i, e - i);
        }
        i = skip_ws(s, n, e);
        if (i < n && s[i] == ',')
            i = skip_ws(s, n, i + 1);
    }
    if (b.nomem) {
        cmi_buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* The meta without what differs between the outputs of one run. */
static json_t *run_identity(json_t *meta, int parted)
{
    json_t *c = json_deep_copy(meta);
    if (c == NULL)
        return NULL;
    json_object_del(c, "shard");
    json_object_del(c, "part");
    json_t *in = json_object_get(c, "inputs");
    if (parted && json_is_array(in))
        for (size_t k = json_array_size(in); k-- > 0;) {
            const char *kind = json_string_value(json_object_get(json_array_get(in, k), "kind"));
            if (kind && strcmp(kind, "enterprises") == 0)
                json_array_remove(in, k);
        }
    return c;
}

static cm_status meta_line(cm_merge *m, const char *where, const char *s, size_t n, json_t *line)
{
    json_t *meta = json_object_get(line, "meta");
    if (!json_is_object(meta))
        return fail(CM_EINPUT, "%s: \"meta\" is not an object", where);
    mshard sh = { NULL, 0, 1, 0, 1, NULL };
    if (parse_split(meta, "shard", &sh.shard_i, &sh.shard_n) < 0 ||
        parse_split(meta, "part", &sh.part_i, &sh.part_n) < 0)
        return fail(CM_EINPUT, "%s: \"shard\" and \"part\" must be \"I/N\" with 0 <= I < N",
                    where);
    const char *by = json_string_value(json_object_get(meta, "by"));
    json_t *top = json_object_get(meta, "top");
    if (by == NULL || (strcmp(by, "enterprise") != 0 && strcmp(by, "region") != 0) ||
        !json_is_integer(top) || json_integer_value(top) < 1)
        return fail(CM_EINPUT, "%s: the meta line has no \"by\" (enterprise or region) and "
                    "\"top\": not the output of capmatch match --format jsonl", where);
    span msp;
    if (member(s, n, 0, "meta", &msp) < 0)
        return fail(CM_EINPUT, "%s: cannot find \"meta\" in the line", where);
    json_t *id = run_identity(meta, sh.part_n > 1);
    if (id == NULL)
        return fail(CM_ENOMEM, "out of memory");
    if (m->nshards == 0) {
        m->meta = id;
        m->meta_text = cm_strndup(s, n);
        if (m->meta_text == NULL)
            return fail(CM_ENOMEM, "out of memory");
        m->meta_len = n;
        m->by_region = strcmp(by, "region") == 0;
        m->top = (size_t)json_integer_value(top);
        m->has_positions = sh.shard_n > 1 || sh.part_n > 1;
    } else {
        if (!json_equal(m->meta, id)) {
            char why[800];
            differs(why, sizeof why, m->meta, id);
            json_decref(id);
            return fail(CM_EINPUT, "%s: not from the same run as %s: %s; outputs of different "
                        "policies, inputs or settings cannot be merged", where,
                        m->shards[0].where, why);
        }
        json_decref(id);
        const mshard *f = &m->shards[0];
        if (sh.shard_n != f->shard_n || sh.part_n != f->part_n)
            return fail(CM_EINPUT, "%s: split %u ways (--shard %u/%u, --part %u/%u), but %s "
                        "%u ways (--shard %u/%u, --part %u/%u): not shards of one run", where,
                        sh.shard_n * sh.part_n, sh.shard_i, sh.shard_n, sh.part_i, sh.part_n,
                        f->where, f->shard_n * f->part_n, f->shard_i, f->shard_n, f->part_i,
                        f->part_n);
        for (size_t k = 0; k < m->nshards; k++)
            if (m->shards[k].shard_i == sh.shard_i && m->shards[k].part_i == sh.part_i) {
                char what[64];
                if (sh.part_n > 1 && sh.shard_n > 1)
                    snprintf(what, sizeof what, "shard %u/%u of part %u/%u", sh.shard_i,
                             sh.shard_n, sh.part_i, sh.part_n);
                else if (sh.part_n > 1)
                    snprintf(what, sizeof what, "part %u/%u", sh.part_i, sh.part_n);
                else if (sh.shard_n > 1)
                    snprintf(what, sizeof what, "shard %u/%u", sh.shard_i, sh.shard_n);
                else
                    snprintf(what, sizeof what, "the output of a whole run");
                return fail(CM_EINPUT, "%s: duplicated shard: %s is also at %s", where, what,
                            m->shards[k].where);
            }
    }
    sh.where = cm_strdup(where);
    sh.ent_inputs = enterprise_inputs(s, n, msp.v0, json_object_get(meta, "inputs"));
    if (sh.where == NULL || sh.ent_inputs == NULL ||
        cm_grow((void **)&m->shards, &m->shards_cap, m->nshards + 1, sizeof *m->shards) < 0) {
        cm_free(sh.where);
        cm_free(sh.ent_inputs);
        return fail(CM_ENOMEM, "out of memory");
    }
    m->shards[m->nshards] = sh;
    m->cur = m->nshards++;
    m->last_id = NULL;
    return CM_OK;
}

/* ---- rows ------------------------------------------------------------------------ */

static uint64_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static int table_grow(cm_merge *m)
{
    size_t size = m->table_size ? m->table_size * 2 : 1024;
    uint32_t *t = cm_calloc(size, sizeof *t);
    if (t == NULL)
        return -1;
    for (size_t g = 0; g < m->ngroups; g++) {
        size_t h = hash64(m->groups[g].key) & (size - 1);
        while (t[h])
            h = (h + 1) & (size - 1);
        t[h] = (uint32_t)(g + 1);
    }
    cm_free(m->table);
    m->table = t;
    m->table_size = size;
    return 0;
}

/* The group of key, made when new (*made set); NULL out of memory. */
static mgroup *group_of(cm_merge *m, uint64_t key, int *made)
{
    *made = 0;
    if ((m->ngroups + 1) * 2 > m->table_size && table_grow(m) < 0)
        return NULL;
    size_t h = hash64(key) & (m->table_size - 1);
    while (m->table[h]) {
        mgroup *g = &m->groups[m->table[h] - 1];
        if (g->key == key)
            return g;
        h = (h + 1) & (m->table_size - 1);
    }
    if (m->ngroups >= UINT32_MAX - 1 ||
        cm_grow((void **)&m->groups, &m->groups_cap, m->ngroups + 1, sizeof *m->groups) < 0)
        return NULL;
    mgroup *g = &m->groups[m->ngroups];
    memset(g, 0, sizeof *g);
    g->key = key;
    m->table[h] = (uint32_t)++m->ngroups;
    *made = 1;
    return g;
}

/* a ranks before b: the better score, then the smaller id (as cm_match) */
static int better(const mrow *a, const mrow *b)
{
    return a->score > b->score || (a->score == b->score && strcmp(a->partner, b->partner) < 0);
}

static int cmp_rows(const void *x, const void *y)
{
    const mrow *a = x, *b = y;
    return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

static void row_free(mrow *r)
{
    cm_free(r->text);
    cm_free(r->partner);
}

/* Add r to g's list (which takes r's memory, or frees it). */
static cm_status group_add(cm_merge *m, mgroup *g, mrow *r, const char *where)
{
    const char *side = m->by_region ? "region" : "enterprise";
    if (g->n && g->last_source != m->cur && !g->combined) {
        /* a second piece of this profile's list: only the parts of the
         * enterprises give a region several */
        const mshard *sh = &m->shards[m->cur];
        if (!m->by_region || sh->part_n < 2) {
            row_free(r);
            return fail(CM_EINPUT, "%s: %s \"%s\" was ranked already in %s (%s): its rows are "
                        "in two shards", where, side, g->id, m->shards[g->source].where, g->where);
        }
        for (size_t i = 0; i < g->n; i++)
            if (g->rows[i].reranked) {
                row_free(r);
                return fail(CM_EINPUT, "%s: region \"%s\" has lists from several parts, re-ranked "
                            "for diversity or with sensitivity figures: they cannot be merged "
                            "exactly (run the parts with --no-diverse, without --sensitivity)",
                            where, g->id);
            }
        qsort(g->rows, g->n, sizeof *g->rows, cmp_rows);
        g->combined = 1;
    }
    g->last_source = m->cur;
    if (g->combined && r->reranked) {
        row_free(r);
        return fail(CM_EINPUT, "%s: region \"%s\" has lists from several parts, re-ranked for "
                    "diversity or with sensitivity figures: they cannot be merged exactly "
                    "(run the parts with --no-diverse, without --sensitivity)", where, g->id);
    }
    if (g->combined) {
        for (size_t i = 0; i < g->n; i++)
            if (strcmp(g->rows[i].partner, r->partner) == 0) {
                cm_status s = fail(CM_EINPUT, "%s: enterprise \"%s\" is in two parts (region "
                                   "\"%s\" has it twice): the parts overlap", where, r->partner,
                                   g->id);
                row_free(r);
                return s;
            }
        size_t at = g->n;
        while (at > 0 && better(r, &g->rows[at - 1]))
            at--;
        if (at >= m->top) {
            row_free(r);
            return CM_OK;
        }
        if (g->n == m->top) {
            row_free(&g->rows[g->n - 1]);
            g->n--;
        }
        if (cm_grow((void **)&g->rows, &g->cap, g->n + 1, sizeof *g->rows) < 0) {
            row_free(r);
            return fail(CM_ENOMEM, "out of memory");
        }
        memmove(g->rows + at + 1, g->rows + at, (g->n - at) * sizeof *g->rows);
        g->rows[at] = *r;
        g->n++;
        return CM_OK;
    }
    if (g->n >= m->top) {
        row_free(r);
        return fail(CM_EINPUT, "%s: %s \"%s\" has more rows than the top (%zu) in one output",
                    where, side, g->id, m->top);
    }
    if (cm_grow((void **)&g->rows, &g->cap, g->n + 1, sizeof *g->rows) < 0) {
        row_free(r);
        return fail(CM_ENOMEM, "out of memory");
    }
    g->rows[g->n++] = *r;
    return CM_OK;
}

static cm_status row_line(cm_merge *m, const char *where, const char *s, size_t n, json_t *obj)
{
    if (m->cur == SIZE_MAX)
        return fail(CM_EINPUT, "%s: a row before any {\"meta\": ...} line: not the output of "
                    "capmatch match --format jsonl", where);
    const mshard *sh = &m->shards[m->cur];
    json_t *je = json_object_get(obj, "enterprise"), *jr = json_object_get(obj, "region");
    json_t *js = json_object_get(obj, "score"), *jk = json_object_get(obj, "rank");
    json_t *jrs = json_object_get(obj, "region_score"), *jp = json_object_get(obj, "position");
    const char *field = !json_is_string(je) ? "enterprise (a string)"
                        : !json_is_string(jr) ? "region (a string)"
                        : !json_is_number(js) ? "score (a number)"
                        : !json_is_integer(jk) || json_integer_value(jk) < 1
                            ? "rank (a whole number from 1)"
                        : jrs && !json_is_number(jrs) ? "region_score (a number)"
                        : jp && (!json_is_integer(jp) || json_integer_value(jp) < 0 ||
                                 json_integer_value(jp) > UINT32_MAX)
                            ? "position (a whole number from 0)"
                        : NULL;
    if (field)
        return fail(CM_EINPUT, "%s: a row needs the field %s", where, field);
    if (m->has_positions && jp == NULL)
        return fail(CM_EINPUT, "%s: a row of a shard without its \"position\" (the place of its "
                    "profile in the input): made by a capmatch older than merge?", where);
    const char *outer = json_string_value(m->by_region ? jr : je);
    const char *partner = json_string_value(m->by_region ? je : jr);
    uint64_t key;
    if (jp) {
        uint64_t part = m->by_region ? 0 : sh->part_i;
        key = part << 32 | (uint64_t)json_integer_value(jp);
    } else {
        if (m->last_id == NULL || strcmp(m->last_id, outer) != 0)
            m->seq++;
        key = m->seq;
    }
    span rk, pos;
    if (member(s, n, 0, "rank", &rk) < 0 || (jp && member(s, n, 0, "position", &pos) < 0))
        return fail(CM_EINPUT, "%s: \"rank\" or \"position\" is written in a way merge cannot "
                    "rewrite (an escaped key?)", where);
    mrow r;
    memset(&r, 0, sizeof r);
    textbuf b = BUF_INIT;
    if (jp)
        put_without(&b, s, n, &pos);
    else
        cmi_buf_put(&b, s, n);
    r.partner = cm_strdup(partner);
    if (b.nomem || r.partner == NULL) {
        cmi_buf_free(&b);
        cm_free(r.partner);
        return fail(CM_ENOMEM, "out of memory");
    }
    r.text = b.s;
    r.len = b.len;
    r.rank_at = jp && pos.k0 < rk.k0 ? rk.v0 - ((pos.m0 == pos.k0 ? pos.m1 : pos.v1) - pos.m0)
                                     : rk.v0;
    r.rank_len = rk.v1 - rk.v0;
    r.score = json_number_value(m->by_region && jrs ? jrs : js);
    r.reranked = json_object_get(obj, "diversity") || json_object_get(obj, "sensitivity");
    int made;
    mgroup *g = group_of(m, key, &made);
    if (g == NULL) {
        row_free(&r);
        return fail(CM_ENOMEM, "out of memory");
    }
    if (made) {
        g->id = cm_strdup(outer);
        g->where = cm_strdup(where);
        g->source = g->last_source = m->cur;
        if (g->id == NULL || g->where == NULL) {
            row_free(&r);
            return fail(CM_ENOMEM, "out of memory");
        }
    } else if (strcmp(g->id, outer) != 0) {
        row_free(&r);
        return fail(CM_EINPUT, "%s: %s \"%s\" is at the place of \"%s\" (%s): outputs of "
                    "different inputs", where, m->by_region ? "region" : "enterprise", outer,
                    g->id, g->where);
    }
    m->last_id = g->id;
    return group_add(m, g, &r, where);
}

static cm_status one_line(cm_merge *m, const char *name, unsigned long line, source *src,
                          size_t at, size_t len)
{
    char where[WHERE_MAX];
    snprintf(where, sizeof where, "%s:%lu", name, line);
    json_error_t je;
    int nomem;
    json_t *obj = cmi_jsonr_parse(src, at, len, 0, &je, &nomem);
    if (nomem)
        return fail(CM_ENOMEM, "out of memory");
    if (obj == NULL)
        return fail(CM_EINPUT, "%s:%d: not JSON: %s", where, je.column > 0 ? je.column : 1,
                    je.text);
    cm_status s;
    if (!json_is_object(obj))
        s = fail(CM_EINPUT, "%s: a JSON object was expected, not another JSON value", where);
    else if (json_object_get(obj, "meta"))
        s = meta_line(m, where, src_at(src, at), len, obj);
    else
        s = row_line(m, where, src_at(src, at), len, obj);
    json_decref(obj);
    return s;
}

CM_API cm_status cm_merge_add_file(cm_merge *m, const char *path)
{
    if (m == NULL || path == NULL)
        return fail(CM_EUSAGE, "cm_merge_add_file: a merge and a path are needed");
    if (m->failed)
        return fail(CM_EUSAGE, "cm_merge_add_file: an earlier call on this merge failed");
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(CM_EIO, "cannot open %s: %s", path, strerror(errno));
    source src;
    if (cmi_src_init_fd(&src, fd, 0) < 0) {
        if (!is_stdin)
            close(fd);
        return fail(CM_ENOMEM, "out of memory");
    }
    m->cur = SIZE_MAX;        /* an output starts at its meta line */
    cm_status s = CM_OK;
    size_t pos = 0;
    while (s == CM_OK) {
        cmi_src_keep(&src, pos);
        if (cmi_src_avail(&src, pos) == 0)
            break;
        size_t eol, next;
        int long_line;
        unsigned long line = cmi_src_line(&src, pos);
        if (cmi_jsonr_line(&src, pos, MERGE_MAX_LINE, &eol, &next, &long_line) < 0) {
            s = fail(CM_EINPUT, "%s:%lu: a NUL byte: not JSON Lines", path, line);
            break;
        }
        if (long_line) {
            s = fail(CM_EINPUT, "%s:%lu: a line of more than %zu bytes", path, line,
                     MERGE_MAX_LINE);
            break;
        }
        const char *p = src_at(&src, pos);
        size_t a = 0, b = eol - pos;
        while (a < b && (p[a] == ' ' || p[a] == '\t' || p[a] == '\r'))
            a++;
        while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\r'))
            b--;
        if (a < b)
            s = one_line(m, path, line, &src, pos + a, b - a);
        pos = next;
    }
    if (s == CM_OK && (src.err || src.nomem))
        s = src.nomem ? fail(CM_ENOMEM, "out of memory")
                      : fail(CM_EIO, "cannot read %s: %s", path, strerror(src.err));
    cmi_src_free(&src);
    if (!is_stdin)
        close(fd);
    m->cur = SIZE_MAX;
    m->failed = s != CM_OK;
    return s;
}

/* ---- the merged output -------------------------------------------------------------- */

static int cmp_groups(const void *x, const void *y)
{
    const mgroup *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static int cmp_shards(const void *x, const void *y)
{
    const mshard *a = x, *b = y;
    if (a->part_i != b->part_i)
        return a->part_i < b->part_i ? -1 : 1;
    return a->shard_i < b->shard_i ? -1 : a->shard_i > b->shard_i;
}

/* Every shard once; else the message names those missing. */
static cm_status check_shards(cm_merge *m, unsigned expected)
{
    if (m->nshards == 0)
        return fail(CM_EINPUT, "no output of capmatch match --format jsonl was given (no "
                    "{\"meta\": ...} line)");
    const mshard *f = &m->shards[0];
    unsigned total = f->shard_n * f->part_n;
    if (expected && expected != total)
        return fail(CM_EINPUT, "--shards %u, but %s is one of %u (--shard %u/%u, --part %u/%u)",
                    expected, f->where, total, f->shard_i, f->shard_n, f->part_i, f->part_n);
    if (m->nshards == total)
        return CM_OK;
    textbuf b = BUF_INIT;
    size_t missing = 0;
    for (unsigned p = 0; p < f->part_n; p++)
        for (unsigned i = 0; i < f->shard_n; i++) {
            size_t k = 0;
            while (k < m->nshards && (m->shards[k].part_i != p || m->shards[k].shard_i != i))
                k++;
            if (k < m->nshards)
                continue;
            if (missing++ < 20) {
                cmi_buf_puts(&b, missing > 1 ? ", " : "");
                if (f->shard_n > 1)
                    cmi_buf_printf(&b, "shard %u/%u", i, f->shard_n);
                if (f->part_n > 1)
                    cmi_buf_printf(&b, "%spart %u/%u", f->shard_n > 1 ? " of " : "", p,
                                   f->part_n);
            }
        }
    cm_status s = fail(CM_EINPUT, "missing shard%s: %zu of %u not given (%s%s)",
                       missing == 1 ? "" : "s", missing, total, b.s ? b.s : "",
                       missing > 20 ? ", ..." : "");
    cmi_buf_free(&b);
    return s;
}

/* The first output's meta line without "shard" and "part", and with every
 * part's enterprise inputs in part order (once when they are all the same,
 * as when each part read standard input). */
static void merged_meta(cm_merge *m, textbuf *out)
{
    const char *s = m->meta_text;
    size_t n = m->meta_len;
    span msp, sp;
    textbuf a = BUF_INIT, b = BUF_INIT;
    cmi_buf_put(&a, s, n);
    const char *drop[] = { "shard", "part" };
    for (int k = 0; k < 2; k++) {
        if (a.nomem || member(a.s, a.len, 0, "meta", &msp) < 0 ||
            member(a.s, a.len, msp.v0, drop[k], &sp) < 0)
            continue;
        cmi_buf_clear(&b);
        put_without(&b, a.s, a.len, &sp);
        textbuf t = a;
        a = b;
        b = t;
    }
    const mshard *f = &m->shards[0];
    int same = 1;
    for (size_t k = 1; k < m->nshards; k++)
        same &= strcmp(m->shards[k].ent_inputs, f->ent_inputs) == 0;
    if (f->part_n > 1 && !same && !a.nomem && member(a.s, a.len, 0, "meta", &msp) == 0 &&
        member(a.s, a.len, msp.v0, "inputs", &sp) == 0 && a.s[sp.v0] == '[') {
        /* the regions' entries stay; the enterprises' come from every part */
        cmi_buf_clear(&b);
        cmi_buf_put(&b, a.s, sp.v0 + 1);
        size_t i = skip_ws(a.s, a.len, sp.v0 + 1), kept = 0;
        json_error_t je;
        while (i < sp.v1 && a.s[i] != ']') {
            size_t e = skip_value(a.s, a.len, i);
            json_t *one = json_loadb(a.s + i, e - i, 0, &je);
            if (one == NULL)
                b.nomem = 1;      /* it parsed before: only memory can fail */
            const char *kind = json_string_value(json_object_get(one, "kind"));
            if (kind && strcmp(kind, "enterprises") != 0) {
                cmi_buf_puts(&b, kept++ ? "," : "");
                cmi_buf_put(&b, a.s + i, e - i);
            }
            json_decref(one);
            i = skip_ws(a.s, a.len, e);
            if (i < a.len && a.s[i] == ',')
                i = skip_ws(a.s, a.len, i + 1);
        }
        unsigned last = UINT32_MAX;
        for (size_t k = 0; k < m->nshards; k++) {   /* sorted by part */
            if (m->shards[k].part_i == last || m->shards[k].ent_inputs[0] == '\0')
                continue;
            last = m->shards[k].part_i;
            cmi_buf_puts(&b, kept++ ? "," : "");
            cmi_buf_puts(&b, m->shards[k].ent_inputs);
        }
        cmi_buf_put(&b, a.s + sp.v1 - 1, a.len - (sp.v1 - 1));
        textbuf t = a;
        a = b;
        b = t;
    }
    cmi_buf_put(out, a.s ? a.s : "", a.len);
    if (a.nomem)
        out->nomem = 1;
    cmi_buf_free(&a);
    cmi_buf_free(&b);
}

CM_API cm_status cm_merge_write(cm_merge *m, unsigned expected, cm_write_fn fn, void *ud)
{
    if (m == NULL || fn == NULL)
        return fail(CM_EUSAGE, "cm_merge_write: a merge and a writer are needed");
    if (m->failed)
        return fail(CM_EUSAGE, "cm_merge_write: an earlier call on this merge failed");
    cm_status s = check_shards(m, expected);
    if (s != CM_OK)
        return s;
    qsort(m->shards, m->nshards, sizeof *m->shards, cmp_shards);
    qsort(m->groups, m->ngroups, sizeof *m->groups, cmp_groups);
    cm_free(m->table);        /* the indexes moved */
    m->table = NULL;
    m->table_size = 0;
    textbuf b = BUF_INIT;
    merged_meta(m, &b);
    cmi_buf_putc(&b, '\n');
    m->rows_out = 0;
    for (size_t g = 0; g < m->ngroups; g++) {
        const mgroup *gr = &m->groups[g];
        for (size_t i = 0; i < gr->n; i++) {
            const mrow *r = &gr->rows[i];
            if (gr->combined) {
                cmi_buf_put(&b, r->text, r->rank_at);
                cmi_buf_printf(&b, "%zu", i + 1);
                cmi_buf_put(&b, r->text + r->rank_at + r->rank_len,
                            r->len - r->rank_at - r->rank_len);
            } else {
                cmi_buf_put(&b, r->text, r->len);
            }
            cmi_buf_putc(&b, '\n');
            m->rows_out++;
            if (b.len >= 65536 || (g + 1 == m->ngroups && i + 1 == gr->n)) {
                if (b.nomem) {
                    cmi_buf_free(&b);
                    return fail(CM_ENOMEM, "out of memory");
                }
                if (fn(b.s, b.len, ud) != 0) {
                    cmi_buf_free(&b);
                    return fail(CM_EIO, "cannot write the merged output");
                }
                cmi_buf_clear(&b);
            }
        }
    }
    if (b.len) {   /* the meta line alone: no rows */
        if (b.nomem || fn(b.s, b.len, ud) != 0) {
            s = b.nomem ? fail(CM_ENOMEM, "out of memory")
                        : fail(CM_EIO, "cannot write the merged output");
            cmi_buf_free(&b);
            return s;
        }
    }
    cmi_buf_free(&b);
    return CM_OK;
}
