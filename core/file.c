/*
 * file.c - reading whole files, writing outputs by the output-path rules
 * (temporary file, fsync, rename; symlinks followed; devices, FIFOs and
 * sockets written directly), removing temporaries of killed runs, SHA-256
 * as hex (see file.h).
 *
 * Base layer: depends on alloc.h and err.h, and on nettle for SHA-256.
 * Knows nothing of profiles, policies or feeds.
 */
#include "file.h"
#include "alloc.h"
#include "err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- reading ------------------------------------------------------------------ */

/* All of fd to its end, in a buffer grown from hint + 2 bytes (a file of
 * hint bytes, its NUL and room to see the end, without growing); NULL with
 * errno set (EFBIG beyond max bytes when max is not 0). fd stays open. */
static char *read_all(int fd, size_t max, size_t hint, size_t *len)
{
    size_t cap = hint + 2, got = 0;
    char *b = cm_malloc(cap);
    if (b == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (got + 1 >= cap) {
            char *nb = (max && cap > max) ? NULL : cm_realloc(b, cap * 2);
            if (nb == NULL) {
                cm_free(b);
                errno = max && cap > max ? EFBIG : ENOMEM;
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + got, cap - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int err = errno;
            cm_free(b);
            errno = err;
            return NULL;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (max && got > max) {
            cm_free(b);
            errno = EFBIG;
            return NULL;
        }
    }
    b[got] = '\0';
    *len = got;
    return b;
}

char *cmi_file_read(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        int err = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        close(fd);
        errno = err;
        return NULL;
    }
    size_t n = (size_t)sb.st_size;
    if ((max && n > max) || n == (size_t)-1) {
        close(fd);
        errno = EFBIG;
        return NULL;
    }
    char *b = read_all(fd, max, n, len);
    int err = errno;
    close(fd);
    if (b != NULL && *len != n) {     /* it changed while being read */
        cm_free(b);
        errno = EIO;
        return NULL;
    }
    errno = err;
    return b;
}

char *cmi_file_read_fd(int fd, size_t max, size_t *len)
{
    return read_all(fd, max, 65534, len);
}

/* ---- temporaries of killed runs ------------------------------------------------ */

/* "NAME.tmpPID" -> PID, or 0 when name is not one (of base, when given). */
static long temp_pid(const char *name, const char *base)
{
    const char *t = strstr(name, ".tmp");
    const char *last = NULL;
    while (t) {
        last = t;
        t = strstr(t + 1, ".tmp");
    }
    if (last == NULL || last == name || last[4] == '\0')
        return 0;
    if (base && (strlen(base) != (size_t)(last - name) || strncmp(name, base, strlen(base)) != 0))
        return 0;
    long pid = 0;
    for (const char *p = last + 4; *p; p++) {
        if (*p < '0' || *p > '9' || pid > 99999999)
            return 0;
        pid = pid * 10 + (*p - '0');
    }
    return pid;
}

static int process_gone(long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return 0;
    return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

static void sweep(const char *dir, const char *base)
{
    DIR *d = opendir(dir[0] ? dir : ".");
    if (d == NULL)
        return;
    int saved = errno;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        long pid = temp_pid(de->d_name, base);
        if (pid == 0 || !process_gone(pid))
            continue;
        size_t n = strlen(dir) + strlen(de->d_name) + 2;
        char *p = cm_malloc(n);
        if (p == NULL)
            break;
        snprintf(p, n, "%s%s%s", dir, dir[0] ? "/" : "", de->d_name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode))
            unlink(p);
        cm_free(p);
    }
    closedir(d);
    errno = saved;
}

void cmi_file_sweep_dir(const char *dir) { sweep(dir, NULL); }

void cmi_file_sweep_temps(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        sweep("", path);
        return;
    }
    char *dir = cm_strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (dir == NULL)
        return;
    sweep(dir, slash + 1);
    cm_free(dir);
}

/* ---- writing ------------------------------------------------------------------- */

