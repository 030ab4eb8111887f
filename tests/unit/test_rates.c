/*
 * test_rates.c - unit tests for core/rates.c and core/rates_default.c: the
 * built-in table, conversions, loading a good CSV file, and the exact message
 * for each kind of bad file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rates.h"

static iso_id cur(const char *code) { return cmi_iso_currency(code, strlen(code)); }

static double convert(const rates *r, double amount, const char *from, const char *to)
{
    double out = -12345;
    assert_int_equal(cmi_rates_convert(r, amount, cur(from), cur(to), &out), 0);
    return out;
}

static int group_setup(void **state)
{
    (void)state;
    if (cmi_iso_init() != 0) {
        fprintf(stderr, "iso_init failed: %s\n", cmi_iso_error());
        return -1;
    }
    return 0;
}

/* ---- the built-in table ------------------------------------------------- */

static void test_default_metadata(void **state)
{
    (void)state;
    const rates *r = cmi_rates_default();
    assert_non_null(r);
    assert_ptr_equal(cmi_rates_default(), r);
    assert_string_equal(cmi_rates_date(r), "2025-06-30");
    assert_true(strlen(cmi_rates_source(r)) > 20);
    assert_non_null(strstr(cmi_rates_source(r), "approximate"));
    assert_non_null(strstr(cmi_rates_source(r), "hand-entered"));
    assert_non_null(strstr(cmi_rates_source(r), "2025-06-30"));
    assert_int_equal(cmi_rates_reference(r), cur("USD"));
    cmi_rates_free((rates *)r);     /* a no-op */
    assert_string_equal(cmi_rates_date(cmi_rates_default()), "2025-06-30");
}

static void test_default_rows_are_sound(void **state)
{
    (void)state;
    const rates *r = cmi_rates_default();
    assert_true(r->count >= 26);
    for (size_t i = 0; i < r->count; i++) {
        iso_id id = cmi_iso_currency(r->rows[i].code, 3);
        assert_int_not_equal(id, 0);                    /* a real ISO 4217 code */
        assert_int_equal(strlen(r->rows[i].code), 3);
        assert_true(isfinite(r->rows[i].per_ref) && r->rows[i].per_ref > 0);
        if (i > 0)                                       /* sorted, no duplicates */
            assert_true(memcmp(r->rows[i - 1].code, r->rows[i].code, 3) < 0);
        assert_true(cmi_rates_has(r, id));
    }
    static const char *needed[] = {
        "USD", "CNY", "HKD", "MOP", "TWD", "SGD", "MYR", "THB", "VND", "PHP", "IDR", "LAK", "KHR",
        "MMK", "BND", "JPY", "KRW", "INR", "EUR", "GBP", "AUD", "NZD", "CHF", "CAD", "AED", "SAR",
    };
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        assert_true(cmi_rates_has(r, cur(needed[i])));
    assert_false(cmi_rates_has(r, cur("XAU")));
    assert_false(cmi_rates_has(r, 0));
    assert_false(cmi_rates_has(NULL, cur("USD")));
}

