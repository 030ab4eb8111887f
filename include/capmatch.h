/*
 * capmatch.h - the public API of capmatch, an engine that matches
 * enterprises to partner regions.
 *
 * One header, opaque handles, one status enum whose numbers never change.
 * Every handle has a create/free pair; free(NULL) is a no-op. Everything
 * here is cm_ (or CM_); the library's own functions are cmi_ and hidden.
 *
 * Errors, one rule for the whole API: a call that can fail returns a
 * cm_status (a constructor returns NULL, and the status through its
 * cm_status * argument when it has one). A failed call leaves a one-line
 * message saying what and where for the calling thread, kept until that
 * thread's next failing call: cm_last_error(). cm_engine_errmsg(),
 * cm_pairs_errmsg() and cm_feeds_errmsg() return that same message; they
 * never write to the handle, so threads sharing a handle (even a const one)
 * never race on it. A few successful calls leave a notice the same way
 * (cm_feeds_rollback, cm_feeds_load_into with feeds missing, a load with
 * skip_invalid that rejected records).
 *
 * Ownership: a string the library returns belongs to the handle it came
 * from and stays valid until that handle is freed, unless its function says
 * sooner ("until the next call on f"); messages belong to the thread and
 * stay valid until its next call into capmatch; static strings (names of
 * statuses, kinds, formats, versions) live forever. Strings passed in are
 * copied when they are kept; the caller never frees what the library returns
 * except through the matching *_free function.
 *
 * Thread safety: an engine is read-only once loading is finished; reading
 * (lookups, counts, field access) and matching from several threads at once
 * is safe, each thread with its own cm_policy. Loading into an engine while
 * another thread uses it is not. Error messages are kept per thread.
 */
#ifndef CAPMATCH_H
#define CAPMATCH_H

#include <stddef.h>
#include <stdio.h>

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
    CM_EDEPS = 7,      /* a data dependency (iso-codes) is missing or broken */
    CM_ECANCELED = 8   /* the caller asked a running call to stop (cm_match_options.stop) */
} cm_status;

CM_API const char *cm_status_string(cm_status s);

/* Output sink for writers: 0 on success, nonzero stops the writer (CM_EIO). */
typedef int (*cm_write_fn)(const char *data, size_t len, void *ud);

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

/* ---- the profile schema ------------------------------------------------------
 * The schema of a kind's profiles (version 1), made from the tables the
 * validator uses: json 0 gives the text `capmatch schema` prints (every field
 * with its type, unit, rule and words), json 1 a JSON Schema (draft 2020-12)
 * of a JSON file of that kind. CM_EUSAGE for CM_KIND_AUTO, CM_EIO when fn
 * fails. */
CM_API cm_status cm_schema_write(cm_kind kind, int json, cm_write_fn fn, void *ud);

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
/* This thread's message (see "Errors" above; "" when none). */
CM_API const char *cm_engine_errmsg(const cm_engine *e);
/* The same, where no handle exists (cm_engine_new, cm_output_open, ...). */
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

/* The same from an open file descriptor (standard input, a pipe), read in
 * bounded chunks to its end; name stands for it in messages. fd stays open. */
CM_API cm_status cm_engine_load_fd(cm_engine *e, const char *name, int fd,
                                   const cm_load_options *o, cm_diags *diags);

/* Load capmatch's built-in sample profiles (3 regions, 4 enterprises that
 * give every field a value somewhere and leave each optional one out
 * somewhere; ids "sample-region-*", "sample-enterprise-*"), to run a
 * policy's rules without data (capmatch check). */
CM_API cm_status cm_engine_load_samples(cm_engine *e, cm_diags *diags);

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
/* The same from memory: name stands for the file in messages and provenance,
 * and modules are looked up beside it as beside a file. data is copied.
 * Thread safety: as cm_policy_load (e is only read; several threads may load
 * policies for one engine at once). */
CM_API cm_policy *cm_policy_load_buffer(cm_engine *e, const char *name, const char *data,
                                        size_t len, const cm_policy_options *o);
CM_API void cm_policy_free(cm_policy *p);
/* Compute now what the policy computes per profile (derived values, the
 * columns and classes of built-ins and memoised rules) and per side (the id
 * order ties break by, the index of the first filter, the class caches of
 * built-ins), on up to `threads` threads (0: one per core), instead of in
 * the first match. The policy keeps them from one match to the next until
 * the engine's profiles change, so that matching one profile costs only its
 * own pairs. CM_EINPUT when
 * a derive fails (message as for cm_match). Thread safety: as cm_match. */
CM_API cm_status cm_policy_prepare(cm_policy *p, int threads);
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
/* The file a rule, filter or problem was declared in: the policy's, or a
 * module of rules it required. */
CM_API const char *cm_policy_rule_file(const cm_policy *p, size_t i);
CM_API const char *cm_policy_filter_file(const cm_policy *p, size_t i);
CM_API const char *cm_policy_problem_file(const cm_policy *p, size_t i);
CM_API size_t cm_policy_filter_count(const cm_policy *p);
CM_API const char *cm_policy_filter_name(const cm_policy *p, size_t i);
CM_API int cm_policy_filter_line(const cm_policy *p, size_t i);
/* With cm_policy_options.lint: the declaration problems found, with lines. */
CM_API size_t cm_policy_problem_count(const cm_policy *p);
CM_API const char *cm_policy_problem(const cm_policy *p, size_t i, int *line);
/* Problem i's cm_lint_severity: CM_LINT_ERROR for a wrong declaration,
 * CM_LINT_WARNING for a note (an inconsistent AHP matrix, cost = true
 * without a decision method). */
CM_API int cm_policy_problem_severity(const cm_policy *p, size_t i);
/* The policy file's text as loaded. */
CM_API const char *cm_policy_source(const cm_policy *p, size_t *len);

/* ---- policy lint -------------------------------------------------------------
 * What is wrong with a policy beyond what stops it loading: the declaration
 * problems of a load with cm_policy_options.lint, parameters declared and
 * never used, and, when the engine holds regions and enterprises, rules
 * whose score is the same on every pair that passes the filters, memoised
 * rules whose uses does not match what they read (cm_policy_check_uses),
 * filters that reject every pair, and rule errors. Each finding goes to fn as it is
 * found (its strings are valid during the call); *count (may be NULL) gets
 * how many. CM_ENOMEM when it could not finish. */
typedef enum cm_lint_severity {
    CM_LINT_ERROR = 1,            /* the policy is wrong: a rule that never fires, a
                                     name or value that does not exist, a rule error */
    CM_LINT_WARNING = 2           /* worth a look: unused parameters, rules that never
                                     vary, filters that reject every pair */
} cm_lint_severity;
typedef struct cm_lint_finding {
    const char *file;             /* the policy's file or a module it required */
    int line;                     /* 0 when the finding is about the whole file */
    const char *message;
    int severity;                 /* cm_lint_severity */
} cm_lint_finding;
typedef void (*cm_lint_fn)(const cm_lint_finding *f, void *ud);
CM_API cm_status cm_policy_lint(cm_engine *e, cm_policy *p, cm_lint_fn fn, void *ud,
                                size_t *count);
/* The same with flags: CM_LINT_SAMPLE_DATA says the engine holds only
 * sample profiles (cm_engine_load_samples): the rules are traced on them for
 * errors (fields that do not exist) and uses, but no finding is drawn from
 * how they score there. Besides, every lint checks the literal arguments of
 * has(...) and within(...) calls in the policy's source against the schema's
 * vocabularies and codes. */
