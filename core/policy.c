/*
 * policy.c - loading a policy: the policy language (policy, params, rule,
 * filter, derive, builtin.*), the checks a policy must pass before it runs,
 * and the values derived once per profile.
 *
 * The policy file runs once in each Lua state (one per worker); only the
 * first run collects declarations into C structures. Built-in rule specs
 * are compiled here (fields resolved, regexes compiled with JIT), so that
 * matching never parses or compiles anything.
 */
#include "policy.h"
#include "vocab.h"
#include "alloc.h"
#include "engine.h"
#include "file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <lauxlib.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys each declaration accepts, for "unknown key" errors. */
static const char *const policy_keys[] = { "name", "description", "min_score", "top", "diversity",
                                           "aggregate", NULL };
static const char *const diversity_keys[] = { "by", "penalty", "window", NULL };
static const char *const rule_keys[] = { "name", "weight", "group", "score", "side", "uses",
                                         "explain", "cost", NULL };
static const char *const aggregate_keys[] = { "method", "normalisation", "candidates",
                                              "preference", "q", "p", "s", NULL };
static const char *const filter_keys[] = { "name", "check", "threshold", "uses", "explain", NULL };
static const char *const derive_keys[] = { "name", "side", "value", NULL };

typedef void compile_fn(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what);
static compile_fn compile_isic_fit, compile_overlap, compile_distance, compile_range,
    compile_member, compile_equals, compile_regex, compile_best_product;

/* The built-ins: name, kind, what reads its own arguments, the keys it takes. */
static const struct {
    const char *name;
    enum builtin_kind kind;
    compile_fn *compile;
    const char *const keys[8];
} builtins[] = {
    { "isic_fit", B_ISIC_FIT, compile_isic_fit,
      { "enterprise", "region", "levels", "broader", "factor", NULL } },
    { "overlap", B_OVERLAP, compile_overlap,
      { "enterprise", "region", "mode", "of", "factor", NULL } },
    { "distance", B_DISTANCE, compile_distance, { "scale_km", "factor", NULL } },
    { "range", B_RANGE, compile_range,
      { "enterprise", "region", "min", "max", "currency", "tolerance", "factor", NULL } },
    { "member", B_MEMBER, compile_member, { "enterprise", "region", "empty", "factor", NULL } },
    { "equals", B_EQUALS, compile_equals, { "enterprise", "region", "value", "factor", NULL } },
    { "regex", B_REGEX, compile_regex,
      { "enterprise", "region", "pattern", "flags", "factor", NULL } },
    { "best_product", B_PRODUCT, compile_best_product,
      { "enterprise", "region", "abroad", "factor", NULL } },
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static cm_policy *policy_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

static int collecting(lua_State *L)
{
    return lua_toboolean(L, lua_upvalueindex(2));
}

static int caller_line(lua_State *L);
static str_ref caller_file(lua_State *L);

static str_ref file_of(cm_policy *p, lua_State *L);

/* Keep a finding at the line (and file) of the Lua code that called the
 * running C function. */
static void keep_problem(cm_policy *p, lua_State *L, const char *msg, int warning)
{
    size_t cap = p->nproblems;
    if (cm_grow((void **)&p->problems, &cap, p->nproblems + 1, sizeof *p->problems) < 0)
        luaL_error(L, "out of memory");
    p->problems[p->nproblems].line = caller_line(L);
    p->problems[p->nproblems].file = file_of(p, L);
    p->problems[p->nproblems].msg = cm_strdup(msg);
    p->problems[p->nproblems].warning = warning;
    p->nproblems++;
}

/* A problem with a declaration: an error, or in lint mode (capmatch check)
 * a finding kept with its line, so that every problem is reported at once. */
static void problem(lua_State *L, const char *fmt, ...)
{
    cm_policy *p = policy_of(L);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->lint) {
        luaL_error(L, "%s", msg);
        return;
    }
    keep_problem(p, L, msg, 0);
}

void cmi_policy_note(cm_policy *p, lua_State *L, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    keep_problem(p, L, msg, 1);
}

/* Raise "unknown key" for any key of the table at idx not in keys. */
static void check_keys(lua_State *L, int idx, const char *what, const char *const *keys)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: keys must be names", what);
        const char *k = lua_tostring(L, -1);
        int known = 0;
        for (int i = 0; keys[i]; i++)
            known |= strcmp(keys[i], k) == 0;
        if (!known) {
            char list[256] = "";
            size_t o = 0;
            for (int i = 0; keys[i]; i++) {
                int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", keys[i]);
                if (w > 0 && (size_t)w < sizeof list - o)
                    o += (size_t)w;
            }
            const char *near = cmi_word_nearest(k, keys, SIZE_MAX);
            if (near)
                problem(L, "%s: unknown key '%s'; did you mean '%s'? (known: %s)", what, k, near,
                        list);
            else
                problem(L, "%s: unknown key '%s' (known: %s)", what, k, list);
        }
    }
}

static char *opt_string(lua_State *L, int idx, const char *key, const char *what, int required)
{
    lua_getfield(L, idx, key);
    char *s = NULL;
    if (lua_isstring(L, -1) && lua_type(L, -1) == LUA_TSTRING) {
        s = cm_strdup(lua_tostring(L, -1));
        if (s == NULL)
            luaL_error(L, "out of memory");
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: '%s' must be a string, not a %s", what, key, luaL_typename(L, -1));
    } else if (required) {
        luaL_error(L, "%s: '%s' is required", what, key);
    }
    lua_pop(L, 1);
    return s;
}

static int opt_number(lua_State *L, int idx, const char *key, const char *what, double *out)
{
    lua_getfield(L, idx, key);
    int t = lua_type(L, -1);
    if (t == LUA_TNUMBER)
        *out = lua_tonumber(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "%s: '%s' must be a number, not a %s", what, key, luaL_typename(L, -1));
    lua_pop(L, 1);
    return t == LUA_TNUMBER;
}

/* Line of the Lua code that called the declaring function. */
static int caller_line(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
        return ar.currentline;
    return 0;
}

/* The file of the Lua code that called the declaring function, when it is
 * not the policy itself (a module of rules the policy required). */
static str_ref caller_file(lua_State *L)
{
    return file_of(policy_of(L), L);
}

static str_ref file_of(cm_policy *p, lua_State *L)
{
    lua_Debug ar;
    str_ref r = STR_NONE;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@' &&
        strcmp(ar.source + 1, p->path) != 0 &&
        cmi_strpool_intern(&p->strings, ar.source + 1, strlen(ar.source + 1), &r) < 0)
        luaL_error(L, "out of memory");
    return r;
}

const char *cmi_policy_file(const cm_policy *p, str_ref file)
{
    return file == STR_NONE ? p->path : strpool_get(&p->strings, file);
}

/* Append the function at idx to the state's list; returns its index. */
static int keep_function(lua_State *L, int idx)
{
    cm_policy *p = policy_of(L);
    (void)p;
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.fns");
    lua_Integer n = luaL_len(L, -1);
    lua_pushvalue(L, idx);
    lua_rawseti(L, -2, n + 1);
    lua_pop(L, 1);
    return (int)n;
}

/* ---- policy { ... } --------------------------------------------------------- */

