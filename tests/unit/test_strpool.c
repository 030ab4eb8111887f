/* test_strpool.c - the string interner: identity, lookup, marks and rollback,
 * strings stored without the index. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "strpool.h"
#include "alloc.h"

static void test_intern_identity(void **state)
{
    (void)state;
    strpool p;
    assert_int_equal(cmi_strpool_init(&p), 0);
    str_ref a, b, c, e;
    assert_int_equal(cmi_strpool_intern(&p, "abaca", 5, &a), 0);
    assert_int_equal(cmi_strpool_intern(&p, "abaca fiber", 5, &b), 0); /* only 5 bytes */
    assert_int_equal(cmi_strpool_intern(&p, "rubber", 6, &c), 0);
    assert_int_equal(cmi_strpool_intern(&p, "", 0, &e), 0);
    assert_int_equal(a, b);
    assert_int_not_equal(a, c);
    assert_int_equal(e, STR_NONE);
    assert_string_equal(strpool_get(&p, a), "abaca");
    assert_string_equal(strpool_get(&p, e), "");
    assert_int_equal(cmi_strpool_find(&p, "rubber", 6), c);
    assert_int_equal(cmi_strpool_find(&p, "rub", 3), STR_NONE);
    /* a prefix of an interned string is a different string */
    str_ref d;
    assert_int_equal(cmi_strpool_intern(&p, "rub", 3, &d), 0);
    assert_int_not_equal(c, d);
    cmi_strpool_free(&p);
}

static void test_many_and_rehash(void **state)
{
    (void)state;
    strpool p;
    assert_int_equal(cmi_strpool_init(&p), 0);
    char buf[32];
    str_ref refs[5000];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "id-%d", i);
        assert_int_equal(cmi_strpool_intern(&p, buf, (size_t)n, &refs[i]), 0);
    }
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "id-%d", i);
        assert_int_equal(cmi_strpool_find(&p, buf, (size_t)n), refs[i]);
        assert_string_equal(strpool_get(&p, refs[i]), buf);
    }
    cmi_strpool_free(&p);
}

static void test_rollback(void **state)
{
    (void)state;
    strpool p;
    assert_int_equal(cmi_strpool_init(&p), 0);
    str_ref keep, gone;
    assert_int_equal(cmi_strpool_intern(&p, "keep", 4, &keep), 0);
    strpool_mark m = cmi_strpool_mark_now(&p);
    char buf[32];
    /* enough strings to force the table to grow after the mark */
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(buf, sizeof buf, "tmp-%d", i);
        assert_int_equal(cmi_strpool_intern(&p, buf, (size_t)n, &gone), 0);
    }
    cmi_strpool_rollback(&p, m);
    assert_int_equal(cmi_strpool_find(&p, "keep", 4), keep);
    assert_int_equal(cmi_strpool_find(&p, "tmp-0", 5), STR_NONE);
    assert_int_equal(cmi_strpool_find(&p, "tmp-1999", 8), STR_NONE);
    /* the pool still works after a rollback */
    str_ref again;
    assert_int_equal(cmi_strpool_intern(&p, "tmp-5", 5, &again), 0);
    assert_int_equal(cmi_strpool_find(&p, "tmp-5", 5), again);
    assert_string_equal(strpool_get(&p, again), "tmp-5");
    cmi_strpool_free(&p);
}

/* Strings added without the index (names): a ref of their own, never
 * found, never shared with an equal interned string; a rollback takes them
 * out with the rest and leaves the interned ones findable. */
static void test_add_unindexed(void **state)
{
    (void)state;
    strpool p;
    assert_int_equal(cmi_strpool_init(&p), 0);
    str_ref in, a1, a2, e;
    assert_int_equal(cmi_strpool_intern(&p, "Acme", 4, &in), 0);
    strpool_mark m = cmi_strpool_mark_now(&p);
    assert_int_equal(cmi_strpool_add(&p, "Acme", 4, &a1), 0);
    assert_int_equal(cmi_strpool_add(&p, "Acme Ltd", 8, &a2), 0);
    assert_int_equal(cmi_strpool_add(&p, "", 0, &e), 0);
    assert_int_equal(e, STR_NONE);
    assert_true(a1 != in && a2 != a1);
    assert_string_equal(strpool_get(&p, a1), "Acme");
    assert_string_equal(strpool_get(&p, a2), "Acme Ltd");
    assert_int_equal(p.nentries, 1);
    assert_int_equal(cmi_strpool_find(&p, "Acme", 4), in);
    assert_int_equal(cmi_strpool_find(&p, "Acme Ltd", 8), STR_NONE);
    str_ref again;
    assert_int_equal(cmi_strpool_intern(&p, "Acme Ltd", 8, &again), 0);
    assert_true(again != a2);
    assert_int_equal(cmi_strpool_find(&p, "Acme Ltd", 8), again);
    cmi_strpool_rollback(&p, m);
    assert_int_equal(cmi_strpool_find(&p, "Acme", 4), in);
    assert_int_equal(cmi_strpool_find(&p, "Acme Ltd", 8), STR_NONE);
    assert_int_equal(p.nentries, 1);
    assert_int_equal(cmi_strpool_add(&p, "Acme", 4, &a1), 0);
    assert_string_equal(strpool_get(&p, a1), "Acme");
    cmi_strpool_free(&p);
}

/* Room reserved ahead keeps every string (a large reserve takes a new
 * block and copies only the bytes in use), small and large. */
static void test_reserve_keeps_strings(void **state)
{
    (void)state;
    strpool p;
    assert_int_equal(cmi_strpool_init(&p), 0);
    str_ref a, b, c;
    assert_int_equal(cmi_strpool_intern(&p, "alpha", 5, &a), 0);
    assert_int_equal(cmi_strpool_reserve(&p, 100, 10), 0);           /* small */
    assert_int_equal(cmi_strpool_intern(&p, "beta", 4, &b), 0);
    assert_int_equal(cmi_strpool_reserve(&p, (size_t)64 << 20, 1000), 0);   /* large */
    assert_true(p.cap >= p.len + ((size_t)64 << 20));
    assert_string_equal(strpool_get(&p, a), "alpha");
    assert_string_equal(strpool_get(&p, b), "beta");
    str_ref again;
    assert_int_equal(cmi_strpool_intern(&p, "alpha", 5, &again), 0);
    assert_int_equal(again, a);
    assert_int_equal(cmi_strpool_intern(&p, "gamma", 5, &c), 0);
    assert_string_equal(strpool_get(&p, c), "gamma");
    cmi_strpool_free(&p);

    /* cm_reserve: the used elements move, the capacity is what was asked */
    size_t cap = 4;
    uint32_t *v = cm_malloc(cap * sizeof *v);
    assert_non_null(v);
    for (uint32_t i = 0; i < 4; i++)
        v[i] = i * 7;
    assert_int_equal(cm_reserve((void **)&v, &cap, 3, (size_t)2 << 20, sizeof *v), 0);
    assert_int_equal(cap, (size_t)2 << 20);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(v[i], i * 7);
    assert_int_equal(cm_reserve((void **)&v, &cap, 3, 8, sizeof *v), 0);   /* no smaller */
    assert_int_equal(cap, (size_t)2 << 20);
    cm_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_identity),
        cmocka_unit_test(test_many_and_rehash),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_add_unindexed),
        cmocka_unit_test(test_reserve_keeps_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
