/*
 * sheet.c - a table of typed cells (text, whole numbers, scores) and the two
 * spreadsheet forms it is written in: CSV that opens cleanly (the header on
 * row 1, nothing before or after the records, scores rounded for display,
 * an optional UTF-8 byte-order mark for Excel) and an XLSX workbook through
 * libxlsxwriter (frozen header, filters, column widths, score format). The
 * workbook is made in a temporary file and copied to its place by the output
 * rules of cm_output_open, so a failed run leaves no half file.
 */
#include "cli.h"
#include "output.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct sheet {
    char *name;
    size_t ncols, nrows, cap;
    char **headers;
    cell_type *types;
    char **text;              /* nrows * ncols, NULL: empty */
    double *num;              /* nrows * ncols, NaN: empty */
    int *width;               /* display width of the widest cell per column */
};

sheet *sheet_new(const char *name, size_t ncols, const char *const *headers,
                 const cell_type *types)
{
    sheet *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->name = strdup(name);
    s->ncols = ncols;
    s->headers = calloc(ncols, sizeof *s->headers);
    s->types = calloc(ncols, sizeof *s->types);
    s->width = calloc(ncols, sizeof *s->width);
    if (s->name == NULL || s->headers == NULL || s->types == NULL || s->width == NULL) {
        sheet_free(s);
        return NULL;
    }
    for (size_t c = 0; c < ncols; c++) {
        s->headers[c] = strdup(headers[c]);
        s->types[c] = types ? types[c] : CELL_TEXT;
        if (s->headers[c] == NULL) {
            sheet_free(s);
            return NULL;
        }
        s->width[c] = text_width(headers[c]);
    }
    return s;
}

void sheet_free(sheet *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nrows * s->ncols; i++)
        free(s->text[i]);
    for (size_t c = 0; s->headers && c < s->ncols; c++)
        free(s->headers[c]);
    free(s->headers);
    free(s->types);
    free(s->width);
    free(s->text);
    free(s->num);
    free(s->name);
    free(s);
}

size_t sheet_rows(const sheet *s) { return s ? s->nrows : 0; }

int sheet_row(sheet *s, const char *const *cells, const double *nums)
{
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **t = realloc(s->text, cap * s->ncols * sizeof *t);
        if (t == NULL)
            return -1;
        s->text = t;
        double *n = realloc(s->num, cap * s->ncols * sizeof *n);
        if (n == NULL)
            return -1;
        s->num = n;
        s->cap = cap;
    }
    size_t at = s->nrows * s->ncols;
    for (size_t c = 0; c < s->ncols; c++) {
        s->text[at + c] = NULL;
        s->num[at + c] = NAN;
    }
    for (size_t c = 0; c < s->ncols; c++) {
        int w;
        if (s->types[c] == CELL_TEXT) {
            if (cells && cells[c]) {
                s->text[at + c] = strdup(cells[c]);
                if (s->text[at + c] == NULL) {
                    for (size_t k = 0; k < c; k++)
                        free(s->text[at + k]);
                    return -1;
                }
            }
            w = cells && cells[c] ? text_width(cells[c]) : 0;
        } else {
            s->num[at + c] = nums ? nums[c] : NAN;
            w = 8;
        }
        if (w > s->width[c])
            s->width[c] = w;
    }
    s->nrows++;
    return 0;
}

/* A number cell as CSV shows it: scores to 4 decimals, whole numbers plain. */
static const char *num_text(char *buf, size_t n, cell_type t, double v)
{
    if (isnan(v))
        return "";
    if (t == CELL_SCORE)
        snprintf(buf, n, "%.4f", v);
    else if (t == CELL_INT)
        snprintf(buf, n, "%.0f", v);
    else
        num_shortest(buf, n, v);
    return buf;
}

void sheet_csv(FILE *f, const sheet *s, int bom)
{
    char b[64];
    if (bom)
        fputs("\xef\xbb\xbf", f);
    for (size_t c = 0; c < s->ncols; c++) {
        if (c)
            fputc(',', f);
        csv_print_cell(f, s->headers[c]);
    }
    fputc('\n', f);
    for (size_t r = 0; r < s->nrows; r++) {
        for (size_t c = 0; c < s->ncols; c++) {
            size_t at = r * s->ncols + c;
            if (c)
                fputc(',', f);
            if (s->types[c] == CELL_TEXT) {
                if (s->text[at])
                    csv_print_cell(f, s->text[at]);
            } else {
                fputs(num_text(b, sizeof b, s->types[c], s->num[at]), f);
            }
        }
        fputc('\n', f);
    }
}

/* ---- JSON provenance as key/value rows ---- */

