/*
 * policy_test.c - policy tests that analysts write in Lua (capmatch test):
 *
 *     suite { policy = "../sme_support.lua", set = { max_km = 2000 } }
 *     case { name = "...", regions = {...} or "file.json", enterprises = ...,
 *            set = {...}, expect = { { enterprise = "e1", top = "r1" }, ... } }
 *
 * An expectation names a pair and what to check: the best partner, a rank,
 * a score range, a rule's or filter's verdict and reason, or a place in a
 * list (in_top, not_in_top, absent, in the direction `by` names).
 * A test file runs in the policy sandbox; each case gets a fresh engine with
 * its profiles (Lua tables are written out as JSON and loaded like any file,
 * so they are validated the same way), the policy, a full ranking both ways
 * when asked, and the trace of each pair an expectation names. With a
 * cm_coverage, each case's run also counts what the policy's rules and
 * filters did and which vocabulary words the case's profiles hold, and the
 * policy's Lua states trace the lines they run (linecov.c) from the load on.
 */
#include "policy.h"
#include "alloc.h"
#include "engine.h"
#include "linecov.h"
#include "luajson.h"
#include "vocab.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- declarations ------------------------------------------------------------ */

static int l_suite(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.suite");
    if (!lua_isnil(L, -1))
        return luaL_error(L, "suite: declared twice");
    lua_pushvalue(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "capmatch.suite");
    return 0;
}

static int l_case(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Debug ar;
    int line = lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) ? ar.currentline : 0;
    lua_pushinteger(L, line);
    lua_setfield(L, 1, "__line");
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.cases");
    lua_Integer n = luaL_len(L, -1);
    lua_pushvalue(L, 1);
    lua_rawseti(L, -2, n + 1);
    return 0;
}

/* ---- running a case ------------------------------------------------------------ */

typedef struct ctx {
    const char *file;
    char dir[1024];
    lua_State *L;
    struct cm_coverage *cov;  /* or NULL */
} ctx;

static void resolve(const ctx *c, const char *rel, char *out, size_t n)
{
    if (rel[0] == '/')
        snprintf(out, n, "%s", rel);
    else
        snprintf(out, n, "%s/%s", c->dir, rel);
}

/* Load the case's regions or enterprises (field at the top of the stack). */
static int load_side(const ctx *c, cm_engine *e, cm_kind kind, const char *cname, textbuf *out)
{
    lua_State *L = c->L;
    cm_load_options o;
    cm_load_options_init(&o);
    o.kind = kind;
    cm_diags *d = cm_diags_new();
    cm_status st = CM_OK;
    if (d == NULL)
        return -1;
    if (lua_type(L, -1) == LUA_TSTRING) {
        char path[2048];
        resolve(c, lua_tostring(L, -1), path, sizeof path);
        st = cm_engine_load_file(e, path, &o, d);
    } else if (lua_istable(L, -1)) {
        textbuf j = { 0 };
        char err[256] = "";
        if (cmi_lj_to_json(L, -1, &j, 0, err, sizeof err) < 0 || j.nomem) {
            cmi_buf_printf(out, "%s of the case: %s\n", cm_kind_name(kind), err[0] ? err : "out of memory");
            cm_free(j.s);
            cm_diags_free(d);
            return -1;
        }
        char name[512];
        snprintf(name, sizeof name, "%s: case '%s' %s", c->file, cname, cm_kind_name(kind));
        o.format = CM_FORMAT_JSON;
        st = cm_engine_load_buffer(e, name, j.s, j.len, &o, d);
        cm_free(j.s);
    } else if (!lua_isnil(L, -1)) {
        cmi_buf_printf(out, "%s: expected a list of profiles or a file name\n", cm_kind_name(kind));
        cm_diags_free(d);
        return -1;
    }
    for (size_t i = 0; i < cm_diags_count(d); i++)
        cmi_buf_printf(out, "%s\n", cm_diags_at(d, i)->message);
    if (st != CM_OK && cm_diags_count(d) == 0)
        cmi_buf_printf(out, "%s\n", cm_engine_errmsg(e));
    cm_diags_free(d);
    return st == CM_OK ? 0 : -1;
}

/* Collect "name=value" strings from the set table at the top of the stack. */
static void collect_set(lua_State *L, char ***list, size_t *n)
{
    if (!lua_istable(L, -1))
        return;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            char v[256], kv[512];
            if (lua_isboolean(L, -1))
                snprintf(v, sizeof v, "%s", lua_toboolean(L, -1) ? "true" : "false");
            else if (lua_isinteger(L, -1))
                snprintf(v, sizeof v, "%lld", (long long)lua_tointeger(L, -1));
            else if (lua_type(L, -1) == LUA_TNUMBER)
                snprintf(v, sizeof v, "%.17g", lua_tonumber(L, -1));
            else
                snprintf(v, sizeof v, "%s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "");
            snprintf(kv, sizeof kv, "%s=%s", lua_tostring(L, -2), v);
            char **nl = cm_realloc(*list, (*n + 2) * sizeof **list);
            if (nl) {
                *list = nl;
                nl[(*n)++] = cm_strdup(kv);
                nl[*n] = NULL;
            }
        }
        lua_pop(L, 1);
    }
}

