/* test_load.c - loading through the public API: JSON, JSON Lines and CSV give
 * the same profiles; strict loads are all or nothing; --skip-invalid keeps the
 * valid records and writes the rejects; duplicates across files; limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capmatch.h"

static cm_engine *new_engine(void)
{
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    assert_non_null(e);
    assert_int_equal(st, CM_OK);
    return e;
}

static cm_status load_str(cm_engine *e, const char *name, const char *text, cm_diags *d)
{
    return cm_engine_load_buffer(e, name, text, strlen(text), NULL, d);
}

/* Does the list of problems hold one whose message contains `part`? */
static int has_message(const cm_diags *d, const char *part)
{
    for (size_t i = 0; i < cm_diags_count(d); i++)
        if (strstr(cm_diags_at(d, i)->message, part))
            return 1;
    return 0;
}

static const char *const region_paths[] = {
    "id", "name", "country", "subdivision", "location.lat", "location.lon", "languages",
    "level", "sectors_offered", "sectors_sought", "resources", "needs", "offers",
    "programmes", "cooperation_areas", "funds", "connectivity.port", "connectivity.airport",
    "connectivity.rail", "connectivity.direct_flights", "capacity", NULL
};
static const char *const enterprise_paths[] = {
    "id", "name", "country", "subdivision", "location.lat", "location.lon", "languages",
    "sector", "sectors", "employees", "revenue.amount", "revenue.currency", "assets.amount",
    "assets.currency", "capital.amount", "capital.currency", "subsidiary_of_large",
    "ownership", "listed", "offers", "seeks", "investment.min", "investment.max",
    "investment.currency", "instruments", "target_countries", "funds_interest",
    "description", NULL
};

static void assert_same_value(const cm_engine *a, const cm_engine *b, cm_kind k, size_t i,
                              size_t j, const char *path)
{
    cm_value va, vb;
    assert_int_equal(cm_profile_get(a, k, i, path, &va), CM_OK);
    assert_int_equal(cm_profile_get(b, k, j, path, &vb), CM_OK);
    if (va.type != vb.type)
        fail_msg("%s: type %d vs %d", path, va.type, vb.type);
    switch (va.type) {
    case CM_VALUE_STRING: assert_string_equal(va.str, vb.str); break;
    case CM_VALUE_NUMBER: assert_true(va.num == vb.num); break;
    case CM_VALUE_BOOL: assert_int_equal(va.boolean, vb.boolean); break;
    case CM_VALUE_LIST:
        assert_int_equal(va.count, vb.count);
        for (size_t n = 0; n < va.count; n++) {
            const char *x, *y;
            assert_int_equal(cm_profile_item(a, k, i, path, n, &x), CM_OK);
            assert_int_equal(cm_profile_item(b, k, j, path, n, &y), CM_OK);
            assert_string_equal(x, y);
        }
        break;
    case CM_VALUE_NONE: break;
    }
}

static void assert_same_profiles(const cm_engine *a, const cm_engine *b, cm_kind k)
{
    const char *const *paths = k == CM_KIND_REGIONS ? region_paths : enterprise_paths;
    size_t n = cm_engine_count(a, k);
    assert_true(n > 0);
    assert_int_equal(n, cm_engine_count(b, k));
    for (size_t i = 0; i < n; i++) {
        cm_value id;
        assert_int_equal(cm_profile_get(a, k, i, "id", &id), CM_OK);
        size_t j = cm_engine_find(b, k, id.str);
        assert_true(j != (size_t)-1);
        for (const char *const *p = paths; *p; p++)
            assert_same_value(a, b, k, i, j, *p);
        size_t na = cm_profile_attr_count(a, k, i);
        assert_int_equal(na, cm_profile_attr_count(b, k, j));
        for (size_t t = 0; t < na; t++) {
            char path[160];
            snprintf(path, sizeof path, "attrs.%s", cm_profile_attr_name(a, k, i, t));
            assert_same_value(a, b, k, i, j, path);
        }
    }
}

