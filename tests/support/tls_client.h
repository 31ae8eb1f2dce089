/*
 * tls_client.h - minimal HTTPS/1.1 client for integration tests (OpenSSL 3).
 *
 * Every call opens its own connection and closes it before returning; there is
 * no shared mutable state, so the functions may be used from several threads at
 * once.  SIGPIPE is blocked in the calling thread for the duration of a TLS
 * exchange (and any SIGPIPE raised by it is consumed), so writing to a peer
 * that has already closed reports an error instead of killing the test.
 *
 * Host arguments are IPv4 literals ("127.0.0.1"), IPv6 literals with or without
 * brackets ("::1", "[::1]") or host names ("localhost").
 */
#ifndef TLS_CLIENT_H
#define TLS_CLIENT_H

#include <stddef.h>

/* One HTTP response.  Release with tc_resp_cleanup(). */
struct tc_resp {
    int status;           /* status code of the final response, e.g. 200 */
    char *head;           /* status line and header lines, each ending in "\r\n"
                             (the empty line is not included), NUL-terminated,
                             malloc'd */
    char *body;           /* decoded body, NUL-terminated, malloc'd; may contain
                             NULs, body_len is exact; "" when there is no body */
    size_t body_len;      /* body length in bytes, excluding the added NUL */
    char tls_version[16]; /* negotiated protocol, e.g. "TLSv1.3" */
    char cipher[64];      /* negotiated cipher suite name */
};

/*
 * tc_request_raw - send raw bytes over TLS and read one HTTP response.
 *
 * Connects to host:port over TCP (10 s connect and receive timeouts), performs
 * a TLS handshake and, when ca_file is not NULL, verifies the server chain
 * against the PEM CA bundle in ca_file and checks the certificate against host
 * (IP SAN for address literals, DNS name otherwise; SNI is sent for names only).
 * With ca_file NULL the certificate is not verified.  req/req_len are written
 * unchanged.  The response is read until it is complete according to its
 * framing (Content-Length, chunked transfer-coding, no body for HEAD requests,
 * 1xx/204/304) or until the server closes the connection; a close without a
 * TLS close_notify counts as end of data.  Interim 1xx responses other than
 * 101 are skipped; chunked trailers are discarded.  If writing the request
 * fails (e.g. the server rejected a large upload and closed), a complete
 * response is still returned if it can be read; this is best effort, as a TCP
 * reset from the server may discard it (the result is then -3).
 *
 * Returns 0 on success, with *out filled; the caller owns out->head and
 * out->body and releases them with tc_resp_cleanup().
 * Returns -1 if no TCP connection could be established (or host/port invalid),
 * -2 if the CA file could not be loaded, the TLS handshake or certificate
 * verification failed, or a fatal TLS alert arrived before any response data
 * (this is how a TLS 1.3 server that requires a client certificate refuses
 * this client, which never sends one), -3 on a read/write error, a timeout (10 s without data, or
 * 60 s in total), or if the connection closed before any response or before
 * the announced body was complete, -4 if the response is malformed or larger
 * than 64 MiB (also if out is NULL, or req is NULL with req_len > 0).
 * On any failure *out is zeroed and owns nothing.
 */
int tc_request_raw(const char *host, int port, const char *ca_file, const void *req, size_t req_len,
                   struct tc_resp *out);

/*
 * tc_request - build an HTTP/1.1 request and send it with tc_request_raw().
 *
 * The request is "METHOD PATH HTTP/1.1\r\nHost: host:port\r\nConnection: close\r\n",
 * then headers (complete "Name: value\r\n" lines, may be NULL), then
 * "Content-Length: N\r\n" when body is not NULL (also for body_len 0), then
 * "\r\n" and the body bytes.  IPv6 hosts are bracketed in the Host header.
 *
 * Returns the tc_request_raw() codes (-1 also for an invalid host or port);
 * additionally -4 without connecting if method or path is NULL or empty, the
 * method contains anything but visible ASCII, the path contains spaces or
 * control characters, body is NULL while body_len is not 0, the request line
 * and headers exceed 64 KiB or the body exceeds 64 MiB.  Ownership of *out as
 * for tc_request_raw(); *out is zeroed on error.
 */
int tc_request(const char *host, int port, const char *ca_file, const char *method,
               const char *path, const char *headers, const void *body, size_t body_len,
               struct tc_resp *out);

