/* test_reader.c - the record readers over a source: CSV fields, JSON value
 * extents and JSON Lines lines, with lines and columns, read from memory and
 * through a file in chunks as small as one byte. Every chunk size must give
 * exactly what memory gives: the window that slides over a file (source.c)
 * may never change a field, a line or a column. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "jsonread.h"
#include "source.h"

/* A temporary file holding text; returns an fd at its start. */
static int temp_fd(const char *text, size_t len)
{
    char path[] = "/tmp/test_reader.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Everything a CSV reading yields, as text, one line per record. */
static void csv_dump(source *src, size_t max, char *out, size_t cap)
{
    csvr c;
    cmi_csvr_init(&c, src, 0, max);
    c.comment = '#';
    size_t o = 0;
    out[0] = '\0';
    for (;;) {
        int got = cmi_csvr_next(&c);
        if (got < 0) {
            o += (size_t)snprintf(out + o, cap - o, "error %d at %lu:%lu\n", (int)c.error,
                                  cmi_src_line(src, c.error_at), cmi_src_column(src, c.error_at));
            break;
        }
        if (got == 0)
            break;
        o += (size_t)snprintf(out + o, cap - o, "line %lu%s%s:", cmi_src_line(src, c.start),
                              c.too_long ? " too long" : "", c.is_comment ? " comment" : "");
        for (size_t i = 0; i < c.nfields && !c.too_long; i++)
            o += (size_t)snprintf(out + o, cap - o, " [%s]@%lu:%lu", c.text + c.fields[i].off,
                                  cmi_src_line(src, c.fields[i].at),
                                  cmi_src_column(src, c.fields[i].at));
        o += (size_t)snprintf(out + o, cap - o, " (%zu fields, %zu bytes)\n", c.nfields, c.bytes);
        assert_true(o < cap);
    }
    cmi_csvr_free(&c);
}

static void csv_same_in_chunks(const char *text, size_t max, const char *want)
{
    static char mem[8192], got[8192];
    size_t len = strlen(text);
    source s;
    cmi_src_init_memory(&s, text, len);
    csv_dump(&s, max, mem, sizeof mem);
    if (want && strcmp(mem, want) != 0)
        fail_msg("from memory:\n%s\nexpected:\n%s", mem, want);
    for (size_t chunk = 1; chunk <= 9; chunk++) {
        int fd = temp_fd(text, len);
        assert_int_equal(cmi_src_init_fd(&s, fd, chunk), 0);
        csv_dump(&s, max, got, sizeof got);
        cmi_src_free(&s);
        close(fd);
        if (strcmp(mem, got) != 0)
            fail_msg("chunk %zu:\n%s\nfrom memory:\n%s", chunk, got, mem);
    }
}

static void test_csv_fields(void **state)
{
    (void)state;
    csv_same_in_chunks("id,name\r\n  r-1 , \"One, \"\"the\"\" first\"  \n\n \nr-2,Two\n",
                       1 << 20,
                       "line 1: [id]@1:1 [name]@1:4 (2 fields, 8 bytes)\n"
                       "line 2: [r-1]@2:3 [One, \"the\" first]@2:9 (2 fields, 21 bytes)\n"
                       "line 5: [r-2]@5:1 [Two]@5:5 (2 fields, 8 bytes)\n");
    /* a quoted line break; characters, not bytes, for columns; no final newline */
    csv_same_in_chunks("a,b\n\"x\ny\",\xe4\xb8\xad\xe6\x96\x87,z\n# a, comment\n,\n\"q\"", 1 << 20,
                       "line 1: [a]@1:1 [b]@1:3 (2 fields, 4 bytes)\n"
                       "line 2: [x\ny]@2:1 [\xe4\xb8\xad\xe6\x96\x87]@3:4 [z]@3:7 "
                       "(3 fields, 13 bytes)\n"
                       "line 4 comment: [# a, comment]@4:1 (1 fields, 13 bytes)\n"
                       "line 5: []@5:1 []@5:2 (2 fields, 2 bytes)\n"
                       "line 6: [q]@6:1 (1 fields, 2 bytes)\n");
    /* a record over the limit is scanned to its end, then reading goes on */
    csv_same_in_chunks("a,b\nxxxxxxxxxxxxxxxxxxxx,y\nc,d\n", 12,
                       "line 1: [a]@1:1 [b]@1:3 (2 fields, 4 bytes)\n"
                       "line 2 too long: (2 fields, 23 bytes)\n"
                       "line 3: [c]@3:1 [d]@3:3 (2 fields, 4 bytes)\n");
}

static void test_csv_errors(void **state)
{
    (void)state;
    csv_same_in_chunks("a,b\nr-1,Tw\"o\n", 1 << 20,
                       "line 1: [a]@1:1 [b]@1:3 (2 fields, 4 bytes)\nerror 1 at 2:7\n");
    csv_same_in_chunks("a,b\n\"x\"y,1\n", 1 << 20,
                       "line 1: [a]@1:1 [b]@1:3 (2 fields, 4 bytes)\nerror 1 at 2:4\n");
    csv_same_in_chunks("a,b\n1,\"open\n\n", 1 << 20,
                       "line 1: [a]@1:1 [b]@1:3 (2 fields, 4 bytes)\nerror 2 at 4:1\n");
    static const char nul[] = "a,b\n1,te\0ch\n";
    static char out[512];
    source s;
    cmi_src_init_memory(&s, nul, sizeof nul - 1);
    csv_dump(&s, 1 << 20, out, sizeof out);
    assert_string_equal(out, "line 1: [a]@1:1 [b]@1:3 (2 fields, 4 bytes)\nerror 3 at 2:5\n");
}

/* JSON: the extent of each element of a list, and lines and columns there. */
static void json_dump(source *src, size_t max, char *out, size_t cap)
{
    size_t o = 0;
    size_t i = cmi_jsonr_skip_ws(src, 0) + 1;     /* past '[' */
    out[0] = '\0';
    for (;;) {
        i = cmi_jsonr_skip_ws(src, i);
        int c = cmi_src_byte(src, i);
        if (c < 0 || c == ']')
            break;
        if (c == ',') {
            i++;
            continue;
        }
        cmi_src_keep(src, i);
        unsigned long line = cmi_src_line(src, i), col = cmi_src_column(src, i);
        size_t end;
        int sc = cmi_jsonr_value(src, i, max, &end);
        o += (size_t)snprintf(out + o, cap - o, "%d %lu:%lu %zu", sc, line, col, end - i);
        if (sc == JSONR_OK || sc == JSONR_EOF)
            o += (size_t)snprintf(out + o, cap - o, " %.*s", (int)(end - i), src_at(src, i));
        o += (size_t)snprintf(out + o, cap - o, "\n");
        if (sc == JSONR_BAD || sc == JSONR_EOF)
            break;
        i = end;
    }
}

static void json_same_in_chunks(const char *text, size_t max, const char *want)
{
    static char mem[4096], got[4096];
    size_t len = strlen(text);
    source s;
    cmi_src_init_memory(&s, text, len);
    json_dump(&s, max, mem, sizeof mem);
    if (strcmp(mem, want) != 0)
        fail_msg("from memory:\n%s\nexpected:\n%s", mem, want);
    for (size_t chunk = 1; chunk <= 9; chunk++) {
        int fd = temp_fd(text, len);
        assert_int_equal(cmi_src_init_fd(&s, fd, chunk), 0);
        json_dump(&s, max, got, sizeof got);
        cmi_src_free(&s);
        close(fd);
        if (strcmp(mem, got) != 0)
            fail_msg("chunk %zu:\n%s\nfrom memory:\n%s", chunk, got, mem);
    }
}

static void test_json_values(void **state)
{
    (void)state;
    json_same_in_chunks("[{\"a\": \"x]}\\\"\"},\n  [1, [2]], 3.5e2 , \"\xc3\xa9\", true,\n"
                        " {\"long\": \"abcdefghijklmnopqrstuvwxyz\"}, {\"b\": 1}]",
                        30,
                        "0 1:2 14 {\"a\": \"x]}\\\"\"}\n"
                        "0 2:3 8 [1, [2]]\n"
                        "0 2:13 5 3.5e2\n"
                        "0 2:21 4 \"\xc3\xa9\"\n"
                        "0 2:26 4 true\n"
                        "1 3:2 38\n"
                        "0 3:42 8 {\"b\": 1}\n");
    /* the end of input inside a value; a control byte in a long one */
    json_same_in_chunks("[{\"a\": [1, 2", 30, "-1 1:2 11 {\"a\": [1, 2\n");
    json_same_in_chunks("[\"abcdefghijklmnopqrstuvwxyz0123\x01\"]", 30, "-2 1:2 31\n");
}

static void test_jsonl_lines(void **state)
{
    (void)state;
    static const char text[] = "{\"a\":1}\r\n\n{\"b\":\"0123456789012345678901234567890\"}\n{\"c\":3}";
    for (size_t chunk = 0; chunk <= 5; chunk++) {
        source s;
        int fd = -1;
        if (chunk == 0) {
            cmi_src_init_memory(&s, text, sizeof text - 1);
        } else {
            fd = temp_fd(text, sizeof text - 1);
            assert_int_equal(cmi_src_init_fd(&s, fd, chunk), 0);
        }
        char out[512];
        size_t o = 0, i = 0;
        while (cmi_src_avail(&s, i)) {
            cmi_src_keep(&s, i);
            size_t eol, next;
            int long_line;
            unsigned long line = cmi_src_line(&s, i);
            assert_int_equal(cmi_jsonr_line(&s, i, 20, &eol, &next, &long_line), 0);
            o += (size_t)snprintf(out + o, sizeof out - o, "%lu:%zu%s;", line, eol - i,
                                  long_line ? " long" : "");
            i = next;
        }
        assert_string_equal(out, "1:8;2:0;3:39 long;4:7;");
        cmi_src_free(&s);
        if (fd >= 0)
            close(fd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_fields),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_json_values),
        cmocka_unit_test(test_jsonl_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
