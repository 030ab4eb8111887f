/*
 * scorer.c - the built-in scorers, in C: ISIC sector fit along the
 * hierarchy, overlap of lists, great-circle distance, a number or an amount
 * of money against a band, membership, equality, and PCRE2 regexes.
 *
 * Each returns a score in [0, 1]; the reason is written only when asked
 * for (the explanation pass), so the scoring pass formats no text. Missing
 * data scores 0 with a reason naming what is missing.
 */
#include "policy.h"
#include "alloc.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_CODES 64

double cmi_geo_km(double lat1, double lon1, double lat2, double lon2);

double cmi_geo_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = 3.14159265358979323846 / 180;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(fmin(1, sqrt(a)));
}

int cmi_fref_resolve(cm_policy *p, fref *r, int side, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->side = side;
    r->derived = -1;
    r->path = cm_strdup(path);
    if (r->path == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (strncmp(path, "attrs.", 6) == 0 && path[6]) {
        r->attr = cm_strdup(path + 6);
        return r->attr ? 0 : -1;
    }
    r->f = cmi_schema_field(side, path, strlen(path));
    if (r->f && r->f->shape != SHAPE_ATTRS)
        return 0;
    r->f = NULL;
    for (size_t d = 0; d < p->nderived; d++)
        if (p->derived[d].side == side && strcmp(p->derived[d].name, path) == 0) {
            r->derived = (int)d;
            return 0;
        }
    const char *near = cmi_policy_nearest_name(p, side, path);
    snprintf(err, errlen, "'%s' is not a field of %s profiles (nor attrs.NAME, nor a value "
             "derived before this line)%s%s%s", path,
             side == SIDE_ENTERPRISE ? "enterprise" : "region", near ? "; did you mean '" : "",
             near ? near : "", near ? "'?" : "");
    cm_free(r->path);
    r->path = NULL;
    return -1;
}

void cmi_fref_free(fref *r)
{
    cm_free(r->path);
    cm_free(r->attr);
    r->path = r->attr = NULL;
}

void cmi_builtin_free(builtin *b)
{
    cmi_fref_free(&b->a);
    cmi_fref_free(&b->b);
    cm_free(b->constant);
    cm_free(b->pattern);
    pcre2_code_free(b->re);
    cm_free(b->cache_score);
    cm_free(b->abroad);
    for (int side = 0; side < 2; side++) {
        cm_free(b->prod[side].items);
        cm_free(b->prod[side].off);
        cm_free(b->prod[side].count);
        cm_free(b->prod[side].country);
    }
    memset(b->prod, 0, sizeof b->prod);
    for (int k = 0; k < 2; k++) {
        cm_free(b->col[k].off);
        cm_free(b->col[k].n);
        cm_free(b->col[k].items);
    }
    memset(b->col, 0, sizeof b->col);
    cm_free(b->isic_sets);
    b->isic_sets = NULL;
    b->isic_sets_n = b->isic_sets_cap = 0;
    cm_free(b->isic_fits);
    b->isic_fits = NULL;
    b->isic_fits_cap = 0;
    b->isic_nvals = 0;
    b->abroad = NULL;
    b->nabroad = 0;
    b->constant = b->pattern = NULL;
    b->re = NULL;
    b->cache_score = NULL;
    b->cache_n = b->cache_cap = 0;
}

/* Read what a field reference names for one profile. */
void cmi_fref_read(const cm_policy *p, const fref *r, uint32_t idx, struct field_read *o)
{
    const store *st = p->st;
    const struct common *c = store_common(st, r->side, idx);
    if (r->f) {
        cmi_record_read(st, r->side, c, r->f, o);
    } else if (r->attr) {
        cmi_record_attr(st, c, cmi_strpool_find(&st->strings, r->attr, strlen(r->attr)), o);
    } else {
        memset(o, 0, sizeof *o);
        if (idx < p->dcount[r->side]) {
            const dval *d = &p->dvals[r->side][idx * p->nderived + (size_t)r->derived];
            o->type = d->type;
            o->code_pool = -1;
            if (d->type == T_STRING)
                o->str = strpool_get(&p->strings, d->str);
            else if (d->type == T_LIST) {
                o->pool = POOL_DERIVED;
                o->off = d->u.list.off;
                o->count = d->u.list.count;
            } else {
                o->num = d->u.num;
                o->boolean = (int)d->u.num;
            }
        }
    }
}

const char *cmi_fref_list_item(const cm_policy *p, const struct field_read *o, size_t i)
{
    if (o->pool == POOL_DERIVED)
        return i < o->count ? strpool_get(&p->strings, p->ditems[o->off + i]) : NULL;
    return cmi_record_list_item(p->st, o, i);
}

static uint32_t pair_index(const fref *r, uint32_t ei, uint32_t ri)
{
    return r->side == SIDE_ENTERPRISE ? ei : ri;
}

static const char *who(const fref *r)
{
    return r->side == SIDE_ENTERPRISE ? "enterprise" : "region";
}

/* ISIC codes of a list or a single code. */
static size_t isic_codes(const cm_policy *p, const struct field_read *o, isic_id *out)
{
    if (o->type == T_LIST && o->pool == POOL_ISIC) {
        size_t n = o->count < MAX_CODES ? o->count : MAX_CODES;
        memcpy(out, p->st->u16 + o->off, n * sizeof *out);
        return n;
    }
    if (o->type == T_LIST && o->pool == POOL_DERIVED) {
        size_t n = 0;
        for (size_t i = 0; i < o->count && n < MAX_CODES; i++)
            if (p->ditems_isic[o->off + i] != ISIC_NONE)
                out[n++] = p->ditems_isic[o->off + i];
        return n;
    }
    if (o->type == T_STRING) {
        out[0] = cmi_isic_lookup(o->str, strlen(o->str));
        return out[0] ? 1 : 0;
    }
    return 0;
}

/* Each code's ancestor at every level (itself at its own level and below),
 * and its level: sector fit on every pair is then a few array reads. */
#define ISIC_WORDS 16                 /* 1024 code ids */
static isic_id anc[1024][4];
static signed char lvl[1024];
/* each code and the codes below it, as a bit set over code ids */
static uint64_t below[1024][ISIC_WORDS];
static pthread_once_t anc_once = PTHREAD_ONCE_INIT;

static void anc_init(void);

/* Called when a policy is loaded, so the scoring loop never checks. */
void cmi_scorer_init(void)
{
    pthread_once(&anc_once, anc_init);
}

static void anc_init(void)
{
    for (size_t id = 1; id <= cmi_isic_count() && id < 1024; id++) {
        lvl[id] = (signed char)cmi_isic_level((isic_id)id);
        for (int l = 0; l < 4; l++)
            anc[id][l] = cmi_isic_ancestor((isic_id)id, l);
    }
    for (size_t id = 1; id <= cmi_isic_count() && id < 1024; id++)
        for (int l = 0; l <= lvl[id]; l++)
            below[anc[id][l]][id / 64] |= (uint64_t)1 << (id % 64);
}

/* By the builtin's levels: one within the other (a broader than b may
 * score less), else the level they share. */
static inline double isic_pair(const builtin *bt, isic_id a, isic_id b, int *shared)
{
    int la = lvl[a], lb = lvl[b];
    if (lb >= la && anc[b][la] == a && a != b) {
        *shared = 4;
        return bt->broader;
    }
    if (la >= lb && anc[a][lb] == b) {
        *shared = 4;
        return bt->levels[3];
    }
    for (int level = (la < lb ? la : lb); level >= ISIC_SECTION; level--) {
        if (level <= ISIC_GROUP && anc[a][level] == anc[b][level]) {
            *shared = level;
            return bt->levels[level];
        }
    }
    *shared = -1;
    return 0;
}

/* The column slices of a pair, when built: 1, else 0 (the slow path). */
static int slices(const builtin *b, uint32_t ei, uint32_t ri, const uint32_t **x, size_t *nx,
                  const uint32_t **y, size_t *ny)
{
    uint32_t ia = pair_index(&b->a, ei, ri), ib = pair_index(&b->b, ei, ri);
    if (ia >= b->col[0].count || ib >= b->col[1].count)
        return 0;
    *x = b->col[0].items + b->col[0].off[ia];
    *nx = b->col[0].n[ia];
    *y = b->col[1].items + b->col[1].off[ib];
    *ny = b->col[1].n[ib];
    return 1;
}

/* isic_fit against a region's codes as bitsets over code ids: the codes
 * within one of them, those strictly containing one, and the groups,
 * divisions and sections they lie in (from codes at least that deep). A code
 * of the enterprise is then scored by five bit tests, not against every code
 * of the region. Exact when the levels do not fall with depth and broader is
 * at least the division's score (the shipped policies' levels): the best
 * pair is then the deepest relation found (see isic_pair). A region code in
 * the enterprise code's own group (or division, section) lies within it or
 * contains it, so that level is the within and broader sets' to score; a
 * shallower level shared with a region code that lies within the
 * enterprise's scores at most broader. */
#define ISIC_SETS 5                   /* within, broader, group, division, section */

static int isic_sets_usable(const builtin *b)
{
    return b->levels[0] <= b->levels[1] && b->levels[1] <= b->levels[2] &&
           b->levels[2] <= b->levels[3] && b->broader >= b->levels[1] && cmi_isic_count() < 1024;
}

static void set_bit(uint64_t *set, unsigned id) { set[id >> 6] |= (uint64_t)1 << (id & 63); }
static int has_bit(const uint64_t *set, unsigned id) { return (int)(set[id >> 6] >> (id & 63) & 1); }

/* Room for `need` rows in the per-profile arrays *x (xsize bytes a row) and
 * *y (may be NULL) of one capacity *cap, with a little to spare: profiles
 * come one at a time after the first build (visitors). */
static int grow_rows(void **x, size_t xsize, void **y, size_t ysize, size_t *cap, size_t need)
{
    if (need <= *cap && *x && (y == NULL || *y))
        return 0;
    size_t ncap = need + need / 64 + 8;
    void *nx = cm_realloc(*x, ncap * xsize);
    if (nx == NULL)
        return -1;
    *x = nx;
    if (y) {
        void *ny = cm_realloc(*y, ncap * ysize);
        if (ny == NULL)
            return -1;   /* *cap stays: x's extra room goes unused */
        *y = ny;
    }
    *cap = ncap;
    return 0;
}

/* One enterprise code a against a region's sets: what isic_pair gives
 * its best region code. */
static inline double isic_code_fit(const builtin *b, const uint64_t *set, isic_id a)
{
    int la = lvl[a];
    double s = 0;
    if (has_bit(set, a))
        s = b->levels[3];
    if (has_bit(set + ISIC_WORDS, a) && b->broader > s)
        s = b->broader;
    for (int lv = la <= 2 ? la - 1 : 2; lv >= 0; lv--)
        if (has_bit(set + (size_t)(4 - lv) * ISIC_WORDS, anc[a][lv])) {
            if (b->levels[lv] > s)
                s = b->levels[lv];
            break;
        }
    return s;
}

/* The same as one byte per code and region (b->isic_fits, a column of
 * isic_fits_cap regions per code id): the rank of its score among the
 * builtin's few (isic_vals, ascending, 0 first), so the best of an
 * enterprise's codes is the highest byte. An enterprise's row against every
 * region is then the bytewise maximum of a few columns, read in order
 * (cmi_isic_fit_row): the scoring pass reads the regions of one enterprise
 * in no order, and each region's sets cost it a cache miss. Kept under
 * ISIC_FITS_MAX bytes (else the sets alone serve). */
#define ISIC_FITS_MAX ((size_t)256 << 20)

static unsigned char isic_rank(const builtin *b, double s)
{
    unsigned char r = 0;
    while ((size_t)r + 1 < b->isic_nvals && b->isic_vals[r] < s)
        r++;
    return r;
}

static int isic_fits_prepare(builtin *b, size_t from)
{
    const column *c = &b->col[1];
    size_t ncodes = cmi_isic_count() + 1;
    if (c->count > ISIC_FITS_MAX / ncodes) {
        cm_free(b->isic_fits);
        b->isic_fits = NULL;
        b->isic_fits_cap = 0;
        return 0;
    }
    if (b->isic_fits == NULL)
        from = 0;
    if (c->count > b->isic_fits_cap) {   /* columns longer: copy what is kept */
        size_t cap = c->count + c->count / 64 + 8;
        unsigned char *nf = cm_malloc(cap * ncodes);
        if (nf == NULL)
            return -1;
        for (size_t a = 0; a < ncodes && from > 0; a++)
            memcpy(nf + a * cap, b->isic_fits + a * b->isic_fits_cap, from);
        cm_free(b->isic_fits);
        b->isic_fits = nf;
        b->isic_fits_cap = cap;
    }
    if (b->isic_nvals == 0) {   /* the distinct scores, ascending (0 the least) */
        double v[6] = { 0, b->levels[0], b->levels[1], b->levels[2], b->levels[3], b->broader };
        for (size_t i = 0; i < 6; i++) {
            size_t at = b->isic_nvals;
            int seen = 0;
            for (size_t k = 0; k < b->isic_nvals; k++)
                seen |= b->isic_vals[k] == v[i];
            if (seen)
                continue;
            while (at > 0 && b->isic_vals[at - 1] > v[i]) {
                b->isic_vals[at] = b->isic_vals[at - 1];
                at--;
            }
            b->isic_vals[at] = v[i];
            b->isic_nvals++;
        }
    }
    const size_t row = ISIC_SETS * ISIC_WORDS, cap = b->isic_fits_cap;
    for (size_t r = from; r < c->count; r++) {
        const uint64_t *set = b->isic_sets + r * row;
        b->isic_fits[r] = 0;
        for (size_t a = 1; a < ncodes; a++)
            b->isic_fits[a * cap + r] = isic_rank(b, isic_code_fit(b, set, (isic_id)a));
    }
    return 0;
}

int cmi_isic_fit_rows(const builtin *b, size_t n)
{
    b = cmi_builtin_data(b);
    return b->kind == B_ISIC_FIT && b->isic_fits && b->a.side == SIDE_ENTERPRISE &&
           b->b.side == SIDE_REGION && n <= b->isic_sets_n && b->isic_vals[0] == 0;
}

void cmi_isic_fit_row(const builtin *b, uint32_t ei, unsigned char *restrict row, size_t n)
{
    b = cmi_builtin_data(b);
    memset(row, 0, n);
    if (ei >= b->col[0].count)
        return;
    const uint32_t *xs = b->col[0].items + b->col[0].off[ei];
    for (size_t i = 0; i < b->col[0].n[ei]; i++) {
        const unsigned char *restrict fit = b->isic_fits + (size_t)xs[i] * b->isic_fits_cap;
        size_t r = 0;
        for (; r + 64 <= n; r += 64)     /* blocks of a known length: vector code at -O2 */
            for (size_t k = r; k < r + 64; k++)
                row[k] = fit[k] > row[k] ? fit[k] : row[k];
        for (; r < n; r++)
            row[r] = fit[r] > row[r] ? fit[r] : row[r];
    }
}

static int isic_sets_prepare(builtin *b)
{
    const column *c = &b->col[1];
    if (!isic_sets_usable(b) || (b->isic_sets && b->isic_sets_n == c->count))
        return 0;
    /* regions appended since (a visitor): only theirs */
    size_t from = b->isic_sets && b->isic_sets_n < c->count ? b->isic_sets_n : 0;
    const size_t row = ISIC_SETS * ISIC_WORDS;
    if (grow_rows((void **)&b->isic_sets, row * sizeof *b->isic_sets, NULL, 0, &b->isic_sets_cap,
                  c->count ? c->count : 1) < 0)
        return -1;
    memset(b->isic_sets + from * row, 0, (c->count - from) * row * sizeof *b->isic_sets);
    for (size_t r = from; r < c->count; r++) {
        uint64_t *set = b->isic_sets + r * row;
        for (size_t k = 0; k < c->n[r]; k++) {
            isic_id code = (isic_id)c->items[c->off[r] + k];
            int l = lvl[code];
            for (size_t w = 0; w < ISIC_WORDS; w++)       /* within: code and below */
                set[w] |= below[code][w];
            for (int up = 0; up < l; up++)                  /* strictly above it */
                set_bit(set + ISIC_WORDS, anc[code][up]);
            for (int lv = 0; lv <= 2 && lv <= l; lv++)      /* groups, divisions, sections */
                set_bit(set + (size_t)(4 - lv) * ISIC_WORDS, anc[code][lv]);
        }
    }
    if (isic_fits_prepare(b, from) < 0)
        return -1;
    b->isic_sets_n = c->count;
    return 0;
}

static double isic_fit_sets(const builtin *b, const uint32_t *xs, size_t nx, uint32_t ri)
{
    if (b->isic_fits) {
        unsigned char best = 0;
        for (size_t i = 0; i < nx; i++) {
            unsigned char f = b->isic_fits[(size_t)xs[i] * b->isic_fits_cap + ri];
            best = f > best ? f : best;
        }
        return b->isic_vals[best];
    }
    const uint64_t *set = b->isic_sets + (size_t)ri * ISIC_SETS * ISIC_WORDS;
    double best = 0;
    for (size_t i = 0; i < nx; i++) {
        double s = isic_code_fit(b, set, (isic_id)xs[i]);
        if (s > best)
            best = s;
    }
    return best;
}

static double isic_fit(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri,
                       char *reason, size_t n)
{
    const uint32_t *xs, *ys;
    size_t nx, ny;
    if (!reason && slices(b, ei, ri, &xs, &nx, &ys, &ny)) {
        if (b->isic_sets && ri < b->isic_sets_n)
            return ny ? isic_fit_sets(b, xs, nx, ri) : 0;
        /* the most any pair of codes can score: stop there (a shallower level
         * may score more than within or broader when levels fall with depth) */
        double best = 0, top = b->broader;
        for (int lv = 0; lv < 4; lv++)
            top = b->levels[lv] > top ? b->levels[lv] : top;
        int shared;
        for (size_t i = 0; i < nx; i++)
            for (size_t j = 0; j < ny; j++) {
                double s = isic_pair(b, (isic_id)xs[i], (isic_id)ys[j], &shared);
                if (s > best) {
                    best = s;
                    if (best >= top)
                        return best;  /* nothing scores more */
                }
            }
        return best;
    }
    struct field_read oa, ob;
    isic_id ca[MAX_CODES], cb[MAX_CODES];
    cmi_fref_read(p, &b->a, pair_index(&b->a, ei, ri), &oa);
    cmi_fref_read(p, &b->b, pair_index(&b->b, ei, ri), &ob);
    size_t na = isic_codes(p, &oa, ca), nb = isic_codes(p, &ob, cb);
    if (na == 0 || nb == 0) {
        if (reason)
            snprintf(reason, n, "no %s for the %s", na == 0 ? b->a.path : b->b.path,
                     na == 0 ? who(&b->a) : who(&b->b));
        return 0;
    }
    double best = -1;
    size_t bi = 0, bj = 0;
    int bshared = -1;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            int shared;
            double s = isic_pair(b, ca[i], cb[j], &shared);
            if (s > best) {
                best = s;
                bi = i;
                bj = j;
                bshared = shared;
            }
        }
    if (reason) {
        const char *x = cmi_isic_code(ca[bi]), *y = cmi_isic_code(cb[bj]);
        if (ca[bi] == cb[bj])
            snprintf(reason, n, "%s %s (%s) is in %s", b->a.path, x, cmi_isic_title(ca[bi]),
                     b->b.path);
        else if (bshared == 4 && cmi_isic_is_within(ca[bi], cb[bj]))
            snprintf(reason, n, "%s %s (%s) lies within %s %s (%s)", b->a.path, x,
                     cmi_isic_title(ca[bi]), b->b.path, y, cmi_isic_title(cb[bj]));
        else if (bshared == 4)
            snprintf(reason, n, "%s %s (%s) covers %s %s (%s)", b->a.path, x, cmi_isic_title(ca[bi]),
                     b->b.path, y, cmi_isic_title(cb[bj]));
        else if (bshared >= 0) {
            isic_id common = cmi_isic_ancestor(ca[bi], bshared);
            snprintf(reason, n, "%s %s and %s %s share the %s %s (%s)", b->a.path, x, b->b.path,
                     y, bshared == ISIC_GROUP ? "group" : bshared == ISIC_DIVISION ? "division"
                                                                              : "section",
                     cmi_isic_code(common), cmi_isic_title(common));
        } else
            snprintf(reason, n, "no %s of the %s is near %s of the %s", b->a.path, who(&b->a),
                     b->b.path, who(&b->b));
    }
    return best;
}

