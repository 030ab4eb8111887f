/*
 * diff.c - what changed between two rankings (capmatch diff): two match
 * results (two policies, or two data sets, under the same options) or two
 * files of capmatch match --format jsonl.
 *
 * Owns the copy of both sides' rows (ids, ranks, scores, every rule's score,
 * contribution and reason), the merge that finds the pairs that entered or
 * left a profile's top k, moved rank or only changed score, and the writers
 * (text, JSON, an HTML fragment for the report). Costs a sort of each side's
 * rows and one merge; pairs that only one side kept are traced through the
 * other side's policy on request (cm_diff_explain_missing), one C call each.
 * Reads results and engines through the public API only.
 */
#include "capmatch.h"
#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "strpool.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct drule {
    str_ref rule, reason;
    int region_side;              /* a rule of the region's view */
    double score, contribution;
} drule;

typedef struct drow {
    str_ref profile, partner;     /* profile: the side ranked by (enterprise when by enterprise) */
    double score;
    unsigned rank;
    size_t rules_off, nrules;     /* into the side's rules */
} drow;

typedef struct dside {
    drow *rows;
    size_t nrows, cap;
    drule *rules;
    size_t nrules, rcap;
    int loaded;
    int by_region;
    size_t top;
    char *name;                   /* policy, data or file name, for the summary */
} dside;

typedef struct dpair {
    cm_diff_pair pub;
    const drow *a, *b;
    int a_traced, b_traced;       /* the other side's score came from cm_explain_pair */
    int a_vetoed, b_vetoed;
    drule *ta, *tb;               /* traced rules */
    size_t nta, ntb;
    cm_diff_rule *rules;
} dpair;

struct cm_diff {
    strpool pool;
    dside side[2];
    dpair *pairs;
    size_t npairs, cap;
    size_t profiles, profiles_changed;
    size_t counts[5];
    int computed;
};

/* A kept string, or NULL for none. */
static const char *S(const cm_diff *d, str_ref x)
{
    return x == STR_NONE ? NULL : strpool_get(&d->pool, x);
}

/* An id (always kept). */
static const char *ID(const cm_diff *d, str_ref x)
{
    return x == STR_NONE ? "" : strpool_get(&d->pool, x);
}

CM_API cm_diff *cm_diff_new(void)
{
    cm_diff *d = cm_calloc(1, sizeof *d);
    if (d && cmi_strpool_init(&d->pool) < 0) {
        cm_free(d);
        d = NULL;
    }
    return d;
}

CM_API void cm_diff_free(cm_diff *d)
{
    if (d == NULL)
        return;
    for (int s = 0; s < 2; s++) {
        cm_free(d->side[s].rows);
        cm_free(d->side[s].rules);
        cm_free(d->side[s].name);
    }
    for (size_t i = 0; i < d->npairs; i++) {
        cm_free(d->pairs[i].ta);
        cm_free(d->pairs[i].tb);
        cm_free(d->pairs[i].rules);
    }
    cm_free(d->pairs);
    cmi_strpool_free(&d->pool);
    cm_free(d);
}

static int intern(cm_diff *d, const char *s, str_ref *out)
{
    if (s == NULL) {
        *out = STR_NONE;
        return 0;
    }
    return cmi_strpool_intern(&d->pool, s, strlen(s), out);
}

static cm_status nomem(void)
{
    return cmi_err_set(CM_ENOMEM, "out of memory while comparing results");
}

static cm_status check_side(cm_diff *d, int which)
{
    if (d == NULL || which < 0 || which > 1)
        return cmi_err_set(CM_EUSAGE, "cm_diff: a diff and side 0 (before) or 1 (after)");
    if (d->side[which].loaded)
        return cmi_err_set(CM_EUSAGE, "cm_diff: side %d was given already", which);
    return CM_OK;
}

static drow *new_row(dside *s)
{
    if (cm_grow((void **)&s->rows, &s->cap, s->nrows + 1, sizeof *s->rows) < 0)
        return NULL;
    drow *r = &s->rows[s->nrows++];
    memset(r, 0, sizeof *r);
    r->rules_off = s->nrules;
    return r;
}

static int add_rule(cm_diff *d, dside *s, drow *row, const char *rule, int region_side,
                    double score, double contribution, const char *reason)
{
    if (cm_grow((void **)&s->rules, &s->rcap, s->nrules + 1, sizeof *s->rules) < 0)
        return -1;
    drule *r = &s->rules[s->nrules];
    if (intern(d, rule, &r->rule) < 0 || intern(d, reason, &r->reason) < 0)
        return -1;
    r->score = score;
    r->contribution = contribution;
    r->region_side = region_side;
    s->nrules++;
    row->nrules++;
    return 0;
}

