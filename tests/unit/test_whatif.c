/* test_whatif.c - counterfactual explanations through the library, under
 * three policies (a Lua filter and rule, every built-in, the default policy
 * with derived lists and memoised rules): every answer, applied to the
 * profile in a fresh engine (cm_engine_put_profile), scores and ranks as
 * cm_whatif_run said; the engine is as it was afterwards (the same match,
 * row for row); the same question gives the same answers; bad arguments are
 * refused. Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capmatch.h"

#define REGIONS "tests/data/whatif/regions.json"
#define ENTERPRISES "tests/data/whatif/enterprises.json"

static const char *const policies[] = {
    "tests/policies/basic.lua",
    "tests/policies/unit_builtins.lua",
    "rules/default.lua",
};
#define NPOL (sizeof policies / sizeof *policies)

static cm_engine *load(void)
{
    cm_engine *e = cm_engine_new(NULL);
    assert_non_null(e);
    assert_int_equal(cm_engine_load_file(e, REGIONS, NULL, NULL), CM_OK);
    assert_int_equal(cm_engine_load_file(e, ENTERPRISES, NULL, NULL), CM_OK);
    return e;
}

static json_t *record(const char *path, const char *kind, const char *id)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err), *rec, *out = NULL;
    assert_non_null(doc);
    size_t i;
    json_array_foreach(json_object_get(doc, kind), i, rec)
        if (strcmp(json_string_value(json_object_get(rec, "id")), id) == 0)
            out = json_deep_copy(rec);
    json_decref(doc);
    assert_non_null(out);
    return out;
}

static void apply(json_t *obj, const cm_change *c)
{
    char group[32] = "";
    const char *key = c->field, *dot = strchr(c->field, '.');
    json_t *parent = obj;
    if (dot) {
        snprintf(group, sizeof group, "%.*s", (int)(dot - c->field), c->field);
        parent = json_object_get(obj, group);
        if (parent == NULL) {
            parent = json_object();
            json_object_set_new(obj, group, parent);
        }
        key = dot + 1;
    }
    json_t *v = c->op == CM_CHANGE_SET ? json_loads(c->value, JSON_DECODE_ANY, NULL) : NULL;
    if (v == NULL)
        v = json_string(c->value);
    json_t *list = json_object_get(parent, key);
    if (c->op == CM_CHANGE_SET) {
        json_object_set_new(parent, key, v);
    } else if (c->op == CM_CHANGE_ADD) {
        if (list == NULL) {
            list = json_array();
            json_object_set_new(parent, key, list);
        }
        json_array_append_new(list, v);
    } else {
        for (size_t i = 0; i < json_array_size(list); i++)
            if (json_equal(json_array_get(list, i), v)) {
                json_array_remove(list, i);
                break;
            }
        json_decref(v);
        if (json_array_size(list) == 0)
            json_object_del(parent, key);
    }
}

/* The answer applied in a fresh engine: the score and rank it says. */
static void check_answer(const char *policy, const char *eid, const char *rid,
                         const cm_whatif_answer *a)
{
    cm_engine *e = load();
    json_t *side[2] = { record(REGIONS, "regions", rid),
                        record(ENTERPRISES, "enterprises", eid) };
    for (size_t k = 0; k < a->nchanges; k++)
        apply(side[a->changes[k].side == CM_KIND_ENTERPRISES], &a->changes[k]);
    for (int s = 0; s < 2; s++) {
        char *text = json_dumps(side[s], JSON_COMPACT);
        assert_int_equal(cm_engine_put_profile(e, s ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS,
                                               NULL, "test", text, strlen(text), NULL, NULL),
                         CM_OK);
        free(text);
        json_decref(side[s]);
    }
    cm_policy *p = cm_policy_load(e, policy, NULL);
    assert_non_null(p);
    cm_result *r = NULL, *list = NULL;
    assert_int_equal(cm_explain_pair(e, p, eid, rid, &r), CM_OK);
    if (fabs(cm_result_row(r, 0)->score - a->score) > 1e-12 ||
        cm_result_row(r, 0)->vetoed != a->vetoed)
        fail_msg("%s: %s: score %.17g vetoed %d, whatif said %.17g %d", policy,
                 a->changes[0].text, cm_result_row(r, 0)->score, cm_result_row(r, 0)->vetoed,
                 a->score, a->vetoed);
    cm_match_options o;
    cm_match_options_init(&o);
    o.top = cm_engine_count(e, CM_KIND_REGIONS);
    o.on_error = CM_ON_ERROR_SKIP;
    assert_int_equal(cm_match_one(e, p, CM_KIND_ENTERPRISES, eid, &o, &list), CM_OK);
    unsigned rank = 0;
    for (size_t i = 0; i < cm_result_count(list); i++)
        if (strcmp(cm_result_row(list, i)->region, rid) == 0)
            rank = cm_result_row(list, i)->rank;
    if (rank != a->rank)
        fail_msg("%s: %s: rank %u, whatif said %u", policy, a->changes[0].text, rank, a->rank);
    cm_result_free(list);
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
}

