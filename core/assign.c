/*
 * assign.c - candidate pairs and capacity-limited assignment (see assign.h).
 *
 * Before a method runs, parties are put in id order and preference lists are
 * sorted by score with ties by id, so results do not depend on the order the
 * pairs came in. Stable: deferred acceptance, each acceptor holding its best
 * offers in a heap. Optimal: successive shortest paths from one enterprise at
 * a time (Dijkstra over reduced costs, stopped at the first free place), with
 * an "unassigned" edge of score 0 so that the total, not the count, is what
 * is maximised. Memory grows with the candidate pairs only.
 */
#include "assign.h"
#include "alloc.h"
#include "buf.h"
#include "csvread.h"
#include "jsonread.h"
#include "diag.h"
#include "err.h"
#include "record.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAMES_IN_MESSAGE 5

/* ==== the map ===================================================================== */

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static void map_free(u64map *m)
{
    cm_free(m->keys);
    cm_free(m->vals);
    memset(m, 0, sizeof *m);
}

static int map_get(const u64map *m, uint64_t key, uint32_t *value)
{
    if (m->cap == 0)
        return 0;
    size_t mask = m->cap - 1;
    for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == 0)
            return 0;
        if (m->keys[i] == key + 1) {
            *value = m->vals[i];
            return 1;
        }
    }
}

static void map_insert(u64map *m, uint64_t key, uint32_t value)
{
    size_t mask = m->cap - 1;
    size_t i = mix64(key) & mask;
    while (m->keys[i] != 0)
        i = (i + 1) & mask;
    m->keys[i] = key + 1;
    m->vals[i] = value;
    m->count++;
}

/* Room for one more key; -1 when out of memory. */
static int map_reserve(u64map *m)
{
    if ((m->count + 1) * 2 <= m->cap)
        return 0;
    size_t ncap = m->cap ? m->cap * 2 : 64;
    u64map n = { cm_calloc(ncap, sizeof *n.keys), cm_malloc(ncap * sizeof *n.vals), ncap, 0 };
    if (n.keys == NULL || n.vals == NULL) {
        map_free(&n);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            map_insert(&n, m->keys[i] - 1, m->vals[i]);
    map_free(m);
    *m = n;
    return 0;
}

/* ==== pairs ======================================================================== */

static cm_status pfail(const cm_pairs *p, cm_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cm_status pfail(const cm_pairs *p, cm_status s, const char *fmt, ...)
{
    /* the message is the calling thread's (err.h): a const handle stays
     * untouched, so threads may assign from one cm_pairs at once */
    (void)p;
    va_list ap;
    va_start(ap, fmt);
    cmi_err_vset(s, fmt, ap);
    va_end(ap);
    return s;
}

CM_API cm_pairs *cm_pairs_new(void)
{
    cm_pairs *p = cm_calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    if (cmi_strpool_init(&p->pool) < 0) {
        cm_free(p);
        return NULL;
    }
    return p;
}

CM_API void cm_pairs_free(cm_pairs *p)
{
    if (p == NULL)
        return;
    cmi_strpool_free(&p->pool);
    cm_free(p->side[0]);
    cm_free(p->side[1]);
    map_free(&p->ids);
    map_free(&p->index);
    cm_free(p->pairs);
    cm_free(p);
}

CM_API const char *cm_pairs_errmsg(const cm_pairs *p)
{
    (void)p;
    return cmi_err_get();
}
CM_API size_t cm_pairs_count(const cm_pairs *p) { return p ? p->npairs : 0; }
CM_API size_t cm_pairs_parties(const cm_pairs *p, cm_kind k)
{
    if (p == NULL)
        return 0;
    return k == CM_KIND_REGIONS ? p->nside[PSIDE_R] : p->nside[PSIDE_E];
}

static const char *side_word(int side) { return side == PSIDE_E ? "enterprise" : "region"; }


uint32_t cmi_pairs_find(const cm_pairs *p, int side, const char *id)
{
    str_ref ref = cmi_strpool_find(&p->pool, id, strlen(id));
    uint32_t v;
    if (ref == STR_NONE || !map_get(&p->ids, (uint64_t)side << 32 | ref, &v))
        return UINT32_MAX;
    return v;
}

uint32_t cmi_pairs_pair(const cm_pairs *p, uint32_t e, uint32_t r)
{
    uint32_t v;
    return map_get(&p->index, (uint64_t)e << 32 | r, &v) ? v : UINT32_MAX;
}

/* The party with this id: 0 found or made, 1 unknown on a closed side, -1 no memory. */
static int party_get(cm_pairs *p, int side, const char *id, size_t len, int create, uint32_t *out)
{
    str_ref ref = cmi_strpool_find(&p->pool, id, len);
    if (ref != STR_NONE && map_get(&p->ids, (uint64_t)side << 32 | ref, out))
        return 0;
    if (!create || p->closed[side])
        return 1;
    if (p->nside[side] >= UINT32_MAX - 1 || cmi_strpool_intern(&p->pool, id, len, &ref) < 0 ||
        map_reserve(&p->ids) < 0 ||
        cm_grow((void **)&p->side[side], &p->capside[side], p->nside[side] + 1, sizeof(pairs_party)) < 0)
        return -1;
    uint32_t idx = (uint32_t)p->nside[side]++;
    p->side[side][idx] = (pairs_party){ ref, -1 };
    map_insert(&p->ids, (uint64_t)side << 32 | ref, idx);
    *out = idx;
    return 0;
}

/* Add one pair whose fields are checked. 0, 1 duplicate (*dup set), 2 unknown
 * party (*side_unknown set), -1 no memory. */
static int pair_put(cm_pairs *p, const char *e, size_t elen, const char *r, size_t rlen,
                    double s, double rs, const char *why, size_t whylen, uint32_t *dup,
                    int *side_unknown)
{
    uint32_t ei, ri;
    int k = party_get(p, PSIDE_E, e, elen, 1, &ei);
    if (k != 0) {
        *side_unknown = PSIDE_E;
        return k < 0 ? -1 : 2;
    }
    k = party_get(p, PSIDE_R, r, rlen, 1, &ri);
    if (k != 0) {
        *side_unknown = PSIDE_R;
        return k < 0 ? -1 : 2;
    }
    uint64_t key = (uint64_t)ei << 32 | ri;
    if (map_get(&p->index, key, dup))
        return 1;
    str_ref reasons = STR_NONE;
    if (why && whylen && cmi_strpool_intern(&p->pool, why, whylen, &reasons) < 0)
        return -1;
    if (p->npairs >= UINT32_MAX - 1 || map_reserve(&p->index) < 0 ||
        cm_grow((void **)&p->pairs, &p->cap, p->npairs + 1, sizeof *p->pairs) < 0)
        return -1;
    p->pairs[p->npairs] = (pair){ ei, ri, s, rs < 0 ? s : rs, reasons };
    map_insert(&p->index, key, (uint32_t)p->npairs);
    p->npairs++;
    return 0;
}

static int score_ok(double s) { return s >= 0 && s <= 1; }

CM_API cm_status cm_pairs_add(cm_pairs *p, const char *enterprise, const char *region,
                              double score, double region_score, const char *reasons)
{
    if (p == NULL || enterprise == NULL || region == NULL)
        return CM_EUSAGE;
    size_t el = strlen(enterprise), rl = strlen(region);
    if (!cmi_schema_valid_id(enterprise, el) || !cmi_schema_valid_id(region, rl))
        return pfail(p, CM_EINPUT, "'%.80s' is not an id (1-64 characters of A-Za-z0-9._:-)",
                     cmi_schema_valid_id(enterprise, el) ? region : enterprise);
    if (!score_ok(score) || (region_score >= 0 && !score_ok(region_score)) || isnan(region_score))
        return pfail(p, CM_EINPUT, "pair %s, %s: scores must lie in [0, 1]", enterprise, region);
    uint32_t dup;
    int side;
    int k = pair_put(p, enterprise, el, region, rl, score, region_score, reasons,
                     reasons ? strlen(reasons) : 0, &dup, &side);
    if (k < 0)
        return pfail(p, CM_ENOMEM, "out of memory");
    if (k == 1)
        return pfail(p, CM_EINPUT, "pair %s, %s given twice", enterprise, region);
    if (k == 2)
        return pfail(p, CM_ENOTFOUND, "no %s with id \"%s\" among the profiles", side_word(side),
                     side == PSIDE_E ? enterprise : region);
    return CM_OK;
}

CM_API cm_status cm_pairs_set_capacity(cm_pairs *p, const char *region, long capacity)
{
    if (p == NULL || region == NULL)
        return CM_EUSAGE;
    uint32_t ri;
    int k = party_get(p, PSIDE_R, region, strlen(region), 1, &ri);
    if (k < 0)
        return pfail(p, CM_ENOMEM, "out of memory");
    if (k > 0)
        return pfail(p, CM_ENOTFOUND, "no region with id \"%s\" among the profiles", region);
    p->side[PSIDE_R][ri].capacity = capacity < 0 ? -1 : capacity;
    return CM_OK;
}

CM_API cm_status cm_pairs_add_profiles(cm_pairs *p, const cm_engine *e)
{
    if (p == NULL || e == NULL)
        return CM_EUSAGE;
    for (int side = 0; side < 2; side++) {
        cm_kind k = side == PSIDE_E ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS;
        size_t n = cm_engine_count(e, k);
        for (size_t i = 0; i < n; i++) {
            cm_value v;
            if (cm_profile_get(e, k, i, "id", &v) != CM_OK || v.type != CM_VALUE_STRING)
                continue;
            uint32_t idx;
            if (party_get(p, side, v.str, strlen(v.str), 1, &idx) < 0)
                return pfail(p, CM_ENOMEM, "out of memory");
            if (side == PSIDE_R && cm_profile_get(e, k, i, "capacity", &v) == CM_OK &&
                v.type == CM_VALUE_NUMBER)
                p->side[side][idx].capacity = v.num < 0 ? -1 : (long)v.num;
        }
        if (n)
            p->closed[side] = 1;
    }
    return CM_OK;
}

/* "rule: reason | rule: reason" from a result row's explanation. */
static char *join_reasons(const cm_result *r, size_t row)
{
    size_t n = cm_result_rule_count(r), len = 1;
    if (n == 0 || cm_result_explain(r, row, 0) == NULL)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        const cm_explain_item *it = cm_result_explain(r, row, k);
        len += strlen(it->rule) + strlen(it->reason) + 24;
    }
    char *s = cm_malloc(len);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        const cm_explain_item *it = cm_result_explain(r, row, k);
        o += (size_t)snprintf(s + o, len - o, "%s%s%s: %s", k ? " | " : "",
                              it->region_side ? "region's view, " : "", it->rule, it->reason);
    }
    return s;
}

