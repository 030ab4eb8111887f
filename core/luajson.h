/*
 * luajson.h - Lua values and JSON text, both ways, and the growing text
 * buffer they are written into (buf.h).
 *
 * Owns the conversions: a Lua table to JSON text (policy tests' inline
 * profiles, feed map results) and a jansson value to a Lua table (records
 * handed to a feed's map function). Knows nothing of profiles or policies.
 */
#ifndef CM_LUAJSON_H
#define CM_LUAJSON_H

#include <stddef.h>
#include <lua.h>
#include "buf.h"

struct json_t;

/* Write the Lua value at idx as JSON: strings, numbers, booleans, tables
 * with keys 1..n as arrays (an empty table is []), other tables as objects
 * with their keys in sorted order (pairs() order is not stable). Returns 0,
 * or -1 with the reason in err (a function, mixed keys, nesting deeper than
 * 20, text longer than LJ_VALUE_MAX). depth is 0 for a top-level call. */
#define LJ_VALUE_MAX (16 << 20)   /* bytes of JSON text for one value */
int cmi_lj_to_json(lua_State *L, int idx, textbuf *b, int depth, char *err, size_t errlen);

/* Push a jansson value as a Lua value: objects and arrays become tables,
 * null becomes nil, integers stay integers. Returns 0, or -1 (nothing
 * pushed) when it nests deeper than 64 or the Lua stack cannot grow. Run it
 * under a protected call: a Lua allocation may raise a memory error. */
int cmi_lj_push_json(lua_State *L, const struct json_t *v);

#endif
