/*
 * memo.c - memoised rules. A rule that declares `uses` (the fields of each
 * side its score depends on) is run once per distinct combination of those
 * values, not once per pair: before matching, every profile gets a class
 * per memoised rule (profiles with equal values share one), and the score
 * of a (class, class) pair is kept in a table the workers fill as they go.
 *
 * Owns the `uses` declarations (what a rule may read, checked on every read
 * of a scoring call by policy_state.c), the classing and the score table.
 * Knows nothing of Lua or of the scoring loop.
 */
#include "policy.h"
#include "alloc.h"
#include "buf.h"

#include <stdio.h>
#include <string.h>

/* the score table stays dense up to this many (class, class) pairs (8 bytes
 * each); past it, workers keep a small cache of their own (match.c) */
#define MEMO_DENSE_MAX ((size_t)1 << 23)

void cmi_uses_free(uses *u)
{
    if (u == NULL)
        return;
    for (int side = 0; side < 2; side++) {
        for (size_t i = 0; i < u->n[side]; i++)
            cmi_fref_free(&u->f[side][i]);
        cm_free(u->f[side]);
        cm_free(u->derived[side]);
    }
    cm_free(u);
}

int cmi_uses_allows_field(const uses *u, int side, const field_def *f)
{
    return f && f->id < 64 && (u->fields[side] >> f->id & 1);
}

int cmi_uses_allows_derived(const uses *u, int side, int d)
{
    return d >= 0 && (size_t)d < u->nderived[side] && u->derived[side][d];
}

/* ---- classing ------------------------------------------------------------- */

typedef struct keyset {
    unsigned char *bytes;     /* every distinct key, end to end */
    size_t len, cap;
    struct kslot { uint64_t hash; uint32_t off, len, cls; } *slots;
    size_t nslots, used;
} keyset;

static void ks_free(keyset *k)
{
    if (k == NULL)
        return;
    cm_free(k->bytes);
    cm_free(k->slots);
    cm_free(k);
}

void cmi_memo_free(memo *m)
{
    for (int side = 0; side < 2; side++) {
        cm_free(m->cls[side]);
        ks_free(m->keys[side]);
    }
    cm_free((void *)m->table);
    memset(m, 0, sizeof *m);
}

static uint64_t hash_bytes(const unsigned char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

static int ks_grow(keyset *k)
{
    size_t n = k->nslots ? k->nslots * 2 : 1024;
    struct kslot *s = cm_calloc(n, sizeof *s);
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < k->nslots; i++) {
        if (k->slots[i].len == 0 && k->slots[i].hash == 0)
            continue;
        size_t h = k->slots[i].hash & (n - 1);
        while (s[h].len || s[h].hash)
            h = (h + 1) & (n - 1);
        s[h] = k->slots[i];
    }
    cm_free(k->slots);
    k->slots = s;
    k->nslots = n;
    return 0;
}

/* The class of a key: the one it had, or the next new one. -1 out of memory. */
static long ks_class(keyset *k, const unsigned char *key, size_t len)
{
    if ((k->used + 1) * 2 > k->nslots && ks_grow(k) < 0)
        return -1;
    uint64_t h = hash_bytes(key, len) | 1;   /* never 0: 0 marks a free slot */
    size_t i = h & (k->nslots - 1);
    for (; k->slots[i].hash; i = (i + 1) & (k->nslots - 1))
        if (k->slots[i].hash == h && k->slots[i].len == len &&
            (len == 0 || memcmp(k->bytes + k->slots[i].off, key, len) == 0))
            return k->slots[i].cls;
    if (k->len + len > k->cap) {
        size_t cap = k->cap ? k->cap : 4096;
        while (cap < k->len + len)
            cap *= 2;
        unsigned char *b = cm_realloc(k->bytes, cap);
        if (b == NULL)
            return -1;
        k->bytes = b;
        k->cap = cap;
    }
    if (len)                  /* a side that uses no field has one empty key */
        memcpy(k->bytes + k->len, key, len);
    k->slots[i] = (struct kslot){ h, (uint32_t)k->len, (uint32_t)len, (uint32_t)k->used };
    k->len += len;
    return (long)k->used++;
}

