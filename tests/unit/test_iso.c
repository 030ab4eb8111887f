/*
 * test_iso.c - unit tests for core/iso.c: lookups against the installed
 * iso-codes data, and error messages for missing or malformed files (through
 * cmi_iso_check_dir() on temporary directories, and through cmi_iso_init() with a bad
 * CAPMATCH_ISO_CODES_DIR in a re-executed child, since init is once per process).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iso.h"

#define CHILD_FLAG "--iso-init-child"
#define THREADS_FLAG "--iso-threads-child"

static iso_id country(const char *s) { return cmi_iso_country(s, strlen(s)); }
static iso_id subdivision(const char *s) { return cmi_iso_subdivision(s, strlen(s)); }
static iso_id currency(const char *s) { return cmi_iso_currency(s, strlen(s)); }
static iso_id language(const char *s) { return cmi_iso_language(s, strlen(s)); }

static int group_setup(void **state)
{
    (void)state;
    if (cmi_iso_init() != 0) {
        fprintf(stderr, "iso_init failed: %s\n", cmi_iso_error());
        return -1;
    }
    return 0;
}

/* ---- lookups against the real data -------------------------------------- */

static void test_init_is_idempotent(void **state)
{
    (void)state;
    assert_int_equal(cmi_iso_init(), 0);
    assert_int_equal(cmi_iso_init(), 0);
    assert_string_equal(cmi_iso_error(), "");
    assert_true(cmi_iso_country_count() >= 240);
    assert_true(cmi_iso_subdivision_count() >= 4000);
    assert_true(cmi_iso_currency_count() >= 150);
    assert_true(cmi_iso_language_count() >= 180);
    assert_true(cmi_iso_subdivision_count() <= UINT16_MAX);
}

static void test_known_countries(void **state)
{
    (void)state;
    static const char *codes[] = { "CN", "PH", "LA", "SG", "VN", "MY", "TH", "KH", "US", "ZW", "AD" };
    iso_id seen[sizeof codes / sizeof codes[0]];
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        iso_id id = country(codes[i]);
        assert_int_not_equal(id, 0);
        assert_true(id <= cmi_iso_country_count());
        assert_string_equal(cmi_iso_country_code(id), codes[i]);
        assert_true(strlen(cmi_iso_country_name(id)) > 0);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(seen[j], id);
        seen[i] = id;
    }
    assert_string_equal(cmi_iso_country_name(country("CN")), "China");
    assert_string_equal(cmi_iso_country_name(country("SG")), "Singapore");
    /* ids follow the order of the codes */
    assert_true(country("CN") < country("PH"));
}

static void test_every_country_round_trips(void **state)
{
    (void)state;
    for (size_t id = 1; id <= cmi_iso_country_count(); id++) {
        const char *code = cmi_iso_country_code((iso_id)id);
        assert_int_equal(strlen(code), 2);
        assert_int_equal(country(code), id);
    }
    for (size_t id = 1; id <= cmi_iso_subdivision_count(); id++) {
        const char *code = cmi_iso_subdivision_code((iso_id)id);
        assert_int_equal(subdivision(code), id);
        iso_id c = cmi_iso_subdivision_country((iso_id)id);
        assert_int_not_equal(c, 0);
        assert_memory_equal(cmi_iso_country_code(c), code, 2);
    }
    for (size_t id = 1; id <= cmi_iso_currency_count(); id++)
        assert_int_equal(currency(cmi_iso_currency_code((iso_id)id)), id);
    for (size_t id = 1; id <= cmi_iso_language_count(); id++)
        assert_int_equal(language(cmi_iso_language_code((iso_id)id)), id);
}

