/* test_assign.c - capacity-limited assignment: the worked examples of
 * DOMAIN.md, stability checked by an independent blocking-pair checker
 * written here from the definition, capacities, optimality against brute
 * force on small random instances (and never below stable), ties and input
 * order, parties left out with their reasons, pair files (CSV, JSON Lines,
 * JSON) with their errors; schedules (nobody twice at once, tables, the
 * fewest slots, times, unplaced meetings, iCalendar), the HTML report; and
 * every allocation failing in turn. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capmatch.h"

/* ---- a small instance, kept on the side for the independent checks ---- */

#define MAXE 6
#define MAXR 4

typedef struct inst {
    int nE, nR, K;
    int has[MAXE][MAXR];
    double s[MAXE][MAXR], rs[MAXE][MAXR];
    long cap[MAXR];           /* < 0 unlimited */
    double min;
} inst;

static const char *ename(int i)
{
    static const char *n[] = { "e0", "e1", "e2", "e3", "e4", "e5" };
    return n[i];
}
static const char *rname(int i)
{
    static const char *n[] = { "r0", "r1", "r2", "r3" };
    return n[i];
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void random_inst(inst *in)
{
    memset(in, 0, sizeof *in);
    in->nE = 1 + (int)rnd(MAXE);
    in->nR = 1 + (int)rnd(MAXR);
    in->K = 1 + (int)rnd(2);
    in->min = rnd(3) == 0 ? 0.3 : 0;
    for (int r = 0; r < in->nR; r++)
        in->cap[r] = rnd(5) == 0 ? -1 : (long)rnd(3);
    for (int e = 0; e < in->nE; e++)
        for (int r = 0; r < in->nR; r++) {
            if (rnd(10) < 3)
                continue;
            in->has[e][r] = 1;
            in->s[e][r] = (double)(1 + rnd(6)) / 6;        /* ties are likely */
            in->rs[e][r] = rnd(2) ? in->s[e][r] : (double)(1 + rnd(6)) / 6;
        }
}

static int acceptable(const inst *in, int e, int r)
{
    return in->has[e][r] && in->s[e][r] >= in->min && in->rs[e][r] >= in->min;
}

/* e prefers r1 to r2: higher score, ties by id */
static int e_prefers(const inst *in, int e, int r1, int r2)
{
    return in->s[e][r1] > in->s[e][r2] || (in->s[e][r1] == in->s[e][r2] && r1 < r2);
}
static int r_prefers(const inst *in, int r, int e1, int e2)
{
    return in->rs[e1][r] > in->rs[e2][r] || (in->rs[e1][r] == in->rs[e2][r] && e1 < e2);
}

static cm_pairs *make_pairs(const inst *in, int reversed)
{
    cm_pairs *p = cm_pairs_new();
    assert_non_null(p);
    for (int k = 0; k < in->nE * in->nR; k++) {
        int idx = reversed ? in->nE * in->nR - 1 - k : k;
        int e = idx / in->nR, r = idx % in->nR;
        if (in->has[e][r])
            assert_int_equal(cm_pairs_add(p, ename(e), rname(r), in->s[e][r], in->rs[e][r], NULL),
                             CM_OK);
    }
    for (int r = 0; r < in->nR; r++)
        assert_int_equal(cm_pairs_set_capacity(p, rname(r), in->cap[r]), CM_OK);
    return p;
}

static int idx_of(const char *id)
{
    return id[1] - '0';
}

/* the matching of an assignment as a matrix, after checking its rows */
static void read_rows(const inst *in, const cm_assignment *a, int m[MAXE][MAXR])
{
    memset(m, 0, sizeof(int) * MAXE * MAXR);
    for (size_t i = 0; i < cm_assignment_count(a); i++) {
        const cm_assign_row *row = cm_assignment_row(a, i);
        int e = idx_of(row->enterprise), r = idx_of(row->region);
        assert_true(acceptable(in, e, r));
        assert_int_equal(m[e][r], 0);
        m[e][r] = 1;
        assert_true(row->score == in->s[e][r]);
        assert_true(row->region_score == in->rs[e][r]);
    }
}

static void check_capacities(const inst *in, int m[MAXE][MAXR])
{
    for (int e = 0; e < in->nE; e++) {
        int n = 0;
        for (int r = 0; r < in->nR; r++)
            n += m[e][r];
        assert_true(n <= in->K);
    }
    for (int r = 0; r < in->nR; r++) {
        int n = 0;
        for (int e = 0; e < in->nE; e++)
            n += m[e][r];
        if (in->cap[r] >= 0)
            assert_true(n <= in->cap[r]);
    }
}

/* The independent checker: a blocking pair is an acceptable pair, not
 * matched, where the enterprise has a free place or a partner it likes less,
 * and the region has a free place or a partner it likes less. */
static int count_blocking(const inst *in, int m[MAXE][MAXR])
{
    int n = 0;
    for (int e = 0; e < in->nE; e++)
        for (int r = 0; r < in->nR; r++) {
            if (!acceptable(in, e, r) || m[e][r])
                continue;
            int ecount = 0, ewants = 0, rcount = 0, rwants = 0;
            for (int r2 = 0; r2 < in->nR; r2++)
                if (m[e][r2]) {
                    ecount++;
                    if (e_prefers(in, e, r, r2))
                        ewants = 1;
                }
            if (ecount < in->K)
                ewants = 1;
            for (int e2 = 0; e2 < in->nE; e2++)
                if (m[e2][r]) {
                    rcount++;
                    if (r_prefers(in, r, e, e2))
                        rwants = 1;
                }
            if (in->cap[r] < 0 || rcount < in->cap[r])
                rwants = 1;
            if (in->cap[r] == 0)
                rwants = 0;
            n += ewants && rwants;
        }
    return n;
}

/* the greatest total over every feasible set of acceptable pairs: each
 * enterprise in turn takes any subset of at most K of its regions */
static double brute_from(const inst *in, int e, int *rc, double total)
{
    if (e == in->nE)
        return total;
    double best = 0;
    for (unsigned mask = 0; mask < (1u << in->nR); mask++) {
        int n = 0, ok = 1;
        double t = total;
        for (int r = 0; r < in->nR; r++)
            if (mask >> r & 1) {
                n++;
                if (!acceptable(in, e, r) || (in->cap[r] >= 0 && rc[r] >= in->cap[r]))
                    ok = 0;
                t += in->s[e][r];
            }
        if (!ok || n > in->K)
            continue;
        for (int r = 0; r < in->nR; r++)
            rc[r] += mask >> r & 1;
        double v = brute_from(in, e + 1, rc, t);
        for (int r = 0; r < in->nR; r++)
            rc[r] -= mask >> r & 1;
        if (v > best)
            best = v;
    }
    return best;
}

static double brute_best(const inst *in)
{
    int rc[MAXR] = { 0 };
    return brute_from(in, 0, rc, 0);
}

static cm_assignment *run(const cm_pairs *p, const inst *in, cm_assign_method m, cm_kind proposer)
{
    cm_assign_options o;
    cm_assign_options_init(&o);
    o.method = m;
    o.proposer = proposer;
    o.per_enterprise = (unsigned)in->K;
    o.min_score = in->min;
    cm_assignment *a = NULL;
    assert_int_equal(cm_assign(p, &o, &a), CM_OK);
    assert_non_null(a);
    return a;
}

/* ---- DOMAIN.md ---- */

static void test_worked_example(void **state)
{
    (void)state;
    /* A [D,E,F], B [D,F,E], C [F,D,E]; D [B,C,A], E [A,C,B], F [C,B,A] */
    const char *E[] = { "A", "B", "C" }, *R[] = { "D", "E", "F" };
    const char *epref[3][3] = { { "D", "E", "F" }, { "D", "F", "E" }, { "F", "D", "E" } };
    const char *rpref[3][3] = { { "B", "C", "A" }, { "A", "C", "B" }, { "C", "B", "A" } };
    double s[3][3], rs[3][3];
    for (int e = 0; e < 3; e++)
        for (int k = 0; k < 3; k++)
            s[e][epref[e][k][0] - 'D'] = 0.9 - 0.3 * k;
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 3; k++)
            rs[rpref[r][k][0] - 'A'][r] = 0.9 - 0.3 * k;
    cm_pairs *p = cm_pairs_new();
    for (int e = 0; e < 3; e++)
        for (int r = 0; r < 3; r++)
            assert_int_equal(cm_pairs_add(p, E[e], R[r], s[e][r], rs[e][r], NULL), CM_OK);
    for (int r = 0; r < 3; r++)
        assert_int_equal(cm_pairs_set_capacity(p, R[r], 1), CM_OK);
    const char *want[3][2] = { { "A", "E" }, { "B", "D" }, { "C", "F" } };
    for (int side = 0; side < 2; side++) {
        cm_assign_options o;
        cm_assign_options_init(&o);
        o.proposer = side ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
        cm_assignment *a;
        assert_int_equal(cm_assign(p, &o, &a), CM_OK);
        assert_int_equal(cm_assignment_count(a), 3);
        for (int i = 0; i < 3; i++) {
            assert_string_equal(cm_assignment_row(a, i)->enterprise, want[i][0]);
            assert_string_equal(cm_assignment_row(a, i)->region, want[i][1]);
        }
        /* A-E: E is A's 2nd choice and A is E's 1st */
        assert_int_equal(cm_assignment_row(a, 0)->enterprise_rank, 2);
        assert_int_equal(cm_assignment_row(a, 0)->region_rank, 1);
        assert_int_equal(cm_assignment_blocking(a, NULL), 0);
        assert_int_equal(cm_assignment_left_count(a), 0);
        cm_assignment_free(a);
    }
    cm_pairs_free(p);
}

