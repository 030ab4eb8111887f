/*
 * schema.c - the profile schema told to people and to other programs: the
 * type, unit and rule of every field of record.c's table, as the text of
 * `capmatch schema` and as a JSON Schema (draft 2020-12) of a profiles file.
 *
 * Owns the field documentation only. The fields come from record.c's table
 * and the vocabularies from vocab.c, the very tables the validator uses, so
 * the schema shipped in share/capmatch/schema/ (a test compares it with this
 * output) and the man page (a test compares its word lists) cannot drift.
 * Codes checked against iso-codes and ISIC are given by pattern only. Also
 * tells whether a value a policy compares a field with can occur at all
 * (cmi_schema_value_problem, for capmatch check).
 */
#include "capmatch.h"
#include "record.h"
#include "vocab.h"
#include "err.h"
#include "isic.h"
#include "iso.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ISIC "{\"type\": \"string\", \"pattern\": \"^([A-U]|[0-9]{2,4})$\"}"
#define COUNTRY "{\"type\": \"string\", \"pattern\": \"^[A-Z]{2}$\"}"
#define CURRENCY "{\"type\": \"string\", \"pattern\": \"^[A-Z]{3}$\"}"
#define WORDS "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}"
#define LIST_OF(item) "{\"type\": \"array\", \"items\": " item "}"
#define MONEY "{\"type\": \"object\", \"dependentRequired\": {\"amount\": [\"currency\"], " \
              "\"currency\": [\"amount\"]}}"
#define AMOUNT "{\"type\": \"number\", \"minimum\": 0}"

struct field_doc {
    const char *type;         /* for people: "list of ISIC codes" */
    const char *json;         /* JSON Schema of the value, without vocabulary */
    int vocab;                /* enum vocab_id, or -1 */
    int required;
    const char *rule;
};

/* Indexed by enum field_id: a field of record.c without an entry here makes
 * cm_schema_write fail (tests run it on every kind). */
