/*
 * engine.c - the cm_engine handle: its store, its rates table, its error
 * message, and the public read API over profiles and reference tables.
 *
 * Owns nothing of the file formats (load.c) or the schema rules
 * (record.c); it only ties them to the handle.
 */
#include "engine.h"
#include "alloc.h"
#include "err.h"
#include "file.h"
#include "record.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cm_engine {
    store st;
    rates *own_rates;         /* a table loaded by the user, or NULL */
    const rates *rates;
    unsigned long generation; /* bumped when a profile is taken out or replaced */
};

unsigned long cmi_engine_generation(const cm_engine *e) { return e->generation; }
void cmi_engine_changed(cm_engine *e) { e->generation++; }

CM_API const char *cm_version(void) { return CAPMATCH_VERSION; }
CM_API int cm_version_number(void) { return CAPMATCH_VERSION_NUMBER; }

CM_API const char *cm_kind_name(cm_kind k)
{
    return k == CM_KIND_REGIONS ? "regions" : k == CM_KIND_ENTERPRISES ? "enterprises" : "auto";
}

CM_API const char *cm_format_name(cm_format f)
{
    switch (f) {
    case CM_FORMAT_JSON: return "json";
    case CM_FORMAT_JSONL: return "jsonl";
    case CM_FORMAT_CSV: return "csv";
    case CM_FORMAT_AUTO: break;
    }
    return "auto";
}

CM_API cm_engine *cm_engine_new(cm_status *status)
{
    cm_status dummy;
    if (status == NULL)
        status = &dummy;
    if (cmi_iso_init() < 0) {
        cmi_err_set(CM_EDEPS, "%s", cmi_iso_error());
        *status = CM_EDEPS;
        return NULL;
    }
    cm_engine *e = cm_calloc(1, sizeof *e);
    if (e == NULL || cmi_store_init(&e->st) < 0) {
        cm_free(e);
        cmi_err_set(CM_ENOMEM, "out of memory");
        *status = CM_ENOMEM;
        return NULL;
    }
    e->rates = cmi_rates_default();
    *status = CM_OK;
    return e;
}

CM_API void cm_engine_free(cm_engine *e)
{
    if (e == NULL)
        return;
    cmi_store_free(&e->st);
    cmi_rates_free(e->own_rates);
    cm_free(e);
}

CM_API const char *cm_engine_errmsg(const cm_engine *e)
{
    (void)e;
    return cmi_err_get();
}

store *cmi_engine_store(cm_engine *e) { return &e->st; }

cm_status cmi_engine_fail(cm_engine *e, cm_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)e;
    cmi_err_vset(status, fmt, ap);
    va_end(ap);
    return status;
}

void cmi_engine_loaded(cm_engine *e)
{
    cmi_store_trim(&e->st);     /* memory follows the data, not the doublings */
}

/* ---- rates ------------------------------------------------------------------ */

CM_API cm_status cm_engine_load_rates(cm_engine *e, const char *path)
{
    if (e == NULL || path == NULL)
        return CM_EUSAGE;
    char err[512];
    rates *r = cmi_rates_load(path, err, sizeof err);
    if (r == NULL)
        return cmi_engine_fail(e, CM_EINPUT, "%s", err);
    cmi_rates_free(e->own_rates);
    e->own_rates = r;
    e->rates = r;
    return CM_OK;
}

CM_API const char *cm_engine_rates_date(const cm_engine *e) { return cmi_rates_date(e->rates); }
CM_API const char *cm_engine_rates_source(const cm_engine *e) { return cmi_rates_source(e->rates); }
CM_API const char *cm_engine_rates_reference(const cm_engine *e)
{
    return cmi_iso_currency_code(cmi_rates_reference(e->rates));
}

CM_API cm_status cm_engine_convert(const cm_engine *e, double amount, const char *from,
                                   const char *to, double *out)
{
    if (e == NULL || from == NULL || out == NULL)
        return CM_EUSAGE;
    iso_id f = cmi_iso_currency(from, strlen(from));
    iso_id t = to ? cmi_iso_currency(to, strlen(to)) : cmi_rates_reference(e->rates);
    if (f == 0 || t == 0)
        return cmi_engine_fail((cm_engine *)e, CM_ENOTFOUND, "unknown currency code %s",
                           f == 0 ? from : to);
    if (cmi_rates_convert(e->rates, amount, f, t, out) < 0)
        return cmi_engine_fail((cm_engine *)e, CM_ENOTFOUND,
                           "the rates table (%s) has no rate for %s", cmi_rates_date(e->rates),
                           cmi_rates_has(e->rates, f) ? (to ? to : "?") : from);
    return CM_OK;
}

/* ---- profiles ---------------------------------------------------------------- */

