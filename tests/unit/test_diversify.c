/* test_diversify.c - the diversity re-ranking of region lists against a
 * reference written here from its definition (capmatch-policy(5)): random
 * profiles, random diversity settings; each region's list re-ranked by the
 * engine with --top K must be the reference greedy pass over the list by
 * score, cut to K, with the rank by score kept; the head of a longer list;
 * the same on 1 and 3 threads; never a move up of more than `window`. */
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

#define NREG 6
#define NENT 40
#define MAXK 10

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33) % n;
}

/* 4-digit codes share groups (282x, 101x); 2-digit and section codes have
 * no group, so they are never alike by group */
static const char *const codes[] = { "2826", "2825", "2829", "1020", "1010", "1030", "0321",
                                     "28", "C", "1311" };
static const char *const countries[] = { "CN", "PH", "VN" };
static const char *const things[] = { "technology", "capital", "equipment", "skills" };

static struct ent {
    const char *country, *sector;
    unsigned offers;          /* bits of things[] */
} ents[NENT];

static char *text_of(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static void profiles(cm_engine *e)
{
    char buf[16384];
    size_t o = (size_t)snprintf(buf, sizeof buf, "[");
    for (int i = 0; i < NREG; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              "%s{\"id\":\"r%d\",\"name\":\"R%d\",\"country\":\"TH\","
                              "\"sectors_sought\":[\"%s\"]}", i ? "," : "", i, i,
                              codes[rnd(sizeof codes / sizeof *codes)]);
    snprintf(buf + o, sizeof buf - o, "]");
    cm_load_options lo;
    cm_load_options_init(&lo);
    lo.kind = CM_KIND_REGIONS;
    lo.format = CM_FORMAT_JSON;
    assert_int_equal(cm_engine_load_buffer(e, "regions.json", buf, strlen(buf), &lo, NULL), CM_OK);
    o = (size_t)snprintf(buf, sizeof buf, "[");
    for (int i = 0; i < NENT; i++) {
        struct ent *x = &ents[i];
        x->country = countries[rnd(3)];
        x->sector = codes[rnd(sizeof codes / sizeof *codes)];
        x->offers = rnd(16);
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              "%s{\"id\":\"e%02d\",\"name\":\"E%d\",\"country\":\"%s\","
                              "\"sector\":\"%s\",\"employees\":%u,\"offers\":[", i ? "," : "",
                              i, i, x->country, x->sector, rnd(8) * 10);
        for (int k = 0, first = 1; k < 4; k++)
            if (x->offers & (1u << k)) {
                o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"%s\"", first ? "" : ",",
                                      things[k]);
                first = 0;
            }
        o += (size_t)snprintf(buf + o, sizeof buf - o, "]}");
    }
    snprintf(buf + o, sizeof buf - o, "]");
    lo.kind = CM_KIND_ENTERPRISES;
    assert_int_equal(cm_engine_load_buffer(e, "enterprises.json", buf, strlen(buf), &lo, NULL),
                     CM_OK);
}

/* The keys two enterprises share, by the definition: the ISIC group of a
 * 4-digit main sector, the country, the same non-empty offers. */
static unsigned shared(int a, int b, int by_group, int by_country, int by_offers)
{
    const struct ent *x = &ents[a], *y = &ents[b];
    unsigned n = 0;
    if (by_group && strlen(x->sector) == 4 && strlen(y->sector) == 4 &&
        strncmp(x->sector, y->sector, 3) == 0)
        n++;
    if (by_country && strcmp(x->country, y->country) == 0)
        n++;
    if (by_offers && x->offers && x->offers == y->offers)
        n++;
    return n;
}

static int ent_index(const char *id)
{
    return atoi(id + 1);
}

