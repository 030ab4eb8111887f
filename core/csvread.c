/*
 * csvread.c - CSV records, field by field (see csvread.h).
 *
 * One pass over the source's window, a few states, and tight loops over the
 * bytes of a field that need no decision (most of them), sixteen at a time
 * where SSE2 is there; a plain field that ends in the window is taken whole.
 * The text of each field is copied once into the record's text buffer,
 * unescaped and NUL-terminated. cmi_csvr_peek glances at the next record
 * without reading input, for work that can start early.
 */
#include "csvread.h"
#include "alloc.h"

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define CSVR_SSE2 1
#endif

enum { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_UNQUOTED, FIELD_QUOTED, FIELD_MIGHT_END,
       FIELD_COMMENT };

/* bytes that end a run of plain text in an unquoted field */
static const unsigned char special[256] = {
    [0] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1,
};
/* the same where quotes are plain characters */
static const unsigned char special_plain[256] = {
    [0] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1,
};

/* The first byte at or after k in p[0..n) that `stop` marks (up to four
 * kinds of byte besides NUL: a, b, c2, d; repeat one to ask for fewer).
 * Sixteen bytes at a time where SSE2 is there: fields are mostly short,
 * and most end within their first sixteen bytes. */
static inline size_t scan(const unsigned char *p, size_t k, size_t n, const unsigned char *stop,
                          char a, char b, char c2, char d)
{
#ifdef CSVR_SSE2
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c2),
                  vd = _mm_set1_epi8(d), zero = _mm_setzero_si128();
    while (k + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vc),
                                                           _mm_cmpeq_epi8(v, vd)),
                                              _mm_cmpeq_epi8(v, zero)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return k + (size_t)__builtin_ctz(bits);
        k += 16;
    }
#else
    (void)a;
    (void)b;
    (void)c2;
    (void)d;
#endif
    while (k < n && !stop[p[k]])
        k++;
    return k;
}

/* bytes that end a quoted field's text, and a comment line */
static const unsigned char special_quoted[256] = { [0] = 1, ['"'] = 1 };
static const unsigned char special_comment[256] = { [0] = 1, ['\n'] = 1, ['\r'] = 1 };

void cmi_csvr_init(csvr *c, source *src, size_t start, size_t max)
{
    memset(c, 0, sizeof *c);
    c->src = src;
    c->pos = start;
    c->max = max;
}

void cmi_csvr_free(csvr *c)
{
    cm_free(c->fields);
    cm_free(c->text);
    c->fields = NULL;
    c->text = NULL;
}

static int is_blank(unsigned ch)
{
    return ch == ' ' || ch == '\t';
}

/* Append text to the field being read (unless the record is over its
 * limit); room for its terminator too. */
static inline int put(csvr *c, const unsigned char *p, size_t n, size_t *flen)
{
    *flen += n;
    if (c->too_long)
        return 0;
    if (c->bytes + *flen > c->max) {
        c->too_long = 1;
        return 0;
    }
    if (c->text_len + n + 1 > c->text_cap &&
        cm_grow((void **)&c->text, &c->text_cap, c->text_len + n + 1, 1) < 0)
        return -1;
    memcpy(c->text + c->text_len, p, n);
    c->text_len += n;
    return 0;
}

/* The field that began at `at` with its text from text[fstart] is complete. */
static inline int end_field(csvr *c, size_t at, size_t fstart, size_t flen, int trim)
{
    size_t len = c->text_len - fstart;
    if (trim && !c->too_long) {
        while (len && is_blank((unsigned char)c->text[fstart + len - 1]))
            len--;
        flen -= c->text_len - fstart - len;
        c->text_len = fstart + len;
    }
    c->bytes += flen + 1;
    if (c->bytes > c->max)
        c->too_long = 1;
    size_t n = c->nfields++;
    if (c->too_long || (c->max_fields && n >= c->max_fields)) {
        if (c->max_fields && n >= c->max_fields)
            c->too_many = 1;
        return 0;
    }
    if (c->text_len + 1 > c->text_cap &&
        cm_grow((void **)&c->text, &c->text_cap, c->text_len + 1, 1) < 0)
        return -1;
    c->text[c->text_len++] = '\0';
    if (n + 1 > c->fields_cap &&
        cm_grow((void **)&c->fields, &c->fields_cap, n + 1, sizeof *c->fields) < 0)
        return -1;
    c->fields[n] = (csvr_field){ fstart, len, at };
    return 0;
}

/* A whole field whose text is p[0..len), with nothing to unescape, read
 * at once: what put() and end_field() would do, when it is under every
 * limit and the buffers have room (the usual case once a few records have
 * sized them). Returns 0 when the general path must take the field. */