CM_API cm_status cm_diff_add_result(cm_diff *d, int which, const cm_result *r, cm_kind by,
                                    size_t top, const char *name)
{
    cm_status st = check_side(d, which);
    if (st != CM_OK)
        return st;
    if (r == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_diff: no result");
    dside *s = &d->side[which];
    s->by_region = by == CM_KIND_REGIONS;
    s->top = top;
    s->name = name ? cm_strdup(name) : NULL;
    if (name && s->name == NULL)
        return nomem();
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *m = cm_result_row(r, i);
        drow *row = new_row(s);
        if (row == NULL ||
            intern(d, s->by_region ? m->region : m->enterprise, &row->profile) < 0 ||
            intern(d, s->by_region ? m->enterprise : m->region, &row->partner) < 0)
            return nomem();
        row->score = s->by_region ? m->region_score : m->score;
        row->rank = m->rank;
        for (size_t k = 0; k < cm_result_rule_count(r); k++) {
            const cm_explain_item *it = cm_result_explain(r, i, k);
            if (it && add_rule(d, s, row, it->rule, it->region_side, it->score, it->contribution,
                               it->reason) < 0)
                return nomem();
        }
    }
    s->loaded = 1;
    return CM_OK;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

CM_API cm_status cm_diff_load_file(cm_diff *d, int which, const char *path)
{
    cm_status st = check_side(d, which);
    if (st != CM_OK)
        return st;
    size_t len;
    char *text = cmi_file_read(path, 0, &len);
    if (text == NULL)
        return cmi_err_set(CM_EIO, "%s: cannot read it", path);
    dside *s = &d->side[which];
    s->name = cm_strdup(path);
    st = s->name ? CM_OK : nomem();
    unsigned long line = 0;
    int meta = 0;
    for (char *p = text; st == CM_OK && p < text + len; line++) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        char *next = nl ? nl + 1 : text + len;
        size_t k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        if (k == n) {
            p = next;
            continue;
        }
        json_error_t err;
        json_t *o = json_loadb(p, n, JSON_DISABLE_EOF_CHECK, &err);
        p = next;
        if (o == NULL || !json_is_object(o)) {
            st = cmi_err_set(CM_EINPUT, "%s:%lu: expected a JSON object (a line of capmatch "
                             "match --format jsonl), found %s", path, line + 1,
                             o ? "another value" : err.text);
            json_decref(o);
            break;
        }
        json_t *m = json_object_get(o, "meta");
        if (m) {
            const char *by = jstr(m, "by");
            json_t *top = json_object_get(m, "top");
            if (meta || by == NULL || !json_is_integer(top) ||
                (strcmp(by, "enterprise") != 0 && strcmp(by, "region") != 0)) {
                st = cmi_err_set(CM_EINPUT, "%s:%lu: meta: expected one meta line with \"by\" "
                                 "(enterprise or region) and \"top\", as capmatch match "
                                 "--format jsonl writes it", path, line + 1);
            } else {
                meta = 1;
                s->by_region = strcmp(by, "region") == 0;
                s->top = (size_t)json_integer_value(top);
            }
            json_decref(o);
            continue;
        }
        if (json_object_get(o, "totals") || json_object_get(o, "unassigned")) {
            json_decref(o);       /* the closing counts of a run, not a pair */
            continue;
        }
        if (!meta) {
            st = cmi_err_set(CM_EINPUT, "%s:%lu: expected the meta line of capmatch match "
                             "--format jsonl first, found a row", path, line + 1);
            json_decref(o);
            break;
        }
        const char *e = jstr(o, "enterprise"), *r = jstr(o, "region");
        json_t *score = json_object_get(o, s->by_region ? "region_score" : "score");
        if (score == NULL)
            score = json_object_get(o, "score");
        json_t *rank = json_object_get(o, "rank");
        if (e == NULL || r == NULL || !json_is_number(score) || !json_is_integer(rank)) {
            st = cmi_err_set(CM_EINPUT, "%s:%lu: expected a row with \"enterprise\", \"region\", "
                             "\"score\" and \"rank\"", path, line + 1);
            json_decref(o);
            break;
        }
        drow *row = new_row(s);
        if (row == NULL || intern(d, s->by_region ? r : e, &row->profile) < 0 ||
            intern(d, s->by_region ? e : r, &row->partner) < 0) {
            st = nomem();
            json_decref(o);
            break;
        }
        row->score = json_number_value(score);
        row->rank = (unsigned)json_integer_value(rank);
        json_t *ex = json_object_get(o, "explain");
        for (size_t i = 0; i < json_array_size(ex) && st == CM_OK; i++) {
            json_t *it = json_array_get(ex, i);
            const char *rs = jstr(it, "side");
            if (add_rule(d, s, row, jstr(it, "rule"), rs && strcmp(rs, "region") == 0,
                         json_number_value(json_object_get(it, "score")),
                         json_number_value(json_object_get(it, "contribution")),
                         jstr(it, "reason")) < 0)
                st = nomem();
        }
        json_decref(o);
    }
    cm_free(text);
    if (st == CM_OK && !meta)
        st = cmi_err_set(CM_EINPUT, "%s: no meta line: not a file of capmatch match --format "
                         "jsonl", path);
    if (st == CM_OK)
        s->loaded = 1;
    return st;
}

