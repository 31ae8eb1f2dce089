#include "db.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "rf_buf.h"

struct db {
    sqlite3 *h;
    pthread_mutex_t lock;
    sqlite3_stmt *account_get; /* prepared once: every authenticated request reads the account */
};

/* Ordered migrations: entry i brings the schema from version i to i + 1. Never edit one that
 * has shipped; append a new one. */
static const char *const migrations[] = {
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
    "CREATE TABLE accounts ("
    "  user TEXT PRIMARY KEY NOT NULL,"
    "  role TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  locked INTEGER NOT NULL DEFAULT 0,"
    "  password_change_required INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL DEFAULT (strftime('%s','now')));",
    "ALTER TABLE accounts ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  created INTEGER NOT NULL,"
    "  severity INTEGER NOT NULL,"
    "  who TEXT NOT NULL,"
    "  origin TEXT NOT NULL,"
    "  what TEXT NOT NULL);",
    "CREATE TABLE subscriptions ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  owner TEXT NOT NULL,"
    "  destination TEXT NOT NULL,"
    "  context TEXT NOT NULL,"
    "  policy TEXT NOT NULL,"
    "  verify_cert INTEGER NOT NULL,"
    "  suspended INTEGER NOT NULL DEFAULT 0,"
    "  filter TEXT NOT NULL,"
    "  headers TEXT NOT NULL,"
    "  cursor INTEGER NOT NULL,"
    "  created INTEGER NOT NULL DEFAULT (strftime('%s','now')));",
};

