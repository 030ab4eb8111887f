/*
 * snapshot.c - reference-counted snapshots (engines and the policies loaded
 * for them) and the published one a service reads from.
 *
 * Owns the counting, each engine's shared/exclusive use and the pool of
 * policies (one per request at a time). A snapshot holds one engine, or
 * several copies of the same profiles: a call that changes its engine for
 * its length (a visitor put in and taken out) has one copy to itself, so
 * that k copies serve k visitors at once. A reader retains the current
 * snapshot for a request; a writer publishes a new one; the last release
 * frees. Knows nothing of what is matched or of HTTP.
 */
#include "capmatch.h"
#include "policy.h"
#include "engine.h"
#include "alloc.h"
#include "err.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct copy {
    cm_engine *engine;
    cm_policy *first;         /* for the name, hash and text, which never change */
    cm_policy **idle;         /* its policies no call holds */
    size_t nidle;
    unsigned readers;         /* calls using it shared */
    int writer;               /* a call using it exclusive */
} copy;

struct cm_snapshot {
    atomic_size_t refs;
    copy *copies;
    size_t ncopies;
    pthread_mutex_t lock;     /* the copies' use */
    pthread_cond_t freed;     /* a call let go of a copy */
    void *ud;                 /* the embedder's */
    void (*ud_free)(void *);
};

struct cm_current {
    pthread_mutex_t lock;
    cm_snapshot *snap;
};

static void free_given(cm_engine *e, cm_policy *const *policies, size_t n)
{
    for (size_t i = 0; policies && i < n; i++)
        cm_policy_free(policies[i]);
    cm_engine_free(e);
}

/* Check and prepare a copy's engine and policies; freed on failure. */
static cm_status copy_make(copy *c, cm_engine *e, cm_policy *const *policies, size_t n)
{
    cm_status s = CM_OK;
    if (e == NULL || policies == NULL || n == 0)
        s = cmi_err_set(CM_EUSAGE, "a snapshot needs an engine and at least one policy");
    for (size_t i = 0; s == CM_OK && i < n; i++)
        if (policies[i] == NULL || policies[i]->engine != e)
            s = cmi_err_set(CM_EUSAGE, "a snapshot's policies must be loaded for its engine");
    for (size_t i = 0; s == CM_OK && i < n; i++)
        s = cm_policy_prepare(policies[i], 0);
    if (s == CM_OK)   /* a visitor's first call then moves no big array */
        cmi_store_room(cmi_engine_store(e), 8);
    if (s == CM_OK && (c->idle = cm_calloc(n, sizeof *c->idle)) == NULL)
        s = cmi_err_set(CM_ENOMEM, "out of memory");
    if (s != CM_OK) {
        free_given(e, policies, n);
        return s;
    }
    for (size_t i = 0; i < n; i++)
        c->idle[i] = policies[i];
    c->engine = e;
    c->first = policies[0];
    c->nidle = n;
    c->readers = 0;
    c->writer = 0;
    return CM_OK;
}

CM_API cm_snapshot *cm_snapshot_new(cm_engine *e, cm_policy *const *policies, size_t n,
                                    cm_status *status)
{
    cm_status dummy;
    if (status == NULL)
        status = &dummy;
    cm_snapshot *s = cm_calloc(1, sizeof *s);
    if (s == NULL || (s->copies = cm_calloc(1, sizeof *s->copies)) == NULL) {
        cm_free(s);
        free_given(e, policies, n);
        *status = cmi_err_set(CM_ENOMEM, "out of memory");
        return NULL;
    }
    if ((*status = copy_make(&s->copies[0], e, policies, n)) != CM_OK) {
        cm_free(s->copies);
        cm_free(s);
        return NULL;
    }
    s->ncopies = 1;
    atomic_init(&s->refs, 1);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    return s;
}

CM_API cm_status cm_snapshot_add_copy(cm_snapshot *s, cm_engine *e, cm_policy *const *policies,
                                      size_t n)
{
    if (s == NULL) {
        free_given(e, policies, n);
        return cmi_err_set(CM_EUSAGE, "no snapshot to add a copy to");
    }
    copy c;
    cm_status st = copy_make(&c, e, policies, n);   /* prepared outside the lock */
    if (st != CM_OK)
        return st;
    pthread_mutex_lock(&s->lock);
    copy *grown = cm_realloc(s->copies, (s->ncopies + 1) * sizeof *grown);
    if (grown != NULL) {
        s->copies = grown;
        s->copies[s->ncopies++] = c;
    }
    pthread_mutex_unlock(&s->lock);
    if (grown == NULL) {
        free_given(c.engine, c.idle, c.nidle);
        cm_free(c.idle);
        return cmi_err_set(CM_ENOMEM, "out of memory");
    }
    return CM_OK;
}