/* ---- comparing ---------------------------------------------------------------------- */

static _Thread_local const cm_diff *sort_d;

static int cmp_row(const void *pa, const void *pb)
{
    const drow *a = pa, *b = pb;
    int c = strcmp(ID(sort_d, a->profile), ID(sort_d, b->profile));
    return c ? c : strcmp(ID(sort_d, a->partner), ID(sort_d, b->partner));
}

static int add_pair(cm_diff *d, cm_diff_kind kind, const drow *a, const drow *b)
{
    if (cm_grow((void **)&d->pairs, &d->cap, d->npairs + 1, sizeof *d->pairs) < 0)
        return -1;
    dpair *p = &d->pairs[d->npairs++];
    memset(p, 0, sizeof *p);
    const drow *any = a ? a : b;
    p->a = a;
    p->b = b;
    p->pub.kind = kind;
    const char *prof = ID(d, any->profile), *part = ID(d, any->partner);
    p->pub.enterprise = d->side[0].by_region ? part : prof;
    p->pub.region = d->side[0].by_region ? prof : part;
    p->pub.rank_before = a ? a->rank : 0;
    p->pub.rank_after = b ? b->rank : 0;
    p->pub.score_before = a ? a->score : NAN;
    p->pub.score_after = b ? b->score : NAN;
    d->counts[kind]++;
    return 0;
}

CM_API cm_status cm_diff_compute(cm_diff *d)
{
    if (d == NULL || !d->side[0].loaded || !d->side[1].loaded)
        return cmi_err_set(CM_EUSAGE, "cm_diff: give both sides before comparing");
    dside *A = &d->side[0], *B = &d->side[1];
    if (A->by_region != B->by_region)
        return cmi_err_set(CM_EINPUT, "%s ranks by %s and %s by %s: compare results made the "
                           "same way (--by)", A->name ? A->name : "before",
                           A->by_region ? "region" : "enterprise", B->name ? B->name : "after",
                           B->by_region ? "region" : "enterprise");
    if (A->top != B->top)
        return cmi_err_set(CM_EINPUT, "%s keeps %zu partners per profile and %s keeps %zu: "
                           "compare results made with the same --top",
                           A->name ? A->name : "before", A->top, B->name ? B->name : "after",
                           B->top);
    sort_d = d;
    if (A->nrows)
        qsort(A->rows, A->nrows, sizeof *A->rows, cmp_row);
    if (B->nrows)
        qsort(B->rows, B->nrows, sizeof *B->rows, cmp_row);
    for (int s = 0; s < 2; s++) {
        dside *x = &d->side[s];
        for (size_t i = 1; i < x->nrows; i++)
            if (cmp_row(&x->rows[i - 1], &x->rows[i]) == 0)
                return cmi_err_set(CM_EINPUT, "%s: the pair %s / %s is listed twice",
                                   x->name ? x->name : "a result", ID(d, x->rows[i].profile),
                                   ID(d, x->rows[i].partner));
    }
    size_t i = 0, j = 0;
    str_ref last = STR_NONE;
    size_t changed_at = 0;
    while (i < A->nrows || j < B->nrows) {
        int c = i == A->nrows ? 1 : j == B->nrows ? -1 : cmp_row(&A->rows[i], &B->rows[j]);
        const drow *a = c <= 0 ? &A->rows[i] : NULL, *b = c >= 0 ? &B->rows[j] : NULL;
        const drow *any = a ? a : b;
        if (last == STR_NONE || strcmp(ID(d, last), ID(d, any->profile)) != 0) {
            last = any->profile;
            d->profiles++;
            changed_at = d->npairs;
        }
        size_t before = d->npairs;
        int rc = 0;
        if (a && b) {
            if (a->rank != b->rank)
                rc = add_pair(d, CM_DIFF_MOVED, a, b);
            else if (a->score != b->score)
                rc = add_pair(d, CM_DIFF_RESCORED, a, b);
        } else {
            rc = add_pair(d, a ? CM_DIFF_LEFT : CM_DIFF_ENTERED, a, b);
        }
        if (rc < 0)
            return nomem();
        if (d->npairs > before && before == changed_at)
            d->profiles_changed++;
        i += c <= 0;
        j += c >= 0;
    }
    d->computed = 1;
    return CM_OK;
}

