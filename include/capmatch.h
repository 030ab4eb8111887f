/*
 * capmatch.h - the public API of capmatch, an engine that matches
 * enterprises to partner regions.
 *
 * One header, opaque handles, one status enum whose numbers never change.
 * Every handle has a create/free pair; free(NULL) is a no-op. Functions that
 * fail return a cm_status and leave a message for cm_engine_errmsg().
 *
 * Thread safety: an engine is read-only once loading is finished; reading
 * (lookups, counts, field access) and matching from several threads at once
 * is safe, each thread with its own cm_policy. Loading into an engine while
 * another thread uses it is not. Error messages are kept per thread.
 */
#ifndef CAPMATCH_H
#define CAPMATCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define CM_API __attribute__((visibility("default")))
#else
#define CM_API
#endif

#define CAPMATCH_VERSION_MAJOR 0
#define CAPMATCH_VERSION_MINOR 1
#define CAPMATCH_VERSION_PATCH 0
#define CAPMATCH_VERSION "0.1.0"
/* major * 10000 + minor * 100 + patch */
#define CAPMATCH_VERSION_NUMBER 100

/* Run-time version, for programs that load the shared library. */
CM_API const char *cm_version(void);
CM_API int cm_version_number(void);

/* ---- status codes: the numbers are part of the ABI and never change ---- */
typedef enum cm_status {
    CM_OK = 0,
    CM_ENOMEM = 1,     /* out of memory; nothing was changed */
    CM_EIO = 2,        /* a file could not be opened, read or written */
    CM_EINPUT = 3,     /* invalid input (syntax or schema); see the diagnostics */
    CM_EUSAGE = 4,     /* an argument to the call is wrong */
    CM_ENOTFOUND = 5,  /* no such profile, field or code */
    CM_ELIMIT = 6,     /* a size or time limit was reached */
    CM_EDEPS = 7       /* a data dependency (iso-codes) is missing or broken */
} cm_status;

CM_API const char *cm_status_string(cm_status s);

/* ---- allocation ----------------------------------------------------------
 * Optional: replace the allocator for capmatch and the libraries it drives
 * (jansson). Call before creating any handle; pass NULL to restore malloc. */
typedef struct cm_allocator {
    void *(*malloc_fn)(size_t size, void *ud);
    void *(*realloc_fn)(void *ptr, size_t size, void *ud);
    void (*free_fn)(void *ptr, void *ud);
    void *ud;
} cm_allocator;

CM_API void cm_set_allocator(const cm_allocator *a);

/* ---- kinds, formats ------------------------------------------------------ */
typedef enum cm_kind {
    CM_KIND_AUTO = 0,         /* from the JSON wrapper key or the file name */
    CM_KIND_REGIONS = 1,
    CM_KIND_ENTERPRISES = 2
} cm_kind;

typedef enum cm_format {
    CM_FORMAT_AUTO = 0,       /* from the extension: .json .jsonl/.ndjson .csv */
    CM_FORMAT_JSON = 1,
    CM_FORMAT_JSONL = 2,
    CM_FORMAT_CSV = 3
} cm_format;

CM_API const char *cm_kind_name(cm_kind k);      /* "regions", "enterprises" */
CM_API const char *cm_format_name(cm_format f);  /* "json", "jsonl", "csv" */

/* ---- diagnostics -----------------------------------------------------------
 * Problems found while loading. A list collects every problem of a load, up
 * to the limit in cm_load_options.max_errors. */
typedef struct cm_diags cm_diags;

typedef struct cm_diag {
    const char *file;        /* as given to the load call */
    unsigned long line;      /* 1-based; 0 when not known */
    unsigned long column;    /* 1-based character column; 0 when not known */
    long record;             /* 1-based record index in the file; 0 when none */
    const char *id;          /* the record's id when known, else NULL */
    const char *field;       /* field path ("revenue.currency", "sectors[2]"), or NULL */
    const char *expected;    /* what was expected, or NULL */
    const char *found;       /* what was found, or NULL */
    const char *message;     /* the whole message, one line, ready to print */
} cm_diag;

CM_API cm_diags *cm_diags_new(void);
CM_API void cm_diags_free(cm_diags *d);
CM_API void cm_diags_clear(cm_diags *d);
CM_API size_t cm_diags_count(const cm_diags *d);
CM_API const cm_diag *cm_diags_at(const cm_diags *d, size_t i);
/* Number of problems not kept because the limit was reached. */
CM_API size_t cm_diags_dropped(const cm_diags *d);

/* ---- the engine: profiles, tables and settings --------------------------- */
typedef struct cm_engine cm_engine;

