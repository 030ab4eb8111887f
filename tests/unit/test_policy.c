/* test_policy.c - policies through the public API, on examples/data: loading
 * (rules, weights, parameters, --set), every built-in scorer on pairs whose
 * scores were worked out by hand from the example profiles, explanations that
 * add up, ranking (ties by id, top k, minimum score, by region, one profile),
 * rule errors (skip and stop), and the FILE:LINE messages of policies that
 * declare things wrongly.
 *
 * Run from the repository root (tests/run-tests.sh does). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capmatch.h"

#define REGIONS "examples/data/regions.json"
#define ENTERPRISES "examples/data/enterprises.json"
#define BASIC "tests/policies/basic.lua"
#define BUILTINS "tests/policies/unit_builtins.lua"
#define TIES "tests/policies/unit_ties.lua"
#define ERRORS "tests/policies/unit_error.lua"
#define DERIVED "tests/policies/unit_derived.lua"

/* ---- helpers ------------------------------------------------------------------ */

static cm_engine *examples(void)
{
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    assert_non_null(e);
    if (cm_engine_load_file(e, REGIONS, NULL, NULL) != CM_OK ||
        cm_engine_load_file(e, ENTERPRISES, NULL, NULL) != CM_OK)
        fail_msg("loading the examples: %s", cm_engine_errmsg(e));
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), 18);
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), 57);
    return e;
}

static cm_policy *policy_set(cm_engine *e, const char *path, const char *const *set)
{
    cm_policy_options o;
    cm_policy_options_init(&o);
    o.set = set;
    cm_policy *p = cm_policy_load(e, path, &o);
    if (p == NULL)
        fail_msg("%s: %s", path, cm_engine_errmsg(e));
    return p;
}

static cm_policy *policy(cm_engine *e, const char *path)
{
    return policy_set(e, path, NULL);
}

/* Load a policy that must fail; returns a copy of the message. */
static char *policy_fails(cm_engine *e, const char *path, const char *const *set)
{
    cm_policy_options o;
    cm_policy_options_init(&o);
    o.set = set;
    cm_policy *p = cm_policy_load(e, path, &o);
    if (p != NULL) {
        cm_policy_free(p);
        fail_msg("%s loaded, expected an error", path);
    }
    const char *m = cm_engine_errmsg(e);
    assert_non_null(m);
    assert_true(m[0] != '\0');
    char *copy = strdup(m);
    assert_non_null(copy);
    return copy;
}

static void expect_in(const char *text, const char *part, const char *what)
{
    if (text == NULL || strstr(text, part) == NULL)
        fail_msg("%s: no '%s' in '%s'", what, part, text ? text : "(null)");
}

static void expect_prefix(const char *text, const char *prefix)
{
    if (strncmp(text, prefix, strlen(prefix)) != 0)
        fail_msg("'%s' does not start with '%s'", text, prefix);
}

static int close_to(double a, double b, double eps)
{
    return fabs(a - b) <= eps;
}

static const cm_explain_item *item_of(const cm_result *r, size_t row, const char *rule)
{
    for (size_t i = 0; i < cm_result_rule_count(r); i++) {
        const cm_explain_item *it = cm_result_explain(r, row, i);
        if (it && strcmp(it->rule, rule) == 0)
            return it;
    }
    fail_msg("no rule '%s' in the explanation", rule);
    return NULL;
}

static cm_result *explain(cm_engine *e, cm_policy *p, const char *ent, const char *reg)
{
    cm_result *r = NULL;
    if (cm_explain_pair(e, p, ent, reg, &r) != CM_OK)
        fail_msg("explain %s / %s: %s", ent, reg, cm_engine_errmsg(e));
    assert_non_null(r);
    assert_int_equal(cm_result_count(r), 1);
    assert_string_equal(cm_result_row(r, 0)->enterprise, ent);
    assert_string_equal(cm_result_row(r, 0)->region, reg);
    return r;
}

/* One rule of an explained pair: its score (within 1e-9) and reason parts. */
static void expect_rule(cm_engine *e, cm_policy *p, const char *ent, const char *reg,
                        const char *rule, double score, const char *const *parts)
{
    cm_result *r = explain(e, p, ent, reg);
    const cm_explain_item *it = item_of(r, 0, rule);
    char what[300];
    snprintf(what, sizeof what, "%s for %s / %s", rule, ent, reg);
    if (!close_to(it->score, score, 1e-9))
        fail_msg("%s: score %.17g, expected %.17g (reason: %s)", what, it->score, score,
                 it->reason);
    assert_int_equal(it->error, 0);
    assert_non_null(it->reason);
    for (size_t i = 0; parts && parts[i]; i++)
        expect_in(it->reason, parts[i], what);
    cm_result_free(r);
}

#define PARTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Great-circle distance by the spherical law of cosines (the engine uses the
 * haversine form; both agree far below a metre at these distances). */
static double km_cosines(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180;
    double c = sin(lat1 * rad) * sin(lat2 * rad) +
               cos(lat1 * rad) * cos(lat2 * rad) * cos((lon2 - lon1) * rad);
    return 6371.0088 * acos(c > 1 ? 1 : c);
}

static double location_km(cm_engine *e, const char *ent, const char *reg)
{
    size_t i = cm_engine_find(e, CM_KIND_ENTERPRISES, ent);
    size_t j = cm_engine_find(e, CM_KIND_REGIONS, reg);
    cm_value a, b, c, d;
    assert_int_equal(cm_profile_get(e, CM_KIND_ENTERPRISES, i, "location.lat", &a), CM_OK);
    assert_int_equal(cm_profile_get(e, CM_KIND_ENTERPRISES, i, "location.lon", &b), CM_OK);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, j, "location.lat", &c), CM_OK);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, j, "location.lon", &d), CM_OK);
    return km_cosines(a.num, b.num, c.num, d.num);
}

/* Every rule's contribution is weight * score / sum of weights (of its side),
 * and the contributions add up to the row's score (region-side rules: to its
 * region_score, which is the score when the policy has none). */
static void check_explanations(const cm_policy *p, const cm_result *r)
{
    double wsum[2] = { 0, 0 };
    assert_int_equal(cm_result_rule_count(r), cm_policy_rule_count(p));
    for (size_t row = 0; row < cm_result_count(r); row++) {
        const cm_match_row *rw = cm_result_row(r, row);
        double sum[2] = { 0, 0 }, weighted[2] = { 0, 0 };
        if (row == 0)
            for (size_t i = 0; i < cm_result_rule_count(r); i++) {
                const cm_explain_item *it = cm_result_explain(r, 0, i);
                assert_non_null(it);
                wsum[it->region_side != 0] += cm_policy_rule_weight(p, i);
            }
        for (size_t i = 0; i < cm_result_rule_count(r); i++) {
            const cm_explain_item *it = cm_result_explain(r, row, i);
            assert_non_null(it);
            int side = it->region_side != 0;
            assert_string_equal(it->rule, cm_policy_rule_name(p, i));
            assert_true(it->weight == cm_policy_rule_weight(p, i));
            assert_true(it->score >= 0 && it->score <= 1);
            assert_non_null(it->reason);
            if (!close_to(it->contribution, it->weight * it->score / wsum[side], 1e-12))
                fail_msg("%s / %s, rule %s: contribution %.17g, weight %g, score %.17g",
                         rw->enterprise, rw->region, it->rule, it->contribution, it->weight,
                         it->score);
            sum[side] += it->contribution;
            weighted[side] += it->weight * it->score;
        }
        if (!close_to(sum[0], rw->score, 1e-9) || !close_to(weighted[0] / wsum[0], rw->score, 1e-9))
            fail_msg("%s / %s: contributions add up to %.17g, the score is %.17g",
                     rw->enterprise, rw->region, sum[0], rw->score);
        double rs = wsum[1] > 0 ? sum[1] : rw->score;
        if (!close_to(rs, rw->region_score, 1e-9))
            fail_msg("%s / %s: region-side contributions add up to %.17g, region_score %.17g",
                     rw->enterprise, rw->region, rs, rw->region_score);
    }
}

