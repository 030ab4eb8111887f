/* test_sandbox.c - rule code that tries to get out: every attempt must stop
 * with a clear error, within the budget, and leave the state usable. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t memory_limit = 16 << 20;

/* Write code to a temp file, run it in a fresh sandbox; return 0/-1 and the message. */
static int run_code(const char *code, char *err, size_t errlen, double *seconds)
{
    char path[] = "/tmp/capmatch-sandbox-XXXXXX.lua";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, code, strlen(code)), (ssize_t)strlen(code));
    close(fd);
    sandbox_limits lim = { memory_limit, 0, 0 };  /* default budgets */
    sandbox *sb = cmi_sandbox_new(&lim, "rules/lib");
    assert_non_null(sb);
    double t0 = now();
    err[0] = '\0';
    int rc = cmi_sandbox_dofile(sb, path, 0, err, errlen);
    if (seconds)
        *seconds = now() - t0;
    /* the state still works after the failure */
    char err2[256];
    int fd2;
    char path2[] = "/tmp/capmatch-sandbox-XXXXXX.lua";
    fd2 = mkstemps(path2, 4);
    const char ok[] = "local x = 0 for i = 1, 10 do x = x + i end assert(x == 55)";
    assert_int_equal(write(fd2, ok, sizeof ok - 1), (ssize_t)(sizeof ok - 1));
    close(fd2);
    assert_int_equal(cmi_sandbox_dofile(sb, path2, 0, err2, sizeof err2), 0);
    unlink(path2);
    unlink(path);
    cmi_sandbox_free(sb);
    return rc;
}

static void expect_stopped(const char *code, const char *part)
{
    char err[512];
    double secs;
    int rc = run_code(code, err, sizeof err, &secs);
    if (rc == 0)
        fail_msg("not stopped: %s", code);
    if (strstr(err, part) == NULL)
        fail_msg("for %s: message '%s' lacks '%s'", code, err, part);
    if (secs > 1.0)
        fail_msg("for %s: took %.2f s", code, secs);
}

static void test_no_os_io_debug_package(void **state)
{
    (void)state;
    expect_stopped("os.execute('touch /tmp/capmatch-pwned')", "undeclared global 'os'");
    expect_stopped("io.open('/etc/passwd')", "undeclared global 'io'");
    expect_stopped("local d = debug.getinfo(1)", "undeclared global 'debug'");
    expect_stopped("package.loadlib('libc.so.6', 'system')", "undeclared global 'package'");
    expect_stopped("require 'os'", "module 'os' not found");
    expect_stopped("require 'io'", "module 'io' not found");
    expect_stopped("require '../../etc/passwd'", "module name");
    expect_stopped("dofile('/etc/passwd')", "undeclared global 'dofile'");
    expect_stopped("loadfile('/etc/passwd')", "undeclared global 'loadfile'");
    expect_stopped("collectgarbage('stop')", "undeclared global 'collectgarbage'");
    expect_stopped("rawset(_G, 'x', 1)", "undeclared global 'rawset'");
    expect_stopped("local f = string.dump(function() end)", "attempt to call a nil value");
    expect_stopped("x = 1", "assignment to undeclared global 'x'");
    expect_stopped("local r = math.random()", "attempt to call a nil value");
    assert_int_equal(access("/tmp/capmatch-pwned", F_OK), -1);
}

static void test_no_binary_chunks(void **state)
{
    (void)state;
    expect_stopped("local f = assert(load('\\27Lua\\84\\0'))", "attempt to load a binary chunk");
    /* a binary chunk made outside, handed in as a string */
    lua_State *L = luaL_newstate();
    luaL_loadstring(L, "return 1");
    luaL_Buffer b;
    (void)b;
    lua_close(L);
}

static void test_endless_loops(void **state)
{
    (void)state;
    expect_stopped("while true do end", "instruction limit");
    expect_stopped("local function f() return f() end f()", "instruction limit");
    expect_stopped("while true do pcall(function() while true do end end) end",
                   "instruction limit");
    expect_stopped("while true do xpcall(function() while true do end end, function(e) return e end) end",
                   "instruction limit");
    expect_stopped("repeat local ok = pcall(error, 'x') until false", "instruction limit");
}

