/*
 * aggregate.c - policy { aggregate = ... }: one profile's kept candidates
 * ranked by TOPSIS, PROMETHEE II or WSM over its rules (see aggregate.h).
 *
 * The decision matrix is the candidates' rule scores (each rule of the
 * ranking side one criterion, its weight the criterion's, cost = true a
 * cost criterion); the method is mcda.c's. Each criterion's share of the
 * result, so that explanations still add up:
 *   TOPSIS   closeness C = d- / (d+ + d-), d-^2 = sum of (v_j - anti_j)^2,
 *            so criterion j's share is C (v_j - anti_j)^2 / d-^2;
 *   PROMETHEE II  score (1 + phi) / 2 with phi = sum of w_j phi_j, so the
 *            share of j is w_j (1 + phi_j) / 2 (w scaled to sum 1);
 *   WSM      w_j r_j (w scaled to sum 1).
 */
#include "aggregate.h"
#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cmi_agg_free(agg_run *a)
{
    cm_free(a->block);
    cm_free(a->crit);
    cm_free(a->order);
    memset(a, 0, sizeof *a);
}

struct ranked { double score; uint32_t tie, index; };

static int cmp_ranked(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->tie < b->tie ? -1 : a->tie > b->tie;
}

/* best first; equal scores by tie (distinct per candidate: a total order) */
static int sort_order(agg_run *a, const uint32_t *tie)
{
    struct ranked *r = cm_calloc(a->count + 1, sizeof *r);
    if (r == NULL)
        return -1;
    for (size_t i = 0; i < a->count; i++)
        r[i] = (struct ranked){ a->score[i], tie[i], (uint32_t)i };
    qsort(r, a->count, sizeof *r, cmp_ranked);
    for (size_t i = 0; i < a->count; i++)
        a->order[i] = r[i].index;
    cm_free(r);
    return 0;
}

int cmi_agg_rank(agg_run *a, const cm_policy *p, int region_side, const double *rs, size_t count,
             const uint32_t *tie)
{
    memset(a, 0, sizeof *a);
    size_t nc = 0;
    for (size_t n = 0; n < p->nrules; n++)
        nc += p->rules[n].region_side == region_side;
    a->count = count;
    a->ncrit = nc;
    size_t cells = count * nc;
    /* matrix, weighted, contrib, flows: cells each; weights, types (as
     * doubles' room), ideal, anti: nc each; score, d_ideal, d_anti, plus, minus */
    a->block = cm_calloc(4 * cells + 4 * nc + 5 * count + 1, sizeof *a->block);
    a->crit = cm_calloc(nc + 1, sizeof *a->crit);
    a->order = cm_calloc(count + 1, sizeof *a->order);
    int *types = cm_calloc(nc + 1, sizeof *types);
    cm_mcda_pref *pref = cm_calloc(nc + 1, sizeof *pref);
    if (a->block == NULL || a->crit == NULL || a->order == NULL || types == NULL ||
        pref == NULL) {
        cm_free(types);
        cm_free(pref);
        cmi_agg_free(a);
        return -1;
    }
    double *m = a->block;
    a->weighted = m + cells;
    a->contrib = m + 2 * cells;
    a->flows = m + 3 * cells;
    double *w = m + 4 * cells;
    a->ideal = w + nc;
    a->anti = w + 2 * nc;
    a->score = w + 4 * nc;
    a->d_ideal = a->score + count;
    a->d_anti = a->score + 2 * count;
    a->plus = a->score + 3 * count;
    a->minus = a->score + 4 * count;
    size_t c = 0;
    for (size_t n = 0; n < p->nrules; n++) {
        if (p->rules[n].region_side != region_side)
            continue;
        a->crit[c] = (int)n;
        w[c] = p->rules[n].weight;
        types[c] = p->rules[n].minimise ? -1 : 1;
        pref[c] = p->agg.pref;
        c++;
    }
    double wsum = 0;
    for (size_t j = 0; j < nc; j++)
        wsum += w[j];
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < nc; j++)
            m[i * nc + j] = rs[i * p->nrules + (size_t)a->crit[j]];
    cm_mcda_problem pb = { count, nc, m, w, types, p->agg.norm, pref, 1 };
    cm_mcda_detail d = { .weighted = a->weighted, .ideal = a->ideal, .anti_ideal = a->anti,
                         .d_ideal = a->d_ideal, .d_anti = a->d_anti, .plus = a->plus,
                         .minus = a->minus, .criterion_flows = a->flows };
    /* rule scores are finite and in [0, 1], weights > 0: only memory can fail */
    cm_status s = cm_mcda_scores(p->agg.method, &pb, a->score, &d);
    cm_free(types);
    cm_free(pref);
    if (s != CM_OK) {
        cmi_agg_free(a);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        double *ci = a->contrib + i * nc;
        if (p->agg.method == CM_MCDA_TOPSIS) {
            double dm2 = a->d_anti[i] * a->d_anti[i];
            for (size_t j = 0; j < nc; j++) {
                double x = a->weighted[i * nc + j] - a->anti[j];
                /* all at the anti-ideal: 0; all alike (0.5): shared evenly */
                ci[j] = dm2 > 0 ? a->score[i] * x * x / dm2 : a->score[i] / (double)nc;
            }
        } else if (p->agg.method == CM_MCDA_PROMETHEE2) {
            a->score[i] = (1 + a->score[i]) / 2;
            for (size_t j = 0; j < nc; j++)
                ci[j] = w[j] / wsum * (1 + a->flows[i * nc + j]) / 2;
        } else {
            for (size_t j = 0; j < nc; j++)
                ci[j] = a->weighted[i * nc + j];
        }
    }
    if (sort_order(a, tie) < 0) {
        cmi_agg_free(a);
        return -1;
    }
    return 0;
}