CM_API cm_status cm_pairs_add_result(cm_pairs *p, const cm_result *r)
{
    if (p == NULL || r == NULL)
        return CM_EUSAGE;
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        char *why = join_reasons(r, i);
        uint32_t dup;
        int side;
        int k = pair_put(p, row->enterprise, strlen(row->enterprise), row->region,
                         strlen(row->region), row->score, row->region_score, why,
                         why ? strlen(why) : 0,
                         &dup, &side);
        cm_free(why);
        if (k < 0)
            return pfail(p, CM_ENOMEM, "out of memory");
        if (k == 2)
            return pfail(p, CM_ENOTFOUND, "no %s with id \"%s\" among the profiles",
                         side_word(side), side == PSIDE_E ? row->enterprise : row->region);
    }
    return CM_OK;
}

/* ==== loading a file of pairs ===================================================== */

typedef struct field {
    const char *s;            /* NULL: absent */
    size_t len;
    unsigned long column;
} field;

typedef struct loader {
    cm_pairs *p;
    const char *name;
    cm_diags *d;
    size_t start;             /* pairs before this load */
    unsigned long *lines;     /* line (or record) of each pair of this load */
    size_t nlines, caplines;
    size_t problems;
    int nomem;
} loader;

static void problem(loader *L, unsigned long line, unsigned long col, long record, const field *id,
                    const char *fieldname, const char *expected, const char *found,
                    const char *note)
{
    L->problems++;
    if (L->d == NULL)
        return;
    diag_info di = { L->name, line, col, record, id && id->s ? id->s : NULL,
                     id && id->s ? id->len : 0, fieldname, expected, found, note };
    if (cmi_diag_add(L->d, &di) < 0)
        L->nomem = 1;
}

static void quote_found(char *buf, size_t n, const field *f)
{
    cmi_diag_quote(buf, n, f->s, f->len);
}

/* Check and add one record; line and column for messages (line 0: record only). */
static void take(loader *L, unsigned long line, long record, const field *e, const field *r,
                 const field *score, double sv, int sok, const field *rscore, double rv, int rok,
                 const field *why)
{
    char found[120];
    const field *fs[2] = { e, r };
    const char *names[2] = { "enterprise", "region" };
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        if (fs[i]->s == NULL) {
            problem(L, line, 0, record, e, names[i], "an id", "nothing", NULL);
            bad = 1;
        } else if (!cmi_schema_valid_id(fs[i]->s, fs[i]->len)) {
            quote_found(found, sizeof found, fs[i]);
            problem(L, line, fs[i]->column, record, e, names[i],
                    "an id of 1-64 characters A-Za-z0-9._:-", found, NULL);
            bad = 1;
        }
    }
    if (!sok) {
        if (score->s)
            quote_found(found, sizeof found, score);
        problem(L, line, score->column, record, e, "score", "a number in [0, 1]",
                score->s ? found : "nothing", NULL);
        bad = 1;
    }
    if (!rok) {
        quote_found(found, sizeof found, rscore);
        problem(L, line, rscore->column, record, e, "region_score", "a number in [0, 1]", found,
                NULL);
        bad = 1;
    }
    if (bad)
        return;
    uint32_t dup;
    int side;
    int k = pair_put(L->p, e->s, e->len, r->s, r->len, sv, rscore->s ? rv : -1, why->s, why->len,
                     &dup, &side);
    if (k < 0) {
        L->nomem = 1;
        return;
    }
    if (k == 2) {
        const field *f = side == PSIDE_E ? e : r;
        quote_found(found, sizeof found, f);
        problem(L, line, f->column, record, e, names[side], "an id among the loaded profiles",
                found, NULL);
        return;
    }
    if (k == 1) {
        char note[160];
        if (dup >= L->start && dup - L->start < L->nlines)
            snprintf(note, sizeof note, "the pair was first given at %s %lu",
                     line ? "line" : "record", L->lines[dup - L->start]);
        else
            snprintf(note, sizeof note, "the pair was given before");
        quote_found(found, sizeof found, r);
        problem(L, line, r->column, record, e, "region", "a pair not given before", found, note);
        return;
    }
    if (cm_grow((void **)&L->lines, &L->caplines, L->nlines + 1, sizeof *L->lines) < 0) {
        L->nomem = 1;
        return;
    }
    L->lines[L->nlines++] = line ? line : (unsigned long)record;
}

/* A score cell: 1 when it is a number in [0, 1]. */
static int parse_score(const field *f, double *out)
{
    char buf[64];
    if (f->s == NULL || f->len == 0 || f->len >= sizeof buf)
        return 0;
    memcpy(buf, f->s, f->len);
    buf[f->len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno || !score_ok(v))
        return 0;
    *out = v;
    return 1;
}

/* ---- CSV ---- */

/* The most bytes one record of a pairs file may take. */
#define PAIRS_MAX_RECORD ((size_t)1 << 20)

/* Field i of the record as a field (NULL text when absent or empty). */
static field csv_field(const csvr *c, long i)
{
    if (i < 0 || (size_t)i >= c->nfields || c->fields[i].len == 0)
        return (field){ NULL, 0, 0 };
    const csvr_field *f = &c->fields[i];
    return (field){ c->text + f->off, f->len, cmi_src_column(c->src, f->at) };
}

static void cmi_load_csv(loader *L, source *src, size_t start)
{
    csvr rec;
    cmi_csvr_init(&rec, src, start, PAIRS_MAX_RECORD);
    rec.comment = '#';
    enum { C_E, C_R, C_S, C_RS, C_WHY, NCOL };
    static const char *const colnames[NCOL] = { "enterprise", "region", "score", "region_score",
                                                "reasons" };
    long col[NCOL] = { -1, -1, -1, -1, -1 };
    int have_header = 0;
    long record = 0;
    while (L->problems < 1000000 && !L->nomem) {
        int k = cmi_csvr_next(&rec);
        if (k == 0)
            break;
        if (k < 0) {
            if (rec.error == CSVR_NOMEM) {
                L->nomem = 1;
            } else {
                unsigned long at = cmi_src_line(src, rec.error_at);
                unsigned long colno = cmi_src_column(src, rec.error_at);
                if (rec.error == CSVR_UNCLOSED)
                    problem(L, cmi_src_line(src, rec.start), 0, 0, NULL, NULL, "a closing quote",
                            "the end of the file", NULL);
                else if (rec.error == CSVR_NUL)
                    problem(L, at, colno, 0, NULL, NULL, NULL, NULL, "NUL byte in cell");
                else
                    problem(L, at, colno, 0, NULL, NULL, "a quote only around a whole field",
                            "a quote inside a field, or text after a closing quote", NULL);
            }
            break;
        }
        if (rec.is_comment)
            continue;
        unsigned long at = cmi_src_line(src, rec.start);
        if (rec.too_long) {
            char exp[64], fnd[64];
            snprintf(exp, sizeof exp, "a record of at most %zu bytes", (size_t)PAIRS_MAX_RECORD);
            snprintf(fnd, sizeof fnd, "%zu bytes", rec.bytes);
            problem(L, at, 0, have_header ? record + 1 : 0, NULL, NULL, exp, fnd, NULL);
            break;
        }
        if (!have_header) {
            have_header = 1;
            for (size_t i = 0; i < rec.nfields; i++)
                for (int c = 0; c < NCOL; c++)
                    if (rec.fields[i].len == strlen(colnames[c]) &&
                        memcmp(rec.text + rec.fields[i].off, colnames[c], rec.fields[i].len) == 0 &&
                        col[c] < 0)
                        col[c] = (long)i;
            for (int c = 0; c < C_RS; c++)
                if (col[c] < 0) {
                    char exp[80];
                    snprintf(exp, sizeof exp, "a column named '%s'", colnames[c]);
                    problem(L, at, 0, 0, NULL, "header", exp, "none",
                            "the columns are enterprise, region, score and, optionally, "
                            "region_score and reasons");
                }
            if (L->problems)
                break;
            continue;
        }
        record++;
        field fs[NCOL];
        for (int c = 0; c < NCOL; c++)
            fs[c] = csv_field(&rec, col[c]);
        size_t need = 0;
        for (int c = 0; c < C_RS; c++)
            if ((size_t)col[c] + 1 > need)
                need = (size_t)col[c] + 1;
        if (rec.nfields < need) {
            char exp[64], fnd[64];
            snprintf(exp, sizeof exp, "at least %zu fields", need);
            snprintf(fnd, sizeof fnd, "%zu", rec.nfields);
            problem(L, at, 0, record, &fs[C_E], NULL, exp, fnd, NULL);
            continue;
        }
        double sv = 0, rv = 0;
        int sok = parse_score(&fs[C_S], &sv);
        int rok = fs[C_RS].s == NULL || parse_score(&fs[C_RS], &rv);
        take(L, at, record, &fs[C_E], &fs[C_R], &fs[C_S], sv, sok, &fs[C_RS], rv, rok, &fs[C_WHY]);
    }
    if (!have_header && !L->nomem && L->problems == 0)
        problem(L, 1, 0, 0, NULL, "header", "a header row (enterprise,region,score)",
                "an empty file", NULL);
    cmi_csvr_free(&rec);
}