static const struct field_doc docs[F_COUNT] = {
    [F_ID] = { "string", "{\"type\": \"string\", \"pattern\": \"^[A-Za-z0-9._:-]{1,64}$\"}", -1, 1,
               "1-64 characters of A-Z a-z 0-9 . _ : -; unique among the profiles of its "
               "kind in one run" },
    [F_NAME] = { "string", "{\"type\": \"string\", \"minLength\": 1}", -1, 1, "not empty" },
    [F_COUNTRY] = { "string", COUNTRY, -1, 1, "ISO 3166-1 alpha-2 code, upper case (PH, CN)" },
    [F_SUBDIVISION] = { "string", "{\"type\": \"string\", \"pattern\": \"^[A-Z]{2}-[A-Z0-9]{1,3}$\"}",
                        -1, 0, "ISO 3166-2 code of a subdivision of country (PH-CAT)" },
    [F_LOCATION] = { "object", "{\"type\": \"object\", \"dependentRequired\": "
                               "{\"lat\": [\"lon\"], \"lon\": [\"lat\"]}}",
                     -1, 0, "lat and lon, both or neither" },
    [F_LAT] = { "number, degrees", "{\"type\": \"number\", \"minimum\": -90, \"maximum\": 90}", -1, 0,
                "latitude in [-90, 90], WGS 84" },
    [F_LON] = { "number, degrees", "{\"type\": \"number\", \"minimum\": -180, \"maximum\": 180}", -1,
                0, "longitude in [-180, 180], WGS 84" },
    [F_LANGUAGES] = { "list of strings", LIST_OF("{\"type\": \"string\", \"pattern\": \"^[a-z]{2,3}$\"}"),
                      -1, 0,
                      "language codes as BCP 47 takes them: ISO 639-1 where the language has "
                      "one (en, zh), else ISO 639-2/3 (fil)" },
    [F_ATTRS] = { "object", "{\"type\": \"object\", \"additionalProperties\": "
                            "{\"anyOf\": [{\"type\": [\"string\", \"number\", \"boolean\"]}, "
                            "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}]}}",
                  -1, 0,
                  "extra attributes: strings, numbers, booleans or lists of strings, nothing "
                  "nested; any field not of the schema is kept here too" },
    [F_LEVEL] = { "string", "{\"type\": \"string\"}", VOCAB_LEVEL, 0, "the region's level" },
    [F_SECTORS_OFFERED] = { "list of ISIC codes", LIST_OF(ISIC), -1, 0,
                            "ISIC Rev.4 codes at any level (section letter, division, group, "
                            "class) of the industries the region has" },
    [F_SECTORS_SOUGHT] = { "list of ISIC codes", LIST_OF(ISIC), -1, 0,
                           "ISIC Rev.4 codes of the industries the region seeks" },
    [F_RESOURCES] = { "list of strings", WORDS, -1, 0,
                      "free words (abaca fiber); policies link them to sectors" },
    [F_NEEDS] = { "list of words", WORDS, VOCAB_A, 0, "what the region needs" },
    [F_OFFERS] = { "list of words", WORDS, VOCAB_A, 0, "what the profile brings" },
    [F_PROGRAMMES] = { "list of words", WORDS, VOCAB_B, 0, "programmes the region runs" },
    [F_COOPERATION] = { "list of words", WORDS, VOCAB_C, 0, "the dialogue's cooperation areas" },
    [F_FUNDS] = { "list of words", WORDS, VOCAB_D, 0, "funds active in the region" },
    [F_CONNECTIVITY] = { "object", "{\"type\": \"object\"}", -1, 0,
                         "port, airport, rail, direct_flights" },
    [F_PORT] = { "boolean", "{\"type\": \"boolean\"}", -1, 0, "a seaport" },
    [F_AIRPORT] = { "boolean", "{\"type\": \"boolean\"}", -1, 0, "an airport" },
    [F_RAIL] = { "boolean", "{\"type\": \"boolean\"}", -1, 0, "a railway" },
    [F_FLIGHTS] = { "list of place codes",
                    LIST_OF("{\"type\": \"string\", \"pattern\": \"^[A-Z]{2}(-[A-Z0-9]{1,3})?$\"}"),
                    -1, 0, "places with a direct flight: ISO 3166-2 subdivisions (TH-83) or "
                           "ISO 3166-1 countries" },
    [F_CAPACITY] = { "integer", "{\"type\": \"integer\", \"minimum\": 0}", -1, 0,
                     "how many enterprises the region takes in an assignment; absent: no limit" },
    [F_SECTOR] = { "ISIC code", ISIC, -1, 1, "the main ISIC Rev.4 code" },
    [F_SECTORS] = { "list of ISIC codes", LIST_OF(ISIC), -1, 0, "further ISIC Rev.4 codes" },
    [F_EMPLOYEES] = { "integer, persons", "{\"type\": \"integer\", \"minimum\": 0}", -1, 0,
                      "head count" },
    [F_REVENUE] = { "money", MONEY, -1, 0, "yearly revenue: amount and currency, both or neither" },
    [F_REVENUE_AMOUNT] = { "number, currency units", AMOUNT, -1, 0, ">= 0" },
    [F_REVENUE_CURRENCY] = { "string", CURRENCY, -1, 0, "ISO 4217 code (CNY, USD)" },
    [F_ASSETS] = { "money", MONEY, -1, 0, "total assets: amount and currency, both or neither" },
    [F_ASSETS_AMOUNT] = { "number, currency units", AMOUNT, -1, 0, ">= 0" },
    [F_ASSETS_CURRENCY] = { "string", CURRENCY, -1, 0, "ISO 4217 code" },
    [F_CAPITAL] = { "money", MONEY, -1, 0,
                    "registered capital: amount and currency, both or neither" },
    [F_CAPITAL_AMOUNT] = { "number, currency units", AMOUNT, -1, 0, ">= 0" },
    [F_CAPITAL_CURRENCY] = { "string", CURRENCY, -1, 0, "ISO 4217 code" },
    [F_SUBSIDIARY] = { "boolean", "{\"type\": \"boolean\"}", -1, 0,
                       "part of a large group (some SME definitions exclude these)" },
    [F_OWNERSHIP] = { "string", "{\"type\": \"string\"}", VOCAB_OWNERSHIP, 0, "who owns it" },
    [F_LISTED] = { "boolean", "{\"type\": \"boolean\"}", -1, 0, "listed on a stock exchange" },
    [F_SEEKS] = { "list of words", WORDS, VOCAB_A, 0, "what the enterprise looks for" },
    [F_INVESTMENT] = { "money range", "{\"type\": \"object\", \"dependentRequired\": "
                                      "{\"min\": [\"currency\"], \"max\": [\"currency\"]}}",
                       -1, 0, "the project's size: min <= max, with a currency when either is given" },
    [F_INV_MIN] = { "number, currency units", AMOUNT, -1, 0, ">= 0" },
    [F_INV_MAX] = { "number, currency units", AMOUNT, -1, 0, ">= 0 and >= min" },
    [F_INV_CURRENCY] = { "string", CURRENCY, -1, 0, "ISO 4217 code" },
    [F_INSTRUMENTS] = { "list of words", WORDS, VOCAB_E, 0, "how it would be financed" },
    [F_TARGETS] = { "list of country codes", LIST_OF(COUNTRY), -1, 0,
                    "ISO 3166-1 codes of the countries it looks to" },
    [F_FUNDS_INTEREST] = { "list of words", WORDS, VOCAB_D, 0, "funds it would work with" },
    [F_DESCRIPTION] = { "string", "{\"type\": \"string\"}", -1, 0,
                        "free text; policies may search it" },
};

