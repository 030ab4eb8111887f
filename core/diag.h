/*
 * diag.h - lists of load problems (the public cm_diags) and the one place
 * their messages are formatted, so that every loader words errors alike:
 *
 *     FILE:LINE[:COL]: record N (id "X"): FIELD: expected E, found F
 *
 * Owns the diagnostics' strings. Depends only on alloc.h.
 */
#ifndef CM_DIAG_H
#define CM_DIAG_H

#include "capmatch.h"
#include <stdarg.h>

struct cm_diags {
    cm_diag *items;
    size_t count, cap;
    size_t dropped;
    size_t limit;            /* 0: unlimited */
};

/* Everything known about one problem; NULL/0 members are left out. */
typedef struct diag_info {
    const char *file;
    unsigned long line, column;
    long record;
    const char *id;          /* not necessarily NUL-terminated: id_len */
    size_t id_len;
    const char *field;
    const char *expected;
    const char *found;
    const char *note;        /* free text after the rest, e.g. "first defined at ..." */
} diag_info;

/* Add a problem. Returns 0, or -1 when out of memory (the list is unchanged).
 * Past the limit the problem is only counted in d->dropped. */
int cmi_diag_add(cm_diags *d, const diag_info *info);

/* UTF-8 validation: the byte offset of the first invalid sequence, or len
 * when all of s is valid. */
size_t cmi_utf8_check(const char *s, size_t len);

/* Quote a value for "found": JSON-style escapes, cut after max bytes with
 * "...". Writes into buf (size n) and returns buf. */
const char *cmi_diag_quote(char *buf, size_t n, const char *s, size_t len);

#endif
