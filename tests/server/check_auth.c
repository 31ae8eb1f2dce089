#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "auth.h"
#include "db.h"
#include "rf_buf.h"

static char dir[256];
static struct db *db;
static struct auth *auth;
static struct auth_policy policy;
static int pwc;
static time_t fake_now = 1000000;

static time_t
fake_clock(void *arg)
{
    (void)arg;
    return fake_now;
}

static void
add_account(const char *user, const char *role, const char *pw, int enabled)
{
    struct db_account a;

    memset(&a, 0, sizeof a);
    ck_assert_int_eq(rf_strlcpy(a.user, user, sizeof a.user), 0);
    ck_assert_int_eq(rf_strlcpy(a.role, role, sizeof a.role), 0);
    ck_assert_int_eq(auth_password_hash(pw, a.password_hash, sizeof a.password_hash), 0);
    a.enabled = enabled;
    ck_assert_int_eq(db_account_insert(db, &a), DB_OK);
}

static void
setup(void)
{
    char err[256];
    char data[300];

    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(rf_fmt(data, sizeof data, "%s/var", dir), 0);
    ck_assert_int_eq(db_open(data, &db, err, sizeof err), DB_OK);
    memset(&policy, 0, sizeof policy);
    policy.session_timeout = 1800;
    policy.max_sessions = 64;
    policy.lockout_threshold = 3;
    policy.lockout_duration = 60;
    policy.lockout_reset_after = 30;
    policy.lockout_reset_enabled = 1;
    policy.min_password_length = 8;
    policy.max_password_length = 64;
    auth = auth_new(db, &policy, NULL);
    ck_assert_ptr_nonnull(auth);
    add_account("admin", "Administrator", "admin-pass-1", 1);
    add_account("reader", "ReadOnly", "reader-pass-1", 1);
    add_account("off", "Operator", "off-pass-1", 0);
}

static void
teardown(void)
{
    auth_free(auth);
    db_close(db);
    tdir_remove(dir);
}

static void
basic(const char *user, const char *pw, char *out, size_t outsz)
{
    char raw[256];
    unsigned char b64[400];

    ck_assert_int_eq(rf_fmt(raw, sizeof raw, "%s:%s", user, pw), 0);
    EVP_EncodeBlock(b64, (const unsigned char *)raw, (int)strlen(raw));
    ck_assert_int_eq(rf_fmt(out, outsz, "Basic %s", (const char *)b64), 0);
}

START_TEST(test_hash_roundtrip)
{
    char h1[AUTH_HASH_MAX];
    char h2[AUTH_HASH_MAX];

    ck_assert_int_eq(auth_password_hash("correct horse", h1, sizeof h1), 0);
    ck_assert_int_eq(auth_password_hash("correct horse", h2, sizeof h2), 0);
    /* Salted: the same password never hashes the same twice. */
    ck_assert_str_ne(h1, h2);
    ck_assert_ptr_nonnull(strstr(h1, "pbkdf2-sha256$210000$"));
    ck_assert_int_eq(auth_password_verify("correct horse", h1), 1);
    ck_assert_int_eq(auth_password_verify("correct horsE", h1), 0);
    ck_assert_int_eq(auth_password_verify("", h1), 0);
    ck_assert_int_eq(auth_password_verify("x", "plain"), -1);
    ck_assert_int_eq(auth_password_verify("x", "pbkdf2-sha256$10$00$00"), -1);
    ck_assert_int_eq(auth_password_verify("x", "pbkdf2-sha256$210000$zz$00"), -1);
}
END_TEST

START_TEST(test_roles)
{
    ck_assert_uint_eq(auth_role_privileges("Administrator"),
                      RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_MANAGER | RF_PRIV_CONFIGURE_USERS
                          | RF_PRIV_CONFIGURE_SELF | RF_PRIV_CONFIGURE_COMPONENTS);
    ck_assert_uint_eq(auth_role_privileges("Operator"),
                      RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_SELF | RF_PRIV_CONFIGURE_COMPONENTS);
    ck_assert_uint_eq(auth_role_privileges("ReadOnly"), RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_SELF);
    ck_assert_uint_eq(auth_role_privileges("administrator"), 0);
}
END_TEST

START_TEST(test_random_password)
{
    char a[32];
    char b[32];

    ck_assert_int_eq(auth_random_password(a, sizeof a, 20), 0);
    ck_assert_int_eq(auth_random_password(b, sizeof b, 20), 0);
    ck_assert_uint_eq(strlen(a), 20);
    ck_assert_str_ne(a, b);
    for (size_t i = 0; i < 20; i++) {
        ck_assert(isalnum((unsigned char)a[i]));
    }
    ck_assert_int_eq(auth_random_password(a, 10, 10), -1);
}
END_TEST

