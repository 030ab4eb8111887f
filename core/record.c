/*
 * record.c - the schema of SCHEMA.md: the field table, the rules of every
 * field, and the record builder (see record.h).
 *
 * A record is built into a staging profile; list items, strings and
 * attributes go straight to the store's pools and are rolled back if the
 * record turns out invalid. Nothing here knows JSON or CSV syntax.
 */
#include "record.h"
#include "alloc.h"
#include "vocab.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define R 1u
#define E 2u
#define RE 3u

/* The real table, in SCHEMA.md order; sorted indexes are built on first use. */
static const field_def schema[] = {
    { "id", F_ID, RE, SHAPE_STRING },
    { "name", F_NAME, RE, SHAPE_STRING },
    { "country", F_COUNTRY, RE, SHAPE_STRING },
    { "subdivision", F_SUBDIVISION, RE, SHAPE_STRING },
    { "location", F_LOCATION, RE, SHAPE_GROUP },
    { "location.lat", F_LAT, RE, SHAPE_NUMBER },
    { "location.lon", F_LON, RE, SHAPE_NUMBER },
    { "languages", F_LANGUAGES, RE, SHAPE_LIST },
    { "attrs", F_ATTRS, RE, SHAPE_ATTRS },
    { "level", F_LEVEL, R, SHAPE_STRING },
    { "sectors_offered", F_SECTORS_OFFERED, R, SHAPE_LIST },
    { "sectors_sought", F_SECTORS_SOUGHT, R, SHAPE_LIST },
    { "resources", F_RESOURCES, R, SHAPE_LIST },
    { "needs", F_NEEDS, R, SHAPE_LIST },
    { "offers", F_OFFERS, RE, SHAPE_LIST },
    { "programmes", F_PROGRAMMES, R, SHAPE_LIST },
    { "cooperation_areas", F_COOPERATION, R, SHAPE_LIST },
    { "funds", F_FUNDS, R, SHAPE_LIST },
    { "connectivity", F_CONNECTIVITY, R, SHAPE_GROUP },
    { "connectivity.port", F_PORT, R, SHAPE_BOOL },
    { "connectivity.airport", F_AIRPORT, R, SHAPE_BOOL },
    { "connectivity.rail", F_RAIL, R, SHAPE_BOOL },
    { "connectivity.direct_flights", F_FLIGHTS, R, SHAPE_LIST },
    { "capacity", F_CAPACITY, R, SHAPE_NUMBER },
    { "sector", F_SECTOR, E, SHAPE_STRING },
    { "sectors", F_SECTORS, E, SHAPE_LIST },
    { "employees", F_EMPLOYEES, E, SHAPE_NUMBER },
    { "revenue", F_REVENUE, E, SHAPE_GROUP },
    { "revenue.amount", F_REVENUE_AMOUNT, E, SHAPE_NUMBER },
    { "revenue.currency", F_REVENUE_CURRENCY, E, SHAPE_STRING },
    { "assets", F_ASSETS, E, SHAPE_GROUP },
    { "assets.amount", F_ASSETS_AMOUNT, E, SHAPE_NUMBER },
    { "assets.currency", F_ASSETS_CURRENCY, E, SHAPE_STRING },
    { "capital", F_CAPITAL, E, SHAPE_GROUP },
    { "capital.amount", F_CAPITAL_AMOUNT, E, SHAPE_NUMBER },
    { "capital.currency", F_CAPITAL_CURRENCY, E, SHAPE_STRING },
    { "subsidiary_of_large", F_SUBSIDIARY, E, SHAPE_BOOL },
    { "ownership", F_OWNERSHIP, E, SHAPE_STRING },
    { "listed", F_LISTED, E, SHAPE_BOOL },
    { "seeks", F_SEEKS, E, SHAPE_LIST },
    { "investment", F_INVESTMENT, E, SHAPE_GROUP },
    { "investment.min", F_INV_MIN, E, SHAPE_NUMBER },
    { "investment.max", F_INV_MAX, E, SHAPE_NUMBER },
    { "investment.currency", F_INV_CURRENCY, E, SHAPE_STRING },
    { "instruments", F_INSTRUMENTS, E, SHAPE_LIST },
    { "target_countries", F_TARGETS, E, SHAPE_LIST },
    { "funds_interest", F_FUNDS_INTEREST, E, SHAPE_LIST },
    { "description", F_DESCRIPTION, E, SHAPE_STRING },
};
#define NSCHEMA (sizeof schema / sizeof schema[0])

/* Field lookup runs for every key of every record loaded and every field a
 * Lua rule reads: a small open-addressing table per kind, built once. */
#define FIELD_SLOTS 128
static const field_def *field_index[2][FIELD_SLOTS];
static size_t field_len[NSCHEMA];     /* strlen of each schema[i].path */
static pthread_once_t field_index_once = PTHREAD_ONCE_INIT;

static unsigned field_hash(const char *s, size_t len)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h ^ (h >> 13);
}

static void field_index_init(void)
{
    for (size_t i = 0; i < NSCHEMA; i++)
        field_len[i] = strlen(schema[i].path);
    for (int kind = 0; kind < 2; kind++)
        for (size_t i = 0; i < NSCHEMA; i++) {
            const field_def *f = &schema[i];
            if (!(f->kinds & (kind == 0 ? R : E)))
                continue;
            unsigned h = field_hash(f->path, strlen(f->path)) & (FIELD_SLOTS - 1);
            while (field_index[kind][h])
                h = (h + 1) & (FIELD_SLOTS - 1);
            field_index[kind][h] = f;
        }
}

