/*
 * load_csv.c - CSV sources (libcsv): a header row naming the fields, one
 * profile a row, nested fields flattened with "." and lists joined with
 * ";" (a literal ";" in an item written "\;").
 *
 * The columns are resolved once, from the header; each cell is then turned
 * into a typed value by its column's shape and handed to the record builder.
 * Lines are fed to libcsv one at a time so that every row knows its line.
 */
#include "load.h"
#include "alloc.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct column {
    char *name;
    const field_def *field;   /* NULL: an extra attribute */
    const char *attr;         /* attribute name (into name) */
} column;

typedef struct cell {
    size_t off, len;          /* into row buffer, NUL-terminated */
} cell;

typedef struct csv_state {
    load_run *r;
    rb *b;
    column *cols;
    size_t ncols;
    int header_done;
    /* the row being read */
    char *buf;
    size_t buf_len, buf_cap;
    cell *cells;
    size_t ncells, cells_cap;
    int row_too_long;
    size_t row_bytes;
    unsigned long row_line;   /* line the row starts on; 0 = no field yet */
    size_t row_off;           /* offset the row starts at */
    unsigned long cur_line;   /* line being fed */
    size_t cur_off;           /* offset of the line being fed */
    size_t cur_end;           /* offset past it */
    size_t id_col;            /* SIZE_MAX when there is no id column */
    unsigned long next_row_line; /* where the next row should start */
    /* scratch for list items */
    val *items;
    size_t items_cap;
    char *unesc;
    size_t unesc_cap;
    int nomem;
} csv_state;

static void on_field(void *data, size_t len, void *ud)
{
    csv_state *s = ud;
    if (s->nomem)
        return;
    if (s->row_line == 0) {
        size_t nl = 0;
        for (size_t i = 0; i < len; i++)
            nl += ((const char *)data)[i] == '\n';
        s->row_line = s->cur_line - nl;
        s->row_off = s->cur_off;
    }
    s->row_bytes += len + 1;
    if (s->row_bytes > s->r->max_record) {
        s->row_too_long = 1;
        s->ncells++;
        return;
    }
    if ((s->buf_len + len + 1 > s->buf_cap &&
         cm_grow((void **)&s->buf, &s->buf_cap, s->buf_len + len + 1, 1) < 0) ||
        (s->ncells + 1 > s->cells_cap &&
         cm_grow((void **)&s->cells, &s->cells_cap, s->ncells + 1, sizeof *s->cells) < 0)) {
        s->nomem = 1;
        return;
    }
    if (len)
        memcpy(s->buf + s->buf_len, data, len);
    s->buf[s->buf_len + len] = '\0';
    s->cells[s->ncells++] = (cell){ s->buf_len, len };
    s->buf_len += len + 1;
}

/* ---- header ------------------------------------------------------------------ */

static void header_error(csv_state *s, const char *col, const char *expected, const char *found)
{
    char field[160];
    snprintf(field, sizeof field, "column \"%s\"", col);
    ctx_error(&s->r->ctx, s->row_line, 0, 0, field, expected, found, NULL);
    s->r->fatal = 1;
}

