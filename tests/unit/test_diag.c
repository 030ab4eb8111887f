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
    assert_int_equal(cmi_diag_add(d, &a), 0);
    diag_info b = { "f.csv", 0, 0, 0, NULL, 0, NULL, NULL, NULL, "the file is empty" };
    assert_int_equal(cmi_diag_add(d, &b), 0);
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
        assert_int_equal(cmi_diag_add(d, &a), 0);
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
    assert_string_equal(cmi_diag_quote(buf, sizeof buf, "a\"b\\c\n", 6), "\"a\\\"b\\\\c\\n\"");
    /* valid UTF-8 passes whole; a stray byte is shown as \xNN */
    assert_string_equal(cmi_diag_quote(buf, sizeof buf, "海南\xff", 7), "\"海南\\xff\"");
    /* long values are cut on a character boundary with ... */
    char big[200];
    for (int i = 0; i < 60; i++)
        memcpy(big + 3 * i, "中", 3);
    const char *q = cmi_diag_quote(buf, 20, big, 180);
    assert_true(strlen(q) < 20);
    assert_non_null(strstr(q, "...\""));
    assert_int_equal(cmi_utf8_check(q, strlen(q)), strlen(q));
}

static void test_utf8_check(void **state)
{
    (void)state;
    assert_int_equal(cmi_utf8_check("abc", 3), 3);
    assert_int_equal(cmi_utf8_check("ab\xc3\xa9", 4), 4);
    assert_int_equal(cmi_utf8_check("ab\xc3", 3), 2);          /* cut sequence */
    assert_int_equal(cmi_utf8_check("\xc0\xaf", 2), 0);        /* overlong */
    assert_int_equal(cmi_utf8_check("\xed\xa0\x80", 3), 0);    /* surrogate */
    assert_int_equal(cmi_utf8_check("\xf4\x90\x80\x80", 4), 0);  /* above U+10FFFF */
    assert_int_equal(cmi_utf8_check("0123456789abcdef\xff", 17), 16);
}

/* The well-formed byte sequences of RFC 3629 (table 3-7 of Unicode), one
 * byte at a time: the length of the valid prefix. */
static size_t utf8_reference(const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned lo = 0x80, hi = 0xbf;     /* bounds of the second byte */
        if (c < 0x80) { i++; continue; }
        if (c >= 0xc2 && c <= 0xdf) n = 1;
        else if (c == 0xe0) { n = 2; lo = 0xa0; }
        else if (c >= 0xe1 && c <= 0xec) n = 2;
        else if (c == 0xed) { n = 2; hi = 0x9f; }
        else if (c >= 0xee && c <= 0xef) n = 2;
        else if (c == 0xf0) { n = 3; lo = 0x90; }
        else if (c >= 0xf1 && c <= 0xf3) n = 3;
        else if (c == 0xf4) { n = 3; hi = 0x8f; }
        else return i;
        if (i + n >= len || p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= n; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xbf)
                return i;
        i += n + 1;
    }
    return len;
}

/* cmi_utf8_check's fast paths (ASCII words, three-byte characters) agree with
 * the reference on random text: valid characters of every length, cut
 * ones, stray bytes. */
static void test_utf8_random(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "ascii text, longer than sixteen bytes", "\xc3\xa9", "\xe4\xb8\xad",
        "\xe0\xa4\x85", "\xed\x9f\xbf", "\xef\xbf\xbd", "\xf0\x9f\x98\x80",
        "\xf4\x8f\xbf\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xe4\xb8", "\xe4",
        "\xc0\xaf", "\xf4\x90\x80\x80", "\xff", "\x80", "\xbf", "\xe4\x41\x80", "\xe4\xb8\x41",
        "\xf5\x80\x80\x80", "\xe1\xc0\x80",
    };
    uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned char buf[256];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int pieces_n = (int)(x % 12);
        for (int k = 0; k < pieces_n; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            /* mostly valid pieces, so that errors come late in the text */
            size_t which = (x >> 8) % 100 < 85 ? (x >> 16) % 9
                                                : (x >> 16) % (sizeof pieces / sizeof *pieces);
            size_t n = strlen(pieces[which]);
            if (len + n > sizeof buf)
                break;
            memcpy(buf + len, pieces[which], n);
            len += n;
        }
        /* and cut anywhere */
        size_t cut = len ? (size_t)(x >> 40) % (len + 1) : 0;
        assert_int_equal(cmi_utf8_check((const char *)buf, cut), utf8_reference(buf, cut));
        assert_int_equal(cmi_utf8_check((const char *)buf, len), utf8_reference(buf, len));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_utf8_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
