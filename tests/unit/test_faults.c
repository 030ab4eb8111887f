/* test_faults.c - an allocator that fails the Nth allocation, for every N,
 * during loads of JSON, JSON Lines and CSV, valid and invalid: no crash, the
 * engine unchanged on failure and usable afterwards, no leak (the counting
 * allocator must see every block given back). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capmatch.h"

#include "fail_alloc.h"

static const char regions_json[] =
    "{\"meta\": {\"source\": \"test\"}, \"regions\": [\n"
    " {\"id\":\"ph-cat\",\"name\":\"Catanduanes\",\"country\":\"PH\",\"subdivision\":\"PH-CAT\","
    "  \"level\":\"province\",\"location\":{\"lat\":13.7,\"lon\":124.2},"
    "  \"sectors_offered\":[\"0116\",\"1311\"],\"resources\":[\"abaca fiber\",\"coconut\"],"
    "  \"needs\":[\"equipment\",\"capital\"],\"connectivity\":{\"port\":true,\"direct_flights\":[\"CN\"]},"
    "  \"population\":271879,\"attrs\":{\"note\":\"abaca\",\"tags\":[\"x\",\"y\"]}},\n"
    " {\"id\":\"cn-sn\",\"name\":\"陕西\",\"country\":\"CN\",\"subdivision\":\"CN-SN\",\"languages\":[\"zh\"]}\n"
    "]}";

static const char regions_bad_json[] =
    "[{\"id\":\"a\",\"name\":\"A\",\"country\":\"XX\",\"needs\":[\"nope\"]},\n"
    " {\"id\":\"b\",\"name\":\"B\",\"country\":\"PH\",\"subdivision\":\"CN-HI\"},\n"
    " {\"id\":\"a\",\"name\":\"C\",\"country\":\"PH\"}]";

static const char enterprises_csv[] =
    "id,name,country,sector,sectors,employees,revenue.amount,revenue.currency,description,founded\n"
    "e1,\"Abaca, Inc\",PH,1311,0116;2826,12,1000000,PHP,\"decorticating machine\",2009\n"
    "e2,纺织机械,CN,2826,,300,8000000,CNY,\"multi\nline\",true\n"
    "e3,Bad,ZZ,2826,,x,,,,\n";

static const char enterprises_jsonl[] =
    "{\"id\":\"j1\",\"name\":\"J\",\"country\":\"TH\",\"sector\":\"2910\",\"seeks\":[\"capital\"]}\n"
    "not json\n"
    "{\"id\":\"j2\",\"name\":\"K\",\"country\":\"VN\",\"sector\":\"1020\",\"investment\":{\"min\":1,\"max\":2,\"currency\":\"USD\"}}\n";

typedef struct source {
    const char *name;
    const char *text;
    int skip_invalid;
} source;

static void run_faults(const source *s)
{
    /* iso-codes tables are process-wide: load them before counting */
    cm_engine *warm = cm_engine_new(NULL);
    assert_non_null(warm);
    cm_engine_free(warm);

    int succeeded = 0;
    long absorbed = 0;
    long n;
    for (n = 1; n < 200000 && !succeeded; n++) {
        live = 0;
        calls = 0;
        fail_at = 0;
        cm_set_allocator(&counting);
        cm_engine *e = cm_engine_new(NULL);
        assert_non_null(e);
        cm_diags *d = cm_diags_new();
        assert_non_null(d);
        cm_load_options o;
        cm_load_options_init(&o);
        o.skip_invalid = s->skip_invalid;
        calls = 0;
        fail_at = n;
        cm_status st = cm_engine_load_buffer(e, s->name, s->text, strlen(s->text), &o, d);
        fail_at = 0;
        if (calls < n) {
            succeeded = 1;       /* the load made fewer than n allocations */
            assert_true(st == CM_OK || st == CM_EINPUT);
        } else if (st == CM_ENOMEM) {
            /* nothing was loaded, and the engine still works */
            assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), 0);
            assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), 0);
            cm_diags_clear(d);
            cm_status again = cm_engine_load_buffer(e, s->name, s->text, strlen(s->text), &o, d);
            assert_true(again == CM_OK || again == CM_EINPUT);
        } else {
            /* only a failed shrink (trimming spare capacity) may go unnoticed */
            assert_int_equal(st, CM_OK);
            absorbed++;
        }
        cm_diags_free(d);
        cm_engine_free(e);
        cm_set_allocator(NULL);
        if (live != 0)
            fail_msg("%s: %ld blocks leaked when allocation %ld failed", s->name, live, n);
    }
    assert_true(succeeded);
    /* the loads must really allocate, or this test proves nothing */
    assert_true(n > 20);
    print_message("%s: failed each of %ld allocations in turn (%ld absorbed)\n", s->name, n - 2,
                  absorbed);
}

static void test_faults_json(void **state)
{
    (void)state;
    static const source s = { "regions.json", regions_json, 0 };
    run_faults(&s);
}

static void test_faults_json_invalid(void **state)
{
    (void)state;
    static const source s = { "regions.json", regions_bad_json, 0 };
    run_faults(&s);
}

static void test_faults_csv_skip_invalid(void **state)
{
    (void)state;
    static const source s = { "enterprises.csv", enterprises_csv, 1 };
    run_faults(&s);
}

static void test_faults_jsonl(void **state)
{
    (void)state;
    static const source s = { "enterprises.jsonl", enterprises_jsonl, 0 };
    run_faults(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults_json),
        cmocka_unit_test(test_faults_json_invalid),
        cmocka_unit_test(test_faults_csv_skip_invalid),
        cmocka_unit_test(test_faults_jsonl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
