/*
 * load_json.c - JSON and JSON Lines sources.
 *
 * A JSON document is never parsed whole: a small scanner walks the outer
 * array (or the {"regions": [...]} wrapper) and hands jansson one record at
 * a time, so memory holds one record's tree, not the file's. The scanner
 * finds a record's extent (strings, nesting) before jansson sees it, so a
 * record over the size limit is refused without being parsed or kept.
 * Syntax errors end the file (there is no safe place to resume); in JSON
 * Lines each line stands alone, so a bad line is one rejected record.
 */
#include "load.h"
#include "alloc.h"
#include "jsonread.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Scratch space for list items of one field. */
typedef struct items_buf {
    val *v;
    size_t cap;
} items_buf;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(load_run *r, size_t i)
{
    return cmi_jsonr_skip_ws(r->src, i);
}

/* Turn a jansson value into a val; arrays use the scratch buffer. */
static int to_val(const json_t *j, val *out, items_buf *ib)
{
    memset(out, 0, sizeof *out);
    switch (json_typeof(j)) {
    case JSON_NULL: out->t = V_NULL; break;
    case JSON_TRUE: out->t = V_BOOL; out->b = 1; break;
    case JSON_FALSE: out->t = V_BOOL; out->b = 0; break;
    case JSON_STRING:
        out->t = V_STRING;
        out->s = json_string_value(j);
        out->len = json_string_length(j);
        break;
    case JSON_INTEGER:
        out->t = V_NUMBER;
        out->num = (double)json_integer_value(j);
        out->is_int = 1;
        break;
    case JSON_REAL:
        out->t = V_NUMBER;
        out->num = json_real_value(j);
        break;
    case JSON_OBJECT: out->t = V_OBJECT; break;
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        out->t = V_LIST;
        out->n = n;
        if (ib == NULL) {      /* a list inside a list: only its type matters */
            out->n = 0;
            break;
        }
        if (cm_grow((void **)&ib->v, &ib->cap, n, sizeof *ib->v) < 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            to_val(json_array_get(j, i), &ib->v[i], NULL);
        out->items = ib->v;
        break;
    }
    }
    return 0;
}

static void json_found(char *buf, size_t n, const json_t *j)
{
    static const char *const names[] = { "an object", "a list", "a string", "an integer",
                                         "a number", "true", "false", "null" };
    snprintf(buf, n, "%s", names[json_typeof(j)]);
}

/* One record: a JSON object. Returns 1 stored, 0 rejected, -1 out of memory. */
static int record_from_json(load_run *r, rb *b, const json_t *obj, long record,
                            unsigned long line, items_buf *ib)
{
    load_ctx *ctx = &r->ctx;
    if (!json_is_object(obj)) {
        char found[32];
        json_found(found, sizeof found, obj);
        cmi_rb_begin(b, record, line, NULL, 0);
        cmi_rb_error(b, NULL, "a JSON object (one profile)", found);
        return cmi_rb_end(b);
    }
    const json_t *idv = json_object_get(obj, "id");
    if (json_is_string(idv))
        cmi_rb_begin(b, record, line, json_string_value(idv), json_string_length(idv));
    else
        cmi_rb_begin(b, record, line, NULL, 0);
    /* the id is a new string for the string index, a cache miss: ask for
     * its slot now (names are not interned) */
    if (json_is_string(idv))
        cmi_rb_prefetch(b, cmi_schema_field(ctx->kind, "id", 2), json_string_value(idv),
                    json_string_length(idv));

    const char *key;
    json_t *value;
    val v;
    json_object_foreach((json_t *)obj, key, value) {
        size_t klen = strlen(key);
        const field_def *f = cmi_schema_field(ctx->kind, key, klen);
        if (f == NULL) {
            if (to_val(value, &v, ib) < 0)
                return -1;
            cmi_rb_attr(b, key, klen, &v);
        } else if (f->shape == SHAPE_GROUP || f->shape == SHAPE_ATTRS) {
            if (json_is_null(value))
                continue;
            if (!json_is_object(value)) {
                char found[32];
                json_found(found, sizeof found, value);
                cmi_rb_error(b, key, "an object", found);
                continue;
            }
            const char *mkey;
            json_t *mval;
            json_object_foreach(value, mkey, mval) {
                if (to_val(mval, &v, ib) < 0)
                    return -1;
                if (f->shape == SHAPE_ATTRS) {
                    cmi_rb_attr(b, mkey, strlen(mkey), &v);
                    continue;
                }
                char path[128], q[96];
                snprintf(path, sizeof path, "%s.%s", key, mkey);
                const field_def *m = cmi_schema_field(ctx->kind, path, strlen(path));
                if (m == NULL) {
                    char exp[96];
                    snprintf(exp, sizeof exp, "one of %s", cmi_schema_group_members(ctx->kind, key));
                    cmi_rb_group_error(b, f, path, exp, cmi_diag_quote(q, sizeof q, mkey, strlen(mkey)));
                    continue;
                }
                cmi_rb_field(b, m, &v);
            }
        } else {
            if (to_val(value, &v, ib) < 0)
                return -1;
            cmi_rb_field(b, f, &v);
        }
        if (ctx->nomem)
            return -1;
    }
    return cmi_rb_end(b);
}