static void test_unknown_countries(void **state)
{
    (void)state;
    assert_int_equal(country("XX"), 0);
    assert_int_equal(country("cn"), 0);
    assert_int_equal(country("Cn"), 0);
    assert_int_equal(country(""), 0);
    assert_int_equal(country("C"), 0);
    assert_int_equal(country("CHN"), 0);
    assert_int_equal(country("C1"), 0);
    assert_int_equal(cmi_iso_country(NULL, 0), 0);
    assert_int_equal(cmi_iso_country(NULL, 2), 0);
    /* not NUL-terminated: only len bytes count */
    const char xx[2] = { 'X', 'X' };
    assert_int_equal(cmi_iso_country(xx, sizeof xx), 0);
    const char cnx[3] = { 'C', 'N', 'X' };
    assert_int_equal(cmi_iso_country(cnx, 2), country("CN"));
    assert_int_equal(cmi_iso_country(cnx, 3), 0);
    assert_int_equal(cmi_iso_country(cnx, 1), 0);
}

static void test_known_subdivisions(void **state)
{
    (void)state;
    static const struct { const char *code, *country; } subs[] = {
        { "CN-HI", "CN" }, { "CN-SN", "CN" }, { "CN-SX", "CN" }, { "CN-TJ", "CN" },
        { "CN-JS", "CN" }, { "CN-SD", "CN" }, { "PH-CAT", "PH" }, { "LA-VT", "LA" },
        { "LA-VI", "LA" }, { "MY-07", "MY" }, { "TH-83", "TH" }, { "VN-50", "VN" },
        { "KH-3", "KH" },
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        iso_id id = subdivision(subs[i].code);
        assert_int_not_equal(id, 0);
        assert_true(id <= cmi_iso_subdivision_count());
        assert_string_equal(cmi_iso_subdivision_code(id), subs[i].code);
        assert_true(strlen(cmi_iso_subdivision_name(id)) > 0);
        assert_int_equal(cmi_iso_subdivision_country(id), country(subs[i].country));
    }
    iso_id cat = subdivision("PH-CAT");
    assert_string_equal(cmi_iso_country_code(cmi_iso_subdivision_country(cat)), "PH");
    assert_string_equal(cmi_iso_subdivision_name(cat), "Catanduanes");
    assert_int_not_equal(subdivision("CN-SN"), subdivision("CN-SX"));
    assert_int_not_equal(subdivision("LA-VT"), subdivision("LA-VI"));
}

static void test_unknown_subdivisions(void **state)
{
    (void)state;
    assert_int_equal(subdivision("PH-XXX"), 0);
    assert_int_equal(subdivision("ph-cat"), 0);
    assert_int_equal(subdivision("PH-cat"), 0);
    assert_int_equal(subdivision("PH-"), 0);
    assert_int_equal(subdivision("PH"), 0);
    assert_int_equal(subdivision("PHCAT"), 0);
    assert_int_equal(subdivision("XX-01"), 0);
    assert_int_equal(subdivision("PH-CATANDUANES"), 0);
    assert_int_equal(subdivision(""), 0);
    assert_int_equal(cmi_iso_subdivision(NULL, 0), 0);
    assert_int_equal(cmi_iso_subdivision(NULL, 6), 0);
    /* not NUL-terminated */
    const char buf[8] = { 'P', 'H', '-', 'C', 'A', 'T', 'X', 'Y' };
    assert_int_equal(cmi_iso_subdivision(buf, 6), subdivision("PH-CAT"));
    assert_int_equal(cmi_iso_subdivision(buf, 7), 0);
    assert_int_equal(cmi_iso_subdivision(buf, 8), 0);
    const char kh[5] = { 'K', 'H', '-', '3', '0' };
    assert_int_equal(cmi_iso_subdivision(kh, 4), subdivision("KH-3"));
}

static void test_currencies(void **state)
{
    (void)state;
    static const char *codes[] = { "CNY", "PHP", "USD", "EUR", "MOP", "LAK" };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        iso_id id = currency(codes[i]);
        assert_int_not_equal(id, 0);
        assert_true(id <= cmi_iso_currency_count());
        assert_string_equal(cmi_iso_currency_code(id), codes[i]);
    }
    assert_int_not_equal(currency("CNY"), currency("PHP"));
    assert_int_equal(currency("XYZ"), 0);
    assert_int_equal(currency("cny"), 0);
    assert_int_equal(currency("US"), 0);
    assert_int_equal(currency("USDX"), 0);
    assert_int_equal(currency(""), 0);
    assert_int_equal(cmi_iso_currency(NULL, 3), 0);
    const char usdx[4] = { 'U', 'S', 'D', 'X' };
    assert_int_equal(cmi_iso_currency(usdx, 3), currency("USD"));
    const char xyz[3] = { 'X', 'Y', 'Z' };
    assert_int_equal(cmi_iso_currency(xyz, 3), 0);
}

