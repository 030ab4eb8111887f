/*
 * source.h - the bytes of one input, read in bounded chunks, and the line
 * map that turns byte offsets into lines and character columns.
 *
 * A source is either memory the caller holds (the whole text, nothing is
 * copied) or a file descriptor (a regular file, a pipe, standard input)
 * read into a window that slides forward: a reader says which offset it
 * still needs (cmi_src_keep) and asks for bytes ahead (cmi_src_fill); memory stays
 * bounded by the longest record it keeps, never the size of the input.
 * Offsets are absolute (from the start of the input). Knows nothing of
 * formats; depends only on alloc.h.
 */
#ifndef CM_SOURCE_H
#define CM_SOURCE_H

#include <stddef.h>

typedef struct source {
    int fd;                   /* -1: memory source */
    char *buf;                /* fd sources: the window's storage */
    size_t cap;
    const char *p;            /* window: bytes [base, base + len) */
    size_t len;
    size_t base;
    size_t keep;              /* the reader needs nothing before this offset */
    size_t chunk;             /* bytes asked of read() at a time */
    size_t size;              /* the whole input's size when known (memory, a
                               * regular file), else 0: a hint, not a limit */
    int eof;                  /* nothing more after the window */
    int err;                  /* errno of a failed read, or 0 */
    int nomem;                /* the window could not grow */
    /* line map: cursor at lm_off on line lm_line starting at lm_line_start;
     * chk_* is where the window starts (offsets before it are gone) */
    size_t lm_off, lm_line_start;
    unsigned long lm_line;
    size_t chk_off, chk_line_start, chk_cols;
    unsigned long chk_line;
} source;

/* A source over memory the caller keeps alive. */
void cmi_src_init_memory(source *s, const char *data, size_t len);
/* A source reading fd (not closed by cmi_src_free); chunk 0 = default. */
int cmi_src_init_fd(source *s, int fd, size_t chunk);
void cmi_src_free(source *s);

/* Make bytes [off, off + need) available when the input has them. Returns
 * the bytes available from off (less than need only at the end of input,
 * or when reading failed: see err, nomem). off must be >= keep. */
size_t cmi_src_fill(source *s, size_t off, size_t need);
/* Bytes from off to the end of the window, reading a chunk more when the
 * window ends at off. 0 means the end of input (or an error). */
size_t cmi_src_avail(source *s, size_t off);
/* Pointer to the byte at off (which must be in the window). */
static inline const char *src_at(const source *s, size_t off)
{
    return s->p + (off - s->base);
}
/* The byte at off, or -1 at the end of input. */
int cmi_src_byte(source *s, size_t off);
/* The reader no longer needs bytes before off. */
void cmi_src_keep(source *s, size_t off);
/* The input ended before the window: every byte was seen. */
static inline int src_at_end(source *s, size_t off)
{
    return cmi_src_avail(s, off) == 0;
}

/* 1-based line of an offset (offsets at or after the window start). */
unsigned long cmi_src_line(source *s, size_t off);
/* 1-based character (not byte) column of an offset on its line. */
unsigned long cmi_src_column(source *s, size_t off);

#endif
