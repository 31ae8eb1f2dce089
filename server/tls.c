#include "tls.h"

#include <openssl/err.h>
#include <string.h>

#include "log.h"
#include "rf_buf.h"

SSL_CTX *
tls_ctx_new(const struct config *cfg, char *err, size_t errsz)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    int min = strcmp(cfg->tls_min_version, "1.3") == 0 ? TLS1_3_VERSION : TLS1_2_VERSION;

    if (ctx == NULL) {
        (void)rf_fmt(err, errsz, "cannot create a TLS context");
        goto fail;
    }
    if (SSL_CTX_set_min_proto_version(ctx, min) != 1
        || SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
        (void)rf_fmt(err, errsz, "cannot set the TLS protocol versions");
        goto fail;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION
                                 | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET
                                 | SSL_OP_SINGLE_ECDH_USE);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(ctx, cfg->tls_ciphers) != 1) {
        (void)rf_fmt(err, errsz, "tls-ciphers: no usable cipher in the list");
        goto fail;
    }
    if (SSL_CTX_set_ciphersuites(ctx, cfg->tls_ciphersuites) != 1) {
        (void)rf_fmt(err, errsz, "tls-ciphersuites: no usable suite in the list");
        goto fail;
    }
    if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
        (void)rf_fmt(err, errsz, "cannot set the key exchange groups");
        goto fail;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert) != 1) {
        (void)rf_fmt(err, errsz, "cannot load the certificate chain %s", cfg->cert);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key, SSL_FILETYPE_PEM) != 1) {
        (void)rf_fmt(err, errsz, "cannot load the private key (check --key and its permissions)");
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        (void)rf_fmt(err, errsz, "the private key does not match the certificate %s", cfg->cert);
        goto fail;
    }
    /* Session resumption through the server-side cache only, scoped to this service. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    (void)SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"rfjobd", 6);
    return ctx;
fail:
    log_openssl_errors(LOG_LEVEL_ERROR, "tls");
    SSL_CTX_free(ctx);
    return NULL;
}