enum { CM_LINT_SAMPLE_DATA = 1u };
CM_API cm_status cm_policy_lint_ex(cm_engine *e, cm_policy *p, unsigned flags, cm_lint_fn fn,
                                   void *ud, size_t *count);

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
    int no_prune;                 /* score every rule of every pair (the results are the
                                     same; pruning only skips rules of pairs that cannot
                                     enter the top k) */
    int diversity;                /* region lists (by REGIONS) only: 0 the policy's
                                     diversity = { ... } if it declares one, 1 on (the
                                     policy's, else by = { "group", "offers" }), -1 off */
    int stats;                    /* gather rule and filter statistics (cm_result_rule_stats);
                                     implies no_prune, so that every pair that passes the
                                     filters is scored in full and counted */
    int (*stop)(size_t done, size_t total, void *ud);
                                  /* called with progress_ud by the calling thread, as
                                     progress is (after a profile is done, about five
                                     times a second); nonzero stops the match as soon as
                                     the profiles under way are done: CM_ECANCELED, no
                                     result. NULL: never stops */
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
    unsigned score_rank;          /* the rank by score alone (differs from rank when
                                     diversity re-ranked the list) */
    const char *diversity;        /* why diversity moved it, or NULL */
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

/* Statistics of a run with cm_match_options.stats. Rules: over the pairs
 * that passed every filter, each scored by every rule (no pruning): how
 * often the rule fired (scored above 0), its least, quartiles (to the
 * nearest 0.001, nearest rank), median, greatest and mean score, the share
 * of pairs it scored 0, and its share of the sum of the final scores of its
 * side (the score, or the region's view for side = "region" rules): the sum
 * of its contributions over that sum. Filters run cheapest first (built-ins,
 * then Lua) and stop at the first veto: checked counts the pairs a filter
 * was asked about, vetoed those it rejected (a filter that fails rejects).
 * The same for any number of threads. */
typedef struct cm_rule_stats {
    const char *name;
    int region_side;
    double weight;
    size_t scored, fired;
    double min, q1, median, q3, max, mean;
    double zeros;                 /* share of the scored pairs it scored 0 */
    double share;                 /* of the sum of its side's final scores */
} cm_rule_stats;
typedef struct cm_filter_stats {
    const char *name;
    size_t checked, vetoed;
} cm_filter_stats;

CM_API void cm_match_options_init(cm_match_options *o);
CM_API cm_status cm_match(cm_engine *e, cm_policy *p, const cm_match_options *o,
                          cm_result **out);
/* The partners of one profile: kind names the side of id. */
CM_API cm_status cm_match_one(cm_engine *e, cm_policy *p, cm_kind kind, const char *id,
                              const cm_match_options *o, cm_result **out);
/* The full trace of one pair: every filter's verdict, every rule's score. */
CM_API cm_status cm_explain_pair(cm_engine *e, cm_policy *p, const char *enterprise,
                                 const char *region, cm_result **out);

/* ---- one profile at a time -------------------------------------------------
 * A profile given as JSON text (one object, the schema of a record of a
 * file) is validated exactly as a record of a file is, with the same
 * messages; name stands for the file in them ("-" when NULL). When the text
 * spans several lines the first line's columns count one further.
 *
 * Add a profile, or replace the one loaded with its id, in place (the order
 * of the others stays). id, when given, is the id it must have. A bad
 * profile changes nothing (CM_EINPUT, problems in diags, may be NULL);
 * *replaced (may be NULL) says whether one was replaced. Remove takes a
 * profile out (CM_ENOTFOUND when there is none); the ones after it move
 * down by one. Policies of e see the change on their next call (they compute
 * their per-profile values again).
 * Thread safety: these change e: no other thread may use e or its policies
 * during the call (build a new engine and publish a snapshot instead, see
 * cm_snapshot below). */
CM_API cm_status cm_engine_put_profile(cm_engine *e, cm_kind kind, const char *id,
                                       const char *name, const char *json, size_t len,
                                       cm_diags *diags, int *replaced);
CM_API cm_status cm_engine_remove_profile(cm_engine *e, cm_kind kind, const char *id);

/* Rank the loaded partners of a profile that is not loaded (kind names its
 * side): as cm_match_one would if it were loaded; the engine is as it was
 * when the call returns. Its id must not be one that is loaded.
 * Thread safety: the profile stays in e for the length of the call: no
 * other thread may use e meanwhile (cm_snapshot_lock with exclusive). */
CM_API cm_status cm_match_profile(cm_engine *e, cm_policy *p, cm_kind kind, const char *name,
                                  const char *json, size_t len, const cm_match_options *o,
                                  cm_diags *diags, cm_result **out);
/* cm_explain_pair where each side is a loaded id (its json NULL) or a
 * profile given as JSON (its id NULL). Thread safety: as cm_match_profile
 * when a profile is given, else as cm_explain_pair. */
CM_API cm_status cm_explain_profiles(cm_engine *e, cm_policy *p, const char *enterprise,
                                     const char *enterprise_json, size_t enterprise_len,
                                     const char *region, const char *region_json,
                                     size_t region_len, cm_diags *diags, cm_result **out);

/* ---- what if: counterfactual explanations --------------------------------------
 * The smallest changes to an enterprise's and/or a region's profile that
 * would make their pair pass every filter, reach a rank in the enterprise's
 * list, or reach a score. Changes are drawn from the schema: an item added
 * to or removed from a list field (words of its vocabulary; ISIC codes,
 * countries, languages, resources and places seen in the loaded profiles),
 * a boolean set, a number field moved just across a value where the pair's
 * verdicts, rule scores or rank change (found by probing the real policy:
 * a grid around the value, the numbers written in the policy's files, then
 * bisection to the exact integer, or to the roundest number, at the edge).
 * Never changed: id, name and country, subdivision, location, sector (the
 * primary), currencies, description, attrs, and every field named in fixed. Every candidate is
 * scored through the policy on the engine (the profile put in place of the
 * loaded one), so each answer is true of the policy, not an estimate.
 * Single changes are tried exhaustively; combinations of up to max_changes
 * best first (the singles that bring the pair closest first), within a
 * budget of evaluations. An answer is minimal: no part of it reaches the
 * target alone. Answers come smallest first, then best result first.
 * Thread safety: as cm_match_profile (the engine is changed during the call
 * and holds the same profiles in the same places when it returns; as with
 * cm_engine_put_profile, its strings may have moved: the ids of results
 * made before the call must not be read after it). */
typedef enum cm_whatif_target {
    CM_WHATIF_RANK = 0,           /* rank <= rank (0: the policy's top) */
    CM_WHATIF_PASS = 1,           /* pass every filter */
    CM_WHATIF_SCORE = 2           /* pass and score >= score */
} cm_whatif_target;

enum { CM_WHATIF_ENTERPRISE = 1, CM_WHATIF_REGION = 2 };   /* cm_whatif_options.sides */

typedef struct cm_whatif_options {
    cm_whatif_target target;
    size_t rank;                  /* CM_WHATIF_RANK: 0 the policy's top */
    double score;                 /* CM_WHATIF_SCORE */
    unsigned sides;               /* CM_WHATIF_ENTERPRISE | CM_WHATIF_REGION (default both) */
    unsigned max_changes;         /* changes per answer; 0: 2 */
    const char *const *fixed;     /* "enterprise.employees", "region.needs", NULL-ended
                                     (id, name and country are always fixed) */
    size_t max_answers;           /* kept; 0: every one found */
    size_t budget;                /* evaluations of combinations; 0: 2000 */
} cm_whatif_options;

typedef enum cm_change_op {
    CM_CHANGE_ADD = 1,            /* item added to a list */
    CM_CHANGE_REMOVE = 2,         /* item taken out of a list */
    CM_CHANGE_SET = 3             /* a number or a boolean set */
} cm_change_op;

typedef struct cm_change {
    cm_kind side;                 /* whose profile */
    const char *field;            /* schema path: "target_countries", "employees" */
    cm_change_op op;
    const char *value;            /* the item, or the new value as JSON text */
    const char *old;              /* SET: the value before as JSON text, or NULL (absent) */
    const char *text;             /* "enterprise.target_countries += PH" */
} cm_change;

typedef struct cm_whatif_move {   /* a rule or filter that moved */
    const char *name;
    int filter;                   /* 1: a filter (before/after 1 pass, 0 veto) */
    int region_side;              /* a rule of the region's view */
    double before, after;         /* scores (or verdicts) */
    double contribution_before, contribution_after;
    const char *reason;           /* the reason after the change */
} cm_whatif_move;

