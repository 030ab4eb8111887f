/*
 * report.c - the self-contained HTML report (see report.h).
 *
 * One file a person can open anywhere: inline CSS, charts drawn as inline
 * SVG, one small inline script (sorting, filtering and paging the lists;
 * without it everything is shown), no network. Reports over LARGE_ROWS
 * pairs leave the reasons out of the lists so that 20k pairs stay a few
 * megabytes. Every number shown is computed here from
 * the rows given, and carries an id (total-pairs, total-score ...) so that a
 * test can read it back from the rendered page. Text is escaped once, at
 * output. Output is the same for the same input, byte for byte.
 */
#include "report.h"
#include "buf.h"
#include "err.h"
#include "alloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_LIMIT 400        /* partner lists longer than this start closed */
#define LARGE_ROWS 2000      /* more pairs: lists without reasons */
#define AXIS_MAX 16           /* countries per heatmap axis; the rest is "other" */

CM_API cm_report *cm_report_new(const cm_engine *e, const char *title)
{
    cm_report *r = cm_calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    if (cmi_strpool_init(&r->pool) < 0) {
        cm_free(r);
        return NULL;
    }
    r->engine = e;
    const char *t = title ? title : "capmatch report";
    if (cmi_strpool_intern(&r->pool, t, strlen(t), &r->title) < 0) {
        cm_report_free(r);
        return NULL;
    }
    return r;
}

CM_API void cm_report_free(cm_report *r)
{
    if (r == NULL)
        return;
    cmi_strpool_free(&r->pool);
    cm_free(r->rows);
    cm_free(r->left);
    cm_free(r->meta);
    cm_free(r->diff_html);
    cm_free(r);
}

static int buf_sink(const char *data, size_t len, void *ud)
{
    textbuf *b = ud;
    cmi_buf_put(b, data, len);
    return b->nomem;
}

