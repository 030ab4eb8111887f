/*
 * feed_body.c - from fetched pages to one text the loaders read: the
 * body's format (the feed's, the Content-Type, the URL, a look at the
 * text), where the records are (a top-level list, the kind's wrapper key or
 * the feed's `records` path), the feed's `map` function run over each record
 * in the configuration's sandbox, and the links to the next page (a field of
 * the body or an RFC 8288 Link header).
 *
 * Knows nothing of HTTP or of the cache; validation is the loaders' job.
 */
#include "feed.h"
#include "alloc.h"
#include "luajson.h"

#include <curl/curl.h>
#include <jansson.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- formats -------------------------------------------------------------------- */

static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

static size_t bom(const char *s, size_t len)
{
    return len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

static cm_format format_of_type(const char *ct)
{
    if (ct == NULL)
        return CM_FORMAT_AUTO;
    size_t n = strcspn(ct, "; \t");
    char t[128];
    snprintf(t, sizeof t, "%.*s", (int)(n < sizeof t - 1 ? n : sizeof t - 1), ct);
    for (char *p = t; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (!strcmp(t, "application/x-ndjson") || !strcmp(t, "application/ndjson") ||
        !strcmp(t, "application/jsonl") || !strcmp(t, "application/x-jsonlines") ||
        !strcmp(t, "application/jsonlines"))
        return CM_FORMAT_JSONL;
    if (!strcmp(t, "application/json") || !strcmp(t, "text/json") ||
        (strlen(t) > 5 && !strcmp(t + strlen(t) - 5, "+json")))
        return CM_FORMAT_JSON;
    if (!strcmp(t, "text/csv") || !strcmp(t, "application/csv"))
        return CM_FORMAT_CSV;
    return CM_FORMAT_AUTO;
}

static cm_format format_of_url(const char *url)
{
    if (url == NULL)
        return CM_FORMAT_AUTO;
    size_t n = strcspn(url, "?#");
    static const struct { const char *ext; cm_format f; } exts[] = {
        { ".json", CM_FORMAT_JSON }, { ".jsonl", CM_FORMAT_JSONL },
        { ".ndjson", CM_FORMAT_JSONL }, { ".csv", CM_FORMAT_CSV },
    };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t m = strlen(exts[i].ext);
        if (n >= m && strncasecmp(url + n - m, exts[i].ext, m) == 0)
            return exts[i].f;
    }
    return CM_FORMAT_AUTO;
}

/* '[' is a JSON list; an object alone is JSON, an object followed by more
 * text on later lines is JSON Lines; anything else is CSV. */
static cm_format format_of_text(const char *s, size_t len)
{
    size_t i = skip_space(s, len, bom(s, len));
    if (i == len)
        return CM_FORMAT_JSON;
    if (s[i] == '[')
        return CM_FORMAT_JSON;
    if (s[i] != '{')
        return CM_FORMAT_CSV;
    const char *nl = memchr(s + i, '\n', len - i);
    if (nl == NULL)
        return CM_FORMAT_JSON;
    json_t *first = json_loadb(s + i, (size_t)(nl - (s + i)), 0, NULL);
    int whole_line = json_is_object(first);
    json_decref(first);
    if (!whole_line)
        return CM_FORMAT_JSON;
    size_t j = skip_space(s, len, (size_t)(nl - s));
    return j < len ? CM_FORMAT_JSONL : CM_FORMAT_JSON;
}

cm_format cmi_body_format(const feed_def *d, const feed_page *p)
{
    if (d->format != CM_FORMAT_AUTO)
        return d->format;
    cm_format f = format_of_type(p->content_type);
    if (f == CM_FORMAT_AUTO)
        f = format_of_url(p->url ? p->url : d->url);
    if (f == CM_FORMAT_AUTO)
        f = format_of_text(p->data, p->len);
    return f;
}

/* ---- paths in JSON bodies ------------------------------------------------------ */

/* obj.a.b for the dotted path "a.b"; NULL when absent. */
static json_t *lookup(json_t *root, const char *path)
{
    json_t *v = root;
    const char *p = path;
    while (v && *p) {
        size_t n = strcspn(p, ".");
        char key[256];
        if (n >= sizeof key)
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
        p += n;
        if (*p == '.')
            p++;
    }
    return v;
}

static json_t *parse_page(const feed_page *p, size_t page_no, char *err, size_t errlen)
{
    json_error_t je;
    size_t b = bom(p->data, p->len);
    json_t *root = json_loadb(p->data + b, p->len - b, JSON_DECODE_ANY, &je);
    if (root == NULL)
        snprintf(err, errlen, "page %zu (%s) is not valid JSON: line %d, column %d: %s", page_no,
                 p->url ? p->url : "?", je.line, je.column, je.text);
    return root;
}

int cmi_body_next_url(const feed_def *d, const feed_page *p, char **next, char *err, size_t errlen)
{
    *next = NULL;
    if (d->pages_next == NULL)
        return 0;
    json_t *root = parse_page(p, 0, err, errlen);
    if (root == NULL)
        return -1;
    json_t *v = lookup(root, d->pages_next);
    int rc = 0;
    if (json_is_string(v) && json_string_length(v) > 0) {
        *next = cm_strdup(json_string_value(v));
        if (*next == NULL) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    } else if (v && !json_is_null(v) && !json_is_string(v)) {
        snprintf(err, errlen, "pages.next '%s' in %s is a %s, not a URL", d->pages_next,
                 p->url ? p->url : "?", json_is_object(v) ? "object" : json_is_array(v) ? "list"
                                                                                        : "number");
        rc = -1;
    }
    json_decref(root);
    return rc;
}

/* ---- Link headers (RFC 8288) ------------------------------------------------------- */

char *cmi_body_link_next(const char *link)
{
    const char *p = link;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p != '<')
            return NULL;
        const char *u = p + 1, *ue = strchr(u, '>');
        if (ue == NULL)
            return NULL;
        p = ue + 1;
        int is_next = 0;
        /* parameters up to the next top-level comma */
        while (*p && *p != ',') {
            while (*p == ' ' || *p == '\t' || *p == ';')
                p++;
            const char *k = p;
            while (*p && *p != '=' && *p != ';' && *p != ',')
                p++;
            size_t kl = (size_t)(p - k);
            while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
                kl--;
            const char *v = NULL;
            size_t vl = 0;
            if (*p == '=') {
                p++;
                while (*p == ' ' || *p == '\t')
                    p++;
                if (*p == '"') {
                    v = ++p;
                    while (*p && *p != '"') {
                        if (*p == '\\' && p[1])
                            p++;
                        p++;
                    }
                    vl = (size_t)(p - v);
                    if (*p == '"')
                        p++;
                } else {
                    v = p;
                    while (*p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
                        p++;
                    vl = (size_t)(p - v);
                }
            }
            if (kl == 3 && strncasecmp(k, "rel", 3) == 0 && v) {
                /* rel may list several space-separated types */
                const char *t = v, *end = v + vl;
                while (t < end) {
                    while (t < end && *t == ' ')
                        t++;
                    const char *te = t;
                    while (te < end && *te != ' ')
                        te++;
                    if (te - t == 4 && strncasecmp(t, "next", 4) == 0)
                        is_next = 1;
                    t = te;
                }
            }
            while (*p && *p != ';' && *p != ',')
                p++;
        }
        if (is_next)
            return cm_strndup(u, (size_t)(ue - u));
    }
    return NULL;
}