/* Two stable matchings: each side proposing gets its own best one. */
static void test_proposer_optimal(void **state)
{
    (void)state;
    /* A [D,E], B [E,D]; D [B,A], E [A,B] */
    cm_pairs *p = cm_pairs_new();
    assert_int_equal(cm_pairs_add(p, "A", "D", 0.9, 0.5, NULL), CM_OK);
    assert_int_equal(cm_pairs_add(p, "A", "E", 0.5, 0.9, NULL), CM_OK);
    assert_int_equal(cm_pairs_add(p, "B", "E", 0.9, 0.5, NULL), CM_OK);
    assert_int_equal(cm_pairs_add(p, "B", "D", 0.5, 0.9, "why B-D"), CM_OK);
    cm_pairs_set_capacity(p, "D", 1);
    cm_pairs_set_capacity(p, "E", 1);
    cm_assign_options o;
    cm_assign_options_init(&o);
    cm_assignment *a;
    assert_int_equal(cm_assign(p, &o, &a), CM_OK);
    assert_string_equal(cm_assignment_row(a, 0)->region, "D");
    assert_string_equal(cm_assignment_row(a, 1)->region, "E");
    assert_null(cm_assignment_row(a, 0)->reasons);
    cm_assignment_free(a);
    o.proposer = CM_KIND_REGIONS;
    assert_int_equal(cm_assign(p, &o, &a), CM_OK);
    assert_string_equal(cm_assignment_row(a, 0)->region, "E");
    assert_string_equal(cm_assignment_row(a, 1)->region, "D");
    assert_string_equal(cm_assignment_row(a, 1)->reasons, "why B-D");
    double rt, t = cm_assignment_total(a, &rt);
    assert_true(fabs(t - 1.0) < 1e-12 && fabs(rt - 1.8) < 1e-12);
    cm_assignment_free(a);
    cm_pairs_free(p);
}

/* ---- random instances ---- */

