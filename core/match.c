/*
 * match.c - the scoring engine: every (enterprise, region) pair through the
 * policy's filters (cheapest first) and rules, keeping only the top k
 * partners of each profile, on every core.
 *
 * Work is handed out in chunks of profiles; each worker has its own Lua
 * state and writes only the slots of the profiles it took, so the result
 * does not depend on the number of threads. Ties break by id (a rank
 * precomputed once). Reasons are formatted only for the pairs that are
 * kept, after their profile's top k is known. Never holds the N x M matrix.
 */
#include "policy.h"
#include "aggregate.h"
#include "alloc.h"
#include "engine.h"
#include "stats.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK_MAX 64
#define OROW_MAX ((size_t)1 << 16)   /* regions of an outer row (worker.orow): cache-sized */
#define REASON_MAX (CM_REASON_MAX + 1)
#define MCACHE_SLOTS ((size_t)1 << 15)   /* a worker's memo cache, when the table is too big */
#define MEMO_SET ((uint64_t)1 << 63)      /* a score in the memo table (scores are >= 0) */
enum { ROW_NONE, ROW_CLAIMED, ROW_READY };   /* ptable.state */
/* class-pair tables of built-ins (job.ptable): cells of one, of all (8
 * bytes each, taken by the page as rows fill; default.lua by enterprise on
 * 1,000,000 x 10,000: 13.2 -> 11.6 ns per pair against 2^21 and 2^23) */
#define TABLE_PART_MAX ((size_t)1 << 23)
#define TABLE_ALL_MAX ((size_t)1 << 25)
/* pruning compares bounds with a margin far above rounding, far below any score step */
#define PRUNE_MARGIN 1e-9
/* the bound pass: seeds per kept pair, and the rules scored before them
 * (default.lua, 20,000 x 10,000: 8 after 3 beat 16 after 2 and 4 after 4 both ways) */
#define BOUND_SEEDS 8             /* (at most BOUND_SEEDS_MORE more than k) */
#define BOUND_SEEDS_MORE 1024
#define BOUND_SEED_AFTER 3
#define VISITS_AHEAD 4            /* seeds fetched ahead of the one scored (prefetch_pair) */
#define BOUND_REST_MAX 0.34        /* the weight share the rules after it may keep
                                      (default.lua by region: the sector rule, 4 of 12) */
#define BOUND_PARTS_MAX 8         /* parts of a rule the bound pass takes */
#define FRONT_FILTERS_MAX 8       /* filters the bound pass reads from rows */
#define DENY_CLASSES_MAX 64       /* classes of a filter checked by bitmaps (job.deny_bits) */
#define DENY_WORDS_MAX ((size_t)1 << 22)   /* and the words of their bitmaps, in all */
#define BOUND_OUTER_MIN 16        /* outer profiles (default.lua, 10k regions: 20 gain, 1 loses) */
#define CLASS_CHEAP 4              /* a class look-up is cheap: inner profiles per class */
#define ERRORS_KEPT 20
#define DIV_REASON_MAX 512        /* a diversity reason, with its NUL (at most) */

typedef struct kept {
    uint32_t partner;
    double score;             /* what the ranking goes by */
    double other;             /* the other side's score */
} kept;

typedef struct slot_expl {    /* explanations of one profile's kept pairs */
    cm_explain_item *items;   /* count * nrules */
    char *text;               /* reasons, NUL-separated */
} slot_expl;

typedef struct rule_error {
    size_t outer, inner;
    char *msg;
} rule_error;

typedef struct job {
    cm_policy *p;
    const store *st;
    const cm_match_options *o;
    int outer_side;           /* enum side of the profiles being ranked for */
    size_t nouter, ninner;
    size_t k;
    size_t top_out;           /* policy aggregate: partners kept of the k candidates */
    double min_score;
    const uint32_t *rank;     /* id order of the inner side */
    const uint32_t *outer_list;  /* the outer profiles to do, or NULL: all */
    kept *slots;              /* nouter * k */
    uint32_t *counts;
    slot_expl *expl;
    atomic_size_t next;
    atomic_size_t done;
    size_t pairs, vetoed, pruned;
    atomic_size_t stop_after; /* outer index: stop work at or after it */
    size_t chunk;             /* outer profiles a worker takes at a time */
    int prune;                /* skip rules of pairs that cannot enter the top k */
    int rank_order[1024];     /* the ranking side's rules, cheapest first */
    double rank_rest[1025];   /* weight of rank_order[i..] */
    size_t nrank;
    pthread_mutex_t lock;     /* errors */
    rule_error *errors;
    size_t nerrors, errors_cap, errors_total;
    atomic_int nomem;
    atomic_int canceled;      /* the stop callback asked to stop */
    int filters_order[256];   /* built-ins first */
    int by_region_view;       /* ranking enterprises for regions by the region's view */
    /* candidates: when the first filter is a member built-in, the inner
     * profiles that can pass it, from an index of its inner list */
    const builtin *cand_filter;
    const column *cand_outer; /* its column of the outer side */
    const posting *post;      /* by item, then inner (the policy's match_prep) */
    size_t npost;
    const uint32_t *always;   /* inner profiles with an empty list that passes */
    size_t nalways;
    size_t nwords;            /* words of a bitmap of the inner profiles */
    /* the index's items that many inner profiles list, as bitmaps (an OR
     * of words instead of a bit per posting): item, then its bitmap */
    struct item_bits { uint32_t item; const uint64_t *bits; } *ibits;
    size_t nibits;
    /* the filters after the candidate filter, when each has few classes
     * and the bound pass reads them (fparts): a bitmap of the inner
     * profiles of each class, so the classes an outer profile fails are
     * taken out of its candidates a word at a time (see candidates) */
    uint64_t **deny_bits;     /* per filter 1.., per class */
    size_t ndeny;             /* filters 1..ndeny (0: none) */
    /* class caches: a built-in part whose inner profiles fall into few
     * classes (equal inputs to it) is scored once per class for each outer
     * profile; parts are numbered rules first (part_base[n] + k for part k
     * of rule n), then filters (part_base[nrules + f]) */
    size_t *part_base;
    const icache *icache;     /* per part; cls NULL: none (the policy's match_prep) */
    size_t icache_total;      /* classes over all parts: a worker's cache size */
    /* per part with a class cache, when the outer profiles fall into few
     * classes too: a score per (outer class, inner class), shared by the
     * workers, filled when first met (MEMO_SET marks a score), so a class
     * pair is scored once in the run instead of once per outer profile */
    struct ptable {
        uint32_t *ocls;
        size_t ncls, nocls;   /* inner classes, outer classes */
        _Atomic uint64_t *table;
        /* a bound part's rows (part_row), per outer class: its scores as
         * plain doubles, their highest, and a state (ROW_*): the worker
         * that claims a row writes it, the others read it once ready */
        double *rows, *most;
        _Atomic unsigned char *state;
    } *ptable;
    size_t table_cells;       /* over all parts' tables */
    size_t table_part_max;    /* cells of one: TABLE_PART_MAX, or less for tests */
    unsigned char fast_rule[1024];   /* built-ins that cannot fail, every part */
    unsigned char looked_up[1024];   /* ... whose every part is a class look-up that mostly hits */
    int defer_other;          /* the other view of kept pairs only, once the top k is known */
    int bound_visits;         /* the bound pass scores its candidates by bound_visit */
    int twin[1024];           /* a rule of the other view scoring as ranked rule twin[n] does, or -1 */
    double *rest_upper;       /* per part: the most the parts after it in its rule can give */
    /* the scoring pass's plan when every ranked rule is a built-in that
     * cannot fail: its parts in rank order, read from one array */
    /* orow: an isic_fit without classes scored from the outer enterprise's
     * row against every region (worker.orow), made at its first pair */
    struct plan_part { icache c; struct ptable t; const builtin *b; double rest; int orow; } *plan_parts;
    struct plan_rule { size_t part, nparts, rule; double weight; } *plan;
    size_t nplan_parts, norow;
    int reference;            /* check mode: built-ins by their plain (reason) path */
    /* the bound pass (see bound_pass): the first nbound rules of the plan,
     * every part a class look-up, scored for all candidates of an outer
     * profile from rows of class scores; the rest bounded by rank_rest */
    size_t nbound;
    struct bound_part { const uint32_t *rep; size_t ncls, row; } *bparts;   /* plan_parts[i] */
    /* per bound part: its row is late (made only when its rule's sweep
     * needs it, read through the worker's class cache before), and the
     * ranges its bound per outer profile comes from (see make_bound) */
    product_range *late;
    size_t nbparts;
    /* the rules after the bound, bounded pair by pair before their visits
     * (after_bound): per plan part from plan[nbound].part on, a
     * best_product's ranges of the inner side (its most for an outer
     * profile), or none (slot NULL) */
    product_range *after;     /* (a plan with a bound always has rules after it) */
    size_t nafter;            /* its entries */
    /* per bound rule of several parts, when its inner profiles fall into few
     * classes of all its parts together: those classes (NULL: none), and a
     * row of the best of its parts per class (so a candidate costs one read) */
    uint32_t **jcls;
    uint32_t **jpcls;         /* ... and each joint class's class in each part (see joint_classes) */
    struct bound_part *jparts;
    size_t njoint;            /* the entries of both: the bound rules */
    struct plan_part *fparts; /* the filters, in their order, read from rows the same way */
    struct bound_part *fbparts;
    size_t nfparts;
    int nfilters_classed;     /* the first filter too (else the pass needs the index) */
    size_t brow_total;        /* the row cells of the bound parts: a worker's rows */
    size_t nseed;             /* the candidates it scores first */
    size_t bound_min;         /* the fewest candidates the pass is worth running for */
    /* diversity (region lists): k is top + window; each list is re-ranked
     * and cut to top, with a note per kept pair */
    const div_spec *div;
    size_t top;
    div_note *notes;          /* nouter * top */
} job;

struct mslot { uint64_t key; uint32_t rule; double score; };

/* A candidate of the bound pass in a heap: its position and its partial
 * score beside it, so that a comparison reads the entry, not acc through it
 * (a load that waits on a load, at every level). */
struct ranked { double v; uint32_t at; };

typedef struct worker {
    job *j;
    int reports;              /* call the progress callback (the calling thread) */
    double last_report;
    pstate ps;
    pstate *use;
    int open_failed;
    char err[1024];
    struct mslot *mcache;     /* memoised scores past the dense tables, or NULL */
    size_t pairs, vetoed, pruned;   /* merged into the job at the end */
    double *scores;           /* one pair's rule scores, declaration order */
    uint32_t *cand;           /* candidates of one outer profile, ascending */
    uint64_t *cbits;          /* the same as a bitmap while they are gathered (then zero) */
    double *cval;             /* class caches: a score per class of every cached part */
    uint32_t *cstamp;         /* the outer profile (cepoch) it was scored for */
    uint32_t cepoch;
    mstats *stats;            /* cm_match_options.stats: this worker's counts, or NULL */
    double *acc;              /* the bound pass: partial score of each candidate */
    double *brow;             /* its rows: the bound parts' class scores for one outer profile */
    struct ranked *seed;      /* the candidates it scores first, to raise the bar */
    size_t nseeded;
    uint32_t *passed;         /* the candidates that passed the filters (bound_front) */
    uint32_t *all;            /* 0..ninner-1: the candidates when there is no candidate filter */
    uint32_t *pos;            /* the bound pass: positions of the candidates still in */
    struct ranked *best;      /* ... and those left after the bound rules, best first */
    const double **brows;     /* per bound part: o's row of class scores (part_row) */
    const double **jrows;     /* per bound rule with joint classes: its row (joint_row) */
    double *bmost;            /* per bound part: the highest score in its row */
    double *rmost;            /* per bound rule: the highest score in o's row */
    double *amost;            /* per part of the rules after the bound (job.after): the
                               * most it can give o (after_most) */
    double *rest;             /* per bound rule i: the most rules i.. can add for o
                               * (rank_rest with the rows' highest scores: tighter) */
    unsigned char **orow;     /* per plan part with job's orow: its row (ranks) ... */
    uint32_t *orow_of;        /* ... for this enterprise (UINT32_MAX: none yet) */
} worker;

static int better(const job *j, double s1, uint32_t p1, double s2, uint32_t p2)
{
    return s1 > s2 || (s1 == s2 && j->rank[p1] < j->rank[p2]);
}

static void record_error(job *j, size_t outer, size_t inner, const char *msg)
{
    pthread_mutex_lock(&j->lock);
    j->errors_total++;
    /* keep the earliest ones (by pair, not by time) so the report is stable */
    if (cm_grow((void **)&j->errors, &j->errors_cap, j->nerrors + 1, sizeof *j->errors) == 0) {
        char *m = cm_strdup(msg);
        if (m)
            j->errors[j->nerrors++] = (rule_error){ outer, inner, m };
    }
    if (j->o->on_error == CM_ON_ERROR_STOP) {
        size_t cur = atomic_load(&j->stop_after);
        while (outer + 1 < cur && !atomic_compare_exchange_weak(&j->stop_after, &cur, outer + 1))
            ;
    }
    pthread_mutex_unlock(&j->lock);
}

static void pair_message(const job *j, uint32_t ei, uint32_t ri, const prule *r,
                         const char *kind, const char *msg, char *out, size_t n)
{
    const store *st = j->st;
    snprintf(out, n, "%s:%d: %s '%s' (enterprise \"%s\", region \"%s\"): %s",
             cmi_policy_file(j->p, r->file), r->line,
             kind, r->name, strpool_get(&st->strings, store_common(st, SIDE_ENTERPRISE, ei)->id),
             strpool_get(&st->strings, store_common(st, SIDE_REGION, ri)->id), msg);
}

/* A memoised rule's score (a filter's verdict, 1 or 0): from the table (or
 * the worker's cache), else one call that may read only what its uses
 * lists. `rule` numbers rules from 0 and filters after them. 0, or -1 with msg. */
static int memo_score(const job *j, worker *w, const prule *r, size_t rule, uint32_t ei,
                      uint32_t ri, double *s, char *msg, size_t msglen)
{
    memo *m = (memo *)&r->memo;
    uint32_t ce = m->cls[SIDE_ENTERPRISE][ei], cr = m->cls[SIDE_REGION][ri];
    _Atomic uint64_t *cell = NULL;
    struct mslot *slot = NULL;
    uint64_t key = 0;
    if (m->table && ce < m->trows && cr < m->tcols) {   /* a visitor's new class is past it */
        cell = &m->table[(size_t)ce * m->tcols + cr];
        uint64_t v = atomic_load_explicit(cell, memory_order_relaxed);
        if (v) {
            v &= ~MEMO_SET;
            memcpy(s, &v, sizeof *s);
            return 0;
        }
    } else {
        if (w->mcache == NULL)
            w->mcache = cm_calloc(MCACHE_SLOTS, sizeof *w->mcache);
        key = ((uint64_t)ce << 32 | cr) + 1;
        if (w->mcache) {
            slot = &w->mcache[((key ^ (uint64_t)rule << 40) * 0x9E3779B97F4A7C15ULL) >> 49];
            if (slot->key == key && slot->rule == rule) {
                *s = slot->score;
                return 0;
            }
        }
    }
    w->use->restrict_to = r->uses;
    int rc, pass;
    if (rule >= j->p->nrules) {
        rc = cmi_pstate_call_filter(j->p, w->use, r->fn, ei, ri, &pass, NULL, 0, msg, msglen);
        *s = pass;
    } else {
        rc = cmi_pstate_call_rule(j->p, w->use, r->fn, ei, ri, s, NULL, 0, msg, msglen);
    }
    w->use->restrict_to = NULL;
    if (rc < 0)
        return -1;            /* errors are not kept: every pair of the class reports */
    if (*s == 0)
        *s = 0;               /* no negative zero: its bits would read as "set" */
    if (cell) {
        uint64_t v;
        memcpy(&v, s, sizeof v);
        atomic_store_explicit(cell, v | MEMO_SET, memory_order_relaxed);
    } else if (slot) {
        slot->key = key;
        slot->rule = (uint32_t)rule;
        slot->score = *s;
    }
    return 0;
}

