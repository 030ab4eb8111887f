/*
 * policy.h - a matching policy once loaded: its parameters, filters, rules
 * (built-in scorers compiled to C, or Lua functions), derived values, and
 * the per-thread Lua states that run its functions.
 *
 * policy.c owns loading (the policy language), policy_state.c the Lua side
 * at match time (profile views, the cm and re modules), scorer.c the
 * built-in scorers, match.c the scoring loop. See capmatch.h for the API.
 */
#ifndef CM_POLICY_H
#define CM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "diversify.h"
#include "capmatch.h"
#include "record.h"
#include "sandbox.h"
#include "store.h"
#include "strpool.h"

enum side { SIDE_REGION = 0, SIDE_ENTERPRISE = 1 };

/* A value of one profile a built-in reads: a schema field, an attribute or
 * a derived value. */
typedef struct fref {
    int side;                 /* enum side */
    const field_def *f;       /* schema field, or NULL */
    char *attr;               /* attrs.NAME, or NULL */
    int derived;              /* index into policy.derived, or -1 */
    char *path;               /* as the policy wrote it, for reasons */
} fref;

enum builtin_kind {
    B_LUA = 0,                /* not a built-in: a Lua function */
    B_ISIC_FIT,               /* sectors along the ISIC hierarchy */
    B_OVERLAP,                /* shared words or codes of two lists */
    B_DISTANCE,               /* great-circle distance of the two locations */
    B_RANGE,                  /* a number (or money) against a band */
    B_MEMBER,                 /* a value of one side listed by the other */
    B_EQUALS,                 /* a value equal to a constant or the other side's */
    B_REGEX,                  /* a PCRE2 pattern over a text field */
    B_PRODUCT                 /* the best product of two "NAME value" lists, by name */
};

/* A built-in's field for every profile of its side, built once when the
 * policy is prepared: the pair kernels read these int arrays, never the
 * stored records. isic_fit holds ISIC ids; member and overlap the items
 * interned in policy.strings (equal text, equal number). */
typedef struct column {
    uint32_t *off;            /* per profile: where its items start */
    uint16_t *n;              /* and how many */
    uint32_t *items;
    size_t count;             /* profiles built */
    size_t rows_cap, items_cap;   /* room in off and n, and in items */
} column;

/* best_product: each profile's "NAME value" items, parsed once */
struct pitem { str_ref name; double value; };
typedef struct pitems {
    struct pitem *items;
    uint32_t *off;            /* per profile: its items start here, count[i] of them */
    uint16_t *count;
    iso_id *country;          /* per profile, with abroad: its country (the
                                 store's record is a cache miss a pair) */
    size_t n;                 /* profiles parsed */
    size_t rows_cap, items_cap;
    double lo, hi;            /* the least and greatest value of all items (the
                                 bound of cmi_builtin_upper), INFINITY/-INFINITY
                                 when none */
    size_t base_n;            /* the profiles of the last whole build, */
    double base_lo, base_hi;  /* and their lo and hi: a visitor forgotten
                                 leaves them as they were */
} pitems;

typedef struct builtin {
    enum builtin_kind kind;
    const struct builtin *same;   /* an earlier built-in of the policy the same as
                                     this one (cmi_builtin_same): its preparation
                                     serves both, this one has none of its own */
    int fn;                   /* B_LUA: index of its function in every state */
    fref a, b;                /* the fields compared; b unused by some kinds */
    int has_b;
    double scale;             /* distance: km at which the score reaches 0 */
    double lo, hi;            /* range band (in currency when money) */
    double tolerance;         /* range: factor outside the band where the score is 0 */
    iso_id currency;          /* range over money: the band's currency */
    int empty_passes;         /* member: an empty list accepts everything */
    int jaccard;              /* overlap: |A and B| / |A or B| instead of coverage of b */
    char *constant;           /* equals: the value, when not the other side */
    double constant_num;
    int constant_is_num;
    pcre2_code *re;           /* regex: compiled once, at load, JIT when available */
    char *pattern;
    double *cache_score;         /* range: each profile's score, computed once before
                                 matching (it depends on that profile alone) */
    size_t cache_n, cache_cap;
    double levels[4];         /* isic_fit: score when the codes share the section,
                                 division, group; [3]: one lies within the other */
    double broader;           /* isic_fit: when the enterprise's code contains the region's */
    double factor;            /* every kind: the score is multiplied by it (default 1) */
    int of_a;                 /* overlap: coverage of the enterprise's list, not the region's */
    str_ref *abroad;          /* best_product: names that count only across borders */
    size_t nabroad;
    pitems prod[2];           /* best_product: per side */
    column col[2];            /* isic_fit, member, overlap: fields a and b */
    uint64_t *isic_sets;      /* isic_fit: per region, ISIC_SETS bitsets over code ids */
    size_t isic_sets_n, isic_sets_cap;
    unsigned char *isic_fits; /* isic_fit: per code, a byte per region (see isic_fits_prepare) */
    size_t isic_fits_cap;
    double isic_vals[6];      /* the scores the bytes rank, ascending */
    size_t isic_nvals;
} builtin;

