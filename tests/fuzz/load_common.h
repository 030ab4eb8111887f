/*
 * load_common.h - one loader target: the input as a file of regions and of
 * enterprises, all or nothing and with --skip-invalid, through
 * cm_engine_load_buffer; every problem's strings are read back.
 */
#include "fuzz.h"
#include "capmatch.h"

static void load_as(const uint8_t *data, size_t size, cm_format format, cm_kind kind, int skip)
{
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    cm_diags *d = cm_diags_new();
    if (e == NULL || d == NULL)
        abort();
    cm_load_options o;
    cm_load_options_init(&o);
    o.kind = kind;
    o.format = format;
    o.skip_invalid = skip;
    o.max_errors = 20;
    st = cm_engine_load_buffer(e, "fuzz-input", data, size, &o, d);
    size_t sum = 0;
    for (size_t i = 0; i < cm_diags_count(d); i++) {
        const cm_diag *g = cm_diags_at(d, i);
        sum += strlen(g->message) + (g->field ? strlen(g->field) : 0) +
               (g->found ? strlen(g->found) : 0) + (g->id ? strlen(g->id) : 0);
    }
    if (st == CM_OK) {
        size_t n = cm_engine_count(e, kind);
        for (size_t i = 0; i < n; i++) {
            long rec = 0;
            unsigned long line = 0;
            const char *src = cm_profile_source(e, kind, i, &rec, &line);
            sum += (src ? strlen(src) : 0) + (size_t)rec + line;
            for (size_t a = 0; a < cm_profile_attr_count(e, kind, i); a++)
                sum += strlen(cm_profile_attr_name(e, kind, i, a));
        }
        size_t text;
        sum += cm_engine_memory(e, kind, &text);
    }
    (void)sum;
    cm_diags_free(d);
    cm_engine_free(e);
}

static int load_all(const uint8_t *data, size_t size, cm_format format)
{
    load_as(data, size, format, CM_KIND_REGIONS, 0);
    load_as(data, size, format, CM_KIND_ENTERPRISES, 1);
    return 0;
}