static const char *opt_field(lua_State *L, int t, const char *key)
{
    lua_getfield(L, t, key);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1);      /* the string stays alive in the table */
    return s;
}

static const cm_match_row *find_row(const cm_result *r, const char *ent, const char *reg)
{
    for (size_t i = 0; r && i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        if ((ent == NULL || strcmp(row->enterprise, ent) == 0) &&
            (reg == NULL || strcmp(row->region, reg) == 0))
            return row;
    }
    return NULL;
}

static const cm_match_row *top_row(const cm_result *r, const char *ent, const char *reg)
{
    for (size_t i = 0; r && i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        if (row->rank == 1 && ((ent && strcmp(row->enterprise, ent) == 0) ||
                               (reg && strcmp(row->region, reg) == 0)))
            return row;
    }
    return NULL;
}

/* score = { lo, hi } */
static int range_of(lua_State *L, int t, double *lo, double *hi)
{
    lua_getfield(L, t, "score");
    int ok = 0;
    if (lua_istable(L, -1)) {
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        if (lua_isnumber(L, -2) && lua_isnumber(L, -1)) {
            *lo = lua_tonumber(L, -2);
            *hi = lua_tonumber(L, -1);
            ok = 1;
        }
        lua_pop(L, 2);
    } else if (lua_isnumber(L, -1)) {
        *lo = *hi = lua_tonumber(L, -1);
        ok = 1;
    }
    lua_pop(L, 1);
    return ok;
}

static int in_range(double s, double lo, double hi)
{
    return s >= lo - 1e-9 && s <= hi + 1e-9;
}

/* The keys an expectation may have. */
static const char *const expect_keys[] = {
    "enterprise", "region", "top", "rank", "score", "rule", "filter", "reason", "vetoed",
    "by", "in_top", "not_in_top", "absent", NULL
};

/* A positive integer at key (0: absent); -1 with a message on a bad value. */
static long opt_count(lua_State *L, int t, const char *key, const char *where, textbuf *out)
{
    lua_getfield(L, t, key);
    long k = 0;
    int isnum = 0;
    lua_Integer v = lua_tointegerx(L, -1, &isnum);
    if (lua_isnil(L, -1))
        k = 0;
    else if (lua_type(L, -1) == LUA_TNUMBER && isnum && v >= 1 && v <= 1000000000)
        k = (long)v;
    else {
        if (lua_type(L, -1) == LUA_TSTRING)
            cmi_buf_printf(out, "%s: %s: expected a positive integer, found \"%s\"\n", where, key,
                       lua_tostring(L, -1));
        else if (lua_type(L, -1) == LUA_TNUMBER)
            cmi_buf_printf(out, "%s: %s: expected a positive integer, found %g\n", where, key,
                       lua_tonumber(L, -1));
        else
            cmi_buf_printf(out, "%s: %s: expected a positive integer, found a %s\n", where, key,
                       luaL_typename(L, -1));
        k = -1;
    }
    lua_pop(L, 1);
    return k;
}

/* Every key of the expectation is known, every id names a profile of the case,
 * every count is a positive integer; otherwise say which is wrong. */
static int expectation_valid(lua_State *L, int t, const cm_engine *e, const char *where,
                             textbuf *out)
{
    int ok = 1;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        size_t i = 0;
        while (k && expect_keys[i] && strcmp(expect_keys[i], k) != 0)
            i++;
        if (k == NULL || expect_keys[i] == NULL) {
            cmi_buf_printf(out, "%s: unknown key '%s' (known: enterprise, region, top, rank, score, "
                       "rule, filter, reason, vetoed, by, in_top, not_in_top, absent)\n", where,
                       k ? k : luaL_typename(L, -2));
            ok = 0;
        }
        lua_pop(L, 1);
    }
    static const struct { const char *key; cm_kind kind; } ids[] = {
        { "enterprise", CM_KIND_ENTERPRISES }, { "region", CM_KIND_REGIONS },
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        lua_getfield(L, t, ids[i].key);
        if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING) {
            cmi_buf_printf(out, "%s: %s: expected an id, found a %s\n", where, ids[i].key,
                       luaL_typename(L, -1));
            ok = 0;
        } else if (lua_type(L, -1) == LUA_TSTRING &&
                   cm_engine_find(e, ids[i].kind, lua_tostring(L, -1)) == (size_t)-1) {
            cmi_buf_printf(out, "%s: unknown %s '%s': the case has no such profile\n", where,
                       ids[i].key, lua_tostring(L, -1));
            ok = 0;
        }
        lua_pop(L, 1);
    }
    const char *by = opt_field(L, t, "by");
    lua_getfield(L, t, "by");
    const char *by_type = luaL_typename(L, -1);
    int has_by = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (has_by && (by == NULL || (strcmp(by, "region") != 0 && strcmp(by, "enterprise") != 0))) {
        cmi_buf_printf(out, "%s: by: expected \"region\" (the region's list, as match --by region "
                   "ranks it) or \"enterprise\", found %s%s%s\n", where, by ? "\"" : "a ",
                   by ? by : by_type, by ? "\"" : "");
        ok = 0;
    }
    lua_getfield(L, t, "absent");
    if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) {
        cmi_buf_printf(out, "%s: absent: expected true or false, found a %s\n", where,
                   luaL_typename(L, -1));
        ok = 0;
    }
    lua_pop(L, 1);
    return ok;
}

