/*
 * output.h - how the commands write what they found, the same way for
 * match, explain, assign, schedule and the HTTP service:
 *
 *   result.c    the JSON result format "capmatch.result/1" (doc/SCHEMA and
 *               share/capmatch/schema/result*.json): its header, the names
 *               and countries beside ids, reasons, the sidecar FILE.meta.json
 *   sheet.c     a table of typed cells written as a spreadsheet-clean CSV
 *               (header on row 1, rounded scores, optional BOM) or as an
 *               XLSX workbook (libxlsxwriter)
 *   termtab.c   text for a terminal: cells padded and cut by display width
 *               (libunistring), the width of the terminal
 *   progress.c  one updating progress line on a terminal, --progress lines
 *               for logs
 *
 * A client of include/capmatch.h only, as all of cli/.
 */
#ifndef CM_CLI_OUTPUT_H
#define CM_CLI_OUTPUT_H

#include "capmatch.h"
#include <stddef.h>
#include <stdio.h>

/* ---- result.c ------------------------------------------------------------------ */

#define RESULT_FORMAT "capmatch.result/1"

/* Where names and countries come from: the loaded profiles (e, may be NULL)
 * and at most one profile per side that is not among them (a profile posted
 * to the service), given by its id, name and country. */
typedef struct names {
    const cm_engine *e;
    const char *extra_id[2], *extra_name[2], *extra_country[2];  /* [0] enterprise, [1] region */
} names;

/* A profile's name or country ("name", "country"), or NULL when unknown. */
const char *party_field(const names *n, cm_kind k, const char *id, const char *field);
/* "enterprise":ID,"enterprise_name":NAME|null,"enterprise_country":CC|null
 * (or region), without a leading comma. */
void json_party(FILE *f, const names *n, cm_kind k, const char *id);
/* The start of a result document or of its JSON Lines header:
 * {"format":"capmatch.result/1","command":"CMD","meta": (the caller writes
 * the meta object next). */
void result_begin(FILE *f, const char *cmd);
/* Reasons joined by " | " as a JSON array of strings. */
void json_reasons(FILE *f, const char *joined);
/* The rules' reasons of row i of r, "rule: reason", as a JSON array; with
 * region_side, the region's-view rules are marked "region's view, ". */
void json_reasons_of(FILE *f, const cm_result *r, size_t i);
/* The same joined by " | " (malloc'd; NULL when out of memory). */
char *reasons_joined(const cm_result *r, size_t i);

/* The text written by fn(f, ud) into a malloc'd string (open_memstream);
 * NULL when out of memory. */
char *capture(void (*fn)(FILE *f, const void *ud), const void *ud, size_t *len);

/* Write the provenance sidecar of an output file: PATH.meta.json, the result
 * document without its rows (format, command, meta, totals), complete or not
 * at all. doc is that JSON text. Returns 0, or -1 after saying why. */
int write_sidecar(const char *path, const char *doc, const char *prog);

/* ---- sheet.c -------------------------------------------------------------------- */

typedef enum cell_type {
    CELL_TEXT = 0,
    CELL_INT,         /* a whole number */
    CELL_SCORE,       /* a score in [0, 1]: 3 decimals for display */
    CELL_NUMBER       /* another number, shown as given */
} cell_type;

typedef struct sheet sheet;

/* A table named name (the XLSX sheet's name) with these columns; NULL when
 * out of memory. Widths are in characters for XLSX (0: from the content). */
sheet *sheet_new(const char *name, size_t ncols, const char *const *headers,
                 const cell_type *types);
void sheet_free(sheet *s);
/* Append a row of ncols cells (NULL: empty); numbers are given as double
 * through sheet_num. Returns 0, or -1 when out of memory. */
int sheet_row(sheet *s, const char *const *cells, const double *nums);
size_t sheet_rows(const sheet *s);

/* The sheet as CSV: header on row 1, one row per record, CRLF-free RFC 4180,
 * scores rounded to 4 decimals, with a UTF-8 byte-order mark when bom. */
void sheet_csv(FILE *f, const sheet *s, int bom);
/* A workbook of sheets (the first: the results, frozen header, filters,
 * column widths, score format) written to path by the output rules of
 * cm_output_open. Returns 0, or -1 after saying why. */
int sheets_xlsx(const char *path, sheet *const *sheets, size_t n, const char *prog);
/* A two-column sheet (key, value) of a JSON object's members, nested keys
 * joined by dots and array items numbered: the provenance of a run. NULL
 * when out of memory or json is not an object. */
sheet *sheet_from_json(const char *name, const char *json);

/* ---- termtab.c ------------------------------------------------------------------ */

/* Columns of the display: $COLUMNS, else the terminal's of stdout, else 100. */
int term_columns(void);
/* Display width of UTF-8 text (East Asian wide characters count 2,
 * combining marks 0). */
int text_width(const char *s);
/* s cut to at most width display columns (with "…" when cut) and padded
 * with spaces to width (right: padded on the left). */
void put_cell(FILE *f, const char *s, int width, int right);

/* ---- progress.c ----------------------------------------------------------------- */

typedef struct progress_state {
    const char *prog;         /* "match", "assign", ... */
    const char *what;         /* the stage: "scoring", "assigning" */
    const char *unit;         /* "enterprises", "meetings" */
    int lines;                /* --progress: plain lines, not one updating line */
    int finished;             /* the 100% report is made */
    double start, last, t0;
    size_t done0, total;      /* a new total starts a new pass */
} progress_state;

/* Ready for a stage; returns 1 when progress is to be shown (lines asked
 * for, or stderr is a terminal), 0 when not. */
int progress_init(progress_state *ps, const char *prog, const char *what, const char *unit,
                  int lines);
/* The callback of cm_match_options.progress and the like. */
void progress_report(size_t done, size_t total, void *ud);

#endif
