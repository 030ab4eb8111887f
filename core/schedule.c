/*
 * schedule.c - meetings into sessions, slots and tables (see schedule.h).
 *
 * Slots are the colours of a proper edge colouring of the bipartite graph of
 * meetings (König: as many colours as the busiest participant has meetings
 * suffice), found with alternating-path swaps; when tables bind, colour
 * classes are evened out (de Werra) so that no slot holds more than the
 * tables. Meetings that cannot fit go first by lowest score, with the reason.
 *
 * An event's availability or locked meetings give every slot its time up
 * front: then meetings are placed in priority order (locked, accepted and
 * must-meet, then by score) in the first slot where both are there and
 * free, moving a meeting in the way when that makes room, and the least
 * used slots are emptied into the others where they fit.
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
    for (size_t i = 0; s->why && i < s->nplaced; i++)
        cm_free(s->why[i]);
    for (size_t i = 0; i < s->ntname; i++) {
        cm_free(s->tname[i]);
        cm_free(s->troom[i]);
    }
    cm_free(s->why);
    cm_free(s->tname);
    cm_free(s->troom);
    cm_free(s->tz);
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
CM_API cm_status cm_schedule_set_why(cm_schedule *s, size_t i, const char *why)
{
    if (s == NULL || i >= s->nplaced)
        return cmi_err_set(CM_EUSAGE, "cm_schedule_set_why: no such meeting");
    char *copy = NULL;
    if (why && (copy = cm_strdup(why)) == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory");
    cm_free(s->why[i]);
    s->why[i] = copy;
    s->placed[i].why = copy;
    return CM_OK;
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
    const cm_event *event;    /* may be NULL */
    long long *starts;        /* of each session */
    size_t nsess;
    unsigned len, step, T;    /* meeting minutes, minutes between slots, tables (0: any) */
    unsigned long long avail; /* slots in all; 0: as many as needed */
    size_t nm, nE, nR, nV;    /* meetings, enterprises, regions, both */
    uint32_t *preq;           /* each pair's request (index into event->rq), or NONE */
    uint32_t *plock;          /* each pair's lock (index into event->lk), or NONE */
    uint8_t *prio;            /* each pair's priority: 0 locked, 1 accepted or must, 2 other */
    int fixed;                /* availability or locks: every slot has its time up front */
    long long *tstart;        /* start of each slot, per * nsess of them */
    uint8_t *okbits;          /* fixed: bit v * S + t: participant v is there in slot t */
    uint32_t *busy;           /* fixed: v * S + t -> kept meeting, or NONE */
    uint32_t *tused;          /* fixed: meetings in slot t */
    uint32_t *order;          /* meetings, best first */
    uint32_t *deg;            /* meetings kept per participant (vertex) */
    uint32_t *eu, *ev, *kept; /* kept meetings: their two vertices, their pair */
    uint32_t *ltable;         /* kept meeting -> its locked table, or 0 */
    size_t nk;
    size_t k;                 /* slots (colours) */
    unsigned per;             /* slots per session */
    colouring c;              /* kept meeting -> slot (colour) */
    uint32_t *csize, *corder, *slot_of;
    const char *why;          /* of a failure */
} plan;

static void plan_free(plan *x)
{
    cm_free(x->starts);
    cm_free(x->preq);
    cm_free(x->plock);
    cm_free(x->prio);
    cm_free(x->tstart);
    cm_free(x->okbits);
    cm_free(x->busy);
    cm_free(x->tused);
    cm_free(x->order);
    cm_free(x->deg);
    cm_free(x->eu);
    cm_free(x->ev);
    cm_free(x->kept);
    cm_free(x->ltable);
    cm_free(x->c.at);
    cm_free(x->c.colour);
    cm_free(x->c.path);
    cm_free(x->csize);
    cm_free(x->corder);
    cm_free(x->slot_of);
}

/* The pair of a request or lock, or NONE. */
static uint32_t pair_of(const cm_pairs *p, const char *e, const char *r)
{
    uint32_t ei = cmi_pairs_find(p, PSIDE_E, e), ri = cmi_pairs_find(p, PSIDE_R, r);
    return ei == NONE || ri == NONE ? NONE : cmi_pairs_pair(p, ei, ri);
}

/* Stage 0: the options, the sessions' starts, and the event's requests and
 * locks on the pairs. */