CM_API cm_status cm_report_add_diff(cm_report *r, const cm_diff *d)
{
    if (r == NULL || d == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_report: a report and its arguments are needed");
    textbuf b = BUF_INIT;
    cm_status s = cm_diff_write(d, CM_DIFF_HTML, buf_sink, &b);
    if (s != CM_OK) {
        cmi_buf_free(&b);
        return s;
    }
    cm_free(r->diff_html);
    r->diff_html = b.s ? b.s : cm_strdup("");
    return r->diff_html ? CM_OK : cmi_err_set(CM_ENOMEM, "out of memory while making the report");
}

static int intern(cm_report *r, const char *s, str_ref *out)
{
    if (s == NULL) {
        *out = STR_NONE;
        return 0;
    }
    return cmi_strpool_intern(&r->pool, s, strlen(s), out);
}

CM_API cm_status cm_report_add_row(cm_report *r, const char *enterprise, const char *region,
                                   double score, double region_score, unsigned enterprise_rank,
                                   unsigned region_rank, const char *reasons)
{
    if (r == NULL || enterprise == NULL || region == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_report: a report and its arguments are needed");
    report_row row = { 0 };
    if (intern(r, enterprise, &row.e) < 0 || intern(r, region, &row.r) < 0 ||
        intern(r, reasons, &row.why) < 0 ||
        cm_grow((void **)&r->rows, &r->caprows, r->nrows + 1, sizeof *r->rows) < 0)
        return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
    row.score = score;
    row.rscore = region_score < 0 ? score : region_score;
    row.erank = enterprise_rank;
    row.rrank = region_rank;
    r->rows[r->nrows++] = row;
    return CM_OK;
}

CM_API cm_status cm_report_add_left(cm_report *r, cm_kind kind, const char *id, const char *why)
{
    if (r == NULL || id == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_report: a report and its arguments are needed");
    report_left l = { kind, STR_NONE, STR_NONE };
    if (intern(r, id, &l.id) < 0 || intern(r, why ? why : "", &l.why) < 0 ||
        cm_grow((void **)&r->left, &r->capleft, r->nleft + 1, sizeof *r->left) < 0)
        return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
    r->left[r->nleft++] = l;
    return CM_OK;
}

CM_API void cm_report_count_places(cm_report *r)
{
    if (r)
        r->assigned = 1;
}

CM_API cm_status cm_report_add_meta(cm_report *r, const char *key, const char *value)
{
    if (r == NULL || key == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_report: a report and its arguments are needed");
    str_ref k, v;
    if (intern(r, key, &k) < 0 || intern(r, value ? value : "", &v) < 0 ||
        cm_grow((void **)&r->meta, &r->capmeta, r->nmeta + 2, sizeof *r->meta) < 0)
        return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
    r->meta[r->nmeta++] = k;
    r->meta[r->nmeta++] = v;
    return CM_OK;
}

CM_API cm_status cm_report_add_result(cm_report *r, const cm_result *res, cm_kind by)
{
    if (r == NULL || res == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_report: a report and its arguments are needed");
    int by_region = by == CM_KIND_REGIONS;
    for (size_t i = 0; i < cm_result_count(res); i++) {
        const cm_match_row *row = cm_result_row(res, i);
        char *why = NULL;
        size_t n = cm_result_rule_count(res);
        if (n && cm_result_explain(res, i, 0)) {
            size_t len = 1;
            for (size_t k = 0; k < n; k++) {
                const cm_explain_item *it = cm_result_explain(res, i, k);
                len += strlen(it->rule) + strlen(it->reason) + 24;
            }
            why = cm_malloc(len);
            if (why == NULL)
                return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
            size_t o = 0;
            for (size_t k = 0; k < n; k++) {
                const cm_explain_item *it = cm_result_explain(res, i, k);
                o += (size_t)snprintf(why + o, len - o, "%s%s%s: %s", k ? " | " : "",
                                      it->region_side ? "region's view, " : "", it->rule,
                                      it->reason);
            }
        }
        cm_status s = cm_report_add_row(r, row->enterprise, row->region, row->score,
                                        row->region_score,
                                        by_region ? 0 : row->rank, by_region ? row->rank : 0, why);
        cm_free(why);
        if (s != CM_OK)
            return s;
    }
    /* profiles of the ranked side with no row */
    if (r->engine) {
        cm_kind k = by_region ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
        size_t n = cm_engine_count(r->engine, k);
        uint8_t *has = cm_calloc(n + 1, 1);
        if (has == NULL)
            return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
        for (size_t i = 0; i < cm_result_count(res); i++) {
            const cm_match_row *row = cm_result_row(res, i);
            size_t at = cm_engine_find(r->engine, k, by_region ? row->region : row->enterprise);
            if (at < n)
                has[at] = 1;
        }
        for (size_t i = 0; i < n; i++) {
            cm_value v;
            if (has[i] || cm_profile_get(r->engine, k, i, "id", &v) != CM_OK)
                continue;
            cm_status s = cm_report_add_left(
                r, k, v.str,
                by_region ? "no enterprise passed the filters and the minimum score"
                          : "no region passed the filters and the minimum score");
            if (s != CM_OK) {
                cm_free(has);
                return s;
            }
        }
        cm_free(has);
    }
    return CM_OK;
}

CM_API cm_status cm_report_add_assignment(cm_report *r, const cm_assignment *a)
{
    if (r == NULL || a == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_report: a report and its arguments are needed");
    r->assigned = 1;
    for (size_t i = 0; i < cm_assignment_count(a); i++) {
        const cm_assign_row *row = cm_assignment_row(a, i);
        cm_status s = cm_report_add_row(r, row->enterprise, row->region, row->score,
                                        row->region_score, row->enterprise_rank, row->region_rank,
                                        row->reasons);
        if (s != CM_OK)
            return s;
    }
    for (size_t i = 0; i < cm_assignment_left_count(a); i++) {
        const cm_left *l = cm_assignment_left(a, i);
        cm_status s = cm_report_add_left(r, l->kind, l->id, l->message);
        if (s != CM_OK)
            return s;
    }
    return CM_OK;
}

/* ==== output ====================================================================== */

/* The page is built in a text buffer handed to the sink every OUTBUF bytes. */
typedef struct out {
    cm_write_fn fn;
    void *ud;
    textbuf b;
    int bad;                  /* the sink refused */
} out;

#define OUTBUF 65536

static void flush(out *o)
{
    if (o->b.len && !o->bad && !o->b.nomem && o->fn(o->b.s, o->b.len, o->ud) != 0)
        o->bad = 1;
    o->b.len = 0;
}

static void put(out *o, const char *s, size_t n)
{
    cmi_buf_put(&o->b, s, n);
    if (o->b.len >= OUTBUF)
        flush(o);
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void pf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pf(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cmi_buf_vprintf(&o->b, fmt, ap);
    va_end(ap);
    if (o->b.len >= OUTBUF)
        flush(o);
}

/* HTML text and attribute values */
static void esc(out *o, const char *s)
{
    cmi_buf_html(&o->b, s, strlen(s));
    if (o->b.len >= OUTBUF)
        flush(o);
}

/* reasons "a: x | b: y" as lines */
static void esc_reasons(out *o, const char *s)
{
    const char *p = s;
    for (;;) {
        const char *bar = strstr(p, " | ");
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        char *piece = cm_strndup(p, n);
        if (piece) {
            esc(o, piece);
            cm_free(piece);
        } else {
            o->b.nomem = 1;
        }
        if (!bar)
            break;
        puts_(o, "<br>");
        p = bar + 3;
    }
}

static const char *S(const cm_report *r, str_ref x) { return strpool_get(&r->pool, x); }

static const char *field(const cm_report *r, cm_kind k, const char *id, const char *path)
{
    if (r->engine == NULL)
        return NULL;
    size_t i = cm_engine_find(r->engine, k, id);
    cm_value v;
    if (i == (size_t)-1 || cm_profile_get(r->engine, k, i, path, &v) != CM_OK ||
        v.type != CM_VALUE_STRING)
        return NULL;
    return v.str;
}

static long capacity_of(const cm_report *r, const char *region)
{
    if (r->engine == NULL)
        return -2;
    size_t i = cm_engine_find(r->engine, CM_KIND_REGIONS, region);
    cm_value v;
    if (i == (size_t)-1 || cm_profile_get(r->engine, CM_KIND_REGIONS, i, "capacity", &v) != CM_OK)
        return -2;
    return v.type == CM_VALUE_NUMBER ? (long)v.num : -1;
}

/* ---- counting ---- */

typedef struct tally {
    const char **keys;
    size_t *counts;
    size_t n, cap, capc;
} tally;

static int tally_add(tally *t, const char *key, size_t by)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0) {
            t->counts[i] += by;
            return 0;
        }
    if (cm_grow((void **)&t->keys, &t->cap, t->n + 1, sizeof *t->keys) < 0 ||
        cm_grow((void **)&t->counts, &t->capc, t->n + 1, sizeof *t->counts) < 0)
        return -1;
    t->keys[t->n] = key;
    t->counts[t->n++] = by;
    return 0;
}

static void tally_free(tally *t)
{
    cm_free(t->keys);
    cm_free(t->counts);
}

/* by count descending, then key */
static void tally_sort(tally *t)
{
    for (size_t i = 1; i < t->n; i++)
        for (size_t j = i; j > 0; j--) {
            int swap = t->counts[j] > t->counts[j - 1] ||
                       (t->counts[j] == t->counts[j - 1] && strcmp(t->keys[j], t->keys[j - 1]) < 0);
            if (!swap)
                break;
            const char *k = t->keys[j]; t->keys[j] = t->keys[j - 1]; t->keys[j - 1] = k;
            size_t c = t->counts[j]; t->counts[j] = t->counts[j - 1]; t->counts[j - 1] = c;
        }
}

static size_t tally_index(const tally *t, const char *key, size_t limit)
{
    for (size_t i = 0; i < t->n && i < limit; i++)
        if (strcmp(t->keys[i], key) == 0)
            return i;
    return limit;     /* "other" */
}

/* ---- charts ---- */

static void colour(double f, char hex[8])
{
    /* from #eef4fb (few) to #08519c (many) */
    int r = (int)lround(0xee + (0x08 - 0xee) * f), g = (int)lround(0xf4 + (0x51 - 0xf4) * f),
        b = (int)lround(0xfb + (0x9c - 0xfb) * f);
    snprintf(hex, 8, "#%02x%02x%02x", r & 0xff, g & 0xff, b & 0xff);
}

static const char *country_of(const cm_report *r, cm_kind k, const char *id)
{
    const char *c = field(r, k, id, "country");
    return c ? c : "?";
}

static int heatmap(out *o, const cm_report *r)
{
    tally ec = { 0 }, rc = { 0 };
    for (size_t i = 0; i < r->nrows; i++)
        if (tally_add(&ec, country_of(r, CM_KIND_ENTERPRISES, S(r, r->rows[i].e)), 1) < 0 ||
            tally_add(&rc, country_of(r, CM_KIND_REGIONS, S(r, r->rows[i].r)), 1) < 0)
            goto nomem;
    tally_sort(&ec);
    tally_sort(&rc);
    size_t ne = ec.n < AXIS_MAX ? ec.n : AXIS_MAX + 1, nr = rc.n < AXIS_MAX ? rc.n : AXIS_MAX + 1;
    size_t *cell = cm_calloc(ne * nr + 1, sizeof *cell);
    if (cell == NULL)
        goto nomem;
    size_t max = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        size_t a = tally_index(&ec, country_of(r, CM_KIND_ENTERPRISES, S(r, r->rows[i].e)), AXIS_MAX);
        size_t b = tally_index(&rc, country_of(r, CM_KIND_REGIONS, S(r, r->rows[i].r)), AXIS_MAX);
        if (++cell[a * nr + b] > max)
            max = cell[a * nr + b];
    }
    int cw = 46, ch = 30, left = 70, top = 56;
    int w = left + (int)nr * cw + 10, h = top + (int)ne * ch + 10;
    pf(o, "<svg id=\"chart-countries\" role=\"img\" aria-label=\"matches by country pair\" "
          "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", w, h, w, h);
    pf(o, "<text x=\"%d\" y=\"14\" class=\"axis\">region country &#8594;</text>\n", left);
    pf(o, "<text x=\"4\" y=\"%d\" class=\"axis\">enterprise</text>\n", top - 6);
    for (size_t b = 0; b < nr; b++)
        pf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"lab\">%s</text>\n",
           left + (int)b * cw + cw / 2, top - 10, b < AXIS_MAX ? rc.keys[b] : "other");
    for (size_t a = 0; a < ne; a++) {
        pf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"lab\">%s</text>\n", left - 8,
           top + (int)a * ch + ch / 2 + 4, a < AXIS_MAX ? ec.keys[a] : "other");
        for (size_t b = 0; b < nr; b++) {
            size_t n = cell[a * nr + b];
            double f = max ? (double)n / (double)max : 0;
            char col[8];
            colour(n ? 0.15 + 0.85 * f : 0, col);
            const char *ea = a < AXIS_MAX ? ec.keys[a] : "other";
            const char *rb = b < AXIS_MAX ? rc.keys[b] : "other";
            pf(o, "<g><title>%s &#8594; %s: %zu</title><rect x=\"%d\" y=\"%d\" width=\"%d\" "
                  "height=\"%d\" fill=\"%s\" stroke=\"#fff\"/>",
               ea, rb, n, left + (int)b * cw, top + (int)a * ch, cw, ch, col);
            if (n)
                pf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"cell\" "
                      "fill=\"%s\">%zu</text>",
                   left + (int)b * cw + cw / 2, top + (int)a * ch + ch / 2 + 4,
                   f > 0.5 ? "#fff" : "#123", n);
            puts_(o, "</g>\n");
        }
    }
    puts_(o, "</svg>\n");
    cm_free(cell);
    tally_free(&ec);
    tally_free(&rc);
    return 0;
nomem:
    tally_free(&ec);
    tally_free(&rc);
    return -1;
}

static int sectors(out *o, const cm_report *r)
{
    tally t = { 0 };
    for (size_t i = 0; i < r->nrows; i++) {
        const char *sec = field(r, CM_KIND_ENTERPRISES, S(r, r->rows[i].e), "sector");
        const char *section = sec ? cm_isic_section(sec) : NULL;
        if (tally_add(&t, section ? section : "?", 1) < 0) {
            tally_free(&t);
            return -1;
        }
    }
    tally_sort(&t);
    size_t max = t.n ? t.counts[0] : 0;
    int rowh = 24, left = 330, barw = 360;
    int h = (int)t.n * rowh + 10;
    pf(o, "<svg id=\"chart-sectors\" role=\"img\" aria-label=\"matches by sector group\" "
          "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", left + barw + 60, h,
       left + barw + 60, h);
    for (size_t i = 0; i < t.n; i++) {
        const char *title = strcmp(t.keys[i], "?") ? cm_isic_title(t.keys[i]) : NULL;
        char label[90];
        snprintf(label, sizeof label, "%s %.60s%s", t.keys[i], title ? title : "unknown sector",
                 title && strlen(title) > 60 ? "..." : "");
        int y = (int)i * rowh + 4;
        int bw = max ? (int)((double)barw * (double)t.counts[i] / (double)max) : 0;
        puts_(o, "<g><text x=\"");
        pf(o, "%d\" y=\"%d\" text-anchor=\"end\" class=\"lab\">", left - 8, y + 15);
        esc(o, label);
        pf(o, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#3182bd\"/>"
              "<text x=\"%d\" y=\"%d\" class=\"lab\">%zu</text></g>\n",
           left, y + 2, bw > 0 ? bw : 1, rowh - 6, left + bw + 6, y + 15, t.counts[i]);
    }
    puts_(o, "</svg>\n");
    tally_free(&t);
    return 0;
}

static void histogram(out *o, const cm_report *r)
{
    size_t bins[10] = { 0 }, max = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        int b = (int)floor(r->rows[i].score * 10);
        if (b > 9)
            b = 9;
        if (b < 0)
            b = 0;
        bins[b]++;
    }
    for (int b = 0; b < 10; b++)
        if (bins[b] > max)
            max = bins[b];
    int bw = 52, left = 20, top = 20, hmax = 150;
    int w = left + 10 * bw + 10, h = top + hmax + 40;
    pf(o, "<svg id=\"chart-scores\" role=\"img\" aria-label=\"score distribution\" width=\"%d\" "
          "height=\"%d\" viewBox=\"0 0 %d %d\">\n", w, h, w, h);
    for (int b = 0; b < 10; b++) {
        int bh = max ? (int)((double)hmax * (double)bins[b] / (double)max) : 0;
        int x = left + b * bw, y = top + hmax - bh;
        pf(o, "<g><title>score %.1f to %.1f: %zu</title><rect x=\"%d\" y=\"%d\" width=\"%d\" "
              "height=\"%d\" fill=\"#31a354\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
              "class=\"lab\">%zu</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
              "class=\"lab\">%.1f&#8211;%.1f</text></g>\n",
           b / 10.0, (b + 1) / 10.0, bins[b], x + 2, y, bw - 4, bh, x + bw / 2, y - 4, bins[b],
           x + bw / 2, top + hmax + 16, b / 10.0, (b + 1) / 10.0);
    }
    pf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n", left, top + hmax,
       left + 10 * bw, top + hmax);
    pf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">score</text>\n",
       left + 5 * bw, top + hmax + 34);
    puts_(o, "</svg>\n");
}