static void test_examples_json_equals_csv(void **state)
{
    (void)state;
    cm_engine *j = new_engine(), *c = new_engine();
    cm_diags *d = cm_diags_new();
    assert_int_equal(cm_engine_load_file(j, "examples/data/regions.json", NULL, d), CM_OK);
    assert_int_equal(cm_engine_load_file(j, "examples/data/enterprises.json", NULL, d), CM_OK);
    assert_int_equal(cm_engine_load_file(c, "examples/data/regions.csv", NULL, d), CM_OK);
    assert_int_equal(cm_engine_load_file(c, "examples/data/enterprises.csv", NULL, d), CM_OK);
    assert_int_equal(cm_diags_count(d), 0);
    assert_true(cm_engine_count(j, CM_KIND_REGIONS) >= 12);
    assert_true(cm_engine_count(j, CM_KIND_ENTERPRISES) >= 40);
    assert_same_profiles(j, c, CM_KIND_REGIONS);
    assert_same_profiles(j, c, CM_KIND_ENTERPRISES);
    cm_diags_free(d);
    cm_engine_free(j);
    cm_engine_free(c);
}

static const char good_regions[] =
    "{\"regions\": [\n"
    "  {\"id\": \"ph-cat\", \"name\": \"Catanduanes\", \"country\": \"PH\",\n"
    "   \"subdivision\": \"PH-CAT\", \"level\": \"province\", \"location\": {\"lat\": 13.7, \"lon\": 124.2},\n"
    "   \"sectors_offered\": [\"0116\", \"1311\"], \"resources\": [\"abaca fiber\"],\n"
    "   \"needs\": [\"equipment\", \"technology\", \"capital\"], \"funds\": [\"AIIB\", \"CAF\"],\n"
    "   \"connectivity\": {\"port\": true, \"direct_flights\": [\"PH-00\", \"CN\"]},\n"
    "   \"capacity\": 4, \"population\": 271879, \"attrs\": {\"note\": \"abaca\", \"tags\": [\"a\", \"b\"], \"coastal\": true}},\n"
    "  {\"id\": \"cn-sn\", \"name\": \"陕西省\", \"country\": \"CN\", \"subdivision\": \"CN-SN\"}\n"
    "]}\n";

static void test_wrapper_fields_and_attrs(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    assert_int_equal(load_str(e, "mem.json", good_regions, d), CM_OK);
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), 2);
    size_t i = cm_engine_find(e, CM_KIND_REGIONS, "ph-cat");
    assert_int_equal(i, 0);
    cm_value v;
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "location.lat", &v), CM_OK);
    assert_true(v.type == CM_VALUE_NUMBER && v.num == 13.7);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "capacity", &v), CM_OK);
    assert_true(v.type == CM_VALUE_NUMBER && v.num == 4);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "connectivity.port", &v), CM_OK);
    assert_true(v.type == CM_VALUE_BOOL && v.boolean);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "connectivity.rail", &v), CM_OK);
    assert_int_equal(v.type, CM_VALUE_NONE);
    const char *item;
    assert_int_equal(cm_profile_item(e, CM_KIND_REGIONS, i, "connectivity.direct_flights", 1, &item), CM_OK);
    assert_string_equal(item, "CN");
    assert_int_equal(cm_profile_item(e, CM_KIND_REGIONS, i, "needs", 0, &item), CM_OK);
    assert_string_equal(item, "technology");  /* sets come back in vocabulary order */
    /* extra attributes keep their types and their order */
    assert_int_equal(cm_profile_attr_count(e, CM_KIND_REGIONS, i), 4);
    assert_string_equal(cm_profile_attr_name(e, CM_KIND_REGIONS, i, 0), "population");
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "attrs.population", &v), CM_OK);
    assert_true(v.type == CM_VALUE_NUMBER && v.num == 271879);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "attrs.note", &v), CM_OK);
    assert_true(v.type == CM_VALUE_STRING && strcmp(v.str, "abaca") == 0);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "attrs.coastal", &v), CM_OK);
    assert_true(v.type == CM_VALUE_BOOL && v.boolean == 1);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "attrs.tags", &v), CM_OK);
    assert_true(v.type == CM_VALUE_LIST && v.count == 2);
    assert_int_equal(cm_profile_item(e, CM_KIND_REGIONS, i, "attrs.tags", 1, &item), CM_OK);
    assert_string_equal(item, "b");
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "attrs.missing", &v), CM_OK);
    assert_int_equal(v.type, CM_VALUE_NONE);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "no_such_field", &v), CM_ENOTFOUND);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "sector", &v), CM_ENOTFOUND);
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, 2, "id", &v), CM_ENOTFOUND);
    long rec;
    unsigned long line;
    assert_string_equal(cm_profile_source(e, CM_KIND_REGIONS, 1, &rec, &line), "mem.json");
    assert_int_equal(rec, 2);
    assert_int_equal(line, 8);
    cm_diags_free(d);
    cm_engine_free(e);
}