const field_def *cmi_schema_field(int kind, const char *path, size_t len)
{
    pthread_once(&field_index_once, field_index_init);
    const field_def *const *slots = field_index[kind == 0 ? 0 : 1];
    for (unsigned h = field_hash(path, len) & (FIELD_SLOTS - 1); slots[h];
         h = (h + 1) & (FIELD_SLOTS - 1)) {
        const field_def *f = slots[h];
        if (field_len[f - schema] == len && memcmp(f->path, path, len) == 0)
            return f;     /* lengths first: path may hold a NUL (no read past f->path) */
    }
    return NULL;
}

const field_def *cmi_schema_field_at(size_t i)
{
    return i < NSCHEMA ? &schema[i] : NULL;
}

const char *cmi_schema_group_members(int kind, const char *group)
{
    if (strcmp(group, "location") == 0)
        return "lat, lon";
    if (strcmp(group, "connectivity") == 0 && kind == 0)
        return "port, airport, rail, direct_flights";
    if (strcmp(group, "investment") == 0)
        return "min, max, currency";
    return "amount, currency";
}

/* ---- the record builder -------------------------------------------------- */

struct rb {
    load_ctx *ctx;
    union {
        struct region r;
        struct enterprise e;
    } p;
    store_mark mark;
    long record;
    unsigned long line;
    char id[80];              /* raw id for messages (cut) */
    size_t id_len;
    size_t errors;
    uint64_t seen;            /* bit per field_id */
    int sectors_given;
    int whole;                /* a problem with the whole record: skip field checks */
    int id_is_new;            /* the id string was interned by this record */
};

rb *cmi_rb_new(load_ctx *ctx)
{
    rb *b = cm_calloc(1, sizeof *b);
    if (b)
        b->ctx = ctx;
    return b;
}

void cmi_rb_free(rb *b)
{
    cm_free(b);
}

size_t cmi_rb_error_count(const rb *b)
{
    return b->errors;
}

static struct common *common_of(rb *b)
{
    return b->ctx->kind == 0 ? &b->p.r.c : &b->p.e.c;
}

void cmi_rb_begin(rb *b, long record, unsigned long line, const char *id, size_t id_len)
{
    memset(&b->p, 0, sizeof b->p);
    struct common *c = common_of(b);
    c->lat = c->lon = NAN;
    if (b->ctx->kind == 0) {
        b->p.r.capacity = ABSENT_U32;
    } else {
        struct enterprise *e = &b->p.e;
        e->employees = ABSENT_U32;
        e->revenue = e->assets = e->capital = NAN;
        e->investment_min = e->investment_max = NAN;
    }
    c->record = (uint32_t)record;
    c->line = (uint32_t)line;
    c->file = b->ctx->file_index;
    b->mark = cmi_store_mark_now(b->ctx->st);
    b->record = record;
    b->line = line;
    b->errors = 0;
    b->seen = 0;
    b->sectors_given = 0;
    b->whole = 0;
    b->id_is_new = 0;
    b->id_len = 0;
    if (id) {
        /* keep it whole for messages, or cut it on a character boundary */
        if (id_len > sizeof b->id - 4) {
            id_len = sizeof b->id - 4;
            while (id_len && ((unsigned char)id[id_len] & 0xc0) == 0x80)
                id_len--;
            memcpy(b->id, id, id_len);
            memcpy(b->id + id_len, "...", 3);
            b->id_len = id_len + 3;
        } else {
            memcpy(b->id, id, id_len);
            b->id_len = id_len;
        }
    }
}

void cmi_ctx_error(load_ctx *ctx, unsigned long line, unsigned long col, long record,
               const char *field, const char *expected, const char *found,
               const char *note)
{
    diag_info in = { ctx->file, line, col, record, NULL, 0, field, expected, found, note };
    ctx->errors++;
    if (cmi_diag_add(ctx->diags, &in) < 0)
        ctx->nomem = 1;
}

static void report(rb *b, const char *field, const char *expected, const char *found,
                   const char *note)
{
    diag_info in = { b->ctx->file, b->line, 0, b->record, b->id, b->id_len,
                     field, expected, found, note };
    b->errors++;
    b->ctx->errors++;
    if (cmi_diag_add(b->ctx->diags, &in) < 0)
        b->ctx->nomem = 1;
}

void cmi_rb_prefetch(rb *b, const field_def *f, const char *s, size_t len)
{
    if (f->id == F_ID)
        cmi_strpool_prefetch(&b->ctx->st->strings, s, len);
}

void cmi_rb_error(rb *b, const char *field, const char *expected, const char *found)
{
    if (field == NULL)
        b->whole = 1;
    report(b, field, expected, found, NULL);
}

void cmi_rb_field_error(rb *b, const field_def *f, const char *expected, const char *found)
{
    b->seen |= 1ull << f->id;
    report(b, f->path, expected, found, NULL);
}

void cmi_rb_group_error(rb *b, const field_def *group, const char *path, const char *expected,
                    const char *found)
{
    /* the group is spoken for: no follow-on "missing member" errors */
    b->seen |= 1ull << group->id;
    report(b, path, expected, found, NULL);
}

/* Describe a value for "found". */
static const char *describe(char *buf, size_t n, const val *v)
{
    switch (v->t) {
    case V_NULL: return "null";
    case V_STRING: return cmi_diag_quote(buf, n, v->s, v->len);
    case V_NUMBER: snprintf(buf, n, "%.17g", v->num); return buf;
    case V_BOOL: return v->b ? "true" : "false";
    case V_LIST: return "a list";
    case V_OBJECT: return "an object";
    }
    return "?";
}