CM_API cm_status cm_diff_explain_missing(cm_diff *d, int which, cm_engine *e, cm_policy *p)
{
    if (d == NULL || !d->computed || e == NULL || p == NULL || which < 0 || which > 1)
        return cmi_err_set(CM_EUSAGE, "cm_diff_explain_missing: compute the diff first");
    for (size_t i = 0; i < d->npairs; i++) {
        dpair *pr = &d->pairs[i];
        if ((which == 0 ? pr->a : pr->b) != NULL)
            continue;
        if (cm_engine_find(e, CM_KIND_ENTERPRISES, pr->pub.enterprise) == (size_t)-1 ||
            cm_engine_find(e, CM_KIND_REGIONS, pr->pub.region) == (size_t)-1)
            continue;        /* not in that side's data at all */
        cm_result *r = NULL;
        cm_status s = cm_explain_pair(e, p, pr->pub.enterprise, pr->pub.region, &r);
        if (s != CM_OK)
            return cmi_err_set(s, "%s", cm_engine_errmsg(e));
        const cm_match_row *m = cm_result_row(r, 0);
        size_t n = cm_result_rule_count(r);
        drule *t = cm_calloc(n + 1, sizeof *t);
        if (t == NULL) {
            cm_result_free(r);
            return nomem();
        }
        for (size_t k = 0; k < n; k++) {
            const cm_explain_item *it = cm_result_explain(r, 0, k);
            if (intern(d, it->rule, &t[k].rule) < 0 || intern(d, it->reason, &t[k].reason) < 0) {
                cm_free(t);
                cm_result_free(r);
                return nomem();
            }
            t[k].score = it->score;
            t[k].contribution = it->contribution;
            t[k].region_side = it->region_side;
        }
        double score = d->side[0].by_region ? m->region_score : m->score;
        if (which == 0) {
            pr->ta = t;
            pr->nta = n;
            pr->a_traced = 1;
            pr->a_vetoed = m->vetoed;
            pr->pub.score_before = score;
        } else {
            pr->tb = t;
            pr->ntb = n;
            pr->b_traced = 1;
            pr->b_vetoed = m->vetoed;
            pr->pub.score_after = score;
        }
        pr->pub.vetoed_before = pr->a_vetoed;
        pr->pub.vetoed_after = pr->b_vetoed;
        cm_result_free(r);
    }
    return CM_OK;
}

static int cmp_drule(const void *pa, const void *pb)
{
    const cm_diff_rule *a = pa, *b = pb;
    double da = fabs((isnan(a->contribution_after) ? 0 : a->contribution_after) -
                     (isnan(a->contribution_before) ? 0 : a->contribution_before));
    double db = fabs((isnan(b->contribution_after) ? 0 : b->contribution_after) -
                     (isnan(b->contribution_before) ? 0 : b->contribution_before));
    if (da != db)
        return da > db ? -1 : 1;
    return strcmp(a->rule, b->rule);
}

/* The rules whose contribution changed, for a pair: matched by name. */
static int pair_rules(cm_diff *d, dpair *pr)
{
    const drule *ra = pr->a ? d->side[0].rules + pr->a->rules_off : pr->ta;
    const drule *rb = pr->b ? d->side[1].rules + pr->b->rules_off : pr->tb;
    size_t na = pr->a ? pr->a->nrules : pr->nta, nb = pr->b ? pr->b->nrules : pr->ntb;
    if (na == 0 || nb == 0)
        return 0;
    pr->rules = cm_calloc(na + nb, sizeof *pr->rules);
    if (pr->rules == NULL)
        return -1;
    /* the rules of the ranking side (the score by enterprise, the region's
     * view by region) when the policy has such; else every rule */
    int side = d->side[0].by_region, has = 0;
    for (size_t k = 0; k < na; k++)
        has |= ra[k].region_side == side;
    for (size_t q = 0; q < nb; q++)
        has |= rb[q].region_side == side;
    size_t n = 0;
    for (size_t k = 0; k < na; k++) {
        if (has && ra[k].region_side != side)
            continue;
        const drule *m = NULL;
        for (size_t q = 0; q < nb && !m; q++)
            if (rb[q].rule == ra[k].rule)
                m = &rb[q];
        if (m && m->contribution == ra[k].contribution && m->score == ra[k].score)
            continue;
        pr->rules[n++] = (cm_diff_rule){ S(d, ra[k].rule), ra[k].score, m ? m->score : NAN,
                                         ra[k].contribution, m ? m->contribution : NAN,
                                         S(d, ra[k].reason), m ? S(d, m->reason) : NULL };
    }
    for (size_t q = 0; q < nb; q++) {
        if (has && rb[q].region_side != side)
            continue;
        int seen = 0;
        for (size_t k = 0; k < na && !seen; k++)
            seen = ra[k].rule == rb[q].rule;
        if (!seen)
            pr->rules[n++] = (cm_diff_rule){ S(d, rb[q].rule), NAN, rb[q].score, NAN,
                                             rb[q].contribution, NULL, S(d, rb[q].reason) };
    }
    qsort(pr->rules, n, sizeof *pr->rules, cmp_drule);
    pr->pub.nrules = n;
    pr->pub.rules = pr->rules;
    return 0;
}

