#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "db.h"
#include "log.h"
#include "rf_buf.h"

#define SALT_LEN 16
#define DK_LEN 32
#define CACHE_SLOTS 32
#define CACHE_TTL 60
#define FAIL_SLOTS 64
#define POLICY_KEY "auth_policy"

/* A verified Basic credential, remembered for CACHE_TTL seconds so that a client sending Basic
 * on every request does not pay for PBKDF2 each time. The key is an HMAC of user and password
 * under a per-process random key, never the password. */
struct cred_cache_entry {
    unsigned char mac[32];
    char user[RF_USER_MAX];
    time_t expires;
};

struct session {
    int in_use;
    struct auth_session_info info;
    unsigned char token_hash[32];
    time_t last_used;
    /* The account as last read (without its password hash), until auth_forget_user says it
     * changed: a token request then needs no database read. */
    int acct_cached;
    struct db_account acct;
};

/* Failed logins of one account since the last success (or the last reset). Kept in memory:
 * a restart forgets the count, never a lockout (that is in the database). */
struct fail_entry {
    char user[RF_USER_MAX];
    int count;
    time_t last;
};

struct auth {
    struct db *db;
    struct audit *audit;
    pthread_mutex_t lock;
    time_t (*now)(void *arg);
    void *now_arg;
    struct auth_policy policy;
    unsigned char cache_key[32];
    struct cred_cache_entry cache[CACHE_SLOTS];
    size_t cache_next;
    struct session sessions[AUTH_SESSIONS_MAX];
    struct fail_entry fails[FAIL_SLOTS];
    char dummy_hash[AUTH_HASH_MAX]; /* verified against for unknown users, to even out timing */
};

static const struct {
    const char *role;
    rf_priv_t privs;
} roles[] = {
    {"Administrator", RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_MANAGER | RF_PRIV_CONFIGURE_USERS
                          | RF_PRIV_CONFIGURE_SELF | RF_PRIV_CONFIGURE_COMPONENTS},
    {"Operator", RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_SELF | RF_PRIV_CONFIGURE_COMPONENTS},
    {"ReadOnly", RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_SELF},
};

static const char *const priv_names[] = {
    "Login", "ConfigureManager", "ConfigureUsers", "ConfigureSelf", "ConfigureComponents",
};

_Static_assert(RF_PRIV_LOGIN == 1u << 0 && RF_PRIV_CONFIGURE_MANAGER == 1u << 1
                   && RF_PRIV_CONFIGURE_USERS == 1u << 2 && RF_PRIV_CONFIGURE_SELF == 1u << 3
                   && RF_PRIV_CONFIGURE_COMPONENTS == 1u << 4,
               "privilege names follow the bit order");

const char *
auth_priv_name(size_t i)
{
    return i < sizeof priv_names / sizeof priv_names[0] ? priv_names[i] : NULL;
}

const char *
auth_role_name(size_t i)
{
    return i < sizeof roles / sizeof roles[0] ? roles[i].role : NULL;
}

size_t
auth_role_count(void)
{
    return sizeof roles / sizeof roles[0];
}

rf_priv_t
auth_role_privileges(const char *role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (strcmp(role, roles[i].role) == 0) {
            return roles[i].privs;
        }
    }
    return 0;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int
hex_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz)
{
    if (inlen != 2 * outsz) {
        return -1;
    }
    for (size_t i = 0; i < outsz; i++) {
        unsigned v = 0;

        for (size_t k = 0; k < 2; k++) {
            char c = in[2 * i + k];

            v <<= 4;
            if (c >= '0' && c <= '9') {
                v |= (unsigned)(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                v |= (unsigned)(c - 'a' + 10);
            } else {
                return -1;
            }
        }
        out[i] = (unsigned char)v;
    }
    return 0;
}

static int
pbkdf2(const char *password, const unsigned char *salt, size_t saltlen, int iter, unsigned char *dk,
       size_t dklen)
{
    return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)saltlen, iter,
                             EVP_sha256(), (int)dklen, dk)
                   == 1
               ? 0
               : -1;
}