static void bad(rb *b, const char *path, const char *expected, const val *v)
{
    char buf[160];
    report(b, path, expected, describe(buf, sizeof buf, v), NULL);
}

static void oom(rb *b)
{
    b->ctx->nomem = 1;
}

/* ---- value rules ----------------------------------------------------------- */

static int want_string(rb *b, const char *path, const val *v, const char *expected)
{
    if (v->t == V_STRING)
        return 1;
    bad(b, path, expected, v);
    return 0;
}

int cmi_schema_valid_id(const char *s, size_t len)
{
    if (len < 1 || len > 64)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-'))
            return 0;
    }
    return 1;
}

static int intern(rb *b, const char *s, size_t len, str_ref *out)
{
    if (cmi_strpool_intern(&b->ctx->st->strings, s, len, out) < 0) {
        oom(b);
        return 0;
    }
    return 1;
}

static const char EXP_COUNTRY[] = "an ISO 3166-1 alpha-2 country code";
static const char EXP_ISIC[] = "an ISIC Rev.4 code (section letter, division, group or class)";

static iso_id country_code(rb *b, const char *path, const val *v)
{
    if (!want_string(b, path, v, EXP_COUNTRY))
        return 0;
    iso_id c = cmi_iso_country(v->s, v->len);
    if (c == 0)
        bad(b, path, EXP_COUNTRY, v);
    return c;
}

static isic_id isic_code_of(rb *b, const char *path, const val *v)
{
    if (!want_string(b, path, v, EXP_ISIC))
        return 0;
    isic_id c = cmi_isic_lookup(v->s, v->len);
    if (c == ISIC_NONE)
        bad(b, path, EXP_ISIC, v);
    return c;
}

/* A number (optionally an integer) in [lo, hi]; returns 1 and sets *out. */
static int number_in(rb *b, const char *path, const val *v, double lo, double hi,
                     int integer, const char *expected, double *out)
{
    if (v->t != V_NUMBER || !isfinite(v->num) || v->num < lo || v->num > hi ||
        (integer && v->num != floor(v->num))) {
        bad(b, path, expected, v);
        return 0;
    }
    *out = v->num;
    return 1;
}

static int want_list(rb *b, const char *path, const val *v, const char *expected)
{
    if (v->t == V_LIST) {
        if (v->n > UINT16_MAX) {
            char found[64];
            snprintf(found, sizeof found, "%zu items", v->n);
            report(b, path, "at most 65535 items", found, NULL);
            return 0;
        }
        return 1;
    }
    bad(b, path, expected, v);
    return 0;
}

/* "path[i]" for messages: on every list item of every record, so no printf. */
static void item_path(char *buf, size_t n, const char *path, size_t i)
{
    char digits[24];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    size_t pl = strlen(path);
    if (pl + nd + 3 > n)
        pl = n > nd + 3 ? n - nd - 3 : 0;
    memcpy(buf, path, pl);
    buf[pl++] = '[';
    while (nd)
        buf[pl++] = digits[--nd];
    buf[pl++] = ']';
    buf[pl] = '\0';
}

/* A list of words of one vocabulary, as a bitset. */
static uint32_t vocab_set(rb *b, const char *path, const val *v, int vocab)
{
    static const char *const expected[] = {
        [VOCAB_A] = "a list of needs/offers words", [VOCAB_B] = "a list of programme words",
        [VOCAB_C] = "a list of cooperation area words", [VOCAB_D] = "a list of fund words",
        [VOCAB_E] = "a list of instrument words"
    };
    if (!want_list(b, path, v, expected[vocab]))
        return 0;
    uint32_t set = 0;
    for (size_t i = 0; i < v->n; i++) {
        const val *it = &v->items[i];
        int w = it->t == V_STRING ? cmi_vocab_lookup(vocab, it->s, it->len) : -1;
        if (w < 0) {
            char p[96];
            item_path(p, sizeof p, path, i);
            bad(b, p, cmi_vocab_expected(vocab), it);
        } else {
            set |= 1u << w;
        }
    }
    return set;
}

static uint8_t tri(rb *b, const char *path, const val *v)
{
    if (v->t != V_BOOL) {
        bad(b, path, "true or false", v);
        return TRI_ABSENT;
    }
    return v->b ? TRI_TRUE : TRI_FALSE;
}

static uint8_t enum_word(rb *b, const char *path, const val *v, int vocab)
{
    int w = v->t == V_STRING ? cmi_vocab_lookup(vocab, v->s, v->len) : -1;
    if (w < 0) {
        bad(b, path, cmi_vocab_expected(vocab), v);
        return 0;
    }
    return (uint8_t)(w + 1);
}

/* The id of one list item (a code given as a string), or 0 when it is not
 * one: pure look-ups, so that a list's item paths ("sectors[2]") are
 * written only for a message. */
typedef uint16_t (*code_fn)(const val *v);

static uint16_t isic_item(const val *v)
{
    if (v->t != V_STRING)
        return 0;
    isic_id c = cmi_isic_lookup(v->s, v->len);
    return c == ISIC_NONE ? 0 : c;
}

static uint16_t country_item(const val *v)
{
    return v->t == V_STRING ? cmi_iso_country(v->s, v->len) : 0;
}

static uint16_t language_item(const val *v)
{
    return v->t == V_STRING ? cmi_iso_language(v->s, v->len) : 0;
}

