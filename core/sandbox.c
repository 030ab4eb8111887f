/*
 * sandbox.c - the Lua sandbox for policies and feed configurations (see
 * sandbox.h).
 *
 * What a chunk can reach is an allow-list (the tables below), copied into a
 * fresh environment: no io, os, debug, package, dofile, loadfile, string.dump,
 * collectgarbage, rawset or math.random (results must not depend on chance).
 * The count hook enforces the budget; once a budget is spent the state stays
 * "spent" and the wrapped pcall/xpcall rethrow, so rule code cannot catch its
 * way out. Lua runs finalizers without hooks, so setmetatable refuses __gc;
 * Lua patterns run in C without hooks, so a pattern whose backtracking could
 * explode is refused before it runs (PCRE2 via re.* has real match limits).
 * Every other library function that loops in C (table.move, insert, remove,
 * concat, unpack, sort, string.rep, byte, pack, format, utf8.*, tonumber,
 * load) is wrapped: its work, known from its arguments, is charged to the
 * budget before it runs, so `table.move({}, 1, 1 << 40, 2)` is refused at
 * once instead of looping for hours.
 *
 * The clock backstop (TIME_LIMIT per load or call; a load's counted in the
 * CPU time of its thread, which a busy machine does not eat) is read at the start of
 * each call, at every hook, at every charge and after every ALLOC_CHECK
 * bytes allocated; and since one VM instruction can take time in
 * proportion to the largest object it touches (a concatenation, a string
 * comparison, a vararg copy), the hook interval shrinks as the largest live
 * block grows, so that no stretch between two clock reads is long.
 *
 * While lines are traced (capmatch test --coverage), the same hook is set
 * for line events too and passes them on; they cost nothing of the budget.
 */
#include "sandbox.h"
#include "alloc.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOOK_EVERY 1000       /* instructions between budget checks */
#define PATTERN_COST_LIMIT 1e8
#define TIME_LIMIT 0.9        /* seconds per load or call: the documented second, less
                                 a margin for the last stretch between two checks */
#define PCALL_COST 32         /* a protected call and its unwinding, in instructions */
#define ALLOC_CHECK ((size_t)256 << 10) /* bytes allocated between clock reads */
#define BIG_BLOCK ((size_t)64 << 10)    /* blocks from this size are tracked */
#define HOOK_BYTES 256.0 * 1024 * 1024  /* hook interval x largest block */
#define MAX_BIG 1024          /* big blocks tracked (64 MiB of 64 KiB blocks) */

struct sandbox {
    lua_State *L;
    size_t used, limit;
    long load_budget, call_budget;
    long remaining;
    double deadline;          /* monotonic seconds; 0 outside a call */
    double cpu_deadline;      /* a load's: thread CPU seconds; 0 in a call */
    int spent;                /* the running budget is used up */
    int memory_hit;           /* an allocation was refused */
    int timed_out;            /* the allocator saw the deadline pass */
    int hook_every;           /* the count hook's interval now */
    int armed;                /* the hook is set to run at the next instruction */
    int closing;              /* lua_close is running: leave the hook alone */
    size_t since_check;       /* bytes allocated since the last clock read */
    struct { void *p; size_t n; } big[MAX_BIG];  /* live blocks >= BIG_BLOCK */
    int nbig;
    size_t big_max;           /* the largest of them */
    char *rules_path;
    int env_ref;              /* registry ref of the environment */
    int loaded_ref;           /* registry ref of require's cache */
    sandbox_line_fn line_fn;  /* line tracing (test coverage), or NULL */
    void *line_ud;
};

/* Base functions a chunk keeps as they are. */
static const char *const base_allowed[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
    "select", "tonumber", "tostring", "type", "getmetatable", "_VERSION", NULL
};
/* Libraries copied in, and the members each one loses. */
static const struct {
    const char *name;
    lua_CFunction open;
    const char *const denied[4];
} libs_allowed[] = {
    { LUA_STRLIBNAME, luaopen_string, { "dump", NULL } },
    { LUA_TABLIBNAME, luaopen_table, { NULL } },
    { LUA_MATHLIBNAME, luaopen_math, { "random", "randomseed", NULL } },
    { LUA_UTF8LIBNAME, luaopen_utf8, { NULL } },
};