/* The class of a key seen, or -1. */
static long ks_find(const keyset *k, const unsigned char *key, size_t len)
{
    if (k->nslots == 0)
        return -1;
    uint64_t h = hash_bytes(key, len) | 1;
    for (size_t i = h & (k->nslots - 1); k->slots[i].hash; i = (i + 1) & (k->nslots - 1))
        if (k->slots[i].hash == h && k->slots[i].len == len &&
            (len == 0 || memcmp(k->bytes + k->slots[i].off, key, len) == 0))
            return k->slots[i].cls;
    return -1;
}

static void kb_put(textbuf *k, const void *data, size_t n)
{
    cmi_buf_put(k, data, n);
}

/* Append the value of one field of one profile to the key. */
static void key_field(const cm_policy *p, const fref *f, uint32_t idx, textbuf *k)
{
    struct field_read o;
    memset(&o, 0, sizeof o);
    cmi_fref_read(p, f, idx, &o);
    unsigned char t = (unsigned char)o.type;
    kb_put(k, &t, 1);
    switch (o.type) {
    case T_STRING: {
        uint32_t n = (uint32_t)strlen(o.str);
        kb_put(k, &n, sizeof n);
        kb_put(k, o.str, n);
        break;
    }
    case T_NUMBER: kb_put(k, &o.num, sizeof o.num); break;
    case T_BOOL: { unsigned char b = (unsigned char)o.boolean; kb_put(k, &b, 1); break; }
    case T_LIST: {
        uint32_t n = (uint32_t)o.count;
        kb_put(k, &n, sizeof n);
        for (size_t i = 0; i < o.count; i++) {
            const char *s = cmi_fref_list_item(p, &o, i);
            kb_put(k, s, strlen(s) + 1);
        }
        break;
    }
    default: break;
    }
}

/* The key of profile i into kb: the values of the fields the rule uses. */
static int profile_key(cm_policy *p, const prule *r, int side, size_t i, textbuf *kb)
{
    kb->len = 0;
    for (size_t f = 0; f < r->uses->n[side]; f++)
        key_field(p, &r->uses->f[side][f], (uint32_t)i, kb);
    return kb->nomem ? -1 : 0;
}

/* Class every profile of a side: equal keys, equal classes. The keys are
 * kept, to class profiles appended later (visitors) by them. */
static int class_side(cm_policy *p, prule *r, int side)
{
    memo *m = &r->memo;
    size_t count = p->st->kinds[side].count;
    uint32_t *cls = cm_malloc((count ? count : 1) * sizeof *cls);
    keyset *ks = cm_calloc(1, sizeof *ks);
    textbuf kb = BUF_INIT;
    int rc = cls && ks ? 0 : -1;
    for (size_t i = 0; i < count && rc == 0; i++) {
        long c = profile_key(p, r, side, i, &kb) < 0
                     ? -1 : ks_class(ks, (const unsigned char *)kb.s, kb.len);
        if (c < 0)
            rc = -1;
        else
            cls[i] = (uint32_t)c;
    }
    cmi_buf_free(&kb);
    if (rc < 0) {
        cm_free(cls);
        ks_free(ks);
        return -1;
    }
    cm_free(m->cls[side]);
    ks_free(m->keys[side]);
    m->cls[side] = cls;
    m->cls_cap[side] = count ? count : 1;
    m->keys[side] = ks;
    m->ncls[side] = (uint32_t)(ks->used ? ks->used : 1);
    m->counted[side] = m->base_count[side] = count;
    m->base_ncls[side] = m->ncls[side];
    return 0;
}

/* Class the profiles appended since (a visitor): a key seen in the whole
 * classing gets its class, so its scores come from the table; a new one a
 * class of its own, past the table (scored through the workers' caches). */
static int class_more(cm_policy *p, prule *r, int side)
{
    memo *m = &r->memo;
    size_t count = p->st->kinds[side].count;
    if (count > m->cls_cap[side]) {
        size_t cap = count + count / 64 + 8;
        uint32_t *cls = cm_realloc(m->cls[side], cap * sizeof *cls);
        if (cls == NULL)
            return -1;
        m->cls[side] = cls;
        m->cls_cap[side] = cap;
    }
    textbuf kb = BUF_INIT;
    int rc = 0;
    for (size_t i = m->counted[side]; i < count && rc == 0; i++) {
        if (profile_key(p, r, side, i, &kb) < 0 || m->ncls[side] == UINT32_MAX) {
            rc = -1;
            break;
        }
        long c = ks_find(m->keys[side], (const unsigned char *)kb.s, kb.len);
        m->cls[side][i] = c >= 0 ? (uint32_t)c : m->ncls[side]++;
        m->counted[side] = i + 1;
    }
    cmi_buf_free(&kb);
    return rc;
}