/* What a memoised rule reads (`uses`): the fields of each side whose values
 * decide its score. The scoring pass calls it once per distinct combination
 * and refuses reads of anything else. */
typedef struct uses {
    fref *f[2];               /* per side */
    size_t n[2];
    uint64_t fields[2];       /* schema field ids allowed (groups expanded) */
    unsigned char *derived[2];/* derived values allowed, by index */
    size_t nderived[2];
} uses;

/* Per-profile classes of a memoised rule: profiles with equal values of the
 * fields in `uses` share a class, and a (class, class) pair one score. */
struct keyset;
typedef struct memo {
    uint32_t *cls[2];         /* class of each profile, per side */
    size_t cls_cap[2];
    uint32_t ncls[2];
    size_t counted[2];        /* profiles classed; SIZE_MAX: class the side again */
    _Atomic uint64_t *table;  /* trows * tcols scores (bits), or NULL: too big */
    uint32_t trows, tcols;    /* the enterprise and region classes it has room for */
    struct keyset *keys[2];   /* the keys of the last whole classing of a side, */
    size_t base_count[2];     /* its profiles */
    uint32_t base_ncls[2];    /* and classes: a visitor is classed by them */
} memo;

typedef struct prule {        /* a filter or a rule */
    char *name;
    char *group;              /* rules: group name, or NULL */
    double weight;            /* rules */
    int region_side;          /* rules: part of the region's view, not the score */
    double threshold;         /* filters over a built-in: pass when score >= threshold */
    int line;                 /* where it is declared */
    str_ref file;             /* in which file (policy.strings), STR_NONE: the policy's */
    builtin b;                /* the score, or the first of several taken at their best */
    builtin *more;            /* score = { a, b, ... }: the others */
    size_t nmore;
    int fn;                   /* the Lua function among them, or -1 */
    int explain_fn;           /* rules: explain = function, or -1 */
    uses *uses;               /* memoised, or NULL */
    memo memo;
    int cost;                 /* 0 built-ins only, 1 memoised Lua, 2 Lua on every pair */
    int minimise;             /* rules: cost = true, a cost criterion of the aggregate */
} prule;

/* policy { aggregate = { ... } }: rank each profile's candidates by a
 * decision method over its rules (aggregate.c). */
typedef struct aggregate_def {
    int on;
    cm_mcda_method method;    /* TOPSIS, PROMETHEE2 or WSM */
    cm_mcda_norm norm;
    size_t candidates;        /* kept by the weighted mean, then ranked by the method */
    cm_mcda_pref pref;        /* PROMETHEE II: for every criterion */
} aggregate_def;

typedef struct derive_def {
    char *name;
    int side;
    int line;
    int fn;
    str_ref file;             /* as for prule */
} derive_def;

/* A derived value of one profile. */
typedef struct dval {
    uint8_t type;             /* T_NONE, T_STRING, T_NUMBER, T_BOOL, T_LIST */
    str_ref str;              /* T_STRING: in policy.strings */
    union {
        double num;
        struct { uint32_t off, count; } list;   /* T_LIST: policy.ditems[off ..] */
    } u;
} dval;

/* where the items of a derived list live (a struct field_read's pool) */
#define POOL_DERIVED 100

typedef struct param {
    char *name;
    int type;                 /* T_STRING, T_NUMBER, T_BOOL */
    double num;
    char *str;
    int set;                  /* 1 given with --set, not declared (yet); 2 declared */
    int cli;                  /* the value came from --set */
} param;