sandbox *cmi_sandbox_of(lua_State *L)
{
    return *(sandbox **)lua_getextraspace(L);
}

static int spent_error(lua_State *L);
static int traceback(lua_State *L);
static void budget_hook(lua_State *L, lua_Debug *ar);

/* The one hook of the state: the count (the budget) every `count`
 * instructions, and each new line too while lines are traced. */
static void set_hook(sandbox *sb, int count)
{
    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT | (sb->line_fn ? LUA_MASKLINE : 0), count);
}

/* A tick-resolution clock (a few ms) is plenty for a one-second limit, and
 * cheap enough to read at the start of every call. */
static double now_seconds(void)
{
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This thread's CPU time: a system call, so read only when the wall clock
 * says a load's time is up. */
static double thread_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A load's limit is on the CPU time it spent (cpu_deadline set): on a busy
 * machine, or in serve's builder thread at the lowest priority, a load may
 * wait for a core longer than the limit without running long. A call's
 * limit stays on the wall clock, read cheaply. */
static int past_deadline(sandbox *sb)
{
    if (sb->deadline == 0 || now_seconds() <= sb->deadline)
        return 0;
    if (sb->cpu_deadline == 0)
        return 1;
    double left = sb->cpu_deadline - thread_seconds();
    if (left <= 0)
        return 1;
    sb->deadline = now_seconds() + left;   /* not yet: look again when it could be */
    return 0;
}

/* The hook interval for the largest live block: a slow instruction is slow
 * in proportion to the object it touches. */
static int interval_for(size_t big)
{
    if (big <= BIG_BLOCK)
        return HOOK_EVERY;
    double n = HOOK_BYTES / (double)big;
    return n < 1 ? 1 : n > HOOK_EVERY ? HOOK_EVERY : (int)n;
}

static void set_interval(sandbox *sb)
{
    int want = interval_for(sb->big_max);
    if (want != sb->hook_every && sb->L && !sb->closing && !sb->armed) {
        sb->hook_every = want;
        set_hook(sb, want);
    }
}

/* Stop at the next instruction (lua_sethook may be called at any time;
 * lua.c does it from a signal handler). */
static void arm(sandbox *sb)
{
    if (sb->L && !sb->closing && !sb->armed) {
        sb->armed = 1;
        set_hook(sb, 1);
    }
}

static void big_forget(sandbox *sb, void *p)
{
    for (int i = 0; i < sb->nbig; i++)
        if (sb->big[i].p == p) {
            size_t n = sb->big[i].n;
            sb->big[i] = sb->big[--sb->nbig];
            if (n == sb->big_max) {
                sb->big_max = 0;
                for (int j = 0; j < sb->nbig; j++)
                    if (sb->big[j].n > sb->big_max)
                        sb->big_max = sb->big[j].n;
            }
            return;
        }
}

static void big_keep(sandbox *sb, void *p, size_t n)
{
    if (sb->nbig == MAX_BIG)
        return;
    sb->big[sb->nbig].p = p;
    sb->big[sb->nbig++].n = n;
    if (n > sb->big_max)
        sb->big_max = n;
}

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    size_t big_before = sb->big_max;
    if (nsize == 0) {
        if (old >= BIG_BLOCK)
            big_forget(sb, ptr);
        cm_free(ptr);
        sb->used -= old;
        if (sb->big_max != big_before)
            set_interval(sb);
        return NULL;
    }
    if (nsize > old && sb->used - old + nsize > sb->limit) {
        sb->memory_hit = 1;
        return NULL;
    }
    void *p = cm_realloc(ptr, nsize);
    if (p == NULL)
        return NULL;
    sb->used = sb->used - old + nsize;
    if (old >= BIG_BLOCK)
        big_forget(sb, ptr);
    if (nsize >= BIG_BLOCK)
        big_keep(sb, p, nsize);
    if (sb->big_max != big_before)
        set_interval(sb);
    /* time goes with bytes too: read the clock every ALLOC_CHECK bytes */
    if (nsize > old && (sb->since_check += nsize - old) >= ALLOC_CHECK) {
        sb->since_check = 0;
        if (past_deadline(sb)) {
            sb->timed_out = 1;
            arm(sb);
        }
    }
    return p;
}