static inline int whole_field(csvr *c, const unsigned char *p, size_t len, size_t at)
{
    size_t n = c->nfields;
    if (c->too_long || c->bytes + len + 1 > c->max || (c->max_fields && n >= c->max_fields) ||
        c->text_len + len + 1 > c->text_cap || n >= c->fields_cap)
        return 0;
    memcpy(c->text + c->text_len, p, len);
    c->text[c->text_len + len] = '\0';
    c->fields[n] = (csvr_field){ c->text_len, len, at };
    c->text_len += len + 1;
    c->bytes += len + 1;
    c->nfields = n + 1;
    return 1;
}

static int fail(csvr *c, enum csvr_error e, size_t at)
{
    c->error = e;
    c->error_at = at;
    return -1;
}

int cmi_csvr_next(csvr *c)
{
    source *s = c->src;
    c->nfields = 0;
    c->text_len = 0;
    c->bytes = 0;
    c->too_long = 0;
    c->too_many = 0;
    c->is_comment = 0;
    const unsigned char *stop = c->plain ? special_plain : special;
    int state = ROW_NOT_BEGUN;
    size_t i = c->pos;
    size_t field_at = 0, fstart = 0, flen = 0, spaces = 0, k;
    for (;;) {
        size_t n = cmi_src_avail(s, i);
        if (n == 0) {
            if (s->nomem)
                return fail(c, CSVR_NOMEM, i);
            if (s->err)
                return fail(c, CSVR_READ, i);
            c->pos = c->end = i;
            switch (state) {
            case ROW_NOT_BEGUN:
                return 0;
            case FIELD_NOT_BEGUN:
                if (end_field(c, i, c->text_len, 0, 0) < 0)
                    return fail(c, CSVR_NOMEM, i);
                return 1;
            case FIELD_UNQUOTED:
                if (end_field(c, field_at, fstart, flen, 1) < 0)
                    return fail(c, CSVR_NOMEM, i);
                return 1;
            case FIELD_MIGHT_END:
            case FIELD_COMMENT:
                if (end_field(c, field_at, fstart, flen, state == FIELD_COMMENT) < 0)
                    return fail(c, CSVR_NOMEM, i);
                return 1;
            default:
                return fail(c, CSVR_UNCLOSED, i);
            }
        }
        const unsigned char *p = (const unsigned char *)src_at(s, i);
        k = 0;
        while (k < n) {
            unsigned ch = p[k];
            switch (state) {
            case ROW_NOT_BEGUN:
            case FIELD_NOT_BEGUN:
                if (is_blank(ch)) {
                    k++;
                    continue;
                }
                if (ch == '\n' || ch == '\r') {
                    if (state == ROW_NOT_BEGUN) {   /* a blank line */
                        k++;
                        continue;
                    }
                    if (end_field(c, i + k, c->text_len, 0, 0) < 0)
                        return fail(c, CSVR_NOMEM, i + k);
                    goto row_end;
                }
                if (state == ROW_NOT_BEGUN) {
                    c->start = i + k;
                    cmi_src_keep(s, c->start);
                    state = FIELD_NOT_BEGUN;
                }
                if (ch == ',') {
                    if (end_field(c, i + k, c->text_len, 0, 0) < 0)
                        return fail(c, CSVR_NOMEM, i + k);
                    k++;
                    continue;
                }
                if (ch == 0)
                    return fail(c, CSVR_NUL, i + k);
                field_at = i + k;
                fstart = c->text_len;
                flen = 0;
                if (state == FIELD_NOT_BEGUN && c->nfields == 0 && c->comment &&
                    ch == (unsigned)c->comment) {
                    c->is_comment = 1;
                    state = FIELD_COMMENT;
                    continue;
                }
                if (ch == '"' && !c->plain) {
                    state = FIELD_QUOTED;
                    k++;
                    /* the usual quoted field: no "" inside, and its closing
                     * quote right before the separator */
                    size_t e = scan(p, k, n, special_quoted, '"', '"', '"', '"');
                    if (e + 1 < n && p[e] == '"' &&
                        (p[e + 1] == ',' || p[e + 1] == '\n' || p[e + 1] == '\r') &&
                        whole_field(c, p + k, e - k, field_at)) {
                        k = e + 1;
                        if (p[k] != ',')
                            goto row_end;
                        state = FIELD_NOT_BEGUN;
                        k++;
                    }
                } else {
                    state = FIELD_UNQUOTED;
                    /* the usual unquoted field: it ends in this window */
                    size_t e = scan(p, k, n, stop, ',', '\n', '\r', c->plain ? ',' : '"');
                    if (e < n && (p[e] == ',' || p[e] == '\n' || p[e] == '\r')) {
                        size_t z = e;
                        while (z > k && is_blank(p[z - 1]))
                            z--;
                        if (whole_field(c, p + k, z - k, field_at)) {
                            k = e;
                            if (p[k] != ',')
                                goto row_end;
                            state = FIELD_NOT_BEGUN;
                            k++;
                        }
                    }
                }
                continue;
            case FIELD_UNQUOTED: {
                size_t k0 = k;
                k = scan(p, k, n, stop, ',', '\n', '\r', c->plain ? ',' : '"');
                if (k > k0 && put(c, p + k0, k - k0, &flen) < 0)
                    return fail(c, CSVR_NOMEM, i + k0);
                if (k == n)
                    continue;
                ch = p[k];
                if (ch == '"')
                    return fail(c, CSVR_QUOTE, i + k);
                if (ch == 0)
                    return fail(c, CSVR_NUL, i + k);
                if (end_field(c, field_at, fstart, flen, 1) < 0)
                    return fail(c, CSVR_NOMEM, i + k);
                if (ch != ',')
                    goto row_end;
                state = FIELD_NOT_BEGUN;
                k++;
                continue;
            }
            case FIELD_QUOTED: {
                size_t k0 = k;
                k = scan(p, k, n, special_quoted, '"', '"', '"', '"');
                if (k > k0 && put(c, p + k0, k - k0, &flen) < 0)
                    return fail(c, CSVR_NOMEM, i + k0);
                if (k == n)
                    continue;
                if (p[k] == 0)
                    return fail(c, CSVR_NUL, i + k);
                state = FIELD_MIGHT_END;
                spaces = 0;
                k++;
                continue;
            }
            case FIELD_COMMENT: {
                /* the rest of the line, commas and quotes included */
                size_t k0 = k;
                k = scan(p, k, n, special_comment, '\n', '\r', '\n', '\r');
                if (k > k0 && put(c, p + k0, k - k0, &flen) < 0)
                    return fail(c, CSVR_NOMEM, i + k0);
                if (k == n)
                    continue;
                if (p[k] == 0)
                    return fail(c, CSVR_NUL, i + k);
                if (end_field(c, field_at, fstart, flen, 1) < 0)
                    return fail(c, CSVR_NOMEM, i + k);
                goto row_end;
            }
            default:    /* FIELD_MIGHT_END: after a quote in a quoted field */
                if (ch == '"') {
                    if (spaces)
                        return fail(c, CSVR_QUOTE, i + k);
                    if (put(c, p + k, 1, &flen) < 0)      /* "" is one quote */
                        return fail(c, CSVR_NOMEM, i + k);
                    state = FIELD_QUOTED;
                    k++;
                    continue;
                }
                if (is_blank(ch)) {
                    spaces++;
                    k++;
                    continue;
                }
                if (ch == ',' || ch == '\n' || ch == '\r') {
                    if (end_field(c, field_at, fstart, flen, 0) < 0)
                        return fail(c, CSVR_NOMEM, i + k);
                    if (ch != ',')
                        goto row_end;
                    state = FIELD_NOT_BEGUN;
                    k++;
                    continue;
                }
                return fail(c, ch == 0 ? CSVR_NUL : CSVR_QUOTE, i + k);
            }
        }
        i += n;
        if (c->too_long)
            cmi_src_keep(s, i);
    }
row_end:
    /* p[k] is CR or LF; a CRLF pair ends the record as one */
    {
        size_t at = i + k;
        int ch = cmi_src_byte(s, at);
        at++;
        if (ch == '\r' && cmi_src_byte(s, at) == '\n')
            at++;
        c->pos = c->end = at;
    }
    return 1;
}

void cmi_csvr_peek(const csvr *c, csvr_peek_field *out, size_t n)
{
    const source *s = c->src;
    size_t end = s->base + s->len, at = c->pos;
    for (size_t i = 0; i < n; i++)
        out[i].len = SIZE_MAX;
    if (at < s->base || at >= end)
        return;
    const unsigned char *p = (const unsigned char *)src_at(s, at);
    size_t k = 0, avail = end - at;
    while (k < avail && (p[k] == '\n' || p[k] == '\r'))
        k++;
    const unsigned char *stop = c->plain ? special_plain : special;
    for (size_t i = 0; i < n && k < avail; i++) {
        size_t a = k, e;
        if (p[k] == '"' && !c->plain) {
            a = ++k;
            e = scan(p, k, avail, special_quoted, '"', '"', '"', '"');
            if (e + 1 >= avail || p[e] != '"' || p[e + 1] != ',')
                return;
            k = e + 2;
        } else {
            e = scan(p, k, avail, stop, ',', '\n', '\r', c->plain ? ',' : '"');
            if (e >= avail || p[e] != ',')
                return;
            k = e + 1;
        }
        out[i].s = (const char *)p + a;
        out[i].len = e - a;
    }
}