typedef struct cm_whatif_answer {
    size_t nchanges;
    const cm_change *changes;
    double score, region_score;
    unsigned rank;                /* in the enterprise's list; 0 when not ranked */
    int vetoed;
    size_t nmoves;
    const cm_whatif_move *moves;  /* by how much they moved, most first */
} cm_whatif_answer;

typedef struct cm_whatif cm_whatif;

CM_API void cm_whatif_options_init(cm_whatif_options *o);
/* CM_ENOTFOUND for an unknown id, CM_EUSAGE for a bad option (a fixed path
 * that is no field), CM_EINPUT for a rule error. */
CM_API cm_status cm_whatif_run(cm_engine *e, cm_policy *p, const char *enterprise,
                               const char *region, const cm_whatif_options *o,
                               cm_whatif **out);
CM_API void cm_whatif_free(cm_whatif *w);
/* The pair as it is (no changes), the target as a text ("rank <= 5"), and
 * whether the pair already meets it. */
CM_API const cm_whatif_answer *cm_whatif_now(const cm_whatif *w);
CM_API const char *cm_whatif_target_text(const cm_whatif *w);
CM_API int cm_whatif_met(const cm_whatif *w);
CM_API size_t cm_whatif_count(const cm_whatif *w);
CM_API const cm_whatif_answer *cm_whatif_answer_at(const cm_whatif *w, size_t i);
/* Single changes tried, evaluations in all, and whether the search of
 * combinations stopped at the budget. */
CM_API size_t cm_whatif_candidates(const cm_whatif *w);
CM_API size_t cm_whatif_evaluations(const cm_whatif *w);
CM_API int cm_whatif_exhausted(const cm_whatif *w);
/* The answers as text (as capmatch whatif prints them) or as one JSON
 * object (json 1). */
CM_API cm_status cm_whatif_write(const cm_whatif *w, int json, cm_write_fn fn, void *ud);

/* ---- diff: what changed between two rankings -----------------------------------
 * Two match results made the same way (--by, --top) from two policies or two
 * data sets, or two files of capmatch match --format jsonl: which pairs
 * entered or left a profile's top k, which moved rank, which kept their rank
 * with another score, and the rules whose contributions changed (matched by
 * name), with the reasons before and after. Side 0 is before, side 1 after.
 * The cost is a sort of each side's rows and a merge; pairs one side did not
 * keep can be traced through that side's policy (cm_diff_explain_missing),
 * one cm_explain_pair per such pair. Pairs are listed by the ranked side's
 * id, then the partner's. */
typedef struct cm_diff cm_diff;

typedef enum cm_diff_kind {
    CM_DIFF_ENTERED = 1,          /* in the after top k only */
    CM_DIFF_LEFT = 2,             /* in the before top k only */
    CM_DIFF_MOVED = 3,            /* in both, at another rank */
    CM_DIFF_RESCORED = 4          /* in both, same rank, another score */
} cm_diff_kind;

typedef struct cm_diff_rule {
    const char *rule;
    double score_before, score_after;             /* NaN: no such rule, or not known */
    double contribution_before, contribution_after;
    const char *reason_before, *reason_after;     /* or NULL */
} cm_diff_rule;

typedef struct cm_diff_pair {
    cm_diff_kind kind;
    const char *enterprise, *region;
    unsigned rank_before, rank_after;             /* 0: not in that top k */
    double score_before, score_after;             /* of the ranked side; NaN: not known */
    int vetoed_before, vetoed_after;              /* traced, and a filter vetoed it */
    size_t nrules;
    const cm_diff_rule *rules;                    /* largest change of contribution first */
} cm_diff_pair;

typedef struct cm_diff_totals {
    size_t pairs_before, pairs_after;
    size_t entered, left, moved, rescored;
    size_t profiles, profiles_changed;            /* of the ranked side, in either result */
    cm_kind by;
    size_t top;
} cm_diff_totals;

enum { CM_DIFF_TEXT = 0, CM_DIFF_JSON = 1, CM_DIFF_HTML = 2 };   /* cm_diff_write formats */

CM_API cm_diff *cm_diff_new(void);
CM_API void cm_diff_free(cm_diff *d);
/* A side from a result (explain kept for the rules); by and top as it was
 * made; name (may be NULL) says what it is in the output. */
CM_API cm_status cm_diff_add_result(cm_diff *d, int which, const cm_result *r, cm_kind by,
                                    size_t top, const char *name);
/* A side from a file of capmatch match --format jsonl (CM_EINPUT naming
 * the file and line for anything else). */
CM_API cm_status cm_diff_load_file(cm_diff *d, int which, const char *path);
/* Compare; CM_EINPUT when the sides were not made the same way (--by, --top). */
CM_API cm_status cm_diff_compute(cm_diff *d);
/* Trace the pairs that side `which` did not keep through e and p (that
 * side's engine and policy), for their score and rules there. */
CM_API cm_status cm_diff_explain_missing(cm_diff *d, int which, cm_engine *e, cm_policy *p);
CM_API size_t cm_diff_count(const cm_diff *d);
CM_API const cm_diff_pair *cm_diff_pair_at(const cm_diff *d, size_t i);
CM_API void cm_diff_summary(const cm_diff *d, cm_diff_totals *t);
/* 1 when any pair entered, left, moved or changed score. */
CM_API int cm_diff_changed(const cm_diff *d);
/* A summary, then the details: CM_DIFF_TEXT, CM_DIFF_JSON or CM_DIFF_HTML
 * (a fragment: the section cm_report_add_diff puts in a report). */
CM_API cm_status cm_diff_write(const cm_diff *d, int format, cm_write_fn fn, void *ud);

/* ---- snapshots ----------------------------------------------------------------
 * For a long-running service: an engine and the policies loaded for it, held
 * together and counted. Readers take the current snapshot for the length of
 * a request; a writer builds a new engine and policies (never touching the
 * ones in use) and publishes them; the old snapshot is freed when its last
 * reader lets go. Each policy of a snapshot serves one request at a time;
 * give as many as requests may run at once.
 * Thread safety: every call below may be made from any thread at once. */
typedef struct cm_snapshot cm_snapshot;
typedef struct cm_current cm_current;

/* Takes e and the n policies (all loaded for e, n >= 1) with one reference
 * held by the caller, and prepares each (cm_policy_prepare), so that no
 * request pays for it; on failure (NULL, the reason in cm_last_error()) they
 * are freed. */
CM_API cm_snapshot *cm_snapshot_new(cm_engine *e, cm_policy *const *policies, size_t n,
                                    cm_status *status);
/* Another copy of the same profiles (an engine loaded from the same sources,
 * and changed the same way) with policies of its own, taken as
 * cm_snapshot_new takes them (freed on failure). A call with exclusive use
 * has a copy to itself, so k copies serve k such calls at once (portal
 * visitors) at the memory of k engines; shared calls use any copy. Add
 * copies before publishing. copies says how many a snapshot holds. */
CM_API cm_status cm_snapshot_add_copy(cm_snapshot *s, cm_engine *e, cm_policy *const *policies,
                                      size_t n);
CM_API size_t cm_snapshot_copies(const cm_snapshot *s);
CM_API cm_snapshot *cm_snapshot_retain(cm_snapshot *s);
/* Let go of a reference; the last one frees the policies, then the engine. */
CM_API void cm_snapshot_release(cm_snapshot *s);
/* For reading only (counts, lookups, provenance): the first copy's engine,
 * safe to read while no call with exclusive use may run (else read the
 * engine cm_snapshot_lock gives); the policy's name, path, hash and source
 * never change and may be read at any time. */
CM_API const cm_engine *cm_snapshot_engine(const cm_snapshot *s);
CM_API const cm_policy *cm_snapshot_policy(const cm_snapshot *s);
/* The embedder's own data about a snapshot (its serial number, when it was
 * made ...), freed with free_fn (may be NULL) when the snapshot is. Set it
 * before publishing. */
