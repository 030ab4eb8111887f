/*
 * store.c - the profile store (see store.h).
 *
 * Profiles and pools are plain growable arrays; rollback is truncation. The
 * id index is open addressing over interned id refs, rebuilt after a
 * rollback (a rare path: a load that failed). A large load sizes them
 * ahead (cmi_store_expect) and gives back what it did not use (cmi_store_trim).
 */
#include "store.h"
#include "alloc.h"

#include <string.h>

int cmi_store_init(store *s)
{
    memset(s, 0, sizeof *s);
    s->kinds[0].item_size = sizeof(struct region);
    s->kinds[1].item_size = sizeof(struct enterprise);
    if (cmi_strpool_init(&s->strings) < 0)
        return -1;
    if (cm_grow((void **)&s->text, &s->text_cap, 1, 1) < 0) {
        cmi_strpool_free(&s->strings);
        return -1;
    }
    s->text[0] = '\0';
    s->text_len = 1;
    return 0;
}

void cmi_store_free(store *s)
{
    cmi_strpool_free(&s->strings);
    cm_free(s->text);
    cm_free(s->u16);
    cm_free(s->refs);
    cm_free(s->attrs);
    for (size_t i = 0; i < s->nfiles; i++)
        cm_free(s->files[i]);
    cm_free(s->files);
    for (int k = 0; k < 2; k++) {
        cm_free(s->kinds[k].items);
        cm_free(s->kinds[k].slots);
    }
    memset(s, 0, sizeof *s);
}

store_mark cmi_store_mark_now(const store *s)
{
    store_mark m;
    m.strings = cmi_strpool_mark_now(&s->strings);
    m.text_len = s->text_len;
    m.u16_len = s->u16_len;
    m.refs_len = s->refs_len;
    m.attrs_len = s->attrs_len;
    m.nfiles = s->nfiles;
    m.count[0] = s->kinds[0].count;
    m.count[1] = s->kinds[1].count;
    return m;
}

static uint32_t id_hash(str_ref r)
{
    uint32_t h = r * 2654435761u;
    return h ^ (h >> 15);
}

static const str_ref *id_of(const struct kind_store *k, size_t i)
{
    return &((const struct common *)((const char *)k->items + i * k->item_size))->id;
}

static void index_insert(struct kind_store *k, size_t i)
{
    size_t mask = k->nslots - 1;
    size_t h = id_hash(*id_of(k, i)) & mask;
    while (k->slots[h])
        h = (h + 1) & mask;
    k->slots[h] = (uint32_t)(i + 1);
}

/* Take profile i out of the index (linear probing: the entries after it
 * that probed past its slot move back, so that no look-up stops early). */
static void index_delete(struct kind_store *k, size_t i)
{
    size_t mask = k->nslots - 1;
    size_t hole = id_hash(*id_of(k, i)) & mask;
    while (k->slots[hole] != (uint32_t)(i + 1)) {
        if (k->slots[hole] == 0)
            return;   /* not there */
        hole = (hole + 1) & mask;
    }
    for (size_t j = (hole + 1) & mask; k->slots[j]; j = (j + 1) & mask) {
        size_t home = id_hash(*id_of(k, k->slots[j] - 1)) & mask;
        /* stays when its home lies cyclically in (hole, j] */
        int stays = hole < j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            k->slots[hole] = k->slots[j];
            hole = j;
        }
    }
    k->slots[hole] = 0;
}

static int index_rebuild(struct kind_store *k, size_t nslots)
{
    uint32_t *ns = cm_calloc(nslots, sizeof *ns);
    if (ns == NULL)
        return -1;
    cm_free(k->slots);
    k->slots = ns;
    k->nslots = nslots;
    for (size_t i = 0; i < k->count; i++)
        index_insert(k, i);
    return 0;
}

/* Grow the index (never shrink it) so that it is at most half full with n
 * profiles. Returns 0, or -1 (out of memory) with the index as it was. */
