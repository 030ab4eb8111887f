/*
 * whatif.c - counterfactual explanations (capmatch whatif): the smallest
 * changes to an enterprise's and a region's profiles that make their pair
 * pass the filters, reach a rank or reach a score under a policy.
 *
 * Owns the candidate changes (drawn from the schema's fields, vocabularies
 * and the codes seen in the loaded profiles; number fields probed for the
 * values where the policy's answer changes), the exhaustive pass over single
 * changes and the bounded best-first search over combinations. Every
 * candidate is scored by the real policy: the changed profile is loaded in
 * place of the subject (which sits last of its kind for the length of the
 * call) and the pair is explained and ranked as cm_explain_pair and
 * cm_match_one do. Depends on the store, the loaders and the policy's
 * caches; knows nothing of the command line or HTTP.
 */
#include "engine.h"
#include "policy.h"
#include "record.h"
#include "vocab.h"
#include "alloc.h"
#include "buf.h"
#include "file.h"
#include "err.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define MAX_CHANGES 4
#define PROBE_STEPS 64            /* bisection steps at most per edge */

typedef struct eval {
    int valid;                    /* the changed profile loaded and scored cleanly */
    int vetoed;
    size_t nfail;                 /* filters that vetoed */
    double score, region_score;
    unsigned rank;                /* 0: not ranked */
    uint64_t sig;                 /* of every verdict, rule score and the rank */
} eval;

typedef struct cand {             /* one single change */
    cm_change pub;
    int subj;                     /* 0 region, 1 enterprise */
    const field_def *f;
    json_t *value;                /* ADD/REMOVE: the item; SET: the new value */
    eval ev;
} cand;

typedef struct subject {
    cm_kind kind;
    int side;                     /* store side */
    size_t index;                 /* where it was loaded */
    size_t last;                  /* where it sits during the search */
    const char *id;
    json_t *json;                 /* its profile as JSON */
    char *keep;                   /* its struct while a candidate takes its place */
    store_mark mark;
    policy_mark pmark;
    int on;                       /* its side may change */
    int swapped;                  /* a candidate stands in its place */
    char temp_id[72];             /* the candidate's id (see swap_in) */
} subject;

typedef struct ans {
    size_t n;
    size_t idx[MAX_CHANGES];      /* into cands */
    eval ev;
    cm_result *explain;           /* of the kept answers */
    cm_change changes[MAX_CHANGES];
    cm_whatif_move *moves;
    cm_whatif_answer pub;
} ans;

struct cm_whatif {
    ans now;
    cm_result *base;
    char target[64];
    int met;
    cand *cands;
    size_t ncands, cands_cap;
    ans *answers;
    size_t nanswers, answers_cap;
    size_t evaluations;
    int exhausted;
    char *enterprise, *region;
};

typedef struct ctx {
    cm_engine *e;
    cm_policy *p;
    cm_whatif *w;
    const cm_whatif_options *o;
    subject subj[2];
    size_t rank_target;
    size_t nregions;
    cm_status status;             /* a failure that stops the search */
    unsigned long serial;         /* of the ids of changed profiles */
    double *literals;
    size_t nliterals, literals_cap;
} ctx;

/* ---- profiles as JSON ------------------------------------------------------------ */

static int is_integer_field(const field_def *f)
{
    return f->id == F_EMPLOYEES || f->id == F_CAPACITY;
}

static json_t *value_json(const cm_engine *e, cm_kind k, size_t i, const char *path,
                          const field_def *f, const cm_value *v)
{
    switch (v->type) {
    case CM_VALUE_STRING: return json_string(v->str);
    case CM_VALUE_NUMBER:
        return f && is_integer_field(f) ? json_integer((json_int_t)v->num) : json_real(v->num);
    case CM_VALUE_BOOL: return json_boolean(v->boolean);
    case CM_VALUE_LIST: {
        json_t *a = json_array();
        for (size_t n = 0; a && n < v->count; n++) {
            const char *item = NULL;
            if (cm_profile_item(e, k, i, path, n, &item) == CM_OK && item)
                json_array_append_new(a, json_string(item));
        }
        return a;
    }
    default: return NULL;
    }
}

/* A stored profile as the JSON object a file would hold. */
static json_t *profile_json(const cm_engine *e, cm_kind k, size_t i)
{
    unsigned bit = k == CM_KIND_REGIONS ? 1u : 2u;
    json_t *obj = json_object();
    for (size_t n = 0; obj && cmi_schema_field_at(n); n++) {
        const field_def *f = cmi_schema_field_at(n);
        if (!(f->kinds & bit) || f->shape == SHAPE_GROUP || f->shape == SHAPE_ATTRS)
            continue;
        cm_value v;
        if (cm_profile_get(e, k, i, f->path, &v) != CM_OK || v.type == CM_VALUE_NONE ||
            (v.type == CM_VALUE_LIST && v.count == 0))
            continue;
        json_t *jv = value_json(e, k, i, f->path, f, &v);
        const char *dot = strchr(f->path, '.');
        if (dot) {
            char group[32];
            snprintf(group, sizeof group, "%.*s", (int)(dot - f->path), f->path);
            json_t *g = json_object_get(obj, group);
            if (g == NULL) {
                g = json_object();
                json_object_set_new(obj, group, g);
            }
            json_object_set_new(g, dot + 1, jv);
        } else {
            json_object_set_new(obj, f->path, jv);
        }
    }
    size_t na = cm_profile_attr_count(e, k, i);
    if (obj && na) {
        json_t *attrs = json_object();
        for (size_t a = 0; attrs && a < na; a++) {
            const char *name = cm_profile_attr_name(e, k, i, a);
            char path[300];
            snprintf(path, sizeof path, "attrs.%s", name);
            cm_value v;
            if (cm_profile_get(e, k, i, path, &v) == CM_OK && v.type != CM_VALUE_NONE)
                json_object_set_new(attrs, name, value_json(e, k, i, path, NULL, &v));
        }
        json_object_set_new(obj, "attrs", attrs);
    }
    return obj;
}

/* The member of obj a field path names: its parent object and key. */
static json_t *field_parent(json_t *obj, const char *path, const char **key, int create)
{
    const char *dot = strchr(path, '.');
    if (!dot) {
        *key = path;
        return obj;
    }
    char group[32];
    snprintf(group, sizeof group, "%.*s", (int)(dot - path), path);
    json_t *g = json_object_get(obj, group);
    if (g == NULL && create) {
        g = json_object();
        json_object_set_new(obj, group, g);
    }
    *key = dot + 1;
    return g;
}

static void apply_change(json_t *obj, const cand *c)
{
    const char *key;
    json_t *parent = field_parent(obj, c->f->path, &key, 1);
    if (parent == NULL)
        return;
    if (c->pub.op == CM_CHANGE_SET) {
        json_object_set(parent, key, c->value);
        return;
    }
    json_t *list = json_object_get(parent, key);
    if (c->pub.op == CM_CHANGE_ADD) {
        if (list == NULL) {
            list = json_array();
            json_object_set_new(parent, key, list);
        }
        json_array_append(list, c->value);
        return;
    }
    for (size_t i = 0; list && i < json_array_size(list); i++)
        if (json_equal(json_array_get(list, i), c->value)) {
            json_array_remove(list, i);
            break;
        }
    if (list && json_array_size(list) == 0)
        json_object_del(parent, key);
}