static int fsync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? cm_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : cm_strdup(".");
    if (dir == NULL)
        return -1;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    cm_free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* The path a chain of symbolic links ends at (which may not exist yet), or
 * NULL with errno (ELOOP for a loop). */
static char *follow_links(const char *path)
{
    char *cur = cm_strdup(path);
    for (int hops = 0; cur != NULL; hops++) {
        struct stat sb;
        if (lstat(cur, &sb) < 0 || !S_ISLNK(sb.st_mode))
            return cur;
        if (hops == 40) {
            cm_free(cur);
            errno = ELOOP;
            return NULL;
        }
        size_t cap = (size_t)sb.st_size + 1 > 256 ? (size_t)sb.st_size + 1 : 256;
        char *to = cm_malloc(cap);
        ssize_t n = to ? readlink(cur, to, cap - 1) : -1;
        if (n < 0) {
            int err = to ? errno : ENOMEM;
            cm_free(to);
            cm_free(cur);
            errno = err;
            return NULL;
        }
        to[n] = '\0';
        const char *slash = strrchr(cur, '/');
        if (to[0] == '/' || slash == NULL) {
            cm_free(cur);
            cur = to;
            continue;
        }
        /* relative to the link's directory */
        size_t dl = (size_t)(slash - cur) + 1;
        char *next = cm_malloc(dl + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, dl);
            memcpy(next + dl, to, (size_t)n + 1);
        }
        cm_free(to);
        cm_free(cur);
        cur = next;
    }
    errno = ENOMEM;
    return NULL;
}

static int open_socket(const char *path)
{
    struct sockaddr_un sa;
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)&sa, sizeof sa) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* The message, with errno left at err for callers that word their own. */
static cm_status io_fail(int err, const char *path, const char *why)
{
    cmi_err_set(err == ENOMEM ? CM_ENOMEM : CM_EIO, "cannot write %s: %s", path,
            why ? why : strerror(err));
    errno = err;
    return err == ENOMEM ? CM_ENOMEM : CM_EIO;
}

cm_status cmi_file_out_open(file_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (path == NULL || path[0] == '\0') {
        errno = EINVAL;
        return cmi_err_set(CM_EUSAGE, "no output path given");
    }
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->is_stdout = 1;
        return CM_OK;
    }
    char *target = follow_links(path);
    if (target == NULL)
        return io_fail(errno, path, NULL);
    struct stat sb;
    int exists = stat(target, &sb) == 0, fd = -1, err = 0;
    const char *why = NULL;
    if (exists && S_ISDIR(sb.st_mode)) {
        err = EISDIR, why = "it is a directory; give the path of a file";
    } else if (exists && S_ISBLK(sb.st_mode)) {
        err = EINVAL, why = "it is a block device; give the path of a file";
    } else if (exists && (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode))) {
        /* written in place: replacing it would cut off whatever reads it */
        fd = S_ISSOCK(sb.st_mode) ? open_socket(target)
                                  : open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL)
            err = errno;
    } else if (exists && !S_ISREG(sb.st_mode)) {
        err = EINVAL, why = "not a regular file";
    } else {
        cmi_file_sweep_temps(target);
        size_t n = strlen(target) + 32;
        o->tmp = cm_malloc(n);
        if (o->tmp == NULL) {
            err = ENOMEM;
        } else {
            snprintf(o->tmp, n, "%s.tmp%ld", target, (long)getpid());
            unlink(o->tmp);    /* left by an earlier process with this pid */
            fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL) {
                err = errno;
                if (fd >= 0)
                    unlink(o->tmp);
            } else if ((o->name = cm_strdup(path)) == NULL) {
                fclose(o->f);
                o->f = NULL;
                fd = -1;
                unlink(o->tmp);
                err = ENOMEM;
            } else {
                o->target = target;
                return CM_OK;
            }
        }
    }
    if (err == 0) {
        cm_free(target);
        if ((o->name = cm_strdup(path)) == NULL) {
            fclose(o->f);
            memset(o, 0, sizeof *o);
            return io_fail(ENOMEM, path, NULL);
        }
        return CM_OK;
    }
    if (o->f == NULL && fd >= 0)
        close(fd);
    cm_free(o->tmp);
    cm_free(target);
    memset(o, 0, sizeof *o);
    return io_fail(err, path, why);
}

