/*
 * jsonread.c - JSON records from a source, found before they are parsed
 * (see jsonread.h).
 */
#include "jsonread.h"
#include "alloc.h"

#include <string.h>

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t cmi_jsonr_skip_ws(source *src, size_t i)
{
    for (;;) {
        size_t n = cmi_src_avail(src, i);
        if (n == 0)
            return i;
        const char *p = src_at(src, i);
        size_t k = 0;
        while (k < n && is_ws(p[k]))
            k++;
        i += k;
        if (k < n)
            return i;
    }
}

static int scalar_char(unsigned c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '+' || c == '-' || c == '.';
}

int cmi_jsonr_value(source *s, size_t at, size_t max, size_t *end)
{
    int depth = 0, in_str = 0, esc = 0, scalar = 0, too_long = 0;
    size_t i = at, k = 0;
    int c0 = cmi_src_byte(s, at);
    if (c0 != '{' && c0 != '[' && c0 != '"') {
        scalar = 1;
        i = at + 1;
    }
    for (;;) {
        size_t n = cmi_src_avail(s, i);
        if (n == 0) {
            *end = i;
            return too_long ? JSONR_BAD : JSONR_EOF;
        }
        const unsigned char *p = (const unsigned char *)src_at(s, i);
        for (k = 0; k < n; k++) {
            unsigned c = p[k];
            if (in_str) {
                if (esc)
                    esc = 0;
                else if (c == '\\')
                    esc = 1;
                else if (c == '"') {
                    in_str = 0;
                    if (depth == 0) {
                        k++;
                        goto done;
                    }
                } else if (c < 0x20)
                    goto bad;
            } else if (scalar) {
                if (!scalar_char(c))
                    goto done;
            } else if (c == '"') {
                in_str = 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth <= 0) {
                    k++;
                    goto done;
                }
            } else if (c < 0x20 && !is_ws((char)c)) {
                goto bad;
            }
        }
        i += k;
        if (i - at > max && !too_long)
            too_long = 1;
        if (too_long)
            cmi_src_keep(s, i);
    }
done:
    i += k;
    *end = i;
    return i - at > max ? JSONR_TOO_LONG : JSONR_OK;
bad:
    i += k;
    if (too_long || i - at >= max) {
        *end = i;
        return JSONR_BAD;
    }
    *end = i + 1;
    return JSONR_OK;
}

int cmi_jsonr_line(source *src, size_t at, size_t max, size_t *eol, size_t *next, int *long_line)
{
    size_t i = at;
    *long_line = 0;
    for (;;) {
        size_t n = cmi_src_avail(src, i);
        if (n == 0) {
            *eol = *next = i;
            return 0;
        }
        const char *p = src_at(src, i);
        const char *nl = memchr(p, '\n', n);
        size_t upto = nl ? (size_t)(nl - p) : n;
        if (*long_line || (i + upto) - at > max) {
            *long_line = 1;
            const char *z = memchr(p, '\0', upto);
            if (z) {
                *eol = i + (size_t)(z - p);
                return -1;
            }
        }
        if (nl) {
            *eol = i + upto;
            *next = *eol + 1;
            return 0;
        }
        i += n;
        if (*long_line)
            cmi_src_keep(src, i);
    }
}


json_t *cmi_jsonr_parse(source *src, size_t at, size_t len, size_t flags, json_error_t *err,
                    int *nomem)
{
    unsigned long failures = cm_alloc_failures;
    json_t *j = json_loadb(src_at(src, at), len, flags, err);
    *nomem = 0;
    if (cm_alloc_failures != failures) {
        /* jansson may word a failed allocation as a syntax error */
        json_decref(j);
        *nomem = 1;
        return NULL;
    }
    return j;
}
