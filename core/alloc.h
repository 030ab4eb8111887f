/*
 * alloc.h - the one allocator every module of core/ goes through.
 *
 * Owns the process-wide allocation hooks set by cm_set_allocator() (public
 * API) and installs them into jansson too, so that fault injection in tests
 * reaches every allocation made during a load. Depends on nothing.
 */
#ifndef CM_ALLOC_H
#define CM_ALLOC_H

#include <stddef.h>

/* Allocations refused so far in this thread: a library that reports a
 * failed allocation as something else (jansson: as a syntax error) is
 * caught by comparing this before and after the call. */
extern _Thread_local unsigned long cm_alloc_failures;

void *cm_malloc(size_t n);
void *cm_calloc(size_t count, size_t size);   /* overflow-checked */
void *cm_realloc(void *p, size_t n);
void cm_free(void *p);
char *cm_strndup(const char *s, size_t n);
char *cm_strdup(const char *s);

/* Grow *buf (element size elem) so that it holds at least need elements;
 * doubles the capacity. Returns 0 or -1 on overflow/out of memory, leaving
 * *buf and *cap untouched. */
int cm_grow(void **buf, size_t *cap, size_t need, size_t elem);
/* Set the capacity of *buf to exactly n elements (to reserve room known to
 * be needed, or to give back what was not used: n must not be below the
 * elements in use). Returns 0 or -1, leaving *buf and *cap untouched. */
int cm_resize(void **buf, size_t *cap, size_t n, size_t elem);
/* Room for n elements (n > *cap) of which the first `used` are kept: for a
 * large block, a new block whose pages are advised huge before anything is
 * written to it, and only the used elements copied (realloc would copy the
 * whole old block, reserved room included, into pages faulted one by one).
 * Returns 0 or -1, leaving *buf and *cap untouched. */
int cm_reserve(void **buf, size_t *cap, size_t used, size_t n, size_t elem);

#endif
