/*
 * The SQLite job store. One connection, used by one thread at a time (the job service's
 * committer, or whoever loads at open), serialised by the store's mutex anyway. Jobs are rows of
 * (id, encoded record); the next id lives in the meta table, written in the same transaction as
 * the batch, so ids are never reused. WAL with synchronous FULL: a commit that returned is on
 * disk.
 */
#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#define STORE_SCHEMA_VERSION 1
#define STORE_BUSY_TIMEOUT_MS 5000

enum stmt_id { ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_PUT, ST_DEL, ST_SET_NEXT, ST_COUNT };

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_PUT] = "INSERT OR REPLACE INTO jobs(id, data) VALUES (?1, ?2)",
    [ST_DEL] = "DELETE FROM jobs WHERE id = ?1",
    [ST_SET_NEXT] = "INSERT INTO meta(key, value) VALUES ('next_id', ?1) "
                    "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)",
};

/* Ordered migrations: entry i takes the schema from version i to i + 1. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
    "CREATE TABLE jobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;",
};

struct store_sqlite {
    struct store base;
    pthread_mutex_t lock;
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
};

static enum job_err
map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return JOB_OK;
    case SQLITE_NOMEM:
        return JOB_ENOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return JOB_EBUSY;
    case SQLITE_CONSTRAINT:
        return JOB_EEXIST;
    default:
        return JOB_ESTORE;
    }
}

static enum job_err
fail(struct store_sqlite *s, int rc, const char *what)
{
    store__log("job store: %s: %s", what,
               s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    return map_rc(rc);
}

/* Runs one statement to completion and resets it. */
static int
step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    (void)sqlite3_reset(st);
    (void)sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

static enum job_err
migrate(struct store_sqlite *s)
{
    sqlite3_stmt *st = NULL;
    int version;
    int rc;

    rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return fail(s, rc, "reading the schema version");
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > STORE_SCHEMA_VERSION || version < 0) {
        store__log("job store: schema version %d is newer than this program's %d", version,
                   STORE_SCHEMA_VERSION);
        return JOB_ESTORE;
    }
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
        char *msg = NULL;
        char pragma[64];
        int n = snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);

        if (n < 0 || (size_t)n >= sizeof pragma)
            return JOB_ESTORE;
        rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, migrations[v], NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, pragma, NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            store__log("job store: migration to version %d failed: %s", v + 1,
                       msg != NULL ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
            (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return map_rc(rc);
        }
    }
    return JOB_OK;
}

static enum job_err
sqlite_load(struct store *st, store_load_fn fn, void *arg, uint64_t *next_id)
{
    struct store_sqlite *s = (struct store_sqlite *)st;
    sqlite3_stmt *q = NULL;
    uint64_t max_id = 0;
    uint64_t stored_next = 1;
    enum job_err err = JOB_OK;
    int rc;

    pthread_mutex_lock(&s->lock);
    rc = sqlite3_prepare_v2(s->db, "SELECT id, data FROM jobs ORDER BY id", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        err = fail(s, rc, "preparing the load");
        goto out;
    }
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(q, 0);
        const void *data = sqlite3_column_blob(q, 1);
        int len = sqlite3_column_bytes(q, 1);

        if (id <= 0 || len < 0) {
            store__log("job store: row with id %lld is not a job", (long long)id);
            err = JOB_ESTORE;
            goto out;
        }
        max_id = (uint64_t)id;
        err = fn(arg, (uint64_t)id, data, (size_t)len);
        if (err != JOB_OK)
            goto out;
    }
    if (rc != SQLITE_DONE) {
        err = fail(s, rc, "loading jobs");
        goto out;
    }
    sqlite3_finalize(q);
    q = NULL;
    rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'next_id'", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        err = fail(s, rc, "preparing the id query");
        goto out;
    }
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_int64(q, 0) > 0)
        stored_next = (uint64_t)sqlite3_column_int64(q, 0);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = fail(s, rc, "reading the next id");
    *next_id = stored_next > max_id ? stored_next : max_id + 1;
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->lock);
    return err;
}

