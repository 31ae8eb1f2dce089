/* tls_server.c - see tls_server.h. */
#include "tls_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define TS_MAX_REQUESTS 512
#define TS_HEAD_MAX 4096
#define TS_BODY_MAX (1u << 20)

struct ts_server {
    SSL_CTX *ctx;
    int fd;
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    int stop;
    int status;
    size_t n;
    struct ts_request req[TS_MAX_REQUESTS];
};

static int
read_some(SSL *ssl, char *buf, size_t max, size_t *got)
{
    return SSL_read_ex(ssl, buf, max, got) == 1 ? 0 : -1;
}

/* Reads one request; fills r (body malloc'd). Returns 0 or -1. */
static int
read_request(SSL *ssl, struct ts_request *r)
{
    char buf[TS_HEAD_MAX + 1];
    size_t have = 0;
    char *end = NULL;
    size_t head_len;
    size_t clen = 0;
    const char *cl;
    size_t body_have;

    while (end == NULL) {
        size_t got = 0;

        if (have >= TS_HEAD_MAX || read_some(ssl, buf + have, TS_HEAD_MAX - have, &got) != 0) {
            return -1;
        }
        have += got;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    head_len = (size_t)(end - buf);
    memcpy(r->head, buf, head_len < sizeof r->head ? head_len : sizeof r->head - 1);
    r->head[head_len < sizeof r->head ? head_len : sizeof r->head - 1] = '\0';
    if (sscanf(r->head, "%15s %511s", r->method, r->path) != 2) {
        return -1;
    }
    for (cl = r->head; (cl = strchr(cl, '\n')) != NULL; cl++) {
        if (strncasecmp(cl + 1, "Content-Length:", 15) == 0) {
            clen = (size_t)strtoul(cl + 16, NULL, 10);
        }
    }
    if (clen > TS_BODY_MAX) {
        return -1;
    }
    r->body = malloc(clen + 1);
    if (r->body == NULL) {
        return -1;
    }
    body_have = have - head_len - 4;
    if (body_have > clen) {
        body_have = clen;
    }
    memcpy(r->body, end + 4, body_have);
    while (body_have < clen) {
        size_t got = 0;

        if (read_some(ssl, r->body + body_have, clen - body_have, &got) != 0) {
            free(r->body);
            r->body = NULL;
            return -1;
        }
        body_have += got;
    }
    r->body[clen] = '\0';
    r->body_len = clen;
    return 0;
}

static void
serve_one(struct ts_server *s, int cfd)
{
    struct timeval tv = {5, 0};
    struct ts_request r;
    SSL *ssl = SSL_new(s->ctx);
    char answer[128];
    int status;

    memset(&r, 0, sizeof r);
    (void)setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (ssl == NULL || SSL_set_fd(ssl, cfd) != 1 || SSL_accept(ssl) != 1
        || read_request(ssl, &r) != 0) {
        ERR_clear_error();
        SSL_free(ssl);
        return;
    }
    pthread_mutex_lock(&s->lock);
    status = s->status;
    r.status = status;
    if (s->n < TS_MAX_REQUESTS) {
        s->req[s->n++] = r;
        r.body = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    free(r.body);
    (void)snprintf(answer, sizeof answer,
                   "HTTP/1.1 %d Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
    (void)SSL_write(ssl, answer, (int)strlen(answer));
    (void)SSL_shutdown(ssl);
    ERR_clear_error();
    SSL_free(ssl);
}

static void *
run(void *arg)
{
    struct ts_server *s = arg;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    (void)pthread_sigmask(SIG_BLOCK, &set, NULL);
    for (;;) {
        struct pollfd pfd = {s->fd, POLLIN, 0};
        int stop;
        int cfd;

        pthread_mutex_lock(&s->lock);
        stop = s->stop;
        pthread_mutex_unlock(&s->lock);
        if (stop) {
            return NULL;
        }
        if (poll(&pfd, 1, 50) != 1) {
            continue;
        }
        cfd = accept(s->fd, NULL, NULL);
        if (cfd >= 0) {
            serve_one(s, cfd);
            close(cfd);
        }
    }
}

struct ts_server *
ts_start(const char *cert, const char *key, int port)
{
    struct ts_server *s = calloc(1, sizeof *s);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int one = 1;

    if (s == NULL) {
        return NULL;
    }
    s->fd = -1;
    s->status = 200;
    pthread_mutex_init(&s->lock, NULL);
    s->ctx = SSL_CTX_new(TLS_server_method());
    if (s->ctx == NULL || SSL_CTX_use_certificate_chain_file(s->ctx, cert) != 1
        || SSL_CTX_use_PrivateKey_file(s->ctx, key, SSL_FILETYPE_PEM) != 1) {
        goto fail;
    }
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->fd, 16) != 0
        || getsockname(s->fd, (struct sockaddr *)&a, &alen) != 0) {
        goto fail;
    }
    s->port = ntohs(a.sin_port);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        goto fail;
    }
    return s;
fail:
    ERR_clear_error();
    if (s->fd >= 0) {
        close(s->fd);
    }
    SSL_CTX_free(s->ctx);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return NULL;
}

int
ts_port(const struct ts_server *s)
{
    return s->port;
}

void
ts_set_status(struct ts_server *s, int status)
{
    pthread_mutex_lock(&s->lock);
    s->status = status;
    pthread_mutex_unlock(&s->lock);
}

static size_t
count(struct ts_server *s, int ok_only)
{
    size_t n = 0;

    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->n; i++) {
        n += !ok_only || (s->req[i].status >= 200 && s->req[i].status < 300);
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

size_t
ts_count(struct ts_server *s)
{
    return count(s, 0);
}

size_t
ts_count_ok(struct ts_server *s)
{
    return count(s, 1);
}

int
ts_get(struct ts_server *s, size_t i, struct ts_request *out)
{
    int rc = -1;

    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&s->lock);
    if (i < s->n) {
        *out = s->req[i];
        out->body = strdup(s->req[i].body);
        rc = out->body != NULL ? 0 : -1;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int
wait_for(struct ts_server *s, size_t n, int timeout_ms, int ok_only)
{
    struct timespec pause = {0, 20 * 1000 * 1000};

    for (int waited = 0; waited <= timeout_ms; waited += 20) {
        if (count(s, ok_only) >= n) {
            return 0;
        }
        nanosleep(&pause, NULL);
    }
    return count(s, ok_only) >= n ? 0 : -1;
}

int
ts_wait_ok(struct ts_server *s, size_t n, int timeout_ms)
{
    return wait_for(s, n, timeout_ms, 1);
}

int
ts_wait_any(struct ts_server *s, size_t n, int timeout_ms)
{
    return wait_for(s, n, timeout_ms, 0);
}

void
ts_stop(struct ts_server *s)
{
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_mutex_unlock(&s->lock);
    (void)pthread_join(s->thread, NULL);
    close(s->fd);
    for (size_t i = 0; i < s->n; i++) {
        free(s->req[i].body);
    }
    SSL_CTX_free(s->ctx);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
