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

/* Write code to a temp file, run it in a fresh sandbox; return 0/-1 and the message. */
static int run_code(const char *code, char *err, size_t errlen, double *seconds)
{
    char path[] = "/tmp/capmatch-sandbox-XXXXXX.lua";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, code, strlen(code)), (ssize_t)strlen(code));
    close(fd);
    sandbox_limits lim = { 16 << 20, 0, 0 };  /* default budgets */
    sandbox *sb = sandbox_new(&lim, "rules/lib");
    assert_non_null(sb);
    double t0 = now();
    err[0] = '\0';
    int rc = sandbox_dofile(sb, path, 0, err, errlen);
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
    assert_int_equal(sandbox_dofile(sb, path2, 0, err2, sizeof err2), 0);
    unlink(path2);
    unlink(path);
    sandbox_free(sb);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
