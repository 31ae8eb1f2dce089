/*
 * testcert.c - throw-away PKI for tests, generated with the OpenSSL 3 API.
 */
#include "testcert.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define TCERT_NOT_BEFORE_SECS (-3600L)
#define TCERT_NOT_AFTER_SECS (86400L)

/* One X.509v3 extension in openssl.cnf value syntax. */
struct tcert_ext {
    int nid;
    const char *value;
};

/* One output file: its final name and the temporary file it is written to. */
struct tcert_file {
    char final_path[512];
    char tmp_path[512];
    int have_tmp;
    int renamed;
};

_Static_assert(sizeof(((struct tcert_file *)NULL)->final_path)
                   == sizeof(((struct tcert_paths *)NULL)->ca),
               "final_path must match the struct tcert_paths fields");

enum { TCERT_F_CA, TCERT_F_CERT, TCERT_F_KEY, TCERT_F_CCERT, TCERT_F_CKEY, TCERT_NFILES };

static const struct tcert_ext ca_exts[] = {
    {NID_basic_constraints, "critical,CA:TRUE"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
};

static const struct tcert_ext server_exts[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature"},
    {NID_ext_key_usage, "serverAuth"},
    {NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
};

static const struct tcert_ext client_exts[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature"},
    {NID_ext_key_usage, "clientAuth"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
};

static const char *const file_names[TCERT_NFILES] = {
    "ca.pem", "server.pem", "server.key", "client.pem", "client.key",
};

/* Random positive 128-bit serial with the top bit set. */
static int
set_serial(X509 *x)
{
    unsigned char raw[16];
    BIGNUM *bn;
    int ok;

    if (RAND_bytes(raw, (int)sizeof(raw)) != 1) {
        return -1;
    }
    raw[0] |= 0x80;
    bn = BN_bin2bn(raw, (int)sizeof(raw), NULL);
    ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    return ok ? 0 : -1;
}

static int
add_ext(X509 *cert, X509 *issuer, const struct tcert_ext *e)
{
    X509V3_CTX v3;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_nconf_nid(NULL, &v3, e->nid, e->value);
    if (ext == NULL) {
        return -1;
    }
    ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1 ? 0 : -1;
}

/*
 * Creates a certificate for key with common name cn.  With issuer NULL the
 * certificate is self-signed with key; otherwise it is signed by issuer_key.
 * Returns a new X509 (free with X509_free) or NULL.
 */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
          const struct tcert_ext *exts, size_t nexts)
{
    const unsigned char *cn_bytes;
    X509_NAME *name = NULL;
    X509 *x;
    size_t i;

    x = X509_new();
    if (x == NULL) {
        return NULL;
    }
    if (X509_set_version(x, X509_VERSION_3) != 1 || set_serial(x) != 0) {
        goto fail;
    }
    if (X509_time_adj_ex(X509_getm_notBefore(x), 0, TCERT_NOT_BEFORE_SECS, NULL) == NULL
        || X509_time_adj_ex(X509_getm_notAfter(x), 0, TCERT_NOT_AFTER_SECS, NULL) == NULL) {
        goto fail;
    }
    name = X509_NAME_new();
    if (name == NULL) {
        goto fail;
    }
    cn_bytes = (const unsigned char *)cn;
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn_bytes, -1, -1, 0) != 1
        || X509_set_subject_name(x, name) != 1) {
        goto fail;
    }
    if (X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name) != 1) {
        goto fail;
    }
    if (X509_set_pubkey(x, key) != 1) {
        goto fail;
    }
    for (i = 0; i < nexts; i++) {
        if (add_ext(x, issuer != NULL ? issuer : x, &exts[i]) != 0) {
            goto fail;
        }
    }
    if (X509_sign(x, issuer != NULL ? issuer_key : key, EVP_sha256()) <= 0) {
        goto fail;
    }
    X509_NAME_free(name);
    return x;
fail:
    X509_NAME_free(name);
    X509_free(x);
    return NULL;
}