/* NULL when out of memory or when the iso-codes data cannot be read (the
 * reason is then in *status and, for iso-codes, printed by cm_last_error()). */
CM_API cm_engine *cm_engine_new(cm_status *status);
CM_API void cm_engine_free(cm_engine *e);
/* Message of the last failed call made by this thread ("" when none): each
 * thread has its own, so threads sharing an engine do not overwrite each
 * other's. */
CM_API const char *cm_engine_errmsg(const cm_engine *e);
/* Message for a failure where no engine exists (cm_engine_new). */
CM_API const char *cm_last_error(void);

typedef struct cm_load_options {
    cm_kind kind;              /* CM_KIND_AUTO */
    cm_format format;          /* CM_FORMAT_AUTO */
    int skip_invalid;          /* 0: any invalid record loads nothing */
    const char *rejects_path;  /* with skip_invalid: write rejected records here */
    unsigned max_errors;       /* problems kept per load; 0 = 100 */
    size_t max_record_bytes;   /* one record or line; 0 = 1 MiB */
    int duplicates;            /* CM_DUPLICATES_ERROR (default): an id loaded twice is
                                  an error naming both places; CM_DUPLICATES_KEEP_FIRST:
                                  the record is skipped, the profile loaded first wins
                                  (merging several sources of one kind) */
} cm_load_options;

enum { CM_DUPLICATES_ERROR = 0, CM_DUPLICATES_KEEP_FIRST = 1 };

CM_API void cm_load_options_init(cm_load_options *o);

/* Load one file of profiles. Either every record is added (CM_OK) or, in
 * strict mode, none is (CM_EINPUT, problems in diags). With skip_invalid the
 * valid records are added, the rejected ones written to rejects_path, and the
 * result is CM_OK with the problems still listed in diags. An id already
 * loaded from this or an earlier file is an error naming both places.
 * diags may be NULL. */
CM_API cm_status cm_engine_load_file(cm_engine *e, const char *path,
                                     const cm_load_options *o, cm_diags *diags);
/* The same from memory; name stands for the file in messages ("-" for stdin). */
CM_API cm_status cm_engine_load_buffer(cm_engine *e, const char *name,
                                       const void *data, size_t len,
                                       const cm_load_options *o, cm_diags *diags);

/* Replace the money rates table (see cm_engine_convert) from a CSV file. */
CM_API cm_status cm_engine_load_rates(cm_engine *e, const char *path);
CM_API const char *cm_engine_rates_date(const cm_engine *e);
CM_API const char *cm_engine_rates_source(const cm_engine *e);
CM_API const char *cm_engine_rates_reference(const cm_engine *e);
/* amount in currency `from` expressed in `to` (NULL: the reference currency). */
CM_API cm_status cm_engine_convert(const cm_engine *e, double amount,
                                   const char *from, const char *to, double *out);

/* ---- reading profiles ------------------------------------------------------
 * Profiles of a kind are numbered 0..count-1 in load order. */
CM_API size_t cm_engine_count(const cm_engine *e, cm_kind k);
/* Index of the profile with this id, or (size_t)-1. */
CM_API size_t cm_engine_find(const cm_engine *e, cm_kind k, const char *id);

typedef enum cm_value_type {
    CM_VALUE_NONE = 0,     /* field absent */
    CM_VALUE_STRING = 1,
    CM_VALUE_NUMBER = 2,
    CM_VALUE_BOOL = 3,
    CM_VALUE_LIST = 4      /* a list of strings: read items with cm_profile_item */
} cm_value_type;

typedef struct cm_value {
    cm_value_type type;
    const char *str;       /* STRING: NUL-terminated, owned by the engine */
    double num;            /* NUMBER */
    int boolean;           /* BOOL */
    size_t count;          /* LIST: number of items */
} cm_value;

/* A field by its SCHEMA.md path: "id", "country", "revenue.amount",
 * "location.lat", "connectivity.port", "sectors", or "attrs.NAME" for an
 * extra attribute. CM_ENOTFOUND for a path that is not a field of the kind;
 * an absent field is CM_OK with type CM_VALUE_NONE. */
CM_API cm_status cm_profile_get(const cm_engine *e, cm_kind k, size_t index,
                                const char *path, cm_value *out);
/* Item i of a list field, as a string (ISIC codes, vocabulary words, ...). */
CM_API cm_status cm_profile_item(const cm_engine *e, cm_kind k, size_t index,
                                 const char *path, size_t i, const char **out);
/* Names of the extra attributes of a profile, in the order they were read. */
CM_API size_t cm_profile_attr_count(const cm_engine *e, cm_kind k, size_t index);
CM_API const char *cm_profile_attr_name(const cm_engine *e, cm_kind k, size_t index,
                                        size_t i);