static void test_strict_load_changes_nothing(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    assert_int_equal(load_str(e, "a.json", good_regions, d), CM_OK);
    size_t mem = cm_engine_memory(e, CM_KIND_REGIONS, NULL);
    static const char bad[] =
        "[{\"id\": \"r1\", \"name\": \"One\", \"country\": \"VN\", \"resources\": [\"new tag\"]},\n"
        " {\"id\": \"r2\", \"name\": \"Two\", \"country\": \"XX\"},\n"
        " {\"id\": \"r3\", \"name\": \"Three\", \"country\": \"TH\", \"level\": \"town\"}]";
    assert_int_equal(load_str(e, "regions-bad.json", bad, d), CM_EINPUT);
    assert_int_equal(cm_diags_count(d), 2);
    assert_true(has_message(d, "regions-bad.json:2: record 2 (id \"r2\"): country: expected an "
                               "ISO 3166-1 alpha-2 country code, found \"XX\""));
    assert_true(has_message(d, "regions-bad.json:3: record 3 (id \"r3\"): level: expected one "
                               "of country, province, city, district, zone, found \"town\""));
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), 2);
    assert_true(cm_engine_find(e, CM_KIND_REGIONS, "r1") == (size_t)-1);
    assert_true(cm_engine_memory(e, CM_KIND_REGIONS, NULL) >= mem);
    assert_non_null(strstr(cm_engine_errmsg(e), "nothing was loaded"));
    /* the same ids load once the file is fixed: nothing of the failed load is left */
    static const char fixed[] =
        "[{\"id\": \"r1\", \"name\": \"One\", \"country\": \"VN\", \"resources\": [\"new tag\"]}]";
    cm_diags_clear(d);
    assert_int_equal(load_str(e, "regions-fixed.json", fixed, d), CM_OK);
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), 3);
    const char *tag;
    assert_int_equal(cm_profile_item(e, CM_KIND_REGIONS, 2, "resources", 0, &tag), CM_OK);
    assert_string_equal(tag, "new tag");
    cm_diags_free(d);
    cm_engine_free(e);
}

static void test_skip_invalid_writes_rejects(void **state)
{
    (void)state;
    char path[] = "/tmp/capmatch-rejects-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    cm_load_options o;
    cm_load_options_init(&o);
    o.skip_invalid = 1;
    o.rejects_path = path;
    static const char csv[] =
        "id,name,country,sector,employees\r\n"
        "e1,One,CN,2826,10\r\n"
        "e2,Two,CN,2826,-3\r\n"
        "e3,\"Three, Ltd\",MY,9999,5\r\n"
        "e4,\"Four \"\"quoted\"\"\",TH,1311,\r\n";
    assert_int_equal(cm_engine_load_buffer(e, "enterprises.csv", csv, sizeof csv - 1, &o, d),
                     CM_OK);
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), 2);
    assert_true(cm_engine_find(e, CM_KIND_ENTERPRISES, "e4") != (size_t)-1);
    assert_int_equal(cm_diags_count(d), 2);
    assert_true(has_message(d, "enterprises.csv:3: record 2 (id \"e2\"): employees: expected an "
                               "integer >= 0, found -3"));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[2048];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        assert_non_null(strstr(line, "\"errors\":[\"enterprises.csv:"));
    }
    fclose(f);
    assert_int_equal(lines, 2);
    unlink(path);
    cm_diags_free(d);
    cm_engine_free(e);
}

