/* test_threads.c - one engine shared by several threads: each thread loads its
 * own policies (from the same files) and matches again and again, each call
 * itself with worker threads and explanations; every result must equal the
 * single-threaded reference, row by row and reason by reason. Error messages
 * are per thread: one thread's failures never change another's message.
 *
 * Meant to run under ThreadSanitizer too (tests/cli/tsan.sh). Worker threads
 * never call cmocka's asserts (they longjmp); they count what differed and
 * the main thread asserts. Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capmatch.h"
#include "same_result.h"

#define REGIONS "examples/data/regions.json"
#define ENTERPRISES "examples/data/enterprises.json"
#define NPOLICIES 2
static const char *const policy_files[NPOLICIES] = {
    "tests/policies/basic.lua",          /* Lua filter, derived value, Lua rule */
    "tests/policies/unit_builtins.lua",  /* every built-in, shared compiled regexes */
};

#define NTHREADS 4
#define ROUNDS 6
#define ONE_ENTERPRISE "cn-xian-textile-machinery"
#define ONE_REGION "ph-catanduanes"


/* ---- the reference, made on the main thread with one worker ---------------------------- */

enum { R_BY_ENTERPRISE, R_BY_REGION, R_ONE, R_ONE_REGION, R_PAIR, R_COUNT };

typedef struct reference {
    cm_policy *p[NPOLICIES];  /* kept: explanations point at its rule names */
    cm_result *r[NPOLICIES][R_COUNT];
} reference;

static cm_engine *engine;
static reference ref;

static void options(cm_match_options *o, cm_kind by, int threads)
{
    cm_match_options_init(o);
    o->by = by;
    o->top = by == CM_KIND_REGIONS ? 57 : 18;    /* every pair that passes the filters */
    o->min_score = 0;
    o->threads = threads;
    o->explain = 1;
}

/* What the progress callback saw during one call. */
typedef struct progress {
    size_t calls, last_done, last_total;
    int backwards;
} progress;

static void on_progress(size_t done, size_t total, void *ud)
{
    progress *pr = ud;
    if (pr->calls++ && done < pr->last_done)
        pr->backwards = 1;
    pr->last_done = done;
    pr->last_total = total;
}

/* Run check `what` of policy p; NULL on failure. With pr, the progress
 * callback is used. */
static cm_result *run_progress(cm_policy *p, int what, int threads, progress *pr)
{
    cm_match_options o;
    cm_result *r = NULL;
    cm_status st;
    switch (what) {
    case R_BY_ENTERPRISE:
        options(&o, CM_KIND_ENTERPRISES, threads);
        if (pr) {
            o.progress = on_progress;
            o.progress_ud = pr;
        }
        st = cm_match(engine, p, &o, &r);
        break;
    case R_BY_REGION:
        options(&o, CM_KIND_REGIONS, threads);
        st = cm_match(engine, p, &o, &r);
        break;
    case R_ONE:
        options(&o, CM_KIND_ENTERPRISES, threads);
        st = cm_match_one(engine, p, CM_KIND_ENTERPRISES, ONE_ENTERPRISE, &o, &r);
        break;
    case R_ONE_REGION:
        options(&o, CM_KIND_REGIONS, threads);
        st = cm_match_one(engine, p, CM_KIND_REGIONS, ONE_REGION, &o, &r);
        break;
    default:
        st = cm_explain_pair(engine, p, ONE_ENTERPRISE, ONE_REGION, &r);
        break;
    }
    if (st != CM_OK) {
        cm_result_free(r);
        return NULL;
    }
    return r;
}

static cm_result *run(cm_policy *p, int what, int threads)
{
    return run_progress(p, what, threads, NULL);
}

static int setup(void **state)
{
    (void)state;
    cm_status st;
    engine = cm_engine_new(&st);
    if (engine == NULL)
        return -1;
    if (cm_engine_load_file(engine, REGIONS, NULL, NULL) != CM_OK ||
        cm_engine_load_file(engine, ENTERPRISES, NULL, NULL) != CM_OK) {
        fprintf(stderr, "loading the examples: %s\n", cm_engine_errmsg(engine));
        return -1;
    }
    for (int k = 0; k < NPOLICIES; k++) {
        cm_policy *p = ref.p[k] = cm_policy_load(engine, policy_files[k], NULL);
        if (p == NULL) {
            fprintf(stderr, "%s: %s\n", policy_files[k], cm_engine_errmsg(engine));
            return -1;
        }
        for (int w = 0; w < R_COUNT; w++)
            if ((ref.r[k][w] = run(p, w, 1)) == NULL) {
                fprintf(stderr, "reference %d of %s: %s\n", w, policy_files[k],
                        cm_engine_errmsg(engine));
                return -1;
            }
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int k = 0; k < NPOLICIES; k++) {
        for (int w = 0; w < R_COUNT; w++)
            cm_result_free(ref.r[k][w]);
        cm_policy_free(ref.p[k]);
    }
    cm_engine_free(engine);
    return 0;
}

