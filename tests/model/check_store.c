/* The store interface, run against both implementations; then the SQLite file's own rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "store.h"

static char dir[256];
static char path[320];

static void
setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_lt(snprintf(path, sizeof path, "%s/jobs.db", dir), (int)sizeof path);
}

static void
teardown(void)
{
    (void)tdir_remove(dir);
}

static struct store *
open_store(int impl)
{
    struct store *st = NULL;

    if (impl == 0)
        ck_assert_int_eq(store_mem_open(&st), JOB_OK);
    else
        ck_assert_int_eq(store_sqlite_open(path, &st), JOB_OK);
    return st;
}

/* Reopens: the memory store is its own persistence, so it is kept. */
static struct store *
reopen(int impl, struct store *st)
{
    if (impl == 0)
        return st;
    store_close(st);
    return open_store(impl);
}

struct seen {
    uint64_t ids[16];
    char data[16][32];
    size_t n;
};

static enum job_err
collect(void *arg, uint64_t id, const unsigned char *data, size_t len)
{
    struct seen *s = arg;

    ck_assert_uint_lt(s->n, 16);
    ck_assert_uint_lt(len, 32);
    s->ids[s->n] = id;
    memcpy(s->data[s->n], data, len);
    s->data[s->n][len] = '\0';
    s->n++;
    return JOB_OK;
}

static enum job_err
stop_at_two(void *arg, uint64_t id, const unsigned char *data, size_t len)
{
    (void)data;
    (void)len;
    (void)id;
    return ++*(int *)arg == 2 ? JOB_ESTATE : JOB_OK;
}

static struct store_rec
put(uint64_t id, const char *text)
{
    struct store_rec r = {STORE_PUT, id, (const unsigned char *)text, strlen(text)};
    return r;
}

START_TEST(test_put_replace_delete_reload)
{
    struct store *st = open_store(_i);
    struct seen s = {{0}, {{0}}, 0};
    uint64_t next = 0;
    struct store_rec batch1[] = {put(3, "three"), put(1, "one"), put(2, "two")};
    struct store_rec batch2[] = {put(2, "TWO"), {STORE_DEL, 3, NULL, 0}, put(7, "seven")};
    int calls = 0;

    ck_assert_int_eq(store_load(st, collect, &s, &next), JOB_OK);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(store_commit(st, batch1, 3, 4), JOB_OK);
    ck_assert_int_eq(store_commit(st, batch2, 3, 8), JOB_OK);
    st = reopen(_i, st);
    ck_assert_int_eq(store_load(st, collect, &s, &next), JOB_OK);
    ck_assert_uint_eq(s.n, 3); /* in id order */
    ck_assert_uint_eq(s.ids[0], 1);
    ck_assert_str_eq(s.data[0], "one");
    ck_assert_uint_eq(s.ids[1], 2);
    ck_assert_str_eq(s.data[1], "TWO");
    ck_assert_uint_eq(s.ids[2], 7);
    ck_assert_str_eq(s.data[2], "seven");
    ck_assert_uint_eq(next, 8);
    /* The loader's error stops the load and is returned. */
    ck_assert_int_eq(store_load(st, stop_at_two, &calls, &next), JOB_ESTATE);
    ck_assert_int_eq(calls, 2);
    store_close(st);
}
END_TEST

START_TEST(test_ids_never_reused)
{
    struct store *st = open_store(_i);
    struct seen s = {{0}, {{0}}, 0};
    uint64_t next = 0;
    struct store_rec add[] = {put(5, "five")};
    struct store_rec del[] = {{STORE_DEL, 5, NULL, 0}};

    ck_assert_int_eq(store_commit(st, add, 1, 6), JOB_OK);
    ck_assert_int_eq(store_commit(st, del, 1, 6), JOB_OK);
    /* An older next id never lowers the stored one. */
    ck_assert_int_eq(store_commit(st, NULL, 0, 2), JOB_OK);
    st = reopen(_i, st);
    ck_assert_int_eq(store_load(st, collect, &s, &next), JOB_OK);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_uint_eq(next, 6);
    store_close(st);
}
END_TEST

START_TEST(test_bad_records_refused)
{
    struct store *st = open_store(1);
    struct store_rec zero[] = {put(0, "zero")};

    ck_assert_int_eq(store_commit(st, zero, 1, 2), JOB_EINVAL);
    store_close(st);
}
END_TEST

START_TEST(test_mem_failure_is_atomic)
{
    struct store *st = open_store(0);
    struct seen s = {{0}, {{0}}, 0};
    uint64_t next = 0;
    struct store_rec a[] = {put(1, "a")};
    struct store_rec b[] = {put(1, "b"), put(2, "c")};

    store_mem_fail(st, 1, 1);
    ck_assert_int_eq(store_commit(st, a, 1, 2), JOB_OK);
    ck_assert_int_eq(store_commit(st, b, 2, 3), JOB_ESTORE);
    ck_assert_int_eq(store_load(st, collect, &s, &next), JOB_OK);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_str_eq(s.data[0], "a");
    ck_assert_uint_eq(next, 2);
    ck_assert_int_eq(store_commit(st, b, 2, 3), JOB_OK); /* the failure was one-shot */
    store_close(st);
}
END_TEST

START_TEST(test_sqlite_file_rules)
{
    struct store *st = open_store(1);
    FILE *f;
    char walpath[400];

    store_close(st);
    ck_assert_int_eq(store_sqlite_check(path), JOB_OK);
    /* WAL mode: the database keeps a -wal file beside it while open. */
    st = open_store(1);
    ck_assert_int_lt(snprintf(walpath, sizeof walpath, "%s-wal", path), (int)sizeof walpath);
    ck_assert_int_eq(access(walpath, F_OK), 0);
    store_close(st);
    /* The schema is versioned: version 1 now, and a newer file is refused, not downgraded. */
    {
        sqlite3 *db;
        sqlite3_stmt *q;
        ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
        ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int(q, 0), 1);
        sqlite3_finalize(q);
        ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
        ck_assert_int_eq(store_sqlite_open(path, &st), JOB_ESTORE);
    }
    /* A file that is not a database is refused, not overwritten. */
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not a database, and it is long enough to look like a header......", f);
    fclose(f);
    unlink(walpath);
    ck_assert_int_ne(store_sqlite_open(path, &st), JOB_OK);
    ck_assert_int_eq(store_sqlite_check(path), JOB_ESTORE);
}
END_TEST

Suite *
store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("both");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_put_replace_delete_reload, 0, 2);
    tcase_add_loop_test(tc, test_ids_never_reused, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("each");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_bad_records_refused);
    tcase_add_test(tc, test_mem_failure_is_atomic);
    tcase_add_test(tc, test_sqlite_file_rules);
    suite_add_tcase(s, tc);
    return s;
}
