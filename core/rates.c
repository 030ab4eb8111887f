/*
 * rates.c - rates tables: lookup, conversion and the CSV loader (see rates.h).
 *
 * Owns tables made by cmi_rates_load() (the built-in one lives in rates_default.c
 * and is never freed). Rows are sorted by currency code and found by binary
 * search, so a table does not depend on the order of iso ids. The file is
 * read by the CSV record reader (csvread.h: '#' lines are comments, quotes
 * are plain characters); numbers are parsed independently of the C locale.
 * Depends on iso.h (currency validation), csvread.h and alloc.h.
 */
#include "rates.h"
#include "alloc.h"
#include "csvread.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATES_MAX_FILE (1u << 20)
#define RATES_HEADER "currency,per_reference"

/* ---- queries ------------------------------------------------------------ */

static const struct rates_row *find_row(const rates *r, iso_id currency)
{
    if (r == NULL || currency == 0)
        return NULL;
    const char *code = cmi_iso_currency_code(currency);
    if (code[0] == '\0')
        return NULL;
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(code, r->rows[mid].code, 3);
        if (c == 0)
            return &r->rows[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *cmi_rates_date(const rates *r) { return r != NULL ? r->date : ""; }
const char *cmi_rates_source(const rates *r) { return r != NULL ? r->source : ""; }

iso_id cmi_rates_reference(const rates *r)
{
    return r != NULL ? cmi_iso_currency(r->reference, 3) : 0;
}

int cmi_rates_has(const rates *r, iso_id currency)
{
    return find_row(r, currency) != NULL;
}

int cmi_rates_convert(const rates *r, double amount, iso_id from, iso_id to, double *out)
{
    const struct rates_row *f = find_row(r, from);
    const struct rates_row *t = from == to ? f : find_row(r, to);
    if (f == NULL || t == NULL || out == NULL)
        return -1;
    *out = from == to ? amount : amount / f->per_ref * t->per_ref;
    return 0;
}

void cmi_rates_free(rates *r)
{
    if (r == NULL || !r->owned)
        return;
    cm_free((void *)r->date);
    cm_free((void *)r->source);
    cm_free((void *)r->rows);
    cm_free(r);
}

/* ---- loading ------------------------------------------------------------ */

struct loader {
    const char *path;
    char *err;
    size_t errlen;
    size_t line;                /* current line, 1-based */

    char *date, *source;
    size_t date_line, source_line;
    char reference[4];
    size_t reference_line;
    size_t header_line;

    struct rates_row *rows;
    size_t nrows, caprows;
    size_t *row_line;           /* by currency id: the line of its row, 0 = none */
};

/* "path:line: message", or "path: message" when line is 0. */
__attribute__((format(printf, 3, 4)))
static void fail_at(struct loader *ld, size_t line, const char *fmt, ...)
{
    if (ld->err == NULL || ld->errlen == 0)
        return;
    int n = line > 0 ? snprintf(ld->err, ld->errlen, "%s:%zu: ", ld->path, line)
                     : snprintf(ld->err, ld->errlen, "%s: ", ld->path);
    if (n < 0 || (size_t)n >= ld->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* s[0..len) as a short printable excerpt for messages (NUL-terminated). */
static const char *excerpt(char buf[64], const char *s, size_t len)
{
    size_t max = 40, n = len < max ? len : max, o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (len > max) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

static int is_space(int c) { return c == ' ' || c == '\t'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static int lower_eq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return 1;
}

/* A decimal number: [+-] digits [. digits] [e [+-] digits], at least one
 * digit in the mantissa. Converted in the "C" locale whatever the program's
 * locale is. 0 ok, -1 not a number, -2 out of the range of double. */
static int parse_number(const char *s, size_t len, double *out)
{
    size_t i = 0, mant = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && is_digit(s[i]))
        i++, mant++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i]))
            i++, mant++;
    }
    if (mant == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp = 0;
        while (i < len && is_digit(s[i]))
            i++, exp++;
        if (exp == 0)
            return -1;
    }
    if (i != len || len >= 128)
        return -1;

    char buf[128];
    memcpy(buf, s, len);
    buf[len] = '\0';
    locale_t c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t old = c_loc != (locale_t)0 ? uselocale(c_loc) : (locale_t)0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    int range = errno == ERANGE;
    if (c_loc != (locale_t)0) {
        uselocale(old);
        freelocale(c_loc);
    }
    if (end != buf + len)
        return -1;
    if (range || !isfinite(v))
        return -2;
    *out = v;
    return 0;
}

static int valid_date(const char *s, size_t len)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (i != 4 && i != 7 && !is_digit(s[i]))
            return 0;
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* "# key: value" lines set date, source and reference; other comments are
 * ignored. */
