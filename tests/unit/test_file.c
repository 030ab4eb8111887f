/* test_file.c - the base layer: the text buffer and its JSON, CSV and HTML
 * escapes (buf.c), whole-file reads, the output-path rules, temporaries of
 * killed runs and SHA-256 hex (file.c). Devices are tested with a FIFO this
 * test makes, never with a real device. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "file.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/capmatch-file-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *in_dir(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
    return out;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *want)
{
    size_t len = 0;
    char *got = cmi_file_read(path, 0, &len);
    if (got == NULL)
        fail_msg("%s: cannot read: %s", path, strerror(errno));
    assert_int_equal(len, strlen(want));
    assert_string_equal(got, want);
    cm_free(got);
}

/* ---- buf ---------------------------------------------------------------------- */

static void expect_json(const char *in, size_t n, const char *want)
{
    textbuf b = BUF_INIT;
    cmi_buf_json_string(&b, in, n);
    assert_false(b.nomem);
    assert_string_equal(b.s, want);
    cmi_buf_free(&b);
}

static void test_buf_grows(void **state)
{
    (void)state;
    textbuf b = BUF_INIT;
    for (int i = 0; i < 1000; i++)
        cmi_buf_printf(&b, "%04d,", i);
    assert_int_equal(b.len, 5000);
    assert_memory_equal(b.s + 4995, "0999,", 5);
    assert_int_equal(b.s[b.len], '\0');
    /* longer than any fixed scratch buffer */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cmi_buf_clear(&b);
    cmi_buf_printf(&b, "<%s>", big);
    assert_int_equal(b.len, sizeof big + 1);
    cmi_buf_free(&b);
    assert_null(b.s);
}

