/* test_vocab.c - the word lists of SCHEMA.md, exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "record.h"
#include "vocab.h"

static void check_list(int vocab, const char *const *words)
{
    int n = 0;
    for (; words[n]; n++) {
        assert_int_equal(cmi_vocab_lookup(vocab, words[n], strlen(words[n])), n);
        assert_string_equal(cmi_vocab_word(vocab, n), words[n]);
        assert_non_null(strstr(cmi_vocab_expected(vocab), words[n]));
    }
    assert_int_equal(cmi_vocab_size(vocab), n);
    assert_null(cmi_vocab_word(vocab, n));
}

static void test_schema_words(void **state)
{
    (void)state;
    static const char *const a[] = { "technology", "capital", "equipment", "raw_materials",
                                     "labour", "land", "market_access", "skills",
                                     "infrastructure", "financing", "logistics", "partners",
                                     NULL };
    static const char *const b[] = { "sme_support", "tax_incentive", "industrial_park",
                                     "special_economic_zone", "free_trade_zone",
                                     "export_processing_zone", "innovation_hub", "training",
                                     NULL };
    static const char *const c[] = { "transport_infrastructure", "commerce", "agriculture",
                                     "tourism", "culture_exchange", NULL };
    static const char *const d[] = { "AIIB", "SRF", "CAF", "CAMCF", NULL };
    static const char *const e[] = { "loan", "equity", "grant", "guarantee", NULL };
    static const char *const lv[] = { "country", "province", "city", "district", "zone", NULL };
    static const char *const ow[] = { "private", "state", "foreign", "mixed", NULL };
    check_list(VOCAB_A, a);
    check_list(VOCAB_B, b);
    check_list(VOCAB_C, c);
    check_list(VOCAB_D, d);
    check_list(VOCAB_E, e);
    check_list(VOCAB_LEVEL, lv);
    check_list(VOCAB_OWNERSHIP, ow);
}

static void test_unknown_words(void **state)
{
    (void)state;
    assert_int_equal(cmi_vocab_lookup(VOCAB_A, "Technology", 10), -1);
    assert_int_equal(cmi_vocab_lookup(VOCAB_A, "tech", 4), -1);
    assert_int_equal(cmi_vocab_lookup(VOCAB_A, "technologyx", 11), -1);
    assert_int_equal(cmi_vocab_lookup(VOCAB_D, "aiib", 4), -1);
    assert_int_equal(cmi_vocab_lookup(VOCAB_D, "", 0), -1);
    /* not NUL-terminated: only the first len bytes count */
    assert_int_equal(cmi_vocab_lookup(VOCAB_E, "loanXYZ", 4), 0);
    assert_int_equal(cmi_vocab_lookup(VOCAB_COUNT, "loan", 4), -1);
    assert_int_equal(cmi_vocab_lookup(-1, "loan", 4), -1);
}

/* A cell or key holding a NUL byte (issue 10, row 2): a word that matches up
 * to the NUL is no match, and nothing past the shorter word is read (under
 * AddressSanitizer the old strncmp-then-w[len] check read past "SRF"). */
static void test_nul_in_word(void **state)
{
    (void)state;
    static const char srf[] = "SRF\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    assert_int_equal(cmi_vocab_lookup(VOCAB_D, srf, sizeof srf - 1), -1);
    static const char tech[] = "te\0chnology";
    assert_int_equal(cmi_vocab_lookup(VOCAB_A, tech, sizeof tech - 1), -1);
    static const char id[] = "id\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    assert_null(cmi_schema_field(0, id, sizeof id - 1));
    assert_non_null(cmi_schema_field(0, "id", 2));
    assert_non_null(cmi_schema_field(1, "revenue.amountXYZ", 14));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_words),
        cmocka_unit_test(test_unknown_words),
        cmocka_unit_test(test_nul_in_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