/* ---- partner lists ---- */

static _Thread_local const cm_report *sort_r;
static _Thread_local int sort_by_region;

static int cmp_rows(const void *a, const void *b)
{
    const report_row *x = &sort_r->rows[*(const size_t *)a], *y = &sort_r->rows[*(const size_t *)b];
    str_ref kx = sort_by_region ? x->r : x->e, ky = sort_by_region ? y->r : y->e;
    int c = strcmp(S(sort_r, kx), S(sort_r, ky));
    if (c)
        return c;
    double sx = sort_by_region ? x->rscore : x->score, sy = sort_by_region ? y->rscore : y->score;
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(S(sort_r, sort_by_region ? x->e : x->r), S(sort_r, sort_by_region ? y->e : y->r));
}

/* (numbers in the lists are right-aligned by the CSS: .items td+td) */
static void rank_cell(out *o, unsigned rank)
{
    if (rank)
        pf(o, "<td>%u</td>", rank);
    else
        puts_(o, "<td>&#8211;</td>");
}

static void party_name(out *o, const cm_report *r, cm_kind k, const char *id)
{
    const char *name = field(r, k, id, "name");
    if (name && strcmp(name, id) != 0) {
        esc(o, name);
        puts_(o, " <span class=\"id\">");
        esc(o, id);
        puts_(o, "</span>");
    } else {
        esc(o, id);
    }
}