/* The check mode's score: the plain path, through a reason buffer. */
static __attribute__((noinline)) double reference_score(const job *j, worker *w,
                                                        const builtin *b, uint32_t ei,
                                                        uint32_t ri, int *error)
{
    char scratch[REASON_MAX];
    return cmi_scorer_eval(j->p, w->use, b, ei, ri, scratch, sizeof scratch, error);
}

/* A class cache's miss: score the pair's classes, and keep the score in
 * the class-pair table or the worker's cache. Apart from the hot loops, so
 * that they keep their values in registers. */
static __attribute__((noinline)) double class_miss(const job *j, worker *w, const icache *c,
                                                   const struct ptable *t, const builtin *b, uint32_t ei, uint32_t ri,
                                                   int *error)
{
    double s = cmi_scorer_eval(j->p, w->use, b, ei, ri, NULL, 0, error);
    if (*error)
        return s;
    uint32_t inner = j->outer_side == SIDE_ENTERPRISE ? ri : ei;
    if (t && t->table) {
        if (!(s >= 0))
            return s;         /* MEMO_SET is the sign bit: never kept */
        if (s == 0)
            s = 0;            /* no negative zero */
        uint32_t outer = j->outer_side == SIDE_ENTERPRISE ? ei : ri;
        uint64_t v;
        memcpy(&v, &s, sizeof v);
        atomic_store_explicit(&t->table[(size_t)t->ocls[outer] * t->ncls + c->cls[inner]],
                              v | MEMO_SET, memory_order_relaxed);
        return s;
    }
    size_t at = c->off + c->cls[inner];
    w->cval[at] = s;
    w->cstamp[at] = w->cepoch;
    return s;
}

/* A built-in part's score through its class cache (c->cls set). */
static inline double cached_score(const job *j, worker *w, const icache *c,
                                  const struct ptable *t, const builtin *b, uint32_t ei, uint32_t ri, int *error)
{
    int by_enterprise = j->outer_side == SIDE_ENTERPRISE;
    uint32_t inner = by_enterprise ? ri : ei;
    if (t && t->table) {
        uint32_t outer = by_enterprise ? ei : ri;
        uint64_t v = atomic_load_explicit(&t->table[(size_t)t->ocls[outer] * t->ncls + c->cls[inner]],
                                          memory_order_relaxed);
        if (v) {
            double s;
            v &= ~MEMO_SET;
            memcpy(&s, &v, sizeof s);
            return s;
        }
    } else {
        size_t at = c->off + c->cls[inner];
        if (w->cstamp[at] == w->cepoch)
            return w->cval[at];
    }
    return class_miss(j, w, c, t, b, ei, ri, error);
}

/* A built-in part's score for a pair, through its class cache when it has
 * one: the first pair of a class scores it (for the outer profile's turn,
 * or for the run when the outer side has classes too). */
static inline double builtin_score(const job *j, worker *w, size_t part, const builtin *b,
                                   uint32_t ei, uint32_t ri, int *error)
{
    const icache *c = j->icache ? &j->icache[part] : NULL;
    if (c == NULL || c->cls == NULL) {
        if (j->reference)
            return reference_score(j, w, b, ei, ri, error);
        return cmi_scorer_eval(j->p, w->use, b, ei, ri, NULL, 0, error);
    }
    return cached_score(j, w, c, j->ptable ? &j->ptable[part] : NULL, b, ei, ri, error);
}

/* One scorer of a rule (part number `part`), scoring pass. 0, or -1 with msg. */
static int eval_part(const job *j, worker *w, const prule *r, size_t rule, size_t part,
                     const builtin *b, uint32_t ei, uint32_t ri, double *s, char *msg,
                     size_t msglen)
{
    if (b->kind != B_LUA) {
        int error = 0;
        *s = builtin_score(j, w, part, b, ei, ri, &error);
        if (!error)
            return 0;
        cmi_scorer_eval(j->p, w->use, b, ei, ri, msg, msglen, &error);
        return -1;
    }
    if (r->uses)
        return memo_score(j, w, r, rule, ei, ri, s, msg, msglen);
    return cmi_pstate_call_rule(j->p, w->use, r->fn, ei, ri, s, NULL, 0, msg, msglen);
}

/* One scorer of a rule with its reason (explanations). */
static int explain_part(const job *j, worker *w, const prule *r, const builtin *b, uint32_t ei,
                        uint32_t ri, double *s, char *reason, size_t rlen, char *msg,
                        size_t msglen)
{
    if (b->kind != B_LUA) {
        int error = 0;
        *s = cmi_scorer_eval(j->p, w->use, b, ei, ri, reason, rlen, &error);
        if (error) {
            snprintf(msg, msglen, "%.*s", (int)msglen - 1, reason);
            return -1;
        }
        return 0;
    }
    return cmi_pstate_call_rule(j->p, w->use, r->fn, ei, ri, s, reason, rlen, msg, msglen);
}

/* Evaluate one rule: the best of its scorers; with a reason buffer, also
 * the reason (its explain function's, or the best scorer's). -1 on an error
 * that stops the run. */
static int eval_rule(job *j, worker *w, size_t rule, uint32_t ei, uint32_t ri, size_t outer,
                     size_t inner, double *s, char *reason, size_t rlen, int *errored)
{
    const prule *r = &j->p->rules[rule];
    char msg[700];
    int failed = 0;
    *errored = 0;
    *s = 0;
    for (size_t k = 0; k <= r->nmore && !failed; k++) {
        double v;
        failed = eval_part(j, w, r, rule, j->part_base ? j->part_base[rule] + k : 0,
                           k ? &r->more[k - 1] : &r->b,
                           ei, ri, &v, msg, sizeof msg) < 0;
        if (!failed && v > *s)
            *s = v;
    }
    if (!failed && reason) {
        reason[0] = '\0';
        if (r->explain_fn >= 0) {
            failed = cmi_pstate_call_explain(j->p, w->use, r->explain_fn, ei, ri, *s, reason, rlen,
                                         msg, sizeof msg) < 0;
        } else {
            /* the first scorer that gives the score says why */
            char tmp[REASON_MAX];
            for (size_t k = 0; k <= r->nmore && !failed; k++) {
                double v;
                failed = explain_part(j, w, r, k ? &r->more[k - 1] : &r->b, ei, ri, &v, tmp,
                                      sizeof tmp, msg, sizeof msg) < 0;
                if (!failed && (k == 0 || v == *s) && (k == 0 || reason[0] == '\0' || v > 0)) {
                    snprintf(reason, rlen, "%s", tmp);
                    if (v == *s)
                        break;
                }
            }
        }
    }
    if (!failed)
        return 0;
    char full[1024];
    pair_message(j, ei, ri, r, "rule", msg, full, sizeof full);
    *s = 0;
    *errored = 1;
    if (reason)
        snprintf(reason, rlen, "error: %.480s", msg);
    if (!reason)
        record_error(j, outer, inner, full);
    return j->o->on_error == CM_ON_ERROR_STOP ? -1 : 0;
}

/* A rule's score in the scoring pass: straight through its built-ins when
 * none can fail (the best of its parts, as eval_rule takes it). */
static inline int rule_score(job *j, worker *w, size_t n, uint32_t ei, uint32_t ri, size_t outer,
                             size_t inner, double *s)
{
    if (!j->fast_rule[n]) {
        int errored;
        return eval_rule(j, w, n, ei, ri, outer, inner, s, NULL, 0, &errored);
    }
    const prule *r = &j->p->rules[n];
    size_t base = j->part_base[n];
    int error = 0;
    double best = 0, v = builtin_score(j, w, base, &r->b, ei, ri, &error);
    if (v > best)
        best = v;
    for (size_t k = 0; k < r->nmore && best < j->rest_upper[base + k]; k++) {
        v = builtin_score(j, w, base + 1 + k, &r->more[k], ei, ri, &error);
        if (v > best)
            best = v;
    }
    *s = best;
    return 0;
}

/* Filters of a pair, from the from-th in filters_order (those before it are
 * known to pass): 1 pass, 0 veto, -1 error that stops. */
static int eval_filters(job *j, worker *w, uint32_t ei, uint32_t ri, size_t outer, size_t inner,
                        size_t from, cm_filter_item *verdicts, char *text, size_t *text_len)
{
    const cm_policy *p = j->p;
    for (size_t n = from; n < p->nfilters; n++) {
        const prule *f = &p->filters[j->filters_order[n]];
        char reason[REASON_MAX], msg[700];
        char *rbuf = verdicts ? reason : NULL;
        int pass;
        if (f->b.kind != B_LUA) {
            int error = 0;
            double s = rbuf ? cmi_scorer_eval(p, w->use, &f->b, ei, ri, rbuf, sizeof reason, &error)
                            : builtin_score(j, w, j->part_base[p->nrules + (size_t)j->filters_order[n]],
                                            &f->b, ei, ri, &error);
            if (error) {
                cmi_scorer_eval(p, w->use, &f->b, ei, ri, reason, sizeof reason, &error);
                snprintf(msg, sizeof msg, "%.*s", (int)sizeof msg - 1, reason);
                goto failed;
            }
            pass = f->threshold > 0 ? s >= f->threshold : s > 0;
            if (verdicts && f->explain_fn >= 0 &&
                cmi_pstate_call_explain(j->p, w->use, f->explain_fn, ei, ri, pass, reason,
                                    sizeof reason, msg, sizeof msg) < 0)
                goto failed;
        } else if (f->uses && (!verdicts || f->explain_fn >= 0)) {
            double v;
            if (memo_score(j, w, f, p->nrules + (size_t)j->filters_order[n], ei, ri, &v, msg,
                           sizeof msg) < 0)
                goto failed;
            pass = v != 0;
            if (verdicts && cmi_pstate_call_explain(j->p, w->use, f->explain_fn, ei, ri, v, reason,
                                                sizeof reason, msg, sizeof msg) < 0)
                goto failed;
        } else if (verdicts && f->explain_fn >= 0) {
            if (cmi_pstate_call_filter(j->p, w->use, f->fn, ei, ri, &pass, NULL, 0, msg,
                                   sizeof msg) < 0 ||
                cmi_pstate_call_explain(j->p, w->use, f->explain_fn, ei, ri, pass, reason,
                                    sizeof reason, msg, sizeof msg) < 0)
                goto failed;
        } else if (cmi_pstate_call_filter(j->p, w->use, f->fn, ei, ri, &pass, rbuf, sizeof reason, msg,
                                      sizeof msg) < 0) {
            goto failed;
        }
        if (verdicts) {
            cm_filter_item *v = &verdicts[j->filters_order[n]];
            v->filter = f->name;
            v->pass = pass;
            v->reason = (const char *)(uintptr_t)*text_len;  /* offset, fixed later */
            size_t l = strlen(reason);
            memcpy(text + *text_len, reason, l + 1);
            *text_len += l + 1;
        }
        if (w->stats && !verdicts)
            cmi_mstats_filter(w->stats, (size_t)j->filters_order[n], !pass);
        if (!pass && !verdicts)
            return 0;
        continue;
    failed: {
            char full[1024];
            pair_message(j, ei, ri, f, "filter", msg, full, sizeof full);
            if (verdicts) {
                cm_filter_item *v = &verdicts[j->filters_order[n]];
                v->filter = f->name;
                v->pass = 0;
                v->error = 1;
                v->reason = (const char *)(uintptr_t)*text_len;
                int l = snprintf(text + *text_len, REASON_MAX, "error: %.*s", REASON_MAX - 8, msg);
                *text_len += (size_t)l + 1;
            } else {
                record_error(j, outer, inner, full);
                if (w->stats)
                    cmi_mstats_filter(w->stats, (size_t)j->filters_order[n], 1);
            }
            if (j->o->on_error == CM_ON_ERROR_STOP)
                return -1;
            if (!verdicts)
                return 0;     /* a filter that fails rejects the pair */
        }
    }
    if (verdicts)
        for (size_t n = 0; n < p->nfilters; n++)
            if (!verdicts[n].pass)
                return 0;
    return 1;
}

/* The weighted mean of one side's rules, in declaration order (the order
 * fixes the rounding, so pruning and threads never change a bit). */
static double side_score(const cm_policy *p, const double *sc, int region_side)
{
    double sum = 0;
    for (size_t n = 0; n < p->nrules; n++)
        if (p->rules[n].region_side == region_side)
            sum += p->rules[n].weight * sc[n];
    return sum / (region_side ? p->region_weight_sum : p->weight_sum);
}

static __attribute__((noinline)) double plain_part(const job *j, worker *w, const builtin *b,
                                                   uint32_t ei, uint32_t ri)
{
    int error = 0;
    return cmi_scorer_eval(j->p, w->use, b, ei, ri, NULL, 0, &error);
}

/* A plan part with an outer row (plan_part.orow): the pair's score read
 * from enterprise ei's row, made when ei changes. */
static inline double row_value(const job *j, worker *w, const struct plan_part *pp,
                               uint32_t ei, uint32_t ri)
{
    size_t k = (size_t)(pp - j->plan_parts);
    if (w->orow_of[k] != ei) {
        cmi_isic_fit_row(pp->b, ei, w->orow[k], j->ninner);
        w->orow_of[k] = ei;
    }
    double s = cmi_builtin_data(pp->b)->isic_vals[w->orow[k][ri]];
    return pp->b->factor == 1 ? s : s * pp->b->factor;
}

static inline double plan_value(const job *j, worker *w, const struct plan_part *pp,
                                uint32_t ei, uint32_t ri)
{
    int error = 0;
    if (pp->c.cls == NULL)
        return pp->orow ? row_value(j, w, pp, ei, ri) : plain_part(j, w, pp->b, ei, ri);
    return cached_score(j, w, &pp->c, &pp->t, pp->b, ei, ri, &error);
}

/* A plan rule of parts pp[0..nparts) for a pair: the best of its parts,
 * stopping once none after can give more (what rule_score does). */
static inline double plan_rule_score(const job *j, worker *w, const struct plan_part *pp,
                                     size_t nparts, uint32_t ei, uint32_t ri)
{
    double best = 0, v = plan_value(j, w, pp, ei, ri);
    if (v > best)
        best = v;
    for (size_t k = 1; k < nparts && best < pp[k - 1].rest; k++) {
        v = plan_value(j, w, pp + k, ei, ri);
        if (v > best)
            best = v;
    }
    return best;
}

/* The ranked rules of a pair by the plan (what rule_score does for each,
 * in rank order): 1 scored, 0 pruned. */
static int plan_scores(const job *j, worker *w, uint32_t ei, uint32_t ri, double need, double *sc)
{
    const struct plan_rule *pr = j->plan;
    const struct plan_part *parts = j->plan_parts;
    double got = 0;
    for (size_t i = 0; i < j->nrank; i++) {
        if (i > 0 && got + j->rank_rest[i] < need) {
            w->pruned++;
            return 0;
        }
        double best = plan_rule_score(j, w, parts + pr[i].part, pr[i].nparts, ei, ri);
        sc[pr[i].rule] = best;
        got += pr[i].weight * best;
    }
    return 1;
}

/* Score a pair: the score by which the outer profile ranks it, and the
 * other view (the region's view, or the score when ranking by it; the same
 * when the policy has no region-side rules). `bar` is what the pair must
 * beat to be kept: rules are skipped once the best the pair could still
 * reach is below it. 1 scored, 0 vetoed or pruned, -1 stop. */