/* ---- JSON ---- */

/* the strings of a "reasons" array joined by " | "; NULL when none */
static char *reasons_text(json_t *arr)
{
    size_t len = 1, i;
    json_t *it;
    json_array_foreach(arr, i, it) {
        const char *t = json_string_value(it);
        len += (t ? strlen(t) : 0) + 3;
    }
    char *s = cm_malloc(len);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    json_array_foreach(arr, i, it) {
        const char *t = json_string_value(it);
        o += (size_t)snprintf(s + o, len - o, "%s%s", o ? " | " : "", t ? t : "");
    }
    return s;
}

/* reasons of an "explain" array, joined; NULL when none */
static char *explain_text(json_t *arr)
{
    size_t len = 1, i;
    json_t *it;
    json_array_foreach(arr, i, it) {
        const char *rule = json_string_value(json_object_get(it, "rule"));
        const char *why = json_string_value(json_object_get(it, "reason"));
        len += (rule ? strlen(rule) : 0) + (why ? strlen(why) : 0) + 5;
    }
    if (json_array_size(arr) == 0)
        return NULL;
    char *s = cm_malloc(len);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    json_array_foreach(arr, i, it) {
        const char *rule = json_string_value(json_object_get(it, "rule"));
        const char *why = json_string_value(json_object_get(it, "reason"));
        o += (size_t)snprintf(s + o, len - o, "%s%s: %s", i ? " | " : "", rule ? rule : "?",
                              why ? why : "");
    }
    return s;
}

static void json_field(json_t *obj, const char *key, field *f, char *numbuf, size_t n, int *isnum,
                       double *num)
{
    json_t *v = json_object_get(obj, key);
    *f = (field){ NULL, 0, 0 };
    if (isnum)
        *isnum = 0;
    if (v == NULL || json_is_null(v))
        return;
    if (isnum == NULL && !json_is_string(v)) {
        /* an id must be a string: say what came instead (never a valid id) */
        f->s = json_is_number(v) ? "a number" : json_is_object(v) ? "an object"
               : json_is_array(v) ? "an array" : "a boolean";
        f->len = strlen(f->s);
        return;
    }
    if (json_is_string(v)) {
        f->s = json_string_value(v);
        f->len = json_string_length(v);
    } else if (json_is_number(v)) {
        double d = json_number_value(v);
        snprintf(numbuf, n, "%.17g", d);
        f->s = numbuf;
        f->len = strlen(numbuf);
        if (isnum) {
            *isnum = 1;
            *num = d;
        }
    } else {
        f->s = json_is_object(v) ? "an object" : json_is_array(v) ? "an array" : "a boolean";
        f->len = strlen(f->s);
    }
}

static void take_json(loader *L, json_t *obj, unsigned long line, long record)
{
    char b1[40], b2[40], b3[40], b4[40];
    field e, r, s, rs, why;
    int snum, rsnum;
    double sv = 0, rv = 0;
    json_field(obj, "enterprise", &e, b1, sizeof b1, NULL, NULL);
    json_field(obj, "region", &r, b2, sizeof b2, NULL, NULL);
    json_field(obj, "score", &s, b3, sizeof b3, &snum, &sv);
    json_field(obj, "region_score", &rs, b4, sizeof b4, &rsnum, &rv);
    why = (field){ NULL, 0, 0 };
    char *joined = NULL;
    json_t *w = json_object_get(obj, "reasons");
    if (json_is_string(w)) {
        why.s = json_string_value(w);
        why.len = json_string_length(w);
    } else if (json_is_array(w) && json_array_size(w)) {
        /* capmatch.result/1: one string per rule, joined as in CSV */
        joined = reasons_text(w);
        if (joined) {
            why.s = joined;
            why.len = strlen(joined);
        }
    } else if (json_is_array(json_object_get(obj, "explain"))) {
        joined = explain_text(json_object_get(obj, "explain"));
        if (joined) {
            why.s = joined;
            why.len = strlen(joined);
        }
    }
    int sok = snum && score_ok(sv);
    int rok = rs.s == NULL || (rsnum && score_ok(rv));
    take(L, line, record, &e, &r, &s, sv, sok, &rs, rv, rok, &why);
    cm_free(joined);
}

/* One JSON record at [at, end) of the source; 0, or -1 when the load must stop. */
static int json_record(loader *L, source *src, size_t at, size_t len, unsigned long line,
                       long record, size_t flags, json_t **out)
{
    json_error_t je;
    int nomem;
    *out = NULL;
    json_t *obj = cmi_jsonr_parse(src, at, len, flags, &je, &nomem);
    if (nomem) {
        L->nomem = 1;
        return -1;
    }
    if (obj == NULL) {
        /* jansson counts from the record's start */
        unsigned long eline = je.line > 0 ? (unsigned long)je.line : 1;
        unsigned long ecol = je.column > 0 ? (unsigned long)je.column : 0;
        unsigned long l0 = cmi_src_line(src, at), c0 = cmi_src_column(src, at);
        problem(L, l0 + eline - 1, eline == 1 && ecol ? c0 + ecol - 1 : ecol, line ? 0 : record,
                NULL, NULL, line ? "a JSON object" : "valid JSON", je.text, NULL);
        return line ? 0 : -1;     /* a bad line is one record; in a document, the end */
    }
    *out = obj;
    return 0;
}

static void cmi_load_jsonl(loader *L, source *src, size_t start)
{
    size_t pos = start;
    long record = 0;
    while (!L->nomem && L->problems < 1000000) {
        cmi_src_keep(src, pos);
        if (cmi_src_avail(src, pos) == 0)
            break;
        size_t eol, next;
        int long_line;
        unsigned long line = cmi_src_line(src, pos);
        if (cmi_jsonr_line(src, pos, PAIRS_MAX_RECORD, &eol, &next, &long_line) < 0) {
            problem(L, line, 0, 0, NULL, NULL, "a line of JSON text", "a NUL byte", NULL);
            break;
        }
        if (long_line) {
            char exp[64], fnd[64];
            snprintf(exp, sizeof exp, "a record of at most %zu bytes", (size_t)PAIRS_MAX_RECORD);
            snprintf(fnd, sizeof fnd, "a line of %zu bytes", eol - pos);
            problem(L, line, 0, 0, NULL, NULL, exp, fnd, NULL);
            pos = next;
            continue;
        }
        const char *p = src_at(src, pos);
        size_t a = 0, b = eol - pos;
        while (a < b && (p[a] == ' ' || p[a] == '\t' || p[a] == '\r'))
            a++;
        while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\r'))
            b--;
        size_t here = pos;
        pos = next;
        if (a == b)
            continue;
        json_t *obj;
        if (json_record(L, src, here + a, b - a, line, 0, 0, &obj) < 0)
            break;
        if (obj == NULL)
            continue;
        if (!json_is_object(obj)) {
            problem(L, line, 1, 0, NULL, NULL, "a JSON object", "another JSON value", NULL);
        } else if (json_object_get(obj, "enterprise") == NULL &&
                   (json_object_get(obj, "meta") || json_object_get(obj, "unassigned") ||
                    json_object_get(obj, "left_out") || json_object_get(obj, "totals"))) {
            /* the header, left-out and totals lines of capmatch.result/1 (and the
             * meta and unassigned lines of the output before it) */
        } else {
            record++;
            take_json(L, obj, line, record);
        }
        json_decref(obj);
    }
}

