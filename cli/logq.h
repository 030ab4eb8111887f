/*
 * logq.h - log lines written to a stream by a thread of their own, so that
 * a slow disk never holds up the thread that logs (capmatch serve's access,
 * decision and reload lines).
 */
#ifndef CM_LOGQ_H
#define CM_LOGQ_H

#include <stddef.h>
#include <stdio.h>

typedef struct logq logq;

/* Start writing to f; NULL when no thread can be started. */
logq *logq_start(FILE *f);
/* Queue text (copied); written and flushed soon, in the order queued. A
 * NULL q does nothing. */
void logq_put(logq *q, const char *text, size_t n);
void logq_printf(logq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write everything queued, stop the thread and free. */
void logq_stop(logq *q);

#endif
