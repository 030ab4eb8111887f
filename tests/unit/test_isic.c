/*
 * test_isic.c - unit tests for the ISIC Rev.4 module (core/isic.h).
 *
 * The built-in table is checked code by code against the reference list
 * ../shared/data/isic_rev4.csv (or $CAPMATCH_SHARED_DIR/data/isic_rev4.csv).
 * Where that data set is not beside the checkout, those tests are skipped
 * with a message saying where it was looked for (and counted as skips by
 * tests/run-tests.sh); a list that is there but malformed is a failure.
 * The rest covers lookup
 * of bad input, parents, ancestors, containment, distances and titles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isic.h"

/* ---- the reference CSV ---------------------------------------------------- */

#define REF_MAX 1000

struct ref_row {
    char code[8];
    char level[16];
    char parent[8];
    char title[256];
};

static struct ref_row ref[REF_MAX];
static size_t ref_n;
static char ref_path[4096];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        if (n + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    return buf;
}

/* Reads one CSV field (RFC 4180 quoting) into out; returns the position
 * after it and sets *end_of_record at a line end or the end of the text. */
static const char *csv_field(const char *p, char *out, size_t cap, int *end_of_record)
{
    size_t n = 0;
    if (*p == '"') {
        p++;
        for (;;) {
            if (*p == '\0')
                break;
            if (*p == '"') {
                if (p[1] == '"') {
                    p++;
                } else {
                    p++;
                    break;
                }
            }
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
    }
    while (*p != '\0' && *p != ',' && *p != '\n' && *p != '\r') {
        if (n + 1 < cap)
            out[n++] = *p;
        p++;
    }
    out[n] = '\0';
    *end_of_record = 1;
    if (*p == ',') {
        *end_of_record = 0;
        return p + 1;
    }
    if (*p == '\r')
        p++;
    if (*p == '\n')
        p++;
    return p;
}

/* Loads the reference list into ref[]; 0 and a message on failure, -1 and
 * a message when it is not there at all. */
static int load_reference(char *why, size_t why_cap)
{
    static const char fallback[] = "../shared/data/isic_rev4.csv";
    const char *dir = getenv("CAPMATCH_SHARED_DIR");
    char tried[4200] = "";
    char *text = NULL;
    if (dir != NULL && dir[0] != '\0') {
        snprintf(ref_path, sizeof ref_path, "%s/data/isic_rev4.csv", dir);
        text = slurp(ref_path);
        if (text == NULL)
            snprintf(tried, sizeof tried, "%s and ", ref_path);
    }
    if (text == NULL) {
        snprintf(ref_path, sizeof ref_path, "%s", fallback);
        text = slurp(ref_path);
    }
    if (text == NULL) {
        snprintf(why, why_cap,
                 "cannot read the ISIC reference list: tried %s%s (run from the "
                 "repository root or set CAPMATCH_SHARED_DIR)", tried, fallback);
        return -1;
    }

    const char *p = text;
    int eor = 0;
    char field[256];
    /* header */
    do {
        p = csv_field(p, field, sizeof field, &eor);
    } while (!eor && *p != '\0');

    ref_n = 0;
    while (*p != '\0') {
        if (*p == '\n' || *p == '\r') {
            p++;
            continue;
        }
        if (ref_n == REF_MAX) {
            snprintf(why, why_cap, "%s: more than %d rows", ref_path, REF_MAX);
            free(text);
            return 0;
        }
        struct ref_row *r = &ref[ref_n];
        char *dst[4] = { r->code, r->level, r->parent, r->title };
        size_t cap[4] = { sizeof r->code, sizeof r->level, sizeof r->parent, sizeof r->title };
        int nf = 0;
        eor = 0;
        while (!eor) {
            if (nf < 4)
                p = csv_field(p, dst[nf], cap[nf], &eor);
            else
                p = csv_field(p, field, sizeof field, &eor);
            nf++;
        }
        if (nf != 4) {
            snprintf(why, why_cap, "%s: row %zu has %d fields, expected 4",
                     ref_path, ref_n + 2, nf);
            free(text);
            return 0;
        }
        ref_n++;
    }
    free(text);
    return 1;
}

static void need_reference(void)
{
    char why[8192];
    if (ref_n > 0)
        return;
    int rc = load_reference(why, sizeof why);
    if (rc < 0) {
        print_message("skipped: %s\n", why);
        skip();
    }
    if (rc == 0)
        fail_msg("%s", why);
    if (ref_n == 0)
        fail_msg("%s: no rows", ref_path);
}

static int level_of_name(const char *name)
{
    if (strcmp(name, "section") == 0)
        return ISIC_SECTION;
    if (strcmp(name, "division") == 0)
        return ISIC_DIVISION;
    if (strcmp(name, "group") == 0)
        return ISIC_GROUP;
    if (strcmp(name, "class") == 0)
        return ISIC_CLASS;
    return -2;
}

static isic_id lk(const char *code)
{
    return cmi_isic_lookup(code, strlen(code));
}

/* Id of a code that must exist. */
static isic_id must(const char *code)
{
    isic_id id = lk(code);
    if (id == ISIC_NONE)
        fail_msg("code %s not found", code);
    return id;
}

/* ---- the table against the reference list ------------------------------- */

static void test_table_matches_reference(void **state)
{
    (void)state;
    need_reference();

    static unsigned char seen[65536];
    size_t per_level[4] = { 0, 0, 0, 0 };
    memset(seen, 0, sizeof seen);

    for (size_t i = 0; i < ref_n; i++) {
        const struct ref_row *r = &ref[i];
        isic_id id = lk(r->code);
        if (id == ISIC_NONE)
            fail_msg("%s (row %zu): code missing from the table", r->code, i + 2);
        if (strcmp(cmi_isic_code(id), r->code) != 0)
            fail_msg("%s: lookup gives id %u whose code is %s", r->code, id, cmi_isic_code(id));

        int want_level = level_of_name(r->level);
        if (want_level < 0)
            fail_msg("%s: unknown level '%s' in the reference list", r->code, r->level);
        if (cmi_isic_level(id) != want_level)
            fail_msg("%s: level %d, reference says %s", r->code, cmi_isic_level(id), r->level);
        per_level[want_level]++;

        const char *parent = cmi_isic_code(cmi_isic_parent(id));
        if (strcmp(parent, r->parent) != 0)
            fail_msg("%s: parent '%s', reference says '%s'", r->code, parent, r->parent);
        if ((want_level == ISIC_SECTION) != (cmi_isic_parent(id) == ISIC_NONE))
            fail_msg("%s: only sections may lack a parent", r->code);

        /* Same order as the reference, which is hierarchy order. */
        if (id != (isic_id)(i + 1))
            fail_msg("%s: id %u, expected %zu (table out of hierarchy order)", r->code, id, i + 1);

        if (seen[id])
            fail_msg("%s: id %u reached twice", r->code, id);
        seen[id] = 1;
    }

    assert_int_equal(per_level[ISIC_SECTION], 21);
    assert_int_equal(per_level[ISIC_DIVISION], 88);
    assert_int_equal(per_level[ISIC_GROUP], 238);
    assert_int_equal(per_level[ISIC_CLASS], 419);
    assert_int_equal(ref_n, 766);
    assert_int_equal(cmi_isic_count(), 766);

    /* No extra codes: every id of the table was reached from the list. */
    for (size_t id = 1; id <= cmi_isic_count(); id++)
        if (!seen[id])
            fail_msg("id %zu (code %s) is not in the reference list", id,
                     cmi_isic_code((isic_id)id));
}

static void test_titles(void **state)
{
    (void)state;
    need_reference();

    size_t same = 0;
    for (size_t id = 1; id <= cmi_isic_count(); id++) {
        const char *t = cmi_isic_title((isic_id)id);
        const char *code = cmi_isic_code((isic_id)id);
        assert_non_null(t);
        if (t[0] == '\0')
            fail_msg("%s: empty title", code);
        size_t len = strlen(t);
        if (t[0] == ' ' || t[len - 1] == ' ')
            fail_msg("%s: title '%s' has outer spaces", code, t);
        int words = 0;
        for (size_t i = 0; i < len; i++)
            if (t[i] != ' ' && (i == 0 || t[i - 1] == ' '))
                words++;
        if (words < 2 || words > 8)
            fail_msg("%s: title '%s' has %d words, expected 2-8", code, t, words);
    }
    for (size_t i = 0; i < ref_n; i++) {
        isic_id id = lk(ref[i].code);
        assert_int_not_equal(id, ISIC_NONE);
        if (strcmp(cmi_isic_title(id), ref[i].title) == 0)
            same++;
    }
    /* The titles are the project's own words, not the official ones. */
    if (same * 20 >= ref_n)
        fail_msg("%zu of %zu titles equal the official title", same, ref_n);
}

/* ---- lookup ------------------------------------------------------------- */

static void test_lookup_known(void **state)
{
    (void)state;
    isic_id a = lk("A");
    assert_int_equal(a, 1);
    assert_string_equal(cmi_isic_code(a), "A");
    assert_int_equal(cmi_isic_level(a), ISIC_SECTION);
    assert_string_equal(cmi_isic_code(lk("U")), "U");
    assert_string_equal(cmi_isic_code(lk("01")), "01");
    assert_string_equal(cmi_isic_code(lk("131")), "131");
    assert_string_equal(cmi_isic_code(lk("1311")), "1311");
    assert_int_equal(cmi_isic_level(lk("1311")), ISIC_CLASS);
    assert_string_equal(cmi_isic_code(lk("9900")), "9900");
    assert_int_equal(lk("9900"), cmi_isic_count());
}

static void test_lookup_unknown(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "Z", "V", "a", "c", "0", "7", "00", "04", "34", "100", "0110",
        "99999", "01111", "1a", "a1", "1-", " 01", "01 ", "+1", "-1", "C1",
        "A0", "0x1", "\t1", "AA",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (lk(bad[i]) != ISIC_NONE)
            fail_msg("'%s' should be unknown", bad[i]);
    }
    assert_int_equal(cmi_isic_lookup(NULL, 0), ISIC_NONE);
    assert_int_equal(cmi_isic_lookup(NULL, 4), ISIC_NONE);
    assert_int_equal(cmi_isic_lookup("01\0", 3), ISIC_NONE);
    assert_int_equal(cmi_isic_lookup("0\0" "11", 4), ISIC_NONE);

    /* Every single byte: only the section letters A..U are codes. */
    for (int c = 0; c < 256; c++) {
        char ch = (char)c;
        isic_id id = cmi_isic_lookup(&ch, 1);
        if (c >= 'A' && c <= 'U') {
            assert_int_not_equal(id, ISIC_NONE);
            assert_int_equal(cmi_isic_code(id)[0], c);
        } else if (id != ISIC_NONE) {
            fail_msg("byte %d should be unknown", c);
        }
    }
}