static cm_result *run_match(cm_engine *e, cm_policy *p, cm_kind by, size_t top,
                            double min_score, int threads, int explain_it)
{
    cm_match_options o;
    cm_match_options_init(&o);
    o.by = by;
    o.top = top;
    o.min_score = min_score;
    o.threads = threads;
    o.explain = explain_it;
    cm_result *r = NULL;
    if (cm_match(e, p, &o, &r) != CM_OK)
        fail_msg("cm_match: %s", cm_engine_errmsg(e));
    assert_non_null(r);
    return r;
}

/* Index of the row for (ent, reg) in a result, or -1. */
static long find_row(const cm_result *r, const char *ent, const char *reg)
{
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *rw = cm_result_row(r, i);
        if (strcmp(rw->enterprise, ent) == 0 && strcmp(rw->region, reg) == 0)
            return (long)i;
    }
    return -1;
}

static const char *id_of(cm_engine *e, cm_kind k, size_t i)
{
    cm_value v;
    assert_int_equal(cm_profile_get(e, k, i, "id", &v), CM_OK);
    return v.str;
}

/* ---- loading ------------------------------------------------------------------- */

static void test_load_basic(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BASIC);
    assert_string_equal(cm_policy_name(p), "try");
    assert_string_equal(cm_policy_description(p), "a first policy");
    assert_string_equal(cm_policy_path(p), BASIC);
    assert_int_equal(cm_policy_top(p), 3);
    assert_true(cm_policy_min_score(p) == 0);
    char hex[65];
    assert_int_equal(cm_sha256_file(BASIC, hex), CM_OK);
    assert_string_equal(cm_policy_sha256(p), hex);

    static const char *const names[] = { "sector", "needs", "distance", "abaca", "size" };
    static const double weights[] = { 3, 2, 1, 1, 1 };
    assert_int_equal(cm_policy_rule_count(p), 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(cm_policy_rule_name(p, i), names[i]);
        assert_true(cm_policy_rule_weight(p, i) == weights[i]);
    }
    assert_null(cm_policy_rule_name(p, 5));
    assert_int_equal(cm_policy_has_region_view(p), 0);
    assert_true(cm_policy_rule_weight(p, 5) == 0);

    /* the filters show in an explanation, in declared order */
    cm_result *r = explain(e, p, "cn-xian-textile-machinery", "ph-catanduanes");
    assert_int_equal(cm_result_filter_count(r), 2);
    assert_string_equal(cm_result_filter(r, 0)->filter, "target country");
    assert_string_equal(cm_result_filter(r, 1)->filter, "not home");
    assert_int_equal(cm_result_filter(r, 0)->pass, 1);
    assert_int_equal(cm_result_filter(r, 1)->pass, 1);
    assert_int_equal(cm_result_row(r, 0)->vetoed, 0);
    assert_string_equal(item_of(r, 0, "sector")->group, "fit");
    assert_null(item_of(r, 0, "needs")->group);
    cm_result_free(r);

    /* a filter vetoes: CN is not among PH, VN, KH; every filter is still reported */
    r = explain(e, p, "cn-xian-textile-machinery", "cn-yunnan");
    assert_int_equal(cm_result_row(r, 0)->vetoed, 1);
    assert_int_equal(cm_result_filter(r, 0)->pass, 0);
    expect_in(cm_result_filter(r, 0)->reason, "CN", "target country reason");
    assert_int_equal(cm_result_filter(r, 1)->pass, 1);
    assert_string_equal(cm_result_filter(r, 1)->reason, "home");
    cm_result_free(r);

    /* derived value: 150 employees is not "big", so the Lua rule says so */
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "size", 0.5,
                PARTS("small or medium"));
    expect_rule(e, p, "cn-qingdao-spinning-equipment", "vn-ben-tre", "size", 0.2,
                PARTS("large enterprise"));

    /* unknown ids */
    cm_result *none = (cm_result *)1;
    assert_int_equal(cm_explain_pair(e, p, "no-such-firm", "sg", &none), CM_ENOTFOUND);
    expect_in(cm_engine_errmsg(e), "no-such-firm", "explain of an unknown enterprise");
    assert_int_equal(cm_explain_pair(e, p, "cn-xian-textile-machinery", "atlantis", &none),
                     CM_ENOTFOUND);
    expect_in(cm_engine_errmsg(e), "atlantis", "explain of an unknown region");
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_missing_file(void **state)
{
    (void)state;
    cm_engine *e = examples();
    char *m = policy_fails(e, "tests/policies/unit_no_such_file.lua", NULL);
    expect_in(m, "tests/policies/unit_no_such_file.lua", "missing policy");
    free(m);
    assert_null(cm_policy_load(e, NULL, NULL));
    assert_null(cm_policy_load(NULL, BASIC, NULL));
    cm_engine_free(e);
}

/* ---- parameters and --set ---------------------------------------------------------- */

static size_t param_index(const cm_policy *p, const char *name)
{
    for (size_t i = 0; i < cm_policy_param_count(p); i++)
        if (strcmp(cm_policy_param_name(p, i), name) == 0)
            return i;
    fail_msg("no parameter %s", name);
    return 0;
}