/* The elements of the array whose '[' is at `at`, one record at a time. */
static int json_pairs_array(loader *L, source *src, size_t at, size_t *after)
{
    size_t i = cmi_jsonr_skip_ws(src, at + 1);
    long record = 0;
    if (cmi_src_byte(src, i) == ']') {
        *after = i + 1;
        return 0;
    }
    for (;;) {
        if (L->nomem || L->problems >= 1000000)
            return -1;
        cmi_src_keep(src, i);
        if (cmi_src_byte(src, i) < 0)
            goto truncated;
        record++;
        size_t end;
        int sc = cmi_jsonr_value(src, i, PAIRS_MAX_RECORD, &end);
        if (sc == JSONR_BAD)
            goto truncated;
        if (sc == JSONR_TOO_LONG) {
            char exp[64], fnd[64];
            snprintf(exp, sizeof exp, "a record of at most %zu bytes", (size_t)PAIRS_MAX_RECORD);
            snprintf(fnd, sizeof fnd, "%zu bytes", end - i);
            problem(L, 0, 0, record, NULL, NULL, exp, fnd, NULL);
        } else {
            json_t *obj;
            if (json_record(L, src, i, end - i, 0, record, JSON_DECODE_ANY, &obj) < 0)
                return -1;
            if (!json_is_object(obj))
                problem(L, 0, 0, record, NULL, NULL, "a JSON object", "another JSON value", NULL);
            else
                take_json(L, obj, 0, record);
            json_decref(obj);
        }
        i = cmi_jsonr_skip_ws(src, end);
        int c = cmi_src_byte(src, i);
        if (c == ']') {
            *after = i + 1;
            return 0;
        }
        if (c != ',')
            break;
        i = cmi_jsonr_skip_ws(src, i + 1);
    }
truncated:
    problem(L, cmi_src_line(src, i), cmi_src_column(src, i), 0, NULL, NULL, "valid JSON",
            cmi_src_byte(src, i) < 0 ? "the end of the file inside the list of pairs"
                                 : "something else than ',' or ']' after a pair", NULL);
    return -1;
}

/* Only white space may follow the document. */
static void json_end(loader *L, source *src, size_t at)
{
    size_t i = cmi_jsonr_skip_ws(src, at);
    if (cmi_src_byte(src, i) >= 0)
        problem(L, cmi_src_line(src, i), cmi_src_column(src, i), 0, NULL, NULL, "valid JSON",
                "text after the end of the document", NULL);
}

static void cmi_load_json(loader *L, source *src, size_t start)
{
    static const char *const keys[] = { "results", "assignments", "pairs" };
    size_t i = cmi_jsonr_skip_ws(src, start);
    int c = cmi_src_byte(src, i);
    size_t end;
    if (c == '[') {
        if (json_pairs_array(L, src, i, &end) == 0)
            json_end(L, src, end);
        return;
    }
    if (c != '{') {
        /* not a list nor an object: let jansson say what it is */
        cmi_src_keep(src, i);
        if (c >= 0 && cmi_jsonr_value(src, i, PAIRS_MAX_RECORD, &end) != JSONR_TOO_LONG) {
            json_t *v;
            if (json_record(L, src, i, end - i, 0, 0, JSON_DECODE_ANY, &v) < 0)
                return;
            json_decref(v);
        }
        problem(L, 1, 1, 0, NULL, NULL,
                "an array of pairs, or an object with \"results\", \"assignments\" or \"pairs\"",
                "another JSON value", NULL);
        return;
    }
    /* an object: the first key naming the pairs holds them; others are skipped */
    i = cmi_jsonr_skip_ws(src, i + 1);
    for (;;) {
        if (cmi_src_byte(src, i) == '}')
            break;
        cmi_src_keep(src, i);
        size_t kend;
        if (cmi_src_byte(src, i) != '"' || cmi_jsonr_value(src, i, PAIRS_MAX_RECORD, &kend) != JSONR_OK)
            goto bad;
        json_error_t je;
        int nomem;
        json_t *key = cmi_jsonr_parse(src, i, kend - i, JSON_DECODE_ANY, &je, &nomem);
        if (nomem) {
            L->nomem = 1;
            return;
        }
        int wanted = 0;
        for (size_t k = 0; key && k < sizeof keys / sizeof keys[0]; k++)
            if (json_is_string(key) && strcmp(json_string_value(key), keys[k]) == 0)
                wanted = 1;
        json_decref(key);
        if (key == NULL)
            goto bad;
        i = cmi_jsonr_skip_ws(src, kend);
        if (cmi_src_byte(src, i) != ':')
            goto bad;
        i = cmi_jsonr_skip_ws(src, i + 1);
        if (wanted && cmi_src_byte(src, i) == '[') {
            /* the rest of the object is not read: the pairs are what counts */
            json_pairs_array(L, src, i, &end);
            return;
        }
        cmi_src_keep(src, i);
        size_t vend;
        int sc = cmi_src_byte(src, i) < 0 ? JSONR_EOF : cmi_jsonr_value(src, i, (size_t)-1, &vend);
        if (sc != JSONR_OK && sc != JSONR_TOO_LONG)
            goto bad;
        i = cmi_jsonr_skip_ws(src, vend);
        if (cmi_src_byte(src, i) == ',') {
            i = cmi_jsonr_skip_ws(src, i + 1);
            continue;
        }
        if (cmi_src_byte(src, i) == '}')
            break;
        goto bad;
    }
    json_end(L, src, i + 1);
    problem(L, 1, 1, 0, NULL, NULL,
            "an array of pairs, or an object with \"results\", \"assignments\" or \"pairs\"",
            "an object without them", NULL);
    return;
bad:
    problem(L, cmi_src_line(src, i), cmi_src_column(src, i), 0, NULL, NULL, "valid JSON",
            "a broken object around the pairs", NULL);
}

/* Back to the state before a failed load. */
static void rollback(cm_pairs *p, size_t npairs, const size_t nside[2], strpool_mark m)
{
    p->npairs = npairs;
    p->nside[0] = nside[0];
    p->nside[1] = nside[1];
    cmi_strpool_rollback(&p->pool, m);
    /* the maps are rebuilt from the arrays: cheaper than undoing each insert */
    if (p->ids.cap)
        memset(p->ids.keys, 0, p->ids.cap * sizeof *p->ids.keys);
    p->ids.count = 0;
    for (int side = 0; side < 2; side++)
        for (size_t i = 0; i < p->nside[side]; i++)
            map_insert(&p->ids, (uint64_t)side << 32 | p->side[side][i].id, (uint32_t)i);
    if (p->index.cap) {
        memset(p->index.keys, 0, p->index.cap * sizeof *p->index.keys);
        p->index.count = 0;
    }
    for (size_t i = 0; i < p->npairs; i++)
        map_insert(&p->index, (uint64_t)p->pairs[i].e << 32 | p->pairs[i].r, (uint32_t)i);
}

static cm_format sniff(const char *name, const char *s, size_t len)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && strcmp(dot, ".csv") == 0)
        return CM_FORMAT_CSV;
    if (dot && (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0))
        return CM_FORMAT_JSONL;
    if (dot && strcmp(dot, ".json") == 0)
        return CM_FORMAT_JSON;
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    if (i < len && s[i] == '[')
        return CM_FORMAT_JSON;
    if (i < len && s[i] == '{') {
        /* JSON Lines when the first line is a whole object */
        const char *nl = memchr(s + i, '\n', len - i);
        json_t *one = json_loadb(s + i, nl ? (size_t)(nl - (s + i)) : len - i, 0, NULL);
        int whole = one != NULL;
        json_decref(one);
        return whole ? CM_FORMAT_JSONL : CM_FORMAT_JSON;
    }
    return CM_FORMAT_CSV;
}

CM_API cm_status cm_pairs_load_buffer(cm_pairs *p, const char *name, const void *data,
                                      size_t len, cm_format format, cm_diags *diags)
{
    if (p == NULL || (data == NULL && len))
        return CM_EUSAGE;
    if (name == NULL)
        name = "(buffer)";
    const char *s = data ? data : "";
    size_t bad = cmi_utf8_check(s, len);
    if (bad < len) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += s[i] == '\n';
        if (diags) {
            diag_info di = { name, line, 0, 0, NULL, 0, NULL, "UTF-8 text", "an invalid byte",
                             NULL };
            cmi_diag_add(diags, &di);
        }
        return pfail(p, CM_EINPUT, "%s:%zu: not UTF-8 text", name, line);
    }
    if (format == CM_FORMAT_AUTO)
        format = sniff(name, s, len);
    loader L = { p, name, diags, p->npairs, NULL, 0, 0, 0, 0 };
    size_t nside[2] = { p->nside[0], p->nside[1] };
    strpool_mark m = cmi_strpool_mark_now(&p->pool);
    source src;
    cmi_src_init_memory(&src, s, len);
    size_t start = len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    if (format == CM_FORMAT_CSV)
        cmi_load_csv(&L, &src, start);
    else if (format == CM_FORMAT_JSONL)
        cmi_load_jsonl(&L, &src, start);
    else
        cmi_load_json(&L, &src, start);
    cm_free(L.lines);
    if (L.nomem || L.problems) {
        rollback(p, L.start, nside, m);
        if (L.nomem)
            return pfail(p, CM_ENOMEM, "out of memory");
        const cm_diag *first = diags && cm_diags_count(diags) ? cm_diags_at(diags, 0) : NULL;
        return pfail(p, CM_EINPUT, "%s: %zu problem%s, no pair loaded%s%s", name, L.problems,
                     L.problems == 1 ? "" : "s", first ? "; the first: " : "",
                     first ? first->message : "");
    }
    return CM_OK;
}

