#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "db.h"
#include "rf_buf.h"

static char dir[256];
static char data[300];

static void
setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(rf_fmt(data, sizeof data, "%s/var", dir), 0);
}

static void
teardown(void)
{
    tdir_remove(dir);
}

START_TEST(test_open_creates_and_migrates)
{
    struct db *db = NULL;
    char err[256] = "";
    char path[400];
    struct stat st;
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;

    ck_assert_int_eq(db_open(data, &db, err, sizeof err), DB_OK);
    db_close(db);
    ck_assert_int_eq(stat(data, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/%s", data, DB_FILE), 0);
    /* A real SQLite file, in WAL mode, at the current schema version. */
    ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(q, 0), db_schema_version());
    sqlite3_finalize(q);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_close(h);
    /* Opening again does not migrate twice. */
    ck_assert_int_eq(db_open(data, &db, err, sizeof err), DB_OK);
    db_close(db);
}
END_TEST

START_TEST(test_refuses_newer_schema)
{
    struct db *db = NULL;
    char err[256] = "";
    char path[400];
    sqlite3 *h = NULL;

    ck_assert_int_eq(db_open(data, &db, err, sizeof err), DB_OK);
    db_close(db);
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/%s", data, DB_FILE), 0);
    ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    ck_assert_int_eq(db_open(data, &db, err, sizeof err), DB_ERR);
    ck_assert_ptr_nonnull(strstr(err, "999"));
}
END_TEST

START_TEST(test_meta_and_accounts_persist)
{
    struct db *db = NULL;
    char err[256];
    char v[64];
    struct db_account a;
    struct db_account b;
    long n = -1;

    ck_assert_int_eq(db_open(data, &db, err, sizeof err), DB_OK);
    ck_assert_int_eq(db_meta_get(db, "k", v, sizeof v), DB_NOTFOUND);
    ck_assert_int_eq(db_meta_set(db, "k", "v1"), DB_OK);
    ck_assert_int_eq(db_meta_set(db, "k", "v2"), DB_OK);
    memset(&a, 0, sizeof a);
    ck_assert_int_eq(rf_strlcpy(a.user, "alice", sizeof a.user), 0);
    ck_assert_int_eq(rf_strlcpy(a.role, "ReadOnly", sizeof a.role), 0);
    ck_assert_int_eq(rf_strlcpy(a.password_hash, "x", sizeof a.password_hash), 0);
    a.enabled = 1;
    a.password_change_required = 1;
    ck_assert_int_eq(db_account_insert(db, &a), DB_OK);
    ck_assert_int_eq(db_account_insert(db, &a), DB_EXISTS);
    db_close(db);

    ck_assert_int_eq(db_open(data, &db, err, sizeof err), DB_OK);
    ck_assert_int_eq(db_meta_get(db, "k", v, sizeof v), DB_OK);
    ck_assert_str_eq(v, "v2");
    ck_assert_int_eq(db_account_count(db, &n), DB_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(db_account_get(db, "alice", &b), DB_OK);
    ck_assert_str_eq(b.role, "ReadOnly");
    ck_assert_int_eq(b.enabled, 1);
    ck_assert_int_eq(b.password_change_required, 1);
    /* User names are exact. */
    ck_assert_int_eq(db_account_get(db, "Alice", &b), DB_NOTFOUND);
    ck_assert_int_eq(db_account_get(db, "alice' OR '1'='1", &b), DB_NOTFOUND);
    db_close(db);
}
END_TEST

Suite *
db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("sqlite");

    tcase_set_timeout(tc, 20);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_open_creates_and_migrates);
    tcase_add_test(tc, test_refuses_newer_schema);
    tcase_add_test(tc, test_meta_and_accounts_persist);
    suite_add_tcase(s, tc);
    return s;
}