char *cmi_body_resolve_url(const char *base, const char *ref)
{
    CURLU *h = curl_url();
    if (h == NULL)
        return NULL;
    char *out = NULL, *res = NULL;
    if (curl_url_set(h, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(h, CURLUPART_URL, ref, 0) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_URL, &res, 0) == CURLUE_OK) {
        out = cm_strdup(res);
    }
    curl_free(res);
    curl_url_cleanup(h);
    return out;
}

/* ---- building the snapshot text ---------------------------------------------------------- */

typedef struct map_call {
    const json_t *record;
    textbuf *out;
    int skipped;
    char err[256];
} map_call;

/* Under cmi_sandbox_call: (map, call) -> run map over the record, write the result. */
static int l_map_record(lua_State *L)
{
    map_call *mc = lua_touserdata(L, 2);
    lua_settop(L, 1);
    if (cmi_lj_push_json(L, mc->record) < 0)
        return luaL_error(L, "the record nests too deep");
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        mc->skipped = 1;
        return 0;
    }
    if (!lua_istable(L, -1))
        return luaL_error(L, "map must return a profile (a table) or nil to leave the record "
                             "out, not a %s", luaL_typename(L, -1));
    size_t before = mc->out->len;
    if (cmi_lj_to_json(L, -1, mc->out, 0, mc->err, sizeof mc->err) < 0)
        return luaL_error(L, "map returned a profile that cannot be written: %s", mc->err);
    if (mc->out->len > before && mc->out->s[before] == '[' &&
        !(mc->out->len - before == 2))
        return luaL_error(L, "map must return a profile with named fields, not a list");
    if (mc->out->len - before == 2 && mc->out->s[before] == '[') {
        /* {} comes out as [] : an empty profile */
        mc->out->len = before;
        cmi_buf_puts(mc->out, "{}");
    }
    return 0;
}