static void test_duplicate_ids_name_both_places(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    static const char one[] = "{\"id\":\"x1\",\"name\":\"A\",\"country\":\"LA\",\"sector\":\"A\"}\n";
    static const char two[] = "\n{\"id\":\"x2\",\"name\":\"B\",\"country\":\"LA\",\"sector\":\"01\"}\n"
                              "{\"id\":\"x1\",\"name\":\"C\",\"country\":\"LA\",\"sector\":\"011\"}\n";
    cm_load_options o;
    cm_load_options_init(&o);
    o.kind = CM_KIND_ENTERPRISES;
    o.format = CM_FORMAT_JSONL;
    assert_int_equal(cm_engine_load_buffer(e, "first.jsonl", one, strlen(one), &o, d), CM_OK);
    assert_int_equal(cm_engine_load_buffer(e, "second.jsonl", two, strlen(two), &o, d), CM_EINPUT);
    assert_true(has_message(d, "second.jsonl:3: record 2 (id \"x1\"): id: expected a unique id, "
                               "found \"x1\", already defined at first.jsonl:1 (record 1)"));
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), 1);
    /* within one file too */
    static const char same[] = "{\"id\":\"y\",\"name\":\"A\",\"country\":\"LA\",\"sector\":\"A\"}\n"
                               "{\"id\":\"y\",\"name\":\"B\",\"country\":\"LA\",\"sector\":\"A\"}\n";
    cm_diags_clear(d);
    assert_int_equal(cm_engine_load_buffer(e, "same.jsonl", same, strlen(same), &o, d), CM_EINPUT);
    assert_true(has_message(d, "already defined at same.jsonl:1 (record 1)"));
    cm_diags_free(d);
    cm_engine_free(e);
}

static void test_primary_sector_is_implied(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    static const char j[] =
        "[{\"id\":\"a\",\"name\":\"A\",\"country\":\"CN\",\"sector\":\"2826\",\"sectors\":[\"1311\",\"2826\"]},"
        " {\"id\":\"b\",\"name\":\"B\",\"country\":\"CN\",\"sector\":\"2826\"}]";
    cm_load_options o;
    cm_load_options_init(&o);
    o.kind = CM_KIND_ENTERPRISES;
    o.format = CM_FORMAT_JSON;
    assert_int_equal(cm_engine_load_buffer(e, "x", j, strlen(j), &o, NULL), CM_OK);
    cm_value v;
    const char *s;
    assert_int_equal(cm_profile_get(e, CM_KIND_ENTERPRISES, 0, "sectors", &v), CM_OK);
    assert_int_equal(v.count, 2);
    assert_int_equal(cm_profile_item(e, CM_KIND_ENTERPRISES, 0, "sectors", 0, &s), CM_OK);
    assert_string_equal(s, "2826");
    assert_int_equal(cm_profile_item(e, CM_KIND_ENTERPRISES, 0, "sectors", 1, &s), CM_OK);
    assert_string_equal(s, "1311");
    assert_int_equal(cm_profile_get(e, CM_KIND_ENTERPRISES, 1, "sectors", &v), CM_OK);
    assert_int_equal(v.count, 1);
    cm_engine_free(e);
}

