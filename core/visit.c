/*
 * visit.c - one profile at a time: adding, replacing and taking out a
 * profile of a loaded engine, and matching or explaining a profile given as
 * JSON text that stays out of the engine (a portal's visitor).
 *
 * A profile given as text is validated by the loaders exactly as a record of
 * a file. A visitor is added to the store, matched and taken out again
 * (store marks); what the policy computed for it is forgotten. Depends on
 * the store, the loaders and the policy's caches; knows nothing of HTTP.
 */
#include "engine.h"
#include "policy.h"
#include "alloc.h"
#include "err.h"

#include <string.h>
#include <unistd.h>

static int side_of(cm_kind k) { return k == CM_KIND_REGIONS ? SIDE_REGION : SIDE_ENTERPRISE; }

/* Load one JSON object (the text of one record) into e: a line of JSON
 * Lines when it is one line, else the object within an array (lines then
 * count as in the text; the first line's columns are one further). */
static cm_status load_one(cm_engine *e, cm_kind kind, const char *name, const char *json,
                          size_t len, cm_diags *diags)
{
    if (kind != CM_KIND_REGIONS && kind != CM_KIND_ENTERPRISES)
        return cmi_engine_fail(e, CM_EUSAGE, "%s: the kind of the profile must be given", name);
    size_t i = 0;
    while (i < len && (json[i] == ' ' || json[i] == '\t' || json[i] == '\r' || json[i] == '\n'))
        i++;
    if (i == len || json[i] != '{')
        return cmi_engine_fail(e, CM_EINPUT, "%s: expected one JSON object (a profile), found %s",
                           name, i == len ? "nothing" : "something else");
    cm_load_options o;
    cm_load_options_init(&o);
    o.kind = kind;
    size_t before = cm_engine_count(e, kind);
    store_mark m = cmi_store_mark_now(cmi_engine_store(e));
    cm_status s;
    if (memchr(json, '\n', len) == NULL) {
        o.format = CM_FORMAT_JSONL;
        s = cm_engine_load_buffer(e, name, json, len, &o, diags);
    } else {
        char *text = cm_malloc(len + 2);
        if (text == NULL)
            return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
        text[0] = '[';
        memcpy(text + 1, json, len);
        text[len + 1] = ']';
        o.format = CM_FORMAT_JSON;
        s = cm_engine_load_buffer(e, name, text, len + 2, &o, diags);
        cm_free(text);
    }
    if (s == CM_OK && cm_engine_count(e, kind) != before + 1) {
        /* two objects on a line, or an empty array: not one profile */
        cmi_store_rollback(cmi_engine_store(e), m);
        return cmi_engine_fail(e, CM_EINPUT, "%s: expected exactly one profile", name);
    }
    return s;
}

CM_API cm_status cm_engine_put_profile(cm_engine *e, cm_kind kind, const char *id,
                                       const char *name, const char *json, size_t len,
                                       cm_diags *diags, int *replaced)
{
    if (e == NULL || json == NULL)
        return CM_EUSAGE;
    if (name == NULL)
        name = "-";
    if (replaced)
        *replaced = 0;
    /* validated alone first, so that a bad profile changes nothing */
    cm_status s;
    cm_engine *scratch = cm_engine_new(&s);
    if (scratch == NULL)
        return cmi_engine_fail(e, s, "%s", cm_last_error());
    s = load_one(scratch, kind, name, json, len, diags);
    const char *got = NULL;
    cm_value v;
    if (s == CM_OK && cm_profile_get(scratch, kind, 0, "id", &v) == CM_OK)
        got = v.str;
    if (s == CM_OK && id != NULL && (got == NULL || strcmp(got, id) != 0)) {
        s = cmi_engine_fail(e, CM_EINPUT, "%s: record 1 (id \"%s\"): id: expected \"%s\" (the id "
                        "the profile is put under), found \"%s\"", name, got ? got : "",
                        id, got ? got : "");
    } else if (s != CM_OK) {
        s = cmi_engine_fail(e, s, "%s", cm_last_error());
    }
    if (s != CM_OK) {
        cm_engine_free(scratch);
        return s;
    }
    size_t old = cm_engine_find(e, kind, got);
    cm_engine_free(scratch);
    if (old == (size_t)-1)
        return load_one(e, kind, name, json, len, NULL);
    /* loaded again under its id: the old one out, the new one in its place
     * (a failure here can only be memory: the old one is put back) */
    store *st = cmi_engine_store(e);
    int side = side_of(kind);
    struct kind_store *ks = &st->kinds[side];
    char *keep = cm_malloc(ks->item_size);
    if (keep == NULL)
        return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
    memcpy(keep, (char *)ks->items + old * ks->item_size, ks->item_size);
    cmi_store_remove(st, side, old);
    store_mark m = cmi_store_mark_now(st);
    s = load_one(e, kind, name, json, len, NULL);
    if (s != CM_OK) {
        cmi_store_rollback(st, m);
        cmi_store_append(st, side, keep);     /* needs no memory: one was just taken out */
    } else if (replaced) {
        *replaced = 1;
    }
    cmi_store_move(st, side, ks->count - 1, old);
    cm_free(keep);
    cmi_engine_changed(e);
    return s;
}