static int score_pair(job *j, worker *w, uint32_t ei, uint32_t ri, size_t outer, size_t inner,
                      int indexed, double bar, double *score, double *other)
{
    int f = eval_filters(j, w, ei, ri, outer, inner, indexed ? 1 : 0, NULL, NULL, NULL);
    if (f <= 0) {
        w->vetoed += f == 0;
        return f;
    }
    const cm_policy *p = j->p;
    double *sc = w->scores;
    int rank_region = j->by_region_view;
    double wsum = rank_region ? p->region_weight_sum : p->weight_sum;
    double got = 0;
    /* the bound against the bar in weight units: no division per rule (the
     * margin dwarfs the rounding either way; the kept score is checked below) */
    double need = (bar - PRUNE_MARGIN) * wsum;
    if (j->plan) {
        if (!plan_scores(j, w, ei, ri, need, sc))
            return 0;
    } else {
        for (size_t i = 0; i < j->nrank; i++) {
            size_t n = (size_t)j->rank_order[i];
            if (j->prune && i > 0 && got + j->rank_rest[i] < need) {
                w->pruned++;
                return 0;
            }
            if (rule_score(j, w, n, ei, ri, outer, inner, &sc[n]) < 0)
                return -1;
            got += p->rules[n].weight * sc[n];
        }
    }
    *score = side_score(p, sc, rank_region);
    if (j->prune && *score < bar - PRUNE_MARGIN)
        return 0;             /* cannot be kept: the other view is not needed */
    if (!p->has_region_rules) {
        *other = *score;
        if (w->stats)         /* no pruning with stats: every rule was scored */
            cmi_mstats_pair(w->stats, p, sc);
        return 1;
    }
    if (j->defer_other) {
        *other = *score;      /* a stand-in: other_views gives it, for the pairs kept */
        return 1;
    }
    for (size_t n = 0; n < p->nrules; n++) {
        if (p->rules[n].region_side == rank_region)
            continue;
        if (n < 1024 && j->twin[n] >= 0)
            sc[n] = sc[j->twin[n]];   /* every ranked rule was scored above */
        else if (rule_score(j, w, n, ei, ri, outer, inner, &sc[n]) < 0)
            return -1;
    }
    *other = side_score(p, sc, !rank_region);
    if (w->stats)
        cmi_mstats_pair(w->stats, p, sc);
    return 1;
}

/* Reasons of the kept pairs of one outer profile. */
static int explain_slot(job *j, worker *w, size_t outer)
{
    const cm_policy *p = j->p;
    size_t count = j->counts[outer];
    if (count == 0)
        return 0;
    slot_expl *x = &j->expl[outer];
    x->items = cm_calloc(count * p->nrules, sizeof *x->items);
    x->text = cm_malloc(count * p->nrules * REASON_MAX + 1);
    if (x->items == NULL || x->text == NULL)
        return -1;
    size_t used = 0;
    uint32_t o = j->outer_list ? j->outer_list[outer] : (uint32_t)outer;
    for (size_t k = 0; k < count; k++) {
        uint32_t partner = j->slots[outer * j->k + k].partner;
        uint32_t ei = j->outer_side == SIDE_ENTERPRISE ? o : partner;
        uint32_t ri = j->outer_side == SIDE_ENTERPRISE ? partner : o;
        for (size_t n = 0; n < p->nrules; n++) {
            const prule *r = &p->rules[n];
            cm_explain_item *it = &x->items[k * p->nrules + n];
            double s;
            int errored;
            char *reason = x->text + used;
            reason[0] = '\0';
            eval_rule(j, w, n, ei, ri, outer, partner, &s, reason, REASON_MAX, &errored);
            it->rule = r->name;
            it->group = r->group;
            it->score = s;
            it->weight = r->weight;
            it->contribution =
                r->weight * s / (r->region_side ? p->region_weight_sum : p->weight_sum);
            it->region_side = r->region_side;
            it->error = errored;
            it->reason = (const char *)(uintptr_t)used;
            used += strlen(reason) + 1;
        }
    }
    /* turn offsets into pointers once the text has its final place */
    char *t = cm_realloc(x->text, used ? used : 1);
    if (t)
        x->text = t;
    for (size_t i = 0; i < count * p->nrules; i++)
        x->items[i].reason = x->text + (uintptr_t)x->items[i].reason;
    return 0;
}

/* policy { aggregate = ... } (aggregate.c): rank the kept candidates of one
 * outer profile by the method over their rule scores, keep the best
 * top_out, and explain those. 0, -1 out of memory, -2 a rule stopped the run. */
static int aggregate_slot(job *j, worker *w, size_t outer)
{
    const cm_policy *p = j->p;
    size_t count = j->counts[outer], nr = p->nrules;
    kept *top = j->slots + outer * j->k;
    uint32_t o = j->outer_list ? j->outer_list[outer] : (uint32_t)outer;
    double *rs = cm_malloc((count * nr + 1) * sizeof *rs);
    uint32_t *tie = cm_malloc((count + 1) * sizeof *tie);
    kept *was = cm_malloc((count + 1) * sizeof *was);
    agg_run a;
    int rc = rs && tie && was ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < count; k++) {
        uint32_t ei = j->outer_side == SIDE_ENTERPRISE ? o : top[k].partner;
        uint32_t ri = j->outer_side == SIDE_ENTERPRISE ? top[k].partner : o;
        tie[k] = j->rank[top[k].partner];
        was[k] = top[k];
        for (size_t n = 0; n < nr && rc == 0; n++) {
            int errored;
            if (eval_rule(j, w, n, ei, ri, outer, top[k].partner, &rs[k * nr + n], NULL, 0,
                          &errored) < 0)
                rc = -2;
        }
    }
    if (rc == 0 && count && cmi_agg_rank(&a, p, j->by_region_view, rs, count, tie) < 0)
        rc = -1;
    if (rc == 0 && count) {
        size_t keep = count < j->top_out ? count : j->top_out;
        for (size_t k = 0; k < keep; k++) {
            top[k] = was[a.order[k]];
            top[k].score = a.score[a.order[k]];
        }
        j->counts[outer] = (uint32_t)keep;
        if (j->o->explain && explain_slot(j, w, outer) < 0)
            rc = -1;
        if (rc == 0 && j->o->explain) {
            slot_expl *x = &j->expl[outer];
            textbuf t = BUF_INIT;
            for (size_t k = 0; k < keep; k++)
                cmi_agg_explain(&a, p, a.order[k], x->items + k * nr, &t);
            if (t.nomem || t.s == NULL) {
                cmi_buf_free(&t);
                rc = -1;
            } else {
                cmi_agg_explain_fix(x->items, keep * nr, &t);
                cm_free(x->text);
                x->text = t.s;
            }
        }
        cmi_agg_free(&a);
    }
    cm_free(rs);
    cm_free(tie);
    cm_free(was);
    return rc;
}

/* Outer profile o's row of class scores for a bound part, and its highest
 * score (*most): each inner class scored once for o, so a candidate costs
 * one plain read. With a shared table, the row of o's class is made once
 * in the run, by the worker that claims it, and read in place after; else
 * (and while another worker makes it) it is made in the worker's cells of
 * w->brow. */
static const double *part_row(const job *j, worker *w, uint32_t o, const struct plan_part *pp,
                              const struct bound_part *bp, double *most)
{
    int by_enterprise = j->outer_side == SIDE_ENTERPRISE;
    const struct ptable *t = &pp->t;
    double *r = w->brow + bp->row, top = 0;
    int mine = 0;
    size_t oc = t->rows ? t->ocls[o] : 0;
    if (t->rows) {
        unsigned char st = atomic_load_explicit(&t->state[oc], memory_order_acquire);
        if (st == ROW_READY) {
            *most = t->most[oc];
            return t->rows + oc * t->ncls;
        }
        unsigned char none = ROW_NONE;
        mine = st == ROW_NONE &&
               atomic_compare_exchange_strong_explicit(&t->state[oc], &none, ROW_CLAIMED,
                                                       memory_order_relaxed,
                                                       memory_order_relaxed);
        if (mine)
            r = t->rows + oc * t->ncls;
    }
    for (size_t c = 0; c < bp->ncls; c++) {
        uint32_t in = bp->rep[c];
        r[c] = in == UINT32_MAX ? 0
             : plan_value(j, w, pp, by_enterprise ? o : in, by_enterprise ? in : o);
        top = r[c] > top ? r[c] : top;
    }
    if (mine) {
        t->most[oc] = top;
        atomic_store_explicit(&t->state[oc], ROW_READY, memory_order_release);
    }
    *most = top;
    return r;
}

/* The first of n records of `size` bytes, each an item id first and in
 * ascending order, whose item is not below item. */