static void test_random_instances(void **state)
{
    (void)state;
    for (int round = 0; round < 400; round++) {
        inst in;
        random_inst(&in);
        cm_pairs *p = make_pairs(&in, 0);
        int m[MAXE][MAXR], m2[MAXE][MAXR];
        cm_assignment *se = run(p, &in, CM_ASSIGN_STABLE, CM_KIND_ENTERPRISES);
        cm_assignment *sr = run(p, &in, CM_ASSIGN_STABLE, CM_KIND_REGIONS);
        cm_assignment *op = run(p, &in, CM_ASSIGN_OPTIMAL, CM_KIND_ENTERPRISES);
        read_rows(&in, se, m);
        check_capacities(&in, m);
        assert_int_equal(count_blocking(&in, m), 0);
        assert_int_equal(cm_assignment_blocking(se, NULL), 0);
        read_rows(&in, sr, m2);
        check_capacities(&in, m2);
        assert_int_equal(count_blocking(&in, m2), 0);
        /* one-to-one or many-to-one: each enterprise does at least as well
         * when enterprises propose */
        if (in.K == 1)
            for (int e = 0; e < in.nE; e++) {
                int re = -1, rr = -1;
                for (int r = 0; r < in.nR; r++) {
                    if (m[e][r]) re = r;
                    if (m2[e][r]) rr = r;
                }
                if (rr >= 0)
                    assert_true(re >= 0 && (re == rr || e_prefers(&in, e, re, rr)));
            }
        read_rows(&in, op, m);
        check_capacities(&in, m);
        double best = brute_best(&in);
        double got = cm_assignment_total(op, NULL);
        if (fabs(got - best) > 1e-6)
            fail_msg("round %d: optimal total %.9f, brute force %.9f", round, got, best);
        assert_true(got >= cm_assignment_total(se, NULL) - 1e-6);
        assert_true(got >= cm_assignment_total(sr, NULL) - 1e-6);
        assert_int_equal(cm_assignment_blocking(op, NULL), (size_t)count_blocking(&in, m));
        /* the same pairs given in another order give the same rows */
        cm_pairs *q = make_pairs(&in, 1);
        cm_assignment *se2 = run(q, &in, CM_ASSIGN_STABLE, CM_KIND_ENTERPRISES);
        cm_assignment *op2 = run(q, &in, CM_ASSIGN_OPTIMAL, CM_KIND_ENTERPRISES);
        assert_int_equal(cm_assignment_count(se2), cm_assignment_count(se));
        for (size_t i = 0; i < cm_assignment_count(se); i++) {
            assert_string_equal(cm_assignment_row(se, i)->enterprise,
                                cm_assignment_row(se2, i)->enterprise);
            assert_string_equal(cm_assignment_row(se, i)->region,
                                cm_assignment_row(se2, i)->region);
        }
        assert_int_equal(cm_assignment_count(op2), cm_assignment_count(op));
        for (size_t i = 0; i < cm_assignment_count(op); i++)
            assert_string_equal(cm_assignment_row(op, i)->region,
                                cm_assignment_row(op2, i)->region);
        cm_assignment_free(se);
        cm_assignment_free(sr);
        cm_assignment_free(op);
        cm_assignment_free(se2);
        cm_assignment_free(op2);
        cm_pairs_free(p);
        cm_pairs_free(q);
    }
}

/* Optimal gives up the stable pairs for a greater total. */
static void test_optimal_beats_stable(void **state)
{
    (void)state;
    cm_pairs *p = cm_pairs_new();
    /* both want r0; e0 is r0's favourite; e1 has nothing else worth much */
    cm_pairs_add(p, "e0", "r0", 0.9, 0.9, NULL);
    cm_pairs_add(p, "e0", "r1", 0.8, 0.8, NULL);
    cm_pairs_add(p, "e1", "r0", 0.85, 0.5, NULL);
    cm_pairs_add(p, "e1", "r1", 0.1, 0.1, NULL);
    cm_pairs_set_capacity(p, "r0", 1);
    cm_pairs_set_capacity(p, "r1", 1);
    cm_assign_options o;
    cm_assign_options_init(&o);
    cm_assignment *s, *opt;
    assert_int_equal(cm_assign(p, &o, &s), CM_OK);
    o.method = CM_ASSIGN_OPTIMAL;
    assert_int_equal(cm_assign(p, &o, &opt), CM_OK);
    assert_true(fabs(cm_assignment_total(s, NULL) - 1.0) < 1e-12);     /* e0-r0, e1-r1 */
    assert_true(fabs(cm_assignment_total(opt, NULL) - 1.65) < 1e-12);  /* e0-r1, e1-r0 */
    const char *first;
    assert_int_equal(cm_assignment_blocking(opt, &first), 1);
    assert_string_equal(first, "enterprise e0 and region r0");
    cm_assignment_free(s);
    cm_assignment_free(opt);
    cm_pairs_free(p);
}

/* ---- left out ---- */

static const cm_left *find_left(const cm_assignment *a, const char *id)
{
    for (size_t i = 0; i < cm_assignment_left_count(a); i++)
        if (strcmp(cm_assignment_left(a, i)->id, id) == 0)
            return cm_assignment_left(a, i);
    return NULL;
}

static void test_left_out(void **state)
{
    (void)state;
    cm_pairs *p = cm_pairs_new();
    cm_pairs_add(p, "e-top", "r-small", 0.9, -1, NULL);
    cm_pairs_add(p, "e-late", "r-small", 0.8, -1, NULL);
    cm_pairs_add(p, "e-late", "r-zero", 0.7, -1, NULL);
    cm_pairs_add(p, "e-low", "r-small", 0.05, -1, NULL);
    cm_pairs_add(p, "e-low", "r-big", 0.04, -1, NULL);
    cm_pairs_set_capacity(p, "r-small", 1);
    cm_pairs_set_capacity(p, "r-zero", 0);
    cm_pairs_set_capacity(p, "r-none", 3);     /* no pair names it */
    cm_assign_options o;
    cm_assign_options_init(&o);
    o.min_score = 0.1;
    cm_assignment *a;
    assert_int_equal(cm_assign(p, &o, &a), CM_OK);
    assert_int_equal(cm_assignment_count(a), 1);
    assert_string_equal(cm_assignment_row(a, 0)->enterprise, "e-top");
    const cm_left *l = find_left(a, "e-late");
    assert_non_null(l);
    assert_int_equal(l->kind, CM_KIND_ENTERPRISES);
    assert_int_equal(l->reason, CM_LEFT_FULL);
    assert_int_equal(l->npartners, 2);
    assert_string_equal(l->partners[0], "r-small");
    assert_string_equal(l->partners[1], "r-zero");
    assert_string_equal(l->message,
                        "preferred regions full: r-small (capacity 1), r-zero (capacity 0)");
    l = find_left(a, "e-low");
    assert_int_equal(l->reason, CM_LEFT_BELOW_MIN);
    assert_string_equal(l->message,
                        "no pair at or above the minimum score 0.1 (best: 0.050, with r-small)");
    l = find_left(a, "r-zero");
    assert_int_equal(l->reason, CM_LEFT_NO_CAPACITY);
    l = find_left(a, "r-none");
    assert_int_equal(l->reason, CM_LEFT_NO_PAIR);
    assert_string_equal(l->message, "no candidate pair");
    l = find_left(a, "r-big");
    assert_int_equal(l->reason, CM_LEFT_BELOW_MIN);
    /* enterprises first, then regions, each by id */
    assert_string_equal(cm_assignment_left(a, 0)->id, "e-late");
    assert_string_equal(cm_assignment_left(a, 1)->id, "e-low");
    assert_string_equal(cm_assignment_left(a, 2)->id, "r-big");
    size_t used;
    assert_int_equal(cm_assignment_capacity(a, "r-small", &used), 1);
    assert_int_equal(used, 1);
    assert_int_equal(cm_assignment_capacity(a, "r-big", &used), -1);
    assert_int_equal(cm_assignment_capacity(a, "nope", &used), -2);
    cm_assignment_free(a);

    /* a region whose enterprises all went elsewhere */
    cm_pairs *q = cm_pairs_new();
    cm_pairs_add(q, "e1", "r-best", 0.9, -1, NULL);
    cm_pairs_add(q, "e1", "r-other", 0.5, -1, NULL);
    assert_int_equal(cm_assign(q, NULL, &a), CM_OK);
    l = find_left(a, "r-other");
    assert_int_equal(l->reason, CM_LEFT_TAKEN);
    assert_string_equal(l->message, "its acceptable enterprises all went to regions they prefer: e1");
    cm_assignment_free(a);
    cm_pairs_free(q);
    cm_pairs_free(p);
}