static void syntax_error(load_run *r, size_t base, const json_error_t *err, long record)
{
    /* jansson counts lines and character columns from base */
    unsigned long line = cmi_run_line(r, base);
    unsigned long col = cmi_run_column(r, base);
    unsigned long eline = err->line > 0 ? (unsigned long)err->line : 1;
    unsigned long ecol = err->column > 0 ? (unsigned long)err->column : 1;
    /* jansson counts the characters before an undecodable byte: point at it */
    if (json_error_code(err) == json_error_invalid_utf8)
        ecol++;
    char note[256];
    snprintf(note, sizeof note, "invalid JSON: %s", err->text);
    cmi_ctx_error(&r->ctx, line + eline - 1, eline == 1 ? col + ecol - 1 : ecol, record, NULL,
              NULL, NULL, note);
    r->fatal = 1;
}

static void unexpected(load_run *r, size_t at, long record, const char *expected)
{
    char found[32];
    int b = cmi_src_byte(r->src, at);
    unsigned char c = b < 0 ? 0 : (unsigned char)b;
    size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (b < 0)
        snprintf(found, sizeof found, "the end of the file");
    else if (c >= 0x20 && c < 0x7f)
        snprintf(found, sizeof found, "'%c'", c);
    else if (c >= 0x80 && cmi_src_fill(r->src, at, want) >= want &&
             cmi_utf8_check(src_at(r->src, at), want) == want)
        snprintf(found, sizeof found, "'%.*s'", (int)want, src_at(r->src, at));
    else
        snprintf(found, sizeof found, "the byte 0x%02x", c);
    cmi_ctx_error(&r->ctx, cmi_run_line(r, at), cmi_run_column(r, at), record, NULL, expected, found, NULL);
    r->fatal = 1;
}

static json_t *parse_span(load_run *r, size_t at, size_t len, size_t flags, json_error_t *err,
                          int *nomem)
{
    return cmi_jsonr_parse(r->src, at, len, flags, err, nomem);
}

static void too_long(load_run *r, rb *b, long record, unsigned long line, size_t used)
{
    cmi_rb_begin(b, record, line, NULL, 0);
    char found[64];
    snprintf(found, sizeof found, "%zu bytes", used);
    char exp[64];
    snprintf(exp, sizeof exp, "a record of at most %zu bytes", r->max_record);
    cmi_rb_error(b, NULL, exp, found);
}

