/*
 * report.h - the self-contained HTML report (the public cm_report): totals,
 * inline SVG charts (country-pair heatmap, sector groups, score
 * distribution), partners with reasons, parties left out, provenance.
 *
 * Owns the report's copy of rows and texts. Reads profiles, match results
 * and assignments through the public API only; must not depend on their
 * insides. Writes through a caller's sink, never to a file of its own.
 */
#ifndef CM_REPORT_H
#define CM_REPORT_H

#include "capmatch.h"
#include "strpool.h"

typedef struct report_row {
    str_ref e, r, why;
    double score, rscore;
    unsigned erank, rrank;
} report_row;

typedef struct report_left {
    cm_kind kind;
    str_ref id, why;
} report_left;

struct cm_report {
    int assigned;             /* rows come from an assignment: capacities apply */
    const cm_engine *engine;
    strpool pool;
    str_ref title;
    report_row *rows;
    size_t nrows, caprows;
    report_left *left;
    size_t nleft, capleft;
    char *diff_html;          /* the "What changed" section (cm_report_add_diff), or NULL */
    str_ref *meta;            /* key, value, key, value ... */
    size_t nmeta, capmeta;
};

#endif