static void test_error_limit_and_all_errors(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    char buf[8192];
    size_t o = 0;
    o += (size_t)snprintf(buf + o, sizeof buf - o, "[");
    for (int i = 0; i < 30; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              "%s{\"id\":\"r%d\",\"name\":\"R\",\"country\":\"ZZ\"}\n",
                              i ? "," : "", i);
    snprintf(buf + o, sizeof buf - o, "]");
    cm_load_options opt;
    cm_load_options_init(&opt);
    opt.kind = CM_KIND_REGIONS;
    opt.format = CM_FORMAT_JSON;
    assert_int_equal(cm_engine_load_buffer(e, "many.json", buf, strlen(buf), &opt, d), CM_EINPUT);
    assert_int_equal(cm_diags_count(d), 30);
    assert_int_equal(cm_diags_dropped(d), 0);
    const cm_diag *g = cm_diags_at(d, 29);
    assert_int_equal(g->line, 30);
    assert_int_equal(g->record, 30);
    assert_string_equal(g->id, "r29");
    assert_string_equal(g->field, "country");
    assert_string_equal(g->found, "\"ZZ\"");
    cm_diags_clear(d);
    opt.max_errors = 5;
    assert_int_equal(cm_engine_load_buffer(e, "many.json", buf, strlen(buf), &opt, d), CM_EINPUT);
    assert_int_equal(cm_diags_count(d), 5);
    assert_int_equal(cm_diags_dropped(d), 25);
    cm_diags_free(d);
    cm_engine_free(e);
}

static void test_syntax_errors_have_line_and_column(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    static const char j[] = "\xef\xbb\xbf[\r\n {\"id\":\"a\",\"name\":\"A\",\"country\":\"CN\"},\r\n"
                            " {\"id\":\"b\", \"name\": NaN}]";
    assert_int_equal(load_str(e, "regions-nan.json", j, d), CM_EINPUT);
    assert_int_equal(cm_diags_count(d), 1);
    const cm_diag *g = cm_diags_at(d, 0);
    assert_int_equal(g->line, 3);
    assert_true(g->column > 0);
    assert_non_null(strstr(g->message, "invalid JSON"));
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), 0);
    cm_diags_clear(d);
    assert_int_equal(load_str(e, "regions-empty.json", "", d), CM_EINPUT);
    assert_true(has_message(d, "regions-empty.json: the file is empty"));
    cm_diags_clear(d);
    assert_int_equal(load_str(e, "regions-1e999.json", "[{\"id\":\"a\",\"capacity\":1e999}]", d),
                     CM_EINPUT);
    assert_true(has_message(d, "regions-1e999.json:1:"));
    cm_diags_free(d);
    cm_engine_free(e);
}

static void test_deep_nesting_is_an_error(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    size_t depth = 100000;
    char *buf = malloc(depth * 2 + 64);
    size_t o = 0;
    o += (size_t)sprintf(buf, "[{\"id\":\"a\",\"x\":");
    for (size_t i = 0; i < depth; i++)
        buf[o++] = '[';
    for (size_t i = 0; i < depth; i++)
        buf[o++] = ']';
    o += (size_t)sprintf(buf + o, "}]");
    assert_int_equal(cm_engine_load_buffer(e, "regions-deep.json", buf, o, NULL, d), CM_EINPUT);
    assert_int_equal(cm_diags_count(d), 1);
    assert_non_null(strstr(cm_diags_at(d, 0)->message, "depth"));
    free(buf);
    cm_diags_free(d);
    cm_engine_free(e);
}

static void test_rates_and_convert(void **state)
{
    (void)state;
    cm_engine *e = new_engine();
    double out;
    assert_int_equal(cm_engine_convert(e, 100, "USD", "USD", &out), CM_OK);
    assert_true(fabs(out - 100) < 1e-9);
    assert_int_equal(cm_engine_convert(e, 7000, "CNY", NULL, &out), CM_OK);
    assert_true(out > 900 && out < 1100);
    assert_int_equal(cm_engine_convert(e, 1, "XYZ", NULL, &out), CM_ENOTFOUND);
    assert_non_null(strstr(cm_engine_errmsg(e), "XYZ"));
    assert_true(strlen(cm_engine_rates_date(e)) == 10);
    assert_true(strlen(cm_engine_rates_source(e)) > 10);
    assert_string_equal(cm_engine_rates_reference(e), "USD");
    cm_engine_free(e);
}