static void test_lookup_not_terminated(void **state)
{
    (void)state;
    /* Exactly sized buffers with no NUL anywhere. */
    const char buf4[4] = { '0', '1', '1', '1' };
    const char buf2[2] = { '1', '3' };
    const char buf1[1] = { 'C' };
    assert_string_equal(cmi_isic_code(cmi_isic_lookup(buf4, 4)), "0111");
    assert_string_equal(cmi_isic_code(cmi_isic_lookup(buf4, 3)), "011");
    assert_string_equal(cmi_isic_code(cmi_isic_lookup(buf4, 2)), "01");
    assert_int_equal(cmi_isic_lookup(buf4, 1), ISIC_NONE);
    assert_string_equal(cmi_isic_code(cmi_isic_lookup(buf2, 2)), "13");
    assert_string_equal(cmi_isic_code(cmi_isic_lookup(buf1, 1)), "C");

    /* A code inside a longer text, e.g. a field of a CSV line. */
    const char *line = "x,1311,y";
    assert_string_equal(cmi_isic_code(cmi_isic_lookup(line + 2, 4)), "1311");
    assert_string_equal(cmi_isic_code(cmi_isic_lookup(line + 2, 2)), "13");
    assert_int_equal(cmi_isic_lookup(line + 2, 5), ISIC_NONE);
    assert_int_equal(cmi_isic_lookup(line, 1), ISIC_NONE);
}