/* diversity = { by = "group" or { "group", "country" }, penalty = 0.1, window = 10 } */
static void parse_diversity(lua_State *L, int t, div_spec *d)
{
    if (!lua_istable(L, t))
        luaL_error(L, "policy: diversity must be a table { by = ..., penalty = ... }, not a %s",
                   luaL_typename(L, t));
    check_keys(L, t, "policy: diversity", diversity_keys);
    *d = (div_spec){ 0, 0.1, 10 };
    lua_getfield(L, t, "by");
    int by = lua_gettop(L);
    size_t n = lua_istable(L, by) ? lua_rawlen(L, by) : 1;
    if (lua_isnil(L, by) || (lua_istable(L, by) && n == 0))
        luaL_error(L, "policy: diversity: 'by' is required: one of %s, or a list of them",
                   cmi_div_keys_expected());
    for (size_t i = 1; i <= n; i++) {
        if (lua_istable(L, by))
            lua_rawgeti(L, by, (lua_Integer)i);
        else
            lua_pushvalue(L, by);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        unsigned bit = k ? cmi_div_key_of(k) : 0;
        if (bit == 0)
            luaL_error(L, "policy: diversity: by: expected one of %s, found %s%s%s",
                       cmi_div_keys_expected(), k ? "'" : "a ", k ? k : luaL_typename(L, -1),
                       k ? "'" : "");
        d->by |= bit;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    double v;
    char num[64];
    if (opt_number(L, t, "penalty", "policy: diversity", &v)) {
        snprintf(num, sizeof num, "%g", v);
        if (!(v > 0 && v <= 1))
            luaL_error(L, "policy: diversity: penalty must be in (0, 1], not %s", num);
        d->penalty = v;
    }
    if (opt_number(L, t, "window", "policy: diversity", &v)) {
        snprintf(num, sizeof num, "%g", v);
        if (!(v >= 1 && v <= 1000) || v != floor(v))
            luaL_error(L, "policy: diversity: window must be a whole number from 1 to 1000, not %s",
                       num);
        d->window = (unsigned)v;
    }
}

/* aggregate = { method = "topsis", normalisation = "vector", candidates = 200,
 * preference = "linear", q = 0.05, p = 0.3 } */
static void take_aggregate(lua_State *L, cm_policy *p, int idx)
{
    const char *what = "policy: aggregate";
    if (!lua_istable(L, idx))
        luaL_error(L, "%s: expected a table (method, normalisation, candidates ...), not a %s",
                   what, luaL_typename(L, idx));
    check_keys(L, idx, what, aggregate_keys);
    aggregate_def *a = &p->agg;
    char *s = opt_string(L, idx, "method", what, 1);
    int m = cm_mcda_method_parse(s);
    if (m < 0 || m == CM_MCDA_AHP) {
        char name[64];
        snprintf(name, sizeof name, "%s", s);
        cm_free(s);
        luaL_error(L, "%s: method must be topsis, promethee2 or wsm, not '%s'%s", what, name,
                   m == CM_MCDA_AHP ? " (AHP gives weights: rule { weight = w[1] } with "
                                      "w = mcda.ahp(matrix))" : "");
    }
    cm_free(s);
    a->method = (cm_mcda_method)m;
    a->norm = CM_NORM_DEFAULT;
    static const char *const norms[] = { "none", "vector", "minmax", "sum", "max", NULL };
    s = opt_string(L, idx, "normalisation", what, 0);
    for (int i = 0; s && norms[i]; i++)
        if (strcmp(s, norms[i]) == 0)
            a->norm = (cm_mcda_norm)(CM_NORM_NONE + i);
    if (s && a->norm == CM_NORM_DEFAULT) {
        char name[64];
        snprintf(name, sizeof name, "%s", s);
        cm_free(s);
        luaL_error(L, "%s: normalisation must be vector, minmax, sum, max or none, not '%s'",
                   what, name);
    }
    cm_free(s);
    if (a->method == CM_MCDA_PROMETHEE2 && a->norm != CM_NORM_DEFAULT && a->norm != CM_NORM_NONE)
        luaL_error(L, "%s: promethee2 compares the scores as they are: no normalisation", what);
    double d = 200;
    if (opt_number(L, idx, "candidates", what, &d) && (!(d >= 1 && d <= 100000) || d != floor(d)))
        luaL_error(L, "%s: candidates must be a whole number from 1 to 100000, not %f", what, d);
    a->candidates = (size_t)d;
    static const char *const prefs[] = { "usual", "u-shape", "v-shape", "level", "linear",
                                         "gaussian", NULL };
    s = opt_string(L, idx, "preference", what, 0);
    int kind = s ? -1 : 0, given = s != NULL;
    for (int i = 0; s && prefs[i]; i++)
        if (strcmp(s, prefs[i]) == 0)
            kind = i;
    cm_free(s);
    if (kind < 0)
        luaL_error(L, "%s: preference must be usual, u-shape, v-shape, level, linear or "
                      "gaussian", what);
    if (given && a->method != CM_MCDA_PROMETHEE2)
        luaL_error(L, "%s: preference is for promethee2", what);
    a->pref.kind = (cm_pref_kind)kind;
    int has_q = opt_number(L, idx, "q", what, &a->pref.q);
    int has_p = opt_number(L, idx, "p", what, &a->pref.p);
    int has_s = opt_number(L, idx, "s", what, &a->pref.s);
    int need_q = kind == CM_PREF_USHAPE || kind == CM_PREF_LEVEL || kind == CM_PREF_LINEAR;
    int need_p = kind == CM_PREF_VSHAPE || kind == CM_PREF_LEVEL || kind == CM_PREF_LINEAR;
    int need_s = kind == CM_PREF_GAUSSIAN;
    if (has_q != need_q || has_p != need_p || has_s != need_s)
        luaL_error(L, "%s: preference %s takes %s", what, prefs[kind],
                   need_s ? "s" : need_q && need_p ? "q and p" : need_q ? "q" : need_p ? "p"
                                                                          : "no threshold");
    /* the thresholds' ranges, by the method's own checks on a tiny problem */
    double x[2] = { 0, 1 }, w = 1, sc[2];
    cm_mcda_problem pb = { 2, 1, x, &w, NULL, CM_NORM_DEFAULT, &a->pref, 0 };
    if (a->method == CM_MCDA_PROMETHEE2 && cm_mcda_scores(a->method, &pb, sc, NULL) != CM_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", cm_last_error());
        luaL_error(L, "%s: %s", what, strchr(msg, ':') ? strchr(msg, ':') + 2 : msg);
    }
    a->on = 1;
}

static int l_policy(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!collecting(L))
        return 0;
    cm_policy *p = policy_of(L);
    if (p->name)
        return luaL_error(L, "policy: declared twice");
    check_keys(L, 1, "policy", policy_keys);
    p->name = opt_string(L, 1, "name", "policy", 1);
    p->description = opt_string(L, 1, "description", "policy", 0);
    double d;
    if (opt_number(L, 1, "min_score", "policy", &d)) {
        if (!(d >= 0 && d <= 1))
            return luaL_error(L, "policy: min_score must be in [0, 1], not %f", d);
        p->min_score = d;
    }
    if (opt_number(L, 1, "top", "policy", &d)) {
        if (!(d >= 1 && d <= 1e6) || d != floor(d))
            return luaL_error(L, "policy: top must be a whole number from 1, not %f", d);
        p->top = (size_t)d;
    }
    lua_getfield(L, 1, "diversity");
    if (!lua_isnil(L, -1))
        parse_diversity(L, lua_gettop(L), &p->diversity);
    lua_pop(L, 1);
    lua_getfield(L, 1, "aggregate");
    if (!lua_isnil(L, -1))
        take_aggregate(L, p, lua_gettop(L));
    lua_pop(L, 1);
    return 0;
}

/* ---- params { name = default, ... } ------------------------------------------ */