static void test_default_capacity_and_k(void **state)
{
    (void)state;
    cm_pairs *p = cm_pairs_new();
    for (int e = 0; e < 4; e++)
        for (int r = 0; r < 3; r++) {
            char en[16], rn[16];
            snprintf(en, sizeof en, "e%d", e);
            snprintf(rn, sizeof rn, "r%d", r);
            cm_pairs_add(p, en, rn, 0.1 + 0.2 * r + 0.01 * e, -1, NULL);
        }
    cm_assign_options o;
    cm_assign_options_init(&o);
    o.per_enterprise = 2;
    o.default_capacity = 2;
    for (int m = 0; m < 2; m++) {
        o.method = m ? CM_ASSIGN_OPTIMAL : CM_ASSIGN_STABLE;
        cm_assignment *a;
        assert_int_equal(cm_assign(p, &o, &a), CM_OK);
        assert_int_equal(cm_assignment_count(a), 6);    /* 3 regions x 2 */
        cm_assignment_free(a);
    }
    o.min_score = 2;
    cm_assignment *a = NULL;
    assert_int_equal(cm_assign(p, &o, &a), CM_EUSAGE);
    assert_null(a);
    assert_non_null(strstr(cm_pairs_errmsg(p), "minimum score"));
    cm_pairs_free(p);
}

/* ---- API errors ---- */

static void test_add_errors(void **state)
{
    (void)state;
    cm_pairs *p = cm_pairs_new();
    assert_int_equal(cm_pairs_add(p, "a", "b", 1.5, -1, NULL), CM_EINPUT);
    assert_int_equal(cm_pairs_add(p, "a b", "b", 0.5, -1, NULL), CM_EINPUT);
    assert_non_null(strstr(cm_pairs_errmsg(p), "'a b' is not an id"));
    assert_int_equal(cm_pairs_add(p, "a", "b", 0.5, 2, NULL), CM_EINPUT);
    assert_int_equal(cm_pairs_add(p, "a", "b", NAN, -1, NULL), CM_EINPUT);
    assert_int_equal(cm_pairs_add(p, "a", "b", 0.5, -1, NULL), CM_OK);
    assert_int_equal(cm_pairs_add(p, "a", "b", 0.6, -1, NULL), CM_EINPUT);
    assert_string_equal(cm_pairs_errmsg(p), "pair a, b given twice");
    assert_int_equal(cm_pairs_add(NULL, "a", "b", 0.5, -1, NULL), CM_EUSAGE);
    assert_int_equal(cm_pairs_count(p), 1);
    assert_int_equal(cm_pairs_parties(p, CM_KIND_ENTERPRISES), 1);
    assert_int_equal(cm_assign(NULL, NULL, NULL), CM_EUSAGE);
    cm_assign_options o;
    cm_assign_options_init(&o);
    o.method = (cm_assign_method)7;
    cm_assignment *a;
    assert_int_equal(cm_assign(p, &o, &a), CM_EUSAGE);
    cm_pairs_free(p);
    cm_pairs_free(NULL);
    cm_assignment_free(NULL);
}

static void test_profiles(void **state)
{
    (void)state;
    static const char regions[] =
        "[{\"id\":\"ph-cat\",\"name\":\"Catanduanes\",\"country\":\"PH\",\"capacity\":2},"
        " {\"id\":\"cn-sn\",\"name\":\"Shaanxi\",\"country\":\"CN\"}]";
    static const char ents[] =
        "[{\"id\":\"e1\",\"name\":\"E1\",\"country\":\"CN\",\"sector\":\"2821\"},"
        " {\"id\":\"e2\",\"name\":\"E2\",\"country\":\"PH\",\"sector\":\"0116\"}]";
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    assert_non_null(e);
    cm_load_options lo;
    cm_load_options_init(&lo);
    lo.kind = CM_KIND_REGIONS;
    lo.format = CM_FORMAT_JSON;
    assert_int_equal(cm_engine_load_buffer(e, "r.json", regions, strlen(regions), &lo, NULL), CM_OK);
    lo.kind = CM_KIND_ENTERPRISES;
    assert_int_equal(cm_engine_load_buffer(e, "e.json", ents, strlen(ents), &lo, NULL), CM_OK);
    cm_pairs *p = cm_pairs_new();
    assert_int_equal(cm_pairs_add_profiles(p, e), CM_OK);
    assert_int_equal(cm_pairs_parties(p, CM_KIND_REGIONS), 2);
    assert_int_equal(cm_pairs_add(p, "e1", "ph-cat", 0.5, -1, NULL), CM_OK);
    assert_int_equal(cm_pairs_add(p, "e9", "ph-cat", 0.5, -1, NULL), CM_ENOTFOUND);
    assert_string_equal(cm_pairs_errmsg(p), "no enterprise with id \"e9\" among the profiles");
    assert_int_equal(cm_pairs_add(p, "e1", "xx", 0.5, -1, NULL), CM_ENOTFOUND);
    cm_assignment *a;
    assert_int_equal(cm_assign(p, NULL, &a), CM_OK);
    size_t used;
    assert_int_equal(cm_assignment_capacity(a, "ph-cat", &used), 2);
    assert_int_equal(cm_assignment_capacity(a, "cn-sn", &used), -1);
    /* e2 and cn-sn have no pair: reported */
    assert_int_equal(cm_assignment_left_count(a), 2);
    assert_string_equal(cm_assignment_left(a, 0)->id, "e2");
    assert_string_equal(cm_assignment_left(a, 1)->id, "cn-sn");
    cm_assignment_free(a);
    cm_pairs_free(p);
    cm_engine_free(e);
}

