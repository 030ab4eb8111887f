/*
 * schedule.c - meetings into sessions, slots and tables (see schedule.h).
 *
 * Slots are the colours of a proper edge colouring of the bipartite graph of
 * meetings (König: as many colours as the busiest participant has meetings
 * suffice), found with alternating-path swaps; when tables bind, colour
 * classes are evened out (de Werra) so that no slot holds more than the
 * tables. Meetings that cannot fit go first by lowest score, with the reason.
 */
#include "schedule.h"
#include "alloc.h"
#include "err.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define MAX_COLOUR_CELLS ((size_t)1 << 27)   /* participants x slots */

/* ---- calendar arithmetic (proleptic Gregorian, no time zone) ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static int parse_time(const char *s, long long *minutes)
{
    int y, mo, d, h, mi, n = 0;
    char sep;
    if (s == NULL || sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6 ||
        s[n] != '\0' || (sep != 'T' && sep != ' ') || strlen(s) != 16)
        return -1;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || h < 0 ||
        mi < 0 || mi > 59)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -1;
    *minutes = days_from_civil(y, (unsigned)mo, (unsigned)d) * 1440 + h * 60 + mi;
    return 0;
}

static void format_time(long long minutes, char out[17])
{
    long long days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
    int rem = (int)(minutes - days * 1440);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", y, m, d, rem / 60, rem % 60);
    memcpy(out, buf, 16);
    out[16] = '\0';
}

/* ---- the schedule ---- */

CM_API void cm_schedule_options_init(cm_schedule_options *o)
{
    memset(o, 0, sizeof *o);
    o->meeting_minutes = 20;
}

CM_API void cm_schedule_free(cm_schedule *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nunplaced; i++)
        cm_free((void *)(uintptr_t)s->unplaced[i].unplaced);
    cm_free(s->placed);
    cm_free(s->unplaced);
    for (int k = 0; k < 2; k++) {
        cm_free(s->part[k]);
        cm_free(s->aoff[k]);
        cm_free(s->alist[k]);
    }
    cm_free(s);
}

CM_API size_t cm_schedule_count(const cm_schedule *s) { return s ? s->nplaced : 0; }
CM_API const cm_meeting *cm_schedule_meeting(const cm_schedule *s, size_t i)
{
    return s && i < s->nplaced ? &s->placed[i] : NULL;
}
CM_API size_t cm_schedule_unplaced_count(const cm_schedule *s) { return s ? s->nunplaced : 0; }
CM_API const cm_meeting *cm_schedule_unplaced(const cm_schedule *s, size_t i)
{
    return s && i < s->nunplaced ? &s->unplaced[i] : NULL;
}
CM_API unsigned cm_schedule_slots(const cm_schedule *s, unsigned *minimum, unsigned *available)
{
    if (minimum)
        *minimum = s ? s->slots_min : 0;
    if (available)
        *available = s ? s->slots_avail : 0;
    return s ? s->slots_used : 0;
}
static int kside(cm_kind k) { return k == CM_KIND_REGIONS ? PSIDE_R : PSIDE_E; }
CM_API size_t cm_schedule_participants(const cm_schedule *s, cm_kind k)
{
    return s ? s->npart[kside(k)] : 0;
}
CM_API const char *cm_schedule_participant(const cm_schedule *s, cm_kind k, size_t i)
{
    int sd = kside(k);
    return s && i < s->npart[sd] ? pairs_id(s->p, sd, s->part[sd][i]) : NULL;
}
CM_API size_t cm_schedule_agenda(const cm_schedule *s, cm_kind k, size_t i,
                                 const cm_meeting **out, size_t max)
{
    int sd = kside(k);
    if (s == NULL || i >= s->npart[sd])
        return 0;
    size_t n = s->aoff[sd][i + 1] - s->aoff[sd][i];
    for (size_t j = 0; j < n && j < max && out; j++)
        out[j] = &s->placed[s->alist[sd][s->aoff[sd][i] + j]];
    return n;
}

static _Thread_local const cm_pairs *sort_p;