static void test_languages(void **state)
{
    (void)state;
    /* 639-1 where there is one; else 639-2/3: Filipino, Cebuano, Bikol,
     * Hokkien (nan), Philippine languages (phi, a 639-2 collective code) */
    static const char *codes[] = { "zh", "en", "th", "vi", "ms", "lo", "km", "tl",
                                   "fil", "ceb", "bik", "nan", "phi" };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        iso_id id = language(codes[i]);
        assert_int_not_equal(id, 0);
        assert_true(id <= cmi_iso_language_count());
        assert_string_equal(cmi_iso_language_code(id), codes[i]);
    }
    assert_int_equal(language("xx"), 0);
    assert_int_equal(language("EN"), 0);
    assert_int_equal(language("En"), 0);
    assert_int_equal(language("eng"), 0);     /* has a 639-1 code: "en" */
    assert_int_equal(language("tgl"), 0);     /* "tl" */
    assert_int_equal(language("fre"), 0);     /* a 639-2/B code */
    assert_int_equal(language("qaa"), 0);     /* reserved for local use */
    assert_int_equal(language("Fil"), 0);
    assert_int_equal(language("fili"), 0);
    const char filx[4] = { 'f', 'i', 'l', 'x' };
    assert_int_equal(cmi_iso_language(filx, 3), language("fil"));
    assert_int_equal(language("e"), 0);
    assert_int_equal(language(""), 0);
    assert_int_equal(cmi_iso_language(NULL, 2), 0);
    const char enx[3] = { 'e', 'n', 'x' };
    assert_int_equal(cmi_iso_language(enx, 2), language("en"));
    const char xx[2] = { 'x', 'x' };
    assert_int_equal(cmi_iso_language(xx, 2), 0);
}

static void test_bad_ids(void **state)
{
    (void)state;
    assert_string_equal(cmi_iso_country_code(0), "");
    assert_string_equal(cmi_iso_country_name(0), "");
    assert_string_equal(cmi_iso_subdivision_code(0), "");
    assert_string_equal(cmi_iso_subdivision_name(0), "");
    assert_int_equal(cmi_iso_subdivision_country(0), 0);
    assert_string_equal(cmi_iso_currency_code(0), "");
    assert_string_equal(cmi_iso_language_code(0), "");
    iso_id big = UINT16_MAX;
    assert_string_equal(cmi_iso_country_code(big), "");
    assert_string_equal(cmi_iso_country_name((iso_id)(cmi_iso_country_count() + 1)), "");
    assert_string_equal(cmi_iso_subdivision_code(big), "");
    assert_int_equal(cmi_iso_subdivision_country(big), 0);
    assert_string_equal(cmi_iso_currency_code((iso_id)(cmi_iso_currency_count() + 1)), "");
    assert_string_equal(cmi_iso_language_code((iso_id)(cmi_iso_language_count() + 1)), "");
}

/* ---- loading errors ----------------------------------------------------- */

static const char GOOD_3166_1[] =
    "{\"3166-1\": [{\"alpha_2\": \"PH\", \"alpha_3\": \"PHL\", \"name\": \"Philippines\"},\n"
    "  {\"alpha_2\": \"CN\", \"name\": \"China\"}]}\n";
static const char GOOD_3166_2[] =
    "{\"3166-2\": [{\"code\": \"PH-CAT\", \"name\": \"Catanduanes\", \"type\": \"Province\"},\n"
    "  {\"code\": \"CN-HI\", \"name\": \"Hainan Sheng\"}]}\n";
static const char GOOD_4217[] = "{\"4217\": [{\"alpha_3\": \"USD\", \"name\": \"US Dollar\"}]}\n";
static const char GOOD_639_2[] =
    "{\"639-2\": [{\"alpha_2\": \"en\", \"alpha_3\": \"eng\", \"name\": \"English\"},\n"
    "  {\"alpha_3\": \"ace\", \"name\": \"Achinese\"}]}\n";