static uint16_t place_item(const val *v)
{
    if (v->t != V_STRING)
        return 0;
    iso_id c = cmi_iso_country(v->s, v->len);
    if (c)
        return (uint16_t)(c | PLACE_COUNTRY);
    iso_id s = cmi_iso_subdivision(v->s, v->len);
    return s >= PLACE_COUNTRY ? 0 : s;
}

/* Push a list of u16 codes produced by `one` into the pool, without
 * duplicates; an item that is not a code is reported as not `item_exp`. */
static void code_list(rb *b, const char *path, const val *v, const char *expected,
                      const char *item_exp, code_fn one, uint32_t *off, uint16_t *n)
{
    if (!want_list(b, path, v, expected))
        return;
    store *st = b->ctx->st;
    *off = (uint32_t)st->u16_len;
    *n = 0;
    for (size_t i = 0; i < v->n; i++) {
        uint16_t c = one(&v->items[i]);
        if (c == 0) {
            char p[96];
            item_path(p, sizeof p, path, i);
            bad(b, p, item_exp, &v->items[i]);
            continue;
        }
        int dup = 0;
        for (size_t k = *off; k < st->u16_len; k++)
            dup |= st->u16[k] == c;
        if (dup)
            continue;
        if (cmi_store_push_u16(st, c) < 0) {
            oom(b);
            return;
        }
        (*n)++;
    }
}

static void tag_list(rb *b, const char *path, const val *v, uint32_t *off, uint16_t *n)
{
    if (!want_list(b, path, v, "a list of strings"))
        return;
    store *st = b->ctx->st;
    *off = (uint32_t)st->refs_len;
    *n = 0;
    for (size_t i = 0; i < v->n; i++) {
        const val *it = &v->items[i];
        if (it->t != V_STRING || it->len == 0) {
            char p[96];
            item_path(p, sizeof p, path, i);
            bad(b, p, "a non-empty string", it);
            continue;
        }
        str_ref r;
        if (!intern(b, it->s, it->len, &r))
            return;
        if (cmi_store_push_ref(st, r) < 0) {
            oom(b);
            return;
        }
        (*n)++;
    }
}

static void money_amount(rb *b, const char *path, const val *v, double *out)
{
    number_in(b, path, v, 0, HUGE_VAL, 0, "a number >= 0", out);
}

static void currency(rb *b, const char *path, const val *v, iso_id *out)
{
    static const char exp[] = "an ISO 4217 currency code";
    if (!want_string(b, path, v, exp))
        return;
    *out = cmi_iso_currency(v->s, v->len);
    if (*out == 0)
        bad(b, path, exp, v);
}

static void count_field(rb *b, const char *path, const val *v, uint32_t *out)
{
    double d;
    if (number_in(b, path, v, 0, (double)(UINT32_MAX - 1), 1, "an integer >= 0", &d))
        *out = (uint32_t)d;
}