CM_API cm_status cm_engine_remove_profile(cm_engine *e, cm_kind kind, const char *id)
{
    if (e == NULL || id == NULL || (kind != CM_KIND_REGIONS && kind != CM_KIND_ENTERPRISES))
        return CM_EUSAGE;
    size_t i = cm_engine_find(e, kind, id);
    if (i == (size_t)-1)
        return cmi_engine_fail(e, CM_ENOTFOUND, "no %s with id \"%s\"",
                           kind == CM_KIND_REGIONS ? "region" : "enterprise", id);
    cmi_store_remove(cmi_engine_store(e), side_of(kind), i);
    cmi_engine_changed(e);
    return CM_OK;
}

/* A visitor in the store, to be taken out by visit_end. */
typedef struct visit {
    int active;
    int side;
    size_t from;              /* the side's count before */
    store_mark mark;
    policy_mark pmark;
    char id[128];
} visit;

static cm_status visit_begin(cm_engine *e, cm_policy *p, cm_kind kind, const char *name,
                             const char *json, size_t len, cm_diags *diags, visit *v)
{
    char err[1200];
    memset(v, 0, sizeof *v);
    /* what the policy knows of the loaded profiles first, so that the mark
     * below only covers the visitor's share */
    if (cmi_policy_derive(p, 1, err, sizeof err) < 0)
        return cmi_engine_fail(e, CM_EINPUT, "%s", err);
    store *st = cmi_engine_store(e);
    v->side = side_of(kind);
    v->from = st->kinds[v->side].count;
    v->mark = cmi_store_mark_now(st);
    v->pmark = cmi_policy_mark_now(p);
    cmi_policy_forget(p, v->side, v->from, NULL);  /* left from an earlier visitor */
    cm_status s = load_one(e, kind, name, json, len, diags);
    if (s != CM_OK)
        return s;
    v->active = 1;
    cm_value idv;
    if (cm_profile_get(e, kind, v->from, "id", &idv) == CM_OK && idv.str)
        snprintf(v->id, sizeof v->id, "%s", idv.str);
    return CM_OK;
}

static void visit_end(cm_engine *e, cm_policy *p, visit *v)
{
    if (!v->active)
        return;
    cmi_store_rollback(cmi_engine_store(e), v->mark);
    cmi_policy_forget(p, v->side, v->from, &v->pmark);
    v->active = 0;
}

/* The visitor's id may be one that is loaded: it then stands for the visitor. */
static cm_status visit_check_id(cm_engine *e, cm_kind kind, const visit *v)
{
    if (cm_engine_find(e, kind, v->id) != v->from)
        return cmi_engine_fail(e, CM_EINPUT, "the profile's id \"%s\" is one of a loaded %s; "
                           "give another id, or the id alone", v->id,
                           kind == CM_KIND_REGIONS ? "region" : "enterprise");
    return CM_OK;
}

CM_API cm_status cm_policy_prepare(cm_policy *p, int threads)
{
    char err[1200];
    if (p == NULL)
        return CM_EUSAGE;
    if (threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
    }
    if (cmi_policy_derive(p, threads, err, sizeof err) < 0)
        return cmi_engine_fail(p->engine, CM_EINPUT, "%s", err);
    /* and what a match prepares of the side it ranks among (prep.c) */
    for (int side = 0; side < 2; side++)
        if (cmi_match_prep(p, side, 1, threads) == NULL)
            return cmi_engine_fail(p->engine, CM_ENOMEM, "out of memory");
    return CM_OK;
}

CM_API cm_status cm_match_profile(cm_engine *e, cm_policy *p, cm_kind kind, const char *name,
                                  const char *json, size_t len, const cm_match_options *o,
                                  cm_diags *diags, cm_result **out)
{
    if (e == NULL || p == NULL || json == NULL || out == NULL || p->engine != e)
        return CM_EUSAGE;
    *out = NULL;
    visit v;
    cm_status s = visit_begin(e, p, kind, name ? name : "-", json, len, diags, &v);
    if (s == CM_OK)
        s = visit_check_id(e, kind, &v);
    if (s == CM_OK)
        s = cm_match_one(e, p, kind, v.id, o, out);
    visit_end(e, p, &v);
    return s;
}

CM_API cm_status cm_explain_profiles(cm_engine *e, cm_policy *p, const char *enterprise,
                                     const char *enterprise_json, size_t enterprise_len,
                                     const char *region, const char *region_json,
                                     size_t region_len, cm_diags *diags, cm_result **out)
{
    if (e == NULL || p == NULL || out == NULL || p->engine != e ||
        (enterprise == NULL) == (enterprise_json == NULL) ||
        (region == NULL) == (region_json == NULL))
        return CM_EUSAGE;
    *out = NULL;
    visit ve, vr;
    memset(&ve, 0, sizeof ve);
    memset(&vr, 0, sizeof vr);
    cm_status s = CM_OK;
    if (enterprise_json) {
        s = visit_begin(e, p, CM_KIND_ENTERPRISES, "enterprise", enterprise_json,
                        enterprise_len, diags, &ve);
        if (s == CM_OK && (s = visit_check_id(e, CM_KIND_ENTERPRISES, &ve)) == CM_OK)
            enterprise = ve.id;
    }
    if (s == CM_OK && region_json) {
        s = visit_begin(e, p, CM_KIND_REGIONS, "region", region_json, region_len, diags, &vr);
        if (s == CM_OK && (s = visit_check_id(e, CM_KIND_REGIONS, &vr)) == CM_OK)
            region = vr.id;
    }
    if (s == CM_OK)
        s = cm_explain_pair(e, p, enterprise, region, out);
    visit_end(e, p, &vr);   /* the later first: marks nest */
    visit_end(e, p, &ve);
    return s;
}
