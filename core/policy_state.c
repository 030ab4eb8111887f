/*
 * policy_state.c - the Lua side of a policy at match time: read-only views
 * of profiles, the `cm`, `re` and `mcda` modules, and the protected calls of rule,
 * filter and derive functions.
 *
 * A view is a small userdata naming (side, profile index); fields are read
 * from the compact store on access, never copied into tables. Each state
 * keeps one view per side and moves it from pair to pair, so a rule call
 * allocates nothing for its arguments.
 */
#include "policy.h"
#include "vocab.h"
#include "alloc.h"
#include "buf.h"

#include <lauxlib.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define VIEW_MT "capmatch.profile"
#define LIST_MT "capmatch.list"
#define REGEX_MT "capmatch.regex"

struct pview {
    cm_policy *p;
    pstate *ps;
    int side;
    uint32_t index;
    const field_def *group;   /* a view of revenue, location ...; NULL: the profile */
    int attrs;                /* a view of attrs */
};

struct lview {
    const cm_policy *p;
    struct field_read fr;
};

/* A group or list view of (side, field), made once per state and moved
 * from profile to profile like the profile views: no allocation per access.
 * Views are valid during the call that got them. */
static void *cached_view(lua_State *L, pstate *ps, int side, int field, size_t size,
                         const char *mt)
{
    int *ref = &ps->cached_refs[side][field];
    if (*ref) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
        return lua_touserdata(L, -1);
    }
    void *u = lua_newuserdatauv(L, size, 0);
    memset(u, 0, size);
    luaL_setmetatable(L, mt);
    lua_pushvalue(L, -1);
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return u;
}

uint32_t cmi_pview_index(lua_State *L, int idx, int side)
{
    struct pview *v = luaL_checkudata(L, idx, VIEW_MT);
    if (v->side != side || v->group || v->attrs)
        luaL_argerror(L, idx, side == SIDE_ENTERPRISE ? "expected an enterprise profile"
                                                      : "expected a region profile");
    return v->index;
}

/* The cm and re functions carry the policy, the state and the view
 * metatable as upvalues: no registry lookup by name on every call. */
static pstate *pstate_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(2));
}

static struct pview *check_view(lua_State *L, int idx)
{
    struct pview *v = lua_touserdata(L, idx);
    if (v == NULL || !lua_getmetatable(L, idx) || !lua_rawequal(L, -1, lua_upvalueindex(3)))
        luaL_typeerror(L, idx, "profile");
    lua_pop(L, 1);
    return v;
}

static const char *side_name(int side)
{
    return side == SIDE_ENTERPRISE ? "enterprise" : "region";
}

static void push_number(lua_State *L, double d)
{
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
        lua_pushinteger(L, (lua_Integer)d);
    else
        lua_pushnumber(L, d);
}

static void push_read_cached(lua_State *L, const cm_policy *p, const struct field_read *o,
                             pstate *ps, int side, int field)
{
    switch (o->type) {
    case T_STRING: lua_pushstring(L, o->str); break;
    case T_NUMBER: push_number(L, o->num); break;
    case T_BOOL: lua_pushboolean(L, o->boolean); break;
    case T_LIST: {
        struct lview *lv = ps && field >= 0
                               ? cached_view(L, ps, side, field, sizeof *lv, LIST_MT)
                               : lua_newuserdatauv(L, sizeof *lv, 0);
        lv->p = p;
        lv->fr = *o;
        if (!(ps && field >= 0))
            luaL_setmetatable(L, LIST_MT);
        break;
    }
    default: lua_pushnil(L); break;
    }
}

static void push_read(lua_State *L, const cm_policy *p, const struct field_read *o)
{
    push_read_cached(L, p, o, NULL, 0, -1);
}

static void push_dval(lua_State *L, const cm_policy *p, const dval *d)
{
    switch (d->type) {
    case T_STRING: lua_pushstring(L, strpool_get(&p->strings, d->str)); break;
    case T_NUMBER: push_number(L, d->u.num); break;
    case T_BOOL: lua_pushboolean(L, (int)d->u.num); break;
    case T_LIST: {
        struct field_read o;
        memset(&o, 0, sizeof o);
        o.type = T_LIST;
        o.pool = POOL_DERIVED;
        o.off = d->u.list.off;
        o.count = d->u.list.count;
        push_read(L, p, &o);
        break;
    }
    default: lua_pushnil(L); break;
    }
}

/* A memoised rule's scoring call may read only what its `uses` lists. */
static void check_allowed(lua_State *L, const struct pview *v, const field_def *f, int derived,
                          const char *name)
{
    struct trace *t = v->ps ? v->ps->trace : NULL;
    if (t && f && f->id < 64)
        t->fields[v->side][f->id] = f;
    else if (t && !f && derived >= 0 && derived < 256)
        t->derived[v->side][derived] = 1;
    const uses *u = v->ps ? v->ps->restrict_to : NULL;
    if (u == NULL)
        return;
    if (f ? cmi_uses_allows_field(u, v->side, f) : cmi_uses_allows_derived(u, v->side, derived))
        return;
    luaL_error(L, "reads %s.%s, which its uses does not list (a memoised rule's score may "
                  "depend only on the fields it names)", side_name(v->side), name);
}

