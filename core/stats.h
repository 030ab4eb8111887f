/*
 * stats.h - statistics of a match run (cm_match_options.stats): per rule,
 * how its scores fell over the pairs scored in full; per filter, how many
 * pairs it was asked about and how many it vetoed.
 *
 * Owns the counters. Each worker fills its own and they are merged at the
 * end, in integers only (scores binned to 0.001, contributions in fixed
 * point), so the figures are the same for any number of threads. Knows the
 * policy's rules (policy.h) and nothing of how pairs are scheduled.
 */
#ifndef CM_STATS_H
#define CM_STATS_H

#include "policy.h"

typedef struct mstats mstats;

mstats *cmi_mstats_new(const cm_policy *p);
void cmi_mstats_free(mstats *s);
/* Filter f (declaration index) decided a pair: vetoed or let it through. */
void cmi_mstats_filter(mstats *s, size_t f, int vetoed);
/* A pair scored in full: sc holds every rule's score, declaration order. */
void cmi_mstats_pair(mstats *s, const cm_policy *p, const double *sc);
/* Add from's counts into into (of the same policy). */
void cmi_mstats_merge(mstats *into, const mstats *from);
/* The figures, for the result (names point into p until own_names). */
size_t cmi_mstats_scored(const mstats *s);
void cmi_mstats_rule(const mstats *s, const cm_policy *p, size_t rule, cm_rule_stats *out);
void cmi_mstats_filter_figures(const mstats *s, const cm_policy *p, size_t f, cm_filter_stats *out);

#endif
