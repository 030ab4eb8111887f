/*
 * iso.c - ISO 3166-1/3166-2/4217/639 code tables (see iso.h).
 *
 * Owns the process-wide tables built once (pthread_once) from Debian's
 * iso-codes JSON files and kept for the life of the process. Codes are stored
 * inline in compact arrays sorted by code (ids = position + 1), names once in
 * a single string pool; lookups go through direct-index arrays (countries,
 * currencies, languages) or a small open-addressing hash (subdivisions).
 * Depends only on jansson, pthreads and alloc.h: nothing else in core/.
 */
#include "iso.h"
#include "alloc.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISO_DEFAULT_DIR "/usr/share/iso-codes/json"
#define ISO_DIR_ENV "CAPMATCH_ISO_CODES_DIR"
#define ISO_MAX_IDS 65535u      /* ids are uint16 and 0 is "none" */
#define SUB_CODE_MAX 11         /* "CC-" + up to 8 characters */

struct country {
    char code[3];
    uint32_t name;              /* offset into the pool */
};

struct subdivision {
    char code[SUB_CODE_MAX + 1];
    uint32_t name;
    iso_id country;
};

struct currency {
    char code[4];
};

struct language {
    char code[4];       /* "en", or "fil" for a language without a 639-1 code */
};

struct iso_tables {
    struct country *countries;
    size_t ncountries, capcountries;
    struct subdivision *subs;
    size_t nsubs, capsubs;
    struct currency *currencies;
    size_t ncurrencies, capcurrencies;
    struct language *languages;
    size_t nlanguages, caplanguages;
    char *pool;
    size_t poollen, poolcap;

    uint16_t *sub_hash;         /* sub_mask + 1 slots, each an id or 0 */
    size_t sub_mask;
    uint16_t country_ix[26 * 26];
    uint16_t language_ix[26 * 26];
    uint16_t currency_ix[26 * 26 * 26];
};

/* ---- small helpers ------------------------------------------------------ */

static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static size_t upper2_index(const char *s) { return (size_t)(s[0] - 'A') * 26 + (size_t)(s[1] - 'A'); }
static size_t lower2_index(const char *s) { return (size_t)(s[0] - 'a') * 26 + (size_t)(s[1] - 'a'); }
static size_t upper3_index(const char *s)
{
    return ((size_t)(s[0] - 'A') * 26 + (size_t)(s[1] - 'A')) * 26 + (size_t)(s[2] - 'A');
}

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Append a NUL-terminated copy of s to the pool; its offset goes to *off. */
static int pool_add(struct iso_tables *t, const char *s, uint32_t *off)
{
    size_t n = strlen(s) + 1;
    if (t->poollen + n > UINT32_MAX)
        return -1;
    if (cm_grow((void **)&t->pool, &t->poolcap, t->poollen + n, 1) != 0)
        return -1;
    memcpy(t->pool + t->poollen, s, n);
    *off = (uint32_t)t->poollen;
    t->poollen += n;
    return 0;
}

static void tables_free(struct iso_tables *t)
{
    if (t == NULL)
        return;
    cm_free(t->countries);
    cm_free(t->subs);
    cm_free(t->currencies);
    cm_free(t->languages);
    cm_free(t->pool);
    cm_free(t->sub_hash);
    cm_free(t);
}

/* ---- reading one file --------------------------------------------------- */

struct source {
    const char *file;           /* "iso_3166-1.json" */
    const char *key;            /* the array in it: "3166-1" */
    char path[4096];
    char *err;
    size_t errlen;
};

enum { LOAD_OK = 0, LOAD_FAIL = -1, LOAD_ABSENT = 1 };

/* Open and parse src->path; *arr gets the array under src->key (owned by
 * *root). With optional set, a file that does not exist is LOAD_ABSENT. */