static void test_isic_public(void **state)
{
    (void)state;
    assert_non_null(cm_isic_title("2826"));
    assert_string_equal(cm_isic_parent("2826"), "282");
    assert_string_equal(cm_isic_section("2826"), "C");
    assert_string_equal(cm_isic_parent("C"), "");
    assert_int_equal(cm_isic_level("28"), 1);
    assert_int_equal(cm_isic_distance("2826", "2826"), 0);
    assert_int_equal(cm_isic_distance("2826", "2825"), 2);
    assert_int_equal(cm_isic_distance("2826", "0116"), 8);
    assert_null(cm_isic_title("9999"));
    assert_int_equal(cm_isic_distance("2826", "zz"), -1);
}

/* CSV numbers are read without strtod where that is exact: every value must
 * still be strtod's, to the bit (short and long, integers and decimals,
 * exponents, negative zero), in fields and in attributes. */
static void test_csv_numbers_as_strtod(void **state)
{
    (void)state;
    static const char *const fixed[] = {
        "0", "-0", "0.0", "-0.0", "1.3690", "103.7728", "-89.999999999999", "0.1", "0.3",
        "2.675", "179.99999999999997", "123456789012345", "1234567890123456",
        "12345678901234567890", "0.000000000000001", "9007199254740993", "1e5", "-2.5E-3",
        "4.35", "1.005", "89.9999999999999999",
    };
    enum { N = 400 };
    size_t cap = 64 * N + 256, len = 0;
    char *csv = malloc(cap);
    char (*lat)[32] = malloc(N * sizeof *lat), (*x)[32] = malloc(N * sizeof *x);
    assert_non_null(csv);
    assert_non_null(lat);
    assert_non_null(x);
    len += (size_t)snprintf(csv + len, cap - len, "id,name,country,location.lat,location.lon,attrs.x\n");
    uint64_t r = 88172645463325252ull;
    for (int i = 0; i < N; i++) {
        r ^= r << 13; r ^= r >> 7; r ^= r << 17;
        if (i < (int)(sizeof fixed / sizeof *fixed)) {
            snprintf(x[i], sizeof x[i], "%s", fixed[i]);
        } else {
            /* 1 to 17 digits, some after a point, maybe a sign; no
             * leading zero but a lone one */
            int digits = 1 + (int)(r % 17), ip = 1 + (int)((r >> 8) % (unsigned)digits);
            char *o = x[i];
            uint64_t d = r >> 12;
            if ((r >> 5) & 1)
                *o++ = '-';
            for (int k = 0; k < digits; k++) {
                if (k == ip)
                    *o++ = '.';
                int digit = (int)(d % 10);
                d /= 10;
                if (d == 0)
                    d = r * 6364136223846793005ull + (uint64_t)k;
                if (k == 0 && ip > 1 && digit == 0)
                    digit = 7;
                *o++ = (char)('0' + digit);
            }
            *o = '\0';
        }
        /* latitudes: the same digits scaled into [-90, 90] as text */
        snprintf(lat[i], sizeof lat[i], "%.*f", (int)(r % 15), fmod(strtod(x[i], NULL), 90.0));
        len += (size_t)snprintf(csv + len, cap - len, "r-%d,R %d,PH,%s,120.5,%s\n", i, i, lat[i], x[i]);
        assert_true(len < cap);
    }
    cm_engine *e = new_engine();
    cm_diags *d = cm_diags_new();
    cm_status st = cm_engine_load_buffer(e, "regions.csv", csv, len, NULL, d);
    if (st != CM_OK && cm_diags_count(d))
        print_error("%s\n", cm_diags_at(d, 0)->message);
    assert_int_equal(st, CM_OK);
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), N);
    for (int i = 0; i < N; i++) {
        cm_value v;
        double want = strtod(lat[i], NULL);
        assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, (size_t)i, "location.lat", &v), CM_OK);
        assert_int_equal(v.type, CM_VALUE_NUMBER);
        if (memcmp(&v.num, &want, sizeof want) != 0)
            fail_msg("location.lat \"%s\": %.17g, strtod says %.17g", lat[i], v.num, want);
        want = strtod(x[i], NULL);
        assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, (size_t)i, "attrs.x", &v), CM_OK);
        assert_int_equal(v.type, CM_VALUE_NUMBER);
        if (memcmp(&v.num, &want, sizeof want) != 0)
            fail_msg("attrs.x \"%s\": %.17g, strtod says %.17g", x[i], v.num, want);
    }
    cm_diags_free(d);
    cm_engine_free(e);
    free(csv);
    free(lat);
    free(x);
}

