/*
 * diag.c - diagnostics lists and message formatting (see diag.h).
 *
 * Each diagnostic owns one heap block holding all of its strings, so that
 * adding one is a single allocation and freeing the list is a loop.
 */
#include "diag.h"
#include "alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define DIAG_SSE2 1
#endif

CM_API cm_diags *cm_diags_new(void)
{
    return cm_calloc(1, sizeof(cm_diags));
}

CM_API void cm_diags_clear(cm_diags *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->count; i++)
        cm_free((void *)d->items[i].message);
    d->count = 0;
    d->dropped = 0;
}

CM_API void cm_diags_free(cm_diags *d)
{
    if (d == NULL)
        return;
    cm_diags_clear(d);
    cm_free(d->items);
    cm_free(d);
}

CM_API size_t cm_diags_count(const cm_diags *d) { return d ? d->count : 0; }
CM_API size_t cm_diags_dropped(const cm_diags *d) { return d ? d->dropped : 0; }

CM_API const cm_diag *cm_diags_at(const cm_diags *d, size_t i)
{
    return d && i < d->count ? &d->items[i] : NULL;
}

size_t cmi_utf8_check(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* ASCII runs, thirty-two bytes at a time where SSE2 is there (a
         * CSV row's text is checked whole), then eight */
#ifdef DIAG_SSE2
        while (i + 32 <= len) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
            if (_mm_movemask_epi8(_mm_or_si128(a, b)))
                break;
            i += 32;
        }
#endif
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xf0) == 0xe0 && i + 2 < len) {
            /* three bytes (CJK, Thai, Vietnamese letters): the usual case */
            unsigned b1 = p[i + 1], b2 = p[i + 2];
            if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80)
                return i;
            unsigned cp = (c & 0x0f) << 12 | (b1 & 0x3f) << 6 | (b2 & 0x3f);
            if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
                return i;
            i += 3;
            continue;
        }
        size_t n;
        unsigned min;
        if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
        else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
        else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
        else return i;
        if (i + n >= len)
            return i;
        unsigned cp = c & (0x3f >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n + 1;
    }
    return len;
}

const char *cmi_diag_quote(char *buf, size_t n, const char *s, size_t len)
{
    size_t o = 0;
    int cut = 0;
    if (n < 8) {
        if (n)
            buf[0] = '\0';
        return buf;
    }
    buf[o++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        size_t el;
        if (c == '"' || c == '\\') {
            esc[0] = '\\'; esc[1] = (char)c; el = 2;
        } else if (c == '\n') {
            memcpy(esc, "\\n", 2); el = 2;
        } else if (c == '\r') {
            memcpy(esc, "\\r", 2); el = 2;
        } else if (c == '\t') {
            memcpy(esc, "\\t", 2); el = 2;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c); el = 6;
        } else if (c >= 0x80) {
            /* a whole valid UTF-8 character, or the stray byte as \xNN */
            size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            if (i + want <= len && cmi_utf8_check(s + i, want) == want) {
                memcpy(esc, s + i, want);
                el = want;
                if (o + el + 5 > n) {
                    cut = 1;
                    break;
                }
                memcpy(buf + o, esc, el);
                o += el;
                i += want - 1;
                continue;
            }
            snprintf(esc, sizeof esc, "\\x%02x", c); el = 4;
        } else {
            esc[0] = (char)c; el = 1;
        }
        /* keep room for the closing quote, "..." and NUL */
        if (o + el + 5 > n) {
            cut = 1;
            break;
        }
        /* do not cut a UTF-8 sequence in the middle: stop before a lead byte */
        if (o + el + 5 + 4 > n && c >= 0xc0) {
            cut = 1;
            break;
        }
        memcpy(buf + o, esc, el);
        o += el;
    }
    if (cut) {
        while (o > 1 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
            o--;
        if (o > 1 && (unsigned char)buf[o - 1] >= 0xc0)
            o--;
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* Append a string to the block, return its copy's offset. */
static size_t put(char *blk, size_t *o, const char *s, size_t len)
{
    size_t at = *o;
    memcpy(blk + at, s, len);
    blk[at + len] = '\0';
    *o += len + 1;
    return at;
}

int cmi_diag_add(cm_diags *d, const diag_info *in)
{
    if (d == NULL)
        return 0;
    if (d->limit && d->count >= d->limit) {
        d->dropped++;
        return 0;
    }
    char msg[2048];
    size_t m = 0;
#define EMIT(...)                                                              \
    do {                                                                       \
        int w_ = snprintf(msg + m, sizeof msg - m, __VA_ARGS__);               \
        if (w_ > 0)                                                            \
            m = (size_t)w_ < sizeof msg - m ? m + (size_t)w_ : sizeof msg - 1; \
    } while (0)
    EMIT("%s", in->file ? in->file : "-");
    if (in->line) {
        EMIT(":%lu", in->line);
        if (in->column)
            EMIT(":%lu", in->column);
    }
    EMIT(":");
    if (in->record > 0) {
        EMIT(" record %ld", in->record);
        if (in->id && in->id_len) {
            char q[96];
            EMIT(" (id %s)", cmi_diag_quote(q, sizeof q, in->id, in->id_len));
        }
        EMIT(":");
    }
    if (in->field)
        EMIT(" %s:", in->field);
    if (in->expected && in->found)
        EMIT(" expected %s, found %s", in->expected, in->found);
    else if (in->expected)
        EMIT(" expected %s", in->expected);
    else if (in->found)
        EMIT(" %s", in->found);
    if (in->note)
        EMIT("%s%s", (in->expected || in->found) ? "; " : " ", in->note);
#undef EMIT

    size_t idl = in->id ? in->id_len : 0;
    size_t fl = in->file ? strlen(in->file) : 0;
    size_t fdl = in->field ? strlen(in->field) : 0;
    size_t el = in->expected ? strlen(in->expected) : 0;
    size_t fol = in->found ? strlen(in->found) : 0;
    char *blk = cm_malloc(m + idl + fl + fdl + el + fol + 8);
    if (blk == NULL)
        return -1;
    if (cm_grow((void **)&d->items, &d->cap, d->count + 1, sizeof *d->items) < 0) {
        cm_free(blk);
        return -1;
    }
    size_t o = 0;
    size_t at_msg = put(blk, &o, msg, m);
    size_t at_file = put(blk, &o, in->file ? in->file : "-", in->file ? fl : 1);
    size_t at_id = put(blk, &o, in->id ? in->id : "", idl);
    size_t at_field = put(blk, &o, in->field ? in->field : "", fdl);
    size_t at_exp = put(blk, &o, in->expected ? in->expected : "", el);
    size_t at_found = put(blk, &o, in->found ? in->found : "", fol);
    cm_diag *g = &d->items[d->count++];
    g->message = blk + at_msg;      /* first: cm_diags_clear frees through it */
    g->file = blk + at_file;
    g->line = in->line;
    g->column = in->column;
    g->record = in->record;
    g->id = idl ? blk + at_id : NULL;
    g->field = in->field ? blk + at_field : NULL;
    g->expected = in->expected ? blk + at_exp : NULL;
    g->found = in->found ? blk + at_found : NULL;
    return 0;
}
