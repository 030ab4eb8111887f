/*
 * http.h - a small HTTP/1.1 server for capmatch serve, over libmicrohttpd:
 * whole requests in (headers, query arguments, a body up to a limit), whole
 * responses out, one handler call per request on the connection's thread.
 *
 * Knows nothing of capmatch: routes, JSON and auth are cmd_serve.c's. The
 * only module of the command that uses libmicrohttpd.
 */
#ifndef CM_HTTP_H
#define CM_HTTP_H

#include <stddef.h>

typedef struct http_request http_request;

/* What the handler writes back; body is malloc'd and taken by the server. */
typedef struct http_response {
    int status;
    const char *content_type;     /* default "application/json" */
    char *body;
    size_t len;
    char allow[64];               /* Allow header (405), or "" */
    int auth_challenge;           /* add WWW-Authenticate: Bearer (401) */
} http_response;

typedef void (*http_handler)(const http_request *rq, http_response *rs, void *ud);
/* Told of a request refused before the handler (413, 429), for metrics. */
typedef void (*http_refused)(const http_request *rq, int status, void *ud);

typedef struct http_options {
    const char *host;             /* numeric IPv4 or IPv6 address */
    unsigned port;                /* 0: any free port */
    size_t max_body;              /* larger bodies get 413 */
    size_t max_header;            /* bytes of a request's headers (MHD memory) */
    unsigned max_requests;        /* requests at once; more get 429 */
    const char *const *exempt;    /* paths not counted against it (health checks), NULL-ended */
    unsigned timeout;             /* seconds a connection may stay idle */
    const char *tls_cert;         /* PEM text of the certificate (chain): HTTPS; or NULL */
    const char *tls_key;          /* PEM text of its private key */
    http_handler handler;
    http_refused refused;
    void *ud;
} http_options;

typedef struct http_server http_server;

/* Start serving on threads of its own; NULL with the reason in err (a
 * certificate or key GnuTLS refuses says why, starting with "TLS: "). */
http_server *http_start(const http_options *o, char *err, size_t errlen);
/* Does GnuTLS take o's certificate and key (HTTPS)? 0, or -1 with why in
 * err (starting with "TLS: "). */
int http_tls_check(const http_options *o, char *err, size_t errlen);
unsigned http_port(const http_server *s);
/* Stop accepting new connections (requests under way go on). */
void http_quiesce(http_server *s);
/* Requests received and not yet answered. */
unsigned http_in_flight(const http_server *s);
/* Close every connection and free. */
void http_stop(http_server *s);

const char *http_method(const http_request *rq);
const char *http_path(const http_request *rq);
/* A query argument or header (case-insensitive name), or NULL. */
const char *http_arg(const http_request *rq, const char *name);
const char *http_header(const http_request *rq, const char *name);
const char *http_body(const http_request *rq, size_t *len);
const char *http_remote(const http_request *rq);
/* Seconds since the request's headers arrived. */
double http_elapsed(const http_request *rq);

#endif
