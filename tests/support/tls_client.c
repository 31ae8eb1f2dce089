/*
 * tls_client.c - minimal HTTPS/1.1 client for integration tests (OpenSSL 3).
 */
#include "tls_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#define TC_IO_TIMEOUT_MS 10000
#define TC_PLAIN_TIMEOUT_MS 5000
#define TC_TOTAL_TIMEOUT_MS 60000
#define TC_MAX_REQ_HEAD ((size_t)64 * 1024)
#define TC_MAX_REQ_BODY ((size_t)64 * 1024 * 1024)
#define TC_MAX_RESP ((size_t)64 * 1024 * 1024)
#define TC_MAX_RESP_HEAD ((size_t)64 * 1024)
#define TC_MAX_CHUNK_LINE ((size_t)4096)
#define TC_READ_CHUNK ((size_t)16 * 1024)
#define TC_REQ_FMT "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s%s\r\n"

/* Host argument split into a bare name/address plus its kind. */
struct tc_host {
    char name[256];
    int is_ip;
    int is_v6;
};

/* One open TLS connection. */
struct tc_conn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    int fatal; /* set after a fatal TLS or socket error: no close_notify */
};

/* SIGPIPE state saved while the calling thread has it blocked. */
struct tc_sigpipe {
    sigset_t old;
    int active;
    int was_pending;
};

/* Growable receive buffer; always keeps room for a terminating NUL. */
struct tc_buf {
    char *data;
    size_t len;
    size_t cap;
};

enum tc_framing {
    TC_FRAME_CLOSE,   /* body runs until the connection closes */
    TC_FRAME_EMPTY,   /* no body */
    TC_FRAME_LENGTH,  /* Content-Length bytes */
    TC_FRAME_CHUNKED, /* chunked transfer-coding */
};

/* Incremental response parser state over a tc_buf. */
struct tc_parse {
    int head_req;    /* request was HEAD: the response has no body */
    size_t start;    /* offset of the response currently being parsed */
    size_t scan;     /* where the search for the end of the head resumes */
    size_t head_end; /* offset just past the empty line; 0 while incomplete */
    int status;      /* status code of the current response */
    enum tc_framing framing;
    size_t clen;      /* Content-Length for TC_FRAME_LENGTH */
    size_t chunk_pos; /* next chunk-size line not yet verified */
    size_t end;       /* offset just past the complete response */
};

static int64_t
mono_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

static void
copy_str(char *dst, size_t dstsz, const char *src)
{
    size_t n;

    if (dst == NULL || dstsz == 0) {
        return;
    }
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    n = strlen(src);
    if (n >= dstsz) {
        n = dstsz - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Accepts "name", "1.2.3.4", "::1" and "[::1]"; rejects spaces and controls. */
static int
host_parse(const char *host, struct tc_host *h)
{
    struct in_addr a4;
    struct in6_addr a6;
    size_t len;
    size_t i;

    memset(h, 0, sizeof(*h));
    if (host == NULL) {
        return -1;
    }
    len = strlen(host);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof(h->name)) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)host[i];
        if (c <= ' ' || c == 0x7f) {
            return -1;
        }
    }
    memcpy(h->name, host, len);
    h->name[len] = '\0';
    h->is_v6 = inet_pton(AF_INET6, h->name, &a6) == 1;
    h->is_ip = h->is_v6 || inet_pton(AF_INET, h->name, &a4) == 1;
    return 0;
}

static int
set_timeouts(int fd, int timeout_ms)
{
    struct timeval tv;

    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
        return -1;
    }
    return 0;
}

/* Non-blocking connect bounded by timeout_ms; returns a blocking fd or -1. */
static int
connect_one(const struct addrinfo *ai, int timeout_ms)
{
    struct pollfd pfd;
    socklen_t elen;
    int fd;
    int flags;
    int err;
    int rc;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        return -1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        goto fail;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            goto fail;
        }
        pfd.fd = fd;
        pfd.events = POLLOUT;
        pfd.revents = 0;
        do {
            rc = poll(&pfd, 1, timeout_ms);
        } while (rc < 0 && errno == EINTR);
        if (rc <= 0) {
            goto fail;
        }
        err = 0;
        elen = (socklen_t)sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
            goto fail;
        }
    }
    if (fcntl(fd, F_SETFL, flags) != 0 || set_timeouts(fd, timeout_ms) != 0) {
        goto fail;
    }
    return fd;
fail:
    close(fd);
    return -1;
}