/* Items of a list (or the single value) as strings. */
static size_t items_of(const cm_policy *p, const struct field_read *o, const char **out,
                       size_t max, char *numbuf, size_t numlen)
{
    if (o->type == T_LIST) {
        size_t n = o->count < max ? o->count : max;
        for (size_t i = 0; i < n; i++)
            out[i] = cmi_fref_list_item(p, o, i);
        return n;
    }
    if (o->type == T_STRING) {
        out[0] = o->str;
        return 1;
    }
    if (o->type == T_NUMBER) {
        snprintf(numbuf, numlen, "%.17g", o->num);
        out[0] = numbuf;
        return 1;
    }
    if (o->type == T_BOOL) {
        out[0] = o->boolean ? "true" : "false";
        return 1;
    }
    return 0;
}

static void join(char *buf, size_t n, const char *const *items, size_t count)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && o < n; i++) {
        int w = snprintf(buf + o, n - o, "%s%s", i ? ", " : "", items[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* Items of x found in y (items of one list are distinct). */
static size_t shared_items(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
    size_t common = 0;
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++)
            if (x[i] == y[j]) {
                size_t k = 0;
                while (k < i && x[k] != x[i])
                    k++;
                common += k == i;     /* each distinct item once */
                break;
            }
    return common;
}

/* The word-set path counts bits: with the CPU's popcount instruction where
 * it has one (chosen once, at load, by the dynamic linker). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
/* (sanitizer runtimes are not ready when an ifunc resolver runs) */
#define POPCOUNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define POPCOUNT_CLONES
#endif

POPCOUNT_CLONES
static double overlap(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri,
                      char *reason, size_t n)
{
    const uint32_t *xs, *ys;
    size_t nx, ny;
    if (!reason && !b->jaccard && slices(b, ei, ri, &xs, &nx, &ys, &ny)) {
        size_t common = shared_items(xs, nx, ys, ny), of = b->of_a ? nx : ny;
        return of ? (double)common / (double)of : 0;
    }
    struct field_read oa, ob;
    cmi_fref_read(p, &b->a, pair_index(&b->a, ei, ri), &oa);
    cmi_fref_read(p, &b->b, pair_index(&b->b, ei, ri), &ob);
    size_t common, na, nb;
    const char *ia[MAX_CODES], *ib[MAX_CODES], *shared[MAX_CODES];
    char n1[32], n2[32];
    if (oa.type == T_LIST && ob.type == T_LIST && oa.pool == POOL_VOCAB &&
        ob.pool == POOL_VOCAB && oa.vocab == ob.vocab && !reason) {
        /* the hot path: two word sets are two bitsets */
        uint32_t both = oa.bits & ob.bits, any = oa.bits | ob.bits;
        common = (size_t)__builtin_popcount(both);
        na = oa.count;
        nb = ob.count;
        if (b->jaccard)
            return any ? (double)common / __builtin_popcount(any) : 0;
        if (b->of_a)
            return na ? (double)common / (double)na : 0;
        return nb ? (double)common / (double)nb : 0;
    }
    na = items_of(p, &oa, ia, MAX_CODES, n1, sizeof n1);
    nb = items_of(p, &ob, ib, MAX_CODES, n2, sizeof n2);
    common = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (strcmp(ia[i], ib[j]) == 0) {
                int dup = 0;
                for (size_t k = 0; k < common; k++)
                    dup |= strcmp(shared[k], ia[i]) == 0;
                if (!dup)
                    shared[common++] = ia[i];
                break;
            }
    size_t uni = na + nb - common;
    size_t of = b->of_a ? na : nb;
    double s = b->jaccard ? (uni ? (double)common / (double)uni : 0)
                          : (of ? (double)common / (double)of : 0);
    if (reason) {
        if (na == 0 || nb == 0)
            snprintf(reason, n, "no %s for the %s", na == 0 ? b->a.path : b->b.path,
                     na == 0 ? who(&b->a) : who(&b->b));
        else if (common == 0)
            snprintf(reason, n, "%s share nothing with %s", b->a.path, b->b.path);
        else {
            char list[256];
            join(list, sizeof list, shared, common);
            snprintf(reason, n, "%s meet %zu of %zu %s: %s",
                     b->of_a ? b->b.path : b->a.path, common, b->jaccard ? uni : of,
                     b->jaccard ? "in all" : b->of_a ? b->a.path : b->b.path, list);
        }
    }
    return s;
}

static double distance(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri,
                       char *reason, size_t n)
{
    const struct common *e = store_common(p->st, SIDE_ENTERPRISE, ei);
    const struct common *r = store_common(p->st, SIDE_REGION, ri);
    if (isnan(e->lat) || isnan(r->lat)) {
        if (reason)
            snprintf(reason, n, "no location for the %s", isnan(e->lat) ? "enterprise" : "region");
        return 0;
    }
    double d = cmi_geo_km(e->lat, e->lon, r->lat, r->lon);
    double s = d >= b->scale ? 0 : 1 - d / b->scale;
    if (reason)
        snprintf(reason, n, d >= b->scale ? "%.0f km apart, at or beyond %.0f km, where "
                                            "closeness scores 0"
                                          : "%.0f km apart; closeness falls to 0 at %.0f km",
                 d, b->scale);
    return s;
}

static void fmt_amount(char *buf, size_t n, double v)
{
    double a = fabs(v);
    if (a >= 1e9)
        snprintf(buf, n, "%.3gbn", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, n, "%.3gm", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, n, "%.3gk", v / 1e3);
    else
        snprintf(buf, n, "%.6g", v);
}

static double range_compute(const cm_policy *p, const builtin *b, uint32_t idx, char *reason,
                            size_t n);

/* The value of a range built-in for one profile, as an interval (money in the
 * band's currency; investment as min..max). 0, or -1 when missing (reason
 * says why when given). */
static int range_value(const cm_policy *p, const builtin *b, uint32_t idx, double *lo, double *hi,
                       const char **unit, char *reason, size_t n)
{
    *unit = "";
    if (b->a.f && b->a.f->shape == SHAPE_GROUP) {
        char pa[64], pb[64], pc[64];
        int inv = strcmp(b->a.f->path, "investment") == 0;
        snprintf(pa, sizeof pa, "%s.%s", b->a.f->path, inv ? "min" : "amount");
        snprintf(pb, sizeof pb, "%s.%s", b->a.f->path, inv ? "max" : "amount");
        snprintf(pc, sizeof pc, "%s.currency", b->a.f->path);
        const struct common *c = store_common(p->st, b->a.side, idx);
        struct field_read va, vb, vc;
        cmi_record_read(p->st, b->a.side, c, cmi_schema_field(b->a.side, pa, strlen(pa)), &va);
        cmi_record_read(p->st, b->a.side, c, cmi_schema_field(b->a.side, pb, strlen(pb)), &vb);
        cmi_record_read(p->st, b->a.side, c, cmi_schema_field(b->a.side, pc, strlen(pc)), &vc);
        if ((va.type != T_NUMBER && vb.type != T_NUMBER) || vc.type != T_STRING) {
            if (reason)
                snprintf(reason, n, "no %s for the %s", b->a.path, who(&b->a));
            return -1;
        }
        *lo = va.type == T_NUMBER ? va.num : vb.num;
        *hi = vb.type == T_NUMBER ? vb.num : va.num;
        const char *to = cmi_iso_currency_code(b->currency);
        if (cm_engine_convert(p->engine, *lo, vc.str, to, lo) != CM_OK ||
            cm_engine_convert(p->engine, *hi, vc.str, to, hi) != CM_OK) {
            if (reason)
                snprintf(reason, n, "no rate from %s to %s in the rates table", vc.str, to);
            return -1;
        }
        *unit = to;
        return 0;
    }
    struct field_read o;
    cmi_fref_read(p, &b->a, idx, &o);
    if (o.type != T_NUMBER) {
        if (reason)
            snprintf(reason, n, "no %s for the %s", b->a.path, who(&b->a));
        return -1;
    }
    *lo = *hi = o.num;
    return 0;
}

/* ---- twins: built-ins that prepare the same values ------------------------- */

/* Two references that read the same values (the path is only for reasons). */
static int fref_same(const fref *x, const fref *y)
{
    if (x->side != y->side || x->f != y->f)
        return 0;
    if (x->f)
        return 1;
    if ((x->attr == NULL) != (y->attr == NULL))
        return 0;
    return x->attr ? strcmp(x->attr, y->attr) == 0 : x->derived == y->derived;
}

typedef int (*twin_test)(const builtin *b, const void *want);

/* Another built-in of the policy (a filter's, a rule's or one of its
 * parts) that passes test: policies score one derived list in several
 * rules (each side's view of it), and what one has prepared the others can
 * copy rather than read and intern again. */
static const builtin *find_twin(const cm_policy *p, const builtin *self, twin_test test,
                                const void *want)
{
    for (int list = 0; list < 2; list++) {
        const prule *r = list ? p->rules : p->filters;
        size_t n = list ? p->nrules : p->nfilters;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k <= r[i].nmore; k++) {
                const builtin *b = k ? &r[i].more[k - 1] : &r[i].b;
                if (b != self && test(b, want))
                    return b;
            }
    }
    return NULL;
}

/* Copy a twin's rows: per profile an offset and a count (n of each), and
 * the items they span (item_size bytes each), into room grown as needed. */
struct rows { uint32_t **off; uint16_t **count; size_t *rows_cap; void **items; size_t *items_cap; };

static int copy_rows(struct rows to, const uint32_t *off, const uint16_t *count, const void *items,
                     size_t n, size_t item_size)
{
    size_t nitems = n ? off[n - 1] + count[n - 1] : 0;
    size_t cap = *to.rows_cap;
    if (cm_grow((void **)to.off, &cap, n ? n : 1, sizeof *off) < 0 ||
        cm_grow((void **)to.count, to.rows_cap, n ? n : 1, sizeof *count) < 0 ||
        cm_grow(to.items, to.items_cap, nitems ? nitems : 1, item_size) < 0)
        return -1;
    *to.rows_cap = cap < *to.rows_cap ? cap : *to.rows_cap;
    if (n) {
        memcpy(*to.off, off, n * sizeof *off);
        memcpy(*to.count, count, n * sizeof *count);
    }
    if (nitems)
        memcpy(*to.items, items, nitems * item_size);
    return 0;
}

/* best_product: one "NAME value" item; a value missing or not a number
 * after the last space counts as 0. The name is copied into buf (NUL-ended,
 * truncated to len - 1 bytes): strings in the pool may move when it grows. */
static double product_item(const char *s, char *buf, size_t len, size_t *name_len)
{
    const char *sp = strrchr(s, ' ');
    char *end;
    double v = sp ? strtod(sp + 1, &end) : 0;
    if (sp == NULL || *end || !isfinite(v))
        v = 0;
    size_t nl = sp ? (size_t)(sp - s) : strlen(s);
    nl = nl < len ? nl : len - 1;
    memcpy(buf, s, nl);
    buf[nl] = '\0';
    *name_len = nl;
    return v;
}

/* Derived items are interned, and a registry's profiles share few distinct
 * ones ("X 1", "j3 0.25"): each is parsed once per preparation, looked up
 * by its string ref in a small open-addressing table (ref 0, the empty
 * string, is parsed every time). */
struct parsed { str_ref item; struct pitem p; };
typedef struct parse_memo { struct parsed *slot; size_t cap, n; } parse_memo;

static struct parsed *parse_slot(parse_memo *m, str_ref item)
{
    size_t mask = m->cap - 1;
    for (size_t h = (item * 2654435761u) & mask;; h = (h + 1) & mask)
        if (m->slot[h].item == item || m->slot[h].item == 0)
            return &m->slot[h];
}

/* The parsed form of item s (ref item; 0 when not interned), into *out.
 * 0, -1 out of memory. */
static int parse_item(cm_policy *p, parse_memo *m, str_ref item, const char *s, struct pitem *out)
{
    struct parsed *hit = NULL;
    if (item && m->cap) {
        hit = parse_slot(m, item);
        if (hit->item == item) {
            *out = hit->p;
            return 0;
        }
    }
    char buf[128];
    size_t nl;
    out->value = product_item(s, buf, sizeof buf, &nl);
    if (cmi_strpool_intern(&p->strings, buf, nl, &out->name) < 0)
        return -1;
    if (item == 0)
        return 0;
    if ((m->n + 1) * 2 > m->cap) {     /* grow (and rehash) to keep it half empty */
        size_t cap = m->cap ? m->cap * 2 : 1024;
        struct parsed *ns = cm_calloc(cap, sizeof *ns), *old = m->slot;
        if (ns == NULL)
            return 0;                  /* not remembered: still right */
        size_t oldcap = m->cap;
        m->slot = ns;
        m->cap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].item)
                *parse_slot(m, old[i].item) = old[i];
        cm_free(old);
    }
    hit = parse_slot(m, item);
    hit->item = item;
    hit->p = *out;
    m->n++;
    return 0;
}