/* ---- putting a changed profile in the subject's place ------------------------------ */

/* A changed profile is loaded under an id of its own, new for every
 * evaluation: a policy may keep what it computed for a profile in its Lua
 * state, keyed by the id (rules/lib's per_profile), and must never see a
 * changed profile under an id it has seen before. The id only breaks ties
 * between partners of equal score, which score_pair puts right. */
static int swap_in(ctx *x, subject *sb, json_t *obj)
{
    store *st = cmi_engine_store(x->e);
    char suffix[32];
    for (;;) {
        int n = snprintf(suffix, sizeof suffix, ":whatif%lu", ++x->serial);
        int keep = (int)strlen(sb->id);
        if (keep + n > 64)
            keep = 64 - n;
        snprintf(sb->temp_id, sizeof sb->temp_id, "%.*s%s", keep, sb->id, suffix);
        if (cm_engine_find(x->e, sb->kind, sb->temp_id) == (size_t)-1)
            break;
    }
    if (json_object_set_new(obj, "id", json_string(sb->temp_id)) < 0) {
        x->status = CM_ENOMEM;
        return -1;
    }
    /* what the policy computes per profile, for every profile loaded, first:
     * the marks below must cover the candidate's share only (as visit.c) */
    char err[1200];
    if (cmi_policy_derive(x->p, 1, err, sizeof err) < 0) {
        x->status = cmi_engine_fail(x->e, CM_EINPUT, "%s", err);
        return -1;
    }
    struct kind_store *ks = &st->kinds[sb->side];
    memcpy(sb->keep, (char *)ks->items + sb->last * ks->item_size, ks->item_size);
    cmi_store_remove(st, sb->side, sb->last);
    sb->mark = cmi_store_mark_now(st);
    sb->pmark = cmi_policy_mark_now(x->p);
    cmi_policy_forget(x->p, sb->side, sb->last, NULL);
    size_t need = json_dumpb(obj, NULL, 0, JSON_COMPACT);
    char *text = need ? cm_malloc(need) : NULL;
    cm_status s = CM_ENOMEM;
    if (text && json_dumpb(obj, text, need, JSON_COMPACT) == need) {
        cm_load_options o;
        cm_load_options_init(&o);
        o.kind = sb->kind;
        o.format = CM_FORMAT_JSONL;
        s = cm_engine_load_buffer(x->e, "whatif", text, need, &o, NULL);
    }
    cm_free(text);
    if (s == CM_OK && ks->count == sb->last + 1) {
        sb->swapped = 1;
        return 0;
    }
    cmi_store_rollback(st, sb->mark);
    cmi_policy_forget(x->p, sb->side, sb->last, &sb->pmark);
    cmi_store_append(st, sb->side, sb->keep);
    if (s == CM_ENOMEM)
        x->status = CM_ENOMEM;
    return -1;
}

static void swap_out(ctx *x, subject *sb)
{
    store *st = cmi_engine_store(x->e);
    sb->swapped = 0;
    cmi_store_rollback(st, sb->mark);
    cmi_policy_forget(x->p, sb->side, sb->last, &sb->pmark);
    cmi_store_append(st, sb->side, sb->keep);  /* needs no memory: one was taken out */
}

/* ---- scoring the pair ------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* Score the pair as the engine holds it now; *explain (may be NULL) gets the
 * trace. Returns -1 when the search must stop (x->status says why). */
static int score_pair(ctx *x, eval *ev, cm_result **explain)
{
    memset(ev, 0, sizeof *ev);
    cm_result *r = NULL, *list = NULL;
    const subject *se = &x->subj[1], *sr = &x->subj[0];
    const char *eid = se->swapped ? se->temp_id : x->w->enterprise;
    const char *rid = sr->swapped ? sr->temp_id : x->w->region;
    cm_status s = cm_explain_pair(x->e, x->p, eid, rid, &r);
    if (s != CM_OK) {
        x->status = s;
        return -1;
    }
    if (cm_result_error_count(r) > 0) {      /* a rule failed on the changed profile */
        cm_result_free(r);
        return 0;
    }
    const cm_match_row *row = cm_result_row(r, 0);
    ev->valid = 1;
    ev->vetoed = row->vetoed;
    ev->score = row->score;
    ev->region_score = row->region_score;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < cm_result_filter_count(r); i++) {
        int pass = cm_result_filter(r, i)->pass;
        ev->nfail += !pass;
        h = fnv(h, &pass, sizeof pass);
    }
    for (size_t k = 0; k < cm_result_rule_count(r); k++) {
        double sc = cm_result_explain(r, 0, k)->score;
        h = fnv(h, &sc, sizeof sc);
    }
    if (!row->vetoed) {
        cm_match_options mo;
        cm_match_options_init(&mo);
        mo.top = x->nregions;
        mo.threads = 1;
        mo.on_error = CM_ON_ERROR_SKIP;
        s = cm_match_one(x->e, x->p, CM_KIND_ENTERPRISES, eid, &mo, &list);
        if (s != CM_OK) {
            cm_result_free(r);
            x->status = s;
            return -1;
        }
        const cm_match_row *me = NULL;
        for (size_t i = 0; i < cm_result_count(list); i++)
            if (strcmp(cm_result_row(list, i)->region, rid) == 0)
                me = cm_result_row(list, i);
        if (me && sr->swapped && cm_policy_aggregate(x->p) == NULL) {
            /* ties go by id: the region's own, not the stand-in's */
            unsigned rank = 1;
            for (size_t i = 0; i < cm_result_count(list); i++) {
                const cm_match_row *o = cm_result_row(list, i);
                if (o != me && (o->score > me->score ||
                                (o->score == me->score && strcmp(o->region, x->w->region) < 0)))
                    rank++;
            }
            ev->rank = rank;
        } else if (me) {
            ev->rank = me->rank;
        }
        cm_result_free(list);
    }
    h = fnv(h, &ev->rank, sizeof ev->rank);
    h = fnv(h, &ev->vetoed, sizeof ev->vetoed);
    ev->sig = h;
    if (explain)
        *explain = r;
    else
        cm_result_free(r);
    return 0;
}

/* Score the pair with the changes set[0..n) made; an invalid profile gives
 * an eval that is not valid. -1 when the search must stop. */
static int evaluate(ctx *x, const cand *const *set, size_t n, eval *ev, cm_result **explain)
{
    json_t *js[2] = { NULL, NULL };
    for (size_t i = 0; i < n; i++) {
        int s = set[i]->subj;
        if (js[s] == NULL)
            js[s] = json_deep_copy(x->subj[s].json);
        if (js[s] == NULL) {
            x->status = CM_ENOMEM;
            json_decref(js[0]);
            json_decref(js[1]);
            return -1;
        }
        apply_change(js[s], set[i]);
    }
    x->w->evaluations++;
    int in[2] = { 0, 0 }, rc = 0;
    memset(ev, 0, sizeof *ev);
    for (int s = 0; s < 2; s++)
        if (js[s] && swap_in(x, &x->subj[s], js[s]) == 0)
            in[s] = 1;
    if ((js[0] == NULL || in[0]) && (js[1] == NULL || in[1]))
        rc = score_pair(x, ev, explain);
    for (int s = 1; s >= 0; s--)      /* the later first: marks nest */
        if (in[s])
            swap_out(x, &x->subj[s]);
    json_decref(js[0]);
    json_decref(js[1]);
    return x->status == CM_OK ? rc : -1;
}

