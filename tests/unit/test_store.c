/* test_store.c - the profile store: append, find by id, pools, rollback. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

static str_ref add_region(store *s, const char *id)
{
    struct region r;
    memset(&r, 0, sizeof r);
    r.c.lat = r.c.lon = NAN;
    assert_int_equal(cmi_strpool_intern(&s->strings, id, strlen(id), &r.c.id), 0);
    assert_int_equal(cmi_store_append(s, 0, &r), 0);
    return r.c.id;
}

static void test_append_and_find(void **state)
{
    (void)state;
    store s;
    assert_int_equal(cmi_store_init(&s), 0);
    char id[32];
    str_ref refs[3000];
    for (int i = 0; i < 3000; i++) {
        snprintf(id, sizeof id, "r-%d", i);
        refs[i] = add_region(&s, id);
    }
    assert_int_equal(s.kinds[0].count, 3000);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(cmi_store_find(&s, 0, refs[i]), (size_t)i);
    assert_int_equal(cmi_store_find(&s, 1, refs[5]), SIZE_MAX);   /* other kind */
    assert_int_equal(cmi_store_find(&s, 0, STR_NONE), SIZE_MAX);
    size_t text;
    assert_true(cmi_store_memory(&s, 0, &text) >= 3000 * sizeof(struct region));
    assert_int_equal(text, 0);
    cmi_store_free(&s);
}

static void test_rollback(void **state)
{
    (void)state;
    store s;
    assert_int_equal(cmi_store_init(&s), 0);
    str_ref keep = add_region(&s, "keep");
    uint16_t file;
    assert_int_equal(cmi_store_add_file(&s, "a.json", &file), 0);
    store_mark m = cmi_store_mark_now(&s);
    assert_int_equal(cmi_store_add_file(&s, "b.json", &file), 0);
    char id[32];
    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof id, "gone-%d", i);
        add_region(&s, id);
        assert_int_equal(cmi_store_push_u16(&s, (uint16_t)i), 0);
        uint32_t t;
        assert_int_equal(cmi_store_add_text(&s, "some text", 9, &t), 0);
    }
    cmi_store_rollback(&s, m);
    assert_int_equal(s.kinds[0].count, 1);
    assert_int_equal(s.nfiles, 1);
    assert_int_equal(s.u16_len, 0);
    assert_int_equal(cmi_store_find(&s, 0, keep), 0);
    assert_int_equal(cmi_strpool_find(&s.strings, "gone-1", 6), STR_NONE);
    /* the same ids can come back */
    str_ref again = add_region(&s, "gone-1");
    assert_int_equal(cmi_store_find(&s, 0, again), 1);
    cmi_store_free(&s);
}

/* A few profiles rolled back (a visitor) come out of the id index one by
 * one; every other profile is still found, in its place, round after round. */
static void test_rollback_few(void **state)
{
    (void)state;
    store s;
    assert_int_equal(cmi_store_init(&s), 0);
    char id[32];
    static str_ref refs[4000];
    for (int i = 0; i < 4000; i++) {
        snprintf(id, sizeof id, "r-%d", i);
        refs[i] = add_region(&s, id);
    }
    for (int round = 0; round < 300; round++) {
        store_mark m = cmi_store_mark_now(&s);
        str_ref v[3];
        int n = 1 + round % 3;
        for (int k = 0; k < n; k++) {
            snprintf(id, sizeof id, "visitor-%d-%d", round, k);
            v[k] = add_region(&s, id);
            assert_int_equal(cmi_store_find(&s, 0, v[k]), (size_t)(4000 + k));
        }
        cmi_store_rollback(&s, m);
        assert_int_equal(s.kinds[0].count, 4000);
        for (int k = 0; k < n; k++)
            assert_int_equal(cmi_store_find(&s, 0, v[k]), SIZE_MAX);
    }
    for (int i = 0; i < 4000; i++)
        assert_int_equal(cmi_store_find(&s, 0, refs[i]), (size_t)i);
    cmi_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_find),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_rollback_few),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
