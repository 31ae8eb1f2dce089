#include "tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rf_buf.h"

/* One certificate chain with its key. */
struct tls_cert {
    X509 *leaf;
    STACK_OF(X509) * chain;
    EVP_PKEY *key;
};

struct tls {
    SSL_CTX *ctx;
    pthread_mutex_t lock; /* guards cur */
    struct tls_cert cur;
};

static void
cert_free(struct tls_cert *c)
{
    X509_free(c->leaf);
    sk_X509_pop_free(c->chain, X509_free);
    EVP_PKEY_free(c->key);
    memset(c, 0, sizeof *c);
}

/* Loads the PEM chain (leaf first) and key named by cfg into *c. Returns 0 or -1 with err. */
static int
cert_load(const struct config *cfg, struct tls_cert *c, char *err, size_t errsz)
{
    BIO *b = BIO_new_file(cfg->cert, "r");
    X509 *x;

    memset(c, 0, sizeof *c);
    if (b == NULL || (c->leaf = PEM_read_bio_X509_AUX(b, NULL, NULL, NULL)) == NULL) {
        (void)rf_fmt(err, errsz, "cannot load the certificate chain %s", cfg->cert);
        goto fail;
    }
    c->chain = sk_X509_new_null();
    if (c->chain == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        goto fail;
    }
    while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        if (sk_X509_push(c->chain, x) <= 0) {
            X509_free(x);
            (void)rf_fmt(err, errsz, "out of memory");
            goto fail;
        }
    }
    ERR_clear_error(); /* the end of the file */
    BIO_free(b);
    b = BIO_new_file(cfg->key, "r");
    if (b == NULL || (c->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) == NULL) {
        (void)rf_fmt(err, errsz, "cannot load the private key (check --key and its permissions)");
        goto fail;
    }
    BIO_free(b);
    b = NULL;
    if (X509_check_private_key(c->leaf, c->key) != 1) {
        (void)rf_fmt(err, errsz, "the private key does not match the certificate %s", cfg->cert);
        goto fail;
    }
    return 0;
fail:
    BIO_free(b);
    cert_free(c);
    return -1;
}

/* Called at each handshake: hands the current certificate to the connection. */
static int
cert_cb(SSL *ssl, void *arg)
{
    struct tls *t = arg;
    int ok;

    pthread_mutex_lock(&t->lock);
    ok = t->cur.leaf != NULL
         && SSL_use_cert_and_key(ssl, t->cur.leaf, t->cur.key, t->cur.chain, 1) == 1;
    pthread_mutex_unlock(&t->lock);
    return ok ? 1 : 0;
}

static int
client_ca_setup(SSL_CTX *ctx, const char *ca, char *err, size_t errsz)
{
    STACK_OF(X509_NAME) * names;

    if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1
        || (names = SSL_load_client_CA_file(ca)) == NULL) {
        (void)rf_fmt(err, errsz, "cannot load the client CA file %s", ca);
        return -1;
    }
    SSL_CTX_set_client_CA_list(ctx, names);
    /* A certificate is asked for, not required: password and token clients still connect. A
     * certificate that is sent must verify, for client authentication. */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_verify_depth(ctx, 4);
    if (SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT) != 1) {
        (void)rf_fmt(err, errsz, "cannot require clientAuth of client certificates");
        return -1;
    }
    return 0;
}

struct tls *
tls_new(const struct config *cfg, char *err, size_t errsz)
{
    struct tls *t = calloc(1, sizeof *t);
    SSL_CTX *ctx = NULL;
    int min = strcmp(cfg->tls_min_version, "1.3") == 0 ? TLS1_3_VERSION : TLS1_2_VERSION;

    if (t == NULL || pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t);
        (void)rf_fmt(err, errsz, "out of memory");
        return NULL;
    }
    ctx = SSL_CTX_new(TLS_server_method());
    t->ctx = ctx;
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
    /* No SSL_MODE_RELEASE_BUFFERS: it frees a connection's 16 KiB record buffers whenever they
     * are empty and allocates them again for the next record, so every keep-alive request paid two
     * large malloc/free pairs (and glibc's malloc_consolidate, about 6% of a one-job GET under
     * wrk). Keeping them costs about 34 KiB per open connection. */
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
    if (cert_load(cfg, &t->cur, err, errsz) != 0) {
        goto fail;
    }
    SSL_CTX_set_cert_cb(ctx, cert_cb, t);
    if (cfg->tls_client_ca[0] != '\0'
        && client_ca_setup(ctx, cfg->tls_client_ca, err, errsz) != 0) {
        goto fail;
    }
    /* Session resumption through the server-side cache only, scoped to this service. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    (void)SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"rfjobd", 6);
    return t;
fail:
    log_openssl_errors(LOG_LEVEL_ERROR, "tls");
    tls_free(t);
    return NULL;
}

SSL_CTX *
tls_ctx(struct tls *t)
{
    return t->ctx;
}

int
tls_reload(struct tls *t, const struct config *cfg, char *err, size_t errsz)
{
    struct tls_cert fresh;
    struct tls_cert old;

    if (cert_load(cfg, &fresh, err, errsz) != 0) {
        log_openssl_errors(LOG_LEVEL_ERROR, "tls reload");
        return -1;
    }
    pthread_mutex_lock(&t->lock);
    old = t->cur;
    t->cur = fresh;
    pthread_mutex_unlock(&t->lock);
    /* Connections that took the old certificate hold their own references. */
    cert_free(&old);
    return 0;
}

void
tls_free(struct tls *t)
{
    if (t == NULL) {
        return;
    }
    SSL_CTX_free(t->ctx);
    cert_free(&t->cur);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

int
tls_peer_cn(const void *peer_cert, char *out, size_t outsz)
{
    X509_NAME *name;
    int n;

    if (peer_cert == NULL || outsz == 0) {
        return -1;
    }
    name = X509_get_subject_name((const X509 *)peer_cert);
    if (name == NULL) {
        return -1;
    }
    n = X509_NAME_get_text_by_NID(name, NID_commonName, out, (int)outsz);
    if (n <= 0 || (size_t)n >= outsz || strlen(out) != (size_t)n) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}