static void read_header(csv_state *s)
{
    load_ctx *ctx = &s->r->ctx;
    s->id_col = SIZE_MAX;
    s->cols = cm_calloc(s->ncells ? s->ncells : 1, sizeof *s->cols);
    if (s->cols == NULL) {
        s->nomem = 1;
        return;
    }
    s->ncols = s->ncells;
    if (s->row_too_long) {
        char exp[64], found[64];
        snprintf(exp, sizeof exp, "a header row of at most %zu bytes", s->r->max_record);
        snprintf(found, sizeof found, "%zu bytes", s->row_bytes);
        ctx_error(ctx, s->row_line, 0, 0, NULL, exp, found, NULL);
        s->r->fatal = 1;
        return;
    }
    for (size_t i = 0; i < s->ncells; i++) {
        const char *name = s->buf + s->cells[i].off;
        size_t len = s->cells[i].len;
        column *c = &s->cols[i];
        c->name = cm_strndup(name, len);
        if (c->name == NULL) {
            s->nomem = 1;
            return;
        }
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        if (len == 0) {
            char field[48];
            snprintf(field, sizeof field, "column %zu", i + 1);
            ctx_error(ctx, s->row_line, 0, 0, field, "a column name", "an empty cell", NULL);
            s->r->fatal = 1;
            continue;
        }
        if (utf8_check(name, len) != len) {
            char field[48];
            snprintf(field, sizeof field, "column %zu", i + 1);
            ctx_error(ctx, s->row_line, 0, 0, field, "a UTF-8 column name", "invalid UTF-8", NULL);
            s->r->fatal = 1;
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (s->cols[k].name && strcmp(s->cols[k].name, c->name) == 0)
                header_error(s, c->name, "each column once", "a second column of that name");
        if (strncmp(c->name, "attrs.", 6) == 0 && len > 6) {
            c->attr = c->name + 6;
            continue;
        }
        const field_def *f = schema_field(ctx->kind, name, len);
        if (f && (f->shape == SHAPE_GROUP || f->shape == SHAPE_ATTRS)) {
            char exp[128];
            if (f->shape == SHAPE_ATTRS)
                snprintf(exp, sizeof exp, "one column per attribute, named attrs.NAME");
            else
                snprintf(exp, sizeof exp, "columns %s.* (%s)", c->name,
                         schema_group_members(ctx->kind, c->name));
            header_error(s, c->name, exp, "one column for the whole object");
            continue;
        }
        if (f == NULL) {
            const char *dot = memchr(name, '.', len);
            if (dot) {
                char group[64];
                size_t gl = (size_t)(dot - name);
                if (gl < sizeof group) {
                    memcpy(group, name, gl);
                    group[gl] = '\0';
                    const field_def *g = schema_field(ctx->kind, group, gl);
                    if (g && g->shape == SHAPE_GROUP) {
                        char exp[128];
                        snprintf(exp, sizeof exp, "%s.* to be one of %s", group,
                                 schema_group_members(ctx->kind, group));
                        header_error(s, c->name, exp, "an unknown member");
                        continue;
                    }
                }
            }
            c->attr = c->name;
            continue;
        }
        c->field = f;
        if (strcmp(f->path, "id") == 0)
            s->id_col = i;
    }
}

/* ---- cells --------------------------------------------------------------------- */

/* A number as JSON writes it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(const char *t, size_t len, double *out, int *is_int)
{
    size_t i = 0;
    int integer = 1;
    if (i < len && t[i] == '-')
        i++;
    if (i >= len)
        return 0;
    if (t[i] == '0')
        i++;
    else if (t[i] >= '1' && t[i] <= '9')
        while (i < len && t[i] >= '0' && t[i] <= '9')
            i++;
    else
        return 0;
    if (i < len && t[i] == '.') {
        integer = 0;
        i++;
        size_t d = i;
        while (i < len && t[i] >= '0' && t[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < len && (t[i] == 'e' || t[i] == 'E')) {
        integer = 0;
        i++;
        if (i < len && (t[i] == '+' || t[i] == '-'))
            i++;
        size_t d = i;
        while (i < len && t[i] >= '0' && t[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i != len)
        return 0;
    if (integer && len < 16) {
        /* most cells are plain integers: no strtod */
        const char *d = t + (t[0] == '-');
        long long v = 0;
        for (; d < t + len; d++)
            v = v * 10 + (*d - '0');
        *out = t[0] == '-' ? -(double)v : (double)v;
        *is_int = 1;
        return 1;
    }
    *out = strtod(t, NULL);    /* cells are NUL-terminated */
    *is_int = integer;
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Split a list cell on ';' ("\;" is a literal ';'), trimming blanks. */
static int split_list(csv_state *s, const char *t, size_t len, val *out)
{
    if (cm_grow((void **)&s->unesc, &s->unesc_cap, len + 1, 1) < 0)
        return -1;
    size_t n = 0, o = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && t[i] == '\\' && i + 1 < len && t[i + 1] == ';') {
            s->unesc[o++] = ';';
            i++;
            continue;
        }
        if (i < len && t[i] != ';') {
            s->unesc[o++] = t[i];
            continue;
        }
        size_t a = start, z = o;
        while (a < z && is_space(s->unesc[a]))
            a++;
        while (z > a && is_space(s->unesc[z - 1]))
            z--;
        if (z > a) {
            if (cm_grow((void **)&s->items, &s->items_cap, n + 1, sizeof *s->items) < 0)
                return -1;
            s->items[n++] = (val){ .t = V_STRING, .s = s->unesc + a, .len = z - a };
        }
        start = o;
    }
    *out = (val){ .t = V_LIST, .items = s->items, .n = n };
    return 0;
}