static int index_fit(struct kind_store *k, size_t n)
{
    size_t nslots = k->nslots ? k->nslots : 64;
    while (n * 2 > nslots)
        nslots *= 2;
    if (nslots == k->nslots)
        return 0;
    uint32_t *old = k->slots;
    size_t oldn = k->nslots;
    k->slots = NULL;
    if (index_rebuild(k, nslots) < 0) {
        k->slots = old;
        k->nslots = oldn;
        return -1;
    }
    cm_free(old);
    return 0;
}

void cmi_store_rollback_pools(store *s, store_mark m)
{
    cmi_strpool_rollback(&s->strings, m.strings);
    s->text_len = m.text_len;
    s->u16_len = m.u16_len;
    s->refs_len = m.refs_len;
    s->attrs_len = m.attrs_len;
}

void cmi_store_rollback(store *s, store_mark m)
{
    cmi_store_rollback_pools(s, m);
    while (s->nfiles > m.nfiles)
        cm_free(s->files[--s->nfiles]);
    for (int k = 0; k < 2; k++) {
        struct kind_store *ks = &s->kinds[k];
        if (ks->count == m.count[k])
            continue;
        size_t added = ks->count - m.count[k];
        ks->version++;
        /* Neither needs memory: keep the table size. A few profiles (a
         * visitor) come out one by one, the latest first (the records stay
         * in memory, past the count); a whole file's by clearing the index
         * and putting the others back. */
        if (ks->nslots && ks->count > m.count[k] && added <= m.count[k] / 8) {
            for (size_t i = ks->count; i-- > m.count[k];)
                index_delete(ks, i);
        } else if (ks->nslots) {
            memset(ks->slots, 0, ks->nslots * sizeof *ks->slots);
            for (size_t i = 0; i < m.count[k]; i++)
                index_insert(ks, i);
        }
        ks->count = m.count[k];
    }
}

/* Room for `add` more elements of a pool that holds `len`. */
static void expect_room(void **buf, size_t *cap, size_t len, size_t add, size_t elem)
{
    if (len + add > *cap)
        cm_reserve(buf, cap, len, len + add, elem);   /* a hint: may fail */
}

void cmi_store_expect(store *s, store_mark since, double arrays, double tables)
{
    if (!(arrays > 0) || !(tables > 0))
        return;
    if (arrays > 1e6)
        arrays = 1e6;
    if (tables > 1e6)
        tables = 1e6;
#define ADD(now, then, f) ((size_t)((double)((now) - (then)) * (f)) + 16)
#define MORE(now, then) ADD(now, then, arrays)
    cmi_strpool_reserve(&s->strings, MORE(s->strings.len, since.strings.len),
                    ADD(s->strings.nentries, since.strings.nentries, tables));
    expect_room((void **)&s->text, &s->text_cap, s->text_len, MORE(s->text_len, since.text_len), 1);
    expect_room((void **)&s->u16, &s->u16_cap, s->u16_len, MORE(s->u16_len, since.u16_len),
                sizeof *s->u16);
    expect_room((void **)&s->refs, &s->refs_cap, s->refs_len, MORE(s->refs_len, since.refs_len),
                sizeof *s->refs);
    expect_room((void **)&s->attrs, &s->attrs_cap, s->attrs_len,
                MORE(s->attrs_len, since.attrs_len), sizeof *s->attrs);
    for (int kind = 0; kind < 2; kind++) {
        struct kind_store *k = &s->kinds[kind];
        if (k->count == since.count[kind])
            continue;
        expect_room(&k->items, &k->cap, k->count, MORE(k->count, since.count[kind]),
                    k->item_size);
        index_fit(k, k->count + ADD(k->count, since.count[kind], tables));
    }
#undef MORE
#undef ADD
}