int
auth_password_hash(const char *password, char *out, size_t outsz)
{
    unsigned char salt[SALT_LEN];
    unsigned char dk[DK_LEN];
    char salt_hex[2 * SALT_LEN + 1];
    char dk_hex[2 * DK_LEN + 1];
    int rc;

    if (RAND_bytes(salt, sizeof salt) != 1
        || pbkdf2(password, salt, sizeof salt, AUTH_PBKDF2_ITER, dk, sizeof dk) != 0) {
        return -1;
    }
    hex_encode(salt, sizeof salt, salt_hex);
    hex_encode(dk, sizeof dk, dk_hex);
    rc = rf_fmt(out, outsz, "pbkdf2-sha256$%d$%s$%s", AUTH_PBKDF2_ITER, salt_hex, dk_hex);
    OPENSSL_cleanse(dk, sizeof dk);
    return rc;
}

int
auth_password_verify(const char *password, const char *encoded)
{
    const char *prefix = "pbkdf2-sha256$";
    const char *p;
    const char *salt_s;
    const char *dk_s;
    char *end = NULL;
    long iter;
    unsigned char salt[SALT_LEN];
    unsigned char want[DK_LEN];
    unsigned char got[DK_LEN];
    int match;

    if (strncmp(encoded, prefix, strlen(prefix)) != 0) {
        return -1;
    }
    p = encoded + strlen(prefix);
    iter = strtol(p, &end, 10);
    if (end == p || *end != '$' || iter < 1000 || iter > 10000000) {
        return -1;
    }
    salt_s = end + 1;
    dk_s = strchr(salt_s, '$');
    if (dk_s == NULL || hex_decode(salt_s, (size_t)(dk_s - salt_s), salt, sizeof salt) != 0
        || hex_decode(dk_s + 1, strlen(dk_s + 1), want, sizeof want) != 0) {
        return -1;
    }
    if (pbkdf2(password, salt, sizeof salt, (int)iter, got, sizeof got) != 0) {
        return -1;
    }
    match = CRYPTO_memcmp(got, want, sizeof got) == 0;
    OPENSSL_cleanse(got, sizeof got);
    return match;
}

int
auth_random_password(char *out, size_t outsz, size_t n)
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const size_t k = sizeof alphabet - 1;

    if (n + 1 > outsz) {
        return -1;
    }
    for (size_t i = 0; i < n;) {
        unsigned char b;

        if (RAND_bytes(&b, 1) != 1) {
            return -1;
        }
        /* Rejection sampling keeps every character equally likely. */
        if (b < 256 - (256 % k)) {
            out[i++] = alphabet[b % k];
        }
    }
    out[n] = '\0';
    return 0;
}

static time_t
clock_default(void *arg)
{
    (void)arg;
    return time(NULL);
}

time_t
auth_now(struct auth *auth)
{
    return auth->now(auth->now_arg);
}

void
auth_set_clock(struct auth *auth, time_t (*now)(void *arg), void *arg)
{
    auth->now = now != NULL ? now : clock_default;
    auth->now_arg = now != NULL ? arg : NULL;
}

static int
policy_valid(const struct auth_policy *p)
{
    return p->session_timeout >= 30 && p->session_timeout <= 86400 && p->max_sessions >= 1
           && p->max_sessions <= AUTH_SESSIONS_MAX && p->lockout_threshold >= 0
           && p->lockout_threshold <= 1000 && p->lockout_duration >= 0
           && p->lockout_duration <= 86400 && p->lockout_reset_after >= 0
           && p->lockout_reset_after <= 86400
           && (p->lockout_duration == 0 || p->lockout_reset_after <= p->lockout_duration)
           && (p->lockout_reset_enabled == 0 || p->lockout_reset_enabled == 1)
           && p->min_password_length >= 8 && p->max_password_length <= AUTH_PASSWORD_MAX
           && p->min_password_length <= p->max_password_length;
}

/* The stored policy: "v1 <eight numbers>". */
static int
policy_parse(const char *s, struct auth_policy *p)
{
    long v[8];
    const char *q;
    char *end = NULL;

    if (strncmp(s, "v1", 2) != 0) {
        return -1;
    }
    q = s + 2;
    for (size_t i = 0; i < 8; i++) {
        v[i] = strtol(q, &end, 10);
        if (end == q) {
            return -1;
        }
        q = end;
    }
    if (*q != '\0') {
        return -1;
    }
    p->session_timeout = v[0];
    p->max_sessions = v[1];
    p->lockout_threshold = v[2];
    p->lockout_duration = v[3];
    p->lockout_reset_after = v[4];
    p->lockout_reset_enabled = (int)v[5];
    p->min_password_length = v[6];
    p->max_password_length = v[7];
    return policy_valid(p) ? 0 : -1;
}

