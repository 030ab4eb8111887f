/*
 * load.c - loading one source of profiles into an engine's store: opening
 * the input (a file, a pipe, standard input, memory; read in bounded chunks
 * through source.c), choosing format and kind, the all-or-nothing rule, and
 * the rejects file of --skip-invalid (see load.h).
 *
 * A load marks the store first; when it fails (strict mode and any
 * problem, a syntax error, or out of memory) it rolls back to the mark, so
 * the engine is exactly as it was. The rejects file is written by the
 * output rules of file.h (a temporary file renamed when complete).
 */
#include "load.h"
#include "alloc.h"
#include "engine.h"
#include "buf.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- lines and columns -------------------------------------------------------- */

unsigned long cmi_run_line(load_run *r, size_t off)
{
    return cmi_src_line(r->src, off);
}

unsigned long cmi_run_column(load_run *r, size_t off)
{
    unsigned long col = cmi_src_column(r->src, off);
    /* the BOM is not a character of the first line */
    if (r->bom && col > 1 && cmi_src_line(r->src, off) == 1)
        col--;
    return col;
}

int cmi_run_src_failed(load_run *r)
{
    /* a read that failed for want of memory is out of memory, not bad input */
    if (r->src->nomem || r->src->err == ENOMEM)
        return -1;
    if (r->src->err && !r->fatal) {
        char note[160];
        snprintf(note, sizeof note, "cannot read further: %s", strerror(r->src->err));
        cmi_ctx_error(&r->ctx, 0, 0, 0, NULL, NULL, NULL, note);
        r->fatal = 1;
        return 1;
    }
    return r->src->err ? 1 : 0;
}

/* ---- sizing the store ahead ------------------------------------------------ */

/* After this many records, the input's size tells how many more to expect:
 * the store makes room for them at once rather than doubling its arrays
 * (each doubling copies them, and the string index rehashes). Room in an
 * array costs nothing until used; room in a hash table does, and the first
 * records may not be like the rest: the first estimate sizes the hash
 * tables for at most ESTIMATE_FIRST_MAX times what those records took, a
 * second one, from many more records, for all the rest. */
#define ESTIMATE_AFTER 1024
#define ESTIMATE_FIRST_MAX 64.0
#define ESTIMATE_AGAIN_AFTER 65536
/* Inputs smaller than this grow the usual way. */
#define ESTIMATE_MIN_SIZE ((size_t)4 << 20)
/* Arrays get room for this much more than the records so far predict
 * (records further on may be longer); what is not used is given back at
 * the end. */
#define ESTIMATE_SLACK 1.1

void cmi_run_estimate(load_run *r, size_t off)
{
    size_t done = off > r->start ? off - r->start : 0;
    size_t size = r->src->size;
    int first = r->records < ESTIMATE_AGAIN_AFTER;
    r->estimate_at = first ? ESTIMATE_AGAIN_AFTER : 0;
    if (done == 0 || size <= off)
        return;
    double more = (double)(size - off) / (double)done;
    double tables = first && more > ESTIMATE_FIRST_MAX ? ESTIMATE_FIRST_MAX : more;
    cmi_store_expect(r->ctx.st, r->mark, more * ESTIMATE_SLACK, tables);
    r->reserved = 1;
}

int cmi_run_set_kind(load_run *r, int kind, size_t off)
{
    if (r->ctx.kind >= 0 && r->ctx.kind != kind && r->opts->kind != CM_KIND_AUTO) {
        char found[96];
        snprintf(found, sizeof found, "a file of %s", kind == 0 ? "regions" : "enterprises");
        cmi_ctx_error(&r->ctx, cmi_run_line(r, off), cmi_run_column(r, off), 0, NULL,
                  r->ctx.kind == 0 ? "regions (--kind regions)"
                                   : "enterprises (--kind enterprises)",
                  found, NULL);
        r->fatal = 1;
        return -1;
    }
    r->ctx.kind = kind;
    return 0;
}

int cmi_run_need_kind(load_run *r, size_t off)
{
    if (r->ctx.kind >= 0)
        return 0;
    if (r->name_kind >= 0) {
        r->ctx.kind = r->name_kind;
        return 0;
    }
    cmi_ctx_error(&r->ctx, cmi_run_line(r, off), 0, 0, NULL, NULL, NULL,
              r->format == CM_FORMAT_JSON
                  ? "cannot tell whether this file holds regions or enterprises: give --kind "
                    "regions|enterprises, wrap the list as {\"regions\": [...]}, or name the "
                    "file regions*.json / enterprises*.json"
                  : "cannot tell whether this file holds regions or enterprises: give --kind "
                    "regions|enterprises, or start the file name with regions or enterprises");
    r->fatal = 1;
    return -1;
}

/* ---- rejects ------------------------------------------------------------- */