/* One Lua state running the policy (one per worker thread). */
typedef struct pstate {
    sandbox *sb;
    int fns_ref;              /* registry: list of the policy's functions */
    int params_ref;           /* registry: the params table */
    int eview_ref, rview_ref; /* registry: reusable profile views */
    struct pview *eview, *rview;
    int cached_refs[2][F_COUNT];  /* registry: reusable group and list views per
                                     side and field (0: not made yet) */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    struct {                  /* the patterns last looked up, most recent first: */
        char *key;            /* flags, NUL, pattern */
        size_t len;
        pcre2_code *code;     /* owned by the state's regex cache */
    } re_last[4];
    const uses *restrict_to;  /* a memoised rule's scoring call: what it may read */
    struct trace *trace;      /* capmatch check: record what calls read */
} pstate;

/* What calls read (capmatch check's verification of uses). */
struct trace {
    const field_def *fields[2][64];   /* by field id, per side */
    unsigned char derived[2][256];    /* by derived index (the first 256) */
};

/* prep.c: what a match prepares of the side it ranks partners among, kept
 * in the policy until that side changes. */
typedef struct posting { uint32_t item, inner; } posting;
typedef struct icache { uint32_t *cls; size_t off, ncls; } icache;   /* ncls: classes */
typedef struct match_prep {
    unsigned long generation, version;   /* the engine's and the side's, when made */
    size_t count;             /* the side's profiles */
    uint32_t *rank;           /* position of each profile in id order (ties) */
    int pruned;               /* the index and caches below were made */
    /* candidates: when the first filter is a member built-in, the inner
     * profiles that can pass it, from an index of its inner list */
    const builtin *cand_filter;
    int cand_column;          /* its column of the inner side (the other: the outer) */
    posting *post;            /* by item, then inner */
    size_t npost;
    uint32_t *always;         /* inner profiles with an empty list that passes */
    size_t nalways;
    /* class caches: a built-in part whose inner profiles fall into few
     * classes (equal inputs to it) is scored once per class for each outer
     * profile; by part (cmi_part_builtin's numbering, rules then filters) */
    icache *icache;           /* cls NULL: none */
    size_t nparts;
    size_t icache_total;      /* classes over all parts: a worker's cache size */
} match_prep;

struct cm_policy {
    cm_engine *engine;
    unsigned long generation; /* the engine's when derived values were computed */
    const store *st;
    char *path;
    char *source;             /* the file's text, run once in every state */
    size_t source_len;
    char sha256[65];
    char *name, *description;
    char *rules_path;
    sandbox_limits limits;
    param *params;
    size_t nparams;
    prule *filters, *rules;
    size_t nfilters, nrules;
    double weight_sum;        /* of the enterprise-side rules (the score) */
    double region_weight_sum; /* of the region-side rules (the region's view) */
    int has_region_rules;
    derive_def *derived;
    size_t nderived;
    dval *dvals[2];           /* [side][profile * nderived + i] */
    str_ref *ditems;          /* items of derived lists, in policy.strings */
    isic_id *ditems_isic;     /* and each item as an ISIC code, or ISIC_NONE */
    size_t nditems, ditems_cap;
    size_t dcount[2];         /* profiles the values were computed for */
    strpool strings;          /* derived strings */
    double min_score;
    size_t top;
    div_spec diversity;       /* policy { diversity = ... }; by == 0: none */
    aggregate_def agg;
    int nfns;
    int lint;                 /* keep declaration problems instead of failing */
    struct { int line; str_ref file; char *msg; int warning; } *problems;
    size_t nproblems;
    sandbox_line_fn line_fn;  /* every state's lines traced to it (test coverage), or NULL */
    void *line_ud;
    pstate main;              /* the state the policy was loaded in */
    match_prep *prep[2];      /* by inner side: prep.c's, or NULL */
};

/* policy.c: cm_policy_load with every Lua state of the policy (the one it
 * loads in, and those of worker threads) tracing its lines to line_fn
 * (capmatch test --coverage; see cmi_sandbox_trace_lines). */
cm_policy *cmi_policy_load_traced(cm_engine *e, const char *path, const cm_policy_options *o,
                                  sandbox_line_fn line_fn, void *line_ud);
/* policy.c: the rules path when none is given, for a policy at path. */
void cmi_policy_default_rules_path(const char *path, char *out, size_t n);

/* policy_state.c */
/* A pattern compiled (and JIT-compiled when it can be) with capmatch's
 * regex flags: i, m, s, x as in PCRE2, and w, under which \b also matches
 * at the edge of a Han, kana or Hangul character. UTF-8 and Unicode
 * properties always. NULL with the reason in err. */
