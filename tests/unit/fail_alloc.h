/*
 * fail_alloc.h - the unit tests' counting allocator: with fail_at set, the
 * fail_at-th allocation (malloc or realloc, counted in calls) returns NULL;
 * live counts blocks not yet freed, so a test sees a leak after a failure.
 * Install with cm_set_allocator(&counting). One copy per test program.
 */
#ifndef CAPMATCH_TEST_FAIL_ALLOC_H
#define CAPMATCH_TEST_FAIL_ALLOC_H

#include <stdlib.h>

#include "capmatch.h"

static long fail_at;          /* 1-based allocation to fail; 0 = never */
static long calls;
static long live;

static void *t_malloc(size_t n, void *ud)
{
    (void)ud;
    if (fail_at && ++calls == fail_at)
        return NULL;
    void *p = malloc(n);
    if (p)
        live++;
    return p;
}

static void *t_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    if (fail_at && ++calls == fail_at)
        return NULL;
    void *q = realloc(p, n);
    if (p == NULL && q)
        live++;               /* realloc(NULL, n) is an allocation */
    return q;
}

static void t_free(void *p, void *ud)
{
    (void)ud;
    if (p)
        live--;
    free(p);
}

static const cm_allocator counting = { t_malloc, t_realloc, t_free, NULL };

#endif
