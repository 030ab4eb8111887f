/*
 * snapshot.c - reference-counted snapshots (an engine and the policies
 * loaded for it) and the published one a service reads from.
 *
 * Owns the counting, the engine's shared/exclusive lock and the pool of
 * policies (one per request at a time). A reader retains the current
 * snapshot for a request; a writer publishes a new one; the last release
 * frees. Knows nothing of what is matched or of HTTP.
 */
#include "capmatch.h"
#include "alloc.h"
#include "err.h"

#include <pthread.h>
#include <stdatomic.h>

struct cm_snapshot {
    atomic_size_t refs;
    cm_engine *engine;
    cm_policy **policies;     /* all of them, for freeing and provenance */
    size_t npolicies;
    cm_policy **idle;         /* the ones no call holds */
    size_t nidle;
    pthread_mutex_t lock;     /* idle */
    pthread_cond_t freed;     /* a policy went back to idle */
    pthread_rwlock_t use;     /* the engine: shared, or exclusive for a visitor */
    void *ud;                 /* the embedder's */
    void (*ud_free)(void *);
};

struct cm_current {
    pthread_mutex_t lock;
    cm_snapshot *snap;
};

CM_API cm_snapshot *cm_snapshot_new(cm_engine *e, cm_policy *const *policies, size_t n,
                                    cm_status *status)
{
    cm_status dummy;
    if (status == NULL)
        status = &dummy;
    cm_snapshot *s = NULL;
    if (e == NULL || policies == NULL || n == 0) {
        *status = cmi_err_set(CM_EUSAGE, "a snapshot needs an engine and at least one policy");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        if ((*status = cm_policy_prepare(policies[i], 0)) != CM_OK)
            goto fail;
    s = cm_calloc(1, sizeof *s);
    if (s == NULL || (s->policies = cm_calloc(n, sizeof *s->policies)) == NULL ||
        (s->idle = cm_calloc(n, sizeof *s->idle)) == NULL) {
        *status = cmi_err_set(CM_ENOMEM, "out of memory");
        if (s) {
            cm_free(s->policies);
            cm_free(s);
            s = NULL;
        }
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        s->policies[i] = s->idle[i] = policies[i];
    s->npolicies = s->nidle = n;
    s->engine = e;
    atomic_init(&s->refs, 1);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    pthread_rwlock_init(&s->use, NULL);
    *status = CM_OK;
    return s;
fail:
    for (size_t i = 0; policies && i < n; i++)
        cm_policy_free(policies[i]);
    cm_engine_free(e);
    return NULL;
}

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
    for (size_t i = 0; i < s->npolicies; i++)
        cm_policy_free(s->policies[i]);
    cm_engine_free(s->engine);
    pthread_rwlock_destroy(&s->use);
    pthread_cond_destroy(&s->freed);
    pthread_mutex_destroy(&s->lock);
    cm_free(s->policies);
    cm_free(s->idle);
    cm_free(s);
}

CM_API const cm_engine *cm_snapshot_engine(const cm_snapshot *s)
{
    return s ? s->engine : NULL;
}

CM_API const cm_policy *cm_snapshot_policy(const cm_snapshot *s)
{
    return s ? s->policies[0] : NULL;
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

CM_API cm_policy *cm_snapshot_lock(cm_snapshot *s, int exclusive, cm_engine **e)
{
    if (s == NULL)
        return NULL;
    /* the policy first: a call waiting for one holds no engine lock */
    pthread_mutex_lock(&s->lock);
    while (s->nidle == 0)
        pthread_cond_wait(&s->freed, &s->lock);
    cm_policy *p = s->idle[--s->nidle];
    pthread_mutex_unlock(&s->lock);
    if (exclusive)
        pthread_rwlock_wrlock(&s->use);
    else
        pthread_rwlock_rdlock(&s->use);
    if (e)
        *e = s->engine;
    return p;
}

CM_API void cm_snapshot_unlock(cm_snapshot *s, cm_policy *p)
{
    if (s == NULL || p == NULL)
        return;
    pthread_rwlock_unlock(&s->use);
    pthread_mutex_lock(&s->lock);
    s->idle[s->nidle++] = p;
    pthread_cond_signal(&s->freed);
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
