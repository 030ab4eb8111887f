/*
 * csvread.h - CSV records from a source (source.h), field by field, with
 * the offset of every field for lines and columns.
 *
 * The dialect is RFC 4180 as the loaders have always read it (libcsv's
 * strict mode): ',' between fields, CR, LF or CRLF between records, fields
 * in double quotes may hold ',', quotes doubled and line breaks; blanks
 * around an unquoted field are trimmed; blank lines are skipped. A quote
 * inside an unquoted field, text after a closing quote and a quoted field
 * never closed are errors; so is a NUL byte. A record over the size limit
 * is scanned to its end without being kept. Owns nothing but its buffers;
 * depends on source.h and alloc.h.
 */
#ifndef CM_CSVREAD_H
#define CM_CSVREAD_H

#include "source.h"

#include <stddef.h>

typedef struct csvr_field {
    size_t off, len;          /* text in csvr.text (NUL-terminated), unescaped */
    size_t at;                /* input offset of the field's first byte */
} csvr_field;

enum csvr_error {
    CSVR_OK = 0,
    CSVR_QUOTE,               /* a quote in an unquoted field, text after a closing quote */
    CSVR_UNCLOSED,            /* the input ends inside a quoted field */
    CSVR_NUL,                 /* a NUL byte */
    CSVR_NOMEM,
    CSVR_READ                 /* the source failed (see source.err) */
};

typedef struct csvr {
    source *src;
    size_t pos;               /* next byte to read */
    size_t max;               /* the most bytes a record may take */
    size_t max_fields;        /* the most fields a record may have (0: no limit) */
    int plain;                /* quotes are plain characters (no quoted fields) */
    int comment;              /* a line whose first non-blank byte is this one is a
                                 comment: one field, the line's text (0: none) */
    /* the record read last */
    csvr_field *fields;
    size_t nfields, fields_cap;
    char *text;
    size_t text_len, text_cap;
    size_t start, end;        /* its bytes: [start, end), end past its line break */
    size_t bytes;             /* its size as counted for the limit: fields + separators */
    int too_long;             /* over max: fields not kept (nfields still counted) */
    int too_many;             /* over max_fields: later fields not kept */
    int is_comment;           /* a comment line (see comment) */
    /* an error */
    enum csvr_error error;
    size_t error_at;          /* offset of the offending byte (or the end of input) */
} csvr;

void cmi_csvr_init(csvr *c, source *src, size_t start, size_t max);
void cmi_csvr_free(csvr *c);
/* Read the next record: 1 read, 0 end of input, -1 error (c->error). */
int cmi_csvr_next(csvr *c);
/* A glance at the record after the one read last, without reading input:
 * the text of its fields 0..n-1 where the window holds them and they are
 * plain (unquoted, or quoted with nothing to unescape, no blanks around);
 * out[i].len is SIZE_MAX for a field it could not see. For work that can
 * start early (fetching what those fields will need): a hint, never the
 * record's content. */
typedef struct csvr_peek_field {
    const char *s;
    size_t len;
} csvr_peek_field;
void cmi_csvr_peek(const csvr *c, csvr_peek_field *out, size_t n);

#endif
