/*
 * strpool.c - the string interner (see strpool.h).
 *
 * Open addressing with linear probing over (hash, offset) slots. Strings sit
 * in the arena in the order they came, so a rollback walks the arena from
 * the mark and takes each newer string out of the index (backward-shift
 * deletion; a string added without the index is simply not found there);
 * a rehash moves the slots, whose hashes it keeps.
 */
#include "strpool.h"
#include "alloc.h"

#include <string.h>

/* A slot of the open-addressing index: the string's hash beside its arena
 * offset, so that a probe compares hashes without touching the arena (one
 * cache miss for a string not seen before), and a rehash never reads the
 * arena. 0 = empty (offset 0 is "", never stored). The arena itself lists
 * the strings in order, which is all that a rollback needs. */
#define SLOT(hash, off) (((uint64_t)(hash) << 32) | (uint64_t)(off))
#define SLOT_HASH(s) ((uint32_t)((s) >> 32))
#define SLOT_OFF(s) ((uint32_t)(s))

static uint32_t hash_bytes(const char *s, size_t len)
{
    /* eight bytes at a time (names and ids are mostly longer than that),
     * then a final mix so that the low bits (the slot) vary */
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, s + i, len - i);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    h *= 0x94d049bb133111ebull;
    h ^= h >> 29;
    return (uint32_t)h ^ (uint32_t)(h >> 32);
}

int cmi_strpool_init(strpool *p)
{
    memset(p, 0, sizeof *p);
    if (cm_grow((void **)&p->arena, &p->cap, 1024, 1) < 0)
        return -1;
    p->arena[0] = '\0';
    p->len = 1;
    p->nbuckets = 256;
    p->buckets = cm_calloc(p->nbuckets, sizeof *p->buckets);
    if (p->buckets == NULL) {
        cm_free(p->arena);
        p->arena = NULL;
        return -1;
    }
    return 0;
}

void cmi_strpool_free(strpool *p)
{
    cm_free(p->arena);
    cm_free(p->buckets);
    memset(p, 0, sizeof *p);
}

static void place(uint64_t *slots, size_t mask, uint32_t hash, uint32_t off)
{
    size_t i = hash & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = SLOT(hash, off);
}

/* A bigger index from the old one: each slot carries its string's hash, so
 * the arena is not read again. */
static int rehash(strpool *p, size_t nbuckets)
{
    uint64_t *nb = cm_calloc(nbuckets, sizeof *nb);
    if (nb == NULL)
        return -1;
    for (size_t i = 0; i < p->nbuckets; i++) {
        uint64_t slot = p->buckets[i];
        if (slot)
            place(nb, nbuckets - 1, SLOT_HASH(slot), SLOT_OFF(slot));
    }
    cm_free(p->buckets);
    p->buckets = nb;
    p->nbuckets = nbuckets;
    return 0;
}

static str_ref find_hashed(const strpool *p, const char *s, size_t len, uint32_t h)
{
    size_t mask = p->nbuckets - 1;
    for (size_t i = h & mask; p->buckets[i]; i = (i + 1) & mask) {
        uint64_t slot = p->buckets[i];
        if (SLOT_HASH(slot) != h)
            continue;
        uint32_t off = SLOT_OFF(slot);
        if (memcmp(p->arena + off, s, len) == 0 && p->arena[off + len] == '\0')
            return off;
    }
    return STR_NONE;
}

str_ref cmi_strpool_find(const strpool *p, const char *s, size_t len)
{
    if (len == 0)
        return STR_NONE;
    return find_hashed(p, s, len, hash_bytes(s, len));
}

void cmi_strpool_prefetch(const strpool *p, const char *s, size_t len)
{
#if defined(__GNUC__)
    if (len)
        __builtin_prefetch(&p->buckets[hash_bytes(s, len) & (p->nbuckets - 1)]);
#else
    (void)p;
    (void)s;
    (void)len;
#endif
}

int cmi_strpool_intern(strpool *p, const char *s, size_t len, str_ref *out)
{
    if (len == 0) {
        *out = STR_NONE;
        return 0;
    }
    uint32_t h = hash_bytes(s, len);
    str_ref found = find_hashed(p, s, len, h);
    if (found != STR_NONE) {
        *out = found;
        return 0;
    }
    if (p->len + len + 1 > UINT32_MAX || p->nentries >= UINT32_MAX - 1)
        return -1;
    if (cm_grow((void **)&p->arena, &p->cap, p->len + len + 1, 1) < 0)
        return -1;
    /* at most three quarters full: probes stay short with a mixed hash */
    if ((p->nentries + 1) * 4 > p->nbuckets * 3 && rehash(p, p->nbuckets * 2) < 0)
        return -1;
    uint32_t off = (uint32_t)p->len;
    memcpy(p->arena + off, s, len);
    p->arena[off + len] = '\0';
    p->len += len + 1;
    place(p->buckets, p->nbuckets - 1, h, off);
    p->nentries++;
    *out = off;
    return 0;
}

int cmi_strpool_add(strpool *p, const char *s, size_t len, str_ref *out)
{
    if (len == 0) {
        *out = STR_NONE;
        return 0;
    }
    if (p->len + len + 1 > UINT32_MAX)
        return -1;
    if (cm_grow((void **)&p->arena, &p->cap, p->len + len + 1, 1) < 0)
        return -1;
    uint32_t off = (uint32_t)p->len;
    memcpy(p->arena + off, s, len);
    p->arena[off + len] = '\0';
    p->len += len + 1;
    *out = off;
    return 0;
}

int cmi_strpool_reserve(strpool *p, size_t bytes, size_t entries)
{
    if (p->len + bytes > UINT32_MAX || p->nentries + entries >= UINT32_MAX - 1)
        return -1;
    if (p->len + bytes > p->cap &&
        cm_reserve((void **)&p->arena, &p->cap, p->len, p->len + bytes, 1) < 0)
        return -1;
    size_t n = p->nbuckets;
    while ((p->nentries + entries) * 4 > n * 3)
        n *= 2;
    return n > p->nbuckets ? rehash(p, n) : 0;
}

strpool_mark cmi_strpool_mark_now(const strpool *p)
{
    return (strpool_mark){ p->len, p->nentries };
}

/* Remove the string at off from the index (linear probing: shift the
 * followers back into the hole). */
static void unplace(strpool *p, uint32_t off)
{
    size_t mask = p->nbuckets - 1;
    size_t i = hash_bytes(p->arena + off, strlen(p->arena + off)) & mask;
    while (p->buckets[i] && SLOT_OFF(p->buckets[i]) != off)
        i = (i + 1) & mask;
    if (!p->buckets[i])
        return;
    size_t hole = i;
    for (size_t j = (hole + 1) & mask; p->buckets[j]; j = (j + 1) & mask) {
        size_t home = SLOT_HASH(p->buckets[j]) & mask;
        /* move j into the hole unless its home lies cyclically in (hole, j] */
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            p->buckets[hole] = p->buckets[j];
            hole = j;
        }
    }
    p->buckets[hole] = 0;
}

void cmi_strpool_rollback(strpool *p, strpool_mark m)
{
    for (size_t off = m.len; off < p->len;) {
        size_t len = strlen(p->arena + off);
        unplace(p, (uint32_t)off);
        off += len + 1;
    }
    p->nentries = m.nentries;
    p->len = m.len;
}

size_t cmi_strpool_memory(const strpool *p)
{
    return p->cap + p->nbuckets * sizeof *p->buckets;
}
