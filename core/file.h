/*
 * file.h - files, the one way the library reads and writes them: a whole
 * file into memory, an output written by the output-path rules, SHA-256 as
 * hex.
 *
 * The output-path rules (every writer of the library and the command goes
 * through cmi_file_out_open):
 *   "-"                 standard output;
 *   a regular file, or a path that does not exist yet
 *                       written to PATH.tmpPID in the same directory, synced,
 *                       renamed over PATH, and the directory synced: the old
 *                       file stays whole until the new one is complete;
 *   a symbolic link     followed (links to links too) and its target replaced
 *                       as above; the link itself stays;
 *   a character device, a FIFO or a socket
 *                       opened and written directly, never replaced;
 *   a directory or a block device
 *                       an error saying so.
 * Temporary files that a killed run left beside the target (NAME.tmpPID of
 * a process that no longer exists) are removed when the target is next
 * written (cmi_file_sweep_temps).
 *
 * Base layer: depends on alloc.h and err.h only.
 */
#ifndef CM_FILE_H
#define CM_FILE_H

#include "capmatch.h"
#include <stddef.h>
#include <stdio.h>

/* The whole of a regular file, NUL-terminated (the NUL is not counted in
 * *len). NULL with errno set (EISDIR/EINVAL for what is not a regular file,
 * EFBIG beyond max bytes when max is not 0). */
char *cmi_file_read(const char *path, size_t max, size_t *len);
/* All that can be read from fd (a pipe, standard input) to its end, the same
 * way. fd stays open. */
char *cmi_file_read_fd(int fd, size_t max, size_t *len);

typedef struct file_out {
    FILE *f;                  /* write here */
    char *target;             /* the file replaced at commit; NULL when direct */
    char *tmp;                /* the temporary file; NULL when direct */
    char *name;               /* the path as given, for messages */
    int is_stdout;
} file_out;

/* Open path for writing by the rules above. CM_OK, or CM_EIO / CM_EUSAGE /
 * CM_ENOMEM with the message in cmi_err_get() (naming path and the reason). */
cm_status cmi_file_out_open(file_out *o, const char *path);
/* (Both leave errno at the cause of a failure.) */
/* Finish: flush, sync and rename (or flush the stream written directly).
 * CM_OK, or CM_EIO with the message in cmi_err_get(); on failure the temporary
 * file is removed and the target left as it was. Either way o is closed. */
cm_status cmi_file_out_commit(file_out *o);
/* Give up: the temporary file is removed, the target left as it was. */
void cmi_file_out_abort(file_out *o);

/* data[0..len) written to path by the rules above: 0, or -1 with errno set
 * and the message in cmi_err_get(). */
int cmi_file_write(const char *path, const void *data, size_t len);

/* Remove NAME.tmpPID files beside path (or, with path a directory and
 * prefix NULL, any *.tmpPID in it) whose process is gone. */
void cmi_file_sweep_temps(const char *path);
void cmi_file_sweep_dir(const char *dir);

/* n bytes as 2n lower-case hex digits and a NUL. */
void cmi_file_hex(const unsigned char *d, size_t n, char *out);
/* SHA-256 of memory, and of a file, as 64 hex digits and a NUL. */
void cmi_file_sha256_hex(const void *data, size_t len, char hex[65]);
cm_status cmi_file_sha256_path(const char *path, char hex[65]);

#endif