static void test_params(void **state)
{
    (void)state;
    cm_engine *e = examples();
    char buf[64];
    cm_policy *p = policy(e, BASIC);
    assert_int_equal(cm_policy_param_count(p), 2);
    size_t radius = param_index(p, "radius_km"), bonus = param_index(p, "sme_bonus");
    assert_string_equal(cm_policy_param_value(p, radius, buf, sizeof buf), "3000");
    assert_string_equal(cm_policy_param_value(p, bonus, buf, sizeof buf), "0.5");
    assert_int_equal(cm_policy_param_is_set(p, radius), 0);
    assert_int_equal(cm_policy_param_is_set(p, bonus), 0);
    assert_null(cm_policy_param_name(p, 2));
    assert_null(cm_policy_param_value(p, 2, buf, sizeof buf));
    cm_policy_free(p);

    /* --set changes the value the rules see */
    const char *const set[] = { "radius_km=1000", "sme_bonus=0.9", NULL };
    p = policy_set(e, BASIC, set);
    radius = param_index(p, "radius_km");
    bonus = param_index(p, "sme_bonus");
    assert_string_equal(cm_policy_param_value(p, radius, buf, sizeof buf), "1000");
    assert_true(strtod(cm_policy_param_value(p, bonus, buf, sizeof buf), NULL) == 0.9);
    assert_int_equal(cm_policy_param_is_set(p, radius), 1);
    assert_int_equal(cm_policy_param_is_set(p, bonus), 1);
    /* Xi'an - Catanduanes is about 2763 km: beyond 1000 km the distance scores 0 */
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "distance", 0,
                PARTS("2763 km", "1000 km"));
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "size", 0.9, NULL);
    cm_policy_free(p);

    /* only one of them set */
    const char *const one[] = { "sme_bonus=1", NULL };
    p = policy_set(e, BASIC, one);
    assert_int_equal(cm_policy_param_is_set(p, param_index(p, "radius_km")), 0);
    assert_int_equal(cm_policy_param_is_set(p, param_index(p, "sme_bonus")), 1);
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "size", 1, NULL);
    cm_policy_free(p);

    /* a value of the wrong type */
    const char *const wrong[] = { "radius_km=far", NULL };
    char *m = policy_fails(e, BASIC, wrong);
    expect_prefix(m, BASIC ":");              /* FILE:LINE of the params { } call */
    assert_true(m[strlen(BASIC ":")] >= '1' && m[strlen(BASIC ":")] <= '9');
    expect_in(m, "radius_km=far", "--set of the wrong type");
    expect_in(m, "expected a number", "--set of the wrong type");
    free(m);
    const char *const wrong_bool[] = { "radius_km=true", NULL };
    m = policy_fails(e, BASIC, wrong_bool);
    expect_in(m, "expected a number", "--set of a boolean for a number");
    free(m);

    /* an unknown name: the message names the declared ones */
    const char *const unknown[] = { "radius=5", NULL };
    m = policy_fails(e, BASIC, unknown);
    expect_in(m, "radius", "--set of an unknown name");
    expect_in(m, BASIC, "--set of an unknown name");
    expect_in(m, "has no parameter 'radius'", "--set of an unknown name");
    expect_in(m, "radius_km", "--set of an unknown name");
    expect_in(m, "sme_bonus", "--set of an unknown name");
    free(m);

    /* not name=value; the same name twice */
    const char *const bare[] = { "radius_km", NULL };
    m = policy_fails(e, BASIC, bare);
    expect_in(m, "name=value", "--set without =");
    free(m);
    const char *const twice[] = { "radius_km=1", "radius_km=2", NULL };
    m = policy_fails(e, BASIC, twice);
    expect_in(m, "twice", "--set twice");
    free(m);
    cm_engine_free(e);
}

/* The text of a value is what was given, or the shortest that reads back the
 * same ("0.9", not "0.90000000000000002"): it is printed as provenance
 * ("--set sme_bonus=0.9") by the command. */
static void test_param_value_text(void **state)
{
    (void)state;
    cm_engine *e = examples();
    char buf[64];
    const char *const set[] = { "sme_bonus=0.9", "radius_km=2500.5", NULL };
    cm_policy *p = policy_set(e, BASIC, set);
    assert_string_equal(cm_policy_param_value(p, param_index(p, "sme_bonus"), buf, sizeof buf),
                        "0.9");
    assert_string_equal(cm_policy_param_value(p, param_index(p, "radius_km"), buf, sizeof buf),
                        "2500.5");
    cm_policy_free(p);
    cm_engine_free(e);
}

/* The parameters are listed in name order ("so that output does not depend on
 * pairs()", policy.c), whatever order Lua's hash (seeded per state) gives. */
static void test_params_in_name_order(void **state)
{
    (void)state;
    cm_engine *e = examples();
    for (int round = 0; round < 24; round++) {
        cm_policy *p = policy(e, BASIC);
        assert_int_equal(cm_policy_param_count(p), 2);
        if (strcmp(cm_policy_param_name(p, 0), "radius_km") != 0)
            fail_msg("load %d: parameters in the order %s, %s, expected radius_km, sme_bonus",
                     round, cm_policy_param_name(p, 0), cm_policy_param_name(p, 1));
        cm_policy_free(p);
        /* the message of an unknown --set lists them in that order too */
        const char *const unknown[] = { "nosuch=1", NULL };
        char *m = policy_fails(e, BASIC, unknown);
        if (strstr(m, "(it has: radius_km, sme_bonus)") == NULL)
            fail_msg("load %d: %s", round, m);
        free(m);
    }
    cm_engine_free(e);
}

/* ---- built-in scorers, pairs checked by hand ---------------------------------------- */