static size_t first_item(const void *recs, size_t n, size_t size, uint32_t item)
{
    const unsigned char *r = recs;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t v;
        memcpy(&v, r + mid * size, sizeof v);
        if (v < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Set the bits of item's postings (or its bitmap) in w->cbits. */
static void item_candidates(const job *j, worker *w, uint32_t item)
{
    size_t lo = first_item(j->ibits, j->nibits, sizeof *j->ibits, item);
    if (lo < j->nibits && j->ibits[lo].item == item) {
        const uint64_t *bits = j->ibits[lo].bits;
        for (size_t k = 0; k < j->nwords; k++)
            w->cbits[k] |= bits[k];
        return;
    }
    lo = first_item(j->post, j->npost, sizeof *j->post, item);   /* its first posting */
    for (; lo < j->npost && j->post[lo].item == item; lo++)
        w->cbits[j->post[lo].inner >> 6] |= (uint64_t)1 << (j->post[lo].inner & 63);
}

/* The inner profiles outer profile o can pass the candidate filter with, in
 * ascending order, into w->cand; SIZE_MAX: all of them. The filters after
 * it that job.deny_bits holds are checked here too, by class. */
static size_t candidates(const job *j, worker *w, uint32_t o)
{
    const column *c = j->cand_outer;
    const uint32_t *items = c->items + c->off[o];
    size_t n = c->n[o];
    if (n == 0 && !j->cand_filter->empty_passes)
        return 0;
    if (n == 0 && j->ndeny == 0)
        return SIZE_MAX;
    if (n == 0) {             /* all pass the index's filter: the next ones decide */
        memset(w->cbits, 0xff, j->nwords * sizeof *w->cbits);
        if (j->ninner % 64)
            w->cbits[j->nwords - 1] = ((uint64_t)1 << (j->ninner % 64)) - 1;
    }
    for (size_t k = 0; n && k < j->nalways; k++)
        w->cbits[j->always[k] >> 6] |= (uint64_t)1 << (j->always[k] & 63);
    for (size_t i = 0; i < n; i++)
        item_candidates(j, w, items[i]);
    /* the classes of the next filters that o fails */
    for (size_t f = 1; f <= j->ndeny; f++) {
        double most, threshold = j->p->filters[j->filters_order[f]].threshold;
        const double *row = part_row(j, w, o, &j->fparts[f], &j->fbparts[f], &most);
        for (size_t cl = 0; cl < j->fbparts[f].ncls; cl++)
            if (threshold > 0 ? !(row[cl] >= threshold) : !(row[cl] > 0)) {
                const uint64_t *bits = j->deny_bits[f - 1] + cl * j->nwords;
                for (size_t k = 0; k < j->nwords; k++)
                    w->cbits[k] &= ~bits[k];
            }
    }
    /* in ascending order, leaving the bitmap zero for the next profile */
    size_t count = 0;
    for (size_t word = 0; word < j->nwords; word++) {
        uint64_t bits = w->cbits[word];
        w->cbits[word] = 0;
        while (bits) {
            w->cand[count++] = (uint32_t)(word * 64 + (size_t)__builtin_ctzll(bits));
            bits &= bits - 1;
        }
    }
    return count;
}

/* job.ibits: a bitmap for each item of the candidate index with more
 * postings than a bitmap has words. 0, or -1 out of memory. */
static int item_bitmaps(job *j)
{
    size_t nbig = 0;
    for (size_t lo = 0, hi; lo < j->npost; lo = hi) {
        for (hi = lo; hi < j->npost && j->post[hi].item == j->post[lo].item; hi++)
            ;
        nbig += hi - lo > j->nwords;
    }
    if (nbig == 0)
        return 0;
    j->ibits = cm_calloc(nbig, sizeof *j->ibits);
    if (j->ibits == NULL)
        return -1;
    for (size_t lo = 0, hi; lo < j->npost; lo = hi) {
        for (hi = lo; hi < j->npost && j->post[hi].item == j->post[lo].item; hi++)
            ;
        if (hi - lo <= j->nwords)
            continue;
        uint64_t *bits = cm_calloc(j->nwords, sizeof *bits);
        if (bits == NULL)
            return -1;
        for (size_t k = lo; k < hi; k++)
            bits[j->post[k].inner >> 6] |= (uint64_t)1 << (j->post[k].inner & 63);
        j->ibits[j->nibits++] = (struct item_bits){ j->post[lo].item, bits };
    }
    return 0;
}

/* Give a part with a class cache a class-pair table when the outer profiles
 * fall into few classes too (noc classes, ocls: class_tables) and the job
 * meets each class several times. The table takes ocls, else it is freed
 * (the worker's cache serves the part then). */
static void class_table(job *j, struct ptable *t, const uint32_t *cls, uint32_t *ocls, long noc)
{
    size_t ncls = 0;
    for (size_t i = 0; i < j->ninner; i++)
        ncls = cls[i] >= ncls ? cls[i] + (size_t)1 : ncls;
    size_t cells = (size_t)noc * ncls;
    if (noc == 0 || (size_t)noc * 2 > j->nouter || cells > j->table_part_max ||
        j->table_cells + cells > TABLE_ALL_MAX ||
        (t->table = cm_calloc(cells, sizeof *t->table)) == NULL) {
        cm_free((void *)t->table);
        t->table = NULL;
        cm_free(ocls);
        return;               /* out of memory here only loses the table */
    }
    t->ocls = ocls;
    t->ncls = ncls;
    t->nocls = (size_t)noc;
    j->table_cells += cells;
}

static int cpu_count(void);

/* The class-pair tables of a job that ranks many outer profiles (see
 * job.ptable). 0, or -1 out of memory. */
static int class_tables(job *j, size_t nparts)
{
    /* CAPMATCH_TABLE_CELLS (tests): smaller tables, or none at 0, so that
     * small inputs take the paths of a registry's parts without a table */
    const char *cells = getenv("CAPMATCH_TABLE_CELLS");
    char *end = NULL;
    unsigned long long max = cells ? strtoull(cells, &end, 10) : TABLE_PART_MAX;
    j->table_part_max = end != cells && max < TABLE_PART_MAX ? (size_t)max : TABLE_PART_MAX;
    if (j->icache == NULL || j->nouter < 256)
        return 0;
    j->ptable = cm_calloc(nparts ? nparts : 1, sizeof *j->ptable);
    if (j->ptable == NULL)
        return -1;
    /* the outer profiles' classes of the parts with class caches: a pass
     * over a registry each, shared among the threads (prep.c) */
    const cm_policy *p = j->p;
    const builtin **b = cm_malloc((nparts ? nparts : 1) * sizeof *b);
    size_t *at = cm_malloc((nparts ? nparts : 1) * sizeof *at);
    uint32_t **ocls = cm_malloc((nparts ? nparts : 1) * sizeof *ocls);
    long *noc = cm_malloc((nparts ? nparts : 1) * sizeof *noc);
    int rc = b && at && ocls && noc ? 0 : -1;
    size_t n = 0;
    for (size_t r = 0; r < p->nrules + p->nfilters && rc == 0; r++)
        for (size_t k = 0; k <= (r < p->nrules ? p->rules[r].nmore : 0); k++)
            if (j->icache[j->part_base[r] + k].cls) {
                at[n] = j->part_base[r] + k;
                b[n++] = cmi_part_builtin(p, r, k);
            }
    if (rc == 0)
        rc = cmi_builtin_classes_of(p, b, n, j->outer_side,
                                    j->o->threads > 0 ? j->o->threads : cpu_count(), ocls, noc);
    /* in part order: the tables' budget goes first come */
    for (size_t i = 0; i < n && rc == 0; i++)
        class_table(j, &j->ptable[at[i]], j->icache[at[i]].cls, ocls[i], noc[i]);
    cm_free(b);
    cm_free(at);
    cm_free(ocls);
    cm_free(noc);
    return rc;
}

/* Give the shared table of a bound part (job.ptable[at]) room for its rows
 * (part_row), within the tables' budget; without it the rows are made by
 * each worker. 0, or -1 out of memory. */
static int table_rows(job *j, size_t at)
{
    struct ptable *t = &j->ptable[at];
    size_t cells = t->nocls * t->ncls;
    if (t->table == NULL || t->rows || cells == 0 || j->table_cells + cells > TABLE_ALL_MAX)
        return 0;
    t->rows = cm_malloc(cells * sizeof *t->rows);
    t->most = cm_malloc(t->nocls * sizeof *t->most);
    t->state = cm_calloc(t->nocls, sizeof *t->state);
    if (t->rows == NULL || t->most == NULL || t->state == NULL)
        return -1;
    j->table_cells += cells;
    return 0;
}

/* Number the parts, and take the inner side's preparations (the id order;
 * with pruning, the candidate index and class caches, kept in the policy
 * from one match to the next: prep.c). --no-prune scores without them: the
 * plain path it checks against. 0, or -1 out of memory. */
static int prepare_parts(job *j)
{
    cm_policy *p = j->p;
    size_t nparts = 0, nall = p->nrules + p->nfilters;
    const match_prep *m = cmi_match_prep(p, !j->outer_side, j->prune,
                                         j->o->threads > 0 ? j->o->threads : cpu_count());
    if (m == NULL)
        return -1;
    j->rank = m->rank;
    if (j->prune) {
        j->icache = m->icache;
        j->icache_total = m->icache_total;
        if (m->cand_filter) {
            j->cand_filter = m->cand_filter;
            j->cand_outer = &m->cand_filter->col[!m->cand_column];
            j->post = m->post;
            j->npost = m->npost;
            j->always = m->always;
            j->nalways = m->nalways;
            j->nwords = (j->ninner + 63) / 64;
            if (item_bitmaps(j) < 0)
                return -1;
        }
    }
    j->part_base = cm_malloc((nall ? nall : 1) * sizeof *j->part_base);
    if (j->part_base == NULL)
        return -1;
    for (size_t n = 0; n < nall; n++) {
        j->part_base[n] = nparts;
        nparts += 1 + (n < p->nrules ? p->rules[n].nmore : 0);
    }
    j->rest_upper = cm_malloc((nparts ? nparts : 1) * sizeof *j->rest_upper);
    if (j->rest_upper == NULL)
        return -1;
    /* the plain path, for checking the fast one against (tests set it) */
    j->reference = !j->prune && getenv("CAPMATCH_CHECK_KERNELS") != NULL;
    for (size_t n = 0; n < nall; n++) {
        size_t nk = 1 + (n < p->nrules ? p->rules[n].nmore : 0);
        double rest = 0;      /* the parts after k: the best of them, at most */
        for (size_t k = nk; k-- > 0;) {
            j->rest_upper[j->part_base[n] + k] = j->reference ? INFINITY : rest;
            double u = cmi_builtin_upper(cmi_part_builtin(p, n, k));
            rest = u > rest ? u : rest;
        }
    }
    for (size_t n = 0; n < p->nrules && n < 1024; n++) {
        const prule *r = &p->rules[n];
        int fast = 1;
        for (size_t k = 0; k <= r->nmore; k++) {
            enum builtin_kind kind = (k ? &r->more[k - 1] : &r->b)->kind;
            fast &= kind != B_LUA && kind != B_REGEX;
        }
        j->fast_rule[n] = (unsigned char)fast;
    }
    /* the other view can wait for the kept pairs when it cannot fail (an
     * error of a pair that is not kept would go unreported) */
    j->defer_other = j->prune && p->has_region_rules && p->nrules <= 1024;
    for (size_t n = 0; n < p->nrules && j->defer_other; n++)
        j->defer_other = p->rules[n].region_side == j->by_region_view || j->fast_rule[n];
    return class_tables(j, nparts);
}

/* Re-rank one profile's kept list for diversity and cut it to the top. */
static int diversify_slot(job *j, size_t outer, uint32_t *count)
{
    kept *top = j->slots + outer * j->k;
    size_t n = *count;
    uint32_t *partner = cm_malloc((n ? n : 1) * sizeof *partner);
    uint32_t *order = cm_malloc((n ? n : 1) * sizeof *order);
    double *score = cm_malloc((n ? n : 1) * sizeof *score);
    kept *copy = cm_malloc((n ? n : 1) * sizeof *copy);
    int ok = partner && order && score && copy;
    if (ok) {
        for (size_t i = 0; i < n; i++) {
            partner[i] = top[i].partner;
            score[i] = top[i].score;
            copy[i] = top[i];
        }
        size_t m = cmi_diversify(j->st, j->div, partner, score, n, j->top, order,
                             j->notes + outer * j->top);
        ok = m != SIZE_MAX;
        for (size_t i = 0; ok && i < m; i++)
            top[i] = copy[order[i]];
        if (ok)
            *count = (uint32_t)m;
    }
    cm_free(partner);
    cm_free(order);
    cm_free(score);
    cm_free(copy);
    return ok ? 0 : -1;
}

/* The order the ranking side's rules are scored in, for pruning: the
 * cheapest first (built-ins whose every part is a class look-up, other
 * built-ins, memoised Lua, Lua), the heaviest first among equals: the bound
 * falls fastest for the least work. A rule's bound is its weight times the
 * most it can score (1 for Lua, which must return a score in [0, 1]). */
static void rank_rules(job *j)
{
    const cm_policy *p = j->p;
    int cost[1024];
    double most[1024];
    for (size_t n = 0; n < p->nrules && n < 1024; n++) {
        const prule *r = &p->rules[n];
        int looked_up = j->icache != NULL;
        most[n] = 0;
        for (size_t k = 0; k <= r->nmore; k++) {
            const builtin *b = cmi_part_builtin(p, n, k);
            double u = b->kind == B_LUA ? 1 : cmi_builtin_upper(b);
            most[n] = u > most[n] ? (isfinite(u) ? u : 1) : most[n];
            size_t at = j->part_base[n] + k;
            /* a look-up that mostly misses costs what the plain path does:
             * classes many against the inner profiles, none shared by outer
             * classes (by region in default.lua, the sector rule's 10,000+
             * classes of 20,000 enterprises) */
            looked_up &= j->icache && j->icache[at].cls != NULL &&
                         ((j->ptable && j->ptable[at].table) ||
                          j->icache[at].ncls * CLASS_CHEAP <= j->ninner);
        }
        cost[n] = r->cost == 0 ? !looked_up : r->cost + 1;
        j->looked_up[n] = (unsigned char)(r->cost == 0 && looked_up);
    }
    j->nrank = 0;
    for (int c = 0; c <= 3; c++)
        for (size_t i = 0; i < p->nrules && j->nrank < 1024; i++)
            if (cost[i] == c && p->rules[i].region_side == j->by_region_view)
                j->rank_order[j->nrank++] = (int)i;
    for (size_t i = 1; i < j->nrank; i++)
        for (size_t k = i; k > 0; k--) {
            int x = j->rank_order[k - 1], y = j->rank_order[k];
            if (cost[x] != cost[y] ||
                p->rules[x].weight * most[x] >= p->rules[y].weight * most[y])
                break;
            j->rank_order[k] = x;
            j->rank_order[k - 1] = y;
        }
    j->rank_rest[j->nrank] = 0;
    for (size_t i = j->nrank; i-- > 0;) {
        int n = j->rank_order[i];
        j->rank_rest[i] = j->rank_rest[i + 1] + p->rules[n].weight * most[n];
    }
}

/* The rules of the other view that score as a ranked rule does (the same
 * built-ins, part for part): default.lua's region view repeats six of the
 * enterprise's rules, so a kept pair's other view costs the rest only. */
static void find_twins(job *j)
{
    const cm_policy *p = j->p;
    for (size_t n = 0; n < p->nrules && n < 1024; n++) {
        const prule *r = &p->rules[n];
        j->twin[n] = -1;
        if (r->region_side == j->by_region_view || r->cost != 0)
            continue;
        for (size_t m = 0; m < p->nrules && m < 1024 && j->twin[n] < 0; m++) {
            const prule *q = &p->rules[m];
            int same = q->region_side == j->by_region_view && q->cost == 0 && q->nmore == r->nmore;
            for (size_t k = 0; same && k <= r->nmore; k++)
                same = cmi_builtin_same(cmi_part_builtin(p, n, k), cmi_part_builtin(p, m, k));
            if (same)
                j->twin[n] = (int)m;
        }
    }
}

/* The plan of the scoring pass (job.plan), when pruning and every ranked
 * rule is a built-in that cannot fail; else none. 0, or -1 out of memory. */
static int make_plan(job *j)
{
    if (!j->prune || j->icache == NULL || j->nrank == 0)
        return 0;
    size_t nparts = 0;
    for (size_t i = 0; i < j->nrank; i++) {
        if (!j->fast_rule[j->rank_order[i]])
            return 0;
        nparts += 1 + j->p->rules[j->rank_order[i]].nmore;
    }
    j->plan = cm_malloc(j->nrank * sizeof *j->plan);
    j->plan_parts = cm_malloc(nparts * sizeof *j->plan_parts);
    if (j->plan == NULL || j->plan_parts == NULL)
        return -1;
    j->nplan_parts = nparts;
    size_t at = 0;
    for (size_t i = 0; i < j->nrank; i++) {
        size_t n = (size_t)j->rank_order[i], base = j->part_base[n];
        const prule *r = &j->p->rules[n];
        j->plan[i] = (struct plan_rule){ at, 1 + r->nmore, n, r->weight };
        for (size_t k = 0; k <= r->nmore; k++, at++) {
            struct ptable none = { 0 };
            const builtin *b = cmi_part_builtin(j->p, n, k);
            /* an outer row costs a pass over the regions: for an
             * enterprise's many pairs, never one region's */
            int orow = j->icache[base + k].cls == NULL && j->outer_side == SIDE_ENTERPRISE &&
                       j->ninner <= OROW_MAX && cmi_isic_fit_rows(b, j->ninner);
            j->plan_parts[at] = (struct plan_part){ j->icache[base + k],
                                                    j->ptable ? j->ptable[base + k] : none,
                                                    b, j->rest_upper[base + k], orow };
            j->norow += (size_t)orow;
        }
    }
    return 0;
}

/* A bound part of inner classes cls: its class count, a profile of each
 * class (to score the class with: the first), and its cells in a worker's
 * rows from *cells on. No classes (cls NULL): none. 0, -1 out of memory. */
static int bound_part_make(const job *j, const uint32_t *cls, struct bound_part *bp,
                           size_t *cells)
{
    size_t ncls = 0;
    for (size_t r = 0; cls && r < j->ninner; r++)
        ncls = cls[r] >= ncls ? cls[r] + (size_t)1 : ncls;
    uint32_t *rep = cm_malloc((ncls ? ncls : 1) * sizeof *rep);
    if (rep == NULL)
        return -1;
    for (size_t c = 0; c < ncls; c++)
        rep[c] = UINT32_MAX;
    for (size_t r = cls ? j->ninner : 0; r-- > 0;)
        rep[cls[r]] = (uint32_t)r;
    *bp = (struct bound_part){ rep, ncls, *cells };
    *cells += ncls;
    return 0;
}

/* The joint classes of bound rule i's parts (inner profiles equal in every
 * part): job.jcls[i] and job.jparts[i], when they are few (a class per
 * CLASS_CHEAP inner profiles at most); else none. 0, or -1 out of memory. */
static int joint_classes(job *j, size_t i, size_t *cells)
{
    const struct plan_rule *pr = &j->plan[i];
    const struct plan_part *pp = j->plan_parts + pr->part;
    size_t most = j->ninner / CLASS_CHEAP, nslots = 16;
    while (nslots < 2 * most)
        nslots *= 2;
    uint32_t *cls = cm_malloc((j->ninner ? j->ninner : 1) * sizeof *cls);
    uint32_t *slot = cm_malloc(nslots * sizeof *slot);   /* a class's first profile */
    uint32_t *rep = cm_malloc((most ? most : 1) * sizeof *rep);
    if (cls == NULL || slot == NULL || rep == NULL) {
        cm_free(cls);
        cm_free(slot);
        cm_free(rep);
        return -1;
    }
    memset(slot, 0xff, nslots * sizeof *slot);
    size_t ncls = 0, r;
    for (r = 0; r < j->ninner; r++) {
        uint64_t h = 0;
        for (size_t k = 0; k < pr->nparts; k++)
            h = (h ^ pp[k].c.cls[r]) * 0x9E3779B97F4A7C15u;
        size_t at = (size_t)(h >> 40) & (nslots - 1);
        for (;; at = (at + 1) & (nslots - 1)) {
            uint32_t q = slot[at];
            if (q == UINT32_MAX)
                break;
            int same = 1;
            for (size_t k = 0; k < pr->nparts && same; k++)
                same = pp[k].c.cls[q] == pp[k].c.cls[r];
            if (same)
                break;
        }
        if (slot[at] == UINT32_MAX) {
            if (ncls == most)
                break;        /* too many: the parts are read one by one */
            slot[at] = (uint32_t)r;
            rep[ncls] = (uint32_t)r;
            cls[r] = (uint32_t)ncls++;
        } else {
            cls[r] = cls[slot[at]];
        }
    }
    cm_free(slot);
    if (r < j->ninner) {
        cm_free(cls);
        cm_free(rep);
        return 0;
    }
    /* each class's class in every part, read in order when o's joint row
     * is made (its profile's classes are far apart in the parts' arrays) */
    size_t npcls = pr->nparts * ncls;
    uint32_t *pcls = cm_malloc((npcls ? npcls : 1) * sizeof *pcls);
    if (pcls == NULL) {
        cm_free(cls);
        cm_free(rep);
        return -1;
    }
    for (size_t k = 0; k < pr->nparts; k++)
        for (size_t c = 0; c < ncls; c++)
            pcls[k * ncls + c] = pp[k].c.cls[rep[c]];
    j->jcls[i] = cls;
    j->jpcls[i] = pcls;
    j->jparts[i] = (struct bound_part){ rep, ncls, *cells };
    *cells += ncls;
    return 0;
}

/* job.deny_bits, when there is a candidate index and each filter after
 * it has few classes (default.lua's cross-border filter: a class per
 * country), within DENY_WORDS_MAX. 0, or -1 out of memory. */
static int deny_bitmaps(job *j)
{
    size_t nf = j->p->nfilters, words = 0;
    if (j->cand_filter == NULL || nf < 2)
        return 0;
    for (size_t f = 1; f < nf; f++) {
        if (j->fparts[f].c.cls == NULL || j->fbparts[f].ncls > DENY_CLASSES_MAX)
            return 0;
        words += j->fbparts[f].ncls * j->nwords;
    }
    if (words > DENY_WORDS_MAX)
        return 0;
    j->deny_bits = cm_calloc(nf - 1, sizeof *j->deny_bits);
    if (j->deny_bits == NULL)
        return -1;
    j->ndeny = nf - 1;   /* freed by how many are set */
    for (size_t f = 1; f < nf; f++) {
        uint64_t *bits = cm_calloc(j->fbparts[f].ncls * j->nwords, sizeof *bits);
        if (bits == NULL)
            return -1;
        j->deny_bits[f - 1] = bits;
        const uint32_t *cls = j->fparts[f].c.cls;
        for (size_t r = 0; r < j->ninner; r++)
            bits[cls[r] * j->nwords + (r >> 6)] |= (uint64_t)1 << (r & 63);
    }
    return 0;
}

/* The late bound parts of the nb bound rules (job.late): a best_product
 * rule after the seeds, of one part whose row has no shared table. Its
 * row costs a score per inner class for every outer profile (default.lua's
 * fund rule by enterprise: 339 region classes, too many enterprise classes
 * for a table), while the candidates that reach its sweep are few, and the
 * enterprises with no fund (about half) never reach it: the bound of the
 * rules left takes the most its items can score instead of its row's. */
static int late_parts(job *j, size_t nb)
{
    size_t seed_after = nb <= BOUND_SEED_AFTER ? nb - 1 : BOUND_SEED_AFTER;
    j->late = cm_calloc(j->nbparts ? j->nbparts : 1, sizeof *j->late);
    if (j->late == NULL)
        return -1;
    int inner_side = j->outer_side == SIDE_ENTERPRISE ? SIDE_REGION : SIDE_ENTERPRISE;
    for (size_t i = seed_after + 1; i < nb; i++) {
        const struct plan_part *pp = &j->plan_parts[j->plan[i].part];
        if (j->plan[i].nparts == 1 && pp->t.rows == NULL && pp->b->kind == B_PRODUCT &&
            cmi_product_range(pp->b, inner_side, &j->late[j->plan[i].part]) < 0)
            return -1;
    }
    return 0;
}

/* The ranges behind after_bound's bound of the rules after the bound (the
 * first nb rules of the plan, whose rules are all built-ins): for each
 * best_product among their parts, the inner side's. 0, or -1 out of
 * memory. */
static int after_parts(job *j, size_t nb)
{
    if (nb >= j->nrank)
        return 0;
    size_t first = j->plan[nb].part, last = j->nplan_parts;
    j->after = cm_calloc(last - first, sizeof *j->after);
    if (j->after == NULL)
        return -1;
    j->nafter = last - first;
    int inner_side = j->outer_side == SIDE_ENTERPRISE ? SIDE_REGION : SIDE_ENTERPRISE;
    for (size_t k = first; k < last; k++)
        if (!j->plan_parts[k].orow && j->plan_parts[k].b->kind == B_PRODUCT &&
            cmi_product_range(j->plan_parts[k].b, inner_side, &j->after[k - first]) < 0)
            return -1;
    return 0;
}

/* The bound pass (bound_pass) of a job with a plan that ranks at least
 * BOUND_OUTER_MIN outer profiles (then rows of class scores are met again
 * and again; for a visitor alone the rows cost what its pairs do):
 * its leading rules whose every part is a class look-up that mostly hits
 * (job.looked_up), when they carry all but BOUND_REST_MAX of
 * the ranked weight; and for each of their parts, a profile of each inner class (to
 * score the class with). Only when the filters cannot fail, since pairs
 * left out by it never meet them. 0, or -1 out of memory. */
static int make_bound(job *j)
{
    const cm_policy *p = j->p;
    if (j->plan == NULL || j->k == 0 || j->nouter < BOUND_OUTER_MIN ||
        p->nfilters > FRONT_FILTERS_MAX)
        return 0;
    /* the filters are read from rows too: built-ins with classes (those
     * after the candidate filter, which the index checks) */
    for (size_t f = 0; f < p->nfilters; f++) {
        const prule *fr = &p->filters[j->filters_order[f]];
        if (fr->b.kind == B_LUA || fr->b.kind == B_REGEX || fr->nmore)
            return 0;
        if (j->icache[j->part_base[p->nrules + (size_t)j->filters_order[f]]].cls == NULL &&
            (f > 0 || j->cand_filter == NULL))
            return 0;
    }
    size_t nb = 0, nparts = 0;
    while (nb < j->nrank && j->rank_rest[nb] > 0) {
        const struct plan_rule *pr = &j->plan[nb];
        if (pr->nparts > BOUND_PARTS_MAX || !j->looked_up[pr->rule])
            break;
        nparts = pr->part + pr->nparts;
        nb++;
    }
    /* the rules after them must leave little to bound (else few pairs are
     * left out, and the look-ups cost more than they spare) */
    if (nb == 0 || j->rank_rest[nb] > BOUND_REST_MAX * j->rank_rest[0])
        return 0;
    /* and some rule must be left to skip: when the bound takes them all,
     * the plain path reads the same class tables and is as fast, and scales
     * better on threads (bench_declarative.lua, 20,000 x 10,000, 2 threads:
     * 17.8 ns/pair against 19.5 with the pass) */
    if (nb == j->nrank)
        return 0;
    j->bparts = cm_calloc(nparts, sizeof *j->bparts);
    j->fparts = cm_calloc(p->nfilters ? p->nfilters : 1, sizeof *j->fparts);
    j->fbparts = cm_calloc(p->nfilters ? p->nfilters : 1, sizeof *j->fbparts);
    if (j->bparts == NULL || j->fparts == NULL || j->fbparts == NULL)
        return -1;
    j->nbparts = nparts;
    size_t cells = 0;
    for (size_t i = 0; i < nb; i++) {
        const struct plan_rule *pr = &j->plan[i];
        for (size_t k = pr->part; k < pr->part + pr->nparts; k++) {
            size_t at = j->part_base[pr->rule] + (k - pr->part);
            if (j->ptable && table_rows(j, at) < 0)
                return -1;
            if (j->ptable)
                j->plan_parts[k].t = j->ptable[at];
            if (bound_part_make(j, j->plan_parts[k].c.cls, &j->bparts[k], &cells) < 0)
                return -1;
        }
    }
    j->jcls = cm_calloc(nb, sizeof *j->jcls);
    j->jpcls = cm_calloc(nb, sizeof *j->jpcls);
    j->jparts = cm_calloc(nb, sizeof *j->jparts);
    if (j->jcls == NULL || j->jpcls == NULL || j->jparts == NULL)
        return -1;
    j->njoint = nb;
    for (size_t i = 0; i < nb; i++)
        if (j->plan[i].nparts > 1 && joint_classes(j, i, &cells) < 0)
            return -1;
    for (size_t f = 0; f < p->nfilters; f++) {
        size_t at = j->part_base[p->nrules + (size_t)j->filters_order[f]];
        if (j->ptable && table_rows(j, at) < 0)
            return -1;
        struct ptable none = { 0 };
        j->fparts[f] = (struct plan_part){ j->icache[at], j->ptable ? j->ptable[at] : none,
                                           &p->filters[j->filters_order[f]].b, 0 };
        if (bound_part_make(j, j->icache[at].cls, &j->fbparts[f], &cells) < 0)
            return -1;
    }
    if (late_parts(j, nb) < 0 || after_parts(j, nb) < 0)
        return -1;
    j->nfparts = p->nfilters;
    if (deny_bitmaps(j) < 0)
        return -1;
    j->nfilters_classed = p->nfilters == 0 || j->fparts[0].c.cls != NULL;
    j->nbound = nb;
    j->bound_visits = j->defer_other || !p->has_region_rules;
    j->nseed = j->k * (BOUND_SEEDS - 1) < BOUND_SEEDS_MORE ? j->k * BOUND_SEEDS
                                                           : j->k + BOUND_SEEDS_MORE;
    j->brow_total = cells;
    /* a row costs a look-up per class (most rows are the shared tables',
     * made once), a candidate the pass's sweeps; visited on the plain path
     * it costs a full scoring: default.lua by enterprise, 50,000 x 10,000,
     * 2.7% of the enterprises with fewer than 2 * cells / nparts (1,747)
     * candidates took 7% of the time that way, and the pass for them all
     * saves 5-8% */
    j->bound_min = cells / (8 * (nparts ? nparts : 1));
    return 0;
}

/* The other view of outer profile o's kept pairs (top[0..count)), when
 * the scoring pass leaves it out (job.defer_other): most pairs it scores
 * are pushed out of the top k later, and their other view was wasted. Its
 * rules are built-ins that cannot fail, so the scores are the ones the
 * pass would have given. */
static void other_views(job *j, worker *w, uint32_t o, size_t outer, kept *top, uint32_t count)
{
    const cm_policy *p = j->p;
    int other_side = !j->by_region_view;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t ei = j->outer_side == SIDE_ENTERPRISE ? o : top[k].partner;
        uint32_t ri = j->outer_side == SIDE_ENTERPRISE ? top[k].partner : o;
        for (size_t n = 0; n < p->nrules; n++)
            if (p->rules[n].region_side == other_side)
                (void)rule_score(j, w, n, ei, ri, outer, top[k].partner, &w->scores[n]);
        top[k].other = side_score(p, w->scores, other_side);
    }
}

/* Keep partner in the top k (top, *count) when it enters it. */
static inline void keep(const job *j, kept *top, uint32_t *count, uint32_t partner, double score,
                        double other)
{
    if (*count == j->k && !better(j, score, partner, top[*count - 1].score, top[*count - 1].partner))
        return;
    size_t at = *count < j->k ? (*count)++ : j->k - 1;
    while (at > 0 && better(j, score, partner, top[at - 1].score, top[at - 1].partner)) {
        top[at] = top[at - 1];
        at--;
    }
    top[at] = (kept){ partner, score, other };
}

/* Score the pair of outer profile o and inner profile `inner`, and keep it
 * in o's top k (top, *count) when it enters it. 0, or -1 stop. */
static inline __attribute__((always_inline)) int visit(job *j, worker *w, uint32_t o, size_t outer, size_t inner, int indexed,
                        kept *top, uint32_t *count)
{
    uint32_t ei = j->outer_side == SIDE_ENTERPRISE ? o : (uint32_t)inner;
    uint32_t ri = j->outer_side == SIDE_ENTERPRISE ? (uint32_t)inner : o;
    double score, other;
    /* what a pair must reach: the k-th kept (ties go by id), else the floor */
    double bar = *count == j->k ? top[*count - 1].score : j->min_score;
    w->pairs++;
    int r = score_pair(j, w, ei, ri, outer, inner, indexed, bar, &score, &other);
    if (r < 0)
        return -1;
    if (r == 0 || score < j->min_score)
        return 0;
    keep(j, top, count, (uint32_t)inner, score, other);
    return 0;
}

/* Bound rule i for inner profile `inner`: the best of its parts' rows. */
static inline double parts_best(const job *j, const worker *w, size_t i, uint32_t inner)
{
    const struct plan_rule *pr = &j->plan[i];
    double best = 0;
    for (size_t k = pr->part; k < pr->part + pr->nparts; k++) {
        double v = w->brows[k][j->plan_parts[k].c.cls[inner]];
        best = v > best ? v : best;
    }
    return best;
}

/* The row of bound rule i's joint classes: the best of its parts' rows at
 * each class's profile (what its parts give every profile of the class). */
static const double *joint_row(const job *j, worker *w, size_t i, double *most)
{
    const struct bound_part *jp = &j->jparts[i];
    const struct plan_rule *pr = &j->plan[i];
    double *r = w->brow + jp->row, top = 0;
    size_t n = jp->ncls;
    for (size_t c = 0; c < n; c++)
        r[c] = 0;
    for (size_t k = 0; k < pr->nparts; k++) {   /* parts_best, part by part */
        const double *row = w->brows[pr->part + k];
        const uint32_t *pc = j->jpcls[i] + k * n;
        for (size_t c = 0; c < n; c++) {
            double v = row[pc[c]];
            r[c] = v > r[c] ? v : r[c];
        }
    }
    for (size_t c = 0; c < n; c++)
        top = r[c] > top ? r[c] : top;
    *most = top;
    return r;
}

/* The one row bound rule i reads (its part's, or its joint classes'), and
 * the classes it is read by: 1, or 0 when the rule reads several. */
static inline int one_row(const job *j, const worker *w, size_t i, const uint32_t **cls,
                          const double **row)
{
    const struct plan_rule *pr = &j->plan[i];
    if (pr->nparts == 1) {
        *cls = j->plan_parts[pr->part].c.cls;
        *row = w->brows[pr->part];
        return 1;
    }
    *cls = j->jcls[i];
    *row = w->jrows[i];
    return *cls != NULL;
}

/* Rule i of the plan (a bound rule) for the candidates of outer profile o
 * at positions pos[0..n), added with its weight into w->acc (rank order,
 * as plan_scores sums), from the rows of its parts; a candidate whose
 * partial score is then below `need` is taken out of pos (in the same
 * pass: the candidates are read once per rule). The new count. */
static size_t bound_rule(const job *j, worker *w, size_t i, const uint32_t *cand, uint32_t *pos,
                         size_t n, double need)
{
    double *acc = w->acc;
    double weight = j->plan[i].weight;
    size_t m = 0;
    const uint32_t *cls;
    const double *r;
    if (one_row(j, w, i, &cls, &r)) {
        for (size_t s = 0; s < n; s++) {
            uint32_t at = pos[s];
            double a = acc[at] + weight * r[cls[cand[at]]];
            acc[at] = a;
            pos[m] = at;
            m += a >= need;
        }
        return m;
    }
    for (size_t s = 0; s < n; s++) {
        uint32_t at = pos[s];
        double a = acc[at] + weight * parts_best(j, w, i, cand[at]);
        acc[at] = a;
        pos[m] = at;
        m += a >= need;
    }
    return m;
}

/* What the bound pass's first sweep reads (bound_front): the rows of the
 * filters left to check and of the rules before the seeds. */
struct front {
    const uint32_t *fcls[FRONT_FILTERS_MAX];
    const double *frow[FRONT_FILTERS_MAX];
    double fmin[FRONT_FILTERS_MAX];   /* the least score that passes a filter */
    const uint32_t *cls[BOUND_SEED_AFTER + 1];   /* the rules with one row */
    const double *row[BOUND_SEED_AFTER + 1];
    double weight[BOUND_SEED_AFTER + 1];
};

/* Put position at (partial score v) among the seeds, a min-heap of the
 * nseed highest so far (*h of them); equal scores keep the earlier. */
static void seed_push(struct ranked *heap, size_t *h, size_t nseed, double v, uint32_t at)
{
    size_t i;
    if (*h < nseed) {
        for (i = (*h)++; i > 0 && heap[(i - 1) / 2].v > v; i = (i - 1) / 2)
            heap[i] = heap[(i - 1) / 2];
    } else {
        for (i = 0;;) {
            size_t c = 2 * i + 1;
            if (c >= *h)
                break;
            if (c + 1 < *h && heap[c + 1].v < heap[c].v)
                c++;
            if (heap[c].v >= v)
                break;
            heap[i] = heap[c];
            i = c;
        }
    }
    heap[i] = (struct ranked){ v, at };
}

/* bound_front's sweep, for nh rules and nf filters (constants where it is
 * called, so that both loops unroll). */
static inline __attribute__((always_inline)) size_t
front_sweep(const job *j, worker *w, const struct front *fr, const uint32_t *cand, size_t n,
            const size_t nh, const size_t nf)
{
    double *acc = w->acc;
    uint32_t *passed = w->passed, *pos = w->pos;
    struct ranked *heap = w->seed;
    size_t m = 0, h = 0, nseed = j->nseed;
    /* in locals: the stores below may alias fr for all the compiler knows,
     * and it would read each pointer again for every candidate */
    const uint32_t *fcls[FRONT_FILTERS_MAX], *cls[BOUND_SEED_AFTER + 1];
    const double *frow[FRONT_FILTERS_MAX], *row[BOUND_SEED_AFTER + 1];
    double fmin[FRONT_FILTERS_MAX], weight[BOUND_SEED_AFTER + 1];
    for (size_t f = 0; f < nf; f++) {
        fcls[f] = fr->fcls[f];
        frow[f] = fr->frow[f];
        fmin[f] = fr->fmin[f];
    }
    for (size_t i = 0; i < nh; i++) {
        cls[i] = fr->cls[i];
        row[i] = fr->row[i];
        weight[i] = fr->weight[i];
    }
    double least = -INFINITY;   /* what a candidate must beat to be a seed */
    for (size_t s = 0; s < n; s++) {
        uint32_t c = cand[s];
        int pass = 1;
#pragma GCC unroll 4
        for (size_t f = 0; f < nf; f++)
            pass &= frow[f][fcls[f][c]] >= fmin[f];
        double a = 0;
#pragma GCC unroll 4
        for (size_t i = 0; i < nh; i++)
            a += weight[i] * row[i][cls[i][c]];
        acc[m] = a;
        passed[m] = c;
        pos[m] = (uint32_t)m;
        if (pass && a > least) {
            seed_push(heap, &h, nseed, a, (uint32_t)m);
            least = h < nseed ? -INFINITY : heap[0].v;
        }
        m += (size_t)pass;
    }
    w->nseeded = h;
    return m;
}

/* The bound pass's first sweep over outer profile o's candidates
 * cand[0..n), one read of each: the filters from `from` on (from their
 * rows), the partial score of the rules 0..last (before the seeds, which
 * take no candidate out) into w->acc, and the seeds: the j->nseed highest
 * partial scores (w->seed, w->nseeded). The candidates that pass go to
 * w->passed, their positions to w->pos; their count. A rule of several
 * rows is added after the sweep, so the seeds are chosen without it (they
 * only raise the bar: any choice is exact). */
static size_t bound_front(const job *j, worker *w, uint32_t o, size_t from, const uint32_t *cand,
                          size_t n, size_t last)
{
    struct front fr;
    size_t nf = j->p->nfilters - from, nh = 0, m = 0;
    for (size_t f = 0; f < nf; f++) {
        double most;
        fr.frow[f] = part_row(j, w, o, &j->fparts[from + f], &j->fbparts[from + f], &most);
        fr.fcls[f] = j->fparts[from + f].c.cls;
        double threshold = j->p->filters[j->filters_order[from + f]].threshold;
        fr.fmin[f] = threshold > 0 ? threshold : DBL_TRUE_MIN;   /* else: above 0 */
    }
    for (size_t i = 0; i <= last; i++)
        if (one_row(j, w, i, &fr.cls[nh], &fr.row[nh]))
            fr.weight[nh++] = j->plan[i].weight;
#define FRONT_CASE(NH) \
    case NH: \
        m = nf == 0 ? front_sweep(j, w, &fr, cand, n, NH, 0) \
          : nf == 1 ? front_sweep(j, w, &fr, cand, n, NH, 1) \
                    : front_sweep(j, w, &fr, cand, n, NH, nf); \
        break;
    switch (nh) {
    FRONT_CASE(0)
    FRONT_CASE(1)
    FRONT_CASE(2)
    FRONT_CASE(3)
    FRONT_CASE(4)
    default:
        m = front_sweep(j, w, &fr, cand, n, nh, nf);
    }
#undef FRONT_CASE
    if (nh <= last)
        for (size_t i = 0; i <= last; i++) {
            const uint32_t *cls;
            const double *row;
            if (!one_row(j, w, i, &cls, &row))
                (void)bound_rule(j, w, i, w->passed, w->pos, m, -INFINITY);
        }
    return m;
}

/* Bound rule i's score of candidate `inner` of outer profile o: from o's
 * rows, or (a late row not made yet) by the plan. */
static inline double bound_value(const job *j, worker *w, size_t i, uint32_t inner,
                                 uint32_t ei, uint32_t ri)
{
    const struct plan_rule *pr = &j->plan[i];
    return j->jcls[i] ? w->jrows[i][j->jcls[i][inner]]
         : w->brows[pr->part] ? parts_best(j, w, i, inner)
         : plan_value(j, w, j->plan_parts + pr->part, ei, ri);   /* late */
}

/* visit() for a candidate `inner` of the bound pass, which has passed the
 * filters; `got` is its partial score from the bound rules before `from`
 * (rank order, as the sweeps sum). The bound rules from `from` on are read
 * from o's rows, the rest scored by the plan with its pruning; a pair that
 * then cannot reach the bar stops there, one that can is scored exactly
 * (every rule's score, summed as side_score sums). The other view is left
 * to other_views (job.bound_visits). */
static void bound_visit(job *j, worker *w, uint32_t o, size_t inner, size_t from, double got,
                        kept *top, uint32_t *count)
{
    const struct plan_rule *pr = j->plan;
    double *sc = w->scores;
    double wsum = j->by_region_view ? j->p->region_weight_sum : j->p->weight_sum;
    double bar = *count == j->k ? top[*count - 1].score : j->min_score;
    double need = (bar - PRUNE_MARGIN) * wsum;
    uint32_t ei = j->outer_side == SIDE_ENTERPRISE ? o : (uint32_t)inner;
    uint32_t ri = j->outer_side == SIDE_ENTERPRISE ? (uint32_t)inner : o;
    w->pairs++;
    for (size_t i = from; i < j->nbound; i++) {
        double v = bound_value(j, w, i, (uint32_t)inner, ei, ri);
        sc[pr[i].rule] = v;
        got += pr[i].weight * v;
    }
    for (size_t i = j->nbound; i < j->nrank; i++) {
        if (got + j->rank_rest[i] < need) {
            w->pruned++;
            return;
        }
        double best = plan_rule_score(j, w, j->plan_parts + pr[i].part, pr[i].nparts, ei, ri);
        sc[pr[i].rule] = best;
        got += pr[i].weight * best;
    }
    if (got < need)
        return;               /* scored, and below the bar (the margin dwarfs the rounding) */
    for (size_t i = 0; i < from; i++)   /* (those from `from` on are in sc) */
        sc[pr[i].rule] = bound_value(j, w, i, (uint32_t)inner, ei, ri);
    double score = side_score(j->p, sc, j->by_region_view);
    if (score >= bar - PRUNE_MARGIN && score >= j->min_score)
        keep(j, top, count, (uint32_t)inner, score, score);
}

/* A candidate of the bound pass (at position `at` of w->acc, which holds
 * its partial score from the bound rules before `from`) scored in full and
 * kept if it enters the top k. 0, or -1 stop. */
static inline int pass_visit(job *j, worker *w, uint32_t o, size_t outer, const uint32_t *cand,
                             uint32_t at, size_t from, int indexed, kept *top, uint32_t *count)
{
    if (!j->bound_visits)
        return visit(j, w, o, outer, cand[at], indexed, top, count);
    bound_visit(j, w, o, cand[at], from, w->acc[at], top, count);
    return 0;
}

/* The most each part of the rules after the bound can give outer profile
 * o against any inner profile (w->amost): a best_product its most for o,
 * any other part its most anywhere (as rank_rules takes it). A part with
 * an outer row is read pair by pair instead (after_bound). */
static void after_most(const job *j, worker *w, uint32_t o)
{
    size_t first = j->plan[j->nbound].part;
    for (size_t k = first; k < j->nplan_parts; k++) {
        const struct plan_part *pp = &j->plan_parts[k];
        double u = cmi_builtin_upper(pp->b);
        u = isfinite(u) ? u : 1;
        if (j->after[k - first].slot) {
            double most = cmi_product_most(pp->b, &j->after[k - first], j->outer_side, o);
            u = most < u ? most : u;
        }
        w->amost[k - first] = u;
    }
}

/* The most the rules after the bound can add to the pair (o, inner): each
 * rule's weight times the best of its parts, a part with an outer row read
 * for the pair (its score), the others at their most for o (after_most).
 * Pair by pair, this leaves out most candidates that the bound rules'
 * scores alone leave in (default.lua by enterprise: a sector rule that
 * gives most regions nothing). */
static inline double after_bound(const job *j, worker *w, uint32_t o, uint32_t inner)
{
    size_t first = j->plan[j->nbound].part;
    double sum = 0;
    for (size_t i = j->nbound; i < j->nrank; i++) {
        const struct plan_rule *pr = &j->plan[i];
        double most = 0;
        for (size_t k = pr->part; k < pr->part + pr->nparts; k++) {
            const struct plan_part *pp = &j->plan_parts[k];
            double v = pp->orow ? row_value(j, w, pp, o, inner) : w->amost[k - first];
            most = v > most ? v : most;
        }
        sum += pr->weight * most;
    }
    return sum;
}

/* The joint rows of outer profile o (the parts' rows made: w->brows), the
 * highest score in each bound rule's row (w->rmost), and w->rest: the most
 * the rules from i on can add for o. rank_rest, from each rule's most
 * anywhere, leaves far more in: no fund reaches 1 for most enterprises. */
static void bound_rest(const job *j, worker *w)
{
    double *rest = w->rest;
    rest[j->nbound] = j->rank_rest[j->nbound];
    for (size_t i = j->nbound; i-- > 0;) {
        const struct plan_rule *pr = &j->plan[i];
        double most = 0;
        if (j->jcls[i])
            w->jrows[i] = joint_row(j, w, i, &most);
        else
            for (size_t k = pr->part; k < pr->part + pr->nparts; k++)
                most = w->bmost[k] > most ? w->bmost[k] : most;
        w->rmost[i] = most;
        rest[i] = rest[i + 1] + pr->weight * most;
    }
}

/* Have the memory fetch what the rules after the bound read first for the
 * pair (o, inner) (a best_product's items: a region's lie anywhere in the
 * registry's), while the visits before it are scored. */
static inline void prefetch_pair(const job *j, uint32_t o, uint32_t inner)
{
    uint32_t ei = j->outer_side == SIDE_ENTERPRISE ? o : inner;
    uint32_t ri = j->outer_side == SIDE_ENTERPRISE ? inner : o;
    for (size_t i = j->nbound; i < j->nrank; i++)
        for (size_t k = j->plan[i].part; k < j->plan[i].part + j->plan[i].nparts; k++)
            if (!j->plan_parts[k].orow)
                cmi_scorer_prefetch(j->plan_parts[k].b, ei, ri);
}

/* Score the seeds bound_front chose (w->seed: the highest partial scores
 * after the first rules) in full, to raise the bar. They stay among the
 * candidates with a partial score of -inf, so the next sweep drops them
 * (cheaper than taking them out of the middle of pos): their pairs,
 * counted by the visits, are taken off the counts here for it. 0, or -1
 * stop. */
static int seed_visits(job *j, worker *w, uint32_t o, size_t outer, const uint32_t *cand,
                       size_t from, int indexed, kept *top, uint32_t *count)
{
    const struct ranked *heap = w->seed;
    for (size_t i = 0; i < w->nseeded && i < VISITS_AHEAD; i++)
        prefetch_pair(j, o, cand[heap[i].at]);
    for (size_t i = 0; i < w->nseeded; i++) {
        if (i + VISITS_AHEAD < w->nseeded)
            prefetch_pair(j, o, cand[heap[i + VISITS_AHEAD].at]);
        if (pass_visit(j, w, o, outer, cand, heap[i].at, from, indexed, top, count) < 0)
            return -1;
        w->acc[heap[i].at] = -INFINITY;
    }
    w->pairs -= w->nseeded;
    w->pruned -= w->nseeded;
    return 0;
}

/* A max-heap of candidates by partial score, equal ones the lower position
 * first. */
static inline int ranked_before(struct ranked a, struct ranked b)
{
    return a.v > b.v || (a.v == b.v && a.at < b.at);
}

static void sift_down(struct ranked *heap, size_t at, size_t n)
{
    struct ranked x = heap[at];
    for (;;) {
        size_t c = 2 * at + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ranked_before(heap[c + 1], heap[c]))
            c++;
        if (!ranked_before(heap[c], x))
            break;
        heap[at] = heap[c];
        at = c;
    }
    heap[at] = x;
}

