/*
 * buf.h - the growable text buffer of the library, and the one place text
 * is escaped for JSON, CSV and HTML.
 *
 * Part of the base layer: depends on alloc.h only, and nothing below
 * profiles, policies, batch or feeds may be needed to use it. A buffer that
 * fails to grow remembers it (nomem) and ignores further appends, so that a
 * writer checks once at the end instead of after every call.
 */
#ifndef CM_BUF_H
#define CM_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct textbuf {
    char *s;                  /* NUL-terminated once anything was written */
    size_t len, cap;
    int nomem;                /* an append failed: the text is incomplete */
} textbuf;

#define BUF_INIT { NULL, 0, 0, 0 }

void cmi_buf_put(textbuf *b, const char *s, size_t n);
void cmi_buf_puts(textbuf *b, const char *s);
void cmi_buf_putc(textbuf *b, char c);
void cmi_buf_printf(textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmi_buf_vprintf(textbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Room for n more bytes at b->s + b->len (then add them to b->len and keep
 * the NUL); NULL (and nomem set) when it cannot grow. */
char *cmi_buf_reserve(textbuf *b, size_t n);
/* Forget the text, keep the memory; and give the memory back. */
void cmi_buf_clear(textbuf *b);
void cmi_buf_free(textbuf *b);

/* s[0..n) as a JSON string literal with its quotes: '"' and '\\' escaped,
 * \n \r \t as such, other control characters and DEL as \u00XX, and a byte
 * that does not start a valid UTF-8 character as \ufffd. */
void cmi_buf_json_string(textbuf *b, const char *s, size_t n);
/* One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line
 * end, or starts with '#' (which would read back as a comment line). */
void cmi_buf_csv_cell(textbuf *b, const char *s, size_t n);
/* HTML text or attribute value: & < > " ' as entities. */
void cmi_buf_html(textbuf *b, const char *s, size_t n);

/* Length of the valid UTF-8 character at s (1-4), or 0 when the bytes at
 * s (at most n) are not one. */
size_t cmi_buf_utf8_char(const char *s, size_t n);

#endif