/* Stream the elements of an array whose '[' is at `at`. */
static int stream_array(load_run *r, size_t at, size_t *end)
{
    source *src = r->src;
    size_t i = skip_ws(r, at + 1);
    items_buf ib = { NULL, 0 };
    rb *b = cmi_rb_new(&r->ctx);
    int rc = 0;
    if (b == NULL)
        return -1;
    if (cmi_src_byte(src, i) == ']') {
        *end = i + 1;
        goto out;
    }
    for (;;) {
        if (cmi_src_byte(src, i) < 0) {
            unexpected(r, i, 0, "a record or ']'");
            goto out;
        }
        long record = ++r->records;
        cmi_src_keep(src, i);
        unsigned long line = cmi_run_line(r, i);
        size_t vend;
        int sc = cmi_jsonr_value(src, i, r->max_record, &vend);
        if (sc == JSONR_BAD) {
            unexpected(r, vend, record, "the rest of the record");
            goto out;
        }
        size_t used = vend - i;
        json_t *j = NULL;
        if (sc != JSONR_TOO_LONG) {
            json_error_t err;
            int nomem;
            j = parse_span(r, i, used,
                           JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                           &err, &nomem);
            if (nomem) {
                rc = -1;
                goto out;
            }
            if (j == NULL) {
                syntax_error(r, i, &err, record);
                goto out;
            }
            used = (size_t)err.position;
        }
        if (cmi_run_need_kind(r, i) < 0) {
            json_decref(j);
            goto out;
        }
        size_t diag_start = r->ctx.diags ? r->ctx.diags->count : 0;
        int got;
        if (j == NULL) {
            too_long(r, b, record, line, used);
            got = cmi_rb_end(b);
        } else {
            got = record_from_json(r, b, j, record, line, &ib);
        }
        int parsed = j != NULL;
        json_decref(j);
        if (got < 0) {
            rc = -1;
            goto out;
        }
        if (got == 0)
            cmi_run_reject(r, record, line, parsed ? src_at(src, i) : "", parsed ? used : 0,
                       diag_start);
        run_record_done(r, i + used);
        i = skip_ws(r, i + used);
        int c = cmi_src_byte(src, i);
        if (c == ',') {
            i = skip_ws(r, i + 1);
            if (cmi_src_byte(src, i) == ']') {
                unexpected(r, i, 0, "a record after ','");
                goto out;
            }
            continue;
        }
        if (c == ']') {
            *end = i + 1;
            break;
        }
        unexpected(r, i, 0, "',' or ']' after a record");
        goto out;
    }
out:
    cmi_rb_free(b);
    cm_free(ib.v);
    return rc;
}

/* A JSON string token at `at`; sets *end past it. Returns 0 or -1. */
static int scan_string(load_run *r, size_t at, size_t *end)
{
    for (size_t i = at + 1;; i++) {
        int c = cmi_src_byte(r->src, i);
        if (c < 0)
            return -1;
        if (c == '\\')
            i++;
        else if (c == '"') {
            *end = i + 1;
            return 0;
        }
    }
}

/* {"regions": [...]} or {"enterprises": [...]}, possibly with other keys. */
static int load_wrapper(load_run *r, size_t at, size_t *end)
{
    source *src = r->src;
    size_t i = skip_ws(r, at + 1);
    int lists = 0;
    if (cmi_src_byte(src, i) == '}') {
        *end = i + 1;
        goto check;
    }
    for (;;) {
        size_t kend;
        if (cmi_src_byte(src, i) != '"' || scan_string(r, i, &kend) < 0) {
            unexpected(r, i, 0, "a key in quotes");
            return 0;
        }
        size_t klen = kend - i - 2;
        size_t key_at = i;
        int kind = -1;
        if (cmi_src_fill(src, i + 1, klen) >= klen) {
            const char *key = src_at(src, i + 1);
            kind = (klen == 7 && memcmp(key, "regions", 7) == 0) ? 0
                 : (klen == 11 && memcmp(key, "enterprises", 11) == 0) ? 1 : -1;
        }
        i = skip_ws(r, kend);
        if (cmi_src_byte(src, i) != ':') {
            unexpected(r, i, 0, "':' after the key");
            return 0;
        }
        i = skip_ws(r, i + 1);
        if (kind >= 0) {
            if (cmi_src_byte(src, i) != '[') {
                unexpected(r, i, 0, "a list of profiles '['");
                return 0;
            }
            if (lists++) {
                cmi_ctx_error(&r->ctx, cmi_run_line(r, key_at), cmi_run_column(r, key_at), 0, NULL,
                          "one list of profiles per file", "a second one", NULL);
                r->fatal = 1;
                return 0;
            }
            if (cmi_run_set_kind(r, kind, key_at) < 0)
                return 0;
            size_t aend;
            if (stream_array(r, i, &aend) < 0)
                return -1;
            if (r->fatal)
                return 0;
            i = aend;
        } else {
            /* other keys (metadata) are checked and skipped; one too long to
             * keep is skipped unparsed */
            cmi_src_keep(src, i);
            size_t vend;
            int sc = cmi_jsonr_value(src, i, r->max_record, &vend);
            if (sc == JSONR_BAD) {
                unexpected(r, vend, 0, "the rest of the value");
                return 0;
            }
            if (sc != JSONR_TOO_LONG) {
                json_error_t err;
                int nomem;
                json_t *j = parse_span(r, i, vend - i, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY,
                                       &err, &nomem);
                if (nomem)
                    return -1;
                if (j == NULL) {
                    syntax_error(r, i, &err, 0);
                    return 0;
                }
                json_decref(j);
                vend = i + (size_t)err.position;
            }
            i = vend;
        }
        i = skip_ws(r, i);
        int c = cmi_src_byte(src, i);
        if (c == ',') {
            i = skip_ws(r, i + 1);
            continue;
        }
        if (c == '}') {
            *end = i + 1;
            break;
        }
        unexpected(r, i, 0, "',' or '}'");
        return 0;
    }
check:
    if (!lists) {
        cmi_ctx_error(&r->ctx, cmi_run_line(r, at), cmi_run_column(r, at), 0, NULL,
                  "a key \"regions\" or \"enterprises\" holding the list of profiles",
                  "neither", NULL);
        r->fatal = 1;
    }
    return 0;
}