void cmi_memo_forget(memo *m, int side, size_t from)
{
    if (m->counted[side] == (size_t)-1 || m->counted[side] <= from)
        return;
    if (from >= m->base_count[side]) {
        m->counted[side] = from;      /* visitors out: the classes before them stay */
        if (from == m->base_count[side])
            m->ncls[side] = m->base_ncls[side];
    } else {
        m->counted[side] = (size_t)-1;    /* class the side again */
    }
}

int cmi_memo_prepare(cm_policy *p, prule *r)
{
    if (r->uses == NULL)
        return 0;
    memo *m = &r->memo;
    int changed = 0;
    for (int side = 0; side < 2; side++) {
        size_t count = p->st->kinds[side].count;
        if (m->cls[side] && m->counted[side] == count)
            continue;
        if (m->cls[side] && m->keys[side] && m->counted[side] < count) {
            if (class_more(p, r, side) < 0)
                return -1;
            continue;
        }
        if (class_side(p, r, side) < 0)
            return -1;
        changed = 1;
    }
    if (!changed)
        return 0;
    cm_free((void *)m->table);
    m->table = NULL;
    m->trows = m->tcols = 0;
    size_t cells = (size_t)m->ncls[0] * m->ncls[1];
    if (cells <= MEMO_DENSE_MAX) {
        m->table = cm_calloc(cells ? cells : 1, sizeof *m->table);
        if (m->table == NULL)
            return -1;
        m->trows = m->ncls[SIDE_ENTERPRISE];
        m->tcols = m->ncls[SIDE_REGION];
    }
    return 0;
}

/* ---- declarations ---------------------------------------------------------- */

static int push_fref(uses *u, int side, const fref *r)
{
    size_t cap = u->n[side];
    if (cm_grow((void **)&u->f[side], &cap, u->n[side] + 1, sizeof *u->f[side]) < 0)
        return -1;
    u->f[side][u->n[side]++] = *r;
    return 0;
}