struct auth *
auth_new(struct db *db, const struct auth_policy *defaults, struct audit *audit)
{
    struct auth *auth = calloc(1, sizeof *auth);
    char pw[24];
    char stored[256];
    struct auth_policy p;
    int rc;

    if (auth == NULL) {
        return NULL;
    }
    auth->db = db;
    auth->audit = audit;
    auth->now = clock_default;
    auth->policy = *defaults;
    if (pthread_mutex_init(&auth->lock, NULL) != 0) {
        free(auth);
        return NULL;
    }
    rc = db_meta_get(db, POLICY_KEY, stored, sizeof stored);
    if (rc == DB_OK && policy_parse(stored, &p) == 0) {
        auth->policy = p;
    } else if (rc == DB_ERR) {
        auth_free(auth);
        return NULL;
    }
    if (RAND_bytes(auth->cache_key, sizeof auth->cache_key) != 1
        || auth_random_password(pw, sizeof pw, 20) != 0
        || auth_password_hash(pw, auth->dummy_hash, sizeof auth->dummy_hash) != 0) {
        auth_free(auth);
        return NULL;
    }
    return auth;
}

void
auth_free(struct auth *auth)
{
    if (auth == NULL) {
        return;
    }
    pthread_mutex_destroy(&auth->lock);
    OPENSSL_cleanse(auth, sizeof *auth);
    free(auth);
}

void
auth_policy_get(struct auth *auth, struct auth_policy *out)
{
    pthread_mutex_lock(&auth->lock);
    *out = auth->policy;
    pthread_mutex_unlock(&auth->lock);
}

int
auth_policy_set(struct auth *auth, const struct auth_policy *p)
{
    char stored[256];
    int rc = -1;

    if (!policy_valid(p)
        || rf_fmt(stored, sizeof stored, "v1 %ld %ld %ld %ld %ld %d %ld %ld", p->session_timeout,
                  p->max_sessions, p->lockout_threshold, p->lockout_duration,
                  p->lockout_reset_after, p->lockout_reset_enabled, p->min_password_length,
                  p->max_password_length)
               != 0) {
        return -1;
    }
    pthread_mutex_lock(&auth->lock);
    if (db_meta_set(auth->db, POLICY_KEY, stored) == DB_OK) {
        auth->policy = *p;
        rc = 0;
    }
    pthread_mutex_unlock(&auth->lock);
    return rc;
}

int
auth_account_locked(const struct db_account *a, time_t now)
{
    return a->locked && (a->locked_until == 0 || (long long)now < a->locked_until);
}

static int
cred_mac(const struct auth *auth, const char *user, const char *password, unsigned char *mac)
{
    unsigned char buf[RF_USER_MAX + AUTH_PASSWORD_MAX + 1];
    size_t ul = strlen(user);
    size_t pl = strlen(password);
    unsigned int maclen = 0;

    if (ul >= RF_USER_MAX || pl > AUTH_PASSWORD_MAX) {
        return -1;
    }
    memcpy(buf, user, ul);
    buf[ul] = '\0';
    memcpy(buf + ul + 1, password, pl);
    if (HMAC(EVP_sha256(), auth->cache_key, sizeof auth->cache_key, buf, ul + 1 + pl, mac, &maclen)
            == NULL
        || maclen != 32) {
        OPENSSL_cleanse(buf, sizeof buf);
        return -1;
    }
    OPENSSL_cleanse(buf, sizeof buf);
    return 0;
}

static void
fill_principal(struct rf_principal *who, const struct db_account *a)
{
    memset(who, 0, sizeof *who);
    who->authenticated = 1;
    (void)rf_strlcpy(who->user, a->user, sizeof who->user);
    (void)rf_strlcpy(who->role, a->role, sizeof who->role);
    who->privs = auth_role_privileges(a->role);
    who->password_change_required = a->password_change_required;
}

