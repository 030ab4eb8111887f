/*
 * feedsrv.c - the HTTP(S) server the feed tests fetch from (libmicrohttpd,
 * loopback only, a port chosen by the kernel and written to --port-file).
 * Each path is one behaviour; every request is logged to --log as
 *   PATH?QUERY STATUS inm=IF-NONE-MATCH ims=IF-MODIFIED-SINCE ae=ACCEPT-ENCODING auth=yes|no
 *
 *   /files/NAME                 ROOT/NAME with ETag and Last-Modified; 304 when they match
 *   /status/CODE[?retry_after=S] always CODE (an HTML error page)
 *   /flaky/N/CODE/NAME[?retry_after=S]  CODE for the first N requests, then /files/NAME
 *   /gzip/NAME, /deflate/NAME   NAME compressed (Content-Encoding), no ETag
 *   /slow/NAME?chunk=B&delay_ms=D  NAME in chunks of B bytes, D ms apart
 *   /big?bytes=N[&cl=1]          N bytes of JSON-looking text, chunked (or with Content-Length)
 *   /redirect/loop, /redirect/file, /redirect/to/NAME   302s
 *   /pages/NAME?per=P&page=K&style=body|link   the JSON list NAME in pages of P records
 *   /auth/NAME                  /files/NAME when "Authorization: Bearer $FEEDSRV_TOKEN", else 401
 *
 * usage: feedsrv --root DIR --port-file FILE --log FILE [--tls CERT KEY]
 */
#define _GNU_SOURCE
#include <microhttpd.h>
#include <zlib.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *root;
static FILE *logf;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* per-path request counters for /flaky */
static struct { char path[256]; int n; } counters[64];

static int count(const char *path)
{
    pthread_mutex_lock(&mu);
    int n = 0;
    for (int i = 0; i < 64; i++) {
        if (counters[i].path[0] == '\0') {
            snprintf(counters[i].path, sizeof counters[i].path, "%s", path);
            n = ++counters[i].n;
            break;
        }
        if (strcmp(counters[i].path, path) == 0) {
            n = ++counters[i].n;
            break;
        }
    }
    pthread_mutex_unlock(&mu);
    return n;
}

static char *read_file(const char *name, size_t *len, time_t *mtime)
{
    if (strstr(name, "..") || strchr(name, '/'))
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct stat sb;
    fstat(fileno(f), &sb);
    if (mtime)
        *mtime = sb.st_mtime;
    char *buf = malloc((size_t)sb.st_size + 1);
    *len = fread(buf, 1, (size_t)sb.st_size, f);
    fclose(f);
    return buf;
}

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".json") == 0)
        return "application/json";
    if (dot && strcmp(dot, ".jsonl") == 0)
        return "application/x-ndjson";
    if (dot && strcmp(dot, ".csv") == 0)
        return "text/csv";
    return "application/octet-stream";
}

static const char *hdr(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static void log_request(struct MHD_Connection *c, const char *url, unsigned status)
{
    char query[512] = "";
    const char *keys[] = { "page", "per", "style", "bytes", "cl", "chunk", "delay_ms",
                           "retry_after", NULL };
    size_t o = 0;
    for (int i = 0; keys[i]; i++) {
        const char *v = arg(c, keys[i]);
        if (v)
            o += (size_t)snprintf(query + o, sizeof query - o, "%s%s=%s", o ? "&" : "?",
                                  keys[i], v);
    }
    const char *inm = hdr(c, "If-None-Match"), *ims = hdr(c, "If-Modified-Since");
    const char *ae = hdr(c, "Accept-Encoding"), *auth = hdr(c, "Authorization");
    pthread_mutex_lock(&mu);
    fprintf(logf, "%s%s %u inm=%s ims=%s ae=%s auth=%s\n", url, query, status,
            inm ? inm : "-", ims ? ims : "-", ae ? ae : "-", auth ? "yes" : "no");
    fflush(logf);
    pthread_mutex_unlock(&mu);
}

static enum MHD_Result send_buf(struct MHD_Connection *c, const char *url, unsigned status,
                                const void *data, size_t len, const char *type,
                                const char *const *headers)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (type)
        MHD_add_response_header(r, "Content-Type", type);
    for (int i = 0; headers && headers[i]; i += 2)
        MHD_add_response_header(r, headers[i], headers[i + 1]);
    log_request(c, url, status);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result error_page(struct MHD_Connection *c, const char *url, unsigned code)
{
    char body[256];
    snprintf(body, sizeof body, "<html><body><h1>Error %u</h1><p>the portal is having a bad "
             "day</p></body></html>\n", code);
    const char *ra = arg(c, "retry_after");
    const char *h[] = { "Retry-After", ra, NULL };
    return send_buf(c, url, code, body, strlen(body), "text/html", ra ? h : NULL);
}

static enum MHD_Result serve_file(struct MHD_Connection *c, const char *url, const char *name)
{
    size_t len;
    time_t mtime;
    char *data = read_file(name, &len, &mtime);
    if (data == NULL)
        return error_page(c, url, 404);
    uint64_t h = 1469598103934665603ULL;       /* FNV-1a: the ETag */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)data[i]) * 1099511628211ULL;
    char etag[40], lm[64];
    snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)h);
    struct tm tm;
    gmtime_r(&mtime, &tm);
    strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    const char *inm = hdr(c, "If-None-Match"), *ims = hdr(c, "If-Modified-Since");
    const char *h2[] = { "ETag", etag, "Last-Modified", lm, NULL };
    if ((inm && strcmp(inm, etag) == 0) || (!inm && ims && strcmp(ims, lm) == 0)) {
        free(data);
        return send_buf(c, url, 304, "", 0, NULL, h2);
    }
    enum MHD_Result r = send_buf(c, url, 200, data, len, type_of(name), h2);
    free(data);
    return r;
}