/* best first: score descending, then enterprise id, region id */
static int cmp_meeting(const void *a, const void *b)
{
    const pair *x = &sort_p->pairs[*(const uint32_t *)a], *y = &sort_p->pairs[*(const uint32_t *)b];
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = strcmp(pairs_id(sort_p, PSIDE_E, x->e), pairs_id(sort_p, PSIDE_E, y->e));
    return c ? c : strcmp(pairs_id(sort_p, PSIDE_R, x->r), pairs_id(sort_p, PSIDE_R, y->r));
}

static int cmp_by_ids(const void *a, const void *b)
{
    const cm_meeting *x = a, *y = b;
    int c = strcmp(x->enterprise, y->enterprise);
    return c ? c : strcmp(x->region, y->region);
}

static _Thread_local int sort_side;
static int cmp_party_id(const void *a, const void *b)
{
    return strcmp(pairs_id(sort_p, sort_side, *(const uint32_t *)a),
                  pairs_id(sort_p, sort_side, *(const uint32_t *)b));
}

typedef struct colouring {
    size_t k;                 /* colours */
    uint32_t *at;             /* vertex * k + colour -> meeting, or NONE */
    uint32_t *colour;         /* per meeting */
    const uint32_t *u, *v;    /* ends of each meeting (vertices) */
    uint32_t *path;           /* scratch */
} colouring;

static uint32_t other_end(const colouring *c, uint32_t m, uint32_t x)
{
    return c->u[m] == x ? c->v[m] : c->u[m];
}

/* The alternating a/b path from x, starting with colour a; its length. */
static size_t walk(const colouring *c, uint32_t x, uint32_t a, uint32_t b)
{
    size_t n = 0;
    uint32_t col = a;
    for (;;) {
        uint32_t m = c->at[(size_t)x * c->k + col];
        if (m == NONE)
            return n;
        c->path[n++] = m;
        x = other_end(c, m, x);
        col = col == a ? b : a;
    }
}

/* Swap colours a and b on the n meetings of the path. */
static void swap_path(colouring *c, size_t n, uint32_t a, uint32_t b)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t m = c->path[i];
        c->at[(size_t)c->u[m] * c->k + c->colour[m]] = NONE;
        c->at[(size_t)c->v[m] * c->k + c->colour[m]] = NONE;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t m = c->path[i];
        c->colour[m] = c->colour[m] == a ? b : a;
        c->at[(size_t)c->u[m] * c->k + c->colour[m]] = m;
        c->at[(size_t)c->v[m] * c->k + c->colour[m]] = m;
    }
}

static uint32_t free_colour(const colouring *c, uint32_t x)
{
    for (uint32_t col = 0; col < c->k; col++)
        if (c->at[(size_t)x * c->k + col] == NONE)
            return col;
    return NONE;
}

/* Colour meeting m (k >= the largest degree, so free colours exist). */
static void colour_one(colouring *c, uint32_t m)
{
    uint32_t x = c->u[m], y = c->v[m];
    uint32_t a = free_colour(c, x), b = free_colour(c, y);
    if (c->at[(size_t)y * c->k + a] != NONE) {
        /* a is taken at y: flip the a/b path from y; it cannot reach x */
        size_t n = walk(c, y, a, b);
        swap_path(c, n, a, b);
    }
    c->colour[m] = a;
    c->at[(size_t)x * c->k + a] = m;
    c->at[(size_t)y * c->k + a] = m;
}

/* Move one meeting from colour a to colour b (|a| > |b|) by swapping a path
 * with one more a than b; 0 when done. */
static int even_out(colouring *c, size_t nm, uint32_t a, uint32_t b)
{
    for (uint32_t m = 0; m < nm; m++) {
        if (c->colour[m] != a)
            continue;
        uint32_t ends[2] = { c->u[m], c->v[m] };
        for (int i = 0; i < 2; i++) {
            if (c->at[(size_t)ends[i] * c->k + b] != NONE)
                continue;     /* not the end of a path */
            size_t n = walk(c, ends[i], a, b);
            if (n % 2 == 1) {
                swap_path(c, n, a, b);
                return 0;
            }
        }
    }
    return -1;
}

static cm_status sfail(cm_status s, const char *msg)
{
    return cmi_err_set(s, "%s", msg);
}