static int reached(const ctx *x, const eval *ev)
{
    if (!ev->valid || ev->vetoed)
        return 0;
    switch (x->o->target) {
    case CM_WHATIF_PASS: return 1;
    case CM_WHATIF_SCORE: return ev->score >= x->o->score;
    default: return ev->rank != 0 && ev->rank <= x->rank_target;
    }
}

/* > 0 when a is nearer the target than b. */
static int closer(const ctx *x, const eval *a, const eval *b)
{
    if (a->valid != b->valid)
        return a->valid - b->valid;
    if (a->nfail != b->nfail)
        return a->nfail < b->nfail ? 1 : -1;
    if (x->o->target == CM_WHATIF_RANK && (a->rank != 0) != (b->rank != 0))
        return a->rank != 0 ? 1 : -1;
    if (x->o->target == CM_WHATIF_RANK && a->rank != b->rank)
        return a->rank < b->rank ? 1 : -1;
    if (a->score != b->score)
        return a->score > b->score ? 1 : -1;
    return 0;
}

/* ---- candidates -------------------------------------------------------------------- */

static int field_fixed(const ctx *x, const subject *sb, const field_def *f)
{
    switch (f->id) {
    case F_ID: case F_NAME: case F_COUNTRY: case F_SUBDIVISION: case F_LAT: case F_LON:
    case F_SECTOR: case F_REVENUE_CURRENCY: case F_ASSETS_CURRENCY: case F_CAPITAL_CURRENCY:
    case F_INV_CURRENCY: case F_DESCRIPTION:
        return 1;
    default: break;
    }
    if (f->shape == SHAPE_GROUP || f->shape == SHAPE_ATTRS)
        return 1;
    const char *side = sb->kind == CM_KIND_REGIONS ? "region" : "enterprise";
    size_t sl = strlen(side);
    for (const char *const *p = x->o->fixed; p && *p; p++) {
        const char *q = *p;
        if (strncmp(q, side, sl) != 0 || q[sl] != '.')
            continue;
        q += sl + 1;
        size_t ql = strlen(q);
        if (strcmp(q, f->path) == 0 ||
            (strncmp(f->path, q, ql) == 0 && f->path[ql] == '.'))
            return 1;
    }
    return 0;
}

static char *json_text(const json_t *v)
{
    if (json_is_string(v))
        return cm_strdup(json_string_value(v));
    if (json_is_real(v)) {
        char buf[40];
        double d = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
        return cm_strdup(buf);
    }
    size_t need = json_dumpb(v, NULL, 0, JSON_ENCODE_ANY | JSON_COMPACT);
    char *s = cm_malloc(need + 1);
    if (s) {
        json_dumpb(v, s, need, JSON_ENCODE_ANY | JSON_COMPACT);
        s[need] = '\0';
    }
    return s;
}

/* Add a candidate (takes value). */
static cand *add_cand(ctx *x, int subj, const field_def *f, cm_change_op op, json_t *value,
                      const json_t *old)
{
    cm_whatif *w = x->w;
    if (value == NULL || cm_grow((void **)&w->cands, &w->cands_cap, w->ncands + 1,
                                 sizeof *w->cands) < 0) {
        json_decref(value);
        x->status = CM_ENOMEM;
        return NULL;
    }
    cand *c = &w->cands[w->ncands];
    memset(c, 0, sizeof *c);
    c->subj = subj;
    c->f = f;
    c->value = value;
    c->pub.side = x->subj[subj].kind;
    c->pub.field = f->path;
    c->pub.op = op;
    c->pub.value = json_text(value);
    c->pub.old = old ? json_text(old) : NULL;
    char buf[600];
    const char *side = subj ? "enterprise" : "region";
    if (op == CM_CHANGE_SET)
        snprintf(buf, sizeof buf, "%s.%s: %s -> %s", side, f->path,
                 c->pub.old ? c->pub.old : "absent", c->pub.value ? c->pub.value : "");
    else
        snprintf(buf, sizeof buf, "%s.%s %s %s", side, f->path, op == CM_CHANGE_ADD ? "+=" : "-=",
                 c->pub.value ? c->pub.value : "");
    c->pub.text = cm_strdup(buf);
    if (c->pub.value == NULL || c->pub.text == NULL || (old && c->pub.old == NULL)) {
        x->status = CM_ENOMEM;
        return NULL;
    }
    w->ncands++;
    return c;
}

typedef struct strset {
    char **s;
    size_t n, cap;
} strset;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strset_add(strset *ss, const char *s)
{
    if (s && *s && cm_grow((void **)&ss->s, &ss->cap, ss->n + 1, sizeof *ss->s) == 0) {
        char *d = cm_strdup(s);
        if (d)
            ss->s[ss->n++] = d;
    }
}

static void strset_done(strset *ss)
{
    if (ss->n)
        qsort(ss->s, ss->n, sizeof *ss->s, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < ss->n; i++) {
        if (k && strcmp(ss->s[k - 1], ss->s[i]) == 0)
            cm_free(ss->s[i]);
        else
            ss->s[k++] = ss->s[i];
    }
    ss->n = k;
}

static void strset_free(strset *ss)
{
    for (size_t i = 0; i < ss->n; i++)
        cm_free(ss->s[i]);
    cm_free(ss->s);
}

/* The items of a list field seen in the loaded profiles (codes, tags). */
enum universe { U_ISIC, U_COUNTRY, U_LANG, U_RES, U_PLACE, U_COUNT };

static int universe_of(const field_def *f)
{
    switch (f->id) {
    case F_SECTORS_OFFERED: case F_SECTORS_SOUGHT: case F_SECTORS: return U_ISIC;
    case F_TARGETS: return U_COUNTRY;
    case F_LANGUAGES: return U_LANG;
    case F_RESOURCES: return U_RES;
    case F_FLIGHTS: return U_PLACE;
    default: return -1;
    }
}

