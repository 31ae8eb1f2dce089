/*
 * testcert.h - throw-away PKI for tests, generated with the OpenSSL 3 API.
 */
#ifndef TESTCERT_H
#define TESTCERT_H

/* Paths of the files written by tcert_make(), each dir + "/" + file name. */
struct tcert_paths {
    char ca[512];          /* CA certificate (PEM) */
    char cert[512];        /* server certificate (PEM) */
    char key[512];         /* server private key (PKCS#8 PEM, mode 0600) */
    char client_cert[512]; /* client certificate (PEM) */
    char client_key[512];  /* client private key (PKCS#8 PEM, mode 0600) */
};

/*
 * tcert_make - create a test CA, a server and a client certificate in dir.
 *
 * All keys are ECDSA P-256, all certificates are X.509 v3 signed with SHA-256,
 * valid from one hour ago until one day from now, with random 128-bit serials.
 *
 *   ca.pem       self-signed CA "rfjobd test CA": basicConstraints critical
 *                CA:TRUE, keyUsage critical keyCertSign,cRLSign,
 *                subjectKeyIdentifier.  The CA key is not kept.
 *   server.pem   CN "localhost", subjectAltName IP:127.0.0.1, IP:::1,
 *                DNS:localhost; extendedKeyUsage serverAuth; keyUsage
 *                digitalSignature; basicConstraints CA:FALSE.
 *   server.key   its private key, PKCS#8 PEM, mode 0600.
 *   client.pem   CN "client-test", extendedKeyUsage clientAuth; keyUsage
 *                digitalSignature; basicConstraints CA:FALSE.
 *   client.key   its private key, PKCS#8 PEM, mode 0600.
 *
 * The files are written under temporary names in dir and renamed into place
 * only after all five were written completely, replacing files of the same
 * names.  dir must exist.  Thread-safe; no state is kept between calls.
 *
 * On success fills *out with the five paths (dir + "/" + name) and returns 0.
 * Returns -1 if an argument is NULL, a path would not fit in struct
 * tcert_paths, or key generation, signing or file I/O failed.  Then *out is
 * zeroed and the temporary files are removed; if a rename failed part-way,
 * the files this call had already moved into place are deleted as well.
 * Nothing is allocated for the caller.
 */
int tcert_make(const char *dir, struct tcert_paths *out);

#endif /* TESTCERT_H */
