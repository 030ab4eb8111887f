/*
 * strpool.h - interned strings: each distinct string stored once in an arena
 * and named by a 32-bit offset, so that profiles hold 4 bytes per string and
 * equal strings compare by number.
 *
 * A string that is only ever read back by its ref (a profile's name) can be
 * added without the index (cmi_strpool_add): stored, never shared or found.
 *
 * Owns the arena and its hash index. Supports marks and rollback, so that a
 * load that fails leaves the pool as it was. Depends only on alloc.h.
 */
#ifndef CM_STRPOOL_H
#define CM_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t str_ref;    /* offset into the arena; 0 is the empty string */
#define STR_NONE ((str_ref)0)

typedef struct strpool {
    char *arena;             /* strings, each NUL-terminated */
    size_t len, cap;
    size_t nentries;         /* strings held */
    uint64_t *buckets;       /* open addressing: hash << 32 | arena offset */
    size_t nbuckets;         /* power of two, at most 3/4 full */
} strpool;

typedef struct strpool_mark { size_t len, nentries; } strpool_mark;

int cmi_strpool_init(strpool *p);
void cmi_strpool_free(strpool *p);

/* Intern s[0..len); returns 0 and sets *out, or -1 when out of memory or when
 * the arena would pass 4 GiB. */
int cmi_strpool_intern(strpool *p, const char *s, size_t len, str_ref *out);
/* Store s[0..len) in the arena without interning it: a ref of its own
 * (an equal string elsewhere in the pool keeps its ref), never returned
 * by cmi_strpool_find or cmi_strpool_intern. For strings that are read back
 * by their ref only, unique ones mostly (names): no hashing, no index slot.
 * Returns 0 (STR_NONE for ""), or -1 as cmi_strpool_intern. */
int cmi_strpool_add(strpool *p, const char *s, size_t len, str_ref *out);
/* The ref of s if it is already interned, else STR_NONE (STR_NONE also for ""). */
str_ref cmi_strpool_find(const strpool *p, const char *s, size_t len);
/* Start fetching the index slot that interning s will probe (a string not
 * seen before costs a cache miss there): call it some work ahead. */
void cmi_strpool_prefetch(const strpool *p, const char *s, size_t len);

static inline const char *strpool_get(const strpool *p, str_ref r) { return p->arena + r; }

/* Make room for `bytes` more text and `entries` more strings, so that
 * interning them neither moves the arena nor rehashes. A hint: -1 (out of
 * memory) leaves the pool as it was and usable. */
int cmi_strpool_reserve(strpool *p, size_t bytes, size_t entries);

strpool_mark cmi_strpool_mark_now(const strpool *p);
void cmi_strpool_rollback(strpool *p, strpool_mark m);
size_t cmi_strpool_memory(const strpool *p);

#endif