CM_API cm_status cm_pairs_load_file(cm_pairs *p, const char *path, cm_format format,
                                    cm_diags *diags)
{
    if (p == NULL || path == NULL)
        return CM_EUSAGE;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return pfail(p, CM_EIO, "cannot open %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cm_grow((void **)&buf, &cap, len + 65536, 1) < 0) {
            cm_free(buf);
            fclose(f);
            return pfail(p, CM_ENOMEM, "out of memory reading %s", path);
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        cm_free(buf);
        return pfail(p, CM_EIO, "cannot read %s", path);
    }
    cm_status s = cm_pairs_load_buffer(p, path, buf, len, format, diags);
    cm_free(buf);
    return s;
}

/* ==== preparing an instance ======================================================= */

#define SCALE ((int64_t)1 << 30)  /* costs: score in units of 2^-30 */

typedef struct prep {
    const cm_pairs *p;
    size_t nE, nR;
    uint32_t *eord, *rord;    /* position in id order -> party index */
    uint32_t *epos, *rpos;    /* party index -> position */
    size_t na;                /* acceptable pairs */
    uint32_t *ae, *ar;        /* their ends (positions) */
    uint32_t *src;            /* index into p->pairs */
    uint32_t *eoff, *elist;   /* by enterprise, best region first */
    uint32_t *roff, *rlist;   /* by region, best enterprise first */
    uint32_t *erank, *rrank;  /* 1-based, per acceptable pair */
    long *capraw;             /* per region position: < 0 unlimited */
    uint32_t *capeff;         /* min(capacity, acceptable degree) */
    uint32_t *ecand, *rcand;  /* all pairs per party position (acceptable or not) */
    unsigned K;
} prep;

static void prep_free(prep *x)
{
    cm_free(x->eord); cm_free(x->rord); cm_free(x->epos); cm_free(x->rpos);
    cm_free(x->ae); cm_free(x->ar); cm_free(x->src);
    cm_free(x->eoff); cm_free(x->elist); cm_free(x->roff); cm_free(x->rlist);
    cm_free(x->erank); cm_free(x->rrank); cm_free(x->capraw); cm_free(x->capeff);
    cm_free(x->ecand); cm_free(x->rcand);
}

static _Thread_local const cm_pairs *sort_pairs;
static _Thread_local int sort_side;
static _Thread_local const prep *sort_prep;

static int cmp_party(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return strcmp(pairs_id(sort_pairs, sort_side, x), pairs_id(sort_pairs, sort_side, y));
}

/* by enterprise, score descending, region (id order) */
static int cmp_by_e(const void *a, const void *b)
{
    const prep *x = sort_prep;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    if (x->ae[i] != x->ae[j])
        return x->ae[i] < x->ae[j] ? -1 : 1;
    double si = x->p->pairs[x->src[i]].score, sj = x->p->pairs[x->src[j]].score;
    if (si != sj)
        return si > sj ? -1 : 1;
    return x->ar[i] < x->ar[j] ? -1 : x->ar[i] > x->ar[j];
}

static int cmp_by_r(const void *a, const void *b)
{
    const prep *x = sort_prep;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    if (x->ar[i] != x->ar[j])
        return x->ar[i] < x->ar[j] ? -1 : 1;
    double si = x->p->pairs[x->src[i]].rscore, sj = x->p->pairs[x->src[j]].rscore;
    if (si != sj)
        return si > sj ? -1 : 1;
    return x->ae[i] < x->ae[j] ? -1 : x->ae[i] > x->ae[j];
}

static uint32_t *order_side(const cm_pairs *p, int side, uint32_t **pos)
{
    size_t n = p->nside[side];
    uint32_t *ord = cm_malloc((n ? n : 1) * sizeof *ord);
    *pos = cm_malloc((n ? n : 1) * sizeof **pos);
    if (ord == NULL || *pos == NULL) {
        cm_free(ord);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = (uint32_t)i;
    sort_pairs = p;
    sort_side = side;
    qsort(ord, n, sizeof *ord, cmp_party);
    for (size_t i = 0; i < n; i++)
        (*pos)[ord[i]] = (uint32_t)i;
    return ord;
}

static int prep_make(prep *x, const cm_pairs *p, const cm_assign_options *o)
{
    memset(x, 0, sizeof *x);
    x->p = p;
    x->nE = p->nside[PSIDE_E];
    x->nR = p->nside[PSIDE_R];
    x->K = o->per_enterprise ? o->per_enterprise : 1;
    x->eord = order_side(p, PSIDE_E, &x->epos);
    x->rord = order_side(p, PSIDE_R, &x->rpos);
    size_t nE = x->nE, nR = x->nR, np = p->npairs;
    x->eoff = cm_calloc(nE + 1, sizeof *x->eoff);
    x->roff = cm_calloc(nR + 1, sizeof *x->roff);
    x->ecand = cm_calloc(nE + 1, sizeof *x->ecand);
    x->rcand = cm_calloc(nR + 1, sizeof *x->rcand);
    x->capraw = cm_calloc(nR + 1, sizeof *x->capraw);
    x->capeff = cm_calloc(nR + 1, sizeof *x->capeff);
    x->ae = cm_malloc((np ? np : 1) * sizeof *x->ae);
    x->ar = cm_malloc((np ? np : 1) * sizeof *x->ar);
    x->src = cm_malloc((np ? np : 1) * sizeof *x->src);
    if (!x->eord || !x->rord || !x->eoff || !x->roff || !x->ecand || !x->rcand || !x->capraw ||
        !x->capeff || !x->ae || !x->ar || !x->src)
        return -1;
    for (size_t i = 0; i < np; i++) {
        const pair *q = &p->pairs[i];
        uint32_t e = x->epos[q->e], r = x->rpos[q->r];
        x->ecand[e]++;
        x->rcand[r]++;
        if (q->score < o->min_score || q->rscore < o->min_score)
            continue;
        x->ae[x->na] = e;
        x->ar[x->na] = r;
        x->src[x->na] = (uint32_t)i;
        x->na++;
    }
    size_t na = x->na;
    x->elist = cm_malloc((na ? na : 1) * sizeof *x->elist);
    x->rlist = cm_malloc((na ? na : 1) * sizeof *x->rlist);
    x->erank = cm_malloc((na ? na : 1) * sizeof *x->erank);
    x->rrank = cm_malloc((na ? na : 1) * sizeof *x->rrank);
    if (!x->elist || !x->rlist || !x->erank || !x->rrank)
        return -1;
    for (size_t i = 0; i < na; i++) {
        x->elist[i] = x->rlist[i] = (uint32_t)i;
        x->eoff[x->ae[i] + 1]++;
        x->roff[x->ar[i] + 1]++;
    }
    for (size_t i = 0; i < nE; i++)
        x->eoff[i + 1] += x->eoff[i];
    for (size_t i = 0; i < nR; i++)
        x->roff[i + 1] += x->roff[i];
    sort_prep = x;
    qsort(x->elist, na, sizeof *x->elist, cmp_by_e);
    qsort(x->rlist, na, sizeof *x->rlist, cmp_by_r);
    for (size_t e = 0; e < nE; e++)
        for (uint32_t k = x->eoff[e]; k < x->eoff[e + 1]; k++)
            x->erank[x->elist[k]] = k - x->eoff[e] + 1;
    for (size_t r = 0; r < nR; r++) {
        for (uint32_t k = x->roff[r]; k < x->roff[r + 1]; k++)
            x->rrank[x->rlist[k]] = k - x->roff[r] + 1;
        long c = p->side[PSIDE_R][x->rord[r]].capacity;
        if (c < 0)
            c = o->default_capacity;
        x->capraw[r] = c < 0 ? -1 : c;
        uint32_t deg = x->roff[r + 1] - x->roff[r];
        x->capeff[r] = c < 0 || (unsigned long)c > deg ? deg : (uint32_t)c;
    }
    return 0;
}

/* ==== deferred acceptance ========================================================= */

typedef struct da_side {
    const uint32_t *off, *list;   /* preference lists */
} da_side;

/* heap of held pairs of one acceptor: the worst (largest rank) on top */
static void heap_up(uint32_t *h, size_t i, const uint32_t *rank)
{
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (rank[h[up]] >= rank[h[i]])
            break;
        uint32_t t = h[up]; h[up] = h[i]; h[i] = t;
        i = up;
    }
}

static void heap_down(uint32_t *h, size_t n, const uint32_t *rank)
{
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && rank[h[l]] > rank[h[m]])
            m = l;
        if (r < n && rank[h[r]] > rank[h[m]])
            m = r;
        if (m == i)
            return;
        uint32_t t = h[m]; h[m] = h[i]; h[i] = t;
        i = m;
    }
}

