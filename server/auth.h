/* Authentication: HTTP Basic against the account database, X-Auth-Token sessions, client
 * certificates, password hashing (PBKDF2-HMAC-SHA256), role privileges, account lockout and
 * the account policy (AccountService and SessionService settings). Thread-safe. */
#ifndef RF_AUTH_H
#define RF_AUTH_H

#include <stddef.h>
#include <time.h>

#include "router.h"

#define AUTH_PBKDF2_ITER 210000
#define AUTH_HASH_MAX 192
#define AUTH_TOKEN_LEN 43 /* base64url of 32 random bytes */
#define AUTH_SESSION_ID_LEN 32
#define AUTH_SESSIONS_MAX 256 /* the most max_sessions may be */
#define AUTH_PASSWORD_MAX 256 /* no password is longer, whatever the policy says */

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
struct db_account;
struct audit;

/*
 * The account and session policy. Start-up values come from the configuration; a PATCH of
 * AccountService or SessionService stores new values in the database, and those win from then
 * on (also across restarts).
 */
struct auth_policy {
    long session_timeout;      /* idle seconds, 30..86400 */
    long max_sessions;         /* 1..AUTH_SESSIONS_MAX */
    long lockout_threshold;    /* failed logins before a lockout; 0: never */
    long lockout_duration;     /* seconds locked; 0: no lockout */
    long lockout_reset_after;  /* seconds after the last failure when the count resets */
    int lockout_reset_enabled; /* 0: the count only resets on success, and locks are indefinite */
    long min_password_length;
    long max_password_length;
};

/*
 * Creates the authenticator over an open database, with the policy defaults (overridden by
 * values stored in the database) and an audit log (may be NULL). Returns NULL when out of
 * memory or when the database cannot be read.
 */
struct auth *auth_new(struct db *db, const struct auth_policy *defaults, struct audit *audit);

/* Frees the authenticator and forgets every session. NULL-safe. */
void auth_free(struct auth *auth);

/*
 * Replaces the clock (for tests): now(arg) is called wherever the current time is needed.
 * NULL restores time(NULL). Not thread-safe against requests in flight; set it before use.
 */
void auth_set_clock(struct auth *auth, time_t (*now)(void *arg), void *arg);

/* The current time by the authenticator's clock. */
time_t auth_now(struct auth *auth);

/* Copies the current policy. Takes the auth lock. */
void auth_policy_get(struct auth *auth, struct auth_policy *out);

/*
 * Validates and sets the policy, storing it in the database before return. Returns 0, or -1
 * when a value is out of range (nothing changes) or the database write failed. Takes the auth
 * lock.
 */
int auth_policy_set(struct auth *auth, const struct auth_policy *p);

/*
 * Authenticates a request from its Authorization and X-Auth-Token headers (either may be NULL)
 * or, when neither is present, from the common name of a verified client certificate (cert_cn,
 * may be NULL). A token wins over Basic. Fills *who on AUTH_OK. Returns AUTH_OK,
 * AUTH_NO_CREDENTIALS, AUTH_BAD_CREDENTIALS (unknown user, wrong password, disabled or locked
 * account: the same answer, in about the same time), AUTH_BAD_TOKEN or AUTH_ERROR. Failed
 * password checks count toward the account's lockout and are audited.
 */
int auth_request(struct auth *auth, const char *authorization, const char *token,
                 const char *cert_cn, const char *remote, struct rf_principal *who);

/*
 * Checks a user name and password (as for a login) from remote and fills *who. Returns
 * AUTH_OK, AUTH_BAD_CREDENTIALS or AUTH_ERROR. A wrong password counts toward the lockout.
 */
int auth_check_password(struct auth *auth, const char *user, const char *password,
                        const char *remote, struct rf_principal *who);

/*
 * Forgets what is remembered about user: cached credentials (after a password change), the
 * account its sessions last read (they read it again on their next request), and, when
 * end_sessions, every session of the user (after a delete, disable or rename) as well as the
 * failed-login count. Every change to an account must be followed by this call. Takes the auth
 * lock.
 */
void auth_forget_user(struct auth *auth, const char *user, int end_sessions);

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

/* The standard roles: name i for i < auth_role_count(), else NULL. */
const char *auth_role_name(size_t i);
size_t auth_role_count(void);

/* The registry name of privilege bit i ("Login", ...), or NULL past the last. */
const char *auth_priv_name(size_t i);

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
 * bytes), the session's id, and whether the account must change its password. Returns AUTH_OK,
 * AUTH_BAD_CREDENTIALS, AUTH_SESSION_LIMIT or AUTH_ERROR. The token is never stored, only its
 * SHA-256.
 */
int auth_session_create(struct auth *auth, const char *user, const char *password,
                        const char *remote, char *token, size_t tokensz,
                        struct auth_session_info *info, int *password_change_required);

/* Copies session id's details. Returns AUTH_OK or AUTH_BAD_TOKEN when there is none. */
int auth_session_get(struct auth *auth, const char *id, struct auth_session_info *out);

/* Ends session id. Returns AUTH_OK or AUTH_BAD_TOKEN when there is none. */
int auth_session_delete(struct auth *auth, const char *id);

/* Copies up to max live sessions' details into out. Returns how many were copied. */
size_t auth_session_list(struct auth *auth, struct auth_session_info *out, size_t max);

/*
 * Whether an account is locked at now: locked and either indefinitely or until a time still
 * to come.
 */
int auth_account_locked(const struct db_account *a, time_t now);

#endif