static void test_default_conversions(void **state)
{
    (void)state;
    const rates *r = cmi_rates_default();
    double cny = convert(r, 1, "USD", "CNY");
    assert_true(cny > 7.1 && cny < 7.3);
    double usd = convert(r, 100, "EUR", "USD");
    assert_true(usd > 110 && usd < 125);
    double hkd = convert(r, 1, "MOP", "HKD");                /* MOP is ~0.97 HKD */
    assert_true(hkd > 0.96 && hkd < 0.98);
    double bnd = convert(r, 1, "SGD", "BND");
    assert_true(fabs(bnd - 1) < 1e-12);
    assert_true(fabs(convert(r, 1, "USD", "USD") - 1) == 0);
    assert_true(convert(r, 123.25, "PHP", "PHP") == 123.25);
    assert_true(convert(r, 0, "CNY", "PHP") == 0);

    double amount = 1234567.89;
    double php = convert(r, amount, "CNY", "PHP");
    double back = convert(r, php, "PHP", "CNY");
    assert_true(fabs(back - amount) / amount < 1e-9);
    double vnd = convert(r, amount, "CNY", "VND");
    assert_true(fabs(convert(r, vnd, "VND", "CNY") - amount) / amount < 1e-9);

    double out = 42;
    assert_int_equal(cmi_rates_convert(r, 1, cur("USD"), cur("XAU"), &out), -1);
    assert_int_equal(cmi_rates_convert(r, 1, cur("XAU"), cur("USD"), &out), -1);
    assert_int_equal(cmi_rates_convert(r, 1, 0, cur("USD"), &out), -1);
    assert_int_equal(cmi_rates_convert(r, 1, cur("USD"), 0, &out), -1);
    assert_int_equal(cmi_rates_convert(r, 1, UINT16_MAX, UINT16_MAX, &out), -1);
    assert_int_equal(cmi_rates_convert(NULL, 1, cur("USD"), cur("CNY"), &out), -1);
    assert_true(out == 42);
    assert_int_equal(cmi_rates_convert(r, 1, cur("USD"), cur("CNY"), NULL), -1);
}

/* ---- loading files ------------------------------------------------------ */

static char tmppath[64];