/* best_product: parse each profile's "NAME value" items of one side once,
 * each profile's items sorted by name, so a pair is one merge of two short
 * sorted lists (the best product does not depend on their order; reasons,
 * which name the first best item, read the lists as written). */
/* A product built-in whose items of side want->side, read from the same
 * field, are parsed for every profile. */
struct product_want { const fref *r; size_t count; };

static int product_built(const builtin *b, const void *want)
{
    const struct product_want *w = want;
    int side = w->r->side;
    if (b->kind != B_PRODUCT || b->a.side == b->b.side)
        return 0;
    const pitems *pi = &b->prod[side];
    return fref_same(b->a.side == side ? &b->a : &b->b, w->r) && pi->off && pi->n == w->count;
}

static int product_copy(pitems *pi, const pitems *from)
{
    pi->n = 0;    /* should this fail: build again */
    struct rows to = { &pi->off, &pi->count, &pi->rows_cap, (void **)&pi->items, &pi->items_cap };
    if (copy_rows(to, from->off, from->count, from->items, from->n, sizeof *pi->items) < 0)
        return -1;
    pi->n = from->n;
    pi->lo = from->lo;
    pi->hi = from->hi;
    pi->base_n = from->base_n;
    pi->base_lo = from->base_lo;
    pi->base_hi = from->base_hi;
    return 0;
}

