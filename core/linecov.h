/*
 * linecov.h - line coverage of Lua files (capmatch test --coverage): the
 * lines a Lua state ran, as the sandbox's line hook reports them, and the
 * lines of each file that hold code, from the file's compiled chunk, so
 * that the lines never run can be named.
 *
 * Owns the tables of lines; knows nothing of policies or tests (the test
 * runner, policy_test.c, builds on it). Not thread-safe by itself: the
 * hits of one linecov come from one thread at a time.
 */
#ifndef CM_LINECOV_H
#define CM_LINECOV_H

#include <stddef.h>
#include <stdint.h>

typedef struct linecov linecov;

linecov *cmi_linecov_new(void);
void cmi_linecov_free(linecov *lc);

/* A sandbox_line_fn: line of file ran (ud is the linecov). Files are kept
 * in the order first seen. A failure to grow is remembered (nomem). */
void cmi_linecov_hit(void *ud, const char *file, int line);
/* 1 when an allocation failed: the figures are incomplete. */
int cmi_linecov_nomem(const linecov *lc);

/* The files some line ran in, names sorted, except that the file named
 * `first` (the policy) comes first when it is among them. */
size_t cmi_linecov_count(const linecov *lc);
void cmi_linecov_sort(linecov *lc, const char *first);

/* What is known of file i, once measured: the lines holding code (compiled
 * from the file as it is now, the line of a function's final implicit
 * return left out) and which of them ran. */
typedef struct linecov_file {
    const char *name;
    const char *error;        /* why the file could not be measured, or NULL */
    int code;                 /* lines holding code */
    int run;                  /* of them, lines that ran */
    const int *missed;        /* the lines holding code that never ran, ascending */
    size_t nmissed;
    const unsigned char *is_code; /* by line, below nlines: 1 when it holds code */
    size_t nlines;
} linecov_file;
/* Measure file i (compiling it; done once) and describe it. */
void cmi_linecov_file(linecov *lc, size_t i, linecov_file *out);

#endif