/* Where the profile came from: file, 1-based record index and line. */
CM_API const char *cm_profile_source(const cm_engine *e, cm_kind k, size_t index,
                                     long *record, unsigned long *line);

/* Memory the profiles of a kind take, in bytes: everything (structures,
 * lists, interned strings, indexes), and the part that is description text. */
CM_API size_t cm_engine_memory(const cm_engine *e, cm_kind k, size_t *text_bytes);


/* ---- policies --------------------------------------------------------------
 * A policy is a Lua file (see "Writing a policy" in the README and
 * capmatch-policy(5)): parameters, filters that veto pairs, weighted rules
 * scoring pairs in [0, 1], values derived once per profile. Loading runs it
 * in a sandbox and compiles every built-in scorer and regex; matching then
 * never parses or compiles. A policy belongs to the engine it was loaded for
 * and must be freed before it. */
typedef struct cm_policy cm_policy;

typedef struct cm_policy_options {
    const char *rules_path;       /* dirs for require, ':'-separated; NULL: beside the
                                     policy (DIR/lib, DIR), then the installed rules */
    const char *const *set;       /* "name=value" overrides of parameters, NULL-ended */
    size_t memory_limit;          /* bytes per Lua state; 0 = 64 MiB */
    long load_budget;             /* VM instructions to load; 0 = 10 million */
    long call_budget;             /* VM instructions per rule call; 0 = 1 million */
    int lint;                     /* keep declaration problems (unknown keys, bad
                                     weights) as findings instead of failing */
} cm_policy_options;

CM_API void cm_policy_options_init(cm_policy_options *o);
/* NULL on failure, with the reason ("FILE:LINE: ...") in cm_engine_errmsg(e). */
CM_API cm_policy *cm_policy_load(cm_engine *e, const char *path, const cm_policy_options *o);
CM_API void cm_policy_free(cm_policy *p);
CM_API const char *cm_policy_name(const cm_policy *p);
CM_API const char *cm_policy_description(const cm_policy *p);
CM_API const char *cm_policy_path(const cm_policy *p);
CM_API const char *cm_policy_sha256(const cm_policy *p);   /* of the file, hex */
CM_API size_t cm_policy_top(const cm_policy *p);
CM_API double cm_policy_min_score(const cm_policy *p);
CM_API size_t cm_policy_rule_count(const cm_policy *p);
/* 1 when the policy has region-side rules (its own view of enterprises). */
CM_API int cm_policy_has_region_view(const cm_policy *p);
CM_API const char *cm_policy_rule_name(const cm_policy *p, size_t i);
CM_API double cm_policy_rule_weight(const cm_policy *p, size_t i);
CM_API size_t cm_policy_param_count(const cm_policy *p);
CM_API const char *cm_policy_param_name(const cm_policy *p, size_t i);
/* The value as text, written into buf. */
CM_API const char *cm_policy_param_value(const cm_policy *p, size_t i, char *buf, size_t n);
/* 1 when the value came from cm_policy_options.set (--set). */
CM_API int cm_policy_param_is_set(const cm_policy *p, size_t i);
CM_API int cm_policy_rule_line(const cm_policy *p, size_t i);
CM_API size_t cm_policy_filter_count(const cm_policy *p);
CM_API const char *cm_policy_filter_name(const cm_policy *p, size_t i);
CM_API int cm_policy_filter_line(const cm_policy *p, size_t i);
/* With cm_policy_options.lint: the declaration problems found, with lines. */
CM_API size_t cm_policy_problem_count(const cm_policy *p);
CM_API const char *cm_policy_problem(const cm_policy *p, size_t i, int *line);
/* The policy file's text as loaded. */
CM_API const char *cm_policy_source(const cm_policy *p, size_t *len);

/* ---- matching ----------------------------------------------------------------
 * Thread safety: cm_match uses its own threads, one Lua state each. Several
 * threads may call cm_match, cm_match_one and cm_explain_pair on one engine
 * with *different* policies at once; one policy is used by one call at a
 * time (its own Lua state is not shared). */
typedef enum cm_on_error {
    CM_ON_ERROR_STOP = 0,         /* a rule that raises an error stops the run */
    CM_ON_ERROR_SKIP = 1          /* the rule scores 0 for that pair, reported */
} cm_on_error;

