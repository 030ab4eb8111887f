/*
 * candidates.c - cm_pairs_add_candidates: the candidate pairs of an
 * assignment made by a policy (each enterprise's best regions, then maybe
 * each region's best enterprises), so that an embedder gets what
 * capmatch assign --policy does in one call.
 *
 * Batch layer, on the public API only (cm_match, cm_pairs_add_result).
 */
#include "capmatch.h"
#include "err.h"

#include <string.h>

CM_API void cm_candidate_options_init(cm_candidate_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_score = -1;
}

CM_API cm_status cm_pairs_add_candidates(cm_pairs *pairs, cm_engine *e, cm_policy *p,
                                         const cm_candidate_options *o)
{
    cm_candidate_options d;
    if (pairs == NULL || e == NULL || p == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_pairs_add_candidates: pairs, an engine and a policy "
                       "are needed");
    if (o == NULL) {
        cm_candidate_options_init(&d);
        o = &d;
    }
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && o->per_region == 0)
            break;
        cm_match_options mo;
        cm_match_options_init(&mo);
        mo.by = pass ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
        mo.top = pass ? o->per_region : o->per_enterprise;
        mo.min_score = o->min_score;
        mo.threads = o->threads;
        mo.progress = o->progress;
        mo.progress_ud = o->progress_ud;
        mo.diversity = -1;      /* candidates are the best by score; diversity is for lists */
        cm_result *res = NULL;
        cm_status s = cm_match(e, p, &mo, &res);
        if (s == CM_OK) {
            s = cm_pairs_add_result(pairs, res);
            cm_result_free(res);
        }
        if (s != CM_OK)
            return s;       /* with the message of cm_match or cm_pairs_add_result */
    }
    return CM_OK;
}