static struct pview *new_view(lua_State *L, cm_policy *p, int side, uint32_t index)
{
    struct pview *v = lua_newuserdatauv(L, sizeof *v, 0);
    memset(v, 0, sizeof *v);
    v->p = p;
    v->side = side;
    v->index = index;
    luaL_setmetatable(L, VIEW_MT);
    return v;
}

static void check_allowed(lua_State *L, const struct pview *v, const field_def *f, int derived,
                          const char *name);

/* Read a field of the view's profile by name into o. 1 found, 0 not a field. */
static int read_named(lua_State *L, const struct pview *v, const char *name,
                      struct field_read *o)
{
    const store *st = v->p->st;
    const struct common *c = store_common(st, v->side, v->index);
    const field_def *f = cmi_schema_field(v->side, name, strlen(name));
    if (f == NULL || f->shape == SHAPE_GROUP || f->shape == SHAPE_ATTRS)
        return 0;
    check_allowed(L, v, f, -1, name);
    cmi_record_read(st, v->side, c, f, o);
    return 1;
}

const char *cmi_policy_nearest_name(const cm_policy *p, int side, const char *name)
{
    const char *names[160];
    size_t n = 0;
    const field_def *f;
    for (size_t i = 0; (f = cmi_schema_field_at(i)) != NULL && n < 150; i++)
        if ((f->kinds & (side == SIDE_REGION ? 1u : 2u)) && (strchr(name, '.') != NULL) ==
                                                                (strchr(f->path, '.') != NULL))
            names[n++] = f->path;
    for (size_t d = 0; d < p->nderived && n < 157; d++)
        if (p->derived[d].side == side)
            names[n++] = p->derived[d].name;
    names[n++] = "has";
    names[n++] = "within";
    names[n++] = "money";
    return cmi_word_nearest(name, names, n);
}

static int view_has(lua_State *L);
static int view_within(lua_State *L);
static int view_money(lua_State *L);

static int view_index(lua_State *L)
{
    /* only ever called as the metamethod of a view (its metatable is hidden) */
    struct pview *v = lua_touserdata(L, 1);
    const char *key = luaL_checkstring(L, 2);
    cm_policy *p = v->p;
    const store *st = p->st;
    const struct common *c = store_common(st, v->side, v->index);
    struct field_read o;
    if (v->attrs) {
        if (v->ps && v->ps->restrict_to && !cmi_uses_allows_attr(v->ps->restrict_to, v->side, key))
            return luaL_error(L, "reads %s.attrs.%s, which its uses does not list (a memoised "
                                 "rule's score may depend only on the fields it names)",
                              side_name(v->side), key);
        cmi_record_attr(st, c, cmi_strpool_find(&st->strings, key, strlen(key)), &o);
        push_read(L, p, &o);
        return 1;
    }
    if (v->group) {
        char path[96];
        size_t gl = strlen(v->group->path), kl = strlen(key);
        const field_def *f = NULL;
        if (gl + kl + 2 <= sizeof path) {   /* "group.key", without printf: per pair */
            memcpy(path, v->group->path, gl);
            path[gl] = '.';
            memcpy(path + gl + 1, key, kl + 1);
            f = cmi_schema_field(v->side, path, gl + 1 + kl);
        }
        if (f == NULL)
            return luaL_error(L, "%s has no member '%s' (it has %s)", v->group->path, key,
                              cmi_schema_group_members(v->side, v->group->path));
        check_allowed(L, v, f, -1, f->path);
        cmi_record_read(st, v->side, c, f, &o);
        push_read_cached(L, p, &o, v->ps, v->side, f->id);
        return 1;
    }
    /* field names resolve through a Lua table per side (the key is an
     * interned Lua string, hashed once), filled on first use */
    static const char not_a_field;
    const field_def *f;
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1 + v->side)) == LUA_TLIGHTUSERDATA) {
        f = lua_touserdata(L, -1);
        if ((const void *)f == &not_a_field)
            f = NULL;
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
        f = cmi_schema_field(v->side, key, strlen(key));
        lua_pushvalue(L, 2);
        lua_pushlightuserdata(L, f ? (void *)(uintptr_t)f : (void *)(uintptr_t)&not_a_field);
        lua_rawset(L, lua_upvalueindex(1 + v->side));
    }
    if (f) {
        if (f->shape == SHAPE_GROUP || f->shape == SHAPE_ATTRS) {
            if (f->shape == SHAPE_ATTRS)
                check_allowed(L, v, f, -1, f->path);   /* then each name, in the view */
            struct pview *g;
            if (v->ps) {
                g = cached_view(L, v->ps, v->side, f->id, sizeof *g, VIEW_MT);
                g->p = p;
                g->ps = v->ps;
                g->side = v->side;
            } else {
                g = new_view(L, p, v->side, v->index);
            }
            g->index = v->index;
            g->group = f->shape == SHAPE_GROUP ? f : NULL;
            g->attrs = f->shape == SHAPE_ATTRS;
            return 1;
        }
        check_allowed(L, v, f, -1, f->path);
        cmi_record_read(st, v->side, c, f, &o);
        push_read_cached(L, p, &o, v->ps, v->side, f->id);
        return 1;
    }
    for (size_t d = 0; d < p->nderived; d++)
        if (p->derived[d].side == v->side && strcmp(p->derived[d].name, key) == 0) {
            check_allowed(L, v, NULL, (int)d, key);
            if (v->index < p->dcount[v->side])
                push_dval(L, p, &p->dvals[v->side][v->index * p->nderived + d]);
            else
                lua_pushnil(L);
            return 1;
        }
    static const luaL_Reg methods[] = {
        { "has", view_has }, { "within", view_within }, { "money", view_money }, { NULL, NULL }
    };
    for (const luaL_Reg *m = methods; m->name; m++)
        if (strcmp(m->name, key) == 0) {
            lua_pushcfunction(L, m->func);
            return 1;
        }
    const char *near = cmi_policy_nearest_name(p, v->side, key);
    if (near)
        return luaL_error(L, "%s profiles have no field '%s'; did you mean '%s'?",
                          side_name(v->side), key, near);
    return luaL_error(L, "%s profiles have no field '%s'", side_name(v->side), key);
}

