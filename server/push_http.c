/* The HTTPS client of event delivery: one POST per connection, every step bounded in time. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "push.h"
#include "rf_buf.h"

#define STATUS_LINE_MAX 1024

struct push_tls {
    SSL_CTX *verify;   /* checks the chain against the CA file or the system store */
    SSL_CTX *noverify; /* VerifyCertificate false */
};

static SSL_CTX *
ctx_new(int verify, const char *ca_file, char *err, size_t errsz)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
        (void)rf_fmt(err, errsz, "cannot make a TLS client context");
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (!verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        return ctx;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (ca_file != NULL && ca_file[0] != '\0') {
        if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
            (void)rf_fmt(err, errsz, "cannot load the event CA bundle %s", ca_file);
            SSL_CTX_free(ctx);
            return NULL;
        }
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        (void)rf_fmt(err, errsz, "cannot load the system CA store");
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

struct push_tls *
push_tls_new(const char *ca_file, char *err, size_t errsz)
{
    struct push_tls *t = calloc(1, sizeof *t);

    if (t == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        return NULL;
    }
    t->verify = ctx_new(1, ca_file, err, errsz);
    t->noverify = t->verify != NULL ? ctx_new(0, NULL, err, errsz) : NULL;
    if (t->noverify == NULL) {
        ERR_clear_error();
        push_tls_free(t);
        return NULL;
    }
    return t;
}

void
push_tls_free(struct push_tls *t)
{
    if (t == NULL) {
        return;
    }
    SSL_CTX_free(t->verify);
    SSL_CTX_free(t->noverify);
    free(t);
}

/* Connects to host:port within timeout_ms; returns a blocking socket with send and receive
 * time-outs, or -1. */
static int
connect_to(const struct push_url *u, int timeout_ms, char *err, size_t errsz)
{
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    char port[8];
    int fd = -1;
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = u->is_ip ? AI_NUMERICHOST : 0;
    (void)rf_fmt(port, sizeof port, "%d", u->port);
    rc = getaddrinfo(u->host, port, &hints, &res);
    if (rc != 0) {
        (void)rf_fmt(err, errsz, "cannot resolve the destination host (%s)", gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        struct pollfd pfd;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        struct timeval tv;
        int flags;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        flags = fcntl(fd, F_GETFL, 0);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
            goto next;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                goto next;
            }
            pfd.fd = fd;
            pfd.events = POLLOUT;
            pfd.revents = 0;
            if (poll(&pfd, 1, timeout_ms) != 1
                || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
                goto next;
            }
        }
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        if (fcntl(fd, F_SETFL, flags) != 0
            || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0
            || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
            goto next;
        }
        freeaddrinfo(res);
        return fd;
    next:
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    (void)rf_fmt(err, errsz, "cannot connect to the destination");
    return -1;
}

/* The request head: the request line, the fixed headers and the subscription's. */
static int
build_head(struct rf_buf *b, const struct push_url *u, const struct push_headers *h, size_t len)
{
    int v6 = strchr(u->host, ':') != NULL;

    if (rf_buf_printf(b, "POST %s HTTP/1.1\r\nHost: %s%s%s", u->path, v6 ? "[" : "", u->host,
                      v6 ? "]" : "")
            != 0
        || (u->port != 443 && rf_buf_printf(b, ":%d", u->port) != 0)
        || rf_buf_printf(b,
                         "\r\nUser-Agent: rfjobd\r\nContent-Type: application/json; charset=utf-8"
                         "\r\nContent-Length: %zu\r\nConnection: close\r\n",
                         len)
               != 0) {
        return -1;
    }
    for (size_t i = 0; h != NULL && i < h->n; i++) {
        if (rf_buf_printf(b, "%s: %s\r\n", h->name[i], h->value[i]) != 0) {
            return -1;
        }
    }
    return rf_buf_puts(b, "\r\n");
}

static int
write_all(SSL *ssl, const char *p, size_t n)
{
    while (n > 0) {
        size_t done = 0;

        if (SSL_write_ex(ssl, p, n, &done) != 1) {
            return -1;
        }
        p += done;
        n -= done;
    }
    return 0;
}

/* Reads up to the end of the status line and parses "HTTP/1.x NNN". */
static int
read_status(SSL *ssl, int *status)
{
    char line[STATUS_LINE_MAX];
    size_t have = 0;

    while (have < sizeof line - 1) {
        size_t got = 0;
        char *eol;

        if (SSL_read_ex(ssl, line + have, sizeof line - 1 - have, &got) != 1) {
            return -1;
        }
        have += got;
        line[have] = '\0';
        eol = strstr(line, "\r\n");
        if (eol != NULL) {
            if (strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' || line[9] < '1' || line[9] > '5'
                || line[10] < '0' || line[10] > '9' || line[11] < '0' || line[11] > '9'
                || (line[12] != ' ' && line[12] != '\r')) {
                return -1;
            }
            *status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
            return 0;
        }
    }
    return -1;
}

int
push_http_post(struct push_tls *t, const struct push_url *url, int verify,
               const struct push_headers *h, const char *body, size_t len, int timeout_ms,
               int *status, char *err, size_t errsz)
{
    struct rf_buf head;
    SSL *ssl = NULL;
    int fd;
    int rc = -1;

    *status = 0;
    rf_buf_init(&head, 16384);
    if (build_head(&head, url, h, len) != 0) {
        (void)rf_fmt(err, errsz, "the request head is too large");
        rf_buf_cleanup(&head);
        return -1;
    }
    fd = connect_to(url, timeout_ms, err, errsz);
    if (fd < 0) {
        rf_buf_cleanup(&head);
        return -1;
    }
    ssl = SSL_new(verify ? t->verify : t->noverify);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1
        || (!url->is_ip && SSL_set_tlsext_host_name(ssl, url->host) != 1)) {
        (void)rf_fmt(err, errsz, "cannot set up TLS");
        goto done;
    }
    if (verify) {
        X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

        if ((url->is_ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, url->host)
                        : X509_VERIFY_PARAM_set1_host(vp, url->host, 0))
            != 1) {
            (void)rf_fmt(err, errsz, "cannot set up certificate verification");
            goto done;
        }
    }
    if (SSL_connect(ssl) != 1) {
        long vr = SSL_get_verify_result(ssl);

        (void)rf_fmt(err, errsz, "TLS handshake failed%s%s", vr != X509_V_OK ? ": " : "",
                     vr != X509_V_OK ? X509_verify_cert_error_string(vr) : "");
        goto done;
    }
    if (write_all(ssl, head.data, head.len) != 0 || write_all(ssl, body, len) != 0) {
        (void)rf_fmt(err, errsz, "sending the event failed");
        goto done;
    }
    if (read_status(ssl, status) != 0) {
        (void)rf_fmt(err, errsz, "no HTTP status line from the destination");
        goto done;
    }
    rc = 0;
done:
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
    rf_buf_cleanup(&head);
    return rc;
}
