/*
 * buf.c - the growable text buffer and the JSON, CSV and HTML escapes (see
 * buf.h). Base layer: depends on alloc.h only.
 */
#include "buf.h"
#include "alloc.h"
#include "capmatch.h"

#include <stdio.h>
#include <string.h>

char *cmi_buf_reserve(textbuf *b, size_t n)
{
    if (b->nomem)
        return NULL;
    if (n > (size_t)-1 - b->len - 1 || cm_grow((void **)&b->s, &b->cap, b->len + n + 1, 1) < 0) {
        b->nomem = 1;
        return NULL;
    }
    return b->s + b->len;
}

void cmi_buf_put(textbuf *b, const char *s, size_t n)
{
    char *p = cmi_buf_reserve(b, n);
    if (p == NULL)
        return;
    if (n)
        memcpy(p, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void cmi_buf_puts(textbuf *b, const char *s) { cmi_buf_put(b, s, strlen(s)); }

void cmi_buf_putc(textbuf *b, char c) { cmi_buf_put(b, &c, 1); }

void cmi_buf_vprintf(textbuf *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return;
    char *p = cmi_buf_reserve(b, (size_t)n);
    if (p == NULL)
        return;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void cmi_buf_printf(textbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cmi_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void cmi_buf_clear(textbuf *b)
{
    b->len = 0;
    b->nomem = 0;
    if (b->s)
        b->s[0] = '\0';
}

void cmi_buf_free(textbuf *b)
{
    cm_free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->nomem = 0;
}

size_t cmi_buf_utf8_char(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80)
        return 1;
    size_t len;
    unsigned long cp, min;
    if (u[0] >= 0xc2 && u[0] <= 0xdf) {
        len = 2, cp = u[0] & 0x1f, min = 0x80;
    } else if (u[0] >= 0xe0 && u[0] <= 0xef) {
        len = 3, cp = u[0] & 0x0f, min = 0x800;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        len = 4, cp = u[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* The escapes write through an emitter, so that a buffer and a stream
 * (cm_write_json_string) share one definition of each format. */
typedef void (*emit_fn)(void *ud, const char *s, size_t n);

static void emit_buf(void *ud, const char *s, size_t n) { cmi_buf_put(ud, s, n); }

static void json_escape(const char *s, size_t n, emit_fn put, void *ud)
{
    put(ud, "\"", 1);
    size_t run = 0;                 /* start of the bytes copied as they are */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *rep = NULL;
        size_t adv = 1;
        if (c >= 0x80) {
            adv = cmi_buf_utf8_char(s + i, n - i);
            if (adv == 0) {
                rep = "\\ufffd";
                adv = 1;
            }
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c, esc[2] = '\0';
            rep = esc;
        } else if (c == '\n') {
            rep = "\\n";
        } else if (c == '\r') {
            rep = "\\r";
        } else if (c == '\t') {
            rep = "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            rep = esc;
        }
        if (rep) {
            if (i > run)
                put(ud, s + run, i - run);
            put(ud, rep, strlen(rep));
            run = i + adv;
        }
        i += adv;
    }
    if (n > run)
        put(ud, s + run, n - run);
    put(ud, "\"", 1);
}

static void csv_escape(const char *s, size_t n, emit_fn put, void *ud)
{
    int quote = n > 0 && s[0] == '#';
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        if (n)
            put(ud, s, n);
        return;
    }
    put(ud, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            put(ud, s + run, i + 1 - run);   /* up to the quote, then it again */
            run = i;
        }
    }
    if (n > run)
        put(ud, s + run, n - run);
    put(ud, "\"", 1);
}

void cmi_buf_json_string(textbuf *b, const char *s, size_t n) { json_escape(s, n, emit_buf, b); }

void cmi_buf_csv_cell(textbuf *b, const char *s, size_t n) { csv_escape(s, n, emit_buf, b); }

typedef struct sink {
    cm_write_fn fn;
    void *ud;
    int bad;
} sink;

static void emit_sink(void *ud, const char *s, size_t n)
{
    sink *k = ud;
    if (!k->bad && k->fn(s, n, k->ud) != 0)
        k->bad = 1;
}

CM_API cm_status cm_write_json_string(const char *s, cm_write_fn fn, void *ud)
{
    if (s == NULL || fn == NULL)
        return CM_EUSAGE;
    sink k = { fn, ud, 0 };
    json_escape(s, strlen(s), emit_sink, &k);
    return k.bad ? CM_EIO : CM_OK;
}

CM_API cm_status cm_write_csv_cell(const char *s, cm_write_fn fn, void *ud)
{
    if (s == NULL || fn == NULL)
        return CM_EUSAGE;
    sink k = { fn, ud, 0 };
    csv_escape(s, strlen(s), emit_sink, &k);
    return k.bad ? CM_EIO : CM_OK;
}

void cmi_buf_html(textbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        cmi_buf_put(b, s + run, i - run);
        cmi_buf_puts(b, rep);
        run = i + 1;
    }
    cmi_buf_put(b, s + run, n - run);
}