/* Items sorted by name, equal names kept in the order written (as qsort,
 * a merge sort in glibc, keeps them); a profile has a handful. */
static void sort_pitems(struct pitem *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct pitem v = x[i];
        size_t j = i;
        for (; j > 0 && x[j - 1].name > v.name; j--)
            x[j] = x[j - 1];
        x[j] = v;
    }
}

/* Each profile's country, for a product with abroad (read by every pair). */
static int product_countries(const cm_policy *p, const builtin *self, int side, pitems *pi,
                             size_t from)
{
    if (self->nabroad == 0)
        return 0;
    size_t count = p->st->kinds[side].count;
    iso_id *c = cm_realloc(pi->country, (count ? count : 1) * sizeof *c);
    if (c == NULL)
        return -1;
    pi->country = c;
    for (size_t i = from; i < count; i++)
        c[i] = store_common(p->st, side, i)->country;
    return 0;
}

static int product_prepare(cm_policy *p, const builtin *self, const fref *r, pitems *pi)
{
    size_t count = p->st->kinds[r->side].count;
    if (pi->off && pi->n == count)
        return 0;
    struct product_want want = { r, count };
    const builtin *twin = find_twin(p, self, product_built, &want);
    if (twin)
        return product_copy(pi, &twin->prod[r->side]) < 0 ||
               product_countries(p, self, r->side, pi, 0) < 0 ? -1 : 0;
    /* profiles appended since the last whole build (a visitor): only theirs */
    size_t from = pi->off && pi->n < count ? pi->n : 0;
    size_t k = from ? pi->off[from - 1] + pi->count[from - 1] : 0;
    double lo = from ? pi->lo : INFINITY, hi = from ? pi->hi : -INFINITY;
    pi->n = from;    /* what stays valid should this fail */
    if (grow_rows((void **)&pi->off, sizeof *pi->off, (void **)&pi->count, sizeof *pi->count,
                  &pi->rows_cap, count ? count : 1) < 0)
        return -1;
    size_t total = k;
    for (size_t i = from; i < count; i++) {
        struct field_read o;
        cmi_fref_read(p, r, (uint32_t)i, &o);
        total += o.type == T_LIST ? (o.count < 65535 ? o.count : 65535) : 0;
    }
    if (total > UINT32_MAX || grow_rows((void **)&pi->items, sizeof *pi->items, NULL, 0,
                                        &pi->items_cap, total ? total : 1) < 0)
        return -1;
    parse_memo pm = { NULL, 0, 0 };
    for (size_t i = from; i < count; i++) {
        struct field_read o;
        cmi_fref_read(p, r, (uint32_t)i, &o);
        pi->off[i] = (uint32_t)k;
        size_t n = o.type == T_LIST ? (o.count < 65535 ? o.count : 65535) : 0;
        for (size_t j = 0; j < n; j++) {
            str_ref ref = o.pool == POOL_DERIVED ? p->ditems[o.off + j] : 0;
            if (parse_item(p, &pm, ref, cmi_fref_list_item(p, &o, j), &pi->items[k]) < 0) {
                cm_free(pm.slot);
                return -1;
            }
            double v = pi->items[k++].value;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        sort_pitems(pi->items + pi->off[i], n);
        pi->count[i] = (uint16_t)n;
    }
    cm_free(pm.slot);
    if (product_countries(p, self, r->side, pi, from) < 0)
        return -1;
    pi->n = count;
    pi->lo = lo;
    pi->hi = hi;
    if (from == 0) {
        pi->base_n = count;
        pi->base_lo = lo;
        pi->base_hi = hi;
    }
    return 0;
}


/* Build field r of every profile into c: ISIC ids (isic) or interned items.
 * Profiles appended since the last call (a visitor) are added to what was
 * built; anything else builds the whole side again. */
/* A derived list's items are interned in the policy's pool already
 * (dval_decode): the column takes their references as they are, with no
 * second look-up (a tenth of the per-profile work on a registry). Not for
 * an item that interning below would cut at 511 bytes: 0 then, and the
 * caller does it the long way. 1 done, -1 out of memory. */
static int derived_items(cm_policy *p, const struct field_read *o, column *c, size_t *len,
                         size_t row)
{
    size_t k = o->count < MAX_CODES ? o->count : MAX_CODES;
    for (size_t j = 0; j < k; j++)
        if (strlen(strpool_get(&p->strings, p->ditems[o->off + j])) >= 512)
            return 0;
    if (*len + k + 1 > UINT32_MAX ||
        cm_grow((void **)&c->items, &c->items_cap, *len + k + 1, sizeof *c->items) < 0)
        return -1;
    c->off[row] = (uint32_t)*len;
    for (size_t j = 0; j < k; j++)
        c->items[(*len)++] = p->ditems[o->off + j];
    c->n[row] = (uint16_t)k;
    return 1;
}

/* A built-in with a column of the same field, as ISIC ids or not
 * (want->isic), built for every profile. */
struct column_want { const fref *r; size_t count; int isic; };

static const column *column_built(const builtin *b, const struct column_want *w)
{
    if (b->kind != B_ISIC_FIT && b->kind != B_MEMBER && b->kind != B_OVERLAP)
        return NULL;
    if ((b->kind == B_ISIC_FIT) != w->isic)
        return NULL;
    for (int k = 0; k < 2; k++) {
        const column *c = &b->col[k];
        if (fref_same(k ? &b->b : &b->a, w->r) && c->off && c->count == w->count)
            return c;
    }
    return NULL;
}

static int column_twin(const builtin *b, const void *want)
{
    return column_built(b, want) != NULL;
}

static int column_copy(column *c, const column *from)
{
    c->count = 0;    /* should this fail: build again */
    struct rows to = { &c->off, &c->n, &c->rows_cap, (void **)&c->items, &c->items_cap };
    if (copy_rows(to, from->off, from->n, from->items, from->count, sizeof *c->items) < 0)
        return -1;
    c->count = from->count;
    return 0;
}

static int column_prepare(cm_policy *p, const builtin *self, const fref *r, column *c, int isic)
{
    size_t count = p->st->kinds[r->side].count;
    if (c->off && c->count == count)
        return 0;
    struct column_want want = { r, count, isic };
    const builtin *twin = find_twin(p, self, column_twin, &want);
    if (twin)
        return column_copy(c, column_built(twin, &want));
    size_t from = c->off && c->count < count ? c->count : 0;
    size_t len = from ? c->off[from - 1] + c->n[from - 1] : 0;
    c->count = from;    /* what stays valid should this fail */
    if (grow_rows((void **)&c->off, sizeof *c->off, (void **)&c->n, sizeof *c->n, &c->rows_cap,
                  count ? count : 1) < 0)
        return -1;
    for (size_t i = from; i < count; i++) {
        struct field_read o;
        cmi_fref_read(p, r, (uint32_t)i, &o);
        if (isic) {
            isic_id ids[MAX_CODES];
            size_t k = isic_codes(p, &o, ids);
            if (len + k + 1 > UINT32_MAX ||
                cm_grow((void **)&c->items, &c->items_cap, len + k + 1, sizeof *c->items) < 0)
                return -1;
            c->off[i] = (uint32_t)len;
            for (size_t j = 0; j < k; j++)
                c->items[len++] = ids[j];
            c->n[i] = (uint16_t)k;
            c->count = i + 1;
            continue;
        }
        int got = o.type == T_LIST && o.pool == POOL_DERIVED ? derived_items(p, &o, c, &len, i) : 0;
        if (got < 0)
            return -1;
        if (got) {
            c->count = i + 1;
            continue;
        }
        const char *it[MAX_CODES];
        char num[32];
        size_t k = items_of(p, &o, it, MAX_CODES, num, sizeof num);
        if (len + k + 1 > UINT32_MAX ||
            cm_grow((void **)&c->items, &c->items_cap, len + k + 1, sizeof *c->items) < 0)
            return -1;
        c->off[i] = (uint32_t)len;
        for (size_t j = 0; j < k; j++) {
            char buf[512];    /* the item may live in the pool interning moves */
            size_t l = strlen(it[j]);
            l = l < sizeof buf ? l : sizeof buf - 1;
            memcpy(buf, it[j], l);
            str_ref ref;
            if (cmi_strpool_intern(&p->strings, buf, l, &ref) < 0)
                return -1;
            c->items[len++] = ref;
            if (j + 1 < k && o.pool == POOL_DERIVED) {
                /* the pool may have moved: read the rest again */
                it[j + 1] = cmi_fref_list_item(p, &o, j + 1);
            }
        }
        c->n[i] = (uint16_t)k;
        c->count = i + 1;
    }
    return 0;
}

void cmi_builtin_forget(builtin *b, int side, size_t from)
{
    for (int k = 0; k < 2; k++) {
        const fref *r = k ? &b->b : &b->a;
        if (r->side == side && b->col[k].count > from)
            b->col[k].count = from;
    }
    pitems *pi = &b->prod[side];
    if (pi->n > from && from == pi->base_n) {   /* a visitor: as before it came */
        pi->n = from;
        pi->lo = pi->base_lo;
        pi->hi = pi->base_hi;
    } else if (pi->n > from) {
        pi->n = 0;   /* lo and hi are known for the last whole build only: build again */
    }
    if (b->a.side == side && b->cache_n > from)
        b->cache_n = from;
    if (b->isic_sets_n > b->col[1].count)
        b->isic_sets_n = b->col[1].count;
}

int cmi_builtin_prepare(cm_policy *p, builtin *b)
{
    if (b->same)
        return 0;             /* the one it is the same as is prepared in its turn */
    if (b->kind == B_ISIC_FIT || b->kind == B_MEMBER || b->kind == B_OVERLAP) {
        int isic = b->kind == B_ISIC_FIT;
        if (column_prepare(p, b, &b->a, &b->col[0], isic) < 0 ||
            column_prepare(p, b, &b->b, &b->col[1], isic) < 0 ||
            (isic && isic_sets_prepare(b) < 0))
            return -1;
        return 0;
    }
    if (b->kind == B_PRODUCT)
        return product_prepare(p, b, &b->a, &b->prod[b->a.side]) < 0 ||
               product_prepare(p, b, &b->b, &b->prod[b->b.side]) < 0 ? -1 : 0;
    if (b->kind != B_RANGE)
        return 0;
    size_t count = p->st->kinds[b->a.side].count;
    if (b->cache_score && b->cache_n == count)
        return 0;
    /* profiles appended since (a visitor): only theirs */
    size_t from = b->cache_score && b->cache_n < count ? b->cache_n : 0;
    if (grow_rows((void **)&b->cache_score, sizeof *b->cache_score, NULL, 0, &b->cache_cap,
                  count ? count : 1) < 0)
        return -1;
    for (size_t i = from; i < count; i++)
        b->cache_score[i] = range_compute(p, b, (uint32_t)i, NULL, 0);
    b->cache_n = count;
    return 0;
}

static double range_compute(const cm_policy *p, const builtin *b, uint32_t idx, char *reason,
                            size_t n)
{
    double lo, hi;            /* the value, as an interval */
    const char *unit = "";
    if (range_value(p, b, idx, &lo, &hi, &unit, reason, n) < 0)
        return 0;
    double s;
    const char *where;
    double gap;
    if (hi >= b->lo && lo <= b->hi) {
        s = 1;
        where = "within";
        gap = 1;
    } else {
        /* how many times too small or too large, on a log scale */
        gap = hi < b->lo ? (hi > 0 ? b->lo / hi : HUGE_VAL) : (b->hi > 0 ? lo / b->hi : HUGE_VAL);
        s = gap >= b->tolerance ? 0 : 1 - log(gap) / log(b->tolerance);
        where = hi < b->lo ? "below" : "above";
    }
    if (reason) {
        char x[32], y[32], l[32], h[32];
        fmt_amount(x, sizeof x, lo);
        fmt_amount(y, sizeof y, hi);
        fmt_amount(l, sizeof l, b->lo);
        fmt_amount(h, sizeof h, b->hi);
        char valtxt[80];
        if (lo == hi)
            snprintf(valtxt, sizeof valtxt, "%s%s%s", x, *unit ? " " : "", unit);
        else
            snprintf(valtxt, sizeof valtxt, "%s-%s%s%s", x, y, *unit ? " " : "", unit);
        if (isinf(b->lo))
            snprintf(l, sizeof l, "-");
        if (isinf(b->hi))
            snprintf(h, sizeof h, "-");
        if (s == 1)
            snprintf(reason, n, "%s %s %s the band %s..%s", b->a.path, valtxt, where, l, h);
        else
            snprintf(reason, n, "%s %s %s the band %s..%s (%.3gx off)", b->a.path, valtxt, where, l,
                     h, gap);
    }
    return s;
}

/* The score depends on one profile only: computed once per profile before
 * matching (cmi_builtin_prepare); the reason is worked out only when asked for. */
static double range(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri, char *reason,
                    size_t n)
{
    uint32_t idx = pair_index(&b->a, ei, ri);
    if (!reason && idx < b->cache_n)
        return b->cache_score[idx];
    return range_compute(p, b, idx, reason, n);
}

static double member(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri,
                     char *reason, size_t n)
{
    const uint32_t *xs, *ys;
    size_t nx, ny;
    if (!reason && slices(b, ei, ri, &xs, &nx, &ys, &ny)) {
        if (nx == 0 || ny == 0)
            return b->empty_passes;
        return shared_items(xs, nx, ys, ny) > 0;
    }
    struct field_read oa, ob;
    cmi_fref_read(p, &b->a, pair_index(&b->a, ei, ri), &oa);
    cmi_fref_read(p, &b->b, pair_index(&b->b, ei, ri), &ob);
    if (!reason && oa.type == T_LIST && ob.type == T_LIST && oa.pool == POOL_DERIVED &&
        ob.pool == POOL_DERIVED) {
        /* two derived sets: interned, so equal strings are equal refs */
        if (oa.count == 0 || ob.count == 0)
            return b->empty_passes;
        const str_ref *x = p->ditems + oa.off, *y = p->ditems + ob.off;
        for (size_t i = 0; i < oa.count; i++)
            for (size_t k = 0; k < ob.count; k++)
                if (x[i] == y[k])
                    return 1;
        return 0;
    }
    if (!reason) {
        /* the hot path: a list of codes against one code, as ids */
        const struct field_read *list = oa.type == T_LIST ? &oa : &ob;
        const struct field_read *one = oa.type == T_LIST ? &ob : &oa;
        if (list->type == T_LIST && one->type == T_STRING && one->code_pool >= 0 &&
            list->pool == one->code_pool) {
            if (list->count == 0)
                return b->empty_passes;
            for (size_t i = 0; i < list->count; i++)
                if (p->st->u16[list->off + i] == one->code)
                    return 1;
            return 0;
        }
    }
    const char *ia[MAX_CODES], *ib[MAX_CODES];
    char n1[32], n2[32];
    size_t na = items_of(p, &oa, ia, MAX_CODES, n1, sizeof n1);
    size_t nb = items_of(p, &ob, ib, MAX_CODES, n2, sizeof n2);
    if (na == 0 || nb == 0) {
        int pass = b->empty_passes && (na == 0 || nb == 0);
        if (reason)
            snprintf(reason, n, "no %s for the %s%s", na == 0 ? b->a.path : b->b.path,
                     na == 0 ? who(&b->a) : who(&b->b), pass ? ": any is accepted" : "");
        return pass;
    }
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (strcmp(ia[i], ib[j]) == 0) {
                if (reason)
                    snprintf(reason, n, "%s %s is among %s %s", b->b.path, ib[j], b->a.path,
                             oa.type == T_LIST ? "listed" : "too");
                return 1;
            }
    if (reason) {
        char la[200], lb[200];
        join(la, sizeof la, ia, na);
        join(lb, sizeof lb, ib, nb);
        snprintf(reason, n, "%s %s not among %s %s", b->b.path, lb, b->a.path, la);
    }
    return 0;
}

static double equals(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri,
                     char *reason, size_t n)
{
    struct field_read oa, ob;
    cmi_fref_read(p, &b->a, pair_index(&b->a, ei, ri), &oa);
    const char *x[1], *y[1];
    char n1[32], n2[32];
    if (items_of(p, &oa, x, 1, n1, sizeof n1) == 0 || oa.type == T_LIST) {
        if (reason)
            snprintf(reason, n, oa.type == T_LIST ? "%s is a list: use member"
                                                  : "no %s for the %s", b->a.path, who(&b->a));
        return 0;
    }
    int eq;
    if (b->has_b) {
        cmi_fref_read(p, &b->b, pair_index(&b->b, ei, ri), &ob);
        if (items_of(p, &ob, y, 1, n2, sizeof n2) == 0) {
            if (reason)
                snprintf(reason, n, "no %s for the %s", b->b.path, who(&b->b));
            return 0;
        }
        eq = oa.type == T_NUMBER && ob.type == T_NUMBER ? oa.num == ob.num : strcmp(x[0], y[0]) == 0;
    } else if (b->constant_is_num) {
        eq = oa.type == T_NUMBER && oa.num == b->constant_num;
        snprintf(n2, sizeof n2, "%.17g", b->constant_num);
        y[0] = n2;
    } else {
        eq = strcmp(x[0], b->constant) == 0;
        y[0] = b->constant;
    }
    if (reason)
        snprintf(reason, n, "%s is %s%s %s", b->a.path, x[0], eq ? "," : ", not", y[0]);
    return eq;
}

static double regex(const cm_policy *p, pstate *ps, const builtin *b, uint32_t ei, uint32_t ri,
                    char *reason, size_t n, int *error)
{
    struct field_read o;
    cmi_fref_read(p, &b->a, pair_index(&b->a, ei, ri), &o);
    if (o.type != T_STRING) {
        if (reason)
            snprintf(reason, n, "no %s for the %s", b->a.path, who(&b->a));
        return 0;
    }
    size_t len = strlen(o.str);
    int rc = pcre2_match(b->re, (PCRE2_SPTR)o.str, len, 0, 0, ps->md, ps->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) {
        if (reason)
            snprintf(reason, n, "%s does not match /%s/", b->a.path, b->pattern);
        return 0;
    }
    if (rc < 0) {
        *error = 1;
        if (reason) {
            PCRE2_UCHAR msg[120];
            pcre2_get_error_message(rc, msg, sizeof msg);
            snprintf(reason, n, "/%s/ on %s: %s", b->pattern, b->a.path, (const char *)msg);
        }
        return 0;
    }
    if (reason) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ps->md);
        int mlen = (int)(ov[1] - ov[0]);
        snprintf(reason, n, "%s matches /%s/ at \"%.*s\"", b->a.path, b->pattern,
                 mlen > 60 ? 60 : mlen, o.str + ov[0]);
    }
    return 1;
}