static void collect_seen(const cm_engine *e, strset *u)
{
    static const struct { cm_kind k; const char *path; int u; } src[] = {
        { CM_KIND_REGIONS, "sectors_offered", U_ISIC },
        { CM_KIND_REGIONS, "sectors_sought", U_ISIC },
        { CM_KIND_ENTERPRISES, "sectors", U_ISIC },
        { CM_KIND_ENTERPRISES, "sector", U_ISIC },
        { CM_KIND_ENTERPRISES, "target_countries", U_COUNTRY },
        { CM_KIND_REGIONS, "country", U_COUNTRY },
        { CM_KIND_ENTERPRISES, "country", U_COUNTRY },
        { CM_KIND_REGIONS, "languages", U_LANG },
        { CM_KIND_ENTERPRISES, "languages", U_LANG },
        { CM_KIND_REGIONS, "resources", U_RES },
        { CM_KIND_REGIONS, "connectivity.direct_flights", U_PLACE },
        { CM_KIND_REGIONS, "subdivision", U_PLACE },
        { CM_KIND_ENTERPRISES, "subdivision", U_PLACE },
        { CM_KIND_REGIONS, "country", U_PLACE },
        { CM_KIND_ENTERPRISES, "country", U_PLACE },
    };
    for (size_t s = 0; s < sizeof src / sizeof src[0]; s++) {
        size_t n = cm_engine_count(e, src[s].k);
        for (size_t i = 0; i < n; i++) {
            cm_value v;
            if (cm_profile_get(e, src[s].k, i, src[s].path, &v) != CM_OK)
                continue;
            if (v.type == CM_VALUE_STRING)
                strset_add(&u[src[s].u], v.str);
            for (size_t k = 0; v.type == CM_VALUE_LIST && k < v.count; k++) {
                const char *item = NULL;
                if (cm_profile_item(e, src[s].k, i, src[s].path, k, &item) == CM_OK)
                    strset_add(&u[src[s].u], item);
            }
        }
    }
    for (int i = 0; i < U_COUNT; i++)
        strset_done(&u[i]);
}

static int list_has(const json_t *list, const char *item)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(json_string_value(json_array_get(list, i)), item) == 0)
            return 1;
    return 0;
}

/* Number literals of the policy's files: values probed first. */
static void add_literal(ctx *x, double d)
{
    if (!(d > 0) || !isfinite(d) || x->nliterals >= 4096)
        return;
    if (cm_grow((void **)&x->literals, &x->literals_cap, x->nliterals + 1, sizeof *x->literals) == 0)
        x->literals[x->nliterals++] = d;
}

static void scan_literals(ctx *x, const char *path)
{
    size_t len;
    char *text = cmi_file_read(path, 4u << 20, &len);
    if (text == NULL)
        return;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        unsigned char prev = i ? (unsigned char)text[i - 1] : ' ';
        int word = prev == '_' || prev == '.' || (prev >= '0' && prev <= '9') ||
                   ((prev | 32) >= 'a' && (prev | 32) <= 'z');
        if (c >= '0' && c <= '9' && !word) {
            char *end;
            double d = strtod(text + i, &end);
            add_literal(x, d);
            i = (size_t)(end - text);
        }
    }
    cm_free(text);
}