void cmi_run_reject(load_run *r, long record, unsigned long line, const char *raw,
                size_t raw_len, size_t diag_start)
{
    r->rejected++;
    if (r->rejects == NULL)
        return;
    textbuf b = BUF_INIT;
    cmi_buf_puts(&b, "{\"file\":");
    cmi_buf_json_string(&b, r->ctx.file, strlen(r->ctx.file));
    cmi_buf_printf(&b, ",\"record\":%ld,\"line\":%lu,\"errors\":[", record, line);
    const cm_diags *d = r->ctx.diags;
    size_t n = d ? d->count : 0;
    for (size_t i = diag_start; i < n; i++) {
        if (i > diag_start)
            cmi_buf_putc(&b, ',');
        cmi_buf_json_string(&b, d->items[i].message, strlen(d->items[i].message));
    }
    if (d && d->dropped)
        cmi_buf_puts(&b, n > diag_start ? ",\"(more problems: error limit reached)\""
                                    : "\"(problems not listed: error limit reached)\"");
    cmi_buf_puts(&b, "],\"text\":");
    cmi_buf_json_string(&b, raw, raw_len);
    cmi_buf_puts(&b, "}\n");
    if (b.nomem)
        r->ctx.nomem = 1;
    else
        fwrite(b.s, 1, b.len, r->rejects);
    cmi_buf_free(&b);
}

/* ---- choosing format and kind --------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static cm_format format_of(const char *path)
{
    if (ends_with(path, ".json"))
        return CM_FORMAT_JSON;
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
        return CM_FORMAT_JSONL;
    if (ends_with(path, ".csv"))
        return CM_FORMAT_CSV;
    return CM_FORMAT_AUTO;
}

static int kind_of_name(const char *path)
{
    const char *b = base_name(path);
    if (strncmp(b, "regions", 7) == 0)
        return 0;
    if (strncmp(b, "enterprises", 11) == 0)
        return 1;
    return -1;
}

/* ---- the load ------------------------------------------------------------- */

static cm_status load_source(cm_engine *e, const char *name, source *src,
                             const cm_load_options *o, cm_diags *diags)
{
    cm_load_options defaults;
    if (o == NULL) {
        cm_load_options_init(&defaults);
        o = &defaults;
    }
    cm_diags *own = NULL;
    if (diags == NULL) {
        own = cm_diags_new();
        if (own == NULL)
            return cmi_engine_fail(e, CM_ENOMEM, "out of memory");
        diags = own;
    }
    size_t first_diag = diags->count;
    size_t old_limit = diags->limit;
    diags->limit = first_diag + (o->max_errors ? o->max_errors : 100);

    cm_format fmt = o->format != CM_FORMAT_AUTO ? o->format : format_of(name);
    store *st = cmi_engine_store(e);
    store_mark mark = cmi_store_mark_now(st);
    load_run r;
    memset(&r, 0, sizeof r);
    r.ctx.st = st;
    r.ctx.file = name;
    r.ctx.diags = diags;
    r.ctx.kind = o->kind == CM_KIND_REGIONS ? 0 : o->kind == CM_KIND_ENTERPRISES ? 1 : -1;
    r.ctx.keep_first = o->duplicates == CM_DUPLICATES_KEEP_FIRST;
    r.name_kind = kind_of_name(name);
    r.format = fmt;
    r.opts = o;
    r.max_record = o->max_record_bytes ? o->max_record_bytes : (size_t)1 << 20;
    r.src = src;
    r.mark = mark;
    r.estimate_at = src->size >= ESTIMATE_MIN_SIZE ? ESTIMATE_AFTER : 0;
    if (cmi_src_fill(src, 0, 3) >= 3 && memcmp(src_at(src, 0), "\xef\xbb\xbf", 3) == 0)
        r.bom = 3;
    r.start = r.bom;

    cm_status st_out = CM_OK;
    file_out rejects_out = { 0 };
    if (fmt == CM_FORMAT_AUTO) {
        cmi_ctx_error(&r.ctx, 0, 0, 0, NULL, NULL, NULL,
                  "cannot tell the format from the file name: give --input-format "
                  "json|jsonl|csv or use the extension .json, .jsonl or .csv");
        st_out = CM_EINPUT;
        goto done;
    }
    {
        size_t i = r.start;
        int c;
        while ((c = cmi_src_byte(src, i)) == ' ' || c == '\t' || c == '\r' || c == '\n')
            i++;
        if (c < 0) {
            int f = cmi_run_src_failed(&r);
            if (f < 0)
                st_out = CM_ENOMEM;
            else if (f == 0)
                cmi_ctx_error(&r.ctx, 0, 0, 0, NULL, NULL, NULL,
                          i > r.start ? "the file holds only white space: expected profiles"
                                      : "the file is empty: expected profiles");
            if (st_out == CM_OK)
                st_out = CM_EINPUT;
            goto done;
        }
    }
    if (cmi_store_add_file(st, name, &r.ctx.file_index) < 0) {
        st_out = CM_ENOMEM;
        goto done;
    }
    if (o->skip_invalid && o->rejects_path) {
        cm_status so = cmi_file_out_open(&rejects_out, o->rejects_path);
        if (so != CM_OK) {
            cmi_engine_fail(e, so, "%s: cannot write the rejects file: %s", o->rejects_path,
                        strerror(errno));
            st_out = so == CM_ENOMEM ? CM_ENOMEM : CM_EIO;
            cmi_store_rollback(st, mark);
            goto out;
        }
        r.rejects = rejects_out.f;
    }

    int rc = fmt == CM_FORMAT_JSON ? cmi_load_json(&r) : fmt == CM_FORMAT_JSONL ? cmi_load_jsonl(&r)
                                                                            : cmi_load_csv(&r);
    if (rc >= 0 && cmi_run_src_failed(&r) < 0)
        rc = -1;
    if (rc < 0 || r.ctx.nomem)
        st_out = CM_ENOMEM;
    else if (r.fatal || (r.ctx.errors && !o->skip_invalid))
        st_out = CM_EINPUT;

done:
    if (st_out != CM_OK) {
        cmi_store_rollback(st, mark);
        if (st_out == CM_ENOMEM)
            cmi_engine_fail(e, CM_ENOMEM, "%s: out of memory while loading; nothing was loaded", name);
        else
            cmi_engine_fail(e, CM_EINPUT, "%s: %zu problem%s; nothing was loaded", name,
                        r.ctx.errors, r.ctx.errors == 1 ? "" : "s");
    } else if (r.ctx.errors) {
        cmi_engine_fail(e, CM_OK, "%s: %ld record%s rejected", name, r.rejected,
                    r.rejected == 1 ? "" : "s");
    }
    if (r.rejects) {
        if (st_out != CM_OK) {
            cmi_file_out_abort(&rejects_out);
        } else if (cmi_file_out_commit(&rejects_out) != CM_OK) {
            cmi_store_rollback(st, mark);
            cmi_engine_fail(e, CM_EIO, "%s: cannot write the rejects file: %s", o->rejects_path,
                        strerror(errno));
            st_out = CM_EIO;
        }
    }
    if (st_out == CM_OK)
        cmi_engine_loaded(e);
out:
    if (r.reserved && st_out != CM_OK)
        cmi_store_trim(st);       /* room made for a load that failed */
    diags->limit = old_limit;
    cm_diags_free(own);
    return st_out;
}

