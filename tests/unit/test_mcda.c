/* test_mcda.c - the decision methods' C API: usage errors, the small cases
 * (one alternative, AHP of order 1 and 2), PROMETHEE II's criterion flows
 * adding up to the net flow, and case files loaded under an allocator that
 * fails the Nth allocation, for every N: NULL with CM_ENOMEM, no leak. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capmatch.h"

static void test_usage(void **state)
{
    (void)state;
    double x[2] = { 1, 2 }, w = 1, s[2];
    cm_mcda_problem pb = { 2, 1, x, &w, NULL, CM_NORM_DEFAULT, NULL, 0 };
    assert_int_equal(cm_mcda_scores(CM_MCDA_TOPSIS, NULL, s, NULL), CM_EUSAGE);
    assert_int_equal(cm_mcda_scores(CM_MCDA_TOPSIS, &pb, NULL, NULL), CM_EUSAGE);
    assert_int_equal(cm_mcda_scores(CM_MCDA_AHP, &pb, s, NULL), CM_EUSAGE);
    assert_int_equal(cm_mcda_scores((cm_mcda_method)9, &pb, s, NULL), CM_EUSAGE);
    assert_int_equal(cm_mcda_ahp(NULL, 2, s, NULL), CM_EUSAGE);
    pb.alternatives = 0;
    assert_int_equal(cm_mcda_scores(CM_MCDA_WSM, &pb, s, NULL), CM_EINPUT);
    assert_non_null(strstr(cm_last_error(), "matrix: empty"));
    assert_int_equal(cm_mcda_method_parse("promethee2"), CM_MCDA_PROMETHEE2);
    assert_int_equal(cm_mcda_method_parse("electre"), -1);
    assert_string_equal(cm_mcda_method_name(CM_MCDA_AHP), "ahp");
    assert_null(cm_mcda_case_problem(NULL));
    cm_mcda_case_free(NULL);
}

static void test_small(void **state)
{
    (void)state;
    /* one alternative: at the ideal and the anti-ideal at once */
    double x[3] = { 1, 2, 3 }, w[3] = { 1, 1, 1 }, s[1];
    cm_mcda_problem pb = { 1, 3, x, w, NULL, CM_NORM_DEFAULT, NULL, 0 };
    assert_int_equal(cm_mcda_scores(CM_MCDA_TOPSIS, &pb, s, NULL), CM_OK);
    assert_true(s[0] == 0.5);
    assert_int_equal(cm_mcda_scores(CM_MCDA_PROMETHEE2, &pb, s, NULL), CM_OK);
    assert_true(s[0] == 0);
    /* WSM: weights as given, or divided by their sum */
    assert_int_equal(cm_mcda_scores(CM_MCDA_WSM, &pb, s, NULL), CM_OK);
    assert_true(s[0] == 6);
    pb.normalise_weights = 1;
    assert_int_equal(cm_mcda_scores(CM_MCDA_WSM, &pb, s, NULL), CM_OK);
    assert_true(fabs(s[0] - 2) < 1e-15);
    /* AHP of order 1 and 2: always consistent; 4 to 1 gives 0.8 and 0.2 */
    double one = 1, a2[4] = { 1, 4, 0.25, 1 }, wt[2];
    cm_ahp_result r;
    assert_int_equal(cm_mcda_ahp(&one, 1, wt, &r), CM_OK);
    assert_true(wt[0] == 1 && r.cr == 0 && r.consistent);
    assert_int_equal(cm_mcda_ahp(a2, 2, wt, &r), CM_OK);
    assert_true(fabs(wt[0] - 0.8) < 1e-12 && fabs(wt[1] - 0.2) < 1e-12);
    assert_true(fabs(r.lambda_max - 2) < 1e-12 && r.cr == 0 && r.consistent);
}

static void test_criterion_flows(void **state)
{
    (void)state;
    double x[12] = { 10, 3, 7, 8, 5, 2, 8, 1, 9, 4, 4, 4 };
    double w[3] = { 3, 2, 1 }, s[4], plus[4], minus[4], flows[12];
    int types[3] = { 1, -1, 1 };
    cm_mcda_pref pref[3] = { { CM_PREF_LINEAR, 0.5, 3, 0 }, { CM_PREF_USUAL, 0, 0, 0 },
                             { CM_PREF_GAUSSIAN, 0, 0, 2 } };
    cm_mcda_problem pb = { 4, 3, x, w, types, CM_NORM_DEFAULT, pref, 0 };
    cm_mcda_detail d = { .plus = plus, .minus = minus, .criterion_flows = flows };
    assert_int_equal(cm_mcda_scores(CM_MCDA_PROMETHEE2, &pb, s, &d), CM_OK);
    double total = 0;
    for (int a = 0; a < 4; a++) {
        double sum = 0;
        for (int j = 0; j < 3; j++)
            sum += w[j] / 6 * flows[a * 3 + j];
        assert_true(fabs(sum - s[a]) < 1e-12);
        assert_true(fabs(plus[a] - minus[a] - s[a]) < 1e-12);
        total += s[a];
    }
    assert_true(fabs(total) < 1e-12);
}

static long fail_at, calls, live;

static void *t_malloc(size_t n, void *ud)
{
    (void)ud;
    if (fail_at && ++calls == fail_at)
        return NULL;
    void *p = malloc(n);
    live += p != NULL;
    return p;
}

static void *t_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    if (fail_at && ++calls == fail_at)
        return NULL;
    void *q = realloc(p, n);
    live += p == NULL && q != NULL;
    return q;
}

static void t_free(void *p, void *ud)
{
    (void)ud;
    live -= p != NULL;
    free(p);
}

static const cm_allocator counting = { t_malloc, t_realloc, t_free, NULL };

static void test_case_faults(void **state)
{
    (void)state;
    char path[] = "/tmp/test_mcda_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] =
        "{\"alternatives\": [\"a\", \"b\", \"c\"], \"criteria\": [\"x\", \"y\"],\n"
        " \"matrix\": [[1, 2], [3, 4], [5, 1]], \"weights\": [1, 2], \"types\": [1, \"cost\"],\n"
        " \"preference\": [\"usual\", {\"type\": \"linear\", \"q\": 0.5, \"p\": 2}]}\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    int succeeded = 0;
    long n;
    for (n = 1; n < 10000 && !succeeded; n++) {
        live = 0;
        calls = 0;
        fail_at = n;
        cm_set_allocator(&counting);
        cm_status st;
        cm_mcda_case *c = cm_mcda_case_load(path, CM_MCDA_PROMETHEE2, &st);
        fail_at = 0;
        if (c) {
            succeeded = calls < n;
            assert_int_equal(st, CM_OK);
            assert_int_equal(cm_mcda_case_problem(c)->alternatives, 3);
            assert_string_equal(cm_mcda_case_name(c, 1, 1), "y");
        } else {
            assert_int_equal(st, CM_ENOMEM);
        }
        cm_mcda_case_free(c);
        cm_set_allocator(NULL);
        if (live != 0)
            fail_msg("%ld blocks leaked when allocation %ld failed", live, n);
    }
    unlink(path);
    assert_true(succeeded);
    assert_true(n > 10);      /* the load really allocates */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_small),
        cmocka_unit_test(test_criterion_flows),
        cmocka_unit_test(test_case_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