static int view_newindex(lua_State *L)
{
    struct pview *v = luaL_checkudata(L, 1, VIEW_MT);
    return luaL_error(L, "profiles are read-only: cannot set '%s' of %s \"%s\"",
                      luaL_optstring(L, 2, "?"), side_name(v->side),
                      strpool_get(&v->p->st->strings,
                                  store_common(v->p->st, v->side, v->index)->id));
}

static int view_tostring(lua_State *L)
{
    struct pview *v = luaL_checkudata(L, 1, VIEW_MT);
    check_allowed(L, v, cmi_schema_field(v->side, "id", 2), -1, "id");
    lua_pushfstring(L, "%s \"%s\"", side_name(v->side),
                    strpool_get(&v->p->st->strings, store_common(v->p->st, v->side, v->index)->id));
    return 1;
}

/* e:has("sectors", "2826") */
static int view_has(lua_State *L)
{
    struct pview *v = luaL_checkudata(L, 1, VIEW_MT);
    const char *field = luaL_checkstring(L, 2);
    const char *want = luaL_checkstring(L, 3);
    struct field_read o;
    if (!read_named(L, v, field, &o)) {
        const char *near = cmi_policy_nearest_name(v->p, v->side, field);
        return luaL_error(L, "has: '%s' is not a field of %s profiles%s%s%s", field,
                          side_name(v->side), near ? "; did you mean '" : "", near ? near : "",
                          near ? "'?" : "");
    }
    if (o.type == T_LIST) {
        for (size_t i = 0; i < o.count; i++)
            if (strcmp(cmi_fref_list_item(v->p, &o, i), want) == 0) {
                lua_pushboolean(L, 1);
                return 1;
            }
        lua_pushboolean(L, 0);
    } else {
        lua_pushboolean(L, o.type == T_STRING && strcmp(o.str, want) == 0);
    }
    return 1;
}

/* e:within("sectors", "28"): a code of the field lies within the ISIC code */
static int view_within(lua_State *L)
{
    struct pview *v = luaL_checkudata(L, 1, VIEW_MT);
    const char *field = luaL_checkstring(L, 2);
    size_t len;
    const char *code = luaL_checklstring(L, 3, &len);
    isic_id anc = cmi_isic_lookup(code, len);
    if (anc == ISIC_NONE)
        return luaL_error(L, "within: '%s' is not an ISIC Rev.4 code", code);
    struct field_read o;
    if (!read_named(L, v, field, &o))
        return luaL_error(L, "within: '%s' is not a field of %s profiles", field,
                          side_name(v->side));
    int found = 0;
    if (o.type == T_LIST && o.pool == POOL_ISIC) {
        for (size_t i = 0; i < o.count && !found; i++)
            found = cmi_isic_is_within(v->p->st->u16[o.off + i], anc);
    } else if (o.type == T_STRING) {
        isic_id c = cmi_isic_lookup(o.str, strlen(o.str));
        found = c && cmi_isic_is_within(c, anc);
    }
    lua_pushboolean(L, found);
    return 1;
}

/* e:money("revenue" [, "USD"]): the amount in a currency (default: the
 * rates table's reference), or nil when absent or without a rate. */
static int view_money(lua_State *L)
{
    struct pview *v = luaL_checkudata(L, 1, VIEW_MT);
    const char *group = luaL_checkstring(L, 2);
    const char *to = luaL_optstring(L, 3, NULL);
    char pa[64], pc[64];
    size_t gl = strlen(group);
    if (gl > 40)              /* no group is that long: not an amount */
        gl = 40;
    /* "group.amount" and "group.currency" without printf: derive runs this
     * for every profile */
    const char *m = strcmp(group, "investment") == 0 ? ".max" : ".amount";
    memcpy(pa, group, gl);
    memcpy(pa + gl, m, strlen(m) + 1);
    memcpy(pc, group, gl);
    memcpy(pc + gl, ".currency", sizeof ".currency");
    struct field_read a, c;
    if (!read_named(L, v, pa, &a) || !read_named(L, v, pc, &c))
        return luaL_error(L, "money: '%s' is not an amount of %s profiles", group,
                          side_name(v->side));
    double out;
    if (a.type != T_NUMBER || c.type != T_STRING ||
        cm_engine_convert(v->p->engine, a.num, c.str, to, &out) != CM_OK) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushnumber(L, out);
    return 1;
}