/* The row of the pair in the list of its owner (by enterprise: the
 * enterprise's regions; by region: the region's enterprises), and the size of
 * that list. */
static const cm_match_row *list_row(const cm_result *r, int by_region, const char *ent,
                                    const char *reg, size_t *len)
{
    const cm_match_row *found = NULL;
    *len = 0;
    for (size_t i = 0; r && i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        if (strcmp(by_region ? row->region : row->enterprise, by_region ? reg : ent) != 0)
            continue;
        (*len)++;
        if (strcmp(by_region ? row->enterprise : row->region, by_region ? ent : reg) == 0)
            found = row;
    }
    return found;
}

/* The head of the list (ranks 1..k) and the ranks around `rank`, as
 * "1. e3 0.720, 2. e1 0.610, ..., 7. e9 0.400". */
static void list_around(textbuf *out, const cm_result *r, int by_region, const char *owner,
                        long k, long rank)
{
    long last = 0;
    int any = 0;
    for (size_t i = 0; r && i < cm_result_count(r); i++) {
        const cm_match_row *row = cm_result_row(r, i);
        if (strcmp(by_region ? row->region : row->enterprise, owner) != 0)
            continue;
        long rk = (long)row->rank;
        if (rk > k && (rank == 0 || rk < rank - 2 || rk > rank + 2))
            continue;
        cmi_buf_printf(out, "%s%s%ld. %s %.3f", any ? ", " : "", last && rk > last + 1 ? "..., " : "",
                   rk, by_region ? row->enterprise : row->region,
                   by_region ? row->region_score : row->score);
        last = rk;
        any = 1;
    }
    if (!any)
        cmi_buf_printf(out, "empty");
}

/* Why a pair is missing from the lists: the filters that veto it, or its
 * score below min_score. */
static void why_missing(textbuf *out, cm_engine *e, cm_policy *p, const char *ent, const char *reg)
{
    cm_result *t1 = NULL;
    if (cm_explain_pair(e, p, ent, reg, &t1) != CM_OK) {
        cmi_buf_printf(out, "(%s)", cm_engine_errmsg(e));
        return;
    }
    const cm_match_row *row = cm_result_row(t1, 0);
    if (row->vetoed) {
        cmi_buf_printf(out, "vetoed by");
        int n = 0;
        for (size_t i = 0; i < cm_result_filter_count(t1); i++) {
            const cm_filter_item *f = cm_result_filter(t1, i);
            if (!f->pass)
                cmi_buf_printf(out, "%s filter '%s' (%s)", n++ ? ";" : "", f->filter, f->reason);
        }
    } else {
        cmi_buf_printf(out, "scored %.3f (region's view %.3f), below min_score", row->score,
                   row->region_score);
    }
    cm_result_free(t1);
}

/* in_top, not_in_top and absent against one list; failures go to out. */
static void check_list(cm_engine *e, cm_policy *p, const cm_result *res, int by_region,
                       const char *ent, const char *reg, long in_top, long not_in_top,
                       int absent, const char *where, textbuf *out)
{
    size_t len = 0;
    const cm_match_row *row = list_row(res, by_region, ent, reg, &len);
    long rank = row ? (long)row->rank : 0;
    const char *owner = by_region ? reg : ent;
    const char *kind = by_region ? "region" : "enterprise";
    char what[200];
    if (in_top > 0 && (row == NULL || rank > in_top))
        snprintf(what, sizeof what, "expected %s %s in %s %s's top %ld", by_region ? "enterprise" :
                 "region", by_region ? ent : reg, kind, owner, in_top);
    else if (not_in_top > 0 && row && rank <= not_in_top)
        snprintf(what, sizeof what, "expected %s %s not in %s %s's top %ld", by_region ?
                 "enterprise" : "region", by_region ? ent : reg, kind, owner, not_in_top);
    else if (absent == 1 && row)
        snprintf(what, sizeof what, "expected the pair absent from %s %s's list", kind, owner);
    else if (absent == 0 && row == NULL)
        snprintf(what, sizeof what, "expected the pair in %s %s's list", kind, owner);
    else
        return;
    cmi_buf_printf(out, "%s: %s (--by %s), ", where, what, kind);
    if (row)
        cmi_buf_printf(out, "got rank %ld of %zu (%.3f): ", rank, len,
                   by_region ? row->region_score : row->score);
    else {
        cmi_buf_printf(out, "got none: ");
        why_missing(out, e, p, ent, reg);
        cmi_buf_printf(out, "; the list (%zu): ", len);
    }
    long head = in_top > 0 ? in_top : not_in_top > 0 ? not_in_top : 3;
    list_around(out, res, by_region, owner, head, rank);
    cmi_buf_printf(out, "\n");
}