static cm_status plan_options(plan *x, cm_schedule *s)
{
    const cm_schedule_options *o = x->o;
    const cm_event *ev = o->event;
    x->event = ev;
    for (; o->sessions && o->sessions[x->nsess]; x->nsess++)
        ;
    if (x->nsess == 0)
        return sfail(CM_EUSAGE, "give the start of each session, e.g. 2026-05-20T09:00");
    x->starts = cm_malloc(x->nsess * sizeof *x->starts);
    if (x->starts == NULL)
        return sfail(CM_ENOMEM, "out of memory");
    for (size_t i = 0; i < x->nsess; i++) {
        if (cmi_time_parse(o->sessions[i], &x->starts[i]) < 0)
            return cmi_err_set(CM_EUSAGE, "session %zu: expected a start like 2026-05-20T09:00, "
                           "found \"%.40s\"", i + 1, o->sessions[i]);
        if (i && x->starts[i] <= x->starts[i - 1])
            return cmi_err_set(CM_EUSAGE, "session %zu (%s) does not start after session %zu "
                               "(%s): give the sessions in time order", i + 1, o->sessions[i], i,
                               o->sessions[i - 1]);
    }
    x->len = o->meeting_minutes ? o->meeting_minutes : 20;
    x->step = x->len + o->break_minutes;
    if (x->len > 24 * 60 || o->break_minutes > 24 * 60 || o->slots > 10000)
        return sfail(CM_EUSAGE, "meeting or break longer than a day, or over 10000 slots");
    x->T = o->tables;
    if (ev && ev->ntb) {
        if (x->T && x->T != ev->ntb)
            return cmi_err_set(CM_EUSAGE, "%u tables asked for, but %zu are named", x->T,
                               ev->ntb);
        x->T = (unsigned)ev->ntb;
        s->tname = cm_calloc(ev->ntb, sizeof *s->tname);
        s->troom = cm_calloc(ev->ntb, sizeof *s->troom);
        if (s->tname == NULL || s->troom == NULL)
            return sfail(CM_ENOMEM, "out of memory");
        for (size_t i = 0; i < ev->ntb; i++) {
            s->tname[i] = cm_strdup(ev->tb[i].name);
            s->troom[i] = ev->tb[i].room ? cm_strdup(ev->tb[i].room) : NULL;
            s->ntname = i + 1;      /* freed with s, whatever failed */
            if (s->tname[i] == NULL || (ev->tb[i].room && s->troom[i] == NULL))
                return sfail(CM_ENOMEM, "out of memory");
        }
    }
    if (o->tz) {
        if (icaltimezone_get_builtin_timezone(o->tz) == NULL)
            return cmi_err_set(CM_EUSAGE, "unknown time zone \"%.60s\" (expected an IANA name "
                               "such as Asia/Manila)", o->tz);
        if ((s->tz = cm_strdup(o->tz)) == NULL)
            return sfail(CM_ENOMEM, "out of memory");
    }
    x->nm = x->p->npairs;
    x->nE = x->p->nside[PSIDE_E];
    x->nR = x->p->nside[PSIDE_R];
    x->nV = x->nE + x->nR;
    x->avail = o->slots ? (unsigned long long)o->slots * x->nsess : 0;
    x->fixed = ev && (ev->nav || ev->nlk);
    if (x->fixed && o->slots == 0)
        return sfail(CM_EUSAGE, "with availability or locked meetings, give the slots per "
                                "session (every slot's time must be known to check them)");
    size_t one = x->nm ? x->nm : 1;
    x->preq = cm_malloc(one * sizeof *x->preq);
    x->plock = cm_malloc(one * sizeof *x->plock);
    x->prio = cm_malloc(one);
    if (!x->preq || !x->plock || !x->prio)
        return sfail(CM_ENOMEM, "out of memory");
    memset(x->preq, 0xff, one * sizeof *x->preq);
    memset(x->plock, 0xff, one * sizeof *x->plock);
    memset(x->prio, 2, one);
    for (size_t i = 0; ev && i < ev->nrq; i++) {
        uint32_t q = pair_of(x->p, ev->rq[i].e, ev->rq[i].r);
        if (q == NONE)
            continue;     /* declined pairs that are not meetings anyway */
        x->preq[q] = (uint32_t)i;
        if (ev->rq[i].status == EV_ACCEPTED || ev->rq[i].status == EV_MUST)
            x->prio[q] = 1;
    }
    for (size_t i = 0; ev && i < ev->nlk; i++) {
        const ev_lock *l = &ev->lk[i];
        uint32_t q = pair_of(x->p, l->e, l->r);
        if (q == NONE)
            return cmi_err_set(CM_EINPUT, "%s: enterprise %s and region %s are not among the "
                               "meetings", l->where, l->e, l->r);
        if (x->plock[q] != NONE)
            return cmi_err_set(CM_EINPUT, "%s: enterprise %s and region %s are locked twice "
                               "(also at %s)", l->where, l->e, l->r, ev->lk[x->plock[q]].where);
        uint32_t rq = x->preq[q];
        if (rq != NONE && (ev->rq[rq].status == EV_DECLINED || ev->rq[rq].status == EV_NEVER))
            return cmi_err_set(CM_EINPUT, "%s: the meeting of %s and %s is locked, but %s at %s",
                               l->where, l->e, l->r, cmi_event_status_name(ev->rq[rq].status),
                               ev->rq[rq].where);
        x->plock[q] = (uint32_t)i;
        x->prio[q] = 0;
    }
    return CM_OK;
}