/* ---- pair files ---- */

static cm_status load(cm_pairs *p, const char *name, const char *text, cm_format f, cm_diags *d)
{
    return cm_pairs_load_buffer(p, name, text, strlen(text), f, d);
}

static void test_load_formats(void **state)
{
    (void)state;
    cm_pairs *p = cm_pairs_new();
    cm_diags *d = cm_diags_new();
    assert_int_equal(load(p, "a.csv",
                          "# capmatch 0.1.0\n# policy: x\n"
                          "enterprise,region,score,rank,region_score,reasons\n"
                          "e1,r1,0.5,1,,\"sector: same class | \"\"quoted\"\"\"\r\n"
                          "e1,r2,0.25,2,0.75,\n\n"
                          "# a comment\n",
                          CM_FORMAT_AUTO, d),
                     CM_OK);
    assert_int_equal(cm_pairs_count(p), 2);
    assert_int_equal(load(p, "b.jsonl",
                          "{\"meta\":{\"capmatch\":\"0.1.0\"}}\n"
                          "{\"enterprise\":\"e2\",\"region\":\"r1\",\"score\":0.5,\"rank\":1,"
                          "\"explain\":[{\"rule\":\"a\",\"reason\":\"x\"},{\"rule\":\"b\",\"reason\":\"y\"}]}\n"
                          "\n"
                          "{\"unassigned\":\"enterprise\",\"id\":\"e9\"}\n",
                          CM_FORMAT_AUTO, d),
                     CM_OK);
    assert_int_equal(load(p, "c.json",
                          "{\"meta\":{},\"results\":[{\"enterprise\":\"e3\",\"region\":\"r1\","
                          "\"score\":1,\"region_score\":0}]}",
                          CM_FORMAT_AUTO, d),
                     CM_OK);
    assert_int_equal(load(p, "-", "[{\"enterprise\":\"e4\",\"region\":\"r1\",\"score\":0}]",
                          CM_FORMAT_AUTO, d),
                     CM_OK);
    assert_int_equal(cm_diags_count(d), 0);
    assert_int_equal(cm_pairs_count(p), 5);
    cm_assign_options o;
    cm_assign_options_init(&o);
    o.default_capacity = 4;
    cm_assignment *a;
    assert_int_equal(cm_assign(p, &o, &a), CM_OK);
    for (size_t i = 0; i < cm_assignment_count(a); i++) {
        const cm_assign_row *r = cm_assignment_row(a, i);
        if (strcmp(r->enterprise, "e1") == 0)
            assert_string_equal(r->reasons, "sector: same class | \"quoted\"");
        if (strcmp(r->enterprise, "e2") == 0)
            assert_string_equal(r->reasons, "a: x | b: y");
        if (strcmp(r->enterprise, "e3") == 0)
            assert_true(r->region_score == 0);
    }
    cm_assignment_free(a);
    cm_diags_free(d);
    cm_pairs_free(p);
}

static void expect_problem(const char *name, const char *text, const char *message)
{
    cm_pairs *p = cm_pairs_new();
    cm_diags *d = cm_diags_new();
    assert_int_equal(load(p, "ok.csv", "enterprise,region,score\nk1,k2,0.5\n", CM_FORMAT_AUTO, d),
                     CM_OK);
    assert_int_equal(load(p, name, text, CM_FORMAT_AUTO, d), CM_EINPUT);
    assert_true(cm_diags_count(d) >= 1);
    int found = 0;
    for (size_t i = 0; i < cm_diags_count(d); i++)
        if (strstr(cm_diags_at(d, i)->message, message))
            found = 1;
    if (!found)
        fail_msg("no problem containing '%s'; the first: %s", message,
                 cm_diags_at(d, 0)->message);
    /* nothing of the failed file stays */
    assert_int_equal(cm_pairs_count(p), 1);
    assert_int_equal(cm_pairs_parties(p, CM_KIND_ENTERPRISES), 1);
    assert_int_equal(cm_pairs_add(p, "k1", "k3", 0.5, -1, NULL), CM_OK);
    cm_diags_free(d);
    cm_pairs_free(p);
}