/* The instruction count is the budget; the clock is a backstop for code
 * that spends its time in slow instructions or C functions, so that a
 * runaway always stops within TIME_LIMIT (+ one short hook interval). */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
    sandbox *sb = cmi_sandbox_of(L);
    if (ar->event == LUA_HOOKLINE) {
        /* a line event is no instruction of the budget: only recorded */
        if (sb->line_fn && lua_getinfo(L, "S", ar) && ar->source[0] == '@')
            sb->line_fn(sb->line_ud, ar->source + 1, ar->currentline);
        return;
    }
    if (sb->armed) {
        sb->armed = 0;
        set_hook(sb, sb->hook_every);
    } else {
        sb->remaining -= sb->hook_every;
    }
    if (sb->remaining <= 0 || sb->spent || sb->timed_out || past_deadline(sb)) {
        sb->spent = 1;
        spent_error(L);
    }
}

void cmi_sandbox_charge(lua_State *L, long cost)
{
    sandbox *sb = cmi_sandbox_of(L);
    sb->remaining -= cost;
    if (sb->remaining <= 0 || sb->spent || sb->timed_out || past_deadline(sb)) {
        sb->spent = 1;
        spent_error(L);
    }
}

static void start_budget(sandbox *sb, long budget)
{
    sb->remaining = budget;
    sb->deadline = now_seconds() + TIME_LIMIT;
    sb->spent = 0;
    sb->memory_hit = 0;
    sb->timed_out = 0;
    if (sb->armed) {
        sb->armed = 0;
        set_hook(sb, sb->hook_every);
    }
}

/* pcall and xpcall that cannot swallow a spent budget. */
static int spent_error(lua_State *L)
{
    return luaL_error(L, "instruction limit reached: the code ran too long (endless loop?)");
}

static int sb_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    cmi_sandbox_charge(L, PCALL_COST);
    int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (cmi_sandbox_of(L)->spent)
        return spent_error(L);
    lua_pushboolean(L, st == LUA_OK);
    lua_insert(L, 1);
    return lua_gettop(L);
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    cmi_sandbox_charge(L, PCALL_COST);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_replace(L, 1);
    lua_replace(L, 2);        /* handler first, then the function */
    int st = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    if (cmi_sandbox_of(L)->spent)
        return spent_error(L);
    lua_pushboolean(L, st == LUA_OK);
    lua_replace(L, 1);
    return lua_gettop(L);
}

static int sb_setmetatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "__gc");
        if (!lua_isnil(L, -1))
            return luaL_error(L, "__gc metamethods are not allowed in rules");
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/* load(chunk [, name [, mode [, env]]]): text only, in the sandbox by default. */
static int sb_load(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnoneornil(L, 4))
        lua_pushvalue(L, 4);
    else
        cmi_sandbox_push_env(cmi_sandbox_of(L));
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 1;
}

static int sb_print(lua_State *L)
{
    int n = lua_gettop(L);
    fputs("[policy]", stderr);
    for (int i = 1; i <= n; i++)
        fprintf(stderr, " %s", luaL_tolstring(L, i, NULL));
    fputc('\n', stderr);
    return 0;
}

/* ---- Lua pattern guard --------------------------------------------------- */

/* A bound on the steps the backtracking matcher may take: each ? doubles
 * the paths, each repeated item multiplies them by the subject length, and
 * an unanchored search tries every start. Cautious on long subjects, which
 * is what re.* (PCRE2, with real match limits) is for. */
static double pattern_cost(const char *p, size_t plen, size_t n, int anchored)
{
    double cost = 1, ln = (double)n + 1;
    int stars = 0, questions = 0;
    for (size_t i = 0; i < plen; i++) {
        char c = p[i];
        if (c == '%') {
            i++;
            if (i < plen && (p[i] == 'b'))
                i += 2;
            else if (i < plen && p[i] == 'f' && i + 1 < plen && p[i + 1] == '[') {
                i++;
                while (i < plen && p[i] != ']')
                    i++;
            }
            continue;
        }
        if (c == '[') {
            i++;
            if (i < plen && p[i] == '^')
                i++;
            if (i < plen && p[i] == ']')
                i++;
            while (i < plen && p[i] != ']') {
                if (p[i] == '%')
                    i++;
                i++;
            }
            continue;
        }
        if (c == '*' || c == '+' || c == '-')
            stars++;
        else if (c == '?')
            questions++;
    }
    cost *= pow(ln, stars);
    cost *= pow(2, questions);
    if (!anchored)
        cost *= ln;
    return cost;
}

