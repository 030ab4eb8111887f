/* test_visit.c - one profile at a time and snapshots: a policy loaded from
 * memory; a profile matched or explained without being loaded gives what
 * it gives when loaded, visitor after visitor (nothing a policy computed
 * for one is reused for the next); profiles put, replaced and removed in
 * place, a bad one changing nothing; a match stopped by its callback;
 * snapshots counted and published while other threads read them.
 * Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capmatch.h"
#include "same_result.h"

#define REGIONS "examples/data/regions.json"
#define ENTERPRISES "examples/data/enterprises.json"

static const char *const policies[] = {
    "tests/policies/basic.lua",          /* Lua filter, derived value, Lua rule */
    "tests/policies/unit_builtins.lua",  /* every built-in */
    "rules/default.lua",                 /* derived lists, memoised rules */
};
#define NPOL (sizeof policies / sizeof *policies)

static cm_engine *load(int with_enterprises)
{
    cm_engine *e = cm_engine_new(NULL);
    assert_non_null(e);
    assert_int_equal(cm_engine_load_file(e, REGIONS, NULL, NULL), CM_OK);
    if (with_enterprises)
        assert_int_equal(cm_engine_load_file(e, ENTERPRISES, NULL, NULL), CM_OK);
    return e;
}

/* The JSON text of record `id` of a file's {"KIND": [...]} */
static char *record_json(const char *path, const char *kind, const char *id, size_t flags)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    assert_non_null(doc);
    json_t *list = json_object_get(doc, kind), *rec;
    size_t i;
    char *out = NULL;
    json_array_foreach(list, i, rec)
        if (strcmp(json_string_value(json_object_get(rec, "id")), id) == 0)
            out = json_dumps(rec, flags);
    json_decref(doc);
    assert_non_null(out);
    return out;
}

static void options(cm_match_options *o, cm_kind by)
{
    cm_match_options_init(o);
    o->by = by;
    o->top = 100;
    o->min_score = 0;
    o->threads = 1;
    o->explain = 1;
}

static void test_load_buffer(void **state)
{
    (void)state;
    cm_engine *e = load(1);
    size_t len;
    cm_policy *f = cm_policy_load(e, policies[0], NULL);
    assert_non_null(f);
    const char *text = cm_policy_source(f, &len);
    cm_policy *b = cm_policy_load_buffer(e, policies[0], text, len, NULL);
    assert_non_null(b);
    assert_string_equal(cm_policy_sha256(f), cm_policy_sha256(b));
    assert_string_equal(cm_policy_path(b), policies[0]);
    cm_result *r1, *r2;
    cm_match_options o;
    options(&o, CM_KIND_ENTERPRISES);
    assert_int_equal(cm_match(e, f, &o, &r1), CM_OK);
    assert_int_equal(cm_match(e, b, &o, &r2), CM_OK);
    char why[512];
    assert_true(same_result(r1, r2, why, sizeof why));
    cm_result_free(r1);
    cm_result_free(r2);
    cm_policy_free(b);
    /* a syntax error names the buffer's name and line */
    b = cm_policy_load_buffer(e, "inline.lua", "policy { name = 'x' }\nrule {", 29, NULL);
    assert_null(b);
    assert_non_null(strstr(cm_engine_errmsg(e), "inline.lua:"));
    cm_policy_free(f);
    cm_engine_free(e);
}