static int flatten(sheet *s, const char *key, json_t *v)
{
    char buf[64];
    const char *cells[2] = { key, NULL };
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m) {
            size_t n = strlen(key) + strlen(k) + 2;
            char *sub = malloc(n);
            if (sub == NULL)
                return -1;
            snprintf(sub, n, "%s%s%s", key, *key ? "." : "", k);
            int rc = flatten(s, sub, m);
            free(sub);
            if (rc < 0)
                return -1;
        }
        return 0;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) {
            size_t n = strlen(key) + 24;
            char *sub = malloc(n);
            if (sub == NULL)
                return -1;
            snprintf(sub, n, "%s.%zu", key, i + 1);
            int rc = flatten(s, sub, m);
            free(sub);
            if (rc < 0)
                return -1;
        }
        return 0;
    }
    if (json_is_string(v))
        cells[1] = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v)), cells[1] = buf;
    else if (json_is_real(v))
        cells[1] = num_shortest(buf, sizeof buf, json_real_value(v));
    else
        cells[1] = json_is_true(v) ? "true" : json_is_false(v) ? "false" : "";
    return sheet_row(s, cells, NULL);
}

sheet *sheet_from_json(const char *name, const char *json)
{
    json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    static const char *const headers[] = { "key", "value" };
    sheet *s = sheet_new(name, 2, headers, NULL);
    if (s && flatten(s, "", j) < 0) {
        sheet_free(s);
        s = NULL;
    }
    json_decref(j);
    return s;
}

/* ---- XLSX ---- */

static int put_sheet(lxw_workbook *wb, const sheet *s, lxw_format *head, lxw_format *score,
                     lxw_format *wrap)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
    if (ws == NULL)
        return -1;
    lxw_error e = LXW_NO_ERROR;
    for (size_t c = 0; c < s->ncols && !e; c++)
        e = worksheet_write_string(ws, 0, (lxw_col_t)c, s->headers[c], head);
    for (size_t r = 0; r < s->nrows && !e; r++)
        for (size_t c = 0; c < s->ncols && !e; c++) {
            size_t at = r * s->ncols + c;
            lxw_row_t row = (lxw_row_t)(r + 1);
            if (s->types[c] == CELL_TEXT) {
                if (s->text[at])
                    e = worksheet_write_string(ws, row, (lxw_col_t)c, s->text[at], NULL);
            } else if (!isnan(s->num[at])) {
                e = worksheet_write_number(ws, row, (lxw_col_t)c, s->num[at],
                                           s->types[c] == CELL_SCORE ? score : NULL);
            }
        }
    if (e)
        return -1;
    for (size_t c = 0; c < s->ncols; c++) {
        int w = s->width[c] + 2;
        if (w > 60)
            w = 60;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w,
                             s->width[c] + 2 > 60 ? wrap : NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    if (s->ncols)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)s->nrows, (lxw_col_t)(s->ncols - 1));
    return 0;
}

/* Copy the finished temporary file into its place. */
static int copy_out(const char *tmp, const char *path, const char *prog)
{
    FILE *in = fopen(tmp, "rb");
    if (in == NULL) {
        fprintf(stderr, "capmatch %s: cannot read back the workbook\n", prog);
        return -1;
    }
    outfile of;
    if (out_open(&of, path, prog) < 0) {
        fclose(in);
        return -1;
    }
    char buf[1 << 16];
    size_t n;
    int failed = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, of.f) != n)
            failed = 1;
    if (ferror(in))
        failed = 1;
    fclose(in);
    if (failed)
        fprintf(stderr, "capmatch %s: cannot copy the workbook to %s\n", prog, path);
    return out_close(&of, failed, prog) < 0 || failed ? -1 : 0;
}

int sheets_xlsx(const char *path, sheet *const *sheets, size_t n, const char *prog)
{
    const char *dir = getenv("TMPDIR");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/capmatch-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "capmatch %s: cannot make a temporary file in %s\n", prog,
                dir && *dir ? dir : "/tmp");
        return -1;
    }
    close(fd);
    lxw_workbook_options wo = { .constant_memory = LXW_FALSE, .tmpdir = NULL };
    lxw_workbook *wb = workbook_new_opt(tmp, &wo);
    if (wb == NULL) {
        unlink(tmp);
        fprintf(stderr, "capmatch %s: cannot start the workbook\n", prog);
        return -1;
    }
    /* the same properties every run, the date included: the file is the same
     * byte for byte (SOURCE_DATE_EPOCH when set, else 2000-01-01) */
    static char title[] = "capmatch results", author[] = "capmatch";
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    lxw_doc_properties props = { .title = title, .author = author,
                                 .created = sde && *sde ? (time_t)strtoll(sde, NULL, 10)
                                                        : (time_t)946684800 };
    workbook_set_properties(wb, &props);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bottom(head, LXW_BORDER_THIN);
    lxw_format *score = workbook_add_format(wb);
    format_set_num_format(score, "0.000");
    lxw_format *wrap = workbook_add_format(wb);
    format_set_text_wrap(wrap);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = put_sheet(wb, sheets[i], head, score, wrap);
    lxw_error e = workbook_close(wb);
    if (rc == 0 && e == LXW_NO_ERROR) {
        rc = copy_out(tmp, path, prog);
    } else {
        fprintf(stderr, "capmatch %s: cannot write the workbook: %s\n", prog,
                e ? lxw_strerror(e) : "a sheet could not be added");
        rc = -1;
    }
    unlink(tmp);
    return rc;
}