static int is_abroad(const builtin *b, str_ref name)
{
    for (size_t i = 0; i < b->nabroad; i++)
        if (b->abroad[i] == name)
            return 1;
    return 0;
}

/* The reason of best_product: the lists as written, the first best item
 * of the enterprise's (the order the explanation names it by). */
static double product_reason(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri,
                             int home, char *reason, size_t n)
{
    struct field_read oa, ob;
    const fref *fe = b->a.side == SIDE_ENTERPRISE ? &b->a : &b->b;
    const fref *fr = fe == &b->a ? &b->b : &b->a;
    cmi_fref_read(p, fe, ei, &oa);
    cmi_fref_read(p, fr, ri, &ob);
    size_t na = oa.type == T_LIST ? (oa.count < 65535 ? oa.count : 65535) : 0;
    size_t nb = ob.type == T_LIST ? (ob.count < 65535 ? ob.count : 65535) : 0;
    double best = 0;
    char which[128] = "";
    for (size_t i = 0; i < na; i++) {
        char x[128];
        size_t xl;
        double xv = product_item(cmi_fref_list_item(p, &oa, i), x, sizeof x, &xl);
        str_ref xr = cmi_strpool_find(&p->strings, x, xl);
        if (xl == 0 || (home && b->nabroad && is_abroad(b, xr)))
            continue;
        for (size_t k = 0; k < nb; k++) {
            char y[128];
            size_t yl;
            double yv = product_item(cmi_fref_list_item(p, &ob, k), y, sizeof y, &yl);
            if (yl == xl && memcmp(x, y, xl) == 0 && xv * yv > best) {
                best = xv * yv;
                memcpy(which, x, xl + 1);
            }
        }
    }
    if (which[0] == '\0')
        snprintf(reason, n, "no item of %s meets one of %s", b->a.path, b->b.path);
    else
        snprintf(reason, n, "%s: %.2f", which, best);
    return best;
}