CM_API void cm_snapshot_set_userdata(cm_snapshot *s, void *ud, void (*free_fn)(void *));
CM_API void *cm_snapshot_userdata(const cm_snapshot *s);
/* Use an engine with a policy of its own for one call: shared (cm_match_one,
 * cm_explain_pair, reading) or exclusive (cm_match_profile and
 * cm_explain_profiles with a profile given, cm_whatif_run); waits until a
 * policy, and for exclusive use a copy no other call uses, is free. */
CM_API cm_policy *cm_snapshot_lock(cm_snapshot *s, int exclusive, cm_engine **e);
CM_API void cm_snapshot_unlock(cm_snapshot *s, cm_policy *p);

/* The published snapshot: NULL until the first publish. get returns it
 * retained (release it when done); publish takes the caller's reference and
 * lets go of the one it replaces. */
CM_API cm_current *cm_current_new(void);
CM_API void cm_current_free(cm_current *c);
CM_API cm_snapshot *cm_current_get(cm_current *c);
CM_API void cm_current_publish(cm_current *c, cm_snapshot *s);

/* A result owns everything it points to: it may outlive its policy. */
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
/* With cm_match_options.stats (else NULL / 0): rule i (declaration order),
 * filter i, and the pairs scored in full. Valid until the result is freed. */
CM_API const cm_rule_stats *cm_result_rule_stats(const cm_result *r, size_t i);
CM_API const cm_filter_stats *cm_result_filter_stats(const cm_result *r, size_t i);
CM_API size_t cm_result_scored(const cm_result *r);
CM_API size_t cm_result_error_count(const cm_result *r);
CM_API const char *cm_result_error(const cm_result *r, size_t i);
/* Pairs scored, and how many of them filters vetoed. */
CM_API size_t cm_result_pairs(const cm_result *r, size_t *vetoed);
/* Verify the `uses` of memoised rules and filters on the loaded profiles:
 * each is run on up to max_pairs pairs with every read recorded, and
 * finding() is called for a field read but not listed (its memoised scores
 * would be wrong) and for one listed but never read (it only splits the
 * memo). Returns the number of findings. */
CM_API size_t cm_policy_check_uses(cm_engine *e, cm_policy *p, size_t max_pairs,
                                   void (*finding)(const char *file, int line, const char *msg,
                                                   void *ud),
                                   void *ud);
/* Pairs left before their last rules once they could no longer enter a top k
 * (counted in cm_result_pairs; 0 with no_prune). */
CM_API size_t cm_result_pruned(const cm_result *r);

/* ---- decision methods (MCDA) -------------------------------------------------
 * Multi-criteria decision methods over a decision matrix (alternatives x
 * criteria): the weighted sum (WSM), TOPSIS (closeness to an ideal point),
 * PROMETHEE II (net outranking flows) and AHP (weights from a pairwise
 * comparison matrix, with Saaty's consistency ratio). Pure computation: no
 * engine, no state; the policy aggregate (policy { aggregate = ... }) and
 * capmatch mcda use the same functions. See capmatch-mcda(1). */
typedef enum cm_mcda_method {
    CM_MCDA_WSM = 0,
    CM_MCDA_TOPSIS = 1,
    CM_MCDA_PROMETHEE2 = 2,
    CM_MCDA_AHP = 3
} cm_mcda_method;

typedef enum cm_mcda_norm {
    CM_NORM_DEFAULT = 0,          /* the method's: vector for TOPSIS, none otherwise */
    CM_NORM_NONE = 1,             /* the values as given */
    CM_NORM_VECTOR = 2,           /* x / sqrt(sum of x^2) over the column */
    CM_NORM_MINMAX = 3,           /* (x - min) / (max - min); cost: (max - x) / (max - min) */
    CM_NORM_SUM = 4,              /* x / sum of x */
    CM_NORM_MAX = 5               /* x / max; cost (WSM): min / x */
} cm_mcda_norm;

typedef enum cm_pref_kind {       /* PROMETHEE preference functions of a difference d */
    CM_PREF_USUAL = 0,            /* 1 when d > 0 */
    CM_PREF_USHAPE = 1,           /* 1 when d > q */
    CM_PREF_VSHAPE = 2,           /* d / p, 1 from p */
    CM_PREF_LEVEL = 3,            /* 0 up to q, 1/2 up to p, then 1 */
    CM_PREF_LINEAR = 4,           /* 0 up to q, (d - q) / (p - q) up to p, then 1 */
    CM_PREF_GAUSSIAN = 5          /* 1 - exp(-d^2 / 2s^2) */
} cm_pref_kind;

typedef struct cm_mcda_pref {
    cm_pref_kind kind;
    double q, p, s;               /* indifference, preference thresholds; gaussian s */
} cm_mcda_pref;

typedef struct cm_mcda_problem {
    size_t alternatives, criteria;
    const double *matrix;         /* alternatives x criteria, row by row */
    const double *weights;        /* one per criterion, >= 0, not all 0 */
    const int *types;             /* +1 benefit, -1 cost; NULL: all benefit */
    cm_mcda_norm normalisation;
    const cm_mcda_pref *preference;   /* PROMETHEE: one per criterion; NULL: usual */
    int normalise_weights;        /* WSM: divide the weights by their sum */
} cm_mcda_problem;

/* What a method saw, for explanations; every pointer may be NULL, else
 * points to room for the counts given. */
typedef struct cm_mcda_detail {
    double *weighted;             /* alternatives x criteria: the weighted normalised
                                     values (TOPSIS, WSM) */
    double *ideal, *anti_ideal;   /* TOPSIS: criteria; the weighted ideal and anti-ideal */
    double *d_ideal, *d_anti;     /* TOPSIS: alternatives; their distances */
    double *plus, *minus;         /* PROMETHEE II: alternatives; leaving, entering flow */
    double *criterion_flows;      /* PROMETHEE II: alternatives x criteria; each criterion's
                                     own net flow, so that the net flow is the sum of
                                     weight x criterion flow (weights scaled to sum 1) */
} cm_mcda_detail;

/* Scores of WSM, TOPSIS (closeness in [0, 1]) or PROMETHEE II (net flow in
 * [-1, 1], divided by n - 1), in input order, into scores[alternatives].
 * CM_EINPUT with a message naming the value ("matrix[1][2]", "weights[0]",
 * "preference[3]") for a problem the method cannot take. */
CM_API cm_status cm_mcda_scores(cm_mcda_method m, const cm_mcda_problem *pb, double *scores,
                                cm_mcda_detail *detail);

typedef struct cm_ahp_result {
    double lambda_max;            /* principal eigenvalue */
    double ci;                    /* (lambda_max - n) / (n - 1); 0 for n <= 2 */
    double ri;                    /* Saaty's random index for n */
    double cr;                    /* ci / ri; 0 for n <= 2 */
    int consistent;               /* cr <= 0.10 */
} cm_ahp_result;

/* AHP: the principal eigenvector of a positive reciprocal n x n matrix (row
 * by row; n from 1 to 15), summing to 1, into weights[n]. CM_EINPUT naming
 * the entry for a non-positive, non-finite or non-reciprocal entry or a
 * diagonal other than 1 (reciprocals within 1%: 0.333 for 1/3 is taken). */
CM_API cm_status cm_mcda_ahp(const double *matrix, size_t n, double *weights,
                             cm_ahp_result *out);

/* A case file for capmatch mcda (JSON: matrix, weights, types,
 * normalisation, preference, alternatives, criteria, normalise_weights),
 * read and checked for method m. NULL with the reason ("FILE: KEY...: ...",
 * or FILE:LINE:COLUMN for a syntax error) in cm_last_error(); *status (may
 * be NULL) says CM_EIO, CM_EINPUT or CM_ENOMEM. */
