/* test_feed.c - the feed modules' pure parts: RFC 8288 Link headers, URL
 * resolution, credentials hidden in messages (atomic writes and hashes: test_file.c). */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "feed.h"

static void expect_next(const char *link, const char *want)
{
    char *got = cmi_body_link_next(link);
    if (want == NULL) {
        if (got)
            fail_msg("%s: expected no next link, got %s", link, got);
    } else {
        if (got == NULL)
            fail_msg("%s: expected %s, got none", link, want);
        assert_string_equal(got, want);
    }
    cm_free(got);
}

static void test_link_header(void **state)
{
    (void)state;
    expect_next("<https://api.example.org/r?page=2>; rel=\"next\"", "https://api.example.org/r?page=2");
    expect_next("<https://x/1>; rel=\"prev\", <https://x/3>; rel=\"next\"", "https://x/3");
    expect_next("<https://x/3>; rel=next", "https://x/3");
    expect_next("<https://x/3>; REL=\"NEXT\"", "https://x/3");
    expect_next("<https://x/last>; rel=\"last\"", NULL);
    /* rel may hold several types */
    expect_next("<https://x/2>; rel=\"next nofollow\"", "https://x/2");
    /* other parameters, a quoted comma, spaces */
    expect_next("<https://x/a>; title=\"a, b\"; rel=\"prev\" ,  <https://x/b> ; rel = \"next\"",
                "https://x/b");
    expect_next("", NULL);
    expect_next("garbage", NULL);
    expect_next("<https://x/unterminated; rel=next", NULL);
}

/* Where the next page is (RFC 3986 section 5: a body's "next" link is
 * resolved against the URL of the page it came in). */
static void test_resolve_url(void **state)
{
    (void)state;
    static const struct { const char *base, *ref, *want; } cases[] = {
        { "https://api.example.org/v1/regions?page=1", "?page=2",
          "https://api.example.org/v1/regions?page=2" },
        { "https://api.example.org/v1/regions", "/v2/regions", "https://api.example.org/v2/regions" },
        { "https://api.example.org/v1/regions", "https://other.example/x", "https://other.example/x" },
        /* relative to the page's directory, with dot segments */
        { "https://api.example.org/v1/regions?page=1", "page2", "https://api.example.org/v1/page2" },
        { "https://api.example.org/v1/regions", "./next?page=3", "https://api.example.org/v1/next?page=3" },
        { "https://api.example.org/v1/list/regions", "../v2/regions",
          "https://api.example.org/v1/v2/regions" },
        { "https://api.example.org/v1/regions", "../../../x", "https://api.example.org/x" },
        /* another host, keeping the scheme; a port kept from the base */
        { "https://api.example.org/v1/regions", "//cdn.example.net/r?page=2",
          "https://cdn.example.net/r?page=2" },
        { "http://127.0.0.1:8080/a/b?x=1", "c?page=2", "http://127.0.0.1:8080/a/c?page=2" },
        /* a file: base, as local feeds have */
        { "file:///srv/feeds/regions.json", "regions-2.json", "file:///srv/feeds/regions-2.json" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *u = cmi_body_resolve_url(cases[i].base, cases[i].ref);
        if (u == NULL || strcmp(u, cases[i].want) != 0)
            fail_msg("%s + %s: expected %s, got %s", cases[i].base, cases[i].ref, cases[i].want,
                     u ? u : "(none)");
        cm_free(u);
    }
    /* what is no URL gives none, rather than a guess */
    char *u = cmi_body_resolve_url("not a url", "page2");
    if (u != NULL)
        fail_msg("a base that is no URL: expected none, got %s", u);
    u = cmi_body_resolve_url("https://api.example.org/v1/regions", "http://");
    if (u != NULL)
        fail_msg("an empty host: expected none, got %s", u);
}

static void test_hide_credentials(void **state)
{
    (void)state;
    char *s = cmi_feed_hide_credentials("https://user:secret@portal.example.gov/regions.json");
    assert_non_null(s);
    assert_null(strstr(s, "secret"));
    assert_null(strstr(s, "user"));
    assert_non_null(strstr(s, "portal.example.gov/regions.json"));
    cm_free(s);
    s = cmi_feed_hide_credentials("https://portal.example.gov/a@b");   /* '@' in the path */
    assert_string_equal(s, "https://portal.example.gov/a@b");
    cm_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_header),
        cmocka_unit_test(test_resolve_url),
        cmocka_unit_test(test_hide_credentials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