/* The filter box, the order and the pages of a list (shown by the script). */
static void list_tools(out *o, int sortable)
{
    puts_(o, "<div class=\"tools\" hidden><input type=\"search\" placeholder=\"filter: name, id, "
             "country, partner\" aria-label=\"filter\"> ");
    if (sortable)
        puts_(o, "<select aria-label=\"order\"><option value=\"name\">by name</option>"
                 "<option value=\"n\">most partners first</option><option value=\"best\">best "
                 "score first</option></select> ");
    puts_(o, "<button class=\"prev\" type=\"button\">&#8249; previous</button> <span class=\"info\">"
             "</span> <button class=\"next\" type=\"button\">next &#8250;</button></div>\n");
}

static int partners(out *o, const cm_report *r, int by_region)
{
    size_t *idx = cm_malloc((r->nrows + 1) * sizeof *idx);
    if (idx == NULL)
        return -1;
    for (size_t i = 0; i < r->nrows; i++)
        idx[i] = i;
    sort_r = r;
    sort_by_region = by_region;
    qsort(idx, r->nrows, sizeof *idx, cmp_rows);
    cm_kind self = by_region ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
    cm_kind other = by_region ? CM_KIND_ENTERPRISES : CM_KIND_REGIONS;
    int open = r->nrows <= OPEN_LIMIT, large = r->nrows > LARGE_ROWS;
    pf(o, "<section class=\"list\" id=\"list-%s\">\n", by_region ? "regions" : "enterprises");
    list_tools(o, 1);
    if (large)
        pf(o, "<p class=\"sub\">%zu pairs: the reasons are left out of these lists to keep the "
              "page small; the JSON and CSV outputs have them.</p>\n", r->nrows);
    puts_(o, "<div class=\"items\">\n");
    for (size_t i = 0; i < r->nrows;) {
        const report_row *first = &r->rows[idx[i]];
        const char *id = S(r, by_region ? first->r : first->e);
        size_t j = i;
        double best = 0;
        while (j < r->nrows && strcmp(S(r, by_region ? r->rows[idx[j]].r : r->rows[idx[j]].e), id) == 0) {
            double sc = by_region ? r->rows[idx[j]].rscore : r->rows[idx[j]].score;
            if (sc > best)
                best = sc;
            j++;
        }
        const char *nm = field(r, self, id, "name");
        pf(o, "<details class=\"item\"%s data-n=\"%zu\" data-best=\"%.3f\" data-name=\"",
           open ? " open" : "", j - i, best);
        esc(o, nm ? nm : id);
        puts_(o, "\"><summary>");
        party_name(o, r, self, id);
        const char *country = field(r, self, id, "country");
        if (country) {
            puts_(o, " &#183; ");
            esc(o, country);
        }
        pf(o, " &#183; %zu partner%s", j - i, j - i == 1 ? "" : "s");
        if (by_region) {
            long cap = capacity_of(r, id);
            if (cap >= 0)
                pf(o, " of %ld place%s", cap, cap == 1 ? "" : "s");
        }
        pf(o, "</summary>\n<table class=\"sort\"><thead><tr><th>%s</th><th>score</th>%s"
              "<th>its choice</th><th>%s choice</th>%s</tr></thead><tbody>\n",
           by_region ? "enterprise" : "region", by_region ? "<th>region's score</th>" : "",
           by_region ? "region's" : "enterprise's", large ? "" : "<th>reasons</th>");
        for (size_t k = i; k < j; k++) {
            const report_row *row = &r->rows[idx[k]];
            puts_(o, "<tr><td>");
            party_name(o, r, other, S(r, by_region ? row->e : row->r));
            pf(o, "</td><td>%.3f</td>", row->score);
            if (by_region)
                pf(o, "<td>%.3f</td>", row->rscore);
            rank_cell(o, by_region ? row->erank : row->rrank);
            rank_cell(o, by_region ? row->rrank : row->erank);
            if (!large) {
                puts_(o, "<td class=\"why\">");
                if (row->why != STR_NONE)
                    esc_reasons(o, S(r, row->why));
                puts_(o, "</td>");
            }
            puts_(o, "</tr>\n");
        }
        puts_(o, "</tbody></table></details>\n");
        i = j;
    }
    puts_(o, "</div>\n</section>\n");
    cm_free(idx);
    return 0;
}