static int param_index(const cm_policy *p, const char *name)
{
    for (size_t i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void push_param(lua_State *L, const param *pa)
{
    if (pa->type == T_NUMBER)
        lua_pushnumber(L, pa->num);
    else if (pa->type == T_BOOL)
        lua_pushboolean(L, pa->num != 0);
    else
        lua_pushstring(L, pa->str);
}

static int l_params(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    cm_policy *p = policy_of(L);
    if (collecting(L)) {
        /* defaults (sorted by name once loading is done) */
        lua_pushnil(L);
        while (lua_next(L, 1)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return luaL_error(L, "params: names must be strings");
            const char *k = lua_tostring(L, -2);
            int t = lua_type(L, -1);
            if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
                return luaL_error(L, "params: '%s' must default to a number, string or boolean", k);
            int i = param_index(p, k);
            if (i >= 0 && p->params[i].set) {
                /* given with --set: its type must fit the default's */
                param *pa = &p->params[i];
                int want = t == LUA_TNUMBER ? T_NUMBER : t == LUA_TBOOLEAN ? T_BOOL : T_STRING;
                if (want == T_NUMBER && pa->type != T_NUMBER)
                    return luaL_error(L, "--set %s=%s: expected a number", k, pa->str);
                if (want == T_BOOL && pa->type != T_BOOL)
                    return luaL_error(L, "--set %s=%s: expected true or false", k,
                                      pa->str ? pa->str : "?");
                if (want == T_STRING && pa->type != T_STRING) {
                    /* a number or boolean given for a string: keep the text */
                    pa->type = T_STRING;
                }
                pa->set = 2;  /* declared */
            } else if (i >= 0) {
                return luaL_error(L, "params: '%s' declared twice", k);
            } else {
                if (cm_grow((void **)&p->params, &(size_t){ p->nparams }, p->nparams + 1,
                            sizeof *p->params) < 0)
                    return luaL_error(L, "out of memory");
                param *pa = &p->params[p->nparams];
                memset(pa, 0, sizeof *pa);
                pa->name = cm_strdup(k);
                if (t == LUA_TNUMBER) {
                    pa->type = T_NUMBER;
                    pa->num = lua_tonumber(L, -1);
                } else if (t == LUA_TBOOLEAN) {
                    pa->type = T_BOOL;
                    pa->num = lua_toboolean(L, -1);
                } else {
                    pa->type = T_STRING;
                    pa->str = cm_strdup(lua_tostring(L, -1));
                }
                pa->set = 2;
                p->nparams++;
            }
            lua_pop(L, 1);
        }
    }
    /* the effective table, read-only by convention; the same in every state */
    lua_newtable(L);
    for (size_t i = 0; i < p->nparams; i++) {
        push_param(L, &p->params[i]);
        lua_setfield(L, -2, p->params[i].name);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "capmatch.params");
    return 1;
}

/* ---- builtin.KIND { ... } ------------------------------------------------------ */

static int l_builtin(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setfield(L, -2, "__builtin");
    luaL_setmetatable(L, "capmatch.spec");
    return 1;
}

static void compile_builtin(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what);

static int builtin_gc(lua_State *L)
{
    cmi_builtin_free(luaL_checkudata(L, 1, "capmatch.builtin"));
    return 0;
}

/* A spec called as a function, spec(e, r): the same C scorer a declarative
 * rule runs, compiled on first use in this state, returning score, reason. */
static int l_builtin_call(lua_State *L)
{
    cm_policy *p = policy_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    uint32_t ei = cmi_pview_index(L, 2, SIDE_ENTERPRISE);
    uint32_t ri = cmi_pview_index(L, 3, SIDE_REGION);
    lua_pushliteral(L, "__compiled");
    lua_rawget(L, 1);
    builtin *b = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (b == NULL) {
        b = lua_newuserdatauv(L, sizeof *b, 0);
        memset(b, 0, sizeof *b);
        luaL_setmetatable(L, "capmatch.builtin");
        int u = lua_gettop(L);
        lua_getfield(L, 1, "__builtin");
        char what[64];
        snprintf(what, sizeof what, "builtin.%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        compile_builtin(L, p, 1, b, what);
        lua_pushliteral(L, "__compiled");
        lua_pushvalue(L, u);
        lua_rawset(L, 1);
        lua_pop(L, 1);
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.pstate");
    pstate *ps = lua_touserdata(L, -1);
    lua_pop(L, 1);
    char reason[512];
    int error = 0;
    double s = cmi_scorer_eval(p, ps, b, ei, ri, reason, sizeof reason, &error);
    if (error)
        return luaL_error(L, "%s", reason);
    lua_pushnumber(L, s);
    lua_pushstring(L, reason);
    return 2;
}

static void fref_from(lua_State *L, cm_policy *p, int idx, const char *key, int side,
                      fref *out, const char *def, const char *what)
{
    lua_getfield(L, idx, key);
    const char *path = lua_isstring(L, -1) ? lua_tostring(L, -1) : def;
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "%s: '%s' must name a field", what, key);
    char err[256];
    if (path == NULL)
        luaL_error(L, "%s: '%s' is required", what, key);
    if (cmi_fref_resolve(p, out, side, path, err, sizeof err) < 0)
        luaL_error(L, "%s: %s", what, err);
    lua_pop(L, 1);
}

static int has_key(lua_State *L, int idx, const char *key)
{
    int t = lua_getfield(L, idx, key);
    lua_pop(L, 1);
    return t != LUA_TNIL;
}

/* Raise "builtin.NAME: unknown built-in", with the nearest name and the list. */
static int unknown_builtin(lua_State *L, const char *name)
{
    const char *names[NBUILTINS];
    char list[256] = "";
    size_t o = 0;
    for (size_t i = 0; i < NBUILTINS; i++) {
        names[i] = builtins[i].name;
        int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", names[i]);
        if (w > 0 && (size_t)w < sizeof list - o)
            o += (size_t)w;
    }
    const char *near = cmi_word_nearest(name, names, NBUILTINS);
    if (near)
        return luaL_error(L, "builtin.%s: unknown built-in; did you mean builtin.%s? (known: %s)",
                          name, near, list);
    return luaL_error(L, "builtin.%s: unknown built-in (known: %s)", name, list);
}

/* builtin.NAME for a NAME that is not one */
static int l_builtin_missing(lua_State *L)
{
    return unknown_builtin(L, luaL_tolstring(L, 2, NULL));
}

/* Compile the spec table at idx into b. Raises a Lua error naming what. */
/* Each built-in's own arguments (the common ones, factor and the key check,
 * are compile_builtin's). */
static void compile_isic_fit(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    fref_from(L, p, idx, "enterprise", SIDE_ENTERPRISE, &b->a, "sectors", what);
    fref_from(L, p, idx, "region", SIDE_REGION, &b->b, "sectors_sought", what);
    b->has_b = 1;
    /* levels = { within = 1, group = 0.75, division = 0.5, section = 0.25 } */
    static const char *const level_keys[] = { "section", "division", "group", "within", NULL };
    const double dflt[4] = { 0.25, 0.5, 0.75, 1 };
    memcpy(b->levels, dflt, sizeof dflt);
    if (lua_getfield(L, idx, "levels") == LUA_TTABLE) {
        int t = lua_gettop(L);
        char w[128];
        snprintf(w, sizeof w, "%s: levels", what);
        check_keys(L, t, w, level_keys);
        for (int l = 0; l < 4; l++)
            if (opt_number(L, t, level_keys[l], w, &b->levels[l]) &&
                !(b->levels[l] >= 0 && b->levels[l] <= 1))
                luaL_error(L, "%s.%s must be in [0, 1]", w, level_keys[l]);
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: levels must be a table { within =, group =, division =, "
                      "section = }", what);
    }
    lua_pop(L, 1);
    b->broader = b->levels[3];
    if (opt_number(L, idx, "broader", what, &b->broader) &&
        !(b->broader >= 0 && b->broader <= 1))
        luaL_error(L, "%s: broader must be in [0, 1]", what);
}

static void compile_overlap(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    fref_from(L, p, idx, "enterprise", SIDE_ENTERPRISE, &b->a, "offers", what);
    fref_from(L, p, idx, "region", SIDE_REGION, &b->b, "needs", what);
    b->has_b = 1;
    char *mode = opt_string(L, idx, "mode", what, 0);
    if (mode && strcmp(mode, "jaccard") == 0)
        b->jaccard = 1;
    else if (mode && strcmp(mode, "coverage") != 0) {
        cm_free(mode);
        luaL_error(L, "%s: mode must be coverage or jaccard", what);
    }
    cm_free(mode);
    char *of = opt_string(L, idx, "of", what, 0);
    if (of && strcmp(of, "enterprise") == 0)
        b->of_a = 1;
    else if (of && strcmp(of, "region") != 0) {
        cm_free(of);
        luaL_error(L, "%s: of must be enterprise or region (whose list is covered)", what);
    }
    cm_free(of);
}

static void compile_distance(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    (void)p;
    if (!opt_number(L, idx, "scale_km", what, &b->scale) || !(b->scale > 0))
        luaL_error(L, "%s: scale_km, a distance > 0 in km where the score reaches 0, "
                      "is required", what);
}

static void compile_range(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    int side = has_key(L, idx, "region") ? SIDE_REGION : SIDE_ENTERPRISE;
    fref_from(L, p, idx, side == SIDE_REGION ? "region" : "enterprise", side, &b->a, NULL,
              what);
    b->lo = -HUGE_VAL;
    b->hi = HUGE_VAL;
    int hl = opt_number(L, idx, "min", what, &b->lo);
    int hh = opt_number(L, idx, "max", what, &b->hi);
    if (!hl && !hh)
        luaL_error(L, "%s: give min, max or both", what);
    if (b->lo > b->hi)
        luaL_error(L, "%s: min %f is above max %f", what, b->lo, b->hi);
    b->tolerance = 10;
    if (opt_number(L, idx, "tolerance", what, &b->tolerance) && !(b->tolerance > 1))
        luaL_error(L, "%s: tolerance must be a factor > 1", what);
    char *cur = opt_string(L, idx, "currency", what, 0);
    if (cur) {
        b->currency = cmi_iso_currency(cur, strlen(cur));
        cm_free(cur);
        if (b->currency == 0)
            luaL_error(L, "%s: currency must be an ISO 4217 code", what);
    }
    int money = b->a.f && (b->a.f->shape == SHAPE_GROUP);
    if (money && !b->currency)
        luaL_error(L, "%s: '%s' is an amount of money: give the band's currency", what,
                   b->a.path);
}

static void compile_member(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    fref_from(L, p, idx, "enterprise", SIDE_ENTERPRISE, &b->a, "target_countries", what);
    fref_from(L, p, idx, "region", SIDE_REGION, &b->b, "country", what);
    b->has_b = 1;
    char *empty = opt_string(L, idx, "empty", what, 0);
    if (empty && strcmp(empty, "pass") == 0)
        b->empty_passes = 1;
    else if (empty && strcmp(empty, "fail") != 0) {
        cm_free(empty);
        luaL_error(L, "%s: empty must be pass or fail", what);
    }
    cm_free(empty);
}

static void compile_equals(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    int he = has_key(L, idx, "enterprise"), hr = has_key(L, idx, "region");
    if (he)
        fref_from(L, p, idx, "enterprise", SIDE_ENTERPRISE, &b->a, NULL, what);
    if (hr)
        fref_from(L, p, idx, hr && he ? "region" : "region", SIDE_REGION,
                  he ? &b->b : &b->a, NULL, what);
    b->has_b = he && hr;
    lua_getfield(L, idx, "value");
    if (lua_type(L, -1) == LUA_TNUMBER) {
        b->constant_is_num = 1;
        b->constant_num = lua_tonumber(L, -1);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        b->constant = cm_strdup(lua_tostring(L, -1));
    } else if (lua_type(L, -1) == LUA_TBOOLEAN) {
        b->constant = cm_strdup(lua_toboolean(L, -1) ? "true" : "false");
    }
    lua_pop(L, 1);
    if (!he && !hr)
        luaL_error(L, "%s: name an enterprise or region field", what);
    if (!b->has_b && !b->constant && !b->constant_is_num)
        luaL_error(L, "%s: give a value, or fields of both sides", what);
    if (b->has_b && (b->constant || b->constant_is_num))
        luaL_error(L, "%s: give a value or two fields, not both", what);
    if (p->lint && b->constant) {
        /* a value the field can never hold: the rule never fires */
        lua_getfield(L, idx, he ? "enterprise" : "region");
        char msg[400];
        const char *why = cmi_schema_value_problem(lua_tostring(L, -1), b->constant, msg,
                                               sizeof msg);
        lua_pop(L, 1);
        if (why)
            problem(L, "%s: value %s", what, why);
    }
}

static void compile_regex(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    int hr = has_key(L, idx, "region");
    fref_from(L, p, idx, hr ? "region" : "enterprise", hr ? SIDE_REGION : SIDE_ENTERPRISE,
              &b->a, "description", what);
    b->pattern = opt_string(L, idx, "pattern", what, 1);
    char *flags = opt_string(L, idx, "flags", what, 0);
    char err[400];
    b->re = cmi_policy_regex_compile(b->pattern, strlen(b->pattern), flags, err, sizeof err);
    cm_free(flags);
    if (b->re == NULL)
        luaL_error(L, "%s: %s", what, err);
}

static void compile_best_product(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    fref_from(L, p, idx, "enterprise", SIDE_ENTERPRISE, &b->a, NULL, what);
    fref_from(L, p, idx, "region", SIDE_REGION, &b->b, NULL, what);
    b->has_b = 1;
    if (b->a.derived < 0 || b->b.derived < 0)
        luaL_error(L, "%s: enterprise and region must name derived lists of \"NAME value\" "
                      "items", what);
    if (lua_getfield(L, idx, "abroad") == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        b->abroad = cm_calloc((size_t)(n > 0 ? n : 1), sizeof *b->abroad);
        if (b->abroad == NULL)
            luaL_error(L, "out of memory");
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            size_t len;
            const char *name = lua_tolstring(L, -1, &len);
            if (name == NULL || cmi_strpool_intern(&p->strings, name, len,
                                               &b->abroad[b->nabroad++]) < 0)
                luaL_error(L, "%s: abroad must list item names", what);
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: abroad must list item names", what);
    }
    lua_pop(L, 1);
}

static void compile_builtin(lua_State *L, cm_policy *p, int idx, builtin *b, const char *what)
{
    lua_getfield(L, idx, "__builtin");
    const char *kind = lua_tostring(L, -1);
    lua_pop(L, 1);
    size_t k = 0;
    while (k < NBUILTINS && strcmp(builtins[k].name, kind) != 0)
        k++;
    if (k == NBUILTINS)
        unknown_builtin(L, kind);
    memset(b, 0, sizeof *b);
    b->kind = builtins[k].kind;
    b->a.derived = b->b.derived = -1;
    b->fn = -1;
    b->factor = 1;
    if (opt_number(L, idx, "factor", what, &b->factor) && !(b->factor > 0 && b->factor <= 1))
        luaL_error(L, "%s: factor must be in (0, 1], not %g", what, b->factor);
    /* the marker key is ours, not the policy's */
    lua_pushnil(L);
    lua_setfield(L, idx, "__builtin");
    check_keys(L, idx, what, builtins[k].keys);
    lua_pushstring(L, kind);
    lua_setfield(L, idx, "__builtin");

    builtins[k].compile(L, p, idx, b, what);
}

/* One scorer at the top of the stack: a function or a built-in spec. */
static void take_one(lua_State *L, cm_policy *p, prule *r, builtin *b, const char *key,
                     const char *what)
{
    int top = lua_gettop(L);
    if (lua_isfunction(L, top)) {
        if (r->fn >= 0)
            luaL_error(L, "%s: '%s' may hold one function (the others must be built-ins)",
                       what, key);
        memset(b, 0, sizeof *b);
        b->kind = B_LUA;
        b->factor = 1;
        b->a.derived = b->b.derived = -1;
        b->fn = r->fn = keep_function(L, top);
        p->nfns++;
    } else if (lua_istable(L, top) && has_key(L, top, "__builtin")) {
        compile_builtin(L, p, top, b, what);
    } else {
        luaL_error(L, "%s: '%s' must be a function or a builtin.* spec, not a %s", what, key,
                   luaL_typename(L, top));
    }
}

/* A filter's check or a rule's score: a function, a built-in spec, or (rules)
 * a list of them, the score being the best of them. */
static void take_scorer(lua_State *L, cm_policy *p, int idx, const char *key, prule *r,
                        const char *what)
{
    lua_getfield(L, idx, key);
    int top = lua_gettop(L);
    r->fn = -1;
    if (lua_istable(L, top) && !has_key(L, top, "__builtin") && key[0] == 's') {
        lua_Integer n = luaL_len(L, top);
        if (n < 1 || n > 16)
            luaL_error(L, "%s: '%s' as a list takes 1 to 16 scorers", what, key);
        r->more = cm_calloc((size_t)n, sizeof *r->more);
        if (r->more == NULL)
            luaL_error(L, "out of memory");
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, top, i);
            if (i > 1)
                r->nmore++;   /* counted first: a part that fails half-made is freed too */
            take_one(L, p, r, i == 1 ? &r->b : &r->more[i - 2], key, what);
            lua_pop(L, 1);
        }
    } else {
        take_one(L, p, r, &r->b, key, what);
    }
    lua_pop(L, 1);
}

/* In a state that does not collect: keep the same functions in the same
 * order as the collecting one did. */
static void keep_functions(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    int top = lua_gettop(L);
    if (lua_isfunction(L, top)) {
        keep_function(L, top);
    } else if (lua_istable(L, top) && !has_key(L, top, "__builtin")) {
        lua_Integer n = luaL_len(L, top);
        for (lua_Integer i = 1; i <= n && i <= 16; i++) {
            lua_rawgeti(L, top, i);
            if (lua_isfunction(L, -1))
                keep_function(L, lua_gettop(L));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

/* uses = { enterprise = { "sectors", ... }, region = { ... } } */
static void take_uses(lua_State *L, cm_policy *p, int idx, prule *r, const char *what)
{
    static const char *const side_keys[] = { "enterprise", "region", NULL };
    if (lua_getfield(L, idx, "uses") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    int t = lua_gettop(L);
    if (!lua_istable(L, t))
        luaL_error(L, "%s: uses must be a table { enterprise = { fields }, region = { fields } }",
                   what);
    if (r->fn < 0)
        luaL_error(L, "%s: uses is for a Lua function (built-ins need none)", what);
    char w[200];
    snprintf(w, sizeof w, "%s: uses", what);
    check_keys(L, t, w, side_keys);
    r->uses = cm_calloc(1, sizeof *r->uses);
    if (r->uses == NULL)
        luaL_error(L, "out of memory");
    for (int k = 0; k < 2; k++) {
        int side = k == 0 ? SIDE_ENTERPRISE : SIDE_REGION;
        if (lua_getfield(L, t, side_keys[k]) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        if (!lua_istable(L, -1))
            luaL_error(L, "%s.%s must be a list of field names", w, side_keys[k]);
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            if (lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "%s.%s[%d] must be a field name", w, side_keys[k], (int)i);
            char err[256];
            if (cmi_uses_add(p, r->uses, side, lua_tostring(L, -1), err, sizeof err) < 0)
                luaL_error(L, "%s.%s: %s", w, side_keys[k], err);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* explain = function (e, r, params, score) returning the reason */
static void take_explain(lua_State *L, cm_policy *p, prule *r, const char *what)
{
    lua_getfield(L, 1, "explain");
    if (lua_isfunction(L, -1)) {
        r->explain_fn = keep_function(L, lua_gettop(L));
        p->nfns++;
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: explain must be a function (e, r, params, score) returning the "
                      "reason", what);
    }
    lua_pop(L, 1);
}

static int declare(lua_State *L, int filter)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    cm_policy *p = policy_of(L);
    prule tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.fn = tmp.explain_fn = -1;
    char what[160];
    lua_getfield(L, 1, "name");
    snprintf(what, sizeof what, "%s '%s'", filter ? "filter" : "rule",
             lua_isstring(L, -1) ? lua_tostring(L, -1) : "?");
    lua_pop(L, 1);
    if (!collecting(L)) {
        /* other states only keep the functions, in the same order */
        keep_functions(L, 1, filter ? "check" : "score");
        keep_functions(L, 1, "explain");
        return 0;
    }
    check_keys(L, 1, what, filter ? filter_keys : rule_keys);
    tmp.line = caller_line(L);
    tmp.file = caller_file(L);
    prule **list = filter ? &p->filters : &p->rules;
    size_t *n = filter ? &p->nfilters : &p->nrules;
    /* grow first so that a failure below leaves nothing half-made in the list */
    size_t cap = *n;
    if (cm_grow((void **)list, &cap, *n + 1, sizeof **list) < 0)
        return luaL_error(L, "out of memory");
    tmp.name = opt_string(L, 1, "name", what, 1);
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].name, tmp.name) == 0) {
            int line = (*list)[i].line;
            cm_free(tmp.name);
            return luaL_error(L, "%s: a %s of that name is declared on line %d", what,
                              filter ? "filter" : "rule", line);
        }
    (*list)[*n] = tmp;        /* owned by the policy from here on */
    prule *r = &(*list)[(*n)++];
    if (filter) {
        r->threshold = 0;
        opt_number(L, 1, "threshold", what, &r->threshold);
        take_scorer(L, p, 1, "check", r, what);
        take_explain(L, p, r, what);
        take_uses(L, p, 1, r, what);
    } else {
        r->group = opt_string(L, 1, "group", what, 0);
        char *side = opt_string(L, 1, "side", what, 0);
        char bad[64] = "";    /* the message is raised after side is freed */
        if (side && strcmp(side, "region") == 0)
            r->region_side = 1;
        else if (side && strcmp(side, "enterprise") != 0)
            snprintf(bad, sizeof bad, "%s", side);
        cm_free(side);
        if (bad[0])
            problem(L, "%s: side must be enterprise (the score) or region (how the region "
                       "ranks enterprises), not '%s'", what, bad);
        lua_getfield(L, 1, "cost");
        if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
            problem(L, "%s: cost must be true or false, not a %s", what, luaL_typename(L, -1));
        r->minimise = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (!opt_number(L, 1, "weight", what, &r->weight)) {
            problem(L, "%s: 'weight' is required (a number > 0)", what);
            r->weight = 1;    /* lint mode goes on */
        } else if (!(r->weight > 0) || !isfinite(r->weight)) {
            problem(L, "%s: weight must be > 0, not %g", what, r->weight);
            r->weight = 1;
        }
        take_scorer(L, p, 1, "score", r, what);
        take_explain(L, p, r, what);
        take_uses(L, p, 1, r, what);
        r->cost = r->fn < 0 ? 0 : r->uses ? 1 : 2;
    }
    return 0;
}

static int l_rule(lua_State *L) { return declare(L, 0); }
static int l_filter(lua_State *L) { return declare(L, 1); }

static int l_derive(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    cm_policy *p = policy_of(L);
    lua_getfield(L, 1, "value");
    if (!lua_isfunction(L, -1))
        return luaL_error(L, "derive: 'value' must be a function of the profile");
    int fn = keep_function(L, lua_gettop(L));
    lua_pop(L, 1);
    if (!collecting(L))
        return 0;
    check_keys(L, 1, "derive", derive_keys);
    p->nfns++;
    derive_def d = { NULL, 0, caller_line(L), fn, caller_file(L) };
    char *side = opt_string(L, 1, "side", "derive", 1);
    if (strcmp(side, "enterprise") == 0)
        d.side = SIDE_ENTERPRISE;
    else if (strcmp(side, "region") == 0)
        d.side = SIDE_REGION;
    else {
        cm_free(side);
        return luaL_error(L, "derive: side must be enterprise or region");
    }
    cm_free(side);
    size_t cap = p->nderived;
    if (cm_grow((void **)&p->derived, &cap, p->nderived + 1, sizeof *p->derived) < 0)
        return luaL_error(L, "out of memory");
    d.name = opt_string(L, 1, "name", "derive", 1);
    const field_def *clash = cmi_schema_field(d.side == SIDE_REGION ? 0 : 1, d.name, strlen(d.name));
    for (size_t i = 0; i < p->nderived && !clash; i++)
        if (p->derived[i].side == d.side && strcmp(p->derived[i].name, d.name) == 0) {
            cm_free(d.name);
            return luaL_error(L, "derive: '%s' is already derived on line %d",
                              p->derived[i].name, p->derived[i].line);
        }
    if (clash) {
        char name[64];
        snprintf(name, sizeof name, "%s", d.name);
        cm_free(d.name);
        return luaL_error(L, "derive: '%s' is a field of the profile schema; pick another name",
                          name);
    }
    p->derived[p->nderived++] = d;
    return 0;
}

/* Set env[name] = top without the strict-globals metamethod. */
static void env_set(lua_State *L, const char *name)
{
    lua_pushstring(L, name);
    lua_insert(L, -2);
    lua_rawset(L, -3);
}

void cmi_policy_lang_open(cm_policy *p, pstate *ps, int collect)
{
    lua_State *L = cmi_sandbox_lua(ps->sb);
    static const struct { const char *name; lua_CFunction f; } fns[] = {
        { "policy", l_policy }, { "params", l_params }, { "rule", l_rule },
        { "filter", l_filter }, { "derive", l_derive },
    };
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "capmatch.fns");
    cmi_sandbox_push_env(ps->sb);
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        lua_pushlightuserdata(L, p);
        lua_pushboolean(L, collect);
        lua_pushcclosure(L, fns[i].f, 2);
        env_set(L, fns[i].name);
    }
    luaL_newmetatable(L, "capmatch.builtin");
    lua_pushcfunction(L, builtin_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, "capmatch.spec");
    lua_pushlightuserdata(L, p);
    lua_pushboolean(L, 0);
    lua_pushcclosure(L, l_builtin_call, 2);
    lua_setfield(L, -2, "__call");
    lua_pop(L, 1);
    lua_newtable(L);
    for (size_t i = 0; i < NBUILTINS; i++) {
        lua_pushstring(L, builtins[i].name);
        lua_pushcclosure(L, l_builtin, 1);
        lua_setfield(L, -2, builtins[i].name);
    }
    lua_newtable(L);
    lua_pushcfunction(L, l_builtin_missing);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    env_set(L, "builtin");
    lua_pop(L, 1);
}

/* ---- loading --------------------------------------------------------------- */

#ifndef CM_DATADIR
#define CM_DATADIR "/usr/local/share/capmatch"
#endif

/* The policy's text, through the base layer's whole-file read. */
/* The policy's text: a file, or standard input for "-". */
static char *read_policy(const char *path, size_t *len, char *err, size_t errlen)
{
    int in = strcmp(path, "-") == 0;
    char *text = in ? cmi_file_read_fd(0, (size_t)64 << 20, len) : cmi_file_read(path, (size_t)64 << 20, len);
    if (text == NULL)
        snprintf(err, errlen, "%s: cannot read the policy: %s", in ? "<stdin>" : path,
                 errno == EFBIG ? "over 64 MiB" : errno == EINVAL ? "not a regular file"
                                                                  : strerror(errno));
    return text;
}

/* "name=value" from --set: a number, true/false, or text. */
static int apply_set(cm_policy *p, const char *kv, char *err, size_t errlen)
{
    const char *eq = strchr(kv, '=');
    if (eq == NULL || eq == kv) {
        snprintf(err, errlen, "--set %s: expected name=value", kv);
        return -1;
    }
    size_t cap = p->nparams;
    if (cm_grow((void **)&p->params, &cap, p->nparams + 1, sizeof *p->params) < 0)
        return -1;
    param *pa = &p->params[p->nparams];
    memset(pa, 0, sizeof *pa);
    pa->name = cm_strndup(kv, (size_t)(eq - kv));
    pa->str = cm_strdup(eq + 1);
    if (pa->name == NULL || pa->str == NULL)
        return -1;
    for (size_t i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].name, pa->name) == 0) {
            snprintf(err, errlen, "--set %s: given twice", pa->name);
            cm_free(pa->name);
            cm_free(pa->str);
            return -1;
        }
    char *end;
    double d = strtod(pa->str, &end);
    if (*pa->str && *end == '\0' && isfinite(d)) {
        pa->type = T_NUMBER;
        pa->num = d;
    } else if (strcmp(pa->str, "true") == 0 || strcmp(pa->str, "false") == 0) {
        pa->type = T_BOOL;
        pa->num = strcmp(pa->str, "true") == 0;
    } else {
        pa->type = T_STRING;
    }
    pa->set = 1;
    pa->cli = 1;
    p->nparams++;
    return 0;
}

