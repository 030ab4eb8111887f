/*
 * source.c - bounded reading of one input and its line map (see source.h).
 *
 * An fd source keeps one buffer: when a read needs room, the bytes before
 * `keep` are dropped (after the line map has moved past them) and the rest
 * slides to the front; the buffer grows only when the bytes kept plus those
 * asked for do not fit, so its size follows the longest record, not the
 * input.
 */
#include "source.h"
#include "alloc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CHUNK ((size_t)1 << 20)

void cmi_src_init_memory(source *s, const char *data, size_t len)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->p = data;
    s->len = len;
    s->size = len;
    s->eof = 1;
    s->lm_line = s->chk_line = 1;
}

int cmi_src_init_fd(source *s, int fd, size_t chunk)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->chunk = chunk ? chunk : DEFAULT_CHUNK;
    s->cap = 2 * s->chunk;
    s->buf = cm_malloc(s->cap);
    if (s->buf == NULL)
        return -1;
    s->p = s->buf;
    s->lm_line = s->chk_line = 1;
    return 0;
}

void cmi_src_free(source *s)
{
    cm_free(s->buf);
    s->buf = NULL;
    s->p = NULL;
    s->len = 0;
}

/* ---- line map ---------------------------------------------------------------- */

static unsigned long count_chars(const char *p, size_t n)
{
    unsigned long c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xc0) != 0x80;
    return c;
}

/* Move the cursor forward to off (within the window). */
static void lm_forward(source *s, size_t off)
{
    const char *p = src_at(s, s->lm_off), *end = src_at(s, off);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            break;
        s->lm_line++;
        s->lm_line_start = s->base + (size_t)(nl + 1 - s->p);
        p = nl + 1;
    }
    s->lm_off = off;
}

static void lm_seek(source *s, size_t off)
{
    if (off > s->base + s->len)
        off = s->base + s->len;
    if (off < s->chk_off)
        off = s->chk_off;     /* gone: the window's start is the best we know */
    if (off < s->lm_off) {
        s->lm_off = s->chk_off;
        s->lm_line = s->chk_line;
        s->lm_line_start = s->chk_line_start;
    }
    lm_forward(s, off);
}

unsigned long cmi_src_line(source *s, size_t off)
{
    lm_seek(s, off);
    return s->lm_line;
}

unsigned long cmi_src_column(source *s, size_t off)
{
    lm_seek(s, off);
    if (off > s->lm_off)
        off = s->lm_off;
    if (s->lm_line_start >= s->chk_off)
        return 1 + count_chars(src_at(s, s->lm_line_start), off - s->lm_line_start);
    /* the line began before the window: count on from the checkpoint */
    return 1 + s->chk_cols + count_chars(src_at(s, s->chk_off), off - s->chk_off);
}

/* Drop the bytes before `to` (<= keep): the line map moves past them first
 * and remembers the line and column there (the checkpoint). */
static void drop_before(source *s, size_t to)
{
    if (to <= s->base)
        return;
    lm_seek(s, s->chk_off);   /* back to the checkpoint, then exactly to `to` */
    lm_forward(s, to);
    size_t cols;
    if (s->lm_line_start >= s->chk_off)
        cols = count_chars(src_at(s, s->lm_line_start), to - s->lm_line_start);
    else
        cols = s->chk_cols + count_chars(src_at(s, s->chk_off), to - s->chk_off);
    s->chk_off = to;
    s->chk_line = s->lm_line;
    s->chk_line_start = s->lm_line_start;
    s->chk_cols = cols;
    size_t n = to - s->base;
    memmove(s->buf, s->buf + n, s->len - n);
    s->len -= n;
    s->base = to;
    s->p = s->buf;
}

/* ---- reading ------------------------------------------------------------------- */

void cmi_src_keep(source *s, size_t off)
{
    if (off > s->keep)
        s->keep = off;
}

static int read_more(source *s, size_t want_end)
{
    if (s->eof || s->fd < 0 || s->err || s->nomem)
        return -1;
    /* room at the end: slide the kept bytes to the front, grow when needed */
    size_t need = want_end - s->base;      /* bytes from base the window must hold */
    if (need < s->len + s->chunk)
        need = s->len + s->chunk;
    if (need > s->cap && s->keep > s->base) {
        size_t to = s->keep < s->base + s->len ? s->keep : s->base + s->len;
        need -= to - s->base;
        drop_before(s, to);
    }
    if (need > s->cap) {
        size_t cap = s->cap;
        if (cm_grow((void **)&s->buf, &cap, need, 1) < 0) {
            s->nomem = 1;
            return -1;
        }
        s->cap = cap;
        s->p = s->buf;
    }
    size_t room = s->cap - s->len;
    for (;;) {
        ssize_t got = read(s->fd, s->buf + s->len, room);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            s->err = errno;
            return -1;
        }
        if (got == 0) {
            s->eof = 1;
            return -1;
        }
        s->len += (size_t)got;
        return 0;
    }
}

size_t cmi_src_fill(source *s, size_t off, size_t need)
{
    size_t end = s->base + s->len;
    while (end < off + need && read_more(s, off + need) == 0)
        end = s->base + s->len;
    return end > off ? end - off : 0;
}

size_t cmi_src_avail(source *s, size_t off)
{
    size_t end = s->base + s->len;
    if (end > off)
        return end - off;
    return cmi_src_fill(s, off, 1);
}

int cmi_src_byte(source *s, size_t off)
{
    if (off < s->base + s->len || cmi_src_fill(s, off, 1) > 0)
        return (unsigned char)*src_at(s, off);
    return -1;
}