static void collect_literals(ctx *x)
{
    scan_literals(x, cm_policy_path(x->p));
    const char *seen[64];
    size_t ns = 0;
    for (int list = 0; list < 2; list++) {
        size_t n = list ? cm_policy_rule_count(x->p) : cm_policy_filter_count(x->p);
        for (size_t i = 0; i < n && ns < 64; i++) {
            const char *f = list ? cm_policy_rule_file(x->p, i) : cm_policy_filter_file(x->p, i);
            int dup = f == NULL || strcmp(f, cm_policy_path(x->p)) == 0;
            for (size_t k = 0; k < ns && !dup; k++)
                dup = strcmp(seen[k], f) == 0;
            if (!dup) {
                seen[ns++] = f;
                scan_literals(x, f);
            }
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Score the pair with field f of subject s set to v. */
static int probe(ctx *x, int s, const field_def *f, double v, eval *ev)
{
    cand tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.subj = s;
    tmp.f = f;
    tmp.pub.op = CM_CHANGE_SET;
    tmp.value = is_integer_field(f) ? json_integer((json_int_t)v) : json_real(v);
    if (tmp.value == NULL) {
        x->status = CM_ENOMEM;
        return -1;
    }
    const cand *set = &tmp;
    int rc = evaluate(x, &set, 1, ev, NULL);
    json_decref(tmp.value);
    return rc;
}

/* The roundest number in (near, far] (or [far, near)): fewest significant digits. */
static double roundest(double near, double far)
{
    for (int d = 1; d <= 17; d++) {
        double m = pow(10, d - 1 - floor(log10(fabs(far))));
        double c = far > near ? floor(far * m) / m : ceil(far * m) / m;
        if (far > near ? (c > near && c <= far) : (c < near && c >= far))
            return c;
    }
    return far;
}

/* Number field f of subject s: a candidate just across every edge where the
 * pair's verdicts, scores or rank change, on both sides of the value. */
static int probe_number(ctx *x, int s, const field_def *f, double v0, const eval *base)
{
    int integer = is_integer_field(f);
    size_t cap = 200 + x->nliterals, n = 0;
    double *pts = cm_malloc(cap * sizeof *pts);
    eval *evs = cm_malloc(cap * sizeof *evs);
    if (pts == NULL || evs == NULL) {
        cm_free(pts);
        cm_free(evs);
        x->status = CM_ENOMEM;
        return -1;
    }
    pts[n++] = 0;
    double unit = v0 > 0 ? v0 : 1;
    for (int k = -64; k <= 64; k++)
        pts[n++] = unit * pow(2, k / 4.0);
    for (size_t i = 0; i < x->nliterals; i++)
        pts[n++] = x->literals[i];
    for (size_t i = 0; i < n; i++)
        if (integer)
            pts[i] = floor(pts[i] + 0.5);
    pts[n++] = v0;
    qsort(pts, n, sizeof *pts, cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((k == 0 || pts[i] != pts[k - 1]) && pts[i] <= 1e15 && (!integer || pts[i] <= 4e9))
            pts[k++] = pts[i];
    n = k;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (pts[i] == v0) {
            at = i;
            evs[i] = *base;
        } else if (probe(x, s, f, pts[i], &evs[i]) < 0) {
            break;
        }
    }
    /* outward from the value, each way: the first point of every new answer */
    for (int dir = -1; dir <= 1 && x->status == CM_OK; dir += 2) {
        size_t i = at;
        while (x->status == CM_OK && (dir < 0 ? i > 0 : i + 1 < n)) {
            size_t j = dir < 0 ? i - 1 : i + 1;
            if (!evs[j].valid || evs[j].sig == evs[i].sig || !evs[i].valid) {
                i = j;
                continue;
            }
            double near = pts[i], far = pts[j];
            eval enear = evs[i], efar = evs[j];
            for (int step = 0; step < PROBE_STEPS; step++) {
                if (integer ? fabs(far - near) <= 1 : fabs(far - near) <= 1e-9 * fabs(far) + 1e-12)
                    break;
                double mid = integer ? floor((near + far) / 2) : (near + far) / 2;
                if (integer && (mid == near || mid == far))
                    break;
                eval em;
                if (probe(x, s, f, mid, &em) < 0)
                    break;
                if (em.valid && em.sig == enear.sig) {
                    near = mid;
                    enear = em;
                } else {
                    far = mid;
                    efar = em;
                }
            }
            double v = far;
            if (!integer) {
                double r = roundest(near, far);
                eval er;
                if (r != far && probe(x, s, f, r, &er) == 0 && er.valid && er.sig == efar.sig)
                    v = r;
            }
            if (efar.valid && v != v0) {
                cand *c = add_cand(x, s, f, CM_CHANGE_SET,
                                   integer ? json_integer((json_int_t)v) : json_real(v), NULL);
                if (c) {
                    char buf[40];
                    if (integer)
                        snprintf(buf, sizeof buf, "%.0f", v0);
                    else
                        for (int prec = 1; prec <= 17; prec++) {
                            snprintf(buf, sizeof buf, "%.*g", prec, v0);
                            if (strtod(buf, NULL) == v0)
                                break;
                        }
                    c->pub.old = cm_strdup(buf);
                    char t[600];
                    snprintf(t, sizeof t, "%s.%s: %s -> %s", s ? "enterprise" : "region", f->path,
                             buf, c->pub.value);
                    cm_free((char *)c->pub.text);
                    c->pub.text = cm_strdup(t);
                    if (c->pub.old == NULL || c->pub.text == NULL)
                        x->status = CM_ENOMEM;
                    c->ev = efar;
                    c->ev.valid = 2;          /* scored already */
                }
            }
            i = j;
        }
    }
    cm_free(pts);
    cm_free(evs);
    return x->status == CM_OK ? 0 : -1;
}

static int make_candidates(ctx *x, const eval *base)
{
    strset u[U_COUNT];
    memset(u, 0, sizeof u);
    collect_seen(x->e, u);
    collect_literals(x);
    for (int s = 1; s >= 0 && x->status == CM_OK; s--) {
        subject *sb = &x->subj[s];
        if (!sb->on)
            continue;
        unsigned bit = sb->kind == CM_KIND_REGIONS ? 1u : 2u;
        for (size_t n = 0; cmi_schema_field_at(n) && x->status == CM_OK; n++) {
            const field_def *f = cmi_schema_field_at(n);
            if (!(f->kinds & bit) || field_fixed(x, sb, f))
                continue;
            const char *key;
            json_t *parent = field_parent(sb->json, f->path, &key, 0);
            json_t *cur = parent ? json_object_get(parent, key) : NULL;
            if (f->shape == SHAPE_LIST) {
                int voc = cmi_schema_field_vocab(f);
                int un = universe_of(f);
                size_t nw = voc >= 0 ? (size_t)cmi_vocab_size(voc) : un >= 0 ? u[un].n : 0;
                for (size_t i = 0; i < json_array_size(cur); i++)
                    add_cand(x, s, f, CM_CHANGE_REMOVE, json_deep_copy(json_array_get(cur, i)),
                             NULL);
                for (size_t i = 0; i < nw; i++) {
                    const char *word = voc >= 0 ? cmi_vocab_word(voc, (int)i) : u[un].s[i];
                    if (!list_has(cur, word))
                        add_cand(x, s, f, CM_CHANGE_ADD, json_string(word), NULL);
                }
            } else if (f->shape == SHAPE_BOOL) {
                if (cur == NULL || json_is_true(cur))
                    add_cand(x, s, f, CM_CHANGE_SET, json_false(), cur);
                if (cur == NULL || json_is_false(cur))
                    add_cand(x, s, f, CM_CHANGE_SET, json_true(), cur);
            } else if (f->shape == SHAPE_STRING) {
                int voc = cmi_schema_field_vocab(f);
                for (int i = 0; voc >= 0 && i < cmi_vocab_size(voc); i++) {
                    const char *word = cmi_vocab_word(voc, i);
                    if (cur == NULL || strcmp(json_string_value(cur), word) != 0)
                        add_cand(x, s, f, CM_CHANGE_SET, json_string(word), cur);
                }
            } else if (f->shape == SHAPE_NUMBER && cur && json_is_number(cur)) {
                probe_number(x, s, f, json_number_value(cur), base);
            }
        }
    }
    for (int i = 0; i < U_COUNT; i++)
        strset_free(&u[i]);
    return x->status == CM_OK ? 0 : -1;
}

/* ---- the search ------------------------------------------------------------------- */

static int compatible(const cand *const *set, size_t n, const cand *c)
{
    for (size_t i = 0; i < n; i++)
        if (set[i]->subj == c->subj && set[i]->f == c->f &&
            (c->pub.op == CM_CHANGE_SET || json_equal(set[i]->value, c->value)))
            return 0;
    return 1;
}

static int add_answer(ctx *x, const size_t *idx, size_t n, const eval *ev)
{
    cm_whatif *w = x->w;
    if (cm_grow((void **)&w->answers, &w->answers_cap, w->nanswers + 1, sizeof *w->answers) < 0) {
        x->status = CM_ENOMEM;
        return -1;
    }
    ans *a = &w->answers[w->nanswers++];
    memset(a, 0, sizeof *a);
    a->n = n;
    memcpy(a->idx, idx, n * sizeof *idx);
    a->ev = *ev;
    return 0;
}

/* An answer already found is part of this set: it would not be minimal. */
static int holds_answer(const cm_whatif *w, const size_t *idx, size_t n)
{
    for (size_t a = 0; a < w->nanswers; a++) {
        size_t hit = 0;
        for (size_t i = 0; i < w->answers[a].n; i++)
            for (size_t k = 0; k < n; k++)
                hit += w->answers[a].idx[i] == idx[k];
        if (hit == w->answers[a].n)
            return 1;
    }
    return 0;
}

typedef struct node {
    size_t n;
    size_t pos[MAX_CHANGES];      /* positions in the pool, increasing */
    eval ev;
} node;

typedef struct search {
    ctx *x;
    size_t *pool;                 /* candidate indexes, closest first */
    size_t npool;
    node *heap;
    size_t nheap, cap;
} search;

static int node_before(const search *sr, const node *a, const node *b)
{
    int c = closer(sr->x, &a->ev, &b->ev);
    if (c)
        return c > 0;
    if (a->n != b->n)
        return a->n < b->n;
    for (size_t i = 0; i < a->n; i++)
        if (a->pos[i] != b->pos[i])
            return a->pos[i] < b->pos[i];
    return 0;
}

static int heap_push(search *sr, const node *nd)
{
    if (cm_grow((void **)&sr->heap, &sr->cap, sr->nheap + 1, sizeof *sr->heap) < 0)
        return -1;
    size_t i = sr->nheap++;
    sr->heap[i] = *nd;
    while (i > 0 && node_before(sr, &sr->heap[i], &sr->heap[(i - 1) / 2])) {
        node t = sr->heap[i];
        sr->heap[i] = sr->heap[(i - 1) / 2];
        sr->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static node heap_pop(search *sr)
{
    node top = sr->heap[0];
    sr->heap[0] = sr->heap[--sr->nheap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < sr->nheap && node_before(sr, &sr->heap[l], &sr->heap[m]))
            m = l;
        if (r < sr->nheap && node_before(sr, &sr->heap[r], &sr->heap[m]))
            m = r;
        if (m == i)
            break;
        node t = sr->heap[i];
        sr->heap[i] = sr->heap[m];
        sr->heap[m] = t;
        i = m;
    }
    return top;
}

static _Thread_local ctx *sort_ctx;             /* for qsort; the search runs on one thread per call */

static int cmp_pool(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = closer(sort_ctx, &sort_ctx->w->cands[j].ev, &sort_ctx->w->cands[i].ev);
    return c ? c : (i > j) - (i < j);
}

static int search_combinations(ctx *x, const eval *base)
{
    cm_whatif *w = x->w;
    size_t maxc = x->o->max_changes ? x->o->max_changes : 2;
    if (maxc > MAX_CHANGES)
        maxc = MAX_CHANGES;
    if (maxc < 2)
        return 0;
    size_t budget = x->o->budget ? x->o->budget : 2000;
    search sr = { x, NULL, 0, NULL, 0, 0 };
    sr.pool = cm_malloc((w->ncands + 1) * sizeof *sr.pool);
    if (sr.pool == NULL) {
        x->status = CM_ENOMEM;
        return -1;
    }
    /* the singles that move the pair, not answers themselves */
    for (size_t i = 0; i < w->ncands; i++) {
        const eval *ev = &w->cands[i].ev;
        if (ev->valid && !reached(x, ev) && ev->sig != base->sig && closer(x, ev, base) >= 0)
            sr.pool[sr.npool++] = i;
    }
    sort_ctx = x;
    qsort(sr.pool, sr.npool, sizeof *sr.pool, cmp_pool);
    for (size_t i = 0; i < sr.npool; i++) {
        node nd = { 1, { i }, w->cands[sr.pool[i]].ev };
        if (heap_push(&sr, &nd) < 0)
            x->status = CM_ENOMEM;
    }
    size_t spent = 0;
    while (sr.nheap && x->status == CM_OK) {
        node nd = heap_pop(&sr);
        const cand *set[MAX_CHANGES];
        size_t idx[MAX_CHANGES];
        for (size_t i = 0; i < nd.n; i++) {
            idx[i] = sr.pool[nd.pos[i]];
            set[i] = &w->cands[idx[i]];
        }
        for (size_t j = nd.pos[nd.n - 1] + 1; j < sr.npool && x->status == CM_OK; j++) {
            const cand *c = &w->cands[sr.pool[j]];
            if (!compatible(set, nd.n, c))
                continue;
            set[nd.n] = c;
            idx[nd.n] = sr.pool[j];
            if (holds_answer(w, idx, nd.n + 1))
                continue;
            if (spent == budget) {
                w->exhausted = 1;
                break;
            }
            spent++;
            node next = nd;
            next.pos[next.n++] = j;
            if (evaluate(x, set, next.n, &next.ev, NULL) < 0)
                break;
            if (!next.ev.valid)
                continue;
            if (reached(x, &next.ev))
                add_answer(x, idx, next.n, &next.ev);
            else if (next.n < maxc && heap_push(&sr, &next) < 0)
                x->status = CM_ENOMEM;
        }
        if (w->exhausted)
            break;
    }
    cm_free(sr.heap);
    cm_free(sr.pool);
    return x->status == CM_OK ? 0 : -1;
}

/* ---- answers ---------------------------------------------------------------------- */

static int cmp_answer(const void *pa, const void *pb)
{
    const ans *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    int c = closer(sort_ctx, &b->ev, &a->ev);
    if (c)
        return c;
    for (size_t i = 0; i < a->n; i++) {
        int t = strcmp(sort_ctx->w->cands[a->idx[i]].pub.text,
                       sort_ctx->w->cands[b->idx[i]].pub.text);
        if (t)
            return t;
    }
    return 0;
}

static int cmp_move(const void *pa, const void *pb)
{
    const cm_whatif_move *a = pa, *b = pb;
    if (a->filter != b->filter)
        return b->filter - a->filter;
    if (a->region_side != b->region_side)     /* the score's own rules first */
        return a->region_side - b->region_side;
    double da = fabs(a->contribution_after - a->contribution_before);
    double db = fabs(b->contribution_after - b->contribution_before);
    if (da != db)
        return da > db ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* What moved between the pair as it is and an answer's trace. */
static int fill_moves(ans *a, const cm_result *base)
{
    const cm_result *r = a->explain;
    size_t nf = cm_result_filter_count(r), nr = cm_result_rule_count(r);
    a->moves = cm_calloc(nf + nr + 1, sizeof *a->moves);
    if (a->moves == NULL)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < nf && i < cm_result_filter_count(base); i++) {
        const cm_filter_item *was = cm_result_filter(base, i), *is = cm_result_filter(r, i);
        if (was->pass != is->pass)
            a->moves[m++] = (cm_whatif_move){ is->filter, 1, 0, was->pass, is->pass, 0, 0,
                                              is->reason };
    }
    for (size_t k = 0; k < nr && k < cm_result_rule_count(base); k++) {
        const cm_explain_item *was = cm_result_explain(base, 0, k);
        const cm_explain_item *is = cm_result_explain(r, 0, k);
        if (was && is && (was->score != is->score || was->contribution != is->contribution))
            a->moves[m++] = (cm_whatif_move){ is->rule, 0, is->region_side, was->score,
                                              is->score, was->contribution, is->contribution,
                                              is->reason };
    }
    qsort(a->moves, m, sizeof *a->moves, cmp_move);
    a->pub.nmoves = m;
    a->pub.moves = a->moves;
    return 0;
}

static void fill_public(ans *a, const cm_whatif *w)
{
    for (size_t i = 0; i < a->n; i++)
        a->changes[i] = w->cands[a->idx[i]].pub;
    a->pub.nchanges = a->n;
    a->pub.changes = a->changes;
    a->pub.score = a->ev.score;
    a->pub.region_score = a->ev.region_score;
    a->pub.rank = a->ev.rank;
    a->pub.vetoed = a->ev.vetoed;
}

static int finish(ctx *x)
{
    cm_whatif *w = x->w;
    sort_ctx = x;
    if (w->nanswers)
        qsort(w->answers, w->nanswers, sizeof *w->answers, cmp_answer);
    if (x->o->max_answers && w->nanswers > x->o->max_answers)
        w->nanswers = x->o->max_answers;
    for (size_t i = 0; i < w->nanswers && x->status == CM_OK; i++) {
        ans *a = &w->answers[i];
        const cand *set[MAX_CHANGES];
        for (size_t k = 0; k < a->n; k++)
            set[k] = &w->cands[a->idx[k]];
        eval ev;
        w->evaluations--;         /* the same evaluation again, for its trace */
        if (evaluate(x, set, a->n, &ev, &a->explain) < 0 || a->explain == NULL)
            break;
        if (fill_moves(a, w->base) < 0)
            x->status = CM_ENOMEM;
        fill_public(a, w);
    }
    return x->status == CM_OK ? 0 : -1;
}

/* ---- the call --------------------------------------------------------------------- */

CM_API void cm_whatif_options_init(cm_whatif_options *o)
{
    memset(o, 0, sizeof *o);
    o->target = CM_WHATIF_RANK;
    o->sides = CM_WHATIF_ENTERPRISE | CM_WHATIF_REGION;
    o->max_changes = 2;
}

static cm_status check_fixed(cm_engine *e, const cm_whatif_options *o)
{
    for (const char *const *p = o->fixed; p && *p; p++) {
        const char *q = *p;
        int kind = strncmp(q, "enterprise.", 11) == 0 ? 1 : strncmp(q, "region.", 7) == 0 ? 0 : -1;
        const char *path = kind == 1 ? q + 11 : kind == 0 ? q + 7 : NULL;
        if (kind < 0 || cmi_schema_field(kind, path, strlen(path)) == NULL)
            return cmi_engine_fail(e, CM_EUSAGE, "--fixed: '%s' is not a field: give "
                                   "enterprise.FIELD or region.FIELD with a field of the "
                                   "schema (capmatch schema)", q);
    }
    return CM_OK;
}

static void move_subject(ctx *x, subject *sb, int back)
{
    store *st = cmi_engine_store(x->e);
    if (sb->index != sb->last) {
        if (back)
            cmi_store_move(st, sb->side, sb->last, sb->index);
        else
            cmi_store_move(st, sb->side, sb->index, sb->last);
        cmi_engine_changed(x->e);
    }
}

CM_API cm_status cm_whatif_run(cm_engine *e, cm_policy *p, const char *enterprise,
                               const char *region, const cm_whatif_options *o,
                               cm_whatif **out)
{
    cm_whatif_options d;
    if (e == NULL || p == NULL || enterprise == NULL || region == NULL || out == NULL ||
        p->engine != e)
        return CM_EUSAGE;
    *out = NULL;
    if (o == NULL) {
        cm_whatif_options_init(&d);
        o = &d;
    }
    if (o->target == CM_WHATIF_SCORE && !(o->score >= 0 && o->score <= 1))
        return cmi_engine_fail(e, CM_EUSAGE, "the target score must be in [0, 1]");
    if (o->max_changes > MAX_CHANGES)
        return cmi_engine_fail(e, CM_EUSAGE, "at most %d changes per answer", MAX_CHANGES);
    if ((o->sides & (CM_WHATIF_ENTERPRISE | CM_WHATIF_REGION)) == 0)
        return cmi_engine_fail(e, CM_EUSAGE, "no side to change");
    cm_status s = check_fixed(e, o);
    if (s != CM_OK)
        return s;
    size_t ei = cm_engine_find(e, CM_KIND_ENTERPRISES, enterprise);
    size_t ri = cm_engine_find(e, CM_KIND_REGIONS, region);
    if (ei == (size_t)-1 || ri == (size_t)-1)
        return cmi_engine_fail(e, CM_ENOTFOUND, "no %s with id \"%s\"",
                               ei == (size_t)-1 ? "enterprise" : "region",
                               ei == (size_t)-1 ? enterprise : region);
    cm_whatif *w = cm_calloc(1, sizeof *w);
    ctx x;
    memset(&x, 0, sizeof x);
    x.e = e;
    x.p = p;
    x.w = w;
    x.o = o;
    x.nregions = cm_engine_count(e, CM_KIND_REGIONS);
    x.rank_target = o->rank ? o->rank : cm_policy_top(p);
    if (w == NULL)
        return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
    w->enterprise = cm_strdup(enterprise);
    w->region = cm_strdup(region);
    if (o->target == CM_WHATIF_PASS)
        snprintf(w->target, sizeof w->target, "pass every filter");
    else if (o->target == CM_WHATIF_SCORE)
        snprintf(w->target, sizeof w->target, "score >= %g", o->score);
    else
        snprintf(w->target, sizeof w->target, "rank <= %zu", x.rank_target);
    store *st = cmi_engine_store(e);
    for (int i = 0; i < 2; i++) {
        subject *sb = &x.subj[i];
        sb->kind = i ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS;
        sb->side = i ? SIDE_ENTERPRISE : SIDE_REGION;
        sb->index = i ? ei : ri;
        sb->id = i ? enterprise : region;
        sb->last = st->kinds[sb->side].count - 1;
        sb->on = (o->sides & (i ? CM_WHATIF_ENTERPRISE : CM_WHATIF_REGION)) != 0;
        sb->json = profile_json(e, sb->kind, sb->index);
        sb->keep = cm_malloc(st->kinds[sb->side].item_size);
        if (sb->json == NULL || sb->keep == NULL)
            x.status = CM_ENOMEM;
    }
    if (w->enterprise == NULL || w->region == NULL)
        x.status = CM_ENOMEM;
    if (x.status == CM_OK) {
        move_subject(&x, &x.subj[0], 0);
        move_subject(&x, &x.subj[1], 0);
        eval base;
        if (score_pair(&x, &base, &w->base) == 0 && x.status == CM_OK) {
            w->now.ev = base;
            w->met = reached(&x, &base);
            if (!w->met && make_candidates(&x, &base) == 0) {
                for (size_t i = 0; i < w->ncands && x.status == CM_OK; i++) {
                    cand *c = &w->cands[i];
                    if (c->ev.valid == 2) {
                        c->ev.valid = 1;
                    } else {
                        const cand *one = c;
                        if (evaluate(&x, &one, 1, &c->ev, NULL) < 0)
                            break;
                    }
                    if (reached(&x, &c->ev))
                        add_answer(&x, &i, 1, &c->ev);
                }
                if (x.status == CM_OK)
                    search_combinations(&x, &base);
                if (x.status == CM_OK)
                    finish(&x);
            }
            fill_public(&w->now, w);
        }
        move_subject(&x, &x.subj[1], 1);
        move_subject(&x, &x.subj[0], 1);
    }
    for (int i = 0; i < 2; i++) {
        json_decref(x.subj[i].json);
        cm_free(x.subj[i].keep);
    }
    cm_free(x.literals);
    if (x.status != CM_OK) {
        cm_whatif_free(w);
        if (x.status == CM_ENOMEM)
            return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
        return x.status;      /* the message is the failing call's */
    }
    *out = w;
    return CM_OK;
}

CM_API void cm_whatif_free(cm_whatif *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->ncands; i++) {
        json_decref(w->cands[i].value);
        cm_free((char *)w->cands[i].pub.value);
        cm_free((char *)w->cands[i].pub.old);
        cm_free((char *)w->cands[i].pub.text);
    }
    cm_free(w->cands);
    for (size_t i = 0; i < w->answers_cap && i < w->nanswers; i++) {
        cm_result_free(w->answers[i].explain);
        cm_free(w->answers[i].moves);
    }
    cm_free(w->answers);
    cm_result_free(w->base);
    cm_free(w->enterprise);
    cm_free(w->region);
    cm_free(w);
}

CM_API const cm_whatif_answer *cm_whatif_now(const cm_whatif *w) { return w ? &w->now.pub : NULL; }
CM_API const char *cm_whatif_target_text(const cm_whatif *w) { return w ? w->target : NULL; }
CM_API int cm_whatif_met(const cm_whatif *w) { return w ? w->met : 0; }
CM_API size_t cm_whatif_count(const cm_whatif *w) { return w ? w->nanswers : 0; }
CM_API const cm_whatif_answer *cm_whatif_answer_at(const cm_whatif *w, size_t i)
{
    return w && i < w->nanswers ? &w->answers[i].pub : NULL;
}
CM_API size_t cm_whatif_candidates(const cm_whatif *w) { return w ? w->ncands : 0; }
CM_API size_t cm_whatif_evaluations(const cm_whatif *w) { return w ? w->evaluations : 0; }
CM_API int cm_whatif_exhausted(const cm_whatif *w) { return w ? w->exhausted : 0; }

/* ---- writing ---------------------------------------------------------------------- */

static void put_num(textbuf *b, double d)
{
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    cmi_buf_puts(b, buf);
}

static void put_jstr(textbuf *b, const char *s)
{
    if (s)
        cmi_buf_json_string(b, s, strlen(s));
    else
        cmi_buf_puts(b, "null");
}

static void put_state_json(textbuf *b, const cm_whatif_answer *a)
{
    cmi_buf_puts(b, "\"score\":");
    put_num(b, a->score);
    cmi_buf_puts(b, ",\"region_score\":");
    put_num(b, a->region_score);
    if (a->rank)
        cmi_buf_printf(b, ",\"rank\":%u", a->rank);
    else
        cmi_buf_puts(b, ",\"rank\":null");
    cmi_buf_printf(b, ",\"vetoed\":%s", a->vetoed ? "true" : "false");
}

static const char *op_name(cm_change_op op)
{
    return op == CM_CHANGE_ADD ? "add" : op == CM_CHANGE_REMOVE ? "remove" : "set";
}

static void write_json(const cm_whatif *w, textbuf *b)
{
    cmi_buf_puts(b, "{\"enterprise\":");
    put_jstr(b, w->enterprise);
    cmi_buf_puts(b, ",\"region\":");
    put_jstr(b, w->region);
    cmi_buf_puts(b, ",\"target\":");
    put_jstr(b, w->target);
    cmi_buf_puts(b, ",\"now\":{");
    put_state_json(b, &w->now.pub);
    cmi_buf_printf(b, "},\"met\":%s,\"answers\":[", w->met ? "true" : "false");
    for (size_t i = 0; i < w->nanswers; i++) {
        const cm_whatif_answer *a = &w->answers[i].pub;
        cmi_buf_puts(b, i ? ",{\"changes\":[" : "{\"changes\":[");
        for (size_t k = 0; k < a->nchanges; k++) {
            const cm_change *c = &a->changes[k];
            cmi_buf_printf(b, "%s{\"side\":\"%s\",\"field\":", k ? "," : "",
                           c->side == CM_KIND_REGIONS ? "region" : "enterprise");
            put_jstr(b, c->field);
            cmi_buf_printf(b, ",\"op\":\"%s\",\"value\":", op_name(c->op));
            if (c->op == CM_CHANGE_SET && (strcmp(c->field, "level") != 0 &&
                                           strcmp(c->field, "ownership") != 0))
                cmi_buf_puts(b, c->value);
            else
                put_jstr(b, c->value);
            if (c->op == CM_CHANGE_SET) {
                cmi_buf_puts(b, ",\"old\":");
                if (c->old && (strcmp(c->field, "level") == 0 || strcmp(c->field, "ownership") == 0))
                    put_jstr(b, c->old);
                else
                    cmi_buf_puts(b, c->old ? c->old : "null");
            }
            cmi_buf_puts(b, ",\"text\":");
            put_jstr(b, c->text);
            cmi_buf_putc(b, '}');
        }
        cmi_buf_puts(b, "],");
        put_state_json(b, a);
        cmi_buf_puts(b, ",\"moved\":[");
        for (size_t k = 0; k < a->nmoves; k++) {
            const cm_whatif_move *m = &a->moves[k];
            cmi_buf_printf(b, "%s{\"%s\":", k ? "," : "", m->filter ? "filter" : "rule");
            put_jstr(b, m->name);
            if (m->filter) {
                cmi_buf_printf(b, ",\"before\":\"%s\",\"after\":\"%s\"",
                               m->before != 0 ? "pass" : "veto", m->after != 0 ? "pass" : "veto");
            } else {
                if (m->region_side)
                    cmi_buf_puts(b, ",\"side\":\"region\"");
                cmi_buf_puts(b, ",\"before\":");
                put_num(b, m->before);
                cmi_buf_puts(b, ",\"after\":");
                put_num(b, m->after);
                cmi_buf_puts(b, ",\"contribution_before\":");
                put_num(b, m->contribution_before);
                cmi_buf_puts(b, ",\"contribution_after\":");
                put_num(b, m->contribution_after);
            }
            cmi_buf_puts(b, ",\"reason\":");
            put_jstr(b, m->reason);
            cmi_buf_putc(b, '}');
        }
        cmi_buf_puts(b, "]}");
    }
    cmi_buf_printf(b, "],\"candidates\":%zu,\"evaluations\":%zu,\"exhausted\":%s}\n", w->ncands,
                   w->evaluations, w->exhausted ? "true" : "false");
}

static void state_text(textbuf *b, const cm_whatif_answer *a)
{
    if (a->vetoed)
        cmi_buf_printf(b, "vetoed (%.3f)", a->score);
    else if (a->rank)
        cmi_buf_printf(b, "rank %u (%.3f)", a->rank, a->score);
    else
        cmi_buf_printf(b, "passes, not ranked (%.3f, below the minimum score)", a->score);
}

static void write_text(const cm_whatif *w, textbuf *b)
{
    cmi_buf_printf(b, "%s for %s: now ", w->region, w->enterprise);
    state_text(b, &w->now.pub);
    cmi_buf_printf(b, ", target %s\n", w->target);
    if (w->met) {
        cmi_buf_puts(b, "  the pair meets the target already: nothing to change\n");
        return;
    }
    for (size_t i = 0; i < w->nanswers; i++) {
        const cm_whatif_answer *a = &w->answers[i].pub;
        textbuf line = BUF_INIT;
        for (size_t k = 0; k < a->nchanges; k++) {
            if (k)
                cmi_buf_puts(&line, ", ");
            cmi_buf_puts(&line, a->changes[k].text);
        }
        cmi_buf_printf(b, "  %zu. %-44s -> ", i + 1, line.s ? line.s : "");
        cmi_buf_free(&line);
        state_text(b, a);
        for (size_t k = 0; k < a->nmoves && k < 3; k++) {
            const cm_whatif_move *m = &a->moves[k];
            cmi_buf_puts(b, k ? ", " : "  ");
            if (m->filter)
                cmi_buf_printf(b, "filter %s %s -> %s", m->name, m->before != 0 ? "pass" : "veto",
                               m->after != 0 ? "pass" : "veto");
            else
                cmi_buf_printf(b, "%s %.2f -> %.2f", m->name, m->before, m->after);
        }
        if (a->nmoves > 3)
            cmi_buf_printf(b, " (+%zu more)", a->nmoves - 3);
        cmi_buf_putc(b, '\n');
    }
    if (w->nanswers == 0)
        cmi_buf_puts(b, "  no change found that reaches the target\n");
    cmi_buf_printf(b, "%zu single changes tried, %zu evaluations%s\n", w->ncands, w->evaluations,
                   w->exhausted ? "; the search of combinations stopped at its budget "
                                  "(--budget)" : "");
}

CM_API cm_status cm_whatif_write(const cm_whatif *w, int json, cm_write_fn fn, void *ud)
{
    if (w == NULL || fn == NULL)
        return CM_EUSAGE;
    textbuf b = BUF_INIT;
    if (json)
        write_json(w, &b);
    else
        write_text(w, &b);
    cm_status s = CM_OK;
    if (b.nomem)
        s = CM_ENOMEM;
    else if (b.len && fn(b.s, b.len, ud) != 0)
        s = CM_EIO;
    cmi_buf_free(&b);
    return s;
}