typedef struct cm_mcda_case cm_mcda_case;
CM_API cm_mcda_case *cm_mcda_case_load(const char *path, cm_mcda_method m, cm_status *status);
CM_API void cm_mcda_case_free(cm_mcda_case *c);
/* The problem as read (valid while c lives). For AHP, matrix is the n x n
 * comparison matrix (alternatives = criteria = n). */
CM_API const cm_mcda_problem *cm_mcda_case_problem(const cm_mcda_case *c);
/* Names of alternatives and criteria as given, or NULL (then A1, C1 ...). */
CM_API const char *cm_mcda_case_name(const cm_mcda_case *c, int criterion, size_t i);
/* "topsis" and back; -1 for an unknown name. */
CM_API const char *cm_mcda_method_name(cm_mcda_method m);
CM_API int cm_mcda_method_parse(const char *name);

/* ---- weight sensitivity ------------------------------------------------------
 * How far a rule's weight can move before a kept pair changes place. Under
 * the weighted mean, two pairs of one profile swap at the one factor f
 * where weight x f makes their scores equal (the denominator is shared):
 * the pair holds its rank for every factor strictly between down and up.
 * Only the kept pairs of the row's profile (its top k) are compared, and
 * only rules of the ranking side (by: as the result was made) move it. */
typedef struct cm_sensitivity {
    const char *rule;
    double down;                  /* the lowest factor it holds down to; 0: any */
    double up;                    /* the highest factor; HUGE_VAL (inf): any */
    const char *down_partner;     /* the partner whose pair swaps with it at down, or NULL */
    const char *up_partner;       /* at up, or NULL */
    int down_passes, up_passes;   /* 1: that pair passes above it; 0: it passes that pair */
    int no_effect;                /* the rule is not of the ranking side */
} cm_sensitivity;

/* Rule `rule` of row `row` of a result made with explain (cm_match_options
 * explain); CM_EUSAGE without explanations or for a row or rule out of range. */
CM_API cm_status cm_result_sensitivity(const cm_result *r, size_t row, size_t rule, cm_kind by,
                                       cm_sensitivity *out);
/* The policy's aggregate method ("topsis", ...), or NULL for the weighted mean. */
CM_API const char *cm_policy_aggregate(const cm_policy *p);
/* Whether the policy re-ranks region lists for diversity (policy { diversity
 * = ... }) when cm_match_options.diversity is 0. */
CM_API int cm_policy_diversity(const cm_policy *p);

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

/* Coverage of policy tests (capmatch test --coverage), gathered over every
 * case run with cm_test_run_file_cov, per policy file: each rule's pairs
 * scored and fired (scored above 0) and its least and greatest score, each
 * filter's pairs checked and vetoed (from runs with cm_match_options.stats),
 * the lines of the policy's Lua and of the modules it requires that ran and
 * never ran (the test runner's Lua states trace their lines through the
 * debug hook while the cases run; matching never does), and the words of
 * each vocabulary that no test profile holds. */
typedef struct cm_coverage cm_coverage;
CM_API cm_coverage *cm_coverage_new(void);
CM_API void cm_coverage_free(cm_coverage *c);
CM_API cm_status cm_test_run_file_cov(const char *path, const char *pattern, cm_coverage *cov,
                                      cm_test_fn fn, void *ud, size_t *passed, size_t *failed);
/* The coverage as text lines (each starting "# ", to sit in TAP output) or
 * as one JSON array. */
CM_API cm_status cm_coverage_write(const cm_coverage *c, int json, cm_write_fn fn, void *ud);

/* SHA-256 of a file, as 64 hex digits and a NUL (for provenance). */
CM_API cm_status cm_sha256_file(const char *path, char hex[65]);
/* The same of bytes in memory (a request's body). */
CM_API void cm_sha256_buffer(const void *data, size_t len, char hex[65]);

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

/* ---- batch assignment ------------------------------------------------------
 * Before a dialogue or a matchmaking fair: who meets whom. A cm_pairs holds
 * candidate pairs, each with the enterprise's score of the region and the
 * region's score of the enterprise (the same number when no region-side view
 * exists), the region capacities (SCHEMA.md `capacity`; absent: unlimited)
 * and every party known from profiles. cm_assign chooses pairs under the
 * capacities: stable (deferred acceptance, either side proposing; no pair
 * would both rather be together) or optimal (min-cost flow: the greatest
 * total score). Preferences: higher score first, ties by id. Strings of
 * results belong to the cm_pairs they came from: free results first. */
typedef struct cm_pairs cm_pairs;

CM_API cm_pairs *cm_pairs_new(void);
CM_API void cm_pairs_free(cm_pairs *p);
/* This thread's message (see "Errors" above). */
CM_API const char *cm_pairs_errmsg(const cm_pairs *p);
/* One pair; scores in [0, 1]; region_score < 0: the same as score; reasons
 * (NULL: none) is kept for output. A pair given twice is CM_EINPUT. After
 * cm_pairs_add_profiles, an id the profiles do not have is CM_ENOTFOUND. */
CM_API cm_status cm_pairs_add(cm_pairs *p, const char *enterprise, const char *region,
                              double score, double region_score, const char *reasons);
/* Every row of a match result (either direction), with its region_score (the
 * policy's region-side view, or the score); a pair already held is kept as
 * it is. Reasons come from the result's explanations, if any. */
CM_API cm_status cm_pairs_add_result(cm_pairs *p, const cm_result *r);
/* Every profile of the engine becomes a party (so that one left out is
 * reported), regions with their `capacity`. Call before adding pairs. */
CM_API cm_status cm_pairs_add_profiles(cm_pairs *p, const cm_engine *e);
/* Capacity of a region (added when new); < 0: unlimited. */
CM_API cm_status cm_pairs_set_capacity(cm_pairs *p, const char *region, long capacity);
/* A file of scored pairs, all or nothing: CSV with a header (columns
 * enterprise, region, score, optional region_score and reasons; others and
 * '#' lines ignored), JSON Lines (objects with those keys, "explain" arrays
 * read as reasons; {"meta": ...} and {"unassigned": ...} lines skipped) or
 * JSON (an array, or an object with "results", "assignments" or "pairs").
 * So the output of capmatch match and assign reads back. Problems go to
 * diags (may be NULL) with file, line, column and field. */
CM_API cm_status cm_pairs_load_file(cm_pairs *p, const char *path, cm_format format,
                                    cm_diags *diags);
CM_API cm_status cm_pairs_load_buffer(cm_pairs *p, const char *name, const void *data,
                                      size_t len, cm_format format, cm_diags *diags);
/* Candidate pairs made by a policy, as capmatch assign --policy makes them:
 * each enterprise's best per_enterprise regions and, with per_region > 0,
 * also each region's best per_region enterprises, scored by p on e at or
 * above min_score, added as by cm_pairs_add_result. */
typedef struct cm_candidate_options {
    size_t per_enterprise;        /* 0: the policy's top */
    size_t per_region;            /* 0: none added from the regions' side */
    double min_score;             /* < 0 (the default): the policy's */
    int threads;                  /* 0: one per core */
    void (*progress)(size_t done, size_t total, void *ud);
    void *progress_ud;            /* as cm_match_options: called with the profiles done of
                                     each scoring pass (a second pass for per_region) */
} cm_candidate_options;
CM_API void cm_candidate_options_init(cm_candidate_options *o);
CM_API cm_status cm_pairs_add_candidates(cm_pairs *pairs, cm_engine *e, cm_policy *p,
                                         const cm_candidate_options *o);
CM_API size_t cm_pairs_count(const cm_pairs *p);
/* Distinct enterprises or regions known (from pairs and profiles). */
CM_API size_t cm_pairs_parties(const cm_pairs *p, cm_kind k);

typedef enum cm_assign_method {
    CM_ASSIGN_STABLE = 0,         /* deferred acceptance */
    CM_ASSIGN_OPTIMAL = 1         /* greatest total score (min-cost flow) */
} cm_assign_method;

