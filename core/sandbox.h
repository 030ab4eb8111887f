/*
 * sandbox.h - a Lua 5.4 state for untrusted rule code: a memory cap, an
 * instruction budget per load and per call that pcall cannot swallow, only
 * safe libraries, text chunks only, a `require` limited to the rules path,
 * and guards on the C code the count hook never interrupts (Lua patterns,
 * finalizers).
 *
 * Owns the state, its allocator accounting and its hook. The state's stack
 * keeps the message handler at index 1: callers push above it. Knows nothing of
 * profiles or policies (policy.c builds on it).
 */
#ifndef CM_SANDBOX_H
#define CM_SANDBOX_H

#include <stddef.h>
#include <lua.h>

typedef struct sandbox_limits {
    size_t memory;            /* bytes per state; 0 = 64 MiB */
    long load_budget;         /* VM instructions to run a file; 0 = 10 million */
    long call_budget;         /* VM instructions per call; 0 = 1 million */
} sandbox_limits;

typedef struct sandbox sandbox;

/* rules_path: directories searched by require, separated by ':' (may be NULL). */
sandbox *cmi_sandbox_new(const sandbox_limits *limits, const char *rules_path);
void cmi_sandbox_free(sandbox *sb);
lua_State *cmi_sandbox_lua(sandbox *sb);
/* The sandbox of a state made by cmi_sandbox_new. */
sandbox *cmi_sandbox_of(lua_State *L);

/* Run a file in the sandbox environment (text only) under the load budget,
 * leaving nresults values. Returns 0, or -1 with a message ("FILE:LINE: ...")
 * in err. */
int cmi_sandbox_dofile(sandbox *sb, const char *path, int nresults, char *err, size_t errlen);

/* The same for a chunk in memory, named `chunkname` ("@file" for a file). */
int cmi_sandbox_dobuffer(sandbox *sb, const char *buf, size_t len, const char *chunkname,
                     int nresults, char *err, size_t errlen);

/* Call the function below nargs arguments on the stack under the call
 * budget. Returns 0, or -1 with the error message in err (a traceback line
 * "FILE:LINE:" first when Lua has one). The stack is left with nresults
 * values on success, nothing on failure. */
int cmi_sandbox_call(sandbox *sb, int nargs, int nresults, char *err, size_t errlen);

/* Charge a C function's work (about one unit per VM instruction it stands
 * for) to the running budget; raises the limit error when it is spent or the
 * call has run for a second. For C functions whose cost grows with their
 * input (string.rep, patterns, re.*), which the count hook cannot see. */
void cmi_sandbox_charge(lua_State *L, long cost);

/* Line tracing, for test coverage only (it slows every instruction): fn is
 * called with the file name (a chunk named "@file", without the '@') and the
 * line each time the state enters a new line of a Lua function, from the
 * one hook that also counts the budget. fn must not call into the state.
 * NULL turns it off. */
typedef void (*sandbox_line_fn)(void *ud, const char *file, int line);
void cmi_sandbox_trace_lines(sandbox *sb, sandbox_line_fn fn, void *ud);

/* Push the sandbox's global environment table. */
void cmi_sandbox_push_env(sandbox *sb);

/* Bytes the state holds now. */
size_t cmi_sandbox_memory(const sandbox *sb);

#endif
