/*
 * sensitivity.c - cm_result_sensitivity: how far a rule's weight can move
 * before a kept pair changes place among its profile's kept pairs.
 *
 * On the public API only (result rows and explanations), like
 * policy_lint.c. With the weights w and the scores s of two pairs i and k,
 * multiplying rule n's weight by f changes the sign of their difference,
 * whose denominator they share, as D(f) = A + f B with
 *   A = sum over the other rules m of w_m (s_im - s_km),  B = w_n (s_in - s_kn):
 * one crossing, at f = -A / B. The first crossing above 1 and the last below
 * 1 among the profile's kept pairs bound the factors it holds for.
 */
#include "capmatch.h"
#include "err.h"

#include <math.h>
#include <string.h>

/* The rows of the profile row belongs to: rows are grouped by profile and
 * ranked 1, 2, ... within it. */
static void group_of(const cm_result *r, size_t row, size_t *first, size_t *end)
{
    size_t a = row, n = cm_result_count(r);
    while (a > 0 && cm_result_row(r, a)->rank > 1)
        a--;
    size_t b = row + 1;
    while (b < n && cm_result_row(r, b)->rank > 1)
        b++;
    *first = a;
    *end = b;
}

static const char *partner_of(const cm_match_row *w, cm_kind by)
{
    return by == CM_KIND_REGIONS ? w->enterprise : w->region;
}

cm_status cm_result_sensitivity(const cm_result *r, size_t row, size_t rule, cm_kind by,
                                cm_sensitivity *out)
{
    if (r == NULL || out == NULL || row >= cm_result_count(r) ||
        rule >= cm_result_rule_count(r))
        return cmi_err_set(CM_EUSAGE, "cm_result_sensitivity: no such row or rule");
    const cm_explain_item *it = cm_result_explain(r, row, rule);
    if (it == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_result_sensitivity: the result has no explanations "
                                  "(match with explain)");
    memset(out, 0, sizeof *out);
    out->rule = it->rule;
    out->down = 0;
    out->up = HUGE_VAL;
    /* the region's view ranks by region, when the policy has one */
    size_t nrules = cm_result_rule_count(r);
    int has_region = 0;
    for (size_t m = 0; m < nrules; m++)
        has_region |= cm_result_explain(r, row, m)->region_side;
    int side = by == CM_KIND_REGIONS && has_region;
    if (it->region_side != side) {
        out->no_effect = 1;
        return CM_OK;
    }
    size_t first, end;
    group_of(r, row, &first, &end);
    for (size_t k = first; k < end; k++) {
        if (k == row)
            continue;
        double A = 0, B = 0;
        for (size_t m = 0; m < nrules; m++) {
            const cm_explain_item *x = cm_result_explain(r, row, m), *y = cm_result_explain(r, k, m);
            if (x->region_side != side)
                continue;
            double d = x->weight * (x->score - y->score);
            if (m == rule)
                B = d;
            else
                A += d;
        }
        if (B == 0)
            continue;
        double f = -A / B;
        /* sigma: +1 when the row is above k; D(f) sigma stays > 0 until f */
        double sigma = row < k ? 1 : -1;
        int passes = row < k;   /* at the crossing k passes it, or it passes k */
        if (sigma * B < 0 && f >= 1 && f < out->up) {
            out->up = f;
            out->up_partner = partner_of(cm_result_row(r, k), by);
            out->up_passes = passes;
        } else if (sigma * B > 0 && f > 0 && f <= 1 && f > out->down) {
            out->down = f;
            out->down_partner = partner_of(cm_result_row(r, k), by);
            out->down_passes = passes;
        }
    }
    return CM_OK;
}
