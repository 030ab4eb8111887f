/*
 * record.h - the profile schema of SCHEMA.md and the record builder that
 * validates one record's fields and turns them into a compact profile.
 *
 * Owns the field table (names, kinds, value shapes) and every field rule.
 * Loaders (load_json.c, load_csv.c) only turn their syntax into `val`s and
 * call cmi_rb_field()/cmi_rb_attr(); all validation and all schema messages live
 * here, so that JSON and CSV report the same problem the same way.
 */
#ifndef CM_RECORD_H
#define CM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "diag.h"

/* A value as a loader found it. */
typedef enum vtype { V_NULL, V_STRING, V_NUMBER, V_BOOL, V_LIST, V_OBJECT } vtype;

typedef struct val {
    vtype t;
    const char *s;            /* V_STRING: UTF-8, not necessarily NUL-terminated */
    size_t len;
    double num;               /* V_NUMBER */
    int is_int;               /* V_NUMBER written without fraction or exponent */
    int b;                    /* V_BOOL */
    const struct val *items;  /* V_LIST */
    size_t n;
} val;

/* How a CSV cell of the field is read. */
enum shape { SHAPE_STRING, SHAPE_NUMBER, SHAPE_BOOL, SHAPE_LIST, SHAPE_GROUP, SHAPE_ATTRS };

typedef struct field_def {
    const char *path;         /* "revenue.amount" */
    int id;                   /* enum field_id in record.c */
    unsigned kinds;           /* bit 0 regions, bit 1 enterprises */
    enum shape shape;
} field_def;

/* The field of a kind (0 regions, 1 enterprises) with this path, or NULL. */
const field_def *cmi_schema_field(int kind, const char *path, size_t len);
/* The i-th field of the table (regions' and enterprises', in SCHEMA.md
 * order), or NULL past the end. */
const field_def *cmi_schema_field_at(size_t i);
/* NULL when value can be a value (or item) of the schema field named field,
 * or field is no field of the schema; else a message in buf saying why not
 * ("'logistic' is not a word of needs ...; did you mean 'logistics'?").
 * schema.c. */
const char *cmi_schema_value_problem(const char *field, const char *value, char *buf, size_t n);
/* The vocabulary (enum vocab_id) of a field's words, or -1. schema.c. */
int cmi_schema_field_vocab(const field_def *f);
/* An id by the schema: 1-64 characters of A-Za-z0-9._:- (profiles, and the
 * parties of pairs files). */
int cmi_schema_valid_id(const char *s, size_t len);
/* The members a group accepts, for messages ("amount or currency"). */
const char *cmi_schema_group_members(int kind, const char *group);

/* Where records come from, shared by all records of one load. */
typedef struct load_ctx {
    store *st;
    int kind;                 /* 0 regions, 1 enterprises */
    const char *file;         /* name for messages */
    uint16_t file_index;      /* in store.files */
    cm_diags *diags;
    size_t errors;            /* problems found in this load */
    int keep_first;           /* a duplicate id is skipped, not an error */
    size_t skipped;           /* records skipped that way */
    int nomem;                /* an allocation failed: stop */
} load_ctx;

typedef struct rb rb;         /* a record being built */

rb *cmi_rb_new(load_ctx *ctx);
void cmi_rb_free(rb *b);

/* Start record `record` (1-based) at `line`. id is the raw id text when the
 * loader can see it up front (for messages), else NULL. */
void cmi_rb_begin(rb *b, long record, unsigned long line, const char *id, size_t id_len);
/* Set a known field; `path` is the path to print (may carry an index). */
void cmi_rb_field(rb *b, const field_def *f, const val *v);
/* The loader sees field f's text ahead of cmi_rb_field: start fetching what
 * setting it will need (the string index, for id). Optional. */