/* Check one expectation (table at index t); failures go to out. */
static void check_expectation(const ctx *c, cm_engine *e, cm_policy *p, int t,
                              const cm_result *by_e, const cm_result *by_r, size_t n, textbuf *out)
{
    lua_State *L = c->L;
    const char *ent = opt_field(L, t, "enterprise");
    const char *reg = opt_field(L, t, "region");
    const char *top = opt_field(L, t, "top");
    const char *rule = opt_field(L, t, "rule");
    const char *filter = opt_field(L, t, "filter");
    const char *reason = opt_field(L, t, "reason");
    const char *by = opt_field(L, t, "by");
    double lo = 0, hi = 1;
    int has_range = range_of(L, t, &lo, &hi);
    lua_getfield(L, t, "rank");
    int has_rank = lua_isinteger(L, -1);
    long rank = has_rank ? (long)lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    lua_getfield(L, t, "vetoed");
    int has_veto = lua_isboolean(L, -1), want_veto = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, t, "absent");
    int absent = lua_isboolean(L, -1) ? lua_toboolean(L, -1) : -1;
    lua_pop(L, 1);
    char where[300];
    snprintf(where, sizeof where, "expect #%zu (%s%s%s%s%s)", n, ent ? "enterprise " : "",
             ent ? ent : "", ent && reg ? ", " : "", reg ? "region " : "", reg ? reg : "");
    long in_top = opt_count(L, t, "in_top", where, out);
    long not_in_top = opt_count(L, t, "not_in_top", where, out);
    if (!expectation_valid(L, t, e, where, out) || in_top < 0 || not_in_top < 0)
        return;
    if (top && cm_engine_find(e, ent ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES, top) == (size_t)-1) {
        cmi_buf_printf(out, "%s: top: unknown %s '%s': the case has no such profile\n", where,
                   ent ? "region" : "enterprise", top);
        return;
    }
    if ((in_top || not_in_top) && by == NULL) {
        cmi_buf_printf(out, "%s: %s needs by = \"region\" (the region's list, as match --by region "
                   "ranks it) or by = \"enterprise\" (the enterprise's)\n", where,
                   in_top ? "in_top" : "not_in_top");
        return;
    }

    if (top) {
        const cm_match_row *row = ent ? top_row(by_e, ent, NULL) : top_row(by_r, NULL, reg);
        const char *got = row ? (ent ? row->region : row->enterprise) : NULL;
        if (got == NULL || strcmp(got, top) != 0)
            cmi_buf_printf(out, "%s: expected the best %s to be %s, got %s\n", where,
                    ent ? "region" : "enterprise", top, got ? got : "none (all vetoed)");
    }
    if (ent == NULL || reg == NULL) {
        if (!top)
            cmi_buf_printf(out, "%s: name an enterprise and a region, or top\n", where);
        return;
    }
    int by_region = by && strcmp(by, "region") == 0;
    if (in_top || not_in_top || absent >= 0) {
        if (by)
            check_list(e, p, by_region ? by_r : by_e, by_region, ent, reg, in_top, not_in_top,
                       absent, where, out);
        else {          /* absent with no by: from both lists */
            check_list(e, p, by_e, 0, ent, reg, 0, 0, absent, where, out);
            check_list(e, p, by_r, 1, ent, reg, 0, 0, absent, where, out);
        }
    }
    if (has_rank || (has_range && !rule)) {
        const cm_match_row *row = find_row(by_region ? by_r : by_e, ent, reg);
        if (row == NULL)
            cmi_buf_printf(out, "%s: expected a ranked pair, got none (vetoed or below min_score)\n",
                    where);
        else if (has_rank && (long)row->rank != rank)
            cmi_buf_printf(out, "%s: expected rank %ld, got rank %u (score %.4f)\n", where, rank,
                    row->rank, row->score);
        else if (has_range && !rule && !in_range(row->score, lo, hi))
            cmi_buf_printf(out, "%s: expected a score in [%g, %g], got %.6g\n", where, lo, hi, row->score);
    }
    if (!has_veto && !rule && !filter && !reason)
        return;
    cm_result *t1 = NULL;
    if (cm_explain_pair(e, p, ent, reg, &t1) != CM_OK) {
        cmi_buf_printf(out, "%s: %s\n", where, cm_engine_errmsg(e));
        return;
    }
    const cm_match_row *row = cm_result_row(t1, 0);
    if (has_veto && (row->vetoed != 0) != (want_veto != 0)) {
        textbuf why = { 0 };
        for (size_t i = 0; i < cm_result_filter_count(t1); i++) {
            const cm_filter_item *f = cm_result_filter(t1, i);
            if (!f->pass)
                cmi_buf_printf(&why, " %s: %s;", f->filter, f->reason);
        }
        cmi_buf_printf(out, "%s: expected the pair %s, but it is %s%s\n", where,
                want_veto ? "vetoed" : "to pass the filters", row->vetoed ? "vetoed:" : "not vetoed",
                why.s ? why.s : "");
        cm_free(why.s);
    }
    if (filter) {
        const cm_filter_item *f = NULL;
        for (size_t i = 0; i < cm_result_filter_count(t1); i++)
            if (strcmp(cm_result_filter(t1, i)->filter, filter) == 0)
                f = cm_result_filter(t1, i);
        if (f == NULL)
            cmi_buf_printf(out, "%s: the policy has no filter '%s'\n", where, filter);
        else if (has_veto && want_veto && f->pass)
            cmi_buf_printf(out, "%s: expected filter '%s' to veto, it passed: %s\n", where, filter,
                    f->reason);
        else if (reason && !strstr(f->reason, reason))
            cmi_buf_printf(out, "%s: expected the reason of filter '%s' to contain \"%s\", got \"%s\"\n",
                    where, filter, reason, f->reason);
    }
    if (rule) {
        const cm_explain_item *it = NULL;
        for (size_t i = 0; i < cm_result_rule_count(t1); i++)
            if (strcmp(cm_result_explain(t1, 0, i)->rule, rule) == 0)
                it = cm_result_explain(t1, 0, i);
        if (it == NULL)
            cmi_buf_printf(out, "%s: the policy has no rule '%s'\n", where, rule);
        else {
            if (has_range && !in_range(it->score, lo, hi))
                cmi_buf_printf(out, "%s: expected rule '%s' to score in [%g, %g], got %.6g (%s)\n", where,
                        rule, lo, hi, it->score, it->reason);
            if (reason && !strstr(it->reason, reason))
                cmi_buf_printf(out, "%s: expected the reason of rule '%s' to contain \"%s\", got \"%s\"\n",
                        where, rule, reason, it->reason);
        }
    }
    if (reason && !rule && !filter) {
        int found = 0;
        for (size_t i = 0; i < cm_result_rule_count(t1) && !found; i++)
            found = strstr(cm_result_explain(t1, 0, i)->reason, reason) != NULL;
        for (size_t i = 0; i < cm_result_filter_count(t1) && !found; i++)
            found = strstr(cm_result_filter(t1, i)->reason, reason) != NULL;
        if (!found)
            cmi_buf_printf(out, "%s: expected a reason containing \"%s\", none does\n", where, reason);
    }
    cm_result_free(t1);
}