static void test_finalizers_refused(void **state)
{
    (void)state;
    expect_stopped("setmetatable({}, {__gc = function() while true do end end})",
                   "__gc metamethods are not allowed");
}

static void test_catastrophic_pattern(void **state)
{
    (void)state;
    expect_stopped("string.find(('a'):rep(26), ('a?'):rep(26) .. ('a'):rep(26))",
                   "Lua pattern too costly");
    expect_stopped("local s = ('a'):rep(3000) string.find(s, '(.-)(.-)(.-)b')",
                   "Lua pattern too costly");
    expect_stopped("for w in (('a'):rep(5000)):gmatch('(.-)(.-)x') do end", "Lua pattern too costly");
    /* ordinary patterns still work */
    char err[256];
    assert_int_equal(run_code("assert(('  abaca fiber  '):match('^%s*(.-)%s*$') == 'abaca fiber')\n"
                              "assert(('x'):rep(200):match('^%s*(.-)%s*$'))\n"
                              "assert(string.find('decorticating machine', 'decort', 1, true) == 1)\n"
                              "assert(select(2, ('a,b,c'):gsub(',', ';')) == 2)",
                              err, sizeof err, NULL), 0);
}

static void test_memory_bombs(void **state)
{
    (void)state;
    expect_stopped("local s = string.rep('x', 1 << 30)", "memory limit");
    expect_stopped("local t = {} for i = 1, 1e9 do t[i] = i end", "");
    expect_stopped("local t = {} local s = 'x' while true do s = s .. s t[#t + 1] = s end", "");
    char err[256];
    int rc = run_code("local t = {} for i = 1, 1e9 do t[i] = {i} end", err, sizeof err, NULL);
    assert_int_equal(rc, -1);
    assert_true(strstr(err, "memory limit") || strstr(err, "instruction limit"));
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    expect_stopped("local x = 1\nlocal y = nil + 1\n", ":2: attempt to perform arithmetic");
    expect_stopped("local x = \n", "unexpected symbol");
}

/* Library functions that loop in C, out of the count hook's sight: each is
 * charged for its work before it runs, so these stop at once. SIGALRM is a
 * guard against a hang (it kills the test, which then counts as failed),
 * not a measurement. */
static void expect_refused(const char *code, const char *part)
{
    char err[512];
    alarm(10);
    int rc = run_code(code, err, sizeof err, NULL);
    alarm(0);
    if (rc == 0)
        fail_msg("not stopped: %s", code);
    if (strstr(err, part) == NULL)
        fail_msg("for %s: message '%s' lacks '%s'", code, err, part);
    int line = 1;
    for (const char *c = code; *c; c++)
        line += *c == '\n';
    char where[32];
    snprintf(where, sizeof where, ".lua:%d:", line);
    if (strncmp(err, "/tmp/capmatch-sandbox-", 22) != 0 || strstr(err, where) == NULL)
        fail_msg("for %s: message '%s' does not name the file and line %d", code, err, line);
}

static void test_c_loops_metered(void **state)
{
    (void)state;
    expect_refused("table.move({}, 1, 1 << 40, 2)", "instruction limit");
    expect_refused("table.move({}, 1, 1 << 40, 2, {})", "instruction limit");
    expect_refused("local t = setmetatable({}, { __len = function() return 1 << 40 end })\n"
                   "table.insert(t, 1, 'x')", "instruction limit");
    expect_refused("local t = setmetatable({}, { __len = function() return 1 << 40 end })\n"
                   "table.remove(t, 1)", "instruction limit");
    expect_refused("local t = setmetatable({}, { __len = function() return 1 << 40 end })\n"
                   "table.sort(t)", "instruction limit");
    expect_refused("local t = setmetatable({}, { __index = function() return '' end })\n"
                   "local s = table.concat(t, '', 1, 1 << 40)", "instruction limit");
    expect_refused("local s = string.rep('', 1 << 50)", "instruction limit");
    expect_refused("local s = ('x'):rep(1 << 50, '')", "memory limit");
    expect_refused("local s = string.rep('x', 1.2e7)", "instruction limit");
    expect_refused("local s = string.pack('c60000000', '')", "instruction limit");
    expect_refused("local s = string.rep('i', 4e6)\n"
                   "for i = 1, 1e3 do local n = string.packsize(s) end", "instruction limit");
    expect_refused("local s = 'x' for i = 1, 23 do s = s .. s end\n"
                   "for i = 1, 1e4 do local n = utf8.len(s) end", "instruction limit");
    expect_refused("local s = 'x' for i = 1, 23 do s = s .. s end\n"
                   "for i = 1, 1e4 do local n = tonumber(s) end", "instruction limit");
}

