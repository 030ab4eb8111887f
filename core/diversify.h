/*
 * diversify.h - the optional diversity re-ranking of a region's list: look-
 * alike enterprises (same ISIC class, group or division, same country, same
 * offers) are moved down so that a list is not three makers of one thing.
 *
 * Owns the specification (declared in policy { diversity = { ... } }), the
 * greedy re-ranking of one kept list and the sentence that explains a move.
 * Depends on the profile store only; the engine (match.c) calls it.
 */
#ifndef CM_DIVERSIFY_H
#define CM_DIVERSIFY_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

enum div_key { DIV_CLASS = 1, DIV_GROUP = 2, DIV_DIVISION = 4, DIV_COUNTRY = 8, DIV_OFFERS = 16 };

typedef struct div_spec {
    unsigned by;              /* div_key bits; 0: no diversity declared */
    double penalty;           /* taken off per look-alike above, times the likeness */
    unsigned window;          /* a partner moves up at most this many places */
} div_spec;

typedef struct div_note {
    uint32_t score_rank;      /* 1-based rank by score alone */
    uint32_t alike;           /* the enterprise above it most alike, or UINT32_MAX */
    unsigned shared;          /* div_key bits it shares with that partner */
    double taken;             /* score taken off when it was placed */
} div_note;

/* The key's bit for a name ("class", "group", "division", "country",
 * "offers"), or 0. */
unsigned cmi_div_key_of(const char *name);
/* "class, group, division, country, offers" for messages. */
const char *cmi_div_keys_expected(void);

/* Re-rank the enterprises partner[0..n) (best first by score, ties broken)
 * for one region: step by step, among the partners not yet placed whose rank
 * by score is at most the step + window, the one whose score less penalty x
 * (its likeness to each partner placed before it, summed) is highest, the
 * earlier by score on a tie. Writes order[0..m) (indexes into partner) and
 * note[0..m) for m = min(n, top), and returns m (SIZE_MAX when out of
 * memory). The first m of a longer list are the same: a list of top + window
 * partners gives the exact first top. O(n * m). */
size_t cmi_diversify(const store *st, const div_spec *d, const uint32_t *partner,
                 const double *score, size_t n, size_t top, uint32_t *order, div_note *note);

/* The reason for a partner placed at rank (1-based) with this note, or an
 * empty string when it is at its rank by score. */
void cmi_div_reason(const store *st, const div_note *note, uint32_t rank, char *out, size_t n);

#endif