static void test_isic_fit(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BUILTINS);
    /* 2826 is among Catanduanes' sought codes: the same class */
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "isic", 1.0,
                PARTS("2826", cm_isic_title("2826")));
    /* 4210 lies within division 42, sought by Vientiane */
    expect_rule(e, p, "cn-south-sea-road-bridge", "la-vientiane-capital", "isic", 1.0,
                PARTS("4210", cm_isic_title("42")));
    /* 0116 and 0113 (sought by Yunnan): group 011 */
    expect_rule(e, p, "ph-virac-abaca-growers", "cn-yunnan", "isic", 0.75,
                PARTS("0116", "0113", "group", "011"));
    /* 3011 and 3030 (sought by Rayong): division 30; 3315 shares only section C */
    expect_rule(e, p, "cn-tianjin-shipyard", "th-rayong", "isic", 0.5,
                PARTS("3011", "3030", "division", "30"));
    /* 2826 and 2720 (Hai Phong): both manufacturing, section C */
    expect_rule(e, p, "cn-xian-textile-machinery", "vn-hai-phong", "isic", 0.25,
                PARTS("2826", "2720", "section", "C"));
    /* 2826, 2829 against 0113, 0129, 7911: nothing in common */
    expect_rule(e, p, "cn-xian-textile-machinery", "cn-yunnan", "isic", 0, PARTS("sectors"));
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_overlap(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BUILTINS);
    /* offers {equipment, technology, skills}; Catanduanes needs {equipment,
     * technology, capital, market_access, skills}: 3 of 5; union 5 */
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "cover", 3.0 / 5,
                PARTS("3 of 5", "equipment", "technology", "skills"));
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "jaccard", 3.0 / 5,
                PARTS("3 of 5"));
    /* Ben Tre needs {technology, capital, equipment, logistics}: 2 of 4, union 5 */
    expect_rule(e, p, "cn-xian-textile-machinery", "vn-ben-tre", "cover", 2.0 / 4,
                PARTS("2 of 4", "equipment", "technology"));
    expect_rule(e, p, "cn-xian-textile-machinery", "vn-ben-tre", "jaccard", 2.0 / 5,
                PARTS("2 of 5"));
    /* Tianjin needs {raw_materials, market_access, partners}: nothing (the
     * example profiles were reviewed in issue 18: Singapore's needs are no
     * longer the land, labour and raw materials no partner could bring) */
    expect_rule(e, p, "cn-xian-textile-machinery", "cn-tianjin", "cover", 0, PARTS("nothing"));
    expect_rule(e, p, "cn-xian-textile-machinery", "cn-tianjin", "jaccard", 0, NULL);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_distance(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BUILTINS);
    /* (34.34, 108.94) to (13.71, 124.24): 2762.70 km */
    double d = location_km(e, "cn-xian-textile-machinery", "ph-catanduanes");
    assert_true(d > 2762.6 && d < 2762.8);
    expect_rule(e, p, "cn-xian-textile-machinery", "ph-catanduanes", "near", 1 - d / 3000,
                PARTS("2763 km", "3000 km"));
    /* Xi'an to Xi'an's province: 7.84 km */
    d = location_km(e, "cn-xian-textile-machinery", "cn-shaanxi");
    assert_true(d > 7.8 && d < 7.9);
    expect_rule(e, p, "cn-xian-textile-machinery", "cn-shaanxi", "near", 1 - d / 3000,
                PARTS("8 km"));
    /* Xi'an to Singapore: 3712.85 km, beyond the scale */
    d = location_km(e, "cn-xian-textile-machinery", "sg");
    assert_true(d > 3712.8 && d < 3712.9);
    expect_rule(e, p, "cn-xian-textile-machinery", "sg", "near", 0, PARTS("3713 km"));
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_range(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BUILTINS);
    const char *any = "sg";   /* the region does not matter for these */
    /* band 50..250 employees, tolerance 10 (default) or 2 */
    expect_rule(e, p, "cn-xian-textile-machinery", any, "staff", 1,
                PARTS("150", "within", "50..250"));
    expect_rule(e, p, "cn-xian-textile-machinery", any, "staff_tight", 1, NULL);
    /* 620 is 2.48 times the top: 1 - log(2.48) / log(10) = 0.6055 */
    expect_rule(e, p, "cn-qingdao-spinning-equipment", any, "staff", 1 - log(2.48) / log(10),
                PARTS("620", "above", "2.48x"));
    expect_rule(e, p, "cn-qingdao-spinning-equipment", any, "staff_tight", 0,
                PARTS("above"));
    /* 6 is 50/6 = 8.33 times below: 1 - log(8.333) / log(10) = 0.0792 */
    expect_rule(e, p, "cn-sanya-fishery-coop", any, "staff", 1 - log(50.0 / 6) / log(10),
                PARTS("below", "8.33x"));
    expect_rule(e, p, "cn-sanya-fishery-coop", any, "staff_tight", 0, NULL);
    /* no employees */
    expect_rule(e, p, "cn-hainan-tropical-agri", any, "staff", 0, PARTS("no employees"));

    /* money: investment 1.5m..5m USD overlaps 1m..5m USD */
    expect_rule(e, p, "cn-qingdao-spinning-equipment", any, "invest", 1,
                PARTS("within", "USD"));
    /* 40m..200m USD: the low end is 8 times the top: 1 - log(8) / log(10) = 0.0969 */
    expect_rule(e, p, "cn-shaanxi-heavy-truck", any, "invest", 1 - log(8) / log(10),
                PARTS("above", "8x"));
    /* 2m..6m CNY, converted with the engine's rates: below 1m USD */
    double hi;
    assert_int_equal(cm_engine_convert(e, 6e6, "CNY", "USD", &hi), CM_OK);
    assert_true(hi < 1e6 && hi > 5e5);
    expect_rule(e, p, "cn-xian-textile-machinery", any, "invest", 1 - log(1e6 / hi) / log(10),
                PARTS("below", "USD"));
    /* no investment at all */
    expect_rule(e, p, "ph-bicol-fibercraft", any, "invest", 0, PARTS("no investment"));
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_member_equals_regex(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BUILTINS);
    const char *xian = "cn-xian-textile-machinery";   /* targets PH, VN, KH */
    expect_rule(e, p, xian, "ph-catanduanes", "target", 1, PARTS("PH"));
    expect_rule(e, p, xian, "ph-catanduanes", "target_strict", 1, PARTS("PH"));
    expect_rule(e, p, xian, "cn-yunnan", "target", 0, PARTS("CN", "PH, VN, KH"));
    expect_rule(e, p, xian, "cn-yunnan", "target_strict", 0, NULL);
    /* no target countries: empty = "pass" accepts, the default refuses */
    expect_rule(e, p, "cn-sanya-fishery-coop", "cn-yunnan", "target", 1,
                PARTS("target_countries"));
    expect_rule(e, p, "cn-sanya-fishery-coop", "cn-yunnan", "target_strict", 0,
                PARTS("target_countries"));

    /* equals: two fields, a string constant, a number constant */
    expect_rule(e, p, xian, "cn-shaanxi", "same_country", 1, PARTS("CN"));
    expect_rule(e, p, xian, "ph-catanduanes", "same_country", 0, PARTS("CN", "not PH"));
    expect_rule(e, p, xian, "ph-catanduanes", "province", 1, PARTS("province"));
    expect_rule(e, p, xian, "sg", "province", 0, PARTS("country", "not province"));
    expect_rule(e, p, xian, "sg", "staff150", 1, PARTS("150"));
    expect_rule(e, p, "cn-qingdao-spinning-equipment", "sg", "staff150", 0,
                PARTS("620", "not 150"));

    /* regex: "Builds decorticating machines and fibre ..." matches first at decorticat */
    expect_rule(e, p, xian, "sg", "abaca", 1, PARTS("\"decorticat\""));
    expect_rule(e, p, "cn-qingdao-spinning-equipment", "sg", "abaca", 0,
                PARTS("does not match"));
    expect_rule(e, p, xian, "ph-catanduanes", "cat", 1, PARTS("\"Cat\""));
    expect_rule(e, p, xian, "sg", "cat", 0, PARTS("does not match"));
    /* and the Lua rule */
    expect_rule(e, p, xian, "sg", "lua", 0.25, PARTS("quarter"));
    cm_policy_free(p);
    cm_engine_free(e);
}

/* Built-ins over derived values, attributes and a region number; a built-in
 * filter with a threshold. */
static void test_derived_and_attrs(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, DERIVED);
    const char *xian = "cn-xian-textile-machinery";   /* 150 employees */
    expect_rule(e, p, xian, "ph-catanduanes", "bigeq", 0, PARTS("false"));
    expect_rule(e, p, "cn-qingdao-spinning-equipment", "ph-catanduanes", "bigeq", 1,
                PARTS("true"));
    expect_rule(e, p, xian, "ph-catanduanes", "staffrange", 1, PARTS("150", "within"));
    expect_rule(e, p, "cn-qingdao-spinning-equipment", "ph-catanduanes", "staffrange",
                1 - log(620.0 / 250) / log(10), PARTS("620", "above"));
    expect_rule(e, p, "cn-hainan-tropical-agri", "ph-catanduanes", "staffrange", 0, NULL);
    /* derived "PH-x" for Catanduanes, "VN-x" for Ben Tre */
    expect_rule(e, p, xian, "ph-catanduanes", "tagre", 1, PARTS("\"PH-x\""));
    expect_rule(e, p, xian, "vn-ben-tre", "tagre", 0, NULL);
    /* capacity 4 against 5..8: 5/4 = 1.25 times below; Vientiane's 5 is inside */
    expect_rule(e, p, xian, "ph-catanduanes", "cap", 1 - log(1.25) / log(10),
                PARTS("4", "below", "1.25x"));
    expect_rule(e, p, xian, "la-vientiane-capital", "cap", 1, PARTS("within"));
    /* attributes: typhoon_belt true; population 271879 against 1m..2m */
    expect_rule(e, p, xian, "ph-catanduanes", "attr", 1, PARTS("typhoon_belt"));
    expect_rule(e, p, xian, "vn-ben-tre", "attr", 0, PARTS("typhoon_belt"));
    expect_rule(e, p, xian, "ph-catanduanes", "attrnum", 1 - log(1e6 / 271879) / log(10),
                PARTS("below"));
    expect_rule(e, p, xian, "la-vientiane-capital", "attrnum", 1, PARTS("within"));
    /* the filter passes at 0.5 or more: the same class passes, section C alone does not */
    cm_result *r = explain(e, p, xian, "ph-catanduanes");
    assert_int_equal(cm_result_row(r, 0)->vetoed, 0);
    assert_int_equal(cm_result_filter(r, 0)->pass, 1);
    cm_result_free(r);
    r = explain(e, p, xian, "la-vientiane-capital");   /* 2826 vs 2395: 0.25 */
    assert_int_equal(cm_result_row(r, 0)->vetoed, 1);
    assert_int_equal(cm_result_filter(r, 0)->pass, 0);
    expect_in(cm_result_filter(r, 0)->reason, "section", "filter reason");
    cm_result_free(r);
    cm_result *full = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0, 2, 1);
    assert_int_equal(find_row(full, xian, "la-vientiane-capital"), -1);
    assert_true(find_row(full, xian, "ph-catanduanes") >= 0);
    check_explanations(p, full);
    cm_result_free(full);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* Profiles loaded after the policy get their derived values too. */