/* ---- coverage ------------------------------------------------------------------ */

typedef struct cov_item {
    char *name, *file;
    int line;
    size_t a, b;              /* rules: scored, fired; filters: checked, vetoed */
    double lo, hi;            /* rules: least and greatest score */
} cov_item;

typedef struct cov_policy {
    char *path;
    size_t cases;
    cov_item *rules, *filters;
    size_t nrules, nfilters;
    uint32_t words[VOCAB_COUNT];  /* the words some test profile holds */
    linecov *lines;           /* the lines its Lua states ran, per file */
} cov_policy;

struct cm_coverage {
    cov_policy *p;
    size_t n, cap;
    int nomem;
};

CM_API cm_coverage *cm_coverage_new(void)
{
    return cm_calloc(1, sizeof(cm_coverage));
}

static void free_items(cov_item *it, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cm_free(it[i].name);
        cm_free(it[i].file);
    }
    cm_free(it);
}

CM_API void cm_coverage_free(cm_coverage *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        cm_free(c->p[i].path);
        cmi_linecov_free(c->p[i].lines);
        free_items(c->p[i].rules, c->p[i].nrules);
        free_items(c->p[i].filters, c->p[i].nfilters);
    }
    cm_free(c->p);
    cm_free(c);
}

static cov_item *new_items(size_t n, const cm_policy *p, int rules)
{
    cov_item *it = cm_calloc(n ? n : 1, sizeof *it);
    for (size_t i = 0; it && i < n; i++) {
        it[i].name = cm_strdup(rules ? cm_policy_rule_name(p, i) : cm_policy_filter_name(p, i));
        it[i].file = cm_strdup(rules ? cm_policy_rule_file(p, i) : cm_policy_filter_file(p, i));
        it[i].line = rules ? cm_policy_rule_line(p, i) : cm_policy_filter_line(p, i);
        it[i].lo = 2;
        it[i].hi = -1;
        if (it[i].name == NULL || it[i].file == NULL) {
            free_items(it, i + 1);
            return NULL;
        }
    }
    return it;
}

/* The entry of the policy at path, made on first use (its rules and
 * filters are listed by the first case that loads it). */
static cov_policy *cov_entry(cm_coverage *c, const char *path)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->p[i].path, path) == 0)
            return &c->p[i];
    if (cm_grow((void **)&c->p, &c->cap, c->n + 1, sizeof *c->p) < 0)
        return NULL;
    cov_policy *e = &c->p[c->n];
    memset(e, 0, sizeof *e);
    e->path = cm_strdup(path);
    e->lines = cmi_linecov_new();
    if (e->path == NULL || e->lines == NULL) {
        cm_free(e->path);
        cmi_linecov_free(e->lines);
        return NULL;
    }
    c->n++;
    return e;
}

static int cov_list_items(cov_policy *e, const cm_policy *p)
{
    if (e->rules)
        return 0;
    e->nrules = cm_policy_rule_count(p);
    e->nfilters = cm_policy_filter_count(p);
    e->rules = new_items(e->nrules, p, 1);
    e->filters = new_items(e->nfilters, p, 0);
    if (e->rules == NULL || e->filters == NULL) {
        free_items(e->rules, e->rules ? e->nrules : 0);
        free_items(e->filters, e->filters ? e->nfilters : 0);
        e->rules = e->filters = NULL;
        e->nrules = e->nfilters = 0;
        return -1;
    }
    return 0;
}