static int open_source(struct source *src, const char *dir, int optional,
                       json_t **root, json_t **arr)
{
    *root = NULL;
    *arr = NULL;
    int n = snprintf(src->path, sizeof src->path, "%s/%s", dir, src->file);
    if (n < 0 || (size_t)n >= sizeof src->path) {
        set_err(src->err, src->errlen, "%s: the iso-codes directory name is too long (%s=%.64s...)",
                src->file, ISO_DIR_ENV, dir);
        return LOAD_FAIL;
    }
    FILE *fp = fopen(src->path, "rb");
    if (fp == NULL) {
        int e = errno;
        if (optional && e == ENOENT)
            return LOAD_ABSENT;
        set_err(src->err, src->errlen,
                "%s: cannot open: %s (install the iso-codes package or set %s)",
                src->path, strerror(e), ISO_DIR_ENV);
        return LOAD_FAIL;
    }
    json_error_t je;
    json_t *doc = json_loadf(fp, 0, &je);
    int read_failed = ferror(fp);
    fclose(fp);
    if (doc == NULL) {
        /* jansson leaves the text empty when an allocation fails early */
        if (json_error_code(&je) == json_error_out_of_memory || je.text[0] == '\0')
            set_err(src->err, src->errlen, "%s: out of memory", src->path);
        else if (read_failed)
            set_err(src->err, src->errlen, "%s: read error", src->path);
        else
            set_err(src->err, src->errlen, "%s:%d:%d: malformed JSON: %s",
                    src->path, je.line, je.column, je.text);
        return LOAD_FAIL;
    }
    json_t *a = json_is_object(doc) ? json_object_get(doc, src->key) : NULL;
    if (!json_is_array(a)) {
        set_err(src->err, src->errlen, "%s: expected an object with an array \"%s\"",
                src->path, src->key);
        json_decref(doc);
        return LOAD_FAIL;
    }
    *root = doc;
    *arr = a;
    return LOAD_OK;
}

/* The string under key in entry i, or NULL with an error (unless optional). */
static const char *entry_string(struct source *src, json_t *entry, size_t i,
                                const char *key, int optional)
{
    if (!json_is_object(entry)) {
        set_err(src->err, src->errlen, "%s: \"%s\" entry %zu is not an object",
                src->path, src->key, i + 1);
        return NULL;
    }
    json_t *v = json_object_get(entry, key);
    if (v == NULL && optional)
        return NULL;
    if (!json_is_string(v) || json_string_length(v) == 0
        || strlen(json_string_value(v)) != json_string_length(v)) {
        set_err(src->err, src->errlen,
                "%s: \"%s\" entry %zu: \"%s\" is missing or not a non-empty string",
                src->path, src->key, i + 1, key);
        return NULL;
    }
    return json_string_value(v);
}

static void bad_code(struct source *src, size_t i, const char *what, const char *code)
{
    set_err(src->err, src->errlen, "%s: \"%s\" entry %zu: %s, found \"%.32s\"",
            src->path, src->key, i + 1, what, code);
}

static int too_many(struct source *src)
{
    set_err(src->err, src->errlen, "%s: more than %u entries", src->path, ISO_MAX_IDS);
    return -1;
}

static int out_of_memory(struct source *src)
{
    set_err(src->err, src->errlen, "%s: out of memory", src->path);
    return -1;
}

/* ---- the four tables ---------------------------------------------------- */

static int cmp_country(const void *a, const void *b)
{
    return memcmp(((const struct country *)a)->code, ((const struct country *)b)->code, 2);
}

static int cmp_subdivision(const void *a, const void *b)
{
    return strcmp(((const struct subdivision *)a)->code, ((const struct subdivision *)b)->code);
}

static int cmp_currency(const void *a, const void *b)
{
    return memcmp(((const struct currency *)a)->code, ((const struct currency *)b)->code, 3);
}

static int cmp_language(const void *a, const void *b)
{
    return strcmp(((const struct language *)a)->code, ((const struct language *)b)->code);
}

