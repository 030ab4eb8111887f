/*
 * load.c - loading one source of profiles into an engine's store: reading
 * the file (mmap), choosing format and kind, the all-or-nothing rule, and
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- line map -------------------------------------------------------------- */

unsigned long run_line(load_run *r, size_t off)
{
    if (off > r->len)
        off = r->len;
    if (off < r->lm_off) {
        r->lm_off = 0;
        r->lm_line = 1;
        r->lm_line_start = 0;
    }
    const char *p = r->data + r->lm_off, *end = r->data + off;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            break;
        r->lm_line++;
        r->lm_line_start = (size_t)(nl + 1 - r->data);
        p = nl + 1;
    }
    r->lm_off = off;
    return r->lm_line;
}

unsigned long run_column(load_run *r, size_t off)
{
    run_line(r, off);
    unsigned long col = 1;
    for (size_t i = r->lm_line_start; i < off && i < r->len; i++)
        if (((unsigned char)r->data[i] & 0xc0) != 0x80)
            col++;
    /* the BOM is not a character of the first line */
    return col;
}

int run_set_kind(load_run *r, int kind, size_t off)
{
    if (r->ctx.kind >= 0 && r->ctx.kind != kind && r->opts->kind != CM_KIND_AUTO) {
        char found[96];
        snprintf(found, sizeof found, "a file of %s", kind == 0 ? "regions" : "enterprises");
        ctx_error(&r->ctx, run_line(r, off), run_column(r, off), 0, NULL,
                  r->ctx.kind == 0 ? "regions (--kind regions)"
                                   : "enterprises (--kind enterprises)",
                  found, NULL);
        r->fatal = 1;
        return -1;
    }
    r->ctx.kind = kind;
    return 0;
}