/* The reference is sound before it is compared with anything. */
static void test_reference(void **state)
{
    (void)state;
    for (int k = 0; k < NPOLICIES; k++) {
        assert_true(cm_result_count(ref.r[k][R_BY_ENTERPRISE]) > 100);
        assert_int_equal(cm_result_count(ref.r[k][R_BY_ENTERPRISE]),
                         cm_result_count(ref.r[k][R_BY_REGION]));
        assert_true(cm_result_count(ref.r[k][R_ONE]) > 0);
        assert_true(cm_result_count(ref.r[k][R_ONE_REGION]) > 0);
        assert_int_equal(cm_result_count(ref.r[k][R_PAIR]), 1);
        assert_non_null(cm_result_explain(ref.r[k][R_BY_ENTERPRISE], 0, 0));
    }
    /* many workers in one call give the reference too */
    for (int k = 0; k < NPOLICIES; k++) {
        cm_policy *p = cm_policy_load(engine, policy_files[k], NULL);
        assert_non_null(p);
        for (int threads = 2; threads <= 8; threads *= 2)
            for (int w = 0; w < R_COUNT; w++) {
                char why[600];
                cm_result *r = run(p, w, threads);
                if (!same_result(ref.r[k][w], r, why, sizeof why))
                    fail_msg("%s, check %d, %d threads: %s", policy_files[k], w, threads, why);
                cm_result_free(r);
            }
        cm_policy_free(p);
    }
}

/* ---- many threads, one engine ---------------------------------------------------------- */

static pthread_barrier_t barrier;

typedef struct worker {
    int index;
    pthread_t tid;
    int runs, failures;
    char first[800];          /* the first failure */
    char own[64];             /* the id this thread failed to find, for its message */
} worker;

static void failed(worker *w, const char *fmt, ...)
{
    if (w->failures++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->first, sizeof w->first, fmt, ap);
        va_end(ap);
    }
}

/* Fail on purpose with an id only this thread uses; check the message. */
static void fail_with(worker *w, const char *id)
{
    cm_result *r = NULL;
    cm_status st = cm_match_one(engine, NULL, CM_KIND_ENTERPRISES, id, NULL, &r);
    if (st != CM_EUSAGE)
        failed(w, "cm_match_one without a policy: status %d", (int)st);
    cm_policy *p = cm_policy_load(engine, id, NULL);   /* no such file */
    if (p != NULL) {
        cm_policy_free(p);
        failed(w, "policy %s loaded", id);
        return;
    }
    if (strstr(cm_engine_errmsg(engine), id) == NULL)
        failed(w, "message after failing with %s: '%s'", id, cm_engine_errmsg(engine));
}

static void check_own_message(worker *w, const char *id)
{
    if (strstr(cm_engine_errmsg(engine), id) == NULL)
        failed(w, "thread %d: message '%s', expected one naming %s", w->index,
               cm_engine_errmsg(engine), id);
}

