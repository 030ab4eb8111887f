/* test_prune.c - exact pruning, memoised rules and the other fast-policy
 * paths never change a result. Random profiles and random policies (built-ins
 * with levels and factors, best-of lists, memoised Lua rules over fields and
 * derived lists, plain Lua rules, filters, region-side rules, random top k and
 * minimum score) are matched both ways with pruning and with --no-prune, on 1
 * and 3 threads; every row, score bit and reason must be the same. The
 * unpruned runs take every built-in's plain path (CAPMATCH_CHECK_KERNELS):
 * the class caches, bitsets and sorted merges of the pruned runs are checked
 * against it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capmatch.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33) % n;
}

static const char *pick(const char *const *list, size_t n) { return list[rnd((uint32_t)n)]; }
#define PICK(a) pick(a, sizeof a / sizeof a[0])

static const char *const codes[] = { "0116", "1311", "1312", "2826", "2825", "1020", "0321",
                                     "28", "13", "C", "4220", "5012", "2720", "2910", "10" };
static const char *const countries[] = { "CN", "PH", "VN", "TH", "MY" };
static const char *const things[] = { "technology", "capital", "equipment", "raw_materials",
                                      "market_access", "skills", "financing" };

typedef struct text { char *s; size_t len, cap; } text;

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (t->s && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
}

static void list(text *t, const char *key, const char *const *from, size_t n, int max)
{
    int k = (int)rnd((uint32_t)max + 1);
    put(t, ",\"%s\":[", key);
    for (int i = 0; i < k; i++)
        put(t, "%s\"%s\"", i ? "," : "", pick(from, n));
    put(t, "]");
}

static void profiles(cm_engine *e, int nreg, int nent)
{
    text t = { 0 };
    put(&t, "{\"regions\":[");
    for (int i = 0; i < nreg; i++) {
        put(&t, "%s{\"id\":\"r%d\",\"name\":\"R%d\",\"country\":\"%s\"", i ? "," : "", i, i,
            PICK(countries));
        list(&t, "sectors_sought", codes, sizeof codes / sizeof *codes, 3);
        list(&t, "sectors_offered", codes, sizeof codes / sizeof *codes, 3);
        list(&t, "needs", things, sizeof things / sizeof *things, 3);
        list(&t, "offers", things, sizeof things / sizeof *things, 3);
        put(&t, "}");
    }
    put(&t, "]}");
    assert_int_equal(cm_engine_load_buffer(e, "regions.json", t.s, t.len, NULL, NULL), CM_OK);
    t.len = 0;
    put(&t, "{\"enterprises\":[");
    for (int i = 0; i < nent; i++) {
        put(&t, "%s{\"id\":\"e%d\",\"name\":\"E%d\",\"country\":\"%s\",\"sector\":\"%s\"",
            i ? "," : "", i, i, PICK(countries), PICK(codes));
        list(&t, "sectors", codes, sizeof codes / sizeof *codes, 3);
        list(&t, "offers", things, sizeof things / sizeof *things, 3);
        list(&t, "seeks", things, sizeof things / sizeof *things, 3);
        list(&t, "target_countries", countries, sizeof countries / sizeof *countries, 2);
        put(&t, ",\"employees\":%u}", rnd(2000));
    }
    put(&t, "]}");
    assert_int_equal(cm_engine_load_buffer(e, "enterprises.json", t.s, t.len, NULL, NULL),
                     CM_OK);
    free(t.s);
}

/* One random scorer: a built-in spec or a Lua function. */
static void scorer(text *t, int *has_fn)
{
    switch (rnd(*has_fn ? 8 : 10)) {
    case 0: put(t, "builtin.isic_fit { levels = { within = %.2f, group = %.2f, division = %.2f, "
                   "section = %.2f }, broader = %.2f, factor = %.2f }",
                rnd(101) / 100.0, rnd(101) / 100.0, rnd(101) / 100.0, rnd(101) / 100.0,
                rnd(101) / 100.0, (rnd(100) + 1) / 100.0); break;
    case 1: put(t, "builtin.isic_fit { region = \"sectors_offered\" }"); break;
    case 2: put(t, "builtin.overlap { enterprise = \"seeks\", region = \"offers\", of = "
                   "\"enterprise\" }"); break;
    case 3: put(t, "builtin.overlap { mode = \"jaccard\" }"); break;
    case 4: put(t, "builtin.member { enterprise = \"groups\", region = \"sought_groups\", "
                   "factor = 0.5 }"); break;
    case 5: put(t, "builtin.member { empty = \"pass\" }"); break;
    case 6: put(t, "builtin.best_product { enterprise = \"e_vals\", region = \"r_vals\" }"); break;
    case 7: put(t, "builtin.best_product { enterprise = \"e_vals\", region = \"r_vals\", "
                   "abroad = { \"X\" }, factor = 0.5 }"); break;
    case 8: put(t, "function(e, r) return (#e.groups * 7 + #r.sought_groups * 3) %% 11 / 10, "
                   "\"groups\" end");
        *has_fn = 2;
        break;
    default: put(t, "function(e, r) return e:has(\"target_countries\", r.country) and 1 or "
                    "(e.country == r.country and 0.25 or 0.5), \"targets\" end");
        *has_fn = 3;
        break;
    }
}

