/*
 * bench_assign.c - the measuring part of scripts/bench-assign.
 *
 *   bench_assign measure -- COMMAND [ARGS...]
 *       Run the command, wait for it, print one line
 *       "result: wall_s=W maxrss_kb=M status=S" (wall clock time and the
 *       child's peak resident memory, from wait4), exit with its status.
 *
 *   bench_assign totals FILE.jsonl
 *       Read the JSON Lines written by capmatch assign --format jsonl (the
 *       result format capmatch.result/1: scores at full precision) and print
 *       "result: pairs=N total=T blocking=B enterprises=E regions=R": the
 *       rows, the sum of their scores, the blocking pairs the tool reported
 *       (its totals line), and the distinct enterprises and regions assigned.
 *
 * Uses no part of capmatch: it measures the command from outside (jansson
 * reads the lines).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int measure(int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "bench_assign measure: give a command after --\n");
        return 64;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_assign: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "bench_assign: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("bench_assign: wait4");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("result: wall_s=%.2f maxrss_kb=%ld status=%d\n", wall, ru.ru_maxrss, code);
    return code;
}

/* distinct strings, by a small open-addressing set */
typedef struct set {
    char **keys;
    size_t cap, n;
} set;

static unsigned long hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

static int set_add(set *st, const char *k)
{
    if ((st->n + 1) * 2 > st->cap) {
        set ns = { calloc(st->cap ? st->cap * 2 : 1024, sizeof(char *)), st->cap ? st->cap * 2 : 1024, 0 };
        if (ns.keys == NULL)
            return -1;
        for (size_t i = 0; i < st->cap; i++)
            if (st->keys[i]) {
                size_t j = hash(st->keys[i]) & (ns.cap - 1);
                while (ns.keys[j])
                    j = (j + 1) & (ns.cap - 1);
                ns.keys[j] = st->keys[i];
                ns.n++;
            }
        free(st->keys);
        *st = ns;
    }
    size_t j = hash(k) & (st->cap - 1);
    while (st->keys[j]) {
        if (strcmp(st->keys[j], k) == 0)
            return 0;
        j = (j + 1) & (st->cap - 1);
    }
    st->keys[j] = strdup(k);
    st->n++;
    return st->keys[j] ? 0 : -1;
}

static void set_free(set *st)
{
    for (size_t i = 0; i < st->cap; i++)
        free(st->keys[i]);
    free(st->keys);
}

static int totals(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "bench_assign: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    long pairs = 0, blocking = -1;
    double total = 0;
    set es = { 0 }, rs = { 0 };
    while (getline(&line, &cap, f) > 0) {
        json_t *j = json_loads(line, 0, NULL);
        json_t *t = json_object_get(j, "totals");
        const char *e = json_string_value(json_object_get(j, "enterprise"));
        const char *r = json_string_value(json_object_get(j, "region"));
        if (t)
            blocking = (long)json_integer_value(json_object_get(t, "blocking_pairs"));
        if (e && r) {
            total += json_number_value(json_object_get(j, "score"));
            pairs++;
            if (set_add(&es, e) < 0 || set_add(&rs, r) < 0) {
                fprintf(stderr, "bench_assign: out of memory\n");
                return 1;
            }
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    printf("result: pairs=%ld total=%.6f blocking=%ld enterprises=%zu regions=%zu\n", pairs, total,
           blocking, es.n, rs.n);
    set_free(&es);
    set_free(&rs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "measure") == 0 && strcmp(argv[2], "--") == 0)
        return measure(argc - 3, argv + 3);
    if (argc == 3 && strcmp(argv[1], "totals") == 0)
        return totals(argv[2]);
    fprintf(stderr, "usage: bench_assign measure -- COMMAND [ARGS...]\n"
                    "       bench_assign totals FILE.jsonl\n");
    return 64;
}
