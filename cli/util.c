/*
 * util.c - shared parts of the capmatch subcommands: loading options,
 * loading files with their problems reported, JSON output helpers.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void die_usage(const char *prog, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "capmatch %s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'capmatch %s --help'.\n", prog);
    exit(EXIT_INPUT);
}

void load_args_init(load_args *a)
{
    memset(a, 0, sizeof *a);
    cm_load_options_init(&a->opts);
}

int load_args_option(load_args *a, int opt, const char *arg, const char *prog)
{
    switch (opt) {
    case 'k':
        if (strcmp(arg, "regions") == 0)
            a->opts.kind = CM_KIND_REGIONS;
        else if (strcmp(arg, "enterprises") == 0)
            a->opts.kind = CM_KIND_ENTERPRISES;
        else
            die_usage(prog, "--kind must be regions or enterprises, not '%s'", arg);
        return 1;
    case 'F':
        if (strcmp(arg, "json") == 0)
            a->opts.format = CM_FORMAT_JSON;
        else if (strcmp(arg, "jsonl") == 0)
            a->opts.format = CM_FORMAT_JSONL;
        else if (strcmp(arg, "csv") == 0)
            a->opts.format = CM_FORMAT_CSV;
        else
            die_usage(prog, "--input-format must be json, jsonl or csv, not '%s'", arg);
        return 1;
    case 'S':
        a->opts.skip_invalid = 1;
        return 1;
    case 'R':
        a->rejects = arg;
        return 1;
    case 'M': {
        char *end;
        errno = 0;
        long n = strtol(arg, &end, 10);
        if (errno || *end || n < 1 || n > 1000000)
            die_usage(prog, "--max-errors must be a number from 1 to 1000000, not '%s'", arg);
        a->opts.max_errors = (unsigned)n;
        return 1;
    }
    case 'r':
        a->rates = arg;
        return 1;
    case 'f':
        if (strcmp(arg, "json") == 0)
            a->json_output = 1;
        else if (strcmp(arg, "text") == 0 || strcmp(arg, "table") == 0)
            a->json_output = 0;
        else
            die_usage(prog, "--format must be text or json, not '%s'", arg);
        return 1;
    }
    return 0;
}

void json_print_string(FILE *f, const char *s) { cm_write_json_string(s, file_sink, f); }

void json_explain_item(FILE *f, const cm_explain_item *it, int extras)
{
    char b1[32], b2[32], b3[32];
    fputs("{\"rule\":", f);
    json_print_string(f, it->rule);
    fprintf(f, ",\"score\":%s,\"weight\":%s,\"contribution\":%s,\"reason\":",
            num_shortest(b1, sizeof b1, it->score), num_shortest(b2, sizeof b2, it->weight),
            num_shortest(b3, sizeof b3, it->contribution));
    json_print_string(f, it->reason);
    if ((extras & JX_SIDE) && it->region_side)
        fputs(",\"side\":\"region\"", f);
    if ((extras & JX_ERROR) && it->error)
        fputs(",\"error\":true", f);
    fputc('}', f);
}

static void json_member(FILE *f, const char *key, const char *value, int *first)
{
    if (value == NULL)
        return;
    fprintf(f, "%s\"%s\":", *first ? "" : ",", key);
    json_print_string(f, value);
    *first = 0;
}

void json_print_diag(FILE *f, const cm_diag *d)
{
    int first = 1;
    fputc('{', f);
    json_member(f, "file", d->file, &first);
    if (d->line)
        fprintf(f, ",\"line\":%lu", d->line);
    if (d->column)
        fprintf(f, ",\"column\":%lu", d->column);
    if (d->record)
        fprintf(f, ",\"record\":%ld", d->record);
    json_member(f, "id", d->id, &first);
    json_member(f, "field", d->field, &first);
    json_member(f, "expected", d->expected, &first);
    json_member(f, "found", d->found, &first);
    json_member(f, "message", d->message, &first);
    fputc('}', f);
}

/* Read all of standard input. */
char *read_stdin(size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = cap > (SIZE_MAX >> 1) ? NULL : realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(stdin)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

cm_engine *load_files(char **files, int nfiles, load_args *a, FILE *out, cm_diags *all,
                      load_report *rep, const char *prog)
{
    memset(rep, 0, sizeof *rep);
    if (a->rejects && nfiles > 1)
        die_usage(prog, "--rejects names one file; with several inputs each one's rejects "
                        "go to INPUT.rejects.jsonl");
    if (a->rejects && !a->opts.skip_invalid)
        die_usage(prog, "--rejects goes with --skip-invalid");
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    if (e == NULL) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_last_error());
        rep->internal = 1;
        return NULL;
    }
    if (a->rates && cm_engine_load_rates(e, a->rates) != CM_OK) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_engine_errmsg(e));
        rep->files_bad++;
        rep->problems++;
        return e;
    }
    for (int i = 0; i < nfiles; i++) {
        cm_load_options o = a->opts;
        char rejects[4096];
        if (o.skip_invalid) {
            if (a->rejects)
                snprintf(rejects, sizeof rejects, "%s", a->rejects);
            else
                snprintf(rejects, sizeof rejects, "%s.rejects.jsonl",
                         strcmp(files[i], "-") == 0 ? "stdin" : files[i]);
            o.rejects_path = rejects;
        }
        size_t before = cm_diags_count(all);
        cm_status s;
        if (strcmp(files[i], "-") == 0) {
            /* streamed in bounded chunks, with the record limits of a file;
             * JSON Lines unless told otherwise, as for match */
            if (o.format == CM_FORMAT_AUTO)
                o.format = CM_FORMAT_JSONL;
            s = cm_engine_load_fd(e, "-", 0, &o, all);
        } else {
            s = cm_engine_load_file(e, files[i], &o, all);
        }
        size_t after = cm_diags_count(all);
        rep->problems += after - before;
        if (after > before || s != CM_OK)
            rep->files_with_problems++;
        if (out && !a->json_output)
            for (size_t k = before; k < after; k++)
                fprintf(out, "%s\n", cm_diags_at(all, k)->message);
        if (s == CM_OK) {
            rep->files_ok++;
            if (after > before) {
                rep->rejected += after - before;
                fprintf(stderr, "capmatch %s: %s (rejects in %s)\n", prog,
                        cm_engine_errmsg(e), o.rejects_path);
            }
        } else if (s == CM_EINPUT) {
            rep->files_bad++;
            if (after == before)
                fprintf(stderr, "capmatch %s: %s\n", prog, cm_engine_errmsg(e));
        } else {
            rep->files_bad++;
            if (s == CM_EIO) {
                /* a file that cannot be read is an input problem the user can fix */
                rep->problems++;
            } else {
                rep->internal = 1;
            }
            fprintf(stderr, "capmatch %s: %s\n", prog, cm_engine_errmsg(e));
        }
    }
    if (cm_diags_dropped(all) && !a->json_output)
        fprintf(out ? out : stderr, "(%zu more problems not listed: raise --max-errors)\n",
                cm_diags_dropped(all));
    return e;
}

