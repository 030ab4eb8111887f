/*
 * alloc.c - process-wide allocation hooks (see alloc.h).
 *
 * The hooks start as the C library's; cm_set_allocator() replaces them for
 * capmatch and for jansson alike. Set them before any other call: changing
 * allocators while objects are alive would free memory with the wrong hook.
 */
#define _DEFAULT_SOURCE 1      /* MADV_HUGEPAGE */
#include "alloc.h"
#include "capmatch.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Large zeroed blocks (the hash tables of the string pool and the id
 * index) are touched whole as soon as they are made: on this kind of
 * machine a page fault costs microseconds, so they ask for transparent huge
 * pages (512 times fewer faults); the kernel may refuse, which changes
 * nothing else. So are blocks sized to what a load is about to fill
 * (cm_resize, cm_reserve). Blocks that grow by doubling (cm_grow) are not: huge pages
 * over their spare capacity cost a 1M-profile load 110 MB of peak memory. */
#define HUGE_ADVICE_MIN ((size_t)4 << 20)

static void huge_advice(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t z = ((uintptr_t)p + n) & ~(huge - 1);
    if (z > a)
        madvise((void *)a, z - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

static void *libc_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *libc_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void libc_free(void *p, void *ud) { (void)ud; free(p); }

static cm_allocator hooks = { libc_malloc, libc_realloc, libc_free, NULL };

/* jansson's hooks take no user data, so they go through ours. */
static void *json_malloc_hook(size_t n) { return cm_malloc(n); }
static void json_free_hook(void *p) { cm_free(p); }

CM_API void cm_set_allocator(const cm_allocator *a)
{
    if (a == NULL || a->malloc_fn == NULL || a->realloc_fn == NULL || a->free_fn == NULL) {
        hooks = (cm_allocator){ libc_malloc, libc_realloc, libc_free, NULL };
        json_set_alloc_funcs(malloc, free);
        return;
    }
    hooks = *a;
    json_set_alloc_funcs(json_malloc_hook, json_free_hook);
}

_Thread_local unsigned long cm_alloc_failures;

void *cm_malloc(size_t n)
{
    void *p = hooks.malloc_fn(n ? n : 1, hooks.ud);
    if (p == NULL)
        cm_alloc_failures++;
    return p;
}

void *cm_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = cm_malloc(count * size);
    if (p) {
        if (count * size >= HUGE_ADVICE_MIN && hooks.malloc_fn == libc_malloc)
            huge_advice(p, count * size);
        memset(p, 0, count * size);
    }
    return p;
}

void *cm_realloc(void *p, size_t n)
{
    if (p == NULL)
        return cm_malloc(n);
    void *q = hooks.realloc_fn(p, n ? n : 1, hooks.ud);
    if (q == NULL)
        cm_alloc_failures++;
    return q;
}

void cm_free(void *p)
{
    if (p)
        hooks.free_fn(p, hooks.ud);
}

char *cm_strndup(const char *s, size_t n)
{
    char *d = cm_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *cm_strdup(const char *s)
{
    return cm_strndup(s, strlen(s));
}

int cm_grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return -1;
    void *nb = cm_realloc(*buf, ncap * elem);
    if (nb == NULL)
        return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}

int cm_reserve(void **buf, size_t *cap, size_t used, size_t n, size_t elem)
{
    if (n <= *cap)
        return 0;
    if (n > SIZE_MAX / elem || used > *cap)
        return -1;
    if (n * elem < HUGE_ADVICE_MIN || hooks.malloc_fn != libc_malloc)
        return cm_resize(buf, cap, n, elem);
    void *nb = cm_malloc(n * elem);
    if (nb == NULL)
        return -1;
    huge_advice(nb, n * elem);
    if (used)
        memcpy(nb, *buf, used * elem);
    cm_free(*buf);
    *buf = nb;
    *cap = n;
    return 0;
}

int cm_resize(void **buf, size_t *cap, size_t n, size_t elem)
{
    if (n == *cap)
        return 0;
    if (n == 0 || n > SIZE_MAX / elem)
        return -1;
    void *nb = cm_realloc(*buf, n * elem);
    if (nb == NULL)
        return -1;
    /* room reserved for what a load will fill: huge pages cost at most
     * one partly used page here, and save hundreds of faults each */
    if (n > *cap && n * elem >= HUGE_ADVICE_MIN && hooks.malloc_fn == libc_malloc)
        huge_advice(nb, n * elem);
    *buf = nb;
    *cap = n;
    return 0;
}