static int guarded(lua_State *L, int anchored_ok)
{
    size_t n, plen;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &plen);
    int plain = anchored_ok == 2 && lua_toboolean(L, 4);
    double cost = (double)n;
    if (!plain) {
        int anchored = anchored_ok && plen && p[0] == '^';
        cost = pattern_cost(p, plen, n, anchored);
        if (cost > PATTERN_COST_LIMIT) {
            char msg[256];
            snprintf(msg, sizeof msg, "Lua pattern too costly for a %zu-byte subject (up to "
                     "%.3g steps, limit %.3g): simplify it, or use re.find (PCRE2, with match "
                     "limits)", n, cost, PATTERN_COST_LIMIT);
            return luaL_error(L, "%s", msg);
        }
    }
    /* the matcher runs in C, out of the hook's sight: pay for the steps it
     * may take up front (a step is cheaper than a VM instruction) */
    cmi_sandbox_charge(L, (long)(cost / 100) + (long)(n / 64) + 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* C library functions whose work grows with their input, metered: the cost
 * is known from the arguments, charged before the function runs. */
enum {
    METER_REP, METER_SIZE, METER_ARGS, METER_NARGS, METER_BYTE, METER_PACK, METER_UTF8,
    METER_MOVE, METER_INSERT, METER_REMOVE, METER_CONCAT, METER_UNPACK, METER_SORT
};

/* An integer argument, or def when absent or not one (the function itself
 * then raises the right error). */
static double int_arg(lua_State *L, int idx, double def)
{
    int ok;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    return ok ? (double)v : def;
}

static double str_len(lua_State *L, int idx)
{
    size_t l = 0;
    if (lua_type(L, idx) == LUA_TSTRING)
        lua_tolstring(L, idx, &l);
    return (double)l;
}

/* #t as the table library sees it: __len is honoured, so a __len that lies
 * cannot make a loop of C longer than what was paid for. */
static double tab_len(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TTABLE && !lua_getmetatable(L, idx))
        return (double)lua_rawlen(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE)
        lua_pop(L, 1);
    if (luaL_getmetafield(L, idx, "__len") == LUA_TNIL)
        return lua_type(L, idx) == LUA_TTABLE ? (double)lua_rawlen(L, idx) : 0;
    lua_pop(L, 1);
    return (double)luaL_len(L, idx);
}

/* The numbers in a string.pack format: sizes of fixed strings and padding. */
static double pack_sizes(lua_State *L)
{
    size_t n;
    const char *f = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &n) : NULL;
    double sum = 0, cur = 0;
    for (size_t i = 0; f && i < n; i++) {
        if (f[i] >= '0' && f[i] <= '9') {
            cur = cur * 10 + (f[i] - '0');
        } else {
            sum += cur;
            cur = 0;
        }
    }
    return sum + cur + (double)(f ? n : 0);
}

