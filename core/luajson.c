/*
 * luajson.c - Lua values as JSON text and JSON values as Lua tables (see
 * luajson.h); the text goes into a buf (buf.h).
 *
 * Used by policy tests (inline profiles written out and loaded like files)
 * and by feeds (records handed to map functions and their results). Every
 * allocation goes through alloc.h; Lua allocations go through the state's
 * own allocator.
 */
#include "luajson.h"
#include "alloc.h"

#include <jansson.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Lua tables as JSON --------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int to_json(lua_State *L, int idx, textbuf *b, int depth, size_t limit, char *err,
                   size_t errlen);

/* A table that holds the same subtable many times is small in Lua and
 * exponential as text ({t, t} nested 20 deep): the text of one value is
 * capped, and so the time spent writing it. */
int cmi_lj_to_json(lua_State *L, int idx, textbuf *b, int depth, char *err, size_t errlen)
{
    return to_json(L, idx, b, depth, b->len + LJ_VALUE_MAX, err, errlen);
}

static int to_json(lua_State *L, int idx, textbuf *b, int depth, size_t limit, char *err,
                   size_t errlen)
{
    idx = lua_absindex(L, idx);
    if (b->len > limit) {
        snprintf(err, errlen, "the value is too large: over %d MiB as JSON", LJ_VALUE_MAX >> 20);
        return -1;
    }
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        if (n > limit - b->len) {
            snprintf(err, errlen, "the value is too large: over %d MiB as JSON",
                     LJ_VALUE_MAX >> 20);
            return -1;
        }
        cmi_buf_json_string(b, s, n);
        return 0;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            cmi_buf_printf(b, "%lld", (long long)lua_tointeger(L, idx));
        else {
            /* the shortest text that reads back as the same number */
            double d = lua_tonumber(L, idx);
            char t[40];
            for (int prec = 15; prec <= 17; prec++) {
                snprintf(t, sizeof t, "%.*g", prec, d);
                if (strtod(t, NULL) == d)
                    break;
            }
            cmi_buf_puts(b, t);
        }
        return 0;
    case LUA_TBOOLEAN:
        cmi_buf_puts(b, lua_toboolean(L, idx) ? "true" : "false");
        return 0;
    case LUA_TTABLE:
        break;
    default:
        snprintf(err, errlen, "a profile holds a %s, which has no JSON form", luaL_typename(L, idx));
        return -1;
    }
    if (depth > 20) {
        snprintf(err, errlen, "profiles nest too deep");
        return -1;
    }
    if (!lua_checkstack(L, 4)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = lua_rawlen(L, idx), keys = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        keys++;
        lua_pop(L, 1);
    }
    if (keys == n) {          /* an array (an empty table is an empty list) */
        cmi_buf_puts(b, "[");
        for (size_t i = 1; i <= n; i++) {
            if (i > 1)
                cmi_buf_puts(b, ",");
            lua_rawgeti(L, idx, (lua_Integer)i);
            int rc = to_json(L, -1, b, depth + 1, limit, err, errlen);
            lua_pop(L, 1);
            if (rc < 0)
                return -1;
        }
        cmi_buf_puts(b, "]");
        return 0;
    }
    const char **names = cm_malloc(keys * sizeof *names);
    if (names == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            cm_free(names);
            snprintf(err, errlen, "a profile mixes list items and named fields");
            return -1;
        }
        names[k++] = lua_tostring(L, -1);   /* keys stay alive in the table */
    }
    qsort(names, k, sizeof *names, cmp_str);
    cmi_buf_puts(b, "{");
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        if (i)
            cmi_buf_puts(b, ",");
        cmi_buf_json_string(b, names[i], strlen(names[i]));
        cmi_buf_puts(b, ":");
        lua_getfield(L, idx, names[i]);
        rc = to_json(L, -1, b, depth + 1, limit, err, errlen);
        lua_pop(L, 1);
    }
    cmi_buf_puts(b, "}");
    cm_free(names);
    return rc;
}

/* ---- JSON values as Lua tables ---------------------------------------------- */

static int push(lua_State *L, const json_t *v, int depth)
{
    if (depth > 64 || !lua_checkstack(L, 4))
        return -1;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        lua_createtable(L, 0, (int)(json_object_size(v) < 1000 ? json_object_size(v) : 1000));
        const char *key;
        size_t klen;
        json_t *item;
        json_object_keylen_foreach((json_t *)v, key, klen, item) {
            if (json_is_null(item))
                continue;
            lua_pushlstring(L, key, klen);
            if (push(L, item, depth + 1) < 0) {
                lua_pop(L, 2);
                return -1;
            }
            lua_rawset(L, -3);
        }
        return 0;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        lua_createtable(L, n < 100000 ? (int)n : 100000, 0);
        for (size_t i = 0; i < n; i++) {
            const json_t *item = json_array_get(v, i);
            if (json_is_null(item))
                continue;
            if (push(L, item, depth + 1) < 0) {
                lua_pop(L, 1);
                return -1;
            }
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        return 0;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(v));
        return 0;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(v));
        return 0;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        return 0;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        return 0;
    case JSON_NULL:
        lua_pushnil(L);
        return 0;
    }
    return -1;
}

int cmi_lj_push_json(lua_State *L, const json_t *v)
{
    return push(L, v, 0);
}