int
db_schema_version(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

static void
db_log(void *arg, int code, const char *msg)
{
    (void)arg;
    log_msg(LOG_LEVEL_WARNING, "sqlite (%d): %s", code, msg);
}

static int
exec_simple(struct db *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_msg(LOG_LEVEL_ERROR, "sqlite: %s", msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        return DB_ERR;
    }
    return DB_OK;
}

static int
user_version(struct db *db, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = DB_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int
migrate(struct db *db, char *err, size_t errsz)
{
    int have = 0;
    int want = db_schema_version();
    char sql[64];

    if (user_version(db, &have) != DB_OK) {
        (void)rf_fmt(err, errsz, "cannot read the schema version: %s", sqlite3_errmsg(db->h));
        return DB_ERR;
    }
    if (have > want) {
        (void)rf_fmt(err, errsz, "database schema version %d is newer than this program's %d", have,
                     want);
        return DB_ERR;
    }
    for (int v = have; v < want; v++) {
        if (exec_simple(db, "BEGIN IMMEDIATE") != DB_OK) {
            (void)rf_fmt(err, errsz, "cannot begin a migration");
            return DB_ERR;
        }
        if (rf_fmt(sql, sizeof sql, "PRAGMA user_version = %d", v + 1) != 0
            || exec_simple(db, migrations[v]) != DB_OK || exec_simple(db, sql) != DB_OK
            || exec_simple(db, "COMMIT") != DB_OK) {
            (void)exec_simple(db, "ROLLBACK");
            (void)rf_fmt(err, errsz, "migration to schema version %d failed", v + 1);
            return DB_ERR;
        }
        log_msg(LOG_LEVEL_INFO, "database schema migrated to version %d", v + 1);
    }
    return DB_OK;
}

int
db_open(const char *dir, struct db **out, char *err, size_t errsz)
{
    struct db *db;
    char path[1100];

    *out = NULL;
    if (errsz > 0) {
        err[0] = '\0';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        (void)rf_fmt(err, errsz, "cannot create the data directory %s (errno %d)", dir, errno);
        return DB_ERR;
    }
    if (rf_fmt(path, sizeof path, "%s/%s", dir, DB_FILE) != 0) {
        (void)rf_fmt(err, errsz, "data directory path too long");
        return DB_ERR;
    }
    db = calloc(1, sizeof *db);
    if (db == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        return DB_ERR;
    }
    if (pthread_mutex_init(&db->lock, NULL) != 0) {
        free(db);
        (void)rf_fmt(err, errsz, "cannot create a mutex");
        return DB_ERR;
    }
    if (sqlite3_open_v2(path, &db->h,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL)
        != SQLITE_OK) {
        (void)rf_fmt(err, errsz, "cannot open %s: %s", path,
                     db->h ? sqlite3_errmsg(db->h) : "out of memory");
        db_close(db);
        return DB_ERR;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, 5000);
    if (exec_simple(db, "PRAGMA journal_mode = WAL") != DB_OK
        || exec_simple(db, "PRAGMA synchronous = FULL") != DB_OK
        || exec_simple(db, "PRAGMA foreign_keys = ON") != DB_OK
        || migrate(db, err, errsz) != DB_OK) {
        if (err[0] == '\0') {
            (void)rf_fmt(err, errsz, "cannot prepare %s", path);
        }
        db_close(db);
        return DB_ERR;
    }
    *out = db;
    return DB_OK;
}

void
db_close(struct db *db)
{
    if (db == NULL) {
        return;
    }
    sqlite3_finalize(db->account_get);
    sqlite3_close(db->h);
    pthread_mutex_destroy(&db->lock);
    free(db);
}

static int
copy_col(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    if (t == NULL) {
        out[0] = '\0';
        return 0;
    }
    return rf_strlcpy(out, (const char *)t, outsz);
}

int
db_meta_get(struct db *db, const char *key, char *out, size_t outsz)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;
    int s;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
        s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            rc = copy_col(st, 0, out, outsz) == 0 ? DB_OK : DB_ERR;
        } else if (s == SQLITE_DONE) {
            rc = DB_NOTFOUND;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: reading meta %s: %s", key, sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_meta_set(struct db *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", -1,
                           &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_DONE) {
        rc = DB_OK;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: writing meta %s: %s", key, sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_account_get(struct db *db, const char *user, struct db_account *out)
{
    sqlite3_stmt *st;
    int rc = DB_ERR;
    int s;

    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&db->lock);
    if (db->account_get == NULL
        && sqlite3_prepare_v2(
               db->h,
               "SELECT user, role, password_hash, enabled, locked, "
               "password_change_required, locked_until FROM accounts WHERE user = ?1",
               -1, &db->account_get, NULL)
               != SQLITE_OK) {
        db->account_get = NULL;
    }
    st = db->account_get;
    if (st != NULL && sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
        s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            if (copy_col(st, 0, out->user, sizeof out->user) == 0
                && copy_col(st, 1, out->role, sizeof out->role) == 0
                && copy_col(st, 2, out->password_hash, sizeof out->password_hash) == 0) {
                out->enabled = sqlite3_column_int(st, 3);
                out->locked = sqlite3_column_int(st, 4);
                out->password_change_required = sqlite3_column_int(st, 5);
                out->locked_until = sqlite3_column_int64(st, 6);
                rc = DB_OK;
            }
        } else if (s == SQLITE_DONE) {
            rc = DB_NOTFOUND;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: reading an account: %s", sqlite3_errmsg(db->h));
    }
    if (st != NULL) {
        (void)sqlite3_reset(st);
        (void)sqlite3_clear_bindings(st);
    }
    pthread_mutex_unlock(&db->lock);
    return rc;
}

/* Binds an account's columns to parameters ?1..?7 (user, role, password_hash, enabled, locked,
 * password_change_required, locked_until). Returns SQLITE_OK or the first failure. */
static int
bind_account(sqlite3_stmt *st, const struct db_account *a)
{
    int rc = sqlite3_bind_text(st, 1, a->user, -1, SQLITE_TRANSIENT);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, a->role, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, a->password_hash, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 4, a->enabled);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 5, a->locked);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 6, a->password_change_required);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 7, a->locked_until);
    return rc;
}