/* The same functions still do their job within the budget. */
static void test_metered_functions_work(void **state)
{
    (void)state;
    char err[256];
    int rc = run_code(
        "local t = {3, 1, 2}\n"
        "table.insert(t, 4) table.insert(t, 1, 0) assert(table.concat(t, ',') == '0,3,1,2,4')\n"
        "assert(table.remove(t, 1) == 0 and table.remove(t) == 4)\n"
        "table.sort(t) assert(table.concat(t, ',', 2, 3) == '2,3')\n"
        "assert(select('#', table.unpack(t)) == 3 and select('#', unpack(t, 1, 2)) == 2)\n"
        "local u = table.move(t, 1, 3, 2, {}) assert(u[4] == 3 and u[1] == nil)\n"
        "assert(('ab'):rep(3, ',') == 'ab,ab,ab' and string.rep('', 5) == '')\n"
        "assert(select('#', string.byte('abc', 1, -1)) == 3 and string.char(104, 105) == 'hi')\n"
        "assert(utf8.len('\\u{e9}t\\u{e9}') == 3 and utf8.char(233) == '\\u{e9}')\n"
        "assert(select('#', utf8.codepoint('abc', 1, -1)) == 3 and utf8.offset('abc', 2) == 2)\n"
        "assert(string.unpack('i4', string.pack('i4', 7)) == 7 and string.packsize('i4') == 4)\n"
        "assert(string.format('%5.1f|%s', 1.25, 'x') == '  1.2|x' or string.format('%5.1f', 1.25) == '  1.3')\n"
        "assert(tonumber('12') == 12 and load('return 1 + 1')() == 2 and math.max(1, 5, 3) == 5)\n",
        err, sizeof err, NULL);
    if (rc != 0)
        fail_msg("%s", err);
}

/* Slow single instructions (a concatenation or comparison of 8 MiB
 * strings, a copy of 400,000 varargs) run between two count hooks; the
 * clock backstop still stops them near its second. The alarm is a guard
 * against the old behaviour (10 s and more), not a measurement. */
static void test_slow_instructions_stop(void **state)
{
    (void)state;
    memory_limit = 64 << 20;
    expect_refused("local s = 'x' for i = 1, 24 do s = s .. s end\n"
                   "while true do local t = s .. 'y' end", "instruction limit");
    expect_refused("local a, b = 'x', 'x' for i = 1, 24 do a = a .. a b = b .. b end\n"
                   "local n = 0 while true do if a == b then n = n + 1 end end", "instruction limit");
    expect_refused("local t = {} for i = 1, 4e5 do t[i] = i end\n"
                   "local function f(...) while true do local n = select('#', ...) end end\n"
                   "f(table.unpack(t))", "instruction limit");
    memory_limit = 16 << 20;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_os_io_debug_package),
        cmocka_unit_test(test_no_binary_chunks),
        cmocka_unit_test(test_endless_loops),
        cmocka_unit_test(test_finalizers_refused),
        cmocka_unit_test(test_catastrophic_pattern),
        cmocka_unit_test(test_memory_bombs),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_c_loops_metered),
        cmocka_unit_test(test_metered_functions_work),
        cmocka_unit_test(test_slow_instructions_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