static void out_clear(file_out *o)
{
    cm_free(o->target);
    cm_free(o->tmp);
    cm_free(o->name);
    memset(o, 0, sizeof *o);
}

cm_status cmi_file_out_commit(file_out *o)
{
    if (o->f == NULL) {
        errno = EINVAL;
        return cmi_err_set(CM_EUSAGE, "output not open");
    }
    if (o->is_stdout) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        int err = errno ? errno : EIO;
        out_clear(o);
        return bad ? io_fail(err, "the standard output", NULL) : CM_OK;
    }
    int bad = fflush(o->f) != 0 || ferror(o->f);
    int err = bad ? (errno ? errno : EIO) : 0;
    if (!bad && o->tmp && fsync(fileno(o->f)) < 0)
        bad = 1, err = errno;
    if (fclose(o->f) != 0 && !bad)
        bad = 1, err = errno;
    o->f = NULL;
    if (!bad && o->tmp && rename(o->tmp, o->target) < 0)
        bad = 1, err = errno;
    if (!bad && o->tmp)
        fsync_dir_of(o->target);
    if (bad && o->tmp)
        unlink(o->tmp);
    char *what = o->name;
    o->name = NULL;
    out_clear(o);
    cm_status s = bad ? io_fail(err, what ? what : "the output", NULL) : CM_OK;
    cm_free(what);
    return s;
}

void cmi_file_out_abort(file_out *o)
{
    if (o->f && !o->is_stdout)
        fclose(o->f);
    else if (o->f)
        fflush(o->f);
    if (o->tmp)
        unlink(o->tmp);
    out_clear(o);
}

int cmi_file_write(const char *path, const void *data, size_t len)
{
    file_out o;
    if (cmi_file_out_open(&o, path) != CM_OK)
        return -1;
    if (len && fwrite(data, 1, len, o.f) != len) {
        int err = errno;
        cmi_file_out_abort(&o);
        cmi_err_set(CM_EIO, "cannot write %s: %s", path, strerror(err));
        errno = err;
        return -1;
    }
    return cmi_file_out_commit(&o) == CM_OK ? 0 : -1;
}

/* ---- SHA-256 ----------------------------------------------------------------------- */

void cmi_file_hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void cmi_file_sha256_hex(const void *data, size_t len, char hex[65])
{
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof d, d);
    cmi_file_hex(d, sizeof d, hex);
}

cm_status cmi_file_sha256_path(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return cmi_err_set(CM_EIO, "cannot read %s: %s", path, strerror(errno));
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char b[65536];
    size_t n;
    while ((n = fread(b, 1, sizeof b, f)) > 0)
        sha256_update(&ctx, n, b);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return cmi_err_set(CM_EIO, "cannot read %s", path);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    cmi_file_hex(d, sizeof d, hex);
    return CM_OK;
}

/* ---- the public face: cm_output ------------------------------------------------- */

struct cm_output {
    file_out out;
};

CM_API cm_output *cm_output_open(const char *path, cm_status *status)
{
    cm_status dummy;
    if (status == NULL)
        status = &dummy;
    cm_output *o = cm_calloc(1, sizeof *o);
    if (o == NULL) {
        *status = cmi_err_set(CM_ENOMEM, "out of memory");
        return NULL;
    }
    *status = cmi_file_out_open(&o->out, path);
    if (*status != CM_OK) {
        cm_free(o);
        return NULL;
    }
    return o;
}

CM_API FILE *cm_output_stream(cm_output *o) { return o ? o->out.f : NULL; }

CM_API cm_status cm_output_close(cm_output *o)
{
    if (o == NULL)
        return CM_EUSAGE;
    cm_status s = cmi_file_out_commit(&o->out);
    cm_free(o);
    return s;
}

CM_API void cm_output_discard(cm_output *o)
{
    if (o == NULL)
        return;
    cmi_file_out_abort(&o->out);
    cm_free(o);
}