typedef struct cm_assign_options {
    cm_assign_method method;
    cm_kind proposer;             /* STABLE: CM_KIND_ENTERPRISES (default) or REGIONS */
    unsigned per_enterprise;      /* regions an enterprise may take; 0: 1 */
    double min_score;             /* pairs below it (either side's score) are not
                                     acceptable; default 0 */
    long default_capacity;        /* for regions without a capacity; < 0 (default):
                                     unlimited, as the schema says */
    void (*progress)(size_t done, size_t total, void *ud);
    void *progress_ud;            /* OPTIMAL: called with the enterprises placed, from the
                                     calling thread (STABLE is linear in the pairs) */
} cm_assign_options;

typedef struct cm_assign_row {
    const char *enterprise, *region;
    double score, region_score;
    unsigned enterprise_rank;     /* the region's place among the enterprise's
                                     acceptable regions (1 = first choice) */
    unsigned region_rank;         /* the enterprise's place in the region's list */
    unsigned enterprise_choices;  /* how many acceptable regions it had */
    unsigned region_choices;      /* how many acceptable enterprises the region had */
    const char *reasons;          /* as given with the pair, or NULL */
} cm_assign_row;

typedef enum cm_left_reason {
    CM_LEFT_NO_PAIR = 1,          /* no candidate pair at all */
    CM_LEFT_BELOW_MIN = 2,        /* candidates, none at or above the minimum score */
    CM_LEFT_FULL = 3,             /* enterprise: its acceptable regions are full */
    CM_LEFT_TAKEN = 4,            /* region: its acceptable enterprises went elsewhere */
    CM_LEFT_NO_CAPACITY = 5       /* region: capacity 0 */
} cm_left_reason;

/* A party that got no partner, with the reason. */
typedef struct cm_left {
    cm_kind kind;
    const char *id;
    cm_left_reason reason;
    size_t npartners;             /* FULL: the full regions; TAKEN: the enterprises;
                                     BELOW_MIN: the candidates */
    const char *const *partners;  /* best first */
    const char *message;          /* one sentence naming them */
} cm_left;

typedef struct cm_assignment cm_assignment;

CM_API void cm_assign_options_init(cm_assign_options *o);
/* CM_EUSAGE for bad options, CM_ENOMEM. p is only read: several threads may
 * assign from one cm_pairs at once. */
CM_API cm_status cm_assign(const cm_pairs *p, const cm_assign_options *o, cm_assignment **out);
CM_API void cm_assignment_free(cm_assignment *a);
/* Rows by enterprise id, then by the enterprise's preference. */
CM_API size_t cm_assignment_count(const cm_assignment *a);
CM_API const cm_assign_row *cm_assignment_row(const cm_assignment *a, size_t i);
/* Parties left out: enterprises by id, then regions by id. */
CM_API size_t cm_assignment_left_count(const cm_assignment *a);
CM_API const cm_left *cm_assignment_left(const cm_assignment *a, size_t i);
CM_API double cm_assignment_total(const cm_assignment *a, double *region_total);
/* Capacity of a region as used (< 0 unlimited), and its partners; -2 when unknown. */
CM_API long cm_assignment_capacity(const cm_assignment *a, const char *region, size_t *used);
/* Blocking pairs: acceptable pairs not assigned that both parties would
 * rather have (a free place, or a worse partner to drop). 0 for STABLE.
 * *first (may be NULL) names one: "enterprise E and region R". */
CM_API size_t cm_assignment_blocking(const cm_assignment *a, const char **first);

/* ---- meeting schedules ----------------------------------------------------
 * The pairs of an assignment (all pairs of a cm_pairs) as meetings in
 * sessions of slots, at tables: nobody is in two meetings at once, at most
 * `tables` meetings a slot, and as few slots as the data allow: the largest
 * number of meetings of any participant, or more when the tables bind
 * (meetings / tables, rounded up). Meetings that do not fit are listed with
 * the reason, the lowest-scored ones first to go. */
typedef struct cm_schedule_options {
    const char *const *sessions;  /* start of each session, "YYYY-MM-DDTHH:MM",
                                     NULL-ended; at least one */
    unsigned slots;               /* slots per session; 0: as many as needed */
    unsigned meeting_minutes;     /* 0: 20 */
    unsigned break_minutes;       /* between two slots of a session */
    unsigned tables;              /* meetings at once; 0: unlimited (or the event's
                                     named tables) */
    const struct cm_event *event; /* availability, requests, locks, named tables,
                                     breaks (see cm_event); may be NULL */
    const char *tz;               /* the event's time zone (IANA name, e.g.
                                     "Asia/Manila") for the iCalendar files; NULL:
                                     floating local times */
    void (*progress)(size_t done, size_t total, void *ud);
    void *progress_ud;            /* called with the meetings put in slots so far */
} cm_schedule_options;

typedef struct cm_meeting {
    const char *enterprise, *region;
    double score;
    unsigned session, slot;       /* 1-based; slot within its session */
    unsigned table;               /* 1-based */
    char start[17], end[17];      /* "YYYY-MM-DDTHH:MM", local time of the event */
    const char *unplaced;         /* why it has no place (then session = 0), or NULL */
    const char *table_name;       /* the event's name of the table, or NULL */
    const char *room;             /* the room of a named table, or NULL */
    const char *status;           /* "locked", "accepted", "must", "requested",
                                     "declined", "never", or NULL (a plain pair) */
    const char *why;              /* the top reasons to meet, "a | b | c", or NULL */
} cm_meeting;

typedef struct cm_schedule cm_schedule;

/* A matchmaking event's constraints on a schedule, each read from a CSV
 * (header row; columns by name, others ignored) or JSON file (an array of
 * objects, or an object holding one under the kind's key); times are local
 * times of the event, "YYYY-MM-DDTHH:MM". A load either succeeds or changes
 * nothing; errors name the file and line (CSV) or record (JSON) and field.
 *   CM_EVENT_AVAILABILITY  id, from, to [, kind: enterprise|region]: the
 *       windows a participant is there (several rows: several windows; JSON
 *       may give "windows": [{"from","to"}...]); someone without a row is
 *       there all the time. A meeting takes place only where both are there.
 *   CM_EVENT_REQUESTS  enterprise, region, status: requested (scheduled when
 *       there is room, like an assigned pair), accepted and must (must be
 *       scheduled: placed before every other pair), declined and never (never
 *       scheduled). Pairs not among the meetings are added (score 0).
 *   CM_EVENT_LOCK  enterprise, region, start [, table | table_name, score]:
 *       meetings of an earlier schedule (its CSV or JSON reads as it is), kept
 *       at their time and table when the schedule is made again.
 *   CM_EVENT_TABLES  name [, room]: the tables by name, in order (table 1
 *       first); their number is the number of tables. */
typedef struct cm_event cm_event;
typedef enum cm_event_file {
    CM_EVENT_AVAILABILITY = 1,
    CM_EVENT_REQUESTS = 2,
    CM_EVENT_LOCK = 3,
    CM_EVENT_TABLES = 4
} cm_event_file;

CM_API cm_event *cm_event_new(void);
CM_API void cm_event_free(cm_event *ev);
CM_API cm_status cm_event_load(cm_event *ev, cm_event_file what, const char *path);
/* A break "START/END" (END: "HH:MM" of the same day, or a full time): no
 * slot overlaps it; the slots after it move past it. */
CM_API cm_status cm_event_add_break(cm_event *ev, const char *window);
/* The meetings that requests and locks add to p (those it does not hold yet;
 * requested, accepted, must and locked ones); CM_ENOTFOUND naming the file
 * and line when p's parties come from profiles and an id is not there. */
CM_API cm_status cm_event_add_pairs(const cm_event *ev, cm_pairs *p);

CM_API void cm_schedule_options_init(cm_schedule_options *o);
CM_API cm_status cm_schedule_make(const cm_pairs *meetings, const cm_schedule_options *o,
                                  cm_schedule **out);