/* ---- list views ---------------------------------------------------------- */

static int list_index(lua_State *L)
{
    struct lview *lv = lua_touserdata(L, 1);   /* metamethod only */
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 1 || (size_t)i > lv->fr.count) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, cmi_fref_list_item(lv->p, &lv->fr, (size_t)i - 1));
    return 1;
}

static int list_len(lua_State *L)
{
    struct lview *lv = lua_touserdata(L, 1);
    lua_pushinteger(L, (lua_Integer)lv->fr.count);
    return 1;
}

static int list_tostring(lua_State *L)
{
    struct lview *lv = lua_touserdata(L, 1);   /* metamethod only (the metatable is hidden) */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addchar(&b, '[');
    for (size_t i = 0; i < lv->fr.count; i++) {
        if (i)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, cmi_fref_list_item(lv->p, &lv->fr, i));
    }
    luaL_addchar(&b, ']');
    luaL_pushresult(&b);
    return 1;
}

static int list_newindex(lua_State *L)
{
    return luaL_error(L, "profile lists are read-only");
}

/* ---- the cm module ----------------------------------------------------------- */

static isic_id check_isic(lua_State *L, int idx)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    return cmi_isic_lookup(s, len);
}

static int cm_isic_title_l(lua_State *L)
{
    isic_id c = check_isic(L, 1);
    if (c)
        lua_pushstring(L, cmi_isic_title(c));
    else
        lua_pushnil(L);
    return 1;
}

static int cm_isic_parent_l(lua_State *L)
{
    isic_id c = check_isic(L, 1);
    if (c && cmi_isic_parent(c))
        lua_pushstring(L, cmi_isic_code(cmi_isic_parent(c)));
    else
        lua_pushnil(L);
    return 1;
}

static int cm_isic_distance_l(lua_State *L)
{
    isic_id a = check_isic(L, 1), b = check_isic(L, 2);
    if (a && b)
        lua_pushinteger(L, cmi_isic_distance(a, b));
    else
        lua_pushnil(L);
    return 1;
}

static int cm_isic_within_l(lua_State *L)
{
    isic_id a = check_isic(L, 1), b = check_isic(L, 2);
    lua_pushboolean(L, a && b && cmi_isic_is_within(a, b));
    return 1;
}

static int cm_convert_l(lua_State *L)
{
    cm_policy *p = lua_touserdata(L, lua_upvalueindex(1));
    double amount = luaL_checknumber(L, 1), out;
    const char *from = luaL_checkstring(L, 2);
    const char *to = luaL_optstring(L, 3, NULL);
    if (cm_engine_convert(p->engine, amount, from, to, &out) != CM_OK)
        lua_pushnil(L);
    else
        lua_pushnumber(L, out);
    return 1;
}

double cmi_geo_km(double lat1, double lon1, double lat2, double lon2);

static int cm_distance_l(lua_State *L)
{
    struct pview *a = check_view(L, 1);
    struct pview *b = check_view(L, 2);
    check_allowed(L, a, cmi_schema_field(a->side, "location", 8), -1, "location");
    check_allowed(L, b, cmi_schema_field(b->side, "location", 8), -1, "location");
    const struct common *ca = store_common(a->p->st, a->side, a->index);
    const struct common *cb = store_common(b->p->st, b->side, b->index);
    if (isnan(ca->lat) || isnan(cb->lat))
        lua_pushnil(L);
    else
        lua_pushnumber(L, cmi_geo_km(ca->lat, ca->lon, cb->lat, cb->lon));
    return 1;
}

/* ---- the re module (PCRE2, compiled once per pattern and state) ------------- */

static pcre2_code **check_regex(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, REGEX_MT);
}

static int regex_gc(lua_State *L)
{
    pcre2_code **c = check_regex(L, 1);
    pcre2_code_free(*c);
    *c = NULL;
    return 0;
}

/* The compiled pattern for (pattern, flags), from the state's cache. */
/* \b under flag w: a word boundary, or the edge of a CJK character (each
 * Han, kana or Hangul character is a word of its own: text in those scripts
 * has no spaces, and \w takes its letters, so a plain \b never falls
 * between two of them). */
#define CJK "[\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Hangul}]"
static const char cjk_boundary[] = "(?:\\b|(?<=" CJK ")|(?=" CJK "))";

