/* test_lint.c - cm_policy_lint, the library's policy lint (capmatch check
 * is its printer): parameters never used, rules that never vary, filters
 * that reject every pair, and what it does without data. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capmatch.h"

typedef struct seen {
    char text[4096];
    size_t n;
} seen;

static void collect(const cm_lint_finding *f, void *ud)
{
    seen *s = ud;
    size_t used = strlen(s->text);
    snprintf(s->text + used, sizeof s->text - used, "%s:%d: %s: %s\n", f->file, f->line,
             f->severity == CM_LINT_ERROR ? "error" : f->severity == CM_LINT_WARNING ? "warning"
                                                                                      : "?",
             f->message);
    s->n++;
}

static cm_engine *engine_with_data(void)
{
    cm_engine *e = cm_engine_new(NULL);
    assert_non_null(e);
    assert_int_equal(cm_engine_load_file(e, "examples/data/regions.json", NULL, NULL), CM_OK);
    assert_int_equal(cm_engine_load_file(e, "examples/data/enterprises.json", NULL, NULL), CM_OK);
    return e;
}

static cm_policy *load(cm_engine *e, const char *path)
{
    cm_policy_options o;
    cm_policy_options_init(&o);
    o.lint = 1;
    cm_policy *p = cm_policy_load(e, path, &o);
    if (p == NULL)
        fail_msg("%s: %s", path, cm_engine_errmsg(e));
    return p;
}

static void test_reject_all(void **state)
{
    (void)state;
    cm_engine *e = engine_with_data();
    cm_policy *p = load(e, "tests/policies/cli_reject_all.lua");
    seen s = { "", 0 };
    size_t n = 99;
    assert_int_equal(cm_policy_lint(e, p, collect, &s, &n), CM_OK);
    assert_int_equal(n, s.n);
    if (strstr(s.text, "tests/policies/cli_reject_all.lua:3: warning: filter 'nothing' rejects every "
                       "one of the 1026 pairs of the data\n") == NULL)
        fail_msg("findings:\n%s", s.text);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_unused_param_no_data(void **state)
{
    (void)state;
    cm_engine *e = cm_engine_new(NULL);
    assert_non_null(e);
    cm_policy *p = load(e, "tests/policies/cli_params.lua");
    seen s = { "", 0 };
    size_t n = 0;
    assert_int_equal(cm_policy_lint(e, p, collect, &s, &n), CM_OK);
    /* zeta, alpha and mid are declared and never read; without data no rule is run */
    if (strstr(s.text, "tests/policies/cli_params.lua:3: warning: parameter 'zeta' is declared but "
                       "never used\n") == NULL || strstr(s.text, "rejects every") != NULL)
        fail_msg("findings:\n%s", s.text);
    assert_int_equal(n, 3);
    cm_policy_free(p);
    cm_engine_free(e);
}

/* On the built-in samples: a misnamed field is an error, found without
 * data; nothing is drawn from how the rules score there. */
static void test_samples(void **state)
{
    (void)state;
    cm_engine *e = cm_engine_new(NULL);
    assert_non_null(e);
    assert_int_equal(cm_engine_load_samples(e, NULL), CM_OK);
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), 3);
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), 4);
    cm_policy *p = load(e, "tests/policies/broken/typos.lua");
    seen s = { "", 0 };
    size_t n = 0;
    assert_int_equal(cm_policy_lint_ex(e, p, CM_LINT_SAMPLE_DATA, collect, &s, &n), CM_OK);
    if (n != 2 || strstr(s.text, "typos.lua:5: error: has(\"needs\", \"logistic\"): ") == NULL
        || strstr(s.text, "no field 'employes'; did you mean 'employees'?") == NULL)
        fail_msg("findings:\n%s", s.text);
    cm_policy_free(p);
    /* a flat rule on the samples is no finding there */
    p = load(e, "tests/policies/basic.lua");
    s.text[0] = '\0';
    assert_int_equal(cm_policy_lint_ex(e, p, CM_LINT_SAMPLE_DATA, collect, &s, &n), CM_OK);
    if (strstr(s.text, "on every one") != NULL || strstr(s.text, "rejects every") != NULL)
        fail_msg("findings:\n%s", s.text);
    cm_policy_free(p);
    cm_engine_free(e);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    cm_engine *e = cm_engine_new(NULL);
    assert_int_equal(cm_policy_lint(e, NULL, collect, NULL, NULL), CM_EUSAGE);
    assert_non_null(strstr(cm_last_error(), "cm_policy_lint"));
    cm_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reject_all),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_unused_param_no_data),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