int
db_account_insert(struct db *db, const struct db_account *a)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;
    int s = SQLITE_ERROR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h,
                           "INSERT INTO accounts (user, role, password_hash, enabled, locked, "
                           "password_change_required, locked_until) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &st, NULL)
            == SQLITE_OK
        && bind_account(st, a) == SQLITE_OK) {
        s = sqlite3_step(st);
        if (s == SQLITE_DONE) {
            rc = DB_OK;
        } else if (s == SQLITE_CONSTRAINT_PRIMARYKEY || s == SQLITE_CONSTRAINT_UNIQUE) {
            rc = DB_EXISTS;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: inserting an account: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_account_count(struct db *db, long *n)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM accounts", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        *n = (long)sqlite3_column_int64(st, 0);
        rc = DB_OK;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: counting accounts: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_account_count_role(struct db *db, const char *role, long *n)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM accounts WHERE role = ?1 AND enabled = 1",
                           -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_text(st, 1, role, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        *n = (long)sqlite3_column_int64(st, 0);
        rc = DB_OK;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: counting accounts: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_account_update(struct db *db, const char *old_user, const struct db_account *a)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;
    int s;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h,
                           "UPDATE accounts SET user = ?1, role = ?2, password_hash = ?3, "
                           "enabled = ?4, locked = ?5, password_change_required = ?6, "
                           "locked_until = ?7 WHERE user = ?8",
                           -1, &st, NULL)
            == SQLITE_OK
        && bind_account(st, a) == SQLITE_OK
        && sqlite3_bind_text(st, 8, old_user, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
        s = sqlite3_step(st);
        if (s == SQLITE_DONE) {
            rc = sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
        } else if (s == SQLITE_CONSTRAINT_PRIMARYKEY || s == SQLITE_CONSTRAINT_UNIQUE) {
            rc = DB_EXISTS;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: updating an account: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_account_set_lock(struct db *db, const char *user, int locked, long long until)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h,
                           "UPDATE accounts SET locked = ?1, locked_until = ?2 WHERE user = ?3", -1,
                           &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_int(st, 1, locked) == SQLITE_OK
        && sqlite3_bind_int64(st, 2, until) == SQLITE_OK
        && sqlite3_bind_text(st, 3, user, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_DONE) {
        rc = sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: locking an account: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_account_delete(struct db *db, const char *user)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "DELETE FROM accounts WHERE user = ?1", -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_DONE) {
        rc = sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: deleting an account: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_account_list(struct db *db, char (*users)[64], size_t max, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;
    int s = SQLITE_ERROR;

    *n = 0;
    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "SELECT user FROM accounts ORDER BY rowid", -1, &st, NULL)
        == SQLITE_OK) {
        while (*n < max && (s = sqlite3_step(st)) == SQLITE_ROW) {
            if (copy_col(st, 0, users[*n], 64) == 0) {
                (*n)++;
            }
        }
        if (s == SQLITE_DONE || s == SQLITE_ROW) {
            rc = DB_OK;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: listing accounts: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_audit_append(struct db *db, struct db_audit *e, long keep)
{
    sqlite3_stmt *st = NULL;
    sqlite3_stmt *trim = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (exec_simple(db, "BEGIN IMMEDIATE") != DB_OK) {
        pthread_mutex_unlock(&db->lock);
        return DB_ERR;
    }
    if (sqlite3_prepare_v2(db->h,
                           "INSERT INTO audit (created, severity, who, origin, what) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_int64(st, 1, e->created) == SQLITE_OK
        && sqlite3_bind_int(st, 2, e->severity) == SQLITE_OK
        && sqlite3_bind_text(st, 3, e->who, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_bind_text(st, 4, e->origin, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_bind_text(st, 5, e->what, -1, SQLITE_TRANSIENT) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_DONE) {
        e->id = sqlite3_last_insert_rowid(db->h);
        if (sqlite3_prepare_v2(db->h, "DELETE FROM audit WHERE id <= ?1", -1, &trim, NULL)
                == SQLITE_OK
            && sqlite3_bind_int64(trim, 1, e->id - keep) == SQLITE_OK
            && sqlite3_step(trim) == SQLITE_DONE) {
            rc = DB_OK;
        }
    }
    if (rc == DB_OK && exec_simple(db, "COMMIT") != DB_OK) {
        rc = DB_ERR;
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: appending an audit record: %s", sqlite3_errmsg(db->h));
        (void)exec_simple(db, "ROLLBACK");
    }
    sqlite3_finalize(st);
    sqlite3_finalize(trim);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_audit_get(struct db *db, long long id, struct db_audit *out)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;
    int s;

    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h,
                           "SELECT id, created, severity, who, origin, what FROM audit "
                           "WHERE id = ?1",
                           -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_int64(st, 1, id) == SQLITE_OK) {
        s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            out->id = sqlite3_column_int64(st, 0);
            out->created = sqlite3_column_int64(st, 1);
            out->severity = sqlite3_column_int(st, 2);
            /* Over-long text is cut rather than refused: the record is still shown. */
            (void)copy_col(st, 3, out->who, sizeof out->who);
            (void)copy_col(st, 4, out->origin, sizeof out->origin);
            (void)copy_col(st, 5, out->what, sizeof out->what);
            rc = DB_OK;
        } else if (s == SQLITE_DONE) {
            rc = DB_NOTFOUND;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: reading an audit record: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_audit_ids(struct db *db, long long *ids, size_t max, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;
    int s = SQLITE_ERROR;

    *n = 0;
    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "SELECT id FROM audit ORDER BY id", -1, &st, NULL) == SQLITE_OK) {
        while (*n < max && (s = sqlite3_step(st)) == SQLITE_ROW) {
            ids[(*n)++] = sqlite3_column_int64(st, 0);
        }
        if (s == SQLITE_DONE || s == SQLITE_ROW) {
            rc = DB_OK;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: listing audit records: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

/* ---- Event subscriptions ------------------------------------------------------------------- */

#define SUB_COLUMNS                                                                                \
    "owner, destination, context, policy, verify_cert, suspended, filter, headers, cursor"

/* Binds a subscription's columns to ?1..?9 (in SUB_COLUMNS order). */
static int
bind_sub(sqlite3_stmt *st, const struct db_subscription *s)
{
    int rc = sqlite3_bind_text(st, 1, s->owner, -1, SQLITE_TRANSIENT);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, s->destination, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, s->context, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 4, s->policy, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 5, s->verify_cert);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 6, s->suspended);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 7, s->filter, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 8, s->headers, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 9, s->cursor);
    return rc;
}

int
db_sub_insert(struct db *db, struct db_subscription *s)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h,
                           "INSERT INTO subscriptions (" SUB_COLUMNS
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           -1, &st, NULL)
            == SQLITE_OK
        && bind_sub(st, s) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE) {
        s->id = sqlite3_last_insert_rowid(db->h);
        rc = DB_OK;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: inserting a subscription: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_sub_update(struct db *db, const struct db_subscription *s)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h,
                           "UPDATE subscriptions SET owner = ?1, destination = ?2, context = ?3, "
                           "policy = ?4, verify_cert = ?5, suspended = ?6, filter = ?7, "
                           "headers = ?8, cursor = ?9 WHERE id = ?10",
                           -1, &st, NULL)
            == SQLITE_OK
        && bind_sub(st, s) == SQLITE_OK && sqlite3_bind_int64(st, 10, s->id) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_DONE) {
        rc = sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: updating a subscription: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_sub_set_cursor(struct db *db, long long id, long long cursor)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "UPDATE subscriptions SET cursor = ?1 WHERE id = ?2", -1, &st,
                           NULL)
            == SQLITE_OK
        && sqlite3_bind_int64(st, 1, cursor) == SQLITE_OK
        && sqlite3_bind_int64(st, 2, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE) {
        rc = sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: writing a subscription cursor: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_sub_delete(struct db *db, long long id)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;

    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "DELETE FROM subscriptions WHERE id = ?1", -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_int64(st, 1, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE) {
        rc = sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
    } else {
        log_msg(LOG_LEVEL_ERROR, "db: deleting a subscription: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
db_sub_list(struct db *db, struct db_subscription *out, size_t max, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = DB_ERR;
    int s = SQLITE_ERROR;

    *n = 0;
    pthread_mutex_lock(&db->lock);
    if (sqlite3_prepare_v2(db->h, "SELECT id, " SUB_COLUMNS " FROM subscriptions ORDER BY id", -1,
                           &st, NULL)
        == SQLITE_OK) {
        while (*n < max && (s = sqlite3_step(st)) == SQLITE_ROW) {
            struct db_subscription *o = &out[*n];

            memset(o, 0, sizeof *o);
            o->id = sqlite3_column_int64(st, 0);
            o->verify_cert = sqlite3_column_int(st, 5);
            o->suspended = sqlite3_column_int(st, 6);
            o->cursor = sqlite3_column_int64(st, 9);
            if (copy_col(st, 1, o->owner, sizeof o->owner) == 0
                && copy_col(st, 2, o->destination, sizeof o->destination) == 0
                && copy_col(st, 3, o->context, sizeof o->context) == 0
                && copy_col(st, 4, o->policy, sizeof o->policy) == 0
                && copy_col(st, 7, o->filter, sizeof o->filter) == 0
                && copy_col(st, 8, o->headers, sizeof o->headers) == 0) {
                (*n)++;
            } else {
                log_msg(LOG_LEVEL_ERROR, "db: subscription %lld does not fit; skipped", o->id);
            }
        }
        if (s == SQLITE_DONE || s == SQLITE_ROW) {
            rc = DB_OK;
        }
    }
    if (rc == DB_ERR) {
        log_msg(LOG_LEVEL_ERROR, "db: listing subscriptions: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

void
db_init_logging(void)
{
    sqlite3_config(SQLITE_CONFIG_LOG, db_log, NULL);
}