/* Every 2-, 3- and 4-digit string is either unknown or maps to itself. */
static void test_lookup_exhaustive(void **state)
{
    (void)state;
    static const size_t want[5] = { 0, 0, 88, 238, 419 };
    size_t limit = 10;
    for (size_t len = 2; len <= 4; len++) {
        limit *= 10;
        size_t found = 0;
        for (size_t n = 0; n < limit; n++) {
            char s[24];
            snprintf(s, sizeof s, "%0*zu", (int)len, n);
            isic_id id = cmi_isic_lookup(s, len);
            if (id == ISIC_NONE)
                continue;
            found++;
            if (strcmp(cmi_isic_code(id), s) != 0)
                fail_msg("'%s' gives id %u whose code is '%s'", s, id, cmi_isic_code(id));
            if (cmi_isic_level(id) != (int)len - 1)
                fail_msg("'%s' has level %d", s, cmi_isic_level(id));
        }
        assert_int_equal(found, want[len]);
    }
    /* And every id is found again from its own code. */
    for (size_t id = 1; id <= cmi_isic_count(); id++)
        assert_int_equal(lk(cmi_isic_code((isic_id)id)), id);
}

/* ---- ids outside the table --------------------------------------------- */

static void test_none_and_invalid_ids(void **state)
{
    (void)state;
    const isic_id bad[] = { ISIC_NONE, (isic_id)(cmi_isic_count() + 1), 1000, UINT16_MAX };
    isic_id a = lk("A");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        isic_id b = bad[i];
        assert_string_equal(cmi_isic_code(b), "");
        assert_string_equal(cmi_isic_title(b), "");
        assert_int_equal(cmi_isic_level(b), -1);
        assert_int_equal(cmi_isic_parent(b), ISIC_NONE);
        assert_int_equal(cmi_isic_ancestor(b, ISIC_SECTION), ISIC_NONE);
        assert_int_equal(cmi_isic_ancestor(b, ISIC_CLASS), ISIC_NONE);
        assert_int_equal(cmi_isic_is_within(b, a), 0);
        assert_int_equal(cmi_isic_is_within(a, b), 0);
        assert_int_equal(cmi_isic_is_within(b, b), 0);
        assert_int_equal(cmi_isic_distance(a, b), -1);
        assert_int_equal(cmi_isic_distance(b, a), -1);
        assert_int_equal(cmi_isic_distance(b, b), -1);
    }
}

