/* same_result.h - comparing two match results row by row, explanation by
 * explanation, for the unit tests that check one way of matching against
 * another (test_threads.c, test_visit.c). Header-only: static functions. */
#ifndef SAME_RESULT_H
#define SAME_RESULT_H

#include <stdio.h>
#include <string.h>

#include "capmatch.h"

static int same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* 1 when a and b hold the same rows, explanations, filters and counts; else 0
 * with the first difference in why. */
static int same_result(const cm_result *a, const cm_result *b, char *why, size_t n)
{
    if (a == NULL || b == NULL) {
        snprintf(why, n, "no result");
        return 0;
    }
    if (cm_result_count(a) != cm_result_count(b) ||
        cm_result_rule_count(a) != cm_result_rule_count(b) ||
        cm_result_filter_count(a) != cm_result_filter_count(b) ||
        cm_result_error_count(a) != cm_result_error_count(b)) {
        snprintf(why, n, "counts differ: rows %zu/%zu rules %zu/%zu filters %zu/%zu",
                 cm_result_count(a), cm_result_count(b), cm_result_rule_count(a),
                 cm_result_rule_count(b), cm_result_filter_count(a), cm_result_filter_count(b));
        return 0;
    }
    size_t va, vb;
    if (cm_result_pairs(a, &va) != cm_result_pairs(b, &vb) || va != vb) {
        snprintf(why, n, "pairs differ");
        return 0;
    }
    for (size_t i = 0; i < cm_result_count(a); i++) {
        const cm_match_row *x = cm_result_row(a, i), *y = cm_result_row(b, i);
        if (!same_str(x->enterprise, y->enterprise) || !same_str(x->region, y->region) ||
            x->score != y->score || x->region_score != y->region_score || x->rank != y->rank ||
            x->vetoed != y->vetoed) {
            snprintf(why, n, "row %zu: %s/%s %.17g #%u vs %s/%s %.17g #%u", i, x->enterprise,
                     x->region, x->score, x->rank, y->enterprise, y->region, y->score, y->rank);
            return 0;
        }
        for (size_t k = 0; k < cm_result_rule_count(a); k++) {
            const cm_explain_item *s = cm_result_explain(a, i, k), *t = cm_result_explain(b, i, k);
            if ((s == NULL) != (t == NULL)) {
                snprintf(why, n, "row %zu: explanation missing on one side", i);
                return 0;
            }
            if (s == NULL)
                continue;
            if (!same_str(s->rule, t->rule) || !same_str(s->group, t->group) ||
                s->score != t->score || s->weight != t->weight ||
                s->contribution != t->contribution || !same_str(s->reason, t->reason) ||
                s->error != t->error || s->region_side != t->region_side) {
                snprintf(why, n, "row %zu (%s/%s) rule %s: %.17g '%s' vs %.17g '%s'", i,
                         x->enterprise, x->region, s->rule, s->score, s->reason, t->score,
                         t->reason);
                return 0;
            }
        }
    }
    for (size_t i = 0; i < cm_result_filter_count(a); i++) {
        const cm_filter_item *s = cm_result_filter(a, i), *t = cm_result_filter(b, i);
        if (!same_str(s->filter, t->filter) || s->pass != t->pass ||
            !same_str(s->reason, t->reason) || s->error != t->error) {
            snprintf(why, n, "filter %zu: %s '%s' vs %s '%s'", i, s->filter, s->reason,
                     t->filter, t->reason);
            return 0;
        }
    }
    return 1;
}

#endif