/* The failure slot of user, or a free (or the oldest) one taken over for it. Under the lock. */
static struct fail_entry *
fail_slot(struct auth *auth, const char *user, int create)
{
    struct fail_entry *oldest = &auth->fails[0];

    for (size_t i = 0; i < FAIL_SLOTS; i++) {
        struct fail_entry *f = &auth->fails[i];

        if (f->count > 0 && strcmp(f->user, user) == 0) {
            return f;
        }
        if (f->count == 0 || f->last < oldest->last) {
            oldest = f;
        }
    }
    if (!create) {
        return NULL;
    }
    memset(oldest, 0, sizeof *oldest);
    (void)rf_strlcpy(oldest->user, user, sizeof oldest->user);
    return oldest;
}

/* Counts a wrong password for an existing account and locks it at the threshold. */
static void
note_failure(struct auth *auth, const struct db_account *a, const char *remote)
{
    time_t now = auth_now(auth);
    struct fail_entry *f;
    int lock = 0;
    int count;
    long long until = 0;
    struct auth_policy p;

    pthread_mutex_lock(&auth->lock);
    p = auth->policy;
    f = fail_slot(auth, a->user, 1);
    if (p.lockout_reset_enabled && f->count > 0 && now - f->last >= p.lockout_reset_after) {
        f->count = 0;
    }
    f->count++;
    f->last = now;
    count = f->count;
    if (p.lockout_threshold > 0 && p.lockout_duration > 0 && count >= p.lockout_threshold) {
        lock = 1;
        memset(f, 0, sizeof *f);
        until = p.lockout_reset_enabled ? (long long)now + p.lockout_duration : 0;
    }
    pthread_mutex_unlock(&auth->lock);
    (void)audit_record_sev(auth->audit, AUDIT_WARNING, a->user, remote,
                           "login failed: wrong password (%d in a row)", count);
    if (lock && !auth_account_locked(a, now)) {
        if (db_account_set_lock(auth->db, a->user, 1, until) == DB_OK) {
            log_msg(LOG_LEVEL_WARNING, "account %s locked after %d failed logins", a->user, count);
            (void)audit_record_sev(auth->audit, AUDIT_CRITICAL, a->user, remote,
                                   "account locked after %d failed logins", count);
        }
    }
}

static void
clear_failures(struct auth *auth, const char *user)
{
    struct fail_entry *f;

    pthread_mutex_lock(&auth->lock);
    f = fail_slot(auth, user, 0);
    if (f != NULL) {
        memset(f, 0, sizeof *f);
    }
    pthread_mutex_unlock(&auth->lock);
}

/* Admits an account whose credentials checked out: enabled and not locked. An expired lock is
 * cleared on the way. */
static int
admit(struct auth *auth, const struct db_account *a, const char *how, const char *remote)
{
    time_t now = auth_now(auth);

    if (!a->enabled || auth_account_locked(a, now)) {
        (void)audit_record_sev(auth->audit, AUDIT_WARNING, a->user, remote,
                               "login refused (%s): account %s", how,
                               a->enabled ? "locked" : "disabled");
        return AUTH_BAD_CREDENTIALS;
    }
    if (a->locked && db_account_set_lock(auth->db, a->user, 0, 0) == DB_OK) {
        (void)audit_record(auth->audit, a->user, remote, "lockout ended");
    }
    return AUTH_OK;
}

int
auth_check_password(struct auth *auth, const char *user, const char *password, const char *remote,
                    struct rf_principal *who)
{
    struct db_account acct;
    unsigned char mac[32];
    int have_mac;
    int rc;
    time_t now = auth_now(auth);