/* visitors, one after another, against the same profiles loaded */
static void visitors(cm_kind kind, const char *path, const char *key, const char *const *ids,
                     size_t nids)
{
    cm_engine *all = load(1);
    cm_engine *some = load(1);
    for (size_t i = 0; i < nids; i++)
        assert_int_equal(cm_engine_remove_profile(some, kind, ids[i]), CM_OK);
    for (size_t k = 0; k < NPOL; k++) {
        cm_policy *pa = cm_policy_load(all, policies[k], NULL);
        cm_policy *ps = cm_policy_load(some, policies[k], NULL);
        assert_non_null(pa);
        assert_non_null(ps);
        size_t before = cm_engine_count(some, kind);
        for (int round = 0; round < 2; round++)
            for (size_t i = 0; i < nids; i++) {
                cm_match_options o;
                options(&o, kind == CM_KIND_ENTERPRISES ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS);
                cm_result *want, *got;
                assert_int_equal(cm_match_one(all, pa, kind, ids[i], &o, &want), CM_OK);
                /* one line (JSON Lines) in the first round, indented in the second */
                char *json = record_json(path, key, ids[i], round ? JSON_INDENT(2) : JSON_COMPACT);
                assert_int_equal(cm_match_profile(some, ps, kind, "visitor", json, strlen(json),
                                                  &o, NULL, &got), CM_OK);
                char why[512];
                if (!same_result(want, got, why, sizeof why))
                    fail_msg("%s, %s: %s", policies[k], ids[i], why);
                assert_int_equal(cm_engine_count(some, kind), before);
                assert_int_equal(cm_engine_find(some, kind, ids[i]), (size_t)-1);
                cm_result_free(want);
                cm_result_free(got);
                free(json);
            }
        /* the engine is whole again: matching the loaded ones is unchanged */
        cm_match_options o;
        options(&o, CM_KIND_ENTERPRISES);
        cm_result *r1, *r2;
        assert_int_equal(cm_match(some, ps, &o, &r1), CM_OK);
        cm_policy *fresh = cm_policy_load(some, policies[k], NULL);
        assert_int_equal(cm_match(some, fresh, &o, &r2), CM_OK);
        char why[512];
        if (!same_result(r1, r2, why, sizeof why))
            fail_msg("%s after visitors: %s", policies[k], why);
        cm_result_free(r1);
        cm_result_free(r2);
        cm_policy_free(fresh);
        cm_policy_free(pa);
        cm_policy_free(ps);
    }
    cm_engine_free(all);
    cm_engine_free(some);
}

static void test_visitor_enterprises(void **state)
{
    (void)state;
    static const char *const ids[] = { "cn-xian-textile-machinery", "ph-bicol-fibercraft",
                                       "cn-tianjin-shipyard" };
    visitors(CM_KIND_ENTERPRISES, ENTERPRISES, "enterprises", ids, 3);
}

static void test_visitor_regions(void **state)
{
    (void)state;
    static const char *const ids[] = { "ph-catanduanes", "vn-ben-tre" };
    visitors(CM_KIND_REGIONS, REGIONS, "regions", ids, 2);
}