static void *work(void *arg)
{
    worker *w = arg;
    cm_policy *pol[NPOLICIES] = { NULL };
    char why[600];
    /* each thread loads its own policies, at the same time as the others */
    for (int k = 0; k < NPOLICIES; k++) {
        pol[k] = cm_policy_load(engine, policy_files[k], NULL);
        if (pol[k] == NULL)
            failed(w, "%s: %s", policy_files[k], cm_engine_errmsg(engine));
    }
    snprintf(w->own, sizeof w->own, "missing-%d.lua", w->index);
    fail_with(w, w->own);
    pthread_barrier_wait(&barrier);   /* every thread has its own message now */

    for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < NPOLICIES && pol[k]; k++)
            for (int step = 0; step < R_COUNT; step++) {
                /* not all threads in the same order */
                int what = (step + w->index + round) % R_COUNT;
                /* the first round of thread 1 reports progress (it sleeps
                 * between reports, so only once) */
                progress pr = { 0, 0, 0, 0 };
                int with_progress = w->index == 1 && round == 0 && what == R_BY_ENTERPRISE;
                cm_result *r = run_progress(pol[k], what, 2, with_progress ? &pr : NULL);
                w->runs++;
                if (with_progress && (pr.calls == 0 || pr.backwards || pr.last_done != 57 ||
                                      pr.last_total != 57))
                    failed(w, "progress: %zu calls, last %zu of %zu%s", pr.calls, pr.last_done,
                           pr.last_total, pr.backwards ? ", going backwards" : "");
                if (r == NULL)
                    failed(w, "round %d, %s, check %d: %s", round, policy_files[k], what,
                           cm_engine_errmsg(engine));
                else if (!same_result(ref.r[k][what], r, why, sizeof why))
                    failed(w, "round %d, %s, check %d: %s", round, policy_files[k], what, why);
                cm_result_free(r);
            }
        if (w->index == 0) {
            /* thread 0 keeps failing while the others work */
            char noise[64];
            snprintf(noise, sizeof noise, "noise-%d.lua", round);
            fail_with(w, noise);
        } else {
            check_own_message(w, w->own);
        }
    }
    pthread_barrier_wait(&barrier);   /* thread 0 has failed for the last time */
    check_own_message(w, w->index == 0 ? "noise-" : w->own);
    for (int k = 0; k < NPOLICIES; k++)
        cm_policy_free(pol[k]);
    return NULL;
}

static void test_threads_share_engine(void **state)
{
    (void)state;
    worker w[NTHREADS];
    memset(w, 0, sizeof w);
    /* the main thread's own message, kept through all of it */
    fail_with(&w[0], "main-thread.lua");
    assert_int_equal(w[0].failures, 0);
    assert_int_equal(pthread_barrier_init(&barrier, NULL, NTHREADS), 0);
    for (int i = 0; i < NTHREADS; i++) {
        w[i].index = i;
        assert_int_equal(pthread_create(&w[i].tid, NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(w[i].tid, NULL);
    pthread_barrier_destroy(&barrier);
    int failures = 0;
    for (int i = 0; i < NTHREADS; i++) {
        if (w[i].failures)
            print_error("thread %d: %d failures, the first: %s\n", i, w[i].failures, w[i].first);
        failures += w[i].failures;
        assert_int_equal(w[i].runs, ROUNDS * NPOLICIES * R_COUNT);
    }
    assert_int_equal(failures, 0);
    assert_non_null(strstr(cm_engine_errmsg(engine), "main-thread.lua"));
}

/* Two threads, strictly in turn: a failure in one leaves the other's message. */
typedef struct turn {
    const char *id;
    char before[256], after[256];
} turn;

static pthread_barrier_t step;

static void *take_turn(void *arg)
{
    turn *t = arg;
    cm_result *r = NULL;
    pthread_barrier_wait(&step);                       /* 1 */
    if (t->id[0] == 'a')
        cm_explain_pair(engine, NULL, "x", "y", &r);   /* CM_EUSAGE: no message needed */
    /* a fails first, then b, each with its own id */
    if (t->id[0] == 'a') {
        cm_policy_free(cm_policy_load(engine, t->id, NULL));
        snprintf(t->before, sizeof t->before, "%s", cm_engine_errmsg(engine));
    }
    pthread_barrier_wait(&step);                       /* 2 */
    if (t->id[0] == 'b') {
        cm_policy_free(cm_policy_load(engine, t->id, NULL));
        snprintf(t->before, sizeof t->before, "%s", cm_engine_errmsg(engine));
    }
    pthread_barrier_wait(&step);                       /* 3 */
    snprintf(t->after, sizeof t->after, "%s", cm_engine_errmsg(engine));
    return NULL;
}

static void test_errmsg_per_thread(void **state)
{
    (void)state;
    turn a = { "a-first.lua", "", "" }, b = { "b-second.lua", "", "" };
    pthread_t ta, tb;
    cm_policy_free(cm_policy_load(engine, "main-again.lua", NULL));
    assert_non_null(strstr(cm_engine_errmsg(engine), "main-again.lua"));
    assert_int_equal(pthread_barrier_init(&step, NULL, 2), 0);
    assert_int_equal(pthread_create(&ta, NULL, take_turn, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, take_turn, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&step);
    assert_non_null(strstr(a.before, "a-first.lua"));
    assert_non_null(strstr(b.before, "b-second.lua"));
    /* b's failure came after a's, and did not touch a's message */
    assert_string_equal(a.after, a.before);
    assert_string_equal(b.after, b.before);
    assert_non_null(strstr(cm_engine_errmsg(engine), "main-again.lua"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_threads_share_engine),
        cmocka_unit_test(test_errmsg_per_thread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