int cmi_load_json(load_run *r)
{
    size_t i = skip_ws(r, r->start), end = 0;
    int rc;
    int c = cmi_src_byte(r->src, i);
    if (c == '[')
        rc = stream_array(r, i, &end);
    else if (c == '{')
        rc = load_wrapper(r, i, &end);
    else {
        unexpected(r, i, 0, "a JSON list of profiles '[' or an object {\"regions\": [...]}");
        return 0;
    }
    if (rc < 0 || r->fatal)
        return rc;
    i = skip_ws(r, end);
    if (cmi_src_byte(r->src, i) >= 0)
        unexpected(r, i, 0, "the end of the file after the JSON document");
    return 0;
}

int cmi_load_jsonl(load_run *r)
{
    source *src = r->src;
    items_buf ib = { NULL, 0 };
    rb *b = cmi_rb_new(&r->ctx);
    int rc = 0;
    if (b == NULL)
        return -1;
    size_t i = r->start;
    unsigned long line = 0;
    for (;;) {
        cmi_src_keep(src, i);
        if (cmi_src_avail(src, i) == 0)
            break;
        size_t eol, next;
        int long_line;
        line++;
        if (cmi_jsonr_line(src, i, r->max_record + 1, &eol, &next, &long_line) < 0) {
            char found[64];
            snprintf(found, sizeof found, "a NUL byte after %zu bytes", eol - i);
            cmi_ctx_error(&r->ctx, line, 0, r->records + 1, NULL, "a line of JSON text", found,
                      NULL);
            r->fatal = 1;
            break;
        }
        size_t len = eol - i;
        if (!long_line && len && *src_at(src, i + len - 1) == '\r')
            len--;
        else if (long_line && len && cmi_src_byte(src, eol - 1) == '\r')
            len--;
        if (!long_line) {
            const char *p = src_at(src, i);
            size_t k = 0;
            while (k < len && is_ws(p[k]))
                k++;
            if (k == len) {     /* blank line */
                i = next;
                continue;
            }
        }
        long record = ++r->records;
        size_t diag_start = r->ctx.diags ? r->ctx.diags->count : 0;
        if (cmi_run_need_kind(r, i) < 0)
            break;
        int got;
        if (long_line || len > r->max_record) {
            char found[64], exp[64];
            snprintf(found, sizeof found, "a line of %zu bytes", len);
            snprintf(exp, sizeof exp, "a record of at most %zu bytes", r->max_record);
            cmi_ctx_error(&r->ctx, line, 0, record, NULL, exp, found, NULL);
            got = 0;
        } else {
            json_error_t err;
            int nomem;
            json_t *j = parse_span(r, i, len, JSON_REJECT_DUPLICATES, &err, &nomem);
            if (nomem) {
                rc = -1;
                break;
            }
            if (j == NULL) {
                char note[256];
                snprintf(note, sizeof note, "invalid JSON: %s", err.text);
                unsigned long col = err.column > 0 ? (unsigned long)err.column : 0;
                if (json_error_code(&err) == json_error_invalid_utf8)
                    col++;
                cmi_ctx_error(&r->ctx, line, col, record, NULL, NULL, NULL, note);
                got = 0;
            } else {
                got = record_from_json(r, b, j, record, line, &ib);
                json_decref(j);
            }
        }
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == 0)
            cmi_run_reject(r, record, line, long_line ? "" : src_at(src, i),
                       long_line ? 0 : len, diag_start);
        run_record_done(r, next);
        i = next;
    }
    cmi_rb_free(b);
    cm_free(ib.v);
    return rc;
}