/* ---- hierarchy ---------------------------------------------------------- */

static void test_parent(void **state)
{
    (void)state;
    assert_string_equal(cmi_isic_code(cmi_isic_parent(must("0111"))), "011");
    assert_string_equal(cmi_isic_code(cmi_isic_parent(must("011"))), "01");
    assert_string_equal(cmi_isic_code(cmi_isic_parent(must("01"))), "A");
    assert_int_equal(cmi_isic_parent(must("A")), ISIC_NONE);
    assert_string_equal(cmi_isic_code(cmi_isic_parent(must("4100"))), "410");
    assert_string_equal(cmi_isic_code(cmi_isic_parent(must("35"))), "D");
    assert_string_equal(cmi_isic_code(cmi_isic_parent(must("99"))), "U");
    assert_string_equal(cmi_isic_code(cmi_isic_parent(must("9900"))), "990");

    /* Every parent is one level up and comes before its child. */
    for (size_t i = 1; i <= cmi_isic_count(); i++) {
        isic_id id = (isic_id)i, p = cmi_isic_parent(id);
        if (cmi_isic_level(id) == ISIC_SECTION) {
            assert_int_equal(p, ISIC_NONE);
            continue;
        }
        assert_int_not_equal(p, ISIC_NONE);
        assert_true(p < id);
        assert_int_equal(cmi_isic_level(p), cmi_isic_level(id) - 1);
        if (cmi_isic_level(id) >= ISIC_GROUP) {
            /* Digit codes extend their parent's code by one digit. */
            const char *c = cmi_isic_code(id), *pc = cmi_isic_code(p);
            assert_int_equal(strlen(c), strlen(pc) + 1);
            assert_memory_equal(c, pc, strlen(pc));
        }
    }
}

static void test_ancestor(void **state)
{
    (void)state;
    isic_id c = must("0111");
    assert_string_equal(cmi_isic_code(cmi_isic_ancestor(c, ISIC_SECTION)), "A");
    assert_string_equal(cmi_isic_code(cmi_isic_ancestor(c, ISIC_DIVISION)), "01");
    assert_string_equal(cmi_isic_code(cmi_isic_ancestor(c, ISIC_GROUP)), "011");
    assert_int_equal(cmi_isic_ancestor(c, ISIC_CLASS), c);
    assert_int_equal(cmi_isic_ancestor(c, 9), c);
    assert_int_equal(cmi_isic_ancestor(c, -1), ISIC_NONE);

    isic_id d = must("62");
    assert_string_equal(cmi_isic_code(cmi_isic_ancestor(d, ISIC_SECTION)), "J");
    assert_int_equal(cmi_isic_ancestor(d, ISIC_DIVISION), d);
    assert_int_equal(cmi_isic_ancestor(d, ISIC_GROUP), d);
    assert_int_equal(cmi_isic_ancestor(d, ISIC_CLASS), d);

    isic_id s = must("K");
    assert_int_equal(cmi_isic_ancestor(s, ISIC_SECTION), s);
    assert_int_equal(cmi_isic_ancestor(s, ISIC_CLASS), s);

    for (size_t i = 1; i <= cmi_isic_count(); i++) {
        isic_id id = (isic_id)i;
        int lv = cmi_isic_level(id);
        assert_int_equal(cmi_isic_ancestor(id, lv), id);
        if (lv > ISIC_SECTION)
            assert_int_equal(cmi_isic_ancestor(id, lv - 1), cmi_isic_parent(id));
        assert_int_equal(cmi_isic_level(cmi_isic_ancestor(id, ISIC_SECTION)), ISIC_SECTION);
    }
}

