/* test_linecov.c - line coverage (capmatch test --coverage): the lines that
 * hold code agree with Lua's own debug.getinfo(f, "L") on the same file
 * (long gaps and long functions, whose lines the dump stores as absolute
 * lines, nested and vararg functions); the lines run are the ones the code
 * took; and the sandbox's budget still stops a runaway while lines are
 * traced (the two hooks share one lua_sethook). */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linecov.h"
#include "sandbox.h"

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof path, "/tmp/capmatch-linecov-XXXXXX.lua");
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* A file whose every function is reachable from what it returns, so that
 * Lua itself can list their lines. */
static char *reachable_file(void)
{
    size_t cap = 64 << 10, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    n += (size_t)snprintf(s + n, cap - n, "local M = {}\nfunction M.a(x)\n  if x > 1 then\n"
                          "    return 1\n  end\n");
    for (int i = 0; i < 300; i++)             /* a gap of 300 lines */
        s[n++] = '\n';
    n += (size_t)snprintf(s + n, cap - n, "  local t = {}\n");
    for (int i = 0; i < 200; i++)             /* 200 lines of one function */
        n += (size_t)snprintf(s + n, cap - n, "  t[%d] = x + %d\n", i, i);
    n += (size_t)snprintf(s + n, cap - n,
                          "  return t\nend\n"
                          "function M.b(...)\n  local n = select('#', ...)\n"
                          "  return n\nend\n"
                          "M.c = function() end\n"
                          "M.d = {\n  e = function(y)\n    local z = y * 2\n\n\n    return z\n  end,\n}\n"
                          "return M\n");
    s[n] = '\0';
    return s;
}

/* Lua's own list: the lines of the chunk and of every function it returns */
static const char lua_lines[] =
    "local path = ...\n"
    "local M = dofile(path)\n"
    "local all = {}\n"
    "local function add(f) for l in pairs(debug.getinfo(f, 'L').activelines) do all[l] = true end end\n"
    "add(loadfile(path)) add(M.a) add(M.b) add(M.c) add(M.d.e)\n"
    "local ks = {} for k in pairs(all) do ks[#ks + 1] = k end table.sort(ks)\n"
    "return table.concat(ks, ' ')\n";

static void test_code_lines_as_lua_lists_them(void **state)
{
    (void)state;
    char *text = reachable_file();
    write_file(text);
    free(text);
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    assert_int_equal(luaL_loadstring(L, lua_lines), LUA_OK);
    lua_pushstring(L, path);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    char *want = strdup(lua_tostring(L, -1));
    lua_close(L);

    linecov *lc = cmi_linecov_new();
    assert_non_null(lc);
    cmi_linecov_hit(lc, path, 1);
    assert_int_equal(cmi_linecov_count(lc), 1);
    linecov_file f;
    cmi_linecov_file(lc, 0, &f);
    if (f.error)
        fail_msg("%s", f.error);
    char got[8192] = "";
    size_t k = 0;
    for (size_t l = 0; l < f.nlines; l++)
        if (f.is_code[l])
            k += (size_t)snprintf(got + k, sizeof got - k, "%s%zu", k ? " " : "", l);
    assert_string_equal(got, want);
    /* line 1 ran, every other line holding code did not */
    assert_int_equal(f.run, 1);
    assert_int_equal((int)f.nmissed, f.code - 1);
    free(want);
    cmi_linecov_free(lc);
    unlink(path);
}

static void test_lines_run_in_the_sandbox(void **state)
{
    (void)state;
    write_file("local function size(n)\n"
               "  if n < 50 then\n"
               "    return 'small'\n"
               "  elseif n < 250 then\n"
               "    return 'medium'\n"
               "  end\n"
               "  return 'large'\n"
               "end\n"
               "assert(size(10) == 'small' and size(100) == 'medium')\n");
    sandbox *sb = cmi_sandbox_new(NULL, NULL);
    assert_non_null(sb);
    linecov *lc = cmi_linecov_new();
    assert_non_null(lc);
    cmi_sandbox_trace_lines(sb, cmi_linecov_hit, lc);
    char err[512];
    if (cmi_sandbox_dofile(sb, path, 0, err, sizeof err) < 0)
        fail_msg("%s", err);
    cmi_sandbox_free(sb);
    cmi_linecov_sort(lc, path);
    assert_int_equal(cmi_linecov_count(lc), 1);
    linecov_file f;
    cmi_linecov_file(lc, 0, &f);
    assert_null(f.error);
    assert_string_equal(f.name, path);
    /* lines 2-5, 7, 8 (the closure is made at the `end`), 9 hold code;
     * `return 'large'` never ran; lines 1 and 6 (`end` of the if) hold none */
    assert_int_equal(f.code, 7);
    assert_int_equal(f.run, 6);
    assert_int_equal((int)f.nmissed, 1);
    assert_int_equal(f.missed[0], 7);
    cmi_linecov_free(lc);
    unlink(path);
}

/* An endless loop stops at the instruction limit with lines traced, and
 * the lines it ran are counted; tracing off, it stops the same way. */
static void test_budget_with_lines_traced(void **state)
{
    (void)state;
    write_file("local n = 0\nwhile true do\n  n = n + 1\nend\n");
    for (int traced = 1; traced >= 0; traced--) {
        sandbox *sb = cmi_sandbox_new(NULL, NULL);
        assert_non_null(sb);
        linecov *lc = cmi_linecov_new();
        assert_non_null(lc);
        if (traced)
            cmi_sandbox_trace_lines(sb, cmi_linecov_hit, lc);
        char err[512] = "";
        assert_int_equal(cmi_sandbox_dofile(sb, path, 0, err, sizeof err), -1);
        assert_non_null(strstr(err, "instruction limit"));
        /* the state is usable afterwards, and still traced */
        assert_int_equal(luaL_loadstring(cmi_sandbox_lua(sb), "return 1"), LUA_OK);
        assert_int_equal(cmi_sandbox_call(sb, 0, 1, err, sizeof err), 0);
        cmi_sandbox_free(sb);
        assert_int_equal(cmi_linecov_count(lc), (size_t)traced);
        if (traced) {
            linecov_file f;
            cmi_linecov_file(lc, 0, &f);
            assert_null(f.error);
            assert_int_equal(f.run, f.code);
        }
        cmi_linecov_free(lc);
    }
    unlink(path);
}

static void test_file_gone_is_not_measured(void **state)
{
    (void)state;
    linecov *lc = cmi_linecov_new();
    assert_non_null(lc);
    cmi_linecov_hit(lc, "/nonexistent/capmatch-linecov.lua", 3);
    linecov_file f;
    cmi_linecov_file(lc, 0, &f);
    assert_non_null(f.error);
    assert_non_null(strstr(f.error, "cannot compile it now"));
    cmi_linecov_free(lc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_lines_as_lua_lists_them),
        cmocka_unit_test(test_lines_run_in_the_sandbox),
        cmocka_unit_test(test_budget_with_lines_traced),
        cmocka_unit_test(test_file_gone_is_not_measured),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