/* ---- text ------------------------------------------------------------------ */

typedef struct sink {
    cm_write_fn fn;
    void *ud;
    int failed;
} sink;

static void put(sink *s, const char *text)
{
    if (!s->failed && s->fn(text, strlen(text), s->ud) != 0)
        s->failed = 1;
}

static void putf(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(sink *s, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    put(s, line);
}

static void put_words(sink *s, int vocab)
{
    for (int i = 0; i < cmi_vocab_size(vocab); i++) {
        put(s, i ? ", " : "");
        put(s, cmi_vocab_word(vocab, i));
    }
}

static int kind_bit(cm_kind kind)
{
    return kind == CM_KIND_REGIONS ? 1 : 2;
}

static int write_text(cm_kind kind, sink *s)
{
    putf(s, "%s (schema version 1; man capmatch-profiles)\n", cm_kind_name(kind));
    putf(s, "  %-28s %-24s %s\n", "FIELD", "TYPE", "RULE");
    const field_def *f;
    for (size_t i = 0; (f = cmi_schema_field_at(i)) != NULL; i++) {
        if (!(f->kinds & (unsigned)kind_bit(kind)))
            continue;
        const struct field_doc *d = &docs[f->id];
        putf(s, "  %-28s %-24s %s%s", f->path, d->type, d->required ? "required; " : "", d->rule);
        if (d->vocab >= 0) {
            putf(s, "; words of the %s vocabulary: ", cmi_vocab_name(d->vocab));
            put_words(s, d->vocab);
        }
        put(s, "\n");
    }
    return 0;
}

/* ---- JSON Schema --------------------------------------------------------------- */

static json_t *value_schema(const field_def *f)
{
    const struct field_doc *d = &docs[f->id];
    json_t *v = json_loads(d->json, 0, NULL);
    if (v == NULL)
        return NULL;
    json_t *target = json_object_get(v, "items");
    if (target == NULL)
        target = v;
    if (d->vocab >= 0) {
        json_t *words = json_array();
        for (int i = 0; i < cmi_vocab_size(d->vocab); i++)
            json_array_append_new(words, json_string(cmi_vocab_word(d->vocab, i)));
        json_object_set_new(target, "enum", words);
    }
    char text[512];
    snprintf(text, sizeof text, "%s%s", d->type, d->rule[0] ? ": " : "");
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n, "%s", d->rule);
    json_object_set_new(v, "description", json_string(text));
    if (!d->required) {
        /* null is an absent field */
        json_t *type = json_object_get(v, "type");
        json_t *both = json_array();
        json_array_append(both, type);
        json_array_append_new(both, json_string("null"));
        json_object_set_new(v, "type", both);
        json_t *en = json_object_get(v, "enum");
        if (en != NULL)
            json_array_append_new(en, json_null());
    }
    return v;
}

static json_t *record_schema(cm_kind kind)
{
    json_t *rec = json_object();
    json_t *props = json_object();
    json_t *req = json_array();
    json_object_set_new(rec, "type", json_string("object"));
    const field_def *f;
    for (size_t i = 0; (f = cmi_schema_field_at(i)) != NULL; i++) {
        if (!(f->kinds & (unsigned)kind_bit(kind)))
            continue;
        json_t *v = value_schema(f);
        if (v == NULL) {
            json_decref(rec);
            json_decref(props);
            json_decref(req);
            return NULL;
        }
        const char *dot = strchr(f->path, '.');
        if (dot == NULL) {
            if (json_is_object(json_object_get(v, "dependentRequired"))
                || strcmp(f->path, "connectivity") == 0) {
                json_object_set_new(v, "properties", json_object());
                json_object_set_new(v, "additionalProperties", json_false());
            }
            json_object_set_new(props, f->path, v);
            if (docs[f->id].required)
                json_array_append_new(req, json_string(f->path));
        } else {
            char group[64];
            snprintf(group, sizeof group, "%.*s", (int)(dot - f->path), f->path);
            json_t *g = json_object_get(json_object_get(props, group), "properties");
            json_object_set_new(g, dot + 1, v);
        }
    }
    json_object_set_new(rec, "required", req);
    json_object_set_new(rec, "properties", props);
    /* any other field is an attribute, kept with its type */
    json_t *attr = json_loads(docs[F_ATTRS].json, 0, NULL);
    json_t *extra = json_incref(json_object_get(attr, "additionalProperties"));
    json_decref(attr);
    json_object_set_new(extra, "description", json_string("any other field is kept in attrs"));
    json_object_set_new(rec, "additionalProperties", extra);
    return rec;
}

static int dump_part(const char *text, size_t len, void *ud)
{
    sink *s = ud;
    if (!s->failed && s->fn(text, len, s->ud) != 0)
        s->failed = 1;
    return s->failed ? -1 : 0;
}