cm_engine *load_sides(const load_args *a, const char **regions, int nregions,
                      const char **enterprises, int nenterprises, const char *prog)
{
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    if (e == NULL) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_last_error());
        exit(EXIT_INTERNAL);
    }
    if (a->rates && cm_engine_load_rates(e, a->rates) != CM_OK) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_engine_errmsg(e));
        cm_engine_free(e);
        exit(EXIT_INPUT);
    }
    cm_diags *d = cm_diags_new();
    if (d == NULL) {
        fprintf(stderr, "capmatch %s: out of memory\n", prog);
        cm_engine_free(e);
        exit(EXIT_INTERNAL);
    }
    for (int side = 0; side < 2; side++) {
        const char **files = side == 0 ? regions : enterprises;
        int n = side == 0 ? nregions : nenterprises;
        for (int i = 0; i < n; i++) {
            cm_load_options o = a->opts;
            o.kind = side == 0 ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
            char rejects[4096];
            if (o.skip_invalid) {
                if (a->rejects && nregions + nenterprises == 1)
                    snprintf(rejects, sizeof rejects, "%s", a->rejects);
                else
                    snprintf(rejects, sizeof rejects, "%s.rejects.jsonl",
                             strcmp(files[i], "-") == 0 ? "stdin" : files[i]);
                o.rejects_path = rejects;
            }
            cm_status s;
            if (strcmp(files[i], "-") == 0) {
                /* a stream of profiles, one JSON object a line unless told otherwise */
                if (o.format == CM_FORMAT_AUTO)
                    o.format = CM_FORMAT_JSONL;
                s = cm_engine_load_fd(e, "-", 0, &o, d);
            } else {
                s = cm_engine_load_file(e, files[i], &o, d);
            }
            for (size_t k = 0; k < cm_diags_count(d); k++)
                fprintf(stderr, "%s\n", cm_diags_at(d, k)->message);
            if (cm_diags_dropped(d))
                fprintf(stderr, "(%zu more problems not listed: raise --max-errors)\n",
                        cm_diags_dropped(d));
            cm_diags_clear(d);
            if (s != CM_OK) {
                fprintf(stderr, "capmatch %s: %s\n", prog, cm_engine_errmsg(e));
                cm_diags_free(d);
                cm_engine_free(e);
                exit(s == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT);
            }
        }
    }
    cm_diags_free(d);
    return e;
}

void arg_push(const char ***list, int *n, const char *v)
{
    const char **nl = realloc(*list, (size_t)(*n + 2) * sizeof **list);
    if (nl == NULL) {
        fprintf(stderr, "capmatch: out of memory\n");
        exit(EXIT_INTERNAL);
    }
    nl[(*n)++] = v;
    nl[*n] = NULL;
    *list = nl;
}

const char *num_shortest(char *buf, size_t n, double d)
{
    if (d == (double)(long long)d && d > -1e15 && d < 1e15) {
        snprintf(buf, n, "%lld", (long long)d);
        return buf;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

void csv_print_cell(FILE *f, const char *s) { cm_write_csv_cell(s, file_sink, f); }

int file_sink(const char *data, size_t len, void *ud)
{
    return fwrite(data, 1, len, (FILE *)ud) != len;
}

int out_open(outfile *o, const char *path, const char *prog)
{
    cm_status s;
    o->out = cm_output_open(path ? path : "-", &s);
    o->f = o->out ? cm_output_stream(o->out) : NULL;
    if (o->out == NULL) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_last_error());
        return -1;
    }
    return 0;
}

int out_close(outfile *o, int failed, const char *prog)
{
    if (failed) {
        cm_output_discard(o->out);
        o->out = NULL;
        return -1;
    }
    cm_status s = cm_output_close(o->out);
    o->out = NULL;
    if (s != CM_OK) {
        fprintf(stderr, "capmatch %s: %s\n", prog, cm_last_error());
        return -1;
    }
    return 0;
}