static void typed_cell(const char *t, size_t len, enum shape shape, val *v)
{
    double d;
    int is_int;
    *v = (val){ .t = V_STRING, .s = t, .len = len };
    if (shape == SHAPE_NUMBER) {
        if (parse_number(t, len, &d, &is_int) && d - d == 0)
            *v = (val){ .t = V_NUMBER, .num = d, .is_int = is_int };
    } else if (shape == SHAPE_BOOL) {
        if (len == 4 && memcmp(t, "true", 4) == 0)
            *v = (val){ .t = V_BOOL, .b = 1 };
        else if (len == 5 && memcmp(t, "false", 5) == 0)
            *v = (val){ .t = V_BOOL, .b = 0 };
    }
}

static void attr_cell(const char *t, size_t len, val *v)
{
    double d;
    int is_int;
    if (parse_number(t, len, &d, &is_int) && d - d == 0)
        *v = (val){ .t = V_NUMBER, .num = d, .is_int = is_int };
    else if (len == 4 && memcmp(t, "true", 4) == 0)
        *v = (val){ .t = V_BOOL, .b = 1 };
    else if (len == 5 && memcmp(t, "false", 5) == 0)
        *v = (val){ .t = V_BOOL, .b = 0 };
    else
        *v = (val){ .t = V_STRING, .s = t, .len = len };
}

static void read_row(csv_state *s)
{
    load_run *r = s->r;
    long record = ++r->records;
    size_t diag_start = r->ctx.diags ? r->ctx.diags->count : 0;
    rb *b = s->b;
    const char *id = NULL;
    size_t id_len = 0;
    if (s->id_col < s->ncells && !s->row_too_long) {
        id = s->buf + s->cells[s->id_col].off;
        id_len = s->cells[s->id_col].len;
    }
    rb_begin(b, record, s->row_line, id, id_len);
    if (s->row_too_long) {
        char exp[64], found[64];
        snprintf(exp, sizeof exp, "a row of at most %zu bytes", r->max_record);
        snprintf(found, sizeof found, "%zu bytes", s->row_bytes);
        rb_error(b, NULL, exp, found);
    } else if (s->ncells != s->ncols) {
        char exp[64], found[64];
        snprintf(exp, sizeof exp, "%zu fields as in the header", s->ncols);
        snprintf(found, sizeof found, "%zu", s->ncells);
        rb_error(b, NULL, exp, found);
    } else {
        for (size_t i = 0; i < s->ncells; i++) {
            const char *t = s->buf + s->cells[i].off;
            size_t len = s->cells[i].len;
            const column *c = &s->cols[i];
            if (len == 0)
                continue;     /* an empty cell is an absent field */
            size_t bad = utf8_check(t, len);
            if (bad != len) {
                char found[64];
                snprintf(found, sizeof found, "byte 0x%02x at byte %zu of the cell",
                         (unsigned char)t[bad], bad + 1);
                if (c->field)
                    rb_field_error(b, c->field, "UTF-8 text", found);
                else
                    rb_error(b, c->name, "UTF-8 text", found);
                continue;
            }
            val v;
            if (c->field == NULL) {
                attr_cell(t, len, &v);
                rb_attr(b, c->attr, strlen(c->attr), &v);
            } else if (c->field->shape == SHAPE_LIST) {
                if (split_list(s, t, len, &v) < 0) {
                    s->nomem = 1;
                    return;
                }
                rb_field(b, c->field, &v);
            } else {
                typed_cell(t, len, c->field->shape, &v);
                rb_field(b, c->field, &v);
            }
        }
    }
    int got = rb_end(b);
    if (got < 0) {
        s->nomem = 1;
        return;
    }
    if (got == 0) {
        size_t end = s->cur_end;
        run_reject(r, record, s->row_line, r->data + s->row_off,
                   end > s->row_off ? end - s->row_off : 0, diag_start);
    }
}