static int metered(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    int nargs = lua_gettop(L);
    double cost = 1;
    switch (kind) {
    case METER_REP: {
        double l = str_len(L, 1), sl = str_len(L, 3);
        double n = lua_isnumber(L, 2) ? lua_tonumber(L, 2) : 0;
        double bytes = n > 0 && l + sl > 0 ? n * (l + sl) : 0;
        sandbox *sb = cmi_sandbox_of(L);
        if (bytes > (double)(sb->limit - sb->used)) {
            char msg[160];
            snprintf(msg, sizeof msg, "memory limit of %zu MiB reached (string.rep of %.0f bytes)",
                     sb->limit >> 20, bytes);
            return luaL_error(L, "%s", msg);
        }
        /* one copy per repetition (two with a separator), then the bytes:
         * Lua loops n times even when the string and separator are empty */
        cost = n > 0 ? n * (sl > 0 ? 2 : 1) + bytes / 64 + 1 : 1;
        break;
    }
    case METER_SIZE:          /* a pass over the first argument */
        cost = str_len(L, 1) / 64 + 1;
        break;
    case METER_ARGS:          /* a pass over every string argument */
        for (int i = 1; i <= nargs; i++)
            cost += str_len(L, i) / 64 + 1;
        break;
    case METER_NARGS:
        cost = nargs + 1;
        break;
    case METER_BYTE: {        /* string.byte, utf8.codepoint: one value per byte */
        double l = str_len(L, 1), i = int_arg(L, 2, 1), j = int_arg(L, 3, i);
        if (i < 0)
            i += l + 1;
        if (j < 0)
            j += l + 1;
        cost = (j > i ? j - i : 0) + 1;
        break;
    }
    case METER_PACK:          /* string.pack, unpack, packsize */
        cost = pack_sizes(L) + 1;
        for (int i = 2; i <= nargs; i++)
            cost += str_len(L, i) / 64;
        break;
    case METER_UTF8:          /* utf8.len, utf8.offset: a decoding pass */
        cost = str_len(L, 1) / 16 + 1;
        break;
    case METER_MOVE: {        /* table.move(a1, f, e, t [, a2]) */
        double f = int_arg(L, 2, 0), e = int_arg(L, 3, 0);
        cost = e >= f ? 2 * (e - f + 1) : 1;
        break;
    }
    case METER_INSERT:        /* table.insert(t, pos, v) shifts the tail up */
        if (nargs == 3) {
            double n = tab_len(L, 1) + 1, pos = int_arg(L, 2, n);
            cost = n >= pos ? 2 * (n - pos + 1) : 1;
        }
        break;
    case METER_REMOVE: {      /* table.remove(t [, pos]) shifts the tail down */
        double n = tab_len(L, 1), pos = int_arg(L, 2, n);
        cost = n >= pos ? 2 * (n - pos + 1) : 1;
        break;
    }
    case METER_CONCAT:        /* table.concat(t, sep, i, j), table.unpack(t, i, j) */
    case METER_UNPACK: {
        int fi = kind == METER_CONCAT ? 3 : 2;
        double i = int_arg(L, fi, 1);
        double j = lua_isnoneornil(L, fi + 1) ? tab_len(L, 1) : int_arg(L, fi + 1, 0);
        double count = j >= i ? j - i + 1 : 0;
        cost = count + (kind == METER_CONCAT ? count * str_len(L, 2) / 64 : 0) + 1;
        break;
    }
    case METER_SORT: {
        double n = tab_len(L, 1);
        cost = n > 1 ? 2 * n * log2(n) : 1;
        break;
    }
    }
    cmi_sandbox_charge(L, cost > 1e12 ? (long)1e12 : (long)cost);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static void meter(lua_State *L, int lib, const char *name, int kind)
{
    lua_getfield(L, lib, name);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, metered, 2);
    lua_setfield(L, lib, name);
}

/* What each library function that loops in C is charged for. */
static const struct {
    const char *lib, *name;
    int kind;
} meters[] = {
    { LUA_STRLIBNAME, "rep", METER_REP },
    { LUA_STRLIBNAME, "format", METER_ARGS },
    { LUA_STRLIBNAME, "upper", METER_SIZE },
    { LUA_STRLIBNAME, "lower", METER_SIZE },
    { LUA_STRLIBNAME, "reverse", METER_SIZE },
    { LUA_STRLIBNAME, "byte", METER_BYTE },
    { LUA_STRLIBNAME, "char", METER_NARGS },
    { LUA_STRLIBNAME, "pack", METER_PACK },
    { LUA_STRLIBNAME, "unpack", METER_PACK },
    { LUA_STRLIBNAME, "packsize", METER_PACK },
    { LUA_TABLIBNAME, "concat", METER_CONCAT },
    { LUA_TABLIBNAME, "unpack", METER_UNPACK },
    { LUA_TABLIBNAME, "sort", METER_SORT },
    { LUA_TABLIBNAME, "move", METER_MOVE },
    { LUA_TABLIBNAME, "insert", METER_INSERT },
    { LUA_TABLIBNAME, "remove", METER_REMOVE },
    { LUA_UTF8LIBNAME, "len", METER_UTF8 },
    { LUA_UTF8LIBNAME, "offset", METER_UTF8 },
    { LUA_UTF8LIBNAME, "codepoint", METER_BYTE },
    { LUA_UTF8LIBNAME, "char", METER_NARGS },
    { LUA_MATHLIBNAME, "max", METER_NARGS },
    { LUA_MATHLIBNAME, "min", METER_NARGS },
};

