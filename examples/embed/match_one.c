/* match_one.c - the partners of one enterprise, with the reasons: load the
 * profiles, load a policy, match that one enterprise and print each partner
 * region with every rule's score, weight, contribution and reason.
 *
 *   cc match_one.c $(pkg-config --cflags --libs capmatch) -o match_one
 *   ./match_one regions.json enterprises.csv policy.lua ENTERPRISE_ID [NAME=VALUE...]
 *
 * NAME=VALUE arguments override the policy's parameters (like --set).
 * Exit status: 0 partners printed, 1 none passed the policy, 2 an error.
 */
#include <capmatch.h>
#include <stdio.h>

static int load(cm_engine *e, const char *path)
{
    cm_diags *problems = cm_diags_new();
    cm_status st = cm_engine_load_file(e, path, NULL, problems);
    for (size_t i = 0; i < cm_diags_count(problems); i++)
        fprintf(stderr, "%s\n", cm_diags_at(problems, i)->message);
    if (st != CM_OK)
        fprintf(stderr, "match_one: %s: %s\n", path, cm_engine_errmsg(e));
    cm_diags_free(problems);
    return st == CM_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: match_one REGIONS ENTERPRISES POLICY ENTERPRISE_ID "
                        "[NAME=VALUE...]\n");
        return 2;
    }
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    if (e == NULL) {
        fprintf(stderr, "match_one: %s\n", cm_last_error());
        return 2;
    }
    if (load(e, argv[1]) < 0 || load(e, argv[2]) < 0) {
        cm_engine_free(e);
        return 2;
    }

    /* the policy: argv[5..] are its parameter overrides, NULL-ended like argv */
    cm_policy_options po;
    cm_policy_options_init(&po);
    po.set = (const char *const *)&argv[5];
    cm_policy *p = cm_policy_load(e, argv[3], &po);
    if (p == NULL) {
        fprintf(stderr, "match_one: %s\n", cm_engine_errmsg(e));
        cm_engine_free(e);
        return 2;
    }

    cm_match_options mo;
    cm_match_options_init(&mo);   /* the policy's top and minimum score */
    mo.explain = 1;
    cm_result *r = NULL;
    st = cm_match_one(e, p, CM_KIND_ENTERPRISES, argv[4], &mo, &r);
    if (st != CM_OK) {
        fprintf(stderr, "match_one: %s (%s)\n", cm_engine_errmsg(e), cm_status_string(st));
        cm_policy_free(p);
        cm_engine_free(e);
        return 2;
    }

    size_t n = cm_result_count(r);
    printf("%s: %zu partner%s (policy %s, capmatch %s)\n", argv[4], n, n == 1 ? "" : "s",
           cm_policy_name(p), cm_version());
    for (size_t i = 0; i < n; i++) {
        const cm_match_row *row = cm_result_row(r, i);
        printf("%u. %s %.3f\n", row->rank, row->region, row->score);
        for (size_t k = 0; k < cm_result_rule_count(r); k++) {
            const cm_explain_item *it = cm_result_explain(r, i, k);
            printf("   %-16s %.2f x %g = %.3f  %s%s\n", it->rule, it->score, it->weight,
                   it->contribution, it->error ? "[error] " : "", it->reason);
        }
    }
    /* results point into the policy (rule names): free them first */
    cm_result_free(r);
    cm_policy_free(p);
    cm_engine_free(e);
    return n ? 0 : 1;
}