/* The candidates of outer profile o (cand[0..n)) through the bound pass:
 * one sweep checks the filters and sums the first rules (bound_front); the
 * candidates with the highest partial scores then are scored in full to
 * raise the bar (seed_visits); the other bound rules are scored rule by
 * rule for the candidates still in (bound_rule), heaviest first, and after
 * each a candidate whose partial score plus the most the rules after it
 * can add for o (w->rest) is below the bar is left out. The others are
 * scored in full best first (the highest partial score first), until the
 * next one cannot reach the bar. Exact: a pair is left out only when it
 * cannot enter the top k, so the result is the one of scoring every pair.
 * 0, or -1 stop. */
static int bound_pass(job *j, worker *w, uint32_t o, size_t outer, const uint32_t *cand,
                      size_t n, int indexed, kept *top, uint32_t *count)
{
    double *acc = w->acc;
    uint32_t *pos = w->pos;
    for (size_t i = 0; i < j->nbparts; i++) {
        if (j->late[i].slot) {
            w->brows[i] = NULL;
            w->bmost[i] = cmi_product_most(j->plan_parts[i].b, &j->late[i], j->outer_side, o);
            continue;
        }
        w->brows[i] = part_row(j, w, o, &j->plan_parts[i], &j->bparts[i], &w->bmost[i]);
    }
    bound_rest(j, w);
    const double *rest = w->rest;
    double wsum = j->by_region_view ? j->p->region_weight_sum : j->p->weight_sum;
    size_t seed_after = j->nbound <= BOUND_SEED_AFTER ? j->nbound - 1 : BOUND_SEED_AFTER;
    /* the filters left: all but the index's and those candidates() took */
    size_t m = bound_front(j, w, o, indexed ? 1 + j->ndeny : 0, cand, n, seed_after);
    w->pairs += n - m;
    w->vetoed += n - m;
    cand = w->passed;
    n = m;
    if (seed_visits(j, w, o, outer, cand, seed_after + 1, indexed, top, count) < 0)
        return -1;
    for (size_t i = seed_after + 1; i < j->nbound; i++) {
        /* a rule that gives o nothing leaves every bound where it was */
        if (w->rmost[i] == 0)
            continue;
        /* what a candidate's partial score must reach after rule i, from
         * the bar the seeds have set */
        size_t k = j->plan[i].part;
        if (j->late[k].slot && n > 0) {    /* the seeds' classes are in the worker's cache */
            double most;
            w->brows[k] = part_row(j, w, o, &j->plan_parts[k], &j->bparts[k], &most);
        }
        double bar = *count == j->k ? top[*count - 1].score : j->min_score;
        m = bound_rule(j, w, i, cand, pos, n, (bar - PRUNE_MARGIN) * wsum - rest[i + 1]);
        w->pairs += n - m;
        w->pruned += n - m;
        n = m;
    }
    /* best first: by the most each one's full score can be (its partial
     * score and after_bound), highest first, so the bar rises fastest and
     * the visits stop at the first candidate that cannot reach it */
    struct ranked *heap = w->best;
    double bar = *count == j->k ? top[*count - 1].score : j->min_score;
    double need = (bar - PRUNE_MARGIN) * wsum;
    after_most(j, w, o);
    m = 0;
    for (size_t s = 0; s < n; s++) {
        double v = acc[pos[s]] + after_bound(j, w, o, cand[pos[s]]);
        heap[m] = (struct ranked){ v, pos[s] };
        m += v >= need;
    }
    w->pairs += n - m;
    w->pruned += n - m;
    n = m;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(heap, i, n);
    while (n > 0) {
        bar = *count == j->k ? top[*count - 1].score : j->min_score;
        struct ranked best = heap[0];
        if (best.v < (bar - PRUNE_MARGIN) * wsum) {
            w->pairs += n;
            w->pruned += n;
            break;
        }
        heap[0] = heap[--n];
        sift_down(heap, 0, n);
        if (n > 0)            /* the next to visit, fetched while this one is */
            prefetch_pair(j, o, cand[heap[0].at]);
        if (pass_visit(j, w, o, outer, cand, best.at, j->nbound, indexed, top, count) < 0)
            return -1;
    }
    return 0;
}