int cmi_pstate_open(cm_policy *p, pstate *ps, char *err, size_t errlen)
{
    memset(ps, 0, sizeof *ps);
    ps->sb = cmi_sandbox_new(&p->limits, p->rules_path);
    if (ps->sb == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (p->line_fn)
        cmi_sandbox_trace_lines(ps->sb, p->line_fn, p->line_ud);
    int collect = ps == &p->main;
    /* regex matching state first: re.* may run while the file loads */
    ps->md = pcre2_match_data_create(16, NULL);
    ps->mctx = pcre2_match_context_create(NULL);
    ps->jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    if (ps->md == NULL || ps->mctx == NULL || ps->jit == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pcre2_set_match_limit(ps->mctx, 1000000);
    pcre2_set_depth_limit(ps->mctx, 10000);
    pcre2_jit_stack_assign(ps->mctx, NULL, ps->jit);
    cmi_policy_views_open(p, ps);
    cmi_policy_lang_open(p, ps, collect);
    char chunk[1100];
    snprintf(chunk, sizeof chunk, "@%s", p->path);
    if (cmi_sandbox_dobuffer(ps->sb, p->source, p->source_len, chunk, 0, err, errlen) < 0) {
        /* errors raised in C (limits, binary chunks) carry no position: name the file */
        if (strncmp(err, p->path, strlen(p->path)) != 0) {
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%s", err);
            snprintf(err, errlen, "%s: while loading: %s", p->path, tmp);
        }
        return -1;
    }
    lua_State *L = cmi_sandbox_lua(ps->sb);
    /* capmatch check: a cost criterion without a decision method is a mistake */
    for (size_t i = 0; collect && p->lint && !p->agg.on && i < p->nrules; i++) {
        size_t cap = p->nproblems;
        char msg[300];
        if (!p->rules[i].minimise ||
            cm_grow((void **)&p->problems, &cap, p->nproblems + 1, sizeof *p->problems) < 0)
            continue;
        snprintf(msg, sizeof msg, "rule '%s': cost = true counts only with policy { aggregate = "
                 "... }; the weighted mean takes its score as it is", p->rules[i].name);
        p->problems[p->nproblems].line = p->rules[i].line;
        p->problems[p->nproblems].file = p->rules[i].file;
        p->problems[p->nproblems].msg = cm_strdup(msg);
        p->problems[p->nproblems].warning = 1;
        p->nproblems++;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.fns");
    if ((int)luaL_len(L, -1) != p->nfns && !collect) {
        lua_pop(L, 1);
        snprintf(err, errlen, "%s: the policy declared different functions in another state "
                 "(declarations must not depend on chance or state)", p->path);
        return -1;
    }
    ps->fns_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.params");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);      /* a policy without params gets an empty table */
    }
    ps->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

void cmi_pstate_close(pstate *ps)
{
    cmi_sandbox_free(ps->sb);
    pcre2_match_data_free(ps->md);
    pcre2_match_context_free(ps->mctx);
    pcre2_jit_stack_free(ps->jit);
    for (size_t i = 0; i < sizeof ps->re_last / sizeof ps->re_last[0]; i++)
        cm_free(ps->re_last[i].key);
    memset(ps, 0, sizeof *ps);
}

static int cmp_param(const void *a, const void *b)
{
    return strcmp(((const param *)a)->name, ((const param *)b)->name);
}

CM_API void cm_policy_options_init(cm_policy_options *o)
{
    memset(o, 0, sizeof *o);
}

static void link_same_builtins(cm_policy *p);

static cm_policy *load_fail(cm_engine *e, cm_policy *p, const char *msg)
{
    cmi_engine_fail(e, CM_EINPUT, "%s", msg);
    cm_policy_free(p);
    return NULL;
}

/* Beside the policy (DIR/lib, DIR), then the installed rules. A policy in /
 * gets /lib, never the root: that would let require load any *.lua. */
void cmi_policy_default_rules_path(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path) : 1;
    const char *dir = slash ? path : ".";
    while (slash && dl > 0 && dir[dl - 1] == '/')
        dl--;
    if (slash && dl == 0)
        snprintf(out, n, "/lib:%s/rules/lib:%s/rules", CM_DATADIR, CM_DATADIR);
    else
        snprintf(out, n, "%.*s/lib:%.*s:%s/rules/lib:%s/rules", dl, dir, dl, dir, CM_DATADIR,
                 CM_DATADIR);
}

/* The policy's text: a file's (data NULL), or a copy of data. */
static char *policy_text(const char *path, const char *data, size_t len, size_t *out_len,
                         char *err, size_t errlen)
{
    if (data == NULL)
        return read_policy(path, out_len, err, errlen);
    char *text = cm_malloc(len + 1);
    if (text == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(text, data, len);
    text[len] = '\0';
    *out_len = len;
    return text;
}

static cm_policy *policy_load(cm_engine *e, const char *path, const char *data, size_t len,
                              const cm_policy_options *o, sandbox_line_fn line_fn, void *line_ud);

CM_API cm_policy *cm_policy_load(cm_engine *e, const char *path, const cm_policy_options *o)
{
    if (e == NULL || path == NULL)
        return NULL;
    return policy_load(e, path, NULL, 0, o, NULL, NULL);
}

cm_policy *cmi_policy_load_traced(cm_engine *e, const char *path, const cm_policy_options *o,
                                  sandbox_line_fn line_fn, void *line_ud)
{
    if (e == NULL || path == NULL)
        return NULL;
    return policy_load(e, path, NULL, 0, o, line_fn, line_ud);
}

CM_API cm_policy *cm_policy_load_buffer(cm_engine *e, const char *name, const char *data,
                                        size_t len, const cm_policy_options *o)
{
    if (e == NULL || name == NULL || data == NULL)
        return NULL;
    return policy_load(e, name, data, len, o, NULL, NULL);
}

static cm_policy *policy_load(cm_engine *e, const char *path, const char *data, size_t len,
                              const cm_policy_options *o, sandbox_line_fn line_fn, void *line_ud)
{
    cm_policy_options defaults;
    if (o == NULL) {
        cm_policy_options_init(&defaults);
        o = &defaults;
    }
    char err[1024];
    cm_policy *p = cm_calloc(1, sizeof *p);
    if (p == NULL || cmi_strpool_init(&p->strings) < 0) {
        cm_free(p);
        cmi_engine_fail(e, CM_ENOMEM, "out of memory");
        return NULL;
    }
    cmi_scorer_init();
    p->engine = e;
    p->generation = cmi_engine_generation(e);
    p->st = cmi_engine_store(e);
    p->top = 10;
    p->min_score = 0;
    p->lint = o->lint;
    p->line_fn = line_fn;
    p->line_ud = line_ud;
    p->limits.memory = o->memory_limit;
    p->limits.load_budget = o->load_budget;
    p->limits.call_budget = o->call_budget;
    p->path = cm_strdup(strcmp(path, "-") == 0 ? "<stdin>" : path);   /* for messages */
    if (p->path == NULL)
        return load_fail(e, p, "out of memory");
    p->source = policy_text(path, data, len, &p->source_len, err, sizeof err);
    if (p->source == NULL)
        return load_fail(e, p, err);
    cmi_file_sha256_hex(p->source, p->source_len, p->sha256);

    /* rules path: given, else $CAPMATCH_RULES_PATH, else beside the policy and installed */
    const char *rp = o->rules_path ? o->rules_path : getenv("CAPMATCH_RULES_PATH");
    char dflt[2048];
    if (rp == NULL) {
        cmi_policy_default_rules_path(path, dflt, sizeof dflt);
        rp = dflt;
    }
    p->rules_path = cm_strdup(rp);
    if (p->rules_path == NULL)
        return load_fail(e, p, "out of memory");
    for (const char *const *kv = o->set; kv && *kv; kv++)
        if (apply_set(p, *kv, err, sizeof err) < 0)
            return load_fail(e, p, err[0] ? err : "out of memory");

    if (cmi_pstate_open(p, &p->main, err, sizeof err) < 0)
        return load_fail(e, p, err);
    /* parameters in name order: Lua's table order changes from state to state */
    if (p->nparams > 1)
        qsort(p->params, p->nparams, sizeof *p->params, cmp_param);

    /* what the file must have declared */
    for (size_t i = 0; i < p->nparams; i++)
        if (p->params[i].set == 1) {
            char known[512] = "";
            size_t k = 0;
            for (size_t j = 0; j < p->nparams; j++)
                if (p->params[j].set != 1) {
                    int w = snprintf(known + k, sizeof known - k, "%s%s", k ? ", " : "",
                                     p->params[j].name);
                    if (w > 0 && (size_t)w < sizeof known - k)
                        k += (size_t)w;
                }
            snprintf(err, sizeof err, "--set %s: %s has no parameter '%s' (it has: %s)",
                     p->params[i].name, path, p->params[i].name, k ? known : "none");
            return load_fail(e, p, err);
        }
    if (p->name == NULL) {
        snprintf(err, sizeof err, "%s: the policy has no policy { name = ... } declaration", path);
        return load_fail(e, p, err);
    }
    if (p->nrules == 0) {
        snprintf(err, sizeof err, "%s: the policy declares no rule { ... }", path);
        return load_fail(e, p, err);
    }
    p->weight_sum = p->region_weight_sum = 0;
    for (size_t i = 0; i < p->nrules; i++) {
        if (p->rules[i].region_side)
            p->region_weight_sum += p->rules[i].weight;
        else
            p->weight_sum += p->rules[i].weight;
    }
    p->has_region_rules = p->region_weight_sum > 0;
    link_same_builtins(p);
    if (p->weight_sum == 0) {
        snprintf(err, sizeof err, "%s: every rule is on the region side: the score needs at least "
                 "one rule of the enterprise side", path);
        return load_fail(e, p, err);
    }
    return p;
}

/* Each built-in the same as an earlier one (filters, then rules and their
 * parts: the order cmi_policy_derive prepares them in) scores by that one's
 * preparation, made once: default.lua's region view repeats six of the
 * enterprise view's rules, each a million profiles' items to copy. */
static void link_same_builtins(cm_policy *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nfilters; i++)
        n++;
    for (size_t i = 0; i < p->nrules; i++)
        n += 1 + p->rules[i].nmore;
    builtin **all = cm_malloc((n ? n : 1) * sizeof *all);
    if (all == NULL)
        return;               /* each prepares its own: slower, as right */
    n = 0;
    for (size_t i = 0; i < p->nfilters; i++)
        all[n++] = &p->filters[i].b;
    for (size_t i = 0; i < p->nrules; i++) {
        all[n++] = &p->rules[i].b;
        for (size_t k = 0; k < p->rules[i].nmore; k++)
            all[n++] = &p->rules[i].more[k];
    }
    for (size_t i = 0; i < n; i++) {
        all[i]->same = NULL;
        for (size_t k = 0; k < i && all[i]->same == NULL; k++)
            if (all[k]->same == NULL && cmi_builtin_same(all[k], all[i]))
                all[i]->same = all[k];
    }
    cm_free(all);
}

static void free_prules(prule *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cm_free(r[i].name);
        cm_free(r[i].group);
        cmi_builtin_free(&r[i].b);
        for (size_t k = 0; k < r[i].nmore; k++)
            cmi_builtin_free(&r[i].more[k]);
        cm_free(r[i].more);
        cmi_uses_free(r[i].uses);
        cmi_memo_free(&r[i].memo);
    }
    cm_free(r);
}

CM_API void cm_policy_free(cm_policy *p)
{
    if (p == NULL)
        return;
    cmi_pstate_close(&p->main);
    cmi_match_prep_free(p->prep[0]);
    cmi_match_prep_free(p->prep[1]);
    free_prules(p->filters, p->nfilters);
    free_prules(p->rules, p->nrules);
    for (size_t i = 0; i < p->nderived; i++)
        cm_free(p->derived[i].name);
    cm_free(p->derived);
    for (size_t i = 0; i < p->nparams; i++) {
        cm_free(p->params[i].name);
        cm_free(p->params[i].str);
    }
    cm_free(p->params);
    for (size_t i = 0; i < p->nproblems; i++)
        cm_free(p->problems[i].msg);
    cm_free(p->problems);
    cm_free(p->dvals[0]);
    cm_free(p->dvals[1]);
    cm_free(p->ditems);
    cm_free(p->ditems_isic);
    cmi_strpool_free(&p->strings);
    cm_free(p->name);
    cm_free(p->description);
    cm_free(p->path);
    cm_free(p->source);
    cm_free(p->rules_path);
    cm_free(p);
}

/* ---- derived values -------------------------------------------------------- */

static int policy_derive_values(cm_policy *p, int threads, char *err, size_t errlen);

/* Compute every derived value of every profile not computed yet, then the
 * built-ins' per-profile values and the memoised rules' classes. Returns 0,
 * or -1 with a message naming the profile. */
int cmi_policy_derive(cm_policy *p, int threads, char *err, size_t errlen)
{
    unsigned long g = cmi_engine_generation(p->engine);
    if (g != p->generation) {   /* profiles moved: compute everything again */
        cmi_policy_forget(p, 0, 0, NULL);
        cmi_policy_forget(p, 1, 0, NULL);
        p->generation = g;
    }
    if (policy_derive_values(p, threads, err, errlen) < 0)
        return -1;
    /* then what built-ins can compute from one profile alone (they may read
     * derived values) */
    for (int list = 0; list < 2; list++) {
        prule *r = list ? p->rules : p->filters;
        size_t n = list ? p->nrules : p->nfilters;
        for (size_t i = 0; i < n; i++) {
            int rc = cmi_builtin_prepare(p, &r[i].b);
            for (size_t k = 0; k < r[i].nmore && rc == 0; k++)
                rc = cmi_builtin_prepare(p, &r[i].more[k]);
            if (rc == 0)
                rc = cmi_memo_prepare(p, &r[i]);
            if (rc < 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
    }
    return 0;
}

/* One worker's share of the derive calls: profiles [from, to) of a side,
 * every derived value of each in order, written into out; then its part of
 * the merge. */
typedef struct derive_job {
    cm_policy *p;
    pstate ps, *use;
    int side;
    size_t from, to;
    derive_out out;
    str_ref *global;          /* a ref of out.strings as a ref of the policy's */
    isic_id *isic;            /* and as an ISIC code */
    size_t item0;             /* where its list items go in policy.ditems */
    size_t failed_at;         /* the profile that failed (to when none) */
    int failed_d;
    int running;              /* on a thread of its own, to be joined */
    char err[900];
} derive_job;

static void *derive_work(void *arg)
{
    derive_job *j = arg;
    cm_policy *p = j->p;
    j->failed_at = j->to;
    for (size_t i = j->from; i < j->to; i++)
        for (size_t d = 0; d < p->nderived; d++) {
            if (p->derived[d].side != j->side)
                continue;
            if (cmi_pstate_call_derive(p, j->use, p->derived[d].fn, j->side, (uint32_t)i, &j->out,
                                       j->err, sizeof j->err) < 0) {
                j->failed_at = i;
                j->failed_d = (int)d;
                return NULL;
            }
        }
    return NULL;
}

/* Run fn on every job, jobs 1.. on threads of their own, job 0 here (and
 * any job no thread could be had for). */
static void run_jobs(derive_job *jobs, pthread_t *tids, int nt, void *(*fn)(void *))
{
    for (int t = 1; t < nt; t++)
        jobs[t].running = pthread_create(&tids[t], NULL, fn, &jobs[t]) == 0;
    fn(&jobs[0]);
    for (int t = 1; t < nt; t++) {
        if (jobs[t].running)
            pthread_join(tids[t], NULL);
        else
            fn(&jobs[t]);
    }
}

/* Intern the strings job j's pool took, in the order it took them, into the
 * policy's pool. Jobs go in profile order, so the policy's pool takes its
 * strings in the order a serial run meets them: the same refs for any
 * thread count. 0, or -1 out of memory. */
static int job_intern(cm_policy *p, derive_job *j)
{
    j->global = cm_calloc(j->out.strings.len, sizeof *j->global);
    j->isic = cm_calloc(j->out.strings.len, sizeof *j->isic);
    if (j->global == NULL || j->isic == NULL)
        return -1;
    for (size_t at = 0; at < j->out.fresh_done; at += 2 * sizeof(uint32_t)) {
        uint32_t w[2];        /* ref, length */
        memcpy(w, j->out.fresh.s + at, sizeof w);
        const char *s = strpool_get(&j->out.strings, w[0]);
        if (cmi_strpool_intern(&p->strings, s, w[1], &j->global[w[0]]) < 0)
            return -1;
        j->isic[w[0]] = cmi_isic_lookup(s, w[1]);
    }
    return 0;
}

/* A job's string (ref in its pool, length) as a ref in the policy's pool. */
static const unsigned char *job_string(const derive_job *j, const unsigned char *c, str_ref *ref,
                                       isic_id *isic)
{
    uint32_t w[2];
    memcpy(w, c, sizeof w);
    *ref = j->global[w[0]];
    *isic = j->isic[w[0]];
    return c + sizeof w;
}

/* Decode one encoded value of job j into out, its list items at j->item0. */
static const unsigned char *dval_decode(cm_policy *p, derive_job *j, const unsigned char *c,
                                        dval *out)
{
    memset(out, 0, sizeof *out);
    out->type = *c++;
    isic_id isic;
    switch (out->type) {
    case T_NUMBER: memcpy(&out->u.num, c, sizeof out->u.num); c += sizeof out->u.num; break;
    case T_BOOL: out->u.num = *c++; break;
    case T_STRING: c = job_string(j, c, &out->str, &isic); break;
    case T_LIST: {
        uint32_t count;
        memcpy(&count, c, sizeof count);
        c += sizeof count;
        out->u.list.off = (uint32_t)j->item0;
        out->u.list.count = count;
        for (uint32_t i = 0; i < count; i++, j->item0++)
            c = job_string(j, c, &p->ditems[j->item0], &p->ditems_isic[j->item0]);
        break;
    }
    default: break;
    }
    return c;
}

/* The merge's part that threads can share: job j's values into the
 * policy's (the strings are interned by then). */
static void *decode_work(void *arg)
{
    derive_job *j = arg;
    cm_policy *p = j->p;
    dval *vals = p->dvals[j->side];
    const unsigned char *c = (const unsigned char *)j->out.vals.s;
    for (size_t i = j->from; i < j->failed_at; i++)
        for (size_t d = 0; d < p->nderived; d++) {
            dval *out = &vals[i * p->nderived + d];
            if (p->derived[d].side != j->side)
                memset(out, 0, sizeof *out);
            else
                c = dval_decode(p, j, c, out);
        }
    return NULL;
}

/* Below this many new profiles a side is derived on the policy's own state. */
#define DERIVE_PARALLEL_MIN 512

/* Merge the jobs' values in profile order, up to the first that failed
 * (whose message it writes). 0, or -1. */
static int merge_jobs(cm_policy *p, derive_job *jobs, pthread_t *tids, int nt, char *err,
                      size_t errlen)
{
    int merged = 0;           /* the jobs merged: up to the first that failed */
    size_t items = p->nditems;
    while (merged < nt) {
        derive_job *j = &jobs[merged++];
        if (job_intern(p, j) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        j->item0 = items;
        items += j->out.items;
        if (j->failed_at < j->to)
            break;
    }
    size_t cap = p->ditems_cap, cap2 = p->ditems_cap;
    if (items > UINT32_MAX ||
        cm_grow((void **)&p->ditems, &cap, items + 1, sizeof *p->ditems) < 0 ||
        cm_grow((void **)&p->ditems_isic, &cap2, items + 1, sizeof *p->ditems_isic) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->ditems_cap = cap < cap2 ? cap : cap2;
    run_jobs(jobs, tids, merged, decode_work);
    p->nditems = items;
    const derive_job *f = &jobs[merged - 1];
    if (f->failed_at < f->to) {
        const derive_def *dd = &p->derived[f->failed_d];
        const struct common *cc = store_common(p->st, f->side, f->failed_at);
        snprintf(err, errlen, "%s:%d: derive '%s' (%s \"%s\"): %s", cmi_policy_file(p, dd->file),
                 dd->line, dd->name, f->side ? "enterprise" : "region",
                 strpool_get(&p->st->strings, cc->id), f->err);
        return -1;
    }
    return 0;
}

static int derive_side(cm_policy *p, int side, size_t from, size_t count, int threads, char *err,
                       size_t errlen)
{
    size_t todo = count - from;
    int nt = threads > 0 ? threads : 1;
    if (todo < DERIVE_PARALLEL_MIN || nt < 2)
        nt = 1;
    if (nt > 64)
        nt = 64;
    derive_job *jobs = cm_calloc((size_t)nt, sizeof *jobs);
    pthread_t *tids = cm_calloc((size_t)nt, sizeof *tids);
    int rc = jobs && tids ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    int opened = 0;
    for (int t = 0; t < nt && rc == 0; t++) {
        jobs[t].p = p;
        jobs[t].side = side;
        jobs[t].from = from + todo * (size_t)t / (size_t)nt;
        jobs[t].to = from + todo * (size_t)(t + 1) / (size_t)nt;
        if (cmi_strpool_init(&jobs[t].out.strings) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        } else if (t == 0) {
            jobs[t].use = &p->main;
        } else if (cmi_pstate_open(p, &jobs[t].ps, err, errlen) < 0) {
            rc = -1;
        } else {
            jobs[t].use = &jobs[t].ps;
            opened = t;
        }
    }
    if (rc == 0) {
        run_jobs(jobs, tids, nt, derive_work);
        rc = merge_jobs(p, jobs, tids, nt, err, errlen);
    }
    for (int t = 0; jobs && t < nt; t++) {
        cmi_buf_free(&jobs[t].out.vals);
        cmi_buf_free(&jobs[t].out.fresh);
        cmi_strpool_free(&jobs[t].out.strings);
        cm_free(jobs[t].global);
        cm_free(jobs[t].isic);
        if (t > 0 && t <= opened)
            cmi_pstate_close(&jobs[t].ps);
    }
    cm_free(jobs);
    cm_free(tids);
    return rc;
}

static int policy_derive_values(cm_policy *p, int threads, char *err, size_t errlen)
{
    if (p->nderived == 0)
        return 0;
    for (int side = 0; side < 2; side++) {
        size_t count = p->st->kinds[side].count;
        if (p->dcount[side] == count)
            continue;
        size_t n = 0;
        for (size_t d = 0; d < p->nderived; d++)
            n += p->derived[d].side == side;
        if (n == 0) {
            p->dcount[side] = count;
            continue;
        }
        dval *nv = cm_realloc(p->dvals[side], (count ? count : 1) * p->nderived * sizeof *nv);
        if (nv == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        p->dvals[side] = nv;
        if (derive_side(p, side, p->dcount[side], count, threads, err, errlen) < 0)
            return -1;
        p->dcount[side] = count;
    }
    return 0;
}

policy_mark cmi_policy_mark_now(const cm_policy *p)
{
    return (policy_mark){ cmi_strpool_mark_now(&p->strings), p->nditems };
}

void cmi_policy_forget(cm_policy *p, int side, size_t from, const policy_mark *m)
{
    if (p->dcount[side] > from)
        p->dcount[side] = from;
    for (int list = 0; list < 2; list++) {
        prule *r = list ? p->rules : p->filters;
        size_t n = list ? p->nrules : p->nfilters;
        for (size_t i = 0; i < n; i++) {
            cmi_builtin_forget(&r[i].b, side, from);
            for (size_t k = 0; k < r[i].nmore; k++)
                cmi_builtin_forget(&r[i].more[k], side, from);
            cmi_memo_forget(&r[i].memo, side, from);
        }
    }
    if (m) {
        cmi_strpool_rollback(&p->strings, m->strings);
        p->nditems = m->nditems;
    }
}

/* ---- reading a policy -------------------------------------------------------- */

CM_API const char *cm_policy_name(const cm_policy *p) { return p ? p->name : NULL; }
CM_API const char *cm_policy_aggregate(const cm_policy *p)
{
    return p && p->agg.on ? cm_mcda_method_name(p->agg.method) : NULL;
}
CM_API const char *cm_policy_description(const cm_policy *p)
{
    return p && p->description ? p->description : "";
}
CM_API const char *cm_policy_sha256(const cm_policy *p) { return p ? p->sha256 : NULL; }
CM_API const char *cm_policy_path(const cm_policy *p) { return p ? p->path : NULL; }
CM_API size_t cm_policy_rule_count(const cm_policy *p) { return p ? p->nrules : 0; }
CM_API const char *cm_policy_rule_name(const cm_policy *p, size_t i)
{
    return p && i < p->nrules ? p->rules[i].name : NULL;
}
CM_API double cm_policy_rule_weight(const cm_policy *p, size_t i)
{
    return p && i < p->nrules ? p->rules[i].weight : 0;
}
CM_API size_t cm_policy_top(const cm_policy *p) { return p ? p->top : 0; }
CM_API double cm_policy_min_score(const cm_policy *p) { return p ? p->min_score : 0; }
CM_API size_t cm_policy_param_count(const cm_policy *p) { return p ? p->nparams : 0; }
CM_API const char *cm_policy_param_name(const cm_policy *p, size_t i)
{
    return p && i < p->nparams ? p->params[i].name : NULL;
}
CM_API int cm_policy_param_is_set(const cm_policy *p, size_t i)
{
    return p && i < p->nparams ? p->params[i].cli : 0;
}

/* The value of parameter i as text ("2500", "true", "SME"). */
CM_API const char *cm_policy_param_value(const cm_policy *p, size_t i, char *buf, size_t n)
{
    if (p == NULL || i >= p->nparams)
        return NULL;
    const param *pa = &p->params[i];
    if (pa->cli && pa->str)
        snprintf(buf, n, "%s", pa->str);     /* as the user wrote it */
    else if (pa->type == T_NUMBER && pa->num == floor(pa->num) && fabs(pa->num) < 1e15)
        snprintf(buf, n, "%.0f", pa->num);
    else if (pa->type == T_NUMBER) {
        for (int prec = 1; prec <= 17; prec++) {   /* the shortest form that reads back */
            snprintf(buf, n, "%.*g", prec, pa->num);
            if (strtod(buf, NULL) == pa->num)
                break;
        }
    }
    else if (pa->type == T_BOOL)
        snprintf(buf, n, "%s", pa->num != 0 ? "true" : "false");
    else
        snprintf(buf, n, "%s", pa->str ? pa->str : "");
    return buf;
}

CM_API size_t cm_policy_filter_count(const cm_policy *p) { return p ? p->nfilters : 0; }
CM_API const char *cm_policy_filter_name(const cm_policy *p, size_t i)
{
    return p && i < p->nfilters ? p->filters[i].name : NULL;
}
CM_API int cm_policy_rule_line(const cm_policy *p, size_t i)
{
    return p && i < p->nrules ? p->rules[i].line : 0;
}
CM_API int cm_policy_filter_line(const cm_policy *p, size_t i)
{
    return p && i < p->nfilters ? p->filters[i].line : 0;
}
CM_API size_t cm_policy_problem_count(const cm_policy *p) { return p ? p->nproblems : 0; }
CM_API const char *cm_policy_problem(const cm_policy *p, size_t i, int *line)
{
    if (p == NULL || i >= p->nproblems)
        return NULL;
    if (line)
        *line = p->problems[i].line;
    return p->problems[i].msg;
}
CM_API int cm_policy_problem_severity(const cm_policy *p, size_t i)
{
    return p && i < p->nproblems && p->problems[i].warning ? CM_LINT_WARNING : CM_LINT_ERROR;
}
CM_API const char *cm_policy_source(const cm_policy *p, size_t *len)
{
    if (p == NULL)
        return NULL;
    if (len)
        *len = p->source_len;
    return p->source;
}

CM_API int cm_policy_has_region_view(const cm_policy *p) { return p ? p->has_region_rules : 0; }

CM_API int cm_policy_diversity(const cm_policy *p) { return p && p->diversity.by ? 1 : 0; }

CM_API const char *cm_policy_rule_file(const cm_policy *p, size_t i)
{
    return p && i < p->nrules ? cmi_policy_file(p, p->rules[i].file) : NULL;
}
CM_API const char *cm_policy_filter_file(const cm_policy *p, size_t i)
{
    return p && i < p->nfilters ? cmi_policy_file(p, p->filters[i].file) : NULL;
}
CM_API const char *cm_policy_problem_file(const cm_policy *p, size_t i)
{
    return p && i < p->nproblems ? cmi_policy_file(p, p->problems[i].file) : NULL;
}