static int ensure_rules(const cm_diff *cd)
{
    cm_diff *d = (cm_diff *)cd;
    for (size_t i = 0; i < d->npairs; i++)
        if (d->pairs[i].rules == NULL && pair_rules(d, &d->pairs[i]) < 0)
            return -1;
    return 0;
}

CM_API size_t cm_diff_count(const cm_diff *d) { return d ? d->npairs : 0; }

CM_API const cm_diff_pair *cm_diff_pair_at(const cm_diff *d, size_t i)
{
    if (d == NULL || i >= d->npairs)
        return NULL;
    if (d->pairs[i].rules == NULL && ensure_rules(d) < 0)
        return NULL;
    return &d->pairs[i].pub;
}

CM_API void cm_diff_summary(const cm_diff *d, cm_diff_totals *t)
{
    memset(t, 0, sizeof *t);
    if (d == NULL)
        return;
    t->pairs_before = d->side[0].nrows;
    t->pairs_after = d->side[1].nrows;
    t->entered = d->counts[CM_DIFF_ENTERED];
    t->left = d->counts[CM_DIFF_LEFT];
    t->moved = d->counts[CM_DIFF_MOVED];
    t->rescored = d->counts[CM_DIFF_RESCORED];
    t->profiles = d->profiles;
    t->profiles_changed = d->profiles_changed;
    t->by = d->side[0].by_region ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
    t->top = d->side[0].top;
}

/* ---- writing ------------------------------------------------------------------------ */

static const char *kind_name(cm_diff_kind k)
{
    switch (k) {
    case CM_DIFF_ENTERED: return "entered";
    case CM_DIFF_LEFT: return "left";
    case CM_DIFF_MOVED: return "moved";
    default: return "rescored";
    }
}

static void num(textbuf *b, double v)
{
    if (isnan(v)) {
        cmi_buf_puts(b, "null");
        return;
    }
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    cmi_buf_puts(b, buf);
}

static void jstring(textbuf *b, const char *s)
{
    if (s)
        cmi_buf_json_string(b, s, strlen(s));
    else
        cmi_buf_puts(b, "null");
}

/* |rank change|, a pair entering or leaving counting from top + 1. */
static long move_size(const cm_diff *d, const cm_diff_pair *p)
{
    long out = (long)d->side[0].top + 1;
    long a = p->rank_before ? (long)p->rank_before : out;
    long b = p->rank_after ? (long)p->rank_after : out;
    return labs(a - b);
}

static _Thread_local const cm_diff *move_d;

static int cmp_move(const void *pa, const void *pb)
{
    size_t i = *(const size_t *)pa, j = *(const size_t *)pb;
    long mi = move_size(move_d, &move_d->pairs[i].pub), mj = move_size(move_d, &move_d->pairs[j].pub);
    if (mi != mj)
        return mi > mj ? -1 : 1;
    return (i > j) - (i < j);
}

/* Up to n largest moves, as indexes, largest first (ties: in pair order). */
static size_t largest(const cm_diff *d, size_t *idx, size_t n)
{
    size_t *all = cm_malloc((d->npairs + 1) * sizeof *all), k = 0;
    if (all == NULL)
        return 0;
    for (size_t i = 0; i < d->npairs; i++)
        if (d->pairs[i].pub.kind != CM_DIFF_RESCORED)
            all[k++] = i;
    move_d = d;
    qsort(all, k, sizeof *all, cmp_move);
    if (k > n)
        k = n;
    memcpy(idx, all, k * sizeof *idx);
    cm_free(all);
    return k;
}

