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
    B_REGEX                   /* a PCRE2 pattern over a text field */
};

typedef struct builtin {
    enum builtin_kind kind;
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
    size_t cache_n;
} builtin;

typedef struct prule {        /* a filter or a rule */
    char *name;
    char *group;              /* rules: group name, or NULL */
    double weight;            /* rules */
    int region_side;          /* rules: part of the region's view, not the score */
    double threshold;         /* filters over a built-in: pass when score >= threshold */
    int line;                 /* where it is declared */
    str_ref file;             /* in which file (policy.strings), STR_NONE: the policy's */
    builtin b;
    int fn;                   /* B_LUA: index of its function in every state */
} prule;

typedef struct derive_def {
    char *name;
    int side;
    int line;
    int fn;
    str_ref file;             /* as for prule */
} derive_def;

/* A derived value of one profile. */
typedef struct dval {
    uint8_t type;             /* T_NONE, T_STRING, T_NUMBER, T_BOOL */
    double num;
    str_ref str;              /* in policy.strings */
} dval;

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
} pstate;

struct cm_policy {
    cm_engine *engine;
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
    size_t dcount[2];         /* profiles the values were computed for */
    strpool strings;          /* derived strings */
    double min_score;
    size_t top;
    int nfns;
    int lint;                 /* keep declaration problems instead of failing */
    struct { int line; str_ref file; char *msg; } *problems;
    size_t nproblems;
    pstate main;              /* the state the policy was loaded in */
};

/* policy.c: the rules path when none is given, for a policy at path. */
void policy_default_rules_path(const char *path, char *out, size_t n);

/* policy_state.c */
/* Reasons from Lua are cut to this many bytes, ending with "..." (see
 * capmatch-policy(5)); buffers for them hold CM_REASON_MAX + 1. */
#define CM_REASON_MAX 1024
int pstate_open(cm_policy *p, pstate *ps, char *err, size_t errlen);
void pstate_close(pstate *ps);
/* Call function fn on (profile views, params); leaves its results. */
int pstate_call_rule(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, double *score,
                     char *reason, size_t reason_len, char *err, size_t errlen);
int pstate_call_filter(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, int *pass,
                       char *reason, size_t reason_len, char *err, size_t errlen);
int pstate_call_derive(cm_policy *p, pstate *ps, int fn, int side, uint32_t index, dval *out,
                       char *err, size_t errlen);
/* Register the policy language (policy, params, rule, filter, derive,
 * builtin.*) in a state; collect declarations when `collect` is set. */
void policy_lang_open(cm_policy *p, pstate *ps, int collect);
/* The profile index of the view at idx, which must be of this side. */
uint32_t pview_index(lua_State *L, int idx, int side);
/* Register the cm and re modules and the profile views. */
void policy_views_open(cm_policy *p, pstate *ps);

/* The file a declaration was made in: the policy's, or a module it required. */
const char *policy_file(const cm_policy *p, str_ref file);

/* policy.c: compute derived values of profiles loaded since the last call. */
int policy_derive(cm_policy *p, char *err, size_t errlen);

/* scorer.c: evaluate a built-in for a pair; reason may be NULL. */
double scorer_eval(const cm_policy *p, pstate *ps, const builtin *b, uint32_t ei, uint32_t ri,
                   char *reason, size_t reason_len, int *error);
/* Compute what a built-in can know of each profile alone (range values),
 * for profiles loaded since the last call. Single-threaded, before matching. */
int builtin_prepare(const cm_policy *p, builtin *b);
/* Resolve a field name of a side ("sectors", "attrs.x", a derived name). */
int fref_resolve(cm_policy *p, fref *r, int side, const char *path, char *err, size_t errlen);
void fref_free(fref *r);
void builtin_free(builtin *b);

#endif
