/*
 * jsonread.h - JSON records from a source (source.h): the extent of a value
 * or of a JSON Lines line, found by scanning (strings, escapes, nesting)
 * before jansson parses it, so that a record over the size limit is refused
 * without being parsed or kept, and memory holds one record at a time.
 *
 * The partner of csvread.h: the profile loaders (load_json.c) and the pairs
 * loader (assign.c) read JSON through it. Knows no schema; depends on
 * source.h, alloc.h and jansson.
 */
#ifndef CM_JSONREAD_H
#define CM_JSONREAD_H

#include "source.h"

#include <jansson.h>
#include <stddef.h>

enum { JSONR_OK = 0, JSONR_TOO_LONG = 1, JSONR_EOF = -1, JSONR_BAD = -2 };

/* The first offset from i that is not JSON white space (or the end). */
size_t cmi_jsonr_skip_ws(source *src, size_t i);

/*
 * The extent of the JSON value that starts at `at` (not white space), found
 * without parsing it. Sets *end past the value. Returns
 *   JSONR_OK        [at, *end) is in the window (a byte that cannot be JSON
 *                   ends the span just after it: jansson says what is wrong)
 *   JSONR_TOO_LONG  over max bytes: the bytes were dropped as they were
 *                   scanned, never kept whole
 *   JSONR_EOF       the input ends inside the value, [at, *end) in the window
 *   JSONR_BAD       over max, and a control byte (or the end of input) was
 *                   met at *end: the input cannot be JSON there
 * The caller has called cmi_src_keep(src, at).
 */
int cmi_jsonr_value(source *src, size_t at, size_t max, size_t *end);

/*
 * The line that starts at `at`: sets *eol (the '\n' or the end of input) and
 * *next (past the '\n'). A line over max bytes is scanned to its end without
 * being kept (*long_line set); a NUL byte in such a line ends the input
 * there (returns -1, *eol at it): it cannot be JSON, and the line may be
 * endless (/dev/zero). The caller has called cmi_src_keep(src, at).
 */
int cmi_jsonr_line(source *src, size_t at, size_t max, size_t *eol, size_t *next, int *long_line);

/* jansson over [at, at + len) of the window; NULL with *nomem set when an
 * allocation failed (jansson may word that as a syntax error). */
json_t *cmi_jsonr_parse(source *src, size_t at, size_t len, size_t flags, json_error_t *err,
                    int *nomem);

#endif