void cmi_rb_field(rb *b, const field_def *f, const val *v)
{
    if (v->t == V_NULL)
        return;               /* null is an absent field */
    b->seen |= 1ull << f->id;
    struct common *c = common_of(b);
    struct region *r = &b->p.r;
    struct enterprise *e = &b->p.e;
    const char *path = f->path;
    double d;

    switch ((enum field_id)f->id) {
    case F_ID:
        if (v->t != V_STRING || !cmi_schema_valid_id(v->s, v->len)) {
            bad(b, path, "1-64 characters of A-Za-z0-9._:-", v);
        } else {
            size_t before = b->ctx->st->strings.nentries;
            if (intern(b, v->s, v->len, &c->id))
                cmi_store_prefetch_id(b->ctx->st, b->ctx->kind, c->id);   /* for cmi_rb_end */
            /* a string never seen before cannot be a duplicate id */
            b->id_is_new = b->ctx->st->strings.nentries != before;
        }
        break;
    case F_NAME:
        /* read back by its ref only, and mostly unique: stored, not interned */
        if (v->t != V_STRING || v->len == 0)
            bad(b, path, "a non-empty string", v);
        else if (cmi_strpool_add(&b->ctx->st->strings, v->s, v->len, &c->name) < 0)
            oom(b);
        break;
    case F_COUNTRY:
        c->country = country_code(b, path, v);
        break;
    case F_SUBDIVISION:
        if (want_string(b, path, v, "an ISO 3166-2 subdivision code")) {
            c->subdivision = cmi_iso_subdivision(v->s, v->len);
            if (c->subdivision == 0)
                bad(b, path, "an ISO 3166-2 subdivision code", v);
        }
        break;
    case F_LAT:
        if (number_in(b, path, v, -90, 90, 0, "a latitude in [-90, 90]", &d))
            c->lat = d;
        break;
    case F_LON:
        if (number_in(b, path, v, -180, 180, 0, "a longitude in [-180, 180]", &d))
            c->lon = d;
        break;
    case F_LANGUAGES:
        code_list(b, path, v, "a list of ISO 639 language codes",
                  "an ISO 639-1 language code (or ISO 639-2/3 where there is none)",
                  language_item, &c->langs_off, &c->langs_n);
        break;
    case F_LEVEL:
        r->level = enum_word(b, path, v, VOCAB_LEVEL);
        break;
    case F_SECTORS_OFFERED:
        code_list(b, path, v, "a list of ISIC Rev.4 codes", EXP_ISIC, isic_item, &r->offered_off,
                  &r->offered_n);
        break;
    case F_SECTORS_SOUGHT:
        code_list(b, path, v, "a list of ISIC Rev.4 codes", EXP_ISIC, isic_item, &r->sought_off,
                  &r->sought_n);
        break;
    case F_RESOURCES:
        tag_list(b, path, v, &r->resources_off, &r->resources_n);
        break;
    case F_NEEDS:
        r->needs = vocab_set(b, path, v, VOCAB_A);
        break;
    case F_OFFERS:
        if (b->ctx->kind == 0)
            r->offers = vocab_set(b, path, v, VOCAB_A);
        else
            e->offers = vocab_set(b, path, v, VOCAB_A);
        break;
    case F_PROGRAMMES:
        r->programmes = (uint16_t)vocab_set(b, path, v, VOCAB_B);
        break;
    case F_COOPERATION:
        r->cooperation_areas = (uint8_t)vocab_set(b, path, v, VOCAB_C);
        break;
    case F_FUNDS:
        r->funds = (uint8_t)vocab_set(b, path, v, VOCAB_D);
        break;
    case F_PORT:
        r->port = tri(b, path, v);
        break;
    case F_AIRPORT:
        r->airport = tri(b, path, v);
        break;
    case F_RAIL:
        r->rail = tri(b, path, v);
        break;
    case F_FLIGHTS:
        code_list(b, path, v, "a list of ISO 3166-2 or country codes",
                  "an ISO 3166-2 subdivision or ISO 3166-1 country code", place_item,
                  &r->flights_off, &r->flights_n);
        break;
    case F_CAPACITY:
        count_field(b, path, v, &r->capacity);
        break;
    case F_SECTOR:
        e->sector = isic_code_of(b, path, v);
        break;
    case F_SECTORS:
        b->sectors_given = 1;
        code_list(b, path, v, "a list of ISIC Rev.4 codes", EXP_ISIC, isic_item, &e->sectors_off,
                  &e->sectors_n);
        break;
    case F_EMPLOYEES:
        count_field(b, path, v, &e->employees);
        break;
    case F_REVENUE_AMOUNT: money_amount(b, path, v, &e->revenue); break;
    case F_ASSETS_AMOUNT: money_amount(b, path, v, &e->assets); break;
    case F_CAPITAL_AMOUNT: money_amount(b, path, v, &e->capital); break;
    case F_INV_MIN: money_amount(b, path, v, &e->investment_min); break;
    case F_INV_MAX: money_amount(b, path, v, &e->investment_max); break;
    case F_REVENUE_CURRENCY: currency(b, path, v, &e->revenue_cur); break;
    case F_ASSETS_CURRENCY: currency(b, path, v, &e->assets_cur); break;
    case F_CAPITAL_CURRENCY: currency(b, path, v, &e->capital_cur); break;
    case F_INV_CURRENCY: currency(b, path, v, &e->investment_cur); break;
    case F_SUBSIDIARY:
        e->subsidiary_of_large = tri(b, path, v);
        break;
    case F_LISTED:
        e->listed = tri(b, path, v);
        break;
    case F_OWNERSHIP:
        e->ownership = enum_word(b, path, v, VOCAB_OWNERSHIP);
        break;
    case F_SEEKS:
        e->seeks = vocab_set(b, path, v, VOCAB_A);
        break;
    case F_INSTRUMENTS:
        e->instruments = (uint8_t)vocab_set(b, path, v, VOCAB_E);
        break;
    case F_FUNDS_INTEREST:
        e->funds_interest = (uint8_t)vocab_set(b, path, v, VOCAB_D);
        break;
    case F_TARGETS:
        code_list(b, path, v, "a list of ISO 3166-1 alpha-2 codes", EXP_COUNTRY, country_item,
                  &e->targets_off, &e->targets_n);
        break;
    case F_DESCRIPTION:
        if (want_string(b, path, v, "a string") &&
            cmi_store_add_text(b->ctx->st, v->s, v->len, &e->description) < 0)
            oom(b);
        break;
    case F_LOCATION: case F_CONNECTIVITY: case F_REVENUE: case F_ASSETS: case F_CAPITAL:
    case F_INVESTMENT: case F_ATTRS: case F_COUNT:
        /* groups are taken apart by the loaders */
        bad(b, path, "an object", v);
        break;
    }
}

/* "attrs.KEY" for messages. */
static void attr_path(char *buf, size_t n, const char *key, size_t key_len)
{
    snprintf(buf, n, "attrs.%.*s", (int)(key_len < 100 ? key_len : 100), key);
}

