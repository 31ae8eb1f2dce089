/* Authentication: HTTP Basic against the account database, X-Auth-Token sessions, password
 * hashing (PBKDF2-HMAC-SHA256) and role privileges. Thread-safe. */
#ifndef RF_AUTH_H
#define RF_AUTH_H

#include <stddef.h>
#include <time.h>

#include "router.h"

#define AUTH_PBKDF2_ITER 210000
#define AUTH_HASH_MAX 192
#define AUTH_TOKEN_LEN 43 /* base64url of 32 random bytes */
#define AUTH_SESSION_ID_LEN 32
#define AUTH_SESSIONS_MAX 64
#define AUTH_SESSION_TIMEOUT 1800

enum auth_rc {
    AUTH_OK = 0,
    AUTH_NO_CREDENTIALS = 1,
    AUTH_BAD_CREDENTIALS = 2,
    AUTH_BAD_TOKEN = 3,
    AUTH_SESSION_LIMIT = 4,
    AUTH_ERROR = -1,
};

struct auth;
struct db;

/* Creates the authenticator over an open database. Returns NULL when out of memory. */
struct auth *auth_new(struct db *db);

/* Frees the authenticator and forgets every session. NULL-safe. */
void auth_free(struct auth *auth);

/*
 * Authenticates a request from its Authorization and X-Auth-Token headers (either may be
 * NULL). A token wins when both are present. Fills *who on AUTH_OK. Returns AUTH_OK,
 * AUTH_NO_CREDENTIALS, AUTH_BAD_CREDENTIALS (unknown user, wrong password, disabled or locked
 * account: the same answer, in about the same time), AUTH_BAD_TOKEN or AUTH_ERROR.
 */
int auth_request(struct auth *auth, const char *authorization, const char *token,
                 const char *remote, struct rf_principal *who);

/*
 * Checks a user name and password (as for a login) and fills *who. Returns AUTH_OK,
 * AUTH_BAD_CREDENTIALS or AUTH_ERROR.
 */
int auth_check_password(struct auth *auth, const char *user, const char *password,
                        struct rf_principal *who);

/*
 * Encodes a new salted PBKDF2-HMAC-SHA256 hash of password as
 * "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" into out. Returns 0 or -1.
 */
int auth_password_hash(const char *password, char *out, size_t outsz);

/* Compares password with an encoded hash in constant time. Returns 1 on a match, 0 on a
 * mismatch, -1 when the encoding is malformed. */
int auth_password_verify(const char *password, const char *encoded);

/* The privileges of a standard role (Administrator, Operator, ReadOnly); 0 for others. */
rf_priv_t auth_role_privileges(const char *role);

/*
 * Writes a random password of n characters (letters and digits, n < outsz) into out.
 * Returns 0 or -1.
 */
int auth_random_password(char *out, size_t outsz, size_t n);

/* A session as the SessionService shows it. */
struct auth_session_info {
    char id[AUTH_SESSION_ID_LEN + 1];
    char user[RF_USER_MAX];
    char remote[48];
    time_t created;
};

/*
 * Logs in: checks the credentials and creates a session. Writes the token (AUTH_TOKEN_LEN + 1
 * bytes) and the session's id. Returns AUTH_OK, AUTH_BAD_CREDENTIALS, AUTH_SESSION_LIMIT or
 * AUTH_ERROR. The token is never stored, only its SHA-256.
 */
int auth_session_create(struct auth *auth, const char *user, const char *password,
                        const char *remote, char *token, size_t tokensz,
                        struct auth_session_info *info);

/* Copies session id's details. Returns AUTH_OK or AUTH_BAD_TOKEN when there is none. */
int auth_session_get(struct auth *auth, const char *id, struct auth_session_info *out);

/* Ends session id. Returns AUTH_OK or AUTH_BAD_TOKEN when there is none. */
int auth_session_delete(struct auth *auth, const char *id);

/* Copies up to max live sessions' details into out. Returns how many were copied. */
size_t auth_session_list(struct auth *auth, struct auth_session_info *out, size_t max);

#endif