static void write_json(const cm_diff *d, textbuf *b)
{
    cm_diff_totals t;
    cm_diff_summary(d, &t);
    cmi_buf_puts(b, "{\"before\":");
    jstring(b, d->side[0].name);
    cmi_buf_puts(b, ",\"after\":");
    jstring(b, d->side[1].name);
    cmi_buf_printf(b, ",\"by\":\"%s\",\"top\":%zu,\"summary\":{\"pairs_before\":%zu,"
                   "\"pairs_after\":%zu,\"entered\":%zu,\"left\":%zu,\"moved\":%zu,"
                   "\"rescored\":%zu,\"profiles\":%zu,\"profiles_changed\":%zu,\"largest\":[",
                   t.by == CM_KIND_REGIONS ? "region" : "enterprise", t.top, t.pairs_before,
                   t.pairs_after, t.entered, t.left, t.moved, t.rescored, t.profiles,
                   t.profiles_changed);
    size_t idx[5], n = largest(d, idx, 5);
    for (size_t i = 0; i < n; i++) {
        const cm_diff_pair *p = &d->pairs[idx[i]].pub;
        cmi_buf_puts(b, i ? ",{\"enterprise\":" : "{\"enterprise\":");
        jstring(b, p->enterprise);
        cmi_buf_puts(b, ",\"region\":");
        jstring(b, p->region);
        cmi_buf_printf(b, ",\"kind\":\"%s\",\"by\":%ld}", kind_name(p->kind), move_size(d, p));
    }
    cmi_buf_puts(b, "]},\"pairs\":[");
    for (size_t i = 0; i < d->npairs; i++) {
        const cm_diff_pair *p = &d->pairs[i].pub;
        cmi_buf_puts(b, i ? ",{\"enterprise\":" : "{\"enterprise\":");
        jstring(b, p->enterprise);
        cmi_buf_puts(b, ",\"region\":");
        jstring(b, p->region);
        cmi_buf_printf(b, ",\"kind\":\"%s\",\"rank_before\":", kind_name(p->kind));
        if (p->rank_before)
            cmi_buf_printf(b, "%u", p->rank_before);
        else
            cmi_buf_puts(b, "null");
        cmi_buf_puts(b, ",\"rank_after\":");
        if (p->rank_after)
            cmi_buf_printf(b, "%u", p->rank_after);
        else
            cmi_buf_puts(b, "null");
        cmi_buf_puts(b, ",\"score_before\":");
        num(b, p->score_before);
        cmi_buf_puts(b, ",\"score_after\":");
        num(b, p->score_after);
        if (p->vetoed_before || p->vetoed_after)
            cmi_buf_printf(b, ",\"vetoed_before\":%s,\"vetoed_after\":%s",
                           p->vetoed_before ? "true" : "false", p->vetoed_after ? "true" : "false");
        cmi_buf_puts(b, ",\"rules\":[");
        for (size_t k = 0; k < p->nrules; k++) {
            const cm_diff_rule *r = &p->rules[k];
            cmi_buf_puts(b, k ? ",{\"rule\":" : "{\"rule\":");
            jstring(b, r->rule);
            cmi_buf_puts(b, ",\"score_before\":");
            num(b, r->score_before);
            cmi_buf_puts(b, ",\"score_after\":");
            num(b, r->score_after);
            cmi_buf_puts(b, ",\"contribution_before\":");
            num(b, r->contribution_before);
            cmi_buf_puts(b, ",\"contribution_after\":");
            num(b, r->contribution_after);
            cmi_buf_puts(b, ",\"reason_before\":");
            jstring(b, r->reason_before);
            cmi_buf_puts(b, ",\"reason_after\":");
            jstring(b, r->reason_after);
            cmi_buf_putc(b, '}');
        }
        cmi_buf_puts(b, "]}");
    }
    cmi_buf_puts(b, "]}\n");
}

static void score_text(textbuf *b, double v, int vetoed)
{
    if (vetoed)
        cmi_buf_printf(b, "vetoed");
    else if (isnan(v))
        cmi_buf_puts(b, "?");
    else
        cmi_buf_printf(b, "%.3f", v);
}

/* "rank 3 (0.512)", "outside the top 5 (0.401)", "outside the top 5" */
static void place_text(textbuf *b, const cm_diff *d, unsigned rank, double score, int vetoed)
{
    if (rank)
        cmi_buf_printf(b, "rank %u (", rank);
    else
        cmi_buf_printf(b, "outside the top %zu (", d->side[0].top);
    score_text(b, score, vetoed);
    cmi_buf_putc(b, ')');
}