static double best_product(const cm_policy *p, const builtin *b, uint32_t ei, uint32_t ri,
                           char *reason, size_t n)
{
    const pitems *pe = &b->prod[SIDE_ENTERPRISE], *pr = &b->prod[SIDE_REGION];
    if (ei >= pe->n || ri >= pr->n) {
        if (reason)
            snprintf(reason, n, "not prepared");
        return 0;
    }
    int home = b->nabroad && pe->country[ei] == pr->country[ri];
    if (reason)
        return product_reason(p, b, ei, ri, home, reason, n);
    /* both sorted by name: one merge; equal names may repeat on either side */
    const struct pitem *x = pe->items + pe->off[ei], *y = pr->items + pr->off[ri];
    const struct pitem *xe = x + pe->count[ei], *ye = y + pr->count[ri];
    double best = 0;
    while (x < xe && y < ye) {
        if (x->name < y->name) {
            x++;
        } else if (x->name > y->name) {
            y++;
        } else {
            str_ref name = x->name;
            const struct pitem *y0 = y;
            for (; x < xe && x->name == name; x++) {
                if (name == STR_NONE || (home && is_abroad(b, name)))
                    continue;
                for (y = y0; y < ye && y->name == name; y++)
                    if (x->value * y->value > best)
                        best = x->value * y->value;
            }
            while (y < ye && y->name == name)
                y++;
        }
    }
    return best;
}