typedef struct builder {
    cm_feeds *f;
    const feed_def *d;
    textbuf out;
    size_t records;
} builder;

static int add_record(builder *b, const json_t *rec, size_t page_no, size_t index, char *err,
                      size_t errlen)
{
    size_t mark = b->out.len;
    if (b->records)
        cmi_buf_puts(&b->out, ",\n");
    if (b->d->map_ref == LUA_NOREF) {
        size_t need = json_dumpb(rec, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER);
        char *at = need ? cmi_buf_reserve(&b->out, need) : NULL;
        if (at == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        json_dumpb(rec, at, need, JSON_COMPACT | JSON_PRESERVE_ORDER);
        b->out.len += need;
        b->out.s[b->out.len] = '\0';
        b->records++;
        return 0;
    }
    lua_State *L = cmi_sandbox_lua(b->f->sb);
    map_call mc;
    memset(&mc, 0, sizeof mc);
    mc.record = rec;
    mc.out = &b->out;
    lua_pushcfunction(L, l_map_record);
    lua_rawgeti(L, LUA_REGISTRYINDEX, b->d->map_ref);
    lua_pushlightuserdata(L, &mc);
    char lerr[700];
    if (cmi_sandbox_call(b->f->sb, 2, 0, lerr, sizeof lerr) < 0) {
        snprintf(err, errlen, "map failed on record %zu of page %zu: %s", index, page_no, lerr);
        return -1;
    }
    if (mc.skipped)
        b->out.len = mark;
    else
        b->records++;
    if (b->out.s)
        b->out.s[b->out.len] = '\0';
    return 0;
}

/* The record list of a parsed JSON page. */
static json_t *records_of(const feed_def *d, json_t *root, const feed_page *p, size_t page_no,
                          char *err, size_t errlen)
{
    json_t *list;
    if (d->records) {
        list = lookup(root, d->records);
        if (!json_is_array(list)) {
            snprintf(err, errlen, "page %zu (%s): records '%s' is %s, not a list", page_no,
                     p->url ? p->url : "?", d->records, list ? "not a list" : "absent");
            return NULL;
        }
        return list;
    }
    if (json_is_array(root))
        return root;
    list = json_is_object(root) ? json_object_get(root, cm_kind_name(d->kind)) : NULL;
    if (!json_is_array(list)) {
        snprintf(err, errlen, "page %zu (%s): the body is a JSON %s without a \"%s\" list; say "
                 "where the records are with records = \"path\"", page_no, p->url ? p->url : "?",
                 json_is_object(root) ? "object" : "value", cm_kind_name(d->kind));
        return NULL;
    }
    return list;
}

static int add_page(builder *b, const feed_page *p, size_t page_no, char *err, size_t errlen)
{
    cm_format fmt = cmi_body_format(b->d, p);
    if (fmt == CM_FORMAT_CSV) {
        snprintf(err, errlen, "page %zu (%s) is CSV: map and records work on JSON and JSON "
                 "Lines bodies", page_no, p->url ? p->url : "?");
        return -1;
    }
    if (fmt == CM_FORMAT_JSON) {
        json_t *root = parse_page(p, page_no, err, errlen);
        if (root == NULL)
            return -1;
        json_t *list = records_of(b->d, root, p, page_no, err, errlen);
        int rc = list ? 0 : -1;
        for (size_t i = 0; list && i < json_array_size(list) && rc == 0; i++)
            rc = add_record(b, json_array_get(list, i), page_no, i + 1, err, errlen);
        json_decref(root);
        return rc;
    }
    /* JSON Lines */
    size_t i = bom(p->data, p->len), line = 0, index = 0;
    while (i < p->len) {
        const char *s = p->data + i;
        const char *nl = memchr(s, '\n', p->len - i);
        size_t n = nl ? (size_t)(nl - s) : p->len - i;
        line++;
        i += n + (nl ? 1 : 0);
        size_t k = skip_space(s, n, 0);
        if (k == n)
            continue;
        json_error_t je;
        json_t *rec = json_loadb(s, n, 0, &je);
        if (rec == NULL) {
            snprintf(err, errlen, "page %zu (%s) line %zu is not valid JSON: column %d: %s",
                     page_no, p->url ? p->url : "?", line, je.column, je.text);
            return -1;
        }
        int rc = add_record(b, rec, page_no, ++index, err, errlen);
        json_decref(rec);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* CSV pages: the first whole, the others without their header line, which
 * must be the first page's. */
static int join_csv(const feed_page *pages, size_t npages, textbuf *out, char *err,
                    size_t errlen)
{
    const char *h0 = pages[0].data + bom(pages[0].data, pages[0].len);
    size_t h0n = strcspn(h0, "\r\n");
    for (size_t k = 0; k < npages; k++) {
        const feed_page *p = &pages[k];
        const char *s = p->data + bom(p->data, p->len);
        size_t n = p->len - (size_t)(s - p->data);
        if (k > 0) {
            size_t hn = strcspn(s, "\r\n");
            if (hn != h0n || memcmp(s, h0, hn) != 0) {
                snprintf(err, errlen, "page %zu (%s) has a different CSV header from page 1",
                         k + 1, p->url ? p->url : "?");
                return -1;
            }
            s += hn;
            n -= hn;
            if (n && *s == '\r')
                s++, n--;
            if (n && *s == '\n')
                s++, n--;
        }
        cmi_buf_put(out, s, n);
        if (n && s[n - 1] != '\n')
            cmi_buf_puts(out, "\n");
    }
    return 0;
}

int cmi_body_build(cm_feeds *f, const feed_def *d, const feed_page *pages, size_t npages,
               char **out, size_t *outlen, cm_format *fmt, int *owned, char *err,
               size_t errlen)
{
    *owned = 0;
    if (npages == 1 && d->map_ref == LUA_NOREF && d->records == NULL) {
        *out = pages[0].data;
        *outlen = pages[0].len;
        *fmt = cmi_body_format(d, &pages[0]);
        return 0;
    }
    if (d->map_ref == LUA_NOREF && d->records == NULL &&
        cmi_body_format(d, &pages[0]) == CM_FORMAT_CSV) {
        textbuf b = { 0 };
        if (join_csv(pages, npages, &b, err, errlen) < 0 || b.nomem) {
            if (b.nomem)
                snprintf(err, errlen, "out of memory");
            cm_free(b.s);
            return -1;
        }
        *out = b.s ? b.s : cm_strdup("");
        *outlen = b.len;
        *fmt = CM_FORMAT_CSV;
        *owned = 1;
        return *out ? 0 : -1;
    }
    builder b;
    memset(&b, 0, sizeof b);
    b.f = f;
    b.d = d;
    cmi_buf_puts(&b.out, "[\n");
    for (size_t k = 0; k < npages; k++)
        if (add_page(&b, &pages[k], k + 1, err, errlen) < 0) {
            cm_free(b.out.s);
            return -1;
        }
    cmi_buf_puts(&b.out, b.records ? "\n]\n" : "]\n");
    if (b.out.nomem) {
        cm_free(b.out.s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = b.out.s;
    *outlen = b.out.len;
    *fmt = CM_FORMAT_JSON;
    *owned = 1;
    return 0;
}