static int sb_find(lua_State *L) { return guarded(L, 2); }
static int sb_match(lua_State *L) { return guarded(L, 1); }
static int sb_gmatch(lua_State *L) { return guarded(L, 0); }
static int sb_gsub(lua_State *L) { return guarded(L, 0); }

/* ---- require from the rules path ------------------------------------------ */

static int valid_module(const char *m)
{
    if (!*m)
        return 0;
    for (; *m; m++)
        if (!((*m >= 'a' && *m <= 'z') || (*m >= 'A' && *m <= 'Z') ||
              (*m >= '0' && *m <= '9') || *m == '_' || *m == '.'))
            return 0;
    return 1;
}

static int sb_require(lua_State *L)
{
    sandbox *sb = cmi_sandbox_of(L);
    const char *name = luaL_checkstring(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->loaded_ref);
    lua_getfield(L, -1, name);
    if (!lua_isnil(L, -1))
        return 1;
    lua_pop(L, 1);
    if (!valid_module(name) || strstr(name, ".."))
        return luaL_error(L, "module '%s': a module name is letters, digits, '_' and '.'", name);
    char rel[256];
    snprintf(rel, sizeof rel, "%s", name);
    for (char *c = rel; *c; c++)
        if (*c == '.')
            *c = '/';
    const char *dirs = sb->rules_path ? sb->rules_path : "";
    char tried[1024] = "";
    size_t tl = 0;
    while (*dirs) {
        const char *end = strchr(dirs, ':');
        size_t dl = end ? (size_t)(end - dirs) : strlen(dirs);
        if (dl == 0) {            /* an empty entry is no directory, not "/" */
            dirs += end ? 1 : 0;
            continue;
        }
        char path[1024];
        snprintf(path, sizeof path, "%.*s/%s.lua", (int)dl, dirs, rel);
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            if (luaL_loadfilex(L, path, "t") != LUA_OK)
                return luaL_error(L, "module '%s' (%s): %s", name, path, lua_tostring(L, -1));
            cmi_sandbox_push_env(sb);
            lua_setupvalue(L, -2, 1);
            lua_pushstring(L, name);
            lua_call(L, 1, 1);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                lua_pushboolean(L, 1);
            }
            lua_pushvalue(L, -1);
            lua_setfield(L, -3, name);
            return 1;
        }
        int w = snprintf(tried + tl, sizeof tried - tl, "%s%s", tl ? ", " : "", path);
        if (w > 0 && (size_t)w < sizeof tried - tl)
            tl += (size_t)w;
        dirs += dl + (end ? 1 : 0);
    }
    return luaL_error(L, "module '%s' not found in the rules path (tried %s); the sandbox has "
                         "no io, os, debug or package", name, tl ? tried : "no directory");
}

/* ---- the environment -------------------------------------------------------- */

static int env_index(lua_State *L)
{
    return luaL_error(L, "undeclared global '%s'", luaL_checkstring(L, 2));
}

static int env_newindex(lua_State *L)
{
    return luaL_error(L, "assignment to undeclared global '%s' (declare it local)",
                      luaL_checkstring(L, 2));
}