    memset(who, 0, sizeof *who);
    have_mac = cred_mac(auth, user, password, mac) == 0;
    rc = db_account_get(auth->db, user, &acct);
    if (rc == DB_ERR) {
        return AUTH_ERROR;
    }
    if (have_mac && rc == DB_OK) {
        int hit = 0;

        pthread_mutex_lock(&auth->lock);
        for (size_t i = 0; i < CACHE_SLOTS; i++) {
            const struct cred_cache_entry *e = &auth->cache[i];

            if (e->expires > now && CRYPTO_memcmp(e->mac, mac, sizeof mac) == 0
                && strcmp(e->user, user) == 0) {
                hit = 1;
                break;
            }
        }
        pthread_mutex_unlock(&auth->lock);
        if (hit && acct.enabled && !auth_account_locked(&acct, now)) {
            fill_principal(who, &acct);
            return AUTH_OK;
        }
    }
    if (rc == DB_NOTFOUND) {
        /* The same work as for a real account, so timing does not tell users apart. */
        (void)auth_password_verify(password, auth->dummy_hash);
        (void)audit_record_sev(auth->audit, AUDIT_WARNING, user, remote,
                               "login failed: no such account");
        return AUTH_BAD_CREDENTIALS;
    }
    if (auth_password_verify(password, acct.password_hash) != 1) {
        note_failure(auth, &acct, remote);
        return AUTH_BAD_CREDENTIALS;
    }
    rc = admit(auth, &acct, "password", remote);
    if (rc != AUTH_OK) {
        return rc;
    }
    clear_failures(auth, acct.user);
    if (have_mac) {
        pthread_mutex_lock(&auth->lock);
        struct cred_cache_entry *e = &auth->cache[auth->cache_next];

        auth->cache_next = (auth->cache_next + 1) % CACHE_SLOTS;
        memcpy(e->mac, mac, sizeof mac);
        (void)rf_strlcpy(e->user, acct.user, sizeof e->user);
        e->expires = now + CACHE_TTL;
        pthread_mutex_unlock(&auth->lock);
    }
    fill_principal(who, &acct);
    return AUTH_OK;
}

void
auth_forget_user(struct auth *auth, const char *user, int end_sessions)
{
    struct fail_entry *f;

    pthread_mutex_lock(&auth->lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (strcmp(auth->cache[i].user, user) == 0) {
            OPENSSL_cleanse(&auth->cache[i], sizeof auth->cache[i]);
        }
    }
    /* The sessions read the account again on their next request. */
    for (size_t i = 0; i < AUTH_SESSIONS_MAX; i++) {
        if (auth->sessions[i].in_use && strcmp(auth->sessions[i].info.user, user) == 0) {
            auth->sessions[i].acct_cached = 0;
        }
    }
    if (end_sessions) {
        for (size_t i = 0; i < AUTH_SESSIONS_MAX; i++) {
            if (auth->sessions[i].in_use && strcmp(auth->sessions[i].info.user, user) == 0) {
                OPENSSL_cleanse(&auth->sessions[i], sizeof auth->sessions[i]);
            }
        }
        f = fail_slot(auth, user, 0);
        if (f != NULL) {
            memset(f, 0, sizeof *f);
        }
    }
    pthread_mutex_unlock(&auth->lock);
}

/* Decodes "Basic <base64(user:password)>" into user and password. Returns 0 or -1. */
static int
parse_basic(const char *h, char *user, size_t usersz, char *pw, size_t pwsz)
{
    unsigned char dec[512];
    const char *b64;
    size_t len;
    int n;
    size_t pad = 0;
    char *colon;

    if (strncasecmp(h, "Basic ", 6) != 0) {
        return -1;
    }
    b64 = h + 6;
    while (*b64 == ' ') {
        b64++;
    }
    len = strlen(b64);
    if (len == 0 || len % 4 != 0 || len / 4 * 3 >= sizeof dec) {
        return -1;
    }
    n = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)len);
    if (n < 0) {
        return -1;
    }
    if (b64[len - 1] == '=') {
        pad++;
    }
    if (b64[len - 2] == '=') {
        pad++;
    }
    n -= (int)pad;
    dec[n] = '\0';
    if (memchr(dec, '\0', (size_t)n) != NULL) {
        OPENSSL_cleanse(dec, sizeof dec);
        return -1;
    }
    colon = strchr((char *)dec, ':');
    if (colon == NULL) {
        OPENSSL_cleanse(dec, sizeof dec);
        return -1;
    }
    *colon = '\0';
    if (rf_strlcpy(user, (char *)dec, usersz) != 0 || rf_strlcpy(pw, colon + 1, pwsz) != 0) {
        OPENSSL_cleanse(dec, sizeof dec);
        return -1;
    }
    OPENSSL_cleanse(dec, sizeof dec);
    return 0;
}

static void
token_hash(const char *token, unsigned char *out)
{
    unsigned int n = 0;

    (void)EVP_Digest(token, strlen(token), out, &n, EVP_sha256(), NULL);
}

