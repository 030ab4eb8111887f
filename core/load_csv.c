/*
 * load_csv.c - CSV sources (libcsv): a header row naming the fields, one
 * profile a row, nested fields flattened with "." and lists joined with
 * ";" (a literal ";" in an item written "\;").
 *
 * The columns are resolved once, from the header; each cell is then turned
 * into a typed value by its column's shape and handed to the record builder.
 * Records come from csvread.c, which knows where each field starts.
 */
#include "load.h"
#include "alloc.h"
#include "csvread.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct column {
    char *name;
    const field_def *field;   /* NULL: an extra attribute */
    const char *attr;         /* attribute name (into name) */
} column;

/* The most columns a header may name. */
#define MAX_COLUMNS 4096

typedef struct csv_state {
    load_run *r;
    rb *b;
    csvr c;                   /* the record being read */
    column *cols;
    size_t ncols;
    int header_done;
    unsigned long row_line;   /* line the record starts on */
    size_t id_col;            /* SIZE_MAX when there is no id column */
    /* scratch for list items */
    val *items;
    size_t items_cap;
    char *unesc;
    size_t unesc_cap;
    int nomem;
} csv_state;

static const char *cell_text(const csv_state *s, size_t i)
{
    return s->c.text + s->c.fields[i].off;
}

/* ---- header ------------------------------------------------------------------ */

static void header_error(csv_state *s, const char *col, const char *expected, const char *found)
{
    char field[160];
    snprintf(field, sizeof field, "column \"%s\"", col);
    cmi_ctx_error(&s->r->ctx, s->row_line, 0, 0, field, expected, found, NULL);
    s->r->fatal = 1;
}

