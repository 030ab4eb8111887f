/*
 * aggregate.h - policy { aggregate = ... }: a profile's kept candidates
 * ranked by a decision method (TOPSIS, PROMETHEE II, WSM) over its rules,
 * each rule one criterion, instead of the weighted mean.
 *
 * A post-pass over one profile's kept list: match.c hands over the rule
 * scores of the candidates it kept by the weighted mean and takes back the
 * order, the method's scores and each criterion's share. Knows nothing of
 * threads, Lua or the pair loop.
 */
#ifndef CM_AGGREGATE_H
#define CM_AGGREGATE_H

#include "buf.h"
#include "policy.h"

typedef struct agg_run {
    size_t count, ncrit;
    int *crit;                /* ncrit: the rule of each criterion */
    double *score;            /* count: the method's score in [0, 1] (PROMETHEE II:
                                 (1 + net flow) / 2) */
    double *contrib;          /* count x ncrit: each criterion's share; they add up to
                                 score */
    double *weighted;         /* count x ncrit: TOPSIS, WSM: weighted normalised value */
    double *ideal, *anti;     /* ncrit: TOPSIS */
    double *d_ideal, *d_anti; /* count: TOPSIS */
    double *flows;            /* count x ncrit: PROMETHEE II: each criterion's net flow */
    double *plus, *minus;     /* count: PROMETHEE II */
    uint32_t *order;          /* count: candidates best first (by score, then tie) */
    double *block;            /* the one allocation behind the arrays */
} agg_run;

/* Rank count candidates. rs: count x p->nrules rule scores in declaration
 * order; the criteria are the rules of the ranking side (region_side);
 * tie: each candidate's place among equals (lower first). 0, or -1 when
 * out of memory. */
int cmi_agg_rank(agg_run *a, const cm_policy *p, int region_side, const double *rs, size_t count,
             const uint32_t *tie);
void cmi_agg_free(agg_run *a);

/* Candidate i's explanation (its p->nrules items, reasons pointing
 * anywhere): the criteria's contributions become their shares of the
 * method's score and each reason gains what the method saw; the reasons
 * are copied into out, and the items point there once out stops growing
 * (cmi_agg_explain_fix). */
void cmi_agg_explain(const agg_run *a, const cm_policy *p, size_t i, cm_explain_item *items,
                 textbuf *out);
/* Point n items, whose reasons cmi_agg_explain left as offsets, into out. */
void cmi_agg_explain_fix(cm_explain_item *items, size_t n, const textbuf *out);

#endif