pcre2_code *cmi_policy_regex_compile(const char *pat, size_t plen, const char *flags, char *err,
                                 size_t errlen);
/* The field path, derived value or view method of a side nearest to name
 * (for "did you mean"), or NULL. For error paths only. */
const char *cmi_policy_nearest_name(const cm_policy *p, int side, const char *name);
/* Reasons from Lua are cut to this many bytes, ending with "..." (see
 * capmatch-policy(5)); buffers for them hold CM_REASON_MAX + 1. */
#define CM_REASON_MAX 1024
int cmi_pstate_open(cm_policy *p, pstate *ps, char *err, size_t errlen);
void cmi_pstate_close(pstate *ps);
/* Call function fn on (profile views, params); leaves its results. */
int cmi_pstate_call_rule(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, double *score,
                     char *reason, size_t reason_len, char *err, size_t errlen);
/* A rule's explain function: its reason for a shown pair, given the score. */
int cmi_pstate_call_explain(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, double score,
                        char *reason, size_t reason_len, char *err, size_t errlen);
int cmi_pstate_call_filter(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, int *pass,
                       char *reason, size_t reason_len, char *err, size_t errlen);
/* What derive calls write, for the policy's thread to merge: the values
 * encoded, each string as (its ref in `strings`, a pool of the caller's
 * own, its length), and the strings that pool took, in the order it took
 * them, so that the merge interns each distinct one once. The counts cover
 * the calls that succeeded. */
typedef struct derive_out {
    textbuf vals;
    strpool strings;
    textbuf fresh;            /* (ref, length) of each string as `strings` first took it */
    size_t fresh_done;        /* bytes of fresh written by the calls that succeeded */
    size_t items;             /* list items written by the calls that succeeded */
} derive_out;
/* One derive call's value, appended to out. */
int cmi_pstate_call_derive(cm_policy *p, pstate *ps, int fn, int side, uint32_t index,
                       derive_out *out, char *err, size_t errlen);
/* Register the policy language (policy, params, rule, filter, derive,
 * builtin.*) in a state; collect declarations when `collect` is set. */
void cmi_policy_lang_open(cm_policy *p, pstate *ps, int collect);
/* The profile index of the view at idx, which must be of this side. */
uint32_t cmi_pview_index(lua_State *L, int idx, int side);
/* Register the cm and re modules and the profile views. */
void cmi_policy_views_open(cm_policy *p, pstate *ps);

/* policy.c: keep a warning of capmatch check (a lint load) at the line of
 * the Lua code calling the C function that is running. */