void cmi_rb_attr(rb *b, const char *key, size_t key_len, const val *v)
{
    static const char exp[] = "a string, number, boolean or list of strings";
    char path[128];           /* "attrs.KEY", written only for a message */
    char q[96];
    if (v->t == V_NULL)
        return;
    if (key_len == 0) {
        report(b, "attrs", "a non-empty attribute name", "\"\"", NULL);
        return;
    }
    store *st = b->ctx->st;
    struct common *c = common_of(b);
    struct attr a = { 0 };
    if (!intern(b, key, key_len, &a.key))
        return;
    for (uint32_t i = 0; i < c->attrs_n; i++)
        if (st->attrs[c->attrs_off + i].key == a.key) {
            attr_path(path, sizeof path, key, key_len);
            report(b, path, "each attribute once", cmi_diag_quote(q, sizeof q, key, key_len),
                   "given twice (at the top level and in attrs?)");
            return;
        }
    switch (v->t) {
    case V_STRING:
        a.type = ATTR_STRING;
        if (!intern(b, v->s, v->len, &a.v.str))
            return;
        break;
    case V_NUMBER:
        if (!isfinite(v->num)) {
            attr_path(path, sizeof path, key, key_len);
            bad(b, path, "a finite number", v);
            return;
        }
        a.type = ATTR_NUMBER;
        a.v.num = v->num;
        break;
    case V_BOOL:
        a.type = ATTR_BOOL;
        a.v.boolean = v->b;
        break;
    case V_LIST: {
        if (v->n > UINT16_MAX) {
            attr_path(path, sizeof path, key, key_len);
            report(b, path, "at most 65535 items", "more", NULL);
            return;
        }
        /* items first, so that the list is contiguous in the ref pool */
        size_t n = v->n;
        a.type = ATTR_LIST;
        a.n = (uint16_t)n;
        for (size_t i = 0; i < n; i++) {
            if (v->items[i].t != V_STRING) {
                char p[160];
                attr_path(path, sizeof path, key, key_len);
                item_path(p, sizeof p, path, i);
                bad(b, p, "a string", &v->items[i]);
                return;
            }
        }
        a.v.list_off = (uint32_t)st->refs_len;
        for (size_t i = 0; i < n; i++) {
            str_ref r;
            if (!intern(b, v->items[i].s, v->items[i].len, &r))
                return;
            if (cmi_store_push_ref(st, r) < 0) {
                oom(b);
                return;
            }
        }
        break;
    }
    case V_OBJECT:
    case V_NULL:
        attr_path(path, sizeof path, key, key_len);
        bad(b, path, exp, v);
        return;
    }

    /* attrs of one record are contiguous: the first one fixes the offset */
    if (c->attrs_n == 0)
        c->attrs_off = (uint32_t)st->attrs_len;
    if (c->attrs_n == UINT16_MAX) {
        report(b, "attrs", "at most 65535 attributes", "more", NULL);
        return;
    }
    if (cmi_store_push_attr(st, &a) < 0) {
        oom(b);
        return;
    }
    c->attrs_n++;
}

/* ---- end of record: cross-field rules ---------------------------------------- */

static int has(const rb *b, int id) { return (b->seen >> id) & 1; }

static void money_pair(rb *b, const char *group, double amount, iso_id cur, int amount_id,
                       int cur_id)
{
    char path[64];
    int ha = has(b, amount_id), hc = has(b, cur_id);
    if (has(b, amount_id - 1))
        return;               /* the group itself was reported */
    if (ha && !hc && !isnan(amount)) {
        snprintf(path, sizeof path, "%s.currency", group);
        report(b, path, "an ISO 4217 currency code beside the amount", "nothing", NULL);
    } else if (hc && !ha && cur) {
        snprintf(path, sizeof path, "%s.amount", group);
        report(b, path, "an amount beside the currency", "nothing", NULL);
    }
}

static void required(rb *b, int id, const char *path, const char *expected)
{
    if (!has(b, id))
        report(b, path, expected, "nothing", NULL);
}

int cmi_rb_end(rb *b)
{
    load_ctx *ctx = b->ctx;
    store *st = ctx->st;
    struct common *c = common_of(b);

    if (b->whole) {
        cmi_store_rollback_pools(st, b->mark);
        return ctx->nomem ? -1 : 0;
    }
    required(b, F_ID, "id", "a required id");
    required(b, F_NAME, "name", "a required name");
    required(b, F_COUNTRY, "country", "a required ISO 3166-1 alpha-2 country code");
    if (c->country && c->subdivision && cmi_iso_subdivision_country(c->subdivision) != c->country) {
        char exp[96], found[96];
        snprintf(exp, sizeof exp, "a subdivision of %s", cmi_iso_country_code(c->country));
        snprintf(found, sizeof found, "\"%s\" (a subdivision of %s)",
                 cmi_iso_subdivision_code(c->subdivision),
                 cmi_iso_country_code(cmi_iso_subdivision_country(c->subdivision)));
        report(b, "subdivision", exp, found, NULL);
    }
    if (has(b, F_LAT) != has(b, F_LON) && !has(b, F_LOCATION))
        report(b, has(b, F_LAT) ? "location.lon" : "location.lat",
               "both lat and lon", "only one of them", NULL);

    if (ctx->kind == 1) {
        struct enterprise *e = &b->p.e;
        required(b, F_SECTOR, "sector", "a required ISIC Rev.4 code");
        money_pair(b, "revenue", e->revenue, e->revenue_cur, F_REVENUE_AMOUNT, F_REVENUE_CURRENCY);
        money_pair(b, "assets", e->assets, e->assets_cur, F_ASSETS_AMOUNT, F_ASSETS_CURRENCY);
        money_pair(b, "capital", e->capital, e->capital_cur, F_CAPITAL_AMOUNT, F_CAPITAL_CURRENCY);
        if (has(b, F_INVESTMENT))
            ;                 /* the group itself was reported */
        else if ((has(b, F_INV_MIN) || has(b, F_INV_MAX)) && !has(b, F_INV_CURRENCY))
            report(b, "investment.currency", "an ISO 4217 currency code beside min/max",
                   "nothing", NULL);
        else if (has(b, F_INV_CURRENCY) && !has(b, F_INV_MIN) && !has(b, F_INV_MAX))
            report(b, "investment", "min or max beside the currency", "nothing", NULL);
        if (!isnan(e->investment_min) && !isnan(e->investment_max) &&
            e->investment_min > e->investment_max) {
            char found[96];
            snprintf(found, sizeof found, "min %.17g > max %.17g", e->investment_min,
                     e->investment_max);
            report(b, "investment", "min <= max", found, NULL);
        }
        /* The primary sector is implied in `sectors`, first. */
        if (e->sector && b->errors == 0) {
            uint32_t off = (uint32_t)st->u16_len;
            if (cmi_store_push_u16(st, e->sector) < 0) {
                oom(b);
            } else {
                for (uint16_t i = 0; i < e->sectors_n; i++) {
                    uint16_t s = st->u16[e->sectors_off + i];
                    if (s != e->sector && cmi_store_push_u16(st, s) < 0) {
                        oom(b);
                        break;
                    }
                }
                e->sectors_off = off;
                e->sectors_n = (uint16_t)(st->u16_len - off);
            }
        }
    }

    if (ctx->nomem) {
        cmi_store_rollback_pools(st, b->mark);
        return -1;
    }
    if (b->errors == 0 && c->id && !b->id_is_new) {
        size_t other = cmi_store_find(st, ctx->kind, c->id);
        if (other != SIZE_MAX && ctx->keep_first) {
            /* merging sources: the profile already loaded takes precedence */
            ctx->skipped++;
            cmi_store_rollback_pools(st, b->mark);
            return 2;
        }
        if (other != SIZE_MAX) {
            const struct common *o = store_common(st, ctx->kind, other);
            const char *id = strpool_get(&st->strings, c->id);
            char found[700], q[96];
            snprintf(found, sizeof found, "%s, already defined at %s:%lu (record %lu)",
                     cmi_diag_quote(q, sizeof q, id, strlen(id)), st->files[o->file],
                     (unsigned long)o->line, (unsigned long)o->record);
            report(b, "id", "a unique id", found, NULL);
        }
    }
    if (b->errors) {
        cmi_store_rollback_pools(st, b->mark);
        return ctx->nomem ? -1 : 0;
    }
    if (cmi_store_append(st, ctx->kind, &b->p) < 0) {
        cmi_store_rollback_pools(st, b->mark);
        ctx->nomem = 1;
        return -1;
    }
    return 1;
}