/* Deferred acceptance; sets matched[q] for the acceptable pairs kept. */
static int run_stable(const prep *x, int regions_propose, uint8_t *matched)
{
    size_t nP = regions_propose ? x->nR : x->nE, nA = regions_propose ? x->nE : x->nR;
    const uint32_t *poff = regions_propose ? x->roff : x->eoff;
    const uint32_t *plist = regions_propose ? x->rlist : x->elist;
    const uint32_t *aoff = regions_propose ? x->eoff : x->roff;
    const uint32_t *arank = regions_propose ? x->erank : x->rrank;
    const uint32_t *acc = regions_propose ? x->ae : x->ar;     /* acceptor of a pair */
    const uint32_t *prop = regions_propose ? x->ar : x->ae;    /* proposer of a pair */
    uint32_t *next = cm_calloc(nP + 1, sizeof *next);
    uint32_t *held = cm_calloc(nP + 1, sizeof *held);
    uint32_t *queue = cm_malloc((nP + 1) * sizeof *queue);
    uint8_t *inq = cm_calloc(nP + 1, 1);
    size_t *hoff = cm_calloc(nA + 1, sizeof *hoff);
    uint32_t *hlen = cm_calloc(nA + 1, sizeof *hlen);
    uint32_t *heaps = NULL;
    int rc = -1;
    if (!next || !held || !queue || !inq || !hoff || !hlen)
        goto out;
    for (size_t a = 0; a < nA; a++) {
        uint32_t deg = aoff[a + 1] - aoff[a];
        uint32_t cap = regions_propose ? (x->K < deg ? x->K : deg) : x->capeff[a];
        hoff[a + 1] = hoff[a] + cap;
    }
    heaps = cm_malloc((hoff[nA] ? hoff[nA] : 1) * sizeof *heaps);
    if (heaps == NULL)
        goto out;
    size_t qh = 0, qn = 0;         /* circular queue of proposers */
    for (size_t i = 0; i < nP; i++) {
        queue[qn++] = (uint32_t)i;
        inq[i] = 1;
    }
    size_t cap_q = nP + 1, waiting = nP;
    while (waiting) {
        uint32_t pr = queue[qh];
        qh = (qh + 1) % cap_q;
        waiting--;
        inq[pr] = 0;
        uint32_t want = regions_propose ? x->capeff[pr] : x->K;
        while (held[pr] < want && next[pr] < poff[pr + 1] - poff[pr]) {
            uint32_t q = plist[poff[pr] + next[pr]++];
            uint32_t a = acc[q];
            uint32_t room = (uint32_t)(hoff[a + 1] - hoff[a]);
            uint32_t *h = heaps + hoff[a];
            if (room == 0)
                continue;
            if (hlen[a] < room) {
                h[hlen[a]++] = q;
                heap_up(h, hlen[a] - 1, arank);
                held[pr]++;
            } else if (arank[q] < arank[h[0]]) {
                uint32_t loser = prop[h[0]];
                h[0] = q;
                heap_down(h, hlen[a], arank);
                held[pr]++;
                held[loser]--;
                if (!inq[loser] && loser != pr) {
                    queue[(qh + waiting) % cap_q] = loser;
                    waiting++;
                    inq[loser] = 1;
                }
            }
        }
    }
    memset(matched, 0, x->na ? x->na : 1);
    for (size_t a = 0; a < nA; a++)
        for (uint32_t k = 0; k < hlen[a]; k++)
            matched[heaps[hoff[a] + k]] = 1;
    rc = 0;
out:
    cm_free(next);
    cm_free(held);
    cm_free(queue);
    cm_free(inq);
    cm_free(hoff);
    cm_free(hlen);
    cm_free(heaps);
    return rc;
}

/* ==== min-cost flow =============================================================== */

static double best_of(const prep *x, uint32_t e)
{
    return x->eoff[e + 1] > x->eoff[e] ? x->p->pairs[x->src[x->elist[x->eoff[e]]]].score : -1;
}
static int cmp_best_desc(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    double x = best_of(sort_prep, i), y = best_of(sort_prep, j);
    return x != y ? (x > y ? -1 : 1) : (i < j ? -1 : i > j);
}
typedef struct hnode {
    int64_t d;
    uint32_t v;
} hnode;

typedef struct minheap {
    hnode *a;
    size_t n, cap;
} minheap;

static int hless(hnode x, hnode y) { return x.d < y.d || (x.d == y.d && x.v < y.v); }

static int mh_push(minheap *h, int64_t d, uint32_t v)
{
    if (cm_grow((void **)&h->a, &h->cap, h->n + 1, sizeof *h->a) < 0)
        return -1;
    size_t i = h->n++;
    h->a[i] = (hnode){ d, v };
    while (i > 0 && hless(h->a[i], h->a[(i - 1) / 2])) {
        hnode t = h->a[i]; h->a[i] = h->a[(i - 1) / 2]; h->a[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static hnode mh_pop(minheap *h)
{
    hnode top = h->a[0];
    h->a[0] = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && hless(h->a[l], h->a[m]))
            m = l;
        if (r < h->n && hless(h->a[r], h->a[m]))
            m = r;
        if (m == i)
            break;
        hnode t = h->a[m]; h->a[m] = h->a[i]; h->a[i] = t;
        i = m;
    }
    return top;
}

/*
 * Nodes: enterprises 0..nE-1, regions nE.., the sink T. Edges: e -> r (cost
 * SCALE - score), r -> T (capacity), e -> T (the enterprise stays unplaced:
 * cost SCALE, as a pair of score 0). Each unit of an enterprise's K goes
 * along a shortest path in the residual graph; potentials keep reduced costs
 * >= 0, so Dijkstra applies, and after each path only the nodes it settled
 * get new potentials (those not settled are at least as far as T).
 */
static int run_optimal(const prep *x, uint8_t *matched, const cm_assign_options *o)
{
    size_t nE = x->nE, nR = x->nR, N = nE + nR + 1;
    uint32_t T = (uint32_t)(nE + nR);
    const uint32_t NONE = UINT32_MAX;
    int64_t *pi = cm_calloc(N, sizeof *pi);
    int64_t *dist = cm_malloc(N * sizeof *dist);
    uint32_t *seen = cm_calloc(N, sizeof *seen), *done = cm_calloc(N, sizeof *done);
    uint32_t *pred = cm_malloc(N * sizeof *pred);
    uint32_t *settled = cm_malloc(N * sizeof *settled);
    int64_t *cost = cm_malloc((x->na ? x->na : 1) * sizeof *cost);
    size_t *aoff = cm_calloc(nR + 1, sizeof *aoff);
    uint32_t *alen = cm_calloc(nR + 1, sizeof *alen);
    uint32_t *apos = cm_malloc((x->na ? x->na : 1) * sizeof *apos);
    uint32_t *used = cm_calloc(nR + 1, sizeof *used);
    uint32_t *asg = NULL, *eorder = NULL;
    minheap h = { 0 };
    int rc = -1;
    if (!pi || !dist || !seen || !done || !pred || !settled || !cost || !aoff || !alen || !apos ||
        !used)
        goto out;
    for (size_t r = 0; r < nR; r++)
        aoff[r + 1] = aoff[r] + x->capeff[r];
    asg = cm_malloc((aoff[nR] ? aoff[nR] : 1) * sizeof *asg);
    if (asg == NULL)
        goto out;
    for (size_t q = 0; q < x->na; q++)
        cost[q] = SCALE - (int64_t)llround(x->p->pairs[x->src[q]].score * (double)SCALE);
    memset(matched, 0, x->na ? x->na : 1);
    uint32_t gen = 0, predT = NONE;
    int predT_region = 0;
    eorder = cm_malloc((nE + 1) * sizeof *eorder);
    if (eorder == NULL)
        goto out;
    for (size_t i = 0; i < nE; i++)
        eorder[i] = (uint32_t)i;
    /* the enterprises with the best pairs first: they settle the contested
     * regions early, and later paths have less to undo (half the work, in
     * scripts/bench-assign, of going in id order) */
    sort_prep = x;
    qsort(eorder, nE, sizeof *eorder, cmp_best_desc);
    for (size_t oi = 0; oi < nE; oi++) {
        if (o->progress && (oi & 255) == 0)
            o->progress(oi, nE, o->progress_ud);
        size_t e0 = eorder[oi];
        uint32_t deg = x->eoff[e0 + 1] - x->eoff[e0];
        unsigned units = x->K < deg ? x->K : deg;   /* the rest stays unplaced */
        for (unsigned unit = 0; unit < units; unit++) {
            gen++;
            h.n = 0;
            size_t ns = 0;
            dist[e0] = 0;
            seen[e0] = gen;
            if (mh_push(&h, 0, (uint32_t)e0) < 0)
                goto out;
            /* the sink is never in the heap: its best distance so far is
             * kept aside, and it is reached once nothing nearer is left
             * (it wins ties, so plateaus at its distance are not explored) */
            int64_t D = INT64_MAX;
            for (;;) {
                while (h.n && (done[h.a[0].v] == gen || h.a[0].d != dist[h.a[0].v]))
                    mh_pop(&h);
                if (h.n == 0 || h.a[0].d >= D)
                    break;
                hnode top = mh_pop(&h);
                uint32_t v = top.v;
                done[v] = gen;
                settled[ns++] = v;
                int64_t d = top.d;
#define RELAX_T(nd, how)                                                       \
    do {                                                                       \
        int64_t nd_ = (nd);                                                    \
        if (nd_ < D) {                                                         \
            D = nd_;                                                           \
            how;                                                               \
        }                                                                      \
    } while (0)
#define RELAX(node, nd, how)                                                   \
    do {                                                                       \
        uint32_t n_ = (node);                                                  \
        int64_t nd_ = (nd);                                                    \
        if (done[n_] != gen && (seen[n_] != gen || nd_ < dist[n_])) {          \
            seen[n_] = gen;                                                    \
            dist[n_] = nd_;                                                    \
            how;                                                               \
            if (mh_push(&h, nd_, n_) < 0)                                      \
                goto out;                                                      \
        }                                                                      \
    } while (0)
                if (v < nE) {
                    RELAX_T(d + SCALE + pi[v] - pi[T], (predT = v, predT_region = 0));
                    for (uint32_t k = x->eoff[v]; k < x->eoff[v + 1]; k++) {
                        uint32_t q = x->elist[k];
                        if (matched[q])
                            continue;
                        uint32_t rn = (uint32_t)nE + x->ar[q];
                        RELAX(rn, d + cost[q] + pi[v] - pi[rn], pred[rn] = q);
                    }
                } else {
                    uint32_t r = v - (uint32_t)nE;
                    if (used[r] < x->capeff[r])
                        RELAX_T(d + pi[v] - pi[T], (predT = r, predT_region = 1));
                    for (uint32_t k = 0; k < alen[r]; k++) {
                        uint32_t q = asg[aoff[r] + k];
                        uint32_t en = x->ae[q];
                        RELAX(en, d - cost[q] + pi[v] - pi[en], pred[en] = q);
                    }
                }
#undef RELAX
#undef RELAX_T
            }
            /* potentials: settled nodes move by their distance less D (the
             * sink, at D, does not move) */
            for (size_t i = 0; i < ns; i++)
                pi[settled[i]] += dist[settled[i]] - D;
            /* augment back from T */
            uint32_t v;
            if (predT_region) {
                used[predT]++;
                v = (uint32_t)nE + predT;
            } else {
                v = predT;
            }
            while (v != (uint32_t)e0) {
                uint32_t q = pred[v];
                if (v >= nE) {        /* reached over e -> r: the pair is taken */
                    uint32_t r = v - (uint32_t)nE;
                    matched[q] = 1;
                    apos[q] = alen[r];
                    asg[aoff[r] + alen[r]++] = q;
                    v = x->ae[q];
                } else {              /* over r -> e: the pair is given up */
                    uint32_t r = x->ar[q];
                    matched[q] = 0;
                    uint32_t last = asg[aoff[r] + --alen[r]];
                    asg[aoff[r] + apos[q]] = last;
                    apos[last] = apos[q];
                    v = (uint32_t)nE + r;
                }
            }
        }
    }
    if (o->progress)
        o->progress(nE, nE, o->progress_ud);
    rc = 0;
out:
    cm_free(eorder);
    cm_free(pi); cm_free(dist); cm_free(seen); cm_free(done); cm_free(pred); cm_free(settled);
    cm_free(cost); cm_free(aoff); cm_free(alen); cm_free(apos); cm_free(used); cm_free(asg);
    cm_free(h.a);
    return rc;
}

/* ==== results ===================================================================== */

struct cm_assignment {
    const cm_pairs *p;
    cm_assign_row *rows;
    size_t nrows;
    cm_left *left;
    size_t nleft, capleft;
    const char **names;       /* partners of every left-out party */
    size_t nnames, capnames;
    double total, rtotal;
    size_t blocking;
    char *first_blocking;
    long *cap;                /* per region party index */
    size_t *used;
};

CM_API void cm_assign_options_init(cm_assign_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = CM_ASSIGN_STABLE;
    o->proposer = CM_KIND_ENTERPRISES;
    o->per_enterprise = 1;
    o->min_score = 0;
    o->default_capacity = -1;
}

CM_API void cm_assignment_free(cm_assignment *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->nleft; i++)
        cm_free((void *)(uintptr_t)a->left[i].message);
    cm_free(a->left);
    cm_free(a->rows);
    cm_free(a->names);
    cm_free(a->first_blocking);
    cm_free(a->cap);
    cm_free(a->used);
    cm_free(a);
}

