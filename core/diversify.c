/*
 * diversify.c - the optional diversity re-ranking of a region's list (see
 * diversify.h): a greedy, maximal-marginal-relevance style pass over the
 * kept list, best first, that takes a little off the score of a partner for
 * each look-alike already placed above it.
 *
 * Deterministic: only scores, the order by score and the profiles decide.
 * Depends on the store, ISIC and ISO tables; not on the policy or Lua.
 */
#include "diversify.h"
#include "alloc.h"
#include "isic.h"
#include "iso.h"
#include "vocab.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *name; unsigned bit; } keys[] = {
    { "class", DIV_CLASS }, { "group", DIV_GROUP }, { "division", DIV_DIVISION },
    { "country", DIV_COUNTRY }, { "offers", DIV_OFFERS },
};
#define NKEYS (sizeof keys / sizeof keys[0])
#define TIE_MARGIN 1e-9

unsigned cmi_div_key_of(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return keys[i].bit;
    return 0;
}

const char *cmi_div_keys_expected(void)
{
    return "class, group, division, country, offers";
}

static int same_level(isic_id a, isic_id b, int level)
{
    if (a == ISIC_NONE || b == ISIC_NONE || cmi_isic_level(a) < level || cmi_isic_level(b) < level)
        return 0;
    return cmi_isic_ancestor(a, level) == cmi_isic_ancestor(b, level);
}

/* The keys of d->by on which enterprises a and b agree. */
static unsigned shared_keys(const store *st, unsigned by, uint32_t a, uint32_t b)
{
    const struct enterprise *x = store_enterprise(st, a), *y = store_enterprise(st, b);
    unsigned s = 0;
    if ((by & DIV_CLASS) && same_level(x->sector, y->sector, ISIC_CLASS))
        s |= DIV_CLASS;
    if ((by & DIV_GROUP) && same_level(x->sector, y->sector, ISIC_GROUP))
        s |= DIV_GROUP;
    if ((by & DIV_DIVISION) && same_level(x->sector, y->sector, ISIC_DIVISION))
        s |= DIV_DIVISION;
    if ((by & DIV_COUNTRY) && x->c.country && x->c.country == y->c.country)
        s |= DIV_COUNTRY;
    if ((by & DIV_OFFERS) && x->offers && x->offers == y->offers)
        s |= DIV_OFFERS;
    return s;
}

static unsigned bits(unsigned v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

size_t cmi_diversify(const store *st, const div_spec *d, const uint32_t *partner,
                 const double *score, size_t n, size_t top, uint32_t *order, div_note *note)
{
    size_t m = n < top ? n : top;
    unsigned nby = bits(d->by);
    double unit = nby ? d->penalty / nby : 0;   /* per shared key */
    /* per candidate: what its look-alikes placed so far take off, kept up
     * to date as each is placed (O(n) a step, not O(n * step)) */
    struct cand { double taken; unsigned most; div_note nt; unsigned char placed; } *c =
        cm_calloc(n ? n : 1, sizeof *c);
    if (c == NULL)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        c[i].nt = (div_note){ (uint32_t)i + 1, UINT32_MAX, 0, 0 };
    for (size_t step = 0; step < m; step++) {
        size_t reach = step + d->window + 1 < n ? step + d->window + 1 : n;
        size_t best = SIZE_MAX;
        double best_adj = 0;
        for (size_t i = 0; i < reach; i++) {
            if (c[i].placed)
                continue;
            double adj = score[i] - c[i].taken;
            /* the earlier by score on a tie, rounding aside (0.7 - 0.2 < 0.5) */
            if (best == SIZE_MAX || adj > best_adj + TIE_MARGIN) {
                best = i;
                best_adj = adj;
            }
        }
        c[best].placed = 1;
        order[step] = (uint32_t)best;
        note[step] = c[best].nt;
        note[step].taken = c[best].taken;
        for (size_t i = 0; i < n && step + 1 < m; i++) {
            if (c[i].placed)
                continue;
            unsigned s = shared_keys(st, d->by, partner[i], partner[best]);
            unsigned k = bits(s);
            c[i].taken += unit * k;
            if (k > c[i].most) {
                c[i].most = k;
                c[i].nt.alike = partner[best];
                c[i].nt.shared = s;
            }
        }
    }
    cm_free(c);
    return m;
}

void cmi_div_reason(const store *st, const div_note *note, uint32_t rank, char *out, size_t n)
{
    out[0] = '\0';
    if (note->score_rank == rank)
        return;
    if (note->score_rank < rank && note->alike != UINT32_MAX) {
        const struct enterprise *a = store_enterprise(st, note->alike);
        char why[400] = "";
        size_t len = 0;
        for (size_t i = 0; i < NKEYS; i++) {
            if (!(note->shared & keys[i].bit))
                continue;
            char what[200] = "";
            if (keys[i].bit & (DIV_CLASS | DIV_GROUP | DIV_DIVISION)) {
                int level = keys[i].bit == DIV_CLASS ? ISIC_CLASS
                          : keys[i].bit == DIV_GROUP ? ISIC_GROUP : ISIC_DIVISION;
                isic_id at = cmi_isic_ancestor(a->sector, level);
                snprintf(what, sizeof what, "is in the same ISIC %s (%s, %s)", keys[i].name,
                         cmi_isic_code(at), cmi_isic_title(at));
                if (what[0] && what[strlen(what) - 1] == ')') {   /* "Special-purpose": lower */
                    char *t = strchr(what, ',');
                    if (t && t[1] == ' ' && t[2] >= 'A' && t[2] <= 'Z')
                        t[2] = (char)(t[2] - 'A' + 'a');
                }
            } else if (keys[i].bit == DIV_COUNTRY) {
                snprintf(what, sizeof what, "is from the same country (%s)",
                         cmi_iso_country_name(a->c.country));
            } else {
                size_t o = (size_t)snprintf(what, sizeof what, "offers the same (");
                for (int v = 0, first = 1; v < cmi_vocab_size(VOCAB_A) && o < sizeof what; v++)
                    if (a->offers & (1u << v)) {
                        for (const char *c = first ? "" : ", "; *c && o + 1 < sizeof what; c++)
                            what[o++] = *c;
                        for (const char *c = cmi_vocab_word(VOCAB_A, v); *c && o + 1 < sizeof what; c++)
                            what[o++] = *c == '_' ? ' ' : *c;   /* raw_materials: raw materials */
                        what[o] = '\0';
                        first = 0;
                    }
                if (o < sizeof what)
                    snprintf(what + o, sizeof what - o, ")");
            }
            int w = snprintf(why + len, sizeof why - len, "%s%s", len ? " and " : "", what);
            if (w < 0 || (size_t)w >= sizeof why - len)
                break;
            len += (size_t)w;
        }
        snprintf(out, n, "moved down from %u to %u for diversity: %s above it %s; "
                 "%.3f taken off its score for the look-alikes above it", note->score_rank, rank,
                 strpool_get(&st->strings, a->c.id), why, note->taken);
    } else if (note->score_rank < rank) {
        snprintf(out, n, "moved down from %u to %u for diversity, as partners below it by score "
                 "that differ from those above moved up", note->score_rank, rank);
    } else {
        snprintf(out, n, "moved up from %u to %u for diversity: look-alikes of partners above "
                 "it moved down", note->score_rank, rank);
    }
}
