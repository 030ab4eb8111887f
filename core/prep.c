/*
 * prep.c - what a match prepares of the profiles it ranks partners among
 * (the inner side), kept in the policy from one match to the next for as
 * long as that side has not changed: the id order that breaks ties, the
 * candidate index of the first filter, the class caches of built-in parts.
 *
 * A service matching one visitor at a time against 10k regions would
 * otherwise sort and hash all of them again for every request. Keyed by the
 * engine's generation and the side's version and count (store.c bumps the
 * version on every change), so a profile added, replaced or taken out makes
 * it all again. Knows nothing of the scoring loop (match.c); a policy is
 * used by one call at a time, which may share its passes over a registry
 * among threads (cmi_builtin_classes_of: a million profiles per part).
 */
#include "policy.h"
#include "alloc.h"
#include "engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

const builtin *cmi_part_builtin(const cm_policy *p, size_t n, size_t k)
{
    if (n < p->nrules)
        return k ? &p->rules[n].more[k - 1] : &p->rules[n].b;
    return &p->filters[n - p->nrules].b;
}

size_t cmi_part_count(const cm_policy *p)
{
    size_t nparts = 0;
    for (size_t n = 0; n < p->nrules + p->nfilters; n++)
        nparts += 1 + (n < p->nrules ? p->rules[n].nmore : 0);
    return nparts;
}

/* ---- the id order -------------------------------------------------------- */

struct by_id { const char *id; uint32_t i; };