static void test_buf_json(void **state)
{
    (void)state;
    expect_json("plain", 5, "\"plain\"");
    expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_json("l1\nl2\r\t", 7, "\"l1\\nl2\\r\\t\"");
    expect_json("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
    expect_json("nul\0in", 6, "\"nul\\u0000in\"");
    /* whole UTF-8 characters pass, a stray or cut byte is U+FFFD */
    expect_json("Ph\xc3\xba Qu\xe1\xbb\x91" "c", 11, "\"Ph\xc3\xba Qu\xe1\xbb\x91" "c\"");
    expect_json("a\xff" "b", 3, "\"a\\ufffdb\"");
    expect_json("cut\xe1\xbb", 5, "\"cut\\ufffd\\ufffd\"");
    expect_json("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");          /* overlong '/' */
    expect_json("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""); /* a surrogate */
}

static void test_buf_csv_html(void **state)
{
    (void)state;
    static const struct { const char *in, *csv, *html; } cases[] = {
        { "plain", "plain", "plain" },
        { "a,b", "\"a,b\"", "a,b" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"", "say &quot;hi&quot;" },
        { "two\nlines", "\"two\nlines\"", "two\nlines" },
        { "#not a comment", "\"#not a comment\"", "#not a comment" },
        { "a<b>&'c'", "a<b>&'c'", "a&lt;b&gt;&amp;&#39;c&#39;" },
        { "", "", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        textbuf b = BUF_INIT;
        cmi_buf_csv_cell(&b, cases[i].in, strlen(cases[i].in));
        cmi_buf_putc(&b, '|');
        cmi_buf_html(&b, cases[i].in, strlen(cases[i].in));
        char want[200];
        snprintf(want, sizeof want, "%s|%s", cases[i].csv, cases[i].html);
        assert_string_equal(b.s, want);
        cmi_buf_free(&b);
    }
}

/* ---- reading and writing -------------------------------------------------------- */

static void test_write_read_hash(void **state)
{
    (void)state;
    char path[128], tmp[160];
    in_dir(path, sizeof path, "snapshot.json");
    assert_int_equal(cmi_file_write(path, "[1,2,3]", 7), 0);
    expect_content(path, "[1,2,3]");
    /* no temporary file is left beside it */
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    assert_int_equal(access(tmp, F_OK), -1);
    /* a write into a missing directory fails, naming the path */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/missing/snapshot.json", dir);
    assert_int_equal(cmi_file_write(bad, "x", 1), -1);
    assert_int_equal(errno, ENOENT);
    assert_non_null(strstr(cmi_err_get(), bad));
    /* reading what is not a regular file */
    size_t len;
    assert_null(cmi_file_read(dir, 0, &len));
    assert_int_equal(errno, EISDIR);
    assert_null(cmi_file_read(path, 3, &len));
    assert_int_equal(errno, EFBIG);
    char hex[65];
    cmi_file_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(cmi_file_sha256_path(path, hex), CM_OK);
    char hex2[65];
    cmi_file_sha256_hex("[1,2,3]", 7, hex2);
    assert_string_equal(hex, hex2);
    unlink(path);
}

static void test_failed_write_keeps_old_file(void **state)
{
    (void)state;
    /* a name the file system takes, but not with ".tmpPID" after it: the
     * write fails after the old file was found, and must leave it whole */
    char name[256];
    memset(name, 'n', 250);
    name[250] = '\0';
    char path[400];
    in_dir(path, sizeof path, name);
    put_file(path, "old contents\n");
    assert_int_equal(cmi_file_write(path, "new", 3), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    expect_content(path, "old contents\n");
    /* and an output given up on leaves it too */
    char other[128];
    in_dir(other, sizeof other, "kept.csv");
    put_file(other, "a,b\n");
    file_out o;
    assert_int_equal(cmi_file_out_open(&o, other), CM_OK);
    assert_non_null(o.tmp);
    fputs("half a fi", o.f);
    char tmp[200];
    snprintf(tmp, sizeof tmp, "%s", o.tmp);
    cmi_file_out_abort(&o);
    expect_content(other, "a,b\n");
    assert_int_equal(access(tmp, F_OK), -1);
    unlink(path);
    unlink(other);
}

static void test_output_rules(void **state)
{
    (void)state;
    file_out o;
    /* "-" is standard output, not a file named "-" */
    assert_int_equal(cmi_file_out_open(&o, "-"), CM_OK);
    assert_ptr_equal(o.f, stdout);
    assert_null(o.tmp);
    assert_int_equal(cmi_file_out_commit(&o), CM_OK);
    assert_int_equal(access("-", F_OK), -1);
    /* a directory is an error that says so */
    assert_int_equal(cmi_file_out_open(&o, dir), CM_EIO);
    assert_non_null(strstr(cmi_err_get(), "is a directory"));
    assert_null(o.f);
    assert_int_equal(cmi_file_out_open(&o, ""), CM_EUSAGE);
    /* a symbolic link is followed: the target is replaced, the link stays */
    char target[128], link[128], link2[128], sb_path[128];
    in_dir(target, sizeof target, "target.json");
    in_dir(link, sizeof link, "link.json");
    in_dir(link2, sizeof link2, "sub/link2.json");
    put_file(target, "old");
    assert_int_equal(symlink("target.json", link), 0);
    assert_int_equal(cmi_file_write(link, "through the link", 16), 0);
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    expect_content(target, "through the link");
    /* a link to a link, relative to its own directory */
    in_dir(sb_path, sizeof sb_path, "sub");
    assert_int_equal(mkdir(sb_path, 0700), 0);
    assert_int_equal(symlink("../link.json", link2), 0);
    assert_int_equal(cmi_file_write(link2, "two hops", 8), 0);
    expect_content(target, "two hops");
    assert_int_equal(lstat(link2, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    /* a dangling link: its target is created */
    char dangling[128], made[128];
    in_dir(dangling, sizeof dangling, "dangling.json");
    in_dir(made, sizeof made, "made.json");
    assert_int_equal(symlink("made.json", dangling), 0);
    assert_int_equal(cmi_file_write(dangling, "new", 3), 0);
    expect_content(made, "new");
    /* a loop of links is an error, not a hang */
    char loop[128];
    in_dir(loop, sizeof loop, "loop");
    assert_int_equal(symlink("loop", loop), 0);
    assert_int_equal(cmi_file_write(loop, "x", 1), -1);
    assert_int_equal(errno, ELOOP);
}

static void test_fifo_written_in_place(void **state)
{
    (void)state;
    char fifo[128], got[128];
    in_dir(fifo, sizeof fifo, "pipe");
    in_dir(got, sizeof got, "from-pipe");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        /* the reader: copies what arrives to a file */
        int in = open(fifo, O_RDONLY);
        int out = open(got, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        char b[256];
        ssize_t n;
        while (in >= 0 && out >= 0 && (n = read(in, b, sizeof b)) > 0)
            if (write(out, b, (size_t)n) != n)
                _exit(1);
        _exit(in >= 0 && out >= 0 && close(out) == 0 ? 0 : 1);
    }
    int rc = cmi_file_write(fifo, "to the reader\n", 14);
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(rc, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    expect_content(got, "to the reader\n");
    struct stat sb;
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));      /* still a FIFO, not replaced */
}

static long dead_pid(void)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0)
        _exit(0);
    int status;
    assert_int_equal(waitpid(p, &status, 0), p);
    return (long)p;
}

static void test_stale_temps_removed(void **state)
{
    (void)state;
    char path[128], stale[160], live[160], other[160], notours[160];
    in_dir(path, sizeof path, "out.json");
    long gone = dead_pid();
    snprintf(stale, sizeof stale, "%s.tmp%ld", path, gone);
    snprintf(live, sizeof live, "%s.tmp%ld", path, (long)getppid());
    snprintf(other, sizeof other, "%s/other.json.tmp%ld", dir, gone);
    snprintf(notours, sizeof notours, "%s.tmpfoo", path);
    put_file(stale, "left by kill -9");
    put_file(live, "a run still writing");
    put_file(other, "another target's");
    put_file(notours, "not a temporary of ours");
    assert_int_equal(cmi_file_write(path, "{}", 2), 0);
    assert_int_equal(access(stale, F_OK), -1);
    assert_int_equal(access(live, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);   /* only the target's own */
    assert_int_equal(access(notours, F_OK), 0);
    /* a sweep of a whole directory (the feed cache) takes any dead one */
    cmi_file_sweep_dir(dir);
    assert_int_equal(access(other, F_OK), -1);
    assert_int_equal(access(live, F_OK), 0);
    assert_int_equal(access(notours, F_OK), 0);
    unlink(live);
    unlink(notours);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows),
        cmocka_unit_test(test_buf_json),
        cmocka_unit_test(test_buf_csv_html),
        cmocka_unit_test(test_write_read_hash),
        cmocka_unit_test(test_failed_write_keeps_old_file),
        cmocka_unit_test(test_output_rules),
        cmocka_unit_test(test_fifo_written_in_place),
        cmocka_unit_test(test_stale_temps_removed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
