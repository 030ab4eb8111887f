/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz/ share: the entry
 * points' prototypes and a scratch directory for APIs that take a path.
 *
 * The targets link the library's objects directly (like the unit tests), so
 * that they can reach internal functions (feed bodies); they are built with
 * clang -fsanitize=fuzzer,address,undefined by `make fuzz-build`.
 */
#ifndef CM_FUZZ_H
#define CM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A directory of this process, made once: /tmp/capmatch-fuzz-PID. */
static inline const char *fuzz_dir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/capmatch-fuzz-%ld", (long)getpid());
        char cmd[128];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
        if (system(cmd) != 0)
            abort();
    }
    return dir;
}

/* Write the input to DIR/name and return the path (static storage). */
static inline const char *fuzz_file(const char *name, const void *data, size_t size)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    return path;
}

#endif
