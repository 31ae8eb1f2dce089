/*
 * tls_server.h - a small HTTPS server for tests: an event subscriber.
 *
 * One thread accepts connections on 127.0.0.1, one at a time, reads one request (head and a
 * Content-Length body), records it and answers with the status the test chose, then closes the
 * connection. Thread-safe.
 */
#ifndef TLS_SERVER_H
#define TLS_SERVER_H

#include <stddef.h>

struct ts_server;

/* One recorded request. */
struct ts_request {
    char method[16];
    char path[512];
    char head[4096]; /* the request line and the header lines, NUL-terminated */
    char *body;      /* NUL-terminated, malloc'd; owned by the server until ts_stop */
    size_t body_len;
    int status; /* what the server answered */
};

/*
 * Starts the server with the PEM certificate chain and key on 127.0.0.1:port (0: a free port;
 * SO_REUSEADDR, so a stopped server's port can be taken again). Answers 200 until
 * ts_set_status. Returns the server, or NULL.
 */
struct ts_server *ts_start(const char *cert, const char *key, int port);

/* The bound port. */
int ts_port(const struct ts_server *s);

/* Sets the status of the following answers (e.g. 503). */
void ts_set_status(struct ts_server *s, int status);

/* The number of requests recorded, and of those answered 2xx. */
size_t ts_count(struct ts_server *s);
size_t ts_count_ok(struct ts_server *s);

/*
 * Copies request i (its body duplicated: free it) into *out. Returns 0, or -1 when there is no
 * such request.
 */
int ts_get(struct ts_server *s, size_t i, struct ts_request *out);

/*
 * Waits until at least n requests were answered 2xx, up to timeout_ms, polling. Returns 0, or -1
 * on time-out.
 */
int ts_wait_ok(struct ts_server *s, size_t n, int timeout_ms);

/* As ts_wait_ok, for requests answered with any status. */
int ts_wait_any(struct ts_server *s, size_t n, int timeout_ms);

/* Closes the listening socket (the port refuses connections at once), stops the thread and
 * frees everything. NULL-safe. */
void ts_stop(struct ts_server *s);

#endif