/* Count one case: its run's statistics and its profiles' words. */
static void cov_count(cm_coverage *c, const char *path, cm_engine *e, const cm_policy *p,
                      const cm_result *stats)
{
    cov_policy *cp = cov_entry(c, path);
    if (cp == NULL || cov_list_items(cp, p) < 0) {
        c->nomem = 1;
        return;
    }
    cp->cases++;
    for (size_t i = 0; i < cp->nrules && i < cm_policy_rule_count(p); i++) {
        const cm_rule_stats *rs = cm_result_rule_stats(stats, i);
        cov_item *it = &cp->rules[i];
        if (rs == NULL || rs->scored == 0)
            continue;
        it->a += rs->scored;
        it->b += rs->fired;
        it->lo = rs->min < it->lo ? rs->min : it->lo;
        it->hi = rs->max > it->hi ? rs->max : it->hi;
    }
    for (size_t i = 0; i < cp->nfilters && i < cm_policy_filter_count(p); i++) {
        const cm_filter_stats *fs = cm_result_filter_stats(stats, i);
        if (fs) {
            cp->filters[i].a += fs->checked;
            cp->filters[i].b += fs->vetoed;
        }
    }
    const store *st = cmi_engine_store(e);
    const field_def *f;
    for (int kind = 0; kind < 2; kind++)
        for (size_t k = 0; (f = cmi_schema_field_at(k)) != NULL; k++) {
            int v = cmi_schema_field_vocab(f);
            if (v < 0 || !(f->kinds & (kind == 0 ? 1u : 2u)))
                continue;
            for (uint32_t i = 0; i < st->kinds[kind].count; i++) {
                struct field_read o;
                cmi_record_read(st, kind, store_common(st, kind, i), f, &o);
                if (o.type == T_LIST && o.pool == POOL_VOCAB)
                    cp->words[v] |= o.bits;
                else if (o.type == T_STRING && o.str) {
                    int w = cmi_vocab_lookup(v, o.str, strlen(o.str));
                    if (w >= 0)
                        cp->words[v] |= 1u << w;
                }
            }
        }
}

static void cov_put(textbuf *b, cm_write_fn fn, void *ud, int *failed)
{
    if (!*failed && b->len && fn(b->s, b->len, ud) != 0)
        *failed = 1;
    cmi_buf_clear(b);
}

static void json_str(textbuf *b, const char *s)
{
    cmi_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            cmi_buf_printf(b, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            cmi_buf_printf(b, "\\u%04x", *s);
        else
            cmi_buf_putc(b, *s);
    }
    cmi_buf_putc(b, '"');
}

/* {"name":...,"file":...,"line":N  of the k-th item of a JSON list */
static void json_item(textbuf *b, size_t k, const cov_item *it)
{
    cmi_buf_puts(b, k ? ",{\"name\":" : "{\"name\":");
    json_str(b, it->name);
    cmi_buf_puts(b, ",\"file\":");
    json_str(b, it->file);
    cmi_buf_printf(b, ",\"line\":%d", it->line);
}

/* The first line after line that holds code, or 0. */
static int next_code_line(const linecov_file *f, int line)
{
    for (size_t l = (size_t)line + 1; l < f->nlines; l++)
        if (f->is_code[l])
            return (int)l;
    return 0;
}

/* The lines of the policy's Lua files (the policy first, then the modules it
 * required) that ran: per file, the lines holding code, how many ran, and
 * those that never did (as ranges in text, where a range may span lines
 * without code: "never run: 21-23"). */
static int cov_lines(textbuf *b, const cov_policy *cp, int json)
{
    if (cmi_linecov_nomem(cp->lines))
        return -1;
    cmi_linecov_sort(cp->lines, cp->path);
    for (size_t i = 0; i < cmi_linecov_count(cp->lines); i++) {
        linecov_file f;
        cmi_linecov_file(cp->lines, i, &f);
        if (json) {
            cmi_buf_puts(b, i ? ",{\"file\":" : "{\"file\":");
            json_str(b, f.name);
            if (f.error) {
                cmi_buf_puts(b, ",\"error\":");
                json_str(b, f.error);
            } else {
                cmi_buf_printf(b, ",\"code\":%d,\"run\":%d,\"never_run\":[", f.code, f.run);
                for (size_t k = 0; k < f.nmissed; k++)
                    cmi_buf_printf(b, "%s%d", k ? "," : "", f.missed[k]);
                cmi_buf_putc(b, ']');
            }
            cmi_buf_putc(b, '}');
            continue;
        }
        if (f.error) {
            cmi_buf_printf(b, "#   lines of %s: not measured (%s)\n", f.name, f.error);
            continue;
        }
        cmi_buf_printf(b, "#   lines of %s: %d of %d run", f.name, f.run, f.code);
        for (size_t k = 0; k < f.nmissed;) {
            size_t j = k;
            while (j + 1 < f.nmissed && next_code_line(&f, f.missed[j]) == f.missed[j + 1])
                j++;
            cmi_buf_puts(b, k ? ", " : "; never run: ");
            if (j == k)
                cmi_buf_printf(b, "%d", f.missed[k]);
            else
                cmi_buf_printf(b, "%d-%d", f.missed[k], f.missed[j]);
            k = j + 1;
        }
        cmi_buf_putc(b, '\n');
    }
    return 0;
}

