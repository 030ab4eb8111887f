/*
 * cmd_stats.c - capmatch stats: what a set of profile files holds (counts
 * by country, ISIC section, region level, which size figures enterprises
 * give) and how much memory the profiles take.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: capmatch stats [OPTIONS] FILE...\n"
    "\n"
    "Load profile files and print counts: profiles by country, by ISIC section\n"
    "(an enterprise's primary sector; a region's offered sectors), regions by\n"
    "level, enterprises giving each size figure, and memory per profile.\n"
    "\n"
    "options:\n"
    "  --kind, --input-format, --max-errors, --skip-invalid, --rejects\n"
    "                               as for capmatch validate\n"
    "  --format text|json           output (default text)\n"
    "\n"
    "exit status: 0 ok, 2 a file is invalid or unreadable, 3 internal error.\n";

typedef struct tally {
    const char *key;
    size_t n;
} tally;

typedef struct tallies {
    tally *t;
    size_t n, cap;
} tallies;

static void count(tallies *ts, const char *key)
{
    if (key == NULL)
        key = "(none)";
    for (size_t i = 0; i < ts->n; i++)
        if (strcmp(ts->t[i].key, key) == 0) {
            ts->t[i].n++;
            return;
        }
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 16;
        tally *nt = realloc(ts->t, cap * sizeof *nt);
        if (nt == NULL) {
            fprintf(stderr, "capmatch stats: out of memory\n");
            exit(EXIT_INTERNAL);
        }
        ts->t = nt;
        ts->cap = cap;
    }
    ts->t[ts->n++] = (tally){ key, 1 };
}

static int by_count(const void *a, const void *b)
{
    const tally *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->key, y->key);
}

typedef struct kind_stats {
    cm_kind kind;
    size_t count;
    tallies countries, sections, levels, fields;
    size_t memory, text;
} kind_stats;

static const char *const size_fields[] = {
    "employees", "revenue.amount", "assets.amount", "capital.amount", "investment.min",
    "investment.max", NULL
};

static void gather(const cm_engine *e, kind_stats *ks)
{
    ks->count = cm_engine_count(e, ks->kind);
    ks->memory = cm_engine_memory(e, ks->kind, &ks->text);
    for (size_t i = 0; i < ks->count; i++) {
        cm_value v;
        cm_profile_get(e, ks->kind, i, "country", &v);
        count(&ks->countries, v.str);
        if (ks->kind == CM_KIND_ENTERPRISES) {
            cm_profile_get(e, ks->kind, i, "sector", &v);
            count(&ks->sections, cm_isic_section(v.str));
            for (const char *const *f = size_fields; *f; f++)
                if (cm_profile_get(e, ks->kind, i, *f, &v) == CM_OK && v.type != CM_VALUE_NONE)
                    count(&ks->fields, *f);
        } else {
            cm_profile_get(e, ks->kind, i, "level", &v);
            count(&ks->levels, v.type == CM_VALUE_NONE ? NULL : v.str);
            cm_profile_get(e, ks->kind, i, "sectors_offered", &v);
            /* a section once per region, however many of its codes it lists */
            const char *seen[32];
            size_t nseen = 0;
            for (size_t k = 0; k < v.count; k++) {
                const char *code;
                cm_profile_item(e, ks->kind, i, "sectors_offered", k, &code);
                const char *sec = cm_isic_section(code);
                int dup = 0;
                for (size_t s = 0; s < nseen; s++)
                    dup |= strcmp(seen[s], sec) == 0;
                if (!dup && nseen < 32) {
                    seen[nseen++] = sec;
                    count(&ks->sections, sec);
                }
            }
        }
    }
    tallies *all[] = { &ks->countries, &ks->sections, &ks->levels };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->n)        /* an empty tally has no array: qsort must not see NULL */
            qsort(all[i]->t, all[i]->n, sizeof(tally), by_count);
}

static void print_tallies_text(const char *title, const tallies *ts, int isic)
{
    if (ts->n == 0)
        return;
    printf("  %s:\n", title);
    for (size_t i = 0; i < ts->n; i++) {
        const char *t = isic ? cm_isic_title(ts->t[i].key) : NULL;
        printf("    %-16s %6zu%s%s\n", ts->t[i].key, ts->t[i].n, t ? "  " : "", t ? t : "");
    }
}

static void print_tallies_json(const char *name, const tallies *ts)
{
    printf(",\"%s\":{", name);
    for (size_t i = 0; i < ts->n; i++) {
        if (i)
            putchar(',');
        json_print_string(stdout, ts->t[i].key);
        printf(":%zu", ts->t[i].n);
    }
    putchar('}');
}

static void free_stats(kind_stats *ks)
{
    free(ks->countries.t);
    free(ks->sections.t);
    free(ks->levels.t);
    free(ks->fields.t);
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = { LOAD_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
    load_args a;
    load_args_init(&a);
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == '?' || load_args_option(&a, opt, optarg, "stats") == 0)
            die_usage("stats", "unknown option");
    }
    if (optind >= argc)
        die_usage("stats", "give one or more profile files");
    cm_diags *all = cm_diags_new();
    load_report rep;
    cm_engine *e = all ? load_files(argv + optind, argc - optind, &a, stderr, all, &rep, "stats")
                       : NULL;
    if (e == NULL || rep.internal || rep.files_bad) {
        if (a.json_output)
            for (size_t i = 0; i < cm_diags_count(all); i++) {
                json_print_diag(stderr, cm_diags_at(all, i));
                fputc('\n', stderr);
            }
        cm_diags_free(all);
        cm_engine_free(e);
        return e == NULL || rep.internal ? EXIT_INTERNAL : EXIT_INPUT;
    }
    kind_stats ks[2] = { { .kind = CM_KIND_REGIONS }, { .kind = CM_KIND_ENTERPRISES } };
    for (int k = 0; k < 2; k++)
        gather(e, &ks[k]);
    if (a.json_output) {
        putchar('{');
        for (int k = 0; k < 2; k++) {
            printf("%s\"%s\":{\"count\":%zu,\"memory_bytes\":%zu,\"text_bytes\":%zu", k ? "," : "",
                   cm_kind_name(ks[k].kind), ks[k].count, ks[k].memory, ks[k].text);
            print_tallies_json("countries", &ks[k].countries);
            print_tallies_json("isic_sections", &ks[k].sections);
            if (k == 0)
                print_tallies_json("levels", &ks[k].levels);
            else
                print_tallies_json("size_fields", &ks[k].fields);
            putchar('}');
        }
        printf("}\n");
    } else {
        for (int k = 0; k < 2; k++) {
            if (ks[k].count == 0)
                continue;
            printf("%s: %zu\n", cm_kind_name(ks[k].kind), ks[k].count);
            print_tallies_text("by country", &ks[k].countries, 0);
            print_tallies_text(k == 0 ? "by ISIC section offered" : "by ISIC section",
                               &ks[k].sections, 1);
            if (k == 0)
                print_tallies_text("by level", &ks[k].levels, 0);
            else
                print_tallies_text("size figures given", &ks[k].fields, 0);
            printf("  memory: %.1f bytes per profile", (double)(ks[k].memory - ks[k].text) /
                                                         (double)ks[k].count);
            if (ks[k].text)
                printf(" + %.1f bytes of description text", (double)ks[k].text /
                                                              (double)ks[k].count);
            printf("\n");
        }
    }
    for (int k = 0; k < 2; k++)
        free_stats(&ks[k]);
    cm_diags_free(all);
    cm_engine_free(e);
    return EXIT_OK;
}

const command cmd_stats = { "stats", run, "count profiles by country, sector and size fields",
                            usage };