static enum job_err
sqlite_commit(struct store *st, const struct store_rec *recs, size_t n, uint64_t next_id)
{
    struct store_sqlite *s = (struct store_sqlite *)st;
    enum job_err err = JOB_OK;
    int rc;

    if (next_id > (uint64_t)INT64_MAX)
        return JOB_EINVAL;
    pthread_mutex_lock(&s->lock);
    rc = step(s->stmt[ST_BEGIN]);
    if (rc != SQLITE_DONE) {
        err = fail(s, rc, "beginning a transaction");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *q = s->stmt[recs[i].op == STORE_PUT ? ST_PUT : ST_DEL];
        if (recs[i].id == 0 || recs[i].id > (uint64_t)INT64_MAX || recs[i].len > INT32_MAX) {
            err = JOB_EINVAL;
            goto rollback;
        }
        rc = sqlite3_bind_int64(q, 1, (sqlite3_int64)recs[i].id);
        if (rc == SQLITE_OK && recs[i].op == STORE_PUT)
            rc = sqlite3_bind_blob(q, 2, recs[i].data, (int)recs[i].len, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = step(q);
        if (rc != SQLITE_DONE) {
            err = fail(s, rc, "writing a job");
            goto rollback;
        }
    }
    rc = sqlite3_bind_int64(s->stmt[ST_SET_NEXT], 1, (sqlite3_int64)next_id);
    if (rc == SQLITE_OK)
        rc = step(s->stmt[ST_SET_NEXT]);
    if (rc != SQLITE_DONE) {
        err = fail(s, rc, "writing the next id");
        goto rollback;
    }
    rc = step(s->stmt[ST_COMMIT]);
    if (rc == SQLITE_DONE)
        goto out;
    err = fail(s, rc, "committing");
rollback:
    if (!sqlite3_get_autocommit(s->db))
        (void)step(s->stmt[ST_ROLLBACK]);
out:
    pthread_mutex_unlock(&s->lock);
    return err;
}

static void
sqlite_close(struct store *st)
{
    struct store_sqlite *s = (struct store_sqlite *)st;

    for (size_t i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
        store__log("job store: closing: %s", sqlite3_errmsg(s->db));
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const struct store_ops sqlite_ops = {1, sqlite_load, sqlite_commit, sqlite_close};

enum job_err
store_sqlite_open(const char *path, struct store **out)
{
    struct store_sqlite *s;
    enum job_err err;
    int rc;

    if (sqlite3_threadsafe() == 0) {
        store__log("job store: SQLite was built without thread support");
        return JOB_ESTORE;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return JOB_ENOMEM;
    s->base.ops = &sqlite_ops;
    pthread_mutex_init(&s->lock, NULL);
    rc = sqlite3_open_v2(path, &s->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                             | SQLITE_OPEN_EXRESCODE,
                         NULL);
    if (rc != SQLITE_OK) {
        err = fail(s, rc, "opening the database");
        goto fail;
    }
    (void)sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    rc = sqlite3_exec(s->db,
                      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                      "PRAGMA foreign_keys = ON; PRAGMA secure_delete = OFF;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err = fail(s, rc, "setting the journal mode");
        goto fail;
    }
    err = migrate(s);
    if (err != JOB_OK)
        goto fail;
    for (size_t i = 0; i < ST_COUNT; i++) {
        rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                                NULL);
        if (rc != SQLITE_OK) {
            err = fail(s, rc, "preparing a statement");
            goto fail;
        }
    }
    *out = &s->base;
    return JOB_OK;
fail:
    sqlite_close(&s->base);
    return err;
}

enum job_err
store_sqlite_check(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    enum job_err err = JOB_ESTORE;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
        && sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) == SQLITE_OK
        && sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char *text = sqlite3_column_text(q, 0);
        if (text != NULL && text[0] == 'o' && text[1] == 'k' && text[2] == '\0')
            err = JOB_OK;
        else
            store__log("job store: integrity check: %s", text != NULL ? (const char *)text : "?");
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return err;
}