static int kind_index(cm_kind k)
{
    return k == CM_KIND_REGIONS ? 0 : k == CM_KIND_ENTERPRISES ? 1 : -1;
}

CM_API size_t cm_engine_count(const cm_engine *e, cm_kind k)
{
    int ki = kind_index(k);
    return e && ki >= 0 ? e->st.kinds[ki].count : 0;
}

CM_API size_t cm_engine_find(const cm_engine *e, cm_kind k, const char *id)
{
    int ki = kind_index(k);
    if (e == NULL || ki < 0 || id == NULL)
        return (size_t)-1;
    str_ref r = cmi_strpool_find(&e->st.strings, id, strlen(id));
    return r == STR_NONE ? (size_t)-1 : cmi_store_find(&e->st, ki, r);
}

CM_API cm_status cm_profile_get(const cm_engine *e, cm_kind k, size_t index, const char *path,
                                cm_value *out)
{
    int ki = kind_index(k);
    if (e == NULL || ki < 0 || path == NULL || out == NULL)
        return CM_EUSAGE;
    if (index >= e->st.kinds[ki].count)
        return CM_ENOTFOUND;
    int type;
    memset(out, 0, sizeof *out);
    if (cmi_record_get(&e->st, ki, index, path, &type, &out->str, &out->num, &out->boolean,
                   &out->count) < 0)
        return CM_ENOTFOUND;
    out->type = (cm_value_type)type;
    return CM_OK;
}

CM_API cm_status cm_profile_item(const cm_engine *e, cm_kind k, size_t index, const char *path,
                                 size_t i, const char **out)
{
    int ki = kind_index(k);
    if (e == NULL || ki < 0 || path == NULL || out == NULL)
        return CM_EUSAGE;
    if (index >= e->st.kinds[ki].count)
        return CM_ENOTFOUND;
    return cmi_record_item(&e->st, ki, index, path, i, out) < 0 ? CM_ENOTFOUND : CM_OK;
}

CM_API size_t cm_profile_attr_count(const cm_engine *e, cm_kind k, size_t index)
{
    int ki = kind_index(k);
    if (e == NULL || ki < 0 || index >= e->st.kinds[ki].count)
        return 0;
    return store_common(&e->st, ki, index)->attrs_n;
}

CM_API const char *cm_profile_attr_name(const cm_engine *e, cm_kind k, size_t index, size_t i)
{
    int ki = kind_index(k);
    if (e == NULL || ki < 0 || index >= e->st.kinds[ki].count)
        return NULL;
    const struct common *c = store_common(&e->st, ki, index);
    if (i >= c->attrs_n)
        return NULL;
    return strpool_get(&e->st.strings, e->st.attrs[c->attrs_off + i].key);
}

CM_API const char *cm_profile_source(const cm_engine *e, cm_kind k, size_t index, long *record,
                                     unsigned long *line)
{
    int ki = kind_index(k);
    if (e == NULL || ki < 0 || index >= e->st.kinds[ki].count)
        return NULL;
    const struct common *c = store_common(&e->st, ki, index);
    if (record)
        *record = (long)c->record;
    if (line)
        *line = c->line;
    return e->st.files[c->file];
}

CM_API size_t cm_engine_memory(const cm_engine *e, cm_kind k, size_t *text_bytes)
{
    int ki = kind_index(k);
    if (e == NULL || ki < 0)
        return 0;
    return cmi_store_memory(&e->st, ki, text_bytes);
}

/* ---- ISIC --------------------------------------------------------------------- */

static isic_id isic_of(const char *code)
{
    return code ? cmi_isic_lookup(code, strlen(code)) : ISIC_NONE;
}

CM_API const char *cm_isic_title(const char *code)
{
    isic_id i = isic_of(code);
    return i ? cmi_isic_title(i) : NULL;
}

CM_API const char *cm_isic_parent(const char *code)
{
    isic_id i = isic_of(code);
    return i ? cmi_isic_code(cmi_isic_parent(i)) : NULL;
}

CM_API int cm_isic_level(const char *code)
{
    isic_id i = isic_of(code);
    return i ? cmi_isic_level(i) : -1;
}

CM_API int cm_isic_distance(const char *a, const char *b)
{
    isic_id x = isic_of(a), y = isic_of(b);
    return x && y ? cmi_isic_distance(x, y) : -1;
}

CM_API const char *cm_isic_section(const char *code)
{
    isic_id i = isic_of(code);
    return i ? cmi_isic_code(cmi_isic_ancestor(i, ISIC_SECTION)) : NULL;
}

/* ---- provenance ------------------------------------------------------------- */

CM_API cm_status cm_sha256_file(const char *path, char hex[65])
{
    return cmi_file_sha256_path(path, hex);
}

CM_API void cm_sha256_buffer(const void *data, size_t len, char hex[65])
{
    cmi_file_sha256_hex(data, len, hex);
}