static void copy_lib(lua_State *L, int env, const char *name, lua_CFunction open,
                     const char *const *denied)
{
    luaL_requiref(L, name, open, 0);   /* the real library, not global */
    lua_newtable(L);                   /* the sandbox copy */
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        const char *k = lua_tostring(L, -2);
        int deny = 0;
        for (int i = 0; denied[i]; i++)
            deny |= strcmp(k, denied[i]) == 0;
        if (deny) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    if (strcmp(name, LUA_STRLIBNAME) == 0) {
        static const struct { const char *n; lua_CFunction f; } wrap[] = {
            { "find", sb_find }, { "match", sb_match }, { "gmatch", sb_gmatch },
            { "gsub", sb_gsub }
        };
        for (size_t i = 0; i < sizeof wrap / sizeof wrap[0]; i++) {
            lua_getfield(L, -2, wrap[i].n);
            lua_pushcclosure(L, wrap[i].f, 1);
            lua_setfield(L, -2, wrap[i].n);
        }
        /* methods on strings ("x"):rep() use the sandbox copy */
        lua_pushliteral(L, "");
        if (lua_getmetatable(L, -1)) {
            lua_pushvalue(L, -3);
            lua_setfield(L, -2, "__index");
            lua_pushboolean(L, 0);
            lua_setfield(L, -2, "__metatable");
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    for (size_t i = 0; i < sizeof meters / sizeof meters[0]; i++)
        if (strcmp(name, meters[i].lib) == 0)
            meter(L, lua_gettop(L), meters[i].name, meters[i].kind);
    lua_setfield(L, env, name);
    lua_pop(L, 1);
}

static int build_env(lua_State *L)
{
    sandbox *sb = cmi_sandbox_of(L);
    lua_newtable(L);
    int env = lua_gettop(L);
    luaL_requiref(L, "_G", luaopen_base, 0);
    for (int i = 0; base_allowed[i]; i++) {
        lua_getfield(L, -1, base_allowed[i]);
        lua_setfield(L, env, base_allowed[i]);
    }
    lua_getfield(L, -1, "setmetatable");
    lua_pushcclosure(L, sb_setmetatable, 1);
    lua_setfield(L, env, "setmetatable");
    lua_pop(L, 1);
    lua_pushcfunction(L, sb_pcall);
    lua_setfield(L, env, "pcall");
    lua_pushcfunction(L, sb_xpcall);
    lua_setfield(L, env, "xpcall");
    lua_pushcfunction(L, sb_load);
    lua_setfield(L, env, "load");
    lua_pushcfunction(L, sb_print);
    lua_setfield(L, env, "print");
    lua_pushcfunction(L, sb_require);
    lua_setfield(L, env, "require");
    for (size_t i = 0; i < sizeof libs_allowed / sizeof libs_allowed[0]; i++)
        copy_lib(L, env, libs_allowed[i].name, libs_allowed[i].open, libs_allowed[i].denied);
    lua_getfield(L, env, LUA_TABLIBNAME);
    lua_getfield(L, -1, "unpack");
    lua_setfield(L, env, "unpack");
    lua_pop(L, 1);
    meter(L, env, "tonumber", METER_SIZE);
    meter(L, env, "load", METER_UTF8);      /* the parser runs in C */
    meter(L, env, "print", METER_ARGS);
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    /* strict globals */
    lua_newtable(L);
    lua_pushcfunction(L, env_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, env_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, env);
    lua_pushvalue(L, env);
    sb->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    sb->loaded_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

sandbox *cmi_sandbox_new(const sandbox_limits *limits, const char *rules_path)
{
    sandbox *sb = cm_calloc(1, sizeof *sb);
    if (sb == NULL)
        return NULL;
    sb->limit = limits && limits->memory ? limits->memory : (size_t)64 << 20;
    sb->load_budget = limits && limits->load_budget ? limits->load_budget : 10000000L;
    sb->call_budget = limits && limits->call_budget ? limits->call_budget : 1000000L;
    if (rules_path && (sb->rules_path = cm_strdup(rules_path)) == NULL) {
        cm_free(sb);
        return NULL;
    }
    sb->L = lua_newstate(sb_alloc, sb);
    if (sb->L == NULL) {
        cm_free(sb->rules_path);
        cm_free(sb);
        return NULL;
    }
    *(sandbox **)lua_getextraspace(sb->L) = sb;
    lua_pushcfunction(sb->L, build_env);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        cmi_sandbox_free(sb);
        return NULL;
    }
    /* set once: every call through protected_call runs under them */
    lua_settop(sb->L, 0);
    lua_pushcfunction(sb->L, traceback);
    sb->hook_every = HOOK_EVERY;
    set_hook(sb, HOOK_EVERY);
    set_interval(sb);
    sb->remaining = sb->load_budget;
    return sb;
}

void cmi_sandbox_free(sandbox *sb)
{
    if (sb == NULL)
        return;
    sb->closing = 1;
    if (sb->L)
        lua_close(sb->L);
    cm_free(sb->rules_path);
    cm_free(sb);
}

lua_State *cmi_sandbox_lua(sandbox *sb) { return sb->L; }

void cmi_sandbox_trace_lines(sandbox *sb, sandbox_line_fn fn, void *ud)
{
    sb->line_fn = fn;
    sb->line_ud = ud;
    /* the count goes on where it was: an armed hook stays armed */
    set_hook(sb, sb->armed ? 1 : sb->hook_every);
}
size_t cmi_sandbox_memory(const sandbox *sb) { return sb->used; }

void cmi_sandbox_push_env(sandbox *sb)
{
    lua_rawgeti(sb->L, LUA_REGISTRYINDEX, sb->env_ref);
}

/* The message handler: errors raised in C (limits, a binary module, an
 * error inside a load()ed chunk) carry no place in the policy file, so the
 * first frame of a file on the stack is put in front of them. */
static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || ar.source[0] != '@')
            continue;
        const char *file = ar.source + 1;
        if (strncmp(msg, file, strlen(file)) != 0)
            msg = lua_pushfstring(L, "%s:%d: %s", file, ar.currentline, msg);
        break;
    }
    lua_pushstring(L, msg);
    return 1;
}

