/* The service database: one SQLite file (WAL) in the data directory holding the service's own
 * state (its UUID, accounts). SQLite types and codes never leave db.c. All calls are
 * thread-safe: one connection behind one mutex. */
#ifndef RF_DB_H
#define RF_DB_H

#include <stddef.h>

#define DB_FILE "service.db"

enum db_rc {
    DB_OK = 0,
    DB_NOTFOUND = 1,
    DB_EXISTS = 2,
    DB_ERR = -1,
};

struct db;

struct db_account {
    char user[64];
    char role[32];
    char password_hash[192];
    int enabled;
    int locked;
    int password_change_required;
};

/*
 * Opens (creating if needed) dir/service.db, creating dir with mode 0700 when missing, in WAL
 * mode with synchronous=FULL, and brings its schema up to date (PRAGMA user_version). Returns
 * DB_OK and a handle in *out (close it with db_close()), or DB_ERR with a message in err.
 */
int db_open(const char *dir, struct db **out, char *err, size_t errsz);

/* Sends SQLite's own diagnostics to the log. Call once, before any database is opened. */
void db_init_logging(void);

/* Closes the database. NULL-safe. */
void db_close(struct db *db);

/* The schema version the code writes (PRAGMA user_version after db_open()). */
int db_schema_version(void);

/* Reads a meta value. Returns DB_OK, DB_NOTFOUND, or DB_ERR (also when it does not fit). */
int db_meta_get(struct db *db, const char *key, char *out, size_t outsz);

/* Sets a meta value (insert or replace), committed before return. Returns DB_OK or DB_ERR. */
int db_meta_set(struct db *db, const char *key, const char *value);

/* Reads an account by exact user name. Returns DB_OK, DB_NOTFOUND or DB_ERR. */
int db_account_get(struct db *db, const char *user, struct db_account *out);

/* Inserts an account, committed before return. Returns DB_OK, DB_EXISTS or DB_ERR. */
int db_account_insert(struct db *db, const struct db_account *acct);

/* Counts the accounts. Returns DB_OK or DB_ERR. */
int db_account_count(struct db *db, long *n);

#endif