static int cmp_id(const void *a, const void *b)
{
    const struct by_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* rank[i] = position of profile i of a side in id order */
static uint32_t *id_ranks(const store *st, int side)
{
    size_t n = st->kinds[side].count;
    struct by_id *order = cm_malloc((n ? n : 1) * sizeof *order);
    uint32_t *rank = cm_malloc((n ? n : 1) * sizeof *rank);
    if (order == NULL || rank == NULL) {
        cm_free(order);
        cm_free(rank);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (struct by_id){ strpool_get(&st->strings, store_common(st, side, i)->id),
                                   (uint32_t)i };
    qsort(order, n, sizeof *order, cmp_id);
    for (size_t i = 0; i < n; i++)
        rank[order[i].i] = (uint32_t)i;
    cm_free(order);
    return rank;
}

/* ---- the candidate index --------------------------------------------------- */

static int cmp_posting(const void *a, const void *b)
{
    const posting *x = a, *y = b;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return x->inner < y->inner ? -1 : x->inner > y->inner;
}

/* The first filter (built-ins first) as an index when it is a member
 * built-in over prepared columns: the inner profiles listing each item. 0
 * (made, or no index possible), -1 out of memory. */
static int index_candidates(const cm_policy *p, match_prep *m, int inner_side)
{
    size_t first = p->nfilters;
    for (size_t i = 0; i < p->nfilters && first == p->nfilters; i++)
        if (p->filters[i].b.kind != B_LUA)
            first = i;
    if (first == p->nfilters)
        first = 0;
    if (p->nfilters == 0)
        return 0;
    const prule *f = &p->filters[first];
    const builtin *b = cmi_builtin_data(&f->b);
    if (b->kind != B_MEMBER || f->nmore || !(b->factor > 0) || f->threshold > b->factor)
        return 0;
    int ci = b->a.side == inner_side ? 0 : 1;
    const column *in = &b->col[ci], *out = &b->col[!ci];
    if (in->count != m->count || out->off == NULL || b->a.side == b->b.side)
        return 0;
    size_t total = in->count ? in->off[in->count - 1] + in->n[in->count - 1] : 0;
    m->post = cm_malloc((total ? total : 1) * sizeof *m->post);
    m->always = cm_malloc((m->count ? m->count : 1) * sizeof *m->always);
    if (m->post == NULL || m->always == NULL)
        return -1;
    for (size_t r = 0; r < in->count; r++) {
        if (in->n[r] == 0 && b->empty_passes)
            m->always[m->nalways++] = (uint32_t)r;
        for (size_t k = 0; k < in->n[r]; k++)
            m->post[m->npost++] = (posting){ in->items[in->off[r] + k], (uint32_t)r };
    }
    qsort(m->post, m->npost, sizeof *m->post, cmp_posting);
    m->cand_filter = b;
    m->cand_column = ci;
    return 0;
}

/* ---- classes of many built-ins ------------------------------------------------ */

struct classes_job {
    const cm_policy *p;
    const builtin *const *b;  /* each one's preparation (cmi_builtin_data) */
    const int *same_as;       /* an earlier entry of the same preparation, or -1 */
    size_t n, count;
    int side;
    uint32_t **cls;
    long *ncls;
    _Atomic size_t next;
};

static void *classes_work(void *arg)
{
    struct classes_job *q = arg;
    for (size_t i; (i = atomic_fetch_add(&q->next, 1)) < q->n;) {
        if (q->same_as[i] >= 0)
            continue;
        q->cls[i] = cm_malloc((q->count ? q->count : 1) * sizeof *q->cls[i]);
        q->ncls[i] = q->cls[i] ? cmi_builtin_classes(q->p, q->b[i], q->side, q->cls[i]) : -1;
    }
    return NULL;
}

int cmi_builtin_classes_of(const cm_policy *p, const builtin *const *b, size_t n, int side,
                           int threads, uint32_t **cls, long *ncls)
{
    size_t count = p->st->kinds[side].count;
    const builtin **data = cm_malloc((n ? n : 1) * sizeof *data);
    int *same_as = cm_malloc((n ? n : 1) * sizeof *same_as);
    int rc = data && same_as ? 0 : -1;
    for (size_t i = 0; i < n; i++) {
        cls[i] = NULL;
        ncls[i] = 0;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        data[i] = cmi_builtin_data(b[i]);
        same_as[i] = -1;
        for (size_t e = 0; e < i && same_as[i] < 0; e++)
            if (data[e] == data[i])
                same_as[i] = (int)e;
    }
    if (rc == 0) {
        struct classes_job q = { p, data, same_as, n, count, side, cls, ncls, 0 };
        int nt = threads < 1 ? 1 : threads > 64 ? 64 : threads;
        nt = (size_t)nt > n ? (int)n : nt;
        pthread_t tids[64];
        int started[64] = { 0 };
        for (int t = 1; t < nt; t++)
            started[t] = pthread_create(&tids[t], NULL, classes_work, &q) == 0;
        classes_work(&q);
        for (int t = 1; t < nt; t++)
            if (started[t])
                pthread_join(tids[t], NULL);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (same_as[i] >= 0 && ncls[same_as[i]] > 0) {
            ncls[i] = ncls[same_as[i]];
            if ((cls[i] = cm_malloc(count * sizeof *cls[i])) != NULL)
                memcpy(cls[i], cls[same_as[i]], count * sizeof *cls[i]);
        }
        if (ncls[i] < 0 || (ncls[i] > 0 && cls[i] == NULL))
            rc = -1;
    }
    for (size_t i = 0; i < n; i++)
        if (rc < 0 || ncls[i] <= 0) {
            cm_free(cls[i]);
            cls[i] = NULL;
            ncls[i] = rc < 0 ? -1 : 0;
        }
    cm_free(data);
    cm_free(same_as);
    return rc;
}

/* ---- class caches ---------------------------------------------------------- */

/* A class cache for each built-in part whose inner profiles fall into fewer
 * classes than there are profiles, by a quarter (a class is scored when
 * first met, so a cache never scores more than the plain path; a look-up
 * that rarely hits costs more than it spares). 0, -1 out of memory. */
static int class_caches(const cm_policy *p, match_prep *m, int inner_side, int threads)
{
    size_t nall = p->nrules + p->nfilters;
    m->nparts = cmi_part_count(p);
    m->icache = cm_calloc(m->nparts ? m->nparts : 1, sizeof *m->icache);
    const builtin **b = cm_malloc((m->nparts ? m->nparts : 1) * sizeof *b);
    uint32_t **cls = cm_malloc((m->nparts ? m->nparts : 1) * sizeof *cls);
    long *ncls = cm_malloc((m->nparts ? m->nparts : 1) * sizeof *ncls);
    int rc = m->icache && b && cls && ncls ? 0 : -1;
    size_t part = 0;
    for (size_t n = 0; n < nall && rc == 0; n++) {
        size_t nk = 1 + (n < p->nrules ? p->rules[n].nmore : 0);
        for (size_t k = 0; k < nk; k++)
            b[part++] = cmi_part_builtin(p, n, k);
    }
    if (rc == 0)
        rc = cmi_builtin_classes_of(p, b, m->nparts, inner_side, threads, cls, ncls);
    for (part = 0; part < m->nparts && rc == 0; part++) {
        if (ncls[part] == 0 || (size_t)ncls[part] * 4 > m->count * 3) {
            cm_free(cls[part]);
            continue;
        }
        m->icache[part].cls = cls[part];
        m->icache[part].off = m->icache_total;
        m->icache[part].ncls = (size_t)ncls[part];
        m->icache_total += (size_t)ncls[part];
    }
    cm_free(b);
    cm_free(cls);
    cm_free(ncls);
    return rc;
}

/* ---- kept from one match to the next ------------------------------------------ */

static void prep_clear(match_prep *m)
{
    cm_free(m->rank);
    cm_free(m->post);
    cm_free(m->always);
    for (size_t i = 0; m->icache && i < m->nparts; i++)
        cm_free(m->icache[i].cls);
    cm_free(m->icache);
    memset(m, 0, sizeof *m);
}

void cmi_match_prep_free(match_prep *m)
{
    if (m == NULL)
        return;
    prep_clear(m);
    cm_free(m);
}

const match_prep *cmi_match_prep(cm_policy *p, int inner_side, int prune, int threads)
{
    const store *st = p->st;
    const struct kind_store *ks = &st->kinds[inner_side];
    unsigned long g = cmi_engine_generation(p->engine);
    match_prep *m = p->prep[inner_side];
    if (m == NULL && (m = p->prep[inner_side] = cm_calloc(1, sizeof *m)) == NULL)
        return NULL;
    if (m->rank && (m->generation != g || m->version != ks->version || m->count != ks->count))
        prep_clear(m);
    if (m->rank == NULL) {
        m->generation = g;
        m->version = ks->version;
        m->count = ks->count;
        if ((m->rank = id_ranks(st, inner_side)) == NULL)
            return NULL;
    }
    if (prune && !m->pruned) {
        if (index_candidates(p, m, inner_side) < 0 || class_caches(p, m, inner_side, threads) < 0) {
            prep_clear(m);   /* nothing half made is kept */
            return NULL;
        }
        m->pruned = 1;
    }
    return m;
}