/* The start of every slot: per a session, the session's start on, a slot
 * every step minutes, past the breaks; a session must end before the next. */
static cm_status plan_timeline(plan *x)
{
    size_t S = (size_t)x->per * x->nsess;
    x->tstart = cm_malloc((S ? S : 1) * sizeof *x->tstart);
    if (x->tstart == NULL)
        return sfail(CM_ENOMEM, "out of memory");
    const cm_event *ev = x->event;
    for (size_t sn = 0; sn < x->nsess; sn++) {
        long long t = x->starts[sn];
        for (unsigned j = 0; j < x->per; j++) {
            for (size_t b = 0; ev && b < ev->nbr;) {
                if (t < ev->br[b].to && t + x->len > ev->br[b].from) {
                    t = ev->br[b].to;
                    b = 0;        /* past this one: check them all again */
                } else {
                    b++;
                }
            }
            x->tstart[sn * x->per + j] = t;
            t += x->step;
        }
        long long end = x->tstart[sn * x->per + x->per - 1] + x->len;
        if (sn + 1 < x->nsess && end > x->starts[sn + 1]) {
            char a[17], b[17];
            cmi_time_format(end, a);
            cmi_time_format(x->starts[sn + 1], b);
            return cmi_err_set(CM_EUSAGE, "session %zu's %u slots end at %s, after session %zu "
                               "starts (%s): give fewer slots, shorter meetings or later sessions",
                               sn + 1, x->per, a, sn + 2, b);
        }
    }
    return CM_OK;
}

static _Thread_local const uint8_t *sort_prio;

/* locked first, then accepted and must-meet, then best first */
static int cmp_priority(const void *a, const void *b)
{
    uint8_t pa = sort_prio[*(const uint32_t *)a], pb = sort_prio[*(const uint32_t *)b];
    return pa != pb ? (pa < pb ? -1 : 1) : cmp_meeting(a, b);
}

static cm_meeting *unplace(plan *x, cm_schedule *s, uint32_t q, char *reason)
{
    const pair *pp = &x->p->pairs[q];
    cm_meeting *mt = &s->unplaced[s->nunplaced++];
    memset(mt, 0, sizeof *mt);
    mt->enterprise = pairs_id(x->p, PSIDE_E, pp->e);
    mt->region = pairs_id(x->p, PSIDE_R, pp->r);
    mt->score = pp->score;
    mt->unplaced = reason;
    if (x->preq[q] != NONE)
        mt->status = cmi_event_status_name(x->event->rq[x->preq[q]].status);
    return mt;
}

/* Stage 1: keep the best meetings that fit (nobody in more meetings than
 * slots, no more meetings than slots x tables); the others are unplaced,
 * with the reason. Declined and never-meet pairs are never kept; locked,
 * accepted and must-meet ones go first. With fixed slot times every
 * meeting is kept here and placed (or not) by plan_fixed. */
