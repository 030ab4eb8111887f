/* test_diag.c - message format, quoting and the problem limit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "diag.h"

static void test_format(void **state)
{
    (void)state;
    cm_diags *d = cm_diags_new();
    diag_info a = { "f.json", 3, 7, 2, "ph-cat", 6, "subdivision", "a subdivision of PH",
                    "\"CN-HI\"", NULL };
    assert_int_equal(diag_add(d, &a), 0);
    diag_info b = { "f.csv", 0, 0, 0, NULL, 0, NULL, NULL, NULL, "the file is empty" };
    assert_int_equal(diag_add(d, &b), 0);
    assert_string_equal(cm_diags_at(d, 0)->message,
                        "f.json:3:7: record 2 (id \"ph-cat\"): subdivision: expected a "
                        "subdivision of PH, found \"CN-HI\"");
    assert_string_equal(cm_diags_at(d, 1)->message, "f.csv: the file is empty");
    const cm_diag *g = cm_diags_at(d, 0);
    assert_string_equal(g->file, "f.json");
    assert_int_equal(g->line, 3);
    assert_int_equal(g->column, 7);
    assert_int_equal(g->record, 2);
    assert_string_equal(g->id, "ph-cat");
    assert_string_equal(g->field, "subdivision");
    assert_null(cm_diags_at(d, 1)->id);
    assert_null(cm_diags_at(d, 2));
    cm_diags_free(d);
    cm_diags_free(NULL);
}

static void test_limit(void **state)
{
    (void)state;
    cm_diags *d = cm_diags_new();
    d->limit = 2;
    diag_info a = { "f", 1, 0, 0, NULL, 0, NULL, NULL, NULL, "x" };
    for (int i = 0; i < 5; i++)
        assert_int_equal(diag_add(d, &a), 0);
    assert_int_equal(cm_diags_count(d), 2);
    assert_int_equal(cm_diags_dropped(d), 3);
    cm_diags_clear(d);
    assert_int_equal(cm_diags_count(d), 0);
    assert_int_equal(cm_diags_dropped(d), 0);
    cm_diags_free(d);
}

static void test_quote(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(diag_quote(buf, sizeof buf, "a\"b\\c\n", 6), "\"a\\\"b\\\\c\\n\"");
    /* valid UTF-8 passes whole; a stray byte is shown as \xNN */
    assert_string_equal(diag_quote(buf, sizeof buf, "海南\xff", 7), "\"海南\\xff\"");
    /* long values are cut on a character boundary with ... */
    char big[200];
    for (int i = 0; i < 60; i++)
        memcpy(big + 3 * i, "中", 3);
    const char *q = diag_quote(buf, 20, big, 180);
    assert_true(strlen(q) < 20);
    assert_non_null(strstr(q, "...\""));
    assert_int_equal(utf8_check(q, strlen(q)), strlen(q));
}

static void test_utf8_check(void **state)
{
    (void)state;
    assert_int_equal(utf8_check("abc", 3), 3);
    assert_int_equal(utf8_check("ab\xc3\xa9", 4), 4);
    assert_int_equal(utf8_check("ab\xc3", 3), 2);          /* cut sequence */
    assert_int_equal(utf8_check("\xc0\xaf", 2), 0);        /* overlong */
    assert_int_equal(utf8_check("\xed\xa0\x80", 3), 0);    /* surrogate */
    assert_int_equal(utf8_check("\xf4\x90\x80\x80", 4), 0);  /* above U+10FFFF */
    assert_int_equal(utf8_check("0123456789abcdef\xff", 17), 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_utf8_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