static void test_load_errors(void **state)
{
    (void)state;
    expect_problem("p.csv", "enterprise,region,points\ne1,r1,0.5\n",
                   "p.csv:1: header: expected a column named 'score', found none");
    expect_problem("p.csv", "enterprise,region,score\ne1,r1,0.5\ne2,r1,1.5\n",
                   "p.csv:3:7: record 2 (id \"e2\"): score: expected a number in [0, 1], found \"1.5\"");
    expect_problem("p.csv", "enterprise,region,score\ne1,r1,high\n",
                   "score: expected a number in [0, 1], found \"high\"");
    expect_problem("p.csv", "enterprise,region,score,region_score\ne1,r1,0.5,-1\n",
                   "region_score: expected a number in [0, 1], found \"-1\"");
    expect_problem("p.csv", "enterprise,region,score\ne1,r 1,0.5\n",
                   "region: expected an id of 1-64 characters A-Za-z0-9._:-, found \"r 1\"");
    expect_problem("p.csv", "enterprise,region,score\ne1,,0.5\n",
                   "region: expected an id, found nothing");
    expect_problem("p.csv", "enterprise,region,score\ne1,r1\n",
                   "expected at least 3 fields, found 2");
    expect_problem("p.csv", "enterprise,region,score\ne1,r1,0.5\ne1,r1,0.6\n",
                   "p.csv:3:4: record 2 (id \"e1\"): region: expected a pair not given before, "
                   "found \"r1\"; the pair was first given at line 2");
    expect_problem("p.csv", "enterprise,region,score\nk1,k2,0.5\n", "the pair was given before");
    expect_problem("p.csv", "enterprise,region,score\n\"e1,r1,0.5\n", "expected a closing quote");
    expect_problem("p.csv", "", "expected a header row");
    expect_problem("p.csv", "enterprise,region,score\ne1,r1,0.5\n\xff\n", "p.csv:3: expected UTF-8 text");
    expect_problem("p.jsonl", "{\"enterprise\":\"e1\",\"region\":\"r1\",\"score\":0.5}\n{\"enterprise\":\n",
                   "p.jsonl:2:");
    expect_problem("p.jsonl", "[1]\n", "expected a JSON object");
    expect_problem("p.jsonl", "{\"enterprise\":7,\"region\":\"r1\",\"score\":0.5}\n",
                   "enterprise: expected an id of 1-64 characters A-Za-z0-9._:-, found \"a number\"");
    expect_problem("p.jsonl", "{\"enterprise\":\"e1\",\"region\":\"r1\",\"score\":\"0.5\"}\n",
                   "score: expected a number in [0, 1]");
    expect_problem("p.jsonl", "{\"enterprise\":\"e1\",\"region\":\"r1\"}\n",
                   "score: expected a number in [0, 1], found nothing");
    expect_problem("p.json", "{\"x\":[]}", "expected an array of pairs");
    expect_problem("p.json", "[1]", "record 1: expected a JSON object");
    expect_problem("p.json", "[{", "expected valid JSON");
    /* the pairs loaders read through the shared record readers (csvread, jsonread) */
    expect_problem("p.json", "[{\"enterprise\":\"e1\",\"region\":\"r1\",\"score\":0.5}] x",
                   "p.json:1:49: expected valid JSON, found text after the end of the document");
    expect_problem("p.json", "{\"pairs\": [{\"enterprise\":\"e1\",\"region\":\"r1\",\n"
                   "\"score\":0.5}, {\"enterprise\":\"e2\" \"region\"}]}",
                   "p.json:2:41: record 2: expected valid JSON, found '}' expected near '\"region\"'");
    expect_problem("p.csv", "enterprise,region,score\ne1,r\"1,0.5\n",
                   "p.csv:2:5: expected a quote only around a whole field");

    cm_pairs *p = cm_pairs_new();
    assert_int_equal(cm_pairs_load_file(p, "/nonexistent/pairs.csv", CM_FORMAT_AUTO, NULL), CM_EIO);
    assert_non_null(strstr(cm_pairs_errmsg(p), "cannot open /nonexistent/pairs.csv"));
    assert_int_equal(load(p, "x.csv", "enterprise,region,score\ne1,r1,9\n", CM_FORMAT_CSV, NULL),
                     CM_EINPUT);
    assert_non_null(strstr(cm_pairs_errmsg(p), "x.csv: 1 problem, no pair loaded"));
    cm_pairs_free(p);
}

/* ---- every allocation failing in turn ---- */

#include "fail_alloc.h"

static void test_fault_injection(void **state)
{
    (void)state;
    static const char csv[] = "enterprise,region,score,region_score,reasons\n"
                              "e1,r1,0.9,0.2,a\ne1,r2,0.5,0.9,b\ne2,r1,0.8,0.8,c\n"
                              "e2,r2,0.1,0.1,d\ne3,r1,0.05,0.05,e\n";
    cm_set_allocator(&counting);
    int completed = 0;
    for (fail_at = 1; !completed && fail_at < 5000; fail_at++) {
        calls = 0;
        live = 0;
        cm_pairs *p = cm_pairs_new();
        if (p == NULL) {
            assert_int_equal(live, 0);
            continue;
        }
        cm_status s = cm_pairs_load_buffer(p, "f.csv", csv, sizeof csv - 1, CM_FORMAT_CSV, NULL);
        if (s == CM_OK)
            s = cm_pairs_set_capacity(p, "r1", 1);
        cm_assignment *a1 = NULL, *a2 = NULL;
        cm_assign_options o;
        cm_assign_options_init(&o);
        o.min_score = 0.1;
        if (s == CM_OK)
            s = cm_assign(p, &o, &a1);
        o.method = CM_ASSIGN_OPTIMAL;
        if (s == CM_OK)
            s = cm_assign(p, &o, &a2);
        assert_true(s == CM_OK || s == CM_ENOMEM);
        if (s == CM_OK) {
            assert_int_equal(cm_assignment_count(a1), 2);
            completed = 1;
        }
        cm_assignment_free(a1);
        cm_assignment_free(a2);
        cm_pairs_free(p);
        assert_int_equal(live, 0);
    }
    cm_set_allocator(NULL);
    fail_at = 0;
    assert_true(completed);
}

/* ---- schedules ---- */

static cm_pairs *random_meetings(int ne, int nr, int per, unsigned seed)
{
    rng = seed * 2654435761ULL + 1;
    cm_pairs *p = cm_pairs_new();
    for (int e = 0; e < ne; e++)
        for (int k = 0; k < per; k++) {
            char en[16], rn[16];
            snprintf(en, sizeof en, "e%02d", e);
            snprintf(rn, sizeof rn, "r%02d", (int)rnd((unsigned)nr));
            cm_pairs_add(p, en, rn, (double)(1 + rnd(9)) / 10, -1, NULL);   /* repeats refused */
        }
    return p;
}

/* nobody twice in a slot, at most T a slot; returns the slots used */
static unsigned check_schedule(const cm_schedule *s, unsigned T)
{
    size_t n = cm_schedule_count(s);
    for (size_t i = 0; i < n; i++) {
        const cm_meeting *a = cm_schedule_meeting(s, i);
        unsigned at_once = 1;
        for (size_t j = i + 1; j < n; j++) {
            const cm_meeting *b = cm_schedule_meeting(s, j);
            if (a->session != b->session || a->slot != b->slot)
                continue;
            at_once++;
            assert_true(strcmp(a->enterprise, b->enterprise) != 0);
            assert_true(strcmp(a->region, b->region) != 0);
            assert_true(a->table != b->table);
        }
        if (T)
            assert_true(a->table >= 1 && a->table <= T && at_once <= T);
    }
    unsigned used = cm_schedule_slots(s, NULL, NULL);
    return used;
}