/* Ends sessions idle for longer than the timeout. Under the lock. */
static void
expire_sessions(struct auth *auth, time_t now)
{
    for (size_t i = 0; i < AUTH_SESSIONS_MAX; i++) {
        struct session *s = &auth->sessions[i];

        if (s->in_use && now - s->last_used > auth->policy.session_timeout) {
            OPENSSL_cleanse(s, sizeof *s);
        }
    }
}

static int
session_by_token(struct auth *auth, const char *token, struct rf_principal *who)
{
    unsigned char h[32];
    time_t now = auth_now(auth);
    char user[RF_USER_MAX] = "";
    char id[AUTH_SESSION_ID_LEN + 1] = "";
    struct db_account acct;
    int rc;

    if (strlen(token) != AUTH_TOKEN_LEN) {
        return AUTH_BAD_TOKEN;
    }
    token_hash(token, h);
    pthread_mutex_lock(&auth->lock);
    expire_sessions(auth, now);
    for (size_t i = 0; i < AUTH_SESSIONS_MAX; i++) {
        struct session *s = &auth->sessions[i];

        if (s->in_use && CRYPTO_memcmp(s->token_hash, h, sizeof h) == 0) {
            s->last_used = now;
            (void)rf_strlcpy(user, s->info.user, sizeof user);
            (void)rf_strlcpy(id, s->info.id, sizeof id);
            if (s->acct_cached) {
                fill_principal(who, &s->acct);
                (void)rf_strlcpy(who->session_id, id, sizeof who->session_id);
                pthread_mutex_unlock(&auth->lock);
                return AUTH_OK;
            }
            break;
        }
    }
    pthread_mutex_unlock(&auth->lock);
    if (id[0] == '\0') {
        return AUTH_BAD_TOKEN;
    }
    /* The account as it is now: its role, whether it is still enabled, its password state. */
    rc = db_account_get(auth->db, user, &acct);
    if (rc == DB_OK && acct.enabled) {
        pthread_mutex_lock(&auth->lock);
        for (size_t i = 0; i < AUTH_SESSIONS_MAX; i++) {
            struct session *s = &auth->sessions[i];
            if (s->in_use && strcmp(s->info.id, id) == 0) {
                s->acct = acct;
                OPENSSL_cleanse(s->acct.password_hash, sizeof s->acct.password_hash);
                s->acct_cached = 1;
                break;
            }
        }
        pthread_mutex_unlock(&auth->lock);
    }
    if (rc == DB_ERR) {
        return AUTH_ERROR;
    }
    if (rc == DB_NOTFOUND || !acct.enabled) {
        (void)auth_session_delete(auth, id);
        return AUTH_BAD_TOKEN;
    }
    fill_principal(who, &acct);
    (void)rf_strlcpy(who->session_id, id, sizeof who->session_id);
    return AUTH_OK;
}

static int
by_certificate(struct auth *auth, const char *cn, const char *remote, struct rf_principal *who)
{
    struct db_account acct;
    int rc = db_account_get(auth->db, cn, &acct);

    if (rc == DB_ERR) {
        return AUTH_ERROR;
    }
    if (rc == DB_NOTFOUND) {
        (void)audit_record_sev(auth->audit, AUDIT_WARNING, cn, remote,
                               "login failed: client certificate names no account");
        return AUTH_BAD_CREDENTIALS;
    }
    rc = admit(auth, &acct, "client certificate", remote);
    if (rc == AUTH_OK) {
        fill_principal(who, &acct);
    }
    return rc;
}

int
auth_request(struct auth *auth, const char *authorization, const char *token, const char *cert_cn,
             const char *remote, struct rf_principal *who)
{
    char user[RF_USER_MAX];
    char pw[AUTH_PASSWORD_MAX + 1];
    int rc;

    memset(who, 0, sizeof *who);
    if (token != NULL) {
        return session_by_token(auth, token, who);
    }
    if (authorization != NULL) {
        if (parse_basic(authorization, user, sizeof user, pw, sizeof pw) != 0) {
            return AUTH_BAD_CREDENTIALS;
        }
        rc = auth_check_password(auth, user, pw, remote, who);
        OPENSSL_cleanse(pw, sizeof pw);
        return rc;
    }
    if (cert_cn != NULL && cert_cn[0] != '\0') {
        return by_certificate(auth, cert_cn, remote, who);
    }
    return AUTH_NO_CREDENTIALS;
}