void cmi_agg_explain(const agg_run *a, const cm_policy *p, size_t i, cm_explain_item *items,
                 textbuf *out)
{
    size_t nc = a->ncrit, j = 0;
    for (size_t n = 0; n < p->nrules; n++) {
        cm_explain_item *it = &items[n];
        size_t at = out->len;
        cmi_buf_puts(out, it->reason ? it->reason : "");
        if (j < nc && a->crit[j] == (int)n) {
            it->contribution = a->contrib[i * nc + j];
            const char *cost = p->rules[n].minimise ? "cost criterion; " : "";
            /* the whole pair's figures once, with the first criterion */
            if (p->agg.method == CM_MCDA_TOPSIS)
                cmi_buf_printf(out, " [topsis: %sweighted %.4f, ideal %.4f, anti-ideal %.4f", cost,
                           a->weighted[i * nc + j], a->ideal[j], a->anti[j]);
            else if (p->agg.method == CM_MCDA_PROMETHEE2)
                cmi_buf_printf(out, " [promethee2: %sflow %+.4f", cost, a->flows[i * nc + j]);
            else
                cmi_buf_printf(out, " [wsm: %sweighted %.4f", cost, a->weighted[i * nc + j]);
            if (j == 0 && p->agg.method == CM_MCDA_TOPSIS)
                cmi_buf_printf(out, "; closeness %.4f = d- %.4f / (d+ %.4f + d- %.4f)", a->score[i],
                           a->d_anti[i], a->d_ideal[i], a->d_anti[i]);
            else if (j == 0 && p->agg.method == CM_MCDA_PROMETHEE2)
                cmi_buf_printf(out, "; net flow %+.4f (leaving %.4f, entering %.4f), score (1 + net) "
                                "/ 2 = %.4f", a->plus[i] - a->minus[i], a->plus[i], a->minus[i],
                           a->score[i]);
            else if (j == 0)
                cmi_buf_printf(out, "; score %.4f", a->score[i]);
            cmi_buf_putc(out, ']');
            j++;
        }
        cmi_buf_putc(out, '\0');
        it->reason = (const char *)(uintptr_t)at;
    }
}

void cmi_agg_explain_fix(cm_explain_item *items, size_t n, const textbuf *out)
{
    for (size_t i = 0; i < n; i++)
        items[i].reason = out->s + (uintptr_t)items[i].reason;
}