struct fixture {
    const char *c1, *c2, *cur, *l2, *l3;    /* file contents; NULL = no file */
};

static char tmpdir[64];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (text == NULL) {
        unlink(path);
        return;
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static void make_fixture(const struct fixture *f)
{
    write_file(tmpdir, "iso_3166-1.json", f->c1);
    write_file(tmpdir, "iso_3166-2.json", f->c2);
    write_file(tmpdir, "iso_4217.json", f->cur);
    write_file(tmpdir, "iso_639-2.json", f->l2);
    write_file(tmpdir, "iso_639-3.json", f->l3);
}

static int tmpdir_setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/capmatch-test-iso-XXXXXX");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int tmpdir_teardown(void **state)
{
    (void)state;
    struct fixture none = { NULL, NULL, NULL, NULL, NULL };
    make_fixture(&none);
    return rmdir(tmpdir);
}

/* cmi_iso_check_dir() on the fixture must fail with "<tmpdir>/<file><rest>". */
static void expect_error(const struct fixture *f, const char *file, const char *rest)
{
    char err[1024], want[1024];
    make_fixture(f);
    assert_int_equal(cmi_iso_check_dir(tmpdir, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s/%s%s", tmpdir, file, rest);
    assert_string_equal(err, want);
}

static void test_check_dir_good(void **state)
{
    (void)state;
    char err[512] = "junk";
    assert_int_equal(cmi_iso_check_dir(NULL, err, sizeof err), 0);
    assert_string_equal(err, "");

    struct fixture f = { GOOD_3166_1, GOOD_3166_2, GOOD_4217, GOOD_639_2, NULL };
    make_fixture(&f);
    strcpy(err, "junk");
    assert_int_equal(cmi_iso_check_dir(tmpdir, err, sizeof err), 0);
    assert_string_equal(err, "");
    /* iso_639-3.json is optional but used when present */
    f.l3 = "{\"639-3\": [{\"alpha_2\": \"sh\", \"alpha_3\": \"hbs\", \"name\": \"x\"},"
           " {\"alpha_3\": \"aaa\", \"name\": \"y\"}, {\"alpha_2\": \"en\", \"name\": \"z\"}]}";
    make_fixture(&f);
    assert_int_equal(cmi_iso_check_dir(tmpdir, err, sizeof err), 0);
    /* the process tables were not touched */
    assert_true(cmi_iso_country_count() >= 240);
    /* NULL err is allowed */
    assert_int_equal(cmi_iso_check_dir(tmpdir, NULL, 0), 0);
}

static void test_check_dir_missing_files(void **state)
{
    (void)state;
    const char *suffix = ": cannot open: No such file or directory "
                         "(install the iso-codes package or set CAPMATCH_ISO_CODES_DIR)";
    struct fixture f = { NULL, GOOD_3166_2, GOOD_4217, GOOD_639_2, NULL };
    expect_error(&f, "iso_3166-1.json", suffix);
    f = (struct fixture){ GOOD_3166_1, NULL, GOOD_4217, GOOD_639_2, NULL };
    expect_error(&f, "iso_3166-2.json", suffix);
    f = (struct fixture){ GOOD_3166_1, GOOD_3166_2, NULL, GOOD_639_2, NULL };
    expect_error(&f, "iso_4217.json", suffix);
    f = (struct fixture){ GOOD_3166_1, GOOD_3166_2, GOOD_4217, NULL, NULL };
    expect_error(&f, "iso_639-2.json", suffix);

    char err[512];
    assert_int_equal(cmi_iso_check_dir("/nonexistent/capmatch", err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/capmatch/iso_3166-1.json: cannot open: No such file "
                             "or directory (install the iso-codes package or set "
                             "CAPMATCH_ISO_CODES_DIR)");
    /* a short buffer gets a truncated, terminated message */
    char small[16];
    assert_int_equal(cmi_iso_check_dir("/nonexistent/capmatch", small, sizeof small), -1);
    assert_string_equal(small, "/nonexistent/ca");
}

static void test_check_dir_malformed(void **state)
{
    (void)state;
    struct fixture f = { "{\"3166-1\": [\n  {\"alpha_2\": }\n]}", GOOD_3166_2, GOOD_4217,
                         GOOD_639_2, NULL };
    char err[1024], want[512];
    make_fixture(&f);
    assert_int_equal(cmi_iso_check_dir(tmpdir, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s/iso_3166-1.json:2:", tmpdir);
    assert_memory_equal(err, want, strlen(want));
    assert_non_null(strstr(err, "malformed JSON"));

    f.c1 = "[]";
    expect_error(&f, "iso_3166-1.json", ": expected an object with an array \"3166-1\"");
    f.c1 = "{\"3166-2\": []}";
    expect_error(&f, "iso_3166-1.json", ": expected an object with an array \"3166-1\"");
    f.c1 = "{\"3166-1\": []}";
    expect_error(&f, "iso_3166-1.json", ": no countries in \"3166-1\"");
    f.c1 = "{\"3166-1\": [{\"alpha_2\": \"CN\", \"name\": \"China\"}, {\"name\": \"X\"}]}";
    expect_error(&f, "iso_3166-1.json",
                 ": \"3166-1\" entry 2: \"alpha_2\" is missing or not a non-empty string");
    f.c1 = "{\"3166-1\": [{\"alpha_2\": \"CN\"}]}";
    expect_error(&f, "iso_3166-1.json",
                 ": \"3166-1\" entry 1: \"name\" is missing or not a non-empty string");
    f.c1 = "{\"3166-1\": [{\"alpha_2\": 12, \"name\": \"China\"}]}";
    expect_error(&f, "iso_3166-1.json",
                 ": \"3166-1\" entry 1: \"alpha_2\" is missing or not a non-empty string");
    f.c1 = "{\"3166-1\": [\"CN\"]}";
    expect_error(&f, "iso_3166-1.json", ": \"3166-1\" entry 1 is not an object");
    f.c1 = "{\"3166-1\": [{\"alpha_2\": \"cn\", \"name\": \"China\"}]}";
    expect_error(&f, "iso_3166-1.json",
                 ": \"3166-1\" entry 1: \"alpha_2\" is not two capital letters, found \"cn\"");
    f.c1 = "{\"3166-1\": [{\"alpha_2\": \"CN\", \"name\": \"A\"}, {\"alpha_2\": \"CN\", \"name\": \"B\"}]}";
    expect_error(&f, "iso_3166-1.json", ": duplicate country code \"CN\"");

    f.c1 = GOOD_3166_1;
    f.c2 = "{\"3166-2\": [{\"code\": \"XX-01\", \"name\": \"Nowhere\"}]}";
    expect_error(&f, "iso_3166-2.json", ": \"3166-2\" entry 1: the country of \"code\" is not in "
                                        "iso_3166-1.json, found \"XX-01\"");
    f.c2 = "{\"3166-2\": [{\"code\": \"PH_CAT\", \"name\": \"Catanduanes\"}]}";
    expect_error(&f, "iso_3166-2.json",
                 ": \"3166-2\" entry 1: \"code\" is not like \"CC-XXX\", found \"PH_CAT\"");
    f.c2 = "{\"3166-2\": [{\"code\": \"PH-CAT\", \"name\": \"A\"}, {\"code\": \"PH-CAT\", \"name\": \"B\"}]}";
    expect_error(&f, "iso_3166-2.json", ": duplicate subdivision code \"PH-CAT\"");

    f.c2 = GOOD_3166_2;
    f.cur = "{\"4217\": [{\"alpha_3\": \"US\"}]}";
    expect_error(&f, "iso_4217.json",
                 ": \"4217\" entry 1: \"alpha_3\" is not three capital letters, found \"US\"");
    f.cur = "{\"4217\": {}}";
    expect_error(&f, "iso_4217.json", ": expected an object with an array \"4217\"");

    f.cur = GOOD_4217;
    f.l2 = "{\"639-2\": [{\"alpha_3\": \"ace\", \"name\": \"Achinese\"}]}";
    expect_error(&f, "iso_639-2.json", ": no entry has an \"alpha_2\" (ISO 639-1) code");
    f.l2 = "{\"639-2\": [{\"alpha_2\": \"EN\", \"name\": \"English\"}]}";
    expect_error(&f, "iso_639-2.json",
                 ": \"639-2\" entry 1: \"alpha_2\" is not two small letters, found \"EN\"");

    f.l2 = GOOD_639_2;
    f.l3 = "{\"639-3\": 7}";
    expect_error(&f, "iso_639-3.json", ": expected an object with an array \"639-3\"");
}

/* ---- cmi_iso_init() with a bad directory, in a fresh process ----------------- */

static int child_main(void)
{
    int a = cmi_iso_init();
    int b = cmi_iso_init();
    printf("%d %d %s\n", a, b, cmi_iso_error());
    printf("%zu %u %s|\n", cmi_iso_country_count(), (unsigned)cmi_iso_country("CN", 2), cmi_iso_country_code(1));
    return 0;
}

/* Several threads make their first lookups at once, without cmi_iso_init(). */
#define NTHREADS 8
static pthread_barrier_t barrier;

static void *thread_main(void *arg)
{
    iso_id *out = arg;
    pthread_barrier_wait(&barrier);
    out[0] = country("PH");
    out[1] = subdivision("PH-CAT");
    out[2] = cmi_iso_subdivision_country(out[1]);
    out[3] = currency("PHP");
    return NULL;
}

static int threads_main(void)
{
    pthread_t th[NTHREADS];
    iso_id got[NTHREADS][4];
    pthread_barrier_init(&barrier, NULL, NTHREADS);
    for (int i = 0; i < NTHREADS; i++)
        if (pthread_create(&th[i], NULL, thread_main, got[i]) != 0)
            return 1;
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    for (int i = 0; i < NTHREADS; i++)
        if (got[i][0] == 0 || got[i][1] == 0 || got[i][2] != got[i][0] || got[i][3] == 0
            || memcmp(got[i], got[0], sizeof got[0]) != 0)
            return 1;
    printf("ok %s\n", cmi_iso_subdivision_code(got[0][1]));
    return 0;
}

/* Runs this binary again with flag (and dir in CAPMATCH_ISO_CODES_DIR unless
 * NULL); returns its standard output. */
static void run_child(const char *flag, const char *dir, char *out, size_t outlen)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (dir != NULL)
            setenv("CAPMATCH_ISO_CODES_DIR", dir, 1);
        execl("/proc/self/exe", "test_iso", flag, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t got;
    while (n < outlen - 1 && (got = read(fds[0], out + n, outlen - 1 - n)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_init_bad_dir(void **state)
{
    (void)state;
    char out[2048];
    run_child(CHILD_FLAG, "/nonexistent/capmatch-iso", out, sizeof out);
    assert_string_equal(out,
        "-1 -1 /nonexistent/capmatch-iso/iso_3166-1.json: cannot open: No such file or "
        "directory (install the iso-codes package or set CAPMATCH_ISO_CODES_DIR)\n"
        "0 0 |\n");
}

static void test_first_use_from_threads(void **state)
{
    (void)state;
    char out[256];
    run_child(THREADS_FLAG, NULL, out, sizeof out);
    assert_string_equal(out, "ok PH-CAT\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], CHILD_FLAG) == 0)
        return child_main();
    if (argc > 1 && strcmp(argv[1], THREADS_FLAG) == 0)
        return threads_main();

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_idempotent),
        cmocka_unit_test(test_known_countries),
        cmocka_unit_test(test_every_country_round_trips),
        cmocka_unit_test(test_unknown_countries),
        cmocka_unit_test(test_known_subdivisions),
        cmocka_unit_test(test_unknown_subdivisions),
        cmocka_unit_test(test_currencies),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_bad_ids),
        cmocka_unit_test_setup_teardown(test_check_dir_good, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_check_dir_missing_files, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_check_dir_malformed, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test(test_init_bad_dir),
        cmocka_unit_test(test_first_use_from_threads),
    };
    return cmocka_run_group_tests_name("iso", tests, group_setup, NULL);
}