static void *work(void *arg)
{
    worker *w = arg;
    job *j = w->j;
    for (;;) {
        size_t start = atomic_fetch_add(&j->next, j->chunk);
        if (start >= j->nouter)
            break;
        size_t end = start + j->chunk < j->nouter ? start + j->chunk : j->nouter;
        for (size_t outer = start; outer < end; outer++) {
            if (outer >= atomic_load(&j->stop_after))
                goto out;
            uint32_t o = j->outer_list ? j->outer_list[outer] : (uint32_t)outer;
            kept *top = j->slots + outer * j->k;
            if (w->cstamp && ++w->cepoch == 0) {   /* wrapped: start the stamps afresh */
                memset(w->cstamp, 0, j->icache_total * sizeof *w->cstamp);
                w->cepoch = 1;
            }
            uint32_t count = 0;
            size_t ncand = j->cand_filter ? candidates(j, w, o) : SIZE_MAX;
            size_t nloop = ncand == SIZE_MAX ? j->ninner : ncand;
            if (ncand != SIZE_MAX) {  /* the others are vetoed by the first filter */
                w->pairs += j->ninner - ncand;
                w->vetoed += j->ninner - ncand;
            }
            const uint32_t *cand = ncand == SIZE_MAX ? w->all : w->cand;
            if (j->nbound && nloop >= j->bound_min &&
                (ncand != SIZE_MAX || j->nfilters_classed)) {
                if (bound_pass(j, w, o, outer, cand, nloop, ncand != SIZE_MAX, top, &count) < 0)
                    goto out;
            } else {
                for (size_t step = 0; step < nloop; step++)
                    if (visit(j, w, o, outer, ncand == SIZE_MAX ? step : cand[step],
                              ncand != SIZE_MAX, top, &count) < 0)
                        goto out;
            }
            if (j->defer_other)
                other_views(j, w, o, outer, top, count);
            if (j->div && diversify_slot(j, outer, &count) < 0) {
                atomic_store(&j->nomem, 1);
                atomic_store(&j->stop_after, 0);
                goto out;
            }
            j->counts[outer] = count;
            int ag = j->p->agg.on ? aggregate_slot(j, w, outer) : 0;
            if (ag == -2)
                goto out;
            if (ag < 0 || (!j->p->agg.on && j->o->explain && explain_slot(j, w, outer) < 0)) {
                atomic_store(&j->nomem, 1);
                atomic_store(&j->stop_after, 0);
                goto out;
            }
            atomic_fetch_add_explicit(&j->done, 1, memory_order_relaxed);
            if (w->reports) {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
                if (now - w->last_report >= 0.2) {
                    w->last_report = now;
                    if (j->o->progress)
                        j->o->progress(atomic_load(&j->done), j->nouter, j->o->progress_ud);
                    if (j->o->stop && j->o->stop(atomic_load(&j->done), j->nouter,
                                                 j->o->progress_ud)) {
                        atomic_store(&j->canceled, 1);
                        atomic_store(&j->stop_after, 0);
                    }
                }
            }
        }
    }
out:
    return NULL;
}