CM_API size_t cm_snapshot_copies(const cm_snapshot *s) { return s ? s->ncopies : 0; }

CM_API cm_snapshot *cm_snapshot_retain(cm_snapshot *s)
{
    if (s)
        atomic_fetch_add(&s->refs, 1);
    return s;
}

CM_API void cm_snapshot_release(cm_snapshot *s)
{
    if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    if (s->ud_free)
        s->ud_free(s->ud);
    for (size_t k = 0; k < s->ncopies; k++) {
        /* every policy is idle again: no call holds a released snapshot */
        free_given(s->copies[k].engine, s->copies[k].idle, s->copies[k].nidle);
        cm_free(s->copies[k].idle);
    }
    pthread_cond_destroy(&s->freed);
    pthread_mutex_destroy(&s->lock);
    cm_free(s->copies);
    cm_free(s);
}

CM_API const cm_engine *cm_snapshot_engine(const cm_snapshot *s)
{
    return s ? s->copies[0].engine : NULL;
}

CM_API const cm_policy *cm_snapshot_policy(const cm_snapshot *s)
{
    return s ? s->copies[0].first : NULL;
}

CM_API void cm_snapshot_set_userdata(cm_snapshot *s, void *ud, void (*free_fn)(void *))
{
    if (s == NULL)
        return;
    if (s->ud_free && s->ud != ud)
        s->ud_free(s->ud);
    s->ud = ud;
    s->ud_free = free_fn;
}

CM_API void *cm_snapshot_userdata(const cm_snapshot *s) { return s ? s->ud : NULL; }

/* A copy a call may use now, or NULL. Exclusive calls need a copy no other
 * call uses; shared ones go where shared calls already are, so that the
 * other copies stay free for exclusive ones. */
static copy *free_copy(cm_snapshot *s, int exclusive)
{
    copy *pick = NULL;
    for (size_t k = 0; k < s->ncopies; k++) {
        copy *c = &s->copies[k];
        if (c->nidle == 0 || c->writer || (exclusive && c->readers))
            continue;
        if (exclusive || c->readers)
            return c;
        pick = c;   /* an unused copy: the last one, the first being the visitors' first */
    }
    return pick;
}

CM_API cm_policy *cm_snapshot_lock(cm_snapshot *s, int exclusive, cm_engine **e)
{
    if (s == NULL)
        return NULL;
    pthread_mutex_lock(&s->lock);
    copy *c;
    while ((c = free_copy(s, exclusive)) == NULL)
        pthread_cond_wait(&s->freed, &s->lock);
    cm_policy *p = c->idle[--c->nidle];
    if (exclusive)
        c->writer = 1;
    else
        c->readers++;
    pthread_mutex_unlock(&s->lock);
    if (e)
        *e = c->engine;
    return p;
}

CM_API void cm_snapshot_unlock(cm_snapshot *s, cm_policy *p)
{
    if (s == NULL || p == NULL)
        return;
    pthread_mutex_lock(&s->lock);
    for (size_t k = 0; k < s->ncopies; k++) {
        copy *c = &s->copies[k];
        if (c->engine != p->engine)
            continue;
        if (c->writer)
            c->writer = 0;
        else if (c->readers)
            c->readers--;
        c->idle[c->nidle++] = p;
        break;
    }
    /* waiters want different things (a policy, a copy to themselves) */
    pthread_cond_broadcast(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

CM_API cm_current *cm_current_new(void)
{
    cm_current *c = cm_calloc(1, sizeof *c);
    if (c == NULL) {
        cmi_err_set(CM_ENOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

CM_API void cm_current_free(cm_current *c)
{
    if (c == NULL)
        return;
    cm_snapshot_release(c->snap);
    pthread_mutex_destroy(&c->lock);
    cm_free(c);
}

CM_API cm_snapshot *cm_current_get(cm_current *c)
{
    if (c == NULL)
        return NULL;
    pthread_mutex_lock(&c->lock);
    cm_snapshot *s = cm_snapshot_retain(c->snap);
    pthread_mutex_unlock(&c->lock);
    return s;
}

CM_API void cm_current_publish(cm_current *c, cm_snapshot *s)
{
    if (c == NULL) {
        cm_snapshot_release(s);
        return;
    }
    pthread_mutex_lock(&c->lock);
    cm_snapshot *old = c->snap;
    c->snap = s;
    pthread_mutex_unlock(&c->lock);
    cm_snapshot_release(old);   /* outside the lock: it may free a whole engine */
}