START_TEST(test_basic)
{
    struct rf_principal who;
    char h[512];

    basic("admin", "admin-pass-1", h, sizeof h);
    ck_assert_int_eq(auth_request(auth, h, NULL, NULL, "127.0.0.1", &who), AUTH_OK);
    ck_assert_str_eq(who.user, "admin");
    ck_assert_uint_eq(who.privs, auth_role_privileges("Administrator"));
    /* Again: served from the credential cache, same answer. */
    ck_assert_int_eq(auth_request(auth, h, NULL, NULL, "127.0.0.1", &who), AUTH_OK);
    basic("reader", "reader-pass-1", h, sizeof h);
    ck_assert_int_eq(auth_request(auth, h, NULL, NULL, "127.0.0.1", &who), AUTH_OK);
    ck_assert_str_eq(who.role, "ReadOnly");

    basic("admin", "wrong", h, sizeof h);
    ck_assert_int_eq(auth_request(auth, h, NULL, NULL, NULL, &who), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(who.authenticated, 0);
    basic("nobody", "admin-pass-1", h, sizeof h);
    ck_assert_int_eq(auth_request(auth, h, NULL, NULL, NULL, &who), AUTH_BAD_CREDENTIALS);
    basic("off", "off-pass-1", h, sizeof h);
    ck_assert_int_eq(auth_request(auth, h, NULL, NULL, NULL, &who), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(auth_request(auth, NULL, NULL, NULL, NULL, &who), AUTH_NO_CREDENTIALS);
    ck_assert_int_eq(auth_request(auth, "Bearer abc", NULL, NULL, NULL, &who),
                     AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(auth_request(auth, "Basic !!!!", NULL, NULL, NULL, &who),
                     AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(auth_request(auth, "Basic YWRtaW4=", NULL, NULL, NULL, &who),
                     AUTH_BAD_CREDENTIALS); /* "admin", no colon */
    ck_assert_int_eq(auth_request(auth, "Basic ", NULL, NULL, NULL, &who), AUTH_BAD_CREDENTIALS);
}
END_TEST

START_TEST(test_sessions)
{
    char token[AUTH_TOKEN_LEN + 1];
    char token2[AUTH_TOKEN_LEN + 1];
    struct auth_session_info info;
    struct auth_session_info info2;
    struct auth_session_info list[4];
    struct rf_principal who;
    char forged[AUTH_TOKEN_LEN + 1];

    ck_assert_int_eq(
        auth_session_create(auth, "reader", "bad", "::1", token, sizeof token, &info, &pwc),
        AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(auth_session_create(auth, "reader", "reader-pass-1", "::1", token,
                                         sizeof token, &info, &pwc),
                     AUTH_OK);
    ck_assert_uint_eq(strlen(token), AUTH_TOKEN_LEN);
    ck_assert_uint_eq(strlen(info.id), AUTH_SESSION_ID_LEN);
    ck_assert_int_eq(auth_session_create(auth, "admin", "admin-pass-1", "::1", token2,
                                         sizeof token2, &info2, &pwc),
                     AUTH_OK);
    ck_assert_str_ne(token, token2);
    ck_assert_str_ne(info.id, info2.id);

    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_OK);
    ck_assert_str_eq(who.user, "reader");
    ck_assert_str_eq(who.session_id, info.id);
    /* A token wins over Basic. */
    ck_assert_int_eq(auth_request(auth, "Basic x", token2, NULL, NULL, &who), AUTH_OK);
    ck_assert_str_eq(who.user, "admin");

    /* Forged and truncated tokens are refused. */
    memcpy(forged, token, sizeof forged);
    forged[0] = forged[0] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(auth_request(auth, NULL, forged, NULL, NULL, &who), AUTH_BAD_TOKEN);
    forged[AUTH_TOKEN_LEN - 1] = '\0';
    ck_assert_int_eq(auth_request(auth, NULL, forged, NULL, NULL, &who), AUTH_BAD_TOKEN);
    ck_assert_int_eq(auth_request(auth, NULL, "", NULL, NULL, &who), AUTH_BAD_TOKEN);

    ck_assert_uint_eq(auth_session_list(auth, list, 4), 2);
    ck_assert_int_eq(auth_session_get(auth, info.id, &info2), AUTH_OK);
    ck_assert_str_eq(info2.user, "reader");
    ck_assert_str_eq(info2.remote, "::1");
    ck_assert_int_eq(auth_session_delete(auth, info.id), AUTH_OK);
    ck_assert_int_eq(auth_session_delete(auth, info.id), AUTH_BAD_TOKEN);
    /* After logout the token is dead. */
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_BAD_TOKEN);
    ck_assert_uint_eq(auth_session_list(auth, list, 4), 1);
}
END_TEST

START_TEST(test_session_limit)
{
    char token[AUTH_TOKEN_LEN + 1];
    struct auth_session_info info;

    for (int i = 0; i < 64; i++) {
        ck_assert_int_eq(auth_session_create(auth, "admin", "admin-pass-1", "::1", token,
                                             sizeof token, &info, &pwc),
                         AUTH_OK);
    }
    ck_assert_int_eq(
        auth_session_create(auth, "admin", "admin-pass-1", "::1", token, sizeof token, &info, &pwc),
        AUTH_SESSION_LIMIT);
}
END_TEST

static int
try_basic(const char *user, const char *pw)
{
    struct rf_principal who;
    char h[512];

    basic(user, pw, h, sizeof h);
    return auth_request(auth, h, NULL, NULL, "192.0.2.1", &who);
}

static int
locked_in_db(const char *user)
{
    struct db_account a;

    ck_assert_int_eq(db_account_get(db, user, &a), DB_OK);
    return auth_account_locked(&a, auth_now(auth));
}

START_TEST(test_lockout_and_release)
{
    auth_set_clock(auth, fake_clock, NULL);
    /* Two failures, then the right password: the count starts again. */
    ck_assert_int_eq(try_basic("reader", "wrong-1"), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(try_basic("reader", "wrong-2"), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(try_basic("reader", "reader-pass-1"), AUTH_OK);
    ck_assert_int_eq(try_basic("reader", "wrong-3"), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(try_basic("reader", "wrong-4"), AUTH_BAD_CREDENTIALS);
    ck_assert(!locked_in_db("reader"));
    /* The third failure in a row locks the account... */
    ck_assert_int_eq(try_basic("reader", "wrong-5"), AUTH_BAD_CREDENTIALS);
    ck_assert(locked_in_db("reader"));
    /* ...so that even the right password (cached or not) is refused, with the same answer. */
    ck_assert_int_eq(try_basic("reader", "reader-pass-1"), AUTH_BAD_CREDENTIALS);
    fake_now += 59;
    ck_assert_int_eq(try_basic("reader", "reader-pass-1"), AUTH_BAD_CREDENTIALS);
    /* Released once the duration has passed. */
    fake_now += 1;
    ck_assert(!locked_in_db("reader"));
    ck_assert_int_eq(try_basic("reader", "reader-pass-1"), AUTH_OK);
    /* Other accounts were never affected. */
    ck_assert_int_eq(try_basic("admin", "admin-pass-1"), AUTH_OK);
}
END_TEST

START_TEST(test_lockout_counter_resets)
{
    auth_set_clock(auth, fake_clock, NULL);
    ck_assert_int_eq(try_basic("reader", "wrong-1"), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(try_basic("reader", "wrong-2"), AUTH_BAD_CREDENTIALS);
    fake_now += 30; /* AccountLockoutCounterResetAfter */
    ck_assert_int_eq(try_basic("reader", "wrong-3"), AUTH_BAD_CREDENTIALS);
    ck_assert(!locked_in_db("reader"));
    /* Unknown users are never "locked", and answer the same. */
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(try_basic("ghost", "wrong"), AUTH_BAD_CREDENTIALS);
    }
    /* A threshold of 0 never locks. */
    policy.lockout_threshold = 0;
    ck_assert_int_eq(auth_policy_set(auth, &policy), 0);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(try_basic("admin", "wrong"), AUTH_BAD_CREDENTIALS);
    }
    ck_assert(!locked_in_db("admin"));
}
END_TEST

START_TEST(test_session_expiry)
{
    char token[AUTH_TOKEN_LEN + 1];
    struct auth_session_info info;
    struct auth_session_info list[4];
    struct rf_principal who;

    auth_set_clock(auth, fake_clock, NULL);
    ck_assert_int_eq(auth_session_create(auth, "reader", "reader-pass-1", "::1", token,
                                         sizeof token, &info, &pwc),
                     AUTH_OK);
    /* Use keeps it alive: idle time counts, not age. */
    fake_now += 1800;
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_OK);
    fake_now += 1800;
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_OK);
    fake_now += 1801;
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_BAD_TOKEN);
    ck_assert_uint_eq(auth_session_list(auth, list, 4), 0);
    /* A shorter timeout applies to live sessions at once. */
    ck_assert_int_eq(auth_session_create(auth, "reader", "reader-pass-1", "::1", token,
                                         sizeof token, &info, &pwc),
                     AUTH_OK);
    policy.session_timeout = 30;
    ck_assert_int_eq(auth_policy_set(auth, &policy), 0);
    fake_now += 31;
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_BAD_TOKEN);
}
END_TEST

START_TEST(test_policy_persists_and_validates)
{
    struct auth_policy p = policy;
    struct auth_policy got;
    struct auth *again;

    p.min_password_length = 4;
    ck_assert_int_eq(auth_policy_set(auth, &p), -1);
    p = policy;
    p.lockout_reset_after = p.lockout_duration + 1;
    ck_assert_int_eq(auth_policy_set(auth, &p), -1);
    p = policy;
    p.session_timeout = 600;
    p.lockout_threshold = 9;
    ck_assert_int_eq(auth_policy_set(auth, &p), 0);
    /* A new authenticator over the same database starts from the stored policy. */
    again = auth_new(db, &policy, NULL);
    ck_assert_ptr_nonnull(again);
    auth_policy_get(again, &got);
    ck_assert_int_eq(got.session_timeout, 600);
    ck_assert_int_eq(got.lockout_threshold, 9);
    auth_free(again);
}
END_TEST

START_TEST(test_forget_user_and_disable)
{
    struct db_account a;
    char token[AUTH_TOKEN_LEN + 1];
    struct auth_session_info info;
    struct rf_principal who;

    ck_assert_int_eq(try_basic("reader", "reader-pass-1"), AUTH_OK); /* now cached */
    ck_assert_int_eq(auth_session_create(auth, "reader", "reader-pass-1", "::1", token,
                                         sizeof token, &info, &pwc),
                     AUTH_OK);
    ck_assert_int_eq(db_account_get(db, "reader", &a), DB_OK);
    ck_assert_int_eq(auth_password_hash("reader-pass-2", a.password_hash, sizeof a.password_hash),
                     0);
    ck_assert_int_eq(db_account_update(db, "reader", &a), DB_OK);
    auth_forget_user(auth, "reader", 0);
    /* The old password no longer works, even from the cache; the session does. */
    ck_assert_int_eq(try_basic("reader", "reader-pass-1"), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(try_basic("reader", "reader-pass-2"), AUTH_OK);
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_OK);
    /* A disabled account's session ends with it. */
    a.enabled = 0;
    ck_assert_int_eq(db_account_update(db, "reader", &a), DB_OK);
    /* Sessions keep the account they read until told it changed, as every change does. */
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_OK);
    auth_forget_user(auth, "reader", 0);
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_BAD_TOKEN);
    /* Certificates map to accounts by name; unknown or disabled names are refused. */
    ck_assert_int_eq(auth_request(auth, NULL, NULL, "admin", NULL, &who), AUTH_OK);
    ck_assert_str_eq(who.user, "admin");
    ck_assert_int_eq(auth_request(auth, NULL, NULL, "reader", NULL, &who), AUTH_BAD_CREDENTIALS);
    ck_assert_int_eq(auth_request(auth, NULL, NULL, "client-test", NULL, &who),
                     AUTH_BAD_CREDENTIALS);
}
END_TEST