static int write_json(cm_kind kind, sink *s)
{
    const char *name = cm_kind_name(kind);
    const char *one = kind == CM_KIND_REGIONS ? "region" : "enterprise";
    json_t *rec = record_schema(kind);
    if (rec == NULL)
        return -1;
    char text[256];
    json_t *root = json_object();
    json_object_set_new(root, "$schema", json_string("https://json-schema.org/draft/2020-12/schema"));
    snprintf(text, sizeof text, "urn:capmatch:schema:%s:1", name);
    json_object_set_new(root, "$id", json_string(text));
    snprintf(text, sizeof text, "capmatch %s profiles, schema version 1", one);
    json_object_set_new(root, "title", json_string(text));
    json_object_set_new(root, "description", json_string(
        "A JSON file of profiles: an array of records, or an object whose one key names the "
        "kind. Codes are checked here by their form; capmatch validate also checks them "
        "against iso-codes (countries, subdivisions, currencies, languages) and ISIC Rev.4. "
        "Generated by `capmatch schema`; see capmatch-profiles(5)."));
    json_t *defs = json_object();
    json_object_set_new(defs, one, rec);
    json_object_set_new(root, "$defs", defs);
    snprintf(text, sizeof text, "#/$defs/%s", one);
    json_t *arr = json_pack("{s:s, s:{s:s}}", "type", "array", "items", "$ref", text);
    json_t *wrap = json_pack("{s:s, s:[s], s:b, s:{s:o}}", "type", "object", "required", name,
                             "additionalProperties", 0, "properties", name, json_copy(arr));
    json_object_set_new(root, "anyOf", json_pack("[o, o]", arr, wrap));
    int rc = json_dump_callback(root, dump_part, s, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 && !s->failed)
        return -1;
    put(s, "\n");
    return 0;
}

CM_API cm_status cm_schema_write(cm_kind kind, int json, cm_write_fn fn, void *ud)
{
    if ((kind != CM_KIND_REGIONS && kind != CM_KIND_ENTERPRISES) || fn == NULL) {
        return cmi_err_set(CM_EUSAGE, "cm_schema_write: give CM_KIND_REGIONS or CM_KIND_ENTERPRISES "
                                  "and a writer");
    }
    const field_def *f;
    for (size_t i = 0; (f = cmi_schema_field_at(i)) != NULL; i++)
        if (docs[f->id].type == NULL) {
            return cmi_err_set(CM_EINPUT, "cm_schema_write: field '%s' has no documentation",
                           f->path);
        }
    sink s = { fn, ud, 0 };
    if ((json ? write_json(kind, &s) : write_text(kind, &s)) != 0)
        return cmi_err_set(CM_ENOMEM, "cm_schema_write: out of memory");
    if (s.failed)
        return cmi_err_set(CM_EIO, "cm_schema_write: the writer failed");
    return CM_OK;
}

/* ---- values a policy compares with ---------------------------------------------- */

const char *cmi_schema_value_problem(const char *field, const char *value, char *buf, size_t n)
{
    const field_def *f = cmi_schema_field(0, field, strlen(field));
    if (f == NULL)
        f = cmi_schema_field(1, field, strlen(field));
    if (f == NULL || value == NULL)
        return NULL;          /* not a field of the schema (a derived value, attrs.X) */
    size_t len = strlen(value);
    int vocab = docs[f->id].vocab;
    if (vocab >= 0) {
        if (cmi_vocab_lookup(vocab, value, len) >= 0)
            return NULL;
        const char *near = cmi_vocab_nearest(vocab, value);
        snprintf(buf, n, "'%s' is never in %s: it is not %s%s%s%s", value, field,
                 cmi_vocab_expected(vocab), near ? "; did you mean '" : "", near ? near : "",
                 near ? "'?" : "");
        return buf;
    }
    switch (f->id) {
    case F_SECTOR: case F_SECTORS: case F_SECTORS_OFFERED: case F_SECTORS_SOUGHT:
        if (cmi_isic_lookup(value, len) != ISIC_NONE)
            return NULL;
        snprintf(buf, n, "'%s' is never in %s: it is not an ISIC Rev.4 code", value, field);
        return buf;
    case F_COUNTRY: case F_TARGETS:
        if (cmi_iso_country(value, len) != 0)
            return NULL;
        snprintf(buf, n, "'%s' is never in %s: it is not an ISO 3166-1 country code", value,
                 field);
        return buf;
    case F_LANGUAGES:
        if (cmi_iso_language(value, len) != 0)
            return NULL;
        snprintf(buf, n, "'%s' is never in %s: it is not a language code capmatch accepts "
                 "(ISO 639-1, else 639-2/3)", value, field);
        return buf;
    default:
        return NULL;
    }
}

int cmi_schema_field_vocab(const field_def *f)
{
    return f ? docs[f->id].vocab : -1;
}