/* Resolves numerically first, then as a name; tries every address in turn. */
static int
tcp_connect(const struct tc_host *h, int port, int timeout_ms)
{
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    const struct addrinfo *ai;
    char portstr[8];
    int fd = -1;
    int rc;

    if (port < 1 || port > 65535) {
        return -1;
    }
    rc = snprintf(portstr, sizeof(portstr), "%d", port);
    if (rc < 0 || (size_t)rc >= sizeof(portstr)) {
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    rc = getaddrinfo(h->name, portstr, &hints, &res);
    if (rc == EAI_NONAME) {
        hints.ai_flags = AI_NUMERICSERV;
        rc = getaddrinfo(h->name, portstr, &hints, &res);
    }
    if (rc != 0 || res == NULL) {
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = connect_one(ai, timeout_ms);
        if (fd >= 0) {
            break;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static void
sigpipe_block(struct tc_sigpipe *g)
{
    sigset_t set;
    sigset_t pending;

    g->active = 0;
    g->was_pending = 0;
    if (sigemptyset(&set) != 0 || sigaddset(&set, SIGPIPE) != 0) {
        return;
    }
    if (pthread_sigmask(SIG_BLOCK, &set, &g->old) != 0) {
        return;
    }
    g->active = 1;
    if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        g->was_pending = 1;
    }
}

/* Consumes a SIGPIPE raised while blocked, then restores the old mask. */
static void
sigpipe_restore(struct tc_sigpipe *g)
{
    struct timespec zero = {0, 0};
    sigset_t set;
    sigset_t pending;
    int saved = errno;

    if (!g->active) {
        return;
    }
    if (!g->was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1
        && sigemptyset(&set) == 0 && sigaddset(&set, SIGPIPE) == 0) {
        while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
    g->active = 0;
    errno = saved;
}

static void
conn_close(struct tc_conn *c)
{
    if (c->ssl != NULL) {
        if (!c->fatal) {
            (void)SSL_shutdown(c->ssl);
        }
        SSL_free(c->ssl);
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    SSL_CTX_free(c->ctx);
    c->ssl = NULL;
    c->ctx = NULL;
    c->fd = -1;
    ERR_clear_error();
}

/*
 * Connects and completes the TLS handshake.  legacy lowers the security level
 * so that old protocol versions and ciphers can be offered.
 * Returns 0, -1 (host/port/connect) or -2 (TLS setup, handshake, verify).
 */
static int
conn_open(const char *host, int port, const char *ca_file, int min_version, int max_version,
          int legacy, const char *cert_file, const char *key_file, struct tc_conn *c)
{
    struct tc_host h;
    X509_VERIFY_PARAM *vp;

    c->fd = -1;
    c->ctx = NULL;
    c->ssl = NULL;
    c->fatal = 0;
    ERR_clear_error();
    if (host_parse(host, &h) != 0 || port < 1 || port > 65535) {
        return -1;
    }
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->ctx == NULL) {
        return -2;
    }
    if (legacy) {
        if (SSL_CTX_set_cipher_list(c->ctx, "DEFAULT:@SECLEVEL=0") != 1) {
            goto tls_fail;
        }
        SSL_CTX_set_security_level(c->ctx, 0);
    }
    if (SSL_CTX_set_min_proto_version(c->ctx, min_version) != 1
        || SSL_CTX_set_max_proto_version(c->ctx, max_version) != 1) {
        goto tls_fail;
    }
    SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (cert_file != NULL
        && (SSL_CTX_use_certificate_chain_file(c->ctx, cert_file) != 1
            || SSL_CTX_use_PrivateKey_file(c->ctx, key_file, SSL_FILETYPE_PEM) != 1)) {
        goto tls_fail;
    }
    if (ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(c->ctx, ca_file, NULL) != 1) {
            goto tls_fail;
        }
        SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
    } else {
        SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
    }

    c->fd = tcp_connect(&h, port, TC_IO_TIMEOUT_MS);
    if (c->fd < 0) {
        c->fatal = 1;
        conn_close(c);
        return -1;
    }
    c->ssl = SSL_new(c->ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
        goto tls_fail;
    }
    if (ca_file != NULL) {
        vp = SSL_get0_param(c->ssl);
        if (h.is_ip) {
            if (X509_VERIFY_PARAM_set1_ip_asc(vp, h.name) != 1) {
                goto tls_fail;
            }
        } else {
            X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            if (X509_VERIFY_PARAM_set1_host(vp, h.name, 0) != 1) {
                goto tls_fail;
            }
        }
    }
    /* RFC 6066: SNI carries DNS names only, never address literals. */
    if (!h.is_ip && SSL_set_tlsext_host_name(c->ssl, h.name) != 1) {
        goto tls_fail;
    }
    if (SSL_connect(c->ssl) != 1) {
        goto tls_fail;
    }
    if (ca_file != NULL && SSL_get_verify_result(c->ssl) != X509_V_OK) {
        goto tls_fail;
    }
    return 0;
tls_fail:
    c->fatal = 1;
    conn_close(c);
    return -2;
}

static int
buf_reserve(struct tc_buf *b, size_t extra, size_t limit)
{
    size_t need;
    size_t ncap;
    char *p;

    if (extra > limit || b->len > limit - extra) {
        return -1;
    }
    need = b->len + extra + 1;
    if (need <= b->cap) {
        return 0;
    }
    ncap = b->cap != 0 ? b->cap : 4096;
    while (ncap < need) {
        ncap *= 2;
    }
    p = realloc(b->data, ncap);
    if (p == NULL) {
        return -1;
    }
    b->data = p;
    b->cap = ncap;
    return 0;
}

/* Finds "\r\n" in buf[from, len); returns its offset or SIZE_MAX. */
static size_t
find_crlf(const char *buf, size_t from, size_t len)
{
    size_t i;

    for (i = from; i + 1 < len; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n') {
            return i;
        }
    }
    return SIZE_MAX;
}

/*
 * If line[0, ll) is a header line named name (case-insensitive), stores the
 * value with surrounding spaces/tabs removed and returns 1; otherwise 0.
 */
static int
header_match(const char *line, size_t ll, const char *name, const char **val, size_t *vl)
{
    size_t nl = strlen(name);
    size_t b;
    size_t e;

    if (nl == 0 || ll <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0) {
        return 0;
    }
    b = nl + 1;
    e = ll;
    while (b < e && (line[b] == ' ' || line[b] == '\t')) {
        b++;
    }
    while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t')) {
        e--;
    }
    *val = line + b;
    *vl = e - b;
    return 1;
}

static int
ci_equal(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* Parses "HTTP/d.d SSS[ reason]"; returns the status or -1. */
static int
parse_status_line(const char *s, size_t n)
{
    int st;

    if (n < 12 || memcmp(s, "HTTP/", 5) != 0 || s[5] < '0' || s[5] > '9' || s[6] != '.'
        || s[7] < '0' || s[7] > '9' || s[8] != ' ') {
        return -1;
    }
    if (s[9] < '1' || s[9] > '9' || s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9') {
        return -1;
    }
    if (n > 12 && s[12] != ' ') {
        return -1;
    }
    st = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    return st;
}

static int
parse_decimal(const char *s, size_t n, size_t max, size_t *out)
{
    size_t v = 0;
    size_t i;

    if (n == 0) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (size_t)(s[i] - '0');
        if (v > max) {
            return -1;
        }
    }
    *out = v;
    return 0;
}

/* Decides body framing from the head in buf[p->start, p->head_end). */
static int
decide_framing(const char *buf, struct tc_parse *p)
{
    size_t pos;
    size_t eol;
    size_t limit = p->head_end - 2;
    const char *val;
    size_t vl;
    int have_len = 0;
    int have_te = 0;
    int chunked = 0;
    size_t clen = 0;
    size_t v;
    size_t i;

    pos = find_crlf(buf, p->start, limit) + 2; /* skip the status line */
    while (pos < limit) {
        eol = find_crlf(buf, pos, limit);
        if (eol == SIZE_MAX) {
            eol = limit;
        }
        if (header_match(buf + pos, eol - pos, "Content-Length", &val, &vl)) {
            if (parse_decimal(val, vl, TC_MAX_RESP, &v) != 0 || (have_len && v != clen)) {
                return -1;
            }
            have_len = 1;
            clen = v;
        } else if (header_match(buf + pos, eol - pos, "Transfer-Encoding", &val, &vl)) {
            have_te = 1;
            i = vl;
            while (i > 0 && val[i - 1] != ',') {
                i--;
            }
            while (i < vl && (val[i] == ' ' || val[i] == '\t')) {
                i++;
            }
            chunked = ci_equal(val + i, vl - i, "chunked");
        }
        pos = eol + 2;
    }
    if (p->head_req || (p->status >= 100 && p->status < 200) || p->status == 204
        || p->status == 304) {
        p->framing = TC_FRAME_EMPTY;
    } else if (have_te) {
        p->framing = chunked ? TC_FRAME_CHUNKED : TC_FRAME_CLOSE;
    } else if (have_len) {
        p->framing = TC_FRAME_LENGTH;
        p->clen = clen;
    } else {
        p->framing = TC_FRAME_CLOSE;
    }
    return 0;
}

/* Parses a chunk-size line (hex size, optional extensions); 0 or -1. */
static int
parse_chunk_size(const char *s, size_t n, size_t *out)
{
    size_t v = 0;
    size_t i = 0;
    int d;

    while (i < n) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            break;
        }
        v = v * 16 + (size_t)d;
        if (v > TC_MAX_RESP) {
            return -1;
        }
        i++;
    }
    if (i == 0 || (i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t')) {
        return -1;
    }
    *out = v;
    return 0;
}