void cmi_rb_prefetch(rb *b, const field_def *f, const char *s, size_t len);
/* Set an extra attribute. */
void cmi_rb_attr(rb *b, const char *key, size_t key_len, const val *v);
/* Report a problem with the record that is not about one value. */
void cmi_rb_error(rb *b, const char *field, const char *expected, const char *found);
/* Report a problem with a field's value as given (it counts as present). */
void cmi_rb_field_error(rb *b, const field_def *f, const char *expected, const char *found);
/* Report a problem inside a group (unknown member): no follow-on errors. */
void cmi_rb_group_error(rb *b, const field_def *group, const char *path, const char *expected,
                    const char *found);
/* Finish: cross-field checks, id uniqueness, then store the profile.
 * Returns 1 stored, 0 invalid (problems reported, pools rolled back),
 * 2 skipped (an id already loaded, with keep_first), -1 out of memory. */
int cmi_rb_end(rb *b);
/* Problems reported for the current record so far. */
size_t cmi_rb_error_count(const rb *b);

/* Report a problem outside any record (syntax, header, file). */
void cmi_ctx_error(load_ctx *ctx, unsigned long line, unsigned long col, long record,
               const char *field, const char *expected, const char *found,
               const char *note);

enum field_id {
    F_ID, F_NAME, F_COUNTRY, F_SUBDIVISION, F_LOCATION, F_LAT, F_LON, F_LANGUAGES,
    F_ATTRS,
    /* regions */
    F_LEVEL, F_SECTORS_OFFERED, F_SECTORS_SOUGHT, F_RESOURCES, F_NEEDS, F_OFFERS,
    F_PROGRAMMES, F_COOPERATION, F_FUNDS, F_CONNECTIVITY, F_PORT, F_AIRPORT, F_RAIL,
    F_FLIGHTS, F_CAPACITY,
    /* enterprises */
    F_SECTOR, F_SECTORS, F_EMPLOYEES, F_REVENUE, F_REVENUE_AMOUNT, F_REVENUE_CURRENCY,
    F_ASSETS, F_ASSETS_AMOUNT, F_ASSETS_CURRENCY, F_CAPITAL, F_CAPITAL_AMOUNT,
    F_CAPITAL_CURRENCY, F_SUBSIDIARY, F_OWNERSHIP, F_LISTED, F_SEEKS, F_INVESTMENT,
    F_INV_MIN, F_INV_MAX, F_INV_CURRENCY, F_INSTRUMENTS, F_TARGETS, F_FUNDS_INTEREST,
    F_DESCRIPTION,
    F_COUNT
};

/* where a list read by cmi_record_read lives */
enum pool { POOL_ISIC, POOL_COUNTRY, POOL_LANGUAGE, POOL_PLACE, POOL_TAGS, POOL_VOCAB,
            POOL_ATTR_LIST };

/* what cmi_record_read found */
enum { T_NONE = 0, T_STRING = 1, T_NUMBER = 2, T_BOOL = 3, T_LIST = 4 };

struct field_read {
    int type;
    const char *str;
    double num;
    int boolean;
    uint32_t off;             /* lists */
    size_t count;
    int pool;                 /* enum pool below */
    uint32_t bits;
    int vocab;
    uint16_t code;            /* a code given as a string (country, sector): its id */
    int code_pool;            /* and the pool a list of such codes would use, or -1 */
};

/* Read field f of a profile (attrs: cmi_record_attr). -1 for a group field. */
int cmi_record_read(const store *s, int kind, const struct common *c, const field_def *f,
                struct field_read *o);
void cmi_record_attr(const store *s, const struct common *c, str_ref key, struct field_read *o);
/* Item i of a list read by cmi_record_read, as text. */
const char *cmi_record_list_item(const store *s, const struct field_read *o, size_t i);

/* Field access for the public API: by path, for one profile. */
int cmi_record_get(const store *s, int kind, size_t index, const char *path,
               int *type, const char **str, double *num, int *boolean, size_t *count);
int cmi_record_item(const store *s, int kind, size_t index, const char *path, size_t i,
                const char **out);


#endif
