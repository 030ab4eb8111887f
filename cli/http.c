/*
 * http.c - the HTTP server of capmatch serve, over libmicrohttpd (a thread
 * per connection, polled by an internal thread).
 *
 * Owns the connections: it gathers a request's body up to the limit,
 * refuses what is over the limits (413 body too large, 429 too many
 * requests at once) before the handler sees it, and sends what the handler
 * wrote; over HTTPS when given a certificate and key (GnuTLS, through
 * libmicrohttpd; checked with GnuTLS first, for a message that says what is
 * wrong with them). The only file of the command that includes
 * microhttpd.h or gnutls.h.
 */
#include "http.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct http_server {
    struct MHD_Daemon *d;
    http_options o;
    atomic_uint in_flight;
    unsigned port;
};

struct http_request {
    http_server *s;
    struct MHD_Connection *c;
    const char *method, *path;
    char *body;
    size_t len, cap;
    int refused;              /* 413 or 429: answered without the handler */
    int counted;              /* in in_flight */
    int exempt;               /* not refused for max_requests */
    size_t too_large;         /* bytes of a body over the limit, dropped */
    struct timespec start;
    char remote[64];
};

static double now_since(const struct timespec *t)
{
    struct timespec n;
    clock_gettime(CLOCK_MONOTONIC, &n);
    return (double)(n.tv_sec - t->tv_sec) + (double)(n.tv_nsec - t->tv_nsec) / 1e9;
}

static enum MHD_Result respond(struct MHD_Connection *c, http_response *rs)
{
    static const char fallback[] =
        "{\"error\":{\"status\":500,\"message\":\"out of memory\"}}";
    const char *body = rs->body ? rs->body : fallback;
    size_t len = rs->body ? rs->len : sizeof fallback - 1;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body,
                                                             MHD_RESPMEM_MUST_COPY);
    free(rs->body);
    rs->body = NULL;
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rs->content_type ? rs->content_type : "application/json");
    if (rs->allow[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
    if (rs->auth_challenge)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result refuse(http_request *rq, int status, const char *message)
{
    http_response rs;
    memset(&rs, 0, sizeof rs);
    rs.status = status;
    char buf[256];
    int n = snprintf(buf, sizeof buf, "{\"error\":{\"status\":%d,\"message\":\"%s\"}}", status,
                     message);
    rs.body = malloc((size_t)n + 1);
    if (rs.body) {
        memcpy(rs.body, buf, (size_t)n + 1);
        rs.len = (size_t)n;
    }
    rq->refused = status;
    if (rq->s->o.refused)
        rq->s->o.refused(rq, status, rq->s->o.ud);
    return respond(rq->c, &rs);
}

static void client_address(http_request *rq)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(rq->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(rq->remote, sizeof rq->remote, "-");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  rq->remote, sizeof rq->remote);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  rq->remote, sizeof rq->remote);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **ctx)
{
    (void)version;
    http_server *s = cls;
    http_request *rq = *ctx;
    if (rq == NULL) {                       /* the headers have arrived */
        rq = calloc(1, sizeof *rq);
        if (rq == NULL)
            return MHD_NO;
        *ctx = rq;
        rq->s = s;
        rq->c = c;
        rq->method = method;
        rq->path = url;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        client_address(rq);
        for (const char *const *p = s->o.exempt; p && *p; p++)
            if (strcmp(*p, url) == 0)
                rq->exempt = 1;
        rq->counted = 1;
        if (atomic_fetch_add(&s->in_flight, 1) + 1 > s->o.max_requests && !rq->exempt)
            return refuse(rq, 429, "too many requests at once; try again shortly");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > s->o.max_body)
            return refuse(rq, 413, "the request body is over the limit (--max-body)");
        return MHD_YES;
    }
    if (rq->refused)
        return MHD_YES;                     /* answered already: drop the rest */
    if (*upload_size) {                     /* a piece of the body */
        size_t n = *upload_size;
        *upload_size = 0;
        if (rq->too_large || rq->len + n > s->o.max_body) {
            /* a body of unknown length (chunked) over the limit: read to its end
             * and answer 413 then (a client still sending would not see an
             * answer sent now), unless it goes on far too long */
            rq->too_large += n;
            if (rq->too_large > 64 * s->o.max_body)
                return refuse(rq, 413, "the request body is over the limit (--max-body)");
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t cap = rq->cap ? rq->cap : 4096;
            while (cap < rq->len + n + 1)
                cap *= 2;
            char *b = realloc(rq->body, cap);
            if (b == NULL)
                return MHD_NO;
            rq->body = b;
            rq->cap = cap;
        }
        memcpy(rq->body + rq->len, upload, n);
        rq->len += n;
        rq->body[rq->len] = '\0';
        return MHD_YES;
    }
    if (rq->too_large)
        return refuse(rq, 413, "the request body is over the limit (--max-body)");
    http_response rs;
    memset(&rs, 0, sizeof rs);
    rs.status = 500;
    s->o.handler(rq, &rs, s->o.ud);
    return respond(c, &rs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
                         enum MHD_RequestTerminationCode why)
{
    (void)c;
    (void)why;
    http_server *s = cls;
    http_request *rq = *ctx;
    if (rq == NULL)
        return;
    if (rq->counted)
        atomic_fetch_sub(&s->in_flight, 1);
    free(rq->body);
    free(rq);
    *ctx = NULL;
}