/*
 * Verifies chunks from p->chunk_pos on; advances it past complete chunks.
 * Returns 1 when the last chunk and trailers are complete (p->end set),
 * 0 if more data is needed, -1 if the framing is malformed.
 */
static int
chunk_scan(const char *buf, size_t len, struct tc_parse *p)
{
    size_t eol;
    size_t size;
    size_t data;
    size_t q;

    for (;;) {
        eol = find_crlf(buf, p->chunk_pos, len);
        if (eol == SIZE_MAX) {
            return len - p->chunk_pos > TC_MAX_CHUNK_LINE ? -1 : 0;
        }
        if (parse_chunk_size(buf + p->chunk_pos, eol - p->chunk_pos, &size) != 0) {
            return -1;
        }
        data = eol + 2;
        if (size == 0) {
            q = data;
            for (;;) {
                eol = find_crlf(buf, q, len);
                if (eol == SIZE_MAX) {
                    return len - q > TC_MAX_CHUNK_LINE ? -1 : 0;
                }
                if (eol == q) {
                    p->end = eol + 2;
                    return 1;
                }
                q = eol + 2;
            }
        }
        if (len - data < size || len - data - size < 2) {
            return 0;
        }
        if (buf[data + size] != '\r' || buf[data + size + 1] != '\n') {
            return -1;
        }
        p->chunk_pos = data + size + 2;
    }
}