static int
b64url(const unsigned char *in, size_t n, char *out, size_t outsz)
{
    unsigned char tmp[64];
    int len;

    if (4 * ((n + 2) / 3) + 1 > sizeof tmp) {
        return -1;
    }
    len = EVP_EncodeBlock(tmp, in, (int)n);
    while (len > 0 && tmp[len - 1] == '=') {
        len--;
    }
    if ((size_t)len + 1 > outsz) {
        return -1;
    }
    for (int i = 0; i < len; i++) {
        char c = (char)tmp[i];

        out[i] = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    out[len] = '\0';
    return 0;
}

int
auth_session_create(struct auth *auth, const char *user, const char *password, const char *remote,
                    char *token, size_t tokensz, struct auth_session_info *info,
                    int *password_change_required)
{
    struct rf_principal who;
    unsigned char raw[32];
    unsigned char idraw[AUTH_SESSION_ID_LEN / 2];
    struct session *slot = NULL;
    time_t now = auth_now(auth);
    size_t live = 0;
    int rc = auth_check_password(auth, user, password, remote, &who);

    *password_change_required = 0;
    if (rc != AUTH_OK) {
        return rc;
    }
    if (RAND_bytes(raw, sizeof raw) != 1 || RAND_bytes(idraw, sizeof idraw) != 1
        || b64url(raw, sizeof raw, token, tokensz) != 0) {
        return AUTH_ERROR;
    }
    pthread_mutex_lock(&auth->lock);
    expire_sessions(auth, now);
    for (size_t i = 0; i < AUTH_SESSIONS_MAX; i++) {
        struct session *s = &auth->sessions[i];

        if (s->in_use) {
            live++;
        } else if (slot == NULL) {
            slot = s;
        }
    }
    if (slot == NULL || live >= (size_t)auth->policy.max_sessions) {
        pthread_mutex_unlock(&auth->lock);
        OPENSSL_cleanse(token, tokensz);
        return AUTH_SESSION_LIMIT;
    }
    memset(slot, 0, sizeof *slot);
    slot->in_use = 1;
    token_hash(token, slot->token_hash);
    hex_encode(idraw, sizeof idraw, slot->info.id);
    (void)rf_strlcpy(slot->info.user, who.user, sizeof slot->info.user);
    (void)rf_strlcpy(slot->info.remote, remote ? remote : "", sizeof slot->info.remote);
    slot->info.created = now;
    slot->last_used = now;
    *info = slot->info;
    pthread_mutex_unlock(&auth->lock);
    OPENSSL_cleanse(raw, sizeof raw);
    *password_change_required = who.password_change_required;
    return AUTH_OK;
}

static struct session *
session_find(struct auth *auth, const char *id)
{
    expire_sessions(auth, auth_now(auth));
    for (size_t i = 0; i < AUTH_SESSIONS_MAX; i++) {
        struct session *s = &auth->sessions[i];

        if (s->in_use && strcmp(s->info.id, id) == 0) {
            return s;
        }
    }
    return NULL;
}

int
auth_session_get(struct auth *auth, const char *id, struct auth_session_info *out)
{
    struct session *s;

    pthread_mutex_lock(&auth->lock);
    s = session_find(auth, id);
    if (s != NULL) {
        *out = s->info;
    }
    pthread_mutex_unlock(&auth->lock);
    return s != NULL ? AUTH_OK : AUTH_BAD_TOKEN;
}

int
auth_session_delete(struct auth *auth, const char *id)
{
    struct session *s;

    pthread_mutex_lock(&auth->lock);
    s = session_find(auth, id);
    if (s != NULL) {
        OPENSSL_cleanse(s, sizeof *s);
    }
    pthread_mutex_unlock(&auth->lock);
    return s != NULL ? AUTH_OK : AUTH_BAD_TOKEN;
}

size_t
auth_session_list(struct auth *auth, struct auth_session_info *out, size_t max)
{
    size_t n = 0;

    pthread_mutex_lock(&auth->lock);
    expire_sessions(auth, auth_now(auth));
    for (size_t i = 0; i < AUTH_SESSIONS_MAX && n < max; i++) {
        if (auth->sessions[i].in_use) {
            out[n++] = auth->sessions[i].info;
        }
    }
    pthread_mutex_unlock(&auth->lock);
    return n;
}