CM_API cm_status cm_coverage_write(const cm_coverage *c, int json, cm_write_fn fn, void *ud)
{
    if (c == NULL || fn == NULL)
        return CM_EUSAGE;
    if (c->nomem)
        return CM_ENOMEM;
    textbuf b = BUF_INIT;
    int failed = 0, nomem = 0;
    if (json)
        cmi_buf_putc(&b, '[');
    for (size_t i = 0; i < c->n; i++) {
        const cov_policy *cp = &c->p[i];
        if (json) {
            cmi_buf_puts(&b, i ? ",{\"policy\":" : "{\"policy\":");
            json_str(&b, cp->path);
            cmi_buf_printf(&b, ",\"cases\":%zu,\"rules\":[", cp->cases);
        } else {
            cmi_buf_printf(&b, "# coverage of %s (%zu case%s)\n",
                       cp->path, cp->cases, cp->cases == 1 ? "" : "s");
        }
        for (size_t k = 0; k < cp->nrules; k++) {
            const cov_item *it = &cp->rules[k];
            if (json) {
                json_item(&b, k, it);
                cmi_buf_printf(&b, ",\"scored\":%zu,\"fired\":%zu", it->a, it->b);
                if (it->a)
                    cmi_buf_printf(&b, ",\"min\":%.17g,\"max\":%.17g", it->lo, it->hi);
                cmi_buf_putc(&b, '}');
            } else if (it->a == 0) {
                cmi_buf_printf(&b, "#   %s:%d: rule '%s': not exercised (no test pair passed the "
                           "filters)\n", it->file, it->line, it->name);
            } else {
                cmi_buf_printf(&b, "#   %s:%d: rule '%s': %zu pairs, fired on %zu, scores %g to %g%s\n",
                           it->file, it->line, it->name, it->a, it->b, it->lo, it->hi,
                           it->b == 0 ? ": never fired" : it->lo == it->hi ? ": never varied" : "");
            }
        }
        if (json)
            cmi_buf_puts(&b, "],\"filters\":[");
        for (size_t k = 0; k < cp->nfilters; k++) {
            const cov_item *it = &cp->filters[k];
            if (json) {
                json_item(&b, k, it);
                cmi_buf_printf(&b, ",\"checked\":%zu,\"vetoed\":%zu}", it->a, it->b);
            } else {
                cmi_buf_printf(&b, "#   %s:%d: filter '%s': %zu pairs, vetoed %zu%s\n", it->file,
                           it->line, it->name, it->a, it->b,
                           it->a == 0 ? ": not exercised" : it->b == 0 ? ": never vetoed"
                           : it->b == it->a ? ": never let a pair through" : "");
            }
        }
        if (json)
            cmi_buf_puts(&b, "],\"lines\":[");
        if (cov_lines(&b, cp, json) < 0)
            nomem = 1;
        if (json)
            cmi_buf_puts(&b, "],\"untouched\":{");
        int firstv = 1;
        for (int v = 0; v < VOCAB_COUNT; v++) {
            int any = 0;
            for (int w = 0; w < cmi_vocab_size(v); w++) {
                if (cp->words[v] & (1u << w))
                    continue;
                if (json) {
                    if (!any)
                        cmi_buf_printf(&b, "%s\"%s\":[", firstv ? "" : ",", cmi_vocab_name(v));
                    cmi_buf_printf(&b, "%s\"%s\"", any ? "," : "", cmi_vocab_word(v, w));
                } else {
                    if (!any)
                        cmi_buf_printf(&b, "#   no test profile holds these %s words:", cmi_vocab_name(v));
                    cmi_buf_printf(&b, "%s %s", any ? "," : "", cmi_vocab_word(v, w));
                }
                any = 1;
                firstv = 0;
            }
            if (any)
                cmi_buf_puts(&b, json ? "]" : "\n");
        }
        if (json)
            cmi_buf_puts(&b, "}}");
        cov_put(&b, fn, ud, &failed);
    }
    if (json)
        cmi_buf_puts(&b, "]");
    cov_put(&b, fn, ud, &failed);
    nomem |= b.nomem;
    cmi_buf_free(&b);
    return nomem ? CM_ENOMEM : failed ? CM_EIO : CM_OK;
}

