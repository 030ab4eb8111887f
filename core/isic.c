/*
 * isic.c - ISIC Rev.4 lookups over the built-in table (see isic.h).
 *
 * The table and its code -> id index arrays live in isic_data.c; an id is a
 * row number there. Lookup is one array read after parsing at most four
 * characters, parents are stored ids, and the distance walks at most three
 * steps up from each side. Nothing is allocated or initialised at run time,
 * so every function is safe to call from any number of threads.
 */
#include "isic.h"

#include <stddef.h>
#include <stdint.h>

/* Must match isic_data.c, which defines these. */
#define ISIC_COUNT 766

struct isic_row {
    char code[5];
    uint8_t level;
    isic_id parent;
    const char *title;
};

extern const struct isic_row cmi_isic_rows[ISIC_COUNT + 1];
extern const isic_id cmi_isic_idx_section[26];
extern const isic_id cmi_isic_idx_division[100];
extern const isic_id cmi_isic_idx_group[1000];
extern const isic_id cmi_isic_idx_class[10000];

static int valid(isic_id id)
{
    return id != ISIC_NONE && id <= ISIC_COUNT;
}

size_t cmi_isic_count(void)
{
    return ISIC_COUNT;
}

isic_id cmi_isic_lookup(const char *code, size_t len)
{
    if (code == NULL || len == 0 || len > 4)
        return ISIC_NONE;
    if (len == 1) {
        /* Sections are single capital letters; a lone digit is no code. */
        unsigned char c = (unsigned char)code[0];
        return (c >= 'A' && c <= 'Z') ? cmi_isic_idx_section[c - 'A'] : ISIC_NONE;
    }
    unsigned n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)code[i] - '0';
        if (d > 9)
            return ISIC_NONE;
        n = n * 10 + d;
    }
    switch (len) {
    case 2: return cmi_isic_idx_division[n];
    case 3: return cmi_isic_idx_group[n];
    default: return cmi_isic_idx_class[n];
    }
}

const char *cmi_isic_code(isic_id id)
{
    return valid(id) ? cmi_isic_rows[id].code : "";
}

const char *cmi_isic_title(isic_id id)
{
    return valid(id) ? cmi_isic_rows[id].title : "";
}

int cmi_isic_level(isic_id id)
{
    return valid(id) ? cmi_isic_rows[id].level : -1;
}

isic_id cmi_isic_parent(isic_id id)
{
    return valid(id) ? cmi_isic_rows[id].parent : ISIC_NONE;
}

/* A level below ISIC_SECTION is the virtual root, which has no id; a level
 * at or below the code's own gives the code itself. */
isic_id cmi_isic_ancestor(isic_id id, int level)
{
    if (!valid(id) || level < ISIC_SECTION)
        return ISIC_NONE;
    while (cmi_isic_rows[id].level > level)
        id = cmi_isic_rows[id].parent;
    return id;
}

int cmi_isic_is_within(isic_id code, isic_id ancestor)
{
    if (!valid(code) || !valid(ancestor))
        return 0;
    return cmi_isic_ancestor(code, cmi_isic_rows[ancestor].level) == ancestor;
}

int cmi_isic_distance(isic_id a, isic_id b)
{
    if (!valid(a) || !valid(b))
        return -1;
    int d = 0;
    while (cmi_isic_rows[a].level > cmi_isic_rows[b].level) {
        a = cmi_isic_rows[a].parent;
        d++;
    }
    while (cmi_isic_rows[b].level > cmi_isic_rows[a].level) {
        b = cmi_isic_rows[b].parent;
        d++;
    }
    /* Same level now: climb together; two different sections meet only at
     * the virtual root, one edge above each. */
    while (a != b) {
        a = cmi_isic_rows[a].parent;
        b = cmi_isic_rows[b].parent;
        d += 2;
    }
    return d;
}