static void error_text(sandbox *sb, char *err, size_t errlen)
{
    const char *m = lua_tostring(sb->L, -1);
    if (sb->memory_hit && (m == NULL || strstr(m, "not enough memory")))
        snprintf(err, errlen, "memory limit of %zu MiB reached", sb->limit >> 20);
    else if (sb->spent)
        snprintf(err, errlen, "%s", m && strstr(m, "instruction limit") ? m
                 : "instruction limit reached: the code ran too long (endless loop?)");
    else
        snprintf(err, errlen, "%s", m ? m : "error without a message");
    lua_pop(sb->L, 1);
}

static int protected_call(sandbox *sb, int nargs, int nresults, long budget, int load,
                          char *err, size_t errlen)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L) - nargs;
    start_budget(sb, budget);
    sb->cpu_deadline = load ? thread_seconds() + TIME_LIMIT : 0;
    /* the message handler stays at the bottom of the stack (index 1) */
    int st = lua_pcall(L, nargs, nresults, 1);
    sb->deadline = 0;
    if (st != LUA_OK || sb->spent) {
        if (st == LUA_OK) {
            lua_pop(L, nresults == LUA_MULTRET ? lua_gettop(L) - base + 1 : nresults);
            lua_pushliteral(L, "instruction limit reached");
        }
        error_text(sb, err, errlen);
        sb->spent = 0;
        return -1;
    }
    return 0;
}

int cmi_sandbox_call(sandbox *sb, int nargs, int nresults, char *err, size_t errlen)
{
    return protected_call(sb, nargs, nresults, sb->call_budget, 0, err, errlen);
}

int cmi_sandbox_dofile(sandbox *sb, const char *path, int nresults, char *err, size_t errlen)
{
    lua_State *L = sb->L;
    int st = luaL_loadfilex(L, path, "t");
    if (st != LUA_OK) {
        error_text(sb, err, errlen);
        return -1;
    }
    cmi_sandbox_push_env(sb);
    lua_setupvalue(L, -2, 1);
    return protected_call(sb, 0, nresults, sb->load_budget, 1, err, errlen);
}

int cmi_sandbox_dobuffer(sandbox *sb, const char *buf, size_t len, const char *chunkname,
                     int nresults, char *err, size_t errlen)
{
    lua_State *L = sb->L;
    if (luaL_loadbufferx(L, buf, len, chunkname, "t") != LUA_OK) {
        error_text(sb, err, errlen);
        return -1;
    }
    cmi_sandbox_push_env(sb);
    lua_setupvalue(L, -2, 1);
    return protected_call(sb, 0, nresults, sb->load_budget, 1, err, errlen);
}