/* List cells: items split on ';', trimmed, empty ones dropped, "\;" a
 * literal ';' (cells with and without an escape take different paths). */
static void test_csv_list_cells(void **state)
{
    (void)state;
    static const char csv[] =
        "id,name,country,resources,needs\n"
        "r-1,One,PH, coconut ; copra ;;\tabaca fibre\t;,technology; capital\n"
        "r-2,Two,PH,\"abaca\\;fibre; coconut ;;  copra\\;\",equipment\n"
        "r-3,Three,PH,single,\n";
    static const char *const want[3][4] = {
        { "coconut", "copra", "abaca fibre", NULL },
        { "abaca;fibre", "coconut", "copra;", NULL },
        { "single", NULL },
    };
    cm_engine *e = new_engine();
    assert_int_equal(load_str(e, "regions.csv", csv, NULL), CM_OK);
    for (size_t i = 0; i < 3; i++) {
        cm_value v;
        assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, i, "resources", &v), CM_OK);
        size_t n = 0;
        while (want[i][n])
            n++;
        assert_int_equal(v.count, n);
        for (size_t k = 0; k < n; k++) {
            const char *item;
            assert_int_equal(cm_profile_item(e, CM_KIND_REGIONS, i, "resources", k, &item), CM_OK);
            assert_string_equal(item, want[i][k]);
        }
    }
    cm_value v;
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, 0, "needs", &v), CM_OK);
    assert_int_equal(v.count, 2);
    cm_engine_free(e);
}

/* A CSV text of n enterprises (a few MB for n in the tens of thousands:
 * big enough that the load sizes the store ahead); record `bad` (1-based,
 * 0: none) repeats the id of record 1. */
static char *many_enterprises(size_t n, size_t bad, size_t *len)
{
    size_t cap = 400 * n + 256, o = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    o += (size_t)snprintf(t + o, cap - o,
                          "id,name,country,sector,sectors,employees,revenue.amount,"
                          "revenue.currency,offers,description,attrs.note\n");
    for (size_t i = 1; i <= n; i++) {
        o += (size_t)snprintf(t + o, cap - o,
                              "e-%zu,\"Enterprise %zu, Ltd.\",%s,2826,2826;1311,%zu,%zu.5,CNY,"
                              "technology;capital,\"Makes looms, %zu of them; exports to "
                              "Vietnam and Cambodia\",note %zu\n",
                              i == bad ? (size_t)1 : i, i, i % 3 ? "CN" : "VN", 10 + i % 500,
                              1000 * i, i, i % 97);
        assert_true(o < cap);
    }
    *len = o;
    return t;
}

/* A big load sizes the store from the input's size after its first
 * records: the profiles must be the same as a small load's, a failed load
 * must still change nothing, and skip-invalid must still keep the rest. */