int cmi_uses_add(cm_policy *p, uses *u, int side, const char *name, char *err, size_t errlen)
{
    fref r;
    if (cmi_fref_resolve(p, &r, side, name, err, errlen) < 0)
        return -1;
    if (r.derived >= 0) {
        if ((size_t)r.derived >= u->nderived[side]) {
            unsigned char *d = cm_realloc(u->derived[side], p->nderived);
            if (d == NULL)
                goto nomem;
            memset(d + u->nderived[side], 0, p->nderived - u->nderived[side]);
            u->derived[side] = d;
            u->nderived[side] = p->nderived;
        }
        u->derived[side][r.derived] = 1;
    } else if (r.attr) {
        const field_def *a = cmi_schema_field(side, "attrs", 5);
        u->fields[side] |= (uint64_t)1 << a->id;
    } else if (r.f->shape == SHAPE_GROUP) {
        /* a group is its members: each one is part of the key */
        u->fields[side] |= (uint64_t)1 << r.f->id;
        const char *m = cmi_schema_group_members(side, r.f->path);
        while (*m) {
            size_t n = strcspn(m, ",");
            char path[96];
            snprintf(path, sizeof path, "%s.%.*s", r.f->path, (int)n, m);
            fref mr;
            if (cmi_fref_resolve(p, &mr, side, path, err, errlen) < 0) {
                cmi_fref_free(&r);
                return -1;
            }
            u->fields[side] |= (uint64_t)1 << mr.f->id;
            if (push_fref(u, side, &mr) < 0) {
                cmi_fref_free(&mr);
                goto nomem;
            }
            m += n;
            while (*m == ',' || *m == ' ')
                m++;
        }
        cmi_fref_free(&r);
        return 0;
    } else {
        u->fields[side] |= (uint64_t)1 << r.f->id;
    }
    if (push_fref(u, side, &r) < 0)
        goto nomem;
    return 0;
nomem:
    cmi_fref_free(&r);
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* attrs.NAME of a side declared? */
int cmi_uses_allows_attr(const uses *u, int side, const char *name)
{
    for (size_t i = 0; i < u->n[side]; i++)
        if (u->f[side][i].attr && strcmp(u->f[side][i].attr, name) == 0)
            return 1;
    return 0;
}

/* ---- verifying uses (capmatch check) --------------------------------------- */

static const char *side_word(int side) { return side == SIDE_ENTERPRISE ? "enterprise" : "region"; }

static size_t check_one(cm_policy *p, prule *r, int filter, size_t max_pairs,
                        void (*finding)(const char *, int, const char *, void *), void *ud)
{
    struct trace t;
    memset(&t, 0, sizeof t);
    pstate *ps = &p->main;
    size_t ne = p->st->kinds[SIDE_ENTERPRISE].count, nr = p->st->kinds[SIDE_REGION].count;
    size_t pairs = 0;
    char err[700];
    ps->trace = &t;
    for (size_t ei = 0; ei < ne && pairs < max_pairs; ei++)
        for (size_t ri = 0; ri < nr && pairs < max_pairs; ri++, pairs++) {
            double s;
            int pass;
            if (filter)
                cmi_pstate_call_filter(p, ps, r->fn, (uint32_t)ei, (uint32_t)ri, &pass, NULL, 0, err,
                                   sizeof err);
            else
                cmi_pstate_call_rule(p, ps, r->fn, (uint32_t)ei, (uint32_t)ri, &s, NULL, 0, err,
                                 sizeof err);
        }
    ps->trace = NULL;
    size_t found = 0;
    char msg[512];
    const char *what = filter ? "filter" : "rule";
    const char *file = cmi_policy_file(p, r->file);
    for (int side = 0; side < 2; side++) {
        /* read, not listed */
        for (int id = 0; id < 64; id++)
            if (t.fields[side][id] && !cmi_uses_allows_field(r->uses, side, t.fields[side][id])) {
                snprintf(msg, sizeof msg, "%s '%s' reads %s.%s, which its uses does not list: "
                         "its memoised scores would be wrong (add it to uses)", what, r->name,
                         side_word(side), t.fields[side][id]->path);
                finding(file, r->line, msg, ud);
                found++;
            }
        for (size_t d = 0; d < p->nderived && d < 256; d++)
            if (t.derived[side][d] && !cmi_uses_allows_derived(r->uses, side, (int)d)) {
                snprintf(msg, sizeof msg, "%s '%s' reads %s.%s, which its uses does not list: "
                         "its memoised scores would be wrong (add it to uses)", what, r->name,
                         side_word(side), p->derived[d].name);
                finding(file, r->line, msg, ud);
                found++;
            }
        /* listed, never read */
        for (size_t i = 0; i < r->uses->n[side]; i++) {
            const fref *f = &r->uses->f[side][i];
            int read = f->derived >= 0 ? (f->derived < 256 && t.derived[side][f->derived])
                     : f->f ? f->f->id < 64 && t.fields[side][f->f->id] != NULL
                     : 1;     /* attrs.NAME: not traced by name */
            if (!read && pairs > 0) {
                snprintf(msg, sizeof msg, "%s '%s' lists %s.%s in uses but read it on none of "
                         "%zu pairs: it only splits the memo", what, r->name, side_word(side),
                         f->path, pairs);
                finding(file, r->line, msg, ud);
                found++;
            }
        }
    }
    return found;
}

CM_API size_t cm_policy_check_uses(cm_engine *e, cm_policy *p, size_t max_pairs,
                                   void (*finding)(const char *file, int line, const char *msg,
                                                   void *ud),
                                   void *ud)
{
    char err[1024];
    if (e == NULL || p == NULL || finding == NULL || cmi_policy_derive(p, 1, err, sizeof err) < 0)
        return 0;
    size_t found = 0;
    for (size_t i = 0; i < p->nfilters; i++)
        if (p->filters[i].uses)
            found += check_one(p, &p->filters[i], 1, max_pairs, finding, ud);
    for (size_t i = 0; i < p->nrules; i++)
        if (p->rules[i].uses)
            found += check_one(p, &p->rules[i], 0, max_pairs, finding, ud);
    return found;
}