static const char css[] =
    "body{font-family:'Noto Sans','Noto Sans CJK SC','Noto Sans Thai','Noto Sans Lao',"
    "'DejaVu Sans',Arial,sans-serif;margin:0 auto;max-width:1160px;"
    "padding:24px;color:#1b2630;background:#fbfcfd}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid "
    "#d5dde5;padding-bottom:4px}.sub{color:#5a6b7b;margin:0 0 18px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #d5dde5;"
    "border-radius:8px;padding:10px 16px;min-width:150px}.card .v{font-size:26px;font-weight:700}"
    ".card .k{color:#5a6b7b;font-size:13px}"
    ".charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}"
    ".chart{background:#fff;border:1px solid #d5dde5;border-radius:8px;padding:10px}"
    ".chart h3{font-size:15px;margin:0 0 6px}svg .lab{font-size:12px;fill:#1b2630}"
    "svg .axis{font-size:12px;fill:#5a6b7b}svg .cell{font-size:12px;font-weight:700}"
    "details{background:#fff;border:1px solid #d5dde5;border-radius:6px;margin:6px 0;padding:4px 10px}"
    "summary{cursor:pointer;font-weight:600;padding:4px 0}"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 8px}"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6ebf0;vertical-align:top}"
    "th{background:#f0f4f8}td.num{text-align:right;white-space:nowrap}td.why{color:#3b4a58}"
    ".id{color:#5a6b7b;font-size:12px}"
    ".tools{margin:8px 0;display:flex;gap:8px;align-items:center}.tools input{flex:1;"
    "max-width:360px;padding:4px 8px}th{cursor:pointer}"
    "div.items td+td{text-align:right;white-space:nowrap}div.items td.why{text-align:left;"
    "white-space:normal}";

