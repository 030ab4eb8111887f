/*
 * strpool.c - the string interner (see strpool.h).
 *
 * Chained hashing with chains threaded through the entry array: a new entry
 * is always pushed at the head of its chain, so a rollback pops entries in
 * reverse order and restores every chain exactly, unless the table was
 * resized since the mark, in which case the buckets are rebuilt.
 */
#include "strpool.h"
#include "alloc.h"

#include <string.h>

struct strpool_entry {
    uint32_t off;
    uint32_t hash;
    uint32_t next;           /* entry index + 1 */
};

static uint32_t hash_bytes(const char *s, size_t len)
{
    /* FNV-1a: short strings dominate (ids, tags, attribute names). */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

int strpool_init(strpool *p)
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

void strpool_free(strpool *p)
{
    cm_free(p->arena);
    cm_free(p->entries);
    cm_free(p->buckets);
    memset(p, 0, sizeof *p);
}

static void link_entry(strpool *p, size_t i)
{
    struct strpool_entry *e = &p->entries[i];
    uint32_t *b = &p->buckets[e->hash & (p->nbuckets - 1)];
    e->next = *b;
    *b = (uint32_t)(i + 1);
}

static int rehash(strpool *p, size_t nbuckets)
{
    uint32_t *nb = cm_calloc(nbuckets, sizeof *nb);
    if (nb == NULL)
        return -1;
    cm_free(p->buckets);
    p->buckets = nb;
    p->nbuckets = nbuckets;
    for (size_t i = 0; i < p->nentries; i++)
        link_entry(p, i);
    return 0;
}

str_ref strpool_find(const strpool *p, const char *s, size_t len)
{
    if (len == 0)
        return STR_NONE;
    uint32_t h = hash_bytes(s, len);
    for (uint32_t i = p->buckets[h & (p->nbuckets - 1)]; i; i = p->entries[i - 1].next) {
        const struct strpool_entry *e = &p->entries[i - 1];
        if (e->hash == h && memcmp(p->arena + e->off, s, len) == 0 && p->arena[e->off + len] == '\0')
            return e->off;
    }
    return STR_NONE;
}

int strpool_intern(strpool *p, const char *s, size_t len, str_ref *out)
{
    if (len == 0) {
        *out = STR_NONE;
        return 0;
    }
    str_ref found = strpool_find(p, s, len);
    if (found != STR_NONE) {
        *out = found;
        return 0;
    }
    if (p->len + len + 1 > UINT32_MAX)
        return -1;
    if (cm_grow((void **)&p->arena, &p->cap, p->len + len + 1, 1) < 0)
        return -1;
    if (cm_grow((void **)&p->entries, &p->entries_cap, p->nentries + 1, sizeof *p->entries) < 0)
        return -1;
    if (p->nentries + 1 > p->nbuckets && rehash(p, p->nbuckets * 2) < 0)
        return -1;
    uint32_t off = (uint32_t)p->len;
    memcpy(p->arena + off, s, len);
    p->arena[off + len] = '\0';
    p->len += len + 1;
    p->entries[p->nentries] = (struct strpool_entry){ off, hash_bytes(s, len), 0 };
    link_entry(p, p->nentries);
    p->nentries++;
    *out = off;
    return 0;
}

strpool_mark strpool_mark_now(const strpool *p)
{
    return (strpool_mark){ p->len, p->nentries };
}

void strpool_rollback(strpool *p, strpool_mark m)
{
    while (p->nentries > m.nentries) {
        struct strpool_entry *e = &p->entries[--p->nentries];
        uint32_t *b = &p->buckets[e->hash & (p->nbuckets - 1)];
        if (*b == p->nentries + 1) {
            *b = e->next;
        } else {
            /* The table grew since the mark: chains are in a new order. */
            memset(p->buckets, 0, p->nbuckets * sizeof *p->buckets);
            p->nentries = m.nentries;
            for (size_t i = 0; i < p->nentries; i++)
                link_entry(p, i);
            break;
        }
    }
    p->len = m.len;
}

size_t strpool_memory(const strpool *p)
{
    return p->cap + p->entries_cap * sizeof *p->entries + p->nbuckets * sizeof *p->buckets;
}