/*
 * tc_request_cert - tc_request() presenting a client certificate.
 *
 * cert_file is a PEM certificate chain (the client's certificate first) and
 * key_file its PEM private key; both are required (-4 otherwise, without
 * connecting).  A certificate or key that cannot be loaded, or a server that
 * refuses the certificate during the handshake, gives -2.  Otherwise as
 * tc_request().
 */
int tc_request_cert(const char *host, int port, const char *ca_file, const char *cert_file,
                    const char *key_file, const char *method, const char *path, const char *headers,
                    const void *body, size_t body_len, struct tc_resp *out);

/*
 * tc_basic_auth_header - format an HTTP Basic credentials header line.
 *
 * Writes "Authorization: Basic <base64(user:pass)>\r\n" NUL-terminated into
 * out (caller-owned, outsz bytes).  Returns 0 on success, -1 if an argument is
 * NULL or the line would not fit (out is then set to "" when outsz > 0).
 */
int tc_basic_auth_header(const char *user, const char *pass, char *out, size_t outsz);

/*
 * tc_header - look up a response header.
 *
 * Finds the first header line in r->head whose field name equals name
 * (case-insensitive) and copies its value, with leading and trailing spaces
 * and tabs removed, NUL-terminated into out (caller-owned, outsz bytes).
 * Returns 0 if found and copied, -1 if not found (or r, r->head or name is
 * NULL; out is then set to "" when possible), -2 if found but the value did
 * not fit (out holds the truncated, NUL-terminated value when outsz > 0).
 */
int tc_header(const struct tc_resp *r, const char *name, char *out, size_t outsz);

/*
 * tc_header_count - count response header lines named name (case-insensitive).
 *
 * Returns the number of occurrences in r->head, 0 if r, r->head or name is NULL.
 */
int tc_header_count(const struct tc_resp *r, const char *name);

/*
 * tc_resp_cleanup - free the buffers owned by r and zero it.
 *
 * NULL-safe; safe to call more than once and on a zeroed struct.
 */
void tc_resp_cleanup(struct tc_resp *r);

/*
 * tc_handshake - perform only a TLS handshake with restricted protocol bounds.
 *
 * min_version/max_version are OpenSSL protocol constants (TLS1_VERSION ..
 * TLS1_3_VERSION, 0 meaning the library's lowest/highest).  The client runs at
 * security level 0 with every cipher of the DEFAULT list, so old protocols are
 * offered and a refusal reflects the server's policy.  Verification against
 * ca_file and host works as in tc_request_raw() (none when ca_file is NULL).
 * On success the negotiated version name (e.g. "TLSv1.2") is written
 * NUL-terminated into version_out (caller-owned, outsz bytes, may be NULL;
 * truncated if it does not fit).
 *
 * Returns 0 if the handshake succeeded, -1 on connect failure (or invalid
 * host/port), -2 if the handshake failed, timed out, the protocol bounds were
 * invalid or the CA file could not be loaded.  version_out is set to "" on
 * failure when possible.
 */
int tc_handshake(const char *host, int port, const char *ca_file, int min_version, int max_version,
                 char *version_out, size_t outsz);

/*
 * tc_plain_exchange - send bytes over plain TCP and collect the reply.
 *
 * Connects without TLS, sends req/req_len (a peer reset during the send is not
 * an error) and reads until the peer closes, an error occurs, 5 s pass in
 * total, or bufsz - 1 bytes were read.  The data is NUL-terminated in buf
 * (caller-owned, bufsz bytes; *nread excludes the NUL and the data may itself
 * contain NULs).
 *
 * Returns 0 with *nread set (possibly 0), -1 on connect failure or invalid
 * arguments (then *nread is 0 when nread is not NULL).
 */
int tc_plain_exchange(const char *host, int port, const void *req, size_t req_len, char *buf,
                      size_t bufsz, size_t *nread);

/*
 * A long-lived response (server-sent events): tc_stream_open connects, completes the TLS
 * handshake (verifying against ca_file as tc_request_raw does), and writes req. tc_stream_read
 * then returns what arrives, as it arrives: the number of bytes placed in buf (at most size), 0
 * when the server closed the connection, -1 on an error, -2 when nothing arrived within
 * timeout_ms. SIGPIPE is blocked around the calls. tc_stream_close is NULL-safe.
 */
struct tc_stream;
int tc_stream_open(const char *host, int port, const char *ca_file, const void *req, size_t req_len,
                   struct tc_stream **out);
int tc_stream_read(struct tc_stream *s, char *buf, size_t size, int timeout_ms);
void tc_stream_close(struct tc_stream *s);

#endif /* TLS_CLIENT_H */