void cmi_scorer_prefetch(const builtin *b, uint32_t ei, uint32_t ri)
{
    b = cmi_builtin_data(b);
    if (b->kind == B_PRODUCT) {
        const pitems *pr = &b->prod[SIDE_REGION], *pe = &b->prod[SIDE_ENTERPRISE];
        if (ri < pr->n && ei < pe->n) {
            __builtin_prefetch(pr->items + pr->off[ri]);
            __builtin_prefetch(pe->items + pe->off[ei]);
        }
    }
}

static double eval_kind(const cm_policy *p, pstate *ps, const builtin *b, uint32_t ei, uint32_t ri,
                        char *reason, size_t reason_len, int *error)
{
    switch (b->kind) {
    case B_ISIC_FIT: return isic_fit(p, b, ei, ri, reason, reason_len);
    case B_OVERLAP: return overlap(p, b, ei, ri, reason, reason_len);
    case B_DISTANCE: return distance(p, b, ei, ri, reason, reason_len);
    case B_RANGE: return range(p, b, ei, ri, reason, reason_len);
    case B_MEMBER: return member(p, b, ei, ri, reason, reason_len);
    case B_EQUALS: return equals(p, b, ei, ri, reason, reason_len);
    case B_REGEX: return regex(p, ps, b, ei, ri, reason, reason_len, error);
    case B_PRODUCT: return best_product(p, b, ei, ri, reason, reason_len);
    case B_LUA: break;
    }
    return 0;
}

double cmi_scorer_eval(const cm_policy *p, pstate *ps, const builtin *b, uint32_t ei, uint32_t ri,
                   char *reason, size_t reason_len, int *error)
{
    b = cmi_builtin_data(b);
    double s = eval_kind(p, ps, b, ei, ri, reason, reason_len, error);
    return b->factor == 1 ? s : s * b->factor;
}

/* ---- classes ---------------------------------------------------------------------
 * A built-in reads only its prepared columns (and, for best_product with
 * `abroad`, the two countries), so profiles of one side whose columns are
 * equal score alike against any profile of the other side: they share a
 * class, and the engine scores a class once per profile of the other side. */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h * 0xBF58476D1CE4E5B9ULL;
}

/* What a class is made of: the profile's slice of a column or of the parsed
 * items (and its country where that counts). */
struct cls_view {
    const uint32_t *items;    /* column items, or NULL */
    const struct pitem *pit;  /* or parsed items */
    size_t n;
    uint32_t country;
};

static int class_view(const cm_policy *p, const builtin *b, int side, size_t i,
                      struct cls_view *v)
{
    memset(v, 0, sizeof *v);
    if (b->kind == B_PRODUCT) {
        const pitems *pi = &b->prod[side];
        if (i >= pi->n)
            return -1;
        v->pit = pi->items + pi->off[i];
        v->n = pi->count[i];
        v->country = b->nabroad ? (uint32_t)store_common(p->st, side, i)->country + 1 : 0;
        return 0;
    }
    const column *c = &b->col[b->a.side == side ? 0 : 1];
    if (i >= c->count || c->off == NULL)
        return -1;
    v->items = c->items + c->off[i];
    v->n = c->n[i];
    return 0;
}