static void test_derived_after_more_profiles(void **state)
{
    (void)state;
    static const char late[] =
        "{\"enterprises\": [{\"id\": \"zz-late-big\", \"name\": \"Late Big\", "
        "\"country\": \"CN\", \"location\": {\"lat\": 34.3, \"lon\": 108.9}, "
        "\"sector\": \"2826\", \"employees\": 1000, \"offers\": [\"equipment\"], "
        "\"target_countries\": [\"PH\"], \"description\": \"late\"}]}";
    cm_engine *e = examples();
    cm_policy *p = policy(e, BASIC);
    cm_result *r = run_match(e, p, CM_KIND_ENTERPRISES, 0, -1, 2, 0);
    cm_result_free(r);
    assert_int_equal(cm_engine_load_buffer(e, "late.json", late, strlen(late), NULL, NULL),
                     CM_OK);
    /* 1000 employees: "big", so the Lua rule gives 0.2 */
    expect_rule(e, p, "zz-late-big", "ph-catanduanes", "size", 0.2, PARTS("large enterprise"));
    r = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0, 3, 1);
    long at = find_row(r, "zz-late-big", "ph-catanduanes");
    assert_true(at >= 0);
    assert_true(item_of(r, (size_t)at, "size")->score == 0.2);
    check_explanations(p, r);
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* One pair with every rule worked out: the total is the weighted mean. */
static void test_pair_total(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BUILTINS);
    double d = location_km(e, "cn-xian-textile-machinery", "ph-catanduanes"), hi;
    assert_int_equal(cm_engine_convert(e, 6e6, "CNY", "USD", &hi), CM_OK);
    /* isic, cover, jaccard, near, staff, staff_tight, invest, target, target_strict,
     * same_country, province, staff150, abaca, cat (weight 1 each), lua (weight 4) */
    double sum = 1 + 0.6 + 0.6 + (1 - d / 3000) + 1 + 1 + (1 - log(1e6 / hi) / log(10)) + 1 +
                 1 + 0 + 1 + 1 + 1 + 1 + 4 * 0.25;
    cm_result *r = explain(e, p, "cn-xian-textile-machinery", "ph-catanduanes");
    if (!close_to(cm_result_row(r, 0)->score, sum / 18, 1e-9))
        fail_msg("score %.17g, expected %.17g", cm_result_row(r, 0)->score, sum / 18);
    assert_int_equal(cm_result_row(r, 0)->vetoed, 0);
    assert_int_equal(cm_result_filter_count(r), 0);
    assert_string_equal(item_of(r, 0, "lua")->group, "custom");
    assert_true(close_to(item_of(r, 0, "lua")->contribution, 1.0 / 18, 1e-12));
    check_explanations(p, r);
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* ---- matching ---------------------------------------------------------------------- */

/* Every row of a full match with explanations adds up, for both policies. */
static void test_contributions_add_up(void **state)
{
    (void)state;
    cm_engine *e = examples();
    const char *const files[] = { BASIC, BUILTINS };
    for (size_t f = 0; f < 2; f++) {
        cm_policy *p = policy(e, files[f]);
        cm_result *r = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0, 3, 1);
        assert_true(cm_result_count(r) > 100);
        check_explanations(p, r);
        cm_result_free(r);
        r = run_match(e, p, CM_KIND_REGIONS, 57, 0, 2, 1);
        check_explanations(p, r);
        cm_result_free(r);
        cm_policy_free(p);
    }
    cm_engine_free(e);
}

/* Every pair of the full match (no explanations: the fast paths) scores what
 * cm_explain_pair says, and the pairs it vetoes are the ones missing. */
static void test_match_agrees_with_explain(void **state)
{
    (void)state;
    cm_engine *e = examples();
    const char *const files[] = { BASIC, BUILTINS };
    for (size_t f = 0; f < 2; f++) {
        cm_policy *p = policy(e, files[f]);
        cm_result *full = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0, 4, 0);
        assert_null(cm_result_explain(full, 0, 0));
        size_t vetoed = 0, rows = 0;
        for (size_t i = 0; i < 57; i++)
            for (size_t j = 0; j < 18; j++) {
                const char *ent = id_of(e, CM_KIND_ENTERPRISES, i);
                const char *reg = id_of(e, CM_KIND_REGIONS, j);
                cm_result *x = explain(e, p, ent, reg);
                const cm_match_row *xr = cm_result_row(x, 0);
                long at = find_row(full, ent, reg);
                if (xr->vetoed) {
                    vetoed++;
                    if (at >= 0)
                        fail_msg("%s / %s: vetoed, yet in the match", ent, reg);
                } else {
                    rows++;
                    if (at < 0)
                        fail_msg("%s / %s: passes the filters, not in the match", ent, reg);
                    if (!close_to(cm_result_row(full, (size_t)at)->score, xr->score, 1e-12))
                        fail_msg("%s / %s: match %.17g, explain %.17g", ent, reg,
                                 cm_result_row(full, (size_t)at)->score, xr->score);
                }
                cm_result_free(x);
            }
        size_t v;
        assert_int_equal(cm_result_pairs(full, &v), 57 * 18);
        assert_int_equal(v, vetoed);
        assert_int_equal(cm_result_count(full), rows);
        cm_result_free(full);
        cm_policy_free(p);
    }
    cm_engine_free(e);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Equal scores rank by id, on both sides. */