/* ---- reading fields back (public API) ------------------------------------- */

static void rd_str(struct field_read *o, const char *s)
{
    if (s && *s) {
        o->type = T_STRING;
        o->str = s;
    }
}

static void rd_num(struct field_read *o, double d)
{
    if (!isnan(d)) {
        o->type = T_NUMBER;
        o->num = d;
    }
}

static void rd_tri(struct field_read *o, uint8_t t)
{
    if (t != TRI_ABSENT) {
        o->type = T_BOOL;
        o->boolean = t == TRI_TRUE;
    }
}

static void rd_list(struct field_read *o, int pool, uint32_t off, size_t n)
{
    o->type = T_LIST;
    o->pool = pool;
    o->off = off;
    o->count = n;
}

static void rd_set(struct field_read *o, int vocab, uint32_t bits)
{
    o->type = T_LIST;
    o->pool = POOL_VOCAB;
    o->vocab = vocab;
    o->bits = bits;
    o->count = (size_t)__builtin_popcount(bits);
}

void cmi_record_attr(const store *s, const struct common *c, str_ref key, struct field_read *o)
{
    memset(o, 0, sizeof *o);
    o->code_pool = -1;
    {
        for (uint32_t i = 0; key && i < c->attrs_n; i++) {
            const struct attr *a = &s->attrs[c->attrs_off + i];
            if (a->key != key)
                continue;
            switch (a->type) {
            case ATTR_STRING: o->type = T_STRING; o->str = strpool_get(&s->strings, a->v.str); break;
            case ATTR_NUMBER: o->type = T_NUMBER; o->num = a->v.num; break;
            case ATTR_BOOL: o->type = T_BOOL; o->boolean = a->v.boolean; break;
            case ATTR_LIST: rd_list(o, POOL_ATTR_LIST, a->v.list_off, a->n); break;
            }
        }
    }
}