/*
 * Advances the parser over buf[0, len).  Returns 1 when a final response is
 * complete, 0 if more data is needed, -1 if the response is malformed.
 */
static int
parse_progress(const char *buf, size_t len, struct tc_parse *p)
{
    size_t i;
    size_t eol;

    for (;;) {
        if (p->head_end == 0) {
            for (i = p->scan; i + 3 < len; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r'
                    && buf[i + 3] == '\n') {
                    break;
                }
            }
            if (i + 3 >= len) {
                p->scan = i;
                return len - p->start > TC_MAX_RESP_HEAD ? -1 : 0;
            }
            if (i + 4 - p->start > TC_MAX_RESP_HEAD) {
                return -1;
            }
            eol = find_crlf(buf, p->start, len);
            p->status = parse_status_line(buf + p->start, eol - p->start);
            if (p->status < 0) {
                return -1;
            }
            p->head_end = i + 4;
            if (p->status >= 100 && p->status < 200 && p->status != 101) {
                /* interim response: the final one follows */
                p->start = p->head_end;
                p->scan = p->start;
                p->head_end = 0;
                continue;
            }
            if (decide_framing(buf, p) != 0) {
                return -1;
            }
            p->chunk_pos = p->head_end;
        }
        switch (p->framing) {
        case TC_FRAME_EMPTY:
            p->end = p->head_end;
            return 1;
        case TC_FRAME_LENGTH:
            if (len - p->head_end >= p->clen) {
                p->end = p->head_end + p->clen;
                return 1;
            }
            return 0;
        case TC_FRAME_CHUNKED:
            return chunk_scan(buf, len, p);
        case TC_FRAME_CLOSE:
        default:
            return 0;
        }
    }
}