pcre2_code *cmi_policy_regex_compile(const char *pat, size_t plen, const char *flags, char *err,
                                 size_t errlen)
{
    uint32_t opts = PCRE2_UTF | PCRE2_UCP;
    int cjk = 0;
    for (const char *f = flags ? flags : ""; *f; f++) {
        if (*f == 'i')
            opts |= PCRE2_CASELESS;
        else if (*f == 'm')
            opts |= PCRE2_MULTILINE;
        else if (*f == 's')
            opts |= PCRE2_DOTALL;
        else if (*f == 'x')
            opts |= PCRE2_EXTENDED;
        else if (*f == 'w')
            cjk = 1;
        else {
            unsigned char bad = (unsigned char)*f;
            char shown[8];
            snprintf(shown, sizeof shown, bad > 32 && bad < 127 ? "%c" : "\\x%02X", bad);
            snprintf(err, errlen, "unknown regex flag '%s' (known: i, m, s, x, w)", shown);
            return NULL;
        }
    }
    textbuf text = BUF_INIT;
    if (cjk) {
        /* every \b outside a character class (where it is a backspace) */
        int in_class = 0;
        for (size_t i = 0; i < plen; i++) {
            if (pat[i] == '\\' && i + 1 < plen) {
                if (pat[i + 1] == 'b' && !in_class)
                    cmi_buf_put(&text, cjk_boundary, sizeof cjk_boundary - 1);
                else
                    cmi_buf_put(&text, pat + i, 2);
                i++;
                continue;
            }
            if (pat[i] == '[' && !in_class)
                in_class = 1;
            else if (pat[i] == ']' && in_class)
                in_class = 0;
            cmi_buf_putc(&text, pat[i]);
        }
        if (text.nomem) {
            cmi_buf_free(&text);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        pat = text.s ? text.s : "";
        plen = text.len;
    }
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, plen, opts, &ec, &eo, NULL);
    if (c == NULL) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        snprintf(err, errlen, "regex /%.*s/ at offset %d: %s", (int)(plen < 200 ? plen : 200),
                 pat, (int)eo, (const char *)msg);
    } else {
        pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);   /* falls back to the interpreter */
    }
    cmi_buf_free(&text);
    return c;
}

#define RE_LAST (sizeof ((pstate *)0)->re_last / sizeof ((pstate *)0)->re_last[0])

/* The code of (flags, pat) if this state looked it up lately (then moved to
 * the front), else NULL. */
static pcre2_code *recent_regex(pstate *ps, const char *pat, size_t plen, const char *flags,
                                size_t flen)
{
    for (size_t i = 0; i < RE_LAST && ps->re_last[i].code; i++)
        if (ps->re_last[i].len == flen + 1 + plen && memcmp(ps->re_last[i].key, flags, flen + 1) == 0 &&
            memcmp(ps->re_last[i].key + flen + 1, pat, plen) == 0) {
            char *key = ps->re_last[i].key;
            size_t len = ps->re_last[i].len;
            pcre2_code *code = ps->re_last[i].code;
            memmove(&ps->re_last[1], &ps->re_last[0], i * sizeof ps->re_last[0]);
            ps->re_last[0].key = key;
            ps->re_last[0].len = len;
            ps->re_last[0].code = code;
            return code;
        }
    return NULL;
}

/* Remember (flags, pat) and its code at the front, forgetting the oldest
 * (without memory, just not remembered). */
static void remember_regex(pstate *ps, const char *pat, size_t plen, const char *flags, size_t flen,
                           pcre2_code *code)
{
    char *key = cm_malloc(flen + 1 + plen);
    if (key == NULL)
        return;
    memcpy(key, flags, flen + 1);
    memcpy(key + flen + 1, pat, plen);
    cm_free(ps->re_last[RE_LAST - 1].key);
    memmove(&ps->re_last[1], &ps->re_last[0], (RE_LAST - 1) * sizeof ps->re_last[0]);
    ps->re_last[0].key = key;
    ps->re_last[0].len = flen + 1 + plen;
    ps->re_last[0].code = code;
}

static pcre2_code *compiled(lua_State *L, const char *pat, size_t plen, const char *flags)
{
    cmi_sandbox_charge(L, (long)(plen / 16) + 1);   /* the cache key, or the compilation */
    /* a rule or derive calls a few patterns for profile after profile: the
     * last ones are remembered by their bytes (their code stays in the cache
     * table as long as the state) */
    pstate *ps = pstate_of(L);
    size_t flen = strlen(flags);
    pcre2_code *c = recent_regex(ps, pat, plen, flags, flen);
    if (c != NULL)
        return c;
    lua_getfield(L, LUA_REGISTRYINDEX, "capmatch.regex_cache");
    lua_pushfstring(L, "%s/%s", flags, pat);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, -3) == LUA_TUSERDATA) {
        c = *check_regex(L, -1);
        lua_pop(L, 3);
        remember_regex(ps, pat, plen, flags, flen, c);
        return c;
    }
    lua_pop(L, 1);
    pcre2_code **slot = lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = NULL;
    luaL_setmetatable(L, REGEX_MT);
    char err[400];
    *slot = cmi_policy_regex_compile(pat, plen, flags, err, sizeof err);
    if (*slot == NULL)
        luaL_error(L, "re: %s", err);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    return compiled(L, pat, plen, flags);
}

/* Run the pattern; returns the number of captures + 1, or 0 for no match. */
static int run_regex(lua_State *L, pcre2_code *c, const char *s, size_t len, size_t start)
{
    pstate *ps = pstate_of(L);
    /* a match runs in C, up to its match limit: pay for it up front */
    cmi_sandbox_charge(L, (long)(len / 16) + 256);
    int rc = pcre2_match(c, (PCRE2_SPTR)s, len, start, 0, ps->md, ps->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_JIT_STACKLIMIT)
        luaL_error(L, "re: the pattern reached its match limit on a %d-byte subject "
                      "(catastrophic backtracking?)", (int)len);
    if (rc < 0) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(rc, msg, sizeof msg);
        luaL_error(L, "re: %s", (const char *)msg);
    }
    return rc == 0 ? 16 : rc;
}