static void write_rates(const char *text, size_t len)
{
    FILE *fp = fopen(tmppath, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static int tmpfile_setup(void **state)
{
    (void)state;
    strcpy(tmppath, "/tmp/capmatch-test-rates-XXXXXX");
    int fd = mkstemp(tmppath);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int tmpfile_teardown(void **state)
{
    (void)state;
    return unlink(tmppath);
}

static void test_load_good(void **state)
{
    (void)state;
    static const char text[] =
        "\xEF\xBB\xBF# capmatch rates\r\n"
        "# date: 2025-01-15\r\n"
        "#source:   test figures, made up  \r\n"
        "# note: other comments are ignored\r\n"
        "\r\n"
        "# Reference: EUR\r\n"
        " currency , per_reference \r\n"
        "PHP,62.5\r\n"
        "\r\n"
        "EUR,1\r\n"
        "  CNY , 7.5e0 \r\n"
        "USD,1.0800\r\n"
        "# trailing comment\r\n"
        "JPY,+160";
    write_rates(text, sizeof text - 1);
    char err[256] = "junk";
    rates *r = cmi_rates_load(tmppath, err, sizeof err);
    assert_non_null(r);
    assert_string_equal(err, "");
    assert_string_equal(cmi_rates_date(r), "2025-01-15");
    assert_string_equal(cmi_rates_source(r), "test figures, made up");
    assert_int_equal(cmi_rates_reference(r), cur("EUR"));
    assert_true(r->count == 5);
    for (size_t i = 1; i < r->count; i++)
        assert_true(memcmp(r->rows[i - 1].code, r->rows[i].code, 3) < 0);
    assert_true(cmi_rates_has(r, cur("JPY")));
    assert_false(cmi_rates_has(r, cur("THB")));
    assert_true(fabs(convert(r, 1, "EUR", "CNY") - 7.5) < 1e-12);
    assert_true(fabs(convert(r, 1, "USD", "EUR") - 1 / 1.08) < 1e-12);
    assert_true(fabs(convert(r, 125, "PHP", "CNY") - 15) < 1e-12);
    assert_true(fabs(convert(r, 1, "EUR", "JPY") - 160) < 1e-12);
    double out;
    assert_int_equal(cmi_rates_convert(r, 1, cur("THB"), cur("EUR"), &out), -1);
    cmi_rates_free(r);
    cmi_rates_free(NULL);

    /* LF only, no comments other than the three keys, err may be NULL */
    static const char plain[] =
        "# date: 2024-12-31\n# source: s\n# reference: USD\ncurrency,per_reference\nUSD,1\n";
    write_rates(plain, sizeof plain - 1);
    r = cmi_rates_load(tmppath, NULL, 0);
    assert_non_null(r);
    assert_true(r->count == 1);
    cmi_rates_free(r);
}

static void test_load_other_locale(void **state)
{
    (void)state;
    const char *old = setlocale(LC_NUMERIC, NULL);
    char saved[64];
    snprintf(saved, sizeof saved, "%s", old != NULL ? old : "C");
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL && setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL) {
        skip();
        return;
    }
    static const char text[] =
        "# date: 2025-06-30\n# source: s\n# reference: USD\ncurrency,per_reference\nUSD,1\nCNY,7.25\n";
    write_rates(text, sizeof text - 1);
    char err[256];
    rates *r = cmi_rates_load(tmppath, err, sizeof err);
    setlocale(LC_NUMERIC, saved);
    assert_non_null(r);
    assert_true(fabs(convert(r, 1, "USD", "CNY") - 7.25) < 1e-12);
    cmi_rates_free(r);
}

struct bad_case {
    const char *text;
    const char *message;     /* after "<path>" */
};

#define HEAD "# capmatch rates\n# date: 2025-06-30\n# source: test\n# reference: USD\n"
#define COLS "currency,per_reference\n"   /* line 5 after HEAD */

static const struct bad_case bad_cases[] = {
    { HEAD COLS "USD,1\nCNY,7.2\nXYZ,1.5\n", ":8: unknown ISO 4217 currency \"XYZ\"" },
    { HEAD COLS "USD,1\ncny,7.2\n", ":7: unknown ISO 4217 currency \"cny\"" },
    { HEAD COLS "USD,1\n,7.2\n", ":7: unknown ISO 4217 currency \"\"" },
    { HEAD COLS "USD,1\nCNY,7.2\nPHP,56\nCNY,7.3\n", ":9: duplicate currency \"CNY\" (first on line 7)" },
    { HEAD COLS "USD,1\nCNY,0\n", ":7: expected a positive number, found \"0\"" },
    { HEAD COLS "USD,1\nCNY,-7.2\n", ":7: expected a positive number, found \"-7.2\"" },
    { HEAD COLS "USD,1\nCNY,0.0e5\n", ":7: expected a positive number, found \"0.0e5\"" },
    { HEAD COLS "USD,1\nCNY,abc\n", ":7: expected a positive number, found \"abc\"" },
    { HEAD COLS "USD,1\nCNY,7.2x\n", ":7: expected a positive number, found \"7.2x\"" },
    { HEAD COLS "USD,1\nCNY,0x10\n", ":7: expected a positive number, found \"0x10\"" },
    { HEAD COLS "USD,1\nCNY,\n", ":7: expected a positive number, found \"\"" },
    { HEAD COLS "USD,1\nCNY,nan\n", ":7: expected a positive number, found \"nan\"" },
    { HEAD COLS "USD,1\nCNY,inf\n", ":7: expected a positive number, found \"inf\"" },
    { HEAD COLS "USD,1\nCNY,1e999\n", ":7: number out of range, found \"1e999\"" },
    { HEAD COLS "USD,1\nCNY,1e-999\n", ":7: number out of range, found \"1e-999\"" },
    { HEAD COLS "USD,1\nCNY,7,2\n", ":7: expected 2 fields (currency,per_reference), found 3" },
    { HEAD COLS "USD,1\nCNY\n", ":7: expected 2 fields (currency,per_reference), found 1" },
    { "# date: 2025-06-30\n# source: test\n" COLS "USD,1\n",
      ": missing the \"# reference: <ISO 4217 code>\" line" },
    { "# source: test\n# reference: USD\n" COLS "USD,1\n",
      ": missing the \"# date: YYYY-MM-DD\" line" },
    { "# date: 2025-06-30\n# reference: USD\n" COLS "USD,1\n",
      ": missing the \"# source: ...\" line" },
    { HEAD COLS "CNY,7.2\nPHP,56\n", ": the reference currency USD has no row" },
    { HEAD COLS "CNY,7.2\nUSD,1.5\n", ":7: the reference currency USD must be 1, found 1.5" },
    { HEAD COLS, ": no currency rows after the header" },
    { HEAD COLS "\n# only a comment\n\n", ": no currency rows after the header" },
    { HEAD "USD,1\nCNY,7.2\n", ":5: expected the header \"currency,per_reference\", found \"USD,1\"" },
    { HEAD "currency;per_reference\n", ":5: expected the header \"currency,per_reference\", "
                                       "found \"currency;per_reference\"" },
    { HEAD, ": missing the header line \"currency,per_reference\"" },
    { "", ": missing the header line \"currency,per_reference\"" },
    { "# date: 30/06/2025\n", ":1: expected a date like 2025-06-30, found \"30/06/2025\"" },
    { "# date: 2025-13-01\n", ":1: expected a date like 2025-06-30, found \"2025-13-01\"" },
    { "# date: 2025-06-30\n# date: 2025-07-01\n", ":2: duplicate \"# date:\" line (first on line 1)" },
    { "# source:   \n", ":1: empty value for \"# source:\"" },
    { "# reference: QQQ\n", ":1: unknown ISO 4217 currency \"QQQ\" in \"# reference:\"" },
    { "# reference: usd\n", ":1: unknown ISO 4217 currency \"usd\" in \"# reference:\"" },
    { "# date: 2025-06-30\r\n# source: t\r\n# reference: USD\r\ncurrency,per_reference\r\n"
      "USD,1\r\nCNY,7.2.1\r\n", ":6: expected a positive number, found \"7.2.1\"" },
    { HEAD COLS "USD,1\nCNY,1234567890123456789012345678901234567890123456789x\n",
      ":7: expected a positive number, found \"1234567890123456789012345678901234567890...\"" },
    { HEAD COLS "USD,1\nCNY,00000000000000000000000000000000000000000000000000000000000000000000000007.25\n"
      "PHP,1\n\"THB\",30\n", ":9: unknown ISO 4217 currency \"\"THB\"\"" },
};

static void test_load_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char err[512], want[512];
        write_rates(bad_cases[i].text, strlen(bad_cases[i].text));
        rates *r = cmi_rates_load(tmppath, err, sizeof err);
        snprintf(want, sizeof want, "%s%s", tmppath, bad_cases[i].message);
        if (r != NULL || strcmp(err, want) != 0)
            print_error("case %zu:\n  text: %s\n  got:  %s\n  want: %s\n", i,
                        bad_cases[i].text, r != NULL ? "(success)" : err, want);
        assert_null(r);
        assert_string_equal(err, want);
        /* a NULL or short buffer is fine */
        assert_null(cmi_rates_load(tmppath, NULL, 0));
        char small[8];
        assert_null(cmi_rates_load(tmppath, small, sizeof small));
        assert_int_equal(strlen(small), sizeof small - 1);
    }
}

static void test_load_unreadable(void **state)
{
    (void)state;
    char err[512];
    assert_null(cmi_rates_load("/nonexistent/rates.csv", err, sizeof err));
    assert_string_equal(err, "/nonexistent/rates.csv: cannot open: No such file or directory");
    assert_null(cmi_rates_load("/tmp", err, sizeof err));
    assert_string_equal(err, "/tmp: read error: Is a directory");
    assert_null(cmi_rates_load(NULL, err, sizeof err));
    assert_string_equal(err, "(null): no rates file name given");
    assert_null(cmi_rates_load("", err, sizeof err));
    assert_string_equal(err, ": no rates file name given");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_metadata),
        cmocka_unit_test(test_default_rows_are_sound),
        cmocka_unit_test(test_default_conversions),
        cmocka_unit_test_setup_teardown(test_load_good, tmpfile_setup, tmpfile_teardown),
        cmocka_unit_test_setup_teardown(test_load_other_locale, tmpfile_setup, tmpfile_teardown),
        cmocka_unit_test_setup_teardown(test_load_bad, tmpfile_setup, tmpfile_teardown),
        cmocka_unit_test(test_load_unreadable),
    };
    return cmocka_run_group_tests_name("rates", tests, group_setup, NULL);
}