static uint64_t view_hash(const struct cls_view *v)
{
    uint64_t h = mix(v->n, v->country);
    for (size_t k = 0; k < v->n; k++) {
        if (v->items) {
            h = mix(h, v->items[k]);
        } else {
            uint64_t bits;
            memcpy(&bits, &v->pit[k].value, sizeof bits);
            h = mix(mix(h, v->pit[k].name), bits);
        }
    }
    return h;
}

static int view_equal(const struct cls_view *x, const struct cls_view *y)
{
    if (x->n != y->n || x->country != y->country)
        return 0;
    if (x->items)
        return memcmp(x->items, y->items, x->n * sizeof *x->items) == 0;
    for (size_t k = 0; k < x->n; k++)
        if (x->pit[k].name != y->pit[k].name ||
            memcmp(&x->pit[k].value, &y->pit[k].value, sizeof x->pit[k].value) != 0)
            return 0;
    return 1;
}

long cmi_builtin_classes(const cm_policy *p, const builtin *b, int side, uint32_t *cls)
{
    b = cmi_builtin_data(b);
    if (b->kind != B_MEMBER && b->kind != B_OVERLAP && b->kind != B_ISIC_FIT &&
        b->kind != B_PRODUCT)
        return 0;
    if (b->kind == B_OVERLAP && b->jaccard)
        return 0;             /* its fast path reads the columns too, but keep it simple */
    if (b->a.side == b->b.side)
        return 0;
    size_t count = p->st->kinds[side].count;
    size_t cap = 16;
    while (cap < 2 * count)
        cap <<= 1;
    struct { uint64_t h; uint32_t rep, id; } *tab = cm_calloc(cap, sizeof *tab);
    if (tab == NULL)
        return -1;
    uint32_t ncls = 0;
    for (size_t i = 0; i < count; i++) {
        struct cls_view v, r;
        if (class_view(p, b, side, i, &v) < 0) {
            cm_free(tab);
            return 0;         /* not prepared for every profile: no classes */
        }
        uint64_t h = view_hash(&v);
        size_t at = (size_t)(h ^ h >> 29) & (cap - 1);
        for (;; at = (at + 1) & (cap - 1)) {
            if (tab[at].id == 0) {
                tab[at].h = h;
                tab[at].rep = (uint32_t)i;
                tab[at].id = ++ncls;
                cls[i] = ncls - 1;
                break;
            }
            if (tab[at].h == h && class_view(p, b, side, tab[at].rep, &r) == 0 &&
                view_equal(&v, &r)) {
                cls[i] = tab[at].id - 1;
                break;
            }
        }
    }
    cm_free(tab);
    return ncls;
}

static int same_text(const char *x, const char *y)
{
    return x == y || (x && y && strcmp(x, y) == 0);
}

static int same_fref(const fref *x, const fref *y)
{
    return x->side == y->side && x->f == y->f && x->derived == y->derived &&
           same_text(x->attr, y->attr);
}

int cmi_builtin_same(const builtin *x, const builtin *y)
{
    if (x->kind != y->kind || x->kind == B_LUA || x->kind == B_REGEX ||
        !same_fref(&x->a, &y->a) || x->has_b != y->has_b || (x->has_b && !same_fref(&x->b, &y->b)))
        return 0;
    if (x->scale != y->scale || x->lo != y->lo || x->hi != y->hi ||
        x->tolerance != y->tolerance || x->currency != y->currency ||
        x->empty_passes != y->empty_passes || x->jaccard != y->jaccard ||
        !same_text(x->constant, y->constant) || x->constant_is_num != y->constant_is_num ||
        (x->constant_is_num && x->constant_num != y->constant_num) ||
        x->broader != y->broader || x->factor != y->factor || x->of_a != y->of_a ||
        x->nabroad != y->nabroad)
        return 0;
    for (int l = 0; l < 4; l++)
        if (x->levels[l] != y->levels[l])
            return 0;
    for (size_t i = 0; i < x->nabroad; i++)
        if (x->abroad[i] != y->abroad[i])
            return 0;
    return 1;
}

/* The slot of name in r (its own, or the empty one it would take). */
static struct name_range *range_slot(const product_range *r, str_ref name)
{
    size_t mask = r->cap - 1;
    for (size_t h = (name * 2654435761u) & mask;; h = (h + 1) & mask)
        if (r->slot[h].name == name || r->slot[h].name == STR_NONE)
            return &r->slot[h];
}

/* Fill r with the least and greatest value of each name among the items
 * side's profiles have for best_product b (prepared). 0, or -1 out of
 * memory. */
int cmi_product_range(const builtin *b, int side, product_range *r)
{
    b = cmi_builtin_data(b);
    const pitems *pi = &b->prod[side];
    size_t total = pi->n ? pi->off[pi->n - 1] + pi->count[pi->n - 1] : 0;
    r->cap = 16;
    while (r->cap < 2 * total && r->cap < ((size_t)1 << 20))
        r->cap *= 2;
    for (;;) {
        if ((r->slot = cm_calloc(r->cap, sizeof *r->slot)) == NULL)
            return -1;
        size_t used = 0;
        for (size_t k = 0; k < total && used * 2 < r->cap; k++) {
            const struct pitem *it = &pi->items[k];
            if (it->name == STR_NONE)
                continue;
            struct name_range *s = range_slot(r, it->name);
            if (s->name == STR_NONE) {
                *s = (struct name_range){ it->name, it->value, it->value };
                used++;
            }
            s->lo = it->value < s->lo ? it->value : s->lo;
            s->hi = it->value > s->hi ? it->value : s->hi;
        }
        if (used * 2 < r->cap)
            return 0;
        cm_free(r->slot);    /* more names than room: twice the room */
        r->cap *= 2;
    }
}

void cmi_product_range_free(product_range *r)
{
    cm_free(r->slot);
    r->slot = NULL;
}

/* The most best_product b can score for profile i of `side` against any
 * profile of the other side (r: that side's ranges), its factor applied
 * as cmi_scorer_eval does: each of i's items times the value of its name
 * that gives the most. At least the score of every pair (items abroad
 * left out at home only lower it), or INFINITY when not known. */
double cmi_product_most(const builtin *b, const product_range *r, int side, uint32_t i)
{
    b = cmi_builtin_data(b);
    const pitems *pi = &b->prod[side];
    if (i >= pi->n || r->slot == NULL || !(b->factor >= 0))
        return INFINITY;
    double best = 0;
    for (const struct pitem *x = pi->items + pi->off[i], *xe = x + pi->count[i]; x < xe; x++) {
        if (x->name == STR_NONE)
            continue;
        const struct name_range *s = range_slot(r, x->name);
        if (s->name == STR_NONE)
            continue;
        double v = x->value * (x->value >= 0 ? s->hi : s->lo);
        best = v > best ? v : best;
    }
    return b->factor == 1 ? best : best * b->factor;
}

/* The most a prepared built-in can score for any pair (its factor applied as
 * cmi_scorer_eval applies it), or INFINITY when not known: a rule of several
 * scorers stops once its best so far reaches what the rest could give. */
double cmi_builtin_upper(const builtin *b)
{
    b = cmi_builtin_data(b);
    double top;
    switch (b->kind) {
    case B_ISIC_FIT:
        top = b->broader > 0 ? b->broader : 0;
        for (int lv = 0; lv < 4; lv++)
            top = b->levels[lv] > top ? b->levels[lv] : top;
        break;
    case B_OVERLAP:
    case B_MEMBER:
        top = 1;
        break;
    case B_PRODUCT: {
        /* the values of every item of each side (made by product_prepare; a
         * side taken back to fewer profiles keeps its wider range, still a
         * bound) */
        double lo[2], hi[2];
        for (int side = 0; side < 2; side++) {
            const pitems *pi = &b->prod[side];
            if (pi->off == NULL)
                return INFINITY;
            size_t total = pi->n ? pi->off[pi->n - 1] + pi->count[pi->n - 1] : 0;
            if (total == 0)
                return 0;
            lo[side] = pi->lo;
            hi[side] = pi->hi;
        }
        top = 0;
        for (int x = 0; x < 2; x++)
            for (int y = 0; y < 2; y++) {
                double v = (x ? hi[0] : lo[0]) * (y ? hi[1] : lo[1]);
                top = v > top ? v : top;
            }
        break;
    }
    default:
        return INFINITY;
    }
    return b->factor == 1 ? top : top * b->factor;
}