CM_API size_t cm_assignment_count(const cm_assignment *a) { return a ? a->nrows : 0; }
CM_API const cm_assign_row *cm_assignment_row(const cm_assignment *a, size_t i)
{
    return a && i < a->nrows ? &a->rows[i] : NULL;
}
CM_API size_t cm_assignment_left_count(const cm_assignment *a) { return a ? a->nleft : 0; }
CM_API const cm_left *cm_assignment_left(const cm_assignment *a, size_t i)
{
    return a && i < a->nleft ? &a->left[i] : NULL;
}
CM_API double cm_assignment_total(const cm_assignment *a, double *region_total)
{
    if (region_total)
        *region_total = a ? a->rtotal : 0;
    return a ? a->total : 0;
}
CM_API size_t cm_assignment_blocking(const cm_assignment *a, const char **first)
{
    if (first)
        *first = a && a->first_blocking ? a->first_blocking : NULL;
    return a ? a->blocking : 0;
}
CM_API long cm_assignment_capacity(const cm_assignment *a, const char *region, size_t *used)
{
    if (used)
        *used = 0;
    if (a == NULL || region == NULL)
        return -2;
    uint32_t r = cmi_pairs_find(a->p, PSIDE_R, region);
    if (r == UINT32_MAX)
        return -2;
    if (used)
        *used = a->used[r];
    return a->cap[r];
}

/* A growing message. */

static int add_left(cm_assignment *a, cm_kind kind, const char *id, cm_left_reason why,
                    size_t first_name, textbuf *msg)
{
    if (msg->nomem ||
        cm_grow((void **)&a->left, &a->capleft, a->nleft + 1, sizeof *a->left) < 0) {
        cm_free(msg->s);
        return -1;
    }
    a->left[a->nleft++] = (cm_left){ kind, id, why, a->nnames - first_name,
                                     (const char *const *)(uintptr_t)first_name, msg->s };
    memset(msg, 0, sizeof *msg);
    return 0;
}

static int add_name(cm_assignment *a, const char *name)
{
    if (cm_grow((void **)&a->names, &a->capnames, a->nnames + 1, sizeof *a->names) < 0)
        return -1;
    a->names[a->nnames++] = name;
    return 0;
}

static void name_list(textbuf *b, const char *const *names, size_t n, const long *caps)
{
    for (size_t i = 0; i < n && i < NAMES_IN_MESSAGE; i++) {
        cmi_buf_printf(b, "%s%s", i ? ", " : "", names[i]);
        if (caps)
            cmi_buf_printf(b, " (capacity %ld)", caps[i]);
    }
    if (n > NAMES_IN_MESSAGE)
        cmi_buf_printf(b, " and %zu more", n - NAMES_IN_MESSAGE);
}