static void test_visitor_errors(void **state)
{
    (void)state;
    cm_engine *e = load(1);
    cm_policy *p = cm_policy_load(e, policies[0], NULL);
    size_t n = cm_engine_count(e, CM_KIND_ENTERPRISES);
    cm_result *r = NULL;
    cm_diags *d = cm_diags_new();
    /* invalid: the loader's own message, record and field */
    const char *bad = "{\"id\": \"v1\", \"name\": \"V\", \"country\": \"XX\"}";
    assert_int_equal(cm_match_profile(e, p, CM_KIND_ENTERPRISES, "body", bad, strlen(bad), NULL,
                                      d, &r), CM_EINPUT);
    assert_null(r);
    assert_true(cm_diags_count(d) >= 1);
    const cm_diag *g = cm_diags_at(d, 0);
    assert_string_equal(g->file, "body");
    assert_string_equal(g->field, "country");
    /* an id that is loaded */
    char *json = record_json(ENTERPRISES, "enterprises", "ph-bicol-fibercraft", JSON_COMPACT);
    cm_diags_clear(d);
    assert_int_equal(cm_match_profile(e, p, CM_KIND_ENTERPRISES, "body", json, strlen(json), NULL,
                                      d, &r), CM_EINPUT);
    assert_int_equal(cm_diags_count(d), 1);
    assert_non_null(strstr(cm_diags_at(d, 0)->message, "ph-bicol-fibercraft"));
    free(json);
    /* not an object, two objects */
    assert_int_equal(cm_match_profile(e, p, CM_KIND_ENTERPRISES, "body", "[1]", 3, NULL, NULL, &r),
                     CM_EINPUT);
    const char *two = "{\"id\":\"a1\",\"name\":\"A\",\"country\":\"CN\",\"sector\":\"2826\"},\n"
                      "{\"id\":\"a2\",\"name\":\"B\",\"country\":\"CN\",\"sector\":\"2826\"}";
    assert_int_equal(cm_match_profile(e, p, CM_KIND_ENTERPRISES, "body", two, strlen(two), NULL,
                                      NULL, &r), CM_EINPUT);
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), n);
    cm_diags_free(d);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_explain_profiles(void **state)
{
    (void)state;
    cm_engine *all = load(1);
    cm_engine *some = load(1);
    assert_int_equal(cm_engine_remove_profile(some, CM_KIND_ENTERPRISES, "ph-bicol-fibercraft"),
                     CM_OK);
    assert_int_equal(cm_engine_remove_profile(some, CM_KIND_REGIONS, "vn-ben-tre"), CM_OK);
    cm_policy *pa = cm_policy_load(all, policies[0], NULL);
    cm_policy *ps = cm_policy_load(some, policies[0], NULL);
    char *ej = record_json(ENTERPRISES, "enterprises", "ph-bicol-fibercraft", JSON_INDENT(1));
    char *rj = record_json(REGIONS, "regions", "vn-ben-tre", JSON_COMPACT);
    cm_result *want, *got;
    char why[512];
    assert_int_equal(cm_explain_pair(all, pa, "ph-bicol-fibercraft", "vn-ben-tre", &want), CM_OK);
    assert_int_equal(cm_explain_profiles(some, ps, NULL, ej, strlen(ej), NULL, rj, strlen(rj),
                                         NULL, &got), CM_OK);
    assert_true(same_result(want, got, why, sizeof why));
    cm_result_free(got);
    /* one given, one loaded */
    assert_int_equal(cm_explain_profiles(all, pa, NULL, ej + 0, 0, "vn-ben-tre", NULL, 0, NULL,
                                         &got), CM_EINPUT);
    cm_result_free(want);
    assert_int_equal(cm_explain_pair(all, pa, "ph-bicol-fibercraft", "ph-catanduanes", &want),
                     CM_OK);
    assert_int_equal(cm_explain_profiles(some, ps, NULL, ej, strlen(ej), "ph-catanduanes", NULL, 0,
                                         NULL, &got), CM_OK);
    assert_true(same_result(want, got, why, sizeof why));
    cm_result_free(want);
    cm_result_free(got);
    /* both ways given: usage */
    assert_int_equal(cm_explain_profiles(some, ps, "x", ej, strlen(ej), "ph-catanduanes", NULL, 0,
                                         NULL, &got), CM_EUSAGE);
    free(ej);
    free(rj);
    cm_policy_free(pa);
    cm_policy_free(ps);
    cm_engine_free(all);
    cm_engine_free(some);
}

/* What a policy keeps of the regions from one match to the next (id order,
 * candidate index, class caches) is made again after every change: the
 * same policy ranks as a freshly loaded one, for every kind of policy. */