static int load_countries(struct iso_tables *t, const char *dir, char *err, size_t errlen)
{
    struct source src = { "iso_3166-1.json", "3166-1", "", err, errlen };
    json_t *root, *arr;
    if (open_source(&src, dir, 0, &root, &arr) != LOAD_OK)
        return -1;
    int rc = -1;
    size_t n = json_array_size(arr);
    if (n > ISO_MAX_IDS) {
        too_many(&src);
        goto out;
    }
    if (cm_grow((void **)&t->countries, &t->capcountries, n, sizeof *t->countries) != 0) {
        out_of_memory(&src);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        const char *code = entry_string(&src, e, i, "alpha_2", 0);
        if (code == NULL)
            goto out;
        const char *name = entry_string(&src, e, i, "name", 0);
        if (name == NULL)
            goto out;
        if (strlen(code) != 2 || !is_upper(code[0]) || !is_upper(code[1])) {
            bad_code(&src, i, "\"alpha_2\" is not two capital letters", code);
            goto out;
        }
        struct country *c = &t->countries[t->ncountries];
        memcpy(c->code, code, 3);
        if (pool_add(t, name, &c->name) != 0) {
            out_of_memory(&src);
            goto out;
        }
        t->ncountries++;
    }
    if (t->ncountries == 0) {
        set_err(err, errlen, "%s: no countries in \"%s\"", src.path, src.key);
        goto out;
    }
    qsort(t->countries, t->ncountries, sizeof *t->countries, cmp_country);
    for (size_t i = 0; i < t->ncountries; i++) {
        if (i > 0 && cmp_country(&t->countries[i - 1], &t->countries[i]) == 0) {
            set_err(err, errlen, "%s: duplicate country code \"%s\"", src.path, t->countries[i].code);
            goto out;
        }
        t->country_ix[upper2_index(t->countries[i].code)] = (uint16_t)(i + 1);
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

/* Subdivision codes are "CC-X", the country's alpha-2, '-', then 1 to 8
 * capital letters or digits. */
static int valid_subdivision_code(const char *s)
{
    size_t len = strlen(s);
    if (len < 4 || len > SUB_CODE_MAX || !is_upper(s[0]) || !is_upper(s[1]) || s[2] != '-')
        return 0;
    for (size_t i = 3; i < len; i++)
        if (!is_upper(s[i]) && !is_digit(s[i]))
            return 0;
    return 1;
}

static int load_subdivisions(struct iso_tables *t, const char *dir, char *err, size_t errlen)
{
    struct source src = { "iso_3166-2.json", "3166-2", "", err, errlen };
    json_t *root, *arr;
    if (open_source(&src, dir, 0, &root, &arr) != LOAD_OK)
        return -1;
    int rc = -1;
    size_t n = json_array_size(arr);
    if (n > ISO_MAX_IDS) {
        too_many(&src);
        goto out;
    }
    if (n > 0 && cm_grow((void **)&t->subs, &t->capsubs, n, sizeof *t->subs) != 0) {
        out_of_memory(&src);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        const char *code = entry_string(&src, e, i, "code", 0);
        if (code == NULL)
            goto out;
        const char *name = entry_string(&src, e, i, "name", 0);
        if (name == NULL)
            goto out;
        if (!valid_subdivision_code(code)) {
            bad_code(&src, i, "\"code\" is not like \"CC-XXX\"", code);
            goto out;
        }
        iso_id country = t->country_ix[upper2_index(code)];
        if (country == 0) {
            bad_code(&src, i, "the country of \"code\" is not in iso_3166-1.json", code);
            goto out;
        }
        struct subdivision *s = &t->subs[t->nsubs];
        memset(s->code, 0, sizeof s->code);
        memcpy(s->code, code, strlen(code));
        s->country = country;
        if (pool_add(t, name, &s->name) != 0) {
            out_of_memory(&src);
            goto out;
        }
        t->nsubs++;
    }
    qsort(t->subs, t->nsubs, sizeof *t->subs, cmp_subdivision);

    size_t slots = 16;
    while (slots < t->nsubs * 2)
        slots *= 2;
    t->sub_hash = cm_calloc(slots, sizeof *t->sub_hash);
    if (t->sub_hash == NULL) {
        out_of_memory(&src);
        goto out;
    }
    t->sub_mask = slots - 1;
    for (size_t i = 0; i < t->nsubs; i++) {
        const struct subdivision *s = &t->subs[i];
        if (i > 0 && strcmp(t->subs[i - 1].code, s->code) == 0) {
            set_err(err, errlen, "%s: duplicate subdivision code \"%s\"", src.path, s->code);
            goto out;
        }
        size_t h = hash_bytes(s->code, strlen(s->code)) & t->sub_mask;
        while (t->sub_hash[h] != 0)
            h = (h + 1) & t->sub_mask;
        t->sub_hash[h] = (uint16_t)(i + 1);
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int load_currencies(struct iso_tables *t, const char *dir, char *err, size_t errlen)
{
    struct source src = { "iso_4217.json", "4217", "", err, errlen };
    json_t *root, *arr;
    if (open_source(&src, dir, 0, &root, &arr) != LOAD_OK)
        return -1;
    int rc = -1;
    size_t n = json_array_size(arr);
    if (n > ISO_MAX_IDS) {
        too_many(&src);
        goto out;
    }
    if (cm_grow((void **)&t->currencies, &t->capcurrencies, n, sizeof *t->currencies) != 0) {
        out_of_memory(&src);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *code = entry_string(&src, json_array_get(arr, i), i, "alpha_3", 0);
        if (code == NULL)
            goto out;
        if (strlen(code) != 3 || !is_upper(code[0]) || !is_upper(code[1]) || !is_upper(code[2])) {
            bad_code(&src, i, "\"alpha_3\" is not three capital letters", code);
            goto out;
        }
        memcpy(t->currencies[t->ncurrencies++].code, code, 4);
    }
    if (t->ncurrencies == 0) {
        set_err(err, errlen, "%s: no currencies in \"%s\"", src.path, src.key);
        goto out;
    }
    qsort(t->currencies, t->ncurrencies, sizeof *t->currencies, cmp_currency);
    for (size_t i = 0; i < t->ncurrencies; i++) {
        if (i > 0 && cmp_currency(&t->currencies[i - 1], &t->currencies[i]) == 0) {
            set_err(err, errlen, "%s: duplicate currency code \"%s\"", src.path,
                    t->currencies[i].code);
            goto out;
        }
        t->currency_ix[upper3_index(t->currencies[i].code)] = (uint16_t)(i + 1);
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

/* Language codes as BCP 47 takes them: the ISO 639-1 code (alpha_2) where a
 * language has one, else its ISO 639-2 or 639-3 code (alpha_3), so that
 * Filipino is "fil" and English only "en" (never "eng"). The alpha_2 codes of
 * iso_639-2.json (required) and iso_639-3.json (optional) come first, then the
 * alpha_3 codes of entries with no alpha_2 in either file; the reserved range
 * qaa-qtz is left out. A code listed twice is the same language. */
static int add_language(struct iso_tables *t, struct source *src, const char *code)
{
    if (cm_grow((void **)&t->languages, &t->caplanguages, t->nlanguages + 1,
                sizeof *t->languages) != 0) {
        out_of_memory(src);
        return -1;
    }
    memcpy(t->languages[t->nlanguages++].code, code, strlen(code) + 1);
    return 0;
}

/* pass 2: alpha_2 codes; pass 3: alpha_3 codes of entries without one. The
 * alpha_3 codes of entries that have an alpha_2 are kept in *shadow (to skip
 * them in the other file) as one string of 3-letter codes. */
static int add_languages(struct iso_tables *t, const char *dir, const char *file,
                         const char *key, int optional, int pass, char **shadow,
                         size_t *nshadow, size_t *capshadow, char *err, size_t errlen)
{
    struct source src = { file, key, "", err, errlen };
    json_t *root, *arr;
    int st = open_source(&src, dir, optional, &root, &arr);
    if (st != LOAD_OK)
        return st == LOAD_ABSENT ? 0 : -1;
    int rc = -1;
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        int has2 = json_is_object(e) && json_object_get(e, "alpha_2") != NULL;
        if (pass == 2) {
            if (!has2)
                continue;       /* most entries have no 639-1 code */
            const char *code = entry_string(&src, e, i, "alpha_2", 1);
            if (code == NULL)
                goto out;
            if (strlen(code) != 2 || !is_lower(code[0]) || !is_lower(code[1])) {
                bad_code(&src, i, "\"alpha_2\" is not two small letters", code);
                goto out;
            }
            json_t *a3 = json_object_get(e, "alpha_3");
            if (json_is_string(a3) && strlen(json_string_value(a3)) == 3) {
                if (cm_grow((void **)shadow, capshadow, *nshadow + 4, 1) != 0) {
                    out_of_memory(&src);
                    goto out;
                }
                memcpy(*shadow + *nshadow, json_string_value(a3), 3);
                *nshadow += 3;
                (*shadow)[*nshadow] = '\0';
            }
            size_t ix = lower2_index(code);
            if (t->language_ix[ix] != 0)
                continue;
            if (add_language(t, &src, code) != 0)
                goto out;
            t->language_ix[ix] = 1;     /* seen; real ids are set after sorting */
            continue;
        }
        if (has2 || !json_is_object(e) || json_object_get(e, "alpha_3") == NULL)
            continue;
        const char *code = entry_string(&src, e, i, "alpha_3", 1);
        if (code == NULL)
            goto out;
        if (code[0] == 'q' && code[1] >= 'a' && code[1] <= 't')
            continue;           /* qaa-qtz (so listed in 639-2): reserved for local use */
        if (strlen(code) != 3 || !is_lower(code[0]) || !is_lower(code[1]) || !is_lower(code[2])) {
            bad_code(&src, i, "\"alpha_3\" is not three small letters", code);
            goto out;
        }
        int shadowed = 0;
        for (size_t k = 0; k + 3 <= *nshadow && !shadowed; k += 3)
            shadowed = memcmp(*shadow + k, code, 3) == 0;
        if (shadowed)
            continue;
        if (add_language(t, &src, code) != 0)
            goto out;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int load_languages(struct iso_tables *t, const char *dir, char *err, size_t errlen)
{
    char *shadow = NULL;
    size_t nshadow = 0, capshadow = 0;
    int rc = -1;
    if (add_languages(t, dir, "iso_639-2.json", "639-2", 0, 2, &shadow, &nshadow, &capshadow,
                      err, errlen) != 0)
        goto out;
    if (t->nlanguages == 0) {
        set_err(err, errlen, "%s/iso_639-2.json: no entry has an \"alpha_2\" (ISO 639-1) code", dir);
        goto out;
    }
    if (add_languages(t, dir, "iso_639-3.json", "639-3", 1, 2, &shadow, &nshadow, &capshadow,
                      err, errlen) != 0)
        goto out;
    if (add_languages(t, dir, "iso_639-2.json", "639-2", 0, 3, &shadow, &nshadow, &capshadow,
                      err, errlen) != 0
        || add_languages(t, dir, "iso_639-3.json", "639-3", 1, 3, &shadow, &nshadow, &capshadow,
                         err, errlen) != 0)
        goto out;
    qsort(t->languages, t->nlanguages, sizeof *t->languages, cmp_language);
    size_t kept = 0;        /* an alpha_3 code in both files once */
    for (size_t i = 0; i < t->nlanguages; i++)
        if (kept == 0 || strcmp(t->languages[kept - 1].code, t->languages[i].code) != 0)
            t->languages[kept++] = t->languages[i];
    t->nlanguages = kept;
    for (size_t i = 0; i < t->nlanguages; i++)
        if (t->languages[i].code[2] == '\0')
            t->language_ix[lower2_index(t->languages[i].code)] = (uint16_t)(i + 1);
    rc = 0;
out:
    cm_free(shadow);
    return rc;
}

static struct iso_tables *load_dir(const char *dir, char *err, size_t errlen)
{
    struct iso_tables *t = cm_calloc(1, sizeof *t);
    if (t == NULL) {
        set_err(err, errlen, "iso-codes: out of memory");
        return NULL;
    }
    if (load_countries(t, dir, err, errlen) != 0
        || load_subdivisions(t, dir, err, errlen) != 0
        || load_currencies(t, dir, err, errlen) != 0
        || load_languages(t, dir, err, errlen) != 0) {
        tables_free(t);
        return NULL;
    }
    return t;
}

/* ---- the process-wide tables -------------------------------------------- */

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static _Atomic(const struct iso_tables *) g_tables;
static char g_error[1024];

static const char *iso_dir(void)
{
    const char *d = getenv(ISO_DIR_ENV);
    return d != NULL && d[0] != '\0' ? d : ISO_DEFAULT_DIR;
}

static void init_once(void)
{
    struct iso_tables *t = load_dir(iso_dir(), g_error, sizeof g_error);
    if (t != NULL)
        atomic_store_explicit(&g_tables, t, memory_order_release);
}

int cmi_iso_init(void)
{
    pthread_once(&g_once, init_once);
    return atomic_load_explicit(&g_tables, memory_order_acquire) != NULL ? 0 : -1;
}

const char *cmi_iso_error(void)
{
    if (cmi_iso_init() == 0)
        return "";
    return g_error;
}

int cmi_iso_check_dir(const char *dir, char *err, size_t errlen)
{
    if (dir == NULL)
        dir = iso_dir();
    struct iso_tables *t = load_dir(dir, err, errlen);
    if (t == NULL)
        return -1;
    tables_free(t);
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    return 0;
}

/* Lock-free after the first successful load; NULL when loading failed. */
static const struct iso_tables *tables(void)
{
    const struct iso_tables *t = atomic_load_explicit(&g_tables, memory_order_acquire);
    if (t != NULL)
        return t;
    cmi_iso_init();
    return atomic_load_explicit(&g_tables, memory_order_acquire);
}

/* ---- lookups ------------------------------------------------------------ */

iso_id cmi_iso_country(const char *code, size_t len)
{
    if (code == NULL || len != 2 || !is_upper(code[0]) || !is_upper(code[1]))
        return 0;
    const struct iso_tables *t = tables();
    return t != NULL ? t->country_ix[upper2_index(code)] : 0;
}

iso_id cmi_iso_subdivision(const char *code, size_t len)
{
    if (code == NULL || len < 4 || len > SUB_CODE_MAX || code[2] != '-')
        return 0;
    const struct iso_tables *t = tables();
    if (t == NULL || t->sub_hash == NULL)
        return 0;
    size_t h = hash_bytes(code, len) & t->sub_mask;
    for (;;) {
        iso_id id = t->sub_hash[h];
        if (id == 0)
            return 0;
        const char *c = t->subs[id - 1].code;
        if (memcmp(c, code, len) == 0 && c[len] == '\0')
            return id;
        h = (h + 1) & t->sub_mask;
    }
}

iso_id cmi_iso_currency(const char *code, size_t len)
{
    if (code == NULL || len != 3 || !is_upper(code[0]) || !is_upper(code[1]) || !is_upper(code[2]))
        return 0;
    const struct iso_tables *t = tables();
    return t != NULL ? t->currency_ix[upper3_index(code)] : 0;
}

iso_id cmi_iso_language(const char *code, size_t len)
{
    if (code == NULL || len < 2 || len > 3 || !is_lower(code[0]) || !is_lower(code[1])
        || (len == 3 && !is_lower(code[2])))
        return 0;
    const struct iso_tables *t = tables();
    if (t == NULL)
        return 0;
    if (len == 2)
        return t->language_ix[lower2_index(code)];
    size_t lo = 0, hi = t->nlanguages;      /* sorted by strcmp */
    char key[4] = { code[0], code[1], code[2], '\0' };
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->languages[mid].code, key);
        if (c == 0)
            return (iso_id)(mid + 1);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

size_t cmi_iso_country_count(void)
{
    const struct iso_tables *t = tables();
    return t != NULL ? t->ncountries : 0;
}

size_t cmi_iso_subdivision_count(void)
{
    const struct iso_tables *t = tables();
    return t != NULL ? t->nsubs : 0;
}

size_t cmi_iso_currency_count(void)
{
    const struct iso_tables *t = tables();
    return t != NULL ? t->ncurrencies : 0;
}

size_t cmi_iso_language_count(void)
{
    const struct iso_tables *t = tables();
    return t != NULL ? t->nlanguages : 0;
}

const char *cmi_iso_country_code(iso_id id)
{
    const struct iso_tables *t = tables();
    return t != NULL && id >= 1 && id <= t->ncountries ? t->countries[id - 1].code : "";
}

const char *cmi_iso_country_name(iso_id id)
{
    const struct iso_tables *t = tables();
    return t != NULL && id >= 1 && id <= t->ncountries ? t->pool + t->countries[id - 1].name : "";
}

const char *cmi_iso_subdivision_code(iso_id id)
{
    const struct iso_tables *t = tables();
    return t != NULL && id >= 1 && id <= t->nsubs ? t->subs[id - 1].code : "";
}

const char *cmi_iso_subdivision_name(iso_id id)
{
    const struct iso_tables *t = tables();
    return t != NULL && id >= 1 && id <= t->nsubs ? t->pool + t->subs[id - 1].name : "";
}

iso_id cmi_iso_subdivision_country(iso_id sub)
{
    const struct iso_tables *t = tables();
    return t != NULL && sub >= 1 && sub <= t->nsubs ? t->subs[sub - 1].country : 0;
}

const char *cmi_iso_currency_code(iso_id id)
{
    const struct iso_tables *t = tables();
    return t != NULL && id >= 1 && id <= t->ncurrencies ? t->currencies[id - 1].code : "";
}

const char *cmi_iso_language_code(iso_id id)
{
    const struct iso_tables *t = tables();
    return t != NULL && id >= 1 && id <= t->nlanguages ? t->languages[id - 1].code : "";
}