static void test_ties_broken_by_id(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, TIES);
    assert_true(cm_policy_min_score(p) == 0.5);   /* a score equal to it is kept */
    const char *rid[18], *eid[57];
    for (size_t i = 0; i < 18; i++)
        rid[i] = id_of(e, CM_KIND_REGIONS, i);
    for (size_t i = 0; i < 57; i++)
        eid[i] = id_of(e, CM_KIND_ENTERPRISES, i);
    qsort(rid, 18, sizeof *rid, cmp_str);
    qsort(eid, 57, sizeof *eid, cmp_str);
    /* by hand: the first ids in byte order */
    assert_string_equal(rid[0], "cn-guangxi");
    assert_string_equal(rid[1], "cn-hainan");
    assert_string_equal(rid[2], "cn-nanjing");
    assert_string_equal(eid[0], "bn-muara-halal-foods");

    for (int threads = 1; threads <= 4; threads += 3) {
        cm_result *r = run_match(e, p, CM_KIND_ENTERPRISES, 0, -1, threads, 0);
        assert_int_equal(cm_result_count(r), 57 * 3);
        for (size_t i = 0; i < cm_result_count(r); i++) {
            const cm_match_row *rw = cm_result_row(r, i);
            assert_string_equal(rw->enterprise, id_of(e, CM_KIND_ENTERPRISES, i / 3));
            assert_string_equal(rw->region, rid[i % 3]);
            assert_int_equal(rw->rank, i % 3 + 1);
            assert_true(rw->score == 0.5);
        }
        cm_result_free(r);
        r = run_match(e, p, CM_KIND_REGIONS, 5, -1, threads, 0);
        assert_int_equal(cm_result_count(r), 18 * 5);
        for (size_t i = 0; i < cm_result_count(r); i++) {
            const cm_match_row *rw = cm_result_row(r, i);
            assert_string_equal(rw->region, id_of(e, CM_KIND_REGIONS, i / 5));
            assert_string_equal(rw->enterprise, eid[i % 5]);
            assert_int_equal(rw->rank, i % 5 + 1);
        }
        cm_result_free(r);
    }
    /* a minimum above every score leaves nothing, and that is not an error */
    cm_result *r = run_match(e, p, CM_KIND_ENTERPRISES, 0, 0.6, 2, 0);
    assert_int_equal(cm_result_count(r), 0);
    size_t v;
    assert_int_equal(cm_result_pairs(r, &v), 57 * 18);
    assert_int_equal(v, 0);
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* Rows of one outer profile in a result: [*from, *to). */
static void rows_of(const cm_result *r, int by_region, const char *id, size_t *from, size_t *to)
{
    size_t n = cm_result_count(r), i = 0;
    while (i < n && strcmp(by_region ? cm_result_row(r, i)->region
                                     : cm_result_row(r, i)->enterprise, id) != 0)
        i++;
    *from = i;
    while (i < n && strcmp(by_region ? cm_result_row(r, i)->region
                                     : cm_result_row(r, i)->enterprise, id) == 0)
        i++;
    *to = i;
}

static void check_order(cm_engine *e, const cm_result *r, int by_region)
{
    cm_kind outer = by_region ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
    long last_outer = -1;
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *rw = cm_result_row(r, i);
        const char *o = by_region ? rw->region : rw->enterprise;
        long oi = (long)cm_engine_find(e, outer, o);
        assert_true(oi >= last_outer);     /* outer profiles in load order */
        if (oi != last_outer) {
            assert_int_equal(rw->rank, 1);
            last_outer = oi;
            continue;
        }
        const cm_match_row *prev = cm_result_row(r, i - 1);
        /* regions rank enterprises by their own view (the score without one) */
        double ps = by_region ? prev->region_score : prev->score;
        double rs = by_region ? rw->region_score : rw->score;
        assert_int_equal(rw->rank, prev->rank + 1);
        assert_true(ps >= rs);
        if (ps == rs)
            assert_true(strcmp(by_region ? prev->enterprise : prev->region,
                               by_region ? rw->enterprise : rw->region) < 0);
    }
}

static void test_top_and_min_score(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BASIC);
    cm_result *full = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0, 2, 0);
    check_order(e, full, 0);
    /* the policy's own top (3) */
    cm_result *dflt = run_match(e, p, CM_KIND_ENTERPRISES, 0, -1, 2, 0);
    cm_result *top2 = run_match(e, p, CM_KIND_ENTERPRISES, 2, -1, 2, 0);
    cm_result *min4 = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0.4, 2, 0);
    size_t n3 = 0, n2 = 0, n4 = 0;
    for (size_t i = 0; i < 57; i++) {
        const char *id = id_of(e, CM_KIND_ENTERPRISES, i);
        size_t a, b, c, d, f, g, h, k;
        rows_of(full, 0, id, &a, &b);
        rows_of(dflt, 0, id, &c, &d);
        rows_of(top2, 0, id, &f, &g);
        rows_of(min4, 0, id, &h, &k);
        size_t n = b - a;
        assert_int_equal(d - c, n < 3 ? n : 3);
        assert_int_equal(g - f, n < 2 ? n : 2);
        for (size_t j = 0; j < d - c; j++) {
            assert_string_equal(cm_result_row(dflt, c + j)->region, cm_result_row(full, a + j)->region);
            assert_true(cm_result_row(dflt, c + j)->score == cm_result_row(full, a + j)->score);
        }
        for (size_t j = 0; j < g - f; j++)
            assert_string_equal(cm_result_row(top2, f + j)->region, cm_result_row(full, a + j)->region);
        size_t above = 0;
        while (a + above < b && cm_result_row(full, a + above)->score >= 0.4)
            above++;
        assert_int_equal(k - h, above);
        for (size_t j = 0; j < k - h; j++) {
            assert_string_equal(cm_result_row(min4, h + j)->region, cm_result_row(full, a + j)->region);
            assert_true(cm_result_row(min4, h + j)->score >= 0.4);
        }
        n3 += d - c;
        n2 += g - f;
        n4 += k - h;
    }
    assert_int_equal(cm_result_count(dflt), n3);
    assert_int_equal(cm_result_count(top2), n2);
    assert_int_equal(cm_result_count(min4), n4);
    assert_true(n4 > 0 && n4 < cm_result_count(full));
    cm_result_free(full);
    cm_result_free(dflt);
    cm_result_free(top2);
    cm_result_free(min4);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_by_region(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BASIC);
    cm_result *ent = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0, 2, 0);
    cm_result *reg = run_match(e, p, CM_KIND_REGIONS, 57, 0, 3, 1);
    check_order(e, reg, 1);
    /* the same pairs with the same scores, grouped the other way */
    assert_int_equal(cm_result_count(reg), cm_result_count(ent));
    for (size_t i = 0; i < cm_result_count(reg); i++) {
        const cm_match_row *rw = cm_result_row(reg, i);
        long at = find_row(ent, rw->enterprise, rw->region);
        assert_true(at >= 0);
        assert_true(cm_result_row(ent, (size_t)at)->score == rw->score);
    }
    /* top 2 by region: the first two of each region's list */
    cm_result *two = run_match(e, p, CM_KIND_REGIONS, 2, -1, 1, 0);
    for (size_t i = 0; i < 18; i++) {
        const char *id = id_of(e, CM_KIND_REGIONS, i);
        size_t a, b, c, d;
        rows_of(reg, 1, id, &a, &b);
        rows_of(two, 1, id, &c, &d);
        assert_int_equal(d - c, b - a < 2 ? b - a : 2);
        for (size_t j = 0; j < d - c; j++)
            assert_string_equal(cm_result_row(two, c + j)->enterprise,
                                cm_result_row(reg, a + j)->enterprise);
    }
    cm_result_free(two);
    cm_result_free(ent);
    cm_result_free(reg);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void same_rows(const cm_result *a, size_t from, const cm_result *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cm_match_row *x = cm_result_row(a, from + i), *y = cm_result_row(b, i);
        assert_string_equal(x->enterprise, y->enterprise);
        assert_string_equal(x->region, y->region);
        assert_true(x->score == y->score);
        assert_int_equal(x->rank, y->rank);
        for (size_t k = 0; k < cm_result_rule_count(a); k++) {
            const cm_explain_item *s = cm_result_explain(a, from + i, k);
            const cm_explain_item *t = cm_result_explain(b, i, k);
            assert_string_equal(s->rule, t->rule);
            assert_true(s->score == t->score && s->contribution == t->contribution);
            assert_string_equal(s->reason, t->reason);
        }
    }
}