static void put_remove(const char *policy)
{
    cm_engine *e = load(1);
    cm_policy *p = cm_policy_load(e, policy, NULL);
    cm_match_options o;
    options(&o, CM_KIND_ENTERPRISES);
    cm_result *r;
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);   /* the policy has computed its values */
    cm_result_free(r);
    size_t n = cm_engine_count(e, CM_KIND_REGIONS);
    size_t at = cm_engine_find(e, CM_KIND_REGIONS, "ph-catanduanes");
    /* replace in place: same index, new values */
    const char *rj = "{\"id\": \"ph-catanduanes\", \"name\": \"Catanduanes 2\", \"country\": \"PH\","
                     " \"subdivision\": \"PH-CAT\", \"sectors_sought\": [\"2826\"]}";
    int replaced = -1;
    assert_int_equal(cm_engine_put_profile(e, CM_KIND_REGIONS, "ph-catanduanes", "put", rj,
                                           strlen(rj), NULL, &replaced), CM_OK);
    assert_int_equal(replaced, 1);
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), n);
    assert_int_equal(cm_engine_find(e, CM_KIND_REGIONS, "ph-catanduanes"), at);
    cm_value v;
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, at, "name", &v), CM_OK);
    assert_string_equal(v.str, "Catanduanes 2");
    /* the old policy sees the change as a freshly loaded one does */
    cm_policy *fresh = cm_policy_load(e, policy, NULL);
    cm_result *r2;
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
    assert_int_equal(cm_match(e, fresh, &o, &r2), CM_OK);
    char why[512];
    if (!same_result(r, r2, why, sizeof why))
        fail_msg("%s: after a put: %s", policy, why);
    cm_result_free(r);
    cm_result_free(r2);
    /* a bad profile, and an id other than the one given: nothing changes */
    cm_diags *d = cm_diags_new();
    const char *bad = "{\"id\": \"ph-catanduanes\", \"name\": \"\", \"country\": \"PH\"}";
    assert_int_equal(cm_engine_put_profile(e, CM_KIND_REGIONS, "ph-catanduanes", "put", bad,
                                           strlen(bad), d, NULL), CM_EINPUT);
    assert_int_equal(cm_diags_count(d), 1);
    assert_string_equal(cm_diags_at(d, 0)->field, "name");
    assert_int_equal(cm_engine_put_profile(e, CM_KIND_REGIONS, "other", "put", rj, strlen(rj),
                                           NULL, NULL), CM_EINPUT);
    assert_non_null(strstr(cm_engine_errmsg(e), "expected \"other\""));
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, at, "name", &v), CM_OK);
    assert_string_equal(v.str, "Catanduanes 2");
    /* a new one goes last; removing shifts the ones after */
    const char *nj = "{\"id\": \"new-one\", \"name\": \"New\", \"country\": \"LA\"}";
    assert_int_equal(cm_engine_put_profile(e, CM_KIND_REGIONS, NULL, "put", nj, strlen(nj), NULL,
                                           &replaced), CM_OK);
    assert_int_equal(replaced, 0);
    assert_int_equal(cm_engine_find(e, CM_KIND_REGIONS, "new-one"), n);
    assert_int_equal(cm_engine_remove_profile(e, CM_KIND_REGIONS, "ph-catanduanes"), CM_OK);
    assert_int_equal(cm_engine_remove_profile(e, CM_KIND_REGIONS, "ph-catanduanes"), CM_ENOTFOUND);
    assert_int_equal(cm_engine_find(e, CM_KIND_REGIONS, "new-one"), n - 1);
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), n);
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
    cm_policy_free(fresh);
    fresh = cm_policy_load(e, policy, NULL);
    assert_int_equal(cm_match(e, fresh, &o, &r2), CM_OK);
    if (!same_result(r, r2, why, sizeof why))
        fail_msg("%s: after a remove: %s", policy, why);
    cm_result_free(r);
    cm_result_free(r2);
    cm_diags_free(d);
    cm_policy_free(fresh);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_put_remove(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPOL; i++)
        put_remove(policies[i]);
}

static int stop_now(size_t done, size_t total, void *ud)
{
    (void)done;
    (void)total;
    ++*(int *)ud;
    return 1;
}

static int never_stop(size_t done, size_t total, void *ud)
{
    (void)done;
    (void)total;
    ++*(int *)ud;
    return 0;
}

static void test_prepare(void **state)
{
    (void)state;
    cm_engine *e = load(1);
    cm_policy *p = cm_policy_load(e, policies[2], NULL);
    cm_policy *q = cm_policy_load(e, policies[2], NULL);
    assert_int_equal(cm_policy_prepare(p, 2), CM_OK);
    assert_int_equal(cm_policy_prepare(p, 0), CM_OK);   /* again: nothing to do */
    cm_match_options o;
    options(&o, CM_KIND_ENTERPRISES);
    cm_result *r1, *r2;
    assert_int_equal(cm_match(e, p, &o, &r1), CM_OK);
    assert_int_equal(cm_match(e, q, &o, &r2), CM_OK);
    char why[512];
    assert_true(same_result(r1, r2, why, sizeof why));
    cm_result_free(r1);
    cm_result_free(r2);
    cm_policy_free(q);
    /* a derive that fails on a profile: the message names it */
    const char *bad = "policy { name = 'bad derive' }\n"
                      "derive { name = 'n', side = 'enterprise', value = function(e)\n"
                      "  if e.id == 'ph-bicol-fibercraft' then error('no value') end return 1 end }\n"
                      "rule { name = 'r', weight = 1, score = builtin.isic_fit {} }\n";
    q = cm_policy_load_buffer(e, "bad.lua", bad, strlen(bad), NULL);
    assert_non_null(q);
    assert_int_equal(cm_policy_prepare(q, 1), CM_EINPUT);
    assert_non_null(strstr(cm_engine_errmsg(e), "ph-bicol-fibercraft"));
    /* and a snapshot of it is refused, freeing what it was given */
    cm_policy_free(p);
    cm_status st;
    assert_null(cm_snapshot_new(e, &q, 1, &st));
    assert_int_equal(st, CM_EINPUT);
}