static void write_policy(const char *path, int region_rules)
{
    text t = { 0 };
    put(&t, "policy { name = \"random\", top = %u, min_score = %.2f }\n", rnd(6) + 1,
        rnd(4) / 10.0);
    put(&t, "local function groups(list)\n"
            "  local out = {}\n"
            "  for i = 1, #list do out[#out + 1] = list[i]:sub(1, 1) end\n"
            "  return out\n"
            "end\n"
            "derive { name = \"groups\", side = \"enterprise\", value = function(e) return "
            "groups(e.sectors) end }\n"
            "derive { name = \"sought_groups\", side = \"region\", value = function(r) return "
            "groups(r.sectors_sought) end }\n");
    /* "NAME value" lists for best_product: repeated names, negative values */
    put(&t, "local V = {");
    for (size_t i = 0; i < sizeof things / sizeof *things; i++)
        put(&t, " %s = %.2f,", things[i], (double)rnd(151) / 100.0 - 0.5);
    put(&t, " }\n"
            "local function vals(list, extra)\n"
            "  local out = { extra }\n"
            "  for i = 1, #list do out[#out + 1] = list[i] .. ' ' .. V[list[i]] end\n"
            "  if #list > 0 then out[#out + 1] = list[1] .. ' 0.3' end\n"
            "  return out\n"
            "end\n"
            "derive { name = \"e_vals\", side = \"enterprise\", value = function(e) return "
            "vals(e.offers, 'X 1') end }\n"
            "derive { name = \"r_vals\", side = \"region\", value = function(r) return "
            "vals(r.needs, 'X 0.9') end }\n");
    if (rnd(3) == 0)
        put(&t, "filter { name = \"abroad\", check = builtin.best_product { enterprise = "
                "\"e_vals\", region = \"r_vals\", abroad = { \"X\" } } }\n");
    if (rnd(3) == 0)
        put(&t, "filter { name = \"not all\", check = builtin.member { enterprise = "
                "\"target_countries\", region = \"country\", empty = \"pass\" } }\n");
    int n = (int)rnd(6) + 1;
    for (int i = 0; i < n; i++) {
        int has_fn = 0;
        put(&t, "rule { name = \"r%d\", weight = %u%s, score = ", i, rnd(5) + 1,
            region_rules && rnd(3) == 0 ? ", side = \"region\"" : "");
        int parts = (int)rnd(3) + 1;
        if (parts > 1)
            put(&t, "{ ");
        for (int k = 0; k < parts; k++) {
            if (k)
                put(&t, ", ");
            scorer(&t, &has_fn);
        }
        if (parts > 1)
            put(&t, " }");
        if (has_fn == 2 && rnd(2))
            put(&t, ", uses = { enterprise = { \"groups\" }, region = { \"sought_groups\" } }");
        if (has_fn == 3 && rnd(2))
            put(&t, ", uses = { enterprise = { \"target_countries\", \"country\" }, region = { "
                    "\"country\" } }");
        if (has_fn && rnd(2))
            put(&t, ", explain = function(e, r, params, s) return string.format(\"%%.3f\", s) end");
        put(&t, " }\n");
    }
    /* the score needs an enterprise-side rule */
    put(&t, "rule { name = \"base\", weight = 1, score = builtin.isic_fit {} }\n");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fwrite(t.s, 1, t.len, f);
    fclose(f);
    free(t.s);
}