/* Copies the verified chunked body in buf[from, to) into a new buffer. */
static int
chunk_decode(const char *buf, size_t from, size_t to, char **out, size_t *out_len)
{
    size_t pos = from;
    size_t total = 0;
    size_t eol;
    size_t size;
    char *body;

    /* First pass for the size, second to copy; framing was already checked. */
    for (;;) {
        eol = find_crlf(buf, pos, to);
        if (eol == SIZE_MAX || parse_chunk_size(buf + pos, eol - pos, &size) != 0) {
            return -1;
        }
        if (size == 0) {
            break;
        }
        total += size;
        pos = eol + 2 + size + 2;
    }
    body = malloc(total + 1);
    if (body == NULL) {
        return -1;
    }
    pos = from;
    total = 0;
    for (;;) {
        eol = find_crlf(buf, pos, to);
        if (eol == SIZE_MAX || parse_chunk_size(buf + pos, eol - pos, &size) != 0) {
            free(body);
            return -1;
        }
        if (size == 0) {
            break;
        }
        memcpy(body + total, buf + eol + 2, size);
        total += size;
        pos = eol + 2 + size + 2;
    }
    body[total] = '\0';
    *out = body;
    *out_len = total;
    return 0;
}

static char *
dup_bytes(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p == NULL) {
        return NULL;
    }
    if (n > 0) {
        memcpy(p, s, n);
    }
    p[n] = '\0';
    return p;
}

/* Fills *out from the completed parse; 0 or -4. */
static int
build_resp(const struct tc_buf *b, const struct tc_parse *p, struct tc_resp *out)
{
    size_t body_from = p->head_end;
    size_t body_to = p->framing == TC_FRAME_CLOSE ? b->len : p->end;

    out->status = p->status;
    out->head = dup_bytes(b->data + p->start, p->head_end - 2 - p->start);
    if (out->head == NULL) {
        return -4;
    }
    if (p->framing == TC_FRAME_CHUNKED) {
        if (chunk_decode(b->data, body_from, p->end, &out->body, &out->body_len) != 0) {
            return -4;
        }
    } else {
        out->body = dup_bytes(b->data + body_from, body_to - body_from);
        if (out->body == NULL) {
            return -4;
        }
        out->body_len = body_to - body_from;
    }
    return 0;
}

/* Writes all bytes; 0 or -1. */
static int
conn_write_all(struct tc_conn *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t done = 0;
    size_t n;

    while (done < len) {
        n = 0;
        if (SSL_write_ex(c->ssl, p + done, len - done, &n) != 1) {
            c->fatal = 1;
            return -1;
        }
        done += n;
    }
    return 0;
}

/*
 * Reads until the response is complete or the peer closes.
 * Returns 0, -2 (fatal TLS error before any data), -3 (I/O, timeout,
 * premature close) or -4 (malformed or too large).
 */
static int
conn_read_response(struct tc_conn *c, struct tc_buf *b, struct tc_parse *p)
{
    int64_t deadline = mono_ms() + TC_TOTAL_TIMEOUT_MS;
    size_t n;
    int rc;
    int err;

    for (;;) {
        if (buf_reserve(b, TC_READ_CHUNK, TC_MAX_RESP) != 0) {
            return -4;
        }
        n = 0;
        errno = 0;
        if (SSL_read_ex(c->ssl, b->data + b->len, TC_READ_CHUNK, &n) == 1) {
            b->len += n;
            rc = parse_progress(b->data, b->len, p);
            if (rc < 0) {
                return -4;
            }
            if (rc == 1) {
                return 0;
            }
            if (mono_ms() > deadline) {
                return -3;
            }
            continue;
        }
        err = SSL_get_error(c->ssl, 0);
        if (err == SSL_ERROR_ZERO_RETURN
            || (err == SSL_ERROR_SYSCALL && (errno == 0 || errno == ECONNRESET))) {
            if (err != SSL_ERROR_ZERO_RETURN) {
                c->fatal = 1;
            }
            break;
        }
        c->fatal = 1;
        if (err == SSL_ERROR_SSL && b->len == 0) {
            return -2;
        }
        return -3;
    }
    /* The peer closed the connection. */
    if (b->len == p->start) {
        return -3;
    }
    if (p->head_end == 0) {
        return -4;
    }
    return p->framing == TC_FRAME_CLOSE ? 0 : -3;
}

