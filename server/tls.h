/* TLS policy: the whole server-side SSL_CTX set-up in one place. */
#ifndef RF_TLS_H
#define RF_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "config.h"

/*
 * Builds the server's SSL_CTX from cfg: TLS 1.2 (or cfg's minimum) to 1.3, the configured
 * TLS 1.2 ciphers (ECDHE with AEAD only by default) and TLS 1.3 suites, server cipher
 * preference, no compression, no renegotiation, no session tickets, the certificate chain and
 * key (checked to match). Returns a new context (SSL_CTX_free() it) or NULL, with OpenSSL's
 * errors logged and a message in err. The key's path is never logged.
 */
SSL_CTX *tls_ctx_new(const struct config *cfg, char *err, size_t errsz);

#endif