static void run_case(const ctx *c, int idx, const char *pattern, cm_test_fn fn, void *ud,
                     size_t *passed, size_t *failed)
{
    lua_State *L = c->L;
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.cases");
    lua_rawgeti(L, -1, idx);
    int t = lua_gettop(L);
    const char *name = opt_field(L, t, "name");
    lua_getfield(L, t, "__line");
    int line = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    char dflt[64];
    if (name == NULL) {
        snprintf(dflt, sizeof dflt, "case on line %d", line);
        name = dflt;
    }
    if (pattern && !strstr(name, pattern)) {
        lua_settop(L, t - 2);
        return;
    }
    textbuf out = { 0 };
    char **set = NULL;
    size_t nset = 0;
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    cm_policy *p = NULL;
    cm_result *by_e = NULL, *by_r = NULL;
    if (e == NULL) {
        cmi_buf_printf(&out, "%s\n", cm_last_error());
        goto done;
    }
    lua_getfield(L, t, "regions");
    int bad = load_side(c, e, CM_KIND_REGIONS, name, &out);
    lua_pop(L, 1);
    lua_getfield(L, t, "enterprises");
    bad |= load_side(c, e, CM_KIND_ENTERPRISES, name, &out);
    lua_pop(L, 1);
    if (bad)
        goto done;
    const char *pol = opt_field(L, t, "policy");
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.suite");
    int suite = lua_gettop(L);
    if (pol == NULL && lua_istable(L, suite))
        pol = opt_field(L, suite, "policy");
    if (pol == NULL) {
        cmi_buf_printf(&out, "no policy: give suite { policy = \"file.lua\" } or policy = ... in the case\n");
        lua_pop(L, 1);
        goto done;
    }
    if (lua_istable(L, suite)) {
        lua_getfield(L, suite, "set");
        collect_set(L, &set, &nset);
        lua_pop(L, 1);
    }
    lua_getfield(L, t, "set");
    collect_set(L, &set, &nset);
    lua_pop(L, 2);
    char path[2048];
    resolve(c, pol, path, sizeof path);
    cm_policy_options po;
    cm_policy_options_init(&po);
    po.set = (const char *const *)set;
    cov_policy *cp = c->cov ? cov_entry(c->cov, path) : NULL;
    if (c->cov && cp == NULL) {
        cmi_buf_printf(&out, "out of memory\n");
        goto done;
    }
    p = cp ? cmi_policy_load_traced(e, path, &po, cmi_linecov_hit, cp->lines)
           : cm_policy_load(e, path, &po);
    if (p == NULL) {
        cmi_buf_printf(&out, "%s\n", cm_engine_errmsg(e));
        goto done;
    }
    cm_match_options mo;
    cm_match_options_init(&mo);
    mo.threads = 1;
    mo.top = cm_engine_count(e, CM_KIND_REGIONS) + cm_engine_count(e, CM_KIND_ENTERPRISES) + 1;
    mo.stats = c->cov != NULL;    /* the same rows; every pair scored in full and counted */
    if (cm_match(e, p, &mo, &by_e) != CM_OK) {
        cmi_buf_printf(&out, "%s\n", cm_engine_errmsg(e));
        goto done;
    }
    if (c->cov)
        cov_count(c->cov, path, e, p, by_e);
    mo.stats = 0;
    mo.by = CM_KIND_REGIONS;
    if (cm_match(e, p, &mo, &by_r) != CM_OK) {
        cmi_buf_printf(&out, "%s\n", cm_engine_errmsg(e));
        goto done;
    }
    lua_getfield(L, t, "expect");
    if (!lua_istable(L, -1)) {
        cmi_buf_printf(&out, "no expect = { ... } list\n");
    } else {
        int ex = lua_gettop(L);
        size_t n = lua_rawlen(L, ex);
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, ex, (lua_Integer)i);
            if (lua_istable(L, -1))
                check_expectation(c, e, p, lua_gettop(L), by_e, by_r, i, &out);
            else
                cmi_buf_printf(&out, "expect #%zu: expected a table\n", i);
            lua_pop(L, 1);
        }
        if (n == 0)
            cmi_buf_printf(&out, "the expect list is empty\n");
    }
    lua_pop(L, 1);

done:;
    cm_test_event ev = { c->file, name, line, out.len == 0 && !out.nomem,
                         out.nomem ? "out of memory" : out.s ? out.s : "" };
    if (ev.passed)
        (*passed)++;
    else
        (*failed)++;
    fn(&ev, ud);
    cm_free(out.s);
    for (size_t i = 0; i < nset; i++)
        cm_free(set[i]);
    cm_free(set);
    cm_result_free(by_e);
    cm_result_free(by_r);
    cm_policy_free(p);
    cm_engine_free(e);
    lua_settop(L, t - 2);
}

CM_API cm_status cm_test_run_file(const char *path, const char *pattern, cm_test_fn fn, void *ud,
                                  size_t *passed, size_t *failed)
{
    return cm_test_run_file_cov(path, pattern, NULL, fn, ud, passed, failed);
}

CM_API cm_status cm_test_run_file_cov(const char *path, const char *pattern, cm_coverage *cov,
                                      cm_test_fn fn, void *ud, size_t *passed, size_t *failed)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.cov = cov;
    c.file = path;
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(c.dir, sizeof c.dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(c.dir, sizeof c.dir, ".");
    char rules_path[3200];
    snprintf(rules_path, sizeof rules_path, "%s/lib:%s/../lib:%s", c.dir, c.dir, c.dir);
    sandbox *sb = cmi_sandbox_new(NULL, rules_path);
    if (sb == NULL)
        return CM_ENOMEM;
    lua_State *L = c.L = cmi_sandbox_lua(sb);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "capmatch.cases");
    cmi_sandbox_push_env(sb);
    lua_pushstring(L, "suite");
    lua_pushcfunction(L, l_suite);
    lua_rawset(L, -3);
    lua_pushstring(L, "case");
    lua_pushcfunction(L, l_case);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    char err[1024];
    if (cmi_sandbox_dofile(sb, path, 0, err, sizeof err) < 0) {
        cm_test_event ev = { path, "(loading the test file)", 0, 0, err };
        (*failed)++;
        fn(&ev, ud);
        cmi_sandbox_free(sb);
        return CM_EINPUT;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.cases");
    int n = (int)lua_rawlen(L, -1);
    lua_pop(L, 1);
    if (n == 0) {
        cm_test_event ev = { path, "(the test file)", 0, 0, "declares no case { ... }" };
        (*failed)++;
        fn(&ev, ud);
    }
    for (int i = 1; i <= n; i++)
        run_case(&c, i, pattern, fn, ud, passed, failed);
    cmi_sandbox_free(sb);
    return CM_OK;
}