static int
request_raw(const char *host, int port, const char *ca_file, const char *cert_file,
            const char *key_file, const void *req, size_t req_len, struct tc_resp *out)
{
    struct tc_sigpipe sp;
    struct tc_conn c;
    struct tc_buf b;
    struct tc_parse p;
    const char *cipher;
    int wrc;
    int rc;

    if (out == NULL) {
        return -4;
    }
    memset(out, 0, sizeof(*out));
    if (req == NULL && req_len > 0) {
        return -4;
    }
    memset(&b, 0, sizeof(b));
    memset(&p, 0, sizeof(p));
    p.head_req = req_len >= 5 && memcmp(req, "HEAD ", 5) == 0;

    sigpipe_block(&sp);
    rc = conn_open(host, port, ca_file, 0, 0, 0, cert_file, key_file, &c);
    if (rc != 0) {
        sigpipe_restore(&sp);
        return rc;
    }
    /* On a failed write the server may still have answered (e.g. 413). */
    wrc = conn_write_all(&c, req, req_len);
    if (wrc == 0) {
        rc = conn_read_response(&c, &b, &p);
    } else {
        errno = 0;
        rc = conn_read_response(&c, &b, &p) == 0 ? 0 : -3;
    }
    if (rc == 0) {
        rc = build_resp(&b, &p, out);
    }
    if (rc == 0) {
        copy_str(out->tls_version, sizeof(out->tls_version), SSL_get_version(c.ssl));
        cipher = SSL_get_cipher_name(c.ssl);
        copy_str(out->cipher, sizeof(out->cipher), cipher != NULL ? cipher : "");
    }
    conn_close(&c);
    sigpipe_restore(&sp);
    free(b.data);
    if (rc != 0) {
        tc_resp_cleanup(out);
    }
    return rc;
}

int
tc_request_raw(const char *host, int port, const char *ca_file, const void *req, size_t req_len,
               struct tc_resp *out)
{
    return request_raw(host, port, ca_file, NULL, NULL, req, req_len, out);
}

/* Method: visible ASCII without separators; path: no controls or spaces. */
static int
valid_token(const char *s, int allow_high)
{
    const unsigned char *u = (const unsigned char *)s;

    if (*u == '\0') {
        return 0;
    }
    for (; *u != '\0'; u++) {
        if (*u <= ' ' || *u == 0x7f || (*u >= 0x80 && !allow_high)) {
            return 0;
        }
    }
    return 1;
}

static int
request(const char *host, int port, const char *ca_file, const char *cert_file,
        const char *key_file, const char *method, const char *path, const char *headers,
        const void *body, size_t body_len, struct tc_resp *out)
{
    struct tc_host h;
    char hostport[sizeof(h.name) + 16];
    char clen[48];
    char *req;
    size_t head_len;
    int n;
    int rc;

    if (out == NULL) {
        return -4;
    }
    memset(out, 0, sizeof(*out));
    if (host_parse(host, &h) != 0 || port < 1 || port > 65535) {
        return -1;
    }
    if (method == NULL || path == NULL || !valid_token(method, 0) || !valid_token(path, 1)) {
        return -4;
    }
    if (body == NULL && body_len > 0) {
        return -4;
    }
    if (body_len > TC_MAX_REQ_BODY) {
        return -4;
    }
    if (headers == NULL) {
        headers = "";
    }
    clen[0] = '\0';
    if (body != NULL) {
        n = snprintf(clen, sizeof(clen), "Content-Length: %zu\r\n", body_len);
        if (n < 0 || (size_t)n >= sizeof(clen)) {
            return -4;
        }
    }
    if (strlen(headers) > TC_MAX_REQ_HEAD || strlen(path) > TC_MAX_REQ_HEAD
        || strlen(method) > TC_MAX_REQ_HEAD) {
        return -4;
    }
    n = snprintf(hostport, sizeof(hostport), h.is_v6 ? "[%s]:%d" : "%s:%d", h.name, port);
    if (n < 0 || (size_t)n >= sizeof(hostport)) {
        return -4;
    }
    n = snprintf(NULL, 0, TC_REQ_FMT, method, path, hostport, headers, clen);
    if (n < 0 || (size_t)n > TC_MAX_REQ_HEAD) {
        return -4;
    }
    head_len = (size_t)n;
    req = malloc(head_len + 1 + body_len);
    if (req == NULL) {
        return -4;
    }
    n = snprintf(req, head_len + 1, TC_REQ_FMT, method, path, hostport, headers, clen);
    if (n < 0 || (size_t)n != head_len) {
        free(req);
        return -4;
    }
    if (body_len > 0) {
        memcpy(req + head_len, body, body_len);
    }
    rc = request_raw(host, port, ca_file, cert_file, key_file, req, head_len + body_len, out);
    free(req);
    return rc;
}

int
tc_request(const char *host, int port, const char *ca_file, const char *method, const char *path,
           const char *headers, const void *body, size_t body_len, struct tc_resp *out)
{
    return request(host, port, ca_file, NULL, NULL, method, path, headers, body, body_len, out);
}