static void test_reference_greedy(void **state)
{
    (void)state;
    char path[] = "/tmp/capmatch-diversify-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int moved = 0;
    for (unsigned seed = 1; seed <= 60; seed++) {
        rng_state = seed;
        int by_group = (int)rnd(2), by_country = (int)rnd(2), by_offers = (int)rnd(2);
        if (!by_group && !by_country && !by_offers)
            by_group = 1;
        static const double penalties[] = { 0.05, 0.1, 0.25, 1 };
        double penalty = penalties[rnd(4)];
        unsigned window = rnd(6) + 1;
        size_t k = rnd(MAXK) + 1;
        char *pol = text_of(
            "policy { name = \"d\", top = 3, diversity = { by = { %s%s%s }, penalty = %g, window = %u } }\n"
            "rule { name = \"sector\", weight = 2, score = builtin.isic_fit { enterprise = \"sectors\", "
            "region = \"sectors_sought\" } }\n"
            "rule { name = \"staff\", weight = 1, score = function(e) return (e.employees or 0) / 100 end }\n",
            by_group ? "\"group\"," : "", by_country ? "\"country\"," : "",
            by_offers ? "\"offers\"," : "", penalty, window);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(pol, f);
        fclose(f);
        free(pol);
        cm_status st;
        cm_engine *e = cm_engine_new(&st);
        assert_non_null(e);
        profiles(e);
        cm_policy *p = cm_policy_load(e, path, NULL);
        if (p == NULL)
            fail_msg("seed %u: %s", seed, cm_engine_errmsg(e));
        cm_match_options o;
        cm_match_options_init(&o);
        o.by = CM_KIND_REGIONS;
        o.threads = 1;
        o.top = NENT;
        o.diversity = -1;
        cm_result *base = NULL, *all = NULL, *cut = NULL, *cut3 = NULL;
        assert_int_equal(cm_match(e, p, &o, &base), CM_OK);
        o.diversity = 0;              /* the policy's */
        assert_int_equal(cm_match(e, p, &o, &all), CM_OK);
        o.top = k;
        assert_int_equal(cm_match(e, p, &o, &cut), CM_OK);
        o.threads = 3;
        assert_int_equal(cm_match(e, p, &o, &cut3), CM_OK);
        assert_int_equal(cm_result_count(cut), cm_result_count(cut3));
        for (int r = 0; r < NREG; r++) {
            char rid[16];
            snprintf(rid, sizeof rid, "r%d", r);
            /* the list by score */
            int order[NENT], n = 0;
            double score[NENT];
            for (size_t i = 0; i < cm_result_count(base); i++) {
                const cm_match_row *row = cm_result_row(base, i);
                if (strcmp(row->region, rid) == 0) {
                    order[n] = ent_index(row->enterprise);
                    score[n++] = row->region_score;
                }
            }
            /* the reference greedy pass */
            int placed[NENT] = { 0 }, want[NENT], nwant = 0;
            unsigned nby = (unsigned)(by_group + by_country + by_offers);
            double unit = penalty / nby;
            for (int step = 0; step < n; step++) {
                int reach = step + (int)window + 1 < n ? step + (int)window + 1 : n;
                int best = -1;
                double best_adj = 0;
                for (int i = 0; i < reach; i++) {
                    if (placed[i])
                        continue;
                    double taken = 0;
                    for (int q = 0; q < step; q++)
                        taken += unit * shared(order[i], order[want[q]], by_group, by_country,
                                               by_offers);
                    double adj = score[i] - taken;
                    if (best < 0 || adj > best_adj + 1e-9) {
                        best = i;
                        best_adj = adj;
                    }
                }
                placed[best] = 1;
                want[nwant++] = best;
            }
            /* the engine's lists: the whole, cut to k, and on 3 threads */
            const cm_result *lists[3] = { all, cut, cut3 };
            for (int l = 0; l < 3; l++) {
                int got = 0;
                for (size_t i = 0; i < cm_result_count(lists[l]); i++) {
                    const cm_match_row *row = cm_result_row(lists[l], i);
                    if (strcmp(row->region, rid) != 0)
                        continue;
                    int w = want[row->rank - 1];
                    if (ent_index(row->enterprise) != order[w] || row->score_rank != (unsigned)w + 1)
                        fail_msg("seed %u, region %s, list %d: rank %u is %s (rank by score %u), "
                                 "expected e%02d (rank by score %d)", seed, rid, l, row->rank,
                                 row->enterprise, row->score_rank, order[w], w + 1);
                    if (row->score_rank > row->rank + window)
                        fail_msg("seed %u: %s moved up more than %u places", seed,
                                 row->enterprise, window);
                    if ((row->diversity != NULL) != (row->score_rank != row->rank))
                        fail_msg("seed %u: %s has %s reason", seed, row->enterprise,
                                 row->diversity ? "a needless" : "no");
                    moved += row->score_rank != row->rank;
                    got++;
                }
                assert_int_equal(got, l == 0 ? n : (n < (int)k ? n : (int)k));
            }
        }
        cm_result_free(base);
        cm_result_free(all);
        cm_result_free(cut);
        cm_result_free(cut3);
        cm_policy_free(p);
        cm_engine_free(e);
    }
    close(fd);
    unlink(path);
    /* the comparison means something only if partners moved */
    assert_true(moved > 100);
}

/* Lists by enterprise are never re-ranked, whatever is asked. */
static void test_never_by_enterprise(void **state)
{
    (void)state;
    char path[] = "/tmp/capmatch-diversify-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *pol = "policy { name = \"d\", diversity = { by = \"country\", penalty = 1 } }\n"
                      "rule { name = \"one\", weight = 1, score = function() return 1 end }\n";
    assert_int_equal(write(fd, pol, strlen(pol)), (ssize_t)strlen(pol));
    close(fd);
    rng_state = 7;
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    profiles(e);
    cm_policy *p = cm_policy_load(e, path, NULL);
    assert_non_null(p);
    cm_match_options o;
    cm_match_options_init(&o);
    o.diversity = 1;
    o.top = NREG;
    cm_result *r = NULL;
    assert_int_equal(cm_match(e, p, &o, &r), CM_OK);
    for (size_t i = 0; i < cm_result_count(r); i++) {
        assert_null(cm_result_row(r, i)->diversity);
        assert_int_equal(cm_result_row(r, i)->score_rank, cm_result_row(r, i)->rank);
    }
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_greedy),
        cmocka_unit_test(test_never_by_enterprise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