CM_API void cm_schedule_free(cm_schedule *s);
/* Placed meetings by start, then table. */
CM_API size_t cm_schedule_count(const cm_schedule *s);
CM_API const cm_meeting *cm_schedule_meeting(const cm_schedule *s, size_t i);
CM_API size_t cm_schedule_unplaced_count(const cm_schedule *s);
CM_API const cm_meeting *cm_schedule_unplaced(const cm_schedule *s, size_t i);
/* Slots used, the fewest possible for the placed meetings, and available. */
CM_API unsigned cm_schedule_slots(const cm_schedule *s, unsigned *minimum, unsigned *available);
/* Replace placed meeting i's top reasons (copied; NULL: none), e.g. with
 * those a policy gives the pair (cm_explain_pair) ranked by contribution. */
CM_API cm_status cm_schedule_set_why(cm_schedule *s, size_t i, const char *why);
/* Participants of a side, by id, and one participant's meetings by start. */
CM_API size_t cm_schedule_participants(const cm_schedule *s, cm_kind k);
CM_API const char *cm_schedule_participant(const cm_schedule *s, cm_kind k, size_t i);
CM_API size_t cm_schedule_agenda(const cm_schedule *s, cm_kind k, size_t i,
                                 const cm_meeting **out, size_t max);

/* One participant's agenda as iCalendar (RFC 5545, via libical): a VEVENT a
 * meeting, in the event's time zone (a VTIMEZONE, and DTSTART;TZID=...)
 * when the options named one, else floating local times; the place (table
 * name and room) as LOCATION, the top reasons to meet in DESCRIPTION,
 * requested meetings TENTATIVE; names from e when given (may be NULL);
 * dtstamp: seconds since 1970 for DTSTAMP (pass a fixed one for output that
 * is the same from run to run). */
CM_API cm_status cm_schedule_ical(const cm_schedule *s, cm_kind k, size_t i, const cm_engine *e,
                                  long long dtstamp, cm_write_fn fn, void *ud);

/* ---- merging shard outputs -------------------------------------------------
 * The JSON Lines outputs of capmatch match (--format jsonl) over shards
 * (--shard I/N: every N-th ranked profile of the whole input) or parts of the
 * enterprises (--part I/N: the I-th of N consecutive pieces), in any order,
 * combined into the output of one run over everything: rows of a profile
 * ranked in one piece are kept as they are; a region's lists from several
 * parts are merged to its best top (score, or region_score when the policy
 * has a region-side view, then the enterprise id, as cm_match breaks ties)
 * and ranked again; profiles come in the order of the input, from each
 * row's "position" and the part in the meta line; the header line is the
 * shards' own without "shard" and "part". Each output is capmatch.result/1
 * and ends with its {"totals": ...} line (a shard without it was cut short:
 * CM_EINPUT); the merged totals line has the merged output's "rows" and
 * the shards' sums of the other counts. Memory: the rows kept (profiles x
 * top), never a whole input. An input may hold several outputs one after
 * another (each starts at its header line). Outputs of different
 * runs (policy, its hash, inputs, --set, rates, direction, top, min_score),
 * a malformed line (file:line and what is wrong), a shard given twice or
 * missing are CM_EINPUT with the message saying which. */
typedef struct cm_merge cm_merge;

CM_API cm_merge *cm_merge_new(void);
CM_API void cm_merge_free(cm_merge *m);
/* This thread's message (see "Errors" above). */
CM_API const char *cm_merge_errmsg(const cm_merge *m);
/* Read one output file ("-": standard input) to its end. After a call that
 * failed, only cm_merge_free (other calls are CM_EUSAGE). */
CM_API cm_status cm_merge_add_file(cm_merge *m, const char *path);
/* Check that every shard is there once (expected: how many outputs there
 * must be, or 0 to take it from the meta lines' I/N) and write the merged
 * output. CM_EINPUT, and nothing written, when one is missing or doubled. */
CM_API cm_status cm_merge_write(cm_merge *m, unsigned expected, cm_write_fn fn, void *ud);
/* Rows the merged output has (after cm_merge_write), and outputs read. */
CM_API size_t cm_merge_count(const cm_merge *m, size_t *outputs);
/* After cm_merge_write: NULL when the merged output is byte for byte one
 * run's, or what may differ, in words. The one case: by region with parts
 * of the enterprises and rule errors skipped (--on-error skip), the merged
 * "errors_skipped" is the parts' sum, and one run may count fewer (it
 * skips the rules of pairs that can no longer reach a region's top, which
 * depends on the enterprises of every part). */
CM_API const char *cm_merge_note(const cm_merge *m);

/* ---- output files ----------------------------------------------------------
 * Where results are written, by the rules every writer of capmatch follows:
 * "-" is standard output; a regular file or a path that does not exist yet
 * is written to a temporary file in the same directory, synced and renamed
 * over it when complete (a failed run leaves the old file whole, or none);
 * a symbolic link is followed and its target replaced that way; a character
 * device, FIFO or socket is opened and written directly; a directory (or a
 * block device) is an error. Temporary files left beside the target by a
 * run that was killed are removed when it is next written. */
typedef struct cm_output cm_output;

/* NULL on failure (*status says why, may be NULL; message as for every call). */
CM_API cm_output *cm_output_open(const char *path, cm_status *status);
/* The stream to write to; owned by o. */
CM_API FILE *cm_output_stream(cm_output *o);
/* Finish and free o: flush, sync and rename into place. CM_EIO when any
 * write failed; the target is then left as it was. */
CM_API cm_status cm_output_close(cm_output *o);
/* Free o without touching the target (the temporary file is removed). */
CM_API void cm_output_discard(cm_output *o);

/* s as a JSON string literal (quotes included; control characters escaped,
 * invalid UTF-8 as U+FFFD), and as one CSV cell (RFC 4180, quoted when
 * needed or when it starts with '#'): the escapes capmatch's own writers use. */
CM_API cm_status cm_write_json_string(const char *s, cm_write_fn fn, void *ud);
CM_API cm_status cm_write_csv_cell(const char *s, cm_write_fn fn, void *ud);

/* ---- report -----------------------------------------------------------------
 * One self-contained HTML file (inline CSS and SVG, one small inline script
 * that sorts, filters and pages the lists; no network):
 * totals, matches by country pair (heatmap) and by sector group (ISIC section
 * of the enterprise), the score distribution, each region's and each
 * enterprise's partners with their reasons, parties left out and why, and the
 * provenance. Names, countries and sectors come from the engine (may be NULL). */
typedef struct cm_report cm_report;

CM_API cm_report *cm_report_new(const cm_engine *e, const char *title);
CM_API void cm_report_free(cm_report *r);
/* A pair; ranks 0 when unknown; region_score < 0: as score; reasons may be NULL. */
CM_API cm_status cm_report_add_row(cm_report *r, const char *enterprise, const char *region,
                                   double score, double region_score, unsigned enterprise_rank,
                                   unsigned region_rank, const char *reasons);
/* Every row of a match result, and the enterprises (or regions, by the
 * result's direction) of the engine that have none, as left out. */
CM_API cm_status cm_report_add_result(cm_report *r, const cm_result *res, cm_kind by);
/* Every row and every party left out of an assignment. */
CM_API cm_status cm_report_add_assignment(cm_report *r, const cm_assignment *a);
CM_API cm_status cm_report_add_left(cm_report *r, cm_kind kind, const char *id,
                                    const char *why);
/* The rows added are an assignment under the regions' capacities: the
 * totals show the places used of the places the profiles offer
 * (cm_report_add_assignment does this itself). */
CM_API void cm_report_count_places(cm_report *r);
/* A provenance line (policy, input files and hashes, options ...). */
CM_API cm_status cm_report_add_meta(cm_report *r, const char *key, const char *value);
CM_API cm_status cm_report_write_html(const cm_report *r, cm_write_fn fn, void *ud);
/* A section "What changed" (after the totals) from a computed diff. */
CM_API cm_status cm_report_add_diff(cm_report *r, const cm_diff *d);