int
tc_request_cert(const char *host, int port, const char *ca_file, const char *cert_file,
                const char *key_file, const char *method, const char *path, const char *headers,
                const void *body, size_t body_len, struct tc_resp *out)
{
    if (cert_file == NULL || key_file == NULL) {
        if (out != NULL) {
            memset(out, 0, sizeof(*out));
        }
        return -4;
    }
    return request(host, port, ca_file, cert_file, key_file, method, path, headers, body, body_len,
                   out);
}

int
tc_basic_auth_header(const char *user, const char *pass, char *out, size_t outsz)
{
    static const char prefix[] = "Authorization: Basic ";
    const size_t plen = sizeof(prefix) - 1;
    size_t ul;
    size_t pl;
    size_t raw_len;
    size_t b64_len;
    unsigned char *raw;
    int enc;

    if (out != NULL && outsz > 0) {
        out[0] = '\0';
    }
    if (user == NULL || pass == NULL || out == NULL) {
        return -1;
    }
    ul = strlen(user);
    pl = strlen(pass);
    if (ul > INT_MAX / 2 || pl > INT_MAX / 2 - 1) {
        return -1;
    }
    raw_len = ul + 1 + pl;
    b64_len = 4 * ((raw_len + 2) / 3);
    if (outsz < plen + b64_len + 3) {
        return -1;
    }
    raw = malloc(raw_len);
    if (raw == NULL) {
        return -1;
    }
    memcpy(raw, user, ul);
    raw[ul] = ':';
    memcpy(raw + ul + 1, pass, pl);
    memcpy(out, prefix, plen);
    enc = EVP_EncodeBlock((unsigned char *)out + plen, raw, (int)raw_len);
    OPENSSL_cleanse(raw, raw_len);
    free(raw);
    if (enc < 0 || (size_t)enc != b64_len) {
        out[0] = '\0';
        return -1;
    }
    memcpy(out + plen + b64_len, "\r\n", 3);
    return 0;
}

/*
 * Counts the header lines of head (the status line is skipped) that
 * match name; stops at the first match when first_only is set.
 * Returns the number of matches; val and vl describe the first one.
 */
static int
header_scan(const char *head, const char *name, int first_only, const char **val, size_t *vl)
{
    size_t len = strlen(head);
    size_t pos;
    size_t eol;
    const char *v;
    size_t n;
    int count = 0;

    eol = find_crlf(head, 0, len);
    if (eol == SIZE_MAX) {
        return 0;
    }
    pos = eol + 2;
    while (pos < len) {
        eol = find_crlf(head, pos, len);
        if (eol == SIZE_MAX) {
            eol = len;
        }
        if (header_match(head + pos, eol - pos, name, &v, &n)) {
            if (count == 0) {
                *val = v;
                *vl = n;
            }
            count++;
            if (first_only || count == INT_MAX) {
                break;
            }
        }
        pos = eol + 2;
    }
    return count;
}

int
tc_header(const struct tc_resp *r, const char *name, char *out, size_t outsz)
{
    const char *val = NULL;
    size_t vl = 0;

    if (out != NULL && outsz > 0) {
        out[0] = '\0';
    }
    if (r == NULL || r->head == NULL || name == NULL) {
        return -1;
    }
    if (header_scan(r->head, name, 1, &val, &vl) == 0 || val == NULL) {
        return -1;
    }
    if (out == NULL || outsz == 0) {
        return -2;
    }
    if (vl >= outsz) {
        memcpy(out, val, outsz - 1);
        out[outsz - 1] = '\0';
        return -2;
    }
    memcpy(out, val, vl);
    out[vl] = '\0';
    return 0;
}

int
tc_header_count(const struct tc_resp *r, const char *name)
{
    const char *val = NULL;
    size_t vl = 0;

    if (r == NULL || r->head == NULL || name == NULL) {
        return 0;
    }
    return header_scan(r->head, name, 0, &val, &vl);
}