static void test_match_one(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BASIC);
    cm_result *full = run_match(e, p, CM_KIND_ENTERPRISES, 18, 0, 2, 1);
    cm_result *byreg = run_match(e, p, CM_KIND_REGIONS, 57, 0, 2, 1);
    cm_match_options o;
    cm_match_options_init(&o);
    o.explain = 1;
    o.top = 18;
    o.min_score = 0;
    o.threads = 4;   /* ignored: one profile */
    static const char *const ents[] = { "cn-xian-textile-machinery", "ph-virac-abaca-growers",
                                        "bn-muara-halal-foods" };
    for (size_t n = 0; n < 3; n++) {
        cm_result *one = NULL;
        assert_int_equal(cm_match_one(e, p, CM_KIND_ENTERPRISES, ents[n], &o, &one), CM_OK);
        size_t a, b;
        rows_of(full, 0, ents[n], &a, &b);
        assert_int_equal(cm_result_count(one), b - a);
        same_rows(full, a, one, b - a);
        assert_int_equal(cm_result_pairs(one, NULL), 18);
        cm_result_free(one);
    }
    o.top = 57;
    cm_result *one = NULL;
    assert_int_equal(cm_match_one(e, p, CM_KIND_REGIONS, "ph-catanduanes", &o, &one), CM_OK);
    size_t a, b;
    rows_of(byreg, 1, "ph-catanduanes", &a, &b);
    assert_true(b > a);
    assert_int_equal(cm_result_count(one), b - a);
    same_rows(byreg, a, one, b - a);
    cm_result_free(one);
    /* the policy's top when none is given */
    cm_match_options_init(&o);
    assert_int_equal(cm_match_one(e, p, CM_KIND_ENTERPRISES, ents[0], &o, &one), CM_OK);
    assert_int_equal(cm_result_count(one), 3);
    assert_null(cm_result_explain(one, 0, 0));
    cm_result_free(one);
    /* unknown id */
    one = NULL;
    assert_int_equal(cm_match_one(e, p, CM_KIND_ENTERPRISES, "sg", &o, &one), CM_ENOTFOUND);
    expect_in(cm_engine_errmsg(e), "\"sg\"", "match_one of an unknown id");
    assert_null(one);
    cm_result_free(full);
    cm_result_free(byreg);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_shards_cover_everything(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, BASIC);
    cm_result *full = run_match(e, p, CM_KIND_ENTERPRISES, 0, -1, 2, 0);
    size_t total = 0;
    for (unsigned s = 0; s < 3; s++) {
        cm_match_options o;
        cm_match_options_init(&o);
        o.shard_index = s;
        o.shard_count = 3;
        cm_result *r = NULL;
        assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
        for (size_t i = 0; i < cm_result_count(r); i++) {
            const cm_match_row *rw = cm_result_row(r, i);
            assert_int_equal(cm_engine_find(e, CM_KIND_ENTERPRISES, rw->enterprise) % 3, s);
            long at = find_row(full, rw->enterprise, rw->region);
            assert_true(at >= 0);
            assert_true(cm_result_row(full, (size_t)at)->score == rw->score);
            assert_int_equal(cm_result_row(full, (size_t)at)->rank, rw->rank);
        }
        total += cm_result_count(r);
        cm_result_free(r);
    }
    assert_int_equal(total, cm_result_count(full));
    cm_match_options o;
    cm_match_options_init(&o);
    o.shard_index = 3;
    o.shard_count = 3;
    cm_result *r = NULL;
    assert_int_equal(cm_match(e, p, &o, &r), CM_EUSAGE);
    cm_result_free(full);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* ---- rule errors ----------------------------------------------------------------------- */

static void test_on_error_skip(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, ERRORS);
    cm_match_options o;
    cm_match_options_init(&o);
    o.on_error = CM_ON_ERROR_SKIP;
    o.explain = 1;
    o.threads = 3;
    cm_result *r = NULL;
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
    /* the rule fails once per enterprise, with Singapore */
    assert_int_equal(cm_result_error_count(r), 57);
    expect_in(cm_result_error(r, 0), ERRORS ":4: rule 'fragile'", "first error");
    expect_in(cm_result_error(r, 0), "\"cn-xian-textile-machinery\"", "first error");
    expect_in(cm_result_error(r, 0), "\"sg\"", "first error");
    expect_in(cm_result_error(r, 0), "no data for sg", "first error");
    assert_non_null(cm_result_error(r, 19));
    assert_null(cm_result_error(r, 20));     /* the first 20 are kept */
    assert_int_equal(cm_result_count(r), 57 * 18);
    size_t sg_rows = 0;
    for (size_t i = 0; i < cm_result_count(r); i++) {
        const cm_match_row *rw = cm_result_row(r, i);
        const cm_explain_item *need = item_of(r, i, "need"), *fr = item_of(r, i, "fragile");
        assert_int_equal(need->error, 0);
        if (strcmp(rw->region, "sg") == 0) {
            sg_rows++;
            assert_int_equal(fr->error, 1);
            assert_true(fr->score == 0 && fr->contribution == 0);
            expect_prefix(fr->reason, "error: ");
            expect_in(fr->reason, "no data for sg", "explained error");
            assert_true(close_to(rw->score, need->score / 2, 1e-12));
        } else {
            assert_int_equal(fr->error, 0);
            assert_string_equal(fr->reason, "fine");
            assert_true(close_to(rw->score, (need->score + 1) / 2, 1e-12));
        }
    }
    assert_int_equal(sg_rows, 57);
    check_explanations(p, r);
    cm_result_free(r);

    /* the explanation of the pair says the same */
    r = explain(e, p, "cn-qingdao-tyre", "sg");
    assert_int_equal(item_of(r, 0, "fragile")->error, 1);
    expect_prefix(item_of(r, 0, "fragile")->reason, "error: ");
    cm_result_free(r);
    /* without explanations the errors are still counted */
    o.explain = 0;
    o.by = CM_KIND_REGIONS;
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
    assert_int_equal(cm_result_error_count(r), 57);
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_on_error_stop(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, ERRORS);
    for (int threads = 1; threads <= 4; threads++) {
        cm_match_options o;
        cm_match_options_init(&o);
        o.threads = threads;
        o.explain = threads % 2;
        cm_result *r = (cm_result *)1;
        assert_int_equal(cm_match(e, p, &o, &r), CM_EINPUT);
        assert_null(r);
        const char *m = cm_engine_errmsg(e);
        /* the earliest pair, whatever the number of threads */
        expect_prefix(m, ERRORS ":4: rule 'fragile' (enterprise \"cn-xian-textile-machinery\", "
                         "region \"sg\"): ");
        expect_in(m, ERRORS ":5:", "stop message");
        expect_in(m, "no data for sg", "stop message");
    }
    cm_match_options o;
    cm_match_options_init(&o);
    cm_result *r = NULL;
    assert_int_equal(cm_match_one(e, p, CM_KIND_ENTERPRISES, "bn-muara-halal-foods", &o, &r),
                     CM_EINPUT);
    expect_in(cm_engine_errmsg(e), "(enterprise \"bn-muara-halal-foods\", region \"sg\")",
              "match_one stop");
    o.by = CM_KIND_REGIONS;
    o.threads = 2;
    assert_int_equal(cm_match(e, p, &o, &r), CM_EINPUT);
    expect_in(cm_engine_errmsg(e), "rule 'fragile' (enterprise \"cn-xian-textile-machinery\", "
              "region \"sg\")", "by region stop");
    /* the policy is still usable afterwards */
    o.on_error = CM_ON_ERROR_SKIP;
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* ---- policies declaring things wrongly ---------------------------------------------------- */