static void test_cancel(void **state)
{
    (void)state;
    cm_engine *e = load(1);
    cm_policy *p = cm_policy_load(e, policies[0], NULL);
    cm_match_options o;
    options(&o, CM_KIND_ENTERPRISES);
    int calls = 0;
    o.stop = stop_now;
    o.progress_ud = &calls;
    cm_result *r = NULL;
    assert_int_equal(cm_match(e, p, &o, &r), CM_ECANCELED);
    assert_null(r);
    assert_true(calls >= 1);
    assert_string_equal(cm_status_string(CM_ECANCELED), "canceled");
    calls = 0;
    o.stop = never_stop;
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
    assert_true(calls >= 1);
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* ---- snapshots ---------------------------------------------------------------- */

/* n policies for each of `copies` engines */
static cm_snapshot *make_snapshot(const char *policy, size_t n, size_t copies)
{
    cm_snapshot *s = NULL;
    for (size_t k = 0; k < copies; k++) {
        cm_engine *e = load(1);
        cm_policy *ps[4];
        for (size_t i = 0; i < n; i++)
            assert_non_null(ps[i] = cm_policy_load(e, policy, NULL));
        cm_status st = CM_OK;
        if (k == 0)
            s = cm_snapshot_new(e, ps, n, &st);
        else
            st = cm_snapshot_add_copy(s, e, ps, n);
        assert_non_null(s);
        assert_int_equal(st, CM_OK);
    }
    return s;
}

typedef struct reader_arg {
    cm_current *cur;
    int rounds, failures;
} reader_arg;

/* match the current snapshot again and again, shared and exclusive */
static void *reader(void *arg)
{
    reader_arg *a = arg;
    char *json = NULL;
    for (int i = 0; i < a->rounds; i++) {
        cm_snapshot *s = cm_current_get(a->cur);
        cm_engine *e;
        cm_policy *p = cm_snapshot_lock(s, i % 2, &e);
        cm_result *r = NULL;
        cm_status st;
        if (i % 2 == 0) {
            st = cm_match_one(e, p, CM_KIND_ENTERPRISES, "cn-xian-textile-machinery", NULL, &r);
        } else {
            const char *v = "{\"id\": \"visitor\", \"name\": \"V\", \"country\": \"CN\", "
                            "\"sector\": \"2826\"}";
            st = cm_match_profile(e, p, CM_KIND_ENTERPRISES, "v", v, strlen(v), NULL, NULL, &r);
        }
        if (st != CM_OK || cm_result_count(r) == 0)
            a->failures++;
        cm_result_free(r);
        cm_snapshot_unlock(s, p);
        cm_snapshot_release(s);
    }
    free(json);
    return NULL;
}

/* Copies: two exclusive calls at once (with one copy the second lock would
 * wait forever), each on an engine of its own, answering as one copy does;
 * shared calls gather on one copy. */
static char *visitor_top(cm_engine *e, cm_policy *p, const char *json)
{
    cm_result *r = NULL;
    assert_int_equal(cm_match_profile(e, p, CM_KIND_ENTERPRISES, "v", json, strlen(json), NULL,
                                      NULL, &r), CM_OK);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        fprintf(f, "%s %.17g\n", row->region, row->score);
    }
    fclose(f);
    cm_result_free(r);
    return out;
}