void cmi_policy_note(cm_policy *p, lua_State *L, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The file a declaration was made in: the policy's, or a module it required. */
const char *cmi_policy_file(const cm_policy *p, str_ref file);

/* policy.c: compute derived values of profiles loaded since the last call,
 * on up to `threads` Lua states (the values and their order do not depend on it). */
int cmi_policy_derive(cm_policy *p, int threads, char *err, size_t errlen);
/* What a policy has computed and interned up to now, and going back to it:
 * profiles of `side` from index `from` on were taken out of the store since
 * the mark, and nothing else changed. */
typedef struct policy_mark {
    strpool_mark strings;
    size_t nditems;
} policy_mark;
policy_mark cmi_policy_mark_now(const cm_policy *p);
void cmi_policy_forget(cm_policy *p, int side, size_t from, const policy_mark *m);

/* scorer.c: read what a field reference names for one profile. */
void cmi_fref_read(const cm_policy *p, const fref *r, uint32_t idx, struct field_read *o);
/* Item i of a list read by cmi_fref_read, as text. */
const char *cmi_fref_list_item(const cm_policy *p, const struct field_read *o, size_t i);
/* scorer.c: evaluate a built-in for a pair; reason may be NULL. */
double cmi_scorer_eval(const cm_policy *p, pstate *ps, const builtin *b, uint32_t ei, uint32_t ri,
                   char *reason, size_t reason_len, int *error);
/* The built-in whose prepared data b scores by: itself, or the earlier one
 * it is the same as (default.lua's region view repeats six rules). */
static inline const struct builtin *cmi_builtin_data(const struct builtin *b)
{
    return b->same ? b->same : b;
}
/* Whether isic_fit b can give an enterprise's row against regions 0..n-1
 * (its byte table is built: see isic_fits_prepare); then the row, as
 * ranks into b->isic_vals (the score before b->factor). */
int cmi_isic_fit_rows(const builtin *b, size_t n);
void cmi_isic_fit_row(const builtin *b, uint32_t ei, unsigned char *restrict row, size_t n);
/* Ask the memory for what cmi_scorer_eval(b, ei, ri) will read first (a
 * best_product's items): the caller knows its next pairs, the cache does
 * not, and a pair far in the registry waits for memory. */
void cmi_scorer_prefetch(const builtin *b, uint32_t ei, uint32_t ri);
/* Compute what a built-in can know of each profile alone (range values),
 * for profiles loaded since the last call. Single-threaded, before matching. */
int cmi_builtin_prepare(cm_policy *p, builtin *b);
/* Drop what was computed for profiles of a side from index `from` on (they
 * were taken out of the store): the next cmi_builtin_prepare computes it again. */
void cmi_builtin_forget(builtin *b, int side, size_t from);
/* prep.c: the preparations of inner side `side` for a match (the index and
 * class caches too when `prune`, their passes shared among `threads`), made
 * again when the side changed; NULL out of memory. */
const match_prep *cmi_match_prep(cm_policy *p, int side, int prune, int threads);
void cmi_match_prep_free(match_prep *m);
/* The built-in of part k of rule n (n >= nrules: filter n - nrules), and the
 * parts of all rules and filters. */
const builtin *cmi_part_builtin(const cm_policy *p, size_t n, size_t k);
size_t cmi_part_count(const cm_policy *p);
/* Class of each profile of `side` for prepared built-in b (cls: one per
 * profile): equal inputs, equal class. The number of classes; 0 when the
 * kind has none (its score reads more than its columns); -1 out of memory. */
long cmi_builtin_classes(const cm_policy *p, const builtin *b, int side, uint32_t *cls);
/* prep.c: the same for n built-ins b[i], on up to `threads` threads: cls[i]
 * (made here, one per profile; NULL when ncls[i] is 0) and ncls[i]. One with
 * the same preparation as an earlier one (cmi_builtin_data) takes a copy of
 * its classes. 0, or -1 out of memory (with nothing made). */
int cmi_builtin_classes_of(const cm_policy *p, const builtin *const *b, size_t n, int side,
                           int threads, uint32_t **cls, long *ncls);
/* The most prepared built-in b can score, or INFINITY when not known. */
double cmi_builtin_upper(const builtin *b);
/* best_product's greatest and least value per name over one side's items
 * (cmi_product_range), for the most a profile of the other side can score
 * against any of them (cmi_product_most). */
typedef struct product_range {
    struct name_range { str_ref name; double lo, hi; } *slot;
    size_t cap;
} product_range;
int cmi_product_range(const builtin *b, int side, product_range *r);
void cmi_product_range_free(product_range *r);
double cmi_product_most(const builtin *b, const product_range *r, int side, uint32_t i);
/* 1 when built-ins x and y score every pair alike (same kind, fields and
 * parameters; never Lua or regex), else 0. */
int cmi_builtin_same(const builtin *x, const builtin *y);
/* Resolve a field name of a side ("sectors", "attrs.x", a derived name). */
int cmi_fref_resolve(cm_policy *p, fref *r, int side, const char *path, char *err, size_t errlen);
void cmi_fref_free(fref *r);
void cmi_builtin_free(builtin *b);
/* Once per process, before any scoring: the ISIC ancestor table. */
void cmi_scorer_init(void);

/* memo.c: class the profiles of every memoised rule (single-threaded, before
 * matching), and free what that made. */
int cmi_memo_prepare(cm_policy *p, prule *r);
void cmi_memo_free(memo *m);
/* The same for a memoised rule's classes of a side. */
void cmi_memo_forget(memo *m, int side, size_t from);
void cmi_uses_free(uses *u);
/* Is field f (or derived d, or attrs) of a side allowed by u? */
int cmi_uses_allows_field(const uses *u, int side, const field_def *f);
int cmi_uses_allows_derived(const uses *u, int side, int d);
int cmi_uses_allows_attr(const uses *u, int side, const char *name);
/* Add a field (schema path, attrs.NAME or derived name) a memoised rule reads. */
int cmi_uses_add(cm_policy *p, uses *u, int side, const char *name, char *err, size_t errlen);

#endif