static void on_row(int c, void *ud)
{
    (void)c;
    csv_state *s = ud;
    if (s->nomem || s->r->fatal)
        goto reset;
    if (!s->header_done) {
        s->header_done = 1;
        read_header(s);
    } else {
        read_row(s);
    }
reset:
    s->buf_len = 0;
    s->ncells = 0;
    s->row_too_long = 0;
    s->row_bytes = 0;
    s->row_line = 0;
    s->next_row_line = s->cur_line + 1;
}

int load_csv(load_run *r)
{
    csv_state s;
    memset(&s, 0, sizeof s);
    s.r = r;
    s.next_row_line = 1;
    struct csv_parser p;
    int rc = 0;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return -1;
    csv_set_realloc_func(&p, cm_realloc);
    csv_set_free_func(&p, cm_free);
    s.b = rb_new(&r->ctx);
    if (s.b == NULL) {
        csv_free(&p);
        return -1;
    }
    /* the kind decides which columns are fields: settle it first */
    if (run_need_kind(r, 0) < 0)
        goto out;

    size_t i = 0;
    unsigned long line = 0;
    while (i < r->len && !r->fatal && !s.nomem) {
        const char *nl = memchr(r->data + i, '\n', r->len - i);
        size_t next = nl ? (size_t)(nl - r->data) + 1 : r->len;
        s.cur_line = ++line;
        s.cur_off = i;
        s.cur_end = next;
        size_t done = csv_parse(&p, r->data + i, next - i, on_field, on_row, &s);
        if (done != next - i) {
            if (csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG) {
                s.nomem = 1;
                break;
            }
            ctx_error(&r->ctx, line, run_column(r, i + done), s.header_done ? r->records + 1 : 0,
                      NULL, NULL, NULL,
                      "invalid CSV: a quote inside a field that is not quoted, or text after "
                      "a closing quote (quote the whole field and double inner quotes: "
                      "\"say \"\"yes\"\"\")");
            r->fatal = 1;
            break;
        }
        i = next;
    }
    if (!r->fatal && !s.nomem && csv_fini(&p, on_field, on_row, &s) != 0) {
        unsigned long from = s.row_line ? s.row_line : s.next_row_line;
        char note[128];
        snprintf(note, sizeof note,
                 "invalid CSV: a quoted field is never closed (the record starts on line %lu)",
                 from);
        ctx_error(&r->ctx, line, 0, s.header_done ? r->records + 1 : 0, NULL, NULL, NULL, note);
        r->fatal = 1;
    }
    if (!s.header_done && !r->fatal && !s.nomem) {
        ctx_error(&r->ctx, 1, 0, 0, NULL, "a header row", "nothing", NULL);
        r->fatal = 1;
    }
out:
    if (s.nomem)
        rc = -1;
    csv_free(&p);
    rb_free(s.b);
    for (size_t k = 0; k < s.ncols; k++)
        cm_free(s.cols[k].name);
    cm_free(s.cols);
    cm_free(s.buf);
    cm_free(s.cells);
    cm_free(s.items);
    cm_free(s.unesc);
    return rc;
}