static void test_big_load_sized_ahead(void **state)
{
    (void)state;
    size_t len, n = 32000;
    char *t = many_enterprises(n, 0, &len);
    assert_true(len > ((size_t)4 << 20));      /* over the size that sizes ahead */
    cm_engine *e = new_engine();
    assert_int_equal(cm_engine_load_buffer(e, "enterprises.csv", t, len, NULL, NULL), CM_OK);
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), n);
    /* the same records, loaded in small pieces (never sized ahead) */
    cm_engine *f = new_engine();
    const char *body = strchr(t, '\n') + 1;
    size_t head = (size_t)(body - t);
    for (size_t at = 0, k = 0; at < len - head; k++) {
        size_t piece = len - head - at < 200000 ? len - head - at : 200000;
        while (body[at + piece - 1] != '\n')
            piece--;
        char *part = malloc(head + piece);
        assert_non_null(part);
        memcpy(part, t, head);
        memcpy(part + head, body + at, piece);
        assert_int_equal(cm_engine_load_buffer(f, "enterprises.csv", part, head + piece, NULL, NULL),
                         CM_OK);
        free(part);
        at += piece;
        (void)k;
    }
    assert_int_equal(cm_engine_count(f, CM_KIND_ENTERPRISES), n);
    assert_same_profiles(e, f, CM_KIND_ENTERPRISES);
    /* what is not used is given back: the same arrays; the hash tables
     * (powers of two) may be one size up */
    size_t text_e, text_f;
    size_t mem_e = cm_engine_memory(e, CM_KIND_ENTERPRISES, &text_e);
    size_t mem_f = cm_engine_memory(f, CM_KIND_ENTERPRISES, &text_f);
    assert_int_equal(text_e, text_f);
    assert_true(mem_e <= mem_f + mem_f / 10);
    cm_engine_free(f);
    free(t);

    cm_engine_free(e);

    /* a duplicate id near the end: a strict load changes nothing */
    e = new_engine();
    assert_int_equal(load_str(e, "regions.json", good_regions, NULL), CM_OK);
    t = many_enterprises(n, n - 3, &len);
    cm_diags *d = cm_diags_new();
    size_t before = cm_engine_count(e, CM_KIND_REGIONS);
    assert_int_equal(cm_engine_load_buffer(e, "enterprises-more.csv", t, len, NULL, d), CM_EINPUT);
    char want[128];
    snprintf(want, sizeof want, "enterprises-more.csv:%zu: record %zu (id \"e-1\"): id: expected a unique id",
             n - 2, n - 3);
    assert_true(has_message(d, want));
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), 0);
    assert_int_equal(cm_engine_count(e, CM_KIND_REGIONS), before);
    cm_value v;
    assert_int_equal(cm_profile_get(e, CM_KIND_REGIONS, 1, "name", &v), CM_OK);
    assert_string_equal(v.str, "陕西省");
    cm_diags_free(d);
    cm_engine_free(e);

    /* skip-invalid keeps all the others */
    e = new_engine();
    cm_load_options o;
    cm_load_options_init(&o);
    o.skip_invalid = 1;
    assert_int_equal(cm_engine_load_buffer(e, "enterprises.csv", t, len, &o, NULL), CM_OK);
    assert_int_equal(cm_engine_count(e, CM_KIND_ENTERPRISES), n - 1);
    cm_engine_free(e);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples_json_equals_csv),
        cmocka_unit_test(test_csv_numbers_as_strtod),
        cmocka_unit_test(test_csv_list_cells),
        cmocka_unit_test(test_big_load_sized_ahead),
        cmocka_unit_test(test_wrapper_fields_and_attrs),
        cmocka_unit_test(test_strict_load_changes_nothing),
        cmocka_unit_test(test_skip_invalid_writes_rejects),
        cmocka_unit_test(test_duplicate_ids_name_both_places),
        cmocka_unit_test(test_primary_sector_is_implied),
        cmocka_unit_test(test_error_limit_and_all_errors),
        cmocka_unit_test(test_syntax_errors_have_line_and_column),
        cmocka_unit_test(test_deep_nesting_is_an_error),
        cmocka_unit_test(test_rates_and_convert),
        cmocka_unit_test(test_isic_public),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