static void test_schedule(void **state)
{
    (void)state;
    const char *one[] = { "2026-05-20T09:00", NULL };
    const char *two[] = { "2026-05-20T09:00", "2026-05-21T14:30", NULL };
    for (unsigned round = 0; round < 60; round++) {
        cm_pairs *p = random_meetings(12, 6, 3, round);
        size_t m = cm_pairs_count(p);
        /* the busiest participant */
        unsigned deg[64] = { 0 }, maxdeg = 0;
        cm_schedule_options o;
        cm_schedule_options_init(&o);
        o.sessions = one;
        cm_schedule *s;
        assert_int_equal(cm_schedule_make(p, &o, &s), CM_OK);
        assert_int_equal(cm_schedule_count(s), m);
        for (size_t i = 0; i < cm_schedule_count(s); i++) {
            const cm_meeting *mt = cm_schedule_meeting(s, i);
            unsigned a = (unsigned)atoi(mt->enterprise + 1), b = 32 + (unsigned)atoi(mt->region + 1);
            if (++deg[a] > maxdeg) maxdeg = deg[a];
            if (++deg[b] > maxdeg) maxdeg = deg[b];
        }
        unsigned min;
        assert_int_equal(check_schedule(s, 0), maxdeg);     /* fewest: the busiest one's count */
        cm_schedule_slots(s, &min, NULL);
        assert_int_equal(min, maxdeg);
        cm_schedule_free(s);
        /* tables binding: meetings / tables, rounded up */
        o.tables = 2;
        assert_int_equal(cm_schedule_make(p, &o, &s), CM_OK);
        unsigned want = (unsigned)((m + 1) / 2) > maxdeg ? (unsigned)((m + 1) / 2) : maxdeg;
        assert_int_equal(check_schedule(s, 2), want);
        assert_int_equal(cm_schedule_count(s), m);
        cm_schedule_free(s);
        /* too few slots: the rest listed, the lowest-scored first to go */
        o.sessions = two;
        o.slots = 2;
        o.tables = 3;
        assert_int_equal(cm_schedule_make(p, &o, &s), CM_OK);
        check_schedule(s, 3);
        assert_int_equal(cm_schedule_count(s) + cm_schedule_unplaced_count(s), m);
        assert_true(cm_schedule_count(s) <= 12);
        for (size_t i = 0; i < cm_schedule_unplaced_count(s); i++)
            assert_non_null(cm_schedule_unplaced(s, i)->unplaced);
        for (size_t i = 0; i < cm_schedule_count(s); i++) {
            const cm_meeting *mt = cm_schedule_meeting(s, i);
            assert_true(mt->slot >= 1 && mt->slot <= 2 && mt->session >= 1 && mt->session <= 2);
            if (mt->session == 2 && mt->slot == 1)
                assert_string_equal(mt->start, "2026-05-21T14:30");
            if (mt->session == 1 && mt->slot == 2)
                assert_string_equal(mt->end, "2026-05-20T09:40");
        }
        cm_schedule_free(s);
        cm_pairs_free(p);
    }
}

static int sink(const char *data, size_t len, void *ud)
{
    size_t *n = ud;
    (void)data;
    *n += len;
    return 0;
}

static int failing_sink(const char *data, size_t len, void *ud)
{
    (void)data; (void)len; (void)ud;
    return 1;
}

static void test_schedule_errors_and_ical(void **state)
{
    (void)state;
    cm_pairs *p = random_meetings(4, 3, 2, 7);
    cm_schedule_options o;
    cm_schedule_options_init(&o);
    cm_schedule *s = NULL;
    assert_int_equal(cm_schedule_make(p, &o, &s), CM_EUSAGE);
    assert_non_null(strstr(cm_last_error(), "give the start of each session"));
    const char *bad[] = { "2026-02-29T09:00", NULL };
    o.sessions = bad;
    assert_int_equal(cm_schedule_make(p, &o, &s), CM_EUSAGE);
    assert_non_null(strstr(cm_last_error(), "session 1: expected a start like 2026-05-20T09:00"));
    const char *leap[] = { "2028-02-29T23:50", NULL };
    o.sessions = leap;
    o.meeting_minutes = 30;
    assert_int_equal(cm_schedule_make(p, &o, &s), CM_OK);
    assert_string_equal(cm_schedule_meeting(s, 0)->end, "2028-03-01T00:20");
    assert_true(cm_schedule_participants(s, CM_KIND_ENTERPRISES) == 4);
    const cm_meeting *ag[8];
    size_t n = cm_schedule_agenda(s, CM_KIND_ENTERPRISES, 0, ag, 8);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(ag[i]->enterprise, cm_schedule_participant(s, CM_KIND_ENTERPRISES, 0));
    size_t bytes = 0;
    assert_int_equal(cm_schedule_ical(s, CM_KIND_ENTERPRISES, 0, NULL, 0, sink, &bytes), CM_OK);
    assert_true(bytes > 100);
    assert_int_equal(cm_schedule_ical(s, CM_KIND_ENTERPRISES, 0, NULL, 0, failing_sink, NULL), CM_EIO);
    assert_int_equal(cm_schedule_ical(s, CM_KIND_ENTERPRISES, 99, NULL, 0, sink, &bytes), CM_EUSAGE);
    cm_schedule_free(s);
    cm_schedule_free(NULL);
    cm_pairs_free(p);
}

static void test_report(void **state)
{
    (void)state;
    cm_pairs *p = cm_pairs_new();
    cm_pairs_add(p, "e1", "r1", 0.75, -1, "a: <b> & c");
    cm_pairs_add(p, "e2", "r1", 0.5, -1, NULL);
    cm_pairs_add(p, "e3", "r2", 0.05, -1, NULL);
    cm_pairs_set_capacity(p, "r1", 2);
    cm_assign_options o;
    cm_assign_options_init(&o);
    o.min_score = 0.1;
    cm_assignment *a;
    assert_int_equal(cm_assign(p, &o, &a), CM_OK);
    cm_report *r = cm_report_new(NULL, "t <1>");
    assert_int_equal(cm_report_add_assignment(r, a), CM_OK);
    assert_int_equal(cm_report_add_meta(r, "policy", "x & y"), CM_OK);
    assert_int_equal(cm_report_add_row(NULL, "a", "b", 0, 0, 0, 0, NULL), CM_EUSAGE);
    size_t bytes = 0;
    assert_int_equal(cm_report_write_html(r, sink, &bytes), CM_OK);
    assert_true(bytes > 2000);
    assert_int_equal(cm_report_write_html(r, failing_sink, NULL), CM_EIO);
    cm_report_free(r);
    cm_report_free(NULL);
    cm_assignment_free(a);
    cm_pairs_free(p);
}