START_TEST(test_password_change_flag)
{
    struct db_account a;
    struct rf_principal who;
    char token[AUTH_TOKEN_LEN + 1];
    struct auth_session_info info;

    ck_assert_int_eq(db_account_get(db, "reader", &a), DB_OK);
    a.password_change_required = 1;
    ck_assert_int_eq(db_account_update(db, "reader", &a), DB_OK);
    ck_assert_int_eq(auth_session_create(auth, "reader", "reader-pass-1", "::1", token,
                                         sizeof token, &info, &pwc),
                     AUTH_OK);
    ck_assert_int_eq(pwc, 1);
    ck_assert_int_eq(auth_request(auth, NULL, token, NULL, NULL, &who), AUTH_OK);
    ck_assert_int_eq(who.password_change_required, 1);
}
END_TEST

Suite *
auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("auth");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_hash_roundtrip);
    tcase_add_test(tc, test_roles);
    tcase_add_test(tc, test_random_password);
    tcase_add_test(tc, test_basic);
    tcase_add_test(tc, test_sessions);
    tcase_add_test(tc, test_session_limit);
    tcase_add_test(tc, test_lockout_and_release);
    tcase_add_test(tc, test_lockout_counter_resets);
    tcase_add_test(tc, test_session_expiry);
    tcase_add_test(tc, test_policy_persists_and_validates);
    tcase_add_test(tc, test_forget_user_and_disable);
    tcase_add_test(tc, test_password_change_flag);
    suite_add_tcase(s, tc);
    return s;
}