static void bad_policy(cm_engine *e, const char *file, const char *prefix, const char *part)
{
    char *m = policy_fails(e, file, NULL);
    expect_prefix(m, prefix);
    expect_in(m, part, file);
    free(m);
}

static void test_bad_policies(void **state)
{
    (void)state;
    cm_engine *e = examples();
    bad_policy(e, "tests/policies/unit_bad_key.lua", "tests/policies/unit_bad_key.lua:3: ",
               "unknown key 'wieght'");
    bad_policy(e, "tests/policies/unit_bad_weight.lua", "tests/policies/unit_bad_weight.lua:4: ",
               "weight must be > 0");
    bad_policy(e, "tests/policies/unit_bad_norules.lua", "tests/policies/unit_bad_norules.lua",
               "no rule");
    bad_policy(e, "tests/policies/unit_bad_noname.lua", "tests/policies/unit_bad_noname.lua:2: ",
               "'name' is required");
    bad_policy(e, "tests/policies/unit_bad_nopolicy.lua", "tests/policies/unit_bad_nopolicy.lua",
               "policy { name");
    bad_policy(e, "tests/policies/unit_bad_derive.lua", "tests/policies/unit_bad_derive.lua:3: ",
               "'country' is a field of the profile schema");
    bad_policy(e, "tests/policies/unit_bad_builtin_key.lua",
               "tests/policies/unit_bad_builtin_key.lua:2: ", "unknown key 'regoin'");
    bad_policy(e, "tests/policies/unit_bad_field.lua", "tests/policies/unit_bad_field.lua:2: ",
               "'sektors' is not a field");
    bad_policy(e, "tests/policies/unit_bad_syntax.lua", "tests/policies/unit_bad_syntax.lua:3: ",
               "expected");
    /* none of it leaves anything behind: a good policy loads after them */
    cm_policy *p = policy(e, BASIC);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_free_null(void **state)
{
    (void)state;
    cm_policy_free(NULL);
    cm_result_free(NULL);
    assert_int_equal(cm_result_count(NULL), 0);
    assert_null(cm_result_row(NULL, 0));
    assert_null(cm_result_explain(NULL, 0, 0));
    assert_int_equal(cm_policy_rule_count(NULL), 0);
    assert_null(cm_policy_name(NULL));
    cm_match_options o;
    cm_match_options_init(&o);
    assert_int_equal(o.by, CM_KIND_ENTERPRISES);
    assert_true(o.min_score < 0);
    cm_result *r = NULL;
    assert_int_equal(cm_match(NULL, NULL, &o, &r), CM_EUSAGE);
    /* a policy of another engine */
    cm_engine *e1 = examples(), *e2 = examples();
    cm_policy *p = policy(e1, TIES);
    assert_int_equal(cm_match(e2, p, &o, &r), CM_EUSAGE);
    assert_null(r);
    cm_policy_free(p);
    cm_engine_free(e1);
    cm_engine_free(e2);
}

/* A top no memory can hold is refused (CM_EUSAGE or CM_ENOMEM), not
 * multiplied into a small allocation. Run in a child process: if the size
 * overflows, the match writes past its buffer. */
static void test_absurd_top_is_refused(void **state)
{
    (void)state;
    cm_engine *e = examples();
    cm_policy *p = policy(e, TIES);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cm_match_options o;
        cm_match_options_init(&o);
        o.threads = 1;
        /* with slots of a multiple of 4 bytes, 57 * top * size wraps to 57 * size */
        o.top = ((size_t)1 << 62) + 1;
        cm_result *r = NULL;
        cm_status st = cm_match(e, p, &o, &r);
        _exit(st == CM_EUSAGE || st == CM_ENOMEM ? (r == NULL ? 0 : 3) : 10 + (int)st);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status))
        fail_msg("cm_match with top 2^62+1 crashed (signal %d)", WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("cm_match with top 2^62+1: %s", WEXITSTATUS(status) >= 10
                     ? "accepted (status OK), expected CM_EUSAGE or CM_ENOMEM"
                     : "refused, yet returned a result or crashed under a sanitizer");
    cm_policy_free(p);
    cm_engine_free(e);
}

/* core/policy.c (internal) */
void cmi_policy_default_rules_path(const char *path, char *out, size_t n);

/* No entry of the default rules path is empty or the root: an empty entry
 * made "/" + module, so that require could load any *.lua (issue 10 row 11). */
static void test_default_rules_path(void **state)
{
    (void)state;
    static const struct { const char *policy, *first; } cases[] = {
        { "/p.lua", "/lib:" },
        { "//p.lua", "/lib:" },
        { "rules/default.lua", "rules/lib:rules:" },
        { "p.lua", "./lib:.:" },
        { "/srv/rules//p.lua", "/srv/rules/lib:/srv/rules:" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rp[2048];
        cmi_policy_default_rules_path(cases[i].policy, rp, sizeof rp);
        if (strncmp(rp, cases[i].first, strlen(cases[i].first)) != 0)
            fail_msg("%s: rules path %s, expected it to start with %s", cases[i].policy, rp,
                     cases[i].first);
        const char *e = rp;
        for (;;) {
            const char *end = strchr(e, ':');
            size_t len = end ? (size_t)(end - e) : strlen(e);
            if (len == 0 || (len == 1 && e[0] == '/'))
                fail_msg("%s: rules path %s has an empty or root entry", cases[i].policy, rp);
            if (end == NULL)
                break;
            e = end + 1;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_rules_path),
        cmocka_unit_test(test_load_basic),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_param_value_text),
        cmocka_unit_test(test_params_in_name_order),
        cmocka_unit_test(test_isic_fit),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_member_equals_regex),
        cmocka_unit_test(test_derived_and_attrs),
        cmocka_unit_test(test_derived_after_more_profiles),
        cmocka_unit_test(test_pair_total),
        cmocka_unit_test(test_contributions_add_up),
        cmocka_unit_test(test_match_agrees_with_explain),
        cmocka_unit_test(test_ties_broken_by_id),
        cmocka_unit_test(test_top_and_min_score),
        cmocka_unit_test(test_by_region),
        cmocka_unit_test(test_match_one),
        cmocka_unit_test(test_shards_cover_everything),
        cmocka_unit_test(test_on_error_skip),
        cmocka_unit_test(test_on_error_stop),
        cmocka_unit_test(test_bad_policies),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_absurd_top_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