int run_need_kind(load_run *r, size_t off)
{
    if (r->ctx.kind >= 0)
        return 0;
    if (r->name_kind >= 0) {
        r->ctx.kind = r->name_kind;
        return 0;
    }
    ctx_error(&r->ctx, run_line(r, off), 0, 0, NULL, NULL, NULL,
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

void run_reject(load_run *r, long record, unsigned long line, const char *raw,
                size_t raw_len, size_t diag_start)
{
    r->rejected++;
    if (r->rejects == NULL)
        return;
    textbuf b = BUF_INIT;
    buf_puts(&b, "{\"file\":");
    buf_json_string(&b, r->ctx.file, strlen(r->ctx.file));
    buf_printf(&b, ",\"record\":%ld,\"line\":%lu,\"errors\":[", record, line);
    const cm_diags *d = r->ctx.diags;
    size_t n = d ? d->count : 0;
    for (size_t i = diag_start; i < n; i++) {
        if (i > diag_start)
            buf_putc(&b, ',');
        buf_json_string(&b, d->items[i].message, strlen(d->items[i].message));
    }
    if (d && d->dropped)
        buf_puts(&b, n > diag_start ? ",\"(more problems: error limit reached)\""
                                    : "\"(problems not listed: error limit reached)\"");
    buf_puts(&b, "],\"text\":");
    buf_json_string(&b, raw, raw_len);
    buf_puts(&b, "}\n");
    if (b.nomem)
        r->ctx.nomem = 1;
    else
        fwrite(b.s, 1, b.len, r->rejects);
    buf_free(&b);
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

static cm_status load_source(cm_engine *e, const char *name, const char *data, size_t len,
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
            return engine_fail(e, CM_ENOMEM, "out of memory");
        diags = own;
    }
    size_t first_diag = diags->count;
    size_t old_limit = diags->limit;
    diags->limit = first_diag + (o->max_errors ? o->max_errors : 100);

    cm_format fmt = o->format != CM_FORMAT_AUTO ? o->format : format_of(name);
    store *st = engine_store(e);
    store_mark mark = store_mark_now(st);
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
    r.lm_line = 1;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        r.bom = 3;
    r.data = data + r.bom;
    r.len = len - r.bom;

    cm_status st_out = CM_OK;
    file_out rejects_out = { 0 };
    if (fmt == CM_FORMAT_AUTO) {
        ctx_error(&r.ctx, 0, 0, 0, NULL, NULL, NULL,
                  "cannot tell the format from the file name: give --input-format "
                  "json|jsonl|csv or use the extension .json, .jsonl or .csv");
        st_out = CM_EINPUT;
        goto done;
    }
    {
        size_t i = 0;
        while (i < r.len && (r.data[i] == ' ' || r.data[i] == '\t' || r.data[i] == '\r' ||
                             r.data[i] == '\n'))
            i++;
        if (i == r.len) {
            ctx_error(&r.ctx, 0, 0, 0, NULL, NULL, NULL,
                      r.len ? "the file holds only white space: expected profiles"
                            : "the file is empty: expected profiles");
            st_out = CM_EINPUT;
            goto done;
        }
    }
    if (store_add_file(st, name, &r.ctx.file_index) < 0) {
        st_out = CM_ENOMEM;
        goto done;
    }
    if (o->skip_invalid && o->rejects_path) {
        cm_status so = file_out_open(&rejects_out, o->rejects_path);
        if (so != CM_OK) {
            engine_fail(e, so, "%s: cannot write the rejects file: %s", o->rejects_path,
                        strerror(errno));
            st_out = so == CM_ENOMEM ? CM_ENOMEM : CM_EIO;
            store_rollback(st, mark);
            goto out;
        }
        r.rejects = rejects_out.f;
    }

    int rc = fmt == CM_FORMAT_JSON ? load_json(&r) : fmt == CM_FORMAT_JSONL ? load_jsonl(&r)
                                                                            : load_csv(&r);
    if (rc < 0 || r.ctx.nomem)
        st_out = CM_ENOMEM;
    else if (r.fatal || (r.ctx.errors && !o->skip_invalid))
        st_out = CM_EINPUT;

done:
    if (st_out != CM_OK) {
        store_rollback(st, mark);
        if (st_out == CM_ENOMEM)
            engine_fail(e, CM_ENOMEM, "%s: out of memory while loading; nothing was loaded", name);
        else
            engine_fail(e, CM_EINPUT, "%s: %zu problem%s; nothing was loaded", name,
                        r.ctx.errors, r.ctx.errors == 1 ? "" : "s");
    } else if (r.ctx.errors) {
        engine_fail(e, CM_OK, "%s: %ld record%s rejected", name, r.rejected,
                    r.rejected == 1 ? "" : "s");
    }
    if (r.rejects) {
        if (st_out != CM_OK) {
            file_out_abort(&rejects_out);
        } else if (file_out_commit(&rejects_out) != CM_OK) {
            store_rollback(st, mark);
            engine_fail(e, CM_EIO, "%s: cannot write the rejects file: %s", o->rejects_path,
                        strerror(errno));
            st_out = CM_EIO;
        }
    }
    if (st_out == CM_OK)
        engine_loaded(e);
out:
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
    return load_source(e, name ? name : "-", data ? data : "", len, o, diags);
}

CM_API cm_status cm_engine_load_file(cm_engine *e, const char *path,
                                     const cm_load_options *o, cm_diags *diags)
{
    if (e == NULL || path == NULL)
        return CM_EUSAGE;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return engine_fail(e, CM_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        int err = errno;
        close(fd);
        return engine_fail(e, CM_EIO, "%s: %s", path, strerror(err));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return engine_fail(e, CM_EIO, "%s: %s", path,
                           S_ISDIR(sb.st_mode) ? "is a directory, not a file"
                                               : "is not a regular file (a pipe or a device): "
                                                 "give it on standard input as '-'");
    }
    size_t len = (size_t)sb.st_size;
    const char *data = "";
    void *map = NULL;
    if (len) {
        map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            int err = errno;
            close(fd);
            return engine_fail(e, CM_EIO, "%s: cannot read: %s", path, strerror(err));
        }
        posix_madvise(map, len, POSIX_MADV_SEQUENTIAL);
        data = map;
    }
    close(fd);
    cm_status s = load_source(e, path, data, len, o, diags);
    if (map)
        munmap(map, len);
    return s;
}