static int left_out(cm_assignment *a, const prep *x, const cm_assign_options *o,
                    const uint8_t *matched, const uint32_t *ecount, const uint32_t *rcount)
{
    const cm_pairs *p = x->p;
    int optimal = o->method == CM_ASSIGN_OPTIMAL;
    long *caps = cm_malloc((x->nR + 1) * sizeof *caps);
    uint32_t *ebest = cm_malloc((x->nE + 1) * sizeof *ebest);
    uint32_t *rbest = cm_malloc((x->nR + 1) * sizeof *rbest);
    if (caps == NULL || ebest == NULL || rbest == NULL) {
        cm_free(caps);
        cm_free(ebest);
        cm_free(rbest);
        return -1;
    }
    /* each party's best pair of all, by the lower of its two scores, ties by id */
    memset(ebest, 0xff, (x->nE + 1) * sizeof *ebest);
    memset(rbest, 0xff, (x->nR + 1) * sizeof *rbest);
    for (size_t q = 0; q < p->npairs; q++) {
        const pair *pp = &p->pairs[q];
        double s = pp->score < pp->rscore ? pp->score : pp->rscore;
        uint32_t *slot[2] = { &ebest[pp->e], &rbest[pp->r] };
        for (int sd = 0; sd < 2; sd++) {
            if (*slot[sd] == UINT32_MAX) {
                *slot[sd] = (uint32_t)q;
                continue;
            }
            const pair *bp = &p->pairs[*slot[sd]];
            double bs = bp->score < bp->rscore ? bp->score : bp->rscore;
            int c = sd == 0 ? strcmp(pairs_id(p, PSIDE_R, pp->r), pairs_id(p, PSIDE_R, bp->r))
                            : strcmp(pairs_id(p, PSIDE_E, pp->e), pairs_id(p, PSIDE_E, bp->e));
            if (s > bs || (s == bs && c < 0))
                *slot[sd] = (uint32_t)q;
        }
    }
    /* best candidate of each pidx among all pairs (for "below the minimum") */
    for (int side = 0; side < 2; side++) {
        size_t n = side == PSIDE_E ? x->nE : x->nR;
        for (size_t i = 0; i < n; i++) {
            if ((side == PSIDE_E ? ecount : rcount)[i])
                continue;
            uint32_t pidx = side == PSIDE_E ? x->eord[i] : x->rord[i];
            const char *id = pairs_id(p, side, pidx);
            cm_kind kind = side == PSIDE_E ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS;
            uint32_t cand = side == PSIDE_E ? x->ecand[i] : x->rcand[i];
            const uint32_t *off = side == PSIDE_E ? x->eoff : x->roff;
            const uint32_t *list = side == PSIDE_E ? x->elist : x->rlist;
            uint32_t acc = off[i + 1] - off[i];
            size_t first = a->nnames;
            textbuf m = BUF_INIT;
            cm_left_reason why;
            if (side == PSIDE_R && x->capraw[i] == 0 && cand) {
                why = CM_LEFT_NO_CAPACITY;
                cmi_buf_printf(&m, "capacity 0");
            } else if (cand == 0) {
                why = CM_LEFT_NO_PAIR;
                cmi_buf_printf(&m, "no candidate pair");
            } else if (acc == 0) {
                why = CM_LEFT_BELOW_MIN;
                uint32_t bq = (side == PSIDE_E ? ebest : rbest)[pidx];
                const pair *pp = &p->pairs[bq];
                double best = pp->score < pp->rscore ? pp->score : pp->rscore;
                const char *with = side == PSIDE_E ? pairs_id(p, PSIDE_R, pp->r)
                                                   : pairs_id(p, PSIDE_E, pp->e);
                if (add_name(a, with) < 0)
                    goto nomem;
                cmi_buf_printf(&m, "no pair at or above the minimum score %g (best: %.3f, with %s)",
                       o->min_score, best, with ? with : "?");
            } else if (side == PSIDE_E) {
                why = CM_LEFT_FULL;
                size_t nfull = 0;
                for (uint32_t k = off[i]; k < off[i + 1]; k++) {
                    uint32_t r = x->ar[list[k]];
                    if (x->capraw[r] >= 0 && rcount[r] >= (uint32_t)x->capraw[r]) {
                        caps[nfull++] = x->capraw[r];
                        if (add_name(a, pairs_id(p, PSIDE_R, x->rord[r])) < 0)
                            goto nomem;
                    }
                }
                cmi_buf_printf(&m, "%s regions full: ", optimal ? "acceptable" : "preferred");
                name_list(&m, a->names + first, nfull, caps);
                if (nfull < acc)
                    cmi_buf_printf(&m, "%s%u with room passed over for a greater total score",
                           nfull ? "; " : "", acc - (uint32_t)nfull);
            } else {
                why = CM_LEFT_TAKEN;
                for (uint32_t k = off[i]; k < off[i + 1]; k++)
                    if (add_name(a, pairs_id(p, PSIDE_E, x->eord[x->ae[list[k]]])) < 0)
                        goto nomem;
                cmi_buf_printf(&m, optimal ? "its acceptable enterprises were assigned elsewhere for a "
                                     "greater total score: "
                                   : "its acceptable enterprises all went to regions they "
                                     "prefer: ");
                name_list(&m, a->names + first, acc, NULL);
            }
            if (add_left(a, kind, id, why, first, &m) < 0)
                goto nomem;
        }
    }
    (void)matched;
    cm_free(caps);
    cm_free(ebest);
    cm_free(rbest);
    for (size_t i = 0; i < a->nleft; i++)
        a->left[i].partners = a->names + (uintptr_t)a->left[i].partners;
    return 0;
nomem:
    cm_free(caps);
    cm_free(ebest);
    cm_free(rbest);
    /* leave the offsets valid for freeing */
    for (size_t i = 0; i < a->nleft; i++)
        a->left[i].partners = NULL;
    return -1;
}

static int blocking_pairs(cm_assignment *a, const prep *x, const uint8_t *matched,
                          const uint32_t *ecount, const uint32_t *rcount)
{
    uint32_t *eworst = cm_calloc(x->nE + 1, sizeof *eworst);
    uint32_t *rworst = cm_calloc(x->nR + 1, sizeof *rworst);
    if (eworst == NULL || rworst == NULL) {
        cm_free(eworst);
        cm_free(rworst);
        return -1;
    }
    for (size_t q = 0; q < x->na; q++)
        if (matched[q]) {
            if (x->erank[q] > eworst[x->ae[q]])
                eworst[x->ae[q]] = x->erank[q];
            if (x->rrank[q] > rworst[x->ar[q]])
                rworst[x->ar[q]] = x->rrank[q];
        }
    size_t n = 0, firstq = 0;
    for (size_t q = 0; q < x->na; q++) {
        if (matched[q])
            continue;
        uint32_t e = x->ae[q], r = x->ar[q];
        int ewants = ecount[e] < x->K || x->erank[q] < eworst[e];
        int rwants = x->capraw[r] < 0 || rcount[r] < (unsigned long)x->capraw[r] ||
                     x->rrank[q] < rworst[r];
        if (x->capraw[r] == 0)
            rwants = 0;
        if (ewants && rwants && n++ == 0)
            firstq = q;
    }
    a->blocking = n;
    if (n) {
        const char *e = pairs_id(x->p, PSIDE_E, x->eord[x->ae[firstq]]);
        const char *r = pairs_id(x->p, PSIDE_R, x->rord[x->ar[firstq]]);
        size_t len = strlen(e) + strlen(r) + 32;
        a->first_blocking = cm_malloc(len);
        if (a->first_blocking)
            snprintf(a->first_blocking, len, "enterprise %s and region %s", e, r);
    }
    cm_free(eworst);
    cm_free(rworst);
    return a->first_blocking || n == 0 ? 0 : -1;
}

CM_API cm_status cm_assign(const cm_pairs *p, const cm_assign_options *o, cm_assignment **out)
{
    cm_assign_options d;
    if (p == NULL || out == NULL)
        return CM_EUSAGE;
    *out = NULL;
    if (o == NULL) {
        cm_assign_options_init(&d);
        o = &d;
    }
    if (o->method != CM_ASSIGN_STABLE && o->method != CM_ASSIGN_OPTIMAL)
        return pfail(p, CM_EUSAGE, "unknown assignment method %d", (int)o->method);
    if (!(o->min_score >= 0 && o->min_score <= 1))
        return pfail(p, CM_EUSAGE, "the minimum score must lie in [0, 1]");
    if (o->per_enterprise > 1000000)
        return pfail(p, CM_EUSAGE, "per_enterprise must be at most 1000000");
    prep x;
    uint8_t *matched = NULL;
    uint32_t *ecount = NULL, *rcount = NULL;
    cm_assignment *a = NULL;
    if (prep_make(&x, p, o) < 0)
        goto nomem;
    matched = cm_calloc(x.na ? x.na : 1, 1);
    ecount = cm_calloc(x.nE + 1, sizeof *ecount);
    rcount = cm_calloc(x.nR + 1, sizeof *rcount);
    a = cm_calloc(1, sizeof *a);
    if (matched == NULL || ecount == NULL || rcount == NULL || a == NULL)
        goto nomem;
    a->p = p;
    int rc = o->method == CM_ASSIGN_OPTIMAL
                 ? run_optimal(&x, matched, o)
                 : run_stable(&x, o->proposer == CM_KIND_REGIONS, matched);
    if (rc < 0)
        goto nomem;
    size_t nrows = 0;
    for (size_t q = 0; q < x.na; q++)
        if (matched[q]) {
            nrows++;
            ecount[x.ae[q]]++;
            rcount[x.ar[q]]++;
        }
    a->rows = cm_calloc(nrows ? nrows : 1, sizeof *a->rows);
    a->cap = cm_malloc((x.nR + 1) * sizeof *a->cap);
    a->used = cm_calloc(x.nR + 1, sizeof *a->used);
    if (a->rows == NULL || a->cap == NULL || a->used == NULL)
        goto nomem;
    for (size_t r = 0; r < x.nR; r++) {
        a->cap[x.rord[r]] = x.capraw[r];
        a->used[x.rord[r]] = rcount[r];
    }
    for (size_t e = 0; e < x.nE; e++)
        for (uint32_t k = x.eoff[e]; k < x.eoff[e + 1]; k++) {
            uint32_t q = x.elist[k];
            if (!matched[q])
                continue;
            const pair *pp = &p->pairs[x.src[q]];
            uint32_t r = x.ar[q];
            a->rows[a->nrows++] = (cm_assign_row){
                pairs_id(p, PSIDE_E, pp->e), pairs_id(p, PSIDE_R, pp->r), pp->score, pp->rscore,
                x.erank[q], x.rrank[q], x.eoff[e + 1] - x.eoff[e], x.roff[r + 1] - x.roff[r],
                pp->reasons == STR_NONE ? NULL : strpool_get(&p->pool, pp->reasons) };
            a->total += pp->score;
            a->rtotal += pp->rscore;
        }
    if (left_out(a, &x, o, matched, ecount, rcount) < 0 ||
        blocking_pairs(a, &x, matched, ecount, rcount) < 0)
        goto nomem;
    prep_free(&x);
    cm_free(matched);
    cm_free(ecount);
    cm_free(rcount);
    *out = a;
    return CM_OK;
nomem:
    prep_free(&x);
    cm_free(matched);
    cm_free(ecount);
    cm_free(rcount);
    cm_assignment_free(a);
    return pfail(p, CM_ENOMEM, "out of memory");
}