void
tc_resp_cleanup(struct tc_resp *r)
{
    if (r == NULL) {
        return;
    }
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

int
tc_handshake(const char *host, int port, const char *ca_file, int min_version, int max_version,
             char *version_out, size_t outsz)
{
    struct tc_sigpipe sp;
    struct tc_conn c;
    int rc;

    copy_str(version_out, outsz, "");
    sigpipe_block(&sp);
    rc = conn_open(host, port, ca_file, min_version, max_version, 1, NULL, NULL, &c);
    if (rc == 0) {
        copy_str(version_out, outsz, SSL_get_version(c.ssl));
        conn_close(&c);
    }
    sigpipe_restore(&sp);
    return rc;
}

int
tc_plain_exchange(const char *host, int port, const void *req, size_t req_len, char *buf,
                  size_t bufsz, size_t *nread)
{
    const unsigned char *p = req;
    struct tc_host h;
    struct pollfd pfd;
    int64_t deadline;
    int64_t left;
    size_t sent = 0;
    size_t got = 0;
    ssize_t r;
    int fd;
    int prc;

    if (nread != NULL) {
        *nread = 0;
    }
    if (buf == NULL || bufsz == 0 || (req == NULL && req_len > 0)) {
        return -1;
    }
    buf[0] = '\0';
    if (host_parse(host, &h) != 0) {
        return -1;
    }
    fd = tcp_connect(&h, port, TC_PLAIN_TIMEOUT_MS);
    if (fd < 0) {
        return -1;
    }
    deadline = mono_ms() + TC_PLAIN_TIMEOUT_MS;
    while (sent < req_len) {
        r = send(fd, p + sent, req_len - sent, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break; /* the peer may have answered and closed; read what came */
        }
        sent += (size_t)r;
    }
    while (got < bufsz - 1) {
        left = deadline - mono_ms();
        if (left <= 0) {
            break;
        }
        pfd.fd = fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        prc = poll(&pfd, 1, (int)left);
        if (prc < 0 && errno == EINTR) {
            continue;
        }
        if (prc <= 0) {
            break;
        }
        r = recv(fd, buf + got, bufsz - 1 - got, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fd);
    if (nread != NULL) {
        *nread = got;
    }
    return 0;
}

/* ---- long-lived responses ------------------------------------------------ */

struct tc_stream {
    struct tc_conn c;
};

int
tc_stream_open(const char *host, int port, const char *ca_file, const void *req, size_t req_len,
               struct tc_stream **out)
{
    struct tc_stream *s = calloc(1, sizeof *s);
    struct tc_sigpipe sp;
    size_t done = 0;
    int rc;

    *out = NULL;
    if (s == NULL) {
        return -4;
    }
    rc = conn_open(host, port, ca_file, TLS1_2_VERSION, 0, 0, NULL, NULL, &s->c);
    if (rc != 0) {
        free(s);
        return rc;
    }
    /* Return after a record that carries no data (a TLS 1.3 ticket) instead of blocking. */
    SSL_clear_mode(s->c.ssl, SSL_MODE_AUTO_RETRY);
    sigpipe_block(&sp);
    while (done < req_len) {
        size_t n = 0;

        if (SSL_write_ex(s->c.ssl, (const char *)req + done, req_len - done, &n) != 1) {
            s->c.fatal = 1;
            break;
        }
        done += n;
    }
    sigpipe_restore(&sp);
    if (done < req_len) {
        conn_close(&s->c);
        free(s);
        return -3;
    }
    *out = s;
    return 0;
}

int
tc_stream_read(struct tc_stream *s, char *buf, size_t size, int timeout_ms)
{
    struct tc_sigpipe sp;
    size_t n = 0;
    int rc = -1;

    if (SSL_pending(s->c.ssl) == 0) {
        struct pollfd pfd = {.fd = s->c.fd, .events = POLLIN};
        int pr = poll(&pfd, 1, timeout_ms);

        if (pr == 0) {
            return -2;
        }
        if (pr < 0) {
            return -1;
        }
    }
    sigpipe_block(&sp);
    errno = 0;
    if (SSL_read_ex(s->c.ssl, buf, size, &n) == 1) {
        rc = (int)n;
    } else {
        int err = SSL_get_error(s->c.ssl, 0);

        if (err == SSL_ERROR_WANT_READ) {
            rc = -2; /* a record not yet complete, or a TLS 1.3 ticket */
        } else if (err == SSL_ERROR_ZERO_RETURN
                   || (err == SSL_ERROR_SYSCALL && (errno == 0 || errno == ECONNRESET))) {
            s->c.fatal = err != SSL_ERROR_ZERO_RETURN;
            rc = 0;
        } else {
            s->c.fatal = 1;
        }
    }
    sigpipe_restore(&sp);
    return rc;
}

void
tc_stream_close(struct tc_stream *s)
{
    if (s != NULL) {
        s->c.fatal = 1; /* no close_notify: the test is hanging up, as a dropped client would */
        conn_close(&s->c);
        free(s);
    }
}