static int same(const cm_result *a, const cm_result *b, char *why, size_t n)
{
    if (cm_result_count(a) != cm_result_count(b)) {
        snprintf(why, n, "%zu rows vs %zu", cm_result_count(a), cm_result_count(b));
        return 0;
    }
    size_t va, vb;
    if (cm_result_pairs(a, &va) != cm_result_pairs(b, &vb) || va != vb) {
        snprintf(why, n, "pair counts differ");
        return 0;
    }
    for (size_t i = 0; i < cm_result_count(a); i++) {
        const cm_match_row *x = cm_result_row(a, i), *y = cm_result_row(b, i);
        if (strcmp(x->enterprise, y->enterprise) || strcmp(x->region, y->region) ||
            x->score != y->score || x->region_score != y->region_score || x->rank != y->rank) {
            snprintf(why, n, "row %zu: %s/%s %.17g vs %s/%s %.17g", i, x->enterprise, x->region,
                     x->score, y->enterprise, y->region, y->score);
            return 0;
        }
        for (size_t k = 0; k < cm_result_rule_count(a); k++) {
            const cm_explain_item *s = cm_result_explain(a, i, k), *u = cm_result_explain(b, i, k);
            if (s->score != u->score || strcmp(s->reason, u->reason) != 0) {
                snprintf(why, n, "row %zu rule %s: %.17g '%s' vs %.17g '%s'", i, s->rule,
                         s->score, s->reason, u->score, u->reason);
                return 0;
            }
        }
    }
    return 1;
}

static void test_pruning_changes_nothing(void **state)
{
    (void)state;
    /* the unpruned runs take every built-in's plain path: the reference */
    setenv("CAPMATCH_CHECK_KERNELS", "1", 1);
    char path[] = "/tmp/capmatch-prune-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    size_t pruned_total = 0;
    for (unsigned seed = 1; seed <= 40; seed++) {
        rng_state = seed;
        cm_status st;
        cm_engine *e = cm_engine_new(&st);
        assert_non_null(e);
        profiles(e, (int)rnd(40) + 5, (int)rnd(60) + 5);
        write_policy(path, (int)rnd(2));
        cm_policy *p = cm_policy_load(e, path, NULL);
        if (p == NULL)
            fail_msg("seed %u: %s", seed, cm_engine_errmsg(e));
        for (int by = 0; by < 2; by++) {
            cm_result *ref = NULL;
            cm_match_options o;
            cm_match_options_init(&o);
            o.by = by ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
            o.explain = 1;
            o.no_prune = 1;
            o.threads = 1;
            cm_status ms = cm_match(e, p, &o, &ref);
            if (ms != CM_OK)
                fail_msg("seed %u: %s", seed, cm_engine_errmsg(e));
            assert_int_equal(cm_result_pruned(ref), 0);
            for (int threads = 1; threads <= 3; threads += 2) {
                cm_result *r = NULL;
                o.no_prune = 0;
                o.threads = threads;
                assert_int_equal(cm_match(e, p, &o, &r), ms);
                char why[600];
                if (!same(ref, r, why, sizeof why))
                    fail_msg("seed %u, by %s, %d threads: %s", seed, by ? "region" : "enterprise",
                             threads, why);
                pruned_total += cm_result_pruned(r);
                cm_result_free(r);
            }
            cm_result_free(ref);
        }
        cm_policy_free(p);
        cm_engine_free(e);
    }
    unlink(path);
    /* the comparison means something only if pruning happened */
    assert_true(pruned_total > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pruning_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