static char *reason_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *reason_text(const char *fmt, ...)
{
    char buf[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cm_strdup(buf);
}

/* placing order: slot, then the region's place in id order */
static _Thread_local const uint32_t *sort_slot, *sort_rpos, *sort_colour, *sort_kept;
static int cmp_in_slot(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t sx = sort_slot[sort_colour[x]], sy = sort_slot[sort_colour[y]];
    if (sx != sy)
        return sx < sy ? -1 : 1;
    uint32_t rx = sort_rpos[sort_p->pairs[sort_kept[x]].r], ry = sort_rpos[sort_p->pairs[sort_kept[y]].r];
    return rx < ry ? -1 : rx > ry;
}

static int cmp_placed(const void *a, const void *b)
{
    const cm_meeting *x = a, *y = b;
    if (x->session != y->session)
        return x->session < y->session ? -1 : 1;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    return x->table < y->table ? -1 : x->table > y->table;
}

/* The working state of one cm_schedule_make, stage by stage. */
typedef struct plan {
    const cm_pairs *p;
    const cm_schedule_options *o;
    long long *starts;        /* of each session */
    size_t nsess;
    unsigned len, step, T;    /* meeting minutes, minutes between slots, tables (0: any) */
    unsigned long long avail; /* slots in all; 0: as many as needed */
    size_t nm, nE, nR, nV;    /* meetings, enterprises, regions, both */
    uint32_t *order;          /* meetings, best first */
    uint32_t *deg;            /* meetings kept per participant (vertex) */
    uint32_t *eu, *ev, *kept; /* kept meetings: their two vertices, their pair */
    size_t nk;
    size_t k;                 /* slots used */
    unsigned per;             /* slots per session */
    colouring c;              /* kept meeting -> slot (colour) */
    uint32_t *csize, *corder, *slot_of;
    const char *why;          /* of a failure */
} plan;

static void plan_free(plan *x)
{
    cm_free(x->starts);
    cm_free(x->order);
    cm_free(x->deg);
    cm_free(x->eu);
    cm_free(x->ev);
    cm_free(x->kept);
    cm_free(x->c.at);
    cm_free(x->c.colour);
    cm_free(x->c.path);
    cm_free(x->csize);
    cm_free(x->corder);
    cm_free(x->slot_of);
}

/* Stage 0: the options, and the sessions' starts. */
static cm_status plan_options(plan *x)
{
    const cm_schedule_options *o = x->o;
    for (; o->sessions && o->sessions[x->nsess]; x->nsess++)
        ;
    if (x->nsess == 0)
        return sfail(CM_EUSAGE, "give the start of each session, e.g. 2026-05-20T09:00");
    x->starts = cm_malloc(x->nsess * sizeof *x->starts);
    if (x->starts == NULL)
        return sfail(CM_ENOMEM, "out of memory");
    for (size_t i = 0; i < x->nsess; i++)
        if (parse_time(o->sessions[i], &x->starts[i]) < 0)
            return cmi_err_set(CM_EUSAGE, "session %zu: expected a start like 2026-05-20T09:00, "
                           "found \"%.40s\"", i + 1, o->sessions[i]);
    x->len = o->meeting_minutes ? o->meeting_minutes : 20;
    x->step = x->len + o->break_minutes;
    if (x->len > 24 * 60 || o->break_minutes > 24 * 60 || o->slots > 10000)
        return sfail(CM_EUSAGE, "meeting or break longer than a day, or over 10000 slots");
    x->T = o->tables;
    x->nm = x->p->npairs;
    x->nE = x->p->nside[PSIDE_E];
    x->nR = x->p->nside[PSIDE_R];
    x->nV = x->nE + x->nR;
    x->avail = o->slots ? (unsigned long long)o->slots * x->nsess : 0;
    return CM_OK;
}

/* Stage 1: keep the best meetings that fit (nobody in more meetings than
 * slots, no more meetings than slots x tables); the others are unplaced,
 * with the reason. */
static cm_status plan_keep(plan *x, cm_schedule *s)
{
    const cm_pairs *p = x->p;
    size_t nm = x->nm, one = nm ? nm : 1;
    x->order = cm_malloc(one * sizeof *x->order);
    x->deg = cm_calloc(x->nV + 1, sizeof *x->deg);
    x->eu = cm_malloc(one * sizeof *x->eu);
    x->ev = cm_malloc(one * sizeof *x->ev);
    x->kept = cm_malloc(one * sizeof *x->kept);
    s->unplaced = cm_calloc(one, sizeof *s->unplaced);
    if (!x->order || !x->deg || !x->eu || !x->ev || !x->kept || !s->unplaced)
        return CM_ENOMEM;
    for (size_t i = 0; i < nm; i++)
        x->order[i] = (uint32_t)i;
    sort_p = p;
    qsort(x->order, nm, sizeof *x->order, cmp_meeting);
    unsigned long long avail = x->avail;
    for (size_t i = 0; i < nm; i++) {
        const pair *q = &p->pairs[x->order[i]];
        uint32_t a = q->e, b = (uint32_t)x->nE + q->r;
        char *reason = NULL;
        if (avail && (x->deg[a] >= avail || x->deg[b] >= avail)) {
            int e_full = x->deg[a] >= avail;
            reason = reason_text("%s %s has better-scored meetings in all %u slots",
                                 e_full ? "enterprise" : "region",
                                 e_full ? pairs_id(p, PSIDE_E, q->e) : pairs_id(p, PSIDE_R, q->r),
                                 (unsigned)avail);
        } else if (avail && x->T && x->nk >= avail * x->T) {
            reason = reason_text("every table of every slot is taken by better-scored meetings "
                                 "(%u slots x %u tables)", (unsigned)avail, x->T);
        } else {
            x->deg[a]++;
            x->deg[b]++;
            x->eu[x->nk] = a;
            x->ev[x->nk] = b;
            x->kept[x->nk++] = x->order[i];
            continue;
        }
        if (reason == NULL)
            return CM_ENOMEM;
        cm_meeting *mt = &s->unplaced[s->nunplaced++];
        memset(mt, 0, sizeof *mt);
        mt->enterprise = pairs_id(p, PSIDE_E, q->e);
        mt->region = pairs_id(p, PSIDE_R, q->r);
        mt->score = q->score;
        mt->unplaced = reason;
    }
    qsort(s->unplaced, s->nunplaced, sizeof *s->unplaced, cmp_by_ids);
    return CM_OK;
}

/* Stage 2: the kept meetings into the fewest slots (the busiest
 * participant, or meetings / tables): an edge colouring, evened out so
 * that no slot holds more meetings than tables, fuller slots first. */
static cm_status plan_slots(plan *x, cm_schedule *s)
{
    size_t nk = x->nk, nV = x->nV;
    unsigned T = x->T;
    uint32_t maxdeg = 0;
    for (size_t v = 0; v < nV; v++)
        if (x->deg[v] > maxdeg)
            maxdeg = x->deg[v];
    size_t k = maxdeg;
    if (T && (nk + T - 1) / T > k)
        k = (nk + T - 1) / T;
    x->k = k;
    s->slots_min = (unsigned)k;
    if (k && nV * k > MAX_COLOUR_CELLS) {
        x->why = "too many participants times slots to schedule (raise tables or give fewer slots)";
        return CM_ELIMIT;
    }
    colouring *c = &x->c;
    c->k = k ? k : 1;
    c->at = cm_malloc(nV * c->k * sizeof *c->at + 1);
    c->colour = cm_malloc((nk ? nk : 1) * sizeof *c->colour);
    c->path = cm_malloc((nk + 1) * sizeof *c->path);
    x->csize = cm_calloc(c->k, sizeof *x->csize);
    x->corder = cm_malloc(c->k * sizeof *x->corder);
    x->slot_of = cm_malloc(c->k * sizeof *x->slot_of);
    if (!c->at || !c->colour || !c->path || !x->csize || !x->corder || !x->slot_of)
        return CM_ENOMEM;
    memset(c->at, 0xff, nV * c->k * sizeof *c->at);
    c->u = x->eu;
    c->v = x->ev;
    for (uint32_t m = 0; m < nk; m++) {
        if (x->o->progress && (m & 1023) == 0)
            x->o->progress(m, nk, x->o->progress_ud);
        colour_one(c, m);
    }
    if (x->o->progress)
        x->o->progress(nk, nk, x->o->progress_ud);
    uint32_t *csize = x->csize;
    for (uint32_t m = 0; m < nk; m++)
        csize[c->colour[m]]++;
    if (T) {
        /* even out the slots that hold more meetings than tables */
        for (;;) {
            uint32_t big = 0, small = 0;
            for (uint32_t col = 1; col < k; col++) {
                if (csize[col] > csize[big])
                    big = col;
                if (csize[col] < csize[small])
                    small = col;
            }
            if (k == 0 || csize[big] <= T)
                break;
            if (even_out(c, nk, big, small) < 0) {
                x->why = "internal error: could not even out the slots";
                return CM_ELIMIT;
            }
            csize[big]--;
            csize[small]++;
        }
    }
    /* fuller slots first */
    uint32_t *corder = x->corder;
    for (uint32_t col = 0; col < c->k; col++)
        corder[col] = col;
    for (uint32_t i = 1; i < k; i++)
        for (uint32_t j = i; j > 0 && csize[corder[j]] > csize[corder[j - 1]]; j--) {
            uint32_t t = corder[j]; corder[j] = corder[j - 1]; corder[j - 1] = t;
        }
    for (uint32_t i = 0; i < k; i++)
        x->slot_of[corder[i]] = i;
    x->per = x->o->slots ? x->o->slots : (unsigned)((k + x->nsess - 1) / x->nsess);
    if (x->per == 0)
        x->per = 1;
    s->slots_used = (unsigned)k;
    s->slots_avail = x->o->slots ? (unsigned)x->avail : x->per * (unsigned)x->nsess;
    return CM_OK;
}

/* One slot's meetings byslot[first..n) at tables: each region at its own
 * table when free, then the rest at the first free ones. */
static void seat_slot(const plan *x, const uint32_t *byslot, size_t first, size_t n,
                      const uint32_t *rpos, size_t ntables, uint8_t *taken, unsigned *table)
{
    memset(taken, 0, ntables + 1);
    for (size_t i = first; i < n; i++) {
        size_t home = rpos[x->p->pairs[x->kept[byslot[i]]].r] % ntables;
        table[i] = 0;
        if (!taken[home]) {
            taken[home] = 1;
            table[i] = (unsigned)home + 1;
        }
    }
    size_t next = 0;
    for (size_t i = first; i < n; i++) {
        if (table[i])
            continue;
        while (taken[next])
            next++;
        taken[next] = 1;
        table[i] = (unsigned)next + 1;
    }
}

/* Stage 3: place the kept meetings slot by slot at tables, with times. */
static cm_status plan_place(plan *x, cm_schedule *s)
{
    const cm_pairs *p = x->p;
    size_t nk = x->nk, nR = x->nR;
    s->placed = cm_calloc(nk ? nk : 1, sizeof *s->placed);
    uint32_t *rpos = cm_malloc((nR + 1) * sizeof *rpos);
    uint32_t *rord = cm_malloc((nR + 1) * sizeof *rord);
    size_t ntables = x->T ? x->T : nR;
    uint8_t *taken = cm_malloc(ntables + 1);
    unsigned *table = cm_calloc(nk + 1, sizeof *table);
    cm_status st = CM_ENOMEM;
    if (s->placed == NULL || rpos == NULL || rord == NULL || taken == NULL || table == NULL)
        goto out;
    for (size_t r = 0; r < nR; r++)
        rord[r] = (uint32_t)r;
    sort_side = PSIDE_R;
    qsort(rord, nR, sizeof *rord, cmp_party_id);
    for (size_t r = 0; r < nR; r++)
        rpos[rord[r]] = (uint32_t)r;
    /* meetings grouped by slot, regions in id order */
    uint32_t *byslot = x->c.path;    /* reuse: nk + 1 entries */
    for (uint32_t m = 0; m < nk; m++)
        byslot[m] = m;
    sort_slot = x->slot_of;
    sort_rpos = rpos;
    sort_colour = x->c.colour;
    sort_kept = x->kept;
    sort_p = p;
    qsort(byslot, nk, sizeof *byslot, cmp_in_slot);
    for (size_t first = 0, n = 0; first < nk; first = n) {
        uint32_t sl = x->slot_of[x->c.colour[byslot[first]]];
        while (n < nk && x->slot_of[x->c.colour[byslot[n]]] == sl)
            n++;
        seat_slot(x, byslot, first, n, rpos, ntables, taken, table);
        unsigned sess = sl / x->per, within = sl % x->per;
        for (size_t i = first; i < n; i++) {
            const pair *q = &p->pairs[x->kept[byslot[i]]];
            cm_meeting *mt = &s->placed[s->nplaced++];
            mt->enterprise = pairs_id(p, PSIDE_E, q->e);
            mt->region = pairs_id(p, PSIDE_R, q->r);
            mt->score = q->score;
            mt->session = sess + 1;
            mt->slot = within + 1;
            mt->table = table[i];
            long long t0 = x->starts[sess] + (long long)within * x->step;
            format_time(t0, mt->start);
            format_time(t0 + x->len, mt->end);
        }
    }
    /* placed: by slot, then table */
    qsort(s->placed, s->nplaced, sizeof *s->placed, cmp_placed);
    st = CM_OK;
out:
    cm_free(table);
    cm_free(taken);
    cm_free(rord);
    cm_free(rpos);
    return st;
}

/* Stage 4: the participants of each side, by id, and their agendas. */
static cm_status plan_agendas(const plan *x, cm_schedule *s)
{
    const cm_pairs *p = x->p;
    for (int sd = 0; sd < 2; sd++) {
        size_t np = p->nside[sd];
        uint32_t *count = cm_calloc(np + 1, sizeof *count);
        s->part[sd] = cm_malloc((np ? np : 1) * sizeof *s->part[sd]);
        s->aoff[sd] = cm_calloc(np + 1, sizeof *s->aoff[sd]);
        s->alist[sd] = cm_malloc((s->nplaced ? s->nplaced : 1) * sizeof *s->alist[sd]);
        uint32_t *pos = cm_malloc((np + 1) * sizeof *pos);
        if (!count || !s->part[sd] || !s->aoff[sd] || !s->alist[sd] || !pos) {
            cm_free(count);
            cm_free(pos);
            return CM_ENOMEM;
        }
        /* everyone with a meeting, placed or not */
        uint8_t *has = (uint8_t *)count;    /* reuse as flags first */
        for (size_t i = 0; i < x->nm; i++) {
            uint32_t party = sd == PSIDE_E ? p->pairs[i].e : p->pairs[i].r;
            has[party] = 1;
        }
        size_t npart = 0;
        for (size_t i = 0; i < np; i++)
            if (has[i])
                s->part[sd][npart++] = (uint32_t)i;
        s->npart[sd] = npart;
        sort_side = sd;
        qsort(s->part[sd], npart, sizeof *s->part[sd], cmp_party_id);
        memset(count, 0, (np + 1) * sizeof *count);
        for (size_t i = 0; i < npart; i++)
            pos[s->part[sd][i]] = (uint32_t)i;
        for (size_t i = 0; i < s->nplaced; i++) {
            const cm_meeting *mt = &s->placed[i];
            uint32_t party = cmi_pairs_find(p, sd, sd == PSIDE_E ? mt->enterprise : mt->region);
            count[pos[party]]++;
        }
        for (size_t i = 0; i < npart; i++)
            s->aoff[sd][i + 1] = s->aoff[sd][i] + count[i];
        memset(count, 0, (np + 1) * sizeof *count);
        for (size_t i = 0; i < s->nplaced; i++) {
            const cm_meeting *mt = &s->placed[i];
            uint32_t pi = pos[cmi_pairs_find(p, sd, sd == PSIDE_E ? mt->enterprise : mt->region)];
            s->alist[sd][s->aoff[sd][pi] + count[pi]++] = (uint32_t)i;
        }
        cm_free(count);
        cm_free(pos);
    }
    return CM_OK;
}

CM_API cm_status cm_schedule_make(const cm_pairs *p, const cm_schedule_options *o,
                                  cm_schedule **out)
{
    if (p == NULL || o == NULL || out == NULL)
        return sfail(CM_EUSAGE, "no meetings or options");
    *out = NULL;
    plan x;
    memset(&x, 0, sizeof x);
    x.p = p;
    x.o = o;
    cm_status st = plan_options(&x);
    if (st != CM_OK) {
        plan_free(&x);
        return st;
    }
    cm_schedule *s = cm_calloc(1, sizeof *s);
    st = s ? CM_OK : CM_ENOMEM;
    if (st == CM_OK) {
        s->p = p;
        st = plan_keep(&x, s);
    }
    if (st == CM_OK)
        st = plan_slots(&x, s);
    if (st == CM_OK)
        st = plan_place(&x, s);
    if (st == CM_OK)
        st = plan_agendas(&x, s);
    plan_free(&x);
    if (st != CM_OK) {
        cm_schedule_free(s);
        return sfail(st, x.why ? x.why : "out of memory");
    }
    *out = s;
    return CM_OK;
}

/* ---- iCalendar ---- */

static const char *name_of(const cm_engine *e, cm_kind k, const char *id)
{
    if (e == NULL)
        return id;
    size_t i = cm_engine_find(e, k, id);
    cm_value v;
    if (i == (size_t)-1 || cm_profile_get(e, k, i, "name", &v) != CM_OK ||
        v.type != CM_VALUE_STRING)
        return id;
    return v.str;
}

static struct icaltimetype local_time(const char *t)
{
    struct icaltimetype it = icaltime_null_time();
    int y, mo, d, h, mi;
    sscanf(t, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi);
    it.year = y;
    it.month = mo;
    it.day = d;
    it.hour = h;
    it.minute = mi;
    it.is_date = 0;
    return it;      /* no zone: floating local time of the event */
}

CM_API cm_status cm_schedule_ical(const cm_schedule *s, cm_kind k, size_t i, const cm_engine *e,
                                  long long dtstamp, cm_write_fn fn, void *ud)
{
    int sd = kside(k);
    if (s == NULL || fn == NULL || i >= s->npart[sd])
        return CM_EUSAGE;
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    if (cal == NULL)
        return CM_ENOMEM;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//capmatch//capmatch " CAPMATCH_VERSION "//EN"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    struct icaltimetype stamp =
        icaltime_from_timet_with_zone((time_t)dtstamp, 0, icaltimezone_get_utc_timezone());
    for (uint32_t j = s->aoff[sd][i]; j < s->aoff[sd][i + 1]; j++) {
        const cm_meeting *m = &s->placed[s->alist[sd][j]];
        const char *en = name_of(e, CM_KIND_ENTERPRISES, m->enterprise);
        const char *rn = name_of(e, CM_KIND_REGIONS, m->region);
        size_t need = strlen(en) + strlen(rn) + strlen(m->enterprise) + strlen(m->region) + 200;
        char *buf = cm_malloc(need);
        icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        if (buf == NULL || ev == NULL) {
            cm_free(buf);
            if (ev)
                icalcomponent_free(ev);
            icalcomponent_free(cal);
            return CM_ENOMEM;
        }
        snprintf(buf, need, "%s-%u-%u-%s-%s@capmatch", m->start, m->session, m->slot,
                 m->enterprise, m->region);
        icalcomponent_add_property(ev, icalproperty_new_uid(buf));
        icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
        icalcomponent_add_property(ev, icalproperty_new_dtstart(local_time(m->start)));
        icalcomponent_add_property(ev, icalproperty_new_dtend(local_time(m->end)));
        snprintf(buf, need, "%s meets %s", en, rn);
        icalcomponent_add_property(ev, icalproperty_new_summary(buf));
        snprintf(buf, need, "Table %u", m->table);
        icalcomponent_add_property(ev, icalproperty_new_location(buf));
        snprintf(buf, need, "Session %u, slot %u, table %u. Enterprise %s, region %s; score %.3f.",
                 m->session, m->slot, m->table, m->enterprise, m->region, m->score);
        icalcomponent_add_property(ev, icalproperty_new_description(buf));
        icalcomponent_add_component(cal, ev);
        cm_free(buf);
    }
    char *text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    if (text == NULL)
        return CM_ENOMEM;
    int bad = fn(text, strlen(text), ud);
    icalmemory_free_buffer(text);
    return bad ? CM_EIO : CM_OK;
}