static int write_buf(const char *data, size_t len, void *ud)
{
    FILE *f = ud;
    return fwrite(data, 1, len, f) == len ? 0 : 1;
}

static char *as_json(const cm_whatif *w)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(cm_whatif_write(w, 1, write_buf, f), CM_OK);
    fclose(f);
    return text;
}

/* A result as text (its ids point into the engine, whose strings may move). */
static char *rows_text(const cm_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *m = cm_result_row(r, i);
        fprintf(f, "%s %s %.17g %.17g %u\n", m->enterprise, m->region, m->score,
                m->region_score, m->rank);
        for (size_t k = 0; k < cm_result_rule_count(r); k++) {
            const cm_explain_item *it = cm_result_explain(r, i, k);
            fprintf(f, "  %s %.17g %s\n", it->rule, it->score, it->reason);
        }
    }
    fclose(f);
    return text;
}

static void answers_hold(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        { "cn-xian-textile-machinery", "my-johor" },
        { "cn-fujian-specialty-paper", "th-rayong" },
        { "cn-changzhou-loom-works", "my-johor" },
    };
    for (size_t pi = 0; pi < NPOL; pi++) {
        cm_engine *e = load();
        cm_policy *p = cm_policy_load(e, policies[pi], NULL);
        assert_non_null(p);
        cm_match_options o;
        cm_match_options_init(&o);
        o.explain = 1;
        o.threads = 1;
        cm_result *before = NULL, *after = NULL;
        assert_int_equal(cm_match(e, p, &o, &before), CM_OK);
        char *was = rows_text(before);
        cm_result_free(before);
        for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
            cm_whatif_options wo;
            cm_whatif_options_init(&wo);
            wo.rank = 2;
            wo.budget = 150;
            wo.max_answers = 12;
            cm_whatif *w = NULL, *again = NULL;
            assert_int_equal(cm_whatif_run(e, p, pairs[k][0], pairs[k][1], &wo, &w), CM_OK);
            for (size_t i = 0; i < cm_whatif_count(w); i++) {
                const cm_whatif_answer *a = cm_whatif_answer_at(w, i);
                assert_true(a->rank >= 1 && a->rank <= 2);
                check_answer(policies[pi], pairs[k][0], pairs[k][1], a);
            }
            assert_int_equal(cm_whatif_run(e, p, pairs[k][0], pairs[k][1], &wo, &again), CM_OK);
            char *j1 = as_json(w), *j2 = as_json(again);
            assert_string_equal(j1, j2);
            free(j1);
            free(j2);
            cm_whatif_free(w);
            cm_whatif_free(again);
        }
        /* the engine as it was: the same profiles in the same places, the same match */
        assert_int_equal(cm_match(e, p, &o, &after), CM_OK);
        char *is = rows_text(after);
        if (strcmp(was, is) != 0)
            fail_msg("%s: the match after whatif differs", policies[pi]);
        free(was);
        free(is);
        cm_result_free(after);
        cm_policy_free(p);
        cm_engine_free(e);
    }
}

static void bad_arguments(void **state)
{
    (void)state;
    cm_engine *e = load();
    cm_policy *p = cm_policy_load(e, "rules/default.lua", NULL);
    assert_non_null(p);
    cm_whatif *w = NULL;
    cm_whatif_options wo;
    cm_whatif_options_init(&wo);
    assert_int_equal(cm_whatif_run(e, p, "nobody", "my-johor", &wo, &w), CM_ENOTFOUND);
    assert_null(w);
    assert_non_null(strstr(cm_engine_errmsg(e), "nobody"));
    const char *fixed[] = { "enterprise.nothing", NULL };
    wo.fixed = fixed;
    assert_int_equal(cm_whatif_run(e, p, "cn-xian-textile-machinery", "my-johor", &wo, &w),
                     CM_EUSAGE);
    wo.fixed = NULL;
    wo.target = CM_WHATIF_SCORE;
    wo.score = 2;
    assert_int_equal(cm_whatif_run(e, p, "cn-xian-textile-machinery", "my-johor", &wo, &w),
                     CM_EUSAGE);
    wo.target = CM_WHATIF_RANK;
    wo.sides = 0;
    assert_int_equal(cm_whatif_run(e, p, "cn-xian-textile-machinery", "my-johor", &wo, &w),
                     CM_EUSAGE);
    assert_int_equal(cm_whatif_run(e, p, NULL, "my-johor", NULL, &w), CM_EUSAGE);
    cm_whatif_free(NULL);
    cm_diff_free(NULL);
    cm_policy_free(p);
    cm_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_hold),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