int http_tls_check(const http_options *o, char *err, size_t errlen)
{
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "TLS: this libmicrohttpd was built without HTTPS support");
        return -1;
    }
    gnutls_certificate_credentials_t cred;
    if (gnutls_certificate_allocate_credentials(&cred) < 0) {
        snprintf(err, errlen, "TLS: out of memory");
        return -1;
    }
    gnutls_datum_t cert = { (unsigned char *)(uintptr_t)o->tls_cert,
                            (unsigned)strlen(o->tls_cert) };
    gnutls_datum_t key = { (unsigned char *)(uintptr_t)o->tls_key,
                           (unsigned)strlen(o->tls_key) };
    int rc = gnutls_certificate_set_x509_key_mem(cred, &cert, &key, GNUTLS_X509_FMT_PEM);
    gnutls_certificate_free_credentials(cred);
    if (rc < 0) {
        snprintf(err, errlen, "TLS: %s", gnutls_strerror(rc));
        return -1;
    }
    return 0;
}

http_server *http_start(const http_options *o, char *err, size_t errlen)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_ITC;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, o->host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)o->port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, o->host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)o->port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "--listen: '%s' is not a numeric IPv4 or IPv6 address", o->host);
        return NULL;
    }
    int tls = o->tls_cert != NULL;
    if (tls) {
        if (http_tls_check(o, err, errlen) < 0)
            return NULL;
        flags |= MHD_USE_TLS;
    }
    http_server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->o = *o;
    atomic_init(&s->in_flight, 0);
    /* the certificate options last, only when serving HTTPS: MHD_OPTION_END
     * in their place ends the list for plain HTTP */
    s->d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, sa,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header,
                            MHD_OPTION_CONNECTION_LIMIT, o->max_requests * 2 + 16,
                            tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, o->tls_cert,
                            MHD_OPTION_HTTPS_MEM_KEY, o->tls_key,
                            MHD_OPTION_END);
    if (s->d == NULL) {
        snprintf(err, errlen, "cannot listen on %s port %u (in use, or not an address of "
                 "this machine)", o->host, o->port);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : o->port;
    return s;
}

unsigned http_port(const http_server *s) { return s->port; }

void http_quiesce(http_server *s)
{
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
}

unsigned http_in_flight(const http_server *s) { return atomic_load(&s->in_flight); }

void http_stop(http_server *s)
{
    if (s == NULL)
        return;
    MHD_stop_daemon(s->d);
    free(s);
}

const char *http_method(const http_request *rq) { return rq->method; }
const char *http_path(const http_request *rq) { return rq->path; }
const char *http_remote(const http_request *rq) { return rq->remote; }
double http_elapsed(const http_request *rq) { return now_since(&rq->start); }

const char *http_arg(const http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->c, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const http_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->c, MHD_HEADER_KIND, name);
}

const char *http_body(const http_request *rq, size_t *len)
{
    *len = rq->len;
    return rq->body ? rq->body : "";
}
