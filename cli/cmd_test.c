/*
 * cmd_test.c - capmatch test: run the policy tests (*.test.lua) of a file or
 * a directory tree, in name order, as TAP or JSON, ending with the line
 * "N passed, N failed".
 */
#include "cli.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: capmatch test [--run PATTERN] [--format tap|json] [--coverage] [PATH...]\n"
    "\n"
    "Run policy tests: every *.test.lua file under each PATH (default: rules/).\n"
    "A test file declares suite { policy = \"...\" } and cases:\n"
    "  case { name = \"...\", regions = {...} or \"file.json\", enterprises = ...,\n"
    "         set = { param = value }, expect = { { enterprise = \"e1\", top = \"r1\" },\n"
    "         { enterprise = \"e1\", region = \"r1\", rank = 1, score = { 0.5, 1 } },\n"
    "         { enterprise = \"e1\", region = \"r2\", vetoed = true, filter = \"f\" },\n"
    "         { enterprise = \"e1\", region = \"r1\", rule = \"r\", reason = \"text\" } } }\n"
    "Failures show the expected against the actual value.\n"
    "\n"
    "options:\n"
    "  --run PATTERN      only the cases whose name contains PATTERN\n"
    "  --format tap|json  output (default tap)\n"
    "  --coverage         per policy: each rule's pairs scored and fired and its\n"
    "                     score range, each filter's pairs checked and vetoed, the\n"
    "                     lines of its Lua (and of the modules it requires) that\n"
    "                     never ran, and the vocabulary words no test profile\n"
    "                     holds (TAP comment lines before the plan, or \"coverage\"\n"
    "                     in the JSON); rules that never fired and filters never\n"
    "                     exercised are marked\n"
    "\n"
    "exit status: 0 all passed, 1 a test failed, 2 usage or no test found.\n";

typedef struct state {
    int json;
    size_t n;
} state;

static void report(const cm_test_event *ev, void *ud)
{
    state *s = ud;
    s->n++;
    if (s->json) {
        printf("%s{\"file\":", s->n > 1 ? ",\n" : "");
        json_print_string(stdout, ev->file);
        printf(",\"line\":%d,\"name\":", ev->line);
        json_print_string(stdout, ev->name);
        printf(",\"passed\":%s", ev->passed ? "true" : "false");
        if (!ev->passed) {
            printf(",\"details\":");
            json_print_string(stdout, ev->details);
        }
        putchar('}');
        return;
    }
    printf("%s %zu - %s: %s\n", ev->passed ? "ok" : "not ok", s->n, ev->file, ev->name);
    if (!ev->passed) {
        const char *d = ev->details;
        while (*d) {
            const char *nl = strchr(d, '\n');
            int len = nl ? (int)(nl - d) : (int)strlen(d);
            printf("  # %.*s\n", len, d);
            d += len + (nl != NULL);
        }
        if (ev->line)
            printf("  # (case declared at %s:%d)\n", ev->file, ev->line);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Every *.test.lua under path, sorted. */
static void collect(const char *path, char ***files, size_t *n)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        char **nf = realloc(*files, (*n + 1) * sizeof **files);
        if (nf) {
            *files = nf;
            nf[(*n)++] = strdup(path);
        }
        return;
    }
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char sub[4096];
        size_t pl = strlen(path);
        while (pl > 1 && path[pl - 1] == '/')
            pl--;
        snprintf(sub, sizeof sub, "%.*s/%s", (int)pl, path, de->d_name);
        if (stat(sub, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode) || ends_with(de->d_name, ".test.lua"))
            collect(sub, files, n);
    }
    closedir(d);
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "run", required_argument, NULL, 'r' },
        { "format", required_argument, NULL, 'f' },
        { "coverage", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 }
    };
    const char *pattern = NULL;
    int coverage = 0;
    state s = { 0, 0 };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == 'r')
            pattern = optarg;
        else if (opt == 'c')
            coverage = 1;
        else if (opt == 'f' && (strcmp(optarg, "tap") == 0 || strcmp(optarg, "json") == 0))
            s.json = strcmp(optarg, "json") == 0;
        else
            die_usage("test", opt == 'f' ? "--format must be tap or json" : "unknown option");
    }
    char **files = NULL;
    size_t nfiles = 0;
    if (optind == argc) {
        collect("rules", &files, &nfiles);
    }
    for (int i = optind; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0)
            die_usage("test", "%s: no such file or directory", argv[i]);
        collect(argv[i], &files, &nfiles);
    }
    if (nfiles > 1)     /* files is NULL when none was found */
        qsort(files, nfiles, sizeof *files, cmp_str);
    if (nfiles == 0) {
        /* say where it looked: the default is relative to where it runs */
        if (optind == argc) {
            char cwd[4096];
            fprintf(stderr, "capmatch test: no *.test.lua file found under rules/ (the default "
                            "path, in %s); give the files or directories to search\n",
                    getcwd(cwd, sizeof cwd) ? cwd : ".");
        } else {
            fprintf(stderr, "capmatch test: no *.test.lua file found under");
            for (int i = optind; i < argc; i++)
                fprintf(stderr, " %s", argv[i]);
            fputc('\n', stderr);
        }
        return EXIT_INPUT;
    }
    size_t passed = 0, failed = 0;
    if (s.json)
        printf("{\"tests\":[");
    else
        printf("TAP version 13\n");
    cm_coverage *cov = coverage ? cm_coverage_new() : NULL;
    if (coverage && cov == NULL) {
        fprintf(stderr, "capmatch test: out of memory\n");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < nfiles; i++) {
        cm_test_run_file_cov(files[i], pattern, cov, report, &s, &passed, &failed);
        free(files[i]);
    }
    free(files);
    if (s.json) {
        printf("],\"passed\":%zu,\"failed\":%zu", passed, failed);
        if (cov) {
            printf(",\"coverage\":");
            fflush(stdout);
        }
    } else if (cov) {
        fflush(stdout);
    }
    if (cov && cm_coverage_write(cov, s.json, file_sink, stdout) != CM_OK) {
        fprintf(stderr, "capmatch test: the coverage: %s\n", cm_status_string(CM_ENOMEM));
        cm_coverage_free(cov);
        return EXIT_INTERNAL;
    }
    cm_coverage_free(cov);
    if (s.json)
        printf("}\n");
    else
        printf("1..%zu\n", s.n);
    /* the closing line, for people and CI alike */
    fprintf(s.json ? stderr : stdout, "%zu passed, %zu failed\n", passed, failed);
    if (passed + failed == 0) {
        fprintf(stderr, "capmatch test: no case matched\n");
        return EXIT_INPUT;
    }
    return failed ? EXIT_NOMATCH : EXIT_OK;
}

const command cmd_test = { "test", run, "run policy tests written in Lua", usage };