typedef struct cm_match_options {
    cm_kind by;                   /* ENTERPRISES: best regions of each enterprise;
                                     REGIONS: best enterprises of each region */
    size_t top;                   /* partners kept per profile; 0: the policy's */
    double min_score;             /* < 0: the policy's */
    int threads;                  /* 0: one per core */
    int explain;                  /* keep every rule's score and reason */
    cm_on_error on_error;
    unsigned shard_index, shard_count;   /* take every shard_count-th profile */
    void (*progress)(size_t done, size_t total, void *ud);
    void *progress_ud;
} cm_match_options;

typedef struct cm_match_row {
    const char *enterprise;       /* ids, owned by the engine */
    const char *region;
    double score;                 /* in [0, 1] */
    unsigned rank;                /* 1 = best, per enterprise (or per region) */
    int vetoed;                   /* cm_explain_pair: a filter rejected the pair */
    double region_score;          /* the region's view (rules with side = "region"),
                                     or the score when the policy has none; ranking
                                     by region goes by it */
} cm_match_row;

typedef struct cm_explain_item {
    const char *rule;
    const char *group;            /* or NULL */
    double score, weight, contribution;   /* contributions add up to the score */
    const char *reason;
    int error;                    /* the rule failed (--on-error=skip) */
    int region_side;              /* part of region_score, not of score */
} cm_explain_item;

typedef struct cm_filter_item {
    const char *filter;
    int pass;
    const char *reason;
    int error;
} cm_filter_item;

typedef struct cm_result cm_result;

CM_API void cm_match_options_init(cm_match_options *o);
CM_API cm_status cm_match(cm_engine *e, cm_policy *p, const cm_match_options *o,
                          cm_result **out);
/* The partners of one profile: kind names the side of id. */
CM_API cm_status cm_match_one(cm_engine *e, cm_policy *p, cm_kind kind, const char *id,
                              const cm_match_options *o, cm_result **out);
/* The full trace of one pair: every filter's verdict, every rule's score. */
CM_API cm_status cm_explain_pair(cm_engine *e, cm_policy *p, const char *enterprise,
                                 const char *region, cm_result **out);
CM_API void cm_result_free(cm_result *r);
/* Rows: by enterprise (or region) in load order, then by rank. */
CM_API size_t cm_result_count(const cm_result *r);
CM_API const cm_match_row *cm_result_row(const cm_result *r, size_t i);
CM_API size_t cm_result_rule_count(const cm_result *r);
/* Rule i of row `row`, in declaration order; NULL without explain. */
CM_API const cm_explain_item *cm_result_explain(const cm_result *r, size_t row, size_t i);
CM_API size_t cm_result_filter_count(const cm_result *r);
CM_API const cm_filter_item *cm_result_filter(const cm_result *r, size_t i);
/* Rule errors skipped with CM_ON_ERROR_SKIP: how many, and the first ones. */
CM_API size_t cm_result_error_count(const cm_result *r);
CM_API const char *cm_result_error(const cm_result *r, size_t i);
/* Pairs scored, and how many of them filters vetoed. */
CM_API size_t cm_result_pairs(const cm_result *r, size_t *vetoed);

/* ---- policy tests -----------------------------------------------------------
 * Tests that analysts write in Lua (suite { policy = ... }, case { regions,
 * enterprises, set, expect }); see capmatch-policy(5). Each case is reported
 * to fn as it finishes. */
typedef struct cm_test_event {
    const char *file;
    const char *name;             /* the case's name */
    int line;                     /* where the case is declared */
    int passed;
    const char *details;          /* what failed, one line each: expected against actual */
} cm_test_event;
typedef void (*cm_test_fn)(const cm_test_event *ev, void *ud);

/* Run the cases of one test file whose name contains pattern (NULL: all),
 * adding to *passed and *failed. CM_EINPUT when the file itself fails. */
CM_API cm_status cm_test_run_file(const char *path, const char *pattern, cm_test_fn fn,
                                  void *ud, size_t *passed, size_t *failed);

/* SHA-256 of a file, as 64 hex digits and a NUL (for provenance). */
CM_API cm_status cm_sha256_file(const char *path, char hex[65]);

/* ---- reference tables ------------------------------------------------------ */
/* ISIC Rev.4: title of a code, its parent code ("" for a section), its level
 * (0 section .. 3 class), and the hierarchy distance between two codes
 * (0 same code, 2 two classes of one group, ... 8 different sections).
 * NULL / -1 for an unknown code. */
CM_API const char *cm_isic_title(const char *code);
CM_API const char *cm_isic_parent(const char *code);
CM_API int cm_isic_level(const char *code);
CM_API int cm_isic_distance(const char *a, const char *b);
CM_API const char *cm_isic_section(const char *code);

#ifdef __cplusplus
}
#endif

#endif /* CAPMATCH_H */
