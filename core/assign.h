/*
 * assign.h - candidate pairs (the public cm_pairs) and capacity-limited
 * assignment over them (cm_assignment): deferred acceptance with either side
 * proposing, the greatest total score by min-cost flow, and a blocking-pair
 * check. The insides are here for schedule.c and report.c.
 *
 * Owns the pair set, its ids and reasons, and assignment results. Works on
 * ids only: it must not depend on the profile store or the policy engine
 * (profiles and match results are read through the public API).
 */
#ifndef CM_ASSIGN_H
#define CM_ASSIGN_H

#include "capmatch.h"
#include "strpool.h"

#include <stdint.h>

enum { PSIDE_E = 0, PSIDE_R = 1 };

/* Open addressing map from a 64-bit key to a 32-bit value. */
typedef struct u64map {
    uint64_t *keys;           /* key + 1; 0 is an empty slot */
    uint32_t *vals;
    size_t cap, count;        /* cap: a power of two, at most half full */
} u64map;

typedef struct party {
    str_ref id;
    long capacity;            /* regions: < 0 unlimited */
} pairs_party;

typedef struct pair {
    uint32_t e, r;            /* party indices of each side */
    double score, rscore;
    str_ref reasons;          /* STR_NONE: none */
} pair;

struct cm_pairs {
    strpool pool;             /* ids and reasons */
    pairs_party *side[2];
    size_t nside[2], capside[2];
    int closed[2];            /* the side's parties come from profiles: no new ones */
    u64map ids;               /* side << 32 | str_ref -> party index */
    pair *pairs;
    size_t npairs, cap;
    u64map index;             /* e << 32 | r -> pair index */
};

/* The index of a party by id, or UINT32_MAX. */
uint32_t cmi_pairs_find(const cm_pairs *p, int side, const char *id);
/* The index of the pair of parties e and r, or UINT32_MAX. */
uint32_t cmi_pairs_pair(const cm_pairs *p, uint32_t e, uint32_t r);
static inline const char *pairs_id(const cm_pairs *p, int side, uint32_t i)
{
    return strpool_get(&p->pool, p->side[side][i].id);
}

#endif