static void test_snapshot_copies(void **state)
{
    (void)state;
    cm_snapshot *s = make_snapshot(policies[0], 1, 1);
    assert_int_equal(cm_snapshot_copies(s), 1);
    cm_engine *e2 = load(1);
    cm_policy *p2 = cm_policy_load(e2, policies[0], NULL);
    assert_non_null(p2);
    assert_int_equal(cm_snapshot_add_copy(s, e2, &p2, 1), CM_OK);
    assert_int_equal(cm_snapshot_copies(s), 2);
    const char *v = "{\"id\": \"visitor\", \"name\": \"V\", \"country\": \"CN\", "
                    "\"sector\": \"2826\", \"offers\": [\"technology\", \"equipment\"]}";
    cm_engine *ea, *eb;
    cm_policy *pa = cm_snapshot_lock(s, 1, &ea);
    cm_policy *pb = cm_snapshot_lock(s, 1, &eb);
    assert_non_null(pa);
    assert_non_null(pb);
    assert_ptr_not_equal(ea, eb);
    char *ta = visitor_top(ea, pa, v), *tb = visitor_top(eb, pb, v);
    assert_true(strlen(ta) > 0);
    assert_string_equal(ta, tb);
    cm_snapshot_unlock(s, pb);
    cm_snapshot_unlock(s, pa);
    /* shared calls go where shared calls are: the other copy stays free */
    cm_engine *e1, *e3;
    cm_policy *q1 = cm_snapshot_lock(s, 0, &e1);
    cm_policy *q2 = cm_snapshot_lock(s, 1, &e3);
    assert_ptr_not_equal(e1, e3);
    char *tc = visitor_top(e3, q2, v);
    assert_string_equal(ta, tc);
    cm_snapshot_unlock(s, q2);
    cm_snapshot_unlock(s, q1);
    free(ta);
    free(tb);
    free(tc);
    cm_snapshot_release(s);
    /* a policy of another engine is refused, and what was given freed */
    cm_snapshot *t = make_snapshot(policies[0], 1, 1);
    cm_engine *e4 = load(0), *e5 = load(0);
    cm_policy *p5 = cm_policy_load(e5, policies[0], NULL);
    assert_non_null(p5);
    assert_int_equal(cm_snapshot_add_copy(t, e4, &p5, 1), CM_EUSAGE);
    assert_int_equal(cm_snapshot_copies(t), 1);
    cm_engine_free(e5);   /* p5 went with the refusal */
    assert_int_equal(cm_snapshot_add_copy(NULL, load(0), NULL, 0), CM_EUSAGE);
    cm_snapshot_release(t);
}

static void test_snapshots(void **state)
{
    (void)state;
    cm_current *cur = cm_current_new();
    assert_null(cm_current_get(cur));
    cm_current_publish(cur, make_snapshot(policies[0], 2, 1));
    cm_snapshot *held = cm_current_get(cur);
    assert_string_equal(cm_policy_path(cm_snapshot_policy(held)), policies[0]);
    reader_arg a[3];
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        a[i] = (reader_arg){ cur, 12, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, reader, &a[i]), 0);
    }
    /* publish while they read (snapshots of one and of two copies); the one
     * held stays whole */
    for (int i = 0; i < 3; i++)
        cm_current_publish(cur, make_snapshot(policies[i % 2], 2, 1 + (size_t)(i % 2)));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(a[i].failures, 0);
    }
    assert_string_equal(cm_policy_path(cm_snapshot_policy(held)), policies[0]);
    assert_int_equal(cm_engine_count(cm_snapshot_engine(held), CM_KIND_REGIONS), 18);
    cm_snapshot_release(held);
    cm_snapshot *now = cm_current_get(cur);
    assert_string_equal(cm_policy_path(cm_snapshot_policy(now)), policies[0]);
    cm_snapshot_release(now);
    cm_current_free(cur);
    /* bad arguments free what was given */
    cm_status st;
    assert_null(cm_snapshot_new(load(0), NULL, 0, &st));
    assert_int_equal(st, CM_EUSAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_buffer),
        cmocka_unit_test(test_visitor_enterprises),
        cmocka_unit_test(test_visitor_regions),
        cmocka_unit_test(test_visitor_errors),
        cmocka_unit_test(test_explain_profiles),
        cmocka_unit_test(test_put_remove),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_snapshots),
        cmocka_unit_test(test_snapshot_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
