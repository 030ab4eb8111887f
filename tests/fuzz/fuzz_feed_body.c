/*
 * fuzz_feed_body.c - a fetched page through feed_body.c: format detection,
 * the next page's URL (body path and Link header), URL resolution, records
 * and the map function, then the built snapshot through the loader, as
 * capmatch fetch does. The first byte picks one of the feeds declared below,
 * the second the page's Content-Type; the rest is the body.
 */
#include "fuzz.h"
#include "capmatch.h"
#include "feed.h"
#include "alloc.h"

static cm_feeds *feeds;

static const char config[] =
    "feed { name = 'plain', kind = 'regions', url = 'https://example.org/r.json' }\n"
    "feed { name = 'paged', kind = 'regions', url = 'https://example.org/api/r?page=1',\n"
    "       records = 'data', pages = { next = 'links.next', max = 5 } }\n"
    "feed { name = 'linked', kind = 'enterprises', url = 'https://example.org/e',\n"
    "       format = 'json', records = 'items', pages = { link = true } }\n"
    "feed { name = 'mapped', kind = 'regions', url = 'https://example.org/m.json',\n"
    "       records = 'results',\n"
    "       map = function(r)\n"
    "           if r.skip then return nil end\n"
    "           local s = {}\n"
    "           for c in string.gmatch(tostring(r.isic or ''), '%d+') do s[#s + 1] = c end\n"
    "           return { id = tostring(r.code or r.id), name = r.title or r.name,\n"
    "                    country = string.upper(tostring(r.cc or 'PH')),\n"
    "                    sectors_sought = s, needs = r.needs, attrs = r.attrs }\n"
    "       end }\n"
    "feed { name = 'lines', kind = 'enterprises', url = 'https://example.org/e.jsonl',\n"
    "       format = 'jsonl' }\n"
    "feed { name = 'table', kind = 'regions', url = 'https://example.org/r.csv', format = 'csv' }\n";

static const char *const content_types[] = {
    NULL, "application/json", "application/x-ndjson; charset=utf-8", "text/csv",
    "text/plain", "application/json; charset=latin1",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char cache[128];
    snprintf(cache, sizeof cache, "%s/cache", fuzz_dir());
    feeds = cm_feeds_new(cache);
    if (feeds == NULL ||
        cm_feeds_load_config(feeds, fuzz_file("body-feeds.lua", config, sizeof config - 1)) !=
            CM_OK) {
        fprintf(stderr, "fuzz_feed_body: %s\n", feeds ? cm_feeds_errmsg(feeds) : "no memory");
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const feed_def *d = &feeds->defs[data[0] % feeds->ndefs];
    feed_page page;
    memset(&page, 0, sizeof page);
    page.len = size - 2;
    page.data = cm_malloc(page.len + 1);
    if (page.data == NULL)
        abort();
    memcpy(page.data, data + 2, page.len);
    page.data[page.len] = '\0';
    page.content_type = (char *)content_types[data[1] % (sizeof content_types /
                                                          sizeof content_types[0])];
    page.url = d->url;

    (void)cmi_body_format(d, &page);
    char err[1024];
    char *next = NULL;
    if (cmi_body_next_url(d, &page, &next, err, sizeof err) == 0 && next) {
        char *abs = cmi_body_resolve_url(page.url, next);
        cm_free(abs);
    }
    cm_free(next);
    /* the body as a Link header value and as a relative URL */
    char *link = cmi_body_link_next(page.data);
    cm_free(link);
    char *res = cmi_body_resolve_url("https://example.org/a/b?c=d", page.data);
    cm_free(res);

    char *out = NULL;
    size_t outlen = 0;
    cm_format fmt = CM_FORMAT_AUTO;
    int owned = 0;
    if (cmi_body_build(feeds, d, &page, 1, &out, &outlen, &fmt, &owned, err, sizeof err) == 0) {
        cm_status st;
        cm_engine *e = cm_engine_new(&st);
        cm_diags *g = cm_diags_new();
        if (e == NULL || g == NULL)
            abort();
        cm_load_options o;
        cm_load_options_init(&o);
        o.kind = d->kind;
        o.format = fmt;
        o.skip_invalid = 1;
        (void)cm_engine_load_buffer(e, "feed:fuzz", out, outlen, &o, g);
        cm_diags_free(g);
        cm_engine_free(e);
        if (owned)
            cm_free(out);
    }
    cm_free(page.data);
    return 0;
}
