/*
 * store.h - the profile store: compact region and enterprise records, the
 * pools their lists and attributes live in, and the id index of each kind.
 *
 * Owns all profile memory. A profile is a fixed-size struct of small ids,
 * bitsets and offsets into shared pools; strings are interned (strpool.h;
 * names are only stored there, not indexed), descriptions go to a separate
 * text arena (counted apart in the memory report). Supports marks and rollback so that a failed load changes
 * nothing. Knows nothing of file formats or validation rules.
 */
#ifndef CM_STORE_H
#define CM_STORE_H

#include <stdint.h>
#include <stddef.h>

#include "isic.h"
#include "iso.h"
#include "strpool.h"

#define ABSENT_U32 UINT32_MAX      /* employees, capacity absent */
/* tri-state booleans */
enum { TRI_ABSENT = 0, TRI_FALSE = 1, TRI_TRUE = 2 };
/* direct_flights items: a subdivision id, or a country id with this bit */
#define PLACE_COUNTRY 0x8000u

struct common {               /* first member of both kinds of profile */
    str_ref id, name;
    double lat, lon;          /* NaN when location is absent */
    iso_id country, subdivision;
    uint16_t langs_n, attrs_n;
    uint32_t langs_off;       /* u16 pool: iso language ids */
    uint32_t attrs_off;       /* attr pool */
    uint32_t record, line;    /* where it was read */
    uint16_t file;            /* index into store.files */
};

struct money {
    double amount;            /* NaN when absent */
};

struct enterprise {
    struct common c;
    uint32_t description;     /* offset into the text arena; 0 = none */
    isic_id sector;
    uint16_t sectors_n;
    uint32_t sectors_off;     /* u16 pool: isic ids, primary first */
    uint32_t targets_off;     /* u16 pool: country ids */
    uint16_t targets_n;
    iso_id revenue_cur, assets_cur, capital_cur, investment_cur;
    uint8_t subsidiary_of_large, listed;   /* TRI_* */
    uint8_t ownership;        /* 0 absent, else vocab index + 1 */
    uint8_t instruments, funds_interest;   /* bitsets of vocab E, D */
    uint32_t offers, seeks;   /* bitsets of vocab A */
    uint32_t employees;       /* ABSENT_U32 when absent */
    double revenue, assets, capital;       /* NaN when absent */
    double investment_min, investment_max; /* NaN when absent */
};

struct region {
    struct common c;
    uint8_t level;            /* 0 absent, else vocab index + 1 */
    uint8_t port, airport, rail;           /* TRI_* */
    uint16_t programmes;      /* bitset of vocab B */
    uint8_t cooperation_areas, funds;      /* bitsets of vocab C, D */
    uint32_t needs, offers;   /* bitsets of vocab A */
    uint32_t offered_off, sought_off;      /* u16 pool: isic ids */
    uint16_t offered_n, sought_n;
    uint16_t resources_n, flights_n;
    uint32_t resources_off;   /* ref pool: interned tags */
    uint32_t flights_off;     /* u16 pool: places (see PLACE_COUNTRY) */
    uint32_t capacity;        /* ABSENT_U32: unlimited */
};

enum attr_type { ATTR_STRING = 1, ATTR_NUMBER = 2, ATTR_BOOL = 3, ATTR_LIST = 4 };

struct attr {
    str_ref key;
    uint8_t type;
    uint16_t n;               /* ATTR_LIST: item count */
    union {
        double num;
        str_ref str;
        uint32_t list_off;    /* ref pool */
        int boolean;
    } v;
};

struct kind_store {
    void *items;              /* struct region[] or struct enterprise[] */
    size_t count, cap, item_size;
    uint32_t *slots;          /* id index: profile index + 1, 0 = empty */
    size_t nslots;            /* power of two, or 0 */
    unsigned long version;    /* bumped on every change of the side's profiles */
};

typedef struct store {
    strpool strings;
    char *text;               /* descriptions, NUL-terminated, offset 0 = "" */
    size_t text_len, text_cap;
    uint16_t *u16;
    size_t u16_len, u16_cap;
    uint32_t *refs;
    size_t refs_len, refs_cap;
    struct attr *attrs;
    size_t attrs_len, attrs_cap;
    char **files;             /* source names, for provenance and messages */
    size_t nfiles, files_cap;
    struct kind_store kinds[2];   /* [0] regions, [1] enterprises */
} store;

typedef struct store_mark {
    strpool_mark strings;
    size_t text_len, u16_len, refs_len, attrs_len, nfiles;
    size_t count[2];
} store_mark;

/* kind index: 0 regions, 1 enterprises */
int cmi_store_init(store *s);
void cmi_store_free(store *s);
store_mark cmi_store_mark_now(const store *s);
/* Undo everything added since the mark (profiles, strings, pools, files). */
void cmi_store_rollback(store *s, store_mark m);
/* Undo only the pool writes of one record that turned out invalid. */
void cmi_store_rollback_pools(store *s, store_mark m);

/* The load that began at `since` has done a part of its work: make room
 * for `arrays` times what it added so far in every pool, and for `tables`
 * times its strings and ids in the hash tables (room not used costs no
 * memory in an array, but does in a hash table), so that the rest of it
 * appends without moving or rehashing anything. A hint: when memory is
 * short it does less, and nothing else changes. */
void cmi_store_expect(store *s, store_mark since, double arrays, double tables);
/* Room for `profiles` more of each kind (a hint: may fail), so that visitors
 * put in and taken out of a large store move none of its arrays. */
void cmi_store_room(store *s, size_t profiles);
/* Give back the pools' unused room (after a load). */
void cmi_store_trim(store *s);

int cmi_store_add_file(store *s, const char *name, uint16_t *out);
int cmi_store_push_u16(store *s, uint16_t v);
int cmi_store_push_ref(store *s, uint32_t v);
int cmi_store_push_attr(store *s, const struct attr *a);
int cmi_store_add_text(store *s, const char *t, size_t len, uint32_t *out);

/* Append a profile (copied) and index its id. Returns 0, -1 out of memory. */
int cmi_store_append(store *s, int kind, const void *profile);
/* Start fetching the id index's slot for id, which cmi_store_append will write. */
void cmi_store_prefetch_id(const store *s, int kind, str_ref id);
/* Take profile i out: the ones after it move down by one; its pool entries
 * stay (unreferenced) until the store is freed. Needs no memory. */
void cmi_store_remove(store *s, int kind, size_t i);
/* Move profile `from` to index `to`, the ones between shifting by one. */
void cmi_store_move(store *s, int kind, size_t from, size_t to);
/* Index of the profile with this interned id, or SIZE_MAX. */
size_t cmi_store_find(const store *s, int kind, str_ref id);

static inline const struct region *store_region(const store *s, size_t i)
{
    return (const struct region *)s->kinds[0].items + i;
}
static inline const struct enterprise *store_enterprise(const store *s, size_t i)
{
    return (const struct enterprise *)s->kinds[1].items + i;
}
static inline const struct common *store_common(const store *s, int kind, size_t i)
{
    return (const struct common *)((const char *)s->kinds[kind].items + i * s->kinds[kind].item_size);
}

/* Bytes used by the profiles of a kind: their structs and index, plus their
 * share of the pools and strings. Shared pools are split by the bytes each
 * kind references; *text gets the description bytes. */
size_t cmi_store_memory(const store *s, int kind, size_t *text);

#endif