/* ---- results ------------------------------------------------------------------- */

struct cm_result {
    cm_match_row *rows;
    size_t nrows;
    size_t nrules;
    slot_expl *expl;          /* per outer profile */
    size_t nexpl;
    cm_explain_item **row_items;  /* per row: its nrules items */
    cm_filter_item *filters;  /* cm_explain_pair only */
    size_t nfilters;
    char *filter_text;
    char **errors;
    size_t nerrors, errors_total;
    size_t pairs, vetoed, pruned;
    char *names;              /* copies of rule and filter names: results outlive policies */
    char *div_text;           /* diversity reasons, NUL-separated */
    cm_rule_stats *rstats;    /* cm_match_options.stats, or NULL */
    cm_filter_stats *fstats;
    size_t nfstats, scored;
};

/* Point the explanations at the result's own copies of the policy's names. */
static int own_names(cm_result *r, const cm_policy *p)
{
    size_t len = 1;
    for (size_t i = 0; i < p->nrules; i++)
        len += strlen(p->rules[i].name) + 1 + (p->rules[i].group ? strlen(p->rules[i].group) + 1 : 0);
    for (size_t i = 0; i < p->nfilters; i++)
        len += strlen(p->filters[i].name) + 1;
    r->names = cm_malloc(len);
    if (r->names == NULL)
        return -1;
    char *o = r->names;
    const char **rule = cm_malloc((p->nrules + 1) * sizeof *rule);
    const char **group = cm_malloc((p->nrules + 1) * sizeof *group);
    if (rule == NULL || group == NULL) {
        cm_free(rule);
        cm_free(group);
        return -1;
    }
    for (size_t i = 0; i < p->nrules; i++) {
        rule[i] = strcpy(o, p->rules[i].name);
        o += strlen(o) + 1;
        group[i] = NULL;
        if (p->rules[i].group) {
            group[i] = strcpy(o, p->rules[i].group);
            o += strlen(o) + 1;
        }
    }
    for (size_t row = 0; row < r->nrows; row++)
        for (size_t i = 0; r->row_items && r->row_items[row] && i < p->nrules; i++) {
            r->row_items[row][i].rule = rule[i];
            r->row_items[row][i].group = group[i];
        }
    for (size_t i = 0; r->rstats && i < p->nrules; i++)
        r->rstats[i].name = rule[i];
    for (size_t i = 0; i < p->nfilters; i++) {
        const char *name = strcpy(o, p->filters[i].name);
        o += strlen(o) + 1;
        if (i < r->nfilters)
            r->filters[i].filter = name;
        if (r->fstats)
            r->fstats[i].name = name;
    }
    cm_free(rule);
    cm_free(group);
    return 0;
}

CM_API void cm_match_options_init(cm_match_options *o)
{
    memset(o, 0, sizeof *o);
    o->by = CM_KIND_ENTERPRISES;
    o->min_score = -1;
}

CM_API void cm_result_free(cm_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nexpl; i++) {
        cm_free(r->expl[i].items);
        cm_free(r->expl[i].text);
    }
    cm_free(r->expl);
    cm_free(r->row_items);
    cm_free(r->rows);
    cm_free(r->filters);
    cm_free(r->filter_text);
    cm_free(r->names);
    cm_free(r->div_text);
    cm_free(r->rstats);
    cm_free(r->fstats);
    for (size_t i = 0; i < r->nerrors; i++)
        cm_free(r->errors[i]);
    cm_free(r->errors);
    cm_free(r);
}

CM_API size_t cm_result_count(const cm_result *r) { return r ? r->nrows : 0; }
CM_API const cm_match_row *cm_result_row(const cm_result *r, size_t i)
{
    return r && i < r->nrows ? &r->rows[i] : NULL;
}
CM_API size_t cm_result_rule_count(const cm_result *r) { return r ? r->nrules : 0; }
CM_API const cm_explain_item *cm_result_explain(const cm_result *r, size_t row, size_t i)
{
    if (r == NULL || row >= r->nrows || i >= r->nrules || r->row_items == NULL ||
        r->row_items[row] == NULL)
        return NULL;
    return &r->row_items[row][i];
}
CM_API size_t cm_result_filter_count(const cm_result *r) { return r ? r->nfilters : 0; }
CM_API const cm_filter_item *cm_result_filter(const cm_result *r, size_t i)
{
    return r && i < r->nfilters ? &r->filters[i] : NULL;
}
CM_API size_t cm_result_error_count(const cm_result *r) { return r ? r->errors_total : 0; }
CM_API const char *cm_result_error(const cm_result *r, size_t i)
{
    return r && i < r->nerrors ? r->errors[i] : NULL;
}
CM_API size_t cm_result_pruned(const cm_result *r) { return r ? r->pruned : 0; }
CM_API const cm_rule_stats *cm_result_rule_stats(const cm_result *r, size_t i)
{
    return r && r->rstats && i < r->nrules ? &r->rstats[i] : NULL;
}
CM_API const cm_filter_stats *cm_result_filter_stats(const cm_result *r, size_t i)
{
    return r && r->fstats && i < r->nfstats ? &r->fstats[i] : NULL;
}
CM_API size_t cm_result_scored(const cm_result *r) { return r ? r->scored : 0; }

CM_API size_t cm_result_pairs(const cm_result *r, size_t *vetoed)
{
    if (vetoed)
        *vetoed = r ? r->vetoed : 0;
    return r ? r->pairs : 0;
}

static int cmp_error(const void *a, const void *b)
{
    const rule_error *x = a, *y = b;
    if (x->outer != y->outer)
        return x->outer < y->outer ? -1 : 1;
    return x->inner < y->inner ? -1 : x->inner > y->inner;
}

static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n > 64 ? 64 : n) : 1;
}

/* The statistics of a run into its result (names fixed by own_names). */
static int stats_figures(cm_result *r, const cm_policy *p, const mstats *s)
{
    r->rstats = cm_calloc(p->nrules ? p->nrules : 1, sizeof *r->rstats);
    r->fstats = cm_calloc(p->nfilters ? p->nfilters : 1, sizeof *r->fstats);
    if (r->rstats == NULL || r->fstats == NULL)
        return -1;
    for (size_t i = 0; i < p->nrules; i++)
        cmi_mstats_rule(s, p, i, &r->rstats[i]);
    for (size_t i = 0; i < p->nfilters; i++)
        cmi_mstats_filter_figures(s, p, i, &r->fstats[i]);
    r->nfstats = p->nfilters;
    r->scored = cmi_mstats_scored(s);
    return 0;
}

/* The job's settings: what it ranks, how many partners it keeps (top, and
 * the candidates diversity or an aggregate re-ranks), the filters' order. */
static cm_status job_init(job *j, cm_engine *e, cm_policy *p, const cm_match_options *o,
                          int outer_side, const uint32_t *outer_list, size_t nouter)
{
    const store *st = cmi_engine_store(e);
    memset(j, 0, sizeof *j);
    j->p = p;
    j->st = st;
    j->o = o;
    j->outer_side = outer_side;
    j->outer_list = outer_list;
    j->nouter = nouter;
    j->ninner = st->kinds[!outer_side].count;
    j->k = o->top ? o->top : p->top;
    if (j->k > 10000000 || (nouter && j->k > SIZE_MAX / sizeof(kept) / nouter))
        return cmi_engine_fail(e, CM_EUSAGE, "top %zu is more than can be kept (at most 10000000)",
                               j->k);
    j->top = j->k;
    j->top_out = j->k;
    /* an aggregate ranks by its method: no diversity re-ranking on top of it */
    int div_on = !p->agg.on && (o->diversity > 0 || (o->diversity == 0 && p->diversity.by));
    static const div_spec div_default = { DIV_GROUP | DIV_OFFERS, 0.1, 10 };
    if (outer_side == SIDE_REGION && div_on) {
        j->div = p->diversity.by ? &p->diversity : &div_default;
        j->k += j->div->window;         /* the candidates a partner may be moved up from */
    }
    if (p->agg.on && p->agg.candidates > j->k)
        j->k = p->agg.candidates;         /* ranked by the method, then cut to top_out */
    if (j->k > j->ninner)
        j->k = j->ninner ? j->ninner : 1;   /* no more partners than there are */
    j->min_score = o->min_score >= 0 ? o->min_score : p->min_score;
    j->by_region_view = outer_side == SIDE_REGION && p->has_region_rules;
    /* built-in filters first: they are cheap and may spare the Lua ones */
    size_t nf = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->nfilters && nf < 256; i++)
            if ((p->filters[i].b.kind == B_LUA) == pass)
                j->filters_order[nf++] = (int)i;
    if (p->nrules > 1024)
        return cmi_engine_fail(e, CM_EUSAGE, "%s: %zu rules (at most 1024)", p->path, p->nrules);
    return CM_OK;
}

/* A worker's buffers, and its own Lua state when there are several.
 * 0, -1 out of memory, -2 the state could not be opened (err says why). */
static int open_worker(job *j, worker *w, int nthreads, char *err, size_t errlen)
{
    cm_policy *p = j->p;
    int stats = j->o->stats;
    w->j = j;
    w->scores = cm_calloc(p->nrules, sizeof *w->scores);
    w->stats = stats ? cmi_mstats_new(p) : NULL;
    if (j->cand_filter) {
        w->cand = cm_malloc((j->ninner ? j->ninner : 1) * sizeof *w->cand);
        w->cbits = cm_calloc(j->ninner / 64 + 1, sizeof *w->cbits);
    }
    if (j->icache_total) {
        w->cval = cm_malloc(j->icache_total * sizeof *w->cval);
        w->cstamp = cm_calloc(j->icache_total, sizeof *w->cstamp);
    }
    if (j->norow) {
        w->orow = cm_calloc(j->nplan_parts, sizeof *w->orow);
        w->orow_of = cm_malloc(j->nplan_parts * sizeof *w->orow_of);
        if (w->orow == NULL || w->orow_of == NULL)
            return -1;
        for (size_t k = 0; k < j->nplan_parts; k++) {
            w->orow_of[k] = UINT32_MAX;
            if (j->plan_parts[k].orow &&
                (w->orow[k] = cm_malloc(j->ninner ? j->ninner : 1)) == NULL)
                return -1;
        }
    }
    if (j->nbound) {
        w->acc = cm_malloc((j->ninner ? j->ninner : 1) * sizeof *w->acc);
        w->brow = cm_malloc((j->brow_total ? j->brow_total : 1) * sizeof *w->brow);
        w->seed = cm_malloc(j->nseed * sizeof *w->seed);
        w->passed = cm_malloc((j->ninner ? j->ninner : 1) * sizeof *w->passed);
        w->pos = cm_malloc((j->ninner ? j->ninner : 1) * sizeof *w->pos);
        w->best = cm_malloc((j->ninner ? j->ninner : 1) * sizeof *w->best);
        w->brows = cm_malloc(j->nbparts * sizeof *w->brows);
        w->jrows = cm_calloc(j->nbound, sizeof *w->jrows);
        w->bmost = cm_malloc(j->nbparts * sizeof *w->bmost);
        w->rest = cm_malloc((j->nbound + 1) * sizeof *w->rest);
        w->rmost = cm_malloc(j->nbound * sizeof *w->rmost);
        w->amost = cm_malloc((j->nafter ? j->nafter : 1) * sizeof *w->amost);
        if ((w->all = cm_malloc((j->ninner ? j->ninner : 1) * sizeof *w->all)) != NULL)
            for (size_t i = 0; i < j->ninner; i++)
                w->all[i] = (uint32_t)i;
        if (w->acc == NULL || w->brow == NULL || w->seed == NULL || w->passed == NULL ||
            w->all == NULL ||
            w->pos == NULL || w->best == NULL || w->brows == NULL || w->jrows == NULL ||
            w->bmost == NULL ||
            w->rest == NULL || w->rmost == NULL || w->amost == NULL)
            return -1;
    }
    if (w->scores == NULL || (stats && w->stats == NULL) ||
        (j->cand_filter && (w->cand == NULL || w->cbits == NULL)) ||
        (j->icache_total && (w->cval == NULL || w->cstamp == NULL)))
        return -1;
    if (nthreads == 1) {
        w->use = &p->main;
        return 0;
    }
    if (cmi_pstate_open(p, &w->ps, err, errlen) < 0)
        return -2;
    w->use = &w->ps;
    return 0;
}

/* The rows of a finished job, with their explanations, notes and errors. */
static cm_status job_result(job *j, cm_engine *e, const mstats *stats, cm_result **out)
{
    const store *st = j->st;
    const cm_policy *p = j->p;
    const cm_match_options *o = j->o;
    size_t nouter = j->nouter;
    const uint32_t *outer_list = j->outer_list;
    int outer_side = j->outer_side;
    cm_result *r = cm_calloc(1, sizeof *r);
    size_t nrows = 0, div_len = 1;
    char div_tmp[DIV_REASON_MAX];
    for (size_t i = 0; i < nouter; i++) {
        nrows += j->counts[i];
        for (uint32_t k = 0; j->div && k < j->counts[i]; k++) {   /* the moved rows' reasons */
            cmi_div_reason(st, &j->notes[i * j->top + k], k + 1, div_tmp, sizeof div_tmp);
            div_len += div_tmp[0] ? strlen(div_tmp) + 1 : 0;
        }
    }
    size_t div_used = 0;
    if (r == NULL || (r->rows = cm_calloc(nrows ? nrows : 1, sizeof *r->rows)) == NULL ||
        (j->div && (r->div_text = cm_malloc(div_len)) == NULL) ||
        (o->explain && (r->row_items = cm_calloc(nrows ? nrows : 1, sizeof *r->row_items)) == NULL)) {
        cm_result_free(r);
        return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
    }
    r->nrules = p->nrules;
    r->pairs = j->pairs;
    r->vetoed = j->vetoed;
    r->pruned = j->pruned;
    r->errors_total = j->errors_total;
    if (o->stats && stats_figures(r, p, stats) < 0) {
        cm_result_free(r);
        return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
    }
    size_t row = 0;
    for (size_t i = 0; i < nouter; i++) {
        uint32_t oi = outer_list ? outer_list[i] : (uint32_t)i;
        for (uint32_t k = 0; k < j->counts[i]; k++) {
            const kept *kp = &j->slots[i * j->k + k];
            uint32_t ei = outer_side == SIDE_ENTERPRISE ? oi : kp->partner;
            uint32_t ri = outer_side == SIDE_ENTERPRISE ? kp->partner : oi;
            cm_match_row *rw = &r->rows[row];
            rw->enterprise = strpool_get(&st->strings, store_common(st, SIDE_ENTERPRISE, ei)->id);
            rw->region = strpool_get(&st->strings, store_common(st, SIDE_REGION, ri)->id);
            rw->score = j->by_region_view ? kp->other : kp->score;
            rw->region_score = j->by_region_view ? kp->score : kp->other;
            rw->rank = k + 1;
            rw->score_rank = k + 1;
            if (j->div) {
                const div_note *nt = &j->notes[i * j->top + k];
                cmi_div_reason(st, nt, k + 1, div_tmp, sizeof div_tmp);
                rw->score_rank = nt->score_rank;
                if (div_tmp[0]) {
                    size_t len = strlen(div_tmp) + 1;
                    rw->diversity = memcpy(r->div_text + div_used, div_tmp, len);
                    div_used += len;
                }
            }
            if (o->explain)
                r->row_items[row] = j->expl[i].items + (size_t)k * p->nrules;
            row++;
        }
    }
    r->nrows = nrows;
    r->expl = j->expl;
    r->nexpl = o->explain ? nouter : 0;
    j->expl = NULL;
    /* errors skipped with --on-error=skip, the earliest first */
    size_t keep = j->nerrors < ERRORS_KEPT ? j->nerrors : ERRORS_KEPT;
    r->errors = cm_calloc(keep ? keep : 1, sizeof *r->errors);
    if (r->errors) {
        for (size_t i = 0; i < keep; i++) {
            r->errors[i] = j->errors[i].msg;
            j->errors[i].msg = NULL;
        }
        r->nerrors = keep;
    }
    if ((o->explain || o->stats) && own_names(r, p) < 0) {
        cm_result_free(r);
        return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
    }
    *out = r;
    return CM_OK;
}

