/*
 * rawsrv.c - a raw-socket HTTP server for the faults a real server library
 * will not commit (loopback only, port written to --port-file, each request
 * logged to --log as "PATH STATUS"):
 *
 *   /reset   200 with Content-Length: 100000, part of the body, then a TCP reset
 *   /short   Content-Length larger than the body, then a clean close
 *   /long    Content-Length smaller than the body (the body arrives cut)
 *   /ok      the body as it is
 *
 * The body is the file given with --body. usage:
 *   rawsrv --body FILE --port-file FILE --log FILE
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv)
{
    const char *body_path = NULL, *port_file = NULL, *log_path = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--body") == 0)
            body_path = argv[i + 1];
        else if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--log") == 0)
            log_path = argv[i + 1];
    }
    if (!body_path || !port_file || !log_path) {
        fprintf(stderr, "usage: rawsrv --body FILE --port-file FILE --log FILE\n");
        return 2;
    }
    FILE *bf = fopen(body_path, "rb");
    if (bf == NULL) {
        perror(body_path);
        return 2;
    }
    static char body[1 << 20];
    size_t blen = fread(body, 1, sizeof body, bf);
    fclose(bf);
    FILE *logf = fopen(log_path, "a");
    if (logf == NULL) {
        perror(log_path);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 16) < 0 ||
        getsockname(ls, (struct sockaddr *)&sa, &sl) < 0) {
        perror("rawsrv: listen");
        return 2;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    FILE *pf = fopen(tmp, "w");
    fprintf(pf, "%u\n", (unsigned)ntohs(sa.sin_port));
    fclose(pf);
    rename(tmp, port_file);
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0)
            continue;
        char req[8192];
        size_t got = 0;
        while (got < sizeof req - 1) {
            ssize_t r = recv(c, req + got, sizeof req - 1 - got, 0);
            if (r <= 0)
                break;
            got += (size_t)r;
            req[got] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        req[got] = '\0';
        char path[256] = "?";
        sscanf(req, "GET %255s", path);
        char head[512];
        int status = 200;
        if (strcmp(path, "/reset") == 0) {
            int n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: "
                             "application/json\r\nContent-Length: 100000\r\n\r\n");
            send_all(c, head, (size_t)n);
            send_all(c, body, blen / 2);
            usleep(50 * 1000);
            struct linger lg = { 1, 0 };    /* close with RST */
            setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            fprintf(logf, "%s %d\n", path, status);
            fflush(logf);
            close(c);
            continue;
        } else if (strcmp(path, "/short") == 0 || strcmp(path, "/long") == 0 ||
                   strcmp(path, "/ok") == 0) {
            size_t cl = strcmp(path, "/short") == 0 ? blen + 500
                      : strcmp(path, "/long") == 0 ? blen - blen / 3 : blen;
            int n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: "
                             "application/json\r\nContent-Length: %zu\r\nConnection: close"
                             "\r\n\r\n", cl);
            send_all(c, head, (size_t)n);
            send_all(c, body, blen);
        } else {
            status = 404;
            const char *r = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: "
                            "close\r\n\r\n";
            send_all(c, r, strlen(r));
        }
        fprintf(logf, "%s %d\n", path, status);
        fflush(logf);
        shutdown(c, SHUT_WR);
        close(c);
    }
}