static void rules_text(textbuf *b, const cm_diff_pair *p, size_t max)
{
    for (size_t k = 0; k < p->nrules && k < max; k++) {
        const cm_diff_rule *r = &p->rules[k];
        if (isnan(r->score_before) != isnan(r->score_after)) {
            /* a rule of one policy only */
            int before = !isnan(r->score_before);
            cmi_buf_printf(b, "      %s: %.3f (contribution %.3f), %s\n", r->rule,
                           before ? r->score_before : r->score_after,
                           before ? r->contribution_before : r->contribution_after,
                           before ? "a rule before only" : "a rule after only");
            if (before ? r->reason_before != NULL : r->reason_after != NULL)
                cmi_buf_printf(b, "        %s: %s\n", before ? "was" : "now",
                               before ? r->reason_before : r->reason_after);
            continue;
        }
        cmi_buf_printf(b, "      %s: ", r->rule);
        score_text(b, r->score_before, 0);
        cmi_buf_puts(b, " -> ");
        score_text(b, r->score_after, 0);
        cmi_buf_puts(b, " (contribution ");
        score_text(b, r->contribution_before, 0);
        cmi_buf_puts(b, " -> ");
        score_text(b, r->contribution_after, 0);
        cmi_buf_puts(b, ")\n");
        if (r->reason_before && r->reason_after && strcmp(r->reason_before, r->reason_after) == 0)
            continue;
        if (r->reason_before)
            cmi_buf_printf(b, "        was: %s\n", r->reason_before);
        if (r->reason_after)
            cmi_buf_printf(b, "        now: %s\n", r->reason_after);
    }
    if (p->nrules > max)
        cmi_buf_printf(b, "      (%zu more rules changed)\n", p->nrules - max);
}

static void write_text(const cm_diff *d, textbuf *b)
{
    cm_diff_totals t;
    cm_diff_summary(d, &t);
    const char *by = t.by == CM_KIND_REGIONS ? "region" : "enterprise";
    cmi_buf_printf(b, "before: %s\nafter:  %s\n", d->side[0].name ? d->side[0].name : "-",
                   d->side[1].name ? d->side[1].name : "-");
    cmi_buf_printf(b, "%zu pairs before, %zu after (top %zu per %s): %zu entered, %zu left, "
                   "%zu moved, %zu rescored; %zu of %zu %ss changed\n",
                   t.pairs_before, t.pairs_after, t.top, by, t.entered, t.left, t.moved,
                   t.rescored, t.profiles_changed, t.profiles, by);
    if (t.entered + t.left + t.moved + t.rescored == 0) {
        cmi_buf_puts(b, "nothing changed\n");
        return;
    }
    size_t idx[5], n = largest(d, idx, 5);
    if (n)
        cmi_buf_puts(b, "largest moves:\n");
    for (size_t i = 0; i < n; i++) {
        const cm_diff_pair *p = &d->pairs[idx[i]].pub;
        cmi_buf_printf(b, "  %s / %s: ", p->enterprise, p->region);
        place_text(b, d, p->rank_before, p->score_before, p->vetoed_before);
        cmi_buf_puts(b, " -> ");
        place_text(b, d, p->rank_after, p->score_after, p->vetoed_after);
        cmi_buf_putc(b, '\n');
    }
    const char *last = NULL;
    for (size_t i = 0; i < d->npairs; i++) {
        const cm_diff_pair *p = &d->pairs[i].pub;
        if (p->kind == CM_DIFF_RESCORED)
            continue;
        const char *prof = t.by == CM_KIND_REGIONS ? p->region : p->enterprise;
        const char *part = t.by == CM_KIND_REGIONS ? p->enterprise : p->region;
        if (last == NULL || strcmp(last, prof) != 0) {
            cmi_buf_printf(b, "%s %s\n", by, prof);
            last = prof;
        }
        cmi_buf_printf(b, "  %c %-30s ", p->kind == CM_DIFF_ENTERED ? '+' :
                       p->kind == CM_DIFF_LEFT ? '-' : '~', part);
        place_text(b, d, p->rank_before, p->score_before, p->vetoed_before);
        cmi_buf_puts(b, " -> ");
        place_text(b, d, p->rank_after, p->score_after, p->vetoed_after);
        cmi_buf_putc(b, '\n');
        rules_text(b, p, 3);
    }
    if (t.rescored)
        cmi_buf_printf(b, "(%zu pairs kept their rank with another score: --format json lists "
                       "them)\n", t.rescored);
}

static void hesc(textbuf *b, const char *s)
{
    if (s)
        cmi_buf_html(b, s, strlen(s));
}