int cmi_record_read(const store *s, int kind, const struct common *c, const field_def *f,
                struct field_read *o)
{
    memset(o, 0, sizeof *o);
    o->code_pool = -1;
    const struct region *r = (const struct region *)c;
    const struct enterprise *e = (const struct enterprise *)c;
    switch ((enum field_id)f->id) {
    case F_ID: rd_str(o, strpool_get(&s->strings, c->id)); break;
    case F_NAME: rd_str(o, strpool_get(&s->strings, c->name)); break;
    case F_COUNTRY:
        rd_str(o, cmi_iso_country_code(c->country));
        o->code = c->country;
        o->code_pool = POOL_COUNTRY;
        break;
    case F_SUBDIVISION: rd_str(o, cmi_iso_subdivision_code(c->subdivision)); break;
    case F_LAT: rd_num(o, c->lat); break;
    case F_LON: rd_num(o, c->lon); break;
    case F_LANGUAGES: rd_list(o, POOL_LANGUAGE, c->langs_off, c->langs_n); break;
    case F_LEVEL: rd_str(o, r->level ? cmi_vocab_word(VOCAB_LEVEL, r->level - 1) : NULL); break;
    case F_SECTORS_OFFERED: rd_list(o, POOL_ISIC, r->offered_off, r->offered_n); break;
    case F_SECTORS_SOUGHT: rd_list(o, POOL_ISIC, r->sought_off, r->sought_n); break;
    case F_RESOURCES: rd_list(o, POOL_TAGS, r->resources_off, r->resources_n); break;
    case F_NEEDS: rd_set(o, VOCAB_A, r->needs); break;
    case F_OFFERS: rd_set(o, VOCAB_A, kind == 0 ? r->offers : e->offers); break;
    case F_PROGRAMMES: rd_set(o, VOCAB_B, r->programmes); break;
    case F_COOPERATION: rd_set(o, VOCAB_C, r->cooperation_areas); break;
    case F_FUNDS: rd_set(o, VOCAB_D, r->funds); break;
    case F_PORT: rd_tri(o, r->port); break;
    case F_AIRPORT: rd_tri(o, r->airport); break;
    case F_RAIL: rd_tri(o, r->rail); break;
    case F_FLIGHTS: rd_list(o, POOL_PLACE, r->flights_off, r->flights_n); break;
    case F_CAPACITY: if (r->capacity != ABSENT_U32) rd_num(o, r->capacity); break;
    case F_SECTOR:
        rd_str(o, e->sector ? cmi_isic_code(e->sector) : NULL);
        o->code = e->sector;
        o->code_pool = POOL_ISIC;
        break;
    case F_SECTORS: rd_list(o, POOL_ISIC, e->sectors_off, e->sectors_n); break;
    case F_EMPLOYEES: if (e->employees != ABSENT_U32) rd_num(o, e->employees); break;
    case F_REVENUE_AMOUNT: rd_num(o, e->revenue); break;
    case F_ASSETS_AMOUNT: rd_num(o, e->assets); break;
    case F_CAPITAL_AMOUNT: rd_num(o, e->capital); break;
    case F_INV_MIN: rd_num(o, e->investment_min); break;
    case F_INV_MAX: rd_num(o, e->investment_max); break;
    case F_REVENUE_CURRENCY: rd_str(o, cmi_iso_currency_code(e->revenue_cur)); break;
    case F_ASSETS_CURRENCY: rd_str(o, cmi_iso_currency_code(e->assets_cur)); break;
    case F_CAPITAL_CURRENCY: rd_str(o, cmi_iso_currency_code(e->capital_cur)); break;
    case F_INV_CURRENCY: rd_str(o, cmi_iso_currency_code(e->investment_cur)); break;
    case F_SUBSIDIARY: rd_tri(o, e->subsidiary_of_large); break;
    case F_LISTED: rd_tri(o, e->listed); break;
    case F_OWNERSHIP:
        rd_str(o, e->ownership ? cmi_vocab_word(VOCAB_OWNERSHIP, e->ownership - 1) : NULL);
        break;
    case F_SEEKS: rd_set(o, VOCAB_A, e->seeks); break;
    case F_INSTRUMENTS: rd_set(o, VOCAB_E, e->instruments); break;
    case F_FUNDS_INTEREST: rd_set(o, VOCAB_D, e->funds_interest); break;
    case F_TARGETS: rd_list(o, POOL_COUNTRY, e->targets_off, e->targets_n); break;
    case F_DESCRIPTION: rd_str(o, e->description ? s->text + e->description : NULL); break;
    case F_LOCATION: case F_CONNECTIVITY: case F_REVENUE: case F_ASSETS: case F_CAPITAL:
    case F_INVESTMENT: case F_ATTRS: case F_COUNT:
        return -1;            /* a group: read its members */
    }
    return 0;
}

static int read_field(const store *s, int kind, size_t index, const char *path,
                      struct field_read *o)
{
    const struct common *c = store_common(s, kind, index);
    if (strncmp(path, "attrs.", 6) == 0) {
        cmi_record_attr(s, c, cmi_strpool_find(&s->strings, path + 6, strlen(path + 6)), o);
        return 0;
    }
    const field_def *f = cmi_schema_field(kind, path, strlen(path));
    if (f == NULL) {
        memset(o, 0, sizeof *o);
        return -1;
    }
    return cmi_record_read(s, kind, c, f, o);
}

int cmi_record_get(const store *s, int kind, size_t index, const char *path,
               int *type, const char **str, double *num, int *boolean, size_t *count)
{
    struct field_read o;
    if (read_field(s, kind, index, path, &o) < 0)
        return -1;
    *type = o.type;
    *str = o.str;
    *num = o.num;
    *boolean = o.boolean;
    *count = o.count;
    return 0;
}

const char *cmi_record_list_item(const store *s, const struct field_read *o, size_t i)
{
    if (o->type != T_LIST || i >= o->count)
        return NULL;
    if (o->pool == POOL_VOCAB) {
        size_t seen = 0;
        for (int w = 0; w < 32; w++)
            if ((o->bits >> w) & 1 && seen++ == i)
                return cmi_vocab_word(o->vocab, w);
        return NULL;
    }
    if (o->pool == POOL_TAGS || o->pool == POOL_ATTR_LIST)
        return strpool_get(&s->strings, s->refs[o->off + i]);
    uint16_t v = s->u16[o->off + i];
    switch (o->pool) {
    case POOL_ISIC: return cmi_isic_code(v);
    case POOL_COUNTRY: return cmi_iso_country_code(v);
    case POOL_LANGUAGE: return cmi_iso_language_code(v);
    default:
        return (v & PLACE_COUNTRY) ? cmi_iso_country_code((iso_id)(v & ~PLACE_COUNTRY))
                                   : cmi_iso_subdivision_code(v);
    }
}

int cmi_record_item(const store *s, int kind, size_t index, const char *path, size_t i,
                const char **out)
{
    struct field_read o;
    if (read_field(s, kind, index, path, &o) < 0)
        return -1;
    *out = cmi_record_list_item(s, &o, i);
    return *out ? 0 : -1;
}