static cm_status plan_keep(plan *x, cm_schedule *s)
{
    const cm_pairs *p = x->p;
    size_t nm = x->nm, one = nm ? nm : 1;
    x->order = cm_malloc(one * sizeof *x->order);
    x->deg = cm_calloc(x->nV + 1, sizeof *x->deg);
    x->eu = cm_malloc(one * sizeof *x->eu);
    x->ev = cm_malloc(one * sizeof *x->ev);
    x->kept = cm_malloc(one * sizeof *x->kept);
    x->ltable = cm_calloc(one, sizeof *x->ltable);
    s->unplaced = cm_calloc(one, sizeof *s->unplaced);
    if (!x->order || !x->deg || !x->eu || !x->ev || !x->kept || !x->ltable || !s->unplaced)
        return CM_ENOMEM;
    for (size_t i = 0; i < nm; i++)
        x->order[i] = (uint32_t)i;
    sort_p = p;
    sort_prio = x->prio;
    qsort(x->order, nm, sizeof *x->order, cmp_priority);
    unsigned long long avail = x->fixed ? 0 : x->avail;
    for (size_t i = 0; i < nm; i++) {
        const pair *q = &p->pairs[x->order[i]];
        uint32_t a = q->e, b = (uint32_t)x->nE + q->r;
        uint32_t rq = x->preq[x->order[i]];
        char *reason = NULL;
        if (rq != NONE && (x->event->rq[rq].status == EV_DECLINED ||
                           x->event->rq[rq].status == EV_NEVER)) {
            reason = reason_text("%s (%s)", x->event->rq[rq].status == EV_DECLINED
                                                ? "the meeting request was declined"
                                                : "never to meet",
                                 x->event->rq[rq].where);
        } else if (avail && (x->deg[a] >= avail || x->deg[b] >= avail)) {
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
        if (reason == NULL || unplace(x, s, x->order[i], reason) == NULL)
            return CM_ENOMEM;
    }
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

/* ---- fixed slot times: availability and locks ---- */

#define OK_AT(x, v, t) ((x)->okbits[((size_t)(v) * (x)->k + (t)) >> 3] >> (((size_t)(v) * (x)->k + (t)) & 7) & 1)
#define BUSY(x, v, t) ((x)->busy[(size_t)(v) * (x)->k + (t)])

static void set_ok(plan *x, uint32_t v, size_t t, int on)
{
    size_t bit = (size_t)v * x->k + t;
    if (on)
        x->okbits[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    else
        x->okbits[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
}

static int fits(const plan *x, uint32_t m, size_t t)
{
    uint32_t a = x->eu[m], b = x->ev[m];
    return OK_AT(x, a, t) && OK_AT(x, b, t) && BUSY(x, a, t) == NONE && BUSY(x, b, t) == NONE &&
           (x->T == 0 || x->tused[t] < x->T);
}

static void put_at(plan *x, uint32_t m, size_t t)
{
    BUSY(x, x->eu[m], t) = m;
    BUSY(x, x->ev[m], t) = m;
    x->tused[t]++;
    x->c.colour[m] = (uint32_t)t;
}

static void take_off(plan *x, uint32_t m)
{
    size_t t = x->c.colour[m];
    BUSY(x, x->eu[m], t) = NONE;
    BUSY(x, x->ev[m], t) = NONE;
    x->tused[t]--;
    x->c.colour[m] = NONE;
}

/* Move meeting m to another slot (neither not1 nor not2, and a used one
 * when used_only); 1 when moved. */
static int move_elsewhere(plan *x, uint32_t m, size_t not1, size_t not2, int used_only)
{
    size_t from = x->c.colour[m];
    take_off(x, m);
    for (size_t t = 0; t < x->k; t++)
        if (t != not1 && t != not2 && t != from && (!used_only || x->tused[t]) && fits(x, m, t)) {
            put_at(x, m, t);
            return 1;
        }
    put_at(x, m, from);
    return 0;
}

#define ROOM_SCAN_MAX 4000    /* meetings: above, no search for a table to free */

/* Move meeting m to another used slot (not `not`) after moving the one
 * meeting in its way there, or, when every table there is taken, one of
 * that slot's meetings, to a third used slot; 1 when moved. */
static int move_with_room(plan *x, uint32_t m, size_t not)
{
    size_t from = x->c.colour[m];
    uint32_t a = x->eu[m], b = x->ev[m];
    for (size_t t = 0; t < x->k; t++) {
        if (t == not || t == from || !x->tused[t] || !OK_AT(x, a, t) || !OK_AT(x, b, t))
            continue;
        uint32_t ba = BUSY(x, a, t), bb = BUSY(x, b, t);
        if (ba != NONE && bb != NONE)
            continue;
        int moved = 0;
        if (ba != NONE || bb != NONE) {
            uint32_t q = ba != NONE ? ba : bb;
            moved = !x->ltable[q] && move_elsewhere(x, q, not, t, 1);
        } else if (x->T && x->tused[t] >= x->T && x->nk <= ROOM_SCAN_MAX) {
            for (uint32_t o = 0; o < x->nk && !moved; o++)
                if (o != m && x->c.colour[o] == t && !x->ltable[o])
                    moved = move_elsewhere(x, o, not, t, 1);
        }
        if (moved) {
            take_off(x, m);
            if (fits(x, m, t)) {
                put_at(x, m, t);
                return 1;
            }
            put_at(x, m, from);
        }
    }
    return 0;
}

/* Place meeting m in the first slot in use where it fits, else the first
 * other one, else where it fits after moving the (unlocked) meetings in its
 * way to other slots; 1 when placed. */
static int place_one(plan *x, uint32_t m)
{
    /* a slot in use first (fewer slots), then the first free one */
    for (int pass = 0; pass < 2; pass++)
        for (size_t t = 0; t < x->k; t++)
            if ((x->tused[t] != 0) == (pass == 0) && fits(x, m, t)) {
                put_at(x, m, t);
                return 1;
            }
    uint32_t a = x->eu[m], b = x->ev[m];
    for (size_t t = 0; t < x->k; t++) {
        if (!OK_AT(x, a, t) || !OK_AT(x, b, t))
            continue;
        uint32_t in[2] = { BUSY(x, a, t), BUSY(x, b, t) };
        if (in[1] == in[0])
            in[1] = NONE;
        if ((in[0] == NONE && in[1] == NONE) || (in[0] != NONE && x->ltable[in[0]]) ||
            (in[1] != NONE && x->ltable[in[1]]) ||
            (in[0] != NONE && x->prio[x->kept[in[0]]] == 0) ||
            (in[1] != NONE && x->prio[x->kept[in[1]]] == 0))
            continue;
        size_t was[2] = { NONE, NONE };
        int ok = 1;
        for (int i = 0; i < 2 && ok; i++)
            if (in[i] != NONE) {
                was[i] = x->c.colour[in[i]];
                ok = move_elsewhere(x, in[i], t, SIZE_MAX, 0);
            }
        if (ok && fits(x, m, t)) {
            put_at(x, m, t);
            return 1;
        }
        for (int i = 1; i >= 0; i--)      /* undo, in reverse */
            if (in[i] != NONE && was[i] != NONE && x->c.colour[in[i]] != was[i]) {
                take_off(x, in[i]);
                put_at(x, in[i], was[i]);
            }
    }
    return 0;
}

/* Why meeting m found no slot. */
static char *why_not(const plan *x, uint32_t m)
{
    uint32_t a = x->eu[m], b = x->ev[m];
    const pair *q = &x->p->pairs[x->kept[m]];
    const char *eid = pairs_id(x->p, PSIDE_E, q->e), *rid = pairs_id(x->p, PSIDE_R, q->r);
    size_t both = 0, busy = 0, full = 0;
    for (size_t t = 0; t < x->k; t++) {
        if (!OK_AT(x, a, t) || !OK_AT(x, b, t))
            continue;
        both++;
        if (BUSY(x, a, t) != NONE || BUSY(x, b, t) != NONE)
            busy++;
        else
            full++;
    }
    const char *pre = x->prio[x->kept[m]] == 1 ? "must meet, but " : "";
    if (both == 0)
        return reason_text("%senterprise %s and region %s are never there at the same time "
                           "(availability)", pre, eid, rid);
    if (full == 0)
        return reason_text("%sin each of the %zu slots when both are there, enterprise %s or "
                           "region %s already meets someone placed first (locked, accepted or "
                           "better-scored)", pre, both, eid, rid);
    return reason_text("%sof the %zu slots when both are there, %zu have one of them busy and "
                       "%zu have every table taken", pre, both, busy, full);
}

/* The locked meetings (lockm: lock -> kept meeting) at their slot and
 * table; a lock that cannot be kept is an error naming its line. */
static cm_status place_locked(plan *x, cm_schedule *s, const uint32_t *lockm)
{
    const cm_event *ev = x->event;
    size_t S = x->k;
    for (size_t li = 0; li < ev->nlk; li++) {
        uint32_t m = lockm[li];
        if (m == NONE)
            continue;
        const ev_lock *l = &ev->lk[li];
        size_t t = 0;
        while (t < S && x->tstart[t] != l->start)
            t++;
        char when[17];
        cmi_time_format(l->start, when);
        if (t == S)
            return cmi_err_set(CM_EINPUT, "%s: the locked meeting at %s is not at the start of "
                               "a slot of this schedule (check --sessions, --slots, the meeting "
                               "and break minutes, and the breaks)", l->where, when);
        unsigned table = l->table;
        if (l->table_name) {
            table = 0;
            for (size_t i = 0; i < s->ntname; i++)
                if (strcmp(s->tname[i], l->table_name) == 0)
                    table = (unsigned)i + 1;
            if (table == 0)
                return cmi_err_set(CM_EINPUT, "%s: no table is named \"%.60s\"", l->where,
                                   l->table_name);
        }
        if (x->T && table > x->T)
            return cmi_err_set(CM_EINPUT, "%s: table %u, but there are %u tables", l->where,
                               table, x->T);
        for (int end = 0; end < 2; end++) {
            uint32_t v = end ? x->ev[m] : x->eu[m], other = BUSY(x, v, t);
            if (other != NONE)
                return cmi_err_set(CM_EINPUT, "%s: %s %s is locked in two meetings at %s (also "
                                   "%s)", l->where, end ? "region" : "enterprise",
                                   end ? l->r : l->e, when, ev->lk[x->plock[x->kept[other]]].where);
        }
        for (uint32_t o = 0; o < x->nk; o++)
            if (o != m && x->ltable[o] == table && x->c.colour[o] == t)
                return cmi_err_set(CM_EINPUT, "%s: table %u is locked twice at %s (also %s)",
                                   l->where, table, when, ev->lk[x->plock[x->kept[o]]].where);
        x->ltable[m] = table;
        put_at(x, m, t);
    }
    return CM_OK;
}

/* Stage 2 with fixed slot times: locked meetings at their slot and table,
 * then each kept meeting in priority order in the first slot where both
 * are there and free; then the least used slots are emptied where their
 * meetings fit in other used ones. */
static cm_status plan_fixed(plan *x, cm_schedule *s)
{
    const cm_event *ev = x->event;
    x->per = x->o->slots;
    cm_status st = plan_timeline(x);
    if (st != CM_OK)
        return st;
    size_t S = (size_t)x->per * x->nsess, nV = x->nV, nk = x->nk;
    x->k = S;
    if (nV * S > MAX_COLOUR_CELLS * 4) {
        x->why = "too many participants times slots to schedule";
        return CM_ELIMIT;
    }
    x->okbits = cm_malloc((nV * S + 7) / 8 + 1);
    x->busy = cm_malloc((nV * S + 1) * sizeof *x->busy);
    x->tused = cm_calloc(S + 1, sizeof *x->tused);
    x->c.colour = cm_malloc((nk ? nk : 1) * sizeof *x->c.colour);
    x->c.path = cm_malloc((nk + 1) * sizeof *x->c.path);
    x->slot_of = cm_malloc((S + 1) * sizeof *x->slot_of);
    x->c.k = S;
    if (!x->okbits || !x->busy || !x->tused || !x->c.colour || !x->c.path || !x->slot_of)
        return CM_ENOMEM;
    memset(x->okbits, 0xff, (nV * S + 7) / 8 + 1);
    memset(x->busy, 0xff, (nV * S + 1) * sizeof *x->busy);
    memset(x->c.colour, 0xff, (nk ? nk : 1) * sizeof *x->c.colour);
    for (size_t t = 0; t < S; t++)
        x->slot_of[t] = (uint32_t)t;
    /* availability: who has windows is there only in them */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < ev->nav; i++) {
            const ev_avail *w = &ev->av[i];
            for (int sd = 0; sd < 2; sd++) {
                if (w->side >= 0 && w->side != sd)
                    continue;
                uint32_t party = cmi_pairs_find(x->p, sd, w->id);
                if (party == NONE)
                    continue;     /* someone with no meeting */
                uint32_t v = sd == PSIDE_E ? party : (uint32_t)x->nE + party;
                for (size_t t = 0; t < S; t++)
                    if (pass == 0)
                        set_ok(x, v, t, 0);
                    else if (x->tstart[t] >= w->from && x->tstart[t] + x->len <= w->to)
                        set_ok(x, v, t, 1);
            }
        }
    /* locked meetings, where they were, in the order of the lock file */
    uint32_t *lockm = cm_malloc((ev->nlk + 1) * sizeof *lockm);
    if (lockm == NULL)
        return CM_ENOMEM;
    for (size_t i = 0; i < ev->nlk; i++)
        lockm[i] = NONE;
    for (uint32_t m = 0; m < nk; m++)
        if (x->plock[x->kept[m]] != NONE)
            lockm[x->plock[x->kept[m]]] = m;
    st = place_locked(x, s, lockm);
    cm_free(lockm);
    if (st != CM_OK)
        return st;
    /* the others, in priority order (kept is in that order) */
    size_t placed = 0;
    for (uint32_t m = 0; m < nk; m++) {
        if (x->c.colour[m] != NONE || place_one(x, m))
            continue;
        char *reason = why_not(x, m);
        if (reason == NULL || unplace(x, s, x->kept[m], reason) == NULL) {
            cm_free(reason);
            return CM_ENOMEM;
        }
    }
    /* fewer slots: empty the least used slots into the others */
    for (;;) {
        size_t best = S;
        for (size_t t = 0; t < S; t++)
            if (x->tused[t] && (best == S || x->tused[t] < x->tused[best]))
                best = t;
        int emptied = 0;
        for (size_t t = S; t-- > 0 && !emptied;) {    /* the latest first */
            if (x->tused[t] == 0 || x->tused[t] > x->tused[best] + 1)
                continue;
            size_t n = 0;
            int locked = 0;
            for (uint32_t m = 0; m < nk; m++)
                if (x->c.colour[m] == t) {
                    x->c.path[n++] = m;
                    locked |= x->ltable[m] != 0;
                }
            if (locked)
                continue;
            size_t moved = 0;
            while (moved < n && (move_elsewhere(x, x->c.path[moved], t, SIZE_MAX, 1) ||
                                 move_with_room(x, x->c.path[moved], t)))
                moved++;
            if (moved == n) {
                emptied = 1;
                break;
            }
            while (moved > 0) {       /* undo */
                uint32_t m = x->c.path[--moved];
                take_off(x, m);
                put_at(x, m, t);
            }
        }
        if (!emptied)
            break;
    }
    /* the meetings that found no slot leave the kept list */
    size_t w = 0;
    for (uint32_t m = 0; m < nk; m++) {
        if (x->c.colour[m] == NONE)
            continue;
        x->kept[w] = x->kept[m];
        x->eu[w] = x->eu[m];
        x->ev[w] = x->ev[m];
        x->ltable[w] = x->ltable[m];
        x->c.colour[w++] = x->c.colour[m];
        placed++;
    }
    x->nk = w;
    uint32_t maxdeg = 0;
    memset(x->deg, 0, (nV + 1) * sizeof *x->deg);
    for (size_t m = 0; m < w; m++) {
        if (++x->deg[x->eu[m]] > maxdeg)
            maxdeg = x->deg[x->eu[m]];
        if (++x->deg[x->ev[m]] > maxdeg)
            maxdeg = x->deg[x->ev[m]];
    }
    unsigned used = 0;
    for (size_t t = 0; t < S; t++)
        used += x->tused[t] != 0;
    s->slots_used = used;
    s->slots_min = maxdeg;
    if (x->T && (placed + x->T - 1) / x->T > s->slots_min)
        s->slots_min = (unsigned)((placed + x->T - 1) / x->T);
    s->slots_avail = (unsigned)S;
    return CM_OK;
}

/* One slot's meetings byslot[first..n) at tables: locked ones at theirs,
 * each region at its own table when free, then the rest at the first free
 * ones. */
static void seat_slot(const plan *x, const uint32_t *byslot, size_t first, size_t n,
                      const uint32_t *rpos, size_t ntables, uint8_t *taken, unsigned *table)
{
    memset(taken, 0, ntables + 1);
    for (size_t i = first; i < n; i++) {
        table[i] = x->ltable[byslot[i]];
        if (table[i])
            taken[table[i] - 1] = 1;
    }
    for (size_t i = first; i < n; i++) {
        if (table[i])
            continue;
        size_t home = rpos[x->p->pairs[x->kept[byslot[i]]].r] % ntables;
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

/* The top reasons of a pair: its first three, the region's view left out. */
static char *top_reasons(const char *reasons)
{
    if (reasons == NULL || *reasons == '\0')
        return NULL;
    size_t len = strlen(reasons), o = 0;
    char *out = cm_malloc(len + 1);
    if (out == NULL)
        return NULL;
    int n = 0;
    for (const char *p = reasons; p && n < 3;) {
        const char *bar = strstr(p, " | ");
        size_t plen = bar ? (size_t)(bar - p) : strlen(p);
        if (strncmp(p, "region's view", 13) != 0 && plen) {
            if (n++)
                memcpy(out + o, " | ", 3), o += 3;
            memcpy(out + o, p, plen);
            o += plen;
        }
        p = bar ? bar + 3 : NULL;
    }
    out[o] = '\0';
    if (o == 0) {
        cm_free(out);
        return NULL;
    }
    return out;
}

/* Stage 3: place the kept meetings slot by slot at tables, with times. */
static cm_status plan_place(plan *x, cm_schedule *s)
{
    const cm_pairs *p = x->p;
    size_t nk = x->nk, nR = x->nR;
    if (x->tstart == NULL) {
        cm_status st = plan_timeline(x);
        if (st != CM_OK)
            return st;
    }
    s->placed = cm_calloc(nk ? nk : 1, sizeof *s->placed);
    s->why = cm_calloc(nk ? nk : 1, sizeof *s->why);
    uint32_t *rpos = cm_malloc((nR + 1) * sizeof *rpos);
    uint32_t *rord = cm_malloc((nR + 1) * sizeof *rord);
    size_t ntables = x->T ? x->T : nR;
    for (size_t m = 0; m < nk; m++)
        if (x->ltable[m] > ntables)
            ntables = x->ltable[m];
    uint8_t *taken = cm_malloc(ntables + 1);
    unsigned *table = cm_calloc(nk + 1, sizeof *table);
    cm_status st = CM_ENOMEM;
    if (s->placed == NULL || s->why == NULL || rpos == NULL || rord == NULL || taken == NULL ||
        table == NULL)
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
            uint32_t q = x->kept[byslot[i]];
            const pair *pp = &p->pairs[q];
            cm_meeting *mt = &s->placed[s->nplaced];
            mt->enterprise = pairs_id(p, PSIDE_E, pp->e);
            mt->region = pairs_id(p, PSIDE_R, pp->r);
            mt->score = pp->score;
            mt->session = sess + 1;
            mt->slot = within + 1;
            mt->table = table[i];
            if (table[i] <= s->ntname) {
                mt->table_name = s->tname[table[i] - 1];
                mt->room = s->troom[table[i] - 1];
            }
            if (x->plock[q] != NONE)
                mt->status = "locked";
            else if (x->preq[q] != NONE)
                mt->status = cmi_event_status_name(x->event->rq[x->preq[q]].status);
            if (pp->reasons != STR_NONE) {
                s->why[s->nplaced] = top_reasons(strpool_get(&p->pool, pp->reasons));
                mt->why = s->why[s->nplaced];
            }
            s->nplaced++;
            long long t0 = x->tstart[sl];
            cmi_time_format(t0, mt->start);
            cmi_time_format(t0 + x->len, mt->end);
        }
    }
    /* placed: by slot, then table; each why owned at its meeting's index */
    qsort(s->placed, s->nplaced, sizeof *s->placed, cmp_placed);
    for (size_t i = 0; i < s->nplaced; i++)
        s->why[i] = (char *)(uintptr_t)s->placed[i].why;
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
    cm_schedule *s = cm_calloc(1, sizeof *s);
    if (s == NULL)
        return sfail(CM_ENOMEM, "out of memory");
    s->p = p;
    cm_status st = plan_options(&x, s);
    if (st == CM_OK)
        st = plan_keep(&x, s);
    if (st == CM_OK)
        st = x.fixed ? plan_fixed(&x, s) : plan_slots(&x, s);
    if (st == CM_OK)
        st = plan_place(&x, s);
    if (st == CM_OK) {
        qsort(s->unplaced, s->nunplaced, sizeof *s->unplaced, cmp_by_ids);
        st = plan_agendas(&x, s);
    }
    plan_free(&x);
    if (st != CM_OK) {
        cm_schedule_free(s);
        /* messages set with cmi_err_set stand; the others say what failed */
        return st == CM_ENOMEM || x.why ? sfail(st, x.why ? x.why : "out of memory") : st;
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

/* A local time of the event: in zone z (named tzid), or floating. */
static icalproperty *time_prop(icalproperty *(*make)(struct icaltimetype), const char *t,
                               icaltimezone *z, const char *tzid)
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
    if (z)
        it = icaltime_set_timezone(&it, z);
    icalproperty *p = make(it);
    if (p && z)
        icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
    return p;
}

/* The zone's VTIMEZONE, with its plain IANA name as TZID (libical's own
 * carries a prefix that calendar programs would show). */
static icalcomponent *vtimezone(icaltimezone *z, const char *tzid)
{
    icalcomponent *c = icalcomponent_new_clone(icaltimezone_get_component(z));
    if (c == NULL)
        return NULL;
    icalproperty *p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
    if (p)
        icalproperty_set_tzid(p, tzid);
    return c;
}

CM_API cm_status cm_schedule_ical(const cm_schedule *s, cm_kind k, size_t i, const cm_engine *e,
                                  long long dtstamp, cm_write_fn fn, void *ud)
{
    int sd = kside(k);
    if (s == NULL || fn == NULL || i >= s->npart[sd])
        return CM_EUSAGE;
    icaltimezone *z = s->tz ? icaltimezone_get_builtin_timezone(s->tz) : NULL;
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    if (cal == NULL)
        return CM_ENOMEM;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//capmatch//capmatch " CAPMATCH_VERSION "//EN"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    if (z) {
        icalcomponent *vtz = vtimezone(z, s->tz);
        if (vtz == NULL) {
            icalcomponent_free(cal);
            return CM_ENOMEM;
        }
        icalcomponent_add_component(cal, vtz);
    }
    struct icaltimetype stamp =
        icaltime_from_timet_with_zone((time_t)dtstamp, 0, icaltimezone_get_utc_timezone());
    for (uint32_t j = s->aoff[sd][i]; j < s->aoff[sd][i + 1]; j++) {
        const cm_meeting *m = &s->placed[s->alist[sd][j]];
        const char *en = name_of(e, CM_KIND_ENTERPRISES, m->enterprise);
        const char *rn = name_of(e, CM_KIND_REGIONS, m->region);
        size_t need = strlen(en) + strlen(rn) + strlen(m->enterprise) + strlen(m->region) +
                      (m->why ? strlen(m->why) : 0) + (m->table_name ? strlen(m->table_name) : 0) +
                      (m->room ? strlen(m->room) : 0) + 300;
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
        icalcomponent_add_property(ev, time_prop(icalproperty_new_dtstart, m->start, z, s->tz));
        icalcomponent_add_property(ev, time_prop(icalproperty_new_dtend, m->end, z, s->tz));
        snprintf(buf, need, "%s meets %s", en, rn);
        icalcomponent_add_property(ev, icalproperty_new_summary(buf));
        char place[40];
        snprintf(place, sizeof place, "Table %u", m->table);
        if (m->table_name && m->room)
            snprintf(buf, need, "%s, %s", m->table_name, m->room);
        else
            snprintf(buf, need, "%s", m->table_name ? m->table_name : place);
        icalcomponent_add_property(ev, icalproperty_new_location(buf));
        int o = snprintf(buf, need, "Session %u, slot %u, table %u. Enterprise %s, region %s; "
                                    "score %.3f.", m->session, m->slot, m->table, m->enterprise,
                         m->region, m->score);
        if (m->status && o > 0)
            o += snprintf(buf + o, need - (size_t)o, " Meeting %s.", m->status);
        if (m->why && o > 0)
            snprintf(buf + o, need - (size_t)o, "\nWhy meet: %s.", m->why);
        icalcomponent_add_property(ev, icalproperty_new_description(buf));
        icalcomponent_add_property(ev, icalproperty_new_status(
            m->status && strcmp(m->status, "requested") == 0 ? ICAL_STATUS_TENTATIVE
                                                              : ICAL_STATUS_CONFIRMED));
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
