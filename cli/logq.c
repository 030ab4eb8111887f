/*
 * logq.c - log lines written by a thread of their own, for capmatch serve.
 *
 * A request thread formats its line into memory and goes on; the writer
 * thread writes what has gathered and flushes. A write to a file can stall
 * for tens of milliseconds when the disk is busy, and must not stall the
 * answer. Nothing is dropped: past a cap of unwritten bytes the caller
 * waits. Order is the order of logq_put calls. Knows nothing of HTTP.
 */
#include "logq.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define LOGQ_CAP ((size_t)8 << 20)   /* unwritten bytes before callers wait */

struct logq {
    FILE *f;
    pthread_t tid;
    pthread_mutex_t lock;
    pthread_cond_t more;      /* lines to write, or quit */
    pthread_cond_t room;      /* the buffer was taken */
    char *buf;
    size_t len, cap;
    int quit;
};

static void *writer(void *arg)
{
    logq *q = arg;
    char *mine = NULL;
    size_t mine_cap = 0;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (q->len == 0 && !q->quit)
            pthread_cond_wait(&q->more, &q->lock);
        if (q->len == 0)
            break;
        /* swap buffers: callers fill the other one while this one is written */
        char *b = q->buf;
        size_t n = q->len, c = q->cap;
        q->buf = mine;
        q->cap = mine_cap;
        q->len = 0;
        mine = b;
        mine_cap = c;
        pthread_cond_broadcast(&q->room);
        pthread_mutex_unlock(&q->lock);
        fwrite(mine, 1, n, q->f);
        fflush(q->f);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    free(mine);
    return NULL;
}

logq *logq_start(FILE *f)
{
    logq *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    q->f = f;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->more, NULL);
    pthread_cond_init(&q->room, NULL);
    if (pthread_create(&q->tid, NULL, writer, q) != 0) {
        pthread_cond_destroy(&q->room);
        pthread_cond_destroy(&q->more);
        pthread_mutex_destroy(&q->lock);
        free(q);
        return NULL;
    }
    return q;
}

void logq_put(logq *q, const char *text, size_t n)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->lock);
    while (q->len > 0 && q->len + n > LOGQ_CAP)
        pthread_cond_wait(&q->room, &q->lock);
    if (q->len + n > q->cap) {
        size_t cap = q->cap ? q->cap : 65536;
        while (cap < q->len + n)
            cap *= 2;
        char *b = realloc(q->buf, cap);
        if (b == NULL) {      /* no memory: write it here rather than lose it */
            pthread_mutex_unlock(&q->lock);
            fwrite(text, 1, n, q->f);
            return;
        }
        q->buf = b;
        q->cap = cap;
    }
    memcpy(q->buf + q->len, text, n);
    q->len += n;
    pthread_cond_signal(&q->more);
    pthread_mutex_unlock(&q->lock);
}

void logq_printf(logq *q, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        logq_put(q, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    logq_put(q, big, (size_t)n);
    free(big);
}

void logq_stop(logq *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->lock);
    q->quit = 1;
    pthread_cond_signal(&q->more);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->tid, NULL);
    pthread_cond_destroy(&q->room);
    pthread_cond_destroy(&q->more);
    pthread_mutex_destroy(&q->lock);
    free(q->buf);
    free(q);
}