static enum MHD_Result serve_compressed(struct MHD_Connection *c, const char *url,
                                        const char *name, int gzip)
{
    size_t len;
    char *data = read_file(name, &len, NULL);
    if (data == NULL)
        return error_page(c, url, 404);
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 9, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&z, (uLong)len);
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t olen = z.total_out;
    deflateEnd(&z);
    const char *h[] = { "Content-Encoding", gzip ? "gzip" : "deflate", NULL };
    enum MHD_Result r = send_buf(c, url, 200, out, olen, type_of(name), h);
    free(out);
    free(data);
    return r;
}

/* ---- streamed bodies ---------------------------------------------------------- */

typedef struct stream {
    char *data;
    size_t len;
    size_t chunk;
    long delay_ms;
    int generated;            /* /big: make text up to len */
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *s = cls;
    if (pos >= s->len)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (s->delay_ms && pos > 0) {
        struct timespec ts = { s->delay_ms / 1000, (s->delay_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
    size_t n = s->len - (size_t)pos;
    if (n > s->chunk)
        n = s->chunk;
    if (n > max)
        n = max;
    if (s->generated) {
        for (size_t i = 0; i < n; i++)
            buf[i] = pos + i == 0 ? '[' : "{\"id\":\"x\"},"[(pos + i) % 11];
    } else {
        memcpy(buf, s->data + pos, n);
    }
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    stream *s = cls;
    free(s->data);
    free(s);
}

static enum MHD_Result serve_stream(struct MHD_Connection *c, const char *url, stream *s,
                                    int with_length, const char *type)
{
    struct MHD_Response *r = MHD_create_response_from_callback(
        with_length ? s->len : MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free);
    MHD_add_response_header(r, "Content-Type", type);
    log_request(c, url, 200);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- pages ------------------------------------------------------------------------ */

/* The JSON list in NAME is written one record a line (as the fixtures are):
 * records are the lines that start with '{'. */
static enum MHD_Result serve_page(struct MHD_Connection *c, const char *url, const char *name)
{
    size_t len;
    char *data = read_file(name, &len, NULL);
    if (data == NULL)
        return error_page(c, url, 404);
    const char *per_s = arg(c, "per"), *page_s = arg(c, "page"), *style = arg(c, "style");
    int per = per_s ? atoi(per_s) : 2, page = page_s ? atoi(page_s) : 1;
    int link = style && strcmp(style, "link") == 0;
    char *recs[256];
    int n = 0;
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line && n < 256;
         line = strtok_r(NULL, "\n", &save))
        if (line[0] == '{') {
            size_t l = strlen(line);
            if (l && line[l - 1] == ',')
                line[l - 1] = '\0';
            recs[n++] = line;
        }
    size_t cap = len + 1024, o = 0;
    char *out = malloc(cap);
    o += (size_t)snprintf(out + o, cap - o, link ? "[" : "{\"data\":[");
    int first = (page - 1) * per;
    for (int i = first; i < first + per && i < n; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s\n%s", i > first ? "," : "", recs[i]);
    char next[512] = "";
    if (first + per < n)
        snprintf(next, sizeof next, "/pages/%s?per=%d&page=%d&style=%s", name, per, page + 1,
                 link ? "link" : "body");
    if (link)
        o += (size_t)snprintf(out + o, cap - o, "\n]\n");
    else if (next[0])
        o += (size_t)snprintf(out + o, cap - o, "\n],\"links\":{\"next\":\"%s\"}}\n", next);
    else
        o += (size_t)snprintf(out + o, cap - o, "\n],\"links\":{\"next\":null}}\n");
    char lh[600], etag[40];
    snprintf(lh, sizeof lh, "<%s>; rel=\"next\", </pages/%s>; rel=\"first\"", next, name);
    uint64_t fnv = 1469598103934665603ULL;
    for (size_t i = 0; i < o; i++)
        fnv = (fnv ^ (unsigned char)out[i]) * 1099511628211ULL;
    snprintf(etag, sizeof etag, "\"p%016llx\"", (unsigned long long)fnv);
    const char *h[] = { "ETag", etag, "Link", lh, NULL };
    if (!(link && next[0]))
        h[2] = NULL;
    const char *inm = hdr(c, "If-None-Match");
    enum MHD_Result r = inm && strcmp(inm, etag) == 0
                            ? send_buf(c, url, 304, "", 0, NULL, h)
                            : send_buf(c, url, 200, out, o, "application/json", h);
    free(out);
    free(data);
    return r;
}

/* ---- dispatch ------------------------------------------------------------------------ */

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)state;
    if (strcmp(method, "GET") != 0)
        return error_page(c, url, 405);
    if (strncmp(url, "/files/", 7) == 0)
        return serve_file(c, url, url + 7);
    if (strncmp(url, "/status/", 8) == 0)
        return error_page(c, url, (unsigned)atoi(url + 8));
    if (strncmp(url, "/flaky/", 7) == 0) {
        int n, code, used;
        if (sscanf(url + 7, "%d/%d/%n", &n, &code, &used) == 2) {
            if (count(url) <= n)
                return error_page(c, url, (unsigned)code);
            return serve_file(c, url, url + 7 + used);
        }
    }
    if (strncmp(url, "/gzip/", 6) == 0)
        return serve_compressed(c, url, url + 6, 1);
    if (strncmp(url, "/deflate/", 9) == 0)
        return serve_compressed(c, url, url + 9, 0);
    if (strncmp(url, "/slow/", 6) == 0) {
        stream *s = calloc(1, sizeof *s);
        s->data = read_file(url + 6, &s->len, NULL);
        if (s->data == NULL) {
            free(s);
            return error_page(c, url, 404);
        }
        s->chunk = arg(c, "chunk") ? (size_t)atol(arg(c, "chunk")) : 100;
        s->delay_ms = arg(c, "delay_ms") ? atol(arg(c, "delay_ms")) : 200;
        return serve_stream(c, url, s, 0, type_of(url + 6));
    }
    if (strcmp(url, "/big") == 0) {
        stream *s = calloc(1, sizeof *s);
        s->len = arg(c, "bytes") ? (size_t)atol(arg(c, "bytes")) : 1000000;
        s->chunk = 65536;
        s->generated = 1;
        return serve_stream(c, url, s, arg(c, "cl") != NULL, "application/json");
    }
    if (strcmp(url, "/redirect/loop") == 0 || strcmp(url, "/redirect/loop2") == 0) {
        const char *h[] = { "Location", strcmp(url, "/redirect/loop") == 0 ? "/redirect/loop2"
                                                                           : "/redirect/loop",
                            NULL };
        return send_buf(c, url, 302, "", 0, "text/plain", h);
    }
    if (strcmp(url, "/redirect/file") == 0) {
        const char *h[] = { "Location", "file:///etc/passwd", NULL };
        return send_buf(c, url, 302, "", 0, "text/plain", h);
    }
    if (strncmp(url, "/redirect/to/", 13) == 0) {
        char loc[512];
        snprintf(loc, sizeof loc, "/files/%s", url + 13);
        const char *h[] = { "Location", loc, NULL };
        return send_buf(c, url, 302, "", 0, "text/plain", h);
    }
    if (strncmp(url, "/pages/", 7) == 0)
        return serve_page(c, url, url + 7);
    if (strncmp(url, "/auth/", 6) == 0) {
        const char *want = getenv("FEEDSRV_TOKEN"), *got = hdr(c, "Authorization");
        char expect[512];
        snprintf(expect, sizeof expect, "Bearer %s", want ? want : "");
        if (want == NULL || got == NULL || strcmp(got, expect) != 0)
            return error_page(c, url, 401);
        return serve_file(c, url, url + 6);
    }
    return error_page(c, url, 404);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *log_path = NULL, *cert = NULL, *key = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc)
            port_file = argv[++i];
        else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
            log_path = argv[++i];
        else if (strcmp(argv[i], "--tls") == 0 && i + 2 < argc) {
            cert = argv[++i];
            key = argv[++i];
        } else {
            fprintf(stderr, "usage: feedsrv --root DIR --port-file FILE --log FILE "
                            "[--tls CERT KEY]\n");
            return 2;
        }
    }
    if (!root || !port_file || !log_path)
        return 2;
    logf = fopen(log_path, "a");
    if (logf == NULL) {
        perror(log_path);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    socklen_t sl = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
        perror("feedsrv: listen");
        return 2;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d;
    if (cert) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            fprintf(stderr, "feedsrv: libmicrohttpd has no TLS support\n");
            return 3;
        }
        char *c = slurp(cert), *k = slurp(key);
        d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handle, NULL,
                             MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_HTTPS_MEM_CERT, c,
                             MHD_OPTION_HTTPS_MEM_KEY, k, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                             MHD_OPTION_END);
    } else {
        d = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
                             MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    }
    if (d == NULL) {
        fprintf(stderr, "feedsrv: cannot start the daemon\n");
        return 2;
    }
    /* the port, written whole: the test waits for the file */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    FILE *pf = fopen(tmp, "w");
    fprintf(pf, "%u\n", (unsigned)ntohs(sa.sin_port));
    fclose(pf);
    rename(tmp, port_file);
    for (;;)
        pause();
}