void cmi_store_room(store *s, size_t profiles)
{
    size_t bytes = profiles * 1024;   /* a profile's strings and lists, with room */
    cmi_strpool_reserve(&s->strings, bytes, profiles * 64);
    expect_room((void **)&s->text, &s->text_cap, s->text_len, bytes, 1);
    expect_room((void **)&s->u16, &s->u16_cap, s->u16_len, profiles * 64, sizeof *s->u16);
    expect_room((void **)&s->refs, &s->refs_cap, s->refs_len, profiles * 64, sizeof *s->refs);
    expect_room((void **)&s->attrs, &s->attrs_cap, s->attrs_len, profiles * 16,
                sizeof *s->attrs);
    for (int kind = 0; kind < 2; kind++) {
        struct kind_store *k = &s->kinds[kind];
        expect_room(&k->items, &k->cap, k->count, profiles, k->item_size);
        index_fit(k, k->count + profiles);
    }
}

/* Down to len elements (a failure keeps the larger block: harmless). */
static void shrink(void **buf, size_t *cap, size_t len, size_t elem)
{
    if (*buf != NULL && len > 0 && len < *cap)
        cm_resize(buf, cap, len, elem);
}

void cmi_store_trim(store *s)
{
    shrink((void **)&s->strings.arena, &s->strings.cap, s->strings.len, 1);
    shrink((void **)&s->text, &s->text_cap, s->text_len, 1);
    shrink((void **)&s->u16, &s->u16_cap, s->u16_len, sizeof *s->u16);
    shrink((void **)&s->refs, &s->refs_cap, s->refs_len, sizeof *s->refs);
    shrink((void **)&s->attrs, &s->attrs_cap, s->attrs_len, sizeof *s->attrs);
    for (int kind = 0; kind < 2; kind++) {
        struct kind_store *k = &s->kinds[kind];
        shrink(&k->items, &k->cap, k->count, k->item_size);
    }
}

int cmi_store_add_file(store *s, const char *name, uint16_t *out)
{
    if (s->nfiles >= UINT16_MAX)
        return -1;
    if (cm_grow((void **)&s->files, &s->files_cap, s->nfiles + 1, sizeof *s->files) < 0)
        return -1;
    char *copy = cm_strdup(name);
    if (copy == NULL)
        return -1;
    s->files[s->nfiles] = copy;
    *out = (uint16_t)s->nfiles++;
    return 0;
}

int cmi_store_push_u16(store *s, uint16_t v)
{
    if ((s->u16_len >= s->u16_cap || s->u16_len >= UINT32_MAX) &&   /* room ahead: no call */
        (s->u16_len >= UINT32_MAX ||
         cm_grow((void **)&s->u16, &s->u16_cap, s->u16_len + 1, sizeof *s->u16) < 0))
        return -1;
    s->u16[s->u16_len++] = v;
    return 0;
}

int cmi_store_push_ref(store *s, uint32_t v)
{
    if ((s->refs_len >= s->refs_cap || s->refs_len >= UINT32_MAX) &&   /* room ahead: no call */
        (s->refs_len >= UINT32_MAX ||
         cm_grow((void **)&s->refs, &s->refs_cap, s->refs_len + 1, sizeof *s->refs) < 0))
        return -1;
    s->refs[s->refs_len++] = v;
    return 0;
}

int cmi_store_push_attr(store *s, const struct attr *a)
{
    if ((s->attrs_len >= s->attrs_cap || s->attrs_len >= UINT32_MAX) &&   /* room ahead: no call */
        (s->attrs_len >= UINT32_MAX ||
         cm_grow((void **)&s->attrs, &s->attrs_cap, s->attrs_len + 1, sizeof *s->attrs) < 0))
        return -1;
    s->attrs[s->attrs_len++] = *a;
    return 0;
}

int cmi_store_add_text(store *s, const char *t, size_t len, uint32_t *out)
{
    if (len == 0) {
        *out = 0;
        return 0;
    }
    if (s->text_len + len + 1 > UINT32_MAX ||
        cm_grow((void **)&s->text, &s->text_cap, s->text_len + len + 1, 1) < 0)
        return -1;
    memcpy(s->text + s->text_len, t, len);
    s->text[s->text_len + len] = '\0';
    *out = (uint32_t)s->text_len;
    s->text_len += len + 1;
    return 0;
}