static int comment_line(struct loader *ld, const char *s, const char *e)
{
    char q[64];
    s++;                                    /* the '#' */
    trim(&s, &e);
    const char *k = s;
    while (s < e && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        s++;
    size_t klen = (size_t)(s - k);
    while (s < e && is_space(*s))
        s++;
    if (s == e || *s != ':')
        return 0;
    s++;
    trim(&s, &e);
    size_t vlen = (size_t)(e - s);

    const char *key;
    size_t *seen;
    if (lower_eq(k, klen, "date")) {
        key = "date";
        seen = &ld->date_line;
    } else if (lower_eq(k, klen, "source")) {
        key = "source";
        seen = &ld->source_line;
    } else if (lower_eq(k, klen, "reference")) {
        key = "reference";
        seen = &ld->reference_line;
    } else {
        return 0;
    }
    if (*seen != 0) {
        fail_at(ld, ld->line, "duplicate \"# %s:\" line (first on line %zu)", key, *seen);
        return -1;
    }
    if (vlen == 0) {
        fail_at(ld, ld->line, "empty value for \"# %s:\"", key);
        return -1;
    }
    if (seen == &ld->date_line) {
        if (!valid_date(s, vlen)) {
            fail_at(ld, ld->line, "expected a date like 2025-06-30, found \"%s\"",
                    excerpt(q, s, vlen));
            return -1;
        }
        ld->date = cm_strndup(s, vlen);
        if (ld->date == NULL)
            goto nomem;
    } else if (seen == &ld->source_line) {
        ld->source = cm_strndup(s, vlen);
        if (ld->source == NULL)
            goto nomem;
    } else {
        if (cmi_iso_currency(s, vlen) == 0) {
            fail_at(ld, ld->line, "unknown ISO 4217 currency \"%s\" in \"# reference:\"",
                    excerpt(q, s, vlen));
            return -1;
        }
        memcpy(ld->reference, s, 3);
        ld->reference[3] = '\0';
    }
    *seen = ld->line;
    return 0;
nomem:
    fail_at(ld, ld->line, "out of memory");
    return -1;
}

/* The record's own text, without its line break and blanks, for messages. */
static void record_text(const csvr *c, const char **s, const char **e)
{
    *s = src_at(c->src, c->start);
    *e = src_at(c->src, c->end);
    while (*e > *s && ((*e)[-1] == '\n' || (*e)[-1] == '\r'))
        (*e)--;
    trim(s, e);
}

static const char *field_text(const csvr *c, size_t i)
{
    return c->text + c->fields[i].off;
}

static int header_line(struct loader *ld, const csvr *c)
{
    if (c->nfields != 2 || !lower_eq(field_text(c, 0), c->fields[0].len, "currency")
        || !lower_eq(field_text(c, 1), c->fields[1].len, "per_reference")) {
        char q[64];
        const char *s, *e;
        record_text(c, &s, &e);
        fail_at(ld, ld->line, "expected the header \"" RATES_HEADER "\", found \"%s\"",
                excerpt(q, s, (size_t)(e - s)));
        return -1;
    }
    ld->header_line = ld->line;
    return 0;
}

static int row_line(struct loader *ld, const csvr *c)
{
    char q[64];
    if (c->nfields != 2) {
        fail_at(ld, ld->line, "expected 2 fields (" RATES_HEADER "), found %zu", c->nfields);
        return -1;
    }
    const char *cur = field_text(c, 0), *num = field_text(c, 1);
    size_t clen = c->fields[0].len, vlen = c->fields[1].len;
    iso_id id = cmi_iso_currency(cur, clen);
    if (id == 0) {
        fail_at(ld, ld->line, "unknown ISO 4217 currency \"%s\"", excerpt(q, cur, clen));
        return -1;
    }
    if (ld->row_line[id] != 0) {
        fail_at(ld, ld->line, "duplicate currency \"%s\" (first on line %zu)",
                cmi_iso_currency_code(id), ld->row_line[id]);
        return -1;
    }
    double v = 0;
    int st = parse_number(num, vlen, &v);
    if (st == -2) {
        fail_at(ld, ld->line, "number out of range, found \"%s\"", excerpt(q, num, vlen));
        return -1;
    }
    if (st != 0 || !(v > 0)) {
        fail_at(ld, ld->line, "expected a positive number, found \"%s\"", excerpt(q, num, vlen));
        return -1;
    }
    if (cm_grow((void **)&ld->rows, &ld->caprows, ld->nrows + 1, sizeof *ld->rows) != 0) {
        fail_at(ld, ld->line, "out of memory");
        return -1;
    }
    struct rates_row *r = &ld->rows[ld->nrows++];
    memcpy(r->code, cmi_iso_currency_code(id), 4);
    r->per_ref = v;
    ld->row_line[id] = ld->line;
    return 0;
}

static int too_large(struct loader *ld)
{
    fail_at(ld, 0, "file too large (over %u bytes)", RATES_MAX_FILE);
    return -1;
}

static int parse(struct loader *ld, source *src)
{
    size_t start = 0;
    if (cmi_src_fill(src, 0, 3) >= 3 && memcmp(src_at(src, 0), "\xEF\xBB\xBF", 3) == 0)
        start = 3;                          /* UTF-8 byte order mark */
    csvr c;
    cmi_csvr_init(&c, src, start, RATES_MAX_FILE);
    c.plain = 1;
    c.comment = '#';
    int rc = 0;
    for (;;) {
        int got = cmi_csvr_next(&c);
        if (got < 0) {
            if (c.error == CSVR_NOMEM || src->nomem)
                fail_at(ld, 0, "out of memory");
            else if (c.error == CSVR_READ)
                fail_at(ld, 0, "read error: %s", strerror(src->err));
            else if (c.end > RATES_MAX_FILE || c.error_at > RATES_MAX_FILE)
                too_large(ld);
            else
                fail_at(ld, cmi_src_line(src, c.error_at), "NUL byte in the file (column %lu)",
                        cmi_src_column(src, c.error_at));
            rc = -1;
            break;
        }
        if (c.end > RATES_MAX_FILE || c.too_long) {
            rc = too_large(ld);
            break;
        }
        if (got == 0)
            break;
        ld->line = cmi_src_line(src, c.start);
        if (c.is_comment)
            rc = comment_line(ld, field_text(&c, 0), field_text(&c, 0) + c.fields[0].len);
        else if (ld->header_line == 0)
            rc = header_line(ld, &c);
        else
            rc = row_line(ld, &c);
        if (rc != 0)
            break;
    }
    cmi_csvr_free(&c);
    if (rc != 0)
        return -1;

    if (ld->header_line == 0) {
        fail_at(ld, 0, "missing the header line \"" RATES_HEADER "\"");
        return -1;
    }
    if (ld->nrows == 0) {
        fail_at(ld, 0, "no currency rows after the header");
        return -1;
    }
    if (ld->date_line == 0) {
        fail_at(ld, 0, "missing the \"# date: YYYY-MM-DD\" line");
        return -1;
    }
    if (ld->source_line == 0) {
        fail_at(ld, 0, "missing the \"# source: ...\" line");
        return -1;
    }
    if (ld->reference_line == 0) {
        fail_at(ld, 0, "missing the \"# reference: <ISO 4217 code>\" line");
        return -1;
    }
    iso_id ref = cmi_iso_currency(ld->reference, 3);
    if (ld->row_line[ref] == 0) {
        fail_at(ld, 0, "the reference currency %s has no row", ld->reference);
        return -1;
    }
    for (size_t i = 0; i < ld->nrows; i++) {
        if (memcmp(ld->rows[i].code, ld->reference, 3) == 0 && ld->rows[i].per_ref != 1.0) {
            fail_at(ld, ld->row_line[ref], "the reference currency %s must be 1, found %.15g",
                    ld->reference, ld->rows[i].per_ref);
            return -1;
        }
    }
    return 0;
}

static int cmp_row(const void *a, const void *b)
{
    return memcmp(((const struct rates_row *)a)->code, ((const struct rates_row *)b)->code, 3);
}

rates *cmi_rates_load(const char *path, char *err, size_t errlen)
{
    struct loader ld = { 0 };
    ld.path = path != NULL ? path : "(null)";
    ld.err = err;
    ld.errlen = errlen;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (path == NULL || path[0] == '\0') {
        fail_at(&ld, 0, "no rates file name given");
        return NULL;
    }
    if (cmi_iso_init() != 0) {
        fail_at(&ld, 0, "cannot check currency codes: %s", cmi_iso_error());
        return NULL;
    }

    rates *r = NULL;
    source src;
    int fd = -1;
    src.buf = NULL;
    ld.row_line = cm_calloc(cmi_iso_currency_count() + 1, sizeof *ld.row_line);
    if (ld.row_line == NULL) {
        fail_at(&ld, 0, "out of memory");
        goto out;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail_at(&ld, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (cmi_src_init_fd(&src, fd, 64 << 10) != 0) {
        fail_at(&ld, 0, "out of memory");
        goto out;
    }
    if (parse(&ld, &src) != 0)
        goto out;
    r = cm_calloc(1, sizeof *r);
    if (r == NULL) {
        fail_at(&ld, 0, "out of memory");
        goto out;
    }
    qsort(ld.rows, ld.nrows, sizeof *ld.rows, cmp_row);
    r->date = ld.date;
    r->source = ld.source;
    memcpy(r->reference, ld.reference, sizeof r->reference);
    r->rows = ld.rows;
    r->count = ld.nrows;
    r->owned = 1;
    ld.date = ld.source = NULL;
    ld.rows = NULL;
out:
    cm_free(ld.date);
    cm_free(ld.source);
    cm_free(ld.rows);
    cm_free(ld.row_line);
    cmi_src_free(&src);
    if (fd >= 0)
        close(fd);
    return r;
}