/* Writes cert (or, if cert is NULL, key as PKCS#8) to a new temporary file. */
static int
write_tmp(struct tcert_file *f, const char *dir, mode_t mode, X509 *cert, EVP_PKEY *key)
{
    FILE *fp;
    int fd;
    int n;
    int ok;

    n = snprintf(f->tmp_path, sizeof(f->tmp_path), "%s/.tcert-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof(f->tmp_path)) {
        return -1;
    }
    fd = mkstemp(f->tmp_path);
    if (fd < 0) {
        return -1;
    }
    f->have_tmp = 1;
    if (fchmod(fd, mode) != 0) {
        close(fd);
        return -1;
    }
    fp = fdopen(fd, "w");
    if (fp == NULL) {
        close(fd);
        return -1;
    }
    if (cert != NULL) {
        ok = PEM_write_X509(fp, cert) == 1;
    } else {
        ok = PEM_write_PKCS8PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) == 1;
    }
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        ok = 0;
    }
    if (fclose(fp) != 0) {
        ok = 0;
    }
    return ok ? 0 : -1;
}

static void
cleanup_files(struct tcert_file *files, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (files[i].have_tmp) {
            (void)unlink(files[i].tmp_path);
            files[i].have_tmp = 0;
        }
        if (files[i].renamed) {
            (void)unlink(files[i].final_path);
            files[i].renamed = 0;
        }
    }
}

int
tcert_make(const char *dir, struct tcert_paths *out)
{
    struct tcert_file files[TCERT_NFILES];
    EVP_PKEY *ca_key = NULL;
    EVP_PKEY *srv_key = NULL;
    EVP_PKEY *cli_key = NULL;
    X509 *ca = NULL;
    X509 *srv = NULL;
    X509 *cli = NULL;
    int rc = -1;
    size_t i;
    int n;

    if (out != NULL) {
        memset(out, 0, sizeof(*out));
    }
    if (dir == NULL || out == NULL || dir[0] == '\0') {
        return -1;
    }
    memset(files, 0, sizeof(files));
    for (i = 0; i < TCERT_NFILES; i++) {
        n = snprintf(files[i].final_path, sizeof(files[i].final_path), "%s/%s", dir, file_names[i]);
        if (n < 0 || (size_t)n >= sizeof(files[i].final_path)) {
            return -1;
        }
    }

    ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    srv_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    cli_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (ca_key == NULL || srv_key == NULL || cli_key == NULL) {
        goto done;
    }
    ca = make_cert(ca_key, "rfjobd test CA", NULL, NULL, ca_exts,
                   sizeof(ca_exts) / sizeof(ca_exts[0]));
    if (ca == NULL) {
        goto done;
    }
    srv = make_cert(srv_key, "localhost", ca, ca_key, server_exts,
                    sizeof(server_exts) / sizeof(server_exts[0]));
    cli = make_cert(cli_key, "client-test", ca, ca_key, client_exts,
                    sizeof(client_exts) / sizeof(client_exts[0]));
    if (srv == NULL || cli == NULL) {
        goto done;
    }

    if (write_tmp(&files[TCERT_F_CA], dir, 0644, ca, NULL) != 0
        || write_tmp(&files[TCERT_F_CERT], dir, 0644, srv, NULL) != 0
        || write_tmp(&files[TCERT_F_KEY], dir, 0600, NULL, srv_key) != 0
        || write_tmp(&files[TCERT_F_CCERT], dir, 0644, cli, NULL) != 0
        || write_tmp(&files[TCERT_F_CKEY], dir, 0600, NULL, cli_key) != 0) {
        goto done;
    }
    for (i = 0; i < TCERT_NFILES; i++) {
        if (rename(files[i].tmp_path, files[i].final_path) != 0) {
            goto done;
        }
        files[i].have_tmp = 0;
        files[i].renamed = 1;
    }

    memcpy(out->ca, files[TCERT_F_CA].final_path, sizeof(out->ca));
    memcpy(out->cert, files[TCERT_F_CERT].final_path, sizeof(out->cert));
    memcpy(out->key, files[TCERT_F_KEY].final_path, sizeof(out->key));
    memcpy(out->client_cert, files[TCERT_F_CCERT].final_path, sizeof(out->client_cert));
    memcpy(out->client_key, files[TCERT_F_CKEY].final_path, sizeof(out->client_key));
    for (i = 0; i < TCERT_NFILES; i++) {
        files[i].renamed = 0;
    }
    rc = 0;
done:
    cleanup_files(files, TCERT_NFILES);
    X509_free(cli);
    X509_free(srv);
    X509_free(ca);
    EVP_PKEY_free(cli_key);
    EVP_PKEY_free(srv_key);
    EVP_PKEY_free(ca_key);
    ERR_clear_error();
    return rc;
}