/* ---- feeds ----
 * Feeds pull profiles from other systems (http, https or file URLs) into a
 * cache of validated snapshots, so that matching keeps working from the last
 * good data when a source is slow, down or wrong. Feeds are declared in a
 * Lua file run in the policy sandbox (defaults { ... }, feed { ... }; see
 * the "Feeds" section of the README) or added one at a time. A cm_feeds
 * handle holds the definitions and the cache directory; one thread uses it
 * at a time. A body replaces a feed's snapshot only once it has fully
 * arrived, parsed and validated; it is written to a temporary file, synced
 * and renamed, and the last few snapshots are kept. */
typedef struct cm_feeds cm_feeds;

/* cache_dir NULL: $XDG_CACHE_HOME/capmatch, else $HOME/.cache/capmatch.
 * NULL when out of memory. */
CM_API cm_feeds *cm_feeds_new(const char *cache_dir);
CM_API void cm_feeds_free(cm_feeds *f);
/* This thread's message (see "Errors" above). */
CM_API const char *cm_feeds_errmsg(const cm_feeds *f);
CM_API const char *cm_feeds_cache_dir(const cm_feeds *f);

/* Run a feed configuration file in the sandbox and add its feeds. CM_EINPUT
 * with "FILE:LINE: ..." in the message on a mistake; nothing is added then. */
CM_API cm_status cm_feeds_load_config(cm_feeds *f, const char *path);
/* Add one feed without a configuration file (format CM_FORMAT_AUTO: told
 * by the Content-Type, the URL and the body). */
CM_API cm_status cm_feeds_add(cm_feeds *f, const char *name, const char *url, cm_kind kind,
                              cm_format format);
/* Also add the feeds found only in the cache (fetched earlier from another
 * configuration or from the command line), with their URL, kind and format:
 * status, rollback and loading then see them too. */
CM_API cm_status cm_feeds_add_cached(cm_feeds *f);
/* Change a setting, by its key in feed { ... } ("timeout", "retries",
 * "retry_delay", "max_bytes", "ca_file", "skip_invalid", "header" with
 * "Name: value", ...), of one feed or, with feed NULL, of every feed added
 * so far. CM_EUSAGE with a message for an unknown key or a bad value. */
CM_API cm_status cm_feeds_set(cm_feeds *f, const char *feed, const char *key,
                              const char *value);

CM_API size_t cm_feeds_count(const cm_feeds *f);
/* Index of the feed with this name, or (size_t)-1. */
CM_API size_t cm_feeds_find(const cm_feeds *f, const char *name);
CM_API const char *cm_feeds_name(const cm_feeds *f, size_t i);
CM_API cm_kind cm_feeds_kind(const cm_feeds *f, size_t i);
/* The URL with any user:password part hidden. */
CM_API const char *cm_feeds_url(const cm_feeds *f, size_t i);

typedef enum cm_fetch_outcome {
    CM_FETCH_NONE = 0,        /* not fetched by the last cm_feeds_fetch */
    CM_FETCH_UPDATED = 1,     /* a new snapshot is in use */
    CM_FETCH_UNCHANGED = 2,   /* 304 Not Modified, or the same content again */
    CM_FETCH_HELD_BACK = 3,   /* valid, but far fewer records: kept aside, not applied */
    CM_FETCH_FAILED = 4,      /* transfer or validation failed: the last good snapshot stays */
    CM_FETCH_NOT_DUE = 5      /* with due_only: fetched recently enough */
} cm_fetch_outcome;

CM_API const char *cm_fetch_outcome_name(cm_fetch_outcome o);   /* "updated", ... */

typedef struct cm_fetch_progress {
    size_t feeds_total, feeds_done;
    size_t bytes;             /* body bytes received so far by all feeds */
    double rate;              /* bytes per second, recent */
    double elapsed;           /* seconds since the fetch started */
} cm_fetch_progress;

typedef struct cm_fetch_options {
    const char *const *names; /* feeds to fetch, NULL-ended; NULL: every feed */
    int accept_shrink;        /* apply a body even when its record count shrinks sharply */
    int due_only;             /* only the feeds whose refresh interval has passed */
    double lock_wait;         /* seconds to wait for another fetch's lock; 0: do not wait */
    void (*progress)(const cm_fetch_progress *p, void *ud);   /* a few times a second */
    void *progress_ud;
} cm_fetch_options;

typedef struct cm_fetch_report {
    const char *name;
    cm_fetch_outcome outcome;
    const char *message;      /* one line; a failure names the feed, the URL, the HTTP
                                 status and what was wrong, and the snapshot kept */
    const char *details;      /* more lines (validation problems), or NULL */
    int tries;                /* requests for the page that decided the outcome */
    int requests;             /* requests in all (pages, retries) */
    long http_status;         /* of the last response; 0 when none */
    size_t pages;             /* pages received */
    size_t bytes;             /* body bytes received (decoded) */
    size_t records;           /* records of the snapshot in use after the fetch */
    size_t fetched_records;   /* valid records of the body fetched, when it was read */
    size_t rejected;          /* invalid records left out (skip_invalid) */
    const char *snapshot;     /* path of the snapshot in use, or NULL */
} cm_fetch_report;

CM_API void cm_fetch_options_init(cm_fetch_options *o);
/* Fetch feeds, all at once. CM_OK when every feed is updated, unchanged or
 * not due; CM_EIO when some failed or were held back (their reports say
 * why, an unset environment variable in a header included; the others were
 * applied); CM_ELIMIT when another fetch holds the cache's lock (nothing is
 * fetched); CM_ENOTFOUND for an unknown name; CM_EDEPS when libcurl cannot
 * start. libcurl is set up on first use with the allocator of
 * cm_set_allocator. */
CM_API cm_status cm_feeds_fetch(cm_feeds *f, const cm_fetch_options *o);
/* Feed i's report from the last cm_feeds_fetch (valid until the next). */
CM_API const cm_fetch_report *cm_feeds_report(const cm_feeds *f, size_t i);

typedef struct cm_feed_status {
    const char *name;
    cm_kind kind;
    const char *url;
    const char *snapshot;     /* path of the snapshot in use; NULL: never fetched */
    size_t records, bytes, rejected;
    const char *sha256;       /* of the snapshot, hex; NULL with no snapshot */
    const char *etag, *last_modified;   /* or NULL */
    long long fetched;        /* Unix time the snapshot in use was fetched; 0: none */
    long long last_success;   /* last fetch that left the feed up to date; 0: never */
    long long last_attempt;   /* 0: never */
    const char *last_error;   /* of the last attempt; NULL when it succeeded */
    long long last_error_time;
    double refresh;           /* seconds between fetches (the feed's refresh) */
    int due;                  /* the refresh interval has passed since last_success */
    size_t snapshots;         /* kept, the one in use included */
} cm_feed_status;

/* Feed i's state as the cache holds it (strings valid until the next call
 * on f). */
CM_API cm_status cm_feeds_status(cm_feeds *f, size_t i, cm_feed_status *out);
/* Put back the snapshot before the one in use; the one in use is kept as
 * NAME/rolled-back.EXT in the cache. CM_ENOTFOUND when there is none. */
CM_API cm_status cm_feeds_rollback(cm_feeds *f, const char *name);
/* Load every feed's snapshot into e, in the order the feeds were added,
 * each named "feed:NAME" (cm_profile_source). o may be NULL; kind and
 * format are the feed's, and o->duplicates is forced to
 * CM_DUPLICATES_KEEP_FIRST: when feeds of one kind share an id, the profile
 * of the feed added first wins. Feeds without a snapshot are skipped and
 * counted in *missing (may be NULL), and named in cm_feeds_errmsg(). */
CM_API cm_status cm_feeds_load_into(cm_feeds *f, cm_engine *e, const cm_load_options *o,
                                    cm_diags *diags, size_t *missing);

#ifdef __cplusplus
}
#endif

#endif /* CAPMATCH_H */