/* re.find(s, pattern [, flags [, init]]) -> start, end (1-based) or nil */
static int re_find(lua_State *L)
{
    size_t len, plen;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *pat = luaL_checklstring(L, 2, &plen);
    const char *flags = luaL_optstring(L, 3, "");
    lua_Integer init = luaL_optinteger(L, 4, 1);
    if (init < 1 || (size_t)init > len + 1) {
        lua_pushnil(L);
        return 1;
    }
    pcre2_code *c = compiled(L, pat, plen, flags);
    if (!run_regex(L, c, s, len, (size_t)init - 1)) {
        lua_pushnil(L);
        return 1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(pstate_of(L)->md);
    lua_pushinteger(L, (lua_Integer)ov[0] + 1);
    lua_pushinteger(L, (lua_Integer)ov[1]);
    return 2;
}

/* re.match(s, pattern [, flags]) -> the captures (or the whole match), or nil */
static int re_match(lua_State *L)
{
    size_t len, plen;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *pat = luaL_checklstring(L, 2, &plen);
    const char *flags = luaL_optstring(L, 3, "");
    pcre2_code *c = compiled(L, pat, plen, flags);
    int n = run_regex(L, c, s, len, 0);
    if (n == 0) {
        lua_pushnil(L);
        return 1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(pstate_of(L)->md);
    if (n == 1) {
        lua_pushlstring(L, s + ov[0], ov[1] - ov[0]);
        return 1;
    }
    for (int i = 1; i < n; i++) {
        if (ov[2 * i] == PCRE2_UNSET)
            lua_pushnil(L);
        else
            lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
    }
    return n - 1;
}

/* re.test(s, pattern [, flags]) -> boolean */
static int re_test(lua_State *L)
{
    size_t len, plen;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *pat = luaL_checklstring(L, 2, &plen);
    const char *flags = luaL_optstring(L, 3, "");
    lua_pushboolean(L, run_regex(L, compiled(L, pat, plen, flags), s, len, 0) > 0);
    return 1;
}

/* ---- mcda -------------------------------------------------------------------------- */

/* mcda.ahp(matrix) -> weights, cr: AHP weights from a pairwise comparison
 * matrix (a list of rows), and Saaty's consistency ratio. Read with raw
 * gets (no metamethods run); at most 15 criteria, so the work is bounded,
 * and charged to the budget.
 * Loading the policy in capmatch check (lint) notes a CR above 0.10. */
static int mcda_ahp_l(lua_State *L)
{
    cm_policy *p = lua_touserdata(L, lua_upvalueindex(1));
    pstate *ps = lua_touserdata(L, lua_upvalueindex(2));
    double a[15 * 15], w[15];
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t n = lua_rawlen(L, 1);
    if (n == 0 || n > 15)
        return luaL_error(L, "mcda.ahp: expected a square matrix of 1 to 15 rows, found %d rows",
                          (int)n);
    /* the power iteration's work, charged like any C function that loops */
    cmi_sandbox_charge(L, (long)(n * n) * 64 + 64);
    for (size_t i = 0; i < n; i++) {
        if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE)
            return luaL_error(L, "mcda.ahp: matrix[%d] (row %d): expected a list of numbers, "
                              "found a %s", (int)i + 1, (int)i + 1, luaL_typename(L, -1));
        if (lua_rawlen(L, -1) != n)
            return luaL_error(L, "mcda.ahp: matrix[%d] (row %d): expected %d numbers (a square "
                              "matrix), found %d", (int)i + 1, (int)i + 1, (int)n,
                              (int)lua_rawlen(L, -1));
        for (size_t j = 0; j < n; j++) {
            int isnum;
            lua_rawgeti(L, -1, (lua_Integer)j + 1);
            a[i * n + j] = lua_tonumberx(L, -1, &isnum);
            if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
                return luaL_error(L, "mcda.ahp: matrix[%d][%d] (row %d, column %d): expected a "
                                  "number, found a %s", (int)i + 1, (int)j + 1, (int)i + 1,
                                  (int)j + 1, luaL_typename(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    cm_ahp_result r;
    if (cm_mcda_ahp(a, n, w, &r) != CM_OK)
        return luaL_error(L, "mcda.ahp: %s", cm_last_error());
    if (!r.consistent && p->lint && ps == &p->main)
        cmi_policy_note(p, L, "mcda.ahp: consistency ratio %.3f > 0.10: the comparisons contradict "
                    "each other (lambda_max %.3f for %d criteria); revise them before using "
                    "the weights", r.cr, r.lambda_max, (int)n);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, w[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushnumber(L, r.cr);
    return 2;
}

static void env_set(lua_State *L, const char *name)
{
    lua_pushstring(L, name);
    lua_insert(L, -2);
    lua_rawset(L, -3);
}

void cmi_policy_views_open(cm_policy *p, pstate *ps)
{
    lua_State *L = cmi_sandbox_lua(ps->sb);
    static const luaL_Reg view_meta[] = {
        { "__index", view_index }, { "__newindex", view_newindex },
        { "__tostring", view_tostring }, { NULL, NULL }
    };
    static const luaL_Reg list_meta[] = {
        { "__index", list_index }, { "__len", list_len }, { "__newindex", list_newindex },
        { "__tostring", list_tostring }, { NULL, NULL }
    };
    static const luaL_Reg regex_meta[] = { { "__gc", regex_gc }, { NULL, NULL } };
    static const luaL_Reg cm_funcs[] = {
        { "isic_title", cm_isic_title_l }, { "isic_parent", cm_isic_parent_l },
        { "isic_distance", cm_isic_distance_l }, { "isic_within", cm_isic_within_l },
        { "convert", cm_convert_l }, { "distance_km", cm_distance_l }, { NULL, NULL }
    };
    static const luaL_Reg re_funcs[] = {
        { "find", re_find }, { "match", re_match }, { "test", re_test }, { NULL, NULL }
    };
    static const luaL_Reg mcda_funcs[] = { { "ahp", mcda_ahp_l }, { NULL, NULL } };
    static const struct { const char *name; const luaL_Reg *funcs; } modules[] = {
        { "cm", cm_funcs }, { "re", re_funcs }, { "mcda", mcda_funcs }
    };
    luaL_newmetatable(L, VIEW_MT);
    lua_newtable(L);          /* field cache of regions */
    lua_newtable(L);          /* and of enterprises */
    luaL_setfuncs(L, view_meta, 2);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_newmetatable(L, LIST_MT);
    luaL_setfuncs(L, list_meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_newmetatable(L, REGEX_MT);
    luaL_setfuncs(L, regex_meta, 0);
    lua_pop(L, 1);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "capmatch.regex_cache");
    lua_pushlightuserdata(L, ps);
    lua_setfield(L, LUA_REGISTRYINDEX, "capmatch.pstate");
    lua_pushlightuserdata(L, p);
    lua_setfield(L, LUA_REGISTRYINDEX, "capmatch.policy");

    ps->eview = new_view(L, p, SIDE_ENTERPRISE, 0);
    ps->eview->ps = ps;
    ps->eview_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    ps->rview = new_view(L, p, SIDE_REGION, 0);
    ps->rview->ps = ps;
    ps->rview_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    cmi_sandbox_push_env(ps->sb);
    for (size_t m = 0; m < sizeof modules / sizeof modules[0]; m++) {
        lua_newtable(L);
        lua_pushlightuserdata(L, p);
        lua_pushlightuserdata(L, ps);
        luaL_getmetatable(L, VIEW_MT);
        luaL_setfuncs(L, modules[m].funcs, 3);
        env_set(L, modules[m].name);
    }
    lua_pop(L, 1);
}

/* ---- calls ------------------------------------------------------------------------ */

static void push_fn(lua_State *L, pstate *ps, int fn)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ps->fns_ref);
    lua_rawgeti(L, -1, fn + 1);
    lua_remove(L, -2);
}

/* A reason is cut to CM_REASON_MAX bytes ending with "...", on a UTF-8
 * boundary; only what is kept is read. */
static void copy_reason(lua_State *L, int idx, char *reason, size_t n)
{
    if (reason == NULL || n == 0)
        return;
    size_t len = 0;
    const char *s = lua_type(L, idx) == LUA_TSTRING || lua_type(L, idx) == LUA_TNUMBER
                        ? lua_tolstring(L, idx, &len) : "";
    size_t cap = n - 1 < CM_REASON_MAX ? n - 1 : CM_REASON_MAX;
    if (len > cap && cap >= 3) {
        len = cap - 3;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
        memcpy(reason, s, len);
        memcpy(reason + len, "...", 4);
        return;
    }
    len = len < cap ? len : cap;
    memcpy(reason, s, len);
    reason[len] = '\0';
}

/* Push function fn and its arguments for the pair: (e, r, params). */
static lua_State *push_pair_call(pstate *ps, int fn, uint32_t ei, uint32_t ri)
{
    lua_State *L = cmi_sandbox_lua(ps->sb);
    push_fn(L, ps, fn);
    ps->eview->index = ei;
    ps->rview->index = ri;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ps->eview_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ps->rview_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ps->params_ref);
    return L;
}

int cmi_pstate_call_rule(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, double *score,
                     char *reason, size_t reason_len, char *err, size_t errlen)
{
    (void)p;
    lua_State *L = push_pair_call(ps, fn, ei, ri);
    if (cmi_sandbox_call(ps->sb, 3, 2, err, errlen) < 0)
        return -1;
    /* a number, not a string that reads as one ("1" is a mistake to show) */
    int isnum = lua_type(L, -2) == LUA_TNUMBER;
    double s = isnum ? lua_tonumber(L, -2) : 0;
    if (!isnum || !(s >= 0 && s <= 1)) {
        if (lua_type(L, -2) == LUA_TSTRING)
            snprintf(err, errlen, "returned the string \"%.40s\", expected a number in [0, 1] "
                     "(a score) and a reason", lua_tostring(L, -2));
        else
            snprintf(err, errlen, "returned %s, expected a score in [0, 1] and a reason",
                     isnum ? lua_tostring(L, -2) : luaL_typename(L, -2));
        lua_pop(L, 2);
        return -1;
    }
    *score = s;
    copy_reason(L, -1, reason, reason_len);
    lua_pop(L, 2);
    return 0;
}

int cmi_pstate_call_filter(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, int *pass,
                       char *reason, size_t reason_len, char *err, size_t errlen)
{
    (void)p;
    lua_State *L = push_pair_call(ps, fn, ei, ri);
    if (cmi_sandbox_call(ps->sb, 3, 2, err, errlen) < 0)
        return -1;
    if (!lua_isboolean(L, -2)) {
        snprintf(err, errlen, "returned %s, expected true or false and a reason",
                 luaL_typename(L, -2));
        lua_pop(L, 2);
        return -1;
    }
    *pass = lua_toboolean(L, -2);
    copy_reason(L, -1, reason, reason_len);
    lua_pop(L, 2);
    return 0;
}

int cmi_pstate_call_explain(cm_policy *p, pstate *ps, int fn, uint32_t ei, uint32_t ri, double score,
                        char *reason, size_t reason_len, char *err, size_t errlen)
{
    (void)p;
    lua_State *L = push_pair_call(ps, fn, ei, ri);
    lua_pushnumber(L, score);
    if (cmi_sandbox_call(ps->sb, 4, 1, err, errlen) < 0)
        return -1;
    if (lua_type(L, -1) != LUA_TSTRING) {
        snprintf(err, errlen, "explain returned %s, expected the reason (a string)",
                 luaL_typename(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    copy_reason(L, -1, reason, reason_len);
    lua_pop(L, 1);
    return 0;
}

/* The value of one derive call, encoded (in a text buffer, as bytes) for the policy's own
 * thread to intern in profile order: a byte of type, then a double (number),
 * a byte (boolean), a length and bytes (string), or a count and as many
 * strings (list). Workers never touch the policy's pools. */
static int dbuf_put(textbuf *b, const void *data, size_t n)
{
    cmi_buf_put(b, data, n);
    return b->nomem ? -1 : 0;
}

/* A string as its ref in the caller's own pool and its length (see
 * derive_out). */
static int dbuf_ref(derive_out *out, const char *s, size_t len)
{
    str_ref ref;
    size_t had = out->strings.nentries;
    if (len > UINT32_MAX || cmi_strpool_intern(&out->strings, s, len, &ref) < 0)
        return -1;
    uint32_t w[2] = { ref, (uint32_t)len };
    if (out->strings.nentries != had && dbuf_put(&out->fresh, w, sizeof w) < 0)
        return -1;
    return dbuf_put(&out->vals, w, sizeof w);
}

int cmi_pstate_call_derive(cm_policy *p, pstate *ps, int fn, int side, uint32_t index,
                       derive_out *dout, char *err, size_t errlen)
{
    textbuf *out = &dout->vals;
    (void)p;
    lua_State *L = cmi_sandbox_lua(ps->sb);
    push_fn(L, ps, fn);
    struct pview *v = side == SIDE_ENTERPRISE ? ps->eview : ps->rview;
    v->index = index;
    lua_rawgeti(L, LUA_REGISTRYINDEX, side == SIDE_ENTERPRISE ? ps->eview_ref : ps->rview_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ps->params_ref);
    if (cmi_sandbox_call(ps->sb, 2, 1, err, errlen) < 0)
        return -1;
    int rc = 0;
    unsigned char t = T_NONE;
    uint32_t items = 0;
    switch (lua_type(L, -1)) {
    case LUA_TNIL: rc = dbuf_put(out, &t, 1); break;
    case LUA_TNUMBER: {
        double d = lua_tonumber(L, -1);
        t = T_NUMBER;
        rc = dbuf_put(out, &t, 1) < 0 || dbuf_put(out, &d, sizeof d) < 0 ? -1 : 0;
        break;
    }
    case LUA_TBOOLEAN: {
        unsigned char bv = (unsigned char)lua_toboolean(L, -1);
        t = T_BOOL;
        rc = dbuf_put(out, &t, 1) < 0 || dbuf_put(out, &bv, 1) < 0 ? -1 : 0;
        break;
    }
    case LUA_TSTRING: {
        size_t len;
        const char *str = lua_tolstring(L, -1, &len);
        t = T_STRING;
        rc = dbuf_put(out, &t, 1) < 0 || dbuf_ref(dout, str, len) < 0 ? -1 : 0;
        break;
    }
    case LUA_TTABLE: {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        if (n > 4096) {
            snprintf(err, errlen, "returned a list of %lld items (at most 4096)", (long long)n);
            lua_pop(L, 1);
            return -1;
        }
        items = (uint32_t)n;
        t = T_LIST;
        rc = dbuf_put(out, &t, 1) < 0 || dbuf_put(out, &items, sizeof items) < 0 ? -1 : 0;
        for (lua_Integer i = 1; i <= n && rc == 0; i++) {
            int it = lua_rawgeti(L, -1, i);
            if (it != LUA_TSTRING && it != LUA_TNUMBER) {
                snprintf(err, errlen, "returned a list whose item %lld is a %s (lists hold strings)",
                         (long long)i, lua_typename(L, it));
                lua_pop(L, 2);
                return -1;
            }
            size_t len;
            const char *str = lua_tolstring(L, -1, &len);
            rc = dbuf_ref(dout, str, len);
            lua_pop(L, 1);
        }
        break;
    }
    default:
        snprintf(err, errlen, "returned a %s, expected a number, string, boolean, list of "
                 "strings or nil", luaL_typename(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    lua_pop(L, 1);
    if (rc < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    dout->fresh_done = dout->fresh.len;
    dout->items += items;
    return 0;
}
