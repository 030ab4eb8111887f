/*
 * stats.c - statistics of a match run (see stats.h): per-worker counters of
 * rule scores and filter vetoes, merged in integers so that every figure is
 * the same whatever the number of threads.
 */
#include "stats.h"
#include "alloc.h"

#include <math.h>
#include <string.h>

#define BINS 1001             /* scores to the nearest 0.001 */
#define FIXED 4294967296.0    /* contributions in units of 2^-32 */

typedef struct rule_acc {
    uint64_t bins[BINS];
    uint64_t scored, fired;
    uint64_t sum;             /* Σ score, fixed point */
    uint64_t part;            /* Σ weight x score / side's weight sum, fixed point */
    double min, max;
} rule_acc;

struct mstats {
    size_t nrules, nfilters;
    rule_acc *rules;
    uint64_t *checked, *vetoed;   /* per filter */
    uint64_t scored;              /* pairs scored in full */
    uint64_t total[2];            /* Σ final score of each side (score, region's view) */
};

mstats *cmi_mstats_new(const cm_policy *p)
{
    mstats *s = cm_calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->nrules = p->nrules;
    s->nfilters = p->nfilters;
    s->rules = cm_calloc(p->nrules ? p->nrules : 1, sizeof *s->rules);
    s->checked = cm_calloc(p->nfilters ? p->nfilters : 1, sizeof *s->checked);
    s->vetoed = cm_calloc(p->nfilters ? p->nfilters : 1, sizeof *s->vetoed);
    if (s->rules == NULL || s->checked == NULL || s->vetoed == NULL) {
        cmi_mstats_free(s);
        return NULL;
    }
    for (size_t i = 0; i < p->nrules; i++) {
        s->rules[i].min = INFINITY;
        s->rules[i].max = -INFINITY;
    }
    return s;
}

void cmi_mstats_free(mstats *s)
{
    if (s == NULL)
        return;
    cm_free(s->rules);
    cm_free(s->checked);
    cm_free(s->vetoed);
    cm_free(s);
}

void cmi_mstats_filter(mstats *s, size_t f, int vetoed)
{
    s->checked[f]++;
    s->vetoed[f] += vetoed != 0;
}

void cmi_mstats_pair(mstats *s, const cm_policy *p, const double *sc)
{
    s->scored++;
    for (size_t i = 0; i < s->nrules; i++) {
        rule_acc *a = &s->rules[i];
        double v = sc[i];
        a->bins[(size_t)lround(v * (BINS - 1))]++;
        a->scored++;
        a->fired += v > 0;
        a->sum += (uint64_t)llround(v * FIXED);
        double ws = p->rules[i].region_side ? p->region_weight_sum : p->weight_sum;
        uint64_t part = (uint64_t)llround(p->rules[i].weight * v / ws * FIXED);
        a->part += part;
        s->total[p->rules[i].region_side != 0] += part;
        a->min = v < a->min ? v : a->min;
        a->max = v > a->max ? v : a->max;
    }
}

void cmi_mstats_merge(mstats *into, const mstats *from)
{
    into->scored += from->scored;
    into->total[0] += from->total[0];
    into->total[1] += from->total[1];
    for (size_t f = 0; f < into->nfilters; f++) {
        into->checked[f] += from->checked[f];
        into->vetoed[f] += from->vetoed[f];
    }
    for (size_t i = 0; i < into->nrules; i++) {
        rule_acc *a = &into->rules[i];
        const rule_acc *b = &from->rules[i];
        for (size_t k = 0; k < BINS; k++)
            a->bins[k] += b->bins[k];
        a->scored += b->scored;
        a->fired += b->fired;
        a->sum += b->sum;
        a->part += b->part;
        a->min = b->min < a->min ? b->min : a->min;
        a->max = b->max > a->max ? b->max : a->max;
    }
}

size_t cmi_mstats_scored(const mstats *s)
{
    return (size_t)s->scored;
}

/* The score at rank ceil(q x n) of the n scored (nearest rank), to 0.001. */
static double quantile(const rule_acc *a, double q)
{
    uint64_t want = (uint64_t)ceil(q * (double)a->scored), seen = 0;
    if (want == 0)
        want = 1;
    for (size_t k = 0; k < BINS; k++) {
        seen += a->bins[k];
        if (seen >= want)
            return (double)k / (BINS - 1);
    }
    return 1;
}

void cmi_mstats_rule(const mstats *s, const cm_policy *p, size_t rule, cm_rule_stats *out)
{
    const rule_acc *a = &s->rules[rule];
    memset(out, 0, sizeof *out);
    out->name = p->rules[rule].name;
    out->region_side = p->rules[rule].region_side;
    out->weight = p->rules[rule].weight;
    out->scored = (size_t)a->scored;
    out->fired = (size_t)a->fired;
    if (a->scored == 0)
        return;
    /* the exact extremes; quartiles from the bins, clamped between them */
    out->min = a->min;
    out->max = a->max;
    double q[3] = { quantile(a, 0.25), quantile(a, 0.5), quantile(a, 0.75) };
    for (int i = 0; i < 3; i++)
        q[i] = q[i] < a->min ? a->min : q[i] > a->max ? a->max : q[i];
    out->q1 = q[0];
    out->median = q[1];
    out->q3 = q[2];
    out->mean = (double)a->sum / FIXED / (double)a->scored;
    out->zeros = 1 - (double)a->fired / (double)a->scored;
    uint64_t total = s->total[out->region_side != 0];
    out->share = total ? (double)a->part / (double)total : 0;
}

void cmi_mstats_filter_figures(const mstats *s, const cm_policy *p, size_t f, cm_filter_stats *out)
{
    out->name = p->filters[f].name;
    out->checked = (size_t)s->checked[f];
    out->vetoed = (size_t)s->vetoed[f];
}