/* Sorting, filtering and paging of the lists (section.list: its .item
 * elements in .items; table.sort: a click on a column header sorts it). */
static const char script[] =
    "(function(){var PER=50;"
    "function txt(e){return e.textContent.toLowerCase()}"
    "document.querySelectorAll('section.list').forEach(function(sec){"
    "var box=sec.querySelector('.tools'),box2=sec.querySelector('.items'),"
    "items=[].slice.call(box2.querySelectorAll(':scope>.item')),shown=items,page=0;"
    "if(!items.length)return;box.hidden=false;"
    "var q=box.querySelector('input'),sel=box.querySelector('select'),info=box.querySelector('.info'),"
    "prev=box.querySelector('.prev'),next=box.querySelector('.next');"
    "items.forEach(function(d){d._t=txt(d)});"
    "function draw(){var n=shown.length,pages=Math.max(1,Math.ceil(n/PER));if(page>=pages)page=pages-1;"
    "items.forEach(function(d){d.style.display='none'});"
    "shown.slice(page*PER,(page+1)*PER).forEach(function(d){d.style.display=''});"
    "info.textContent=n+' of '+items.length+(pages>1?' \\u00b7 page '+(page+1)+' of '+pages:'');"
    "prev.disabled=page==0;next.disabled=page>=pages-1}"
    "function apply(){var t=q.value.toLowerCase().trim(),k=sel?sel.value:'';"
    "shown=items.filter(function(d){return !t||d._t.indexOf(t)>=0});"
    "if(k)shown.sort(function(a,b){return k=='name'?a.dataset.name.localeCompare(b.dataset.name):"
    "parseFloat(b.dataset[k])-parseFloat(a.dataset[k])||a.dataset.name.localeCompare(b.dataset.name)});"
    "shown.forEach(function(d){box2.appendChild(d)});page=0;draw()}"
    "q.addEventListener('input',apply);if(sel)sel.addEventListener('change',apply);"
    "prev.addEventListener('click',function(){page--;draw()});"
    "next.addEventListener('click',function(){page++;draw()});apply()});"
    "document.addEventListener('click',function(e){var th=e.target.closest('table.sort th');"
    "if(!th)return;var tb=th.closest('table').tBodies[0],i=th.cellIndex,"
    "up=th.dataset.dir!='up',rows=[].slice.call(tb.rows);th.dataset.dir=up?'up':'down';"
    "rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent,"
    "u=parseFloat(x),v=parseFloat(y),c=isNaN(u)||isNaN(v)?x.localeCompare(y):u-v;"
    "return up?c:-c});"
    "rows.forEach(function(r){tb.appendChild(r)})})})();";