static unsigned name_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void read_header(csv_state *s)
{
    load_ctx *ctx = &s->r->ctx;
    size_t ncells = s->c.nfields;
    s->id_col = SIZE_MAX;
    if (s->c.too_long) {
        char exp[64], found[64];
        snprintf(exp, sizeof exp, "a header row of at most %zu bytes", s->r->max_record);
        snprintf(found, sizeof found, "%zu bytes", s->c.bytes);
        cmi_ctx_error(ctx, s->row_line, 0, 0, NULL, exp, found, NULL);
        s->r->fatal = 1;
        return;
    }
    if (s->c.too_many) {
        char exp[64], found[64];
        snprintf(exp, sizeof exp, "a header of at most %d columns", MAX_COLUMNS);
        snprintf(found, sizeof found, "%zu columns", ncells);
        cmi_ctx_error(ctx, s->row_line, 0, 0, NULL, exp, found, NULL);
        s->r->fatal = 1;
        return;
    }
    s->cols = cm_calloc(ncells ? ncells : 1, sizeof *s->cols);
    /* names seen so far, for the duplicate check: a hash set of column indexes */
    size_t nslots = 16;
    while (nslots < 2 * ncells)
        nslots *= 2;
    size_t *seen = cm_calloc(nslots, sizeof *seen);
    if (s->cols == NULL || seen == NULL) {
        cm_free(seen);
        s->nomem = 1;
        return;
    }
    s->ncols = ncells;
    for (size_t i = 0; i < ncells; i++) {
        const char *name = cell_text(s, i);
        size_t len = s->c.fields[i].len;
        column *c = &s->cols[i];
        c->name = cm_strndup(name, len);
        if (c->name == NULL) {
            s->nomem = 1;
            break;
        }
        if (len == 0) {
            char field[48];
            snprintf(field, sizeof field, "column %zu", i + 1);
            cmi_ctx_error(ctx, s->row_line, 0, 0, field, "a column name", "an empty cell", NULL);
            s->r->fatal = 1;
            continue;
        }
        if (cmi_utf8_check(name, len) != len) {
            char field[48];
            snprintf(field, sizeof field, "column %zu", i + 1);
            cmi_ctx_error(ctx, s->row_line, 0, 0, field, "a UTF-8 column name", "invalid UTF-8", NULL);
            s->r->fatal = 1;
            continue;
        }
        size_t h = name_hash(c->name) & (nslots - 1);
        int dup = 0;
        for (; seen[h]; h = (h + 1) & (nslots - 1))
            if (strcmp(s->cols[seen[h] - 1].name, c->name) == 0) {
                dup = 1;
                break;
            }
        if (dup)
            header_error(s, c->name, "each column once", "a second column of that name");
        else
            seen[h] = i + 1;
        if (strncmp(c->name, "attrs.", 6) == 0 && len > 6) {
            c->attr = c->name + 6;
            continue;
        }
        const field_def *f = cmi_schema_field(ctx->kind, name, len);
        if (f && (f->shape == SHAPE_GROUP || f->shape == SHAPE_ATTRS)) {
            char exp[128];
            if (f->shape == SHAPE_ATTRS)
                snprintf(exp, sizeof exp, "one column per attribute, named attrs.NAME");
            else
                snprintf(exp, sizeof exp, "columns %s.* (%s)", c->name,
                         cmi_schema_group_members(ctx->kind, c->name));
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
                    const field_def *g = cmi_schema_field(ctx->kind, group, gl);
                    if (g && g->shape == SHAPE_GROUP) {
                        char exp[128];
                        snprintf(exp, sizeof exp, "%s.* to be one of %s", group,
                                 cmi_schema_group_members(ctx->kind, group));
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
    cm_free(seen);
}

/* ---- cells --------------------------------------------------------------------- */

/* A number as JSON writes it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * One pass checks the form and gathers the digits: most cells are integers
 * or short decimals ("1.3690"), and with at most 15 digits the integer m
 * they make is below 2^53, held exactly in a double, so that m / 10^k
 * (k <= 15) is one correctly rounded division: the very number strtod
 * gives. Longer numbers and exponents go to strtod. */
static int parse_number(const char *t, size_t len, double *out, int *is_int)
{
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    size_t i = 0;
    int integer = 1, expo = 0;
    uint64_t m = 0;           /* wraps past 19 digits: then unused */
    unsigned digits = 0, frac = 0;
#define DIGIT(c) ((unsigned char)((c) - '0') <= 9)
    if (i < len && t[i] == '-')
        i++;
    if (i >= len)
        return 0;
    if (t[i] == '0') {
        i++;
        digits = 1;
    } else if (t[i] >= '1' && t[i] <= '9') {
        while (i < len && DIGIT(t[i])) {
            m = m * 10 + (uint64_t)(t[i++] - '0');
            digits++;
        }
    } else {
        return 0;
    }
    if (i < len && t[i] == '.') {
        integer = 0;
        size_t d = ++i;
        while (i < len && DIGIT(t[i])) {
            m = m * 10 + (uint64_t)(t[i++] - '0');
            digits++;
        }
        frac = (unsigned)(i - d);
        if (frac == 0)
            return 0;
    }
    if (i < len && (t[i] == 'e' || t[i] == 'E')) {
        integer = 0;
        expo = 1;
        i++;
        if (i < len && (t[i] == '+' || t[i] == '-'))
            i++;
        size_t d = i;
        while (i < len && DIGIT(t[i]))
            i++;
        if (i == d)
            return 0;
    }
#undef DIGIT
    if (i != len)
        return 0;
    *is_int = integer;
    if (!expo && digits <= 15) {
        double v = frac ? (double)m / pow10[frac] : (double)m;
        *out = t[0] == '-' ? -v : v;
        return 1;
    }
    *out = strtod(t, NULL);    /* cells are NUL-terminated */
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Split a list cell on ';' ("\;" is a literal ';'), trimming blanks. */
static int split_list(csv_state *s, const char *t, size_t len, val *out)
{
    if (memchr(t, '\\', len) == NULL) {
        /* nothing escaped (the usual case): the items are pieces of t */
        size_t n = 0, start = 0;
        for (;;) {
            const char *semi = memchr(t + start, ';', len - start);
            size_t end = semi ? (size_t)(semi - t) : len, a = start, z = end;
            while (a < z && is_space(t[a]))
                a++;
            while (z > a && is_space(t[z - 1]))
                z--;
            if (z > a) {
                if (n >= s->items_cap &&
                    cm_grow((void **)&s->items, &s->items_cap, n + 1, sizeof *s->items) < 0)
                    return -1;
                s->items[n++] = (val){ .t = V_STRING, .s = t + a, .len = z - a };
            }
            if (semi == NULL)
                break;
            start = end + 1;
        }
        *out = (val){ .t = V_LIST, .items = s->items, .n = n };
        return 0;
    }
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

/* The id of the next record is a new string for the string index, a cache
 * miss there: while this record is built, the next one's slot is fetched
 * (when its first fields are plainly in sight). Names are not interned. */
#define PEEK_MAX 8

static void prefetch_next(csv_state *s)
{
    if (s->id_col >= PEEK_MAX)
        return;
    size_t n = s->id_col + 1;
    csvr_peek_field f[PEEK_MAX];
    cmi_csvr_peek(&s->c, f, n);
    if (f[s->id_col].len != SIZE_MAX)
        cmi_rb_prefetch(s->b, s->cols[s->id_col].field, f[s->id_col].s, f[s->id_col].len);
}

static void read_row(csv_state *s)
{
    load_run *r = s->r;
    long record = ++r->records;
    size_t diag_start = r->ctx.diags ? r->ctx.diags->count : 0;
    rb *b = s->b;
    const char *id = NULL;
    size_t id_len = 0;
    size_t ncells = s->c.nfields;
    int whole = s->c.too_long || s->c.too_many;
    if (s->id_col < ncells && !whole) {
        id = cell_text(s, s->id_col);
        id_len = s->c.fields[s->id_col].len;
    }
    cmi_rb_begin(b, record, s->row_line, id, id_len);
    if (s->c.too_long) {
        char exp[64], found[64];
        snprintf(exp, sizeof exp, "a row of at most %zu bytes", r->max_record);
        snprintf(found, sizeof found, "%zu bytes", s->c.bytes);
        cmi_rb_error(b, NULL, exp, found);
    } else if (ncells != s->ncols) {
        char exp[64], found[64];
        snprintf(exp, sizeof exp, "%zu fields as in the header", s->ncols);
        snprintf(found, sizeof found, "%zu", ncells);
        cmi_rb_error(b, NULL, exp, found);
    } else {
        /* the cells' texts lie end to end, each after a NUL: when the whole
         * row is UTF-8, so is every cell (no character spans a NUL) */
        int row_utf8 = cmi_utf8_check(s->c.text, s->c.text_len) == s->c.text_len;
        for (size_t i = 0; i < ncells; i++) {
            const char *t = cell_text(s, i);
            size_t len = s->c.fields[i].len;
            const column *c = &s->cols[i];
            if (len == 0)
                continue;     /* an empty cell is an absent field */
            size_t bad = row_utf8 ? len : cmi_utf8_check(t, len);
            if (bad != len) {
                char found[64];
                snprintf(found, sizeof found, "byte 0x%02x at byte %zu of the cell",
                         (unsigned char)t[bad], bad + 1);
                if (c->field)
                    cmi_rb_field_error(b, c->field, "UTF-8 text", found);
                else
                    cmi_rb_error(b, c->name, "UTF-8 text", found);
                continue;
            }
            val v;
            if (c->field == NULL) {
                attr_cell(t, len, &v);
                cmi_rb_attr(b, c->attr, strlen(c->attr), &v);
            } else if (c->field->shape == SHAPE_LIST) {
                if (split_list(s, t, len, &v) < 0) {
                    s->nomem = 1;
                    return;
                }
                cmi_rb_field(b, c->field, &v);
            } else {
                typed_cell(t, len, c->field->shape, &v);
                cmi_rb_field(b, c->field, &v);
            }
        }
    }
    int got = cmi_rb_end(b);
    if (got < 0) {
        s->nomem = 1;
        return;
    }
    if (got == 0) {
        if (s->c.too_long)
            cmi_run_reject(r, record, s->row_line, "", 0, diag_start);
        else
            cmi_run_reject(r, record, s->row_line, src_at(r->src, s->c.start),
                       s->c.end - s->c.start, diag_start);
    }
    run_record_done(r, s->c.end);
}

static void syntax_error(csv_state *s)
{
    load_run *r = s->r;
    long record = s->header_done ? r->records + 1 : 0;
    size_t at = s->c.error_at;
    switch (s->c.error) {
    case CSVR_QUOTE:
        cmi_ctx_error(&r->ctx, cmi_run_line(r, at), cmi_run_column(r, at), record, NULL, NULL, NULL,
                  "invalid CSV: a quote inside a field that is not quoted, or text after "
                  "a closing quote (quote the whole field and double inner quotes: "
                  "\"say \"\"yes\"\"\")");
        break;
    case CSVR_NUL:
        cmi_ctx_error(&r->ctx, cmi_run_line(r, at), cmi_run_column(r, at), record, NULL, NULL, NULL,
                  s->header_done ? "NUL byte in cell" : "NUL byte in cell of the header");
        break;
    case CSVR_UNCLOSED: {
        /* the last line of the input */
        unsigned long last = cmi_run_line(r, at > r->start ? at - 1 : at);
        char note[128];
        snprintf(note, sizeof note,
                 "invalid CSV: a quoted field is never closed (the record starts on line %lu)",
                 cmi_run_line(r, s->c.start));
        cmi_ctx_error(&r->ctx, last, 0, record, NULL, NULL, NULL, note);
        break;
    }
    default:
        break;
    }
    r->fatal = 1;
}

int cmi_load_csv(load_run *r)
{
    csv_state s;
    memset(&s, 0, sizeof s);
    s.r = r;
    int rc = 0;
    cmi_csvr_init(&s.c, r->src, r->start, r->max_record);
    s.c.max_fields = MAX_COLUMNS;
    s.b = cmi_rb_new(&r->ctx);
    if (s.b == NULL)
        return -1;
    /* the kind decides which columns are fields: settle it first */
    if (cmi_run_need_kind(r, 0) < 0)
        goto out;

    while (!r->fatal && !s.nomem) {
        int got = cmi_csvr_next(&s.c);
        if (got == 0)
            break;
        if (got < 0) {
            if (s.c.error == CSVR_NOMEM)
                s.nomem = 1;
            else if (s.c.error == CSVR_READ)
                cmi_run_src_failed(r);
            else
                syntax_error(&s);
            break;
        }
        s.row_line = cmi_run_line(r, s.c.start);
        if (!s.header_done) {
            s.header_done = 1;
            /* the header's limit on columns; rows are checked against the header */
            s.c.max_fields = 0;
            read_header(&s);
            if (!s.nomem)
                s.c.max_fields = s.ncols + 1;
        } else {
            prefetch_next(&s);
            read_row(&s);
        }
    }
    if (!s.header_done && !r->fatal && !s.nomem) {
        cmi_ctx_error(&r->ctx, 1, 0, 0, NULL, "a header row", "nothing", NULL);
        r->fatal = 1;
    }
out:
    if (s.nomem)
        rc = -1;
    cmi_csvr_free(&s.c);
    cmi_rb_free(s.b);
    for (size_t k = 0; k < s.ncols; k++)
        cm_free(s.cols[k].name);
    cm_free(s.cols);
    cm_free(s.items);
    cm_free(s.unesc);
    return rc;
}
