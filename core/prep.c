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
 * it all again. Knows nothing of the scoring loop (match.c) or of threads:
 * a policy is used by one call at a time.
 */
#include "policy.h"
#include "alloc.h"
#include "engine.h"

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

/* ---- class caches ---------------------------------------------------------- */

/* A class cache for each built-in part whose inner profiles fall into fewer
 * classes than there are profiles, by a quarter (a class is scored when
 * first met, so a cache never scores more than the plain path; a look-up
 * that rarely hits costs more than it spares). 0, -1 out of memory. */
static int class_caches(const cm_policy *p, match_prep *m, int inner_side)
{
    size_t nall = p->nrules + p->nfilters;
    m->nparts = cmi_part_count(p);
    m->icache = cm_calloc(m->nparts ? m->nparts : 1, sizeof *m->icache);
    uint32_t *cls = cm_malloc((m->count ? m->count : 1) * sizeof *cls);
    if (m->icache == NULL || cls == NULL) {
        cm_free(cls);
        return -1;
    }
    size_t part = 0;
    for (size_t n = 0; n < nall; n++) {
        size_t nk = 1 + (n < p->nrules ? p->rules[n].nmore : 0);
        for (size_t k = 0; k < nk; k++, part++) {
            long ncls = cmi_builtin_classes(p, cmi_part_builtin(p, n, k), inner_side, cls);
            if (ncls < 0) {
                cm_free(cls);
                return -1;
            }
            if (ncls == 0 || (size_t)ncls * 4 > m->count * 3)
                continue;
            m->icache[part].cls = cls;
            m->icache[part].off = m->icache_total;
            m->icache[part].ncls = (size_t)ncls;
            m->icache_total += (size_t)ncls;
            cls = cm_malloc((m->count ? m->count : 1) * sizeof *cls);
            if (cls == NULL)
                return -1;
        }
    }
    cm_free(cls);
    return 0;
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

const match_prep *cmi_match_prep(cm_policy *p, int inner_side, int prune)
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
        if (index_candidates(p, m, inner_side) < 0 || class_caches(p, m, inner_side) < 0) {
            prep_clear(m);   /* nothing half made is kept */
            return NULL;
        }
        m->pruned = 1;
    }
    return m;
}
