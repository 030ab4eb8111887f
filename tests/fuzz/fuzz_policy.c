/*
 * fuzz_policy.c - a policy file through cm_policy_load with tight limits
 * (16 MiB, 200,000 instructions to load, 20,000 a call), then matched both
 * ways with explanations over tests/data (loaded once), and one pair
 * explained. Run from the top of the source tree (make fuzz does), so that
 * require finds rules/lib.
 */
#include "fuzz.h"
#include "capmatch.h"

static cm_engine *engine;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cm_status st;
    engine = cm_engine_new(&st);
    cm_diags *d = cm_diags_new();
    if (engine == NULL || d == NULL ||
        cm_engine_load_file(engine, "tests/data/regions.json", NULL, d) != CM_OK ||
        cm_engine_load_file(engine, "tests/data/enterprises.json", NULL, d) != CM_OK) {
        fprintf(stderr, "fuzz_policy: run from the top of the source tree (tests/data)\n");
        abort();
    }
    cm_diags_free(d);
    return 0;
}

static void match(cm_policy *p, cm_kind by)
{
    cm_match_options mo;
    cm_match_options_init(&mo);
    mo.by = by;
    mo.threads = 1;
    mo.explain = 1;
    mo.top = 3;
    mo.on_error = CM_ON_ERROR_STOP;
    cm_result *r = NULL;
    if (cm_match(engine, p, &mo, &r) == CM_OK && r) {
        size_t sum = 0;
        for (size_t i = 0; i < cm_result_count(r); i++) {
            const cm_match_row *row = cm_result_row(r, i);
            sum += strlen(row->enterprise) + strlen(row->region);
            for (size_t k = 0; k < cm_result_rule_count(r); k++) {
                const cm_explain_item *it = cm_result_explain(r, i, k);
                if (it && it->reason)
                    sum += strlen(it->reason);
            }
        }
        (void)sum;
    }
    cm_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("policy.lua", data, size);
    cm_policy_options o;
    cm_policy_options_init(&o);
    o.rules_path = "rules/lib:rules";
    o.memory_limit = (size_t)16 << 20;
    o.load_budget = 200000;
    o.call_budget = 20000;
    cm_policy *p = cm_policy_load(engine, path, &o);
    if (p == NULL) {
        (void)strlen(cm_engine_errmsg(engine));
        return 0;
    }
    for (size_t i = 0; i < cm_policy_rule_count(p); i++)
        (void)strlen(cm_policy_rule_name(p, i));
    match(p, CM_KIND_ENTERPRISES);
    match(p, CM_KIND_REGIONS);
    cm_result *r = NULL;
    if (cm_explain_pair(engine, p, "e-xian", "r-ph-cat", &r) == CM_OK)
        (void)cm_result_count(r);
    cm_result_free(r);
    cm_policy_free(p);
    return 0;
}