static void write_html(const cm_diff *d, textbuf *b)
{
    cm_diff_totals t;
    cm_diff_summary(d, &t);
    const char *by = t.by == CM_KIND_REGIONS ? "region" : "enterprise";
    cmi_buf_puts(b, "<p>Before: ");
    hesc(b, d->side[0].name);
    cmi_buf_puts(b, "; after: ");
    hesc(b, d->side[1].name);
    cmi_buf_printf(b, ".</p>\n<div class=\"cards\">\n");
    const struct { const char *id, *key; size_t v; } cards[] = {
        { "diff-entered", "pairs entered a top k", t.entered },
        { "diff-left", "pairs left a top k", t.left },
        { "diff-moved", "pairs moved rank", t.moved },
        { "diff-rescored", "pairs rescored, same rank", t.rescored },
        { "diff-profiles", "profiles changed", t.profiles_changed },
    };
    for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++)
        cmi_buf_printf(b, "<div class=\"card\"><div class=\"v\" id=\"%s\">%zu</div>"
                       "<div class=\"k\">%s</div></div>\n", cards[i].id, cards[i].v, cards[i].key);
    cmi_buf_puts(b, "</div>\n");
    if (t.entered + t.left + t.moved == 0) {
        cmi_buf_puts(b, "<p>No pair entered, left or moved.</p>\n");
        return;
    }
    cmi_buf_printf(b, "<table id=\"diff-pairs\"><thead><tr><th>%s</th><th>partner</th>"
                   "<th>change</th><th>before</th><th>after</th><th>rules that changed most</th>"
                   "</tr></thead><tbody>\n", by);
    for (size_t i = 0; i < d->npairs; i++) {
        const cm_diff_pair *p = &d->pairs[i].pub;
        if (p->kind == CM_DIFF_RESCORED)
            continue;
        textbuf tmp = BUF_INIT;
        cmi_buf_puts(b, "<tr><td>");
        hesc(b, t.by == CM_KIND_REGIONS ? p->region : p->enterprise);
        cmi_buf_puts(b, "</td><td>");
        hesc(b, t.by == CM_KIND_REGIONS ? p->enterprise : p->region);
        cmi_buf_printf(b, "</td><td>%s</td><td>", kind_name(p->kind));
        place_text(&tmp, d, p->rank_before, p->score_before, p->vetoed_before);
        hesc(b, tmp.s);
        cmi_buf_clear(&tmp);
        cmi_buf_puts(b, "</td><td>");
        place_text(&tmp, d, p->rank_after, p->score_after, p->vetoed_after);
        hesc(b, tmp.s);
        cmi_buf_clear(&tmp);
        cmi_buf_puts(b, "</td><td>");
        for (size_t k = 0; k < p->nrules && k < 3; k++) {
            const cm_diff_rule *r = &p->rules[k];
            cmi_buf_puts(b, k ? "<br>" : "");
            hesc(b, r->rule);
            cmi_buf_puts(b, ": ");
            score_text(&tmp, r->score_before, 0);
            cmi_buf_puts(&tmp, " \xe2\x86\x92 ");
            score_text(&tmp, r->score_after, 0);
            hesc(b, tmp.s);
            cmi_buf_clear(&tmp);
            if (r->reason_after || r->reason_before) {
                cmi_buf_puts(b, " <span class=\"why\">");
                hesc(b, r->reason_after ? r->reason_after : r->reason_before);
                cmi_buf_puts(b, "</span>");
            }
        }
        cmi_buf_free(&tmp);
        cmi_buf_puts(b, "</td></tr>\n");
    }
    cmi_buf_puts(b, "</tbody></table>\n");
}

CM_API cm_status cm_diff_write(const cm_diff *d, int format, cm_write_fn fn, void *ud)
{
    if (d == NULL || fn == NULL || !d->computed)
        return cmi_err_set(CM_EUSAGE, "cm_diff_write: compute the diff first");
    if (ensure_rules(d) < 0)
        return nomem();
    textbuf b = BUF_INIT;
    if (format == CM_DIFF_JSON)
        write_json(d, &b);
    else if (format == CM_DIFF_HTML)
        write_html(d, &b);
    else
        write_text(d, &b);
    cm_status s = CM_OK;
    if (b.nomem)
        s = nomem();
    else if (b.len && fn(b.s, b.len, ud) != 0)
        s = cmi_err_set(CM_EIO, "the diff could not be written out");
    cmi_buf_free(&b);
    return s;
}

CM_API int cm_diff_changed(const cm_diff *d)
{
    return d && d->npairs > 0;
}
