/* TLS policy: the whole server-side SSL_CTX set-up in one place, the certificate that can be
 * replaced while the service runs (SIGHUP), and optional client-certificate authentication. */
#ifndef RF_TLS_H
#define RF_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "config.h"

struct tls;

/*
 * Builds the server's TLS state from cfg: an SSL_CTX with TLS 1.2 (or cfg's minimum) to 1.3,
 * the configured TLS 1.2 ciphers (ECDHE with AEAD only by default) and TLS 1.3 suites, server
 * cipher preference, no compression, no renegotiation, no session tickets; the certificate
 * chain and key (checked to match), handed to each handshake from a holder that tls_reload()
 * can replace; and, when cfg->tls_client_ca is set, a request for a client certificate that
 * must chain to that CA and carry clientAuth (a client may also send none). Returns a new
 * object (tls_free() it) or NULL, with OpenSSL's errors logged and a message in err. The key's
 * path is never logged.
 */
struct tls *tls_new(const struct config *cfg, char *err, size_t errsz);

/* The SSL_CTX to give civetweb. It lives as long as the tls object. */
SSL_CTX *tls_ctx(struct tls *t);

/*
 * Reads cfg's certificate chain and key again and, when they load and match, uses them for
 * every handshake from now on; connections already open keep theirs. On failure the current
 * certificate stays, and -1 is returned with the reason in err (OpenSSL's errors are logged).
 * Returns 0 on success. Thread-safe.
 */
int tls_reload(struct tls *t, const struct config *cfg, char *err, size_t errsz);

/* Frees the context and certificates. NULL-safe. */
void tls_free(struct tls *t);

/*
 * Copies the common name of a verified client certificate (an X509 *, as civetweb's
 * mg_client_cert.peer_cert) into out. Returns 0, or -1 when there is none or it does not fit.
 */
int tls_peer_cn(const void *peer_cert, char *out, size_t outsz);

#endif