/* Everything a job and its workers hold, whatever state it stopped in. */
static void job_free(job *j, worker *workers, int nthreads, pthread_t *tids)
{
    size_t nouter = j->nouter;
    for (size_t i = 0; i < j->nerrors; i++)
        cm_free(j->errors[i].msg);
    cm_free(j->errors);
    if (j->expl) {
        for (size_t i = 0; i < nouter; i++) {
            cm_free(j->expl[i].items);
            cm_free(j->expl[i].text);
        }
        cm_free(j->expl);
    }
    cm_free(j->slots);
    cm_free(j->counts);
    cm_free(j->notes);
    for (int i = 0; workers && i < nthreads; i++) {
        cm_free(workers[i].scores);
        for (size_t k = 0; workers[i].orow && k < j->nplan_parts; k++)
            cm_free(workers[i].orow[k]);
        cm_free(workers[i].orow);
        cm_free(workers[i].orow_of);
        cm_free(workers[i].mcache);
        cm_free(workers[i].cand);
        cm_free(workers[i].cbits);
        cm_free(workers[i].cval);
        cm_free(workers[i].cstamp);
        cm_free(workers[i].acc);
        cm_free(workers[i].brow);
        cm_free(workers[i].seed);
        cm_free(workers[i].passed);
        cm_free(workers[i].all);
        cm_free(workers[i].pos);
        cm_free(workers[i].best);
        cm_free((void *)workers[i].brows);
        cm_free((void *)workers[i].jrows);
        cm_free(workers[i].bmost);
        cm_free(workers[i].rest);
        cm_free(workers[i].rmost);
        cm_free(workers[i].amost);
        cmi_mstats_free(workers[i].stats);
    }
    if (j->ptable) {
        size_t nparts = 0;
        for (size_t n = 0; n < j->p->nrules + j->p->nfilters; n++)
            nparts += 1 + (n < j->p->nrules ? j->p->rules[n].nmore : 0);
        for (size_t i = 0; i < nparts; i++) {
            cm_free(j->ptable[i].ocls);
            cm_free((void *)j->ptable[i].table);
            cm_free(j->ptable[i].rows);
            cm_free(j->ptable[i].most);
            cm_free((void *)j->ptable[i].state);
        }
        cm_free(j->ptable);
    }
    for (size_t i = 0; i < j->nbparts; i++) {
        cm_free((void *)j->bparts[i].rep);
        if (j->late)
            cmi_product_range_free(&j->late[i]);
    }
    cm_free(j->late);
    for (size_t i = 0; j->after && i < j->nafter; i++)
        cmi_product_range_free(&j->after[i]);
    cm_free(j->after);
    for (size_t i = 0; j->deny_bits && i < j->ndeny; i++)
        cm_free(j->deny_bits[i]);
    cm_free(j->deny_bits);
    for (size_t i = 0; i < j->nibits; i++)
        cm_free((void *)j->ibits[i].bits);
    cm_free(j->ibits);
    for (size_t i = 0; i < j->nfparts; i++)
        cm_free((void *)j->fbparts[i].rep);
    cm_free(j->fparts);
    cm_free(j->fbparts);
    cm_free(j->bparts);
    for (size_t i = 0; i < j->njoint; i++) {
        cm_free(j->jcls[i]);
        cm_free((void *)j->jparts[i].rep);
        if (j->jpcls)
            cm_free(j->jpcls[i]);
    }
    cm_free(j->jcls);
    cm_free(j->jpcls);
    cm_free(j->jparts);
    cm_free(j->plan);
    cm_free(j->plan_parts);
    cm_free(j->part_base);
    cm_free(j->rest_upper);
    cm_free(workers);
    cm_free(tids);
    pthread_mutex_destroy(&j->lock);
}

static cm_status run_job(cm_engine *e, cm_policy *p, const cm_match_options *o, int outer_side,
                         const uint32_t *outer_list, size_t nouter, cm_result **out)
{
    char err[1200];
    *out = NULL;
    if (cmi_policy_derive(p, o->threads > 0 ? o->threads : cpu_count(), err, sizeof err) < 0)
        return cmi_engine_fail(e, CM_EINPUT, "%s", err);
    job j;
    cm_status status = job_init(&j, e, p, o, outer_side, outer_list, nouter);
    if (status != CM_OK)
        return status;
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    atomic_init(&j.stop_after, nouter);
    atomic_init(&j.nomem, 0);
    atomic_init(&j.canceled, 0);
    pthread_mutex_init(&j.lock, NULL);
    j.slots = cm_malloc((nouter ? nouter : 1) * j.k * sizeof *j.slots);
    j.counts = cm_calloc(nouter ? nouter : 1, sizeof *j.counts);
    j.expl = o->explain ? cm_calloc(nouter ? nouter : 1, sizeof *j.expl) : NULL;
    j.notes = j.div ? cm_calloc((nouter ? nouter : 1) * j.top, sizeof *j.notes) : NULL;
    int nthreads = o->threads > 0 ? o->threads : cpu_count();
    if ((size_t)nthreads > nouter)
        nthreads = (int)nouter;
    if (nthreads < 1)
        nthreads = 1;
    /* chunks small enough that every core stays busy to the end, large
     * enough that taking one costs nothing */
    j.chunk = nouter / ((size_t)nthreads * 16);
    j.chunk = j.chunk < 1 ? 1 : j.chunk > CHUNK_MAX ? CHUNK_MAX : j.chunk;
    j.prune = !o->no_prune && !o->stats;   /* stats count every pair in full */
    worker *workers = cm_calloc((size_t)nthreads, sizeof *workers);
    pthread_t *tids = cm_calloc((size_t)nthreads, sizeof *tids);
    if (j.slots == NULL || j.counts == NULL || (o->explain && j.expl == NULL) ||
        (j.div && j.notes == NULL) ||
        workers == NULL || tids == NULL || prepare_parts(&j) < 0) {
        status = cmi_engine_fail(e, CM_ENOMEM, "out of memory");
        goto done;
    }
    rank_rules(&j);
    find_twins(&j);
    if (make_plan(&j) < 0 || make_bound(&j) < 0) {
        status = cmi_engine_fail(e, CM_ENOMEM, "out of memory");
        goto done;
    }
    /* one Lua state per worker; a single worker uses the policy's own */
    for (int i = 0; i < nthreads; i++) {
        int rc = open_worker(&j, &workers[i], nthreads, err, sizeof err);
        if (rc < 0) {
            status = rc == -1 ? cmi_engine_fail(e, CM_ENOMEM, "out of memory")
                              : cmi_engine_fail(e, CM_EINPUT, "%s", err);
            for (int k = 0; nthreads > 1 && k < i + (rc == -2); k++)
                cmi_pstate_close(&workers[k].ps);
            goto done;
        }
    }
    int started = 0;
    for (int i = 1; i < nthreads; i++) {
        if (pthread_create(&tids[i], NULL, work, &workers[i]) != 0)
            break;
        started = i;
    }
    /* the calling thread reports, and asks whether to stop */
    workers[0].reports = o->progress != NULL || o->stop != NULL;
    work(&workers[0]);
    for (int i = 1; i <= started; i++)
        pthread_join(tids[i], NULL);
    if (o->progress)
        o->progress(atomic_load(&j.done), nouter, o->progress_ud);
    for (int i = 0; i < nthreads; i++) {
        j.pairs += workers[i].pairs;
        j.vetoed += workers[i].vetoed;
        j.pruned += workers[i].pruned;
        if (i > 0 && workers[0].stats)
            cmi_mstats_merge(workers[0].stats, workers[i].stats);
        if (nthreads > 1)
            cmi_pstate_close(&workers[i].ps);
    }

    if (j.nerrors > 1)
        qsort(j.errors, j.nerrors, sizeof *j.errors, cmp_error);
    if (atomic_load(&j.canceled))
        status = cmi_engine_fail(e, CM_ECANCELED, "the match was stopped by its caller");
    else if (atomic_load(&j.nomem))
        status = cmi_engine_fail(e, CM_ENOMEM, "out of memory");
    else if (o->on_error == CM_ON_ERROR_STOP && j.nerrors)
        status = cmi_engine_fail(e, CM_EINPUT, "%s", j.errors[0].msg);
    else
        status = job_result(&j, e, workers[0].stats, out);
done:
    job_free(&j, workers, nthreads, tids);
    return status;
}

static int side_of(cm_kind k)
{
    return k == CM_KIND_REGIONS ? SIDE_REGION : SIDE_ENTERPRISE;
}

CM_API cm_status cm_match(cm_engine *e, cm_policy *p, const cm_match_options *o, cm_result **out)
{
    cm_match_options d;
    if (e == NULL || p == NULL || out == NULL || p->engine != e)
        return CM_EUSAGE;
    if (o == NULL) {
        cm_match_options_init(&d);
        o = &d;
    }
    int side = side_of(o->by);
    const store *st = cmi_engine_store(e);
    size_t n = st->kinds[side].count;
    if (o->shard_count > 1) {
        if (o->shard_index >= o->shard_count)
            return cmi_engine_fail(e, CM_EUSAGE, "shard %u of %u does not exist", o->shard_index,
                               o->shard_count);
        uint32_t *list = cm_malloc((n / o->shard_count + 1) * sizeof *list);
        if (list == NULL)
            return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
        size_t m = 0;
        for (size_t i = o->shard_index; i < n; i += o->shard_count)
            list[m++] = (uint32_t)i;
        cm_status s = run_job(e, p, o, side, list, m, out);
        cm_free(list);
        return s;
    }
    return run_job(e, p, o, side, NULL, n, out);
}

CM_API cm_status cm_match_one(cm_engine *e, cm_policy *p, cm_kind kind, const char *id,
                              const cm_match_options *o, cm_result **out)
{
    cm_match_options d;
    if (e == NULL || p == NULL || id == NULL || out == NULL || p->engine != e)
        return CM_EUSAGE;
    if (o == NULL) {
        cm_match_options_init(&d);
        o = &d;
    }
    size_t i = cm_engine_find(e, kind, id);
    if (i == (size_t)-1)
        return cmi_engine_fail(e, CM_ENOTFOUND, "no %s with id \"%s\"",
                           kind == CM_KIND_REGIONS ? "region" : "enterprise", id);
    uint32_t one = (uint32_t)i;
    cm_match_options single = *o;
    single.threads = 1;
    return run_job(e, p, &single, side_of(kind), &one, 1, out);
}

CM_API cm_status cm_explain_pair(cm_engine *e, cm_policy *p, const char *enterprise,
                                 const char *region, cm_result **out)
{
    if (e == NULL || p == NULL || enterprise == NULL || region == NULL || out == NULL ||
        p->engine != e)
        return CM_EUSAGE;
    *out = NULL;
    size_t ei = cm_engine_find(e, CM_KIND_ENTERPRISES, enterprise);
    size_t ri = cm_engine_find(e, CM_KIND_REGIONS, region);
    if (ei == (size_t)-1 || ri == (size_t)-1)
        return cmi_engine_fail(e, CM_ENOTFOUND, "no %s with id \"%s\"",
                           ei == (size_t)-1 ? "enterprise" : "region",
                           ei == (size_t)-1 ? enterprise : region);
    char err[1200];
    if (cmi_policy_derive(p, 1, err, sizeof err) < 0)
        return cmi_engine_fail(e, CM_EINPUT, "%s", err);
    cm_match_options o;
    cm_match_options_init(&o);
    o.on_error = CM_ON_ERROR_SKIP;
    o.explain = 1;
    job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.st = cmi_engine_store(e);
    j.o = &o;
    atomic_init(&j.stop_after, 1);
    pthread_mutex_init(&j.lock, NULL);
    for (size_t i = 0; i < p->nfilters; i++)
        j.filters_order[i] = (int)i;
    worker w;
    memset(&w, 0, sizeof w);
    w.j = &j;
    w.use = &p->main;
    cm_result *r = cm_calloc(1, sizeof *r);
    uint32_t partner = (uint32_t)ri;
    kept k1;
    uint32_t count = 1;
    slot_expl x;
    memset(&x, 0, sizeof x);
    j.slots = &k1;
    j.counts = &count;
    j.expl = &x;
    j.k = 1;
    uint32_t outer = (uint32_t)ei;
    j.outer_list = &outer;
    j.outer_side = SIDE_ENTERPRISE;
    if (r == NULL)
        goto nomem;
    r->nfilters = p->nfilters;
    r->filters = cm_calloc(p->nfilters ? p->nfilters : 1, sizeof *r->filters);
    r->filter_text = cm_malloc((p->nfilters + 1) * REASON_MAX);
    r->rows = cm_calloc(1, sizeof *r->rows);
    r->row_items = cm_calloc(1, sizeof *r->row_items);
    r->expl = cm_calloc(1, sizeof *r->expl);
    if (!r->filters || !r->filter_text || !r->rows || !r->row_items || !r->expl)
        goto nomem;
    size_t used = 0;
    int pass = eval_filters(&j, &w, (uint32_t)ei, (uint32_t)ri, 0, 0, 0, r->filters, r->filter_text,
                            &used);
    for (size_t i = 0; i < p->nfilters; i++)
        r->filters[i].reason = r->filter_text + (uintptr_t)r->filters[i].reason;
    double sum = 0, rsum = 0;
    k1 = (kept){ partner, 0, 0 };
    if (explain_slot(&j, &w, 0) < 0)
        goto nomem;
    for (size_t i = 0; i < p->nrules; i++) {
        if (p->rules[i].region_side)
            rsum += x.items[i].weight * x.items[i].score;
        else
            sum += x.items[i].weight * x.items[i].score;
    }
    r->nrules = p->nrules;
    r->expl[0] = x;
    r->nexpl = 1;
    r->nrows = 1;
    r->row_items[0] = x.items;
    r->rows[0].enterprise = strpool_get(&j.st->strings, store_common(j.st, SIDE_ENTERPRISE, ei)->id);
    r->rows[0].region = strpool_get(&j.st->strings, store_common(j.st, SIDE_REGION, ri)->id);
    r->rows[0].score = sum / p->weight_sum;
    r->rows[0].region_score = p->has_region_rules ? rsum / p->region_weight_sum : r->rows[0].score;
    r->rows[0].rank = 0;
    r->rows[0].vetoed = pass <= 0;
    r->pairs = 1;
    r->vetoed = pass <= 0;
    if (own_names(r, p) < 0)
        goto nomem_after;
    for (size_t i = 0; i < j.nerrors; i++)
        cm_free(j.errors[i].msg);
    cm_free(j.errors);
    pthread_mutex_destroy(&j.lock);
    *out = r;
    return CM_OK;
nomem_after:
    cm_result_free(r);
    pthread_mutex_destroy(&j.lock);
    return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
nomem:
    cm_free(x.items);
    cm_free(x.text);
    cm_result_free(r);
    pthread_mutex_destroy(&j.lock);
    return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
}