int cmi_store_append(store *s, int kind, const void *profile)
{
    struct kind_store *k = &s->kinds[kind];
    if (k->count >= UINT32_MAX - 1)
        return -1;
    if (cm_grow(&k->items, &k->cap, k->count + 1, k->item_size) < 0)
        return -1;
    if (index_fit(k, k->count + 1) < 0)
        return -1;
    memcpy((char *)k->items + k->count * k->item_size, profile, k->item_size);
    index_insert(k, k->count);
    k->count++;
    k->version++;
    return 0;
}

void cmi_store_prefetch_id(const store *s, int kind, str_ref id)
{
#if defined(__GNUC__)
    const struct kind_store *k = &s->kinds[kind];
    if (k->nslots)
        __builtin_prefetch(&k->slots[id_hash(id) & (k->nslots - 1)], 1);
#else
    (void)s;
    (void)kind;
    (void)id;
#endif
}

void cmi_store_remove(store *s, int kind, size_t i)
{
    struct kind_store *k = &s->kinds[kind];
    if (i >= k->count)
        return;
    char *items = k->items;
    memmove(items + i * k->item_size, items + (i + 1) * k->item_size,
            (k->count - i - 1) * k->item_size);
    k->count--;
    k->version++;
    /* the indexes after i moved down by one: insert them all again */
    memset(k->slots, 0, k->nslots * sizeof *k->slots);
    for (size_t j = 0; j < k->count; j++)
        index_insert(k, j);
}

void cmi_store_move(store *s, int kind, size_t from, size_t to)
{
    struct kind_store *k = &s->kinds[kind];
    if (from >= k->count || to >= k->count || from == to)
        return;
    char tmp[sizeof(struct enterprise) > sizeof(struct region) ? sizeof(struct enterprise)
                                                                : sizeof(struct region)];
    char *items = k->items;
    size_t sz = k->item_size;
    memcpy(tmp, items + from * sz, sz);
    if (from > to)
        memmove(items + (to + 1) * sz, items + to * sz, (from - to) * sz);
    else
        memmove(items + from * sz, items + (from + 1) * sz, (to - from) * sz);
    memcpy(items + to * sz, tmp, sz);
    k->version++;
    memset(k->slots, 0, k->nslots * sizeof *k->slots);
    for (size_t j = 0; j < k->count; j++)
        index_insert(k, j);
}

size_t cmi_store_find(const store *s, int kind, str_ref id)
{
    const struct kind_store *k = &s->kinds[kind];
    if (k->nslots == 0 || id == STR_NONE)
        return SIZE_MAX;
    size_t mask = k->nslots - 1;
    for (size_t h = id_hash(id) & mask; k->slots[h]; h = (h + 1) & mask) {
        size_t i = k->slots[h] - 1;
        if (*id_of(k, i) == id)
            return i;
    }
    return SIZE_MAX;
}

size_t cmi_store_memory(const store *s, int kind, size_t *text)
{
    const struct kind_store *k = &s->kinds[kind];
    size_t total = s->kinds[0].count + s->kinds[1].count;
    size_t own = k->cap * k->item_size + k->nslots * sizeof *k->slots;
    size_t shared = cmi_strpool_memory(&s->strings) + s->u16_cap * sizeof *s->u16 +
                    s->refs_cap * sizeof *s->refs + s->attrs_cap * sizeof *s->attrs;
    size_t text_share = 0;
    if (total) {
        /* descriptions belong to enterprises only */
        text_share = kind == 1 ? s->text_cap : 0;
        own += (size_t)((double)shared * (double)k->count / (double)total);
    }
    if (text)
        *text = text_share;
    return own + text_share;
}