static void test_is_within(void **state)
{
    (void)state;
    isic_id c = must("0111");
    assert_int_equal(cmi_isic_is_within(c, must("A")), 1);
    assert_int_equal(cmi_isic_is_within(c, must("01")), 1);
    assert_int_equal(cmi_isic_is_within(c, must("011")), 1);
    assert_int_equal(cmi_isic_is_within(c, c), 1);
    assert_int_equal(cmi_isic_is_within(c, must("0112")), 0);
    assert_int_equal(cmi_isic_is_within(c, must("012")), 0);
    assert_int_equal(cmi_isic_is_within(c, must("02")), 0);
    assert_int_equal(cmi_isic_is_within(c, must("B")), 0);
    assert_int_equal(cmi_isic_is_within(must("A"), c), 0);
    assert_int_equal(cmi_isic_is_within(must("01"), c), 0);
    assert_int_equal(cmi_isic_is_within(must("C"), must("C")), 1);
    assert_int_equal(cmi_isic_is_within(must("2620"), must("C")), 1);
    assert_int_equal(cmi_isic_is_within(must("2620"), must("J")), 0);
}

static void test_distance_cases(void **state)
{
    (void)state;
    struct { const char *a, *b; int d; } cases[] = {
        { "0111", "0111", 0 },  /* same code */
        { "A", "A", 0 },
        { "0111", "011", 1 },   /* class to its group */
        { "011", "01", 1 },
        { "01", "A", 1 },
        { "0111", "0112", 2 },  /* two classes of one group */
        { "0111", "01", 2 },    /* class to its division */
        { "011", "012", 2 },    /* two groups of one division */
        { "01", "02", 2 },      /* two divisions of one section */
        { "A", "B", 2 },        /* two sections, via the virtual root */
        { "0111", "A", 3 },     /* class to its section */
        { "0111", "012", 3 },
        { "0111", "0121", 4 },  /* same division, different groups */
        { "0111", "02", 4 },
        { "0111", "021", 5 },
        { "0111", "0210", 6 },  /* same section, different divisions */
        { "0111", "B", 5 },
        { "0111", "05", 6 },
        { "0111", "051", 7 },
        { "0111", "0510", 8 },  /* classes of different sections */
        { "1311", "6201", 8 },
        { "9900", "0111", 8 },
        { "C", "6201", 5 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        isic_id a = must(cases[i].a), b = must(cases[i].b);
        if (cmi_isic_distance(a, b) != cases[i].d || cmi_isic_distance(b, a) != cases[i].d)
            fail_msg("distance(%s, %s) = %d / %d, expected %d", cases[i].a, cases[i].b,
                     cmi_isic_distance(a, b), cmi_isic_distance(b, a), cases[i].d);
    }
}

/* Every pair, against a reference worked out from the ancestors. */
static void test_distance_all_pairs(void **state)
{
    (void)state;
    size_t n = cmi_isic_count();
    for (size_t i = 1; i <= n; i++) {
        isic_id a = (isic_id)i;
        int la = cmi_isic_level(a);
        for (size_t j = 1; j <= n; j++) {
            isic_id b = (isic_id)j;
            int lb = cmi_isic_level(b);
            int lca = -1;   /* the virtual root */
            int top = la < lb ? la : lb;
            for (int lv = ISIC_SECTION; lv <= top; lv++)
                if (cmi_isic_ancestor(a, lv) == cmi_isic_ancestor(b, lv))
                    lca = lv;
            int want = (la - lca) + (lb - lca);
            int got = cmi_isic_distance(a, b);
            if (got != want)
                fail_msg("distance(%s, %s) = %d, expected %d", cmi_isic_code(a), cmi_isic_code(b),
                         got, want);
            int within = cmi_isic_is_within(a, b);
            if (within != (lca == lb))
                fail_msg("is_within(%s, %s) = %d", cmi_isic_code(a), cmi_isic_code(b), within);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_reference),
        cmocka_unit_test(test_titles),
        cmocka_unit_test(test_lookup_known),
        cmocka_unit_test(test_lookup_unknown),
        cmocka_unit_test(test_lookup_not_terminated),
        cmocka_unit_test(test_lookup_exhaustive),
        cmocka_unit_test(test_none_and_invalid_ids),
        cmocka_unit_test(test_parent),
        cmocka_unit_test(test_ancestor),
        cmocka_unit_test(test_is_within),
        cmocka_unit_test(test_distance_cases),
        cmocka_unit_test(test_distance_all_pairs),
    };
    return cmocka_run_group_tests_name("isic", tests, NULL, NULL);
}