static void card(out *o, const char *id, const char *key, const char *value)
{
    pf(o, "<div class=\"card\"><div class=\"v\" id=\"%s\">", id);
    esc(o, value);
    puts_(o, "</div><div class=\"k\">");
    esc(o, key);
    puts_(o, "</div></div>\n");
}

CM_API cm_status cm_report_write_html(const cm_report *r, cm_write_fn fn, void *ud)
{
    if (r == NULL || fn == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_report: a report and its arguments are needed");
    out o = { fn, ud, BUF_INIT, 0 };
    if (cmi_buf_reserve(&o.b, OUTBUF) == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
    int nomem = 0;
    /* totals */
    double total = 0;
    strpool es, rs;       /* distinct parties with a partner */
    int pools = cmi_strpool_init(&es) == 0;
    if (pools && cmi_strpool_init(&rs) != 0) {
        cmi_strpool_free(&es);
        pools = 0;
    }
    if (!pools) {
        cmi_buf_free(&o.b);
        return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
    }
    for (size_t i = 0; i < r->nrows; i++) {
        str_ref x;
        const char *e = S(r, r->rows[i].e), *g = S(r, r->rows[i].r);
        total += r->rows[i].score;
        if (cmi_strpool_intern(&es, e, strlen(e), &x) < 0 || cmi_strpool_intern(&rs, g, strlen(g), &x) < 0)
            nomem = 1;
    }
    size_t eleft = 0, rleft = 0;
    for (size_t i = 0; i < r->nleft; i++)
        r->left[i].kind == CM_KIND_REGIONS ? rleft++ : eleft++;
    /* places of the regions that have a capacity, and the pairs in them */
    size_t places = 0, capped = 0, unlimited = 0, in_capped = 0;
    if (r->engine) {
        for (size_t i = 0; i < cm_engine_count(r->engine, CM_KIND_REGIONS); i++) {
            cm_value v;
            if (cm_profile_get(r->engine, CM_KIND_REGIONS, i, "capacity", &v) == CM_OK &&
                v.type == CM_VALUE_NUMBER) {
                places += (size_t)v.num;
                capped++;
            } else {
                unlimited++;
            }
        }
        for (size_t i = 0; capped && i < r->nrows; i++)
            if (capacity_of(r, S(r, r->rows[i].r)) >= 0)
                in_capped++;
    }

    puts_(&o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    esc(&o, S(r, r->title));
    pf(&o, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    esc(&o, S(r, r->title));
    pf(&o, "</h1>\n<p class=\"sub\">made by capmatch %s; every figure below is computed from the "
           "pairs listed in this file</p>\n", cm_version());

    puts_(&o, "<h2>Totals</h2>\n<div class=\"cards\">\n");
    char v[64];
    snprintf(v, sizeof v, "%zu", r->nrows);
    card(&o, "total-pairs", "pairs", v);
    snprintf(v, sizeof v, "%zu", es.nentries);
    card(&o, "total-enterprises", "enterprises with a partner", v);
    snprintf(v, sizeof v, "%zu", rs.nentries);
    card(&o, "total-regions", "regions with a partner", v);
    snprintf(v, sizeof v, "%.3f", total);
    card(&o, "total-score", "total score", v);
    snprintf(v, sizeof v, "%.3f", r->nrows ? total / (double)r->nrows : 0.0);
    card(&o, "mean-score", "mean score", v);
    snprintf(v, sizeof v, "%zu", eleft);
    card(&o, "left-enterprises", "enterprises left out", v);
    snprintf(v, sizeof v, "%zu", rleft);
    card(&o, "left-regions", "regions left out", v);
    if (capped && r->assigned) {
        char key[120];
        snprintf(v, sizeof v, "%zu of %zu", in_capped, places);
        if (unlimited)
            snprintf(key, sizeof key, "places used (%zu more region%s without a limit)",
                     unlimited, unlimited == 1 ? "" : "s");
        else
            snprintf(key, sizeof key, "places used");
        card(&o, "places-used", key, v);
    }
    puts_(&o, "</div>\n");

    if (r->diff_html) {
        puts_(&o, "<h2 id=\"changes\">What changed</h2>\n");
        puts_(&o, r->diff_html);
    }

    puts_(&o, "<h2>Charts</h2>\n<div class=\"charts\">\n<div class=\"chart\"><h3>Pairs by country "
              "(enterprise's country down, region's across)</h3>\n");
    if (heatmap(&o, r) < 0)
        nomem = 1;
    puts_(&o, "</div>\n<div class=\"chart\"><h3>Pairs by sector group (ISIC section of the "
              "enterprise)</h3>\n");
    if (sectors(&o, r) < 0)
        nomem = 1;
    puts_(&o, "</div>\n<div class=\"chart\"><h3>Score distribution</h3>\n");
    histogram(&o, r);
    puts_(&o, "</div>\n</div>\n");

    puts_(&o, "<h2 id=\"regions\">Regions and their partners</h2>\n");
    if (r->nrows == 0)
        puts_(&o, "<p>No pairs.</p>\n");
    if (partners(&o, r, 1) < 0)
        nomem = 1;
    puts_(&o, "<h2 id=\"enterprises\">Enterprises and their partners</h2>\n");
    if (partners(&o, r, 0) < 0)
        nomem = 1;

    pf(&o, "<h2 id=\"left\">Left out (%zu)</h2>\n", r->nleft);
    if (r->nleft == 0) {
        puts_(&o, "<p>Nobody was left out.</p>\n");
    } else {
        puts_(&o, "<section class=\"list\" id=\"list-left\">\n");
        list_tools(&o, 0);
        puts_(&o, "<table class=\"sort\"><thead><tr><th>kind</th><th>who</th><th>why</th></tr>"
                  "</thead><tbody class=\"items\">\n");
        for (size_t i = 0; i < r->nleft; i++) {
            const report_left *l = &r->left[i];
            pf(&o, "<tr class=\"item\"><td>%s</td><td>",
               l->kind == CM_KIND_REGIONS ? "region" : "enterprise");
            party_name(&o, r, l->kind, S(r, l->id));
            puts_(&o, "</td><td>");
            esc(&o, S(r, l->why));
            puts_(&o, "</td></tr>\n");
        }
        puts_(&o, "</tbody></table>\n</section>\n");
    }

    puts_(&o, "<h2 id=\"provenance\">How this was made</h2>\n<table><tbody>\n");
    pf(&o, "<tr><th>capmatch</th><td>%s</td></tr>\n", cm_version());
    for (size_t i = 0; i + 1 < r->nmeta; i += 2) {
        puts_(&o, "<tr><th>");
        esc(&o, S(r, r->meta[i]));
        puts_(&o, "</th><td>");
        esc(&o, S(r, r->meta[i + 1]));
        puts_(&o, "</td></tr>\n");
    }
    pf(&o, "</tbody></table>\n<script>%s</script>\n</body>\n</html>\n", script);
    flush(&o);
    cmi_strpool_free(&es);
    cmi_strpool_free(&rs);
    int nomem_out = o.b.nomem;
    cmi_buf_free(&o.b);
    if (nomem || nomem_out)
        return cmi_err_set(CM_ENOMEM, "out of memory while making the report");
    return o.bad ? cmi_err_set(CM_EIO, "the report could not be written out") : CM_OK;
}