CM_API void cm_load_options_init(cm_load_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_errors = 100;
    o->max_record_bytes = (size_t)1 << 20;
}

CM_API cm_status cm_engine_load_buffer(cm_engine *e, const char *name, const void *data,
                                       size_t len, const cm_load_options *o, cm_diags *diags)
{
    if (e == NULL || (data == NULL && len))
        return CM_EUSAGE;
    source src;
    cmi_src_init_memory(&src, data ? data : "", len);
    return load_source(e, name ? name : "-", &src, o, diags);
}

static cm_status load_stream(cm_engine *e, const char *name, int fd, const cm_load_options *o,
                             cm_diags *diags)
{
    source src;
    if (cmi_src_init_fd(&src, fd, 0) < 0)
        return cmi_engine_fail(e, CM_ENOMEM, "%s: out of memory while loading; nothing was loaded",
                           name);
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
        off_t at = lseek(fd, 0, SEEK_CUR);
        if (at >= 0 && at < sb.st_size)
            src.size = (size_t)(sb.st_size - at);
    }
    cm_status s = load_source(e, name, &src, o, diags);
    cmi_src_free(&src);
    return s;
}

CM_API cm_status cm_engine_load_fd(cm_engine *e, const char *name, int fd,
                                   const cm_load_options *o, cm_diags *diags)
{
    if (e == NULL || fd < 0)
        return CM_EUSAGE;
    return load_stream(e, name ? name : "-", fd, o, diags);
}

CM_API cm_status cm_engine_load_file(cm_engine *e, const char *path,
                                     const cm_load_options *o, cm_diags *diags)
{
    if (e == NULL || path == NULL)
        return CM_EUSAGE;
    /* O_NONBLOCK: opening a FIFO that has no writer must not wait for one */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return cmi_engine_fail(e, errno == ENOMEM ? CM_ENOMEM : CM_EIO, "%s: cannot open: %s", path,
                           strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        int err = errno;
        close(fd);
        return cmi_engine_fail(e, CM_EIO, "%s: %s", path, strerror(err));
    }
    if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
        close(fd);
        return cmi_engine_fail(e, CM_EIO, "%s: %s", path,
                           S_ISDIR(sb.st_mode) ? "is a directory, not a file"
                                               : "is not a regular file or a pipe (a device "
                                                 "or a socket): give it on standard input "
                                                 "as '-'");
    }
    /* a pipe is read as a stream: blocking reads from here on (a FIFO with no
     * writer reads as empty at once, it never waits) */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    cm_status s = load_stream(e, path, fd, o, diags);
    close(fd);
    return s;
}