static void test_report_of_match(void **state)
{
    (void)state;
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    assert_non_null(e);
    assert_int_equal(cm_engine_load_file(e, "examples/data/regions.json", NULL, NULL), CM_OK);
    assert_int_equal(cm_engine_load_file(e, "examples/data/enterprises.json", NULL, NULL), CM_OK);
    cm_policy *pol = cm_policy_load(e, "tests/policies/basic.lua", NULL);
    assert_non_null(pol);
    cm_match_options mo;
    cm_match_options_init(&mo);
    mo.top = 2;
    mo.explain = 1;
    cm_result *res;
    assert_int_equal(cm_match(e, pol, &mo, &res), CM_OK);
    cm_report *r = cm_report_new(e, "match");
    assert_int_equal(cm_report_add_result(r, res, CM_KIND_ENTERPRISES), CM_OK);
    assert_int_equal(cm_report_add_result(NULL, res, CM_KIND_ENTERPRISES), CM_EUSAGE);
    size_t bytes = 0;
    assert_int_equal(cm_report_write_html(r, sink, &bytes), CM_OK);
    assert_true(bytes > 10000);
    /* and as candidate pairs */
    cm_pairs *p = cm_pairs_new();
    assert_int_equal(cm_pairs_add_profiles(p, e), CM_OK);
    assert_int_equal(cm_pairs_add_result(p, res), CM_OK);
    assert_int_equal(cm_pairs_add_result(p, res), CM_OK);    /* pairs held are kept */
    assert_int_equal(cm_pairs_count(p), cm_result_count(res));
    cm_assignment *a;
    assert_int_equal(cm_assign(p, NULL, &a), CM_OK);
    assert_non_null(cm_assignment_row(a, 0)->reasons);
    cm_assignment_free(a);
    cm_pairs_free(p);
    cm_report_free(r);
    cm_result_free(res);
    cm_policy_free(pol);
    cm_engine_free(e);
}

static void test_fault_injection_schedule_report(void **state)
{
    (void)state;
    const char *sessions[] = { "2026-05-20T09:00", NULL };
    cm_pairs *p = random_meetings(6, 3, 2, 3);    /* made with the normal allocator */
    cm_set_allocator(&counting);
    int completed = 0;
    for (fail_at = 1; !completed && fail_at < 20000; fail_at++) {
        calls = 0;
        live = 0;
        cm_schedule_options o;
        cm_schedule_options_init(&o);
        o.sessions = sessions;
        o.tables = 2;
        cm_schedule *s = NULL;
        cm_status st = cm_schedule_make(p, &o, &s);
        cm_assignment *a = NULL;
        if (st == CM_OK)
            st = cm_assign(p, NULL, &a);
        cm_report *r = NULL;
        if (st == CM_OK) {
            r = cm_report_new(NULL, "t");
            st = r ? cm_report_add_assignment(r, a) : CM_ENOMEM;
        }
        size_t bytes = 0;
        if (st == CM_OK)
            st = cm_report_write_html(r, sink, &bytes);
        assert_true(st == CM_OK || st == CM_ENOMEM);
        if (st == CM_OK)
            completed = 1;
        cm_report_free(r);
        cm_assignment_free(a);
        cm_schedule_free(s);
        assert_int_equal(live, 0);
    }
    cm_set_allocator(NULL);
    fail_at = 0;
    cm_pairs_free(p);
    assert_true(completed);
}

/* cm_pairs_add_candidates gives the pairs of cm_match, both directions */
static void test_candidates(void **state)
{
    (void)state;
    cm_engine *e = cm_engine_new(NULL);
    assert_non_null(e);
    assert_int_equal(cm_engine_load_file(e, "examples/data/regions.json", NULL, NULL), CM_OK);
    assert_int_equal(cm_engine_load_file(e, "examples/data/enterprises.json", NULL, NULL), CM_OK);
    cm_policy *p = cm_policy_load(e, "examples/fair/fair.lua", NULL);
    assert_non_null(p);
    cm_match_options mo;
    cm_match_options_init(&mo);
    mo.top = 2;
    mo.min_score = 0.1;
    cm_result *r1 = NULL, *r2 = NULL;
    assert_int_equal(cm_match(e, p, &mo, &r1), CM_OK);
    mo.by = CM_KIND_REGIONS;
    mo.top = 1;
    assert_int_equal(cm_match(e, p, &mo, &r2), CM_OK);
    cm_pairs *want = cm_pairs_new();
    assert_int_equal(cm_pairs_add_result(want, r1), CM_OK);
    size_t one_side = cm_pairs_count(want);
    assert_int_equal(cm_pairs_add_result(want, r2), CM_OK);

    cm_candidate_options co;
    cm_candidate_options_init(&co);
    assert_true(co.min_score < 0);
    co.per_enterprise = 2;
    co.min_score = 0.1;
    cm_pairs *got = cm_pairs_new();
    assert_int_equal(cm_pairs_add_candidates(got, e, p, &co), CM_OK);
    assert_true(one_side > 0);
    assert_int_equal(cm_pairs_count(got), one_side);
    co.per_region = 1;
    assert_int_equal(cm_pairs_add_candidates(got, e, p, &co), CM_OK);
    assert_int_equal(cm_pairs_count(got), cm_pairs_count(want));
    assert_int_equal(cm_pairs_add_candidates(got, NULL, p, &co), CM_EUSAGE);
    assert_non_null(strstr(cm_last_error(), "cm_pairs_add_candidates"));
    cm_pairs_free(got);
    cm_pairs_free(want);
    cm_result_free(r1);
    cm_result_free(r2);
    cm_policy_free(p);
    cm_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candidates),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_proposer_optimal),
        cmocka_unit_test(test_random_instances),
        cmocka_unit_test(test_optimal_beats_stable),
        cmocka_unit_test(test_left_out),
        cmocka_unit_test(test_default_capacity_and_k),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_load_formats),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_fault_injection),
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_schedule_errors_and_ical),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_report_of_match),
        cmocka_unit_test(test_fault_injection_schedule_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
